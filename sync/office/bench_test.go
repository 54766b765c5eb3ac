package office_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"motcua"
	"motcua/sync/office"
)

// BenchmarkReplicationDelay measures, between two stations on loopback,
// the time from a dossier's acceptance at station 1 to its presence in
// station 2's database, and next to it a plain TCP copy of the same bytes
// (the dossier's JSON) over the same loopback. Reported: p50/p99 of both
// and the ratio of the p50s.
func BenchmarkReplicationDelay(b *testing.B) {
	sts := startOffice(b, 2)
	s1, s2 := sts[1], sts[2]
	var lan, plain []time.Duration

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	got := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var n uint32
		for binary.Read(c, binary.BigEndian, &n) == nil {
			if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
				return
			}
			got <- struct{}{}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		sw := motcua.StartStopwatch()
		d := s1.accept(b, fmt.Sprintf("Công dân %d", i))
		for {
			if _, err := s2.store.Get(ctx, d.Code); err == nil {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		lan = append(lan, sw.Elapsed())

		_, raw, err := hashOf(d)
		if err != nil {
			b.Fatal(err)
		}
		sw = motcua.StartStopwatch()
		if err := binary.Write(conn, binary.BigEndian, uint32(len(raw))); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Write(raw); err != nil {
			b.Fatal(err)
		}
		<-got
		plain = append(plain, sw.Elapsed())
	}
	b.StopTimer()
	p := func(v []time.Duration, q float64) time.Duration {
		slices.Sort(v)
		return v[min(len(v)-1, int(q*float64(len(v))))]
	}
	o50, o99, t50, t99 := p(lan, .5), p(lan, .99), p(plain, .5), p(plain, .99)
	b.ReportMetric(float64(o50.Microseconds())/1000, "office-p50-ms")
	b.ReportMetric(float64(o99.Microseconds())/1000, "office-p99-ms")
	b.ReportMetric(float64(t50.Microseconds())/1000, "tcp-p50-ms")
	b.ReportMetric(float64(t99.Microseconds())/1000, "tcp-p99-ms")
	b.ReportMetric(float64(o50)/float64(max(t50, 1)), "p50-ratio")
	b.Logf("replication delay over %d dossiers: p50 %v p99 %v; plain TCP copy of the same bytes: p50 %v p99 %v (p50 ratio %.0f×)",
		len(lan), o50, o99, t50, t99, float64(o50)/float64(max(t50, 1)))
}

var hashOf = office.Hash
