package web

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// shipmentsPerPage is how many records a page of the staff list shows.
const shipmentsPerPage = 50

// shipmentRoutes registers the export dashboard and the staff's shipment
// records.
func (s *Server) shipmentRoutes(g *echo.Group) {
	s.route(g, "GET", "/dashboard", s.handleDashboard)
	s.route(g, "GET", "/dashboard.csv", s.handleDashboardCSV)
	s.route(g, "GET", "/staff/shipments", s.handleShipmentList)
	s.route(g, "POST", "/staff/shipments", s.handleShipmentCreate)
	s.route(g, "POST", "/staff/shipments/markets", s.handleMarketCreate)
	s.route(g, "POST", "/staff/shipments/import", s.handleShipmentImport)
	s.route(g, "POST", "/staff/shipments/import/confirm", s.handleShipmentImportConfirm)
	s.route(g, "GET", "/staff/shipments/:id", s.handleShipmentEditForm)
	s.route(g, "POST", "/staff/shipments/:id", s.handleShipmentSave)
	s.route(g, "POST", "/staff/shipments/:id/delete", s.handleShipmentDelete)
}

// currentMonth is the month it is in Moscow, where the export department
// counts.
func (s *Server) currentMonth() string { return db.MonthOf(s.today()) }

// shipmentRefs loads the markets and models records may name.
func (s *Server) shipmentRefs(ctx context.Context) (*shipmentRefs, error) {
	markets, err := s.store.ListMarkets(ctx)
	if err != nil {
		return nil, err
	}
	models, err := s.store.ListShipmentModels(ctx)
	if err != nil {
		return nil, err
	}
	return newShipmentRefs(markets, models), nil
}

// staffMeta is the layout data of a staff page in a section of the staff
// bar: never indexed.
func (s *Server) staffMeta(c echo.Context, titleID, section string) views.PageMeta {
	m := s.pageMeta(c, titleID)
	m.NoIndex = true
	m.Section = section
	return m
}

// shipmentForm is the form of one record as typed.
type shipmentForm struct {
	Month, Market, Model, Units string
}

// readShipmentForm reads the form; false when a field is not UTF-8.
func readShipmentForm(c echo.Context) (shipmentForm, bool) {
	var f shipmentForm
	for _, p := range []struct {
		dst  *string
		name string
	}{{&f.Month, "month"}, {&f.Market, "market"}, {&f.Model, "model"}, {&f.Units, "units"}} {
		v, ok := formField(c, p.name)
		if !ok {
			return f, false
		}
		*p.dst = v
	}
	return f, true
}

// Validate checks the form against the markets and models and the current
// month, and returns the record it describes.
func (f shipmentForm) Validate(refs *shipmentRefs, current string) (db.ShipmentInput, fieldErrors) {
	fe := fieldErrors{}
	var in db.ShipmentInput
	if f.Month == "" {
		fe.add("month", "form.required")
	} else if m, id := checkMonth(f.Month, current); id != "" {
		fe.add("month", id)
	} else {
		in.Month = m
	}
	in.MarketID = refField(fe, "market", f.Market, func(id int64) bool { _, ok := refs.market(id); return ok })
	in.ModelID = refField(fe, "model", f.Model, func(id int64) bool { _, ok := refs.model(id); return ok })
	if f.Units == "" {
		fe.add("units", "form.required")
	} else if n, ok := parseUnits(f.Units); !ok {
		fe.add("units", "shipments.error.units")
	} else {
		in.Units = n
	}
	return in, fe
}

var shipmentFormOrder = []string{"month", "market", "model", "units"}

var shipmentFormLabels = map[string]string{"month": "shipments.field.month", "market": "shipments.field.market",
	"model": "shipments.field.model", "units": "shipments.field.units"}

// marketOptions are the markets as select options in the page's language.
// refField reads the id chosen in the select named field: required, and one
// that exists; otherwise it notes the problem in fe and returns 0.
func refField(fe fieldErrors, field, value string, exists func(int64) bool) int64 {
	if value == "" {
		fe.add(field, "form.required")
		return 0
	}
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || !exists(id) {
		fe.add(field, "shipments.error."+field)
		return 0
	}
	return id
}

