package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/forms"
)

// The printer part of Settings: which installed printer the station's
// forms go to (the station setting print.printer; empty = the system's
// default), a refresh of the list, and a test page.

// printerUI is the printer part of the Settings struct.
type printerUI struct {
	PrinterSel   *widget.Select
	RefreshPrint *Button
	SavePrinter  *Button
	TestPrint    *Button
	PrinterInfo  *widget.Label
	PrinterMsg   fieldErr
	PrinterDone  *widget.Label
	printerNames []string // the select's options, as printer names ("" = the system default)
	printersMu   sync.Mutex
	printersBusy bool
	printersDone chan struct{} // closed when the listing in progress ends (tests wait on it)
	lastPrinters []forms.Printer
	lastListErr  error
}

func (s *Settings) buildPrinter() fyne.CanvasObject {
	k := s.env.keys
	s.PrinterSel = widget.NewSelect([]string{tr("Mặc định của hệ thống")}, nil)
	s.PrinterSel.SetSelectedIndex(0)
	s.printerNames = []string{""}
	s.RefreshPrint = newButton(k, tr("Làm mới"), func() { s.RefreshPrinters() })
	s.SavePrinter = newButton(k, tr("Dùng máy in này"), s.savePrinter)
	s.SavePrinter.Importance = widget.HighImportance
	s.TestPrint = newButton(k, tr("In thử"), s.testPrint)
	s.PrinterInfo = widget.NewLabel("")
	s.PrinterInfo.Wrapping = fyne.TextWrapWord
	s.PrinterMsg = newFieldErr()
	s.PrinterDone = doneLabel()
	return container.NewVBox(
		heading(tr("Máy in phiếu")),
		field(tr("Máy in"), container.NewBorder(nil, nil, nil, s.RefreshPrint, s.PrinterSel), newFieldErr()),
		s.PrinterInfo,
		container.NewHBox(s.SavePrinter, s.TestPrint),
		s.PrinterMsg, s.PrinterDone,
		note(tr("Giấy tiếp nhận và các phiếu của máy này được in ra máy in đã chọn; «Mặc định của hệ thống» là máy in mặc định của Windows (hoặc CUPS). «In thử» in một trang A5 có tên cơ quan để kiểm tra máy in đang chọn trong ô trên.")),
		note(tr("Trên Windows, cài SumatraPDF (có trong PATH) để in thẳng không cần mở trình xem PDF.")))
}

// RefreshPrinters lists the installed printers again, in the background
// (PowerShell takes a second or two on Windows); the select keeps the
// current choice.
func (s *Settings) RefreshPrinters() {
	s.printersMu.Lock()
	if s.printersBusy {
		s.printersMu.Unlock()
		return
	}
	s.printersBusy = true
	done := make(chan struct{})
	s.printersDone = done
	s.printersMu.Unlock()
	s.PrinterMsg.set("")
	s.PrinterInfo.SetText(tr("Đang tìm máy in…"))
	list := s.papers.printers
	go func() {
		var ps []forms.Printer
		var err error
		if list != nil {
			ps, err = list(context.Background())
		}
		onUI(func() {
			s.showPrinters(ps, err)
			s.printersMu.Lock()
			s.printersBusy = false
			s.printersMu.Unlock()
			close(done)
		})
	}()
}

// WaitPrinters waits for the listing in progress, if any.
func (s *Settings) WaitPrinters() {
	s.printersMu.Lock()
	done := s.printersDone
	s.printersMu.Unlock()
	if done != nil {
		<-done
	}
}

func (s *Settings) showPrinters(ps []forms.Printer, err error) {
	s.lastPrinters, s.lastListErr = ps, err
	chosen, _ := s.svc.Printer(context.Background())
	names := []string{""}
	labels := []string{tr("Mặc định của hệ thống")}
	def := ""
	for _, p := range ps {
		names = append(names, p.Name)
		l := p.Name
		if p.Default {
			l += " " + tr("(mặc định)")
			def = p.Name
		}
		labels = append(labels, l)
	}
	if chosen != "" && !contains(names, chosen) {
		names = append(names, chosen)
		labels = append(labels, chosen+" "+tr("(không tìm thấy trên máy)"))
	}
	if def != "" {
		labels[0] += " — " + def
	}
	s.printerNames = names
	s.PrinterSel.Options = labels
	for i, n := range names {
		if n == chosen {
			s.PrinterSel.SetSelectedIndex(i)
		}
	}
	s.PrinterSel.Refresh()
	switch {
	case err != nil:
		s.PrinterMsg.set(errMsg(err))
		s.PrinterInfo.SetText(tr("Đang dùng:") + " " + printerLabel(chosen))
	case len(ps) == 0:
		s.PrinterInfo.SetText(tr("Không tìm thấy máy in nào được cài trên máy này.") + " " + tr("Đang dùng:") + " " + printerLabel(chosen))
	default:
		s.PrinterInfo.SetText(num(len(ps), "máy in trên máy này.") + " " + tr("Đang dùng:") + " " + printerLabel(chosen))
	}
}

func printerLabel(name string) string {
	if name == "" {
		return tr("máy in mặc định của hệ thống")
	}
	return name
}

// selectedPrinter is the printer name the select shows ("" = default).
func (s *Settings) selectedPrinter() string {
	i := s.PrinterSel.SelectedIndex()
	if i < 0 || i >= len(s.printerNames) {
		return ""
	}
	return s.printerNames[i]
}

// ChoosePrinter selects a printer by name in the list ("" = the default),
// as the officer does with the select; false if it is not listed.
func (s *Settings) ChoosePrinter(name string) bool {
	for i, n := range s.printerNames {
		if n == name {
			s.PrinterSel.SetSelectedIndex(i)
			return true
		}
	}
	return false
}

func (s *Settings) savePrinter() {
	s.PrinterMsg.set("")
	s.PrinterDone.Hide()
	name := s.selectedPrinter()
	if err := s.svc.SetPrinter(context.Background(), name, s.acting()); err != nil {
		s.PrinterMsg.set(errMsg(err))
		return
	}
	s.showPrinters(s.lastPrinters, s.lastListErr)
	say(s.PrinterDone, tr("Từ giờ các phiếu của máy này in ra:")+" "+printerLabel(name)+".")
}

func (s *Settings) testPrint() {
	s.PrinterMsg.set("")
	s.PrinterDone.Hide()
	name := s.selectedPrinter()
	path, err := s.papers.TestPage(context.Background(), name)
	if err != nil {
		s.PrinterMsg.set(errMsg(err))
		return
	}
	say(s.PrinterDone, tr("Đã gửi trang in thử tới")+" "+printerLabel(name)+" ("+path+").")
}
