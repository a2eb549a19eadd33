package web

import (
	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// Figures the home page quotes from the automaker's stated situation.
const (
	productionThousands = 500
	exportGoal          = 100000
)

// exportMarkets are the markets the home page names, most important first.
var exportMarkets = []string{"ru", "az", "om", "iq"}

// handleHome introduces the portal and the export range.
func (s *Server) handleHome(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	stamp := s.store.ContentVersion()
	list, err := memoized(s.memo, stamp, "featured "+lang, func() (db.ModelList, error) {
		return s.store.ListModels(ctx, lang, db.ModelFilter{Page: 1, PerPage: 3})
	})
	if err != nil {
		return err
	}
	vm := views.HomeVM{
		ModelCount:  list.Total,
		Markets:     exportMarkets,
		GoalVolume:  exportGoal,
		ProductionK: productionThousands,
	}
	for _, m := range list.Items {
		vm.Featured = append(vm.Featured, modelCardVM(m, lang))
	}
	meta := s.pageMeta(c, "home.title")
	meta.Description = i18n.T(ctx, "home.lead")
	meta.Section = "home"
	return s.renderSharedAt(c, meta, stamp, "home", func() (templ.Component, error) { return views.HomeContent(vm), nil }, nil)
}
