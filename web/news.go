package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// newsLimit is how many items "what's new" and its feed show.
const newsLimit = 50

// newsTitle writes an item's title in the page's language.
func newsTitle(c echo.Context, it db.NewsItem) string {
	ctx := c.Request().Context()
	return i18n.T(ctx, "news.kind."+it.Kind, "Model", it.ModelName.Value, "Trim", it.TrimName.Value)
}

// handleNews lists what was published lately, newest first.
func (s *Server) handleNews(c echo.Context) error {
	ctx := c.Request().Context()
	items, err := s.store.News(ctx, i18n.Lang(ctx), newsLimit)
	if err != nil {
		return err
	}
	vm := views.NewsVM{FeedHref: i18n.Href(ctx, "/news.atom")}
	for _, it := range items {
		vm.Items = append(vm.Items, views.NewsItemVM{Kind: it.Kind, Title: newsTitle(c, it), Href: i18n.Href(ctx, "/models/", it.ModelSlug), At: it.At})
	}
	meta := s.pageMeta(c, "news.title")
	meta.Section = "news"
	meta.Description = i18n.T(ctx, "news.lead")
	return render(c, http.StatusOK, views.NewsPage(meta, vm))
}

// handleNewsFeed is "what's new" as an Atom feed, one per language.
func (s *Server) handleNewsFeed(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	items, err := s.store.News(ctx, lang, newsLimit)
	if err != nil {
		return err
	}
	self := s.absURL(i18n.Href(ctx, "/news.atom"))
	feed := atomFeed{
		Lang:   lang,
		ID:     self,
		Title:  i18n.T(ctx, "news.title") + " · " + i18n.T(ctx, "site.name"),
		Author: &atomPerson{Name: i18n.T(ctx, "site.brand")},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: s.absURL(i18n.Href(ctx, "/news"))},
		},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
	}
	for i, it := range items {
		at := it.At.UTC().Format(time.RFC3339)
		if i == 0 {
			feed.Updated = at
		}
		title := newsTitle(c, it)
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      "tag:" + hostOf(s.cfg.BaseURL) + ",2026:news/" + strconv.FormatInt(it.ID, 10) + "/" + lang,
			Title:   title,
			Updated: at,
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: s.absURL(i18n.Href(ctx, "/models/", it.ModelSlug))},
			Summary: title,
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// hostOf is the host of a base URL, for tag: ids.
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "localhost"
}
