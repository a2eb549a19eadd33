package web

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// monthLabel writes a YYYY-MM month as the language names it ("май
// 2026", "May 2026", "مه ۲۰۲۶").
func monthLabel(ctx context.Context, month string) string {
	if !db.ValidMonth(month) {
		return month
	}
	y, _ := strconv.Atoi(month[:4])
	m, _ := strconv.Atoi(month[5:])
	return i18n.T(ctx, "dashboard.month_year", "Month", i18n.T(ctx, "dashboard.month."+strconv.Itoa(m)), "Year", i18n.From(ctx).Year(y))
}

// rangeLabel writes a span of months, inclusive ("январь – май 2026").
func rangeLabel(ctx context.Context, from, to string) string {
	if from == to {
		return monthLabel(ctx, from)
	}
	if from[:4] == to[:4] {
		y, _ := strconv.Atoi(from[:4])
		f, _ := strconv.Atoi(from[5:])
		t, _ := strconv.Atoi(to[5:])
		return i18n.T(ctx, "dashboard.range_year", "From", i18n.T(ctx, "dashboard.month."+strconv.Itoa(f)),
			"To", i18n.T(ctx, "dashboard.month."+strconv.Itoa(t)), "Year", i18n.From(ctx).Year(y))
	}
	return i18n.T(ctx, "dashboard.range", "From", monthLabel(ctx, from), "To", monthLabel(ctx, to))
}

// percent writes a percentage with one decimal as the language does.
func percent(ctx context.Context, x float64) string {
	return i18n.T(ctx, "dashboard.percent", "N", i18n.FormatNumber(ctx, x, 1))
}

// optPercent is percent, or a dash when there is no figure.
func optPercent(ctx context.Context, x sql.NullFloat64) string {
	if !x.Valid {
		return "—"
	}
	return percent(ctx, x.Float64)
}

// trendVM writes a change in percent with its sign.
func trendVM(ctx context.Context, x sql.NullFloat64) views.TrendVM {
	if !x.Valid {
		return views.TrendVM{}
	}
	t := views.TrendVM{Valid: true, Up: x.Float64 > 0, Down: x.Float64 < 0}
	sign := ""
	switch {
	case t.Up:
		sign = "+"
	case t.Down:
		sign = "−"
	}
	t.Text = sign + percent(ctx, math.Abs(x.Float64))
	return t
}

// dashboardData is the export figures for the current month, kept until
// shipments or the catalogue change.
func (s *Server) dashboardData(ctx context.Context) (db.Dashboard, error) {
	lang := i18n.Lang(ctx)
	key := fmt.Sprintf("dashboard-data %s %s %d", lang, s.currentMonth(), s.store.ShipmentsVersion())
	return memoized(s.memo, s.store.ContentVersion(), key, func() (db.Dashboard, error) {
		return s.store.Dashboard(ctx, lang, s.today())
	})
}

// pipelineData is the pipeline's numbers as of today, kept until
// proposals or inquiries change.
func (s *Server) pipelineData(ctx context.Context) (db.PipelineStats, error) {
	key := fmt.Sprintf("pipeline-stats %s %d %d", db.Day(s.today()), s.store.ProposalsVersion(), s.store.InquiriesVersion())
	return memoized(s.memo, s.store.ContentVersion(), key, func() (db.PipelineStats, error) {
		return s.store.PipelineStats(ctx, s.now())
	})
}

// handleDashboard shows the export dashboard to approved investors,
// partners and staff; staff see the pipeline in numbers too. The content
// is kept rendered per language and role until shipments change (and,
// for staff, proposals or inquiries).
func (s *Server) handleDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	staff := v.user.Role == "staff" || v.user.Role == "admin"
	stamp := s.store.ContentVersion()
	key := fmt.Sprintf("dashboard %s %d", s.currentMonth(), s.store.ShipmentsVersion())
	if staff {
		key += fmt.Sprintf(" pipeline %s %d %d", db.Day(s.today()), s.store.ProposalsVersion(), s.store.InquiriesVersion())
	}
	meta := s.pageMeta(c, "dashboard.title")
	meta.Section, meta.NoIndex = "dashboard", true
	return s.renderSharedAt(c, meta, stamp, key, func() (templ.Component, error) {
		d, err := s.dashboardData(ctx)
		if err != nil {
			return nil, err
		}
		vm := s.dashboardVM(ctx, d)
		if staff {
			ps, err := s.pipelineData(ctx)
			if err != nil {
				return nil, err
			}
			vm.Pipeline = pipelineVM(ctx, ps)
			vm.ShipmentsHref = i18n.Href(ctx, "/staff/shipments")
		}
		return views.DashboardContent(vm), nil
	}, nil)
}

// mainMarketName is the main market's name in the page's language.
func mainMarketName(ctx context.Context, d db.Dashboard) string {
	for _, m := range d.Markets {
		if m.Code == db.MainMarket {
			return m.Name.In(i18n.Lang(ctx)).Value
		}
	}
	return i18n.T(ctx, "dashboard.main_market")
}

