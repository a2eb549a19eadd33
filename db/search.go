package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ikco/partner-portal/db/searchtext"
)

// Search kinds: the code in a search document's id (kind << 40 | object
// id << 2 | level). They are in the order of who may see them, so the
// kinds a viewer may search are one range of ids.
const (
	kindModel    = 1
	kindTrim     = 2
	kindNews     = 3
	kindProposal = 4
	kindOffer    = 5
	kindInquiry  = 6
)

var kindNames = map[int64]string{kindModel: "model", kindTrim: "trim", kindNews: "news", kindProposal: "proposal", kindOffer: "offer", kindInquiry: "inquiry"}

// Proposal search levels: what a document of a proposal holds.
const (
	levelTeaser  = 0 // titles
	levelSummary = 1 // titles and summaries
	levelDetails = 2 // and region, models, key terms, next step
)

// SearchGroups are the groups of search results, in the order shown.
var SearchGroups = []string{"catalogue", "news", "proposals", "offers", "inquiries"}

// groupKinds are each group's first and last kind.
var groupKinds = map[string][2]int64{
	"catalogue": {kindModel, kindTrim},
	"news":      {kindNews, kindNews},
	"proposals": {kindProposal, kindProposal},
	"offers":    {kindOffer, kindOffer},
	"inquiries": {kindInquiry, kindInquiry},
}

// docID is a document's id: kind << 40 | object id << 4 | visibility << 2
// | level. visibility is a proposal's (0 public, 1 members, 2 private),
// kept in the id so the access rule reads it without a join.
func docID(kind, ref int64, vis, level int) int64 {
	return kind<<40 | ref<<4 | int64(vis)<<2 | int64(level)
}

// proposalVis codes a proposal's visibility for its documents' ids.
var proposalVis = map[string]int{"public": 0, "members": 1, "private": 2}

// searchDoc is one document of the index: what is shown of an object and
// what is indexed of it.
type searchDoc struct {
	kind  int64
	ref   int64
	vis   int
	level int
	path  string
	sub   string
	// title and body are shown and indexed per language.
	title, body L10n
	// neutral is a title in no language (shown as the Russian title and
	// indexed in column t); extra is other text in no language.
	neutral bool
	extra   string
	// names are texts whose words are indexed transliterated too, besides
	// the titles.
	names []string
}

// searchWriter writes search documents within a writer transaction.
type searchWriter struct {
	ctx          context.Context
	tx           *sql.Tx
	insDoc, insF *sql.Stmt
}

func newSearchWriter(ctx context.Context, tx *sql.Tx) *searchWriter {
	return &searchWriter{ctx: ctx, tx: tx}
}

func (w *searchWriter) close() {
	if w.insDoc != nil {
		w.insDoc.Close()
	}
	if w.insF != nil {
		w.insF.Close()
	}
}

func (w *searchWriter) put(d searchDoc) error {
	if w.insDoc == nil {
		var err error
		if w.insDoc, err = w.tx.PrepareContext(w.ctx, `INSERT INTO search_docs(id, kind, ref_id, level, path, sub, title_ru, title_en, title_fa,
			body_ru, body_en, body_fa, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
			return fmt.Errorf("store: search index: %w", err)
		}
		if w.insF, err = w.tx.PrepareContext(w.ctx, `INSERT INTO search_fts(rowid, t_ru, t_en, t_fa, b_ru, b_en, b_fa, t, x)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
			return fmt.Errorf("store: search index: %w", err)
		}
	}
	id := docID(d.kind, d.ref, d.vis, d.level)
	if _, err := w.insDoc.ExecContext(w.ctx, id, kindNames[d.kind], d.ref, d.level, d.path, d.sub, d.title.RU, d.title.EN, d.title.FA,
		d.body.RU, d.body.EN, d.body.FA, d.extra); err != nil {
		return fmt.Errorf("store: search index %s %d: %w", kindNames[d.kind], d.ref, err)
	}
	tRU, tEN, tFA, t := searchtext.Index(d.title.RU), searchtext.Index(d.title.EN), searchtext.Index(d.title.FA), ""
	if d.neutral {
		t, tRU = tRU, ""
	}
	names := searchtext.Names(append([]string{d.title.RU, d.title.EN, d.title.FA}, d.names...)...)
	if names != "" {
		t = strings.TrimSpace(t + " " + names)
	}
	if _, err := w.insF.ExecContext(w.ctx, id, tRU, tEN, tFA, searchtext.Index(d.body.RU), searchtext.Index(d.body.EN), searchtext.Index(d.body.FA),
		t, searchtext.Index(d.extra)); err != nil {
		return fmt.Errorf("store: search index %s %d: %w", kindNames[d.kind], d.ref, err)
	}
	return nil
}

