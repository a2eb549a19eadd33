package views

import (
	"context"
	"strings"
	"time"

	"github.com/ikco/partner-portal/views/i18n"
)

// ProposalCardVM is a proposal's teaser on the public list; the summary
// shows to approved members only.
type ProposalCardVM struct {
	ID          int64
	Href        string // the status page, for participants and staff; "" otherwise
	Title       TextVM
	Kind        string
	Market      string
	Stage       string
	Summary     *TextVM
	Participant bool
}

// ProposalListVM is the public list of proposals.
type ProposalListVM struct {
	Items      []ProposalCardVM
	Member     bool
	Pagination PaginationVM
}

// StageStepVM is one step of the progress track.
type StageStepVM struct {
	Stage   string
	Done    bool
	Current bool
}

// EventVM is one timeline entry.
type EventVM struct {
	Seq      int64
	Kind     string // created, stage, note, internal
	At       time.Time
	Actor    string
	From     string
	To       string
	Note     string
	Hash     string
	PrevHash string
}

// DocumentVM is a document of a proposal.
type DocumentVM struct {
	ID         int64
	Name       string
	Kind       string
	Size       int64
	Href       string
	ViewHref   string // inline view, PDF only
	UploadedAt time.Time
	// Version counts a document's versions from 1.
	Version int
	// SupersededAt and DeletedAt mark, on staff's list of earlier
	// versions, when a newer version replaced this one or the document
	// was deleted.
	SupersededAt time.Time
	DeletedAt    time.Time
	// ReplaceAction and DeleteAction are set for staff on a current
	// document; ReplaceError is a refused new version's message.
	ReplaceAction string
	DeleteAction  string
	ReplaceError  string
}

// DocumentDeleteVM asks staff to confirm deleting a document.
type DocumentDeleteVM struct {
	Proposal   TextVM
	Document   DocumentVM
	Action     string
	CancelHref string
}

// QuestionVM is a question with its answer.
type QuestionVM struct {
	ID         int64
	Asker      string
	Question   string
	Answer     string
	AskedAt    time.Time
	AnsweredAt time.Time
	FAQ        bool
	// AnswerAction and AnswerField are set for staff.
	AnswerAction string
	AnswerField  FieldVM
}

// ParticipantVM is a person taking part.
type ParticipantVM struct {
	UserID       int64
	Name         string
	Email        string
	Company      string
	Role         string
	NDAAt        time.Time
	RemoveAction string
}

// ChainCheckVM is a verification result.
type ChainCheckVM struct {
	Entries   int
	OK        bool
	BrokenSeq int64
	Reason    string
}

// ProposalPageVM is the participant's status page of a proposal.
type ProposalPageVM struct {
	ID int64
	// InquiryRef and InquiryHref name the inquiry the proposal was made
	// from, for staff and the partner who sent it.
	InquiryRef   string
	InquiryHref  string
	Title        TextVM
	Summary      TextVM
	Kind         string
	Market       string
	Region       string
	Models       string
	Volume       int
	InvestMin    i18n.Money
	InvestMax    i18n.Money
	KeyTerms     string
	Stage        string
	Closed       bool
	Track        []StageStepVM
	StageSince   time.Time
	NextStep     string
	NextDue      time.Time
	Open         bool // past the NDA gate (or staff)
	NDAText      string
	NDAVersion   int
	NDAAction    string
	Participants []ParticipantVM
	Events       []EventVM
	// TimelineHTML, when set, is the participants' timeline already
	// rendered (it is the same for all of them), used instead of Events.
	TimelineHTML []byte
	// TimelineShown and TimelineTotal say how many entries of how many
	// the status page shows (the latest ones).
	TimelineShown int
	TimelineTotal int
	Documents     []DocumentVM
	Questions     []QuestionVM
	AskAction     string
	Ask           FieldVM
	HistoryHref   string
	HistoryJSON   string
	FeedURL       string // shown once, right after a token is made
	HasFeed       bool
	FeedAction    string
	FeedRevoke    string
	NoticeID      string
	ErrorSummary  []FormErrorVM
	StaffHref     string
	IsStaff       bool
	StatusHrefFor string
}

// HistoryVM is the readable history page with its verification.
type HistoryVM struct {
	ID        int64
	Title     TextVM
	Events    []EventVM
	Check     ChainCheckVM
	JSONHref  string
	HowToHref string
	BackHref  string
}

// ProposalFormVM is the staff form that creates or edits a proposal.
type ProposalFormVM struct {
	Title   string // message id
	Action  string
	Version int64
	Groups  []FieldGroupVM
	Errors  []FormErrorVM
	// ConflictID is set when someone saved the proposal meanwhile.
	ConflictID string
	CancelHref string
}

