package web

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// smtpRecorder is an SMTP server backend that keeps what it receives. It
// requires AUTH when user is set and refuses every recipient when
// rejectRcpt is set.
type smtpRecorder struct {
	mu         sync.Mutex
	msgs       []receivedMail
	user, pass string
	rejectRcpt bool
}

// receivedMail is one message as the server received it.
type receivedMail struct {
	From string
	To   []string
	Data []byte
	// TLS is whether the connection was encrypted when the data came.
	TLS bool
	// Authed is whether the client had logged in.
	Authed bool
}

func (b *smtpRecorder) received() []receivedMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]receivedMail(nil), b.msgs...)
}

func (b *smtpRecorder) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpRecorderSession{be: b, conn: c}, nil
}

type smtpRecorderSession struct {
	be     *smtpRecorder
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (s *smtpRecorderSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpRecorderSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if s.be.user == "" || user != s.be.user || pass != s.be.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpRecorderSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.be.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpRecorderSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *smtpRecorderSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.be.mu.Lock()
	defer s.be.mu.Unlock()
	s.be.msgs = append(s.be.msgs, receivedMail{From: s.from, To: s.to, Data: data, TLS: isTLS, Authed: s.authed})
	return nil
}

func (s *smtpRecorderSession) Reset() { s.from, s.to = "", nil }

func (s *smtpRecorderSession) Logout() error { return nil }

// startSMTP runs an SMTP server on addr ("127.0.0.1:0" for any port) until
// the test ends, offering STARTTLS when tc is set, and returns its port
// and a function that stops it.
func startSMTP(t testing.TB, be *smtpRecorder, addr string, tc *tls.Config) (int, func()) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true // loopback only
	srv.ReadTimeout = 5 * time.Second
	srv.WriteTimeout = 5 * time.Second
	srv.TLSConfig = tc
	srv.ErrorLog = quietLogger{}
	go func() { _ = srv.Serve(l) }()
	var once sync.Once
	stop := func() { once.Do(func() { _ = srv.Close() }) }
	t.Cleanup(stop)
	return l.Addr().(*net.TCPAddr).Port, stop
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
func (quietLogger) Println(...any)        {}

// newTestClock starts a second ahead of the real clock (so mail queued
// now is due), on a whole second, as the outbox stores microseconds and
// the Date header seconds.
func newTestClock() *clock {
	return &clock{t: time.Now().Add(time.Second).Truncate(time.Second)}
}

const (
	testFrom     = "portal@ikco-export.test"
	testFromName = "Экспорт Iran Khodro"
)

// newTestMailer builds a mailer for the SMTP server on port of loopback,
// logging into logs when it is not nil.
func newTestMailer(store *db.Store, port int, clock *clock, logs io.Writer, mods ...func(*MailerConfig)) *Mailer {
	cfg := MailerConfig{Host: "127.0.0.1", Port: port, From: testFrom, FromName: testFromName,
		HeloName: "portal.test", Timeout: 5 * time.Second}
	for _, m := range mods {
		m(&cfg)
	}
	if logs == nil {
		logs = io.Discard
	}
	now := time.Now
	if clock != nil {
		now = clock.now
	}
	return NewMailer(store, cfg, slog.New(slog.NewTextHandler(logs, nil)), now)
}

// registerThrough registers an investor through the router with the given
// language for mails.
func registerThrough(t testing.TB, ts *testServer, ip, email, lang string) {
	t.Helper()
	cl := ts.newClient()
	cl.ip = ip
	res := cl.submit(t, "/en/register", "/en/register", url.Values{
		"full_name": {"Иван Петров"}, "company": {"ООО «Тест»"}, "position": {"Директор"}, "email": {email},
		"phone": {"+7 912 345-67-89"}, "password": {testPassword}, "role": {"investor"}, "lang": {lang},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register %s: %d\n%s", email, res.StatusCode, res.Body)
	}
}

// queueTestMail queues a mail with a link, as a handler would.
func queueTestMail(t testing.TB, ts *testServer, email, lang string) db.Mail {
	t.Helper()
	ctx := context.Background()
	err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		return ts.sendMail(tx, recipient{Email: email, Name: "Test Person", Lang: lang},
			mailSpec{Kind: "confirm", Link: ts.absURL(i18n.HrefLang(lang, "/confirm") + "?token=test-" + randomToken(8))})
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := ts.store.ListMail(ctx, 1)
	if err != nil || len(list) == 0 {
		t.Fatalf("no queued mail: %v", err)
	}
	return list[0]
}

// outbox returns every message of the outbox, newest first.
func outbox(t testing.TB, store *db.Store) []db.Mail {
	t.Helper()
	list, err := store.ListMail(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func mailByID(t testing.TB, store *db.Store, id int64) db.Mail {
	t.Helper()
	m, err := store.MailByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sendDue runs one round of the mailer and checks how many it sent.
func sendDue(t testing.TB, m *Mailer, want int, wantErr bool) {
	t.Helper()
	n, err := m.sendDue(context.Background())
	if n != want || (err != nil) != wantErr {
		t.Fatalf("sendDue = %d, %v; want %d, error %v", n, err, want, wantErr)
	}
}

// parsedMail is a received message taken apart as a mail client would.
type parsedMail struct {
	Header  mail.Header
	Subject string
	Text    string
	HTML    string
	// Parts are the parts' content types, in order.
	Parts []string
}

func parseMail(t testing.TB, data []byte) parsedMail {
	t.Helper()
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long", i+1, len(line))
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsedMail{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	if v := msg.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q", v)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if cte := part.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part %q: Content-Transfer-Encoding %q", part.Header.Get("Content-Type"), cte)
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\r\n") {
			if len(line) > 76 {
				t.Errorf("quoted-printable line of %d bytes: %q", len(line), line)
			}
		}
		body, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		ct := part.Header.Get("Content-Type")
		p.Parts = append(p.Parts, ct)
		switch ct {
		case "text/plain; charset=utf-8":
			p.Text = string(body)
		case "text/html; charset=utf-8":
			p.HTML = string(body)
		}
	}
	return p
}

var confirmLink = regexp.MustCompile(`http://portal\.test/(ru|en|fa)/confirm\?token=[A-Za-z0-9_-]+`)

// TestMailerDeliversRegistrationMail registers through the router and
// reads the confirmation mail as the SMTP server received it: one MIME
// message in the recipient's language whose link opens the confirmation
// page.
func TestMailerDeliversRegistrationMail(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			be := &smtpRecorder{}
			port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
			email := "ivan-" + lang + "@example.ru"
			registerThrough(t, ts, "192.0.2.21", email, lang)

			queued := outbox(t, ts.store)
			if len(queued) != 1 {
				t.Fatalf("outbox has %d messages after a registration, want 1", len(queued))
			}
			clock := newTestClock()
			var logs bytes.Buffer
			sendDue(t, newTestMailer(ts.store, port, clock, &logs), 1, false)

			got := be.received()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			rm := got[0]
			if rm.From != testFrom || len(rm.To) != 1 || rm.To[0] != email {
				t.Errorf("envelope from %q to %q, want %q to %q", rm.From, rm.To, testFrom, email)
			}
			pm := parseMail(t, rm.Data)
			loc := i18n.MustLoad().Locale(lang)
			if want := loc.T("mail.confirm.subject"); pm.Subject != want {
				t.Errorf("subject %q, want %q", pm.Subject, want)
			}
			if cyr := strings.IndexFunc(pm.Subject, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0; cyr != (lang == "ru") {
				t.Errorf("subject %q: Cyrillic %v in a %s mail", pm.Subject, cyr, lang)
			}
			if want := []string{"text/plain; charset=utf-8", "text/html; charset=utf-8"}; strings.Join(pm.Parts, "|") != strings.Join(want, "|") {
				t.Errorf("parts %q, want %q", pm.Parts, want)
			}
			if cl := pm.Header.Get("Content-Language"); cl != lang {
				t.Errorf("Content-Language %q, want %q", cl, lang)
			}
			if want := "<outbox-" + queued[0].MessageID + "@ikco-export.test>"; pm.Header.Get("Message-ID") != want {
				t.Errorf("Message-ID %q, want %q", pm.Header.Get("Message-ID"), want)
			}
			if d, err := pm.Header.Date(); err != nil || !d.Equal(clock.now()) {
				t.Errorf("Date %v (%v), want %v", d, err, clock.now())
			}
			from, err := pm.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != testFromName || from[0].Address != testFrom {
				t.Errorf("From %v (%v)", from, err)
			}
			to, err := pm.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "Иван Петров" || to[0].Address != email {
				t.Errorf("To %v (%v)", to, err)
			}
			if !strings.Contains(pm.Text, loc.T("mail.greeting", "Name", "Иван Петров")) {
				t.Errorf("text part lacks the greeting in %s:\n%s", lang, pm.Text)
			}

			link := confirmLink.FindString(pm.Text)
			if link == "" || !strings.Contains(link, "/"+lang+"/confirm") {
				t.Fatalf("no %s confirmation link in the text part:\n%s", lang, pm.Text)
			}
			if !strings.Contains(pm.HTML, `href="`+link+`"`) {
				t.Errorf("HTML part does not link %s:\n%s", link, pm.HTML)
			}
			u, _ := url.Parse(link)
			res := ts.newClient().get(t, u.RequestURI())
			if res.StatusCode != http.StatusOK || res.doc(t).Find(`[data-testid=message-submit]`).Length() != 1 {
				t.Fatalf("GET %s: %d, want 200 with a confirm button\n%s", u.RequestURI(), res.StatusCode, res.Body)
			}

			m := mailByID(t, ts.store, queued[0].ID)
			if m.Status != "sent" || m.Attempts != 1 || !m.SentAt.Equal(clock.now().UTC()) || m.LastError != "" {
				t.Errorf("after sending: status %s, attempts %d, sent %v, error %q", m.Status, m.Attempts, m.SentAt, m.LastError)
			}
			token := strings.TrimPrefix(u.RawQuery, "token=")
			if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), pm.Subject) {
				t.Errorf("the log shows the message's content:\n%s", logs.String())
			}
		})
	}
}

