package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"motcua"
)

// Count is one line of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Outcomes counts resolved dossiers by class.
type Outcomes struct {
	Early  int `json:"early"`
	OnTime int `json:"on_time"`
	Late   int `json:"late"`
}

// Total is every resolved dossier.
func (o Outcomes) Total() int { return o.Early + o.OnTime + o.Late }

func (o *Outcomes) add(class string) {
	switch class {
	case Early:
		o.Early++
	case OnTime:
		o.OnTime++
	default:
		o.Late++
	}
}

// OfficerLine is one officer's figures.
type OfficerLine struct {
	Officer  string   `json:"officer"`
	Received int      `json:"received"`
	Resolved Outcomes `json:"resolved"`
	Pending  int      `json:"pending"`
}

// Indicator availability.
const (
	Full    = "full"    // computed as the portal defines it
	Partial = "partial" // computed from the part of the definition the local data holds
	None    = "none"    // the local data does not hold what the indicator needs
)

// Indicator is one national-portal indicator computed from local data.
type Indicator struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	NameEN      string  `json:"name_en"`
	Formula     string  `json:"formula"`
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Percent     float64 `json:"percent"` // 0–100; 0 when unavailable or the denominator is 0
	Available   string  `json:"available"`
	Note        string  `json:"note,omitempty"`
}

// Has reports whether the indicator has a value.
func (i Indicator) Has() bool { return i.Available != None && i.Denominator > 0 }

// Report is the statistics of one period.
type Report struct {
	Period    Period    `json:"period"`
	Label     string    `json:"label"`
	AsOf      time.Time `json:"as_of"`
	Agency    string    `json:"agency,omitempty"`
	AgencyID  string    `json:"agency_id,omitempty"`
	Stations  []int     `json:"stations"`  // the stations whose dossiers the local file holds for the period
	Scope     string    `json:"scope"`     // which dossiers the report covers, in words
	Evaluated time.Time `json:"evaluated"` // pending figures are as of min(period end, now)

	Received    int     `json:"received"`     // received in the period
	CarriedOver int     `json:"carried_over"` // received before, still pending at the start
	ToHandle    int     `json:"to_handle"`    // received + carried over
	ByChannel   []Count `json:"by_channel"`   // of the received
	ByProcedure []Count `json:"by_procedure"` // of the received
	ByField     []Count `json:"by_field"`     // of the received
	ByDay       []Count `json:"by_day"`       // received per day (month when the period is longer than 62 days)

	Resolved         Outcomes `json:"resolved"`           // finished in the period (Đã xử lý xong / Đã trả kết quả)
	LateBySupplement int      `json:"late_by_supplement"` // of Resolved.Late: late only because of more than one supplement request
	PendingInTime    int      `json:"pending_in_time"`    // not ended by the evaluation time, not past due
	PendingLate      int      `json:"pending_late"`       // not ended, past due

	SupplementDossiers int `json:"supplement_dossiers"` // received in the period with at least one supplement request
	SupplementRequests int `json:"supplement_requests"` // requests on those dossiers
	SupplementMulti    int `json:"supplement_multi"`    // with more than one request (late under §3.5)
	Refused            int `json:"refused"`             // refused in the period
	Withdrawn          int `json:"withdrawn"`
	Stopped            int `json:"stopped"`
	Returned           int `json:"returned"` // results handed to the citizen in the period
	Extended           int `json:"extended"` // received in the period and extended once

	Satisfaction string `json:"satisfaction"` // no local data: says so

	Officers   []OfficerLine `json:"officers"`
	Indicators []Indicator   `json:"indicators"`
}

// Pending is every dossier not ended at the evaluation time.
func (r *Report) Pending() int { return r.PendingInTime + r.PendingLate }

// Empty reports whether the period has no dossier at all to report on.
func (r *Report) Empty() bool {
	return r.ToHandle == 0 && r.Resolved.Total() == 0 && r.Refused == 0 && r.Returned == 0 && r.Withdrawn == 0 && r.Stopped == 0
}

// Scope describes the dossiers a report covers.
const Scope = "Mọi hồ sơ có trong cơ sở dữ liệu của máy này (các máy tiếp nhận ghi ở mục «Máy»); " +
	"chưa gồm hồ sơ của các máy khác trong cơ quan chưa đồng bộ về máy này / " +
	"every dossier this station's database holds (stations listed); dossiers of other stations not copied here are not included"

// Statistics computes the report of period p as of the clock's now. A
// period wholly in the future is refused; one without data gives a report
// whose Empty says so.
func (s *Service) Statistics(ctx context.Context, p Period) (*Report, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	if !p.From.Before(now) {
		return nil, motcua.Invalid(ErrBadPeriod, "from", "Kỳ báo cáo (%s) chưa bắt đầu", "the period (%s) has not started yet", p.Label())
	}
	var r *Report
	if ts, ok := s.Source.(TallySource); ok && p.wholeDays() {
		var err error
		if r, err = fromTallies(ctx, ts, p, now); err != nil {
			return nil, fmt.Errorf("report %s: %w", p.Label(), err)
		}
	} else {
		rows, err := s.Source.PeriodRows(ctx, p.From, p.To)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", p.Label(), err)
		}
		r = compute(rows, p, now)
	}
	r.Agency, r.AgencyID = s.Agency, s.AgencyID
	return r, nil
}

