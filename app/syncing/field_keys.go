package syncing

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"

	"motcua/app"
)

// SignKey is this station's bundle signing key (made the first time it is
// asked for): field mode (app/field) signs its hand-over bundles with it,
// so the counter trusts a field station by the same `bundle trust` entry.
func SignKey(ctx context.Context, st app.SettingsStore, actor string) (ed25519.PrivateKey, error) {
	return signKey(ctx, st, actor)
}

// BoxKey is this station's bundle box key: it opens the bundles written
// for this station, field bundles included.
func BoxKey(ctx context.Context, st app.SettingsStore, actor string) (*ecdh.PrivateKey, error) {
	return boxKey(ctx, st, actor)
}

// ParseBoxKey reads a station's public box key (64 hex digits).
func ParseBoxKey(s string) (*ecdh.PublicKey, error) { return parseX25519Public(s) }
