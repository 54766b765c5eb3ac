package netwatch_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"motcua/sync/netwatch"
	"motcua/sync/province"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

func probe(t *testing.T, c *http.Client, url string) netwatch.Result {
	t.Helper()
	p := &netwatch.HTTPProber{Client: c, URL: url, Timeout: 700 * time.Millisecond}
	return p.Probe(context.Background())
}

func TestProbe(t *testing.T) {
	t.Run("Online", func(t *testing.T) {
		p := reftest.Start(t, false, nil)
		if r := probe(t, nil, p.URL+"/health"); r.State != netwatch.Online {
			t.Fatalf("%v: %s", r.State, r.Detail)
		}
	})
	t.Run("OnlineTLSWithCA", func(t *testing.T) {
		p := reftest.Start(t, true, nil)
		if r := probe(t, p.HTTP.Client(), p.URL+"/health"); r.State != netwatch.Online {
			t.Fatalf("%v: %s", r.State, r.Detail)
		}
	})
	portal := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL + "/health"
	}
	for name, c := range map[string]struct {
		url  func() string
		want netwatch.State
	}{
		"CaptiveHTML200": {func() string {
			p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults.HTMLRate = 1 })
			return p.URL + "/health"
		}, netwatch.Captive},
		"CaptiveRedirect": {func() string {
			return portal(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://login.wifi.example/?continue=", http.StatusFound)
			})
		}, netwatch.Captive},
		"CaptiveJSONWithoutNonce": {func() string {
			return portal(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"service":"motcua-province","nonce":"cached","error_code":"00"}`))
			})
		}, netwatch.Captive},
		"CaptiveProxyAuth": {func() string {
			return portal(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusProxyAuthRequired) })
		}, netwatch.Captive},
		"CaptiveInterceptedTLS": {func() string {
			p := reftest.Start(t, true, nil) // certificate not trusted by the default client
			return p.URL + "/health"
		}, netwatch.Captive},
		"Degraded503": {func() string {
			p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults.BurstRate, c.Faults.BurstLen = 1, 100 })
			return p.URL + "/health"
		}, netwatch.Degraded},
		"OfflineRefused": {func() string {
			l, _ := net.Listen("tcp", "127.0.0.1:0")
			addr := l.Addr().String()
			l.Close()
			return "http://" + addr + "/health"
		}, netwatch.Offline},
		"OfflineTimeout": {func() string {
			p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults.Latency = refserver.Duration(1500 * time.Millisecond) })
			return p.URL + "/health"
		}, netwatch.Offline},
	} {
		t.Run(name, func(t *testing.T) {
			r := probe(t, nil, c.url())
			if r.State != c.want {
				t.Fatalf("%v (%s); want %v", r.State, r.Detail, c.want)
			}
			if r.Detail == "" {
				t.Fatal("no detail for the log")
			}
		})
	}
}

type scripted struct {
	mu  sync.Mutex
	seq []netwatch.State
}

func (s *scripted) Probe(context.Context) netwatch.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.seq[0]
	if len(s.seq) > 1 {
		s.seq = s.seq[1:]
	}
	return netwatch.Result{State: st, Detail: st.String()}
}

func TestMonitor(t *testing.T) {
	ctx := context.Background()
	t.Run("ThresholdAvoidsFlapping", func(t *testing.T) {
		on, off, cap := netwatch.Online, netwatch.Offline, netwatch.Captive
		m := netwatch.New(&scripted{seq: []netwatch.State{on, off, on, off, off, off, on, cap, cap}}, netwatch.Config{Threshold: 2})
		events, stop := m.Subscribe(10)
		defer stop()
		for range 9 {
			m.Check(ctx)
		}
		var got []string
		for len(events) > 0 {
			e := <-events
			got = append(got, e.From.String()+"→"+e.To.String())
		}
		want := "unknown→online online→offline offline→online online→captive"
		if g := join(got); g != want {
			t.Fatalf("events %q; want %q", g, want)
		}
	})
	t.Run("SlowSubscriberGetsLatest", func(t *testing.T) {
		on, off := netwatch.Online, netwatch.Offline
		m := netwatch.New(&scripted{seq: []netwatch.State{on, off, on, off, on}}, netwatch.Config{Threshold: 1})
		events, stop := m.Subscribe(1)
		defer stop()
		for range 5 {
			m.Check(ctx)
		}
		if e := <-events; e.To != netwatch.Online || len(events) != 0 {
			t.Fatalf("got %v, %d left; want only the latest (online)", e.To, len(events))
		}
	})
	t.Run("RealServerFaultsToggle", func(t *testing.T) {
		p := reftest.Start(t, false, nil)
		c, _ := province.NewClient(p.Config())
		m := netwatch.New(&netwatch.HTTPProber{Client: c.HTTPClient(), URL: c.HealthURL(), Timeout: time.Second},
			netwatch.Config{Interval: 20 * time.Millisecond, OfflineInterval: 10 * time.Millisecond, Threshold: 2})
		events, stop := m.Subscribe(10)
		defer stop()
		reconnected := make(chan struct{}, 10)
		octx, cancel := context.WithCancel(ctx)
		defer cancel()
		on, stopOn := m.Subscribe(10)
		defer stopOn()
		go netwatch.OnOnline(octx, on, func() { reconnected <- struct{}{} })
		m.Start(ctx)
		defer m.Stop()
		expect := func(want netwatch.State) {
			t.Helper()
			select {
			case e := <-events:
				if e.To != want {
					t.Fatalf("event to %v (%s); want %v", e.To, e.Detail, want)
				}
			case <-time.After(3 * time.Second):
				t.Fatalf("no event; want %v", want)
			}
		}
		expect(netwatch.Online)
		p.SetFaults(refserver.Faults{HTMLRate: 1}) // the café's Wi-Fi wants a login
		expect(netwatch.Captive)
		p.SetFaults(refserver.Faults{})
		expect(netwatch.Online)
		for i := range 2 {
			select {
			case <-reconnected:
			case <-time.After(2 * time.Second):
				t.Fatalf("OnOnline called %d times; want 2", i)
			}
		}
		if m.State() != netwatch.Online {
			t.Fatalf("state %v", m.State())
		}
	})
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}
