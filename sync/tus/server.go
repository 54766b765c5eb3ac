package tus

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Handler serves the tus core protocol with the creation extension under
// BasePath (e.g. "/files/"): POST BasePath creates, HEAD/PATCH/GET
// BasePath+id read, append and download.
type Handler struct {
	Store    Store
	BasePath string
	MaxSize  int64 // Tus-Max-Size; 0 = no limit
	// Authorize rejects a request before anything else; its error text is
	// sent with 401.
	Authorize func(r *http.Request) error
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		w.Header().Set(HeaderResumable, Version)
		w.Header().Set(HeaderVersion, Version)
		w.Header().Set(HeaderExtension, "creation")
		if h.MaxSize > 0 {
			w.Header().Set(HeaderMaxSize, strconv.FormatInt(h.MaxSize, 10))
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	setCommon(w.Header())
	if h.Authorize != nil {
		if err := h.Authorize(r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	// Only GET (a plain download) may come without Tus-Resumable.
	if r.Method != http.MethodGet && r.Header.Get(HeaderResumable) != Version {
		w.Header().Set(HeaderVersion, Version)
		http.Error(w, "Tus-Resumable phải là "+Version, http.StatusPreconditionFailed)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, h.BasePath)
	switch {
	case r.Method == http.MethodPost && id == "":
		h.create(w, r)
	case id == "" || strings.Contains(id, "/"):
		http.Error(w, "không có tệp này", http.StatusNotFound)
	case r.Method == http.MethodHead:
		h.head(w, r, id)
	case r.Method == http.MethodPatch:
		h.patch(w, r, id)
	case r.Method == http.MethodGet:
		h.get(w, r, id)
	default:
		w.Header().Set("Allow", "OPTIONS, POST, HEAD, PATCH, GET")
		http.Error(w, "phương thức không hỗ trợ", http.StatusMethodNotAllowed)
	}
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	length, err := strconv.ParseInt(r.Header.Get(HeaderLength), 10, 64)
	if err != nil || length < 0 {
		http.Error(w, "thiếu hoặc sai Upload-Length", http.StatusBadRequest)
		return
	}
	if h.MaxSize > 0 && length > h.MaxSize {
		http.Error(w, fmt.Sprintf("tệp %d byte vượt giới hạn %d byte", length, h.MaxSize), http.StatusRequestEntityTooLarge)
		return
	}
	meta, err := ParseMetadata(r.Header.Get(HeaderMetadata))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if s := meta[MetaSHA256]; s != "" && !isHexSHA256(s) {
		http.Error(w, "Upload-Metadata sha256 phải là 64 chữ số hex", http.StatusBadRequest)
		return
	}
	info, err := h.Store.Create(r.Context(), length, meta)
	if err != nil {
		storeError(w, err)
		return
	}
	w.Header().Set("Location", h.BasePath+info.ID)
	w.Header().Set(HeaderOffset, strconv.FormatInt(info.Offset, 10))
	w.WriteHeader(http.StatusCreated)
}

func (h *Handler) head(w http.ResponseWriter, r *http.Request, id string) {
	info, err := h.Store.Info(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeInfo(w.Header(), info)
	w.WriteHeader(http.StatusOK)
}

func writeInfo(hd http.Header, info Info) {
	hd.Set(HeaderOffset, strconv.FormatInt(info.Offset, 10))
	hd.Set(HeaderLength, strconv.FormatInt(info.Length, 10))
	if len(info.Meta) > 0 {
		hd.Set(HeaderMetadata, info.Meta.Encode())
	}
	if info.Done() {
		hd.Set(HeaderSHA256, info.SHA256)
	}
}

func (h *Handler) patch(w http.ResponseWriter, r *http.Request, id string) {
	if r.Header.Get("Content-Type") != ContentType {
		http.Error(w, "Content-Type phải là "+ContentType, http.StatusUnsupportedMediaType)
		return
	}
	offset, err := strconv.ParseInt(r.Header.Get(HeaderOffset), 10, 64)
	if err != nil || offset < 0 {
		http.Error(w, "thiếu hoặc sai Upload-Offset", http.StatusBadRequest)
		return
	}
	info, err := h.Store.Append(r.Context(), id, offset, r.Body)
	switch {
	case errors.Is(err, ErrOffset):
		w.Header().Set(HeaderOffset, strconv.FormatInt(info.Offset, 10))
		http.Error(w, fmt.Sprintf("Upload-Offset %d khác vị trí đã nhận %d", offset, info.Offset), http.StatusConflict)
		return
	case err != nil:
		storeError(w, err)
		return
	}
	writeInfo(w.Header(), info)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, id string) {
	rc, info, err := h.Store.Open(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(info.Length, 10))
	w.Header().Set(HeaderSHA256, info.SHA256)
	io.Copy(w, rc)
}

func storeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		http.Error(w, "không có tệp này", http.StatusNotFound)
	case errors.Is(err, ErrChecksum):
		http.Error(w, "mã băm SHA-256 không khớp: "+err.Error(), StatusChecksumBad)
	case errors.Is(err, ErrBusy):
		http.Error(w, "tệp đang được ghi bởi yêu cầu khác", http.StatusLocked)
	default:
		http.Error(w, "lỗi lưu tệp: "+err.Error(), http.StatusInternalServerError)
	}
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
