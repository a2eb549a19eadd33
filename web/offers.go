package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web/rates"
)

// offersPerPage is how many offers a list page shows: enough to compare,
// small enough to read on a phone between meetings.
const offersPerPage = 25

// maxCSVRows bounds an export.
const maxCSVRows = 20000

// offerRoutes registers the offers pages of investors and partners, and
// the staff pages of offers, requests and rates.
func (s *Server) offerRoutes(g *echo.Group) {
	s.route(g, "GET", "/offers", s.handleOfferList)
	s.route(g, "GET", "/offers/archive", s.handleOfferArchive)
	s.route(g, "GET", "/offers.csv", s.handleOfferCSV)
	s.route(g, "POST", "/offers/currency", s.handleOfferCurrency)
	s.route(g, "GET", "/offers/:id", s.handleOfferShow)
	s.route(g, "POST", "/offers/:id/follow", s.handleOfferFollow)
	s.route(g, "POST", "/offers/:id/unfollow", s.handleOfferUnfollow)
	s.route(g, "POST", "/offers/:id/interest", s.handleOfferInterest)

	s.route(g, "GET", "/staff/offers", s.handleStaffOfferList)
	s.route(g, "GET", "/staff/offers/new", s.handleOfferNewForm)
	s.route(g, "POST", "/staff/offers/new", s.handleOfferCreate)
	s.route(g, "GET", "/staff/offers/requests", s.handleOfferRequestList)
	s.route(g, "POST", "/staff/offers/requests/:id/reply", s.handleOfferRequestReply)
	s.route(g, "GET", "/staff/offers/:id", s.handleOfferEditForm)
	s.route(g, "POST", "/staff/offers/:id", s.handleOfferSave)
	s.route(g, "POST", "/staff/offers/:id/publish", s.handleOfferPublish)
	s.route(g, "POST", "/staff/offers/:id/archive", s.handleOfferArchiveAction)
	s.route(g, "POST", "/staff/offers/:id/delete", s.handleOfferDelete)
	s.route(g, "GET", "/staff/rates", s.handleRatesPage)
	s.route(g, "POST", "/staff/rates", s.handleRateCreate)
	s.route(g, "POST", "/staff/rates/import", s.handleRatesImport)
	// Offer versions: a published offer copied into a new draft.
	s.route(g, "POST", "/staff/offers/:id/copy", s.handleOfferCopy)
}

