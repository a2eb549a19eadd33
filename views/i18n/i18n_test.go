package i18n

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCatalogsComplete fails when a message id exists in one language but
// not in another.
func TestCatalogsComplete(t *testing.T) {
	c := MustLoad()
	all := map[string]bool{}
	for _, l := range Langs {
		if len(c.IDs(l)) == 0 {
			t.Fatalf("language %s has no messages", l)
		}
		for id := range c.IDs(l) {
			all[id] = true
		}
	}
	for _, l := range Langs {
		var missing []string
		for id := range all {
			if !c.IDs(l)[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d messages: %s", l, len(missing), strings.Join(missing, ", "))
		}
	}
}

// literalID finds message ids written as string literals in calls of the
// translation helpers, in Go and templ sources.
var literalID = regexp.MustCompile(`\b(?:T|Plural|pageMeta)\((?:ctx|c\.Request\(\)\.Context\(\)|c), "([a-z0-9_.]*[a-z0-9_])"\s*[,)]`)

// TestUsedIDsExist fails when code asks for a message id that no catalog
// defines. Ids built at run time (prefix + code) are checked by the page
// tests, which look for untranslated ids in every rendered page.
func TestUsedIDsExist(t *testing.T) {
	c := MustLoad()
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_templ.go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		if !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".templ") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range literalID.FindAllStringSubmatch(string(b), -1) {
			found++
			for _, l := range Langs {
				if !c.IDs(l)[m[1]] {
					t.Errorf("%s: message %q is not in the %s catalog", p, m[1], l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("found only %d message ids in the sources: the pattern no longer matches the code", found)
	}
}

func TestRussianPlurals(t *testing.T) {
	loc := MustLoad().Locale("ru")
	cases := []struct {
		n    int
		want string
	}{
		{1, "1 модель"}, {2, "2 модели"}, {3, "3 модели"}, {5, "5 моделей"}, {11, "11 моделей"},
		{21, "21 модель"}, {22, "22 модели"}, {25, "25 моделей"}, {111, "111 моделей"}, {1001, "1\u00a0001 модель"},
	}
	for _, tc := range cases {
		if got := loc.Plural("catalogue.count", tc.n); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	en := MustLoad().Locale("en")
	if got := en.Plural("catalogue.count", 1); got != "1 model" {
		t.Errorf("en Plural(1) = %q", got)
	}
	if got := en.Plural("catalogue.count", 1234); got != "1,234 models" {
		t.Errorf("en Plural(1234) = %q", got)
	}
}

func TestMoney(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		lang string
		m    Money
		want string
	}{
		{"ru", Money{123456700, "RUB"}, "1\u00a0234\u00a0567,00\u00a0₽"},
		{"en", Money{123456700, "USD"}, "$1,234,567.00"},
		{"en", Money{189000000, "RUB"}, "₽1,890,000.00"},
		{"ru", Money{5, "RUB"}, "0,05\u00a0₽"},
		{"ru", Money{-150, "EUR"}, "−1,50\u00a0€"},
		{"fa", Money{123456700, "RUB"}, "۱٬۲۳۴٬۵۶۷٫۰۰\u00a0₽"},
		{"ru", Money{9_000_000_000_000, "IRR"}, "9\u00a0000\u00a0000\u00a0000\u00a0000\u00a0IRR"},
	}
	for _, tc := range cases {
		if got := c.Locale(tc.lang).Money(tc.m); got != tc.want {
			t.Errorf("%s Money(%v) = %q, want %q", tc.lang, tc.m, got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	c := MustLoad()
	day := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	cases := []struct{ lang, want string }{
		{"ru", "27 ноября 2026 г."},
		{"en", "27 November 2026"},
		{"fa", "۶ آذر ۱۴۰۵"},
	}
	for _, tc := range cases {
		if got := c.Locale(tc.lang).Date(day); got != tc.want {
			t.Errorf("%s Date = %q, want %q", tc.lang, got, tc.want)
		}
	}
	// A moment late in the UTC evening is already the next day in Moscow
	// and Tehran: the day shown is the reader's.
	late := time.Date(2026, 11, 27, 22, 30, 0, 0, time.UTC)
	if got := c.Locale("ru").Date(late); got != "28 ноября 2026 г." {
		t.Errorf("ru Date(22:30 UTC) = %q", got)
	}
	if got := c.Locale("ru").DateTime(late); got != "28 ноября 2026 г., 01:30\u00a0МСК" {
		t.Errorf("ru DateTime = %q", got)
	}
	if got := c.Locale("fa").DateTime(late); got != "۷ آذر ۱۴۰۵، ۰۲:۰۰\u00a0به وقت تهران" {
		t.Errorf("fa DateTime = %q", got)
	}
	// Nowruz: 21 March 2025 is 1 Farvardin 1404.
	if y, m, d := Jalali(time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC)); y != 1404 || m != 1 || d != 1 {
		t.Errorf("Jalali(2025-03-21) = %d-%d-%d, want 1404-1-1", y, m, d)
	}
}

func TestMatch(t *testing.T) {
	cases := []struct{ header, want string }{
		{"", "ru"},
		{"en-US,en;q=0.9", "en"},
		{"fa-IR", "fa"},
		{"de-DE,de;q=0.9", "ru"},
		{"de;q=0.9,en;q=0.8", "en"},
		{"garbage;;;q=x", "ru"},
		{"ru-RU,ru;q=0.9,en;q=0.8", "ru"},
	}
	for _, tc := range cases {
		if got := Match(tc.header); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestHrefAndSwitch(t *testing.T) {
	c := MustLoad()
	ctx := WithLocale(context.Background(), c.Locale("en"), "/catalogue", "body=sedan")
	if got := Href(ctx, "/models/", "rira plus"); got != "/en/models/rira%20plus" {
		t.Errorf("Href = %q", got)
	}
	if got := SwitchHref(ctx, "fa"); got != "/fa/catalogue?body=sedan" {
		t.Errorf("SwitchHref = %q", got)
	}
	if From(ctx).Dir != "ltr" || c.Locale("fa").Dir != "rtl" {
		t.Error("directions wrong")
	}
}
