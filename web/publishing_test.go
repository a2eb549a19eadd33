package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// formOf reads the values a browser would send for the form sel on the
// page: inputs (ticked boxes only), selects and textareas.
func formOf(t testing.TB, res response, sel string) url.Values {
	t.Helper()
	form := res.doc(t).Find(sel).First()
	if form.Length() == 0 {
		t.Fatalf("no form %s in the page (%d)", sel, res.StatusCode)
	}
	v := url.Values{}
	form.Find("input[name], select[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "input":
			typ, _ := s.Attr("type")
			if (typ == "checkbox" || typ == "radio") && s.AttrOr("checked", "-") == "-" {
				return
			}
			v.Add(name, s.AttrOr("value", ""))
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", ""))
		case "textarea":
			v.Add(name, s.Text())
		}
	})
	return v
}

// newModelForm fills the new-model editor with a model and one trim in
// three languages.
func newModelForm(t testing.TB, cl *client) url.Values {
	t.Helper()
	v := formOf(t, cl.get(t, "/en/staff/catalogue/new"), "form[data-testid=editor-form]")
	for k, val := range map[string]string{
		"name-ru": "Азар Кросс", "name-en": "Azar Cross", "name-fa": "آذر کراس",
		"tagline-ru": "Городской кроссовер", "tagline-en": "A city crossover", "tagline-fa": "کراس\u200cاوور شهری",
		"body_type": "crossover", "seats": "5", "model_year": "2027",
		"t0-name-ru": "Комфорт", "t0-name-en": "Comfort", "t0-name-fa": "راحت",
		"t0-fuel": "petrol", "t0-transmission": "cvt", "t0-drive": "fwd",
		"t0-engine_cc": "1598", "t0-power_hp": "115", "t0-price": "1 890 000",
	} {
		v.Set(k, val)
	}
	return v
}

// createModel creates a draft through the editor and returns its id.
func createModel(t testing.TB, cl *client, form url.Values) int64 {
	t.Helper()
	res := cl.post(t, "/en/staff/catalogue/new", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	var id int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/en/staff/catalogue/%d", &id); err != nil {
		t.Fatalf("create: location %q", res.Header.Get("Location"))
	}
	return id
}

