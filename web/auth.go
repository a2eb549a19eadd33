package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
)

// viewer is who is making the request: a visitor (no user) or a logged-in
// person, with the session when there is one.
type viewer struct {
	user    *db.User
	session *sessions.Session
}

func (v *viewer) loggedIn() bool { return v != nil && v.user != nil }

const viewerKey = "viewer"

// viewerOf returns the request's viewer; a visitor when none was loaded.
func viewerOf(c echo.Context) *viewer {
	if v, ok := c.Get(viewerKey).(*viewer); ok {
		return v
	}
	return &viewer{}
}

// touchEvery is how stale last-seen may get before a request refreshes it:
// the idle timeout is measured in minutes, so one write a minute will do.
const touchEvery = time.Minute

// loadViewer reads the session named by the cookie, if any, and the
// account it is logged in as. An account that is no longer active ends
// the session at once.
func (s *Server) loadViewer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		r = r.WithContext(withClient(r.Context(), c.RealIP(), r.UserAgent()))
		c.SetRequest(r)
		v := &viewer{}
		c.Set(viewerKey, v)
		if _, err := r.Cookie(s.sessions.name); err != nil {
			return next(c)
		}
		ses, err := s.sessions.Get(r, s.sessions.name)
		if err != nil {
			return err
		}
		if ses.IsNew {
			return next(c)
		}
		v.session = ses
		if uid := sessionUserID(ses); uid != 0 {
			u := sessionUser(ses)
			if u == nil || u.Status != "active" {
				if err := s.sessions.end(r, c.Response(), ses); err != nil {
					return err
				}
				v.session = nil
				return next(c)
			}
			v.user = u
		}
		if s.now().Sub(sessionLastSeen(ses)) >= touchEvery {
			if err := s.store.TouchSession(r.Context(), hashSessionID(ses.ID), s.now(), c.RealIP()); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// withViewContext hands the views the logged-in person and the CSRF token.
func (s *Server) withViewContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v := viewerOf(c)
		var u *views.UserVM
		if v.loggedIn() {
			u = &views.UserVM{ID: v.user.ID, Name: v.user.FullName, Email: v.user.Email, Role: v.user.Role, Unread: v.user.Unread}
		}
		csrf := ""
		if v.session != nil {
			csrf = sessionCSRF(v.session)
		}
		r := c.Request()
		c.SetRequest(r.WithContext(views.WithSession(r.Context(), u, csrf)))
		return next(c)
	}
}

// ensureSession gives a visitor a session (for the CSRF token of a form)
// and returns its token.
func (s *Server) ensureSession(c echo.Context) (string, error) {
	v := viewerOf(c)
	if v.session == nil {
		ses, err := s.sessions.Get(c.Request(), s.sessions.name)
		if err != nil {
			return "", err
		}
		if err := ses.Save(c.Request(), c.Response()); err != nil {
			return "", err
		}
		v.session = ses
	}
	tok := sessionCSRF(v.session)
	r := c.Request()
	c.SetRequest(r.WithContext(views.WithSession(r.Context(), views.CurrentUser(r.Context()), tok)))
	return tok, nil
}

// isUnsafe reports whether a method changes state.
func isUnsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// checkCSRF refuses every state-changing request that does not carry the
// session's CSRF token, or that a browser says comes from another site.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !isUnsafe(r.Method) {
			return next(c)
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			return echo.NewHTTPError(http.StatusForbidden, "cross-site request")
		}
		if origin := r.Header.Get("Origin"); origin != "" && !s.sameOrigin(origin, r) {
			return echo.NewHTTPError(http.StatusForbidden, "cross-origin request")
		}
		v := viewerOf(c)
		if v.session == nil {
			return echo.NewHTTPError(http.StatusForbidden, "no session")
		}
		if err := parseBody(r); err != nil {
			return err
		}
		want := sessionCSRF(v.session)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, "bad CSRF token")
		}
		return next(c)
	}
}

// multipartMemory is how much of a multipart form is held in memory; the
// rest of an upload goes to temporary files.
const multipartMemory = 8 << 20

// parseBody reads a form body once, so that a body over the size limit is
// answered 413 and a malformed one 400, rather than read as empty.
func parseBody(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	var err error
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		err = r.ParseMultipartForm(multipartMemory)
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		err = r.ParseForm()
	default:
		return nil
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	return echo.NewHTTPError(http.StatusBadRequest, "malformed form")
}

// sameOrigin reports whether origin is the portal's own.
func (s *Server) sameOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if base, err := url.Parse(s.cfg.BaseURL); err == nil && strings.EqualFold(base.Host, u.Host) {
		return true
	}
	return strings.EqualFold(u.Host, r.Host)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
