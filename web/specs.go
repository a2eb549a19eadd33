package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// specCodePattern is what a group's or item's code may be: lowercase Latin
// letters, digits and underscores, starting with a letter.
var specCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

const maxSpecCodeLen = 40

// specNotices are the notices the specifications page's redirects may ask
// for.
var specNotices = map[string]string{
	"group_created": "pub.spec.done.group_created",
	"group_saved":   "pub.spec.done.group_saved",
	"item_created":  "pub.spec.done.item_created",
	"item_saved":    "pub.spec.done.item_saved",
	// Deleting and restoring.
	"group_deleted": "pub.spec.done.group_deleted",
	"item_deleted":  "pub.spec.done.item_deleted",
	"restored":      "pub.spec.done.restored",
}

// specFieldOrder are the specification forms' fields, in the order the
// forms show them; specFieldLabels their labels in the error summary.
var specFieldOrder = []string{"group", "code", "kind", "unit", "decimals", "sort_order", "name-ru", "name-en", "name-fa"}

var specFieldLabels = map[string]string{
	"group": "pub.spec.field.group", "code": "pub.spec.field.code", "kind": "pub.spec.field.kind",
	"unit": "pub.spec.field.unit", "decimals": "pub.spec.field.decimals", "sort_order": "pub.spec.field.sort_order",
	"name-ru": "pub.field.name_ru", "name-en": "pub.field.name_en", "name-fa": "pub.field.name_fa",
}

func specHref(c echo.Context, rest string) string {
	return i18n.Href(c.Request().Context(), "/staff/specs"+rest)
}

// specState reads a specification form's fields as typed. An error is a
// form that is not UTF-8 (400).
func specState(c echo.Context) (editorState, error) {
	st := editorState{vals: map[string]string{}}
	for _, k := range specFieldOrder {
		v, ok := formField(c, k)
		if !ok {
			return st, echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
		}
		st.vals[k] = v
	}
	return st, nil
}

// specNames validates the names: Russian is required, the others are
// flagged as missing translations by the form.
func specNames(st editorState, fe fieldErrors) db.Texts {
	name := textsOf(st, "name-", fe, maxNameLen, false)
	if name["ru"] == "" {
		fe.add("name-ru", "pub.spec.error.name_ru")
	}
	return name
}

func specCode(st editorState, fe fieldErrors) string {
	code := st.vals["code"]
	switch {
	case code == "":
		fe.add("code", "form.required")
	case len(code) > maxSpecCodeLen || !specCodePattern.MatchString(code):
		fe.add("code", "pub.spec.error.code")
	}
	return code
}

// parseSpecGroup validates a group's form; creating, it reads the code.
func parseSpecGroup(st editorState, creating bool) (db.SpecGroupEdit, fieldErrors) {
	fe := fieldErrors{}
	var g db.SpecGroupEdit
	if creating {
		g.Code = specCode(st, fe)
	}
	g.SortOrder = intField(fe, "sort_order", st.vals["sort_order"], -10000, 10000)
	g.Name = specNames(st, fe)
	return g, fe
}

// parseSpecItem validates an item's form; creating, it reads the code and
// kind, which stay fixed afterwards. A unit and decimals apply to numbers
// only.
func parseSpecItem(st editorState, kind string, groups []db.SpecGroupEdit) (db.SpecItemEdit, fieldErrors) {
	fe := fieldErrors{}
	it := db.SpecItemEdit{Kind: kind}
	creating := kind == ""
	gid, err := strconv.ParseInt(st.vals["group"], 10, 64)
	if err != nil || !slices.ContainsFunc(groups, func(g db.SpecGroupEdit) bool { return g.ID == gid }) {
		fe.add("group", "form.required")
	}
	it.GroupID = gid
	if creating {
		it.Code = specCode(st, fe)
		it.Kind = st.vals["kind"]
		if !slices.Contains(db.SpecKinds, it.Kind) {
			fe.add("kind", "form.required")
		}
	}
	if it.Kind == "number" {
		it.Unit = st.vals["unit"]
		if it.Unit != "" && !slices.Contains(db.SpecUnits, it.Unit) {
			fe.add("unit", "pub.spec.error.unit")
		}
		if st.vals["decimals"] == "" {
			st.vals["decimals"] = "0"
		}
		it.Decimals = intField(fe, "decimals", st.vals["decimals"], 0, 3)
	}
	it.SortOrder = intField(fe, "sort_order", st.vals["sort_order"], -10000, 10000)
	it.Name = specNames(st, fe)
	return it, fe
}

