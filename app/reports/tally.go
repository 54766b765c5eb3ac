package reports

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"motcua"
)

// The statistics of a period are read from tallies kept at write time: each
// dossier contributes a few counts keyed by a day (Contributions), and the
// store adds a dossier's new contributions and takes away its old ones in
// the transaction that changes it. A year is then a few thousand tally
// rows instead of every dossier. The figures are those of compute, which
// reads the dossiers one by one (the tests hold the two equal).
//
// Days are numbered in Vietnam time (DayNumber). Every condition of compute
// is "instant x before the period's bound"; for a bound at midnight that is
// "the day of x before the bound's day", so whole-day periods need no finer
// grain. Day2 carries the second condition some figures have (received
// before the period's end, not ended before its start).

// Tally kinds.
const (
	TRecvDay       = 1 + iota // received (Day: day of receipt; Day2: min(receipt, end) day)
	TRecvChannel              // K: channel number
	TRecvProcedure            // K: JSON [code, name]
	TRecvField                // K: field
	TRecvOfficer              // K: officer
	TRecvStation              // K: station number
	TSuppDossiers             // received with at least one supplement request
	TSuppRequests             // N: the requests
	TSuppMulti                // more than one request
	TExtended
	TOnline
	TDigitised
	TReused
	TResolved = 20 // Day: finished; Day2: max(receipt, finish); K: JSON [officer, class, late by supplement "1"/""]
	TClosed   = 21 // Day: refused/withdrawn/stopped; Day2: max(receipt, that); K: status
	TReturned = 22 // Day: returned
	TPending  = 30 // K: JSON [officer, station]; +1 on the day of receipt, −1 on the day it ended
	TLate     = 31 // +1 on the day a pending dossier became late, −1 on the day it stopped being
)

// TallyKey identifies one tally.
type TallyKey struct {
	Kind, Day, Day2 int
	K               string
}

// Tally is one tally row.
type Tally struct {
	TallyKey
	N int
}

// TallySource is a Source whose store keeps the tallies at write time.
type TallySource interface {
	Source
	// Tallies returns the tallies of kinds below TPending with a day in
	// [fromDay, toDay), and those of TPending and TLate with a day before
	// toDay.
	Tallies(ctx context.Context, fromDay, toDay int) ([]Tally, error)
	// OpenRows returns at least every dossier received at or before t that
	// had not ended before t.
	OpenRows(ctx context.Context, t time.Time) ([]Row, error)
}

