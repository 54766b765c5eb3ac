package syncing_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/app/reports"
	"motcua/app/syncing"
	"motcua/assets"
	"motcua/storage"
	"motcua/storage/blob"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// movingClock is one fixed clock for the station, its store, the engine
// and the province; the test moves it.
type movingClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *movingClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *movingClock) Set(t time.Time) { c.mu.Lock(); c.at = t; c.mu.Unlock() }

// scanJPEG writes an A5 page "scanned" at 200 dpi, with a JFIF density
// as scanners write it; shade makes pages of different content.
func scanJPEG(t *testing.T, path string, shade uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1169, 1654))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 200; y < 1400; y += 60 {
		for x := 150; x < 1000; x++ {
			for k := range 12 {
				img.SetGray(x, y+k, color.Gray{Y: shade})
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	const dpi = 200
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, dpi, 0, dpi, 0, 0}
	if err := os.WriteFile(path, append(append(append([]byte{}, j[:2]...), app0...), j[2:]...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// counterStation is a station with digitisation and the citizen's store
// wired as the window does, on a clock the test moves.
type counterStation struct {
	dir   string
	clock *movingClock
	st    *storage.Store
	blobs *blob.Store
	svc   *app.Service
}

func newCounterStation(t *testing.T, at time.Time) *counterStation {
	t.Helper()
	c := &counterStation{dir: t.TempDir(), clock: &movingClock{at: at}}
	s, err := storage.Open(filepath.Join(c.dir, "motcua.db"), storage.WithClock(c.clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c.st = s
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	// The seed asks a digitised result of the marriage registration only;
	// the test's province asks it of the marital-status certificate too.
	for i := range cat.Procedures {
		if p := &cat.Procedures[i]; p.Code == "1.004873" && p.Result != nil {
			p.Result.DigitiseRequired = true
		}
	}
	c.svc = app.New(s, motcua.DefaultCalendar(), cat)
	c.svc.Clock = c.clock
	if err := c.svc.Init(ctx, app.Station{AgencyID: agency, AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 1, N: 1}}, "test"); err != nil {
		t.Fatal(err)
	}
	keys, err := app.LoadKeys(ctx, c.dir, s, "1/1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if c.blobs, err = storage.OpenBlobs(c.dir); err != nil {
		t.Fatal(err)
	}
	c.svc.Scans = &app.Scans{Attachments: s, Blobs: c.blobs, Signer: keys, Citizens: s}
	return c
}

func (c *counterStation) scan(t *testing.T, name string, shade uint8) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	scanJPEG(t, p, shade)
	return p
}

func (c *counterStation) audit(t *testing.T, prefix string) []continuity.AuditRecord {
	t.Helper()
	trail, err := c.st.AuditTrail(ctx, continuity.AuditFilter{ActionPrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return trail
}

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *motcua.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error %v; want %s", err, code)
	}
	t.Logf("%s: %s", code, motcua.ErrorMessage(err))
}

// provincePeer is the reference provincial server on 127.0.0.1 with the
// station's clock.
func provincePeer(t *testing.T, clock motcua.Clock) (*refserver.Server, string) {
	t.Helper()
	addr := freeAddr(t)
	srv, err := refserver.Open(refserver.Config{DBPath: filepath.Join(t.TempDir(), "province.db"), Agencies: []string{agency},
		PublicURL: "http://" + addr, AdminToken: "admin", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddUser(ctx, reftest.User, reftest.Password); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv, "http://" + addr
}

const (
	tuyetCCCD = "001190123456||Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú|15042021"
	tuyetID   = "001190123456"
)

var officer = app.Actor{Username: "lan.nt", Role: app.RoleOfficer}

// TestResultStoreReuseEndToEnd: an intake with the citizen's consent → the
// result returned and digitised → the same citizen's second intake a month
// later reuses two documents without a scan; the sync message carries the
// result file and the reuse flags; the reference province stores them; the
// month's report counts one reuse dossier. Bad input on the way (a result
// before processing, a validity before the issue date, a return without
// the required digitised result, a typed ID that fails its check, a reuse
// of a document that expired an hour ago) is refused and changes nothing.
func TestResultStoreReuseEndToEnd(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, motcua.Location) // a Monday
	c := newCounterStation(t, t0)
	prov, url := provincePeer(t, c.clock)
	configure(t, c.st, url)
	opts := fast()
	opts.Clock, opts.Files = c.clock, storage.AttachmentFiles{Store: c.st, Blobs: c.blobs}
	r, err := syncing.New(ctx, c.st, c.st.Queue(), opts)
	if err != nil {
		t.Fatal(err)
	}
	syncAll := func() {
		t.Helper()
		rep, err := r.SyncOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Quarantined) > 0 || rep.Retrying > 0 {
			t.Fatalf("sync: %+v", rep)
		}
	}
	svc := c.svc

	// 1. The first intake, with the citizen's consent, and the CCCD copy scanned.
	d1, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", CCCD: tuyetCCCD, By: officer, StoreConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	if !d1.StoreConsent {
		t.Fatal("consent not kept on the dossier")
	}
	if got, _ := c.st.Get(ctx, d1.Code); !got.StoreConsent {
		t.Fatal("consent not stored")
	}
	idIdx := componentIndex(t, d1, "Giấy tờ tùy thân")
	idScan, err := svc.Attach(ctx, d1.Code, idIdx, []string{c.scan(t, "cccd.jpg", 30)}, "Nguyễn Thị Lan")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.audit(t, "store.consent")) != 1 || len(c.audit(t, "store.keep")) != 1 {
		t.Fatalf("consent/keep audit: %+v %+v", c.audit(t, "store.consent"), c.audit(t, "store.keep"))
	}

	// A result before the dossier is processed: refused, nothing stored.
	resultScan := c.scan(t, "ket-qua.jpg", 80)
	_, err = svc.AttachResult(ctx, app.ResultRequest{Code: d1.Code, By: officer, Files: []string{resultScan}})
	wantErrCode(t, err, app.ErrResultNotReady)
	if as, _ := svc.Attachments(ctx, d1.Code); len(as) != 1 {
		t.Fatalf("%d attachments after a refused result", len(as))
	}
	c.clock.Set(t0.Add(2 * time.Hour))
	for _, to := range []motcua.Status{motcua.StatusProcessing, motcua.StatusDone} {
		if _, err := svc.Advance(ctx, d1.Code, officer, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	// The procedure requires a digitised result: the return asks for it.
	_, err = svc.Return(ctx, d1.Code, officer, "")
	wantErrCode(t, err, app.ErrResultNotDigitised)
	if got, _ := c.st.Get(ctx, d1.Code); got.Status != motcua.StatusDone {
		t.Fatalf("status %v after a refused return", got.Status)
	}
	// A validity date before the issue date.
	_, err = svc.AttachResult(ctx, app.ResultRequest{Code: d1.Code, By: officer, Files: []string{resultScan},
		ValidUntil: t0.AddDate(0, 0, -1)})
	wantErrCode(t, err, app.ErrValidityBeforeIssue)
	if as, _ := svc.Attachments(ctx, d1.Code); len(as) != 1 {
		t.Fatalf("%d attachments after a refused validity", len(as))
	}
	res, err := svc.AttachResult(ctx, app.ResultRequest{Code: d1.Code, By: officer, Officer: "Nguyễn Thị Lan", Files: []string{resultScan}})
	if err != nil {
		t.Fatal(err)
	}
	issued := t0.Add(2 * time.Hour)
	if res.Kind != app.KindResult || res.Component != "Giấy xác nhận tình trạng hôn nhân" || !res.IssuedAt.Equal(issued) ||
		!res.ValidUntil.Equal(issued.AddDate(0, 6, 0)) || !res.Stamped {
		t.Fatalf("result = %+v", res)
	}
	if st, _ := svc.ResultOf(ctx, d1); !st.Required || !st.Digitised {
		t.Fatalf("result state %+v", st)
	}
	if _, err := svc.Return(ctx, d1.Code, officer, "Nhận tận tay"); err != nil {
		t.Fatal(err)
	}
	syncAll()
	got1, err := prov.Dossier(ctx, d1.Code)
	if err != nil || got1 == nil {
		t.Fatalf("province: %v %v", got1, err)
	}
	kq := got1.HoSo.DanhSachGiayToKetQua
	if got1.HoSo.TrangThaiHoSo != "10" || len(kq) != 1 || kq[0].TenGiayTo != res.Component || kq[0].SHA256 != res.SHA256 ||
		kq[0].DuongDanTepTinKetQua == "" || len(got1.HoSo.TaiLieuNop) != 1 {
		t.Fatalf("province holds status %s, results %+v, %d TaiLieuNop", got1.HoSo.TrangThaiHoSo, kq, len(got1.HoSo.TaiLieuNop))
	}
	rc, info, err := prov.OpenUpload(ctx, kq[0].DuongDanTepTinKetQua)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != res.SHA256 || info.Length != res.Size {
		t.Fatalf("the province's result file is not the digitised one (%d bytes)", len(body))
	}

	// 2. The same citizen a month later: a marriage registration. The
	// store offers the CCCD copy and the marital-status certificate.
	t1 := time.Date(2026, 12, 2, 9, 0, 0, 0, motcua.Location)
	c.clock.Set(t1)
	_, _, err = svc.CitizenDocs(ctx, officer, app.StoreQuery{IDNumber: "001090123456", Gender: "Nữ"})
	wantErrCode(t, err, "ERR_ID_GENDER_MISMATCH")
	_, _, err = svc.CitizenDocs(ctx, officer, app.StoreQuery{IDNumber: "999190123456"})
	wantErrCode(t, err, "ERR_ID_PROVINCE_CODE")
	id, docs, err := svc.CitizenDocs(ctx, officer, app.StoreQuery{IDNumber: tuyetID, Gender: "Nữ", DOB: time.Date(1990, 1, 1, 0, 0, 0, 0, motcua.Location)})
	if err != nil || id != tuyetID || len(docs) != 2 {
		t.Fatalf("store of %s: %+v %v", id, docs, err)
	}
	sugg, err := svc.Suggestions(ctx, tuyetID, "1.000894")
	if err != nil {
		t.Fatal(err)
	}
	var reuse []app.Reuse
	for _, s := range sugg {
		if s.Expired {
			t.Fatalf("suggestion %+v expired a month after issue", s)
		}
		reuse = append(reuse, app.Reuse{Component: s.Component, Doc: s.Doc.ID})
	}
	if len(reuse) != 2 {
		t.Fatalf("suggestions %+v; want the CCCD copy and the certificate", sugg)
	}
	p, _ := svc.Procedure("1.000894")
	comps := checklist(p)
	d2, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.000894", CCCD: tuyetCCCD, By: officer, Components: comps,
		StoreConsent: true, Reuse: reuse})
	if err != nil {
		t.Fatal(err)
	}
	as2, err := svc.Attachments(ctx, d2.Code)
	if err != nil || len(as2) != 2 {
		t.Fatalf("second dossier's documents: %+v %v", as2, err)
	}
	want := map[string]bool{idScan.SHA256: true, res.SHA256: true}
	for _, a := range as2 {
		if a.ReusedFrom == 0 || !want[a.SHA256] || a.Kind != app.KindInput {
			t.Fatalf("reused document %+v", a)
		}
	}
	if n := len(c.audit(t, "store.reuse")); n != 2 {
		t.Fatalf("%d reuse audit entries", n)
	}
	if n := len(c.audit(t, "dossier.attach")); n != 1 {
		t.Fatalf("%d scans attached in all; the second intake scanned nothing", n)
	}
	// The store does not grow with the reused documents.
	if _, docs, _ := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD}); len(docs) != 2 {
		t.Fatalf("store holds %d documents after the reuse", len(docs))
	}
	syncAll()
	got2, err := prov.Dossier(ctx, d2.Code)
	if err != nil || got2 == nil {
		t.Fatalf("province: %v %v", got2, err)
	}
	if got2.HoSo.HoSoCoThanhPhanSoHoa != "1" || len(got2.HoSo.TaiLieuNop) != 2 {
		t.Fatalf("province holds HoSoCoThanhPhanSoHoa %q, TaiLieuNop %+v", got2.HoSo.HoSoCoThanhPhanSoHoa, got2.HoSo.TaiLieuNop)
	}
	for _, f := range got2.HoSo.TaiLieuNop {
		if f.DuocTaiSuDung != "1" || f.DuocSoHoa != "1" || f.DuongDanTaiTepTin == "" {
			t.Fatalf("TaiLieuNop %+v: want reused and digitised", f)
		}
	}
	rep, err := reports.New(storage.ReportSource{S: c.st}, motcua.DefaultCalendar(), c.clock).Statistics(ctx, reports.Month(2026, time.December))
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range rep.Indicators {
		if ind.ID == "reuse" && (ind.Numerator != 1 || ind.Denominator != 1) {
			t.Fatalf("reuse share %+v; want 1/1", ind)
		}
	}
	nov, _ := reports.New(storage.ReportSource{S: c.st}, motcua.DefaultCalendar(), c.clock).Statistics(ctx, reports.Month(2026, time.November))
	for _, ind := range nov.Indicators {
		if ind.ID == "reuse" && ind.Numerator != 0 {
			t.Fatalf("November's reuse share %+v; the first dossier reused nothing", ind)
		}
	}

	// 3. An hour after the certificate's validity ended: shown as expired,
	// not offered, and a reuse is refused with nothing saved.
	c.clock.Set(res.ValidUntil.Add(time.Hour))
	sugg, err = svc.Suggestions(ctx, tuyetID, "1.000894")
	if err != nil {
		t.Fatal(err)
	}
	var expired *app.Suggestion
	for i := range sugg {
		if sugg[i].Doc.ID == reuse[0].Doc || sugg[i].Doc.ID == reuse[1].Doc {
			if sugg[i].Doc.AttachmentID == res.ID {
				expired = &sugg[i]
			} else if sugg[i].Expired {
				t.Fatalf("the CCCD copy (no validity limit) shown expired: %+v", sugg[i])
			}
		}
	}
	if expired == nil || !expired.Expired {
		t.Fatalf("the certificate is not shown as expired: %+v", sugg)
	}
	before, _ := c.st.Count(ctx, app.ListFilter{})
	_, err = svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.000894", CCCD: tuyetCCCD, By: officer, Components: checklist(p),
		Reuse: []app.Reuse{{Component: expired.Component, Doc: expired.Doc.ID}}})
	wantErrCode(t, err, app.ErrStoreDocExpired)
	if after, _ := c.st.Count(ctx, app.ListFilter{}); after != before {
		t.Fatalf("%d dossiers after a refused reuse, %d before", after, before)
	}
}