func errorsOf(t testing.TB, res response) string {
	var out []string
	res.doc(t).Find("[data-testid=error-summary] li, [data-testid=editor-error], [data-testid=upload-error]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return strings.Join(out, "\n")
}

// act posts one of the editor's action forms (publish, unpublish …).
func act(t testing.TB, cl *client, id int64, action string, extra url.Values) response {
	t.Helper()
	if extra == nil {
		extra = url.Values{}
	}
	page := fmt.Sprintf("/en/staff/catalogue/%d", id)
	return cl.submit(t, page, page+"/"+action, extra)
}

func auditCount(t testing.TB, ts *testServer, action string) int {
	t.Helper()
	var n int
	if err := ts.store.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEditorCreateEditPublish(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	visitor := ts.newClient()

	id := createModel(t, cl, newModelForm(t, cl))
	editor := cl.get(t, fmt.Sprintf("/en/staff/catalogue/%d?done=created", id))
	if editor.StatusCode != http.StatusOK {
		t.Fatalf("editor: %d", editor.StatusCode)
	}
	doc := editor.doc(t)
	if got := doc.Find("#slug").AttrOr("value", ""); got != "azar-cross" {
		t.Errorf("derived slug %q, want azar-cross", got)
	}
	if got := doc.Find("[data-testid=pub-status]").Text(); got != "Draft" {
		t.Errorf("status %q", got)
	}
	if dir := doc.Find("#name-fa").AttrOr("dir", ""); dir != "rtl" {
		t.Errorf("Persian input dir %q, want rtl", dir)
	}
	// The description is empty in every language: not flagged; nothing else
	// is missing.
	if n := doc.Find("[data-testid=missing]").Length(); n != 0 {
		t.Errorf("%d missing flags, want 0", n)
	}
	if res := visitor.get(t, "/en/models/azar-cross"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("draft is public: %d", res.StatusCode)
	}
	// Fill the cache with the catalogue as it is.
	if strings.Contains(visitor.get(t, "/en/catalogue").Body, "Azar Cross") {
		t.Fatal("draft listed in the catalogue")
	}

	if res := act(t, cl, id, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.StatusCode, errorsOf(t, res))
	}
	page := visitor.get(t, "/fa/models/azar-cross")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "آذر کراس") {
		t.Fatalf("published page: %d", page.StatusCode)
	}
	if !strings.Contains(visitor.get(t, "/en/catalogue").Body, "Azar Cross") {
		t.Error("published model missing from the cached catalogue")
	}
	news := visitor.get(t, "/ru/news")
	if !strings.Contains(news.Body, "Новая модель: Азар Кросс") {
		t.Errorf("news page lacks the model:\n%s", news.doc(t).Find("main").Text())
	}

	// Edit: the draft leaves the public page alone until published.
	v := formOf(t, cl.get(t, fmt.Sprintf("/en/staff/catalogue/%d", id)), "form[data-testid=editor-form]")
	v.Set("name-en", "Azar Cross Plus")
	v.Set("s0-power", "116")
	if res := cl.post(t, fmt.Sprintf("/en/staff/catalogue/%d", id), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, errorsOf(t, res))
	}
	if strings.Contains(visitor.get(t, "/en/models/azar-cross").Body, "Azar Cross Plus") {
		t.Fatal("a saved draft changed the public page")
	}
	ed := cl.get(t, fmt.Sprintf("/en/staff/catalogue/%d", id)).doc(t)
	if ed.Find("[data-testid=unpublished]").Length() != 1 {
		t.Error("no unpublished-changes indicator")
	}
	if res := act(t, cl, id, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish edit: %d", res.StatusCode)
	}
	if !strings.Contains(visitor.get(t, "/en/models/azar-cross").Body, "Azar Cross Plus") {
		t.Error("published change not visible at once")
	}
	for _, a := range []string{"catalogue.created", "catalogue.saved", "catalogue.published"} {
		if auditCount(t, ts, a) == 0 {
			t.Errorf("no audit entry %s", a)
		}
	}
	// The list shows the entry with its status.
	list := cl.get(t, "/en/staff/catalogue").doc(t)
	if got := list.Find(`[data-testid=entry][data-slug=azar-cross] [data-testid=pub-status]`).Text(); got != "Published" {
		t.Errorf("list status %q", got)
	}
	// Preview renders the draft.
	if res := cl.get(t, fmt.Sprintf("/en/staff/catalogue/%d/preview", id)); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Azar Cross Plus") {
		t.Errorf("preview: %d", res.StatusCode)
	}
}

func TestNewsFeedIsAtom(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	id := createModel(t, cl, newModelForm(t, cl))
	act(t, cl, id, "publish", nil)
	for _, c := range []struct{ lang, title string }{
		{"ru", "Новая модель: Азар Кросс"}, {"en", "New model: Azar Cross"}, {"fa", "مدل جدید: آذر کراس"},
	} {
		res := ts.get(t, "/"+c.lang+"/news.atom")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s feed: %d %s", c.lang, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(res.Body), &feed); err != nil {
			t.Fatalf("%s feed: %v", c.lang, err)
		}
		if len(feed.Entries) == 0 || feed.Entries[0].Title != c.title {
			t.Fatalf("%s feed entries: %+v", c.lang, feed.Entries)
		}
		e := feed.Entries[0]
		if e.Link.Href != "http://portal.test/"+c.lang+"/models/azar-cross" || e.ID == "" || e.Updated == "" || feed.Updated != e.Updated {
			t.Errorf("%s entry: %+v (feed updated %s)", c.lang, e, feed.Updated)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("%s updated: %v", c.lang, err)
		}
	}
}

