package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/sync/outbox"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
)

const agency = "000.00.06.H56"

// stores are the Store implementations every worker test runs against.
var stores = map[string]func(t *testing.T) outboxtest.Queue{
	"mem": func(t *testing.T) outboxtest.Queue { return &outboxtest.MemStore{} },
	"sqlite": func(t *testing.T) outboxtest.Queue {
		s, err := outboxtest.OpenSQLite(filepath.Join(t.TempDir(), "outbox.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	},
}

func forEachStore(t *testing.T, f func(t *testing.T, q outboxtest.Queue)) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) { f(t, open(t)) })
	}
}

func enqueue(t *testing.T, q outboxtest.Queue, d *motcua.Dossier) int64 {
	t.Helper()
	id, err := q.Enqueue(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func advance(t *testing.T, d *motcua.Dossier, to motcua.Status) {
	t.Helper()
	if err := d.Move(to, "advance", "canbo1", "lý do", d.History[len(d.History)-1].At.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
}

func states(t *testing.T, q outboxtest.Queue) map[int64]outbox.Message {
	t.Helper()
	all, err := q.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]outbox.Message{}
	for _, m := range all {
		out[m.ID] = m
	}
	return out
}

func fastConfig() outbox.Config {
	return outbox.Config{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Interval: 10 * time.Millisecond}
}

// drain steps until a step sends nothing.
func drain(t *testing.T, w *outbox.Worker) []outbox.Summary {
	t.Helper()
	var out []outbox.Summary
	for range 100 {
		s, _ := w.Step(context.Background())
		out = append(out, s)
		if s.Idle() {
			return out
		}
	}
	t.Fatal("the queue did not drain in 100 steps")
	return nil
}

func TestWorker(t *testing.T) {
	ctx := context.Background()
	t.Run("InOrderPerDossier", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, q outboxtest.Queue) {
			fake := provincetest.NewFake(agency)
			var mu sync.Mutex
			seen := map[string][]int{}
			fake.Hook = func(op string, items []province.Item) error {
				mu.Lock()
				defer mu.Unlock()
				for _, it := range items {
					if n := len(seen[it.HoSo.MaHoSo]); n > 0 && seen[it.HoSo.MaHoSo][n-1] >= it.HoSo.PhienBan {
						t.Errorf("%s: version %d after %d", it.HoSo.MaHoSo, it.HoSo.PhienBan, seen[it.HoSo.MaHoSo][n-1])
					}
					seen[it.HoSo.MaHoSo] = append(seen[it.HoSo.MaHoSo], it.HoSo.PhienBan)
				}
				return nil
			}
			var ds []*motcua.Dossier
			for i := range 3 {
				ds = append(ds, provincetest.Dossier(agency, i+1))
				enqueue(t, q, ds[i])
			}
			w := outbox.New(q, fake, fastConfig())
			if s, _ := w.Step(ctx); s.Dossiers != 3 || s.Acknowledged != 3 {
				t.Fatalf("first step %+v", s)
			}
			// Two more changes each before the next step: one item per
			// dossier, the newest snapshot, both messages acknowledged.
			for _, to := range []motcua.Status{motcua.StatusProcessing, motcua.StatusDone} {
				for _, d := range ds {
					advance(t, d, to)
					enqueue(t, q, d)
				}
			}
			if s, _ := w.Step(ctx); s.Dossiers != 3 || s.Sent != 6 || s.Acknowledged != 6 {
				t.Fatalf("second step %+v", s)
			}
			for _, d := range ds {
				advance(t, d, motcua.StatusReturned)
				enqueue(t, q, d)
			}
			drain(t, w)
			for _, d := range ds {
				if got := seen[d.Code]; strings.Join(itoa(got), ",") != "1,3,4" {
					t.Errorf("%s delivered versions %v; want 1,3,4", d.Code, got)
				}
				if fake.Status(d.Code) != motcua.StatusReturned {
					t.Errorf("%s is %v at the province", d.Code, fake.Status(d.Code))
				}
				h, _ := fake.Lookup(ctx, d.Code)
				if len(h.QuaTrinhXuLy) != 4 {
					t.Errorf("%s: %d steps at the province; want all 4", d.Code, len(h.QuaTrinhXuLy))
				}
			}
			for id, m := range states(t, q) {
				if m.State != outbox.StateAcknowledged {
					t.Errorf("message %d is %s", id, m.State)
				}
			}
		})
	})
	t.Run("Batches", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, q outboxtest.Queue) {
			fake := provincetest.NewFake(agency)
			for i := range 120 {
				enqueue(t, q, provincetest.Dossier(agency, i+1))
			}
			cfg := fastConfig()
			cfg.BatchSize = 50
			w := outbox.New(q, fake, cfg)
			sums := drain(t, w)
			if n := fake.Calls("deliver"); n != 3 {
				t.Fatalf("%d deliveries for 120 dossiers in batches of 50", n)
			}
			if sums[0].Sent != 50 || sums[0].Acknowledged != 50 || sums[2].Sent != 20 {
				t.Fatalf("summaries %+v", sums)
			}
		})
	})
	t.Run("QuarantineHoldsOnlyItsDossier", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, q outboxtest.Queue) {
			fake := provincetest.NewFake(agency)
			bad, good := provincetest.Dossier(agency, 1), provincetest.Dossier(agency, 2)
			fixed := *bad
			bad.ReceivedAt = time.Time{} // NgayTiepNhan empty: the province refuses it
			bad1 := enqueue(t, q, bad)
			advance(t, bad, motcua.StatusProcessing)
			bad2 := enqueue(t, q, bad)
			good1 := enqueue(t, q, good)
			w := outbox.New(q, fake, fastConfig())
			sums := drain(t, w)
			st := states(t, q)
			if st[bad1].State != outbox.StateQuarantined || !strings.Contains(st[bad1].LastError, "NgayTiepNhan") {
				t.Fatalf("bad message: %s %q; want quarantined with the province's reason", st[bad1].State, st[bad1].LastError)
			}
			if st[bad2].State != outbox.StatePending {
				t.Fatalf("the bad dossier's next message is %s; want pending behind the quarantined one", st[bad2].State)
			}
			if st[good1].State != outbox.StateAcknowledged {
				t.Fatalf("the other dossier is %s; want acknowledged", st[good1].State)
			}
			if last := sums[len(sums)-1]; last.Blocked != 1 {
				t.Fatalf("blocked = %d; want 1", last.Blocked)
			}
			// The officer corrects the dossier (a new message, queued behind)
			// and retries the quarantined one: the corrected state goes, and
			// all three messages are done.
			bad.ReceivedAt = fixed.ReceivedAt
			bad3 := enqueue(t, q, bad)
			if err := q.Retry(ctx, bad1); err != nil {
				t.Fatal(err)
			}
			drain(t, w)
			st = states(t, q)
			for _, id := range []int64{bad1, bad2, bad3} {
				if st[id].State != outbox.StateAcknowledged {
					t.Fatalf("after retry: message %d is %s %q", id, st[id].State, st[id].LastError)
				}
			}
			if fake.Status(bad.Code) != motcua.StatusProcessing {
				t.Fatalf("province has %v", fake.Status(bad.Code))
			}
		})
	})
	t.Run("CorruptPayloadQuarantined", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		id := q.EnqueueRaw(provincetest.Dossier(agency, 1).Code, []byte("{not json"))
		other := provincetest.Dossier(agency, 2)
		q.EnqueueRaw(other.Code, mustJSON(other))
		drain(t, outbox.New(q, fake, fastConfig()))
		st := states(t, q)
		if st[id].State != outbox.StateQuarantined || !strings.Contains(st[id].LastError, "hỏng") {
			t.Fatalf("corrupt message: %s %q", st[id].State, st[id].LastError)
		}
		if st[2].State != outbox.StateAcknowledged {
			t.Fatalf("other message: %s", st[2].State)
		}
	})
	t.Run("FailureKeepsEverythingQueued", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, q outboxtest.Queue) {
			fake := provincetest.NewFake(agency)
			failures := map[string]error{
				"network": errors.New("dial tcp: connection refused"),
				"auth":    &province.Error{Op: "đăng nhập", Class: province.Auth, Code: "01", Message: "Sai tên đăng nhập hoặc mật khẩu"},
				"server":  &province.Error{Op: "DongBoHoSoMC", Class: province.Transient, Status: 503},
			}
			for i := range 5 {
				enqueue(t, q, provincetest.Dossier(agency, i+1))
			}
			w := outbox.New(q, fake, fastConfig())
			for name, ferr := range failures {
				fake.Hook = func(string, []province.Item) error { return ferr }
				s, err := w.Step(ctx)
				if err == nil || s.Err == nil || s.NextTry.IsZero() || s.Retrying != 5 {
					t.Fatalf("%s: step = %+v, %v", name, s, err)
				}
				for id, m := range states(t, q) {
					if m.State != outbox.StatePending || m.LastError == "" {
						t.Fatalf("%s: message %d is %s %q; want pending with the failure", name, id, m.State, m.LastError)
					}
				}
				time.Sleep(25 * time.Millisecond)
			}
			fake.Hook = nil
			drain(t, w)
			for id, m := range states(t, q) {
				if m.State != outbox.StateAcknowledged || m.Attempts != 4 {
					t.Fatalf("message %d: %s after %d attempts; want acknowledged after 4", id, m.State, m.Attempts)
				}
			}
		})
	})
	t.Run("SendingAfterCrashIsResent", func(t *testing.T) {
		forEachStore(t, func(t *testing.T, q outboxtest.Queue) {
			fake := provincetest.NewFake(agency)
			d := provincetest.Dossier(agency, 1)
			id := enqueue(t, q, d)
			// The province got it, then the power went before the
			// acknowledgement was recorded.
			w := outbox.New(q, fake, fastConfig())
			fake.Hook = func(op string, items []province.Item) error {
				fake.Hook = nil
				fake.Deliver(ctx, items)
				return errors.New("power cut")
			}
			w.Step(ctx)
			if err := q.Mark(ctx, []outbox.Mark{{ID: id, State: outbox.StateSending}}); err != nil {
				t.Fatal(err)
			}
			w2 := outbox.New(q, fake, fastConfig())
			sums := drain(t, w2)
			if sums[0].Duplicates != 1 || fake.Writes(d.Code) != 1 {
				t.Fatalf("duplicates %d, writes %d; want the re-send acknowledged without a second write", sums[0].Duplicates, fake.Writes(d.Code))
			}
			if states(t, q)[id].State != outbox.StateAcknowledged {
				t.Fatal("not acknowledged")
			}
		})
	})
	t.Run("AttachmentsBeforeDossier", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		files := &outboxtest.Files{}
		d1, d2 := provincetest.Dossier(agency, 1), provincetest.Dossier(agency, 2)
		files.Add(d1.Code, "to-khai.pdf", []byte("trang 1"))
		files.Add(d1.Code, "giay-chung-sinh.pdf", []byte("trang 2"))
		enqueue(t, q, d1)
		enqueue(t, q, d2)
		uploadsFail := true
		fake.Hook = func(op string, items []province.Item) error {
			if op == "upload" && uploadsFail {
				return &province.Error{Op: "tải tệp", Class: province.Transient, Message: "mất kết nối"}
			}
			return nil
		}
		cfg := fastConfig()
		cfg.Files = files
		w := outbox.New(q, fake, cfg)
		s, _ := w.Step(ctx)
		if s.Sent != 1 || s.Retrying != 1 || fake.Status(d2.Code) == 0 || fake.Status(d1.Code) != 0 {
			t.Fatalf("step %+v: the dossier without files should go, the one whose upload failed wait", s)
		}
		uploadsFail = false
		time.Sleep(25 * time.Millisecond) // the dossier's backoff
		sums := drain(t, w)
		if sums[0].Uploaded != 2 || fake.Status(d1.Code) != motcua.StatusReceived {
			t.Fatalf("after the link returned: %+v, status %v", sums[0], fake.Status(d1.Code))
		}
		h, _ := fake.Lookup(ctx, d1.Code)
		if len(h.TaiLieuNop) != 2 || h.TaiLieuNop[0].DuongDanTaiTepTin == "" {
			t.Fatalf("TaiLieuNop = %+v", h.TaiLieuNop)
		}
	})
	t.Run("ErrAttachmentTooLargeQuarantined", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		files := &outboxtest.Files{}
		d := provincetest.Dossier(agency, 1)
		files.Add(d.Code, "phim.mp4", []byte("x"))
		id := enqueue(t, q, d)
		fake.Hook = func(op string, _ []province.Item) error {
			if op == "upload" {
				return &province.Error{Op: "tải tệp «phim.mp4»", Class: province.Invalid, Message: "tệp vượt giới hạn 50 MB"}
			}
			return nil
		}
		cfg := fastConfig()
		cfg.Files = files
		drain(t, outbox.New(q, fake, cfg))
		if m := states(t, q)[id]; m.State != outbox.StateQuarantined || !strings.Contains(m.LastError, "50 MB") {
			t.Fatalf("message: %s %q", m.State, m.LastError)
		}
	})
}

