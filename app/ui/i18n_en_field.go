package ui

// English for field mode (issue 13), kept apart so that several people
// can add strings at once.
var englishField = map[string]string{
	"Hồ sơ chuẩn bị trước":                            "Prepared dossier",
	"tổ công nghệ số, máy":                            "community team, station",
	"sẽ được đính kèm sau khi tiếp nhận.":             "will be attached once it is received.",
	"Đối chiếu bản chính rồi tiếp nhận (Ctrl+Enter).": "Check it against the originals, then receive it (Ctrl+Enter).",
	"đã đính kèm":                                     "attached",
}

func init() {
	for vi, en := range englishField {
		english[vi] = en
	}
}
