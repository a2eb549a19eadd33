package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// accountRoutes registers the account page and password reset.
func (s *Server) accountRoutes(g *echo.Group) {
	s.route(g, "GET", "/account", s.handleAccount)
	s.route(g, "POST", "/account/password", s.handleAccountPassword)
	s.route(g, "POST", "/account/language", s.handleAccountLanguage)
	s.route(g, "POST", "/account/sessions/end", s.handleSessionEnd)
	s.route(g, "POST", "/account/sessions/end-others", s.handleSessionsEndOthers)
	s.route(g, "GET", "/password/forgot", s.handlePasswordForgotForm)
	s.route(g, "POST", "/password/forgot", s.handlePasswordForgot)
	s.route(g, "GET", "/password/reset", s.handlePasswordResetForm)
	s.route(g, "POST", "/password/reset", s.handlePasswordReset)
}

// passwordChangeForm is the password form of the account page as typed.
// Passwords are taken as typed: no trimming, no normalisation.
type passwordChangeForm struct {
	Current, New string
	// Email is the account's, which the new password must not be.
	Email string
}

var passwordFields = []string{"current_password", "new_password"}

var passwordLabels = map[string]string{"current_password": "password.current", "new_password": "password.new"}

// Validate checks the form and returns its problems by field; whether the
// current password is right is the handler's to check.
func (f *passwordChangeForm) Validate() fieldErrors {
	fe := fieldErrors{}
	if f.Current == "" {
		fe.add("current_password", "form.required")
	}
	switch {
	case f.New == "":
		fe.add("new_password", "form.required")
	case f.New == f.Current:
		fe.add("new_password", "password.same")
	default:
		if id := passwordProblem(f.New, f.Email); id != "" {
			fe.add("new_password", id)
		}
	}
	return fe
}

// accountNotices are the notices the account page shows after an action,
// by the done parameter of its URL.
var accountNotices = map[string]string{
	"password": "account.done_password",
	"language": "account.done_language",
	"session":  "account.done_session",
	"sessions": "account.done_sessions",
}

// sessionHandle names a session on the account page and in the form that
// ends it. It is derived from the stored hash, so neither the page nor the
// form ever carries anything that could be replayed as a cookie or looked
// up in the sessions table directly.
func sessionHandle(idHash string) string {
	sum := sha256.Sum256([]byte("session-handle:" + idHash))
	return hex.EncodeToString(sum[:])[:16]
}