// TestMailerRetriesWhileServerDown keeps a message queued, with an attempt
// counted and a later next attempt, while the server refuses connections,
// and delivers it once the server is up and the backoff has passed.
func TestMailerRetriesWhileServerDown(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	// A port nothing listens on: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	q := queueTestMail(t, ts, "down@example.ru", "ru")
	clock := newTestClock()
	m := newTestMailer(ts.store, port, clock, nil)
	sendDue(t, m, 0, true)
	got := mailByID(t, ts.store, q.ID)
	if want := clock.now().Add(30 * time.Second).UTC(); got.Status != "queued" || got.Attempts != 1 || !got.NextAt.Equal(want) || got.LastError == "" {
		t.Fatalf("after a refused connection: status %s, attempts %d, next %v (want %v), error %q",
			got.Status, got.Attempts, got.NextAt, want, got.LastError)
	}

	be := &smtpRecorder{}
	startSMTP(t, be, addr, nil)
	clock.add(29 * time.Second)
	sendDue(t, m, 0, false)
	if n := len(be.received()); n != 0 {
		t.Fatalf("sent %d messages before the backoff passed", n)
	}
	clock.add(2 * time.Second)
	sendDue(t, m, 1, false)
	if n := len(be.received()); n != 1 {
		t.Fatalf("server received %d messages, want 1", n)
	}
	got = mailByID(t, ts.store, q.ID)
	if got.Status != "sent" || got.Attempts != 2 || got.LastError != "" {
		t.Errorf("after delivery: status %s, attempts %d, error %q", got.Status, got.Attempts, got.LastError)
	}
}

