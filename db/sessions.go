package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a stored login session (or an anonymous one that only holds a
// CSRF token for the login and registration forms).
type Session struct {
	IDHash     string
	UserID     int64 // 0 for an anonymous session
	CSRF       string
	Data       []byte
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

const sessionCols = `id_hash, COALESCE(user_id, 0), csrf, data, ip, user_agent, created_at, last_seen_at, expires_at`

func scanSession(r rowScanner) (Session, error) {
	var s Session
	var created, seen, expires sql.NullString
	err := r.Scan(&s.IDHash, &s.UserID, &s.CSRF, &s.Data, &s.IP, &s.UserAgent, &created, &seen, &expires)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	return s, err
}

// sessionUserCols reads a session and, through a LEFT JOIN, what pages
// and handlers use of its account (not the password hash, the lockout
// state or the dates: a handler that needs them loads the account with
// UserByID); the account's columns are 0 and empty strings when the
// session is anonymous. Every column here is read on every request.
const sessionUserCols = `s.id_hash, COALESCE(s.user_id, 0), s.csrf, s.data, s.created_at, s.last_seen_at, s.expires_at,
	COALESCE(u.id, 0), COALESCE(u.email, ''), COALESCE(u.full_name, ''), COALESCE(u.company, ''),
	COALESCE(u.position, ''), COALESCE(u.phone, ''), COALESCE(u.role, ''), COALESCE(u.status, ''), COALESCE(u.lang, ''),
	(SELECT count(*) FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL)`

// SessionAndUser returns a session by the hash of its id and, when it is
// logged in, its account and its unread notifications: this runs on every
// request of a logged-in person. The user is nil for an anonymous session.
//
// What it read is kept in memory with the shared auth counter it was read
// under, and served again while that counter stands: every committed
// change to sessions, accounts or notifications, by any instance, moves it
// on (see writerConnector), so a logout, a disabled account or an ended
// session takes effect on the very next request everywhere. Only the
// last-seen touch does not move it on: a kept LastSeenAt may be older
// than the stored one, never newer, so a session that looks idle must be
// checked again with SessionAndUserFresh before it is ended.
func (s *Store) SessionAndUser(ctx context.Context, hash string) (Session, *User, error) {
	at, shared := s.db.changes.authVersion()
	if shared {
		s.sessMu.RLock()
		k, ok := s.sessKept[hash]
		s.sessMu.RUnlock()
		if ok && k.at == at {
			return k.ses, k.userCopy(), nil
		}
	}
	return s.readAndKeepSession(ctx, hash, at, shared)
}

// SessionAndUserFresh is SessionAndUser read from the database, never
// from memory.
func (s *Store) SessionAndUserFresh(ctx context.Context, hash string) (Session, *User, error) {
	at, shared := s.db.changes.authVersion()
	return s.readAndKeepSession(ctx, hash, at, shared)
}

// readAndKeepSession reads a session and keeps it under the auth counter
// at, read before it, when the counter is shared.
func (s *Store) readAndKeepSession(ctx context.Context, hash string, at uint64, shared bool) (Session, *User, error) {
	ses, u, err := s.readSessionAndUser(ctx, hash)
	if err == nil && shared {
		s.keepSession(keptSession{at: at, ses: ses, user: u})
	}
	return ses, u, err
}

// keptSession is a session as read, with the auth counter read before it
// (a change committed while it was read has moved the counter past at).
type keptSession struct {
	at   uint64
	ses  Session
	user *User
}

// userCopy gives each request an account of its own to hold.
func (k keptSession) userCopy() *User {
	if k.user == nil {
		return nil
	}
	u := *k.user
	return &u
}

// maxKeptSessions bounds the sessions kept in memory; past it they are all
// dropped and read again as they come.
const maxKeptSessions = 50_000

func (s *Store) keepSession(k keptSession) {
	k.user = k.userCopy()
	s.sessMu.Lock()
	if s.sessKept == nil || len(s.sessKept) >= maxKeptSessions {
		s.sessKept = make(map[string]keptSession)
	}
	s.sessKept[k.ses.IDHash] = k
	s.sessMu.Unlock()
}

func (s *Store) readSessionAndUser(ctx context.Context, hash string) (Session, *User, error) {
	row := s.queryRow(ctx, `SELECT `+sessionUserCols+` FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, hash)
	var ses Session
	var created, seen, expires sql.NullString
	var u User
	err := row.Scan(&ses.IDHash, &ses.UserID, &ses.CSRF, &ses.Data, &created, &seen, &expires,
		&u.ID, &u.Email, &u.FullName, &u.Company, &u.Position, &u.Phone, &u.Role, &u.Status, &u.Lang, &u.Unread)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, nil, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, nil, fmt.Errorf("store: session: %w", err)
	}
	ses.CreatedAt, ses.LastSeenAt, ses.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	if u.ID == 0 {
		return ses, nil, nil
	}
	return ses, &u, nil
}

// SaveSession inserts or replaces a session.
func (s *Store) SaveSession(ctx context.Context, ses Session) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO sessions(id_hash, user_id, csrf, data, ip, user_agent, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id_hash) DO UPDATE SET user_id = excluded.user_id, csrf = excluded.csrf, data = excluded.data,
			ip = excluded.ip, user_agent = excluded.user_agent, last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at`,
		ses.IDHash, nullID(ses.UserID), ses.CSRF, ses.Data, ses.IP, truncate(ses.UserAgent, 400),
		fmtTime(ses.CreatedAt), fmtTime(ses.LastSeenAt), fmtTime(ses.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// TouchSession records that a session was used now, from ip. It does not
// retire the sessions kept in memory (see SessionAndUser): it moves this
// one's kept LastSeenAt on instead.
func (s *Store) TouchSession(ctx context.Context, hash string, now time.Time, ip string) error {
	_, err := s.db.Write.ExecContext(quietly(ctx), `UPDATE sessions SET last_seen_at = ?, ip = ? WHERE id_hash = ?`, fmtTime(now), ip, hash)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	s.sessMu.Lock()
	if k, ok := s.sessKept[hash]; ok {
		k.ses.LastSeenAt = now.UTC().Truncate(time.Microsecond) // as stored
		s.sessKept[hash] = k
	}
	s.sessMu.Unlock()
	return nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSession ends one of a user's sessions; ErrNotFound when the
// user has no such session.
func (t *Tx) DeleteUserSession(userID int64, hash string) error {
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM sessions WHERE id_hash = ? AND user_id = ?`, hash, userID)
	return checkOne(res, err, "end session of user", userID)
}

// DeleteUserSessions ends every session of a user except keepHash, and
// returns how many it ended.
func (t *Tx) DeleteUserSessions(userID int64, keepHash string) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, keepHash)
	if err != nil {
		return 0, fmt.Errorf("store: end sessions of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}

// UserSessions lists a user's sessions, most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		ses, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sessions of user %d: %w", userID, err)
		}
		out = append(out, ses)
	}
	return out, rows.Err()
}

// PurgeSessions deletes sessions past their absolute expiry or idle for
// longer than idle, and returns how many.
func (s *Store) PurgeSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	res, err := s.db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`,
		fmtTime(now), fmtTime(now.Add(-idle)))
	if err != nil {
		return 0, fmt.Errorf("store: purge sessions: %w", err)
	}
	return res.RowsAffected()
}

// CreateToken stores a one-time token's hash for a user; older unused
// tokens of the same purpose are retired, so only the newest link works.
func (t *Tx) CreateToken(userID int64, hash, purpose string, now time.Time, ttl time.Duration) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		fmtTime(now), userID, purpose); err != nil {
		return fmt.Errorf("store: retire tokens: %w", err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO tokens(hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, userID, purpose, fmtTime(now), fmtTime(now.Add(ttl))); err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// ErrTokenInvalid is returned for a token that is unknown, used or expired.
var ErrTokenInvalid = errors.New("token invalid")

// TokenUser returns the user of a valid (unused, unexpired) token without
// using it.
func (s *Store) TokenUser(ctx context.Context, hash, purpose string, now time.Time) (int64, error) {
	var uid int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT user_id FROM tokens WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
		hash, purpose, fmtTime(now)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrTokenInvalid
	}
	if err != nil {
		return 0, fmt.Errorf("store: token: %w", err)
	}
	return uid, nil
}

// UseToken marks a valid token used and returns its user; ErrTokenInvalid
// when it is unknown, used or expired. Two uses of one token: one wins.
func (t *Tx) UseToken(hash, purpose string, now time.Time) (int64, error) {
	var uid int64
	err := t.tx.QueryRowContext(t.ctx, `UPDATE tokens SET used_at = ? WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id`, fmtTime(now), hash, purpose, fmtTime(now)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrTokenInvalid
	}
	if err != nil {
		return 0, fmt.Errorf("store: use token: %w", err)
	}
	return uid, nil
}
