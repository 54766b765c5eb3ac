package outbox_test

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// slowLink is a TCP proxy that behaves like a narrow, distant link: the
// bytes of every connection share one bottleneck of rate bits/s in each
// direction and arrive delay later. It has no packet loss (that needs
// netem); it is for runs without root.
type slowLink struct {
	l      net.Listener
	target string
	rate   int
	delay  time.Duration
	up     linkDir
	down   linkDir
}

type linkDir struct {
	mu   sync.Mutex
	free time.Time // when the bottleneck is free again
}

// depart books n bytes on the bottleneck and returns when they arrive.
func (d *linkDir) depart(n, rate int, delay time.Duration) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if d.free.Before(now) {
		d.free = now
	}
	d.free = d.free.Add(time.Duration(n) * 8 * time.Second / time.Duration(rate))
	return d.free.Add(delay)
}

func startSlowLink(tb testing.TB, target string, rate int, delay time.Duration) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &slowLink{l: l, target: target, rate: rate, delay: delay}
	go s.serve()
	tb.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

func (s *slowLink) serve() {
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", s.target)
		if err != nil {
			c.Close()
			continue
		}
		go s.pump(c, u, &s.up)
		go s.pump(u, c, &s.down)
	}
}

type packet struct {
	b  []byte
	at time.Time
}

func (s *slowLink) pump(from, to net.Conn, d *linkDir) {
	q := make(chan packet, 4096)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 1400)
			n, err := from.Read(buf)
			if n > 0 {
				q <- packet{buf[:n], d.depart(n, s.rate, s.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for p := range q {
		time.Sleep(time.Until(p.at))
		if _, err := to.Write(p.b); err != nil {
			break
		}
	}
	if tc, ok := to.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		to.Close()
	}
	io.Copy(io.Discard, from)
	from.Close()
}
