package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// listedOffer is an offer's row on the current offers list, or nil.
func listedOffer(t testing.TB, cl *client, target string, id int64) (price string, found bool) {
	t.Helper()
	res := cl.get(t, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", target, res.StatusCode)
	}
	row := res.doc(t).Find("section.results [data-testid=offer-row][data-id='" + idString(id) + "']")
	return row.Find("[data-testid=offer-price]").Text(), row.Length() == 1
}

// followedIDs are the offers listed as followed on the offers page.
func followedIDs(t testing.TB, cl *client) []string {
	t.Helper()
	var ids []string
	for _, n := range cl.get(t, "/en/offers").doc(t).Find("[data-testid=followed] [data-testid=offer-row]").Nodes {
		for _, a := range n.Attr {
			if a.Key == "data-id" {
				ids = append(ids, a.Val)
			}
		}
	}
	return ids
}

// mailsSince returns the outbox's messages queued after the first skip,
// oldest first.
func mailsSince(t testing.TB, ts *testServer, skip int) []db.Mail {
	t.Helper()
	all := outbox(t, ts.store)
	var out []db.Mail
	for i := len(all) - 1 - skip; i >= 0; i-- {
		out = append(out, all[i])
	}
	return out
}

// TestOfferCopyIntoNewDraft copies a published offer as staff do: the
// draft holds its terms, opens in the editor and leaves the published
// offer untouched until it is published; then it replaces it, takes over
// its followers, and they are told what changed.
func TestOfferCopyIntoNewDraft(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	o := seedOffers(t, ts)
	staff, _ := loginAs(t, ts, "staff")
	inv, invUser := loginAs(t, ts, "investor")
	pubPage := "/en/offers/" + idString(o.published)
	if res := inv.submit(t, pubPage, pubPage+"/follow", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d", res.StatusCode)
	}
	if price, ok := listedOffer(t, inv, "/ru/offers", o.published); !ok || price != "1\u00a0777\u00a0777,00\u00a0₽" {
		t.Fatalf("before: listed %v at %q", ok, price)
	}

	editor := "/en/staff/offers/" + idString(o.published)
	if staff.get(t, editor).doc(t).Find("[data-testid=copy-offer]").Length() != 1 {
		t.Fatal("the published offer's page has no copy button")
	}
	res := staff.submit(t, editor, editor+"/copy", nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=copied") {
		t.Fatalf("copy: %d %q", res.StatusCode, loc)
	}
	draftEditor := strings.TrimSuffix(loc, "?done=copied")
	cp, ok := parseID(draftEditor[strings.LastIndex(draftEditor, "/")+1:])
	if !ok || cp == o.published {
		t.Fatalf("copy's editor %q", draftEditor)
	}
	doc := staff.get(t, loc).doc(t)
	today := ts.today()
	fields := map[string]string{"#offer-price": "1777777.00", "#offer-currency option[selected]": "RUB", "#offer-moq": "100",
		"#offer-place": "Moscow", "#offer-lead_days": "60", "#offer-valid_from": db.Day(today), "#offer-valid_until": db.Day(today.AddDate(0, 2, 0)),
		"#offer-tier_qty_1": "500", "#offer-tier_price_1": "1666666.00"}
	for sel, want := range fields {
		s := doc.Find(sel)
		got, _ := s.Attr("value")
		if got != want {
			t.Errorf("copy's %s = %q, want %q", sel, got, want)
		}
	}
	if got := doc.Find("#offer-warranty_ru").Text(); got != "3 года или 100 000 км" {
		t.Errorf("copy's Russian warranty = %q", got)
	}
	if got := doc.Find("[data-testid=notice]").Text(); got != i18n.MustLoad().Locale("en").T("offers.done.copied") {
		t.Errorf("notice = %q", got)
	}
	if _, checked := doc.Find("[data-testid=offer-replaces]").Attr("checked"); !checked {
		t.Error("the copy is not marked to replace its original")
	}
	if href, _ := doc.Find("[data-testid=copied-from] a").Attr("href"); href != editor {
		t.Errorf("copied-from link %q, want %q", href, editor)
	}
	var detail string
	if err := ts.store.DB().Read.QueryRow(`SELECT detail FROM audit_log WHERE action = 'offer.copied' AND target_id = ?`, cp).Scan(&detail); err != nil ||
		detail != "copy of offer "+idString(o.published) {
		t.Errorf("audit: %q %v", detail, err)
	}

	// The draft is staff's alone; the published offer stays as it was,
	// even after the draft is changed.
	if res := inv.get(t, "/en/offers/"+idString(cp)); res.StatusCode != http.StatusNotFound {
		t.Errorf("the draft copy for an investor: %d", res.StatusCode)
	}
	form := validOfferForm(t, ts, "1650000.00", "RUB")
	form.Set("incoterm", "DAP")
	form.Set("place", "Moscow")
	form.Set("valid_until", db.Day(today.AddDate(0, 4, 0)))
	form.Set("replaces", "1")
	if res := staff.submit(t, draftEditor, draftEditor, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the copy: %d\n%s", res.StatusCode, res.doc(t).Find("[data-testid=error-summary]").Text())
	}
	if price, ok := listedOffer(t, inv, "/ru/offers", o.published); !ok || price != "1\u00a0777\u00a0777,00\u00a0₽" {
		t.Errorf("after saving the copy: original listed %v at %q", ok, price)
	}
	if _, ok := listedOffer(t, inv, "/ru/offers", cp); ok {
		t.Error("the draft copy is listed")
	}

	before := len(outbox(t, ts.store))
	if res := staff.submit(t, draftEditor, draftEditor+"/publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish the copy: %d", res.StatusCode)
	}
	// At once: the new version listed, the original not (same session,
	// same page asked again).
	if price, ok := listedOffer(t, inv, "/ru/offers", cp); !ok || price != "1\u00a0650\u00a0000,00\u00a0₽" {
		t.Errorf("new version listed %v at %q", ok, price)
	}
	if _, ok := listedOffer(t, inv, "/ru/offers", o.published); ok {
		t.Error("the replaced offer is still listed as current")
	}
	orig := offerByID(t, ts, idString(o.published))
	if orig.Status != "archived" || orig.ReplacedBy != cp {
		t.Errorf("original: %s, replaced by %d", orig.Status, orig.ReplacedBy)
	}
	if n := offerByID(t, ts, idString(cp)); n.Status != "published" || n.PrevOfferID != o.published || n.PriceChange != -1 {
		t.Errorf("new version: %s, prev %d, change %d", n.Status, n.PrevOfferID, n.PriceChange)
	}
	if href, _ := inv.get(t, pubPage).doc(t).Find("[data-testid=replaced-by] a").Attr("href"); href != "/en/offers/"+idString(cp) {
		t.Errorf("the old offer's page links %q to its new version", href)
	}
	if got := followedIDs(t, inv); len(got) != 1 || got[0] != idString(cp) {
		t.Errorf("followed after the new version: %v, want [%d]", got, cp)
	}
	// The follower is told in the app and by mail (immediately, the
	// default), in their language.
	ndoc := inv.get(t, "/en/notifications").doc(t)
	item := ndoc.Find("[data-testid=notification]")
	if item.Length() != 1 || !strings.Contains(item.Text(), "New version of an offer you follow (price down; validity extended)") {
		t.Errorf("notification: %d %q", item.Length(), item.Text())
	}
	if href, _ := item.Find("a").Attr("href"); href != "/en/offers/"+idString(cp) {
		t.Errorf("notification links %q", href)
	}
	if got := ndoc.Find("[data-testid=unread-count]").Text(); !strings.HasPrefix(got, "1") {
		t.Errorf("unread count %q", got)
	}
	mails := mailsSince(t, ts, before)
	if len(mails) != 1 || mails[0].To != invUser.Email || mails[0].Lang != "en" {
		t.Fatalf("mails after publishing: %+v", mails)
	}
	for _, want := range []string{"A new version of the offer Rira", "Unit price: ₽1,777,777.00 → ₽1,650,000.00.", "Valid until: " + i18n.MustLoad().Locale("en").Date(today.AddDate(0, 2, 0)) + " → " + i18n.MustLoad().Locale("en").Date(today.AddDate(0, 4, 0)), "http://portal.test/en/offers/" + idString(cp)} {
		if !strings.Contains(strings.ReplaceAll(mails[0].Text, "\u00a0", " "), want) {
			t.Errorf("mail lacks %q:\n%s", want, mails[0].Text)
		}
	}
	if err := ts.store.DB().Read.QueryRow(`SELECT detail FROM audit_log WHERE action = 'offer.published' AND target_id = ?`, cp).Scan(&detail); err != nil ||
		!strings.HasSuffix(detail, "; replaces offer "+idString(o.published)) {
		t.Errorf("publish audit: %q %v", detail, err)
	}

	// A copy with the box unticked is a second offer beside the first.
	editor = "/en/staff/offers/" + idString(cp)
	res = staff.submit(t, editor, editor+"/copy", nil)
	second := strings.TrimSuffix(res.Header.Get("Location"), "?done=copied")
	form = validOfferForm(t, ts, "1700000.00", "RUB")
	form.Del("replaces")
	if res := staff.submit(t, second, second, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the second copy: %d", res.StatusCode)
	}
	if res := staff.submit(t, second, second+"/publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish the second copy: %d", res.StatusCode)
	}
	if n := offerByID(t, ts, idString(cp)); n.Status != "published" || n.ReplacedBy != 0 {
		t.Errorf("a copy not replacing archived its original: %s %d", n.Status, n.ReplacedBy)
	}
	if _, ok := listedOffer(t, inv, "/ru/offers", cp); !ok {
		t.Error("the first version is no longer listed")
	}
	// A bad value of the box is a bad request.
	form.Set("replaces", "yes")
	res = staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", form)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("replaces=yes: %d", res.StatusCode)
	}
	// Copying nothing.
	for _, bad := range []string{"999999", "0", "abc"} {
		if res := staff.post(t, "/en/staff/offers/"+bad+"/copy", url.Values{"csrf": {staff.csrfFrom(t, "/en/staff/offers")}}); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
			t.Errorf("copy of %s: %d", bad, res.StatusCode)
		}
	}
}

