// Package office replicates the dossiers of the stations (counter PCs) of
// one office over the LAN, on NATS JetStream embedded in each station.
//
// Every station runs its own nats-server with JetStream (file store in the
// data folder), listening on the LAN address of its configuration, with
// mutual TLS: only holders of a certificate of the office CA connect. Each
// station's server holds one stream per station of the office, ST_1 … ST_N,
// all R1 (no quorum anywhere):
//
//   - ST_self is the station's own: after each write of a dossier here the
//     publisher appends the whole dossier (a snapshot with its content hash)
//     from the store's office_pending marks, which are written in the same
//     SQLite transaction as the dossier (a crash between the two loses
//     nothing: the mark stays until the stream has acknowledged);
//   - ST_o for every other station o is a copy of o's stream, message for
//     message with the same sequence numbers, taken from any peer that has
//     more of it (o itself or a station that copied it earlier), so a
//     station returning after a day off catches up from whoever is on;
//   - the applier reads the local copies in order and applies each message
//     to SQLite with the stream position, in one transaction (exactly once);
//     conflicts are resolved by decide.
//
// See docs/office-lan.md for why this shape and not a cluster.
package office

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"motcua"
	"motcua/storage"
)

// Peer is another station of the office and the LAN address its server
// listens on.
type Peer struct {
	Station int    `json:"station"`
	Addr    string `json:"addr"` // host:port
}

// Config is a station's part of the office network, from provisioning.
type Config struct {
	Station motcua.Station
	Listen  string // host:port of the LAN interface the server listens on
	Peers   []Peer
	Dir     string // the JetStream file store, inside the data folder
	Creds   Credentials
	Clock   motcua.Clock
	// Logf receives the engine's diagnostics (nil: discarded).
	Logf func(format string, args ...any)
	// Poll is how often the publisher looks for unpublished writes when
	// nobody calls Notify (default 250 ms).
	Poll time.Duration
}

// Store is what the office engine needs from the station's database.
type Store interface {
	OfficePending(ctx context.Context, limit int) ([]storage.OfficeItem, error)
	OfficePublished(ctx context.Context, code string, rev int64) error
	OfficeCursor(ctx context.Context, origin int) (uint64, error)
	OfficeApply(ctx context.Context, origin int, seq uint64, code string,
		fn func(stored *motcua.Dossier, replica bool) (storage.OfficeChange, error)) (bool, error)
}

var _ Store = (*storage.Store)(nil)

func (c Config) validate() error {
	if err := c.Station.Validate(); err != nil {
		return err
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		return motcua.Invalid(motcua.ErrBadValue, "office.listen",
			"Địa chỉ nghe «%s» phải có dạng IP:cổng của card mạng LAN", "listen address %q must be IP:port of the LAN interface", c.Listen)
	}
	seen := map[int]bool{}
	for _, p := range c.Peers {
		if p.Station < 1 || p.Station > c.Station.N || p.Station == c.Station.K || seen[p.Station] {
			return motcua.Invalid(motcua.ErrBadValue, "office.peers",
				"Trạm %d trong danh sách trạm bạn không hợp lệ (1–%d, khác trạm này %d, không trùng)",
				"peer station %d is not valid (1–%d, not this station %d, no repeats)", p.Station, c.Station.N, c.Station.K)
		}
		if _, _, err := net.SplitHostPort(p.Addr); err != nil {
			return motcua.Invalid(motcua.ErrBadValue, "office.peers",
				"Địa chỉ của trạm %d «%s» phải có dạng IP:cổng", "address of station %d %q must be IP:port", p.Station, p.Addr)
		}
		seen[p.Station] = true
	}
	if c.Dir == "" {
		return motcua.Invalid(motcua.ErrRequired, "office.dir", "Thiếu thư mục dữ liệu của mạng văn phòng", "the office store folder is missing")
	}
	return nil
}

func streamName(k int) string { return "ST_" + strconv.Itoa(k) }
func subject(k int) string    { return "office." + strconv.Itoa(k) }

// Office is a running station of the office network.
type Office struct {
	cfg    Config
	store  Store
	srv    *server.Server
	local  *nats.Conn
	js     jetstream.JetStream
	peers  []*peerLink
	copies map[int]*copyState // by origin station, every station but this one
	notify chan struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup
	logf   func(string, ...any)
}

// copyState is the local copy of one origin's stream: its last sequence,
// advanced only by the copiers, one message at a time.
type copyState struct {
	mu   sync.Mutex
	last uint64
}

