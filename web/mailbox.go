package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
)

// mailListLimit is how many of the newest messages the dev mailbox lists.
const mailListLimit = 200

// mailRoutes registers the dev mailbox: the outbox as admins see it, where
// mail waits when no SMTP server is configured.
func (s *Server) mailRoutes(g *echo.Group) {
	s.route(g, "GET", "/admin/mail", s.handleMailList)
	s.route(g, "GET", "/admin/mail/:id", s.handleMailShow)
}

func mailRowVM(m db.Mail) views.MailRowVM {
	return views.MailRowVM{ID: m.ID, CreatedAt: m.CreatedAt, To: m.To, ToName: m.ToName, Subject: m.Subject,
		Lang: m.Lang, Status: m.Status, Attempts: m.Attempts, LastError: m.LastError}
}

// handleMailList lists the newest messages of the outbox.
func (s *Server) handleMailList(c echo.Context) error {
	list, err := s.store.ListMail(c.Request().Context(), mailListLimit)
	if err != nil {
		return err
	}
	vm := views.MailListVM{Limit: mailListLimit}
	for _, m := range list {
		vm.Messages = append(vm.Messages, mailRowVM(m))
	}
	meta := s.pageMeta(c, "mailbox.title")
	meta.NoIndex = true
	// The messages carry one-time links: keep them out of every cache.
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.MailListPage(meta, vm))
}

// handleMailShow shows one message with the links in its text made
// clickable. The HTML part is shown as escaped source only: it is not the
// portal's page, and rendering it here would run its markup with an
// admin's session.
func (s *Server) handleMailShow(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	m, err := s.store.MailByID(c.Request().Context(), id)
	if err != nil {
		return err // db.ErrNotFound answers 404
	}
	vm := views.MailMessageVM{MailRowVM: mailRowVM(m), MessageID: m.MessageID, NextAt: m.NextAt, SentAt: m.SentAt,
		Text: m.Text, HTML: m.HTML, Links: linksIn(m.Text)}
	meta := s.pageMeta(c, "mailbox.title")
	meta.Title = m.Subject
	meta.NoIndex = true
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.MailMessagePage(meta, vm))
}

// linkPattern finds web addresses in a mail's text part.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// linksIn returns the distinct web addresses in text, in order, without
// trailing punctuation that ends the sentence around them.
func linksIn(text string) []string {
	var out []string
	for _, l := range linkPattern.FindAllString(text, -1) {
		l = strings.TrimRight(l, ".,;:!?)»")
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
