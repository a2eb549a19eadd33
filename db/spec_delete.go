package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Deleting a specification group or item keeps its row, names and code
// (marked with the deletion), so it can come back. Public pages and the
// editor stop showing it at once. A catalogue entry whose newest revision
// holds values of it gets a new revision without them (action
// spec_deleted), like any edit: nothing is rewritten, the diff shows
// what went, and restoring the earlier revision brings the values back
// (and the item with them). Restoring the deletion brings the group or
// item back and puts the values back, as a new revision (spec_restored),
// into the entries that lost them and have not got them again.

// SpecAffected is a catalogue entry whose newest revision holds values of
// the specification items a deletion takes away.
type SpecAffected struct {
	ModelID  int64
	Slug     string
	Name     Texts
	DraftRev int
	// Values is how many values (one per trim and item) go.
	Values int
}

// SpecDeletionPlan is what deleting a group or an item would do: the
// items going (codes) and the entries that lose values. Token sums up
// the entries' revisions: deleting with a token that no longer matches
// (someone saved one of them, or another entry got a value meanwhile) is
// refused, so nobody deletes more than they were shown.
type SpecDeletionPlan struct {
	Codes    []string
	Affected []SpecAffected
	Token    string
}

// SpecDeletionPlan reads what deleting the group (kind "group") or item
// (kind "item") id would do. It returns ErrNotFound when there is no such
// group or item, ErrSpecDeleted when it is deleted already.
func (s *Store) SpecDeletionPlan(ctx context.Context, kind string, id int64) (SpecDeletionPlan, error) {
	return specDeletionPlan(ctx, s.db.Read, kind, id)
}

func specDeletionPlan(ctx context.Context, q querier, kind string, id int64) (SpecDeletionPlan, error) {
	var p SpecDeletionPlan
	switch kind {
	case "group":
		g, err := specGroupByID(ctx, q, id)
		if err != nil {
			return p, err
		}
		if g.Deleted {
			return p, fmt.Errorf("store: spec group %d: %w", id, ErrSpecDeleted)
		}
		for _, it := range g.Items {
			p.Codes = append(p.Codes, it.Code)
		}
	case "item":
		it, err := specItemByID(ctx, q, id)
		if err != nil {
			return p, err
		}
		if it.Deleted {
			return p, fmt.Errorf("store: spec item %d: %w", id, ErrSpecDeleted)
		}
		p.Codes = []string{it.Code}
	default:
		return p, fmt.Errorf("store: spec deletion of a %q: %w", kind, ErrNotFound)
	}
	ids, err := modelsWithValues(ctx, q, p.Codes)
	if err != nil {
		return p, err
	}
	var token []string
	for _, mid := range ids {
		m, err := editorModel(ctx, q, mid)
		if err != nil {
			return p, err
		}
		snap, err := currentSnapshot(ctx, q, mid, m.DraftRev)
		if err != nil {
			return p, err
		}
		_, n := withoutSpecs(snap, p.Codes)
		if n == 0 {
			continue
		}
		p.Affected = append(p.Affected, SpecAffected{ModelID: mid, Slug: snap.Slug, Name: snap.Name, DraftRev: m.DraftRev, Values: n})
		token = append(token, strconv.FormatInt(mid, 10)+"."+strconv.Itoa(m.DraftRev))
	}
	p.Token = strings.Join(token, "-")
	if p.Token == "" {
		p.Token = "none"
	}
	return p, nil
}

