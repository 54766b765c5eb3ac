package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"motcua"
	"motcua/scanning/qrsign"
	"motcua/storage/keyfile"
)

// KeyKeyring is the settings key of the commune keyring (JSON): the public
// keys of every station, so that any of them verifies the others' papers.
const KeyKeyring = "keyring_json"

// KeyFileName is the station's private key file in the data directory. It
// never goes into the database, the keyring or a backup bundle.
const KeyFileName = "station-key.txt"

// Keys are this station's signing key and the commune's keyring.
type Keys struct {
	Priv ed25519.PrivateKey
	ID   string // qrsign.KeyID of the public key
	Ring *qrsign.Keyring
}

// Sign signs a QR payload with the station key.
func (k *Keys) Sign(p qrsign.Payload) (string, error) { return qrsign.Sign(p, k.Priv) }

// Verify checks a scanned QR text against the keyring, offline.
func (k *Keys) Verify(text string) (qrsign.Payload, qrsign.Result) {
	return qrsign.Verify(text, k.Ring)
}

// LoadKeys reads the station key from dir, creating it on first run, and
// makes sure its public key is in the keyring stored in the settings
// (labelled with the station number once it is known). A lost key file
// gets a new key; the old public key stays in the ring so that papers
// already printed still verify. The key file is sealed for this machine by
// storage/keyfile (DPAPI on Windows; a legacy plain file is sealed on the
// first read). One that exists but does not open here (damaged, or copied
// from another PC) is an error naming it, not a reason to make a new key:
// the installer moves it aside to re-issue the key (docs/INSTALL.*.md).
func LoadKeys(ctx context.Context, dir string, st SettingsStore, station, actor string) (*Keys, error) {
	priv, err := LoadStationKey(dir)
	if err != nil {
		return nil, err
	}
	k := &Keys{Priv: priv, ID: qrsign.KeyID(priv.Public().(ed25519.PublicKey))}
	if k.Ring, err = LoadKeyring(ctx, st); err != nil {
		return nil, err
	}
	label := "Máy " + station
	if station == "" {
		label = "Máy này"
	}
	for _, s := range k.Ring.Keys {
		if s.ID == k.ID && s.Station == station && s.Label == label {
			return k, nil
		}
	}
	if _, err := k.Ring.Add(priv.Public().(ed25519.PublicKey), station, label); err != nil {
		return nil, err
	}
	return k, saveKeyring(ctx, st, k.Ring, AuditEntry{Actor: actor, Action: "keyring.add", Subject: k.ID, Detail: label})
}

// LoadStationKey reads the station's signing key from dir (KeyFileName),
// creating it on first run; the file rules are LoadKeys'. Besides the
// papers' QR codes it signs the station's backups (storage.Backupper), so
// a backup drive's writer cannot forge one.
func LoadStationKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, KeyFileName)
	raw, err := keyfile.ReadKeyFile(path)
	switch {
	case err == nil:
		priv, err := qrsign.DecodePrivateKey(string(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return priv, nil
	case errors.Is(err, fs.ErrNotExist):
		_, priv, err := qrsign.GenerateKey()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		// Exclusive: two processes starting at once must not overwrite
		// each other's fresh key.
		err = keyfile.CreateKeyFile(path, []byte(qrsign.EncodePrivateKey(priv)+"\n"))
		if errors.Is(err, fs.ErrExist) {
			return LoadStationKey(dir)
		}
		if err != nil {
			return nil, motcua.Errorf(motcua.KindInternal, "ERR_KEY_FILE", "key", "Không ghi được khóa ký của máy vào %s: %v",
				"cannot write the station signing key to %s: %v", path, err)
		}
		return priv, nil
	default:
		return nil, err
	}
}

// LoadKeyring returns the keyring stored in the settings (empty if none).
func LoadKeyring(ctx context.Context, st SettingsStore) (*qrsign.Keyring, error) {
	v, ok, err := st.Setting(ctx, KeyKeyring)
	if err != nil || !ok {
		return &qrsign.Keyring{}, err
	}
	return qrsign.LoadKeyring(bytes.NewReader([]byte(v)))
}

func saveKeyring(ctx context.Context, st SettingsStore, ring *qrsign.Keyring, a AuditEntry) error {
	b, err := json.Marshal(ring)
	if err != nil {
		return err
	}
	return st.SetSetting(ctx, KeyKeyring, string(b), a)
}

// ImportKeyring adds the public keys of another keyring file (the other
// stations of the commune) to this station's ring and returns how many
// were new. The file is checked before anything is changed.
func (k *Keys) ImportKeyring(ctx context.Context, st SettingsStore, raw []byte, actor string) (int, error) {
	other, err := qrsign.LoadKeyring(bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range other.Keys {
		if _, ok := k.Ring.Lookup(s.ID); !ok {
			n++
		}
		if _, err := k.Ring.Add(s.PublicKey, s.Station, s.Label); err != nil {
			return 0, err
		}
	}
	return n, saveKeyring(ctx, st, k.Ring, AuditEntry{Actor: actor, Action: "keyring.import", Detail: fmt.Sprintf("%d khóa mới", n)})
}

// ExportKeyring is the keyring's JSON, to carry to the other stations.
func (k *Keys) ExportKeyring() ([]byte, error) { return json.MarshalIndent(k.Ring, "", "  ") }