// ---- The list ----

func specNameCells(t db.Texts) []views.SpecNameVM {
	out := make([]views.SpecNameVM, 0, len(db.Langs))
	for _, l := range db.Langs {
		out = append(out, views.SpecNameVM{Lang: l, Value: t[l]})
	}
	return out
}

// handleSpecList lists the specification groups with their items, and
// the deleted ones.
func (s *Server) handleSpecList(c echo.Context) error {
	vm, err := s.specListVM(c)
	if err != nil {
		return err
	}
	vm.NoticeID = specNotices[c.QueryParam("done")]
	return render(c, http.StatusOK, views.SpecListPage(s.adminMeta(c, "pub.spec.title"), vm))
}

// specListVM builds the specifications page.
func (s *Server) specListVM(c echo.Context) (views.SpecListVM, error) {
	ctx := c.Request().Context()
	groups, err := s.store.SpecGroups(ctx)
	if err != nil {
		return views.SpecListVM{}, err
	}
	vm := views.SpecListVM{NewGroupHref: specHref(c, "/groups/new")}
	for _, g := range groups {
		gv := views.SpecGroupRowVM{Code: g.Code, Name: pickTexts(g.Name, i18n.Lang(ctx)), SortOrder: g.SortOrder, Names: specNameCells(g.Name),
			Href: specHref(c, "/groups/"+idString(g.ID)), NewItemHref: specHref(c, "/items/new?group="+idString(g.ID)),
			DeleteHref: specHref(c, "/groups/"+idString(g.ID)+"/delete")}
		for _, it := range g.Items {
			gv.Items = append(gv.Items, views.SpecItemRowVM{Code: it.Code, Kind: it.Kind, Unit: it.Unit, Decimals: it.Decimals,
				SortOrder: it.SortOrder, Names: specNameCells(it.Name), Href: specHref(c, "/items/"+idString(it.ID)),
				DeleteHref: specHref(c, "/items/"+idString(it.ID)+"/delete")})
		}
		vm.Groups = append(vm.Groups, gv)
	}
	return vm, s.deletedSpecsVM(c, &vm)
}

// ---- The forms ----

// specPage is what a specification form shows besides its values.
type specPage struct {
	title  string
	action string
	// code and kind of an existing group or item: shown, not editable;
	// its version, which the form sends back (optimistic locking), and
	// where to delete it.
	code, kind string
	version    int
	deleteHref string
	item       bool
	errs       fieldErrors
	// errorID is a problem of the whole form (changed or deleted
	// meanwhile).
	errorID string
	status  int
}

