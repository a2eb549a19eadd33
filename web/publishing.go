package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web/media"
)

// Bounds of the editor's form.
const (
	maxEditorTrims = 30
	maxEditorMedia = 40
	maxNameLen     = 120
	maxTaglineLen  = 200
	maxDescLen     = 5000
	maxAltLen      = 300
)

// drives are the drive types a trim may have.
var drives = []string{"fwd", "rwd", "awd"}

// pubNotices are the notices the editor's redirects may ask for.
var pubNotices = map[string]string{
	"created":     "pub.done.created",
	"saved":       "pub.done.saved",
	"published":   "pub.done.published",
	"unpublished": "pub.done.unpublished",
	"archived":    "pub.done.archived",
	"scheduled":   "pub.done.scheduled",
	"canceled":    "pub.done.canceled",
	"restored":    "pub.done.restored",
	"uploaded":    "pub.done.uploaded",
	"deleted":     "pub.done.deleted",
	"replaced":    "pub.done.replaced",
	"unchanged":   "pub.done.unchanged",
	// A restored revision brought deleted specification items back; a
	// scheduled publish keeps the revision it names.
	"restored_specs":   "pub.done.restored_specs",
	"saved_scheduled":  "pub.done.saved_scheduled",
	"schedule_updated": "pub.done.schedule_updated",
}

// publishingRoutes registers the staff catalogue editor, its
// specification groups and items, the media library and the public
// "what's new".
func (s *Server) publishingRoutes(g *echo.Group) {
	s.route(g, "GET", "/news", s.handleNews, s.cachePublic)
	s.route(g, "GET", "/news.atom", s.handleNewsFeed, s.cachePublic)

	s.route(g, "GET", "/staff/catalogue", s.handleEditorList)
	s.route(g, "GET", "/staff/catalogue/new", s.handleEditorNewForm)
	s.route(g, "POST", "/staff/catalogue/new", s.handleEditorCreate)
	s.route(g, "GET", "/staff/catalogue/:id", s.handleEditorShow)
	s.route(g, "POST", "/staff/catalogue/:id", s.handleEditorSave)
	s.route(g, "GET", "/staff/catalogue/:id/preview", s.handleEditorPreview)
	s.route(g, "POST", "/staff/catalogue/:id/publish", s.handleEditorPublish)
	s.route(g, "POST", "/staff/catalogue/:id/unpublish", s.handleEditorUnpublish)
	s.route(g, "POST", "/staff/catalogue/:id/archive", s.handleEditorArchive)
	s.route(g, "POST", "/staff/catalogue/:id/schedule", s.handleEditorSchedule)
	s.route(g, "GET", "/staff/catalogue/:id/revisions", s.handleRevisionList)
	s.route(g, "GET", "/staff/catalogue/:id/diff", s.handleRevisionDiff)
	s.route(g, "POST", "/staff/catalogue/:id/restore", s.handleRevisionRestore)
	s.route(g, "GET", "/staff/translations", s.handleTranslations)
	s.route(g, "GET", "/staff/specs", s.handleSpecList)
	s.route(g, "GET", "/staff/specs/groups/new", s.handleSpecGroupNewForm)
	s.route(g, "POST", "/staff/specs/groups/new", s.handleSpecGroupCreate)
	s.route(g, "GET", "/staff/specs/groups/:id", s.handleSpecGroupShow)
	s.route(g, "POST", "/staff/specs/groups/:id", s.handleSpecGroupSave)
	s.route(g, "GET", "/staff/specs/items/new", s.handleSpecItemNewForm)
	s.route(g, "POST", "/staff/specs/items/new", s.handleSpecItemCreate)
	s.route(g, "GET", "/staff/specs/items/:id", s.handleSpecItemShow)
	s.route(g, "POST", "/staff/specs/items/:id", s.handleSpecItemSave)
	s.route(g, "GET", "/staff/media", s.handleMediaList)
	s.route(g, "POST", "/staff/media", s.handleMediaUpload)
	s.route(g, "POST", "/staff/media/:id/delete", s.handleMediaDelete)
	s.route(g, "POST", "/staff/media/:id/replace", s.handleMediaReplace)
	// Deleting specification groups and items (asking first), and
	// restoring them.
	s.route(g, "GET", "/staff/specs/groups/:id/delete", s.handleSpecGroupDeleteForm)
	s.route(g, "POST", "/staff/specs/groups/:id/delete", s.handleSpecGroupDelete)
	s.route(g, "GET", "/staff/specs/items/:id/delete", s.handleSpecItemDeleteForm)
	s.route(g, "POST", "/staff/specs/items/:id/delete", s.handleSpecItemDelete)
	s.route(g, "POST", "/staff/specs/deletions/:id/restore", s.handleSpecDeletionRestore)
}

func actorOf(c echo.Context) db.Actor {
	v := viewerOf(c)
	if !v.loggedIn() {
		return db.Actor{}
	}
	return db.Actor{ID: v.user.ID, Email: v.user.Email}
}

func editorHref(c echo.Context, id int64, rest string) string {
	return i18n.Href(c.Request().Context(), "/staff/catalogue/"+idString(id)+rest)
}

// pickTexts chooses the page's language of a Texts, else the fallback
// order, marking a fallback.
func pickTexts(t db.Texts, lang string) views.TextVM {
	if v := t[lang]; v != "" {
		return views.TextVM{Value: v, Lang: lang}
	}
	for _, l := range db.Langs {
		if v := t[l]; v != "" {
			return views.TextVM{Value: v, Lang: l, Fallback: true}
		}
	}
	return views.TextVM{}
}

// ---- The list ----

// handleEditorList lists every catalogue entry with its status, last
// change and missing translations.
func (s *Server) handleEditorList(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	items, err := s.store.EditorModels(ctx)
	if err != nil {
		return err
	}
	vm := views.EditorListVM{NoticeID: pubNotices[c.QueryParam("done")], NewHref: i18n.Href(ctx, "/staff/catalogue/new")}
	for _, m := range items {
		row := views.EditorRowVM{Name: pickTexts(m.Name, lang), Slug: m.Slug, Status: m.Status, Unpublished: m.Unpublished(),
			Rev: m.DraftRev, Updated: m.UpdatedAt, Missing: m.Missing, Href: editorHref(c, m.ID, "")}
		if row.Name.Value == "" {
			row.Name = views.TextVM{Value: m.Slug, Lang: lang}
		}
		if m.Scheduled != nil {
			row.Scheduled = scheduleVM(*m.Scheduled, m)
		}
		vm.Items = append(vm.Items, row)
	}
	return render(c, http.StatusOK, views.EditorListPage(s.adminMeta(c, "pub.list.title"), vm))
}

// ---- The editor's state: form values by field name ----

// editorState is the editor's form as values by field name, with the
// shape the values fill: how many trims (the page adds an empty row for
// a new one), and the entry's media.
type editorState struct {
	vals  map[string]string
	trims int
	media []db.SnapMedia
}

func (st editorState) get(name string) string { return st.vals[name] }

