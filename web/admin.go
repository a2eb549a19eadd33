package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// adminPerPage is how many rows the staff and admin lists show per page.
const adminPerPage = 50

// maxReasonLen bounds a rejection reason, in characters.
const maxReasonLen = 2000

// createRoles are the roles an admin may give a new account: investors and
// partners register themselves and are approved.
var createRoles = []string{"staff", "admin"}

// auditActions are the audit actions the portal writes, in the order the
// filter offers them; each has a label audit.action.<action>. Actions
// found in the log but not listed here are offered under their code.
var auditActions = []string{
	"register", "register.duplicate", "email.confirmed",
	"login.ok", "login.failed", "login.locked", "logout",
	"password.changed", "password.change_failed", "password.reset.requested", "password.reset",
	"session.ended", "sessions.ended_others", "account.language",
	"user.approved", "user.rejected", "user.disabled", "user.enabled", "user.role_changed", "user.created",
	"catalogue.created", "catalogue.saved", "catalogue.restored", "catalogue.published", "catalogue.unpublished",
	"catalogue.archived", "catalogue.scheduled", "catalogue.schedule_canceled",
	"catalogue.scheduled_publish", "catalogue.scheduled_unpublish",
	"media.uploaded", "media.replaced", "media.deleted",
	"proposal.created", "proposal.updated", "proposal.stage", "proposal.note", "proposal.nda_accepted",
	"proposal.question", "proposal.answer", "proposal.participant_added", "proposal.participant_removed",
	"proposal.document_added", "proposal.document_replaced", "proposal.document_deleted", "proposal.feed_token", "proposal.verified", "notify.preference",
	"offer.created", "offer.saved", "offer.published", "offer.archived", "offer.deleted",
	"offer.interest", "offer.request_replied", "rates.entered", "rates.imported",
}

// doneNotices are the notices an action's redirect may ask for with
// ?done=; any other value shows nothing.
var doneNotices = map[string]string{
	"approved":  "admin.done.approved",
	"rejected":  "admin.done.rejected",
	"disabled":  "admin.done.disabled",
	"enabled":   "admin.done.enabled",
	"role":      "admin.done.role",
	"unchanged": "admin.done.unchanged",
	"created":   "admin.done.created",
}

// Reasons an account action is refused; each is shown as a message.
var (
	errNotPending = errors.New("account is not waiting for approval")
	errWrongState = errors.New("action does not apply to the account's status")
	errUnchanged  = errors.New("nothing to change")
)

// adminRoutes registers the staff queue of registrations, the admins'
// account management and the audit log.
func (s *Server) adminRoutes(g *echo.Group) {
	s.route(g, "GET", "/staff/registrations", s.handleRegistrationList)
	s.route(g, "POST", "/staff/registrations/:id/approve", s.handleRegistrationApprove)
	s.route(g, "POST", "/staff/registrations/:id/reject", s.handleRegistrationReject)
	s.route(g, "GET", "/admin/users", s.handleUserList)
	s.route(g, "GET", "/admin/users/new", s.handleUserNewForm)
	s.route(g, "POST", "/admin/users/new", s.handleUserCreate)
	s.route(g, "GET", "/admin/users/:id", s.handleUserShow)
	s.route(g, "POST", "/admin/users/:id/approve", s.handleUserApprove)
	s.route(g, "POST", "/admin/users/:id/reject", s.handleUserReject)
	s.route(g, "POST", "/admin/users/:id/disable", s.handleUserDisable)
	s.route(g, "POST", "/admin/users/:id/enable", s.handleUserEnable)
	s.route(g, "POST", "/admin/users/:id/role", s.handleUserRole)
	s.route(g, "GET", "/admin/audit", s.handleAuditList)
}

// pathID reads the :id of the path; anything but a positive number is a
// page that does not exist.
func pathID(c echo.Context) (int64, error) { return paramID(c, "id") }

// pageParam reads ?page=, 1 when absent; an error for anything but a
// positive number.
func pageParam(q url.Values) (int, error) {
	v := q.Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "bad page")
	}
	return n, nil
}

// queryText reads a free-text query parameter: valid UTF-8, trimmed,
// at most maxLen characters.
func queryText(q url.Values, name string, maxLen int) (string, error) {
	v, ok := textValue(q.Get(name))
	if !ok || utf8.RuneCountInString(v) > maxLen {
		return "", echo.NewHTTPError(http.StatusBadRequest, "bad "+name)
	}
	return v, nil
}