func in(t time.Time, p Period) bool { return !t.IsZero() && !t.Before(p.From) && t.Before(p.To) }

// endedBefore: the dossier had ended strictly before t.
func endedBefore(r *Row, t time.Time) bool { e := r.EndedAt(); return !e.IsZero() && e.Before(t) }

// acc gathers the figures of one report, whether from the dossiers one by
// one (compute) or from the tallies (fromTallies).
type acc struct {
	rep                           *Report
	p                             Period
	eval, cut                     time.Time // pending figures: not ended before cut, late at eval
	byDay                         bool
	channels, procs, fields, days map[string]*Count
	officers                      map[string]*OfficerLine
	stations                      map[int]bool
	online, digitised, reused     int
}

func newAcc(p Period, now time.Time) *acc {
	eval, cut := p.To, p.To // cut: a dossier ended before cut is not pending
	if now.Before(eval) {
		eval, cut = now, now.Add(time.Nanosecond) // what happened at now has happened
	}
	return &acc{p: p, eval: eval, cut: cut, byDay: p.To.Sub(p.From) <= 62*24*time.Hour,
		rep: &Report{Period: p, Label: p.Label(), AsOf: now, Evaluated: eval, Scope: Scope,
			Satisfaction: "Không có dữ liệu: máy này không ghi đánh giá mức độ hài lòng / no data: this station records no satisfaction ratings"},
		channels: map[string]*Count{}, procs: map[string]*Count{}, fields: map[string]*Count{}, days: map[string]*Count{},
		officers: map[string]*OfficerLine{}, stations: map[int]bool{}}
}

func (a *acc) officer(name string) *OfficerLine {
	if o, ok := a.officers[name]; ok {
		return o
	}
	o := &OfficerLine{Officer: name}
	a.officers[name] = o
	return o
}

// bump adds n to a breakdown line. When one key comes with several labels
// (a procedure renamed in the catalogue), the smallest is shown.
func bump(m map[string]*Count, key, label string, n int) {
	c, ok := m[key]
	if !ok {
		c = &Count{Key: key, Label: label}
		m[key] = c
	}
	if label < c.Label {
		c.Label = label
	}
	c.N += n
}

// day counts n receipts on the day of t (its month for a long period).
func (a *acc) day(t time.Time, n int) {
	if a.byDay {
		bump(a.days, t.Format("2006-01-02"), t.Format("02/01"), n)
	} else {
		bump(a.days, t.Format("2006-01"), t.Format("01/2006"), n)
	}
}

// pending counts a dossier pending at the cut.
func (a *acc) pending(r *Row) {
	if r.lateAt(a.cut, a.eval) {
		a.rep.PendingLate++
	} else {
		a.rep.PendingInTime++
	}
	a.officer(r.Officer).Pending++
}

func (a *acc) closed(st motcua.Status, n int) {
	switch st {
	case motcua.StatusRefused:
		a.rep.Refused += n
	case motcua.StatusWithdrawn:
		a.rep.Withdrawn += n
	case motcua.StatusStopped:
		a.rep.Stopped += n
	}
}

func (a *acc) done() *Report {
	rep := a.rep
	rep.ToHandle = rep.Received + rep.CarriedOver
	rep.ByChannel = sorted(a.channels, false)
	rep.ByProcedure = sorted(a.procs, false)
	rep.ByField = sorted(a.fields, false)
	rep.ByDay = sorted(a.days, true)
	rep.Stations = sortedKeys(a.stations)
	for _, o := range a.officers {
		rep.Officers = append(rep.Officers, *o)
	}
	slices.SortFunc(rep.Officers, func(a, b OfficerLine) int { return cmp.Compare(a.Officer, b.Officer) })
	rep.Indicators = indicators(rep, a.online, a.digitised, a.reused)
	return rep
}

