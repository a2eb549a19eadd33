package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
)

// pageCache keeps whole responses of anonymous GETs of public pages, keyed
// by path and normalized query (the path carries the language). Each page
// is stamped with what it depends on: a model's page with that model's
// stamp (db.Store.ModelStamp), any other page with the content version.
// A page whose stamp has moved on since it was made is never served again:
// publishing a model retires its page and the pages that list models, and
// leaves other models' pages kept.
type pageCache struct {
	max   int
	stamp func(scope string) int64

	mu      sync.RWMutex
	entries map[string]cacheEntry
}

// cacheEntry is a kept page with its scope ("" or a model's slug) and the
// stamp of that scope it was made under.
type cacheEntry struct {
	page  *cachedPage
	scope string
	stamp int64
}

type cachedPage struct {
	body  []byte
	gzip  []byte
	etag  string
	ctype string
	lang  string
	// Header values, made once so serving a page allocates none.
	ctypeV, langV, etagV []string
	bodyLen, gzipLen     []string
}

func newPageCache(max int, stamp func(scope string) int64) *pageCache {
	return &pageCache{max: max, stamp: stamp, entries: map[string]cacheEntry{}}
}

// cacheKey is the path and the query with its parameters sorted, so the
// same page asked with its parameters in another order is one entry.
func cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(r.URL.Path)
	b.WriteByte('?')
	for i, k := range keys {
		vs := q[k]
		for j, v := range vs {
			if i > 0 || j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// get returns the page kept under key if it was made under stamp.
func (pc *pageCache) get(key string, stamp int64) *cachedPage {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	if e, ok := pc.entries[key]; ok && e.stamp == stamp {
		return e.page
	}
	return nil
}

// put keeps a page made under stamp of scope, unless a page made under a
// later stamp is kept already.
func (pc *pageCache) put(key, scope string, stamp int64, p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	old, ok := pc.entries[key]
	if ok && old.stamp > stamp {
		return // made under an older stamp than the kept page
	}
	if !ok && len(pc.entries) >= pc.max {
		// Full: drop the pages that can no longer be served; if that frees
		// too little, start afresh. Public pages are few and cheap to
		// make again; an LRU would buy little here.
		for k, e := range pc.entries {
			if e.stamp != pc.stamp(e.scope) {
				delete(pc.entries, k)
			}
		}
		if len(pc.entries) >= pc.max*3/4 {
			pc.entries = make(map[string]cacheEntry, len(pc.entries))
		}
	}
	pc.entries[key] = cacheEntry{page: p, scope: scope, stamp: stamp}
}

// isPersonal reports whether a request may get a personal answer: any
// cookie (the session's or any other of ours) or credentials make it so,
// and a personal page never enters the cache.
func isPersonal(r *http.Request) bool {
	return len(r.Cookies()) > 0 || r.Header.Get("Authorization") != ""
}

// bufferWriter collects a response so it can be cached.
type bufferWriter struct {
	http.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *bufferWriter) WriteHeader(code int) { w.status = code }
func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.buf.Write(b)
}

// stamp is what a page or result of scope is made under: a model's stamp
// for the scope of a model's slug, the content version for "" (anything
// that shows more than one model).
func (s *Server) stamp(scope string) int64 {
	if scope == "" {
		return s.store.ContentVersion()
	}
	return s.store.ModelStamp(scope)
}

// cachePublic serves anonymous GET and HEAD requests of public pages from
// the cache, answers If-None-Match with 304, and fills the cache from
// 200 responses that set no cookie and were not marked personal.
func (s *Server) cachePublic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if s.cache.max <= 0 || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !s.cacheable[c.Path()] || isPersonal(r) {
			return next(c)
		}
		key := cacheKey(r)
		scope := ""
		if p := s.modelScoped[c.Path()]; p != "" {
			scope = c.Param(p)
		}
		// The stamp is read before the page is made: a publish during the
		// making leaves the page stamped older, so it is not served again.
		v := s.stamp(scope)
		if p := s.cache.get(key, v); p != nil {
			return writeCached(c, p)
		}
		// After a publish the pages it retired are missing at once: of the
		// requests for one page, one makes it and the others wait for it,
		// instead of all making it at the same time.
		leader := false
		shared, _, _ := s.flight.Do(strconv.FormatInt(v, 10)+" "+key, func() (any, error) {
			leader = true
			return s.fillCache(c, next, key, scope, v)
		})
		if leader {
			return shared.(fillResult).err
		}
		if p := shared.(fillResult).page; p != nil {
			return writeCached(c, p)
		}
		return next(c)
	}
}

