package refserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/sync/province"
)

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	var req province.AuthRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, province.CodeBadRequest, "yêu cầu đăng nhập không phải JSON {\"username\",\"password\"}")
		return
	}
	ok, err := s.checkPassword(r.Context(), req.Username, req.Password)
	if err != nil {
		s.log.Error("auth", "err", err)
		fail(w, http.StatusInternalServerError, province.CodeInternal, "lỗi máy chủ khi kiểm tra đăng nhập")
		return
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, province.AuthResponse{ErrorCode: province.CodeBadLogin,
			Message: "Sai tên đăng nhập hoặc mật khẩu"})
		return
	}
	var b [24]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	exp := s.now().Add(s.cfg.SessionTTL)
	s.db.ExecContext(r.Context(), `DELETE FROM sessions WHERE expires_at <= ?`, s.now().UnixMilli())
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO sessions(token, username, expires_at) VALUES (?, ?, ?)`,
		token, req.Username, exp.UnixMilli()); err != nil {
		s.log.Error("auth", "err", err)
		fail(w, http.StatusInternalServerError, province.CodeInternal, "lỗi máy chủ khi tạo phiên")
		return
	}
	writeJSON(w, http.StatusOK, province.AuthResponse{Session: token, ExpiresAt: province.FormatDate(exp), ErrorCode: province.CodeOK})
}

var errSession = errors.New("phiên làm việc không tồn tại hoặc đã hết hạn; hãy đăng nhập lại")

func (s *Server) checkSession(ctx context.Context, token string) error {
	if token == "" {
		return errSession
	}
	var exp int64
	err := s.db.QueryRowContext(ctx, `SELECT expires_at FROM sessions WHERE token = ?`, token).Scan(&exp)
	if errors.Is(err, sql.ErrNoRows) || err == nil && exp <= s.now().UnixMilli() {
		return errSession
	}
	return err
}

func (s *Server) authorizeUpload(r *http.Request) error {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return s.checkSession(r.Context(), strings.TrimSpace(tok))
}

// ExpireSessions ends every session now, as a province restart would.
func (s *Server) ExpireSessions(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions`)
	return err
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody+1))
	if err != nil {
		fail(w, http.StatusBadRequest, province.CodeBadRequest, "không đọc được yêu cầu: %v", err)
		return
	}
	if int64(len(body)) > s.cfg.MaxBody {
		fail(w, http.StatusRequestEntityTooLarge, province.CodeBadRequest, "yêu cầu vượt %d byte; gửi ít hồ sơ hơn mỗi lần", s.cfg.MaxBody)
		return
	}
	var env province.RawEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		fail(w, http.StatusBadRequest, province.CodeBadRequest, "yêu cầu không phải JSON hợp lệ: %v", err)
		return
	}
	if err := s.checkSession(r.Context(), env.Session); err != nil {
		if errors.Is(err, errSession) {
			fail(w, http.StatusUnauthorized, province.CodeSession, "%s", err.Error())
			return
		}
		fail(w, http.StatusInternalServerError, province.CodeInternal, "lỗi máy chủ khi kiểm tra phiên")
		return
	}
	if s.faults.expireNow() {
		s.ExpireSessions(r.Context())
		fail(w, http.StatusUnauthorized, province.CodeSession, "%s", errSession.Error())
		return
	}
	if env.Agency == "" || !s.agencyServed(env.Agency) {
		fail(w, http.StatusOK, province.CodeAgency, "Đơn vị «%s» không thuộc hệ thống một cửa này", env.Agency)
		return
	}
	var resp province.Response
	switch env.Service {
	case province.ServiceSync:
		resp, err = s.syncDossiers(r, env)
	case province.ServiceProgress:
		resp, err = s.syncSteps(r.Context(), env)
	case province.ServiceLookup:
		resp, err = s.lookup(r.Context(), env)
	case province.ServiceChanges:
		resp, err = s.changes(r.Context(), env)
	default:
		fail(w, http.StatusOK, province.CodeBadRequest, "dịch vụ «%s» không tồn tại", env.Service)
		return
	}
	if err != nil {
		s.log.Error("api", "service", env.Service, "err", err)
		fail(w, http.StatusInternalServerError, province.CodeInternal, "lỗi máy chủ: %v", err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// stored is a dossier row.
type stored struct {
	Code     string
	Agency   string
	Status   motcua.Status
	Due      string
	Version  int
	Upstream bool
	Extended bool
	HoSo     province.HoSo
	Writes   int
}

func getDossier(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, code string) (*stored, error) {
	var d stored
	var raw string
	err := q.QueryRowContext(ctx, `SELECT code, agency, status, due, version, upstream, extended, hoso, writes
		FROM dossiers WHERE code = ?`, code).
		Scan(&d.Code, &d.Agency, &d.Status, &d.Due, &d.Version, &d.Upstream, &d.Extended, &raw, &d.Writes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, json.Unmarshal([]byte(raw), &d.HoSo)
}

// putDossier stores d; commune says whether this is a commune snapshot
// (counted in writes) rather than a province action.
func putDossier(ctx context.Context, tx *sql.Tx, d *stored, now time.Time, insert, commune bool) error {
	raw, err := json.Marshal(d.HoSo)
	if err != nil {
		return err
	}
	if insert {
		_, err = tx.ExecContext(ctx, `INSERT INTO dossiers(code, agency, status, due, version, upstream, extended, hoso, writes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, d.Code, d.Agency, int(d.Status), d.Due, d.Version, d.Upstream, d.Extended,
			string(raw), now.UnixMilli(), now.UnixMilli())
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE dossiers SET status = ?, due = ?, version = ?, upstream = ?, extended = ?, hoso = ?,
		writes = writes + ?, updated_at = ? WHERE code = ?`, int(d.Status), d.Due, d.Version, d.Upstream, d.Extended,
		string(raw), commune, now.UnixMilli(), d.Code)
	return err
}

// syncDossiers is DongBoHoSoMC: every item is validated and stored on its
// own, so one bad dossier does not hold back the others. Answer "00" when
// all were accepted, "03" with the per-item results otherwise.
func (s *Server) syncDossiers(r *http.Request, env province.RawEnvelope) (province.Response, error) {
	ctx := r.Context()
	var items []json.RawMessage
	if err := json.Unmarshal(env.Data, &items); err != nil || len(items) == 0 {
		return province.Response{ErrorCode: province.CodeBadRequest, Message: "data phải là mảng HoSo không rỗng"}, nil
	}
	var create bool
	switch env.IsUpdating {
	case province.False:
		create = true
	case province.True:
	default:
		return province.Response{ErrorCode: province.CodeBadRequest,
			Message: fmt.Sprintf("isUpdating phải là \"True\" hoặc \"False\", nhận «%s»", env.IsUpdating)}, nil
	}
	hs := make([]*province.HoSo, len(items))
	bad := make([]string, len(items))
	for i, raw := range items {
		var h province.HoSo
		if err := json.Unmarshal(raw, &h); err != nil {
			bad[i] = fmt.Sprintf("HoSo[%d] sai cấu trúc JSON: %v", i, err)
			continue
		}
		hs[i] = &h
	}
	results, err := s.applyDossiers(ctx, env.Agency, create, hs, bad, nil)
	if err != nil {
		return province.Response{}, err
	}
	resp := province.Response{ErrorCode: province.CodeOK, Results: results}
	for _, res := range resp.Results {
		if res.ErrorCode != province.CodeOK {
			resp.ErrorCode = res.ErrorCode
			resp.Message = "một số hồ sơ không được nhận; xem ketqua"
			break
		}
	}
	return resp, nil
}

// applyDossiers validates and stores commune snapshots in one
// transaction; hs[i] nil means item i failed to decode with bad[i]. For an
// accepted item, steps(i) (if set) gives processing steps to store with it.
func (s *Server) applyDossiers(ctx context.Context, agency string, create bool, hs []*province.HoSo, bad []string,
	steps func(i int) []province.QuaTrinhXuLy) ([]province.ItemResult, error) {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := s.now()
	results := make([]province.ItemResult, len(hs))
	dups := 0
	for i, hp := range hs {
		res := &results[i]
		res.ErrorCode = province.CodeOK
		if hp == nil {
			res.ErrorCode, res.Message = province.CodeInvalid, bad[i]
			continue
		}
		h := *hp
		res.Code, res.Key = h.MaHoSo, h.MaGoiTin
		if code, msg := s.validate(ctx, &h, agency); code != province.CodeOK {
			res.ErrorCode, res.Message = code, fmt.Sprintf("HoSo[%d] %s: %s", i, h.MaHoSo, msg)
			continue
		}
		if h.MaGoiTin != "" {
			var seen string
			err := tx.QueryRowContext(ctx, `SELECT code FROM receipts WHERE key = ?`, h.MaGoiTin).Scan(&seen)
			if err == nil {
				res.Duplicate, res.Message = true, "đã nhận gói tin này trước đó"
				dups++
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
		}
		cur, err := getDossier(ctx, tx, h.MaHoSo)
		if err != nil {
			return nil, err
		}
		switch {
		case cur != nil && create:
			res.ErrorCode, res.Message = province.CodeExists, fmt.Sprintf("Hồ sơ %s đã tồn tại; gửi lại với isUpdating \"True\"", h.MaHoSo)
			continue
		case cur == nil:
			st, _ := strconv.Atoi(h.TrangThaiHoSo)
			d := &stored{Code: h.MaHoSo, Agency: agencyOf(h.MaHoSo), Status: motcua.Status(st), Due: h.NgayHenTra,
				Version: h.PhienBan, HoSo: h}
			d.HoSo.MaGoiTin = ""
			if err := putDossier(ctx, tx, d, now, true, true); err != nil {
				return nil, err
			}
		default:
			if msg, apply := merge(cur, h); !apply {
				res.Message = msg
			} else if err := putDossier(ctx, tx, cur, now, false, true); err != nil {
				return nil, err
			}
		}
		if h.MaGoiTin != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO receipts(key, code, at) VALUES (?, ?, ?)`,
				h.MaGoiTin, h.MaHoSo, now.UnixMilli()); err != nil {
				return nil, err
			}
		}
		if steps != nil {
			for _, st := range steps(i) {
				if err := insertStep(ctx, tx, st); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := s.bump(ctx, tx, "duplicates", dups); err != nil {
		return nil, err
	}
	return results, tx.Commit()
}

// merge applies a commune snapshot to the stored dossier. A snapshot older
// than the stored one is ignored; the province's own status decisions
// (processing, done, supplement) stand unless the commune's status is a
// legal next step from them, and an upstream extension is kept.
func merge(cur *stored, h province.HoSo) (string, bool) {
	if h.PhienBan < cur.Version {
		return fmt.Sprintf("bỏ qua bản %d cũ hơn bản %d đã nhận", h.PhienBan, cur.Version), false
	}
	st, _ := strconv.Atoi(h.TrangThaiHoSo)
	next := motcua.Status(st)
	keepStatus := cur.Upstream && next != cur.Status && !motcua.CanMove(cur.Status, next)
	prov := cur.HoSo
	cur.HoSo = h
	cur.HoSo.MaGoiTin = ""
	cur.Version = h.PhienBan
	if keepStatus {
		cur.HoSo.TrangThaiHoSo = prov.TrangThaiHoSo
		cur.HoSo.NgayKetThucXuLy = prov.NgayKetThucXuLy
	} else {
		cur.Status = next
		cur.Upstream = false
	}
	if cur.Extended && prov.NgayHenTra > h.NgayHenTra {
		cur.HoSo.NgayHenTra = prov.NgayHenTra
	}
	if len(cur.HoSo.DanhSachGiayToKetQua) == 0 {
		cur.HoSo.DanhSachGiayToKetQua = prov.DanhSachGiayToKetQua
	}
	cur.Due = cur.HoSo.NgayHenTra
	return "", true
}

func agencyOf(code string) string {
	a, _, _ := strings.Cut(code, "-")
	return a
}

// syncSteps is CapNhatTienDoHoSoMC. Steps are keyed by their content, so
// a re-sent step is not stored twice.
func (s *Server) syncSteps(ctx context.Context, env province.RawEnvelope) (province.Response, error) {
	var steps []province.QuaTrinhXuLy
	if err := json.Unmarshal(env.Data, &steps); err != nil || len(steps) == 0 {
		return province.Response{ErrorCode: province.CodeBadRequest, Message: "data phải là mảng QuaTrinhXuLy không rỗng"}, nil
	}
	for i, st := range steps {
		if msg := validateStep(st); msg != "" {
			return province.Response{ErrorCode: province.CodeInvalid, Message: fmt.Sprintf("QuaTrinhXuLy[%d] %s: %s", i, st.MaHoSo, msg)}, nil
		}
	}
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return province.Response{}, err
	}
	defer tx.Rollback()
	known := map[string]bool{}
	for i, st := range steps {
		if !known[st.MaHoSo] {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM dossiers WHERE code = ?`, st.MaHoSo).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return province.Response{ErrorCode: province.CodeNotFound,
					Message: fmt.Sprintf("QuaTrinhXuLy[%d]: hồ sơ %s chưa được đồng bộ (gửi DongBoHoSoMC trước)", i, st.MaHoSo)}, nil
			}
			if err != nil {
				return province.Response{}, err
			}
			known[st.MaHoSo] = true
		}
		if err := insertStep(ctx, tx, st); err != nil {
			return province.Response{}, err
		}
	}
	if err := tx.Commit(); err != nil {
		return province.Response{}, err
	}
	return province.Response{ErrorCode: province.CodeOK}, nil
}

func insertStep(ctx context.Context, tx *sql.Tx, st province.QuaTrinhXuLy) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	_, err = tx.ExecContext(ctx, `INSERT INTO steps(code, hash, at, step) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		st.MaHoSo, hex.EncodeToString(sum[:16]), st.ThoiDiemXuLy, string(raw))
	return err
}

func (s *Server) loadSteps(ctx context.Context, code string) ([]province.QuaTrinhXuLy, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT step FROM steps WHERE code = ? ORDER BY at, rowid`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []province.QuaTrinhXuLy
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var st province.QuaTrinhXuLy
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ThoiDiemXuLy < out[j].ThoiDiemXuLy })
	return out, rows.Err()
}

