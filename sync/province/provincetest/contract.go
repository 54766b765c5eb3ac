// Package provincetest holds what every province adapter is tested with:
// one contract suite, run against the resty adapter talking to the
// reference server and against Fake (the in-memory adapter the worker's
// unit tests use), so the fake cannot drift from the real thing.
package provincetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// Harness is one adapter under test with the means to act as the
// province.
type Harness struct {
	Adapter province.Adapter
	Agency  string // the agency the adapter sends as
	// Act performs a province action on a dossier: "process", "done",
	// "result", "extend" (with due), "supplement" (with reason).
	Act func(ctx context.Context, code, kind, reason string, due time.Time) error
}

// Day is the receipt day of the dossiers the suite builds.
var Day = time.Date(2026, 11, 24, 8, 30, 0, 0, motcua.Location)

// Clock is the province's clock in the suite: it reads an hour after Day
// when made and runs on, so the dossiers the suite builds are in its past
// whatever day the tests run. Every peer under the contract uses it.
func Clock() motcua.Clock {
	start := motcua.StartStopwatch()
	at := Day.Add(time.Hour)
	return motcua.ClockFunc(func() time.Time { return at.Add(start.Elapsed()) })
}

// Dossier builds a valid received dossier of agency with sequence seq.
func Dossier(agency string, seq int) *motcua.Dossier {
	code, err := motcua.NewDossierCode(agency, Day, seq)
	if err != nil {
		panic(err)
	}
	at := Day.Add(time.Duration(seq) * time.Second)
	d := &motcua.Dossier{
		Code:      code.String(),
		Procedure: motcua.ProcedureRef{Code: "1.001757", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		Channel:   motcua.ChannelDirect,
		Applicant: motcua.Applicant{Name: "Nguyễn Văn An", IDNumber: "001090123456", Phone: "0912345678",
			Address: "Thôn Đông, xã Quảng Phú", SubjectType: motcua.SubjectCitizen},
		Components: []motcua.Component{{Name: "Tờ khai đăng ký khai sinh", Original: 1}},
		Fee:        0,
		ReceivedAt: at,
		DueAt:      at.Add(72 * time.Hour),
		Status:     motcua.StatusNew,
		Officer:    "canbo1",
	}
	if err := d.Move(motcua.StatusReceived, "accept", "canbo1", "", at); err != nil {
		panic(err)
	}
	return d
}

// Item maps a dossier to an item with key.
func Item(d *motcua.Dossier, key string, create bool, files ...province.File) province.Item {
	var p province.Profile
	return province.Item{Key: key, Create: create, HoSo: p.HoSo(d, files), Steps: p.Steps(d)}
}

// Contract runs the suite. newHarness gives a fresh, empty province each
// time it is called.
func Contract(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()
	deliver := func(t *testing.T, a province.Adapter, items ...province.Item) []province.Result {
		t.Helper()
		res, err := a.Deliver(ctx, items)
		if err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if len(res) != len(items) {
			t.Fatalf("Deliver returned %d results for %d items", len(res), len(items))
		}
		return res
	}
	t.Run("CreateThenLookup", func(t *testing.T) {
		h := newHarness(t)
		d := Dossier(h.Agency, 1)
		res := deliver(t, h.Adapter, Item(d, "m1", true))
		if res[0].Err != nil || res[0].Duplicate {
			t.Fatalf("result = %+v", res[0])
		}
		got, err := h.Adapter.Lookup(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.MaHoSo != d.Code || got.TrangThaiHoSo != "2" || got.ChuHoSo != "Nguyễn Văn An" ||
			got.NgayTiepNhan != province.FormatDate(d.ReceivedAt) || got.NgayHenTra != province.FormatDate(d.DueAt) {
			t.Fatalf("looked up %+v", got)
		}
		if len(got.QuaTrinhXuLy) != 1 || got.QuaTrinhXuLy[0].TrangThai != "2" {
			t.Fatalf("steps = %+v", got.QuaTrinhXuLy)
		}
	})
	t.Run("ResentIsAcknowledgedOnce", func(t *testing.T) {
		h := newHarness(t)
		d := Dossier(h.Agency, 2)
		deliver(t, h.Adapter, Item(d, "m1", true))
		for range 2 {
			res := deliver(t, h.Adapter, Item(d, "m1", true))
			if res[0].Err != nil || !res[0].Duplicate {
				t.Fatalf("re-sent: %+v", res[0])
			}
		}
		got, _ := h.Adapter.Lookup(ctx, d.Code)
		if len(got.QuaTrinhXuLy) != 1 {
			t.Fatalf("steps stored %d times", len(got.QuaTrinhXuLy))
		}
	})
	t.Run("UpdateInOrder", func(t *testing.T) {
		h := newHarness(t)
		d := Dossier(h.Agency, 3)
		deliver(t, h.Adapter, Item(d, "m1", true))
		old := Item(d, "m2-stale", false)
		if err := d.Move(motcua.StatusDone, "advance", "canbo1", "", d.ReceivedAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if res := deliver(t, h.Adapter, Item(d, "m2", false)); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		// A stale snapshot arriving late is acknowledged but changes nothing.
		if res := deliver(t, h.Adapter, old); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		got, _ := h.Adapter.Lookup(ctx, d.Code)
		if got.TrangThaiHoSo != "9" || len(got.QuaTrinhXuLy) != 2 {
			t.Fatalf("status %s, %d steps; want 9 and 2", got.TrangThaiHoSo, len(got.QuaTrinhXuLy))
		}
	})
	t.Run("CreateOfExistingBecomesUpdate", func(t *testing.T) {
		h := newHarness(t)
		d := Dossier(h.Agency, 4)
		deliver(t, h.Adapter, Item(d, "m1", true))
		d.Applicant.Phone = "0987654321"
		if res := deliver(t, h.Adapter, Item(d, "restored-m1", true)); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		got, _ := h.Adapter.Lookup(ctx, d.Code)
		if got.SoDienThoai != "0987654321" {
			t.Fatalf("phone %q: the second create was not applied as an update", got.SoDienThoai)
		}
	})
	t.Run("ErrInvalidDoesNotBlockOthers", func(t *testing.T) {
		h := newHarness(t)
		good, bad := Dossier(h.Agency, 5), Dossier(h.Agency, 6)
		badItem := Item(bad, "bad", true)
		badItem.HoSo.NgayTiepNhan = "24/11/2026"
		other := Dossier("000.00.99.H99", 7)
		res := deliver(t, h.Adapter, Item(good, "good", true), badItem, Item(other, "other", true))
		if res[0].Err != nil {
			t.Fatalf("good item: %v", res[0].Err)
		}
		if province.Classify(res[1].Err) != province.Invalid {
			t.Fatalf("bad date: %v (class %v); want invalid", res[1].Err, province.Classify(res[1].Err))
		}
		if province.Classify(res[2].Err) != province.Invalid {
			t.Fatalf("other agency: %v; want invalid", res[2].Err)
		}
		if _, err := h.Adapter.Lookup(ctx, bad.Code); province.Classify(err) != province.NotFound {
			t.Fatalf("rejected dossier lookup: %v; want not found", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		h := newHarness(t)
		_, err := h.Adapter.Lookup(ctx, Dossier(h.Agency, 99).Code)
		if province.Classify(err) != province.NotFound {
			t.Fatalf("err = %v; want not found", err)
		}
	})
	t.Run("ChangesByCursor", func(t *testing.T) {
		h := newHarness(t)
		d1, d2 := Dossier(h.Agency, 10), Dossier(h.Agency, 11)
		deliver(t, h.Adapter, Item(d1, "a", true), Item(d2, "b", true))
		page, err := h.Adapter.Changes(ctx, "", 10)
		if err != nil || len(page.Changes) != 0 {
			t.Fatalf("empty feed: %+v %v", page, err)
		}
		start := page.Cursor
		if err := h.Act(ctx, d1.Code, "process", "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		newDue := d2.DueAt.Add(48 * time.Hour)
		if err := h.Act(ctx, d2.Code, "extend", "Cần xác minh thêm", newDue); err != nil {
			t.Fatal(err)
		}
		if err := h.Act(ctx, d1.Code, "result", "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		page, err = h.Adapter.Changes(ctx, start, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Changes) != 2 || !page.More {
			t.Fatalf("first page: %+v", page)
		}
		c0, c1 := page.Changes[0], page.Changes[1]
		if c0.Code != d1.Code || c0.Kind != province.ChangeStatus || c0.Status != "4" {
			t.Fatalf("change 0 = %+v", c0)
		}
		if c1.Code != d2.Code || c1.Kind != province.ChangeExtension || c1.Due != province.FormatDate(newDue) || c1.Reason == "" {
			t.Fatalf("change 1 = %+v", c1)
		}
		page, err = h.Adapter.Changes(ctx, page.Cursor, 10)
		if err != nil || len(page.Changes) != 1 || page.More {
			t.Fatalf("second page: %+v %v", page, err)
		}
		if c := page.Changes[0]; c.Kind != province.ChangeResult || c.Status != "9" || len(c.Results) == 0 {
			t.Fatalf("change 2 = %+v", c)
		}
		again, err := h.Adapter.Changes(ctx, page.Cursor, 10)
		if err != nil || len(again.Changes) != 0 || again.Cursor != page.Cursor {
			t.Fatalf("after the end: %+v %v", again, err)
		}
		// The province's decision stands against a stale commune snapshot.
		if res := deliver(t, h.Adapter, Item(d1, "late", false)); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		got, _ := h.Adapter.Lookup(ctx, d1.Code)
		if got.TrangThaiHoSo != "9" {
			t.Fatalf("status %s after a stale commune update; want the province's 9", got.TrangThaiHoSo)
		}
	})
	t.Run("AttachmentFirst", func(t *testing.T) {
		h := newHarness(t)
		data := bytes.Repeat([]byte("trang scan "), 5000)
		sum := sha256.Sum256(data)
		u := tus.Upload{Name: "to-khai.pdf", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		url, err := h.Adapter.Upload(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		d := Dossier(h.Agency, 20)
		f := province.File{ID: u.SHA256, Name: u.Name, Component: "TP1", URL: url, SHA256: u.SHA256}
		if res := deliver(t, h.Adapter, Item(d, "with-file", true, f)); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		got, _ := h.Adapter.Lookup(ctx, d.Code)
		if len(got.TaiLieuNop) != 1 || got.TaiLieuNop[0].DuongDanTaiTepTin != url {
			t.Fatalf("TaiLieuNop = %+v", got.TaiLieuNop)
		}
		// A dossier naming a file the province does not hold is not
		// accepted, and the failure is one an upload can fix.
		d2 := Dossier(h.Agency, 21)
		missing := f
		missing.URL = url[:len(url)-4] + "0000"
		res := deliver(t, h.Adapter, Item(d2, "missing-file", true, missing))
		if res[0].Err == nil || province.Classify(res[0].Err) != province.Transient {
			t.Fatalf("missing file: %v; want a transient error", res[0].Err)
		}
	})
	t.Run("ResultFileAndReuse", func(t *testing.T) {
		h := newHarness(t)
		up := func(name, content string) province.File {
			data := bytes.Repeat([]byte(content), 3000)
			sum := sha256.Sum256(data)
			u := tus.Upload{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
				Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
			url, err := h.Adapter.Upload(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return province.File{ID: u.SHA256, Name: name, URL: url, SHA256: u.SHA256}
		}
		id := up("cccd.pdf", "ban sao cccd ")
		id.Component, id.Reused = "Giấy tờ tùy thân", true
		res := up("ket-qua.pdf", "giay xac nhan ")
		res.Component, res.Result = "Giấy xác nhận tình trạng hôn nhân", true
		d := Dossier(h.Agency, 30)
		if err := d.Move(motcua.StatusDone, "advance", "canbo1", "", d.ReceivedAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		it := Item(d, "with-result", true, id, res)
		if len(it.HoSo.TaiLieuNop) != 1 || len(it.HoSo.DanhSachGiayToKetQua) != 1 {
			t.Fatalf("mapped %d TaiLieuNop, %d results; want 1 and 1", len(it.HoSo.TaiLieuNop), len(it.HoSo.DanhSachGiayToKetQua))
		}
		if r := deliver(t, h.Adapter, it); r[0].Err != nil {
			t.Fatal(r[0].Err)
		}
		got, err := h.Adapter.Lookup(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.TaiLieuNop) != 1 || got.TaiLieuNop[0].DuocTaiSuDung != "1" || got.TaiLieuNop[0].DuocSoHoa != "1" ||
			got.HoSoCoThanhPhanSoHoa != "1" {
			t.Fatalf("stored TaiLieuNop %+v, HoSoCoThanhPhanSoHoa %q", got.TaiLieuNop, got.HoSoCoThanhPhanSoHoa)
		}
		if len(got.DanhSachGiayToKetQua) != 1 || got.DanhSachGiayToKetQua[0].DuongDanTepTinKetQua != res.URL ||
			got.DanhSachGiayToKetQua[0].TenGiayTo != res.Component || got.DanhSachGiayToKetQua[0].SHA256 != res.SHA256 {
			t.Fatalf("stored results %+v", got.DanhSachGiayToKetQua)
		}
		// A result naming a file the province does not hold is not
		// accepted, and an upload can fix it; a result without a name is invalid.
		d2 := Dossier(h.Agency, 31)
		missing := res
		missing.URL = res.URL[:len(res.URL)-4] + "0000"
		r := deliver(t, h.Adapter, Item(d2, "missing-result", true, missing))
		if r[0].Err == nil || province.Classify(r[0].Err) != province.Transient {
			t.Fatalf("missing result file: %v; want a transient error", r[0].Err)
		}
		noName := Item(Dossier(h.Agency, 32), "no-name", true, res)
		noName.HoSo.DanhSachGiayToKetQua[0].TenGiayTo = ""
		if r := deliver(t, h.Adapter, noName); province.Classify(r[0].Err) != province.Invalid {
			t.Fatalf("result without a name: %v; want invalid", r[0].Err)
		}
	})
	t.Run("Batch", func(t *testing.T) {
		h := newHarness(t)
		var items []province.Item
		for i := range 120 {
			items = append(items, Item(Dossier(h.Agency, 100+i), "k"+strconv.Itoa(i), true))
		}
		for i, r := range deliver(t, h.Adapter, items...) {
			if r.Err != nil {
				t.Fatalf("item %d: %v", i, r.Err)
			}
		}
		got, err := h.Adapter.Lookup(ctx, items[119].HoSo.MaHoSo)
		if err != nil || got.MaHoSo != items[119].HoSo.MaHoSo {
			t.Fatalf("last of batch: %v", err)
		}
	})
}

// ErrUnknownAction is returned by Fake.Act for an unknown kind.
var ErrUnknownAction = errors.New("provincetest: unknown action")

func unknown(kind string) error { return fmt.Errorf("%w %q", ErrUnknownAction, kind) }
