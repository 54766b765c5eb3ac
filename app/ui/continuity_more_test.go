package ui_test

import (
	"context"
	"motcua/app"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app/accounts"
	"motcua/app/continuity"
	"motcua/app/ui"
	"motcua/storage"
)

// contactIndex is the position of the contact with the given role.
func contactIndex(t *testing.T, cs *continuity.Service, role string) int {
	t.Helper()
	all, err := cs.Contacts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range all {
		if c.Role == role {
			return i
		}
	}
	t.Fatalf("no %s contact in %+v", role, all)
	return -1
}

// TestContinuityContacts: a leader fills in a phone number (a malformed one
// is refused next to the phone field), adds a contact (a bad e-mail and an
// empty name are refused next to their fields), and removes one after
// confirming.
func TestContinuityContacts(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{})
	ctrl(s.win, fyne.Key5)
	cc := m.Frame.Continuity.Contacts
	before, _ := cs.Contacts(context.Background())
	if cc.List.Length() != len(before) || len(before) == 0 || cc.Index != 0 || cc.Name.Text != before[0].Name {
		t.Fatalf("list %d (stored %d), index %d, name %q", cc.List.Length(), len(before), cc.Index, cc.Name.Text)
	}
	power := contactIndex(t, cs, "power")
	cc.List.Select(power)
	if !strings.Contains(cc.Scenarios.Text, "Mất điện") {
		t.Fatalf("scenarios of the power contact: %q", cc.Scenarios.Text)
	}
	t.Run("ErrBadValuePhone", func(t *testing.T) {
		cc.Phone.SetText("")
		typeKeys(cc.Phone, "0912 34")
		test.Tap(cc.Save)
		if e := cc.ErrField["phone"]; !e.Visible() || !strings.Contains(e.Text, "Số điện thoại «091234» không hợp lệ") {
			t.Fatalf("phone error: %q (msg %q)", e.Text, cc.Msg.Text)
		}
		if after, _ := cs.Contacts(context.Background()); after[power].Phone != before[power].Phone {
			t.Fatal("a refused phone was stored")
		}
	})
	t.Run("EditPhone", func(t *testing.T) {
		cc.Phone.SetText("0237 3852 123")
		ctrl(s.win, fyne.KeyReturn)
		if cc.ErrField["phone"].Visible() || cc.Msg.Visible() || !cc.Done.Visible() {
			t.Fatalf("save: %q %q", cc.ErrField["phone"].Text, cc.Msg.Text)
		}
		after, _ := cs.Contacts(context.Background())
		if after[power].Phone != "02373852123" || cc.Phone.Text != "02373852123" || cc.Index != power {
			t.Fatalf("stored %+v, form %q, index %d", after[power], cc.Phone.Text, cc.Index)
		}
	})
	t.Run("ErrRequiredName", func(t *testing.T) {
		cc.Name.SetText(" ")
		cc.Org.SetText("")
		test.Tap(cc.Save)
		if e := cc.ErrField["name"]; !e.Visible() || !strings.Contains(e.Text, "Chưa có tên") {
			t.Fatalf("name error: %q (msg %q)", e.Text, cc.Msg.Text)
		}
	})
	t.Run("Add", func(t *testing.T) {
		test.Tap(cc.Add)
		if cc.Index != -1 || cc.Name.Text != "" || !cc.Remove.Disabled() {
			t.Fatalf("new form: index %d name %q", cc.Index, cc.Name.Text)
		}
		test.Tap(cc.Save)
		if !cc.ErrField["role"].Visible() {
			t.Fatal("a contact without a role must be refused next to the role")
		}
		cc.Role.SetSelected("Điện lực khu vực")
		typeKeys(cc.Name, "Anh Tuấn trực sự cố")
		typeKeys(cc.Org, "Điện lực Quảng Xương")
		typeKeys(cc.Phone, "+84 912 345 678")
		typeKeys(cc.Email, "tuan@")
		enter(cc.Email)
		if e := cc.ErrField["email"]; !e.Visible() || cc.ErrField["role"].Visible() {
			t.Fatalf("email error: %q", e.Text)
		}
		cc.Email.SetText("tuan@evn.vn")
		enter(cc.Email)
		after, _ := cs.Contacts(context.Background())
		if len(after) != len(before)+1 || cc.List.Length() != len(after) {
			t.Fatalf("after adding: %d stored, %d listed (%q)", len(after), cc.List.Length(), cc.Msg.Text)
		}
		n := after[len(after)-1]
		if n.Role != "power" || n.Name != "Anh Tuấn trực sự cố" || n.Phone != "+84912345678" || n.Title != "Điện lực khu vực" || cc.Index != len(after)-1 {
			t.Fatalf("added %+v, index %d", n, cc.Index)
		}
		if !strings.Contains(cc.Done.Text, "Anh Tuấn") {
			t.Fatalf("done: %q", cc.Done.Text)
		}
	})
	t.Run("Remove", func(t *testing.T) {
		cc.List.Select(0)
		first := before[0]
		test.Tap(cc.Remove)
		if after, _ := cs.Contacts(context.Background()); len(after) != len(before)+1 || !cc.Msg.Visible() {
			t.Fatalf("the first press must only ask: %d stored, %q", len(after), cc.Msg.Text)
		}
		test.Tap(cc.Remove)
		after, _ := cs.Contacts(context.Background())
		if len(after) != len(before) || after[0].Role == first.Role && after[0].Name == first.Name || cc.List.Length() != len(after) {
			t.Fatalf("after removing: %+v", after)
		}
		if cc.Msg.Visible() || !strings.Contains(cc.Done.Text, "Đã xoá liên hệ") {
			t.Fatalf("remove: %q %q", cc.Msg.Text, cc.Done.Text)
		}
	})
}

