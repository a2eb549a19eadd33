package web

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserCatalogueFlow is a visitor's way from the home page through
// the catalogue filter to a model, a comparison of two of its trims, the
// "only differences" view and the same comparison in Persian.
func TestBrowserCatalogueFlow(t *testing.T) {
	ctx, base := newBrowser(t)

	visit(t, ctx, base+"/ru/", 200)
	runAxe(t, ctx, "ru home")
	screenshot(t, ctx, "flow-1-ru-home")

	clickAndWait(t, ctx, "[data-testid=cta-catalogue]")
	if got := mustParse(t, location(t, ctx)).Path; got != "/ru/catalogue" {
		t.Fatalf("after the catalogue link: at %s, want /ru/catalogue", got)
	}
	runAxe(t, ctx, "ru catalogue")

	// The site's script submits the form as soon as a select changes; a
	// visitor without it uses the button. Choose the option without the
	// change event, so the button's submission is the only one.
	if got := eval[string](t, ctx, `(s => (s.value = 'sedan', s.value))(document.querySelector('#f-body'))`); got != "sedan" {
		t.Fatalf("body filter has no option sedan (value %q)", got)
	}
	clickAndWait(t, ctx, "form[data-testid=filters] button[type=submit]")
	u := mustParse(t, location(t, ctx))
	if u.Path != "/ru/catalogue" || u.Query().Get("body") != "sedan" {
		t.Fatalf("after filtering: at %s, want /ru/catalogue?body=sedan", u)
	}
	if got := eval[string](t, ctx, `document.querySelector('#f-body').value`); got != "sedan" {
		t.Errorf("body filter shows %q after submit, want sedan", got)
	}
	cards := eval[[][]string](t, ctx, `Array.from(document.querySelectorAll('[data-testid=model-card]'),
		c => Array.from(c.querySelectorAll('dd'), dd => dd.textContent.trim()))`)
	if len(cards) == 0 {
		t.Fatal("no model cards for body=sedan")
	}
	for i, facts := range cards {
		if !slices.Contains(facts, "Седан") {
			t.Errorf("card %d does not show Седан: %q", i+1, facts)
		}
	}
	screenshot(t, ctx, "flow-2-ru-catalogue-sedan")

	// Picking another option fires change, and the script applies it at once.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(sctx, chromedp.SetValue(chromedp.CSS("#f-sort"), "name")); err != nil {
		t.Fatalf("choosing a sort order did not reload the list: %v", err)
	}
	if q := mustParse(t, location(t, ctx)).Query(); q.Get("sort") != "name" || q.Get("body") != "sedan" {
		t.Errorf("after choosing a sort order: query %v, want sort=name and body=sedan", q)
	}

	clickAndWait(t, ctx, "[data-testid=model-card] .card-title a")
	if p := mustParse(t, location(t, ctx)).Path; !strings.HasPrefix(p, "/ru/models/") {
		t.Fatalf("after the card link: at %s, want a model page", p)
	}
	runAxe(t, ctx, "ru model")
	screenshot(t, ctx, "flow-3-ru-model")

	trimIDs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('[data-testid=trim]'), li => li.dataset.trimId)`)
	if len(trimIDs) < 2 {
		t.Fatalf("model page lists %d trims, want at least 2", len(trimIDs))
	}
	picked := trimIDs[:2]
	for _, id := range picked {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cmp-"+id))); err != nil {
			t.Fatalf("tick trim %s: %v", id, err)
		}
	}
	clickAndWait(t, ctx, "[data-testid=trims] button[type=submit]")
	u = mustParse(t, location(t, ctx))
	if u.Path != "/ru/compare" {
		t.Fatalf("after comparing: at %s, want /ru/compare", u)
	}
	// The comparison redirects to its canonical query, trims=1,2.
	if got := strings.Split(u.Query().Get("trims"), ","); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(picked))) {
		t.Errorf("compare URL has trims %v, want %v", got, picked)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=spec-table] thead th[scope=col]').length`); n != 2 {
		t.Errorf("comparison has %d trim columns, want 2", n)
	}
	allRows := eval[int](t, ctx, `document.querySelectorAll('[data-testid=spec-row]').length`)
	runAxe(t, ctx, "ru compare")

	clickAndWait(t, ctx, "[data-testid=only-diff]")
	diffURL := mustParse(t, location(t, ctx))
	rows := eval[[]bool](t, ctx, `Array.from(document.querySelectorAll('[data-testid=spec-row]'), r => r.classList.contains('differs'))`)
	if len(rows) == 0 || len(rows) >= allRows {
		t.Errorf("only differences: %d rows, want between 1 and %d", len(rows), allRows-1)
	}
	for i, differs := range rows {
		if !differs {
			t.Errorf("only differences: row %d lacks class differs", i+1)
		}
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=only-diff]').getAttribute('aria-current')`); got != "true" {
		t.Errorf("only-diff link aria-current = %q, want true", got)
	}
	runAxe(t, ctx, "ru compare, only differences")
	screenshot(t, ctx, "flow-4-ru-compare-diff")

	clickAndWait(t, ctx, "[data-testid=lang-switch] a[hreflang=fa]")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("Persian page: html dir = %q, want rtl", dir)
	}
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "fa" {
		t.Errorf("Persian page: html lang = %q, want fa", lang)
	}
	fa := mustParse(t, location(t, ctx))
	if fa.Path != "/fa/compare" || fa.RawQuery != diffURL.RawQuery {
		t.Errorf("language switch led to %s, want /fa/compare?%s", fa, diffURL.RawQuery)
	}
	runAxe(t, ctx, "fa compare")
	screenshot(t, ctx, "flow-5-fa-compare-diff")
}