// dashboardVM builds the page's figures, labels, charts and tables.
func (s *Server) dashboardVM(ctx context.Context, d db.Dashboard) views.DashboardVM {
	lang := i18n.Lang(ctx)
	rtl := i18n.Dir(ctx) == "rtl"
	main := mainMarketName(ctx, d)
	vm := views.DashboardVM{
		Goal:           d.Goal,
		AsOf:           monthLabel(ctx, d.Current),
		YearLabel:      rangeLabel(ctx, d.YearStart, d.Current),
		Last12Label:    rangeLabel(ctx, d.Last12Start, d.Current),
		Last3Label:     rangeLabel(ctx, d.Last3Start, d.Last3End),
		Prev3Label:     rangeLabel(ctx, d.Prev3Start, d.Prev3End),
		YoY3Label:      rangeLabel(ctx, d.YoY3Start, d.YoY3End),
		RestLabel:      rangeLabel(ctx, d.Current, d.Current[:4]+"-12"),
		YearUnits:      d.YearUnits,
		Last12Units:    d.Last12Units,
		YearProgress:   percent(ctx, d.YearProgress),
		Last12Progress: percent(ctx, d.Last12Progress),
		MainName:       main,
		MainYear:       d.MainYear,
		MainLast12:     d.MainLast12,
		MainYearShare:  optPercent(ctx, d.MainYearShare),
		MainShare:      optPercent(ctx, d.MainLast12Share),
		Last3:          d.Last3,
		Prev3:          d.Prev3,
		YoY3:           d.YoY3,
		Trend3:         trendVM(ctx, d.Trend3),
		TrendYoY:       trendVM(ctx, d.TrendYoY),
		Remaining:      d.Remaining,
		MonthsLeft:     d.MonthsLeft,
		NeededPerMonth: d.NeededPerMonth,
		Last3Average:   d.Last3Average,
		Reached:        d.Remaining == 0,
		OnTrack:        d.Last3Average >= d.NeededPerMonth,
		CSVHref:        i18n.Href(ctx, "/dashboard.csv"),
		Demo:           d.Demo > 0,
	}
	// The 24 months as two tables of 12, older first, side by side.
	for start := 0; start < len(d.Months); start += 12 {
		part := d.Months[start:min(start+12, len(d.Months))]
		tbl := views.DashMonthTableVM{Caption: i18n.T(ctx, "dashboard.months.caption", "Market", main,
			"Period", rangeLabel(ctx, part[0].Month, part[len(part)-1].Month))}
		for _, m := range part {
			tbl.Rows = append(tbl.Rows, views.DashMonthVM{Label: monthLabel(ctx, m.Month), Units: m.Units, Main: m.Main})
		}
		vm.MonthTables = append(vm.MonthTables, tbl)
	}
	var marketBars, modelBars []shareBar
	for _, m := range d.Markets {
		name := m.Name.In(lang)
		vm.Markets = append(vm.Markets, views.DashShareVM{Name: textVM(db.Text{Value: name.Value, Lang: name.Lang}, lang), Year: m.Year,
			Last12: m.Last12, Share: percent(ctx, m.Last12Share)})
		marketBars = append(marketBars, shareBar{name: name.Value, units: m.Last12, share: m.Last12Share, main: m.Code == db.MainMarket})
	}
	for _, m := range d.Models {
		vm.Models = append(vm.Models, views.DashShareVM{Name: textVM(m.Name, lang), Year: m.Year, Last12: m.Last12, Share: percent(ctx, m.Last12Share)})
		modelBars = append(modelBars, shareBar{name: m.Name.Value, units: m.Last12, share: m.Last12Share, main: true})
	}
	vm.Progress = progressChart(ctx, d, vm, rtl)
	vm.Monthly = monthlyChart(ctx, d, main, rtl)
	vm.MarketsChart = shareChart(ctx, "chart-markets", i18n.T(ctx, "dashboard.markets.title"),
		i18n.T(ctx, "dashboard.markets.desc", "Period", vm.Last12Label, "Market", main), marketBars, rtl)
	vm.ModelsChart = shareChart(ctx, "chart-models", i18n.T(ctx, "dashboard.models.title"),
		i18n.T(ctx, "dashboard.models.desc", "Period", vm.Last12Label), modelBars, rtl)
	return vm
}

