package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/app"
)

// OutboxKindUpsert is the outbox message written with every dossier write:
// the payload is the whole dossier as JSON.
const OutboxKindUpsert = "dossier.upsert"

// nfc is text as stored: valid UTF-8 (so the JSON payload says the same as
// the row) in NFC.
func nfc(s string) string { return norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")) }

// normalise returns a deep copy of d as it will be stored: text in NFC,
// instants truncated to the millisecond and in Vietnam time. The caller's
// dossier is replaced by it only once the transaction has committed.
func normalise(d *motcua.Dossier) (motcua.Dossier, error) {
	n := *d
	n.Code = strings.TrimSpace(nfc(n.Code))
	n.Procedure = motcua.ProcedureRef{Code: nfc(n.Procedure.Code), Name: nfc(n.Procedure.Name), Field: nfc(n.Procedure.Field)}
	a := &n.Applicant
	a.Name, a.IDNumber, a.DOB, a.Gender = nfc(a.Name), nfc(a.IDNumber), nfc(a.DOB), nfc(a.Gender)
	a.Address, a.Phone, a.Email = nfc(a.Address), nfc(a.Phone), nfc(a.Email)
	n.Summary = nfc(n.Summary)
	n.Officer = nfc(n.Officer)
	n.Components = nil
	for _, c := range d.Components {
		c.Name = nfc(c.Name)
		n.Components = append(n.Components, c)
	}
	n.History = nil
	for _, h := range d.History {
		h.At = instant(h.At)
		h.Actor, h.Action, h.Reason, h.Note = nfc(h.Actor), nfc(h.Action), nfc(h.Reason), nfc(h.Note)
		n.History = append(n.History, h)
	}
	n.ReceivedAt, n.DueAt, n.ReturnedAt = instant(n.ReceivedAt), instant(n.DueAt), instant(n.ReturnedAt)

	switch {
	case !n.Status.Valid():
		return n, motcua.Invalid(motcua.ErrBadValue, "status", "Mã trạng thái %d không tồn tại (hợp lệ: 1–10)", "status code %d does not exist (valid: 1–10)", int(n.Status))
	case n.ReceivedAt.IsZero():
		return n, motcua.Invalid(motcua.ErrRequired, "received_at", "Hồ sơ chưa có thời điểm tiếp nhận", "the dossier has no receipt time")
	case len(n.History) == 0:
		return n, motcua.Invalid(motcua.ErrRequired, "history", "Hồ sơ phải có ít nhất một bước trong lịch sử xử lý", "a dossier needs at least one history entry")
	}
	for i, h := range n.History {
		if h.At.IsZero() {
			return n, motcua.Invalid(motcua.ErrRequired, "history", "Bước %d của lịch sử hồ sơ chưa có thời điểm", "history entry %d has no time", i+1)
		}
	}
	return n, nil
}

// instant is t as stored: millisecond precision, Vietnam time, no monotonic
// reading. The zero time stays zero.
func instant(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).In(motcua.Location)
}

func fromMS(v int64) time.Time { return time.UnixMilli(v).In(motcua.Location) }

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// Accept allocates the next code of (agency, receipt day, station partition),
// sets d.Code and d.Station, and stores the dossier, its history, an outbox
// message and the audit entry in one transaction. On success *d is replaced
// by the stored form (NFC text, millisecond instants); on error it is unchanged.
//
// Errors: KindInvalid for a bad agency, station or dossier;
// KindConflict motcua.ErrSequenceExhausted when the station has used every
// number of the day.
func (s *Store) Accept(ctx context.Context, d *motcua.Dossier, agency string, st motcua.Station, a app.AuditEntry) error {
	if err := motcua.ValidateAgencyID(agency); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	n, err := normalise(d)
	if err != nil {
		return err
	}
	n.Station = st.K
	err = s.write(ctx, func(w *wtx) error {
		code, err := w.nextCode(agency, n.ReceivedAt, st)
		if err != nil {
			return err
		}
		n.Code = code
		return w.insert(&n, withDefaults(a, "dossier.accept", code))
	})
	if err != nil {
		return fmt.Errorf("accept dossier: %w", err)
	}
	*d = n
	return nil
}