// searchSource is how one kind's documents are made from the content: a
// query with a %s for the scope condition (on the alias of the kind's
// table), and the table and alias to find the objects in scope.
type searchSource struct {
	kind         int64
	table, alias string
	query        string
	docs         func(r rowScanner) ([]searchDoc, error)
}

// joinText joins the non-empty texts with sep.
func joinText(sep string, texts ...string) string {
	var out []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, sep)
}

// l10nJoin joins two texts per language; a language missing in one of
// them takes its Russian, then English, form.
func l10nJoin(a, b L10n) L10n {
	pick := func(l L10n, v string) string {
		switch {
		case v != "":
			return v
		case l.RU != "":
			return l.RU
		}
		return l.EN
	}
	return L10n{joinText(" ", pick(a, a.RU), pick(b, b.RU)), joinText(" ", pick(a, a.EN), pick(b, b.EN)), joinText(" ", pick(a, a.FA), pick(b, b.FA))}
}

// textCols selects col of table in each language for the object key.
func textCols(table, keyCol, col, key string) string {
	var parts []string
	for _, l := range Langs {
		parts = append(parts, fmt.Sprintf(`COALESCE((SELECT %s FROM %s WHERE %s = %s AND lang = '%s'), '')`, col, table, keyCol, key, l))
	}
	return strings.Join(parts, ", ")
}