// describeUA reads the browser and the operating system from a User-Agent
// header; either is "" when not recognised. Order matters: Edge, Opera
// and Yandex Browser also say Chrome, Chrome also says Safari, and iOS
// says "like Mac OS X".
func describeUA(ua string) (browser, system string) {
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(ua, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("YaBrowser/"):
		browser = "Yandex Browser"
	case has("Edg/", "Edge/", "EdgA/", "EdgiOS/"):
		browser = "Edge"
	case has("OPR/", "Opera"):
		browser = "Opera"
	case has("Firefox/", "FxiOS/"):
		browser = "Firefox"
	case has("Chrome/", "CriOS/", "Chromium/"):
		browser = "Chrome"
	case has("Safari/") && has("Version/"):
		browser = "Safari"
	}
	switch {
	case has("iPhone", "iPad", "iPod"):
		system = "iOS"
	case has("Android"):
		system = "Android"
	case has("Windows"):
		system = "Windows"
	case has("Macintosh", "Mac OS X"):
		system = "macOS"
	case has("CrOS"):
		system = "ChromeOS"
	case has("Linux", "X11"):
		system = "Linux"
	}
	return browser, system
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// sessionVM is a stored session as the account page shows it.
func sessionVM(ses db.Session, current bool) views.SessionVM {
	vm := views.SessionVM{Handle: sessionHandle(ses.IDHash), IP: ses.IP, SignedIn: ses.CreatedAt, LastSeen: ses.LastSeenAt, Current: current}
	vm.Browser, vm.OS = describeUA(ses.UserAgent)
	if vm.Browser == "" && vm.OS == "" {
		vm.UserAgent = shorten(badTextStripped(ses.UserAgent), 60)
	}
	return vm
}

// badTextStripped drops control and bidi characters from a header value
// shown on a page.
func badTextStripped(s string) string {
	return strings.Map(func(r rune) rune {
		if badText(string(r), false) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

// liveSessions returns the user's sessions that still work: those past
// their expiry or idle timeout wait to be purged but are no longer open.
func (s *Server) liveSessions(c echo.Context, userID int64) ([]db.Session, error) {
	all, err := s.store.UserSessions(c.Request().Context(), userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	live := all[:0]
	for _, ses := range all {
		if now.Before(ses.ExpiresAt) && now.Sub(ses.LastSeenAt) < s.cfg.IdleTimeout {
			live = append(live, ses)
		}
	}
	return live, nil
}

// accountVM builds the account page, with the password form's problems.
func (s *Server) accountVM(c echo.Context, u db.User, fe fieldErrors) (views.AccountVM, error) {
	v := viewerOf(c)
	list, err := s.liveSessions(c, u.ID)
	if err != nil {
		return views.AccountVM{}, err
	}
	current := hashSessionID(v.session.ID)
	vm := views.AccountVM{
		Name: u.FullName, Email: u.Email, Company: u.Company, Role: u.Role,
		NoticeID: accountNotices[c.QueryParam("done")],
		Language: views.FieldVM{ID: "account-lang", Name: "lang", Type: "select", LabelID: "form.lang", Value: u.Lang, Required: true},
		CurrentPassword: views.FieldVM{ID: "pw-current_password", Name: "current_password", Type: "password", LabelID: "password.current",
			ErrorID: fe["current_password"], Autocomplete: "current-password", Required: true, MaxLen: maxPasswordLen},
		NewPassword: views.FieldVM{ID: "pw-new_password", Name: "new_password", Type: "password", LabelID: "password.new",
			HintID: "form.password_hint", ErrorID: fe["new_password"], Autocomplete: "new-password", Required: true, MaxLen: maxPasswordLen},
		PasswordErrors: errorSummary(fe, passwordFields, "pw-", passwordLabels),
	}
	for _, l := range i18n.Langs {
		vm.Language.Options = append(vm.Language.Options, views.OptionVM{Value: l, LabelID: "lang.name." + l})
	}
	// This device first, then the others, most recently used first.
	for _, ses := range list {
		if ses.IDHash == current {
			vm.Sessions = append(vm.Sessions, sessionVM(ses, true))
		}
	}
	for _, ses := range list {
		if ses.IDHash != current {
			vm.Sessions = append(vm.Sessions, sessionVM(ses, false))
		}
	}
	return vm, nil
}

// renderAccount renders the account page for the viewer.
func (s *Server) renderAccount(c echo.Context, status int, fe fieldErrors, passwordNotice string) error {
	vm, err := s.accountVM(c, *viewerOf(c).user, fe)
	if err != nil {
		return err
	}
	vm.PasswordNoticeID = passwordNotice
	meta := s.pageMeta(c, "account.title")
	meta.NoIndex = true
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.AccountPage(meta, vm))
}

// accountDone sends the person back to the account page, in lang, with
// the notice of what was done.
func accountDone(c echo.Context, lang, done string) error {
	return c.Redirect(http.StatusSeeOther, i18n.HrefLang(lang, "/account")+"?done="+done)
}

// handleAccount shows the account page.
func (s *Server) handleAccount(c echo.Context) error {
	return s.renderAccount(c, http.StatusOK, nil, "")
}

// handleAccountPassword changes the password. The current password is
// checked like a login (wrong ones count towards the lockout, so a stolen
// session cannot be used to guess it); on success every other session
// ends, this one gets a new id, and a mail tells the person.
func (s *Server) handleAccountPassword(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	// The session carries only part of the account: the hash and the
	// lockout state come from the account itself.
	u, err := s.store.UserByID(ctx, v.user.ID)
	if err != nil {
		return err
	}
	f := passwordChangeForm{Current: c.FormValue("current_password"), New: c.FormValue("new_password"), Email: u.Email}
	if len(f.Current) > 4*maxPasswordLen || len(f.New) > 4*maxPasswordLen {
		return echo.NewHTTPError(http.StatusBadRequest, "password too long")
	}
	if !s.limits.allow("password:"+strconv.FormatInt(u.ID, 10), formPerAccount) {
		return s.renderAccount(c, http.StatusTooManyRequests, nil, "form.too_many")
	}
	now := s.now()
	if u.LockedUntil.After(now) {
		return s.renderAccount(c, http.StatusTooManyRequests, nil, "password.locked")
	}
	if fe := f.Validate(); len(fe) > 0 {
		return s.renderAccount(c, http.StatusUnprocessableEntity, fe, "")
	}
	good, err := s.hasher.verify(ctx, u.PasswordHash, f.Current)
	if err != nil {
		return err
	}
	if !good {
		err := s.store.Tx(ctx, func(tx *db.Tx) error {
			locked, err := tx.RecordLoginFailure(u.ID, now, lockAfter, lockWindow, lockFor)
			if err != nil {
				return err
			}
			e := s.auditEntry(c, "password.change_failed", "user", u.ID, "wrong current password")
			if locked {
				e.Detail += "; account locked"
			}
			return tx.Audit(e)
		})
		if err != nil {
			return err
		}
		return s.renderAccount(c, http.StatusUnprocessableEntity, fieldErrors{"current_password": "password.wrong_current"}, "")
	}
	hash, err := s.hasher.hash(ctx, f.New)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SetUserPassword(u.ID, hash, now); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(u.ID, hashSessionID(v.session.ID))
		if err != nil {
			return err
		}
		if err := tx.Audit(s.auditEntry(c, "password.changed", "user", u.ID, fmt.Sprintf("other sessions ended: %d", n))); err != nil {
			return err
		}
		return s.sendPasswordChanged(tx, c, u)
	})
	if err != nil {
		return err
	}
	// The session's privileges changed: it goes on under a new id.
	if err := s.sessions.startLogin(c.Request(), c.Response(), v.session, u.ID); err != nil {
		return err
	}
	return accountDone(c, i18n.Lang(ctx), "password")
}

// sendPasswordChanged queues the mail that tells the person their password
// changed, when and from where, with a way to reset it if it was not them.
func (s *Server) sendPasswordChanged(tx *db.Tx, c echo.Context, u db.User) error {
	lctx := i18n.WithLocale(c.Request().Context(), s.catalog.Locale(u.Lang), "/", "")
	return s.sendMail(tx, recipientOf(u), mailSpec{
		Kind: "password_changed",
		Link: s.absURL(i18n.HrefLang(u.Lang, "/password/forgot")),
		Data: []any{"When", views.DateTime(lctx, s.now()), "IP", c.RealIP()},
	})
}

// handleAccountLanguage stores the language the person wants mails in and
// shows the account page in it.
func (s *Server) handleAccountLanguage(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewerOf(c).user
	lang, ok := formField(c, "lang")
	if !ok || !i18n.Supported(lang) {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "unknown language")
	}
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SetUserLang(u.ID, lang, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "account.language", "user", u.ID, u.Lang+" → "+lang))
	})
	if err != nil {
		return err
	}
	return accountDone(c, lang, "language")
}