func textValue(v string) (string, bool) {
	if !utf8.ValidString(v) || badText(v, false) {
		return "", false
	}
	return strings.TrimSpace(norm.NFC.String(v)), true
}

func pageCount(total int) int { return max(1, (total+adminPerPage-1)/adminPerPage) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// adminMeta is the layout data of a staff or admin page: never indexed.
func (s *Server) adminMeta(c echo.Context, titleID string) views.PageMeta {
	m := s.pageMeta(c, titleID)
	m.NoIndex = true
	m.Section = "admin"
	return m
}

// reasonField is the rejection reason's textarea.
func reasonField(id, value, errID string) views.FieldVM {
	return views.FieldVM{ID: id, Name: "reason", Type: "textarea", LabelID: "admin.field.reason", HintID: "admin.reason_hint",
		Value: value, ErrorID: errID, Required: true, MaxLen: maxReasonLen}
}

// checkReason validates a rejection reason and returns its problem's
// message id, or "".
func checkReason(reason string) string {
	fe := fieldErrors{}
	checkText(fe, "reason", reason, true, 2, maxReasonLen, true)
	return fe["reason"]
}

// decide approves or rejects a pending account, records it and mails the
// person in their language, all in one transaction. It returns
// errNotPending when the account no longer waits, and errWrongState when
// a staff member would approve an account an admin gave a staff or admin
// role: only admins hand out those.
func (s *Server) decide(c echo.Context, id int64, approve bool, reason string) error {
	v := viewerOf(c)
	by := v.user.ID
	now := s.now()
	return s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		if u.Status != "pending" {
			return errNotPending
		}
		if v.user.Role != "admin" && !slices.Contains(selfRoles, u.Role) {
			return errWrongState
		}
		if approve {
			if err := tx.SetUserStatus(id, "active", "", by, now); err != nil {
				return err
			}
			if err := tx.Audit(s.auditEntry(c, "user.approved", "user", id, "role: "+u.Role)); err != nil {
				return err
			}
			return s.sendMail(tx, recipientOf(u), mailSpec{Kind: "approved", Link: s.absURL(i18n.HrefLang(u.Lang, "/login")),
				Data: []any{"Role", s.catalog.Locale(u.Lang).T("role." + u.Role)}})
		}
		if err := tx.SetUserStatus(id, "rejected", reason, by, now); err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "user.rejected", "user", id, reason)); err != nil {
			return err
		}
		return s.sendMail(tx, recipientOf(u), mailSpec{Kind: "rejected", Data: []any{"Reason", reason}})
	})
}

// ---- Staff: the registrations queue ----

func registrationVM(c echo.Context, u db.User, reason views.FieldVM) views.RegistrationVM {
	ctx := c.Request().Context()
	base := "/staff/registrations/" + idString(u.ID)
	return views.RegistrationVM{
		ID: u.ID, Name: u.FullName, Company: u.Company, Position: u.Position, Email: u.Email, Phone: u.Phone,
		Role: u.Role, Lang: u.Lang, Registered: u.CreatedAt, Confirmed: u.EmailConfirmedAt,
		ApproveHref: i18n.Href(ctx, base+"/approve"), RejectHref: i18n.Href(ctx, base+"/reject"),
		Reason: reason, RejectOpen: reason.ErrorID != "",
	}
}

// renderRegistrations shows the queue; failed, when set, is the account
// whose rejection had a problem, shown with its form open and the reason
// as typed.
func (s *Server) renderRegistrations(c echo.Context, status, page int, vm views.RegistrationsVM, failed *views.RegistrationVM) error {
	ctx := c.Request().Context()
	users, total, err := s.store.PendingUsers(ctx, page, adminPerPage)
	if err != nil {
		return err
	}
	pages := pageCount(total)
	if page > pages {
		return echo.ErrNotFound
	}
	shown := false
	for _, u := range users {
		if failed != nil && u.ID == failed.ID {
			vm.Items = append(vm.Items, *failed)
			shown = true
			continue
		}
		vm.Items = append(vm.Items, registrationVM(c, u, reasonField("reason-"+idString(u.ID), "", "")))
	}
	if failed != nil && !shown {
		vm.Items = append([]views.RegistrationVM{*failed}, vm.Items...)
	}
	vm.Total = total
	base := i18n.Href(ctx, "/staff/registrations")
	vm.Pagination = pagination(page, pages, func(p int) string {
		if p == 1 {
			return base
		}
		return base + "?page=" + strconv.Itoa(p)
	})
	return render(c, status, views.RegistrationsPage(s.adminMeta(c, "admin.registrations.title"), vm))
}

