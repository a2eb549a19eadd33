// Package ruid validates Russian company identifiers: INN (taxpayer
// number), OGRN and OGRNIP (state registration numbers) and KPP (tax
// registration reason code). Each check says which rule failed.
package ruid

import "errors"

// Error is a failed check; Code names it ("inn_check", "ogrn_length"…),
// for a message in the person's language.
type Error struct {
	Code string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// The checks' failures.
var (
	ErrINNDigits    = &Error{"inn_digits", "INN must contain digits only"}
	ErrINNLength    = &Error{"inn_length", "INN must have 10 digits (organisation) or 12 (individual entrepreneur)"}
	ErrINNCheck     = &Error{"inn_check", "wrong INN check digit"}
	ErrOGRNDigits   = &Error{"ogrn_digits", "OGRN must contain digits only"}
	ErrOGRNLength   = &Error{"ogrn_length", "OGRN has 13 digits, OGRNIP 15"}
	ErrOGRNCheck    = &Error{"ogrn_check", "wrong OGRN check digit"}
	ErrOGRNKind     = &Error{"ogrn_kind", "OGRN of an organisation must go with a 10-digit INN, OGRNIP with a 12-digit one"}
	ErrKPPFormat    = &Error{"kpp_format", "KPP has 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits"}
	ErrKPPForPerson = &Error{"kpp_person", "an individual entrepreneur has no KPP"}
)

// Code returns the code of a check's failure, or "" for nil or another
// error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func digits(s string) ([]int, bool) {
	d := make([]int, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return nil, false
		}
		d[i] = int(c - '0')
	}
	return d, true
}

// checkDigit is the weighted sum of d under w, mod 11, mod 10.
func checkDigit(d, w []int) int {
	sum := 0
	for i, k := range w {
		sum += d[i] * k
	}
	return sum % 11 % 10
}

var (
	inn10  = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	inn12a = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	inn12b = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// INN checks a taxpayer number: 10 digits for an organisation, 12 for an
// individual entrepreneur, with their check digits.
func INN(s string) error {
	d, ok := digits(s)
	switch {
	case !ok:
		return ErrINNDigits
	case len(d) == 10:
		if checkDigit(d, inn10) != d[9] {
			return ErrINNCheck
		}
	case len(d) == 12:
		if checkDigit(d, inn12a) != d[10] || checkDigit(d, inn12b) != d[11] {
			return ErrINNCheck
		}
	default:
		return ErrINNLength
	}
	return nil
}

// OGRN checks a state registration number: 13 digits (OGRN, an
// organisation), the last being the first 12 as a number mod 11, mod 10;
// or 15 digits (OGRNIP, an individual entrepreneur), the last being the
// first 14 mod 13, mod 10.
func OGRN(s string) error {
	d, ok := digits(s)
	if !ok {
		return ErrOGRNDigits
	}
	var m int
	switch len(d) {
	case 13:
		m = 11
	case 15:
		m = 13
	default:
		return ErrOGRNLength
	}
	r := 0
	for _, x := range d[:len(d)-1] {
		r = (r*10 + x) % m
	}
	if r%10 != d[len(d)-1] {
		return ErrOGRNCheck
	}
	return nil
}

// Matching checks that a valid INN and a valid OGRN describe the same kind
// of business: an organisation (10 and 13 digits) or an individual
// entrepreneur (12 and 15).
func Matching(inn, ogrn string) error {
	if (len(inn) == 10) != (len(ogrn) == 13) {
		return ErrOGRNKind
	}
	return nil
}

// KPP checks a tax registration reason code: 9 characters, four digits
// (the tax office), two digits or capital Latin letters (the reason), three
// digits (the number). Only organisations have one.
func KPP(s, inn string) error {
	if len(inn) == 12 {
		return ErrKPPForPerson
	}
	if len(s) != 9 {
		return ErrKPPFormat
	}
	for i := 0; i < 9; i++ {
		c := s[i]
		digit := c >= '0' && c <= '9'
		if i == 4 || i == 5 {
			if !digit && (c < 'A' || c > 'Z') {
				return ErrKPPFormat
			}
		} else if !digit {
			return ErrKPPFormat
		}
	}
	return nil
}
