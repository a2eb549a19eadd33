package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/docs"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// Limits of proposal texts, in characters.
const (
	maxNoteLen     = 4000
	maxQuestionLen = 4000
	// proposalsPerPage is the length of a page of the proposal lists.
	proposalsPerPage = 24
)

// proposalRoutes registers the participants' proposal pages, the
// notification list and staff's proposal and pipeline pages.
func (s *Server) proposalRoutes(g *echo.Group) {
	s.route(g, "GET", "/proposals", s.handleProposalList)
	s.route(g, "GET", "/proposals/history-verification", s.handleHistoryHowTo)
	s.route(g, "GET", "/proposals/:id", s.handleProposalShow)
	s.route(g, "POST", "/proposals/:id/nda", s.handleProposalNDA)
	s.route(g, "GET", "/proposals/:id/history", s.handleProposalHistory)
	s.route(g, "GET", "/proposals/:id/history.json", s.handleProposalHistoryJSON)
	s.route(g, "POST", "/proposals/:id/questions", s.handleProposalAsk)
	s.route(g, "GET", "/proposals/:id/documents/:doc", s.handleProposalDocument)
	s.route(g, "GET", "/proposals/:id/feed.atom", s.handleProposalFeed)
	s.route(g, "POST", "/proposals/:id/feed-token", s.handleProposalFeedToken)
	s.route(g, "POST", "/proposals/:id/feed-token/revoke", s.handleProposalFeedRevoke)
	s.route(g, "GET", "/notifications", s.handleNotifications)
	s.route(g, "POST", "/notifications/read", s.handleNotificationsRead)
	s.route(g, "POST", "/notifications/preference", s.handleNotificationsPref)

	s.route(g, "GET", "/staff/proposals", s.handleStaffProposalList)
	s.route(g, "GET", "/staff/proposals/new", s.handleProposalNewForm)
	s.route(g, "POST", "/staff/proposals/new", s.handleProposalCreate)
	s.route(g, "GET", "/staff/proposals/:id", s.handleStaffProposalShow)
	s.route(g, "GET", "/staff/proposals/:id/edit", s.handleProposalEditForm)
	s.route(g, "POST", "/staff/proposals/:id/edit", s.handleProposalEdit)
	s.route(g, "POST", "/staff/proposals/:id/stage", s.handleProposalStage)
	s.route(g, "POST", "/staff/proposals/:id/notes", s.handleProposalNote)
	s.route(g, "POST", "/staff/proposals/:id/participants", s.handleProposalParticipantAdd)
	s.route(g, "POST", "/staff/proposals/:id/participants/:uid/remove", s.handleProposalParticipantRemove)
	s.route(g, "POST", "/staff/proposals/:id/documents", s.handleProposalUpload)
	s.route(g, "POST", "/staff/proposals/:id/questions/:qid/answer", s.handleProposalAnswer)
	s.route(g, "GET", "/staff/proposals/:id/verify", s.handleProposalVerify)
	s.route(g, "GET", "/staff/pipeline", s.handlePipeline)
	// Proposal documents: new versions and (soft) deletion, by staff.
	s.route(g, "POST", "/staff/proposals/:id/documents/:doc/replace", s.handleProposalDocumentReplace)
	s.route(g, "POST", "/staff/proposals/:id/documents/:doc/delete", s.handleProposalDocumentDelete)
}

// dbViewer is the request's person as the store scopes queries.
func dbViewer(c echo.Context) db.Viewer {
	v := viewerOf(c)
	if !v.loggedIn() {
		return db.Viewer{}
	}
	return db.Viewer{ID: v.user.ID, Role: v.user.Role}
}

func paramID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// investMoney is an amount in whole currency units as money.
func investMoney(units int64, currency string) i18n.Money {
	m := units
	for range i18n.CurrencyDecimals(currency) {
		m *= 10
	}
	return i18n.Money{Minor: m, Currency: currency}
}