// registrationRefused shows the queue with the message of a refused
// decision (422), or passes other errors on.
func (s *Server) registrationRefused(c echo.Context, err error) error {
	var msg string
	switch {
	case errors.Is(err, errNotPending):
		msg = "admin.error.not_pending"
	case errors.Is(err, errWrongState):
		msg = "admin.error.wrong_state"
	default:
		return err
	}
	return s.renderRegistrations(c, http.StatusUnprocessableEntity, 1, views.RegistrationsVM{ErrorID: msg}, nil)
}

// handleRegistrationList shows the registrations waiting for approval,
// oldest first.
func (s *Server) handleRegistrationList(c echo.Context) error {
	page, err := pageParam(c.QueryParams())
	if err != nil {
		return err
	}
	return s.renderRegistrations(c, http.StatusOK, page, views.RegistrationsVM{NoticeID: doneNotices[c.QueryParam("done")]}, nil)
}

// handleRegistrationApprove opens the portal to a pending registration.
func (s *Server) handleRegistrationApprove(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.decide(c, id, true, ""); err != nil {
		return s.registrationRefused(c, err)
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/staff/registrations")+"?done=approved")
}

// handleRegistrationReject declines a pending registration with a reason
// that the person is sent.
func (s *Server) handleRegistrationReject(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	reason, ok := formField(c, "reason")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	if problem := checkReason(reason); problem != "" {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if u.Status != "pending" {
			return s.renderRegistrations(c, http.StatusUnprocessableEntity, 1, views.RegistrationsVM{ErrorID: "admin.error.not_pending"}, nil)
		}
		failed := registrationVM(c, u, reasonField("reason-"+idString(u.ID), reason, problem))
		return s.renderRegistrations(c, http.StatusUnprocessableEntity, 1, views.RegistrationsVM{}, &failed)
	}
	if err := s.decide(c, id, false, reason); err != nil {
		return s.registrationRefused(c, err)
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/registrations")+"?done=rejected")
}

// ---- Admin: the account list ----

// userQuery is the account list's query string, parsed and checked.
type userQuery struct {
	Q, Role, Status string
	Page            int
}

func parseUserQuery(q url.Values) (userQuery, error) {
	var uq userQuery
	var err error
	if uq.Q, err = queryText(q, "q", 200); err != nil {
		return uq, err
	}
	uq.Role, uq.Status = q.Get("role"), q.Get("status")
	if uq.Role != "" && !slices.Contains(db.Roles, uq.Role) {
		return uq, echo.NewHTTPError(http.StatusBadRequest, "unknown role")
	}
	if uq.Status != "" && !slices.Contains(db.UserStatuses, uq.Status) {
		return uq, echo.NewHTTPError(http.StatusBadRequest, "unknown status")
	}
	uq.Page, err = pageParam(q)
	return uq, err
}

func (uq userQuery) encode(page int) string {
	v := url.Values{}
	for k, val := range map[string]string{"q": uq.Q, "role": uq.Role, "status": uq.Status} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// handleUserList lists accounts, newest first, with a search over name,
// email and company and filters by role and status, all in the query
// string.
func (s *Server) handleUserList(c echo.Context) error {
	ctx := c.Request().Context()
	uq, err := parseUserQuery(c.QueryParams())
	if err != nil {
		return err
	}
	users, total, err := s.store.ListUsers(ctx, db.UserFilter{Query: uq.Q, Role: uq.Role, Status: uq.Status, Page: uq.Page, PerPage: adminPerPage})
	if err != nil {
		return err
	}
	pages := pageCount(total)
	if uq.Page > pages {
		return echo.ErrNotFound
	}
	counts, err := s.store.CountUsersByStatus(ctx)
	if err != nil {
		return err
	}
	base := i18n.Href(ctx, "/admin/users")
	vm := views.UserListVM{
		NoticeID:   doneNotices[c.QueryParam("done")],
		Query:      uq.Q,
		Role:       options(db.Roles, uq.Role, "role.", "filter.any"),
		Status:     options(db.UserStatuses, uq.Status, "status.", "filter.any"),
		Filtered:   uq.Q != "" || uq.Role != "" || uq.Status != "",
		ResetHref:  base,
		NewHref:    i18n.Href(ctx, "/admin/users/new"),
		Total:      total,
		Pagination: pagination(uq.Page, pages, func(p int) string { return withQuery(base, uq.encode(p)) }),
	}
	for _, st := range db.UserStatuses {
		vm.Counts = append(vm.Counts, views.StatusCountVM{Status: st, Count: counts[st],
			Href: withQuery(base, userQuery{Status: st}.encode(1)), Current: uq.Status == st})
	}
	for _, u := range users {
		vm.Items = append(vm.Items, views.UserRowVM{ID: u.ID, Name: u.FullName, Email: u.Email, Company: u.Company,
			Role: u.Role, Status: u.Status, Created: u.CreatedAt, Href: i18n.Href(ctx, "/admin/users/"+idString(u.ID))})
	}
	return render(c, http.StatusOK, views.UserListPage(s.adminMeta(c, "admin.users.title"), vm))
}

// ---- Admin: creating staff accounts ----

// userNewForm is the form that creates a staff or admin account.
type userNewForm struct {
	FullName, Email, Role, Lang, Password string
}

var userNewFields = []string{"full_name", "email", "role", "lang", "password"}

var userNewLabels = map[string]string{
	"full_name": "form.full_name", "email": "form.email", "role": "admin.field.role", "lang": "form.lang", "password": "form.password",
}

// Validate checks the form and returns its problems by field.
func (f *userNewForm) Validate() fieldErrors {
	fe := fieldErrors{}
	checkText(fe, "full_name", f.FullName, true, 2, 200, false)
	checkEmail(fe, "email", f.Email)
	if !slices.Contains(createRoles, f.Role) {
		fe.add("role", "form.choose")
	}
	if !i18n.Supported(f.Lang) {
		fe.add("lang", "form.choose")
	}
	if id := passwordProblem(f.Password, f.Email); id != "" {
		fe.add("password", id)
	}
	return fe
}

func userNewVM(f userNewForm, fe fieldErrors) views.UserNewVM {
	field := func(name, typ, auto string, maxLen int, value string) views.FieldVM {
		return views.FieldVM{ID: "new-" + name, Name: name, Type: typ, LabelID: userNewLabels[name], Value: value,
			ErrorID: fe[name], Autocomplete: auto, Required: true, MaxLen: maxLen}
	}
	email := field("email", "email", "off", 254, f.Email)
	email.Dir = "ltr"
	role := field("role", "select", "", 0, f.Role)
	role.Options = []views.OptionVM{{Value: "", LabelID: "form.choose_option"}}
	for _, r := range createRoles {
		role.Options = append(role.Options, views.OptionVM{Value: r, LabelID: "role." + r})
	}
	lang := field("lang", "select", "", 0, f.Lang)
	for _, l := range i18n.Langs {
		lang.Options = append(lang.Options, views.OptionVM{Value: l, LabelID: "lang.name." + l})
	}
	pw := field("password", "password", "new-password", maxPasswordLen, "")
	pw.HintID = "admin.new.password_hint"
	return views.UserNewVM{
		Fields: []views.FieldVM{field("full_name", "text", "off", 200, f.FullName), email, role, lang, pw},
		Errors: errorSummary(fe, userNewFields, "new-", userNewLabels),
	}
}

// handleUserNewForm shows the form that creates a staff or admin account.
func (s *Server) handleUserNewForm(c echo.Context) error {
	f := userNewForm{Role: "staff", Lang: i18n.Lang(c.Request().Context())}
	return render(c, http.StatusOK, views.UserNewPage(s.adminMeta(c, "admin.new.title"), userNewVM(f, nil)))
}

// handleUserCreate creates an active staff or admin account with the
// password the admin typed.
func (s *Server) handleUserCreate(c echo.Context) error {
	ctx := c.Request().Context()
	var f userNewForm
	var ok [4]bool
	f.FullName, ok[0] = formField(c, "full_name")
	f.Email, ok[1] = formField(c, "email")
	f.Role, ok[2] = formField(c, "role")
	f.Lang, ok[3] = formField(c, "lang")
	f.Password = c.FormValue("password")
	if slices.Contains(ok[:], false) || !utf8.ValidString(f.Password) {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	meta := s.adminMeta(c, "admin.new.title")
	fe := f.Validate()
	if len(fe) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.UserNewPage(meta, userNewVM(f, fe)))
	}
	hash, err := s.hasher.hash(ctx, f.Password)
	if err != nil {
		return err
	}
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.CreateUser(db.NewUser{Email: f.Email, PasswordHash: hash, FullName: f.FullName,
			Role: f.Role, Status: "active", Lang: f.Lang, Now: s.now()})
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "user.created", "user", id, "role: "+f.Role))
	})
	if errors.Is(err, db.ErrEmailTaken) {
		fe.add("email", "admin.error.email_taken")
		return render(c, http.StatusUnprocessableEntity, views.UserNewPage(meta, userNewVM(f, fe)))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/admin/users/"+idString(id))+"?done=created")
}