// pipelineVM writes the pipeline's numbers for the staff's table.
func pipelineVM(ctx context.Context, ps db.PipelineStats) *views.PipelineStatsVM {
	vm := &views.PipelineStatsVM{}
	days := func(x sql.NullFloat64) string {
		if !x.Valid {
			return ""
		}
		return i18n.T(ctx, "dashboard.days", "N", i18n.FormatNumber(ctx, x.Float64, 1))
	}
	for _, st := range ps.Stages {
		sv := views.PipelineStageVM{Stage: st.Stage, Count: st.Count, Volume: st.Volume, Done: st.Done, Open: st.Open,
			AvgDone: days(st.AvgDaysDone), AvgOpen: days(st.AvgDaysOpen)}
		for _, inv := range st.Investment {
			sv.Investment = append(sv.Investment, views.PipelineMoneyVM{Count: inv.Count, Min: investMoney(inv.Min, inv.Currency),
				Max: investMoney(inv.Max, inv.Currency)})
		}
		vm.Stages = append(vm.Stages, sv)
	}
	for _, m := range ps.Inquiries {
		vm.Inquiries = append(vm.Inquiries, views.InquiryMonthVM{Label: monthLabel(ctx, m.Month), Received: m.Received,
			Converted: m.Converted, Rate: optPercent(ctx, m.Rate)})
	}
	if n := len(ps.Inquiries); n > 0 {
		vm.InquiriesLabel = rangeLabel(ctx, ps.Inquiries[0].Month, ps.Inquiries[n-1].Month)
	}
	return vm
}

// handleDashboardCSV sends the dashboard's figures as a spreadsheet:
// UTF-8 with a byte-order mark, months written YYYY-MM, plain numbers.
func (s *Server) handleDashboardCSV(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	d, err := s.dashboardData(ctx)
	if err != nil {
		return err
	}
	T := func(id string, pairs ...any) string { return i18n.T(ctx, id, pairs...) }
	main := mainMarketName(ctx, d)
	e := newCSVExport([]string{T("dashboard.csv.section"), T("dashboard.csv.item"), T("dashboard.csv.from"), T("dashboard.csv.to"),
		T("dashboard.csv.units"), T("dashboard.csv.percent")})
	pct := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	opt := func(x sql.NullFloat64) string {
		if !x.Valid {
			return ""
		}
		return pct(x.Float64)
	}
	num := strconv.Itoa
	sum := T("dashboard.csv.summary")
	yearEnd := d.Current[:4] + "-12"
	for _, r := range [][]string{
		{sum, T("dashboard.csv.goal"), d.YearStart, yearEnd, num(d.Goal), ""},
		{sum, T("dashboard.csv.year"), d.YearStart, d.Current, num(d.YearUnits), pct(d.YearProgress)},
		{sum, T("dashboard.csv.last12"), d.Last12Start, d.Current, num(d.Last12Units), pct(d.Last12Progress)},
		{sum, T("dashboard.csv.main_year", "Market", main), d.YearStart, d.Current, num(d.MainYear), opt(d.MainYearShare)},
		{sum, T("dashboard.csv.main_last12", "Market", main), d.Last12Start, d.Current, num(d.MainLast12), opt(d.MainLast12Share)},
		{sum, T("dashboard.csv.last3"), d.Last3Start, d.Last3End, num(d.Last3), ""},
		{sum, T("dashboard.csv.prev3"), d.Prev3Start, d.Prev3End, num(d.Prev3), opt(d.Trend3)},
		{sum, T("dashboard.csv.yoy3"), d.YoY3Start, d.YoY3End, num(d.YoY3), opt(d.TrendYoY)},
		{sum, T("dashboard.csv.prev_year"), d.PrevYearStart, d.PrevYearEnd, num(d.PrevYearUnits), ""},
		{sum, T("dashboard.csv.remaining"), d.Current, yearEnd, num(d.Remaining), ""},
		{sum, T("dashboard.csv.needed", "N", num(d.MonthsLeft)), d.Current, yearEnd, num(d.NeededPerMonth), ""},
		{sum, T("dashboard.csv.recent"), d.Last3Start, d.Last3End, num(d.Last3Average), ""},
	} {
		e.rowWithNumbers(r[:4], r[4:])
	}
	for _, m := range d.Markets {
		name := m.Name.In(lang).Value
		e.rowWithNumbers([]string{T("dashboard.csv.market"), name, d.Last12Start, d.Current}, []string{num(m.Last12), pct(m.Last12Share)})
		e.rowWithNumbers([]string{T("dashboard.csv.market"), name, d.YearStart, d.Current}, []string{num(m.Year), ""})
	}
	for _, m := range d.Models {
		e.rowWithNumbers([]string{T("dashboard.csv.model"), m.Name.Value, d.Last12Start, d.Current}, []string{num(m.Last12), pct(m.Last12Share)})
		e.rowWithNumbers([]string{T("dashboard.csv.model"), m.Name.Value, d.YearStart, d.Current}, []string{num(m.Year), ""})
	}
	for _, m := range d.Months {
		e.rowWithNumbers([]string{T("dashboard.csv.month"), T("dashboard.csv.all_markets"), m.Month, m.Month}, []string{num(m.Units), ""})
		e.rowWithNumbers([]string{T("dashboard.csv.month"), main, m.Month, m.Month}, []string{num(m.Main), ""})
	}
	return e.send(c, "export-dashboard-"+d.Current+".csv")
}