func TestEditorConcurrentSaveRefused(t *testing.T) {
	ts := newTestServer(t)
	a, _ := loginAs(t, ts, "staff")
	b, _ := loginAs(t, ts, "admin")
	var id int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = 'rira'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/en/staff/catalogue/%d", id)
	fa := formOf(t, a.get(t, page), "form[data-testid=editor-form]")
	fb := formOf(t, b.get(t, page), "form[data-testid=editor-form]")
	fa.Set("tagline-en", "First person's tagline")
	fb.Set("tagline-en", "Second person's tagline")
	if res := a.post(t, page, fa); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", res.StatusCode, errorsOf(t, res))
	}
	res := b.post(t, page, fb)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d, want 409", res.StatusCode)
	}
	doc := res.doc(t)
	if got := doc.Find("#tagline-en").AttrOr("value", ""); got != "Second person's tagline" {
		t.Errorf("the second person's text is not kept: %q", got)
	}
	if !strings.Contains(doc.Find("[data-testid=editor-error]").Text(), "Someone else saved") {
		t.Error("no conflict message")
	}
	if doc.Find("[data-testid=conflict-diff]").Length() != 1 {
		t.Error("no link to the other person's changes")
	}
	d, err := ts.store.Draft(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Snapshot.Tagline["en"] != "First person's tagline" {
		t.Errorf("stored tagline %q", d.Snapshot.Tagline["en"])
	}
	// Saving again from the refreshed form works.
	fb2 := formOf(t, res, "form[data-testid=editor-form]")
	if got := fb2.Get("rev"); got != fmt.Sprint(d.DraftRev) {
		t.Errorf("the re-shown form has rev %s, want %d", got, d.DraftRev)
	}
	if res := b.post(t, page, fb2); res.StatusCode != http.StatusSeeOther {
		t.Errorf("merged save: %d", res.StatusCode)
	}
}

