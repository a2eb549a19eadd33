package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// seedAccount makes an account with the given name, role, status and
// language directly in the store.
func seedAccount(t *testing.T, ts *testServer, email, name, role, status, lang string) db.User {
	t.Helper()
	return insertUser(t, ts, db.NewUser{Email: email, FullName: name, Company: "ООО «Тест»",
		Position: "Директор", Phone: "+79123456789", Role: role, Status: status, Lang: lang})
}

func accountByID(t *testing.T, ts *testServer, id int64) db.User {
	t.Helper()
	u, err := ts.store.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func openSessions(t *testing.T, ts *testServer, uid int64) int {
	t.Helper()
	n, err := ts.store.CountUserSessions(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// outboxMail is a message of the outbox.
type outboxMail struct{ Subject, Lang, Text string }

func outboxTo(t *testing.T, ts *testServer, email string) []outboxMail {
	t.Helper()
	rows, err := ts.store.DB().Read.Query(`SELECT subject, lang, text_body FROM outbox WHERE to_addr = ? ORDER BY id`, email)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxMail
	for rows.Next() {
		var m outboxMail
		if err := rows.Scan(&m.Subject, &m.Lang, &m.Text); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// auditFact is the part of an audit entry the tests check.
type auditFact struct {
	ActorID, TargetID int64
	Detail            string
}

func auditFacts(t *testing.T, ts *testServer, action string, target int64) []auditFact {
	t.Helper()
	rows, err := ts.store.DB().Read.Query(`SELECT COALESCE(actor_id, 0), COALESCE(target_id, 0), detail FROM audit_log
		WHERE action = ? AND target_id = ? ORDER BY id`, action, target)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditFact
	for rows.Next() {
		var r auditFact
		if err := rows.Scan(&r.ActorID, &r.TargetID, &r.Detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// wantSeeOther checks a 303 to want.
func wantSeeOther(t *testing.T, res response, want string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", res.StatusCode, res.Body)
	}
	if got := res.Header.Get("Location"); got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}
}

// wantSessionsEnded checks that the client's session is gone: the account
// page sends it to log in, and no session of the person is left.
func wantSessionsEnded(t *testing.T, ts *testServer, cl *client, uid int64) {
	t.Helper()
	res := cl.get(t, "/en/account")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/en/login?") {
		t.Errorf("after the change, GET /en/account: %d to %q, want 303 to /en/login?…", res.StatusCode, res.Header.Get("Location"))
	}
	if n := openSessions(t, ts, uid); n != 0 {
		t.Errorf("%d sessions left, want 0", n)
	}
}

func wantSessionAlive(t *testing.T, cl *client) {
	t.Helper()
	if res := cl.get(t, "/en/account"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /en/account: %d, want 200 (logged in)", res.StatusCode)
	}
}

func TestStaffApprovesRegistration(t *testing.T) {
	ts := newTestServer(t)
	staff, staffUser := loginAs(t, ts, "staff")
	p := seedAccount(t, ts, "petrov@example.ru", "Пётр Петров", "partner", "pending", "ru")
	seedAccount(t, ts, "waiting@example.com", "Not Confirmed", "investor", "unconfirmed", "en")

	res := staff.get(t, "/en/staff/registrations")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("queue: %d", res.StatusCode)
	}
	doc := res.doc(t)
	rows := doc.Find("[data-testid=registration]")
	if rows.Length() != 1 {
		t.Fatalf("%d rows in the queue, want 1 (the unconfirmed account does not wait for approval)", rows.Length())
	}
	row := rows.First()
	if got := row.AttrOr("data-user-id", ""); got != idString(p.ID) {
		t.Errorf("row of user %s, want %d", got, p.ID)
	}
	for _, want := range []string{"Пётр Петров", "ООО «Тест»", "Директор", "petrov@example.ru", "+79123456789", "Partner"} {
		if !strings.Contains(row.Text(), want) {
			t.Errorf("row lacks %q: %s", want, row.Text())
		}
	}

	res = staff.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p.ID)+"/approve", nil)
	wantSeeOther(t, res, "/en/staff/registrations?done=approved")
	doc = staff.get(t, res.Header.Get("Location")).doc(t)
	if doc.Find("[data-testid=notice]").Length() != 1 {
		t.Error("no notice after approving")
	}
	if doc.Find("[data-testid=registration]").Length() != 0 {
		t.Error("the approved registration is still in the queue")
	}
	if u := accountByID(t, ts, p.ID); u.Status != "active" || u.DecidedAt.IsZero() {
		t.Errorf("after approval: status %q, decided %v", u.Status, u.DecidedAt)
	}
	mails := outboxTo(t, ts, p.Email)
	if len(mails) != 1 {
		t.Fatalf("%d mails to the person, want 1", len(mails))
	}
	ru := ts.catalog.Locale("ru")
	if mails[0].Lang != "ru" || mails[0].Subject != ru.T("mail.approved.subject") {
		t.Errorf("mail %q in %s, want %q in ru", mails[0].Subject, mails[0].Lang, ru.T("mail.approved.subject"))
	}
	if !strings.Contains(mails[0].Text, "http://portal.test/ru/login") || !strings.Contains(mails[0].Text, "Партнёр") {
		t.Errorf("mail lacks the Russian login link or the role:\n%s", mails[0].Text)
	}
	audit := auditFacts(t, ts, "user.approved", p.ID)
	if len(audit) != 1 || audit[0].ActorID != staffUser.ID {
		t.Errorf("audit of the approval: %+v, want one by %d", audit, staffUser.ID)
	}

	// A second decision finds nothing waiting: a clear message, no change.
	res = staff.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p.ID)+"/approve", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("approving again: %d, want 422", res.StatusCode)
	}
	if res.doc(t).Find("[data-testid=action-error]").Length() != 1 {
		t.Error("no message saying the account is not pending")
	}
	res = staff.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p.ID)+"/reject", url.Values{"reason": {"Late second thoughts"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("rejecting an approved account: %d, want 422", res.StatusCode)
	}
	if u := accountByID(t, ts, p.ID); u.Status != "active" {
		t.Errorf("status %q after a refused rejection", u.Status)
	}
	if n := len(outboxTo(t, ts, p.Email)); n != 1 {
		t.Errorf("%d mails after refused actions, want still 1", n)
	}

	// The approved person can now log in.
	cl := ts.newClient()
	res = cl.submit(t, "/en/login", "/en/login", url.Values{"email": {p.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("login after approval: %d", res.StatusCode)
	}
}

func TestStaffCannotApproveStaffRole(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	admin, _ := loginAs(t, ts, "admin")
	p := seedAccount(t, ts, "raised@example.com", "Raised Role", "staff", "pending", "en")
	res := staff.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p.ID)+"/approve", nil)
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-testid=action-error]").Length() != 1 {
		t.Errorf("staff approving a staff account: %d, want 422 with a message", res.StatusCode)
	}
	if u := accountByID(t, ts, p.ID); u.Status != "pending" {
		t.Errorf("status %q, want still pending", u.Status)
	}
	res = admin.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p.ID)+"/approve", nil)
	wantSeeOther(t, res, "/en/staff/registrations?done=approved")
	if u := accountByID(t, ts, p.ID); u.Status != "active" {
		t.Errorf("status %q after an admin's approval", u.Status)
	}
}

