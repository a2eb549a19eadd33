package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web/ruid"
)

// The inquiry form's steps: company, contacts, partnership, attachments
// and message, then review and submit.
const (
	stepCompany = 1 + iota
	stepContacts
	stepPartnership
	stepMessage
	stepReview
)

var inquiryStepLabels = []string{"", "inquiry.step.company", "inquiry.step.contacts", "inquiry.step.partnership",
	"inquiry.step.message", "inquiry.step.review"}

// maxInquiryAttachmentBytes bounds one attached PDF.
const maxInquiryAttachmentBytes = 20 << 20

// inquiryField describes one field of the form: its step, name, label,
// kind and limits.
type inquiryField struct {
	step     int
	name     string
	typ      string // text, textarea, select, email, tel, number, url
	required bool
	max      int
	dir      string
}

var inquiryFields = []inquiryField{
	{stepCompany, "company", "text", true, 200, ""},
	{stepCompany, "country", "select", true, 0, ""},
	{stepCompany, "inn", "text", false, 12, "ltr"},
	{stepCompany, "ogrn", "text", false, 15, "ltr"},
	{stepCompany, "kpp", "text", false, 9, "ltr"},
	{stepCompany, "website", "url", false, 200, "ltr"},
	{stepCompany, "region", "text", true, 100, ""},
	{stepContacts, "contact_name", "text", true, 100, ""},
	{stepContacts, "contact_position", "text", true, 100, ""},
	{stepContacts, "email", "email", true, 254, "ltr"},
	{stepContacts, "phone", "tel", true, 30, "ltr"},
	{stepPartnership, "kind", "select", true, 0, ""},
	{stepPartnership, "models", "text", true, 300, ""},
	{stepPartnership, "volume", "number", true, 9, "ltr"},
	{stepPartnership, "investment", "number", false, 15, "ltr"},
	{stepPartnership, "currency", "select", true, 0, ""},
	{stepPartnership, "timeline", "text", true, 200, ""},
	{stepPartnership, "network_points", "number", false, 6, "ltr"},
	{stepPartnership, "network_cities", "textarea", false, 1000, ""},
	{stepMessage, "message", "textarea", true, 5000, ""},
}

// inquiryValues reads and writes an inquiry's fields as form text.
func inquiryValue(q *db.Inquiry, name string) string {
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	switch name {
	case "company":
		return q.Company
	case "country":
		return q.Country
	case "inn":
		return q.INN
	case "ogrn":
		return q.OGRN
	case "kpp":
		return q.KPP
	case "website":
		return q.Website
	case "region":
		return q.Region
	case "contact_name":
		return q.ContactName
	case "contact_position":
		return q.ContactPosition
	case "email":
		return q.Email
	case "phone":
		return q.Phone
	case "kind":
		return q.Kind
	case "models":
		return q.Models
	case "volume":
		return num(int64(q.VolumePerYear))
	case "investment":
		return num(q.Investment)
	case "currency":
		return q.Currency
	case "timeline":
		return q.Timeline
	case "network_points":
		return num(int64(q.NetworkPoints))
	case "network_cities":
		return q.NetworkCities
	case "message":
		return q.Message
	}
	return ""
}

// readInquiryStep reads one step's fields from the request into q and
// validates them. A field that is not valid UTF-8 makes the request a 400.
func readInquiryStep(c echo.Context, step int, q *db.Inquiry) (fieldErrors, error) {
	vals := map[string]string{}
	for _, f := range inquiryFields {
		if f.step != step {
			continue
		}
		v, ok := formField(c, f.name)
		if !ok {
			return nil, echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
		}
		vals[f.name] = v
	}
	fe := validateInquiryStep(step, vals, q)
	return fe, nil
}

