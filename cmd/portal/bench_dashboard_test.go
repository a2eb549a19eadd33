package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
)

// Sizes of the dashboard benchmark: ten years of monthly shipments for 30
// markets and 20 models, 72,000 records.
const (
	benchDashYears   = 10
	benchDashMarkets = 30
	benchDashModels  = 20
	benchDashConns   = 32
	// benchDashWrites is how many shipment edits the cold-render
	// measurement makes, each followed by a dashboard request that has to
	// compute the figures again.
	benchDashWrites = 20
)

// BenchmarkDashboard starts the real portal over 72,000 shipment records,
// logs in 32 investors and measures the export dashboard at 32 keep-alive
// connections; then a staff member edits a record 20 times, and each edit
// is followed by one investor request, which computes the figures and
// renders the page afresh (the cold path).
func BenchmarkDashboard(b *testing.B) {
	window := benchWindow(b)
	var f dashFigures
	for b.Loop() {
		f = measureDashboard(b, window)
	}
	b.ReportMetric(f.warm.perSecond(), "dashboard-req/s")
	b.ReportMetric(ms(f.warm.percentile(0.50)), "dashboard-p50-ms")
	b.ReportMetric(ms(f.warm.percentile(0.99)), "dashboard-p99-ms")
	b.ReportMetric(ms(percentile(f.cold, 0.50)), "cold-p50-ms")
	b.ReportMetric(ms(f.cold[len(f.cold)-1]), "cold-max-ms")
	b.ReportMetric(float64(f.warm.errors), "errors")
	if f.warm.errors > 0 {
		b.Errorf("errors: %s", f.warm.firstErr)
	}
}

type dashFigures struct {
	build time.Duration
	warm  loadResult
	cold  []time.Duration // sorted
	// others is the share of the CPU other programs took during the load
	// (-1 when unknown).
	others float64
}

func measureDashboard(b *testing.B, window time.Duration) dashFigures {
	b.Helper()
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	var f dashFigures
	path := filepath.Join(b.TempDir(), "portal.db")
	start := time.Now()
	staffEmail := buildDashboardDB(ctx, b, path)
	f.build = time.Since(start)
	addAccounts(ctx, b, path, benchDashConns)

	addr := freeLoopbackAddr(b)
	logs := &syncBuffer{}
	args := []string{"portal", "-addr", addr, "-db", path, "-log-level", "warn", "-trusted-proxies", "127.0.0.1/32"}
	getenv := func(string) string { return "" }
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, strings.NewReader(""), logs, logs) }()
	base := "http://" + addr
	waitReady(b, base+"/readyz", time.Now(), done, logs)

	var headers []http.Header
	for i := range benchDashConns {
		ip := fmt.Sprintf("10.9.1.%d", i+1)
		cookie := loginCookie(ctx, b, base, fmt.Sprintf("bench%03d@example.com", i), benchPassword, ip)
		headers = append(headers, http.Header{"Cookie": {cookie}, "X-Forwarded-For": {ip}})
	}
	client := noRedirects()
	defer client.CloseIdleConnections()
	get := func(h http.Header) (fetched, time.Duration) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ru/dashboard", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = h.Clone()
		req.Header.Set("Accept-Encoding", "gzip")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("dashboard: %v %v", resp, err)
		}
		page := readFetched(b, resp)
		return page, time.Since(t0)
	}
	page, _ := get(headers[0])
	if html := string(page.html()); strings.Count(html, "<svg") != 4 || !strings.Contains(html, `data-testid="markets-table"`) {
		b.Fatalf("the dashboard lacks its charts or tables:\n%.2000s", html)
	}

	cpu0, cpuOK := readCPUTicks()
	var err error
	f.warm, err = runLoad(ctx, loadSpec{conns: benchDashConns, warmup: 500 * time.Millisecond, duration: window,
		urls: []string{base + "/ru/dashboard"}, header: http.Header{"Accept-Encoding": {"gzip"}}, workerHeader: headers})
	if err != nil {
		b.Fatal(err)
	}
	f.others = -1
	if cpu1, ok := readCPUTicks(); ok && cpuOK {
		f.others = cpu1.othersShare(cpu0)
	}

	// Cold renders: a staff member changes a record; the next request
	// computes the figures over the 72,000 records and renders the page.
	staffIP := "10.9.2.1"
	staff := loginCookie(ctx, b, base, staffEmail, benchPassword, staffIP)
	var id int64
	{
		d, store := openBenchStore(ctx, b, path)
		rows, _, err := store.ListShipments(ctx, "ru", db.ShipmentFilter{PerPage: 1})
		d.Close()
		if err != nil || len(rows) == 0 {
			b.Fatalf("a record to edit: %v", err)
		}
		id = rows[0].ID
	}
	editPage := fmt.Sprintf("%s/ru/staff/shipments/%d", base, id)
	for i := range benchDashWrites {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, editPage, nil)
		req.Header.Set("Cookie", staff)
		req.Header.Set("X-Forwarded-For", staffIP)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindSubmatch(body)
		mk := regexp1(`name="market"[^>]*>(?s:.*?)<option value="(\d+)" selected`, body)
		md := regexp1(`name="model"[^>]*>(?s:.*?)<option value="(\d+)" selected`, body)
		month := regexp1(`name="month" type="month" value="([0-9-]+)"`, body)
		if m == nil || mk == "" || md == "" || month == "" {
			b.Fatalf("edit form %s: %s", resp.Status, body[:min(len(body), 500)])
		}
		form := url.Values{"csrf": {string(m[1])}, "month": {month}, "market": {mk}, "model": {md}, "units": {fmt.Sprint(100 + i)}}
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, editPage, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", staff)
		req.Header.Set("X-Forwarded-For", staffIP)
		req.Header.Set("Origin", base)
		resp, err = client.Do(req)
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("edit %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
		_, d := get(headers[i%len(headers)])
		f.cold = append(f.cold, d)
	}
	slices.Sort(f.cold)
	fmt.Fprintf(os.Stdout, "dashboard, %d records (%d years × %d markets × %d models), %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms; "+
		"cold (after a shipment edit) p50 %.1f ms, max %.1f ms; others' CPU %.0f%%; database built in %s\n",
		benchDashYears*12*benchDashMarkets*benchDashModels, benchDashYears, benchDashMarkets, benchDashModels, benchDashConns,
		f.warm.perSecond(), ms(f.warm.percentile(0.50)), ms(f.warm.percentile(0.99)), ms(percentile(f.cold, 0.5)), ms(f.cold[len(f.cold)-1]),
		f.others*100, f.build.Round(time.Millisecond))
	return f
}

