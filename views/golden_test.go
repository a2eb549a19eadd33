package views

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ikco/partner-portal/views/i18n"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// assetHash matches the content hash in static URLs, which changes with
// every edit of a stylesheet and is no part of what a golden file pins.
var assetHash = regexp.MustCompile(`(/static/[^"]+)\.[0-9a-f]{12}\.`)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = assetHash.ReplaceAll(got, []byte("$1.HASH."))
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./views -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is meant, run go test ./views -update and review the diff\n--- got ---\n%s", name, got)
	}
}

func ctxIn(lang string) context.Context {
	return i18n.WithLocale(context.Background(), i18n.MustLoad().Locale(lang), "/compare", "trims=1,2")
}

// TestSpecTableGolden pins the comparison table's markup: scopes, the
// differing rows, units and numbers per language, the "only differences"
// filter.
func TestSpecTableGolden(t *testing.T) {
	trims := []TrimVM{
		{ID: 1, Name: TextVM{Value: "Comfort"}, ModelName: TextVM{Value: "Rira"}, ModelSlug: "rira", Price: i18n.Money{Minor: 269000000, Currency: "RUB"}},
		{ID: 2, Name: TextVM{Value: "Base"}, ModelName: TextVM{Value: "Tara"}, ModelSlug: "tara", Price: i18n.Money{Minor: 179000000, Currency: "RUB"}},
	}
	groups := []SpecGroupVM{{Code: "engine", Name: TextVM{Value: "Engine"}, Rows: []SpecRowVM{
		{Name: TextVM{Value: "Power"}, Kind: "number", Unit: "hp", Values: []SpecValueVM{{Present: true, Num: 150}, {Present: true, Num: 113}}, Differs: true},
		{Name: TextVM{Value: "0–100"}, Kind: "number", Unit: "s", Decimals: 1, Values: []SpecValueVM{{Present: true, Num: 9.8}, {}}, Differs: true},
		{Name: TextVM{Value: "Gearbox"}, Kind: "text", Values: []SpecValueVM{{Present: true, Text: TextVM{Value: "CVT"}}, {Present: true, Text: TextVM{Value: "CVT"}}}},
		{Name: TextVM{Value: "Cruise control", Lang: "ru", Fallback: true}, Kind: "bool", Values: []SpecValueVM{{Present: true, Flag: true}, {Present: true}}, Differs: true},
	}}}
	for _, tc := range []struct {
		lang     string
		onlyDiff bool
		file     string
	}{{"ru", false, "spectable.ru.html"}, {"fa", true, "spectable.fa.diff.html"}} {
		var buf bytes.Buffer
		if err := SpecTable(trims, groups, tc.onlyDiff).Render(ctxIn(tc.lang), &buf); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.file, buf.Bytes())
	}
}

// TestErrorPageGolden pins the error page, layout included.
func TestErrorPageGolden(t *testing.T) {
	var buf bytes.Buffer
	m := PageMeta{Title: "Страница не найдена", BaseURL: "https://portal.example", Demo: true}
	if err := ErrorPage(m, ErrorVM{Status: 404, MessageID: "error.404", RequestID: "abc-1"}).Render(ctxIn("ru"), &buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "error404.ru.html", buf.Bytes())
}
