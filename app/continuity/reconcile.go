package continuity

import (
	"context"
	"time"

	"motcua"
)

// Outbox state names, as the store spells them (storage.State*).
const (
	outboxPending     = "pending"
	outboxSending     = "sending"
	outboxQuarantined = "quarantined"
)

// Delivery states of a dossier in a reconciliation.
const (
	DeliveryDone        = "delivered"   // every message acknowledged by the province
	DeliveryPending     = "pending"     // still queued (will be sent)
	DeliveryQuarantined = "quarantined" // the province rejected a message: correct and retry
)

// Deadline risks.
const (
	RiskNone   = ""
	RiskAtRisk = "at_risk" // active, due within the horizon
	RiskLate   = "late"    // active and past its due time
)

// Reconciliation is the account of the dossiers received during an
// incident, computed when it closes (and on demand while it is open).
type Reconciliation struct {
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	ComputedAt  time.Time `json:"computed_at"`
	Final       bool      `json:"final"`        // kept when the incident closed
	Horizon     string    `json:"risk_horizon"` // e.g. "8h0m0s" of working time
	Received    int       `json:"received"`
	Paper       int       `json:"paper"` // of which entered from paper receipts
	Delivered   int       `json:"delivered"`
	Pending     int       `json:"pending"`
	Quarantined int       `json:"quarantined"`
	AtRisk      int       `json:"at_risk"`
	Late        int       `json:"late"`
	// Backlog is the whole queue at computation time (all dossiers, not
	// just those of the window): what is still to be sent.
	Backlog Backlog     `json:"backlog"`
	Lines   []ReconLine `json:"dossiers"`
}

// Backlog counts outbox messages not yet acknowledged.
type Backlog struct {
	Pending     int `json:"pending"`
	Quarantined int `json:"quarantined"`
}

// ReconLine is one dossier of a reconciliation. The applicant's name is
// masked: the report leaves the commune.
type ReconLine struct {
	Code        string    `json:"code"`
	Procedure   string    `json:"procedure"`
	Applicant   string    `json:"applicant"`
	Status      int       `json:"status_code"`
	StatusName  string    `json:"status"`
	ReceivedAt  time.Time `json:"received_at"`
	DueAt       time.Time `json:"due_at,omitzero"`
	Paper       bool      `json:"paper,omitempty"`
	Delivery    string    `json:"delivery"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	Risk        string    `json:"risk,omitempty"`
	Note        string    `json:"note,omitempty"` // the province's reason for a rejection
}

// Reconcile accounts for the dossiers received in [from, to): how many were
// delivered, which are pending or rejected, which deadlines are at risk.
func (s *Service) Reconcile(ctx context.Context, from, to time.Time) (*Reconciliation, error) {
	ds, err := s.Store.ReceivedBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	stats, err := s.Store.OutboxStats(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	limit := now.Add(s.horizon())
	if s.App != nil && s.App.Calendar != nil {
		limit = s.App.Calendar.AddWorkingHours(now, s.horizon())
	}
	r := &Reconciliation{From: from.In(motcua.Location), To: to.In(motcua.Location), ComputedAt: now,
		Horizon: s.horizon().String(), Lines: []ReconLine{},
		Backlog: Backlog{Pending: stats[outboxPending] + stats[outboxSending], Quarantined: stats[outboxQuarantined]}}
	for _, d := range ds {
		l := ReconLine{Code: d.Code, Procedure: d.Procedure, Applicant: MaskName(d.Applicant), Status: int(d.Status),
			StatusName: d.Status.Name(), ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, Paper: d.Paper}
		switch {
		case d.Quarantined > 0:
			l.Delivery, l.Note = DeliveryQuarantined, d.LastError
			r.Quarantined++
		case d.Pending > 0 || d.Messages == 0:
			l.Delivery = DeliveryPending
			r.Pending++
		default:
			l.Delivery, l.DeliveredAt = DeliveryDone, d.LastAckedAt
			r.Delivered++
		}
		if d.Status.Active() && !d.DueAt.IsZero() {
			switch {
			case now.After(d.DueAt):
				l.Risk = RiskLate
				r.Late++
			case !d.DueAt.After(limit):
				l.Risk = RiskAtRisk
				r.AtRisk++
			}
		}
		if d.Paper {
			r.Paper++
		}
		r.Received++
		r.Lines = append(r.Lines, l)
	}
	return r, nil
}
