package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

var offersToday = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// demoRub is a stand-in for the conversion the web layer does with
// math/big: whole rubles per unit for the test's rates.
func demoRub(m Money, r RateRow) (int64, error) {
	if m.Currency == "RUB" {
		return m.Minor, nil
	}
	per := map[string]int64{"USD": 92, "CNY": 13}
	if m.Currency == "IRR" {
		return m.Minor * 22 / 100, nil
	}
	return m.Minor * per[m.Currency], nil
}

func testRates() []RateRow {
	return []RateRow{
		{Date: offersToday, Currency: "USD", Value: "92.5130", Nominal: 1, Source: "cbr"},
		{Date: offersToday, Currency: "CNY", Value: "12.7421", Nominal: 1, Source: "cbr"},
		{Date: offersToday, Currency: "IRR", Value: "21.9834", Nominal: 10000, Source: "cbr"},
	}
}

func TestLoadDemoOffers(t *testing.T) {
	ctx := context.Background()
	s := loadDemoStore(t)
	now := offersToday.Add(10 * time.Hour)
	added, err := s.LoadDemoOffers(ctx, testRates(), demoRub, now)
	if err != nil || !added {
		t.Fatalf("load: %v %v", added, err)
	}
	if again, err := s.LoadDemoOffers(ctx, testRates(), demoRub, now); err != nil || again {
		t.Fatalf("second load added offers: %v %v", again, err)
	}
	current, n, err := s.ListOffers(ctx, "ru", OfferFilter{Scope: "current", Today: offersToday})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || len(current) != 5 {
		t.Errorf("%d current offers, want 5", n)
	}
	for _, o := range current {
		if !o.Demo || o.RubMinor <= 0 || o.Rate.Source == "" || o.PublishedAt.IsZero() || o.ModelName.Value == "" {
			t.Errorf("offer %d: demo %v rub %d source %q", o.ID, o.Demo, o.RubMinor, o.Rate.Source)
		}
		if o.ModelSlug == "rira" && o.TrimID != 0 && o.Price.Currency == "RUB" && (!o.HasPrev || o.PriceChange != -1) {
			t.Errorf("the second Rira Comfort offer is not marked cheaper: %v %d", o.HasPrev, o.PriceChange)
		}
	}
	archive, n, err := s.ListOffers(ctx, "ru", OfferFilter{Scope: "archive", Today: offersToday})
	if err != nil || n != 1 || archive[0].Status != "archived" {
		t.Errorf("archive: %d %v", n, err)
	}
	// Expiry is by date: 45 days on, the Tara offers (valid 45 and 40 days
	// from their start) have moved to the archive.
	later := offersToday.AddDate(0, 0, 45)
	_, n, _ = s.ListOffers(ctx, "ru", OfferFilter{Scope: "archive", Today: later})
	if n != 3 {
		t.Errorf("%d archived offers later, want 3", n)
	}
	if c, _ := s.CountCurrentOffers(ctx, 0, later); c != 3 {
		t.Errorf("%d current later, want 3", c)
	}
	rs, err := s.LatestRates(ctx, offersToday)
	if err != nil || rs["IRR"].Nominal != 10000 {
		t.Errorf("rates: %v %v", rs, err)
	}
	if rs, _ := s.LatestRates(ctx, offersToday.AddDate(0, 0, -1)); len(rs) != 0 {
		t.Errorf("rates before their date: %v", rs)
	}
}

func TestOfferDraftRules(t *testing.T) {
	ctx := context.Background()
	s := loadDemoStore(t)
	var modelID int64
	if err := s.db.Read.QueryRow(`SELECT id FROM models WHERE slug = 'rira'`).Scan(&modelID); err != nil {
		t.Fatal(err)
	}
	in := OfferInput{ModelID: modelID, Price: Money{Minor: 100, Currency: "RUB"}, MOQ: 1, Incoterm: "EXW", Place: "Tehran",
		ValidFrom: offersToday, ValidUntil: offersToday.AddDate(0, 1, 0)}
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		if id, err = tx.CreateOffer(in, 0, offersToday); err != nil {
			return err
		}
		return tx.PublishOffer(id, Frozen{RubMinor: 100, Rate: RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: offersToday, Source: "rub"}}, offersToday)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Tx(ctx, func(tx *Tx) error { return tx.SaveOffer(id, in, offersToday) })
	if !errors.Is(err, ErrNotDraft) {
		t.Errorf("saving a published offer: %v", err)
	}
	err = s.Tx(ctx, func(tx *Tx) error { return tx.DeleteDraftOffer(id) })
	if !errors.Is(err, ErrNotDraft) {
		t.Errorf("deleting a published offer: %v", err)
	}
	err = s.Tx(ctx, func(tx *Tx) error { _, err := tx.RateOn("USD", offersToday); return err })
	if !errors.Is(err, ErrNoRate) {
		t.Errorf("rate without rates: %v", err)
	}
	// The schema refuses what the forms refuse.
	bad := in
	bad.ValidUntil = offersToday.AddDate(0, 0, -1)
	if err := s.Tx(ctx, func(tx *Tx) error { _, err := tx.CreateOffer(bad, 0, offersToday); return err }); err == nil {
		t.Error("valid until before valid from stored")
	}
	bad = in
	bad.Price.Minor = 0
	if err := s.Tx(ctx, func(tx *Tx) error { _, err := tx.CreateOffer(bad, 0, offersToday); return err }); err == nil {
		t.Error("a zero price stored")
	}
}
