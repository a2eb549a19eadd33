package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ExportGoal is the automaker's goal: exported vehicles a year.
const ExportGoal = 100_000

// MainMarket is the code of the market whose share the dashboard shows:
// by volume, Russia.
const MainMarket = "ru"

// DashboardMonths is how many months the monthly chart covers.
const DashboardMonths = 24

// Periods are the month ranges of the dashboard, all inclusive, derived
// from the current month.
type Periods struct {
	// Current is the month the figures are as of (YYYY-MM).
	Current string
	// YearStart is January of the current year: "this year" is
	// YearStart…Current.
	YearStart string
	// Last12Start begins the 12 months ending with the current one.
	Last12Start string
	// Last3 are the three complete months before the current one, Prev3
	// the three before them, and YoY3 the same three months a year
	// earlier: the trend compares complete months only.
	Last3Start, Last3End string
	Prev3Start, Prev3End string
	YoY3Start, YoY3End   string
	// PrevYearStart…PrevYearEnd is this year's span one year earlier.
	PrevYearStart, PrevYearEnd string
	// MonthsStart begins the monthly chart's DashboardMonths months.
	MonthsStart string
	// MonthsLeft counts the months of the year still open, the current
	// one included: the goal's remaining units are spread over them.
	MonthsLeft int
}

// PeriodsAt returns the dashboard's periods for the month now falls in.
func PeriodsAt(now time.Time) Periods {
	cur := MonthOf(now)
	y, m := monthParts(cur)
	return Periods{
		Current:       cur,
		YearStart:     fmt.Sprintf("%04d-01", y),
		Last12Start:   AddMonths(cur, -11),
		Last3Start:    AddMonths(cur, -3),
		Last3End:      AddMonths(cur, -1),
		Prev3Start:    AddMonths(cur, -6),
		Prev3End:      AddMonths(cur, -4),
		YoY3Start:     AddMonths(cur, -15),
		YoY3End:       AddMonths(cur, -13),
		PrevYearStart: fmt.Sprintf("%04d-01", y-1),
		PrevYearEnd:   AddMonths(cur, -12),
		MonthsStart:   AddMonths(cur, -(DashboardMonths - 1)),
		MonthsLeft:    12 - m + 1,
	}
}

// Dashboard is the export figures against the goal, every one of them
// summed in SQL.
type Dashboard struct {
	Periods
	Goal int
	// YearUnits and Last12Units are the units of this year and of the last
	// 12 months; MainYear and MainLast12 those that went to Russia.
	YearUnits, Last12Units int
	MainYear, MainLast12   int
	// MainYearShare and MainLast12Share are Russia's percentages of them
	// (one decimal); Valid is false when there were no units.
	MainYearShare, MainLast12Share sql.NullFloat64
	// YearProgress and Last12Progress are the percentages of the goal.
	YearProgress, Last12Progress float64
	// Last3, Prev3 and YoY3 are the units of the trend's periods; Trend3
	// is the change of Last3 against Prev3 and TrendYoY against YoY3, in
	// percent (one decimal; not Valid without a base).
	Last3, Prev3, YoY3 int
	Trend3, TrendYoY   sql.NullFloat64
	// PrevYearUnits are the units of this year's span one year earlier.
	PrevYearUnits int
	// Remaining is the units still needed this year to reach the goal (0
	// when reached); NeededPerMonth spreads them over MonthsLeft, rounded
	// up; Last3Average is the recent monthly rate to compare it with.
	Remaining, NeededPerMonth, Last3Average int
	// Months are the DashboardMonths months of the chart, oldest first,
	// each present even when nothing was shipped.
	Months []MonthUnits
	// Markets and Models are the units by market and by model, this year
	// and in the last 12 months, largest first, with the share of the last
	// 12 months' total.
	Markets []MarketUnits
	Models  []ModelUnits
	// Demo counts the illustrative records among the figures.
	Demo int
}

// MonthUnits is one month's units: in all and to Russia.
type MonthUnits struct {
	Month string
	Units int
	Main  int
}

// MarketUnits is one market's units.
type MarketUnits struct {
	ID          int64
	Code        string
	Name        L10n
	Year        int
	Last12      int
	Last12Share float64 // percent, one decimal
}

