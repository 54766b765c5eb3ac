package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are the argon2id cost parameters. They are written into every hash
// (PHC string format), so a hash made with older parameters still verifies
// and is upgraded at the next successful sign-in.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams suit a cheap counter PC (2-core Celeron, 4 GB RAM): 46 MiB
// and 2 passes, above the OWASP minimum (46 MiB, 1 pass). Measured about
// 90 ms per hash on the 2-core CI VM, so roughly 0.3 s on the slowest PCs
// the communes use — felt once per sign-in, costly for a guesser.
var DefaultParams = Params{Memory: 46 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Hash returns the PHC string of password with fresh salt:
// $argon2id$v=19$m=47104,t=2,p=1$<salt>$<key> (base64, no padding).
// The password is normalised to NFC first, so the same Vietnamese password
// typed through different input methods (precomposed or combining marks)
// gives the same hash.
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: salt: %w", err)
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64(salt), b64(key)), nil
}

var errBadHash = errors.New("accounts: malformed password hash")

// parseHash reads a PHC argon2id string.
func parseHash(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || threads == 0 || threads > 255 {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Check reports whether password matches the PHC string, and whether the
// hash was made with parameters other than want (it should be redone).
func Check(hash, password string, want Params) (ok, stale bool, err error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, p != want, nil
}