// ---- Admin: one account ----

// userPageVM builds an account's page with the actions its status allows.
func (s *Server) userPageVM(c echo.Context, u db.User) (views.UserPageVM, error) {
	ctx := c.Request().Context()
	n, err := s.store.CountUserSessions(ctx, u.ID)
	if err != nil {
		return views.UserPageVM{}, err
	}
	history, _, err := s.store.ListAudit(ctx, db.AuditFilter{TargetType: "user", TargetID: u.ID, PerPage: 10})
	if err != nil {
		return views.UserPageVM{}, err
	}
	base := "/admin/users/" + idString(u.ID)
	href := func(action string) string { return i18n.Href(ctx, base+"/"+action) }
	self := u.ID == viewerOf(c).user.ID
	vm := views.UserPageVM{
		User: views.UserDetailVM{ID: u.ID, Name: u.FullName, Email: u.Email, Company: u.Company, Position: u.Position,
			Phone: u.Phone, Role: u.Role, Status: u.Status, Lang: u.Lang, RejectReason: u.RejectReason,
			Created: u.CreatedAt, Confirmed: u.EmailConfirmedAt, Decided: u.DecidedAt},
		Self:        self,
		Sessions:    n,
		RoleHref:    href("role"),
		Reason:      reasonField("reason", "", ""),
		Role:        views.FieldVM{ID: "role", Name: "role", Type: "select", LabelID: "admin.field.role", Value: u.Role, Required: true},
		HistoryHref: i18n.Href(ctx, "/admin/audit") + "?user=" + idString(u.ID),
		ListHref:    i18n.Href(ctx, "/admin/users"),
	}
	for _, r := range db.Roles {
		vm.Role.Options = append(vm.Role.Options, views.OptionVM{Value: r, LabelID: "role." + r})
	}
	switch u.Status {
	case "pending":
		vm.ApproveHref, vm.RejectHref = href("approve"), href("reject")
	case "active":
		if !self {
			vm.DisableHref = href("disable")
		}
	case "disabled":
		vm.EnableHref = href("enable")
	}
	if self {
		// An admin keeps their own role: another admin must change it.
		vm.RoleHref = ""
	}
	for _, e := range history {
		vm.History = append(vm.History, auditRowVM(c, e))
	}
	return vm, nil
}

