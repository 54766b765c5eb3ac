package refserver

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// Admin actions: what the province does to a dossier.
const (
	ActProcess    = "process"    // → 4 Đang xử lý
	ActDone       = "done"       // → 9 Đã xử lý xong
	ActResult     = "result"     // result documents ready at the counter (→ 9 if not yet)
	ActExtend     = "extend"     // new due date, with the apology's reason
	ActSupplement = "supplement" // → 5 Yêu cầu bổ sung, with reason and documents
)

// Action is one province decision on a dossier.
type Action struct {
	Kind      string                  `json:"-"`
	Actor     string                  `json:"actor,omitempty"`
	Reason    string                  `json:"reason,omitempty"`
	Due       string                  `json:"due,omitempty"` // extend: yyyyMMddHHmmss
	Documents []string                `json:"documents,omitempty"`
	Results   []province.GiayToKetQua `json:"results,omitempty"`
}

// ActionError is an admin action the dossier's state does not allow.
type ActionError struct{ Msg string }

func (e *ActionError) Error() string { return e.Msg }

// Act applies a province action to a stored dossier, records the step,
// and publishes it on the change feed for the commune to pull.
func (s *Server) Act(ctx context.Context, code string, a Action) (province.Change, error) {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return province.Change{}, err
	}
	defer tx.Rollback()
	d, err := getDossier(ctx, tx, code)
	if err != nil {
		return province.Change{}, err
	}
	if d == nil {
		return province.Change{}, &ActionError{fmt.Sprintf("không có hồ sơ «%s»", code)}
	}
	now := s.now()
	if a.Actor == "" {
		a.Actor = "Hệ thống một cửa tỉnh"
	}
	reason := motcua.Clean(a.Reason)
	c := province.Change{Code: code, Actor: a.Actor, At: province.FormatDate(now), Reason: reason}
	move := func(to motcua.Status) error {
		if d.Status == to {
			return nil
		}
		if err := motcua.CheckTransition(d.Status, to, reason); err != nil {
			return &ActionError{motcua.ErrorMessage(err)}
		}
		d.Status = to
		d.HoSo.TrangThaiHoSo = strconv.Itoa(int(to))
		d.Upstream = true
		return nil
	}
	switch a.Kind {
	case ActProcess:
		err = move(motcua.StatusProcessing)
		c.Kind = province.ChangeStatus
	case ActDone:
		err = move(motcua.StatusDone)
		d.HoSo.NgayKetThucXuLy = c.At
		c.Kind = province.ChangeStatus
	case ActResult:
		err = move(motcua.StatusDone)
		if d.HoSo.NgayKetThucXuLy == "" {
			d.HoSo.NgayKetThucXuLy = c.At
		}
		if len(a.Results) == 0 {
			a.Results = []province.GiayToKetQua{{TenGiayTo: "Kết quả giải quyết thủ tục " + d.HoSo.TenTTHC,
				GiayToId: code + "-KQ1", MaGiayToKetQua: code + "-KQ1"}}
		}
		d.HoSo.DanhSachGiayToKetQua = a.Results
		c.Kind, c.Results = province.ChangeResult, a.Results
	case ActSupplement:
		err = move(motcua.StatusSupplement)
		c.Kind, c.Documents = province.ChangeSupplement, a.Documents
	case ActExtend:
		c.Kind = province.ChangeExtension
		err = s.extend(d, a, reason, now)
		c.Due = d.Due
	default:
		return province.Change{}, &ActionError{fmt.Sprintf("thao tác «%s» không tồn tại (process, done, result, extend, supplement)", a.Kind)}
	}
	if err != nil {
		return province.Change{}, err
	}
	c.Status = strconv.Itoa(int(d.Status))
	if c.Due == "" {
		c.Due = d.Due
	}
	if err := putDossier(ctx, tx, d, now, false, false); err != nil {
		return province.Change{}, err
	}
	step := province.QuaTrinhXuLy{MaHoSo: code, NguoiXuLy: a.Actor, ChucDanh: "Chuyên viên", ThoiDiemXuLy: c.At,
		PhongBanXuLy: "Cơ quan giải quyết", NoiDungXuLy: actionText(a.Kind, reason, c.Due), TrangThai: c.Status,
		NgayBatDau: c.At, NgayKetThucTheoQuyDinh: d.Due}
	if err := insertStep(ctx, tx, step); err != nil {
		return province.Change{}, err
	}
	raw, _ := json.Marshal(c)
	res, err := tx.ExecContext(ctx, `INSERT INTO feed(agency, code, change) VALUES (?, ?, ?)`, d.Agency, code, string(raw))
	if err != nil {
		return province.Change{}, err
	}
	if c.Seq, err = res.LastInsertId(); err != nil {
		return province.Change{}, err
	}
	return c, tx.Commit()
}