// validateInquiryStep checks one step's values and writes them into q.
func validateInquiryStep(step int, vals map[string]string, q *db.Inquiry) fieldErrors {
	fe := fieldErrors{}
	for _, f := range inquiryFields {
		if f.step != step {
			continue
		}
		v := vals[f.name]
		switch f.typ {
		case "select", "number":
			if v == "" && f.required {
				fe.add(f.name, "form.required")
			}
		default:
			checkText(fe, f.name, v, f.required, 0, f.max, f.typ == "textarea")
		}
	}
	num := func(name string, maxV int64) int64 {
		v := strings.ReplaceAll(vals[name], " ", "")
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > maxV {
			fe.add(name, "inquiry.err.number")
			return 0
		}
		return n
	}
	switch step {
	case stepCompany:
		q.Company, q.Country, q.Region, q.Website = vals["company"], vals["country"], vals["region"], vals["website"]
		q.INN, q.OGRN, q.KPP = vals["inn"], vals["ogrn"], strings.ToUpper(vals["kpp"])
		if !slices.Contains(db.InquiryCountries, q.Country) {
			fe.add("country", "form.required")
		}
		russian := q.Country == "RU"
		if q.INN == "" && russian {
			fe.add("inn", "form.required")
		} else if q.INN != "" {
			if err := ruid.INN(q.INN); err != nil {
				fe.add("inn", "inquiry.err."+ruid.Code(err))
			}
		}
		if q.OGRN == "" && russian {
			fe.add("ogrn", "form.required")
		} else if q.OGRN != "" {
			if err := ruid.OGRN(q.OGRN); err != nil {
				fe.add("ogrn", "inquiry.err."+ruid.Code(err))
			} else if _, bad := fe["inn"]; !bad && q.INN != "" {
				if err := ruid.Matching(q.INN, q.OGRN); err != nil {
					fe.add("ogrn", "inquiry.err."+ruid.Code(err))
				}
			}
		}
		if q.KPP != "" {
			if err := ruid.KPP(q.KPP, q.INN); err != nil {
				fe.add("kpp", "inquiry.err."+ruid.Code(err))
			}
		}
		if q.Website != "" {
			w := q.Website
			if !strings.Contains(w, "://") {
				w = "https://" + w
			}
			u, err := url.Parse(w)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") || strings.ContainsAny(w, " <>\"'") {
				fe.add("website", "inquiry.err.website")
			}
		}
	case stepContacts:
		q.ContactName, q.ContactPosition, q.Email, q.Phone = vals["contact_name"], vals["contact_position"], vals["email"], vals["phone"]
		if _, bad := fe["email"]; !bad {
			checkEmail(fe, "email", q.Email)
		}
		if _, bad := fe["phone"]; !bad {
			if p, ok := normalizePhone(q.Phone); ok {
				q.Phone = p
			} else {
				fe.add("phone", "form.phone_invalid")
			}
		}
	case stepPartnership:
		q.Kind, q.Models, q.Currency, q.Timeline, q.NetworkCities = vals["kind"], vals["models"], vals["currency"], vals["timeline"], vals["network_cities"]
		if !slices.Contains(db.ProposalKinds, q.Kind) {
			fe.add("kind", "form.required")
		}
		if !slices.Contains(db.ProposalCurrencies, q.Currency) {
			fe.add("currency", "form.required")
		}
		q.VolumePerYear = int(num("volume", 10_000_000))
		if q.VolumePerYear == 0 {
			fe.add("volume", "inquiry.err.volume")
		}
		q.Investment = num("investment", 1_000_000_000_000)
		q.NetworkPoints = int(num("network_points", 100_000))
	case stepMessage:
		q.Message = vals["message"]
	}
	return fe
}

// validateInquiry checks every step of a stored draft before it is
// submitted; it returns the first step with a problem, or 0.
func validateInquiry(q db.Inquiry) (int, fieldErrors) {
	for step := stepCompany; step <= stepMessage; step++ {
		vals := map[string]string{}
		for _, f := range inquiryFields {
			if f.step == step {
				vals[f.name] = inquiryValue(&q, f.name)
			}
		}
		cp := q
		if fe := validateInquiryStep(step, vals, &cp); len(fe) > 0 {
			return step, fe
		}
	}
	return 0, nil
}

