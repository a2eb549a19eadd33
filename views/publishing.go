package views

import (
	"strconv"

	"context"
	"github.com/a-h/templ"
	"strings"
	"time"
)

// EditorRowVM is a catalogue entry on the staff list.
type EditorRowVM struct {
	Name        TextVM
	Slug        string
	Status      string
	Unpublished bool
	Rev         int
	Updated     time.Time
	Missing     int
	Scheduled   *ScheduleVM
	Href        string
}

// EditorListVM is the staff list of catalogue entries.
type EditorListVM struct {
	NoticeID         string
	NewHref          string
	TranslationsHref string
	MediaHref        string
	Items            []EditorRowVM
}

// LangFieldVM is one language's input of a translated text.
type LangFieldVM struct {
	Lang    string
	ID      string
	Name    string
	Value   string
	Missing bool
	ErrorID string
	MaxLen  int
}

// TextRowVM is a translated text with its three inputs side by side.
type TextRowVM struct {
	LabelID   string
	Multiline bool
	Required  bool
	Fields    []LangFieldVM
}

// TrimFormVM is a trim's row in the editor.
type TrimFormVM struct {
	Index        int
	New          bool
	Legend       string
	Slug         FieldVM
	Names        TextRowVM
	Fuel         FieldVM
	Transmission FieldVM
	Drive        FieldVM
	EngineCC     FieldVM
	PowerHP      FieldVM
	Price        FieldVM
	RemoveName   string
}

// SpecCellVM is one trim's input of a specification item.
type SpecCellVM struct {
	ID      string
	Name    string
	Value   string
	Label   string
	ErrorID string
	// Texts are the three inputs of a text item.
	Texts []LangFieldVM
}

// SpecItemFormVM is a specification item's row in the editor's table.
type SpecItemFormVM struct {
	Name  TextVM
	Kind  string
	Unit  string
	Cells []SpecCellVM
}

// SpecGroupFormVM is a group of specification rows in the editor.
type SpecGroupFormVM struct {
	Name  TextVM
	Items []SpecItemFormVM
}

// MediaFormVM is a photo or brochure of the entry in the editor.
type MediaFormVM struct {
	Index      int
	Key        string
	Kind       string
	Thumb      string
	Href       string
	Alts       TextRowVM
	Lang       FieldVM
	RemoveName string
}

// ScheduleVM is a pending scheduled action. A publish names the revision
// it publishes (Live: the live version of an entry not edited yet); Newer
// says the draft (DraftRev) has changed since, and those changes are not
// in it; Superseded that a newer revision (PublishedRev) is live, so it
// will not be carried out.
type ScheduleVM struct {
	ID           int64
	Action       string
	Due          time.Time
	Rev          int
	Live         bool
	Newer        bool
	Superseded   bool
	DraftRev     int
	PublishedRev int
	CancelHref   string
	DiffHref     string
}

// EditorVM is the catalogue editor of one entry.
type EditorVM struct {
	New          bool
	Title        string
	Status       string
	Unpublished  bool
	Rev          int
	PublishedRev int
	Action       string
	ErrorID      string
	NoticeID     string
	ConflictRev  int
	DiffHref     string
	Errors       []FormErrorVM
	Slug         FieldVM
	BodyType     FieldVM
	Seats        FieldVM
	ModelYear    FieldVM
	SortOrder    FieldVM
	Texts        []TextRowVM
	Trims        []TrimFormVM
	TrimCount    int
	SpecTrims    []string
	Specs        []SpecGroupFormVM
	Media        []MediaFormVM
	MediaCount   int
	AddMedia     FieldVM
	Missing      int

	PublishHref    string
	UnpublishHref  string
	ArchiveHref    string
	ScheduleHref   string
	RevisionsHref  string
	PreviewHref    string
	PublicHref     string
	ListHref       string
	Schedules      []ScheduleVM
	ScheduleAt     FieldVM
	ScheduleAction FieldVM
}

// RevisionRowVM is one revision on the history page.
type RevisionRowVM struct {
	Rev       int
	Action    string
	Note      string
	Author    string
	At        time.Time
	Published bool
	Current   bool
	DiffHref  string
}

// RevisionsVM is an entry's history.
type RevisionsVM struct {
	Title      string
	EditorHref string
	DiffAction string
	Items      []RevisionRowVM
	A, B       int
}

// DiffRowVM is one field of two revisions side by side.
type DiffRowVM struct {
	Field   string
	A, B    string
	Changed bool
}

// DiffVM compares two revisions of an entry.
type DiffVM struct {
	Title       string
	EditorHref  string
	HistoryHref string
	A, B        RevisionRowVM
	Rows        []DiffRowVM
	Changes     int
	OnlyChanges bool
	AllHref     string
	ChangesHref string
	RestoreHref string
	CurrentRev  int
}

// MissingRowVM is an entry's text lacking translations.
type MissingRowVM struct {
	Model TextVM
	Href  string
	Field string
	Langs []string
}

// TranslationsVM lists the missing translations.
type TranslationsVM struct {
	Items []MissingRowVM
}

// MediaItemVM is a file of the media library.
type MediaItemVM struct {
	ID           int64
	Kind         string
	Thumb        string
	Href         string
	Width        int
	Height       int
	Bytes        int64
	OriginalName string
	Uploaded     time.Time
	By           string
	DeleteHref   string
	ReplaceHref  string
	// PublishedUses are the slugs of published models showing the file.
	PublishedUses []string
}

// MediaLibraryVM is the media library page.
type MediaLibraryVM struct {
	NoticeID string
	ErrorID  string
	Action   string
	File     FieldVM
	Items    []MediaItemVM
}

// MediaDeleteVM asks to confirm deleting a file that published pages use.
type MediaDeleteVM struct {
	Item       MediaItemVM
	Uses       []string
	Action     string
	CancelHref string
}

// NewsItemVM is one entry of "what's new".
type NewsItemVM struct {
	Kind  string
	Title string
	Href  string
	At    time.Time
}

// NewsVM is the "what's new" page.
type NewsVM struct {
	FeedHref string
	Items    []NewsItemVM
}

// langName is a language's own name ("Русский").
func langName(ctx context.Context, l string) string { return T(ctx, "lang.name."+l) }

// langDir is a language's text direction.
func langDir(l string) string {
	if l == "fa" {
		return "rtl"
	}
	return "ltr"
}

// langList writes language codes as their names.
func langList(ctx context.Context, ls []string) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = langName(ctx, l)
	}
	return strings.Join(out, T(ctx, "list.sep"))
}

func langDescribedBy(f LangFieldVM) string {
	var ids []string
	if f.Missing {
		ids = append(ids, f.ID+"-missing")
	}
	if f.ErrorID != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// langAttrs are a language input's optional attributes.
func langAttrs(f LangFieldVM) templ.Attributes {
	a := templ.Attributes{}
	if f.MaxLen > 0 {
		a["maxlength"] = strconv.Itoa(f.MaxLen)
	}
	if d := langDescribedBy(f); d != "" {
		a["aria-describedby"] = d
	}
	if f.ErrorID != "" {
		a["aria-invalid"] = "true"
	}
	return a
}

// cellAttrs are a specification input's optional attributes.
func cellAttrs(c SpecCellVM) templ.Attributes {
	a := templ.Attributes{}
	if c.ErrorID != "" {
		a["aria-invalid"] = "true"
	}
	return a
}
