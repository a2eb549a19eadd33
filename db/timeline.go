package db

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// GenesisHash is the prev hash of a proposal's first timeline entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is one entry of a proposal's shared timeline: its creation, a
// stage move or a shared note. Each carries the hash of the one before,
// so a changed or removed entry breaks the chain from there on.
type Event struct {
	ID         int64
	ProposalID int64
	Seq        int64
	Kind       string // created, stage, note
	At         time.Time
	ActorID    int64
	ActorName  string
	FromStage  string
	ToStage    string
	Note       string
	PrevHash   string
	Hash       string
}

// CanonicalEvent is the exact content an entry's hash covers, with its
// fields in this order; its JSON (no whitespace, no HTML escaping, UTC
// times in RFC 3339 with nanoseconds and trailing zeros dropped) is what
// docs/history-verification.md tells participants to rebuild.
type CanonicalEvent struct {
	ProposalID int64  `json:"proposal_id"`
	Seq        int64  `json:"seq"`
	Kind       string `json:"kind"`
	At         string `json:"at"`
	Actor      string `json:"actor"`
	From       string `json:"from"`
	To         string `json:"to"`
	Note       string `json:"note"`
	Prev       string `json:"prev"`
}

// Canonical is the entry's hashed content.
func (e Event) Canonical() CanonicalEvent {
	return CanonicalEvent{ProposalID: e.ProposalID, Seq: e.Seq, Kind: e.Kind, At: e.At.UTC().Format(time.RFC3339Nano),
		Actor: e.ActorName, From: e.FromStage, To: e.ToStage, Note: e.Note, Prev: e.PrevHash}
}

// CanonicalJSON is the canonical content as the bytes that are hashed.
func (c CanonicalEvent) CanonicalJSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(c)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// ComputeHash is the SHA-256, in hex, of the entry's canonical JSON (which
// includes the previous entry's hash).
func (e Event) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical().CanonicalJSON())
	return hex.EncodeToString(sum[:])
}

// AppendEvent adds an entry at the end of its proposal's shared timeline,
// chained to the entry before, and returns it with its id, seq and hash.
// Times are kept to the microsecond, as stored.
func (t *Tx) AppendEvent(e Event) (Event, error) {
	t.proposalChanged(e.ProposalID)
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var last sql.NullInt64
	var prev sql.NullString
	err := t.tx.QueryRowContext(t.ctx, `SELECT seq, hash FROM proposal_events WHERE proposal_id = ? ORDER BY seq DESC LIMIT 1`, e.ProposalID).Scan(&last, &prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		e.Seq, e.PrevHash = 1, GenesisHash
	case err != nil:
		return Event{}, fmt.Errorf("store: timeline of %d: %w", e.ProposalID, err)
	default:
		e.Seq, e.PrevHash = last.Int64+1, prev.String
	}
	e.Hash = e.ComputeHash()
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_events(proposal_id, seq, kind, at, actor_id, actor_name, from_stage, to_stage, note, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ProposalID, e.Seq, e.Kind, fmtTime(e.At), nullID(e.ActorID), e.ActorName,
		e.FromStage, e.ToStage, e.Note, e.PrevHash, e.Hash)
	if err != nil {
		return Event{}, fmt.Errorf("store: append to timeline of %d: %w", e.ProposalID, err)
	}
	e.ID, _ = res.LastInsertId()
	return e, nil
}

const eventCols = `e.id, e.proposal_id, e.seq, e.kind, e.at, COALESCE(e.actor_id, 0), e.actor_name, e.from_stage, e.to_stage, e.note, e.prev_hash, e.hash`

func scanEvent(r rowScanner) (Event, error) {
	var e Event
	var at sql.NullString
	err := r.Scan(&e.ID, &e.ProposalID, &e.Seq, &e.Kind, &at, &e.ActorID, &e.ActorName, &e.FromStage, &e.ToStage, &e.Note, &e.PrevHash, &e.Hash)
	e.At = parseTime(at)
	return e, err
}