const (
	// sqlSeqTake takes the partition's next index i and leaves i+1 in one
	// statement: no separate read, and the row is written at most once per
	// index taken.
	sqlSeqTake = `INSERT INTO code_seq (agency, day, station_k, station_n, next_index) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (agency, day, station_k, station_n) DO UPDATE SET next_index = next_index + 1
		RETURNING next_index - 1`
	sqlExists  = `SELECT 1 FROM dossiers WHERE code = ?`
	sqlHistory = `INSERT INTO history (dossier_code, idx, at, actor, action, from_status, to_status, reason, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlOutbox = `INSERT INTO outbox (dossier_code, kind, payload, idempotency_key, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	sqlStored = `SELECT id, status, (SELECT count(*) FROM history WHERE dossier_code = d.code)
		FROM dossiers d WHERE code = ?`
	// sqlReplica is not among the prepared statements, which must also
	// prepare on a database of an older schema (the upgrade test).
	sqlReplica = `SELECT replica FROM dossiers WHERE id = ?`
)

// nextCode takes the next free number of the station's partition for the
// receipt day. A number already used in this file (a reserved code entered
// with Insert, a station renumbered during the day) is skipped.
func (w *wtx) nextCode(agency string, t time.Time, st motcua.Station) (string, error) {
	day := motcua.DayKey(t)
	for {
		var i int
		if err := w.queryRow(sqlSeqTake, agency, day, st.K, st.N).Scan(&i); err != nil {
			return "", fmt.Errorf("advance sequence: %w", err)
		}
		seq, err := st.Seq(i)
		if err != nil {
			return "", err
		}
		c, err := motcua.NewDossierCode(agency, t, seq)
		if err != nil {
			return "", err
		}
		code := c.String()
		used, err := w.exists(code)
		if err != nil {
			return "", err
		}
		if !used {
			return code, nil
		}
	}
}

func (w *wtx) exists(code string) (bool, error) {
	var one int
	err := w.queryRow(sqlExists, code).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up %s: %w", code, err)
	}
	return true, nil
}

// Insert stores a dossier that already has its code (paper back-entry with a
// reserved code, USB import), with its history, an outbox message and the
// audit entry, in one transaction.
//
// Errors: KindInvalid motcua.ErrBadDossierCode; KindConflict
// motcua.ErrDuplicate when the code is already stored.
func (s *Store) Insert(ctx context.Context, d *motcua.Dossier, a app.AuditEntry) error {
	n, err := normalise(d)
	if err != nil {
		return err
	}
	if _, err := motcua.ParseDossierCode(n.Code); err != nil {
		return err
	}
	err = s.write(ctx, func(w *wtx) error {
		used, err := w.exists(n.Code)
		if err != nil {
			return err
		}
		if used {
			return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "code",
				"Mã hồ sơ %s đã có trong cơ sở dữ liệu; không ghi đè",
				"dossier code %s is already stored; not overwritten", n.Code)
		}
		return w.insert(&n, withDefaults(a, "dossier.insert", n.Code))
	})
	if err != nil {
		return fmt.Errorf("insert dossier %s: %w", n.Code, err)
	}
	*d = n
	return nil
}

