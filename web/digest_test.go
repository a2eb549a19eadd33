package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// TestDigestDue: the moment a digest was last due, in the person's zone,
// for zones with and without daylight saving time.
func TestDigestDue(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name string
		now  string
		loc  *time.Location
		hour int
		want string
	}{
		{"Moscow 09:00 not yet come", "2026-12-01T05:59:00Z", digestLocation("", "ru"), 9, "2026-11-30T06:00:00Z"},
		{"Moscow 09:00 just come", "2026-12-01T06:00:00Z", digestLocation("", "en"), 9, "2026-12-01T06:00:00Z"},
		{"Tehran 21:00 (UTC+3:30)", "2026-12-01T18:00:00Z", digestLocation("", "fa"), 21, "2026-12-01T17:30:00Z"},
		{"Tehran midnight", "2026-12-01T20:29:00Z", digestLocation("", "fa"), 0, "2026-11-30T20:30:00Z"},
		{"Vladivostok 07:00 is the evening before in UTC", "2026-12-01T21:00:00Z", digestLocation("Asia/Vladivostok", "ru"), 7, "2026-12-01T21:00:00Z"},
		{"an unknown zone counts as the language's", "2026-12-01T06:00:00Z", digestLocation("Mars/Base", "ru"), 9, "2026-12-01T06:00:00Z"},
		{"Berlin on the day summer time starts", "2026-03-29T12:00:00Z", berlin, 9, "2026-03-29T07:00:00Z"},
		{"Berlin the day before", "2026-03-28T12:00:00Z", berlin, 9, "2026-03-28T08:00:00Z"},
		{"Berlin, due yesterday across the change", "2026-03-29T06:30:00Z", berlin, 9, "2026-03-28T08:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := digestDue(utc(c.now), c.loc, c.hour); !got.Equal(utc(c.want)) {
				t.Errorf("digestDue(%s, %s, %d) = %s, want %s", c.now, c.loc, c.hour, got.UTC().Format(time.RFC3339), c.want)
			}
		})
	}
}

// TestDigestAtEachPersonsHour: three people chose the daily digest at
// their own hour (Moscow 09:00 by their language, Tehran 21:00 by theirs,
// 07:00 in Vladivostok by choice). With the clock moved on half an hour at
// a time, each gets one digest at their hour, not before and never twice
// (a restarted server sends nothing again); news after a digest waits for
// the next day's; the mails reach a real SMTP server in each person's
// language.
func TestDigestAtEachPersonsHour(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	clk := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	ts.now = clk.now
	staff, _ := loginAs(t, ts, "staff")
	type person struct {
		cl               *client
		u                db.User
		lang, hour, zone string
	}
	people := map[string]*person{"ru": {lang: "ru"}, "fa": {lang: "fa", hour: "21"}, "vl": {lang: "en", hour: "7", zone: "Asia/Vladivostok"}}
	var users []db.User
	for _, key := range []string{"ru", "fa", "vl"} {
		p := people[key]
		p.cl, p.u = loginAs(t, ts, "investor")
		if _, err := ts.store.DB().Write.Exec(`UPDATE users SET lang = ? WHERE id = ?`, p.lang, p.u.ID); err != nil {
			t.Fatal(err)
		}
		p.u.Lang = p.lang
		form := url.Values{"notify": {"digest"}}
		if p.hour != "" {
			form.Set("digest_hour", p.hour)
			form.Set("time_zone", p.zone)
		}
		if res := p.cl.submit(t, "/en/notifications", "/en/notifications/preference", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: preference: %d", key, res.StatusCode)
		}
		users = append(users, p.u)
	}
	if got := people["vl"].cl.get(t, "/en/notifications").doc(t).Find("[data-testid=digest-at]").Text(); got != "Your digest comes every day at 07:00, Vladivostok time (UTC+10)." {
		t.Errorf("digest time shown: %q", got)
	}
	if got := people["fa"].cl.get(t, "/fa/notifications").doc(t).Find("[data-testid=digest-at]").Text(); !strings.Contains(got, "۲۱:۰۰") || !strings.Contains(got, "تهران") {
		t.Errorf("digest time shown in Persian: %q", got)
	}
	for key, want := range map[string]db.NotifyPrefs{"ru": {Notify: "digest", DigestHour: 9}, "fa": {Notify: "digest", DigestHour: 21},
		"vl": {Notify: "digest", DigestHour: 7, TimeZone: "Asia/Vladivostok"}} {
		if got, err := ts.store.NotifyPrefs(context.Background(), people[key].u.ID); err != nil || got != want {
			t.Errorf("%s: stored preferences %+v %v, want %+v", key, got, err, want)
		}
	}

	fx := newProposalFixture(t, ts, users...)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	note := func(text string) {
		t.Helper()
		if res := staff.submit(t, page, page+"/notes", url.Values{"note": {text}, "visibility": {"shared"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("note: %d", res.StatusCode)
		}
	}
	note("First shared note") // at 2026-12-01 00:00 UTC

	digestsTo := func(email string) int {
		n := 0
		for _, m := range outbox(t, ts.store) {
			if m.To == email {
				n++
			}
		}
		return n
	}
	sentAt := map[string][]string{}
	end := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	for clk.now().Before(end) {
		clk.add(30 * time.Minute)
		before := map[string]int{}
		for key, p := range people {
			before[key] = digestsTo(p.u.Email)
		}
		if _, err := ts.SendDigests(context.Background(), clk.now()); err != nil {
			t.Fatal(err)
		}
		for key, p := range people {
			if digestsTo(p.u.Email) > before[key] {
				sentAt[key] = append(sentAt[key], clk.now().Format("01-02 15:04"))
			}
		}
		switch clk.now() {
		case time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC):
			// A restarted portal at the same moment sends nothing again.
			restarted := newTestServerWith(t, ts.store)
			if n, err := restarted.SendDigests(context.Background(), clk.now()); n != 0 || err != nil {
				t.Errorf("after a restart at the digest hour: %d sent, %v; want 0", n, err)
			}
		case time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC):
			note("Second shared note") // after the Moscow digest: waits for the next one
		}
	}
	want := map[string][]string{
		"ru": {"12-01 06:00", "12-02 06:00"}, // 09:00 Moscow time, both days
		"fa": {"12-01 17:30"},                // 21:00 Tehran time (the second note came before it)
		"vl": {"12-01 21:00"},                // 07:00 on 2 December in Vladivostok
	}
	for key, w := range want {
		if strings.Join(sentAt[key], ",") != strings.Join(w, ",") {
			t.Errorf("%s: digests queued at %v, want %v", key, sentAt[key], w)
		}
	}

	// The mails go through the SMTP server, in each person's language.
	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	total := 0
	for _, w := range want {
		total += len(w)
	}
	sendDue(t, newTestMailer(ts.store, port, clk, nil), total, false)
	texts := map[string][]string{}
	for _, m := range be.received() {
		for key, p := range people {
			if m.To[0] == p.u.Email {
				texts[key] = append(texts[key], parseMail(t, m.Data).Text)
			}
		}
	}
	// Each Russian digest carries one note: the first at 03:00, the second
	// at 10:00 Moscow time.
	if len(texts["ru"]) != 2 || strings.Count(texts["ru"][0], "Новая заметка: Тестовое предложение (1 декабря 2026 г., 03:00") != 1 ||
		strings.Count(texts["ru"][1], "Новая заметка: Тестовое предложение (1 декабря 2026 г., 10:00") != 1 ||
		strings.Count(texts["ru"][0]+texts["ru"][1], "Новая заметка") != 2 {
		t.Errorf("Russian digests: %q", texts["ru"])
	}
	if len(texts["fa"]) != 1 || !strings.Contains(texts["fa"][0], "پیشنهاد آزمایشی") || strings.Count(texts["fa"][0], "پیشنهاد آزمایشی") != 2 {
		t.Errorf("Persian digest (two notes): %q", texts["fa"])
	}
	if len(texts["vl"]) != 1 || !strings.Contains(texts["vl"][0], "Test proposal") {
		t.Errorf("English digest: %q", texts["vl"])
	}
}