// TestMailerNeverResendsAfterRestart: a message marked sent is not sent by
// a new mailer on the same database; one a crashed sender left 'sending'
// (perhaps accepted, not yet marked) is sent again after the stale time,
// with the same Message-ID so receivers can drop the copy.
func TestMailerNeverResendsAfterRestart(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	first := queueTestMail(t, ts, "once@example.ru", "en")
	clock := newTestClock()
	sendDue(t, newTestMailer(ts.store, port, clock, nil), 1, false)

	clock.add(48 * time.Hour)
	sendDue(t, newTestMailer(ts.store, port, clock, nil), 0, false)
	if n := len(be.received()); n != 1 {
		t.Fatalf("server received %d messages after a restart, want 1", n)
	}
	if got := mailByID(t, ts.store, first.ID); got.Status != "sent" || got.Attempts != 1 {
		t.Errorf("status %s, attempts %d", got.Status, got.Attempts)
	}

	// A sender claims a message and dies before marking it.
	second := queueTestMail(t, ts, "crash@example.ru", "fa")
	if _, err := ts.store.ClaimMail(context.Background(), clock.now(), claimStale); err != nil {
		t.Fatal(err)
	}
	restarted := newTestMailer(ts.store, port, clock, nil)
	sendDue(t, restarted, 0, false) // still within the stale time: it may be in progress
	clock.add(claimStale + time.Second)
	sendDue(t, restarted, 1, false)
	got := be.received()
	if len(got) != 2 {
		t.Fatalf("server received %d messages, want 2", len(got))
	}
	pm := parseMail(t, got[1].Data)
	if want := "<outbox-" + second.MessageID + "@ikco-export.test>"; pm.Header.Get("Message-ID") != want {
		t.Errorf("Message-ID %q, want the row's %q", pm.Header.Get("Message-ID"), want)
	}
	if want := i18n.MustLoad().Locale("fa").T("mail.confirm.subject"); pm.Subject != want {
		t.Errorf("Persian subject %q, want %q", pm.Subject, want)
	}
	if m := mailByID(t, ts.store, second.ID); m.Status != "sent" || m.Attempts != 2 {
		t.Errorf("status %s, attempts %d", m.Status, m.Attempts)
	}
}

