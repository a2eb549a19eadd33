package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

// Outcomes in the role × route table.
const (
	ok      = http.StatusOK
	nf      = http.StatusNotFound
	denied  = http.StatusForbidden
	toLogin = -1 // a visitor is sent to the login page
	toAcct  = -2 // a logged-in person is sent to their account
	pass    = -3 // a POST passes the guard and reaches its handler (which may refuse the empty form)
	gone    = -4 // 400: a one-time link without its token
)

// access is what each role gets on a route.
type expect struct{ visitor, investor, partner, staff, admin int }

// routeMatrix is every route of the portal and what each role gets there.
// Paths with :id name another person's object. A route missing here fails
// TestRoleRouteMatrix, so every new route states who may use it.
var routeMatrix = map[string]expect{
	"GET /":             {ok, ok, ok, ok, ok},
	"GET /catalogue":    {ok, ok, ok, ok, ok},
	"GET /models/:slug": {ok, ok, ok, ok, ok},
	"GET /compare":      {ok, ok, ok, ok, ok},

	"GET /register":      {ok, toAcct, toAcct, toAcct, toAcct},
	"POST /register":     {pass, denied, denied, denied, denied},
	"GET /register/sent": {ok, ok, ok, ok, ok},
	"GET /confirm":       {gone, gone, gone, gone, gone},
	"POST /confirm":      {gone, gone, gone, gone, gone},
	"GET /login":         {ok, toAcct, toAcct, toAcct, toAcct},
	"POST /login":        {pass, denied, denied, denied, denied},
	"POST /logout":       {denied, pass, pass, pass, pass},

	"GET /password/forgot":  {ok, toAcct, toAcct, toAcct, toAcct},
	"POST /password/forgot": {pass, denied, denied, denied, denied},
	"GET /password/reset":   {gone, gone, gone, gone, gone},
	"POST /password/reset":  {gone, gone, gone, gone, gone},

	"GET /account":           {toLogin, ok, ok, ok, ok},
	"POST /account/password": {denied, pass, pass, pass, pass},
	"POST /account/language": {denied, pass, pass, pass, pass},
	// With no session named, there is no session of yours to end: 404.
	"POST /account/sessions/end":        {denied, nf, nf, nf, nf},
	"POST /account/sessions/end-others": {denied, pass, pass, pass, pass},

	"GET /staff/registrations":              {nf, nf, nf, ok, ok},
	"POST /staff/registrations/:id/approve": {nf, nf, nf, pass, pass},
	"POST /staff/registrations/:id/reject":  {nf, nf, nf, pass, pass},

	"GET /news":      {ok, ok, ok, ok, ok},
	"GET /news.atom": {ok, ok, ok, ok, ok},

	"GET /staff/catalogue":                {nf, nf, nf, ok, ok},
	"GET /staff/catalogue/new":            {nf, nf, nf, ok, ok},
	"POST /staff/catalogue/new":           {nf, nf, nf, pass, pass},
	"GET /staff/catalogue/:id":            {nf, nf, nf, ok, ok},
	"POST /staff/catalogue/:id":           {nf, nf, nf, pass, pass},
	"GET /staff/catalogue/:id/preview":    {nf, nf, nf, ok, ok},
	"POST /staff/catalogue/:id/publish":   {nf, nf, nf, pass, pass},
	"POST /staff/catalogue/:id/unpublish": {nf, nf, nf, pass, pass},
	"POST /staff/catalogue/:id/archive":   {nf, nf, nf, pass, pass},
	"POST /staff/catalogue/:id/schedule":  {nf, nf, nf, pass, pass},
	"GET /staff/catalogue/:id/revisions":  {nf, nf, nf, ok, ok},
	"GET /staff/catalogue/:id/diff":       {nf, nf, nf, ok, ok},
	"POST /staff/catalogue/:id/restore":   {nf, nf, nf, pass, pass},
	"GET /staff/translations":             {nf, nf, nf, ok, ok},
	"GET /staff/specs":                    {nf, nf, nf, ok, ok},
	"GET /staff/specs/groups/new":         {nf, nf, nf, ok, ok},
	"POST /staff/specs/groups/new":        {nf, nf, nf, pass, pass},
	"GET /staff/specs/groups/:id":         {nf, nf, nf, ok, ok},
	"POST /staff/specs/groups/:id":        {nf, nf, nf, pass, pass},
	"GET /staff/specs/items/new":          {nf, nf, nf, ok, ok},
	"POST /staff/specs/items/new":         {nf, nf, nf, pass, pass},
	"GET /staff/specs/items/:id":          {nf, nf, nf, ok, ok},
	"POST /staff/specs/items/:id":         {nf, nf, nf, pass, pass},
	"GET /staff/media":                    {nf, nf, nf, ok, ok},
	"POST /staff/media":                   {nf, nf, nf, pass, pass},
	"POST /staff/media/:id/delete":        {nf, nf, nf, pass, pass},
	"POST /staff/media/:id/replace":       {nf, nf, nf, pass, pass},
	// Publishing: deleting specification groups and items asks first (a
	// POST without the version it confirms is refused, 400); restoring
	// a deletion twice is done, not refused.
	"GET /staff/specs/groups/:id/delete":      {nf, nf, nf, ok, ok},
	"POST /staff/specs/groups/:id/delete":     {nf, nf, nf, pass, pass},
	"GET /staff/specs/items/:id/delete":       {nf, nf, nf, ok, ok},
	"POST /staff/specs/items/:id/delete":      {nf, nf, nf, pass, pass},
	"POST /staff/specs/deletions/:id/restore": {nf, nf, nf, pass, pass},

	// Offers: a visitor learns only that offers exist (GET /offers shows
	// a teaser); every other offer route sends them to log in or refuses.
	"GET /offers":                           {ok, ok, ok, ok, ok},
	"GET /offers/archive":                   {toLogin, ok, ok, ok, ok},
	"GET /offers.csv":                       {toLogin, ok, ok, ok, ok},
	"POST /offers/currency":                 {denied, pass, pass, pass, pass},
	"GET /offers/:id":                       {toLogin, ok, ok, ok, ok},
	"POST /offers/:id/follow":               {denied, pass, pass, pass, pass},
	"POST /offers/:id/unfollow":             {denied, pass, pass, pass, pass},
	"POST /offers/:id/interest":             {denied, pass, pass, pass, pass},
	"GET /staff/offers":                     {nf, nf, nf, ok, ok},
	"GET /staff/offers/new":                 {nf, nf, nf, ok, ok},
	"POST /staff/offers/new":                {nf, nf, nf, pass, pass},
	"GET /staff/offers/requests":            {nf, nf, nf, ok, ok},
	"POST /staff/offers/requests/:id/reply": {nf, nf, nf, pass, pass},
	"GET /staff/offers/:id":                 {nf, nf, nf, ok, ok},
	"POST /staff/offers/:id":                {nf, nf, nf, pass, pass},
	"POST /staff/offers/:id/publish":        {nf, nf, nf, pass, pass},
	"POST /staff/offers/:id/archive":        {nf, nf, nf, pass, pass},
	"POST /staff/offers/:id/delete":         {nf, nf, nf, pass, pass},
	"GET /staff/rates":                      {nf, nf, nf, ok, ok},
	"POST /staff/rates":                     {nf, nf, nf, pass, pass},
	"POST /staff/rates/import":              {nf, nf, nf, pass, pass},
	// Offer versions: :id is the draft, whose copy is another draft.
	"POST /staff/offers/:id/copy": {nf, nf, nf, pass, pass},

	"GET /admin/users":              {nf, nf, nf, nf, ok},
	"GET /admin/users/new":          {nf, nf, nf, nf, ok},
	"POST /admin/users/new":         {nf, nf, nf, nf, pass},
	"GET /admin/users/:id":          {nf, nf, nf, nf, ok},
	"POST /admin/users/:id/approve": {nf, nf, nf, nf, pass},
	"POST /admin/users/:id/reject":  {nf, nf, nf, nf, pass},
	"POST /admin/users/:id/disable": {nf, nf, nf, nf, pass},
	"POST /admin/users/:id/enable":  {nf, nf, nf, nf, pass},
	"POST /admin/users/:id/role":    {nf, nf, nf, nf, pass},
	"GET /admin/audit":              {nf, nf, nf, nf, ok},
	"GET /admin/mail":               {nf, nf, nf, nf, ok},
	"GET /admin/mail/:id":           {nf, nf, nf, nf, ok},

	// Proposals: :id is a proposal the investor and partner of the table
	// do not take part in, so every one of its routes is a 404 for them.
	// TestProposalRoutesForParticipants covers the participants.
	"GET /proposals":                        {ok, ok, ok, ok, ok},
	"GET /proposals/history-verification":   {ok, ok, ok, ok, ok},
	"GET /proposals/:id":                    {toLogin, nf, nf, ok, ok},
	"POST /proposals/:id/nda":               {denied, nf, nf, nf, nf},
	"GET /proposals/:id/history":            {toLogin, nf, nf, ok, ok},
	"GET /proposals/:id/history.json":       {toLogin, nf, nf, ok, ok},
	"POST /proposals/:id/questions":         {denied, nf, nf, nf, nf},
	"GET /proposals/:id/documents/:doc":     {toLogin, nf, nf, ok, ok},
	"GET /proposals/:id/feed.atom":          {nf, nf, nf, nf, nf},
	"POST /proposals/:id/feed-token":        {denied, nf, nf, nf, nf},
	"POST /proposals/:id/feed-token/revoke": {denied, nf, nf, nf, nf},
	"GET /notifications":                    {toLogin, ok, ok, ok, ok},
	"POST /notifications/read":              {denied, pass, pass, pass, pass},
	"POST /notifications/preference":        {denied, pass, pass, pass, pass},

	"GET /staff/proposals":                               {nf, nf, nf, ok, ok},
	"GET /staff/proposals/new":                           {nf, nf, nf, ok, ok},
	"POST /staff/proposals/new":                          {nf, nf, nf, pass, pass},
	"GET /staff/proposals/:id":                           {nf, nf, nf, ok, ok},
	"GET /staff/proposals/:id/edit":                      {nf, nf, nf, ok, ok},
	"POST /staff/proposals/:id/edit":                     {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/stage":                    {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/notes":                    {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/participants":             {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/participants/:uid/remove": {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/documents":                {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/questions/:qid/answer":    {nf, nf, nf, pass, pass},
	"GET /staff/proposals/:id/verify":                    {nf, nf, nf, ok, ok},
	"GET /staff/pipeline":                                {nf, nf, nf, ok, ok},
	// Proposal documents: :doc is the other proposal's document; an empty
	// replace is refused with a message and a delete without confirm=1
	// only asks, so both reach the handler and change nothing.
	"POST /staff/proposals/:id/documents/:doc/replace": {nf, nf, nf, pass, pass},
	"POST /staff/proposals/:id/documents/:doc/delete":  {nf, nf, nf, pass, pass},

	// Inquiries: :id is another partner's submitted inquiry, so its
	// partner routes are a 404 for everyone, staff included (staff use
	// the inbox); partners' routes are a 404 for visitors too, as the
	// policy's partners level answers. A visitor may start an inquiry
	// (kept with the session).
	"GET /inquiries":                              {nf, nf, ok, ok, ok},
	"GET /inquiries/new":                          {ok, nf, ok, ok, ok},
	"POST /inquiries/new":                         {pass, nf, pass, pass, pass},
	"GET /inquiries/:id":                          {nf, nf, nf, nf, nf},
	"GET /inquiries/:id/edit":                     {nf, nf, nf, nf, nf},
	"POST /inquiries/:id/edit":                    {nf, nf, nf, nf, nf},
	"POST /inquiries/:id/submit":                  {nf, nf, nf, nf, nf},
	"GET /inquiries/:id/done":                     {nf, nf, nf, nf, nf},
	"POST /inquiries/:id/messages":                {nf, nf, nf, nf, nf},
	"POST /inquiries/:id/attachments":             {nf, nf, nf, nf, nf},
	"GET /inquiries/:id/attachments/:att":         {nf, nf, nf, nf, nf},
	"POST /inquiries/:id/attachments/:att/delete": {nf, nf, nf, nf, nf},
	"GET /staff/inquiries":                        {nf, nf, nf, ok, ok},
	"GET /staff/inquiries.csv":                    {nf, nf, nf, ok, ok},
	"GET /staff/inquiries/:id":                    {nf, nf, nf, ok, ok},
	"GET /staff/inquiries/:id/attachments/:att":   {nf, nf, nf, ok, ok},
	"POST /staff/inquiries/:id/assign":            {nf, nf, nf, pass, pass},
	"POST /staff/inquiries/:id/review":            {nf, nf, nf, pass, pass},
	"POST /staff/inquiries/:id/reply":             {nf, nf, nf, pass, pass},
	"POST /staff/inquiries/:id/ask":               {nf, nf, nf, pass, pass},
	"POST /staff/inquiries/:id/accept":            {nf, nf, nf, pass, pass},
	"POST /staff/inquiries/:id/decline":           {nf, nf, nf, pass, pass},

	// Search: anyone; what each finds is checked in search_test.go.
	"GET /search": {ok, ok, ok, ok, ok},
	// Export dashboard: members read it; the shipment records are staff's.
	// :id is a shipment record; deleting asks first, so every role meets it.
	"GET /dashboard":                       {toLogin, ok, ok, ok, ok},
	"GET /dashboard.csv":                   {toLogin, ok, ok, ok, ok},
	"GET /staff/shipments":                 {nf, nf, nf, ok, ok},
	"POST /staff/shipments":                {nf, nf, nf, pass, pass},
	"POST /staff/shipments/markets":        {nf, nf, nf, pass, pass},
	"POST /staff/shipments/import":         {nf, nf, nf, pass, pass},
	"POST /staff/shipments/import/confirm": {nf, nf, nf, pass, pass},
	"GET /staff/shipments/:id":             {nf, nf, nf, ok, ok},
	"POST /staff/shipments/:id":            {nf, nf, nf, pass, pass},
	"POST /staff/shipments/:id/delete":     {nf, nf, nf, pass, pass},
}

var matrixRoles = []string{"visitor", "investor", "partner", "staff", "admin"}

func (e expect) of(role string) int {
	switch role {
	case "investor":
		return e.investor
	case "partner":
		return e.partner
	case "staff":
		return e.staff
	case "admin":
		return e.admin
	}
	return e.visitor
}

// TestRoleRouteMatrix asks every route of the router as every role and
// checks the answer against routeMatrix.
func TestRoleRouteMatrix(t *testing.T) {
	ts := newTestServer(t, withDocuments(t))
	// Another person's objects for the :id routes: a pending registration
	// and a queued mail.
	other := createUser(t, ts, "other-person@example.com", "partner", "pending")
	cl0 := ts.newClient()
	cl0.submit(t, "/en/password/forgot", "/en/password/forgot", url.Values{"email": {"nobody-" + randomToken(3) + "@example.com"}})
	registerSomeone(t, ts)
	var mailID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM outbox ORDER BY id LIMIT 1`).Scan(&mailID); err != nil {
		t.Fatalf("no mail to look at: %v", err)
	}
	// A catalogue entry and a library file for the publishing routes; not
	// rira, whose public page the table also asks for.
	var modelID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT id FROM models WHERE slug = 'tara'`).Scan(&modelID); err != nil {
		t.Fatalf("no model to edit: %v", err)
	}
	mediaID := matrixMediaFile(t, ts, modelID)
	// A specification group and item for the specification routes.
	var specGroupID, specItemID int64
	if err := ts.store.DB().Read.QueryRow(`SELECT min(g.id), min(i.id) FROM spec_groups g, spec_items i`).Scan(&specGroupID, &specItemID); err != nil {
		t.Fatalf("no specification to edit: %v", err)
	}
	// Someone else's proposal, with a document and a question of theirs.
	fx := newProposalFixture(t, ts, other)
	// Another partner's submitted inquiry, with an attachment.
	inq := newInquiryFixture(t, ts, other)
	params := map[string]string{":slug": "rira", ":doc": fmt.Sprint(fx.docID), ":qid": fmt.Sprint(fx.questionID), ":uid": fmt.Sprint(other.ID),
		":att": fmt.Sprint(inq.attID)}
	// A published offer for the members' routes, a draft for the staff
	// editor, and someone's interest for the staff reply.
	offers := seedOffers(t, ts)
	// Publishing: a deleted specification item, for the restore route.
	specDeletion := matrixSpecDeletion(t, ts)
	// A shipment record for the shipments' :id routes.
	shipmentID := seedShipment(t, ts)

	clients := map[string]*client{}
	tokens := map[string]string{}
	for _, role := range matrixRoles {
		if role == "visitor" {
			cl := ts.newClient()
			tokens[role] = cl.csrfFrom(t, "/en/login")
			clients[role] = cl
			continue
		}
		cl, _ := loginAs(t, ts, role)
		clients[role] = cl
		tokens[role] = cl.csrfFrom(t, "/en/")
	}

	seen := map[string]bool{}
	for _, r := range ts.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/en/") && r.Path != "/en" {
			continue
		}
		rest := strings.TrimPrefix(r.Path, "/en")
		if rest == "/*" || rest == "" {
			continue
		}
		key := r.Method + " " + rest
		want, listed := routeMatrix[key]
		if !listed {
			t.Errorf("route %s is not in the role × route table", key)
			continue
		}
		seen[key] = true
		path := r.Path
		for p, v := range params {
			path = strings.ReplaceAll(path, p, v)
		}
		id := fmt.Sprint(other.ID)
		switch {
		case strings.Contains(path, "/admin/mail/"):
			id = fmt.Sprint(mailID)
		case strings.Contains(path, "/staff/catalogue/"):
			id = fmt.Sprint(modelID)
		case strings.Contains(path, "/staff/media/"):
			id = fmt.Sprint(mediaID)
		case strings.Contains(path, "/staff/specs/groups/"):
			id = fmt.Sprint(specGroupID)
		case strings.Contains(path, "/staff/specs/items/"):
			id = fmt.Sprint(specItemID)
		case strings.Contains(path, "/staff/shipments/"):
			id = fmt.Sprint(shipmentID)
		case strings.Contains(path, "/staff/offers/requests/"):
			id = fmt.Sprint(offers.request)
		case strings.Contains(path, "/staff/offers/") && strings.HasSuffix(path, "/delete"):
			// Deleting the draft would leave the other routes nothing to
			// edit: a published offer refuses deletion.
			id = fmt.Sprint(offers.published)
		case strings.Contains(path, "/staff/offers/"):
			id = fmt.Sprint(offers.draft)
		case strings.Contains(path, "/offers/"):
			id = fmt.Sprint(offers.published)
		case strings.Contains(path, "/staff/specs/deletions/"):
			id = fmt.Sprint(specDeletion)
		}
		if strings.Contains(path, "/proposals/") {
			id = fmt.Sprint(fx.id)
		}
		if strings.Contains(path, "/inquiries/") {
			id = fmt.Sprint(inq.id)
		}
		path = strings.ReplaceAll(path, ":id", id)
		for _, role := range matrixRoles {
			cl := clients[role]
			var res response
			if r.Method == http.MethodGet {
				res = cl.get(t, path)
			} else {
				res = cl.post(t, path, url.Values{"csrf": {tokens[role]}})
			}
			if !outcomeMatches(want.of(role), res) {
				t.Errorf("%s as %s: %d (Location %q), want %s", key, role, res.StatusCode, res.Header.Get("Location"), outcomeName(want.of(role)))
			}
			// Logging out, ending sessions or changing the password ends
			// the session: log in again for the next route.
			if r.Method != http.MethodGet && role != "visitor" && !sessionUserLoggedIn(t, cl) {
				cl, _ = loginAs(t, ts, role)
				clients[role] = cl
				tokens[role] = cl.csrfFrom(t, "/en/")
			}
		}
	}
	for key := range routeMatrix {
		if !seen[key] {
			t.Errorf("the table lists %s, which the router does not have", key)
		}
	}
}