// TestOfferInterestMailsStaff expresses interest and reads the staff mail
// as the SMTP server on loopback receives it: to the offer's creator
// while they are active staff, else to every active staff member and
// admin, each in their language.
func TestOfferInterestMailsStaff(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	seeded := seedOffers(t, ts) // created by nobody
	staffUser := func(email, role, status, lang string) db.User {
		return insertUser(t, ts, db.NewUser{Email: email, FullName: "Staff " + lang, Role: role, Status: status, Lang: lang})
	}
	owner := staffUser("owner@ikco.example", "staff", "active", "fa")
	other := staffUser("other@ikco.example", "staff", "active", "en")
	admin := staffUser("admin@ikco.example", "admin", "active", "ru")
	staffUser("gone@ikco.example", "staff", "disabled", "en")
	// An offer of the owner's, published.
	var owned int64
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		o, err := ts.store.OfferByID(context.Background(), "en", seeded.published)
		if err != nil {
			return err
		}
		if owned, err = tx.CreateOffer(o.OfferInput, owner.ID, clk.now()); err != nil {
			return err
		}
		return tx.PublishOffer(owned, db.Frozen{RubMinor: o.Price.Minor, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: ts.today(), Source: "rub"}}, clk.now())
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, invUser := loginAs(t, ts, "investor")
	cases := []struct {
		name  string
		offer int64
		qty   string
		msg   string
		to    map[string]string // email → language
	}{
		{"the creator", owned, "1250", "Нужны 1250 машин для Поволжья", map[string]string{owner.Email: "fa"}},
		{"no creator: all staff", seeded.published, "40", "", map[string]string{owner.Email: "fa", other.Email: "en", admin.Email: "ru"}},
	}
	catalog := i18n.MustLoad()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			be := &smtpRecorder{}
			port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
			before := len(outbox(t, ts.store))
			page := "/en/offers/" + idString(c.offer)
			if res := inv.submit(t, page, page+"/interest", url.Values{"quantity": {c.qty}, "message": {c.msg}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("interest: %d", res.StatusCode)
			}
			if got := len(mailsSince(t, ts, before)); got != len(c.to) {
				t.Fatalf("%d mails queued, want %d", got, len(c.to))
			}
			sendDue(t, newTestMailer(ts.store, port, clk, nil), len(c.to), false)
			got := be.received()
			if len(got) != len(c.to) {
				t.Fatalf("server received %d, want %d", len(got), len(c.to))
			}
			for _, rm := range got {
				lang, ok := c.to[rm.To[0]]
				if !ok || len(rm.To) != 1 {
					t.Errorf("mail to %v", rm.To)
					continue
				}
				pm := parseMail(t, rm.Data)
				loc := catalog.Locale(lang)
				title, err := ts.offerTitle(context.Background(), c.offer, lang)
				if err != nil {
					t.Fatal(err)
				}
				qty, _ := parseID(c.qty)
				if want := loc.T("mail.offer_interest.subject", "OfferID", idString(c.offer), "Offer", title, "Quantity", loc.Int(int(qty))); pm.Subject != want {
					t.Errorf("%s: subject %q, want %q", lang, pm.Subject, want)
				}
				if pm.Header.Get("Content-Language") != lang {
					t.Errorf("Content-Language %q, want %q", pm.Header.Get("Content-Language"), lang)
				}
				msg := c.msg
				if msg == "" {
					msg = loc.T("offers.interest.no_message")
				}
				link := "http://portal.test/" + lang + "/staff/offers/requests"
				for _, want := range []string{invUser.FullName, invUser.Company, invUser.Email, title, loc.Int(int(qty)), msg, link} {
					if !strings.Contains(pm.Text, want) {
						t.Errorf("%s mail lacks %q:\n%s", lang, want, pm.Text)
					}
				}
				if !strings.Contains(pm.HTML, `href="`+link+`"`) {
					t.Errorf("%s HTML part does not link the requests", lang)
				}
			}
		})
	}
	// The link opens the list with the request, for staff.
	staffCl := ts.newClient()
	if res := staffCl.submit(t, "/en/login", "/en/login", url.Values{"email": {owner.Email}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner login: %d", res.StatusCode)
	}
	rows := staffCl.get(t, "/fa/staff/offers/requests").doc(t).Find("[data-testid=request-row]")
	if !strings.Contains(rows.Text(), "Нужны 1250 машин для Поволжья") {
		t.Errorf("the request is not listed: %q", rows.Text())
	}
}