// formatMinor writes minor units as a decimal amount ("1234567.50", or
// "1234567" when whole).
func formatMinor(minor int64) string {
	if minor%100 == 0 {
		return strconv.FormatInt(minor/100, 10)
	}
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

func formatNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// snapshotState fills the editor from a snapshot.
func snapshotState(snap db.Snapshot) editorState {
	v := map[string]string{
		"slug": snap.Slug, "body_type": snap.BodyType, "seats": strconv.Itoa(snap.Seats),
		"model_year": strconv.Itoa(snap.ModelYear), "sort_order": strconv.Itoa(snap.SortOrder),
	}
	if snap.Seats == 0 {
		v["seats"] = ""
	}
	if snap.ModelYear == 0 {
		v["model_year"] = ""
	}
	for _, l := range db.Langs {
		v["name-"+l] = snap.Name[l]
		v["tagline-"+l] = snap.Tagline[l]
		v["description-"+l] = snap.Description[l]
	}
	for i, t := range snap.Trims {
		p := "t" + strconv.Itoa(i) + "-"
		v[p+"slug"] = t.Slug
		v[p+"fuel"], v[p+"transmission"], v[p+"drive"] = t.Fuel, t.Transmission, t.Drive
		v[p+"engine_cc"], v[p+"power_hp"] = strconv.Itoa(t.EngineCC), strconv.Itoa(t.PowerHP)
		v[p+"price"] = formatMinor(t.PriceMinor)
		for _, l := range db.Langs {
			v[p+"name-"+l] = t.Name[l]
		}
		sp := "s" + strconv.Itoa(i) + "-"
		for _, s := range t.Specs {
			switch {
			case s.Num != nil:
				v[sp+s.Item] = formatNum(*s.Num)
			case s.Flag != nil:
				v[sp+s.Item] = "0"
				if *s.Flag {
					v[sp+s.Item] = "1"
				}
			}
			for _, l := range db.Langs {
				if s.Text[l] != "" {
					v[sp+s.Item+"-"+l] = s.Text[l]
				}
			}
		}
	}
	for i, m := range snap.Media {
		p := "m" + strconv.Itoa(i) + "-"
		v[p+"lang"] = m.Lang
		for _, l := range db.Langs {
			v[p+"alt-"+l] = m.Alt[l]
		}
	}
	return editorState{vals: v, trims: len(snap.Trims), media: slices.Clone(snap.Media)}
}

func mediaKey(m db.SnapMedia) string {
	if m.FileID != 0 {
		return "f" + strconv.FormatInt(m.FileID, 10)
	}
	return "s:" + m.File
}

// formState reads the editor's form as submitted: every value checked
// for UTF-8 and trimmed, the media resolved against the library and the
// entry's current media (base). An error is a malformed form (400).
func (s *Server) formState(c echo.Context, base db.Snapshot) (editorState, error) {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return editorState{}, echo.NewHTTPError(http.StatusBadRequest, "malformed form")
	}
	st := editorState{vals: map[string]string{}}
	for k, vs := range form {
		if len(vs) == 0 || len(k) > 100 {
			continue
		}
		if !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
			return st, echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
		}
		v, ok := textValue(strings.ReplaceAll(vs[0], "\r\n", "\n"))
		if !ok {
			// Control characters: keep the value so the field can say so.
			v = vs[0]
		}
		st.vals[k] = v
	}
	st.trims, err = strconv.Atoi(st.vals["trims"])
	if err != nil || st.trims < 0 || st.trims > maxEditorTrims+1 {
		if st.vals["trims"] != "" {
			return st, echo.NewHTTPError(http.StatusBadRequest, "bad trims")
		}
		st.trims = 1
	}
	n, err := strconv.Atoi(st.vals["media"])
	if err != nil || n < 0 || n > maxEditorMedia {
		if st.vals["media"] != "" {
			return st, echo.NewHTTPError(http.StatusBadRequest, "bad media")
		}
		n = 0
	}
	var want []int64
	keys := make([]string, n)
	for i := range n {
		keys[i] = st.vals["m"+strconv.Itoa(i)+"-key"]
		if id, ok := strings.CutPrefix(keys[i], "f"); ok {
			if fid, err := strconv.ParseInt(id, 10, 64); err == nil {
				want = append(want, fid)
			}
		}
	}
	add := st.vals["add_media"]
	if id, ok := strings.CutPrefix(add, "f"); ok {
		if fid, err := strconv.ParseInt(id, 10, 64); err == nil {
			want = append(want, fid)
		}
	}
	files := map[int64]db.MediaFile{}
	for _, id := range want {
		if f, err := s.store.MediaFileByID(ctx, id); err == nil {
			files[id] = f
		} else if !errors.Is(err, db.ErrNotFound) {
			return st, err
		}
	}
	fromFile := func(f db.MediaFile) db.SnapMedia {
		return db.SnapMedia{FileID: f.ID, Kind: f.Kind, Source: "upload", File: f.File, Mime: f.Mime,
			Width: f.Width, Height: f.Height, Bytes: f.Bytes, Alt: db.Texts{}}
	}
	// Rebuild the media list, renumbering the values of those kept.
	moved := map[string]string{}
	for i, key := range keys {
		p := "m" + strconv.Itoa(i) + "-"
		var m db.SnapMedia
		found := false
		if id, ok := strings.CutPrefix(key, "f"); ok {
			fid, _ := strconv.ParseInt(id, 10, 64)
			if f, ok := files[fid]; ok {
				m, found = fromFile(f), true
			}
		} else if file, ok := strings.CutPrefix(key, "s:"); ok {
			for _, bm := range base.Media {
				if bm.FileID == 0 && bm.File == file {
					m, found = bm, true
				}
			}
		}
		if !found || st.vals[p+"remove"] == "1" {
			continue
		}
		np := "m" + strconv.Itoa(len(st.media)) + "-"
		moved[np+"lang"] = st.vals[p+"lang"]
		for _, l := range db.Langs {
			moved[np+"alt-"+l] = st.vals[p+"alt-"+l]
		}
		st.media = append(st.media, m)
	}
	for k := range st.vals {
		if rowKey.MatchString(k) && k[0] == 'm' {
			delete(st.vals, k)
		}
	}
	for k, v := range moved {
		st.vals[k] = v
	}
	if id, ok := strings.CutPrefix(add, "f"); ok && len(st.media) < maxEditorMedia {
		fid, _ := strconv.ParseInt(id, 10, 64)
		if f, ok := files[fid]; ok && !slices.ContainsFunc(st.media, func(m db.SnapMedia) bool { return m.FileID == fid }) {
			st.media = append(st.media, fromFile(f))
		}
	}
	return st, nil
}

// rowKey matches the names of a trim's (t), its specifications' (s) and a
// medium's (m) fields.
var rowKey = regexp.MustCompile(`^[tsm][0-9]+-`)

