package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// staffInquiryFilter reads the inbox's filters from the query string.
func staffInquiryFilter(c echo.Context) (db.InquiryFilter, views.StaffInquiryFilterVM, error) {
	q := c.QueryParams()
	var f db.InquiryFilter
	var vm views.StaffInquiryFilterVM
	if st := q.Get("status"); st != "" {
		if !slices.Contains(db.InquiryStatuses, st) {
			return f, vm, echo.NewHTTPError(http.StatusBadRequest, "bad status")
		}
		f.Status, vm.Status = st, st
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "none":
		f.Assignee, vm.Assignee = -1, a
	case "me":
		f.Assignee, vm.Assignee = viewerOf(c).user.ID, a
	default:
		return f, vm, echo.NewHTTPError(http.StatusBadRequest, "bad assignee")
	}
	text, err := queryText(q, "q", 200)
	if err != nil {
		return f, vm, err
	}
	f.Query, vm.Query = text, text
	if f.Page, err = pageParam(q); err != nil {
		return f, vm, err
	}
	return f, vm, nil
}

// handleStaffInquiryList is the staff inbox: filters and search in the
// query string, newest first.
func (s *Server) handleStaffInquiryList(c echo.Context) error {
	ctx := c.Request().Context()
	f, fvm, err := staffInquiryFilter(c)
	if err != nil {
		return err
	}
	f.PerPage = adminPerPage
	m := s.pageMeta(c, "inquiries.staff.title")
	m.Section, m.NoIndex = "inquiries", true
	// The list has no form that posts, so no token: it is kept rendered
	// per language, filters and inquiries version. The version is read
	// before the list, so a change committed meanwhile is never filed
	// under the new version.
	key := fmt.Sprintf("%s|%+v|%s|%d", i18n.Lang(ctx), f, fvm.Assignee, s.store.InquiriesVersion())
	if html, ok := s.inbox.get(key); ok {
		return render(c, http.StatusOK, views.Page(m, templ.Raw(string(html))))
	}
	list, total, err := s.store.ListInquiries(ctx, f)
	if err != nil {
		return err
	}
	vm := views.StaffInquiryListVM{Filter: fvm, Total: total, Page: f.Page, Pages: pageCount(total),
		Action: i18n.Href(ctx, "/staff/inquiries")}
	for _, q := range list {
		vm.Rows = append(vm.Rows, s.inquiryRow(c, q, true))
	}
	vm.StatusOptions = []views.OptionVM{{Value: "", LabelID: "inquiry.filter.any_status"}}
	for _, st := range db.InquiryStatuses {
		vm.StatusOptions = append(vm.StatusOptions, views.OptionVM{Value: st, LabelID: "inquiry.status." + st})
	}
	vm.AssigneeOptions = []views.OptionVM{{Value: "", LabelID: "inquiry.filter.anyone"}, {Value: "me", LabelID: "inquiry.filter.me"},
		{Value: "none", LabelID: "inquiry.filter.nobody"}}
	qs := url.Values{}
	if f.Status != "" {
		qs.Set("status", f.Status)
	}
	if fvm.Assignee != "" {
		qs.Set("assignee", fvm.Assignee)
	}
	if f.Query != "" {
		qs.Set("q", f.Query)
	}
	vm.CSVHref = i18n.Href(ctx, "/staff/inquiries.csv")
	if len(qs) > 0 {
		vm.CSVHref += "?" + qs.Encode()
	}
	page := func(n int) string {
		p := url.Values{}
		for k, v := range qs {
			p[k] = v
		}
		p.Set("page", strconv.Itoa(n))
		return vm.Action + "?" + p.Encode()
	}
	if f.Page > 1 {
		vm.PrevHref = page(f.Page - 1)
	}
	if f.Page < vm.Pages {
		vm.NextHref = page(f.Page + 1)
	}
	var buf bytes.Buffer
	if err := views.StaffInquiryList(vm).Render(ctx, &buf); err != nil {
		return err
	}
	s.inbox.put(key, buf.Bytes())
	return render(c, http.StatusOK, views.Page(m, templ.Raw(buf.String())))
}

