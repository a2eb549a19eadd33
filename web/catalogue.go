package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// cataloguePerPage is how many models a catalogue page lists.
const cataloguePerPage = 12

// seatChoices are the seat counts the filter offers.
var seatChoices = []int{2, 4, 5, 7}

// catalogueQuery is the catalogue list's query string, parsed and checked.
type catalogueQuery struct {
	Body, Fuel, Transmission, Sort string
	Seats, Page                    int
}

// parseCatalogueQuery reads the list's filters. An unknown value or a page
// that is not a positive number is an error: such links are not ours.
func parseCatalogueQuery(q url.Values) (catalogueQuery, error) {
	var cq catalogueQuery
	one := func(name string, allowed []string) (string, error) {
		v := q.Get(name)
		if v == "" || slices.Contains(allowed, v) {
			return v, nil
		}
		return "", errors.New("unknown " + name)
	}
	var err error
	if cq.Body, err = one("body", db.BodyTypes); err != nil {
		return cq, err
	}
	if cq.Fuel, err = one("fuel", db.Fuels); err != nil {
		return cq, err
	}
	if cq.Transmission, err = one("transmission", db.Transmissions); err != nil {
		return cq, err
	}
	if cq.Sort, err = one("sort", db.ModelSorts); err != nil {
		return cq, err
	}
	if cq.Sort == "featured" {
		cq.Sort = ""
	}
	if v := q.Get("seats"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(seatChoices, n) {
			return cq, errors.New("unknown seats")
		}
		cq.Seats = n
	}
	cq.Page = 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return cq, errors.New("bad page")
		}
		cq.Page = n
	}
	return cq, nil
}

// encode writes the query in its one canonical form, defaults left out.
func (cq catalogueQuery) encode(page int) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("body", cq.Body)
	set("fuel", cq.Fuel)
	set("transmission", cq.Transmission)
	if cq.Seats > 0 {
		v.Set("seats", strconv.Itoa(cq.Seats))
	}
	set("sort", cq.Sort)
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

func (cq catalogueQuery) filtered() bool {
	return cq.Body != "" || cq.Fuel != "" || cq.Transmission != "" || cq.Seats > 0 || cq.Sort != ""
}

// options builds a select's options with an "any" first entry.
func options(values []string, selected, prefix, anyID string) []views.OptionVM {
	out := []views.OptionVM{{Value: "", LabelID: anyID, Selected: selected == ""}}
	for _, v := range values {
		out = append(out, views.OptionVM{Value: v, LabelID: prefix + v, Selected: v == selected})
	}
	return out
}

// handleModelList shows the catalogue: published models with filters,
// sort and pagination, all in the query string so a list can be shared.
func (s *Server) handleModelList(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	q := c.QueryParams()
	cq, err := parseCatalogueQuery(q)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	base := i18n.Href(ctx, "/catalogue")
	// One URL per list: anything else (defaults spelled out, unknown
	// parameters, another order) redirects to it, so shared links and the
	// page cache see one form.
	if canon := cq.encode(cq.Page); canon != c.Request().URL.RawQuery {
		to := base
		if canon != "" {
			to += "?" + canon
		}
		return c.Redirect(http.StatusMovedPermanently, to)
	}
	filter := db.ModelFilter{
		Body: cq.Body, Fuel: cq.Fuel, Transmission: cq.Transmission, Seats: cq.Seats,
		Sort: cq.Sort, Page: cq.Page, PerPage: cataloguePerPage,
	}
	stamp := s.store.ContentVersion()
	list, err := memoized(s.memo, stamp, fmt.Sprintf("list %s %+v", lang, filter), func() (db.ModelList, error) {
		return s.store.ListModels(ctx, lang, filter)
	})
	if err != nil {
		return err
	}
	pages := max(1, (list.Total+cataloguePerPage-1)/cataloguePerPage)
	if cq.Page > pages {
		return echo.NewHTTPError(http.StatusNotFound, "no such page")
	}
	meta := s.pageMeta(c, "catalogue.title")
	meta.Section = "catalogue"
	meta.Description = i18n.T(ctx, "catalogue.lead")
	meta.NoIndex = cq.filtered() || cq.Page > 1
	return s.renderSharedAt(c, meta, stamp, "catalogue?"+cq.encode(cq.Page), func() (templ.Component, error) {
		return views.CatalogueContent(s.catalogueVM(ctx, cq, list, pages)), nil
	}, nil)
}

