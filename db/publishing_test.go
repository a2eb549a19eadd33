package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

var (
	pubNow   = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	pubStaff = Actor{Email: "staff@example.com"}
)

func newSnapshot(slug string) Snapshot {
	power := 150.0
	ac := true
	return Snapshot{
		Slug: slug, BodyType: "crossover", Seats: 5, ModelYear: 2027,
		Name:    Texts{"ru": "Новинка", "en": "Novelty"},
		Tagline: Texts{"ru": "Кроссовер", "en": "A crossover", "fa": "کراس\u200cاوور"},
		Trims: []SnapTrim{{Slug: "base", Name: Texts{"ru": "Базовая", "en": "Base", "fa": "پایه"}, Fuel: "petrol", Transmission: "cvt", Drive: "fwd",
			EngineCC: 1500, PowerHP: 150, PriceMinor: 250000000, Currency: "RUB",
			Specs: []SnapSpec{{Item: "power", Num: &power}, {Item: "ac", Flag: &ac}, {Item: "engine_name", Text: Texts{"ru": "ТУ5", "en": "TU5"}}}}},
	}
}

func createDraft(t *testing.T, s *Store, snap Snapshot) int64 {
	t.Helper()
	var id int64
	err := s.Tx(context.Background(), func(tx *Tx) error {
		var err error
		id, err = tx.CreateModel(snap, pubStaff, pubNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func txDo(t *testing.T, s *Store, fn func(tx *Tx) error) error {
	t.Helper()
	return s.Tx(context.Background(), fn)
}

func TestCreateSavePublishDraft(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	id := createDraft(t, s, newSnapshot("novelty"))

	// A draft is not public.
	if _, err := s.ModelBySlug(ctx, "ru", "novelty"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("draft visible: %v", err)
	}
	d, err := s.Draft(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "draft" || d.DraftRev != 1 || d.PublishedRev != 0 || d.Snapshot.Name["en"] != "Novelty" {
		t.Fatalf("draft: %+v", d.EditorModel)
	}
	// fa name and trim name fine, fa name of the model missing.
	if d.Missing != 1 {
		t.Errorf("missing translations: %d, want 1", d.Missing)
	}

	v0 := s.ContentVersion()
	if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow) }); err != nil {
		t.Fatal(err)
	}
	if s.ContentVersion() != v0+1 {
		t.Errorf("content version %d, want %d", s.ContentVersion(), v0+1)
	}
	m, err := s.ModelBySlug(ctx, "fa", "novelty")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name.Value != "Новинка" || m.Name.Lang != "ru" {
		t.Errorf("fa name falls back to ru: %+v", m.Name)
	}
	if len(m.Trims) != 1 || m.Trims[0].PowerHP != 150 || m.Trims[0].Name.Value != "پایه" {
		t.Errorf("trims: %+v", m.Trims)
	}
	if len(m.Specs) == 0 {
		t.Error("no specifications published")
	}
	trimID := m.Trims[0].ID

	// Editing a published entry leaves the public version alone.
	snap := newSnapshot("novelty")
	snap.Name["en"] = "Novelty II"
	snap.Trims[0].PowerHP = 160
	var rev int
	if err := txDo(t, s, func(tx *Tx) error { rev, err = tx.SaveDraft(id, 1, snap, "saved", "", pubStaff, pubNow); return err }); err != nil {
		t.Fatal(err)
	}
	if rev != 2 {
		t.Errorf("rev %d, want 2", rev)
	}
	if m, _ := s.ModelBySlug(ctx, "en", "novelty"); m.Name.Value != "Novelty" {
		t.Errorf("a saved draft changed the public page: %q", m.Name.Value)
	}
	// The second save on the same base is refused.
	err = txDo(t, s, func(tx *Tx) error { _, err := tx.SaveDraft(id, 1, snap, "saved", "", pubStaff, pubNow); return err })
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale save: %v, want ErrConflict", err)
	}
	if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	m, _ = s.ModelBySlug(ctx, "en", "novelty")
	if m.Name.Value != "Novelty II" || m.Trims[0].PowerHP != 160 {
		t.Errorf("published edit: %q %d", m.Name.Value, m.Trims[0].PowerHP)
	}
	if m.Trims[0].ID != trimID {
		t.Errorf("trim id changed on publish: %d, want %d", m.Trims[0].ID, trimID)
	}
	news, err := s.News(ctx, "en", 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range news {
		kinds = append(kinds, n.Kind)
	}
	if len(kinds) != 2 || kinds[0] != "specs_updated" || kinds[1] != "new_model" {
		t.Errorf("news kinds %v, want [specs_updated new_model]", kinds)
	}
}

func TestFirstEditOfLiveModelKeepsItAsRevision(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	d, err := s.Draft(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.DraftRev != 0 || d.Snapshot.Slug != "alpha" || len(d.Snapshot.Trims) != 2 {
		t.Fatalf("live draft: rev %d slug %q trims %d", d.DraftRev, d.Snapshot.Slug, len(d.Snapshot.Trims))
	}
	snap := d.Snapshot
	snap.Slug = "alpha-new"
	var rev int
	if err := txDo(t, s, func(tx *Tx) error { rev, err = tx.SaveDraft(1, 0, snap, "saved", "", pubStaff, pubNow); return err }); err != nil {
		t.Fatal(err)
	}
	if rev != 2 {
		t.Fatalf("rev %d, want 2 (1 is the imported live version)", rev)
	}
	revs, err := s.Revisions(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[1].Action != "imported" || revs[0].Action != "saved" || revs[0].AuthorEmail != pubStaff.Email {
		t.Fatalf("revisions: %+v", revs)
	}
	if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(1, pubNow) }); err != nil {
		t.Fatal(err)
	}
	if to, err := s.SlugRedirect(ctx, "alpha"); err != nil || to != "alpha-new" {
		t.Errorf("redirect: %q %v", to, err)
	}
	// The old slug stays reserved for this model.
	if taken, _ := s.SlugTaken(ctx, "alpha", 2); !taken {
		t.Error("old slug free for another model")
	}
	// Restore the imported version: a new revision, nothing rewritten.
	if err := txDo(t, s, func(tx *Tx) error { rev, _, err = tx.RestoreRevision(1, 1, 2, pubStaff, pubNow); return err }); err != nil {
		t.Fatal(err)
	}
	r, err := s.Revision(ctx, 1, rev)
	if err != nil {
		t.Fatal(err)
	}
	if rev != 3 || r.Action != "restored" || r.Note != "1" || r.Snapshot.Slug != "alpha" {
		t.Errorf("restored: rev %d %+v", rev, r)
	}
	if old, _ := s.Revision(ctx, 1, 2); old.Snapshot.Slug != "alpha-new" {
		t.Error("revision 2 was rewritten")
	}
}

func TestPublishRefusesDraftWithoutTrim(t *testing.T) {
	s := newTinyStore(t)
	snap := newSnapshot("empty")
	snap.Trims = nil
	id := createDraft(t, s, snap)
	err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow) })
	if !errors.Is(err, ErrNotReady) {
		t.Fatalf("publish: %v, want ErrNotReady", err)
	}
}

