package db

import "testing"

// TestModelStamps: publishing, unpublishing or archiving a model moves its
// stamp (under its old and new slug) and the content version, and leaves
// other models' stamps; a change of shared content moves every stamp; a
// transaction that fails moves nothing.
func TestModelStamps(t *testing.T) {
	s := newTinyStore(t)
	a := createDraft(t, s, newSnapshot("one"))
	b := createDraft(t, s, newSnapshot("two"))
	for _, id := range []int64{a, b} {
		if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow) }); err != nil {
			t.Fatal(err)
		}
	}
	type stamps struct{ v, one, oneNew, two int64 }
	read := func() stamps {
		return stamps{s.ContentVersion(), s.ModelStamp("one"), s.ModelStamp("one-2"), s.ModelStamp("two")}
	}
	renamed := newSnapshot("one-2")
	renamed.Tagline = Texts{"ru": "Новое", "en": "New"}
	cases := []struct {
		name                             string
		change                           func(tx *Tx) error
		v, one, oneNew, two, failsToSave bool
	}{
		{"publish one under a new slug", func(tx *Tx) error {
			if _, err := tx.SaveDraft(a, 1, renamed, "saved", "", pubStaff, pubNow); err != nil {
				return err
			}
			return tx.PublishModel(a, pubNow)
		}, true, true, true, false, false},
		{"unpublish two", func(tx *Tx) error { return tx.UnpublishModel(b, pubNow) }, true, false, false, true, false},
		{"archive two (not public: nothing shows it)", func(tx *Tx) error { return tx.ArchiveModel(b, pubNow) }, false, false, false, false, false},
		{"shared content", func(tx *Tx) error { return tx.ContentChanged() }, true, true, true, true, false},
		{"a publish that fails", func(tx *Tx) error {
			if err := tx.ModelChanged("one-2"); err != nil {
				return err
			}
			return ErrConflict
		}, false, false, false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := read()
			err := txDo(t, s, c.change)
			if (err != nil) != c.failsToSave {
				t.Fatalf("change: %v", err)
			}
			after := read()
			for _, f := range []struct {
				name       string
				old, new   int64
				wantsMoved bool
			}{
				{"content version", before.v, after.v, c.v},
				{"one", before.one, after.one, c.one},
				{"one-2", before.oneNew, after.oneNew, c.oneNew},
				{"two", before.two, after.two, c.two},
			} {
				if f.new < f.old {
					t.Errorf("%s went back: %d → %d", f.name, f.old, f.new)
				}
				if moved := f.new != f.old; moved != f.wantsMoved {
					t.Errorf("%s moved: %v (%d → %d), want %v", f.name, moved, f.old, f.new, f.wantsMoved)
				}
			}
		})
	}
}
