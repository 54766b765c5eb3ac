package outbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/sync/outbox"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver/reftest"
)

// randomFiles gives each dossier one incompressible scan of a fixed size.
type randomFiles struct{ size int }

func (f randomFiles) Attachments(_ context.Context, code string) ([]outbox.Attachment, error) {
	seq, _ := strconv.Atoi(code[len(code)-4:])
	data := make([]byte, f.size)
	r := rand.New(rand.NewPCG(uint64(seq), 99))
	for i := range data {
		data[i] = byte(r.UintN(256))
	}
	sum := sha256.Sum256(data)
	return []outbox.Attachment{{ID: hex.EncodeToString(sum[:]), Name: "scan.pdf", Component: "TP1", Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]),
		Open:   func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}, nil
}

func envInt(k string, d int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return d
}

// TestRuralLink drains a backlog over an emulated rural link and reports
// the link utilisation (attachment bytes ÷ (bandwidth × time); the JSON
// is not counted, so the figure is conservative). It runs only from
// sync/netem/rural-bench.sh, which builds the link (root needed).
func TestRuralLink(t *testing.T) {
	url := os.Getenv("MOTCUA_RURAL_URL")
	if url == "" {
		t.Skip("set by sync/netem/rural-bench.sh")
	}
	ruralDrain(t, url, envInt("MOTCUA_RURAL_RATE_BPS", 1_000_000))
}

// TestSlowLinkProxy is the same measurement through an in-process proxy
// with a rate limit and a delay (no loss), for machines without netem or
// root: MOTCUA_SLOWLINK=1 go test -run SlowLinkProxy -v ./sync/outbox/
func TestSlowLinkProxy(t *testing.T) {
	if os.Getenv("MOTCUA_SLOWLINK") == "" {
		t.Skip("set MOTCUA_SLOWLINK=1 (takes about half a minute)")
	}
	rate := envInt("MOTCUA_RURAL_RATE_BPS", 1_000_000)
	delay := time.Duration(envInt("MOTCUA_SLOWLINK_DELAY_MS", 150)) * time.Millisecond
	p := reftest.Start(t, false, nil)
	addr := startSlowLink(t, strings.TrimPrefix(p.URL, "http://"), rate, delay)
	ruralDrain(t, "http://"+addr, rate)
}

func ruralDrain(t *testing.T, url string, rate int) {
	n := envInt("MOTCUA_RURAL_N", 24)
	size := envInt("MOTCUA_RURAL_FILE", 96<<10)
	q, err := outboxtest.OpenSQLite(filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range n {
		q.Enqueue(ctx, provincetest.Dossier(reftest.Agency, i+1))
	}
	c, err := province.NewClient(province.Config{BaseURL: url, Username: reftest.User, Password: reftest.Password,
		Agency: reftest.Agency, Timeout: 60 * time.Second, UploadTimeout: 300 * time.Second, UploadChunk: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	w := outbox.New(q, c, outbox.Config{BatchSize: 12, Uploads: 6, Files: randomFiles{size}, MinBackoff: 200 * time.Millisecond})
	start := time.Now()
	delivered := 0
	for delivered < n {
		s, err := w.Step(ctx)
		if err != nil {
			t.Logf("step failed (retrying): %v", err)
			time.Sleep(time.Until(s.NextTry))
			continue
		}
		delivered += s.Acknowledged
	}
	elapsed := time.Since(start)
	payload := float64(n * size)
	util := payload * 8 / (float64(rate) * elapsed.Seconds())
	t.Logf("link: %d dossiers with %d KiB scans in %v: %.0f kbit/s of attachment payload on a %d kbit/s link = %.0f%% utilisation",
		n, size>>10, elapsed.Round(time.Millisecond), payload*8/elapsed.Seconds()/1000, rate/1000, util*100)
	if util < 0.8 {
		t.Errorf("utilisation %.0f%% < 80%%", util*100)
	}
}