const dossierInsert = `INSERT INTO dossiers (code, procedure_code, procedure_name, procedure_field, channel,
	applicant_name, applicant_id_number, applicant_dob, applicant_gender, applicant_address,
	applicant_phone, applicant_email, applicant_subject, summary, components, fee,
	received_at, due_at, status, extended, officer, station, returned_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const dossierUpdate = `UPDATE dossiers SET procedure_code = ?, procedure_name = ?, procedure_field = ?, channel = ?,
	applicant_name = ?, applicant_id_number = ?, applicant_dob = ?, applicant_gender = ?, applicant_address = ?,
	applicant_phone = ?, applicant_email = ?, applicant_subject = ?, summary = ?, components = ?, fee = ?,
	received_at = ?, due_at = ?, status = ?, extended = ?, officer = ?, station = ?, returned_at = ?, updated_at = ?
	WHERE id = ?`

// columns are the values of a dossier row after its code, in the order of
// dossierInsert and dossierUpdate.
func (w *wtx) columns(d *motcua.Dossier) ([]any, error) {
	comps := d.Components
	if comps == nil {
		comps = []motcua.Component{}
	}
	cj, err := json.Marshal(comps)
	if err != nil {
		return nil, fmt.Errorf("encode components: %w", err)
	}
	ap := d.Applicant
	return []any{d.Procedure.Code, d.Procedure.Name, d.Procedure.Field, int(d.Channel),
		ap.Name, ap.IDNumber, ap.DOB, ap.Gender, ap.Address, ap.Phone, ap.Email, int(ap.SubjectType),
		d.Summary, string(cj), d.Fee, ms(d.ReceivedAt), nullMS(d.DueAt), int(d.Status), d.Extended,
		d.Officer, d.Station, nullMS(d.ReturnedAt), ms(w.now)}, nil
}

// insert writes a new dossier row with all its history, its search keys,
// the outbox message and the audit entry.
func (w *wtx) insert(d *motcua.Dossier, a app.AuditEntry) error {
	w.trackNew(d)
	cols, err := w.columns(d)
	if err != nil {
		return err
	}
	res, err := w.exec(dossierInsert, append([]any{d.Code}, cols...)...)
	if err != nil {
		return fmt.Errorf("insert dossier row: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if err := w.history(d, 0); err != nil {
		return err
	}
	if err := w.reuse(d); err != nil {
		return err
	}
	if err := w.index(id, d, false); err != nil {
		return err
	}
	if err := w.outbox(d); err != nil {
		return err
	}
	if d.StoreConsent {
		if _, err := w.exec(`INSERT INTO store_consents (dossier_code, at) VALUES (?, ?)`, d.Code, ms(w.now)); err != nil {
			return fmt.Errorf("record store consent: %w", err)
		}
		if err := w.audit(app.AuditEntry{At: w.now, Actor: d.Officer, Action: "store.consent", Subject: d.Code,
			Detail: "người nộp " + app.MaskID(d.Applicant.IDNumber) + " đồng ý lưu giấy tờ của hồ sơ vào kho dữ liệu điện tử"}); err != nil {
			return err
		}
	}
	if err := w.officePending(d.Code); err != nil {
		return err
	}
	return w.audit(a)
}

// history appends d.History[from:].
func (w *wtx) history(d *motcua.Dossier, from int) error {
	for i := from; i < len(d.History); i++ {
		h := d.History[i]
		if _, err := w.exec(sqlHistory, d.Code, i, ms(h.At), h.Actor, h.Action, int(h.From), int(h.To), h.Reason, h.Note); err != nil {
			return fmt.Errorf("insert history %d: %w", i, err)
		}
	}
	return nil
}

// outbox queues the dossier for delivery. The idempotency key names the
// dossier and the length of its history, which grows with every write.
func (w *wtx) outbox(d *motcua.Dossier) error {
	payload, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode outbox payload: %w", err)
	}
	key := d.Code + ":" + strconv.Itoa(len(d.History))
	if _, err := w.exec(sqlOutbox, d.Code, OutboxKindUpsert, string(payload), key, ms(w.now), ms(w.now)); err != nil {
		return fmt.Errorf("queue outbox message %s: %w", key, err)
	}
	return nil
}

// withDefaults fills what a use case cannot know before the write: the
// subject of an Accept is the code just allocated.
func withDefaults(a app.AuditEntry, action, subject string) app.AuditEntry {
	if a.Action == "" {
		a.Action = action
	}
	if a.Subject == "" {
		a.Subject = subject
	}
	return a
}

// Update saves d if its stored status is still prevStatus and its stored
// history still has prevHistory entries, appending d.History[prevHistory:],
// an outbox message and the audit entry in one transaction. Every update
// must add at least one history entry: the history says who changed what.
//
// Errors: KindNotFound motcua.ErrNotFound; KindConflict ErrStale when the
// stored dossier changed meanwhile; KindInvalid when no history was added.
func (s *Store) Update(ctx context.Context, d *motcua.Dossier, prevStatus motcua.Status, prevHistory int, a app.AuditEntry) error {
	n, err := normalise(d)
	if err != nil {
		return err
	}
	if prevHistory < 0 || len(n.History) <= prevHistory {
		return motcua.Invalid(motcua.ErrRequired, "history",
			"Cập nhật hồ sơ %s phải ghi thêm ít nhất một bước lịch sử (đang có %d, trước đó %d)",
			"an update of dossier %s must add at least one history entry (has %d, had %d)", n.Code, len(n.History), prevHistory)
	}
	err = s.write(ctx, func(w *wtx) error {
		var id int64
		var status motcua.Status
		var count int
		err := w.queryRow(sqlStored, n.Code).Scan(&id, &status, &count)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(n.Code)
		}
		if err != nil {
			return fmt.Errorf("read stored state: %w", err)
		}
		if status != prevStatus || count != prevHistory {
			return motcua.Errorf(motcua.KindConflict, ErrStale, "status",
				"Hồ sơ %s vừa được cập nhật ở nơi khác (nay ở trạng thái «%s», %d bước lịch sử); hãy mở lại hồ sơ rồi thao tác lại",
				"dossier %s was changed elsewhere meanwhile (now %s, %d history entries); reopen it and try again",
				n.Code, status.Name(), count)
		}
		var replica bool
		if err := w.queryRow(sqlReplica, id).Scan(&replica); err != nil {
			return fmt.Errorf("read stored state: %w", err)
		}
		cols, err := w.columns(&n)
		if err != nil {
			return err
		}
		if err := w.track(n.Code); err != nil {
			return err
		}
		if _, err := w.exec(dossierUpdate, append(cols, id)...); err != nil {
			return fmt.Errorf("update dossier row: %w", err)
		}
		if err := w.history(&n, prevHistory); err != nil {
			return err
		}
		if err := w.index(id, &n, true); err != nil {
			return err
		}
		// Another station of the office owns a replica and delivers it to
		// the province: the change travels to it over the office LAN.
		if !replica {
			if err := w.outbox(&n); err != nil {
				return err
			}
		}
		if err := w.officePending(n.Code); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "dossier.update", n.Code))
	})
	if err != nil {
		return fmt.Errorf("update dossier %s: %w", n.Code, err)
	}
	*d = n
	return nil
}

func notFound(code string) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "code",
		"Không tìm thấy hồ sơ %s", "dossier %s not found", code)
}

const dossierCols = `d.id, d.code, d.procedure_code, d.procedure_name, d.procedure_field, d.channel,
	d.applicant_name, d.applicant_id_number, d.applicant_dob, d.applicant_gender, d.applicant_address,
	d.applicant_phone, d.applicant_email, d.applicant_subject, d.summary, d.components, d.fee,
	d.received_at, d.due_at, d.status, d.extended, d.officer, d.station, d.returned_at,
	EXISTS (SELECT 1 FROM store_consents sc WHERE sc.dossier_code = d.code)`

func scanDossier(sc interface{ Scan(...any) error }) (*motcua.Dossier, error) {
	var (
		d                 motcua.Dossier
		id, received      int64
		due, returned     sql.NullInt64
		comps             string
		channel, subject  int
		status, stationNo int
	)
	ap := &d.Applicant
	err := sc.Scan(&id, &d.Code, &d.Procedure.Code, &d.Procedure.Name, &d.Procedure.Field, &channel,
		&ap.Name, &ap.IDNumber, &ap.DOB, &ap.Gender, &ap.Address, &ap.Phone, &ap.Email, &subject,
		&d.Summary, &comps, &d.Fee, &received, &due, &status, &d.Extended, &d.Officer, &stationNo, &returned, &d.StoreConsent)
	if err != nil {
		return nil, err
	}
	d.Channel, ap.SubjectType, d.Status, d.Station = motcua.Channel(channel), motcua.SubjectType(subject), motcua.Status(status), stationNo
	d.ReceivedAt, d.DueAt, d.ReturnedAt = fromMS(received), fromNullMS(due), fromNullMS(returned)
	if err := json.Unmarshal([]byte(comps), &d.Components); err != nil {
		return nil, fmt.Errorf("dossier %s: decode components: %w", d.Code, err)
	}
	if len(d.Components) == 0 {
		d.Components = nil
	}
	return &d, nil
}

// Get returns the dossier with its history. Errors: KindNotFound motcua.ErrNotFound.
func (s *Store) Get(ctx context.Context, code string) (*motcua.Dossier, error) {
	code = strings.TrimSpace(nfc(code))
	var d *motcua.Dossier
	err := s.read(ctx, func(tx *sql.Tx) error {
		ds, err := queryDossiers(ctx, tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.code = ?`, code)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return notFound(code)
		}
		d = ds[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get dossier %s: %w", code, err)
	}
	return d, nil
}