func marketOptions(ctx context.Context, refs *shipmentRefs, emptyID string) []views.OptionVM {
	lang := i18n.Lang(ctx)
	out := []views.OptionVM{{Value: "", LabelID: emptyID}}
	for _, m := range refs.markets {
		out = append(out, views.OptionVM{Value: idString(m.ID), Label: m.Name.In(lang).Value})
	}
	return out
}

// modelOptions are the catalogue's models as select options.
func modelOptions(ctx context.Context, refs *shipmentRefs, emptyID string) []views.OptionVM {
	lang := i18n.Lang(ctx)
	out := []views.OptionVM{{Value: "", LabelID: emptyID}}
	for _, m := range refs.models {
		label := m.Name(lang).Value
		if m.Status == "archived" {
			label += " (" + i18n.T(ctx, "shipments.archived") + ")"
		}
		out = append(out, views.OptionVM{Value: idString(m.ID), Label: label})
	}
	return out
}

// shipmentFormVM builds a record's form with its values and problems.
func shipmentFormVM(ctx context.Context, action string, f shipmentForm, fe fieldErrors, refs *shipmentRefs, prefix string) views.ShipmentFormVM {
	return views.ShipmentFormVM{
		Action: action,
		Errors: errorSummary(fe, shipmentFormOrder, prefix, shipmentFormLabels),
		Fields: []views.FieldVM{
			{ID: prefix + "month", Name: "month", Type: "month", LabelID: "shipments.field.month", HintID: "shipments.field.month_hint",
				Value: f.Month, ErrorID: fe["month"], Required: true, Dir: "ltr", MaxLen: 7},
			{ID: prefix + "market", Name: "market", Type: "select", LabelID: "shipments.field.market", Value: f.Market,
				ErrorID: fe["market"], Required: true, Options: marketOptions(ctx, refs, "shipments.choose")},
			{ID: prefix + "model", Name: "model", Type: "select", LabelID: "shipments.field.model", Value: f.Model,
				ErrorID: fe["model"], Required: true, Options: modelOptions(ctx, refs, "shipments.choose")},
			{ID: prefix + "units", Name: "units", Type: "text", LabelID: "shipments.field.units", HintID: "shipments.field.units_hint",
				Value: f.Units, ErrorID: fe["units"], Required: true, Dir: "ltr", MaxLen: 12},
		},
	}
}

// marketForm is the form to add a market as typed.
type marketForm struct {
	Code string
	Name db.L10n
}

var marketCodeRe = regexp.MustCompile(`^[a-z][a-z0-9-]{1,19}$`)

var marketFormOrder = []string{"code", "name_ru", "name_en", "name_fa"}

var marketFormLabels = map[string]string{"code": "shipments.market.code", "name_ru": "shipments.market.name_ru",
	"name_en": "shipments.market.name_en", "name_fa": "shipments.market.name_fa"}

// Validate checks the code and the names; a code or a name another market
// already has would make CSV lines ambiguous, so it is refused.
func (f marketForm) Validate(refs *shipmentRefs) fieldErrors {
	fe := fieldErrors{}
	switch {
	case f.Code == "":
		fe.add("code", "form.required")
	case !marketCodeRe.MatchString(f.Code):
		fe.add("code", "shipments.market.error.code")
	case refs.marketBy[db.Fold(f.Code)] != 0:
		fe.add("code", "shipments.market.error.exists")
	}
	for _, n := range []struct{ field, v string }{{"name_ru", f.Name.RU}, {"name_en", f.Name.EN}, {"name_fa", f.Name.FA}} {
		checkText(fe, n.field, n.v, true, 1, 80, false)
		if _, bad := fe[n.field]; !bad && refs.marketBy[db.Fold(n.v)] != 0 {
			fe.add(n.field, "shipments.market.error.name_exists")
		}
	}
	return fe
}