func TestStaffRejectsRegistration(t *testing.T) {
	ts := newTestServer(t)
	staff, staffUser := loginAs(t, ts, "staff")
	p := seedAccount(t, ts, "smith@example.com", "John Smith", "investor", "pending", "en")
	action := "/en/staff/registrations/" + idString(p.ID) + "/reject"

	cases := []struct {
		name, reason, wantValue, wantErr string
	}{
		{"empty", "", "", "form.required"},
		{"blank", "   \n ", "", "form.required"},
		{"too long", strings.Repeat("слишком длинно ", 150), strings.TrimSpace(strings.Repeat("слишком длинно ", 150)), "form.too_long"},
	}
	en := ts.catalog.Locale("en")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := staff.submit(t, "/en/staff/registrations", action, url.Values{"reason": {tc.reason}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			doc := res.doc(t)
			row := doc.Find(`[data-testid=registration][data-user-id="` + idString(p.ID) + `"]`)
			if row.Length() != 1 {
				t.Fatal("the registration is not shown with its problem")
			}
			if _, open := row.Find("details").Attr("open"); !open {
				t.Error("the reject form is folded away")
			}
			if got := row.Find("[data-testid=field-error]").Text(); got != en.T(tc.wantErr) {
				t.Errorf("error %q, want %q", got, en.T(tc.wantErr))
			}
			if got := row.Find("textarea[name=reason]").Text(); got != tc.wantValue {
				t.Errorf("reason shown as %q, want the typed %q", got, tc.wantValue)
			}
			if u := accountByID(t, ts, p.ID); u.Status != "pending" {
				t.Errorf("status %q, want still pending", u.Status)
			}
		})
	}
	if n := len(outboxTo(t, ts, p.Email)); n != 0 {
		t.Fatalf("%d mails after refused rejections", n)
	}

	reason := "We cannot verify the company's registration documents."
	res := staff.submit(t, "/en/staff/registrations", action, url.Values{"reason": {reason}})
	wantSeeOther(t, res, "/en/staff/registrations?done=rejected")
	u := accountByID(t, ts, p.ID)
	if u.Status != "rejected" || u.RejectReason != reason {
		t.Errorf("after rejection: status %q, reason %q", u.Status, u.RejectReason)
	}
	mails := outboxTo(t, ts, p.Email)
	if len(mails) != 1 || mails[0].Lang != "en" || mails[0].Subject != en.T("mail.rejected.subject") || !strings.Contains(mails[0].Text, reason) {
		t.Errorf("rejection mail: %+v", mails)
	}
	audit := auditFacts(t, ts, "user.rejected", p.ID)
	if len(audit) != 1 || audit[0].ActorID != staffUser.ID || audit[0].Detail != reason {
		t.Errorf("audit of the rejection: %+v", audit)
	}
	// A rejected person cannot log in, and is told why.
	cl := ts.newClient()
	res = cl.submit(t, "/en/login", "/en/login", url.Values{"email": {p.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("login of a rejected account: %d, want 403", res.StatusCode)
	}
}

func TestAdminDisablesAndEnables(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	inv, invUser := loginAs(t, ts, "investor")
	// A second session of the same person, on another device.
	inv2 := ts.newClient()
	if res := inv2.submit(t, "/en/login", "/en/login", url.Values{"email": {invUser.Email}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", res.StatusCode)
	}
	wantSessionAlive(t, inv)
	page := "/en/admin/users/" + idString(invUser.ID)
	doc := admin.get(t, page).doc(t)
	if got := doc.Find("[data-testid=sessions]").Text(); got != "2" {
		t.Errorf("sessions shown: %q, want 2", got)
	}
	if doc.Find("[data-testid=disable]").Length() != 1 || doc.Find("[data-testid=enable]").Length() != 0 {
		t.Error("an active account should offer disable, not enable")
	}

	res := admin.submit(t, page, page+"/disable", nil)
	wantSeeOther(t, res, page+"?done=disabled")
	wantSessionsEnded(t, ts, inv, invUser.ID)
	wantSessionsEnded(t, ts, inv2, invUser.ID)
	if u := accountByID(t, ts, invUser.ID); u.Status != "disabled" {
		t.Errorf("status %q, want disabled", u.Status)
	}
	if a := auditFacts(t, ts, "user.disabled", invUser.ID); len(a) != 1 || a[0].ActorID != adminUser.ID || a[0].Detail != "sessions ended: 2" {
		t.Errorf("audit of disabling: %+v", a)
	}
	cl := ts.newClient()
	if res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {invUser.Email}, "password": {testPassword}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("login while disabled: %d, want 403", res.StatusCode)
	}
	// Disabling twice is refused with a message.
	if res := admin.submit(t, page, page+"/disable", nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("disabling a disabled account: %d, want 422", res.StatusCode)
	}

	doc = admin.get(t, page+"?done=disabled").doc(t)
	if doc.Find("[data-testid=notice]").Length() != 1 || doc.Find("[data-testid=enable]").Length() != 1 {
		t.Error("the disabled account's page lacks the notice or the enable button")
	}
	res = admin.submit(t, page, page+"/enable", nil)
	wantSeeOther(t, res, page+"?done=enabled")
	if u := accountByID(t, ts, invUser.ID); u.Status != "active" {
		t.Errorf("status %q after enabling", u.Status)
	}
	if a := auditFacts(t, ts, "user.enabled", invUser.ID); len(a) != 1 || a[0].ActorID != adminUser.ID {
		t.Errorf("audit of enabling: %+v", a)
	}
	if res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {invUser.Email}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login after enabling: %d", res.StatusCode)
	}
	if res := admin.submit(t, page, page+"/enable", nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("enabling an active account: %d, want 422", res.StatusCode)
	}
	// A bogus notice value shows nothing.
	if admin.get(t, page+"?done=<b>x</b>").doc(t).Find("[data-testid=notice]").Length() != 0 {
		t.Error("an unknown done value shows a notice")
	}
}

