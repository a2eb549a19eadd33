package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// errorMessageIDs names the message shown for each status; others fall
// back to the generic one of their class.
var errorMessageIDs = map[int]string{
	http.StatusBadRequest:            "error.400",
	http.StatusForbidden:             "error.403",
	http.StatusNotFound:              "error.404",
	http.StatusMethodNotAllowed:      "error.405",
	http.StatusRequestEntityTooLarge: "error.413",
	http.StatusUnprocessableEntity:   "error.422",
	http.StatusTooManyRequests:       "error.429",
	http.StatusServiceUnavailable:    "error.503",
}

// handleError is the one HTTPErrorHandler: it logs server faults once,
// with the request's attributes, and renders a localized error page that
// never shows the error's text.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
	case errors.Is(err, db.ErrNotFound):
		status = http.StatusNotFound
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			status = http.StatusRequestEntityTooLarge
		}
	}
	r := c.Request()
	if status >= 500 {
		s.log.Error("request failed", "request_id", RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	ctx := r.Context()
	if lang := langFromPath(r.URL.Path); lang != "" && i18n.From(ctx).Lang != lang {
		ctx = i18n.WithLocale(ctx, s.catalog.Locale(lang), r.URL.Path[len(lang)+1:], r.URL.RawQuery)
	} else if lang == "" {
		lang = i18n.Match(r.Header.Get("Accept-Language"))
		ctx = i18n.WithLocale(ctx, s.catalog.Locale(lang), "/", "")
	}
	c.SetRequest(r.WithContext(ctx))
	msg, ok := errorMessageIDs[status]
	if !ok {
		msg = "error.500"
		if status < 500 {
			msg = "error.400"
		}
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	if r.Method == http.MethodHead {
		c.Response().WriteHeader(status)
		return
	}
	vm := views.ErrorVM{Status: status, MessageID: msg, RequestID: RequestID(r.Context())}
	if err := render(c, status, views.ErrorPage(s.pageMeta(c, "error.title"), vm)); err != nil {
		s.log.Error("render error page", "err", err)
		_ = c.String(status, http.StatusText(status))
	}
}
