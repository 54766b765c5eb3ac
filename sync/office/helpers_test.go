package office_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
	"motcua/sync/office"
)

const agency = "000.00.06.H56"

var ctx = context.Background()

// day is 24 Nov 2026, 08:30 Vietnam time: every clock of these tests.
var day = time.Date(2026, 11, 24, 8, 30, 0, 0, motcua.Location)

var clock = motcua.NewFixedClock(day)

// freePorts returns n distinct free ports on 127.0.0.1.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// officeCreds issues the credentials of n stations of one office CA.
func officeCreds(tb testing.TB, n int) []office.Credentials {
	tb.Helper()
	ca, err := office.NewCA(agency, clock)
	if err != nil {
		tb.Fatal(err)
	}
	creds := make([]office.Credentials, n+1)
	for k := 1; k <= n; k++ {
		if creds[k], err = ca.Issue(k, clock); err != nil {
			tb.Fatal(err)
		}
	}
	return creds
}

// station is one counter PC: its store, service and office engine.
type station struct {
	k, n  int
	dir   string
	store *storage.Store
	svc   *app.Service
	off   *office.Office
	cfg   office.Config
}

// newStation opens station k of n in dir, listening on ports[k-1], its
// peers at peerAddr(j).
func newStation(tb testing.TB, k, n int, dir string, listen string, peerAddr func(j int) string, creds office.Credentials) *station {
	tb.Helper()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"), storage.WithClock(clock))
	if err != nil {
		tb.Fatal(err)
	}
	svc := app.New(st, nil, nil)
	svc.Clock = clock
	cfg := office.Config{Station: motcua.Station{K: k, N: n}, Listen: listen, Dir: filepath.Join(dir, "office"),
		Creds: creds, Clock: clock, Poll: 50 * time.Millisecond, Logf: tb.Logf}
	for j := 1; j <= n; j++ {
		if j != k {
			cfg.Peers = append(cfg.Peers, office.Peer{Station: j, Addr: peerAddr(j)})
		}
	}
	s := &station{k: k, n: n, dir: dir, store: st, svc: svc, cfg: cfg}
	s.start(tb)
	tb.Cleanup(func() {
		s.stop()
		st.Close()
	})
	return s
}

func (s *station) start(tb testing.TB) {
	tb.Helper()
	off, err := office.Start(ctx, s.cfg, s.store)
	if err != nil {
		tb.Fatalf("station %d: Start: %v", s.k, err)
	}
	s.off = off
}

func (s *station) stop() {
	if s.off != nil {
		s.off.Close()
		s.off = nil
	}
}

// office starts n stations on 127.0.0.1 in temporary folders, fully meshed.
func startOffice(tb testing.TB, n int) []*station {
	tb.Helper()
	ports := freePorts(tb, n)
	creds := officeCreds(tb, n)
	addr := func(j int) string { return fmt.Sprintf("127.0.0.1:%d", ports[j-1]) }
	sts := make([]*station, n+1)
	for k := 1; k <= n; k++ {
		sts[k] = newStation(tb, k, n, tb.TempDir(), addr(k), addr, creds[k])
	}
	return sts
}

// newDossier is a birth registration received at t.
func newDossier(t time.Time, name string) *motcua.Dossier {
	return &motcua.Dossier{
		Procedure: motcua.ProcedureRef{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		Channel:   motcua.ChannelDirect,
		Applicant: motcua.Applicant{Name: name, IDNumber: "001190012345", DOB: "1990-05-17",
			Gender: "Nữ", Address: "Thôn Đông, xã Yên Sở", SubjectType: motcua.SubjectCitizen},
		Components: []motcua.Component{{Name: "Tờ khai đăng ký khai sinh", Original: 1}},
		Fee:        8000,
		ReceivedAt: t,
		DueAt:      t.Add(24 * time.Hour),
		Status:     motcua.StatusReceived,
		Officer:    "canbo.lan",
		History: []motcua.HistoryEntry{{At: t, Actor: "canbo.lan", Action: "accept",
			From: motcua.StatusNew, To: motcua.StatusReceived}},
	}
}

func (s *station) accept(tb testing.TB, name string) *motcua.Dossier {
	tb.Helper()
	d := newDossier(day, name)
	if err := s.store.Accept(ctx, d, agency, motcua.Station{K: s.k, N: s.n}, app.AuditEntry{Actor: "canbo.lan"}); err != nil {
		tb.Fatalf("station %d: Accept: %v", s.k, err)
	}
	if s.off != nil {
		s.off.Notify()
	}
	return d
}

// digest is code → content hash of every dossier a store holds.
func digest(tb testing.TB, st *storage.Store) map[string]string {
	tb.Helper()
	codes, err := st.OfficeCodes(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	m := make(map[string]string, len(codes))
	for _, c := range codes {
		d, err := st.Get(ctx, c)
		if err != nil {
			tb.Fatal(err)
		}
		h, _, err := office.Hash(d)
		if err != nil {
			tb.Fatal(err)
		}
		m[c] = h
	}
	return m
}

// eventually polls cond every 20 ms until it holds or timeout passes.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	sw := motcua.StartStopwatch()
	for !cond() {
		if sw.Elapsed() > timeout {
			tb.Fatalf("not within %v: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameState reports whether every store holds the same dossiers with the
// same content hashes (want of them, if want > 0).
func sameState(tb testing.TB, want int, stores ...*storage.Store) (bool, string) {
	tb.Helper()
	var first map[string]string
	for i, st := range stores {
		d := digest(tb, st)
		if want > 0 && len(d) != want {
			return false, fmt.Sprintf("store %d holds %d dossiers, want %d", i+1, len(d), want)
		}
		if first == nil {
			first = d
			continue
		}
		if len(d) != len(first) {
			return false, fmt.Sprintf("store %d holds %d dossiers, store 1 %d", i+1, len(d), len(first))
		}
		for c, h := range first {
			if d[c] != h {
				return false, fmt.Sprintf("store %d: %s differs", i+1, c)
			}
		}
	}
	return true, ""
}
