package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Incoterms are the eleven Incoterms 2020 rules, in the order the ICC
// lists them (any mode of transport first, then sea and inland waterway).
var Incoterms = []string{"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"}

// OfferStatuses are the stored states of an offer; "expired" is not
// stored: a published offer whose valid_until has passed reads as expired.
var OfferStatuses = []string{"draft", "published", "archived"}

// dayFormat stores a day without a time.
const dayFormat = "2006-01-02"

// Day formats a moment as the UTC day it falls on, as stored.
func Day(t time.Time) string { return t.UTC().Format(dayFormat) }

func parseDay(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(dayFormat, s.String)
	return t
}

// ErrNotDraft is an edit or publish of an offer that is no longer a draft:
// a published offer is frozen.
var ErrNotDraft = errors.New("offer is not a draft")

// ErrNoRate is a publish without an exchange rate for the offer's currency
// on or before the day.
var ErrNoRate = errors.New("no exchange rate for the currency")

// RateRow is a stored exchange rate: Value rubles (a decimal with a dot)
// for Nominal units of Currency on Date.
type RateRow struct {
	Date      time.Time
	Currency  string
	Value     string
	Nominal   int64
	Source    string // cbr, manual; "rub" for the ruble's own rate
	EnteredBy int64
	CreatedAt time.Time
}

// SaveRates stores rates in the transaction: a rate for a currency and day
// that exists is replaced. Rates change converted prices on every offers
// page, so the content version moves with them.
func (t *Tx) SaveRates(rs []RateRow, now time.Time) error {
	for _, r := range rs {
		_, err := t.tx.ExecContext(t.ctx, `INSERT INTO exchange_rates(rate_date, currency, value, nominal, source, entered_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(currency, rate_date) DO UPDATE SET value = excluded.value, nominal = excluded.nominal,
				source = excluded.source, entered_by = excluded.entered_by, created_at = excluded.created_at`,
			Day(r.Date), r.Currency, r.Value, r.Nominal, r.Source, nullID(r.EnteredBy), fmtTime(now))
		if err != nil {
			return fmt.Errorf("store: rate %s %s: %w", r.Currency, Day(r.Date), err)
		}
	}
	return t.ContentChanged()
}

func scanRate(r rowScanner) (RateRow, error) {
	var rr RateRow
	var day, created sql.NullString
	var by sql.NullInt64
	err := r.Scan(&day, &rr.Currency, &rr.Value, &rr.Nominal, &rr.Source, &by, &created)
	rr.Date = parseDay(day)
	rr.CreatedAt = parseTime(created)
	rr.EnteredBy = by.Int64
	return rr, err
}

const rateCols = `rate_date, currency, value, nominal, source, entered_by, created_at`

// LatestRates returns, for each currency, its latest rate on or before day.
func (s *Store) LatestRates(ctx context.Context, day time.Time) (map[string]RateRow, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+rateCols+` FROM exchange_rates r
		WHERE rate_date = (SELECT max(rate_date) FROM exchange_rates x WHERE x.currency = r.currency AND x.rate_date <= ?)`, Day(day))
	if err != nil {
		return nil, fmt.Errorf("store: latest rates: %w", err)
	}
	defer rows.Close()
	out := map[string]RateRow{}
	for rows.Next() {
		rr, err := scanRate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: latest rates: %w", err)
		}
		out[rr.Currency] = rr
	}
	return out, rows.Err()
}

// RateOn returns the latest rate of currency on or before day, in the
// transaction; ErrNoRate when there is none.
func (t *Tx) RateOn(currency string, day time.Time) (RateRow, error) {
	rr, err := scanRate(t.tx.QueryRowContext(t.ctx, `SELECT `+rateCols+` FROM exchange_rates
		WHERE currency = ? AND rate_date <= ? ORDER BY rate_date DESC LIMIT 1`, currency, Day(day)))
	if errors.Is(err, sql.ErrNoRows) {
		return RateRow{}, fmt.Errorf("store: rate %s on %s: %w", currency, Day(day), ErrNoRate)
	}
	return rr, err
}

