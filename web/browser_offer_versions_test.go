package web

import (
	"context"
	"strings"
	"testing"

	"github.com/ikco/partner-portal/db"
)

// TestBrowserOfferNewVersion: an investor follows an offer; staff copy it
// into a new draft, lower its price and publish it; the investor finds
// the notification (in Persian, right to left) and the old offer's link
// to the new version. axe checks each page.
func TestBrowserOfferNewVersion(t *testing.T) {
	ctx, base, ts := newBrowserServer(t)
	o := seedOffers(t, ts)
	staff := createUser(t, ts, "versions-staff@example.com", "staff", "active")
	investor := insertUser(t, ts, db.NewUser{Email: "follower@example.com", FullName: "Мария Иванова", Company: "Kama Motors",
		Role: "investor", Status: "active", Lang: "fa"})
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.FollowOffer(investor.ID, o.published, ts.now()) })
	if err != nil {
		t.Fatal(err)
	}

	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/en/staff/offers/"+idString(o.published), 200)
	clickAndWait(t, ctx, "[data-testid=copy-offer]")
	if got := eval[bool](t, ctx, `document.querySelector('[data-testid=offer-replaces]')?.checked || false`); !got {
		t.Error("the copy's editor does not tick “replaces”")
	}
	runAxe(t, ctx, "copy of an offer")
	screenshot(t, ctx, "offers-4-copy")
	setFields(t, ctx, map[string]string{"offer-price": "1 700 000,00"})
	clickAndWait(t, ctx, "[data-testid=save-offer]")
	clickAndWait(t, ctx, "[data-testid=publish-offer]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=offer-status]').textContent`); got != "Current" {
		t.Fatalf("status after publishing the copy: %q", got)
	}
	visit(t, ctx, base+"/en/staff/offers/"+idString(o.published), 200)
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=replaced-by]')?.textContent || ''`); !strings.Contains(got, "Replaced by offer") {
		t.Errorf("the original's editor says %q", got)
	}
	runAxe(t, ctx, "replaced offer (staff)")
	clickAndWait(t, ctx, "[data-testid=logout]")

	browserLogin(t, ctx, base, investor.Email)
	visit(t, ctx, base+"/fa/notifications", 200)
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=notification]')?.textContent || ''`); !strings.Contains(got, "نسخهٔ تازهٔ پیشنهادی که دنبال می\u200cکنید") {
		t.Errorf("notification: %q", got)
	}
	runAxe(t, ctx, "notifications with an offer, Persian")
	screenshot(t, ctx, "offers-5-notification-fa")
	visit(t, ctx, base+"/fa/offers/"+idString(o.published), 200)
	clickAndWait(t, ctx, "[data-testid=replaced-by] a")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=offer-price]')?.textContent || ''`); !strings.Contains(got, "۱٬۷۰۰٬۰۰۰") {
		t.Errorf("the new version's price reads %q", got)
	}
	runAxe(t, ctx, "new version of an offer, Persian")
	visit(t, ctx, base+"/fa/offers", 200)
	runAxe(t, ctx, "offers with followed, Persian")
}
