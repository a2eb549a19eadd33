package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Errors of the publishing workflow; each is shown to staff as a message.
var (
	// ErrConflict: a change made against a version of an entry (a
	// catalogue entry, a proposal) that someone else has changed since.
	ErrConflict = errors.New("changed meanwhile by someone else")
	// ErrSlugTaken: another model uses (or used) the slug.
	ErrSlugTaken = errors.New("slug is taken")
	// ErrNotReady: the draft lacks what a public page needs.
	ErrNotReady = errors.New("draft is not ready to publish")
	// ErrWrongStatus: the action does not apply to the entry's status.
	ErrWrongStatus = errors.New("action does not apply to the entry's status")
)

// Texts is one text in each language, keyed by language code; a missing
// or empty entry is a missing translation.
type Texts map[string]string

// Missing lists the languages without a value, in Langs order.
func (t Texts) Missing() []string {
	var out []string
	for _, l := range Langs {
		if strings.TrimSpace(t[l]) == "" {
			out = append(out, l)
		}
	}
	return out
}

// Snapshot is a catalogue entry as staff edit it: a model with its texts,
// trims, specification values and media. A revision stores one as JSON.
type Snapshot struct {
	Slug        string      `json:"slug"`
	BodyType    string      `json:"body_type"`
	Seats       int         `json:"seats"`
	ModelYear   int         `json:"model_year"`
	SortOrder   int         `json:"sort_order"`
	Name        Texts       `json:"name"`
	Tagline     Texts       `json:"tagline"`
	Description Texts       `json:"description"`
	Trims       []SnapTrim  `json:"trims"`
	Media       []SnapMedia `json:"media"`
}

// SnapTrim is a trim in a snapshot; its slug identifies it within the model.
type SnapTrim struct {
	Slug         string     `json:"slug"`
	Name         Texts      `json:"name"`
	Fuel         string     `json:"fuel"`
	Transmission string     `json:"transmission"`
	Drive        string     `json:"drive"`
	EngineCC     int        `json:"engine_cc"`
	PowerHP      int        `json:"power_hp"`
	PriceMinor   int64      `json:"price_minor"`
	Currency     string     `json:"currency"`
	Specs        []SnapSpec `json:"specs,omitempty"`
}

// SnapSpec is a trim's value of a specification item, by the item's code.
type SnapSpec struct {
	Item string   `json:"item"`
	Num  *float64 `json:"num,omitempty"`
	Flag *bool    `json:"flag,omitempty"`
	Text Texts    `json:"text,omitempty"`
}

// SnapMedia is a photo or brochure of a snapshot: an uploaded file of the
// library (FileID) or a file shipped with the portal (Source static).
type SnapMedia struct {
	FileID int64  `json:"file_id,omitempty"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
	File   string `json:"file"`
	Mime   string `json:"mime"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	Lang   string `json:"lang,omitempty"`
	Alt    Texts  `json:"alt"`
}

// Spec returns the trim's value of an item, or nil.
func (t *SnapTrim) Spec(code string) *SnapSpec {
	for i := range t.Specs {
		if t.Specs[i].Item == code {
			return &t.Specs[i]
		}
	}
	return nil
}

// MissingField is a text of a snapshot lacking some languages.
type MissingField struct {
	// Field names the text: name, tagline, description, trim.<slug>.name,
	// media.<n>.alt.
	Field string
	Langs []string
}

// MissingTranslations lists the snapshot's texts that lack a language.
// Optional texts (tagline, description, alt) count only when some
// language has them.
func (s Snapshot) MissingTranslations() []MissingField {
	var out []MissingField
	add := func(field string, t Texts, required bool) {
		m := t.Missing()
		if len(m) == 0 || (!required && len(m) == len(Langs)) {
			return
		}
		out = append(out, MissingField{Field: field, Langs: m})
	}
	add("name", s.Name, true)
	add("tagline", s.Tagline, false)
	add("description", s.Description, false)
	for _, t := range s.Trims {
		add("trim."+t.Slug+".name", t.Name, true)
	}
	for i, m := range s.Media {
		add(fmt.Sprintf("media.%d.alt", i+1), m.Alt, m.Kind == "photo")
	}
	return out
}

// EditorModel is a catalogue entry on the staff list.
type EditorModel struct {
	ID           int64
	Slug         string
	Name         Texts
	Status       string
	DraftRev     int
	PublishedRev int
	UpdatedAt    time.Time
	Missing      int
	// Scheduled is the next pending schedule, if any.
	Scheduled *Schedule
}

// Unpublished reports whether the newest revision is not the live one.
func (m EditorModel) Unpublished() bool { return m.DraftRev > 0 && m.DraftRev != m.PublishedRev }

// Draft is an entry opened in the editor: its newest revision (or, before
// the first edit, the live version as revision 0).
type Draft struct {
	EditorModel
	Snapshot  Snapshot
	Schedules []Schedule
}

