package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// dashFixture is a test server on 15 May 2026 with fixed shipments of the
// demo catalogue's Rira and Tara, and the ids they name.
type dashFixture struct {
	ts         *testServer
	clk        *clock
	rira, tara int64
	ru, az, om int64
}

func newDashFixture(t *testing.T) dashFixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 5, 15, 12, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	f := dashFixture{ts: ts, clk: clk}
	ctx := context.Background()
	for slug, dst := range map[string]*int64{"rira": &f.rira, "tara": &f.tara} {
		if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = ?`, slug).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	for code, dst := range map[string]*int64{"ru": &f.ru, "az": &f.az, "om": &f.om} {
		if err := ts.store.DB().Read.QueryRow(`SELECT id FROM markets WHERE code = ?`, code).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		_, _, err := tx.ImportShipments([]db.ShipmentInput{
			{Month: "2025-06", MarketID: f.ru, ModelID: f.rira, Units: 2000},
			{Month: "2025-12", MarketID: f.ru, ModelID: f.tara, Units: 1500},
			{Month: "2026-01", MarketID: f.az, ModelID: f.tara, Units: 700},
			{Month: "2026-02", MarketID: f.ru, ModelID: f.rira, Units: 3000},
			{Month: "2026-03", MarketID: f.ru, ModelID: f.tara, Units: 1200},
			{Month: "2026-03", MarketID: f.om, ModelID: f.rira, Units: 800},
			{Month: "2026-04", MarketID: f.az, ModelID: f.rira, Units: 600},
			{Month: "2026-05", MarketID: f.ru, ModelID: f.rira, Units: 400},
		}, 0, clk.now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f dashFixture) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.ts.store.DB().Read.QueryRow(`SELECT count(*) FROM shipments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDashboardPage: members read the figures, worked out by hand for the
// fixture, in three languages; only staff see the pipeline in numbers.
func TestDashboardPage(t *testing.T) {
	f := newDashFixture(t)
	ts := f.ts
	// Visitors are sent to log in.
	if res := ts.get(t, "/en/dashboard"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/en/login?next=") {
		t.Errorf("visitor: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := ts.get(t, "/en/dashboard.csv"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("visitor CSV: %d", res.StatusCode)
	}
	for _, role := range []string{"investor", "partner", "staff", "admin"} {
		cl, _ := loginAs(t, ts, role)
		res := cl.get(t, "/en/dashboard")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", role, res.StatusCode)
		}
		doc := checkPage(t, "en", res, "/en/dashboard")
		staff := role == "staff" || role == "admin"
		if got := doc.Find("[data-testid=pipeline-stats]").Length() == 1; got != staff {
			t.Errorf("%s sees the pipeline in numbers: %t", role, got)
		}
		if got := doc.Find("[data-testid=staff-bar] [data-testid=nav-shipments]").Length() == 1; got != staff {
			t.Errorf("%s sees the shipments link: %t", role, got)
		}
		if doc.Find(`.main-nav a[href="/en/dashboard"][aria-current=page]`).Length() != 1 {
			t.Errorf("%s: no current Dashboard link in the navigation", role)
		}
		// Four charts, each described, each with a table.
		if n := doc.Find("svg[role=img] > title + desc").Length(); n != 4 {
			t.Errorf("%s: %d described charts", role, n)
		}
		for _, id := range []string{"progress-table", "months-table", "markets-table", "models-table"} {
			tbl := doc.Find("[data-testid=" + id + "]")
			if tbl.Find("caption").Length() != tbl.Length() || tbl.Find("th[scope=col]").Length() < 2 || tbl.Find("tbody th[scope=row]").Length() < 1 {
				t.Errorf("%s: table %s lacks a caption or headers", role, id)
			}
		}
	}

	cl, _ := loginAs(t, ts, "investor")
	doc := cl.get(t, "/en/dashboard").doc(t)
	// This year: 700 + 3000 + 1200 + 800 + 600 + 400 = 6,700; the last 12
	// months add 2,000 and 1,500. Russia: 8,100 of 10,200 (79.4 %).
	cases := []struct{ testID, want string }{
		{"fig-year", "This year (January – May 2026) 6,700 6.7% of the goal of 100,000 a year"},
		{"fig-last12", "Last 12 months (June 2025 – May 2026) 10,200 10.2% of the goal"},
		{"fig-share", "Share of Russia, last 12 months 79.4% 8,100 vehicles; this year 68.7%"},
		// February–April 5,600 against November–January 2,200: +154.5 %; no
		// shipments a year before.
		{"fig-trend", "Trend: February – April 2026 against the three months before ▲ +154.5% up 5,600 vehicles, after 2,200 in November 2025 – January 2026"},
		{"fig-trend", "A year before (February – April 2025): 0 vehicles, change no figures to compare"},
		// 100,000 − 6,700 = 93,300 over May–December: 11,662.5 a month,
		// rounded up; recently 5,600 / 3 = 1,867.
		{"fig-needed", "11,663 a month 93,300 vehicles remain over 8 months (May – December 2026)."},
		{"fig-needed", "Recent rate: 1,867 a month (average of the last three complete months). 9,796 a month more is needed."},
	}
	for _, c := range cases {
		got := strings.Join(strings.Fields(doc.Find("[data-testid="+c.testID+"]").Text()), " ")
		if !strings.Contains(got, c.want) {
			t.Errorf("%s = %q\nwant it to contain %q", c.testID, got, c.want)
		}
	}
	rows := func(id string) []string {
		var out []string
		doc.Find("[data-testid=" + id + "] tbody tr").Each(func(_ int, s *goquery.Selection) {
			var cells []string
			s.Children().Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.Join(strings.Fields(c.Text()), " ")) })
			out = append(out, strings.Join(cells, " "))
		})
		return out
	}
	for _, c := range []struct {
		id   string
		want []string
	}{
		{"markets-table", []string{"Russia 4,600 8,100 79.4%", "Azerbaijan 1,300 1,300 12.7%", "Oman 800 800 7.8%"}},
		{"models-table", []string{"Rira 4,800 6,800 66.7%", "Tara 1,900 3,400 33.3%"}},
		{"progress-table", []string{"January – May 2026 6,700 6.7%", "June 2025 – May 2026 10,200 10.2%"}},
	} {
		if got := rows(c.id); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s rows = %q, want %q", c.id, got, c.want)
		}
	}
	months := rows("months-table")
	if len(months) != 24 || months[0] != "June 2024 0 0" || months[23] != "May 2026 400 400" || months[21] != "March 2026 2,000 1,200" {
		t.Errorf("months: %d rows, %q … %q", len(months), months[0], months[len(months)-1])
	}
	if doc.Find("[data-testid=dashboard-demo]").Length() != 0 {
		t.Error("the fixture's figures are marked as demonstration data")
	}

	// Russian and Persian: the same figures in their digits and words.
	for _, c := range []struct{ lang, want string }{
		{"ru", "6\u00a0700"},
		{"fa", "۶٬۷۰۰"},
	} {
		res := cl.get(t, "/"+c.lang+"/dashboard")
		d := checkPage(t, c.lang, res, "/"+c.lang+"/dashboard")
		if got := d.Find("[data-testid=fig-year] .figure").Text(); got != c.want {
			t.Errorf("%s: this year = %q, want %q", c.lang, got, c.want)
		}
	}
	fa := cl.get(t, "/fa/dashboard").doc(t)
	if got := strings.Join(strings.Fields(fa.Find("[data-testid=fig-share] .figure").Text()), " "); got != "۷۹٫۴٪" {
		t.Errorf("fa share = %q", got)
	}
	if got := fa.Find("[data-testid=models-table] tbody th").First().Text(); got != "ریرا" {
		t.Errorf("fa first model = %q", got)
	}
	ru := cl.get(t, "/ru/dashboard").doc(t)
	if got := strings.Join(strings.Fields(ru.Find("[data-testid=fig-needed]").Text()), " "); !strings.Contains(got, "за 8 месяцев (май – декабрь 2026)") {
		t.Errorf("ru needed = %q", got)
	}
}