// track builds the progress track: the pipeline's stages, those before
// the current one done. A closed proposal shows the stages it reached.
func track(stage string, reached string) []views.StageStepVM {
	cur := slices.Index(db.PipelineStages, stage)
	if cur < 0 {
		cur = slices.Index(db.PipelineStages, reached)
	}
	out := make([]views.StageStepVM, len(db.PipelineStages))
	for i, st := range db.PipelineStages {
		out[i] = views.StageStepVM{Stage: st, Done: i < cur || (i == cur && st == "signed"), Current: i == cur && st == stage && st != "signed"}
		if st == "signed" && stage == "signed" {
			out[i].Current, out[i].Done = true, false
		}
	}
	return out
}

// lastOpenStage is the last pipeline stage a timeline reached, for the
// track of a closed proposal.
func lastOpenStage(events []db.Event) string {
	for i := len(events) - 1; i >= 0; i-- {
		if slices.Contains(db.PipelineStages, events[i].ToStage) {
			return events[i].ToStage
		}
	}
	return "new"
}

func eventVMs(events []db.Event) []views.EventVM {
	out := make([]views.EventVM, len(events))
	for i, e := range events {
		out[i] = views.EventVM{Seq: e.Seq, Kind: e.Kind, At: e.At, Actor: e.ActorName, From: e.FromStage, To: e.ToStage,
			Note: e.Note, Hash: e.Hash, PrevHash: e.PrevHash}
	}
	return out
}

