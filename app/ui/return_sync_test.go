package ui_test

import (
	"context"
	"crypto/ed25519"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

// receipt signs a receipt payload for d with key priv.
func receipt(t *testing.T, d *motcua.Dossier, priv ed25519.PrivateKey) string {
	t.Helper()
	f, _ := forms.Default().ByKind(forms.KindReceipt)
	text, err := qrsign.Sign(forms.QRPayload(f, d, "MOTCUA", d.ReceivedAt), priv)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestReturnChecks(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	ds := seedWeek(s)
	m := s.signIn("lan.nt", "matkhau-lan")
	w := s.win
	key(w, fyne.KeyF4)
	r := m.Frame.Return
	ready := ds["ready"]
	good := receipt(t, ready, s.keys.Priv)

	t.Run("Tampered", func(t *testing.T) {
		scan(w, strings.Replace(good, ready.Applicant.IDNumber, "038085009999", 1))
		if r.D != nil || !strings.Contains(r.VerdictText(), "sửa đổi") {
			t.Fatalf("tampered: %q", r.VerdictText())
		}
	})
	t.Run("NotOurs", func(t *testing.T) {
		scan(w, "https://example.com/khuyen-mai")
		if r.D != nil || !strings.Contains(r.VerdictText(), "không phải mã QR") {
			t.Fatalf("not ours: %q", r.VerdictText())
		}
	})
	t.Run("UnknownKey", func(t *testing.T) {
		_, other, _ := ed25519.GenerateKey(nil)
		scan(w, receipt(t, ready, other))
		if r.D == nil || !strings.Contains(r.VerdictText(), "Không xác minh được chữ ký") {
			t.Fatalf("unknown key: %q", r.VerdictText())
		}
	})
	t.Run("CCCDFirst", func(t *testing.T) {
		key(w, fyne.KeyEscape)
		scan(w, cccdLine)
		if !strings.Contains(r.ScanErr.Text, "quét mã QR trên giấy tiếp nhận trước") {
			t.Fatalf("chip-ID before the receipt: %q", r.ScanErr.Text)
		}
	})
	t.Run("NotReady", func(t *testing.T) {
		scan(w, receipt(t, ds["soon"], s.keys.Priv))
		if r.Form().Visible() || !strings.Contains(r.Info.Text, "Chưa có kết quả") {
			t.Fatalf("a dossier still in processing: %q", r.Info.Text)
		}
	})
	t.Run("AlreadyReturned", func(t *testing.T) {
		scan(w, receipt(t, ds["returned"], s.keys.Priv))
		if r.Form().Visible() || !strings.Contains(r.Info.Text, "đã được trả") {
			t.Fatalf("a returned dossier: %q", r.Info.Text)
		}
	})
	scan(w, good)
	if !strings.Contains(r.VerdictText(), "hợp lệ") || !r.Form().Visible() {
		t.Fatalf("valid receipt: %q %q", r.VerdictText(), r.Info.Text)
	}
	t.Run("ErrChecks", func(t *testing.T) {
		w.Resize(fyne.NewSize(1366, 697))
		ctrl(w, fyne.KeyReturn)
		for _, f := range []string{"receiver_id", "id_checked", "satisfaction"} {
			if r.Errs[f].Text == "" {
				t.Errorf("no message next to %s", f)
			}
		}
		// Every message showing, the confirm button is still in view.
		if over := r.Overflow(); over > 0 {
			t.Errorf("at 1366×697 the return form is %.0f px too tall: the confirm button is below the fold", over)
		}
		// Someone else's ID without a power of attorney.
		test.Type(r.ReceiverID, "038085001234")
		r.IDChecked.SetChecked(true)
		ctrl(w, fyne.Key3)
		ctrl(w, fyne.KeyReturn)
		if !strings.Contains(r.Errs["receiver_id"].Text, "ủy quyền") {
			t.Fatalf("another person's ID: %q", r.Errs["receiver_id"].Text)
		}
		if got, _ := s.st.Get(context.Background(), ready.Code); got.Status != motcua.StatusDone {
			t.Fatal("returned despite the errors")
		}
	})
	r.Proxy.SetChecked(true)
	r.Receiver.SetText("Bùi Văn Nhận Thay")
	ctrl(w, fyne.KeyReturn)
	confirm(t, s.m, "Bùi Văn Nhận Thay", false)
	if got, _ := s.st.Get(context.Background(), ready.Code); got.Status == motcua.StatusReturned {
		t.Fatal("returned although the officer pressed Esc")
	}
	ctrl(w, fyne.KeyReturn)
	confirm(t, s.m, "người được ủy quyền", true)
	got, _ := s.st.Get(context.Background(), ready.Code)
	if got.Status != motcua.StatusReturned {
		t.Fatalf("not returned: %v", r.Errs["general"].Text)
	}
	note := got.History[len(got.History)-1].Note
	if !strings.Contains(note, "người được ủy quyền") || !strings.Contains(note, "Không hài lòng") || !strings.Contains(note, "038085001234") {
		t.Fatalf("note: %q", note)
	}
	ctrl(w, fyne.KeyP)
	if len(s.printed) != 1 || !strings.Contains(s.printed[0], "mau06") {
		t.Fatalf("printed: %v", s.printed)
	}
}

// fakeSync is a delivery engine for the sync screen and the status bar.
type fakeSync struct {
	mu      sync.Mutex
	st      app.SyncStatus
	items   []app.OutboxItem
	subs    []func(app.SyncStatus)
	sent    int
	retried []int64
}

func (f *fakeSync) Status() app.SyncStatus { f.mu.Lock(); defer f.mu.Unlock(); return f.st }
func (f *fakeSync) Subscribe(fn func(app.SyncStatus)) func() {
	f.mu.Lock()
	f.subs = append(f.subs, fn)
	f.mu.Unlock()
	return func() {}
}
func (f *fakeSync) set(st app.SyncStatus) {
	f.mu.Lock()
	f.st = st
	subs := append([]func(app.SyncStatus){}, f.subs...)
	f.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}
func (f *fakeSync) SendNow() { f.mu.Lock(); f.sent++; f.mu.Unlock() }
func (f *fakeSync) Items(_ context.Context, states []string, limit int) ([]app.OutboxItem, error) {
	var out []app.OutboxItem
	for _, it := range f.items {
		for _, s := range states {
			if it.State == s {
				out = append(out, it)
			}
		}
		if len(states) == 0 {
			out = append(out, it)
		}
	}
	return out, nil
}
func (f *fakeSync) Retry(_ context.Context, id int64) error {
	f.retried = append(f.retried, id)
	return nil
}
func (f *fakeSync) ExportBundle(context.Context, string) (int, error) { return 0, nil }
func (f *fakeSync) ImportBundle(context.Context, string) (int, error) { return 0, nil }

func TestSyncUnavailable(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	seedWeek(s)
	m := s.signIn("lan.nt", "matkhau-lan")
	if !strings.Contains(m.Frame.Status.Conn.Text, "chưa cấu hình máy chủ tỉnh") || !strings.Contains(m.Frame.Status.Conn.Text, "chờ gửi") {
		t.Fatalf("status bar without a sync engine: %q", m.Frame.Status.Conn.Text)
	}
	key(s.win, fyne.KeyF5)
	if !strings.Contains(m.Frame.Sync.Detail.Text, "đang chờ gửi") {
		t.Fatalf("sync screen: %q", m.Frame.Sync.Detail.Text)
	}
}

func TestSyncScreen(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	ds := seedWeek(s)
	fs := &fakeSync{st: app.SyncStatus{State: app.ConnOffline, Pending: 12, Quarantined: 1, LastError: "dial tcp: i/o timeout",
		LastSync: monday.Add(-3 * time.Hour)}}
	fs.items = []app.OutboxItem{
		{ID: 41, DossierCode: ds["late"].Code, Kind: "dossier.upsert", State: "quarantined", Attempts: 3, LastError: "MaHoSo không hợp lệ", CreatedAt: monday},
		{ID: 42, DossierCode: ds["soon"].Code, Kind: "dossier.upsert", State: "pending", CreatedAt: monday},
	}
	s.svc.Sync = fs
	m := s.signIn("binh.tv", "matkhau-binh")
	st := m.Frame.Status
	if !strings.Contains(st.Conn.Text, "Mất kết nối") || !strings.Contains(st.Conn.Text, "12 chờ gửi") {
		t.Fatalf("offline: %q", st.Conn.Text)
	}
	fs.set(app.SyncStatus{State: app.ConnRetrying, Pending: 3})
	if !strings.Contains(st.Conn.Text, "Đang thử gửi lại") || !strings.Contains(st.Conn.Text, "3 chờ gửi") {
		t.Fatalf("retrying: %q", st.Conn.Text)
	}
	fs.set(app.SyncStatus{State: app.ConnOnline})
	if !strings.Contains(st.Conn.Text, "đã gửi hết") {
		t.Fatalf("online: %q", st.Conn.Text)
	}
	key(s.win, fyne.KeyF5)
	sy := m.Frame.Sync
	if sy.Items.Length() != 2 {
		t.Fatalf("queue: %d", sy.Items.Length())
	}
	ctrl(s.win, fyne.KeyS)
	if fs.sent != 1 {
		t.Fatal("Ctrl+S did not send")
	}
	t.Run("NetworkErrorInWords", func(t *testing.T) {
		fs.set(app.SyncStatus{State: app.ConnOffline, Pending: 12, LastError: "dial tcp 10.0.0.5:443: i/o timeout"})
		if d := sy.Detail.Text; strings.Contains(d, "dial tcp") || !strings.Contains(d, "không trả lời kịp") {
			t.Fatalf("the officer reads %q", d)
		}
		test.Tap(sy.Tech)
		confirm(t, m, "dial tcp 10.0.0.5:443: i/o timeout", false)
	})
	sy.States.SetSelectedIndex(1)
	if sy.Items.Length() != 1 {
		t.Fatalf("quarantined: %d", sy.Items.Length())
	}
	sy.Items.Select(0)
	test.Tap(sy.Retry)
	if len(fs.retried) != 1 || fs.retried[0] != 41 {
		t.Fatalf("retry: %v", fs.retried)
	}
	// The quarantined filter of the dossier list.
	key(s.win, fyne.KeyF3)
	ctrl(s.win, fyne.Key8)
	rows := m.Frame.Dossiers.Rows()
	if len(rows) != 1 || rows[0].Code != ds["late"].Code {
		t.Fatalf("quarantined dossiers: %v", rows)
	}
}
