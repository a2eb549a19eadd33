package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// inquiryFixture is a submitted inquiry with a PDF attachment.
type inquiryFixture struct {
	id, attID int64
	ref       string
}

// validInquiry is an inquiry whose every step passes.
func validInquiry() db.Inquiry {
	return db.Inquiry{Company: "ООО «Волга Моторс»", Country: "RU", INN: "7707083893", OGRN: "1027700132195", KPP: "773601001",
		Website: "volga-motors.example", Region: "Самарская область", ContactName: "Ирина Петрова", ContactPosition: "Директор по развитию",
		Email: "irina@volga-motors.example", Phone: "+74951234567", Kind: "joint_venture", Models: "Rira, Tara", VolumePerYear: 2500,
		Investment: 150000000, Currency: "RUB", Timeline: "2027", NetworkPoints: 12, NetworkCities: "Самара, Тольятти",
		Message: "Мы хотим собирать Rira в Тольятти.", Step: stepReview}
}

// newInquiryFixture stores a submitted inquiry of owner with one attachment.
func newInquiryFixture(t testing.TB, ts *testServer, owner db.User) inquiryFixture {
	t.Helper()
	ctx := context.Background()
	file := "inq-" + randomToken(8)
	pdf := []byte("%PDF-1.4\n% inquiry attachment\n%%EOF\n")
	if ts.cfg.DocumentsDir != "" {
		if err := os.WriteFile(filepath.Join(ts.cfg.DocumentsDir, file), pdf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var fx inquiryFixture
	err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.CreateInquiryDraft(owner.ID, "", time.Now())
		if err != nil {
			return err
		}
		q := validInquiry()
		q.ID = id
		if err := tx.SaveInquiry(q, time.Now()); err != nil {
			return err
		}
		if fx.attID, err = tx.AddInquiryAttachment(db.InquiryAttachment{InquiryID: id, Name: "deck.pdf", File: file, Size: int64(len(pdf)), SHA256: "x"}, time.Now()); err != nil {
			return err
		}
		fx.id = id
		fx.ref, _, err = tx.SubmitInquiry(id, owner, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// inquiryForm is a step's form values of q.
func inquiryForm(q db.Inquiry, step int) url.Values {
	f := url.Values{"step": {fmt.Sprint(step)}, "go": {"next"}}
	for _, fd := range inquiryFields {
		if fd.step == step {
			f.Set(fd.name, inquiryValue(&q, fd.name))
		}
	}
	return f
}

// walkInquiry fills every step through the router and returns the
// draft's id.
func walkInquiry(t *testing.T, cl *client, q db.Inquiry) int64 {
	t.Helper()
	res := cl.submit(t, "/en/inquiries/new", "/en/inquiries/new", inquiryForm(q, stepCompany))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("step 1: %d\n%s", res.StatusCode, res.Body)
	}
	var id int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/en/inquiries/%d/edit?step=2", &id); err != nil {
		t.Fatalf("step 1 went to %q", res.Header.Get("Location"))
	}
	for step := stepContacts; step <= stepMessage; step++ {
		page := fmt.Sprintf("/en/inquiries/%d/edit?step=%d", id, step)
		res := cl.submit(t, page, fmt.Sprintf("/en/inquiries/%d/edit", id), inquiryForm(q, step))
		if want := fmt.Sprintf("/en/inquiries/%d/edit?step=%d", id, step+1); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Fatalf("step %d: %d to %q\n%s", step, res.StatusCode, res.Header.Get("Location"), res.Body)
		}
	}
	return id
}

func TestInquiryStepsSubmitOnce(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, u := loginAs(t, ts, "partner")
	id := walkInquiry(t, cl, validInquiry())
	review := fmt.Sprintf("/en/inquiries/%d/edit?step=5", id)
	doc := cl.get(t, review).doc(t)
	if !strings.Contains(doc.Find("[data-testid=inquiry-facts]").Text(), "7707083893") {
		t.Error("the review does not show the INN")
	}
	tok := cl.csrfFrom(t, review)
	// A double click: two submissions at once make one inquiry.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = cl.post(t, fmt.Sprintf("/en/inquiries/%d/submit", id), url.Values{"csrf": {tok}}).StatusCode
		}()
	}
	wg.Wait()
	// Back and submit again.
	res := cl.post(t, fmt.Sprintf("/en/inquiries/%d/submit", id), url.Values{"csrf": {tok}})
	for _, c := range append(codes, res.StatusCode) {
		if c != http.StatusSeeOther {
			t.Errorf("submit: %d", c)
		}
	}
	var n, mails int
	var ref string
	ts.store.DB().Read.QueryRow(`SELECT count(*), max(ref) FROM inquiries WHERE user_id = ? AND ref IS NOT NULL`, u.ID).Scan(&n, &ref)
	ts.store.DB().Read.QueryRow(`SELECT count(*) FROM outbox WHERE subject LIKE ?`, "%"+ref+"%").Scan(&mails)
	if n != 1 || mails != 1 {
		t.Fatalf("%d inquiries and %d mails after three submissions, want 1 and 1", n, mails)
	}
	if want := fmt.Sprintf("JV-%d-000001", time.Now().UTC().Year()); ref != want {
		t.Errorf("reference %q, want %q", ref, want)
	}
	done := cl.get(t, fmt.Sprintf("/en/inquiries/%d/done", id)).doc(t)
	if got := done.Find("[data-testid=inquiry-ref]").Text(); got != ref {
		t.Errorf("confirmation shows %q", got)
	}
	list := cl.get(t, "/en/inquiries").doc(t)
	if list.Find("[data-testid=inquiry-row]").Length() != 1 || list.Find("[data-status=new]").Length() != 1 {
		t.Error("My inquiries does not list the new inquiry")
	}
}

