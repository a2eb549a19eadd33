package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// untranslated matches text that looks like a message id that slipped
// through untranslated (catalogue.title, body.sedan).
var untranslated = regexp.MustCompile(`^[a-z_]+(\.[a-z0-9_]+)+$`)

// checkPage asserts what every page in a language must have: lang and dir,
// a title, the language switch to the same page, hreflang alternates, and
// no untranslated message ids.
func checkPage(t *testing.T, lang string, res response, path string) *goquery.Document {
	t.Helper()
	doc := res.doc(t)
	html := doc.Find("html")
	if got, _ := html.Attr("lang"); got != lang {
		t.Errorf("%s: lang = %q, want %q", path, got, lang)
	}
	wantDir := "ltr"
	if lang == "fa" {
		wantDir = "rtl"
	}
	if got, _ := html.Attr("dir"); got != wantDir {
		t.Errorf("%s: dir = %q, want %q", path, got, wantDir)
	}
	if strings.TrimSpace(doc.Find("title").Text()) == "" {
		t.Errorf("%s: empty title", path)
	}
	if doc.Find("h1").Length() != 1 {
		t.Errorf("%s: %d h1 elements, want 1", path, doc.Find("h1").Length())
	}
	rest := strings.TrimPrefix(path, "/"+lang)
	for _, l := range []string{"ru", "en", "fa"} {
		want := "/" + l + rest
		if doc.Find(fmt.Sprintf(`[data-testid=lang-switch] a[hreflang=%s][href=%q]`, l, want)).Length() != 1 {
			t.Errorf("%s: language switch lacks a link to %s", path, want)
		}
		if doc.Find(fmt.Sprintf(`link[rel=alternate][hreflang=%s][href=%q]`, l, "http://portal.test"+want)).Length() != 1 {
			t.Errorf("%s: no hreflang alternate for %s", path, l)
		}
	}
	doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
		if s.Children().Length() > 0 {
			return
		}
		if txt := strings.TrimSpace(s.Text()); untranslated.MatchString(txt) {
			t.Errorf("%s: untranslated message id %q in <%s>", path, txt, goquery.NodeName(s))
		}
	})
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("alt"); !ok {
			t.Errorf("%s: img without alt: %s", path, s.AttrOr("src", ""))
		}
	})
	return doc
}

func firstTrimIDs(t *testing.T, ts *testServer, slug string, n int) []string {
	t.Helper()
	doc := ts.get(t, "/en/models/"+slug).doc(t)
	var ids []string
	doc.Find("[data-testid=trim]").Each(func(_ int, s *goquery.Selection) {
		if len(ids) < n {
			ids = append(ids, s.AttrOr("data-trim-id", ""))
		}
	})
	if len(ids) < n {
		t.Fatalf("model %s has %d trims, want %d", slug, len(ids), n)
	}
	return ids
}

func TestEveryPageInEveryLanguage(t *testing.T) {
	ts := newTestServer(t)
	ids := firstTrimIDs(t, ts, "rira", 2)
	paths := []string{"/", "/catalogue", "/catalogue?body=crossover", "/models/rira", "/compare", "/compare?trims=" + url.QueryEscape(ids[0]+","+ids[1])}
	for _, lang := range []string{"ru", "en", "fa"} {
		for _, p := range paths {
			path := "/" + lang + p
			t.Run(path, func(t *testing.T) {
				res := ts.get(t, path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d, want 200", res.StatusCode)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("content type %q", ct)
				}
				if got := res.Header.Get("Content-Language"); got != lang {
					t.Errorf("Content-Language %q", got)
				}
				doc := checkPage(t, lang, res, path)
				if doc.Find("[data-testid=demo-banner]").Length() != 1 {
					t.Error("demo data is not marked")
				}
			})
		}
	}
}

