package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/charmap"

	"github.com/ikco/partner-portal/db"
)

// seededOffers names the offers seedOffers made.
type seededOffers struct {
	published, draft, request int64
}

// seedOffers stores a USD rate, a published ruble offer for a Rira trim
// (1 777 777,00 ₽, a price no page of the demo catalogue shows), a draft,
// and an investor's interest in the published one.
func seedOffers(t testing.TB, ts *testServer) seededOffers {
	t.Helper()
	ctx := context.Background()
	now := ts.now()
	today := ts.today()
	var trimID, modelID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT t.id, m.id FROM trims t JOIN models m ON m.id = t.model_id WHERE m.slug = 'rira' ORDER BY t.id LIMIT 1`).Scan(&trimID, &modelID); err != nil {
		t.Fatal(err)
	}
	investor := createUser(t, ts, "seed-investor-"+randomToken(3)+"@example.com", "investor", "active")
	var out seededOffers
	err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveRates([]db.RateRow{{Date: today.AddDate(0, 0, -1), Currency: "USD", Value: "92.5130", Nominal: 1, Source: "cbr"}}, now); err != nil {
			return err
		}
		in := db.OfferInput{ModelID: modelID, TrimID: trimID, Price: db.Money{Minor: 1_777_777_00, Currency: "RUB"},
			Tiers: []db.Tier{{MinQty: 500, PriceMinor: 1_666_666_00}}, MOQ: 100, Incoterm: "DAP", Place: "Moscow", LeadDays: 60,
			ValidFrom: today.AddDate(0, 0, -10), ValidUntil: today.AddDate(0, 2, 0),
			Texts: map[string]db.OfferTexts{"ru": {Warranty: "3 года или 100 000 км"}, "en": {Warranty: "3 years or 100,000 km"}}}
		var err error
		if out.published, err = tx.CreateOffer(in, 0, now); err != nil {
			return err
		}
		if err := tx.PublishOffer(out.published, db.Frozen{RubMinor: in.Price.Minor, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: today, Source: "rub"}}, now); err != nil {
			return err
		}
		in.Price.Minor = 1_888_888_00
		if out.draft, err = tx.CreateOffer(in, 0, now); err != nil {
			return err
		}
		out.request, err = tx.CreateOfferRequest(out.published, investor.ID, 250, "Please call us", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// offerForm is a valid staff form for a new offer of the first Rira trim.
func validOfferForm(t *testing.T, ts *testServer, price, currency string) url.Values {
	t.Helper()
	var trimID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT t.id FROM trims t JOIN models m ON m.id = t.model_id WHERE m.slug = 'rira' ORDER BY t.id LIMIT 1`).Scan(&trimID); err != nil {
		t.Fatal(err)
	}
	today := ts.today()
	return url.Values{
		"target": {"t:" + idString(trimID)}, "price": {price}, "currency": {currency}, "moq": {"100"},
		"incoterm": {"FCA"}, "place": {"Bandar Anzali"}, "lead_days": {"45"},
		"valid_from": {db.Day(today)}, "valid_until": {db.Day(today.AddDate(0, 3, 0))},
		"tier_qty_1": {"500"}, "tier_price_1": {strings.Replace(price, "0", "", 1)},
		"warranty_ru": {"3 года"}, "warranty_en": {"3 years"}, "warranty_fa": {"۳ سال"},
		"after_sales_ru": {"Склад запчастей в Москве"}, "notes_en": {"Illustrative"},
	}
}

var offersNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func TestOfferPublishFreezesPriceAndRate(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	staff, _ := loginAs(t, ts, "staff")
	ctx := context.Background()
	if err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		return tx.SaveRates([]db.RateRow{{Date: ts.today(), Currency: "USD", Value: "92.5130", Nominal: 1, Source: "cbr"}}, clk.now())
	}); err != nil {
		t.Fatal(err)
	}
	// A dollar offer: 20 000,00 USD is 1 850 260,00 ₽ at 92,5130.
	res := staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", validOfferForm(t, ts, "20000.00", "USD"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, res.doc(t).Find("[data-testid=error-summary]").Text())
	}
	edit := strings.TrimSuffix(res.Header.Get("Location"), "?done=created")
	res = staff.submit(t, edit, edit+"/publish", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	id := edit[strings.LastIndex(edit, "/")+1:]
	o := offerByID(t, ts, id)
	if o.Status != "published" || o.RubMinor != 1_850_260_00 || o.Rate.Value != "92.5130" || o.Rate.Source != "cbr" || db.Day(o.Rate.Date) != "2026-11-27" {
		t.Fatalf("frozen: status %s rub %d rate %s %s %s", o.Status, o.RubMinor, o.Rate.Value, o.Rate.Source, db.Day(o.Rate.Date))
	}
	// A new rate changes conversions, never the frozen figures.
	clk.add(24 * time.Hour)
	staff, _ = loginAs(t, ts, "staff")
	if err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		return tx.SaveRates([]db.RateRow{{Date: ts.today(), Currency: "USD", Value: "100.0000", Nominal: 1, Source: "manual"}}, clk.now())
	}); err != nil {
		t.Fatal(err)
	}
	if o2 := offerByID(t, ts, id); o2.RubMinor != o.RubMinor || o2.Rate.Value != "92.5130" {
		t.Errorf("frozen figures changed: %d %s", o2.RubMinor, o2.Rate.Value)
	}
	page := staff.get(t, "/ru/offers/"+id).doc(t)
	if got := page.Find("[data-testid=rub-at-issue]").Text(); got != "1\u00a0850\u00a0260,00\u00a0₽" {
		t.Errorf("rubles at issue = %q", got)
	}
	if got := page.Find("[data-testid=converted-price]").Text(); !strings.Contains(got, "2\u00a0000\u00a0000,00") {
		t.Errorf("converted at today's rate = %q", got)
	}
	// A published offer is frozen: editing it is refused.
	res = staff.submit(t, edit, edit, validOfferForm(t, ts, "1.00", "USD"))
	if res.StatusCode != http.StatusConflict {
		t.Errorf("editing a published offer: %d", res.StatusCode)
	}
	// A second offer for the same trim, cheaper: marked as a price drop,
	// and the history shows both.
	res = staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", validOfferForm(t, ts, "1500000.00", "RUB"))
	edit2 := strings.TrimSuffix(res.Header.Get("Location"), "?done=created")
	if res := staff.submit(t, edit2, edit2+"/publish", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish 2: %d", res.StatusCode)
	}
	id2 := edit2[strings.LastIndex(edit2, "/")+1:]
	o3 := offerByID(t, ts, id2)
	if !o3.HasPrev || o3.PriceChange != -1 || o3.Rate.Source != "rub" || o3.RubMinor != 1_500_000_00 {
		t.Errorf("second offer: prev %v change %d source %s rub %d", o3.HasPrev, o3.PriceChange, o3.Rate.Source, o3.RubMinor)
	}
	doc := staff.get(t, "/en/offers/"+id2).doc(t)
	if doc.Find("[data-testid=price-changed]").Length() == 0 {
		t.Error("no price-change mark")
	}
	if doc.Find("[data-testid=history-table] tbody tr").Length() != 2 || doc.Find("svg[role=img] title").Length() == 0 {
		t.Error("history table or chart missing")
	}
	// The audit log has the publication with its rate.
	var detail string
	if err := ts.store.DB().Read.QueryRow(`SELECT detail FROM audit_log WHERE action = 'offer.published' AND target_id = ?`, id).Scan(&detail); err != nil || !strings.Contains(detail, "92.5130") {
		t.Errorf("audit: %q %v", detail, err)
	}
}