// inquiryFieldVMs builds the fields of a step.
func inquiryFieldVMs(step int, q *db.Inquiry, typed map[string]string, fe fieldErrors) []views.FieldVM {
	var out []views.FieldVM
	for _, f := range inquiryFields {
		if f.step != step {
			continue
		}
		v := inquiryValue(q, f.name)
		if t, ok := typed[f.name]; ok {
			v = t
		}
		typ := f.typ
		if typ == "number" {
			typ = "text"
		}
		vm := views.FieldVM{ID: "inq-" + f.name, Name: f.name, Type: typ, LabelID: "inquiry.field." + f.name, Value: v,
			ErrorID: fe[f.name], Required: f.required, Dir: f.dir, MaxLen: f.max}
		switch f.name {
		case "inn", "ogrn", "kpp", "volume", "investment", "network_points", "phone", "website":
			vm.HintID = "inquiry.hint." + f.name
		}
		if f.name == "inn" || f.name == "ogrn" || f.name == "volume" || f.name == "investment" || f.name == "network_points" {
			vm.MaxLen = 0
		}
		switch f.name {
		case "email":
			vm.Autocomplete = "email"
		case "phone":
			vm.Autocomplete = "tel"
		case "company":
			vm.Autocomplete = "organization"
		case "contact_name":
			vm.Autocomplete = "name"
		case "contact_position":
			vm.Autocomplete = "organization-title"
		case "website":
			vm.Autocomplete = "url"
		case "country":
			for _, c := range db.InquiryCountries {
				vm.Options = append(vm.Options, views.OptionVM{Value: c, LabelID: "inquiry.country." + c})
			}
		case "kind":
			for _, k := range db.ProposalKinds {
				vm.Options = append(vm.Options, views.OptionVM{Value: k, LabelID: "proposal.kind." + k})
			}
		case "currency":
			for _, k := range db.ProposalCurrencies {
				vm.Options = append(vm.Options, views.OptionVM{Value: k, Label: k})
			}
		}
		out = append(out, vm)
	}
	return out
}

func inquiryErrorSummary(step int, fe fieldErrors) []views.FormErrorVM {
	var order []string
	labels := map[string]string{}
	for _, f := range inquiryFields {
		if f.step == step {
			order = append(order, f.name)
			labels[f.name] = "inquiry.field." + f.name
		}
	}
	return errorSummary(fe, order, "inq-", labels)
}

// inquiryHref is a partner's inquiry page.
func inquiryHref(c echo.Context, id int64, rest string) string {
	return i18n.Href(c.Request().Context(), "/inquiries/"+idString(id)+rest)
}

// ownInquiry loads the :id inquiry of the logged-in person; 404 for
// anyone else's, staff included (staff use the inbox).
func (s *Server) ownInquiry(c echo.Context) (db.Inquiry, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return db.Inquiry{}, err
	}
	v := dbViewer(c)
	q, err := s.store.InquiryFor(c.Request().Context(), db.Viewer{ID: v.ID, Role: "partner"}, id)
	if err != nil {
		return db.Inquiry{}, err
	}
	return q, nil
}

// handleInquiryList is "My inquiries": drafts to resume and submitted
// inquiries with their status.
func (s *Server) handleInquiryList(c echo.Context) error {
	list, err := s.store.MyInquiries(c.Request().Context(), viewerOf(c).user.ID)
	if err != nil {
		return err
	}
	vm := views.MyInquiriesVM{NewHref: i18n.Href(c.Request().Context(), "/inquiries/new")}
	for _, q := range list {
		vm.Rows = append(vm.Rows, s.inquiryRow(c, q, false))
	}
	m := s.pageMeta(c, "inquiries.title")
	m.Section, m.NoIndex = "inquiries", true
	return render(c, http.StatusOK, views.MyInquiriesPage(m, vm))
}

