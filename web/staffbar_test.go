package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestStaffBarMarksTheArea: every staff page marks its own entry of the
// staff bar as the current page, and only that one.
func TestStaffBarMarksTheArea(t *testing.T) {
	ts := newTestServer(t)
	cl, _ := loginAs(t, ts, "admin")
	cases := []struct{ path, entry string }{
		{"/en/staff/catalogue", "nav-editor"},
		{"/en/staff/specs", "nav-editor"},
		{"/en/staff/media", "nav-editor"},
		{"/en/staff/offers", "nav-staff-offers"},
		{"/en/staff/rates", "nav-staff-offers"},
		{"/en/staff/pipeline", "nav-pipeline"},
		{"/en/staff/proposals", "nav-pipeline"},
		{"/en/staff/inquiries", "nav-inquiries"},
		{"/en/staff/shipments", "nav-shipments"},
		{"/ru/staff/registrations", "nav-registrations"},
		{"/fa/admin/users", "nav-admin"},
		{"/fa/admin/audit", "nav-admin"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			res := cl.get(t, c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			current := res.doc(t).Find(`[data-testid="staff-bar"] a[aria-current="page"]`)
			if current.Length() != 1 {
				t.Fatalf("%d current entries in the staff bar, want 1", current.Length())
			}
			if id, _ := current.Attr("data-testid"); id != c.entry {
				t.Errorf("current entry %q, want %q", current.AttrOr("data-testid", ""), c.entry)
			}
		})
	}
	// A page outside the staff area marks none.
	res := cl.get(t, "/en/catalogue")
	if n := res.doc(t).Find(`[data-testid="staff-bar"] a[aria-current="page"]`).Length(); n != 0 || !strings.Contains(res.Body, `data-testid="staff-bar"`) {
		t.Errorf("catalogue: %d current staff entries (want 0), staff bar shown: %v", n, strings.Contains(res.Body, `data-testid="staff-bar"`))
	}
}