// readEditorForm reads the editor's form, dropping the trims and media
// marked for removal.
func (s *Server) readEditorForm(c echo.Context, base db.Snapshot) (editorState, error) {
	st, err := s.formState(c, base)
	if err != nil {
		return st, err
	}
	// Trims marked for removal are dropped now, so a re-shown form lists
	// only what is kept.
	kept := 0
	vals := map[string]string{}
	for k, v := range st.vals {
		if !rowKey.MatchString(k) || k[0] == 'm' {
			vals[k] = v
		}
	}
	for i := range st.trims {
		p, sp := "t"+strconv.Itoa(i)+"-", "s"+strconv.Itoa(i)+"-"
		if st.vals[p+"remove"] == "1" || !st.trimFilled(i) {
			continue
		}
		np, nsp := "t"+strconv.Itoa(kept)+"-", "s"+strconv.Itoa(kept)+"-"
		for k, v := range st.vals {
			if rest, ok := strings.CutPrefix(k, p); ok {
				vals[np+rest] = v
			} else if rest, ok := strings.CutPrefix(k, sp); ok {
				vals[nsp+rest] = v
			}
		}
		kept++
	}
	st.vals = vals
	st.trims = kept
	return st, nil
}

// trimFilled reports whether the trim row i has anything typed.
func (st editorState) trimFilled(i int) bool {
	p := "t" + strconv.Itoa(i) + "-"
	for _, f := range []string{"slug", "name-ru", "name-en", "name-fa", "engine_cc", "power_hp", "price"} {
		if st.vals[p+f] != "" {
			return true
		}
	}
	return false
}