// buildDashboardDB creates a migrated database with benchDashModels
// generated models, benchDashMarkets markets (the seeded ones and more)
// and a record for every month of benchDashYears years, market and model,
// and a staff account; it returns the staff account's email.
func buildDashboardDB(ctx context.Context, b *testing.B, path string) string {
	b.Helper()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	if err := store.LoadGenerated(ctx, benchDashModels, 1); err != nil {
		b.Fatal(err)
	}
	hash, err := web.HashPassword(benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	const staffEmail = "bench-staff@example.com"
	now := time.Now().UTC()
	err = store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.CreateUser(db.NewUser{Email: staffEmail, PasswordHash: hash, FullName: "Bench Staff", Company: "IKCO",
			Role: "staff", Status: "active", Lang: "ru", Now: now}); err != nil {
			return err
		}
		markets, err := store.ListMarkets(ctx)
		if err != nil {
			return err
		}
		for i := len(markets); i < benchDashMarkets; i++ {
			code := fmt.Sprintf("m%02d", i)
			if _, err := tx.CreateMarket(code, db.L10n{RU: "Рынок " + code, EN: "Market " + code, FA: "بازار " + code}, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	markets, err := store.ListMarkets(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var models []int64
	rows, err := d.Read.QueryContext(ctx, `SELECT id FROM models ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		models = append(models, id)
	}
	rows.Close()
	if len(markets) != benchDashMarkets || len(models) != benchDashModels {
		b.Fatalf("%d markets, %d models", len(markets), len(models))
	}
	cur := db.MonthOf(now)
	var in []db.ShipmentInput
	for back := benchDashYears*12 - 1; back >= 0; back-- {
		month := db.AddMonths(cur, -back)
		for i, mk := range markets {
			for j, md := range models {
				in = append(in, db.ShipmentInput{Month: month, MarketID: mk.ID, ModelID: md, Units: 1 + (i*7+j*13+back)%40})
			}
		}
	}
	err = store.Tx(ctx, func(tx *db.Tx) error {
		_, _, err := tx.ImportShipments(in, 0, now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return staffEmail
}

// regexp1 returns the first group of pattern in body, or "".
func regexp1(pattern string, body []byte) string {
	m := regexp.MustCompile(pattern).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}
