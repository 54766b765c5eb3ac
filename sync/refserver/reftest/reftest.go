// Package reftest starts the reference provincial server on 127.0.0.1 for
// tests, with its own SQLite file in the test's temporary directory.
package reftest

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"motcua/sync/province"
	"motcua/sync/refserver"
)

// Agency is the commune the test server serves by default.
const Agency = "000.00.06.H56"

// User and Password are the test account.
const (
	User     = "xa-quangphu"
	Password = "mat-khau-thu"
)

// Peer is a running reference server.
type Peer struct {
	*refserver.Server
	HTTP *httptest.Server
	URL  string
	Dir  string
}

// Start runs a server; change may adjust the config (faults, TTL, TLS is
// chosen with tls).
func Start(tb testing.TB, tls bool, change func(*refserver.Config)) *Peer {
	tb.Helper()
	dir := tb.TempDir()
	cfg := refserver.Config{DBPath: filepath.Join(dir, "province.db"), Agencies: []string{Agency}, Seed: 1,
		AdminToken: "admin-token"}
	if change != nil {
		change(&cfg)
	}
	srv, err := refserver.Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.AddUser(context.Background(), User, Password); err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests make fail on purpose
	if tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	tb.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		srv.Close()
	})
	return &Peer{Server: srv, HTTP: hs, URL: hs.URL, Dir: dir}
}

// Config is a client configuration for this peer.
func (p *Peer) Config() province.Config {
	return province.Config{BaseURL: p.URL, Username: User, Password: Password, Agency: Agency,
		Timeout: 5 * time.Second, UploadTimeout: 10 * time.Second}
}

// Act plays the province on the peer, as provincetest.Harness wants.
func (p *Peer) Act(ctx context.Context, code, kind, reason string, due time.Time) error {
	_, err := p.Server.Act(ctx, code, refserver.Action{Kind: kind, Reason: reason, Due: province.FormatDate(due)})
	return err
}