// queryDossiers runs q and loads the history of every dossier it returns.
func queryDossiers(ctx context.Context, tx querier, q string, args ...any) ([]*motcua.Dossier, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []*motcua.Dossier
	byCode := map[string]*motcua.Dossier{}
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
		byCode[d.Code] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, nil
	}
	codes := make([]any, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	hrows, err := tx.QueryContext(ctx, `SELECT dossier_code, at, actor, action, from_status, to_status, reason, note
		FROM history WHERE dossier_code IN (`+placeholders(len(codes))+`) ORDER BY dossier_code, idx`, codes...)
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var (
			code     string
			at       int64
			h        motcua.HistoryEntry
			from, to int
		)
		if err := hrows.Scan(&code, &at, &h.Actor, &h.Action, &from, &to, &h.Reason, &h.Note); err != nil {
			return nil, err
		}
		h.At, h.From, h.To = fromMS(at), motcua.Status(from), motcua.Status(to)
		d := byCode[code]
		d.History = append(d.History, h)
	}
	return ds, hrows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// DefaultLimit is the page size of List when the filter sets none.
const DefaultLimit = 100

// MaxLimit caps a page of List and Search.
const MaxLimit = 1000

// filter is a ListFilter as SQL: the statuses asked for (nil = any) and
// the other conditions.
type filter struct {
	statuses []int
	none     bool // the statuses asked for and ActiveOnly exclude each other
	conds    []string
	args     []any
}

