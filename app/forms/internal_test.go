package forms

import (
	"strings"
	"testing"
	"time"

	"motcua"
)

func TestFormats(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, motcua.Location)
	}
	cases := []struct{ got, want string }{
		{longDate(at(2026, 1, 5, 0, 0)), "ngày 05 tháng 01 năm 2026"},
		{longDate(at(2026, 2, 28, 0, 0)), "ngày 28 tháng 02 năm 2026"},
		{longDate(at(2026, 3, 9, 0, 0)), "ngày 09 tháng 3 năm 2026"},
		{longDate(at(2026, 11, 24, 0, 0)), "ngày 24 tháng 11 năm 2026"},
		{longDate(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)), "ngày 24 tháng 11 năm 2026"}, // 03:00 in Vietnam
		{clock(at(2023, 10, 27, 8, 5)), "08 giờ 05 phút, ngày 27/10/2023"},
		{clock(time.Time{}), ""},
		{money(0), "Không thu"},
		{money(8000), "8.000 đồng"},
		{money(1250000), "1.250.000 đồng"},
		{workingDays(0), ""},
		{workingDays(0.5), "0,5 ngày làm việc"},
		{workingDays(15), "15 ngày làm việc"},
		{timeliness(at(2026, 11, 26, 9, 0), at(2026, 11, 27, 16, 30)), "Trước hạn"},
		{timeliness(at(2026, 11, 27, 9, 0), at(2026, 11, 27, 16, 30)), "Đúng hạn"},
		{timeliness(at(2026, 11, 27, 16, 31), at(2026, 11, 27, 16, 30)), "Quá hạn"},
		{strings.Join(tokens("Mã hồ sơ  000.00.06.H56-261124-0007 - hết"), "|"), "Mã |hồ |sơ  |000.00.06.H56-261124-0007 |- |hết"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

// TestWrap: lines never exceed the width, nothing is lost, a word longer
// than the line is cut rather than overflowing.
func TestWrap(t *testing.T) {
	r := newRenderer(Default(), &Default().Forms[0], time.Now())
	text := "Bộ phận Một cửa – UBND xã Quảng Phú tiếp nhận hồ sơ của Ông (Bà) Nguyễn Thị Ánh Tuyết " +
		strings.Repeat("Siêudàikhôngcódấucách", 6) + " hết."
	for _, w := range []float64{20, 45, 120} {
		lines := r.wrap([]run{{"", text[:40]}, {"B", text[40:]}}, 9, w)
		var got strings.Builder
		for _, l := range lines {
			if l.width > w+0.01 {
				t.Errorf("width %.0f: line %.2f mm wide: %+v", w, l.width, l.runs)
			}
			for _, rn := range l.runs {
				got.WriteString(rn.text)
			}
		}
		if strings.ReplaceAll(got.String(), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("width %.0f: text changed:\n%s", w, got.String())
		}
	}
	code := "000.00.06.H56-261124-0007"
	lines := r.wrap([]run{{"", code}}, 9, r.strW("", 9, code)*0.8)
	if len(lines) != 2 || !strings.HasSuffix(lines[0].runs[0].text, "-") || lines[0].runs[0].text+lines[1].runs[0].text != code {
		t.Errorf("a code too wide for its column should break after a hyphen: %+v", lines)
	}
}