// TestDashboardCharts: the charts are drawn on the server, mirrored for
// Persian, with the pace line of the goal.
func TestDashboardCharts(t *testing.T) {
	f := newDashFixture(t)
	cl, _ := loginAs(t, f.ts, "partner")
	en := cl.get(t, "/en/dashboard").doc(t)
	fa := cl.get(t, "/fa/dashboard").doc(t)
	months := en.Find("[data-testid=chart-months]")
	// Bars: Russia's part in five months, the other markets' in three
	// (January and April: Azerbaijan; March: Oman beside Russia).
	if n := months.Find("rect.bar-main").Length(); n != 5 {
		t.Errorf("Russian bars: %d", n)
	}
	if n := months.Find("rect.bar-other").Length(); n != 3 {
		t.Errorf("other bars: %d", n)
	}
	if months.Find("line.goal").Length() != 1 || !strings.Contains(months.Find("text.chart-goal").Text(), "8,334") {
		t.Errorf("pace line: %q", months.Find("text.chart-goal").Text())
	}
	if got := months.Find("title").First().Text(); got != "By month, last 24 months" {
		t.Errorf("title %q", got)
	}
	// The newest month is at the right in English and at the left in
	// Persian.
	lastX := func(doc *goquery.Document) string {
		return doc.Find("[data-testid=chart-months] rect").Last().AttrOr("x", "")
	}
	xe, xf := lastX(en), lastX(fa)
	if xe == "" || xf == "" || xe == xf {
		t.Errorf("newest bar at x=%s (en) and x=%s (fa)", xe, xf)
	}
	if !strings.Contains(fa.Find("[data-testid=chart-markets]").Text(), "روسیه") {
		t.Error("the Persian market chart does not name Russia in Persian")
	}
	if strings.ContainsAny(fa.Find("[data-testid=chart-months] text").Text(), "0123456789") {
		t.Error("Latin digits in the Persian chart")
	}
}

