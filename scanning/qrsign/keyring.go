package qrsign

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"motcua"
)

// StationKey is the public key of one counter PC of the commune.
type StationKey struct {
	ID        string            `json:"id"`                // KeyID of PublicKey
	Station   string            `json:"station,omitempty"` // "K/N", as provisioned
	Label     string            `json:"label,omitempty"`   // e.g. "Máy 1 – quầy tiếp nhận"
	PublicKey ed25519.PublicKey `json:"public_key"`        // 32 bytes, base64 in JSON
}

// Keyring holds the public keys of every station of the commune; each station
// keeps a copy so that it can verify the others' papers offline. Its JSON form
// is {"keys":[{"id":…,"station":…,"label":…,"public_key":…}]}.
type Keyring struct {
	Keys []StationKey `json:"keys"`
}

// Add puts a station's public key in the ring and returns its key ID. Adding
// a key that is already there updates its station and label.
func (k *Keyring) Add(pub ed25519.PublicKey, station, label string) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", motcua.Invalid(motcua.ErrBadValue, "public_key", "Khóa công khai phải dài %d byte, nhận được %d",
			"a public key must be %d bytes, got %d", ed25519.PublicKeySize, len(pub))
	}
	id := KeyID(pub)
	for i := range k.Keys {
		if k.Keys[i].ID == id {
			k.Keys[i].Station, k.Keys[i].Label = station, label
			return id, nil
		}
	}
	k.Keys = append(k.Keys, StationKey{ID: id, Station: station, Label: label, PublicKey: append(ed25519.PublicKey(nil), pub...)})
	return id, nil
}

// Lookup returns the public key with the given ID. A nil ring holds nothing.
func (k *Keyring) Lookup(id string) (ed25519.PublicKey, bool) {
	if k == nil {
		return nil, false
	}
	for _, s := range k.Keys {
		if s.ID == id {
			return s.PublicKey, true
		}
	}
	return nil, false
}

// LoadKeyring reads and checks a keyring in its JSON form: every key must be
// 32 bytes and carry its own ID. Errors name the key at fault.
func LoadKeyring(r io.Reader) (*Keyring, error) {
	var k Keyring
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "keyring", "Tệp khóa các máy không đọc được: %v", "cannot read the keyring: %v", err)
	}
	seen := map[string]bool{}
	for i, s := range k.Keys {
		field := fmt.Sprintf("keys[%d].public_key", i)
		if len(s.PublicKey) != ed25519.PublicKeySize {
			return nil, motcua.Invalid(motcua.ErrBadValue, field, "Khóa công khai phải dài %d byte, nhận được %d",
				"a public key must be %d bytes, got %d", ed25519.PublicKeySize, len(s.PublicKey))
		}
		if id := KeyID(s.PublicKey); s.ID != id {
			return nil, motcua.Invalid(motcua.ErrBadValue, fmt.Sprintf("keys[%d].id", i), "Mã khóa «%s» không khớp khóa công khai (phải là %s)",
				"key ID %q does not match the public key (want %s)", s.ID, id)
		}
		if seen[s.ID] {
			return nil, motcua.Invalid(motcua.ErrDuplicate, fmt.Sprintf("keys[%d].id", i), "Khóa %s có hai lần", "key %s appears twice", s.ID)
		}
		seen[s.ID] = true
	}
	return &k, nil
}

// EncodePrivateKey writes a station's private key as base64 of its 32-byte
// seed, for the station's own key file (never the database, never the ring).
func EncodePrivateKey(priv ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(priv.Seed())
}

// DecodePrivateKey reads what EncodePrivateKey wrote.
func DecodePrivateKey(s string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, motcua.Invalid(motcua.ErrBadValue, "key", "Tệp khóa ký của máy bị hỏng", "the station's signing key file is damaged")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
