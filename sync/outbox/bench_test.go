package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"motcua/sync/outbox"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver/reftest"
)

// BenchmarkDrain empties a backlog of dossiers (MOTCUA_BENCH_N, default
// 2000; the figure is 10000) from a SQLite outbox to the reference
// server on loopback, next to a bare loop POSTing one DongBoHoSoMC per
// dossier to the same server. Run:
//
//	go test -run '^$' -bench Drain -benchtime 1x ./sync/outbox/
func BenchmarkDrain(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	p := reftest.Start(b, false, nil)
	seq := 0
	next := func() int { seq++; return seq } // fresh codes every run: sequence ≤ 9999
	b.Run(fmt.Sprintf("outbox/n=%d", n), func(b *testing.B) {
		var elapsed time.Duration
		for range b.N {
			q, err := outboxtest.OpenSQLite(filepath.Join(b.TempDir(), "outbox.db"))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for range n {
				d := provincetest.Dossier(reftest.Agency, 1+next()%9999)
				d.Summary = "bench " + strconv.Itoa(seq) // distinct content past 9999
				if _, err := q.Enqueue(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
			c, err := province.NewClient(p.Config())
			if err != nil {
				b.Fatal(err)
			}
			w := outbox.New(q, c, outbox.Config{BatchSize: 100})
			start := time.Now()
			delivered := 0
			for delivered < n {
				s, err := w.Step(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if s.Idle() {
					b.Fatalf("stalled at %d of %d", delivered, n)
				}
				delivered += s.Acknowledged
			}
			elapsed += time.Since(start)
			q.Close()
		}
		b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "dossiers/s")
	})
	b.Run(fmt.Sprintf("rawpost/n=%d", n), func(b *testing.B) {
		c, _ := province.NewClient(p.Config())
		hc := c.HTTPClient()
		var auth province.AuthResponse
		postJSON(b, hc, p.URL+"/auth", province.AuthRequest{Username: reftest.User, Password: reftest.Password}, &auth)
		var prof province.Profile
		var elapsed time.Duration
		for range b.N {
			bodies := make([][]byte, n)
			for i := range bodies {
				d := provincetest.Dossier(reftest.Agency, 1+next()%9999)
				h := prof.HoSo(d, nil)
				h.MaGoiTin = "raw-" + strconv.Itoa(seq)
				bodies[i], _ = json.Marshal(province.Envelope{Session: auth.Session, Agency: reftest.Agency,
					Service: province.ServiceSync, IsUpdating: province.True, Data: []province.HoSo{h}})
			}
			start := time.Now()
			for _, body := range bodies {
				resp, err := hc.Post(p.URL+"/api", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var out province.Response
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if out.ErrorCode != province.CodeOK {
					b.Fatalf("raw post: %+v", out)
				}
			}
			elapsed += time.Since(start)
		}
		b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "dossiers/s")
	})
}

func postJSON(b *testing.B, hc *http.Client, url string, in, out any) {
	b.Helper()
	body, _ := json.Marshal(in)
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}