func (s *Server) inquiryRow(c echo.Context, q db.Inquiry, staff bool) views.InquiryRowVM {
	r := views.InquiryRowVM{ID: q.ID, Ref: q.Ref, Company: q.Company, INN: q.INN, Status: q.Status, Assignee: q.AssigneeName,
		Owner: q.OwnerName, SubmittedAt: q.SubmittedAt, UpdatedAt: q.UpdatedAt, Step: q.Step}
	switch {
	case staff:
		r.Href = i18n.Href(c.Request().Context(), "/staff/inquiries/"+idString(q.ID))
	case q.Status == "draft":
		r.Href = inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(max(stepCompany, min(q.Step, stepReview))))
	default:
		r.Href = inquiryHref(c, q.ID, "")
	}
	return r
}

// handleInquiryNewForm shows the first step of a new inquiry. A visitor
// sees it too: what they type is kept with their session while they
// register.
func (s *Server) handleInquiryNewForm(c echo.Context) error {
	v := viewerOf(c)
	if v.loggedIn() && !slices.Contains(allowedRoles[partners], v.user.Role) {
		return echo.ErrNotFound
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	q := db.Inquiry{Country: "RU", Kind: "joint_venture", Currency: "RUB"}
	if !v.loggedIn() {
		if key := sessionInquiryDraft(v.session); key != "" {
			if d, err := s.store.InquiryByAnonKey(c.Request().Context(), key); err == nil {
				q = d
			}
		}
	}
	return s.renderInquiryStep(c, http.StatusOK, q, stepCompany, nil, nil)
}

// handleInquiryCreate saves the first step as a new draft. A visitor's
// draft is kept under a key in their session and given to the account
// they register or log in as.
func (s *Server) handleInquiryCreate(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	if v.loggedIn() && !slices.Contains(allowedRoles[partners], v.user.Role) {
		return echo.ErrNotFound
	}
	if !s.inquiryAllowed(c, "draft") {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	q := db.Inquiry{Country: "RU", Kind: "joint_venture", Currency: "RUB", Step: stepContacts}
	fe, err := readInquiryStep(c, stepCompany, &q)
	if err != nil {
		return err
	}
	if len(fe) > 0 {
		return s.renderInquiryStep(c, http.StatusUnprocessableEntity, q, stepCompany, fe, typedValues(c, stepCompany))
	}
	if !v.loggedIn() {
		key := sessionInquiryDraft(v.session)
		if d, err := s.store.InquiryByAnonKey(ctx, key); key != "" && err == nil {
			q.ID = d.ID
		} else {
			key = randomToken(24)
			err := s.store.Tx(ctx, func(tx *db.Tx) error {
				id, err := tx.CreateInquiryDraft(0, key, s.now())
				q.ID = id
				return err
			})
			if err != nil {
				return err
			}
			setSessionInquiryDraft(v.session, key)
			if err := v.session.Save(c.Request(), c.Response()); err != nil {
				return err
			}
		}
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.SaveInquiry(q, s.now()) }); err != nil {
			return err
		}
		m := s.pageMeta(c, "inquiry.visitor.title")
		m.NoIndex = true
		next := url.QueryEscape(i18n.Href(ctx, "/inquiries"))
		return render(c, http.StatusOK, views.InquiryVisitorPage(m, views.InquiryVisitorVM{
			RegisterHref: i18n.Href(ctx, "/register"), LoginHref: i18n.Href(ctx, "/login") + "?next=" + next}))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.CreateInquiryDraft(v.user.ID, "", s.now())
		if err != nil {
			return err
		}
		q.ID = id
		if err := tx.SaveInquiry(q, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "inquiry.draft", "inquiry", id, ""))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step=2"))
}

// typedValues are a step's values as typed, to show again with errors.
func typedValues(c echo.Context, step int) map[string]string {
	out := map[string]string{}
	for _, f := range inquiryFields {
		if f.step == step {
			v, _ := formField(c, f.name)
			out[f.name] = v
		}
	}
	return out
}

