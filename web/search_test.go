package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// searchGroups reads the result groups of a search page: name → count
// and the hits' titles.
type searchGroupSeen struct {
	count  string
	titles []string
	kinds  []string
	hrefs  []string
}

func searchGroupsOf(doc *goquery.Document) map[string]searchGroupSeen {
	out := map[string]searchGroupSeen{}
	doc.Find("[data-testid=search-group]").Each(func(_ int, g *goquery.Selection) {
		var seen searchGroupSeen
		seen.count = g.Find("[data-testid=search-group-count]").AttrOr("data-count", "")
		g.Find("[data-testid=search-hit]").Each(func(_ int, h *goquery.Selection) {
			seen.titles = append(seen.titles, strings.TrimSpace(h.Find("[data-testid=search-hit-link]").Text()))
			seen.kinds = append(seen.kinds, h.AttrOr("data-kind", ""))
			seen.hrefs = append(seen.hrefs, h.Find("[data-testid=search-hit-link]").AttrOr("href", ""))
		})
		out[g.AttrOr("data-group", "")] = seen
	})
	return out
}

func searchURL(lang, q string, extra ...string) string {
	u := "/" + lang + "/search?q=" + url.QueryEscape(q)
	for i := 0; i+1 < len(extra); i += 2 {
		u += "&" + extra[i] + "=" + url.QueryEscape(extra[i+1])
	}
	return u
}

func TestSearchPageInEveryLanguage(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct {
		lang, query, title string
	}{
		{"ru", "кроссоверы", "Rira"},
		{"ru", "Рира", "Rira"},
		{"en", "crossovers", "Rira"},
		{"fa", "ريرا", "ریرا"},
		{"fa", "كراس", "ریرا"},
	}
	for _, c := range cases {
		t.Run(c.lang+" "+c.query, func(t *testing.T) {
			res := ts.get(t, searchURL(c.lang, c.query))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			doc := res.doc(t)
			groups := searchGroupsOf(doc)
			cat := groups["catalogue"]
			if len(cat.titles) == 0 || cat.titles[0] != c.title || cat.kinds[0] != "model" || cat.hrefs[0] != "/"+c.lang+"/models/rira" {
				t.Fatalf("catalogue group %+v, want %q first", cat, c.title)
			}
			if got := doc.Find("[data-testid=search-hit]").First().Find("mark").Length(); got == 0 {
				t.Error("no word marked in the first result")
			}
			if v := doc.Find("#search-q").AttrOr("value", ""); v != c.query {
				t.Errorf("query kept as %q", v)
			}
			if v := doc.Find("#site-search-q").AttrOr("value", ""); v != c.query {
				t.Errorf("header box holds %q", v)
			}
			if strings.Contains(res.Body, "search.") {
				t.Error("an untranslated message id on the page")
			}
			if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if doc.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
				t.Error("search page may be indexed")
			}
		})
	}
}

func TestSearchHeaderBoxOnEveryPage(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/ru/", "/en/catalogue", "/fa/models/rira", "/ru/news"} {
		doc := ts.get(t, path).doc(t)
		form := doc.Find("header form[role=search][data-testid=site-search]")
		if form.Length() != 1 || form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != path[:3]+"/search" {
			t.Errorf("%s: header search form %d, action %q", path, form.Length(), form.AttrOr("action", ""))
		}
		if doc.Find(`label[for=site-search-q]`).Length() != 1 || doc.Find(`#site-search-q[name=q][type=search]`).Length() != 1 {
			t.Errorf("%s: search box without its label", path)
		}
	}
}

