package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// Lifetimes of the one-time links sent by mail.
const (
	confirmTTL = 48 * time.Hour
	resetTTL   = 30 * time.Minute
)

// selfRoles are the roles a person may ask for when registering.
var selfRoles = []string{"investor", "partner"}

// registerForm is the registration form as typed.
type registerForm struct {
	FullName, Company, Position, Email, Phone, Password, Role, Lang string
}

// registerFields is the form's field order, with their label ids.
var registerFields = []string{"full_name", "company", "position", "email", "phone", "password", "role", "lang"}

var registerLabels = map[string]string{
	"full_name": "form.full_name", "company": "form.company", "position": "form.position", "email": "form.email",
	"phone": "form.phone", "password": "form.password", "role": "form.role", "lang": "form.lang",
}

// Validate checks the form and returns its problems by field.
func (f *registerForm) Validate() fieldErrors {
	fe := fieldErrors{}
	checkText(fe, "full_name", f.FullName, true, 2, 200, false)
	checkText(fe, "company", f.Company, true, 2, 300, false)
	checkText(fe, "position", f.Position, false, 2, 200, false)
	checkEmail(fe, "email", f.Email)
	if f.Phone == "" {
		fe.add("phone", "form.required")
	} else if p, ok := normalizePhone(f.Phone); ok {
		f.Phone = p
	} else {
		fe.add("phone", "form.phone_invalid")
	}
	if id := passwordProblem(f.Password, f.Email); id != "" {
		fe.add("password", id)
	}
	if !slices.Contains(selfRoles, f.Role) {
		fe.add("role", "form.choose")
	}
	if !i18n.Supported(f.Lang) {
		fe.add("lang", "form.choose")
	}
	return fe
}

func (s *Server) registerVM(f registerForm, fe fieldErrors) views.RegisterVM {
	field := func(name, typ, auto string, req bool, maxLen int, value string) views.FieldVM {
		return views.FieldVM{ID: "reg-" + name, Name: name, Type: typ, LabelID: registerLabels[name], Value: value,
			ErrorID: fe[name], Autocomplete: auto, Required: req, MaxLen: maxLen}
	}
	pw := field("password", "password", "new-password", true, maxPasswordLen, "")
	pw.HintID = "form.password_hint"
	phone := field("phone", "tel", "tel", true, 24, f.Phone)
	phone.HintID = "form.phone_hint"
	phone.Dir = "ltr"
	email := field("email", "email", "email", true, 254, f.Email)
	email.Dir = "ltr"
	role := field("role", "select", "", true, 0, f.Role)
	role.Options = []views.OptionVM{{Value: "", LabelID: "form.choose_option"}, {Value: "investor", LabelID: "role.investor_long"}, {Value: "partner", LabelID: "role.partner_long"}}
	lang := field("lang", "select", "", true, 0, f.Lang)
	for _, l := range i18n.Langs {
		lang.Options = append(lang.Options, views.OptionVM{Value: l, LabelID: "lang.name." + l})
	}
	return views.RegisterVM{
		Fields: []views.FieldVM{
			field("full_name", "text", "name", true, 200, f.FullName),
			field("company", "text", "organization", true, 300, f.Company),
			field("position", "text", "organization-title", false, 200, f.Position),
			email, phone, pw, role, lang,
		},
		Errors: errorSummary(fe, registerFields, "reg-", registerLabels),
	}
}

// handleRegisterForm shows the registration form.
func (s *Server) handleRegisterForm(c echo.Context) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	f := registerForm{Lang: i18n.Lang(c.Request().Context())}
	return render(c, http.StatusOK, views.RegisterPage(s.pageMeta(c, "register.title"), s.registerVM(f, nil)))
}

