package packaging

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// versions runs version.sh with DIST_VERSION=v and returns its assignments.
func versions(t *testing.T, v string) (map[string]string, error) {
	t.Helper()
	cmd := exec.Command("bash", "version.sh")
	cmd.Env = append(os.Environ(), "DIST_VERSION="+v)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, val, _ := strings.Cut(line, "=")
		m[k] = val
	}
	return m, nil
}

// nsisCompare is NSIS WordFunc's VersionCompare on the dotted numbers the
// installer reads from the registry: -1, 0 or 1.
func nsisCompare(t *testing.T, a, b string) int {
	t.Helper()
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		var err error
		if i < len(pa) {
			if x, err = strconv.Atoi(pa[i]); err != nil || x < 0 || x > 65535 {
				t.Fatalf("Windows version %s: field %q is not 0–65535", a, pa[i])
			}
		}
		if i < len(pb) {
			if y, err = strconv.Atoi(pb[i]); err != nil || y < 0 || y > 65535 {
				t.Fatalf("Windows version %s: field %q is not 0–65535", b, pb[i])
			}
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// dpkgLess asks the real dpkg whether Debian orders a before b.
func dpkgLess(t *testing.T, a, b string) bool {
	t.Helper()
	err := exec.Command("dpkg", "--compare-versions", a, "lt", b).Run()
	if err == nil {
		return true
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		return false
	}
	t.Fatalf("dpkg --compare-versions %s lt %s: %v (dpkg is part of every Debian/Ubuntu system)", a, b, err)
	return false
}

// TestVersionOrder: the builds below are in semantic-version order; the
// Windows numbers (the installer's downgrade check) and the Debian versions
// must order them the same way, so a release installs over its pilot builds
// and every real downgrade is refused.
func TestVersionOrder(t *testing.T) {
	ordered := []string{
		"0.0.9",
		"0.1.0-dev.0",
		"0.1.0-dev.1+g0123456789",
		"0.1.0-dev.9+gabcdef0123",
		"0.1.0-dev.10+g0000000000",
		"0.1.0-dev.265+gffffffffff",
		"0.1.0-dev.59999",
		"0.1.0-rc.0",
		"0.1.0-rc.1",
		"0.1.0-rc.12",
		"0.1.0",
		"0.1.1-dev.266+g1111111111",
		"0.1.1",
		"0.2.0-dev.3",
		"0.10.0",
		"1.0.0-rc.1",
		"1.0.0",
	}
	type built struct{ v, win, deb string }
	var bs []built
	for _, v := range ordered {
		m, err := versions(t, v)
		if err != nil {
			t.Fatalf("version.sh with DIST_VERSION=%s: %v", v, err)
		}
		if m["VERSION"] != v {
			t.Fatalf("DIST_VERSION=%s gave VERSION=%s", v, m["VERSION"])
		}
		bs = append(bs, built{v, m["WINVER"], m["DEBVER"]})
	}
	for i := range bs {
		for j := range bs {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := nsisCompare(t, bs[i].win, bs[j].win); got != want {
				t.Errorf("Windows: %s (%s) vs %s (%s) compares %d, want %d", bs[i].v, bs[i].win, bs[j].v, bs[j].win, got, want)
			}
			if got := dpkgLess(t, bs[i].deb, bs[j].deb); got != (i < j) {
				t.Errorf("Debian: %s lt %s is %t, want %t", bs[i].deb, bs[j].deb, got, i < j)
			}
		}
	}

	// Installed builds numbered before this scheme (release X.Y.Z.0, pilot
	// X.Y.Z.N) are below every build of this scheme with the same X.Y.Z
	// or a later one, except pilots numbered lower than the old pilot.
	release := map[string]string{}
	for _, b := range bs {
		release[b.v] = b.win
	}
	for _, c := range []struct{ old, now string }{
		{"0.1.0.0", "0.1.0"}, {"0.1.0.265", "0.1.0"}, {"0.1.0.265", "0.1.0-rc.1"}, {"0.1.0.59999", "0.1.0-rc.0"},
		{"0.1.0.0", "0.1.1-dev.266+g1111111111"}, {"0.0.9.0", "0.0.9"},
	} {
		if nsisCompare(t, c.old, release[c.now]) != -1 {
			t.Errorf("an installed %s (old numbering) is not older than %s (%s)", c.old, c.now, release[c.now])
		}
	}
}

// TestVersionRefused: a pre-release the two systems could order differently
// (beta, alpha, a number too large for a Windows field) is refused with the
// rule, and so is a version that is not X.Y.Z.
func TestVersionRefused(t *testing.T) {
	for _, v := range []string{"0.1.0-beta.1", "0.1.0-alpha", "0.1.0-dev", "0.1.0-dev.60000", "0.1.0-rc.5535", "0.1.0-dev.01", "0.1", "v0.1.0"} {
		cmd := exec.Command("bash", "version.sh")
		cmd.Env = append(os.Environ(), "DIST_VERSION="+v)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("DIST_VERSION=%s accepted: %s", v, out)
			continue
		}
		if !strings.Contains(string(out), "version.sh:") {
			t.Errorf("DIST_VERSION=%s refused without a reason: %s", v, out)
		}
	}
}
