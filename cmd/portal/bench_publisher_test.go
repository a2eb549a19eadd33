package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
)

// publisherEmail and publisherPassword are the staff account that
// publishes during the public-pages benchmark.
const (
	publisherEmail    = "bench-publisher@example.com"
	publisherPassword = "a long benchmark passphrase"
)

// startPublisher publishes a change to model-0001 every second, as a
// staff member would (a draft saved, then the publish button), until the
// returned function is called; that function returns how many publishes
// were made.
func startPublisher(ctx context.Context, b *testing.B, base, path string) func() int {
	b.Helper()
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	store, err := db.NewStore(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	hash, err := web.HashPassword(publisherPassword)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.CreateUser(db.NewUser{Email: publisherEmail, PasswordHash: hash, FullName: "Bench Publisher", Role: "staff", Status: "active", Lang: "ru", Now: time.Now()})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	var modelID int64
	if err := d.Read.QueryRowContext(ctx, `SELECT id FROM models WHERE slug = 'model-0001'`).Scan(&modelID); err != nil {
		b.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	staff := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tok := csrfOf(b, staff, base+"/en/login")
	res, err := staff.PostForm(base+"/en/login", url.Values{"csrf": {tok}, "email": {publisherEmail}, "password": {publisherPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("publisher login: %v %v", err, res)
	}
	res.Body.Close()
	editor := fmt.Sprintf("%s/en/staff/catalogue/%d", base, modelID)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	n := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for round := 1; ; round++ {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			draft, err := store.Draft(ctx, modelID)
			if err != nil {
				b.Error(err)
				return
			}
			snap := draft.Snapshot
			snap.Tagline["ru"] = fmt.Sprintf("Публикация %d", round)
			if err := store.Tx(ctx, func(tx *db.Tx) error {
				_, err := tx.SaveDraft(modelID, draft.DraftRev, snap, "saved", "", db.Actor{Email: publisherEmail}, time.Now())
				return err
			}); err != nil {
				b.Error(err)
				return
			}
			tok := csrfOf(b, staff, editor)
			res, err := staff.PostForm(editor+"/publish", url.Values{"csrf": {tok}})
			if err != nil || res.StatusCode != http.StatusSeeOther {
				b.Errorf("publish: %v %v", err, res)
				return
			}
			res.Body.Close()
			n++
		}
	}()
	return func() int {
		close(stop)
		wg.Wait()
		staff.CloseIdleConnections()
		d.Close()
		return n
	}
}
