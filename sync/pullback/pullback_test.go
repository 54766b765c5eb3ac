package pullback_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/pullback"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// memStore keeps dossiers as JSON, so a failed page leaves no trace.
type memStore struct {
	mu     sync.Mutex
	rows   map[string][]byte
	cursor string
	fail   error
}

func newMemStore(ds ...*motcua.Dossier) *memStore {
	s := &memStore{rows: map[string][]byte{}}
	for _, d := range ds {
		s.rows[d.Code], _ = json.Marshal(d)
	}
	return s
}

func (s *memStore) Cursor(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor, nil
}

func (s *memStore) ApplyPage(_ context.Context, cursor string, codes []string, fn func(string, *motcua.Dossier) (bool, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	staged := map[string][]byte{}
	for _, code := range codes {
		var d *motcua.Dossier
		raw, ok := staged[code]
		if !ok {
			raw, ok = s.rows[code]
		}
		if ok {
			d = &motcua.Dossier{}
			json.Unmarshal(raw, d)
		}
		changed, err := fn(code, d)
		if err != nil {
			return err
		}
		if changed {
			staged[code], _ = json.Marshal(d)
		}
	}
	if s.fail != nil {
		return s.fail
	}
	for k, v := range staged {
		s.rows[k] = v
	}
	s.cursor = cursor
	return nil
}

func (s *memStore) get(code string) *motcua.Dossier {
	s.mu.Lock()
	defer s.mu.Unlock()
	var d motcua.Dossier
	json.Unmarshal(s.rows[code], &d)
	return &d
}

func TestPullFromReferenceServer(t *testing.T) {
	ctx := context.Background()
	p := reftest.Start(t, false, func(c *refserver.Config) { c.Now = provincetest.Clock().Now })
	c, err := province.NewClient(p.Config())
	if err != nil {
		t.Fatal(err)
	}
	var ds []*motcua.Dossier
	var items []province.Item
	for i := range 5 {
		d := provincetest.Dossier(reftest.Agency, i+1)
		ds = append(ds, d)
		items = append(items, provincetest.Item(d, "k"+d.Code, true))
	}
	if _, err := c.Deliver(ctx, items); err != nil {
		t.Fatal(err)
	}
	store := newMemStore(ds...)
	// Locally, dossier 5 was finished and returned at the counter meanwhile.
	d5 := ds[4]
	d5.Move(motcua.StatusDone, "advance", "canbo1", "", d5.ReceivedAt.Add(time.Hour))
	d5.Move(motcua.StatusReturned, "return", "canbo1", "", d5.ReceivedAt.Add(2*time.Hour))
	store.rows[d5.Code], _ = json.Marshal(d5)

	newDue := ds[1].DueAt.Add(72 * time.Hour).Truncate(time.Second)
	act := func(code, kind string, a refserver.Action) {
		t.Helper()
		a.Kind = kind
		if _, err := p.Server.Act(ctx, code, a); err != nil {
			t.Fatalf("%s %s: %v", kind, code, err)
		}
	}
	act(ds[0].Code, refserver.ActProcess, refserver.Action{Actor: "Chuyên viên Lê Văn Bình"})
	act(ds[0].Code, refserver.ActResult, refserver.Action{Results: []province.GiayToKetQua{{TenGiayTo: "Giấy khai sinh bản chính"}}})
	act(ds[1].Code, refserver.ActExtend, refserver.Action{Reason: "Cần xác minh nơi cư trú", Due: province.FormatDate(newDue)})
	act(ds[2].Code, refserver.ActSupplement, refserver.Action{Reason: "Thiếu bản sao giấy chứng sinh", Documents: []string{"Giấy chứng sinh"}})
	act(ds[3].Code, refserver.ActDone, refserver.Action{})
	act(d5.Code, refserver.ActProcess, refserver.Action{}) // province still had it as received

	pl := pullback.New(c, store, pullback.Config{Limit: 2})
	sum, err := pl.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changes != 6 || sum.Applied != 5 || sum.Pages < 3 {
		t.Fatalf("summary %+v", sum)
	}
	d1 := store.get(ds[0].Code)
	if d1.Status != motcua.StatusDone || !strings.Contains(d1.History[len(d1.History)-1].Note, "Giấy khai sinh bản chính") {
		t.Fatalf("dossier 1: %v, last history %+v", d1.Status, d1.History[len(d1.History)-1])
	}
	if h := d1.History[1]; h.Action != "sync" || h.Actor != "Chuyên viên Lê Văn Bình" || h.To != motcua.StatusProcessing {
		t.Fatalf("dossier 1 history %+v", h)
	}
	if d2 := store.get(ds[1].Code); !d2.DueAt.Equal(newDue) || !d2.Extended || d2.Status != motcua.StatusReceived {
		t.Fatalf("dossier 2: due %v extended %v", d2.DueAt, d2.Extended)
	}
	if d3 := store.get(ds[2].Code); d3.Status != motcua.StatusSupplement || d3.History[len(d3.History)-1].Reason != "Thiếu bản sao giấy chứng sinh" {
		t.Fatalf("dossier 3: %v %+v", d3.Status, d3.History)
	}
	if d4 := store.get(ds[3].Code); d4.Status != motcua.StatusDone {
		t.Fatalf("dossier 4: %v", d4.Status)
	}
	if got := store.get(d5.Code); got.Status != motcua.StatusReturned || len(got.History) != 3 {
		t.Fatalf("dossier 5 was returned locally: %v with %d history entries", got.Status, len(got.History))
	}
	var skipped []string
	for _, o := range sum.Outcomes {
		if !o.Applied {
			skipped = append(skipped, o.Change.Code+": "+o.Note)
		}
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "bỏ qua") {
		t.Fatalf("skipped %v", skipped)
	}
	// Nothing new: nothing happens.
	if again, err := pl.Step(ctx); err != nil || again.Changes != 0 || again.Cursor != sum.Cursor {
		t.Fatalf("second step %+v %v", again, err)
	}
}

func TestPageIsAtomic(t *testing.T) {
	ctx := context.Background()
	fake := provincetest.NewFake(reftest.Agency)
	d := provincetest.Dossier(reftest.Agency, 1)
	fake.Deliver(ctx, []province.Item{provincetest.Item(d, "k", true)})
	fake.Act(ctx, d.Code, "process", "", time.Time{})
	store := newMemStore(d)
	store.fail = errors.New("disk full")
	pl := pullback.New(fake, store, pullback.Config{})
	if _, err := pl.Step(ctx); err == nil {
		t.Fatal("want the store's failure")
	}
	if store.cursor != "" || store.get(d.Code).Status != motcua.StatusReceived {
		t.Fatal("a failed page left changes behind")
	}
	store.fail = nil
	if sum, err := pl.Step(ctx); err != nil || sum.Applied != 1 {
		t.Fatalf("retry: %+v %v", sum, err)
	}
	if store.get(d.Code).Status != motcua.StatusProcessing {
		t.Fatal("not applied on retry")
	}
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, motcua.Location)
	base := func() *motcua.Dossier { return provincetest.Dossier(reftest.Agency, 1) }
	at := province.FormatDate(now)
	for _, c := range []struct {
		name    string
		d       func() *motcua.Dossier
		change  province.Change
		applied bool
		status  motcua.Status
	}{
		{"Processing", base, province.Change{Kind: province.ChangeStatus, Status: "4", At: at}, true, motcua.StatusProcessing},
		{"PaymentViaProcessing", base, province.Change{Kind: province.ChangeStatus, Status: "6", At: at}, true, motcua.StatusFinancial},
		{"SupplementWithoutReasonGetsOne", base, province.Change{Kind: province.ChangeSupplement, Status: "5", At: at, Documents: []string{"CCCD"}}, true, motcua.StatusSupplement},
		{"SameStatusIsNoop", base, province.Change{Kind: province.ChangeStatus, Status: "2", At: at}, false, motcua.StatusReceived},
		{"UnknownKindSkipped", base, province.Change{Kind: "khac", Status: "4", At: at}, false, motcua.StatusReceived},
		{"ExtensionAfterLocalExtension", func() *motcua.Dossier {
			d := base()
			d.Extend(d.DueAt.Add(24*time.Hour), "canbo1", "chờ", now)
			return d
		}, province.Change{Kind: province.ChangeExtension, Status: "2", At: at, Due: "20261205170000", Reason: "tỉnh gia hạn"}, true, motcua.StatusReceived},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := c.d()
			applied, note, err := pullback.Apply(d, c.change, now)
			if err != nil || applied != c.applied || d.Status != c.status {
				t.Fatalf("applied %v (%s), err %v, status %v", applied, note, err, d.Status)
			}
			again, _, _ := pullback.Apply(d, c.change, now)
			if again {
				t.Fatal("applying twice changed the dossier again")
			}
		})
	}
	d := base()
	if _, _, err := pullback.Apply(d, province.Change{Kind: province.ChangeStatus, Status: "42"}, now); err == nil {
		t.Fatal("an unknown status code must be an error")
	}
}
