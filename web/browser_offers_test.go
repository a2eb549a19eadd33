package web

import (
	"context"
	"strings"
	"testing"

	"github.com/ikco/partner-portal/db"
)

// browserLogin logs in through the login form.

// TestBrowserOffersFlow: staff publish an offer in rubles; an investor
// reads it in US dollars with the dated Bank of Russia rate, sees the
// price history, and expresses interest; staff see the request; a visitor
// sees that offers exist and no price. axe checks each page.
func TestBrowserOffersFlow(t *testing.T) {
	ctx, base, ts := newBrowserServer(t)
	staff := createUser(t, ts, "offers-staff@example.com", "staff", "active")
	investor := insertUser(t, ts, db.NewUser{Email: "investor@example.com", FullName: "Алексей Смирнов", Company: "Volga Capital",
		Role: "investor", Status: "active", Lang: "en"})
	today := ts.today()
	var trimID, modelID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT t.id, m.id FROM trims t JOIN models m ON m.id = t.model_id WHERE m.slug = 'rira' ORDER BY t.id LIMIT 1`).Scan(&trimID, &modelID); err != nil {
		t.Fatal(err)
	}
	// Yesterday's Bank of Russia dollar rate, and an earlier offer for the
	// same trim, so the new one has a price history.
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		if err := tx.SaveRates([]db.RateRow{{Date: today.AddDate(0, 0, -1), Currency: "USD", Value: "92.5130", Nominal: 1, Source: "cbr"}}, ts.now()); err != nil {
			return err
		}
		id, err := tx.CreateOffer(db.OfferInput{ModelID: modelID, TrimID: trimID, Price: db.Money{Minor: 1_990_000_00, Currency: "RUB"}, MOQ: 100,
			Incoterm: "DAP", Place: "Moscow", LeadDays: 60, ValidFrom: today.AddDate(0, -3, 0), ValidUntil: today.AddDate(0, 0, -1)}, 0, ts.now().AddDate(0, -3, 0))
		if err != nil {
			return err
		}
		return tx.PublishOffer(id, db.Frozen{RubMinor: 1_990_000_00, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: today.AddDate(0, -3, 0), Source: "rub"}}, ts.now().AddDate(0, -3, 0))
	})
	if err != nil {
		t.Fatal(err)
	}

	// Staff publish an offer in rubles.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/offers/new", 200)
	runAxe(t, ctx, "new offer")
	setFields(t, ctx, map[string]string{
		"offer-target": "t:" + idString(trimID), "offer-price": "1 850 000,00", "offer-currency": "RUB", "offer-moq": "100",
		"offer-incoterm": "DAP", "offer-place": "Moscow", "offer-lead_days": "60",
		"offer-tier_qty_1": "500", "offer-tier_price_1": "1 790 000",
		"offer-warranty_ru": "3 года или 100 000 км", "offer-warranty_en": "3 years or 100,000 km", "offer-warranty_fa": "۳ سال یا ۱۰۰٬۰۰۰ کیلومتر",
	})
	clickAndWait(t, ctx, "[data-testid=save-offer]")
	runAxe(t, ctx, "draft offer")
	clickAndWait(t, ctx, "[data-testid=publish-offer]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=offer-status]').textContent`); got != "Current" {
		t.Fatalf("status after publishing: %q", got)
	}
	runAxe(t, ctx, "published offer (staff)")
	visit(t, ctx, base+"/en/staff/rates", 200)
	runAxe(t, ctx, "exchange rates")
	clickAndWait(t, ctx, "[data-testid=logout]")

	// The investor reads it in dollars with the dated rate.
	browserLogin(t, ctx, base, investor.Email)
	visit(t, ctx, base+"/en/offers", 200)
	setFields(t, ctx, map[string]string{"offers-currency": "USD"})
	clickAndWait(t, ctx, "[data-testid=currency-form] button[type=submit]")
	row := `Array.from(document.querySelectorAll('[data-testid=offers] [data-testid=offer-row]')).find(r => r.textContent.includes('1,850,000.00'))`
	// 1 850 000,00 / 92,5130 = 19 997,19 dollars.
	if got := eval[string](t, ctx, `(`+row+`)?.querySelector('[data-testid=converted-price]')?.textContent || ''`); !strings.Contains(got, "$19,997.19") {
		t.Errorf("converted price = %q", got)
	}
	note := eval[string](t, ctx, `(`+row+`)?.querySelector('[data-testid=rate-note]')?.textContent || ''`)
	if !strings.Contains(note, "92.5130") || !strings.Contains(note, "Bank of Russia") || !strings.Contains(note, today.AddDate(0, 0, -1).Format("2 January 2006")) {
		t.Errorf("rate note = %q", note)
	}
	runAxe(t, ctx, "offers in dollars")
	screenshot(t, ctx, "offers-1-list-usd")
	clickAndWait(t, ctx, `[data-testid=offers] [data-testid=offer-row] a`)
	if n := eval[int](t, ctx, `document.querySelectorAll('svg[role=img][aria-labelledby] title, [data-testid=history-table] tbody tr').length`); n < 3 {
		t.Errorf("price history: %d chart titles and table rows", n)
	}
	runAxe(t, ctx, "offer page with price history")
	screenshot(t, ctx, "offers-2-offer")
	setFields(t, ctx, map[string]string{"interest-quantity": "200", "interest-message": "We would distribute in the Volga region."})
	clickAndWait(t, ctx, "[data-testid=interest-form] button[type=submit]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=notice]')?.textContent || ''`); !strings.Contains(got, "Thank you") {
		t.Errorf("after expressing interest: %q", got)
	}
	// The same offer in Persian, right to left, with the chart.
	offerURL := location(t, ctx)
	visit(t, ctx, strings.Replace(strings.SplitN(offerURL, "?", 2)[0], "/en/", "/fa/", 1), 200)
	runAxe(t, ctx, "offer page, Persian")
	screenshot(t, ctx, "offers-3-offer-fa")
	clickAndWait(t, ctx, "[data-testid=logout]")

	// Staff see the request.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/offers/requests", 200)
	req := eval[string](t, ctx, `document.querySelector('[data-testid=request-row]')?.textContent || ''`)
	for _, want := range []string{"Алексей Смирнов", "Volga Capital", "Rira", "200", "Volga region"} {
		if !strings.Contains(req, want) {
			t.Errorf("request row lacks %q: %q", want, req)
		}
	}
	runAxe(t, ctx, "offer requests")
	clickAndWait(t, ctx, "[data-testid=logout]")

	// A visitor sees that offers exist, and no price.
	for _, p := range []string{"/en/offers", "/ru/offers", "/fa/offers", "/en/models/rira"} {
		visit(t, ctx, base+p, 200)
		body := eval[string](t, ctx, `document.body.innerText`)
		for _, s := range []string{"1,850,000", "1 850 000", "19,997", "19 997", "۱٬۸۵۰٬۰۰۰"} {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q to a visitor", p, s)
			}
		}
	}
	visit(t, ctx, base+"/en/offers", 200)
	if eval[int](t, ctx, `document.querySelectorAll('[data-testid=offers-teaser]').length`) != 1 {
		t.Error("no teaser for the visitor")
	}
	runAxe(t, ctx, "offers teaser")
	visit(t, ctx, base+"/fa/offers", 200)
	runAxe(t, ctx, "offers teaser, Persian")
}