func newFilter(f app.ListFilter) filter {
	var q filter
	if len(f.Statuses) > 0 || f.ActiveOnly {
		for _, st := range motcua.Statuses() {
			if (len(f.Statuses) == 0 || slices.Contains(f.Statuses, st)) && (!f.ActiveOnly || st.Active()) {
				q.statuses = append(q.statuses, int(st))
			}
		}
		q.none = len(q.statuses) == 0
	}
	if !f.ReceivedFrom.IsZero() {
		q.conds = append(q.conds, "d.received_at >= ?")
		q.args = append(q.args, ms(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		q.conds = append(q.conds, "d.received_at < ?")
		q.args = append(q.args, ms(f.ReceivedTo))
	}
	if !f.DueBefore.IsZero() {
		q.conds = append(q.conds, dueCond)
		q.args = append(q.args, ms(f.DueBefore))
	}
	if !f.DueFrom.IsZero() {
		q.conds = append(q.conds, dueFromCond)
		q.args = append(q.args, ms(f.DueFrom))
	}
	return q
}

// dueCond filters on the due date. A page is read in receipt order instead
// (unordered: "+d.due_at"), so it stops at the page's end rather than
// sorting every late dossier; Count uses the (status, due_at) index.
const (
	dueCond     = "d.due_at < ?"
	dueFromCond = "d.due_at >= ?"
)

// where is the WHERE clause with the statuses as one IN list.
func (q filter) where() string {
	conds := q.conds
	if len(q.statuses) > 0 {
		conds = append([]string{"d.status IN (" + ints(q.statuses) + ")"}, conds...)
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// page selects the ids of one page, newest receipt first. With several
// statuses it is a UNION ALL of one arm per status, each reading the
// (status, received_at) index in order, which SQLite merges and stops at
// the page's end; a plain IN list would sort every matching row first.
func (q filter) page(limit, offset int) (string, []any) {
	const order = ` ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`
	conds := slices.Clone(q.conds)
	for i, c := range conds {
		if c == dueCond || c == dueFromCond {
			conds[i] = "+" + c
		}
	}
	if len(q.statuses) <= 1 {
		return `SELECT d.id FROM dossiers d` + filter{statuses: q.statuses, conds: conds}.where() + order,
			append(slices.Clone(q.args), limit, offset)
	}
	var arms []string
	var args []any
	for _, st := range q.statuses {
		arms = append(arms, `SELECT d.id, d.received_at FROM dossiers d WHERE `+
			strings.Join(append([]string{"d.status = " + strconv.Itoa(st)}, conds...), " AND "))
		args = append(args, q.args...)
	}
	return `SELECT id FROM (` + strings.Join(arms, " UNION ALL ") + order + `)`, append(args, limit, offset)
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// List returns one page of the dossiers matching f, newest receipt first,
// each with its history.
func (s *Store) List(ctx context.Context, f app.ListFilter) ([]*motcua.Dossier, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	q := newFilter(f)
	if q.none {
		return nil, nil
	}
	ids, args := q.page(min(limit, MaxLimit), max(f.Offset, 0))
	var ds []*motcua.Dossier
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		ds, err = queryDossiers(ctx, tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id IN (`+ids+`)
			ORDER BY d.received_at DESC, d.id DESC`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list dossiers: %w", err)
	}
	return ds, nil
}

// Count returns how many dossiers match f (Offset and Limit are ignored).
func (s *Store) Count(ctx context.Context, f app.ListFilter) (int, error) {
	q := newFilter(f)
	if q.none {
		return 0, nil
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM dossiers d`+q.where(), q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count dossiers: %w", err)
	}
	return n, nil
}
