package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// errCatalogueNotEmpty is returned by LoadGenerated when models exist.
var errCatalogueNotEmpty = errors.New("catalogue is not empty")

// LoadDemo fills an empty catalogue with the demonstration models, their
// trims, specifications, drawings and brochures, in one transaction, and
// reports whether it did; when any model exists it changes nothing and
// returns false. Every figure and price in it is illustrative.
func (s *Store) LoadDemo(ctx context.Context) (bool, error) {
	return s.loadCatalogue(ctx, demoModels())
}

// LoadGenerated fills an empty catalogue with the given number of synthetic
// published models (model-0001, …), each with trimsPerModel trims, texts in
// every language, specifications and one photo, for benchmarks and load
// tests. It fails when any model exists.
func (s *Store) LoadGenerated(ctx context.Context, models, trimsPerModel int) error {
	if models < 1 || models > 9999 || trimsPerModel < 1 || trimsPerModel > 99 {
		return fmt.Errorf("store: generate %d models × %d trims: out of range", models, trimsPerModel)
	}
	loaded, err := s.loadCatalogue(ctx, generatedModels(models, trimsPerModel))
	if err != nil {
		return err
	}
	if !loaded {
		return fmt.Errorf("store: generate: %w", errCatalogueNotEmpty)
	}
	return nil
}

// l10n is a text in each of the portal's languages, in the order of Langs:
// Russian, English, Persian.
type l10n [3]string

// specSet maps a specification item code to a trim's value: an int or
// float64 for a number item, a bool for a flag, an l10n for a text.
type specSet map[string]any

type specGroupDef struct {
	code  string
	name  l10n
	items []specItemDef
}

type specItemDef struct {
	code     string
	kind     string // number, bool or text
	unit     string // a unit code for numbers: mm, kg, l, cc, hp, nm, kmh, s, l100km, pcs
	decimals int
	name     l10n
}

type catalogueModel struct {
	slug        string
	body        string
	seats       int
	year        int
	sort        int
	publishedAt string
	name        l10n
	tagline     l10n
	description l10n
	// specs holds the values every trim shares; a trim's own specs win.
	specs specSet
	trims []catalogueTrim
	media []catalogueMedia
}

type catalogueTrim struct {
	slug         string
	fuel         string
	transmission string
	drive        string
	engineCC     int
	powerHP      int
	priceMinor   int64 // RUB kopecks
	name         l10n
	specs        specSet
}

type catalogueMedia struct {
	kind   string // photo or brochure
	file   string // path under static/
	mime   string
	width  int
	height int
	bytes  int64
	lang   string // "" when the file serves every language
	alt    l10n
}

// loadCatalogue inserts models into an empty catalogue in one writer
// transaction and bumps the content version. It returns false, writing
// nothing, when any model exists.
func (s *Store) loadCatalogue(ctx context.Context, models []catalogueModel) (bool, error) {
	loaded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM models)`).Scan(&exists); err != nil {
			return fmt.Errorf("store: load catalogue: %w", err)
		}
		if exists {
			return nil
		}
		w, err := newCatalogueWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.writeSpecCatalogue(specCatalogue()); err != nil {
			return err
		}
		for i := range models {
			if err := w.writeModel(&models[i]); err != nil {
				return err
			}
		}
		sw := newSearchWriter(ctx, tx)
		defer sw.close()
		if err := sw.rebuild(); err != nil {
			return err
		}
		if err := bumpContentVersion(ctx, tx); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, err
	}
	if loaded {
		s.db.changes.add(slotSearch)
		s.contentChanged()
	}
	return loaded, nil
}

type specItemRef struct {
	id   int64
	kind string
}

// catalogueWriter inserts catalogue rows through statements prepared once
// per transaction.
type catalogueWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	items map[string]specItemRef
	order []string // item codes in catalogue order

	insModel, insModelText, insTrim, insTrimText, insSpec, insSpecText, insMedia, insMediaText *sql.Stmt
}

func newCatalogueWriter(ctx context.Context, tx *sql.Tx) (*catalogueWriter, error) {
	w := &catalogueWriter{ctx: ctx, tx: tx, items: map[string]specItemRef{}}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.insModel, `INSERT INTO models (slug, body_type, seats, model_year, sort_order, status, published_at) VALUES (?, ?, ?, ?, ?, 'published', ?)`},
		{&w.insModelText, `INSERT INTO model_texts (model_id, lang, name, tagline, description) VALUES (?, ?, ?, ?, ?)`},
		{&w.insTrim, `INSERT INTO trims (model_id, slug, fuel, transmission, drive, engine_cc, power_hp, price_minor, currency, sort_order, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'RUB', ?, 'published')`},
		{&w.insTrimText, `INSERT INTO trim_texts (trim_id, lang, name) VALUES (?, ?, ?)`},
		{&w.insSpec, `INSERT INTO trim_specs (trim_id, item_id, num, flag) VALUES (?, ?, ?, ?)`},
		{&w.insSpecText, `INSERT INTO trim_spec_texts (trim_id, item_id, lang, value) VALUES (?, ?, ?, ?)`},
		{&w.insMedia, `INSERT INTO media (model_id, kind, source, file, mime, width, height, bytes, lang, sort_order) VALUES (?, ?, 'static', ?, ?, ?, ?, ?, ?, ?)`},
		{&w.insMediaText, `INSERT INTO media_texts (media_id, lang, alt) VALUES (?, ?, ?)`},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("store: load catalogue: prepare: %w", err)
		}
		*p.dst = st
	}
	return w, nil
}

func (w *catalogueWriter) close() {
	for _, st := range []*sql.Stmt{w.insModel, w.insModelText, w.insTrim, w.insTrimText, w.insSpec, w.insSpecText, w.insMedia, w.insMediaText} {
		if st != nil {
			st.Close()
		}
	}
}

// writeSpecCatalogue makes sure the specification groups and items exist, with
// their names, and remembers their ids. Rows already there are kept.
func (w *catalogueWriter) writeSpecCatalogue(groups []specGroupDef) error {
	for gi, g := range groups {
		if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO spec_groups (code, sort_order) VALUES (?, ?) ON CONFLICT (code) DO NOTHING`, g.code, (gi+1)*10); err != nil {
			return fmt.Errorf("store: spec group %q: %w", g.code, err)
		}
		var gid int64
		if err := w.tx.QueryRowContext(w.ctx, `SELECT id FROM spec_groups WHERE code = ?`, g.code).Scan(&gid); err != nil {
			return fmt.Errorf("store: spec group %q: %w", g.code, err)
		}
		if err := w.writeDefTexts(`INSERT INTO spec_group_texts (group_id, lang, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, gid, g.name); err != nil {
			return fmt.Errorf("store: spec group %q: %w", g.code, err)
		}
		for ii, it := range g.items {
			if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO spec_items (group_id, code, kind, unit, decimals, sort_order) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
				gid, it.code, it.kind, it.unit, it.decimals, (ii+1)*10); err != nil {
				return fmt.Errorf("store: spec item %q: %w", it.code, err)
			}
			var ref specItemRef
			if err := w.tx.QueryRowContext(w.ctx, `SELECT id, kind FROM spec_items WHERE code = ?`, it.code).Scan(&ref.id, &ref.kind); err != nil {
				return fmt.Errorf("store: spec item %q: %w", it.code, err)
			}
			if ref.kind != it.kind {
				return fmt.Errorf("store: spec item %q is a %s, not a %s", it.code, ref.kind, it.kind)
			}
			if err := w.writeDefTexts(`INSERT INTO spec_item_texts (item_id, lang, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, ref.id, it.name); err != nil {
				return fmt.Errorf("store: spec item %q: %w", it.code, err)
			}
			w.items[it.code] = ref
			w.order = append(w.order, it.code)
		}
	}
	return nil
}