var searchSources = []searchSource{
	{kind: kindModel, table: "models", alias: "m",
		query: `SELECT m.id, m.slug, ` + textCols("model_texts", "model_id", "name", "m.id") + `, ` + textCols("model_texts", "model_id", "tagline", "m.id") + `,
			` + textCols("model_texts", "model_id", "description", "m.id") + ` FROM models m WHERE m.status = 'published' AND %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var d searchDoc
			var slug string
			var tag, desc L10n
			if err := r.Scan(&d.ref, &slug, &d.title.RU, &d.title.EN, &d.title.FA, &tag.RU, &tag.EN, &tag.FA, &desc.RU, &desc.EN, &desc.FA); err != nil {
				return nil, err
			}
			d.kind, d.path = kindModel, "/models/"+slug
			d.body = L10n{joinText(" · ", tag.RU, desc.RU), joinText(" · ", tag.EN, desc.EN), joinText(" · ", tag.FA, desc.FA)}
			return []searchDoc{d}, nil
		}},
	{kind: kindTrim, table: "trims", alias: "t",
		query: `SELECT t.id, m.slug, ` + textCols("model_texts", "model_id", "name", "m.id") + `, ` + textCols("trim_texts", "trim_id", "name", "t.id") + `
			FROM trims t JOIN models m ON m.id = t.model_id AND m.status = 'published' WHERE t.status = 'published' AND %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var d searchDoc
			var slug string
			var model, trim L10n
			if err := r.Scan(&d.ref, &slug, &model.RU, &model.EN, &model.FA, &trim.RU, &trim.EN, &trim.FA); err != nil {
				return nil, err
			}
			d.kind, d.path, d.title = kindTrim, "/models/"+slug+"#trims-title", l10nJoin(model, trim)
			return []searchDoc{d}, nil
		}},
	{kind: kindNews, table: "news_items", alias: "n",
		query: `SELECT n.id, n.kind, m.slug, ` + textCols("model_texts", "model_id", "name", "m.id") + `,
			` + textCols("trim_texts", "trim_id", "name", "(SELECT tr.id FROM trims tr WHERE tr.model_id = n.model_id AND tr.slug = n.trim_slug)") + `
			FROM news_items n JOIN models m ON m.id = n.model_id AND m.status = 'published' WHERE %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var d searchDoc
			var slug string
			if err := r.Scan(&d.ref, &d.sub, &slug, &d.title.RU, &d.title.EN, &d.title.FA, &d.body.RU, &d.body.EN, &d.body.FA); err != nil {
				return nil, err
			}
			// The page writes the item's title from its kind, the model
			// (title) and the trim (body).
			d.kind, d.path = kindNews, "/models/"+slug
			return []searchDoc{d}, nil
		}},
	{kind: kindProposal, table: "proposals", alias: "p",
		query: `SELECT p.id, p.visibility, p.title_ru, p.title_en, p.title_fa, p.summary_ru, p.summary_en, p.summary_fa, p.region, p.models,
			p.key_terms, p.next_step FROM proposals p WHERE %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var id int64
			var title, summary L10n
			var visibility, region, models, terms, next string
			if err := r.Scan(&id, &visibility, &title.RU, &title.EN, &title.FA, &summary.RU, &summary.EN, &summary.FA, &region, &models, &terms, &next); err != nil {
				return nil, err
			}
			path := "/proposals/" + fmt.Sprint(id)
			vis := proposalVis[visibility]
			return []searchDoc{
				{kind: kindProposal, ref: id, vis: vis, level: levelTeaser, path: path, title: title},
				{kind: kindProposal, ref: id, vis: vis, level: levelSummary, path: path, title: title, body: summary},
				{kind: kindProposal, ref: id, vis: vis, level: levelDetails, path: path, title: title, body: summary,
					extra: joinText(" · ", region, models, terms, next), names: []string{models}},
			}, nil
		}},
	{kind: kindOffer, table: "offers", alias: "o",
		query: `SELECT o.id, o.incoterm, o.place, ` + textCols("model_texts", "model_id", "name", "o.model_id") + `,
			` + textCols("trim_texts", "trim_id", "name", "o.trim_id") + `, ` + textCols("offer_texts", "offer_id", "warranty", "o.id") + `,
			` + textCols("offer_texts", "offer_id", "after_sales", "o.id") + `, ` + textCols("offer_texts", "offer_id", "notes", "o.id") + `
			FROM offers o WHERE o.status = 'published' AND %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var d searchDoc
			var incoterm, place string
			var model, trim, warranty, after, notes L10n
			if err := r.Scan(&d.ref, &incoterm, &place, &model.RU, &model.EN, &model.FA, &trim.RU, &trim.EN, &trim.FA,
				&warranty.RU, &warranty.EN, &warranty.FA, &after.RU, &after.EN, &after.FA, &notes.RU, &notes.EN, &notes.FA); err != nil {
				return nil, err
			}
			d.kind, d.path, d.title, d.extra = kindOffer, "/offers/"+fmt.Sprint(d.ref), l10nJoin(model, trim), incoterm+" "+place
			d.body = L10n{joinText(" · ", warranty.RU, after.RU, notes.RU), joinText(" · ", warranty.EN, after.EN, notes.EN), joinText(" · ", warranty.FA, after.FA, notes.FA)}
			return []searchDoc{d}, nil
		}},
	{kind: kindInquiry, table: "inquiries", alias: "i",
		query: `SELECT i.id, i.ref, i.company, i.inn, i.ogrn, i.contact_name, i.email, i.region, i.models, i.network_cities, i.timeline, i.message,
			i.decline_reason FROM inquiries i WHERE i.status <> 'draft' AND i.ref IS NOT NULL AND %s`,
		docs: func(r rowScanner) ([]searchDoc, error) {
			var d searchDoc
			var ref, company, inn, ogrn, contact, email, region, models, cities, timeline, message, reason string
			if err := r.Scan(&d.ref, &ref, &company, &inn, &ogrn, &contact, &email, &region, &models, &cities, &timeline, &message, &reason); err != nil {
				return nil, err
			}
			d.kind, d.path, d.neutral = kindInquiry, "/staff/inquiries/"+fmt.Sprint(d.ref), true
			d.title.RU = joinText(" · ", ref, company)
			d.extra = joinText(" · ", message, contact, email, "INN "+inn, "OGRN "+ogrn, region, models, cities, timeline, reason)
			d.names = []string{company, contact}
			return []searchDoc{d}, nil
		}},
}

func sourceOf(kind int64) searchSource {
	for _, s := range searchSources {
		if s.kind == kind {
			return s
		}
	}
	panic(fmt.Sprintf("db: no search source of kind %d", kind))
}

// reindex makes the documents of the kind's objects in scope (a condition
// on the kind's table alias) again from the content: those no longer to
// be found go, the others are written anew.
func (w *searchWriter) reindex(kind int64, scope string, args ...any) error {
	src := sourceOf(kind)
	inScope := `SELECT ` + src.alias + `.id FROM ` + src.table + ` ` + src.alias + ` WHERE ` + scope
	kargs := append([]any{kindNames[kind]}, args...)
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE kind = ? AND ref_id IN (`+inScope+`))`, kargs...); err != nil {
		return fmt.Errorf("store: search index %s: %w", kindNames[kind], err)
	}
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM search_docs WHERE kind = ? AND ref_id IN (`+inScope+`)`, kargs...); err != nil {
		return fmt.Errorf("store: search index %s: %w", kindNames[kind], err)
	}
	return w.add(src, "("+scope+")", args...)
}

// add writes the documents of the source's objects in scope.
func (w *searchWriter) add(src searchSource, scope string, args ...any) error {
	rows, err := w.tx.QueryContext(w.ctx, fmt.Sprintf(src.query, scope), args...)
	if err != nil {
		return fmt.Errorf("store: search index %s: %w", kindNames[src.kind], err)
	}
	var docs []searchDoc
	for rows.Next() {
		ds, err := src.docs(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("store: search index %s: %w", kindNames[src.kind], err)
		}
		docs = append(docs, ds...)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("store: search index %s: %w", kindNames[src.kind], err)
	}
	for _, d := range docs {
		if err := w.put(d); err != nil {
			return err
		}
	}
	return nil
}

// rebuild empties the index and makes every document again.
func (w *searchWriter) rebuild() error {
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO search_fts(search_fts) VALUES ('delete-all')`); err != nil {
		return fmt.Errorf("store: search rebuild: %w", err)
	}
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM search_docs`); err != nil {
		return fmt.Errorf("store: search rebuild: %w", err)
	}
	for _, src := range searchSources {
		if err := w.add(src, "1=1"); err != nil {
			return err
		}
	}
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE search_state SET rebuild = 0 WHERE id = 1`); err != nil {
		return fmt.Errorf("store: search rebuild: %w", err)
	}
	return nil
}