// inboxCacheMax bounds the rendered inbox pages kept in memory.
const inboxCacheMax = 512

// htmlCache keeps rendered page content by key; full, it starts over.
type htmlCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (hc *htmlCache) get(k string) ([]byte, bool) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	b, ok := hc.m[k]
	return b, ok
}

func (hc *htmlCache) put(k string, b []byte) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if hc.m == nil || len(hc.m) >= inboxCacheMax {
		hc.m = map[string][]byte{}
	}
	hc.m[k] = b
}

// handleStaffInquiryCSV exports the inbox's matching inquiries as CSV,
// UTF-8 with a byte-order mark so spreadsheets read Cyrillic right.
func (s *Server) handleStaffInquiryCSV(c echo.Context) error {
	ctx := c.Request().Context()
	f, _, err := staffInquiryFilter(c)
	if err != nil {
		return err
	}
	list, err := s.store.ExportInquiries(ctx, f)
	if err != nil {
		return err
	}
	e := newCSVExport([]string{"ref", "status", "submitted_at", "company", "country", "inn", "ogrn", "kpp", "website", "region", "contact_name",
		"contact_position", "email", "phone", "kind", "models", "volume_per_year", "investment", "currency", "timeline",
		"network_points", "network_cities", "assignee", "proposal_id", "message"})
	for _, q := range list {
		row := []string{q.Ref, q.Status, q.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z"), q.Company, q.Country, q.INN, q.OGRN, q.KPP,
			q.Website, q.Region, q.ContactName, q.ContactPosition, q.Email, q.Phone, q.Kind, q.Models, strconv.Itoa(q.VolumePerYear),
			strconv.FormatInt(q.Investment, 10), q.Currency, q.Timeline, strconv.Itoa(q.NetworkPoints), q.NetworkCities, q.AssigneeName,
			strconv.FormatInt(q.ProposalID, 10), q.Message}
		e.row(row)
	}
	return e.send(c, "inquiries.csv")
}

// staffInquiryOf loads the :id submitted inquiry for staff.
func (s *Server) staffInquiryOf(c echo.Context) (db.Inquiry, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return db.Inquiry{}, err
	}
	return s.store.InquiryFor(c.Request().Context(), dbViewer(c), id)
}

// handleStaffInquiryShow is an inquiry for staff: details, thread,
// attachments, the same company's history and the actions.
func (s *Server) handleStaffInquiryShow(c echo.Context) error {
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	return s.renderStaffInquiry(c, http.StatusOK, q, nil)
}

func (s *Server) renderStaffInquiry(c echo.Context, status int, q db.Inquiry, fix func(*views.StaffInquiryVM)) error {
	ctx := c.Request().Context()
	detail, err := s.inquiryDetail(c, q, true)
	if err != nil {
		return err
	}
	vm := views.StaffInquiryVM{InquiryVM: detail, Base: i18n.Href(ctx, "/staff/inquiries/"+idString(q.ID)),
		Open: q.Status == "new" || q.Status == "in_review" || q.Status == "needs_info", ListHref: i18n.Href(ctx, "/staff/inquiries")}
	staff, err := s.store.StaffUsers(ctx)
	if err != nil {
		return err
	}
	vm.AssigneeOptions = []views.OptionVM{{Value: "0", LabelID: "inquiry.filter.nobody"}}
	for _, u := range staff {
		vm.AssigneeOptions = append(vm.AssigneeOptions, views.OptionVM{Value: idString(u.ID), Label: u.FullName})
	}
	vm.AssigneeID = idString(q.AssigneeID)
	history, err := s.store.InquiriesByINN(ctx, q.INN, q.ID)
	if err != nil {
		return err
	}
	for _, h := range history {
		r := s.inquiryRow(c, h, true)
		if h.ProposalID != 0 {
			r.ProposalHref = i18n.Href(ctx, "/staff/proposals/"+idString(h.ProposalID))
		}
		vm.History = append(vm.History, r)
	}
	vm.Ask = views.FieldVM{ID: "ask-body", Name: "body", Type: "textarea", LabelID: "inquiry.staff.ask_label", Required: true, MaxLen: 5000}
	vm.Decline = views.FieldVM{ID: "decline-reason", Name: "reason", Type: "textarea", LabelID: "inquiry.staff.decline_label", Required: true, MaxLen: 2000}
	if fix != nil {
		fix(&vm)
	}
	m := s.pageMeta(c, "inquiry.title")
	m.Title = q.Ref + " · " + m.Title
	m.Section, m.NoIndex = "inquiries", true
	return render(c, status, views.StaffInquiryPage(m, vm))
}

