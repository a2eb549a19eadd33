package i18n

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/number"
)

// Money is an amount in integer minor units of a currency.
type Money struct {
	Minor    int64
	Currency string
}

// currencies holds how each currency is written: its symbol and how many
// minor digits it has. IRR prices are written without minor units.
var currencies = map[string]struct {
	symbol   string
	decimals int
}{
	"RUB": {"₽", 2},
	"USD": {"$", 2},
	"EUR": {"€", 2},
	"CNY": {"CN¥", 2},
	"IRR": {"IRR", 0},
}

// CurrencyDecimals is the number of minor digits of a currency code.
func CurrencyDecimals(code string) int {
	if c, ok := currencies[code]; ok {
		return c.decimals
	}
	return 2
}

// numberMemo remembers formatted integers and amounts: formatting through
// x/text's printer costs microseconds, and pages such as the pipeline
// board format hundreds of numbers that repeat across requests. It holds
// at most memoLimit entries and then stops growing.
type numberMemo struct {
	m sync.Map // memoKey → string
	n atomic.Int64
}

const memoLimit = 1 << 16

type memoKey struct {
	n        int64
	currency string // "" for a plain integer
}

func (m *numberMemo) get(k memoKey, format func() string) string {
	if m == nil {
		return format()
	}
	if v, ok := m.m.Load(k); ok {
		return v.(string)
	}
	s := format()
	if m.n.Add(1) <= memoLimit {
		m.m.Store(k, s)
	}
	return s
}

// Int formats an integer with the language's digits and grouping.
func (l *Locale) Int(n int) string {
	return l.memo.get(memoKey{n: int64(n)}, func() string { return l.printer.Sprint(number.Decimal(n)) })
}

// Number formats a decimal number with exactly decimals fraction digits.
func (l *Locale) Number(x float64, decimals int) string {
	return l.printer.Sprint(number.Decimal(x, number.Scale(decimals)))
}

// Money formats an amount as the language writes it: "1 234 567,00 ₽" in
// Russian, "$1,234,567.00" in English. The amount is split into whole and
// minor units with integer arithmetic, so no float rounding enters.
func (l *Locale) Money(m Money) string {
	return l.memo.get(memoKey{n: m.Minor, currency: "$" + m.Currency}, func() string { return l.money(m) })
}

func (l *Locale) money(m Money) string {
	c, ok := currencies[m.Currency]
	if !ok {
		c.symbol, c.decimals = m.Currency, 2
	}
	neg := m.Minor < 0
	minor := m.Minor
	if neg {
		minor = -minor
	}
	scale := int64(math.Pow10(c.decimals))
	whole, frac := minor/scale, minor%scale
	s := l.printer.Sprint(number.Decimal(whole))
	if c.decimals > 0 {
		fr := l.printer.Sprint(number.Decimal(frac, number.MinIntegerDigits(c.decimals)))
		dec := l.printer.Sprint(number.Decimal(1.5, number.Scale(1)))
		// The language's decimal separator is whatever sits between 1 and 5.
		sep := strings.TrimSuffix(strings.TrimPrefix(dec, l.digit(1)), l.digit(5))
		s += sep + fr
	}
	if neg {
		s = "−" + s
	}
	switch l.Lang {
	case "en":
		if len([]rune(c.symbol)) <= 3 && c.symbol != m.Currency && c.symbol != "IRR" {
			return c.symbol + s
		}
		return c.symbol + "\u00a0" + s
	default:
		return s + "\u00a0" + c.symbol
	}
}

func (l *Locale) digit(d int) string { return l.printer.Sprint(number.Decimal(d)) }

// Date formats the day of a moment, in the language's time zone, as the
// language writes it: "27 ноября 2026 г.", "27 November
// 2026", and in Persian the Solar Hijri date "۶ آذر ۱۴۰۵".
func (l *Locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	// A moment falls on the day it is where the reader is.
	t = t.In(l.Zone())
	switch l.Lang {
	case "fa":
		y, m, d := Jalali(t)
		return l.Int(d) + " " + l.T("date.jmonth."+itoa(m)) + " " + l.printer.Sprint(number.Decimal(y, number.NoSeparator()))
	case "ru":
		return itoa(t.Day()) + " " + l.T("date.month."+itoa(int(t.Month()))) + " " + itoa(t.Year()) + " г."
	default:
		return itoa(t.Day()) + " " + l.T("date.month."+itoa(int(t.Month()))) + " " + itoa(t.Year())
	}
}

// Year formats a year without grouping.
func (l *Locale) Year(y int) string {
	return l.printer.Sprint(number.Decimal(y, number.NoSeparator()))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Jalali converts a Gregorian date to the Solar Hijri calendar used in
// Iran, returning year, month (1–12) and day.
func Jalali(t time.Time) (int, int, int) {
	gy, gm, gd := t.Year(), int(t.Month()), t.Day()
	gdm := [12]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	gy2 := gy
	if gm > 2 {
		gy2 = gy + 1
	}
	days := 355666 + 365*gy + (gy2+3)/4 - (gy2+99)/100 + (gy2+399)/400 + gd + gdm[gm-1]
	jy := -1595 + 33*(days/12053)
	days %= 12053
	jy += 4 * (days / 1461)
	days %= 1461
	if days > 365 {
		jy += (days - 1) / 365
		days = (days - 1) % 365
	}
	var jm, jd int
	if days < 186 {
		jm = 1 + days/31
		jd = 1 + days%31
	} else {
		jm = 7 + (days-186)/30
		jd = 1 + (days-186)%30
	}
	return jy, jm, jd
}

// Time zones times are shown in: Moscow for Russian and English readers,
// Tehran for Persian ones. Neither has had daylight saving time since
// 2014 and 2022, so fixed offsets are exact for current dates.
var (
	moscow = time.FixedZone("MSK", 3*3600)
	tehran = time.FixedZone("IRST", 3*3600+1800)
)

// Zone is the time zone times are shown in for the language.
func (l *Locale) Zone() *time.Location {
	if l.Lang == "fa" {
		return tehran
	}
	return moscow
}

// DateTime formats a moment as the day and the time of day in the
// language's zone: "27 ноября 2026 г., 14:05 MSK".
func (l *Locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt := t.In(l.Zone())
	hm := l.printer.Sprint(number.Decimal(lt.Hour(), number.MinIntegerDigits(2))) + ":" +
		l.printer.Sprint(number.Decimal(lt.Minute(), number.MinIntegerDigits(2)))
	return l.Date(lt) + l.T("date.time_sep") + hm + "\u00a0" + l.T("date.zone."+lt.Location().String())
}

// Clock formats a time of day as two-digit hours and minutes in the
// language's digits: "09:00", "۰۹:۰۰".
func (l *Locale) Clock(h, m int) string {
	return l.printer.Sprint(number.Decimal(h, number.MinIntegerDigits(2))) + ":" +
		l.printer.Sprint(number.Decimal(m, number.MinIntegerDigits(2)))
}
