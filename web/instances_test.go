package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// twoInstances runs two portals over one database file, as two processes
// behind one proxy would, signing cookies with the same keys.
func twoInstances(t *testing.T, mods ...func(*Config)) (one, two *testServer) {
	t.Helper()
	keys := func(c *Config) { c.SessionKeys = [][]byte{[]byte("instances-test-key-0123456789abcdef")} }
	mods = append(mods, keys)
	one = newTestServer(t, mods...)
	ctx := context.Background()
	d, err := db.Open(ctx, one.store.DB().Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	store, err := db.NewStore(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return one, newTestServerWith(t, store, mods...)
}

// on returns a client of instance ts holding cl's cookies: the same
// browser, its next request routed to another instance.
func on(ts *testServer, cl *client) *client {
	o := ts.newClient()
	o.ip = cl.ip
	for name, c := range cl.cookies {
		o.cookies[name] = c
	}
	return o
}

// TestSessionChangesReachEveryInstance: each instance keeps the sessions
// it has read in memory, yet logging out, ending a session, disabling an
// account or changing its role through one instance takes effect on the
// other's very next request.
func TestSessionChangesReachEveryInstance(t *testing.T) {
	one, two := twoInstances(t)
	admin, _ := loginAs(t, two, "admin")

	t.Run("logout", func(t *testing.T) {
		cl, _ := loginAs(t, one, "investor")
		wantSessionAlive(t, cl)
		wantSessionAlive(t, on(two, cl)) // read, and kept, by both
		if res := on(two, cl).submit(t, "/en/", "/en/logout", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout on the other instance: %d", res.StatusCode)
		}
		if loggedIn(t, cl) {
			t.Error("the cookie still works on the first instance after logging out on the second")
		}
	})

	t.Run("end session", func(t *testing.T) {
		laptop, u := loginAs(t, one, "partner")
		phone := loginFrom(t, one, u.Email, testPassword, "198.51.100.7", uaSafariIPhone)
		wantSessionAlive(t, phone)
		h := otherHandle(t, laptop)
		if res := on(two, laptop).submit(t, "/en/account", "/en/account/sessions/end", url.Values{"session": {h}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("end session on the other instance: %d", res.StatusCode)
		}
		if loggedIn(t, phone) {
			t.Error("the ended session still works on the first instance")
		}
		if !loggedIn(t, laptop) {
			t.Error("ending the other session ended this one")
		}
	})

	t.Run("disable", func(t *testing.T) {
		cl, u := loginAs(t, one, "investor")
		wantSessionAlive(t, cl)
		page := "/en/admin/users/" + idString(u.ID)
		if res := admin.submit(t, page, page+"/disable", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable on the other instance: %d", res.StatusCode)
		}
		if loggedIn(t, cl) {
			t.Error("a disabled account's session still works on the first instance")
		}
	})

	t.Run("role change", func(t *testing.T) {
		cl, u := loginAs(t, one, "investor")
		wantSessionAlive(t, cl)
		page := "/en/admin/users/" + idString(u.ID)
		if res := admin.submit(t, page, page+"/role", url.Values{"role": {"partner"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("role change on the other instance: %d", res.StatusCode)
		}
		if loggedIn(t, cl) {
			t.Error("the session still works on the first instance after a role change ended it")
		}
	})
}

// TestIdleCountsUseOnEveryInstance: a person who works through the second
// instance keeps their session on the first, although the first kept an
// older last-seen time in memory (touches do not retire kept sessions):
// before ending a session as idle, an instance asks the database.
func TestIdleCountsUseOnEveryInstance(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	one, two := twoInstances(t, withClock(clk))
	cl, _ := loginAs(t, one, "investor")
	wantSessionAlive(t, cl) // kept by the first instance as of 09:00
	clk.add(20 * time.Minute)
	wantSessionAlive(t, on(two, cl)) // used, and touched, through the second
	clk.add(15 * time.Minute)        // 35 minutes after the first instance last saw it
	if !loggedIn(t, cl) {
		t.Error("the first instance ended a session used 15 minutes ago through the second")
	}
	clk.add(31 * time.Minute)
	if loggedIn(t, on(two, cl)) {
		t.Error("still logged in after 31 idle minutes")
	}
}

// TestPublishReachesEveryInstance: pages and search results one instance
// keeps in memory retire when staff publish through another: the first
// instance's next answer shows the change.
func TestPublishReachesEveryInstance(t *testing.T) {
	one, two := twoInstances(t)
	staff, _ := loginAs(t, two, "staff")
	member, _ := loginAs(t, one, "investor")
	tara := modelID(t, two, "tara")
	pages := []string{"/en/models/tara", "/en/catalogue", "/en/"}
	for _, p := range pages {
		if res := one.get(t, p); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Tara") {
			t.Fatalf("GET %s on the first instance: %d, or no Tara", p, res.StatusCode)
		}
		member.get(t, p)
		if !cachedNow(one, p) {
			t.Fatalf("%s not kept by the first instance", p)
		}
	}
	if strings.Contains(one.get(t, "/en/search?q=Nova").doc(t).Find("main").Text(), "Tara Nova") {
		t.Fatal("the search finds the new name before it is published")
	}

	page := fmt.Sprintf("/en/staff/catalogue/%d", tara)
	form := formOf(t, staff.get(t, page), "form[data-testid=editor-form]")
	form.Set("name-en", "Tara Nova")
	if res := staff.post(t, page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on the second instance: %d\n%s", res.StatusCode, errorsOf(t, res))
	}
	if res := act(t, staff, tara, "publish", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish on the second instance: %d\n%s", res.StatusCode, errorsOf(t, res))
	}

	for _, p := range pages {
		if cachedNow(one, p) {
			t.Errorf("%s still kept by the first instance after the publish on the second", p)
		}
		if !strings.Contains(one.get(t, p).Body, "Tara Nova") {
			t.Errorf("visitor: %s on the first instance is stale after the publish on the second", p)
		}
		if !strings.Contains(member.get(t, p).Body, "Tara Nova") {
			t.Errorf("member: %s on the first instance is stale after the publish on the second", p)
		}
	}
	if !strings.Contains(one.get(t, "/en/search?q=Nova").doc(t).Find("main").Text(), "Tara Nova") {
		t.Error("the first instance's search does not find what the second published")
	}
}