func TestEditorBadInput(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	cases := []struct {
		name   string
		set    map[string]string
		status int
		field  string
	}{
		{"no name", map[string]string{"name-ru": "", "name-en": ""}, 422, "name-ru"},
		{"bad slug", map[string]string{"slug": "Bad Slug!"}, 422, "slug"},
		{"slug of another model", map[string]string{"slug": "tara"}, 422, "slug"},
		{"power not a number", map[string]string{"t0-power_hp": "many"}, 422, "t0-power_hp"},
		{"price with three decimals", map[string]string{"t0-price": "1,999"}, 422, "t0-price"},
		{"bidi override in a name", map[string]string{"name-en": "Azar\u202eCross"}, 422, "name-en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newModelForm(t, cl)
			for k, val := range c.set {
				v.Set(k, val)
			}
			res := cl.post(t, "/en/staff/catalogue/new", v)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			doc := res.doc(t)
			if doc.Find("#"+c.field+"-error").Length() != 1 {
				t.Errorf("no error next to %s:\n%s", c.field, errorsOf(t, res))
			}
			if got := doc.Find("#tagline-en").AttrOr("value", ""); got != "A city crossover" {
				t.Errorf("values not kept: %q", got)
			}
		})
	}
	// A malformed form is 400.
	if res := cl.submit(t, "/en/staff/catalogue/new", "/en/staff/catalogue/new", url.Values{"trims": {"x"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad trims count: %d", res.StatusCode)
	}
	var n int
	_ = ts.store.DB().Read.QueryRow(`SELECT count(*) FROM catalogue_revisions`).Scan(&n)
	if n != 0 {
		t.Errorf("%d revisions stored from bad input", n)
	}
}

func TestSlugChangeRedirects(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	var id int64
	_ = ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = 'rira'`).Scan(&id)
	page := fmt.Sprintf("/en/staff/catalogue/%d", id)
	v := formOf(t, cl.get(t, page), "form[data-testid=editor-form]")
	v.Set("slug", "rira-crossover")
	if res := cl.post(t, page, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, errorsOf(t, res))
	}
	act(t, cl, id, "publish", nil)
	res := ts.get(t, "/ru/models/rira")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/ru/models/rira-crossover" {
		t.Fatalf("old slug: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := ts.get(t, "/ru/models/rira-crossover"); res.StatusCode != http.StatusOK {
		t.Errorf("new slug: %d", res.StatusCode)
	}
}

func TestScheduledPublishing(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	cl, _ := loginAs(t, ts, "staff")
	id := createModel(t, cl, newModelForm(t, cl))

	// 14:00 Moscow time is 11:00 UTC.
	res := act(t, cl, id, "schedule", url.Values{"action": {"publish"}, "rev": {"1"}, "at": {"2026-12-01T14:00"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", res.StatusCode, errorsOf(t, res))
	}
	if res := act(t, cl, id, "schedule", url.Values{"action": {"publish"}, "rev": {"1"}, "at": {"2026-11-30T14:00"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("schedule in the past: %d", res.StatusCode)
	}
	if res := act(t, cl, id, "schedule", url.Values{"action": {"publish"}, "rev": {"1"}, "at": {"soon"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("schedule at no time: %d", res.StatusCode)
	}
	ctx := context.Background()
	due := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	if n, _ := ts.store.RunDueSchedules(ctx, due.Add(-time.Second)); n != 0 {
		t.Fatalf("ran %d before time", n)
	}
	if res := ts.get(t, "/en/models/azar-cross"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("public before time: %d", res.StatusCode)
	}
	if n, err := ts.store.RunDueSchedules(ctx, due); n != 1 || err != nil {
		t.Fatalf("ran %d, %v", n, err)
	}
	if res := ts.get(t, "/en/models/azar-cross"); res.StatusCode != http.StatusOK {
		t.Fatalf("public on time: %d", res.StatusCode)
	}
	if auditCount(t, ts, "catalogue.scheduled") != 1 || auditCount(t, ts, "catalogue.scheduled_publish") != 1 {
		t.Error("schedule not audited")
	}
}

func TestRevisionDiffAndRestore(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	id := createModel(t, cl, newModelForm(t, cl))
	page := fmt.Sprintf("/en/staff/catalogue/%d", id)
	v := formOf(t, cl.get(t, page), "form[data-testid=editor-form]")
	v.Set("tagline-en", "A bolder crossover")
	if res := cl.post(t, page, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	list := cl.get(t, page+"/revisions").doc(t)
	if n := list.Find("[data-testid=revision]").Length(); n != 2 {
		t.Fatalf("%d revisions, want 2", n)
	}
	diff := cl.get(t, page+"/diff?a=1&b=2")
	if diff.StatusCode != http.StatusOK {
		t.Fatalf("diff: %d", diff.StatusCode)
	}
	changed := diff.doc(t).Find("[data-testid=diff-changed]")
	if changed.Length() != 1 || !strings.Contains(changed.Text(), "tagline [en]") ||
		!strings.Contains(changed.Text(), "A city crossover") || !strings.Contains(changed.Text(), "A bolder crossover") {
		t.Errorf("changed rows: %q", changed.Text())
	}
	if res := cl.get(t, page+"/diff?a=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad revision: %d", res.StatusCode)
	}
	if res := cl.get(t, page+"/diff?a=1&b=9"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown revision: %d", res.StatusCode)
	}
	res := cl.submit(t, page+"/diff?a=1&b=2", page+"/restore", url.Values{"from": {"1"}, "rev": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.StatusCode)
	}
	d, _ := ts.store.Draft(context.Background(), id)
	if d.DraftRev != 3 || d.Snapshot.Tagline["en"] != "A city crossover" {
		t.Errorf("after restore: rev %d tagline %q", d.DraftRev, d.Snapshot.Tagline["en"])
	}
	// A restore based on a stale revision is refused.
	if res := cl.submit(t, page, page+"/restore", url.Values{"from": {"2"}, "rev": {"2"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale restore: %d", res.StatusCode)
	}
	if auditCount(t, ts, "catalogue.restored") != 1 {
		t.Error("restore not audited")
	}
}

func TestTranslationsPage(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	v := newModelForm(t, cl)
	v.Set("name-fa", "")
	createModel(t, cl, v)
	doc := cl.get(t, "/en/staff/translations").doc(t)
	row := doc.Find("[data-testid=missing-row]")
	if row.Length() != 1 || !strings.Contains(row.Text(), "فارسی") || !strings.Contains(row.Text(), "name") {
		t.Errorf("missing rows: %q", row.Text())
	}
}

// ---- Media ----

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := range w {
			img.Set(x, y, color.RGBA{200, uint8(x), 40, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts a file to the media library as a browser would.
func upload(t testing.TB, cl *client, lang, filename string, data []byte) response {
	t.Helper()
	return uploadTo(t, cl, "/"+lang+"/staff/media", "/"+lang+"/staff/media", filename, data, nil)
}

// uploadTo posts a multipart form with a file and fields to action, with
// the CSRF token of page.
func uploadTo(t testing.TB, cl *client, page, action, filename string, data []byte, fields map[string]string) response {
	t.Helper()
	tok := cl.csrfFrom(t, page)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", tok)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, action, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return cl.send(t, req)
}

func mediaFileCount(t testing.TB, ts *testServer) int {
	var n int
	_ = ts.store.DB().Read.QueryRow(`SELECT count(*) FROM media_files`).Scan(&n)
	es, _ := os.ReadDir(ts.cfg.MediaDir)
	return n + len(es)
}

func TestMediaUploadAndServe(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	res := upload(t, cl, "en", "rira-front.jpg", jpegBytes(t, 1200, 800))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, errorsOf(t, res))
	}
	files, err := ts.store.MediaFiles(context.Background())
	if err != nil || len(files) != 1 {
		t.Fatalf("library: %v %v", files, err)
	}
	f := files[0]
	if f.Kind != "photo" || f.Width != 1200 || f.Height != 800 || f.OriginalName != "rira-front.jpg" {
		t.Errorf("record: %+v", f)
	}
	got := ts.get(t, "/media/"+f.File)
	if got.StatusCode != http.StatusOK || got.Header.Get("Content-Type") != "image/jpeg" ||
		got.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(got.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("serve: %d %v", got.StatusCode, got.Header)
	}
	for _, bad := range []string{"/media/../portal.db", "/media/" + strings.Repeat("0", 32) + ".pdf", "/media/x.html"} {
		if res := ts.get(t, bad); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	if res := upload(t, cl, "en", "brochure.jpg", pdf); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pdf upload: %d %s", res.StatusCode, errorsOf(t, res))
	}
	files, _ = ts.store.MediaFiles(context.Background())
	b := files[0]
	got = ts.get(t, "/media/"+b.File)
	if got.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("pdf served as %q %q", got.Header.Get("Content-Type"), got.Header.Get("Content-Disposition"))
	}
	if auditCount(t, ts, "media.uploaded") != 2 {
		t.Error("uploads not audited")
	}

	// The photo on a model: published with srcset and its size.
	var rira int64
	_ = ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = 'rira'`).Scan(&rira)
	page := fmt.Sprintf("/en/staff/catalogue/%d", rira)
	v := formOf(t, cl.get(t, page), "form[data-testid=editor-form]")
	v.Set("add_media", fmt.Sprintf("f%d", f.ID))
	if res := cl.post(t, page, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add photo: %d %s", res.StatusCode, errorsOf(t, res))
	}
	act(t, cl, rira, "publish", nil)
	pub := ts.get(t, "/en/models/rira").doc(t)
	img := pub.Find(`img[src="/media/` + f.File + `"]`)
	if img.Length() == 0 {
		t.Fatal("uploaded photo not on the public page")
	}
	if img.AttrOr("width", "") != "1200" || img.AttrOr("height", "") != "800" || !strings.Contains(img.AttrOr("srcset", ""), "480w") {
		t.Errorf("img attrs: width %q height %q srcset %q", img.AttrOr("width", ""), img.AttrOr("height", ""), img.AttrOr("srcset", ""))
	}

	// Replacing it: published pages show it, so the form must confirm.
	lib := cl.get(t, "/en/staff/media").doc(t)
	if lib.Find(`[data-testid=replace-form] input[name=confirm]`).Length() != 1 {
		t.Error("the replace form does not ask to confirm for a published photo")
	}
	repl := fmt.Sprintf("/en/staff/media/%d/replace", f.ID)
	if res := uploadTo(t, cl, "/en/staff/media", repl, "rira-new.jpg", jpegBytes(t, 1000, 500), nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("replace without confirmation: %d", res.StatusCode)
	}
	if res := uploadTo(t, cl, "/en/staff/media", repl, "rira-new.jpg", jpegBytes(t, 1000, 500), map[string]string{"confirm": "1"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed replace: %d %s", res.StatusCode, errorsOf(t, res))
	}
	f, err = ts.store.MediaFileByID(context.Background(), f.ID)
	if err != nil || f.Width != 1000 || f.OriginalName != "rira-new.jpg" {
		t.Fatalf("replaced record: %+v %v", f, err)
	}
	img = ts.get(t, "/en/models/rira").doc(t).Find(`img[src="/media/` + f.File + `"]`)
	if img.Length() == 0 || img.AttrOr("height", "") != "500" {
		t.Fatal("the public page does not show the replacement")
	}
	if auditCount(t, ts, "media.replaced") != 1 {
		t.Error("replacement not audited")
	}

	// Deleting it asks first, then removes it from the page.
	del := fmt.Sprintf("/en/staff/media/%d/delete", f.ID)
	res = cl.submit(t, "/en/staff/media", del, nil)
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=confirm-delete]").Length() != 1 {
		t.Fatalf("delete without confirmation: %d", res.StatusCode)
	}
	if res := cl.submit(t, "/en/staff/media", del, url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed delete: %d", res.StatusCode)
	}
	if ts.get(t, "/en/models/rira").doc(t).Find(`img[src="/media/`+f.File+`"]`).Length() != 0 {
		t.Error("deleted photo still on the public page")
	}
	if res := ts.get(t, "/media/"+f.File); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted file served: %d", res.StatusCode)
	}
}