// parseDecimal reads a number typed with a point or comma and spaces.
func parseDecimal(v string) (float64, bool) {
	v = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(v)
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// parsePrice reads an amount in roubles with at most two decimals into
// kopecks, without going through a float.
func parsePrice(v string) (int64, bool) {
	v = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(v)
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, true
}

func intField(fe fieldErrors, field, v string, lo, hi int) int {
	if v == "" {
		fe.add(field, "form.required")
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		fe.add(field, "pub.error.range")
		return 0
	}
	return n
}

func textsOf(st editorState, prefix string, fe fieldErrors, maxLen int, multiline bool) db.Texts {
	t := db.Texts{}
	for _, l := range db.Langs {
		v := st.vals[prefix+l]
		checkText(fe, prefix+l, v, false, 1, maxLen, multiline)
		if v != "" {
			t[l] = v
		}
	}
	return t
}

// parseSnapshot validates the editor's values and builds the snapshot.
func parseSnapshot(st editorState, specs []db.SpecGroupDef) (db.Snapshot, fieldErrors) {
	fe := fieldErrors{}
	var snap db.Snapshot
	snap.Name = textsOf(st, "name-", fe, maxNameLen, false)
	snap.Tagline = textsOf(st, "tagline-", fe, maxTaglineLen, false)
	snap.Description = textsOf(st, "description-", fe, maxDescLen, true)
	if snap.Name["ru"] == "" && snap.Name["en"] == "" {
		fe.add("name-ru", "pub.error.name_required")
	}
	snap.Slug = st.vals["slug"]
	if snap.Slug == "" {
		for _, l := range []string{"en", "ru", "fa"} {
			if snap.Slug = slugify(snap.Name[l]); snap.Slug != "" {
				break
			}
		}
	}
	if snap.Slug == "" {
		fe.add("slug", "form.required")
	} else if !validSlug(snap.Slug) {
		fe.add("slug", "pub.error.slug")
	}
	snap.BodyType = st.vals["body_type"]
	if !slices.Contains(db.BodyTypes, snap.BodyType) {
		fe.add("body_type", "form.required")
	}
	snap.Seats = intField(fe, "seats", st.vals["seats"], 1, 12)
	snap.ModelYear = intField(fe, "model_year", st.vals["model_year"], 1990, 2100)
	if st.vals["sort_order"] == "" {
		st.vals["sort_order"] = "0"
	}
	snap.SortOrder = intField(fe, "sort_order", st.vals["sort_order"], -1000, 1000)
	seen := map[string]bool{}
	for i := range st.trims {
		if !st.trimFilled(i) {
			continue
		}
		p := "t" + strconv.Itoa(i) + "-"
		t := db.SnapTrim{Currency: "RUB"}
		t.Name = textsOf(st, p+"name-", fe, maxNameLen, false)
		if len(t.Name) == 0 {
			fe.add(p+"name-ru", "pub.error.name_required")
		}
		t.Slug = st.vals[p+"slug"]
		if t.Slug == "" {
			t.Slug = slugify(t.Name["en"])
			if t.Slug == "" {
				t.Slug = slugify(t.Name["ru"])
			}
		}
		switch {
		case t.Slug == "":
			fe.add(p+"slug", "form.required")
		case !validSlug(t.Slug):
			fe.add(p+"slug", "pub.error.slug")
		case seen[t.Slug]:
			fe.add(p+"slug", "pub.error.trim_slug_taken")
		}
		seen[t.Slug] = true
		t.Fuel, t.Transmission, t.Drive = st.vals[p+"fuel"], st.vals[p+"transmission"], st.vals[p+"drive"]
		if !slices.Contains(db.Fuels, t.Fuel) {
			fe.add(p+"fuel", "form.required")
		}
		if !slices.Contains(db.Transmissions, t.Transmission) {
			fe.add(p+"transmission", "form.required")
		}
		if !slices.Contains(drives, t.Drive) {
			fe.add(p+"drive", "form.required")
		}
		t.EngineCC = intField(fe, p+"engine_cc", st.vals[p+"engine_cc"], 0, 10000)
		t.PowerHP = intField(fe, p+"power_hp", st.vals[p+"power_hp"], 1, 2000)
		if v := st.vals[p+"price"]; v == "" {
			fe.add(p+"price", "form.required")
		} else if minor, ok := parsePrice(v); !ok || minor <= 0 {
			fe.add(p+"price", "pub.error.price")
		} else {
			t.PriceMinor = minor
		}
		sp := "s" + strconv.Itoa(i) + "-"
		for _, g := range specs {
			for _, it := range g.Items {
				name := sp + it.Code
				switch it.Kind {
				case "number":
					v := st.vals[name]
					if v == "" {
						continue
					}
					x, ok := parseDecimal(v)
					if !ok || x < 0 || x > 1e7 {
						fe.add(name, "pub.error.number")
						continue
					}
					t.Specs = append(t.Specs, db.SnapSpec{Item: it.Code, Num: &x})
				case "bool":
					switch st.vals[name] {
					case "1", "0":
						f := st.vals[name] == "1"
						t.Specs = append(t.Specs, db.SnapSpec{Item: it.Code, Flag: &f})
					}
				case "text":
					tx := textsOf(st, name+"-", fe, maxNameLen, false)
					if len(tx) > 0 {
						t.Specs = append(t.Specs, db.SnapSpec{Item: it.Code, Text: tx})
					}
				}
			}
		}
		snap.Trims = append(snap.Trims, t)
	}
	for i, m := range st.media {
		p := "m" + strconv.Itoa(i) + "-"
		m.Alt = textsOf(st, p+"alt-", fe, maxAltLen, false)
		if m.Kind == "brochure" {
			m.Lang = st.vals[p+"lang"]
			if m.Lang != "" && !slices.Contains(db.Langs, m.Lang) {
				fe.add(p+"lang", "form.required")
			}
		} else {
			m.Lang = ""
		}
		snap.Media = append(snap.Media, m)
	}
	return snap, fe
}

// ---- The editor's page ----

// editorPage is what the editor page shows besides the form's values.
type editorPage struct {
	draft    *db.Draft
	errs     fieldErrors
	errorID  string
	conflict int
	notice   string
	status   int
}

func langRow(st editorState, label, prefix string, required, multiline bool, maxLen int, fe fieldErrors) views.TextRowVM {
	row := views.TextRowVM{LabelID: label, Multiline: multiline, Required: required}
	any := false
	for _, l := range db.Langs {
		if st.vals[prefix+l] != "" {
			any = true
		}
	}
	for _, l := range db.Langs {
		v := st.vals[prefix+l]
		row.Fields = append(row.Fields, views.LangFieldVM{Lang: l, ID: prefix + l, Name: prefix + l, Value: v,
			Missing: v == "" && (required || any), ErrorID: fe[prefix+l], MaxLen: maxLen})
	}
	return row
}

func selectField(id, label, value, prefix string, values []string, fe fieldErrors) views.FieldVM {
	opts := []views.OptionVM{{Value: "", LabelID: "pub.choose"}}
	for _, v := range values {
		opts = append(opts, views.OptionVM{Value: v, LabelID: prefix + v})
	}
	return views.FieldVM{ID: id, Name: id, Type: "select", LabelID: label, Value: value, Options: opts, ErrorID: fe[id], Required: true}
}

func numField(id, label, value string, fe fieldErrors, required bool) views.FieldVM {
	return views.FieldVM{ID: id, Name: id, Type: "text", LabelID: label, Value: value, ErrorID: fe[id], Required: required, Dir: "ltr", MaxLen: 20}
}

// editorVM builds the editor page from its state.
func (s *Server) editorVM(c echo.Context, st editorState, p editorPage) (views.EditorVM, error) {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	fe := p.errs
	if fe == nil {
		fe = fieldErrors{}
	}
	specs, err := s.store.SpecCatalog(ctx)
	if err != nil {
		return views.EditorVM{}, err
	}
	library, err := s.store.MediaFiles(ctx)
	if err != nil {
		return views.EditorVM{}, err
	}
	vm := views.EditorVM{
		ErrorID: p.errorID, ConflictRev: p.conflict, NoticeID: p.notice,
		ListHref: i18n.Href(ctx, "/staff/catalogue"),
		Slug: views.FieldVM{ID: "slug", Name: "slug", Type: "text", LabelID: "pub.field.slug", HintID: "pub.field.slug_hint",
			Value: st.get("slug"), ErrorID: fe["slug"], Dir: "ltr", MaxLen: 80},
		BodyType:  selectField("body_type", "pub.field.body_type", st.get("body_type"), "body.", db.BodyTypes, fe),
		Seats:     numField("seats", "pub.field.seats", st.get("seats"), fe, true),
		ModelYear: numField("model_year", "pub.field.model_year", st.get("model_year"), fe, true),
		SortOrder: numField("sort_order", "pub.field.sort_order", st.get("sort_order"), fe, false),
		Texts: []views.TextRowVM{
			langRow(st, "pub.field.name", "name-", true, false, maxNameLen, fe),
			langRow(st, "pub.field.tagline", "tagline-", false, false, maxTaglineLen, fe),
			langRow(st, "pub.field.description", "description-", false, true, maxDescLen, fe),
		},
		TrimCount: st.trims + 1,
	}
	if p.draft == nil {
		vm.New = true
		vm.Title = i18n.T(ctx, "pub.new.title")
		vm.Action = i18n.Href(ctx, "/staff/catalogue/new")
	} else {
		d := p.draft
		vm.Status, vm.Rev, vm.PublishedRev, vm.Unpublished = d.Status, d.DraftRev, d.PublishedRev, d.Unpublished()
		name := pickTexts(d.Snapshot.Name, lang).Value
		if name == "" {
			name = d.Slug
		}
		vm.Title = i18n.T(ctx, "pub.edit.title", "Name", name)
		vm.Action = editorHref(c, d.ID, "")
		vm.PublishHref = editorHref(c, d.ID, "/publish")
		vm.UnpublishHref = editorHref(c, d.ID, "/unpublish")
		vm.ArchiveHref = editorHref(c, d.ID, "/archive")
		vm.ScheduleHref = editorHref(c, d.ID, "/schedule")
		vm.RevisionsHref = editorHref(c, d.ID, "/revisions")
		vm.PreviewHref = editorHref(c, d.ID, "/preview")
		if d.Status == "published" {
			vm.PublicHref = i18n.Href(ctx, "/models/", d.Slug)
		}
		if p.conflict > 0 {
			vm.DiffHref = editorHref(c, d.ID, fmt.Sprintf("/diff?a=%d&b=%d", p.conflict, d.DraftRev))
			if p.conflict == 0 || d.DraftRev <= 1 {
				vm.DiffHref = editorHref(c, d.ID, "/revisions")
			}
		}
		for _, sc := range d.Schedules {
			v := scheduleVM(sc, d.EditorModel)
			v.CancelHref = vm.ScheduleHref
			if v.Newer {
				v.DiffHref = editorHref(c, d.ID, fmt.Sprintf("/diff?a=%d&b=%d", v.Rev, d.DraftRev))
			}
			vm.Schedules = append(vm.Schedules, *v)
		}
		vm.Missing = d.Missing
		vm.ScheduleAction = views.FieldVM{ID: "schedule-action", Name: "action", Type: "select", LabelID: "pub.schedule.action", Value: "publish",
			Options: []views.OptionVM{{Value: "publish", LabelID: "pub.schedule.publish"}, {Value: "unpublish", LabelID: "pub.schedule.unpublish"}}}
		vm.ScheduleAt = views.FieldVM{ID: "schedule-at", Name: "at", Type: "datetime-local", LabelID: "pub.schedule.at", HintID: "pub.schedule.at_hint",
			ErrorID: fe["at"], Required: true, Dir: "ltr"}
	}
	// Trims, with one empty row for a new trim.
	for i := range st.trims + 1 {
		p := "t" + strconv.Itoa(i) + "-"
		t := views.TrimFormVM{Index: i, New: i == st.trims, RemoveName: p + "remove",
			Slug: views.FieldVM{ID: p + "slug", Name: p + "slug", Type: "text", LabelID: "pub.field.trim_slug", Value: st.get(p + "slug"),
				ErrorID: fe[p+"slug"], Dir: "ltr", MaxLen: 80},
			Names:        langRow(st, "pub.field.trim_name", p+"name-", i < st.trims, false, maxNameLen, fe),
			Fuel:         selectField(p+"fuel", "pub.field.fuel", st.get(p+"fuel"), "fuel.", db.Fuels, fe),
			Transmission: selectField(p+"transmission", "pub.field.transmission", st.get(p+"transmission"), "transmission.", db.Transmissions, fe),
			Drive:        selectField(p+"drive", "pub.field.drive", st.get(p+"drive"), "drive.", drives, fe),
			EngineCC:     numField(p+"engine_cc", "pub.field.engine_cc", st.get(p+"engine_cc"), fe, true),
			PowerHP:      numField(p+"power_hp", "pub.field.power_hp", st.get(p+"power_hp"), fe, true),
			Price:        numField(p+"price", "pub.field.price", st.get(p+"price"), fe, true),
		}
		name := pickTexts(db.Texts{"ru": st.get(p + "name-ru"), "en": st.get(p + "name-en"), "fa": st.get(p + "name-fa")}, lang).Value
		if t.New {
			t.Legend = i18n.T(ctx, "pub.trim.new")
		} else {
			if name == "" {
				name = st.get(p + "slug")
			}
			t.Legend = i18n.T(ctx, "pub.trim.legend", "N", i+1, "Name", name)
			vm.SpecTrims = append(vm.SpecTrims, name)
		}
		vm.Trims = append(vm.Trims, t)
	}
	for _, g := range specs {
		gv := views.SpecGroupFormVM{Name: pickTexts(g.Name, lang)}
		for _, it := range g.Items {
			iv := views.SpecItemFormVM{Name: pickTexts(it.Name, lang), Kind: it.Kind, Unit: it.Unit}
			for i := range st.trims {
				name := "s" + strconv.Itoa(i) + "-" + it.Code
				cell := views.SpecCellVM{ID: name, Name: name, Value: st.get(name), ErrorID: fe[name],
					Label: iv.Name.Value + " — " + vm.SpecTrims[i]}
				if it.Kind == "text" {
					for _, l := range db.Langs {
						cell.Texts = append(cell.Texts, views.LangFieldVM{Lang: l, ID: name + "-" + l, Name: name + "-" + l,
							Value: st.get(name + "-" + l), ErrorID: fe[name+"-"+l], MaxLen: maxNameLen})
					}
				}
				iv.Cells = append(iv.Cells, cell)
			}
			gv.Items = append(gv.Items, iv)
		}
		vm.Specs = append(vm.Specs, gv)
	}
	for i, m := range st.media {
		p := "m" + strconv.Itoa(i) + "-"
		mv := views.MediaFormVM{Index: i, Key: mediaKey(m), Kind: m.Kind, RemoveName: p + "remove",
			Thumb: snapMediaThumb(m), Href: snapMediaURL(m),
			Alts: langRow(st, "pub.field.alt", p+"alt-", m.Kind == "photo", false, maxAltLen, fe)}
		if m.Kind == "brochure" {
			opts := []views.OptionVM{{Value: "", LabelID: "pub.lang.any"}}
			for _, l := range db.Langs {
				opts = append(opts, views.OptionVM{Value: l, LabelID: "lang.name." + l})
			}
			mv.Lang = views.FieldVM{ID: p + "lang", Name: p + "lang", Type: "select", LabelID: "pub.field.brochure_lang", Value: st.get(p + "lang"), Options: opts}
			mv.Alts.LabelID = "pub.field.title"
		}
		vm.Media = append(vm.Media, mv)
	}
	vm.MediaCount = len(st.media)
	opts := []views.OptionVM{{Value: "", LabelID: "pub.media.add_none"}}
	for _, f := range library {
		if slices.ContainsFunc(st.media, func(m db.SnapMedia) bool { return m.FileID == f.ID }) {
			continue
		}
		label := i18n.T(ctx, "pub.kind."+f.Kind) + ": " + f.OriginalName + " (" + i18n.FormatDate(ctx, f.CreatedAt) + ")"
		opts = append(opts, views.OptionVM{Value: "f" + strconv.FormatInt(f.ID, 10), Label: label})
	}
	vm.AddMedia = views.FieldVM{ID: "add_media", Name: "add_media", Type: "select", LabelID: "pub.media.add", Options: opts}
	var order []string
	labels := map[string]string{}
	for _, f := range []string{"slug", "body_type", "seats", "model_year", "sort_order"} {
		order = append(order, f)
		labels[f] = "pub.field." + f
	}
	for _, pre := range []string{"name-", "tagline-", "description-"} {
		for _, l := range db.Langs {
			order = append(order, pre+l)
			labels[pre+l] = "pub.field." + strings.TrimSuffix(pre, "-") + "_" + l
		}
	}
	// Then the rows' fields (trims, specifications, media), sorted.
	var extra []string
	for k := range fe {
		if !slices.Contains(order, k) {
			extra = append(extra, k)
			labels[k] = rowFieldLabel(k)
		}
	}
	slices.Sort(extra)
	vm.Errors = errorSummary(fe, append(order, extra...), "", labels)
	return vm, nil
}

// rowFieldLabel is the label of a trim's, specification's or medium's
// field in the error summary.
func rowFieldLabel(k string) string {
	rest := rowKey.ReplaceAllString(k, "")
	switch {
	case k[0] == 's':
		return "pub.section.specs"
	case k[0] == 'm':
		return "pub.field.alt"
	case rest == "slug":
		return "pub.field.trim_slug"
	case strings.HasPrefix(rest, "name-"):
		return "pub.field.trim_name"
	case slices.Contains([]string{"fuel", "transmission", "drive", "engine_cc", "power_hp", "price"}, rest):
		return "pub.field." + rest
	}
	return "pub.section.trims"
}

// snapMediaURL is where a snapshot's file is served.
func snapMediaURL(m db.SnapMedia) string {
	return mediaURL(db.Media{Source: m.Source, File: m.File})
}

// snapMediaThumb is a small version of a snapshot's photo.
func snapMediaThumb(m db.SnapMedia) string {
	if m.Source == "upload" && m.Kind == "photo" {
		return "/media/" + media.PhotoFile(media.BaseName(m.File), media.SrcsetWidths(m.Width)[0])
	}
	return snapMediaURL(m)
}

func (s *Server) renderEditor(c echo.Context, st editorState, p editorPage) error {
	vm, err := s.editorVM(c, st, p)
	if err != nil {
		return err
	}
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	return render(c, status, views.EditorPage(s.adminMeta(c, "pub.list.title"), vm))
}

// handleEditorNewForm shows the editor for a new entry.
func (s *Server) handleEditorNewForm(c echo.Context) error {
	st := snapshotState(db.Snapshot{ModelYear: s.now().Year()})
	return s.renderEditor(c, st, editorPage{})
}

// handleEditorCreate creates a new entry as a draft.
func (s *Server) handleEditorCreate(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.readEditorForm(c, db.Snapshot{})
	if err != nil {
		return err
	}
	specs, err := s.store.SpecCatalog(ctx)
	if err != nil {
		return err
	}
	snap, fe := parseSnapshot(st, specs)
	if len(fe) == 0 {
		if taken, err := s.store.SlugTaken(ctx, snap.Slug, 0); err != nil {
			return err
		} else if taken {
			fe.add("slug", "pub.error.slug_taken")
		}
	}
	if len(fe) > 0 {
		st.vals["slug"] = firstNonEmpty(st.vals["slug"], snap.Slug)
		return s.renderEditor(c, st, editorPage{errs: fe, status: http.StatusUnprocessableEntity})
	}
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = tx.CreateModel(snap, actorOf(c), s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "catalogue.created", "model", id, "slug: "+snap.Slug))
	})
	if errors.Is(err, db.ErrSlugTaken) {
		return s.renderEditor(c, st, editorPage{errs: fieldErrors{"slug": "pub.error.slug_taken"}, status: http.StatusUnprocessableEntity})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done=created")
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// handleEditorShow opens an entry in the editor.
func (s *Server) handleEditorShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderEditor(c, snapshotState(d.Snapshot), editorPage{draft: &d, notice: pubNotices[c.QueryParam("done")]})
}

