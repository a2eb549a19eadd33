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
// names are in lang.
func (s *Store) Dashboard(ctx context.Context, lang string, now time.Time) (Dashboard, error) {
	p := PeriodsAt(now)
	d := Dashboard{Periods: p, Goal: ExportGoal}
	from := min(p.PrevYearStart, p.YoY3Start, p.MonthsStart)
	err := s.queryRow(ctx, `
		SELECT ytd, l12, ru_ytd, ru_l12,
			round(100.0 * ru_ytd / nullif(ytd, 0), 1), round(100.0 * ru_l12 / nullif(l12, 0), 1),
			round(100.0 * ytd / :goal, 1), round(100.0 * l12 / :goal, 1),
			last3, prev3, yoy3,
			round(100.0 * (last3 - prev3) / nullif(prev3, 0), 1), round(100.0 * (last3 - yoy3) / nullif(yoy3, 0), 1),
			prev_ytd,
			max(:goal - ytd, 0), (max(:goal - ytd, 0) + :left - 1) / :left, (last3 + 2) / 3,
			demo
		FROM (SELECT
			COALESCE(sum(CASE WHEN s.month BETWEEN :ys AND :cur THEN s.units END), 0) AS ytd,
			COALESCE(sum(CASE WHEN s.month BETWEEN :l12 AND :cur THEN s.units END), 0) AS l12,
			COALESCE(sum(CASE WHEN s.month BETWEEN :ys AND :cur AND mk.code = :main THEN s.units END), 0) AS ru_ytd,
			COALESCE(sum(CASE WHEN s.month BETWEEN :l12 AND :cur AND mk.code = :main THEN s.units END), 0) AS ru_l12,
			COALESCE(sum(CASE WHEN s.month BETWEEN :l3s AND :l3e THEN s.units END), 0) AS last3,
			COALESCE(sum(CASE WHEN s.month BETWEEN :p3s AND :p3e THEN s.units END), 0) AS prev3,
			COALESCE(sum(CASE WHEN s.month BETWEEN :y3s AND :y3e THEN s.units END), 0) AS yoy3,
			COALESCE(sum(CASE WHEN s.month BETWEEN :pys AND :pye THEN s.units END), 0) AS prev_ytd,
			COALESCE(sum(s.demo), 0) AS demo
			FROM shipments s JOIN markets mk ON mk.id = s.market_id
			WHERE s.month BETWEEN :from AND :cur)`,
		sql.Named("goal", ExportGoal), sql.Named("left", p.MonthsLeft), sql.Named("main", MainMarket),
		sql.Named("ys", p.YearStart), sql.Named("cur", p.Current), sql.Named("l12", p.Last12Start),
		sql.Named("l3s", p.Last3Start), sql.Named("l3e", p.Last3End), sql.Named("p3s", p.Prev3Start), sql.Named("p3e", p.Prev3End),
		sql.Named("y3s", p.YoY3Start), sql.Named("y3e", p.YoY3End), sql.Named("pys", p.PrevYearStart), sql.Named("pye", p.PrevYearEnd),
		sql.Named("from", from),
	).Scan(&d.YearUnits, &d.Last12Units, &d.MainYear, &d.MainLast12, &d.MainYearShare, &d.MainLast12Share,
		&d.YearProgress, &d.Last12Progress, &d.Last3, &d.Prev3, &d.YoY3, &d.Trend3, &d.TrendYoY, &d.PrevYearUnits,
		&d.Remaining, &d.NeededPerMonth, &d.Last3Average, &d.Demo)
	if err != nil {
		return d, fmt.Errorf("store: dashboard figures: %w", err)
	}
	if d.Months, err = s.dashboardMonths(ctx, p); err != nil {
		return d, err
	}
	if d.Markets, err = s.dashboardMarkets(ctx, p); err != nil {
		return d, err
	}
	if d.Models, err = s.dashboardModels(ctx, lang, p); err != nil {
		return d, err
	}
	return d, nil
}