// renderUserPage shows an account's page; edit adjusts the view model
// (a notice, an error, a field as typed).
func (s *Server) renderUserPage(c echo.Context, status int, id int64, edit func(*views.UserPageVM)) error {
	u, err := s.store.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	vm, err := s.userPageVM(c, u)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(&vm)
	}
	meta := s.adminMeta(c, "admin.user.title")
	meta.Title = u.FullName + " · " + meta.Title
	return render(c, status, views.UserPage(meta, vm))
}

// handleUserShow shows an account's details and the actions on it.
func (s *Server) handleUserShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	notice := doneNotices[c.QueryParam("done")]
	return s.renderUserPage(c, http.StatusOK, id, func(vm *views.UserPageVM) { vm.NoticeID = notice })
}

// userActionDone redirects to the account's page with a notice, or
// renders it with the message of a refused action (422).
func (s *Server) userActionDone(c echo.Context, id int64, err error, done string) error {
	var msg string
	switch {
	case err == nil:
		return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/admin/users/"+idString(id))+"?done="+done)
	case errors.Is(err, errUnchanged):
		return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/admin/users/"+idString(id))+"?done=unchanged")
	case errors.Is(err, errNotPending):
		msg = "admin.error.not_pending"
	case errors.Is(err, errWrongState):
		msg = "admin.error.wrong_state"
	default:
		return err
	}
	return s.renderUserPage(c, http.StatusUnprocessableEntity, id, func(vm *views.UserPageVM) { vm.ErrorID = msg })
}