// Schedule is a pending publish or unpublish.
type Schedule struct {
	ID     int64
	Action string
	DueAt  time.Time
}

// Revision is one save of an entry.
type Revision struct {
	Rev         int
	Action      string
	Note        string
	AuthorEmail string
	At          time.Time
	Snapshot    Snapshot
}

// Actor is who does a publishing action; ID 0 is the scheduler.
type Actor struct {
	ID    int64
	Email string
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// loadTextsQ reads all languages of col in table for one key.
func loadTextsQ(ctx context.Context, q querier, table, keyCol, col string, id int64) (Texts, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT lang, %s FROM %s WHERE %s = ?`, col, table, keyCol), id)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	defer rows.Close()
	out := Texts{}
	for rows.Next() {
		var l, v string
		if err := rows.Scan(&l, &v); err != nil {
			return nil, fmt.Errorf("store: %s: %w", table, err)
		}
		if v != "" {
			out[l] = v
		}
	}
	return out, rows.Err()
}

// liveSnapshot builds a snapshot of a model from the live tables: its
// published (non-archived) trims and their specifications, and its media.
func liveSnapshot(ctx context.Context, q querier, id int64) (Snapshot, error) {
	var s Snapshot
	err := q.QueryRowContext(ctx, `SELECT slug, body_type, seats, model_year, sort_order FROM models WHERE id = ?`, id).
		Scan(&s.Slug, &s.BodyType, &s.Seats, &s.ModelYear, &s.SortOrder)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("store: model %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("store: model %d: %w", id, err)
	}
	for _, f := range []struct {
		col string
		dst *Texts
	}{{"name", &s.Name}, {"tagline", &s.Tagline}, {"description", &s.Description}} {
		if *f.dst, err = loadTextsQ(ctx, q, "model_texts", "model_id", f.col, id); err != nil {
			return s, err
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT id, slug, fuel, transmission, drive, engine_cc, power_hp, price_minor, currency
		FROM trims WHERE model_id = ? AND status = 'published' ORDER BY sort_order, price_minor, id`, id)
	if err != nil {
		return s, fmt.Errorf("store: trims of %d: %w", id, err)
	}
	var trimIDs []int64
	for rows.Next() {
		var t SnapTrim
		var tid int64
		if err := rows.Scan(&tid, &t.Slug, &t.Fuel, &t.Transmission, &t.Drive, &t.EngineCC, &t.PowerHP, &t.PriceMinor, &t.Currency); err != nil {
			rows.Close()
			return s, fmt.Errorf("store: trims of %d: %w", id, err)
		}
		s.Trims = append(s.Trims, t)
		trimIDs = append(trimIDs, tid)
	}
	rows.Close()
	for i, tid := range trimIDs {
		t := &s.Trims[i]
		if t.Name, err = loadTextsQ(ctx, q, "trim_texts", "trim_id", "name", tid); err != nil {
			return s, err
		}
		srows, err := q.QueryContext(ctx, `SELECT i.code, i.kind, ts.num, ts.flag FROM trim_specs ts JOIN spec_items i ON i.id = ts.item_id
			WHERE ts.trim_id = ? ORDER BY i.sort_order, i.id`, tid)
		if err != nil {
			return s, fmt.Errorf("store: specs of trim %d: %w", tid, err)
		}
		for srows.Next() {
			var sp SnapSpec
			var kind string
			var num sql.NullFloat64
			var flag sql.NullInt64
			if err := srows.Scan(&sp.Item, &kind, &num, &flag); err != nil {
				srows.Close()
				return s, fmt.Errorf("store: specs of trim %d: %w", tid, err)
			}
			if num.Valid {
				v := num.Float64
				sp.Num = &v
			}
			if flag.Valid {
				v := flag.Int64 == 1
				sp.Flag = &v
			}
			t.Specs = append(t.Specs, sp)
		}
		srows.Close()
		trows, err := q.QueryContext(ctx, `SELECT i.code, st.lang, st.value FROM trim_spec_texts st JOIN spec_items i ON i.id = st.item_id WHERE st.trim_id = ?`, tid)
		if err != nil {
			return s, fmt.Errorf("store: spec texts of trim %d: %w", tid, err)
		}
		for trows.Next() {
			var code, l, v string
			if err := trows.Scan(&code, &l, &v); err != nil {
				trows.Close()
				return s, fmt.Errorf("store: spec texts of trim %d: %w", tid, err)
			}
			if sp := t.Spec(code); sp != nil {
				if sp.Text == nil {
					sp.Text = Texts{}
				}
				sp.Text[l] = v
			}
		}
		trows.Close()
	}
	mrows, err := q.QueryContext(ctx, `SELECT m.id, m.kind, m.source, m.file, m.mime, m.width, m.height, m.bytes, COALESCE(m.lang, ''),
		COALESCE((SELECT f.id FROM media_files f WHERE m.source = 'upload' AND (f.file = m.file)), 0)
		FROM media m WHERE m.model_id = ? ORDER BY m.kind DESC, m.sort_order, m.id`, id)
	if err != nil {
		return s, fmt.Errorf("store: media of %d: %w", id, err)
	}
	var mediaIDs []int64
	for mrows.Next() {
		var m SnapMedia
		var mid int64
		if err := mrows.Scan(&mid, &m.Kind, &m.Source, &m.File, &m.Mime, &m.Width, &m.Height, &m.Bytes, &m.Lang, &m.FileID); err != nil {
			mrows.Close()
			return s, fmt.Errorf("store: media of %d: %w", id, err)
		}
		s.Media = append(s.Media, m)
		mediaIDs = append(mediaIDs, mid)
	}
	mrows.Close()
	for i, mid := range mediaIDs {
		if s.Media[i].Alt, err = loadTextsQ(ctx, q, "media_texts", "media_id", "alt", mid); err != nil {
			return s, err
		}
	}
	return s, nil
}

