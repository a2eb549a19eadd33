package views

import (
	"context"
	"time"
)

// AccountVM is the account page: who the person is, the language of
// their mails, the password form and their active sessions.
type AccountVM struct {
	Name    string
	Email   string
	Company string
	Role    string
	// NoticeID reports what the last action did.
	NoticeID string
	// Language is the select of the preferred language for mails.
	Language FieldVM
	// Password form: the current and the new password, and their problems.
	CurrentPassword FieldVM
	NewPassword     FieldVM
	PasswordErrors  []FormErrorVM
	// PasswordNoticeID is a form-level problem (too many attempts).
	PasswordNoticeID string
	Sessions         []SessionVM
}

// OtherSessions reports whether any session but the current one is open.
func (vm AccountVM) OtherSessions() bool {
	for _, s := range vm.Sessions {
		if !s.Current {
			return true
		}
	}
	return false
}

// SessionVM is one open session on the account page.
type SessionVM struct {
	// Handle names the session in the form that ends it; it is derived
	// from the stored hash and is no use as a cookie.
	Handle string
	// Browser and OS are read from the user agent; when it is not
	// recognised, UserAgent holds it (shortened), and when there was none,
	// all three are empty.
	Browser   string
	OS        string
	UserAgent string
	IP        string
	SignedIn  time.Time
	LastSeen  time.Time
	// Current marks the session of this request: "this device".
	Current bool
}

// ForgotVM is the form that asks for a password reset link.
type ForgotVM struct {
	Email  FieldVM
	Errors []FormErrorVM
	// NoticeID is a form-level message (too many attempts).
	NoticeID string
}

// ResetVM is the form that sets a new password from a reset link.
type ResetVM struct {
	Token    string
	Password FieldVM
	Errors   []FormErrorVM
}

// sessionDevice names the browser and system of a session.
func sessionDevice(ctx context.Context, s SessionVM) string {
	switch {
	case s.Browser != "" && s.OS != "":
		return T(ctx, "account.browser_on", "Browser", s.Browser, "OS", s.OS)
	case s.Browser != "":
		return s.Browser
	case s.OS != "":
		return T(ctx, "account.browser_unknown_on", "OS", s.OS)
	case s.UserAgent != "":
		return s.UserAgent
	}
	return T(ctx, "account.device_unknown")
}
