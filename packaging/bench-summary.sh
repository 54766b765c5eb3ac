#!/usr/bin/env bash
# Prints the headline benchmark figures from `go test -bench` output (file
# $1), each next to the peer measured in the same run.
set -euo pipefail
f=${1:-bench.txt}
awk '
/^BenchmarkAccept-/      { for (i=1;i<=NF;i++) { if ($i=="bytes/dossier") bpd=$(i-1); if ($i=="intake/s") acc=$(i-1)
                            if ($i=="bare/s") bare=$(i-1); if ($i=="ratio") ratio=$(i-1) } }
/^BenchmarkSearch-/      { for (i=1;i<=NF;i++) { if ($i=="fts-p50-ms") fp50=$(i-1); if ($i=="fts-p99-ms") fp99=$(i-1);
                            if ($i=="like-p50-ms") lp50=$(i-1); if ($i=="like-p99-ms") lp99=$(i-1); if ($i=="dossiers") n=$(i-1) } }
END {
  print "== Một Cửa benchmark summary =="
  if (acc > 0 && bare > 0)
    printf "intake, synchronous=FULL: %.0f dossiers/s; bare INSERT+commit on the same disk: %.0f/s; ratio %.2f (medians of alternating rounds; target >= 0.5)\n", acc, bare, ratio
  if (bpd != "") printf "bytes per accepted dossier: %s\n", bpd
  if (fp99 != "")
    printf "search over %s dossiers: FTS p50 %.1f ms p99 %.1f ms (target p99 <= 50 ms); LIKE scan p50 %.1f ms p99 %.1f ms; FTS is %.0fx faster at p99\n", n, fp50, fp99, lp50, lp99, lp99/fp99
}' "$f"
