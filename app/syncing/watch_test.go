package syncing_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
)

// TestWatchKeepsCapabilities: the window's store is wrapped so that writes
// wake the engine; the papers' numbering and the outbox counts behind it
// must still be found (a receipt from the window failed with "the store
// cannot number papers").
func TestWatchKeepsCapabilities(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	r, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, motcua.Location)
	svc := app.New(r.Watch(s), nil, nil)
	svc.Clock = motcua.NewFixedClock(at.Add(time.Hour)) // the paper's number year comes from the service's clock
	if _, ok := app.StoreAs[app.PaperNumberStore](svc.Store); !ok {
		t.Fatal("the watched store hides PaperNumber")
	}
	d := &motcua.Dossier{Procedure: motcua.ProcedureRef{Code: "1.000001", Name: "Thủ tục thử"},
		Applicant: motcua.Applicant{Name: "Nguyễn Văn An"}, Channel: motcua.ChannelDirect,
		ReceivedAt: at, DueAt: at.Add(48 * time.Hour), Status: motcua.StatusReceived,
		History: []motcua.HistoryEntry{{At: at, Actor: "lan.nt", Action: "accept", From: motcua.StatusNew, To: motcua.StatusReceived}}}
	if err := svc.Store.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, app.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	f, err := svc.PaperFacts(ctx, app.Actor{Username: "lan.nt", Role: app.RoleOfficer}, d, "TNHS", "")
	if err != nil {
		t.Fatalf("PaperFacts through the watched store: %v", err)
	}
	if f.Number != "1" || f.Entry != "1" || f.Book != "01/2026" {
		t.Errorf("facts %+v, want number 1, row 1 of book 01/2026", f)
	}
}