// today is the current day in Moscow, where offers' validity is counted,
// as midnight UTC of that date.
func (s *Server) today() time.Time {
	t := s.now().In(time.FixedZone("MSK", 3*3600))
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// converter converts offer prices with the latest rates on or before a
// day; it is built once per content version and day.
type converter struct {
	rates   map[string]db.RateRow
	perUnit map[string]*big.Rat
	factors map[[2]string]rates.Factor
}

func newConverter(rs map[string]db.RateRow) *converter {
	cv := &converter{rates: rs, perUnit: map[string]*big.Rat{}, factors: map[[2]string]rates.Factor{}}
	for code, r := range rs {
		pu, err := rates.Rate{Currency: code, Value: r.Value, Nominal: r.Nominal}.PerUnit()
		if err == nil {
			cv.perUnit[code] = pu
		}
	}
	cv.perUnit["RUB"] = big.NewRat(1, 1)
	for from, fpu := range cv.perUnit {
		for to, tpu := range cv.perUnit {
			if f, err := rates.NewFactor(from, fpu, to, tpu); err == nil {
				cv.factors[[2]string{from, to}] = f
			}
		}
	}
	return cv
}

// currencies are the currencies a viewer may choose: the ruble and every
// currency with a rate.
func (cv *converter) currencies() []string {
	out := []string{"RUB"}
	for _, c := range rates.OfferCurrencies[1:] {
		if _, ok := cv.perUnit[c]; ok {
			out = append(out, c)
		}
	}
	var rest []string
	for c := range cv.perUnit {
		if !slices.Contains(out, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// convert turns an amount into currency to; ok is false without a rate.
func (cv *converter) convert(m db.Money, to string) (int64, bool) {
	f, ok := cv.factors[[2]string{m.Currency, to}]
	if !ok {
		return 0, false
	}
	n, err := f.Apply(m.Minor)
	return n, err == nil
}

// notes are the rates a conversion between from and to used.
func (cv *converter) notes(from, to string) []views.RateNoteVM {
	var out []views.RateNoteVM
	for _, c := range []string{from, to} {
		if r, ok := cv.rates[c]; ok && c != "RUB" {
			out = append(out, views.RateNoteVM{Currency: c, Value: r.Value, Nominal: r.Nominal, Date: r.Date, Source: r.Source})
		}
	}
	return out
}

// converterFor returns the converter for today, kept until the next
// publish or rate change.
func (s *Server) converterFor(ctx context.Context, today time.Time) (*converter, error) {
	return memoized(s.memo, s.store.ContentVersion(), "rates "+db.Day(today), func() (*converter, error) {
		rs, err := s.store.LatestRates(ctx, today)
		if err != nil {
			return nil, err
		}
		return newConverter(rs), nil
	})
}

var (
	currencyRe  = regexp.MustCompile(`^[A-Z]{3}$`)
	offerSlugRe = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// viewerCurrency is the currency the viewer reads prices in: ?cur= when
// it names one with a rate, else their session's choice, else rubles.
func (s *Server) viewerCurrency(c echo.Context, cv *converter) string {
	ok := func(cur string) bool { return cur == "RUB" || cv.perUnit[cur] != nil }
	if q := c.QueryParam("cur"); currencyRe.MatchString(q) && ok(q) {
		return q
	}
	if v := viewerOf(c); v.session != nil {
		if cur := sessionCurrency(v.session); ok(cur) && cur != "" {
			return cur
		}
	}
	return "RUB"
}

// offerStatus is what an offer's state reads as today.
func offerStatus(o db.Offer, today time.Time) string {
	if o.Expired(today) {
		return "expired"
	}
	return o.Status
}

// offerRowVM builds an offer's view for a viewer reading in cur.
func offerRowVM(ctx context.Context, o db.Offer, lang, cur string, cv *converter, today time.Time) views.OfferRowVM {
	vm := views.OfferRowVM{
		ID: o.ID, Href: i18n.Href(ctx, "/offers/", idString(o.ID)), Model: textVM(o.ModelName, lang), Trim: textVM(o.TrimName, lang),
		HasTrim: o.TrimID != 0, BodyType: o.BodyType, Price: moneyVM(o.Price), MOQ: o.MOQ, Incoterm: o.Incoterm, Place: o.Place,
		LeadDays: o.LeadDays, ValidFrom: o.ValidFrom, ValidUntil: o.ValidUntil, Status: offerStatus(o, today),
		PriceChange: o.PriceChange, HasPrev: o.HasPrev, Demo: o.Demo, PublishedAt: o.PublishedAt,
		RubAtIssue: i18n.Money{Minor: o.RubMinor, Currency: "RUB"},
		IssueRate:  views.RateNoteVM{Currency: o.Price.Currency, Value: o.Rate.Value, Nominal: o.Rate.Nominal, Date: o.Rate.Date, Source: o.Rate.Source},
	}
	if cur != o.Price.Currency {
		if n, ok := cv.convert(o.Price, cur); ok {
			vm.Converted, vm.HasConverted = i18n.Money{Minor: n, Currency: cur}, true
			vm.Rates = cv.notes(o.Price.Currency, cur)
		} else {
			vm.NoRate = true
		}
	}
	for _, t := range o.Tiers {
		tv := views.TierVM{MinQty: t.MinQty, Price: i18n.Money{Minor: t.PriceMinor, Currency: o.Price.Currency}}
		if vm.HasConverted {
			if n, ok := cv.convert(db.Money{Minor: t.PriceMinor, Currency: o.Price.Currency}, cur); ok {
				tv.Converted, tv.HasConverted = i18n.Money{Minor: n, Currency: cur}, true
			}
		}
		vm.Tiers = append(vm.Tiers, tv)
	}
	pick := func(get func(db.OfferTexts) string) views.TextVM {
		if v := get(o.Texts[lang]); v != "" {
			return views.TextVM{Value: v, Lang: lang}
		}
		for _, l := range db.Langs {
			if v := get(o.Texts[l]); v != "" {
				return views.TextVM{Value: v, Lang: l, Fallback: true}
			}
		}
		return views.TextVM{}
	}
	vm.Warranty = pick(func(t db.OfferTexts) string { return t.Warranty })
	vm.AfterSales = pick(func(t db.OfferTexts) string { return t.AfterSales })
	vm.Notes = pick(func(t db.OfferTexts) string { return t.Notes })
	if o.PriceListName != "" {
		vm.PriceList = "/media/" + o.PriceListName
	}
	return vm
}

// offerQuery is the offers list's filter as read from the query string.
type offerQuery struct {
	Model, Body, Incoterm string
	ValidNow              bool
	Min, Max              string
	Page                  int
}

// parseOfferQuery reads the list's filters; values outside their sets are
// a bad request.
func parseOfferQuery(q url.Values) (offerQuery, error) {
	var oq offerQuery
	oq.Model = q.Get("model")
	if oq.Model != "" && (len(oq.Model) > 80 || !offerSlugRe.MatchString(oq.Model)) {
		return oq, errors.New("bad model")
	}
	oq.Body = q.Get("body")
	if oq.Body != "" && !slices.Contains(db.BodyTypes, oq.Body) {
		return oq, errors.New("bad body")
	}
	oq.Incoterm = q.Get("incoterm")
	if oq.Incoterm != "" && !slices.Contains(db.Incoterms, oq.Incoterm) {
		return oq, errors.New("bad incoterm")
	}
	switch q.Get("valid") {
	case "":
	case "1":
		oq.ValidNow = true
	default:
		return oq, errors.New("bad valid")
	}
	var err error
	if oq.Min, err = queryText(q, "min", 24); err != nil {
		return oq, err
	}
	if oq.Max, err = queryText(q, "max", 24); err != nil {
		return oq, err
	}
	if oq.Page, err = pageParam(q); err != nil {
		return oq, err
	}
	return oq, nil
}

// encode is the query string of the filter at page, with cur.
func (oq offerQuery) encode(page int, cur string) string {
	v := url.Values{}
	if oq.Model != "" {
		v.Set("model", oq.Model)
	}
	if oq.Body != "" {
		v.Set("body", oq.Body)
	}
	if oq.Incoterm != "" {
		v.Set("incoterm", oq.Incoterm)
	}
	if oq.ValidNow {
		v.Set("valid", "1")
	}
	if oq.Min != "" {
		v.Set("min", oq.Min)
	}
	if oq.Max != "" {
		v.Set("max", oq.Max)
	}
	if cur != "" {
		v.Set("cur", cur)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// parseAmount reads an amount typed in a currency's major units ("1 500
// 000,50") as minor units; false for anything else.
func parseAmount(s, currency string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "_", "").Replace(s)
	s = strings.ReplaceAll(s, ",", ".")
	if s == "" || strings.Count(s, ".") > 1 {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	d := rates.Decimals[currency]
	if _, ok := rates.Decimals[currency]; !ok {
		d = 2
	}
	if len(frac) > d || whole == "" || len(whole) > 15 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	frac += strings.Repeat("0", d-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// priceBounds converts the viewer's price range into each offer
// currency's minor units; a currency without a rate is left out, so its
// offers do not match a price filter. The second result is the message id
// of a bad range.
func priceBounds(oq offerQuery, cur string, cv *converter) (map[string][2]int64, string) {
	if oq.Min == "" && oq.Max == "" {
		return nil, ""
	}
	lo, hi := int64(0), int64(1<<62)
	var ok bool
	if oq.Min != "" {
		if lo, ok = parseAmount(oq.Min, cur); !ok {
			return nil, "offers.error.amount"
		}
	}
	if oq.Max != "" {
		if hi, ok = parseAmount(oq.Max, cur); !ok {
			return nil, "offers.error.amount"
		}
	}
	if hi < lo {
		return nil, "offers.error.range"
	}
	out := map[string][2]int64{}
	for _, oc := range rates.OfferCurrencies {
		a, ok1 := cv.convert(db.Money{Minor: lo, Currency: cur}, oc)
		b := int64(1 << 62)
		ok2 := true
		if oq.Max != "" {
			b, ok2 = cv.convert(db.Money{Minor: hi, Currency: cur}, oc)
		}
		if ok1 && ok2 {
			out[oc] = [2]int64{a, b}
		}
	}
	return out, ""
}

func (oq offerQuery) filter(scope string, today time.Time, bounds map[string][2]int64) db.OfferFilter {
	return db.OfferFilter{Scope: scope, Today: today, Model: oq.Model, Body: oq.Body, Incoterm: oq.Incoterm,
		ValidNow: oq.ValidNow, PriceBounds: bounds, Page: oq.Page, PerPage: offersPerPage}
}

func (s *Server) handleOfferList(c echo.Context) error    { return s.offerList(c, false) }
func (s *Server) handleOfferArchive(c echo.Context) error { return s.offerList(c, true) }

// offerList shows the current offers or the archive. A visitor learns only
// how many offers there are. The list itself is the same for everyone of a
// role reading in a currency on a day with a filter, so it is kept
// rendered until the next publish or rate change; the page around it (the
// currency switch, the offers the person follows) is kept for their
// session until then or until they follow or unfollow an offer.
func (s *Server) offerList(c echo.Context, archive bool) error {
	ctx := c.Request().Context()
	version := s.store.ContentVersion()
	lang := i18n.Lang(ctx)
	today := s.today()
	v := viewerOf(c)
	meta := s.pageMeta(c, "offers.title")
	meta.Section = "offers"
	meta.NoIndex = true
	if !v.loggedIn() {
		if archive {
			return c.Redirect(http.StatusSeeOther, loginURL(c))
		}
		n, err := s.store.CountCurrentOffers(ctx, 0, today)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, views.OffersTeaserPage(meta, views.OffersTeaserVM{Count: n, LoginHref: loginURL(c)}))
	}
	oq, err := parseOfferQuery(c.QueryParams())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	cv, err := s.converterFor(ctx, today)
	if err != nil {
		return err
	}
	cur := s.viewerCurrency(c, cv)
	// A currency asked for in the query stays in the page's links.
	linkCur := ""
	if c.QueryParam("cur") == cur {
		linkCur = cur
	}
	scope, path := "current", "/offers"
	if archive {
		scope, path = "archive", "/offers/archive"
		meta.Title = i18n.T(ctx, "offers.archive.title")
	}
	key := "offers " + scope + " " + cur + " " + db.Day(today) + " " + oq.encode(oq.Page, linkCur)
	content := func() (templ.Component, error) {
		bounds, rangeErr := priceBounds(oq, cur, cv)
		var list []db.Offer
		var total int
		if rangeErr == "" {
			var err error
			if list, total, err = s.store.ListOffers(ctx, lang, oq.filter(scope, today, bounds)); err != nil {
				return nil, err
			}
		}
		vm := s.offersPageVM(ctx, oq, cur, linkCur, list, total, path, archive, cv, today)
		vm.RangeErr = rangeErr
		return views.OffersContent(vm), nil
	}
	// The page's links (language switch, canonical, the currency form's
	// way back) carry its query as asked; the follows are read after
	// their version, so a follow made meanwhile only makes a new page.
	personal := c.Request().URL.RawQuery + " follows " + strconv.FormatInt(s.store.FollowsVersion(v.user.ID), 10)
	return s.renderSharedAround(c, version, meta, key, content, personal, func() (templ.Component, templ.Component, error) {
		follow, err := s.followedVM(ctx, v.user.ID, lang, cur, cv, today)
		if err != nil {
			return nil, nil, err
		}
		return views.OffersHead(archive, s.currencyFormVM(c, cur, cv)), views.FollowedList(follow), nil
	})
}

func (s *Server) currencyFormVM(c echo.Context, cur string, cv *converter) views.CurrencyFormVM {
	ctx := c.Request().Context()
	next := c.Request().URL.Path
	if q := c.Request().URL.Query(); len(q) > 0 {
		q.Del("cur")
		if e := q.Encode(); e != "" {
			next += "?" + e
		}
	}
	return views.CurrencyFormVM{Action: i18n.Href(ctx, "/offers/currency"), Next: next, Current: cur, Currencies: cv.currencies()}
}

func (s *Server) followedVM(ctx context.Context, uid int64, lang, cur string, cv *converter, today time.Time) (views.FollowedVM, error) {
	ids, err := s.store.FollowedOfferIDs(ctx, uid)
	if err != nil || len(ids) == 0 {
		return views.FollowedVM{}, err
	}
	// Drafts never show; expired and archived ones do, marked.
	list, _, err := s.store.ListOffers(ctx, lang, db.OfferFilter{Scope: "staff", IDs: ids, Today: today})
	if err != nil {
		return views.FollowedVM{}, err
	}
	var vm views.FollowedVM
	for _, o := range list {
		if o.Status != "draft" {
			vm.Rows = append(vm.Rows, offerRowVM(ctx, o, lang, cur, cv, today))
		}
	}
	return vm, nil
}

func (s *Server) offersPageVM(ctx context.Context, oq offerQuery, cur, linkCur string, list []db.Offer, total int, path string, archive bool, cv *converter, today time.Time) views.OffersPageVM {
	lang := i18n.Lang(ctx)
	vm := views.OffersPageVM{Archive: archive, Currency: cur, ValidNow: oq.ValidNow, Min: oq.Min, Max: oq.Max, Total: total,
		Filtered:  oq.Model != "" || oq.Body != "" || oq.Incoterm != "" || oq.ValidNow || oq.Min != "" || oq.Max != "",
		ResetHref: i18n.Href(ctx, path), CSVHref: i18n.Href(ctx, "/offers.csv") + "?" + oq.encode(1, cur), LinkCurrency: linkCur}
	if linkCur != "" {
		vm.ResetHref += "?cur=" + linkCur
	}
	if archive {
		vm.CSVHref += "&scope=archive"
	}
	vm.Model = []views.OptionVM{{Value: "", LabelID: "filter.any"}}
	models, _ := s.modelOptions(ctx, lang)
	for _, m := range models {
		m.Selected = m.Value == oq.Model
		vm.Model = append(vm.Model, m)
	}
	vm.Body = []views.OptionVM{{Value: "", LabelID: "filter.any"}}
	for _, b := range db.BodyTypes {
		vm.Body = append(vm.Body, views.OptionVM{Value: b, LabelID: "body." + b, Selected: b == oq.Body})
	}
	vm.Incoterm = []views.OptionVM{{Value: "", LabelID: "filter.any"}}
	for _, t := range db.Incoterms {
		vm.Incoterm = append(vm.Incoterm, views.OptionVM{Value: t, Label: t + " — " + i18n.T(ctx, "incoterm."+t), Selected: t == oq.Incoterm})
	}
	for _, o := range list {
		r := offerRowVM(ctx, o, lang, cur, cv, today)
		if linkCur != "" {
			r.Href += "?cur=" + linkCur
		}
		vm.Rows = append(vm.Rows, r)
	}
	pages := max(1, (total+offersPerPage-1)/offersPerPage)
	vm.Pagination = pagination(oq.Page, pages, func(p int) string {
		return i18n.Href(ctx, path) + "?" + oq.encode(p, linkCur)
	})
	return vm
}

// modelOptions are the published models for the model filter, kept until
// the next publish.
func (s *Server) modelOptions(ctx context.Context, lang string) ([]views.OptionVM, error) {
	return memoized(s.memo, s.store.ContentVersion(), "offer-models "+lang, func() ([]views.OptionVM, error) {
		choices, err := s.store.ListTrimChoices(ctx, lang)
		if err != nil {
			return nil, err
		}
		slugs, err := s.store.ModelSlugs(ctx)
		if err != nil {
			return nil, err
		}
		var out []views.OptionVM
		for _, m := range choices {
			out = append(out, views.OptionVM{Value: slugs[m.ModelID], Label: m.Name.Value})
		}
		return out, nil
	})
}

// handleOfferCurrency keeps the viewer's chosen currency in their session.
func (s *Server) handleOfferCurrency(c echo.Context) error {
	ctx := c.Request().Context()
	cv, err := s.converterFor(ctx, s.today())
	if err != nil {
		return err
	}
	cur := c.FormValue("currency")
	if !slices.Contains(cv.currencies(), cur) {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown currency")
	}
	v := viewerOf(c)
	setSessionCurrency(v.session, cur)
	if err := s.sessions.Save(c.Request(), c.Response(), v.session); err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"), i18n.Href(ctx, "/offers"))
	if !strings.HasPrefix(next, "/"+i18n.Lang(ctx)+"/") {
		next = i18n.Href(ctx, "/offers")
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// visibleOffer loads an offer a member may see: published or archived,
// never a draft (staff see drafts in the editor).
func (s *Server) visibleOffer(c echo.Context) (db.Offer, error) {
	id, err := pathID(c)
	if err != nil {
		return db.Offer{}, err
	}
	o, err := s.store.OfferByID(c.Request().Context(), i18n.Lang(c.Request().Context()), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && o.Status == "draft") {
		return db.Offer{}, echo.ErrNotFound
	}
	return o, err
}

// handleOfferShow shows one offer with its price history and forms.
func (s *Server) handleOfferShow(c echo.Context) error {
	o, err := s.visibleOffer(c)
	if err != nil {
		return err
	}
	return s.renderOffer(c, o, http.StatusOK, "", "", nil, c.QueryParam("done"))
}

var offerNotices = map[string]string{"followed": "offers.done.followed", "unfollowed": "offers.done.unfollowed", "interest": "offers.done.interest"}

func (s *Server) renderOffer(c echo.Context, o db.Offer, status int, qty, msg string, fe fieldErrors, done string) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	today := s.today()
	cv, err := s.converterFor(ctx, today)
	if err != nil {
		return err
	}
	cur := s.viewerCurrency(c, cv)
	v := viewerOf(c)
	ids, err := s.store.FollowedOfferIDs(ctx, v.user.ID)
	if err != nil {
		return err
	}
	base := "/offers/" + idString(o.ID)
	vm := views.OfferPageVM{
		Offer: offerRowVM(ctx, o, lang, cur, cv, today), Following: slices.Contains(ids, o.ID),
		FollowHref: i18n.Href(ctx, base+"/follow"), UnfollowHref: i18n.Href(ctx, base+"/unfollow"), InterestHref: i18n.Href(ctx, base+"/interest"),
		Quantity: views.FieldVM{ID: "interest-quantity", Name: "quantity", Type: "number", LabelID: "offers.field.quantity", HintID: "offers.quantity_hint",
			Value: qty, ErrorID: fe["quantity"], Required: true, Dir: "ltr", MaxLen: 9},
		Message: views.FieldVM{ID: "interest-message", Name: "message", Type: "textarea", LabelID: "offers.field.message",
			Value: msg, ErrorID: fe["message"], MaxLen: 4000},
		Errors:   errorSummary(fe, []string{"quantity", "message"}, "interest-", map[string]string{"quantity": "offers.field.quantity", "message": "offers.field.message"}),
		NoticeID: offerNotices[done],
		Currency: s.currencyFormVM(c, cur, cv),
	}
	if o.ReplacedBy != 0 {
		vm.ReplacedByHref = i18n.Href(ctx, "/offers/", idString(o.ReplacedBy))
	}
	hist, err := s.store.OfferHistory(ctx, lang, o.ModelID, o.TrimID)
	if err != nil {
		return err
	}
	for _, h := range hist {
		vm.History = append(vm.History, offerRowVM(ctx, h, lang, cur, cv, today))
	}
	vm.Chart = priceChart(ctx, vm.History, vm.Offer)
	meta := s.pageMeta(c, "offers.title")
	meta.Title = o.ModelName.Value
	if o.TrimID != 0 {
		meta.Title += " · " + o.TrimName.Value
	}
	meta.Section = "offers"
	meta.NoIndex = true
	return render(c, status, views.OfferPage(meta, vm))
}

// priceChart draws the history's prices in rubles at issue as a line.
func priceChart(ctx context.Context, hist []views.OfferRowVM, o views.OfferRowVM) views.ChartVM {
	const w, h, left, bottom, top, right = 640, 260, 130, 30, 10, 10
	name := o.Model.Value
	if o.HasTrim {
		name += " · " + o.Trim.Value
	}
	ch := views.ChartVM{Width: w, Height: h, Title: i18n.T(ctx, "offers.history.chart", "Name", name, "N", strconv.Itoa(len(hist)))}
	if len(hist) == 0 {
		return ch
	}
	lo, hi := hist[0].RubAtIssue.Minor, hist[0].RubAtIssue.Minor
	for _, p := range hist {
		lo, hi = min(lo, p.RubAtIssue.Minor), max(hi, p.RubAtIssue.Minor)
	}
	if hi == lo {
		hi, lo = hi+hi/10+1, max(0, lo-lo/10-1)
	}
	// Chart coordinates only: money is never computed in floating point.
	x := func(i int) float64 {
		if len(hist) == 1 {
			return left + float64(w-left-right)/2
		}
		return left + float64(i)*float64(w-left-right)/float64(len(hist)-1)
	}
	y := func(v int64) float64 {
		return top + float64(hi-v)/float64(hi-lo)*float64(h-top-bottom)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	var pts []string
	for i, p := range hist {
		pts = append(pts, f(x(i))+","+f(y(p.RubAtIssue.Minor)))
		ch.Dots = append(ch.Dots, views.ChartDotVM{X: f(x(i)), Y: f(y(p.RubAtIssue.Minor)),
			Label: i18n.FormatDate(ctx, p.PublishedAt) + ": " + i18n.FormatMoney(ctx, p.RubAtIssue)})
	}
	ch.Line = strings.Join(pts, " ")
	for _, v := range []int64{hi, lo} {
		ch.YLabels = append(ch.YLabels, views.ChartLabelVM{X: f(left - 4), Y: f(y(v) + 4), Label: shortRub(ctx, v)})
	}
	return ch
}

// shortRub writes a ruble amount in whole rubles, for an axis.
func shortRub(ctx context.Context, minor int64) string {
	return i18n.FormatMoney(ctx, i18n.Money{Minor: minor / 100 * 100, Currency: "RUB"})
}

func (s *Server) handleOfferFollow(c echo.Context) error { return s.offerFollow(c, true) }

func (s *Server) handleOfferUnfollow(c echo.Context) error { return s.offerFollow(c, false) }

func (s *Server) offerFollow(c echo.Context, follow bool) error {
	o, err := s.visibleOffer(c)
	if err != nil {
		return err
	}
	uid := viewerOf(c).user.ID
	done := "followed"
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		if follow {
			return tx.FollowOffer(uid, o.ID, s.now())
		}
		done = "unfollowed"
		return tx.UnfollowOffer(uid, o.ID)
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/offers/", idString(o.ID))+"?done="+done)
}

// maxQuantity bounds an interest's quantity.
const maxQuantity = 1_000_000

// handleOfferInterest records an expression of interest and tells staff.
func (s *Server) handleOfferInterest(c echo.Context) error {
	o, err := s.visibleOffer(c)
	if err != nil {
		return err
	}
	today := s.today()
	if offerStatus(o, today) != "published" {
		return echo.ErrNotFound
	}
	fe := fieldErrors{}
	qtyText, ok1 := formField(c, "quantity")
	msg, ok2 := formField(c, "message")
	if !ok1 || !ok2 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	qty, err := strconv.ParseInt(qtyText, 10, 64)
	switch {
	case qtyText == "":
		fe.add("quantity", "form.required")
	case err != nil || qty <= 0 || qty > maxQuantity:
		fe.add("quantity", "offers.error.quantity")
	}
	checkText(fe, "message", msg, false, 0, 4000, true)
	if len(fe) > 0 {
		return s.renderOffer(c, o, http.StatusUnprocessableEntity, qtyText, msg, fe, "")
	}
	v := viewerOf(c)
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		id, err := tx.CreateOfferRequest(o.ID, v.user.ID, qty, msg, s.now())
		if err != nil {
			return err
		}
		if err := s.mailStaffInterest(c.Request().Context(), tx, o.ID, *v.user, qty, msg); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.interest", "offer_request", id, fmt.Sprintf("offer %d, quantity %d", o.ID, qty)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/offers/", idString(o.ID))+"?done=interest")
}

// plainMoney writes minor units as a plain decimal with a dot, for CSV.
func plainMoney(m db.Money) string {
	d := rates.Decimals[m.Currency]
	if _, ok := rates.Decimals[m.Currency]; !ok {
		d = 2
	}
	s := strconv.FormatInt(m.Minor, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// handleOfferCSV exports the offers the person can see, filtered as the
// list is: UTF-8 with a byte order mark, so Excel reads Cyrillic right.
func (s *Server) handleOfferCSV(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	oq, err := parseOfferQuery(c.QueryParams())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	scope := "current"
	switch c.QueryParam("scope") {
	case "":
	case "archive":
		scope = "archive"
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "bad scope")
	}
	today := s.today()
	cv, err := s.converterFor(ctx, today)
	if err != nil {
		return err
	}
	cur := s.viewerCurrency(c, cv)
	bounds, rangeErr := priceBounds(oq, cur, cv)
	if rangeErr != "" {
		return echo.NewHTTPError(http.StatusBadRequest, "bad price range")
	}
	f := oq.filter(scope, today, bounds)
	f.Page, f.PerPage = 1, maxCSVRows
	list, _, err := s.store.ListOffers(ctx, lang, f)
	if err != nil {
		return err
	}
	T := func(id string) string { return i18n.T(ctx, id) }
	e := newCSVExport([]string{T("offers.csv.id"), T("offers.csv.model"), T("offers.csv.trim"), T("offers.csv.status"), T("offers.csv.price"),
		T("offers.csv.currency"), T("offers.csv.converted"), T("offers.csv.converted_currency"), T("offers.csv.rate_date"), T("offers.csv.rate_source"),
		T("offers.csv.rub_at_issue"), T("offers.csv.issue_rate"), T("offers.csv.issue_rate_date"), T("offers.csv.tiers"), T("offers.csv.moq"),
		T("offers.csv.incoterm"), T("offers.csv.place"), T("offers.csv.lead_days"), T("offers.csv.valid_from"), T("offers.csv.valid_until")})
	for _, o := range list {
		conv, convCur, rateDate, rateSrc := "", "", "", ""
		if n, ok := cv.convert(o.Price, cur); ok {
			conv, convCur = plainMoney(db.Money{Minor: n, Currency: cur}), cur
			if notes := cv.notes(o.Price.Currency, cur); len(notes) > 0 {
				var ds, ss []string
				for _, r := range notes {
					ds = append(ds, r.Currency+" "+db.Day(r.Date))
					ss = append(ss, r.Currency+" "+T("offers.source."+r.Source))
				}
				rateDate, rateSrc = strings.Join(ds, "; "), strings.Join(ss, "; ")
			}
		}
		var tiers []string
		for _, t := range o.Tiers {
			tiers = append(tiers, strconv.FormatInt(t.MinQty, 10)+"+: "+plainMoney(db.Money{Minor: t.PriceMinor, Currency: o.Price.Currency}))
		}
		issueRate := ""
		if o.Rate.Source != "rub" {
			issueRate = o.Rate.Value + " RUB / " + strconv.FormatInt(o.Rate.Nominal, 10) + " " + o.Price.Currency
		}
		row := []string{idString(o.ID), o.ModelName.Value, o.TrimName.Value, T("offers.status." + offerStatus(o, today)),
			plainMoney(o.Price), o.Price.Currency, conv, convCur, rateDate, rateSrc,
			plainMoney(db.Money{Minor: o.RubMinor, Currency: "RUB"}), issueRate, db.Day(o.Rate.Date), strings.Join(tiers, "; "),
			strconv.FormatInt(o.MOQ, 10), o.Incoterm, o.Place, strconv.Itoa(o.LeadDays), db.Day(o.ValidFrom), db.Day(o.ValidUntil)}
		e.row(row)
	}
	return e.send(c, "offers-"+db.Day(today)+".csv")
}

// ---- Staff: offers ----

func (s *Server) handleStaffOfferList(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	today := s.today()
	cv, err := s.converterFor(ctx, today)
	if err != nil {
		return err
	}
	list, _, err := s.store.ListOffers(ctx, lang, db.OfferFilter{Scope: "staff", Today: today, Page: 1, PerPage: 500})
	if err != nil {
		return err
	}
	vm := views.StaffOffersVM{NewHref: i18n.Href(ctx, "/staff/offers/new"), NoticeID: staffOfferNotices[c.QueryParam("done")]}
	for _, o := range list {
		r := offerRowVM(ctx, o, lang, "RUB", cv, today)
		r.Href = i18n.Href(ctx, "/staff/offers/", idString(o.ID))
		vm.Rows = append(vm.Rows, r)
	}
	return render(c, http.StatusOK, views.StaffOffersPage(s.adminMeta(c, "offers.staff.title"), vm))
}

var staffOfferNotices = map[string]string{
	"created": "offers.done.created", "saved": "offers.done.saved", "published": "offers.done.published",
	"archived": "offers.done.archived", "deleted": "offers.done.deleted", "replied": "offers.done.replied",
	"rates": "offers.done.rates", "copied": "offers.done.copied",
}

// offerForm is the staff editor's input, as typed.
type offerForm struct {
	Target     string // "m:ID" for a model, "t:ID" for a trim
	Price      string
	Currency   string
	MOQ        string
	Incoterm   string
	Place      string
	LeadDays   string
	ValidFrom  string
	ValidUntil string
	PriceList  string
	TierQty    [maxTiers]string
	TierPrice  [maxTiers]string
	Texts      map[string]db.OfferTexts
	// Replaces is the copy's "replace the original when published" box.
	Replaces bool
}

// maxTiers is how many volume tiers the editor offers.
const maxTiers = 4

var offerFieldOrder = []string{"target", "price", "currency", "moq", "incoterm", "place", "lead_days", "valid_from", "valid_until", "pricelist",
	"tier_qty_1", "tier_price_1", "tier_qty_2", "tier_price_2", "tier_qty_3", "tier_price_3", "tier_qty_4", "tier_price_4",
	"warranty_ru", "after_sales_ru", "notes_ru", "warranty_en", "after_sales_en", "notes_en", "warranty_fa", "after_sales_fa", "notes_fa"}

func offerFieldLabel(name string) string {
	switch {
	case strings.HasPrefix(name, "tier_qty"):
		return "offers.field.tier_qty"
	case strings.HasPrefix(name, "tier_price"):
		return "offers.field.tier_price"
	}
	base := name
	for _, l := range db.Langs {
		base = strings.TrimSuffix(base, "_"+l)
	}
	return "offers.field." + base
}

func readOfferForm(c echo.Context) (offerForm, bool) {
	f := offerForm{Texts: map[string]db.OfferTexts{}}
	ok := true
	get := func(name string) string {
		v, good := formField(c, name)
		ok = ok && good
		return v
	}
	f.Target, f.Price, f.Currency, f.MOQ = get("target"), get("price"), get("currency"), get("moq")
	f.Incoterm, f.Place, f.LeadDays = get("incoterm"), get("place"), get("lead_days")
	f.ValidFrom, f.ValidUntil, f.PriceList = get("valid_from"), get("valid_until"), get("pricelist")
	for i := range maxTiers {
		n := strconv.Itoa(i + 1)
		f.TierQty[i], f.TierPrice[i] = get("tier_qty_"+n), get("tier_price_"+n)
	}
	for _, l := range db.Langs {
		f.Texts[l] = db.OfferTexts{Warranty: get("warranty_" + l), AfterSales: get("after_sales_" + l), Notes: get("notes_" + l)}
	}
	switch get("replaces") {
	case "":
	case "1":
		f.Replaces = true
	default:
		ok = false
	}
	return f, ok
}

// validate checks the form and builds the stored input; problems are
// keyed by field name.
func (s *Server) validateOffer(ctx context.Context, f offerForm) (db.OfferInput, fieldErrors) {
	fe := fieldErrors{}
	var in db.OfferInput
	kind, idText, _ := strings.Cut(f.Target, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	switch {
	case f.Target == "":
		fe.add("target", "form.required")
	case err != nil || id <= 0 || (kind != "m" && kind != "t"):
		fe.add("target", "offers.error.target")
	case kind == "t":
		mid, err := s.store.TrimModel(ctx, id)
		if err != nil {
			fe.add("target", "offers.error.target")
		}
		in.ModelID, in.TrimID = mid, id
	default:
		in.ModelID = id
		slugs, err := s.store.ModelSlugs(ctx)
		if err != nil || slugs[id] == "" {
			fe.add("target", "offers.error.target")
		}
	}
	in.Price.Currency = f.Currency
	if !slices.Contains(rates.OfferCurrencies, f.Currency) {
		fe.add("currency", "offers.error.currency")
	}
	price, ok := parseAmount(f.Price, f.Currency)
	switch {
	case f.Price == "":
		fe.add("price", "form.required")
	case !ok || price <= 0:
		fe.add("price", "offers.error.price")
	}
	in.Price.Minor = price
	moq, err := strconv.ParseInt(f.MOQ, 10, 64)
	switch {
	case f.MOQ == "":
		fe.add("moq", "form.required")
	case err != nil || moq <= 0 || moq > maxQuantity:
		fe.add("moq", "offers.error.moq")
	}
	in.MOQ = moq
	in.Incoterm = f.Incoterm
	if !slices.Contains(db.Incoterms, f.Incoterm) {
		fe.add("incoterm", "offers.error.incoterm")
	}
	checkText(fe, "place", f.Place, true, 2, 120, false)
	in.Place = f.Place
	lead, err := strconv.Atoi(f.LeadDays)
	switch {
	case f.LeadDays == "":
		fe.add("lead_days", "form.required")
	case err != nil || lead < 0 || lead > 730:
		fe.add("lead_days", "offers.error.lead_days")
	}
	in.LeadDays = lead
	from, err1 := time.Parse("2006-01-02", f.ValidFrom)
	until, err2 := time.Parse("2006-01-02", f.ValidUntil)
	switch {
	case f.ValidFrom == "":
		fe.add("valid_from", "form.required")
	case err1 != nil:
		fe.add("valid_from", "offers.error.date")
	}
	switch {
	case f.ValidUntil == "":
		fe.add("valid_until", "form.required")
	case err2 != nil:
		fe.add("valid_until", "offers.error.date")
	case err1 == nil && until.Before(from):
		fe.add("valid_until", "offers.error.until_before_from")
	}
	in.ValidFrom, in.ValidUntil = from, until
	if f.PriceList != "" {
		pid, err := strconv.ParseInt(f.PriceList, 10, 64)
		if err != nil || pid <= 0 {
			fe.add("pricelist", "offers.error.pricelist")
		} else if mf, err := s.store.MediaFileByID(ctx, pid); err != nil || mf.Kind != "brochure" {
			fe.add("pricelist", "offers.error.pricelist")
		}
		in.PriceListID = pid
	}
	var prevQty int64
	prevPrice := price
	for i := range maxTiers {
		n := strconv.Itoa(i + 1)
		q, p := f.TierQty[i], f.TierPrice[i]
		if q == "" && p == "" {
			continue
		}
		qty, err := strconv.ParseInt(q, 10, 64)
		if err != nil || qty <= 0 || qty > maxQuantity {
			fe.add("tier_qty_"+n, "offers.error.tier_qty")
			continue
		}
		tp, ok := parseAmount(p, f.Currency)
		if !ok || tp <= 0 {
			fe.add("tier_price_"+n, "offers.error.price")
			continue
		}
		switch {
		case qty <= prevQty || (moq > 0 && qty <= moq):
			// Tiers start above the minimum order and rise: 100+, 500+, 1 000+.
			fe.add("tier_qty_"+n, "offers.error.tier_order")
		case tp > prevPrice:
			fe.add("tier_price_"+n, "offers.error.tier_price")
		}
		prevQty, prevPrice = qty, tp
		in.Tiers = append(in.Tiers, db.Tier{MinQty: qty, PriceMinor: tp})
	}
	in.Texts = f.Texts
	in.Replaces = f.Replaces
	for _, l := range db.Langs {
		t := f.Texts[l]
		checkText(fe, "warranty_"+l, t.Warranty, false, 0, 4000, true)
		checkText(fe, "after_sales_"+l, t.AfterSales, false, 0, 4000, true)
		checkText(fe, "notes_"+l, t.Notes, false, 0, 4000, true)
	}
	return in, fe
}

// formFromOffer fills the editor from a stored offer.
func formFromOffer(o db.Offer) offerForm {
	f := offerForm{Target: "m:" + idString(o.ModelID), Price: plainMoney(o.Price), Currency: o.Price.Currency,
		MOQ: strconv.FormatInt(o.MOQ, 10), Incoterm: o.Incoterm, Place: o.Place, LeadDays: strconv.Itoa(o.LeadDays),
		ValidFrom: db.Day(o.ValidFrom), ValidUntil: db.Day(o.ValidUntil), Texts: o.Texts, Replaces: o.Replaces}
	if o.TrimID != 0 {
		f.Target = "t:" + idString(o.TrimID)
	}
	if o.PriceListID != 0 {
		f.PriceList = idString(o.PriceListID)
	}
	for i, t := range o.Tiers {
		if i < maxTiers {
			f.TierQty[i] = strconv.FormatInt(t.MinQty, 10)
			f.TierPrice[i] = plainMoney(db.Money{Minor: t.PriceMinor, Currency: o.Price.Currency})
		}
	}
	return f
}

func (s *Server) offerFormVM(ctx context.Context, id int64, f offerForm, fe fieldErrors) (views.OfferFormVM, error) {
	lang := i18n.Lang(ctx)
	vm := views.OfferFormVM{ID: id, Action: i18n.Href(ctx, "/staff/offers/new"), Status: "draft"}
	if id != 0 {
		vm.Action = i18n.Href(ctx, "/staff/offers/", idString(id))
	}
	field := func(name, typ string, value string, required bool, maxLen int) views.FieldVM {
		return views.FieldVM{ID: "offer-" + name, Name: name, Type: typ, LabelID: offerFieldLabel(name), Value: value,
			ErrorID: fe[name], Required: required, MaxLen: maxLen}
	}
	choices, err := s.store.ListTrimChoices(ctx, lang)
	if err != nil {
		return vm, err
	}
	target := field("target", "select", f.Target, true, 0)
	target.Options = []views.OptionVM{{Value: "", LabelID: "offers.choose"}}
	for _, m := range choices {
		target.Options = append(target.Options, views.OptionVM{Value: "m:" + idString(m.ModelID), Label: m.Name.Value + " — " + i18n.T(ctx, "offers.whole_model")})
		for _, t := range m.Trims {
			target.Options = append(target.Options, views.OptionVM{Value: "t:" + idString(t.ID), Label: m.Name.Value + " · " + t.Name.Value})
		}
	}
	currency := field("currency", "select", f.Currency, true, 0)
	for _, c := range rates.OfferCurrencies {
		currency.Options = append(currency.Options, views.OptionVM{Value: c, Label: c})
	}
	if currency.Value == "" {
		currency.Value = "RUB"
	}
	incoterm := field("incoterm", "select", f.Incoterm, true, 0)
	incoterm.Options = []views.OptionVM{{Value: "", LabelID: "offers.choose"}}
	for _, t := range db.Incoterms {
		incoterm.Options = append(incoterm.Options, views.OptionVM{Value: t, Label: t + " — " + i18n.T(ctx, "incoterm."+t)})
	}
	pricelist := field("pricelist", "select", f.PriceList, false, 0)
	pricelist.Options = []views.OptionVM{{Value: "", LabelID: "offers.none"}}
	if files, err := s.store.MediaFiles(ctx); err == nil {
		for _, mf := range files {
			if mf.Kind == "brochure" {
				pricelist.Options = append(pricelist.Options, views.OptionVM{Value: idString(mf.ID), Label: mf.OriginalName})
			}
		}
	}
	price := field("price", "text", f.Price, true, 24)
	price.HintID, price.Dir = "offers.price_hint", "ltr"
	vm.Fields = []views.FieldVM{target, price, currency,
		field("moq", "number", f.MOQ, true, 9), incoterm, field("place", "text", f.Place, true, 120),
		field("lead_days", "number", f.LeadDays, true, 3), field("valid_from", "date", f.ValidFrom, true, 10),
		field("valid_until", "date", f.ValidUntil, true, 10), pricelist}
	for i := range maxTiers {
		n := strconv.Itoa(i + 1)
		q := field("tier_qty_"+n, "number", f.TierQty[i], false, 9)
		p := field("tier_price_"+n, "text", f.TierPrice[i], false, 24)
		q.Dir, p.Dir = "ltr", "ltr"
		vm.TierRows = append(vm.TierRows, views.TierFieldsVM{N: i + 1, Qty: q, Price: p})
	}
	for _, l := range db.Langs {
		t := f.Texts[l]
		w := field("warranty_"+l, "textarea", t.Warranty, false, 4000)
		a := field("after_sales_"+l, "textarea", t.AfterSales, false, 4000)
		nt := field("notes_"+l, "textarea", t.Notes, false, 4000)
		for _, fv := range []*views.FieldVM{&w, &a, &nt} {
			fv.Dir = langDirOf(l)
		}
		vm.Texts = append(vm.Texts, views.OfferTextFieldsVM{Lang: l, Warranty: w, AfterSales: a, Notes: nt})
	}
	vm.Replaces = f.Replaces
	labels := map[string]string{}
	for _, n := range offerFieldOrder {
		labels[n] = offerFieldLabel(n)
	}
	vm.Errors = errorSummary(fe, offerFieldOrder, "offer-", labels)
	return vm, nil
}

func langDirOf(l string) string {
	if l == "fa" {
		return "rtl"
	}
	return "ltr"
}

func (s *Server) handleOfferNewForm(c echo.Context) error {
	ctx := c.Request().Context()
	f := offerForm{Currency: "RUB", Texts: map[string]db.OfferTexts{}}
	today := s.today()
	f.ValidFrom, f.ValidUntil = db.Day(today), db.Day(today.AddDate(0, 3, 0))
	vm, err := s.offerFormVM(ctx, 0, f, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.OfferFormPage(s.adminMeta(c, "offers.staff.new"), vm))
}

func (s *Server) handleOfferCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, ok := readOfferForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	in, fe := s.validateOffer(ctx, f)
	if len(fe) > 0 {
		vm, err := s.offerFormVM(ctx, 0, f, fe)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.OfferFormPage(s.adminMeta(c, "offers.staff.new"), vm))
	}
	var id int64
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = tx.CreateOffer(in, viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.created", "offer", id, plainMoney(in.Price)+" "+in.Price.Currency))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/", idString(id))+"?done=created")
}

func (s *Server) staffOffer(c echo.Context) (db.Offer, error) {
	id, err := pathID(c)
	if err != nil {
		return db.Offer{}, err
	}
	o, err := s.store.OfferByID(c.Request().Context(), i18n.Lang(c.Request().Context()), id)
	if errors.Is(err, db.ErrNotFound) {
		return o, echo.ErrNotFound
	}
	return o, err
}

func (s *Server) handleOfferEditForm(c echo.Context) error {
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	return s.renderOfferEditor(c, o, http.StatusOK, formFromOffer(o), nil, staffOfferNotices[c.QueryParam("done")], "")
}

func (s *Server) renderOfferEditor(c echo.Context, o db.Offer, status int, f offerForm, fe fieldErrors, notice, errID string) error {
	ctx := c.Request().Context()
	vm, err := s.offerFormVM(ctx, o.ID, f, fe)
	if err != nil {
		return err
	}
	vm.Status = offerStatus(o, s.today())
	vm.NoticeID = notice
	if errID != "" {
		vm.NoticeID = errID
	}
	base := "/staff/offers/" + idString(o.ID)
	if o.CopiedFrom != 0 {
		vm.CopiedFrom, vm.CopiedFromHref = o.CopiedFrom, i18n.Href(ctx, "/staff/offers/", idString(o.CopiedFrom))
	}
	if o.ReplacedBy != 0 {
		vm.ReplacedBy, vm.ReplacedByHref = o.ReplacedBy, i18n.Href(ctx, "/staff/offers/", idString(o.ReplacedBy))
	}
	switch o.Status {
	case "draft":
		vm.PublishHref, vm.DeleteHref = i18n.Href(ctx, base+"/publish"), i18n.Href(ctx, base+"/delete")
		vm.ShowReplaces = o.CopiedFrom != 0
	case "published":
		vm.ArchiveHref = i18n.Href(ctx, base+"/archive")
		fallthrough
	default:
		vm.CopyHref = i18n.Href(ctx, base+"/copy")
		cv, err := s.converterFor(ctx, s.today())
		if err != nil {
			return err
		}
		row := offerRowVM(ctx, o, i18n.Lang(ctx), "RUB", cv, s.today())
		vm.Offer = &row
	}
	return render(c, status, views.OfferFormPage(s.adminMeta(c, "offers.staff.title"), vm))
}

func (s *Server) handleOfferSave(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	f, ok := readOfferForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	if o.Status != "draft" {
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.frozen")
	}
	in, fe := s.validateOffer(ctx, f)
	if len(fe) > 0 {
		return s.renderOfferEditor(c, o, http.StatusUnprocessableEntity, f, fe, "", "")
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveOffer(o.ID, in, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.saved", "offer", o.ID, plainMoney(in.Price)+" "+in.Price.Currency))
	})
	if errors.Is(err, db.ErrNotDraft) {
		return s.renderOfferEditor(c, o, http.StatusConflict, f, nil, "", "offers.error.frozen")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/", idString(o.ID))+"?done=saved")
}

// handleOfferPublish publishes a draft: the price in rubles and the rate
// used are computed now and frozen in the offer.
func (s *Server) handleOfferPublish(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	if o.Status != "draft" {
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.frozen")
	}
	now := s.now()
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		price, _, _, _, err := tx.OfferForPublish(o.ID)
		if err != nil {
			return err
		}
		fr := db.Frozen{RubMinor: price.Minor, Rate: db.RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: s.today(), Source: "rub"}}
		if price.Currency != "RUB" {
			rr, err := tx.RateOn(price.Currency, s.today())
			if err != nil {
				return err
			}
			pu, err := rates.Rate{Currency: rr.Currency, Value: rr.Value, Nominal: rr.Nominal}.PerUnit()
			if err != nil {
				return err
			}
			rub, err := rates.Convert(price.Minor, price.Currency, pu, "RUB", nil)
			if err != nil {
				return err
			}
			fr = db.Frozen{RubMinor: rub, Rate: rr}
		}
		if err := tx.PublishOffer(o.ID, fr, now); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s = %s RUB (rate %s/%d of %s, %s)", plainMoney(price), price.Currency, plainMoney(db.Money{Minor: fr.RubMinor, Currency: "RUB"}),
			fr.Rate.Value, fr.Rate.Nominal, db.Day(fr.Rate.Date), fr.Rate.Source)
		// A copy marked to replace its original archives it and takes
		// over its followers, who are told what changed.
		old, replaced, err := tx.ReplaceOffer(o.ID, now)
		if err != nil {
			return err
		}
		if replaced {
			cur, err := tx.OfferTermsByID(o.ID)
			if err != nil {
				return err
			}
			changes := strings.Join(db.VersionChanges(old, cur), ",")
			if err := s.notifyOfferFollowers(ctx, tx, o.ID, "offer_version", changes, versionMailData(old, cur)); err != nil {
				return err
			}
			detail += fmt.Sprintf("; replaces offer %d", old.ID)
		}
		return tx.Audit(s.auditEntry(c, "offer.published", "offer", o.ID, detail))
	})
	switch {
	case errors.Is(err, db.ErrNoRate):
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.no_rate")
	case errors.Is(err, rates.ErrOverflow):
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.overflow")
	case errors.Is(err, db.ErrNotDraft):
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.frozen")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/", idString(o.ID))+"?done=published")
}

func (s *Server) handleOfferArchiveAction(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.ArchiveOffer(o.ID, s.now()); err != nil {
			return err
		}
		if err := s.notifyOfferFollowers(ctx, tx, o.ID, "offer_withdrawn", "", nil); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.archived", "offer", o.ID, ""))
	})
	if errors.Is(err, db.ErrNotDraft) {
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.not_published")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/", idString(o.ID))+"?done=archived")
}