// catalogueVM builds the catalogue list page.
func (s *Server) catalogueVM(ctx context.Context, cq catalogueQuery, list db.ModelList, pages int) views.CatalogueVM {
	lang := i18n.Lang(ctx)
	base := i18n.Href(ctx, "/catalogue")
	seatOpts := []views.OptionVM{{Value: "", LabelID: "filter.any", Selected: cq.Seats == 0}}
	for _, n := range seatChoices {
		seatOpts = append(seatOpts, views.OptionVM{Value: strconv.Itoa(n), Label: i18n.FormatInt(ctx, n), Selected: n == cq.Seats})
	}
	sortOpts := make([]views.OptionVM, 0, len(db.ModelSorts))
	for _, v := range db.ModelSorts {
		sel := v == cq.Sort || (cq.Sort == "" && v == "featured")
		val := v
		if v == "featured" {
			val = ""
		}
		sortOpts = append(sortOpts, views.OptionVM{Value: val, LabelID: "sort." + v, Selected: sel})
	}
	vm := views.CatalogueVM{
		Body:         options(db.BodyTypes, cq.Body, "body.", "filter.any"),
		Fuel:         options(db.Fuels, cq.Fuel, "fuel.", "filter.any"),
		Transmission: options(db.Transmissions, cq.Transmission, "transmission.", "filter.any"),
		Seats:        seatOpts,
		Sort:         sortOpts,
		Filtered:     cq.filtered(),
		ResetHref:    base,
		Total:        list.Total,
		Pagination:   pagination(cq.Page, pages, func(p int) string { return withQuery(base, cq.encode(p)) }),
	}
	for _, m := range list.Items {
		vm.Items = append(vm.Items, modelCardVM(m, lang))
	}
	return vm
}

func withQuery(base, q string) string {
	if q == "" {
		return base
	}
	return base + "?" + q
}

// pagination builds the page links: first, last, and two either side of
// the current page, with gaps between.
func pagination(page, pages int, href func(int) string) views.PaginationVM {
	p := views.PaginationVM{Page: page, Pages: pages}
	if page > 1 {
		p.PrevHref = href(page - 1)
	}
	if page < pages {
		p.NextHref = href(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, views.PageLinkVM{Gap: true})
		}
		p.Links = append(p.Links, views.PageLinkVM{Number: n, Href: href(n), Current: n == page})
		last = n
	}
	return p
}

// handleModelShow shows a published model's page.
func (s *Server) handleModelShow(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	slug := c.Param("slug")
	if len(slug) > 80 {
		return echo.ErrNotFound
	}
	// The page shows this model alone: it is kept until this model is
	// published again (or shared content changes), whatever others do.
	stamp := s.store.ModelStamp(slug)
	m, err := memoized(s.memo, stamp, "model "+lang+" "+slug, func() (db.Model, error) {
		return s.store.ModelBySlug(ctx, lang, slug)
	})
	if errors.Is(err, db.ErrNotFound) {
		// A former slug: its page moved for good.
		if to, rerr := s.store.SlugRedirect(ctx, slug); rerr == nil {
			return c.Redirect(http.StatusMovedPermanently, i18n.Href(ctx, "/models/", to))
		}
	}
	if err != nil {
		return err
	}
	meta := s.pageMeta(c, "catalogue.title")
	meta.Title = m.Name.Value
	meta.Description = m.Tagline.Value
	meta.Section = "catalogue"
	offers, err := s.modelOffersBlock(c, m.ID)
	if err != nil {
		return err
	}
	return s.renderSharedAt(c, meta, stamp, "model "+m.Slug, func() (templ.Component, error) {
		return views.ModelContent(modelPageVM(m, lang)), nil
	}, offers)
}

