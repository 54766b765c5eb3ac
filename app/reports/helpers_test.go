package reports_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

var ctx = context.Background()

const agency = "000.00.06.H56"

// vn is a Vietnam time on day d of month m, 2026.
func vn(m time.Month, d, hh, mm int) time.Time {
	return time.Date(2026, m, d, hh, mm, 0, 0, motcua.Location)
}

// step is one history move of a seeded dossier.
type step struct {
	at     time.Time
	to     motcua.Status
	action string
}

type seed struct {
	n        int
	proc     int // index into procs
	ch       motcua.Channel
	officer  string
	station  int
	received time.Time
	due      time.Time
	steps    []step // after the first move 1 → 2 at received (unless the first step starts at received)
	extendTo time.Time
	extendAt time.Time
	atts     int // live attachments
	deleted  int // withdrawn attachments
}

var procs = []motcua.ProcedureRef{
	{Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: "Hộ tịch"},
	{Code: "1.001612", Name: "Đăng ký thành lập hộ kinh doanh", Field: "Đăng ký hộ kinh doanh"},
}

func code(n int, received time.Time) string {
	return fmt.Sprintf("%s-%s-%04d", agency, received.Format("060102"), n)
}

// build turns a seed into a stored dossier with its history.
func build(s seed) *motcua.Dossier {
	if s.station == 0 {
		s.station = 1
	}
	d := &motcua.Dossier{
		Code: code(s.n, s.received), Procedure: procs[s.proc], Channel: s.ch,
		Applicant:  motcua.Applicant{Name: fmt.Sprintf("Nguyễn Thị Ánh %d", s.n), IDNumber: fmt.Sprintf("0011900%05d", s.n), SubjectType: motcua.SubjectCitizen},
		Components: []motcua.Component{{Name: "Tờ khai", Original: 1}},
		ReceivedAt: s.received, DueAt: s.due, Status: motcua.StatusNew, Officer: s.officer, Station: s.station,
	}
	steps := s.steps
	if len(steps) == 0 || !steps[0].at.Equal(s.received) {
		steps = append([]step{{s.received, motcua.StatusReceived, "accept"}}, steps...)
	}
	for _, st := range steps {
		if !s.extendAt.IsZero() && st.at.After(s.extendAt) && !d.Extended {
			d.History = append(d.History, motcua.HistoryEntry{At: s.extendAt, Actor: s.officer, Action: "extend", From: d.Status, To: d.Status, Reason: "Xin lỗi"})
			d.DueAt, d.Extended = s.extendTo, true
		}
		d.History = append(d.History, motcua.HistoryEntry{At: st.at, Actor: s.officer, Action: st.action, From: d.Status, To: st.to, Reason: "lý do"})
		d.Status = st.to
		if st.to == motcua.StatusReturned {
			d.ReturnedAt = st.at
		}
	}
	if !s.extendAt.IsZero() && !d.Extended {
		d.History = append(d.History, motcua.HistoryEntry{At: s.extendAt, Actor: s.officer, Action: "extend", From: d.Status, To: d.Status, Reason: "Xin lỗi"})
		d.DueAt, d.Extended = s.extendTo, true
	}
	return d
}

