package storage

import (
	"context"

	"motcua"
	"motcua/app"
)

// BulkInsert stores ds as Insert would, all in one transaction, but leaves
// the report tallies and due history out (RebuildReports fills the
// tallies): the benchmarks build their large databases with it, and the
// ones that time intake use Accept.
func BulkInsert(ctx context.Context, s *Store, ds []*motcua.Dossier) error {
	return s.write(ctx, func(w *wtx) error {
		for _, d := range ds {
			n, err := normalise(d)
			if err != nil {
				return err
			}
			if err := w.insert(&n, app.AuditEntry{Actor: "bench", Action: "dossier.insert", Subject: n.Code}); err != nil {
				return err
			}
		}
		w.tracked, w.trackOrder, w.fresh = nil, nil, nil
		return nil
	})
}

// Pragma reads a PRAGMA on the write connection (write) or a read connection.
func Pragma(s *Store, write bool, name string) (string, error) {
	var v string
	if write {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		return v, s.wc.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v)
	}
	return v, s.r.QueryRow("PRAGMA " + name).Scan(&v)
}

// Pragmas are the connection settings of the store, for the benchmarks' bare
// peer.
const Pragmas = pragmas

// RebuildReports refills the report tallies from the stored dossiers, as
// opening a database of an earlier version does.
func RebuildReports(ctx context.Context, s *Store) error {
	return s.write(ctx, func(w *wtx) error { return rebuildReports(ctx, w.tx) })
}
