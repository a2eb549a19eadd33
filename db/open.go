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
	// sessKept are sessions with their accounts as SessionAndUser read
	// them, by id hash.
	sessMu   sync.RWMutex
	sessKept map[string]keptSession
	// stmts are the reader pool's prepared statements, by query text.
	stmts sync.Map
	// The versions that stamp what is kept in memory (ContentVersion,
	// ModelStamp, ProposalsVersion, ProposalVersion, InquiriesVersion,
	// SearchVersion, ShipmentsVersion, FollowsVersion) are counters in
	// db.changes, shared by every instance; each moves on after the
	// commit of a change to what it stamps.
	boardMu sync.Mutex
	boards  map[string]cachedBoard
	inboxMu sync.Mutex
	inbox   map[string]cachedInbox
	// searches are results kept for one search version, searchesAt.
	searchMu   sync.Mutex
	searches   map[string][]SearchGroup
	searchesAt int64
	// searchFlight makes a search asked by several people at once once.
	searchFlight singleflight.Group
}

// NewStore wraps an opened, migrated database.
func NewStore(ctx context.Context, d *DB) (*Store, error) {
	s := &Store{db: d}
	if err := s.rebuildSearchIfAsked(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ProposalsVersion is the proposals version: every committed change to a
// proposal or to what its pages show (participants, NDA acceptances,
// timeline, documents, questions, feed tokens) increments it, so what was
// derived from proposals under an older version is stale.
func (s *Store) ProposalsVersion() int64 { return s.db.changes.load(slotProposals) }

// ProposalVersion is proposal id's own version: it moves on with every
// committed change to what the proposal's pages show, and only then, so
// what was derived from the proposal under an older one is stale.
func (s *Store) ProposalVersion(id int64) int64 {
	return s.db.changes.load(idBucket(slotProposal, proposalBuckets, id))
}

// InquiriesVersion is the current inquiries version: it moves on with
// every committed change to submitted inquiries.
func (s *Store) InquiriesVersion() int64 { return s.db.changes.load(slotInquiries) }

// DB returns the underlying database, for health checks and tools.
func (s *Store) DB() *DB { return s.db }

// ContentVersion is the current public content version: it moves on with
// every change of public content, so it stamps what shows the whole
// catalogue.
func (s *Store) ContentVersion() int64 { return s.db.changes.load(slotContent) }

// ModelStamp stamps what shows one model alone, by its slug: its public
// page. It moves on when that model is published, unpublished or archived
// (under its old or new slug) and with every change of shared content, but
// not when another model is published, so other models' pages stay kept.
// It never decreases: a stamp read before a page is made, equal to the one
// read when the page is served, means the page is current.
func (s *Store) ModelStamp(slug string) int64 {
	c := s.db.changes
	return c.load(slotShared) + c.load(bucket(slotModels, modelBuckets, slug))
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
// s.contentChanged after the commit.
func bumpContentVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`)
	if err != nil {
		return fmt.Errorf("store: bump content version: %w", err)
	}
	return nil
}

// contentChanged moves the content version on after the commit of a
// change of shared content, which retires every model's page too.
func (s *Store) contentChanged() {
	s.db.changes.add(slotShared)
	s.db.changes.add(slotContent)
}

// modelsChanged moves the content version on after the commit of a change
// of the models with these slugs only.
func (s *Store) modelsChanged(slugs []string) {
	for _, slug := range slugs {
		s.db.changes.add(bucket(slotModels, modelBuckets, slug))
	}
	s.db.changes.add(slotContent)
}

// BumpContentVersion increments the public content version on its own, for
// changes made outside the store's publishing methods (tools, tests).
func (s *Store) BumpContentVersion(ctx context.Context) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return bumpContentVersion(ctx, tx) }); err != nil {
		return err
	}
	s.contentChanged()
	return nil
}
