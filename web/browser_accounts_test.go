package web

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ikco/partner-portal/views/i18n"
)

// TestBrowserRegistrationFlow is the accounts issue's way through the
// portal as people take it: someone registers in Russian, follows the
// confirmation link from the mail the SMTP server received, an admin
// approves the registration, and the person logs in, sees their one
// session marked as this device and logs out. Every page is checked with
// axe and photographed.
func TestBrowserRegistrationFlow(t *testing.T) {
	// newBrowser's own portal is not used: this one sends mail, and its
	// BaseURL, for the links in mails, must be the address the browser
	// opens. The listener exists before the server starts, so the handler
	// is complete before any request can come.
	ctx, _ := newBrowser(t)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	ts := newTestServer(t, func(c *Config) { c.BaseURL = base })
	srv.Config.Handler = ts
	srv.Start()
	t.Cleanup(srv.Close)

	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	mailer := newTestMailer(ts.store, port, nil, nil)
	ts.SetMailWake(mailer.Wake())
	mctx, stopMailer := context.WithCancel(context.Background())
	mailerDone := make(chan struct{})
	go func() { mailer.Run(mctx); close(mailerDone) }()
	// Cleanups run last-registered first: the sender stops before the
	// database it reads closes.
	t.Cleanup(func() { stopMailer(); <-mailerDone })

	catalog := i18n.MustLoad()
	ru, en := catalog.Locale("ru"), catalog.Locale("en")
	admin := createUser(t, ts, "admin-flow@example.com", "admin", "active")
	const email = "ivan.petrov@example.ru"

	// 1. The registration form, filled in by typing.
	visit(t, ctx, base+"/ru/register", 200)
	runAxe(t, ctx, "ru register")
	fields := []struct{ sel, text string }{
		{"#reg-full_name", "Иван Петров"},
		{"#reg-company", "ООО «Автоимпорт»"},
		{"#reg-position", "Директор по закупкам"},
		{"#reg-email", email},
		{"#reg-phone", "+7 912 345-67-89"},
		{"#reg-password", testPassword},
	}
	for _, f := range fields {
		typeInto(t, ctx, f.sel, f.text)
	}
	choose(t, ctx, "#reg-role", "partner")
	choose(t, ctx, "#reg-lang", "ru")
	screenshot(t, ctx, "reg-1-ru-register")

	clickAndWait(t, ctx, "form[data-testid=register-form] button[type=submit]")
	wantPage(t, ctx, "/ru/register/sent", ru.T("register.sent_title"))
	runAxe(t, ctx, "ru register sent")
	screenshot(t, ctx, "reg-2-ru-register-sent")

	// 2. The mail, as the SMTP server received it, and its link.
	waitFor(t, func() bool { return len(be.received()) == 1 }, "the confirmation mail")
	got := be.received()[0]
	if len(got.To) != 1 || got.To[0] != email {
		t.Fatalf("confirmation mail went to %q, want %s", got.To, email)
	}
	pm := parseMail(t, got.Data)
	if want := ru.T("mail.confirm.subject"); pm.Subject != want {
		t.Errorf("confirmation mail subject %q, want %q", pm.Subject, want)
	}
	linkRE := regexp.MustCompile(regexp.QuoteMeta(base+"/ru/confirm?token=") + `[A-Za-z0-9_-]+`)
	link := linkRE.FindString(pm.Text)
	if link == "" {
		t.Fatalf("no link to %s/ru/confirm in the mail's text:\n%s", base, pm.Text)
	}

	visit(t, ctx, link, 200)
	wantPage(t, ctx, "/ru/confirm", ru.T("confirm.title"))
	runAxe(t, ctx, "ru confirm")
	screenshot(t, ctx, "reg-3-ru-confirm")

	clickAndWait(t, ctx, "[data-testid=message-submit]")
	wantPage(t, ctx, "/ru/confirm", ru.T("confirm.done_title"))
	runAxe(t, ctx, "ru confirmed")
	screenshot(t, ctx, "reg-4-ru-confirmed")

	// 3. An admin approves the registration, then logs out.
	visit(t, ctx, base+"/en/login", 200)
	runAxe(t, ctx, "en login")
	typeInto(t, ctx, "#login-email", admin.Email)
	typeInto(t, ctx, "#login-password", testPassword)
	screenshot(t, ctx, "reg-5-en-login-admin")
	clickAndWait(t, ctx, "form[data-testid=login-form] button[type=submit]")
	wantPage(t, ctx, "/en/account", en.T("account.title"))
	runAxe(t, ctx, "en account (admin)")

	clickAndWait(t, ctx, "[data-testid=nav-registrations]")
	wantPage(t, ctx, "/en/staff/registrations", en.T("admin.registrations.title"))
	runAxe(t, ctx, "en staff registrations")
	screenshot(t, ctx, "reg-6-en-staff-registrations")
	id := eval[string](t, ctx, `(r => r ? r.dataset.userId : '')(Array.from(
		document.querySelectorAll('[data-testid=registration]')).find(r => r.textContent.includes(`+strconv.Quote(email)+`)))`)
	if id == "" {
		t.Fatalf("the registrations list has no row for %s", email)
	}
	clickAndWait(t, ctx, "[data-testid=registration][data-user-id='"+id+"'] [data-testid=approve]")
	if u := mustParse(t, location(t, ctx)); u.Path != "/en/staff/registrations" || u.Query().Get("done") != "approved" {
		t.Fatalf("after approving: at %s, want /en/staff/registrations?done=approved", u)
	}
	if notice := eval[string](t, ctx, `(n => n ? n.textContent.trim() : '')(document.querySelector('[data-testid=notice]'))`); notice != en.T("admin.done.approved") {
		t.Errorf("after approving: notice %q, want %q", notice, en.T("admin.done.approved"))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("[data-testid=registration][data-user-id='`+id+`']").length`); n != 0 {
		t.Error("the approved registration is still in the list")
	}
	runAxe(t, ctx, "en staff registrations, approved")
	screenshot(t, ctx, "reg-7-en-staff-approved")

	clickAndWait(t, ctx, "[data-testid=logout]")
	wantLoggedOut(t, ctx, "/en/")
	runAxe(t, ctx, "en home after the admin's logout")

	// The approval mail, in the person's language.
	waitFor(t, func() bool { return len(be.received()) == 2 }, "the approval mail")
	approval := parseMail(t, be.received()[1].Data)
	if want := ru.T("mail.approved.subject"); approval.Subject != want {
		t.Errorf("approval mail subject %q, want %q", approval.Subject, want)
	}
	if !strings.Contains(approval.Text, base+"/ru/login") {
		t.Errorf("approval mail does not link %s/ru/login:\n%s", base, approval.Text)
	}

	// 4. The person logs in, sees their session, and logs out.
	visit(t, ctx, base+"/ru/login", 200)
	runAxe(t, ctx, "ru login")
	typeInto(t, ctx, "#login-email", email)
	typeInto(t, ctx, "#login-password", testPassword)
	clickAndWait(t, ctx, "form[data-testid=login-form] button[type=submit]")
	wantPage(t, ctx, "/ru/account", ru.T("account.title"))
	if who := eval[string](t, ctx, `document.querySelector('[data-testid=who] bdi').textContent`); who != "Иван Петров" {
		t.Errorf("header shows %q logged in, want Иван Петров", who)
	}
	type sessionRow struct {
		Current    bool   `json:"current"`
		ThisDevice string `json:"thisDevice"`
		Device     string `json:"device"`
		IP         string `json:"ip"`
		EndButton  bool   `json:"endButton"`
	}
	rows := eval[[]sessionRow](t, ctx, `Array.from(document.querySelectorAll('[data-testid=sessions] [data-testid=session]'), r => ({
		current: r.hasAttribute('data-current'),
		thisDevice: (e => e ? e.textContent.trim() : '')(r.querySelector('[data-testid=this-device]')),
		device: r.querySelector('[data-testid=session-device]').textContent.trim(),
		ip: r.querySelector('[data-testid=session-ip]').textContent.trim(),
		endButton: r.querySelector('[data-testid=end-session]') !== null,
	}))`)
	if len(rows) != 1 {
		t.Fatalf("the account page lists %d sessions, want 1: %+v", len(rows), rows)
	}
	want := sessionRow{Current: true, ThisDevice: ru.T("account.this_device"), Device: rows[0].Device, IP: "127.0.0.1"}
	if rows[0] != want || rows[0].Device == "" {
		t.Errorf("session row %+v, want %+v with a device", rows[0], want)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=no-others]').length`); n != 1 {
		t.Error("the account page does not say there are no other sessions")
	}
	runAxe(t, ctx, "ru account")
	screenshot(t, ctx, "reg-8-ru-account")

	clickAndWait(t, ctx, "[data-testid=logout]")
	wantLoggedOut(t, ctx, "/ru/")
	runAxe(t, ctx, "ru home after logout")
	screenshot(t, ctx, "reg-9-ru-home-logged-out")
}