func decodeSnapshot(raw string) (Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("store: snapshot: %w", err)
	}
	return s, nil
}

// currentSnapshot is the newest revision's snapshot, or the live version
// when the model has no revision yet.
func currentSnapshot(ctx context.Context, q querier, id int64, draftRev int) (Snapshot, error) {
	if draftRev == 0 {
		return liveSnapshot(ctx, q, id)
	}
	var raw string
	if err := q.QueryRowContext(ctx, `SELECT snapshot FROM catalogue_revisions WHERE model_id = ? AND rev = ?`, id, draftRev).Scan(&raw); err != nil {
		return Snapshot{}, fmt.Errorf("store: revision %d of %d: %w", draftRev, id, err)
	}
	return decodeSnapshot(raw)
}

// EditorModels lists every catalogue entry for staff, drafts and archived
// ones included, with the count of missing translations of its newest
// version.
func (s *Store) EditorModels(ctx context.Context) ([]EditorModel, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, slug, status, draft_rev, published_rev, updated_at FROM models ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: editor models: %w", err)
	}
	var out []EditorModel
	for rows.Next() {
		var m EditorModel
		var upd sql.NullString
		if err := rows.Scan(&m.ID, &m.Slug, &m.Status, &m.DraftRev, &m.PublishedRev, &upd); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: editor models: %w", err)
		}
		m.UpdatedAt = parseTime(upd)
		out = append(out, m)
	}
	rows.Close()
	for i := range out {
		snap, err := currentSnapshot(ctx, s.db.Read, out[i].ID, out[i].DraftRev)
		if err != nil {
			return nil, err
		}
		out[i].Name = snap.Name
		out[i].Slug = snap.Slug
		for _, f := range snap.MissingTranslations() {
			out[i].Missing += len(f.Langs)
		}
		sch, err := schedules(ctx, s.db.Read, out[i].ID)
		if err != nil {
			return nil, err
		}
		if len(sch) > 0 {
			out[i].Scheduled = &sch[0]
		}
	}
	return out, nil
}

func schedules(ctx context.Context, q querier, id int64) ([]Schedule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, action, due_at FROM catalogue_schedules
		WHERE model_id = ? AND done_at IS NULL AND canceled_at IS NULL ORDER BY due_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: schedules of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Schedule
	for rows.Next() {
		var sc Schedule
		var due sql.NullString
		if err := rows.Scan(&sc.ID, &sc.Action, &due); err != nil {
			return nil, fmt.Errorf("store: schedules of %d: %w", id, err)
		}
		sc.DueAt = parseTime(due)
		out = append(out, sc)
	}
	return out, rows.Err()
}