func (s *Server) handleOfferDelete(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.DeleteDraftOffer(o.ID); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.deleted", "offer", o.ID, ""))
	})
	if errors.Is(err, db.ErrNotDraft) {
		return s.renderOfferEditor(c, o, http.StatusConflict, formFromOffer(o), nil, "", "offers.error.frozen")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers")+"?done=deleted")
}

// ---- Staff: requests ----

func (s *Server) handleOfferRequestList(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := pageParam(c.QueryParams())
	if err != nil {
		return err
	}
	list, total, err := s.store.ListOfferRequests(ctx, i18n.Lang(ctx), page, adminPerPage)
	if err != nil {
		return err
	}
	vm := views.OfferRequestsVM{Total: total, NoticeID: staffOfferNotices[c.QueryParam("done")]}
	for _, r := range list {
		name := r.Model.Value
		if r.Trim.Value != "" {
			name += " · " + r.Trim.Value
		}
		vm.Rows = append(vm.Rows, views.OfferRequestVM{ID: r.ID, Person: r.Person, Company: r.Company, Email: r.Email,
			Offer: name, OfferHref: i18n.Href(ctx, "/staff/offers/", idString(r.OfferID)), Quantity: r.Quantity, Message: r.Message,
			Status: r.Status, CreatedAt: r.CreatedAt, ReplyHref: i18n.Href(ctx, "/staff/offers/requests/", idString(r.ID), "/reply")})
	}
	vm.Pagination = pagination(page, pageCount(total), func(p int) string {
		return i18n.Href(ctx, "/staff/offers/requests") + "?page=" + strconv.Itoa(p)
	})
	return render(c, http.StatusOK, views.OfferRequestsPage(s.adminMeta(c, "offers.requests.title"), vm))
}

