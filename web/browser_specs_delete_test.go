package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// TestBrowserSpecDeleteAndSchedule: a staff member deletes a specification
// item through the page that asks first, finds it among the deleted ones
// and restores it; then opens an entry whose scheduled publish no longer
// holds the newest changes. Every page is checked with axe, the
// confirmation and the deleted list also in Persian.
func TestBrowserSpecDeleteAndSchedule(t *testing.T) {
	ctx, base, ts := newBrowserServer(t)
	staff := createUser(t, ts, "deleter@example.com", "staff", "active")
	browserLogin(t, ctx, base, staff.Email)

	item := specID(t, ts, "spec_items", "sunroof")
	visit(t, ctx, fmt.Sprintf("%s/fa/staff/specs/items/%d/delete", base, item), 200)
	runAxe(t, ctx, "delete an item, Persian")
	visit(t, ctx, fmt.Sprintf("%s/en/staff/specs/groups/%d/delete", base, specID(t, ts, "spec_groups", "safety")), 200)
	runAxe(t, ctx, "delete a group with its items")
	visit(t, ctx, base+"/en/staff/specs", 200)
	clickAndWait(t, ctx, "[data-testid=spec-item][data-code=sunroof] [data-testid=delete-item]")
	runAxe(t, ctx, "delete an item")
	screenshot(t, ctx, "specs-delete-confirm")
	clickAndWait(t, ctx, "[data-testid=confirm-delete]")
	if p := mustParse(t, location(t, ctx)); p.Path != "/en/staff/specs" || p.RawQuery != "done=item_deleted" {
		t.Fatalf("after deleting: at %s", p)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=deleted-spec][data-code=sunroof]').length`); n != 1 {
		t.Fatalf("%d deleted rows for the item", n)
	}
	runAxe(t, ctx, "specifications with a deleted item")
	visit(t, ctx, base+"/fa/staff/specs", 200)
	runAxe(t, ctx, "specifications with a deleted item, Persian")
	clickAndWait(t, ctx, "[data-testid=deleted-spec][data-code=sunroof] [data-testid=restore-spec]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=spec-item][data-code=sunroof]').length`); n != 1 {
		t.Error("the restored item is not listed")
	}

	// An entry with a publish scheduled for revision 1 and edited since.
	var id int64
	now := time.Now()
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		snap := db.Snapshot{Slug: "azar", BodyType: "sedan", Seats: 5, ModelYear: 2027, Name: db.Texts{"ru": "Азар", "en": "Azar", "fa": "آذر"},
			Trims: []db.SnapTrim{{Slug: "base", Name: db.Texts{"ru": "База", "en": "Base", "fa": "پایه"}, Fuel: "petrol", Transmission: "manual",
				Drive: "fwd", EngineCC: 1600, PowerHP: 110, PriceMinor: 150000000, Currency: "RUB"}}}
		if id, err = tx.CreateModel(snap, db.Actor{}, now); err != nil {
			return err
		}
		if _, err = tx.ScheduleRevision(id, "publish", 1, now.Add(24*time.Hour), db.Actor{}, now); err != nil {
			return err
		}
		snap.Tagline = db.Texts{"ru": "Позже", "en": "Later", "fa": "بعدتر"}
		_, err = tx.SaveDraft(id, 1, snap, "saved", "", db.Actor{}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fa"} {
		visit(t, ctx, fmt.Sprintf("%s/%s/staff/catalogue/%d", base, lang, id), 200)
		if got := eval[string](t, ctx, `document.querySelector('[data-testid=schedule-newer]')?.textContent ?? ''`); strings.TrimSpace(got) == "" {
			t.Errorf("%s: the editor does not say the newer changes are not scheduled", lang)
		}
		runAxe(t, ctx, "editor with a schedule left behind, "+lang)
	}
	screenshot(t, ctx, "editor-schedule-newer-fa")
}
