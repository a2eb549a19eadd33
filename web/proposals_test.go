package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/docs"
)

// withDocuments gives the server a documents folder of the test's own.
func withDocuments(t testing.TB) func(*Config) {
	dir := t.TempDir()
	return func(c *Config) { c.DocumentsDir = dir }
}

// proposalFixture is a proposal with a document and a question.
type proposalFixture struct {
	id, docID, questionID int64
	staff                 db.User
}

const testNDA = "The participant keeps everything in this deal room confidential for three years."

// newProposalFixture creates a proposal whose participants are people,
// with a PDF document and a question from the first participant.
func newProposalFixture(t testing.TB, ts *testServer, people ...db.User) proposalFixture {
	t.Helper()
	ctx := context.Background()
	staff := createUser(t, ts, "owner-"+randomToken(4)+"@example.com", "staff", "active")
	var fx proposalFixture
	fx.staff = staff
	file := "doc-" + randomToken(8)
	pdf := []byte("%PDF-1.4\n% test document\n%%EOF\n")
	if err := os.WriteFile(filepath.Join(ts.cfg.DocumentsDir, file), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	err := ts.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		fx.id, err = tx.CreateProposal(db.ProposalInput{Kind: "distribution", Market: "ru", Visibility: "private", Currency: "RUB",
			Title:   db.L10n{RU: "Тестовое предложение", EN: "Test proposal", FA: "پیشنهاد آزمایشی"},
			Summary: db.L10n{RU: "Кратко", EN: "In short", FA: "خلاصه"}, NDAText: testNDA, VolumePerYear: 1000, InvestMin: 10, InvestMax: 20,
			KeyTerms: "Secret key terms"}, staff, time.Now().Add(-48*time.Hour))
		if err != nil {
			return err
		}
		for _, u := range people {
			if err := tx.AddParticipant(fx.id, u.ID, "Company of "+u.FullName, time.Now()); err != nil {
				return err
			}
		}
		if fx.docID, err = tx.AddDocument(db.Document{ProposalID: fx.id, Name: "terms.pdf", File: file, Kind: "pdf", Size: int64(len(pdf)), SHA256: "x"}, staff.ID, time.Now()); err != nil {
			return err
		}
		if len(people) > 0 {
			fx.questionID, err = tx.AskQuestion(fx.id, people[0].ID, "When is the next meeting?", time.Now())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func acceptNDA(t testing.TB, ts *testServer, proposalID, userID int64) {
	t.Helper()
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.AcceptNDA(proposalID, userID, "hash", "192.0.2.1", "test", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestProposalRoutesForParticipants asks every participant route as a
// participant past the NDA gate (200) and as an investor and a partner
// who do not take part (404), feed included.
func TestProposalRoutesForParticipants(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	inv, invUser := loginAs(t, ts, "investor")
	outsider, _ := loginAs(t, ts, "partner")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	base := fmt.Sprintf("/en/proposals/%d", fx.id)
	for _, path := range []string{base, base + "/history", base + "/history.json", fmt.Sprintf("%s/documents/%d", base, fx.docID)} {
		if res := inv.get(t, path); res.StatusCode != http.StatusOK {
			t.Errorf("participant GET %s: %d", path, res.StatusCode)
		}
		if res := outsider.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("outsider GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	// Posting to someone else's proposal is a 404 too.
	tok := outsider.csrfFrom(t, "/en/")
	for _, path := range []string{base + "/nda", base + "/questions", base + "/feed-token", base + "/feed-token/revoke"} {
		if res := outsider.post(t, path, url.Values{"csrf": {tok}, "question": {"Let me in?"}, "agree": {"1"}, "nda_version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("outsider POST %s: %d, want 404", path, res.StatusCode)
		}
	}

	// The feed: made by the participant, read without a session, gone
	// when revoked; a wrong token or another proposal's id is a 404.
	res := inv.submit(t, base, base+"/feed-token", nil)
	loc, _ := url.Parse(res.Header.Get("Location"))
	token := loc.Query().Get("feed")
	if res.StatusCode != http.StatusSeeOther || token == "" {
		t.Fatalf("feed token: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	page := inv.get(t, loc.String())
	if !strings.Contains(page.Body, "feed.atom?token="+token) {
		t.Errorf("status page does not show the new feed URL once")
	}
	feed := ts.get(t, base+"/feed.atom?token="+token)
	if feed.StatusCode != http.StatusOK || !strings.Contains(feed.Body, "<feed") || !strings.Contains(feed.Header.Get("Content-Type"), "atom") {
		t.Fatalf("feed: %d %s", feed.StatusCode, feed.Header.Get("Content-Type"))
	}
	other := newProposalFixture(t, ts)
	for _, path := range []string{base + "/feed.atom?token=wrong", fmt.Sprintf("/en/proposals/%d/feed.atom?token=%s", other.id, token)} {
		if res := ts.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	inv.submit(t, base, base+"/feed-token/revoke", nil)
	if res := ts.get(t, base+"/feed.atom?token="+token); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoked feed: %d, want 404", res.StatusCode)
	}
}

// TestProposalNDAGate: a participant sees the stage and the NDA text, but
// details, timeline notes, documents and history open only after they
// accept it; the acceptance records who, when, from where and the version.
func TestProposalNDAGate(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, u := loginAs(t, ts, "partner")
	fx := newProposalFixture(t, ts, u)
	base := fmt.Sprintf("/en/proposals/%d", fx.id)
	doc := fmt.Sprintf("%s/documents/%d", base, fx.docID)

	page := cl.get(t, base)
	d := page.doc(t)
	if d.Find("[data-testid=nda-gate]").Length() != 1 || !strings.Contains(d.Find("[data-testid=nda-text]").Text(), testNDA) {
		t.Fatal("no NDA gate with the NDA text before acceptance")
	}
	if strings.Contains(page.Body, "Secret key terms") || d.Find("[data-testid=documents]").Length() != 0 {
		t.Error("details or documents shown before the NDA is accepted")
	}
	if d.Find("[data-testid=progress-track] [aria-current=step]").Length() != 1 {
		t.Error("the progress track is not shown before the NDA")
	}
	for _, path := range []string{doc, base + "/history", base + "/history.json"} {
		res := cl.get(t, path)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), base) {
			t.Errorf("GET %s before NDA: %d %q, want a redirect to the NDA", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Not ticking the box is refused.
	if res := cl.submit(t, base, base+"/nda", url.Values{"nda_version": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("NDA without agreeing: %d, want 422", res.StatusCode)
	}
	if res := cl.submit(t, base, base+"/nda", url.Values{"nda_version": {"1"}, "agree": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept NDA: %d", res.StatusCode)
	}
	var version int
	var ip, sum string
	if err := ts.store.DB().Read.QueryRow(`SELECT nda_version, ip, text_sha256 FROM nda_acceptances WHERE proposal_id = ? AND user_id = ?`, fx.id, u.ID).Scan(&version, &ip, &sum); err != nil {
		t.Fatalf("no NDA record: %v", err)
	}
	if version != 1 || ip != "192.0.2.10" || len(sum) != 64 {
		t.Errorf("NDA record: version %d ip %q sha %q", version, ip, sum)
	}
	if page := cl.get(t, base); !strings.Contains(page.Body, "Secret key terms") {
		t.Error("details not shown after the NDA")
	}
	res := cl.get(t, doc)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatalf("document after NDA: %d", res.StatusCode)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("document headers: %v", res.Header)
	}
	// Staff see who opened what.
	staffCl, _ := loginAs(t, ts, "staff")
	sp := staffCl.get(t, fmt.Sprintf("/en/staff/proposals/%d", fx.id))
	if log := sp.doc(t).Find("[data-testid=access-log]").Text(); !strings.Contains(log, "terms.pdf") || !strings.Contains(log, u.FullName) {
		t.Errorf("access log does not show the download: %q", log)
	}
}

// TestStageMoveRules is the pipeline's transition table.
func TestStageMoveRules(t *testing.T) {
	cases := []struct {
		from, to string
		ok       bool
	}{
		{"new", "qualification", true},
		{"new", "nda_signed", false},
		{"qualification", "nda_signed", true},
		{"nda_signed", "term_sheet", true},
		{"term_sheet", "due_diligence", true},
		{"due_diligence", "contract_drafting", true},
		{"due_diligence", "term_sheet", true},
		{"contract_drafting", "signed", true},
		{"signed", "new", false},
		{"signed", "declined", false},
		{"declined", "qualification", false},
		{"withdrawn", "new", false},
		{"new", "on_hold", true},
		{"on_hold", "term_sheet", true},
		{"on_hold", "signed", false},
		{"new", "new", false},
		{"new", "bogus", false},
	}
	for _, c := range cases {
		t.Run(c.from+"→"+c.to, func(t *testing.T) {
			if got := db.CanMove(c.from, c.to); got != c.ok {
				t.Errorf("CanMove(%s, %s) = %v, want %v", c.from, c.to, got, c.ok)
			}
		})
	}
}

// moveForm is the stage form as the page fills it.
func moveForm(p db.Proposal, to, note, visibility string) url.Values {
	return url.Values{"from": {p.Stage}, "version": {fmt.Sprint(p.Version)}, "to": {to}, "note": {note}, "visibility": {visibility}}
}

func staffProposal(t testing.TB, ts *testServer, id int64) db.Proposal {
	t.Helper()
	p, err := ts.store.ProposalFor(context.Background(), db.Viewer{ID: 1, Role: "staff"}, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStageMoveHTTP: a move the pipeline forbids is refused with a
// message; two staff moving at once: one wins, the other sees a conflict;
// an empty note is refused; no bad input gives a 500.
func TestStageMoveHTTP(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	a, _ := loginAs(t, ts, "staff")
	b, _ := loginAs(t, ts, "staff")
	fx := newProposalFixture(t, ts)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	action := page + "/stage"
	p := staffProposal(t, ts, fx.id)

	res := a.submit(t, page, action, moveForm(p, "qualification", "", "shared"))
	if res.StatusCode != http.StatusUnprocessableEntity || res.doc(t).Find("#move-note-error").Length() != 1 {
		t.Errorf("move without a note: %d", res.StatusCode)
	}
	res = a.submit(t, page, action, moveForm(p, "signed", "Skip ahead", "shared"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.doc(t).Find("[data-testid=action-error]").Text(), "does not allow") {
		t.Errorf("New → Signed: %d, want 422 with a message", res.StatusCode)
	}
	// Both saw version p; a wins, b gets the conflict page.
	tokA, tokB := a.csrfFrom(t, page), b.csrfFrom(t, page)
	fa := moveForm(p, "qualification", "A moves", "shared")
	fa.Set("csrf", tokA)
	if res := a.post(t, action, fa); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first move: %d\n%s", res.StatusCode, res.Body)
	}
	fb := moveForm(p, "declined", "B declines", "shared")
	fb.Set("csrf", tokB)
	res = b.post(t, action, fb)
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.doc(t).Find("[data-testid=action-error]").Text(), "Qualification") {
		t.Errorf("second move: %d, want 409 naming the current stage", res.StatusCode)
	}
	if got := staffProposal(t, ts, fx.id).Stage; got != "qualification" {
		t.Errorf("stage after the race: %s", got)
	}
	// Signed → New is refused once signed.
	for _, to := range []string{"nda_signed", "term_sheet", "due_diligence", "contract_drafting", "signed"} {
		p := staffProposal(t, ts, fx.id)
		if res := a.submit(t, page, action, moveForm(p, to, "next", "internal")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move to %s: %d", to, res.StatusCode)
		}
	}
	p = staffProposal(t, ts, fx.id)
	if res := a.submit(t, page, action, moveForm(p, "new", "back to start", "internal")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("Signed → New: %d, want 422", res.StatusCode)
	}
	// Garbage is a 400 or 404, never a 500.
	for _, f := range []url.Values{{"from": {"x"}}, {"from": {"new"}, "version": {"abc"}}, {"from": {"signed"}, "version": {"1"}, "to": {"\xff"}}} {
		res := a.submit(t, page, action, f)
		if res.StatusCode >= 500 {
			t.Errorf("form %v: %d", f, res.StatusCode)
		}
	}
	if res := a.get(t, "/en/staff/proposals/999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing proposal: %d", res.StatusCode)
	}
}

// TestHistoryTamperDetected changes a timeline row directly in SQLite;
// "Verify history" names it as the first broken entry.
func TestHistoryTamperDetected(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "staff")
	fx := newProposalFixture(t, ts)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	for _, to := range []string{"qualification", "nda_signed", "term_sheet"} {
		p := staffProposal(t, ts, fx.id)
		if res := cl.submit(t, page, page+"/stage", moveForm(p, to, "Shared note to "+to, "shared")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move: %d", res.StatusCode)
		}
	}
	res := cl.get(t, page+"/verify")
	if res.doc(t).Find("[data-testid=chain-ok]").Length() != 1 {
		t.Fatalf("untouched history does not verify:\n%s", res.doc(t).Find("main").Text())
	}
	if _, err := ts.store.DB().Write.Exec(`UPDATE proposal_events SET note = 'Nothing was agreed' WHERE proposal_id = ? AND seq = 3`, fx.id); err != nil {
		t.Fatal(err)
	}
	res = cl.get(t, page+"/verify")
	if got := res.doc(t).Find("[data-testid=chain-broken]").Text(); !strings.Contains(got, "entry 3 ") {
		t.Errorf("verify after tampering says %q, want entry 3", got)
	}
	// Rewriting the hash too breaks the next entry's link.
	events, _ := ts.store.Timeline(context.Background(), db.Viewer{ID: 1, Role: "staff"}, fx.id)
	if _, err := ts.store.DB().Write.Exec(`UPDATE proposal_events SET hash = ? WHERE proposal_id = ? AND seq = 3`, events[2].ComputeHash(), fx.id); err != nil {
		t.Fatal(err)
	}
	check, err := ts.store.VerifyTimeline(context.Background(), db.Viewer{ID: 1, Role: "staff"}, fx.id)
	if err != nil || check.OK || check.BrokenSeq != 4 || check.Reason != "prev" {
		t.Errorf("after rewriting the hash: %+v %v, want entry 4 broken by prev", check, err)
	}
}

// TestNotificationsAndDigest: a shared note and a stage move reach
// participants: in-app with an unread count for everyone, mail at once
// for "immediate", one daily digest mail for "digest" (sent through the
// test SMTP server with an injected clock), nothing for "none".
func TestNotificationsAndDigest(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	now := newTestClock()
	ts.now = now.now
	staff, _ := loginAs(t, ts, "staff")
	immCl, imm := loginAs(t, ts, "investor")
	digCl, dig := loginAs(t, ts, "partner")
	noneCl, none := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, imm, dig, none)
	for _, pair := range []struct {
		cl     *client
		choice string
	}{{digCl, "digest"}, {noneCl, "none"}} {
		if res := pair.cl.submit(t, "/en/notifications", "/en/notifications/preference", url.Values{"notify": {pair.choice}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("preference: %d", res.StatusCode)
		}
	}
	before := len(outbox(t, ts.store))
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	p := staffProposal(t, ts, fx.id)
	staff.submit(t, page, page+"/stage", moveForm(p, "qualification", "Please send the company documents.", "shared"))
	staff.submit(t, page, page+"/notes", url.Values{"note": {"Internal only: check sanctions list"}, "visibility": {"internal"}})
	mails := outbox(t, ts.store)[:len(outbox(t, ts.store))-before]
	if len(mails) != 1 || mails[0].To != imm.Email || !strings.Contains(mails[0].Text, "Please send the company documents.") {
		t.Fatalf("immediate mails: %d %+v", len(mails), mails)
	}
	if strings.Contains(mails[0].Text, "sanctions") {
		t.Error("an internal note reached a participant")
	}
	for _, cl := range []*client{immCl, digCl, noneCl} {
		if got := cl.get(t, "/en/notifications").doc(t).Find("[data-testid=unread-count]").Text(); !strings.HasPrefix(got, "1") {
			t.Errorf("unread count %q, want 1", got)
		}
	}
	// The day's digest, one mail to the digest person only.
	now.add(24 * time.Hour)
	n, err := ts.SendDigests(context.Background(), now.now())
	if err != nil || n != 1 {
		t.Fatalf("SendDigests = %d, %v; want 1", n, err)
	}
	if n, _ := ts.SendDigests(context.Background(), now.now()); n != 0 {
		t.Errorf("a second digest run sent %d, want 0", n)
	}
	be := &smtpRecorder{}
	port, _ := startSMTP(t, be, "127.0.0.1:0", nil)
	sendDue(t, newTestMailer(ts.store, port, now, nil), 2, false)
	got := be.received()
	var digest *receivedMail
	for i := range got {
		if got[i].To[0] == dig.Email {
			digest = &got[i]
		}
		if got[i].To[0] == none.Email {
			t.Error("a person who chose none got mail")
		}
	}
	if digest == nil {
		t.Fatal("no digest mail delivered")
	}
	pm := parseMail(t, digest.Data)
	if !strings.Contains(pm.Text, "Stage changed to Qualification") || !strings.Contains(pm.Text, "Test proposal") {
		t.Errorf("digest text:\n%s", pm.Text)
	}
	// Switching to the digest later does not send old news again.
	immCl.submit(t, "/en/notifications", "/en/notifications/preference", url.Values{"notify": {"digest"}})
	now.add(24 * time.Hour)
	if n, _ := ts.SendDigests(context.Background(), now.now()); n != 0 {
		t.Errorf("digest after switching sent %d mails of old news, want 0", n)
	}
	// Reading clears the count.
	digCl.submit(t, "/en/notifications", "/en/notifications/read", nil)
	if digCl.get(t, "/en/notifications").doc(t).Find("[data-testid=unread-count]").Length() != 0 {
		t.Error("unread count after marking read")
	}
}

func zipOf(t testing.TB, names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<x/>"))
	}
	_ = zw.Close()
	return b.Bytes()
}

// TestSniffDocument checks the content against the name.
func TestSniffDocument(t *testing.T) {
	docx := zipOf(t, "[Content_Types].xml", "word/document.xml")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"a.pdf", []byte("%PDF-1.7 ..."), "pdf"},
		{"a.docx", docx, "docx"},
		{"a.xlsx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "xlsx"},
		{"a.pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"), "pptx"},
		{"a.doc", append(append([]byte{}, cfbMagic...), 0, 0), "doc"},
		{"a.xls", append(append([]byte{}, cfbMagic...), 0, 0), "xls"},
		{"a.xlsx", docx, ""},
		{"a.docx", zipOf(t, "word/document.xml"), ""},
		{"evil.pdf", []byte("MZ\x90\x00 this is an exe"), ""},
		{"a.pdf", docx, ""},
		{"a.exe", []byte("%PDF-1.7"), ""},
		{"a.zip", zipOf(t, "[Content_Types].xml", "word/x"), ""},
	}
	for _, c := range cases {
		if got := sniffDocument(c.name, c.data); got != c.want {
			t.Errorf("sniffDocument(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

func uploadRequest(t testing.TB, cl *client, page, action, name string, data []byte) response {
	t.Helper()
	tok := cl.csrfFrom(t, page)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("csrf", tok)
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, action, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return cl.send(t, req)
}

// TestDocumentUpload: a real PDF is stored; a disguised or oversized file
// is refused with a message.
func TestDocumentUpload(t *testing.T) {
	ts := newTestServer(t, withDocuments(t), func(c *Config) { c.MaxDocumentBytes = 4096 })
	cl, _ := loginAs(t, ts, "staff")
	fx := newProposalFixture(t, ts)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	action := page + "/documents"
	if res := uploadRequest(t, cl, page, action, "plan.pdf", []byte("%PDF-1.5\nplan\n")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload PDF: %d", res.StatusCode)
	}
	if res := uploadRequest(t, cl, page, action, "plan.pdf", []byte("MZ not a pdf")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("disguised upload: %d, want 422", res.StatusCode)
	}
	if res := uploadRequest(t, cl, page, action, "big.pdf", append([]byte("%PDF-"), make([]byte, 5000)...)); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload: %d, want 413", res.StatusCode)
	}
	if res := uploadRequest(t, cl, page, action, "huge.pdf", append([]byte("%PDF-"), make([]byte, 200<<10)...)); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the body limit: %d, want 413", res.StatusCode)
	}
	docs, _ := ts.store.Documents(context.Background(), db.Viewer{ID: 1, Role: "staff"}, fx.id)
	if len(docs) != 2 {
		t.Errorf("%d documents stored, want 2 (fixture and upload)", len(docs))
	}
}

// recipe returns the first fenced code block of the given language in
// the verification procedure.
func recipe(t *testing.T, lang string) string {
	t.Helper()
	text := string(docs.HistoryVerification)
	start := strings.Index(text, "```"+lang+"\n")
	if start < 0 {
		t.Fatalf("docs/history-verification.md has no %s block", lang)
	}
	text = text[start+len(lang)+4:]
	return text[:strings.Index(text, "```")]
}

// TestHistoryRecipesVerify runs the documented jq and Python recipes on
// a downloaded history: they accept it as is and name the entry changed
// in a tampered copy.
func TestHistoryRecipesVerify(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	staff, _ := loginAs(t, ts, "staff")
	inv, invUser := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	for i, to := range []string{"qualification", "nda_signed"} {
		p := staffProposal(t, ts, fx.id)
		note := fmt.Sprintf("Note %d: \"quotes\" & <tags>, кириллица, فارسی\nsecond line\ttab", i)
		if res := staff.submit(t, page, page+"/stage", moveForm(p, to, note, "shared")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move: %d", res.StatusCode)
		}
	}
	res := inv.get(t, fmt.Sprintf("/en/proposals/%d/history.json", fx.id))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("history.json: %d %v", res.StatusCode, res.Header)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "history.json")
	bad := filepath.Join(dir, "tampered", "history.json")
	if err := os.WriteFile(good, []byte(res.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Dir(bad), 0o700)
	if err := os.WriteFile(bad, []byte(strings.Replace(res.Body, "Note 1:", "Note 9:", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, tools []string, cmd func(file string) *exec.Cmd) {
		for _, tool := range tools {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("%s is not installed", tool)
			}
		}
		out, err := cmd(good).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "history verifies") {
			t.Errorf("on the download: %v\n%s", err, out)
		}
		out, err = cmd(bad).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "entry 3 does not verify") {
			t.Errorf("on the tampered copy: %v\n%s", err, out)
		}
	}
	t.Run("jq", func(t *testing.T) {
		run(t, []string{"sh", "jq", "sha256sum"}, func(file string) *exec.Cmd {
			c := exec.Command("sh", "-c", recipe(t, "sh"))
			c.Dir = filepath.Dir(file)
			return c
		})
	})
	t.Run("python", func(t *testing.T) {
		run(t, []string{"python3"}, func(file string) *exec.Cmd {
			return exec.Command("python3", "-c", recipe(t, "python"), file)
		})
	})
}

// TestProposalRoutesRefuseBadInput sends every proposal route malformed
// ids, queries and forms as staff and as a participant: refusals, never a
// 500.
func TestProposalRoutesRefuseBadInput(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	staff, _ := loginAs(t, ts, "staff")
	inv, invUser := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	ids := []string{fmt.Sprint(fx.id), "abc", "0", "-1", "99999999999999999999", "1e3"}
	queries := []string{"", "?kind=zzz", "?market=%ff", "?owner=x", "?owner=-5", "?token=" + strings.Repeat("a", 300), "?view=1", "?done=<script>", "?page=0", "?page=99999", "?page=abc", "?feed=" + strings.Repeat("z", 200)}
	forms := []url.Values{
		{},
		{"note": {"\xff\xfe"}, "question": {"\xff"}, "answer": {"\xff"}, "email": {"\xff"}, "company": {"\xff"}},
		{"note": {strings.Repeat("x", 50000)}, "question": {strings.Repeat("я", 10000)}, "to": {"signed"}, "from": {"new"}, "version": {"-1"}},
		{"version": {"99999999999999999999"}, "from": {"qualification"}, "to": {"nda_signed"}, "note": {"ok"}, "next_due": {"2026-13-45"}},
		{"kind": {"zzz"}, "volume": {"-5"}, "invest_min": {"9"}, "invest_max": {"1"}, "owner": {"abc"}, "next_due": {"yesterday"}, "title_en": {"\u202eevil"}},
		{"notify": {"sometimes"}, "agree": {"1"}, "nda_version": {"x"}, "faq": {"1"}},
	}
	for key := range policy {
		method, path, _ := strings.Cut(key, " ")
		if !strings.Contains(path, "proposal") && !strings.Contains(path, "pipeline") && !strings.Contains(path, "notifications") {
			continue
		}
		for _, id := range ids {
			p := strings.NewReplacer(":id", id, ":doc", id, ":qid", id, ":uid", id).Replace(path)
			for _, cl := range []*client{staff, inv} {
				if method == http.MethodGet {
					for _, q := range queries {
						if res := cl.get(t, "/en"+p+q); res.StatusCode >= 500 {
							t.Errorf("GET %s%s: %d", p, q, res.StatusCode)
						}
					}
					continue
				}
				tok := cl.csrfFrom(t, "/en/notifications")
				for _, f := range forms {
					f.Set("csrf", tok)
					if res := cl.post(t, "/en"+p, f); res.StatusCode >= 500 {
						t.Errorf("POST %s %v: %d", p, f, res.StatusCode)
					}
				}
			}
		}
	}
}

// TestBoardMoveConflict: a move from the board made against a stale
// version shows the board with the conflict and the current stage.
func TestBoardMoveConflict(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	cl, _ := loginAs(t, ts, "staff")
	fx := newProposalFixture(t, ts)
	p := staffProposal(t, ts, fx.id)
	action := fmt.Sprintf("/en/staff/proposals/%d/stage", fx.id)
	f := moveForm(p, "qualification", "From the board", "internal")
	f.Set("return", "board")
	if res := cl.submit(t, "/en/staff/pipeline", action, f); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/en/staff/pipeline") {
		t.Fatalf("board move: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	f.Set("to", "withdrawn")
	res := cl.submit(t, "/en/staff/pipeline", action, f)
	if msg := res.doc(t).Find("[data-testid=action-error]").Text(); res.StatusCode != http.StatusConflict || !strings.Contains(msg, "Qualification") {
		t.Errorf("stale board move: %d %q", res.StatusCode, msg)
	}
	if n := res.doc(t).Find("[data-testid=board-column][data-stage=qualification] [data-testid=board-card]").Length(); n != 1 {
		t.Errorf("board shows %d cards in Qualification after the move, want 1", n)
	}
	// The board's columns are kept rendered; every form on it still
	// carries the viewer's own token.
	other, _ := loginAs(t, ts, "staff")
	for _, cl := range []*client{cl, other} {
		board := cl.get(t, "/en/staff/pipeline")
		want := board.doc(t).Find("input[name=csrf]").First().AttrOr("value", "")
		board.doc(t).Find("[data-testid=board-card] input[name=csrf]").Each(func(_ int, in *goquery.Selection) {
			if in.AttrOr("value", "") != want {
				t.Errorf("a card form carries %q, want the viewer's token", in.AttrOr("value", ""))
			}
		})
		if strings.Contains(board.Body, "stand-in") {
			t.Error("the stand-in token reached a page")
		}
	}
}

// TestParticipantTimelineFollowsChanges: the participants' timeline,
// rendered once and kept, shows a shared note posted after it was kept,
// and never an internal one.
func TestParticipantTimelineFollowsChanges(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	staff, _ := loginAs(t, ts, "staff")
	inv, invUser := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts, invUser)
	acceptNDA(t, ts, fx.id, invUser.ID)
	status := fmt.Sprintf("/en/proposals/%d", fx.id)
	page := fmt.Sprintf("/en/staff/proposals/%d", fx.id)
	notes := func() string { return inv.get(t, status).doc(t).Find("[data-testid=timeline]").Text() }
	if got := notes(); !strings.Contains(got, "Proposal opened") {
		t.Fatalf("timeline: %q", got)
	}
	staff.submit(t, page, page+"/notes", url.Values{"note": {"Shared after the first look"}, "visibility": {"shared"}})
	staff.submit(t, page, page+"/notes", url.Values{"note": {"Internal after the first look"}, "visibility": {"internal"}})
	got := notes()
	if !strings.Contains(got, "Shared after the first look") || strings.Contains(got, "Internal after") {
		t.Errorf("timeline after notes: %q", got)
	}
	if ru := inv.get(t, "/ru/proposals/"+fmt.Sprint(fx.id)).doc(t).Find("[data-testid=timeline]").Text(); !strings.Contains(ru, "Предложение открыто") {
		t.Errorf("Russian timeline: %q", ru)
	}
}
