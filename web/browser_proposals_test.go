package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserProposalNegotiation: staff move a proposal through three
// stages with shared and internal notes; the participant accepts the NDA
// and sees the shared notes, not the internal one, on the progress track
// and timeline, and got the mail; a non-participant sees only the teaser.
func TestBrowserProposalNegotiation(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	ts := newTestServer(t, withDocuments(t))
	staff := createUser(t, ts, "staff-browser@example.com", "staff", "active")
	participant := createUser(t, ts, "investor-browser@example.com", "investor", "active")
	outsider := createUser(t, ts, "partner-browser@example.com", "partner", "active")
	fx := newProposalFixture(t, ts, participant)
	if _, err := ts.store.DB().Write.Exec(`UPDATE proposals SET visibility = 'public' WHERE id = ?`, fx.id); err != nil {
		t.Fatal(err)
	}
	ctx, base := newBrowserFor(t, ts)

	browserLogin(t, ctx, base, staff.Email)
	staffPage := fmt.Sprintf("%s/en/staff/proposals/%d", base, fx.id)
	moves := []struct{ to, note, visibility string }{
		{"qualification", "Shared: please send the company documents.", "shared"},
		{"nda_signed", "Internal: partner asked for a lower price floor.", "internal"},
		{"term_sheet", "Shared: the term sheet draft is in the documents.", "shared"},
	}
	for i, m := range moves {
		visit(t, ctx, staffPage, 200)
		if i == 0 {
			runAxe(t, ctx, "staff proposal page")
		}
		if got := eval[string](t, ctx, fmt.Sprintf(`(s => (s.value = %q, s.value))(document.querySelector('#move-to'))`, m.to)); got != m.to {
			t.Fatalf("move form offers no %s", m.to)
		}
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#move-note"), m.note),
			chromedp.Click(chromedp.CSS("#move-"+m.visibility)),
		); err != nil {
			t.Fatal(err)
		}
		clickAndWait(t, ctx, "[data-testid=move-submit]")
		if got := eval[string](t, ctx, `document.querySelector('[aria-current=step]').dataset.stage`); got != m.to {
			t.Fatalf("after moving to %s the track shows %s", m.to, got)
		}
	}
	screenshot(t, ctx, "proposal-1-staff")
	visit(t, ctx, base+"/en/staff/pipeline", 200)
	runAxe(t, ctx, "pipeline board")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=board-column][data-stage=term_sheet] [data-testid=board-card]').length`); n != 1 {
		t.Errorf("board: %d cards in Term sheet, want 1", n)
	}
	screenshot(t, ctx, "proposal-2-board")

	// The participant: the NDA first, then the status page.
	browserLogin(t, ctx, base, participant.Email)
	status := fmt.Sprintf("%s/en/proposals/%d", base, fx.id)
	visit(t, ctx, status, 200)
	runAxe(t, ctx, "NDA gate")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#nda-agree"))); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=nda-accept]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=progress-track] [aria-current=step]').dataset.stage`); got != "term_sheet" {
		t.Errorf("participant's track at %q, want term_sheet", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=progress-track] li').length`); n != 7 {
		t.Errorf("track has %d steps, want 7", n)
	}
	notes := eval[string](t, ctx, `Array.from(document.querySelectorAll('[data-testid=event-note]'), n => n.textContent).join('\n')`)
	for _, m := range moves {
		if shown := strings.Contains(notes, m.note); shown != (m.visibility == "shared") {
			t.Errorf("note %q shown to the participant: %v", m.note, shown)
		}
	}
	runAxe(t, ctx, "participant status page")
	screenshot(t, ctx, "proposal-3-participant")
	// The same page in Persian: laid out right to left, still accessible.
	visit(t, ctx, fmt.Sprintf("%s/fa/proposals/%d", base, fx.id), 200)
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("Persian status page: dir %q", dir)
	}
	runAxe(t, ctx, "fa participant status page")
	screenshot(t, ctx, "proposal-4-participant-fa")
	visit(t, ctx, status, 200)
	clickAndWait(t, ctx, "[data-testid=history-link]")
	if eval[int](t, ctx, `document.querySelectorAll('[data-testid=chain-ok]').length`) != 1 {
		t.Error("history page does not say the chain verifies")
	}
	runAxe(t, ctx, "history page")

	// The mail of the last shared move reached the participant.
	var found bool
	for _, m := range outbox(t, ts.store) {
		if m.To == participant.Email && strings.Contains(m.Text, moves[2].note) {
			found = true
		}
		if strings.Contains(m.Text, moves[1].note) {
			t.Error("the internal note went out by mail")
		}
	}
	if !found {
		t.Error("the participant got no mail with the shared note")
	}

	// Someone else: the teaser in the list, a 404 on the status page.
	browserLogin(t, ctx, base, outsider.Email)
	visit(t, ctx, base+"/en/proposals", 200)
	cards := eval[string](t, ctx, `document.querySelector('[data-testid=proposal-list]').textContent`)
	if !strings.Contains(cards, "Test proposal") || strings.Contains(cards, "Secret key terms") {
		t.Errorf("outsider's list: %q", cards)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=proposal-card] a').length`); n != 0 {
		t.Errorf("outsider gets %d links to status pages", n)
	}
	runAxe(t, ctx, "proposal list")
	allowHTTPError(t, ctx, status)
	visit(t, ctx, status, 404)
}
