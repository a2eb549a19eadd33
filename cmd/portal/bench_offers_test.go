package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// Sizes of the offers benchmark.
const (
	// benchOfferModels is the catalogue the offers are for: an
	// automaker's export range is tens of models, not the thousand of the
	// public pages benchmark.
	benchOfferModels = 25
	benchOffers      = 10_000
	benchCurrencies  = 20
	benchOfferConns  = 32
)

// benchCurrencyCodes are the 20 currencies with rates: the five offers
// are priced in, and fifteen more a viewer may read prices in.
var benchCurrencyCodes = []string{"USD", "EUR", "CNY", "IRR", "AED", "AMD", "AZN", "BYN", "GBP", "INR",
	"KZT", "TRY", "UZS", "KGS", "TJS", "GEL", "JPY", "CHF", "HKD", "SAR"}

// BenchmarkOffersList starts the real portal with 10,000 published offers
// and rates for 20 currencies, logs in 32 investors, and measures at 32
// keep-alive connections: the first page of the offers list in rubles,
// 100 filtered pages in dollars round-robin, and the ceiling (plain
// net/http answering the investor's offers page bytes from memory).
func BenchmarkOffersList(b *testing.B) {
	window := benchWindow(b)
	var list, paged, ceiling loadResult
	for b.Loop() {
		list, paged, ceiling = measureOffers(b, window)
	}
	for _, m := range []struct {
		name string
		r    loadResult
	}{{"offers", list}, {"offers-usd-pages", paged}, {"ceiling", ceiling}} {
		b.ReportMetric(m.r.perSecond(), m.name+"-req/s")
		b.ReportMetric(ms(m.r.percentile(0.50)), m.name+"-p50-ms")
		b.ReportMetric(ms(m.r.percentile(0.99)), m.name+"-p99-ms")
	}
	b.ReportMetric(ratio(list, ceiling), "offers/c")
	b.ReportMetric(ratio(paged, ceiling), "pages/c")
	b.ReportMetric(float64(list.errors+paged.errors+ceiling.errors), "errors")
	if list.errors+paged.errors > 0 {
		b.Errorf("errors: %s %s", list.firstErr, paged.firstErr)
	}
}

func measureOffers(b *testing.B, window time.Duration) (list, paged, ceiling loadResult) {
	b.Helper()
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	path := filepath.Join(b.TempDir(), "portal.db")
	buildOffersDB(ctx, b, path)
	addAccounts(ctx, b, path, benchOfferConns)
	addOffers(ctx, b, path)

	addr := freeLoopbackAddr(b)
	logs := &syncBuffer{}
	args := []string{"portal", "-addr", addr, "-db", path, "-log-level", "warn", "-trusted-proxies", "127.0.0.1/32"}
	getenv := func(string) string { return "" }
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, strings.NewReader(""), logs, logs) }()
	base := "http://" + addr
	waitReady(b, base+"/readyz", time.Now(), done, logs)

	var headers []http.Header
	for i := range benchOfferConns {
		cookie := loginCookie(ctx, b, base, fmt.Sprintf("bench%03d@example.com", i), benchPassword, fmt.Sprintf("10.9.0.%d", i+1))
		headers = append(headers, http.Header{"Cookie": {cookie}})
	}
	client := noRedirects()
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ru/offers", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Cookie", headers[0].Get("Cookie"))
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("offers page: %v %v", resp, err)
	}
	page := readFetched(b, resp)
	if html := string(page.html()); !strings.Contains(html, `data-testid="offer-row"`) || !strings.Contains(html, "10\u00a0000") {
		b.Fatalf("the offers page lacks offers or their count:\n%.2000s", html)
	}
	ceilingURL := startCeiling(b, page)

	gz := http.Header{"Accept-Encoding": {"gzip"}}
	list, err = runLoad(ctx, loadSpec{conns: benchOfferConns, warmup: 500 * time.Millisecond, duration: window,
		urls: []string{base + "/ru/offers"}, header: gz, workerHeader: headers})
	if err != nil {
		b.Fatal(err)
	}
	var urls []string
	for p := 1; p <= 100; p++ {
		urls = append(urls, fmt.Sprintf("%s/ru/offers?cur=USD&incoterm=DAP&page=%d", base, p))
	}
	paged, err = runLoad(ctx, loadSpec{conns: benchOfferConns, warmup: 500 * time.Millisecond, duration: window,
		urls: urls, header: gz, workerHeader: headers})
	if err != nil {
		b.Fatal(err)
	}
	ceiling, err = runLoad(ctx, loadSpec{conns: benchOfferConns, warmup: 500 * time.Millisecond, duration: window,
		urls: []string{ceilingURL}, header: gz})
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "offers list, %d offers, %d currencies, %d connections: %.0f req/s p99 %.1f ms; USD pages %.0f req/s p99 %.1f ms; ceiling %.0f req/s; ratio %.2f\n",
		benchOffers, benchCurrencies, benchOfferConns, list.perSecond(), ms(list.percentile(0.99)), paged.perSecond(), ms(paged.percentile(0.99)),
		ceiling.perSecond(), ratio(list, ceiling))
	return list, paged, ceiling
}

