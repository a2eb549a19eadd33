package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// specID reads the id of a specification group or item by its code.
func specID(t testing.TB, ts *testServer, table, code string) int64 {
	t.Helper()
	var id int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM `+table+` WHERE code = ?`, code).Scan(&id); err != nil {
		t.Fatalf("%s %q: %v", table, code, err)
	}
	return id
}

// specRow finds a public page's specification row by its name.
func specRow(t testing.TB, res response, group, name string) *goquery.Selection {
	t.Helper()
	g := res.doc(t).Find(`[data-testid=spec-group][data-group="` + group + `"]`)
	if g.Length() == 0 {
		t.Fatalf("no specification group %s on the page (%d)", group, res.StatusCode)
	}
	return g.Find("[data-testid=spec-row]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Find("th").Text(), name)
	})
}

// TestSpecGroupAndItemToPublicPage: staff create a group with a number
// item and an equipment item, fill their values in a model's draft and
// publish; the public page shows them in each language, and renaming an
// item refreshes the cached page.
func TestSpecGroupAndItemToPublicPage(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	visitor := ts.newClient()

	list := cl.get(t, "/en/staff/specs")
	if list.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", list.StatusCode)
	}
	if list.doc(t).Find(`[data-testid=spec-group][data-code=engine] [data-testid=spec-item]`).Length() == 0 {
		t.Error("the list does not show the engine group's items")
	}
	if cl.get(t, "/en/staff/catalogue").doc(t).Find(`[data-testid=pub-nav] a[href="/en/staff/specs"]`).Length() != 1 {
		t.Error("the catalogue editor's navigation does not link the specifications page")
	}

	res := cl.submit(t, "/en/staff/specs/groups/new", "/en/staff/specs/groups/new", url.Values{
		"code": {"towing"}, "sort_order": {"100"},
		"name-ru": {"Буксировка"}, "name-en": {"Towing"}, "name-fa": {"یدک\u200cکشی"},
	})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/specs?done=group_created" {
		t.Fatalf("create group: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), errorsOf(t, res))
	}
	gid := specID(t, ts, "spec_groups", "towing")
	newItem := fmt.Sprintf("/en/staff/specs/items/new?group=%d", gid)
	if v := formOf(t, cl.get(t, newItem), "form[data-testid=spec-form]").Get("group"); v != fmt.Sprint(gid) {
		t.Errorf("new item form: group %q, want %d", v, gid)
	}
	for _, it := range []url.Values{
		{"code": {"tow_braked"}, "kind": {"number"}, "unit": {"kg"}, "decimals": {"0"}, "sort_order": {"10"},
			"name-ru": {"Масса буксируемого прицепа"}, "name-en": {"Braked trailer weight"}, "name-fa": {"وزن یدک با ترمز"}},
		{"code": {"tow_hitch"}, "kind": {"bool"}, "sort_order": {"20"},
			"name-ru": {"Фаркоп"}, "name-en": {"Tow hitch"}, "name-fa": {"قلاب یدک\u200cکش"}},
	} {
		it.Set("group", fmt.Sprint(gid))
		res := cl.submit(t, newItem, "/en/staff/specs/items/new", it)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create item %s: %d\n%s", it.Get("code"), res.StatusCode, errorsOf(t, res))
		}
	}
	if n := auditCount(t, ts, "spec.group_created"); n != 1 {
		t.Errorf("spec.group_created audited %d times", n)
	}
	if n := auditCount(t, ts, "spec.item_created"); n != 2 {
		t.Errorf("spec.item_created audited %d times", n)
	}
	var cells []string
	cl.get(t, "/en/staff/specs").doc(t).Find(`[data-testid=spec-item][data-code=tow_braked] td`).Each(func(_ int, s *goquery.Selection) {
		cells = append(cells, strings.TrimSpace(s.Text()))
	})
	if got := strings.Join(cells, " | "); got != "10 | tow_braked | Number | kg | 0 | Масса буксируемого прицепа | Braked trailer weight | وزن یدک با ترمز | Edit Delete… tow_braked" {
		t.Errorf("list row: %q", got)
	}

	// The editor of every model offers the new items at once.
	var modelID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = 'tara'`).Scan(&modelID); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/en/staff/catalogue/%d", modelID)
	form := formOf(t, cl.get(t, page), "form[data-testid=editor-form]")
	if _, ok := form["s0-tow_braked"]; !ok {
		t.Fatal("the editor's specification table lacks the new number item")
	}
	if _, ok := form["s0-tow_hitch"]; !ok {
		t.Fatal("the editor's specification table lacks the new equipment item")
	}
	form.Set("s0-tow_braked", "750")
	form.Set("s0-tow_hitch", "1")
	if res := cl.post(t, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	// Before publishing, the public page does not show the group.
	if visitor.get(t, "/en/models/tara").doc(t).Find(`[data-testid=spec-group][data-group=towing]`).Length() != 0 {
		t.Error("the public page shows the group before publishing")
	}
	if res := act(t, cl, modelID, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	for _, c := range []struct {
		lang, group, item, value, hitch, yes string
	}{
		{"ru", "Буксировка", "Масса буксируемого прицепа", "кг", "Фаркоп", "есть"},
		{"en", "Towing", "Braked trailer weight", "kg", "Tow hitch", "yes"},
		{"fa", "یدک\u200cکشی", "وزن یدک با ترمز", "کیلوگرم", "قلاب یدک\u200cکش", "دارد"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			res := visitor.get(t, "/"+c.lang+"/models/tara")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("model page: %d", res.StatusCode)
			}
			g := res.doc(t).Find(`[data-testid=spec-group][data-group=towing]`)
			if !strings.Contains(g.Text(), c.group) {
				t.Errorf("group name %q missing: %q", c.group, g.Text())
			}
			num := specRow(t, res, "towing", c.item)
			if num.Length() != 1 {
				t.Fatalf("no row %q", c.item)
			}
			text := num.Find("td").First().Text()
			if !strings.Contains(text, c.value) || !strings.ContainsAny(text, "7۷") {
				t.Errorf("%s value: %q, want 750 %s", c.item, text, c.value)
			}
			hitch := specRow(t, res, "towing", c.hitch)
			if hitch.Length() != 1 || !strings.Contains(hitch.Find("td").First().Text(), c.yes) {
				t.Errorf("%s: %q, want %q", c.hitch, hitch.Text(), c.yes)
			}
		})
	}

	// Renaming an item changes public pages: the cached page refreshes.
	itemPage := fmt.Sprintf("/en/staff/specs/items/%d", specID(t, ts, "spec_items", "tow_braked"))
	edit := formOf(t, cl.get(t, itemPage), "form[data-testid=spec-form]")
	edit.Set("name-en", "Towing capacity, braked")
	if res := cl.submit(t, itemPage, itemPage, edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save item: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	if n := auditCount(t, ts, "spec.item_saved"); n != 1 {
		t.Errorf("spec.item_saved audited %d times", n)
	}
	if specRow(t, visitor.get(t, "/en/models/tara"), "towing", "Towing capacity, braked").Length() != 1 {
		t.Error("the public page still shows the old item name")
	}
	// Renaming and moving the group shows too.
	groupPage := fmt.Sprintf("/en/staff/specs/groups/%d", gid)
	gform := formOf(t, cl.get(t, groupPage), "form[data-testid=spec-form]")
	gform.Set("name-en", "Trailer towing")
	gform.Set("sort_order", "1")
	if res := cl.submit(t, groupPage, groupPage, gform); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save group: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	first := visitor.get(t, "/en/models/tara").doc(t).Find(`[data-testid=spec-group]`).First()
	if first.AttrOr("data-group", "") != "towing" || !strings.Contains(first.Text(), "Trailer towing") {
		t.Errorf("first group: %q %q, want towing renamed and first", first.AttrOr("data-group", ""), first.Find("th").First().Text())
	}
}