// ListRates returns the most recent rates, newest day first.
func (s *Store) ListRates(ctx context.Context, limit int) ([]RateRow, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+rateCols+` FROM exchange_rates ORDER BY rate_date DESC, currency LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: rates: %w", err)
	}
	defer rows.Close()
	var out []RateRow
	for rows.Next() {
		rr, err := scanRate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: rates: %w", err)
		}
		out = append(out, rr)
	}
	return out, rows.Err()
}

// Tier is a volume price: from MinQty units, Price per unit.
type Tier struct {
	MinQty     int64
	PriceMinor int64
}

// OfferTexts are an offer's texts in one language.
type OfferTexts struct {
	Warranty   string
	AfterSales string
	Notes      string
}

// OfferInput is what staff enter for an offer.
type OfferInput struct {
	ModelID     int64
	TrimID      int64 // 0: for the model as a whole
	Price       Money
	Tiers       []Tier
	MOQ         int64
	Incoterm    string
	Place       string
	LeadDays    int
	ValidFrom   time.Time
	ValidUntil  time.Time
	PriceListID int64 // media_files id of a PDF; 0 for none
	Texts       map[string]OfferTexts
	Demo        bool
	// Replaces: publishing this draft, a copy, archives the offer it was
	// copied from and moves that offer's followers to it.
	Replaces bool
}

// Offer is a stored offer with its names, tiers and texts.
type Offer struct {
	OfferInput
	ID        int64
	Status    string
	ModelSlug string
	ModelName Text
	TrimName  Text
	BodyType  string
	// Frozen at publish.
	RubMinor    int64
	Rate        RateRow
	PrevOfferID int64
	// PriceChange is -1, 0 or 1 against the previous offer of the same
	// trim; HasPrev is false for the first.
	PriceChange int
	HasPrev     bool
	PublishedAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// PriceListName is the media file's name, for its link.
	PriceListName string
	// CopiedFrom is the offer a draft was copied from (0: none);
	// ReplacedBy the newer version that replaced this offer (0: none).
	CopiedFrom int64
	ReplacedBy int64
}

// Expired reports whether a published offer's validity ended before today.
func (o Offer) Expired(today time.Time) bool {
	return o.Status == "published" && Day(o.ValidUntil) < Day(today)
}

// Frozen is what publishing fixes into an offer: the price in rubles and
// the rate used for it.
type Frozen struct {
	RubMinor int64
	Rate     RateRow
}

func (t *Tx) writeOfferParts(id int64, in OfferInput) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM offer_tiers WHERE offer_id = ?`, id); err != nil {
		return fmt.Errorf("store: offer %d tiers: %w", id, err)
	}
	for _, tr := range in.Tiers {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_tiers(offer_id, min_qty, price_minor) VALUES (?, ?, ?)`, id, tr.MinQty, tr.PriceMinor); err != nil {
			return fmt.Errorf("store: offer %d tier: %w", id, err)
		}
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM offer_texts WHERE offer_id = ?`, id); err != nil {
		return fmt.Errorf("store: offer %d texts: %w", id, err)
	}
	for _, lang := range Langs {
		tx := in.Texts[lang]
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_texts(offer_id, lang, warranty, after_sales, notes) VALUES (?, ?, ?, ?, ?)`,
			id, lang, tx.Warranty, tx.AfterSales, tx.Notes); err != nil {
			return fmt.Errorf("store: offer %d texts: %w", id, err)
		}
	}
	return nil
}

func trimArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateOffer stores a new draft offer.
func (t *Tx) CreateOffer(in OfferInput, by int64, now time.Time) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO offers(model_id, trim_id, price_minor, currency, moq, incoterm, place, lead_days,
		valid_from, valid_until, pricelist_media_id, demo, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ModelID, trimArg(in.TrimID), in.Price.Minor, in.Price.Currency, in.MOQ, in.Incoterm, in.Place, in.LeadDays,
		Day(in.ValidFrom), Day(in.ValidUntil), nullID(in.PriceListID), in.Demo, nullID(by), fmtTime(now), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: create offer: %w", err)
	}
	id, _ := res.LastInsertId()
	return id, t.writeOfferParts(id, in)
}

// SaveOffer replaces a draft offer's fields; ErrNotDraft once published.
func (t *Tx) SaveOffer(id int64, in OfferInput, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE offers SET model_id = ?, trim_id = ?, price_minor = ?, currency = ?, moq = ?, incoterm = ?,
		place = ?, lead_days = ?, valid_from = ?, valid_until = ?, pricelist_media_id = ?, updated_at = ?,
		replaces = (copied_from IS NOT NULL AND ?)
		WHERE id = ? AND status = 'draft'`,
		in.ModelID, trimArg(in.TrimID), in.Price.Minor, in.Price.Currency, in.MOQ, in.Incoterm, in.Place, in.LeadDays,
		Day(in.ValidFrom), Day(in.ValidUntil), nullID(in.PriceListID), fmtTime(now), in.Replaces, id)
	if err != nil {
		return fmt.Errorf("store: save offer %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.draftProblem(id)
	}
	return t.writeOfferParts(id, in)
}