func TestSlugTakenByDraftAndLive(t *testing.T) {
	s := newTinyStore(t)
	createDraft(t, s, newSnapshot("novelty"))
	err := txDo(t, s, func(tx *Tx) error { _, err := tx.CreateModel(newSnapshot("novelty"), pubStaff, pubNow); return err })
	if !errors.Is(err, ErrSlugTaken) {
		t.Errorf("duplicate draft slug: %v", err)
	}
	err = txDo(t, s, func(tx *Tx) error { _, err := tx.CreateModel(newSnapshot("beta"), pubStaff, pubNow); return err })
	if !errors.Is(err, ErrSlugTaken) {
		t.Errorf("live slug: %v", err)
	}
}

func TestRunDueSchedules(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	id := createDraft(t, s, newSnapshot("novelty"))
	at := pubNow.Add(2 * time.Hour)
	if err := txDo(t, s, func(tx *Tx) error { _, err := tx.ScheduleModel(id, "publish", at, pubStaff, pubNow); return err }); err != nil {
		t.Fatal(err)
	}
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.ScheduleModel(id, "unpublish", at.Add(24*time.Hour), pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		now    time.Time
		ran    int
		public bool
	}{
		{"before", at.Add(-time.Second), 0, false},
		{"on time", at, 1, true},
		{"again: nothing repeats", at.Add(time.Minute), 0, true},
		{"unpublish due", at.Add(25 * time.Hour), 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := s.RunDueSchedules(ctx, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.ran {
				t.Errorf("ran %d, want %d", n, c.ran)
			}
			_, err = s.ModelBySlug(ctx, "en", "novelty")
			if (err == nil) != c.public {
				t.Errorf("public: %v, want %v", err == nil, c.public)
			}
		})
	}
	var audits int
	if err := s.db.Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action LIKE 'catalogue.scheduled_%' AND target_id = ?`, id).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != 2 {
		t.Errorf("audit entries %d, want 2", audits)
	}
}

func TestMissingTranslations(t *testing.T) {
	snap := newSnapshot("x")
	snap.Description = Texts{"ru": "Описание"}
	snap.Media = []SnapMedia{{Kind: "photo", Alt: Texts{"en": "Front"}}, {Kind: "brochure", Alt: Texts{}}}
	got := snap.MissingTranslations()
	want := map[string]int{"name": 1, "description": 2, "media.1.alt": 2}
	if len(got) != len(want) {
		t.Fatalf("missing %+v, want %v", got, want)
	}
	for _, f := range got {
		if want[f.Field] != len(f.Langs) {
			t.Errorf("%s: %v", f.Field, f.Langs)
		}
	}
}

func TestMediaFileUsesAndDelete(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	var fid int64
	name := "0123456789abcdef0123456789abcdef"
	err := txDo(t, s, func(tx *Tx) error {
		var err error
		fid, err = tx.CreateMediaFile(MediaFile{Name: name, Kind: "photo", File: name + "-960.jpg", Mime: "image/jpeg",
			Width: 960, Height: 540, Bytes: 1000, Widths: []int{480, 960}}, pubStaff, pubNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.MediaFileByID(ctx, fid)
	if err != nil || len(f.Widths) != 2 {
		t.Fatalf("file: %+v %v", f, err)
	}
	snap := newSnapshot("novelty")
	snap.Media = []SnapMedia{{FileID: fid, Kind: "photo", Source: "upload", File: f.File, Mime: f.Mime, Width: 960, Height: 540, Alt: Texts{"ru": "Фото"}}}
	id := createDraft(t, s, snap)
	uses, err := s.MediaFileUses(ctx, f)
	if err != nil || len(uses) != 1 || uses[0].Published {
		t.Fatalf("uses of a draft's photo: %+v %v", uses, err)
	}
	if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow) }); err != nil {
		t.Fatal(err)
	}
	uses, _ = s.MediaFileUses(ctx, f)
	if len(uses) != 1 || !uses[0].Published {
		t.Fatalf("uses after publish: %+v", uses)
	}
	m, _ := s.ModelBySlug(ctx, "ru", "novelty")
	if len(m.Photos) != 1 || m.Photos[0].Source != "upload" {
		t.Fatalf("photos: %+v", m.Photos)
	}
	v := s.ContentVersion()
	if err := txDo(t, s, func(tx *Tx) error { return tx.DeleteMediaFile(f, pubNow) }); err != nil {
		t.Fatal(err)
	}
	if s.ContentVersion() == v {
		t.Error("deleting a published photo did not change the content version")
	}
	m, _ = s.ModelBySlug(ctx, "ru", "novelty")
	if len(m.Photos) != 0 {
		t.Error("deleted photo still on the page")
	}
	if _, err := s.MediaFileByID(ctx, fid); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted file: %v", err)
	}
}