func TestCatalogueTextsPerLanguage(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct {
		lang, h1, count string
	}{
		{"ru", "Каталог моделей", "модел"},
		{"en", "Model catalogue", "models"},
		{"fa", "کاتالوگ خودروها", "خودرو"},
	}
	for _, tc := range cases {
		doc := ts.get(t, "/"+tc.lang+"/catalogue").doc(t)
		if got := strings.TrimSpace(doc.Find("h1").Text()); got != tc.h1 {
			t.Errorf("%s h1 = %q, want %q", tc.lang, got, tc.h1)
		}
		if got := doc.Find("[data-testid=result-count]").Text(); !strings.Contains(got, tc.count) {
			t.Errorf("%s count = %q, want it to contain %q", tc.lang, got, tc.count)
		}
		if doc.Find("[data-testid=model-card]").Length() < 6 {
			t.Errorf("%s: %d cards, want the demo's 6 or more", tc.lang, doc.Find("[data-testid=model-card]").Length())
		}
	}
	ru := ts.get(t, "/ru/catalogue").doc(t)
	price := ru.Find("[data-testid=price-from]").First().Text()
	if !regexp.MustCompile(`^\d{1,3}(\x{a0}\d{3})+,\d{2}\x{a0}₽$`).MatchString(price) {
		t.Errorf("ru price %q is not written the Russian way", price)
	}
	fa := ts.get(t, "/fa/catalogue").doc(t)
	if p := fa.Find("[data-testid=price-from]").First().Text(); !strings.ContainsAny(p, "۰۱۲۳۴۵۶۷۸۹") {
		t.Errorf("fa price %q lacks Persian digits", p)
	}
}

func cardSlugs(doc *goquery.Document) []string {
	var out []string
	doc.Find("[data-testid=model-card]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-slug", ""))
	})
	return out
}

func TestCatalogueFiltersAndSort(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	all, err := ts.store.ListModels(ctx, "en", dbFilter(""))
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]int{}
	for _, m := range all.Items {
		bodies[m.BodyType]++
	}
	for body, n := range bodies {
		doc := ts.get(t, "/en/catalogue?body="+body).doc(t)
		slugs := cardSlugs(doc)
		if len(slugs) != n {
			t.Errorf("body=%s: %d cards, want %d", body, len(slugs), n)
		}
		if sel := doc.Find("#f-body option[selected]").AttrOr("value", ""); sel != body {
			t.Errorf("body=%s: filter shows %q selected", body, sel)
		}
		if doc.Find("[data-testid=reset]").Length() != 1 {
			t.Errorf("body=%s: no reset link", body)
		}
	}
	// Sorting by price: the "from" prices go up, then down.
	for _, tc := range []struct {
		sort string
		asc  bool
	}{{"price_asc", true}, {"price_desc", false}} {
		doc := ts.get(t, "/ru/catalogue?sort="+tc.sort).doc(t)
		var prices []int64
		doc.Find("[data-testid=price-from]").Each(func(_ int, s *goquery.Selection) {
			digits := regexp.MustCompile(`\D`).ReplaceAllString(s.Text(), "")
			v, _ := strconv.ParseInt(digits, 10, 64)
			prices = append(prices, v)
		})
		if len(prices) < 2 {
			t.Fatalf("sort=%s: %d prices", tc.sort, len(prices))
		}
		for i := 1; i < len(prices); i++ {
			if (tc.asc && prices[i] < prices[i-1]) || (!tc.asc && prices[i] > prices[i-1]) {
				t.Errorf("sort=%s: prices out of order: %v", tc.sort, prices)
				break
			}
		}
	}
	// A filter that matches nothing gives a clean page that says so.
	res := ts.get(t, "/en/catalogue?body=pickup&fuel=electric")
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=empty]").Length() != 1 {
		t.Errorf("empty result: status %d, no empty message", res.StatusCode)
	}
}

func TestCataloguePagination(t *testing.T) {
	store := newTestStore(t)
	if err := store.LoadGenerated(context.Background(), 30, 2); err != nil {
		t.Fatal(err)
	}
	ts := newTestServerWith(t, store)
	p1 := ts.get(t, "/en/catalogue").doc(t)
	p3 := ts.get(t, "/en/catalogue?page=3").doc(t)
	if n := len(cardSlugs(p1)); n != cataloguePerPage {
		t.Errorf("page 1: %d cards", n)
	}
	if n := len(cardSlugs(p3)); n != 30-2*cataloguePerPage {
		t.Errorf("page 3: %d cards, want %d", n, 30-2*cataloguePerPage)
	}
	if p1.Find("[data-testid=pagination] a[rel=next]").AttrOr("href", "") != "/en/catalogue?page=2" {
		t.Error("page 1 lacks a next link to page 2")
	}
	if p3.Find("[data-testid=pagination] a[rel=next]").Length() != 0 {
		t.Error("last page has a next link")
	}
	if res := ts.get(t, "/en/catalogue?page=4"); res.StatusCode != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", res.StatusCode)
	}
	seen := map[string]bool{}
	for _, p := range []string{"", "?page=2", "?page=3"} {
		for _, s := range cardSlugs(ts.get(t, "/en/catalogue"+p).doc(t)) {
			if seen[s] {
				t.Errorf("model %s on two pages", s)
			}
			seen[s] = true
		}
	}
	if len(seen) != 30 {
		t.Errorf("pages list %d models, want 30", len(seen))
	}
}

