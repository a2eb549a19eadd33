package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSpecItems: a staff member adds an equipment item through the
// specifications page, after a refused attempt whose problems are shown;
// the pages are checked with axe, the list also in Persian.
func TestBrowserSpecItems(t *testing.T) {
	ctx, base, ts := newBrowserServer(t)
	staff := createUser(t, ts, "specs@example.com", "staff", "active")
	browserLogin(t, ctx, base, staff.Email)

	visit(t, ctx, base+"/fa/staff/specs", 200)
	runAxe(t, ctx, "specifications, Persian")
	gid := specID(t, ts, "spec_groups", "equipment")
	visit(t, ctx, fmt.Sprintf("%s/en/staff/specs/items/new?group=%d", base, gid), 200)
	runAxe(t, ctx, "new specification item")

	// The refused form answers 422, which the page watch would report.
	allowHTTPError(t, ctx, base+"/en/staff/specs/items/new")
	setFields(t, ctx, map[string]string{"code": "Fog Lights", "kind": "bool", "name-en": "Fog lights"})
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("[data-testid=save]")))
	if err != nil {
		t.Fatal(err)
	}
	if res == nil || res.Status != 422 {
		t.Fatalf("a bad code and no Russian name: %v, want 422", res)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=error-summary] li').length`); n != 2 {
		t.Errorf("%d problems listed, want 2 (code, Russian name)", n)
	}
	runAxe(t, ctx, "new specification item, refused")

	setFields(t, ctx, map[string]string{"code": "fog_lights", "name-ru": "Противотуманные фары", "name-fa": "چراغ مه\u200cشکن"})
	clickAndWait(t, ctx, "[data-testid=save]")
	if p := mustParse(t, location(t, ctx)).Path; p != "/en/staff/specs" {
		t.Fatalf("after saving: at %s", p)
	}
	row := eval[string](t, ctx, `document.querySelector('[data-testid=spec-item][data-code=fog_lights]')?.textContent ?? ''`)
	if !strings.Contains(row, "Fog lights") || !strings.Contains(row, "Yes/no (equipment)") {
		t.Errorf("the new item's row: %q", row)
	}
	runAxe(t, ctx, "specifications")
}