// TestSearchBadInput: whatever the query, a clean page and never a 500.
func TestSearchBadInput(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("кроссовер ", 1024) // about 20 KB encoded
	cases := []struct {
		name   string
		target string
		status int
		// results: whether the results section is shown; notice: the
		// data-testid of a notice expected on the page ("" for none).
		results bool
		notice  string
	}{
		{"no query", "/ru/search", 200, false, ""},
		{"empty query", "/ru/search?q=", 200, false, ""},
		{"only spaces", "/ru/search?q=+++", 200, false, ""},
		{"only punctuation", searchURL("ru", `"*():-^`), 200, false, "search-no-terms"},
		{"fts syntax", searchURL("ru", `rira* OR (tara) NOT "dena" NEAR(x y) ^a : -b AND`), 200, true, ""},
		{"column filter syntax", searchURL("en", `t_ru:rira {b_en}:x`), 200, true, ""},
		{"10 KB query clipped", searchURL("ru", long), 200, true, "search-clipped"},
		{"control characters dropped", "/ru/search?q=ri%00ra%07", 200, true, ""},
		{"invalid utf-8", "/ru/search?q=%FF%FE", 400, false, ""},
		{"unknown group", searchURL("ru", "rira", "group", "secrets"), 400, false, ""},
		{"bad page", searchURL("ru", "rira", "group", "catalogue", "page", "0"), 400, false, ""},
		{"page past the end", searchURL("ru", "rira", "group", "catalogue", "page", "99"), 404, false, ""},
		{"page without a group", searchURL("ru", "rira", "page", "2"), 404, false, ""},
		{"markup in the query", searchURL("en", `<script>alert(1)</script> rira`), 200, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ts.get(t, c.target)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			doc := res.doc(t)
			if c.status != 200 {
				if doc.Find("[data-testid=error]").Length() != 1 {
					t.Error("no error page")
				}
				return
			}
			if got := doc.Find("[data-testid=search-results]").Length() == 1; got != c.results {
				t.Errorf("results section shown %v, want %v", got, c.results)
			}
			for _, n := range []string{"search-no-terms", "search-clipped"} {
				if got := doc.Find("[data-testid="+n+"]").Length() == 1; got != (n == c.notice) {
					t.Errorf("notice %s shown %v", n, got)
				}
			}
			if doc.Find("[data-testid=search-form]").Length() != 1 {
				t.Error("no search form")
			}
			if strings.Contains(res.Body, "<script>alert") {
				t.Error("the query is rendered unescaped")
			}
			if c.notice == "search-clipped" {
				if n := len([]rune(doc.Find("#search-q").AttrOr("value", ""))); n != 200 {
					t.Errorf("clipped query has %d characters", n)
				}
			}
		})
	}
}