// draftProblem explains why a draft-only change touched no row.
func (t *Tx) draftProblem(id int64) error {
	var status string
	err := t.tx.QueryRowContext(t.ctx, `SELECT status FROM offers WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("store: offer %d is %s: %w", id, status, ErrNotDraft)
}

// OfferForPublish reads the fields publishing needs, in the transaction.
func (t *Tx) OfferForPublish(id int64) (Money, int64, int64, string, error) {
	var m Money
	var model int64
	var trim sql.NullInt64
	var status string
	err := t.tx.QueryRowContext(t.ctx, `SELECT price_minor, currency, model_id, trim_id, status FROM offers WHERE id = ?`, id).
		Scan(&m.Minor, &m.Currency, &model, &trim, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return m, 0, 0, "", fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
	}
	return m, model, trim.Int64, status, err
}

// PublishOffer publishes a draft, freezing the price in rubles and the rate
// used, and marking how the price moved since the previous published offer
// of the same trim (or of the model, for model-wide offers).
func (t *Tx) PublishOffer(id int64, f Frozen, now time.Time) error {
	_, model, trim, status, err := t.OfferForPublish(id)
	if err != nil {
		return err
	}
	if status != "draft" {
		return fmt.Errorf("store: offer %d is %s: %w", id, status, ErrNotDraft)
	}
	var prevID, prevRub sql.NullInt64
	err = t.tx.QueryRowContext(t.ctx, `SELECT id, rub_minor FROM offers
		WHERE model_id = ? AND trim_id IS ? AND status IN ('published','archived') AND id <> ?
		ORDER BY published_at DESC, id DESC LIMIT 1`, model, trimArg(trim), id).Scan(&prevID, &prevRub)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: offer %d previous: %w", id, err)
	}
	var change any
	if prevID.Valid {
		switch {
		case f.RubMinor > prevRub.Int64:
			change = 1
		case f.RubMinor < prevRub.Int64:
			change = -1
		default:
			change = 0
		}
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE offers SET status = 'published', rub_minor = ?, rate_value = ?, rate_nominal = ?, rate_date = ?,
		rate_source = ?, prev_offer_id = ?, price_change = ?, published_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
		f.RubMinor, f.Rate.Value, f.Rate.Nominal, Day(f.Rate.Date), f.Rate.Source, nullInt(prevID), change, fmtTime(now), fmtTime(now), id)
	if err != nil {
		return fmt.Errorf("store: publish offer %d: %w", id, err)
	}
	if err := t.indexOffer(id); err != nil {
		return err
	}
	return t.ContentChanged()
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

// ArchiveOffer moves a published offer to the archive.
func (t *Tx) ArchiveOffer(id int64, now time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE offers SET status = 'archived', updated_at = ? WHERE id = ? AND status = 'published'`, fmtTime(now), id)
	if err != nil {
		return fmt.Errorf("store: archive offer %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var status string
		if err := t.tx.QueryRowContext(t.ctx, `SELECT status FROM offers WHERE id = ?`, id).Scan(&status); err != nil {
			return fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
		}
		return fmt.Errorf("store: offer %d is %s: %w", id, status, ErrNotDraft)
	}
	if err := t.indexOffer(id); err != nil {
		return err
	}
	return t.ContentChanged()
}

// DeleteDraftOffer deletes an offer that was never published.
func (t *Tx) DeleteDraftOffer(id int64) error {
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM offers WHERE id = ? AND status = 'draft'`, id)
	if err != nil {
		return fmt.Errorf("store: delete offer %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.draftProblem(id)
	}
	return nil
}

// OfferFilter selects offers for a list. Empty fields do not filter.
type OfferFilter struct {
	// Scope: "current" (published, valid until today or later), "archive"
	// (archived, or published and expired), "staff" (every status).
	Scope    string
	Today    time.Time
	Model    string // model slug
	ModelID  int64
	Body     string
	Incoterm string
	ValidNow bool
	// PriceBounds limits the unit price per currency, in that currency's
	// minor units: the viewer's range converted once per currency.
	PriceBounds map[string][2]int64
	IDs         []int64 // only these offers (a person's follows); nil: any
	Page        int
	PerPage     int // 0: all
}

const offerCols = `o.id, o.model_id, o.trim_id, o.status, o.price_minor, o.currency, o.moq, o.incoterm, o.place, o.lead_days,
	o.valid_from, o.valid_until, o.pricelist_media_id, o.demo, o.rub_minor, o.rate_value, o.rate_nominal, o.rate_date, o.rate_source,
	o.prev_offer_id, o.price_change, o.published_at, o.created_at, o.updated_at, m.slug, m.body_type, f.name,
	o.copied_from, o.replaces, o.replaced_by`

const offerFrom = ` FROM offers o JOIN models m ON m.id = o.model_id LEFT JOIN media_files f ON f.id = o.pricelist_media_id AND f.deleted_at IS NULL`

func scanOffer(r rowScanner) (Offer, error) {
	var o Offer
	var trim, media, rub, nominal, prev, change, copied, replacedBy sql.NullInt64
	var from, until, rateValue, rateDate, rateSource, published, created, updated, fileName sql.NullString
	err := r.Scan(&o.ID, &o.ModelID, &trim, &o.Status, &o.Price.Minor, &o.Price.Currency, &o.MOQ, &o.Incoterm, &o.Place, &o.LeadDays,
		&from, &until, &media, &o.Demo, &rub, &rateValue, &nominal, &rateDate, &rateSource, &prev, &change, &published, &created, &updated,
		&o.ModelSlug, &o.BodyType, &fileName, &copied, &o.Replaces, &replacedBy)
	o.TrimID, o.PriceListID, o.RubMinor, o.PrevOfferID = trim.Int64, media.Int64, rub.Int64, prev.Int64
	o.CopiedFrom, o.ReplacedBy = copied.Int64, replacedBy.Int64
	o.ValidFrom, o.ValidUntil = parseDay(from), parseDay(until)
	o.Rate = RateRow{Currency: o.Price.Currency, Value: rateValue.String, Nominal: nominal.Int64, Date: parseDay(rateDate), Source: rateSource.String}
	o.HasPrev, o.PriceChange = change.Valid, int(change.Int64)
	o.PublishedAt, o.CreatedAt, o.UpdatedAt = parseTime(published), parseTime(created), parseTime(updated)
	o.PriceListName = fileName.String
	return o, err
}

func (f OfferFilter) where() (string, []any) {
	var where []string
	var args []any
	today := Day(f.Today)
	switch f.Scope {
	case "archive":
		where = append(where, `(o.status = 'archived' OR (o.status = 'published' AND o.valid_until < ?))`)
		args = append(args, today)
	case "staff":
	default:
		where = append(where, `o.status = 'published' AND o.valid_until >= ?`)
		args = append(args, today)
	}
	if f.Model != "" {
		where = append(where, `m.slug = ?`)
		args = append(args, f.Model)
	}
	if f.ModelID != 0 {
		where = append(where, `o.model_id = ?`)
		args = append(args, f.ModelID)
	}
	if f.Body != "" {
		where = append(where, `m.body_type = ?`)
		args = append(args, f.Body)
	}
	if f.Incoterm != "" {
		where = append(where, `o.incoterm = ?`)
		args = append(args, f.Incoterm)
	}
	if f.ValidNow {
		where = append(where, `o.valid_from <= ? AND o.valid_until >= ?`)
		args = append(args, today, today)
	}
	if f.PriceBounds != nil {
		var ors []string
		for cur, b := range f.PriceBounds {
			ors = append(ors, `(o.currency = ? AND o.price_minor BETWEEN ? AND ?)`)
			args = append(args, cur, b[0], b[1])
		}
		if len(ors) == 0 {
			ors = append(ors, "0")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			where = append(where, "0")
		} else {
			where = append(where, `o.id IN (`+placeholders(len(f.IDs))+`)`)
			args = append(args, int64Args(f.IDs)...)
		}
	}
	if len(where) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ListOffers returns one page of offers matching the filter, newest first,
// with the total count, model and trim names in lang and tiers.
func (s *Store) ListOffers(ctx context.Context, lang string, f OfferFilter) ([]Offer, int, error) {
	where, args := f.where()
	var total int
	from := offerFrom
	if f.Model == "" && f.Body == "" {
		// Counting needs the models only to filter by them.
		from = ` FROM offers o`
	}
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count offers: %w", err)
	}
	order := ` ORDER BY o.published_at DESC, o.id DESC`
	if f.Scope == "staff" {
		// Drafts have no publication time: the latest change orders them.
		order = ` ORDER BY coalesce(o.published_at, o.updated_at) DESC, o.id DESC`
	}
	q := `SELECT ` + offerCols + offerFrom + where + order
	if f.PerPage > 0 {
		page := max(f.Page, 1)
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.PerPage, (page-1)*f.PerPage)
	}
	out, err := s.queryOffers(ctx, lang, q, args...)
	return out, total, err
}

func (s *Store) queryOffers(ctx context.Context, lang, q string, args ...any) ([]Offer, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: offers: %w", err)
	}
	var out []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: offers: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: offers: %w", err)
	}
	rows.Close()
	return out, s.fillOffers(ctx, lang, out)
}

// fillOffers loads names, tiers and texts for offers.
func (s *Store) fillOffers(ctx context.Context, lang string, out []Offer) error {
	if len(out) == 0 {
		return nil
	}
	var ids, modelIDs, trimIDs []int64
	index := map[int64]int{}
	for i, o := range out {
		ids = append(ids, o.ID)
		index[o.ID] = i
		modelIDs = append(modelIDs, o.ModelID)
		if o.TrimID != 0 {
			trimIDs = append(trimIDs, o.TrimID)
		}
		out[i].Texts = map[string]OfferTexts{}
	}
	mnames, err := s.loadTexts(ctx, "model_texts", "model_id", "name", modelIDs)
	if err != nil {
		return err
	}
	tnames, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", trimIDs)
	if err != nil {
		return err
	}
	for i := range out {
		out[i].ModelName = mnames.pick(out[i].ModelID, lang)
		if out[i].TrimID != 0 {
			out[i].TrimName = tnames.pick(out[i].TrimID, lang)
		}
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT offer_id, min_qty, price_minor FROM offer_tiers WHERE offer_id IN (`+placeholders(len(ids))+`) ORDER BY offer_id, min_qty`, int64Args(ids)...)
	if err != nil {
		return fmt.Errorf("store: offer tiers: %w", err)
	}
	for rows.Next() {
		var id int64
		var tr Tier
		if err := rows.Scan(&id, &tr.MinQty, &tr.PriceMinor); err != nil {
			rows.Close()
			return fmt.Errorf("store: offer tiers: %w", err)
		}
		out[index[id]].Tiers = append(out[index[id]].Tiers, tr)
	}
	rows.Close()
	rows, err = s.db.Read.QueryContext(ctx, `SELECT offer_id, lang, warranty, after_sales, notes FROM offer_texts WHERE offer_id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return fmt.Errorf("store: offer texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l string
		var tx OfferTexts
		if err := rows.Scan(&id, &l, &tx.Warranty, &tx.AfterSales, &tx.Notes); err != nil {
			return fmt.Errorf("store: offer texts: %w", err)
		}
		out[index[id]].Texts[l] = tx
	}
	return rows.Err()
}

// OfferByID returns an offer in any status; ErrNotFound when none.
func (s *Store) OfferByID(ctx context.Context, lang string, id int64) (Offer, error) {
	out, err := s.queryOffers(ctx, lang, `SELECT `+offerCols+offerFrom+` WHERE o.id = ?`, id)
	if err != nil {
		return Offer{}, err
	}
	if len(out) == 0 {
		return Offer{}, fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// OfferHistory returns the published and archived offers of a trim (or of
// the model as a whole, trimID 0), oldest first: the price history.
func (s *Store) OfferHistory(ctx context.Context, lang string, modelID, trimID int64) ([]Offer, error) {
	return s.queryOffers(ctx, lang, `SELECT `+offerCols+offerFrom+`
		WHERE o.model_id = ? AND o.trim_id IS ? AND o.status IN ('published','archived') ORDER BY o.published_at, o.id`, modelID, trimArg(trimID))
}

// CountCurrentOffers counts the current offers of a model (0: of all
// models): what a visitor may know.
func (s *Store) CountCurrentOffers(ctx context.Context, modelID int64, today time.Time) (int, error) {
	q := `SELECT count(*) FROM offers WHERE status = 'published' AND valid_until >= ?`
	args := []any{Day(today)}
	if modelID != 0 {
		q += ` AND model_id = ?`
		args = append(args, modelID)
	}
	var n int
	if err := s.db.Read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count offers: %w", err)
	}
	return n, nil
}

// FollowOffer records that a person follows an offer; following twice is
// one follow.
func (t *Tx) FollowOffer(userID, offerID int64, now time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_follows(user_id, offer_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		userID, offerID, fmtTime(now))
	if err != nil {
		return fmt.Errorf("store: follow offer %d: %w", offerID, err)
	}
	t.followsChanged = append(t.followsChanged, userID)
	return nil
}

// UnfollowOffer ends a follow.
func (t *Tx) UnfollowOffer(userID, offerID int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM offer_follows WHERE user_id = ? AND offer_id = ?`, userID, offerID); err != nil {
		return fmt.Errorf("store: unfollow offer %d: %w", offerID, err)
	}
	t.followsChanged = append(t.followsChanged, userID)
	return nil
}