type peerLink struct {
	peer   Peer
	nc     *nats.Conn
	js     jetstream.JetStream
	behind atomic.Int64 // messages of the peer's own stream not yet copied here; -1 unknown
}

// Start runs the station's server, creates its streams and starts the
// publisher, the copiers (one per peer and origin) and the appliers.
// Close stops them.
func Start(ctx context.Context, cfg Config, st Store) (*Office, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	srvTLS, clientTLS, err := cfg.Creds.tlsConfigs(cfg.Clock)
	if err != nil {
		return nil, err
	}
	host, portText, _ := net.SplitHostPort(cfg.Listen)
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "office.listen", "Cổng «%s» không phải số", "port %q is not a number", portText)
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	o := &Office{cfg: cfg, store: st, copies: map[int]*copyState{}, notify: make(chan struct{}, 1), logf: cfg.Logf}
	if o.logf == nil {
		o.logf = func(string, ...any) {}
	}
	opts := &server.Options{
		ServerName:        fmt.Sprintf("motcua-station-%d", cfg.Station.K),
		Host:              host,
		Port:              port,
		JetStream:         true,
		StoreDir:          cfg.Dir,
		SyncAlways:        true, // a dossier acknowledged by the stream survives a power cut
		TLS:               true,
		TLSVerify:         true,
		TLSConfig:         srvTLS,
		TLSHandshakeFirst: true, // a stranger gets not even the server's greeting
		TLSTimeout:        5,
		NoLog:             true,
		NoSigs:            true,
		MaxPayload:        8 << 20,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("office: server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(15 * time.Second) {
		srv.Shutdown()
		return nil, motcua.Errorf(motcua.KindConflict, "ERR_OFFICE_LISTEN", "office.listen",
			"Không mở được cổng %s cho mạng văn phòng (đang bị chiếm?)", "cannot listen on %s for the office network (in use?)", cfg.Listen)
	}
	o.srv = srv
	if o.local, err = nats.Connect("", nats.InProcessServer(srv), nats.Name("local")); err != nil {
		srv.Shutdown()
		return nil, fmt.Errorf("office: local connection: %w", err)
	}
	if o.js, err = jetstream.New(o.local); err != nil {
		o.shutdown()
		return nil, err
	}
	for k := 1; k <= cfg.Station.N; k++ {
		info, err := o.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:       streamName(k),
			Subjects:   []string{subject(k)},
			Storage:    jetstream.FileStorage,
			Replicas:   1,
			Duplicates: 2 * time.Minute,
		})
		if err != nil {
			o.shutdown()
			return nil, fmt.Errorf("office: stream %s: %w", streamName(k), err)
		}
		if k != cfg.Station.K {
			s, err := info.Info(ctx)
			if err != nil {
				o.shutdown()
				return nil, err
			}
			o.copies[k] = &copyState{last: s.State.LastSeq}
		}
	}
	for _, p := range cfg.Peers {
		l := &peerLink{peer: p}
		l.behind.Store(-1)
		l.nc, err = nats.Connect("tls://"+p.Addr,
			nats.Secure(clientTLS(p.Station)), nats.TLSHandshakeFirst(),
			nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1),
			nats.ReconnectWait(500*time.Millisecond), nats.ReconnectJitter(200*time.Millisecond, 0),
			nats.Timeout(3*time.Second), nats.PingInterval(5*time.Second), nats.MaxPingsOutstanding(2),
			nats.Name(fmt.Sprintf("motcua-station-%d", cfg.Station.K)))
		if err != nil {
			o.shutdown()
			return nil, fmt.Errorf("office: connect to station %d: %w", p.Station, err)
		}
		if l.js, err = jetstream.New(l.nc); err != nil {
			o.shutdown()
			return nil, err
		}
		o.peers = append(o.peers, l)
	}
	run, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	o.spawn(func() { o.publishLoop(run) })
	for origin := range o.copies {
		o.spawn(func() { o.applyLoop(run, origin) })
		for _, l := range o.peers {
			o.spawn(func() { o.copyLoop(run, l, origin) })
		}
	}
	return o, nil
}

func (o *Office) spawn(fn func()) {
	o.wg.Add(1)
	go func() { defer o.wg.Done(); fn() }()
}

// Addr is the address the server listens on.
func (o *Office) Addr() string { return o.srv.Addr().String() }