// typeInto types text into the field sel matches, key by key.
func typeInto(t testing.TB, ctx context.Context, sel, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
	if got := eval[string](t, ctx, `document.querySelector(`+strconv.Quote(sel)+`).value`); got != text {
		t.Fatalf("%s holds %q after typing %q", sel, got, text)
	}
}

// choose picks the option with value in the select sel matches; it fails
// when the select has no such option.
func choose(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("choose %s in %s: %v", value, sel, err)
	}
	if got := eval[string](t, ctx, `document.querySelector(`+strconv.Quote(sel)+`).value`); got != value {
		t.Fatalf("%s has no option %q (value %q)", sel, value, got)
	}
}

// wantPage checks the browser is at path and the page's heading is title.
func wantPage(t testing.TB, ctx context.Context, path, title string) {
	t.Helper()
	if got := mustParse(t, location(t, ctx)).Path; got != path {
		t.Fatalf("at %s, want %s", got, path)
	}
	if got := eval[string](t, ctx, `document.querySelector('main h1').textContent.trim()`); got != title {
		t.Fatalf("%s: heading %q, want %q", path, got, title)
	}
}

// wantLoggedOut checks the browser is at path with nobody logged in: the
// header offers the login link again.
func wantLoggedOut(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	if got := mustParse(t, location(t, ctx)).Path; got != path {
		t.Fatalf("after logging out: at %s, want %s", got, path)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=who], [data-testid=logout]').length`); n != 0 {
		t.Errorf("%s after logging out: the header still shows someone logged in", path)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=login-link]').length`); n != 1 {
		t.Errorf("%s after logging out: no login link in the header", path)
	}
}
