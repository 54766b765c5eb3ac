package app

import (
	"errors"
	"io"
	"os"

	"motcua"
)

// MaxImportBytes bounds every file an import reads (catalogue, holidays,
// runbooks, contacts, plans, keyrings): the largest real one is a few
// hundred kilobytes; /dev/zero or a huge file must not exhaust memory.
const MaxImportBytes = 16 << 20

// ErrTooLarge: an imported file is over MaxImportBytes.
const ErrTooLarge = "ERR_FILE_TOO_LARGE"

// ReadImportFile reads the file at path through the MaxImportBytes limit.
// Errors: KindInvalid ErrTooLarge (field file); KindInvalid ErrBadValue
// (field file) when it cannot be read.
func ReadImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "file", "Không đọc được tệp «%s»: %v", "cannot read %q: %v", path, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxImportBytes+1))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "file", "Không đọc được tệp «%s»: %v", "cannot read %q: %v", path, err)
	}
	if len(raw) > MaxImportBytes {
		return nil, motcua.Invalid(ErrTooLarge, "file", "Tệp «%s» lớn quá %d MB: không phải tệp nhập hợp lệ",
			"file %q is larger than %d MB: not a valid import file", path, MaxImportBytes>>20)
	}
	return raw, nil
}