// Timeline returns a proposal's shared timeline in order, for a viewer who
// takes part (staff: any proposal); empty for anyone else.
func (s *Store) Timeline(ctx context.Context, v Viewer, proposalID int64) ([]Event, error) {
	scope, args := participantScope(v)
	rows, err := s.query(ctx, `SELECT `+eventCols+` FROM proposal_events e JOIN proposals p ON p.id = e.proposal_id
		WHERE e.proposal_id = ? AND `+scope+` ORDER BY e.seq`, append([]any{proposalID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TimelineTail is the end of a proposal's shared timeline: its last
// entries and how many there are in all.
type TimelineTail struct {
	Events []Event // the last ones, oldest first
	Total  int
	// LastOpen is the last pipeline stage the timeline reached ("new"
	// when none), for the progress track of a closed proposal.
	LastOpen string
}

// TimelineTail returns the last n entries of a proposal's shared
// timeline, oldest first, with the number of all entries, for a viewer
// who takes part (staff: any proposal); empty for anyone else. A status
// page shows this much; the history page and its download have it all.
func (s *Store) TimelineTail(ctx context.Context, v Viewer, proposalID int64, n int) (TimelineTail, error) {
	scope, args := participantScope(v)
	var out TimelineTail
	rows, err := s.query(ctx, `SELECT `+eventCols+` FROM proposal_events e JOIN proposals p ON p.id = e.proposal_id
		WHERE e.proposal_id = +? AND `+scope+` ORDER BY e.seq DESC LIMIT ?`, append(append([]any{proposalID}, args...), n)...)
	if err != nil {
		return out, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return out, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
		}
		out.Events = append(out.Events, e)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
	}
	slices.Reverse(out.Events)
	out.LastOpen = "new"
	if len(out.Events) == 0 {
		return out, nil
	}
	// The count and the last open stage, read only for a timeline the
	// viewer was shown: the scope above decided that.
	var last sql.NullString
	err = s.queryRow(ctx, `SELECT (SELECT count(*) FROM proposal_events WHERE proposal_id = +?1),
		(SELECT to_stage FROM proposal_events WHERE proposal_id = +?1 AND to_stage IN (`+openStagesList+`) ORDER BY seq DESC LIMIT 1)`,
		proposalID).Scan(&out.Total, &last)
	if err != nil {
		return out, fmt.Errorf("store: timeline of %d: %w", proposalID, err)
	}
	if last.Valid && last.String != "" {
		out.LastOpen = last.String
	}
	return out, nil
}

// openStagesList is PipelineStages as an SQL list of strings.
var openStagesList = func() string {
	q := make([]string, len(PipelineStages))
	for i, st := range PipelineStages {
		q[i] = "'" + st + "'"
	}
	return strings.Join(q, ",")
}()

// ChainCheck is the result of verifying a timeline's hash chain.
type ChainCheck struct {
	Entries int
	OK      bool
	// BrokenSeq is the first entry that does not verify (0 when OK), and
	// Reason says how: "hash" (its content changed), "prev" (it does not
	// follow the entry before: one was removed or changed) or "seq" (a gap).
	BrokenSeq int64
	Reason    string
}

// VerifyChain recomputes every hash of a timeline and names the first
// entry that does not verify.
func VerifyChain(events []Event) ChainCheck {
	c := ChainCheck{Entries: len(events), OK: true}
	prev := GenesisHash
	for i, e := range events {
		reason := ""
		switch {
		case e.Seq != int64(i+1):
			reason = "seq"
		case e.PrevHash != prev:
			reason = "prev"
		case e.ComputeHash() != e.Hash:
			reason = "hash"
		}
		if reason != "" {
			c.OK, c.BrokenSeq, c.Reason = false, e.Seq, reason
			return c
		}
		prev = e.Hash
	}
	return c
}

// VerifyTimeline reads a proposal's timeline (scoped to the viewer) and
// verifies its chain.
func (s *Store) VerifyTimeline(ctx context.Context, v Viewer, proposalID int64) (ChainCheck, error) {
	events, err := s.Timeline(ctx, v, proposalID)
	if err != nil {
		return ChainCheck{}, err
	}
	return VerifyChain(events), nil
}

// InternalNote is a staff-only note on a proposal.
type InternalNote struct {
	ID        int64
	EventID   int64
	At        time.Time
	ActorName string
	Note      string
}

// InternalNotes lists a proposal's internal notes, oldest first; staff
// only (anyone else gets none).
func (s *Store) InternalNotes(ctx context.Context, v Viewer, proposalID int64) ([]InternalNote, error) {
	if !v.Staff() {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT id, COALESCE(event_id, 0), at, actor_name, note FROM proposal_internal_notes
		WHERE proposal_id = ? ORDER BY at, id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("store: internal notes of %d: %w", proposalID, err)
	}
	defer rows.Close()
	var out []InternalNote
	for rows.Next() {
		var n InternalNote
		var at sql.NullString
		if err := rows.Scan(&n.ID, &n.EventID, &at, &n.ActorName, &n.Note); err != nil {
			return nil, fmt.Errorf("store: internal notes of %d: %w", proposalID, err)
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}