func parseDue(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// proposalPageVM builds a proposal's page for the viewer; details,
// timeline, documents and Q&A only past the NDA gate (staff always).
func (s *Server) proposalPageVM(c echo.Context, p db.Proposal) (views.ProposalPageVM, error) {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	v := dbViewer(c)
	base := "/proposals/" + idString(p.ID)
	vm := views.ProposalPageVM{
		ID: p.ID, Title: textVM(p.Title.In(lang), lang), Summary: textVM(p.Summary.In(lang), lang), Kind: p.Kind, Market: p.Market,
		Region: p.Region, Models: p.Models, Volume: p.VolumePerYear, InvestMin: investMoney(p.InvestMin, p.Currency),
		InvestMax: investMoney(p.InvestMax, p.Currency), KeyTerms: p.KeyTerms, Stage: p.Stage, Closed: slices.Contains(db.ClosedStages, p.Stage),
		StageSince: p.StageSince, NextStep: p.NextStep, NextDue: parseDue(p.NextDue),
		Open: v.Staff() || p.NDAAccepted, NDAText: p.NDAText, NDAVersion: p.NDAVersion, NDAAction: i18n.Href(ctx, base+"/nda"),
		HistoryHref: i18n.Href(ctx, base+"/history"), HistoryJSON: i18n.Href(ctx, base+"/history.json"),
		IsStaff: v.Staff(), StatusHrefFor: i18n.Href(ctx, base),
	}
	if v.Staff() {
		vm.StaffHref = i18n.Href(ctx, "/staff/proposals/"+idString(p.ID))
	}
	switch q, err := s.store.InquiryOfProposal(ctx, v, p.ID); {
	case err == nil && v.Staff():
		vm.InquiryRef, vm.InquiryHref = q.Ref, i18n.Href(ctx, "/staff/inquiries/"+idString(q.ID))
	case err == nil:
		vm.InquiryRef, vm.InquiryHref = q.Ref, i18n.Href(ctx, "/inquiries/"+idString(q.ID))
	case !errors.Is(err, db.ErrNotFound):
		return vm, err
	}
	if v.Staff() {
		events, err := s.store.Timeline(ctx, v, p.ID)
		if err != nil {
			return vm, err
		}
		vm.Track = track(p.Stage, lastOpenStage(events))
		vm.Events = eventVMs(events)
	} else {
		// A participant's status page shows the end of the timeline (the
		// history page and its download have all of it); it is the same
		// for every participant, so it is rendered once per version of
		// the proposal and language. The version is read before the
		// timeline, so a change committed meanwhile is never filed under
		// the newer version; the page reaches here only past the
		// viewer's scope.
		pver, key := s.store.ProposalVersion(p.ID), "timeline "+idString(p.ID)+" "+lang
		tl, err := memoized(s.fragments, pver, key, func() (timelineFragment, error) { return s.renderTimelineTail(ctx, v, p.ID) })
		if err != nil {
			return vm, err
		}
		vm.Track = track(p.Stage, tl.lastOpen)
		if vm.Open {
			vm.TimelineHTML, vm.TimelineShown, vm.TimelineTotal = tl.html, tl.shown, tl.total
		}
	}
	if !vm.Open {
		return vm, nil
	}
	people, err := s.store.Participants(ctx, v, p.ID)
	if err != nil {
		return vm, err
	}
	for _, pa := range people {
		vm.Participants = append(vm.Participants, views.ParticipantVM{UserID: pa.UserID, Name: pa.Name, Email: pa.Email, Company: pa.Company,
			Role: pa.Role, NDAAt: pa.NDAAt, RemoveAction: i18n.Href(ctx, "/staff/proposals/"+idString(p.ID)+"/participants/"+idString(pa.UserID)+"/remove")})
	}
	docs, err := s.store.Documents(ctx, v, p.ID)
	if err != nil {
		return vm, err
	}
	for _, d := range docs {
		vm.Documents = append(vm.Documents, s.documentVM(c, p.ID, d))
	}
	qs, err := s.store.Questions(ctx, v, p.ID)
	if err != nil {
		return vm, err
	}
	for _, q := range qs {
		qv := views.QuestionVM{ID: q.ID, Asker: q.AskerName, Question: q.Question, Answer: q.Answer, AskedAt: q.AskedAt, AnsweredAt: q.AnsweredAt, FAQ: q.FAQ}
		if v.Staff() {
			qv.AnswerAction = i18n.Href(ctx, "/staff/proposals/"+idString(p.ID)+"/questions/"+idString(q.ID)+"/answer")
			qv.AnswerField = views.FieldVM{ID: "answer-" + idString(q.ID), Name: "answer", Type: "textarea", LabelID: "proposal.qa.answer",
				Value: q.Answer, Required: true, MaxLen: maxQuestionLen}
		}
		vm.Questions = append(vm.Questions, qv)
	}
	if p.Participant {
		vm.AskAction = i18n.Href(ctx, base+"/questions")
		vm.Ask = views.FieldVM{ID: "ask", Name: "question", Type: "textarea", LabelID: "proposal.qa.ask", Required: true, MaxLen: maxQuestionLen}
		vm.FeedAction = i18n.Href(ctx, base+"/feed-token")
		vm.FeedRevoke = i18n.Href(ctx, base+"/feed-token/revoke")
		if vm.HasFeed, err = s.store.HasFeedToken(ctx, p.ID, v.ID); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

func (s *Server) proposalMeta(c echo.Context, title string) views.PageMeta {
	m := s.pageMeta(c, "proposals.title")
	m.Title = title
	m.NoIndex = true
	m.Section = "proposals"
	return m
}

// renderTimelineTail renders the end of a proposal's shared timeline for
// its participants.
func (s *Server) renderTimelineTail(ctx context.Context, v db.Viewer, id int64) (timelineFragment, error) {
	tail, err := s.store.TimelineTail(ctx, v, id, statusTimelineEntries)
	if err != nil {
		return timelineFragment{}, err
	}
	var buf bytes.Buffer
	if err := views.Timeline(eventVMs(tail.Events), false).Render(ctx, &buf); err != nil {
		return timelineFragment{}, err
	}
	return timelineFragment{html: buf.Bytes(), lastOpen: tail.LastOpen, shown: len(tail.Events), total: tail.Total}, nil
}

// handleProposalList shows the teasers the viewer may see; approved
// members see summaries. It varies by viewer, so it is never cached.
func (s *Server) handleProposalList(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	v := dbViewer(c)
	page, err := pageParam(c.QueryParams())
	if err != nil {
		return err
	}
	ps, total, err := s.store.ListVisibleProposals(ctx, v, page, proposalsPerPage)
	if err != nil {
		return err
	}
	pages := max(1, (total+proposalsPerPage-1)/proposalsPerPage)
	if page > pages {
		return echo.ErrNotFound
	}
	base := i18n.Href(ctx, "/proposals")
	vm := views.ProposalListVM{Member: v.Member(), Pagination: pagination(page, pages, func(p int) string {
		if p == 1 {
			return base
		}
		return base + "?page=" + strconv.Itoa(p)
	})}
	for _, p := range ps {
		card := views.ProposalCardVM{ID: p.ID, Title: textVM(p.Title.In(lang), lang), Kind: p.Kind, Market: p.Market, Stage: p.Stage, Participant: p.Participant}
		if v.Member() {
			sum := textVM(p.Summary.In(lang), lang)
			card.Summary = &sum
		}
		if p.Participant || v.Staff() {
			card.Href = i18n.Href(ctx, "/proposals/"+idString(p.ID))
		}
		vm.Items = append(vm.Items, card)
	}
	m := s.pageMeta(c, "proposals.title")
	m.Section = "proposals"
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return render(c, http.StatusOK, views.ProposalListPage(m, vm))
}

// handleHistoryHowTo shows the documented procedure to verify a history.
func (s *Server) handleHistoryHowTo(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", docs.HistoryVerification)
}

// proposalOf loads the :id proposal scoped to the viewer: 404 for a
// proposal they do not take part in.
func (s *Server) proposalOf(c echo.Context) (db.Proposal, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return db.Proposal{}, err
	}
	return s.store.ProposalFor(c.Request().Context(), dbViewer(c), id)
}

// gate sends a participant who has not accepted the NDA to the NDA form.
func gate(c echo.Context, p db.Proposal) error {
	if dbViewer(c).Staff() || p.NDAAccepted {
		return nil
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/proposals/", idString(p.ID))+"#nda")
}

var errGated = errors.New("NDA not accepted")

func (s *Server) gated(c echo.Context, p db.Proposal) error {
	if dbViewer(c).Staff() || p.NDAAccepted {
		return nil
	}
	if err := gate(c, p); err != nil {
		return err
	}
	return errGated
}

// statusTimelineEntries is how many of the latest timeline entries a
// status page shows; the history page has them all.
const statusTimelineEntries = 10

// timelineFragment is a participant's timeline rendered, with what the
// page says around it.
type timelineFragment struct {
	html         []byte
	lastOpen     string
	shown, total int
}

// handleProposalShow is the participant's negotiation status page. Who
// may see it is decided on every request (the viewer-scoped proposal
// query); the page itself is then kept for the viewer's session until the
// proposal's own version moves on (a change to another proposal leaves
// it kept).
func (s *Server) handleProposalShow(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version := s.store.ProposalVersion(id)
	access, err := s.store.ProposalAccessFor(c.Request().Context(), dbViewer(c), id)
	if err != nil {
		return err
	}
	page := func() (templ.Component, error) {
		p, err := s.proposalOf(c)
		if err != nil {
			return nil, err
		}
		vm, err := s.proposalPageVM(c, p)
		if err != nil {
			return nil, err
		}
		vm.NoticeID = proposalNotices[c.QueryParam("done")]
		if tok := c.QueryParam("feed"); tok != "" && len(tok) <= 100 {
			// The token was just made and passes through the redirect
			// once; only its hash is stored, so this is the only time it
			// shows.
			vm.FeedURL = s.feedURL(i18n.Lang(c.Request().Context()), id, tok)
		}
		return views.ProposalPage(s.proposalMeta(c, vm.Title.Value), vm), nil
	}
	if c.QueryParam("feed") != "" {
		// A page with a feed token in it is never kept.
		comp, err := page()
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "private, no-store")
		return render(c, http.StatusOK, comp)
	}
	key := fmt.Sprintf("proposal %d %t %t", id, access.Participant, access.NDAAccepted)
	return s.renderPersonal(c, s.proposalPages, version, key, privateNoStoreValue, page)
}

var proposalNotices = map[string]string{
	"nda":         "proposal.done.nda",
	"asked":       "proposal.done.asked",
	"feed":        "proposal.done.feed",
	"revoked":     "proposal.done.revoked",
	"moved":       "staffp.done.moved",
	"noted":       "staffp.done.noted",
	"saved":       "staffp.done.saved",
	"created":     "staffp.done.created",
	"added":       "staffp.done.added",
	"removed":     "staffp.done.removed",
	"uploaded":    "staffp.done.uploaded",
	"replaced":    "staffp.done.replaced",
	"doc_deleted": "staffp.done.doc_deleted",
	"answered":    "staffp.done.answered",
	"prefs":       "notify.done.pref",
	"read":        "notify.done.read",
	"unchanged":   "admin.done.unchanged",
}

// handleProposalNDA records a participant's acceptance of the NDA text
// they were shown (its version must still be current).
func (s *Server) handleProposalNDA(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	v := dbViewer(c)
	if !p.Participant {
		return echo.ErrNotFound
	}
	if c.FormValue("agree") != "1" || c.FormValue("nda_version") != strconv.Itoa(p.NDAVersion) {
		vm, err := s.proposalPageVM(c, p)
		if err != nil {
			return err
		}
		vm.ErrorSummary = []views.FormErrorVM{{FieldID: "nda-agree", LabelID: "proposal.nda.title", ErrorID: "proposal.nda.must_agree"}}
		return render(c, http.StatusUnprocessableEntity, views.ProposalPage(s.proposalMeta(c, vm.Title.Value), vm))
	}
	sum := sha256.Sum256([]byte(p.NDAText))
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.AcceptNDA(p.ID, v.ID, hex.EncodeToString(sum[:]), c.RealIP(), c.Request().UserAgent(), s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.nda_accepted", "proposal", p.ID, "version "+strconv.Itoa(p.NDAVersion)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/proposals/", idString(p.ID))+"?done=nda")
}

// handleProposalHistory is the readable history with its verification.
func (s *Server) handleProposalHistory(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if err := s.gated(c, p); err != nil {
		return ignoreGated(err)
	}
	events, err := s.store.Timeline(ctx, dbViewer(c), p.ID)
	if err != nil {
		return err
	}
	lang := i18n.Lang(ctx)
	check := db.VerifyChain(events)
	vm := views.HistoryVM{ID: p.ID, Title: textVM(p.Title.In(lang), lang), Events: eventVMs(events), Check: chainVM(check),
		JSONHref: i18n.Href(ctx, "/proposals/", idString(p.ID), "/history.json"), HowToHref: i18n.Href(ctx, "/proposals/history-verification"),
		BackHref: i18n.Href(ctx, "/proposals/", idString(p.ID))}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return render(c, http.StatusOK, views.HistoryPage(s.proposalMeta(c, i18n.T(ctx, "proposal.history.title")), vm))
}

func ignoreGated(err error) error {
	if errors.Is(err, errGated) {
		return nil
	}
	return err
}

func chainVM(c db.ChainCheck) views.ChainCheckVM {
	return views.ChainCheckVM{Entries: c.Entries, OK: c.OK, BrokenSeq: c.BrokenSeq, Reason: c.Reason}
}

// historyEntry is an entry of the downloadable history: the canonical
// fields in their hashed order, then the hash.
type historyEntry struct {
	db.CanonicalEvent
	Hash string `json:"hash"`
}

// historyFile is the downloadable history of a proposal.
type historyFile struct {
	ProposalID int64          `json:"proposal_id"`
	Algorithm  string         `json:"algorithm"`
	Genesis    string         `json:"genesis"`
	Procedure  string         `json:"procedure"`
	Exported   string         `json:"exported_at"`
	Entries    []historyEntry `json:"entries"`
}

// handleProposalHistoryJSON downloads the shared timeline with its hashes.
func (s *Server) handleProposalHistoryJSON(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if err := s.gated(c, p); err != nil {
		return ignoreGated(err)
	}
	events, err := s.store.Timeline(ctx, dbViewer(c), p.ID)
	if err != nil {
		return err
	}
	f := historyFile{ProposalID: p.ID, Algorithm: "sha256(canonical JSON of the entry without hash)", Genesis: db.GenesisHash,
		Procedure: s.absURL(i18n.Href(ctx, "/proposals/history-verification")), Exported: s.now().UTC().Format(time.RFC3339), Entries: []historyEntry{}}
	for _, e := range events {
		f.Entries = append(f.Entries, historyEntry{CanonicalEvent: e.Canonical(), Hash: e.Hash})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="proposal-%d-history.json"`, p.ID))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", b)
}

// handleProposalAsk records a participant's question.
func (s *Server) handleProposalAsk(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if !p.Participant {
		return echo.ErrNotFound
	}
	if err := s.gated(c, p); err != nil {
		return ignoreGated(err)
	}
	q, ok := formField(c, "question")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, "question", q, true, 3, maxQuestionLen, true)
	if len(fe) > 0 {
		vm, err := s.proposalPageVM(c, p)
		if err != nil {
			return err
		}
		vm.Ask.Value, vm.Ask.ErrorID = q, fe["question"]
		vm.ErrorSummary = errorSummary(fe, []string{"question"}, "", map[string]string{"question": "proposal.qa.ask"})
		vm.ErrorSummary[0].FieldID = "ask"
		return render(c, http.StatusUnprocessableEntity, views.ProposalPage(s.proposalMeta(c, vm.Title.Value), vm))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.AskQuestion(p.ID, dbViewer(c).ID, q, s.now())
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.question", "proposal", p.ID, "question "+idString(id)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/proposals/", idString(p.ID))+"?done=asked#qa-h")
}

// handleProposalDocument sends a document to staff or a participant past
// the NDA gate, and records the view or download.
func (s *Server) handleProposalDocument(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if err := s.gated(c, p); err != nil {
		return ignoreGated(err)
	}
	docID, err := paramID(c, "doc")
	if err != nil {
		return err
	}
	v := dbViewer(c)
	d, err := s.store.DocumentFor(ctx, v, p.ID, docID)
	if err != nil {
		return err
	}
	if s.cfg.DocumentsDir == "" {
		return echo.ErrNotFound
	}
	f, err := os.Open(filepath.Join(s.cfg.DocumentsDir, d.File))
	if err != nil {
		return fmt.Errorf("document %d: %w", d.ID, err)
	}
	defer f.Close()
	action, disposition := "download", "attachment"
	if c.QueryParam("view") == "1" && d.Kind == "pdf" {
		action, disposition = "view", "inline"
	}
	if err := s.store.RecordDocumentAccess(ctx, d.ID, v.ID, action, c.RealIP(), s.now()); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", disposition+`; filename="`+asciiName(d.Name)+`"; filename*=UTF-8''`+url.PathEscape(d.Name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	c.Response().Header().Set(echo.HeaderContentType, documentTypes[d.Kind])
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), f)
	return err
}

// asciiName is a file name for the plain filename parameter.
func asciiName(name string) string {
	b := []byte{}
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			b = append(b, byte(r))
		} else {
			b = append(b, '_')
		}
	}
	return string(b)
}

// ---- Atom feed ----

func (s *Server) feedURL(lang string, id int64, token string) string {
	return s.absURL(i18n.HrefLang(lang, "/proposals/", idString(id), "/feed.atom")) + "?token=" + token
}

// handleProposalFeed is a participant's private Atom feed of the shared
// timeline, outside sessions: the token in the URL is the key, and any
// wrong, revoked or foreign token is a 404.
func (s *Server) handleProposalFeed(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	tok := c.QueryParam("token")
	if tok == "" || len(tok) > 100 {
		return echo.ErrNotFound
	}
	u, err := s.store.FeedViewer(ctx, id, hashToken(tok))
	if err != nil {
		return err
	}
	v := db.Viewer{ID: u.ID, Role: u.Role}
	p, err := s.store.ProposalFor(ctx, v, id)
	if err != nil {
		return err
	}
	events, err := s.store.Timeline(ctx, v, id)
	if err != nil {
		return err
	}
	lang := i18n.Lang(ctx)
	link := s.absURL(i18n.Href(ctx, "/proposals/", idString(id)))
	f := atomFeed{ID: "urn:ikco-portal:proposal:" + idString(id), Title: p.Title.In(lang).Value, Updated: p.UpdatedAt.UTC().Format(time.RFC3339),
		Links: []atomLink{{Href: link}}}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		title := i18n.T(ctx, "proposal.event.created")
		switch e.Kind {
		case "stage":
			title = i18n.T(ctx, "proposal.event.stage", "From", i18n.T(ctx, "proposal.stage."+e.FromStage), "To", i18n.T(ctx, "proposal.stage."+e.ToStage))
		case "note":
			title = i18n.T(ctx, "proposal.event.note")
		}
		f.Entries = append(f.Entries, atomEntry{ID: "urn:sha256:" + e.Hash, Title: title, Updated: e.At.UTC().Format(time.RFC3339),
			Author: &atomPerson{Name: e.ActorName}, Link: atomLink{Href: link}, Content: e.Note})
		if len(events) > 0 && e.At.After(p.UpdatedAt) {
			f.Updated = e.At.UTC().Format(time.RFC3339)
		}
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), b...))
}

// handleProposalFeedToken makes (or replaces) the participant's feed
// token and shows its URL once.
func (s *Server) handleProposalFeedToken(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if !p.Participant {
		return echo.ErrNotFound
	}
	if err := s.gated(c, p); err != nil {
		return ignoreGated(err)
	}
	tok := randomToken(32)
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SetFeedToken(p.ID, dbViewer(c).ID, hashToken(tok), s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.feed_token", "proposal", p.ID, "created"))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/proposals/", idString(p.ID))+"?done=feed&feed="+tok+"#feed-h")
}

// handleProposalFeedRevoke revokes the participant's feed token.
func (s *Server) handleProposalFeedRevoke(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.proposalOf(c)
	if err != nil {
		return err
	}
	if !p.Participant {
		return echo.ErrNotFound
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.RevokeFeedToken(p.ID, dbViewer(c).ID); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.feed_token", "proposal", p.ID, "revoked"))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/proposals/", idString(p.ID))+"?done=revoked#feed-h")
}

// ---- Notifications ----

// handleNotificationsRead marks every notification read.
func (s *Server) handleNotificationsRead(c echo.Context) error {
	if err := s.store.MarkNotificationsRead(c.Request().Context(), viewerOf(c).user.ID, s.now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/notifications")+"?done=read")
}

// notifyParticipants tells participants of a change in tx: an in-app
// entry for each, and a mail now for those who chose immediate mail.
// only, when not zero, limits it to one person (an answer only the asker
// sees).
func (s *Server) notifyParticipants(tx *db.Tx, p db.Proposal, kind, detail, note string, only int64) error {
	people, err := tx.Participants(p.ID)
	if err != nil {
		return err
	}
	for _, pa := range people {
		if only != 0 && pa.UserID != only {
			continue
		}
		if err := tx.Notify(pa.UserID, kind, p.ID, detail, pa.Notify == "digest", s.now()); err != nil {
			return err
		}
		if pa.Notify != "immediate" {
			continue
		}
		loc := s.catalog.Locale(pa.Lang)
		err := s.sendMail(tx, recipient{Email: pa.Email, Name: pa.Name, Lang: pa.Lang}, mailSpec{
			Kind: "proposal_" + kind,
			Link: s.absURL(i18n.HrefLang(pa.Lang, "/proposals/", idString(p.ID))),
			Data: []any{"Title", p.Title.In(pa.Lang).Value, "Stage", stageName(loc, detail), "Note", note},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// stageName is a stage's name in a locale; "" for no stage.
func stageName(loc *i18n.Locale, stage string) string {
	if stage == "" {
		return ""
	}
	return loc.T("proposal.stage." + stage)
}
