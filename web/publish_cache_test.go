package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// modelID reads a model's id by its slug.
func modelID(t testing.TB, ts *testServer, slug string) int64 {
	t.Helper()
	var id int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatalf("model %q: %v", slug, err)
	}
	return id
}

// trimID reads a trim's id by its model's and its own slug.
func trimID(t testing.TB, ts *testServer, model, trim string) int64 {
	t.Helper()
	var id int64
	if err := ts.store.DB().Read.QueryRow(`SELECT t.id FROM trims t JOIN models m ON m.id = t.model_id WHERE m.slug = ? AND t.slug = ?`, model, trim).Scan(&id); err != nil {
		t.Fatalf("trim %s/%s: %v", model, trim, err)
	}
	return id
}

// cachedNow reports whether the page cache would answer path now: a page
// kept under the current stamp of its scope.
func cachedNow(ts *testServer, path string) bool {
	scope := ""
	if slug, ok := strings.CutPrefix(path[3:], "/models/"); ok {
		scope = slug
	}
	return ts.cache.get(path, ts.stamp(scope)) != nil
}

// shadowRename renames a model in the database behind the store's back,
// without a publish: a page made again shows the new name, a kept page
// still the old one. It tells which pages a publish retired.
func shadowRename(t testing.TB, ts *testServer, slug, name string) {
	t.Helper()
	if _, err := ts.store.DB().Write.Exec(`UPDATE model_texts SET name = ? WHERE lang = 'en' AND model_id = (SELECT id FROM models WHERE slug = ?)`, name, slug); err != nil {
		t.Fatal(err)
	}
}

