package web

import (
	"bytes"
	"fmt"
	"io"
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
	ctx := c.Request().Context()
	role := "visitor"
	if v := viewerOf(c); v.loggedIn() {
		role = v.user.Role
	}
	html, err := memoized(s.memo, stamp, "html "+i18n.Lang(ctx)+" "+role+" "+key, func() (string, error) {
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
	if err != nil {
		return err
	}
	if after != nil {
		return render(c, 200, views.Page(meta, templ.Join(templ.Raw(html), after)))
	}
	if u := views.CurrentUser(ctx); u != nil && viewerOf(c).session != nil {
		// A logged-in person's page is this content in a layout of their
		// own (name, role, unread count, the form token of their session):
		// kept, compressed, for their session until a publish retires the
		// content or any of those changes.
		ses := viewerOf(c).session
		pkey := fmt.Sprintf("page %s %s|%s|%d|%s|%s", i18n.Lang(ctx), key, hashSessionID(ses.ID), u.Unread, u.Role, u.Name)
		p, err := memoized(s.pages, stamp, pkey, func() (*cachedPage, error) {
			var b bytes.Buffer
			if err := views.Page(meta, templ.Raw(html)).Render(ctx, &b); err != nil {
				return nil, err
			}
			return makeCached(b.Bytes(), echo.MIMETextHTMLCharsetUTF8, i18n.Lang(ctx)), nil
		})
		if err != nil {
			return err
		}
		return writePage(c, p, privateNoCacheValue)
	}
	return render(c, 200, views.Page(meta, templ.Raw(html)))
}
