package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// client is a browser-like user of the test server: it keeps cookies and
// reads CSRF tokens from the forms it is shown, as a person's browser would.
type client struct {
	ts      *testServer
	cookies map[string]*http.Cookie
	// ip is the client's address (RemoteAddr), for per-IP limits.
	ip string
}

func (ts *testServer) newClient() *client {
	return &client{ts: ts, cookies: map[string]*http.Cookie{}, ip: "192.0.2.10"}
}

func (cl *client) send(t testing.TB, req *http.Request) response {
	t.Helper()
	req.RemoteAddr = cl.ip + ":40000"
	for _, c := range cl.cookies {
		req.AddCookie(c)
	}
	res := cl.ts.do(t, req)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(cl.cookies, c.Name)
			continue
		}
		cl.cookies[c.Name] = c
	}
	return res
}

// get fetches a page with the client's cookies.
func (cl *client) get(t testing.TB, target string) response {
	t.Helper()
	return cl.send(t, httptest.NewRequest(http.MethodGet, target, nil))
}

// post submits a form with the client's cookies, as is (no token added).
func (cl *client) post(t testing.TB, target string, form url.Values) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.send(t, req)
}

// csrfFrom reads the CSRF token of the form on the page at target.
func (cl *client) csrfFrom(t testing.TB, target string) string {
	t.Helper()
	res := cl.get(t, target)
	tok, ok := res.doc(t).Find(`input[name=csrf]`).First().Attr("value")
	if !ok || tok == "" {
		t.Fatalf("%s (%d): no CSRF token in the page", target, res.StatusCode)
	}
	return tok
}

// submit opens page, reads its CSRF token and posts form to action.
func (cl *client) submit(t testing.TB, page, action string, form url.Values) response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", cl.csrfFrom(t, page))
	return cl.post(t, action, form)
}

// testPassword is a password that passes the rules.
const testPassword = "correct horse battery staple"

// createUser makes an account directly in the store.
func createUser(t testing.TB, ts *testServer, email, role, status string) db.User {
	t.Helper()
	return insertUser(t, ts, db.NewUser{Email: email, FullName: "Test " + role, Company: "Test LLC", Role: role, Status: status, Lang: "en"})
}

// insertUser stores an account with the test password and returns it.
func insertUser(t testing.TB, ts *testServer, nu db.NewUser) db.User {
	t.Helper()
	ctx := context.Background()
	hash, err := ts.hasher.hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	nu.PasswordHash, nu.Now = hash, time.Now()
	var id int64
	err = ts.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.CreateUser(nu)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := ts.store.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// loginAs creates an active account with role and returns a client logged
// in as it, through the login form.
func loginAs(t testing.TB, ts *testServer, role string) (*client, db.User) {
	t.Helper()
	u := createUser(t, ts, role+"-"+randomToken(4)+"@example.com", role, "active")
	cl := ts.newClient()
	res := cl.submit(t, "/en/login", "/en/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %d\n%s", role, res.StatusCode, res.Body)
	}
	return cl, u
}