// TestDigestPreferenceRefusesBadInput: an hour or a zone that the form
// does not offer is refused with a message next to the field (422), the
// choices kept, nothing stored.
func TestDigestPreferenceRefusesBadInput(t *testing.T) {
	ts := newTestServer(t)
	cl, u := loginAs(t, ts, "partner")
	cases := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"hour 24", url.Values{"notify": {"digest"}, "digest_hour": {"24"}, "time_zone": {""}}, "#digest-hour"},
		{"hour not a number", url.Values{"notify": {"digest"}, "digest_hour": {"nine"}, "time_zone": {""}}, "#digest-hour"},
		{"zone not offered", url.Values{"notify": {"digest"}, "digest_hour": {"9"}, "time_zone": {"Mars/Base"}}, "#time-zone"},
		{"zone path", url.Values{"notify": {"digest"}, "digest_hour": {"9"}, "time_zone": {"../../etc/passwd"}}, "#time-zone"},
		{"unknown choice", url.Values{"notify": {"sometimes"}, "digest_hour": {"9"}, "time_zone": {""}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := cl.submit(t, "/en/notifications", "/en/notifications/preference", c.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d, want 422", res.StatusCode)
			}
			doc := res.doc(t)
			var msg string
			if c.field != "" {
				msg = doc.Find(c.field).Closest(".field").Find(".field-error").Text()
			} else {
				msg = doc.Find("[data-testid=notify-pref] fieldset .field-error").Text()
			}
			if msg == "" {
				t.Errorf("no message next to the field")
			}
			if doc.Find("[data-testid=error-summary]").Length() == 0 && doc.Find(".error-summary").Length() == 0 {
				t.Errorf("no error summary")
			}
			if got, err := ts.store.NotifyPrefs(context.Background(), u.ID); err != nil || got != db.DefaultNotifyPrefs {
				t.Errorf("stored %+v %v, want the defaults", got, err)
			}
		})
	}
}

// TestDigestRunTakesNoWriteLockWhenNothingWaits: the digest job runs every
// minute; when no notification waits for a digest it only reads, so it
// neither waits for nor holds the database's one write lock.
func TestDigestRunTakesNoWriteLockWhenNothingWaits(t *testing.T) {
	ts := newTestServer(t)
	u := createUser(t, ts, "digest@example.com", "investor", "active")
	// Another connection holds the write lock for the whole test.
	other, err := sql.Open("sqlite", "file:"+ts.store.DB().Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	n, err := ts.SendDigests(ctx, time.Now())
	if err != nil || n != 0 {
		t.Fatalf("nothing waiting: %d digests, %v (after %v)", n, err, time.Since(start))
	}

	// With a notification waiting, the run needs the lock: it waits for it
	// (here until the deadline), which shows the check above is what let
	// it through. (This connection does not enforce foreign keys: no
	// offer 1 is needed.)
	if _, err := conn.ExecContext(t.Context(), `INSERT INTO notifications(user_id, kind, offer_id, detail, created_at)
		VALUES (?, 'offer_withdrawn', 1, '', '2026-11-28T00:00:00.000000Z')`, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel2()
	if _, err := ts.SendDigests(short, time.Now()); err == nil {
		t.Error("with a notification waiting and the lock held elsewhere, the run did not need the lock")
	}
}
