package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

const (
	uaChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	uaSafariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

// loginFrom logs email in through the login form from a new client at ip
// whose browser sends ua.
func loginFrom(t *testing.T, ts *testServer, email, password, ip, ua string) *client {
	t.Helper()
	cl := ts.newClient()
	cl.ip = ip
	form := url.Values{"csrf": {cl.csrfFrom(t, "/en/login")}, "email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/en/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ua)
	if res := cl.send(t, req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login of %s from %s: %d", email, ip, res.StatusCode)
	}
	return cl
}

// loggedIn reports whether the client's session still opens the account
// page; a refused session is sent to the login page.
func loggedIn(t *testing.T, cl *client) bool {
	t.Helper()
	res := cl.get(t, "/en/account")
	switch {
	case res.StatusCode == http.StatusOK:
		return true
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/en/login"):
		return false
	}
	t.Fatalf("GET /en/account: %d → %q", res.StatusCode, res.Header.Get("Location"))
	return false
}

// sessionRows returns the rows of the sessions table on the account page.
func sessionRows(t *testing.T, cl *client, lang string) *goquery.Selection {
	t.Helper()
	res := cl.get(t, "/"+lang+"/account")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("account page: %d", res.StatusCode)
	}
	return res.doc(t).Find("[data-testid=session]")
}

// otherHandle is the handle of the first session on the page that is not
// the current one.
func otherHandle(t *testing.T, cl *client) string {
	t.Helper()
	h := sessionRows(t, cl, "en").Not("[data-current]").First().Find("input[name=session]").AttrOr("value", "")
	if h == "" {
		t.Fatal("no other session with an end button on the account page")
	}
	return h
}

func countRows(t *testing.T, ts *testServer, query string, args ...any) int {
	t.Helper()
	var n int
	if err := ts.store.DB().Read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccountPageShowsSessions(t *testing.T) {
	ts := newTestServer(t)
	if res := ts.newClient().get(t, "/en/account"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/en/login?next=") {
		t.Fatalf("visitor on the account page: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	me, u := loginAs(t, ts, "partner")
	loginFrom(t, ts, u.Email, testPassword, "198.51.100.7", uaChromeWindows)

	rows := sessionRows(t, me, "en")
	if rows.Length() != 2 {
		t.Fatalf("%d session rows, want 2", rows.Length())
	}
	current := rows.Filter("[data-current]")
	if current.Length() != 1 {
		t.Fatalf("%d rows marked current, want 1", current.Length())
	}
	if got := strings.TrimSpace(current.Find("[data-testid=session-ip]").Text()); got != "192.0.2.10" {
		t.Errorf("current session IP %q", got)
	}
	if current.Find("[data-testid=this-device]").Text() != "this device" {
		t.Error("the current session is not marked as this device")
	}
	if current.Find("[data-testid=end-session]").Length() != 0 {
		t.Error("the current session has an end button; logging out does that")
	}
	other := rows.Not("[data-current]")
	if got := strings.TrimSpace(other.Find("[data-testid=session-ip]").Text()); got != "198.51.100.7" {
		t.Errorf("other session IP %q", got)
	}
	if got := other.Find("[data-testid=session-device]").Text(); got != "Chrome on Windows" {
		t.Errorf("other session device %q", got)
	}
	if other.Find("[data-testid=end-session]").Length() != 1 {
		t.Error("the other session has no end button")
	}
	// Signed-in and last-seen times are written out, with the zone.
	if cells := other.Find("td"); !strings.Contains(cells.Eq(2).Text(), "MSK") || !strings.Contains(cells.Eq(3).Text(), "MSK") {
		t.Errorf("times not shown: %q / %q", cells.Eq(2).Text(), cells.Eq(3).Text())
	}
	// The handle is not the session's stored hash, nor found in its cookie.
	var hashes []string
	ss, err := ts.store.UserSessions(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		hashes = append(hashes, s.IDHash)
	}
	h := otherHandle(t, me)
	for _, hash := range hashes {
		if strings.Contains(hash, h) {
			t.Errorf("handle %q is part of a stored session hash", h)
		}
	}

	for _, lang := range []string{"ru", "en", "fa"} {
		path := "/" + lang + "/account"
		t.Run(path, func(t *testing.T) {
			res := me.get(t, path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			doc := checkPage(t, lang, res, path)
			if n := doc.Find("[data-testid=session]").Length(); n != 2 {
				t.Errorf("%d session rows", n)
			}
		})
	}
}

func TestAccountEndSession(t *testing.T) {
	ts := newTestServer(t)
	me, u := loginAs(t, ts, "investor")
	phone := loginFrom(t, ts, u.Email, testPassword, "198.51.100.7", uaSafariIPhone)
	if !loggedIn(t, phone) {
		t.Fatal("the second session does not work to begin with")
	}
	h := otherHandle(t, me)
	res := me.submit(t, "/en/account", "/en/account/sessions/end", url.Values{"session": {h}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/account?done=session" {
		t.Fatalf("end session: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if loggedIn(t, phone) {
		t.Error("the ended session's cookie still works")
	}
	if !loggedIn(t, me) {
		t.Error("ending the other session ended this one")
	}
	page := me.get(t, "/en/account?done=session").doc(t)
	if page.Find("[data-testid=notice]").Length() != 1 || page.Find("[data-testid=session]").Length() != 1 {
		t.Error("after ending: no notice, or the ended session is still listed")
	}
	// The same handle again: nothing left to end.
	if res := me.submit(t, "/en/account", "/en/account/sessions/end", url.Values{"session": {h}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("ending an ended session: %d, want 404", res.StatusCode)
	}
	assertAudit(t, ts, "session.ended")
}

func TestAccountEndOtherSessions(t *testing.T) {
	ts := newTestServer(t)
	me, u := loginAs(t, ts, "investor")
	others := []*client{
		loginFrom(t, ts, u.Email, testPassword, "198.51.100.7", uaChromeWindows),
		loginFrom(t, ts, u.Email, testPassword, "203.0.113.9", uaSafariIPhone),
	}
	stranger, _ := loginAs(t, ts, "investor")
	if n := sessionRows(t, me, "en").Length(); n != 3 {
		t.Fatalf("%d sessions listed, want 3", n)
	}
	res := me.submit(t, "/en/account", "/en/account/sessions/end-others", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/account?done=sessions" {
		t.Fatalf("end others: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	for i, cl := range others {
		if loggedIn(t, cl) {
			t.Errorf("other session %d still works", i)
		}
	}
	if !loggedIn(t, me) {
		t.Error("this session was ended too")
	}
	if !loggedIn(t, stranger) {
		t.Error("another person's session was ended")
	}
	doc := me.get(t, "/en/account").doc(t)
	if doc.Find("[data-testid=session]").Length() != 1 || doc.Find("[data-testid=no-others]").Length() != 1 || doc.Find("[data-testid=end-others]").Length() != 0 {
		t.Error("the page still offers other sessions")
	}
	assertAudit(t, ts, "sessions.ended_others")
}

func TestAccountCannotEndAnotherPersonsSession(t *testing.T) {
	ts := newTestServer(t)
	me, _ := loginAs(t, ts, "partner")
	victim, v := loginAs(t, ts, "partner")
	ss, err := ts.store.UserSessions(t.Context(), v.ID)
	if err != nil || len(ss) != 1 {
		t.Fatalf("victim sessions: %v, %v", ss, err)
	}
	for _, h := range []string{sessionHandle(ss[0].IDHash), ss[0].IDHash, ss[0].IDHash[:16], "", "zzzz"} {
		res := me.submit(t, "/en/account", "/en/account/sessions/end", url.Values{"session": {h}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("ending %q: %d, want 404", h, res.StatusCode)
		}
	}
	if n := countRows(t, ts, `SELECT count(*) FROM sessions WHERE user_id = ?`, v.ID); n != 1 {
		t.Errorf("victim has %d sessions, want 1", n)
	}
	if !loggedIn(t, victim) || !loggedIn(t, me) {
		t.Error("a session was ended")
	}
	if n := countRows(t, ts, `SELECT count(*) FROM audit_log WHERE action = 'session.ended'`); n != 0 {
		t.Errorf("%d session.ended entries for nothing ended", n)
	}
}

func TestAccountLanguage(t *testing.T) {
	ts := newTestServer(t)
	me, u := loginAs(t, ts, "investor")
	res := me.submit(t, "/en/account", "/en/account/language", url.Values{"lang": {"fa"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/fa/account?done=language" {
		t.Fatalf("language: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	got, err := ts.store.UserByID(t.Context(), u.ID)
	if err != nil || got.Lang != "fa" {
		t.Fatalf("stored language %q, %v", got.Lang, err)
	}
	doc := me.get(t, "/fa/account?done=language").doc(t)
	if doc.Find("[data-testid=notice]").Length() != 1 {
		t.Error("no notice after saving the language")
	}
	if v, _ := doc.Find("select[name=lang] option[selected]").Attr("value"); v != "fa" {
		t.Errorf("selected language %q", v)
	}
	if res := me.submit(t, "/en/account", "/en/account/language", url.Values{"lang": {"de"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown language: %d, want 422", res.StatusCode)
	}
}

func TestAccountPasswordChange(t *testing.T) {
	ts := newTestServer(t)
	me, u := loginAs(t, ts, "partner")
	other := loginFrom(t, ts, u.Email, testPassword, "198.51.100.7", uaChromeWindows)

	const newPassword = "a brand new passphrase for the portal"
	bad := []struct {
		name, current, next, field, want string
	}{
		{"wrong current", "not my password at all", newPassword, "current_password", "The current password is wrong."},
		{"no current", "", newPassword, "current_password", "Please fill in this field."},
		{"too short", testPassword, "short one", "new_password", "The password must be at least 12 characters long."},
		{"common", testPassword, "1qaz2wsx3edc", "new_password", "This password is too common and easy to guess. Please choose another."},
		{"same", testPassword, testPassword, "new_password", "The new password must differ from the current one."},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			res := me.submit(t, "/en/account", "/en/account/password", url.Values{"current_password": {c.current}, "new_password": {c.next}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			doc := res.doc(t)
			if got := doc.Find("[data-field=" + c.field + "] [data-testid=field-error]").Text(); got != c.want {
				t.Errorf("%s error %q, want %q", c.field, got, c.want)
			}
			if doc.Find("[data-testid=error-summary]").Length() != 1 {
				t.Error("no error summary")
			}
			if doc.Find("input[type=password][value]").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.AttrOr("value", "") != "" }).Length() != 0 {
				t.Error("a password was written back into the page")
			}
		})
	}
	if !loggedIn(t, other) {
		t.Fatal("a failed change ended the other session")
	}
	assertAudit(t, ts, "password.change_failed")

	// The person reads mail in Russian.
	if res := me.submit(t, "/en/account", "/en/account/language", url.Values{"lang": {"ru"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("language: %d", res.StatusCode)
	}
	oldCookie := sessionCookieValue(me)
	res := me.submit(t, "/ru/account", "/ru/account/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ru/account?done=password" {
		t.Fatalf("change: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if now := sessionCookieValue(me); now == "" || now == oldCookie {
		t.Error("the session id did not change with the password")
	}
	stale := ts.newClient()
	stale.cookies["portal_session"] = &http.Cookie{Name: "portal_session", Value: oldCookie}
	if loggedIn(t, stale) {
		t.Error("the session's old id still works")
	}
	if !loggedIn(t, me) {
		t.Error("the person was logged out by their own change")
	}
	if loggedIn(t, other) {
		t.Error("the other session survived the password change")
	}
	if n := sessionRows(t, me, "ru").Length(); n != 1 {
		t.Errorf("%d sessions after the change, want 1", n)
	}

	var to, lang, subject, body string
	if err := ts.store.DB().Read.QueryRow(`SELECT to_addr, lang, subject, text_body FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&to, &lang, &subject, &body); err != nil {
		t.Fatalf("no mail queued: %v", err)
	}
	if to != u.Email || lang != "ru" || subject != "Ваш пароль изменён" || !strings.Contains(body, "192.0.2.10") || !strings.Contains(body, "МСК") {
		t.Errorf("mail to %q in %q: %q\n%s", to, lang, subject, body)
	}
	assertAudit(t, ts, "password.changed")

	// The new password logs in; the old one does not.
	loginFrom(t, ts, u.Email, newPassword, "203.0.113.5", uaChromeWindows)
	cl := ts.newClient()
	if res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {u.Email}, "password": {testPassword}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("old password: %d, want 422", res.StatusCode)
	}
}

// resetLink reads the reset link of the newest mail to email, as a path.
func resetLink(t *testing.T, ts *testServer, email string) string {
	t.Helper()
	var body string
	if err := ts.store.DB().Read.QueryRow(`SELECT text_body FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, email).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", email, err)
	}
	m := regexp.MustCompile(`http://portal\.test(/[a-z]{2}/password/reset\?token=[A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reset link in:\n%s", body)
	}
	return m[1]
}

func TestPasswordForgotSameAnswer(t *testing.T) {
	ts := newTestServer(t)
	u := createUser(t, ts, "known@example.com", "investor", "active")
	answers := map[string]response{}
	for _, email := range []string{"known@example.com", "nobody@example.com"} {
		cl := ts.newClient()
		answers[email] = cl.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}})
	}
	known, unknown := answers["known@example.com"], answers["nobody@example.com"]
	if known.StatusCode != http.StatusOK || unknown.StatusCode != known.StatusCode {
		t.Fatalf("statuses %d and %d, want 200 both", known.StatusCode, unknown.StatusCode)
	}
	page := func(r response) string { return r.doc(t).Find("[data-testid=message]").Text() }
	if page(known) == "" || page(known) != page(unknown) {
		t.Errorf("the answers differ:\n%s\n---\n%s", page(known), page(unknown))
	}
	if n := countRows(t, ts, `SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d mails queued, want 1", n)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM outbox WHERE to_addr = ? AND subject = 'Reset your password'`, u.Email); n != 1 {
		t.Error("the mail did not go to the known address")
	}
	if n := countRows(t, ts, `SELECT count(*) FROM audit_log WHERE action = 'password.reset.requested'`); n != 2 {
		t.Errorf("%d reset requests audited, want 2", n)
	}
	if res := ts.newClient().submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {"not an address"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad address: %d, want 422", res.StatusCode)
	}
}

func TestPasswordResetFlow(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	me, u := loginAs(t, ts, "partner")
	phone := loginFrom(t, ts, u.Email, testPassword, "198.51.100.7", uaSafariIPhone)

	visitor := ts.newClient()
	visitor.ip = "203.0.113.20"
	if res := visitor.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {strings.ToUpper(u.Email)}}); res.StatusCode != http.StatusOK {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	link := resetLink(t, ts, u.Email)
	if !strings.HasPrefix(link, "/en/password/reset?token=") {
		t.Errorf("link %q is not in the person's language", link)
	}
	form := visitor.get(t, link)
	if form.StatusCode != http.StatusOK || form.doc(t).Find("[data-testid=reset-form]").Length() != 1 {
		t.Fatalf("reset link: %d, no form", form.StatusCode)
	}
	if rp := form.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("Referrer-Policy %q on a page whose URL holds a token", rp)
	}
	token := strings.TrimPrefix(link, "/en/password/reset?token=")
	res := visitor.submit(t, link, "/en/password/reset", url.Values{"token": {token}, "password": {"too short"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-testid=field-error]").Length() != 1 {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	const newPassword = "a long and quite new passphrase"
	res = visitor.submit(t, link, "/en/password/reset", url.Values{"token": {token}, "password": {newPassword}})
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=message] h1").Text() != "Password changed" {
		t.Fatalf("reset: %d\n%s", res.StatusCode, res.Body)
	}
	if loggedIn(t, me) || loggedIn(t, phone) {
		t.Error("a session survived the reset")
	}
	if n := countRows(t, ts, `SELECT count(*) FROM sessions WHERE user_id = ?`, u.ID); n != 0 {
		t.Errorf("%d sessions left after the reset", n)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM outbox WHERE to_addr = ? AND subject = 'Your password has been changed'`, u.Email); n != 1 {
		t.Error("no mail says the password changed")
	}
	loginFrom(t, ts, u.Email, newPassword, "203.0.113.21", uaChromeWindows)

	// The link works once.
	if res := visitor.get(t, link); res.StatusCode != http.StatusBadRequest || res.doc(t).Find("[data-testid=reset-form]").Length() != 0 {
		t.Errorf("used link opened: %d", res.StatusCode)
	}
	res = visitor.submit(t, "/en/password/forgot", "/en/password/reset", url.Values{"token": {token}, "password": {"yet another long passphrase"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("second use: %d, want 400", res.StatusCode)
	}
	loginFrom(t, ts, u.Email, newPassword, "203.0.113.22", uaChromeWindows)
	assertAudit(t, ts, "password.reset.requested", "password.reset")
}

func TestPasswordResetExpires(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	u := createUser(t, ts, "late@example.com", "investor", "active")
	visitor := ts.newClient()
	if res := visitor.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {u.Email}}); res.StatusCode != http.StatusOK {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	link := resetLink(t, ts, u.Email)
	clk.add(29 * time.Minute)
	if res := visitor.get(t, link); res.StatusCode != http.StatusOK {
		t.Fatalf("after 29 minutes: %d, want 200", res.StatusCode)
	}
	clk.add(2 * time.Minute)
	if res := visitor.get(t, link); res.StatusCode != http.StatusBadRequest {
		t.Errorf("after 31 minutes: %d, want 400", res.StatusCode)
	}
	token := strings.TrimPrefix(link, "/en/password/reset?token=")
	res := visitor.submit(t, "/en/password/forgot", "/en/password/reset", url.Values{"token": {token}, "password": {"a long and quite new passphrase"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("expired token posted: %d, want 400", res.StatusCode)
	}
	if n := countRows(t, ts, `SELECT count(*) FROM audit_log WHERE action = 'password.reset'`); n != 0 {
		t.Error("an expired link reset the password")
	}
}

func TestPasswordForgotLimits(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))

	t.Run("per IP", func(t *testing.T) {
		cl := ts.newClient()
		cl.ip = "198.51.100.50"
		for i := range resetPerIP.burst {
			email := "nobody" + string(rune('a'+i)) + "@example.com"
			if res := cl.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}}); res.StatusCode != http.StatusOK {
				t.Fatalf("request %d: %d", i+1, res.StatusCode)
			}
		}
		res := cl.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {"one-more@example.com"}})
		if res.StatusCode != http.StatusTooManyRequests || res.doc(t).Find("[data-testid=notice]").Length() != 1 {
			t.Errorf("over the limit: %d, want 429 with a notice", res.StatusCode)
		}
		other := ts.newClient()
		other.ip = "198.51.100.51"
		if res := other.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {"nobody@example.com"}}); res.StatusCode != http.StatusOK {
			t.Errorf("another address was limited too: %d", res.StatusCode)
		}
	})

	t.Run("per account", func(t *testing.T) {
		u := createUser(t, ts, "popular@example.com", "investor", "active")
		for i := range resetPerAccount.burst + 2 {
			cl := ts.newClient()
			cl.ip = "203.0.113." + string(rune('1'+i))
			if res := cl.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {u.Email}}); res.StatusCode != http.StatusOK {
				t.Fatalf("request %d: %d, want the same answer as always", i+1, res.StatusCode)
			}
		}
		if n := countRows(t, ts, `SELECT count(*) FROM outbox WHERE to_addr = ?`, u.Email); n != resetPerAccount.burst {
			t.Errorf("%d mails to one account, want %d", n, resetPerAccount.burst)
		}
		if n := countRows(t, ts, `SELECT count(*) FROM audit_log WHERE action = 'password.reset.requested' AND target_id = ? AND detail <> ''`, u.ID); n != 2 {
			t.Errorf("%d audited requests over the limit, want 2", n)
		}
	})
}

func TestDescribeUA(t *testing.T) {
	cases := []struct{ ua, browser, system string }{
		{uaChromeWindows, "Chrome", "Windows"},
		{uaSafariIPhone, "Safari", "iOS"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari", "macOS"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge", "Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera", "macOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome", "Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36", "Yandex Browser", "Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.0.0 Mobile/15E148 Safari/604.1", "Chrome", "iOS"},
		{"curl/8.5.0", "", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		b, s := describeUA(c.ua)
		if b != c.browser || s != c.system {
			t.Errorf("%q: %q on %q, want %q on %q", c.ua, b, s, c.browser, c.system)
		}
	}
	// An unknown agent is shown as sent, shortened and without control
	// or bidi characters.
	vm := sessionVM(db.Session{IDHash: "x", UserAgent: "curl/8.5.0 \u202e" + strings.Repeat("x", 100)}, false)
	if vm.Browser != "" || vm.OS != "" || !strings.HasPrefix(vm.UserAgent, "curl/8.5.0 xxx") || len([]rune(vm.UserAgent)) != 60 {
		t.Errorf("unknown agent shown as %q", vm.UserAgent)
	}
}
