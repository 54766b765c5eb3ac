package ui

import (
	"sync/atomic"

	"motcua"
)

// The window speaks Vietnamese; English is the second language. Strings are
// written in Vietnamese in the code and looked up in the English table: a
// test checks that every tr call with a literal in this package has its English.

var curLang atomic.Value // "vi" | "en"

func lang() string {
	if v, ok := curLang.Load().(string); ok && v != "" {
		return v
	}
	return "vi"
}

// SetLanguage switches the window's language ("vi" or "en").
func SetLanguage(l string) {
	if l != "en" {
		l = "vi"
	}
	curLang.Store(l)
}

// tr translates a Vietnamese string for the current language.
func tr(vi string) string {
	if lang() == "en" {
		if en, ok := english[vi]; ok {
			return en
		}
	}
	return vi
}

// errMsg is the sentence an officer reads for err, in the window's
// language, without the field name (it sits next to the field).
func errMsg(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := motcua.AsError(err); ok {
		if lang() == "en" && e.MsgEN != "" {
			return e.MsgEN
		}
		return e.Msg
	}
	return tr("Lỗi hệ thống: ") + err.Error()
}

// allErrors are the problems of a joined error (errors.Join), each on
// its own; err alone otherwise, none for nil.
func allErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, allErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// errField is the field a coded error names, or "".
func errField(err error) string {
	if e, ok := motcua.AsError(err); ok {
		return e.Field
	}
	return ""
}

// HasEnglish reports whether vi has an English translation.
func HasEnglish(vi string) bool { _, ok := english[vi]; return ok }

// TableStrings are the labels kept in tables and passed to tr at run time.
func TableStrings() []string {
	var out []string
	for _, q := range quickFilters {
		out = append(out, q.label)
	}
	out = append(out, satisfaction...)
	for _, t := range textSizes {
		out = append(out, t.label)
	}
	for _, s := range stateNames {
		out = append(out, s)
	}
	out = append(out, consentChoices...)
	out = append(out, continuityNames()...)
	return out
}

// EnglishKeys are the Vietnamese strings that have a translation.
func EnglishKeys() []string {
	out := make([]string, 0, len(english))
	for k := range english {
		out = append(out, k)
	}
	return out
}
