package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// timeFormat writes times in UTC with a fixed width, so that text order is
// time order in SQL comparisons.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// fmtTime formats t for storage.
func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime reads a stored time; the zero time for "" or NULL.
func parseTime(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeFormat, s.String)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s.String)
	}
	return t
}

// Tx is a writer transaction: a change and everything that must happen
// with it (the audit entry, the mail it causes) commit together or not at
// all.
type Tx struct {
	tx  *sql.Tx
	ctx context.Context
	// published is set when the transaction changed shared public
	// content; models names the models (by slug) whose own pages it
	// changed.
	published bool
	models    []string
	bumped    bool
	// followsChanged are the people whose followed offers it changed.
	followsChanged []int64
	// proposalsChanged is set when it changed proposals, which moves the
	// proposals version on after the commit; changedProposals are the
	// proposals it changed, whose own versions move on with it.
	proposalsChanged bool
	changedProposals []int64
	// inquiriesChanged is set when it changed submitted inquiries, which
	// moves the inquiries version on after the commit.
	inquiriesChanged bool
	// search writes the search index's documents in the transaction.
	search *searchWriter
	// searchChanged is set when the transaction changed who may find
	// what (an NDA accepted), which the search results kept in memory
	// depend on.
	searchChanged bool
	// shipmentsChanged is set when it changed shipments or markets, which
	// moves the shipments version on after the commit.
	shipmentsChanged bool
}

// Tx runs fn in one writer transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil. After the commit, the versions of what it changed
// move on (see Store), in every instance.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	var t *Tx
	err := s.inTx(ctx, func(stx *sql.Tx) error {
		t = &Tx{tx: stx, ctx: ctx}
		return fn(t)
	})
	if err != nil {
		return err
	}
	c := s.db.changes
	if t.proposalsChanged {
		c.add(slotProposals)
		for _, id := range t.changedProposals {
			c.add(idBucket(slotProposal, proposalBuckets, id))
		}
	}
	if t.search != nil || t.proposalsChanged || t.searchChanged {
		c.add(slotSearch)
	}
	if t.inquiriesChanged {
		c.add(slotInquiries)
	}
	for _, uid := range t.followsChanged {
		c.add(idBucket(slotFollows, followBuckets, uid))
	}
	if t.shipmentsChanged {
		c.add(slotShipments)
	}
	if t.published {
		s.contentChanged()
	} else if len(t.models) > 0 {
		s.modelsChanged(t.models)
	}
	return nil
}

// ContentChanged marks the transaction as changing what public pages show
// in general (every model's page may change): the content version is
// incremented with it, and every kept page retires after the commit.
func (t *Tx) ContentChanged() error {
	if err := t.bump(); err != nil {
		return err
	}
	t.published = true
	return nil
}

// ModelChanged marks the transaction as changing the public pages of one
// model, named by its slugs (before and after a rename), and the pages
// that list models: the content version is incremented with it, and after
// the commit that model's page and every list retire, while other models'
// pages stay kept.
func (t *Tx) ModelChanged(slugs ...string) error {
	if err := t.bump(); err != nil {
		return err
	}
	for _, slug := range slugs {
		if slug != "" && !slices.Contains(t.models, slug) {
			t.models = append(t.models, slug)
		}
	}
	return nil
}

func (t *Tx) bump() error {
	if t.bumped {
		return nil
	}
	if err := bumpContentVersion(t.ctx, t.tx); err != nil {
		return err
	}
	t.bumped = true
	return nil
}

// AuditEntry is one security-relevant event.
type AuditEntry struct {
	At         time.Time
	ActorID    int64 // 0 when nobody is logged in
	ActorEmail string
	Action     string
	TargetType string
	TargetID   int64
	IP         string
	UserAgent  string
	Detail     string
}

// Audit records an event in the audit log.
func (t *Tx) Audit(e AuditEntry) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO audit_log(at, actor_id, actor_email, action, target_type, target_id, ip, user_agent, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		fmtTime(e.At), nullID(e.ActorID), e.ActorEmail, e.Action, e.TargetType, nullID(e.TargetID), e.IP, truncate(e.UserAgent, 400), truncate(e.Detail, 2000))
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// Audit records an event in its own transaction.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.Tx(ctx, func(tx *Tx) error { return tx.Audit(e) })
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

// proposalChanged marks the transaction as changing what proposal id's
// pages show: after the commit, the proposals version and the proposal's
// own version move on.
func (t *Tx) proposalChanged(id int64) {
	t.proposalsChanged = true
	t.changedProposals = append(t.changedProposals, id)
}
