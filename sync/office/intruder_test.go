package office_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// TestIntruder: a PC on the LAN without the office's credentials gets not a
// byte from a station's port and can neither connect, read nor publish —
// with no certificate, with the office CA (public) but no station
// certificate, or with a station certificate of another office's CA.
func TestIntruder(t *testing.T) {
	sts := startOffice(t, 2)
	sts[1].accept(t, "Phạm Văn Đức")
	addr := sts[1].off.Addr()
	before, err := sts[1].off.LastSeq(ctx, 1)
	if err != nil || before == 0 {
		eventually(t, 5*time.Second, "published", func() bool {
			before, err = sts[1].off.LastSeq(ctx, 1)
			return err == nil && before > 0
		})
	}

	t.Run("RawTCPReadsNothing", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(7 * time.Second))
		b, err := io.ReadAll(c)
		if len(b) != 0 {
			t.Fatalf("a stranger read %d bytes: %q", len(b), b)
		}
		_ = err // closed by the server after its TLS time-out, or our deadline
	})

	ca := x509.NewCertPool()
	ca.AppendCertsFromPEM(officeCredsCA(t, sts[1]))
	other := officeCreds(t, 1)[1] // station 1 of another office
	otherPair, err := tls.X509KeyPair(other.Cert, other.Key)
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string][]nats.Option{
		"Plain":              nil,
		"TLSWithoutCert":     {nats.Secure(&tls.Config{RootCAs: ca, ServerName: "station-1.motcua.office"}), nats.TLSHandshakeFirst()},
		"OtherOfficeCert":    {nats.Secure(&tls.Config{RootCAs: ca, ServerName: "station-1.motcua.office", Certificates: []tls.Certificate{otherPair}}), nats.TLSHandshakeFirst()},
		"OtherOfficeNoCheck": {nats.Secure(&tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{otherPair}}), nats.TLSHandshakeFirst()},
	} {
		t.Run(name, func(t *testing.T) {
			opts = append(opts, nats.Timeout(3*time.Second), nats.NoReconnect())
			nc, err := nats.Connect("nats://"+addr, opts...)
			if err == nil {
				// Should it get this far, show what it could do.
				defer nc.Close()
				_ = nc.Publish("office.1", []byte("forged"))
				sub, _ := nc.SubscribeSync(">")
				t.Fatalf("an intruder connected (%v)", sub)
			}
		})
	}
	after, err := sts[1].off.LastSeq(ctx, 1)
	if err != nil || after != before {
		t.Fatalf("station 1's stream: %d messages before, %d after (%v)", before, after, err)
	}
	// A provisioned station still joins (the test above is not a closed port).
	if !sts[2].off.Status().Peers[0].Connected {
		t.Fatal("station 2 is not connected to station 1")
	}
}

func officeCredsCA(t *testing.T, s *station) []byte {
	t.Helper()
	return s.cfg.Creds.CA
}