func (s *Server) renderSpecForm(c echo.Context, st editorState, p specPage) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	fe := p.errs
	if fe == nil {
		fe = fieldErrors{}
	}
	vm := views.SpecFormVM{
		Title: p.title, Action: p.action, CancelHref: specHref(c, ""), Item: p.item,
		FixedCode: p.code, FixedKind: p.kind, Version: p.version, DeleteHref: p.deleteHref, ErrorID: p.errorID,
		SortOrder: numField("sort_order", "pub.spec.field.sort_order", st.get("sort_order"), fe, true),
		Names:     langRow(st, "pub.spec.field.name", "name-", true, false, maxNameLen, fe),
		Errors:    errorSummary(fe, specFieldOrder, "", specFieldLabels),
	}
	vm.SortOrder.HintID = "pub.spec.field.sort_order_hint"
	if p.code == "" {
		vm.Code = views.FieldVM{ID: "code", Name: "code", Type: "text", LabelID: "pub.spec.field.code", HintID: "pub.spec.field.code_hint",
			Value: st.get("code"), ErrorID: fe["code"], Required: true, Dir: "ltr", MaxLen: maxSpecCodeLen}
	}
	if p.item {
		groups, err := s.store.SpecGroups(ctx)
		if err != nil {
			return err
		}
		opts := []views.OptionVM{{Value: "", LabelID: "pub.choose"}}
		for _, g := range groups {
			opts = append(opts, views.OptionVM{Value: idString(g.ID), Label: pickTexts(g.Name, lang).Value + " (" + g.Code + ")"})
		}
		vm.Group = views.FieldVM{ID: "group", Name: "group", Type: "select", LabelID: "pub.spec.field.group", Value: st.get("group"),
			Options: opts, ErrorID: fe["group"], Required: true}
		if p.kind == "" {
			kinds := []views.OptionVM{{Value: "", LabelID: "pub.choose"}}
			for _, k := range db.SpecKinds {
				kinds = append(kinds, views.OptionVM{Value: k, LabelID: "pub.spec.kind." + k})
			}
			vm.Kind = views.FieldVM{ID: "kind", Name: "kind", Type: "select", LabelID: "pub.spec.field.kind", HintID: "pub.spec.field.kind_hint",
				Value: st.get("kind"), Options: kinds, ErrorID: fe["kind"], Required: true}
		}
		if p.kind == "" || p.kind == "number" {
			units := []views.OptionVM{{Value: "", LabelID: "pub.spec.unit.none"}}
			for _, u := range db.SpecUnits {
				units = append(units, views.OptionVM{Value: u, LabelID: "unit." + u})
			}
			vm.Unit = views.FieldVM{ID: "unit", Name: "unit", Type: "select", LabelID: "pub.spec.field.unit", HintID: "pub.spec.field.unit_hint",
				Value: st.get("unit"), Options: units, ErrorID: fe["unit"]}
			var decs []views.OptionVM
			for d := range 4 {
				decs = append(decs, views.OptionVM{Value: strconv.Itoa(d), Label: strconv.Itoa(d)})
			}
			vm.Decimals = views.FieldVM{ID: "decimals", Name: "decimals", Type: "select", LabelID: "pub.spec.field.decimals",
				Value: st.get("decimals"), Options: decs, ErrorID: fe["decimals"]}
		}
	}
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	return render(c, status, views.SpecFormPage(s.adminMeta(c, "pub.spec.title"), vm))
}

func namesState(st editorState, name db.Texts) {
	for _, l := range db.Langs {
		st.vals["name-"+l] = name[l]
	}
}

// handleSpecGroupNewForm shows the form for a new group, placed last.
func (s *Server) handleSpecGroupNewForm(c echo.Context) error {
	next, err := s.store.NextSpecOrder(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	st := editorState{vals: map[string]string{"sort_order": strconv.Itoa(next)}}
	return s.renderSpecForm(c, st, specPage{title: i18n.T(c.Request().Context(), "pub.spec.group.new"), action: specHref(c, "/groups/new")})
}

// handleSpecGroupCreate creates a group.
func (s *Server) handleSpecGroupCreate(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := specState(c)
	if err != nil {
		return err
	}
	page := specPage{title: i18n.T(ctx, "pub.spec.group.new"), action: specHref(c, "/groups/new"), status: http.StatusUnprocessableEntity}
	g, fe := parseSpecGroup(st, true)
	if err := s.checkSpecCode(ctx, "spec_groups", g.Code, fe); err != nil {
		return err
	}
	if len(fe) > 0 {
		page.errs = fe
		return s.renderSpecForm(c, st, page)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.CreateSpecGroup(g)
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec.group_created", "spec_group", id, "code: "+g.Code))
	})
	if errors.Is(err, db.ErrCodeTaken) {
		page.errs = fieldErrors{"code": "pub.spec.error.code_taken"}
		return s.renderSpecForm(c, st, page)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done=group_created"))
}

// handleSpecGroupShow shows a group's form.
func (s *Server) handleSpecGroupShow(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	g, err := s.store.SpecGroupByID(ctx, id)
	if err != nil {
		return err
	}
	if g.Deleted {
		return echo.ErrNotFound
	}
	st := editorState{vals: map[string]string{"sort_order": strconv.Itoa(g.SortOrder)}}
	namesState(st, g.Name)
	return s.renderSpecForm(c, st, s.groupPage(c, g))
}

func (s *Server) groupPage(c echo.Context, g db.SpecGroupEdit) specPage {
	return specPage{title: i18n.T(c.Request().Context(), "pub.spec.group.edit", "Code", g.Code), action: specHref(c, "/groups/"+idString(g.ID)),
		code: g.Code, version: g.Version, deleteHref: specHref(c, "/groups/"+idString(g.ID)+"/delete")}
}

// formVersion reads the version a form of an existing group or item was
// made from (400 when missing or malformed).
func formVersion(c echo.Context) (int, error) {
	v, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || v < 1 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "bad version")
	}
	return v, nil
}