// handleOfferRequestReply mails a staff reply to the person who expressed
// interest, through the outbox, and records it.
func (s *Server) handleOfferRequestReply(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	reply, ok := formField(c, "reply")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	fe := fieldErrors{}
	checkText(fe, "reply", reply, true, 2, 4000, true)
	if len(fe) > 0 {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "reply "+fe["reply"])
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		r, err := tx.OfferRequestByID(id)
		if err != nil {
			return err
		}
		if err := tx.MarkOfferRequestReplied(id, viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "offer.request_replied", "offer_request", id, reply)); err != nil {
			return err
		}
		to := recipient{Email: r.Email, Name: r.Person, Lang: r.Lang}
		return s.sendMail(tx, to, mailSpec{Kind: "offer_reply", Link: s.absURL(i18n.HrefLang(r.Lang, "/offers/"+idString(r.OfferID))),
			Data: []any{"Reply", reply, "Quantity", strconv.FormatInt(r.Quantity, 10)}})
	})
	if errors.Is(err, db.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/requests")+"?done=replied")
}

// ---- Staff: exchange rates ----

func (s *Server) ratesVM(ctx context.Context, f map[string]string, fe fieldErrors) (views.RatesPageVM, error) {
	vm := views.RatesPageVM{ManualAction: i18n.Href(ctx, "/staff/rates"), ImportAction: i18n.Href(ctx, "/staff/rates/import")}
	list, err := s.store.ListRates(ctx, 60)
	if err != nil {
		return vm, err
	}
	for _, r := range list {
		vm.Rates = append(vm.Rates, views.RateNoteVM{Currency: r.Currency, Value: r.Value, Nominal: r.Nominal, Date: r.Date, Source: r.Source})
	}
	field := func(name, typ string, required bool, maxLen int) views.FieldVM {
		return views.FieldVM{ID: "rate-" + name, Name: name, Type: typ, LabelID: "offers.rates.field." + name, Value: f[name],
			ErrorID: fe[name], Required: required, Dir: "ltr", MaxLen: maxLen}
	}
	cur := field("currency", "text", true, 3)
	cur.HintID = "offers.rates.currency_hint"
	val := field("value", "text", true, 24)
	val.HintID = "offers.rates.value_hint"
	vm.Fields = []views.FieldVM{field("date", "date", true, 10), cur, field("nominal", "number", true, 9), val}
	vm.Errors = errorSummary(fe, []string{"date", "currency", "nominal", "value"}, "rate-",
		map[string]string{"date": "offers.rates.field.date", "currency": "offers.rates.field.currency", "nominal": "offers.rates.field.nominal", "value": "offers.rates.field.value"})
	return vm, nil
}

