package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// documentsOf lists what the status page at path shows a person: each
// document's link and version.
func documentsOf(t *testing.T, cl *client, path string) (links, versions []string) {
	t.Helper()
	res := cl.get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	doc := res.doc(t)
	doc.Find("[data-testid=documents] [data-testid=document]").Each(func(_ int, li *goquery.Selection) {
		href, _ := li.Find("[data-testid=document-link]").Attr("href")
		links = append(links, href)
		versions = append(versions, strings.TrimSpace(li.Find("[data-testid=document-version]").Text()))
	})
	return links, versions
}

// TestDocumentReplaceAndDelete: staff replace a document with a new
// version (participants see the new one, the old one and its access
// records stay for staff) and delete it after a confirmation (the
// participant gets 404, staff keep every version, the access log and the
// audit entries). Refused uploads, stale versions and another proposal's
// document are answered with a message or 404, never a change.
func TestDocumentReplaceAndDelete(t *testing.T) {
	ts := newTestServer(t, withDocuments(t), func(c *Config) { c.MaxDocumentBytes = 4096 })
	staff, _ := loginAs(t, ts, "staff")
	inv, invUser := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	other := newProposalFixture(t, ts)
	status := fmt.Sprintf("/en/proposals/%d", fx.id)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	v1 := fmt.Sprintf("%s/documents/%d", status, fx.docID)
	v1Bytes := inv.get(t, v1).Body
	if !strings.HasPrefix(v1Bytes, "%PDF-") {
		t.Fatalf("first version: %q", v1Bytes)
	}

	// A new version.
	replace := fmt.Sprintf("%s/documents/%d/replace", page, fx.docID)
	v2Content := []byte("%PDF-1.7\nterms, second version\n%%EOF\n")
	if res := uploadRequest(t, staff, page, replace, "terms-v2.pdf", v2Content); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace: %d\n%s", res.StatusCode, res.Body)
	}
	links, versions := documentsOf(t, inv, status)
	if len(links) != 1 || links[0] == v1 || versions[0] != "version 2" {
		t.Fatalf("participant's documents after replace: %v %v, want one link (not %s) at version 2", links, versions, v1)
	}
	v2 := links[0]
	if res := inv.get(t, v2); res.StatusCode != http.StatusOK || res.Body != string(v2Content) {
		t.Errorf("participant GET new version: %d %q", res.StatusCode, res.Body)
	}
	if res := inv.get(t, v1); res.StatusCode != http.StatusNotFound {
		t.Errorf("participant GET replaced version: %d, want 404", res.StatusCode)
	}
	if res := staff.get(t, v1); res.StatusCode != http.StatusOK || res.Body != v1Bytes {
		t.Errorf("staff GET replaced version: %d %q, want the first version's bytes", res.StatusCode, res.Body)
	}
	sp := staff.get(t, page).doc(t)
	if got := sp.Find("[data-testid=old-document]").Length(); got != 1 {
		t.Errorf("staff page lists %d earlier versions, want 1", got)
	}
	if got := sp.Find("[data-testid=old-document]").Text(); !strings.Contains(got, "terms.pdf") || !strings.Contains(got, "version 1") || !strings.Contains(got, "Replaced") {
		t.Errorf("earlier version row: %q", got)
	}
	// The investor's download of version 1 stays in the access log, named
	// with its version.
	if got := sp.Find("[data-testid=access-log] tbody").Text(); !strings.Contains(got, "terms.pdf") || !strings.Contains(got, "version 1") || !strings.Contains(got, invUser.FullName) {
		t.Errorf("access log after replace: %q", got)
	}

	// Refused new versions change nothing.
	v2ID := strings.TrimPrefix(v2, status+"/documents/")
	replace2 := fmt.Sprintf("%s/documents/%s/replace", page, v2ID)
	for _, c := range []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"disguised.pdf", []byte("MZ this is a program"), http.StatusUnprocessableEntity, "not a PDF or office document"},
		{"big.pdf", append([]byte("%PDF-"), make([]byte, 5000)...), http.StatusRequestEntityTooLarge, "larger than"},
		{"sheet.xlsx", []byte("%PDF-1.4 a PDF named as a spreadsheet"), http.StatusUnprocessableEntity, "not a PDF or office document"},
	} {
		res := uploadRequest(t, staff, page, replace2, c.name, c.data)
		if res.StatusCode != c.status {
			t.Errorf("replace with %s: %d, want %d", c.name, res.StatusCode, c.status)
			continue
		}
		field := res.doc(t).Find("#replace-error-" + v2ID).Text()
		if !strings.Contains(field, c.msg) {
			t.Errorf("replace with %s: message next to the field %q, want %q", c.name, field, c.msg)
		}
	}
	if res := uploadRequest(t, staff, page, replace, "again.pdf", v2Content); res.StatusCode != http.StatusConflict ||
		!strings.Contains(res.Body, "replaced or deleted meanwhile") {
		t.Errorf("replacing a replaced version: %d, want 409 with a message", res.StatusCode)
	}
	if _, versions := documentsOf(t, inv, status); len(versions) != 1 || versions[0] != "version 2" {
		t.Errorf("after refused uploads the participant sees %v, want [version 2]", versions)
	}

	// Another proposal's document under this proposal's path is a 404.
	tok := staff.csrfFrom(t, page)
	for _, action := range []string{"replace", "delete"} {
		path := fmt.Sprintf("%s/documents/%d/%s", page, other.docID, action)
		if res := staff.post(t, path, url.Values{"csrf": {tok}, "confirm": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("staff POST %s with another proposal's document: %d, want 404", action, res.StatusCode)
		}
	}

	// Delete: the first request asks, on a page that works without
	// JavaScript (a form with confirm=1), and deletes nothing.
	del := fmt.Sprintf("%s/documents/%s/delete", page, v2ID)
	ask := staff.post(t, del, url.Values{"csrf": {tok}})
	if ask.StatusCode != http.StatusOK {
		t.Fatalf("delete without confirmation: %d", ask.StatusCode)
	}
	form := ask.doc(t).Find("form").FilterFunction(func(_ int, f *goquery.Selection) bool { return f.AttrOr("action", "") == del })
	if form.Find("input[name=confirm][value='1']").Length() != 1 || form.Find("input[name=csrf]").Length() != 1 ||
		form.Find("[data-testid=confirm]").Length() != 1 {
		t.Errorf("confirmation page has no form posting confirm=1 with a token to %s", del)
	}
	if !strings.Contains(ask.doc(t).Find("[data-testid=confirm-delete]").Text(), "terms-v2.pdf") {
		t.Error("the confirmation does not name the document")
	}
	if links, _ := documentsOf(t, inv, status); len(links) != 1 {
		t.Fatalf("asking to confirm deleted the document: participant sees %v", links)
	}
	if res := staff.post(t, del, url.Values{"csrf": {tok}, "confirm": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed delete: %d", res.StatusCode)
	}
	if links, _ := documentsOf(t, inv, status); len(links) != 0 {
		t.Errorf("participant still sees %v after delete", links)
	}
	for _, path := range []string{v2, v2 + "?view=1", v1} {
		if res := inv.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("participant GET %s after delete: %d, want 404", path, res.StatusCode)
		}
		if res := staff.get(t, path); res.StatusCode != http.StatusOK {
			t.Errorf("staff GET %s after delete: %d, want 200 (kept)", path, res.StatusCode)
		}
	}
	if res := staff.post(t, del, url.Values{"csrf": {tok}, "confirm": {"1"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("deleting again: %d, want 409", res.StatusCode)
	}
	sp = staff.get(t, page).doc(t)
	if sp.Find("[data-testid=documents]").Length() != 0 {
		t.Error("staff's current documents still list the deleted one")
	}
	if got := sp.Find("[data-testid=old-document]").Length(); got != 2 {
		t.Errorf("staff page lists %d earlier or deleted versions, want 2", got)
	}
	if got := sp.Find("[data-testid=access-log] tbody tr").Length(); got < 3 {
		t.Errorf("access log has %d rows after delete, want the 3 downloads kept", got)
	}

	// Rows, files and audit entries stay.
	staffViewer := db.Viewer{ID: 1, Role: "staff"}
	for _, id := range []string{fmt.Sprint(fx.docID), v2ID} {
		docID, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ts.store.DocumentFor(context.Background(), staffViewer, fx.id, docID)
		if err != nil {
			t.Fatalf("document %s: %v", id, err)
		}
		if d.DeletedAt.IsZero() {
			t.Errorf("document %s (version %d) is not marked deleted", id, d.Version)
		}
		if _, err := os.Stat(filepath.Join(ts.cfg.DocumentsDir, d.File)); err != nil {
			t.Errorf("file of version %d: %v", d.Version, err)
		}
	}
	var n int
	if err := ts.store.DB().Read.QueryRow(`SELECT count(*) FROM audit_log WHERE target_id = ? AND action IN ('proposal.document_replaced', 'proposal.document_deleted')`,
		fx.id).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries for replace and delete: %d %v, want 2", n, err)
	}
}