// specSaveRefused re-shows a group's or item's form with the person's
// text when someone else changed (409) or deleted (409) it meanwhile; the
// form then carries the current version, so saving again keeps this text.
func (s *Server) specSaveRefused(c echo.Context, st editorState, page specPage, err error) error {
	switch {
	case errors.Is(err, db.ErrConflict):
		page.errorID = "pub.spec.error.conflict"
	case errors.Is(err, db.ErrSpecDeleted):
		page.errorID, page.deleteHref = "pub.spec.error.deleted", ""
	default:
		return err
	}
	page.status = http.StatusConflict
	return s.renderSpecForm(c, st, page)
}

// handleSpecGroupSave renames or reorders a group.
func (s *Server) handleSpecGroupSave(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	old, err := s.store.SpecGroupByID(ctx, id)
	if err != nil {
		return err
	}
	st, err := specState(c)
	if err != nil {
		return err
	}
	version, err := formVersion(c)
	if err != nil {
		return err
	}
	g, fe := parseSpecGroup(st, false)
	page := s.groupPage(c, old)
	if old.Deleted {
		return s.specSaveRefused(c, st, page, db.ErrSpecDeleted)
	}
	if len(fe) > 0 {
		page.version = version
		page.errs, page.status = fe, http.StatusUnprocessableEntity
		return s.renderSpecForm(c, st, page)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveSpecGroup(id, version, g.Name, g.SortOrder); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec.group_saved", "spec_group", id, "code: "+old.Code))
	})
	if err != nil {
		return s.specSaveRefused(c, st, page, err)
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done=group_saved"))
}

// handleSpecItemNewForm shows the form for a new item, in the group asked
// for (?group=) and placed last in it.
func (s *Server) handleSpecItemNewForm(c echo.Context) error {
	ctx := c.Request().Context()
	st := editorState{vals: map[string]string{"decimals": "0"}}
	var gid int64
	if v := c.QueryParam("group"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "bad group")
		}
		if _, err := s.store.SpecGroupByID(ctx, id); err != nil {
			return err
		}
		gid = id
		st.vals["group"] = v
	}
	next := 10
	if gid != 0 {
		var err error
		if next, err = s.store.NextSpecOrder(ctx, gid); err != nil {
			return err
		}
	}
	st.vals["sort_order"] = strconv.Itoa(next)
	return s.renderSpecForm(c, st, specPage{title: i18n.T(ctx, "pub.spec.item.new"), action: specHref(c, "/items/new"), item: true})
}