// DayNumber is the Vietnam calendar day of t, counted from 01/01/1970.
func DayNumber(t time.Time) int {
	y, m, d := t.In(motcua.Location).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(n int) time.Time {
	u := time.Unix(int64(n)*86400, 0).UTC()
	return midnight(u.Year(), u.Month(), u.Day())
}

func key(parts ...string) string {
	b, _ := json.Marshal(parts)
	return string(b)
}

func unkey(k string) []string {
	var parts []string
	_ = json.Unmarshal([]byte(k), &parts)
	return parts
}

// span: late for every t with A < t ≤ B (B zero: no end).
type span struct{ a, b time.Time }

// lateSpans are the instants at which the dossier was pending and late,
// evaluated as compute does for a period ending at t: received before t,
// not ended before t, its due date in force at t before t, not waiting for
// the citizen at t.
func (r *Row) lateSpans() []span {
	var cuts []time.Time
	for _, s := range r.Steps {
		cuts = append(cuts, s.At)
	}
	for _, d := range r.Dues {
		cuts = append(cuts, d.Since)
	}
	slices.SortFunc(cuts, time.Time.Compare)
	cuts = slices.CompactFunc(cuts, time.Time.Equal)
	e := r.EndedAt()
	var out []span
	var lo time.Time // zero: no lower bound yet
	for i := 0; i <= len(cuts); i++ {
		// the state is the same for every t in (lo, hi]
		var hi, probe time.Time
		switch {
		case i < len(cuts):
			hi, probe = cuts[i], cuts[i]
		case len(cuts) > 0:
			probe = cuts[len(cuts)-1].Add(time.Nanosecond)
		default:
			probe = r.ReceivedAt
		}
		due, supp := r.StateAt(probe)
		if !due.IsZero() && !supp {
			a := r.ReceivedAt
			for _, x := range []time.Time{lo, due} {
				if x.After(a) {
					a = x
				}
			}
			b := hi
			if !e.IsZero() && (b.IsZero() || e.Before(b)) {
				b = e
			}
			if b.IsZero() || a.Before(b) {
				out = append(out, span{a, b})
			}
		}
		lo = hi
	}
	return out
}

// Contributions are the dossier's counts in the tallies.
func Contributions(r *Row) map[TallyKey]int {
	out := map[TallyKey]int{}
	add := func(kind, day, day2 int, k string, n int) {
		if n != 0 {
			out[TallyKey{kind, day, day2, k}] += n
		}
	}
	rd := DayNumber(r.ReceivedAt)
	e := r.EndedAt()
	r2 := rd
	if !e.IsZero() {
		r2 = min(rd, DayNumber(e))
	}
	recv := func(kind int, k string, n int) { add(kind, rd, r2, k, n) }
	recv(TRecvDay, "", 1)
	recv(TRecvChannel, strconv.Itoa(int(r.Channel)), 1)
	recv(TRecvProcedure, key(r.ProcedureCode, r.ProcedureName), 1)
	recv(TRecvField, r.Field, 1)
	recv(TRecvOfficer, r.Officer, 1)
	recv(TRecvStation, strconv.Itoa(r.Station), 1)
	if r.Supplements > 0 {
		recv(TSuppDossiers, "", 1)
		recv(TSuppRequests, "", r.Supplements)
		if r.Supplements > 1 {
			recv(TSuppMulti, "", 1)
		}
	}
	flag := func(kind int, ok bool) {
		if ok {
			recv(kind, "", 1)
		}
	}
	flag(TExtended, r.Extended)
	flag(TOnline, r.Channel == motcua.ChannelOnline)
	flag(TDigitised, r.Attachments > 0)
	flag(TReused, r.Reused > 0)
	if f := r.FinishedAt(); !f.IsZero() && (r.ClosedAt.IsZero() || f.Before(r.ClosedAt)) {
		fd := DayNumber(f)
		c := r.Outcome()
		lbs := ""
		if r.lateBySupplement(c) {
			lbs = "1"
		}
		add(TResolved, fd, max(rd, fd), key(r.Officer, c, lbs), 1)
	}
	if !r.ClosedAt.IsZero() && e.Equal(r.ClosedAt) {
		switch r.Status {
		case motcua.StatusRefused, motcua.StatusWithdrawn, motcua.StatusStopped:
			cd := DayNumber(r.ClosedAt)
			add(TClosed, cd, max(rd, cd), strconv.Itoa(int(r.Status)), 1)
		}
	}
	if !r.ReturnedAt.IsZero() {
		d := DayNumber(r.ReturnedAt)
		add(TReturned, d, d, "", 1)
	}
	// pending for every t with receipt < t ≤ end
	if e.IsZero() || r.ReceivedAt.Before(e) {
		k := key(r.Officer, strconv.Itoa(r.Station))
		add(TPending, rd, 0, k, 1)
		if !e.IsZero() {
			add(TPending, DayNumber(e), 0, k, -1)
		}
	}
	for _, s := range r.lateSpans() {
		add(TLate, DayNumber(s.a), 0, "", 1)
		if !s.b.IsZero() {
			add(TLate, DayNumber(s.b), 0, "", -1)
		}
	}
	for k, n := range out {
		if n == 0 {
			delete(out, k)
		}
	}
	return out
}

// wholeDays: the period runs from a midnight to a midnight, Vietnam time.
func (p Period) wholeDays() bool {
	return p.From.Equal(dayOf(p.From)) && p.To.Equal(dayOf(p.To))
}

// fromTallies computes the report of p as compute does, from the tallies
// and, while the period is under way, the dossiers still open now.
func fromTallies(ctx context.Context, src TallySource, p Period, now time.Time) (*Report, error) {
	fd, td := DayNumber(p.From), DayNumber(p.To)
	ts, err := src.Tallies(ctx, fd, td)
	if err != nil {
		return nil, err
	}
	a := newAcc(p, now)
	rep := a.rep
	current := a.cut.Before(p.To)
	carried := map[string]int{} // pending at the start, by [officer, station]
	atEnd := map[string]int{}   // pending at the end
	late := 0
	for _, t := range ts {
		n := t.N
		switch {
		case t.Kind < TResolved:
			if t.Day < fd || t.Day >= td || t.Day2 < fd {
				continue
			}
		case t.Kind < TPending:
			if t.Day < fd || t.Day >= td || t.Day2 >= td {
				continue
			}
		}
		switch t.Kind {
		case TRecvDay:
			rep.Received += n
			a.day(dayTime(t.Day), n)
		case TRecvChannel:
			ch, _ := strconv.Atoi(t.K)
			bump(a.channels, t.K, motcua.Channel(ch).Name(), n)
		case TRecvProcedure:
			if k := unkey(t.K); len(k) == 2 {
				bump(a.procs, k[0], k[1], n)
			}
		case TRecvField:
			bump(a.fields, t.K, t.K, n)
		case TRecvOfficer:
			a.officer(t.K).Received += n
		case TRecvStation:
			st, _ := strconv.Atoi(t.K)
			a.stations[st] = true
		case TSuppDossiers:
			rep.SupplementDossiers += n
		case TSuppRequests:
			rep.SupplementRequests += n
		case TSuppMulti:
			rep.SupplementMulti += n
		case TExtended:
			rep.Extended += n
		case TOnline:
			a.online += n
		case TDigitised:
			a.digitised += n
		case TReused:
			a.reused += n
		case TResolved:
			k := unkey(t.K)
			if len(k) != 3 {
				continue
			}
			for range n {
				rep.Resolved.add(k[1])
				a.officer(k[0]).Resolved.add(k[1])
			}
			if k[2] != "" {
				rep.LateBySupplement += n
			}
		case TClosed:
			st, _ := strconv.Atoi(t.K)
			a.closed(motcua.Status(st), n)
		case TReturned:
			rep.Returned += n
		case TPending:
			if t.Day < fd {
				carried[t.K] += n
			}
			atEnd[t.K] += n
		case TLate:
			late += n
		}
	}
	for k, n := range carried {
		if n > 0 {
			rep.CarriedOver += n
			if parts := unkey(k); len(parts) == 2 {
				st, _ := strconv.Atoi(parts[1])
				a.stations[st] = true
			}
		}
	}
	if !current {
		for k, n := range atEnd {
			if parts := unkey(k); n > 0 && len(parts) == 2 {
				a.officer(parts[0]).Pending += n
				rep.PendingInTime += n
			}
		}
		rep.PendingLate = late
		rep.PendingInTime -= late
		return a.done(), nil
	}
	open, err := src.OpenRows(ctx, now)
	if err != nil {
		return nil, err
	}
	for i := range open {
		r := &open[i]
		if !endedBefore(r, a.cut) && r.ReceivedAt.Before(a.cut) {
			a.pending(r)
		}
	}
	return a.done(), nil
}