// modelsWithValues lists the entries whose newest revision (or live
// version, before their first edit) may hold values of the items.
func modelsWithValues(ctx context.Context, q querier, codes []string) ([]int64, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 2*len(codes))
	for range 2 {
		for _, c := range codes {
			args = append(args, c)
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id FROM models m JOIN catalogue_revisions r ON r.model_id = m.id AND r.rev = m.draft_rev
		WHERE EXISTS (SELECT 1 FROM json_each(r.snapshot, '$.trims') tr, json_each(tr.value, '$.specs') sp
			WHERE json_extract(sp.value, '$.item') IN (`+placeholders(len(codes))+`))
		UNION
		SELECT t.model_id FROM trim_specs ts JOIN trims t ON t.id = ts.trim_id AND t.status = 'published'
			JOIN models m ON m.id = t.model_id AND m.draft_rev = 0
			JOIN spec_items i ON i.id = ts.item_id
		WHERE i.code IN (`+placeholders(len(codes))+`)
		ORDER BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: entries with values of %v: %w", codes, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: entries with values of %v: %w", codes, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// withoutSpecs returns a copy of snap without values of the items and how
// many values it took out.
func withoutSpecs(snap Snapshot, codes []string) (Snapshot, int) {
	n := 0
	trims := make([]SnapTrim, len(snap.Trims))
	for i, t := range snap.Trims {
		var keep []SnapSpec
		for _, sp := range t.Specs {
			if slices.Contains(codes, sp.Item) {
				n++
				continue
			}
			keep = append(keep, sp)
		}
		t.Specs = keep
		trims[i] = t
	}
	snap.Trims = trims
	return snap, n
}

// SpecDeletionResult is what a deletion or its undoing did.
type SpecDeletionResult struct {
	DeletionID int64
	Codes      []string
	// Revisions are the new revisions of the entries, by model id.
	Revisions map[int64]int
}

// DeleteSpecGroup deletes a group with its items, provided the group is
// still at version and plan token still matches (see SpecDeletionPlan):
// otherwise it returns ErrConflict and changes nothing.
func (t *Tx) DeleteSpecGroup(id int64, version int, token string, by Actor, now time.Time) (SpecDeletionResult, error) {
	return t.deleteSpec("group", id, version, token, by, now)
}

// DeleteSpecItem deletes an item, as DeleteSpecGroup a group.
func (t *Tx) DeleteSpecItem(id int64, version int, token string, by Actor, now time.Time) (SpecDeletionResult, error) {
	return t.deleteSpec("item", id, version, token, by, now)
}

func (t *Tx) deleteSpec(kind string, id int64, version int, token string, by Actor, now time.Time) (SpecDeletionResult, error) {
	res := SpecDeletionResult{Revisions: map[int64]int{}}
	table := "spec_items"
	if kind == "group" {
		table = "spec_groups"
	}
	var cur int
	var deleted bool
	err := t.tx.QueryRowContext(t.ctx, `SELECT version, deletion_id IS NOT NULL FROM `+table+` WHERE id = ?`, id).Scan(&cur, &deleted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("store: %s %d: %w", table, id, ErrNotFound)
	case err != nil:
		return res, fmt.Errorf("store: %s %d: %w", table, id, err)
	case deleted:
		return res, fmt.Errorf("store: %s %d: %w", table, id, ErrSpecDeleted)
	case cur != version:
		return res, fmt.Errorf("store: %s %d: %w", table, id, ErrConflict)
	}
	plan, err := specDeletionPlan(t.ctx, t.tx, kind, id)
	if err != nil {
		return res, err
	}
	if plan.Token != token {
		return res, fmt.Errorf("store: %s %d: entries changed: %w", table, id, ErrConflict)
	}
	res.Codes = plan.Codes
	err = t.tx.QueryRowContext(t.ctx, `INSERT INTO spec_deletions (kind, target_id, codes, deleted_by, deleted_by_email, deleted_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, kind, id, strings.Join(plan.Codes, " "), nullID(by.ID), by.Email, fmtTime(now)).Scan(&res.DeletionID)
	if err != nil {
		return res, fmt.Errorf("store: delete %s %d: %w", table, id, err)
	}
	mark := `UPDATE spec_items SET deletion_id = ?, version = version + 1 WHERE id = ?`
	if kind == "group" {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE spec_groups SET deletion_id = ?, version = version + 1 WHERE id = ?`, res.DeletionID, id); err != nil {
			return res, fmt.Errorf("store: delete %s %d: %w", table, id, err)
		}
		mark = `UPDATE spec_items SET deletion_id = ?, version = version + 1 WHERE group_id = ? AND deletion_id IS NULL`
	}
	if _, err := t.tx.ExecContext(t.ctx, mark, res.DeletionID, id); err != nil {
		return res, fmt.Errorf("store: delete %s %d: %w", table, id, err)
	}
	note := strings.Join(plan.Codes, ", ")
	for _, a := range plan.Affected {
		m, err := editorModel(t.ctx, t.tx, a.ModelID)
		if err != nil {
			return res, err
		}
		snap, err := currentSnapshot(t.ctx, t.tx, a.ModelID, m.DraftRev)
		if err != nil {
			return res, err
		}
		snap, _ = withoutSpecs(snap, plan.Codes)
		rev, err := t.nextRevision(m, snap, "spec_deleted", note, by, now)
		if err != nil {
			return res, err
		}
		// The revision holding the values: the newest, or the live
		// version kept as revision 1 by this first edit.
		from := max(m.DraftRev, 1)
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO spec_deletion_models (deletion_id, model_id, from_rev, rev) VALUES (?, ?, ?, ?)`,
			res.DeletionID, a.ModelID, from, rev); err != nil {
			return res, fmt.Errorf("store: delete %s %d: %w", table, id, err)
		}
		res.Revisions[a.ModelID] = rev
	}
	// Public pages stop showing the items.
	return res, t.ContentChanged()
}

// DeletedSpec is a deletion not undone yet, as the specifications page
// lists it.
type DeletedSpec struct {
	DeletionID int64
	Kind       string
	// TargetID, Code and Name are the group's or the item's; GroupName is
	// an item's group's.
	TargetID  int64
	Code      string
	Name      Texts
	GroupName Texts
	// Codes are the items the deletion took away.
	Codes   []string
	By      string
	At      time.Time
	Entries int
	// GroupDeleted: an item whose group is deleted too cannot come back
	// before its group does.
	GroupDeleted bool
}

// DeletedSpecs lists the deletions not undone, newest first.
func (s *Store) DeletedSpecs(ctx context.Context) ([]DeletedSpec, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT d.id, d.kind, d.target_id, d.codes, d.deleted_by_email, d.deleted_at,
		(SELECT count(*) FROM spec_deletion_models dm WHERE dm.deletion_id = d.id)
		FROM spec_deletions d WHERE d.restored_at IS NULL ORDER BY d.deleted_at DESC, d.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: deleted specs: %w", err)
	}
	var out []DeletedSpec
	for rows.Next() {
		var d DeletedSpec
		var codes string
		var at sql.NullString
		if err := rows.Scan(&d.DeletionID, &d.Kind, &d.TargetID, &codes, &d.By, &at, &d.Entries); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: deleted specs: %w", err)
		}
		d.Codes = strings.Fields(codes)
		d.At = parseTime(at)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deleted specs: %w", err)
	}
	for i := range out {
		d := &out[i]
		if d.Kind == "group" {
			g, err := specGroupByID(ctx, s.db.Read, d.TargetID)
			if err != nil {
				return nil, err
			}
			d.Code, d.Name = g.Code, g.Name
			continue
		}
		it, err := specItemByID(ctx, s.db.Read, d.TargetID)
		if err != nil {
			return nil, err
		}
		g, err := specGroupByID(ctx, s.db.Read, it.GroupID)
		if err != nil {
			return nil, err
		}
		d.Code, d.Name, d.GroupName, d.GroupDeleted = it.Code, it.Name, g.Name, g.Deleted
	}
	return out, nil
}

// RestoreSpecDeletion undoes a deletion: the group or item (and the items
// deleted with a group) come back, and each entry that lost values gets
// them back as a new revision, where its newest revision does not hold
// them already (its trims matched by slug). It returns ErrNotFound for no
// such deletion, ErrRestoredAlready for one undone already, ErrGroupDeleted
// for an item whose group is deleted.
func (t *Tx) RestoreSpecDeletion(deletionID int64, by Actor, now time.Time) (SpecDeletionResult, error) {
	res := SpecDeletionResult{DeletionID: deletionID, Revisions: map[int64]int{}}
	var kind, codes string
	var target int64
	var restored bool
	err := t.tx.QueryRowContext(t.ctx, `SELECT kind, target_id, codes, restored_at IS NOT NULL FROM spec_deletions WHERE id = ?`, deletionID).
		Scan(&kind, &target, &codes, &restored)
	if errors.Is(err, sql.ErrNoRows) {
		return res, fmt.Errorf("store: spec deletion %d: %w", deletionID, ErrNotFound)
	}
	if err != nil {
		return res, fmt.Errorf("store: spec deletion %d: %w", deletionID, err)
	}
	if restored {
		return res, fmt.Errorf("store: spec deletion %d: %w", deletionID, ErrRestoredAlready)
	}
	res.Codes = strings.Fields(codes)
	if kind == "item" {
		var groupDeleted bool
		err := t.tx.QueryRowContext(t.ctx, `SELECT g.deletion_id IS NOT NULL FROM spec_items i JOIN spec_groups g ON g.id = i.group_id WHERE i.id = ?`, target).Scan(&groupDeleted)
		if err != nil {
			return res, fmt.Errorf("store: spec deletion %d: %w", deletionID, err)
		}
		if groupDeleted {
			return res, ErrGroupDeleted
		}
	}
	for _, q := range []string{
		`UPDATE spec_groups SET deletion_id = NULL, version = version + 1 WHERE deletion_id = ?`,
		`UPDATE spec_items SET deletion_id = NULL, version = version + 1 WHERE deletion_id = ?`,
		`UPDATE spec_deletions SET restored_at = ? WHERE id = ?`,
	} {
		args := []any{deletionID}
		if strings.HasPrefix(q, "UPDATE spec_deletions") {
			args = []any{fmtTime(now), deletionID}
		}
		if _, err := t.tx.ExecContext(t.ctx, q, args...); err != nil {
			return res, fmt.Errorf("store: restore spec deletion %d: %w", deletionID, err)
		}
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT model_id, from_rev FROM spec_deletion_models WHERE deletion_id = ? ORDER BY model_id`, deletionID)
	if err != nil {
		return res, fmt.Errorf("store: restore spec deletion %d: %w", deletionID, err)
	}
	type lost struct {
		model int64
		from  int
	}
	var list []lost
	for rows.Next() {
		var l lost
		if err := rows.Scan(&l.model, &l.from); err != nil {
			rows.Close()
			return res, fmt.Errorf("store: restore spec deletion %d: %w", deletionID, err)
		}
		list = append(list, l)
	}
	rows.Close()
	note := strings.Join(res.Codes, ", ")
	for _, l := range list {
		m, err := editorModel(t.ctx, t.tx, l.model)
		if err != nil {
			return res, err
		}
		cur, err := currentSnapshot(t.ctx, t.tx, l.model, m.DraftRev)
		if err != nil {
			return res, err
		}
		old, err := currentSnapshot(t.ctx, t.tx, l.model, l.from)
		if err != nil {
			return res, err
		}
		snap, n := withSpecsOf(cur, old, res.Codes)
		if n == 0 {
			continue
		}
		rev, err := t.nextRevision(m, snap, "spec_restored", note, by, now)
		if err != nil {
			return res, err
		}
		res.Revisions[l.model] = rev
	}
	return res, t.ContentChanged()
}

// withSpecsOf returns a copy of cur with the values of the items that old
// holds and cur lacks, trims matched by slug, and how many it put back.
func withSpecsOf(cur, old Snapshot, codes []string) (Snapshot, int) {
	n := 0
	trims := make([]SnapTrim, len(cur.Trims))
	for i, t := range cur.Trims {
		t.Specs = slices.Clone(t.Specs)
		if j := slices.IndexFunc(old.Trims, func(o SnapTrim) bool { return o.Slug == t.Slug }); j >= 0 {
			for _, sp := range old.Trims[j].Specs {
				if slices.Contains(codes, sp.Item) && t.Spec(sp.Item) == nil {
					t.Specs = append(t.Specs, sp)
					n++
				}
			}
		}
		trims[i] = t
	}
	cur.Trims = trims
	return cur, n
}

// undeleteSpecsUsed brings back the deleted items whose values snap holds
// (and their groups, when deleted): restoring a revision from before an
// item's deletion brings the item back with its values. It returns the
// items' codes.
func (t *Tx) undeleteSpecsUsed(snap Snapshot, now time.Time) ([]string, error) {
	var codes []string
	for _, tr := range snap.Trims {
		for _, sp := range tr.Specs {
			if !slices.Contains(codes, sp.Item) {
				codes = append(codes, sp.Item)
			}
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT i.id, i.code, i.group_id, i.deletion_id FROM spec_items i
		WHERE i.deletion_id IS NOT NULL AND i.code IN (`+placeholders(len(codes))+`) ORDER BY i.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deleted items of a revision: %w", err)
	}
	type del struct {
		id, group, deletion int64
		code                string
	}
	var list []del
	for rows.Next() {
		var d del
		if err := rows.Scan(&d.id, &d.code, &d.group, &d.deletion); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: deleted items of a revision: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	var back []string
	for _, d := range list {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE spec_items SET deletion_id = NULL, version = version + 1 WHERE id = ?`, d.id); err != nil {
			return nil, fmt.Errorf("store: restore spec item %d: %w", d.id, err)
		}
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE spec_groups SET deletion_id = NULL, version = version + 1 WHERE id = ? AND deletion_id IS NOT NULL`, d.group); err != nil {
			return nil, fmt.Errorf("store: restore spec group %d: %w", d.group, err)
		}
		back = append(back, d.code)
	}
	if len(back) == 0 {
		return nil, nil
	}
	// A deletion whose group and items are all back is undone.
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE spec_deletions SET restored_at = ? WHERE restored_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM spec_items i WHERE i.deletion_id = spec_deletions.id)
		AND NOT EXISTS (SELECT 1 FROM spec_groups g WHERE g.deletion_id = spec_deletions.id)`, fmtTime(now)); err != nil {
		return nil, fmt.Errorf("store: spec deletions: %w", err)
	}
	return back, t.ContentChanged()
}