// staffInquiryBack returns to the staff inquiry page with a notice.
func staffInquiryBack(c echo.Context, id int64, done string) error {
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/staff/inquiries/"+idString(id))+"?done="+done)
}

// handleStaffInquiryAssign gives the inquiry to a staff member; a new
// inquiry taken up moves to "in review".
func (s *Server) handleStaffInquiryAssign(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	to, err := strconv.ParseInt(c.FormValue("assignee"), 10, 64)
	if err != nil || to < 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "bad assignee")
	}
	if to != 0 {
		staff, err := s.store.StaffUsers(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(staff, func(u db.User) bool { return u.ID == to }) {
			return echo.NewHTTPError(http.StatusBadRequest, "not staff")
		}
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.AssignInquiry(q.ID, to, s.now()); err != nil {
			return err
		}
		if q.Status == "new" && to != 0 {
			if err := tx.SetInquiryStatus(q.ID, "in_review", []string{"new"}, s.now()); err != nil {
				return err
			}
		}
		return tx.Audit(s.auditEntry(c, "inquiry.assigned", "inquiry", q.ID, idString(to)))
	})
	if err != nil {
		return err
	}
	return staffInquiryBack(c, q.ID, "assigned")
}

// handleStaffInquiryReview marks a new inquiry as in review.
func (s *Server) handleStaffInquiryReview(c echo.Context) error {
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		if err := tx.SetInquiryStatus(q.ID, "in_review", []string{"new"}, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "inquiry.in_review", "inquiry", q.ID, ""))
	})
	if errors.Is(err, db.ErrNotEditable) {
		return staffInquiryBack(c, q.ID, "unchanged")
	}
	if err != nil {
		return err
	}
	return staffInquiryBack(c, q.ID, "in_review")
}

// staffText reads and checks a staff form's text; 400 when not UTF-8.
func staffText(c echo.Context, name string, maxLen int) (string, string, error) {
	v, ok := formField(c, name)
	if !ok {
		return "", "", echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, name, v, true, 1, maxLen, true)
	return v, fe[name], nil
}

// staffMessage posts to the thread, optionally changing the status, and
// mails the partner.
func (s *Server) staffMessage(c echo.Context, kind, field, mailKind, done string, apply func(tx *db.Tx, q db.Inquiry, text string) error) error {
	ctx := c.Request().Context()
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	text, problem, err := staffText(c, field, 5000)
	if err != nil {
		return err
	}
	if problem != "" {
		return s.renderStaffInquiry(c, http.StatusUnprocessableEntity, q, func(vm *views.StaffInquiryVM) {
			switch kind {
			case "info_request":
				vm.Ask.Value, vm.Ask.ErrorID = text, problem
			case "declined":
				vm.Decline.Value, vm.Decline.ErrorID = text, problem
			default:
				vm.Reply.Value, vm.Reply.ErrorID = text, problem
			}
		})
	}
	u := viewerOf(c).user
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if apply != nil {
			if err := apply(tx, q, text); err != nil {
				return err
			}
		}
		if err := tx.AddInquiryMessage(db.InquiryMessage{InquiryID: q.ID, Kind: kind, AuthorID: u.ID, AuthorName: u.FullName, Staff: true,
			Body: text, At: s.now()}); err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "inquiry."+kind, "inquiry", q.ID, "")); err != nil {
			return err
		}
		return s.mailInquiryOwner(tx, q, mailKind, "Text", text)
	})
	if errors.Is(err, db.ErrNotEditable) {
		return staffInquiryBack(c, q.ID, "unchanged")
	}
	if err != nil {
		return err
	}
	return staffInquiryBack(c, q.ID, done)
}

