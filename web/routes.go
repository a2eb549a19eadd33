package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
	"github.com/ikco/partner-portal/views/i18n"
)

// routes registers every route of the portal: the whole surface reads here,
// and who may use each route reads in policy.go.
func (s *Server) routes() {
	e := s.echo
	e.Pre(s.recoverPanics, withRequestID, s.securityHeaders, s.logRequests, s.checkInput)

	e.GET("/", s.handleRootRedirect)
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/static/*", echo.WrapHandler(static.Assets()))
	e.GET("/robots.txt", s.handleRobots)

	for _, lang := range i18n.Langs {
		e.GET("/"+lang, func(c echo.Context) error {
			return c.Redirect(http.StatusMovedPermanently, "/"+lang+"/")
		})
		g := e.Group("/"+lang, s.withLang(lang), s.loadViewer, s.withViewContext, s.checkCSRF)

		// Public pages are the same for every anonymous visitor: cached.
		s.route(g, "GET", "/", s.handleHome, s.cachePublic)
		s.route(g, "GET", "/catalogue", s.handleModelList, s.cachePublic)
		s.route(g, "GET", "/models/:slug", s.handleModelShow, s.cachePublic)
		s.route(g, "GET", "/compare", s.handleCompare, s.cachePublic)

		// Accounts.
		s.route(g, "GET", "/register", s.handleRegisterForm)
		s.route(g, "POST", "/register", s.handleRegister)
		s.route(g, "GET", "/register/sent", s.handleRegisterSent)
		s.route(g, "GET", "/confirm", s.handleConfirmForm)
		s.route(g, "POST", "/confirm", s.handleConfirm)
		s.route(g, "GET", "/login", s.handleLoginForm)
		s.route(g, "POST", "/login", s.handleLogin)
		s.route(g, "POST", "/logout", s.handleLogout)
		s.accountRoutes(g)
		s.adminRoutes(g)
		s.mailRoutes(g)
		s.proposalRoutes(g)

		g.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
	}
}