// handleEditorSave saves the editor's form as the entry's next revision.
// When someone else saved since the form was opened, nothing is saved:
// the form comes back with the person's text (409) to merge by hand.
func (s *Server) handleEditorSave(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	baseRev, err := strconv.Atoi(c.FormValue("rev"))
	if err != nil || baseRev < 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad revision")
	}
	st, err := s.readEditorForm(c, d.Snapshot)
	if err != nil {
		return err
	}
	specs, err := s.store.SpecCatalog(ctx)
	if err != nil {
		return err
	}
	snap, fe := parseSnapshot(st, specs)
	if baseRev != d.DraftRev {
		return s.renderEditor(c, st, editorPage{draft: &d, errs: fe, errorID: "pub.error.conflict", conflict: max(baseRev, 1), status: http.StatusConflict})
	}
	if len(fe) == 0 {
		if taken, err := s.store.SlugTaken(ctx, snap.Slug, id); err != nil {
			return err
		} else if taken {
			fe.add("slug", "pub.error.slug_taken")
		}
	}
	if len(fe) > 0 {
		return s.renderEditor(c, st, editorPage{draft: &d, errs: fe, status: http.StatusUnprocessableEntity})
	}
	if snapshotsEqual(snap, d.Snapshot) {
		return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done=unchanged")
	}
	var rev int
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if rev, err = tx.SaveDraft(id, baseRev, snap, "saved", "", actorOf(c), s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "catalogue.saved", "model", id, fmt.Sprintf("revision %d", rev)))
	})
	done := "saved"
	if slices.ContainsFunc(d.Schedules, func(sc db.Schedule) bool { return sc.Action == "publish" }) {
		// A scheduled publish keeps its revision: say this change is not
		// in it.
		done = "saved_scheduled"
	}
	switch {
	case errors.Is(err, db.ErrConflict):
		d2, derr := s.store.Draft(ctx, id)
		if derr != nil {
			return derr
		}
		return s.renderEditor(c, st, editorPage{draft: &d2, errorID: "pub.error.conflict", conflict: max(baseRev, 1), status: http.StatusConflict})
	case errors.Is(err, db.ErrSlugTaken):
		return s.renderEditor(c, st, editorPage{draft: &d, errs: fieldErrors{"slug": "pub.error.slug_taken"}, status: http.StatusUnprocessableEntity})
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done="+done)
}