// TestOfferFollowersNotified: followers are told when an offer is
// withdrawn or expires, in the app and by mail as each chose
// (immediately, in the daily digest, or not at all).
func TestOfferFollowersNotified(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk), func(c *Config) { c.SessionLifetime, c.IdleTimeout = 30*24*time.Hour, 30*24*time.Hour })
	o := seedOffers(t, ts)
	staff, _ := loginAs(t, ts, "staff")
	imm, immU := loginAs(t, ts, "investor")
	dig, digU := loginAs(t, ts, "partner")
	none, noneU := loginAs(t, ts, "investor")
	for _, p := range []struct {
		cl     *client
		choice string
	}{{dig, "digest"}, {none, "none"}} {
		if res := p.cl.submit(t, "/en/notifications", "/en/notifications/preference", url.Values{"notify": {p.choice}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("preference: %d", res.StatusCode)
		}
	}
	// A second offer, valid until tomorrow.
	today := ts.today()
	var short int64
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		src, err := ts.store.OfferByID(context.Background(), "en", o.published)
		if err != nil {
			return err
		}
		in := src.OfferInput
		in.ValidUntil = today.AddDate(0, 0, 1)
		if short, err = tx.CreateOffer(in, 0, clk.now()); err != nil {
			return err
		}
		return tx.PublishOffer(short, db.Frozen{RubMinor: in.Price.Minor, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: today, Source: "rub"}}, clk.now())
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range []*client{imm, dig, none} {
		for _, id := range []int64{o.published, short} {
			page := "/en/offers/" + idString(id)
			if res := cl.submit(t, page, page+"/follow", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("follow: %d", res.StatusCode)
			}
		}
	}
	before := len(outbox(t, ts.store))
	// Withdrawn: staff archive the first offer.
	editor := "/en/staff/offers/" + idString(o.published)
	if res := staff.submit(t, editor, editor+"/archive", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", res.StatusCode)
	}
	// Expired: nothing to tell today; three days later, once.
	if n, err := ts.NotifyExpiredOffers(context.Background()); err != nil || n != 0 {
		t.Fatalf("expiry notices before expiry: %d %v", n, err)
	}
	clk.add(3 * 24 * time.Hour)
	if n, err := ts.NotifyExpiredOffers(context.Background()); err != nil || n != 1 {
		t.Fatalf("expiry notices: %d %v, want 1", n, err)
	}
	if n, err := ts.NotifyExpiredOffers(context.Background()); err != nil || n != 0 {
		t.Fatalf("expiry notices again: %d %v, want 0", n, err)
	}
	type entry struct{ text, href string }
	want := []entry{
		{"An offer you follow has expired", "/en/offers/" + idString(short)},
		{"An offer you follow has been withdrawn", "/en/offers/" + idString(o.published)},
	}
	for _, cl := range []*client{imm, dig, none} {
		doc := cl.get(t, "/en/notifications").doc(t)
		items := doc.Find("[data-testid=notification]")
		if items.Length() != len(want) {
			t.Errorf("%d notifications, want %d", items.Length(), len(want))
			continue
		}
		for i, w := range want {
			it := items.Eq(i)
			href, _ := it.Find("a").Attr("href")
			if !strings.Contains(it.Text(), w.text) || href != w.href || !strings.Contains(it.Text(), "Rira") {
				t.Errorf("notification %d: %q → %q, want %q → %q", i, it.Text(), href, w.text, w.href)
			}
		}
		if got := doc.Find("[data-testid=unread-count]").Text(); !strings.HasPrefix(got, "2") {
			t.Errorf("unread count %q, want 2", got)
		}
	}
	mails := mailsSince(t, ts, before)
	if len(mails) != 2 || mails[0].To != immU.Email || mails[1].To != immU.Email {
		t.Fatalf("immediate mails: %+v", mails)
	}
	loc := i18n.MustLoad().Locale("en")
	title, _ := ts.offerTitle(context.Background(), short, "en")
	if mails[0].Subject != loc.T("mail.offer_withdrawn.subject", "Title", title) || mails[1].Subject != loc.T("mail.offer_expired.subject", "Title", title) {
		t.Errorf("subjects %q, %q", mails[0].Subject, mails[1].Subject)
	}
	if !strings.Contains(mails[1].Text, loc.Date(today.AddDate(0, 0, 1))) {
		t.Errorf("the expiry mail lacks the last valid day:\n%s", mails[1].Text)
	}
	// The digest: one mail to the person who chose it, with both.
	clk.add(24 * time.Hour)
	if n, err := ts.SendDigests(context.Background(), clk.now()); err != nil || n != 1 {
		t.Fatalf("digests: %d %v, want 1", n, err)
	}
	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	sendDue(t, newTestMailer(ts.store, port, clk, nil), 3, false)
	var digest *receivedMail
	for i, rm := range be.received() {
		switch rm.To[0] {
		case digU.Email:
			digest = &be.received()[i]
		case noneU.Email:
			t.Error("a person who chose none got mail")
		}
	}
	if digest == nil {
		t.Fatal("no digest delivered")
	}
	pm := parseMail(t, digest.Data)
	for _, w := range want {
		if !strings.Contains(pm.Text, w.text) || !strings.Contains(pm.Text, "http://portal.test"+w.href) {
			t.Errorf("digest lacks %q with %s:\n%s", w.text, w.href, pm.Text)
		}
	}
}

