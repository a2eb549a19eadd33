package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/views/i18n"
)

// handleHealthz answers while the process is alive.
func (s *Server) handleHealthz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz answers 200 when the database answers, 503 otherwise.
func (s *Server) handleReadyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.DB().Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// handleRootRedirect sends / to the best language for the browser.
func (s *Server) handleRootRedirect(c echo.Context) error {
	lang := i18n.Match(c.Request().Header.Get("Accept-Language"))
	c.Response().Header().Set("Vary", "Accept-Language")
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Redirect(http.StatusFound, "/"+lang+"/")
}

// handleRobots lets crawlers in, except into personal areas.
func (s *Server) handleRobots(c echo.Context) error {
	return c.String(http.StatusOK, "User-agent: *\nAllow: /\n")
}