// writeDefTexts inserts (id, lang, text) for every language with an unprepared
// statement; the spec catalogue is small.
func (w *catalogueWriter) writeDefTexts(query string, id int64, t l10n) error {
	for i, lang := range Langs {
		if t[i] == "" {
			return fmt.Errorf("no %s text", lang)
		}
		if _, err := w.tx.ExecContext(w.ctx, query, id, lang, t[i]); err != nil {
			return err
		}
	}
	return nil
}

// stmtTexts runs st with (keys…, lang, columns…) for every language; each
// l10n gives one column.
func stmtTexts(ctx context.Context, st *sql.Stmt, keys []any, cols ...l10n) error {
	for i, lang := range Langs {
		args := append(append([]any{}, keys...), lang)
		for _, c := range cols {
			if c[i] == "" {
				return fmt.Errorf("no %s text", lang)
			}
			args = append(args, c[i])
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func (w *catalogueWriter) writeModel(m *catalogueModel) error {
	res, err := w.insModel.ExecContext(w.ctx, m.slug, m.body, m.seats, m.year, m.sort, m.publishedAt)
	if err != nil {
		return fmt.Errorf("store: model %q: %w", m.slug, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: model %q: %w", m.slug, err)
	}
	if err := stmtTexts(w.ctx, w.insModelText, []any{id}, m.name, m.tagline, m.description); err != nil {
		return fmt.Errorf("store: model %q texts: %w", m.slug, err)
	}
	for i := range m.trims {
		if err := w.writeTrim(id, i, m, &m.trims[i]); err != nil {
			return err
		}
	}
	for i, md := range m.media {
		var lang any
		if md.lang != "" {
			lang = md.lang
		}
		res, err := w.insMedia.ExecContext(w.ctx, id, md.kind, md.file, md.mime, md.width, md.height, md.bytes, lang, i)
		if err != nil {
			return fmt.Errorf("store: model %q media %q: %w", m.slug, md.file, err)
		}
		mid, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: model %q media %q: %w", m.slug, md.file, err)
		}
		if err := stmtTexts(w.ctx, w.insMediaText, []any{mid}, md.alt); err != nil {
			return fmt.Errorf("store: model %q media %q texts: %w", m.slug, md.file, err)
		}
	}
	return nil
}

func (w *catalogueWriter) writeTrim(modelID int64, sort int, m *catalogueModel, t *catalogueTrim) error {
	res, err := w.insTrim.ExecContext(w.ctx, modelID, t.slug, t.fuel, t.transmission, t.drive, t.engineCC, t.powerHP, t.priceMinor, sort)
	if err != nil {
		return fmt.Errorf("store: trim %s/%s: %w", m.slug, t.slug, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: trim %s/%s: %w", m.slug, t.slug, err)
	}
	if err := stmtTexts(w.ctx, w.insTrimText, []any{id}, t.name); err != nil {
		return fmt.Errorf("store: trim %s/%s texts: %w", m.slug, t.slug, err)
	}
	for _, set := range []specSet{m.specs, t.specs} {
		for code := range set {
			if _, ok := w.items[code]; !ok {
				return fmt.Errorf("store: trim %s/%s: unknown spec item %q", m.slug, t.slug, code)
			}
		}
	}
	for _, code := range w.order {
		v, ok := t.specs[code]
		if !ok {
			v, ok = m.specs[code]
		}
		if !ok {
			continue
		}
		if err := w.writeSpec(id, code, v); err != nil {
			return fmt.Errorf("store: trim %s/%s: %w", m.slug, t.slug, err)
		}
	}
	return nil
}

func (w *catalogueWriter) writeSpec(trimID int64, code string, v any) error {
	ref := w.items[code]
	var num, flag any
	var text l10n
	switch x := v.(type) {
	case int:
		num = float64(x)
	case float64:
		num = x
	case bool:
		flag = 0
		if x {
			flag = 1
		}
	case l10n:
		text = x
	default:
		return fmt.Errorf("spec %q: value of type %T", code, v)
	}
	kind := "text"
	switch {
	case num != nil:
		kind = "number"
	case flag != nil:
		kind = "bool"
	}
	if kind != ref.kind {
		return fmt.Errorf("spec %q is a %s; got %v", code, ref.kind, v)
	}
	if _, err := w.insSpec.ExecContext(w.ctx, trimID, ref.id, num, flag); err != nil {
		return fmt.Errorf("spec %q: %w", code, err)
	}
	if ref.kind == "text" {
		if err := stmtTexts(w.ctx, w.insSpecText, []any{trimID, ref.id}, text); err != nil {
			return fmt.Errorf("spec %q texts: %w", code, err)
		}
	}
	return nil
}

// specCatalogue is the specification groups and items of the demo and
// generated catalogues, in display order.
func specCatalogue() []specGroupDef {
	num := func(code, unit string, decimals int, name l10n) specItemDef {
		return specItemDef{code: code, kind: "number", unit: unit, decimals: decimals, name: name}
	}
	flag := func(code string, name l10n) specItemDef {
		return specItemDef{code: code, kind: "bool", name: name}
	}
	text := func(code string, name l10n) specItemDef {
		return specItemDef{code: code, kind: "text", name: name}
	}
	return []specGroupDef{
		{code: "engine", name: l10n{"Двигатель и динамика", "Engine and performance", "موتور و عملکرد"}, items: []specItemDef{
			text("engine", l10n{"Двигатель", "Engine", "موتور"}),
			num("displacement", "cc", 0, l10n{"Рабочий объём", "Displacement", "حجم موتور"}),
			num("power", "hp", 0, l10n{"Мощность", "Power", "قدرت"}),
			num("torque", "nm", 0, l10n{"Крутящий момент", "Torque", "گشتاور"}),
			text("gearbox", l10n{"Коробка передач", "Gearbox", "گیربکس"}),
			num("top_speed", "kmh", 0, l10n{"Максимальная скорость", "Top speed", "حداکثر سرعت"}),
			num("acceleration", "s", 1, l10n{"Разгон 0–100 км/ч", "Acceleration 0–100 km/h", "شتاب ۰ تا ۱۰۰ کیلومتر بر ساعت"}),
			num("fuel_consumption", "l100km", 1, l10n{"Расход топлива, смешанный цикл", "Fuel consumption, combined", "مصرف سوخت ترکیبی"}),
			text("front_suspension", l10n{"Передняя подвеска", "Front suspension", "سیستم تعلیق جلو"}),
			text("rear_suspension", l10n{"Задняя подвеска", "Rear suspension", "سیستم تعلیق عقب"}),
		}},
		{code: "dimensions", name: l10n{"Размеры и масса", "Dimensions and weights", "ابعاد و وزن"}, items: []specItemDef{
			num("length", "mm", 0, l10n{"Длина", "Length", "طول"}),
			num("width", "mm", 0, l10n{"Ширина", "Width", "عرض"}),
			num("height", "mm", 0, l10n{"Высота", "Height", "ارتفاع"}),
			num("wheelbase", "mm", 0, l10n{"Колёсная база", "Wheelbase", "فاصلهٔ دو محور"}),
			num("ground_clearance", "mm", 0, l10n{"Дорожный просвет", "Ground clearance", "فاصله از زمین"}),
			num("curb_weight", "kg", 0, l10n{"Снаряжённая масса", "Kerb weight", "وزن خالی"}),
			num("boot_volume", "l", 0, l10n{"Объём багажника", "Boot capacity", "حجم صندوق عقب"}),
			num("fuel_tank", "l", 0, l10n{"Объём топливного бака", "Fuel tank", "حجم باک"}),
		}},
		{code: "equipment", name: l10n{"Оснащение", "Equipment", "تجهیزات"}, items: []specItemDef{
			flag("air_conditioning", l10n{"Кондиционер", "Air conditioning", "کولر"}),
			flag("climate_control", l10n{"Климат-контроль", "Climate control", "کولر اتوماتیک (کلایمت کنترل)"}),
			flag("cruise_control", l10n{"Круиз-контроль", "Cruise control", "کروز کنترل"}),
			flag("multimedia_screen", l10n{"Мультимедиа с сенсорным экраном", "Touchscreen multimedia", "سیستم چندرسانه\u200cای لمسی"}),
			flag("rear_camera", l10n{"Камера заднего вида", "Rear-view camera", "دوربین دنده\u200cعقب"}),
			flag("keyless_entry", l10n{"Бесключевой доступ", "Keyless entry", "ورود بدون کلید"}),
			flag("alloy_wheels", l10n{"Легкосплавные диски", "Alloy wheels", "رینگ آلومینیومی"}),
			flag("sunroof", l10n{"Люк в крыше", "Sunroof", "سانروف"}),
		}},
		{code: "safety", name: l10n{"Безопасность", "Safety", "ایمنی"}, items: []specItemDef{
			num("airbags", "pcs", 0, l10n{"Подушки безопасности", "Airbags", "کیسهٔ هوا"}),
			flag("abs", l10n{"Антиблокировочная система (ABS)", "Anti-lock brakes (ABS)", "ترمز ضدقفل (ABS)"}),
			flag("esp", l10n{"Система стабилизации (ESP)", "Stability control (ESP)", "کنترل پایداری (ESP)"}),
			flag("hill_start_assist", l10n{"Помощь при трогании на подъёме", "Hill start assist", "دستیار شروع حرکت در سربالایی"}),
			flag("isofix", l10n{"Крепления ISOFIX", "ISOFIX child seat anchors", "اتصال صندلی کودک ISOFIX"}),
		}},
	}
}

// Helpers that build spec sets, so the data below reads as a table.

func mergeSpecs(sets ...specSet) specSet {
	out := specSet{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

func specsBody(length, width, height, wheelbase, clearance, weight, boot, tank int) specSet {
	return specSet{"length": length, "width": width, "height": height, "wheelbase": wheelbase,
		"ground_clearance": clearance, "curb_weight": weight, "boot_volume": boot, "fuel_tank": tank}
}

func specsEngine(engine l10n, cc, hp, nm int, gearbox l10n, topSpeed int, accel, consumption float64) specSet {
	return specSet{"engine": engine, "displacement": cc, "power": hp, "torque": nm, "gearbox": gearbox,
		"top_speed": topSpeed, "acceleration": accel, "fuel_consumption": consumption}
}

// specsEquipment sets the airbag count and every yes/no item: those named are
// fitted, the rest are not.
func specsEquipment(airbags int, fitted ...string) specSet {
	out := specSet{"airbags": airbags}
	for _, g := range specCatalogue() {
		for _, it := range g.items {
			if it.kind == "bool" {
				out[it.code] = false
			}
		}
	}
	for _, code := range fitted {
		out[code] = true
	}
	return out
}

func specsSuspension(front, rear l10n) specSet {
	return specSet{"front_suspension": front, "rear_suspension": rear}
}

// drawing is one of a model's drawings, img/models/<file>-<view>.svg, with
// alt texts naming the model and the view.
func drawing(file, view string, name l10n) catalogueMedia {
	vn := map[string]l10n{
		"side":  {"вид сбоку", "side view", "نمای جانبی"},
		"front": {"вид спереди", "front view", "نمای جلو"},
		"rear":  {"вид сзади", "rear view", "نمای عقب"},
	}[view]
	return catalogueMedia{
		kind: "photo", file: "img/models/" + file + "-" + view + ".svg", mime: "image/svg+xml", width: 1200, height: 675,
		alt: l10n{
			name[0] + ", " + vn[0] + " (иллюстрация)",
			name[1] + ", " + vn[1] + " (illustration)",
			name[2] + "، " + vn[2] + " (تصویرسازی)",
		},
	}
}

// drawings is a model's drawings in the views given, first shown first.
func drawings(slug string, name l10n, views ...string) []catalogueMedia {
	out := make([]catalogueMedia, 0, len(views)+1)
	for _, v := range views {
		out = append(out, drawing(slug, v, name))
	}
	return out
}

// brochureEN is a model's English PDF brochure of the given size in bytes.
func brochureEN(slug string, name l10n, bytes int64) catalogueMedia {
	return catalogueMedia{
		kind: "brochure", file: "brochures/" + slug + "-en.pdf", mime: "application/pdf", bytes: bytes, lang: "en",
		alt: l10n{
			"Брошюра " + name[0] + " (PDF, на английском языке)",
			name[1] + " brochure (PDF, in English)",
			"بروشور " + name[2] + " (PDF، به زبان انگلیسی)",
		},
	}
}

var (
	engEF7   = l10n{"EF7, 4 цилиндра, 16 клапанов", "EF7, 4 cylinders, 16 valves", "EF7، چهار سیلندر، ۱۶ سوپاپ"}
	engEF7TC = l10n{"EF7 TC, 4 цилиндра, турбонаддув", "EF7 TC, 4 cylinders, turbocharged", "EF7 TC، چهار سیلندر، توربوشارژ"}
	engEF7G  = l10n{"EF7 CNG, 4 цилиндра, бензин и газ", "EF7 CNG, 4 cylinders, petrol and CNG", "EF7 CNG، چهار سیلندر، دوگانه\u200cسوز بنزین و گاز"}
	engTU5P  = l10n{"TU5P, 4 цилиндра, 16 клапанов", "TU5P, 4 cylinders, 16 valves", "TU5P، چهار سیلندر، ۱۶ سوپاپ"}
	engTU5   = l10n{"TU5, 4 цилиндра, 16 клапанов", "TU5, 4 cylinders, 16 valves", "TU5، چهار سیلندر، ۱۶ سوپاپ"}

	gearMT5 = l10n{"Механическая, 5 передач", "5-speed manual", "دستی ۵ سرعته"}
	gearMT6 = l10n{"Механическая, 6 передач", "6-speed manual", "دستی ۶ سرعته"}
	gearAT6 = l10n{"Автоматическая, 6 передач", "6-speed automatic", "اتوماتیک ۶ سرعته"}
	gearCVT = l10n{"Вариатор (CVT)", "Continuously variable (CVT)", "پیوسته متغیر (CVT)"}

	suspMacPherson = l10n{"Независимая, McPherson", "Independent, MacPherson strut", "مستقل، مک\u200cفرسون"}
	suspTorsion    = l10n{"Полузависимая, торсионная балка", "Semi-independent, torsion beam", "نیمه\u200cمستقل، اکسل پیچشی"}
	suspMultiLink  = l10n{"Независимая, многорычажная", "Independent, multi-link", "مستقل، چنداتصالی"}
	suspTrailing   = l10n{"Независимая, продольные рычаги", "Independent, trailing arms", "مستقل، بازوی طولی"}
)

// demoModels is the demonstration catalogue. Figures are plausible but
// illustrative, and the descriptions say so.
func demoModels() []catalogueModel {
	rira := l10n{"Rira", "Rira", "ریرا"}
	tara := l10n{"Tara", "Tara", "تارا"}
	dena := l10n{"Dena Plus", "Dena Plus", "دنا پلاس"}
	soren := l10n{"Soren Plus", "Soren Plus", "سورن پلاس"}
	runna := l10n{"Runna Plus", "Runna Plus", "رانا پلاس"}
	samand := l10n{"Samand", "Samand", "سمند"}
	return []catalogueModel{
		{
			slug: "rira", body: "crossover", seats: 5, year: 2026, sort: 10, publishedAt: "2026-10-14T09:00:00Z",
			name:    rira,
			tagline: l10n{"Новый городской кроссовер Iran Khodro", "Iran Khodro's new urban crossover", "کراس\u200cاوور شهری جدید ایران خودرو"},
			description: l10n{
				"Rira — самая новая модель экспортной линейки: кроссовер с турбомотором 1,65 л, высоким дорожным просветом и просторным салоном на пять мест. Характеристики, комплектации и цены на этой странице приведены для демонстрации и не являются официальными.",
				"Rira is the newest model in the export range: a crossover with a 1.65-litre turbo engine, generous ground clearance and a roomy five-seat cabin. The specifications, trims and prices on this page are illustrative and not official.",
				"ریرا تازه\u200cترین خودروی سبد صادراتی است: کراس\u200cاووری با موتور توربوی ۱٫۶۵ لیتری، فاصلهٔ مناسب از زمین و کابینی جادار برای پنج سرنشین. مشخصات، تیپ\u200cها و قیمت\u200cهای این صفحه فقط برای نمایش\u200cاند و رسمی نیستند.",
			},
			specs: mergeSpecs(specsBody(4500, 1840, 1680, 2700, 190, 1450, 480, 55), specsSuspension(suspMacPherson, suspMultiLink)),
			trims: []catalogueTrim{
				{slug: "comfort", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 150, priceMinor: 269000000,
					name: l10n{"Комфорт", "Comfort", "کامفورت"},
					specs: mergeSpecs(specsEngine(engEF7TC, 1645, 150, 215, gearMT6, 195, 9.8, 7.4), specSet{"curb_weight": 1430},
						specsEquipment(4, "air_conditioning", "multimedia_screen", "alloy_wheels", "abs", "esp", "hill_start_assist", "isofix"))},
				{slug: "elite", fuel: "petrol", transmission: "cvt", drive: "fwd", engineCC: 1645, powerHP: 150, priceMinor: 294000000,
					name: l10n{"Элит", "Elite", "الیت"},
					specs: mergeSpecs(specsEngine(engEF7TC, 1645, 150, 215, gearCVT, 190, 10.6, 7.6), specSet{"curb_weight": 1460},
						specsEquipment(6, "air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "keyless_entry", "alloy_wheels",
							"abs", "esp", "hill_start_assist", "isofix"))},
				{slug: "premium", fuel: "petrol", transmission: "cvt", drive: "fwd", engineCC: 1645, powerHP: 150, priceMinor: 319000000,
					name: l10n{"Премиум", "Premium", "پریمیوم"},
					specs: mergeSpecs(specsEngine(engEF7TC, 1645, 150, 215, gearCVT, 190, 10.6, 7.7), specSet{"curb_weight": 1475},
						specsEquipment(6, "air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "keyless_entry", "alloy_wheels", "sunroof",
							"abs", "esp", "hill_start_assist", "isofix"))},
			},
			media: append(drawings("rira", rira, "side", "front", "rear"), brochureEN("rira", rira, 1818)),
		},
		{
			slug: "tara", body: "sedan", seats: 5, year: 2025, sort: 20, publishedAt: "2026-08-18T09:00:00Z",
			name:    tara,
			tagline: l10n{"Современный седан на каждый день", "A modern everyday sedan", "سدانی مدرن برای هر روز"},
			description: l10n{
				"Tara — компактный седан с двигателем TU5P 1,6 л и выбором между механической и шестиступенчатой автоматической коробкой. Он одинаково уместен в городе и на трассе. Все цифры демонстрационные и не являются официальными данными производителя.",
				"Tara is a compact sedan with a 1.6-litre TU5P engine and a choice of a manual or a six-speed automatic gearbox. It is as much at home in town as on the motorway. All figures are for demonstration only and are not official manufacturer data.",
				"تارا سدانی جمع\u200cوجور با موتور ۱٫۶ لیتری TU5P است که با گیربکس دستی یا اتوماتیک شش\u200cسرعته عرضه می\u200cشود. این خودرو هم در شهر و هم در جاده\u200cهای بین\u200cشهری کارآمد است. همهٔ ارقام نمایشی\u200cاند و داده\u200cهای رسمی سازنده نیستند.",
			},
			specs: mergeSpecs(specsBody(4420, 1750, 1480, 2650, 165, 1190, 500, 50), specsSuspension(suspMacPherson, suspTorsion)),
			trims: []catalogueTrim{
				{slug: "v1", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1587, powerHP: 113, priceMinor: 179000000,
					name: l10n{"V1, механика", "V1 manual", "V1 دستی"},
					specs: mergeSpecs(specsEngine(engTU5P, 1587, 113, 150, gearMT5, 185, 11.8, 7.0),
						specsEquipment(2, "air_conditioning", "abs", "isofix"))},
				{slug: "v2", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1587, powerHP: 113, priceMinor: 192000000,
					name: l10n{"V2, механика", "V2 manual", "V2 دستی"},
					specs: mergeSpecs(specsEngine(engTU5P, 1587, 113, 150, gearMT5, 185, 11.8, 7.0), specSet{"curb_weight": 1205},
						specsEquipment(2, "air_conditioning", "multimedia_screen", "rear_camera", "alloy_wheels", "abs", "esp", "isofix"))},
				{slug: "v4", fuel: "petrol", transmission: "automatic", drive: "fwd", engineCC: 1587, powerHP: 113, priceMinor: 224000000,
					name: l10n{"V4, автомат", "V4 automatic", "V4 اتوماتیک"},
					specs: mergeSpecs(specsEngine(engTU5P, 1587, 113, 150, gearAT6, 180, 12.9, 7.8), specSet{"curb_weight": 1245},
						specsEquipment(4, "air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "alloy_wheels",
							"abs", "esp", "hill_start_assist", "isofix"))},
			},
			media: append(drawings("tara", tara, "side", "front"), brochureEN("tara", tara, 1720)),
		},
		{
			slug: "dena-plus", body: "sedan", seats: 5, year: 2025, sort: 30, publishedAt: "2026-06-09T09:00:00Z",
			name:    dena,
			tagline: l10n{"Просторный седан с турбомотором", "A spacious sedan with a turbo engine", "سدانی جادار با موتور توربو"},
			description: l10n{
				"Dena Plus — самый большой седан линейки с двигателями IKCO семейства EF7, включая турбоверсию мощностью 150 л. с. Большой багажник и просторный задний ряд делают его удобным для семьи и таксопарка. Сведения носят иллюстративный характер и официальными не являются.",
				"Dena Plus is the largest sedan in the range, powered by IKCO's own EF7 engine family, including a 150 hp turbocharged version. A large boot and a roomy rear seat make it practical for families and taxi fleets. The information is illustrative and not official.",
				"دنا پلاس بزرگ\u200cترین سدان این مجموعه است و با موتورهای خانوادهٔ EF7 ساخت ایران خودرو، از جمله نسخهٔ توربو با ۱۵۰ اسب بخار، عرضه می\u200cشود. صندوق عقب بزرگ و ردیف عقب جادار آن را برای خانواده\u200cها و ناوگان تاکسی مناسب می\u200cکند. این اطلاعات جنبهٔ نمایشی دارد و رسمی نیست.",
			},
			specs: mergeSpecs(specsBody(4665, 1730, 1470, 2670, 160, 1290, 500, 55), specsSuspension(suspMacPherson, suspTrailing)),
			trims: []catalogueTrim{
				{slug: "base", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 113, priceMinor: 169000000,
					name: l10n{"Базовая", "Base", "پایه"},
					specs: mergeSpecs(specsEngine(engEF7, 1645, 113, 155, gearMT5, 180, 12.5, 7.9),
						specsEquipment(2, "air_conditioning", "abs", "isofix"))},
				{slug: "turbo", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 150, priceMinor: 198000000,
					name: l10n{"Турбо", "Turbo", "توربو"},
					specs: mergeSpecs(specsEngine(engEF7TC, 1645, 150, 215, gearMT6, 200, 9.5, 7.8), specSet{"curb_weight": 1330},
						specsEquipment(4, "air_conditioning", "climate_control", "multimedia_screen", "rear_camera", "alloy_wheels", "abs", "esp", "isofix"))},
				{slug: "turbo-at", fuel: "petrol", transmission: "automatic", drive: "fwd", engineCC: 1645, powerHP: 150, priceMinor: 219000000,
					name: l10n{"Турбо, автомат", "Turbo automatic", "توربو اتوماتیک"},
					specs: mergeSpecs(specsEngine(engEF7TC, 1645, 150, 215, gearAT6, 195, 10.4, 8.3), specSet{"curb_weight": 1365},
						specsEquipment(4, "air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "keyless_entry", "alloy_wheels", "sunroof",
							"abs", "esp", "hill_start_assist", "isofix"))},
			},
			media: append(drawings("dena-plus", dena, "side", "front"), brochureEN("dena-plus", dena, 1769)),
		},
		{
			slug: "soren-plus", body: "sedan", seats: 5, year: 2025, sort: 40, publishedAt: "2026-04-21T09:00:00Z",
			name:    soren,
			tagline: l10n{"Экономичный седан, в том числе на газе", "An economical sedan, also on natural gas", "سدانی کم\u200cمصرف، با نسخهٔ دوگانه\u200cسوز"},
			description: l10n{
				"Soren Plus — практичный седан с атмосферным двигателем EF7 1,65 л; двухтопливная версия работает на бензине и компримированном природном газе. Это доступный вариант для такси и корпоративных автопарков. Данные демонстрационные и не являются официальными.",
				"Soren Plus is a practical sedan with a naturally aspirated 1.65-litre EF7 engine; the bi-fuel version runs on petrol and compressed natural gas. It is an affordable choice for taxi and corporate fleets. The data shown is for demonstration and is not official.",
				"سورن پلاس سدانی کاربردی با موتور تنفس طبیعی EF7 با حجم ۱٫۶۵ لیتر است؛ نسخهٔ دوگانه\u200cسوز آن با بنزین و گاز طبیعی فشرده (CNG) کار می\u200cکند. این خودرو گزینه\u200cای مقرون\u200cبه\u200cصرفه برای تاکسی\u200cها و ناوگان سازمانی است. داده\u200cها نمایشی\u200cاند و رسمی نیستند.",
			},
			specs: mergeSpecs(specsBody(4590, 1720, 1460, 2670, 165, 1265, 480, 60), specsSuspension(suspMacPherson, suspTrailing)),
			trims: []catalogueTrim{
				{slug: "petrol", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 113, priceMinor: 149000000,
					name: l10n{"Бензин", "Petrol", "بنزینی"},
					specs: mergeSpecs(specsEngine(engEF7, 1645, 113, 155, gearMT5, 180, 12.2, 7.6),
						specsEquipment(2, "air_conditioning", "multimedia_screen", "abs", "isofix"))},
				{slug: "bifuel", fuel: "bifuel", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 110, priceMinor: 156000000,
					name: l10n{"Бензин и газ", "Bi-fuel CNG", "دوگانه\u200cسوز"},
					// the gas cylinder sits in the boot and adds weight
					specs: mergeSpecs(specsEngine(engEF7G, 1645, 110, 150, gearMT5, 175, 12.8, 7.8), specSet{"curb_weight": 1340, "boot_volume": 380},
						specsEquipment(2, "air_conditioning", "multimedia_screen", "abs", "isofix"))},
			},
			media: drawings("soren-plus", soren, "side", "front"),
		},
		{
			slug: "runna-plus", body: "hatchback", seats: 5, year: 2025, sort: 50, publishedAt: "2026-03-10T09:00:00Z",
			name:    runna,
			tagline: l10n{"Компактный хэтчбек для города", "A compact hatchback for the city", "هاچ\u200cبکی جمع\u200cوجور برای شهر"},
			description: l10n{
				"Runna Plus — компактный хэтчбек с двигателем TU5 1,6 л, лёгким управлением и невысоким расходом топлива. Короткий кузов упрощает парковку, а складной задний диван увеличивает багажник. Характеристики и цены приведены для примера и не являются официальными.",
				"Runna Plus is a compact hatchback with a 1.6-litre TU5 engine, light steering and low fuel consumption. Its short body makes parking easy, and the folding rear seat enlarges the boot. Specifications and prices are examples only and are not official.",
				"رانا پلاس هاچ\u200cبکی جمع\u200cوجور با موتور ۱٫۶ لیتری TU5، فرمانی سبک و مصرف سوخت پایین است. بدنهٔ کوتاه پارک کردن را آسان می\u200cکند و صندلی عقب تاشو فضای صندوق را بیشتر می\u200cکند. مشخصات و قیمت\u200cها فقط نمونه\u200cاند و رسمی نیستند.",
			},
			specs: mergeSpecs(specsBody(4050, 1700, 1490, 2460, 165, 1110, 310, 50), specsSuspension(suspMacPherson, suspTorsion)),
			trims: []catalogueTrim{
				{slug: "standard", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1587, powerHP: 110, priceMinor: 129000000,
					name: l10n{"Стандарт", "Standard", "استاندارد"},
					specs: mergeSpecs(specsEngine(engTU5, 1587, 110, 142, gearMT5, 180, 11.5, 6.8),
						specsEquipment(2, "air_conditioning", "abs", "isofix"))},
				{slug: "comfort-at", fuel: "petrol", transmission: "automatic", drive: "fwd", engineCC: 1587, powerHP: 110, priceMinor: 154000000,
					name: l10n{"Комфорт, автомат", "Comfort automatic", "کامفورت اتوماتیک"},
					specs: mergeSpecs(specsEngine(engTU5, 1587, 110, 142, gearAT6, 175, 12.6, 7.5), specSet{"curb_weight": 1150},
						specsEquipment(2, "air_conditioning", "multimedia_screen", "rear_camera", "alloy_wheels", "abs", "esp", "isofix"))},
			},
			media: drawings("runna-plus", runna, "side", "front"),
		},
		{
			slug: "samand", body: "sedan", seats: 5, year: 2025, sort: 60, publishedAt: "2026-01-20T09:00:00Z",
			name:    samand,
			tagline: l10n{"Седан, знакомый российскому рынку", "The sedan Russia already knows", "سدانی آشنا برای بازار روسیه"},
			description: l10n{
				"Samand — «национальный автомобиль» Ирана, который поставлялся в Россию в 2007–2009 годах. Нынешняя версия получила двигатель EF7 1,65 л и двухтопливную модификацию «бензин и газ». Цифры приведены для демонстрации и не являются официальными.",
				"Samand, Iran's \"national car\", was delivered to Russia in 2007–2009. The current version has the 1.65-litre EF7 engine and a bi-fuel petrol and CNG option. The figures are for demonstration and are not official.",
				"سمند، «خودروی ملی» ایران، در سال\u200cهای ۲۰۰۷ تا ۲۰۰۹ به روسیه صادر شد. نسخهٔ کنونی با موتور ۱٫۶۵ لیتری EF7 و نسخهٔ دوگانه\u200cسوز بنزین و گاز عرضه می\u200cشود. ارقام نمایشی\u200cاند و رسمی نیستند.",
			},
			specs: mergeSpecs(specsBody(4515, 1720, 1460, 2670, 165, 1230, 500, 60), specsSuspension(suspMacPherson, suspTrailing)),
			trims: []catalogueTrim{
				{slug: "lx", fuel: "petrol", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 113, priceMinor: 135000000,
					name: l10n{"LX", "LX", "LX"},
					specs: mergeSpecs(specsEngine(engEF7, 1645, 113, 155, gearMT5, 180, 12.8, 7.8),
						specsEquipment(2, "air_conditioning", "abs", "isofix"))},
				{slug: "lx-bifuel", fuel: "bifuel", transmission: "manual", drive: "fwd", engineCC: 1645, powerHP: 110, priceMinor: 142000000,
					name: l10n{"LX, бензин и газ", "LX bi-fuel", "LX دوگانه\u200cسوز"},
					specs: mergeSpecs(specsEngine(engEF7G, 1645, 110, 150, gearMT5, 175, 13.5, 8.0), specSet{"curb_weight": 1310, "boot_volume": 400},
						specsEquipment(2, "air_conditioning", "abs", "isofix"))},
			},
			media: append(drawings("samand", samand, "side", "front"), brochureEN("samand", samand, 1641)),
		},
	}
}

// generatedModels builds n synthetic models with trims each, varied
// deterministically, drawn with the demo pictures of their body type.
func generatedModels(n, trims int) []catalogueModel {
	bodies := []struct{ body, photo string }{
		{"sedan", "tara"}, {"hatchback", "runna-plus"}, {"crossover", "rira"},
	}
	type variant struct {
		fuel, transmission string
		engine, gearbox    l10n
		cc, hp, nm         int
	}
	variants := []variant{
		{"petrol", "manual", engEF7, gearMT5, 1645, 113, 155},
		{"petrol", "automatic", engTU5P, gearAT6, 1587, 113, 150},
		{"petrol", "cvt", engEF7TC, gearCVT, 1645, 150, 215},
		{"bifuel", "manual", engEF7G, gearMT5, 1645, 110, 150},
		{"petrol", "manual", engEF7TC, gearMT6, 1645, 150, 215},
	}
	fitted := [][]string{
		{"air_conditioning", "abs", "isofix"},
		{"air_conditioning", "multimedia_screen", "rear_camera", "abs", "esp", "isofix"},
		{"air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "alloy_wheels", "abs", "esp", "hill_start_assist", "isofix"},
		{"air_conditioning", "climate_control", "cruise_control", "multimedia_screen", "rear_camera", "keyless_entry", "alloy_wheels", "sunroof", "abs", "esp", "hill_start_assist", "isofix"},
	}
	out := make([]catalogueModel, 0, n)
	for i := 1; i <= n; i++ {
		b := bodies[i%len(bodies)]
		num := fmt.Sprintf("%04d", i)
		name := l10n{"Модель " + num, "Model " + num, "مدل " + persianDigits(num)}
		m := catalogueModel{
			slug: "model-" + num, body: b.body, seats: 5, year: 2025 + i%2, sort: i,
			publishedAt: fmt.Sprintf("2026-%02d-%02dT%02d:00:00Z", 1+i%10, 1+i%28, 8+i%10),
			name:        name,
			tagline:     l10n{"Синтетическая модель для нагрузочных тестов", "A synthetic model for load tests", "خودروی ساختگی برای آزمون بار"},
			description: l10n{
				"Сгенерированная запись каталога для проверки производительности. Данные вымышлены и не являются официальными.",
				"A generated catalogue entry for performance checks. The data is fictitious and not official.",
				"رکورد ساختگی کاتالوگ برای سنجش کارایی. این داده\u200cها خیالی\u200cاند و رسمی نیستند.",
			},
			specs: mergeSpecs(specsBody(4000+i%700, 1700+i%150, 1450+i%250, 2450+i%300, 150+i%50, 1100+i%400, 300+i%250, 45+i%20),
				specsSuspension(suspMacPherson, suspTorsion)),
			media: drawings(b.photo, name, "side")[:1],
		}
		// the drawing belongs to another model; name the synthetic one
		m.media[0].alt = l10n{name[0] + " (иллюстрация)", name[1] + " (illustration)", name[2] + " (تصویرسازی)"}
		for j := 0; j < trims; j++ {
			v := variants[(i+j)%len(variants)]
			tn := fmt.Sprint(j + 1)
			hp := v.hp + (i*7+j*3)%12
			m.trims = append(m.trims, catalogueTrim{
				slug: "trim-" + tn, fuel: v.fuel, transmission: v.transmission, drive: "fwd",
				engineCC: v.cc, powerHP: hp, priceMinor: int64(120000000 + (i%90)*1500000 + j*12500000),
				name: l10n{"Комплектация " + tn, "Trim " + tn, "تیپ " + persianDigits(tn)},
				specs: mergeSpecs(specsEngine(v.engine, v.cc, hp, v.nm, v.gearbox, 170+(hp-100)/2, 14.0-float64(hp-100)/10, 6.5+float64((i+j)%20)/10),
					specsEquipment(2+2*(j%3), fitted[j%len(fitted)]...)),
			})
		}
		out = append(out, m)
	}
	return out
}

// persianDigits writes the ASCII digits of s in Persian.
func persianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}
