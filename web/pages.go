package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web/media"
)

// pageMeta builds the layout's data for a page titled by a message id.
func (s *Server) pageMeta(c echo.Context, titleID string) views.PageMeta {
	return views.PageMeta{
		Title:   i18n.T(c.Request().Context(), titleID),
		BaseURL: s.cfg.BaseURL,
		Demo:    s.cfg.DemoMode,
	}
}

// textVM turns a stored text into a view text, marking a fallback.
func textVM(t db.Text, lang string) views.TextVM {
	return views.TextVM{Value: t.Value, Lang: t.Lang, Fallback: t.Lang != "" && t.Lang != lang}
}

func moneyVM(m db.Money) i18n.Money { return i18n.Money{Minor: m.Minor, Currency: m.Currency} }

// mediaURL is where a media file is served.
func mediaURL(m db.Media) string {
	if m.Source == "static" {
		return staticPath(m.File)
	}
	return "/media/" + m.File
}

func imageVM(m db.Media, lang string) views.ImageVM {
	img := views.ImageVM{Src: mediaURL(m), Alt: textVM(m.Alt, lang), Width: m.Width, Height: m.Height}
	if m.Source == "upload" && m.Kind == "photo" && media.ValidFileName(m.File) {
		// Uploaded photos are stored in several widths.
		ws := media.SrcsetWidths(m.Width)
		if len(ws) > 1 {
			parts := make([]string, len(ws))
			for i, w := range ws {
				parts[i] = "/media/" + media.PhotoFile(media.BaseName(m.File), w) + " " + strconv.Itoa(w) + "w"
			}
			img.Srcset = strings.Join(parts, ", ")
		}
	}
	return img
}

func modelCardVM(m db.ModelSummary, lang string) views.ModelCardVM {
	vm := views.ModelCardVM{
		Slug:          m.Slug,
		Name:          textVM(m.Name, lang),
		Tagline:       textVM(m.Tagline, lang),
		BodyType:      m.BodyType,
		Seats:         m.Seats,
		ModelYear:     m.ModelYear,
		Fuels:         m.Fuels,
		Transmissions: m.Transmissions,
		EngineMinCC:   m.EngineMinCC,
		EngineMaxCC:   m.EngineMaxCC,
		PowerMinHP:    m.PowerMinHP,
		PowerMaxHP:    m.PowerMaxHP,
		PriceFrom:     moneyVM(m.PriceFrom),
		TrimCount:     m.TrimCount,
	}
	if m.Photo != nil {
		img := imageVM(*m.Photo, lang)
		vm.Photo = &img
	}
	return vm
}

func trimVM(t db.Trim, lang string) views.TrimVM {
	return views.TrimVM{
		ID:           t.ID,
		Name:         textVM(t.Name, lang),
		ModelName:    textVM(t.ModelName, lang),
		ModelSlug:    t.ModelSlug,
		Fuel:         t.Fuel,
		Transmission: t.Transmission,
		Drive:        t.Drive,
		EngineCC:     t.EngineCC,
		PowerHP:      t.PowerHP,
		Price:        moneyVM(t.Price),
	}
}

func specVMs(groups []db.SpecGroup, lang string) []views.SpecGroupVM {
	out := make([]views.SpecGroupVM, len(groups))
	for i, g := range groups {
		gv := views.SpecGroupVM{Code: g.Code, Name: textVM(g.Name, lang)}
		for _, r := range g.Rows {
			rv := views.SpecRowVM{Name: textVM(r.Name, lang), Kind: r.Kind, Unit: r.Unit, Decimals: r.Decimals, Differs: r.Differs()}
			for _, v := range r.Values {
				rv.Values = append(rv.Values, views.SpecValueVM{Present: v.Present, Num: v.Num, Flag: v.Flag, Text: textVM(v.Text, lang)})
			}
			gv.Rows = append(gv.Rows, rv)
		}
		out[i] = gv
	}
	return out
}