func TestRoleChangeEndsSessions(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	inv, invUser := loginAs(t, ts, "investor")
	wantSessionAlive(t, inv)
	page := "/en/admin/users/" + idString(invUser.ID)

	res := admin.submit(t, page, page+"/role", url.Values{"role": {"partner"}})
	wantSeeOther(t, res, page+"?done=role")
	wantSessionsEnded(t, ts, inv, invUser.ID)
	if u := accountByID(t, ts, invUser.ID); u.Role != "partner" {
		t.Errorf("role %q, want partner", u.Role)
	}
	if a := auditFacts(t, ts, "user.role_changed", invUser.ID); len(a) != 1 || a[0].ActorID != adminUser.ID || !strings.HasPrefix(a[0].Detail, "investor → partner") {
		t.Errorf("audit of the role change: %+v", a)
	}
	// Logging in again gives a session with the new role.
	if res := inv.submit(t, "/en/login", "/en/login", url.Values{"email": {invUser.Email}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login after the role change: %d", res.StatusCode)
	}
	if got := inv.get(t, "/en/account").doc(t).Find("[data-testid=who] .role-badge").Text(); got != "Partner" {
		t.Errorf("role shown after login: %q", got)
	}

	// The same role again changes nothing and keeps the sessions.
	res = admin.submit(t, page, page+"/role", url.Values{"role": {"partner"}})
	wantSeeOther(t, res, page+"?done=unchanged")
	if n := openSessions(t, ts, invUser.ID); n != 1 {
		t.Errorf("%d sessions after an unchanged role, want 1", n)
	}
	if a := auditFacts(t, ts, "user.role_changed", invUser.ID); len(a) != 1 {
		t.Errorf("%d role changes audited, want 1", len(a))
	}
	// Unknown roles are a problem of the form.
	res = admin.submit(t, page, page+"/role", url.Values{"role": {"superuser"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-testid=role-form] [data-testid=field-error]").Length() != 1 {
		t.Errorf("unknown role: %d", res.StatusCode)
	}
}

func TestAdminCannotDisableOrDemoteThemselves(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	page := "/en/admin/users/" + idString(adminUser.ID)
	doc := admin.get(t, page).doc(t)
	if doc.Find("[data-testid=disable]").Length() != 0 || doc.Find("[data-testid=role-form]").Length() != 0 {
		t.Error("an admin's own page offers disabling or a role change")
	}
	en := ts.catalog.Locale("en")
	cases := []struct {
		name, action string
		form         url.Values
		wantMsg      string
	}{
		{"disable", "/disable", nil, "admin.error.self_disable"},
		{"demote", "/role", url.Values{"role": {"staff"}}, "admin.error.self_role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := admin.submit(t, "/en/admin/users", page+tc.action, tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			if got := res.doc(t).Find("[data-testid=action-error]").Text(); got != en.T(tc.wantMsg) {
				t.Errorf("message %q, want %q", got, en.T(tc.wantMsg))
			}
		})
	}
	if u := accountByID(t, ts, adminUser.ID); u.Status != "active" || u.Role != "admin" {
		t.Errorf("admin is now %s/%s", u.Status, u.Role)
	}
	if res := admin.get(t, "/en/admin/users"); res.StatusCode != http.StatusOK {
		t.Errorf("admin lost access: %d", res.StatusCode)
	}
}

