package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"motcua"
	"motcua/app"
	"motcua/app/ui"
)

// keyboard drives the window as an officer's hands do and counts the key
// presses: a character typed is one, a key or a chord (Ctrl+Enter) is
// one, Tab is one; what the USB scanner types is counted apart.
type keyboard struct {
	t     *testing.T
	w     fyne.Window
	n     int
	scans int
}

func (k *keyboard) key(name fyne.KeyName) { k.n++; key(k.w, name) }

func (k *keyboard) ctrl(name fyne.KeyName) { k.n++; ctrl(k.w, name) }

func (k *keyboard) tab() { k.n++; k.w.Canvas().FocusNext() }

func (k *keyboard) typ(s string) {
	k.t.Helper()
	f := k.w.Canvas().Focused()
	if f == nil {
		k.t.Fatalf("typing %q with nothing focused", s)
	}
	for _, r := range s {
		k.n++
		f.TypedRune(r)
	}
}

func (k *keyboard) enter() { k.key(fyne.KeyReturn) }

func (k *keyboard) scanner(line string) { k.scans++; scan(k.w, line) }

// A whole first morning from the keyboard alone, on a new station: set-up,
// sign-in, three dossiers accepted, one refused, one sent back for a
// supplement, one result handed over. The key presses per accepted dossier
// are logged and bounded.
func TestKeyboardMorning(t *testing.T) {
	s := newStation(t, false)
	m := s.open()
	kb := &keyboard{t: t, w: s.win}
	if m.Setup == nil {
		t.Fatal("a new station must open on the set-up screen")
	}
	// Set-up, in the form's Tab order: agency code, station (1/1 kept),
	// agency name, the first administrator.
	for i, v := range []string{"000.00.06.H56", "", "UBND xã Quảng Phú", "lan.nt", "Nguyễn Thị Lan", "matkhau-lan", "matkhau-lan"} {
		if i > 0 {
			kb.tab()
		}
		if v != "" {
			kb.typ(v)
		}
	}
	kb.enter()
	if m.Frame == nil {
		st := m.Setup
		t.Fatalf("set-up from the keyboard failed: %q; fields %q %q %q %q %q", st.Err.Text, st.AgencyID.Text, st.Name.Text, st.Station.Text,
			st.Username.Text, st.FullName.Text)
	}
	setup := kb.n
	// Sign out and in again, as at the start of each day.
	kb.n++
	shortcut(s.win, fyne.KeyModifierControl|fyne.KeyModifierShift, fyne.KeyL)
	if m.SignIn == nil || m.Frame != nil {
		t.Fatal("Ctrl+Shift+L did not sign out")
	}
	mark := kb.n
	kb.typ("lan.nt")
	kb.enter()
	kb.typ("matkhau-lan")
	kb.enter()
	if m.Frame == nil {
		t.Fatalf("sign-in from the keyboard failed: %q", m.SignIn.Err.Text)
	}
	signIn := kb.n - mark
	f := m.Frame
	in := f.Intake
	if s.win.Canvas().Focused() != in.Scan {
		t.Fatal("after sign-in the scan field must have the focus")
	}

	// Three dossiers accepted.
	var codes []string
	var perAccepted []int
	for i := 0; i < 3; i++ {
		mark := kb.n
		kb.scanner(cccdLine)
		kb.typ("tinh trang hon nhan")
		kb.enter()
		if !strings.Contains(in.ProcInfo.Text, "1.004873") {
			t.Fatalf("intake %d: procedure %q", i+1, in.ProcInfo.Text)
		}
		kb.ctrl(fyne.KeyK)
		kb.ctrl(fyne.KeyReturn)
		if in.Last == nil || (len(codes) > 0 && in.Last.Code == codes[len(codes)-1]) {
			t.Fatalf("intake %d not accepted: %q", i+1, in.General.Text)
		}
		codes = append(codes, in.Last.Code)
		perAccepted = append(perAccepted, kb.n-mark)
	}

	// One refused: Ctrl+R asks for the reason (focus on it), then confirms.
	mark = kb.n
	kb.scanner(cccdLine)
	kb.typ("tinh trang hon nhan")
	kb.enter()
	kb.ctrl(fyne.KeyR)
	if s.win.Canvas().Focused() != in.Reason {
		t.Fatal("a refusal without a reason must put the focus on the reason")
	}
	kb.typ("Không thuộc thẩm quyền")
	kb.ctrl(fyne.KeyR)
	if m.Asking() == nil {
		t.Fatalf("the refusal was not asked: %q", in.General.Text)
	}
	kb.enter()
	refuse := kb.n - mark

	// One sent back for a supplement: nothing ticked, Ctrl+B, the reason.
	mark = kb.n
	kb.scanner(cccdLine)
	kb.typ("tinh trang hon nhan")
	kb.enter()
	kb.ctrl(fyne.KeyB)
	if s.win.Canvas().Focused() != in.Reason {
		t.Fatal("a supplement without a reason must put the focus on the reason")
	}
	kb.typ("Thiếu giấy tờ")
	kb.ctrl(fyne.KeyB)
	supplement := kb.n - mark

	ctx := context.Background()
	count := func(st motcua.Status) int {
		n, err := s.st.Count(ctx, app.ListFilter{Statuses: []motcua.Status{st}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(motcua.StatusReceived) != 3 || count(motcua.StatusRefused) != 1 || count(motcua.StatusSupplement) != 1 {
		t.Fatalf("after the intakes: %d received, %d refused, %d supplement", count(motcua.StatusReceived),
			count(motcua.StatusRefused), count(motcua.StatusSupplement))
	}

	// The first dossier's result, handed over: found by its code, handed
	// on, done, returned (a counter PC where the officer also processes).
	mark = kb.n
	kb.key(fyne.KeyF3)
	kb.typ(codes[0])
	kb.enter()
	det := f.Dossiers.Detail
	if det.D == nil || det.D.Code != codes[0] {
		t.Fatalf("search by code did not open %s", codes[0])
	}
	kb.ctrl(fyne.KeyH)
	kb.ctrl(fyne.KeyReturn)
	kb.ctrl(fyne.KeyQ)
	kb.ctrl(fyne.KeyReturn)
	if det.D.Status != motcua.StatusDone {
		t.Fatalf("not done: %v %q", det.D.Status, det.PanelErr.Text)
	}
	kb.ctrl(fyne.KeyT)
	r := f.Return
	if f.Current() != ui.ScreenReturn || r.D == nil || r.D.Code != codes[0] {
		t.Fatal("Ctrl+T did not open the return")
	}
	if s.win.Canvas().Focused() != r.ReceiverID {
		t.Fatal("the return must start at the receiver's ID")
	}
	kb.typ("001190123456")
	for s.win.Canvas().Focused() != r.IDChecked {
		kb.tab()
		if kb.n-mark > 80 {
			t.Fatal("Tab never reached 'ID checked'")
		}
	}
	kb.typ(" ")
	kb.ctrl(fyne.Key1)
	kb.ctrl(fyne.KeyReturn)
	if m.Asking() == nil {
		t.Fatalf("the hand-over was not asked: %q", r.Errs["general"].Text)
	}
	kb.enter()
	if got, _ := s.st.Get(ctx, codes[0]); got.Status != motcua.StatusReturned {
		t.Fatalf("not returned: %v %q", got.Status, r.Errs["general"].Text)
	}
	ret := kb.n - mark

	t.Logf("key presses: set-up %d, sign-in %d, accepted dossiers %v (scanner lines apart: %d), refusal %d, supplement %d, "+
		"return with hand-off %d; whole morning %d", setup, signIn, perAccepted, kb.scans, refuse, supplement, ret, kb.n)
	for i, n := range perAccepted {
		// The procedure search (19 characters) + Enter + Ctrl+K + Ctrl+Enter.
		if n > 25 {
			t.Errorf("accepted dossier %d took %d key presses, more than 25", i+1, n)
		}
	}
	if refuse > 50 || supplement > 40 || ret > 70 {
		t.Errorf("refusal %d (≤ 50), supplement %d (≤ 40), return %d (≤ 70) key presses", refuse, supplement, ret)
	}
}
