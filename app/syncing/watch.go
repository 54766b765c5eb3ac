package syncing

import (
	"context"

	"motcua"
	"motcua/app"
)

// Watch returns st wrapped so that every dossier write that commits wakes
// the engine: a dossier accepted at the counter leaves for the province
// at once instead of at the next look-up.
func (r *Runner) Watch(st app.Store) app.Store { return notifying{st, r} }

type notifying struct {
	app.Store
	r *Runner
}

func (n notifying) Accept(ctx context.Context, d *motcua.Dossier, agency string, st motcua.Station, a app.AuditEntry) error {
	err := n.Store.Accept(ctx, d, agency, st, a)
	if err == nil {
		n.r.Notify()
	}
	return err
}

func (n notifying) Insert(ctx context.Context, d *motcua.Dossier, a app.AuditEntry) error {
	err := n.Store.Insert(ctx, d, a)
	if err == nil {
		n.r.Notify()
	}
	return err
}

func (n notifying) Update(ctx context.Context, d *motcua.Dossier, prevStatus motcua.Status, prevHistory int, a app.AuditEntry) error {
	err := n.Store.Update(ctx, d, prevStatus, prevHistory, a)
	if err == nil {
		n.r.Notify()
	}
	return err
}

// Unwrap is the store the engine watches (app.StoreAs looks through it).
func (n notifying) Unwrap() app.Store { return n.Store }