func TestInquiryValidation(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "partner")
	base := validInquiry()
	cases := []struct {
		name, field, value, wantErr string
		status                      int
	}{
		{"wrong INN check digit", "inn", "7707083894", "Wrong INN check digit", 422},
		{"INN of 11 digits", "inn", "77070838931", "10 digits (organisation) or 12", 422},
		{"wrong OGRN check digit", "ogrn", "1027700132196", "Wrong OGRN check digit", 422},
		{"OGRNIP with an organisation's INN", "ogrn", "304500116000157", "goes with a 10-digit INN", 422},
		{"bad KPP", "kpp", "77360100", "The KPP has 9 characters", 422},
		{"script tags in the name are kept as typed", "company", "<script>alert(1)</script>", "", 303},
		{"SQL in the name is kept as typed", "company", "'; DROP TABLE inquiries; --", "", 303},
		{"bidi override", "company", "Evil\u202eCorp", "characters that are not allowed", 422},
		{"control character", "region", "Samara\x07", "characters that are not allowed", 422},
		{"too long", "region", strings.Repeat("я", 101), "Too long", 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := inquiryForm(base, stepCompany)
			form.Set(c.field, c.value)
			res := cl.submit(t, "/en/inquiries/new", "/en/inquiries/new", form)
			if res.StatusCode != c.status {
				t.Fatalf("%d, want %d", res.StatusCode, c.status)
			}
			if c.status != 422 {
				return
			}
			doc := res.doc(t)
			if got := doc.Find(fmt.Sprintf("[data-field=%s] [data-testid=field-error]", c.field)).Text(); !strings.Contains(got, c.wantErr) {
				t.Errorf("error %q, want %q", got, c.wantErr)
			}
			if v, _ := doc.Find("#inq-" + c.field).Attr("value"); v != strings.TrimSpace(c.value) {
				t.Errorf("value not kept: %q", v)
			}
			if v, _ := doc.Find("#inq-company").Attr("value"); c.field != "company" && v != base.Company {
				t.Errorf("other values not kept: %q", v)
			}
		})
	}
	// Invalid UTF-8 is a 400; a megabyte is a 413; neither a 500.
	tok := cl.csrfFrom(t, "/en/inquiries/new")
	form := inquiryForm(base, stepCompany)
	form.Set("csrf", tok)
	form.Set("company", "Bad \xff name")
	if res := cl.post(t, "/en/inquiries/new", form); res.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid UTF-8: %d, want 400", res.StatusCode)
	}
	form.Set("company", strings.Repeat("a", 1<<20))
	if res := cl.post(t, "/en/inquiries/new", form); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MB field: %d, want 413", res.StatusCode)
	}
	// Script tags are stored as typed and escaped on every page.
	var id int64
	ts.store.DB().Read.QueryRow(`SELECT id FROM inquiries WHERE company LIKE '<script>%'`).Scan(&id)
	body := cl.get(t, fmt.Sprintf("/en/inquiries/%d/edit?step=1", id)).Body
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Error("the script tag is not escaped")
	}
}

