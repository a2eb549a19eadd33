package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// shipmentFixture is a store with two models (alpha, beta) and the seeded
// markets, and their ids.
type shipmentFixture struct {
	s                *Store
	alpha, beta      int64
	ru, az, om, byID int64
}

func newShipmentFixture(t *testing.T) shipmentFixture {
	t.Helper()
	s := openDemoStore(t)
	ctx := context.Background()
	f := shipmentFixture{s: s}
	for _, m := range []struct {
		dst              *int64
		slug, ru, en, fa string
		sort             int
	}{{&f.alpha, "alpha", "Альфа", "Alpha", "آلفا", 10}, {&f.beta, "beta", "Бета", "Beta", "بتا", 20}} {
		res, err := s.db.Write.ExecContext(ctx, `INSERT INTO models (slug, body_type, seats, model_year, sort_order, status) VALUES (?, 'sedan', 5, 2026, ?, 'published')`, m.slug, m.sort)
		if err != nil {
			t.Fatal(err)
		}
		*m.dst, _ = res.LastInsertId()
		for lang, name := range map[string]string{"ru": m.ru, "en": m.en, "fa": m.fa} {
			if _, err := s.db.Write.ExecContext(ctx, `INSERT INTO model_texts (model_id, lang, name) VALUES (?, ?, ?)`, *m.dst, lang, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	ms, err := s.ListMarkets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		switch m.Code {
		case "ru":
			f.ru = m.ID
		case "az":
			f.az = m.ID
		case "om":
			f.om = m.ID
		case "by":
			f.byID = m.ID
		}
	}
	if f.ru == 0 || f.az == 0 || f.om == 0 || f.byID == 0 {
		t.Fatalf("seeded markets: %+v", ms)
	}
	return f
}

// add stores records through an import.
func (f shipmentFixture) add(t *testing.T, in []ShipmentInput) {
	t.Helper()
	err := f.s.Tx(context.Background(), func(tx *Tx) error {
		_, _, err := tx.ImportShipments(in, 0, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPeriodsAt(t *testing.T) {
	cases := []struct {
		now  time.Time
		want Periods
	}{
		{time.Date(2026, 5, 15, 12, 0, 0, 0, time.UTC), Periods{Current: "2026-05", YearStart: "2026-01", Last12Start: "2025-06",
			Last3Start: "2026-02", Last3End: "2026-04", Prev3Start: "2025-11", Prev3End: "2026-01", YoY3Start: "2025-02", YoY3End: "2025-04",
			PrevYearStart: "2025-01", PrevYearEnd: "2025-05", MonthsStart: "2024-06", MonthsLeft: 8}},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Periods{Current: "2026-01", YearStart: "2026-01", Last12Start: "2025-02",
			Last3Start: "2025-10", Last3End: "2025-12", Prev3Start: "2025-07", Prev3End: "2025-09", YoY3Start: "2024-10", YoY3End: "2024-12",
			PrevYearStart: "2025-01", PrevYearEnd: "2025-01", MonthsStart: "2024-02", MonthsLeft: 12}},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), Periods{Current: "2026-12", YearStart: "2026-01", Last12Start: "2026-01",
			Last3Start: "2026-09", Last3End: "2026-11", Prev3Start: "2026-06", Prev3End: "2026-08", YoY3Start: "2025-09", YoY3End: "2025-11",
			PrevYearStart: "2025-01", PrevYearEnd: "2025-12", MonthsStart: "2025-01", MonthsLeft: 1}},
	}
	for _, c := range cases {
		if got := PeriodsAt(c.now); got != c.want {
			t.Errorf("PeriodsAt(%s):\n got %+v\nwant %+v", c.now, got, c.want)
		}
	}
}

func TestAddMonthsAndValidMonth(t *testing.T) {
	for _, c := range []struct {
		m    string
		n    int
		want string
	}{{"2026-05", 0, "2026-05"}, {"2026-05", -5, "2025-12"}, {"2026-12", 1, "2027-01"}, {"2026-01", -13, "2024-12"}, {"2026-01", 23, "2027-12"}} {
		if got := AddMonths(c.m, c.n); got != c.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", c.m, c.n, got, c.want)
		}
	}
	for s, want := range map[string]bool{"2026-05": true, "1999-12": true, "2026-13": false, "2026-00": false, "2026-5": false,
		"26-05": false, "2026-05-01": false, "": false, "3026-01": false, "2026/05": false} {
		if got := ValidMonth(s); got != want {
			t.Errorf("ValidMonth(%q) = %t", s, got)
		}
	}
}

// TestDashboardFigures checks every figure against sums worked out by
// hand for the fixed records below, as of 15 May 2026.
func TestDashboardFigures(t *testing.T) {
	f := newShipmentFixture(t)
	A, B := f.alpha, f.beta
	f.add(t, []ShipmentInput{
		{"2024-05", f.ru, A, 999, false},  // before every period
		{"2024-06", f.ru, A, 100, false},  // the chart's first month
		{"2025-02", f.ru, A, 1000, false}, // a year before the trend's months; last year to date
		{"2025-03", f.az, B, 500, false},  // the same
		{"2025-05", f.om, A, 300, false},  // last year to date; not in the last 12 months
		{"2025-06", f.ru, B, 2000, false}, // the last 12 months begin
		{"2025-12", f.ru, A, 1500, false}, // previous three months
		{"2026-01", f.az, A, 700, false},  // this year; previous three months
		{"2026-02", f.ru, A, 3000, true},  // the last three complete months…
		{"2026-03", f.ru, B, 1200, false}, // …
		{"2026-03", f.om, B, 800, false},  // …
		{"2026-04", f.az, A, 600, false},  // …
		{"2026-05", f.ru, A, 400, false},  // the current month so far
		{"2026-06", f.ru, A, 5000, false}, // a future month: never counted
		{"2026-05", f.byID, B, 0 + 1, false},
	})
	// The last line above adds one unit to Belarus in May 2026, so a
	// market with one unit shows with its share.
	d, err := f.s.Dashboard(context.Background(), "en", time.Date(2026, 5, 15, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// This year: 700 + 3000 + 1200 + 800 + 600 + 400 + 1 = 6701; the last
	// 12 months add June and December 2025: 6701 + 2000 + 1500 = 10201.
	// Russia: 3000 + 1200 + 400 = 4600 this year; + 2000 + 1500 = 8100.
	ints := []struct {
		name      string
		got, want int
	}{
		{"goal", d.Goal, 100000},
		{"year units", d.YearUnits, 6701},
		{"last 12 months", d.Last12Units, 10201},
		{"Russia this year", d.MainYear, 4600},
		{"Russia last 12 months", d.MainLast12, 8100},
		// Feb–Apr 2026: 3000 + 1200 + 800 + 600; Nov 2025–Jan 2026: 1500 +
		// 700; Feb–Apr 2025: 1000 + 500.
		{"last 3", d.Last3, 5600},
		{"previous 3", d.Prev3, 2200},
		{"same 3 a year before", d.YoY3, 1500},
		// Jan–May 2025: 1000 + 500 + 300.
		{"last year to date", d.PrevYearUnits, 1800},
		// 100000 − 6701 = 93299 over May…December (8 months): 11662.375,
		// rounded up.
		{"remaining", d.Remaining, 93299},
		{"months left", d.MonthsLeft, 8},
		{"needed a month", d.NeededPerMonth, 11663},
		// 5600 / 3 = 1866.67.
		{"recent monthly rate", d.Last3Average, 1867},
		{"demo records", d.Demo, 1},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	floats := []struct {
		name string
		got  sql.NullFloat64
		want float64
	}{
		{"Russia's share this year", d.MainYearShare, 68.6},      // 4600 / 6701 = 68.65 %
		{"Russia's share of 12 months", d.MainLast12Share, 79.4}, // 8100 / 10201 = 79.40 %
		{"trend against previous 3", d.Trend3, 154.5},            // 5600 / 2200 − 1 = 154.55 %
		{"trend against a year before", d.TrendYoY, 273.3},       // 5600 / 1500 − 1 = 273.33 %
		{"progress this year", sql.NullFloat64{Float64: d.YearProgress, Valid: true}, 6.7},
		{"progress 12 months", sql.NullFloat64{Float64: d.Last12Progress, Valid: true}, 10.2},
	}
	for _, c := range floats {
		if !c.got.Valid || c.got.Float64 != c.want {
			t.Errorf("%s = %+v, want %.1f", c.name, c.got, c.want)
		}
	}

	// 24 months from June 2024 to May 2026, the empty ones too.
	if len(d.Months) != 24 || d.Months[0].Month != "2024-06" || d.Months[23].Month != "2026-05" {
		t.Fatalf("months: %d, %+v … %+v", len(d.Months), d.Months[0], d.Months[len(d.Months)-1])
	}
	wantMonths := map[string][2]int{"2024-06": {100, 100}, "2025-02": {1000, 1000}, "2025-03": {500, 0}, "2025-05": {300, 0},
		"2025-06": {2000, 2000}, "2025-12": {1500, 1500}, "2026-01": {700, 0}, "2026-02": {3000, 3000}, "2026-03": {2000, 1200},
		"2026-04": {600, 0}, "2026-05": {401, 400}}
	for i, m := range d.Months {
		if i > 0 && m.Month != AddMonths(d.Months[i-1].Month, 1) {
			t.Errorf("month %d is %s after %s", i, m.Month, d.Months[i-1].Month)
		}
		w := wantMonths[m.Month]
		if m.Units != w[0] || m.Main != w[1] {
			t.Errorf("month %s: %d units, %d to Russia; want %d, %d", m.Month, m.Units, m.Main, w[0], w[1])
		}
	}

	// By market, largest first: Russia 8100, Azerbaijan 700 + 600, Oman 800,
	// Belarus 1; shares of 10201.
	wantMarkets := []MarketUnits{
		{ID: f.ru, Code: "ru", Year: 4600, Last12: 8100, Last12Share: 79.4},
		{ID: f.az, Code: "az", Year: 1300, Last12: 1300, Last12Share: 12.7},
		{ID: f.om, Code: "om", Year: 800, Last12: 800, Last12Share: 7.8},
		{ID: f.byID, Code: "by", Year: 1, Last12: 1, Last12Share: 0},
	}
	if len(d.Markets) != len(wantMarkets) {
		t.Fatalf("markets: %+v", d.Markets)
	}
	for i, w := range wantMarkets {
		g := d.Markets[i]
		if g.ID != w.ID || g.Code != w.Code || g.Year != w.Year || g.Last12 != w.Last12 || g.Last12Share != w.Last12Share {
			t.Errorf("market %d = %+v, want %+v", i, g, w)
		}
	}
	if d.Markets[0].Name.EN != "Russia" || d.Markets[0].Name.RU != "Россия" || d.Markets[0].Name.FA != "روسیه" {
		t.Errorf("Russia's names: %+v", d.Markets[0].Name)
	}
	// By model: alpha 1500 + 700 + 3000 + 600 + 400 = 6200 (this year
	// 4700); beta 2000 + 1200 + 800 + 1 = 4001 (this year 2001).
	wantModels := []ModelUnits{
		{ID: A, Slug: "alpha", Name: Text{"Alpha", "en"}, Year: 4700, Last12: 6200, Last12Share: 60.8},
		{ID: B, Slug: "beta", Name: Text{"Beta", "en"}, Year: 2001, Last12: 4001, Last12Share: 39.2},
	}
	if len(d.Models) != 2 {
		t.Fatalf("models: %+v", d.Models)
	}
	for i, w := range wantModels {
		if d.Models[i] != w {
			t.Errorf("model %d = %+v, want %+v", i, d.Models[i], w)
		}
	}
	// Names follow the language.
	fa, err := f.s.Dashboard(context.Background(), "fa", time.Date(2026, 5, 15, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if fa.Models[0].Name != (Text{"آلفا", "fa"}) {
		t.Errorf("Persian name: %+v", fa.Models[0].Name)
	}
}

// TestDashboardWithoutShipments: nothing recorded reads as zeros, shares
// and trends without a base are absent, and the goal is spread over the
// whole year in January.
func TestDashboardWithoutShipments(t *testing.T) {
	f := newShipmentFixture(t)
	d, err := f.s.Dashboard(context.Background(), "ru", time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if d.YearUnits != 0 || d.Last12Units != 0 || d.MainYearShare.Valid || d.MainLast12Share.Valid || d.Trend3.Valid || d.TrendYoY.Valid {
		t.Errorf("empty figures: %+v", d)
	}
	// 100000 / 12 = 8333.33, rounded up.
	if d.Remaining != 100000 || d.MonthsLeft != 12 || d.NeededPerMonth != 8334 || d.Last3Average != 0 {
		t.Errorf("remaining %d over %d months: %d a month (recent %d)", d.Remaining, d.MonthsLeft, d.NeededPerMonth, d.Last3Average)
	}
	if len(d.Months) != 24 || len(d.Markets) != 0 || len(d.Models) != 0 {
		t.Errorf("%d months, %d markets, %d models", len(d.Months), len(d.Markets), len(d.Models))
	}
	for _, m := range d.Months {
		if m.Units != 0 || m.Main != 0 {
			t.Errorf("month %+v", m)
		}
	}
}

// TestDashboardGoalReached: in December with the goal passed, nothing
// remains and nothing more is needed.
func TestDashboardGoalReached(t *testing.T) {
	f := newShipmentFixture(t)
	var in []ShipmentInput
	for m := 1; m <= 12; m++ {
		in = append(in, ShipmentInput{Month: fmt.Sprintf("2026-%02d", m), MarketID: f.ru, ModelID: f.alpha, Units: 9000})
	}
	f.add(t, in)
	d, err := f.s.Dashboard(context.Background(), "en", time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if d.YearUnits != 108000 || d.Remaining != 0 || d.NeededPerMonth != 0 || d.MonthsLeft != 1 || d.YearProgress != 108.0 ||
		!d.MainYearShare.Valid || d.MainYearShare.Float64 != 100 || d.Trend3.Float64 != 0 {
		t.Errorf("goal reached: %+v", d)
	}
}

func TestShipmentWrites(t *testing.T) {
	f := newShipmentFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)
	v0 := f.s.ShipmentsVersion()
	var id int64
	err := f.s.Tx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.CreateShipment(ShipmentInput{Month: "2026-04", MarketID: f.ru, ModelID: f.alpha, Units: 120}, 0, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.s.ShipmentsVersion() != v0+1 {
		t.Errorf("version %d after a write, was %d", f.s.ShipmentsVersion(), v0)
	}
	// The same month, market and model again is refused.
	err = f.s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.CreateShipment(ShipmentInput{Month: "2026-04", MarketID: f.ru, ModelID: f.alpha, Units: 5}, 0, now)
		return err
	})
	if !errors.Is(err, ErrShipmentExists) {
		t.Errorf("duplicate create: %v", err)
	}
	// An edit onto another record's month, market and model is refused.
	var other int64
	err = f.s.Tx(ctx, func(tx *Tx) error {
		var err error
		other, err = tx.CreateShipment(ShipmentInput{Month: "2026-03", MarketID: f.ru, ModelID: f.alpha, Units: 7}, 0, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = f.s.Tx(ctx, func(tx *Tx) error {
		return tx.UpdateShipment(other, ShipmentInput{Month: "2026-04", MarketID: f.ru, ModelID: f.alpha, Units: 7}, 0, now)
	})
	if !errors.Is(err, ErrShipmentExists) {
		t.Errorf("edit onto another record: %v", err)
	}
	err = f.s.Tx(ctx, func(tx *Tx) error {
		return tx.UpdateShipment(id, ShipmentInput{Month: "2026-04", MarketID: f.az, ModelID: f.beta, Units: 130}, 0, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.ShipmentByID(ctx, "ru", id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Month != "2026-04" || got.MarketCode != "az" || got.ModelID != f.beta || got.ModelName != (Text{"Бета", "ru"}) || got.Units != 130 {
		t.Errorf("after the edit: %+v", got)
	}
	// An import replaces one record and adds another, all or nothing.
	var ins, rep int
	err = f.s.Tx(ctx, func(tx *Tx) error {
		var err error
		ins, rep, err = tx.ImportShipments([]ShipmentInput{
			{Month: "2026-04", MarketID: f.az, ModelID: f.beta, Units: 140},
			{Month: "2026-02", MarketID: f.om, ModelID: f.alpha, Units: 60},
		}, 0, now)
		return err
	})
	if err != nil || ins != 1 || rep != 1 {
		t.Fatalf("import: %d inserted, %d replaced, %v", ins, rep, err)
	}
	units, err := f.s.ShipmentUnits(ctx, []ShipmentKey{{"2026-04", f.az, f.beta}, {"2026-02", f.om, f.alpha}, {"2026-01", f.om, f.alpha}})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[ShipmentKey{"2026-04", f.az, f.beta}] != 140 || units[ShipmentKey{"2026-02", f.om, f.alpha}] != 60 {
		t.Errorf("units after import: %v", units)
	}
	// A bad record at the end undoes the whole import.
	err = f.s.Tx(ctx, func(tx *Tx) error {
		_, _, err := tx.ImportShipments([]ShipmentInput{
			{Month: "2025-01", MarketID: f.ru, ModelID: f.alpha, Units: 10},
			{Month: "2026-04", MarketID: f.az, ModelID: f.beta, Units: 999},
			{Month: "2025-02", MarketID: f.ru, ModelID: f.alpha, Units: 0},
		}, 0, now)
		return err
	})
	if err == nil {
		t.Fatal("an import with a zero record committed")
	}
	list, total, err := f.s.ListShipments(ctx, "en", ShipmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(list) != 3 {
		t.Fatalf("after the failed import: %d records: %+v", total, list)
	}
	// Newest month first; the failed import left 2026-04 at 140.
	if list[0].Month != "2026-04" || list[0].Units != 140 || list[1].Month != "2026-03" || list[2].Month != "2026-02" {
		t.Errorf("list: %+v", list)
	}
	// Filters by year, market and model.
	for _, c := range []struct {
		f    ShipmentFilter
		want int
	}{{ShipmentFilter{Year: 2026}, 3}, {ShipmentFilter{Year: 2025}, 0}, {ShipmentFilter{MarketID: f.ru}, 1},
		{ShipmentFilter{ModelID: f.alpha}, 2}, {ShipmentFilter{MarketID: f.om, ModelID: f.alpha, Year: 2026}, 1},
		{ShipmentFilter{Page: 2, PerPage: 2}, 3}} {
		rows, n, err := f.s.ListShipments(ctx, "en", c.f)
		if err != nil || n != c.want {
			t.Errorf("filter %+v: %d, %v; want %d", c.f, n, err, c.want)
		}
		if c.f.Page == 2 && len(rows) != 1 {
			t.Errorf("page 2 of 2 a page: %d rows", len(rows))
		}
	}
	deleted, err := func() (ShipmentInput, error) {
		var in ShipmentInput
		err := f.s.Tx(ctx, func(tx *Tx) error {
			var err error
			in, err = tx.DeleteShipment(other)
			return err
		})
		return in, err
	}()
	if err != nil || deleted.Month != "2026-03" || deleted.Units != 7 {
		t.Errorf("delete: %+v %v", deleted, err)
	}
	if _, err := f.s.ShipmentByID(ctx, "en", other); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted record: %v", err)
	}
	// Markets: a new code is added after the others, a taken one refused.
	err = f.s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.CreateMarket("ge", L10n{"Грузия", "Georgia", "گرجستان"}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = f.s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.CreateMarket("ru", L10n{"Россия", "Russia", "روسیه"}, now)
		return err
	})
	if !errors.Is(err, ErrMarketExists) {
		t.Errorf("taken code: %v", err)
	}
	ms, err := f.s.ListMarkets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := ms[len(ms)-1]; last.Code != "ge" || last.Name.FA != "گرجستان" || len(ms) != 9 {
		t.Errorf("markets: %d, last %+v", len(ms), last)
	}
}

// TestShipmentChecks: the table refuses what the forms refuse too.
func TestShipmentChecks(t *testing.T) {
	f := newShipmentFixture(t)
	for _, in := range []ShipmentInput{
		{Month: "2026-13", MarketID: f.ru, ModelID: f.alpha, Units: 1},
		{Month: "2026-5", MarketID: f.ru, ModelID: f.alpha, Units: 1},
		{Month: "2026-05", MarketID: f.ru, ModelID: f.alpha, Units: 0},
		{Month: "2026-05", MarketID: f.ru, ModelID: f.alpha, Units: MaxShipmentUnits + 1},
		{Month: "2026-05", MarketID: 9999, ModelID: f.alpha, Units: 1},
		{Month: "2026-05", MarketID: f.ru, ModelID: 9999, Units: 1},
	} {
		err := f.s.Tx(context.Background(), func(tx *Tx) error {
			_, err := tx.CreateShipment(in, 0, time.Now())
			return err
		})
		if err == nil {
			t.Errorf("%+v stored", in)
		}
	}
}

func TestLoadDemoShipments(t *testing.T) {
	s := loadDemoStore(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 15, 10, 0, 0, 0, time.UTC)
	loaded, err := s.LoadDemoShipments(ctx, now)
	if err != nil || !loaded {
		t.Fatalf("first load: %t %v", loaded, err)
	}
	if again, err := s.LoadDemoShipments(ctx, now); err != nil || again {
		t.Fatalf("second load: %t %v", again, err)
	}
	d, err := s.Dashboard(ctx, "en", now)
	if err != nil {
		t.Fatal(err)
	}
	var n, demo int
	if err := s.db.Read.QueryRow(`SELECT count(*), sum(demo) FROM shipments`).Scan(&n, &demo); err != nil {
		t.Fatal(err)
	}
	if n == 0 || demo != n {
		t.Errorf("%d records, %d marked demo", n, demo)
	}
	// A few thousand units a month, growing; Russia the main market.
	first, last := d.Months[0], d.Months[22]
	if first.Units < 1000 || first.Units > 3000 || last.Units < 4000 || last.Units > 7000 || last.Units <= first.Units {
		t.Errorf("months: first %+v, last complete %+v", first, last)
	}
	if d.Markets[0].Code != "ru" || d.MainLast12Share.Float64 < 50 || d.MainLast12Share.Float64 > 60 {
		t.Errorf("main market %s, share %v", d.Markets[0].Code, d.MainLast12Share)
	}
	// The Rira ships in the last ten months only.
	var riraFirst string
	if err := s.db.Read.QueryRow(`SELECT min(month) FROM shipments s JOIN models m ON m.id = s.model_id WHERE m.slug = 'rira'`).Scan(&riraFirst); err != nil {
		t.Fatal(err)
	}
	if riraFirst != "2025-08" {
		t.Errorf("the Rira's first month: %s", riraFirst)
	}
	for _, m := range d.Months {
		if !strings.HasPrefix(m.Month, "202") {
			t.Errorf("month %s", m.Month)
		}
	}
}
