package ui

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// pageSize is how many dossiers one read of the list fetches; the list is
// virtual, so only the pages scrolled to are ever read.
const pageSize = 100

// maxPages bounds the page cache.
const maxPages = 16

// quick is one quick filter of the dossier list.
type quick struct {
	label string
	// filter is the SQL side: paged, counted.
	filter func(e *env) app.ListFilter
	// keep is the same filter in Go, applied to search results.
	keep func(e *env, d *motcua.Dossier) bool
	// sync lists the dossiers whose delivery the province refused.
	sync bool
}

func inStatuses(d *motcua.Dossier, ss []motcua.Status) bool {
	for _, s := range ss {
		if d.Status == s {
			return true
		}
	}
	return false
}

// workingDaysAhead is the start of the day after the n-th working day from
// today (n=0: tomorrow 00:00).
func workingDaysAhead(e *env, n int) time.Time {
	d := dayStart(e.now())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if e.svc.Calendar.IsWorkingDay(d) {
			n--
		}
	}
	return d.AddDate(0, 0, 1)
}

var quickFilters = []quick{
	{label: "Tất cả",
		filter: func(*env) app.ListFilter { return app.ListFilter{} },
		keep:   func(*env, *motcua.Dossier) bool { return true }},
	{label: "Nhận hôm nay",
		filter: func(e *env) app.ListFilter {
			s := dayStart(e.now())
			return app.ListFilter{ReceivedFrom: s, ReceivedTo: s.AddDate(0, 0, 1)}
		},
		keep: func(e *env, d *motcua.Dossier) bool { return dayStart(d.ReceivedAt).Equal(dayStart(e.now())) }},
	{label: "Đến hạn hôm nay",
		filter: func(e *env) app.ListFilter {
			return app.ListFilter{Statuses: running, DueFrom: e.now(), DueBefore: workingDaysAhead(e, 0)}
		},
		keep: func(e *env, d *motcua.Dossier) bool {
			return inStatuses(d, running) && !d.DueAt.Before(e.now()) && d.DueAt.Before(workingDaysAhead(e, 0))
		}},
	{label: "Hạn trong 2 ngày",
		filter: func(e *env) app.ListFilter {
			return app.ListFilter{Statuses: running, DueFrom: e.now(), DueBefore: workingDaysAhead(e, 2)}
		},
		keep: func(e *env, d *motcua.Dossier) bool {
			return inStatuses(d, running) && !d.DueAt.Before(e.now()) && d.DueAt.Before(workingDaysAhead(e, 2))
		}},
	{label: "Quá hạn",
		filter: func(e *env) app.ListFilter { return app.ListFilter{Statuses: running, DueBefore: e.now()} },
		keep:   func(e *env, d *motcua.Dossier) bool { return inStatuses(d, running) && d.DueAt.Before(e.now()) }},
	{label: "Chờ bổ sung",
		filter: func(*env) app.ListFilter { return app.ListFilter{Statuses: []motcua.Status{motcua.StatusSupplement}} },
		keep:   func(_ *env, d *motcua.Dossier) bool { return d.Status == motcua.StatusSupplement }},
	{label: "Chờ trả kết quả",
		filter: func(*env) app.ListFilter { return app.ListFilter{Statuses: []motcua.Status{motcua.StatusDone}} },
		keep:   func(_ *env, d *motcua.Dossier) bool { return d.Status == motcua.StatusDone }},
	{label: "Lỗi đồng bộ", sync: true},
}

// Dossiers is the list of dossiers — virtual, paged from SQLite, so that
// it opens as fast with 100,000 dossiers as with 10 — with quick filters, a
// search box, colour-coded days left, and the detail of one dossier.
type Dossiers struct {
	*env

	Search  *Entry
	Filters []*Button
	List    *widget.List
	Info    *widget.Label
	Detail  *Detail

	filter    int
	total     int
	pages     map[int][]*motcua.Dossier
	order     []int // pages by last use, for eviction
	results   []*motcua.Dossier
	searched  bool
	synced    []*motcua.Dossier
	kbd       bool // a selection made from the keyboard only highlights
	highlight int
	stale     bool
	list      fyne.CanvasObject
	stack     *fyne.Container
}