// zeros is an endless reader of zero bytes, to send huge bodies without
// holding them.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestMediaUploadBadInput(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "staff")
	good := jpegBytes(t, 300, 200)
	cases := []struct {
		name, file string
		data       []byte
		status     int
		message    string
	}{
		{"HTML renamed .jpg", "photo.jpg", []byte("<html><body><script>alert(1)</script></body></html>"), 422, "Это не фотография"},
		{"decompression bomb", "bomb.png", pngBomb(60000, 60000), 422, "Изображение слишком велико"},
		{"truncated image", "cut.jpg", good[:len(good)/2], 422, "повреждён"},
		{"PDF with a wrong header", "brochure.pdf", []byte("%PDX-1.7\n%%EOF\n"), 422, "Это не фотография"},
		{"no file", "", nil, 422, "Выберите файл"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res response
			if c.file == "" {
				res = cl.submit(t, "/ru/staff/media", "/ru/staff/media", nil)
			} else {
				res = upload(t, cl, "ru", c.file, c.data)
			}
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			if msg := res.doc(t).Find("[data-testid=upload-error]").Text(); !strings.Contains(msg, c.message) {
				t.Errorf("message %q, want %q", msg, c.message)
			}
		})
	}
	t.Run("100 MB upload", func(t *testing.T) {
		tok := cl.csrfFrom(t, "/ru/staff/media")
		const size = 100 << 20
		req := httptest.NewRequest(http.MethodPost, "/ru/staff/media", io.LimitReader(zeros{}, size))
		req.ContentLength = size
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		req.Header.Set("X-CSRF-Token", tok)
		res := cl.send(t, req)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
		if !strings.Contains(res.Body, "lang=\"ru\"") {
			t.Error("413 page not in Russian")
		}
	})
	t.Run("100 MB upload without a length", func(t *testing.T) {
		tok := cl.csrfFrom(t, "/ru/staff/media")
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			_ = mw.WriteField("csrf", tok)
			fw, _ := mw.CreateFormFile("file", "big.jpg")
			_, err := io.Copy(fw, io.LimitReader(zeros{}, 100<<20))
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req := httptest.NewRequest(http.MethodPost, "/ru/staff/media", pr)
		req.ContentLength = -1
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res := cl.send(t, req)
		pr.CloseWithError(io.ErrClosedPipe)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
	})
	if n := mediaFileCount(t, ts); n != 0 {
		t.Errorf("%d files or records stored from bad uploads", n)
	}
}

