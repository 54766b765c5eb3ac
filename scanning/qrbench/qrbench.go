// Package qrbench measures our QR decoder against zbarimg (Debian's
// zbar-tools) on the same generated corpus in the same run: decode rate
// per page and per code, and time per page, by corpus class.
//
// Timing method. Ours is the wall time of qrdecode.DecodeFile in this
// process: reading the file, decoding the image, every pass. zbarimg runs
// as one process per page, which charges it the process start and
// ImageMagick's initialisation; that fixed cost is measured in the same run
// as the median time of zbarimg on a 1×1 blank PNG and subtracted from each
// page's time (which favours zbar slightly: the blank page also pays for a
// tiny image read). As a cross-check, one zbarimg invocation over all pages
// gives zbar's mean per page with the start-up paid once. The two decoders
// alternate page by page, so background load hits both alike.
package qrbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"motcua"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/scanning/corpus"
	"motcua/scanning/qrdecode"
)

// ZbarArgs restrict zbarimg to QR codes, as our decoder is, and make it
// print the symbols' bytes as they are. Without -Sbinary zbar guesses the
// character set of byte segments that carry no ECI header and takes
// Vietnamese UTF-8 for Shift-JIS ("Bản" comes out as "B蘯｣n"); in binary
// mode it is judged on reading alone. Binary output has no separator, so a
// page's codes are looked for in the concatenation.
var ZbarArgs = []string{"-q", "--raw", "-Sbinary", "-Sdisable", "-Sqrcode.enable"}

// ErrNoZbar: zbarimg is not installed.
var ErrNoZbar = errors.New("zbarimg not found: install it with `apt-get install zbar-tools`")

// Zbar finds zbarimg on PATH.
func Zbar() (string, error) {
	p, err := exec.LookPath("zbarimg")
	if err != nil {
		return "", ErrNoZbar
	}
	return p, nil
}

// Page is the outcome for one page and one decoder.
type Page struct {
	Found int           // expected codes read with the exact text
	Codes int           // expected codes on the page
	Extra int           // texts read that were not on the page
	Time  time.Duration // startup-corrected for zbar
}

// OK reports whether every code of the page was read.
func (p Page) OK() bool { return p.Found == p.Codes }

// Row is one page of the corpus with both outcomes.
type Row struct {
	Sample corpus.Sample
	Ours   Page
	Zbar   Page
}

// Report is the outcome of a run.
type Report struct {
	Rows         []Row
	ZbarStartup  time.Duration // median zbarimg time on a blank 1×1 PNG
	ZbarBatchAvg time.Duration // one invocation over all pages, start-up subtracted, per page
}

// Config says what to run.
type Config struct {
	Decoder *qrdecode.Decoder
	Zbar    string // path of zbarimg
	Batch   bool   // also time one zbarimg invocation over all pages
}

// Run decodes every page of the corpus in dir (written by corpus.WriteDir)
// with our decoder and with zbarimg.
func Run(ctx context.Context, dir string, samples []corpus.Sample, cfg Config) (*Report, error) {
	dec, zbar := cfg.Decoder, cfg.Zbar
	rep := &Report{}
	blank := filepath.Join(dir, "blank-1x1.png")
	if err := writeBlank(blank); err != nil {
		return nil, err
	}
	var starts []time.Duration
	for range 15 {
		_, d, err := runZbar(ctx, zbar, blank)
		if err != nil {
			return nil, err
		}
		starts = append(starts, d)
	}
	rep.ZbarStartup = median(starts)
	for i, s := range samples {
		path := filepath.Join(dir, s.Name)
		row := Row{Sample: s}
		ours := func() error {
			t0 := motcua.StartStopwatch()
			res, err := dec.DecodeFile(path)
			row.Ours.Time = t0.Elapsed()
			if err != nil {
				return err
			}
			texts := make([]string, len(res))
			for i, r := range res {
				texts[i] = r.Text
			}
			row.Ours.Found, row.Ours.Extra = score(s, texts)
			row.Ours.Codes = len(s.Codes)
			return nil
		}
		theirs := func() error {
			out, d, err := runZbar(ctx, zbar, path)
			if err != nil {
				return err
			}
			row.Zbar.Time = max(0, d-rep.ZbarStartup)
			row.Zbar.Found, row.Zbar.Extra = scoreConcat(s, out)
			row.Zbar.Codes = len(s.Codes)
			return nil
		}
		first, second := ours, theirs
		if i%2 == 1 {
			first, second = theirs, ours
		}
		if err := first(); err != nil {
			return nil, err
		}
		if err := second(); err != nil {
			return nil, err
		}
		rep.Rows = append(rep.Rows, row)
	}
	if cfg.Batch && len(samples) > 0 {
		paths := make([]string, len(samples))
		for i, s := range samples {
			paths[i] = filepath.Join(dir, s.Name)
		}
		_, d, err := runZbar(ctx, zbar, paths...)
		if err != nil {
			return nil, err
		}
		rep.ZbarBatchAvg = max(0, d-rep.ZbarStartup) / time.Duration(len(samples))
	}
	return rep, nil
}