func editorModel(ctx context.Context, q querier, id int64) (EditorModel, error) {
	var m EditorModel
	var upd sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, slug, status, draft_rev, published_rev, updated_at FROM models WHERE id = ?`, id).
		Scan(&m.ID, &m.Slug, &m.Status, &m.DraftRev, &m.PublishedRev, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: model %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: model %d: %w", id, err)
	}
	m.UpdatedAt = parseTime(upd)
	return m, nil
}

// Draft returns an entry as the editor opens it.
func (s *Store) Draft(ctx context.Context, id int64) (Draft, error) {
	m, err := editorModel(ctx, s.db.Read, id)
	if err != nil {
		return Draft{}, err
	}
	snap, err := currentSnapshot(ctx, s.db.Read, id, m.DraftRev)
	if err != nil {
		return Draft{}, err
	}
	m.Name = snap.Name
	for _, f := range snap.MissingTranslations() {
		m.Missing += len(f.Langs)
	}
	sch, err := schedules(ctx, s.db.Read, id)
	if err != nil {
		return Draft{}, err
	}
	if len(sch) > 0 {
		m.Scheduled = &sch[0]
	}
	return Draft{EditorModel: m, Snapshot: snap, Schedules: sch}, nil
}

// Revisions lists an entry's revisions, newest first.
func (s *Store) Revisions(ctx context.Context, id int64) ([]Revision, error) {
	if _, err := editorModel(ctx, s.db.Read, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT rev, action, note, author_email, created_at FROM catalogue_revisions
		WHERE model_id = ? ORDER BY rev DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("store: revisions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		var at sql.NullString
		if err := rows.Scan(&r.Rev, &r.Action, &r.Note, &r.AuthorEmail, &at); err != nil {
			return nil, fmt.Errorf("store: revisions of %d: %w", id, err)
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision returns one revision with its snapshot.
func (s *Store) Revision(ctx context.Context, id int64, rev int) (Revision, error) {
	var r Revision
	var at sql.NullString
	var raw string
	err := s.db.Read.QueryRowContext(ctx, `SELECT rev, action, note, author_email, created_at, snapshot FROM catalogue_revisions
		WHERE model_id = ? AND rev = ?`, id, rev).Scan(&r.Rev, &r.Action, &r.Note, &r.AuthorEmail, &at, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: revision %d of %d: %w", rev, id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: revision %d of %d: %w", rev, id, err)
	}
	r.At = parseTime(at)
	r.Snapshot, err = decodeSnapshot(raw)
	return r, err
}

// slugTaken reports whether another model uses slug now or used it before.
func slugTaken(ctx context.Context, q querier, slug string, exceptID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM models WHERE slug = ? AND id != ?)
		+ (SELECT count(*) FROM slug_redirects WHERE old_slug = ? AND model_id != ?)`, slug, exceptID, slug, exceptID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: slug %q: %w", slug, err)
	}
	if n > 0 {
		return true, nil
	}
	// A draft of another model may hold it too.
	rows, err := q.QueryContext(ctx, `SELECT r.snapshot FROM catalogue_revisions r JOIN models m ON m.id = r.model_id AND r.rev = m.draft_rev
		WHERE m.id != ? AND json_extract(r.snapshot, '$.slug') = ?`, exceptID, slug)
	if err != nil {
		return false, fmt.Errorf("store: slug %q in drafts: %w", slug, err)
	}
	defer rows.Close()
	return rows.Next(), rows.Err()
}

// SlugTaken reports whether a model other than exceptID uses, used, or has
// a draft with the slug.
func (s *Store) SlugTaken(ctx context.Context, slug string, exceptID int64) (bool, error) {
	return slugTaken(ctx, s.db.Read, slug, exceptID)
}

// SlugRedirect returns the current slug of the published model that used
// old, or ErrNotFound.
func (s *Store) SlugRedirect(ctx context.Context, old string) (string, error) {
	var slug string
	err := s.db.Read.QueryRowContext(ctx, `SELECT m.slug FROM slug_redirects r JOIN models m ON m.id = r.model_id
		WHERE r.old_slug = ? AND m.status = 'published' AND m.slug != r.old_slug`, old).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: redirect %q: %w", old, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: redirect %q: %w", old, err)
	}
	return slug, nil
}

func (t *Tx) insertRevision(id int64, rev int, snap Snapshot, action, note string, by Actor, now time.Time) error {
	raw, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	_, err = t.tx.ExecContext(t.ctx, `INSERT INTO catalogue_revisions (model_id, rev, snapshot, action, note, author_id, author_email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, rev, string(raw), action, note, nullID(by.ID), by.Email, fmtTime(now))
	if err != nil {
		return fmt.Errorf("store: revision %d of %d: %w", rev, id, err)
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE models SET draft_rev = ?, updated_at = ? WHERE id = ?`, rev, fmtTime(now), id)
	if err != nil {
		return fmt.Errorf("store: model %d: %w", id, err)
	}
	return nil
}

