// Package bundle carries outbox messages and their attachments on a USB
// stick when a commune is offline for days: one file, encrypted to the
// province's key, signed by the station, checked whole before anything in
// it is used.
//
// File layout:
//
//	"MOTCUA-BUNDLE\x00" version(1)       magic and format version
//	uint32 n, header JSON (n bytes)       who, when, for whom; plaintext, signed
//	chunks: uint32 m, m bytes             AES-256-GCM; the high bit of m marks the last
//	64 bytes                              Ed25519 signature of SHA-256(header ‖ chunks)
//
// The AES key comes from an X25519 exchange between an ephemeral key (in the
// header) and the province's bundle key, through HKDF-SHA-256 bound to the
// header. Each chunk's nonce counts chunks and flags the last one, so chunks
// cannot be dropped, reordered or cut off (the STREAM construction).
// Inside, records follow one another: a JSON line, then for a file its
// bytes. File names are labels only; nothing is written to a path taken
// from the bundle (files are stored by their verified SHA-256).
package bundle

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"motcua"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"motcua/sync/outbox"
)

const (
	magic     = "MOTCUA-BUNDLE\x00"
	version   = 1
	chunkSize = 64 << 10
	lastFlag  = 1 << 31
	// MaxHeader and MaxRecord bound what a reader accepts before it knows
	// the bundle is genuine.
	MaxHeader = 64 << 10
	MaxRecord = 64 << 20
)

// Header is the signed, unencrypted part: enough to say whose bundle it is
// before decrypting.
type Header struct {
	Version   int       `json:"version"`
	ID        string    `json:"id"`
	Agency    string    `json:"agency"`  // the commune's agency identifier
	Station   string    `json:"station"` // e.g. "1/2"
	Created   time.Time `json:"created"`
	Signer    string    `json:"signer"`    // hex Ed25519 public key of the station
	Ephemeral string    `json:"ephemeral"` // hex X25519 public key
	Messages  int       `json:"messages"`
	Files     int       `json:"files"`
}

// File is an attachment in a bundle.
type File struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	// Path is where Read staged the verified bytes (inside its directory).
	Path string `json:"-"`
}

// Item is one outbox message with the attachments of its dossier.
type Item struct {
	Message outbox.Message `json:"message"`
	Files   []string       `json:"files"` // SHA-256 of the dossier's attachments
}

type record struct {
	Type  string `json:"type"` // "item", "file", "end"
	Item  *Item  `json:"item,omitempty"`
	File  *File  `json:"file,omitempty"`
	Count int    `json:"count,omitempty"`
}

// Error is a bundle that cannot be used, with the reason for the officer.
type Error struct{ Msg string }

func (e *Error) Error() string { return "gói USB: " + e.Msg }

func bad(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// Keys.

// NewRecipientKey makes the province's bundle key pair (X25519).
func NewRecipientKey() (*ecdh.PrivateKey, error) { return ecdh.X25519().GenerateKey(rand.Reader) }

// NewSigningKey makes a station's signing key pair (Ed25519).
func NewSigningKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

func deriveKey(shared []byte, header []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, shared, header, "motcua bundle v1", 32)
}

func nonce(prefix []byte, n uint64, last bool) []byte {
	b := make([]byte, 12)
	copy(b, prefix[:3])
	binary.BigEndian.PutUint64(b[3:11], n)
	if last {
		b[11] = 1
	}
	return b
}

// Writer builds a bundle.
type Writer struct {
	w      io.Writer
	h      hash.Hash
	aead   cipher.AEAD
	prefix []byte
	n      uint64
	buf    bytes.Buffer
	sign   ed25519.PrivateKey
	count  int
	done   bool
}

// Options describe the bundle being written.
type Options struct {
	Agency    string
	Station   string
	Sign      ed25519.PrivateKey // the station's key
	Recipient *ecdh.PublicKey    // the province's bundle key
	Messages  int                // for the header: how many items follow
	Files     int
	Now       time.Time
}