// TestPublishRetiresOnlyWhatShowsTheModel: publishing model A retires A's
// page and every page that lists or compares models (catalogue, home,
// comparisons), for visitors and logged-in people alike, and no page
// showing A is served stale; model B's kept page stays kept. A change of
// shared content retires B's page too.
func TestPublishRetiresOnlyWhatShowsTheModel(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	member, _ := loginAs(t, ts, "investor")
	tara := modelID(t, ts, "tara")

	// A first publish of tara makes a "what's new" entry naming it, so the
	// feed shows tara's name.
	page := fmt.Sprintf("/en/staff/catalogue/%d", tara)
	form := formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	n := form.Get("trims")
	for k, v := range map[string]string{
		"t" + n + "-slug": "v5", "t" + n + "-name-ru": "V5", "t" + n + "-name-en": "V5 Sport", "t" + n + "-name-fa": "وی۵",
		"t" + n + "-fuel": "petrol", "t" + n + "-transmission": "automatic", "t" + n + "-drive": "fwd",
		"t" + n + "-engine_cc": "1645", "t" + n + "-power_hp": "150", "t" + n + "-price": "2 390 000",
	} {
		form.Set(k, v)
	}
	if res := staff.post(t, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	if res := act(t, staff, tara, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", res.StatusCode, errorsOf(t, res))
	}

	compareAB := fmt.Sprintf("/en/compare?trims=%d%%2C%d", trimID(t, ts, "tara", "v1"), trimID(t, ts, "rira", "comfort"))
	compareB := fmt.Sprintf("/en/compare?trims=%d%%2C%d", trimID(t, ts, "rira", "comfort"), trimID(t, ts, "rira", "elite"))
	// Pages that show tara, and rira's page, which does not.
	showsTara := []string{"/en/models/tara", "/en/catalogue", "/en/", compareAB, "/en/news", "/en/news.atom"}
	cachedPages := []string{"/en/models/tara", "/en/catalogue", "/en/", compareAB, compareB, "/en/models/rira"}
	for _, p := range append(showsTara, compareB, "/en/models/rira") {
		res := ts.get(t, p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		if p != compareB && p != "/en/models/rira" && !strings.Contains(res.Body, "Tara") {
			t.Fatalf("%s does not show tara before the publish", p)
		}
		if m := member.get(t, p); m.StatusCode != http.StatusOK {
			t.Fatalf("GET %s as a member: %d", p, m.StatusCode)
		}
	}
	for _, p := range cachedPages {
		if !cachedNow(ts, p) {
			t.Fatalf("%s not cached before the publish", p)
		}
	}

	// rira is renamed behind the store's back: a page of rira made again
	// would show "Rira Shadow", a kept one shows "Rira".
	shadowRename(t, ts, "rira", "Rira Shadow")
	// Staff rename tara and one of its trims, and publish.
	form = formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	form.Set("name-en", "Tara Nova")
	form.Set("t0-name-en", "Nova Base")
	if res := staff.post(t, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	if res := act(t, staff, tara, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", res.StatusCode, errorsOf(t, res))
	}

	for _, c := range []struct {
		path   string
		cached bool
	}{
		{"/en/models/tara", false},
		{"/en/catalogue", false},
		{"/en/", false},
		{compareAB, false},
		// A comparison of other models' trims still offers tara's trims
		// to choose from: it retires too.
		{compareB, false},
		{"/en/models/rira", true},
	} {
		if got := cachedNow(ts, c.path); got != c.cached {
			t.Errorf("after publishing tara, %s kept: %v, want %v", c.path, got, c.cached)
		}
	}
	for _, who := range []struct {
		name string
		get  func(string) response
	}{
		{"visitor", func(p string) response { return ts.get(t, p) }},
		{"member", func(p string) response { return member.get(t, p) }},
	} {
		for _, p := range showsTara {
			body := who.get(p).Body
			if !strings.Contains(body, "Tara Nova") {
				t.Errorf("%s: %s is stale after the publish: no \"Tara Nova\"", who.name, p)
			}
		}
		for _, p := range []string{"/en/models/tara", compareAB} {
			if body := who.get(p).Body; !strings.Contains(body, "Nova Base") {
				t.Errorf("%s: %s shows the trim's old name after the publish", who.name, p)
			}
		}
		rira := who.get("/en/models/rira").Body
		if strings.Contains(rira, "Rira Shadow") || !strings.Contains(rira, "Rira") {
			t.Errorf("%s: rira's page was made again by tara's publish", who.name)
		}
	}

	// Unpublishing tara takes its page and its place in the lists away at
	// once; rira's page is still kept.
	if res := act(t, staff, tara, "unpublish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unpublish: %d", res.StatusCode)
	}
	if res := ts.get(t, "/en/models/tara"); res.StatusCode != http.StatusNotFound {
		t.Errorf("tara's page after unpublishing: %d", res.StatusCode)
	}
	if strings.Contains(ts.get(t, "/en/catalogue").Body, "Tara Nova") {
		t.Error("the catalogue still lists tara after unpublishing")
	}
	if strings.Contains(ts.get(t, "/en/models/rira").Body, "Rira Shadow") {
		t.Error("rira's page was made again by tara's unpublish")
	}

	// A change of shared content (here on its own, as a specification's
	// rename would make it) retires every model's page.
	if err := ts.store.BumpContentVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cachedNow(ts, "/en/models/rira") {
		t.Error("rira's page kept after a change of shared content")
	}
	for _, body := range []string{ts.get(t, "/en/models/rira").Body, member.get(t, "/en/models/rira").Body} {
		if !strings.Contains(body, "Rira Shadow") {
			t.Error("rira's page is stale after a change of shared content")
		}
	}
}

// TestPublishUnderANewSlugRetiresTheOldPage: a model published under a
// new slug is no longer served under its old one, even where that page
// was kept: the old address redirects.
func TestPublishUnderANewSlugRetiresTheOldPage(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	tara := modelID(t, ts, "tara")
	if res := ts.get(t, "/en/models/tara"); res.StatusCode != http.StatusOK || !cachedNow(ts, "/en/models/tara") {
		t.Fatalf("tara's page: %d, kept %v", res.StatusCode, cachedNow(ts, "/en/models/tara"))
	}
	page := fmt.Sprintf("/en/staff/catalogue/%d", tara)
	form := formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	form.Set("slug", "tara-nova")
	if res := staff.post(t, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	if res := act(t, staff, tara, "publish", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	res := ts.get(t, "/en/models/tara")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/en/models/tara-nova" {
		t.Errorf("old slug after the publish: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := ts.get(t, "/en/models/tara-nova"); res.StatusCode != http.StatusOK {
		t.Errorf("new slug: %d", res.StatusCode)
	}
}