func snapshotsEqual(a, b db.Snapshot) bool {
	fa, fb := flattenSnapshot(a), flattenSnapshot(b)
	return slices.Equal(fa, fb)
}

// ---- Publishing actions ----

// workflowRefused re-shows the editor with the reason an action was
// refused (422), or passes other errors on.
func (s *Server) workflowRefused(c echo.Context, id int64, err error) error {
	var msg string
	switch {
	case errors.Is(err, db.ErrNotReady):
		msg = "pub.error.not_ready"
	case errors.Is(err, db.ErrWrongStatus):
		msg = "pub.error.wrong_status"
	case errors.Is(err, db.ErrSlugTaken):
		msg = "pub.error.slug_taken"
	default:
		return err
	}
	d, derr := s.store.Draft(c.Request().Context(), id)
	if derr != nil {
		return derr
	}
	return s.renderEditor(c, snapshotState(d.Snapshot), editorPage{draft: &d, errorID: msg, status: http.StatusUnprocessableEntity})
}

// workflow runs a publishing action with its audit entry and redirects to
// the editor with a notice.
func (s *Server) workflow(c echo.Context, action, done string, fn func(tx *db.Tx, id int64, now time.Time) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Draft(c.Request().Context(), id); err != nil {
		return err
	}
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		if err := fn(tx, id, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, action, "model", id, ""))
	})
	if err != nil {
		return s.workflowRefused(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done="+done)
}

// handleEditorPublish publishes the entry's newest revision at once.
func (s *Server) handleEditorPublish(c echo.Context) error {
	return s.workflow(c, "catalogue.published", "published", func(tx *db.Tx, id int64, now time.Time) error { return tx.PublishModel(id, now) })
}

// handleEditorUnpublish takes the entry off the public site.
func (s *Server) handleEditorUnpublish(c echo.Context) error {
	return s.workflow(c, "catalogue.unpublished", "unpublished", func(tx *db.Tx, id int64, now time.Time) error { return tx.UnpublishModel(id, now) })
}

// handleEditorArchive archives the entry.
func (s *Server) handleEditorArchive(c echo.Context) error {
	return s.workflow(c, "catalogue.archived", "archived", func(tx *db.Tx, id int64, now time.Time) error { return tx.ArchiveModel(id, now) })
}

// scheduleLayout is how a datetime-local input sends its value.
const scheduleLayout = "2006-01-02T15:04"

// scheduleZone is the time zone schedules are typed in: Moscow time, the
// portal's main market (UTC+3, no daylight saving).
var scheduleZone = time.FixedZone("MSK", 3*60*60)

// scheduleVM shows a pending schedule of entry m: a publish names its
// revision, says when the draft has changed since (those changes are not
// in it) and when a newer revision is live already (it will not be
// carried out).
func scheduleVM(sc db.Schedule, m db.EditorModel) *views.ScheduleVM {
	v := &views.ScheduleVM{ID: sc.ID, Action: sc.Action, Due: sc.DueAt, Rev: sc.Rev}
	if sc.Action != "publish" {
		return v
	}
	if v.Rev == 0 && m.DraftRev > 0 {
		// The live version before the first edit, kept as revision 1.
		v.Rev = 1
	}
	v.Live = v.Rev == 0
	v.Newer = m.DraftRev > v.Rev
	v.Superseded = m.PublishedRev > v.Rev
	v.DraftRev = m.DraftRev
	v.PublishedRev = m.PublishedRev
	return v
}

// handleEditorSchedule plans a publish (of the revision the page showed)
// or an unpublish for a date and time (Moscow time), moves a planned
// publish to the newest revision, or cancels a planned one.
func (s *Server) handleEditorSchedule(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	if v := c.FormValue("cancel"); v != "" {
		sid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "bad schedule")
		}
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.CancelSchedule(id, sid, s.now()); err != nil {
				return err
			}
			return tx.Audit(s.auditEntry(c, "catalogue.schedule_canceled", "model", id, "schedule "+v))
		})
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done=canceled")
	}
	if v := c.FormValue("update"); v != "" {
		// Include the draft's later changes: the schedule publishes the
		// revision the page showed as the newest.
		sid, err1 := strconv.ParseInt(v, 10, 64)
		rev, err2 := strconv.Atoi(c.FormValue("rev"))
		if err1 != nil || err2 != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "bad schedule")
		}
		err = s.store.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.RescheduleRevision(id, sid, rev); err != nil {
				return err
			}
			return tx.Audit(s.auditEntry(c, "catalogue.schedule_updated", "model", id, fmt.Sprintf("schedule %d: revision %d", sid, rev)))
		})
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done=schedule_updated")
	}
	action := c.FormValue("action")
	if action != "publish" && action != "unpublish" {
		return echo.NewHTTPError(http.StatusBadRequest, "bad action")
	}
	// A publish publishes the revision the page showed, whatever the draft
	// becomes afterwards.
	rev := 0
	if action == "publish" {
		if rev, err = strconv.Atoi(c.FormValue("rev")); err != nil || rev < 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "bad revision")
		}
	}
	problem := ""
	at, err := time.ParseInLocation(scheduleLayout, strings.TrimSpace(c.FormValue("at")), scheduleZone)
	switch {
	case c.FormValue("at") == "":
		problem = "form.required"
	case err != nil:
		problem = "pub.error.datetime"
	case !at.After(s.now()):
		problem = "pub.error.past"
	}
	if problem != "" {
		return s.renderEditor(c, snapshotState(d.Snapshot), editorPage{draft: &d, errs: fieldErrors{"at": problem}, status: http.StatusUnprocessableEntity})
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		sid, err := tx.ScheduleRevision(id, action, rev, at, actorOf(c), s.now())
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("schedule %d: %s at %s", sid, action, at.UTC().Format(time.RFC3339))
		if action == "publish" {
			detail += fmt.Sprintf(", revision %d", rev)
		}
		return tx.Audit(s.auditEntry(c, "catalogue.scheduled", "model", id, detail))
	})
	if errors.Is(err, db.ErrNotFound) {
		return echo.NewHTTPError(http.StatusBadRequest, "bad revision")
	}
	if err != nil {
		return s.workflowRefused(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done=scheduled")
}

// ---- Revisions ----

func revisionRow(r db.Revision) views.RevisionRowVM {
	author := r.AuthorEmail
	return views.RevisionRowVM{Rev: r.Rev, Action: r.Action, Note: r.Note, Author: author, At: r.At}
}

// handleRevisionList shows an entry's revisions, newest first.
func (s *Server) handleRevisionList(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	name := pickTexts(d.Snapshot.Name, i18n.Lang(ctx)).Value
	vm := views.RevisionsVM{Title: i18n.T(ctx, "pub.revisions.title", "Name", name), EditorHref: editorHref(c, id, ""),
		DiffAction: editorHref(c, id, "/diff")}
	for _, r := range revs {
		row := revisionRow(r)
		row.Published = r.Rev == d.PublishedRev && d.Status == "published"
		row.Current = r.Rev == d.DraftRev
		vm.Items = append(vm.Items, row)
	}
	if len(revs) > 1 {
		vm.A, vm.B = revs[1].Rev, revs[0].Rev
	}
	return render(c, http.StatusOK, views.RevisionsPage(s.adminMeta(c, "pub.revisions"), vm))
}

// handleRevisionDiff shows two revisions side by side; without a choice,
// the newest against the one before.
func (s *Server) handleRevisionDiff(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	if d.DraftRev == 0 {
		// Nothing to compare yet: the history says so.
		return s.handleRevisionList(c)
	}
	revParam := func(name string, def int) (int, error) {
		v := c.QueryParam(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, echo.NewHTTPError(http.StatusBadRequest, "bad revision")
		}
		return n, nil
	}
	a, err := revParam("a", max(1, d.DraftRev-1))
	if err != nil {
		return err
	}
	b, err := revParam("b", d.DraftRev)
	if err != nil {
		return err
	}
	if a > b {
		a, b = b, a
	}
	ra, err := s.store.Revision(ctx, id, a)
	if err != nil {
		return err
	}
	rb, err := s.store.Revision(ctx, id, b)
	if err != nil {
		return err
	}
	only := c.QueryParam("changes") == "1"
	rows := diffSnapshots(ra.Snapshot, rb.Snapshot)
	vm := views.DiffVM{
		Title:       i18n.T(ctx, "pub.diff.title", "A", a, "B", b),
		EditorHref:  editorHref(c, id, ""),
		HistoryHref: editorHref(c, id, "/revisions"),
		A:           revisionRow(ra), B: revisionRow(rb),
		OnlyChanges: only,
		AllHref:     editorHref(c, id, fmt.Sprintf("/diff?a=%d&b=%d", a, b)),
		ChangesHref: editorHref(c, id, fmt.Sprintf("/diff?a=%d&b=%d&changes=1", a, b)),
		RestoreHref: editorHref(c, id, "/restore"),
		CurrentRev:  d.DraftRev,
	}
	for _, r := range rows {
		if r.Changed {
			vm.Changes++
		}
		if !only || r.Changed {
			vm.Rows = append(vm.Rows, r)
		}
	}
	return render(c, http.StatusOK, views.DiffPage(s.adminMeta(c, "pub.revisions"), vm))
}

// handleRevisionRestore makes an old revision the newest again, as a new
// revision.
func (s *Server) handleRevisionRestore(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	from, err1 := strconv.Atoi(c.FormValue("from"))
	base, err2 := strconv.Atoi(c.FormValue("rev"))
	if err1 != nil || err2 != nil || from < 1 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad revision")
	}
	var rev int
	var back []string
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if rev, back, err = tx.RestoreRevision(id, from, base, actorOf(c), s.now()); err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "catalogue.restored", "model", id, fmt.Sprintf("revision %d from %d", rev, from))); err != nil {
			return err
		}
		if len(back) == 0 {
			return nil
		}
		// The revision has values of deleted specification items: they
		// came back with it.
		return tx.Audit(s.auditEntry(c, "spec.items_restored", "model", id, fmt.Sprintf("codes: %s; with revision %d from %d", strings.Join(back, ", "), rev, from)))
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		return s.renderEditor(c, snapshotState(d.Snapshot), editorPage{draft: &d, errorID: "pub.error.conflict", conflict: max(base, 1), status: http.StatusConflict})
	case err != nil:
		return s.workflowRefused(c, id, err)
	}
	done := "restored"
	if len(back) > 0 {
		done = "restored_specs"
	}
	return c.Redirect(http.StatusSeeOther, editorHref(c, id, "")+"?done="+done)
}

