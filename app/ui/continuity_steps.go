package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/continuity"
)

// StepList is the runbook of an incident's scenario as tick boxes: each
// step with its role and target time; a ticked step says when and by whom.
// Ticking records it in the incident's timeline (cs.TickStep).
type StepList struct {
	c *Continuity
	// Checks and Done are per step, in the runbook's order.
	Checks []*widget.Check
	Done   []*widget.Label
	Msg    fieldErr

	inc      *continuity.Incident
	steps    []continuity.Step
	box      *fyne.Container
	painting bool
	// after runs with the updated incident once a tick is recorded.
	after func(*continuity.Incident)
}

func newStepList(c *Continuity, after func(*continuity.Incident)) *StepList {
	return &StepList{c: c, Msg: newFieldErr(), box: container.NewVBox(), after: after}
}

func (l *StepList) content() fyne.CanvasObject { return container.NewVBox(l.box, l.Msg) }

// show paints the steps of inc (nil: none). editable is false for a closed
// incident.
func (l *StepList) show(inc *continuity.Incident) {
	l.inc = inc
	l.Msg.set("")
	l.box.Objects = nil
	l.Checks, l.Done, l.steps = nil, nil, nil
	if inc == nil {
		l.box.Refresh()
		return
	}
	rs := l.c.cs.Runbooks()
	rb := rs.For(inc.Scenario)
	done := inc.Steps()
	l.painting = true
	for i, st := range rb.Steps {
		// The target first: a long role name is what gets cut.
		who := rs.RoleName(st.Role)
		if st.TargetMinutes > 0 {
			who = tr("trong") + " " + itoa(st.TargetMinutes) + " " + tr("phút") + " · " + who
		}
		ch := widget.NewCheck(itoa(i+1)+". "+st.Title, nil)
		info := widget.NewLabel(who)
		info.TextStyle.Italic = true
		info.Truncation = fyne.TextTruncateEllipsis
		dl := widget.NewLabel("")
		dl.Truncation = fyne.TextTruncateEllipsis
		dl.Importance = widget.SuccessImportance
		if d, ok := done[st.ID]; ok {
			ch.SetChecked(true)
			dl.SetText(tr("Đã làm lúc") + " " + fmtTime(d.At) + " · " + d.By)
		} else {
			dl.Hide()
		}
		stepID := st.ID
		ch.OnChanged = func(on bool) { l.tick(stepID, on) }
		if !inc.Open() {
			ch.Disable()
		}
		l.Checks, l.Done, l.steps = append(l.Checks, ch), append(l.Done, dl), append(l.steps, st)
		// Two lines a step: the tick, then who does it and when it was done.
		l.box.Add(container.NewVBox(ch, container.New(&columns{weights: []float32{0.58, 0.42}}, info, dl)))
	}
	l.painting = false
	l.box.Refresh()
}

func (l *StepList) tick(stepID string, on bool) {
	if l.painting || l.inc == nil {
		return
	}
	inc, err := l.c.cs.TickStep(bgctx(), l.inc.ID, stepID, l.c.actor(), on)
	if err != nil {
		l.Msg.set(errMsg(err))
		l.show(l.inc) // the box goes back to what is recorded
		return
	}
	l.show(inc)
	if l.after != nil {
		l.after(inc)
	}
}
