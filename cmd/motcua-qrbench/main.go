// Command motcua-qrbench generates the QR corpus (scanning/corpus) and reads
// it with our decoder (scanning/qrdecode) and with zbarimg in the same run,
// then prints the decode rate and the median time per page of both, by
// class, and their ratios.
//
//	motcua-qrbench [-n 110] [-seed 1] [-dir DIR] [-v]
//
// Without -dir the corpus goes to a temporary directory that is removed
// afterwards. Exit status 1 when the targets are missed (decode rate below
// zbar's, or median time above 1.5× zbar's), 2 on bad usage or a missing
// zbarimg.
package main

import (
	"context"
	"flag"
	"fmt"
	"motcua"
	"os"
	"os/signal"
	"time"

	"motcua/scanning/corpus"
	"motcua/scanning/qrbench"
	"motcua/scanning/qrdecode"
)

func main() {
	n := flag.Int("n", 110, "corpus size in pages (the classes cycle, so a multiple of 11 balances them)")
	seed := flag.Uint64("seed", 1, "corpus seed")
	dir := flag.String("dir", "", "write the corpus here and keep it (default: a temporary directory)")
	verbose := flag.Bool("v", false, "print every page")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "motcua-qrbench: -n must be at least 1")
		os.Exit(2)
	}
	zbar, err := qrbench.Zbar()
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua-qrbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, *n, *seed, *dir, zbar, *verbose))
}

func run(ctx context.Context, n int, seed uint64, dir, zbar string, verbose bool) int {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "motcua-qrbench-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "motcua-qrbench:", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "motcua-qrbench:", err)
		return 1
	}
	t0 := motcua.StartStopwatch()
	samples, err := corpus.New(seed).WriteDir(dir, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua-qrbench:", err)
		return 1
	}
	fmt.Printf("corpus: %d pages, seed %d, in %s (generated in %s)\n\n", n, seed, dir, t0.Elapsed().Round(time.Millisecond))
	rep, err := qrbench.Run(ctx, dir, samples, qrbench.Config{
		Decoder: qrdecode.New(qrdecode.Options{}), Zbar: zbar, Batch: true,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua-qrbench:", err)
		return 1
	}
	if verbose {
		for _, r := range rep.Rows {
			fmt.Printf("%-22s ours %d/%d %6.1f ms   zbar %d/%d %6.1f ms\n", r.Sample.Name,
				r.Ours.Found, r.Ours.Codes, float64(r.Ours.Time)/1e6, r.Zbar.Found, r.Zbar.Codes, float64(r.Zbar.Time)/1e6)
		}
		fmt.Println()
	}
	rep.Print(os.Stdout)
	o, z := rep.Summarise(nil)
	if o.Rate() < z.Rate() || float64(o.Median) > 1.5*float64(z.Median) {
		fmt.Println("\nTARGET MISSED")
		return 1
	}
	fmt.Println("\ntargets met")
	return 0
}
