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

// TestDigestJobAcrossRestarts: the digest job, on the clock it is given,
// sends nothing before the person's hour (09:00 Moscow time), the digest
// once after it, also when that hour passed while the portal was down,
// and nothing again after another restart.
func TestDigestJobAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config{DBPath: filepath.Join(dir, "portal.db"), KeyFile: filepath.Join(dir, "session.keys"), BaseURL: "http://portal.test",
		PageCache: 100, MaxBodyBytes: 1 << 20, IdleTimeout: time.Hour, SessionLifetime: time.Hour}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	made := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

	// The person, their choice and one notification waiting for the digest.
	_, store, closeDB, err := setup(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	const email = "digest-job@example.com"
	err = store.Tx(ctx, func(tx *db.Tx) error {
		uid, err := tx.CreateUser(db.NewUser{Email: email, PasswordHash: "x", FullName: "Digest Reader", Role: "investor", Status: "active", Lang: "ru", Now: made})
		if err != nil {
			return err
		}
		if err := tx.SetNotifyPrefs(uid, db.NotifyPrefs{Notify: "digest", DigestHour: 9}); err != nil {
			return err
		}
		pid, err := tx.CreateProposal(db.ProposalInput{Kind: "distribution", Market: "ru", Visibility: "private", Currency: "RUB",
			Title: db.L10n{RU: "Дайджест", EN: "Digest", FA: "خلاصه"}, NDAText: "Confidential for three years, the whole deal room."}, db.User{FullName: "Staff"}, made)
		if err != nil {
			return err
		}
		if err := tx.AddParticipant(pid, uid, "Reader LLC", made); err != nil {
			return err
		}
		return tx.Notify(uid, "note", pid, "", true, made)
	})
	if err != nil {
		t.Fatal(err)
	}
	closeDB()

	// runFor starts the portal's parts anew and runs the digest job on a
	// clock stopped at now for a few of its rounds; it returns how many
	// mails to the person the outbox then holds.
	runFor := func(now time.Time) int {
		t.Helper()
		srv, store, closeDB, err := setup(ctx, cfg, logger)
		if err != nil {
			t.Fatal(err)
		}
		defer closeDB()
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			sendDigests(rctx, srv, 2*time.Millisecond, func() time.Time { return now }, logger)
			close(done)
		}()
		time.Sleep(60 * time.Millisecond) // many rounds
		cancel()
		<-done
		var n int
		if err := store.DB().Read.QueryRow(`SELECT count(*) FROM outbox WHERE to_addr = ?`, email).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := runFor(time.Date(2026, 12, 1, 5, 59, 0, 0, time.UTC)); n != 0 {
		t.Errorf("before 09:00 Moscow time: %d mails, want 0", n)
	}
	// Down over the hour, back at 11:30 Moscow time: the digest goes now.
	if n := runFor(time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)); n != 1 {
		t.Errorf("after the hour, restarted: %d mails, want 1", n)
	}
	if n := runFor(time.Date(2026, 12, 1, 8, 31, 0, 0, time.UTC)); n != 1 {
		t.Errorf("restarted again: %d mails, want still 1", n)
	}
}