// handleSessionEnd ends one of the person's sessions, named by its handle.
// Only the person's own sessions are looked in, so another person's
// session is not found: 404.
func (s *Server) handleSessionEnd(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	handle := c.FormValue("session")
	list, err := s.liveSessions(c, v.user.ID)
	if err != nil {
		return err
	}
	var target *db.Session
	for i := range list {
		if sessionHandle(list[i].IDHash) == handle {
			target = &list[i]
			break
		}
	}
	if target == nil {
		return echo.ErrNotFound
	}
	b, o := describeUA(target.UserAgent)
	detail := fmt.Sprintf("session %s: %s on %s from %s", handle, b, o, target.IP)
	if target.IDHash == hashSessionID(v.session.ID) {
		// Ending this device's session is logging out.
		if err := s.store.Audit(ctx, s.auditEntry(c, "session.ended", "user", v.user.ID, detail+" (this device)")); err != nil {
			return err
		}
		if err := s.sessions.end(c.Request(), c.Response(), v.session); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/"))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.DeleteUserSession(v.user.ID, target.IDHash); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "session.ended", "user", v.user.ID, detail))
	})
	if err != nil {
		return err
	}
	return accountDone(c, i18n.Lang(ctx), "session")
}

// handleSessionsEndOthers ends every session of the person but this one.
func (s *Server) handleSessionsEndOthers(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		n, err := tx.DeleteUserSessions(v.user.ID, hashSessionID(v.session.ID))
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "sessions.ended_others", "user", v.user.ID, fmt.Sprintf("sessions ended: %d", n)))
	})
	if err != nil {
		return err
	}
	return accountDone(c, i18n.Lang(ctx), "sessions")
}

