package app

import (
	"context"
	"time"
)

// ConnState is what the status bar says about the link to the province.
type ConnState string

const (
	ConnUnconfigured ConnState = "unconfigured" // no province configured: work offline and queue
	ConnOnline       ConnState = "online"       // province reachable, queue draining
	ConnRetrying     ConnState = "retrying"     // reachable but deliveries failing; backing off
	ConnOffline      ConnState = "offline"      // province unreachable
	ConnCaptive      ConnState = "captive"      // a captive portal or proxy answers instead of the province
)

// SyncStatus is a snapshot of delivery to the province.
type SyncStatus struct {
	State       ConnState
	Pending     int       // messages waiting to be delivered
	Quarantined int       // messages the province rejected: need correction
	LastError   string    // the last delivery or probe error, in Vietnamese when known
	LastSync    time.Time // last successful exchange
	Since       time.Time // when State began
	// Paused: delivery and pull-back are paused on purpose (`motcua sync
	// pause`, or a drill): State says offline, but nothing is wrong with
	// the link, so no automatic incident is opened for it.
	Paused bool
	// Simulated: the pause is a drill's simulated outage (the drill has its
	// own incident). Implies Paused.
	Simulated bool
}

// OutboxItem is one message of the delivery queue, for the Sync screen.
type OutboxItem struct {
	ID          int64
	DossierCode string
	Kind        string
	State       string // pending | sending | acked | quarantined
	Attempts    int
	LastError   string // the province's last message
	CreatedAt   time.Time
}

// Syncer is the delivery engine as the UI and the continuity plan see it.
// A nil Syncer on the Service means "not available": the UI says so.
type Syncer interface {
	Status() SyncStatus
	// Subscribe calls fn on every status change until cancel is called. fn
	// runs on the engine's goroutine: UI code must hop with fyne.Do.
	Subscribe(fn func(SyncStatus)) (cancel func())
	SendNow()
	Items(ctx context.Context, states []string, limit int) ([]OutboxItem, error)
	// Retry puts a quarantined message back in the queue after correction.
	Retry(ctx context.Context, id int64) error
	ExportBundle(ctx context.Context, path string) (int, error)
	ImportBundle(ctx context.Context, path string) (int, error)
}

// Pauser is implemented by an engine whose delivery can be paused on
// purpose (a metered link, a drill left paused by a crashed command): the
// Sync screen offers pause and resume when the engine has it.
type Pauser interface {
	// PauseDelivery holds delivery and pull-back; a conflict error when
	// paused already.
	PauseDelivery(ctx context.Context, by, reason string) error
	// ResumeDelivery ends any pause, a drill's included, and sends the
	// backlog; a conflict error when nothing is paused.
	ResumeDelivery(ctx context.Context, by string) error
}
