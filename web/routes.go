package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/static"
	"github.com/ikco/partner-portal/views/i18n"
)

// routes registers every route of the portal: the whole surface reads here.
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
		g := e.Group("/"+lang, s.withLang(lang))

		// Public pages: the same for every anonymous visitor, so cached.
		pub := g.Group("", s.cachePublic)
		pub.GET("/", s.handleHome)
		pub.GET("/catalogue", s.handleModelList)
		pub.GET("/models/:slug", s.handleModelShow)
		pub.GET("/compare", s.handleCompare)

		g.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
	}
}