// handleRegister creates an unconfirmed account and mails a confirmation
// link. An email already registered gets a mail saying so instead, and
// the visitor sees the same page either way: the form does not tell who
// has an account.
func (s *Server) handleRegister(c echo.Context) error {
	ctx := c.Request().Context()
	var f registerForm
	var ok [8]bool
	f.FullName, ok[0] = formField(c, "full_name")
	f.Company, ok[1] = formField(c, "company")
	f.Position, ok[2] = formField(c, "position")
	f.Email, ok[3] = formField(c, "email")
	f.Phone, ok[4] = formField(c, "phone")
	f.Role, ok[5] = formField(c, "role")
	f.Lang, ok[6] = formField(c, "lang")
	f.Password, ok[7] = c.FormValue("password"), true
	if slices.Contains(ok[:], false) {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	meta := s.pageMeta(c, "register.title")
	if !s.limits.allow("register:"+c.RealIP(), registerPerIP) {
		vm := s.registerVM(f, nil)
		vm.NoticeID = "form.too_many"
		return render(c, http.StatusTooManyRequests, views.RegisterPage(meta, vm))
	}
	fe := f.Validate()
	if len(fe) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.RegisterPage(meta, s.registerVM(f, fe)))
	}
	// Hash before looking the email up, so both answers take as long.
	hash, err := s.hasher.hash(ctx, f.Password)
	if err != nil {
		return err
	}
	token := randomToken(32)
	now := s.now()
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		existing, err := tx.UserByEmail(f.Email)
		switch {
		case err == nil:
			if err := tx.Audit(s.auditEntry(c, "register.duplicate", "user", existing.ID, "")); err != nil {
				return err
			}
			return s.sendMail(tx, recipientOf(existing), mailSpec{Kind: "already_registered", Link: s.absURL(i18n.HrefLang(existing.Lang, "/password/forgot"))})
		case !errors.Is(err, db.ErrNotFound):
			return err
		}
		id, err := tx.CreateUser(db.NewUser{Email: f.Email, PasswordHash: hash, FullName: f.FullName, Company: f.Company,
			Position: f.Position, Phone: f.Phone, Role: f.Role, Status: "unconfirmed", Lang: f.Lang, Now: now})
		if err != nil {
			return err
		}
		if err := tx.CreateToken(id, hashToken(token), "confirm", now, confirmTTL); err != nil {
			return err
		}
		if key := sessionInquiryDraft(viewerOf(c).session); key != "" {
			// The inquiry the visitor started before registering is theirs.
			if _, err := tx.ClaimAnonInquiry(key, id, now); err != nil {
				return err
			}
		}
		e := s.auditEntry(c, "register", "user", id, f.Role)
		e.ActorID, e.ActorEmail = id, db.FoldEmail(f.Email)
		if err := tx.Audit(e); err != nil {
			return err
		}
		return s.sendMail(tx, recipient{Email: db.FoldEmail(f.Email), Name: f.FullName, Lang: f.Lang},
			mailSpec{Kind: "confirm", Link: s.absURL(i18n.HrefLang(f.Lang, "/confirm") + "?token=" + token)})
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/register/sent"))
}

// handleRegisterSent tells the visitor to look for the confirmation mail.
func (s *Server) handleRegisterSent(c echo.Context) error {
	return render(c, http.StatusOK, views.MessagePage(s.pageMeta(c, "register.sent_title"), views.MessageVM{
		TitleID: "register.sent_title", TextID: "register.sent_text",
	}))
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// handleConfirmForm shows the button that confirms an email address. The
// link in the mail only opens this page: a GET never changes anything, so
// a mail scanner following links cannot confirm for the person.
func (s *Server) handleConfirmForm(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.QueryParam("token")
	meta := s.pageMeta(c, "confirm.title")
	meta.NoIndex = true
	if _, err := s.store.TokenUser(ctx, hashToken(token), "confirm", s.now()); err != nil {
		if errors.Is(err, db.ErrTokenInvalid) {
			return render(c, http.StatusBadRequest, views.MessagePage(meta, views.MessageVM{
				TitleID: "confirm.invalid_title", TextID: "confirm.invalid_text", LinkHref: i18n.Href(ctx, "/register"), LinkID: "nav.register",
			}))
		}
		return err
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MessagePage(meta, views.MessageVM{
		TitleID: "confirm.title", TextID: "confirm.text",
		FormAction: i18n.Href(ctx, "/confirm"), FormButton: "confirm.submit", Hidden: map[string]string{"token": token},
	}))
}

// handleConfirm confirms the email: the account then waits for approval.
func (s *Server) handleConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.FormValue("token")
	meta := s.pageMeta(c, "confirm.title")
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		uid, err := tx.UseToken(hashToken(token), "confirm", s.now())
		if err != nil {
			return err
		}
		if err := tx.ConfirmUserEmail(uid, s.now()); err != nil {
			return err
		}
		u, err := tx.UserByID(uid)
		if err != nil {
			return err
		}
		e := s.auditEntry(c, "email.confirmed", "user", uid, "")
		e.ActorID, e.ActorEmail = uid, u.Email
		return tx.Audit(e)
	})
	if errors.Is(err, db.ErrTokenInvalid) || errors.Is(err, db.ErrNotFound) {
		return render(c, http.StatusBadRequest, views.MessagePage(meta, views.MessageVM{
			TitleID: "confirm.invalid_title", TextID: "confirm.invalid_text", LinkHref: i18n.Href(ctx, "/login"), LinkID: "nav.login",
		}))
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MessagePage(meta, views.MessageVM{
		TitleID: "confirm.done_title", TextID: "confirm.done_text",
	}))
}

// auditEntry starts an audit entry for the request: who, from where.
func (s *Server) auditEntry(c echo.Context, action, targetType string, targetID int64, detail string) db.AuditEntry {
	e := db.AuditEntry{At: s.now(), Action: action, TargetType: targetType, TargetID: targetID,
		IP: c.RealIP(), UserAgent: c.Request().UserAgent(), Detail: detail}
	if v := viewerOf(c); v.loggedIn() {
		e.ActorID, e.ActorEmail = v.user.ID, v.user.Email
	}
	return e
}

