package ui_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/app/accounts"
	"motcua/app/syncing"
)

func TestZZProbe(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	ctx := context.Background()
	r, err := syncing.New(ctx, s.st, s.st.Queue(), syncing.Options{Actor: "system"})
	if err != nil {
		t.Fatal(err)
	}
	s.svc.Sync = r
	m := s.signIn("binh.tv", "matkhau-binh")
	t.Logf("before: %q", m.Frame.Status.Conn.Text)
	key(s.win, fyne.KeyF5)
	test.Tap(m.Frame.Sync.Pause)
	t.Logf("after pause: %q %+v", m.Frame.Status.Conn.Text, r.Status())
	r.SendNow()
	t.Logf("after sendnow: %q %+v", m.Frame.Status.Conn.Text, r.Status())
}