// FieldGroupVM is a fieldset of a form.
type FieldGroupVM struct {
	LegendID string
	Fields   []FieldVM
}

// StaffProposalVM is the staff page of a proposal: everything of the
// status page, plus moves, notes, participants, uploads and records.
type StaffProposalVM struct {
	P            ProposalPageVM
	Version      int64
	MoveAction   string
	Moves        []OptionVM
	MoveNote     FieldVM
	MoveNext     FieldVM
	MoveDue      FieldVM
	NoteAction   string
	Note         FieldVM
	AddAction    string
	AddEmail     FieldVM
	AddCompany   FieldVM
	UploadAction string
	UploadError  string
	// OldDocuments are earlier versions and deleted documents.
	OldDocuments []DocumentVM
	Access       []AccessVM
	NDAs         []NDAVM
	Check        *ChainCheckVM
	VerifyHref   string
	EditHref     string
	BoardHref    string
	ErrorID      string
	ErrorData    []any
	NoticeID     string
}

// AccessVM is one view or download of a document.
type AccessVM struct {
	Document, User, Company, Action, IP string
	Version                             int
	At                                  time.Time
}

// NDAVM is one NDA acceptance.
type NDAVM struct {
	User    string
	Version int
	SHA256  string
	At      time.Time
	IP      string
}

// StaffProposalListVM is the staff list of proposals.
type StaffProposalListVM struct {
	Items      []StaffProposalRowVM
	NewHref    string
	BoardHref  string
	NoticeID   string
	Total      int
	Pagination PaginationVM
}

// StaffProposalRowVM is a row of the staff list.
type StaffProposalRowVM struct {
	Href       string
	Title      TextVM
	Kind       string
	Market     string
	Stage      string
	Partner    string
	Owner      string
	StageSince time.Time
}

// BoardVM is the staff pipeline board.
type BoardVM struct {
	// ColumnsHTML is BoardColumns rendered.
	ColumnsHTML []byte
	Kind        []OptionVM
	Market      []OptionVM
	Owner       []OptionVM
	Filtered    bool
	Reset       string
	NoticeID    string
	ErrorID     string
	// ErrorData fills the error message's template.
	ErrorData []any
	// Column is the stage shown alone, page by page ("" for the whole
	// board), with BoardHref back to the whole board and its pages.
	Column     string
	BoardHref  string
	Pagination PaginationVM
}

// BoardColumnVM is one stage of the board.
type BoardColumnVM struct {
	Stage string
	Count int
	Cards []BoardCardVM
	More  int
	// MoreHref is the column alone, with every card page by page.
	MoreHref string
}

// BoardCardVM is a proposal on the board, with its move form.
type BoardCardVM struct {
	ID         int64
	Href       string
	Title      TextVM
	Partner    string
	Volume     int
	Value      i18n.Money
	Days       int
	Stage      string
	Version    int64
	MoveAction string
	Moves      []OptionVM
}

// NotificationVM is an entry of the notification list.
type NotificationVM struct {
	Kind   string
	Title  TextVM
	Detail string
	Href   string
	At     time.Time
	Unread bool
}

// NotificationsVM is the notification list with the preference form.
type NotificationsVM struct {
	Items      []NotificationVM
	Pref       string
	Choices    []string
	PrefAction string
	ReadAction string
	Unread     int
	NoticeID   string
	// PrefError is a refused choice's message; Hour and Zone are the
	// daily digest's hour and time zone; DigestAt says when the digest
	// goes out, for someone who chose it.
	PrefError string
	Hour      FieldVM
	Zone      FieldVM
	DigestAt  string
	Errors    []FormErrorVM
}

// stageLabel is a stage's name.
func stageLabel(ctx context.Context, stage string) string { return T(ctx, "proposal.stage."+stage) }

// bytesLabel writes a file size in KB or MB.
func bytesLabel(ctx context.Context, n int64) string {
	if n >= 1<<20 {
		return Num(ctx, float64(n)/(1<<20), 1) + "\u00a0" + T(ctx, "unit.mb")
	}
	return Num(ctx, float64(n)/1024, 0) + "\u00a0" + T(ctx, "unit.kb")
}

// shortHash is the first 12 hex digits of a hash, for display.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// notifyText is a notification's sentence.
func notifyText(ctx context.Context, kind, detail string) string {
	if strings.HasPrefix(kind, "offer_") {
		return offerNotifyText(ctx, kind, detail)
	}
	if detail == "" {
		return T(ctx, "notify.kind."+kind)
	}
	return T(ctx, "notify.kind."+kind, "Stage", stageLabel(ctx, detail))
}
