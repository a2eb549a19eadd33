package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMemberCatalogue serves the catalogue to a logged-in investor
// through the whole router, for the allocations and CPU per request that
// the load benchmark in cmd/portal measures from outside.
func BenchmarkMemberCatalogue(b *testing.B) {
	ts := newTestServer(b)
	cl, _ := loginAs(b, ts, "investor")
	if res := cl.get(b, "/ru/catalogue"); res.StatusCode != http.StatusOK {
		b.Fatalf("catalogue: %d", res.StatusCode)
	}
	var cookies []*http.Cookie
	for _, c := range cl.cookies {
		cookies = append(cookies, c)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/ru/catalogue", nil)
		req.RemoteAddr = "192.0.2.10:40000"
		req.Header.Set("Accept-Encoding", "gzip")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		ts.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("catalogue: %d", w.Code)
		}
	}
}
