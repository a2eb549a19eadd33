package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// matrixSpecDeletion deletes a specification item made for it, so the
// role × route table has a deletion to restore.
func matrixSpecDeletion(t *testing.T, ts *testServer) int64 {
	t.Helper()
	var id int64
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		gid, err := tx.CreateSpecGroup(db.SpecGroupEdit{Code: "matrix_group", SortOrder: 900, Name: db.Texts{"ru": "Матрица"}})
		if err != nil {
			return err
		}
		iid, err := tx.CreateSpecItem(db.SpecItemEdit{GroupID: gid, Code: "matrix_item", Kind: "bool", Name: db.Texts{"ru": "Матрица"}})
		if err != nil {
			return err
		}
		res, err := tx.DeleteSpecItem(iid, 1, "none", db.Actor{}, time.Now())
		id = res.DeletionID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// modelsWithValue lists the slugs of the models whose published trims
// have a value of the item.
func modelsWithValue(t testing.TB, ts *testServer, code string) []string {
	t.Helper()
	rows, err := ts.store.DB().Read.Query(`SELECT DISTINCT m.slug FROM trim_specs ts JOIN trims t ON t.id = ts.trim_id AND t.status = 'published'
		JOIN models m ON m.id = t.model_id JOIN spec_items i ON i.id = ts.item_id WHERE i.code = ? ORDER BY m.slug`, code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func texts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, strings.Join(strings.Fields(s.Text()), " ")) })
	return out
}

