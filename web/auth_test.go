package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

func withClock(clk *clock) func(*Config) {
	return func(c *Config) { c.now = clk.now }
}

func sessionCookieValue(cl *client) string {
	for name, c := range cl.cookies {
		if strings.Contains(name, "portal_session") {
			return c.Value
		}
	}
	return ""
}

func TestLoginRotatesSessionAndLogoutEndsIt(t *testing.T) {
	ts := newTestServer(t)
	u := createUser(t, ts, "ivan@example.com", "investor", "active")
	cl := ts.newClient()
	tok := cl.csrfFrom(t, "/ru/login")
	before := sessionCookieValue(cl)
	if before == "" {
		t.Fatal("the login form gave no session cookie for its CSRF token")
	}
	res := cl.post(t, "/ru/login", url.Values{"csrf": {tok}, "email": {"IVAN@example.com "}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/account" {
		t.Fatalf("login: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	after := sessionCookieValue(cl)
	if after == "" || after == before {
		t.Fatal("the session id did not change at login")
	}
	// The pre-login session is gone: its cookie is a visitor's again.
	old := ts.newClient()
	old.cookies["portal_session"] = &http.Cookie{Name: "portal_session", Value: before}
	if who := old.get(t, "/en/").doc(t).Find("[data-testid=who]").Length(); who != 0 {
		t.Error("the pre-login session id is logged in")
	}
	page := cl.get(t, "/en/")
	who := page.doc(t).Find("[data-testid=who]")
	if !strings.Contains(who.Text(), u.FullName) || !strings.Contains(who.Text(), "Investor") {
		t.Errorf("layout does not show who is logged in: %q", who.Text())
	}
	if !strings.Contains(page.Header.Get("Cache-Control"), "private") {
		t.Errorf("a logged-in page is not marked private: Cache-Control %q", page.Header.Get("Cache-Control"))
	}
	if ts.cache.get("/en/", ts.store.ContentVersion()) != nil {
		t.Error("a logged-in page entered the public cache")
	}
	// Logout needs the token too.
	if r := cl.post(t, "/en/logout", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("logout without token: %d", r.StatusCode)
	}
	stolen := ts.newClient()
	stolen.cookies["portal_session"] = cl.cookies["portal_session"]
	r := cl.submit(t, "/en/", "/en/logout", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if stolen.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() != 0 {
		t.Error("the session cookie still works after logout")
	}
	assertAudit(t, ts, "login.ok", "logout")
}

func assertAudit(t *testing.T, ts *testServer, actions ...string) {
	t.Helper()
	for _, a := range actions {
		var n int
		if err := ts.store.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action = ? AND ip <> ''`, a).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("no audit entry %q with an IP", a)
		}
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	for _, secure := range []bool{false, true} {
		ts := newTestServer(t, func(c *Config) { c.SecureCookies = secure })
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/en/login", nil))
		var ck *http.Cookie
		for _, c := range rec.Result().Cookies() {
			ck = c
		}
		if ck == nil {
			t.Fatal("no cookie")
		}
		wantName := "portal_session"
		if secure {
			wantName = "__Host-portal_session"
		}
		if ck.Name != wantName || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.Secure != secure {
			t.Errorf("secure=%v: cookie %+v", secure, ck)
		}
		// The cookie holds a signed random id, never the data.
		if len(ck.Value) < 40 || strings.Contains(ck.Value, "csrf") {
			t.Errorf("cookie value %q", ck.Value)
		}
	}
}

func TestTamperedCookieIsRefused(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "partner")
	v := cl.cookies["portal_session"].Value
	flipped := []byte(v)
	i := len(flipped) / 2
	if flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}
	bad := ts.newClient()
	bad.cookies["portal_session"] = &http.Cookie{Name: "portal_session", Value: string(flipped)}
	if bad.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() != 0 {
		t.Error("a tampered cookie is logged in")
	}
	// A cookie signed with another key is refused too.
	other := newTestServer(t)
	ocl, _ := loginAs(t, other, "partner")
	foreign := ts.newClient()
	foreign.cookies["portal_session"] = ocl.cookies["portal_session"]
	if foreign.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() != 0 {
		t.Error("a cookie signed by another key is logged in")
	}
}

func TestKeyRotationKeepsSessions(t *testing.T) {
	oldKey := []byte(strings.Repeat("k", 32))
	store := newTestStore(t)
	ts1 := newTestServerWith(t, store, func(c *Config) { c.SessionKeys = [][]byte{oldKey} })
	cl, u := loginAs(t, ts1, "investor")
	ts2 := newTestServerWith(t, store, func(c *Config) { c.SessionKeys = [][]byte{[]byte(strings.Repeat("n", 32)), oldKey} })
	cl.ts = ts2
	if !strings.Contains(cl.get(t, "/en/").doc(t).Find("[data-testid=who]").Text(), u.FullName) {
		t.Error("a cookie signed with the previous key no longer works after rotation")
	}
	ts3 := newTestServerWith(t, store, func(c *Config) { c.SessionKeys = [][]byte{[]byte(strings.Repeat("z", 32))} })
	cl.ts = ts3
	if cl.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() != 0 {
		t.Error("a cookie signed with a dropped key still works")
	}
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	loggedIn := func(cl *client) bool { return cl.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() == 1 }

	cl, _ := loginAs(t, ts, "investor")
	clk.add(29 * time.Minute)
	if !loggedIn(cl) {
		t.Fatal("logged out before the idle timeout")
	}
	clk.add(29 * time.Minute) // used a moment ago: the idle clock restarted
	if !loggedIn(cl) {
		t.Fatal("activity does not keep the session alive")
	}
	clk.add(31 * time.Minute)
	if loggedIn(cl) {
		t.Error("still logged in after 31 idle minutes")
	}

	cl2, _ := loginAs(t, ts, "partner")
	loginAs(t, ts, "staff") // never used again: left for the purge
	for range 25 {          // active every 29 minutes for over 12 hours
		clk.add(29 * time.Minute)
		if clk.now().Sub(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) > 15*time.Hour {
			break
		}
		loggedIn(cl2)
	}
	if loggedIn(cl2) {
		t.Error("still logged in after the 12-hour lifetime")
	}
	n, err := ts.store.PurgeSessions(context.Background(), clk.now(), 30*time.Minute)
	if err != nil || n == 0 {
		t.Errorf("purge removed %d sessions (%v)", n, err)
	}
}

func TestCSRF(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "investor")
	tok := cl.csrfFrom(t, "/en/")
	cases := []struct {
		name    string
		form    url.Values
		headers map[string]string
		want    int
	}{
		{"no token", url.Values{}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"csrf": {"x" + tok}}, nil, http.StatusForbidden},
		{"cross-site origin", url.Values{"csrf": {tok}}, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"cross-site fetch", url.Values{"csrf": {tok}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same origin", url.Values{"csrf": {tok}}, map[string]string{"Origin": "http://portal.test", "Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodPost, "/en/logout", strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		if res := cl.send(t, req); res.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
}

// TestEveryPostNeedsCSRF enumerates the router: a POST without a token, or
// with another session's token, is refused on every route, so a new route
// cannot escape.
func TestEveryPostNeedsCSRF(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "admin")
	other := ts.newClient()
	otherTok := other.csrfFrom(t, "/en/login")
	n := 0
	for _, r := range ts.Echo().Routes() {
		if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch && r.Method != http.MethodDelete {
			continue
		}
		n++
		path := strings.ReplaceAll(r.Path, ":id", "1")
		path = strings.ReplaceAll(path, ":slug", "rira")
		for _, form := range []url.Values{{}, {"csrf": {otherTok}}} {
			res := cl.post(t, path, form)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with token %q: %d, want 403", r.Method, path, form.Get("csrf"), res.StatusCode)
			}
		}
		anon := ts.newClient()
		if res := anon.post(t, path, url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s without a session: %d, want 403", r.Method, path, res.StatusCode)
		}
	}
	if n < 6 {
		t.Fatalf("only %d state-changing routes found", n)
	}
}

func TestNoGetChangesState(t *testing.T) {
	for _, r := range newTestServer(t).Echo().Routes() {
		if r.Method == http.MethodGet && (strings.Contains(r.Path, "/logout") || strings.HasSuffix(r.Path, "/approve") ||
			strings.HasSuffix(r.Path, "/disable") || strings.HasSuffix(r.Path, "/end")) {
			t.Errorf("GET %s looks like it changes state", r.Path)
		}
	}
}

func TestLoginBruteForceAndLockout(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	u := createUser(t, ts, "target@example.com", "partner", "active")
	attacker := ts.newClient()
	tok := attacker.csrfFrom(t, "/en/login")
	try := func(cl *client, email, pw string) response {
		return cl.post(t, "/en/login", url.Values{"csrf": {tok}, "email": {email}, "password": {pw}})
	}
	// Unknown email and wrong password: the same status and message.
	a := try(attacker, "nobody@example.com", "wrong password 123")
	b := try(attacker, u.Email, "wrong password 123")
	ma := a.doc(t).Find("[data-testid=login-error]").Text()
	mb := b.doc(t).Find("[data-testid=login-error]").Text()
	if a.StatusCode != b.StatusCode || ma != mb || ma == "" {
		t.Errorf("login answers differ: %d %q vs %d %q", a.StatusCode, ma, b.StatusCode, mb)
	}
	if v := b.doc(t).Find("#login-email").AttrOr("value", ""); v != u.Email {
		t.Errorf("email not kept after a failed login: %q", v)
	}
	if b.doc(t).Find("#login-password").AttrOr("value", "") != "" {
		t.Error("the password was sent back")
	}
	for i := 0; i < lockAfter-2; i++ {
		try(attacker, u.Email, "wrong password 123")
	}
	res := try(attacker, u.Email, "wrong password 123")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.doc(t).Find("[data-testid=login-error]").Text(), "locked") {
		t.Fatalf("10th failure: %d %q", res.StatusCode, res.doc(t).Find("[data-testid=login-error]").Text())
	}
	// Locked: even the right password is refused, from anywhere.
	owner := ts.newClient()
	owner.ip = "198.51.100.20"
	otok := owner.csrfFrom(t, "/en/login")
	r := owner.post(t, "/en/login", url.Values{"csrf": {otok}, "email": {u.Email}, "password": {testPassword}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password on a locked account: %d", r.StatusCode)
	}
	clk.add(16 * time.Minute)
	r = owner.post(t, "/en/login", url.Values{"csrf": {owner.csrfFrom(t, "/en/login")}, "email": {u.Email}, "password": {testPassword}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lock expired: %d", r.StatusCode)
	}
	assertAudit(t, ts, "login.failed", "login.locked", "login.ok")

	// Per-IP limit: a flood from one address is slowed down whatever the
	// accounts it tries.
	flood := ts.newClient()
	flood.ip = "203.0.113.99"
	ftok := flood.csrfFrom(t, "/en/login")
	limited := false
	for i := 0; i < loginPerIP.burst+5; i++ {
		res := flood.post(t, "/en/login", url.Values{"csrf": {ftok}, "email": {"x" + randomToken(3) + "@example.com"}, "password": {"whatever whatever"}})
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("no per-IP limit on login")
	}
}

func TestLoginStatusesAndNext(t *testing.T) {
	ts := newTestServer(t)
	for _, st := range []string{"unconfirmed", "pending", "rejected", "disabled"} {
		u := createUser(t, ts, st+"@example.com", "investor", st)
		cl := ts.newClient()
		res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {u.Email}, "password": {testPassword}})
		if res.StatusCode != http.StatusForbidden || res.doc(t).Find("[data-testid=login-error]").Length() != 1 {
			t.Errorf("%s account: %d", st, res.StatusCode)
		}
		if sessionUserLoggedIn(t, cl) {
			t.Errorf("%s account got a session", st)
		}
	}
	u := createUser(t, ts, "next@example.com", "investor", "active")
	for next, want := range map[string]string{
		"/fa/compare":              "/fa/compare",
		"//evil.example/x":         "/en/account",
		"https://evil.example/":    "/en/account",
		"/\\evil.example":          "/en/account",
		"/en/catalogue?body=sedan": "/en/catalogue?body=sedan",
		"javascript:alert(1)":      "/en/account",
		"/en/x\r\nSet-Cookie: a=b": "/en/account",
	} {
		cl := ts.newClient()
		res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}})
		if loc := res.Header.Get("Location"); loc != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, loc, want)
		}
	}
}

func sessionUserLoggedIn(t *testing.T, cl *client) bool {
	return cl.get(t, "/en/").doc(t).Find("[data-testid=who]").Length() == 1
}

func TestRegistrationFlow(t *testing.T) {
	ts := newTestServer(t)
	cl := ts.newClient()
	form := url.Values{
		"full_name": {"Пётр Иванов"}, "company": {"ООО «Автосевер»"}, "position": {"Директор"},
		"email": {"petr@avtosever.ru"}, "phone": {"+7 912 345-67-89"}, "password": {"длинный пароль для теста"},
		"role": {"partner"}, "lang": {"ru"},
	}
	res := cl.submit(t, "/ru/register", "/ru/register", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ru/register/sent" {
		t.Fatalf("register: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	u, err := ts.store.UserByEmail(context.Background(), "PETR@avtosever.ru")
	if err != nil || u.Status != "unconfirmed" || u.Role != "partner" || u.Phone != "+79123456789" || u.FullName != "Пётр Иванов" {
		t.Fatalf("user %+v %v", u, err)
	}
	var subject, body, lang string
	if err := ts.store.DB().Read.QueryRow(`SELECT subject, text_body, lang FROM outbox WHERE to_addr = ?`, u.Email).Scan(&subject, &body, &lang); err != nil {
		t.Fatal(err)
	}
	if lang != "ru" || !strings.Contains(subject, "Подтвердите") {
		t.Errorf("mail %q in %s", subject, lang)
	}
	link := body[strings.Index(body, "http://portal.test/ru/confirm?token="):]
	link = strings.TrimPrefix(strings.Fields(link)[0], "http://portal.test")
	page := cl.get(t, link)
	if page.StatusCode != 200 {
		t.Fatalf("confirm page: %d", page.StatusCode)
	}
	if u2, _ := ts.store.UserByID(context.Background(), u.ID); u2.Status != "unconfirmed" {
		t.Error("opening the link (a GET) changed the account")
	}
	token, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1])
	done := cl.submit(t, link, "/ru/confirm", url.Values{"token": {token.Get("token")}})
	if done.StatusCode != 200 {
		t.Fatalf("confirm: %d", done.StatusCode)
	}
	if u2, _ := ts.store.UserByID(context.Background(), u.ID); u2.Status != "pending" {
		t.Errorf("after confirming: %s", u2.Status)
	}
	again := cl.submit(t, "/ru/register", "/ru/confirm", url.Values{"token": {token.Get("token")}})
	if again.StatusCode != http.StatusBadRequest {
		t.Errorf("second use of the link: %d", again.StatusCode)
	}
	assertAudit(t, ts, "register", "email.confirmed")

	// The same email again: the same page, and a mail to the owner instead.
	cl2 := ts.newClient()
	cl2.ip = "198.51.100.7"
	res2 := cl2.submit(t, "/en/register", "/en/register", form)
	if res2.StatusCode != http.StatusSeeOther || res2.Header.Get("Location") != "/en/register/sent" {
		t.Errorf("duplicate registration answered differently: %d %q", res2.StatusCode, res2.Header.Get("Location"))
	}
	var n int
	ts.store.DB().Read.QueryRow(`SELECT count(*) FROM users WHERE email = ?`, u.Email).Scan(&n)
	if n != 1 {
		t.Errorf("%d accounts for one email", n)
	}
	ts.store.DB().Read.QueryRow(`SELECT count(*) FROM outbox WHERE to_addr = ? AND subject LIKE '%повторной%'`, u.Email).Scan(&n)
	if n != 1 {
		t.Error("the owner was not told of the second registration, in their language")
	}
}

func TestRegistrationBadInput(t *testing.T) {
	ts := newTestServer(t)
	good := url.Values{
		"full_name": {"Anna Petrova"}, "company": {"Volga Capital"}, "position": {""},
		"email": {"anna@volga.example"}, "phone": {"+7 495 123-45-67"}, "password": {"a long and fine passphrase"},
		"role": {"investor"}, "lang": {"en"},
	}
	cases := []struct {
		field, value, wantError string
	}{
		{"full_name", "", "Please fill in this field."},
		{"full_name", "<script>alert(1)</script>\u202e", "This field contains characters that are not allowed."},
		{"email", "not-an-email", "Enter an email address"},
		{"email", "Anna <anna@volga.example>", "Enter an email address"},
		{"phone", "8 (495) 123", "international form"},
		{"password", "short", "at least 12"},
		{"password", "123qweasdzxc", "too common"},
		{"password", strings.Repeat("x", 129), "at most 128"},
		{"role", "admin", "choose one"},
		{"lang", "de", "choose one"},
		{"company", strings.Repeat("Я", 301), "Too long"},
	}
	for _, tc := range cases {
		cl := ts.newClient()
		cl.ip = "198.51.100." + randomToken(1)[:1]
		form := url.Values{}
		for k, v := range good {
			form[k] = v
		}
		form.Set(tc.field, tc.value)
		res := cl.submit(t, "/en/register", "/en/register", form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s=%.30q: %d, want 422", tc.field, tc.value, res.StatusCode)
			continue
		}
		doc := res.doc(t)
		msg := doc.Find(`[data-field="` + tc.field + `"] [data-testid=field-error]`).Text()
		if !strings.Contains(msg, tc.wantError) {
			t.Errorf("%s: message %q, want it to contain %q", tc.field, msg, tc.wantError)
		}
		if v := doc.Find("#reg-company").AttrOr("value", ""); tc.field != "company" && v != "Volga Capital" {
			t.Errorf("%s: company not kept: %q", tc.field, v)
		}
		if doc.Find("#reg-password").AttrOr("value", "") != "" {
			t.Errorf("%s: password sent back", tc.field)
		}
		if strings.Contains(res.Body, "<script>alert") {
			t.Error("hostile text not escaped")
		}
	}
	var n int
	ts.store.DB().Read.QueryRow(`SELECT count(*) FROM users`).Scan(&n)
	if n != 0 {
		t.Errorf("%d accounts created from bad input", n)
	}
	// Invalid UTF-8 in a field is a malformed request.
	cl := ts.newClient()
	form := url.Values{}
	for k, v := range good {
		form[k] = v
	}
	form.Set("full_name", "\xff\xfe")
	if res := cl.submit(t, "/en/register", "/en/register", form); res.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid UTF-8: %d", res.StatusCode)
	}
	// An oversized body gets 413.
	big := ts.newClient()
	form.Set("full_name", strings.Repeat("a", 2<<20))
	form.Set("csrf", big.csrfFrom(t, "/en/register"))
	if res := big.post(t, "/en/register", form); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", res.StatusCode)
	}
	// The same without a Content-Length (chunked): still 413, not read.
	req := httptest.NewRequest(http.MethodPost, "/en/register", io.MultiReader(strings.NewReader(form.Encode())))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := big.send(t, req); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized chunked body: %d", res.StatusCode)
	}
	// A malformed body is 400.
	bad := httptest.NewRequest(http.MethodPost, "/en/register", strings.NewReader("csrf=%zz&a=%"))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := big.send(t, bad); res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed body: %d", res.StatusCode)
	}
}

func TestLoggedInGuestPagesRedirect(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "investor")
	for _, p := range []string{"/en/login", "/en/register"} {
		if res := cl.get(t, p); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/account" {
			t.Errorf("%s when logged in: %d %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	_ = db.ErrNotFound
}
