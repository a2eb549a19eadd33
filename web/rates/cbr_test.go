package rates

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

var sampleDay = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func cp1251(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCBRSample(t *testing.T) {
	b, err := os.ReadFile("testdata/XML_daily_2026-11-27.xml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseCBR(b, sampleDay)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Date.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %v", d.Date)
	}
	if len(d.Rates) != 13 {
		t.Fatalf("%d rates, want 13", len(d.Rates))
	}
	byCode := map[string]Rate{}
	for _, r := range d.Rates {
		byCode[r.Currency] = r
		if r.Source != "cbr" || !r.Date.Equal(d.Date) {
			t.Errorf("%s: source %q date %v", r.Currency, r.Source, r.Date)
		}
	}
	for _, want := range []Rate{
		{Currency: "USD", Value: "92.5130", Nominal: 1},
		{Currency: "IRR", Value: "21.9834", Nominal: 10000},
		{Currency: "AMD", Value: "23.7541", Nominal: 100},
		{Currency: "CNY", Value: "12.7421", Nominal: 1},
	} {
		got := byCode[want.Currency]
		if got.Value != want.Value || got.Nominal != want.Nominal {
			t.Errorf("%s = %s / %d, want %s / %d", want.Currency, got.Value, got.Nominal, want.Value, want.Nominal)
		}
	}
}

func doc(date, valutes string) string {
	return `<?xml version="1.0" encoding="windows-1251"?><ValCurs Date="` + date + `" name="Foreign Currency Market">` + valutes + `</ValCurs>`
}

const usd = `<Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>92,5130</Value></Valute>`

func TestParseCBRRefuses(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		code string
	}{
		{"utf-8 bytes declared windows-1251", []byte(doc("27.11.2026", usd)), ErrCodeEncoding},
		{"declared utf-8", cp1251(t, strings.Replace(doc("27.11.2026", usd), "windows-1251", "utf-8", 1)), ErrCodeEncoding},
		{"no declaration", cp1251(t, strings.TrimPrefix(doc("27.11.2026", usd), `<?xml version="1.0" encoding="windows-1251"?>`)), ErrCodeMalformed},
		{"declaration without encoding", cp1251(t, strings.Replace(doc("27.11.2026", usd), ` encoding="windows-1251"`, "", 1)), ErrCodeEncoding},
		{"not xml", []byte("<?xml version=\"1.0\" encoding=\"windows-1251\"?>hello"), ErrCodeMalformed},
		{"truncated", cp1251(t, doc("27.11.2026", usd))[:200], ErrCodeMalformed},
		{"wrong root", cp1251(t, `<?xml version="1.0" encoding="windows-1251"?><Rates/>`), ErrCodeMalformed},
		{"no date", cp1251(t, strings.Replace(doc("27.11.2026", usd), ` Date="27.11.2026"`, "", 1)), ErrCodeMissing},
		{"bad date", cp1251(t, doc("2026-11-27", usd)), ErrCodeMalformed},
		{"date far past", cp1251(t, doc("01.11.2026", usd)), ErrCodeDate},
		{"date far future", cp1251(t, doc("05.12.2026", usd)), ErrCodeDate},
		{"no valutes", cp1251(t, doc("27.11.2026", "")), ErrCodeEmpty},
		{"missing value", cp1251(t, doc("27.11.2026", strings.Replace(usd, "<Value>92,5130</Value>", "", 1))), ErrCodeMissing},
		{"missing nominal", cp1251(t, doc("27.11.2026", strings.Replace(usd, "<Nominal>1</Nominal>", "", 1))), ErrCodeMissing},
		{"missing code", cp1251(t, doc("27.11.2026", strings.Replace(usd, "<CharCode>USD</CharCode>", "", 1))), ErrCodeMissing},
		{"duplicate", cp1251(t, doc("27.11.2026", usd+usd)), ErrCodeDuplicate},
		{"zero rate", cp1251(t, doc("27.11.2026", strings.Replace(usd, "92,5130", "0,0000", 1))), ErrCodeValue},
		{"decimal point", cp1251(t, doc("27.11.2026", strings.Replace(usd, "92,5130", "92.5130", 1))), ErrCodeValue},
		{"zero nominal", cp1251(t, doc("27.11.2026", strings.Replace(usd, "<Nominal>1<", "<Nominal>0<", 1))), ErrCodeValue},
		{"lower-case code", cp1251(t, doc("27.11.2026", strings.Replace(usd, ">USD<", ">usd<", 1))), ErrCodeMalformed},
		{"trailing element", append(cp1251(t, doc("27.11.2026", usd)), "<x/>"...), ErrCodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCBR(c.file, sampleDay)
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an ImportError %q", err, c.code)
			}
			if ie.Code != c.code {
				t.Errorf("code = %q (%v), want %q", ie.Code, err, c.code)
			}
		})
	}
}

func TestParseCBRWithinAWeek(t *testing.T) {
	b := cp1251(t, doc("21.11.2026", usd))
	if _, err := ParseCBR(b, sampleDay); err != nil {
		t.Fatalf("six days old: %v", err)
	}
}

// FuzzParseCBR checks that no input panics, and that whatever is accepted
// has a date within a week and positive rates for distinct currencies.
func FuzzParseCBR(f *testing.F) {
	if b, err := os.ReadFile("testdata/XML_daily_2026-11-27.xml"); err == nil {
		f.Add(b)
	}
	f.Add(cp1251(f, doc("27.11.2026", usd)))
	f.Add([]byte(doc("27.11.2026", usd)))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseCBR(b, sampleDay)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an ImportError: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range d.Rates {
			if seen[r.Currency] {
				t.Fatalf("duplicate %s accepted", r.Currency)
			}
			seen[r.Currency] = true
			if v, err := r.PerUnit(); err != nil || v.Sign() <= 0 {
				t.Fatalf("%s: rate %s/%d accepted", r.Currency, r.Value, r.Nominal)
			}
		}
	})
}