// TestContinuityContactsOfficer: an officer reads the contacts but cannot
// change them.
func TestContinuityContactsOfficer(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleOfficer, contOptions{})
	ctrl(s.win, fyne.Key5)
	cc := m.Frame.Continuity.Contacts
	before, _ := cs.Contacts(context.Background())
	if cc.List.Length() != len(before) || cc.Name.Text != before[0].Name {
		t.Fatalf("an officer must see the list: %d, %q", cc.List.Length(), cc.Name.Text)
	}
	for name, w := range map[string]fyne.Disableable{"save": cc.Save, "add": cc.Add, "remove": cc.Remove, "phone": cc.Phone, "name": cc.Name, "role": cc.Role} {
		if !w.Disabled() {
			t.Errorf("%s is enabled for an officer", name)
		}
	}
	cc.Phone.SetText("0912345678") // the entry is off; even so nothing is stored
	ctrl(s.win, fyne.KeyReturn)
	if after, _ := cs.Contacts(context.Background()); after[0].Phone != before[0].Phone {
		t.Fatal("an officer changed the contacts")
	}
	// The list has the focus; the screen keys still work from it.
	if s.win.Canvas().Focused() != cc.List {
		t.Fatalf("focus on %T", s.win.Canvas().Focused())
	}
	key(s.win, fyne.KeyF2)
	if m.Frame.Current() != ui.ScreenIntake {
		t.Fatalf("F2 from the contact list shows screen %d", m.Frame.Current())
	}
}