// Notify wakes the publisher: a dossier was just written here.
func (o *Office) Notify() {
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

// Close stops the engine and the server. The streams stay on disk.
func (o *Office) Close() error {
	o.cancel()
	o.wg.Wait()
	o.shutdown()
	return nil
}

func (o *Office) shutdown() {
	for _, l := range o.peers {
		l.nc.Close()
	}
	if o.local != nil {
		o.local.Close()
	}
	o.srv.Shutdown()
	o.srv.WaitForShutdown()
}

// wait sleeps d unless ctx ends first (false).
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// publishLoop appends every dossier marked in the store to the station's
// own stream, then removes the mark.
func (o *Office) publishLoop(ctx context.Context) {
	tick := time.NewTicker(o.cfg.Poll)
	defer tick.Stop()
	for {
		if err := o.publishPending(ctx); err != nil && ctx.Err() == nil {
			o.logf("office: publish: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-o.notify:
		case <-tick.C:
		}
	}
}

func (o *Office) publishPending(ctx context.Context) error {
	for {
		items, err := o.store.OfficePending(ctx, 100)
		if err != nil || len(items) == 0 {
			return err
		}
		for _, it := range items {
			hash, raw, err := Hash(it.Dossier)
			if err != nil {
				return err
			}
			data, err := json.Marshal(Event{Origin: o.cfg.Station.K, Owner: it.Owned, Code: it.Dossier.Code, Hash: hash, Dossier: raw})
			if err != nil {
				return err
			}
			id := it.Dossier.Code + ":" + strconv.Itoa(len(it.Dossier.History)) + ":" + hash[:16]
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err = o.js.Publish(pctx, subject(o.cfg.Station.K), data, jetstream.WithMsgID(id))
			cancel()
			if err != nil {
				return fmt.Errorf("%s: %w", it.Dossier.Code, err)
			}
			if err := o.store.OfficePublished(ctx, it.Dossier.Code, it.Rev); err != nil {
				return err
			}
		}
	}
}

// copyLoop keeps the local copy of origin's stream up with what peer l
// holds of it: an ordered consumer on the peer from the local copy's next
// sequence, re-created when the link drops for good or stops advancing
// while the peer has more.
func (o *Office) copyLoop(ctx context.Context, l *peerLink, origin int) {
	cs := o.copies[origin]
	for ctx.Err() == nil {
		cs.mu.Lock()
		start := cs.last + 1
		cs.mu.Unlock()
		cons, err := l.js.OrderedConsumer(ctx, streamName(origin), jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:   start,
		})
		if err != nil {
			if !wait(ctx, time.Second) {
				return
			}
			continue
		}
		restart := make(chan struct{}, 1)
		cc, err := cons.Consume(func(m jetstream.Msg) {
			if err := o.copyMsg(ctx, origin, m); err != nil {
				o.logf("office: copy %s from station %d: %v", streamName(origin), l.peer.Station, err)
				select {
				case restart <- struct{}{}:
				default:
				}
			}
		})
		if err != nil {
			if !wait(ctx, time.Second) {
				return
			}
			continue
		}
		o.watch(ctx, l, origin, restart)
		cc.Stop()
	}
}

// watch returns when ctx ends, on restart, or when the peer has more of
// origin's stream than the local copy and the copy has not moved for two
// checks (a consumer that lost its way; the ordered consumer normally
// recovers by itself).
func (o *Office) watch(ctx context.Context, l *peerLink, origin int, restart <-chan struct{}) {
	cs := o.copies[origin]
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	var stuck int
	var prev uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-restart:
			return
		case <-tick.C:
		}
		if !l.nc.IsConnected() {
			if origin == l.peer.Station {
				l.behind.Store(-1)
			}
			continue
		}
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		s, err := l.js.Stream(ictx, streamName(origin))
		var peerLast uint64
		if err == nil {
			var info *jetstream.StreamInfo
			if info, err = s.Info(ictx); err == nil {
				peerLast = info.State.LastSeq
			}
		}
		cancel()
		if err != nil {
			continue
		}
		cs.mu.Lock()
		last := cs.last
		cs.mu.Unlock()
		if origin == l.peer.Station {
			l.behind.Store(int64(peerLast) - int64(min(last, peerLast)))
		}
		if peerLast > last && last == prev {
			if stuck++; stuck >= 2 {
				return
			}
		} else {
			stuck = 0
		}
		prev = last
	}
}

