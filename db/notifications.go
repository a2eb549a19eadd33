package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// NotifyChoices are the notification preferences a person may choose.
var NotifyChoices = []string{"immediate", "digest", "none"}

// Notification is an entry of a person's in-app notification list.
type Notification struct {
	ID         int64
	UserID     int64
	Kind       string // stage, note, answer; offer_version, offer_expired, offer_withdrawn
	ProposalID int64  // 0 for an offer's entry
	OfferID    int64  // 0 for a proposal's entry
	// Title is the proposal's title, or the offer's model and trim names.
	Title     L10n
	Detail    string // the new stage for kind stage
	CreatedAt time.Time
	ReadAt    time.Time
}

// Notify adds an entry to a person's notification list. Only entries for
// the daily digest wait for it; the others are marked digested at once,
// so a person who switches to the digest later is not sent old news.
func (t *Tx) Notify(userID int64, kind string, proposalID int64, detail string, forDigest bool, now time.Time) error {
	var digested any = fmtTime(now)
	if forDigest {
		digested = nil
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO notifications(user_id, kind, proposal_id, detail, created_at, digested_at) VALUES (?, ?, ?, ?, ?, ?)`,
		userID, kind, proposalID, detail, fmtTime(now), digested)
	if err != nil {
		return fmt.Errorf("store: notify %d: %w", userID, err)
	}
	return nil
}

// offerTitle is an offer's title in a language as SQL: the model's name
// and, for a trim's offer, " · " and the trim's name; ” when the model
// has no name in it (the title falls back to another language).
func offerTitle(lang string) string {
	return `coalesce((SELECT name FROM model_texts WHERE model_id = o.model_id AND lang = '` + lang + `')
		|| coalesce(' · ' || (SELECT name FROM trim_texts WHERE trim_id = o.trim_id AND lang = '` + lang + `'), ''), '')`
}

var notificationCols = `n.id, n.user_id, n.kind, coalesce(n.proposal_id, 0), coalesce(n.offer_id, 0),
	coalesce(p.title_ru, ` + offerTitle("ru") + `), coalesce(p.title_en, ` + offerTitle("en") + `), coalesce(p.title_fa, ` + offerTitle("fa") + `),
	n.detail, n.created_at, n.read_at`

// notificationFrom joins a notification's proposal or offer, and keeps
// only entries about offers and about proposals the person still takes
// part in.
const notificationFrom = ` FROM notifications n LEFT JOIN proposals p ON p.id = n.proposal_id LEFT JOIN offers o ON o.id = n.offer_id
	WHERE (n.offer_id IS NOT NULL OR EXISTS (SELECT 1 FROM proposal_participants pp WHERE pp.proposal_id = n.proposal_id AND pp.user_id = n.user_id))`

func scanNotification(r rowScanner) (Notification, error) {
	var n Notification
	var created, read sql.NullString
	err := r.Scan(&n.ID, &n.UserID, &n.Kind, &n.ProposalID, &n.OfferID, &n.Title.RU, &n.Title.EN, &n.Title.FA, &n.Detail, &created, &read)
	n.CreatedAt, n.ReadAt = parseTime(created), parseTime(read)
	return n, err
}

// Notifications returns a person's newest notifications about offers and
// about proposals they still take part in.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	rows, err := s.query(ctx, `SELECT `+notificationCols+notificationFrom+`
		AND n.user_id = ? ORDER BY n.id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("store: notifications of %d: %w", userID, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadCount is how many notifications a person has not read.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unread of %d: %w", userID, err)
	}
	return n, nil
}

// MarkNotificationsRead marks all of a person's notifications read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.db.Write.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, fmtTime(now), userID)
	if err != nil {
		return fmt.Errorf("store: mark read for %d: %w", userID, err)
	}
	return nil
}

// NotifyPrefs is how a person wants to be told: the choice (immediate
// by default), and the hour of the day (0–23) and the time zone (an IANA
// name, "" for their language's zone) of their daily digest.
type NotifyPrefs struct {
	Notify     string
	DigestHour int
	TimeZone   string
}

// DefaultNotifyPrefs are the preferences of someone who chose nothing:
// mail at once; a digest at 9:00 in their language's zone.
var DefaultNotifyPrefs = NotifyPrefs{Notify: "immediate", DigestHour: 9}

// NotifyPrefs reads a person's notification preferences.
func (s *Store) NotifyPrefs(ctx context.Context, userID int64) (NotifyPrefs, error) {
	var p NotifyPrefs
	err := s.queryRow(ctx, `SELECT notify, digest_hour, time_zone FROM user_prefs WHERE user_id = ?`, userID).Scan(&p.Notify, &p.DigestHour, &p.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultNotifyPrefs, nil
	}
	if err != nil {
		return NotifyPrefs{}, fmt.Errorf("store: preferences of %d: %w", userID, err)
	}
	return p, nil
}

// SetNotifyPrefs stores a person's notification preferences.
func (t *Tx) SetNotifyPrefs(userID int64, p NotifyPrefs) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO user_prefs(user_id, notify, digest_hour, time_zone) VALUES (?, ?, ?, ?)
		ON CONFLICT(user_id) DO UPDATE SET notify = excluded.notify, digest_hour = excluded.digest_hour, time_zone = excluded.time_zone`,
		userID, p.Notify, p.DigestHour, p.TimeZone)
	if err != nil {
		return fmt.Errorf("store: set preferences of %d: %w", userID, err)
	}
	return nil
}

// SetNotifyPref stores a person's choice alone, keeping the hour and time
// zone of their digest.
func (t *Tx) SetNotifyPref(userID int64, notify string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO user_prefs(user_id, notify) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET notify = excluded.notify`,
		userID, notify)
	if err != nil {
		return fmt.Errorf("store: set preference of %d: %w", userID, err)
	}
	return nil
}

