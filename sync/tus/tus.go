// Package tus is a small implementation of the tus 1.0 core resumable
// upload protocol (https://tus.io/protocols/resumable-upload) with the
// creation extension, on both sides: a server handler over a Store, and a
// client that resumes an interrupted upload from the offset the server
// reports. tusd and the Go tus clients are not available here, and the core
// is small.
//
// Integrity: the client declares the file's SHA-256 in Upload-Metadata
// (key "sha256", hex). When the last byte arrives the server hashes the
// file; a mismatch answers 460 (as the tus checksum extension does) and
// discards the upload. A completed upload's HEAD carries Upload-Sha256 so the
// client can confirm the server holds exactly its file.
package tus

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Protocol constants.
const (
	Version           = "1.0.0"
	ContentType       = "application/offset+octet-stream"
	HeaderResumable   = "Tus-Resumable"
	HeaderVersion     = "Tus-Version"
	HeaderExtension   = "Tus-Extension"
	HeaderMaxSize     = "Tus-Max-Size"
	HeaderOffset      = "Upload-Offset"
	HeaderLength      = "Upload-Length"
	HeaderMetadata    = "Upload-Metadata"
	HeaderSHA256      = "Upload-Sha256" // set on HEAD once complete and verified; not in the tus spec
	StatusChecksumBad = 460             // from the tus checksum extension
	MetaSHA256        = "sha256"
	MetaFilename      = "filename"
)

// Metadata is the decoded Upload-Metadata header.
type Metadata map[string]string

// Encode renders m as the Upload-Metadata header: "key base64value" pairs
// separated by commas, keys sorted so the header is stable.
func (m Metadata) Encode() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if m[k] == "" {
			parts = append(parts, k)
			continue
		}
		parts = append(parts, k+" "+base64.StdEncoding.EncodeToString([]byte(m[k])))
	}
	return strings.Join(parts, ",")
}

// ParseMetadata decodes an Upload-Metadata header.
func ParseMetadata(h string) (Metadata, error) {
	m := Metadata{}
	if strings.TrimSpace(h) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(pair), " ")
		if k == "" || strings.ContainsAny(k, " ,") {
			return nil, fmt.Errorf("Upload-Metadata: khóa rỗng hoặc sai dạng trong «%s»", pair)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("Upload-Metadata: khóa «%s» lặp lại", k)
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("Upload-Metadata: giá trị của «%s» không phải base64", k)
		}
		m[k] = string(b)
	}
	return m, nil
}

// Info describes one upload.
type Info struct {
	ID     string   `json:"id"`
	Length int64    `json:"length"`
	Offset int64    `json:"offset"`
	Meta   Metadata `json:"meta"`
	SHA256 string   `json:"sha256,omitempty"` // hex, set once complete and verified
}

// Done reports whether every byte has arrived and the hash was checked.
func (i Info) Done() bool { return i.Offset == i.Length && i.SHA256 != "" }

// Errors a Store returns.
var (
	ErrNotFound = errors.New("tus: upload not found")
	ErrOffset   = errors.New("tus: offset mismatch")
	ErrChecksum = errors.New("tus: checksum mismatch")
	ErrBusy     = errors.New("tus: upload locked by another request")
)

// Error is a failure reported by a tus server (or the transport).
type Error struct {
	Op        string // "create", "head", "patch"
	Status    int    // HTTP status; 0 for transport failures
	Msg       string
	Permanent bool // retrying the same upload will not help (too large, refused)
	Err       error
}

func (e *Error) Error() string {
	s := "tải tệp lên (" + e.Op + ")"
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func setCommon(h http.Header) { h.Set(HeaderResumable, Version) }
