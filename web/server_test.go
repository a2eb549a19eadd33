package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
)

func TestSecurityHeadersEverywhere(t *testing.T) {
	ts := newTestServer(t)
	for _, target := range []string{"/ru/", "/en/catalogue", "/fa/models/none", "/en/catalogue?page=-1", static.Path("css/site.css"), "/healthz", "/"} {
		res := ts.get(t, target)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", target, csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
			"X-Frame-Options":        "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", target, name, got, want)
			}
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request id", target)
		}
	}
	// Pages carry no inline script or style for the CSP to refuse.
	doc := ts.get(t, "/en/models/rira").doc(t)
	if n := doc.Find("script:not([src])").Length(); n != 0 {
		t.Errorf("%d inline scripts", n)
	}
	if n := doc.Find("style, [style]").Length(); n != 0 {
		t.Errorf("%d inline styles", n)
	}
}

func TestHSTSOnlyWithSecureCookies(t *testing.T) {
	plain := newTestServer(t)
	if h := plain.get(t, "/ru/").Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS without TLS settings: %q", h)
	}
	secure := newTestServer(t, func(c *Config) { c.SecureCookies = true })
	if h := secure.get(t, "/ru/").Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Errorf("no HSTS with secure cookies: %q", h)
	}
}

func TestStaticFiles(t *testing.T) {
	ts := newTestServer(t)
	css := static.Path("css/site.css")
	if !strings.HasPrefix(css, "/static/css/site.") || css == "/static/css/site.css" {
		t.Fatalf("css path %q is not content-hashed", css)
	}
	res := ts.get(t, css, "Accept-Encoding", "gzip")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("css: %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") || !strings.Contains(got, "max-age=31536000") {
		t.Errorf("css Cache-Control %q", got)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Error("css not compressed for a client that accepts gzip")
	}
	if !strings.Contains(res.Body, "--accent") {
		t.Error("css body wrong")
	}
	if ts.get(t, css).Header.Get("Content-Encoding") != "" {
		t.Error("css compressed for a client that does not accept gzip")
	}
	etag := res.Header.Get("ETag")
	if r := ts.get(t, css, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.StatusCode)
	}
	for _, bad := range []string{"/static/css/site.css", "/static/css/site.000000000000.css", "/static/../go.mod"} {
		if r := ts.get(t, bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, r.StatusCode)
		}
	}
}

func TestHealth(t *testing.T) {
	ts := newTestServer(t)
	if r := ts.get(t, "/healthz"); r.StatusCode != 200 {
		t.Errorf("healthz %d", r.StatusCode)
	}
	if r := ts.get(t, "/readyz"); r.StatusCode != 200 {
		t.Errorf("readyz %d", r.StatusCode)
	}
	ts.store.DB().Read.Close()
	if r := ts.get(t, "/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d", r.StatusCode)
	}
}

func TestPanicIsRecoveredAndLogged(t *testing.T) {
	ts := newTestServer(t)
	ts.Echo().GET("/en/boom", func(c echo.Context) error { panic("kaboom secret detail") }, ts.withLang("en"))
	res := ts.get(t, "/en/boom")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", res.StatusCode)
	}
	if strings.Contains(res.Body, "kaboom") {
		t.Error("panic text shown to the user")
	}
	if h1 := res.doc(t).Find("h1").Text(); h1 != "Internal error" {
		t.Errorf("h1 %q", h1)
	}
	if !strings.Contains(ts.log.String(), "kaboom secret detail") {
		t.Error("panic not logged")
	}
}

func TestRequestLog(t *testing.T) {
	ts := newTestServer(t)
	res := ts.get(t, "/en/catalogue")
	line := ts.log.String()
	for _, want := range []string{"method=GET", "path=/en/catalogue", "status=200", "duration=", "request_id=" + res.Header.Get("X-Request-Id")} {
		if !strings.Contains(line, want) {
			t.Errorf("log lacks %q:\n%s", want, line)
		}
	}
}

func TestClientIPIgnoresForwardedForByDefault(t *testing.T) {
	ts := newTestServer(t)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.RemoteAddr = "203.0.113.7:5555"
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	ts.do(t, req)
	if !strings.Contains(ts.log.String(), "ip=203.0.113.7") {
		t.Errorf("client IP not the peer's:\n%s", ts.log.String())
	}
}

