package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Mail is a message to send.
type Mail struct {
	ID        int64
	MessageID string
	To        string
	ToName    string
	Lang      string
	Subject   string
	Text      string
	HTML      string
	CreatedAt time.Time
	Status    string
	Attempts  int
	NextAt    time.Time
	SentAt    time.Time
	LastError string
}

// EnqueueMail writes a message to the outbox in the transaction, so it is
// sent if and only if the change that causes it commits.
func (t *Tx) EnqueueMail(m Mail, now time.Time) error {
	if m.MessageID == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		m.MessageID = hex.EncodeToString(b[:])
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO outbox(message_id, to_addr, to_name, lang, subject, text_body, html_body, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.MessageID, m.To, m.ToName, m.Lang, m.Subject, m.Text, m.HTML, fmtTime(now), fmtTime(now))
	if err != nil {
		return fmt.Errorf("store: enqueue mail: %w", err)
	}
	return nil
}

const mailCols = `id, message_id, to_addr, to_name, lang, subject, text_body, html_body, created_at, status, attempts, next_attempt_at, sent_at, last_error`

func scanMail(r rowScanner) (Mail, error) {
	var m Mail
	var created, next, sent sql.NullString
	err := r.Scan(&m.ID, &m.MessageID, &m.To, &m.ToName, &m.Lang, &m.Subject, &m.Text, &m.HTML, &created, &m.Status, &m.Attempts, &next, &sent, &m.LastError)
	m.CreatedAt, m.NextAt, m.SentAt = parseTime(created), parseTime(next), parseTime(sent)
	return m, err
}

// ClaimMail takes the oldest message due for sending and marks it as being
// sent, so two senders never take the same one. ErrNotFound when none is
// due. A message left 'sending' by a crash is due again after stale.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, stale time.Duration) (Mail, error) {
	var m Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanMail(tx.QueryRowContext(ctx, `SELECT `+mailCols+` FROM outbox
			WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND next_attempt_at <= ?)
			ORDER BY next_attempt_at, id LIMIT 1`, fmtTime(now), fmtTime(now.Add(-stale))))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`, fmtTime(now), m.ID)
		m.Attempts++
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Mail{}, ErrNotFound
	}
	if err != nil {
		return Mail{}, fmt.Errorf("store: claim mail: %w", err)
	}
	return m, nil
}

// MarkMailSent records that the SMTP server accepted the message.
func (s *Store) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.Write.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, fmtTime(now), id)
	if err != nil {
		return fmt.Errorf("store: mark mail %d sent: %w", id, err)
	}
	return nil
}

// MarkMailRetry records a failed attempt and when to try again; after
// maxAttempts the message is marked failed (and stays for an admin to see).
func (s *Store) MarkMailRetry(ctx context.Context, id int64, errText string, next time.Time, failed bool) error {
	status := "queued"
	if failed {
		status = "failed"
	}
	_, err := s.db.Write.ExecContext(ctx, `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		status, truncate(errText, 1000), fmtTime(next), id)
	if err != nil {
		return fmt.Errorf("store: mark mail %d for retry: %w", id, err)
	}
	return nil
}

// ListMail returns the newest messages of the outbox, for the dev mailbox.
func (s *Store) ListMail(ctx context.Context, limit int) ([]Mail, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+mailCols+` FROM outbox ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list mail: %w", err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list mail: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MailByID returns one message of the outbox.
func (s *Store) MailByID(ctx context.Context, id int64) (Mail, error) {
	m, err := scanMail(s.db.Read.QueryRowContext(ctx, `SELECT `+mailCols+` FROM outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Mail{}, fmt.Errorf("store: mail %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Mail{}, fmt.Errorf("store: mail %d: %w", id, err)
	}
	return m, nil
}
