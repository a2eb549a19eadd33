// Package rates converts money between currencies with exchange rates to
// the Russian ruble, and reads the Bank of Russia's daily rates file.
//
// Amounts are integer minor units of their currency; rates are exact
// rationals (value / nominal rubles per unit); conversions are done with
// math/big, so IRR amounts in the trillions neither overflow nor lose
// precision. There is one rounding rule: the exact result is rounded to
// the target currency's minor unit half away from zero (0.5 → 1,
// −0.5 → −1), as Russian accounting and the Bank of Russia round.
package rates

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// Decimals is how many minor digits each currency the portal prices in
// has; IRR is priced without minor units. Other currencies default to 2.
var Decimals = map[string]int{"RUB": 2, "USD": 2, "EUR": 2, "CNY": 2, "IRR": 0}

// OfferCurrencies are the currencies an offer may be priced in, RUB first.
var OfferCurrencies = []string{"RUB", "USD", "EUR", "CNY", "IRR"}

// decimals of a currency code.
func decimals(code string) int {
	if d, ok := Decimals[code]; ok {
		return d
	}
	return 2
}

// Rate is the official price of nominal units of a currency in rubles on
// a date: Value is a decimal with a dot ("92.5130"), Nominal a positive
// integer (IRR is quoted per 10 000 rials).
type Rate struct {
	Currency string
	Date     time.Time // the day, midnight UTC
	Value    string
	Nominal  int64
	Source   string // "cbr" or "manual"
}

// rubleRate is the ruble's own rate: one.
func rubleRate() *big.Rat { return big.NewRat(1, 1) }

// ErrBadRate is a rate value that is not a positive decimal.
var ErrBadRate = errors.New("rates: rate is not a positive decimal")

var decimalRe = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,10})?$`)

// ParseDecimal reads a positive decimal written with a dot or a comma
// ("92,5130") as an exact rational and returns it with its canonical
// text (with a dot). Zero, negatives, exponents and other forms are
// refused.
func ParseDecimal(s string) (*big.Rat, string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if !decimalRe.MatchString(s) {
		return nil, "", ErrBadRate
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return nil, "", ErrBadRate
	}
	return r, s, nil
}

// PerUnit is the rate's value in rubles for one unit of the currency.
func (r Rate) PerUnit() (*big.Rat, error) {
	if r.Currency == "RUB" {
		return rubleRate(), nil
	}
	v, _, err := ParseDecimal(r.Value)
	if err != nil {
		return nil, err
	}
	if r.Nominal <= 0 {
		return nil, ErrBadRate
	}
	return v.Quo(v, new(big.Rat).SetInt64(r.Nominal)), nil
}

// pow10 is 10^n as a big integer.
func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// RoundHalfAway rounds x to the nearest integer, halves away from zero.
func RoundHalfAway(x *big.Rat) *big.Int {
	num := new(big.Int).Set(x.Num())
	den := x.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	// floor((2·|num| + den) / (2·den)) is |x| rounded half up.
	q := new(big.Int).Mul(num, big.NewInt(2))
	q.Add(q, den)
	q.Quo(q, new(big.Int).Mul(den, big.NewInt(2)))
	if neg {
		q.Neg(q)
	}
	return q
}

// ErrOverflow is a converted amount too large for int64 minor units.
var ErrOverflow = errors.New("rates: converted amount does not fit")

// Convert turns minor units of from into minor units of to, given the
// ruble value of one unit of each (fromPerUnit, toPerUnit; nil for RUB),
// rounding half away from zero once, at the end.
func Convert(minor int64, from string, fromPerUnit *big.Rat, to string, toPerUnit *big.Rat) (int64, error) {
	if fromPerUnit == nil {
		fromPerUnit = rubleRate()
	}
	if toPerUnit == nil {
		toPerUnit = rubleRate()
	}
	if toPerUnit.Sign() <= 0 || fromPerUnit.Sign() <= 0 {
		return 0, ErrBadRate
	}
	x := new(big.Rat).SetInt64(minor)
	// minor/10^dFrom units × fromPerUnit rubles ÷ toPerUnit × 10^dTo.
	x.Mul(x, fromPerUnit)
	x.Mul(x, new(big.Rat).SetInt(pow10(decimals(to))))
	x.Quo(x, toPerUnit)
	x.Quo(x, new(big.Rat).SetInt(pow10(decimals(from))))
	n := RoundHalfAway(x)
	if !n.IsInt64() {
		return 0, ErrOverflow
	}
	return n.Int64(), nil
}

// Factor is a precomputed conversion from one currency to another: the
// multiplier applied to minor units, for converting many amounts.
type Factor struct{ f *big.Rat }

// NewFactor builds the conversion from → to with the rubles per unit of
// each (nil for RUB).
func NewFactor(from string, fromPerUnit *big.Rat, to string, toPerUnit *big.Rat) (Factor, error) {
	if fromPerUnit == nil {
		fromPerUnit = rubleRate()
	}
	if toPerUnit == nil {
		toPerUnit = rubleRate()
	}
	if toPerUnit.Sign() <= 0 || fromPerUnit.Sign() <= 0 {
		return Factor{}, ErrBadRate
	}
	f := new(big.Rat).Mul(fromPerUnit, new(big.Rat).SetInt(pow10(decimals(to))))
	f.Quo(f, toPerUnit)
	f.Quo(f, new(big.Rat).SetInt(pow10(decimals(from))))
	return Factor{f: f}, nil
}

// Apply converts minor units with the factor, rounding half away from zero.
func (f Factor) Apply(minor int64) (int64, error) {
	if f.f == nil {
		return 0, ErrBadRate
	}
	x := new(big.Rat).SetInt64(minor)
	x.Mul(x, f.f)
	n := RoundHalfAway(x)
	if !n.IsInt64() {
		return 0, ErrOverflow
	}
	return n.Int64(), nil
}