// TestBrowserPagesAccessible runs axe on the public pages in each language
// and on the not-found page, and checks two pages on a 360px-wide phone.
func TestBrowserPagesAccessible(t *testing.T) {
	ctx, base := newBrowser(t)

	pages := []struct {
		path   string
		status int64
	}{
		{"/en/", 200},
		{"/en/catalogue", 200},
		{"/en/models/rira", 200},
		{"/en/compare", 200},
		{"/fa/", 200},
		{"/fa/catalogue", 200},
		{"/fa/models/tara", 200},
		{"/ru/models/samand", 200},
		{"/en/models/nope", 404},
	}
	for _, p := range pages {
		if p.status != 200 {
			allowHTTPError(t, ctx, base+p.path)
		}
		visit(t, ctx, base+p.path, p.status)
		runAxe(t, ctx, p.path)
		screenshot(t, ctx, "page"+shotName(p.path))
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/ru/catalogue", "/fa/models/rira"} {
		visit(t, ctx, base+path, 200)
		if w := eval[int](t, ctx, `window.innerWidth`); w != 360 {
			t.Fatalf("%s: viewport %dpx wide, want 360", path, w)
		}
		if sw := eval[int](t, ctx, `document.documentElement.scrollWidth`); sw > 360 {
			t.Errorf("%s at 360px: page is %dpx wide, scrolls sideways", path, sw)
		}
		screenshot(t, ctx, "narrow"+shotName(path))
	}
}

// TestBrowserKeyboard: the first Tab reaches the skip link, which shows
// itself, and Enter on it moves focus to the main content.
func TestBrowserKeyboard(t *testing.T) {
	ctx, base := newBrowser(t)
	visit(t, ctx, base+"/en/catalogue", 200)

	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	focused := eval[string](t, ctx, `(e => e.tagName + ' ' + (e.getAttribute('href') || '') + ' ' + e.className)(document.activeElement)`)
	if focused != "A #main skip" {
		t.Fatalf("after Tab the focus is on %q, want the skip link (A #main skip)", focused)
	}
	if top := eval[float64](t, ctx, `document.activeElement.getBoundingClientRect().top`); top < 0 {
		t.Errorf("focused skip link is off screen (top %.0fpx)", top)
	}

	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'main'`)); err != nil {
		got := eval[string](t, ctx, `document.activeElement.tagName + '#' + document.activeElement.id`)
		t.Fatalf("after Enter on the skip link the focus is on %s, want main#main", got)
	}
	checkConsole(t, ctx)
}

// TestBrowserDarkMode checks a model page with prefers-color-scheme: dark,
// where the colours, and so their contrast, are different.
func TestBrowserDarkMode(t *testing.T) {
	ctx, base := newBrowser(t)
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, base+"/en/models/rira", 200)
	if !eval[bool](t, ctx, `matchMedia('(prefers-color-scheme: dark)').matches`) {
		t.Fatal("dark colour scheme is not in effect")
	}
	runAxe(t, ctx, "/en/models/rira (dark)")
	screenshot(t, ctx, "dark-en-models-rira")
}

// TestBrowserWatchCatchesProblems proves the console watch of newBrowser
// sees what it is there to catch: a CSP violation, a failed request and an
// uncaught exception.
func TestBrowserWatchCatchesProblems(t *testing.T) {
	ctx, base := newBrowser(t)
	visit(t, ctx, base+"/en/", 200)
	eval[chromedp.Void](t, ctx, `(() => {
		const s = document.createElement('script');
		s.textContent = 'document.title = "inline ran"';
		document.body.append(s);
		const img = document.createElement('img');
		img.src = '/static/img/missing.svg';
		img.alt = '';
		document.body.append(img);
		setTimeout(() => { throw new Error('planted'); }, 0);
	})()`)

	want := map[string]string{
		"CSP violation":      "Content Security Policy",
		"failed request":     "HTTP 404 for " + base + "/static/img/missing.svg",
		"uncaught exception": "Error: planted",
	}
	w := watchOf(t, ctx)
	var seen []string
	for range 50 {
		seen = append(seen, w.take()...)
		if countFound(seen, want) == len(want) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for what, text := range want {
		if countFound(seen, map[string]string{what: text}) == 0 {
			t.Errorf("the watch missed the %s (%q); it saw %q", what, text, seen)
		}
	}
	if title := eval[string](t, ctx, `document.title`); title == "inline ran" {
		t.Error("an inline script ran despite the CSP")
	}
}

// countFound counts the wanted texts that occur in some problem seen.
func countFound(seen []string, want map[string]string) int {
	n := 0
	for _, text := range want {
		for _, p := range seen {
			if strings.Contains(p, text) {
				n++
				break
			}
		}
	}
	return n
}

// shotName turns a path into a screenshot name part: /en/models/rira →
// -en-models-rira.
func shotName(path string) string {
	s := strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
	return "-" + s
}

func mustParse(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