// inquiryAllowed takes a token from the per-account and per-IP limits of
// inquiry writes.
func (s *Server) inquiryAllowed(c echo.Context, action string) bool {
	if !s.limits.allow("inquiry-"+action+"-ip:"+c.RealIP(), inquiryPerIP) {
		return false
	}
	if v := viewerOf(c); v.loggedIn() {
		return s.limits.allow("inquiry-"+action+"-user:"+idString(v.user.ID), inquiryPerAccount)
	}
	return true
}

func stepParam(c echo.Context, fallback int) int {
	n, err := strconv.Atoi(c.QueryParam("step"))
	if err != nil || n < stepCompany || n > stepReview {
		return fallback
	}
	return n
}

// handleInquiryEditForm shows a step of an editable inquiry.
func (s *Server) handleInquiryEditForm(c echo.Context) error {
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if !q.Editable() {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, ""))
	}
	step := stepParam(c, min(q.Step, stepReview))
	if q.Status == "draft" && step > q.Step {
		step = max(stepCompany, q.Step)
	}
	return s.renderInquiryStep(c, http.StatusOK, q, step, nil, nil)
}

// handleInquiryEdit saves a step and goes to the next (or previous) one.
func (s *Server) handleInquiryEdit(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if !q.Editable() {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, ""))
	}
	step, err := strconv.Atoi(c.FormValue("step"))
	if err != nil || step < stepCompany || step > stepMessage {
		return echo.NewHTTPError(http.StatusBadRequest, "bad step")
	}
	fe, err := readInquiryStep(c, step, &q)
	if err != nil {
		return err
	}
	back := c.FormValue("go") == "back"
	if len(fe) > 0 && !back {
		return s.renderInquiryStep(c, http.StatusUnprocessableEntity, q, step, fe, typedValues(c, step))
	}
	next := step + 1
	if back {
		next = max(stepCompany, step-1)
	}
	if len(fe) == 0 {
		q.Step = max(q.Step, step+1)
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return tx.SaveInquiry(q, s.now()) }); err != nil {
			if errors.Is(err, db.ErrNotEditable) {
				return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, ""))
			}
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(next)))
}

// renderInquiryStep renders one step of the form, or the review.
func (s *Server) renderInquiryStep(c echo.Context, status int, q db.Inquiry, step int, fe fieldErrors, typed map[string]string) error {
	ctx := c.Request().Context()
	vm := views.InquiryFormVM{ID: q.ID, Ref: q.Ref, Status: q.Status, Step: step, Visitor: !viewerOf(c).loggedIn(),
		Fields: inquiryFieldVMs(step, &q, typed, fe), Errors: inquiryErrorSummary(step, fe)}
	vm.UploadError, _ = c.Get("uploadError").(string)
	if q.ID == 0 || vm.Visitor {
		vm.Action = i18n.Href(ctx, "/inquiries/new")
	} else {
		vm.Action = inquiryHref(c, q.ID, "/edit")
		vm.SubmitAction = inquiryHref(c, q.ID, "/submit")
		vm.UploadAction = inquiryHref(c, q.ID, "/attachments")
	}
	for n := stepCompany; n <= stepReview; n++ {
		st := views.InquiryStepVM{N: n, LabelID: inquiryStepLabels[n], Current: n == step, Done: n < q.Step}
		if q.ID != 0 && !vm.Visitor && (n <= q.Step || q.Status != "draft") {
			st.Href = inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(n))
		}
		vm.Steps = append(vm.Steps, st)
	}
	if q.ID != 0 && !vm.Visitor && (step == stepMessage || step == stepReview) {
		atts, err := s.store.InquiryAttachments(ctx, q.ID)
		if err != nil {
			return err
		}
		for _, a := range atts {
			vm.Attachments = append(vm.Attachments, views.InquiryAttachmentVM{Name: a.Name, Size: a.Size,
				Href:         inquiryHref(c, q.ID, "/attachments/"+idString(a.ID)),
				DeleteAction: inquiryHref(c, q.ID, "/attachments/"+idString(a.ID)+"/delete")})
		}
		vm.CanUpload = len(atts) < db.MaxInquiryAttachments
	}
	if step == stepReview {
		vm.Review = s.inquiryFacts(c, q, true)
		if bad, _ := validateInquiry(q); bad != 0 {
			vm.IncompleteStep = bad
			vm.IncompleteHref = inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(bad))
		}
	}
	m := s.pageMeta(c, "inquiry.new.title")
	m.Section, m.NoIndex = "inquiries", true
	return render(c, status, views.InquiryFormPage(m, vm))
}