// TestSearchMarksAreEscaped: stored text with markup in it comes out as
// text, with only the portal's own <mark> around found words.
func TestSearchMarksAreEscaped(t *testing.T) {
	ts := newTestServer(t)
	staff := createUser(t, ts, "esc-staff@example.com", "staff", "active")
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.CreateProposal(db.ProposalInput{Kind: "distribution", Market: "ru", Visibility: "public", Currency: "RUB",
			Title: db.L10n{RU: `<img src=x onerror=alert(1)> Тета <b>сеть</b>`, EN: "Theta", FA: "تتا"}}, staff, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res := ts.get(t, searchURL("ru", "тета сеть"))
	doc := res.doc(t)
	if doc.Find("[data-testid=search-hit] img, [data-testid=search-hit] b").Length() != 0 {
		t.Error("stored markup rendered as markup")
	}
	marks := doc.Find("[data-testid=search-hit] mark")
	if marks.Length() != 2 || marks.Eq(0).Text() != "Тета" || marks.Eq(1).Text() != "сеть" {
		t.Errorf("marks %d: %q", marks.Length(), marks.Text())
	}
	if !strings.Contains(res.Body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("stored markup not escaped")
	}
}

// TestSearchPermissionsThroughThePage: other people's proposals and
// inquiries never reach a page, a count or a snippet.
func TestSearchPermissionsThroughThePage(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	other := createUser(t, ts, "other-"+randomToken(3)+"@example.com", "partner", "active")
	// Someone else's private proposal (title "Тестовое предложение", key
	// terms "Secret key terms") and someone else's inquiry.
	fx := newProposalFixture(t, ts, other)
	inq := newInquiryFixture(t, ts, other)
	seedOffers(t, ts)
	// A public proposal whose summary and details are not for visitors.
	staff := createUser(t, ts, "pub-staff@example.com", "staff", "active")
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.CreateProposal(db.ProposalInput{Kind: "assembly", Market: "ru", Visibility: "public", Currency: "RUB",
			Title:   db.L10n{RU: "Открытый проект йота", EN: "Open project iota", FA: "پروژه باز یوتا"},
			Summary: db.L10n{RU: "Сводка каппалямбда", EN: "Summary kappalambda", FA: "خلاصه"}, KeyTerms: "Terms omicronpi", NDAText: testNDA}, staff, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	visitor := ts.newClient()
	investor, _ := loginAs(t, ts, "investor")
	partner, _ := loginAs(t, ts, "partner")
	staffCl, _ := loginAs(t, ts, "staff")
	type want struct {
		group string
		count string // "" when the group is not shown
	}
	cases := []struct {
		name, query string
		leak        string  // a text that must not be on the page unless found
		per         [4]want // visitor, investor, partner, staff
	}{
		{"other's private proposal title", "Тестовое предложение", "Тестовое", [4]want{{"proposals", ""}, {"proposals", ""}, {"proposals", ""}, {"proposals", "1"}}},
		{"other's private key terms", "Secret key terms", "Secret key", [4]want{{"proposals", ""}, {"proposals", ""}, {"proposals", ""}, {"proposals", "1"}}},
		{"public teaser", "йота", "", [4]want{{"proposals", "1"}, {"proposals", "1"}, {"proposals", "1"}, {"proposals", "1"}}},
		{"public summary", "каппалямбда", "каппалямбда", [4]want{{"proposals", ""}, {"proposals", "1"}, {"proposals", "1"}, {"proposals", "1"}}},
		{"public details", "omicronpi", "omicronpi", [4]want{{"proposals", ""}, {"proposals", ""}, {"proposals", ""}, {"proposals", "1"}}},
		{"other's inquiry by reference", inq.ref, inq.ref, [4]want{{"inquiries", ""}, {"inquiries", ""}, {"inquiries", ""}, {"inquiries", "1"}}},
		{"other's inquiry by company", "Волга Моторс", "Волга", [4]want{{"inquiries", ""}, {"inquiries", ""}, {"inquiries", ""}, {"inquiries", "1"}}},
		{"offers for members", "100 000 км", "100 000", [4]want{{"offers", ""}, {"offers", "1"}, {"offers", "1"}, {"offers", "1"}}},
	}
	clients := []*client{visitor, investor, partner, staffCl}
	names := []string{"visitor", "investor", "partner", "staff"}
	for _, c := range cases {
		for i, cl := range clients {
			t.Run(c.name+"/"+names[i], func(t *testing.T) {
				res := cl.get(t, searchURL("ru", c.query))
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				doc := res.doc(t)
				groups := searchGroupsOf(doc)
				g, shown := groups[c.per[i].group]
				if c.per[i].count == "" {
					if shown {
						t.Errorf("group %s shown with %s", c.per[i].group, g.count)
					}
					results := doc.Find("[data-testid=search-results]").Text()
					if c.leak != "" && strings.Contains(results, c.leak) {
						t.Errorf("%q leaks into the results", c.leak)
					}
					return
				}
				if g.count != c.per[i].count {
					t.Errorf("count %q, want %s", g.count, c.per[i].count)
				}
			})
		}
	}
	// Staff open the other's proposal through its staff page.
	doc := staffCl.get(t, searchURL("ru", "Тестовое предложение")).doc(t)
	if href := searchGroupsOf(doc)["proposals"].hrefs; len(href) != 1 || href[0] != fmt.Sprintf("/ru/staff/proposals/%d", fx.id) {
		t.Errorf("staff link %v", href)
	}
	// Visitors reach a public teaser through the list.
	doc = visitor.get(t, searchURL("ru", "йота")).doc(t)
	if href := searchGroupsOf(doc)["proposals"].hrefs; len(href) != 1 || href[0] != "/ru/proposals" {
		t.Errorf("visitor link %v", href)
	}
	// The total on the page counts only what the person may open.
	if got := visitor.get(t, searchURL("ru", "Secret key terms")).doc(t).Find("[data-testid=search-total]").Text(); !strings.Contains(got, "0") {
		t.Errorf("visitor total %q", got)
	}
}

func TestSearchOneGroupPaged(t *testing.T) {
	ts := newTestServer(t)
	doc := ts.get(t, searchURL("ru", "Plus")).doc(t)
	cat := searchGroupsOf(doc)["catalogue"]
	more := doc.Find("[data-group=catalogue] [data-testid=search-more]")
	if cat.count == "" || more.Length() != 1 {
		t.Fatalf("catalogue %+v, more link %d", cat, more.Length())
	}
	href := more.AttrOr("href", "")
	if href != "/ru/search?q=Plus&group=catalogue" {
		t.Errorf("more link %q", href)
	}
	doc = ts.get(t, href).doc(t)
	groups := searchGroupsOf(doc)
	if len(groups) != 1 || groups["catalogue"].count != cat.count || fmt.Sprint(len(groups["catalogue"].titles)) != cat.count {
		t.Errorf("one group page: %+v, want all %s", groups, cat.count)
	}
	if doc.Find("[data-testid=search-all]").AttrOr("href", "") != "/ru/search?q=Plus" {
		t.Error("no way back to all results")
	}
}

func TestSearchIsNotCached(t *testing.T) {
	ts := newTestServer(t)
	first := ts.get(t, searchURL("ru", "Rira"))
	if first.Header.Get("ETag") != "" {
		t.Error("search page has an ETag: it went through the page cache")
	}
	// A model published meanwhile shows at once.
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error { return tx.UnpublishModel(modelIDBySlug(t, ts, "rira"), time.Now()) })
	if err != nil {
		t.Fatal(err)
	}
	if groups := searchGroupsOf(ts.get(t, searchURL("ru", "Rira")).doc(t)); groups["catalogue"].count != "" {
		t.Errorf("unpublished model still found: %+v", groups["catalogue"])
	}
}

func modelIDBySlug(t *testing.T, ts *testServer, slug string) int64 {
	t.Helper()
	var id int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSearchKeptResultsFollowAccess: the results kept as shown are the
// viewer's own and go as soon as what they may find changes: a partner who
// is added to a proposal and accepts its NDA finds its details at once,
// and someone else still does not.
func TestSearchKeptResultsFollowAccess(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	partner, pu := loginAs(t, ts, "partner")
	investor, _ := loginAs(t, ts, "investor")
	fx := newProposalFixture(t, ts)
	count := func(cl *client) string {
		t.Helper()
		res := cl.get(t, searchURL("ru", "Secret key terms"))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		return searchGroupsOf(res.doc(t))["proposals"].count
	}
	if got := count(partner); got != "" {
		t.Fatalf("before taking part: proposals group %q, want none", got)
	}
	if got := count(investor); got != "" {
		t.Fatalf("investor: proposals group %q, want none", got)
	}
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.AddParticipant(fx.id, pu.ID, "Partner Co", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	acceptNDA(t, ts, fx.id, pu.ID)
	if got := count(partner); got != "1" {
		t.Errorf("after the NDA: proposals group %q, want 1", got)
	}
	if got := count(investor); got != "" {
		t.Errorf("investor after another's NDA: proposals group %q, want none", got)
	}
}
