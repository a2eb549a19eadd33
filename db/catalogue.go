package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Langs are the portal's languages, Russian first: the order in which a
// missing translation falls back.
var Langs = []string{"ru", "en", "fa"}

// Text is a translated text with the language it was found in: when the
// requested language is missing, Lang names the fallback used.
type Text struct {
	Value string
	Lang  string
}

// Money is an amount in integer minor units of a currency (kopecks for RUB).
type Money struct {
	Minor    int64
	Currency string
}

// Enumerations of the catalogue's closed value sets, in display order.
var (
	BodyTypes     = []string{"sedan", "hatchback", "crossover", "suv", "wagon", "van", "pickup"}
	Fuels         = []string{"petrol", "diesel", "cng", "bifuel", "hybrid", "electric"}
	Transmissions = []string{"manual", "automatic", "cvt", "dct"}
	ModelSorts    = []string{"featured", "price_asc", "price_desc", "power_desc", "name"}
)

// ModelFilter selects and orders published models for the catalogue list.
// Empty fields do not filter; Seats 0 does not filter.
type ModelFilter struct {
	Body         string
	Fuel         string
	Transmission string
	Seats        int
	Sort         string
	Page         int // 1-based
	PerPage      int
}

// ModelSummary is one model on the catalogue list.
type ModelSummary struct {
	ID            int64
	Slug          string
	Name          Text
	Tagline       Text
	BodyType      string
	Seats         int
	ModelYear     int
	Fuels         []string
	Transmissions []string
	EngineMinCC   int
	EngineMaxCC   int
	PowerMinHP    int
	PowerMaxHP    int
	PriceFrom     Money
	TrimCount     int
	Photo         *Media
}

// ModelList is a page of the catalogue list and the number of all matches.
type ModelList struct {
	Items []ModelSummary
	Total int
}

// Media is a photo or brochure file of a model.
type Media struct {
	ID     int64
	Kind   string
	Source string
	File   string
	Mime   string
	Width  int
	Height int
	Bytes  int64
	Lang   string
	Alt    Text
}

// Model is a published model with its trims, specifications and media.
type Model struct {
	ID          int64
	Slug        string
	Name        Text
	Tagline     Text
	Description Text
	BodyType    string
	Seats       int
	ModelYear   int
	PublishedAt string
	Trims       []Trim
	Specs       []SpecGroup
	Photos      []Media
	Brochures   []Media
}

// Trim is one trim level of a model.
type Trim struct {
	ID           int64
	ModelID      int64
	ModelSlug    string
	ModelName    Text
	Slug         string
	Name         Text
	Fuel         string
	Transmission string
	Drive        string
	EngineCC     int
	PowerHP      int
	Price        Money
}

// SpecGroup is a titled group of specification rows; each row holds one
// value per trim, in the order of the trims it was loaded for.
type SpecGroup struct {
	Code string
	Name Text
	Rows []SpecRow
}

// SpecRow is one specification item across trims.
type SpecRow struct {
	Code     string
	Name     Text
	Kind     string // number, bool or text
	Unit     string
	Decimals int
	Values   []SpecValue
}

// SpecValue is a trim's value of a specification item; Present is false
// when the trim has no value for it.
type SpecValue struct {
	Present bool
	Num     float64
	Flag    bool
	Text    Text
}

// Differs reports whether the row's values are not all the same.
func (r SpecRow) Differs() bool {
	for i := 1; i < len(r.Values); i++ {
		a, b := r.Values[0], r.Values[i]
		if a.Present != b.Present || a.Num != b.Num || a.Flag != b.Flag || a.Text.Value != b.Text.Value {
			return true
		}
	}
	return false
}

// texts holds translations loaded for several rows: key → lang → value.
type texts map[int64]map[string]string

