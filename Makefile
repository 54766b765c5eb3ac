# Một Cửa — build, run and test. `make run` and `make test` work on a fresh
# Debian/Ubuntu machine with Go: missing system packages are installed
# (apt-get, as root, only when missing).
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.Version=$(VERSION) -X main.Commit=$(COMMIT)

# System packages: the C compiler and pkg-config cgo needs (a fresh Ubuntu
# with only Go has neither) and the X11/GL headers for Fyne; Xvfb +
# imagemagick for the window screenshot test; poppler/zbar for the
# document tests.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev
TEST_PKGS := xvfb imagemagick poppler-utils zbar-tools

.PHONY: all build tour man run test test-dates vet bench deps-build deps-test clean screenshot screenshots

all: build

deps-build:
	@./packaging/ensure-packages.sh $(BUILD_PKGS)

deps-test: deps-build
	@./packaging/ensure-packages.sh $(TEST_PKGS)

build: deps-build
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/motcua ./cmd/motcua

# The screenshot tour and its sample data live only in this build (-tags
# tour); the shipped motcua has no `screenshots` command.
tour: deps-build
	$(GO) build -tags tour -ldflags "$(LDFLAGS)" -o bin/motcua-tour ./cmd/motcua

# Man pages (section 1, one per command) generated from the command tree.
man:
	rm -rf dist/man
	$(GO) run ./cmd/motcua/internal/mangen -out dist/man

run: build
	./bin/motcua

vet: deps-build
	$(GO) vet ./...

test: deps-test vet
	$(GO) test -count=1 -timeout 15m ./...
	$(GO) test -count=1 -tags tour -run TestScreenshotTour ./cmd/motcua/internal/cli/
	@$(MAKE) --no-print-directory test-dates

# The suite on other days. A build with the `testclock` tag (tests only; no
# release is built with it) starts the system clock of every process of the
# run — test binaries, the CLI children, the reference server — at
# MOTCUA_TEST_CLOCK: the last working day before Tết 2027, New Year's Eve
# 2027 and the leap day 2028. Packages with no date in them (QR decoding,
# PDF rendering, icons, the blob store) are left out, and -short trims the
# volume and crash tests (2,000-dossier chaos, SIGKILL loops, the screen
# tour), which measure no date, to keep CI short.
TEST_DATES ?= 2027-02-03T16:45:00+07:00 2027-12-31T10:30:00+07:00 2028-02-29T09:00:00+07:00
DATE_PKGS = $(shell $(GO) list ./... | grep -v -e /scanning/qrbench -e /scanning/qrdecode -e /scanning/corpus -e /scanning/pdfdoc -e /scanning/pdfrender -e /packaging/icon -e /storage/blob -e /cmd/motcua-qrbench)
test-dates: deps-test
	@set -e; for d in $(TEST_DATES); do \
		echo "== the suite on $$d (-tags testclock) =="; \
		MOTCUA_TEST_CLOCK=$$d $(GO) test -tags testclock -short -count=1 -timeout 15m $(DATE_PKGS); \
	done

