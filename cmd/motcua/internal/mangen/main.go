// Command mangen writes the man pages of motcua (one per command, section
// 1) from the command tree: `make man`, or
// `go run ./cmd/motcua/internal/mangen -out DIR`. The .deb ships them.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/spf13/cobra/doc"

	"motcua/cmd/motcua/internal/cli"
)

func main() {
	out := flag.String("out", "dist/man", "folder for the man pages")
	version := flag.String("version", cli.Version, "the version printed in the pages")
	flag.Parse()
	if err := generate(*out, *version); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(*out)
}

// generate writes one page per command of the tree into dir.
func generate(dir, version string) error {
	cli.Version = version
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cli.Root()
	root.DisableAutoGenTag = true // the same pages from one build to the next
	hdr := &doc.GenManHeader{Title: "MOTCUA", Section: "1", Source: "Một Cửa " + version, Manual: "Một Cửa"}
	return doc.GenManTree(root, hdr, dir)
}
