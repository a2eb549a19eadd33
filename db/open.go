// Package db holds the portal's SQLite storage: opening the database with
// its pools, the embedded migrations and the Store with its queries.
package db

import (
	"golang.org/x/sync/singleflight"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite" // the pure-Go driver; it registers "sqlite"
)

// ErrNotFound is returned by Store lookups that match no row.
var ErrNotFound = errors.New("not found")

// DB is an opened portal database: one writer connection, whose
// transactions begin IMMEDIATE so writers queue on the lock instead of
// failing half-way, and a pool of read-only connections.
type DB struct {
	Write *sql.DB
	Read  *sql.DB
	path  string
	// changes are the counters shared with every other process that has
	// this database open; the writer moves them on (see writerConnector).
	changes *changes
}

// dsn builds a modernc.org/sqlite DSN with the pragmas every connection
// needs; pragmas in the DSN run on each new connection of the pool.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(NORMAL)",
		"temp_store(MEMORY)",
		"cache_size(-16000)",
	} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating when missing) the database file at path and its
// folder, and checks that it answers.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create folder %q: %w", dir, err)
		}
	}
	ch, err := openChanges(path)
	if err != nil {
		return nil, err
	}
	base, err := sqlite.NewConnector(dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("db: open writer: %w", err)
	}
	w := sql.OpenDB(writerConnector{Connector: base, changes: ch})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: ping writer %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open readers: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("db: ping readers %q: %w", path, err)
	}
	return &DB{Write: w, Read: r, path: path, changes: ch}, nil
}

// Path is the file the database lives in.
func (d *DB) Path() string { return d.path }

// Close closes both pools.
func (d *DB) Close() error {
	return errors.Join(d.Read.Close(), d.Write.Close())
}

// Ping checks that a reader connection answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Store is the portal's data access: every query lives in a method on it.
type Store struct {
	db *DB
	// version is the public content version; every change of public
	// content increments it, so what was made from the whole catalogue
	// before it (the catalogue, comparisons, the home page) is never
	// served again.
	version atomic.Int64
	// shared is the content version of the last change that was not one
	// model's own (specification names, media, offers, rates, demo data):
	// such a change retires every model's page as well.
	shared atomic.Int64
	// models counts, by slug, the publishes that changed that model's page
	// (publish, unpublish, archive); see ModelStamp.
	models sync.Map // string → *atomic.Int64
	// sessKept are sessions with their accounts as SessionAndUser read
	// them, by id hash.
	sessMu   sync.RWMutex
	sessKept map[string]keptSession
	// stmts are the reader pool's prepared statements, by query text.
	stmts sync.Map
	// follows holds, per person, a version of the offers they follow
	// (user id → *atomic.Int64), moved on by every committed follow and
	// unfollow: pages listing a person's follows are kept until it moves.
	follows sync.Map
	// proposals is the proposals version: every committed change to
	// proposals or to what their pages show (participants, NDA
	// acceptances, timelines, documents, questions, feed tokens)
	// increments it, which invalidates the board cache.
	proposals atomic.Int64
	boardMu   sync.Mutex
	boards    map[string]cachedBoard

	// proposalVersions holds, by proposal id, the proposals version of
	// the proposal's last change (none: 0).
	proposalVersions sync.Map

	// inquiries is the inquiries version: every committed change to what
	// the staff inbox lists increments it, which invalidates the inbox
	// pages kept in memory.
	inquiries atomic.Int64
	inboxMu   sync.Mutex
	inbox     map[string]cachedInbox
	// searchVersion moves on with every committed change to the search
	// index or to who may find what; searches kept in memory are valid
	// for one version.
	searchVersion atomic.Int64
	searchMu      sync.Mutex
	searches      map[string][]SearchGroup
	searchesAt    int64
	// searchFlight makes a search asked by several people at once once.
	searchFlight singleflight.Group
	// shipments is the shipments version: every committed change to
	// shipments or markets increments it, which invalidates the
	// dashboard's figures kept in memory.
	shipments atomic.Int64
}