func newDossiers(e *env) *Dossiers {
	s := &Dossiers{env: e, pages: map[int][]*motcua.Dossier{}, stale: true}
	s.Search = newEntry(e.keys, nil)
	s.Search.SetPlaceHolder(tr("Tìm theo mã hồ sơ, họ tên, số CCCD, điện thoại, thủ tục (không cần dấu) · ↓↑ chọn, Enter mở"))
	s.Search.OnChanged = func(string) { s.reload() }
	s.Search.OnKey = s.searchKey
	s.Search.OnSubmitted = func(string) { s.openHighlighted() }
	for i, q := range quickFilters {
		i := i
		b := newButton(e.keys, tr(q.label), func() { s.SetFilter(i) })
		s.Filters = append(s.Filters, b)
	}
	s.Info = widget.NewLabel("")
	s.List = widget.NewList(s.length, newRow, s.updateRow)
	s.List.OnSelected = func(i widget.ListItemID) {
		if s.kbd {
			return
		}
		e.main.touch()
		if d := s.row(i); d != nil {
			s.openDetail(d)
		}
		s.List.UnselectAll()
	}
	s.Detail = newDetail(e, s)
	filters := container.NewHBox(widget.NewLabel(tr("Lọc (Ctrl+1…8):")))
	for _, b := range s.Filters {
		filters.Add(b)
	}
	header := container.New(&columns{weights: rowWeights}, bold(tr("Mã hồ sơ")), bold(tr("Người nộp")), bold(tr("Thủ tục")),
		bold(tr("Trạng thái")), bold(tr("Hẹn trả")), bold(tr("Còn lại")))
	top := container.NewVBox(s.Search, container.NewHScroll(filters), widget.NewSeparator(), header, widget.NewSeparator())
	s.list = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), s.Info), nil, nil, s.List)
	s.stack = container.NewStack(s.list, s.Detail.Content())
	s.Detail.Content().Hide()
	return s
}

var rowWeights = []float32{0.19, 0.18, 0.3, 0.14, 0.11, 0.08}

// Content is the screen's root object.
func (s *Dossiers) Content() fyne.CanvasObject { return s.stack }

func (s *Dossiers) shown() {
	if s.Detail.Content().Visible() {
		s.Detail.shown()
		return
	}
	if s.stale {
		s.reload()
	}
	s.focus(s.Search)
}

func (s *Dossiers) bindings() map[string]func() {
	b := map[string]func(){
		keyName(fyne.KeyF3): func() {
			if s.Detail.Content().Visible() {
				s.closeDetail()
				return
			}
			s.focus(s.Search)
		},
		keyName(fyne.KeyEscape): func() {
			if s.Detail.Content().Visible() {
				s.closeDetail()
			} else if s.Search.Text != "" {
				s.Search.SetText("")
			}
		},
		sc(ctrl(fyne.KeyF)): func() { s.closeDetail(); s.focus(s.Search) },
	}
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8} {
		i := i
		b[sc(ctrl(k))] = func() { s.closeDetail(); s.SetFilter(i) }
	}
	for k, f := range s.Detail.bindings() {
		k, f := k, f
		if prev, ok := b[k]; ok {
			b[k] = func() {
				if s.Detail.Content().Visible() {
					f()
				} else {
					prev()
				}
			}
			continue
		}
		b[k] = func() {
			if s.Detail.Content().Visible() {
				f()
			}
		}
	}
	return b
}

// SetFilter applies quick filter i.
func (s *Dossiers) SetFilter(i int) {
	s.filter = i
	s.reload()
	s.focus(s.Search)
}

// Filter is the index of the quick filter in use.
func (s *Dossiers) Filter() int { return s.filter }

// invalidate marks the list as needing a reload (after a write elsewhere).
func (s *Dossiers) invalidate() {
	s.stale = true
	if s.frame != nil && s.frame.current == ScreenDossiers && !s.Detail.Content().Visible() {
		s.reload()
	}
}