// handleSpecItemCreate creates an item in a group. It shows at once in
// the catalogue editor's specification table of every model.
func (s *Server) handleSpecItemCreate(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := specState(c)
	if err != nil {
		return err
	}
	groups, err := s.store.SpecGroups(ctx)
	if err != nil {
		return err
	}
	page := specPage{title: i18n.T(ctx, "pub.spec.item.new"), action: specHref(c, "/items/new"), item: true, status: http.StatusUnprocessableEntity}
	it, fe := parseSpecItem(st, "", groups)
	if err := s.checkSpecCode(ctx, "spec_items", it.Code, fe); err != nil {
		return err
	}
	if len(fe) > 0 {
		page.errs = fe
		return s.renderSpecForm(c, st, page)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.CreateSpecItem(it)
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec.item_created", "spec_item", id, "code: "+it.Code+", kind: "+it.Kind))
	})
	switch {
	case errors.Is(err, db.ErrCodeTaken):
		page.errs = fieldErrors{"code": "pub.spec.error.code_taken"}
		return s.renderSpecForm(c, st, page)
	case errors.Is(err, db.ErrNotFound):
		// The group was removed meanwhile.
		page.errs = fieldErrors{"group": "form.required"}
		return s.renderSpecForm(c, st, page)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done=item_created"))
}

func itemState(it db.SpecItemEdit) editorState {
	st := editorState{vals: map[string]string{
		"group": idString(it.GroupID), "unit": it.Unit, "decimals": strconv.Itoa(it.Decimals), "sort_order": strconv.Itoa(it.SortOrder),
	}}
	namesState(st, it.Name)
	return st
}

func (s *Server) itemPage(c echo.Context, it db.SpecItemEdit) specPage {
	return specPage{title: i18n.T(c.Request().Context(), "pub.spec.item.edit", "Code", it.Code), action: specHref(c, "/items/"+idString(it.ID)),
		code: it.Code, kind: it.Kind, item: true, version: it.Version, deleteHref: specHref(c, "/items/"+idString(it.ID)+"/delete")}
}

// handleSpecItemShow shows an item's form.
func (s *Server) handleSpecItemShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	it, err := s.store.SpecItemByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if it.Deleted {
		return echo.ErrNotFound
	}
	return s.renderSpecForm(c, itemState(it), s.itemPage(c, it))
}

// handleSpecItemSave changes an item's names, unit, decimals, group or
// order; public pages show the change at once.
func (s *Server) handleSpecItemSave(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	old, err := s.store.SpecItemByID(ctx, id)
	if err != nil {
		return err
	}
	st, err := specState(c)
	if err != nil {
		return err
	}
	groups, err := s.store.SpecGroups(ctx)
	if err != nil {
		return err
	}
	version, err := formVersion(c)
	if err != nil {
		return err
	}
	it, fe := parseSpecItem(st, old.Kind, groups)
	it.ID, it.Code, it.Version = id, old.Code, version
	page := s.itemPage(c, old)
	if old.Deleted {
		return s.specSaveRefused(c, st, page, db.ErrSpecDeleted)
	}
	if len(fe) > 0 {
		page.version = version
		page.errs, page.status = fe, http.StatusUnprocessableEntity
		return s.renderSpecForm(c, st, page)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SaveSpecItem(it); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec.item_saved", "spec_item", id, "code: "+it.Code))
	})
	if errors.Is(err, db.ErrNotFound) {
		// The chosen group was deleted meanwhile.
		page.errs, page.status = fieldErrors{"group": "form.required"}, http.StatusUnprocessableEntity
		page.version = version
		return s.renderSpecForm(c, st, page)
	}
	if err != nil {
		return s.specSaveRefused(c, st, page, err)
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done=item_saved"))
}

// checkSpecCode flags a code another group or item has, or a deleted one
// keeps (it can be restored instead).
func (s *Server) checkSpecCode(ctx context.Context, table, code string, fe fieldErrors) error {
	if _, bad := fe["code"]; bad {
		return nil
	}
	taken, deleted, err := s.store.SpecCodeTaken(ctx, table, code)
	switch {
	case err != nil:
		return err
	case deleted:
		fe.add("code", "pub.spec.error.code_deleted")
	case taken:
		fe.add("code", "pub.spec.error.code_taken")
	}
	return nil
}
