package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// openDemoStore opens a fresh migrated database in the test's folder.
func openDemoStore(t testing.TB) *Store {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadDemoStore(t *testing.T) *Store {
	t.Helper()
	s := openDemoStore(t)
	loaded, err := s.LoadDemo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !loaded {
		t.Fatal("LoadDemo on an empty database returned false")
	}
	return s
}

func demoCount(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.Read.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestLoadDemoLoadsOnlyIntoAnEmptyCatalogue(t *testing.T) {
	s := openDemoStore(t)
	v0 := s.ContentVersion()

	loaded, err := s.LoadDemo(t.Context())
	if err != nil || !loaded {
		t.Fatalf("first LoadDemo = %v, %v; want true, nil", loaded, err)
	}
	if got := s.ContentVersion(); got != v0+1 {
		t.Errorf("content version after loading = %d; want %d", got, v0+1)
	}
	models := demoCount(t, s, `SELECT count(*) FROM models`)
	trims := demoCount(t, s, `SELECT count(*) FROM trims`)
	if want := len(demoModels()); models != want {
		t.Errorf("models = %d; want %d", models, want)
	}

	loaded, err = s.LoadDemo(t.Context())
	if err != nil || loaded {
		t.Fatalf("second LoadDemo = %v, %v; want false, nil", loaded, err)
	}
	if got := s.ContentVersion(); got != v0+1 {
		t.Errorf("content version after the second call = %d; want %d (unchanged)", got, v0+1)
	}
	if got := demoCount(t, s, `SELECT count(*) FROM models`); got != models {
		t.Errorf("models after the second call = %d; want %d", got, models)
	}
	if got := demoCount(t, s, `SELECT count(*) FROM trims`); got != trims {
		t.Errorf("trims after the second call = %d; want %d", got, trims)
	}
}

func TestLoadDemoModelsAndTrims(t *testing.T) {
	s := loadDemoStore(t)
	ctx := t.Context()
	if n := demoCount(t, s, `SELECT count(*) FROM models`); n < 6 {
		t.Errorf("demo has %d models; want at least 6", n)
	}
	for _, slug := range []string{"rira", "tara", "dena-plus", "soren-plus", "runna-plus", "samand"} {
		if n := demoCount(t, s, `SELECT count(*) FROM models WHERE slug = ?`, slug); n != 1 {
			t.Errorf("model %q: %d rows; want 1", slug, n)
		}
	}
	stamp := regexp.MustCompile(`^2026-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.slug, m.status, COALESCE(m.published_at, ''), m.model_year,
		(SELECT count(*) FROM trims t WHERE t.model_id = m.id AND t.status = 'published'),
		(SELECT count(*) FROM trims t WHERE t.model_id = m.id AND (t.currency <> 'RUB' OR t.price_minor < 100000000)),
		(SELECT count(*) FROM media x WHERE x.model_id = m.id AND x.kind = 'photo')
		FROM models m ORDER BY m.sort_order`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var first string
	var newest string
	for rows.Next() {
		var slug, status, published string
		var year, trims, badPrices, photos int
		if err := rows.Scan(&slug, &status, &published, &year, &trims, &badPrices, &photos); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = slug
		}
		if status != "published" {
			t.Errorf("%s: status %q; want published", slug, status)
		}
		if !stamp.MatchString(published) {
			t.Errorf("%s: published_at %q; want 2026-MM-DDTHH:MM:SSZ", slug, published)
		}
		if published > newest {
			newest = published
		}
		if year < 2025 || year > 2026 {
			t.Errorf("%s: model year %d; want 2025 or 2026", slug, year)
		}
		if trims < 2 || trims > 4 {
			t.Errorf("%s: %d published trims; want 2 to 4", slug, trims)
		}
		if badPrices != 0 {
			t.Errorf("%s: %d trims priced in another currency or under 1 000 000 ₽", slug, badPrices)
		}
		if photos < 2 || photos > 3 {
			t.Errorf("%s: %d photos; want 2 or 3", slug, photos)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if first != "rira" {
		t.Errorf("first model by sort order = %q; want rira", first)
	}
	var riraPublished string
	if err := s.db.Read.QueryRowContext(ctx, `SELECT published_at FROM models WHERE slug = 'rira'`).Scan(&riraPublished); err != nil {
		t.Fatal(err)
	}
	if riraPublished != newest {
		t.Errorf("rira published %s, but the newest model was published %s; Rira is the newest", riraPublished, newest)
	}
	if n := demoCount(t, s, `SELECT count(DISTINCT model_id) FROM media WHERE kind = 'brochure'`); n < 3 {
		t.Errorf("%d models have a brochure; want at least 3", n)
	}
	if n := demoCount(t, s, `SELECT count(DISTINCT body_type) FROM models`); n < 3 {
		t.Errorf("%d body types; want sedan, hatchback and crossover", n)
	}
}

// missingTexts counts, per kind of row, the rows that lack a non-empty
// text in one of the languages; every count must be zero.
var missingTexts = []struct {
	name  string
	query string
}{
	{"model names, taglines and descriptions", `SELECT count(*) FROM models m, langs l WHERE NOT EXISTS (
		SELECT 1 FROM model_texts x WHERE x.model_id = m.id AND x.lang = l.lang AND x.name <> '' AND x.tagline <> '' AND x.description <> '')`},
	{"trim names", `SELECT count(*) FROM trims t, langs l WHERE NOT EXISTS (
		SELECT 1 FROM trim_texts x WHERE x.trim_id = t.id AND x.lang = l.lang AND x.name <> '')`},
	{"spec group names", `SELECT count(*) FROM spec_groups g, langs l WHERE NOT EXISTS (
		SELECT 1 FROM spec_group_texts x WHERE x.group_id = g.id AND x.lang = l.lang AND x.name <> '')`},
	{"spec item names", `SELECT count(*) FROM spec_items i, langs l WHERE NOT EXISTS (
		SELECT 1 FROM spec_item_texts x WHERE x.item_id = i.id AND x.lang = l.lang AND x.name <> '')`},
	{"text spec values", `SELECT count(*) FROM trim_specs ts JOIN spec_items i ON i.id = ts.item_id AND i.kind = 'text', langs l WHERE NOT EXISTS (
		SELECT 1 FROM trim_spec_texts x WHERE x.trim_id = ts.trim_id AND x.item_id = ts.item_id AND x.lang = l.lang AND x.value <> '')`},
	{"media alt texts", `SELECT count(*) FROM media m, langs l WHERE NOT EXISTS (
		SELECT 1 FROM media_texts x WHERE x.media_id = m.id AND x.lang = l.lang AND x.alt <> '')`},
}

func checkNoMissingTexts(t *testing.T, s *Store) {
	t.Helper()
	for _, c := range missingTexts {
		if n := demoCount(t, s, `WITH langs(lang) AS (VALUES ('ru'), ('en'), ('fa')) `+c.query); n != 0 {
			t.Errorf("%s: %d missing translations; want 0", c.name, n)
		}
	}
}

func TestLoadDemoTextsInEveryLanguage(t *testing.T) {
	s := loadDemoStore(t)
	checkNoMissingTexts(t, s)

	// Each language's texts are written in its own script, and every
	// description says the figures are not official.
	scripts := map[string]*unicode.RangeTable{"ru": unicode.Cyrillic, "en": unicode.Latin, "fa": unicode.Arabic}
	notOfficial := map[string]string{"ru": "официальн", "en": "not official", "fa": "رسمی"}
	rows, err := s.db.Read.QueryContext(t.Context(), `SELECT m.slug, x.lang, x.name, x.tagline, x.description
		FROM model_texts x JOIN models m ON m.id = x.model_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var slug, lang, name, tagline, desc string
		if err := rows.Scan(&slug, &lang, &name, &tagline, &desc); err != nil {
			t.Fatal(err)
		}
		if !hasScript(tagline, scripts[lang]) || !hasScript(desc, scripts[lang]) {
			t.Errorf("%s/%s: tagline or description not written in the language's script: %q", slug, lang, tagline)
		}
		if lang == "fa" && !hasScript(name, unicode.Arabic) {
			t.Errorf("%s/fa: name %q is not in Persian script", slug, name)
		}
		if !strings.Contains(desc, notOfficial[lang]) {
			t.Errorf("%s/%s: description does not say the data is not official (%q): %q", slug, lang, notOfficial[lang], desc)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func hasScript(s string, table *unicode.RangeTable) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(table, r) }) >= 0
}

func TestLoadDemoSpecCatalogue(t *testing.T) {
	s := loadDemoStore(t)
	ctx := t.Context()
	rows, err := s.db.Read.QueryContext(ctx, `SELECT code FROM spec_groups ORDER BY sort_order, id`)
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		groups = append(groups, c)
	}
	rows.Close()
	if want := []string{"engine", "dimensions", "equipment", "safety"}; !slices.Equal(groups, want) {
		t.Errorf("spec groups = %v; want %v", groups, want)
	}

	if n := demoCount(t, s, `SELECT count(*) FROM spec_items WHERE kind = 'number'
		AND unit NOT IN ('mm', 'kg', 'l', 'cc', 'hp', 'nm', 'kmh', 's', 'l100km', 'pcs')`); n != 0 {
		t.Errorf("%d number items have a unit outside the unit codes", n)
	}
	if n := demoCount(t, s, `SELECT count(*) FROM spec_items WHERE kind <> 'number' AND unit <> ''`); n != 0 {
		t.Errorf("%d yes/no or text items have a unit", n)
	}
	for _, c := range []struct {
		code     string
		kind     string
		unit     string
		decimals int
	}{
		{"acceleration", "number", "s", 1},
		{"fuel_consumption", "number", "l100km", 1},
		{"length", "number", "mm", 0},
		{"airbags", "number", "pcs", 0},
		{"front_suspension", "text", "", 0},
		{"sunroof", "bool", "", 0},
	} {
		var kind, unit string
		var decimals int
		err := s.db.Read.QueryRowContext(ctx, `SELECT kind, unit, decimals FROM spec_items WHERE code = ?`, c.code).Scan(&kind, &unit, &decimals)
		if err != nil {
			t.Errorf("spec item %q: %v", c.code, err)
			continue
		}
		if kind != c.kind || unit != c.unit || decimals != c.decimals {
			t.Errorf("spec item %q = %s %q %d decimals; want %s %q %d", c.code, kind, unit, decimals, c.kind, c.unit, c.decimals)
		}
	}

	// Every trim has a value for every item, so comparisons have no holes,
	// and each value is stored in the column its kind reads.
	if got, want := demoCount(t, s, `SELECT count(*) FROM trim_specs`), demoCount(t, s, `SELECT (SELECT count(*) FROM trims) * (SELECT count(*) FROM spec_items)`); got != want {
		t.Errorf("trim spec values = %d; want one per trim and item, %d", got, want)
	}
	if n := demoCount(t, s, `SELECT count(*) FROM trim_specs ts JOIN spec_items i ON i.id = ts.item_id
		WHERE (i.kind = 'number') <> (ts.num IS NOT NULL) OR (i.kind = 'bool') <> (ts.flag IS NOT NULL)`); n != 0 {
		t.Errorf("%d spec values stored in the wrong column for their kind", n)
	}
}

var viewBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)

func TestLoadDemoMediaFilesExist(t *testing.T) {
	s := loadDemoStore(t)
	rows, err := s.db.Read.QueryContext(t.Context(), `SELECT kind, source, file, mime, width, height, bytes, COALESCE(lang, '') FROM media`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var kind, source, file, mime, lang string
		var width, height int
		var size int64
		if err := rows.Scan(&kind, &source, &file, &mime, &width, &height, &size, &lang); err != nil {
			t.Fatal(err)
		}
		n++
		if source != "static" {
			t.Errorf("%s: source %q; want static", file, source)
		}
		body, err := os.ReadFile(filepath.Join("..", "static", filepath.FromSlash(file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		switch kind {
		case "photo":
			if mime != "image/svg+xml" || !strings.HasSuffix(file, ".svg") || lang != "" {
				t.Errorf("%s: photo mime %q lang %q; want an SVG for every language", file, mime, lang)
			}
			m := viewBox.FindSubmatch(body)
			if m == nil || string(m[1]) != strconv.Itoa(width) || string(m[2]) != strconv.Itoa(height) {
				t.Errorf("%s: stored %d×%d, file's viewBox %q", file, width, height, m)
			}
			if len(body) >= 12<<10 {
				t.Errorf("%s: %d bytes; want under 12 KB", file, len(body))
			}
			for _, bad := range []string{"<text", "<script", "href", "url(http", "onload"} {
				if strings.Contains(string(body), bad) {
					t.Errorf("%s contains %q", file, bad)
				}
			}
		case "brochure":
			if mime != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
				t.Errorf("%s: brochure mime %q, file starts %q; want a PDF", file, mime, body[:min(8, len(body))])
			}
			if size != int64(len(body)) {
				t.Errorf("%s: stored size %d; file has %d bytes", file, size, len(body))
			}
			if len(body) >= 20<<10 {
				t.Errorf("%s: %d bytes; want under 20 KB", file, len(body))
			}
		default:
			t.Errorf("%s: kind %q", file, kind)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no media rows")
	}
}

func TestLoadDemoReadsBackThroughTheStore(t *testing.T) {
	s := loadDemoStore(t)
	ctx := t.Context()
	for _, c := range []struct {
		lang      string
		name      string
		trimNames []string
		frontSusp string
		brochure  string // the brochure offered in this language
	}{
		{"ru", "Rira", []string{"Комфорт", "Элит", "Премиум"}, "Независимая, McPherson", "brochures/rira-en.pdf"},
		{"en", "Rira", []string{"Comfort", "Elite", "Premium"}, "Independent, MacPherson strut", "brochures/rira-en.pdf"},
		{"fa", "ریرا", []string{"کامفورت", "الیت", "پریمیوم"}, "مستقل، مک\u200cفرسون", "brochures/rira-en.pdf"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			list, err := s.ListModels(ctx, c.lang, ModelFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if list.Total != len(demoModels()) || len(list.Items) != list.Total {
				t.Fatalf("ListModels: total %d, %d items; want %d", list.Total, len(list.Items), len(demoModels()))
			}
			first := list.Items[0]
			if first.Slug != "rira" || first.Name != (Text{Value: c.name, Lang: c.lang}) {
				t.Errorf("first listed = %s %+v; want rira named %q in %s", first.Slug, first.Name, c.name, c.lang)
			}
			if first.Tagline.Lang != c.lang || first.Tagline.Value == "" {
				t.Errorf("rira tagline = %+v; want one in %s", first.Tagline, c.lang)
			}
			if first.Photo == nil || first.Photo.File != "img/models/rira-side.svg" || first.Photo.Alt.Lang != c.lang {
				t.Errorf("rira list photo = %+v; want the side view with alt text in %s", first.Photo, c.lang)
			}
			if first.TrimCount != 3 || first.PriceFrom != (Money{Minor: 269000000, Currency: "RUB"}) || first.PowerMaxHP != 150 {
				t.Errorf("rira summary: %d trims from %+v, up to %d hp; want 3 from 2 690 000,00 RUB, 150 hp", first.TrimCount, first.PriceFrom, first.PowerMaxHP)
			}
			for _, m := range list.Items {
				if m.Name.Lang != c.lang || m.Photo == nil {
					t.Errorf("%s: name %+v, photo %v; want a name in %s and a photo", m.Slug, m.Name, m.Photo, c.lang)
				}
			}

			m, err := s.ModelBySlug(ctx, c.lang, "rira")
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != (Text{Value: c.name, Lang: c.lang}) || m.Description.Lang != c.lang || m.BodyType != "crossover" {
				t.Errorf("rira = %+v %+v %s; want %q in %s, a crossover", m.Name, m.Description, m.BodyType, c.name, c.lang)
			}
			var trimNames []string
			for _, tr := range m.Trims {
				trimNames = append(trimNames, tr.Name.Value)
			}
			if !slices.Equal(trimNames, c.trimNames) {
				t.Errorf("rira trims = %v; want %v", trimNames, c.trimNames)
			}
			var groups []string
			for _, g := range m.Specs {
				groups = append(groups, g.Code)
				if g.Name.Lang != c.lang || len(g.Rows) == 0 {
					t.Errorf("group %s: name %+v, %d rows; want a name in %s and rows", g.Code, g.Name, len(g.Rows), c.lang)
				}
			}
			if want := []string{"engine", "dimensions", "equipment", "safety"}; !slices.Equal(groups, want) {
				t.Errorf("rira spec groups = %v; want %v", groups, want)
			}
			rows := map[string]SpecRow{}
			for _, g := range m.Specs {
				for _, r := range g.Rows {
					rows[r.Code] = r
					if r.Name.Lang != c.lang {
						t.Errorf("row %s: name %+v; want one in %s", r.Code, r.Name, c.lang)
					}
					if len(r.Values) != len(m.Trims) {
						t.Errorf("row %s: %d values for %d trims", r.Code, len(r.Values), len(m.Trims))
					}
				}
			}
			if r := rows["front_suspension"]; r.Values[0].Text != (Text{Value: c.frontSusp, Lang: c.lang}) || r.Differs() {
				t.Errorf("front suspension = %+v (differs %v); want %q in %s for every trim", r.Values[0].Text, r.Differs(), c.frontSusp, c.lang)
			}
			if r := rows["length"]; r.Values[0].Num != 4500 || r.Unit != "mm" || r.Differs() {
				t.Errorf("length = %+v %s; want 4500 mm for every trim", r.Values[0], r.Unit)
			}
			if r := rows["acceleration"]; r.Unit != "s" || r.Decimals != 1 || r.Values[0].Num != 9.8 {
				t.Errorf("acceleration = %+v %s %d decimals; want 9.8 s, 1 decimal", r.Values[0], r.Unit, r.Decimals)
			}
			if !rows["gearbox"].Differs() || rows["power"].Differs() {
				t.Errorf("gearbox differs %v, power differs %v; want a manual and CVTs with one engine", rows["gearbox"].Differs(), rows["power"].Differs())
			}
			if r := rows["sunroof"]; r.Kind != "bool" || r.Values[0].Flag || !r.Values[2].Flag {
				t.Errorf("sunroof = %+v; want only on Premium", r.Values)
			}
			if len(m.Photos) != 3 || m.Photos[0].Width != 1200 || m.Photos[0].Height != 675 {
				t.Errorf("rira photos = %+v; want 3 drawings of 1200×675", m.Photos)
			}
			if len(m.Brochures) != 1 || m.Brochures[0].File != c.brochure || m.Brochures[0].Alt.Lang != c.lang {
				t.Errorf("rira brochures = %+v; want %s with alt text in %s", m.Brochures, c.brochure, c.lang)
			}
		})
	}
}

func TestLoadGenerated(t *testing.T) {
	s := openDemoStore(t)
	v0 := s.ContentVersion()
	start := time.Now()
	if err := s.LoadGenerated(t.Context(), 1000, 4); err != nil {
		t.Fatal(err)
	}
	t.Logf("1000 models × 4 trims in %v", time.Since(start))
	if got := demoCount(t, s, `SELECT count(*) FROM models WHERE status = 'published' AND slug GLOB 'model-[0-9][0-9][0-9][0-9]'`); got != 1000 {
		t.Errorf("published model-NNNN models = %d; want 1000", got)
	}
	if got := demoCount(t, s, `SELECT count(*) FROM trims WHERE status = 'published'`); got != 4000 {
		t.Errorf("published trims = %d; want 4000", got)
	}
	if got := demoCount(t, s, `SELECT count(*) FROM models m WHERE (SELECT count(*) FROM media x WHERE x.model_id = m.id AND x.kind = 'photo') <> 1`); got != 0 {
		t.Errorf("%d models without exactly one photo", got)
	}
	if got, want := demoCount(t, s, `SELECT count(*) FROM trim_specs`), 4000*demoCount(t, s, `SELECT count(*) FROM spec_items`); got != want {
		t.Errorf("spec values = %d; want %d, every item for every trim", got, want)
	}
	if got := s.ContentVersion(); got != v0+1 {
		t.Errorf("content version = %d; want %d", got, v0+1)
	}
	checkNoMissingTexts(t, s)

	list, err := s.ListModels(t.Context(), "fa", ModelFilter{PerPage: 5})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 1000 || len(list.Items) != 5 || list.Items[0].Name != (Text{Value: "مدل ۰۰۰۱", Lang: "fa"}) {
		t.Errorf("ListModels fa: total %d, %d items, first %+v; want 1000, 5, مدل ۰۰۰۱", list.Total, len(list.Items), list.Items[0].Name)
	}

	if err := s.LoadGenerated(t.Context(), 10, 2); !errors.Is(err, errCatalogueNotEmpty) {
		t.Errorf("LoadGenerated into a full catalogue = %v; want errCatalogueNotEmpty", err)
	}
	if loaded, err := s.LoadDemo(t.Context()); loaded || err != nil {
		t.Errorf("LoadDemo into a generated catalogue = %v, %v; want false, nil", loaded, err)
	}
}

func TestLoadGeneratedRejectsCountsOutOfRange(t *testing.T) {
	s := openDemoStore(t)
	for _, c := range []struct{ models, trims int }{{0, 4}, {10, 0}, {-1, 1}, {10000, 1}} {
		if err := s.LoadGenerated(t.Context(), c.models, c.trims); err == nil {
			t.Errorf("LoadGenerated(%d, %d) = nil; want an error", c.models, c.trims)
		}
	}
	if n := demoCount(t, s, `SELECT count(*) FROM models`); n != 0 {
		t.Errorf("%d models written by rejected calls", n)
	}
}

func TestLoadCatalogueRollsBackBadData(t *testing.T) {
	for _, c := range []struct {
		name  string
		specs specSet
	}{
		{"unknown item", specSet{"warp_drive": true}},
		{"number item given a flag", specSet{"length": true}},
		{"text item given a number", specSet{"engine": 1645}},
		{"text missing a language", specSet{"engine": l10n{"EF7", "EF7", ""}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openDemoStore(t)
			v0 := s.ContentVersion()
			models := demoModels()
			models[len(models)-1].trims[0].specs = mergeSpecs(models[len(models)-1].trims[0].specs, c.specs)
			loaded, err := s.loadCatalogue(t.Context(), models)
			if err == nil || loaded {
				t.Fatalf("loadCatalogue = %v, %v; want false and an error", loaded, err)
			}
			if n := demoCount(t, s, `SELECT count(*) FROM models`); n != 0 {
				t.Errorf("%d models left after a failed load; want 0", n)
			}
			if got := s.ContentVersion(); got != v0 {
				t.Errorf("content version = %d; want %d", got, v0)
			}
		})
	}
}

func BenchmarkLoadGenerated1000x4(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s := openDemoStore(b)
		b.StartTimer()
		if err := s.LoadGenerated(context.Background(), 1000, 4); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLoadDemoInquiries(t *testing.T) {
	s := openDemoStore(t)
	ctx := context.Background()
	var staff, partner User
	for i, role := range []string{"staff", "partner"} {
		err := s.Tx(ctx, func(tx *Tx) error {
			id, err := tx.CreateUser(NewUser{Email: role + "@demo.example", FullName: "Demo " + role, Role: role, Status: "active", Lang: "ru", Now: time.Now()})
			if err != nil {
				return err
			}
			u, err := tx.UserByID(id)
			if i == 0 {
				staff = u
			} else {
				partner = u
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := s.LoadDemoInquiries(ctx, staff, partner, time.Now()); !ok || err != nil {
		t.Fatalf("first load: %v %v", ok, err)
	}
	if ok, err := s.LoadDemoInquiries(ctx, staff, partner, time.Now()); ok || err != nil {
		t.Fatalf("second load: %v %v", ok, err)
	}
	list, err := s.MyInquiries(ctx, partner.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("%d inquiries, %v", len(list), err)
	}
	statuses := map[string]bool{}
	for _, q := range list {
		statuses[q.Status] = true
		if q.Ref == "" || !strings.Contains(q.Company, "демо") {
			t.Errorf("inquiry %d: ref %q, company %q", q.ID, q.Ref, q.Company)
		}
	}
	if !statuses["new"] || !statuses["needs_info"] {
		t.Errorf("statuses %v", statuses)
	}
}