func TestCanonicalRedirects(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct{ from, to string }{
		{"/en/catalogue?sort=featured", "/en/catalogue"},
		{"/en/catalogue?page=1", "/en/catalogue"},
		{"/en/catalogue?utm_source=mail&body=sedan", "/en/catalogue?body=sedan"},
		{"/en/catalogue?fuel=petrol&body=sedan", "/en/catalogue?body=sedan&fuel=petrol"},
		{"/ru", "/ru/"},
	}
	for _, tc := range cases {
		res := ts.get(t, tc.from)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != tc.to {
			t.Errorf("%s: %d → %q, want 301 → %q", tc.from, res.StatusCode, res.Header.Get("Location"), tc.to)
		}
	}
}

func TestModelPage(t *testing.T) {
	ts := newTestServer(t)
	doc := ts.get(t, "/ru/models/rira").doc(t)
	if name := strings.TrimSpace(doc.Find("[data-testid=model-name]").Text()); name == "" {
		t.Error("no model name")
	}
	if n := doc.Find("[data-testid=trim]").Length(); n < 2 || n > 4 {
		t.Errorf("%d trims, want 2–4", n)
	}
	var groups []string
	doc.Find("[data-testid=specs] [data-testid=spec-group]").Each(func(_ int, s *goquery.Selection) {
		groups = append(groups, s.AttrOr("data-group", ""))
	})
	if strings.Join(groups, ",") != "engine,dimensions,equipment,safety" {
		t.Errorf("spec groups %v", groups)
	}
	cols := doc.Find("[data-testid=spec-table] thead th").Length()
	if cols != doc.Find("[data-testid=trim]").Length() {
		t.Errorf("spec table has %d trim columns for %d trims", cols, doc.Find("[data-testid=trim]").Length())
	}
	if doc.Find("[data-testid=gallery] img").Length() < 2 {
		t.Error("gallery has fewer than 2 photos")
	}
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("width", "") == "" || s.AttrOr("height", "") == "" {
			t.Errorf("img %s lacks width/height", s.AttrOr("src", ""))
		}
	})
	// Every media link resolves.
	doc.Find("img[src], [data-testid=brochure]").Each(func(_ int, s *goquery.Selection) {
		src := s.AttrOr("src", s.AttrOr("href", ""))
		if res := ts.get(t, src); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", src, res.StatusCode)
		}
	})
}

func TestNotFoundIsLocalized(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct{ path, want string }{
		{"/ru/models/no-such-model", "Страница не найдена"},
		{"/en/models/no-such-model", "Page not found"},
		{"/fa/models/no-such-model", "صفحه پیدا نشد"},
		{"/en/no/such/page", "Page not found"},
		{"/de/catalogue", "Страница не найдена"},
		{"/en/models/" + strings.Repeat("x", 200), "Page not found"},
	}
	for _, tc := range cases {
		res := ts.get(t, tc.path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", tc.path, res.StatusCode)
			continue
		}
		if h1 := strings.TrimSpace(res.doc(t).Find("h1").Text()); h1 != tc.want {
			t.Errorf("%s: h1 %q, want %q", tc.path, h1, tc.want)
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: error page without CSP", tc.path)
		}
	}
}

