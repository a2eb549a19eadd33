package db

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// authTables are the tables the per-request session read (SessionAndUser)
// reads: a committed change to any of them moves the shared auth counter
// on, which retires every session kept in memory by every instance.
var authTables = map[string]bool{"sessions": true, "users": true, "notifications": true}

type quietKey struct{}

// quietly marks a write whose change kept sessions need not see: the
// last-seen touch, which only the idle check reads, and which checks
// again in the database before it ends a session.
func quietly(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

func isQuiet(ctx context.Context) bool { q, _ := ctx.Value(quietKey{}).(bool); return q }

// sqliteConn is what every connection of modernc.org/sqlite implements and
// the writer's wrapper forwards (see sqlite.NewConnector).
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	sqlite.HookRegisterer
}

// writerConnector opens the writer's connection wrapped so that every
// change it commits to authTables moves the shared auth counter on, after
// the commit: whatever code writes (a store method, a migration, a tool, a
// test's raw SQL), a session kept in memory never outlives the change.
type writerConnector struct {
	driver.Connector
	changes *changes
}

func (wc writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := wc.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(sqliteConn)
	if !ok {
		_ = c.Close()
		return nil, fmt.Errorf("db: the sqlite connection (%T) lacks the interfaces the writer needs", c)
	}
	w := &writerConn{sqliteConn: sc, changes: wc.changes}
	// SQLite calls the hook before each row it inserts, updates or
	// deletes, on this goroutine, inside the statement.
	sc.RegisterPreUpdateHook(func(d sqlite.SQLitePreUpdateData) {
		if authTables[d.TableName] {
			w.dirty = true
		}
	})
	return w, nil
}

// writerConn is the writer connection. database/sql uses a connection from
// one goroutine at a time, so its fields need no lock.
type writerConn struct {
	sqliteConn
	changes *changes
	inTx    bool // a transaction begun through BeginTx is open
	dirty   bool // authTables changed since the last commit or statement
}

// Unwrap returns the driver's connection (sqlite.Limit looks for it).
func (w *writerConn) Unwrap() driver.Conn { return w.sqliteConn }

// settle moves the auth counter on once what changed authTables has been
// committed or rolled back: at the end of a statement outside a
// transaction, or at the end of the transaction. A rollback moves it on
// too; that retires kept sessions for nothing, which is harmless. A quiet
// statement leaves the flag as it found it.
func (w *writerConn) settle(ctx context.Context, was bool) {
	if isQuiet(ctx) {
		w.dirty = was
		return
	}
	if !w.inTx && w.dirty {
		w.dirty = false
		w.changes.authChanged()
	}
}

func (w *writerConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	was := w.dirty
	res, err := w.sqliteConn.ExecContext(ctx, q, args)
	w.settle(ctx, was)
	return res, err
}

func (w *writerConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	was := w.dirty
	rows, err := w.sqliteConn.QueryContext(ctx, q, args)
	if err != nil {
		w.settle(ctx, was)
		return nil, err
	}
	return wrapRows(rows, w, ctx, was), nil
}

func (w *writerConn) Prepare(q string) (driver.Stmt, error) {
	return w.PrepareContext(context.Background(), q)
}

func (w *writerConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := w.sqliteConn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	ss, ok := st.(sqliteStmt)
	if !ok {
		_ = st.Close()
		return nil, fmt.Errorf("db: the sqlite statement (%T) lacks the interfaces the writer needs", st)
	}
	return &writerStmt{sqliteStmt: ss, w: w}, nil
}

func (w *writerConn) Begin() (driver.Tx, error) {
	return w.BeginTx(context.Background(), driver.TxOptions{})
}

func (w *writerConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := w.sqliteConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	w.inTx = true
	return &writerTx{Tx: tx, w: w}, nil
}

// Close drops the hook before the connection goes: the driver keys hooks
// by the connection's address, which a later connection may reuse.
func (w *writerConn) Close() error {
	w.sqliteConn.RegisterPreUpdateHook(nil)
	return w.sqliteConn.Close()
}

type writerTx struct {
	driver.Tx
	w *writerConn
}

func (t *writerTx) Commit() error {
	err := t.Tx.Commit()
	t.w.inTx = false
	t.w.settle(context.Background(), false)
	return err
}

func (t *writerTx) Rollback() error {
	err := t.Tx.Rollback()
	t.w.inTx = false
	t.w.settle(context.Background(), false)
	return err
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type writerStmt struct {
	sqliteStmt
	w *writerConn
}

func (s *writerStmt) Exec(args []driver.Value) (driver.Result, error) {
	was := s.w.dirty
	res, err := s.sqliteStmt.Exec(args)
	s.w.settle(context.Background(), was)
	return res, err
}

func (s *writerStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	was := s.w.dirty
	res, err := s.sqliteStmt.ExecContext(ctx, args)
	s.w.settle(ctx, was)
	return res, err
}

func (s *writerStmt) Query(args []driver.Value) (driver.Rows, error) {
	was := s.w.dirty
	rows, err := s.sqliteStmt.Query(args)
	if err != nil {
		s.w.settle(context.Background(), was)
		return nil, err
	}
	return wrapRows(rows, s.w, context.Background(), was), nil
}

func (s *writerStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	was := s.w.dirty
	rows, err := s.sqliteStmt.QueryContext(ctx, args)
	if err != nil {
		s.w.settle(ctx, was)
		return nil, err
	}
	return wrapRows(rows, s.w, ctx, was), nil
}

// sqliteRows is what the driver's result rows implement.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// writerRows settles when closed: a statement run as a query (INSERT …
// RETURNING) outside a transaction commits when it is reset.
type writerRows struct {
	sqliteRows
	w   *writerConn
	ctx context.Context
	was bool
}

func wrapRows(rows driver.Rows, w *writerConn, ctx context.Context, was bool) driver.Rows {
	sr, ok := rows.(sqliteRows)
	if !ok {
		// Rows that cannot be wrapped settle at once (a statement still
		// running would then move the counter on early; with the
		// driver's rows this never happens).
		w.settle(ctx, was)
		return rows
	}
	return &writerRows{sqliteRows: sr, w: w, ctx: ctx, was: was}
}

func (r *writerRows) Close() error {
	err := r.sqliteRows.Close()
	r.w.settle(r.ctx, r.was)
	return err
}