// diffField is one flattened field of a snapshot.
type diffField struct{ Field, Value string }

// flattenSnapshot writes a snapshot as readable fields in a fixed order.
func flattenSnapshot(s db.Snapshot) []diffField {
	var out []diffField
	add := func(f, v string) { out = append(out, diffField{f, v}) }
	texts := func(f string, t db.Texts) {
		for _, l := range db.Langs {
			add(f+" ["+l+"]", t[l])
		}
	}
	add("slug", s.Slug)
	add("body_type", s.BodyType)
	add("seats", strconv.Itoa(s.Seats))
	add("model_year", strconv.Itoa(s.ModelYear))
	add("sort_order", strconv.Itoa(s.SortOrder))
	texts("name", s.Name)
	texts("tagline", s.Tagline)
	texts("description", s.Description)
	for _, t := range s.Trims {
		p := "trim " + t.Slug + ": "
		texts(p+"name", t.Name)
		add(p+"fuel", t.Fuel)
		add(p+"transmission", t.Transmission)
		add(p+"drive", t.Drive)
		add(p+"engine_cc", strconv.Itoa(t.EngineCC))
		add(p+"power_hp", strconv.Itoa(t.PowerHP))
		add(p+"price", formatMinor(t.PriceMinor)+" "+t.Currency)
		for _, sp := range t.Specs {
			switch {
			case sp.Num != nil:
				add(p+sp.Item, formatNum(*sp.Num))
			case sp.Flag != nil:
				add(p+sp.Item, strconv.FormatBool(*sp.Flag))
			default:
				texts(p+sp.Item, sp.Text)
			}
		}
	}
	for _, m := range s.Media {
		p := m.Kind + " " + m.File + ": "
		add(p+"file", m.File)
		if m.Kind == "brochure" {
			add(p+"lang", m.Lang)
		}
		texts(p+"alt", m.Alt)
	}
	return out
}