// buildOffersDB creates a migrated database with a generated catalogue of
// benchOfferModels models of four trims.
func buildOffersDB(ctx context.Context, b *testing.B, path string) {
	b.Helper()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	if err := store.LoadGenerated(ctx, benchOfferModels, 4); err != nil {
		b.Fatal(err)
	}
}

// readFetched reads a response as it came over the wire.
func readFetched(b *testing.B, resp *http.Response) fetched {
	b.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	header := resp.Header.Clone()
	for _, k := range []string{"Date", "Content-Length", "Transfer-Encoding"} {
		header.Del(k)
	}
	return fetched{body: body, ctype: resp.Header.Get("Content-Type"), encoding: resp.Header.Get("Content-Encoding"), header: header}
}

// addOffers stores rates for 20 currencies and 10,000 published offers
// spread over the catalogue's trims, five currencies and the Incoterms.
func addOffers(ctx context.Context, b *testing.B, path string) {
	b.Helper()
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	store, err := db.NewStore(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	type trim struct{ model, id int64 }
	rows, err := d.Read.QueryContext(ctx, `SELECT model_id, id FROM trims ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	var trims []trim
	for rows.Next() {
		var t trim
		if err := rows.Scan(&t.model, &t.id); err != nil {
			b.Fatal(err)
		}
		trims = append(trims, t)
	}
	rows.Close()
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var rates []db.RateRow
	for i, c := range benchCurrencyCodes {
		nominal := int64(1)
		if c == "IRR" || c == "UZS" {
			nominal = 10000
		}
		rates = append(rates, db.RateRow{Date: today.AddDate(0, 0, -1), Currency: c, Value: fmt.Sprintf("%d.%04d", 10+i*7, 1234+i), Nominal: nominal, Source: "cbr"})
	}
	currencies := []string{"RUB", "USD", "EUR", "CNY", "IRR"}
	incoterms := db.Incoterms
	texts := map[string]db.OfferTexts{"ru": {Warranty: "3 года"}, "en": {Warranty: "3 years"}, "fa": {Warranty: "۳ سال"}}
	err = store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveRates(rates, now); err != nil {
			return err
		}
		for i := range benchOffers {
			t := trims[i%len(trims)]
			cur := currencies[i%len(currencies)]
			price := int64(1_500_000_00 + (i%500)*10_000_00)
			if cur != "RUB" {
				price /= 90
			}
			if cur == "IRR" {
				price *= 420
			}
			in := db.OfferInput{ModelID: t.model, TrimID: t.id, Price: db.Money{Minor: price, Currency: cur},
				Tiers: []db.Tier{{MinQty: 500, PriceMinor: price - price/50}}, MOQ: 100, Incoterm: incoterms[i%len(incoterms)],
				Place: "Moscow", LeadDays: 60, ValidFrom: today.AddDate(0, 0, -10), ValidUntil: today.AddDate(0, 2, 0), Texts: texts}
			id, err := tx.CreateOffer(in, 0, now)
			if err != nil {
				return err
			}
			if err := tx.PublishOffer(id, db.Frozen{RubMinor: price, Rate: db.RateRow{Currency: cur, Value: "1", Nominal: 1, Date: today, Source: "manual"}}, now.Add(time.Duration(i)*time.Second)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
