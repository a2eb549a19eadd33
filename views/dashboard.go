package views

import (
	"strconv"

	"github.com/ikco/partner-portal/views/i18n"
)

// BarChartVM is a chart drawn on the server as SVG shapes whose places
// are worked out by the handler (mirrored for right-to-left pages); Title
// and Desc describe it to screen readers, and a table beside it holds the
// same figures.
type BarChartVM struct {
	ID string
	// Dir is the direction its text reads in: rtl on Persian pages, whose
	// charts are mirrored.
	Dir    string
	Title  string
	Desc   string
	Width  int
	Height int
	Bars   []ChartBarVM
	Rules  []ChartRuleVM
	Texts  []ChartTextVM
}

// ChartBarVM is a rectangle with its tooltip.
type ChartBarVM struct {
	X, Y, W, H string
	Class      string
	Label      string
}

// ChartRuleVM is a line: an axis, a grid line, the goal.
type ChartRuleVM struct {
	X1, Y1, X2, Y2 string
	Class          string
}

// ChartTextVM is a label at a point, anchored start, middle or end.
type ChartTextVM struct {
	X, Y   string
	Anchor string
	Class  string
	Text   string
}

func (c BarChartVM) viewBox() string {
	return "0 0 " + strconv.Itoa(c.Width) + " " + strconv.Itoa(c.Height)
}

// DashboardVM is the export dashboard: the figures against the goal,
// their charts and tables, and for staff the pipeline in numbers.
type DashboardVM struct {
	Goal int
	// AsOf names the current month the figures run to.
	AsOf string
	// Labels of the periods ("January – May 2026").
	YearLabel, Last12Label, Last3Label, Prev3Label, YoY3Label, RestLabel string
	YearUnits, Last12Units                                               int
	YearProgress, Last12Progress                                         string
	// MainName is the main market's name (Russia); its units and shares.
	MainName                  string
	MainYear, MainLast12      int
	MainYearShare, MainShare  string
	Last3, Prev3, YoY3        int
	Trend3, TrendYoY          TrendVM
	Remaining, MonthsLeft     int
	NeededPerMonth            int
	Last3Average              int
	Reached, OnTrack          bool
	Progress, Monthly         BarChartVM
	MarketsChart, ModelsChart BarChartVM
	MonthTables               []DashMonthTableVM
	Markets, Models           []DashShareVM
	CSVHref                   string
	// Demo is set when illustrative demonstration records are among the
	// figures.
	Demo bool
	// Pipeline is the staff's part; nil for investors and partners.
	Pipeline *PipelineStatsVM
	// ShipmentsHref links staff to the records.
	ShipmentsHref string
}

// TrendVM is a change in percent: its text ("+18.3 %"), its direction,
// and whether there was a base to compare with.
type TrendVM struct {
	Valid bool
	Up    bool
	Down  bool
	Text  string
}

// DashMonthTableVM is a year's run of months of the monthly chart, as a
// table with its caption.
type DashMonthTableVM struct {
	Caption string
	Rows    []DashMonthVM
}

// DashMonthVM is one month of the monthly table.
type DashMonthVM struct {
	Label string
	Units int
	Main  int
}

// DashShareVM is one market's or model's line.
type DashShareVM struct {
	Name   TextVM
	Year   int
	Last12 int
	Share  string
}

// PipelineStatsVM is the negotiation pipeline in numbers, for staff.
type PipelineStatsVM struct {
	Stages    []PipelineStageVM
	Inquiries []InquiryMonthVM
	// InquiriesLabel names the months the inquiries table covers.
	InquiriesLabel string
}

// PipelineStageVM is one stage's line.
type PipelineStageVM struct {
	Stage      string
	Count      int
	Volume     int
	Investment []PipelineMoneyVM
	Done, Open int
	// AvgDone and AvgOpen are average days, written out, or "" when there
	// were none.
	AvgDone, AvgOpen string
}

// PipelineMoneyVM is the investment range of a stage's proposals in one
// currency.
type PipelineMoneyVM struct {
	Count    int
	Min, Max i18n.Money
}

// InquiryMonthVM is one month of inquiries.
type InquiryMonthVM struct {
	Label     string
	Received  int
	Converted int
	Rate      string
}

// ShipmentsPageVM is the staff's shipments page: the records with their
// filters, and the forms to add a record, upload a CSV file and add a
// market.
type ShipmentsPageVM struct {
	NoticeText    string
	FilterAction  string
	Year          string
	Market        string
	Model         string
	YearOptions   []OptionVM
	MarketOptions []OptionVM
	ModelOptions  []OptionVM
	Total         int
	Rows          []ShipmentRowVM
	Pagination    PaginationVM
	Record        ShipmentFormVM
	MarketForm    MarketFormVM
	Upload        UploadFormVM
	DashboardHref string
}

// ShipmentRowVM is one record in the list.
type ShipmentRowVM struct {
	Href   string
	Month  string
	Market string
	Model  TextVM
	Units  int
	Demo   bool
}

// ShipmentFormVM is the form of one record.
type ShipmentFormVM struct {
	Action string
	Fields []FieldVM
	Errors []FormErrorVM
	// ExistingHref links the record that already holds the month, market
	// and model entered.
	ExistingHref string
}

// MarketFormVM is the form to add a market.
type MarketFormVM struct {
	Action string
	Fields []FieldVM
	Errors []FormErrorVM
}

// UploadFormVM is the CSV upload form, with the problem of the last
// upload, if any.
type UploadFormVM struct {
	Action   string
	Error    string
	MaxLines int
	MaxKB    int
}

// csvSample shows the shape of an upload.
const csvSample = "month,market,model,units\n2026-03,ru,rira,1200\n2026-03,Азербайджан,Tara,340"

// ShipmentEditVM is the page of one record: its form and deletion.
type ShipmentEditVM struct {
	Title        string
	Record       ShipmentFormVM
	DeleteAction string
	BackHref     string
	Demo         bool
}

// ShipmentDeleteVM asks to confirm a deletion.
type ShipmentDeleteVM struct {
	Title      string
	Action     string
	CancelHref string
}

// ShipmentPreviewVM is a checked upload: the problems of its lines, or
// the lines with what each changes and the confirm form.
type ShipmentPreviewVM struct {
	FileName      string
	FileProblem   string
	Problems      []CSVProblemVM
	Lines         []PreviewLineVM
	New, Replaced int
	ConfirmAction string
	Content       string
	Signature     string
	Upload        UploadFormVM
	BackHref      string
}

// CSVProblemVM is a problem of a line of an upload, written out.
type CSVProblemVM struct {
	Line int
	Text string
}

// PreviewLineVM is a valid line of an upload.
type PreviewLineVM struct {
	Line     int
	Month    string
	Market   string
	Model    TextVM
	Units    int
	Replaces bool
	Old      int
}