// openStore opens a real SQLite file with a fixed clock.
func openStore(tb testing.TB, now time.Time) *storage.Store {
	tb.Helper()
	st, err := storage.Open(filepath.Join(tb.TempDir(), "motcua.db"), storage.WithClock(motcua.NewFixedClock(now)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func insert(tb testing.TB, st *storage.Store, seeds ...seed) {
	tb.Helper()
	for _, s := range seeds {
		d := build(s)
		if err := st.Insert(ctx, d, app.AuditEntry{At: s.received, Actor: "seed"}); err != nil {
			tb.Fatalf("insert %d: %v", s.n, err)
		}
		for i := 0; i < s.atts+s.deleted; i++ {
			a := &app.Attachment{Dossier: d.Code, Component: "Tờ khai", FileName: fmt.Sprintf("scan%d.pdf", i),
				SHA256: strings.Repeat(fmt.Sprintf("%x", (s.n+i)%16), 64), Size: 10, Pages: 1, AddedBy: "seed", Deleted: i >= s.atts}
			if err := st.AddAttachment(ctx, a, app.AuditEntry{Actor: "seed"}); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// s5, s2, … are short step constructors.
func to(st motcua.Status, at time.Time) step {
	action := map[motcua.Status]string{2: "advance", 3: "refuse", 4: "advance", 5: "supplement", 7: "advance", 8: "advance", 9: "advance", 10: "return"}[st]
	return step{at, st, action}
}

// november is the seeded set of the statistics test; DOSSIERS.md-style
// expectations are in TestStatisticsNovember.
func november() []seed {
	return []seed{
		// 1: resolved early (done 04/11, due 05/11), returned 06/11, two scans
		{n: 1, proc: 0, ch: 1, officer: "lan.nt", received: vn(11, 2, 8, 0), due: vn(11, 5, 17, 0),
			steps: []step{to(4, vn(11, 2, 9, 0)), to(9, vn(11, 4, 10, 0)), to(10, vn(11, 6, 9, 0))}, atts: 2},
		// 2: online, resolved on the due day before the due time, one scan
		{n: 2, proc: 0, ch: 2, officer: "lan.nt", received: vn(11, 3, 9, 0), due: vn(11, 6, 17, 0),
			steps: []step{to(9, vn(11, 6, 15, 0))}, atts: 1},
		// 3: late by 15 hours, returned; its only scan was withdrawn
		{n: 3, proc: 1, ch: 1, officer: "binh.tv", received: vn(11, 9, 8, 0), due: vn(11, 12, 17, 0),
			steps: []step{to(9, vn(11, 13, 8, 0)), to(10, vn(11, 13, 10, 0))}, deleted: 1},
		// 4: online, two supplement requests (the first at intake), finished before the due time: late under §3.5
		{n: 4, proc: 1, ch: 2, officer: "binh.tv", received: vn(11, 10, 8, 0), due: vn(11, 18, 17, 0),
			steps: []step{to(5, vn(11, 10, 8, 0)), to(2, vn(11, 11, 8, 0)), to(4, vn(11, 11, 9, 0)),
				to(5, vn(11, 12, 8, 0)), to(2, vn(11, 13, 8, 0)), to(9, vn(11, 17, 10, 0))}},
		// 5: extended once (19/11 → 24/11), done on the new due day
		{n: 5, proc: 0, ch: 1, officer: "lan.nt", received: vn(11, 16, 8, 0), due: vn(11, 19, 17, 0),
			extendAt: vn(11, 19, 9, 0), extendTo: vn(11, 24, 17, 0), steps: []step{to(4, vn(11, 16, 9, 0)), to(9, vn(11, 24, 11, 0))}},
		// 6: refused at the counter
		{n: 6, proc: 1, ch: 1, officer: "binh.tv", received: vn(11, 17, 10, 0),
			steps: []step{to(3, vn(11, 17, 10, 0))}},
		// 7: postal, received after hours on the last day of the month; due 03/12
		{n: 7, proc: 0, ch: 3, officer: "lan.nt", received: vn(11, 30, 17, 30), due: vn(12, 3, 17, 0)},
		// 8: received in October at station 2, carried over, resolved late on 03/11
		{n: 8, proc: 0, ch: 1, officer: "binh.tv", station: 2, received: vn(10, 28, 8, 0), due: vn(11, 2, 17, 0),
			steps: []step{to(9, vn(11, 3, 9, 0))}},
		// 9: ended and returned in October: not in November at all
		{n: 9, proc: 0, ch: 1, officer: "lan.nt", received: vn(10, 20, 8, 0), due: vn(10, 23, 17, 0),
			steps: []step{to(9, vn(10, 22, 8, 0)), to(10, vn(10, 25, 8, 0))}},
		// 10: done in October, returned on 02/11: one return in November, nothing else
		{n: 10, proc: 0, ch: 1, officer: "lan.nt", received: vn(10, 21, 8, 0), due: vn(10, 26, 17, 0),
			steps: []step{to(9, vn(10, 23, 8, 0)), to(10, vn(11, 2, 14, 0))}},
		// 11: still being processed, due 26/11: pending and late at the end of November
		{n: 11, proc: 1, ch: 1, officer: "lan.nt", received: vn(11, 23, 8, 0), due: vn(11, 26, 17, 0),
			steps: []step{to(4, vn(11, 23, 9, 0))}},
		// 12: online, waiting for the citizen's supplement since 26/11
		{n: 12, proc: 0, ch: 2, officer: "binh.tv", received: vn(11, 25, 8, 0), due: vn(11, 30, 17, 0),
			steps: []step{to(5, vn(11, 26, 9, 0))}},
		// 13: withdrawn by the citizen
		{n: 13, proc: 1, ch: 1, officer: "binh.tv", received: vn(11, 18, 8, 0), due: vn(11, 23, 17, 0),
			steps: []step{to(7, vn(11, 20, 8, 0))}},
	}
}

// december adds the board's dossiers (received in December, so outside the
// November statistics).
func december() []seed {
	return []seed{
		// 14: due today at 16:00
		{n: 14, proc: 0, ch: 1, officer: "lan.nt", received: vn(12, 3, 8, 0), due: vn(12, 7, 16, 0)},
		// 15: due Wednesday 09/12, within two working days
		{n: 15, proc: 0, ch: 2, officer: "lan.nt", received: vn(12, 4, 8, 0), due: vn(12, 9, 17, 0), steps: []step{to(4, vn(12, 4, 9, 0))}},
		// 16: extended from 03/12 to Thursday 10/12 09:00: beyond two working days
		{n: 16, proc: 1, ch: 1, officer: "binh.tv", received: vn(12, 1, 8, 0), due: vn(12, 3, 17, 0),
			extendAt: vn(12, 3, 9, 0), extendTo: vn(12, 10, 9, 0)},
	}
}