func offerByID(t *testing.T, ts *testServer, id string) db.Offer {
	t.Helper()
	n, _ := parseID(id)
	o, err := ts.store.OfferByID(context.Background(), "en", n)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func parseID(s string) (int64, bool) {
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}

func TestOfferFormBadInput(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	staff, _ := loginAs(t, ts, "staff")
	cases := []struct {
		name, field, value, errField, errID string
	}{
		{"zero price", "price", "0", "price", "offers.error.price"},
		{"negative price", "price", "-5", "price", "offers.error.price"},
		{"price with letters", "price", "12abc", "price", "offers.error.price"},
		{"too many decimals", "price", "10.001", "price", "offers.error.price"},
		{"unknown currency", "currency", "XYZ", "currency", "offers.error.currency"},
		{"unknown incoterm", "incoterm", "FOO", "incoterm", "offers.error.incoterm"},
		{"until before from", "valid_until", "2026-11-01", "valid_until", "offers.error.until_before_from"},
		{"bad date", "valid_from", "27.11.2026", "valid_from", "offers.error.date"},
		{"tier below moq", "tier_qty_1", "50", "tier_qty_1", "offers.error.tier_order"},
		{"tier dearer than base", "tier_price_1", "99999999", "tier_price_1", "offers.error.tier_price"},
		{"zero moq", "moq", "0", "moq", "offers.error.moq"},
		{"lead time too long", "lead_days", "9999", "lead_days", "offers.error.lead_days"},
		{"no vehicle", "target", "", "target", "form.required"},
		{"foreign vehicle", "target", "t:999999", "target", "offers.error.target"},
		{"missing place", "place", "", "place", "form.required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := validOfferForm(t, ts, "1850000.00", "RUB")
			form.Set(c.field, c.value)
			res := staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			doc := res.doc(t)
			f := doc.Find("[data-field=" + c.errField + "]")
			if f.Find("[data-testid=field-error]").Length() != 1 {
				t.Errorf("no error on %s", c.errField)
			}
			if doc.Find("[data-testid=error-summary] a[href='#offer-"+c.errField+"']").Length() != 1 {
				t.Errorf("summary lacks %s", c.errField)
			}
			// The values typed are kept.
			if v, _ := doc.Find("#offer-place").Attr("value"); c.field != "place" && v != "Bandar Anzali" {
				t.Errorf("place not kept: %q", v)
			}
		})
	}
	// Tiers out of order.
	form := validOfferForm(t, ts, "1850000.00", "RUB")
	form.Set("tier_qty_2", "300")
	form.Set("tier_price_2", "1000000")
	if res := staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", form); res.StatusCode != http.StatusUnprocessableEntity ||
		res.doc(t).Find("[data-field=tier_qty_2] [data-testid=field-error]").Length() != 1 {
		t.Errorf("unordered tiers: %d", res.StatusCode)
	}
	// Publishing a dollar offer without a dollar rate is refused clearly.
	res := staff.submit(t, "/en/staff/offers/new", "/en/staff/offers/new", validOfferForm(t, ts, "20000", "USD"))
	edit := strings.TrimSuffix(res.Header.Get("Location"), "?done=created")
	res = staff.submit(t, edit, edit+"/publish", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.doc(t).Find("[data-testid=notice]").Text(), "no exchange rate") {
		t.Errorf("publish without a rate: %d", res.StatusCode)
	}
}

// priceStrings are ways the seeded offer's prices could be written.
var priceStrings = []string{"777", "۷۷۷", "666", "۶۶۶", "888", "۸۸۸", "19\u00a0216", "19,216", "DAP", "Moscow"}

