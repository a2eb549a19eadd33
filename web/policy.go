package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/views/i18n"
)

// access is who may use a route.
type access int

const (
	// public: anyone, logged in or not.
	public access = iota
	// guests: visitors; a logged-in person is sent to their account page.
	guests
	// members: any approved, logged-in person.
	members
	// partners: partner companies, and staff who serve them.
	partners
	// staffOnly: the automaker's export staff and admins.
	staffOnly
	// adminOnly: admins.
	adminOnly
)

// allowedRoles are the account roles each access level admits.
var allowedRoles = map[access][]string{
	members:   {"investor", "partner", "staff", "admin"},
	partners:  {"partner", "staff", "admin"},
	staffOnly: {"staff", "admin"},
	adminOnly: {"admin"},
}

// policy is the portal's access table: every route under /{lang} and who
// may use it. A route missing here makes NewServer panic, so no route can
// be added without deciding who may use it. Objects a person does not own
// are checked again in the handler and answer 404.
var policy = map[string]access{
	"GET /":                                 public,
	"GET /catalogue":                        public,
	"GET /models/:slug":                     public,
	"GET /compare":                          public,
	"GET /register":                         guests,
	"POST /register":                        guests,
	"GET /register/sent":                    public,
	"GET /confirm":                          public,
	"POST /confirm":                         public,
	"GET /login":                            guests,
	"POST /login":                           guests,
	"POST /logout":                          members,
	"GET /password/forgot":                  guests,
	"POST /password/forgot":                 guests,
	"GET /password/reset":                   public,
	"POST /password/reset":                  public,
	"GET /account":                          members,
	"POST /account/password":                members,
	"POST /account/language":                members,
	"POST /account/sessions/end":            members,
	"POST /account/sessions/end-others":     members,
	"GET /staff/registrations":              staffOnly,
	"POST /staff/registrations/:id/approve": staffOnly,
	"POST /staff/registrations/:id/reject":  staffOnly,
	"GET /news":                             public,
	"GET /news.atom":                        public,
	"GET /staff/catalogue":                  staffOnly,
	"GET /staff/catalogue/new":              staffOnly,
	"POST /staff/catalogue/new":             staffOnly,
	"GET /staff/catalogue/:id":              staffOnly,
	"POST /staff/catalogue/:id":             staffOnly,
	"GET /staff/catalogue/:id/preview":      staffOnly,
	"POST /staff/catalogue/:id/publish":     staffOnly,
	"POST /staff/catalogue/:id/unpublish":   staffOnly,
	"POST /staff/catalogue/:id/archive":     staffOnly,
	"POST /staff/catalogue/:id/schedule":    staffOnly,
	"GET /staff/catalogue/:id/revisions":    staffOnly,
	"GET /staff/catalogue/:id/diff":         staffOnly,
	"POST /staff/catalogue/:id/restore":     staffOnly,
	"GET /staff/translations":               staffOnly,
	"GET /staff/specs":                      staffOnly,
	"GET /staff/specs/groups/new":           staffOnly,
	"POST /staff/specs/groups/new":          staffOnly,
	"GET /staff/specs/groups/:id":           staffOnly,
	"POST /staff/specs/groups/:id":          staffOnly,
	"GET /staff/specs/items/new":            staffOnly,
	"POST /staff/specs/items/new":           staffOnly,
	"GET /staff/specs/items/:id":            staffOnly,
	"POST /staff/specs/items/:id":           staffOnly,
	"GET /staff/media":                      staffOnly,
	"POST /staff/media":                     staffOnly,
	"POST /staff/media/:id/delete":          staffOnly,
	"POST /staff/media/:id/replace":         staffOnly,
	// Publishing: deleting and restoring specification groups and items.
	"GET /staff/specs/groups/:id/delete":      staffOnly,
	"POST /staff/specs/groups/:id/delete":     staffOnly,
	"GET /staff/specs/items/:id/delete":       staffOnly,
	"POST /staff/specs/items/:id/delete":      staffOnly,
	"POST /staff/specs/deletions/:id/restore": staffOnly,
	"GET /offers":                           public,
	"GET /offers/archive":                   members,
	"GET /offers.csv":                       members,
	"POST /offers/currency":                 members,
	"GET /offers/:id":                       members,
	"POST /offers/:id/follow":               members,
	"POST /offers/:id/unfollow":             members,
	"POST /offers/:id/interest":             members,
	"GET /staff/offers":                     staffOnly,
	"GET /staff/offers/new":                 staffOnly,
	"POST /staff/offers/new":                staffOnly,
	"GET /staff/offers/requests":            staffOnly,
	"POST /staff/offers/requests/:id/reply": staffOnly,
	"GET /staff/offers/:id":                 staffOnly,
	"POST /staff/offers/:id":                staffOnly,
	"POST /staff/offers/:id/publish":        staffOnly,
	"POST /staff/offers/:id/archive":        staffOnly,
	"POST /staff/offers/:id/delete":         staffOnly,
	"GET /staff/rates":                      staffOnly,
	"POST /staff/rates":                     staffOnly,
	"POST /staff/rates/import":              staffOnly,
	"POST /staff/offers/:id/copy":           staffOnly,
	"GET /admin/users":                      adminOnly,
	"GET /admin/users/new":                  adminOnly,
	"POST /admin/users/new":                 adminOnly,
	"GET /admin/users/:id":                  adminOnly,
	"POST /admin/users/:id/approve":         adminOnly,
	"POST /admin/users/:id/reject":          adminOnly,
	"POST /admin/users/:id/disable":         adminOnly,
	"POST /admin/users/:id/enable":          adminOnly,
	"POST /admin/users/:id/role":            adminOnly,
	"GET /admin/audit":                      adminOnly,
	"GET /admin/mail":                       adminOnly,
	"GET /admin/mail/:id":                   adminOnly,

	// Proposals: the list shows teasers to everyone; a proposal's pages
	// are for its participants (the handlers answer 404 to anyone else)
	// and staff. The feed is outside sessions: its token is checked by the
	// handler, which answers 404 to a wrong one.
	"GET /proposals":                                     public,
	"GET /proposals/history-verification":                public,
	"GET /proposals/:id":                                 members,
	"POST /proposals/:id/nda":                            members,
	"GET /proposals/:id/history":                         members,
	"GET /proposals/:id/history.json":                    members,
	"POST /proposals/:id/questions":                      members,
	"GET /proposals/:id/documents/:doc":                  members,
	"GET /proposals/:id/feed.atom":                       public,
	"POST /proposals/:id/feed-token":                     members,
	"POST /proposals/:id/feed-token/revoke":              members,
	"GET /notifications":                                 members,
	"POST /notifications/read":                           members,
	"POST /notifications/preference":                     members,
	"GET /staff/proposals":                               staffOnly,
	"GET /staff/proposals/new":                           staffOnly,
	"POST /staff/proposals/new":                          staffOnly,
	"GET /staff/proposals/:id":                           staffOnly,
	"GET /staff/proposals/:id/edit":                      staffOnly,
	"POST /staff/proposals/:id/edit":                     staffOnly,
	"POST /staff/proposals/:id/stage":                    staffOnly,
	"POST /staff/proposals/:id/notes":                    staffOnly,
	"POST /staff/proposals/:id/participants":             staffOnly,
	"POST /staff/proposals/:id/participants/:uid/remove": staffOnly,
	"POST /staff/proposals/:id/documents":                staffOnly,
	"POST /staff/proposals/:id/questions/:qid/answer":    staffOnly,
	"GET /staff/proposals/:id/verify":                    staffOnly,
	"GET /staff/pipeline":                                staffOnly,
	// Proposal documents: new versions and deletion.
	"POST /staff/proposals/:id/documents/:doc/replace": staffOnly,
	"POST /staff/proposals/:id/documents/:doc/delete":  staffOnly,

	// Inquiries: a visitor may start one (kept with their session while
	// they register); the rest is partners' own (404 for anyone else's,
	// checked in the handler) and the staff inbox.
	"GET /inquiries":                              partners,
	"GET /inquiries/new":                          public,
	"POST /inquiries/new":                         public,
	"GET /inquiries/:id":                          partners,
	"GET /inquiries/:id/edit":                     partners,
	"POST /inquiries/:id/edit":                    partners,
	"POST /inquiries/:id/submit":                  partners,
	"GET /inquiries/:id/done":                     partners,
	"POST /inquiries/:id/messages":                partners,
	"POST /inquiries/:id/attachments":             partners,
	"GET /inquiries/:id/attachments/:att":         partners,
	"POST /inquiries/:id/attachments/:att/delete": partners,
	"GET /staff/inquiries":                        staffOnly,
	"GET /staff/inquiries.csv":                    staffOnly,
	"GET /staff/inquiries/:id":                    staffOnly,
	"GET /staff/inquiries/:id/attachments/:att":   staffOnly,
	"POST /staff/inquiries/:id/assign":            staffOnly,
	"POST /staff/inquiries/:id/review":            staffOnly,
	"POST /staff/inquiries/:id/reply":             staffOnly,
	"POST /staff/inquiries/:id/ask":               staffOnly,
	"POST /staff/inquiries/:id/accept":            staffOnly,
	"POST /staff/inquiries/:id/decline":           staffOnly,

	// Search: anyone; the store limits the results to what the person may
	// open.
	"GET /search": public,
	// Export dashboard: approved members read it (staff see the pipeline
	// in numbers on it too); staff keep the shipment records and markets.
	"GET /dashboard":                       members,
	"GET /dashboard.csv":                   members,
	"GET /staff/shipments":                 staffOnly,
	"POST /staff/shipments":                staffOnly,
	"POST /staff/shipments/markets":        staffOnly,
	"POST /staff/shipments/import":         staffOnly,
	"POST /staff/shipments/import/confirm": staffOnly,
	"GET /staff/shipments/:id":             staffOnly,
	"POST /staff/shipments/:id":            staffOnly,
	"POST /staff/shipments/:id/delete":     staffOnly,
}