// reload counts and reads the first page again for the current filter
// and search text.
func (s *Dossiers) reload() {
	ctx := context.Background()
	s.stale = false
	s.pages, s.order = map[int][]*motcua.Dossier{}, nil
	s.results, s.searched, s.synced = nil, false, nil
	s.highlight = -1
	q := quickFilters[s.filter]
	text := strings.TrimSpace(s.Search.Text)
	var err error
	switch {
	case q.sync:
		s.synced, err = s.quarantined(ctx)
		s.total = len(s.synced)
		if text != "" {
			s.results, s.searched = s.matchText(s.synced, text), true
		}
	case text != "":
		var found []*motcua.Dossier
		found, err = s.svc.Store.Search(ctx, text, 500)
		for _, d := range found {
			if q.keep(s.env, d) {
				s.results = append(s.results, d)
			}
		}
		s.searched = true
	default:
		s.total, err = s.svc.Store.Count(ctx, q.filter(s.env))
	}
	s.paintFilters(ctx)
	s.kbd = true
	s.List.UnselectAll()
	s.kbd = false
	s.List.Refresh()
	s.List.ScrollToTop()
	switch {
	case err != nil:
		s.Info.SetText(errMsg(err))
	case q.sync && s.svc.Sync == nil:
		s.Info.SetText(tr("Chưa có bộ đồng bộ với tỉnh trên máy này: không có hồ sơ nào bị tỉnh trả về."))
	case s.searched:
		s.Info.SetText(tr("Tìm thấy") + " " + thousands(len(s.results)) + " " + tr("hồ sơ") + " · " + tr(q.label))
	default:
		s.Info.SetText(thousands(s.total) + " " + tr("hồ sơ") + " · " + tr(q.label) + " · " + tr("mới nhận trước"))
	}
}

// matchText keeps the dossiers whose folded code, name, ID, phone or
// procedure contains every word of text.
func (s *Dossiers) matchText(ds []*motcua.Dossier, text string) []*motcua.Dossier {
	words := strings.Fields(motcua.Fold(text))
	var out []*motcua.Dossier
	for _, d := range ds {
		hay := motcua.Fold(strings.Join([]string{d.Code, d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone, d.Procedure.Name}, " "))
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(hay, w)
		}
		if ok {
			out = append(out, d)
		}
	}
	return out
}