// TestMailerRejectedRecipient retries a message whose recipient the server
// refuses with 550, with growing waits, and marks it failed after
// MaxAttempts; a failed message is not tried again.
func TestMailerRejectedRecipient(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	be := &smtpRecorder{rejectRcpt: true}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	q := queueTestMail(t, ts, "nobody@example.ru", "ru")
	// A second message behind the rejected one is still tried in the same
	// round: a refused recipient is not an outage.
	q2 := queueTestMail(t, ts, "nobody2@example.ru", "ru")
	clock := newTestClock()
	m := newTestMailer(ts.store, port, clock, nil, func(c *MailerConfig) { c.MaxAttempts = 3 })
	cases := []struct {
		status string
		wait   time.Duration
	}{
		{"queued", 30 * time.Second},
		{"queued", time.Minute},
		{"failed", 2 * time.Minute},
	}
	for i, tc := range cases {
		sendDue(t, m, 0, false)
		for _, id := range []int64{q.ID, q2.ID} {
			got := mailByID(t, ts.store, id)
			if got.Status != tc.status || got.Attempts != i+1 || !strings.Contains(got.LastError, "550") {
				t.Fatalf("attempt %d: status %s (want %s), attempts %d, error %q", i+1, got.Status, tc.status, got.Attempts, got.LastError)
			}
			if tc.status == "queued" && !got.NextAt.Equal(clock.now().Add(tc.wait).UTC()) {
				t.Errorf("attempt %d: next %v, want after %v", i+1, got.NextAt, tc.wait)
			}
		}
		clock.add(tc.wait)
	}
	clock.add(24 * time.Hour)
	sendDue(t, m, 0, false)
	if got := mailByID(t, ts.store, q.ID); got.Status != "failed" || got.Attempts != 3 {
		t.Errorf("a failed message was tried again: status %s, attempts %d", got.Status, got.Attempts)
	}
	if n := len(be.received()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}
}

// TestMailerAuthPlain logs in with AUTH PLAIN when a user is configured;
// a wrong password leaves the message queued with the server's answer.
func TestMailerAuthPlain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, user, pass string
		sent             int
		status           string
	}{
		{"right password", "portal", "s3cret pass", 1, "sent"},
		{"wrong password", "portal", "wrong", 0, "queued"},
		{"no login configured", "", "", 0, "queued"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			be := &smtpRecorder{user: "portal", pass: "s3cret pass"}
			port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
			q := queueTestMail(t, ts, "auth@example.ru", "en")
			m := newTestMailer(ts.store, port, newTestClock(), nil, func(c *MailerConfig) { c.Username, c.Password = tc.user, tc.pass })
			n, _ := m.sendDue(context.Background())
			if n != tc.sent {
				t.Errorf("sent %d, want %d", n, tc.sent)
			}
			got := be.received()
			if len(got) != tc.sent || (tc.sent == 1 && !got[0].Authed) {
				t.Errorf("server received %d messages (authenticated: %v)", len(got), len(got) == 1 && got[0].Authed)
			}
			if m := mailByID(t, ts.store, q.ID); m.Status != tc.status || (tc.status == "queued" && m.LastError == "") {
				t.Errorf("status %s (want %s), error %q", m.Status, tc.status, m.LastError)
			}
		})
	}
}

