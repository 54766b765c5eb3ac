package motcua_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wallClockFiles may read the computer's clock: the program's one clock
// and its test-only shift.
var wallClockFiles = map[string]bool{"clock.go": true, "clock_wall.go": true, "clock_testclock.go": true}

// TestNoDirectWallClock fails when production code reads time.Now
// anywhere but the clock (clock.go): every date comes from the injected
// motcua.Clock, durations from motcua.Stopwatch (or time.Since on one),
// file ages from motcua.FileSystemNow. Test files are not checked.
func TestNoDirectWallClock(t *testing.T) {
	var bad []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != "." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "testout" || n == "dist" || n == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || (filepath.Dir(path) == "." && wallClockFiles[path]) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		timeName := ""
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "time" {
				timeName = "time"
				if im.Name != nil {
					timeName = im.Name.Name
				}
			}
		}
		if timeName == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Now" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == timeName {
				bad = append(bad, fset.Position(sel.Pos()).String())
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: time.Now read directly; take the date from the injected motcua.Clock (a duration: motcua.StartStopwatch)", b)
	}
}
