package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzPublicQueries throws arbitrary query strings at the public pages:
// whatever comes, the answer is a page, a redirect, 400 or 404, never a
// server error, and nothing typed comes back unescaped.
func FuzzPublicQueries(f *testing.F) {
	for _, seed := range []string{
		"body=sedan&fuel=petrol&sort=price_asc&page=2",
		"trims=1,2,3&diff=1",
		"trims=-1&trims=%ff",
		"page=99999999999999999999",
		"sort=%3Cscript%3E",
		"a=%zz",
		"seats=5&seats=7",
		strings.Repeat("x=1&", 300),
	} {
		f.Add("/en/catalogue", seed)
		f.Add("/fa/compare", seed)
	}
	ts := newTestServer(f)
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") {
			return
		}
		req, err := http.NewRequest(http.MethodGet, "http://portal.test"+path+"?"+query, nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s?%s: %d", path, query, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "<script>") {
			t.Fatalf("%s?%s: unescaped script in the answer", path, query)
		}
	})
}

// FuzzOfferQueries throws arbitrary query strings at the offers list, its
// archive and its export as a logged-in investor: never a server error,
// nothing typed comes back unescaped.
func FuzzOfferQueries(f *testing.F) {
	for _, seed := range []string{
		"model=rira&body=crossover&incoterm=DAP&valid=1&min=1000000&max=2000000&cur=USD&page=2",
		"min=1+800+000,50&max=abc",
		"min=99999999999999999999&cur=IRR",
		"max=-1&min=%ff",
		"cur=XYZ&incoterm=%3Cscript%3E",
		"scope=archive&cur=USD",
		"page=99999999999999999999",
	} {
		f.Add("/en/offers", seed)
		f.Add("/ru/offers.csv", seed)
		f.Add("/fa/offers/archive", seed)
	}
	ts := newTestServer(f)
	seedOffers(f, ts)
	inv, _ := loginAs(f, ts, "investor")
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") {
			return
		}
		req, err := http.NewRequest(http.MethodGet, "http://portal.test"+path+"?"+query, nil)
		if err != nil {
			return
		}
		res := inv.send(t, req)
		if res.StatusCode >= 500 {
			t.Fatalf("%s?%s: %d", path, query, res.StatusCode)
		}
		if strings.Contains(res.Body, "<script>") {
			t.Fatalf("%s?%s: unescaped script in the answer", path, query)
		}
	})
}
