package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestClampLines: the catalogue's longest procedure name (six lines in the
// intake list at 1366 px) is cut at a word with "…" to three lines; a short
// name is left whole.
func TestClampLines(t *testing.T) {
	test.NewTempApp(t)
	const long = "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; " +
		"cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với " +
		"cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận"
	const w = 340
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	lineH := func(n int) float32 {
		l.SetText(strings.TrimSuffix(strings.Repeat("x\n", n), "\n"))
		l.Resize(fyne.NewSize(w, 10))
		return l.MinSize().Height
	}
	three, four := lineH(3), lineH(4)
	l.SetText(long)
	l.Resize(fyne.NewSize(w, 10))
	if l.MinSize().Height <= three {
		t.Fatalf("the long name fits three lines at %d px already: the test proves nothing", w)
	}
	clampLines(l, long, w, 3)
	if h := l.MinSize().Height; h > three || h >= four {
		t.Errorf("clamped to %.0f px, three lines are %.0f", h, three)
	}
	got := l.Text
	if !strings.HasSuffix(got, " …") || !strings.HasPrefix(long, strings.TrimSuffix(got, " …")) || len(got) < 60 {
		t.Errorf("clamped text %q: want a long prefix of the name cut at a word, with …", got)
	}
	clampLines(l, "Thủ tục đăng ký khai sinh", w, 3)
	if l.Text != "Thủ tục đăng ký khai sinh" {
		t.Errorf("a short name became %q", l.Text)
	}
}
