package static

import (
	"strings"
	"testing"
)

// TestStylesheetsParse catches a broken stylesheet (an unclosed rule or a
// merge left behind), which browsers silently drop from there on.
func TestStylesheetsParse(t *testing.T) {
	n := 0
	for name, a := range Assets().byName {
		if !strings.HasSuffix(name, ".css") {
			continue
		}
		n++
		depth := 0
		for i, line := range strings.Split(string(a.Body), "\n") {
			if strings.HasPrefix(line, "<<<<<<<") || strings.HasPrefix(line, ">>>>>>>") || line == "=======" {
				t.Errorf("%s:%d: merge conflict marker", name, i+1)
			}
			depth += strings.Count(line, "{") - strings.Count(line, "}")
			if depth < 0 {
				t.Fatalf("%s:%d: } without {", name, i+1)
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d rules not closed", name, depth)
		}
		for _, part := range strings.Split(string(a.Body), "url(")[1:] {
			ref, _, _ := strings.Cut(part, ")")
			if _, ok := Assets().byURL[ref]; strings.HasPrefix(ref, "/static/") && !ok {
				t.Errorf("%s: url(%s) names no embedded file", name, ref)
			}
		}
	}
	if n < 2 {
		t.Fatalf("only %d stylesheets", n)
	}
}

func TestHashedURLs(t *testing.T) {
	for _, name := range []string{"css/site.css", "js/site.js", "img/logo.svg", "fonts/vazirmatn-arabic-400-normal.woff2"} {
		a, ok := Assets().Lookup(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		if a.URL == "/static/"+name || !strings.HasPrefix(a.URL, "/static/") {
			t.Errorf("%s: URL %q is not content-hashed", name, a.URL)
		}
	}
}