// RebuildSearch makes the whole search index again from the content, in
// one transaction.
func (s *Store) RebuildSearch(ctx context.Context) error {
	defer s.db.changes.add(slotSearch)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w := newSearchWriter(ctx, tx)
		defer w.close()
		return w.rebuild()
	})
}

// rebuildSearchIfAsked rebuilds the index when a migration asked for it.
func (s *Store) rebuildSearchIfAsked(ctx context.Context) error {
	var rebuild int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT rebuild FROM search_state WHERE id = 1`).Scan(&rebuild); err != nil {
		return fmt.Errorf("store: search state: %w", err)
	}
	if rebuild == 0 {
		return nil
	}
	return s.RebuildSearch(ctx)
}

// searchIndex returns the transaction's search writer.
func (t *Tx) searchIndex() *searchWriter {
	if t.search == nil {
		t.search = newSearchWriter(t.ctx, t.tx)
	}
	return t.search
}

// indexModel makes a catalogue model's documents again, with those that
// carry its name: its trims, news items and offers.
func (t *Tx) indexModel(id int64) error {
	w := t.searchIndex()
	if err := w.reindex(kindModel, "m.id = ?", id); err != nil {
		return err
	}
	if err := w.reindex(kindTrim, "t.model_id = ?", id); err != nil {
		return err
	}
	if err := w.reindex(kindNews, "n.model_id = ?", id); err != nil {
		return err
	}
	return w.reindex(kindOffer, "o.model_id = ?", id)
}

func (t *Tx) indexOffer(id int64) error { return t.searchIndex().reindex(kindOffer, "o.id = ?", id) }

func (t *Tx) indexProposal(id int64) error {
	return t.searchIndex().reindex(kindProposal, "p.id = ?", id)
}

func (t *Tx) indexInquiry(id int64) error {
	return t.searchIndex().reindex(kindInquiry, "i.id = ?", id)
}

// SearchHit is one result: an object the viewer may open, with the texts
// of the level they may see.
type SearchHit struct {
	Kind  string // model, trim, news, proposal, offer, inquiry
	RefID int64
	Level int
	// Path is the object's page under /{lang}; Sub a detail (a news
	// item's kind).
	Path, Sub   string
	Title, Body L10n
	// Neutral is set when Title.RU is a title in no language.
	Neutral bool
	Extra   string
	// Opens is set on a proposal whose page the viewer may open (staff,
	// participants); others see its teaser in the proposals list.
	Opens bool
}

// SearchGroup is one group of results with the number of all its results.
type SearchGroup struct {
	Name  string
	Count int
	// Capped is set when there may be more than Count results.
	Capped bool
	Hits   []SearchHit
}

// SearchParams is a search: the query, the page's language (whose texts
// weigh most), a group to page through ("" for the first results of each)
// and the page.
type SearchParams struct {
	Query  searchtext.Query
	Lang   string
	Group  string
	Offset int
	Limit  int
}

// maxKind is the last kind the viewer may search: visitors the catalogue,
// news and proposal teasers; approved members offers too; staff inquiries.
func maxKind(v Viewer) int64 {
	switch {
	case v.Staff():
		return kindInquiry
	case v.Member():
		return kindOffer
	}
	return kindProposal
}

// searchWeights are the bm25 weights of the index columns (t_ru, t_en,
// t_fa, b_ru, b_en, b_fa, t, x) for a page language: its own titles and
// texts weigh most.
func searchWeights(lang string) []any {
	w := []any{3.0, 3.0, 3.0, 1.0, 1.0, 1.0, 6.0, 1.5}
	for i, l := range Langs {
		if l == lang {
			w[i], w[3+i] = 10.0, 3.0
		}
	}
	return w
}

// SearchCandidates bounds a search's work, so a word found in most
// documents costs about what a rare one does: of a group's matching
// documents the viewer may open, the newest this many are ranked and
// counted; a group with more reads "more than 300".
const SearchCandidates = 300

// searchAccess (on the FTS rowid; arguments: staff, viewer id, viewer id,
// member level, member level, member) keeps the documents the viewer may
// open: every document of a kind other than proposals (the kinds are
// bounded by the id range), and of each proposal the one level they may
// see. It is the proposals' rule (proposalTeaserVisible, and details past
// the NDA as in ProposalFor) over the visibility kept in the id: staff
// and participants who accepted the current NDA text see details; other
// participants, and anyone for a public proposal, or an approved member
// for a members-only one, the teaser (visitors) or the summary (members).
// The participant sets are read once per query.
const searchAccess = `((rowid >> 40) <> 4 OR CASE
		WHEN ? THEN (rowid & 3) = 2
		WHEN ((rowid >> 4) & 68719476735) IN (SELECT sp.proposal_id FROM proposal_participants sp
			JOIN proposals sx ON sx.id = sp.proposal_id
			JOIN nda_acceptances na ON na.proposal_id = sp.proposal_id AND na.user_id = sp.user_id AND na.nda_version = sx.nda_version
			WHERE sp.user_id = ?) THEN (rowid & 3) = 2
		WHEN ((rowid >> 4) & 68719476735) IN (SELECT proposal_id FROM proposal_participants WHERE user_id = ?) THEN (rowid & 3) = ?
		ELSE (rowid & 3) = ? AND (((rowid >> 2) & 3) = 0 OR (? AND ((rowid >> 2) & 3) = 1))
	END)`

// The same rule where it reduces to arithmetic on the id: a visitor
// takes part in nothing and sees public teasers; staff see details.
const (
	searchAccessVisitor = `((rowid >> 40) <> 4 OR (rowid & 15) = 0)`
	searchAccessStaff   = `((rowid >> 40) <> 4 OR (rowid & 3) = 2)`
)

// searchGroupQuery ranks one group's candidates: the newest matching
// documents the viewer may open (at most SearchCandidates), by bm25 with
// the page language's columns weighing most (models before trims), and
// returns a window of them with their texts and how many candidates
// there were. %s is the access rule.
const searchGroupQuery = `SELECT r.n, d.kind, d.ref_id, d.level, d.path, d.sub, d.title_ru, d.title_en, d.title_fa, d.body_ru, d.body_en, d.body_fa, d.extra,
	d.kind = 'proposal' AND (? OR EXISTS (SELECT 1 FROM proposal_participants pp WHERE pp.proposal_id = d.ref_id AND pp.user_id = ?))
FROM (SELECT id, score, count(*) OVER () AS n FROM (
		SELECT rowid AS id, bm25(search_fts, ?, ?, ?, ?, ?, ?, ?, ?) AS score FROM search_fts
		WHERE search_fts MATCH ? AND rowid >= ? AND rowid < ? AND %s
		ORDER BY rowid DESC LIMIT ?)
	ORDER BY id >> 40, score, id LIMIT ? OFFSET ?) r
JOIN search_docs d ON d.id = r.id ORDER BY r.id >> 40, r.score, r.id`

var (
	searchGroupVisitor = fmt.Sprintf(searchGroupQuery, searchAccessVisitor)
	searchGroupStaff   = fmt.Sprintf(searchGroupQuery, searchAccessStaff)
	searchGroupMember  = fmt.Sprintf(searchGroupQuery, searchAccess)
)

// Search runs a query for the viewer: every group they may see with its
// count and its first results (or one group's page), ranked by relevance
// with the page's language first. Only what the viewer may open is
// matched, counted or returned: the access rule is in the query, before
// the count and the limits. A group's count stops at SearchCandidates
// (Capped).
func (s *Store) Search(ctx context.Context, v Viewer, p SearchParams) ([]SearchGroup, error) {
	if p.Query.Empty() {
		return nil, nil
	}
	if p.Limit <= 0 {
		p.Limit = 5
	}
	// Results are kept per viewer class (visitors, staff, each member),
	// language, group and page until the index or access changes; the
	// version is read first, so results read meanwhile are never filed
	// under a newer one.
	version := s.SearchVersion()
	key := fmt.Sprintf("%s|%s|%s|%d|%d|%s", v.SearchClass(), p.Lang, p.Group, p.Offset, p.Limit, p.Query.Match())
	s.searchMu.Lock()
	if gs, ok := s.searches[key]; ok && s.searchesAt == version {
		s.searchMu.Unlock()
		return gs, nil
	}
	s.searchMu.Unlock()
	// The same search asked meanwhile (the key names the viewer class and
	// the version) waits for this one's answer instead of asking again.
	r, err, _ := s.searchFlight.Do(strconv.FormatInt(version, 10)+"|"+key, func() (any, error) {
		return s.search(ctx, v, p)
	})
	if err != nil {
		return nil, err
	}
	gs := r.([]SearchGroup)
	s.searchMu.Lock()
	if s.searches == nil || s.searchesAt != version || len(s.searches) >= 4096 {
		if version >= s.searchesAt {
			s.searches, s.searchesAt = map[string][]SearchGroup{}, version
		}
	}
	if s.searchesAt == version {
		s.searches[key] = gs
	}
	s.searchMu.Unlock()
	return gs, nil
}

// SearchVersion moves on with every committed change to the search index
// or to who may find what: what was made from search results is valid for
// one version.
func (s *Store) SearchVersion() int64 { return s.db.changes.load(slotSearch) }

// SearchClass names the viewers who find the same things: visitors (and
// people not yet approved), staff, or one member (each takes part in
// proposals of their own).
func (v Viewer) SearchClass() string {
	switch {
	case v.Staff():
		return "s"
	case v.Member():
		return "m" + strconv.FormatInt(v.ID, 10)
	}
	return "v"
}

// SearchUncached is Search without the results kept in memory, for
// measuring the queries themselves.
func (s *Store) SearchUncached(ctx context.Context, v Viewer, p SearchParams) ([]SearchGroup, error) {
	if p.Query.Empty() {
		return nil, nil
	}
	if p.Limit <= 0 {
		p.Limit = 5
	}
	return s.search(ctx, v, p)
}

func (s *Store) search(ctx context.Context, v Viewer, p SearchParams) ([]SearchGroup, error) {
	groups := SearchGroups
	if p.Group != "" {
		if _, ok := groupKinds[p.Group]; !ok {
			return nil, nil
		}
		groups = []string{p.Group}
	}
	q, access := searchGroupMember, []any{false, v.ID, v.ID, 1, 1, true}
	switch {
	case v.Staff():
		q, access = searchGroupStaff, nil
	case !v.Member():
		q, access = searchGroupVisitor, nil
	}
	if p.Query.Prefix {
		// A prefix query costs a read of the whole document list of every
		// term it matches, whether or not the results need them; a last
		// word that is itself an indexed term is a finished word, found
		// (with its endings, by the stemmer) as a term.
		last := p.Query.Terms[len(p.Query.Terms)-1]
		var one int
		err := s.queryRow(ctx, `SELECT 1 FROM search_vocab WHERE term = ?`, last).Scan(&one)
		switch {
		case err == nil:
			p.Query.Prefix = false
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("store: search vocabulary: %w", err)
		}
	}
	match := p.Query.Match()
	weights := searchWeights(p.Lang)
	var out []SearchGroup
	for _, name := range groups {
		k := groupKinds[name]
		if k[0] > maxKind(v) {
			continue
		}
		args := append([]any{v.Staff(), v.ID}, weights...)
		args = append(append(args, match, k[0]<<40, (k[1]+1)<<40), access...)
		args = append(args, SearchCandidates, p.Limit, p.Offset)
		g, err := s.searchGroup(ctx, q, name, args)
		if err != nil {
			return nil, err
		}
		if len(g.Hits) == 0 {
			continue
		}
		g.Capped = g.Count >= SearchCandidates
		out = append(out, g)
	}
	return out, nil
}

func (s *Store) searchGroup(ctx context.Context, q, name string, args []any) (SearchGroup, error) {
	g := SearchGroup{Name: name}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return g, fmt.Errorf("store: search %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h SearchHit
		if err := rows.Scan(&g.Count, &h.Kind, &h.RefID, &h.Level, &h.Path, &h.Sub, &h.Title.RU, &h.Title.EN, &h.Title.FA,
			&h.Body.RU, &h.Body.EN, &h.Body.FA, &h.Extra, &h.Opens); err != nil {
			return g, fmt.Errorf("store: search %s: %w", name, err)
		}
		h.Neutral = h.Kind == "inquiry"
		g.Hits = append(g.Hits, h)
	}
	return g, rows.Err()
}