func TestCompare(t *testing.T) {
	ts := newTestServer(t)
	ids := firstTrimIDs(t, ts, "rira", 2)
	other := firstTrimIDs(t, ts, "tara", 1)
	pair := url.QueryEscape(ids[0] + "," + ids[1])
	all := ts.get(t, "/en/compare?trims="+pair).doc(t)
	diff := ts.follow(t, "/en/compare?trims="+pair+"&diff=1").doc(t)
	nAll := all.Find("[data-testid=comparison] [data-testid=spec-row]").Length()
	nDiff := diff.Find("[data-testid=comparison] [data-testid=spec-row]").Length()
	if nAll == 0 || nDiff == 0 || nDiff >= nAll {
		t.Errorf("rows: all %d, only differences %d", nAll, nDiff)
	}
	if diff.Find("[data-testid=comparison] [data-testid=spec-row]:not(.differs)").Length() != 0 {
		t.Error("only-differences view shows equal rows")
	}
	if diff.Find("[data-testid=only-diff][aria-current]").Length() != 1 {
		t.Error("the switch does not show the current view")
	}
	if all.Find("[data-testid=comparison] thead th").Length() < 2 {
		t.Error("comparison has fewer than 2 columns")
	}
	// Trims of two models, given as repeated parameters, redirect to the
	// canonical form and then show both models' names.
	res := ts.get(t, "/en/compare?trims="+ids[0]+"&trims="+other[0])
	if res.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("repeated trims: %d", res.StatusCode)
	}
	mixed := ts.get(t, res.Header.Get("Location"))
	if mixed.StatusCode != http.StatusOK || mixed.doc(t).Find("[data-testid=spec-table] .th-model").Length() != 2 {
		t.Errorf("mixed comparison: %d, model names not shown", mixed.StatusCode)
	}

	bad := []struct {
		query  string
		status int
	}{
		{"trims=" + ids[0], http.StatusOK},
		{"trims=1,2,3,4,5,6,7,8,9", http.StatusBadRequest},
		{"trims=abc", http.StatusBadRequest},
		{"trims=-1,0", http.StatusBadRequest},
		{"trims=999999,999998", http.StatusBadRequest},
		{"trims=" + strings.Repeat("9", 40), http.StatusBadRequest},
		{"trims=%27%3B--", http.StatusBadRequest},
	}
	for _, tc := range bad {
		res := ts.get(t, "/ru/compare?"+tc.query)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.query, res.StatusCode, tc.status)
			continue
		}
		doc := res.doc(t)
		if doc.Find("[data-testid=compare-error]").Length() != 1 {
			t.Errorf("%s: no message saying what is wrong", tc.query)
		}
		if doc.Find("[data-testid=picker] input[type=checkbox]").Length() < 10 {
			t.Errorf("%s: the chooser is missing", tc.query)
		}
	}
}

func TestBadQueryInputNever500(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("a", 10*1024)
	cases := []struct {
		target string
		status int
	}{
		{"/en/catalogue?body=spaceship", http.StatusBadRequest},
		{"/en/catalogue?seats=3", http.StatusBadRequest},
		{"/en/catalogue?seats=many", http.StatusBadRequest},
		{"/en/catalogue?page=-1", http.StatusBadRequest},
		{"/en/catalogue?page=0", http.StatusBadRequest},
		{"/en/catalogue?page=abc", http.StatusBadRequest},
		{"/en/catalogue?page=99999", http.StatusNotFound},
		{"/en/catalogue?page=99999999999999999999", http.StatusBadRequest},
		{"/en/catalogue?sort=%3Cscript%3E", http.StatusBadRequest},
		{"/en/catalogue?q=" + long, http.StatusBadRequest},
		{"/en/catalogue?body=%ff%fe", http.StatusBadRequest},
		{"/en/catalogue?%zz", http.StatusBadRequest},
		{"/en/models/%ff", http.StatusBadRequest},
		{"/en/models/%3Cscript%3Ealert(1)%3C%2Fscript%3E", http.StatusNotFound},
		{"/en/compare?trims=%ff", http.StatusBadRequest},
	}
	for _, tc := range cases {
		res := ts.get(t, tc.target)
		if res.StatusCode != tc.status {
			t.Errorf("%.80s: status %d, want %d", tc.target, res.StatusCode, tc.status)
		}
		if strings.Contains(res.Body, "<script>alert") {
			t.Errorf("%.80s: input reflected unescaped", tc.target)
		}
	}
	if strings.Contains(ts.log.String(), "level=ERROR") {
		t.Errorf("bad input logged server errors:\n%s", ts.log.String())
	}
}

func TestRootRedirectsByAcceptLanguage(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct{ header, want string }{
		{"", "/ru/"},
		{"en-GB,en;q=0.9", "/en/"},
		{"fa-IR,fa;q=0.9,en;q=0.5", "/fa/"},
		{"de-DE,fr;q=0.5", "/ru/"},
	}
	for _, tc := range cases {
		res := ts.get(t, "/", "Accept-Language", tc.header)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != tc.want {
			t.Errorf("Accept-Language %q: %d → %q, want %q", tc.header, res.StatusCode, res.Header.Get("Location"), tc.want)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("redirect does not vary on Accept-Language")
		}
	}
}
