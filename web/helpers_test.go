package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// testServer is the full router over a fresh, migrated database with the
// demo catalogue, and the log it writes.
type testServer struct {
	*Server
	store *db.Store
	log   *bytes.Buffer
}

// newTestStore opens a migrated database file of the test's own.
func newTestStore(t testing.TB) *db.Store {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := db.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	s, err := db.NewStore(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestServer builds the server over a store with the demo data.
func newTestServer(t testing.TB, mods ...func(*Config)) *testServer {
	t.Helper()
	store := newTestStore(t)
	if _, err := store.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return newTestServerWith(t, store, mods...)
}

func newTestServerWith(t testing.TB, store *db.Store, mods ...func(*Config)) *testServer {
	t.Helper()
	var buf bytes.Buffer
	cfg := Config{BaseURL: "http://portal.test", DemoMode: true, PageCacheEntries: 1000, MediaDir: t.TempDir(), DocumentsDir: t.TempDir()}
	for _, m := range mods {
		m(&cfg)
	}
	s := NewServer(Deps{
		Logger:  slog.New(slog.NewTextHandler(&syncWriter{w: &buf}, nil)),
		Store:   store,
		Catalog: i18n.MustLoad(),
		Config:  cfg,
	})
	return &testServer{Server: s, store: store, log: &buf}
}

// syncWriter lets concurrent requests share the log buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// response is a finished request with its decoded body.
type response struct {
	*http.Response
	Body string
}

// doc parses the body as HTML.
func (r response) doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// get sends a GET through the whole router.
func (ts *testServer) get(t testing.TB, target string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.do(t, req)
}

func (ts *testServer) do(t testing.TB, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	ts.ServeHTTP(rec, req)
	res := rec.Result()
	var body []byte
	var err error
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, zerr := gzip.NewReader(res.Body)
		if zerr != nil {
			t.Fatalf("%s: bad gzip: %v", req.URL, zerr)
		}
		body, err = io.ReadAll(zr)
	} else {
		body, err = io.ReadAll(res.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: res, Body: string(body)}
}

func dbFilter(body string) db.ModelFilter { return db.ModelFilter{Body: body, Page: 1, PerPage: 1000} }

// follow is get that follows redirects within the portal, up to five.
func (ts *testServer) follow(t testing.TB, target string, headers ...string) response {
	t.Helper()
	for range 5 {
		res := ts.get(t, target, headers...)
		switch res.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
			target = res.Header.Get("Location")
			continue
		}
		return res
	}
	t.Fatalf("%s: too many redirects", target)
	return response{}
}

// clock is a time the test sets and moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