func marketFormVM(action string, f marketForm, fe fieldErrors) views.MarketFormVM {
	field := func(name, label, value, dir string) views.FieldVM {
		return views.FieldVM{ID: "market-" + name, Name: name, Type: "text", LabelID: label, Value: value, ErrorID: fe[name],
			Required: true, Dir: dir, MaxLen: 80}
	}
	code := field("code", "shipments.market.code", f.Code, "ltr")
	code.HintID, code.MaxLen = "shipments.market.code_hint", 20
	return views.MarketFormVM{
		Action: action,
		Errors: errorSummary(fe, marketFormOrder, "market-", marketFormLabels),
		Fields: []views.FieldVM{code, field("name_ru", "shipments.market.name_ru", f.Name.RU, "ltr"),
			field("name_en", "shipments.market.name_en", f.Name.EN, "ltr"), field("name_fa", "shipments.market.name_fa", f.Name.FA, "rtl")},
	}
}

// shipmentQuery is the list's filter as read from the query string.
type shipmentQuery struct {
	Year             int
	Market, Model    int64
	Page             int
	year, mkt, model string
}

// parseShipmentQuery reads the list's filters; anything malformed is a
// bad request.
func parseShipmentQuery(q url.Values) (shipmentQuery, error) {
	var sq shipmentQuery
	bad := echo.NewHTTPError(http.StatusBadRequest, "bad filter")
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2999 || len(v) != 4 {
			return sq, bad
		}
		sq.Year, sq.year = y, v
	}
	for _, p := range []struct {
		name string
		dst  *int64
		raw  *string
	}{{"market", &sq.Market, &sq.mkt}, {"model", &sq.Model, &sq.model}} {
		if v := q.Get(p.name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 || len(v) > 18 {
				return sq, bad
			}
			*p.dst, *p.raw = id, v
		}
	}
	var err error
	sq.Page, err = pageParam(q)
	return sq, err
}

