package db

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// specCodes lists the item codes the editor offers.
func specCodes(t *testing.T, s *Store) []string {
	t.Helper()
	groups, err := s.SpecCatalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range groups {
		for _, it := range g.Items {
			out = append(out, it.Code)
		}
	}
	return out
}

// publicCodes lists the item codes a model's public page shows.
func publicCodes(t *testing.T, s *Store, slug string) []string {
	t.Helper()
	m, err := s.ModelBySlug(context.Background(), "en", slug)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range m.Specs {
		for _, r := range g.Rows {
			out = append(out, r.Code)
		}
	}
	return out
}

func revisionOf(t *testing.T, s *Store, id int64, rev int) Revision {
	t.Helper()
	r, err := s.Revision(context.Background(), id, rev)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func valuesOf(snap Snapshot, code string) int {
	n := 0
	for _, tr := range snap.Trims {
		if tr.Spec(code) != nil {
			n++
		}
	}
	return n
}

// TestDeleteAndRestoreSpecItem: deleting an item makes a new revision of
// every entry whose newest version holds its values (the live version of
// an entry never edited kept first), under the item's version and the
// entries' revisions; the item leaves the editor and public pages;
// restoring the deletion brings it back and its values in new revisions.
func TestDeleteAndRestoreSpecItem(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	const alpha, ac = 1, 3
	novelty := createDraft(t, s, newSnapshot("novelty"))

	plan, err := s.SpecDeletionPlan(ctx, "item", ac)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.Codes, []string{"ac"}) || len(plan.Affected) != 2 || plan.Token != "1.0-4.1" {
		t.Fatalf("plan: %+v", plan)
	}
	if a := plan.Affected[0]; a.ModelID != alpha || a.DraftRev != 0 || a.Values != 2 || a.Name["en"] != "Alpha" {
		t.Errorf("alpha in the plan: %+v", a)
	}
	if a := plan.Affected[1]; a.ModelID != novelty || a.DraftRev != 1 || a.Values != 1 {
		t.Errorf("novelty in the plan: %+v", a)
	}

	v0 := s.ContentVersion()
	for _, c := range []struct {
		name    string
		version int
		token   string
	}{
		{"another version of the item", 2, plan.Token},
		{"entries changed since the plan", 1, "1.0"},
	} {
		err := txDo(t, s, func(tx *Tx) error { _, err := tx.DeleteSpecItem(ac, c.version, c.token, pubStaff, pubNow); return err })
		if !errors.Is(err, ErrConflict) {
			t.Errorf("%s: %v, want a conflict", c.name, err)
		}
	}
	if !slices.Contains(specCodes(t, s), "ac") || s.ContentVersion() != v0 {
		t.Fatal("a refused deletion changed something")
	}

	var res SpecDeletionResult
	if err := txDo(t, s, func(tx *Tx) error {
		var err error
		res, err = tx.DeleteSpecItem(ac, 1, plan.Token, pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if res.Revisions[alpha] != 2 || res.Revisions[novelty] != 2 || len(res.Revisions) != 2 {
		t.Errorf("revisions made: %v", res.Revisions)
	}
	if slices.Contains(specCodes(t, s), "ac") || slices.Contains(publicCodes(t, s, "alpha"), "ac") {
		t.Error("the deleted item is still offered or shown")
	}
	if !slices.Contains(publicCodes(t, s, "alpha"), "power") {
		t.Error("another item went with it")
	}
	if s.ContentVersion() == v0 {
		t.Error("the content version did not move")
	}
	for _, c := range []struct {
		model     int64
		from, rev int
		fromVals  int
	}{{alpha, 1, 2, 2}, {novelty, 1, 2, 1}} {
		from, rev := revisionOf(t, s, c.model, c.from), revisionOf(t, s, c.model, c.rev)
		if valuesOf(from.Snapshot, "ac") != c.fromVals || valuesOf(rev.Snapshot, "ac") != 0 || valuesOf(rev.Snapshot, "power") == 0 {
			t.Errorf("model %d: values of ac in revisions %d and %d: %d, %d", c.model, c.from, c.rev,
				valuesOf(from.Snapshot, "ac"), valuesOf(rev.Snapshot, "ac"))
		}
		if rev.Action != "spec_deleted" || rev.Note != "ac" || rev.AuthorEmail != pubStaff.Email {
			t.Errorf("model %d: revision %d is %q %q by %q", c.model, c.rev, rev.Action, rev.Note, rev.AuthorEmail)
		}
	}
	if d, _ := s.Draft(ctx, alpha); d.Status != "published" || d.PublishedRev != 1 || !d.Unpublished() {
		t.Errorf("alpha: %s, published %d, draft %d", d.Status, d.PublishedRev, d.DraftRev)
	}

	deleted, err := s.DeletedSpecs(ctx)
	if err != nil || len(deleted) != 1 {
		t.Fatalf("deleted: %+v %v", deleted, err)
	}
	if d := deleted[0]; d.Kind != "item" || d.Code != "ac" || d.Name["en"] != "Air conditioning" || d.GroupName["ru"] != "Оснащение" ||
		d.Entries != 2 || d.By != pubStaff.Email || d.GroupDeleted {
		t.Errorf("deleted item: %+v", d)
	}
	// A deleted item cannot be saved or deleted again, and keeps its code.
	if err := txDo(t, s, func(tx *Tx) error {
		return tx.SaveSpecItem(SpecItemEdit{ID: ac, Version: 2, GroupID: 2, Name: Texts{"ru": "x"}})
	}); !errors.Is(err, ErrSpecDeleted) {
		t.Errorf("saving a deleted item: %v", err)
	}
	if err := txDo(t, s, func(tx *Tx) error { _, err := tx.DeleteSpecItem(ac, 2, "none", pubStaff, pubNow); return err }); !errors.Is(err, ErrSpecDeleted) {
		t.Errorf("deleting it again: %v", err)
	}
	if taken, del, err := s.SpecCodeTaken(ctx, "spec_items", "ac"); !taken || !del || err != nil {
		t.Errorf("code of the deleted item: taken %v, deleted %v, %v", taken, del, err)
	}

	// Meanwhile novelty's draft holds a value of the item again (written
	// here through the store): restoring does not overwrite what a draft
	// has since.
	d, _ := s.Draft(ctx, novelty)
	no := false
	snap := d.Snapshot
	snap.Trims[0].Specs = append(snap.Trims[0].Specs, SnapSpec{Item: "ac", Flag: &no})
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.SaveDraft(novelty, 2, snap, "saved", "", pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := txDo(t, s, func(tx *Tx) error { res, err = tx.RestoreSpecDeletion(res.DeletionID, pubStaff, pubNow); return err }); err != nil {
		t.Fatal(err)
	}
	if len(res.Revisions) != 1 || res.Revisions[alpha] != 3 {
		t.Errorf("revisions made by restoring: %v, want alpha's 3 only", res.Revisions)
	}
	r := revisionOf(t, s, alpha, 3)
	if r.Action != "spec_restored" || r.Note != "ac" || valuesOf(r.Snapshot, "ac") != 2 {
		t.Errorf("alpha revision 3: %q %q with %d values", r.Action, r.Note, valuesOf(r.Snapshot, "ac"))
	}
	if d, _ := s.Draft(ctx, novelty); d.DraftRev != 3 || *d.Snapshot.Trims[0].Spec("ac").Flag {
		t.Errorf("novelty: revision %d, its own value overwritten", d.DraftRev)
	}
	if !slices.Contains(specCodes(t, s), "ac") || !slices.Contains(publicCodes(t, s, "alpha"), "ac") {
		t.Error("the restored item is not back")
	}
	if it, _ := s.SpecItemByID(ctx, ac); it.Deleted || it.Version != 3 {
		t.Errorf("restored item: %+v", it)
	}
	if deleted, _ := s.DeletedSpecs(ctx); len(deleted) != 0 {
		t.Errorf("still listed as deleted: %+v", deleted)
	}
	if err := txDo(t, s, func(tx *Tx) error { _, err := tx.RestoreSpecDeletion(res.DeletionID, pubStaff, pubNow); return err }); !errors.Is(err, ErrRestoredAlready) {
		t.Errorf("restoring twice: %v", err)
	}
}

// TestDeleteSpecGroupAndRestoreARevision: deleting a group deletes its
// items; restoring an entry's revision from before brings back the items
// (and group) it has values of; an item deleted on its own cannot come back
// while its group is deleted.
func TestDeleteSpecGroupAndRestoreARevision(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	const alpha, engine, equipment, ac = 1, 1, 2, 3

	del := func(kind string, id int64) SpecDeletionResult {
		t.Helper()
		plan, err := s.SpecDeletionPlan(ctx, kind, id)
		if err != nil {
			t.Fatal(err)
		}
		var g SpecGroupEdit
		var version int
		if kind == "group" {
			g, _ = s.SpecGroupByID(ctx, id)
			version = g.Version
		} else {
			it, _ := s.SpecItemByID(ctx, id)
			version = it.Version
		}
		var res SpecDeletionResult
		if err := txDo(t, s, func(tx *Tx) error {
			var err error
			if kind == "group" {
				res, err = tx.DeleteSpecGroup(id, version, plan.Token, pubStaff, pubNow)
			} else {
				res, err = tx.DeleteSpecItem(id, version, plan.Token, pubStaff, pubNow)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return res
	}

	grp := del("group", engine)
	if !slices.Equal(grp.Codes, []string{"power", "engine_name"}) || grp.Revisions[alpha] != 2 {
		t.Fatalf("group deletion: %+v", grp)
	}
	if got := specCodes(t, s); !slices.Equal(got, []string{"ac"}) {
		t.Errorf("items offered after deleting the engine group: %v", got)
	}
	if g, _ := s.SpecGroupByID(ctx, engine); !g.Deleted || g.Version != 2 {
		t.Errorf("deleted group: %+v", g)
	}

	// An item of the remaining group, deleted on its own, then its group.
	item := del("item", ac)
	del("group", equipment)
	var restoreErr error
	_ = txDo(t, s, func(tx *Tx) error {
		_, restoreErr = tx.RestoreSpecDeletion(item.DeletionID, pubStaff, pubNow)
		return restoreErr
	})
	if !errors.Is(restoreErr, ErrGroupDeleted) {
		t.Errorf("restoring an item of a deleted group: %v", restoreErr)
	}
	deleted, _ := s.DeletedSpecs(ctx)
	if len(deleted) != 3 || deleted[0].Kind != "group" || deleted[0].Code != "equipment" || len(deleted[0].Codes) != 0 ||
		deleted[1].Code != "ac" || !deleted[1].GroupDeleted || deleted[2].Code != "engine" {
		t.Errorf("deleted list: %+v", deleted)
	}

	// Restoring alpha's live version (revision 1) brings back every item
	// it has values of, with their groups.
	d, _ := s.Draft(ctx, alpha)
	var back []string
	if err := txDo(t, s, func(tx *Tx) error {
		var err error
		_, back, err = tx.RestoreRevision(alpha, 1, d.DraftRev, pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(back)
	if !slices.Equal(back, []string{"ac", "engine_name", "power"}) {
		t.Errorf("items brought back: %v", back)
	}
	if got := specCodes(t, s); len(got) != 3 {
		t.Errorf("items offered after the restore: %v", got)
	}
	if got := publicCodes(t, s, "alpha"); !slices.Contains(got, "power") || !slices.Contains(got, "ac") {
		t.Errorf("alpha's public page shows %v", got)
	}
	// All three deletions are undone: nothing of theirs is deleted still.
	if deleted, _ := s.DeletedSpecs(ctx); len(deleted) != 0 {
		t.Errorf("deleted list after the restore: %+v", deleted)
	}
}