func TestAdminCreatesStaffAccount(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	const form = "/en/admin/users/new"
	en := ts.catalog.Locale("en")

	cases := []struct {
		name   string
		values url.Values
		field  string
		errID  string
	}{
		{"short password", url.Values{"full_name": {"Reza Ahmadi"}, "email": {"reza@ikco.example"}, "role": {"staff"}, "lang": {"fa"}, "password": {"short"}}, "password", "form.password_short"},
		{"investor role", url.Values{"full_name": {"Reza Ahmadi"}, "email": {"reza@ikco.example"}, "role": {"investor"}, "lang": {"fa"}, "password": {testPassword}}, "role", "form.choose"},
		{"taken email", url.Values{"full_name": {"Reza Ahmadi"}, "email": {adminUser.Email}, "role": {"staff"}, "lang": {"fa"}, "password": {testPassword}}, "email", "admin.error.email_taken"},
		{"no name", url.Values{"full_name": {""}, "email": {"reza@ikco.example"}, "role": {"staff"}, "lang": {"fa"}, "password": {testPassword}}, "full_name", "form.required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := admin.submit(t, form, form, tc.values)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			doc := res.doc(t)
			if got := doc.Find(`[data-field=` + tc.field + `] [data-testid=field-error]`).Text(); got != en.T(tc.errID) {
				t.Errorf("%s error %q, want %q", tc.field, got, en.T(tc.errID))
			}
			if got := doc.Find("input[name=email]").AttrOr("value", ""); got != tc.values.Get("email") {
				t.Errorf("email kept as %q", got)
			}
			if got := doc.Find("input[name=password]").AttrOr("value", ""); got != "" {
				t.Error("the password is sent back in the page")
			}
		})
	}

	res := admin.submit(t, form, form, url.Values{"full_name": {"Reza Ahmadi"}, "email": {"Reza@IKCO.example"}, "role": {"staff"}, "lang": {"fa"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "?done=created") {
		t.Fatalf("create: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	u, err := ts.store.UserByEmail(context.Background(), "reza@ikco.example")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != "staff" || u.Status != "active" || u.Lang != "fa" || u.FullName != "Reza Ahmadi" {
		t.Errorf("created %+v", u)
	}
	if res.Header.Get("Location") != "/en/admin/users/"+idString(u.ID)+"?done=created" {
		t.Errorf("redirect to %q", res.Header.Get("Location"))
	}
	if a := auditFacts(t, ts, "user.created", u.ID); len(a) != 1 || a[0].ActorID != adminUser.ID || a[0].Detail != "role: staff" {
		t.Errorf("audit of the creation: %+v", a)
	}

	staff := ts.newClient()
	res = staff.submit(t, "/en/login", "/en/login", url.Values{"email": {"reza@ikco.example"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the new staff member cannot log in: %d", res.StatusCode)
	}
	if res := staff.get(t, "/en/staff/registrations"); res.StatusCode != http.StatusOK {
		t.Errorf("new staff on the queue: %d", res.StatusCode)
	}
	if res := staff.get(t, "/en/admin/users"); res.StatusCode != http.StatusNotFound {
		t.Errorf("new staff on the admin list: %d, want 404", res.StatusCode)
	}
}

// listedAccounts returns the emails of the accounts listed on the page.
func listedAccounts(t *testing.T, cl *client, target string) []string {
	t.Helper()
	res := cl.get(t, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", target, res.StatusCode)
	}
	var out []string
	res.doc(t).Find("[data-testid=user-row]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-email", ""))
	})
	return out
}

func TestUserListSearchAndFilters(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	seedAccount(t, ts, "ivanov@example.ru", "Иванов Пётр Сергеевич", "investor", "active", "ru")
	seedAccount(t, ts, "semenov@example.ru", "Семёнов Олег", "partner", "pending", "ru")
	seedAccount(t, ts, "smith@example.com", "John Smith", "investor", "disabled", "en")

	cases := []struct {
		query string
		want  []string
	}{
		{"q=" + url.QueryEscape("иванов"), []string{"ivanov@example.ru"}},
		{"q=" + url.QueryEscape("ИВАНОВ"), []string{"ivanov@example.ru"}},
		{"q=" + url.QueryEscape("петр"), []string{"ivanov@example.ru"}},
		{"q=" + url.QueryEscape("семенов"), []string{"semenov@example.ru"}},
		{"q=" + url.QueryEscape("SMITH"), []string{"smith@example.com"}},
		{"q=" + url.QueryEscape("тест"), []string{"smith@example.com", "semenov@example.ru", "ivanov@example.ru"}},
		{"q=" + url.QueryEscape("100%"), nil},
		{"role=investor", []string{"smith@example.com", "ivanov@example.ru"}},
		{"role=partner", []string{"semenov@example.ru"}},
		{"role=admin", []string{adminUser.Email}},
		{"status=disabled", []string{"smith@example.com"}},
		{"status=pending", []string{"semenov@example.ru"}},
		{"role=investor&status=active", []string{"ivanov@example.ru"}},
		{"q=" + url.QueryEscape("example.ru") + "&role=partner", []string{"semenov@example.ru"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			got := listedAccounts(t, admin, "/en/admin/users?"+tc.query)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
		})
	}
	// The filters are kept in the form and the page links.
	doc := admin.get(t, "/en/admin/users?q="+url.QueryEscape("Иванов")+"&role=investor").doc(t)
	if got := doc.Find("main input[name=q]").AttrOr("value", ""); got != "Иванов" {
		t.Errorf("search kept as %q", got)
	}
	if got := doc.Find("select[name=role] option[selected]").AttrOr("value", ""); got != "investor" {
		t.Errorf("role filter kept as %q", got)
	}
	if doc.Find("[data-testid=reset]").Length() != 1 {
		t.Error("no reset link on a filtered list")
	}

	for _, bad := range []string{"role=superuser", "status=deleted", "page=0", "page=x", "q=%00"} {
		if res := admin.get(t, "/en/admin/users?"+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
	if res := admin.get(t, "/en/admin/users?page=2"); res.StatusCode != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", res.StatusCode)
	}
}

func TestUserListPaginates(t *testing.T) {
	ts := newTestServer(t)
	admin, _ := loginAs(t, ts, "admin")
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		for i := range 60 {
			if _, err := tx.CreateUser(db.NewUser{Email: "bulk" + strconv.Itoa(i) + "@example.com", PasswordHash: "x", FullName: "Bulk",
				Role: "investor", Status: "active", Lang: "en", Now: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first := listedAccounts(t, admin, "/en/admin/users?role=investor")
	second := listedAccounts(t, admin, "/en/admin/users?role=investor&page=2")
	if len(first) != adminPerPage || len(second) != 60-adminPerPage {
		t.Errorf("pages of %d and %d, want %d and %d", len(first), len(second), adminPerPage, 60-adminPerPage)
	}
	doc := admin.get(t, "/en/admin/users?role=investor").doc(t)
	if href := doc.Find("[data-testid=pagination] a[rel=next]").AttrOr("href", ""); href != "/en/admin/users?page=2&role=investor" {
		t.Errorf("next page link %q keeps no filter", href)
	}
}

func TestBadIDsAreNotFound(t *testing.T) {
	ts := newTestServer(t)
	admin, _ := loginAs(t, ts, "admin")
	for _, p := range []string{"/en/admin/users/abc", "/en/admin/users/0", "/en/admin/users/-3", "/en/admin/users/99999", "/en/admin/users/1e3"} {
		if res := admin.get(t, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	for _, p := range []string{"/en/admin/users/99999/disable", "/en/admin/users/x/enable", "/en/admin/users/99999/approve",
		"/en/staff/registrations/99999/approve", "/en/staff/registrations/abc/reject"} {
		if res := admin.submit(t, "/en/admin/users", p, url.Values{"reason": {"Some reason"}, "role": {"partner"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
		}
	}
}

func TestAdminDecidesFromAccountPage(t *testing.T) {
	ts := newTestServer(t)
	admin, _ := loginAs(t, ts, "admin")
	a := seedAccount(t, ts, "a@example.fa", "علی رضایی", "partner", "pending", "fa")
	b := seedAccount(t, ts, "b@example.com", "Bea Miller", "investor", "pending", "en")
	pa, pb := "/en/admin/users/"+idString(a.ID), "/en/admin/users/"+idString(b.ID)

	if res := admin.submit(t, pa, pa+"/approve", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	mails := outboxTo(t, ts, a.Email)
	fa := ts.catalog.Locale("fa")
	if len(mails) != 1 || mails[0].Lang != "fa" || mails[0].Subject != fa.T("mail.approved.subject") || !strings.Contains(mails[0].Text, "/fa/login") {
		t.Errorf("approval mail in Persian: %+v", mails)
	}
	res := admin.submit(t, pb, pb+"/reject", url.Values{"reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-testid=reject-form] [data-testid=field-error]").Length() != 1 {
		t.Errorf("reject without reason: %d", res.StatusCode)
	}
	if res := admin.submit(t, pb, pb+"/reject", url.Values{"reason": {"Incomplete company details"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", res.StatusCode)
	}
	if u := accountByID(t, ts, b.ID); u.Status != "rejected" {
		t.Errorf("status %q", u.Status)
	}
	// Deciding again is refused with a message.
	for _, p := range []string{pa + "/approve", pb + "/reject"} {
		res := admin.submit(t, pa, p, url.Values{"reason": {"Again"}})
		if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-testid=action-error]").Length() != 1 {
			t.Errorf("%s on a decided account: %d", p, res.StatusCode)
		}
	}
	doc := admin.get(t, pb).doc(t)
	if !strings.Contains(doc.Find("[data-testid=user-facts]").Text(), "Incomplete company details") {
		t.Error("the reason is not on the account page")
	}
	if doc.Find("[data-testid=audit-row][data-action='user.rejected']").Length() != 1 {
		t.Error("the account's history lacks the rejection")
	}
}

// staffAdminPaths are every staff and admin route of the policy table, with
// :id filled in: a proposal's id on proposal routes, else the account's.
func staffAdminPaths(uid, pid int64, inq inquiryFixture) (gets, posts []string) {
	for k := range policy {
		method, path, _ := strings.Cut(k, " ")
		if !strings.HasPrefix(path, "/admin") && !strings.HasPrefix(path, "/staff") {
			continue
		}
		id := uid
		if strings.HasPrefix(path, "/staff/proposals/") {
			id = pid
		}
		if strings.HasPrefix(path, "/staff/inquiries/") {
			id = inq.id
			path = strings.ReplaceAll(path, ":att", idString(inq.attID))
		}
		path = "/en" + strings.ReplaceAll(path, ":id", idString(id))
		if method == "GET" {
			gets = append(gets, path)
		} else {
			posts = append(posts, path)
		}
	}
	return gets, posts
}

func TestStaffAndAdminPagesHiddenFromOthers(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	p := seedAccount(t, ts, "pending@example.com", "Pending Person", "investor", "pending", "en")
	fx := newProposalFixture(t, ts)
	gets, posts := staffAdminPaths(p.ID, fx.id, newInquiryFixture(t, ts, p))
	// The offer editor's :id names an offer.
	draft := seedOffers(t, ts).draft
	for i, g := range gets {
		if strings.HasPrefix(g, "/en/staff/offers/"+idString(p.ID)) {
			gets[i] = strings.Replace(g, "/en/staff/offers/"+idString(p.ID), "/en/staff/offers/"+idString(draft), 1)
		}
	}
	// The shipment record pages' :id names a shipment record.
	shipment := seedShipment(t, ts)
	for i, g := range gets {
		if strings.HasPrefix(g, "/en/staff/shipments/"+idString(p.ID)) {
			gets[i] = strings.Replace(g, "/en/staff/shipments/"+idString(p.ID), "/en/staff/shipments/"+idString(shipment), 1)
		}
	}
	if len(gets) < 5 || len(posts) < 8 {
		t.Fatalf("only %d GET and %d POST routes found", len(gets), len(posts))
	}
	visitor := ts.newClient()
	visitor.get(t, "/en/login") // a session with a CSRF token, so POSTs reach the guard
	clients := map[string]*client{"visitor": visitor}
	for _, role := range []string{"investor", "partner", "staff"} {
		clients[role], _ = loginAs(t, ts, role)
	}
	for role, cl := range clients {
		t.Run(role, func(t *testing.T) {
			for _, g := range gets {
				want := http.StatusNotFound
				if role == "staff" && strings.HasPrefix(g, "/en/staff/") {
					want = http.StatusOK
				}
				if res := cl.get(t, g); res.StatusCode != want {
					t.Errorf("GET %s: %d, want %d", g, res.StatusCode, want)
				}
			}
			for _, ps := range posts {
				if role == "staff" && strings.HasPrefix(ps, "/en/staff/") {
					continue
				}
				// Visitors read a CSRF token from the login page, logged-in
				// people (whom it redirects) from their account page.
				page := "/en/account"
				if role == "visitor" {
					page = "/en/login"
				}
				res := cl.submit(t, page, ps, url.Values{"reason": {"No"}, "role": {"admin"}})
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", ps, res.StatusCode)
				}
			}
		})
	}
	if u := accountByID(t, ts, p.ID); u.Status != "pending" || u.Role != "investor" {
		t.Errorf("the account changed: %s/%s", u.Status, u.Role)
	}
}

func TestAuditPageFilters(t *testing.T) {
	ts := newTestServer(t)
	admin, adminUser := loginAs(t, ts, "admin")
	staff, staffUser := loginAs(t, ts, "staff")
	p1 := seedAccount(t, ts, "one@example.com", "One", "investor", "pending", "en")
	p2 := seedAccount(t, ts, "two@example.com", "Two", "partner", "pending", "en")
	staff.submit(t, "/en/staff/registrations", "/en/staff/registrations/"+idString(p1.ID)+"/approve", nil)
	admin.submit(t, "/en/admin/users", "/en/admin/users/"+idString(p2.ID)+"/reject", url.Values{"reason": {"No documents"}})

	rows := func(query string) []*goquery.Selection {
		t.Helper()
		res := admin.get(t, "/en/admin/audit?"+query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("audit?%s: %d", query, res.StatusCode)
		}
		var out []*goquery.Selection
		res.doc(t).Find("[data-testid=audit] [data-testid=audit-row]").Each(func(_ int, s *goquery.Selection) { out = append(out, s) })
		return out
	}
	all := rows("")
	if len(all) < 4 {
		t.Fatalf("%d entries, want logins, the approval and the rejection", len(all))
	}
	if got := all[0].AttrOr("data-action", ""); got != "user.rejected" {
		t.Errorf("newest entry is %q, want user.rejected", got)
	}

	approved := rows("action=user.approved")
	if len(approved) != 1 || !strings.Contains(approved[0].Text(), staffUser.Email) {
		t.Errorf("action filter: %d rows", len(approved))
	}
	byStaff := rows("actor=" + url.QueryEscape(strings.ToUpper(staffUser.Email[:8])))
	if len(byStaff) != 2 {
		t.Errorf("actor filter: %d rows, want the staff login and approval", len(byStaff))
	}
	for _, r := range byStaff {
		if !strings.Contains(r.Text(), staffUser.Email) {
			t.Errorf("row by someone else: %s", r.Text())
		}
	}
	if got := rows("action=login.ok&actor=" + url.QueryEscape(adminUser.Email)); len(got) != 1 {
		t.Errorf("action and actor: %d rows, want the admin's login", len(got))
	}
	if got := rows("user=" + idString(p2.ID)); len(got) != 1 || got[0].AttrOr("data-action", "") != "user.rejected" {
		t.Errorf("entries about one account: %d", len(got))
	}
	zone := i18n.MustLoad().Locale("en").Zone()
	today := time.Now().In(zone)
	day := func(d time.Time) string { return d.Format("2006-01-02") }
	if got := rows("from=" + day(today) + "&to=" + day(today)); len(got) != len(all) {
		t.Errorf("today: %d rows, want %d", len(got), len(all))
	}
	if got := rows("from=" + day(today.AddDate(0, 0, 1))); len(got) != 0 {
		t.Errorf("from tomorrow: %d rows", len(got))
	}
	if got := rows("to=" + day(today.AddDate(0, 0, -1))); len(got) != 0 {
		t.Errorf("until yesterday: %d rows", len(got))
	}
	doc := admin.get(t, "/en/admin/audit?action=user.approved").doc(t)
	if got := doc.Find("select[name=action] option[selected]").AttrOr("value", ""); got != "user.approved" {
		t.Errorf("action filter kept as %q", got)
	}
	for _, bad := range []string{"action=user.deleted", "from=2026-13-01", "to=yesterday", "page=-1", "user=x"} {
		if res := admin.get(t, "/en/admin/audit?"+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

func TestAdminPagesInEveryLanguage(t *testing.T) {
	ts := newTestServer(t)
	admin, _ := loginAs(t, ts, "admin")
	p := seedAccount(t, ts, "page@example.ru", "Анна Смирнова", "partner", "pending", "ru")
	paths := []string{"/staff/registrations", "/admin/users", "/admin/users/new", "/admin/users/" + idString(p.ID), "/admin/audit"}
	for _, lang := range []string{"ru", "en", "fa"} {
		for _, path := range paths {
			full := "/" + lang + path
			t.Run(full, func(t *testing.T) {
				res := admin.get(t, full)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				doc := checkPage(t, lang, res, full)
				if doc.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
					t.Error("an admin page may be indexed")
				}
				if doc.Find("[data-testid=admin-nav]").Length() != 1 {
					t.Error("no admin navigation")
				}
			})
		}
	}
}
