package ruid

import (
	"testing"
	"unicode/utf8"
)

func TestINN(t *testing.T) {
	cases := []struct {
		name, in string
		want     error
	}{
		{"organisation, Sberbank", "7707083893", nil},
		{"organisation, Yandex", "7736207543", nil},
		{"individual entrepreneur", "500100732259", nil},
		{"organisation, last digit off", "7707083894", ErrINNCheck},
		{"entrepreneur, 11th digit off", "500100732269", ErrINNCheck},
		{"entrepreneur, 12th digit off", "500100732258", ErrINNCheck},
		{"11 digits", "77070838931", ErrINNLength},
		{"9 digits", "770708389", ErrINNLength},
		{"empty", "", ErrINNLength},
		{"letters", "77070838O3", ErrINNDigits},
		{"spaces", "7707 083893", ErrINNDigits},
		{"Arabic-Indic digits", "٧٧٠٧٠٨٣٨٩٣", ErrINNDigits},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := INN(c.in); got != c.want {
				t.Errorf("INN(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestOGRN(t *testing.T) {
	cases := []struct {
		name, in string
		want     error
	}{
		{"OGRN, Sberbank", "1027700132195", nil},
		{"OGRN, Yandex", "1027700229193", nil},
		{"OGRNIP", "304500116000157", nil},
		{"OGRN, check digit off", "1027700132196", ErrOGRNCheck},
		{"OGRNIP, check digit off", "304500116000158", ErrOGRNCheck},
		{"14 digits", "10277001321951", ErrOGRNLength},
		{"12 digits", "102770013219", ErrOGRNLength},
		{"letters", "10277OO132195", ErrOGRNDigits},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := OGRN(c.in); got != c.want {
				t.Errorf("OGRN(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestMatchingAndKPP(t *testing.T) {
	if err := Matching("7707083893", "1027700132195"); err != nil {
		t.Errorf("organisation pair: %v", err)
	}
	if err := Matching("500100732259", "304500116000157"); err != nil {
		t.Errorf("entrepreneur pair: %v", err)
	}
	if err := Matching("7707083893", "304500116000157"); err != ErrOGRNKind {
		t.Errorf("mixed pair: %v, want %v", err, ErrOGRNKind)
	}
	kpp := []struct {
		kpp, inn string
		want     error
	}{
		{"773601001", "7736207543", nil},
		{"7736AB001", "7736207543", nil},
		{"7736ab001", "7736207543", ErrKPPFormat},
		{"77360100", "7736207543", ErrKPPFormat},
		{"77360100X", "7736207543", ErrKPPFormat},
		{"773601001", "500100732259", ErrKPPForPerson},
	}
	for _, c := range kpp {
		if got := KPP(c.kpp, c.inn); got != c.want {
			t.Errorf("KPP(%q, %q) = %v, want %v", c.kpp, c.inn, got, c.want)
		}
	}
	if Code(ErrINNCheck) != "inn_check" || Code(nil) != "" || ErrINNCheck.Error() != "wrong INN check digit" {
		t.Error("codes and messages")
	}
}

// FuzzINN checks that the validators never panic, accept only digit
// strings of the right lengths, and that changing the last digit of a
// valid number makes it invalid.
func FuzzINN(f *testing.F) {
	for _, s := range []string{"7707083893", "500100732259", "1027700132195", "304500116000157", "", "0", "٧٧", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, check := range []struct {
			name    string
			fn      func(string) error
			lengths []int
		}{{"INN", INN, []int{10, 12}}, {"OGRN", OGRN, []int{13, 15}}} {
			err := check.fn(s)
			if err != nil {
				if Code(err) == "" {
					t.Fatalf("%s(%q): error without a code: %v", check.name, s, err)
				}
				continue
			}
			if !utf8.ValidString(s) || (len(s) != check.lengths[0] && len(s) != check.lengths[1]) {
				t.Fatalf("%s(%q) accepted a wrong length", check.name, s)
			}
			if _, ok := digits(s); !ok {
				t.Fatalf("%s(%q) accepted a non-digit", check.name, s)
			}
			b := []byte(s)
			b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
			if check.fn(string(b)) == nil {
				t.Fatalf("%s(%q) accepts a changed last digit too", check.name, b)
			}
		}
	})
}