// NewStore wraps an opened, migrated database and loads the content version.
func NewStore(ctx context.Context, d *DB) (*Store, error) {
	s := &Store{db: d}
	var v int64
	if err := d.Read.QueryRowContext(ctx, `SELECT version FROM content_version WHERE id = 1`).Scan(&v); err != nil {
		return nil, fmt.Errorf("store: content version: %w", err)
	}
	s.version.Store(v)
	s.shared.Store(v)
	if err := s.rebuildSearchIfAsked(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ProposalsVersion is the proposals version: every committed change to a
// proposal or to what its pages show (participants, NDA acceptances,
// timeline, documents, questions, feed tokens) increments it, so what was
// derived from proposals under an older version is stale.
func (s *Store) ProposalsVersion() int64 { return s.proposals.Load() }

// ProposalVersion is proposal id's own version: it moves on with every
// committed change to what the proposal's pages show, and only then, so
// what was derived from the proposal under an older one is stale.
func (s *Store) ProposalVersion(id int64) int64 {
	v, _ := s.proposalVersions.Load(id)
	n, _ := v.(int64)
	return n
}

// InquiriesVersion is the current inquiries version: it moves on with
// every committed change to submitted inquiries.
func (s *Store) InquiriesVersion() int64 { return s.inquiries.Load() }

// DB returns the underlying database, for health checks and tools.
func (s *Store) DB() *DB { return s.db }

// ContentVersion is the current public content version: it moves on with
// every change of public content, so it stamps what shows the whole
// catalogue.
func (s *Store) ContentVersion() int64 { return s.version.Load() }

// ModelStamp stamps what shows one model alone, by its slug: its public
// page. It moves on when that model is published, unpublished or archived
// (under its old or new slug) and with every change of shared content, but
// not when another model is published, so other models' pages stay kept.
// It never decreases: a stamp read before a page is made, equal to the one
// read when the page is served, means the page is current.
func (s *Store) ModelStamp(slug string) int64 {
	v := s.shared.Load()
	if c, ok := s.models.Load(slug); ok {
		v += c.(*atomic.Int64).Load()
	}
	return v
}

// modelsChanged moves the stamps of the models with these slugs on.
func (s *Store) modelsChanged(slugs []string) {
	for _, slug := range slugs {
		c, ok := s.models.Load(slug)
		if !ok {
			c, _ = s.models.LoadOrStore(slug, new(atomic.Int64))
		}
		c.(*atomic.Int64).Add(1)
	}
}

// inTx runs fn in a writer transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// bumpContentVersion increments the public content version inside tx; call
// it from every transaction that changes what public pages show, and call
// s.reloadVersion after the commit.
func bumpContentVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`)
	if err != nil {
		return fmt.Errorf("store: bump content version: %w", err)
	}
	return nil
}

// reloadVersion reads the committed content version into memory after a
// change of shared content, which retires every model's page too.
func (s *Store) reloadVersion(ctx context.Context) error {
	v, err := s.readVersion(ctx)
	if err != nil {
		return err
	}
	s.version.Store(v)
	s.shared.Store(v)
	return nil
}

// reloadModels reads the committed content version into memory after a
// change of the models with these slugs only.
func (s *Store) reloadModels(ctx context.Context, slugs []string) error {
	v, err := s.readVersion(ctx)
	if err != nil {
		return err
	}
	s.modelsChanged(slugs)
	s.version.Store(v)
	return nil
}

func (s *Store) readVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.Write.QueryRowContext(ctx, `SELECT version FROM content_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: content version: %w", err)
	}
	return v, nil
}

// BumpContentVersion increments the public content version on its own, for
// changes made outside the store's publishing methods (tools, tests).
func (s *Store) BumpContentVersion(ctx context.Context) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return bumpContentVersion(ctx, tx) }); err != nil {
		return err
	}
	return s.reloadVersion(ctx)
}
