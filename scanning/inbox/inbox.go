// Package inbox watches the "scan inbox": the folder an office scanner's
// scan-to-folder function writes into. A file is handed over only once it
// is complete — its size and modification time have not changed for a
// while and it can be opened — then moved to the processed/ subfolder. A
// file whose handling fails stays where it is, with an error note beside
// it, and is tried again only when it changes or the note is deleted:
// nothing is ever deleted or lost.
//
// Change notification (fsnotify) makes pick-up prompt; a periodic scan of
// the folder does the real work and is all there is where notification is
// unavailable (network shares, some scanners' SMB servers).
package inbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"motcua"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Handler takes over a complete file. It must have copied what it needs
// (into the blob store, say) before returning nil: the file is moved away
// afterwards. It should be idempotent — after a crash between its success
// and the move, the file is handed over again.
type Handler func(ctx context.Context, path string) error

// ErrHold, returned by a Handler, keeps the file where it is without an
// error note: someone (the officer) decides later what it belongs to and
// calls Watcher.Done. It is handed over again only when it changes, or
// after a restart.
var ErrHold = errors.New("inbox: held for a decision")

// NoteSuffix ends the name of the error note written beside a file whose
// handling failed ("lỗi" = error).
const NoteSuffix = ".loi.txt"

// Options configure a Watcher.
type Options struct {
	Dir       string        // the inbox folder
	Processed string        // where handled files go; default Dir/processed
	StableFor time.Duration // unchanged this long counts as complete; default 2 s
	Poll      time.Duration // folder scan interval; default 1 s
	NoNotify  bool          // poll only, do not use change notification
	Handle    Handler
	// Gone, when set, is told of a file handed over (held or failed) that
	// left the folder by other means: deleted or moved by hand.
	Gone func(path string)
	Log  *slog.Logger // default slog.Default()
	// Clock dates the error notes; default the system clock.
	Clock motcua.Clock
}

// Watcher watches one inbox. Start runs it in the background; tests may
// instead call Scan directly.
type Watcher struct {
	opt  Options
	mu   sync.Mutex // serialises Scan
	seen map[string]state

	cancel context.CancelFunc
	done   chan struct{}
}

// state is what was last seen of a file.
type state struct {
	size   int64
	mtime  time.Time
	since  motcua.Stopwatch // started when size and mtime took these values
	failed bool             // handled with an error at this size and mtime
	held   bool             // the handler returned ErrHold at this size and mtime
}

// New checks the options and creates the processed folder.
func New(opt Options) (*Watcher, error) {
	if opt.Dir == "" || opt.Handle == nil {
		return nil, errors.New("inbox: Dir and Handle are required")
	}
	if opt.Processed == "" {
		opt.Processed = filepath.Join(opt.Dir, "processed")
	}
	if opt.StableFor <= 0 {
		opt.StableFor = 2 * time.Second
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	opt.Clock = motcua.OrSystem(opt.Clock)
	if err := os.MkdirAll(opt.Processed, 0o755); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	return &Watcher{opt: opt, seen: map[string]state{}}, nil
}

// Start watches in the background until ctx ends or Stop is called.
func (w *Watcher) Start(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go w.run(ctx)
}

// Stop ends the watching and waits for a hand-over in progress to finish.
func (w *Watcher) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
}

func (w *Watcher) run(ctx context.Context) {
	defer close(w.done)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if !w.opt.NoNotify {
		if fw, err := fsnotify.NewWatcher(); err != nil {
			w.opt.Log.Warn("inbox: no change notification, polling only", "dir", w.opt.Dir, "err", err)
		} else if err := fw.Add(w.opt.Dir); err != nil {
			fw.Close()
			w.opt.Log.Warn("inbox: no change notification, polling only", "dir", w.opt.Dir, "err", err)
		} else {
			defer fw.Close()
			events, errs = fw.Events, fw.Errors
		}
	}
	tick := time.NewTicker(w.opt.Poll)
	defer tick.Stop()
	w.scan(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-events:
			// A change: look now, so its time is recorded promptly.
			w.scan(ctx)
		case err := <-errs:
			w.opt.Log.Warn("inbox: change notification", "err", err)
		case <-tick.C:
			w.scan(ctx)
		}
	}
}

func (w *Watcher) scan(ctx context.Context) {
	if err := w.Scan(ctx); err != nil && ctx.Err() == nil {
		w.opt.Log.Error("inbox: scan", "dir", w.opt.Dir, "err", err)
	}
}

