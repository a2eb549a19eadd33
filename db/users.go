package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Roles of accounts, from least to most trusted. A visitor has no account.
var Roles = []string{"investor", "partner", "staff", "admin"}

// UserStatuses are the states of an account.
var UserStatuses = []string{"unconfirmed", "pending", "active", "rejected", "disabled"}

// ErrEmailTaken is returned when an account with that email exists.
var ErrEmailTaken = errors.New("email taken")

// User is an account.
type User struct {
	ID               int64
	Email            string
	PasswordHash     string
	FullName         string
	Company          string
	Position         string
	Phone            string
	Role             string
	Status           string
	Lang             string
	RejectReason     string
	EmailConfirmedAt time.Time
	DecidedAt        time.Time
	FailedLogins     int
	FirstFailedAt    time.Time
	LockedUntil      time.Time
	CreatedAt        time.Time
	// Unread is the account's unread notifications, filled only where a
	// session is read with its account.
	Unread int
}

// FoldEmail is the stored form of an email address: trimmed, lower case.
func FoldEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const userCols = `id, email, password_hash, full_name, company, position, phone, role, status, lang, reject_reason,
	email_confirmed_at, decided_at, failed_logins, first_failed_at, locked_until, created_at`

type rowScanner interface{ Scan(...any) error }

func scanUser(r rowScanner) (User, error) {
	var u User
	var confirmed, decided, firstFailed, locked, created sql.NullString
	err := r.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.FullName, &u.Company, &u.Position, &u.Phone, &u.Role, &u.Status,
		&u.Lang, &u.RejectReason, &confirmed, &decided, &u.FailedLogins, &firstFailed, &locked, &created)
	u.EmailConfirmedAt = parseTime(confirmed)
	u.DecidedAt = parseTime(decided)
	u.FirstFailedAt = parseTime(firstFailed)
	u.LockedUntil = parseTime(locked)
	u.CreatedAt = parseTime(created)
	return u, err
}

// UserByID returns an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns an account by email, compared folded.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.Read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, FoldEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user by email: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// UserByID reads an account inside the transaction.
func (t *Tx) UserByID(id int64) (User, error) {
	u, err := scanUser(t.tx.QueryRowContext(t.ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail reads an account by email inside the transaction.
func (t *Tx) UserByEmail(email string) (User, error) {
	u, err := scanUser(t.tx.QueryRowContext(t.ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, FoldEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user by email: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// NewUser is what creating an account takes.
type NewUser struct {
	Email, PasswordHash, FullName, Company, Position, Phone string
	Role, Status, Lang                                      string
	Now                                                     time.Time
}

// CreateUser inserts an account and returns its id; ErrEmailTaken when the
// email is in use.
func (t *Tx) CreateUser(u NewUser) (int64, error) {
	now := fmtTime(u.Now)
	var confirmed any
	if u.Status == "active" || u.Status == "pending" {
		confirmed = now
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO users(email, password_hash, full_name, company, position, phone, role, status, lang, email_confirmed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		FoldEmail(u.Email), u.PasswordHash, u.FullName, u.Company, u.Position, u.Phone, u.Role, u.Status, u.Lang, confirmed, now, now)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: users.email") {
			return 0, ErrEmailTaken
		}
		return 0, fmt.Errorf("store: create user: %w", err)
	}
	return res.LastInsertId()
}

// SetUserStatus changes an account's status, with the reason for a
// rejection and who decided.
func (t *Tx) SetUserStatus(id int64, status, reason string, by int64, now time.Time) error {
	var decided any
	if status == "active" || status == "rejected" {
		decided = fmtTime(now)
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE users SET status = ?, reject_reason = ?, decided_at = COALESCE(?, decided_at),
		decided_by = COALESCE(?, decided_by), updated_at = ? WHERE id = ?`, status, reason, decided, nullID(by), fmtTime(now), id)
	return checkOne(res, err, "set status of user", id)
}

// ConfirmUserEmail marks the email confirmed and the account pending.
func (t *Tx) ConfirmUserEmail(id int64, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE users SET status = 'pending', email_confirmed_at = ?, updated_at = ? WHERE id = ? AND status = 'unconfirmed'`,
		fmtTime(now), fmtTime(now), id)
	return checkOne(res, err, "confirm user", id)
}

// SetUserRole changes an account's role.
func (t *Tx) SetUserRole(id int64, role string, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, fmtTime(now), id)
	return checkOne(res, err, "set role of user", id)
}

// SetUserPassword stores a new password hash and clears any lockout.
func (t *Tx) SetUserPassword(id int64, hash string, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, first_failed_at = NULL, locked_until = NULL, updated_at = ? WHERE id = ?`,
		hash, fmtTime(now), id)
	return checkOne(res, err, "set password of user", id)
}

// SetUserLang stores the account's preferred language.
func (t *Tx) SetUserLang(id int64, lang string, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE users SET lang = ?, updated_at = ? WHERE id = ?`, lang, fmtTime(now), id)
	return checkOne(res, err, "set language of user", id)
}

// RecordLoginFailure counts a failed login; after limit failures within
// window the account is locked until now+lock. It returns whether the
// account is now locked.
func (t *Tx) RecordLoginFailure(id int64, now time.Time, limit int, window, lock time.Duration) (bool, error) {
	u, err := t.UserByID(id)
	if err != nil {
		return false, err
	}
	failed, first := u.FailedLogins+1, u.FirstFailedAt
	if first.IsZero() || now.Sub(first) > window {
		failed, first = 1, now
	}
	var locked any
	if failed >= limit {
		locked = fmtTime(now.Add(lock))
		failed, first = 0, time.Time{}
	}
	var firstS any
	if !first.IsZero() {
		firstS = fmtTime(first)
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE users SET failed_logins = ?, first_failed_at = ?, locked_until = COALESCE(?, locked_until) WHERE id = ?`,
		failed, firstS, locked, id)
	if err != nil {
		return false, fmt.Errorf("store: login failure of user %d: %w", id, err)
	}
	return locked != nil, nil
}

// ClearLoginFailures resets the failure count after a good login.
func (t *Tx) ClearLoginFailures(id int64) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: clear login failures of user %d: %w", id, err)
	}
	return nil
}

// UserFilter selects accounts for the admin list.
type UserFilter struct {
	Query   string // matched against name, email and company, folded
	Role    string
	Status  string
	Page    int
	PerPage int
}

// ListUsers returns a page of accounts, newest first, and the number of
// all matches. The search folds case in Go terms (Cyrillic included) by
// comparing against a folded copy built in SQL from stored lower-case
// email and a Go-side fold of the query.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.Role != "" {
		where = append(where, "role = ?")
		args = append(args, f.Role)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(fold(email) LIKE ? ESCAPE '\\' OR fold(full_name) LIKE ? ESCAPE '\\' OR fold(company) LIKE ? ESCAPE '\\')")
		pat := "%" + likeEscape(Fold(q)) + "%"
		args = append(args, pat, pat, pat)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count users: %w", err)
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE `+w+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func checkOne(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s %d: %w", what, id, ErrNotFound)
	}
	return nil
}
