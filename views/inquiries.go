package views

import "time"

// InquiryStepVM is one step in the inquiry form's progress list.
type InquiryStepVM struct {
	N       int
	LabelID string
	Href    string // empty when the step cannot be opened yet
	Current bool
	Done    bool
}

// InquiryAttachmentVM is an attached PDF.
type InquiryAttachmentVM struct {
	Name         string
	Size         int64
	Href         string
	DeleteAction string
}

// InquiryFactVM is one field of an inquiry as shown for review.
type InquiryFactVM struct {
	LabelID  string
	Value    string
	Step     int
	EditHref string
}

// InquiryFormVM is one step of the inquiry form, or its review.
type InquiryFormVM struct {
	ID             int64
	Ref            string
	Status         string
	Step           int
	Steps          []InquiryStepVM
	Visitor        bool
	Action         string
	SubmitAction   string
	UploadAction   string
	Fields         []FieldVM
	Errors         []FormErrorVM
	Attachments    []InquiryAttachmentVM
	CanUpload      bool
	UploadError    string
	Review         []InquiryFactVM
	IncompleteStep int
	IncompleteHref string
}

// InquiryVisitorVM asks a visitor who started an inquiry to register.
type InquiryVisitorVM struct {
	RegisterHref string
	LoginHref    string
}

// InquiryDoneVM is the confirmation after submitting.
type InquiryDoneVM struct {
	Ref      string
	Email    string
	Href     string
	ListHref string
}

// InquiryRowVM is an inquiry in a list.
type InquiryRowVM struct {
	ID           int64
	Ref          string
	Company      string
	INN          string
	Status       string
	Assignee     string
	Owner        string
	Step         int
	Href         string
	ProposalHref string
	SubmittedAt  time.Time
	UpdatedAt    time.Time
}

// MyInquiriesVM is a partner's list of inquiries.
type MyInquiriesVM struct {
	Rows    []InquiryRowVM
	NewHref string
}

// InquiryMessageVM is an entry of an inquiry's thread.
type InquiryMessageVM struct {
	Kind   string
	Author string
	Staff  bool
	Body   string
	At     time.Time
}

// InquiryVM is a submitted inquiry with its thread.
type InquiryVM struct {
	ID            int64
	Ref           string
	Status        string
	Company       string
	Owner         string
	OwnerEmail    string
	Assignee      string
	SubmittedAt   time.Time
	Facts         []InquiryFactVM
	Messages      []InquiryMessageVM
	Attachments   []InquiryAttachmentVM
	ProposalHref  string
	DeclineReason string
	EditHref      string
	ReplyAction   string
	Reply         FieldVM
	NoticeID      string
}

// StaffInquiryFilterVM is the inbox's filters as chosen.
type StaffInquiryFilterVM struct {
	Status   string
	Assignee string
	Query    string
}

// StaffInquiryListVM is the staff inbox.
type StaffInquiryListVM struct {
	Filter          StaffInquiryFilterVM
	StatusOptions   []OptionVM
	AssigneeOptions []OptionVM
	Rows            []InquiryRowVM
	Total           int
	Page            int
	Pages           int
	Action          string
	CSVHref         string
	PrevHref        string
	NextHref        string
}

// StaffInquiryVM is an inquiry for staff, with its actions and the same
// company's history.
type StaffInquiryVM struct {
	InquiryVM
	Base            string
	ListHref        string
	Open            bool
	AssigneeOptions []OptionVM
	AssigneeID      string
	History         []InquiryRowVM
	Ask             FieldVM
	Decline         FieldVM
}
