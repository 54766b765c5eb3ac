package provincetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// Fake is an in-memory province with the reference server's semantics
// (idempotent receipt, stale-snapshot guard, province decisions standing,
// attachments checked) and a hook to inject failures.
type Fake struct {
	Agency string
	// Hook, if set, runs first in every call with the operation's name
	// ("deliver", "upload", "lookup", "changes") and the items of a
	// deliver; a non-nil error fails the call.
	Hook func(op string, items []province.Item) error
	// Clock dates the changes Act makes; default the system clock.
	Clock motcua.Clock

	mu       sync.Mutex
	dossiers map[string]*fakeDossier
	receipts map[string]bool
	files    map[string]string // URL → sha256
	feed     []province.Change
	// Deliveries counts items stored (not duplicates), per dossier.
	writes map[string]int
	calls  map[string]int
}

type fakeDossier struct {
	h        province.HoSo
	upstream bool
	extended bool
	steps    map[province.QuaTrinhXuLy]bool
	order    []province.QuaTrinhXuLy
}

var _ province.Adapter = (*Fake)(nil)

// NewFake returns an empty province serving agency.
func NewFake(agency string) *Fake {
	return &Fake{Agency: agency, dossiers: map[string]*fakeDossier{}, receipts: map[string]bool{},
		files: map[string]string{}, writes: map[string]int{}, calls: map[string]int{}}
}

func (f *Fake) hook(op string, items []province.Item) error {
	f.mu.Lock()
	f.calls[op]++
	h := f.Hook
	f.mu.Unlock()
	if h != nil {
		return h(op, items)
	}
	return nil
}

// Calls counts calls of op.
func (f *Fake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// Writes counts the snapshots of code that were stored.
func (f *Fake) Writes(code string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes[code]
}

// Status returns the stored status of code, or 0.
func (f *Fake) Status(code string) motcua.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.dossiers[code]; d != nil {
		n, _ := strconv.Atoi(d.h.TrangThaiHoSo)
		return motcua.Status(n)
	}
	return 0
}

// Codes lists the stored dossiers.
func (f *Fake) Codes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.dossiers))
	for c := range f.dossiers {
		out = append(out, c)
	}
	return out
}

func invalid(code, msg string) error {
	return &province.Error{Op: province.ServiceSync, Class: province.Invalid, Code: code, Message: msg}
}

func (f *Fake) check(h province.HoSo) error {
	code, err := motcua.ParseDossierCode(h.MaHoSo)
	if err != nil {
		return invalid(province.CodeInvalid, "MaHoSo: "+motcua.ErrorMessage(err))
	}
	if code.Agency != f.Agency {
		return invalid(province.CodeAgency, "MaHoSo: đơn vị "+code.Agency+" không thuộc hệ thống")
	}
	if _, err := province.ParseDate(h.NgayTiepNhan); err != nil {
		return invalid(province.CodeInvalid, "NgayTiepNhan: "+err.Error())
	}
	if h.NgayHenTra != "" {
		if _, err := province.ParseDate(h.NgayHenTra); err != nil {
			return invalid(province.CodeInvalid, "NgayHenTra: "+err.Error())
		}
	}
	if n, err := strconv.Atoi(h.TrangThaiHoSo); err != nil || !motcua.Status(n).Valid() {
		return invalid(province.CodeInvalid, "TrangThaiHoSo: không thuộc danh mục")
	}
	for _, t := range h.TaiLieuNop {
		if t.IsDeleted == "1" || t.DuongDanTaiTepTin == "" {
			continue
		}
		sum, ok := f.files[t.DuongDanTaiTepTin]
		if !ok || (t.SHA256 != "" && sum != t.SHA256) {
			return &province.Error{Op: province.ServiceSync, Class: province.Transient, Code: province.CodeAttachment,
				Message: "tệp " + t.TenTepDinhKem + " chưa có trên máy chủ"}
		}
	}
	for _, r := range h.DanhSachGiayToKetQua {
		if r.TenGiayTo == "" {
			return invalid(province.CodeInvalid, "DanhSachGiayToKetQua: TenGiayTo: bắt buộc")
		}
		if r.DuongDanTepTinKetQua == "" {
			continue
		}
		sum, ok := f.files[r.DuongDanTepTinKetQua]
		if !ok || (r.SHA256 != "" && sum != r.SHA256) {
			return &province.Error{Op: province.ServiceSync, Class: province.Transient, Code: province.CodeAttachment,
				Message: "tệp kết quả " + r.TenGiayTo + " chưa có trên máy chủ"}
		}
	}
	return nil
}

// Deliver implements province.Adapter.
func (f *Fake) Deliver(_ context.Context, items []province.Item) ([]province.Result, error) {
	if err := f.hook("deliver", items); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]province.Result, len(items))
	for i, it := range items {
		h := it.HoSo
		out[i] = province.Result{Code: h.MaHoSo, Key: it.Key}
		if err := f.check(h); err != nil {
			out[i].Err = err
			continue
		}
		if it.Key != "" && f.receipts[it.Key] {
			out[i].Duplicate = true
		} else {
			f.apply(h)
			if it.Key != "" {
				f.receipts[it.Key] = true
			}
		}
		d := f.dossiers[h.MaHoSo]
		for _, s := range it.Steps {
			if !d.steps[s] {
				d.steps[s] = true
				d.order = append(d.order, s)
			}
		}
	}
	return out, nil
}

