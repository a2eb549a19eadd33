package web

import (
	"bytes"
	"compress/gzip"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
)

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
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed)
		_, _ = zw.Write(body)
		_ = zw.Close()
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		body = zb.Bytes()
	}
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, body)
}