func (s *Server) extend(d *stored, a Action, reason string, now time.Time) error {
	if !d.Status.Active() {
		return &ActionError{fmt.Sprintf("chỉ gia hạn được hồ sơ đang giải quyết; hồ sơ đang «%s»", d.Status.Name())}
	}
	if d.Extended {
		return &ActionError{"hồ sơ đã được gia hạn một lần; pháp luật chỉ cho phép hẹn lại một lần"}
	}
	if reason == "" {
		return &ActionError{"phải ghi lý do xin lỗi và gia hạn"}
	}
	due, err := province.ParseDate(a.Due)
	if err != nil {
		return &ActionError{"due: " + err.Error()}
	}
	if cur, err := province.ParseDate(d.Due); err == nil && !due.After(cur) {
		return &ActionError{fmt.Sprintf("ngày hẹn mới %s phải sau ngày hẹn hiện tại %s", vn(due), vn(cur))}
	}
	if !due.After(now) {
		return &ActionError{"ngày hẹn mới phải ở tương lai"}
	}
	d.Due = province.FormatDate(due)
	d.HoSo.NgayHenTra = d.Due
	d.Extended = true
	d.Upstream = true
	return nil
}

func actionText(kind, reason, due string) string {
	var s string
	switch kind {
	case ActProcess:
		s = "Tiếp nhận xử lý hồ sơ"
	case ActDone:
		s = "Kết thúc xử lý hồ sơ"
	case ActResult:
		s = "Có kết quả, chuyển Bộ phận Một cửa trả cho công dân"
	case ActSupplement:
		s = "Yêu cầu bổ sung, hoàn thiện hồ sơ"
	case ActExtend:
		s = "Xin lỗi và hẹn lại ngày trả kết quả: " + due
	}
	if reason != "" {
		s += ": " + reason
	}
	return s
}

// Stats is a summary of what the server holds.
type Stats struct {
	Dossiers   int            `json:"dossiers"`
	Receipts   int            `json:"receipts"`
	Duplicates int            `json:"duplicates"` // re-sent messages acknowledged without storing
	Writes     int            `json:"writes"`     // snapshots applied
	Steps      int            `json:"steps"`
	Feed       int            `json:"feed"`
	ByStatus   map[string]int `json:"by_status"`
	Faults     FaultStats     `json:"faults"`
}

// Stats counts the server's contents.
func (s *Server) Stats(ctx context.Context) (Stats, error) {
	st := Stats{ByStatus: map[string]int{}, Faults: s.faults.stats()}
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM dossiers`:                                              &st.Dossiers,
		`SELECT count(*) FROM receipts`:                                              &st.Receipts,
		`SELECT coalesce(sum(writes), 0) FROM dossiers`:                              &st.Writes,
		`SELECT count(*) FROM steps`:                                                 &st.Steps,
		`SELECT count(*) FROM feed`:                                                  &st.Feed,
		`SELECT coalesce((SELECT value FROM counters WHERE name = 'duplicates'), 0)`: &st.Duplicates,
	} {
		if err := s.db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return st, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM dossiers GROUP BY status`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, n int
		if err := rows.Scan(&k, &n); err != nil {
			return st, err
		}
		st.ByStatus[strconv.Itoa(k)] = n
	}
	return st, rows.Err()
}

// DossierInfo is the admin view of one stored dossier.
type DossierInfo struct {
	Code     string                  `json:"code"`
	Status   int                     `json:"status"`
	Due      string                  `json:"due"`
	Version  int                     `json:"version"`
	Writes   int                     `json:"writes"`
	Upstream bool                    `json:"upstream"`
	Extended bool                    `json:"extended"`
	HoSo     province.HoSo           `json:"hoso"`
	Steps    []province.QuaTrinhXuLy `json:"steps,omitempty"`
}

