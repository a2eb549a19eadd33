package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ikco/partner-portal/db"
)

// MailerConfig is how the outbox sender reaches the SMTP server.
type MailerConfig struct {
	// Host is the SMTP server's name; empty means no SMTP server: mail
	// stays in the outbox, where admins read it on the dev mailbox page.
	Host string
	// Port is the SMTP server's port (587 for submission with STARTTLS).
	Port int
	// Username and Password, when Username is set, log in with AUTH PLAIN
	// (only over TLS, or to a server on loopback).
	Username, Password string
	// StartTLS requires STARTTLS: a server that does not offer it is an
	// error. Without it, STARTTLS is still used whenever it is offered.
	StartTLS bool
	// From is the sender's address; FromName its display name.
	From     string
	FromName string
	// HeloName is the name given in EHLO; the machine's host name when
	// empty.
	HeloName string
	// MaxAttempts is how many times a message is tried before it is
	// marked failed (10 when 0).
	MaxAttempts int
	// TLSConfig is used for STARTTLS; nil verifies the server's
	// certificate for Host against the system's roots.
	TLSConfig *tls.Config
	// Timeout bounds dialing and each message's SMTP conversation (30 s
	// when 0).
	Timeout time.Duration
	// PollInterval is how often the outbox is looked at without a wake-up
	// (5 s when 0).
	PollInterval time.Duration
}

// Outbox sender defaults and limits.
const (
	defaultMaxAttempts  = 10
	defaultSMTPTimeout  = 30 * time.Second
	defaultPollInterval = 5 * time.Second
	retryBase           = 30 * time.Second
	retryCap            = time.Hour
	// claimStale is when a message left 'sending' (the sender crashed or
	// was killed mid-send) is taken again. It is well above the longest a
	// send can take (dial plus conversation timeouts), so a slow send in
	// progress is never taken twice.
	claimStale = 10 * time.Minute
)

// Mailer sends the outbox: it claims due messages one by one, sends each
// to the configured SMTP server and records the outcome, retrying failures
// with exponential backoff. A message is marked sent only after the
// server accepted it, so none is lost; one accepted but not yet marked
// when the process dies is sent again after claimStale, with the same
// Message-ID (see buildMessage).
type Mailer struct {
	store *db.Store
	cfg   MailerConfig
	log   *slog.Logger
	now   func() time.Time
	wake  chan struct{}
}

// NewMailer builds the outbox sender; now is its clock (tests inject
// their own).
func NewMailer(store *db.Store, cfg MailerConfig, logger *slog.Logger, now func() time.Time) *Mailer {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = defaultMaxAttempts
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultSMTPTimeout
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPollInterval
	}
	if cfg.HeloName == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			cfg.HeloName = h
		} else {
			cfg.HeloName = "localhost"
		}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Mailer{store: store, cfg: cfg, log: logger, now: now, wake: make(chan struct{}, 1)}
}

// Wake is the channel the server signals (without blocking) after it
// queued a mail, so the mail leaves at once instead of at the next poll.
func (m *Mailer) Wake() chan<- struct{} { return m.wake }

// Run sends the outbox until ctx ends: everything due, then again when
// woken or after the poll interval. With no SMTP host configured it
// returns at once and mail stays queued.
func (m *Mailer) Run(ctx context.Context) {
	if m.cfg.Host == "" {
		m.log.Info("mail: no SMTP server configured; mail stays in the outbox (dev mailbox)")
		return
	}
	m.log.Info("mail: sender started", "host", m.cfg.Host, "port", m.cfg.Port)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-t.C:
		}
		if _, err := m.sendDue(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("mail: sending stopped for now", "err", err)
		}
		t.Reset(m.cfg.PollInterval)
	}
}

// sendDue sends every message due now and returns how many the server
// accepted. It stops early, with the error, when the server cannot be
// reached: the next messages wait for the next round instead of each
// spending an attempt on the same outage.
func (m *Mailer) sendDue(ctx context.Context) (int, error) {
	// Outcomes are recorded even when ctx ends mid-send: a message the
	// server accepted must be marked sent, or it would go out twice.
	mark := context.WithoutCancel(ctx)
	var sess *smtpSession
	defer func() {
		if sess != nil {
			sess.quit()
		}
	}()
	sent := 0
	for ctx.Err() == nil {
		msg, err := m.store.ClaimMail(ctx, m.now(), claimStale)
		if errors.Is(err, db.ErrNotFound) {
			return sent, nil
		}
		if err != nil {
			return sent, err
		}
		if sess == nil {
			sess, err = m.dial(ctx)
			if err != nil {
				m.retry(mark, msg, err)
				return sent, err
			}
		}
		if err := sess.send(ctx, m.cfg.From, msg.To, m.buildMessage(msg)); err != nil {
			// The connection may be in any state after an error: start
			// afresh for the next message.
			sess.close()
			sess = nil
			m.retry(mark, msg, err)
			continue
		}
		if err := m.store.MarkMailSent(mark, msg.ID, m.now()); err != nil {
			return sent, err
		}
		sent++
		m.log.Info("mail: sent", "outbox_id", msg.ID, "message_id", msg.MessageID, "attempt", msg.Attempts)
	}
	return sent, ctx.Err()
}