// ModelUnits is one model's units.
type ModelUnits struct {
	ID          int64
	Slug        string
	Name        Text
	Year        int
	Last12      int
	Last12Share float64
}

// Dashboard computes the export figures for the month now falls in; model
// names are in lang. Two statements read the shipments, each scanning its
// range of months once through the covering index: the 24 months of the
// chart, summed by month, from which every figure of the summary is
// summed in turn; and the last 12 months, summed by market and model,
// from which the sums by market and by model come.
func (s *Store) Dashboard(ctx context.Context, lang string, now time.Time) (Dashboard, error) {
	p := PeriodsAt(now)
	d := Dashboard{Periods: p, Goal: ExportGoal}
	rows, err := s.query(ctx, `
		WITH RECURSIVE months(m, i) AS (
			SELECT :from, 1
			UNION ALL
			SELECT strftime('%Y-%m', m || '-01', '+1 month'), i + 1 FROM months WHERE i < :n
		),
		monthly AS MATERIALIZED (
			SELECT month, sum(units) AS u,
				sum(CASE WHEN market_id = (SELECT id FROM markets WHERE code = :main) THEN units ELSE 0 END) AS ru,
				sum(demo) AS demo
			FROM shipments WHERE month BETWEEN :from AND :cur GROUP BY month
		),
		filled AS MATERIALIZED (
			SELECT months.m AS month, COALESCE(monthly.u, 0) AS u, COALESCE(monthly.ru, 0) AS ru, COALESCE(monthly.demo, 0) AS demo
			FROM months LEFT JOIN monthly ON monthly.month = months.m
		),
		totals AS (
			SELECT
				sum(CASE WHEN month BETWEEN :ys AND :cur THEN u ELSE 0 END) AS ytd,
				sum(CASE WHEN month BETWEEN :l12 AND :cur THEN u ELSE 0 END) AS l12,
				sum(CASE WHEN month BETWEEN :ys AND :cur THEN ru ELSE 0 END) AS ru_ytd,
				sum(CASE WHEN month BETWEEN :l12 AND :cur THEN ru ELSE 0 END) AS ru_l12,
				sum(CASE WHEN month BETWEEN :l3s AND :l3e THEN u ELSE 0 END) AS last3,
				sum(CASE WHEN month BETWEEN :p3s AND :p3e THEN u ELSE 0 END) AS prev3,
				sum(CASE WHEN month BETWEEN :y3s AND :y3e THEN u ELSE 0 END) AS yoy3,
				sum(CASE WHEN month BETWEEN :pys AND :pye THEN u ELSE 0 END) AS prev_ytd,
				sum(demo) AS demo
			FROM filled
		)
		SELECT f.month, f.u, f.ru,
			t.ytd, t.l12, t.ru_ytd, t.ru_l12,
			round(100.0 * t.ru_ytd / nullif(t.ytd, 0), 1), round(100.0 * t.ru_l12 / nullif(t.l12, 0), 1),
			round(100.0 * t.ytd / :goal, 1), round(100.0 * t.l12 / :goal, 1),
			t.last3, t.prev3, t.yoy3,
			round(100.0 * (t.last3 - t.prev3) / nullif(t.prev3, 0), 1), round(100.0 * (t.last3 - t.yoy3) / nullif(t.yoy3, 0), 1),
			t.prev_ytd,
			max(:goal - t.ytd, 0), (max(:goal - t.ytd, 0) + :left - 1) / :left, CAST(round(t.last3 / 3.0) AS INTEGER),
			t.demo
		FROM filled f, totals t ORDER BY f.month`,
		sql.Named("n", DashboardMonths), sql.Named("goal", ExportGoal), sql.Named("left", p.MonthsLeft), sql.Named("main", MainMarket),
		sql.Named("ys", p.YearStart), sql.Named("cur", p.Current), sql.Named("l12", p.Last12Start),
		sql.Named("l3s", p.Last3Start), sql.Named("l3e", p.Last3End), sql.Named("p3s", p.Prev3Start), sql.Named("p3e", p.Prev3End),
		sql.Named("y3s", p.YoY3Start), sql.Named("y3e", p.YoY3End), sql.Named("pys", p.PrevYearStart), sql.Named("pye", p.PrevYearEnd),
		sql.Named("from", p.MonthsStart),
	)
	if err != nil {
		return d, fmt.Errorf("store: dashboard figures: %w", err)
	}
	d.Months = make([]MonthUnits, 0, DashboardMonths)
	for rows.Next() {
		var m MonthUnits
		if err := rows.Scan(&m.Month, &m.Units, &m.Main, &d.YearUnits, &d.Last12Units, &d.MainYear, &d.MainLast12, &d.MainYearShare, &d.MainLast12Share,
			&d.YearProgress, &d.Last12Progress, &d.Last3, &d.Prev3, &d.YoY3, &d.Trend3, &d.TrendYoY, &d.PrevYearUnits,
			&d.Remaining, &d.NeededPerMonth, &d.Last3Average, &d.Demo); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: dashboard figures: %w", err)
		}
		d.Months = append(d.Months, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("store: dashboard figures: %w", err)
	}
	if d.Markets, d.Models, err = s.dashboardShares(ctx, lang, p); err != nil {
		return d, err
	}
	return d, nil
}