// fillResult is what making a cacheable page gave: the page, when it may
// be cached, and the handler's error for the request that made it.
type fillResult struct {
	page *cachedPage
	err  error
}

// fillCache runs the handler into a buffer, keeps the page when it may be
// cached, and answers the request with it.
func (s *Server) fillCache(c echo.Context, next echo.HandlerFunc, key, scope string, v int64) (fillResult, error) {
	{
		res := c.Response()
		orig := res.Writer
		bw := &bufferWriter{ResponseWriter: orig}
		res.Writer = bw
		c.Set("cachebuf", true)
		err := next(c)
		c.Set("cachebuf", nil)
		res.Writer = orig
		if err != nil {
			// Headers set for the failed page stay; the error handler
			// writes the real response.
			res.Committed = false
			res.Status = 0
			res.Size = 0
			return fillResult{err: err}, nil
		}
		h := res.Header()
		cacheable := bw.status == http.StatusOK && h.Get("Set-Cookie") == "" && c.Get("nocache") == nil
		if !cacheable {
			if bw.status != 0 {
				orig.WriteHeader(bw.status)
			}
			_, werr := orig.Write(bw.buf.Bytes())
			return fillResult{err: werr}, nil
		}
		p := makeCached(bw.buf.Bytes(), h.Get(echo.HeaderContentType), h.Get("Content-Language"))
		s.cache.put(key, scope, v, p)
		res.Committed = false
		res.Status = 0
		res.Size = 0
		return fillResult{page: p, err: writeCached(c, p)}, nil
	}
}

func makeCached(body []byte, ctype, lang string) *cachedPage {
	sum := sha256.Sum256(body)
	p := &cachedPage{
		body:  append([]byte(nil), body...),
		etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
		ctype: ctype,
		lang:  lang,
	}
	p.gzip = gzipBytes(body)
	p.ctypeV, p.langV, p.etagV = []string{ctype}, []string{lang}, []string{p.etag}
	p.bodyLen, p.gzipLen = []string{strconv.Itoa(len(p.body))}, []string{strconv.Itoa(len(p.gzip))}
	return p
}

// Header values of cached pages, shared and never modified.
var (
	noCacheValue = []string{"no-cache"}
	varyValue    = []string{"Accept-Encoding, Cookie"}
	gzipValue    = []string{"gzip"}
)

// privateNoCacheValue is the Cache-Control of a person's own page.
var privateNoCacheValue = []string{"private, no-cache"}

func writeCached(c echo.Context, p *cachedPage) error { return writePage(c, p, noCacheValue) }

// writePage answers with a kept page, compressed when the client accepts
// it, with the given Cache-Control.
func writePage(c echo.Context, p *cachedPage, cacheControl []string) error {
	r := c.Request()
	res := c.Response()
	h := res.Header()
	h["Content-Type"] = p.ctypeV
	if p.lang != "" {
		h["Content-Language"] = p.langV
	}
	h["Cache-Control"] = cacheControl
	h["Etag"] = p.etagV
	h["Vary"] = varyValue
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, p.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	body, n := p.body, p.bodyLen
	if static.AcceptsGzip(r) {
		h["Content-Encoding"] = gzipValue
		body, n = p.gzip, p.gzipLen
	}
	h["Content-Length"] = n
	res.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := res.Write(body)
	return err
}
