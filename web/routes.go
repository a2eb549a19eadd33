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
	e.Pre(headAsGet, s.recoverPanics, withRequestID, s.securityHeaders, s.logRequests, s.checkInput)

	e.GET("/", s.handleRootRedirect)
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/static/*", echo.WrapHandler(static.Assets()))
	e.GET("/robots.txt", s.handleRobots)
	e.GET("/media/:name", s.handleMediaFile, s.loadViewer)

	for _, lang := range i18n.Langs {
		e.GET("/"+lang, func(c echo.Context) error {
			return c.Redirect(http.StatusMovedPermanently, "/"+lang+"/")
		})
		// The page cache comes before the session: an anonymous request
		// for a cached public page is answered without touching either.
		g := e.Group("/"+lang, s.withLang(lang), s.cachePublic, s.loadViewer, s.withViewContext, s.checkCSRF)
		cached := func(path string, h echo.HandlerFunc) {
			s.cacheable["/"+lang+path] = true
			s.route(g, "GET", path, h)
		}

		// Public pages are the same for every anonymous visitor: cached.
		cached("/", s.handleHome)
		cached("/catalogue", s.handleModelList)
		cached("/models/:slug", s.handleModelShow)
		s.modelScoped["/"+lang+"/models/:slug"] = "slug"
		cached("/compare", s.handleCompare)

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

		// Joint-venture inquiries: the partner's steps, "My inquiries",
		// attachments and thread; the staff inbox and its actions.
		s.route(g, "GET", "/inquiries", s.handleInquiryList)
		s.route(g, "GET", "/inquiries/new", s.handleInquiryNewForm)
		s.route(g, "POST", "/inquiries/new", s.handleInquiryCreate)
		s.route(g, "GET", "/inquiries/:id", s.handleInquiryShow)
		s.route(g, "GET", "/inquiries/:id/edit", s.handleInquiryEditForm)
		s.route(g, "POST", "/inquiries/:id/edit", s.handleInquiryEdit)
		s.route(g, "POST", "/inquiries/:id/submit", s.handleInquirySubmit)
		s.route(g, "GET", "/inquiries/:id/done", s.handleInquiryDone)
		s.route(g, "POST", "/inquiries/:id/messages", s.handleInquiryMessage)
		s.route(g, "POST", "/inquiries/:id/attachments", s.handleInquiryUpload)
		s.route(g, "GET", "/inquiries/:id/attachments/:att", s.handleInquiryAttachment)
		s.route(g, "POST", "/inquiries/:id/attachments/:att/delete", s.handleInquiryAttachmentDelete)
		s.route(g, "GET", "/staff/inquiries", s.handleStaffInquiryList)
		s.route(g, "GET", "/staff/inquiries.csv", s.handleStaffInquiryCSV)
		s.route(g, "GET", "/staff/inquiries/:id", s.handleStaffInquiryShow)
		s.route(g, "GET", "/staff/inquiries/:id/attachments/:att", s.handleStaffInquiryAttachment)
		s.route(g, "POST", "/staff/inquiries/:id/assign", s.handleStaffInquiryAssign)
		s.route(g, "POST", "/staff/inquiries/:id/review", s.handleStaffInquiryReview)
		s.route(g, "POST", "/staff/inquiries/:id/reply", s.handleStaffInquiryReply)
		s.route(g, "POST", "/staff/inquiries/:id/ask", s.handleStaffInquiryAsk)
		s.route(g, "POST", "/staff/inquiries/:id/accept", s.handleStaffInquiryAccept)
		s.route(g, "POST", "/staff/inquiries/:id/decline", s.handleStaffInquiryDecline)

		// Publishing: the staff catalogue editor, media library, and the
		// public "what's new" with its feed.
		s.publishingRoutes(g)

		// Offers: investors and partners read them, staff publish them,
		// with exchange rates and expressions of interest.
		s.offerRoutes(g)

		// Search across the portal: every person sees only what they may
		// open; results are personal and never cached.
		s.route(g, "GET", "/search", s.handleSearch)
		// Export dashboard: approved members read the figures against the
		// goal; staff keep the shipment records behind them.
		s.shipmentRoutes(g)

		g.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
	}
}