func (s *Server) handleRatesPage(c echo.Context) error {
	ctx := c.Request().Context()
	vm, err := s.ratesVM(ctx, map[string]string{"date": db.Day(s.today()), "nominal": "1"}, nil)
	if err != nil {
		return err
	}
	vm.NoticeID = staffOfferNotices[c.QueryParam("done")]
	return render(c, http.StatusOK, views.RatesPage(s.adminMeta(c, "offers.rates.title"), vm))
}

// handleRateCreate stores a rate entered by hand.
func (s *Server) handleRateCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := map[string]string{}
	for _, n := range []string{"date", "currency", "nominal", "value"} {
		v, ok := formField(c, n)
		if !ok {
			return echo.NewHTTPError(http.StatusBadRequest, "bad text")
		}
		f[n] = v
	}
	fe := fieldErrors{}
	day, err := time.Parse("2006-01-02", f["date"])
	switch {
	case f["date"] == "":
		fe.add("date", "form.required")
	case err != nil:
		fe.add("date", "offers.error.date")
	case day.After(s.today().AddDate(0, 0, rates.MaxDaysFromToday)):
		fe.add("date", "offers.rates.error.future")
	}
	f["currency"] = strings.ToUpper(f["currency"])
	switch {
	case f["currency"] == "":
		fe.add("currency", "form.required")
	case !currencyRe.MatchString(f["currency"]) || f["currency"] == "RUB":
		fe.add("currency", "offers.error.currency")
	}
	nominal, err := strconv.ParseInt(f["nominal"], 10, 64)
	if err != nil || nominal <= 0 || nominal > 1_000_000_000 {
		fe.add("nominal", "offers.rates.error.nominal")
	}
	_, canon, err := rates.ParseDecimal(f["value"])
	switch {
	case f["value"] == "":
		fe.add("value", "form.required")
	case err != nil:
		fe.add("value", "offers.rates.error.rate_value")
	}
	if len(fe) > 0 {
		vm, err := s.ratesVM(ctx, f, fe)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.RatesPage(s.adminMeta(c, "offers.rates.title"), vm))
	}
	uid := viewerOf(c).user.ID
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveRates([]db.RateRow{{Date: day, Currency: f["currency"], Value: canon, Nominal: nominal, Source: "manual", EnteredBy: uid}}, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "rates.entered", "rate", 0, f["currency"]+" "+canon+"/"+f["nominal"]+" "+f["date"]))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/rates")+"?done=rates")
}