// forgotVM builds the form that asks for a reset link.
func forgotVM(email string, fe fieldErrors) views.ForgotVM {
	return views.ForgotVM{
		Email: views.FieldVM{ID: "forgot-email", Name: "email", Type: "email", LabelID: "form.email", Value: email,
			ErrorID: fe["email"], Autocomplete: "username", Required: true, Dir: "ltr", MaxLen: 254},
		Errors: errorSummary(fe, []string{"email"}, "forgot-", map[string]string{"email": "form.email"}),
	}
}

// handlePasswordForgotForm shows the form that asks for a reset link.
func (s *Server) handlePasswordForgotForm(c echo.Context) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	meta := s.pageMeta(c, "password.forgot_title")
	meta.NoIndex = true
	return render(c, http.StatusOK, views.ForgotPasswordPage(meta, forgotVM("", nil)))
}

// handlePasswordForgot mails a reset link to the account of the address,
// if there is one. The visitor sees the same page either way, after the
// same work (an audit entry and a composed mail in one transaction), so
// the form does not tell who has an account. Requests are limited per
// client address (429) and per address asked for (silently: no more
// mails).
func (s *Server) handlePasswordForgot(c echo.Context) error {
	ctx := c.Request().Context()
	email, ok := formField(c, "email")
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "form is not UTF-8")
	}
	meta := s.pageMeta(c, "password.forgot_title")
	meta.NoIndex = true
	if !s.limits.allow("reset:"+c.RealIP(), resetPerIP) {
		vm := forgotVM(email, nil)
		vm.NoticeID = "form.too_many"
		return render(c, http.StatusTooManyRequests, views.ForgotPasswordPage(meta, vm))
	}
	fe := fieldErrors{}
	checkEmail(fe, "email", email)
	if len(fe) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.ForgotPasswordPage(meta, forgotVM(email, fe)))
	}
	folded := db.FoldEmail(email)
	mayMail := s.limits.allow("reset-account:"+folded, resetPerAccount)
	token := randomToken(32)
	now := s.now()
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		u, err := tx.UserByEmail(folded)
		if errors.Is(err, db.ErrNotFound) {
			// Compose the mail that would have gone, and drop it.
			to := recipient{Email: folded, Lang: i18n.Lang(ctx)}
			if _, err := s.composeMail(to, mailSpec{Kind: "reset", Link: s.absURL(i18n.HrefLang(to.Lang, "/password/reset") + "?token=" + token)}); err != nil {
				return err
			}
			e := s.auditEntry(c, "password.reset.requested", "", 0, "unknown email")
			e.ActorEmail = folded
			return tx.Audit(e)
		}
		if err != nil {
			return err
		}
		e := s.auditEntry(c, "password.reset.requested", "user", u.ID, "")
		e.ActorEmail = u.Email
		if !mayMail {
			e.Detail = "limit per account reached; no mail sent"
			return tx.Audit(e)
		}
		if err := tx.CreateToken(u.ID, hashToken(token), "reset", now, resetTTL); err != nil {
			return err
		}
		if err := tx.Audit(e); err != nil {
			return err
		}
		return s.sendMail(tx, recipientOf(u), mailSpec{Kind: "reset", Link: s.absURL(i18n.HrefLang(u.Lang, "/password/reset") + "?token=" + token)})
	})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MessagePage(meta, views.MessageVM{
		TitleID: "password.forgot_sent_title", TextID: "password.forgot_sent_text",
		LinkHref: i18n.Href(ctx, "/login"), LinkID: "password.back_to_login",
	}))
}

