// Package cleanlocale keeps Fyne quiet under the C locale. Fyne's lang
// package reads LC_ALL, LC_MESSAGES and LANG in its init and logs
// "Fyne error: Error parsing user locale C" for C.UTF-8 (the default of
// services, containers and SSH sessions), on every command of the program.
// This package imports only os, so it is initialised before Fyne's
// packages (Go initialises, in import-path order, the first package whose
// imports are all initialised); its init turns C.UTF-8 and POSIX.UTF-8
// into plain C and POSIX, which Fyne reads as "no language chosen"
// (English). Restore puts the values back once Fyne is initialised, so
// that the child processes of a command see the environment unchanged.
package cleanlocale

import "os"

var saved = map[string]string{}

func init() { Fix() }

// Fix replaces a C or POSIX locale with a charset or modifier
// ("C.UTF-8", "POSIX.utf8", "C@euro") by its bare name.
func Fix() {
	for _, k := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v, ok := os.LookupEnv(k)
		if !ok {
			continue
		}
		if base := bare(v); base != v && (base == "C" || base == "POSIX") {
			if _, done := saved[k]; !done {
				saved[k] = v
			}
			os.Setenv(k, base)
		}
	}
}

// Restore puts back the values Fix changed.
func Restore() {
	for k, v := range saved {
		os.Setenv(k, v)
	}
}

func bare(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' || v[i] == '@' {
			return v[:i]
		}
	}
	return v
}
