package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// problemRows reads the problems of a refused upload as "line: text".
func problemRows(doc *goquery.Document) []string {
	var out []string
	doc.Find("[data-testid=problem-row]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Find("th").Text())+": "+strings.TrimSpace(s.Find("td").Text()))
	})
	return out
}

// confirmForm reads the confirm form of a preview as a form to post.
func confirmForm(t *testing.T, doc *goquery.Document) url.Values {
	t.Helper()
	form := doc.Find("[data-testid=confirm-import]")
	if form.Length() != 1 {
		t.Fatal("no confirm form in the preview")
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// TestShipmentCSVImport uploads files through the router: each kind of
// bad line is refused with its line number and a message, and nothing is
// stored; valid files are previewed with what they change, then imported
// in one go.
func TestShipmentCSVImport(t *testing.T) {
	const head = "month,market,model,units\n"
	// many writes n different lines: 312 months of 2000–2025 for each
	// market and model.
	many := func(n int) string {
		markets := []string{"ru", "az", "om", "iq", "by", "kz", "am", "sy"}
		models := []string{"rira", "tara", "dena-plus", "soren-plus", "runna-plus", "samand"}
		var b strings.Builder
		b.WriteString(head)
		for i := range n {
			m, k := i%312, i/312
			fmt.Fprintf(&b, "%04d-%02d,%s,%s,5\n", 2000+m/12, m%12+1, markets[k%8], models[k/8%6])
		}
		return b.String()
	}
	cases := []struct {
		name    string
		content string
		status  int
		// problems are the lines' problems, in order; file is the problem
		// of the whole file.
		problems []string
		file     string
		// preview are the rows of a valid file's preview, as "line month
		// market model units change".
		preview []string
		// after names a record and its units once imported.
		after struct {
			month, market, model string
			units                int
		}
	}{
		{name: "bad month", content: head + "2026-13,ru,rira,5\n2026-04,ru,tara,5\n", status: 422,
			problems: []string{"2: “2026-13” is not a month written YYYY-MM."}},
		{name: "month written otherwise", content: head + "04.2026,ru,rira,5\n", status: 422,
			problems: []string{"2: “04.2026” is not a month written YYYY-MM."}},
		{name: "future month", content: head + "2026-06,ru,rira,5\n", status: 422,
			problems: []string{"2: This month has not begun yet."}},
		{name: "before 2000", content: head + "1999-12,ru,rira,5\n", status: 422,
			problems: []string{"2: Records start in January 2000."}},
		{name: "unknown market", content: head + "2026-04,Narnia,rira,5\n", status: 422,
			problems: []string{"2: No market is called “Narnia”."}},
		{name: "missing market", content: head + "2026-04,,rira,5\n", status: 422,
			problems: []string{"2: The market is missing."}},
		{name: "unknown model", content: head + "2026-04,ru,Paykan,5\n", status: 422,
			problems: []string{"2: No model is called “Paykan”."}},
		{name: "units zero", content: head + "2026-04,ru,rira,0\n", status: 422,
			problems: []string{"2: “0” is not a whole number of vehicles from 1 to 1,000,000."}},
		{name: "units not whole, semicolons", content: "month;market;model;units\n2026-04;ru;rira;1,5\n", status: 422,
			problems: []string{"2: “1,5” is not a whole number of vehicles from 1 to 1,000,000."}},
		{name: "too many values", content: head + "2026-04,ru,rira,1,5\n", status: 422,
			problems: []string{"2: The line has 5 values; it needs four: month, market, model, units."}},
		{name: "units negative, decimal, too many, words", content: head + "2026-01,ru,rira,-3\n2026-02,ru,rira,2.5\n2026-03,ru,rira,1000001\n2026-04,ru,rira,many\n", status: 422,
			problems: []string{"2: “-3” is not a whole number of vehicles from 1 to 1,000,000.", "3: “2.5” is not a whole number of vehicles from 1 to 1,000,000.",
				"4: “1000001” is not a whole number of vehicles from 1 to 1,000,000.", "5: “many” is not a whole number of vehicles from 1 to 1,000,000."}},
		{name: "duplicate lines", content: head + "2026-04,ru,rira,5\n2026-03,ru,rira,5\n2026-04,Russia,Rira,7\n", status: 422,
			problems: []string{"4: The same month, market and model as line 2."}},
		{name: "too few values", content: head + "2026-04,ru,rira\n", status: 422,
			problems: []string{"2: The line has 3 values; it needs four: month, market, model, units."}},
		{name: "stray quote", content: head + "2026-04,r\"u,rira,5\n2026-03,ru,rira,5\n", status: 422,
			problems: []string{"2: The line cannot be read as CSV (a stray quotation mark?)."}},
		{name: "every problem of a line", content: head + "2026-13,Narnia,Paykan,0\n", status: 422,
			problems: []string{"2: “2026-13” is not a month written YYYY-MM.", "2: No market is called “Narnia”.", "2: No model is called “Paykan”.",
				"2: “0” is not a whole number of vehicles from 1 to 1,000,000."}},
		{name: "one bad line among good ones", content: head + "2026-01,ru,rira,5\n2026-02,ru,rira,5\n2026-03,ru,rira,5\n2026-04,ru,nope,5\n", status: 422,
			problems: []string{"5: No model is called “nope”."}},
		{name: "not UTF-8", content: head + "2026-04,\xcf\xee\xf1\xf1\xe8\xff,rira,5\n", status: 422, file: "The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8”."},
		{name: "empty", content: "", status: 422, file: "The file is empty."},
		{name: "header missing", content: "2026-04,ru,rira,5\n", status: 422, file: "The first line must name the columns month, market, model and units."},
		{name: "header only", content: head, status: 422, file: "The file has a header but no lines of figures."},
		{name: "too many lines", content: many(5001), status: 422, file: "The file has more than 5,000 lines: split it."},

		{name: "codes and slugs, comma", content: head + "2026-04,ru,tara,100\n2026-04,AZ,rira,650\n", status: 200,
			preview: []string{"2 April 2026 Russia Tara 100 New record", "3 April 2026 Azerbaijan Rira 650 Replaces 600"},
			after: struct {
				month, market, model string
				units                int
			}{"2026-04", "az", "rira", 650}},
		{name: "byte-order mark, semicolons, CRLF, names in Russian and Persian, Persian digits, grouped units", status: 200,
			content: "\ufeffmonth;market;model;units\r\n۲۰۲۶-۰۲;عمان;ریرا;۱۲۰\r\n2026-03;Россия;تارا;\"1 250\"\r\n",
			preview: []string{"2 February 2026 Oman Rira 120 New record", "3 March 2026 Russia Tara 1,250 Replaces 1,200"},
			after: struct {
				month, market, model string
				units                int
			}{"2026-03", "ru", "tara", 1250}},
		{name: "columns in another order, trailing separators, blank lines", status: 200,
			content: "units,model,market,month,\n\n7,dena-plus,iq,2025-11,\n\n",
			preview: []string{"3 November 2025 Iraq Dena Plus 7 New record"},
			after: struct {
				month, market, model string
				units                int
			}{"2025-11", "iq", "dena-plus", 7}},
		{name: "5,000 lines", content: many(5000), status: 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newDashFixture(t)
			cl, _ := loginAs(t, f.ts, "staff")
			before := f.count(t)
			res := uploadRequest(t, cl, "/en/staff/shipments", "/en/staff/shipments/import", "figures.csv", []byte(c.content))
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d\n%.3000s", res.StatusCode, c.status, res.Body)
			}
			doc := res.doc(t)
			if got := problemRows(doc); strings.Join(got, "\n") != strings.Join(c.problems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.problems, "\n"))
			}
			if got := strings.TrimSpace(doc.Find("[data-testid=file-problem]").Text()); got != c.file {
				t.Errorf("file problem %q, want %q", got, c.file)
			}
			if c.status != 200 {
				if doc.Find("[data-testid=confirm-import]").Length() != 0 {
					t.Error("a refused file has a confirm button")
				}
				if doc.Find("[data-testid=upload-form] input[type=file]").Length() != 1 {
					t.Error("no form to upload a corrected file")
				}
				if f.count(t) != before {
					t.Errorf("records: %d, were %d", f.count(t), before)
				}
				return
			}
			if c.preview != nil {
				var rows []string
				doc.Find("[data-testid=preview-row]").Each(func(_ int, s *goquery.Selection) {
					var cells []string
					s.Children().Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
					rows = append(rows, strings.Join(cells, " "))
				})
				if strings.Join(rows, "\n") != strings.Join(c.preview, "\n") {
					t.Errorf("preview:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(c.preview, "\n"))
				}
			}
			if f.count(t) != before {
				t.Fatal("the preview stored records")
			}
			form := confirmForm(t, doc)
			form.Set("csrf", doc.Find("[data-testid=confirm-import] input[name=csrf]").AttrOr("value", ""))
			res = cl.post(t, "/en/staff/shipments/import/confirm", form)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirm: %d\n%.2000s", res.StatusCode, res.Body)
			}
			loc, _ := url.Parse(res.Header.Get("Location"))
			q := loc.Query()
			added, replaced := q.Get("new"), q.Get("replaced")
			if fmt.Sprint(f.count(t)-before) != added {
				t.Errorf("%d records added, the notice says %s (replaced %s)", f.count(t)-before, added, replaced)
			}
			notice := cl.get(t, res.Header.Get("Location")).doc(t).Find("[data-testid=notice]").Text()
			if !strings.Contains(strings.ReplaceAll(notice, ",", ""), "The file was imported. New records: "+added+"; replaced: "+replaced+".") {
				t.Errorf("notice %q", notice)
			}
			if a := c.after; a.month != "" {
				var units int
				if err := f.ts.store.DB().Read.QueryRow(`SELECT s.units FROM shipments s JOIN markets mk ON mk.id = s.market_id JOIN models m ON m.id = s.model_id
					WHERE s.month = ? AND mk.code = ? AND m.slug = ?`, a.month, a.market, a.model).Scan(&units); err != nil || units != a.units {
					t.Errorf("%s %s %s: %d units (%v), want %d", a.month, a.market, a.model, units, err, a.units)
				}
			}
			var audits int
			if err := f.ts.store.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'shipments.imported' AND detail LIKE 'figures.csv:%'`).Scan(&audits); err != nil || audits != 1 {
				t.Errorf("audit entries: %d %v", audits, err)
			}
		})
	}
}

// TestShipmentUploadTooLarge: a file over the limit is refused with 413.
func TestShipmentUploadTooLarge(t *testing.T) {
	f := newDashFixture(t)
	cl, _ := loginAs(t, f.ts, "staff")
	big := "month,market,model,units\n" + strings.Repeat("2026-04,ru,rira,5"+strings.Repeat(" ", 120)+"\n", 4100)
	res := uploadRequest(t, cl, "/en/staff/shipments", "/en/staff/shipments/import", "big.csv", []byte(big))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.doc(t).Find("[data-testid=upload-error]").Text(); got != "The file is larger than 512 KB." {
		t.Errorf("error %q", got)
	}
	// Beyond the request limit the middleware answers.
	huge := strings.Repeat("x", 2<<20)
	if res := uploadRequest(t, cl, "/en/staff/shipments", "/en/staff/shipments/import", "huge.csv", []byte(huge)); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB: %d", res.StatusCode)
	}
	// No file at all.
	if res := cl.submit(t, "/en/staff/shipments", "/en/staff/shipments/import", nil); res.StatusCode != http.StatusUnprocessableEntity ||
		res.doc(t).Find("[data-testid=upload-error]").Text() != "Choose a CSV file to upload." {
		t.Errorf("no file: %d", res.StatusCode)
	}
}

// TestShipmentImportConfirmIsChecked: the confirm step imports only the
// content previewed in this session.
func TestShipmentImportConfirmIsChecked(t *testing.T) {
	f := newDashFixture(t)
	cl, _ := loginAs(t, f.ts, "staff")
	other, _ := loginAs(t, f.ts, "staff")
	before := f.count(t)
	res := uploadRequest(t, cl, "/en/staff/shipments", "/en/staff/shipments/import", "a.csv", []byte("month,market,model,units\n2026-04,ru,tara,100\n"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d", res.StatusCode)
	}
	form := confirmForm(t, res.doc(t))
	cases := []struct {
		name   string
		cl     *client
		change func(url.Values)
		status int
	}{
		{"content changed in the page", cl, func(v url.Values) {
			v.Set("content", "bW9udGgsbWFya2V0LG1vZGVsLHVuaXRzCjIwMjYtMDQscnUsdGFyYSw5OTk5Cg==") // …,9999
		}, http.StatusBadRequest},
		{"signature removed", cl, func(v url.Values) { v.Del("sig") }, http.StatusBadRequest},
		{"content not base64", cl, func(v url.Values) { v.Set("content", "%%%") }, http.StatusBadRequest},
		{"another session", other, func(url.Values) {}, http.StatusBadRequest},
	}
	for _, c := range cases {
		v := url.Values{}
		for k, vs := range form {
			v[k] = append([]string(nil), vs...)
		}
		c.change(v)
		v.Set("csrf", c.cl.csrfFrom(t, "/en/staff/shipments"))
		if res := c.cl.post(t, "/en/staff/shipments/import/confirm", v); res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
		}
		if f.count(t) != before {
			t.Fatalf("%s: records stored", c.name)
		}
	}
	form.Set("csrf", cl.csrfFrom(t, "/en/staff/shipments"))
	if res := cl.post(t, "/en/staff/shipments/import/confirm", form); res.StatusCode != http.StatusSeeOther || f.count(t) != before+1 {
		t.Errorf("the real confirm: %d, %d records", res.StatusCode, f.count(t))
	}
}

// TestShipmentForms: one record added, refused with its values kept,
// edited and deleted; a market added; every change in the audit log.
func TestShipmentForms(t *testing.T) {
	f := newDashFixture(t)
	ts := f.ts
	cl, _ := loginAs(t, ts, "staff")
	list := func(query string) *goquery.Document {
		res := cl.get(t, "/en/staff/shipments"+query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("list %s: %d", query, res.StatusCode)
		}
		return res.doc(t)
	}
	// The list and its filters.
	for _, c := range []struct {
		query string
		rows  int
	}{{"", 8}, {"?year=2025", 2}, {"?market=" + idString(f.az), 2}, {"?model=" + idString(f.tara) + "&year=2026", 2}, {"?year=2024", 0}} {
		if n := list(c.query).Find("[data-testid=shipment-row]").Length(); n != c.rows {
			t.Errorf("list %q: %d rows, want %d", c.query, n, c.rows)
		}
	}
	for _, q := range []string{"?year=abc", "?year=99999", "?market=x", "?model=-1", "?page=0"} {
		if res := cl.get(t, "/en/staff/shipments"+q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("list %q: %d", q, res.StatusCode)
		}
	}
	for _, lang := range []string{"ru", "en", "fa"} {
		checkPage(t, lang, cl.get(t, "/"+lang+"/staff/shipments"), "/"+lang+"/staff/shipments")
	}

	// Bad forms: 422, each problem by its field, the values kept.
	bad := []struct {
		name   string
		form   url.Values
		errors map[string]string
	}{
		{"everything wrong", url.Values{"month": {"2026-13"}, "market": {""}, "model": {"999999"}, "units": {"abc"}}, map[string]string{
			"month": "Write the month as YYYY-MM, for example 2026-03.", "market": "Please fill in this field.",
			"model": "Choose one of the models.", "units": "Write a whole number of vehicles from 1 to 1,000,000."}},
		{"future month, zero units", url.Values{"month": {"2026-06"}, "market": {idString(f.ru)}, "model": {idString(f.rira)}, "units": {"0"}}, map[string]string{
			"month": "This month has not begun yet.", "units": "Write a whole number of vehicles from 1 to 1,000,000."}},
		{"already recorded", url.Values{"month": {"2026-04"}, "market": {idString(f.az)}, "model": {idString(f.rira)}, "units": {"5"}}, map[string]string{
			"month": "This month, market and model already have a record: change that one instead."}},
	}
	for _, c := range bad {
		res := cl.submit(t, "/en/staff/shipments", "/en/staff/shipments", c.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.name, res.StatusCode)
			continue
		}
		doc := res.doc(t)
		form := doc.Find("[data-testid=add-shipment]")
		for field, want := range c.errors {
			if got := form.Find("[data-field=" + field + "] [data-testid=field-error]").Text(); got != want {
				t.Errorf("%s: %s error %q, want %q", c.name, field, got, want)
			}
		}
		if n := doc.Find("[data-testid=error-summary] li").Length(); n != len(c.errors) {
			t.Errorf("%s: %d problems in the summary", c.name, n)
		}
		if got := form.Find("input[name=month]").AttrOr("value", ""); got != c.form.Get("month") {
			t.Errorf("%s: month kept as %q", c.name, got)
		}
		if got := form.Find("input[name=units]").AttrOr("value", ""); got != c.form.Get("units") {
			t.Errorf("%s: units kept as %q", c.name, got)
		}
		if v := c.form.Get("market"); v != "" && form.Find("select[name=market] option[selected]").AttrOr("value", "") != v {
			t.Errorf("%s: market not kept", c.name)
		}
		if c.name == "already recorded" {
			id, _ := ts.store.ShipmentIDByKey(t.Context(), db.ShipmentKey{Month: "2026-04", MarketID: f.az, ModelID: f.rira})
			if got := doc.Find("[data-testid=existing] a").AttrOr("href", ""); got != "/en/staff/shipments/"+idString(id) {
				t.Errorf("link to the existing record: %q", got)
			}
		}
	}
	if f.count(t) != 8 {
		t.Fatalf("refused forms stored records: %d", f.count(t))
	}

	// A good record.
	res := cl.submit(t, "/en/staff/shipments", "/en/staff/shipments", url.Values{"month": {"2026-05"}, "market": {idString(f.om)},
		"model": {idString(f.tara)}, "units": {"1 234"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/en/staff/shipments?done=added" {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	id, err := ts.store.ShipmentIDByKey(t.Context(), db.ShipmentKey{Month: "2026-05", MarketID: f.om, ModelID: f.tara})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ts.store.ShipmentByID(t.Context(), "en", id)
	if r.Units != 1234 {
		t.Errorf("units %d", r.Units)
	}

	// Its page, an edit refused, an edit saved.
	page := "/en/staff/shipments/" + idString(id)
	doc := cl.get(t, page).doc(t)
	if doc.Find("h1").Text() != "May 2026 · Oman · Tara" || doc.Find("input[name=units]").AttrOr("value", "") != "1234" {
		t.Errorf("edit page: %q, units %q", doc.Find("h1").Text(), doc.Find("input[name=units]").AttrOr("value", ""))
	}
	res = cl.submit(t, page, page, url.Values{"month": {"2026-04"}, "market": {idString(f.az)}, "model": {idString(f.rira)}, "units": {"77"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("[data-field=month] [data-testid=field-error]").Length() != 1 {
		t.Errorf("edit onto another record: %d", res.StatusCode)
	}
	res = cl.submit(t, page, page, url.Values{"month": {"2026-05"}, "market": {idString(f.om)}, "model": {idString(f.tara)}, "units": {"-1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("input[name=units]").AttrOr("value", "") != "-1" {
		t.Errorf("bad edit: %d", res.StatusCode)
	}
	res = cl.submit(t, page, page, url.Values{"month": {"2026-05"}, "market": {idString(f.om)}, "model": {idString(f.tara)}, "units": {"1300"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if r, _ := ts.store.ShipmentByID(t.Context(), "en", id); r.Units != 1300 {
		t.Errorf("after the edit: %d units", r.Units)
	}

	// Deleting asks first.
	res = cl.submit(t, page, page+"/delete", nil)
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=confirm-delete]").Length() != 1 {
		t.Fatalf("delete without confirming: %d", res.StatusCode)
	}
	if _, err := ts.store.ShipmentByID(t.Context(), "en", id); err != nil {
		t.Fatal("deleted without confirming")
	}
	res = cl.submit(t, page, page+"/delete", url.Values{"confirm": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res := cl.get(t, page); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted record's page: %d", res.StatusCode)
	}
	for _, p := range []string{"/en/staff/shipments/999999", "/en/staff/shipments/abc"} {
		if res := cl.get(t, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}

	// Markets.
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		field  string
	}{
		{"bad code", url.Values{"code": {"G!"}, "name_ru": {"Грузия"}, "name_en": {"Georgia"}, "name_fa": {"گرجستان"}}, 422, "code"},
		{"taken code", url.Values{"code": {"RU"}, "name_ru": {"Грузия"}, "name_en": {"Georgia"}, "name_fa": {"گرجستان"}}, 422, "code"},
		{"taken name", url.Values{"code": {"ge"}, "name_ru": {"Грузия"}, "name_en": {"oman"}, "name_fa": {"گرجستان"}}, 422, "name_en"},
		{"no Persian name", url.Values{"code": {"ge"}, "name_ru": {"Грузия"}, "name_en": {"Georgia"}, "name_fa": {""}}, 422, "name_fa"},
		{"good", url.Values{"code": {"ge"}, "name_ru": {"Грузия"}, "name_en": {"Georgia"}, "name_fa": {"گرجستان"}}, 303, ""},
	} {
		res := cl.submit(t, "/en/staff/shipments", "/en/staff/shipments/markets", c.form)
		if res.StatusCode != c.status {
			t.Errorf("market %s: %d", c.name, res.StatusCode)
			continue
		}
		if c.field != "" {
			d := res.doc(t)
			if d.Find("[data-testid=market-form] [data-field="+c.field+"] [data-testid=field-error]").Length() != 1 {
				t.Errorf("market %s: no error at %s", c.name, c.field)
			}
			if got := d.Find("[data-testid=market-form] input[name=name_ru]").AttrOr("value", ""); got != "Грузия" {
				t.Errorf("market %s: name kept as %q", c.name, got)
			}
		}
	}
	if list("").Find(`select[name=market] option:contains("Georgia")`).Length() != 2 {
		t.Error("the new market is not offered in the filter and the form")
	}

	var actions []string
	rows, err := ts.store.DB().Read.Query(`SELECT action FROM audit_log WHERE action LIKE 'shipment%' OR action LIKE 'market%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if strings.Join(actions, " ") != "shipment.created shipment.updated shipment.deleted market.created" {
		t.Errorf("audit: %v", actions)
	}
}

// seedShipment stores a record (Rira to Russia, January 2026) and returns
// its id.
func seedShipment(t *testing.T, ts *testServer) int64 {
	t.Helper()
	var id int64
	err := ts.store.Tx(t.Context(), func(tx *db.Tx) error {
		var mk, md int64
		if err := ts.store.DB().Read.QueryRow(`SELECT (SELECT id FROM markets WHERE code = 'ru'), (SELECT id FROM models WHERE slug = 'rira')`).Scan(&mk, &md); err != nil {
			return err
		}
		var err error
		id, err = tx.CreateShipment(db.ShipmentInput{Month: "2026-01", MarketID: mk, ModelID: md, Units: 10}, 0, ts.now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
