package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	// The digest's time zones are loaded by name: the zone database goes
	// into the binary, so a machine without /usr/share/zoneinfo loads them.
	_ "time/tzdata"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// digestZones are the time zones a person may choose for their daily
// digest: "" (their language's zone: Moscow, or Tehran for Persian), the
// portal's markets and Russia's main zones, and UTC.
var digestZones = []string{"", "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk",
	"Asia/Krasnoyarsk", "Asia/Vladivostok", "Asia/Tehran", "Asia/Baku", "Asia/Muscat", "Asia/Baghdad", "UTC"}

// digestLocations are digestZones loaded, by name.
var digestLocations = func() map[string]*time.Location {
	m := map[string]*time.Location{}
	for _, z := range digestZones[1:] {
		loc, err := time.LoadLocation(z)
		if err != nil {
			panic("web: time zone " + z + ": " + err.Error())
		}
		m[z] = loc
	}
	return m
}()

// digestLocation is where a person's digest hour is counted: their chosen
// zone, else their language's.
func digestLocation(zone, lang string) *time.Location {
	if loc, ok := digestLocations[zone]; ok {
		return loc
	}
	if lang == "fa" {
		return digestLocations["Asia/Tehran"]
	}
	return digestLocations["Europe/Moscow"]
}

// digestDue is the latest moment at or before now when a digest at hour
// (0–23) in loc was due: today's hour if it has come, else yesterday's.
func digestDue(now time.Time, loc *time.Location, hour int) time.Time {
	l := now.In(loc)
	due := time.Date(l.Year(), l.Month(), l.Day(), hour, 0, 0, 0, loc)
	if due.After(now) {
		due = time.Date(l.Year(), l.Month(), l.Day()-1, hour, 0, 0, 0, loc)
	}
	return due
}