// TestOffersListKeptAndInvalidated asks the offers list again and again as
// one investor: the same page comes back while nothing changed, and what
// changes shows at once: a publish, a follow, an unfollow, a rate, a
// notification, a withdrawal and expiry at midnight.
func TestOffersListKeptAndInvalidated(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk), func(c *Config) { c.SessionLifetime, c.IdleTimeout = 30*24*time.Hour, 30*24*time.Hour })
	o := seedOffers(t, ts)
	inv, invU := loginAs(t, ts, "investor")
	etag := func(target string) string {
		t.Helper()
		res := inv.get(t, target)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("%s: %d %q", target, res.StatusCode, res.Header.Get("Cache-Control"))
		}
		return res.Header.Get("Etag")
	}
	first := etag("/en/offers")
	if first == "" || etag("/en/offers") != first {
		t.Fatal("the unchanged list is not the same page twice")
	}
	if etag("/en/offers?incoterm=DAP") == first {
		t.Error("a filtered list is the same page as the whole list")
	}
	today := ts.today()
	publish := func(price int64, until time.Time) int64 {
		t.Helper()
		var id int64
		err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
			src, err := ts.store.OfferByID(context.Background(), "en", o.published)
			if err != nil {
				return err
			}
			in := src.OfferInput
			in.Price.Minor, in.Tiers, in.ValidUntil = price, nil, until
			if id, err = tx.CreateOffer(in, 0, clk.now()); err != nil {
				return err
			}
			return tx.PublishOffer(id, db.Frozen{RubMinor: price, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: today, Source: "rub"}}, clk.now())
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Published: listed at once.
	fresh := publish(1_234_567_00, today)
	if price, ok := listedOffer(t, inv, "/en/offers", fresh); !ok || !strings.Contains(price, "1,234,567.00") {
		t.Errorf("a new offer is not listed at once: %v %q", ok, price)
	}
	// Followed and unfollowed: the followed list follows.
	page := "/en/offers/" + idString(fresh)
	inv.submit(t, page, page+"/follow", nil)
	if got := followedIDs(t, inv); len(got) != 1 || got[0] != idString(fresh) {
		t.Errorf("followed after a follow: %v", got)
	}
	inv.submit(t, page, page+"/unfollow", nil)
	if got := followedIDs(t, inv); len(got) != 0 {
		t.Errorf("followed after an unfollow: %v", got)
	}
	// Another person's follow changes nothing of this person's page.
	kept := etag("/en/offers")
	other, _ := loginAs(t, ts, "partner")
	other.submit(t, page, page+"/follow", nil)
	if etag("/en/offers") != kept {
		t.Error("someone else's follow changed the page")
	}
	// A new rate: the dollar prices follow.
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.SaveRates([]db.RateRow{{Date: today, Currency: "USD", Value: "100.0000", Nominal: 1, Source: "manual"}}, clk.now())
	})
	if err != nil {
		t.Fatal(err)
	}
	row := inv.get(t, "/en/offers?cur=USD").doc(t).Find("[data-testid=offer-row][data-id='" + idString(o.published) + "']")
	if got := row.Find("[data-testid=converted-price]").Text(); !strings.Contains(got, "$17,777.77") {
		t.Errorf("converted at the new rate: %q", got)
	}
	// A notification: the header's unread count follows.
	err = ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.NotifyOffer(invU.ID, "offer_withdrawn", fresh, "", false, clk.now())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.get(t, "/en/offers").doc(t).Find("[data-testid=unread-count]").Text(); !strings.HasPrefix(got, "1") {
		t.Errorf("unread count %q after a notification", got)
	}
	// Withdrawn: gone at once.
	staff, _ := loginAs(t, ts, "staff")
	editor := "/en/staff/offers/" + idString(o.published)
	if res := staff.submit(t, editor, editor+"/archive", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", res.StatusCode)
	}
	if _, ok := listedOffer(t, inv, "/en/offers", o.published); ok {
		t.Error("a withdrawn offer is still listed")
	}
	// Expired: the fresh offer is valid through today (Moscow); after
	// midnight in Moscow it is in the archive, with no publish between.
	if _, ok := listedOffer(t, inv, "/en/offers", fresh); !ok {
		t.Fatal("the offer valid today is not listed")
	}
	clk.add(12*time.Hour + time.Minute) // 09:00 UTC + 12:01 = 00:01 in Moscow
	if _, ok := listedOffer(t, inv, "/en/offers", fresh); ok {
		t.Error("an expired offer is still listed")
	}
	if _, ok := listedOffer(t, inv, "/en/offers/archive", fresh); !ok {
		t.Error("the expired offer is not in the archive")
	}
}