// pick returns the text in lang, else in the fallback order.
func (t texts) pick(id int64, lang string) Text {
	byLang := t[id]
	if v, ok := byLang[lang]; ok && v != "" {
		return Text{Value: v, Lang: lang}
	}
	for _, l := range Langs {
		if v, ok := byLang[l]; ok && v != "" {
			return Text{Value: v, Lang: l}
		}
	}
	return Text{}
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// loadTexts reads column col of table (keyed by keyCol) for ids, in every
// language.
func (s *Store) loadTexts(ctx context.Context, table, keyCol, col string, ids []int64) (texts, error) {
	out := texts{}
	if len(ids) == 0 {
		return out, nil
	}
	q := fmt.Sprintf(`SELECT %s, lang, %s FROM %s WHERE %s IN (%s)`, keyCol, col, table, keyCol, placeholders(len(ids)))
	rows, err := s.db.Read.QueryContext(ctx, q, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("store: %s.%s: %w", table, col, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var lang, v string
		if err := rows.Scan(&id, &lang, &v); err != nil {
			return nil, fmt.Errorf("store: %s.%s: %w", table, col, err)
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][lang] = v
	}
	return out, rows.Err()
}

// ListModels returns one page of published models that have at least one
// published trim and match the filter.
func (s *Store) ListModels(ctx context.Context, lang string, f ModelFilter) (ModelList, error) {
	var where []string
	var args []any
	where = append(where, `m.status = 'published'`)
	if f.Body != "" {
		where = append(where, `m.body_type = ?`)
		args = append(args, f.Body)
	}
	if f.Seats > 0 {
		where = append(where, `m.seats = ?`)
		args = append(args, f.Seats)
	}
	trimCond := `t.model_id = m.id AND t.status = 'published'`
	if f.Fuel != "" {
		trimCond += ` AND t.fuel = ?`
		args = append(args, f.Fuel)
	}
	if f.Transmission != "" {
		trimCond += ` AND t.transmission = ?`
		args = append(args, f.Transmission)
	}
	where = append(where, `EXISTS (SELECT 1 FROM trims t WHERE `+trimCond+`)`)
	whereSQL := strings.Join(where, " AND ")

	var total int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM models m WHERE `+whereSQL, args...).Scan(&total); err != nil {
		return ModelList{}, fmt.Errorf("store: count models: %w", err)
	}
	if f.PerPage <= 0 {
		f.PerPage = 12
	}
	if f.Page < 1 {
		f.Page = 1
	}
	// First the page's model ids, ordered, then the figures of only those
	// models: aggregating every model's trims to show twelve would cost
	// the whole catalogue on every page.
	order := `m.sort_order, m.id`
	key := ``
	switch f.Sort {
	case "price_asc", "price_desc":
		key = `, (SELECT min(t.price_minor) FROM trims t WHERE t.model_id = m.id AND t.status = 'published') AS k`
		order = `k, m.id`
		if f.Sort == "price_desc" {
			order = `k DESC, m.id`
		}
	case "power_desc":
		key = `, (SELECT max(t.power_hp) FROM trims t WHERE t.model_id = m.id AND t.status = 'published') AS k`
		order = `k DESC, m.id`
	case "name":
		key = `, COALESCE((SELECT name FROM model_texts WHERE model_id = m.id AND lang = ?),
		         (SELECT name FROM model_texts WHERE model_id = m.id AND lang = 'ru'), m.slug) AS k`
		order = `k COLLATE NOCASE, m.id`
	}
	var qargs []any
	if f.Sort == "name" {
		qargs = append(qargs, lang)
	}
	qargs = append(qargs, args...)
	qargs = append(qargs, f.PerPage, (f.Page-1)*f.PerPage)
	idRows, err := s.db.Read.QueryContext(ctx, `SELECT m.id`+key+` FROM models m WHERE `+whereSQL+` ORDER BY `+order+` LIMIT ? OFFSET ?`, qargs...)
	if err != nil {
		return ModelList{}, fmt.Errorf("store: list models: %w", err)
	}
	var ids []int64
	for idRows.Next() {
		var id int64
		var k any
		dst := []any{&id}
		if key != "" {
			dst = append(dst, &k)
		}
		if err := idRows.Scan(dst...); err != nil {
			idRows.Close()
			return ModelList{}, fmt.Errorf("store: list models: %w", err)
		}
		ids = append(ids, id)
	}
	if err := idRows.Err(); err != nil {
		idRows.Close()
		return ModelList{}, fmt.Errorf("store: list models: %w", err)
	}
	idRows.Close()
	if len(ids) == 0 {
		return ModelList{Total: total}, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.id, m.slug, m.body_type, m.seats, m.model_year,
		min(t.price_minor), (SELECT t2.currency FROM trims t2 WHERE t2.model_id = m.id AND t2.status = 'published' ORDER BY t2.price_minor LIMIT 1),
		max(t.power_hp), min(t.power_hp), min(t.engine_cc), max(t.engine_cc), count(t.id),
		group_concat(DISTINCT t.fuel), group_concat(DISTINCT t.transmission)
	FROM models m JOIN trims t ON t.model_id = m.id AND t.status = 'published'
	WHERE m.id IN (`+placeholders(len(ids))+`)
	GROUP BY m.id`, int64Args(ids)...)
	if err != nil {
		return ModelList{}, fmt.Errorf("store: list models: %w", err)
	}
	defer rows.Close()
	byID := map[int64]ModelSummary{}
	for rows.Next() {
		var m ModelSummary
		var fuels, trans string
		if err := rows.Scan(&m.ID, &m.Slug, &m.BodyType, &m.Seats, &m.ModelYear,
			&m.PriceFrom.Minor, &m.PriceFrom.Currency, &m.PowerMaxHP,
			&m.PowerMinHP, &m.EngineMinCC, &m.EngineMaxCC, &m.TrimCount,
			&fuels, &trans); err != nil {
			return ModelList{}, fmt.Errorf("store: list models: %w", err)
		}
		m.Fuels = orderedSubset(Fuels, strings.Split(fuels, ","))
		m.Transmissions = orderedSubset(Transmissions, strings.Split(trans, ","))
		byID[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		return ModelList{}, fmt.Errorf("store: list models: %w", err)
	}
	rows.Close()
	items := make([]ModelSummary, 0, len(ids))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			items = append(items, m)
		}
	}
	names, err := s.loadTexts(ctx, "model_texts", "model_id", "name", ids)
	if err != nil {
		return ModelList{}, err
	}
	taglines, err := s.loadTexts(ctx, "model_texts", "model_id", "tagline", ids)
	if err != nil {
		return ModelList{}, err
	}
	photos, err := s.firstPhotos(ctx, lang, ids)
	if err != nil {
		return ModelList{}, err
	}
	for i := range items {
		items[i].Name = names.pick(items[i].ID, lang)
		items[i].Tagline = taglines.pick(items[i].ID, lang)
		if p, ok := photos[items[i].ID]; ok {
			items[i].Photo = &p
		}
	}
	return ModelList{Items: items, Total: total}, nil
}

