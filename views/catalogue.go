package views

import "github.com/ikco/partner-portal/views/i18n"

// ModelCardVM is a model on the catalogue list or the home page.
type ModelCardVM struct {
	Slug          string
	Name          TextVM
	Tagline       TextVM
	BodyType      string
	Seats         int
	ModelYear     int
	Fuels         []string
	Transmissions []string
	EngineMinCC   int
	EngineMaxCC   int
	PowerMinHP    int
	PowerMaxHP    int
	PriceFrom     i18n.Money
	TrimCount     int
	Photo         *ImageVM
}

// OptionVM is one choice of a select.
type OptionVM struct {
	Value    string
	LabelID  string // message id of the label; empty when Label is set
	Label    string
	Selected bool
}

// PageLinkVM is one link of the pagination.
type PageLinkVM struct {
	Number  int
	Href    string
	Current bool
	Gap     bool // an ellipsis between distant pages
}

// PaginationVM is the list's page navigation.
type PaginationVM struct {
	Page     int
	Pages    int
	PrevHref string
	NextHref string
	Links    []PageLinkVM
}

// CatalogueVM is the catalogue list page.
type CatalogueVM struct {
	Body         []OptionVM
	Fuel         []OptionVM
	Transmission []OptionVM
	Seats        []OptionVM
	Sort         []OptionVM
	Filtered     bool
	ResetHref    string
	Items        []ModelCardVM
	Total        int
	Pagination   PaginationVM
}

// HomeVM is the home page.
type HomeVM struct {
	Featured    []ModelCardVM
	ModelCount  int
	Markets     []string
	GoalVolume  int
	ExportsNow  int
	ProductionK int
}

// TrimVM is a trim in the trims list and the comparison.
type TrimVM struct {
	ID           int64
	Name         TextVM
	ModelName    TextVM
	ModelSlug    string
	Fuel         string
	Transmission string
	Drive        string
	EngineCC     int
	PowerHP      int
	Price        i18n.Money
}

// SpecValueVM is one trim's value of a specification row.
type SpecValueVM struct {
	Present bool
	Num     float64
	Flag    bool
	Text    TextVM
}

// SpecRowVM is a specification item across the trims shown.
type SpecRowVM struct {
	Name     TextVM
	Kind     string
	Unit     string
	Decimals int
	Values   []SpecValueVM
	Differs  bool
}

// SpecGroupVM is a titled group of specification rows.
type SpecGroupVM struct {
	Code string
	Name TextVM
	Rows []SpecRowVM
}

// BrochureVM is a downloadable brochure.
type BrochureVM struct {
	Href  string
	Lang  string
	Bytes int64
}

// ModelPageVM is a model's page.
type ModelPageVM struct {
	Slug        string
	Name        TextVM
	Tagline     TextVM
	Description TextVM
	BodyType    string
	Seats       int
	ModelYear   int
	PriceFrom   i18n.Money
	PowerMaxHP  int
	Trims       []TrimVM
	Specs       []SpecGroupVM
	Photos      []ImageVM
	Brochures   []BrochureVM
}

// PickerModelVM is a model with its trims in the comparison's chooser.
type PickerModelVM struct {
	Name  TextVM
	Trims []PickerTrimVM
}

// PickerTrimVM is a trim that can be ticked for comparison.
type PickerTrimVM struct {
	ID      int64
	Name    TextVM
	Checked bool
}

// CompareVM is the comparison page: the chooser, and the table when 2–4
// trims were chosen.
type CompareVM struct {
	Trims    []TrimVM
	Specs    []SpecGroupVM
	OnlyDiff bool
	// ErrorID is the message id of what was wrong with the choice.
	ErrorID  string
	Picker   []PickerModelVM
	IDs      []int64
	DiffHref string
	AllHref  string
}

// DiffCount is the number of rows that differ between the trims.
func (vm CompareVM) DiffCount() int {
	n := 0
	for _, g := range vm.Specs {
		for _, r := range g.Rows {
			if r.Differs {
				n++
			}
		}
	}
	return n
}