// NewWriter writes the header; then call Item and File, and Close.
func NewWriter(w io.Writer, o Options) (*Writer, error) {
	if o.Sign == nil || o.Recipient == nil {
		return nil, errors.New("gói USB: thiếu khóa ký của máy hoặc khóa nhận của tỉnh")
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	shared, err := eph.ECDH(o.Recipient)
	if err != nil {
		return nil, err
	}
	var id [16]byte
	rand.Read(id[:])
	if o.Now.IsZero() {
		o.Now = motcua.SystemClock{}.Now()
	}
	hdr := Header{Version: version, ID: hex.EncodeToString(id[:]), Agency: o.Agency, Station: o.Station, Created: o.Now,
		Signer: hex.EncodeToString(o.Sign.Public().(ed25519.PublicKey)), Ephemeral: hex.EncodeToString(eph.PublicKey().Bytes()),
		Messages: o.Messages, Files: o.Files}
	hb, err := json.Marshal(hdr)
	if err != nil {
		return nil, err
	}
	key, err := deriveKey(shared, hb)
	if err != nil {
		return nil, err
	}
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	bw := &Writer{w: w, h: sha256.New(), aead: aead, prefix: make([]byte, 3), sign: o.Sign}
	rand.Read(bw.prefix)
	var pre bytes.Buffer
	pre.WriteString(magic)
	pre.WriteByte(version)
	binary.Write(&pre, binary.BigEndian, uint32(len(hb)))
	pre.Write(hb)
	pre.Write(bw.prefix)
	if err := bw.emit(pre.Bytes()); err != nil {
		return nil, err
	}
	return bw, nil
}

func (bw *Writer) emit(b []byte) error {
	bw.h.Write(b)
	_, err := bw.w.Write(b)
	return err
}

func (bw *Writer) flush(last bool) error {
	for bw.buf.Len() >= chunkSize || (last && !bw.done) {
		n := min(bw.buf.Len(), chunkSize)
		final := last && n == bw.buf.Len()
		ct := bw.aead.Seal(nil, nonce(bw.prefix, bw.n, final), bw.buf.Next(n), nil)
		bw.n++
		l := uint32(len(ct))
		if final {
			l |= lastFlag
			bw.done = true
		}
		var lb [4]byte
		binary.BigEndian.PutUint32(lb[:], l)
		if err := bw.emit(lb[:]); err != nil {
			return err
		}
		if err := bw.emit(ct); err != nil {
			return err
		}
	}
	return nil
}

func (bw *Writer) record(r record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	bw.buf.Write(b)
	bw.buf.WriteByte('\n')
	return bw.flush(false)
}

// Item adds an outbox message.
func (bw *Writer) Item(it Item) error {
	bw.count++
	return bw.record(record{Type: "item", Item: &it})
}

// File adds an attachment's bytes, checking them against sha.
func (bw *Writer) File(name, sha string, size int64, r io.Reader) error {
	if err := bw.record(record{Type: "file", File: &File{SHA256: sha, Name: name, Size: size}}); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(&bw.buf, h), io.LimitReader(r, size))
	if err != nil {
		return err
	}
	if n != size || hex.EncodeToString(h.Sum(nil)) != sha {
		return fmt.Errorf("gói USB: tệp «%s» trên máy không khớp SHA-256/kích thước đã ghi", name)
	}
	return bw.flush(false)
}

// Close ends the bundle and signs it.
func (bw *Writer) Close() error {
	if err := bw.record(record{Type: "end", Count: bw.count}); err != nil {
		return err
	}
	if err := bw.flush(true); err != nil {
		return err
	}
	sig := ed25519.Sign(bw.sign, bw.h.Sum(nil))
	_, err := bw.w.Write(sig)
	return err
}

// Export writes every undelivered, unquarantined message of store, with
// its dossier's attachments, to w. The messages stay queued: whichever
// way they reach the province first, the other is acknowledged as a
// re-send.
func Export(ctx context.Context, w io.Writer, store outbox.Store, files outbox.Attachments, o Options) (Header, error) {
	var items []Item
	atts := map[string]outbox.Attachment{}
	var after int64
	for {
		page, err := store.Pending(ctx, after, 500)
		if err != nil {
			return Header{}, err
		}
		for _, m := range page {
			after = m.ID
			if m.State == outbox.StateQuarantined {
				continue
			}
			it := Item{Message: m}
			if files != nil {
				list, err := files.Attachments(ctx, m.Dossier)
				if err != nil {
					return Header{}, err
				}
				for _, a := range list {
					if a.Deleted {
						continue
					}
					it.Files = append(it.Files, a.SHA256)
					atts[a.SHA256] = a
				}
			}
			items = append(items, it)
		}
		if len(page) < 500 {
			break
		}
	}
	o.Messages, o.Files = len(items), len(atts)
	bw, err := NewWriter(w, o)
	if err != nil {
		return Header{}, err
	}
	for _, it := range items {
		if err := bw.Item(it); err != nil {
			return Header{}, err
		}
	}
	for sha, a := range atts {
		rc, err := a.Open(ctx)
		if err != nil {
			return Header{}, fmt.Errorf("gói USB: mở tệp «%s»: %w", a.Name, err)
		}
		err = bw.File(a.Name, sha, a.Size, rc)
		rc.Close()
		if err != nil {
			return Header{}, err
		}
	}
	return Header{Agency: o.Agency, Station: o.Station, Messages: len(items), Files: len(atts)}, bw.Close()
}