func (sq shipmentQuery) encode(page int) string {
	v := url.Values{}
	if sq.year != "" {
		v.Set("year", sq.year)
	}
	if sq.mkt != "" {
		v.Set("market", sq.mkt)
	}
	if sq.model != "" {
		v.Set("model", sq.model)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// shipmentNotice is the message after an action, from the redirect's
// query.
func shipmentNotice(ctx context.Context, q url.Values) string {
	switch q.Get("done") {
	case "added":
		return i18n.T(ctx, "shipments.done.added")
	case "saved":
		return i18n.T(ctx, "shipments.done.saved")
	case "deleted":
		return i18n.T(ctx, "shipments.done.deleted")
	case "market":
		return i18n.T(ctx, "shipments.done.market")
	case "imported":
		n, err1 := strconv.Atoi(q.Get("new"))
		r, err2 := strconv.Atoi(q.Get("replaced"))
		if err1 != nil || err2 != nil || n < 0 || r < 0 {
			return ""
		}
		return i18n.T(ctx, "shipments.done.imported", "New", i18n.FormatInt(ctx, n), "Replaced", i18n.FormatInt(ctx, r))
	}
	return ""
}

func (s *Server) uploadFormVM(ctx context.Context, errText string) views.UploadFormVM {
	return views.UploadFormVM{Action: i18n.Href(ctx, "/staff/shipments/import"), Error: errText,
		MaxLines: maxShipmentCSVLines, MaxKB: maxShipmentCSVBytes >> 10}
}

// shipmentsPageVM builds the staff's page for the query, with the forms
// as given.
func (s *Server) shipmentsPageVM(c echo.Context, sq shipmentQuery, refs *shipmentRefs, record views.ShipmentFormVM, market views.MarketFormVM, upload views.UploadFormVM) (views.ShipmentsPageVM, error) {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	rows, total, err := s.store.ListShipments(ctx, lang, db.ShipmentFilter{Year: sq.Year, MarketID: sq.Market, ModelID: sq.Model,
		Page: sq.Page, PerPage: shipmentsPerPage})
	if err != nil {
		return views.ShipmentsPageVM{}, err
	}
	first, _, err := s.store.ShipmentMonths(ctx)
	if err != nil {
		return views.ShipmentsPageVM{}, err
	}
	cur := s.currentMonth()
	years := []views.OptionVM{{Value: "", LabelID: "shipments.filter.all_years"}}
	lo := cur[:4]
	if first != "" && first[:4] < lo {
		lo = first[:4]
	}
	yLo, _ := strconv.Atoi(lo)
	yHi, _ := strconv.Atoi(cur[:4])
	for y := yHi; y >= yLo; y-- {
		years = append(years, views.OptionVM{Value: strconv.Itoa(y), Label: i18n.From(ctx).Year(y)})
	}
	path := i18n.Href(ctx, "/staff/shipments")
	vm := views.ShipmentsPageVM{
		NoticeText:    shipmentNotice(ctx, c.QueryParams()),
		FilterAction:  path,
		Year:          sq.year,
		Market:        sq.mkt,
		Model:         sq.model,
		YearOptions:   years,
		MarketOptions: marketOptions(ctx, refs, "shipments.filter.all_markets"),
		ModelOptions:  modelOptions(ctx, refs, "shipments.filter.all_models"),
		Total:         total,
		Record:        record,
		MarketForm:    market,
		Upload:        upload,
		DashboardHref: i18n.Href(ctx, "/dashboard"),
	}
	for _, r := range rows {
		vm.Rows = append(vm.Rows, views.ShipmentRowVM{Href: i18n.Href(ctx, "/staff/shipments/", idString(r.ID)), Month: monthLabel(ctx, r.Month),
			Market: r.MarketName.In(lang).Value, Model: textVM(r.ModelName, lang), Units: r.Units, Demo: r.Demo})
	}
	pages := max(1, (total+shipmentsPerPage-1)/shipmentsPerPage)
	vm.Pagination = pagination(sq.Page, pages, func(p int) string {
		if q := sq.encode(p); q != "" {
			return path + "?" + q
		}
		return path
	})
	return vm, nil
}

// renderShipmentsPage renders the staff's page at status with the forms
// given (nil for fresh ones) and the list unfiltered.
func (s *Server) renderShipmentsPage(c echo.Context, status int, refs *shipmentRefs, record *views.ShipmentFormVM, market *views.MarketFormVM, upload *views.UploadFormVM) error {
	ctx := c.Request().Context()
	if record == nil {
		r := shipmentFormVM(ctx, i18n.Href(ctx, "/staff/shipments"), shipmentForm{Month: s.currentMonth()}, nil, refs, "shipment-")
		record = &r
	}
	if market == nil {
		m := marketFormVM(i18n.Href(ctx, "/staff/shipments/markets"), marketForm{}, nil)
		market = &m
	}
	if upload == nil {
		u := s.uploadFormVM(ctx, "")
		upload = &u
	}
	sq, err := parseShipmentQuery(c.QueryParams())
	if err != nil {
		return err
	}
	if c.Request().Method == http.MethodPost {
		sq = shipmentQuery{Page: 1}
	}
	vm, err := s.shipmentsPageVM(c, sq, refs, *record, *market, *upload)
	if err != nil {
		return err
	}
	return render(c, status, views.ShipmentsPage(s.staffMeta(c, "shipments.title", "shipments"), vm))
}

// handleShipmentList lists the records, filtered, with the forms.
func (s *Server) handleShipmentList(c echo.Context) error {
	refs, err := s.shipmentRefs(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderShipmentsPage(c, http.StatusOK, refs, nil, nil, nil)
}

// handleShipmentCreate stores one record; the same month, market and
// model again is refused with a link to the record that has them.
func (s *Server) handleShipmentCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, ok := readShipmentForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	action := i18n.Href(ctx, "/staff/shipments")
	in, fe := f.Validate(refs, s.currentMonth())
	if len(fe) == 0 {
		var id int64
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			if id, err = tx.CreateShipment(in, viewerOf(c).user.ID, s.now()); err != nil {
				return err
			}
			return tx.Audit(s.auditEntry(c, "shipment.created", "shipment", id, shipmentDetail(refs, in)))
		})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, action+"?done=added")
		}
		if !errors.Is(err, db.ErrShipmentExists) {
			return err
		}
		fe.add("month", "shipments.error.exists")
	}
	vm := shipmentFormVM(ctx, action, f, fe, refs, "shipment-")
	vm.ExistingHref = s.existingHref(ctx, in, fe)
	return s.renderShipmentsPage(c, http.StatusUnprocessableEntity, refs, &vm, nil, nil)
}