// inquiryFacts lists an inquiry's fields for review and detail pages.
func (s *Server) inquiryFacts(c echo.Context, q db.Inquiry, edit bool) []views.InquiryFactVM {
	ctx := c.Request().Context()
	var out []views.InquiryFactVM
	for _, f := range inquiryFields {
		v := inquiryValue(&q, f.name)
		switch f.name {
		case "country":
			v = i18n.T(ctx, "inquiry.country."+v)
		case "kind":
			v = i18n.T(ctx, "proposal.kind."+v)
		case "volume", "network_points":
			if n, err := strconv.Atoi(v); err == nil {
				v = i18n.FormatInt(ctx, n)
			}
		case "investment":
			if q.Investment > 0 {
				v = i18n.FormatMoney(ctx, investMoney(q.Investment, q.Currency))
			}
		case "currency":
			continue
		}
		fact := views.InquiryFactVM{LabelID: "inquiry.field." + f.name, Value: v, Step: f.step}
		if edit {
			fact.EditHref = inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(f.step))
		}
		out = append(out, fact)
	}
	return out
}

// handleInquirySubmit submits a draft, or resubmits an inquiry staff asked
// information about. Submitting twice (a double click, or back and submit
// again) makes one inquiry: the second answer is the same confirmation.
func (s *Server) handleInquirySubmit(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if !q.Editable() {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/done"))
	}
	if bad, fe := validateInquiry(q); bad != 0 {
		return s.renderInquiryStep(c, http.StatusUnprocessableEntity, q, bad, fe, nil)
	}
	if !s.inquiryAllowed(c, "submit") {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	u := *viewerOf(c).user
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		ref, first, err := tx.SubmitInquiry(q.ID, u, s.now())
		if err != nil || !first {
			return err
		}
		action := "inquiry.submitted"
		if q.Status == "needs_info" {
			action = "inquiry.resubmitted"
		}
		if err := tx.Audit(s.auditEntry(c, action, "inquiry", q.ID, ref)); err != nil {
			return err
		}
		kind := "inquiry_submitted"
		if q.Status == "needs_info" {
			kind = "inquiry_resubmitted"
		}
		return s.sendMail(tx, recipientOf(u), mailSpec{Kind: kind, Link: s.absURL(i18n.HrefLang(u.Lang, "/inquiries/"+idString(q.ID))),
			Data: []any{"Ref", ref, "Company", q.Company}})
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/done"))
}

// handleInquiryDone is the confirmation with the reference number.
func (s *Server) handleInquiryDone(c echo.Context) error {
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if q.Status == "draft" {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step=5"))
	}
	m := s.pageMeta(c, "inquiry.done.title")
	m.Section, m.NoIndex = "inquiries", true
	return render(c, http.StatusOK, views.InquiryDonePage(m, views.InquiryDoneVM{Ref: q.Ref, Email: viewerOf(c).user.Email,
		Href: inquiryHref(c, q.ID, ""), ListHref: i18n.Href(c.Request().Context(), "/inquiries")}))
}

// inquiryDetail builds the detail shared by the partner's and staff's pages.
func (s *Server) inquiryDetail(c echo.Context, q db.Inquiry, staff bool) (views.InquiryVM, error) {
	ctx := c.Request().Context()
	vm := views.InquiryVM{ID: q.ID, Ref: q.Ref, Status: q.Status, Company: q.Company, SubmittedAt: q.SubmittedAt,
		Facts: s.inquiryFacts(c, q, false), DeclineReason: q.DeclineReason, Assignee: q.AssigneeName, Owner: q.OwnerName,
		OwnerEmail: q.OwnerEmail, NoticeID: doneNotice(c, "inquiry.notice.")}
	msgs, err := s.store.InquiryMessages(ctx, q.ID)
	if err != nil {
		return vm, err
	}
	for _, m := range msgs {
		vm.Messages = append(vm.Messages, views.InquiryMessageVM{Kind: m.Kind, Author: m.AuthorName, Staff: m.Staff, Body: m.Body, At: m.At})
	}
	atts, err := s.store.InquiryAttachments(ctx, q.ID)
	if err != nil {
		return vm, err
	}
	base := "/inquiries/"
	if staff {
		base = "/staff/inquiries/"
	}
	for _, a := range atts {
		vm.Attachments = append(vm.Attachments, views.InquiryAttachmentVM{Name: a.Name, Size: a.Size,
			Href: i18n.Href(ctx, base+idString(q.ID)+"/attachments/"+idString(a.ID))})
	}
	if q.ProposalID != 0 {
		if staff {
			vm.ProposalHref = i18n.Href(ctx, "/staff/proposals/"+idString(q.ProposalID))
		} else {
			vm.ProposalHref = i18n.Href(ctx, "/proposals/"+idString(q.ProposalID))
		}
	}
	if staff {
		vm.ReplyAction = i18n.Href(ctx, "/staff/inquiries/"+idString(q.ID)+"/reply")
	} else {
		vm.ReplyAction = inquiryHref(c, q.ID, "/messages")
		if q.Status == "needs_info" {
			vm.EditHref = inquiryHref(c, q.ID, "/edit?step=1")
		}
	}
	vm.Reply = views.FieldVM{ID: "reply-body", Name: "body", Type: "textarea", LabelID: "inquiry.thread.reply", Required: true, MaxLen: 5000}
	return vm, nil
}

// doneNotice is the notice of ?done=<name>, when name is a plain word.
func doneNotice(c echo.Context, prefix string) string {
	d := c.QueryParam("done")
	if d == "" || len(d) > 30 || strings.Trim(d, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return ""
	}
	return prefix + d
}

// handleInquiryShow is a partner's inquiry: status, details, the thread.
func (s *Server) handleInquiryShow(c echo.Context) error {
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if q.Status == "draft" {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step="+strconv.Itoa(max(1, min(q.Step, stepReview)))))
	}
	vm, err := s.inquiryDetail(c, q, false)
	if err != nil {
		return err
	}
	return s.renderInquiry(c, http.StatusOK, vm)
}

func (s *Server) renderInquiry(c echo.Context, status int, vm views.InquiryVM) error {
	m := s.pageMeta(c, "inquiry.title")
	m.Title = vm.Ref + " · " + m.Title
	m.Section, m.NoIndex = "inquiries", true
	return render(c, status, views.InquiryPage(m, vm))
}

// handleInquiryMessage adds the partner's message to the thread.
func (s *Server) handleInquiryMessage(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if q.Status == "draft" {
		return echo.ErrNotFound
	}
	body, ok := formField(c, "body")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, "body", body, true, 1, 5000, true)
	if len(fe) > 0 {
		vm, err := s.inquiryDetail(c, q, false)
		if err != nil {
			return err
		}
		vm.Reply.Value, vm.Reply.ErrorID = body, fe["body"]
		return s.renderInquiry(c, http.StatusUnprocessableEntity, vm)
	}
	if !s.inquiryAllowed(c, "message") {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	u := viewerOf(c).user
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		return tx.AddInquiryMessage(db.InquiryMessage{InquiryID: q.ID, Kind: "message", AuthorID: u.ID, AuthorName: u.FullName, Body: body, At: s.now()})
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "?done=sent#thread"))
}

