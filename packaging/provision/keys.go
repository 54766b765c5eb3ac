package provision

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"

	"motcua"
)

// GenerateKey makes a new province key pair.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// EncodePrivateKey writes the province's private key as PKCS#8 PEM, the
// form `openssl genpkey -algorithm ed25519` makes, so that a province may
// also bring its own key.
func EncodePrivateKey(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// EncodePublicKey writes the public key as PKIX PEM with its fingerprint in
// a header line, for the installers and the official letter.
func EncodePublicKey(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Headers: map[string]string{"Fingerprint": Fingerprint(pub)}, Bytes: der}), nil
}

// ParsePrivateKey reads an Ed25519 private key in PKCS#8 PEM.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	bad := motcua.Invalid(motcua.ErrBadValue, "key",
		"Tệp khóa ký của tỉnh không đọc được: cần khóa Ed25519 dạng PEM (PRIVATE KEY)",
		"cannot read the province signing key: need an Ed25519 key in PEM (PRIVATE KEY)")
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, bad
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, bad
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, bad
	}
	return priv, nil
}

// ParsePublicKey reads the province's public key: PKIX PEM, or the bare
// base64 of its 32 bytes.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	bad := motcua.Invalid(motcua.ErrBadValue, "province-key",
		"Tệp khóa công khai của tỉnh không đọc được: cần khóa Ed25519 dạng PEM (PUBLIC KEY)",
		"cannot read the province public key: need an Ed25519 key in PEM (PUBLIC KEY)")
	if b, _ := pem.Decode(data); b != nil {
		if b.Type != "PUBLIC KEY" {
			return nil, bad
		}
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, bad
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, bad
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, bad
	}
	return ed25519.PublicKey(raw), nil
}