// handleUserApprove approves a pending account from its page.
func (s *Server) handleUserApprove(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.userActionDone(c, id, s.decide(c, id, true, ""), "approved")
}

// handleUserReject rejects a pending account from its page.
func (s *Server) handleUserReject(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	reason, ok := formField(c, "reason")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	if problem := checkReason(reason); problem != "" {
		return s.renderUserPage(c, http.StatusUnprocessableEntity, id, func(vm *views.UserPageVM) {
			if vm.RejectHref == "" {
				vm.ErrorID = "admin.error.not_pending"
				return
			}
			vm.Reason = reasonField("reason", reason, problem)
		})
	}
	return s.userActionDone(c, id, s.decide(c, id, false, reason), "rejected")
}

// handleUserDisable switches an active account off and ends every one of
// its sessions at once. Admins cannot disable themselves.
func (s *Server) handleUserDisable(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if id == viewerOf(c).user.ID {
		return s.renderUserPage(c, http.StatusUnprocessableEntity, id, func(vm *views.UserPageVM) { vm.ErrorID = "admin.error.self_disable" })
	}
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		if u.Status != "active" {
			return errWrongState
		}
		if err := tx.SetUserStatus(id, "disabled", "", viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(id, "")
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "user.disabled", "user", id, fmt.Sprintf("sessions ended: %d", n)))
	})
	return s.userActionDone(c, id, err, "disabled")
}

// handleUserEnable switches a disabled account on again.
func (s *Server) handleUserEnable(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		if u.Status != "disabled" {
			return errWrongState
		}
		if err := tx.SetUserStatus(id, "active", "", viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "user.enabled", "user", id, ""))
	})
	return s.userActionDone(c, id, err, "enabled")
}

// handleUserRole changes an account's role and ends its sessions, so the
// person logs in again with a new session id under the new privileges.
// Admins cannot take their own admin role away.
func (s *Server) handleUserRole(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	role, ok := formField(c, "role")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	if !slices.Contains(db.Roles, role) {
		return s.renderUserPage(c, http.StatusUnprocessableEntity, id, func(vm *views.UserPageVM) {
			vm.Role.Value, vm.Role.ErrorID = role, "form.choose"
		})
	}
	if id == viewerOf(c).user.ID && role != "admin" {
		return s.renderUserPage(c, http.StatusUnprocessableEntity, id, func(vm *views.UserPageVM) { vm.ErrorID = "admin.error.self_role" })
	}
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		if u.Role == role {
			return errUnchanged
		}
		if err := tx.SetUserRole(id, role, s.now()); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(id, "")
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "user.role_changed", "user", id, fmt.Sprintf("%s → %s; sessions ended: %d", u.Role, role, n)))
	})
	return s.userActionDone(c, id, err, "role")
}

// ---- Admin: the audit log ----

// auditQuery is the audit log's query string, parsed and checked.
type auditQuery struct {
	Action, Actor, From, To string
	User                    int64
	Page                    int
	from, until             time.Time
}

const dayFormat = "2006-01-02"

