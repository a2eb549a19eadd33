package db

import (
	"context"
	"database/sql"
)

// prepared returns the reader pool's prepared statement for q, made on
// first use and kept for the store's life: a hot query is then parsed once
// per connection instead of on every call (with the pure-Go SQLite,
// parsing is a quarter of a small query's cost).
func (s *Store) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.Read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if old, loaded := s.stmts.LoadOrStore(q, st); loaded {
		_ = st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// query runs a read query through its prepared statement.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a one-row read query through its prepared statement; a
// statement that does not prepare is run plainly, so its error surfaces
// from Scan.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.prepared(ctx, q)
	if err != nil {
		return s.db.Read.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
