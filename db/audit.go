package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// Action matches exactly; empty for any.
	Action string
	// Actor is matched against the actor's email, folded, as a substring.
	Actor string
	// TargetType and TargetID, when set, select entries about one object.
	TargetType string
	TargetID   int64
	// From and Until bound the entry's time: From inclusive, Until
	// exclusive; a zero time leaves that side open.
	From, Until time.Time
	Page        int
	PerPage     int
}

// AuditEntryRow is a stored audit entry with its id.
type AuditEntryRow struct {
	ID int64
	AuditEntry
}

// ListAudit returns a page of audit entries, newest first, and the number
// of all matches.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntryRow, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if q := strings.TrimSpace(f.Actor); q != "" {
		where = append(where, "fold(actor_email) LIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(Fold(q))+"%")
	}
	if f.TargetType != "" {
		where = append(where, "target_type = ? AND target_id = ?")
		args = append(args, f.TargetType, f.TargetID)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, fmtTime(f.From))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < ?")
		args = append(args, fmtTime(f.Until))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit entries: %w", err)
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_email, action, target_type, COALESCE(target_id, 0),
		ip, user_agent, detail FROM audit_log WHERE `+w+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list audit entries: %w", err)
	}
	defer rows.Close()
	var out []AuditEntryRow
	for rows.Next() {
		var e AuditEntryRow
		var at sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorEmail, &e.Action, &e.TargetType, &e.TargetID,
			&e.IP, &e.UserAgent, &e.Detail); err != nil {
			return nil, 0, fmt.Errorf("store: list audit entries: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// AuditActions lists the distinct actions the audit log holds, sorted.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: audit actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