func TestOffersVisitorSeesNoPrice(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	visitor := ts.newClient()
	var paths []string
	for _, lang := range []string{"ru", "en", "fa"} {
		for _, p := range []string{"/offers", "/offers/archive", "/offers.csv", "/offers/" + idString(o.published), "/offers/" + idString(o.draft),
			"/models/rira", "/offers?cur=USD", "/offers.csv?cur=USD", "/staff/offers", "/staff/offers/" + idString(o.published), "/news", "/news.atom", "/catalogue"} {
			paths = append(paths, "/"+lang+p)
		}
	}
	for _, p := range paths {
		res := visitor.get(t, p)
		body := res.Body
		for _, s := range priceStrings {
			if strings.Contains(body, s) {
				t.Errorf("%s (%d) shows %q to a visitor", p, res.StatusCode, s)
			}
		}
	}
	// The offers page tells a visitor offers exist and how to see them.
	doc := visitor.get(t, "/en/offers").doc(t)
	if doc.Find("[data-testid=offers-teaser]").Length() != 1 || doc.Find("[data-testid=offers-login]").Length() != 1 {
		t.Error("no teaser with a login link")
	}
	if !strings.Contains(visitor.get(t, "/en/models/rira").Body, "1 current offer") {
		t.Error("the model page does not say an offer exists")
	}
}