// TestSpecItemDeleteAsksFirstAndRestores: deleting an item asks first,
// listing the entries that lose values; confirmed, it leaves the editor
// and public pages, each entry gets a revision without the values (open
// editors and item forms then refuse to overwrite), and the item is
// listed as deleted; restoring it brings it and the values back.
func TestSpecItemDeleteAsksFirstAndRestores(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	visitor := ts.newClient()
	withSunroof := modelsWithValue(t, ts, "sunroof")
	if len(withSunroof) < 2 {
		t.Fatalf("the demo needs two models with a sunroof value, has %v", withSunroof)
	}
	slug := withSunroof[0]
	model := modelID(t, ts, slug)
	item := specID(t, ts, "spec_items", "sunroof")
	confirm := fmt.Sprintf("/en/staff/specs/items/%d/delete", item)
	editor := fmt.Sprintf("/en/staff/catalogue/%d", model)
	itemPage := fmt.Sprintf("/en/staff/specs/items/%d", item)

	list := staff.get(t, "/en/staff/specs").doc(t)
	if href := list.Find(`[data-testid=spec-item][data-code=sunroof] [data-testid=delete-item]`).AttrOr("href", ""); href != confirm {
		t.Fatalf("the list links deletion to %q", href)
	}
	if href := formOf(t, staff.get(t, itemPage), "form[data-testid=spec-form]"); href.Get("version") != "1" {
		t.Errorf("the item's form sends version %q", href.Get("version"))
	}
	if !strings.Contains(visitor.get(t, "/en/models/"+slug).Body, "Sunroof") {
		t.Fatalf("%s's public page does not show the sunroof", slug)
	}

	page := staff.get(t, confirm)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("confirmation page: %d", page.StatusCode)
	}
	doc := page.doc(t)
	if got := strings.TrimSpace(doc.Find("h1").Text()); got != "Delete item sunroof?" {
		t.Errorf("title %q", got)
	}
	if n := doc.Find("[data-testid=affected-entry]").Length(); n != len(withSunroof) {
		t.Errorf("%d entries listed as losing values, want %d (%v)", n, len(withSunroof), withSunroof)
	}
	if got := strings.TrimSpace(doc.Find("[data-testid=affected-entry] td").Eq(1).Text()); got != "live version → 2" {
		t.Errorf("revision column %q", got)
	}
	if got := strings.TrimSpace(doc.Find("[data-testid=confirm-delete]").Text()); got != "Delete the item" {
		t.Errorf("button %q", got)
	}
	for _, lang := range []string{"ru", "fa"} {
		if body := staff.get(t, strings.Replace(confirm, "/en/", "/"+lang+"/", 1)).Body; strings.Contains(body, "no value") {
			t.Errorf("%s: a message lacks a parameter", lang)
		}
	}
	if ru := staff.get(t, strings.Replace(confirm, "/en/", "/ru/", 1)).doc(t); !strings.Contains(ru.Text(), fmt.Sprintf("Значения есть в %d записях каталога", len(withSunroof))) &&
		!strings.Contains(ru.Text(), fmt.Sprintf("Значения есть в %d записи каталога", len(withSunroof))) {
		t.Errorf("Russian page does not count the entries: %q", ru.Find("[data-testid=spec-delete]").Text())
	}

	// Forms opened before the deletion: the model's editor, the item's
	// form, and the confirmation itself.
	openEditor := formOf(t, staff.get(t, editor), "form[data-testid=editor-form]")
	openItem := formOf(t, staff.get(t, itemPage), "form[data-testid=spec-form]")
	stale := formOf(t, page, "form[data-testid=delete-form]")

	// Someone saves another affected entry's draft meanwhile: the
	// confirmation shown is out of date, nothing is deleted.
	other := fmt.Sprintf("/en/staff/catalogue/%d", modelID(t, ts, withSunroof[1]))
	of := formOf(t, staff.get(t, other), "form[data-testid=editor-form]")
	of.Set("tagline-en", "Saved meanwhile")
	if res := staff.post(t, other, of); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	res := staff.post(t, confirm, stale)
	if res.StatusCode != http.StatusConflict || res.doc(t).Find("[data-testid=delete-error]").Length() != 1 {
		t.Fatalf("stale confirmation: %d", res.StatusCode)
	}
	if staff.get(t, "/en/staff/specs").doc(t).Find(`[data-testid=spec-item][data-code=sunroof]`).Length() != 1 {
		t.Fatal("a stale confirmation deleted the item")
	}
	for _, bad := range []url.Values{{"token": {stale.Get("token")}}, {"version": {"x"}, "token": {"none"}}} {
		bad.Set("csrf", stale.Get("csrf"))
		if res := staff.post(t, confirm, bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("confirmation without a good version: %d", res.StatusCode)
		}
	}

	// Confirmed with what the page shows now.
	fresh := formOf(t, res, "form[data-testid=delete-form]")
	res = staff.post(t, confirm, fresh)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/specs?done=item_deleted" {
		t.Fatalf("delete: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := auditCount(t, ts, "spec.item_deleted"); n != 1 {
		t.Errorf("spec.item_deleted audited %d times", n)
	}
	list = staff.get(t, "/en/staff/specs").doc(t)
	if list.Find(`[data-testid=spec-item][data-code=sunroof]`).Length() != 0 {
		t.Error("the deleted item is still listed with the others")
	}
	deleted := list.Find(`[data-testid=deleted-spec][data-code=sunroof]`)
	if deleted.Length() != 1 || !strings.Contains(deleted.Text(), fmt.Sprintf("%d entries", len(withSunroof))) {
		t.Fatalf("deleted list: %q", deleted.Text())
	}
	// Gone from the public page at once (the kept page retired), and from
	// the editor.
	if strings.Contains(visitor.get(t, "/en/models/"+slug).Body, "Sunroof") {
		t.Error("the public page still shows the deleted item")
	}
	if _, ok := formOf(t, staff.get(t, editor), "form[data-testid=editor-form]")["s0-sunroof"]; ok {
		t.Error("the editor still offers the deleted item")
	}
	// The entry's history says what happened, and the diff shows it.
	revs := texts(staff.get(t, editor+"/revisions").doc(t).Find("[data-testid=revision]"))
	if len(revs) != 2 || !strings.Contains(revs[0], "Specification item deleted (sunroof)") {
		t.Errorf("revisions: %q", revs)
	}
	changed := texts(staff.get(t, editor+"/diff?a=1&b=2").doc(t).Find("[data-testid=diff-changed]"))
	if len(changed) == 0 || !strings.Contains(strings.Join(changed, "\n"), ": sunroof") {
		t.Errorf("the diff does not show the values going: %q", changed)
	}
	// Forms opened before refuse to overwrite, keeping what was typed.
	openEditor.Set("tagline-en", "Typed before the deletion")
	if res := staff.post(t, editor, openEditor); res.StatusCode != http.StatusConflict ||
		res.doc(t).Find(`textarea[name=tagline-en], input[name=tagline-en]`).AttrOr("value", "") != "Typed before the deletion" {
		t.Errorf("an editor opened before the deletion: %d", res.StatusCode)
	}
	openItem.Set("name-en", "Panoramic roof")
	res = staff.post(t, itemPage, openItem)
	if res.StatusCode != http.StatusConflict || res.doc(t).Find("[data-testid=spec-error]").Length() != 1 ||
		res.doc(t).Find("input[name=name-en]").AttrOr("value", "") != "Panoramic roof" {
		t.Errorf("an item form opened before the deletion: %d", res.StatusCode)
	}
	if res := staff.get(t, itemPage); res.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted item's form: %d", res.StatusCode)
	}
	// Its code stays with it.
	gid := specID(t, ts, "spec_groups", "equipment")
	res = staff.submit(t, "/en/staff/specs/items/new", "/en/staff/specs/items/new", url.Values{"group": {fmt.Sprint(gid)}, "code": {"sunroof"},
		"kind": {"bool"}, "sort_order": {"10"}, "name-ru": {"Люк"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "A deleted group or item has this code") {
		t.Errorf("a new item with the deleted one's code: %d", res.StatusCode)
	}

	// Restored: back in the list, the editor and the public page, with
	// the entry's values in a new revision.
	restore := formOf(t, staff.get(t, "/en/staff/specs"), "[data-testid=deleted-spec][data-code=sunroof] form")
	action := staff.get(t, "/en/staff/specs").doc(t).Find("[data-testid=deleted-spec][data-code=sunroof] form").AttrOr("action", "")
	res = staff.post(t, action, restore)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/specs?done=restored" {
		t.Fatalf("restore: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := staff.post(t, action, restore); res.StatusCode != http.StatusSeeOther {
		t.Errorf("restoring twice: %d", res.StatusCode)
	}
	if n := auditCount(t, ts, "spec.deletion_restored"); n != 1 {
		t.Errorf("spec.deletion_restored audited %d times", n)
	}
	if !strings.Contains(visitor.get(t, "/en/models/"+slug).Body, "Sunroof") {
		t.Error("the public page does not show the restored item")
	}
	form := formOf(t, staff.get(t, editor), "form[data-testid=editor-form]")
	if form.Get("s0-sunroof") == "" || form.Get("rev") != "3" {
		t.Errorf("editor after the restore: sunroof %q, revision %q", form.Get("s0-sunroof"), form.Get("rev"))
	}
	if revs := texts(staff.get(t, editor+"/revisions").doc(t).Find("[data-testid=revision]")); !strings.Contains(revs[0], "Specification item restored (sunroof)") {
		t.Errorf("revisions: %q", revs)
	}
}

// TestSpecRevisionRestoreBringsItemBack: restoring an entry's revision
// from before an item's deletion brings the item back with its values.
func TestSpecRevisionRestoreBringsItemBack(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	slug := modelsWithValue(t, ts, "rear_camera")[0]
	model := modelID(t, ts, slug)
	item := specID(t, ts, "spec_items", "rear_camera")
	confirm := fmt.Sprintf("/en/staff/specs/items/%d/delete", item)
	if res := staff.post(t, confirm, formOf(t, staff.get(t, confirm), "form[data-testid=delete-form]")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	editor := fmt.Sprintf("/en/staff/catalogue/%d", model)
	res := staff.submit(t, editor+"/revisions", editor+"/restore", url.Values{"from": {"1"}, "rev": {"2"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != editor+"?done=restored_specs" {
		t.Fatalf("restore: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := auditCount(t, ts, "spec.items_restored"); n != 1 {
		t.Errorf("spec.items_restored audited %d times", n)
	}
	if notice := staff.get(t, editor+"?done=restored_specs").doc(t).Find("[data-testid=notice]").Text(); !strings.Contains(notice, "they are back") {
		t.Errorf("notice %q", notice)
	}
	if staff.get(t, "/en/staff/specs").doc(t).Find(`[data-testid=spec-item][data-code=rear_camera]`).Length() != 1 {
		t.Error("the item is not back in the list")
	}
	if staff.get(t, "/en/staff/specs").doc(t).Find(`[data-testid=spec-deleted]`).Length() != 0 {
		t.Error("the item is still listed as deleted")
	}
	if form := formOf(t, staff.get(t, editor), "form[data-testid=editor-form]"); form.Get("s0-rear_camera") == "" {
		t.Error("the editor does not show the value again")
	}
}

// TestSpecGroupDeleteAsksWithItems: a group is deleted with its items, and
// the page asking first lists them and says so on its button, in the
// person's language; an empty group asks too.
func TestSpecGroupDeleteAsksWithItems(t *testing.T) {
	ts := newTestServer(t)
	staff, _ := loginAs(t, ts, "staff")
	var gid, empty int64
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		if gid, err = tx.CreateSpecGroup(db.SpecGroupEdit{Code: "towing", SortOrder: 100, Name: db.Texts{"ru": "Буксировка", "en": "Towing"}}); err != nil {
			return err
		}
		for _, code := range []string{"tow_braked", "tow_hitch"} {
			if _, err := tx.CreateSpecItem(db.SpecItemEdit{GroupID: gid, Code: code, Kind: "bool", Name: db.Texts{"ru": code}}); err != nil {
				return err
			}
		}
		empty, err = tx.CreateSpecGroup(db.SpecGroupEdit{Code: "lights", SortOrder: 110, Name: db.Texts{"ru": "Свет"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang, button string
		items        int
	}{{"en", "Delete the group and its 2 items", 2}, {"ru", "Удалить группу и её 2 пункта", 2}, {"fa", "حذف گروه و ۲ موردش", 2}} {
		doc := staff.get(t, fmt.Sprintf("/%s/staff/specs/groups/%d/delete", c.lang, gid)).doc(t)
		if got := strings.TrimSpace(doc.Find("[data-testid=confirm-delete]").Text()); got != c.button {
			t.Errorf("%s button %q, want %q", c.lang, got, c.button)
		}
		if n := doc.Find("[data-testid=delete-items] li").Length(); n != c.items {
			t.Errorf("%s: %d items listed", c.lang, n)
		}
		if doc.Find("[data-testid=no-entries]").Length() != 1 {
			t.Errorf("%s: no word that no entry loses values", c.lang)
		}
		if strings.Contains(doc.Text(), "no value") {
			t.Errorf("%s: a message lacks a parameter", c.lang)
		}
	}
	page := fmt.Sprintf("/en/staff/specs/groups/%d/delete", empty)
	if got := strings.TrimSpace(staff.get(t, page).doc(t).Find("[data-testid=confirm-delete]").Text()); got != "Delete the group" {
		t.Errorf("empty group's button %q", got)
	}

	page = fmt.Sprintf("/en/staff/specs/groups/%d/delete", gid)
	res := staff.post(t, page, formOf(t, staff.get(t, page), "form[data-testid=delete-form]"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/specs?done=group_deleted" {
		t.Fatalf("delete: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	list := staff.get(t, "/en/staff/specs").doc(t)
	if list.Find(`[data-testid=spec-group][data-code=towing]`).Length() != 0 {
		t.Error("the deleted group is still listed")
	}
	row := list.Find(`[data-testid=deleted-spec][data-code=towing]`)
	if !strings.Contains(row.Text(), "tow_braked, tow_hitch") {
		t.Errorf("deleted group row: %q", row.Text())
	}
	// Deleting it again (a second tab) says it is gone already.
	stale := formOf(t, staff.get(t, fmt.Sprintf("/en/staff/specs/groups/%d/delete", empty)), "form[data-testid=delete-form]")
	if res := staff.post(t, fmt.Sprintf("/en/staff/specs/groups/%d/delete", empty), stale); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete the empty group: %d", res.StatusCode)
	}
	res = staff.post(t, fmt.Sprintf("/en/staff/specs/groups/%d/delete", empty), stale)
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.doc(t).Find("[data-testid=spec-error]").Text(), "deleted already") {
		t.Errorf("deleting twice: %d", res.StatusCode)
	}
	if res := staff.get(t, fmt.Sprintf("/en/staff/specs/groups/%d", gid)); res.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted group's form: %d", res.StatusCode)
	}
	if n := auditCount(t, ts, "spec.group_deleted"); n != 2 {
		t.Errorf("spec.group_deleted audited %d times", n)
	}
}