// CreateModel makes a new entry that exists only as a draft (revision 1)
// until it is first published. It returns the model's id.
func (t *Tx) CreateModel(snap Snapshot, by Actor, now time.Time) (int64, error) {
	taken, err := slugTaken(t.ctx, t.tx, snap.Slug, 0)
	if err != nil {
		return 0, err
	}
	if taken {
		return 0, ErrSlugTaken
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO models (slug, body_type, seats, model_year, sort_order, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)`, snap.Slug, snap.BodyType, snap.Seats, snap.ModelYear, snap.SortOrder, fmtTime(now), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: create model: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: create model: %w", err)
	}
	return id, t.insertRevision(id, 1, snap, "created", "", by, now)
}

// SaveDraft stores snap as the entry's next revision, provided the newest
// revision is still baseRev (the one the editor opened); otherwise it
// returns ErrConflict and changes nothing. The live tables are untouched.
// It returns the new revision number.
func (t *Tx) SaveDraft(id int64, baseRev int, snap Snapshot, action, note string, by Actor, now time.Time) (int, error) {
	m, err := editorModel(t.ctx, t.tx, id)
	if err != nil {
		return 0, err
	}
	if m.DraftRev != baseRev {
		return 0, ErrConflict
	}
	taken, err := slugTaken(t.ctx, t.tx, snap.Slug, id)
	if err != nil {
		return 0, err
	}
	if taken {
		return 0, ErrSlugTaken
	}
	rev := m.DraftRev + 1
	if m.DraftRev == 0 {
		// The first edit of an entry that predates revisions: keep the
		// live version as revision 1, so it can be compared and restored.
		live, err := liveSnapshot(t.ctx, t.tx, id)
		if err != nil {
			return 0, err
		}
		if err := t.insertRevision(id, 1, live, "imported", "", Actor{}, now); err != nil {
			return 0, err
		}
		if m.Status == "published" {
			if _, err := t.tx.ExecContext(t.ctx, `UPDATE models SET published_rev = 1 WHERE id = ?`, id); err != nil {
				return 0, fmt.Errorf("store: model %d: %w", id, err)
			}
		}
		rev = 2
	}
	return rev, t.insertRevision(id, rev, snap, action, note, by, now)
}

// RestoreRevision saves an old revision's snapshot as the entry's next
// revision (nothing is rewritten), under the same lock as SaveDraft.
func (t *Tx) RestoreRevision(id int64, fromRev, baseRev int, by Actor, now time.Time) (int, error) {
	var raw string
	err := t.tx.QueryRowContext(t.ctx, `SELECT snapshot FROM catalogue_revisions WHERE model_id = ? AND rev = ?`, id, fromRev).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: revision %d of %d: %w", fromRev, id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: revision %d of %d: %w", fromRev, id, err)
	}
	snap, err := decodeSnapshot(raw)
	if err != nil {
		return 0, err
	}
	return t.SaveDraft(id, baseRev, snap, "restored", fmt.Sprint(fromRev), by, now)
}

// Ready reports the first reason a snapshot cannot go public, or nil.
func (s Snapshot) Ready() error {
	if s.Name["ru"] == "" && s.Name["en"] == "" {
		return fmt.Errorf("%w: no name", ErrNotReady)
	}
	if len(s.Trims) == 0 {
		return fmt.Errorf("%w: no trim", ErrNotReady)
	}
	return nil
}

// PublishModel applies the entry's newest revision to the live tables in
// this transaction, marks it published, writes the "what's new" items
// and bumps the public content version.
func (t *Tx) PublishModel(id int64, now time.Time) error {
	m, err := editorModel(t.ctx, t.tx, id)
	if err != nil {
		return err
	}
	snap, err := currentSnapshot(t.ctx, t.tx, id, m.DraftRev)
	if err != nil {
		return err
	}
	if err := snap.Ready(); err != nil {
		return err
	}
	var old *Snapshot
	if m.Status == "published" || m.PublishedRev > 0 {
		o, err := currentSnapshot(t.ctx, t.tx, id, m.PublishedRev)
		if err != nil {
			return err
		}
		old = &o
	}
	if m.Status == "published" && m.DraftRev == m.PublishedRev {
		return nil // nothing new
	}
	if err := t.applySnapshot(id, m.Slug, snap, now); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE models SET status = 'published', published_rev = ?,
		published_at = COALESCE(published_at, ?), updated_at = ? WHERE id = ?`, m.DraftRev, fmtTime(now), fmtTime(now), id); err != nil {
		return fmt.Errorf("store: publish %d: %w", id, err)
	}
	if err := t.writeNews(id, old, snap, m.Status != "published" && m.PublishedRev == 0, now); err != nil {
		return err
	}
	if err := t.indexModel(id); err != nil {
		return err
	}
	return t.ContentChanged()
}