# Benchmarks print each figure next to its peer measured in the same run.
BENCH_N ?= 1000000
REPORT_BENCH_N ?= 1000000
QR_N ?= 110
bench: deps-test build tour
	$(GO) test -run '^$$' -timeout 30m -bench . -skip ReportYear -benchtime 2000x ./storage/ -args -bench-n=$(BENCH_N) 2>&1 | tee bench.txt
	# The yearly report over a year of REPORT_BENCH_N dossiers (generated in SQL) next to a bare COUNT(*), with the ratio.
	MOTCUA_REPORT_BENCH_N=$(REPORT_BENCH_N) $(GO) test -run '^$$' -timeout 30m -bench ReportYear -benchtime 5x ./storage/ 2>&1 | tee -a bench.txt
	$(GO) test -run '^$$' -bench . ./ 2>&1 | tee -a bench.txt
	MOTCUA_BENCH_N=10000 $(GO) test -run '^$$' -bench Drain -benchtime 1x ./sync/outbox/ 2>&1 | tee -a bench.txt
	# The office LAN: replication delay between two stations on loopback next to a plain TCP copy.
	$(GO) test -run '^$$' -bench ReplicationDelay -benchtime 200x ./sync/office/ 2>&1 | grep -v 'office.go:' | tee -a bench.txt
	$(GO) run ./cmd/motcua-qrbench -n $(QR_N) 2>&1 | tee -a bench.txt
	# The counter window: the dossier list with 100,000 dossiers (the file is
	# built once in testout/bench, about 80 s, and reused), and the cold start
	# of the real window to its first frame, three times.
	$(GO) test -run '^$$' -bench DossierList -benchtime 20x -timeout 30m ./app/ui/ 2>&1 | grep -v 'Fyne error\|Cause:\|  At:' | tee -a bench.txt
	for i in 1 2 3; do xvfb-run -a -s "-screen 0 1366x768x24" ./bin/motcua-tour screenshots --startup-only; done 2>&1 | tee -a bench.txt
	@./packaging/bench-summary.sh bench.txt
	@echo "== rural link (needs root, ip netns and the kernel's netem; falls back to rate shaping) =="
	-@./sync/netem/rural-bench.sh
	-@MOTCUA_SLOWLINK=1 $(GO) test -count=1 -run TestSlowLinkProxy -v ./sync/outbox/ 2>&1 | grep -E 'utili|PASS|FAIL' || true

# The screen tour: the real window under Xvfb (1366×768 screen, 1366×697
# window: a maximised window on a Windows laptop) on sample data, one PNG per
# screen in testout/screenshots; then the same at 1920×1080 (an office
# monitor) in testout/screenshots-1920. Look at every picture.
screenshots: deps-test tour
	rm -rf testout/screenshots testout/screenshots-1920
	LANG=vi_VN.UTF-8 xvfb-run -a -s "-screen 0 1366x768x24" ./bin/motcua-tour screenshots --out testout/screenshots
	LANG=vi_VN.UTF-8 xvfb-run -a -s "-screen 0 1920x1080x24" ./bin/motcua-tour screenshots --size 1920x1080 --out testout/screenshots-1920

clean:
	rm -rf bin dist testout

# ---- Release packages and the Windows smoke test (never part of `make test`) ----
# `make dist`: dist/ gets the Windows installer and portable zip (cross-compiled
# with mingw-w64 and cgo), the .deb, the Linux tarball and SHA256SUMS; sizes are
# printed. Set MOTCUA_SIGN_PKCS12 (+ MOTCUA_SIGN_PASSFILE) to Authenticode-sign
# the Windows files. See packaging/README.md and docs/INSTALL.vi.md.
DIST_WINDOWS_PKGS := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis osslsigncode zip
DIST_LINUX_PKGS := dpkg-dev desktop-file-utils appstream
SMOKE_PKGS := wine64 xvfb imagemagick x11-utils

.PHONY: dist dist-windows dist-linux smoke-windows sign-check upgrade-check

dist: deps-build
	@./packaging/ensure-packages.sh $(DIST_WINDOWS_PKGS) $(DIST_LINUX_PKGS)
	./packaging/dist.sh windows linux

dist-windows:
	@./packaging/ensure-packages.sh $(DIST_WINDOWS_PKGS)
	./packaging/dist.sh windows

dist-linux: deps-build
	@./packaging/ensure-packages.sh $(DIST_LINUX_PKGS)
	./packaging/dist.sh linux

# Installs the built installer silently under Wine + Xvfb, runs the CLI, opens
# the window (screenshot in out/smoke/), upgrades, uninstalls. A few minutes.
smoke-windows: dist-windows
	@./packaging/ensure-packages.sh $(SMOKE_PKGS)
	./packaging/smoke/windows.sh
	# The key files sealed with DPAPI, for real, under the same Wine.
	go test -count=1 -run TestDPAPIUnderWine -v ./storage/keyfile/

# Signs with a throwaway self-signed certificate, verifies, detects tampering.
sign-check: dist-windows
	./packaging/windows/sign-check.sh

# A database written by an earlier build (PREV: tag or commit; default the
# latest v* tag) opens in this one with every dossier, and a newer schema is
# refused unchanged.
PREV ?=
upgrade-check: deps-build
	./packaging/smoke/upgrade.sh $(PREV)