// compute is the report read from the dossiers one by one: the reference
// the tallies are checked against.
func compute(rows []Row, p Period, now time.Time) *Report {
	a := newAcc(p, now)
	rep := a.rep
	for i := range rows {
		r := &rows[i]
		if in(r.ReturnedAt, p) {
			rep.Returned++ // the result may have been ready before the period
		}
		if !r.ReceivedAt.Before(p.To) || endedBefore(r, p.From) {
			continue
		}
		a.stations[r.Station] = true
		if in(r.ReceivedAt, p) {
			rep.Received++
			bump(a.channels, strconv.Itoa(int(r.Channel)), r.Channel.Name(), 1)
			bump(a.procs, r.ProcedureCode, r.ProcedureName, 1)
			bump(a.fields, r.Field, r.Field, 1)
			a.day(r.ReceivedAt, 1)
			a.officer(r.Officer).Received++
			if r.Supplements > 0 {
				rep.SupplementDossiers++
				rep.SupplementRequests += r.Supplements
				if r.Supplements > 1 {
					rep.SupplementMulti++
				}
			}
			if r.Extended {
				rep.Extended++
			}
			if r.Channel == motcua.ChannelOnline {
				a.online++
			}
			if r.Attachments > 0 {
				a.digitised++
			}
			if r.Reused > 0 {
				a.reused++
			}
		} else {
			rep.CarriedOver++
		}
		if f := r.FinishedAt(); in(f, p) && (r.ClosedAt.IsZero() || f.Before(r.ClosedAt)) {
			c := r.Outcome()
			rep.Resolved.add(c)
			a.officer(r.Officer).Resolved.add(c)
			if r.lateBySupplement(c) {
				rep.LateBySupplement++
			}
		}
		if in(r.ClosedAt, p) && r.EndedAt().Equal(r.ClosedAt) {
			a.closed(r.Status, 1)
		}
		if !endedBefore(r, a.cut) && r.ReceivedAt.Before(a.cut) {
			a.pending(r)
		}
	}
	return a.done()
}

// lateBySupplement: late only because of more than one supplement request.
func (r *Row) lateBySupplement(class string) bool {
	f := r.FinishedAt()
	return class == Late && r.Supplements > 1 && (r.DueAt.IsZero() || !f.After(r.DueAt))
}

// sorted returns the counts by key (chronological) or by count, largest first.
func sorted(m map[string]*Count, byKey bool) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		if byKey {
			return cmp.Compare(a.Key, b.Key)
		}
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key))
	})
	return out
}

func share(id, name, en, formula string, num, den int, avail, note string) Indicator {
	i := Indicator{ID: id, Name: name, NameEN: en, Formula: formula, Numerator: num, Denominator: den, Available: avail, Note: note}
	if avail != None && den > 0 {
		i.Percent = 100 * float64(num) / float64(den)
	}
	return i
}

// indicators computes the national portal's indicators (Quyết định
// 766/QĐ-TTg, scored as DOMAIN.md §3.5 transcribes) from what this
// station records, saying where the local data falls short.
func indicators(r *Report, online, digitised, reused int) []Indicator {
	ok := r.Resolved.Early + r.Resolved.OnTime
	return []Indicator{
		share("on_time", "Tỷ lệ hồ sơ giải quyết đúng hạn", "On-time share",
			"(trước hạn + đúng hạn) / số hồ sơ đã giải quyết trong kỳ; đúng hạn khi ngày kết thúc xử lý không sau ngày hẹn trả, "+
				"quá hạn khi có hơn một lần yêu cầu bổ sung",
			ok, r.Resolved.Total(), Full, ""),
		share("online", "Tỷ lệ hồ sơ trực tuyến", "Online share",
			"số hồ sơ nộp trực tuyến (KenhThucHien = 2) / số hồ sơ tiếp nhận trong kỳ",
			online, r.Received, Partial,
			"Cổng quốc gia còn đòi kết quả điện tử (MaKetQua + DuongDanTepTinKetQua); máy này chưa ghi kết quả điện tử nên chỉ tính theo kênh nộp / "+
				"the portal also requires an electronic result, which this station does not record: counted by channel only"),
		share("digitised", "Tỷ lệ số hóa hồ sơ", "Digitisation share",
			"số hồ sơ có tệp đính kèm ở thành phần hồ sơ / số hồ sơ tiếp nhận trong kỳ",
			digitised, r.Received, Partial,
			"Cổng quốc gia còn đòi tệp đính kèm ở kết quả; máy này chưa lưu tệp kết quả nên chỉ tính phần thành phần hồ sơ / "+
				"the portal also requires a file attached to the result, which this station does not store: components only"),
		share("reuse", "Tỷ lệ tái sử dụng dữ liệu số hóa", "Reuse share",
			"số hồ sơ có ít nhất một thành phần dùng lại từ kho dữ liệu điện tử của công dân (TaiLieuNop.DuocTaiSuDung = 1, không quét lại) / số hồ sơ tiếp nhận",
			reused, r.Received, Partial,
			"Cổng quốc gia (theo bản chép lại, chưa đối chiếu) tính HoSoCoThanhPhanSoHoa = 1 hoặc TaiLieuNop.DuocSoHoa = 1; máy này đếm việc dùng lại giấy tờ từ kho của chính cơ quan, "+
				"chưa tính giấy tờ lấy từ kho quốc gia / the portal's rule is transcribed, not confirmed; this station counts reuse from the office's own store, not from the national store"),
		share("population_db", "Tỷ lệ khai thác Cơ sở dữ liệu quốc gia về dân cư", "Population-database use",
			"số hồ sơ có TaiKhoanDuocXacThucVoiVNeID = 1 hoặc DuocLayTuKhoDMQG = 1 / số hồ sơ tiếp nhận",
			0, r.Received, None,
			"Không có dữ liệu: máy này không kết nối CSDL dân cư hay VNeID (đọc QR CCCD không phải là khai thác CSDL) / "+
				"no data: this station has no link to the population database or VNeID (reading the chip-ID QR is not that)"),
	}
}
