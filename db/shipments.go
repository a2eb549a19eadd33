package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Errors of shipment and market changes.
var (
	// ErrShipmentExists is a record for a month, market and model that
	// already has one.
	ErrShipmentExists = errors.New("a shipment record for this month, market and model exists")
	// ErrMarketExists is a market code already taken.
	ErrMarketExists = errors.New("a market with this code exists")
)

// MaxShipmentUnits bounds one record: no month of one model to one market
// comes near it, so a larger figure is a typing error.
const MaxShipmentUnits = 1_000_000

var monthRe = regexp.MustCompile(`^[12][0-9]{3}-(0[1-9]|1[0-2])$`)

// ValidMonth reports whether s is a month written YYYY-MM.
func ValidMonth(s string) bool { return monthRe.MatchString(s) }

// MonthOf is the month of t (in t's location) as YYYY-MM.
func MonthOf(t time.Time) string { return t.Format("2006-01") }

// AddMonths moves a YYYY-MM month by n months (negative goes back).
func AddMonths(month string, n int) string {
	y, m := monthParts(month)
	total := y*12 + (m - 1) + n
	return fmt.Sprintf("%04d-%02d", total/12, total%12+1)
}

// monthParts splits a valid YYYY-MM month into year and month number.
func monthParts(month string) (int, int) {
	y, _ := strconv.Atoi(month[:4])
	m, _ := strconv.Atoi(month[5:7])
	return y, m
}

// Market is an export market shipments go to.
type Market struct {
	ID   int64
	Code string
	Name L10n
	Sort int
}

// ListMarkets returns every market in display order.
func (s *Store) ListMarkets(ctx context.Context) ([]Market, error) {
	rows, err := s.query(ctx, `SELECT id, code, name_ru, name_en, name_fa, sort_order FROM markets ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: markets: %w", err)
	}
	defer rows.Close()
	var out []Market
	for rows.Next() {
		var m Market
		if err := rows.Scan(&m.ID, &m.Code, &m.Name.RU, &m.Name.EN, &m.Name.FA, &m.Sort); err != nil {
			return nil, fmt.Errorf("store: markets: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateMarket adds a market after the others; ErrMarketExists when its
// code is taken.
func (t *Tx) CreateMarket(code string, name L10n, now time.Time) (int64, error) {
	t.shipmentsChanged = true
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO markets (code, name_ru, name_en, name_fa, sort_order, created_at)
		VALUES (?, ?, ?, ?, (SELECT COALESCE(max(sort_order), 0) + 10 FROM markets), ?)`, code, name.RU, name.EN, name.FA, fmtTime(now))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: markets.code") {
			return 0, ErrMarketExists
		}
		return 0, fmt.Errorf("store: create market %q: %w", code, err)
	}
	return res.LastInsertId()
}

// ShipmentModel is a catalogue model shipments may be recorded for, with
// its names in every language (for matching CSV lines).
type ShipmentModel struct {
	ID     int64
	Slug   string
	Status string
	Names  map[string]string // lang → name
}

