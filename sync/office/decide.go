package office

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// Event is one message of a station's stream: the whole dossier as that
// station stored it after a write. A snapshot rather than a delta: the
// history only grows, so a later snapshot carries every earlier one, and a
// station that missed messages loses nothing by applying the newest.
type Event struct {
	// Origin is the station whose stream carries the event.
	Origin int `json:"origin"`
	// Owner: Origin delivers this dossier to the province (it accepted it),
	// so its order of the dossier's changes decides.
	Owner bool   `json:"owner"`
	Code  string `json:"code"`
	// Hash is the hex SHA-256 of Dossier, the content hash every station
	// holding the same dossier computes alike.
	Hash    string          `json:"hash"`
	Dossier json.RawMessage `json:"dossier"`
}

// Hash is the content hash of a dossier: SHA-256 of its JSON.
func Hash(d *motcua.Dossier) (string, []byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", nil, err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), b, nil
}

// decode checks the event's hash and returns its dossier.
func (ev Event) decode() (*motcua.Dossier, error) {
	s := sha256.Sum256(ev.Dossier)
	if hex.EncodeToString(s[:]) != ev.Hash {
		return nil, fmt.Errorf("event of %s from station %d: content hash mismatch", ev.Code, ev.Origin)
	}
	var d motcua.Dossier
	if err := json.Unmarshal(ev.Dossier, &d); err != nil {
		return nil, fmt.Errorf("event of %s from station %d: %w", ev.Code, ev.Origin, err)
	}
	if d.Code != ev.Code || len(d.History) == 0 {
		return nil, fmt.Errorf("event of %s from station %d: names %s with %d history entries", ev.Code, ev.Origin, d.Code, len(d.History))
	}
	return &d, nil
}

// decide is the whole conflict rule, for one event arriving at station self
// where the dossier is stored as stored (nil: not yet) and is a replica
// (another station owns it) or not (self owns it).
//
// Two histories are compared entry by entry. If one is a prefix of the
// other, the longer one is the newer state: nothing conflicts. If they part
// at some entry, two stations changed the dossier from the same state; then
// the owner's order decides — the first valid transition the owner stored
// wins:
//   - at the owner, its stored history stands and the peer's entries are
//     refused (recorded as a conflict, which the peer learns from the
//     owner's next snapshot as well);
//   - at a replica, an event of the owner replaces the entries after the
//     parting point (recorded as a conflict naming what was undone);
//     an event of another non-owner is left for the owner to decide.
//
// An owner takes a peer's longer history only if every new entry is a
// transition the status machine allows from the state before it; then it
// queues the dossier for the province and publishes it as decided.
func decide(self int, ev Event, d *motcua.Dossier, stored *motcua.Dossier, replica bool) storage.OfficeChange {
	audit := func(action, detail string) app.AuditEntry {
		return app.AuditEntry{Actor: fmt.Sprintf("station-%d", ev.Origin), Action: action, Subject: d.Code, Detail: detail}
	}
	if stored == nil {
		return storage.OfficeChange{Dossier: d, Audit: audit("office.receive",
			fmt.Sprintf("hồ sơ của trạm %d, %s", d.Station, d.Status.Name()))}
	}
	common := commonPrefix(stored.History, d.History)
	switch {
	case common == len(d.History):
		return storage.OfficeChange{} // already here, or older than what is here
	case common == len(stored.History):
		if replica {
			return storage.OfficeChange{Dossier: d, Keep: common, Audit: audit("office.follow",
				fmt.Sprintf("%s → %s", stored.Status.Name(), d.Status.Name()))}
		}
		if err := validChain(stored.Status, d.History[common:], d.Status); err != nil {
			return storage.OfficeChange{
				Conflict: &storage.OfficeConflict{Code: d.Code, Station: ev.Origin, Lost: d.History[common:], Owner: self},
				Audit:    audit("office.refuse", err.Error()),
			}
		}
		return storage.OfficeChange{Dossier: d, Keep: common, Deliver: true, Publish: true, Audit: audit("office.take",
			fmt.Sprintf("%s → %s, thao tác tại trạm %d", stored.Status.Name(), d.Status.Name(), ev.Origin))}
	case !replica:
		return storage.OfficeChange{
			Conflict: &storage.OfficeConflict{Code: d.Code, Station: ev.Origin, Lost: d.History[common:], Owner: self, Won: stored.History[common:]},
			Audit:    audit("office.conflict", fmt.Sprintf("thao tác tại trạm %d không được ghi: trạm chủ %d đã %s", ev.Origin, self, describe(stored.History[common])))}
	case ev.Owner:
		return storage.OfficeChange{
			Dossier:  d,
			Keep:     common,
			Conflict: &storage.OfficeConflict{Code: d.Code, Station: self, Lost: stored.History[common:], Owner: ev.Origin, Won: d.History[common:]},
			Audit:    audit("office.conflict", fmt.Sprintf("%s không được giữ: trạm chủ %d đã %s", describe(stored.History[common]), ev.Origin, describe(d.History[common])))}
	default:
		return storage.OfficeChange{}
	}
}

func commonPrefix(a, b []motcua.HistoryEntry) int {
	n := 0
	for n < len(a) && n < len(b) && sameEntry(a[n], b[n]) {
		n++
	}
	return n
}

func sameEntry(a, b motcua.HistoryEntry) bool {
	return a.At.Equal(b.At) && a.Actor == b.Actor && a.Action == b.Action && a.From == b.From &&
		a.To == b.To && a.Reason == b.Reason && a.Note == b.Note
}

// validChain checks that the entries follow from status from by allowed
// transitions (an entry that keeps the status, like an extension, is
// allowed while the dossier is not final) and end at to.
func validChain(from motcua.Status, hs []motcua.HistoryEntry, to motcua.Status) error {
	cur := from
	for _, h := range hs {
		if h.From != cur {
			return fmt.Errorf("bước «%s» bắt đầu từ %s, hồ sơ đang ở %s", h.Action, h.From.Name(), cur.Name())
		}
		if h.From == h.To && cur.Final() || h.From != h.To && !motcua.CanMove(h.From, h.To) {
			return fmt.Errorf("không được chuyển %s → %s", h.From.Name(), h.To.Name())
		}
		cur = h.To
	}
	if cur != to {
		return fmt.Errorf("lịch sử kết thúc ở %s, hồ sơ ở %s", cur.Name(), to.Name())
	}
	return nil
}

func describe(h motcua.HistoryEntry) string {
	return fmt.Sprintf("«%s» (%s → %s) bởi %s lúc %s", h.Action, h.From.Name(), h.To.Name(), h.Actor,
		h.At.In(motcua.Location).Format("15:04:05 02/01/2006"))
}