// handleInquiryUpload attaches a PDF (checked from its content, at most
// 20 MB) to an editable inquiry.
func (s *Server) handleInquiryUpload(c echo.Context) error {
	ctx := c.Request().Context()
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	if !q.Editable() {
		return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, ""))
	}
	refuse := func(status int, id string) error {
		c.Set("uploadError", id)
		return s.renderInquiryStep(c, status, q, stepMessage, nil, nil)
	}
	if s.cfg.DocumentsDir == "" {
		return refuse(http.StatusServiceUnavailable, "staffp.upload.no_storage")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return refuse(http.StatusRequestEntityTooLarge, "inquiry.upload.too_large")
		}
		return refuse(http.StatusUnprocessableEntity, "inquiry.upload.missing")
	}
	if fh.Size > maxInquiryAttachmentBytes {
		return refuse(http.StatusRequestEntityTooLarge, "inquiry.upload.too_large")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInquiryAttachmentBytes+1))
	if err != nil {
		return err
	}
	if len(data) > maxInquiryAttachmentBytes {
		return refuse(http.StatusRequestEntityTooLarge, "inquiry.upload.too_large")
	}
	if len(data) == 0 {
		return refuse(http.StatusUnprocessableEntity, "inquiry.upload.missing")
	}
	name := safeFileName(fh.Filename)
	if sniffDocument(name, data) != "pdf" {
		return refuse(http.StatusUnprocessableEntity, "inquiry.upload.bad_type")
	}
	if !s.inquiryAllowed(c, "upload") {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	if err := os.MkdirAll(s.cfg.DocumentsDir, 0o750); err != nil {
		return err
	}
	file := randomToken(24)
	path := filepath.Join(s.cfg.DocumentsDir, file)
	if err := os.WriteFile(path, data, 0o640); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.AddInquiryAttachment(db.InquiryAttachment{InquiryID: q.ID, Name: name, File: file, Size: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:])}, s.now())
		return err
	})
	if err != nil {
		_ = os.Remove(path)
		if errors.Is(err, db.ErrTooManyAttachments) {
			return refuse(http.StatusUnprocessableEntity, "inquiry.upload.too_many")
		}
		if errors.Is(err, db.ErrNotEditable) {
			return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, ""))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step=4#attachments"))
}

// handleInquiryAttachmentDelete removes an attachment of an editable inquiry.
func (s *Server) handleInquiryAttachmentDelete(c echo.Context) error {
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	aid, err := paramID(c, "att")
	if err != nil {
		return err
	}
	var file string
	err = s.store.Tx(c.Request().Context(), func(tx *db.Tx) error {
		file, err = tx.RemoveInquiryAttachment(q.ID, aid)
		return err
	})
	if err != nil {
		return err
	}
	if s.cfg.DocumentsDir != "" {
		_ = os.Remove(filepath.Join(s.cfg.DocumentsDir, file))
	}
	return c.Redirect(http.StatusSeeOther, inquiryHref(c, q.ID, "/edit?step=4#attachments"))
}

// handleInquiryAttachment sends an attachment to its owner.
func (s *Server) handleInquiryAttachment(c echo.Context) error {
	q, err := s.ownInquiry(c)
	if err != nil {
		return err
	}
	return s.sendInquiryAttachment(c, q)
}

// sendInquiryAttachment sends the :att attachment of q; 404 for one of
// another inquiry.
func (s *Server) sendInquiryAttachment(c echo.Context, q db.Inquiry) error {
	aid, err := paramID(c, "att")
	if err != nil {
		return err
	}
	atts, err := s.store.InquiryAttachments(c.Request().Context(), q.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(atts, func(a db.InquiryAttachment) bool { return a.ID == aid })
	if i < 0 || s.cfg.DocumentsDir == "" {
		return echo.ErrNotFound
	}
	a := atts[i]
	f, err := os.Open(filepath.Join(s.cfg.DocumentsDir, a.File))
	if err != nil {
		return fmt.Errorf("inquiry attachment %d: %w", a.ID, err)
	}
	defer f.Close()
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="`+asciiName(a.Name)+`"; filename*=UTF-8''`+url.PathEscape(a.Name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set(echo.HeaderContentType, "application/pdf")
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), f)
	return err
}
