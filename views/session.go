package views

import "context"

// UserVM is the person logged in, as the layout shows them.
type UserVM struct {
	ID    int64
	Name  string
	Email string
	Role  string
	// Unread is how many notifications the person has not read.
	Unread int
}

type sessionKey struct{}

type sessionState struct {
	user *UserVM
	csrf string
}

// WithSession returns ctx carrying the logged-in person (nil for a
// visitor) and the session's CSRF token for forms.
func WithSession(ctx context.Context, user *UserVM, csrf string) context.Context {
	return context.WithValue(ctx, sessionKey{}, sessionState{user: user, csrf: csrf})
}

// CurrentUser is the person logged in, or nil.
func CurrentUser(ctx context.Context) *UserVM {
	st, _ := ctx.Value(sessionKey{}).(sessionState)
	return st.user
}

// CSRFToken is the token forms must carry.
func CSRFToken(ctx context.Context) string {
	st, _ := ctx.Value(sessionKey{}).(sessionState)
	return st.csrf
}

// HasRole reports whether the person logged in has one of roles.
func HasRole(ctx context.Context, roles ...string) bool {
	u := CurrentUser(ctx)
	if u == nil {
		return false
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// FieldVM is one form field: its value as typed, and the message id of
// what is wrong with it.
type FieldVM struct {
	ID           string
	Name         string
	Type         string // text, email, password, tel, textarea, select
	LabelID      string
	HintID       string
	Value        string
	ErrorID      string
	Autocomplete string
	Required     bool
	Dir          string
	MaxLen       int
	Options      []OptionVM
}

// Errors lists a form's field problems, for the summary at its top.
type FormErrorVM struct {
	FieldID string
	LabelID string
	ErrorID string
}
