package storage_test

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

func TestSearch(t *testing.T) {
	s := MustOpen(t)
	people := []struct{ name, id, phone, proc string }{
		{"Nguyễn Thị Ánh Tuyết", "001190012345", "0912 345 678", "Đăng ký khai sinh"},
		{"Đặng Văn Đức", "001085004321", "0988111222", "Đăng ký kết hôn"},
		{"Trần Thị Tuyền", "034195001111", "0977000111", "Chứng thực bản sao từ bản chính"},
		{"Nguyễn Văn Anh", "001080009999", "0903000999", "Đăng ký khai tử"},
	}
	codes := map[string]string{}
	for i, p := range people {
		d := newDossier(day.Add(time.Duration(i) * time.Minute))
		d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone, d.Procedure.Name = p.name, p.id, p.phone, p.proc
		mustAccept(t, s, d)
		codes[p.name] = d.Code
	}
	tests := []struct {
		name  string
		query string
		want  []string // applicant names, newest first
	}{
		{"Folded", "nguyen thi anh tuyet", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"UpperCase", "NGUYỄN THỊ ÁNH TUYẾT", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"NFD", norm.NFD.String("Nguyễn Thị Ánh Tuyết"), []string{"Nguyễn Thị Ánh Tuyết"}},
		{"PrefixLastToken", "nguyen thi anh tuy", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"PrefixWithMarks", "Tuyế", []string{"Trần Thị Tuyền", "Nguyễn Thị Ánh Tuyết"}}, // marks are folded away
		{"WordWithMarks", "Tuyết", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"PrefixTwoNames", "tuy", []string{"Trần Thị Tuyền", "Nguyễn Thị Ánh Tuyết"}},
		{"WordEnded", "tuy ", nil},
		{"FamilyName", "nguyen", []string{"Nguyễn Văn Anh", "Nguyễn Thị Ánh Tuyết"}},
		{"DStroke", "dang van duc", []string{"Đặng Văn Đức"}},
		{"DStrokeUpper", "ĐỨC", []string{"Đặng Văn Đức"}},
		{"EthForDStroke", "Ðặng văn ðức", []string{"Đặng Văn Đức"}}, // Ð (U+00D0) typed for Đ (U+0110)
		{"WordOrder", "tuyet nguyen", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"Phone", "0912345678", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"PhoneAsStored", "0912 345 678", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"PhonePrefix", "0988", []string{"Đặng Văn Đức"}},
		{"IDNumber", "034195001111", []string{"Trần Thị Tuyền"}},
		{"Procedure", "ket hon", []string{"Đặng Văn Đức"}},
		{"ProcedureCode", "1.001193", []string{"Nguyễn Văn Anh", "Trần Thị Tuyền", "Đặng Văn Đức", "Nguyễn Thị Ánh Tuyết"}},
		{"FullCode", codes["Trần Thị Tuyền"], []string{"Trần Thị Tuyền"}},
		{"CodeLowerCase", "000.00.06.h56-261124-0002", []string{"Đặng Văn Đức"}},
		{"CodeTail", "261124-0001", []string{"Nguyễn Thị Ánh Tuyết"}},
		{"CodeSeq", "0004", []string{"Nguyễn Văn Anh"}},
		{"CodeTyping", "000.00.06.H56-2611", []string{"Nguyễn Văn Anh", "Trần Thị Tuyền", "Đặng Văn Đức", "Nguyễn Thị Ánh Tuyết"}},
		{"NoMatch", "phạm", nil},
		{"NFDWordEnded", norm.NFD.String("Tuyế "), nil},
		{"Empty", "  ", nil},
		{"Operators", `"nguyen" OR NEAR(anh) *`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := s.Search(ctx, tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Applicant.Name)
				if len(d.History) == 0 {
					t.Errorf("%s returned without history", d.Code)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Search(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
	t.Run("Limit", func(t *testing.T) {
		ds, err := s.Search(ctx, "dang ky", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 {
			t.Fatalf("%d results, want 2", len(ds))
		}
	})
	t.Run("Reindexed", func(t *testing.T) {
		d, err := s.Get(ctx, codes["Đặng Văn Đức"])
		if err != nil {
			t.Fatal(err)
		}
		prev := len(d.History)
		d.Applicant.Name = "Đặng Văn Đạt"
		d.History = append(d.History, motcua.HistoryEntry{At: day.Add(time.Hour), Actor: "lan", Action: "correct",
			From: d.Status, To: d.Status, Note: "Sửa tên người nộp"})
		if err := s.Update(ctx, d, d.Status, prev, auditOf("lan")); err != nil {
			t.Fatal(err)
		}
		if ds, _ := s.Search(ctx, "dang van duc", 10); len(ds) != 0 {
			t.Fatalf("the old name is still indexed: %d results", len(ds))
		}
		if ds, _ := s.Search(ctx, "dang van dat", 10); len(ds) != 1 {
			t.Fatalf("the new name is not indexed: %d results", len(ds))
		}
	})
}

// FuzzSearch checks that no typed text makes an invalid FTS5 query.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"nguyen thi anh tuy", "Tuyết", `"nguyen" OR NEAR(anh) *`, "000.00.06.H56-261124-0001",
		"261124-0001", "0912 345 678", "a:b", "(", "^x", "-", "'", "đ\u0301", "\x00"} {
		f.Add(q)
	}
	s := MustOpen(f)
	mustAccept(f, s, newDossier(day))
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.Search(ctx, q, 5); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}
