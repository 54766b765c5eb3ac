package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
)

// TestCLIReportAndBoard: the periodic report and the deadline board from
// the command line, on a station whose three dossiers were received on a
// fixed Tuesday (station 1/2: codes 0001, 0003, 0005); one is refused.
func TestCLIReportAndBoard(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 24, 9, 0, 0, 0, motcua.Location))
	dir := initStation(t)
	for _, id := range []string{"038085001234", "038190004321", "038092007777"} {
		mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.001193", "--name", "Trần Văn Bình", "--id-number", id))
	}
	mustOK(t, runCLI(t, dir, "refuse", "000.00.06.H56-261124-0001", "--reason", "Không thuộc thẩm quyền của xã"))
	fixClock(t, time.Date(2026, 12, 1, 10, 0, 0, 0, motcua.Location))

	var r struct {
		Report struct {
			Received    int   `json:"received"`
			PendingLate int   `json:"pending_late"`
			Refused     int   `json:"refused"`
			Stations    []int `json:"stations"`
		} `json:"report"`
	}
	out := mustOK(t, runCLI(t, dir, "report", "--from", "01/11/2026", "--to", "2026-11-30", "--format", "json", "-o", "-"))
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report json: %v\n%s", err, out)
	}
	// Birth registration is answered the next working day: on 1 December the
	// two dossiers still open are late.
	if rr := r.Report; rr.Received != 3 || rr.Refused != 1 || rr.PendingLate != 2 || len(rr.Stations) != 1 || rr.Stations[0] != 1 {
		t.Fatalf("report: %+v; want 3 received, 1 refused, 2 pending late, station 1\n%s", rr, out)
	}
	for _, name := range []string{"thang-11.pdf", "thang-11.xlsx"} {
		p := filepath.Join(dir, name)
		mustOK(t, runCLI(t, dir, "report", "--from", "01/11/2026", "--to", "30/11/2026", "-o", p))
		if fi, err := os.Stat(p); err != nil || fi.Size() < 1000 {
			t.Fatalf("%s: %v", name, err)
		}
	}
	wantExit(t, runCLI(t, dir, "report", "--from", "30/11/2026", "--to", "01/11/2026", "-o", filepath.Join(dir, "x.pdf")), 2, "trước ngày đầu kỳ")
	wantExit(t, runCLI(t, dir, "report", "--from", "31/02/2026", "--to", "01/11/2026"), 2, "from")
	wantExit(t, runCLI(t, dir, "report", "--from", "01/11/2026", "--to", "30/11/2026", "--format", "pdf", "-o", "-"), 2, "JSON")

	var b struct {
		Board struct {
			Active int `json:"active"`
			Late   []struct {
				Code string `json:"code"`
			} `json:"late"`
		} `json:"board"`
	}
	out = mustOK(t, runCLI(t, dir, "board", "--json"))
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("board json: %v\n%s", err, out)
	}
	if b.Board.Active != 2 || len(b.Board.Late) != 2 {
		t.Fatalf("board: %+v; want 2 active, both late\n%s", b.Board, out)
	}
	if text := mustOK(t, runCLI(t, dir, "board")); !strings.Contains(text, "000.00.06.H56-261124-0003") {
		t.Fatalf("board text lacks the active dossier:\n%s", text)
	}
}