func TestDrain(t *testing.T) {
	q := &outboxtest.MemStore{}
	fake := provincetest.NewFake(agency)
	for i := range 130 {
		q.Enqueue(context.Background(), provincetest.Dossier(agency, i+1))
	}
	bad := provincetest.Dossier(agency, 200)
	bad.ReceivedAt = time.Time{}
	q.Enqueue(context.Background(), bad)
	s, err := outbox.New(q, fake, outbox.Config{BatchSize: 50}).Drain(context.Background())
	if err != nil || s.Acknowledged != 130 || s.Quarantined != 1 || s.Blocked != 1 {
		t.Fatalf("drain: %+v %v", s, err)
	}
	fake.Hook = func(string, []province.Item) error { return errors.New("down") }
	q.Enqueue(context.Background(), provincetest.Dossier(agency, 300))
	if s, err := outbox.New(q, fake, outbox.Config{}).Drain(context.Background()); err == nil || s.Retrying != 1 {
		t.Fatalf("drain while down: %+v %v", s, err)
	}
}

func TestWorkerLoop(t *testing.T) {
	t.Run("ReconnectedRetriesAtOnce", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		down := make(chan struct{})
		var once sync.Once
		fake.Hook = func(string, []province.Item) error {
			select {
			case <-down:
				return nil
			default:
				once.Do(func() {})
				return errors.New("network unreachable")
			}
		}
		d := provincetest.Dossier(agency, 1)
		q.Enqueue(context.Background(), d)
		steps := make(chan outbox.Summary, 100)
		w := outbox.New(q, fake, outbox.Config{MinBackoff: time.Hour, MaxBackoff: time.Hour, Interval: time.Hour,
			OnStep: func(s outbox.Summary) { steps <- s }})
		w.Start(context.Background())
		defer w.Stop()
		if s := <-steps; s.Err == nil || time.Until(s.NextTry) < 29*time.Minute {
			t.Fatalf("first step %+v; want a failure backing off about an hour", s)
		}
		close(down)
		start := time.Now()
		w.Reconnected()
		select {
		case s := <-steps:
			if s.Acknowledged != 1 {
				t.Fatalf("step after reconnect: %+v", s)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no retry after Reconnected")
		}
		if time.Since(start) > time.Second {
			t.Fatal("retry was not immediate")
		}
	})
	t.Run("NotifyRespectsBackoff", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		fake.Hook = func(string, []province.Item) error { return errors.New("503") }
		q.Enqueue(context.Background(), provincetest.Dossier(agency, 1))
		w := outbox.New(q, fake, outbox.Config{MinBackoff: time.Hour, MaxBackoff: time.Hour, Interval: time.Hour})
		w.Start(context.Background())
		defer w.Stop()
		time.Sleep(50 * time.Millisecond)
		for range 5 {
			w.Notify()
			time.Sleep(10 * time.Millisecond)
		}
		if n := fake.Calls("deliver"); n != 1 {
			t.Fatalf("%d deliveries; Notify must not bypass the backoff", n)
		}
	})
	t.Run("BackoffGrowsCappedWithJitter", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		fake.Hook = func(string, []province.Item) error { return errors.New("down") }
		q.Enqueue(context.Background(), provincetest.Dossier(agency, 1))
		now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
		w := outbox.New(q, fake, outbox.Config{MinBackoff: time.Second, MaxBackoff: 16 * time.Second, Now: func() time.Time { return now }})
		var waits []time.Duration
		for range 8 {
			s, _ := w.Step(context.Background())
			waits = append(waits, s.NextTry.Sub(now))
		}
		for i, d := range waits {
			full := min(time.Second<<i, 16*time.Second)
			if d < full/2 || d > full {
				t.Fatalf("wait %d = %v; want within [%v, %v] (all: %v)", i, d, full/2, full, waits)
			}
		}
	})
	t.Run("StopWaitsAndRestartResumes", func(t *testing.T) {
		q := &outboxtest.MemStore{}
		fake := provincetest.NewFake(agency)
		for i := range 200 {
			q.Enqueue(context.Background(), provincetest.Dossier(agency, i+1))
		}
		cfg := fastConfig()
		cfg.BatchSize = 10
		for range 5 {
			w := outbox.New(q, fake, cfg)
			w.Start(context.Background())
			time.Sleep(2 * time.Millisecond)
			w.Stop()
		}
		w := outbox.New(q, fake, cfg)
		w.Start(context.Background())
		deadline := time.Now().Add(5 * time.Second)
		for len(fake.Codes()) < 200 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		w.Stop()
		if n := len(fake.Codes()); n != 200 {
			t.Fatalf("%d of 200 delivered", n)
		}
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func itoa(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.Itoa(n)
	}
	return out
}