// applySnapshot writes a snapshot into the live tables. Trims are matched
// by slug, so their ids (in comparison links and offers) survive; a trim
// no longer in the snapshot is archived, not deleted.
func (t *Tx) applySnapshot(id int64, liveSlug string, s Snapshot, now time.Time) error {
	ex := func(q string, args ...any) error {
		if _, err := t.tx.ExecContext(t.ctx, q, args...); err != nil {
			return fmt.Errorf("store: publish %d: %w", id, err)
		}
		return nil
	}
	if s.Slug != liveSlug {
		taken, err := slugTaken(t.ctx, t.tx, s.Slug, id)
		if err != nil {
			return err
		}
		if taken {
			return ErrSlugTaken
		}
		var wasPublic int
		if err := t.tx.QueryRowContext(t.ctx, `SELECT status = 'published' OR published_at IS NOT NULL FROM models WHERE id = ?`, id).Scan(&wasPublic); err != nil {
			return fmt.Errorf("store: publish %d: %w", id, err)
		}
		if wasPublic == 1 {
			if err := ex(`INSERT INTO slug_redirects (old_slug, model_id) VALUES (?, ?) ON CONFLICT (old_slug) DO UPDATE SET model_id = excluded.model_id`, liveSlug, id); err != nil {
				return err
			}
		}
		if err := ex(`DELETE FROM slug_redirects WHERE old_slug = ?`, s.Slug); err != nil {
			return err
		}
	}
	if err := ex(`UPDATE models SET slug = ?, body_type = ?, seats = ?, model_year = ?, sort_order = ? WHERE id = ?`,
		s.Slug, s.BodyType, s.Seats, s.ModelYear, s.SortOrder, id); err != nil {
		return err
	}
	if err := ex(`DELETE FROM model_texts WHERE model_id = ?`, id); err != nil {
		return err
	}
	for _, l := range Langs {
		if s.Name[l] == "" {
			continue
		}
		if err := ex(`INSERT INTO model_texts (model_id, lang, name, tagline, description) VALUES (?, ?, ?, ?, ?)`,
			id, l, s.Name[l], s.Tagline[l], s.Description[l]); err != nil {
			return err
		}
	}
	// Trims: archive those gone, upsert the rest by slug.
	var keep []any
	for _, tr := range s.Trims {
		keep = append(keep, tr.Slug)
	}
	q := `UPDATE trims SET status = 'archived', updated_at = ? WHERE model_id = ?`
	args := []any{fmtTime(now), id}
	if len(keep) > 0 {
		q += ` AND slug NOT IN (` + placeholders(len(keep)) + `)`
		args = append(args, keep...)
	}
	if err := ex(q, args...); err != nil {
		return err
	}
	items, err := specItemIDs(t.ctx, t.tx)
	if err != nil {
		return err
	}
	for i, tr := range s.Trims {
		cur := tr.Currency
		if cur == "" {
			cur = "RUB"
		}
		var tid int64
		err := t.tx.QueryRowContext(t.ctx, `INSERT INTO trims (model_id, slug, fuel, transmission, drive, engine_cc, power_hp, price_minor, currency, sort_order, status, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?)
			ON CONFLICT (model_id, slug) DO UPDATE SET fuel = excluded.fuel, transmission = excluded.transmission, drive = excluded.drive,
				engine_cc = excluded.engine_cc, power_hp = excluded.power_hp, price_minor = excluded.price_minor, currency = excluded.currency,
				sort_order = excluded.sort_order, status = 'published', updated_at = excluded.updated_at
			RETURNING id`, id, tr.Slug, tr.Fuel, tr.Transmission, tr.Drive, tr.EngineCC, tr.PowerHP, tr.PriceMinor, cur, i, fmtTime(now)).Scan(&tid)
		if err != nil {
			return fmt.Errorf("store: publish trim %q: %w", tr.Slug, err)
		}
		if err := ex(`DELETE FROM trim_texts WHERE trim_id = ?`, tid); err != nil {
			return err
		}
		for _, l := range Langs {
			if tr.Name[l] != "" {
				if err := ex(`INSERT INTO trim_texts (trim_id, lang, name) VALUES (?, ?, ?)`, tid, l, tr.Name[l]); err != nil {
					return err
				}
			}
		}
		if err := ex(`DELETE FROM trim_specs WHERE trim_id = ?`, tid); err != nil {
			return err
		}
		for _, sp := range tr.Specs {
			iid, ok := items[sp.Item]
			if !ok {
				continue // an item removed from the catalogue since
			}
			var num, flag any
			if sp.Num != nil {
				num = *sp.Num
			}
			if sp.Flag != nil {
				flag = 0
				if *sp.Flag {
					flag = 1
				}
			}
			if err := ex(`INSERT INTO trim_specs (trim_id, item_id, num, flag) VALUES (?, ?, ?, ?)`, tid, iid, num, flag); err != nil {
				return err
			}
			for _, l := range Langs {
				if sp.Text[l] != "" {
					if err := ex(`INSERT INTO trim_spec_texts (trim_id, item_id, lang, value) VALUES (?, ?, ?, ?)`, tid, iid, l, sp.Text[l]); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := ex(`DELETE FROM media WHERE model_id = ?`, id); err != nil {
		return err
	}
	for i, md := range s.Media {
		if md.FileID != 0 {
			// A library file: its current version (it may have been
			// replaced since the draft was saved), or none if deleted.
			err := t.tx.QueryRowContext(t.ctx, `SELECT file, mime, width, height, bytes FROM media_files WHERE id = ? AND deleted_at IS NULL`, md.FileID).
				Scan(&md.File, &md.Mime, &md.Width, &md.Height, &md.Bytes)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: publish media: %w", err)
			}
		}
		var lang any
		if md.Lang != "" {
			lang = md.Lang
		}
		var mid int64
		err := t.tx.QueryRowContext(t.ctx, `INSERT INTO media (model_id, kind, source, file, mime, width, height, bytes, lang, sort_order)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, md.Kind, md.Source, md.File, md.Mime, md.Width, md.Height, md.Bytes, lang, i).Scan(&mid)
		if err != nil {
			return fmt.Errorf("store: publish media: %w", err)
		}
		for _, l := range Langs {
			if md.Alt[l] != "" {
				if err := ex(`INSERT INTO media_texts (media_id, lang, alt) VALUES (?, ?, ?)`, mid, l, md.Alt[l]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func specItemIDs(ctx context.Context, q querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, id FROM spec_items`)
	if err != nil {
		return nil, fmt.Errorf("store: spec items: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, fmt.Errorf("store: spec items: %w", err)
		}
		out[code] = id
	}
	return out, rows.Err()
}

// writeNews records what a publish brought: a new model, new trims,
// changed specifications, new brochures.
func (t *Tx) writeNews(id int64, old *Snapshot, s Snapshot, first bool, now time.Time) error {
	add := func(kind, trim string) error {
		_, err := t.tx.ExecContext(t.ctx, `INSERT INTO news_items (kind, model_id, trim_slug, at) VALUES (?, ?, ?, ?)`, kind, id, trim, fmtTime(now))
		if err != nil {
			return fmt.Errorf("store: news: %w", err)
		}
		return nil
	}
	if first || old == nil {
		return add("new_model", "")
	}
	specsChanged := false
	for _, tr := range s.Trims {
		i := slices.IndexFunc(old.Trims, func(o SnapTrim) bool { return o.Slug == tr.Slug })
		if i < 0 {
			if err := add("new_trim", tr.Slug); err != nil {
				return err
			}
			continue
		}
		o := old.Trims[i]
		a, _ := json.Marshal(o.Specs)
		b, _ := json.Marshal(tr.Specs)
		if string(a) != string(b) || o.EngineCC != tr.EngineCC || o.PowerHP != tr.PowerHP || o.Fuel != tr.Fuel || o.Transmission != tr.Transmission || o.Drive != tr.Drive {
			specsChanged = true
		}
	}
	if specsChanged {
		if err := add("specs_updated", ""); err != nil {
			return err
		}
	}
	for _, md := range s.Media {
		if md.Kind != "brochure" {
			continue
		}
		if !slices.ContainsFunc(old.Media, func(o SnapMedia) bool { return o.File == md.File }) {
			if err := add("new_brochure", ""); err != nil {
				return err
			}
			break
		}
	}
	return nil
}

// UnpublishModel takes a published entry off the public site; it returns
// to draft, its revisions kept.
func (t *Tx) UnpublishModel(id int64, now time.Time) error {
	return t.setStatus(id, "draft", []string{"published"}, now)
}

// ArchiveModel retires an entry: off the public site and off the editor's
// active list, its revisions kept.
func (t *Tx) ArchiveModel(id int64, now time.Time) error {
	return t.setStatus(id, "archived", []string{"published", "draft"}, now)
}

func (t *Tx) setStatus(id int64, to string, from []string, now time.Time) error {
	m, err := editorModel(t.ctx, t.tx, id)
	if err != nil {
		return err
	}
	if !slices.Contains(from, m.Status) {
		return ErrWrongStatus
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE models SET status = ?, updated_at = ? WHERE id = ?`, to, fmtTime(now), id); err != nil {
		return fmt.Errorf("store: model %d status: %w", id, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE catalogue_schedules SET canceled_at = ? WHERE model_id = ? AND done_at IS NULL AND canceled_at IS NULL AND ? = 'archived'`,
		fmtTime(now), id, to); err != nil {
		return fmt.Errorf("store: model %d schedules: %w", id, err)
	}
	if err := t.indexModel(id); err != nil {
		return err
	}
	if m.Status == "published" {
		return t.ContentChanged()
	}
	return nil
}

// ScheduleModel plans a publish or unpublish of the entry at due.
func (t *Tx) ScheduleModel(id int64, action string, due time.Time, by Actor, now time.Time) (int64, error) {
	m, err := editorModel(t.ctx, t.tx, id)
	if err != nil {
		return 0, err
	}
	if m.Status == "archived" || (action != "publish" && action != "unpublish") {
		return 0, ErrWrongStatus
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO catalogue_schedules (model_id, action, due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, action, fmtTime(due), nullID(by.ID), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: schedule %d: %w", id, err)
	}
	return res.LastInsertId()
}

// CancelSchedule cancels a pending schedule of the entry.
func (t *Tx) CancelSchedule(id, scheduleID int64, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE catalogue_schedules SET canceled_at = ? WHERE id = ? AND model_id = ? AND done_at IS NULL AND canceled_at IS NULL`,
		fmtTime(now), scheduleID, id)
	if err != nil {
		return fmt.Errorf("store: cancel schedule %d: %w", scheduleID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: schedule %d: %w", scheduleID, ErrNotFound)
	}
	return nil
}

// RunDueSchedules carries out every schedule due at now, each in its own
// transaction with its audit entry, and returns how many ran. A schedule
// is marked done in the transaction that carries it out, so running again
// (or after a restart) never repeats one. A schedule that cannot be
// carried out (a draft not ready) is marked done with the reason audited.
func (s *Store) RunDueSchedules(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, model_id, action FROM catalogue_schedules
		WHERE done_at IS NULL AND canceled_at IS NULL AND due_at <= ? ORDER BY due_at, id`, fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: due schedules: %w", err)
	}
	type due struct {
		id, model int64
		action    string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.model, &d.action); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: due schedules: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	n := 0
	for _, d := range list {
		err := s.Tx(ctx, func(tx *Tx) error {
			res, err := tx.tx.ExecContext(ctx, `UPDATE catalogue_schedules SET done_at = ? WHERE id = ? AND done_at IS NULL AND canceled_at IS NULL`, fmtTime(now), d.id)
			if err != nil {
				return fmt.Errorf("store: schedule %d: %w", d.id, err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // done by another run meanwhile
			}
			var actErr error
			if d.action == "publish" {
				actErr = tx.PublishModel(d.model, now)
			} else {
				actErr = tx.UnpublishModel(d.model, now)
			}
			detail := "schedule " + fmt.Sprint(d.id)
			if actErr != nil {
				if !errors.Is(actErr, ErrNotReady) && !errors.Is(actErr, ErrWrongStatus) && !errors.Is(actErr, ErrSlugTaken) {
					return actErr
				}
				detail += ": not carried out: " + actErr.Error()
			}
			n++
			return tx.Audit(AuditEntry{At: now, Action: "catalogue.scheduled_" + d.action, TargetType: "model", TargetID: d.model, Detail: detail})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// SpecItemDef is a specification item the editor offers.
type SpecItemDef struct {
	Code     string
	Kind     string
	Unit     string
	Decimals int
	Name     Texts
}

// SpecGroupDef is a group of specification items.
type SpecGroupDef struct {
	Code  string
	Name  Texts
	Items []SpecItemDef
}

// SpecCatalog returns every specification group with its items, in order.
func (s *Store) SpecCatalog(ctx context.Context) ([]SpecGroupDef, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT g.id, g.code, i.id, i.code, i.kind, i.unit, i.decimals FROM spec_groups g
		JOIN spec_items i ON i.group_id = g.id ORDER BY g.sort_order, g.id, i.sort_order, i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: spec catalog: %w", err)
	}
	var out []SpecGroupDef
	var gids, iids []int64
	for rows.Next() {
		var gid, iid int64
		var gcode string
		var it SpecItemDef
		if err := rows.Scan(&gid, &gcode, &iid, &it.Code, &it.Kind, &it.Unit, &it.Decimals); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: spec catalog: %w", err)
		}
		if len(gids) == 0 || gids[len(gids)-1] != gid {
			out = append(out, SpecGroupDef{Code: gcode})
			gids = append(gids, gid)
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
		iids = append(iids, iid)
	}
	rows.Close()
	gn, err := s.loadTexts(ctx, "spec_group_texts", "group_id", "name", gids)
	if err != nil {
		return nil, err
	}
	in, err := s.loadTexts(ctx, "spec_item_texts", "item_id", "name", iids)
	if err != nil {
		return nil, err
	}
	k := 0
	for gi := range out {
		out[gi].Name = Texts(gn[gids[gi]])
		for ii := range out[gi].Items {
			out[gi].Items[ii].Name = Texts(in[iids[k]])
			k++
		}
	}
	return out, nil
}

// NewsItem is one entry of "what's new", in a language.
type NewsItem struct {
	ID        int64
	Kind      string
	ModelSlug string
	ModelName Text
	TrimName  Text
	At        time.Time
}

// News returns the newest "what's new" items of published models.
func (s *Store) News(ctx context.Context, lang string, limit int) ([]NewsItem, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT n.id, n.kind, n.model_id, m.slug, n.trim_slug, n.at,
		COALESCE((SELECT t.id FROM trims t WHERE t.model_id = n.model_id AND t.slug = n.trim_slug), 0)
		FROM news_items n JOIN models m ON m.id = n.model_id AND m.status = 'published'
		ORDER BY n.at DESC, n.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: news: %w", err)
	}
	var out []NewsItem
	var mids, tids []int64
	for rows.Next() {
		var it NewsItem
		var mid, tid int64
		var trimSlug string
		var at sql.NullString
		if err := rows.Scan(&it.ID, &it.Kind, &mid, &it.ModelSlug, &trimSlug, &at, &tid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: news: %w", err)
		}
		it.At = parseTime(at)
		out = append(out, it)
		mids = append(mids, mid)
		tids = append(tids, tid)
	}
	rows.Close()
	mn, err := s.loadTexts(ctx, "model_texts", "model_id", "name", mids)
	if err != nil {
		return nil, err
	}
	tn, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", tids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ModelName = mn.pick(mids[i], lang)
		if tids[i] != 0 {
			out[i].TrimName = tn.pick(tids[i], lang)
		}
	}
	return out, nil
}
