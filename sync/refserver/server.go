// Package refserver is the reference provincial one-stop server: a test and
// demo peer that speaks the dossier-sync envelope (DongBoHoSoMC,
// CapNhatTienDoHoSoMC, TraCuuHoSo), with real login sessions, validation,
// idempotent receipt, tus uploads, a change feed, admin actions that play
// the province's part, and switches for faults. It is never the product's
// storage.
//
// Routes:
//
//	POST /auth              {"username","password"} → {"session","expires_at","error_code"}
//	POST /api               the envelope; services DongBoHoSoMC, CapNhatTienDoHoSoMC,
//	                        TraCuuHoSo, LayDanhSachThayDoi
//	GET  /health?nonce=N    {"service":"motcua-province","nonce":N,"error_code":"00"}
//	     /files/            tus 1.0 core + creation (Authorization: Bearer <session>)
//	     /admin/...         see admin.go (Authorization: Bearer <admin token>)
package refserver

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// Config configures a Server.
type Config struct {
	DBPath   string   // SQLite file; created if missing
	FilesDir string   // uploads; default <DBPath>.files
	Agencies []string // agency identifiers (or prefixes / province suffixes such as "H56") served
	// SessionTTL is how long a login lasts; default 30 minutes.
	SessionTTL time.Duration
	// AdminToken guards /admin; empty disables the admin endpoints.
	AdminToken string
	MaxUpload  int64 // bytes; default 50 MiB
	// PublicURL is this server's address as clients see it, for links to
	// files that arrived by USB bundle; default http://127.0.0.1:8686.
	PublicURL string
	// MaxBody bounds an API request body (after gzip); default 32 MiB.
	MaxBody int64
	Faults  Faults
	Seed    uint64 // for the fault dice; 0 = random
	Logger  *slog.Logger
	Now     func() time.Time
}

// Server is the reference provincial server.
type Server struct {
	cfg    Config
	db     *sql.DB
	files  *tus.FileStore
	faults *faultState
	log    *slog.Logger
	now    func() time.Time

	// write serialises the API's write transactions: simpler and faster
	// than letting SQLite writers collide on the busy timeout.
	write sync.Mutex
}

// Open opens (or creates) the server's database and upload directory.
func Open(cfg Config) (*Server, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("refserver: thiếu đường dẫn tệp cơ sở dữ liệu")
	}
	for _, a := range cfg.Agencies {
		if strings.TrimSpace(a) == "" {
			return nil, errors.New("refserver: mã cơ quan rỗng trong danh sách")
		}
	}
	if cfg.FilesDir == "" {
		cfg.FilesDir = cfg.DBPath + ".files"
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * time.Minute
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 50 << 20
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://127.0.0.1:8686"
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 32 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = motcua.SystemClock{}.Now
	}
	db, err := openDB(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	files, err := tus.NewFileStore(filepath.Clean(cfg.FilesDir))
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, files: files, log: cfg.Logger, now: cfg.Now}
	s.faults = newFaultState(cfg.Faults, cfg.Seed)
	return s, nil
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth", s.handleAuth)
	mux.HandleFunc("POST /api", s.handleAPI)
	mux.HandleFunc("GET /health", s.handleHealth)
	mux.Handle("/files/", &tus.Handler{Store: s.files, BasePath: "/files/", MaxSize: s.cfg.MaxUpload,
		Authorize: s.authorizeUpload})
	proto := s.faults.middleware(gzipMiddleware(mux))
	root := http.NewServeMux()
	root.Handle("/", proto)
	if s.cfg.AdminToken != "" {
		root.Handle("/admin/", s.adminHandler())
	}
	return root
}

// Serve answers on l until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, l net.Listener, certFile, keyFile string) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- hs.ServeTLS(l, certFile, keyFile)
		} else {
			errc <- hs.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return nil
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, msg string, args ...any) {
	writeJSON(w, status, province.Response{ErrorCode: code, Message: fmt.Sprintf(msg, args...)})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, province.Health{Service: province.HealthService, Nonce: r.URL.Query().Get("nonce"),
		ErrorCode: province.CodeOK, Time: province.FormatDate(s.now())})
}

// agencyServed reports whether an agency identifier is one the server
// accepts: equal to a configured entry, starting with it, or ending in
// ".<entry>" (a province letter code such as H56).
func (s *Server) agencyServed(agency string) bool {
	if len(s.cfg.Agencies) == 0 {
		return true
	}
	for _, a := range s.cfg.Agencies {
		if agency == a || strings.HasPrefix(agency, a) || strings.HasSuffix(agency, "."+a) {
			return true
		}
	}
	return false
}

// gzipMiddleware accepts gzip request bodies and gzips JSON answers for
// clients that ask (tus traffic is left alone: it is already compact and
// streamed).
func gzipMiddleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				fail(w, http.StatusBadRequest, province.CodeBadRequest, "thân yêu cầu gzip hỏng: %v", err)
				return
			}
			r.Body = struct {
				io.Reader
				io.Closer
			}{zr, r.Body}
			r.Header.Del("Content-Encoding")
		}
		if strings.HasPrefix(r.URL.Path, "/files/") || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.Close()
		h.ServeHTTP(gw, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	zw *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.Header().Set("Content-Encoding", "gzip")
	g.Header().Add("Vary", "Accept-Encoding")
	g.zw, _ = gzip.NewWriterLevel(g.ResponseWriter, gzip.BestSpeed)
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if g.zw == nil {
		g.WriteHeader(http.StatusOK)
	}
	return g.zw.Write(b)
}

func (g *gzipWriter) Close() {
	if g.zw != nil {
		g.zw.Close()
	}
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// vn formats t for messages.
func vn(t time.Time) string { return t.In(motcua.Location).Format("02/01/2006 15:04") }