// Bundle is a verified, decrypted bundle. Its files are staged in Dir;
// call Remove when done.
type Bundle struct {
	Header Header
	Items  []Item
	Files  map[string]File // by SHA-256
	Dir    string
}

// Remove deletes the staged files.
func (b *Bundle) Remove() error { return os.RemoveAll(b.Dir) }

// ReadOptions say what to accept.
type ReadOptions struct {
	Key *ecdh.PrivateKey // the recipient's bundle key
	// Trust returns the signing key expected for the header's agency and
	// station, or an error (unknown commune). The signer named in the
	// header must equal it.
	Trust func(h Header) (ed25519.PublicKey, error)
	// Agency, if set, must equal the bundle's (an import on another
	// station of the same commune).
	Agency  string
	TempDir string // staging; default os.TempDir()
}

var hexSHA = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Read checks and decrypts a bundle. Nothing is returned unless every
// byte is authentic: altered, truncated, foreign or mis-addressed bundles
// are refused with a clear reason.
func Read(r io.Reader, o ReadOptions) (*Bundle, error) {
	sr := &sigReader{r: r, h: sha256.New()}
	br := bufio.NewReader(sr)
	pre := make([]byte, len(magic)+1+4)
	if _, err := io.ReadFull(br, pre); err != nil {
		return nil, bad("tệp quá ngắn, không phải gói USB Một Cửa")
	}
	if string(pre[:len(magic)]) != magic {
		return nil, bad("không phải gói USB Một Cửa")
	}
	if pre[len(magic)] != version {
		return nil, bad("phiên bản gói %d không được hỗ trợ", pre[len(magic)])
	}
	n := binary.BigEndian.Uint32(pre[len(magic)+1:])
	if n == 0 || n > MaxHeader {
		return nil, bad("phần đầu gói hỏng")
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(br, hb); err != nil {
		return nil, bad("gói bị cắt cụt ở phần đầu")
	}
	var hdr Header
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return nil, bad("phần đầu gói hỏng: %v", err)
	}
	if o.Agency != "" && hdr.Agency != o.Agency {
		return nil, bad("gói của đơn vị %s (máy %s), không phải của %s", hdr.Agency, hdr.Station, o.Agency)
	}
	want, err := o.Trust(hdr)
	if err != nil {
		return nil, bad("không tin cậy người ký: %v", err)
	}
	if hdr.Signer != hex.EncodeToString(want) {
		return nil, bad("gói ký bằng khóa không phải của %s máy %s", hdr.Agency, hdr.Station)
	}
	eb, err := hex.DecodeString(hdr.Ephemeral)
	if err != nil {
		return nil, bad("phần đầu gói hỏng (khóa tạm)")
	}
	eph, err := ecdh.X25519().NewPublicKey(eb)
	if err != nil {
		return nil, bad("phần đầu gói hỏng (khóa tạm)")
	}
	shared, err := o.Key.ECDH(eph)
	if err != nil {
		return nil, bad("không giải được khóa: %v", err)
	}
	key, err := deriveKey(shared, hb)
	if err != nil {
		return nil, err
	}
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	prefix := make([]byte, 3)
	if _, err := io.ReadFull(br, prefix); err != nil {
		return nil, bad("gói bị cắt cụt")
	}
	dir, err := os.MkdirTemp(o.TempDir, "motcua-bundle-")
	if err != nil {
		return nil, err
	}
	b := &Bundle{Header: hdr, Files: map[string]File{}, Dir: dir}
	fail := func(err error) (*Bundle, error) { os.RemoveAll(dir); return nil, err }
	pr, pw := io.Pipe()
	// Decrypt chunks into the pipe; parse records on this goroutine.
	decErr := make(chan error, 1)
	go func() {
		var idx uint64
		for {
			var lb [4]byte
			if _, err := io.ReadFull(br, lb[:]); err != nil {
				err = bad("gói bị cắt cụt (thiếu phần cuối)")
				pw.CloseWithError(err)
				decErr <- err
				return
			}
			l := binary.BigEndian.Uint32(lb[:])
			last := l&lastFlag != 0
			l &^= lastFlag
			if l > chunkSize+uint32(aead.Overhead()) {
				err := bad("gói hỏng (khối %d quá lớn)", idx)
				pw.CloseWithError(err)
				decErr <- err
				return
			}
			ct := make([]byte, l)
			if _, err := io.ReadFull(br, ct); err != nil {
				err = bad("gói bị cắt cụt ở khối %d", idx)
				pw.CloseWithError(err)
				decErr <- err
				return
			}
			pt, err := aead.Open(nil, nonce(prefix, idx, last), ct, nil)
			if err != nil {
				err = bad("gói đã bị sửa hoặc không gửi cho khóa này (khối %d không xác thực được)", idx)
				pw.CloseWithError(err)
				decErr <- err
				return
			}
			idx++
			if _, err := pw.Write(pt); err != nil {
				decErr <- err
				return
			}
			if last {
				pw.Close()
				decErr <- nil
				return
			}
		}
	}()
	if err := b.parse(pr); err != nil {
		pr.CloseWithError(err)
		<-decErr
		return fail(err)
	}
	if err := <-decErr; err != nil {
		return fail(err)
	}
	if extra, _ := io.ReadAll(br); len(extra) > 0 {
		return fail(bad("gói có %d byte lạ sau phần dữ liệu", len(extra)))
	}
	if len(sr.tail) != ed25519.SignatureSize || !ed25519.Verify(want, sr.h.Sum(nil), sr.tail) {
		return fail(bad("chữ ký không hợp lệ: gói đã bị sửa hoặc bị cắt"))
	}
	return b, nil
}

