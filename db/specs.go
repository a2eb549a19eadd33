package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrCodeTaken: another specification group or item has the code.
var ErrCodeTaken = errors.New("code is taken")

// SpecKinds are the kinds a specification item may have.
var SpecKinds = []string{"number", "bool", "text"}

// SpecUnits are the unit codes a number item may have; the message
// catalogs translate each (unit.mm).
var SpecUnits = []string{"mm", "kg", "l", "cc", "hp", "nm", "kmh", "s", "l100km", "pcs"}

// SpecGroupEdit is a specification group as staff manage it, with its
// items; Items is empty for a group not yet given any.
type SpecGroupEdit struct {
	ID        int64
	Code      string
	SortOrder int
	Name      Texts
	Items     []SpecItemEdit
}

// SpecItemEdit is a specification item as staff manage it. Its code and
// kind are fixed once created: drafts hold values by code, read by kind.
type SpecItemEdit struct {
	ID        int64
	GroupID   int64
	Code      string
	Kind      string
	Unit      string
	Decimals  int
	SortOrder int
	Name      Texts
}

// SpecGroups returns every specification group, empty ones included, with
// its items, in display order.
func (s *Store) SpecGroups(ctx context.Context) ([]SpecGroupEdit, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, code, sort_order FROM spec_groups ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: spec groups: %w", err)
	}
	var out []SpecGroupEdit
	var gids []int64
	at := map[int64]int{}
	for rows.Next() {
		var g SpecGroupEdit
		if err := rows.Scan(&g.ID, &g.Code, &g.SortOrder); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: spec groups: %w", err)
		}
		at[g.ID] = len(out)
		out = append(out, g)
		gids = append(gids, g.ID)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: spec groups: %w", err)
	}
	rows.Close()
	irows, err := s.db.Read.QueryContext(ctx, `SELECT id, group_id, code, kind, unit, decimals, sort_order FROM spec_items ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: spec items: %w", err)
	}
	var iids []int64
	type pos struct{ g, i int }
	var where []pos
	for irows.Next() {
		var it SpecItemEdit
		if err := irows.Scan(&it.ID, &it.GroupID, &it.Code, &it.Kind, &it.Unit, &it.Decimals, &it.SortOrder); err != nil {
			irows.Close()
			return nil, fmt.Errorf("store: spec items: %w", err)
		}
		gi := at[it.GroupID]
		where = append(where, pos{gi, len(out[gi].Items)})
		out[gi].Items = append(out[gi].Items, it)
		iids = append(iids, it.ID)
	}
	if err := irows.Err(); err != nil {
		irows.Close()
		return nil, fmt.Errorf("store: spec items: %w", err)
	}
	irows.Close()
	gn, err := s.loadTexts(ctx, "spec_group_texts", "group_id", "name", gids)
	if err != nil {
		return nil, err
	}
	in, err := s.loadTexts(ctx, "spec_item_texts", "item_id", "name", iids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Name = nonEmpty(gn[out[i].ID])
	}
	for k, p := range where {
		out[p.g].Items[p.i].Name = nonEmpty(in[iids[k]])
	}
	return out, nil
}

func nonEmpty(m map[string]string) Texts {
	t := Texts{}
	for l, v := range m {
		if v != "" {
			t[l] = v
		}
	}
	return t
}

// SpecGroupByID returns one group without its items, or ErrNotFound.
func (s *Store) SpecGroupByID(ctx context.Context, id int64) (SpecGroupEdit, error) {
	g := SpecGroupEdit{ID: id}
	err := s.db.Read.QueryRowContext(ctx, `SELECT code, sort_order FROM spec_groups WHERE id = ?`, id).Scan(&g.Code, &g.SortOrder)
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("store: spec group %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("store: spec group %d: %w", id, err)
	}
	g.Name, err = loadTextsQ(ctx, s.db.Read, "spec_group_texts", "group_id", "name", id)
	return g, err
}

// SpecItemByID returns one item, or ErrNotFound.
func (s *Store) SpecItemByID(ctx context.Context, id int64) (SpecItemEdit, error) {
	it := SpecItemEdit{ID: id}
	err := s.db.Read.QueryRowContext(ctx, `SELECT group_id, code, kind, unit, decimals, sort_order FROM spec_items WHERE id = ?`, id).
		Scan(&it.GroupID, &it.Code, &it.Kind, &it.Unit, &it.Decimals, &it.SortOrder)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("store: spec item %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("store: spec item %d: %w", id, err)
	}
	it.Name, err = loadTextsQ(ctx, s.db.Read, "spec_item_texts", "item_id", "name", id)
	return it, err
}

// SpecCodeTaken reports whether a group (table spec_groups) or an item
// (spec_items) has the code.
func (s *Store) SpecCodeTaken(ctx context.Context, table, code string) (bool, error) {
	return specCodeTaken(ctx, s.db.Read, table, code)
}

func specCodeTaken(ctx context.Context, q querier, table, code string) (bool, error) {
	if table != "spec_groups" && table != "spec_items" {
		return false, fmt.Errorf("store: spec code: unknown table %q", table)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE code = ?`, code).Scan(&n); err != nil {
		return false, fmt.Errorf("store: spec code %q: %w", code, err)
	}
	return n > 0, nil
}

