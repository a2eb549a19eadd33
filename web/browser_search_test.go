package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ikco/partner-portal/db"
)

// searchFromHeader types a query into the header's search box of the
// current page and submits it with Enter, as a person would.
func searchFromHeader(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx,
		chromedp.Focus(chromedp.CSS("#site-search-q")),
		chromedp.SendKeys(chromedp.CSS("#site-search-q"), query+kb.Enter))
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	if res == nil || res.Status != 200 {
		t.Fatalf("search %q: response %+v", query, res)
	}
}

// TestBrowserSearch: a person types in the header's box on the home page
// and gets results grouped by kind with the found words marked, in
// Russian, English and Persian (right to left), for a visitor and for
// staff, who see inquiries too; on a phone the page does not scroll
// sideways. axe checks each page; screenshots go to testout/.
func TestBrowserSearch(t *testing.T) {
	ts := newTestServer(t)
	staff := createUser(t, ts, "search-staff@example.com", "staff", "active")
	partner := createUser(t, ts, "search-partner@example.com", "partner", "active")
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		if _, err := tx.CreateProposal(db.ProposalInput{Kind: "distribution", Market: "ru", Visibility: "public", Currency: "RUB",
			Title:   db.L10n{RU: "Дистрибуция кроссовера Rira в Поволжье", EN: "Rira crossover distribution in the Volga region", FA: "توزیع کراس\u200cاوور ریرا در منطقه ولگا"},
			Summary: db.L10n{RU: "Дилерская сеть из 20 центров", EN: "A network of 20 dealerships", FA: "شبکه ۲۰ نمایندگی"}}, staff, time.Now()); err != nil {
			return err
		}
		id, err := tx.CreateInquiryDraft(partner.ID, "", time.Now())
		if err != nil {
			return err
		}
		q := validInquiry()
		q.ID, q.Message = id, "Хотим собирать кроссоверы Rira в Тольятти."
		if err := tx.SaveInquiry(q, time.Now()); err != nil {
			return err
		}
		_, _, err = tx.SubmitInquiry(id, partner, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, base := newBrowserFor(t, ts)

	cases := []struct {
		lang, query string
		groups      []string
	}{
		{"ru", "кроссоверы", []string{"catalogue", "proposals"}},
		{"en", "Rira crossover", []string{"catalogue", "proposals"}},
		{"fa", "ريرا", []string{"catalogue", "proposals"}},
	}
	check := func(t *testing.T, lang, query string, groups []string, shot string) {
		t.Helper()
		loc := location(t, ctx)
		if want := base + "/" + lang + "/search?q=" + url.QueryEscape(query); loc != want {
			t.Errorf("at %s, want %s", loc, want)
		}
		got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('[data-testid=search-group]'), g => g.dataset.group)`)
		if strings.Join(got, " ") != strings.Join(groups, " ") {
			t.Errorf("groups %v, want %v", got, groups)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=search-hit] mark').length`); n == 0 {
			t.Error("no found word marked")
		}
		if dir := eval[string](t, ctx, `document.documentElement.dir`); (lang == "fa") != (dir == "rtl") {
			t.Errorf("dir %q in %s", dir, lang)
		}
		runAxe(t, ctx, shot)
		screenshot(t, ctx, shot)
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			visit(t, ctx, base+"/"+c.lang+"/", 200)
			searchFromHeader(t, ctx, c.query)
			check(t, c.lang, c.query, c.groups, "search-"+c.lang)
		})
	}

	// Staff find the inquiry too; the page in the dark.
	browserLogin(t, ctx, base, staff.Email)
	visit(t, ctx, base+"/ru/catalogue", 200)
	searchFromHeader(t, ctx, "кроссоверы")
	check(t, "ru", "кроссоверы", []string{"catalogue", "proposals", "inquiries"}, "search-ru-staff")

	// On a phone, in Persian, the header box and the results fit.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, base+"/fa/", 200)
	searchFromHeader(t, ctx, "ريرا")
	if sw := eval[int](t, ctx, `document.documentElement.scrollWidth`); sw > 360 {
		t.Errorf("search page at 360px is %dpx wide, scrolls sideways", sw)
	}
	if w := eval[float64](t, ctx, `document.querySelector('#site-search-q').getBoundingClientRect().width`); w < 200 {
		t.Errorf("header search box %.0fpx wide on a phone", w)
	}
	runAxe(t, ctx, "search-fa-narrow")
	screenshot(t, ctx, "search-fa-narrow")
}