// existingHref links the record holding the month, market and model of
// in, when that was the form's problem.
func (s *Server) existingHref(ctx context.Context, in db.ShipmentInput, fe fieldErrors) string {
	if fe["month"] != "shipments.error.exists" {
		return ""
	}
	id, err := s.store.ShipmentIDByKey(ctx, db.ShipmentKey{Month: in.Month, MarketID: in.MarketID, ModelID: in.ModelID})
	if err != nil {
		return ""
	}
	return i18n.Href(ctx, "/staff/shipments/", idString(id))
}

// shipmentDetail describes a record for the audit log.
func shipmentDetail(refs *shipmentRefs, in db.ShipmentInput) string {
	mk, _ := refs.market(in.MarketID)
	md, _ := refs.model(in.ModelID)
	return fmt.Sprintf("%s %s %s: %d", in.Month, mk.Code, md.Slug, in.Units)
}

// shipmentTitle names a record: month, market and model.
func shipmentTitle(ctx context.Context, r db.Shipment) string {
	lang := i18n.Lang(ctx)
	return monthLabel(ctx, r.Month) + " · " + r.MarketName.In(lang).Value + " · " + r.ModelName.Value
}

// handleShipmentEditForm shows one record's form.
func (s *Server) handleShipmentEditForm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.store.ShipmentByID(ctx, i18n.Lang(ctx), id)
	if err != nil {
		return err
	}
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	f := shipmentForm{Month: r.Month, Market: idString(r.MarketID), Model: idString(r.ModelID), Units: strconv.Itoa(r.Units)}
	return s.renderShipmentEdit(c, http.StatusOK, r, f, nil, refs)
}

func (s *Server) renderShipmentEdit(c echo.Context, status int, r db.Shipment, f shipmentForm, fe fieldErrors, refs *shipmentRefs) error {
	ctx := c.Request().Context()
	base := i18n.Href(ctx, "/staff/shipments/", idString(r.ID))
	vm := views.ShipmentEditVM{
		Title:        shipmentTitle(ctx, r),
		Record:       shipmentFormVM(ctx, base, f, fe, refs, "shipment-"),
		DeleteAction: base + "/delete",
		BackHref:     i18n.Href(ctx, "/staff/shipments"),
		Demo:         r.Demo,
	}
	return render(c, status, views.ShipmentEditPage(s.staffMeta(c, "shipments.edit.title", "shipments"), vm))
}

// handleShipmentSave changes one record.
func (s *Server) handleShipmentSave(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.store.ShipmentByID(ctx, i18n.Lang(ctx), id)
	if err != nil {
		return err
	}
	f, ok := readShipmentForm(c)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "bad text")
	}
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	in, fe := f.Validate(refs, s.currentMonth())
	if len(fe) == 0 {
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.UpdateShipment(id, in, viewerOf(c).user.ID, s.now()); err != nil {
				return err
			}
			before := db.ShipmentInput{Month: r.Month, MarketID: r.MarketID, ModelID: r.ModelID, Units: r.Units}
			return tx.Audit(s.auditEntry(c, "shipment.updated", "shipment", id, shipmentDetail(refs, before)+" → "+shipmentDetail(refs, in)))
		})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/shipments")+"?done=saved")
		}
		if !errors.Is(err, db.ErrShipmentExists) {
			return err
		}
		fe.add("month", "shipments.error.exists")
	}
	return s.renderShipmentEdit(c, http.StatusUnprocessableEntity, r, f, fe, refs)
}