// route registers a handler under the language group, guarded by the
// policy table.
func (s *Server) route(g *echo.Group, method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	a, ok := policy[method+" "+path]
	if !ok {
		panic(fmt.Sprintf("web: route %s %s has no entry in the policy table", method, path))
	}
	g.Add(method, path, h, append([]echo.MiddlewareFunc{s.guard(a)}, mw...)...)
}

// guard enforces an access level. A visitor who needs to log in is sent to
// the login page (and back afterwards); anyone else without the role gets
// 404, so staff and admin pages do not reveal that they exist.
func (s *Server) guard(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			v := viewerOf(c)
			switch a {
			case public:
				return next(c)
			case guests:
				if v.loggedIn() {
					if c.Request().Method == http.MethodGet {
						return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/account"))
					}
					return echo.ErrForbidden
				}
				return next(c)
			}
			if !v.loggedIn() {
				if a == members && c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, loginURL(c))
				}
				if a == members {
					return echo.ErrForbidden
				}
				return echo.ErrNotFound
			}
			if !slices.Contains(allowedRoles[a], v.user.Role) {
				return echo.ErrNotFound
			}
			return next(c)
		}
	}
}

// loginURL is the login page with the current page to come back to.
func loginURL(c echo.Context) string {
	ctx := c.Request().Context()
	next := c.Request().URL.RequestURI()
	return i18n.Href(ctx, "/login") + "?next=" + urlQueryEscape(next)
}