// ListShipmentModels returns every catalogue model, archived ones
// included (past exports stay on record), in catalogue order.
func (s *Store) ListShipmentModels(ctx context.Context) ([]ShipmentModel, error) {
	rows, err := s.query(ctx, `SELECT id, slug, status FROM models ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: shipment models: %w", err)
	}
	var out []ShipmentModel
	var ids []int64
	for rows.Next() {
		var m ShipmentModel
		if err := rows.Scan(&m.ID, &m.Slug, &m.Status); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: shipment models: %w", err)
		}
		out = append(out, m)
		ids = append(ids, m.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: shipment models: %w", err)
	}
	names, err := s.loadTexts(ctx, "model_texts", "model_id", "name", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Names = names[out[i].ID]
		if out[i].Names == nil {
			out[i].Names = map[string]string{}
		}
	}
	return out, nil
}

// Name is the model's name in lang, falling back to the other languages
// and then to its slug.
func (m ShipmentModel) Name(lang string) Text {
	if t := (texts{m.ID: m.Names}).pick(m.ID, lang); t.Value != "" {
		return t
	}
	return Text{Value: m.Slug}
}

// ShipmentInput is one record as entered.
type ShipmentInput struct {
	Month    string
	MarketID int64
	ModelID  int64
	Units    int
	Demo     bool
}

// Shipment is a stored record with the names of its market and model.
type Shipment struct {
	ID         int64
	Month      string
	MarketID   int64
	MarketCode string
	MarketName L10n
	ModelID    int64
	ModelSlug  string
	ModelName  Text
	Units      int
	Demo       bool
	UpdatedAt  time.Time
}

// ShipmentFilter selects records for the staff list.
type ShipmentFilter struct {
	Year     int // 0 for every year
	MarketID int64
	ModelID  int64
	Page     int
	PerPage  int
}

// ListShipments returns a page of records, newest month first, with the
// number of all matches; model names are in lang.
func (s *Store) ListShipments(ctx context.Context, lang string, f ShipmentFilter) ([]Shipment, int, error) {
	where := []string{"1=1"}
	var args []any
	if f.Year > 0 {
		where = append(where, "s.month BETWEEN ? AND ?")
		args = append(args, fmt.Sprintf("%04d-01", f.Year), fmt.Sprintf("%04d-12", f.Year))
	}
	if f.MarketID > 0 {
		where = append(where, "s.market_id = ?")
		args = append(args, f.MarketID)
	}
	if f.ModelID > 0 {
		where = append(where, "s.model_id = ?")
		args = append(args, f.ModelID)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.queryRow(ctx, `SELECT count(*) FROM shipments s WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count shipments: %w", err)
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := s.query(ctx, `SELECT `+shipmentCols+` FROM shipments s JOIN markets mk ON mk.id = s.market_id JOIN models m ON m.id = s.model_id
		WHERE `+w+` ORDER BY s.month DESC, mk.sort_order, mk.id, m.sort_order, m.id LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list shipments: %w", err)
	}
	out, err := s.scanShipments(ctx, rows, lang)
	return out, total, err
}

const shipmentCols = `s.id, s.month, s.market_id, mk.code, mk.name_ru, mk.name_en, mk.name_fa, s.model_id, m.slug, s.units, s.demo, s.updated_at`

func (s *Store) scanShipments(ctx context.Context, rows *sql.Rows, lang string) ([]Shipment, error) {
	var out []Shipment
	var ids []int64
	for rows.Next() {
		var r Shipment
		var updated sql.NullString
		if err := rows.Scan(&r.ID, &r.Month, &r.MarketID, &r.MarketCode, &r.MarketName.RU, &r.MarketName.EN, &r.MarketName.FA,
			&r.ModelID, &r.ModelSlug, &r.Units, &r.Demo, &updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: shipments: %w", err)
		}
		r.UpdatedAt = parseTime(updated)
		out = append(out, r)
		ids = append(ids, r.ModelID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: shipments: %w", err)
	}
	names, err := s.loadTexts(ctx, "model_texts", "model_id", "name", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ModelName = names.pick(out[i].ModelID, lang)
		if out[i].ModelName.Value == "" {
			out[i].ModelName = Text{Value: out[i].ModelSlug}
		}
	}
	return out, nil
}

// ShipmentByID returns one record; ErrNotFound when there is none.
func (s *Store) ShipmentByID(ctx context.Context, lang string, id int64) (Shipment, error) {
	rows, err := s.query(ctx, `SELECT `+shipmentCols+` FROM shipments s JOIN markets mk ON mk.id = s.market_id JOIN models m ON m.id = s.model_id
		WHERE s.id = ?`, id)
	if err != nil {
		return Shipment{}, fmt.Errorf("store: shipment %d: %w", id, err)
	}
	out, err := s.scanShipments(ctx, rows, lang)
	if err != nil {
		return Shipment{}, err
	}
	if len(out) == 0 {
		return Shipment{}, fmt.Errorf("store: shipment %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// ShipmentKey names a record by its month, market and model.
type ShipmentKey struct {
	Month    string
	MarketID int64
	ModelID  int64
}

// ShipmentUnits returns the units recorded for each of keys that has a
// record.
func (s *Store) ShipmentUnits(ctx context.Context, keys []ShipmentKey) (map[ShipmentKey]int, error) {
	out := map[ShipmentKey]int{}
	if len(keys) == 0 {
		return out, nil
	}
	// The keys' months bound the scan; the rest is matched in Go.
	lo, hi := keys[0].Month, keys[0].Month
	want := make(map[ShipmentKey]bool, len(keys))
	for _, k := range keys {
		lo, hi = min(lo, k.Month), max(hi, k.Month)
		want[k] = true
	}
	rows, err := s.query(ctx, `SELECT month, market_id, model_id, units FROM shipments WHERE month BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("store: shipment units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k ShipmentKey
		var units int
		if err := rows.Scan(&k.Month, &k.MarketID, &k.ModelID, &units); err != nil {
			return nil, fmt.Errorf("store: shipment units: %w", err)
		}
		if want[k] {
			out[k] = units
		}
	}
	return out, rows.Err()
}

func isShipmentUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: shipments.")
}

// CreateShipment stores a new record; ErrShipmentExists when the month,
// market and model have one.
func (t *Tx) CreateShipment(in ShipmentInput, actorID int64, now time.Time) (int64, error) {
	t.shipmentsChanged = true
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO shipments (month, market_id, model_id, units, demo, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Month, in.MarketID, in.ModelID, in.Units, in.Demo, nullID(actorID), fmtTime(now), fmtTime(now))
	if isShipmentUnique(err) {
		return 0, ErrShipmentExists
	}
	if err != nil {
		return 0, fmt.Errorf("store: create shipment: %w", err)
	}
	return res.LastInsertId()
}

// UpdateShipment changes a record; ErrNotFound when it is gone,
// ErrShipmentExists when it would duplicate another.
func (t *Tx) UpdateShipment(id int64, in ShipmentInput, actorID int64, now time.Time) error {
	t.shipmentsChanged = true
	res, err := t.tx.ExecContext(t.ctx, `UPDATE shipments SET month = ?, market_id = ?, model_id = ?, units = ?, demo = 0, updated_by = ?, updated_at = ?
		WHERE id = ?`, in.Month, in.MarketID, in.ModelID, in.Units, nullID(actorID), fmtTime(now), id)
	if isShipmentUnique(err) {
		return ErrShipmentExists
	}
	if err != nil {
		return fmt.Errorf("store: update shipment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update shipment %d: %w", id, ErrNotFound)
	}
	return nil
}

// DeleteShipment removes a record and returns what it held.
func (t *Tx) DeleteShipment(id int64) (ShipmentInput, error) {
	t.shipmentsChanged = true
	var in ShipmentInput
	err := t.tx.QueryRowContext(t.ctx, `DELETE FROM shipments WHERE id = ? RETURNING month, market_id, model_id, units`, id).
		Scan(&in.Month, &in.MarketID, &in.ModelID, &in.Units)
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("store: delete shipment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("store: delete shipment %d: %w", id, err)
	}
	return in, nil
}

// ImportShipments stores records in the transaction: a new month, market
// and model is inserted, one already recorded has its units replaced. It
// returns how many were inserted and how many replaced; any failure fails
// the whole transaction, so an import is all or nothing.
func (t *Tx) ImportShipments(in []ShipmentInput, actorID int64, now time.Time) (inserted, replaced int, err error) {
	t.shipmentsChanged = true
	exists, err := t.tx.PrepareContext(t.ctx, `SELECT EXISTS (SELECT 1 FROM shipments WHERE month = ? AND market_id = ? AND model_id = ?)`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: import shipments: %w", err)
	}
	defer exists.Close()
	upsert, err := t.tx.PrepareContext(t.ctx, `INSERT INTO shipments (month, market_id, model_id, units, demo, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (month, market_id, model_id) DO UPDATE SET units = excluded.units, demo = excluded.demo,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: import shipments: %w", err)
	}
	defer upsert.Close()
	ts := fmtTime(now)
	for i, r := range in {
		var had bool
		if err := exists.QueryRowContext(t.ctx, r.Month, r.MarketID, r.ModelID).Scan(&had); err != nil {
			return 0, 0, fmt.Errorf("store: import shipments: record %d: %w", i+1, err)
		}
		if _, err := upsert.ExecContext(t.ctx, r.Month, r.MarketID, r.ModelID, r.Units, r.Demo, nullID(actorID), ts, ts); err != nil {
			return 0, 0, fmt.Errorf("store: import shipments: record %d (%s): %w", i+1, r.Month, err)
		}
		if had {
			replaced++
		} else {
			inserted++
		}
	}
	return inserted, replaced, nil
}

// ShipmentsVersion moves on with every committed change to shipments or
// markets, so figures derived from them under an older version are stale.
func (s *Store) ShipmentsVersion() int64 { return s.db.changes.load(slotShipments) }

// ShipmentMonths returns the first and last month with a record, or two
// empty strings when there is none.
func (s *Store) ShipmentMonths(ctx context.Context) (first, last string, err error) {
	var lo, hi sql.NullString
	if err := s.queryRow(ctx, `SELECT min(month), max(month) FROM shipments`).Scan(&lo, &hi); err != nil {
		return "", "", fmt.Errorf("store: shipment months: %w", err)
	}
	return lo.String, hi.String, nil
}

// ShipmentIDByKey returns the id of the record for a month, market and
// model; ErrNotFound when there is none.
func (s *Store) ShipmentIDByKey(ctx context.Context, k ShipmentKey) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT id FROM shipments WHERE month = ? AND market_id = ? AND model_id = ?`, k.Month, k.MarketID, k.ModelID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: shipment %s/%d/%d: %w", k.Month, k.MarketID, k.ModelID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: shipment %s/%d/%d: %w", k.Month, k.MarketID, k.ModelID, err)
	}
	return id, nil
}
