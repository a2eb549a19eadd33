package rates

import (
	"errors"
	"math/big"
	"testing"
)

func rat(t *testing.T, value string, nominal int64) *big.Rat {
	t.Helper()
	r, err := Rate{Currency: "XXX", Value: value, Nominal: nominal}.PerUnit()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRoundHalfAway(t *testing.T) {
	cases := []struct {
		num, den int64
		want     int64
	}{
		{5, 10, 1}, {-5, 10, -1}, {15, 10, 2}, {25, 10, 3}, {-25, 10, -3},
		{49, 100, 0}, {51, 100, 1}, {-49, 100, 0}, {7, 1, 7}, {0, 3, 0}, {1, 3, 0}, {2, 3, 1},
	}
	for _, c := range cases {
		if got := RoundHalfAway(big.NewRat(c.num, c.den)).Int64(); got != c.want {
			t.Errorf("round(%d/%d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

func TestConvert(t *testing.T) {
	usd := rat(t, "92.5130", 1)
	irr := rat(t, "21.9834", 10000) // rubles per 10 000 rials
	cny := rat(t, "12.7421", 1)
	cases := []struct {
		name     string
		minor    int64
		from     string
		fromRate *big.Rat
		to       string
		toRate   *big.Rat
		want     int64
		wantErr  error
	}{
		{"rub to usd", 1_500_000_00, "RUB", nil, "USD", usd, 16_213_94, nil},
		{"usd to rub", 10_000_00, "USD", usd, "RUB", nil, 925_130_00, nil},
		{"rub to rub", 12345, "RUB", nil, "RUB", nil, 12345, nil},
		// 1 USD = 92.513 / 0.00219834 = 42 083.11 rials: 10 000 USD is 420 831 173 IRR.
		{"usd to irr", 10_000_00, "USD", usd, "IRR", irr, 420_831_173, nil},
		// A fleet priced in the trillions of rials converts exactly.
		{"irr trillions to rub", 9_000_000_000_000, "IRR", irr, "RUB", nil, 19_785_060_000_00, nil},
		{"irr trillions to usd", 9_000_000_000_000, "IRR", irr, "USD", usd, 213_862_484_19, nil},
		{"cny to usd", 100_00, "CNY", cny, "USD", usd, 13_77, nil},
		// Half a kopeck rounds away from zero: a hundredth of a unit at 0.5 rubles.
		{"half up", 1, "XXX", big.NewRat(1, 2), "RUB", nil, 1, nil},
		{"half away negative", -1, "XXX", big.NewRat(1, 2), "RUB", nil, -1, nil},
		{"just under half", 1, "XXX", big.NewRat(4999, 10000), "RUB", nil, 0, nil},
		{"overflow", 9_000_000_000_000_000_000, "USD", usd, "IRR", irr, 0, ErrOverflow},
		{"zero rate", 100, "RUB", nil, "USD", new(big.Rat), 0, ErrBadRate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Convert(c.minor, c.from, c.fromRate, c.to, c.toRate)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("Convert = %d, want %d", got, c.want)
			}
			if c.wantErr != nil {
				return
			}
			f, err := NewFactor(c.from, c.fromRate, c.to, c.toRate)
			if err != nil {
				t.Fatal(err)
			}
			if got2, err := f.Apply(c.minor); err != nil || got2 != got {
				t.Errorf("Factor.Apply = %d, %v; Convert gave %d", got2, err, got)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		in, canon string
		ok        bool
	}{
		{"92,5130", "92.5130", true}, {"92.5130", "92.5130", true}, {" 1 ", "1", true},
		{"0", "", false}, {"0,0000", "", false}, {"-1", "", false}, {"1e3", "", false},
		{"", "", false}, {"1,2,3", "", false}, {"NaN", "", false}, {"1/2", "", false},
	}
	for _, c := range cases {
		_, canon, err := ParseDecimal(c.in)
		if (err == nil) != c.ok || canon != c.canon {
			t.Errorf("ParseDecimal(%q) = %q, %v; want %q ok=%v", c.in, canon, err, c.canon, c.ok)
		}
	}
}
