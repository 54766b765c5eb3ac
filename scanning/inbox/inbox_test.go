package inbox_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/scanning/inbox"
)

// recorder is a handler that keeps what it was given.
type recorder struct {
	mu    sync.Mutex
	got   map[string][]byte // file name → content at hand-over
	at    map[string]time.Time
	calls int
	fail  error
}

func newRecorder() *recorder {
	return &recorder{got: map[string][]byte{}, at: map[string]time.Time{}}
}

func (r *recorder) handle(_ context.Context, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail != nil {
		return r.fail
	}
	r.got[filepath.Base(path)] = b
	r.at[filepath.Base(path)] = time.Now()
	return nil
}

func (r *recorder) snapshot() (int, map[string][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string][]byte{}
	for k, v := range r.got {
		m[k] = v
	}
	return r.calls, m
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func waitFor(t *testing.T, d time.Duration, cond func() bool) bool {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestSlowWriter: a scanner writes a file in chunks over more than a
// second; it is handed over once, whole, after the last chunk, and moved
// to processed/. Run with change notification and with polling only.
func TestSlowWriter(t *testing.T) {
	for _, poll := range []bool{false, true} {
		name := "notify"
		if poll {
			name = "poll only"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rec := newRecorder()
			w, err := inbox.New(inbox.Options{Dir: dir, StableFor: time.Second, Poll: 50 * time.Millisecond,
				NoNotify: poll, Handle: rec.handle, Log: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			w.Start(context.Background())
			defer w.Stop()
			path := filepath.Join(dir, "scan-0001.pdf")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			for i := range 12 {
				chunk := bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
				want.Write(chunk)
				f.Write(chunk)
				f.Sync()
				time.Sleep(100 * time.Millisecond)
				if calls, _ := rec.snapshot(); calls > 0 {
					t.Fatalf("handed over after chunk %d of 12, while still being written", i+1)
				}
			}
			f.Close()
			finished := time.Now()
			if !waitFor(t, 5*time.Second, func() bool { c, _ := rec.snapshot(); return c > 0 }) {
				t.Fatal("never handed over")
			}
			time.Sleep(300 * time.Millisecond) // room for a wrong second hand-over
			calls, got := rec.snapshot()
			if calls != 1 {
				t.Errorf("handed over %d times, want once", calls)
			}
			if !bytes.Equal(got["scan-0001.pdf"], want.Bytes()) {
				t.Errorf("handed over %d bytes, want all %d", len(got["scan-0001.pdf"]), want.Len())
			}
			if rec.at["scan-0001.pdf"].Before(finished) {
				t.Error("handed over before the writer finished")
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Error("file still in the inbox")
			}
			if b, err := os.ReadFile(filepath.Join(dir, "processed", "scan-0001.pdf")); err != nil || !bytes.Equal(b, want.Bytes()) {
				t.Errorf("processed copy: %v", err)
			}
		})
	}
}

// TestFailureKeepsFile: a file the handler refuses stays, with a note,
// and is not tried again until it changes or the note goes; then it
// succeeds and the note is removed.
func TestFailureKeepsFile(t *testing.T) {
	dir := t.TempDir()
	rec := newRecorder()
	rec.fail = errors.New("ảnh dưới 200 dpi")
	w, err := inbox.New(inbox.Options{Dir: dir, StableFor: time.Millisecond, Handle: rec.handle, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(dir, "to-khai.jpg")
	os.WriteFile(path, []byte("scan"), 0o644)
	scan := func() {
		t.Helper()
		time.Sleep(5 * time.Millisecond)
		if err := w.Scan(ctx); err != nil {
			t.Fatal(err)
		}
	}
	scan() // seen
	scan() // stable: handed over, fails
	note := path + inbox.NoteSuffix
	b, err := os.ReadFile(note)
	if err != nil || !strings.Contains(string(b), "ảnh dưới 200 dpi") || !strings.Contains(string(b), "to-khai.jpg") {
		t.Fatalf("note: %q, %v", b, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("failed file was moved or deleted")
	}
	scan()
	scan()
	if calls, _ := rec.snapshot(); calls != 1 {
		t.Errorf("retried an unchanged file: %d calls", calls)
	}
	// A new watcher (after a restart) respects the note too.
	w2, _ := inbox.New(inbox.Options{Dir: dir, StableFor: time.Millisecond, Handle: rec.handle, Log: quiet()})
	w2.Scan(ctx)
	time.Sleep(5 * time.Millisecond)
	w2.Scan(ctx)
	if calls, _ := rec.snapshot(); calls != 1 {
		t.Errorf("restart retried a failed file: %d calls", calls)
	}
	// The officer deletes the note: tried again, succeeds, filed.
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	os.Remove(note)
	scan()
	scan()
	if calls, got := rec.snapshot(); calls != 2 || string(got["to-khai.jpg"]) != "scan" {
		t.Errorf("after deleting the note: %d calls", calls)
	}
	if _, err := os.Stat(filepath.Join(dir, "processed", "to-khai.jpg")); err != nil {
		t.Error("not moved after success")
	}
}

// TestPanicAndNames: a panicking handler costs a note, not the watcher;
// partial and hidden files are left alone; a name already in processed/
// is not overwritten.
func TestPanicAndNames(t *testing.T) {
	dir := t.TempDir()
	var calls []string
	w, _ := inbox.New(inbox.Options{Dir: dir, StableFor: time.Millisecond, Log: quiet(), Handle: func(_ context.Context, p string) error {
		calls = append(calls, filepath.Base(p))
		if strings.HasPrefix(filepath.Base(p), "boom") {
			panic("nil map")
		}
		return nil
	}})
	for _, n := range []string{"boom.pdf", "a.pdf", "b.pdf.part", ".~lock.b.pdf#", "~$don.docx", "c.tmp"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "processed", "a.pdf"), []byte("earlier"), 0o644)
	ctx := context.Background()
	w.Scan(ctx)
	time.Sleep(5 * time.Millisecond)
	w.Scan(ctx)
	if strings.Join(calls, ",") != "a.pdf,boom.pdf" && strings.Join(calls, ",") != "boom.pdf,a.pdf" {
		t.Errorf("handed over %v, want a.pdf and boom.pdf only", calls)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "boom.pdf"+inbox.NoteSuffix)); !strings.Contains(string(b), "nil map") {
		t.Errorf("no note for the panic: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "processed", "a.pdf")); string(b) != "earlier" {
		t.Error("an earlier processed file was overwritten")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "processed", "a (2).pdf")); string(b) != "a.pdf" {
		t.Error("second a.pdf not filed as «a (2).pdf»")
	}
}

// A held file stays without a note, is not handed over again while
// unchanged, leaves for processed/ on Done, and one deleted by hand is
// reported gone.
func TestHoldDone(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	calls := map[string]int{}
	var gone []string
	w, err := inbox.New(inbox.Options{Dir: dir, StableFor: time.Millisecond, NoNotify: true, Log: quiet(),
		Handle: func(_ context.Context, p string) error {
			mu.Lock()
			calls[filepath.Base(p)]++
			mu.Unlock()
			return inbox.ErrHold
		},
		Gone: func(p string) { mu.Lock(); gone = append(gone, filepath.Base(p)); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.pdf", "b.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("scan "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for range 4 {
		w.Scan(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	if calls["a.pdf"] != 1 || calls["b.jpg"] != 1 {
		t.Errorf("hand-overs %v, want one each", calls)
	}
	mu.Unlock()
	if _, err := os.Stat(filepath.Join(dir, "a.pdf"+inbox.NoteSuffix)); err == nil {
		t.Error("a held file got an error note")
	}
	dst, err := w.Done(filepath.Join(dir, "a.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if dst != filepath.Join(dir, "processed", "a.pdf") {
		t.Errorf("done to %s", dst)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.pdf")); err == nil {
		t.Error("a.pdf still in the inbox after Done")
	}
	if _, err := w.Done(filepath.Join(t.TempDir(), "b.jpg")); err == nil {
		t.Error("Done accepted a file of another folder")
	}
	os.Remove(filepath.Join(dir, "b.jpg"))
	w.Scan(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(gone) != 1 || gone[0] != "b.jpg" {
		t.Errorf("gone = %v, want [b.jpg] (a.pdf left through Done)", gone)
	}
}
