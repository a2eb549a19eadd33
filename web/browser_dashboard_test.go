package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserDashboard: an investor reads the export dashboard over the
// demo shipments in English, Russian and Persian (charts with their
// tables, right to left in Persian); a staff member uploads a CSV file,
// is shown its bad line, uploads a corrected one, checks the preview and
// imports it, then reads the dashboard with the pipeline in numbers. axe
// checks every page; screenshots are saved for people to look at.
func TestBrowserDashboard(t *testing.T) {
	ts := newTestServer(t)
	if _, err := ts.store.LoadDemoShipments(context.Background(), ts.now()); err != nil {
		t.Fatal(err)
	}
	investor := createUser(t, ts, "dash-investor@example.com", "investor", "active")
	staff := createUser(t, ts, "dash-staff@example.com", "staff", "active")
	// The demo proposals and inquiries, so the staff's numbers have rows.
	partner := createUser(t, ts, "dash-partner@example.com", "partner", "active")
	if _, err := ts.store.LoadDemoProposals(context.Background(), staff, investor, partner, ts.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.LoadDemoInquiries(context.Background(), staff, partner, ts.now()); err != nil {
		t.Fatal(err)
	}
	ctx, base := newBrowserFor(t, ts)

	browserLogin(t, ctx, base, investor.Email)
	for _, lang := range []string{"en", "ru", "fa"} {
		visit(t, ctx, base+"/"+lang+"/dashboard", 200)
		if n := eval[int](t, ctx, `document.querySelectorAll('svg[role=img] > title + desc').length`); n != 4 {
			t.Errorf("%s: %d described charts", lang, n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('table.data > caption').length`); n != 5 {
			t.Errorf("%s: %d tables with captions", lang, n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=dashboard-demo], [data-testid=pipeline-stats]').length`); n != 1 {
			t.Errorf("%s: demo note and pipeline: %d (want the note only)", lang, n)
		}
		// Every chart fits its column: nothing drawn outside the picture.
		overflow := eval[int](t, ctx, `Array.from(document.querySelectorAll('svg[role=img]')).filter(svg => {
			const box = svg.getBoundingClientRect();
			return Array.from(svg.querySelectorAll('text')).some(el => {
				const r = el.getBoundingClientRect();
				return r.left < box.left - 1 || r.right > box.right + 1;
			});
		}).length`)
		if overflow != 0 {
			t.Errorf("%s: %d charts with text outside them", lang, overflow)
		}
		runAxe(t, ctx, "dashboard "+lang)
		screenshot(t, ctx, "dashboard-"+lang)
	}
	// In Persian the months run from right to left: the newest bar is left
	// of the oldest.
	first := eval[float64](t, ctx, `document.querySelector('[data-testid=chart-months] rect').getBoundingClientRect().left`)
	last := eval[float64](t, ctx, `Array.from(document.querySelectorAll('[data-testid=chart-months] rect')).pop().getBoundingClientRect().left`)
	if last >= first {
		t.Errorf("Persian months chart: oldest bar at %.0f, newest at %.0f", first, last)
	}
	clickAndWait(t, ctx, "[data-testid=logout]")

	// Staff upload a file with a bad line, then a corrected one.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/shipments", 200)
	runAxe(t, ctx, "shipments")
	screenshot(t, ctx, "shipments-en")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(bad, []byte("\ufeffmonth;market;model;units\n2025-01;Россия;Rira;1200\n2025-01;Narnia;Tara;300\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("\ufeffmonth;market;model;units\n2025-01;Россия;Rira;1200\n2025-01;عمان;Tara;300\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	allowHTTPError(t, ctx, base+"/en/staff/shipments/import")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#shipments-file"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("[data-testid=upload-form] button[type=submit]")))
	if err != nil || res == nil || res.Status != 422 {
		t.Fatalf("bad file: %v %v", res, err)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=problem-row]')?.textContent || ''`); !strings.Contains(got, "3") || !strings.Contains(got, "Narnia") {
		t.Errorf("problem row %q", got)
	}
	runAxe(t, ctx, "upload refused")
	screenshot(t, ctx, "shipments-upload-refused")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#shipments-file"), []string{good})); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=upload-form] button[type=submit]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=preview-row]').length`); n != 2 {
		t.Errorf("preview rows: %d", n)
	}
	runAxe(t, ctx, "upload preview")
	screenshot(t, ctx, "shipments-upload-preview")
	clickAndWait(t, ctx, "[data-testid=confirm-import] button[type=submit]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=notice]')?.textContent || ''`); !strings.Contains(got, "The file was imported") {
		t.Errorf("after confirming: %q", got)
	}
	var units int
	if err := ts.store.DB().Read.QueryRow(`SELECT s.units FROM shipments s JOIN markets mk ON mk.id = s.market_id JOIN models m ON m.id = s.model_id
		WHERE s.month = '2025-01' AND mk.code = 'om' AND m.slug = 'tara'`).Scan(&units); err != nil || units != 300 {
		t.Errorf("imported record: %d %v", units, err)
	}

	// Staff read the dashboard with the pipeline in numbers, in Persian.
	visit(t, ctx, base+"/fa/dashboard", 200)
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=pipeline-stats] [data-testid=stage-row]').length`); n != 10 {
		t.Errorf("stage rows: %d", n)
	}
	runAxe(t, ctx, "dashboard for staff, Persian")
	screenshot(t, ctx, "dashboard-staff-fa")
	visit(t, ctx, base+"/fa/staff/shipments", 200)
	runAxe(t, ctx, "shipments, Persian")
	screenshot(t, ctx, "shipments-fa")

	// Dark colours, then a 360px phone: the page does not scroll sideways
	// (a chart too wide scrolls in its own box).
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, base+"/en/dashboard", 200)
	runAxe(t, ctx, "dashboard for staff (dark)")
	screenshot(t, ctx, "dashboard-staff-dark-en")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/ru/dashboard", "/fa/dashboard"} {
		visit(t, ctx, base+path, 200)
		if sw := eval[int](t, ctx, `document.documentElement.scrollWidth`); sw > 360 {
			t.Errorf("%s at 360px: page is %dpx wide, scrolls sideways", path, sw)
		}
		runAxe(t, ctx, path+" at 360px")
		screenshot(t, ctx, "dashboard-phone-"+path[1:3])
	}
}