// handleRatesImport imports the Bank of Russia daily file in one
// transaction: a refused file changes nothing.
func (s *Server) handleRatesImport(c echo.Context) error {
	ctx := c.Request().Context()
	refuse := func(code, detail string) error {
		vm, err := s.ratesVM(ctx, map[string]string{"date": db.Day(s.today()), "nominal": "1"}, nil)
		if err != nil {
			return err
		}
		vm.ImportError, vm.ImportDetail = "offers.rates.error."+code, detail
		return render(c, http.StatusUnprocessableEntity, views.RatesPage(s.adminMeta(c, "offers.rates.title"), vm))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse("nofile", "")
	}
	if fh.Size > rates.MaxFileBytes {
		return refuse(rates.ErrCodeMalformed, "")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(f, rates.MaxFileBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	daily, err := rates.ParseCBR(b, s.today())
	var ie *rates.ImportError
	if errors.As(err, &ie) {
		return refuse(ie.Code, ie.Detail)
	}
	if err != nil {
		return err
	}
	uid := viewerOf(c).user.ID
	rows := make([]db.RateRow, 0, len(daily.Rates))
	for _, r := range daily.Rates {
		rows = append(rows, db.RateRow{Date: r.Date, Currency: r.Currency, Value: r.Value, Nominal: r.Nominal, Source: "cbr", EnteredBy: uid})
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveRates(rows, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "rates.imported", "rate", 0, fmt.Sprintf("Bank of Russia %s: %d rates", db.Day(daily.Date), len(rows))))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/rates")+"?done=rates")
}

// modelOffersBlock is the offers part of a model page: a teaser for a
// visitor, the current offers for anyone logged in, kept per language,
// role, currency and day until the next publish.
func (s *Server) modelOffersBlock(c echo.Context, modelID int64) (templ.Component, error) {
	ctx := c.Request().Context()
	today := s.today()
	v := viewerOf(c)
	if !v.loggedIn() {
		n, err := s.store.CountCurrentOffers(ctx, modelID, today)
		if err != nil {
			return nil, err
		}
		return views.ModelOffersTeaser(views.OffersTeaserVM{Count: n, LoginHref: loginURL(c)}), nil
	}
	cv, err := s.converterFor(ctx, today)
	if err != nil {
		return nil, err
	}
	cur := s.viewerCurrency(c, cv)
	lang := i18n.Lang(ctx)
	html, err := memoized(s.memo, s.store.ContentVersion(), "html "+lang+" "+v.user.Role+" model-offers "+idString(modelID)+" "+cur+" "+db.Day(today), func() (string, error) {
		list, _, err := s.store.ListOffers(ctx, lang, db.OfferFilter{Scope: "current", Today: today, ModelID: modelID, Page: 1, PerPage: 20})
		if err != nil {
			return "", err
		}
		var rows []views.OfferRowVM
		for _, o := range list {
			rows = append(rows, offerRowVM(ctx, o, lang, cur, cv, today))
		}
		var b strings.Builder
		if err := views.ModelOffers(rows).Render(ctx, &b); err != nil {
			return "", err
		}
		return b.String(), nil
	})
	if err != nil {
		return nil, err
	}
	return templ.Raw(html), nil
}
