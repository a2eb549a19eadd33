package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Errors of the specification editor.
var (
	// ErrCodeTaken: another specification group or item has the code.
	ErrCodeTaken = errors.New("code is taken")
	// ErrSpecDeleted: the group or item was deleted meanwhile.
	ErrSpecDeleted = errors.New("specification deleted meanwhile")
	// ErrGroupDeleted: an item cannot come back while its group is
	// deleted.
	ErrGroupDeleted = errors.New("the item's group is deleted")
	// ErrRestoredAlready: the deletion was undone already.
	ErrRestoredAlready = errors.New("restored already")
)

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
	// Version moves on with every change (optimistic locking); Deleted is
	// set while the group is deleted.
	Version int
	Deleted bool
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
	Version   int
	Deleted   bool
}

// SpecGroups returns every specification group, empty ones included, with
// its items, in display order; deleted ones are left out.
func (s *Store) SpecGroups(ctx context.Context) ([]SpecGroupEdit, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, code, sort_order, version FROM spec_groups WHERE deletion_id IS NULL ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: spec groups: %w", err)
	}
	var out []SpecGroupEdit
	var gids []int64
	at := map[int64]int{}
	for rows.Next() {
		var g SpecGroupEdit
		if err := rows.Scan(&g.ID, &g.Code, &g.SortOrder, &g.Version); err != nil {
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
	irows, err := s.db.Read.QueryContext(ctx, `SELECT id, group_id, code, kind, unit, decimals, sort_order, version FROM spec_items
		WHERE deletion_id IS NULL AND group_id IN (SELECT id FROM spec_groups WHERE deletion_id IS NULL) ORDER BY sort_order, id`)
	if err != nil {
		return nil, fmt.Errorf("store: spec items: %w", err)
	}
	var iids []int64
	type pos struct{ g, i int }
	var where []pos
	for irows.Next() {
		var it SpecItemEdit
		if err := irows.Scan(&it.ID, &it.GroupID, &it.Code, &it.Kind, &it.Unit, &it.Decimals, &it.SortOrder, &it.Version); err != nil {
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

// SpecGroupByID returns one group (deleted or not) with its items that
// are not deleted, or ErrNotFound.
func (s *Store) SpecGroupByID(ctx context.Context, id int64) (SpecGroupEdit, error) {
	return specGroupByID(ctx, s.db.Read, id)
}

func specGroupByID(ctx context.Context, q querier, id int64) (SpecGroupEdit, error) {
	g := SpecGroupEdit{ID: id}
	err := q.QueryRowContext(ctx, `SELECT code, sort_order, version, deletion_id IS NOT NULL FROM spec_groups WHERE id = ?`, id).
		Scan(&g.Code, &g.SortOrder, &g.Version, &g.Deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("store: spec group %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("store: spec group %d: %w", id, err)
	}
	if g.Name, err = loadTextsQ(ctx, q, "spec_group_texts", "group_id", "name", id); err != nil {
		return g, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id FROM spec_items WHERE group_id = ? AND deletion_id IS NULL ORDER BY sort_order, id`, id)
	if err != nil {
		return g, fmt.Errorf("store: spec group %d items: %w", id, err)
	}
	var ids []int64
	for rows.Next() {
		var iid int64
		if err := rows.Scan(&iid); err != nil {
			rows.Close()
			return g, fmt.Errorf("store: spec group %d items: %w", id, err)
		}
		ids = append(ids, iid)
	}
	rows.Close()
	for _, iid := range ids {
		it, err := specItemByID(ctx, q, iid)
		if err != nil {
			return g, err
		}
		g.Items = append(g.Items, it)
	}
	return g, nil
}

// SpecItemByID returns one item, deleted or not, or ErrNotFound.
func (s *Store) SpecItemByID(ctx context.Context, id int64) (SpecItemEdit, error) {
	return specItemByID(ctx, s.db.Read, id)
}

func specItemByID(ctx context.Context, q querier, id int64) (SpecItemEdit, error) {
	it := SpecItemEdit{ID: id}
	err := q.QueryRowContext(ctx, `SELECT group_id, code, kind, unit, decimals, sort_order, version, deletion_id IS NOT NULL FROM spec_items WHERE id = ?`, id).
		Scan(&it.GroupID, &it.Code, &it.Kind, &it.Unit, &it.Decimals, &it.SortOrder, &it.Version, &it.Deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("store: spec item %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("store: spec item %d: %w", id, err)
	}
	it.Name, err = loadTextsQ(ctx, q, "spec_item_texts", "item_id", "name", id)
	return it, err
}

// SpecCodeTaken reports whether a group (table spec_groups) or an item
// (spec_items) has the code, and whether that group or item is deleted
// (a deleted one keeps its code, so it can come back).
func (s *Store) SpecCodeTaken(ctx context.Context, table, code string) (taken, deleted bool, err error) {
	if table != "spec_groups" && table != "spec_items" {
		return false, false, fmt.Errorf("store: spec code: unknown table %q", table)
	}
	err = s.db.Read.QueryRowContext(ctx, `SELECT count(*) > 0, COALESCE(max(deletion_id IS NOT NULL), 0) FROM `+table+` WHERE code = ?`, code).Scan(&taken, &deleted)
	if err != nil {
		return false, false, fmt.Errorf("store: spec code %q: %w", code, err)
	}
	return taken, deleted, nil
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

// SaveSpecGroup renames and reorders a group, provided it is still at
// version (the one the form showed): otherwise it returns ErrConflict, or
// ErrSpecDeleted when the group was deleted meanwhile, and changes
// nothing. Public pages show group names in this order, so the content
// version moves on.
func (t *Tx) SaveSpecGroup(id int64, version int, name Texts, sortOrder int) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE spec_groups SET sort_order = ?, version = version + 1
		WHERE id = ? AND version = ? AND deletion_id IS NULL`, sortOrder, id, version)
	if err != nil {
		return fmt.Errorf("store: spec group %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.whySpecUnchanged("spec_groups", id, 0)
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
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM spec_groups WHERE id = ? AND deletion_id IS NULL`, it.GroupID).Scan(&n); err != nil {
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
// (its code and kind stay), provided it is still at it.Version: otherwise
// it returns ErrConflict, or ErrSpecDeleted when the item was deleted
// meanwhile, and changes nothing; ErrNotFound when the group is gone.
// Public pages show these, so the content version moves on.
func (t *Tx) SaveSpecItem(it SpecItemEdit) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE spec_items SET group_id = ?, unit = ?, decimals = ?, sort_order = ?, version = version + 1
		WHERE id = ? AND version = ? AND deletion_id IS NULL AND EXISTS (SELECT 1 FROM spec_groups WHERE id = ? AND deletion_id IS NULL)`,
		it.GroupID, it.Unit, it.Decimals, it.SortOrder, it.ID, it.Version, it.GroupID)
	if err != nil {
		return fmt.Errorf("store: spec item %d: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.whySpecUnchanged("spec_items", it.ID, it.GroupID)
	}
	if err := t.writeNames("spec_item_texts", "item_id", it.ID, it.Name); err != nil {
		return err
	}
	return t.ContentChanged()
}

// whySpecUnchanged tells why an update of a group or item (in table)
// changed no row: gone, deleted, changed meanwhile, or its new group gone.
func (t *Tx) whySpecUnchanged(table string, id, groupID int64) error {
	var deleted bool
	err := t.tx.QueryRowContext(t.ctx, `SELECT deletion_id IS NOT NULL FROM `+table+` WHERE id = ?`, id).Scan(&deleted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s %d: %w", table, id, ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: %s %d: %w", table, id, err)
	case deleted:
		return fmt.Errorf("store: %s %d: %w", table, id, ErrSpecDeleted)
	}
	if groupID != 0 {
		var alive bool
		if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) > 0 FROM spec_groups WHERE id = ? AND deletion_id IS NULL`, groupID).Scan(&alive); err != nil {
			return fmt.Errorf("store: spec group %d: %w", groupID, err)
		}
		if !alive {
			return fmt.Errorf("store: spec group %d: %w", groupID, ErrNotFound)
		}
	}
	return fmt.Errorf("store: %s %d: %w", table, id, ErrConflict)
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