// orderedSubset returns the values of all that occur in got, in all's order.
func orderedSubset(all, got []string) []string {
	var out []string
	for _, a := range all {
		for _, g := range got {
			if a == g {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

const mediaCols = `id, model_id, kind, source, file, mime, width, height, bytes, COALESCE(lang, '')`

func scanMedia(rows *sql.Rows) (Media, int64, error) {
	var m Media
	var modelID int64
	err := rows.Scan(&m.ID, &modelID, &m.Kind, &m.Source, &m.File, &m.Mime, &m.Width, &m.Height, &m.Bytes, &m.Lang)
	return m, modelID, err
}

// firstPhotos returns each model's first photo.
func (s *Store) firstPhotos(ctx context.Context, lang string, modelIDs []int64) (map[int64]Media, error) {
	out := map[int64]Media{}
	if len(modelIDs) == 0 {
		return out, nil
	}
	q := `SELECT ` + mediaCols + ` FROM media m1 WHERE kind = 'photo' AND model_id IN (` + placeholders(len(modelIDs)) + `)
		AND id = (SELECT id FROM media m2 WHERE m2.model_id = m1.model_id AND m2.kind = 'photo' ORDER BY sort_order, id LIMIT 1)`
	rows, err := s.db.Read.QueryContext(ctx, q, int64Args(modelIDs)...)
	if err != nil {
		return nil, fmt.Errorf("store: first photos: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		m, modelID, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("store: first photos: %w", err)
		}
		out[modelID] = m
		ids = append(ids, m.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: first photos: %w", err)
	}
	rows.Close()
	alts, err := s.loadTexts(ctx, "media_texts", "media_id", "alt", ids)
	if err != nil {
		return nil, err
	}
	for k, m := range out {
		m.Alt = alts.pick(m.ID, lang)
		out[k] = m
	}
	return out, nil
}

// ModelBySlug returns a published model with its published trims, their
// specifications and the model's media. It returns ErrNotFound when no
// published model has that slug.
func (s *Store) ModelBySlug(ctx context.Context, lang, slug string) (Model, error) {
	var m Model
	err := s.db.Read.QueryRowContext(ctx, `SELECT id, slug, body_type, seats, model_year, COALESCE(published_at, '')
		FROM models WHERE slug = ? AND status = 'published'`, slug).
		Scan(&m.ID, &m.Slug, &m.BodyType, &m.Seats, &m.ModelYear, &m.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Model{}, fmt.Errorf("store: model %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Model{}, fmt.Errorf("store: model %q: %w", slug, err)
	}
	for _, f := range []struct {
		col string
		dst *Text
	}{{"name", &m.Name}, {"tagline", &m.Tagline}, {"description", &m.Description}} {
		t, err := s.loadTexts(ctx, "model_texts", "model_id", f.col, []int64{m.ID})
		if err != nil {
			return Model{}, err
		}
		*f.dst = t.pick(m.ID, lang)
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id FROM trims WHERE model_id = ? AND status = 'published' ORDER BY sort_order, price_minor, id`, m.ID)
	if err != nil {
		return Model{}, fmt.Errorf("store: model %q trims: %w", slug, err)
	}
	var trimIDs []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return Model{}, fmt.Errorf("store: model %q trims: %w", slug, err)
		}
		trimIDs = append(trimIDs, id)
	}
	rows.Close()
	if len(trimIDs) == 0 {
		return Model{}, fmt.Errorf("store: model %q has no published trim: %w", slug, ErrNotFound)
	}
	m.Trims, m.Specs, err = s.TrimsWithSpecs(ctx, lang, trimIDs)
	if err != nil {
		return Model{}, err
	}
	media, err := s.modelMedia(ctx, lang, m.ID)
	if err != nil {
		return Model{}, err
	}
	for _, md := range media {
		switch md.Kind {
		case "photo":
			m.Photos = append(m.Photos, md)
		case "brochure":
			if md.Lang == "" || md.Lang == lang {
				m.Brochures = append(m.Brochures, md)
			}
		}
	}
	if len(m.Brochures) == 0 {
		// No brochure in this language: offer the others rather than none.
		for _, md := range media {
			if md.Kind == "brochure" {
				m.Brochures = append(m.Brochures, md)
			}
		}
	}
	return m, nil
}

func (s *Store) modelMedia(ctx context.Context, lang string, modelID int64) ([]Media, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+mediaCols+` FROM media WHERE model_id = ? ORDER BY kind, sort_order, id`, modelID)
	if err != nil {
		return nil, fmt.Errorf("store: media of model %d: %w", modelID, err)
	}
	defer rows.Close()
	var out []Media
	var ids []int64
	for rows.Next() {
		m, _, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("store: media of model %d: %w", modelID, err)
		}
		out = append(out, m)
		ids = append(ids, m.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: media of model %d: %w", modelID, err)
	}
	rows.Close()
	alts, err := s.loadTexts(ctx, "media_texts", "media_id", "alt", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Alt = alts.pick(out[i].ID, lang)
	}
	return out, nil
}

// TrimsWithSpecs returns the published trims with the given ids, in the
// order given (unknown or unpublished ids are left out), and their
// specification table: every group and item that any of them has a value
// for, with one value per returned trim.
func (s *Store) TrimsWithSpecs(ctx context.Context, lang string, ids []int64) ([]Trim, []SpecGroup, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT t.id, t.model_id, m.slug, t.slug, t.fuel, t.transmission, t.drive,
		t.engine_cc, t.power_hp, t.price_minor, t.currency
		FROM trims t JOIN models m ON m.id = t.model_id
		WHERE t.status = 'published' AND m.status = 'published' AND t.id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: trims: %w", err)
	}
	byID := map[int64]Trim{}
	for rows.Next() {
		var t Trim
		if err := rows.Scan(&t.ID, &t.ModelID, &t.ModelSlug, &t.Slug, &t.Fuel, &t.Transmission, &t.Drive,
			&t.EngineCC, &t.PowerHP, &t.Price.Minor, &t.Price.Currency); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("store: trims: %w", err)
		}
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, nil, fmt.Errorf("store: trims: %w", err)
	}
	rows.Close()
	var trims []Trim
	var found, modelIDs []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		t, ok := byID[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		trims = append(trims, t)
		found = append(found, id)
		modelIDs = append(modelIDs, t.ModelID)
	}
	if len(trims) == 0 {
		return nil, nil, nil
	}
	trimNames, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", found)
	if err != nil {
		return nil, nil, err
	}
	modelNames, err := s.loadTexts(ctx, "model_texts", "model_id", "name", modelIDs)
	if err != nil {
		return nil, nil, err
	}
	index := map[int64]int{}
	for i := range trims {
		trims[i].Name = trimNames.pick(trims[i].ID, lang)
		trims[i].ModelName = modelNames.pick(trims[i].ModelID, lang)
		index[trims[i].ID] = i
	}
	groups, err := s.specTable(ctx, lang, found, index)
	if err != nil {
		return nil, nil, err
	}
	return trims, groups, nil
}

// specTable builds the grouped specification rows for the trims; index maps
// a trim id to its column.
func (s *Store) specTable(ctx context.Context, lang string, trimIDs []int64, index map[int64]int) ([]SpecGroup, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT g.id, g.code, i.id, i.code, i.kind, i.unit, i.decimals, ts.trim_id, ts.num, ts.flag
		FROM trim_specs ts
		JOIN spec_items i ON i.id = ts.item_id AND i.deletion_id IS NULL
		JOIN spec_groups g ON g.id = i.group_id AND g.deletion_id IS NULL
		WHERE ts.trim_id IN (`+placeholders(len(trimIDs))+`)
		ORDER BY g.sort_order, g.id, i.sort_order, i.id`, int64Args(trimIDs)...)
	if err != nil {
		return nil, fmt.Errorf("store: specs: %w", err)
	}
	var groups []SpecGroup
	var groupIDs, itemIDs []int64
	groupAt := map[int64]int{}
	type cell struct{ g, r int }
	rowAt := map[int64]cell{}
	type textKey struct {
		trim, item int64
	}
	needText := map[textKey]cell{}
	for rows.Next() {
		var gid, iid, tid int64
		var gcode, icode, kind, unit string
		var decimals int
		var num sql.NullFloat64
		var flag sql.NullInt64
		if err := rows.Scan(&gid, &gcode, &iid, &icode, &kind, &unit, &decimals, &tid, &num, &flag); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: specs: %w", err)
		}
		gi, ok := groupAt[gid]
		if !ok {
			gi = len(groups)
			groupAt[gid] = gi
			groups = append(groups, SpecGroup{Code: gcode})
			groupIDs = append(groupIDs, gid)
		}
		c, ok := rowAt[iid]
		if !ok {
			c = cell{gi, len(groups[gi].Rows)}
			rowAt[iid] = c
			groups[gi].Rows = append(groups[gi].Rows, SpecRow{Code: icode, Kind: kind, Unit: unit, Decimals: decimals, Values: make([]SpecValue, len(trimIDs))})
			itemIDs = append(itemIDs, iid)
		}
		v := SpecValue{Present: true}
		switch kind {
		case "number":
			v.Present = num.Valid
			v.Num = num.Float64
		case "bool":
			v.Present = flag.Valid
			v.Flag = flag.Int64 == 1
		case "text":
			needText[textKey{tid, iid}] = c
		}
		groups[c.g].Rows[c.r].Values[index[tid]] = v
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: specs: %w", err)
	}
	rows.Close()
	gnames, err := s.loadTexts(ctx, "spec_group_texts", "group_id", "name", groupIDs)
	if err != nil {
		return nil, err
	}
	for gid, gi := range groupAt {
		groups[gi].Name = gnames.pick(gid, lang)
	}
	inames, err := s.loadTexts(ctx, "spec_item_texts", "item_id", "name", itemIDs)
	if err != nil {
		return nil, err
	}
	for iid, c := range rowAt {
		groups[c.g].Rows[c.r].Name = inames.pick(iid, lang)
	}
	if len(needText) > 0 {
		trows, err := s.db.Read.QueryContext(ctx, `SELECT trim_id, item_id, lang, value FROM trim_spec_texts WHERE trim_id IN (`+placeholders(len(trimIDs))+`)`, int64Args(trimIDs)...)
		if err != nil {
			return nil, fmt.Errorf("store: spec texts: %w", err)
		}
		vals := map[textKey]texts{}
		for trows.Next() {
			var k textKey
			var l, v string
			if err := trows.Scan(&k.trim, &k.item, &l, &v); err != nil {
				trows.Close()
				return nil, fmt.Errorf("store: spec texts: %w", err)
			}
			if vals[k] == nil {
				vals[k] = texts{0: {}}
			}
			vals[k][0][l] = v
		}
		trows.Close()
		for k, c := range needText {
			t := vals[k].pick(0, lang)
			groups[c.g].Rows[c.r].Values[index[k.trim]] = SpecValue{Present: t.Value != "", Text: t}
		}
	}
	return groups, nil
}

// TrimChoice is a published trim offered in the comparison's chooser.
type TrimChoice struct {
	ID   int64
	Name Text
}

// ModelTrims is a published model with its published trims, for the
// comparison's chooser.
type ModelTrims struct {
	ModelID int64
	Name    Text
	Trims   []TrimChoice
}

// ListTrimChoices returns every published model with its published trims,
// in catalogue order.
func (s *Store) ListTrimChoices(ctx context.Context, lang string) ([]ModelTrims, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.id, t.id FROM models m
		JOIN trims t ON t.model_id = m.id AND t.status = 'published'
		WHERE m.status = 'published'
		ORDER BY m.sort_order, m.id, t.sort_order, t.price_minor, t.id`)
	if err != nil {
		return nil, fmt.Errorf("store: trim choices: %w", err)
	}
	var out []ModelTrims
	var modelIDs, trimIDs []int64
	for rows.Next() {
		var mid, tid int64
		if err := rows.Scan(&mid, &tid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: trim choices: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ModelID != mid {
			out = append(out, ModelTrims{ModelID: mid})
			modelIDs = append(modelIDs, mid)
		}
		last := &out[len(out)-1]
		last.Trims = append(last.Trims, TrimChoice{ID: tid})
		trimIDs = append(trimIDs, tid)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: trim choices: %w", err)
	}
	rows.Close()
	mnames, err := s.loadTexts(ctx, "model_texts", "model_id", "name", modelIDs)
	if err != nil {
		return nil, err
	}
	tnames, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", trimIDs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Name = mnames.pick(out[i].ModelID, lang)
		for j := range out[i].Trims {
			out[i].Trims[j].Name = tnames.pick(out[i].Trims[j].ID, lang)
		}
	}
	return out, nil
}
