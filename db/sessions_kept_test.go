package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// twoInstances opens the same database file twice, as two running
// portals on one machine would, each with its own store.
func twoInstances(t *testing.T) (a, b *Store, path string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "portal.db")
	open := func() *Store {
		d, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if _, err := Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		s, err := NewStore(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return open(), open(), path
}

// loggedIn makes an active investor with a session and returns the
// session's id hash and the account's id.
func loggedIn(t *testing.T, s *Store, email string, now time.Time) (string, int64) {
	t.Helper()
	ctx := context.Background()
	var uid int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		uid, err = tx.CreateUser(NewUser{Email: email, PasswordHash: "x", FullName: "Ivan Petrov", Role: "investor", Status: "active", Lang: "ru", Now: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hash := "hash-" + email
	if err := s.SaveSession(ctx, Session{IDHash: hash, UserID: uid, CSRF: "tok", Data: []byte("{}"), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return hash, uid
}

func mustSession(t *testing.T, s *Store, hash string) (Session, *User) {
	t.Helper()
	ses, u, err := s.SessionAndUser(context.Background(), hash)
	if err != nil {
		t.Fatal(err)
	}
	if u == nil {
		t.Fatal("session has no account")
	}
	return ses, u
}

// TestKeptSessionsSeeEveryInstancesChanges: a session read once is kept
// in memory, yet a change made by another instance (ending the session,
// disabling or changing the account, a new notification, raw SQL through
// its writer) is seen by the very next read.
func TestKeptSessionsSeeEveryInstancesChanges(t *testing.T) {
	a, b, _ := twoInstances(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	hash, uid := loggedIn(t, a, "ivan@example.com", now)

	_, u := mustSession(t, a, hash)
	if u.Role != "investor" || u.Unread != 0 {
		t.Fatalf("first read: %+v", u)
	}

	// The role changes through the other instance.
	if err := b.Tx(ctx, func(tx *Tx) error { return tx.SetUserRole(uid, "partner", now) }); err != nil {
		t.Fatal(err)
	}
	if _, u := mustSession(t, a, hash); u.Role != "partner" {
		t.Errorf("after a role change elsewhere: role %q, want partner", u.Role)
	}

	// A notification written elsewhere, by raw SQL through the writer.
	if _, err := b.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.LoadDemoOffers(ctx, testRates(), demoRub, now); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Write.ExecContext(ctx, `INSERT INTO notifications(user_id, kind, offer_id, detail, created_at)
		VALUES (?, 'offer_withdrawn', (SELECT min(id) FROM offers), '', ?)`, uid, fmtTime(now)); err != nil {
		t.Fatal(err)
	}
	if _, u := mustSession(t, a, hash); u.Unread != 1 {
		t.Errorf("after a notification elsewhere: unread %d, want 1", u.Unread)
	}
	if err := b.MarkNotificationsRead(ctx, uid, now); err != nil {
		t.Fatal(err)
	}
	if _, u := mustSession(t, a, hash); u.Unread != 0 {
		t.Errorf("after reading them elsewhere: unread %d, want 0", u.Unread)
	}

	// Disabled elsewhere.
	if err := b.Tx(ctx, func(tx *Tx) error { return tx.SetUserStatus(uid, "disabled", "test", 0, now) }); err != nil {
		t.Fatal(err)
	}
	if _, u := mustSession(t, a, hash); u.Status != "disabled" {
		t.Errorf("after disabling elsewhere: status %q, want disabled", u.Status)
	}

	// Ended elsewhere.
	if err := b.DeleteSession(ctx, hash); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.SessionAndUser(ctx, hash); !errors.Is(err, ErrNotFound) {
		t.Errorf("after ending the session elsewhere: %v, want ErrNotFound", err)
	}
}

// TestKeptSessionIsServedFromMemory shows the keeping itself: a change
// that bypasses every portal's writer (a second connection of our own,
// opened without the wrapper) is not seen until the auth counter moves;
// a change to a table the session read does not join leaves it standing.
func TestKeptSessionIsServedFromMemory(t *testing.T) {
	a, b, path := twoInstances(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	hash, uid := loggedIn(t, a, "olga@example.com", now)
	mustSession(t, a, hash)

	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `UPDATE users SET full_name = 'Olga Bypass' WHERE id = ?`, uid); err != nil {
		t.Fatal(err)
	}
	if _, u := mustSession(t, a, hash); u.FullName == "Olga Bypass" {
		t.Fatal("the session was read again although nothing moved the counter: nothing is kept")
	}
	before, _ := a.db.changes.authVersion()
	if err := b.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := a.db.changes.authVersion(); after != before {
		t.Errorf("a content change moved the auth counter %d → %d", before, after)
	}
	// Any change to the joined tables through a writer retires it.
	if err := b.Tx(ctx, func(tx *Tx) error { return tx.SetUserLang(uid, "en", now) }); err != nil {
		t.Fatal(err)
	}
	if after, _ := a.db.changes.authVersion(); after == before {
		t.Error("a change to users did not move the auth counter")
	}
	if _, u := mustSession(t, a, hash); u.FullName != "Olga Bypass" || u.Lang != "en" {
		t.Errorf("after the counter moved: %q %q, want the stored name and en", u.FullName, u.Lang)
	}
}

// TestTouchKeepsSessionsAndIdleIsCheckedFresh: the last-seen touch does
// not retire kept sessions (it would, once a minute per person); the
// instance that touched sees the new time, another sees an older one
// until it asks afresh, never a newer one.
func TestTouchKeepsSessionsAndIdleIsCheckedFresh(t *testing.T) {
	a, b, _ := twoInstances(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	hash, _ := loggedIn(t, a, "anna@example.com", now)
	mustSession(t, a, hash)
	mustSession(t, b, hash)

	before, _ := a.db.changes.authVersion()
	later := now.Add(20 * time.Minute)
	if err := b.TouchSession(ctx, hash, later, "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if after, _ := a.db.changes.authVersion(); after != before {
		t.Errorf("a touch moved the auth counter %d → %d", before, after)
	}
	if ses, _ := mustSession(t, b, hash); !ses.LastSeenAt.Equal(later) {
		t.Errorf("touching instance: last seen %v, want %v", ses.LastSeenAt, later)
	}
	if ses, _ := mustSession(t, a, hash); !ses.LastSeenAt.Equal(now) {
		t.Errorf("other instance, kept: last seen %v, want the older %v", ses.LastSeenAt, now)
	}
	ses, _, err := a.SessionAndUserFresh(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if !ses.LastSeenAt.Equal(later) {
		t.Errorf("other instance, fresh: last seen %v, want %v", ses.LastSeenAt, later)
	}
	if ses, _ := mustSession(t, a, hash); !ses.LastSeenAt.Equal(later) {
		t.Errorf("other instance after the fresh read: last seen %v, want %v", ses.LastSeenAt, later)
	}
}

// TestKeptSessionsUnderConcurrentLogout: readers race a logout; once the
// logout has returned, no read finds the session, on either instance.
func TestKeptSessionsUnderConcurrentLogout(t *testing.T) {
	a, b, _ := twoInstances(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for round := range 20 {
		hash, _ := loggedIn(t, a, fmt.Sprintf("p%d@example.com", round), now)
		var ended atomic.Bool
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				for range 200 {
					after := ended.Load()
					_, _, err := s.SessionAndUser(ctx, hash)
					if after && err == nil {
						errs <- fmt.Errorf("round %d: the session was found after its logout returned", round)
						return
					}
					if err != nil && !errors.Is(err, ErrNotFound) {
						errs <- err
						return
					}
				}
			})
		}
		if err := b.DeleteSession(ctx, hash); err != nil {
			t.Fatal(err)
		}
		ended.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}