// modelPageVM builds a model's page.
func modelPageVM(m db.Model, lang string) views.ModelPageVM {
	vm := views.ModelPageVM{
		Slug:        m.Slug,
		Name:        textVM(m.Name, lang),
		Tagline:     textVM(m.Tagline, lang),
		Description: textVM(m.Description, lang),
		BodyType:    m.BodyType,
		Seats:       m.Seats,
		ModelYear:   m.ModelYear,
		Specs:       specVMs(m.Specs, lang),
	}
	for i, t := range m.Trims {
		vm.Trims = append(vm.Trims, trimVM(t, lang))
		if i == 0 || t.Price.Minor < vm.PriceFrom.Minor {
			vm.PriceFrom = moneyVM(t.Price)
		}
		vm.PowerMaxHP = max(vm.PowerMaxHP, t.PowerHP)
	}
	for _, p := range m.Photos {
		vm.Photos = append(vm.Photos, imageVM(p, lang))
	}
	for _, b := range m.Brochures {
		vm.Brochures = append(vm.Brochures, views.BrochureVM{Href: mediaURL(b), Lang: b.Lang, Bytes: b.Bytes})
	}
	return vm
}

// maxCompare and minCompare bound how many trims a comparison shows.
const (
	minCompare = 2
	maxCompare = 4
)

// parseTrimIDs reads trims=1,2 or trims=1&trims=2 into distinct ids.
func parseTrimIDs(values []string) ([]int64, error) {
	var ids []int64
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, errors.New("bad trim id")
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			if len(ids) > 16 {
				return nil, errors.New("too many trims")
			}
		}
	}
	return ids, nil
}

// handleCompare compares 2–4 trims side by side, optionally only the rows
// that differ. Without a valid choice it shows the chooser and says why.
func (s *Server) handleCompare(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	q := c.QueryParams()
	vm := views.CompareVM{OnlyDiff: q.Get("diff") == "1"}
	status := http.StatusOK
	ids, err := parseTrimIDs(q["trims"])
	switch {
	case err != nil:
		status, vm.ErrorID = http.StatusBadRequest, "compare.error_garbage"
	case len(ids) > maxCompare:
		status, vm.ErrorID = http.StatusBadRequest, "compare.error_too_many"
	case len(ids) == 1:
		vm.ErrorID = "compare.error_too_few"
	}
	// A comparison shows trims of any models and offers every model's
	// trims to choose from: any publish retires it.
	stamp := s.store.ContentVersion()
	if vm.ErrorID == "" && len(ids) >= minCompare {
		trims, specs, err := s.store.TrimsWithSpecs(ctx, lang, ids)
		if err != nil {
			return err
		}
		if len(trims) != len(ids) {
			status, vm.ErrorID = http.StatusBadRequest, "compare.error_unknown"
		} else {
			for _, t := range trims {
				vm.Trims = append(vm.Trims, trimVM(t, lang))
			}
			vm.Specs = specVMs(specs, lang)
		}
	}
	if status == http.StatusOK && len(ids) > 0 {
		canon := url.Values{}
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = strconv.FormatInt(id, 10)
		}
		canon.Set("trims", strings.Join(parts, ","))
		all := canon.Encode()
		canon.Set("diff", "1")
		diff := canon.Encode()
		base := i18n.Href(ctx, "/compare")
		vm.AllHref, vm.DiffHref = base+"?"+all, base+"?"+diff
		want := all
		if vm.OnlyDiff {
			want = diff
		}
		if c.Request().URL.RawQuery != want {
			return c.Redirect(http.StatusMovedPermanently, base+"?"+want)
		}
	} else if status == http.StatusOK && c.Request().URL.RawQuery != "" && q.Get("diff") != "1" {
		return c.Redirect(http.StatusMovedPermanently, i18n.Href(ctx, "/compare"))
	}
	if status != http.StatusOK {
		vm.OnlyDiff = false
	}
	choices, err := memoized(s.memo, stamp, "choices "+lang, func() ([]db.ModelTrims, error) {
		return s.store.ListTrimChoices(ctx, lang)
	})
	if err != nil {
		return err
	}
	for _, mt := range choices {
		pm := views.PickerModelVM{Name: textVM(mt.Name, lang)}
		for _, t := range mt.Trims {
			pm.Trims = append(pm.Trims, views.PickerTrimVM{ID: t.ID, Name: textVM(t.Name, lang), Checked: slices.Contains(ids, t.ID)})
		}
		vm.Picker = append(vm.Picker, pm)
	}
	meta := s.pageMeta(c, "compare.title")
	meta.Section = "compare"
	meta.NoIndex = len(ids) > 0
	if status != http.StatusOK {
		return render(c, status, views.ComparePage(meta, vm))
	}
	return s.renderSharedAt(c, meta, stamp, "compare?"+c.Request().URL.RawQuery, func() (templ.Component, error) {
		return views.CompareContent(vm), nil
	}, nil)
}
