package db

import (
	"context"
	"fmt"
	"time"
)

// demoOffer is a demonstration offer: illustrative prices and terms.
type demoOffer struct {
	model, trim string // slugs; trim "" for the whole model
	price       Money
	tiers       []Tier
	moq         int64
	incoterm    string
	place       string
	leadDays    int
	// start is days from today the offer became valid; days its length.
	start, days int
	// archived offers were issued before and show the price history.
	archived bool
	texts    map[string]OfferTexts
}

var demoAfterSales = map[string]OfferTexts{
	"ru": {Warranty: "3 года или 100 000 км, что наступит раньше (демонстрационные условия).",
		AfterSales: "Склад запчастей в Москве, 12 партнёрских сервисных центров; обучение техников дилера.",
		Notes:      "Демонстрационное предложение: цены и условия приведены для примера."},
	"en": {Warranty: "3 years or 100,000 km, whichever comes first (demonstration terms).",
		AfterSales: "Spare parts warehouse in Moscow, 12 partner service points; training for the dealer's technicians.",
		Notes:      "Demonstration offer: prices and terms are illustrative."},
	"fa": {Warranty: "۳ سال یا ۱۰۰٬۰۰۰ کیلومتر، هر کدام زودتر برسد (شرایط نمایشی).",
		AfterSales: "انبار قطعات یدکی در مسکو، ۱۲ مرکز خدمات همکار؛ آموزش تکنسین\u200cهای نمایندگی.",
		Notes:      "پیشنهاد نمایشی: قیمت\u200cها و شرایط برای نمونه است."},
}

func demoOffers() []demoOffer {
	return []demoOffer{
		{model: "rira", trim: "comfort", price: Money{Minor: 2_520_000_00, Currency: "RUB"}, moq: 100, incoterm: "DAP", place: "Moscow",
			leadDays: 75, start: -120, days: 60, archived: true, texts: demoAfterSales},
		{model: "rira", trim: "comfort", price: Money{Minor: 2_450_000_00, Currency: "RUB"},
			tiers: []Tier{{MinQty: 500, PriceMinor: 2_390_000_00}, {MinQty: 1000, PriceMinor: 2_320_000_00}},
			moq:   100, incoterm: "DAP", place: "Moscow", leadDays: 60, start: -20, days: 90, texts: demoAfterSales},
		{model: "rira", trim: "premium", price: Money{Minor: 29_900_00, Currency: "USD"},
			tiers: []Tier{{MinQty: 500, PriceMinor: 29_200_00}},
			moq:   50, incoterm: "FCA", place: "Bandar Anzali", leadDays: 45, start: -10, days: 60, texts: demoAfterSales},
		{model: "tara", trim: "v4", price: Money{Minor: 14_900_00, Currency: "USD"},
			tiers: []Tier{{MinQty: 300, PriceMinor: 14_500_00}, {MinQty: 1000, PriceMinor: 13_900_00}},
			moq:   100, incoterm: "CPT", place: "Astrakhan", leadDays: 50, start: -5, days: 45, texts: demoAfterSales},
		{model: "dena-plus", trim: "", price: Money{Minor: 98_000_00, Currency: "CNY"},
			moq: 200, incoterm: "CIP", place: "Makhachkala", leadDays: 40, start: -30, days: 120, texts: demoAfterSales},
		{model: "tara", trim: "v1", price: Money{Minor: 620_000_000, Currency: "IRR"},
			moq: 50, incoterm: "EXW", place: "Tehran", leadDays: 30, start: -20, days: 60, texts: demoAfterSales},
	}
}

// LoadDemoOffers stores the demo exchange rates (from the Bank of Russia
// sample file, parsed by the caller) and, when there are no offers yet, a
// few demonstration offers for the demo models, published with their
// prices in rubles frozen through toRub. It reports whether offers were
// added.
func (s *Store) LoadDemoOffers(ctx context.Context, rates []RateRow, toRub func(Money, RateRow) (int64, error), now time.Time) (bool, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM offers`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: demo offers: %w", err)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	byCur := map[string]RateRow{}
	for _, r := range rates {
		byCur[r.Currency] = r
	}
	added := false
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.SaveRates(rates, now); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, d := range demoOffers() {
			var modelID, trimID int64
			if err := tx.tx.QueryRowContext(ctx, `SELECT id FROM models WHERE slug = ?`, d.model).Scan(&modelID); err != nil {
				continue // the demo catalogue lacks the model
			}
			if d.trim != "" {
				if err := tx.tx.QueryRowContext(ctx, `SELECT id FROM trims WHERE model_id = ? AND slug = ?`, modelID, d.trim).Scan(&trimID); err != nil {
					continue
				}
			}
			from := today.AddDate(0, 0, d.start)
			in := OfferInput{ModelID: modelID, TrimID: trimID, Price: d.price, Tiers: d.tiers, MOQ: d.moq, Incoterm: d.incoterm,
				Place: d.place, LeadDays: d.leadDays, ValidFrom: from, ValidUntil: from.AddDate(0, 0, d.days), Texts: d.texts, Demo: true}
			id, err := tx.CreateOffer(in, 0, now)
			if err != nil {
				return err
			}
			rate := RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: from, Source: "rub"}
			if d.price.Currency != "RUB" {
				r, ok := byCur[d.price.Currency]
				if !ok {
					return fmt.Errorf("store: demo offer: no %s rate", d.price.Currency)
				}
				rate = r
			}
			rub, err := toRub(d.price, rate)
			if err != nil {
				return err
			}
			if err := tx.PublishOffer(id, Frozen{RubMinor: rub, Rate: rate}, from.Add(9*time.Hour)); err != nil {
				return err
			}
			if d.archived {
				if err := tx.ArchiveOffer(id, now); err != nil {
					return err
				}
			}
		}
		added = true
		return nil
	})
	return added, err
}