// FollowedOfferIDs returns the offers a person follows, newest follow first.
func (s *Store) FollowedOfferIDs(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT offer_id FROM offer_follows WHERE user_id = ? ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: follows: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OfferRequest is an expression of interest in an offer.
type OfferRequest struct {
	ID        int64
	OfferID   int64
	UserID    int64
	Quantity  int64
	Message   string
	Status    string
	RepliedAt time.Time
	CreatedAt time.Time
	// The person and the offer, for the staff list.
	Person  string
	Company string
	Email   string
	Lang    string
	Model   Text
	Trim    Text
}

// CreateOfferRequest records an expression of interest.
func (t *Tx) CreateOfferRequest(offerID, userID, qty int64, message string, now time.Time) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_requests(offer_id, user_id, quantity, message, created_at) VALUES (?, ?, ?, ?, ?)`,
		offerID, userID, qty, message, fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: offer request: %w", err)
	}
	return res.LastInsertId()
}

const requestCols = `r.id, r.offer_id, r.user_id, r.quantity, r.message, r.status, r.replied_at, r.created_at,
	u.full_name, u.company, u.email, u.lang, o.model_id, o.trim_id`

func scanRequest(r rowScanner) (OfferRequest, int64, int64, error) {
	var q OfferRequest
	var replied, created sql.NullString
	var model int64
	var trim sql.NullInt64
	err := r.Scan(&q.ID, &q.OfferID, &q.UserID, &q.Quantity, &q.Message, &q.Status, &replied, &created,
		&q.Person, &q.Company, &q.Email, &q.Lang, &model, &trim)
	q.RepliedAt, q.CreatedAt = parseTime(replied), parseTime(created)
	return q, model, trim.Int64, err
}

// ListOfferRequests returns one page of requests, newest first, with the
// total.
func (s *Store) ListOfferRequests(ctx context.Context, lang string, page, perPage int) ([]OfferRequest, int, error) {
	var total int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM offer_requests`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count requests: %w", err)
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+requestCols+` FROM offer_requests r JOIN users u ON u.id = r.user_id
		JOIN offers o ON o.id = r.offer_id ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`, perPage, (max(page, 1)-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("store: requests: %w", err)
	}
	var out []OfferRequest
	var models, trims []int64
	for rows.Next() {
		q, m, tr, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: requests: %w", err)
		}
		out = append(out, q)
		models, trims = append(models, m), append(trims, tr)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, 0, err
	}
	rows.Close()
	mnames, err := s.loadTexts(ctx, "model_texts", "model_id", "name", models)
	if err != nil {
		return nil, 0, err
	}
	tnames, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", trims)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Model = mnames.pick(models[i], lang)
		out[i].Trim = tnames.pick(trims[i], lang)
	}
	return out, total, nil
}

