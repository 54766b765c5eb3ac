package continuity_test

import (
	"motcua/app"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/app/continuity"
	"motcua/storage"
)

// ValidateContact names the field at fault; SetContacts keeps that field
// and says which entry it was.
func TestValidateContact(t *testing.T) {
	e := newEnv(t)
	ok := continuity.Contact{Role: "power", Name: "Tổng đài", Organisation: "Điện lực"}
	cases := []struct {
		name  string
		edit  func(*continuity.Contact)
		code  string
		field string
	}{
		{"OKMobileWithSpaces", func(c *continuity.Contact) { c.Phone = "0912 345 678" }, "", ""},
		{"OKLandline", func(c *continuity.Contact) { c.Phone = "0237.3852.123" }, "", ""},
		{"OKPlus84", func(c *continuity.Contact) { c.Phone = "+84912345678" }, "", ""},
		{"OKHotline", func(c *continuity.Contact) { c.Phone = "1900 1909" }, "", ""},
		{"OKEmptyPhone", func(c *continuity.Contact) { c.Phone = "" }, "", ""},
		{"ErrRequiredName", func(c *continuity.Contact) { c.Name, c.Organisation = " ", "" }, motcua.ErrRequired, "name"},
		{"ErrBadValuePhoneShort", func(c *continuity.Contact) { c.Phone = "091234" }, motcua.ErrBadValue, "phone"},
		{"ErrBadValuePhoneLetters", func(c *continuity.Contact) { c.Phone = "09123456ab" }, motcua.ErrBadValue, "phone"},
		{"ErrBadValueEmail", func(c *continuity.Contact) { c.Email = "it.xa@" }, motcua.ErrBadValue, "email"},
		{"ErrBadRunbookRole", func(c *continuity.Contact) { c.Role = "plumber" }, continuity.ErrBadRunbook, "role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct := ok
			c.edit(&ct)
			err := e.svc.ValidateContact(&ct)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.ContainsAny(ct.Phone, " .") || ct.Title == "" {
					t.Fatalf("not normalised: %+v", ct)
				}
				return
			}
			ce, isCoded := motcua.AsError(err)
			if !isCoded || ce.Code != c.code || ce.Field != c.field {
				t.Fatalf("got %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
	t.Run("SetContactsNamesTheEntry", func(t *testing.T) {
		list := []continuity.Contact{ok, {Role: "telecom", Name: "Báo hỏng", Phone: "12"}}
		err := e.svc.SetContacts(ctx, list, app.Actor{Username: "lanh.dao", Role: app.RoleLeader})
		ce, isCoded := motcua.AsError(err)
		if !isCoded || ce.Field != "phone" || !strings.HasPrefix(ce.Msg, "Liên hệ 2: Số điện thoại") {
			t.Fatalf("got %v", err)
		}
		list[1].Phone = "18001091"
		if err := e.svc.SetContacts(ctx, list, app.Actor{Username: "lanh.dao", Role: app.RoleLeader}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Contacts(ctx)
		if len(got) != 2 || got[1].Phone != "18001091" || got[1].Title == "" {
			t.Fatalf("stored %+v", got)
		}
	})
	t.Run("ScenariosFor", func(t *testing.T) {
		scs := e.svc.Runbooks().ScenariosFor("power")
		if len(scs) == 0 || scs[0] != continuity.ScenarioPower {
			t.Fatalf("power contact is for %v", scs)
		}
	})
}

// Verify checks a backup again: a sound one passes, one whose database copy
// was cut in half fails with its problem recorded next to it, both audited.
func TestBackupServiceVerify(t *testing.T) {
	e := newEnv(t)
	e.intake(t, 0)
	if err := storage.SaveBackupConfig(e.dir, continuity.BackupConfig{Dest: t.TempDir(), Hour: -1}); err != nil {
		t.Fatal(err)
	}
	b, err := storage.NewBackupper(e.dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := &continuity.BackupService{Svc: e.svc, Engine: b, Config: b.Config, Disk: storage.DiskUsage, DataDir: e.dir}
	info, _, err := bs.RunNow(ctx, app.OperatorActor("canbo1"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := bs.Verify(ctx, info.ID, true, "canbo1")
	if err != nil || !rep.OK || rep.Dossiers != 1 {
		t.Fatalf("sound backup: %+v %v", rep, err)
	}
	p := filepath.Join(info.Dir, "db.sqlite.gz.age")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err = bs.Verify(ctx, info.ID, false, "canbo1")
	if err != nil || rep.OK || len(rep.Problems) == 0 {
		t.Fatalf("cut backup: %+v %v", rep, err)
	}
	list, _ := b.List(ctx)
	if len(list) != 1 || list[0].VerifyOK || list[0].VerifyNote == "" {
		t.Fatalf("the failure is not kept with the backup: %+v", list)
	}
	trail, _ := e.store.AuditTrail(ctx, continuity.AuditFilter{ActionPrefix: "backup.verif"})
	if len(trail) != 2 || trail[0].Action != "backup.verified" || trail[1].Action != "backup.verify_failed" {
		t.Fatalf("audit %+v", trail)
	}
}
