package web

import (
	"bytes"
	"compress/gzip"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
)

// gzipWriters keeps compressors between responses: a new one allocates
// its whole state (about a megabyte) each time.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

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
		var zb bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&zb)
		_, _ = zw.Write(body)
		_ = zw.Close()
		gzipWriters.Put(zw)
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		body = zb.Bytes()
	}
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, body)
}
