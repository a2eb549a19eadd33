package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/ikco/partner-portal/views/i18n"
)

// RateNoteVM is an exchange rate shown beside a price: Value rubles for
// Nominal units of Currency on Date, from Source (cbr, manual).
type RateNoteVM struct {
	Currency string
	Value    string // a decimal with a dot
	Nominal  int64
	Date     time.Time
	Source   string
}

// TierVM is a volume price.
type TierVM struct {
	MinQty int64
	Price  i18n.Money
	// Converted is the tier price in the viewer's currency; Minor is
	// meaningful only when HasConverted.
	Converted    i18n.Money
	HasConverted bool
}

// OfferRowVM is one offer on a list or its own page.
type OfferRowVM struct {
	ID       int64
	Href     string
	Model    TextVM
	Trim     TextVM
	HasTrim  bool
	BodyType string
	Price    i18n.Money
	// Converted is the price in the viewer's currency with the rates used;
	// NoRate is set when a rate is missing.
	Converted    i18n.Money
	HasConverted bool
	NoRate       bool
	Rates        []RateNoteVM
	Tiers        []TierVM
	MOQ          int64
	Incoterm     string
	Place        string
	LeadDays     int
	ValidFrom    time.Time
	ValidUntil   time.Time
	// Status is draft, published, expired or archived.
	Status string
	// PriceChange against the previous offer of the same trim: -1, 0, 1;
	// HasPrev false for the first offer.
	PriceChange int
	HasPrev     bool
	Demo        bool
	// Frozen at publish: the price in rubles and the rate used.
	RubAtIssue  i18n.Money
	IssueRate   RateNoteVM
	PublishedAt time.Time
	Warranty    TextVM
	AfterSales  TextVM
	Notes       TextVM
	PriceList   string // link to the PDF; empty for none
}

// OffersPageVM is the offers list (current or archive) for one role and
// currency: it holds nothing personal, so it can be kept between requests.
type OffersPageVM struct {
	Archive    bool
	Currency   string
	Model      []OptionVM
	Body       []OptionVM
	Incoterm   []OptionVM
	ValidNow   bool
	Min, Max   string
	RangeErr   string // message id of a bad price range
	Rows       []OfferRowVM
	Total      int
	Pagination PaginationVM
	CSVHref    string
	// LinkCurrency is the currency asked for in the query, kept in the
	// page\'s links and filter form; empty when it comes from the session.
	LinkCurrency string
	Filtered     bool
	ResetHref    string
}

// OffersTeaserVM is what a visitor learns about offers: that they exist.
type OffersTeaserVM struct {
	Count     int
	LoginHref string
}

// CurrencyFormVM is the viewer's currency switch.
type CurrencyFormVM struct {
	Action     string
	Next       string
	Current    string
	Currencies []string
}

// FollowedVM lists the offers a person follows.
type FollowedVM struct {
	Rows []OfferRowVM
}

// ChartVM is a server-drawn line chart of a price history, described by
// Title for screen readers; the table beside it has the same figures.
type ChartVM struct {
	Title   string
	Width   int
	Height  int
	Line    string // polyline points
	Dots    []ChartDotVM
	YLabels []ChartLabelVM
}

// ChartDotVM is one point with its label.
type ChartDotVM struct {
	X, Y  string
	Label string
}

// ChartLabelVM is an axis label.
type ChartLabelVM struct {
	X, Y  string
	Label string
}

// OfferPageVM is one offer's page: the offer, its price history, and the
// viewer's follow and interest forms.
type OfferPageVM struct {
	Offer                                  OfferRowVM
	History                                []OfferRowVM
	Chart                                  ChartVM
	Following                              bool
	FollowHref, UnfollowHref, InterestHref string
	Quantity                               FieldVM
	Message                                FieldVM
	Errors                                 []FormErrorVM
	NoticeID                               string
	Currency                               CurrencyFormVM
	// ReplacedByHref links the newer version that replaced this offer.
	ReplacedByHref string
}

// StaffOffersVM is the staff list of offers.
type StaffOffersVM struct {
	Rows     []OfferRowVM
	NewHref  string
	NoticeID string
}

// OfferFormVM is the staff editor of a draft offer.
type OfferFormVM struct {
	ID                                   int64
	Action                               string
	Status                               string
	Fields                               []FieldVM
	TierRows                             []TierFieldsVM
	Texts                                []OfferTextFieldsVM
	Errors                               []FormErrorVM
	NoticeID                             string
	PublishHref, ArchiveHref, DeleteHref string
	Offer                                *OfferRowVM
	// CopyHref copies the offer into a new draft.
	CopyHref string
	// CopiedFrom is the offer a draft was copied from; ReplacedBy the
	// newer version that replaced this one (0: none).
	CopiedFrom, ReplacedBy         int64
	CopiedFromHref, ReplacedByHref string
	// ShowReplaces shows a copy's "replace the original" box, ticked when
	// Replaces.
	ShowReplaces, Replaces bool
}

// TierFieldsVM is one tier's row in the editor.
type TierFieldsVM struct {
	N     int
	Qty   FieldVM
	Price FieldVM
}

// OfferTextFieldsVM are one language's texts in the editor.
type OfferTextFieldsVM struct {
	Lang       string
	Warranty   FieldVM
	AfterSales FieldVM
	Notes      FieldVM
}

// OfferRequestVM is an expression of interest in the staff list.
type OfferRequestVM struct {
	ID        int64
	Person    string
	Company   string
	Email     string
	Offer     string
	OfferHref string
	Quantity  int64
	Message   string
	Status    string
	CreatedAt time.Time
	ReplyHref string
}

// OfferRequestsVM is the staff list of requests.
type OfferRequestsVM struct {
	Rows       []OfferRequestVM
	Total      int
	Pagination PaginationVM
	NoticeID   string
}

// RatesPageVM is the staff page of exchange rates.
type RatesPageVM struct {
	Rates        []RateNoteVM
	Fields       []FieldVM
	Errors       []FormErrorVM
	ImportError  string // message id
	ImportDetail string
	NoticeID     string
	ManualAction string
	ImportAction string
}

// RateValue writes a rate's decimal as the language does: a comma in
// Russian, the Persian decimal separator in Persian.
func RateValue(ctx context.Context, v string) string {
	whole, frac, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(whole)
	if err != nil {
		return v
	}
	s := Int(ctx, n)
	if frac == "" {
		return s
	}
	sep := "."
	switch Lang(ctx) {
	case "ru":
		sep = ","
	case "fa":
		sep = "٫"
	}
	if Lang(ctx) == "fa" {
		var b strings.Builder
		for _, r := range frac {
			b.WriteRune('۰' + (r - '0'))
		}
		frac = b.String()
	}
	return s + sep + frac
}

// Int64 formats a count that may exceed int on 32-bit systems.
func Int64(ctx context.Context, n int64) string { return Int(ctx, int(n)) }

// offerNotifyText is the sentence of a notification about an offer: what
// happened, with a new version's changes (detail's comma-separated codes).
func offerNotifyText(ctx context.Context, kind, detail string) string {
	text := T(ctx, "notify.kind."+kind)
	if detail == "" {
		return text
	}
	var parts []string
	for _, code := range strings.Split(detail, ",") {
		parts = append(parts, T(ctx, "offers.change."+code))
	}
	return text + " (" + strings.Join(parts, "; ") + ")"
}
