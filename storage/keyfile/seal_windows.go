//go:build windows

package keyfile

import (
	"bytes"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

func platformSealer() Sealer { return dpapi{} }

// SchemeDPAPI is the scheme of a key sealed by DPAPI for the machine.
const SchemeDPAPI = "dpapi-machine"

// entropy is mixed into every seal: another program calling DPAPI on this
// PC (any local account can ask it to open a machine-sealed blob) needs
// this constant too. It is no secret from someone who reads this source,
// but it keeps the blobs specific to Một Cửa.
var entropy = []byte("motcua/keyfile v1: khóa của máy tiếp nhận Một Cửa")

// description is stored in clear inside the DPAPI blob.
const description = "Một Cửa: khóa bí mật của máy tiếp nhận"

type dpapi struct{}

func (dpapi) Scheme() string { return SchemeDPAPI }

func dataBlob(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

func takeBlob(out *windows.DataBlob) []byte {
	if out.Data == nil {
		return []byte{}
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return bytes.Clone(unsafe.Slice(out.Data, out.Size))
}

func (dpapi) Seal(plain []byte) ([]byte, error) {
	desc, err := windows.UTF16PtrFromString(description)
	if err != nil {
		return nil, err
	}
	var out windows.DataBlob
	err = windows.CryptProtectData(dataBlob(plain), desc, dataBlob(entropy), 0, nil,
		windows.CRYPTPROTECT_LOCAL_MACHINE|windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, fmt.Errorf("CryptProtectData: %w", err)
	}
	return takeBlob(&out), nil
}

func (dpapi) Unseal(sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, fmt.Errorf("CryptUnprotectData: empty blob")
	}
	var out windows.DataBlob
	err := windows.CryptUnprotectData(dataBlob(sealed), nil, dataBlob(entropy), 0, nil,
		windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, fmt.Errorf("CryptUnprotectData: %w", err)
	}
	return takeBlob(&out), nil
}