// handleShipmentDelete deletes a record once the staff member confirms;
// the first request asks.
func (s *Server) handleShipmentDelete(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.store.ShipmentByID(ctx, i18n.Lang(ctx), id)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "1" {
		vm := views.ShipmentDeleteVM{Title: shipmentTitle(ctx, r) + ": " + i18n.FormatInt(ctx, r.Units),
			Action: i18n.Href(ctx, "/staff/shipments/", idString(id), "/delete"), CancelHref: i18n.Href(ctx, "/staff/shipments/", idString(id))}
		return render(c, http.StatusOK, views.ShipmentDeletePage(s.staffMeta(c, "shipments.delete.confirm_title", "shipments"), vm))
	}
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		in, err := tx.DeleteShipment(id)
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "shipment.deleted", "shipment", id, shipmentDetail(refs, in)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/shipments")+"?done=deleted")
}

// handleMarketCreate adds a market.
func (s *Server) handleMarketCreate(c echo.Context) error {
	ctx := c.Request().Context()
	var f marketForm
	for _, p := range []struct {
		dst  *string
		name string
	}{{&f.Code, "code"}, {&f.Name.RU, "name_ru"}, {&f.Name.EN, "name_en"}, {&f.Name.FA, "name_fa"}} {
		v, ok := formField(c, p.name)
		if !ok {
			return echo.NewHTTPError(http.StatusBadRequest, "bad text")
		}
		*p.dst = v
	}
	f.Code = strings.ToLower(f.Code)
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	action := i18n.Href(ctx, "/staff/shipments/markets")
	fe := f.Validate(refs)
	if len(fe) == 0 {
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			id, err := tx.CreateMarket(f.Code, f.Name, s.now())
			if err != nil {
				return err
			}
			return tx.Audit(s.auditEntry(c, "market.created", "market", id, f.Code+": "+f.Name.EN))
		})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/shipments")+"?done=market")
		}
		if !errors.Is(err, db.ErrMarketExists) {
			return err
		}
		fe.add("code", "shipments.market.error.exists")
	}
	vm := marketFormVM(action, f, fe)
	return s.renderShipmentsPage(c, http.StatusUnprocessableEntity, refs, nil, &vm, nil)
}

// handleShipmentImport checks an uploaded CSV file and shows what it
// would change, with a button that imports it; a file with any bad line
// is refused with every problem listed by line, and nothing is stored.
func (s *Server) handleShipmentImport(c echo.Context) error {
	ctx := c.Request().Context()
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	refuse := func(status int, id string) error {
		u := s.uploadFormVM(ctx, i18n.T(ctx, id, "Max", i18n.FormatInt(ctx, maxShipmentCSVLines), "KB", i18n.FormatInt(ctx, maxShipmentCSVBytes>>10)))
		return s.renderShipmentsPage(c, status, refs, nil, nil, &u)
	}
	fh, err := c.FormFile("file")
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return refuse(http.StatusRequestEntityTooLarge, "shipments.csv.error.too_large")
	case err != nil:
		return refuse(http.StatusUnprocessableEntity, "shipments.upload.error.nofile")
	case fh.Size > maxShipmentCSVBytes:
		return refuse(http.StatusRequestEntityTooLarge, "shipments.csv.error.too_large")
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	content, err := io.ReadAll(io.LimitReader(file, maxShipmentCSVBytes+1))
	file.Close()
	if err != nil {
		return err
	}
	if len(content) > maxShipmentCSVBytes {
		return refuse(http.StatusRequestEntityTooLarge, "shipments.csv.error.too_large")
	}
	name := fh.Filename
	if !utf8.ValidString(name) || badText(name, false) || len(name) > 200 {
		name = ""
	}
	return s.renderPreview(c, refs, content, name)
}