// TestSpecFormsBadInput: a bad or taken code, a missing Russian name, a
// wrong kind or decimals are refused with 422, the values kept and the
// messages in the person's language; nothing is created.
func TestSpecFormsBadInput(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	gid := specID(t, ts, "spec_groups", "equipment")
	group := func(code, ru string) url.Values {
		return url.Values{"code": {code}, "sort_order": {"50"}, "name-ru": {ru}, "name-en": {"Lights"}}
	}
	item := func(code, kind, decimals, ru string) url.Values {
		return url.Values{"group": {fmt.Sprint(gid)}, "code": {code}, "kind": {kind}, "unit": {"mm"}, "decimals": {decimals},
			"sort_order": {"10"}, "name-ru": {ru}, "name-en": {"Fog lights"}}
	}
	cases := []struct {
		name, path string
		form       url.Values
		field, msg string
	}{
		{"group code with capitals", "/ru/staff/specs/groups/new", group("Lights-1", "Свет"), "code", "Используйте строчные латинские буквы, цифры и подчёркивания, первой — букву (не более 40)."},
		{"group code starting with a digit", "/en/staff/specs/groups/new", group("1lights", "Свет"), "code", "Use lowercase Latin letters, digits and underscores, starting with a letter (at most 40)."},
		{"group code taken", "/ru/staff/specs/groups/new", group("engine", "Свет"), "code", "Этот код уже занят."},
		{"group code missing", "/fa/staff/specs/groups/new", group("", "Свет"), "code", ""},
		{"group without Russian name", "/fa/staff/specs/groups/new", group("lights", ""), "name-ru", "دست\u200cکم نام روسی را وارد کنید."},
		{"item code taken", "/ru/staff/specs/items/new", item("power", "number", "0", "Противотуманные фары"), "code", "Этот код уже занят."},
		{"item code with a space", "/en/staff/specs/items/new", item("fog lights", "bool", "0", "Противотуманные фары"), "code", "Use lowercase Latin letters, digits and underscores, starting with a letter (at most 40)."},
		{"item kind unknown", "/en/staff/specs/items/new", item("fog_lights", "colour", "0", "Противотуманные фары"), "kind", ""},
		{"item decimals out of range", "/en/staff/specs/items/new", item("fog_lights", "number", "5", "Противотуманные фары"), "decimals", ""},
		{"item without Russian name", "/ru/staff/specs/items/new", item("fog_lights", "bool", "0", ""), "name-ru", "Введите хотя бы русское название."},
	}
	groups, items := 0, 0
	_ = ts.store.DB().Read.QueryRow(`SELECT (SELECT count(*) FROM spec_groups), (SELECT count(*) FROM spec_items)`).Scan(&groups, &items)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := cl.submit(t, c.path, c.path, c.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			doc := res.doc(t)
			f := doc.Find(`[data-field="` + c.field + `"] [data-testid=field-error], #` + c.field + `-error`).First()
			if f.Length() == 0 {
				t.Fatalf("no error on %s:\n%s", c.field, errorsOf(t, res))
			}
			if c.msg != "" && strings.TrimSpace(f.Text()) != c.msg {
				t.Errorf("error %q, want %q", strings.TrimSpace(f.Text()), c.msg)
			}
			if got := doc.Find(`input[name=code]`).AttrOr("value", ""); got != c.form.Get("code") {
				t.Errorf("code kept as %q, want %q", got, c.form.Get("code"))
			}
			if got := doc.Find(`input[name=name-en]`).AttrOr("value", ""); got != c.form.Get("name-en") {
				t.Errorf("English name kept as %q, want %q", got, c.form.Get("name-en"))
			}
			if c.form.Get("name-ru") != "" && doc.Find(`input[name=name-fa][aria-describedby="name-fa-missing"]`).Length() != 1 {
				t.Error("the missing Persian name is not flagged")
			}
		})
	}
	var g2, i2 int
	_ = ts.store.DB().Read.QueryRow(`SELECT (SELECT count(*) FROM spec_groups), (SELECT count(*) FROM spec_items)`).Scan(&g2, &i2)
	if g2 != groups || i2 != items {
		t.Errorf("refused forms created something: groups %d → %d, items %d → %d", groups, g2, items, i2)
	}
	// An existing item's form refuses a missing Russian name too, and
	// keeps its code and kind.
	id := specID(t, ts, "spec_items", "power")
	page := fmt.Sprintf("/en/staff/specs/items/%d", id)
	form := formOf(t, cl.get(t, page), "form[data-testid=spec-form]")
	if _, ok := form["code"]; ok {
		t.Error("an existing item's code is editable")
	}
	form.Set("name-ru", "")
	form.Set("decimals", "9")
	res := cl.submit(t, page, page, form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("save without Russian name: %d", res.StatusCode)
	}
	if n := res.doc(t).Find("[data-testid=error-summary] li").Length(); n != 2 {
		t.Errorf("%d problems listed, want 2 (name, decimals):\n%s", n, errorsOf(t, res))
	}
	if n := auditCount(t, ts, "spec.item_saved"); n != 0 {
		t.Errorf("a refused save was audited %d times", n)
	}
}
