package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// gzipWriters are reused: a new flate writer allocates about a megabyte.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// gzipBytes compresses b.
func gzipBytes(b []byte) []byte {
	zw := gzipWriters.Get().(*gzip.Writer)
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	zw.Reset(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}

// render writes a templ component as the response with the given status.
// It renders into a buffer first so a failing component becomes a clean
// error page instead of half a page, and compresses pages that are not
// headed for the page cache (which compresses its own copy once).
func render(c echo.Context, status int, component templ.Component) error {
	var buf bytes.Buffer
	if err := component.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	body := buf.Bytes()
	if c.Get("cachebuf") == nil && buf.Len() > 1024 && static.AcceptsGzip(c.Request()) {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		body = gzipBytes(body)
	}
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, body)
}

// renderSharedAt renders a page whose main content is the same for
// everyone of the viewer's role: the content is kept rendered, by language,
// role and key, under stamp (the content version, or a model's stamp for a
// page showing that model alone), which the handler read before it read
// what content shows; it retires when that stamp moves on. Only the layout
// around it (who is logged in, the form tokens) is made for each request,
// with after (when not nil), a part made for each request or kept by its
// own key: the offers block of a model page depends on the viewer's
// currency as well as their role. key must name everything else the
// content depends on; content must not show anything personal.
func (s *Server) renderSharedAt(c echo.Context, meta views.PageMeta, stamp int64, key string, content func() (templ.Component, error), after templ.Component) error {
	html, err := s.sharedHTML(c, stamp, key, content)
	if err != nil {
		return err
	}
	if after != nil {
		return render(c, 200, views.Page(meta, templ.Join(templ.Raw(html), after)))
	}
	return s.renderSessionPage(c, stamp, key, func() (templ.Component, error) {
		return views.Page(meta, templ.Raw(html)), nil
	})
}

// renderSharedAround renders a page of shared content, kept as
// renderSharedAt keeps it, between parts of the viewer's own (the offers
// list's currency switch before it, the offers they follow after it),
// and keeps the whole page for the viewer's session as renderSharedAt does.
// personalKey must name everything the parts depend on besides the
// language, the viewer's session, role, name and unread count, and the
// content version; parts makes them when the page is not kept. version
// is the content version read before anything the page shows was read,
// so that nothing older than it is kept under it.
func (s *Server) renderSharedAround(c echo.Context, version int64, meta views.PageMeta, key string, content func() (templ.Component, error),
	personalKey string, parts func() (before, after templ.Component, err error)) error {
	html, err := s.sharedHTML(c, version, key, content)
	if err != nil {
		return err
	}
	return s.renderSessionPage(c, version, key+"|"+personalKey, func() (templ.Component, error) {
		before, after, err := parts()
		if err != nil {
			return nil, err
		}
		return views.Page(meta, templ.Join(before, templ.Raw(html), after)), nil
	})
}

// sharedHTML is the shared content of a page, rendered once per language,
// role and key under a stamp (see renderSharedAt).
func (s *Server) sharedHTML(c echo.Context, version int64, key string, content func() (templ.Component, error)) (string, error) {
	ctx := c.Request().Context()
	role := "visitor"
	if v := viewerOf(c); v.loggedIn() {
		role = v.user.Role
	}
	return memoized(s.memo, version, "html "+i18n.Lang(ctx)+" "+role+" "+key, func() (string, error) {
		comp, err := content()
		if err != nil {
			return "", err
		}
		var b strings.Builder
		if err := comp.Render(ctx, &b); err != nil {
			return "", err
		}
		return b.String(), nil
	})
}

// renderSessionPage answers with the page page makes. A logged-in
// person's page is kept, compressed, for their session under key until
// what retires version (a publish) or a change of anything personal in its layout (name,
// role, unread count; the form token is their session's); key must name
// everything else the page depends on. Anyone else's is made each time.
func (s *Server) renderSessionPage(c echo.Context, version int64, key string, page func() (templ.Component, error)) error {
	ctx := c.Request().Context()
	u := views.CurrentUser(ctx)
	ses := viewerOf(c).session
	if u == nil || ses == nil {
		comp, err := page()
		if err != nil {
			return err
		}
		return render(c, 200, comp)
	}
	pkey := fmt.Sprintf("page %s %s|%s|%d|%s|%s", i18n.Lang(ctx), key, hashSessionID(ses.ID), u.Unread, u.Role, u.Name)
	p, err := keptPage(ctx, s.pages, version, pkey, page)
	if err != nil {
		return err
	}
	return writePage(c, p, privateNoCacheValue)
}

// privateNoStoreValue is the Cache-Control of pages no cache may keep.
var privateNoStoreValue = []string{"private, no-store"}

// renderPersonal answers with a page of the viewer's own, kept rendered
// and compressed in m for their session under version (a stamp, as
// memoized), so that asking again costs a lookup until it moves on.
// Access must have been decided for this request before (the page is only
// ever served to the session that it was made for, and only after that
// check); key names
// everything the page depends on besides the version, the language, the
// path and query, and the session and what the layout shows of the
// person (name, role, unread count, the form token). Read version before
// reading what the page shows, so a change committed meanwhile is never
// filed under the newer version. Without a session the page is made for
// the request alone.
func (s *Server) renderPersonal(c echo.Context, m *memo, version int64, key string, cacheControl []string, page func() (templ.Component, error)) error {
	ctx := c.Request().Context()
	u, ses := views.CurrentUser(ctx), viewerOf(c).session
	if u == nil || ses == nil {
		comp, err := page()
		if err != nil {
			return err
		}
		c.Response().Header()["Cache-Control"] = cacheControl
		return render(c, http.StatusOK, comp)
	}
	var kb strings.Builder
	kb.Grow(len(key) + 160)
	kb.WriteString(key)
	kb.WriteByte('|')
	kb.WriteString(cacheKey(c.Request()))
	kb.WriteByte('|')
	kb.WriteString(strconv.Itoa(u.Unread))
	kb.WriteByte('|')
	kb.WriteString(u.Role)
	kb.WriteByte('|')
	kb.WriteString(u.Name)
	kb.WriteByte('|')
	kb.WriteString(hashSessionID(ses.ID))
	key = kb.String()
	// Requests of one session that miss together (after a change, or from
	// several tabs) make the page once: memoized sees to that.
	p, err := keptPage(ctx, m, version, key, page)
	if err != nil {
		return err
	}
	return writePage(c, p, cacheControl)
}

// keptPage is the page page makes, rendered and compressed, kept in m
// under key and version (see memoized).
func keptPage(ctx context.Context, m *memo, version int64, key string, page func() (templ.Component, error)) (*cachedPage, error) {
	return memoized(m, version, key, func() (*cachedPage, error) {
		comp, err := page()
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := comp.Render(ctx, &b); err != nil {
			return nil, err
		}
		return makeCached(b.Bytes(), echo.MIMETextHTMLCharsetUTF8, i18n.Lang(ctx)), nil
	})
}