// TestDashboardCSV: the figures as a spreadsheet, UTF-8 with a BOM.
func TestDashboardCSV(t *testing.T) {
	f := newDashFixture(t)
	cl, _ := loginAs(t, f.ts, "investor")
	res := cl.get(t, "/en/dashboard.csv")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename="export-dashboard-2026-05.csv"`) {
		t.Fatalf("CSV: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(res.Body, "\ufeff") {
		t.Error("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Section", "Figure", "From month", "To month", "Vehicles", "Percent"},
		{"Summary", "Goal for the year", "2026-01", "2026-12", "100000", ""},
		{"Summary", "This year (percent of the goal)", "2026-01", "2026-05", "6700", "6.7"},
		{"Summary", "Last 12 months (percent of the goal)", "2025-06", "2026-05", "10200", "10.2"},
		{"Summary", "Russia, this year (percent share)", "2026-01", "2026-05", "4600", "68.7"},
		{"Summary", "Russia, last 12 months (percent share)", "2025-06", "2026-05", "8100", "79.4"},
		{"Summary", "Last three complete months", "2026-02", "2026-04", "5600", ""},
		{"Summary", "The three months before (percent change since)", "2025-11", "2026-01", "2200", "154.5"},
		{"Summary", "The same three months a year before (percent change since)", "2025-02", "2025-04", "0", ""},
		{"Summary", "This year's months a year before", "2025-01", "2025-05", "0", ""},
		{"Summary", "Remaining to the goal this year", "2026-05", "2026-12", "93300", ""},
		{"Summary", "Needed a month over the 8 months left", "2026-05", "2026-12", "11663", ""},
		{"Summary", "Recent monthly rate", "2026-02", "2026-04", "1867", ""},
		{"Market", "Russia", "2025-06", "2026-05", "8100", "79.4"},
		{"Market", "Russia", "2026-01", "2026-05", "4600", ""},
	}
	for i, w := range want {
		if i >= len(recs) || strings.Join(recs[i], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q, want %q", i, recs[min(i, len(recs)-1)], w)
		}
	}
	// 12 summary rows, 3 markets and 2 models twice, 24 months twice.
	if len(recs) != 1+12+6+4+48 {
		t.Errorf("%d rows", len(recs))
	}
	last := recs[len(recs)-2:]
	if strings.Join(last[0], "|") != "Month|All markets|2026-05|2026-05|400|" || strings.Join(last[1], "|") != "Month|Russia|2026-05|2026-05|400|" {
		t.Errorf("last rows: %q", last)
	}
	// The Russian file has Russian headings.
	ru := cl.get(t, "/ru/dashboard.csv")
	if !strings.HasPrefix(ru.Body, "\ufeffРаздел,Показатель") {
		t.Errorf("ru CSV starts %q", ru.Body[:min(len(ru.Body), 60)])
	}
}

// TestDashboardFollowsShipments: the page kept rendered is made again
// after every shipment write.
func TestDashboardFollowsShipments(t *testing.T) {
	f := newDashFixture(t)
	inv, _ := loginAs(t, f.ts, "investor")
	figure := func() string { return inv.get(t, "/en/dashboard").doc(t).Find("[data-testid=fig-year] .figure").Text() }
	if got := figure(); got != "6,700" {
		t.Fatalf("before: %s", got)
	}
	staff, _ := loginAs(t, f.ts, "staff")
	res := staff.submit(t, "/en/staff/shipments", "/en/staff/shipments", url.Values{"month": {"2026-05"}, "market": {idString(f.az)},
		"model": {idString(f.tara)}, "units": {"1 300"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	if got := figure(); got != "8,000" {
		t.Errorf("after adding 1,300: %s", got)
	}
	// The month turns: June is the current month, with nothing yet.
	f.clk.add(20 * 24 * time.Hour)
	inv, _ = loginAs(t, f.ts, "investor")
	if got := inv.get(t, "/en/dashboard").doc(t).Find("[data-testid=as-of]").Text(); !strings.Contains(got, "June 2026") {
		t.Errorf("after the month turned: %q", got)
	}
}

// TestDashboardEmpty: with nothing recorded the page still reads well:
// zeros against the goal, the months chart, and a note instead of the
// charts by market and model.
func TestDashboardEmpty(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "partner")
	res := cl.get(t, "/en/dashboard")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d", res.StatusCode)
	}
	doc := checkPage(t, "en", res, "/en/dashboard")
	if got := doc.Find("[data-testid=fig-year] .figure").Text(); got != "0" {
		t.Errorf("this year: %q", got)
	}
	if got := doc.Find("[data-testid=fig-share] .figure").Text(); got != "—" {
		t.Errorf("share: %q", got)
	}
	if n := doc.Find("svg[role=img]").Length(); n != 2 {
		t.Errorf("%d charts", n)
	}
	if n := doc.Find(`p.empty:contains("No shipments recorded in the last 12 months.")`).Length(); n != 2 {
		t.Errorf("%d notes for the empty market and model charts", n)
	}
}

// TestDashboardPendingAccount: an account waiting for approval cannot log
// in, so the dashboard sends it to the login page like any visitor.
func TestDashboardPendingAccount(t *testing.T) {
	ts := newTestServer(t)
	u := createUser(t, ts, "pending-dash@example.com", "investor", "pending")
	cl := ts.newClient()
	if res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {u.Email}, "password": {testPassword}}); res.StatusCode == http.StatusSeeOther {
		t.Fatal("a pending account logged in")
	}
	for _, p := range []string{"/en/dashboard", "/en/dashboard.csv"} {
		if res := cl.get(t, p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/en/login?next=") {
			t.Errorf("%s: %d %s", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestCSVRowWithNumbers: numbers the portal computed keep their sign;
// anything else is neutralised as in every export.
func TestCSVRowWithNumbers(t *testing.T) {
	e := newCSVExport([]string{"a", "b", "c", "d"})
	e.rowWithNumbers([]string{"=HYPERLINK(1)", "-x"}, []string{"-12.5", "-1+1"})
	e.w.Flush()
	want := "\ufeffa,b,c,d\n'=HYPERLINK(1),'-x,-12.5,'-1+1\n"
	if got := e.buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
