package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"motcua"
	"motcua/app/accounts"
	"motcua/app/ui"
)

// The dossier screen from the keyboard: every action shows its shortcut
// and the shortcut does what the button does (a disabled one says why);
// Ctrl+Shift+L signs out from anywhere.
func TestDetailShortcuts(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	ds := seedWeek(s)
	m := s.signIn("lan.nt", "matkhau-lan")
	w := s.win
	f := m.Frame
	if err := f.OpenDossier(ds["late"].Code); err != nil {
		t.Fatal(err)
	}
	det := f.Dossiers.Detail
	want := map[string]bool{"Đã có kết quả (Ctrl+Q)": true, "Yêu cầu bổ sung (Ctrl+B)": true, "Yêu cầu nghĩa vụ tài chính (Ctrl+M)": true,
		"Công dân rút hồ sơ (Ctrl+W)": true, "Từ chối (Ctrl+R)": true, "Dừng xử lý (Ctrl+I)": true, "Gia hạn, xin lỗi (Ctrl+G)": true}
	for _, b := range det.Actions {
		if !want[b.Text] {
			t.Errorf("action %q: not the label with its shortcut", b.Text)
		}
		delete(want, b.Text)
	}
	if len(want) > 0 {
		t.Errorf("actions missing: %v", want)
	}

	t.Run("Supplement", func(t *testing.T) {
		ctrl(w, fyne.KeyB)
		if !det.Panel.Visible() || w.Canvas().Focused() != det.Missing {
			t.Fatal("Ctrl+B did not open the request to supplement")
		}
		// Another action's key does nothing while a panel is open.
		ctrl(w, fyne.KeyQ)
		if !strings.HasPrefix(det.PanelTitle.Text, "Yêu cầu bổ sung") {
			t.Fatalf("Ctrl+Q replaced the open panel: %q", det.PanelTitle.Text)
		}
		key(w, fyne.KeyEscape)
		if det.Panel.Visible() {
			t.Fatal("Esc did not close the panel")
		}
	})
	t.Run("DisabledSaysWhy", func(t *testing.T) {
		ctrl(w, fyne.KeyI) // stop: a leader's
		if det.Panel.Visible() {
			t.Fatal("Ctrl+I opened a leader's action for an officer")
		}
		confirm(t, m, "dừng xử lý", false)
	})
	t.Run("NotOffered", func(t *testing.T) {
		ctrl(w, fyne.KeyT) // return: not before the result
		if det.Panel.Visible() || f.Current() != ui.ScreenDossiers {
			t.Fatal("Ctrl+T acted on a dossier without its result")
		}
	})
	t.Run("Done", func(t *testing.T) {
		ctrl(w, fyne.KeyQ)
		if !det.Panel.Visible() {
			t.Fatal("Ctrl+Q did not open 'Đã có kết quả'")
		}
		ctrl(w, fyne.KeyReturn)
		if det.D.Status != motcua.StatusDone {
			t.Fatalf("after Ctrl+Q, Ctrl+Enter: %v %q", det.D.Status, det.PanelErr.Text)
		}
	})
	t.Run("Return", func(t *testing.T) {
		ctrl(w, fyne.KeyT)
		if f.Current() != ui.ScreenReturn || f.Return.D == nil || f.Return.D.Code != ds["late"].Code {
			t.Fatalf("Ctrl+T: screen %d, %+v", f.Current(), f.Return.D)
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		shortcut(w, fyne.KeyModifierControl|fyne.KeyModifierShift, fyne.KeyL)
		if m.Frame != nil || m.SignIn == nil {
			t.Fatal("Ctrl+Shift+L did not sign out")
		}
	})
}