// renderPreview checks content and renders the preview: 200 with the
// confirm form when every line is valid, 422 with the problems otherwise.
func (s *Server) renderPreview(c echo.Context, refs *shipmentRefs, content []byte, name string) error {
	ctx := c.Request().Context()
	res := parseShipmentCSV(content, refs, s.currentMonth())
	vm := views.ShipmentPreviewVM{FileName: name, BackHref: i18n.Href(ctx, "/staff/shipments"),
		ConfirmAction: i18n.Href(ctx, "/staff/shipments/import/confirm"), Upload: s.uploadFormVM(ctx, "")}
	meta := s.staffMeta(c, "shipments.preview.title", "shipments")
	if !res.ok() {
		if res.FileProblem != "" {
			vm.FileProblem = i18n.T(ctx, res.FileProblem, "Max", i18n.FormatInt(ctx, maxShipmentCSVLines), "KB", i18n.FormatInt(ctx, maxShipmentCSVBytes>>10))
		}
		for _, p := range res.Problems {
			vm.Problems = append(vm.Problems, views.CSVProblemVM{Line: p.Line,
				Text: i18n.T(ctx, p.ID, "Value", p.Value, "Other", i18n.FormatInt(ctx, p.Other), "Max", i18n.FormatInt(ctx, db.MaxShipmentUnits))})
		}
		status := http.StatusUnprocessableEntity
		if res.FileProblem == "shipments.csv.error.too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		return render(c, status, views.ShipmentPreviewPage(meta, vm))
	}
	keys := make([]db.ShipmentKey, len(res.Lines))
	for i, l := range res.Lines {
		keys[i] = db.ShipmentKey{Month: l.Input.Month, MarketID: l.Input.MarketID, ModelID: l.Input.ModelID}
	}
	old, err := s.store.ShipmentUnits(ctx, keys)
	if err != nil {
		return err
	}
	lang := i18n.Lang(ctx)
	for i, l := range res.Lines {
		mk, _ := refs.market(l.Input.MarketID)
		md, _ := refs.model(l.Input.ModelID)
		was, replaces := old[keys[i]]
		if replaces {
			vm.Replaced++
		} else {
			vm.New++
		}
		vm.Lines = append(vm.Lines, views.PreviewLineVM{Line: l.Line, Month: monthLabel(ctx, l.Input.Month), Market: mk.Name.In(lang).Value,
			Model: textVM(md.Name(lang), lang), Units: l.Input.Units, Replaces: replaces, Old: was})
	}
	vm.Content = base64.StdEncoding.EncodeToString(content)
	vm.Signature = hex.EncodeToString(s.uploadSignature(viewerOf(c).session.ID, content))
	return render(c, http.StatusOK, views.ShipmentPreviewPage(meta, vm))
}

// handleShipmentImportConfirm imports a previewed upload in one
// transaction. The content comes back signed for this session; it is
// checked again line by line, since markets, models or the month may have
// changed since the preview.
func (s *Server) handleShipmentImportConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	content, err := base64.StdEncoding.DecodeString(c.FormValue("content"))
	if err != nil || len(content) == 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad upload")
	}
	if len(content) > maxShipmentCSVBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	sig, err := hex.DecodeString(c.FormValue("sig"))
	if err != nil || !hmac.Equal(sig, s.uploadSignature(viewerOf(c).session.ID, content)) {
		return echo.NewHTTPError(http.StatusBadRequest, "upload signature does not match")
	}
	name, _ := formField(c, "name")
	if badText(name, false) || len(name) > 200 {
		name = ""
	}
	refs, err := s.shipmentRefs(ctx)
	if err != nil {
		return err
	}
	res := parseShipmentCSV(content, refs, s.currentMonth())
	if !res.ok() {
		return s.renderPreview(c, refs, content, name)
	}
	in := make([]db.ShipmentInput, len(res.Lines))
	for i, l := range res.Lines {
		in[i] = l.Input
	}
	var added, replaced int
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if added, replaced, err = tx.ImportShipments(in, viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "shipments.imported", "shipment", 0,
			fmt.Sprintf("%s: %d lines, %d new, %d replaced", name, len(in), added, replaced)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?done=imported&new=%d&replaced=%d", i18n.Href(ctx, "/staff/shipments"), added, replaced))
}
