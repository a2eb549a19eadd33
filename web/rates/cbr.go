package rates

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ImportError is why a rates file is refused; Code names the message
// shown to staff (offers.rates.error.<code>) and Detail what it concerns
// (a currency code, a date).
type ImportError struct {
	Code   string
	Detail string
}

func (e *ImportError) Error() string {
	if e.Detail != "" {
		return "rates: " + e.Code + ": " + e.Detail
	}
	return "rates: " + e.Code
}

// Reasons a Bank of Russia file is refused.
const (
	ErrCodeMalformed = "malformed"
	ErrCodeEncoding  = "encoding"
	ErrCodeMissing   = "missing"
	ErrCodeDuplicate = "duplicate"
	ErrCodeDate      = "date"
	ErrCodeValue     = "value"
	ErrCodeEmpty     = "empty"
)

// MaxFileBytes bounds a rates file: the real one is about 10 KB.
const MaxFileBytes = 1 << 20

// MaxDaysFromToday is how far the file's date may be from today.
const MaxDaysFromToday = 7

// Daily is a parsed rates file: the day and the rate of each currency.
type Daily struct {
	Date  time.Time
	Rates []Rate
}

type valCurs struct {
	XMLName xml.Name `xml:"ValCurs"`
	Date    *string  `xml:"Date,attr"`
	Valutes []valute `xml:"Valute"`
}

type valute struct {
	ID       string  `xml:"ID,attr"`
	NumCode  *string `xml:"NumCode"`
	CharCode *string `xml:"CharCode"`
	Nominal  *string `xml:"Nominal"`
	Name     *string `xml:"Name"`
	Value    *string `xml:"Value"`
}

var (
	declRe     = regexp.MustCompile(`^<\?xml[^>]*encoding=["']([A-Za-z0-9_\-]+)["'][^>]*\?>`)
	codeRe     = regexp.MustCompile(`^[A-Z]{3}$`)
	nominalRe  = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)
	cbrValueRe = regexp.MustCompile(`^[0-9]{1,12},[0-9]{1,10}$`)
)

// ParseCBR reads the Bank of Russia daily rates file (XML_daily.asp): root
// ValCurs with Date="DD.MM.YYYY", Valute entries with CharCode, Nominal
// and Value written with a decimal comma, encoded in windows-1251. It
// refuses a file declared in another encoding, one declared windows-1251
// whose bytes are UTF-8 (a file re-saved by an editor: its Cyrillic
// names would read as mojibake), missing fields, a currency listed twice,
// a zero or malformed rate, and a date more than MaxDaysFromToday days
// from today.
func ParseCBR(b []byte, today time.Time) (Daily, error) {
	if len(b) > MaxFileBytes {
		return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: "too large"}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	head := bytes.TrimLeft(b, " \t\r\n")
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: "not an XML document"}
	}
	m := declRe.FindSubmatch(head)
	if m == nil {
		return Daily{}, &ImportError{Code: ErrCodeEncoding, Detail: "no encoding declared"}
	}
	enc := strings.ToLower(string(m[1]))
	if enc != "windows-1251" && enc != "cp1251" {
		return Daily{}, &ImportError{Code: ErrCodeEncoding, Detail: enc}
	}
	if hasUTF8Multibyte(b) {
		return Daily{}, &ImportError{Code: ErrCodeEncoding, Detail: "bytes are UTF-8"}
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "windows-1251", "cp1251":
			return charmap.Windows1251.NewDecoder().Reader(r), nil
		}
		return nil, fmt.Errorf("charset %q", label)
	}
	var vc valCurs
	if err := dec.Decode(&vc); err != nil {
		return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: truncate(err.Error(), 120)}
	}
	// Nothing may follow the root element but white space and comments.
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: truncate(err.Error(), 120)}
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: "text after the root"}
			}
		case xml.Comment, xml.ProcInst:
		default:
			return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: "element after the root"}
		}
	}
	if vc.Date == nil {
		return Daily{}, &ImportError{Code: ErrCodeMissing, Detail: "Date"}
	}
	day, err := time.Parse("02.01.2006", strings.TrimSpace(*vc.Date))
	if err != nil {
		return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: "Date " + truncate(*vc.Date, 20)}
	}
	t0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if d := day.Sub(t0); d > MaxDaysFromToday*24*time.Hour || d < -MaxDaysFromToday*24*time.Hour {
		return Daily{}, &ImportError{Code: ErrCodeDate, Detail: day.Format("2006-01-02")}
	}
	if len(vc.Valutes) == 0 {
		return Daily{}, &ImportError{Code: ErrCodeEmpty}
	}
	out := Daily{Date: day}
	seen := map[string]bool{}
	for i, v := range vc.Valutes {
		where := "Valute " + strconv.Itoa(i+1)
		switch {
		case v.CharCode == nil:
			return Daily{}, &ImportError{Code: ErrCodeMissing, Detail: where + " CharCode"}
		case v.Nominal == nil:
			return Daily{}, &ImportError{Code: ErrCodeMissing, Detail: where + " Nominal"}
		case v.Value == nil:
			return Daily{}, &ImportError{Code: ErrCodeMissing, Detail: where + " Value"}
		}
		code := strings.TrimSpace(*v.CharCode)
		if !codeRe.MatchString(code) || code == "RUB" {
			return Daily{}, &ImportError{Code: ErrCodeMalformed, Detail: where + " CharCode"}
		}
		if seen[code] {
			return Daily{}, &ImportError{Code: ErrCodeDuplicate, Detail: code}
		}
		seen[code] = true
		nom := strings.TrimSpace(*v.Nominal)
		if !nominalRe.MatchString(nom) {
			return Daily{}, &ImportError{Code: ErrCodeValue, Detail: code + " Nominal"}
		}
		n, _ := strconv.ParseInt(nom, 10, 64)
		val := strings.TrimSpace(*v.Value)
		if !cbrValueRe.MatchString(val) {
			return Daily{}, &ImportError{Code: ErrCodeValue, Detail: code + " Value"}
		}
		_, canon, err := ParseDecimal(val)
		if err != nil {
			return Daily{}, &ImportError{Code: ErrCodeValue, Detail: code + " Value"}
		}
		out.Rates = append(out.Rates, Rate{Currency: code, Date: day, Value: canon, Nominal: n, Source: "cbr"})
	}
	return out, nil
}

// hasUTF8Multibyte reports whether b holds non-ASCII bytes that form
// valid UTF-8: Cyrillic in windows-1251 is single bytes 0xC0–0xFF that
// practically never pair up into valid UTF-8 sequences, while a file
// re-saved as UTF-8 is nothing else.
func hasUTF8Multibyte(b []byte) bool {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	return !ascii && utf8.Valid(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