// dashboardShares sums units by market and by model over this year and the
// last 12 months, largest first, with each one's share of the 12 months;
// those with no units in the 12 months are left out. The shipments are
// read once, summed by market and model, and those sums summed again each
// way.
func (s *Store) dashboardShares(ctx context.Context, lang string, p Periods) ([]MarketUnits, []ModelUnits, error) {
	rows, err := s.query(ctx, `
		WITH pairs AS MATERIALIZED (
			SELECT market_id, model_id, sum(CASE WHEN month >= :ys THEN units ELSE 0 END) AS ytd, sum(units) AS l12
			FROM shipments WHERE month BETWEEN :l12 AND :cur GROUP BY market_id, model_id
		),
		sums AS (
			SELECT 'market' AS kind, market_id AS id, sum(ytd) AS ytd, sum(l12) AS l12 FROM pairs GROUP BY market_id
			UNION ALL
			SELECT 'model', model_id, sum(ytd), sum(l12) FROM pairs GROUP BY model_id
		)
		SELECT sums.kind, sums.id, COALESCE(mk.code, m.slug), COALESCE(mk.name_ru, ''), COALESCE(mk.name_en, ''), COALESCE(mk.name_fa, ''),
			sums.ytd, sums.l12, COALESCE(round(100.0 * sums.l12 / nullif(sum(sums.l12) OVER (PARTITION BY sums.kind), 0), 1), 0)
		FROM sums
		LEFT JOIN markets mk ON sums.kind = 'market' AND mk.id = sums.id
		LEFT JOIN models m ON sums.kind = 'model' AND m.id = sums.id
		ORDER BY sums.kind, sums.l12 DESC, sums.ytd DESC, COALESCE(mk.sort_order, m.sort_order), sums.id`,
		sql.Named("ys", p.YearStart), sql.Named("l12", p.Last12Start), sql.Named("cur", p.Current))
	if err != nil {
		return nil, nil, fmt.Errorf("store: dashboard shares: %w", err)
	}
	var markets []MarketUnits
	var models []ModelUnits
	var ids []int64
	for rows.Next() {
		var kind, code string
		var id int64
		var name L10n
		var ytd, l12 int
		var share float64
		if err := rows.Scan(&kind, &id, &code, &name.RU, &name.EN, &name.FA, &ytd, &l12, &share); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("store: dashboard shares: %w", err)
		}
		if kind == "market" {
			markets = append(markets, MarketUnits{ID: id, Code: code, Name: name, Year: ytd, Last12: l12, Last12Share: share})
		} else {
			models = append(models, ModelUnits{ID: id, Slug: code, Year: ytd, Last12: l12, Last12Share: share})
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: dashboard shares: %w", err)
	}
	names, err := s.loadTexts(ctx, "model_texts", "model_id", "name", ids)
	if err != nil {
		return nil, nil, err
	}
	for i := range models {
		if models[i].Name = names.pick(models[i].ID, lang); models[i].Name.Value == "" {
			models[i].Name = Text{Value: models[i].Slug}
		}
	}
	return markets, models, nil
}
