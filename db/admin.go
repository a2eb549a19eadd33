package db

import (
	"context"
	"fmt"
)

// PendingUsers returns a page of the accounts waiting for approval (email
// confirmed), oldest first so the queue is worked in order, and how many
// wait in all.
func (s *Store) PendingUsers(ctx context.Context, page, perPage int) ([]User, int, error) {
	if perPage <= 0 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	var total int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE status = 'pending'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count pending users: %w", err)
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE status = 'pending'
		ORDER BY COALESCE(email_confirmed_at, created_at), id LIMIT ? OFFSET ?`, perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("store: pending users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: pending users: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CountUsersByStatus returns how many accounts are in each status; every
// status of UserStatuses is present, zero when none.
func (s *Store) CountUsersByStatus(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(UserStatuses))
	for _, st := range UserStatuses {
		out[st] = 0
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT status, count(*) FROM users GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count users by status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count users by status: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// CountUserSessions returns how many sessions a user has open (expired
// ones not yet purged included).
func (s *Store) CountUserSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = ?`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count sessions of user %d: %w", userID, err)
	}
	return n, nil
}
