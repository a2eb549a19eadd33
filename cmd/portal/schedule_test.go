package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// openScheduleStore opens (and migrates) the database at path.
func openScheduleStore(t *testing.T, path string) (*db.Store, func()) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	s, err := db.NewStore(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return s, func() { d.Close() }
}

// TestSchedulerPublishesTheScheduledRevisionAfterRestart: a publish
// scheduled for revision 1, the draft edited afterwards and the portal
// restarted, publishes revision 1 on time, not the later edit.
func TestSchedulerPublishesTheScheduledRevisionAfterRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	noon := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	snap := db.Snapshot{Slug: "azar", BodyType: "sedan", Seats: 5, ModelYear: 2027, Name: db.Texts{"ru": "Азар"},
		Tagline: db.Texts{"ru": "Запланировано"},
		Trims: []db.SnapTrim{{Slug: "base", Name: db.Texts{"ru": "База"}, Fuel: "petrol", Transmission: "manual", Drive: "fwd",
			EngineCC: 1600, PowerHP: 110, PriceMinor: 150000000, Currency: "RUB"}}}

	s1, close1 := openScheduleStore(t, path)
	var id int64
	err := s1.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = tx.CreateModel(snap, db.Actor{}, noon.Add(-2*time.Hour)); err != nil {
			return err
		}
		_, err = tx.ScheduleRevision(id, "publish", 1, noon, db.Actor{}, noon.Add(-2*time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	later := snap
	later.Tagline = db.Texts{"ru": "Позже"}
	if err := s1.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.SaveDraft(id, 1, later, "saved", "", db.Actor{}, noon.Add(-time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	close1()

	s2, close2 := openScheduleStore(t, path)
	defer close2()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		runSchedules(rctx, s2, 5*time.Millisecond, func() time.Time { return noon.Add(time.Minute) }, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	var m db.Model
	for {
		var err error
		if m, err = s2.ModelBySlug(ctx, "ru", "azar"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not published after the restart")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if m.Tagline.Value != "Запланировано" {
		t.Errorf("published tagline %q, want the scheduled revision's", m.Tagline.Value)
	}
	d, err := s2.Draft(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.PublishedRev != 1 || d.DraftRev != 2 || !d.Unpublished() {
		t.Errorf("published revision %d, draft %d", d.PublishedRev, d.DraftRev)
	}
}

// TestSchedulerPublishesAfterRestart: a publish scheduled for a time
// while the portal was down happens when it starts again, on the clock it
// is given, and only once.
func TestSchedulerPublishesAfterRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	open := func() (*db.Store, func()) {
		d, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		s, err := db.NewStore(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return s, func() { d.Close() }
	}
	noon := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

	// Before the "restart": a draft with a publish scheduled for noon.
	s1, close1 := open()
	if _, err := s1.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	var id int64
	err := s1.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.CreateModel(db.Snapshot{Slug: "azar", BodyType: "sedan", Seats: 5, ModelYear: 2027, Name: db.Texts{"ru": "Азар"},
			Trims: []db.SnapTrim{{Slug: "base", Name: db.Texts{"ru": "База"}, Fuel: "petrol", Transmission: "manual", Drive: "fwd",
				EngineCC: 1600, PowerHP: 110, PriceMinor: 150000000, Currency: "RUB"}}}, db.Actor{}, noon.Add(-time.Hour))
		if err != nil {
			return err
		}
		_, err = tx.ScheduleModel(id, "publish", noon, db.Actor{}, noon.Add(-time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	close1()

	// After it: the scheduler's clock says it is past noon.
	s2, close2 := open()
	defer close2()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		runSchedules(rctx, s2, 5*time.Millisecond, func() time.Time { return noon.Add(time.Minute) }, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := s2.ModelBySlug(ctx, "ru", "azar"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not published after the restart")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond) // a few more ticks: nothing repeats
	cancel()
	<-done
	var news, audits int
	_ = s2.DB().Read.QueryRow(`SELECT count(*) FROM news_items WHERE model_id = ?`, id).Scan(&news)
	_ = s2.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'catalogue.scheduled_publish'`).Scan(&audits)
	if news != 1 || audits != 1 {
		t.Errorf("news %d, audit entries %d; want 1 and 1", news, audits)
	}
}
