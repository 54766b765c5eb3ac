package motcua

import (
	"errors"
	"fmt"
)

// Kind groups coded errors by what the caller should do with them. The CLI
// maps KindInvalid to exit code 2; the window shows the message next to the
// field it names.
type Kind string

const (
	KindInvalid  Kind = "invalid"  // bad input or an illegal action: the user can fix it
	KindNotFound Kind = "notfound" // the thing asked for does not exist
	KindConflict Kind = "conflict" // the action clashes with stored state (duplicate, already used)
	KindInternal Kind = "internal" // a failure the user cannot fix (disk, bug)
)

// Error is the coded error the officer sees: a stable code for programs, the
// field it concerns, and one clear sentence in Vietnamese (and English).
type Error struct {
	Kind  Kind
	Code  string // stable machine code, e.g. "ERR_REASON_REQUIRED"
	Field string // the input field concerned, if any, e.g. "reason"
	Msg   string // Vietnamese message (NFC)
	MsgEN string // English message
	Err   error  // wrapped cause, if any
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a coded error; vi and en are the two sentences.
func Errorf(kind Kind, code, field, vi, en string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Field: field, Msg: fmt.Sprintf(vi, args...), MsgEN: fmt.Sprintf(en, args...)}
}

// Invalid is a shorthand for a KindInvalid error on a field.
func Invalid(code, field, vi, en string, args ...any) *Error {
	return Errorf(KindInvalid, code, field, vi, en, args...)
}

// ErrorKind returns the kind of the first coded error in err's chain, or
// KindInternal when there is none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns the first coded error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ErrorMessage is the sentence to show an officer: the coded message if
// there is one, otherwise a generic one (the detail belongs in the log).
func ErrorMessage(err error) string {
	if e, ok := AsError(err); ok {
		if e.Field != "" {
			return e.Field + ": " + e.Msg
		}
		return e.Msg
	}
	return "Lỗi hệ thống: " + err.Error()
}

// Stable error codes.
const (
	ErrIllegalTransition = "ERR_ILLEGAL_TRANSITION"
	ErrFinalState        = "ERR_FINAL_STATE"
	ErrReasonRequired    = "ERR_REASON_REQUIRED"
	ErrExtensionUsed     = "ERR_EXTENSION_USED"
	ErrBadDueDate        = "ERR_BAD_DUE_DATE"
	ErrBadAgencyID       = "ERR_BAD_AGENCY_ID"
	ErrBadStation        = "ERR_BAD_STATION"
	ErrBadDossierCode    = "ERR_BAD_DOSSIER_CODE"
	ErrSequenceExhausted = "ERR_SEQUENCE_EXHAUSTED"
	ErrRequired          = "ERR_REQUIRED"
	ErrBadValue          = "ERR_BAD_VALUE"
	ErrNotFound          = "ERR_NOT_FOUND"
	ErrDuplicate         = "ERR_DUPLICATE"
)
