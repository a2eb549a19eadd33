package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// Deleting a specification group or item asks first, on a page of its own
// (it works without JavaScript): what goes, and which catalogue entries
// lose values and get a new revision without them. A group is deleted
// with its items, which the page lists. Nothing is lost: deleted groups
// and items are listed on the specifications page with a button that
// restores them, values included.

// specDeleteTarget reads the group or item a delete route names.
func (s *Server) specDeleteTarget(c echo.Context, kind string) (views.SpecDeleteVM, error) {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	id, err := pathID(c)
	if err != nil {
		return views.SpecDeleteVM{}, err
	}
	vm := views.SpecDeleteVM{Kind: kind, CancelHref: specHref(c, ""), Action: specHref(c, "/"+kind+"s/"+idString(id)+"/delete")}
	if kind == "group" {
		g, err := s.store.SpecGroupByID(ctx, id)
		if err != nil {
			return vm, err
		}
		if g.Deleted {
			return vm, echo.ErrNotFound
		}
		vm.Code, vm.Name, vm.Version = g.Code, pickTexts(g.Name, lang), g.Version
		for _, it := range g.Items {
			vm.Items = append(vm.Items, views.SpecDeleteItemVM{Code: it.Code, Name: pickTexts(it.Name, lang)})
		}
		return vm, nil
	}
	it, err := s.store.SpecItemByID(ctx, id)
	if err != nil {
		return vm, err
	}
	if it.Deleted {
		return vm, echo.ErrNotFound
	}
	g, err := s.store.SpecGroupByID(ctx, it.GroupID)
	if err != nil {
		return vm, err
	}
	vm.Code, vm.Name, vm.Version, vm.GroupName = it.Code, pickTexts(it.Name, lang), it.Version, pickTexts(g.Name, lang)
	return vm, nil
}

// renderSpecDelete shows the confirmation page with what deleting would
// do now.
func (s *Server) renderSpecDelete(c echo.Context, vm views.SpecDeleteVM, status int) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	plan, err := s.store.SpecDeletionPlan(ctx, vm.Kind, id)
	if errors.Is(err, db.ErrSpecDeleted) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	vm.Token = plan.Token
	for _, a := range plan.Affected {
		name := pickTexts(a.Name, lang)
		if name.Value == "" {
			name = views.TextVM{Value: a.Slug, Lang: lang}
		}
		vm.Affected = append(vm.Affected, views.SpecAffectedVM{Name: name, Href: editorHref(c, a.ModelID, ""), Rev: a.DraftRev, Values: a.Values})
	}
	titleID := "pub.spec.delete.item_title"
	if vm.Kind == "group" {
		titleID = "pub.spec.delete.group_title"
	}
	vm.Title = i18n.T(ctx, titleID, "Code", vm.Code)
	return render(c, status, views.SpecDeletePage(s.adminMeta(c, "pub.spec.title"), vm))
}

// handleSpecGroupDeleteForm asks before deleting a group with its items.
func (s *Server) handleSpecGroupDeleteForm(c echo.Context) error { return s.specDeleteForm(c, "group") }

// handleSpecItemDeleteForm asks before deleting an item.
func (s *Server) handleSpecItemDeleteForm(c echo.Context) error { return s.specDeleteForm(c, "item") }

func (s *Server) specDeleteForm(c echo.Context, kind string) error {
	vm, err := s.specDeleteTarget(c, kind)
	if err != nil {
		return err
	}
	return s.renderSpecDelete(c, vm, http.StatusOK)
}

// handleSpecGroupDelete deletes a group with its items, as confirmed.
func (s *Server) handleSpecGroupDelete(c echo.Context) error { return s.specDelete(c, "group") }

// handleSpecItemDelete deletes an item, as confirmed.
func (s *Server) handleSpecItemDelete(c echo.Context) error { return s.specDelete(c, "item") }

// specDelete carries out a confirmed deletion: the form names the version
// of the group or item and the entries' revisions it was shown (token).
// When either changed meanwhile nothing is deleted and the page asks
// again with what deleting would do now (409).
func (s *Server) specDelete(c echo.Context, kind string) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := formVersion(c)
	if err != nil {
		return err
	}
	token, ok := formField(c, "token")
	if !ok || len(token) > 20000 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad token")
	}
	var res db.SpecDeletionResult
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if kind == "group" {
			res, err = tx.DeleteSpecGroup(id, version, token, actorOf(c), s.now())
		} else {
			res, err = tx.DeleteSpecItem(id, version, token, actorOf(c), s.now())
		}
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec."+kind+"_deleted", "spec_"+kind, id, "codes: "+strings.Join(res.Codes, ", ")+revisionsDetail(res.Revisions)))
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		vm, terr := s.specDeleteTarget(c, kind)
		if terr != nil {
			return terr
		}
		vm.ErrorID = "pub.spec.delete.changed"
		return s.renderSpecDelete(c, vm, http.StatusConflict)
	case errors.Is(err, db.ErrSpecDeleted):
		return s.renderSpecListError(c, "pub.spec.error.deleted_already")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done="+kind+"_deleted"))
}

// revisionsDetail writes the revisions a deletion or restore made, for
// the audit log: "; revisions: model 3 → 5, model 7 → 2".
func revisionsDetail(revs map[int64]int) string {
	if len(revs) == 0 {
		return ""
	}
	ids := make([]int64, 0, len(revs))
	for id := range revs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("model %d → %d", id, revs[id])
	}
	return "; revisions: " + strings.Join(parts, ", ")
}

// handleSpecDeletionRestore undoes a deletion: the group or item comes
// back, and the entries that lost values get them back in a new revision.
func (s *Server) handleSpecDeletionRestore(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var res db.SpecDeletionResult
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if res, err = tx.RestoreSpecDeletion(id, actorOf(c), s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "spec.deletion_restored", "spec_deletion", id, "codes: "+strings.Join(res.Codes, ", ")+revisionsDetail(res.Revisions)))
	})
	switch {
	case errors.Is(err, db.ErrRestoredAlready):
		// Restored by someone else meanwhile, or a second click: what
		// was asked for is done.
		return c.Redirect(http.StatusSeeOther, specHref(c, "?done=restored"))
	case errors.Is(err, db.ErrGroupDeleted):
		return s.renderSpecListError(c, "pub.spec.error.group_deleted")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, specHref(c, "?done=restored"))
}

// renderSpecListError shows the specifications page with why an action
// was refused (409).
func (s *Server) renderSpecListError(c echo.Context, errorID string) error {
	vm, err := s.specListVM(c)
	if err != nil {
		return err
	}
	vm.ErrorID = errorID
	return render(c, http.StatusConflict, views.SpecListPage(s.adminMeta(c, "pub.spec.title"), vm))
}

// deletedSpecsVM adds the deletions not undone to the specifications page.
func (s *Server) deletedSpecsVM(c echo.Context, vm *views.SpecListVM) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	deleted, err := s.store.DeletedSpecs(ctx)
	if err != nil {
		return err
	}
	for _, d := range deleted {
		row := views.DeletedSpecVM{Kind: d.Kind, Code: d.Code, Name: pickTexts(d.Name, lang), Codes: d.Codes, By: d.By, At: d.At,
			Entries: d.Entries, GroupDeleted: d.GroupDeleted, RestoreHref: specHref(c, "/deletions/"+strconv.FormatInt(d.DeletionID, 10)+"/restore")}
		if d.Kind == "item" {
			row.GroupName = pickTexts(d.GroupName, lang)
		}
		vm.Deleted = append(vm.Deleted, row)
	}
	return nil
}
