// Package packaging holds the release scripts (version.sh, windows/,
// linux/, smoke/) and, in its subpackages, the Go tools they use. Its own
// tests check the scripts' logic, e.g. that version numbers order the same
// on Windows and Debian.
package packaging