func outcomeMatches(want int, res response) bool {
	loc := res.Header.Get("Location")
	switch want {
	case toLogin:
		return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/en/login?next=")
	case toAcct:
		return res.StatusCode == http.StatusSeeOther && loc == "/en/account"
	case pass:
		return res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound && !strings.Contains(loc, "/login") && res.StatusCode < 500
	case gone:
		return res.StatusCode == http.StatusBadRequest
	}
	return res.StatusCode == want
}

func outcomeName(o int) string {
	switch o {
	case toLogin:
		return "a redirect to login"
	case toAcct:
		return "a redirect to the account"
	case pass:
		return "the handler (not 403/404)"
	case gone:
		return "400"
	}
	return fmt.Sprint(o)
}

// registerSomeone registers through the form, so the outbox has a mail.
func registerSomeone(t *testing.T, ts *testServer) {
	t.Helper()
	cl := ts.newClient()
	cl.ip = "198.51.100.77"
	res := cl.submit(t, "/en/register", "/en/register", url.Values{
		"full_name": {"Matrix Person"}, "company": {"Matrix LLC"}, "email": {"matrix@example.com"},
		"phone": {"+7 900 000-00-00"}, "password": {"a long matrix passphrase"}, "role": {"investor"}, "lang": {"en"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", res.StatusCode)
	}
}

// matrixMediaFile records a library file (a brochure) that model's live
// page shows, so a delete without confirmation asks first and deletes
// nothing: every role meets the same file.
func matrixMediaFile(t *testing.T, ts *testServer, modelID int64) int64 {
	t.Helper()
	var id int64
	name := strings.Repeat("ab", 16)
	err := ts.store.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.CreateMediaFile(db.MediaFile{Name: name, Kind: "brochure", File: name + ".pdf",
			Mime: "application/pdf", Bytes: 10, OriginalName: "matrix.pdf"}, db.Actor{}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.DB().Write.Exec(`INSERT INTO media (model_id, kind, source, file, mime, bytes) VALUES (?, 'brochure', 'upload', ?, 'application/pdf', 10)`,
		modelID, name+".pdf"); err != nil {
		t.Fatal(err)
	}
	return id
}