func TestOfferListConvertsToViewerCurrency(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	inv, _ := loginAs(t, ts, "investor")
	doc := inv.get(t, "/ru/offers").doc(t)
	row := doc.Find("[data-testid=offer-row][data-id='" + idString(o.published) + "']")
	if got := row.Find("[data-testid=offer-price]").Text(); got != "1\u00a0777\u00a0777,00\u00a0₽" {
		t.Errorf("price = %q", got)
	}
	if row.Find("[data-testid=converted-price]").Length() != 0 {
		t.Error("a ruble price converted to rubles")
	}
	if doc.Find("[data-testid=offer-row][data-id='"+idString(o.draft)+"']").Length() != 0 {
		t.Error("a draft is listed")
	}
	// Choosing dollars is kept in the session.
	res := inv.submit(t, "/en/offers", "/en/offers/currency", url.Values{"currency": {"USD"}, "next": {"/en/offers"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/offers" {
		t.Fatalf("currency: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	doc = inv.get(t, "/en/offers").doc(t)
	row = doc.Find("[data-testid=offer-row][data-id='" + idString(o.published) + "']")
	// 1 777 777,00 / 92,5130 = 19 216,51.
	if got := row.Find("[data-testid=converted-price]").Text(); !strings.Contains(got, "$19,216.51") {
		t.Errorf("converted = %q", got)
	}
	note := row.Find("[data-testid=rate-note]").Text()
	yesterday := ts.today().AddDate(0, 0, -1)
	if !strings.Contains(note, "92.5130") || !strings.Contains(note, "Bank of Russia") || !strings.Contains(note, yesterday.Format("2 January 2006")) {
		t.Errorf("rate note = %q", note)
	}
	// An unknown currency is refused; the model page shows the offer in dollars.
	if res := inv.submit(t, "/en/offers", "/en/offers/currency", url.Values{"currency": {"XYZ"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown currency: %d", res.StatusCode)
	}
	if !strings.Contains(inv.get(t, "/en/models/rira").doc(t).Find("[data-testid=model-offers]").Text(), "$19,216.51") {
		t.Error("model page lacks the offer in dollars")
	}
}

func TestOfferFiltersAndArchive(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	o := seedOffers(t, ts)
	inv, _ := loginAs(t, ts, "investor")
	count := func(target string) int {
		t.Helper()
		res := inv.get(t, target)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", target, res.StatusCode)
		}
		return res.doc(t).Find("[data-testid=offers] [data-testid=offer-row]").Length()
	}
	cases := []struct {
		query string
		want  int
	}{
		{"", 1},
		{"?incoterm=DAP", 1},
		{"?incoterm=FCA", 0},
		{"?model=rira", 1},
		{"?model=tara", 0},
		{"?body=crossover", 1},
		{"?body=sedan", 0},
		{"?valid=1", 1},
		{"?min=1000000&max=2000000", 1},
		{"?min=1+800+000", 0},
		{"?max=1777777,00", 1},
		{"?max=1777776,99", 0},
		{"?cur=USD&min=19000&max=19300", 1},
		{"?cur=USD&max=19000", 0},
	}
	for _, c := range cases {
		if got := count("/en/offers" + c.query); got != c.want {
			t.Errorf("%s: %d offers, want %d", c.query, got, c.want)
		}
	}
	for _, bad := range []string{"?incoterm=XYZ", "?body=boat", "?valid=2", "?page=0", "?model=%00"} {
		if res := inv.get(t, "/en/offers"+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
	doc := inv.get(t, "/en/offers?min=abc").doc(t)
	if doc.Find("#of-price-error").Length() != 1 {
		t.Error("a bad amount has no message")
	}
	if inv.get(t, "/en/offers?min=5&max=1").doc(t).Find("#of-price-error").Length() != 1 {
		t.Error("an inverted range has no message")
	}
	// Two months and a day later the offer has expired: it reads so in
	// the archive and is gone from the current list.
	clk.add(62 * 24 * time.Hour)
	inv, _ = loginAs(t, ts, "investor")
	if got := count("/en/offers"); got != 0 {
		t.Errorf("expired offer still current: %d", got)
	}
	doc = inv.get(t, "/en/offers/archive").doc(t)
	row := doc.Find("[data-testid=offer-row][data-id='" + idString(o.published) + "']")
	if row.Length() != 1 || row.Find("[data-testid=offer-status]").Text() != "Expired" {
		t.Errorf("archive row: %d %q", row.Length(), row.Find("[data-testid=offer-status]").Text())
	}
	if inv.get(t, "/en/offers/"+idString(o.published)).doc(t).Find("[data-testid=offer-status]").Text() != "Expired" {
		t.Error("the offer page does not say expired")
	}
}

func TestOfferInterestFollowAndReply(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	inv, u := loginAs(t, ts, "investor")
	page := "/en/offers/" + idString(o.published)
	for _, bad := range []string{"", "0", "-3", "abc", "2000000"} {
		res := inv.submit(t, page, page+"/interest", url.Values{"quantity": {bad}, "message": {"Hello"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("quantity %q: %d", bad, res.StatusCode)
			continue
		}
		doc := res.doc(t)
		if doc.Find("[data-field=quantity] [data-testid=field-error]").Length() != 1 || doc.Find("#interest-message").Text() != "Hello" {
			t.Errorf("quantity %q: no error or message lost", bad)
		}
	}
	res := inv.submit(t, page, page+"/interest", url.Values{"quantity": {"300"}, "message": {"We distribute in the Volga region."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("interest: %d", res.StatusCode)
	}
	if inv.get(t, res.Header.Get("Location")).doc(t).Find("[data-testid=notice]").Length() != 1 {
		t.Error("no confirmation")
	}
	// Interest in a draft is not possible: it does not exist for members.
	draft := "/en/offers/" + idString(o.draft)
	if res := inv.get(t, draft); res.StatusCode != http.StatusNotFound {
		t.Errorf("draft page: %d", res.StatusCode)
	}
	// Follow, and it is listed on the offers page.
	if res := inv.submit(t, page, page+"/follow", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d", res.StatusCode)
	}
	if inv.get(t, "/en/offers").doc(t).Find("[data-testid=followed] [data-testid=offer-row]").Length() != 1 {
		t.Error("followed offer not listed")
	}
	if res := inv.submit(t, page, page+"/unfollow", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unfollow: %d", res.StatusCode)
	}
	if inv.get(t, "/en/offers").doc(t).Find("[data-testid=followed] [data-testid=offer-row]").Length() != 0 {
		t.Error("unfollowed offer still listed")
	}
	// Staff see the request with the person, company, offer and quantity.
	staff, _ := loginAs(t, ts, "staff")
	doc := staff.get(t, "/en/staff/offers/requests").doc(t)
	var row string
	doc.Find("[data-testid=request-row]").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), u.Email) {
			row = s.Text()
		}
	})
	for _, want := range []string{u.FullName, u.Company, "Rira", "300", "Volga region"} {
		if !strings.Contains(row, want) {
			t.Errorf("request row lacks %q: %q", want, row)
		}
	}
	var reqID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM offer_requests WHERE user_id = ?`, u.ID).Scan(&reqID); err != nil {
		t.Fatal(err)
	}
	reply := "/en/staff/offers/requests/" + idString(reqID) + "/reply"
	if res := staff.submit(t, "/en/staff/offers/requests", reply, url.Values{"reply": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty reply: %d", res.StatusCode)
	}
	if res := staff.submit(t, "/en/staff/offers/requests", reply, url.Values{"reply": {"We can deliver 300 units in March."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	var subject, body string
	if err := ts.store.DB().Read.QueryRow(`SELECT subject, text_body FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1`, u.Email).Scan(&subject, &body); err != nil {
		t.Fatalf("no mail: %v", err)
	}
	if !strings.Contains(body, "We can deliver 300 units in March.") || subject == "" {
		t.Errorf("mail: %q %q", subject, body)
	}
	var n int
	_ = ts.store.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('offer.interest', 'offer.request_replied')`).Scan(&n)
	if n != 2 {
		t.Errorf("%d audit entries, want 2", n)
	}
}

func TestOfferCSV(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	if _, err := ts.store.DB().Write.Exec(`UPDATE offers SET place = '=HYPERLINK("http://evil")' WHERE id = ?`, o.published); err != nil {
		t.Fatal(err)
	}
	ts.store.BumpContentVersion(context.Background())
	inv, _ := loginAs(t, ts, "investor")
	res := inv.get(t, "/ru/offers.csv?cur=USD")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("csv: %d", res.StatusCode)
	}
	if !strings.HasPrefix(res.Body, "\ufeff") {
		t.Error("no byte order mark")
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Предложение", "1777777.00", "19216.51", "USD", `'=HYPERLINK(""http://evil"")`, "500+: 1666666.00", "Банк России"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("csv lacks %q:\n%s", want, res.Body)
		}
	}
	if strings.Contains(res.Body, "1888888") {
		t.Error("the csv has a draft")
	}
	if res := inv.get(t, "/ru/offers.csv?scope=other"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad scope: %d", res.StatusCode)
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+7": "'+7", "-2": "'-2", "@SUM": "'@SUM", "Moscow": "Moscow", "": ""} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// uploadRates posts a file to the rates import with the page's CSRF token.
func uploadRates(t *testing.T, cl *client, b []byte) response {
	t.Helper()
	token := cl.csrfFrom(t, "/en/staff/rates")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", token)
	fw, _ := mw.CreateFormFile("file", "XML_daily.asp")
	_, _ = fw.Write(b)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/en/staff/rates/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return cl.send(t, req)
}

func TestRatesImportAndEntry(t *testing.T) {
	clk := &clock{t: offersNow}
	ts := newTestServer(t, withClock(clk))
	staff, _ := loginAs(t, ts, "staff")
	rateCount := func() int {
		var n int
		_ = ts.store.DB().Read.QueryRow(`SELECT count(*) FROM exchange_rates`).Scan(&n)
		return n
	}
	sample, err := os.ReadFile("rates/testdata/XML_daily_2026-11-27.xml")
	if err != nil {
		t.Fatal(err)
	}
	utf8Sample, err := charmap.Windows1251.NewDecoder().Bytes(sample)
	if err != nil {
		t.Fatal(err)
	}
	dup := bytes.Replace(sample, []byte("<CharCode>EUR</CharCode>"), []byte("<CharCode>USD</CharCode>"), 1)
	refused := []struct {
		name string
		file []byte
		text string
	}{
		{"utf-8", utf8Sample, "windows-1251"},
		{"duplicate", dup, "listed twice"},
		{"malformed", sample[:300], "not a valid"},
		{"far date", bytes.Replace(sample, []byte(`Date="27.11.2026"`), []byte(`Date="27.10.2026"`), 1), "more than a week"},
		{"zero rate", bytes.Replace(sample, []byte("92,5130"), []byte("0,0000"), 1), "zero"},
		{"missing value", bytes.Replace(sample, []byte("<Value>92,5130</Value>"), nil, 1), "missing"},
		{"empty", nil, "not a valid"},
	}
	for _, c := range refused {
		res := uploadRates(t, staff, c.file)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.name, res.StatusCode)
			continue
		}
		if msg := res.doc(t).Find("[data-testid=import-error]").Text(); !strings.Contains(msg, c.text) {
			t.Errorf("%s: message %q", c.name, msg)
		}
		if n := rateCount(); n != 0 {
			t.Fatalf("%s: %d rates stored from a refused file", c.name, n)
		}
	}
	res := uploadRates(t, staff, sample)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.doc(t).Find("[data-testid=import-error]").Text())
	}
	if n := rateCount(); n != 13 {
		t.Errorf("%d rates, want 13", n)
	}
	rs, err := ts.store.LatestRates(context.Background(), ts.today())
	if err != nil || rs["IRR"].Nominal != 10000 || rs["IRR"].Value != "21.9834" || rs["USD"].Source != "cbr" {
		t.Errorf("IRR %+v USD %+v %v", rs["IRR"], rs["USD"], err)
	}
	// By hand: a zero rate, a bad currency, a far date are refused.
	bad := []struct{ field, value string }{{"value", "0"}, {"value", "abc"}, {"currency", "RUB"}, {"currency", "US"}, {"nominal", "0"}, {"date", "2027-05-01"}}
	for _, b := range bad {
		form := url.Values{"date": {"2026-11-27"}, "currency": {"TRY"}, "nominal": {"10"}, "value": {"26,8"}}
		form.Set(b.field, b.value)
		res := staff.submit(t, "/en/staff/rates", "/en/staff/rates", form)
		if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-field="+b.field+"] [data-testid=field-error]").Length() != 1 {
			t.Errorf("%s=%q: %d", b.field, b.value, res.StatusCode)
		}
	}
	res = staff.submit(t, "/en/staff/rates", "/en/staff/rates", url.Values{"date": {"2026-11-27"}, "currency": {"try"}, "nominal": {"10"}, "value": {"27,1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("manual rate: %d", res.StatusCode)
	}
	rs, _ = ts.store.LatestRates(context.Background(), ts.today())
	if rs["TRY"].Value != "27.1" || rs["TRY"].Source != "manual" {
		t.Errorf("TRY = %+v", rs["TRY"])
	}
}

func TestStaffOfferActions(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	staff, _ := loginAs(t, ts, "staff")
	pub, draft := "/en/staff/offers/"+idString(o.published), "/en/staff/offers/"+idString(o.draft)
	doc := staff.get(t, "/en/staff/offers").doc(t)
	if n := doc.Find("[data-testid=offer-row]").Length(); n != 2 {
		t.Errorf("staff list: %d offers, want the published one and the draft", n)
	}
	if staff.get(t, draft).doc(t).Find("[data-testid=offer-form]").Length() != 1 {
		t.Error("a draft has no editor")
	}
	if d := staff.get(t, pub).doc(t); d.Find("[data-testid=offer-form]").Length() != 0 || d.Find("[data-testid=frozen]").Length() != 1 {
		t.Error("a published offer is editable or lacks its frozen figures")
	}
	// Saving a draft keeps the new values.
	form := validOfferForm(t, ts, "1 900 000,00", "RUB")
	if res := staff.submit(t, draft, draft, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d", res.StatusCode)
	}
	if o2 := offerByID(t, ts, idString(o.draft)); o2.Price.Minor != 1_900_000_00 || o2.Incoterm != "FCA" || len(o2.Tiers) != 1 || o2.Texts["fa"].Warranty != "۳ سال" {
		t.Errorf("saved draft: %+v", o2.OfferInput)
	}
	// Refusals answer 409 with a message, and change nothing.
	for _, c := range []struct{ action, page string }{{pub + "/delete", pub}, {pub + "/publish", pub}, {draft + "/archive", draft}} {
		res := staff.submit(t, c.page, c.action, nil)
		if res.StatusCode != http.StatusConflict || res.doc(t).Find("[data-testid=notice]").Length() != 1 {
			t.Errorf("%s: %d", c.action, res.StatusCode)
		}
	}
	if res := staff.submit(t, pub, pub+"/archive", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", res.StatusCode)
	}
	if s := offerByID(t, ts, idString(o.published)).Status; s != "archived" {
		t.Errorf("status after archive: %s", s)
	}
	if res := staff.submit(t, draft, draft+"/delete", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res := staff.get(t, draft); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted draft: %d", res.StatusCode)
	}
	for _, p := range []string{"/en/staff/offers/0", "/en/staff/offers/abc", "/en/staff/offers/99999", "/en/offers/99999", "/en/offers/-1"} {
		if res := staff.get(t, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	// Pages in Persian and Russian render with their texts.
	for _, p := range []string{"/fa/staff/offers/new", "/ru/staff/rates", "/fa/staff/offers/requests", "/fa/offers/archive"} {
		if res := staff.get(t, p); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

func TestOfferLinksKeepQueryCurrency(t *testing.T) {
	ts := newTestServer(t)
	o := seedOffers(t, ts)
	inv, _ := loginAs(t, ts, "investor")
	doc := inv.get(t, "/en/offers?cur=USD").doc(t)
	if href, _ := doc.Find("[data-testid=offer-row][data-id='" + idString(o.published) + "'] a").Attr("href"); href != "/en/offers/"+idString(o.published)+"?cur=USD" {
		t.Errorf("offer link = %q", href)
	}
	if v, _ := doc.Find("[data-testid=offer-filters] input[name=cur]").Attr("value"); v != "USD" {
		t.Errorf("filter form keeps cur = %q", v)
	}
	// Without ?cur the links are plain, and the session's currency rules.
	doc = inv.get(t, "/en/offers").doc(t)
	if href, _ := doc.Find("[data-testid=offer-row] a").Attr("href"); strings.Contains(href, "cur=") {
		t.Errorf("offer link = %q", href)
	}
	if doc.Find("[data-testid=manage-offers]").Length() != 0 {
		t.Error("an investor is shown the staff link")
	}
	staff, _ := loginAs(t, ts, "staff")
	if staff.get(t, "/en/offers").doc(t).Find("[data-testid=manage-offers]").Length() != 1 {
		t.Error("staff lack the link to manage offers")
	}
}

// TestPriceListIsForMembersOnly: a library file attached to an offer as
// its price list is offer data: a visitor holding its link gets 404, a
// logged-in investor the file, and never from a shared cache.
func TestPriceListIsForMembersOnly(t *testing.T) {
	ts := newTestServer(t)
	offers := seedOffers(t, ts)
	name := strings.Repeat("cd", 16)
	var mediaID int64
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		mediaID, err = tx.CreateMediaFile(db.MediaFile{Name: name, Kind: "brochure", File: name + ".pdf",
			Mime: "application/pdf", Bytes: 8, OriginalName: "prices.pdf"}, db.Actor{}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ts.cfg.MediaDir, name+".pdf"), []byte("%PDF-1.4\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := "/media/" + name + ".pdf"
	if r := ts.newClient().get(t, path); r.StatusCode != http.StatusOK {
		t.Fatalf("a library file not used by an offer: %d", r.StatusCode)
	}
	if _, err := ts.store.DB().Write.Exec(`UPDATE offers SET pricelist_media_id = ? WHERE id = ?`, mediaID, offers.published); err != nil {
		t.Fatal(err)
	}
	if r := ts.newClient().get(t, path); r.StatusCode != http.StatusNotFound {
		t.Errorf("visitor got the price list: %d", r.StatusCode)
	}
	inv, _ := loginAs(t, ts, "investor")
	r := inv.get(t, path)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF") {
		t.Errorf("investor: %d", r.StatusCode)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("price list Cache-Control %q", cc)
	}
}
