package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/views/i18n"
)

type requestIDKey struct{}

// RequestID returns the request id that middleware put in ctx.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDs are a random per-process prefix and a counter: unique
// within a log, cheap to make.
var (
	requestIDPrefix = func() string {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}()
	requestIDSeq atomic.Uint64
)

func newRequestID() string {
	return requestIDPrefix + "-" + strconv.FormatUint(requestIDSeq.Add(1), 36)
}

// withRequestID gives each request an id, in its context and in the
// X-Request-ID response header, so a log line and a report can be matched.
func withRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := newRequestID()
		c.Response().Header()[echo.HeaderXRequestID] = []string{id}
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		return next(c)
	}
}

// recoverPanics turns a panic in a handler into a logged 500 page.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", RequestID(c.Request().Context()),
					"method", c.Request().Method, "path", c.Request().URL.Path,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

// logRequests writes one log line per request when it has been answered.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the status
			// logged is the one sent.
			c.Error(err)
		}
		r := c.Request()
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", RequestID(r.Context())),
			slog.String("ip", c.RealIP()),
		)
		return nil
	}
}

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaderValues are the headers every response carries, in
// canonical form, built once: middleware copies the (never modified)
// slices into each response.
var securityHeaderValues = map[string][]string{
	"Content-Security-Policy":      {contentSecurityPolicy},
	"X-Content-Type-Options":       {"nosniff"},
	"X-Frame-Options":              {"DENY"},
	"Referrer-Policy":              {"strict-origin-when-cross-origin"},
	"Permissions-Policy":           {"camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
	"Cross-Origin-Opener-Policy":   {"same-origin"},
	"Cross-Origin-Resource-Policy": {"same-origin"},
}

var hstsValue = []string{"max-age=63072000; includeSubDomains"}

// securityHeaders sets the headers every response carries, error pages
// and static files included.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range securityHeaderValues {
			h[k] = v
		}
		if s.cfg.SecureCookies {
			h["Strict-Transport-Security"] = hstsValue
		}
		return next(c)
	}
}

// maxQueryBytes bounds the raw query string; longer ones are refused.
const maxQueryBytes = 4096

// documentUploadPath matches the routes that take a document upload, whose
// body limit is the document limit instead of MaxBodyBytes: staff's
// proposal documents and partners' inquiry attachments.
var documentUploadPath = regexp.MustCompile(`^/(ru|en|fa)/(staff/proposals/[0-9]+/documents|inquiries/[0-9]+/attachments)$`)

// uploadOverhead is room for the multipart framing and the other fields of
// an upload form.
const uploadOverhead = 64 << 10

// checkInput refuses malformed requests before routing: query strings that
// are too long, do not parse or are not UTF-8, paths that are not UTF-8,
// and bodies over the size limit.
func (s *Server) checkInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if len(r.URL.RawQuery) > maxQueryBytes && !(isSearchPath(r.URL.Path) && len(r.URL.RawQuery) <= maxSearchQueryBytes) {
			return echo.NewHTTPError(http.StatusBadRequest, "query too long")
		}
		if !utf8.ValidString(r.URL.Path) {
			return echo.NewHTTPError(http.StatusBadRequest, "path is not UTF-8")
		}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, "malformed query")
			}
			for k, vs := range q {
				if !utf8.ValidString(k) {
					return echo.NewHTTPError(http.StatusBadRequest, "query is not UTF-8")
				}
				for _, v := range vs {
					if !utf8.ValidString(v) {
						return echo.NewHTTPError(http.StatusBadRequest, "query is not UTF-8")
					}
				}
			}
		}
		if isUploadPath(r.Method, r.URL.Path) {
			// Photo and brochure uploads have their own, larger limit.
			if err := readUploadBody(c); err != nil {
				return err
			}
			return next(c)
		}
		limit := s.cfg.MaxBodyBytes
		if r.Method == http.MethodPost && documentUploadPath.MatchString(r.URL.Path) {
			// Document uploads carry their own, larger limit; the handler
			// checks the file's size itself.
			limit = s.cfg.MaxDocumentBytes + uploadOverhead
		}
		if r.ContentLength > limit {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		}
		return next(c)
	}
}

// headAsGet routes HEAD like GET: echo routes by the request's method
// before any handler sees it, so the method is changed in place, and the
// body the GET handler writes is dropped.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodHead {
			r.Method = http.MethodGet
			res := c.Response()
			res.Writer = headWriter{res.Writer}
		}
		return next(c)
	}
}

// headWriter sends headers and drops the body, for HEAD requests.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(b []byte) (int, error) { return len(b), nil }

// withLang puts the language of the /{lang}/ prefix, with its translator
// and formatters, into the request's context.
func (s *Server) withLang(lang string) echo.MiddlewareFunc {
	loc := s.catalog.Locale(lang)
	prefix := "/" + lang
	langHeader := []string{lang}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			rest := strings.TrimPrefix(r.URL.Path, prefix)
			ctx := i18n.WithLocale(r.Context(), loc, rest, r.URL.RawQuery)
			c.SetRequest(r.WithContext(ctx))
			c.Response().Header()["Content-Language"] = langHeader
			return next(c)
		}
	}
}

// langFromPath returns the language of a path's /{lang}/ prefix, or "".
func langFromPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	first, _, _ := strings.Cut(p, "/")
	if i18n.Supported(first) {
		return first
	}
	return ""
}