// TestMailerStartTLS encrypts with STARTTLS when the server offers it (and
// then logs in), and refuses to send in clear when STARTTLS is required
// but not offered.
func TestMailerStartTLS(t *testing.T) {
	t.Parallel()
	serverTLS, roots := testCertificate(t)
	cases := []struct {
		name     string
		offer    bool
		require  bool
		sent     int
		wantErr  string
		wantTLS  bool
		username string
	}{
		{"offered and required", true, true, 1, "", true, "portal"},
		{"offered, not required", true, false, 1, "", true, ""},
		{"required, not offered", false, true, 0, "STARTTLS", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			be := &smtpRecorder{user: tc.username, pass: "s3cret pass"}
			var offer *tls.Config
			if tc.offer {
				offer = serverTLS
			}
			port, _ := startSMTP(t, be, "127.0.0.1:0", offer)
			q := queueTestMail(t, ts, "tls@example.ru", "ru")
			m := newTestMailer(ts.store, port, newTestClock(), nil, func(c *MailerConfig) {
				c.StartTLS = tc.require
				c.TLSConfig = &tls.Config{RootCAs: roots}
				c.Username, c.Password = tc.username, "s3cret pass"
			})
			n, _ := m.sendDue(context.Background())
			got := be.received()
			if n != tc.sent || len(got) != tc.sent {
				t.Fatalf("sent %d, received %d, want %d", n, len(got), tc.sent)
			}
			if tc.sent == 1 && (got[0].TLS != tc.wantTLS || got[0].Authed != (tc.username != "")) {
				t.Errorf("TLS %v (want %v), authenticated %v", got[0].TLS, tc.wantTLS, got[0].Authed)
			}
			if m := mailByID(t, ts.store, q.ID); !strings.Contains(m.LastError, tc.wantErr) || (tc.wantErr == "") != (m.Status == "sent") {
				t.Errorf("status %s, error %q, want error with %q", m.Status, m.LastError, tc.wantErr)
			}
		})
	}
}

// testCertificate makes a self-signed certificate for 127.0.0.1.
func testCertificate(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, roots
}

// TestMailerRun sends what is due when it starts and again when woken,
// without waiting for the poll, and stops with its context; without an
// SMTP host it returns at once.
func TestMailerRun(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	idle := NewMailer(ts.store, MailerConfig{}, nil, nil)
	returned := make(chan struct{})
	go func() { idle.Run(context.Background()); close(returned) }()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("Run without a host did not return")
	}

	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	queueTestMail(t, ts, "first@example.ru", "ru")
	m := newTestMailer(ts.store, port, nil, nil, func(c *MailerConfig) { c.PollInterval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	waitFor(t, func() bool { return len(be.received()) == 1 }, "the message queued before Run")

	queueTestMail(t, ts, "second@example.ru", "en")
	select {
	case m.Wake() <- struct{}{}:
	default:
	}
	waitFor(t, func() bool { return len(be.received()) == 2 }, "the message queued after a wake-up")

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

// waitFor polls cond in short steps for up to five seconds.
func waitFor(t testing.TB, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute},
		{7, 32 * time.Minute}, {8, time.Hour}, {10, time.Hour}, {1000, time.Hour},
	}
	for _, tc := range cases {
		if got := retryDelay(tc.attempts); got != tc.want {
			t.Errorf("retryDelay(%d) = %v, want %v", tc.attempts, got, tc.want)
		}
	}
}