// TestContinuityDrillDue: a scheduled drill whose time comes shows, on the
// next periodic check, as a blue reminder in the frame and a line on the
// drill tab; started, the strip becomes the drill in progress; finished,
// it goes (the progress bar is gone too).
func TestContinuityDrillDue(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{})
	f := m.Frame
	if _, err := cs.ScheduleDrill(context.Background(), continuity.ScenarioNetwork, monday.Add(30*time.Minute), false, app.Actor{Username: "binh.tv", Role: app.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	f.Tick()
	if f.Banner.Visible() {
		t.Fatalf("a drill not yet due: %q", f.Banner.Text)
	}
	s.clock.add(31 * time.Minute)
	f.Go(ui.ScreenIntake) // another screen: the reminder is in the frame
	f.Tick()
	if !f.Banner.Visible() || !f.Banner.DrillDue || f.Banner.Text != "Đến hạn diễn tập: Mất kết nối mạng · 09:30 hôm nay · F7 để bắt đầu" {
		t.Fatalf("due reminder: visible=%v drill=%v %q", f.Banner.Visible(), f.Banner.DrillDue, f.Banner.Text)
	}
	key(s.win, fyne.KeyF7)
	ctrl(s.win, fyne.Key2)
	dr := f.Continuity.Drills
	if !dr.Due.Visible() || !strings.Contains(dr.Due.Text, "Đến hạn: diễn tập #1 · Mất kết nối mạng · 09:30 hôm nay") {
		t.Fatalf("drill tab: %q", dr.Due.Text)
	}
	dr.List.Select(0)
	test.Tap(dr.Start)
	if dr.Msg.Visible() || dr.Due.Visible() || f.Banner.DrillDue || !strings.Contains(f.Banner.Text, "ĐANG DIỄN TẬP") {
		t.Fatalf("started: %q, due %q, banner %q", dr.Msg.Text, dr.Due.Text, f.Banner.Text)
	}
	test.Tap(dr.Finish)
	dr.Wait()
	if dr.Msg.Visible() || dr.Selected.Status != continuity.DrillDone || dr.Progress.Visible() {
		t.Fatalf("finish: %q %+v progress %v", dr.Msg.Text, dr.Selected, dr.Progress.Visible())
	}
	f.Tick()
	if f.Banner.Visible() {
		t.Fatalf("after the drill the strip says %q", f.Banner.Text)
	}
}

// TestContinuityBackupVerify: checking a sound backup again reports it
// passed; after its database copy is cut in half, the check says plainly
// that it failed and why; the disk line is there after each.
func TestContinuityBackupVerify(t *testing.T) {
	s, m, _ := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleOfficer, contOptions{backups: true})
	s.intakeNow(t)
	ctrl(s.win, fyne.Key4)
	b := m.Frame.Continuity.Backup
	if !b.Verify.Disabled() {
		t.Fatal("nothing chosen: verify must be off")
	}
	test.Tap(b.RunNow)
	b.Wait()
	if b.List.Length() != 1 {
		t.Fatalf("backup: %q", b.Msg.Text)
	}
	b.List.Select(0)
	if b.Verify.Disabled() {
		t.Fatal("a chosen backup can be checked again")
	}
	test.Tap(b.Verify)
	b.Wait()
	if b.Msg.Visible() || !strings.Contains(b.Done.Text, "kiểm tra lại ĐẠT · 1 hồ sơ") || b.Progress.Visible() || b.Verify.Disabled() || b.RunNow.Disabled() {
		t.Fatalf("verify: %q / %q", b.Msg.Text, b.Done.Text)
	}
	if !strings.Contains(b.Disks.Text, "dữ liệu") {
		t.Fatalf("disks: %q", b.Disks.Text)
	}
	bk, err := storage.NewBackupper(s.dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := bk.List(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %+v", err, list)
	}
	p := filepath.Join(list[0].Dir, "db.sqlite.gz.age")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(b.Verify)
	b.Wait()
	if b.Done.Visible() || !strings.Contains(b.Msg.Text, "Bản sao lưu "+list[0].ID+" KHÔNG ĐẠT khi kiểm tra lại") || b.Verify.Disabled() {
		t.Fatalf("cut backup: %q / %q", b.Msg.Text, b.Done.Text)
	}
	if list, _ := bk.List(context.Background()); list[0].VerifyOK {
		t.Fatal("the failed check is not kept with the backup")
	}
	if !strings.Contains(b.Disks.Text, "dữ liệu") {
		t.Fatalf("disks: %q", b.Disks.Text)
	}
}
