package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDocumentVersionsAndDigestHour: staff upload a new version of
// a document and delete it through the confirmation page, without
// JavaScript doing anything for them; the board's column page and the
// notification settings (the digest's hour and time zone) are accessible
// in English and Persian.
func TestBrowserDocumentVersionsAndDigestHour(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	ts := newTestServer(t, withDocuments(t))
	staff := createUser(t, ts, "staff-docs@example.com", "staff", "active")
	participant := createUser(t, ts, "investor-docs@example.com", "investor", "active")
	fx := newProposalFixture(t, ts, participant)
	acceptNDA(t, ts, fx.id, participant.ID)
	pdf := filepath.Join(t.TempDir(), "terms-v2.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\nsecond version\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, base := newBrowserFor(t, ts)

	browserLogin(t, ctx, base, staff.Email)
	staffPage := fmt.Sprintf("%s/en/staff/proposals/%d", base, fx.id)
	visit(t, ctx, staffPage, 200)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf("#replace-%d", fx.docID)), []string{pdf})); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=replace-form] button")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=documents] [data-testid=document-version]').textContent`); got != "version 2" {
		t.Errorf("after the new version the list shows %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=old-document]').length`); n != 1 {
		t.Errorf("%d earlier versions listed, want 1", n)
	}
	runAxe(t, ctx, "staff proposal page with document versions")
	screenshot(t, ctx, "proposal-5-document-versions")

	clickAndWait(t, ctx, "[data-testid=delete-form] button")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=confirm-delete]').textContent`); !strings.Contains(got, "terms-v2.pdf") {
		t.Errorf("confirmation: %q", got)
	}
	runAxe(t, ctx, "document delete confirmation")
	screenshot(t, ctx, "proposal-6-document-delete")
	clickAndWait(t, ctx, "[data-testid=confirm]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=documents] [data-testid=document]').length`); n != 0 {
		t.Errorf("%d documents listed after the delete, want 0", n)
	}

	visit(t, ctx, base+"/en/staff/pipeline?stage=new", 200)
	runAxe(t, ctx, "board column page")
	visit(t, ctx, base+"/fa/staff/pipeline?stage=new", 200)
	runAxe(t, ctx, "fa board column page")

	// The participant chooses the digest at 21:00 Tehran time.
	browserLogin(t, ctx, base, participant.Email)
	visit(t, ctx, base+"/en/notifications", 200)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#notify-digest")),
		chromedp.SetValue(chromedp.CSS("#digest-hour"), "21"),
		chromedp.SetValue(chromedp.CSS("#time-zone"), "Asia/Tehran"),
	); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=notify-pref] button[type=submit]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=digest-at]').textContent`); got != "Your digest comes every day at 21:00, Tehran time (UTC+3:30)." {
		t.Errorf("digest time: %q", got)
	}
	runAxe(t, ctx, "notification settings")
	visit(t, ctx, base+"/fa/notifications", 200)
	runAxe(t, ctx, "fa notification settings")
	screenshot(t, ctx, "proposal-7-notifications-fa")
	// The deleted document is gone from the participant's status page.
	visit(t, ctx, fmt.Sprintf("%s/en/proposals/%d", base, fx.id), 200)
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=document-link]').length`); n != 0 {
		t.Errorf("the participant still sees %d documents", n)
	}
}
