package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fillFields sets form fields by id, as typing would.
func fillFields(t *testing.T, ctx context.Context, values map[string]string) {
	t.Helper()
	b, _ := json.Marshal(values)
	n := eval[int](t, ctx, fmt.Sprintf(`(v => { let n = 0; for (const [id, val] of Object.entries(v)) { const el = document.getElementById(id); if (el) { el.value = val; n++; } } return n; })(%s)`, b))
	if n != len(values) {
		t.Fatalf("%d of %d fields found on %s", n, len(values), location(t, ctx))
	}
}

// TestBrowserInquiryWholeWay: a partner submits an inquiry with a PDF in
// five steps, staff ask for information, the partner updates and
// resubmits, staff accept, the proposal appears in the pipeline with the
// partner as participant, and the partner sees it; axe on every page.
func TestBrowserInquiryWholeWay(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	ts := newTestServer(t, withDocuments(t))
	partner := createUser(t, ts, "partner-inquiry@example.com", "partner", "active")
	staff := createUser(t, ts, "staff-inquiry@example.com", "staff", "active")
	pdf := filepath.Join(t.TempDir(), "company-deck.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% company presentation\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, base := newBrowserFor(t, ts)

	browserLogin(t, ctx, base, partner.Email)
	visit(t, ctx, base+"/en/inquiries", 200)
	runAxe(t, ctx, "my inquiries, empty")
	clickAndWait(t, ctx, "[data-testid=inquiry-new]")
	runAxe(t, ctx, "inquiry step 1")
	fillFields(t, ctx, map[string]string{"inq-company": "Volga Motors LLC", "inq-inn": "7707083894", "inq-ogrn": "1027700132195",
		"inq-kpp": "773601001", "inq-website": "volga-motors.example", "inq-region": "Samara region"})
	// A wrong check digit: the form comes back (422) with the message.
	allowHTTPError(t, ctx, base+"/en/inquiries/new")
	if res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("[data-testid=inquiry-next]"))); err != nil || res == nil || res.Status != 422 {
		t.Fatalf("a wrong INN: %v %v", res, err)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-field=inn] [data-testid=field-error]')?.textContent ?? ''`); !strings.Contains(got, "Wrong INN check digit") {
		t.Fatalf("a wrong INN check digit says %q", got)
	}
	runAxe(t, ctx, "inquiry step 1 with an error")
	fillFields(t, ctx, map[string]string{"inq-inn": "7707083893"})
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	runAxe(t, ctx, "inquiry step 2")
	fillFields(t, ctx, map[string]string{"inq-contact_name": "Irina Petrova", "inq-contact_position": "Development director",
		"inq-email": "irina@volga-motors.example", "inq-phone": "+7 846 123-45-67"})
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	runAxe(t, ctx, "inquiry step 3")
	fillFields(t, ctx, map[string]string{"inq-models": "Rira, Tara", "inq-volume": "2500", "inq-investment": "150000000",
		"inq-timeline": "Assembly from 2028", "inq-network_points": "12", "inq-network_cities": "Samara, Tolyatti"})
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	runAxe(t, ctx, "inquiry step 4")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#inq-file"), []string{pdf})); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=inquiry-upload-submit]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=attachment-link]').length`); n != 1 {
		t.Fatalf("%d attachments after the upload", n)
	}
	fillFields(t, ctx, map[string]string{"inq-message": "We propose a joint venture to assemble Rira in Tolyatti."})
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	runAxe(t, ctx, "inquiry review")
	screenshot(t, ctx, "inquiry-1-review")
	clickAndWait(t, ctx, "[data-testid=inquiry-submit]")
	runAxe(t, ctx, "inquiry confirmation")
	ref := eval[string](t, ctx, `document.querySelector('[data-testid=inquiry-ref]').textContent`)
	if !strings.HasPrefix(ref, "JV-") {
		t.Fatalf("confirmation shows %q", ref)
	}
	clickAndWait(t, ctx, "a.button")
	inquiryURL := location(t, ctx)
	runAxe(t, ctx, "partner's inquiry page")

	// Staff ask for more information.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/inquiries", 200)
	runAxe(t, ctx, "staff inbox")
	clickAndWait(t, ctx, "[data-testid=inquiry-row] a")
	runAxe(t, ctx, "staff inquiry page")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=inquiry-files] a').length`); n != 1 {
		t.Errorf("staff see %d attachments", n)
	}
	fillFields(t, ctx, map[string]string{"ask-body": "Please state the planned assembly capacity."})
	clickAndWait(t, ctx, "[data-testid=ask]")

	// The partner updates the volume and resubmits.
	browserLogin(t, ctx, base, partner.Email)
	visit(t, ctx, inquiryURL, 200)
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=inquiry-status]').dataset.status`); got != "needs_info" {
		t.Fatalf("the partner sees status %q", got)
	}
	clickAndWait(t, ctx, "[data-testid=inquiry-edit]")
	visit(t, ctx, strings.Replace(location(t, ctx), "step=1", "step=3", 1), 200)
	fillFields(t, ctx, map[string]string{"inq-volume": "4000"})
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	clickAndWait(t, ctx, "[data-testid=inquiry-next]")
	clickAndWait(t, ctx, "[data-testid=inquiry-submit]")

	// Staff accept: a proposal with the partner as participant.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/inquiries?status=in_review", 200)
	clickAndWait(t, ctx, "[data-testid=inquiry-row] a")
	clickAndWait(t, ctx, "[data-testid=accept]")
	runAxe(t, ctx, "staff inquiry accepted")
	clickAndWait(t, ctx, "[data-testid=inquiry-proposal] a")
	runAxe(t, ctx, "staff proposal made from the inquiry")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=participants]')?.textContent ?? ''`); !strings.Contains(got, "Volga Motors LLC") {
		t.Errorf("participants: %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=proposal-inquiry]')?.textContent ?? ''`); got != ref {
		t.Errorf("the proposal names inquiry %q, want %q", got, ref)
	}
	visit(t, ctx, base+"/en/staff/pipeline", 200)
	if n := eval[int](t, ctx, `[...document.querySelectorAll('[data-testid=board-column][data-stage=new] [data-testid=board-card]')].filter(c => c.textContent.includes('Volga Motors LLC')).length`); n != 1 {
		t.Errorf("pipeline: %d cards of the partner in New", n)
	}

	// The partner sees the proposal.
	browserLogin(t, ctx, base, partner.Email)
	visit(t, ctx, inquiryURL, 200)
	runAxe(t, ctx, "partner's accepted inquiry")
	clickAndWait(t, ctx, "[data-testid=inquiry-proposal] a")
	runAxe(t, ctx, "partner's proposal page")
	screenshot(t, ctx, "inquiry-2-partner-proposal")
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('main').textContent`), "Volga Motors LLC") {
		t.Error("the partner's proposal page does not name their company")
	}
	// Past the NDA, the details name the inquiry the proposal came from.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#nda-agree"))); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=nda-accept]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=proposal-inquiry]')?.textContent ?? ''`); got != ref {
		t.Errorf("the partner's proposal names inquiry %q, want %q", got, ref)
	}
	runAxe(t, ctx, "partner's proposal past the NDA")
	visit(t, ctx, base+"/en/inquiries", 200)
	runAxe(t, ctx, "my inquiries")
}
