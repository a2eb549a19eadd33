package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/db/searchtext"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// Search result sizes.
const (
	// searchPerGroup is how many results of each group the first page
	// shows.
	searchPerGroup = 5
	// searchPerPage is the page size when paging through one group.
	searchPerPage = 20
	// searchSnippetRunes is about how long a snippet is.
	searchSnippetRunes = 220
	// maxSearchQueryBytes bounds the raw query string of a search: longer
	// than other pages allow, so a long query is clipped with a message
	// rather than refused.
	maxSearchQueryBytes = 64 << 10
)

// handleSearch is the search page: the form, and for a query the results
// the viewer may open, grouped by kind with their counts, the found words
// marked. Results vary by person and query, so the page is never cached.
func (s *Server) handleSearch(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	qs := c.QueryParams()
	group := qs.Get("group")
	if group != "" && !slices.Contains(db.SearchGroups, group) {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown group")
	}
	page, err := pageParam(qs)
	if err != nil {
		return err
	}
	// Control characters are dropped rather than refused: a query is
	// searched for as far as it can be.
	raw := strings.TrimSpace(badTextStripped(qs.Get("q")))
	q := searchtext.ParseQuery(raw)
	vm := views.SearchVM{Query: raw, Clipped: q.Clipped, MaxRunes: searchtext.MaxQueryRunes}
	if q.Clipped {
		vm.Query = clipRunes(raw, searchtext.MaxQueryRunes)
	}
	m := s.pageMeta(c, "search.title")
	m.NoIndex = true
	m.SearchQuery = vm.Query
	c.Response().Header().Set("Cache-Control", "private, no-store")
	switch {
	case vm.Query == "":
		return render(c, http.StatusOK, views.SearchPage(m, vm))
	case q.Empty():
		vm.NoTerms = true
		return render(c, http.StatusOK, views.SearchPage(m, vm))
	}
	params := db.SearchParams{Query: q, Lang: lang, Group: group, Limit: searchPerGroup}
	if group != "" {
		params.Offset, params.Limit = (page-1)*searchPerPage, searchPerPage
	} else if page != 1 {
		return echo.ErrNotFound
	}
	v := dbViewer(c)
	vm.Searched = true
	base := i18n.Href(ctx, "/search") + "?q=" + url.QueryEscape(vm.Query)
	// The results as shown (snippets found and marked: most of a search's
	// work) are kept for the viewer's class, language, query and page
	// until the index or access changes, as the store keeps the rows.
	version := s.store.SearchVersion()
	key := strings.Join([]string{v.SearchClass(), lang, group, strconv.Itoa(page), q.Key(), vm.Query}, "\x00")
	res, err := memoized(s.searches, version, key, func() (searchResults, error) {
		groups, err := s.store.Search(ctx, v, params)
		if err != nil {
			return searchResults{}, err
		}
		var r searchResults
		for _, g := range groups {
			gv := views.SearchGroupVM{Name: g.Name, Count: g.Count, Capped: g.Capped}
			r.total += g.Count
			r.capped = r.capped || g.Capped
			for _, h := range g.Hits {
				gv.Hits = append(gv.Hits, s.searchHitVM(c, q, v, h))
			}
			if group == "" && g.Count > len(g.Hits) {
				gv.MoreHref = base + "&group=" + g.Name
			}
			r.groups = append(r.groups, gv)
		}
		if len(groups) == 1 {
			r.onlyCount = groups[0].Count
		}
		return r, nil
	})
	if err != nil {
		return err
	}
	vm.Groups, vm.Total, vm.Capped = res.groups, res.total, res.capped
	if group != "" {
		vm.Group, vm.AllHref = group, base
		pages := 1
		if len(res.groups) == 1 {
			// Ranked are at most db.SearchCandidates of a group.
			pages = max(1, (min(res.onlyCount, db.SearchCandidates)+searchPerPage-1)/searchPerPage)
		}
		if page > pages {
			return echo.ErrNotFound
		}
		vm.Pagination = pagination(page, pages, func(p int) string {
			h := base + "&group=" + group
			if p > 1 {
				h += "&page=" + strconv.Itoa(p)
			}
			return h
		})
	}
	return render(c, http.StatusOK, views.SearchPage(m, vm))
}

// clipRunes cuts s to at most n characters.
// searchResults are a search's groups as shown, kept by handleSearch.
type searchResults struct {
	groups    []views.SearchGroupVM
	total     int
	capped    bool
	onlyCount int
}

func clipRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// markedVM turns text pieces into their view; lang is set when the text
// is not in the page's language.
func markedVM(parts []searchtext.Part, lang string) views.MarkedVM {
	out := views.MarkedVM{Lang: lang}
	for _, p := range parts {
		out.Parts = append(out.Parts, views.MarkVM{Text: p.Text, Mark: p.Mark})
	}
	return out
}

// otherLang is "" for the page's language, else the text's language.
func otherLang(t db.Text, page string) string {
	if t.Lang == page || t.Value == "" {
		return ""
	}
	return t.Lang
}

// searchHitVM builds a result: its title in the page's language (or the
// fallback), a snippet from the first of its texts in which the query
// found a word, the page's language first, and its link.
func (s *Server) searchHitVM(c echo.Context, q searchtext.Query, v db.Viewer, h db.SearchHit) views.SearchHitVM {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	out := views.SearchHitVM{Kind: h.Kind, Href: i18n.Href(ctx, h.Path)}
	title := h.Title.In(lang)
	if h.Neutral {
		title = db.Text{Value: h.Title.RU, Lang: lang}
	}
	switch h.Kind {
	case "news":
		it := db.NewsItem{Kind: h.Sub, ModelName: title, TrimName: h.Body.In(lang)}
		title = db.Text{Value: newsTitle(c, it), Lang: title.Lang}
	case "proposal":
		switch {
		case v.Staff():
			out.Href = i18n.Href(ctx, "/staff/proposals/"+strconv.FormatInt(h.RefID, 10))
		case !h.Opens:
			out.Href, out.Note = i18n.Href(ctx, "/proposals"), "search.teaser_note"
		}
	}
	out.Title = markedVM(q.Highlight(title.Value), otherLang(title, lang))
	if h.Kind == "news" {
		return out
	}
	// Snippet candidates: the page's language, text in no language, then
	// the other languages.
	cands := []db.Text{h.Body.In(lang)}
	if h.Extra != "" {
		cands = append(cands, db.Text{Value: h.Extra, Lang: lang})
	}
	for _, l := range db.Langs {
		if t := (db.L10n{RU: h.Body.RU, EN: h.Body.EN, FA: h.Body.FA}).In(l); t.Lang == l && l != lang {
			cands = append(cands, t)
		}
	}
	for i, t := range cands {
		if t.Value == "" {
			continue
		}
		parts, found := q.Snippet(t.Value, searchSnippetRunes)
		if found || i == len(cands)-1 || (i == 0 && !anyFound(q, cands[1:])) {
			out.Snippet = markedVM(parts, otherLang(t, lang))
			break
		}
	}
	return out
}

// anyFound reports whether the query finds a word in any of the texts.
func anyFound(q searchtext.Query, ts []db.Text) bool {
	for _, t := range ts {
		if _, found := q.Snippet(t.Value, 0); found {
			return true
		}
	}
	return false
}

// isSearchPath reports whether a path is the search page, whose query may
// be longer than other pages' (it is clipped, with a message).
func isSearchPath(p string) bool {
	for _, l := range i18n.Langs {
		if p == "/"+l+"/search" {
			return true
		}
	}
	return false
}
