package web

import (
	"context"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// svgChart places a chart's shapes in left-to-right coordinates; on a
// right-to-left page it mirrors them, so bars grow and months run the way
// a Persian reader reads, and the SVG's direction is right to left, so
// its labels read right and their anchors (start, end) follow.
type svgChart struct {
	vm  views.BarChartVM
	rtl bool
}

func newSVGChart(id, title, desc string, w, h int, rtl bool) *svgChart {
	dir := "ltr"
	if rtl {
		dir = "rtl"
	}
	return &svgChart{vm: views.BarChartVM{ID: id, Title: title, Desc: desc, Width: w, Height: h, Dir: dir}, rtl: rtl}
}

func coord(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

func (c *svgChart) x(x float64) float64 {
	if c.rtl {
		return float64(c.vm.Width) - x
	}
	return x
}

func (c *svgChart) bar(x, y, w, h float64, class, label string) {
	if w <= 0 || h <= 0 {
		return
	}
	if c.rtl {
		x = float64(c.vm.Width) - x - w
	}
	c.vm.Bars = append(c.vm.Bars, views.ChartBarVM{X: coord(x), Y: coord(y), W: coord(w), H: coord(h), Class: class, Label: label})
}

func (c *svgChart) rule(x1, y1, x2, y2 float64, class string) {
	c.vm.Rules = append(c.vm.Rules, views.ChartRuleVM{X1: coord(c.x(x1)), Y1: coord(y1), X2: coord(c.x(x2)), Y2: coord(y2), Class: class})
}

func (c *svgChart) text(x, y float64, anchor, class, text string) {
	c.vm.Texts = append(c.vm.Texts, views.ChartTextVM{X: coord(c.x(x)), Y: coord(y), Anchor: anchor, Class: class, Text: text})
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten, for axis
// scales that read well.
func niceCeil(v int) int {
	if v <= 10 {
		return 10
	}
	p := int(math.Pow(10, math.Floor(math.Log10(float64(v)))))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if n := int(f * float64(p)); n >= v {
			return n
		}
	}
	return 10 * p
}

// shortName cuts a long name for a chart's label; the table beside the
// chart has it whole.
func shortName(s string) string {
	if utf8.RuneCountInString(s) <= 24 {
		return s
	}
	return string([]rune(s)[:23]) + "…"
}

// monthlyChart draws the last 24 months as bars: the main market's units
// at the bottom, the others on top, and the monthly pace the goal needs.
func monthlyChart(ctx context.Context, d db.Dashboard, main string, rtl bool) views.BarChartVM {
	const w, h = 960, 320
	left, right, top, bottom := 70.0, float64(w)-12, 24.0, float64(h)-52
	pace := (d.Goal + 11) / 12
	peak := pace
	for _, m := range d.Months {
		peak = max(peak, m.Units)
	}
	scaleMax := niceCeil(peak + peak/20)
	k := (bottom - top) / float64(scaleMax)
	desc := ""
	if n := len(d.Months); n > 0 {
		desc = i18n.T(ctx, "dashboard.months.desc", "From", monthLabel(ctx, d.Months[0].Month), "To", monthLabel(ctx, d.Months[n-1].Month),
			"Market", main, "Pace", i18n.FormatInt(ctx, pace))
	}
	c := newSVGChart("chart-months", i18n.T(ctx, "dashboard.months.title"), desc, w, h, rtl)
	for i := 0; i <= 4; i++ {
		v := scaleMax * i / 4
		y := bottom - float64(v)*k
		if i > 0 {
			c.rule(left, y, right, y, "grid")
		}
		c.text(left-8, y+4, "end", "chart-label", i18n.FormatInt(ctx, v))
	}
	slot := (right - left) / float64(max(len(d.Months), 1))
	bw := slot * 0.68
	yearShown := false
	for i, m := range d.Months {
		x := left + float64(i)*slot + (slot-bw)/2
		hm := float64(m.Main) * k
		ho := float64(m.Units-m.Main) * k
		label := i18n.T(ctx, "dashboard.bar.month", "Month", monthLabel(ctx, m.Month), "Units", i18n.FormatInt(ctx, m.Units),
			"Market", main, "Main", i18n.FormatInt(ctx, m.Main))
		c.bar(x, bottom-hm, bw, hm, "bar-main", label)
		c.bar(x, bottom-hm-ho, bw, ho, "bar-other", label)
		y, _ := strconv.Atoi(m.Month[:4])
		mon, _ := strconv.Atoi(m.Month[5:])
		// A month label every quarter; the year under each January and
		// under the first labelled month.
		if (mon-1)%3 == 0 {
			c.text(x+bw/2, bottom+18, "middle", "chart-label", i18n.T(ctx, "dashboard.mon."+strconv.Itoa(mon)))
			if mon == 1 || !yearShown {
				c.text(x+bw/2, bottom+38, "middle", "chart-label chart-year", i18n.From(ctx).Year(y))
				yearShown = true
			}
		}
	}
	c.rule(left, bottom, right, bottom, "axis")
	py := bottom - float64(pace)*k
	c.rule(left, py, right, py, "goal")
	c.text(left+6, py-7, "start", "chart-label chart-goal", i18n.T(ctx, "dashboard.pace_label", "Units", i18n.FormatInt(ctx, pace)))
	return c.vm
}

// shareBar is one bar of a chart by market or model.
type shareBar struct {
	name  string
	units int
	share float64
	main  bool
}

// shareChart draws horizontal bars, largest first, each labelled with its
// name, units and share.
func shareChart(ctx context.Context, id, title, desc string, bars []shareBar, rtl bool) views.BarChartVM {
	const w, rowH = 620, 32
	h := len(bars)*rowH + 8
	labelW, valueW := 170.0, 140.0
	peak := 1
	for _, b := range bars {
		peak = max(peak, b.units)
	}
	k := (float64(w) - labelW - valueW) / float64(peak)
	c := newSVGChart(id, title, desc, w, h, rtl)
	for i, b := range bars {
		y := 4 + float64(i*rowH)
		class := "bar-other"
		if b.main {
			class = "bar-main"
		}
		bw := float64(b.units) * k
		value := i18n.FormatInt(ctx, b.units) + " · " + percent(ctx, b.share)
		c.bar(labelW, y+7, bw, rowH-14, class, b.name+": "+value)
		c.text(labelW-10, y+rowH/2+4, "end", "chart-label chart-name", shortName(b.name))
		c.text(labelW+bw+8, y+rowH/2+4, "start", "chart-label", value)
	}
	c.rule(labelW, 2, labelW, float64(h)-2, "axis")
	return c.vm
}

// progressChart draws this year's and the last 12 months' units against
// the goal.
func progressChart(ctx context.Context, d db.Dashboard, vm views.DashboardVM, rtl bool) views.BarChartVM {
	const w, h, rowH = 620, 122, 38
	labelW, valueW := 150.0, 140.0
	scaleMax := max(d.Goal, d.YearUnits, d.Last12Units)
	k := (float64(w) - labelW - valueW) / float64(scaleMax)
	c := newSVGChart("chart-progress", i18n.T(ctx, "dashboard.progress.title", "Goal", i18n.FormatInt(ctx, d.Goal)),
		i18n.T(ctx, "dashboard.progress.desc", "Year", i18n.FormatInt(ctx, d.YearUnits), "YearPercent", vm.YearProgress,
			"Last12", i18n.FormatInt(ctx, d.Last12Units), "Last12Percent", vm.Last12Progress, "Goal", i18n.FormatInt(ctx, d.Goal)), w, h, rtl)
	rows := []struct {
		label string
		units int
		pct   string
	}{{i18n.T(ctx, "dashboard.progress.year"), d.YearUnits, vm.YearProgress}, {i18n.T(ctx, "dashboard.progress.last12"), d.Last12Units, vm.Last12Progress}}
	for i, r := range rows {
		y := 8 + float64(i*rowH)
		c.bar(labelW, y+6, float64(d.Goal)*k, rowH-12, "track", "")
		c.bar(labelW, y+6, float64(r.units)*k, rowH-12, "bar-main", r.label+": "+i18n.FormatInt(ctx, r.units))
		c.text(labelW-10, y+rowH/2+4, "end", "chart-label chart-name", r.label)
		c.text(labelW+math.Max(float64(r.units), float64(d.Goal))*k+8, y+rowH/2+4, "start", "chart-label", i18n.FormatInt(ctx, r.units)+" · "+r.pct)
	}
	gx := labelW + float64(d.Goal)*k
	c.rule(gx, 4, gx, 8+2*rowH, "goal")
	c.text(gx, 8+2*rowH+18, "end", "chart-label chart-goal", i18n.T(ctx, "dashboard.goal_label", "Goal", i18n.FormatInt(ctx, d.Goal)))
	c.rule(labelW, 4, labelW, 8+2*rowH, "axis")
	return c.vm
}