func TestInquiryVisitorDraftKeptThroughRegistration(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl := ts.newClient()
	res := cl.submit(t, "/en/inquiries/new", "/en/inquiries/new", inquiryForm(validInquiry(), stepCompany))
	if res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=inquiry-visitor]").Length() != 1 {
		t.Fatalf("visitor's step 1: %d", res.StatusCode)
	}
	// Back on the form, what they typed is there.
	if v, _ := cl.get(t, "/en/inquiries/new").doc(t).Find("#inq-inn").Attr("value"); v != "7707083893" {
		t.Errorf("the draft is not shown again: %q", v)
	}
	res = cl.submit(t, "/en/register", "/en/register", url.Values{
		"full_name": {"Irina Petrova"}, "company": {"Volga Motors"}, "email": {"irina@volga.example"},
		"phone": {"+7 900 000-00-01"}, "password": {"a long partner passphrase"}, "role": {"partner"}, "lang": {"en"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", res.StatusCode)
	}
	var owner int64
	ts.store.DB().Read.QueryRow(`SELECT COALESCE(i.user_id, 0) FROM inquiries i WHERE i.inn = '7707083893'`).Scan(&owner)
	u, err := ts.store.UserByEmail(context.Background(), "irina@volga.example")
	if err != nil || owner != u.ID {
		t.Fatalf("the draft belongs to %d, want the new account %d (%v)", owner, u.ID, err)
	}
}

// postFile uploads a file to an inquiry's attachments.
func postFile(t *testing.T, cl *client, target, tok, name string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", tok)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return cl.send(t, req)
}

func TestInquiryAttachments(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "partner")
	other, _ := loginAs(t, ts, "partner")
	staff, _ := loginAs(t, ts, "staff")
	id := walkInquiry(t, cl, validInquiry())
	page := fmt.Sprintf("/en/inquiries/%d/edit?step=4", id)
	up := fmt.Sprintf("/en/inquiries/%d/attachments", id)
	tok := cl.csrfFrom(t, page)
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1000)...)
	if res := postFile(t, cl, up, tok, "fake.pdf", []byte("MZ not a pdf")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a non-PDF: %d", res.StatusCode)
	}
	for i := range 5 {
		if res := postFile(t, cl, up, tok, fmt.Sprintf("deck-%d.pdf", i), pdf); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %d: %d", i, res.StatusCode)
		}
	}
	if res := postFile(t, cl, up, tok, "sixth.pdf", pdf); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a sixth file: %d", res.StatusCode)
	}
	big := append([]byte("%PDF-1.7\n"), make([]byte, 20<<20)...)
	if res := postFile(t, cl, up, tok, "big.pdf", big); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("21 MB: %d", res.StatusCode)
	}
	var att int64
	ts.store.DB().Read.QueryRow(`SELECT id FROM inquiry_attachments WHERE inquiry_id = ? LIMIT 1`, id).Scan(&att)
	path := fmt.Sprintf("/en/inquiries/%d/attachments/%d", id, att)
	if res := cl.get(t, path); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("owner download: %d", res.StatusCode)
	}
	if res := other.get(t, path); res.StatusCode != http.StatusNotFound {
		t.Errorf("another partner: %d, want 404", res.StatusCode)
	}
	// Staff see submitted inquiries only.
	staffPath := fmt.Sprintf("/en/staff/inquiries/%d/attachments/%d", id, att)
	if res := staff.get(t, staffPath); res.StatusCode != http.StatusNotFound {
		t.Errorf("staff before submission: %d, want 404", res.StatusCode)
	}
	cl.submit(t, fmt.Sprintf("/en/inquiries/%d/edit?step=5", id), fmt.Sprintf("/en/inquiries/%d/submit", id), nil)
	if res := staff.get(t, staffPath); res.StatusCode != http.StatusOK {
		t.Errorf("staff download: %d", res.StatusCode)
	}
}