// mailInquiryOwner mails the partner who submitted an inquiry.
func (s *Server) mailInquiryOwner(tx *db.Tx, q db.Inquiry, kind string, data ...any) error {
	if q.UserID == 0 {
		return nil
	}
	owner, err := tx.UserByID(q.UserID)
	if err != nil {
		return err
	}
	return s.sendMail(tx, recipientOf(owner), mailSpec{Kind: kind, Link: s.absURL(i18n.HrefLang(owner.Lang, "/inquiries/"+idString(q.ID))),
		Data: append([]any{"Ref", q.Ref, "Company", q.Company}, data...)})
}

// handleStaffInquiryReply answers the partner in the thread, by mail too.
func (s *Server) handleStaffInquiryReply(c echo.Context) error {
	return s.staffMessage(c, "message", "body", "inquiry_reply", "replied", nil)
}

// handleStaffInquiryAsk asks the partner for more information: they edit
// the inquiry and resubmit it.
func (s *Server) handleStaffInquiryAsk(c echo.Context) error {
	return s.staffMessage(c, "info_request", "body", "inquiry_needs_info", "asked", func(tx *db.Tx, q db.Inquiry, _ string) error {
		return tx.SetInquiryStatus(q.ID, "needs_info", []string{"new", "in_review"}, s.now())
	})
}

// handleStaffInquiryDecline declines with a reason mailed to the partner.
func (s *Server) handleStaffInquiryDecline(c echo.Context) error {
	return s.staffMessage(c, "declined", "reason", "inquiry_declined", "declined", func(tx *db.Tx, q db.Inquiry, reason string) error {
		return tx.DeclineInquiry(q.ID, reason, s.now())
	})
}

// handleStaffInquiryAccept turns the inquiry into a partnership proposal
// in the pipeline, with the partner's account as participant.
func (s *Server) handleStaffInquiryAccept(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	u := viewerOf(c).user
	var title db.L10n
	for _, lang := range i18n.Langs {
		loc := s.catalog.Locale(lang)
		t := loc.T("inquiry.proposal_title", "Kind", loc.T("proposal.kind."+q.Kind), "Company", q.Company)
		switch lang {
		case "ru":
			title.RU = t
		case "en":
			title.EN = t
		case "fa":
			title.FA = t
		}
	}
	// One NDA text serves every participant: Russian, then English.
	nda := s.catalog.Locale("ru").T("inquiry.proposal_nda") + "\n\n" + s.catalog.Locale("en").T("inquiry.proposal_nda")
	var pid int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		pid, err = tx.AcceptInquiry(q.ID, title, nda, *u, s.now())
		if err != nil {
			return err
		}
		if err := tx.AddInquiryMessage(db.InquiryMessage{InquiryID: q.ID, Kind: "accepted", AuthorID: u.ID, AuthorName: u.FullName, Staff: true,
			At: s.now()}); err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "inquiry.accepted", "inquiry", q.ID, "proposal "+idString(pid))); err != nil {
			return err
		}
		return s.mailInquiryOwner(tx, q, "inquiry_accepted")
	})
	if errors.Is(err, db.ErrNotEditable) {
		return staffInquiryBack(c, q.ID, "unchanged")
	}
	if err != nil {
		return err
	}
	return staffInquiryBack(c, q.ID, "accepted")
}

// handleStaffInquiryAttachment sends an inquiry's attachment to staff.
func (s *Server) handleStaffInquiryAttachment(c echo.Context) error {
	q, err := s.staffInquiryOf(c)
	if err != nil {
		return err
	}
	return s.sendInquiryAttachment(c, q)
}
