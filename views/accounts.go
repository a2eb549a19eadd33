package views

// RegisterVM is the registration form.
type RegisterVM struct {
	Fields []FieldVM
	Errors []FormErrorVM
	// NoticeID is a message shown above the form (too many attempts).
	NoticeID string
}

// MessageVM is a page that says one thing: after registering, confirming
// an email or asking for a password reset.
type MessageVM struct {
	TitleID string
	TextID  string
	// TextData fills the text's template.
	TextData []any
	// LinkHref and LinkID offer one way on.
	LinkHref string
	LinkID   string
	// Form, when set, is a button that POSTs to FormAction with Hidden.
	FormAction string
	FormButton string
	Hidden     map[string]string
}

// LoginVM is the login form.
type LoginVM struct {
	Email    FieldVM
	Password FieldVM
	Next     string
	// ErrorID is the form-level problem (wrong email or password, locked).
	ErrorID   string
	ErrorData []any
	NoticeID  string
	Demo      []DemoLoginVM
}

// DemoLoginVM is a demo account shown on the login page in demo mode.
type DemoLoginVM struct {
	Role, Email, Password string
}