func TestInquiryTriage(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	partner, pu := loginAs(t, ts, "partner")
	staff, su := loginAs(t, ts, "staff")
	earlier := newInquiryFixture(t, ts, pu)
	fx := newInquiryFixture(t, ts, pu)
	base := fmt.Sprintf("/en/staff/inquiries/%d", fx.id)

	inbox := staff.get(t, "/en/staff/inquiries?q="+url.QueryEscape("ВОЛГА")).doc(t)
	if inbox.Find("[data-testid=inquiry-row]").Length() != 2 {
		t.Errorf("a Cyrillic search in another case finds %d", inbox.Find("[data-testid=inquiry-row]").Length())
	}
	if n := staff.get(t, "/en/staff/inquiries?status=accepted").doc(t).Find("[data-testid=inquiry-row]").Length(); n != 0 {
		t.Errorf("status filter: %d rows", n)
	}
	doc := staff.get(t, base).doc(t)
	if !strings.Contains(doc.Find("[data-testid=inquiry-history]").Text(), earlier.ref) {
		t.Error("the same-INN history lacks the earlier inquiry")
	}
	if res := staff.submit(t, base, base+"/assign", url.Values{"assignee": {fmt.Sprint(su.ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.StatusCode)
	}
	if res := staff.submit(t, base, base+"/ask", url.Values{"body": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty question: %d", res.StatusCode)
	}
	staff.submit(t, base, base+"/ask", url.Values{"body": {"Please attach the 2025 accounts."}})
	q, _ := ts.store.InquiryFor(context.Background(), db.Viewer{ID: su.ID, Role: "staff"}, fx.id)
	if q.Status != "needs_info" || q.AssigneeID != su.ID {
		t.Fatalf("after asking: %s, assignee %d", q.Status, q.AssigneeID)
	}
	// The partner edits and resubmits.
	edit := fmt.Sprintf("/en/inquiries/%d/edit?step=3", fx.id)
	form := inquiryForm(validInquiry(), stepPartnership)
	form.Set("volume", "3000")
	if res := partner.submit(t, edit, fmt.Sprintf("/en/inquiries/%d/edit", fx.id), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	partner.submit(t, fmt.Sprintf("/en/inquiries/%d/edit?step=5", fx.id), fmt.Sprintf("/en/inquiries/%d/submit", fx.id), nil)
	q, _ = ts.store.InquiryFor(context.Background(), db.Viewer{ID: su.ID, Role: "staff"}, fx.id)
	if q.Status != "in_review" || q.VolumePerYear != 3000 {
		t.Fatalf("after resubmitting: %s, volume %d", q.Status, q.VolumePerYear)
	}
	staff.submit(t, base, base+"/reply", url.Values{"body": {"Thank you, <b>received</b>."}})
	if res := staff.submit(t, base, base+"/accept", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	q, _ = ts.store.InquiryFor(context.Background(), db.Viewer{ID: su.ID, Role: "staff"}, fx.id)
	if q.Status != "accepted" || q.ProposalID == 0 {
		t.Fatalf("after accepting: %s, proposal %d", q.Status, q.ProposalID)
	}
	// The inbox kept in memory follows the change.
	if n := staff.get(t, "/en/staff/inquiries?status=accepted").doc(t).Find("[data-testid=inquiry-row]").Length(); n != 1 {
		t.Errorf("after accepting, the inbox lists %d accepted", n)
	}
	p, err := ts.store.ProposalFor(context.Background(), db.Viewer{ID: pu.ID, Role: "partner"}, q.ProposalID)
	if err != nil || p.VolumePerYear != 3000 || p.Kind != "joint_venture" || p.Models != "Rira, Tara" {
		t.Fatalf("the partner's proposal: %+v, %v", p, err)
	}
	page := partner.get(t, fmt.Sprintf("/en/inquiries/%d", fx.id))
	pd := page.doc(t)
	if href, _ := pd.Find("[data-testid=inquiry-proposal] a").Attr("href"); href != fmt.Sprintf("/en/proposals/%d", q.ProposalID) {
		t.Errorf("the partner's inquiry links to %q", href)
	}
	if !strings.Contains(page.Body, "&lt;b&gt;received") {
		t.Error("the reply is not escaped in the thread")
	}
	// Declining an accepted inquiry changes nothing.
	staff.submit(t, base, base+"/decline", url.Values{"reason": {"Too late"}})
	if q, _ := ts.store.InquiryFor(context.Background(), db.Viewer{ID: su.ID, Role: "staff"}, fx.id); q.Status != "accepted" {
		t.Errorf("declined after accepting: %s", q.Status)
	}
	// Decline the earlier one with a reason, mailed to the partner.
	eb := fmt.Sprintf("/en/staff/inquiries/%d", earlier.id)
	staff.submit(t, eb, eb+"/decline", url.Values{"reason": {"The region is covered by another partner."}})
	var mails int
	ts.store.DB().Read.QueryRow(`SELECT count(*) FROM outbox WHERE to_addr = ? AND text_body LIKE '%covered by another partner%'`, pu.Email).Scan(&mails)
	if mails != 1 {
		t.Errorf("%d decline mails", mails)
	}
	// CSV: UTF-8 with BOM, formulas neutralised.
	ts.store.DB().Write.Exec(`UPDATE inquiries SET region = '=HYPERLINK("x")' WHERE id = ?`, earlier.id)
	csvRes := staff.get(t, "/en/staff/inquiries.csv")
	if !strings.HasPrefix(csvRes.Body, "\uFEFFref,") || !strings.Contains(csvRes.Body, `'=HYPERLINK`) || !strings.Contains(csvRes.Body, "Волга") {
		t.Errorf("CSV: %.300s", csvRes.Body)
	}
}

func TestInquiryLimits(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "partner")
	tok := cl.csrfFrom(t, "/en/inquiries/new")
	form := inquiryForm(validInquiry(), stepCompany)
	form.Set("csrf", tok)
	limited := 0
	for range inquiryPerAccount.burst + 5 {
		if res := cl.post(t, "/en/inquiries/new", form); res.StatusCode == http.StatusTooManyRequests {
			limited++
		} else if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft: %d", res.StatusCode)
		}
	}
	if limited == 0 {
		t.Errorf("%d drafts in a row were all accepted", inquiryPerAccount.burst+5)
	}
}

// TestInquiryRoutesNeverFail asks every inquiry route with bad ids, bad
// queries and junk forms, as a partner and as staff: never a 500.
func TestInquiryRoutesNeverFail(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	partner, pu := loginAs(t, ts, "partner")
	staff, _ := loginAs(t, ts, "staff")
	fx := newInquiryFixture(t, ts, pu)
	ids := []string{"0", "x", "99999999999999999999", "-1", fmt.Sprint(fx.id)}
	queries := []string{"", "?step=abc", "?step=99", "?status=bogus", "?q=%E2%80%AE", "?page=-1", "?assignee=7", "?done=%3Cscript%3E"}
	forms := []url.Values{{}, {"step": {"x"}}, {"step": {"9"}}, {"assignee": {"x"}}, {"assignee": {"-3"}}, {"body": {strings.Repeat("x", 6000)}},
		{"reason": {"\u202e"}}, {"go": {"back"}, "step": {"2"}}}
	for _, cl := range []*client{partner, staff} {
		tok := cl.csrfFrom(t, "/en/account")
		for key := range policy {
			method, path, _ := strings.Cut(key, " ")
			if !strings.Contains(path, "inquiries") {
				continue
			}
			for _, id := range ids {
				p := "/en" + strings.ReplaceAll(strings.ReplaceAll(path, ":id", id), ":att", id)
				if method == "GET" {
					for _, q := range queries {
						if res := cl.get(t, p+q); res.StatusCode >= 500 {
							t.Errorf("GET %s%s: %d", p, q, res.StatusCode)
						}
					}
					continue
				}
				for _, f := range forms {
					f.Set("csrf", tok)
					if res := cl.post(t, p, f); res.StatusCode >= 500 {
						t.Errorf("POST %s %v: %d", p, f, res.StatusCode)
					}
				}
			}
		}
	}
}

func TestInquiryPagesInEveryLanguage(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	partner, pu := loginAs(t, ts, "partner")
	staff, _ := loginAs(t, ts, "staff")
	fx := newInquiryFixture(t, ts, pu)
	titles := map[string]string{"ru": "Заявка на совместное предприятие", "en": "Joint-venture inquiry", "fa": "درخواست سرمایه\u200cگذاری مشترک"}
	for lang, title := range titles {
		for _, p := range []struct {
			cl   *client
			path string
		}{{partner, "/inquiries/new"}, {partner, "/inquiries"}, {partner, fmt.Sprintf("/inquiries/%d", fx.id)},
			{staff, "/staff/inquiries"}, {staff, fmt.Sprintf("/staff/inquiries/%d", fx.id)}} {
			res := p.cl.get(t, "/"+lang+p.path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s%s: %d", lang, p.path, res.StatusCode)
				continue
			}
			if p.path == "/inquiries/new" && !strings.Contains(res.doc(t).Find("h1").Text(), title) {
				t.Errorf("%s: title %q", lang, res.doc(t).Find("h1").Text())
			}
		}
	}
}