// Dossier returns one stored dossier with its steps, or nil.
func (s *Server) Dossier(ctx context.Context, code string) (*DossierInfo, error) {
	d, err := getDossier(ctx, s.db, code)
	if err != nil || d == nil {
		return nil, err
	}
	steps, err := s.loadSteps(ctx, code)
	if err != nil {
		return nil, err
	}
	return &DossierInfo{Code: d.Code, Status: int(d.Status), Due: d.Due, Version: d.Version, Writes: d.Writes,
		Upstream: d.Upstream, Extended: d.Extended, HoSo: d.HoSo, Steps: steps}, nil
}

// Dossiers lists stored dossiers (code order), without steps.
func (s *Server) Dossiers(ctx context.Context, agency string, limit int) ([]DossierInfo, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code FROM dossiers WHERE ? = '' OR agency = ? ORDER BY code LIMIT ?`, agency, agency, limit)
	if err != nil {
		return nil, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	out := make([]DossierInfo, 0, len(codes))
	for _, c := range codes {
		d, err := getDossier(ctx, s.db, c)
		if err != nil {
			return nil, err
		}
		if d != nil {
			out = append(out, DossierInfo{Code: d.Code, Status: int(d.Status), Due: d.Due, Version: d.Version,
				Writes: d.Writes, Upstream: d.Upstream, Extended: d.Extended, HoSo: d.HoSo})
		}
	}
	return out, nil
}

// SetFaults replaces the fault switches.
func (s *Server) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.faults.set(f)
	return nil
}

// Faults returns the current switches.
func (s *Server) Faults() Faults { return s.faults.get() }

// adminHandler serves:
//
//	GET  /admin/stats
//	GET  /admin/faults            PUT /admin/faults {Faults}
//	POST /admin/sessions/expire
//	GET  /admin/dossiers[?agency=A&limit=N]
//	GET  /admin/dossiers/{code}
//	POST /admin/dossiers/{code}/{process|done|result|extend|supplement} {Action}
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/stats", func(w http.ResponseWriter, r *http.Request) {
		st, err := s.Stats(r.Context())
		adminReply(w, st, err)
	})
	mux.HandleFunc("GET /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		adminReply(w, s.Faults(), nil)
	})
	mux.HandleFunc("PUT /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&f); err != nil {
			adminReply(w, nil, &ActionError{"faults: " + err.Error()})
			return
		}
		if err := s.SetFaults(f); err != nil {
			adminReply(w, nil, &ActionError{err.Error()})
			return
		}
		adminReply(w, f, nil)
	})
	mux.HandleFunc("POST /admin/sessions/expire", func(w http.ResponseWriter, r *http.Request) {
		adminReply(w, map[string]string{"message": "mọi phiên đã hết hạn"}, s.ExpireSessions(r.Context()))
	})
	mux.HandleFunc("GET /admin/dossiers", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		ds, err := s.Dossiers(r.Context(), r.URL.Query().Get("agency"), limit)
		adminReply(w, ds, err)
	})
	mux.HandleFunc("GET /admin/dossiers/{code}", func(w http.ResponseWriter, r *http.Request) {
		d, err := s.Dossier(r.Context(), r.PathValue("code"))
		if err == nil && d == nil {
			err = &ActionError{"không có hồ sơ «" + r.PathValue("code") + "»"}
		}
		adminReply(w, d, err)
	})
	mux.HandleFunc("POST /admin/dossiers/{code}/{action}", func(w http.ResponseWriter, r *http.Request) {
		var a Action
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&a); err != nil && err != io.EOF {
			adminReply(w, nil, &ActionError{"thân yêu cầu không phải JSON: " + err.Error()})
			return
		}
		a.Kind = r.PathValue("action")
		c, err := s.Act(r.Context(), r.PathValue("code"), a)
		adminReply(w, c, err)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sai mã quản trị"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func adminReply(w http.ResponseWriter, v any, err error) {
	switch e := err.(type) {
	case nil:
		writeJSON(w, http.StatusOK, v)
	case *ActionError:
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": e.Msg})
	default:
		if err == sql.ErrNoRows {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "không tìm thấy"})
			return
		}
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	}
}

// OpenUpload reads a completed upload by its URL (or ID), bypassing HTTP
// and its faults: for checks and for the province's own processing.
func (s *Server) OpenUpload(ctx context.Context, urlOrID string) (io.ReadCloser, tus.Info, error) {
	id := urlOrID[strings.LastIndex(urlOrID, "/")+1:]
	return s.files.Open(ctx, id)
}
