package office_test

import (
	"errors"
	"path/filepath"
	"testing"

	"motcua"
	"motcua/storage"
	"motcua/sync/office"
)

// TestConfigRefused: a bad configuration is refused with a coded error
// naming the field, before anything listens.
func TestConfigRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	creds := officeCreds(t, 2)
	foreign := officeCreds(t, 2)[2] // another office's CA
	good := office.Config{Station: motcua.Station{K: 1, N: 2}, Listen: "127.0.0.1:0", Dir: filepath.Join(dir, "office"),
		Peers: []office.Peer{{Station: 2, Addr: "127.0.0.1:1"}}, Creds: creds[1], Clock: clock}
	for _, tc := range []struct {
		name, field string
		edit        func(c *office.Config)
	}{
		{"ErrListen", "office.listen", func(c *office.Config) { c.Listen = "192.168.1.10" }},
		{"ErrPeerSelf", "office.peers", func(c *office.Config) { c.Peers[0].Station = 1 }},
		{"ErrPeerOutOfOffice", "office.peers", func(c *office.Config) { c.Peers[0].Station = 3 }},
		{"ErrPeerAddr", "office.peers", func(c *office.Config) { c.Peers[0].Addr = "tram-2" }},
		{"ErrNoCreds", "office.credentials", func(c *office.Config) { c.Creds = office.Credentials{} }},
		{"ErrCertOfAnotherCA", "office.credentials", func(c *office.Config) { c.Creds.Cert, c.Creds.Key = foreign.Cert, foreign.Key }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			c.Peers = append([]office.Peer(nil), good.Peers...)
			tc.edit(&c)
			off, err := office.Start(ctx, c, st)
			if err == nil {
				off.Close()
				t.Fatal("started")
			}
			var e *motcua.Error
			if !errors.As(err, &e) || e.Kind != motcua.KindInvalid || e.Field != tc.field {
				t.Fatalf("error %v; want invalid %s", err, tc.field)
			}
		})
	}
}