func (f *Fake) apply(h province.HoSo) {
	cur := f.dossiers[h.MaHoSo]
	if cur == nil {
		f.dossiers[h.MaHoSo] = &fakeDossier{h: h, steps: map[province.QuaTrinhXuLy]bool{}}
		f.writes[h.MaHoSo]++
		return
	}
	if h.PhienBan < cur.h.PhienBan {
		return
	}
	prev := cur.h
	curSt, _ := strconv.Atoi(prev.TrangThaiHoSo)
	next, _ := strconv.Atoi(h.TrangThaiHoSo)
	cur.h = h
	if cur.upstream && next != curSt && !motcua.CanMove(motcua.Status(curSt), motcua.Status(next)) {
		cur.h.TrangThaiHoSo = prev.TrangThaiHoSo
	} else {
		cur.upstream = false
	}
	if cur.extended && prev.NgayHenTra > h.NgayHenTra {
		cur.h.NgayHenTra = prev.NgayHenTra
	}
	if len(cur.h.DanhSachGiayToKetQua) == 0 {
		cur.h.DanhSachGiayToKetQua = prev.DanhSachGiayToKetQua
	}
	f.writes[h.MaHoSo]++
}

// Upload implements province.Adapter: it reads the whole file and checks
// its hash.
func (f *Fake) Upload(ctx context.Context, u tus.Upload) (string, error) {
	if err := f.hook("upload", nil); err != nil {
		return "", err
	}
	rc, err := u.Open(ctx)
	if err != nil {
		return "", &province.Error{Op: "tải tệp", Class: province.Invalid, Err: err}
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", &province.Error{Op: "tải tệp", Class: province.Transient, Err: err}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n != u.Size || (u.SHA256 != "" && sum != u.SHA256) {
		return "", &province.Error{Op: "tải tệp", Class: province.Invalid, Message: "SHA-256 hoặc kích thước không khớp"}
	}
	url := "https://fake.invalid/files/" + sum[:32]
	f.mu.Lock()
	f.files[url] = sum
	f.mu.Unlock()
	return url, nil
}

// Lookup implements province.Adapter.
func (f *Fake) Lookup(_ context.Context, code string) (*province.HoSo, error) {
	if err := f.hook("lookup", nil); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.dossiers[code]
	if d == nil {
		return nil, &province.Error{Op: province.ServiceLookup, Class: province.NotFound, Code: province.CodeNotFound,
			Message: "không có hồ sơ " + code}
	}
	h := d.h
	h.MaGoiTin = ""
	h.QuaTrinhXuLy = append([]province.QuaTrinhXuLy{}, d.order...)
	return &h, nil
}

// Changes implements province.Adapter.
func (f *Fake) Changes(_ context.Context, cursor string, limit int) (province.Page, error) {
	if err := f.hook("changes", nil); err != nil {
		return province.Page{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	after := 0
	if cursor != "" {
		var err error
		if after, err = strconv.Atoi(cursor); err != nil {
			return province.Page{}, invalid(province.CodeBadRequest, "cursor sai")
		}
	}
	if limit <= 0 {
		limit = 100
	}
	p := province.Page{Cursor: strconv.Itoa(after), Changes: []province.Change{}}
	for i := after; i < len(f.feed); i++ {
		if len(p.Changes) == limit {
			p.More = true
			break
		}
		p.Changes = append(p.Changes, f.feed[i])
		p.Cursor = strconv.Itoa(i + 1)
	}
	return p, nil
}

// Act plays the province: the same actions as the reference server's
// admin endpoints.
func (f *Fake) Act(_ context.Context, code, kind, reason string, due time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.dossiers[code]
	if d == nil {
		return fmt.Errorf("không có hồ sơ %s", code)
	}
	n, _ := strconv.Atoi(d.h.TrangThaiHoSo)
	st := motcua.Status(n)
	c := province.Change{Seq: int64(len(f.feed) + 1), Code: code, Reason: reason, At: province.FormatDate(motcua.OrSystem(f.Clock).Now()),
		Actor: "Hệ thống một cửa tỉnh"}
	move := func(to motcua.Status) error {
		if st == to {
			return nil
		}
		if err := motcua.CheckTransition(st, to, reason); err != nil {
			return err
		}
		st = to
		d.upstream = true
		return nil
	}
	var err error
	switch kind {
	case "process":
		c.Kind, err = province.ChangeStatus, move(motcua.StatusProcessing)
	case "done":
		c.Kind, err = province.ChangeStatus, move(motcua.StatusDone)
	case "result":
		c.Kind, err = province.ChangeResult, move(motcua.StatusDone)
		c.Results = []province.GiayToKetQua{{TenGiayTo: "Kết quả", GiayToId: code + "-KQ1"}}
		d.h.DanhSachGiayToKetQua = c.Results
	case "supplement":
		c.Kind, err = province.ChangeSupplement, move(motcua.StatusSupplement)
	case "extend":
		c.Kind = province.ChangeExtension
		switch {
		case d.extended || !st.Active() || strings.TrimSpace(reason) == "":
			err = fmt.Errorf("không gia hạn được hồ sơ %s", code)
		default:
			d.extended, d.upstream = true, true
			d.h.NgayHenTra = province.FormatDate(due)
		}
	default:
		return unknown(kind)
	}
	if err != nil {
		return err
	}
	d.h.TrangThaiHoSo = strconv.Itoa(int(st))
	c.Status, c.Due = d.h.TrangThaiHoSo, d.h.NgayHenTra
	f.feed = append(f.feed, c)
	return nil
}
