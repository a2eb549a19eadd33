package db

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db/searchtext"
)

// searchFixture is the demo catalogue plus proposals, an offer and
// inquiries with known texts, and the people who may or may not see them.
type searchFixture struct {
	s                          *Store
	people                     proposalPeople
	public, private, members   int64 // proposals
	offer                      int64
	partnerInq, outsiderInq    int64
	rira                       int64 // model id
	visitor, investor, partner Viewer
	outsider, staff            Viewer
	allViewers                 []Viewer
	viewerNames                []string
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	s, p := newProposalsStore(t)
	ctx := context.Background()
	if ok, err := s.LoadDemo(ctx); !ok || err != nil {
		t.Fatalf("demo: %v %v", ok, err)
	}
	f := &searchFixture{s: s, people: p, visitor: Viewer{}, investor: viewerOf(p.investor), partner: viewerOf(p.partner),
		outsider: viewerOf(p.outsider), staff: viewerOf(p.staff)}
	f.allViewers = []Viewer{f.visitor, f.investor, f.partner, f.outsider, f.staff}
	f.viewerNames = []string{"visitor", "investor", "partner", "outsider", "staff"}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	err := s.Tx(ctx, func(tx *Tx) error {
		if err := tx.tx.QueryRowContext(ctx, `SELECT id FROM models WHERE slug = 'rira'`).Scan(&f.rira); err != nil {
			return err
		}
		mk := func(vis string, title, summary L10n, terms string) (int64, error) {
			return tx.CreateProposal(ProposalInput{Kind: "distribution", Title: title, Summary: summary, Market: "ru", Region: "Volga",
				Currency: "RUB", KeyTerms: terms, Visibility: vis, NDAText: "NDA"}, p.staff, now)
		}
		var err error
		if f.public, err = mk("public", L10n{"Дилерская сеть в Поволжье", "Dealer network in the Volga region", "شبکه نمایندگی در ولگا"},
			L10n{"Объём поставок пять тысяч машин", "Deliveries of five thousand cars", "تحویل پنج هزار خودرو"}, "alphaterm price floor"); err != nil {
			return err
		}
		if f.private, err = mk("private", L10n{"Тайный проект бета", "Secret project beta", "پروژه محرمانه بتا"},
			L10n{"Сводка бета", "Beta summary", "خلاصه بتا"}, "gammaterm"); err != nil {
			return err
		}
		if f.members, err = mk("members", L10n{"Клубный проект дельта", "Members project delta", "پروژه اعضا دلتا"},
			L10n{"Сводка дельта", "Delta summary", "خلاصه دلتا"}, "epsilonterm"); err != nil {
			return err
		}
		// The investor takes part in the public proposal and accepted its
		// NDA; the partner takes part in it without accepting, and in the
		// private one with accepting.
		for _, x := range []struct {
			prop   int64
			u      User
			accept bool
		}{{f.public, p.investor, true}, {f.public, p.partner, false}, {f.private, p.partner, true}} {
			if err := tx.AddParticipant(x.prop, x.u.ID, x.u.Company, now); err != nil {
				return err
			}
			if x.accept {
				if err := tx.AcceptNDA(x.prop, x.u.ID, "sha", "127.0.0.1", "test", now); err != nil {
					return err
				}
			}
		}
		if f.offer, err = tx.CreateOffer(OfferInput{ModelID: f.rira, Price: Money{Minor: 250000000, Currency: "RUB"}, MOQ: 10, Incoterm: "DAP",
			Place: "Moscow", LeadDays: 30, ValidFrom: now, ValidUntil: now.AddDate(0, 3, 0),
			Texts: map[string]OfferTexts{"ru": {Warranty: "Гарантия три года"}, "en": {Warranty: "Three-year warranty"}, "fa": {Warranty: "گارانتی سه ساله"}}}, 0, now); err != nil {
			return err
		}
		if err := tx.PublishOffer(f.offer, Frozen{RubMinor: 250000000, Rate: RateRow{Currency: "RUB", Value: "1", Nominal: 1, Date: now, Source: "rub"}}, now); err != nil {
			return err
		}
		inq := func(u User, company, message string, submit bool) (int64, error) {
			id, err := tx.CreateInquiryDraft(u.ID, "", now)
			if err != nil {
				return 0, err
			}
			if err := tx.SaveInquiry(Inquiry{ID: id, Company: company, Country: "RU", INN: "7736207543", ContactName: "Иван Тестов",
				Email: u.Email, Kind: "joint_venture", Message: message, Step: 5}, now); err != nil {
				return 0, err
			}
			if submit {
				if _, _, err := tx.SubmitInquiry(id, u, now); err != nil {
					return 0, err
				}
			}
			return id, nil
		}
		if f.partnerInq, err = inq(p.partner, "ООО Тестовый Импорт", "Сборка кроссоверов в Самаре", true); err != nil {
			return err
		}
		if f.outsiderInq, err = inq(p.outsider, "ООО Чужой Дилер", "Чужое сообщение омега", true); err != nil {
			return err
		}
		_, err = inq(p.outsider, "ООО Черновик", "Черновик сигма", false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *searchFixture) search(t *testing.T, v Viewer, lang, q string) []SearchGroup {
	t.Helper()
	gs, err := f.s.Search(context.Background(), v, SearchParams{Query: searchtext.ParseQuery(q), Lang: lang, Limit: 10})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return gs
}

func group(gs []SearchGroup, name string) SearchGroup {
	for _, g := range gs {
		if g.Name == name {
			return g
		}
	}
	return SearchGroup{Name: name}
}

func TestFTS5IsAvailable(t *testing.T) {
	s := openDemoStore(t)
	var on int
	if err := s.db.Read.QueryRowContext(t.Context(), `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		t.Fatal(err)
	}
	if on != 1 {
		t.Fatal("SQLite is built without FTS5")
	}
	var n int
	if err := s.db.Read.QueryRowContext(t.Context(), `SELECT count(*) FROM search_fts WHERE search_fts MATCH '"x"'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
}

func TestDemoCatalogueIsIndexed(t *testing.T) {
	s := loadDemoStore(t)
	var models, trims int
	if err := s.db.Read.QueryRowContext(t.Context(), `SELECT count(*) FILTER (WHERE kind = 'model'), count(*) FILTER (WHERE kind = 'trim') FROM search_docs`).Scan(&models, &trims); err != nil {
		t.Fatal(err)
	}
	if want := demoCount(t, s, `SELECT count(*) FROM models WHERE status = 'published'`); models != want {
		t.Errorf("%d model documents, want %d", models, want)
	}
	if want := demoCount(t, s, `SELECT count(*) FROM trims WHERE status = 'published'`); trims != want {
		t.Errorf("%d trim documents, want %d", trims, want)
	}
	if n := demoCount(t, s, `SELECT rebuild FROM search_state`); n != 0 {
		t.Errorf("rebuild flag %d after loading", n)
	}
}

// TestSearchRelevance is the relevance table: a query in a page language
// and the paths of the first results of the catalogue group.
func TestSearchRelevance(t *testing.T) {
	f := newSearchFixture(t)
	cases := []struct {
		name, lang, query string
		group             string
		first             []string
	}{
		{"russian plural finds the singular", "ru", "кроссоверы", "catalogue", []string{"/models/rira"}},
		{"russian case form", "ru", "кроссовера ", "catalogue", []string{"/models/rira"}},
		{"cyrillic name finds the latin one", "ru", "Рира", "catalogue", []string{"/models/rira", "/models/rira#trims-title"}},
		{"latin name in persian page", "fa", "rira ", "catalogue", []string{"/models/rira"}},
		{"name in another case", "ru", "Риры ", "catalogue", []string{"/models/rira"}},
		{"samand in cyrillic", "ru", "Саманд ", "catalogue", []string{"/models/samand"}},
		{"english plural", "en", "crossovers", "catalogue", []string{"/models/rira"}},
		{"english hatchback", "en", "hatchback ", "catalogue", []string{"/models/runna-plus"}},
		{"trim name", "ru", "Элит ", "catalogue", []string{"/models/rira#trims-title"}},
		{"ё written as е", "ru", "объем поставок", "proposals", []string{fmt.Sprintf("/proposals/%d", f.public)}},
		{"persian name", "fa", "ریرا", "catalogue", []string{"/models/rira"}},
		{"persian name with arabic ye", "fa", "ريرا ", "catalogue", []string{"/models/rira"}},
		{"persian with arabic kaf", "fa", "كراس ", "catalogue", []string{"/models/rira"}},
		{"persian zwnj word typed joined", "fa", "کراساوور ", "catalogue", []string{"/models/rira"}},
		{"persian zwnj word typed with zwnj", "fa", "کراس\u200cاوور ", "catalogue", []string{"/models/rira"}},
		{"persian digits", "fa", "شبکه نمایندگی ", "proposals", []string{fmt.Sprintf("/proposals/%d", f.public)}},
		// A last word with no space after it is still being typed: what
		// is not yet a whole indexed term is matched as a word's start,
		// and a whole term exactly (its endings come from the stemmer).
		{"word being typed", "ru", "кросс", "catalogue", []string{"/models/rira"}},
		{"latin word being typed", "en", "hatchb", "catalogue", []string{"/models/runna-plus"}},
		{"whole word with no space after it", "en", "hatchback", "catalogue", []string{"/models/runna-plus"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := group(f.search(t, f.staff, c.lang, c.query), c.group)
			if len(g.Hits) < len(c.first) {
				t.Fatalf("%d hits in %s, want at least %d", len(g.Hits), c.group, len(c.first))
			}
			for i, want := range c.first {
				if g.Hits[i].Path != want {
					t.Errorf("hit %d is %s (%s), want %s", i, g.Hits[i].Path, g.Hits[i].Title.RU, want)
				}
			}
		})
	}
}

// TestSearchPageLanguageFirst: a text in the page's language outranks
// the same word in another language.
func TestSearchPageLanguageFirst(t *testing.T) {
	s := openDemoStore(t)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.CreateProposal(ProposalInput{Kind: "distribution", Title: L10n{"Проект один", "Kappa project", "پروژه یک"},
			Market: "ru", Currency: "RUB", Visibility: "public"}, User{}, time.Now())
		if err != nil {
			return err
		}
		_, err = tx.CreateProposal(ProposalInput{Kind: "distribution", Title: L10n{"Проект каппа", "Project two", "پروژه دو"},
			Market: "ru", Currency: "RUB", Visibility: "public"}, User{}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, query, first string }{{"en", "kappa ", "Kappa project"}, {"ru", "каппа ", "Проект каппа"}} {
		g := group(mustSearch(t, s, Viewer{}, c.lang, c.query), "proposals")
		if len(g.Hits) == 0 || g.Hits[0].Title.In(c.lang).Value != c.first {
			t.Errorf("%s %q: hits %+v, want %q first", c.lang, c.query, g.Hits, c.first)
		}
	}
}

func mustSearch(t *testing.T, s *Store, v Viewer, lang, q string) []SearchGroup {
	t.Helper()
	gs, err := s.Search(context.Background(), v, SearchParams{Query: searchtext.ParseQuery(q), Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// TestSearchPermissions: nobody finds, counts or sees in snippets what
// they could not open. Each case lists, per viewer (visitor, investor,
// partner, outsider, staff), the count of the group and the level of
// the proposal found.
func TestSearchPermissions(t *testing.T) {
	f := newSearchFixture(t)
	type want struct {
		count int
		level int // for proposals: the level the hit shows
	}
	cases := []struct {
		name, query, group string
		per                [5]want
	}{
		// The public proposal's title: everyone; the level is the most
		// each may see.
		{"public teaser", "Поволжье ", "proposals", [5]want{{1, 0}, {1, 2}, {1, 1}, {1, 1}, {1, 2}}},
		// Its summary: approved members only.
		{"public summary", "поставок ", "proposals", [5]want{{0, 0}, {1, 2}, {1, 1}, {1, 1}, {1, 2}}},
		// Its key terms: participants past the NDA, and staff.
		{"public details", "alphaterm ", "proposals", [5]want{{0, 0}, {1, 2}, {0, 0}, {0, 0}, {1, 2}}},
		// The private proposal: its participant and staff only.
		{"private title", "бета ", "proposals", [5]want{{0, 0}, {0, 0}, {1, 2}, {0, 0}, {1, 2}}},
		{"private details", "gammaterm ", "proposals", [5]want{{0, 0}, {0, 0}, {1, 2}, {0, 0}, {1, 2}}},
		// Members-only: not for visitors; its details only for staff.
		{"members title", "дельта ", "proposals", [5]want{{0, 0}, {1, 1}, {1, 1}, {1, 1}, {1, 2}}},
		{"members details", "epsilonterm ", "proposals", [5]want{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 2}}},
		// Offers: approved members.
		{"offer", "гарантия ", "offers", [5]want{{0, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}}},
		// Inquiries: staff only, even the partner's own; drafts never.
		{"own inquiry", "Тестовый ", "inquiries", [5]want{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}}},
		{"other's inquiry", "омега ", "inquiries", [5]want{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}}},
		{"draft inquiry", "сигма ", "inquiries", [5]want{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}},
	}
	for _, c := range cases {
		for i, v := range f.allViewers {
			t.Run(c.name+"/"+f.viewerNames[i], func(t *testing.T) {
				gs := f.search(t, v, "ru", c.query)
				g := group(gs, c.group)
				if g.Count != c.per[i].count || len(g.Hits) != c.per[i].count {
					t.Fatalf("count %d, %d hits, want %d", g.Count, len(g.Hits), c.per[i].count)
				}
				for _, other := range gs {
					if other.Count == 0 || len(other.Hits) == 0 {
						t.Errorf("group %s listed with count %d and %d hits", other.Name, other.Count, len(other.Hits))
					}
				}
				if g.Count == 0 {
					return
				}
				h := g.Hits[0]
				if h.Level != c.per[i].level {
					t.Errorf("level %d, want %d", h.Level, c.per[i].level)
				}
				// What a level may not show is not in the hit at all.
				if h.Kind == "proposal" {
					if h.Level < levelSummary && (h.Body != L10n{}) {
						t.Errorf("teaser hit carries a summary: %+v", h.Body)
					}
					if h.Level < levelDetails && h.Extra != "" {
						t.Errorf("hit below details carries details: %q", h.Extra)
					}
					if h.Opens != (v.Staff() || i == 1 && h.RefID == f.public || i == 2 && (h.RefID == f.public || h.RefID == f.private)) {
						t.Errorf("opens %v", h.Opens)
					}
				}
			})
		}
	}
	// Visitors see no group beyond proposals; members none beyond offers.
	for i, v := range f.allViewers {
		for _, g := range f.search(t, v, "ru", "Rira ") {
			if (g.Name == "offers" && !v.Member()) || (g.Name == "inquiries" && !v.Staff()) {
				t.Errorf("%s sees group %s", f.viewerNames[i], g.Name)
			}
		}
	}
}

// TestSearchAccessFollowsChanges: participation and NDA are read when
// searching, so a change shows at once without touching the index.
func TestSearchAccessFollowsChanges(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	if g := group(f.search(t, f.outsider, "ru", "gammaterm "), "proposals"); g.Count != 0 {
		t.Fatalf("outsider finds the private proposal before taking part: %d", g.Count)
	}
	now := time.Now()
	if err := f.s.Tx(ctx, func(tx *Tx) error { return tx.AddParticipant(f.private, f.people.outsider.ID, "Out", now) }); err != nil {
		t.Fatal(err)
	}
	if g := group(f.search(t, f.outsider, "ru", "gammaterm "), "proposals"); g.Count != 0 {
		t.Errorf("details found before the NDA: %d", g.Count)
	}
	if g := group(f.search(t, f.outsider, "ru", "бета "), "proposals"); g.Count != 1 || g.Hits[0].Level != levelSummary {
		t.Errorf("participant without NDA: %+v", g)
	}
	if err := f.s.Tx(ctx, func(tx *Tx) error { return tx.AcceptNDA(f.private, f.people.outsider.ID, "sha", "", "", now) }); err != nil {
		t.Fatal(err)
	}
	if g := group(f.search(t, f.outsider, "ru", "gammaterm "), "proposals"); g.Count != 1 {
		t.Errorf("details not found after the NDA: %d", g.Count)
	}
	// A new NDA text closes the details again.
	err := f.s.Tx(ctx, func(tx *Tx) error {
		p, err := tx.ProposalByID(f.private)
		if err != nil {
			return err
		}
		return tx.UpdateProposal(p.ID, p.Version, ProposalInput{Kind: p.Kind, Title: p.Title, Summary: p.Summary, Market: p.Market,
			Currency: p.Currency, KeyTerms: "gammaterm zetaterm", Visibility: p.Visibility, NDAText: "A new NDA"}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := group(f.search(t, f.outsider, "ru", "zetaterm "), "proposals"); g.Count != 0 {
		t.Errorf("details found under a new NDA text: %d", g.Count)
	}
	if g := group(f.search(t, f.staff, "ru", "zetaterm "), "proposals"); g.Count != 1 {
		t.Errorf("edited key terms not indexed: %d", g.Count)
	}
	if err := f.s.Tx(ctx, func(tx *Tx) error { return tx.RemoveParticipant(f.private, f.people.outsider.ID) }); err != nil {
		t.Fatal(err)
	}
	if g := group(f.search(t, f.outsider, "ru", "бета "), "proposals"); g.Count != 0 {
		t.Errorf("found after leaving: %d", g.Count)
	}
}

// indexSnapshot is the whole index as text: every document row and every
// term instance of the FTS index.
func indexSnapshot(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, kind, ref_id, level, path, sub, title_ru, title_en, title_fa, body_ru, body_en, body_fa, extra
		FROM search_docs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, 13)
		ptrs := make([]any, 13)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	rows.Close()
	if _, err := s.db.Write.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, instance)`); err != nil {
		t.Fatal(err)
	}
	rows, err = s.db.Write.QueryContext(ctx, `SELECT term, doc, col, offset FROM temp.search_vocab ORDER BY doc, col, offset`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var term, col string
		var doc, off int64
		if err := rows.Scan(&term, &doc, &col, &off); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, doc, col, off, term)
	}
	return b.String()
}

// TestSearchIndexMatchesRebuild: after changes through every write path,
// the index kept in the transactions equals one made from scratch.
func TestSearchIndexMatchesRebuild(t *testing.T) {
	f := newSearchFixture(t)
	s := f.s
	ctx := context.Background()
	now := time.Now()
	steps := []func(tx *Tx) error{
		func(tx *Tx) error { return tx.UnpublishModel(f.rira, now) },
		func(tx *Tx) error { return tx.ArchiveOffer(f.offer, now) },
		func(tx *Tx) error {
			id, err := tx.CreateModel(newSnapshot("novelty"), pubStaff, now)
			if err != nil {
				return err
			}
			return tx.PublishModel(id, now)
		},
		func(tx *Tx) error {
			p, err := tx.ProposalByID(f.public)
			if err != nil {
				return err
			}
			_, err = tx.MoveStage(StageMove{ProposalID: p.ID, FromStage: p.Stage, Version: p.Version, ToStage: "qualification",
				NextStep: "Визит на площадку", SetNextSteps: true, Actor: f.people.staff, At: now})
			return err
		},
		func(tx *Tx) error { return tx.DeclineInquiry(f.outsiderInq, "Причина отказа", now) },
	}
	for i, step := range steps {
		if err := s.Tx(ctx, step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if g := group(f.search(t, f.staff, "ru", "кроссоверы "), "catalogue"); len(g.Hits) != 1 || g.Hits[0].Path != "/models/novelty" {
		t.Errorf("after unpublishing Rira and publishing Novelty: %+v", g.Hits)
	}
	if g := group(f.search(t, f.investor, "ru", "гарантия "), "offers"); g.Count != 0 {
		t.Errorf("archived offer found: %d", g.Count)
	}
	if g := group(f.search(t, f.staff, "ru", "площадку "), "proposals"); g.Count != 1 {
		t.Errorf("next step not indexed: %d", g.Count)
	}
	before := indexSnapshot(t, s)
	if err := s.RebuildSearch(ctx); err != nil {
		t.Fatal(err)
	}
	after := indexSnapshot(t, s)
	if before != after {
		t.Errorf("index kept in transactions differs from a rebuild:\n%s", firstDiff(before, after))
	}
	if !strings.Contains(after, "novelty") {
		t.Error("snapshot misses the new model")
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n kept:    %s\n rebuilt: %s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}

func TestSearchBadQueries(t *testing.T) {
	f := newSearchFixture(t)
	for _, q := range []string{"", "   ", `"`, `"*():-^`, "NEAR(rira tara)", "rira AND tara OR NOT dena", `title:rira`, "rira*", "\xff\xfe",
		strings.Repeat("кроссовер ", 1024), strings.Repeat(`"(`, 3000)} {
		gs, err := f.s.Search(context.Background(), f.staff, SearchParams{Query: searchtext.ParseQuery(q), Lang: "ru"})
		if err != nil {
			t.Errorf("%.40q: %v", q, err)
		}
		_ = gs
	}
	if gs := f.search(t, f.staff, "ru", `"*():-^`); gs != nil {
		t.Errorf("only punctuation found %+v", gs)
	}
	if g := group(f.search(t, f.staff, "ru", "NEAR(rira tara)"), "catalogue"); g.Count != 0 {
		t.Errorf("NEAR read as syntax: %d found", g.Count)
	}
}

func TestSearchPagesOneGroup(t *testing.T) {
	f := newSearchFixture(t)
	all := group(f.search(t, f.staff, "ru", "Rira "), "catalogue")
	if all.Count < 4 {
		t.Fatalf("catalogue count %d", all.Count)
	}
	var paged []SearchHit
	for off := 0; off < all.Count; off += 2 {
		gs, err := f.s.Search(context.Background(), f.staff, SearchParams{Query: searchtext.ParseQuery("Rira "), Lang: "ru", Group: "catalogue", Offset: off, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 1 || gs[0].Name != "catalogue" || gs[0].Count != all.Count {
			t.Fatalf("page at %d: %+v", off, gs)
		}
		paged = append(paged, gs[0].Hits...)
	}
	full, err := f.s.Search(context.Background(), f.staff, SearchParams{Query: searchtext.ParseQuery("Rira "), Lang: "ru", Group: "catalogue", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(paged, full[0].Hits) {
		t.Errorf("pages differ from the whole list")
	}
	if gs, _ := f.s.Search(context.Background(), f.visitor, SearchParams{Query: searchtext.ParseQuery("Тестовый "), Lang: "ru", Group: "inquiries"}); gs != nil {
		t.Errorf("visitor pages inquiries: %+v", gs)
	}
}