// TestMailHeadersEncoded checks subjects and names in any script, long
// ones and ones with line breaks, survive as one header each.
func TestMailHeadersEncoded(t *testing.T) {
	t.Parallel()
	m := NewMailer(nil, MailerConfig{Host: "smtp.test", From: testFrom, FromName: "پورتال ایران خودرو"}, nil, time.Now)
	cases := []struct{ subject, toName string }{
		{"Подтвердите адрес электронной почты на портале партнёров Iran Khodro Export, пожалуйста", "Иван Петров"},
		{"نشانی ایمیل خود را تأیید کنید و منتظر بررسی درخواست توسط واحد صادرات ایران خودرو بمانید", "مریم احمدی"},
		{"Plain ASCII subject", "Jane Doe"},
		{"Injected\r\nBcc: victim@example.com", "Evil\r\nBcc: x@example.com"},
	}
	for _, tc := range cases {
		raw := m.buildMessage(db.Mail{ID: 1, MessageID: "abc", To: "to@example.ru", ToName: tc.toName, Lang: "ru",
			Subject: tc.subject, Text: "text", HTML: "<p>html</p>"})
		pm := parseMail(t, raw)
		if pm.Subject != tc.subject {
			t.Errorf("subject %q, want %q", pm.Subject, tc.subject)
		}
		if len(pm.Header["Bcc"]) != 0 {
			t.Errorf("subject %q: a Bcc header was injected", tc.subject)
		}
		to, err := pm.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != tc.toName {
			t.Errorf("To %v (%v), want name %q", to, err, tc.toName)
		}
		from, err := pm.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != "پورتال ایران خودرو" {
			t.Errorf("From %v (%v)", from, err)
		}
	}
}

// TestMailbox shows the outbox to admins, with the links of a message to
// follow, and to nobody else.
func TestMailbox(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	registerThrough(t, ts, "192.0.2.31", "mailbox@example.ru", "ru")
	q := outbox(t, ts.store)
	if len(q) != 1 {
		t.Fatalf("outbox has %d messages, want 1", len(q))
	}
	msgPath := "/en/admin/mail/" + strconv.FormatInt(q[0].ID, 10)

	admin, _ := loginAs(t, ts, "admin")
	res := admin.get(t, "/en/admin/mail")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("admin mail list: %d", res.StatusCode)
	}
	doc := res.doc(t)
	rows := doc.Find(`[data-testid=mail-list] [data-testid=mail-row]`)
	if rows.Length() != 1 {
		t.Fatalf("%d rows, want 1", rows.Length())
	}
	if href, _ := rows.Find("a").Attr("href"); href != msgPath {
		t.Errorf("row links %q, want %q", href, msgPath)
	}
	if s := rows.Find(`[data-testid=mail-status]`).Text(); s != "Queued" {
		t.Errorf("status %q, want Queued", s)
	}
	if !strings.Contains(rows.Text(), q[0].Subject) || !strings.Contains(rows.Text(), "mailbox@example.ru") {
		t.Errorf("row lacks subject or recipient: %q", rows.Text())
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}

	res = admin.get(t, msgPath)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("admin mail page: %d", res.StatusCode)
	}
	doc = res.doc(t)
	link, _ := doc.Find(`[data-testid=mail-link]`).First().Attr("href")
	if !confirmLink.MatchString(link) || !strings.Contains(doc.Find(`[data-testid=mail-text]`).Text(), link) {
		t.Fatalf("message page links %q, want the confirmation link of the text", link)
	}
	if got := doc.Find(`[data-testid=mail-subject]`).Text(); got != q[0].Subject {
		t.Errorf("subject %q, want %q", got, q[0].Subject)
	}
	// The HTML part is shown as source, never as markup of the page.
	if !strings.Contains(doc.Find(`[data-testid=mail-html]`).Text(), `<table role="presentation"`) {
		t.Error("the HTML part's source is not shown")
	}
	if n := doc.Find(`table[role=presentation]`).Length(); n != 0 {
		t.Errorf("the HTML part was rendered into the page (%d tables)", n)
	}
	u, _ := url.Parse(link)
	if res := admin.get(t, u.RequestURI()); res.StatusCode != http.StatusOK {
		t.Errorf("following the link: %d", res.StatusCode)
	}

	for _, path := range []string{"/en/admin/mail/999999", "/en/admin/mail/abc", "/en/admin/mail/-1"} {
		if res := admin.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("admin GET %s: %d, want 404", path, res.StatusCode)
		}
	}

	for _, role := range []string{"investor", "staff", "visitor"} {
		cl := ts.newClient()
		if role != "visitor" {
			cl, _ = loginAs(t, ts, role)
		}
		for _, path := range []string{"/en/admin/mail", msgPath} {
			res := cl.get(t, path)
			if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, q[0].Subject) {
				t.Errorf("%s GET %s: %d, want 404", role, path, res.StatusCode)
			}
		}
	}
}
