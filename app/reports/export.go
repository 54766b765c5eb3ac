package reports

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"

	"motcua"
)

// Formats of an export.
const (
	FormatJSON = "json"
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
)

// ErrBadFormat and ErrWrite are the codes of a failed export.
const (
	ErrBadFormat = "ERR_BAD_FORMAT"
	ErrWrite     = "ERR_WRITE"
)

// FormatOf is the format named, or the one of the file's extension when
// format is empty.
func FormatOf(format, path string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	}
	switch f {
	case FormatJSON, FormatPDF, FormatXLSX:
		return f, nil
	}
	return "", motcua.Invalid(ErrBadFormat, "format", "Định dạng «%s» không hỗ trợ: chọn pdf, xlsx hoặc json",
		"format %q is not supported: pdf, xlsx or json", f)
}

// JSON is the report and the board (either may be nil) as one document.
type JSON struct {
	Report *Report `json:"report,omitempty"`
	Board  *Board  `json:"board,omitempty"`
}

// ErrEmptyReport is the code of a report refused for having no dossier.
const ErrEmptyReport = "ERR_EMPTY_REPORT"

// Export writes the report (and the board, when not nil) in format; with
// no report, the board alone (the daily summary). The charts of PDF and
// XLSX are drawn here. A report of a period without any dossier is
// refused rather than printed as a page of zeros.
func Export(w io.Writer, format string, r *Report, b *Board) error {
	if _, err := FormatOf(format, ""); err != nil {
		return err
	}
	if r == nil && b == nil {
		return motcua.Invalid(motcua.ErrRequired, "report", "Chưa có báo cáo để xuất", "there is no report to export")
	}
	if r != nil && r.Empty() {
		return motcua.Invalid(ErrEmptyReport, "from", "%s không có hồ sơ nào trên máy này: không xuất báo cáo rỗng",
			"%s has no dossiers on this station: no empty report is written", r.Label)
	}
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(JSON{Report: r, Board: b})
	case FormatPDF:
		charts, err := chartsOf(r)
		if err != nil {
			return err
		}
		return WritePDF(w, r, b, charts)
	}
	charts, err := chartsOf(r)
	if err != nil {
		return err
	}
	return WriteXLSX(w, r, b, charts)
}

func chartsOf(r *Report) ([]Chart, error) {
	if r == nil {
		return nil, nil
	}
	return Charts(r)
}

// ExportFile writes the export to path: rendered in memory first, then
// written to a temporary file beside it and renamed, so a failure leaves
// no half-written or misleading file and an existing one untouched.
func ExportFile(path, format string, r *Report, b *Board) error {
	f, err := FormatOf(format, path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Export(&buf, f, r, b); err != nil {
		return err
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return motcua.Errorf(motcua.KindInvalid, ErrWrite, "output", "Không ghi được tệp «%s»: %v", "cannot write %s: %v", path, err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}