// diffSnapshots lines up the fields of two snapshots: those of a in order,
// then those only b has.
func diffSnapshots(a, b db.Snapshot) []views.DiffRowVM {
	fa, fb := flattenSnapshot(a), flattenSnapshot(b)
	bv := map[string]string{}
	for _, f := range fb {
		bv[f.Field] = f.Value
	}
	seen := map[string]bool{}
	var rows []views.DiffRowVM
	for _, f := range fa {
		seen[f.Field] = true
		v := bv[f.Field]
		if f.Value == "" && v == "" {
			continue
		}
		rows = append(rows, views.DiffRowVM{Field: f.Field, A: f.Value, B: v, Changed: f.Value != v})
	}
	for _, f := range fb {
		if !seen[f.Field] && f.Value != "" {
			rows = append(rows, views.DiffRowVM{Field: f.Field, B: f.Value, Changed: true})
		}
	}
	return rows
}

// ---- Missing translations ----

// handleTranslations lists every text of the entries' newest versions
// that lacks a language.
func (s *Server) handleTranslations(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	items, err := s.store.EditorModels(ctx)
	if err != nil {
		return err
	}
	var vm views.TranslationsVM
	for _, m := range items {
		if m.Missing == 0 || m.Status == "archived" {
			continue
		}
		d, err := s.store.Draft(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, f := range d.Snapshot.MissingTranslations() {
			vm.Items = append(vm.Items, views.MissingRowVM{Model: pickTexts(m.Name, lang), Href: editorHref(c, m.ID, ""), Field: f.Field, Langs: f.Langs})
		}
	}
	return render(c, http.StatusOK, views.TranslationsPage(s.adminMeta(c, "pub.translations.title"), vm))
}

// ---- Preview ----

// handleEditorPreview renders the model page from the entry's newest
// revision, for staff only; never cached, never indexed.
func (s *Server) handleEditorPreview(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return err
	}
	specs, err := s.store.SpecCatalog(ctx)
	if err != nil {
		return err
	}
	snap := d.Snapshot
	vm := views.ModelPageVM{
		Slug: snap.Slug, Name: pickTexts(snap.Name, lang), Tagline: pickTexts(snap.Tagline, lang),
		Description: pickTexts(snap.Description, lang), BodyType: snap.BodyType, Seats: snap.Seats, ModelYear: snap.ModelYear,
	}
	for i, t := range snap.Trims {
		vm.Trims = append(vm.Trims, views.TrimVM{ID: int64(i + 1), Name: pickTexts(t.Name, lang), ModelName: vm.Name, ModelSlug: snap.Slug,
			Fuel: t.Fuel, Transmission: t.Transmission, Drive: t.Drive, EngineCC: t.EngineCC, PowerHP: t.PowerHP,
			Price: i18n.Money{Minor: t.PriceMinor, Currency: t.Currency}})
		if i == 0 || t.PriceMinor < vm.PriceFrom.Minor {
			vm.PriceFrom = i18n.Money{Minor: t.PriceMinor, Currency: t.Currency}
		}
		vm.PowerMaxHP = max(vm.PowerMaxHP, t.PowerHP)
	}
	for _, g := range specs {
		gv := views.SpecGroupVM{Code: g.Code, Name: pickTexts(g.Name, lang)}
		for _, it := range g.Items {
			row := views.SpecRowVM{Name: pickTexts(it.Name, lang), Kind: it.Kind, Unit: it.Unit, Decimals: it.Decimals}
			anyValue := false
			for _, t := range snap.Trims {
				var v views.SpecValueVM
				if sp := t.Spec(it.Code); sp != nil {
					switch {
					case sp.Num != nil:
						v = views.SpecValueVM{Present: true, Num: *sp.Num}
					case sp.Flag != nil:
						v = views.SpecValueVM{Present: true, Flag: *sp.Flag}
					case len(sp.Text) > 0:
						v = views.SpecValueVM{Present: true, Text: pickTexts(sp.Text, lang)}
					}
				}
				anyValue = anyValue || v.Present
				row.Values = append(row.Values, v)
			}
			if anyValue {
				for i := 1; i < len(row.Values); i++ {
					if row.Values[i] != row.Values[0] {
						row.Differs = true
					}
				}
				gv.Rows = append(gv.Rows, row)
			}
		}
		if len(gv.Rows) > 0 {
			vm.Specs = append(vm.Specs, gv)
		}
	}
	for _, m := range snap.Media {
		switch m.Kind {
		case "photo":
			vm.Photos = append(vm.Photos, snapImageVM(m, lang))
		case "brochure":
			vm.Brochures = append(vm.Brochures, views.BrochureVM{Href: snapMediaURL(m), Lang: m.Lang, Bytes: m.Bytes})
		}
	}
	meta := s.adminMeta(c, "pub.preview")
	meta.Title = i18n.T(ctx, "pub.preview") + ": " + vm.Name.Value
	meta.Section = "catalogue"
	return render(c, http.StatusOK, views.ModelPage(meta, vm))
}

func snapImageVM(m db.SnapMedia, lang string) views.ImageVM {
	img := imageVM(db.Media{Kind: m.Kind, Source: m.Source, File: m.File, Width: m.Width, Height: m.Height}, lang)
	img.Alt = pickTexts(m.Alt, lang)
	return img
}