// resetVM builds the new-password form of a reset link.
func resetVM(token string, fe fieldErrors) views.ResetVM {
	return views.ResetVM{
		Token: token,
		Password: views.FieldVM{ID: "reset-password", Name: "password", Type: "password", LabelID: "password.new",
			HintID: "form.password_hint", ErrorID: fe["password"], Autocomplete: "new-password", Required: true, MaxLen: maxPasswordLen},
		Errors: errorSummary(fe, []string{"password"}, "reset-", map[string]string{"password": "password.new"}),
	}
}

// resetInvalid is the answer to a reset link that is unknown, used or
// expired.
func (s *Server) resetInvalid(c echo.Context, meta views.PageMeta) error {
	return render(c, http.StatusBadRequest, views.MessagePage(meta, views.MessageVM{
		TitleID: "password.reset_invalid_title", TextID: "password.reset_invalid_text",
		LinkHref: i18n.Href(c.Request().Context(), "/password/forgot"), LinkID: "password.reset_again",
	}))
}

// resetMeta is the layout data of the reset pages; their URL carries the
// token, so they are not indexed and send no referrer.
func (s *Server) resetMeta(c echo.Context) views.PageMeta {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	c.Response().Header().Set("Cache-Control", "no-store")
	meta := s.pageMeta(c, "password.reset_title")
	meta.NoIndex = true
	return meta
}

// handlePasswordResetForm shows the new-password form for a valid reset
// link. Opening the link uses nothing: the token is spent by the POST.
func (s *Server) handlePasswordResetForm(c echo.Context) error {
	token := c.QueryParam("token")
	meta := s.resetMeta(c)
	if _, err := s.store.TokenUser(c.Request().Context(), hashToken(token), "reset", s.now()); err != nil {
		if errors.Is(err, db.ErrTokenInvalid) {
			return s.resetInvalid(c, meta)
		}
		return err
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ResetPasswordPage(meta, resetVM(token, nil)))
}

// handlePasswordReset spends the token and sets the new password. Every
// session of the account ends: whoever knew the old password is out.
func (s *Server) handlePasswordReset(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.FormValue("token")
	password := c.FormValue("password")
	meta := s.resetMeta(c)
	if len(password) > 4*maxPasswordLen {
		return echo.NewHTTPError(http.StatusBadRequest, "password too long")
	}
	uid, err := s.store.TokenUser(ctx, hashToken(token), "reset", s.now())
	if errors.Is(err, db.ErrTokenInvalid) {
		return s.resetInvalid(c, meta)
	}
	if err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, uid)
	if err != nil {
		return err
	}
	if id := passwordProblem(password, u.Email); id != "" {
		return render(c, http.StatusUnprocessableEntity, views.ResetPasswordPage(meta, resetVM(token, fieldErrors{"password": id})))
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.UseToken(hashToken(token), "reset", now); err != nil {
			return err
		}
		if err := tx.SetUserPassword(u.ID, hash, now); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(u.ID, "")
		if err != nil {
			return err
		}
		e := s.auditEntry(c, "password.reset", "user", u.ID, fmt.Sprintf("sessions ended: %d", n))
		e.ActorID, e.ActorEmail = u.ID, u.Email
		if err := tx.Audit(e); err != nil {
			return err
		}
		return s.sendPasswordChanged(tx, c, u)
	})
	if errors.Is(err, db.ErrTokenInvalid) {
		return s.resetInvalid(c, meta)
	}
	if err != nil {
		return err
	}
	if v := viewerOf(c); v.loggedIn() && v.user.ID == u.ID {
		// This browser's session was one of them: drop its cookie too, and
		// show the page as to a visitor.
		if err := s.sessions.end(c.Request(), c.Response(), v.session); err != nil {
			return err
		}
		v.user, v.session = nil, nil
		c.SetRequest(c.Request().WithContext(views.WithSession(ctx, nil, "")))
	}
	return render(c, http.StatusOK, views.MessagePage(meta, views.MessageVM{
		TitleID: "password.reset_done_title", TextID: "password.reset_done_text",
		LinkHref: i18n.Href(ctx, "/login"), LinkID: "nav.login",
	}))
}
