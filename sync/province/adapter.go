// Package province speaks to the provincial one-stop system: the wire
// types of the dossier-sync envelope (DongBoHoSoMC, CapNhatTienDoHoSoMC,
// TraCuuHoSo; DOMAIN.md §3), the mapping of a local dossier to them, and
// Client, the adapter for systems that use that envelope, built on resty.
//
// The outbox worker and the pull-back see only the Adapter interface, so a
// province with another API gets another adapter, not a rewrite.
//
// Error codes (error_code) of the reference provincial server: "00" OK;
// "01" wrong credentials; "02" session missing or expired (log in again);
// "03" invalid data; "04" not found; "05" created before (send as update);
// "06" attachment missing or incomplete (upload again); "07" agency not
// served; "98" malformed request; "99" server failure.
package province

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"motcua/sync/tus"
)

// Adapter is one province's API, as the sync engine needs it.
type Adapter interface {
	// Deliver makes the province hold each item's dossier state and its
	// processing steps (for the envelope protocol: DongBoHoSoMC, then
	// CapNhatTienDoHoSoMC). It returns one result per item, in order; an
	// item is delivered when its Err is nil. The error return is for the
	// call as a whole (network, server, login) when no item is known to be
	// delivered; items are idempotent, so the caller sends them again.
	Deliver(ctx context.Context, items []Item) ([]Result, error)
	// Upload sends an attachment resumably and returns the URL to put in
	// TaiLieuNop once the province confirmed it holds every byte with the
	// declared SHA-256.
	Upload(ctx context.Context, u tus.Upload) (string, error)
	// Lookup returns the province's copy of a dossier (TraCuuHoSo).
	// Errors: Class NotFound when it has none.
	Lookup(ctx context.Context, code string) (*HoSo, error)
	// Changes returns the changes made upstream after cursor ("" = from the
	// start), oldest first, with the cursor to pass next time.
	Changes(ctx context.Context, cursor string, limit int) (Page, error)
}

// Item is one dossier state to deliver.
type Item struct {
	Key    string // idempotency key: the outbox message's
	Create bool   // the dossier's first message: isUpdating "False"
	HoSo   HoSo
	Steps  []QuaTrinhXuLy
}

// Result is the outcome of one item.
type Result struct {
	Code      string // MaHoSo
	Key       string
	Err       error // nil: acknowledged by the province
	Duplicate bool  // the province had it already (a re-sent message)
	Message   string
}

// Page is one page of the change feed.
type Page struct {
	Changes []Change
	Cursor  string // pass to the next call
	More    bool   // another page is ready now
}

// Class says what the caller should do with an error.
type Class int

const (
	// Transient: network, timeout, server failure, HTML from a captive
	// portal. Back off and try again; nothing is wrong with the data.
	Transient Class = iota
	// Invalid: the province rejected the data itself. Retrying the same
	// message cannot succeed: quarantine it and show the reason.
	Invalid
	// Auth: the credentials are wrong. Every message waits until an
	// administrator fixes the configuration.
	Auth
	// NotFound: the province has no such dossier.
	NotFound
)

func (c Class) String() string {
	switch c {
	case Invalid:
		return "invalid"
	case Auth:
		return "auth"
	case NotFound:
		return "notfound"
	}
	return "transient"
}

// Error is a failure talking to the province, with the server's own
// message when there is one.
type Error struct {
	Op      string // "đăng nhập", "DongBoHoSoMC", "tải tệp", ...
	Class   Class
	Code    string // error_code, if the server sent one
	Status  int    // HTTP status, if any
	Message string // the server's message, or ours
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Code != "" {
		fmt.Fprintf(&b, ": mã lỗi %s", e.Code)
	} else if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Classify tells what to do with err; anything unknown is Transient, so
// data is never dropped because of a surprise.
func Classify(err error) Class {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Class
	}
	var te *tus.Error
	if errors.As(err, &te) && te.Permanent {
		return Invalid
	}
	return Transient
}

// IsNetwork reports whether err is a transport failure (no answer at all),
// as opposed to an answer the server gave.
func IsNetwork(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe)
}

// classOf maps an error_code to what the client must do.
func classOf(code string) Class {
	switch code {
	case CodeInvalid, CodeAgency, CodeBadRequest:
		return Invalid
	case CodeBadLogin:
		return Auth
	case CodeNotFound:
		return NotFound
	}
	return Transient
}
