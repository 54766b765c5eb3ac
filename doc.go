// Package motcua is the domain of the one-stop counter: dossiers, their
// status machine, dossier codes, the working calendar, procedures and the
// coded errors the officer sees. It depends on the standard library and
// golang.org/x/text only; every other layer imports it, never the reverse.
package motcua