// runZbar runs zbarimg on files and returns what it printed and the wall
// time. Exit status 4 means "no symbol found", not a failure.
func runZbar(ctx context.Context, zbar string, files ...string) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, zbar, append(slices.Clone(ZbarArgs), files...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := motcua.StartStopwatch()
	err := cmd.Run()
	d := t0.Elapsed()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 4 {
		err = nil
	}
	if err != nil {
		return "", d, fmt.Errorf("zbarimg %s: %w: %s", strings.Join(files, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), d, nil
}

// score counts the expected codes found (each text once) and the texts
// that were not expected.
func score(s corpus.Sample, texts []string) (found, extra int) {
	left := slices.Clone(texts)
	for _, c := range s.Codes {
		if i := slices.Index(left, c.Text); i >= 0 {
			found++
			left = slices.Delete(left, i, i+1)
		}
	}
	return found, len(left)
}

// scoreConcat is score for texts printed back to back: each expected text
// found in out is cut out of it; anything left over counts as one wrong
// reading.
func scoreConcat(s corpus.Sample, out string) (found, extra int) {
	for _, c := range s.Codes {
		if i := strings.Index(out, c.Text); i >= 0 {
			found++
			out = out[:i] + out[i+len(c.Text):]
		}
	}
	if strings.TrimSpace(out) != "" {
		extra = 1
	}
	return found, extra
}

func writeBlank(path string) error {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Pix[0] = 255
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Summary is the decode rate and timing of one decoder over some pages.
type Summary struct {
	Pages, PagesOK int
	Codes, CodesOK int
	Extra          int
	Median, Mean   time.Duration
}

// Rate is the fraction of pages fully read.
func (s Summary) Rate() float64 {
	if s.Pages == 0 {
		return 0
	}
	return float64(s.PagesOK) / float64(s.Pages)
}

// CodeRate is the fraction of codes read.
func (s Summary) CodeRate() float64 {
	if s.Codes == 0 {
		return 0
	}
	return float64(s.CodesOK) / float64(s.Codes)
}

// Summarise sums up the rows that keep accepts (nil: all), for ours and
// for zbar.
func (r *Report) Summarise(keep func(corpus.Sample) bool) (ours, zbar Summary) {
	var to, tz []time.Duration
	for _, row := range r.Rows {
		if keep != nil && !keep(row.Sample) {
			continue
		}
		add := func(s *Summary, p Page, ts *[]time.Duration) {
			s.Pages++
			if p.OK() {
				s.PagesOK++
			}
			s.Codes += p.Codes
			s.CodesOK += p.Found
			s.Extra += p.Extra
			*ts = append(*ts, p.Time)
		}
		add(&ours, row.Ours, &to)
		add(&zbar, row.Zbar, &tz)
	}
	ours.Median, zbar.Median = median(to), median(tz)
	ours.Mean, zbar.Mean = mean(to), mean(tz)
	return ours, zbar
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}

// Print writes the per-class table, the totals, the ratios and the method.
func (r *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tpages\tours ok\tzbar ok\tours median\tzbar median\t")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	for _, c := range corpus.Classes {
		o, z := r.Summarise(func(s corpus.Sample) bool { return s.Class == c })
		if o.Pages == 0 {
			continue
		}
		easy := ""
		if c.Easy() {
			easy = " (easy)"
		}
		fmt.Fprintf(tw, "%s%s\t%d\t%d\t%d\t%s\t%s\t\n", c, easy, o.Pages, o.PagesOK, z.PagesOK, ms(o.Median), ms(z.Median))
	}
	tw.Flush()
	o, z := r.Summarise(nil)
	oe, ze := r.Summarise(func(s corpus.Sample) bool { return s.Class.Easy() })
	fmt.Fprintf(w, "\nall pages (%d, %d codes):\n", o.Pages, o.Codes)
	fmt.Fprintf(w, "  decode rate  ours %5.1f %% of pages (%d codes, %d wrong texts)   zbar %5.1f %% (%d codes, %d wrong texts)\n",
		100*o.Rate(), o.CodesOK, o.Extra, 100*z.Rate(), z.CodesOK, z.Extra)
	fmt.Fprintf(w, "  easy classes ours %5.1f %%   zbar %5.1f %%\n", 100*oe.Rate(), 100*ze.Rate())
	batch := "not run"
	if r.ZbarBatchAvg > 0 {
		batch = ms(r.ZbarBatchAvg)
	}
	fmt.Fprintf(w, "  time/page    ours median %s mean %s   zbar median %s mean %s (batch mean %s)\n",
		ms(o.Median), ms(o.Mean), ms(z.Median), ms(z.Mean), batch)
	fmt.Fprintf(w, "  ratios       decode rate ours/zbar %.2f (target ≥ 1)   median time ours/zbar %.2f (target ≤ 1.5)\n",
		ratio(o.Rate(), z.Rate()), ratio(float64(o.Median), float64(z.Median)))
	fmt.Fprintf(w, "\nmethod: ours = wall time of qrdecode.DecodeFile in-process (file read, image decode, all passes), one goroutine;\n"+
		"  zbar = wall time of `zbarimg %s FILE` per page minus its start-up, the median of %d runs on a 1×1 blank PNG\n"+
		"  measured in this run (%s); batch mean = one zbarimg over all pages, start-up subtracted, divided by the page count.\n"+
		"  The decoders alternate page by page. A page counts as read when every code on it is found with its exact text.\n",
		strings.Join(ZbarArgs, " "), 15, ms(r.ZbarStartup))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		if a == 0 {
			return 1
		}
		return 99
	}
	return a / b
}