// OfferRequestByID reads a request with its person, in the transaction.
func (t *Tx) OfferRequestByID(id int64) (OfferRequest, error) {
	q, _, _, err := scanRequest(t.tx.QueryRowContext(t.ctx, `SELECT `+requestCols+` FROM offer_requests r JOIN users u ON u.id = r.user_id
		JOIN offers o ON o.id = r.offer_id WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("store: offer request %d: %w", id, ErrNotFound)
	}
	return q, err
}

// MarkOfferRequestReplied records a staff reply to a request.
func (t *Tx) MarkOfferRequestReplied(id, by int64, now time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE offer_requests SET status = 'replied', replied_at = ?, replied_by = ? WHERE id = ?`, fmtTime(now), nullID(by), id)
	if err != nil {
		return fmt.Errorf("store: reply to request %d: %w", id, err)
	}
	return nil
}

// ModelIDBySlug returns the id of a published model.
func (s *Store) ModelIDBySlug(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT id FROM models WHERE slug = ? AND status = 'published'`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: model %q: %w", slug, ErrNotFound)
	}
	return id, err
}

// TrimModel returns the model of a trim, for checking an offer's choice.
func (s *Store) TrimModel(ctx context.Context, trimID int64) (int64, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT model_id FROM trims WHERE id = ?`, trimID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: trim %d: %w", trimID, ErrNotFound)
	}
	return id, err
}

// ModelChoices are published models by slug with their names in lang, for
// filters.
func (s *Store) ModelChoices(ctx context.Context, lang string) ([]ModelTrims, error) {
	return s.ListTrimChoices(ctx, lang)
}

// ModelSlugs returns the slug of each published model by id.
func (s *Store) ModelSlugs(ctx context.Context) (map[int64]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, slug FROM models WHERE status = 'published'`)
	if err != nil {
		return nil, fmt.Errorf("store: model slugs: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return nil, err
		}
		out[id] = slug
	}
	return out, rows.Err()
}

// MediaIsPriceList reports whether a library file is the price list of
// any offer: such a file is offer data, for logged-in members only.
func (s *Store) MediaIsPriceList(ctx context.Context, mediaID int64) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM offers WHERE pricelist_media_id = ?`, mediaID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: price list %d: %w", mediaID, err)
	}
	return n > 0, nil
}