// TestMemoizedComputesOnce: of many asking for the same missing value at
// once, one computes it; when that one fails, the others compute their
// own instead of sharing its error.
func TestMemoizedComputesOnce(t *testing.T) {
	for _, fail := range []bool{false, true} {
		m := newMemo(10)
		var computed atomic.Int32
		started, release := make(chan struct{}), make(chan struct{})
		leaderErr := make(chan error, 1)
		go func() {
			_, err := memoized(m, 1, "k", func() (string, error) {
				computed.Add(1)
				close(started)
				<-release
				if fail {
					return "", errors.New("the leader's request went away")
				}
				return "value", nil
			})
			leaderErr <- err
		}()
		<-started
		var wg sync.WaitGroup
		results := make([]string, 8)
		errs := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = memoized(m, 1, "k", func() (string, error) { computed.Add(1); return "own", nil })
			}()
		}
		time.Sleep(50 * time.Millisecond) // let them reach the flight
		close(release)
		wg.Wait()
		if err := <-leaderErr; (err != nil) != fail {
			t.Errorf("fail=%v: leader's error %v", fail, err)
		}
		for i := range results {
			switch {
			case errs[i] != nil:
				t.Errorf("fail=%v: caller %d got %v", fail, i, errs[i])
			case !fail && results[i] != "value":
				t.Errorf("caller %d got %q, want the leader's value", i, results[i])
			case fail && results[i] != "own":
				t.Errorf("caller %d got %q after the leader failed, want its own", i, results[i])
			}
		}
		if !fail && computed.Load() != 1 {
			t.Errorf("computed %d times, want once", computed.Load())
		}
	}
}
