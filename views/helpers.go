// Package views holds the portal's templ components and the view models
// they render. Components take view-model structs (names ending in VM)
// and read the language, translator and formatters from ctx.
package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/ikco/partner-portal/static"
	"github.com/ikco/partner-portal/views/i18n"
)

// T translates a message id in the page's language.
func T(ctx context.Context, id string, pairs ...any) string { return i18n.T(ctx, id, pairs...) }

// Plural translates a message with the plural form for n.
func Plural(ctx context.Context, id string, n int, pairs ...any) string {
	return i18n.Plural(ctx, id, n, pairs...)
}

// Money formats an amount in the page's language.
func Money(ctx context.Context, m i18n.Money) string { return i18n.FormatMoney(ctx, m) }

// Date formats a day in the page's language.
func Date(ctx context.Context, t time.Time) string { return i18n.FormatDate(ctx, t) }

// DateTime formats a moment as day and time in the page's language.
func DateTime(ctx context.Context, t time.Time) string { return i18n.FormatDateTime(ctx, t) }

// Int formats an integer in the page's language.
func Int(ctx context.Context, n int) string { return i18n.FormatInt(ctx, n) }

// Num formats a decimal number in the page's language.
func Num(ctx context.Context, x float64, decimals int) string {
	return i18n.FormatNumber(ctx, x, decimals)
}

// Href builds a link in the page's language.
func Href(ctx context.Context, parts ...string) string { return i18n.Href(ctx, parts...) }

// Asset is the hashed URL of a file under static/.
func Asset(name string) string { return static.Path(name) }

// Lang is the page's language code.
func Lang(ctx context.Context) string { return i18n.Lang(ctx) }

// Dir is the page's text direction.
func Dir(ctx context.Context) string { return i18n.Dir(ctx) }

// Liters formats an engine displacement in cubic centimetres as litres
// with one decimal ("1,6 л").
func Liters(ctx context.Context, cc int) string {
	return Num(ctx, float64(cc)/1000, 1) + "\u00a0" + T(ctx, "unit.l")
}

// SpecNumber formats a specification number with its unit.
func SpecNumber(ctx context.Context, x float64, decimals int, unit string) string {
	s := Num(ctx, x, decimals)
	if unit != "" {
		s += "\u00a0" + T(ctx, "unit."+unit)
	}
	return s
}

// Join translates each code with prefix and joins the results.
func Join(ctx context.Context, prefix string, codes []string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = T(ctx, prefix+c)
	}
	return strings.Join(parts, T(ctx, "list.sep"))
}

// TextVM is a translated text with the language it is in; Fallback is
// true when the page's language was missing and another was shown.
type TextVM struct {
	Value    string
	Lang     string
	Fallback bool
}

// PageMeta is what the layout needs to know of a page.
type PageMeta struct {
	Title       string
	Description string
	// BaseURL is the portal's public origin, for canonical and hreflang links.
	BaseURL string
	// Section names the header navigation entry to mark as current.
	Section string
	Demo    bool
	NoIndex bool
	// SearchQuery fills the header's search box (on the search page).
	SearchQuery string
}

// ImageVM is a picture with its intrinsic size, so pages do not shift.
type ImageVM struct {
	Src string
	// Srcset lists the image's other widths ("/media/x-480.jpg 480w, …"),
	// empty when there is one file.
	Srcset string
	Alt    TextVM
	Width  int
	Height int
}

// ErrorVM is an error page.
type ErrorVM struct {
	Status    int
	MessageID string
	RequestID string
}

// engineRange writes a displacement or a range of them ("1,6–1,7 л").
func engineRange(ctx context.Context, minCC, maxCC int) string {
	if minCC == 0 && maxCC == 0 {
		return T(ctx, "fuel.electric")
	}
	if minCC == maxCC {
		return Liters(ctx, minCC)
	}
	return Num(ctx, float64(minCC)/1000, 1) + "–" + Liters(ctx, maxCC)
}

// powerRange writes a power or a range of them ("110–150 л. с.").
func powerRange(ctx context.Context, minHP, maxHP int) string {
	unit := "\u00a0" + T(ctx, "unit.hp")
	if minHP == maxHP {
		return Int(ctx, minHP) + unit
	}
	return Int(ctx, minHP) + "–" + Int(ctx, maxHP) + unit
}

// yearOf writes a year without digit grouping.
func yearOf(ctx context.Context, y int) string { return i18n.From(ctx).Year(y) }

// compareAllHref links the comparison of up to four of the trims.
func compareAllHref(ctx context.Context, trims []TrimVM) string {
	var b strings.Builder
	for i, t := range trims {
		if i == 4 {
			break
		}
		if i > 0 {
			b.WriteString("%2C")
		}
		b.WriteString(strconv.FormatInt(t.ID, 10))
	}
	return Href(ctx, "/compare") + "?trims=" + b.String()
}

// brochureMeta writes a brochure's size and language.
func brochureMeta(ctx context.Context, b BrochureVM) string {
	s := Num(ctx, float64(b.Bytes)/1024, 0) + "\u00a0" + T(ctx, "unit.kb")
	if b.Lang != "" {
		s += ", " + T(ctx, "lang.name."+b.Lang)
	}
	return s
}

// showModelNames reports whether trims come from more than one model, so
// the table heads name the model too.
func showModelNames(trims []TrimVM) bool {
	for _, t := range trims {
		if t.ModelSlug != trims[0].ModelSlug {
			return true
		}
	}
	return false
}

// groupDiffers reports whether any row of the group differs.
func groupDiffers(g SpecGroupVM) bool {
	for _, r := range g.Rows {
		if r.Differs {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// imgAttrs are an image's srcset and sizes, when it has several widths.
func imgAttrs(img ImageVM, sizes string) templ.Attributes {
	a := templ.Attributes{}
	if img.Srcset != "" {
		a["srcset"] = img.Srcset
		a["sizes"] = sizes
	}
	return a
}

func describedBy(f FieldVM) string {
	var ids []string
	if f.HintID != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.ErrorID != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

func dirOr(d string) string {
	if d == "" {
		return "auto"
	}
	return d
}

// pricesDiffer reports whether the trims' prices are not all the same.
func pricesDiffer(trims []TrimVM) bool {
	for _, t := range trims {
		if t.Price != trims[0].Price {
			return true
		}
	}
	return false
}

// staffAreas maps the first part of a staff page's path (without the
// language) to the staff bar's entry it belongs to.
var staffAreas = []struct{ prefix, area string }{
	{"/staff/catalogue", "editor"}, {"/staff/media", "editor"}, {"/staff/specs", "editor"},
	{"/staff/translations", "editor"}, {"/staff/news", "editor"},
	{"/staff/offers", "offers"}, {"/staff/rates", "offers"},
	{"/staff/pipeline", "pipeline"}, {"/staff/proposals", "pipeline"},
	{"/staff/inquiries", "inquiries"}, {"/staff/shipments", "shipments"},
	{"/staff/registrations", "staff"}, {"/admin/", "admin"},
}

// staffArea names the staff bar entry of the page at path, or "".
func staffArea(path string) string {
	for _, a := range staffAreas {
		if path == a.prefix || strings.HasPrefix(path, a.prefix+"/") || (strings.HasSuffix(a.prefix, "/") && strings.HasPrefix(path, a.prefix)) {
			return a.area
		}
	}
	return ""
}