// SendDigests queues, for each person who chose the daily digest and
// whose hour has come in their time zone, one mail with their
// notifications made up to that hour that no digest carried yet, and
// returns how many mails it queued. Run it often (every minute): each
// person's digest goes at their hour, or at the first run after it when
// the portal was down; notifications are marked digested in the
// transaction that queues the mail, so none is sent twice, across
// restarts too. The clock is the caller's, so tests inject theirs. When no
// notification waits for any digest (the usual minute), it only reads:
// it takes no write lock.
func (s *Server) SendDigests(ctx context.Context, now time.Time) (int, error) {
	pending, err := s.store.DigestPending(ctx)
	if err != nil || !pending {
		return 0, err
	}
	sent := 0
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		users, err := tx.DigestUsers()
		if err != nil {
			return err
		}
		for _, u := range users {
			due := digestDue(now, digestLocation(u.TimeZone, u.Lang), u.DigestHour)
			items, err := tx.TakeDigest(u.ID, due, now)
			if err != nil {
				return err
			}
			if len(items) == 0 {
				continue
			}
			loc := s.catalog.Locale(u.Lang)
			lines := make([]string, 0, len(items))
			for _, n := range items {
				what := loc.T("notify.kind." + n.Kind)
				if n.Detail != "" {
					what = loc.T("notify.kind."+n.Kind, "Stage", loc.T("proposal.stage."+n.Detail))
				}
				link := s.absURL(i18n.HrefLang(u.Lang, "/proposals/", idString(n.ProposalID)))
				if n.OfferID != 0 {
					what, link = offerNotificationText(loc, n.Kind, n.Detail), s.absURL(i18n.HrefLang(u.Lang, "/offers/", idString(n.OfferID)))
				}
				lines = append(lines, what+": "+n.Title.In(u.Lang).Value+" ("+loc.DateTime(n.CreatedAt)+")\n"+link)
			}
			m, err := s.composeMail(recipientOf(u.User), mailSpec{Kind: "proposal_digest", Link: s.absURL(i18n.HrefLang(u.Lang, "/notifications")),
				Data: []any{"Count", loc.Int(len(items)), "Items", strings.Join(lines, "\n\n")}})
			if err != nil {
				return err
			}
			if err := tx.EnqueueMail(m, now); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if sent > 0 {
		s.notifyMailer()
	}
	return sent, err
}

// notifyPrefForm is the notification preference form as typed. Hour and
// zone may be absent (a form of the choice alone): the stored ones stay.
type notifyPrefForm struct {
	Notify, Hour, Zone string
	hasHour, hasZone   bool
}

func readNotifyPrefForm(c echo.Context) (notifyPrefForm, error) {
	if err := c.Request().ParseForm(); err != nil {
		return notifyPrefForm{}, echo.NewHTTPError(http.StatusBadRequest, "bad form")
	}
	f := c.Request().PostForm
	return notifyPrefForm{Notify: f.Get("notify"), Hour: f.Get("digest_hour"), Zone: f.Get("time_zone"),
		hasHour: f.Has("digest_hour"), hasZone: f.Has("time_zone")}, nil
}

// Validate checks the form against the stored preferences and returns
// the preferences to store and the problems by field.
func (f notifyPrefForm) Validate(cur db.NotifyPrefs) (db.NotifyPrefs, fieldErrors) {
	fe := fieldErrors{}
	p := cur
	p.Notify = f.Notify
	if !slices.Contains(db.NotifyChoices, f.Notify) {
		fe.add("notify", "form.choose")
	}
	if f.hasHour {
		h, err := strconv.Atoi(f.Hour)
		if err != nil || h < 0 || h > 23 || len(f.Hour) > 2 {
			fe.add("digest_hour", "notify.error.hour")
		} else {
			p.DigestHour = h
		}
	}
	if f.hasZone {
		if slices.Contains(digestZones, f.Zone) {
			p.TimeZone = f.Zone
		} else {
			fe.add("time_zone", "form.choose")
		}
	}
	return p, fe
}

// handleNotifications lists the person's notifications and preferences.
func (s *Server) handleNotifications(c echo.Context) error {
	u := viewerOf(c).user
	prefs, err := s.store.NotifyPrefs(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return s.renderNotifications(c, http.StatusOK, prefs, nil)
}

func (s *Server) renderNotifications(c echo.Context, status int, prefs db.NotifyPrefs, fe fieldErrors) error {
	ctx := c.Request().Context()
	lang := i18n.Lang(ctx)
	u := viewerOf(c).user
	items, err := s.store.Notifications(ctx, u.ID, 100)
	if err != nil {
		return err
	}
	loc := i18n.From(ctx)
	vm := views.NotificationsVM{Pref: prefs.Notify, Choices: db.NotifyChoices, PrefAction: i18n.Href(ctx, "/notifications/preference"),
		ReadAction: i18n.Href(ctx, "/notifications/read"), NoticeID: proposalNotices[c.QueryParam("done")], PrefError: fe["notify"],
		Hour: views.FieldVM{ID: "digest-hour", Name: "digest_hour", Type: "select", LabelID: "notify.digest_hour", Value: strconv.Itoa(prefs.DigestHour),
			ErrorID: fe["digest_hour"]},
		Zone: views.FieldVM{ID: "time-zone", Name: "time_zone", Type: "select", LabelID: "notify.time_zone", HintID: "notify.time_zone_hint",
			Value: prefs.TimeZone, ErrorID: fe["time_zone"]}}
	for h := range 24 {
		vm.Hour.Options = append(vm.Hour.Options, views.OptionVM{Value: strconv.Itoa(h), Label: loc.Clock(h, 0)})
	}
	for _, z := range digestZones {
		label := "notify.tz." + strings.ReplaceAll(z, "/", "_")
		if z == "" {
			label = "notify.tz.by_language"
		}
		vm.Zone.Options = append(vm.Zone.Options, views.OptionVM{Value: z, LabelID: label})
	}
	if prefs.Notify == "digest" && len(fe) == 0 {
		where := digestLocation(prefs.TimeZone, u.Lang)
		vm.DigestAt = loc.T("notify.digest_at", "Time", loc.Clock(prefs.DigestHour, 0), "Zone", loc.T("notify.tz."+strings.ReplaceAll(where.String(), "/", "_")))
	}
	if len(fe) > 0 {
		vm.Errors = errorSummary(fe, []string{"notify", "digest_hour", "time_zone"}, "",
			map[string]string{"notify": "notify.pref", "digest_hour": "notify.digest_hour", "time_zone": "notify.time_zone"})
		for i := range vm.Errors {
			vm.Errors[i].FieldID = map[string]string{"notify": "notify-" + db.NotifyChoices[0], "digest_hour": "digest-hour", "time_zone": "time-zone"}[vm.Errors[i].FieldID]
		}
	}
	for _, n := range items {
		href := i18n.Href(ctx, "/proposals/", idString(n.ProposalID))
		if n.OfferID != 0 {
			href = i18n.Href(ctx, "/offers/", idString(n.OfferID))
		}
		vm.Items = append(vm.Items, views.NotificationVM{Kind: n.Kind, Title: textVM(n.Title.In(lang), lang), Detail: n.Detail,
			Href: href, At: n.CreatedAt, Unread: n.ReadAt.IsZero()})
		if n.ReadAt.IsZero() {
			vm.Unread++
		}
	}
	m := s.pageMeta(c, "notify.title")
	m.NoIndex = true
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return render(c, status, views.NotificationsPage(m, vm))
}

// handleNotificationsPref stores how the person wants to be told, and the
// hour and time zone of their daily digest.
func (s *Server) handleNotificationsPref(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewerOf(c).user
	f, err := readNotifyPrefForm(c)
	if err != nil {
		return err
	}
	cur, err := s.store.NotifyPrefs(ctx, u.ID)
	if err != nil {
		return err
	}
	prefs, fe := f.Validate(cur)
	if len(fe) > 0 {
		shown := prefs
		if fe["notify"] != "" {
			shown.Notify = cur.Notify
		}
		return s.renderNotifications(c, http.StatusUnprocessableEntity, shown, fe)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.SetNotifyPrefs(u.ID, prefs); err != nil {
			return err
		}
		detail := prefs.Notify
		if prefs.Notify == "digest" {
			detail += " " + strconv.Itoa(prefs.DigestHour) + ":00 " + digestLocation(prefs.TimeZone, u.Lang).String()
		}
		return tx.Audit(s.auditEntry(c, "notify.preference", "user", u.ID, detail))
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/notifications")+"?done=prefs")
}