// writeNames replaces the names of a group or item: one row per language
// given.
func (t *Tx) writeNames(table, keyCol string, id int64, name Texts) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM `+table+` WHERE `+keyCol+` = ?`, id); err != nil {
		return fmt.Errorf("store: %s of %d: %w", table, id, err)
	}
	for _, l := range Langs {
		if name[l] == "" {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO `+table+` (`+keyCol+`, lang, name) VALUES (?, ?, ?)`, id, l, name[l]); err != nil {
			return fmt.Errorf("store: %s of %d: %w", table, id, err)
		}
	}
	return nil
}

// CreateSpecGroup adds a group; it returns ErrCodeTaken when another group
// has the code. A new group has no items, so public pages do not change.
func (t *Tx) CreateSpecGroup(g SpecGroupEdit) (int64, error) {
	taken, err := specCodeTaken(t.ctx, t.tx, "spec_groups", g.Code)
	if err != nil {
		return 0, err
	}
	if taken {
		return 0, ErrCodeTaken
	}
	var id int64
	if err := t.tx.QueryRowContext(t.ctx, `INSERT INTO spec_groups (code, sort_order) VALUES (?, ?) RETURNING id`, g.Code, g.SortOrder).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: create spec group %q: %w", g.Code, err)
	}
	return id, t.writeNames("spec_group_texts", "group_id", id, g.Name)
}

// SaveSpecGroup renames and reorders a group. Public pages show group
// names in this order, so the content version moves on.
func (t *Tx) SaveSpecGroup(id int64, name Texts, sortOrder int) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE spec_groups SET sort_order = ? WHERE id = ?`, sortOrder, id)
	if err != nil {
		return fmt.Errorf("store: spec group %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: spec group %d: %w", id, ErrNotFound)
	}
	if err := t.writeNames("spec_group_texts", "group_id", id, name); err != nil {
		return err
	}
	return t.ContentChanged()
}

// CreateSpecItem adds an item to a group; it returns ErrCodeTaken when
// another item has the code, ErrNotFound when the group is gone. The item
// has no values yet, so public pages do not change.
func (t *Tx) CreateSpecItem(it SpecItemEdit) (int64, error) {
	taken, err := specCodeTaken(t.ctx, t.tx, "spec_items", it.Code)
	if err != nil {
		return 0, err
	}
	if taken {
		return 0, ErrCodeTaken
	}
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM spec_groups WHERE id = ?`, it.GroupID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: spec group %d: %w", it.GroupID, err)
	}
	if n == 0 {
		return 0, fmt.Errorf("store: spec group %d: %w", it.GroupID, ErrNotFound)
	}
	var id int64
	err = t.tx.QueryRowContext(t.ctx, `INSERT INTO spec_items (group_id, code, kind, unit, decimals, sort_order) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		it.GroupID, it.Code, it.Kind, it.Unit, it.Decimals, it.SortOrder).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create spec item %q: %w", it.Code, err)
	}
	return id, t.writeNames("spec_item_texts", "item_id", id, it.Name)
}

// SaveSpecItem changes an item's group, unit, decimals, order and names
// (its code and kind stay). Public pages show these, so the content
// version moves on.
func (t *Tx) SaveSpecItem(it SpecItemEdit) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE spec_items SET group_id = ?, unit = ?, decimals = ?, sort_order = ?
		WHERE id = ? AND EXISTS (SELECT 1 FROM spec_groups WHERE id = ?)`, it.GroupID, it.Unit, it.Decimals, it.SortOrder, it.ID, it.GroupID)
	if err != nil {
		return fmt.Errorf("store: spec item %d: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: spec item %d: %w", it.ID, ErrNotFound)
	}
	if err := t.writeNames("spec_item_texts", "item_id", it.ID, it.Name); err != nil {
		return err
	}
	return t.ContentChanged()
}

// NextSpecOrder is the sort order that puts a new group (groupID 0) or a
// new item of groupID after the others.
func (s *Store) NextSpecOrder(ctx context.Context, groupID int64) (int, error) {
	q := `SELECT COALESCE(max(sort_order), 0) + 10 FROM spec_groups`
	args := []any{}
	if groupID != 0 {
		q = `SELECT COALESCE(max(sort_order), 0) + 10 FROM spec_items WHERE group_id = ?`
		args = append(args, groupID)
	}
	var n int
	if err := s.db.Read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: spec order: %w", err)
	}
	return n, nil
}
