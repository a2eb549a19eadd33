package views

import "time"

// RegistrationsVM is the staff queue of registrations waiting for
// approval.
type RegistrationsVM struct {
	// NoticeID confirms the last action; ErrorID says why it failed.
	NoticeID   string
	ErrorID    string
	Items      []RegistrationVM
	Total      int
	Pagination PaginationVM
}

// RegistrationVM is one pending registration with its decision forms.
type RegistrationVM struct {
	ID          int64
	Name        string
	Company     string
	Position    string
	Email       string
	Phone       string
	Role        string
	Lang        string
	Registered  time.Time
	Confirmed   time.Time
	ApproveHref string
	RejectHref  string
	Reason      FieldVM
	// RejectOpen shows the reject form unfolded (it was sent with a
	// problem).
	RejectOpen bool
}

// StatusCountVM is how many accounts are in one status, linking the
// filtered list.
type StatusCountVM struct {
	Status  string
	Count   int
	Href    string
	Current bool
}

// UserListVM is the admin list of accounts with search and filters.
type UserListVM struct {
	NoticeID   string
	Query      string
	Role       []OptionVM
	Status     []OptionVM
	Counts     []StatusCountVM
	Filtered   bool
	ResetHref  string
	NewHref    string
	Items      []UserRowVM
	Total      int
	Pagination PaginationVM
}

// UserRowVM is an account in the admin list.
type UserRowVM struct {
	ID      int64
	Name    string
	Email   string
	Company string
	Role    string
	Status  string
	Created time.Time
	Href    string
}

// UserNewVM is the form that creates a staff or admin account.
type UserNewVM struct {
	Fields []FieldVM
	Errors []FormErrorVM
}

// UserPageVM is an account's page for admins, with the actions that apply
// to it in its state.
type UserPageVM struct {
	NoticeID string
	// ErrorID is why the last action was refused.
	ErrorID  string
	User     UserDetailVM
	Self     bool
	Sessions int
	// Each href is set only when its action applies.
	ApproveHref string
	RejectHref  string
	DisableHref string
	EnableHref  string
	RoleHref    string
	Reason      FieldVM
	Role        FieldVM
	History     []AuditRowVM
	HistoryHref string
	ListHref    string
}

// HasActions reports whether any action applies to the account.
func (vm UserPageVM) HasActions() bool {
	return vm.ApproveHref != "" || vm.RejectHref != "" || vm.DisableHref != "" || vm.EnableHref != "" || vm.RoleHref != ""
}

// UserDetailVM is what an admin sees of an account.
type UserDetailVM struct {
	ID           int64
	Name         string
	Email        string
	Company      string
	Position     string
	Phone        string
	Role         string
	Status       string
	Lang         string
	RejectReason string
	Created      time.Time
	Confirmed    time.Time
	Decided      time.Time
}

// AuditVM is the audit log with its filters.
type AuditVM struct {
	Actions []OptionVM
	Actor   string
	From    string
	To      string
	// User keeps the filter by the account entries are about.
	User       int64
	Filtered   bool
	ResetHref  string
	Items      []AuditRowVM
	Total      int
	Pagination PaginationVM
}

// AuditRowVM is one audit entry.
type AuditRowVM struct {
	At         time.Time
	ActorEmail string
	ActorHref  string
	Action     string
	// ActionLabelID names the action when it is a known one; otherwise
	// the action's code is shown.
	ActionLabelID string
	TargetType    string
	TargetID      int64
	TargetHref    string
	IP            string
	Detail        string
}