// pngBomb is a PNG whose header claims w×h pixels.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := []byte{byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), 1, 0, 0, 0, 0}
	writePNGChunk(&b, "IHDR", ihdr)
	writePNGChunk(&b, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	writePNGChunk(&b, "IEND", nil)
	return b.Bytes()
}

func writePNGChunk(b *bytes.Buffer, typ string, data []byte) {
	n := uint32(len(data))
	b.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	b.WriteString(typ)
	b.Write(data)
	sum := crc32.ChecksumIEEE(append([]byte(typ), data...))
	b.Write([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
}

// TestScheduledPublishKeepsTheRevisionShown: a scheduled publish publishes
// the revision the editor showed when it was scheduled. Edited afterwards,
// the editor says the newer changes are not in the schedule, links them,
// and offers to include them; the scheduler publishes what was scheduled.
// A schedule older than a revision published since says it will not be
// carried out.
func TestScheduledPublishKeepsTheRevisionShown(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, withClock(clk))
	ctx := context.Background()
	staff, _ := loginAs(t, ts, "staff")
	id := createModel(t, staff, newModelForm(t, staff))
	page := fmt.Sprintf("/en/staff/catalogue/%d", id)

	editor := staff.get(t, page)
	if hint := strings.TrimSpace(editor.doc(t).Find("[data-testid=schedule-rev]").Text()); !strings.HasPrefix(hint, "Schedules revision 1,") {
		t.Errorf("schedule form hint %q", hint)
	}
	form := formOf(t, editor, "form[data-testid=schedule-form]")
	if form.Get("rev") != "1" {
		t.Fatalf("the schedule form sends revision %q", form.Get("rev"))
	}
	form.Set("at", "2026-12-01T14:00")
	if res := staff.post(t, page+"/schedule", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", res.StatusCode, errorsOf(t, res))
	}
	for _, bad := range []string{"", "x", "9"} {
		f := formOf(t, staff.get(t, page), "form[data-testid=schedule-form]")
		f.Set("at", "2026-12-01T15:00")
		f.Set("rev", bad)
		if res := staff.post(t, page+"/schedule", f); res.StatusCode != http.StatusBadRequest {
			t.Errorf("schedule revision %q: %d", bad, res.StatusCode)
		}
	}

	// Edited after scheduling: the editor says so.
	v := formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	v.Set("tagline-en", "Changed after scheduling")
	res := staff.post(t, page, v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=saved_scheduled" {
		t.Fatalf("save: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	doc := staff.get(t, page+"?done=saved_scheduled").doc(t)
	if notice := doc.Find("[data-testid=notice]").Text(); !strings.Contains(notice, "this change is not in it") {
		t.Errorf("notice %q", notice)
	}
	sc := doc.Find("[data-testid=schedule]")
	if sc.Length() != 1 || sc.AttrOr("data-rev", "") != "1" || !strings.Contains(sc.Text(), "(revision 1)") {
		t.Fatalf("schedule: %q", sc.Text())
	}
	newer := sc.Find("[data-testid=schedule-newer]")
	if !strings.Contains(newer.Text(), "the changes up to revision 2 will not be published by this schedule") {
		t.Errorf("newer changes not said: %q", newer.Text())
	}
	if got := strings.TrimSpace(newer.Find("[data-testid=schedule-include]").Text()); got != "Publish revision 2 instead" {
		t.Errorf("include button %q", got)
	}
	if href := newer.Find("[data-testid=schedule-diff]").AttrOr("href", ""); href != page+"/diff?a=1&b=2" {
		t.Errorf("diff link %q", href)
	}
	for _, lang := range []string{"ru", "en", "fa"} {
		body := staff.get(t, strings.Replace(page, "/en/", "/"+lang+"/", 1)).Body
		if strings.Contains(body, "no value") {
			t.Errorf("%s: a message lacks a parameter", lang)
		}
	}
	if staff.get(t, "/en/staff/catalogue").doc(t).Find(`[data-testid=entry][data-slug=azar-cross] [data-testid=schedule-newer]`).Length() != 1 {
		t.Error("the list does not flag the changes left out of the schedule")
	}

	// On time, revision 1 goes out, not the later change.
	due := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	if n, err := ts.store.RunDueSchedules(ctx, due); n != 1 || err != nil {
		t.Fatalf("ran %d, %v", n, err)
	}
	pub := ts.get(t, "/en/models/azar-cross")
	if pub.StatusCode != http.StatusOK || !strings.Contains(pub.Body, "A city crossover") || strings.Contains(pub.Body, "Changed after scheduling") {
		t.Errorf("public page after the scheduled publish: %d", pub.StatusCode)
	}
	if staff.get(t, page).doc(t).Find("[data-testid=unpublished]").Length() != 1 {
		t.Error("the editor does not show the later change as unpublished")
	}

	// Scheduled again, edited again, and the edit included.
	form = formOf(t, staff.get(t, page), "form[data-testid=schedule-form]")
	form.Set("at", "2026-12-01T18:00")
	if res := staff.post(t, page+"/schedule", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	v = formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	v.Set("tagline-en", "Included in the schedule")
	if res := staff.post(t, page, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	include := formOf(t, staff.get(t, page), "[data-testid=schedule-newer] form")
	if include.Get("rev") != "3" {
		t.Fatalf("include sends revision %q", include.Get("rev"))
	}
	if res := staff.post(t, page+"/schedule", include); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=schedule_updated" {
		t.Fatalf("include: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := auditCount(t, ts, "catalogue.schedule_updated"); n != 1 {
		t.Errorf("catalogue.schedule_updated audited %d times", n)
	}
	doc = staff.get(t, page).doc(t)
	if doc.Find("[data-testid=schedule]").AttrOr("data-rev", "") != "3" || doc.Find("[data-testid=schedule-newer]").Length() != 0 {
		t.Errorf("after including: %q", doc.Find("[data-testid=schedules]").Text())
	}
	if n, err := ts.store.RunDueSchedules(ctx, time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)); n != 1 || err != nil {
		t.Fatalf("ran %d, %v", n, err)
	}
	if !strings.Contains(ts.get(t, "/en/models/azar-cross").Body, "Included in the schedule") {
		t.Error("the included change was not published")
	}

	// A schedule of revision 3 while revision 4 is published by hand says
	// it will not be carried out.
	form = formOf(t, staff.get(t, page), "form[data-testid=schedule-form]")
	form.Set("at", "2026-12-02T10:00")
	if res := staff.post(t, page+"/schedule", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	v = formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	v.Set("tagline-en", "Published by hand")
	if res := staff.post(t, page, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if res := act(t, staff, id, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	if got := staff.get(t, page).doc(t).Find("[data-testid=schedule-superseded]").Text(); !strings.Contains(got, "Revision 4, newer than revision 3, is published already") {
		t.Errorf("superseded schedule: %q", got)
	}
	if n, err := ts.store.RunDueSchedules(ctx, time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)); n != 1 || err != nil {
		t.Fatalf("ran %d, %v", n, err)
	}
	if !strings.Contains(ts.get(t, "/en/models/azar-cross").Body, "Published by hand") {
		t.Error("the older scheduled revision replaced the newer published one")
	}
}