// copyMsg appends message m of a peer's copy of origin's stream to the
// local copy if it is the next one; older ones are already here.
func (o *Office) copyMsg(ctx context.Context, origin int, m jetstream.Msg) error {
	md, err := m.Metadata()
	if err != nil {
		return err
	}
	seq := md.Sequence.Stream
	cs := o.copies[origin]
	cs.mu.Lock()
	defer cs.mu.Unlock()
	switch {
	case seq <= cs.last:
		return nil
	case seq > cs.last+1:
		return fmt.Errorf("message %d arrived after %d", seq, cs.last)
	}
	msg := nats.NewMsg(subject(origin))
	msg.Data = m.Data()
	// The same sequence numbers as the origin's stream: a copy is a prefix
	// of the origin's, whoever it was taken from.
	msg.Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(cs.last, 10))
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ack, err := o.js.PublishMsg(pctx, msg)
	cancel()
	if err != nil {
		if s, ierr := o.js.Stream(ctx, streamName(origin)); ierr == nil {
			if info, ierr := s.Info(ctx); ierr == nil {
				cs.last = info.State.LastSeq
			}
		}
		return err
	}
	if ack.Sequence != seq {
		return fmt.Errorf("copied message %d stored as %d", seq, ack.Sequence)
	}
	cs.last = seq
	return nil
}

// applyLoop applies the local copy of origin's stream to the store, in
// order, from the store's cursor.
func (o *Office) applyLoop(ctx context.Context, origin int) {
	for ctx.Err() == nil {
		cur, err := o.store.OfficeCursor(ctx, origin)
		if err != nil {
			o.logf("office: %v", err)
			if !wait(ctx, time.Second) {
				return
			}
			continue
		}
		cons, err := o.js.OrderedConsumer(ctx, streamName(origin), jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:   cur + 1,
		})
		if err != nil {
			if !wait(ctx, time.Second) {
				return
			}
			continue
		}
		failed := make(chan struct{}, 1)
		var stop atomic.Bool
		cc, err := cons.Consume(func(m jetstream.Msg) {
			if stop.Load() {
				return
			}
			if err := o.applyMsg(ctx, origin, m); err != nil {
				if ctx.Err() == nil {
					o.logf("office: apply %s: %v", streamName(origin), err)
				}
				stop.Store(true)
				select {
				case failed <- struct{}{}:
				default:
				}
			}
		})
		if err != nil {
			if !wait(ctx, time.Second) {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			cc.Stop()
			return
		case <-failed:
			cc.Stop()
			if !wait(ctx, time.Second) {
				return
			}
		}
	}
}

func (o *Office) applyMsg(ctx context.Context, origin int, m jetstream.Msg) error {
	md, err := m.Metadata()
	if err != nil {
		return err
	}
	var ev Event
	if err := json.Unmarshal(m.Data(), &ev); err != nil {
		return fmt.Errorf("message %d: %w", md.Sequence.Stream, err)
	}
	if ev.Origin != origin {
		return fmt.Errorf("message %d of %s says it is from station %d", md.Sequence.Stream, streamName(origin), ev.Origin)
	}
	d, err := ev.decode()
	if err != nil {
		return err
	}
	_, err = o.store.OfficeApply(ctx, origin, md.Sequence.Stream, ev.Code, func(stored *motcua.Dossier, replica bool) (storage.OfficeChange, error) {
		return decide(o.cfg.Station.K, ev, d, stored, replica), nil
	})
	if err != nil {
		return err
	}
	// The owner took a peer's change: publish its decision now.
	o.Notify()
	return nil
}

// PeerStatus is what a station knows of one peer.
type PeerStatus struct {
	Station   int    `json:"station"`
	Addr      string `json:"addr"`
	Connected bool   `json:"connected"`
	// Behind is how many messages of the peer's own stream are not yet
	// here; -1 when unknown (the peer is unreachable).
	Behind int64 `json:"behind"`
}

// Status is the station's view of the office network.
type Status struct {
	Station int          `json:"station"`
	Listen  string       `json:"listen"`
	Peers   []PeerStatus `json:"peers"`
}

// Status reports the peers: reachable or not, and how far behind.
func (o *Office) Status() Status {
	s := Status{Station: o.cfg.Station.K, Listen: o.Addr()}
	for _, l := range o.peers {
		s.Peers = append(s.Peers, PeerStatus{Station: l.peer.Station, Addr: l.peer.Addr, Connected: l.nc.IsConnected(), Behind: l.behind.Load()})
	}
	return s
}

// LastSeq is the last sequence of station k's stream held here.
func (o *Office) LastSeq(ctx context.Context, k int) (uint64, error) {
	s, err := o.js.Stream(ctx, streamName(k))
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.LastSeq, nil
}