// parseAuditQuery reads the audit log's filters; days are read in zone,
// the one the page shows times in.
func parseAuditQuery(q url.Values, actions []string, zone *time.Location) (auditQuery, error) {
	var aq auditQuery
	var err error
	aq.Action = q.Get("action")
	if aq.Action != "" && !slices.Contains(actions, aq.Action) {
		return aq, echo.NewHTTPError(http.StatusBadRequest, "unknown action")
	}
	if aq.Actor, err = queryText(q, "actor", 254); err != nil {
		return aq, err
	}
	day := func(name string) (string, time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return "", time.Time{}, nil
		}
		t, err := time.ParseInLocation(dayFormat, v, zone)
		if err != nil {
			return "", time.Time{}, echo.NewHTTPError(http.StatusBadRequest, "bad "+name)
		}
		return v, t, nil
	}
	if aq.From, aq.from, err = day("from"); err != nil {
		return aq, err
	}
	var to time.Time
	if aq.To, to, err = day("to"); err != nil {
		return aq, err
	}
	if !to.IsZero() {
		aq.until = to.AddDate(0, 0, 1)
	}
	if v := q.Get("user"); v != "" {
		aq.User, err = strconv.ParseInt(v, 10, 64)
		if err != nil || aq.User <= 0 {
			return aq, echo.NewHTTPError(http.StatusBadRequest, "bad user")
		}
	}
	aq.Page, err = pageParam(q)
	return aq, err
}

func (aq auditQuery) encode(page int) string {
	v := url.Values{}
	for k, val := range map[string]string{"action": aq.Action, "actor": aq.Actor, "from": aq.From, "to": aq.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if aq.User > 0 {
		v.Set("user", idString(aq.User))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

func (aq auditQuery) filtered() bool {
	return aq.Action != "" || aq.Actor != "" || aq.From != "" || aq.To != "" || aq.User > 0
}

// auditRowVM turns an audit entry into a row, linking the accounts it
// names.
func auditRowVM(c echo.Context, e db.AuditEntryRow) views.AuditRowVM {
	ctx := c.Request().Context()
	r := views.AuditRowVM{At: e.At, ActorEmail: e.ActorEmail, Action: e.Action, TargetType: e.TargetType,
		TargetID: e.TargetID, IP: e.IP, Detail: e.Detail}
	if slices.Contains(auditActions, e.Action) {
		r.ActionLabelID = "audit.action." + e.Action
	}
	if e.ActorID != 0 {
		r.ActorHref = i18n.Href(ctx, "/admin/users/"+idString(e.ActorID))
	}
	if e.TargetType == "user" && e.TargetID != 0 {
		r.TargetHref = i18n.Href(ctx, "/admin/users/"+idString(e.TargetID))
	}
	return r
}

// handleAuditList shows the audit log, newest first, filtered by action,
// actor, account and day range (days in the zone times are shown in).
func (s *Server) handleAuditList(c echo.Context) error {
	ctx := c.Request().Context()
	logged, err := s.store.AuditActions(ctx)
	if err != nil {
		return err
	}
	actions := slices.Clone(auditActions)
	for _, a := range logged {
		if !slices.Contains(actions, a) {
			actions = append(actions, a)
		}
	}
	aq, err := parseAuditQuery(c.QueryParams(), actions, i18n.From(ctx).Zone())
	if err != nil {
		return err
	}
	f := db.AuditFilter{Action: aq.Action, Actor: aq.Actor, From: aq.from, Until: aq.until, Page: aq.Page, PerPage: adminPerPage}
	if aq.User > 0 {
		f.TargetType, f.TargetID = "user", aq.User
	}
	rows, total, err := s.store.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	pages := pageCount(total)
	if aq.Page > pages {
		return echo.ErrNotFound
	}
	base := i18n.Href(ctx, "/admin/audit")
	vm := views.AuditVM{
		Actions:    []views.OptionVM{{Value: "", LabelID: "filter.any", Selected: aq.Action == ""}},
		Actor:      aq.Actor,
		From:       aq.From,
		To:         aq.To,
		User:       aq.User,
		Filtered:   aq.filtered(),
		ResetHref:  base,
		Total:      total,
		Pagination: pagination(aq.Page, pages, func(p int) string { return withQuery(base, aq.encode(p)) }),
	}
	for _, a := range actions {
		o := views.OptionVM{Value: a, Selected: a == aq.Action}
		if slices.Contains(auditActions, a) {
			o.LabelID = "audit.action." + a
		} else {
			o.Label = a
		}
		vm.Actions = append(vm.Actions, o)
	}
	for _, e := range rows {
		vm.Items = append(vm.Items, auditRowVM(c, e))
	}
	return render(c, http.StatusOK, views.AuditPage(s.adminMeta(c, "audit.title"), vm))
}
