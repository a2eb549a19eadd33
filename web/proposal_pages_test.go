package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// addSharedNotes appends n shared notes to a proposal's timeline.
func addSharedNotes(t *testing.T, ts *testServer, proposalID int64, n int) {
	t.Helper()
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		for i := range n {
			if _, err := tx.AppendEvent(db.Event{ProposalID: proposalID, Kind: "note", At: time.Now(), ActorName: "Staff", Note: fmt.Sprintf("Note number %d", i+1)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStatusPageShowsTheLatestEntries: with 14 entries, the status page
// shows the latest 10, oldest of them first, says so, and links the full
// history, which (with its download) has all 14.
func TestStatusPageShowsTheLatestEntries(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	inv, invUser := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	addSharedNotes(t, ts, fx.id, 13) // and the "created" entry: 14
	status := fmt.Sprintf("/en/proposals/%d", fx.id)
	doc := inv.get(t, status).doc(t)
	var notes []string
	doc.Find("[data-testid=timeline] [data-testid=event]").Each(func(_ int, e *goquery.Selection) {
		notes = append(notes, e.Find("[data-testid=event-note]").Text())
	})
	if len(notes) != 10 || notes[0] != "Note number 4" || notes[9] != "Note number 13" {
		t.Errorf("status page entries: %q, want notes 4 to 13", notes)
	}
	if got := doc.Find("[data-testid=timeline-window]").Text(); !strings.Contains(got, "latest 10 entries of 14") {
		t.Errorf("window note: %q", got)
	}
	link := doc.Find("[data-testid=history-link]")
	if href, _ := link.Attr("href"); href != status+"/history" || !strings.Contains(link.Text(), "14 entries") {
		t.Errorf("history link: %q %q", href, link.Text())
	}
	if n := inv.get(t, status+"/history").doc(t).Find("[data-testid=history] tbody tr").Length(); n != 14 {
		t.Errorf("history page shows %d entries, want 14", n)
	}
	var f struct{ Entries []json.RawMessage }
	if err := json.Unmarshal([]byte(inv.get(t, status+"/history.json").Body), &f); err != nil || len(f.Entries) != 14 {
		t.Errorf("history download: %d entries, %v; want 14", len(f.Entries), err)
	}
	// A short timeline is shown whole, without the note.
	short := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, short.id, invUser.ID)
	sd := inv.get(t, fmt.Sprintf("/en/proposals/%d", short.id)).doc(t)
	if sd.Find("[data-testid=event]").Length() != 1 || sd.Find("[data-testid=timeline-window]").Length() != 0 {
		t.Errorf("short timeline: %d entries, window note %d", sd.Find("[data-testid=event]").Length(), sd.Find("[data-testid=timeline-window]").Length())
	}
}

// TestStatusPageKeptPerSessionWithAccessPerRequest: the status page is
// kept per session, but who may see it is decided on every request: a
// participant removed after their page was kept gets 404 at once; another
// participant never gets the first one's page (their own name and form
// token); changes of every kind the page shows reach a kept page.
func TestStatusPageKeptPerSessionWithAccessPerRequest(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	staff, _ := loginAs(t, ts, "staff")
	a, aUser := loginAs(t, ts, "investor")
	b, bUser := loginAs(t, ts, "partner")
	fx := newProposalFixture(t, ts, aUser, bUser)
	acceptNDA(t, ts, fx.id, aUser.ID)
	acceptNDA(t, ts, fx.id, bUser.ID)
	status := fmt.Sprintf("/en/proposals/%d", fx.id)
	staffPage := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	token := func(r response) string { return r.doc(t).Find("input[name=csrf]").First().AttrOr("value", "") }

	a1, a2 := a.get(t, status), a.get(t, status)
	if a1.StatusCode != http.StatusOK || a1.Body != a2.Body {
		t.Fatalf("a's page asked twice: %d, same body %t", a1.StatusCode, a1.Body == a2.Body)
	}
	b1 := b.get(t, status)
	if b1.StatusCode != http.StatusOK || b1.Body == a1.Body || token(b1) == token(a1) {
		t.Error("b was served a's page")
	}
	// b's form token is b's session's: a question posted with it passes.
	if res := b.post(t, status+"/questions", url.Values{"csrf": {token(b1)}, "question": {"Is the page mine?"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("question with the token of b's kept page: %d", res.StatusCode)
	}
	// The question (b's own) shows on b's page, not on a's.
	if !strings.Contains(b.get(t, status).Body, "Is the page mine?") || strings.Contains(a.get(t, status).Body, "Is the page mine?") {
		t.Error("b's question after it was asked: missing on b's page or shown on a's")
	}
	// A change to another proposal leaves a's page as it was (the same
	// ETag).
	other := newProposalFixture(t, ts)
	otherPage := fmt.Sprintf("/en/staff/proposals/%d", other.id)
	staff.submit(t, otherPage, otherPage+"/notes", url.Values{"note": {"Elsewhere"}, "visibility": {"shared"}})
	if again := a.get(t, status); again.Header.Get("ETag") == "" || again.Header.Get("ETag") != a1.Header.Get("ETag") {
		t.Errorf("a's page after a change to another proposal: ETag %q, was %q", again.Header.Get("ETag"), a1.Header.Get("ETag"))
	}
	// A shared note, a new document and the unread count reach kept pages.
	staff.submit(t, staffPage, staffPage+"/notes", url.Values{"note": {"Kept pages follow this note"}, "visibility": {"shared"}})
	page := a.get(t, status)
	if !strings.Contains(page.Body, "Kept pages follow this note") {
		t.Error("a's kept page misses the new shared note")
	}
	if got := page.doc(t).Find("[data-testid=unread-count]").Text(); !strings.HasPrefix(got, "1") {
		t.Errorf("unread count on the kept page: %q, want 1", got)
	}
	if res := uploadRequest(t, staff, staffPage, staffPage+"/documents", "annex.pdf", []byte("%PDF-1.4\nannex\n")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	if !strings.Contains(a.get(t, status).Body, "annex.pdf") {
		t.Error("a's kept page misses the new document")
	}
	// Removed: 404 on the next request, though a page of theirs was kept.
	staff.submit(t, staffPage, fmt.Sprintf("%s/participants/%d/remove", staffPage, aUser.ID), nil)
	if res := a.get(t, status); res.StatusCode != http.StatusNotFound {
		t.Errorf("removed participant: %d, want 404", res.StatusCode)
	}
	if res := b.get(t, status); res.StatusCode != http.StatusOK {
		t.Errorf("remaining participant: %d", res.StatusCode)
	}
	// A new session of the same person gets a page of its own.
	b2 := ts.newClient()
	b2.submit(t, "/en/login", "/en/login", url.Values{"email": {bUser.Email}, "password": {testPassword}})
	if p := b2.get(t, status); p.StatusCode != http.StatusOK || token(p) == token(b.get(t, status)) {
		t.Errorf("a second session of b: %d, token shared with the first: %t", p.StatusCode, token(p) == token(b.get(t, status)))
	}
}

// TestBoardColumns: the board shows a few cards a column with the count
// and a link to the column alone, which lists every card page by page
// with the filters kept; bad stages and pages are refused.
func TestBoardColumns(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "staff")
	owner := createUser(t, ts, "owner-board@example.com", "staff", "active")
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		for i := range 40 {
			in := db.ProposalInput{Kind: "distribution", Market: "ru", Visibility: "private", Currency: "RUB", NDAText: testNDA,
				Title: db.L10n{RU: fmt.Sprintf("Сделка %02d", i), EN: fmt.Sprintf("Deal %02d", i), FA: fmt.Sprintf("معامله %d", i)}}
			if i%2 == 1 {
				in.Market, in.OwnerID = "az", owner.ID
			}
			if _, err := tx.CreateProposal(in, owner, time.Now().Add(time.Duration(i-100)*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := cl.get(t, "/en/staff/pipeline").doc(t)
	col := doc.Find("[data-testid=board-column][data-stage=new]")
	if n := col.Find("[data-testid=board-card]").Length(); n != boardPerStage {
		t.Errorf("New column shows %d cards, want %d", n, boardPerStage)
	}
	if got := col.Find("h2 .count").Text(); got != "(40)" {
		t.Errorf("New column count %q, want (40)", got)
	}
	more := col.Find("[data-testid=board-more]")
	if href, _ := more.Attr("href"); href != "/en/staff/pipeline?stage=new" || !strings.Contains(more.Text(), "and 34 more") {
		t.Errorf("more link: %q %q", href, more.Text())
	}
	if got := col.Find("[data-testid=board-card] .board-title").First().Text(); got != "Deal 00" {
		t.Errorf("first card %q, want the longest in stage (Deal 00)", got)
	}

	page1 := cl.get(t, "/en/staff/pipeline?stage=new").doc(t)
	if n := page1.Find("[data-testid=board-card]").Length(); n != boardPerColumn {
		t.Errorf("column page 1: %d cards, want %d", n, boardPerColumn)
	}
	if page1.Find("[data-testid=board-column]").Length() != 1 || page1.Find("[data-testid=board-back]").Length() != 1 {
		t.Error("the column page shows other columns or no way back to the board")
	}
	page2 := cl.get(t, "/en/staff/pipeline?stage=new&page=2").doc(t)
	if n := page2.Find("[data-testid=board-card]").Length(); n != 10 {
		t.Errorf("column page 2: %d cards, want 10", n)
	}
	if got := page2.Find("[data-testid=board-card] .board-title").First().Text(); got != "Deal 30" {
		t.Errorf("page 2 starts with %q, want Deal 30", got)
	}
	// Filters are kept in the column's links and its own filter form.
	filtered := cl.get(t, "/en/staff/pipeline?market=az").doc(t)
	fmore, _ := filtered.Find("[data-stage=new] [data-testid=board-more]").Attr("href")
	if fmore != "/en/staff/pipeline?market=az&stage=new" {
		t.Errorf("filtered more link %q", fmore)
	}
	fcol := cl.get(t, fmore).doc(t)
	if n := fcol.Find("[data-testid=board-card]").Length(); n != 20 {
		t.Errorf("filtered column: %d cards, want 20", n)
	}
	if v, _ := fcol.Find("[data-testid=filters] input[name=stage]").Attr("value"); v != "new" {
		t.Errorf("the column's filter form keeps stage %q, want new", v)
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/en/staff/pipeline?stage=nowhere", http.StatusBadRequest},
		{"/en/staff/pipeline?page=2", http.StatusBadRequest},
		{"/en/staff/pipeline?stage=new&page=3", http.StatusNotFound},
		{"/en/staff/pipeline?stage=new&page=0", http.StatusBadRequest},
		{"/en/staff/pipeline?stage=signed", http.StatusOK},
	} {
		if res := cl.get(t, c.path); res.StatusCode != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, res.StatusCode, c.status)
		}
	}
	// The board is kept per session, and a move shows at once.
	p := staffProposal(t, ts, 1)
	action := "/en/staff/proposals/1/stage"
	f := moveForm(p, "qualification", "Moved from the column", "internal")
	f.Set("return", "board")
	if res := cl.submit(t, "/en/staff/pipeline?stage=new", action, f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", res.StatusCode)
	}
	if n := cl.get(t, "/en/staff/pipeline").doc(t).Find("[data-stage=qualification] [data-testid=board-card]").Length(); n != 1 {
		t.Errorf("qualification shows %d cards after the move, want 1", n)
	}
}