// retry records a failed attempt: the message is tried again after the
// backoff, or marked failed after MaxAttempts.
func (m *Mailer) retry(ctx context.Context, msg db.Mail, sendErr error) {
	failed := msg.Attempts >= m.cfg.MaxAttempts
	next := m.now().Add(retryDelay(msg.Attempts))
	if err := m.store.MarkMailRetry(ctx, msg.ID, sendErr.Error(), next, failed); err != nil {
		m.log.Error("mail: recording a failed attempt", "outbox_id", msg.ID, "err", err)
		return
	}
	if failed {
		m.log.Error("mail: failed for good", "outbox_id", msg.ID, "attempts", msg.Attempts, "err", sendErr)
		return
	}
	m.log.Warn("mail: attempt failed", "outbox_id", msg.ID, "attempt", msg.Attempts, "next_attempt", next, "err", sendErr)
}

// retryDelay is the wait after the given number of failed attempts:
// 30 s, 1 min, 2 min, … up to an hour.
func retryDelay(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := retryBase
	for i := 1; i < attempts && d < retryCap; i++ {
		d *= 2
	}
	return min(d, retryCap)
}

// smtpSession is one connection to the SMTP server, after EHLO, STARTTLS
// and AUTH, ready for messages.
type smtpSession struct {
	conn    net.Conn
	client  *smtp.Client
	timeout time.Duration
}

// dial connects, greets, starts TLS and logs in.
func (m *Mailer) dial(ctx context.Context) (*smtpSession, error) {
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	d := net.Dialer{Timeout: m.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail: connect to %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(m.cfg.Timeout))
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: greeting from %s: %w", addr, err)
	}
	s := &smtpSession{conn: conn, client: c, timeout: m.cfg.Timeout}
	fail := func(step string, err error) (*smtpSession, error) {
		s.close()
		return nil, fmt.Errorf("mail: %s with %s: %w", step, addr, err)
	}
	if err := c.Hello(m.cfg.HeloName); err != nil {
		return fail("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := m.cfg.TLSConfig.Clone()
		if tc == nil {
			tc = &tls.Config{}
		}
		if tc.ServerName == "" {
			tc.ServerName = m.cfg.Host
		}
		if err := c.StartTLS(tc); err != nil {
			return fail("STARTTLS", err)
		}
	} else if m.cfg.StartTLS {
		return fail("STARTTLS", errors.New("the server does not offer STARTTLS, which is required"))
	}
	if m.cfg.Username != "" {
		// net/smtp's PLAIN refuses to send the password unencrypted except
		// to a server on loopback.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)); err != nil {
			return fail("AUTH", err)
		}
	}
	return s, nil
}

// send delivers one message to one recipient.
func (s *smtpSession) send(ctx context.Context, from, to string, msg []byte) error {
	_ = s.conn.SetDeadline(time.Now().Add(s.timeout))
	// Ending ctx interrupts a conversation stuck on a slow server.
	stop := context.AfterFunc(ctx, func() { _ = s.conn.SetDeadline(time.Now()) })
	defer stop()
	if _, err := mail.ParseAddress(to); err != nil {
		return fmt.Errorf("mail: recipient %q: %w", to, err)
	}
	if err := s.client.Mail(from); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := s.client.Rcpt(to); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := s.client.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end of DATA: %w", err)
	}
	return nil
}

// quit ends the session politely.
func (s *smtpSession) quit() {
	_ = s.conn.SetDeadline(time.Now().Add(s.timeout))
	if err := s.client.Quit(); err != nil {
		s.close()
	}
}

func (s *smtpSession) close() { _ = s.client.Close() }

// buildMessage writes the message as MIME: multipart/alternative with the
// text and the HTML part, both UTF-8 quoted-printable, and RFC 2047
// encoded headers so Cyrillic and Persian subjects and names survive.
//
// The Message-ID is derived from the outbox row, not made up per attempt:
// if the process dies after the server accepted a message but before it
// was marked sent, the message is sent again after a restart, and the
// same Message-ID lets receiving systems recognise and drop the copy.
func (m *Mailer) buildMessage(msg db.Mail) []byte {
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k + ": " + v + "\r\n")
	}
	domain := "localhost"
	if i := strings.LastIndexByte(m.cfg.From, '@'); i >= 0 && i+1 < len(m.cfg.From) {
		domain = m.cfg.From[i+1:]
	}
	header("Date", m.now().Format(time.RFC1123Z))
	header("From", (&mail.Address{Name: m.cfg.FromName, Address: m.cfg.From}).String())
	header("To", (&mail.Address{Name: msg.ToName, Address: msg.To}).String())
	header("Subject", encodeHeader(msg.Subject))
	header("Message-ID", "<outbox-"+msg.MessageID+"@"+domain+">")
	header("Content-Language", msg.Lang)
	// RFC 3834: no out-of-office replies to mail a machine sent.
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	mw := multipart.NewWriter(&b)
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	writePart(mw, "text/plain; charset=utf-8", msg.Text)
	writePart(mw, "text/html; charset=utf-8", msg.HTML)
	_ = mw.Close()
	return b.Bytes()
}

// encodeHeader encodes a header value as RFC 2047 words when it is not
// plain ASCII (which also neutralises line breaks), folding between words
// so lines stay short.
func encodeHeader(v string) string {
	return strings.ReplaceAll(mime.QEncoding.Encode("utf-8", v), "?= =?", "?=\r\n =?")
}

func writePart(mw *multipart.Writer, contentType, body string) {
	// Writes go to a bytes.Buffer and cannot fail.
	pw, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	qw := quotedprintable.NewWriter(pw)
	_, _ = qw.Write([]byte(body))
	_ = qw.Close()
}