func TestPageCache(t *testing.T) {
	ts := newTestServer(t)
	first := ts.get(t, "/en/catalogue", "Accept-Encoding", "gzip")
	etag := first.Header.Get("ETag")
	if etag == "" || first.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("public page: ETag %q, encoding %q", etag, first.Header.Get("Content-Encoding"))
	}
	if r := ts.get(t, "/en/catalogue", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.StatusCode)
	}
	if got := ts.get(t, "/en/catalogue").Body; got != first.Body {
		t.Error("cached page differs from the first")
	}
	if ts.cache.get("/en/catalogue", ts.store.ContentVersion()) == nil {
		t.Fatal("page not cached")
	}
	// A request with a cookie is personal: it is answered fresh and never
	// stored.
	withCookie := httptest.NewRequest(http.MethodGet, "/en/models/rira", nil)
	withCookie.AddCookie(&http.Cookie{Name: "s", Value: "x"})
	if r := ts.do(t, withCookie); r.StatusCode != 200 || r.Header.Get("ETag") != "" {
		t.Errorf("personal request: %d, ETag %q", r.StatusCode, r.Header.Get("ETag"))
	}
	if ts.cache.get("/en/models/rira", ts.store.ContentVersion()) != nil {
		t.Error("personal response entered the cache")
	}
	// Errors are not cached.
	ts.get(t, "/en/catalogue?page=-1")
	if ts.cache.get("/en/catalogue?page=-1", ts.store.ContentVersion()) != nil {
		t.Error("error page cached")
	}
	// A publish (a new content version) retires every cached page.
	before := ts.store.ContentVersion()
	if _, err := ts.store.DB().Write.ExecContext(context.Background(), `UPDATE model_texts SET name = 'Renamed Rira' WHERE lang = 'en' AND model_id = (SELECT id FROM models WHERE slug = 'rira')`); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.BumpContentVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ts.store.ContentVersion() <= before {
		t.Fatal("content version did not grow")
	}
	after := ts.get(t, "/en/catalogue")
	if !strings.Contains(after.Body, "Renamed Rira") {
		t.Error("stale page served after a publish")
	}
	// Logged-in pages are never cached whole, but their catalogue data is
	// kept until the next publish: a publish shows at once for them too.
	member, _ := loginAs(t, ts, "investor")
	if !strings.Contains(member.get(t, "/en/models/rira").Body, "Renamed Rira") {
		t.Fatal("member sees stale data")
	}
	if _, err := ts.store.DB().Write.ExecContext(context.Background(), `UPDATE model_texts SET name = 'Rira Again' WHERE lang = 'en' AND model_id = (SELECT id FROM models WHERE slug = 'rira')`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(member.get(t, "/en/models/rira").Body, "Renamed Rira") {
		t.Error("member data not kept between publishes")
	}
	if err := ts.store.BumpContentVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(member.get(t, "/en/models/rira").Body, "Rira Again") {
		t.Error("member sees stale data after a publish")
	}
	if after.Header.Get("ETag") == etag {
		t.Error("ETag unchanged after a publish")
	}
}

func TestHeadRequests(t *testing.T) {
	ts := newTestServer(t)
	srv := httptest.NewServer(ts)
	defer srv.Close()
	for _, p := range []string{"/en/catalogue", "/ru/models/rira", static.Path("css/site.css"), "/healthz"} {
		res, err := http.Head(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") == "" || n != 0 {
			t.Errorf("HEAD %s: %d %q, %d body bytes", p, res.StatusCode, res.Header.Get("Content-Type"), n)
		}
	}
	res, _ := http.Head(srv.URL + "/en/models/nope")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of a missing page: %d", res.StatusCode)
	}
}

// TestCacheMakesAMissingPageOnce asks for one uncached page from many
// requests at once: the handler runs once and every request gets the page.
func TestCacheMakesAMissingPageOnce(t *testing.T) {
	ts := newTestServer(t)
	var calls atomic.Int64
	release := make(chan struct{})
	ts.cacheable["/en/slow"] = true
	ts.Echo().GET("/en/slow", func(c echo.Context) error {
		calls.Add(1)
		<-release
		return c.HTML(http.StatusOK, "<p>made once</p>")
	}, ts.withLang("en"), ts.cachePublic)
	var wg sync.WaitGroup
	bodies := make([]string, 20)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = ts.get(t, "/en/slow").Body
		}()
	}
	time.Sleep(100 * time.Millisecond) // let them all arrive
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("handler ran %d times for 20 concurrent requests", n)
	}
	for i, b := range bodies {
		if b != "<p>made once</p>" {
			t.Errorf("request %d got %q", i, b)
		}
	}
}

// TestPersonalPagesKeptPerSession: a logged-in person's page of shared
// content is kept for their session, and follows what makes it theirs:
// another person never gets it, and a new notification or a publish
// shows at once.
func TestPersonalPagesKeptPerSession(t *testing.T) {
	ts := newTestServer(t)
	a, ua := loginAs(t, ts, "investor")
	b, _ := loginAs(t, ts, "partner")
	pa := a.get(t, "/en/catalogue")
	pb := b.get(t, "/en/catalogue")
	if !strings.Contains(pa.Body, ua.FullName) || strings.Contains(pb.Body, ua.FullName) {
		t.Fatal("pages not personal")
	}
	tokA := pa.doc(t).Find("input[name=csrf]").AttrOr("value", "")
	tokB := pb.doc(t).Find("input[name=csrf]").AttrOr("value", "")
	if tokA == "" || tokA == tokB {
		t.Fatalf("form tokens %q and %q", tokA, tokB)
	}
	if again := a.get(t, "/en/catalogue"); again.Body != pa.Body {
		t.Error("the same person's page changed without cause")
	}
	fx := newProposalFixture(t, ts, ua)
	if _, err := ts.store.DB().Write.Exec(`DELETE FROM notifications WHERE user_id = ?`, ua.ID); err != nil {
		t.Fatal(err)
	}
	before := a.get(t, "/en/catalogue").doc(t).Find("[data-testid=unread-count]").Length()
	if _, err := ts.store.DB().Write.Exec(`INSERT INTO notifications (user_id, kind, proposal_id, created_at) VALUES (?, 'stage', ?, ?)`,
		ua.ID, fx.id, "2026-11-27T10:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Fatalf("unread badge before any notification: %d", before)
	}
	if n := a.get(t, "/en/catalogue").doc(t).Find("[data-testid=unread-count]").Length(); n != 1 {
		t.Error("a new notification does not show on a kept page")
	}
	if _, err := ts.store.DB().Write.Exec(`UPDATE model_texts SET name = 'Rira Renamed' WHERE lang = 'en' AND model_id = (SELECT id FROM models WHERE slug = 'rira')`); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.BumpContentVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.get(t, "/en/catalogue").Body, "Rira Renamed") {
		t.Error("a kept personal page outlived a publish")
	}
}