func componentIndex(t *testing.T, d *motcua.Dossier, prefix string) int {
	t.Helper()
	for i, c := range d.Components {
		if len(c.Name) >= len(prefix) && c.Name[:len(prefix)] == prefix {
			return i
		}
	}
	t.Fatalf("dossier %s has no component %q", d.Code, prefix)
	return -1
}

func checklist(p motcua.Procedure) []motcua.Component {
	var out []motcua.Component
	for _, c := range p.Components {
		out = append(out, motcua.Component{Name: c.Name, Original: c.Original, Certified: c.Certified, Copy: c.Copy})
	}
	return out
}

// TestStoreWithdrawAndExpiry: withdrawn consent and the end of the
// retention remove the documents from the store and leave the dossiers
// whole, each with its audit entries; a document of a dossier received
// before the withdrawal does not come back; a reuse after the withdrawal
// is refused with nothing saved; no consent, no store.
func TestStoreWithdrawAndExpiry(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, motcua.Location)
	c := newCounterStation(t, t0)
	svc := c.svc
	admin := app.Actor{Username: "admin", Role: app.RoleAdmin}

	// No consent: the scans stay with the dossier only.
	binhCCCD := "038085001234||Trần Văn Bình|05091985|Nam|Thôn 1, xã Quảng Phú|01012022"
	dn, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", CCCD: binhCCCD, By: officer})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Attach(ctx, dn.Code, componentIndex(t, dn, "Giấy tờ tùy thân"), []string{c.scan(t, "a.jpg", 40)}, "Nguyễn Thị Lan"); err != nil {
		t.Fatal(err)
	}
	if _, docs, err := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: binhCCCD}); err != nil || len(docs) != 0 {
		t.Fatalf("without consent the store holds %+v (%v)", docs, err)
	}
	// Consent needs the 12-digit personal ID.
	_, err = svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", By: officer, StoreConsent: true,
		Applicant: motcua.Applicant{Name: "Lê Văn Cũ", IDNumber: "123456789"}})
	wantErrCode(t, err, motcua.ErrBadValue)

	// Consent, two documents, then withdrawal.
	d1, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", CCCD: tuyetCCCD, By: officer, StoreConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, shade := range []uint8{20, 60} {
		if _, err := svc.Attach(ctx, d1.Code, i, []string{c.scan(t, "p.jpg", shade)}, "Nguyễn Thị Lan"); err != nil {
			t.Fatal(err)
		}
	}
	_, docs, err := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD})
	if err != nil || len(docs) != 2 {
		t.Fatalf("store: %+v %v", docs, err)
	}
	c.clock.Set(t0.Add(time.Hour))
	removed, err := svc.WithdrawConsent(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD})
	if err != nil || len(removed) != 2 {
		t.Fatalf("withdrawal removed %+v (%v)", removed, err)
	}
	if _, docs, _ := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD}); len(docs) != 0 {
		t.Fatalf("after withdrawal the store holds %+v", docs)
	}
	if as, _ := svc.Attachments(ctx, d1.Code); len(as) != 2 {
		t.Fatalf("the dossier lost its documents: %d left", len(as))
	}
	if w, r := c.audit(t, "store.withdraw"), c.audit(t, "store.remove"); len(w) != 1 || len(r) != 2 || w[0].Subject != app.MaskID(tuyetID) {
		t.Fatalf("withdrawal audit %+v / %+v", w, r)
	}
	for _, e := range c.audit(t, "store.") {
		if bytes.Contains([]byte(e.Subject+e.Detail), []byte(tuyetID)) {
			t.Fatalf("audit entry %+v holds the ID number in clear", e)
		}
	}
	// A later scan of the same dossier does not bring it back.
	if _, err := svc.Attach(ctx, d1.Code, 2, []string{c.scan(t, "q.jpg", 90)}, "Nguyễn Thị Lan"); err != nil {
		t.Fatal(err)
	}
	if _, docs, _ := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD}); len(docs) != 0 {
		t.Fatalf("a document of a withdrawn dossier entered the store: %+v", docs)
	}
	// A reuse of a withdrawn document is refused, nothing saved.
	before, _ := c.st.Count(ctx, app.ListFilter{})
	_, err = svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", CCCD: tuyetCCCD, By: officer,
		Reuse: []app.Reuse{{Component: 0, Doc: removed[0].ID}}})
	wantErrCode(t, err, app.ErrStoreNoConsent)
	if after, _ := c.st.Count(ctx, app.ListFilter{}); after != before {
		t.Fatalf("%d dossiers after a refused reuse, %d before", after, before)
	}

	// A new intake with consent, later, starts again; the retention ends it.
	c.clock.Set(t0.Add(90 * time.Minute))
	d2, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", CCCD: tuyetCCCD, By: officer, StoreConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Attach(ctx, d2.Code, 0, []string{c.scan(t, "r.jpg", 120)}, "Nguyễn Thị Lan"); err != nil {
		t.Fatal(err)
	}
	if _, docs, _ := svc.CitizenDocs(ctx, officer, app.StoreQuery{CCCD: tuyetCCCD}); len(docs) != 1 || docs[0].SourceDossier != d2.Code {
		t.Fatalf("after a new consent the store holds %+v", docs)
	}
	wantErrCode(t, svc.SetStoreRetention(ctx, officer, 12), app.ErrForbidden)
	wantErrCode(t, svc.SetStoreRetention(ctx, admin, 0), motcua.ErrBadValue)
	if err := svc.SetStoreRetention(ctx, admin, 12); err != nil {
		t.Fatal(err)
	}
	c.clock.Set(t0.AddDate(0, 11, 0))
	if gone, err := svc.ExpireStore(ctx, admin); err != nil || len(gone) != 0 {
		t.Fatalf("expired before the retention ended: %+v %v", gone, err)
	}
	c.clock.Set(t0.AddDate(0, 12, 0).Add(2 * time.Hour))
	gone, err := svc.ExpireStore(ctx, admin)
	if err != nil || len(gone) != 1 || gone[0].SourceDossier != d2.Code {
		t.Fatalf("expiry removed %+v (%v)", gone, err)
	}
	if _, docs, _ := svc.CitizenDocs(ctx, officer, app.StoreQuery{IDNumber: tuyetID}); len(docs) != 0 {
		t.Fatalf("after the retention the store holds %+v", docs)
	}
	if as, _ := svc.Attachments(ctx, d2.Code); len(as) != 1 {
		t.Fatalf("the dossier lost its document at the end of the store's retention")
	}
	if e := c.audit(t, "store.expire"); len(e) != 1 || e[0].Subject != d2.Code {
		t.Fatalf("expiry audit %+v", e)
	}
	if r := c.audit(t, "store.retention"); len(r) != 1 {
		t.Fatalf("retention audit %+v", r)
	}
}
