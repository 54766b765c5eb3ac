package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"motcua/cmd/motcua/internal/cli"
)

// TestManPages: one page per command of the tree, with its flags.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir, "9.9.9"); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		n++
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(cli.Root())
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	if len(pages) != n {
		t.Fatalf("%d pages for %d commands", len(pages), n)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "motcua-intake.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Một Cửa 9.9.9", `\fB--procedure\fP`, `\fB--dob\fP`, "DD/MM/YYYY"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("motcua-intake.1 lacks %q", want)
		}
	}
}