// Scan looks at the folder once: it records new and changed files and
// hands over, oldest first, those that have been stable for StableFor.
func (w *Watcher) Scan(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	entries, err := os.ReadDir(w.opt.Dir)
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	present := map[string]bool{}
	type ready struct {
		name  string
		mtime time.Time
	}
	var due []ready
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || Ignored(name) {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue // gone meanwhile, or a link or device
		}
		present[name] = true
		st, ok := w.seen[name]
		if !ok || st.size != fi.Size() || !st.mtime.Equal(fi.ModTime()) {
			st = state{size: fi.Size(), mtime: fi.ModTime(), since: motcua.StartStopwatch()}
			if !ok && w.noteCurrent(name, fi.ModTime()) {
				st.failed = true // failed before a restart; unchanged since
			}
			w.seen[name] = st
			continue
		}
		if st.held {
			continue
		}
		if st.failed {
			if w.noteCurrent(name, st.mtime) {
				continue
			}
			st.failed = false // the officer deleted the note: try again
			w.seen[name] = st
		}
		if fi.Size() > 0 && st.since.Elapsed() >= w.opt.StableFor {
			due = append(due, ready{name, fi.ModTime()})
		}
	}
	for name, st := range w.seen {
		if !present[name] {
			delete(w.seen, name)
			if (st.held || st.failed) && w.opt.Gone != nil {
				w.opt.Gone(filepath.Join(w.opt.Dir, name))
			}
		}
	}
	slices.SortFunc(due, func(a, b ready) int {
		if c := a.mtime.Compare(b.mtime); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	for _, r := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.handOver(ctx, r.name)
	}
	return nil
}

// handOver gives one stable file to the handler and files it.
func (w *Watcher) handOver(ctx context.Context, name string) {
	path := filepath.Join(w.opt.Dir, name)
	// The scanner may still hold the file open for writing (Windows
	// refuses to share it then): opening it is the last test.
	f, err := os.Open(path)
	if err != nil {
		return
	}
	f.Close()
	err = w.call(ctx, path)
	st := w.seen[name]
	if errors.Is(err, ErrHold) {
		st.held = true
		w.seen[name] = st
		return
	}
	if err != nil {
		if ctx.Err() != nil {
			return // stopped mid-way: try again next time
		}
		w.opt.Log.Warn("inbox: handling failed; file kept", "file", path, "err", err)
		st.failed = true
		w.seen[name] = st
		w.writeNote(name, err)
		return
	}
	dst, err := w.move(name)
	if err != nil {
		w.opt.Log.Error("inbox: handled but not moved", "file", path, "err", err)
		st.failed = true
		w.seen[name] = st
		w.writeNote(name, fmt.Errorf("đã xử lý nhưng không chuyển được sang %s (handled, but not moved): %w", w.opt.Processed, err))
		return
	}
	delete(w.seen, name)
	os.Remove(filepath.Join(w.opt.Dir, name+NoteSuffix))
	w.opt.Log.Info("inbox: handled", "file", path, "moved_to", dst)
}

func (w *Watcher) call(ctx context.Context, path string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("inbox: handler panic: %v", p)
		}
	}()
	return w.opt.Handle(ctx, path)
}

// Done files a held file away into the processed folder, once what it
// holds has been taken (attached to a dossier), and returns where it went.
func (w *Watcher) Done(path string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name := filepath.Base(path)
	if filepath.Clean(filepath.Dir(path)) != filepath.Clean(w.opt.Dir) {
		return "", fmt.Errorf("inbox: %s is not in %s", path, w.opt.Dir)
	}
	dst, err := w.move(name)
	if err != nil {
		return "", fmt.Errorf("inbox: file %s away: %w", name, err)
	}
	delete(w.seen, name)
	os.Remove(filepath.Join(w.opt.Dir, name+NoteSuffix))
	w.opt.Log.Info("inbox: done", "file", path, "moved_to", dst)
	return dst, nil
}

// Dir is the folder watched.
func (w *Watcher) Dir() string { return w.opt.Dir }

// move renames the file into the processed folder under a free name.
func (w *Watcher) move(name string) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 10000; i++ {
		cand := name
		if i > 1 {
			cand = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		dst := filepath.Join(w.opt.Processed, cand)
		if _, err := os.Lstat(dst); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return dst, os.Rename(filepath.Join(w.opt.Dir, name), dst)
	}
	return "", errors.New("no free name in the processed folder")
}

// writeNote leaves the reason beside the file, in the officer's language
// first.
func (w *Watcher) writeNote(name string, cause error) {
	msg := fmt.Sprintf("Không xử lý được tệp «%s» lúc %s.\nLý do: %v\n\n"+
		"Tệp vẫn ở đây. Sửa tệp (hoặc quét lại) để thử lại, hoặc xóa ghi chú này để thử lại ngay.\n"+
		"(The file was not processed and is kept. Change it, or delete this note, to try again.)\n",
		name, w.opt.Clock.Now().In(motcua.Location).Format("15:04 02/01/2006"), cause)
	if err := os.WriteFile(filepath.Join(w.opt.Dir, name+NoteSuffix), []byte(msg), 0o644); err != nil {
		w.opt.Log.Error("inbox: write error note", "file", name, "err", err)
	}
}

// noteCurrent reports whether the file has an error note written after
// its last change.
func (w *Watcher) noteCurrent(name string, mtime time.Time) bool {
	fi, err := os.Stat(filepath.Join(w.opt.Dir, name+NoteSuffix))
	return err == nil && !fi.ModTime().Before(mtime)
}

// Ignored reports whether a name is never a scan: hidden files, error
// notes, and the partial files of scanners, browsers and office programs.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || strings.HasSuffix(lower, NoteSuffix) ||
		lower == "thumbs.db" || lower == "desktop.ini" {
		return true
	}
	for _, ext := range []string{".tmp", ".part", ".partial", ".crdownload", ".download", ".lock"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}