// loginVM builds the login form.
func (s *Server) loginVM(email, next string) views.LoginVM {
	vm := views.LoginVM{
		Email: views.FieldVM{ID: "login-email", Name: "email", Type: "email", LabelID: "form.email", Value: email,
			Autocomplete: "username", Required: true, Dir: "ltr", MaxLen: 254},
		Password: views.FieldVM{ID: "login-password", Name: "password", Type: "password", LabelID: "form.password",
			Autocomplete: "current-password", Required: true, MaxLen: maxPasswordLen},
		Next: next,
	}
	if s.cfg.DemoMode {
		for _, d := range s.cfg.DemoAccounts {
			vm.Demo = append(vm.Demo, views.DemoLoginVM(d))
		}
	}
	return vm
}

// handleLoginForm shows the login form.
func (s *Server) handleLoginForm(c echo.Context) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	next := safeNext(c.QueryParam("next"), "")
	meta := s.pageMeta(c, "login.title")
	meta.NoIndex = true
	return render(c, http.StatusOK, views.LoginPage(meta, s.loginVM("", next)))
}

// handleLogin checks the email and password. Unknown emails and wrong
// passwords get the same answer after the same work (an argon2id check);
// ten failures in fifteen minutes lock the account for fifteen minutes.
func (s *Server) handleLogin(c echo.Context) error {
	ctx := c.Request().Context()
	email, ok1 := formField(c, "email")
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"), "")
	if !ok1 || len(password) > 4*maxPasswordLen {
		return echo.NewHTTPError(http.StatusBadRequest, "malformed login")
	}
	meta := s.pageMeta(c, "login.title")
	meta.NoIndex = true
	vm := s.loginVM(email, next)
	fail := func(status int, id string, data ...any) error {
		vm.ErrorID, vm.ErrorData = id, data
		return render(c, status, views.LoginPage(meta, vm))
	}
	if !s.limits.allow("login:"+c.RealIP(), loginPerIP) {
		return fail(http.StatusTooManyRequests, "form.too_many")
	}
	if email == "" || password == "" {
		if email == "" {
			vm.Email.ErrorID = "form.required"
		}
		if password == "" {
			vm.Password.ErrorID = "form.required"
		}
		return render(c, http.StatusUnprocessableEntity, views.LoginPage(meta, vm))
	}
	now := s.now()
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, db.ErrNotFound) {
		_, _ = s.hasher.verify(ctx, s.hasher.dummy, password)
		e := s.auditEntry(c, "login.failed", "", 0, "unknown email")
		e.ActorEmail = db.FoldEmail(email)
		if err := s.store.Audit(ctx, e); err != nil {
			return err
		}
		return fail(http.StatusUnprocessableEntity, "login.wrong")
	}
	if err != nil {
		return err
	}
	if u.LockedUntil.After(now) {
		_, _ = s.hasher.verify(ctx, s.hasher.dummy, password)
		e := s.auditEntry(c, "login.locked", "user", u.ID, "")
		e.ActorEmail = u.Email
		if err := s.store.Audit(ctx, e); err != nil {
			return err
		}
		return fail(http.StatusTooManyRequests, "login.locked", "Minutes", i18n.FormatInt(ctx, minutesUntil(now, u.LockedUntil)))
	}
	good, err := s.hasher.verify(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !good {
		var locked bool
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			var err error
			locked, err = tx.RecordLoginFailure(u.ID, now, lockAfter, lockWindow, lockFor)
			if err != nil {
				return err
			}
			e := s.auditEntry(c, "login.failed", "user", u.ID, "wrong password")
			e.ActorEmail = u.Email
			if locked {
				e.Detail = "wrong password; account locked"
			}
			return tx.Audit(e)
		})
		if err != nil {
			return err
		}
		if locked {
			return fail(http.StatusTooManyRequests, "login.locked", "Minutes", i18n.FormatInt(ctx, int(lockFor/time.Minute)))
		}
		return fail(http.StatusUnprocessableEntity, "login.wrong")
	}
	if u.Status != "active" {
		// The password was right, so saying why is no leak.
		return fail(http.StatusForbidden, "login.status_"+u.Status)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.ClearLoginFailures(u.ID); err != nil {
			return err
		}
		if key := sessionInquiryDraft(viewerOf(c).session); key != "" {
			if _, err := tx.ClaimAnonInquiry(key, u.ID, s.now()); err != nil {
				return err
			}
		}
		e := s.auditEntry(c, "login.ok", "user", u.ID, "")
		e.ActorID, e.ActorEmail = u.ID, u.Email
		return tx.Audit(e)
	})
	if err != nil {
		return err
	}
	ses, err := s.sessions.Get(c.Request(), s.sessions.name)
	if err != nil {
		return err
	}
	if err := s.sessions.startLogin(c.Request(), c.Response(), ses, u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(next, i18n.HrefLang(u.Lang, "/account")))
}

func minutesUntil(now, t time.Time) int {
	m := int(t.Sub(now).Round(time.Minute) / time.Minute)
	return max(1, m)
}

// handleLogout ends the session.
func (s *Server) handleLogout(c echo.Context) error {
	v := viewerOf(c)
	if err := s.store.Audit(c.Request().Context(), s.auditEntry(c, "logout", "user", v.user.ID, "")); err != nil {
		return err
	}
	if err := s.sessions.end(c.Request(), c.Response(), v.session); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(c.Request().Context(), "/"))
}
