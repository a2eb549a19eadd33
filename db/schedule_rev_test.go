package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// liveTagline reads a model's English tagline from the live tables ("" when
// it is not public).
func liveTagline(t *testing.T, s *Store, slug string) string {
	t.Helper()
	m, err := s.ModelBySlug(context.Background(), "en", slug)
	if errors.Is(err, ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return m.Tagline.Value
}

// saveTagline saves the entry's draft with another English tagline and
// returns the new revision.
func saveTagline(t *testing.T, s *Store, id int64, tagline string) int {
	t.Helper()
	d, err := s.Draft(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	snap := d.Snapshot
	snap.Tagline = Texts{"ru": snap.Tagline["ru"], "en": tagline}
	var rev int
	if err := txDo(t, s, func(tx *Tx) error {
		var err error
		rev, err = tx.SaveDraft(id, d.DraftRev, snap, "saved", "", pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return rev
}

func lastAudit(t *testing.T, s *Store, id int64) string {
	t.Helper()
	var detail string
	if err := s.db.Read.QueryRow(`SELECT detail FROM audit_log WHERE target_id = ? AND action LIKE 'catalogue.scheduled_%' ORDER BY id DESC LIMIT 1`, id).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	return detail
}

// TestScheduledPublishKeepsItsRevision: a scheduled publish publishes the
// revision that was scheduled, not the draft as it became afterwards; it
// can be moved to a newer revision; it never replaces a newer published
// revision with its older one.
func TestScheduledPublishKeepsItsRevision(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	snap := newSnapshot("novelty")
	snap.Tagline = Texts{"ru": "Первый", "en": "First"}
	id := createDraft(t, s, snap)
	at := pubNow.Add(time.Hour)
	schedule := func(rev int, due time.Time) int64 {
		t.Helper()
		var sid int64
		if err := txDo(t, s, func(tx *Tx) error {
			var err error
			sid, err = tx.ScheduleRevision(id, "publish", rev, due, pubStaff, pubNow)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return sid
	}
	run := func(now time.Time, want int) {
		t.Helper()
		n, err := s.RunDueSchedules(ctx, now)
		if err != nil || n != want {
			t.Fatalf("ran %d (%v), want %d", n, err, want)
		}
	}

	// Revision 1 scheduled, then the draft edited: revision 1 goes out.
	schedule(1, at)
	saveTagline(t, s, id, "Second")
	d, _ := s.Draft(ctx, id)
	if len(d.Schedules) != 1 || d.Schedules[0].Rev != 1 || d.DraftRev != 2 {
		t.Fatalf("schedules %+v, draft revision %d", d.Schedules, d.DraftRev)
	}
	run(at, 1)
	if got := liveTagline(t, s, "novelty"); got != "First" {
		t.Errorf("published tagline %q, want the scheduled revision's \"First\"", got)
	}
	d, _ = s.Draft(ctx, id)
	if d.PublishedRev != 1 || d.DraftRev != 2 || !d.Unpublished() {
		t.Errorf("after the run: published %d, draft %d, unpublished changes %v", d.PublishedRev, d.DraftRev, d.Unpublished())
	}
	if got := lastAudit(t, s, id); got != "schedule 1: revision 1" {
		t.Errorf("audit detail %q", got)
	}

	// Moved to the newer revision: that one goes out.
	sid := schedule(2, at.Add(time.Hour))
	saveTagline(t, s, id, "Third")
	if err := txDo(t, s, func(tx *Tx) error { return tx.RescheduleRevision(id, sid, 3) }); err != nil {
		t.Fatal(err)
	}
	run(at.Add(time.Hour), 1)
	if got := liveTagline(t, s, "novelty"); got != "Third" {
		t.Errorf("published tagline %q, want \"Third\"", got)
	}

	// Scheduled revision 4, but revision 5 published by hand meanwhile:
	// the schedule is not carried out and says why.
	saveTagline(t, s, id, "Fourth")
	schedule(4, at.Add(2*time.Hour))
	saveTagline(t, s, id, "Fifth")
	if err := txDo(t, s, func(tx *Tx) error { return tx.PublishModel(id, pubNow) }); err != nil {
		t.Fatal(err)
	}
	run(at.Add(2*time.Hour), 1)
	if got := liveTagline(t, s, "novelty"); got != "Fifth" {
		t.Errorf("published tagline %q, want \"Fifth\" kept", got)
	}
	if got := lastAudit(t, s, id); !strings.Contains(got, "revision 4: not carried out") || !strings.Contains(got, ErrSuperseded.Error()) {
		t.Errorf("audit detail %q", got)
	}

	// Revisions the entry does not have are refused.
	for _, rev := range []int{-1, 0, 9} {
		err := txDo(t, s, func(tx *Tx) error {
			_, err := tx.ScheduleRevision(id, "publish", rev, at, pubStaff, pubNow)
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("schedule revision %d: %v", rev, err)
		}
		if err := txDo(t, s, func(tx *Tx) error { return tx.RescheduleRevision(id, sid, rev) }); !errors.Is(err, ErrNotFound) {
			t.Errorf("move a schedule to revision %d: %v", rev, err)
		}
	}
}

// TestScheduledPublishOfTheLiveVersion: revision 0, the live version of an
// entry never edited, is what staff schedule before the first edit; edited
// and unpublished afterwards, the schedule publishes that live version
// (kept as revision 1), not the edit.
func TestScheduledPublishOfTheLiveVersion(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	const alpha = 1
	at := pubNow.Add(time.Hour)
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.ScheduleRevision(alpha, "publish", 0, at, pubStaff, pubNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := txDo(t, s, func(tx *Tx) error { return tx.UnpublishModel(alpha, pubNow) }); err != nil {
		t.Fatal(err)
	}
	saveTagline(t, s, alpha, "Edited")
	if n, err := s.RunDueSchedules(ctx, at); n != 1 || err != nil {
		t.Fatalf("ran %d, %v", n, err)
	}
	if got := liveTagline(t, s, "alpha"); got != "A sedan" {
		t.Errorf("published tagline %q, want the live version's \"A sedan\"", got)
	}
	d, _ := s.Draft(ctx, alpha)
	if d.Status != "published" || d.PublishedRev != 1 || d.DraftRev != 2 {
		t.Errorf("status %s, published %d, draft %d", d.Status, d.PublishedRev, d.DraftRev)
	}
}

// TestMigrationGivesPendingPublishesTheirRevision: publishes scheduled
// before migration 0013 get the newest revision saved by the time they
// were scheduled; done, canceled and unpublish schedules get none.
func TestMigrationGivesPendingPublishesTheirRevision(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	// The database as it was before 0013, with its migrations recorded.
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= 13 {
			break
		}
		if _, err := d.Write.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO models (id, slug, body_type, seats, model_year, status, draft_rev) VALUES (1, 'one', 'sedan', 5, 2026, 'draft', 3), (2, 'two', 'sedan', 5, 2026, 'published', 0)`,
		`INSERT INTO catalogue_revisions (model_id, rev, snapshot, action, created_at) VALUES
			(1, 1, '{}', 'created', '2026-11-01T10:00:00.000000Z'),
			(1, 2, '{}', 'saved', '2026-11-02T10:00:00.000000Z'),
			(1, 3, '{}', 'saved', '2026-11-04T10:00:00.000000Z')`,
		`INSERT INTO catalogue_schedules (id, model_id, action, due_at, created_at, done_at, canceled_at) VALUES
			(1, 1, 'publish', '2026-12-01T10:00:00.000000Z', '2026-11-03T10:00:00.000000Z', NULL, NULL),
			(2, 1, 'publish', '2026-12-01T10:00:00.000000Z', '2026-11-03T10:00:00.000000Z', '2026-12-01T10:00:00.000000Z', NULL),
			(3, 1, 'unpublish', '2026-12-02T10:00:00.000000Z', '2026-11-03T10:00:00.000000Z', NULL, NULL),
			(4, 2, 'publish', '2026-12-01T10:00:00.000000Z', '2026-11-03T10:00:00.000000Z', NULL, NULL)`,
	} {
		if _, err := d.Write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   int
		want string
	}{{1, "2"}, {2, "NULL"}, {3, "NULL"}, {4, "0"}} {
		var got string
		if err := d.Read.QueryRow(`SELECT COALESCE(CAST(rev AS TEXT), 'NULL') FROM catalogue_schedules WHERE id = ?`, c.id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("schedule %d: revision %s, want %s", c.id, got, c.want)
		}
	}
}
