package refserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"motcua"
	"motcua/sync/bundle"
	"motcua/sync/outbox"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// ImportReport says what a bundle import did.
type ImportReport struct {
	Agency     string   `json:"agency"`
	Station    string   `json:"station"`
	Messages   int      `json:"messages"`
	Accepted   int      `json:"accepted"`   // stored now
	Duplicates int      `json:"duplicates"` // had them already (network, or an earlier import)
	Rejected   []string `json:"rejected,omitempty"`
	Files      int      `json:"files"`
}

// TrustFunc returns the signing key the server accepts for a bundle's
// agency and station.
type TrustFunc func(h bundle.Header) (ed25519.PublicKey, error)

// ReadBundle checks a bundle against the server's key and trusted
// stations, refusing one from an agency the server does not serve.
func (s *Server) ReadBundle(r io.Reader, o bundle.ReadOptions) (*bundle.Bundle, error) {
	trust := o.Trust
	o.Trust = func(h bundle.Header) (ed25519.PublicKey, error) {
		if !s.agencyServed(h.Agency) {
			return nil, fmt.Errorf("đơn vị %s không thuộc hệ thống một cửa này", h.Agency)
		}
		return trust(h)
	}
	return bundle.Read(r, o)
}

// ImportBundle stores a verified bundle's attachments and dossiers, as if
// they had come over the network: idempotent (the message keys are the
// same), so importing twice, or after the network delivered some, stores
// nothing twice.
func (s *Server) ImportBundle(ctx context.Context, b *bundle.Bundle) (ImportReport, error) {
	rep := ImportReport{Agency: b.Header.Agency, Station: b.Header.Station, Messages: len(b.Items)}
	urls := map[string]string{}
	for sha, f := range b.Files {
		u, err := s.importFile(ctx, f)
		if err != nil {
			return rep, fmt.Errorf("tệp «%s»: %w", f.Name, err)
		}
		urls[sha] = u
		rep.Files++
	}
	var prof province.Profile
	hs := make([]*province.HoSo, len(b.Items))
	bad := make([]string, len(b.Items))
	steps := make([][]province.QuaTrinhXuLy, len(b.Items))
	for i, it := range b.Items {
		var d motcua.Dossier
		if err := json.Unmarshal(it.Message.Payload, &d); err != nil || d.Code != it.Message.Dossier {
			bad[i] = fmt.Sprintf("gói tin %d: nội dung không phải hồ sơ %s", it.Message.ID, it.Message.Dossier)
			continue
		}
		var files []province.File
		for _, sha := range it.Files {
			f := b.Files[sha]
			files = append(files, province.File{ID: sha, Name: f.Name, URL: urls[sha], SHA256: sha})
		}
		h := prof.HoSo(&d, files)
		h.MaGoiTin = it.Message.Key
		if h.MaGoiTin == "" {
			h.MaGoiTin = outbox.MessageKey(it.Message)
		}
		hs[i] = &h
		steps[i] = prof.Steps(&d)
	}
	// One agency per bundle: the header's, which the signature covers.
	results, err := s.applyDossiers(ctx, b.Header.Agency, false, hs, bad, func(i int) []province.QuaTrinhXuLy { return steps[i] })
	if err != nil {
		return rep, err
	}
	for _, r := range results {
		switch {
		case r.ErrorCode != province.CodeOK:
			rep.Rejected = append(rep.Rejected, r.Message)
		case r.Duplicate:
			rep.Duplicates++
		default:
			rep.Accepted++
		}
	}
	return rep, nil
}

// importFile stores a staged file as a completed upload, once per hash.
func (s *Server) importFile(ctx context.Context, f bundle.File) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT upload FROM bundle_files WHERE sha256 = ?`, f.SHA256).Scan(&id)
	if err == nil {
		if info, err := s.files.Info(ctx, id); err == nil && info.Done() {
			return s.fileURL(id), nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	in, err := os.Open(f.Path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	info, err := s.files.Create(ctx, f.Size, tus.Metadata{tus.MetaFilename: f.Name, tus.MetaSHA256: f.SHA256})
	if err != nil {
		return "", err
	}
	if f.Size > 0 {
		if info, err = s.files.Append(ctx, info.ID, 0, in); err != nil {
			return "", err
		}
	}
	if !info.Done() {
		return "", fmt.Errorf("chỉ nhận được %d/%d byte", info.Offset, info.Length)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO bundle_files(sha256, upload) VALUES (?, ?)
		ON CONFLICT(sha256) DO UPDATE SET upload = excluded.upload`, f.SHA256, info.ID); err != nil {
		return "", err
	}
	return s.fileURL(info.ID), nil
}

func (s *Server) fileURL(id string) string {
	return strings.TrimRight(s.cfg.PublicURL, "/") + "/files/" + id
}

// ParseSigners reads "AGENCY=HEXKEY" entries into a TrustFunc.
func ParseSigners(entries []string) (TrustFunc, error) {
	keys := map[string][][]byte{}
	for _, e := range entries {
		agency, hexKey, ok := strings.Cut(e, "=")
		k, err := decodeHexKey(hexKey)
		if !ok || err != nil {
			return nil, fmt.Errorf("«%s»: cần dạng MÃ_ĐƠN_VỊ=KHÓA_HEX (khóa công khai Ed25519, 64 chữ số hex)", e)
		}
		keys[agency] = append(keys[agency], k)
	}
	return func(h bundle.Header) (ed25519.PublicKey, error) {
		for _, k := range keys[h.Agency] {
			if fmt.Sprintf("%x", k) == h.Signer {
				return k, nil
			}
		}
		if len(keys[h.Agency]) == 0 {
			return nil, fmt.Errorf("chưa đăng ký khóa của đơn vị %s", h.Agency)
		}
		return keys[h.Agency][0], nil // the signature check will say it is not this key
	}, nil
}

func decodeHexKey(s string) (ed25519.PublicKey, error) {
	var b []byte
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%x", &b); err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("khóa sai")
	}
	return bytes.Clone(b), nil
}