// DigestUser is a person waiting for a daily digest, with its hour and
// time zone.
type DigestUser struct {
	User
	DigestHour int
	TimeZone   string
}

// DigestPending reports whether any notification waits for a digest.
func (s *Store) DigestPending(ctx context.Context) (bool, error) {
	var pending bool
	if err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notifications WHERE digested_at IS NULL)`).Scan(&pending); err != nil {
		return false, fmt.Errorf("store: digests pending: %w", err)
	}
	return pending, nil
}

// DigestUsers lists the active people who chose the daily digest and have
// notifications that no digest carried yet.
func (t *Tx) DigestUsers() ([]DigestUser, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+userCols+`, up.digest_hour, up.time_zone FROM users
		JOIN user_prefs up ON up.user_id = users.id AND up.notify = 'digest'
		WHERE users.status = 'active' AND users.id IN (SELECT n.user_id FROM notifications n WHERE n.digested_at IS NULL)
		ORDER BY users.id`)
	if err != nil {
		return nil, fmt.Errorf("store: digest users: %w", err)
	}
	defer rows.Close()
	var out []DigestUser
	for rows.Next() {
		var d DigestUser
		u, err := scanUser(scanWith{rows, []any{&d.DigestHour, &d.TimeZone}})
		if err != nil {
			return nil, fmt.Errorf("store: digest users: %w", err)
		}
		d.User = u
		out = append(out, d)
	}
	return out, rows.Err()
}

// TakeDigest returns a person's notifications for the digest due at upTo
// (made at or before upTo, not yet digested, about offers and proposals
// they take part in) and marks every one made by then digested at now, in
// the transaction that queues the mail: a digest is never sent twice, a
// restart included.
func (t *Tx) TakeDigest(userID int64, upTo, now time.Time) ([]Notification, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+notificationCols+notificationFrom+`
		AND n.user_id = ? AND n.digested_at IS NULL AND n.created_at <= ? ORDER BY n.id`, userID, fmtTime(upTo))
	if err != nil {
		return nil, fmt.Errorf("store: digest of %d: %w", userID, err)
	}
	var out []Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: digest of %d: %w", userID, err)
		}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE notifications SET digested_at = ? WHERE user_id = ? AND digested_at IS NULL AND created_at <= ?`,
		fmtTime(now), userID, fmtTime(upTo))
	if err != nil {
		return nil, fmt.Errorf("store: mark digest of %d: %w", userID, err)
	}
	return out, nil
}

// SetFeedToken stores (replacing any) the hash of a participant's feed
// token for a proposal; ErrNotFound when they do not take part.
func (t *Tx) SetFeedToken(proposalID, userID int64, tokenHash string, now time.Time) error {
	t.proposalChanged(proposalID)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO feed_tokens(proposal_id, user_id, token_hash, created_at)
		SELECT proposal_id, user_id, ?, ? FROM proposal_participants WHERE proposal_id = ? AND user_id = ?
		ON CONFLICT(proposal_id, user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		tokenHash, fmtTime(now), proposalID, userID)
	if err != nil {
		return fmt.Errorf("store: feed token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: feed token of %d: %w", proposalID, ErrNotFound)
	}
	return nil
}

// RevokeFeedToken deletes a participant's feed token for a proposal.
func (t *Tx) RevokeFeedToken(proposalID, userID int64) error {
	t.proposalChanged(proposalID)
	_, err := t.tx.ExecContext(t.ctx, `DELETE FROM feed_tokens WHERE proposal_id = ? AND user_id = ?`, proposalID, userID)
	if err != nil {
		return fmt.Errorf("store: revoke feed token: %w", err)
	}
	return nil
}

// HasFeedToken reports whether a participant has a live feed token.
func (s *Store) HasFeedToken(ctx context.Context, proposalID, userID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM feed_tokens WHERE proposal_id = ? AND user_id = ?`, proposalID, userID).Scan(&n)
	return n > 0, err
}

// FeedViewer returns the participant a feed token belongs to, for the
// proposal it names and only while they take part and have accepted the
// NDA; ErrNotFound otherwise.
func (s *Store) FeedViewer(ctx context.Context, proposalID int64, tokenHash string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE status = 'active' AND id = (
		SELECT f.user_id FROM feed_tokens f JOIN proposal_participants pp ON pp.proposal_id = f.proposal_id AND pp.user_id = f.user_id
		JOIN proposals p ON p.id = f.proposal_id
		JOIN nda_acceptances n ON n.proposal_id = p.id AND n.user_id = f.user_id AND n.nda_version = p.nda_version
		WHERE f.proposal_id = ? AND f.token_hash = ? LIMIT 1)`, proposalID, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: feed token: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: feed token: %w", err)
	}
	return u, nil
}

// scanWith scans a row into a scanner's destinations and then extra ones,
// for queries that add columns to a shared column list.
type scanWith struct {
	r     rowScanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }
