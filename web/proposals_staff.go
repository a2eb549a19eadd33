package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// staffProposalOf loads the :id proposal for staff.
func (s *Server) staffProposalOf(c echo.Context) (db.Proposal, error) {
	return s.proposalOf(c)
}

func (s *Server) staffHref(c echo.Context, id int64, rest string) string {
	return i18n.Href(c.Request().Context(), "/staff/proposals/"+idString(id)+rest)
}

// handleStaffProposalList lists every proposal for staff.
func (s *Server) handleStaffProposalList(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	page, err := pageParam(c.QueryParams())
	if err != nil {
		return err
	}
	ps, total, err := s.store.ListVisibleProposals(ctx, dbViewer(c), page, adminPerPage)
	if err != nil {
		return err
	}
	pages := pageCount(total)
	if page > pages {
		return echo.ErrNotFound
	}
	base := i18n.Href(ctx, "/staff/proposals")
	vm := views.StaffProposalListVM{NoticeID: proposalNotices[c.QueryParam("done")], Total: total,
		Pagination: pagination(page, pages, func(p int) string {
			if p == 1 {
				return base
			}
			return base + "?page=" + strconv.Itoa(p)
		})}
	for _, p := range ps {
		vm.Items = append(vm.Items, views.StaffProposalRowVM{Href: s.staffHref(c, p.ID, ""), Title: textVM(p.Title.In(lang), lang),
			Kind: p.Kind, Market: p.Market, Stage: p.Stage, Partner: p.Partner, Owner: p.OwnerName, StageSince: p.StageSince})
	}
	return render(c, http.StatusOK, views.StaffProposalListPage(s.adminMeta(c, "staffp.list.title"), vm))
}

// proposalForm is the staff form of a proposal as typed.
type proposalForm struct {
	values map[string]string
}

// proposalFieldOrder is the form's fields, grouped, with their types.
var proposalFieldGroups = []struct {
	legend string
	fields []string
}{
	{"staffp.group.offer", []string{"kind", "visibility", "market", "region", "models", "owner"}},
	{"staffp.group.texts", []string{"title_ru", "title_en", "title_fa", "summary_ru", "summary_en", "summary_fa"}},
	{"staffp.group.figures", []string{"volume", "invest_min", "invest_max", "currency", "key_terms"}},
	{"staffp.group.nda", []string{"nda_text", "next_step", "next_due"}},
}

var proposalFieldTypes = map[string]string{
	"kind": "select", "visibility": "select", "market": "select", "owner": "select", "currency": "select",
	"summary_ru": "textarea", "summary_en": "textarea", "summary_fa": "textarea", "key_terms": "textarea", "nda_text": "textarea",
	"volume": "number", "invest_min": "number", "invest_max": "number", "next_due": "date",
}

var proposalFieldLangs = map[string]string{"title_ru": "ru", "title_en": "en", "title_fa": "fa", "summary_ru": "ru", "summary_en": "en", "summary_fa": "fa"}

func proposalFieldNames() []string {
	var out []string
	for _, g := range proposalFieldGroups {
		out = append(out, g.fields...)
	}
	return out
}

func proposalLabels() map[string]string {
	out := map[string]string{}
	for _, f := range proposalFieldNames() {
		out[f] = "staffp.field." + f
	}
	return out
}

func readProposalForm(c echo.Context) (proposalForm, error) {
	f := proposalForm{values: map[string]string{}}
	for _, name := range proposalFieldNames() {
		v, ok := formField(c, name)
		if !ok {
			return f, echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
		}
		f.values[name] = v
	}
	return f, nil
}

func proposalFormOf(p db.Proposal) proposalForm {
	return proposalForm{values: map[string]string{
		"kind": p.Kind, "visibility": p.Visibility, "market": p.Market, "region": p.Region, "models": p.Models, "owner": idOrEmpty(p.OwnerID),
		"title_ru": p.Title.RU, "title_en": p.Title.EN, "title_fa": p.Title.FA,
		"summary_ru": p.Summary.RU, "summary_en": p.Summary.EN, "summary_fa": p.Summary.FA,
		"volume": strconv.Itoa(p.VolumePerYear), "invest_min": strconv.FormatInt(p.InvestMin, 10), "invest_max": strconv.FormatInt(p.InvestMax, 10),
		"currency": p.Currency, "key_terms": p.KeyTerms, "nda_text": p.NDAText, "next_step": p.NextStep, "next_due": p.NextDue,
	}}
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return idString(id)
}

// validate checks the form and returns the store input and the problems.
func (f proposalForm) validate(staff []db.User) (db.ProposalInput, fieldErrors) {
	fe := fieldErrors{}
	v := f.values
	in := db.ProposalInput{Kind: v["kind"], Visibility: v["visibility"], Market: v["market"], Region: v["region"], Models: v["models"],
		Title: db.L10n{RU: v["title_ru"], EN: v["title_en"], FA: v["title_fa"]}, Summary: db.L10n{RU: v["summary_ru"], EN: v["summary_en"], FA: v["summary_fa"]},
		Currency: v["currency"], KeyTerms: v["key_terms"], NDAText: v["nda_text"], NextStep: v["next_step"], NextDue: v["next_due"]}
	if !slices.Contains(db.ProposalKinds, in.Kind) {
		fe.add("kind", "form.choose")
	}
	if !slices.Contains(db.ProposalVisibilities, in.Visibility) {
		fe.add("visibility", "form.choose")
	}
	if !slices.Contains(db.ProposalMarkets, in.Market) {
		fe.add("market", "form.choose")
	}
	if !slices.Contains(db.ProposalCurrencies, in.Currency) {
		fe.add("currency", "form.choose")
	}
	checkText(fe, "region", in.Region, false, 2, 200, false)
	checkText(fe, "models", in.Models, false, 2, 300, false)
	for _, l := range []string{"ru", "en", "fa"} {
		checkText(fe, "title_"+l, v["title_"+l], true, 3, 200, false)
		checkText(fe, "summary_"+l, v["summary_"+l], true, 3, 2000, true)
	}
	checkText(fe, "key_terms", in.KeyTerms, false, 2, 4000, true)
	checkText(fe, "nda_text", in.NDAText, true, 20, 20000, true)
	checkText(fe, "next_step", in.NextStep, false, 2, 300, false)
	num := func(name string, max int64) int64 {
		s := v[name]
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > max {
			fe.add(name, "staffp.error.number")
			return 0
		}
		return n
	}
	in.VolumePerYear = int(num("volume", 10_000_000))
	in.InvestMin = num("invest_min", 1_000_000_000_000)
	in.InvestMax = num("invest_max", 1_000_000_000_000)
	if in.InvestMax < in.InvestMin {
		fe.add("invest_max", "staffp.error.range")
	}
	if in.NextDue != "" {
		if _, err := time.Parse("2006-01-02", in.NextDue); err != nil {
			fe.add("next_due", "staffp.error.date")
		}
	}
	if o := v["owner"]; o != "" {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil || !slices.ContainsFunc(staff, func(u db.User) bool { return u.ID == id }) {
			fe.add("owner", "form.choose")
		}
		in.OwnerID = id
	}
	return in, fe
}

func (s *Server) proposalFormVM(c echo.Context, title, action, cancel string, version int64, f proposalForm, fe fieldErrors, staff []db.User) views.ProposalFormVM {
	vm := views.ProposalFormVM{Title: title, Action: action, Version: version, CancelHref: cancel,
		Errors: errorSummary(fe, proposalFieldNames(), "pf-", proposalLabels())}
	enum := func(values []string, prefix string) []views.OptionVM {
		out := []views.OptionVM{{Value: "", LabelID: "form.choose_option"}}
		for _, v := range values {
			out = append(out, views.OptionVM{Value: v, LabelID: prefix + v})
		}
		return out
	}
	for _, g := range proposalFieldGroups {
		grp := views.FieldGroupVM{LegendID: g.legend}
		for _, name := range g.fields {
			fv := views.FieldVM{ID: "pf-" + name, Name: name, Type: proposalFieldTypes[name], LabelID: "staffp.field." + name,
				Value: f.values[name], ErrorID: fe[name], Dir: proposalFieldLangs[name]}
			if fv.Type == "" {
				fv.Type = "text"
			}
			if fv.Dir == "fa" {
				fv.Dir = "rtl"
			} else if fv.Dir != "" {
				fv.Dir = "ltr"
			}
			switch name {
			case "kind":
				fv.Options = enum(db.ProposalKinds, "proposal.kind.")
			case "visibility":
				fv.Options = enum(db.ProposalVisibilities, "proposal.visibility.")
			case "market":
				fv.Options = enum(db.ProposalMarkets, "market.")
			case "currency":
				fv.Options = []views.OptionVM{}
				for _, cur := range db.ProposalCurrencies {
					fv.Options = append(fv.Options, views.OptionVM{Value: cur, Label: cur})
				}
			case "owner":
				fv.Options = []views.OptionVM{{Value: "", LabelID: "staffp.no_owner"}}
				for _, u := range staff {
					fv.Options = append(fv.Options, views.OptionVM{Value: idString(u.ID), Label: u.FullName})
				}
			}
			switch name {
			case "kind", "visibility", "market", "currency", "title_ru", "title_en", "title_fa", "summary_ru", "summary_en", "summary_fa", "nda_text":
				fv.Required = true
			}
			if name == "nda_text" {
				fv.HintID = "staffp.field.nda_text_hint"
			}
			grp.Fields = append(grp.Fields, fv)
		}
		vm.Groups = append(vm.Groups, grp)
	}
	return vm
}

// handleProposalNewForm shows the empty proposal form.
func (s *Server) handleProposalNewForm(c echo.Context) error {
	ctx := c.Request().Context()
	staff, err := s.store.StaffUsers(ctx)
	if err != nil {
		return err
	}
	f := proposalForm{values: map[string]string{"visibility": "public", "currency": "RUB", "market": "ru", "owner": idString(viewerOf(c).user.ID)}}
	vm := s.proposalFormVM(c, "staffp.new.title", i18n.Href(ctx, "/staff/proposals/new"), i18n.Href(ctx, "/staff/proposals"), 0, f, nil, staff)
	return render(c, http.StatusOK, views.ProposalFormPage(s.adminMeta(c, "staffp.new.title"), vm))
}

// handleProposalCreate creates a proposal at stage New.
func (s *Server) handleProposalCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := readProposalForm(c)
	if err != nil {
		return err
	}
	staff, err := s.store.StaffUsers(ctx)
	if err != nil {
		return err
	}
	in, fe := f.validate(staff)
	if len(fe) > 0 {
		vm := s.proposalFormVM(c, "staffp.new.title", i18n.Href(ctx, "/staff/proposals/new"), i18n.Href(ctx, "/staff/proposals"), 0, f, fe, staff)
		return render(c, http.StatusUnprocessableEntity, views.ProposalFormPage(s.adminMeta(c, "staffp.new.title"), vm))
	}
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = tx.CreateProposal(in, *viewerOf(c).user, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.created", "proposal", id, in.Title.EN))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, id, "?done=created"))
}

// handleProposalEditForm shows a proposal's form filled in.
func (s *Server) handleProposalEditForm(c echo.Context) error {
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	staff, err := s.store.StaffUsers(c.Request().Context())
	if err != nil {
		return err
	}
	vm := s.proposalFormVM(c, "staffp.edit.title", s.staffHref(c, p.ID, "/edit"), s.staffHref(c, p.ID, ""), p.Version, proposalFormOf(p), nil, staff)
	return render(c, http.StatusOK, views.ProposalFormPage(s.adminMeta(c, "staffp.edit.title"), vm))
}

// handleProposalEdit saves a proposal against the version the editor saw.
func (s *Server) handleProposalEdit(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	f, err := readProposalForm(c)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "bad version")
	}
	staff, err := s.store.StaffUsers(ctx)
	if err != nil {
		return err
	}
	in, fe := f.validate(staff)
	action, cancel := s.staffHref(c, p.ID, "/edit"), s.staffHref(c, p.ID, "")
	if len(fe) > 0 {
		vm := s.proposalFormVM(c, "staffp.edit.title", action, cancel, version, f, fe, staff)
		return render(c, http.StatusUnprocessableEntity, views.ProposalFormPage(s.adminMeta(c, "staffp.edit.title"), vm))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.UpdateProposal(p.ID, version, in, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.updated", "proposal", p.ID, ""))
	})
	if errors.Is(err, db.ErrConflict) {
		// Show what was typed against the current version: saving again
		// overwrites knowingly.
		vm := s.proposalFormVM(c, "staffp.edit.title", action, cancel, p.Version, f, nil, staff)
		vm.ConflictID = "staffp.conflict_edit"
		return render(c, http.StatusConflict, views.ProposalFormPage(s.adminMeta(c, "staffp.edit.title"), vm))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=saved"))
}

func noteField(id, label, value, errID string) views.FieldVM {
	return views.FieldVM{ID: id, Name: "note", Type: "textarea", LabelID: label, Value: value, ErrorID: errID, Required: true, MaxLen: maxNoteLen}
}

// staffPageVM builds staff's page of a proposal.
func (s *Server) staffPageVM(c echo.Context, p db.Proposal) (views.StaffProposalVM, error) {
	ctx := c.Request().Context()
	v := dbViewer(c)
	pv, err := s.proposalPageVM(c, p)
	if err != nil {
		return views.StaffProposalVM{}, err
	}
	// Merge the internal notes into the timeline by time.
	notes, err := s.store.InternalNotes(ctx, v, p.ID)
	if err != nil {
		return views.StaffProposalVM{}, err
	}
	for _, n := range notes {
		pv.Events = append(pv.Events, views.EventVM{Kind: "internal", At: n.At, Actor: n.ActorName, Note: n.Note})
	}
	slices.SortStableFunc(pv.Events, func(a, b views.EventVM) int { return a.At.Compare(b.At) })
	vm := views.StaffProposalVM{P: pv, Version: p.Version, MoveAction: s.staffHref(c, p.ID, "/stage"),
		MoveNote:   noteField("move-note", "staffp.move.note", "", ""),
		MoveNext:   views.FieldVM{ID: "move-next", Name: "next_step", Type: "text", LabelID: "staffp.field.next_step", Value: p.NextStep, MaxLen: 300},
		MoveDue:    views.FieldVM{ID: "move-due", Name: "next_due", Type: "date", LabelID: "staffp.field.next_due", Value: p.NextDue},
		NoteAction: s.staffHref(c, p.ID, "/notes"), Note: noteField("note", "staffp.note.label", "", ""),
		AddAction:    s.staffHref(c, p.ID, "/participants"),
		AddEmail:     views.FieldVM{ID: "add-email", Name: "email", Type: "email", LabelID: "staffp.add.email", Dir: "ltr", Required: true, MaxLen: 254},
		AddCompany:   views.FieldVM{ID: "add-company", Name: "company", Type: "text", LabelID: "staffp.add.company", MaxLen: 300},
		UploadAction: s.staffHref(c, p.ID, "/documents"), VerifyHref: s.staffHref(c, p.ID, "/verify"), EditHref: s.staffHref(c, p.ID, "/edit"),
		BoardHref: i18n.Href(ctx, "/staff/pipeline"), NoticeID: proposalNotices[c.QueryParam("done")]}
	for _, to := range db.StageMoves[p.Stage] {
		vm.Moves = append(vm.Moves, views.OptionVM{Value: to, LabelID: "proposal.stage." + to})
	}
	access, err := s.store.DocumentAccessLog(ctx, v, p.ID, 200)
	if err != nil {
		return vm, err
	}
	old, err := s.store.DocumentVersions(ctx, v, p.ID)
	if err != nil {
		return vm, err
	}
	for _, d := range old {
		vm.OldDocuments = append(vm.OldDocuments, s.documentVM(c, p.ID, d))
	}
	for _, a := range access {
		vm.Access = append(vm.Access, views.AccessVM{Document: a.Document, Version: a.Version, User: a.UserName, Company: a.Company, Action: a.Action, IP: a.IP, At: a.At})
	}
	ndas, err := s.store.NDAAcceptances(ctx, v, p.ID)
	if err != nil {
		return vm, err
	}
	for _, n := range ndas {
		vm.NDAs = append(vm.NDAs, views.NDAVM{User: n.UserName, Version: n.Version, SHA256: n.TextSHA256, At: n.At, IP: n.IP})
	}
	return vm, nil
}

func (s *Server) renderStaffProposal(c echo.Context, status int, p db.Proposal, edit func(*views.StaffProposalVM)) error {
	vm, err := s.staffPageVM(c, p)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(&vm)
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return render(c, status, views.StaffProposalPage(s.proposalMeta(c, vm.P.Title.Value), vm))
}

// handleStaffProposalShow is staff's working page of a proposal.
func (s *Server) handleStaffProposalShow(c echo.Context) error {
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	return s.renderStaffProposal(c, http.StatusOK, p, nil)
}

// handleProposalVerify recomputes the shared timeline's hash chain and
// names the first entry that does not verify.
func (s *Server) handleProposalVerify(c echo.Context) error {
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	check, err := s.store.VerifyTimeline(c.Request().Context(), dbViewer(c), p.ID)
	if err != nil {
		return err
	}
	if err := s.store.Audit(c.Request().Context(), s.auditEntry(c, "proposal.verified", "proposal", p.ID,
		fmt.Sprintf("entries %d ok %t broken %d", check.Entries, check.OK, check.BrokenSeq))); err != nil {
		return err
	}
	cv := chainVM(check)
	return s.renderStaffProposal(c, http.StatusOK, p, func(vm *views.StaffProposalVM) { vm.Check = &cv })
}

// handleProposalStage moves a proposal along the pipeline with a required
// note. A move the pipeline does not allow is refused (422); a move made
// against a stage or version someone else changed meanwhile is a conflict
// (409), and the page says where the proposal stands now.
func (s *Server) handleProposalStage(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	note, ok := formField(c, "note")
	next, ok2 := formField(c, "next_step")
	if !ok || !ok2 {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	to, from := c.FormValue("to"), c.FormValue("from")
	due := c.FormValue("next_due")
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || !slices.Contains(db.AllStages, from) {
		return echo.NewHTTPError(http.StatusBadRequest, "bad move form")
	}
	board := c.FormValue("return") == "board"
	shared := c.FormValue("visibility") == "shared"
	fe := fieldErrors{}
	checkText(fe, "note", note, true, 2, maxNoteLen, true)
	checkText(fe, "next_step", next, false, 2, 300, false)
	if due != "" {
		if _, err := time.Parse("2006-01-02", due); err != nil {
			fe.add("next_due", "staffp.error.date")
		}
	}
	refuse := func(status int, msg string, data ...any) error {
		if board {
			return s.renderBoard(c, status, "", msg, data...)
		}
		return s.renderStaffProposal(c, status, p, func(vm *views.StaffProposalVM) {
			vm.ErrorID, vm.ErrorData = msg, data
			vm.MoveNote.Value = note
			vm.MoveNote.ErrorID = fe["note"]
			vm.MoveNext.Value, vm.MoveNext.ErrorID = next, fe["next_step"]
			vm.MoveDue.Value, vm.MoveDue.ErrorID = due, fe["next_due"]
		})
	}
	if len(fe) > 0 {
		return refuse(http.StatusUnprocessableEntity, "staffp.move.fix")
	}
	if !slices.Contains(db.AllStages, to) || !db.CanMove(from, to) {
		return refuse(http.StatusUnprocessableEntity, "staffp.move.not_allowed", "From", i18n.T(ctx, "proposal.stage."+from), "To", stageOrCode(ctx, to))
	}
	actor := *viewerOf(c).user
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.MoveStage(db.StageMove{ProposalID: p.ID, FromStage: from, Version: version, ToStage: to, Note: note, Shared: shared,
			NextStep: next, NextDue: due, SetNextSteps: !board, Actor: actor, At: s.now()})
		if err != nil {
			return err
		}
		detail := from + " → " + to
		if !shared {
			detail += " (internal note)"
		}
		if err := tx.Audit(s.auditEntry(c, "proposal.stage", "proposal", p.ID, detail)); err != nil {
			return err
		}
		sharedNote := ""
		if shared {
			sharedNote = note
		}
		return s.notifyParticipants(tx, p, "stage", to, sharedNote, 0)
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		cur, err := s.staffProposalOf(c)
		if err != nil {
			return err
		}
		p = cur
		return refuse(http.StatusConflict, "staffp.conflict", "Stage", i18n.T(ctx, "proposal.stage."+cur.Stage))
	case errors.Is(err, db.ErrMoveNotAllowed):
		return refuse(http.StatusUnprocessableEntity, "staffp.move.not_allowed", "From", i18n.T(ctx, "proposal.stage."+from), "To", stageOrCode(ctx, to))
	case err != nil:
		return err
	}
	if board {
		return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/pipeline")+"?done=moved")
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=moved"))
}

// stageOrCode is a stage's name, or the code as sent when it is no stage.
func stageOrCode(ctx context.Context, st string) string {
	if slices.Contains(db.AllStages, st) {
		return i18n.T(ctx, "proposal.stage."+st)
	}
	return st
}

// handleProposalNote posts a note: shared notes enter the tamper-evident
// timeline and reach participants; internal ones stay with staff.
func (s *Server) handleProposalNote(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	note, ok := formField(c, "note")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, "note", note, true, 2, maxNoteLen, true)
	if len(fe) > 0 {
		return s.renderStaffProposal(c, http.StatusUnprocessableEntity, p, func(vm *views.StaffProposalVM) {
			vm.Note.Value, vm.Note.ErrorID = note, fe["note"]
		})
	}
	shared := c.FormValue("visibility") == "shared"
	actor := *viewerOf(c).user
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if shared {
			if _, err := tx.AppendEvent(db.Event{ProposalID: p.ID, Kind: "note", At: s.now(), ActorID: actor.ID, ActorName: actor.FullName, Note: note}); err != nil {
				return err
			}
			if err := tx.Audit(s.auditEntry(c, "proposal.note", "proposal", p.ID, "shared")); err != nil {
				return err
			}
			return s.notifyParticipants(tx, p, "note", "", note, 0)
		}
		if err := tx.AddInternalNote(p.ID, 0, actor, note, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.note", "proposal", p.ID, "internal"))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=noted"))
}

// handleProposalParticipantAdd lets an approved investor or partner take
// part, found by email.
func (s *Server) handleProposalParticipantAdd(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	email, ok := formField(c, "email")
	company, ok2 := formField(c, "company")
	if !ok || !ok2 {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, "company", company, false, 2, 300, false)
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, db.ErrNotFound):
		fe.add("email", "staffp.add.unknown")
	case err != nil:
		return err
	case u.Status != "active" || (u.Role != "investor" && u.Role != "partner"):
		fe.add("email", "staffp.add.not_member")
	}
	if len(fe) > 0 {
		return s.renderStaffProposal(c, http.StatusUnprocessableEntity, p, func(vm *views.StaffProposalVM) {
			vm.AddEmail.Value, vm.AddEmail.ErrorID = email, fe["email"]
			vm.AddCompany.Value, vm.AddCompany.ErrorID = company, fe["company"]
		})
	}
	if company == "" {
		company = u.Company
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.AddParticipant(p.ID, u.ID, company, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.participant_added", "proposal", p.ID, u.Email))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=added"))
}

// handleProposalParticipantRemove ends a person's part in a proposal.
func (s *Server) handleProposalParticipantRemove(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.RemoveParticipant(p.ID, uid); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.participant_removed", "proposal", p.ID, "user "+idString(uid)))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=removed"))
}

// handleProposalUpload stores a document: PDF or an office file, its
// type checked from its content, at most the configured size.
func (s *Server) handleProposalUpload(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	up, status, errID, err := s.receiveDocument(c)
	if err != nil {
		return err
	}
	if errID != "" {
		return s.renderStaffProposal(c, status, p, func(vm *views.StaffProposalVM) { vm.UploadError = errID })
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.AddDocument(up, viewerOf(c).user.ID, s.now())
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.document_added", "proposal", p.ID, "document "+idString(id)+" "+up.Name))
	})
	if err != nil {
		s.dropDocumentFile(up)
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=uploaded#docs-h"))
}

// handleProposalAnswer answers a question; published as FAQ, every
// participant is told, else only the asker.
func (s *Server) handleProposalAnswer(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	answer, ok := formField(c, "answer")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	fe := fieldErrors{}
	checkText(fe, "answer", answer, true, 2, maxQuestionLen, true)
	if len(fe) > 0 {
		return s.renderStaffProposal(c, http.StatusUnprocessableEntity, p, func(vm *views.StaffProposalVM) {
			for i := range vm.P.Questions {
				if vm.P.Questions[i].ID == qid {
					vm.P.Questions[i].AnswerField.Value, vm.P.Questions[i].AnswerField.ErrorID = answer, fe["answer"]
				}
			}
			vm.ErrorID = "staffp.move.fix"
		})
	}
	faq := c.FormValue("faq") == "1"
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		q, err := tx.AnswerQuestion(p.ID, qid, viewerOf(c).user.ID, answer, faq, s.now())
		if err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "proposal.answer", "proposal", p.ID, fmt.Sprintf("question %d faq %t", qid, faq))); err != nil {
			return err
		}
		only := q.AskerID
		if faq {
			only = 0
		}
		if only == 0 && !faq {
			return nil
		}
		return s.notifyParticipants(tx, p, "answer", "", "", only)
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=answered"))
}

// ---- The pipeline board ----

// Sizes of the board: the cards each column shows (the longest in stage
// first; the column's count is complete and links to all of them), and
// the cards of a page of one column.
const (
	boardPerStage  = 6
	boardPerColumn = 30
)

// boardQuery is the board's filters from the query string, and the
// column (with its page) when one stage is shown alone.
type boardQuery struct {
	Kind, Market string
	Owner        int64
	Stage        string
	Page         int
}

func parseBoardQuery(q url.Values) (boardQuery, error) {
	bq := boardQuery{Kind: q.Get("kind"), Market: q.Get("market"), Stage: q.Get("stage")}
	if bq.Kind != "" && !slices.Contains(db.ProposalKinds, bq.Kind) {
		return bq, echo.NewHTTPError(http.StatusBadRequest, "unknown kind")
	}
	if bq.Market != "" && !slices.Contains(db.ProposalMarkets, bq.Market) {
		return bq, echo.NewHTTPError(http.StatusBadRequest, "unknown market")
	}
	if bq.Stage != "" && !slices.Contains(db.AllStages, bq.Stage) {
		return bq, echo.NewHTTPError(http.StatusBadRequest, "unknown stage")
	}
	if o := q.Get("owner"); o != "" {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil || id <= 0 {
			return bq, echo.NewHTTPError(http.StatusBadRequest, "bad owner")
		}
		bq.Owner = id
	}
	page, err := pageParam(q)
	if err != nil {
		return bq, err
	}
	if page > 1 && bq.Stage == "" {
		return bq, echo.NewHTTPError(http.StatusBadRequest, "page without a stage")
	}
	bq.Page = page
	return bq, nil
}

// href is the board's URL with these filters, for stage (all columns
// when "") and page.
func (bq boardQuery) href(base, stage string, page int) string {
	v := url.Values{}
	if bq.Kind != "" {
		v.Set("kind", bq.Kind)
	}
	if bq.Market != "" {
		v.Set("market", bq.Market)
	}
	if bq.Owner != 0 {
		v.Set("owner", strconv.FormatInt(bq.Owner, 10))
	}
	if stage != "" {
		v.Set("stage", stage)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// handlePipeline is the staff board, or one column of it page by page.
// It is kept per session (see renderPersonal) under the proposals version,
// the ten minutes the days in stage are counted for, and the staff list
// its owner filter offers.
func (s *Server) handlePipeline(c echo.Context) error {
	version := s.store.ProposalsVersion()
	staff, err := s.store.StaffUsers(c.Request().Context())
	if err != nil {
		return err
	}
	var key strings.Builder
	key.WriteString("board ")
	key.WriteString(strconv.FormatInt(s.now().Truncate(boardSlot).Unix(), 10))
	for _, u := range staff {
		key.WriteString(" ")
		key.WriteString(idString(u.ID))
		key.WriteString("=")
		key.WriteString(u.FullName)
	}
	return s.renderPersonal(c, s.proposalPages, version, key.String(), privateNoStoreValue, func() (templ.Component, error) {
		return s.boardPage(c, staff, proposalNotices[c.QueryParam("done")], "")
	})
}

// boardSlot is how long the days in stage shown on the board are kept.
const boardSlot = 10 * time.Minute

// renderBoard answers with the board and a message, after a refused move.
func (s *Server) renderBoard(c echo.Context, status int, notice, errID string, errData ...any) error {
	staff, err := s.store.StaffUsers(c.Request().Context())
	if err != nil {
		return err
	}
	comp, err := s.boardPage(c, staff, notice, errID, errData...)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return render(c, status, comp)
}

func (s *Server) boardPage(c echo.Context, staff []db.User, notice, errID string, errData ...any) (templ.Component, error) {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	bq, err := parseBoardQuery(c.QueryParams())
	if err != nil {
		return nil, err
	}
	now := s.now()
	base := i18n.Href(ctx, "/staff/pipeline")
	vm := views.BoardVM{Kind: options(db.ProposalKinds, bq.Kind, "proposal.kind.", "filter.any"), Market: options(db.ProposalMarkets, bq.Market, "market.", "filter.any"),
		Filtered: bq.Kind != "" || bq.Market != "" || bq.Owner != 0, Reset: bq.href(base, bq.Stage, 1), NoticeID: notice, ErrorID: errID, ErrorData: errData,
		Column: bq.Stage}
	if bq.Stage != "" {
		vm.BoardHref = bq.href(base, "", 1)
	}
	vm.Owner = []views.OptionVM{{Value: "", LabelID: "filter.any", Selected: bq.Owner == 0}}
	for _, u := range staff {
		vm.Owner = append(vm.Owner, views.OptionVM{Value: idString(u.ID), Label: u.FullName, Selected: bq.Owner == u.ID})
	}
	// The columns are the same for every staff member but for the CSRF
	// token of their forms: rendered once per proposals version, language,
	// filter and ten minutes (days in stage move on), with a stand-in
	// token replaced per page.
	f := db.BoardFilter{Kind: bq.Kind, Market: bq.Market, OwnerID: bq.Owner, PerStage: boardPerStage, Stage: bq.Stage}
	if bq.Stage != "" {
		f.PerStage, f.Offset = boardPerColumn, (bq.Page-1)*boardPerColumn
	}
	key := fmt.Sprintf("board %s %+v %d", lang, bq, now.Truncate(boardSlot).Unix())
	version := s.store.ProposalsVersion()
	cols, err := memoized(s.fragments, version, key, func() (columns, error) { return s.renderBoardColumns(ctx, c, bq, f, now) })
	if err != nil {
		return nil, err
	}
	if bq.Stage != "" {
		pages := max(1, (cols.count+boardPerColumn-1)/boardPerColumn)
		if bq.Page > pages {
			return nil, echo.ErrNotFound
		}
		vm.Pagination = pagination(bq.Page, pages, func(n int) string { return bq.href(base, bq.Stage, n) })
	}
	html := cols.html
	if tok := views.CSRFToken(ctx); tok != "" {
		html = bytes.ReplaceAll(html, []byte(s.standIn), []byte(tok))
	}
	vm.ColumnsHTML = html
	m := s.adminMeta(c, "board.title")
	if bq.Stage != "" {
		m.Title = i18n.T(ctx, "board.column_title", "Stage", i18n.T(ctx, "proposal.stage."+bq.Stage))
	}
	return views.BoardPage(m, vm), nil
}

// columns is the board's columns rendered (with the stand-in token), and
// the count of the column shown alone.
type columns struct {
	html  []byte
	count int
}

// renderBoardColumns renders the board's columns for the filter.
func (s *Server) renderBoardColumns(ctx context.Context, c echo.Context, bq boardQuery, f db.BoardFilter, now time.Time) (columns, error) {
	lang := i18n.Lang(ctx)
	base := i18n.Href(ctx, "/staff/pipeline")
	cols, err := s.store.Board(ctx, dbViewer(c), f)
	if err != nil {
		return columns{}, err
	}
	moves := map[string][]views.OptionVM{}
	for st, tos := range db.StageMoves {
		for _, to := range tos {
			moves[st] = append(moves[st], views.OptionVM{Value: to, LabelID: "proposal.stage." + to})
		}
	}
	var out columns
	var colVMs []views.BoardColumnVM
	for _, col := range cols {
		cv := views.BoardColumnVM{Stage: col.Stage, Count: col.Count}
		if bq.Stage == "" {
			cv.More = col.Count - len(col.Cards)
			if cv.More > 0 {
				cv.MoreHref = bq.href(base, col.Stage, 1)
			}
		}
		out.count = col.Count
		for _, p := range col.Cards {
			cv.Cards = append(cv.Cards, views.BoardCardVM{ID: p.ID, Href: s.staffHref(c, p.ID, ""), Title: textVM(p.Title.In(lang), lang),
				Partner: p.Partner, Volume: p.VolumePerYear, Value: investMoney(p.InvestMax, p.Currency), Days: int(now.Sub(p.StageSince) / (24 * time.Hour)),
				Stage: p.Stage, Version: p.Version, MoveAction: s.staffHref(c, p.ID, "/stage"), Moves: moves[p.Stage]})
		}
		colVMs = append(colVMs, cv)
	}
	var buf bytes.Buffer
	rctx := views.WithSession(ctx, views.CurrentUser(ctx), s.standIn)
	if err := views.BoardColumns(colVMs, bq.Stage != "").Render(rctx, &buf); err != nil {
		return columns{}, err
	}
	out.html = buf.Bytes()
	return out, nil
}