// sigReader passes everything but the last 64 bytes (the signature),
// hashing what it passes; at EOF tail holds the signature.
type sigReader struct {
	r    io.Reader
	h    hash.Hash
	out  []byte
	tail []byte
	eof  bool
}

func (s *sigReader) Read(p []byte) (int, error) {
	for {
		if len(s.out) > 0 {
			n := copy(p, s.out)
			s.h.Write(p[:n])
			s.out = s.out[n:]
			return n, nil
		}
		if s.eof {
			return 0, io.EOF
		}
		buf := make([]byte, 32<<10)
		n, err := s.r.Read(buf)
		s.tail = append(s.tail, buf[:n]...)
		if k := len(s.tail) - ed25519.SignatureSize; k > 0 {
			s.out = append(s.out[:0], s.tail[:k]...)
			s.tail = append([]byte(nil), s.tail[k:]...)
		}
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			return 0, err
		}
	}
}

var badName = regexp.MustCompile(`[/\\\x00-\x1f]|^\.\.?$`)

// parse reads the plaintext records, staging files by their hash.
func (b *Bundle) parse(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	refs := map[string]bool{}
	for {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil {
			return bad("bản ghi hỏng: %v", err)
		}
		switch rec.Type {
		case "item":
			it := rec.Item
			if it == nil || strings.TrimSpace(it.Message.Dossier) == "" || len(it.Message.Payload) == 0 {
				return bad("gói tin thứ %d thiếu mã hồ sơ hoặc nội dung", len(b.Items)+1)
			}
			for _, f := range it.Files {
				if !hexSHA.MatchString(f) {
					return bad("gói tin %d tham chiếu tệp «%s» không hợp lệ", it.Message.ID, f)
				}
				refs[f] = true
			}
			b.Items = append(b.Items, *it)
		case "file":
			f := rec.File
			if f == nil || !hexSHA.MatchString(f.SHA256) || f.Size < 0 || f.Size > 1<<34 {
				return bad("mô tả tệp hỏng")
			}
			if f.Name == "" || badName.MatchString(f.Name) || strings.Contains(f.Name, "..") {
				return bad("tên tệp «%s» không hợp lệ (chứa đường dẫn)", f.Name)
			}
			if err := b.stage(br, f); err != nil {
				return err
			}
		case "end":
			if rec.Count != len(b.Items) || b.Header.Messages != len(b.Items) || b.Header.Files != len(b.Files) {
				return bad("số gói tin/tệp không khớp phần đầu (%d/%d, ghi %d/%d)", len(b.Items), len(b.Files),
					b.Header.Messages, b.Header.Files)
			}
			for f := range refs {
				if _, ok := b.Files[f]; !ok {
					return bad("thiếu tệp %s được hồ sơ tham chiếu", f)
				}
			}
			if _, err := br.ReadByte(); err != io.EOF {
				return bad("có dữ liệu sau bản ghi kết thúc")
			}
			return nil
		default:
			return bad("loại bản ghi «%s» lạ", rec.Type)
		}
	}
}

func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxRecord {
			return nil, bad("bản ghi quá lớn")
		}
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, bad("gói bị cắt cụt (thiếu bản ghi kết thúc)")
		default:
			return nil, err
		}
	}
}

// stage copies a file's bytes to Dir under its hash and checks the hash.
func (b *Bundle) stage(br *bufio.Reader, f *File) error {
	path := filepath.Join(b.Dir, f.SHA256)
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(br, f.Size))
	cerr := out.Close()
	if err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if n != f.Size {
		return bad("tệp «%s» bị cắt cụt", f.Name)
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return bad("tệp «%s» không khớp SHA-256", f.Name)
	}
	f.Path = path
	b.Files[f.SHA256] = *f
	return nil
}