// dashboardMonths sums each month of the chart, months without shipments
// included (the recursive CTE lists every month).
func (s *Store) dashboardMonths(ctx context.Context, p Periods) ([]MonthUnits, error) {
	rows, err := s.query(ctx, `
		WITH RECURSIVE months(m, i) AS (
			SELECT ?, 1
			UNION ALL
			SELECT strftime('%Y-%m', m || '-01', '+1 month'), i + 1 FROM months WHERE i < ?
		)
		SELECT months.m, COALESCE(sum(s.units), 0), COALESCE(sum(CASE WHEN mk.code = ? THEN s.units END), 0)
		FROM months
		LEFT JOIN shipments s ON s.month = months.m
		LEFT JOIN markets mk ON mk.id = s.market_id
		GROUP BY months.m ORDER BY months.m`, p.MonthsStart, DashboardMonths, MainMarket)
	if err != nil {
		return nil, fmt.Errorf("store: dashboard months: %w", err)
	}
	defer rows.Close()
	out := make([]MonthUnits, 0, DashboardMonths)
	for rows.Next() {
		var m MonthUnits
		if err := rows.Scan(&m.Month, &m.Units, &m.Main); err != nil {
			return nil, fmt.Errorf("store: dashboard months: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// dashboardMarkets sums units by market over this year and the last 12
// months; markets with none in either are left out.
func (s *Store) dashboardMarkets(ctx context.Context, p Periods) ([]MarketUnits, error) {
	rows, err := s.query(ctx, `
		SELECT mk.id, mk.code, mk.name_ru, mk.name_en, mk.name_fa, ytd, l12,
			COALESCE(round(100.0 * l12 / nullif(sum(l12) OVER (), 0), 1), 0)
		FROM (SELECT s.market_id,
				COALESCE(sum(CASE WHEN s.month >= :ys THEN s.units END), 0) AS ytd,
				COALESCE(sum(CASE WHEN s.month >= :l12 THEN s.units END), 0) AS l12
			FROM shipments s WHERE s.month BETWEEN min(:ys, :l12) AND :cur
			GROUP BY s.market_id) t
		JOIN markets mk ON mk.id = t.market_id
		ORDER BY l12 DESC, ytd DESC, mk.sort_order, mk.id`,
		sql.Named("ys", p.YearStart), sql.Named("l12", p.Last12Start), sql.Named("cur", p.Current))
	if err != nil {
		return nil, fmt.Errorf("store: dashboard markets: %w", err)
	}
	defer rows.Close()
	var out []MarketUnits
	for rows.Next() {
		var m MarketUnits
		if err := rows.Scan(&m.ID, &m.Code, &m.Name.RU, &m.Name.EN, &m.Name.FA, &m.Year, &m.Last12, &m.Last12Share); err != nil {
			return nil, fmt.Errorf("store: dashboard markets: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// dashboardModels sums units by model over this year and the last 12
// months.
func (s *Store) dashboardModels(ctx context.Context, lang string, p Periods) ([]ModelUnits, error) {
	rows, err := s.query(ctx, `
		SELECT m.id, m.slug, ytd, l12,
			COALESCE(round(100.0 * l12 / nullif(sum(l12) OVER (), 0), 1), 0)
		FROM (SELECT s.model_id,
				COALESCE(sum(CASE WHEN s.month >= :ys THEN s.units END), 0) AS ytd,
				COALESCE(sum(CASE WHEN s.month >= :l12 THEN s.units END), 0) AS l12
			FROM shipments s WHERE s.month BETWEEN min(:ys, :l12) AND :cur
			GROUP BY s.model_id) t
		JOIN models m ON m.id = t.model_id
		ORDER BY l12 DESC, ytd DESC, m.sort_order, m.id`,
		sql.Named("ys", p.YearStart), sql.Named("l12", p.Last12Start), sql.Named("cur", p.Current))
	if err != nil {
		return nil, fmt.Errorf("store: dashboard models: %w", err)
	}
	var out []ModelUnits
	var ids []int64
	for rows.Next() {
		var m ModelUnits
		if err := rows.Scan(&m.ID, &m.Slug, &m.Year, &m.Last12, &m.Last12Share); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: dashboard models: %w", err)
		}
		out = append(out, m)
		ids = append(ids, m.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dashboard models: %w", err)
	}
	names, err := s.loadTexts(ctx, "model_texts", "model_id", "name", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Name = names.pick(out[i].ID, lang); out[i].Name.Value == "" {
			out[i].Name = Text{Value: out[i].Slug}
		}
	}
	return out, nil
}