// lookup is TraCuuHoSo.
func (s *Server) lookup(ctx context.Context, env province.RawEnvelope) (province.Response, error) {
	d, err := getDossier(ctx, s.db, strings.TrimSpace(env.Code))
	if err != nil {
		return province.Response{}, err
	}
	if d == nil || !s.agencyServed(d.Agency) {
		return province.Response{ErrorCode: province.CodeNotFound, Message: fmt.Sprintf("không có hồ sơ «%s»", env.Code)}, nil
	}
	h := d.HoSo
	if h.QuaTrinhXuLy, err = s.loadSteps(ctx, d.Code); err != nil {
		return province.Response{}, err
	}
	return province.Response{ErrorCode: province.CodeOK, Dossier: &h}, nil
}

// changes is LayDanhSachThayDoi: the feed of the province's own actions on
// the calling agency's dossiers, after the cursor.
func (s *Server) changes(ctx context.Context, env province.RawEnvelope) (province.Response, error) {
	var after int64
	if env.Cursor != "" {
		v, err := strconv.ParseInt(env.Cursor, 10, 64)
		if err != nil || v < 0 {
			return province.Response{ErrorCode: province.CodeBadRequest, Message: fmt.Sprintf("cursor «%s» không hợp lệ", env.Cursor)}, nil
		}
		after = v
	}
	limit := env.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, change FROM feed WHERE agency = ? AND seq > ? ORDER BY seq LIMIT ?`,
		env.Agency, after, limit+1)
	if err != nil {
		return province.Response{}, err
	}
	defer rows.Close()
	resp := province.Response{ErrorCode: province.CodeOK, Changes: []province.Change{}, Cursor: strconv.FormatInt(after, 10)}
	for rows.Next() {
		var seq int64
		var raw string
		if err := rows.Scan(&seq, &raw); err != nil {
			return province.Response{}, err
		}
		if len(resp.Changes) == limit {
			resp.More = true
			break
		}
		var c province.Change
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return province.Response{}, err
		}
		c.Seq = seq
		resp.Changes = append(resp.Changes, c)
		resp.Cursor = strconv.FormatInt(seq, 10)
	}
	return resp, rows.Err()
}