// quarantined reads the dossiers of the messages the province refused.
func (s *Dossiers) quarantined(ctx context.Context) ([]*motcua.Dossier, error) {
	if s.svc.Sync == nil {
		return nil, nil
	}
	items, err := s.svc.Sync.Items(ctx, []string{"quarantined"}, 1000)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*motcua.Dossier
	for _, it := range items {
		if seen[it.DossierCode] {
			continue
		}
		seen[it.DossierCode] = true
		if d, err := s.svc.Store.Get(ctx, it.DossierCode); err == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// paintFilters marks the filter in use and shows the counts that need
// attention on the buttons.
func (s *Dossiers) paintFilters(ctx context.Context) {
	for i, b := range s.Filters {
		q := quickFilters[i]
		label := tr(q.label)
		if i >= 1 && i <= 6 { // every filter but "all" says how many
			if n, err := s.svc.Store.Count(ctx, q.filter(s.env)); err == nil && n > 0 {
				label += " (" + thousands(n) + ")"
			}
		}
		b.SetText(label)
		switch {
		case i == s.filter:
			b.Importance = widget.HighImportance
		case i == 4 && strings.Contains(label, "("):
			b.Importance = widget.DangerImportance
		default:
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

func (s *Dossiers) length() int {
	switch {
	case s.searched:
		return len(s.results)
	case quickFilters[s.filter].sync:
		return len(s.synced)
	}
	return s.total
}

// row returns the i-th dossier of the list, reading its page if needed.
func (s *Dossiers) row(i int) *motcua.Dossier {
	switch {
	case s.searched:
		if i < len(s.results) {
			return s.results[i]
		}
		return nil
	case quickFilters[s.filter].sync:
		if i < len(s.synced) {
			return s.synced[i]
		}
		return nil
	}
	p := i / pageSize
	page, ok := s.pages[p]
	if !ok {
		f := quickFilters[s.filter].filter(s.env)
		f.Offset, f.Limit = p*pageSize, pageSize
		var err error
		page, err = s.svc.Store.List(context.Background(), f)
		if err != nil {
			s.Info.SetText(errMsg(err))
			return nil
		}
		s.pages[p] = page
		s.order = append(s.order, p)
		if len(s.order) > maxPages {
			delete(s.pages, s.order[0])
			s.order = s.order[1:]
		}
	}
	if k := i % pageSize; k < len(page) {
		return page[k]
	}
	return nil
}

// Rows returns the dossiers currently listed (the first page when paged).
func (s *Dossiers) Rows() []*motcua.Dossier {
	var out []*motcua.Dossier
	for i := 0; i < min(s.length(), pageSize); i++ {
		if d := s.row(i); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// Total is how many dossiers the list holds.
func (s *Dossiers) Total() int { return s.length() }

type listRow struct {
	cells [5]*widget.Label
	days  *badge
}

func newRow() fyne.CanvasObject {
	var r listRow
	objs := make([]fyne.CanvasObject, 0, 6)
	for i := range r.cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		r.cells[i] = l
		objs = append(objs, l)
	}
	r.days = newBadge("", colNeutral)
	objs = append(objs, container.NewCenter(r.days))
	c := container.New(&columns{weights: rowWeights}, objs...)
	return c
}

func (s *Dossiers) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	d := s.row(i)
	cells := c.Objects
	if d == nil {
		for _, x := range cells[:5] {
			x.(*widget.Label).SetText("")
		}
		cells[5].(*fyne.Container).Objects[0].(*badge).set("", colNeutral)
		return
	}
	texts := []string{d.Code, d.Applicant.Name, d.Procedure.Name, statusName(d.Status), fmtTime(d.DueAt)}
	for k, t := range texts {
		cells[k].(*widget.Label).SetText(t)
	}
	text, col := daysLeft(s.env, d)
	cells[5].(*fyne.Container).Objects[0].(*badge).set(text, col)
}

func statusName(s motcua.Status) string {
	if lang() == "en" {
		return s.NameEN()
	}
	return s.Name()
}

// daysLeft says, for a dossier being handled, how long until it is due —
// in working days, red when late, orange today, amber within two days.
func daysLeft(e *env, d *motcua.Dossier) (string, color.Color) {
	switch {
	case d.Status == motcua.StatusSupplement:
		return tr("chờ bổ sung"), colNeutral
	case d.Status == motcua.StatusDone:
		return tr("chờ trả"), colInfo
	case !inStatuses(d, running) || d.DueAt.IsZero():
		return "", color.Transparent
	}
	now := e.now()
	today := dayStart(now)
	due := dayStart(d.DueAt)
	if d.DueAt.Before(now) {
		n := 0
		for t := due; t.Before(today); t = t.AddDate(0, 0, 1) {
			if e.svc.Calendar.IsWorkingDay(t) {
				n++
			}
		}
		if n == 0 {
			return tr("quá hạn"), colLate
		}
		return tr("trễ") + " " + num(n, "ngày"), colLate
	}
	if due.Equal(today) {
		return tr("hôm nay"), colToday
	}
	n := 0
	for t := today.AddDate(0, 0, 1); !t.After(due); t = t.AddDate(0, 0, 1) {
		if e.svc.Calendar.IsWorkingDay(t) {
			n++
		}
	}
	if n <= 2 {
		return tr("còn") + " " + num(n, "ngày"), colSoon
	}
	return tr("còn") + " " + num(n, "ngày"), colOK
}

// DaysLeftText is the days-left badge of d as the list shows it.
func DaysLeftText(m *Main, d *motcua.Dossier) string {
	t, _ := daysLeft(&m.Frame.env, d)
	return t
}

// searchKey moves the highlight with Up/Down from the search field.
func (s *Dossiers) searchKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown, fyne.KeyUp:
		n := s.length()
		if n == 0 {
			return true
		}
		i := s.highlight
		if ev.Name == fyne.KeyDown {
			i = min(i+1, n-1)
		} else {
			i = max(i-1, 0)
		}
		s.setHighlight(i)
		return true
	}
	return false
}

func (s *Dossiers) setHighlight(i int) {
	s.highlight = i
	s.kbd = true
	s.List.Select(i)
	s.List.ScrollTo(i)
	s.kbd = false
}

// openHighlighted opens the highlighted row, or the first.
func (s *Dossiers) openHighlighted() {
	i := max(s.highlight, 0)
	if d := s.row(i); d != nil {
		s.openDetail(d)
	}
}

func (s *Dossiers) openDetail(d *motcua.Dossier) {
	s.Detail.show(d)
	s.list.Hide()
	s.Detail.Content().Show()
	s.Detail.shown()
}

func (s *Dossiers) closeDetail() {
	if !s.Detail.Content().Visible() {
		return
	}
	s.Detail.Content().Hide()
	s.list.Show()
	if s.stale {
		s.reload()
	}
	s.focus(s.Search)
}
