// Command motcua is the one-stop counter: with no arguments (or `gui`) it
// opens the window; the subcommands (package internal/cli) are the stable
// interface for installers, support staff and tests. Exit 0 on success, 1
// on other failures, 2 on invalid input (the message names the field and
// the rule), 3 when a QR code is not valid, 4 when what is asked for does
// not exist.
package main

import (
	"os"

	"motcua/cmd/motcua/internal/cli"
	"motcua/scanning/pdfrender"
)

// Version and Commit are stamped by the linker (see Makefile).
var (
	Version = "0.1.0-dev"
	Commit  = "unknown"
)

func main() {
	pdfrender.ServeWorker() // a render worker child process answers and exits here
	cli.Version, cli.Commit = Version, Commit
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
