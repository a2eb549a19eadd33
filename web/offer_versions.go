package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// handleOfferCopy copies an offer into a new draft and opens it in the
// editor. The offer copied stays as it is, published or not, until the
// copy is published: then, when the copy is marked to replace it (the
// default for a published or archived offer), it moves to the archive and
// its followers follow the copy and are told.
func (s *Server) handleOfferCopy(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.staffOffer(c)
	if err != nil {
		return err
	}
	var id int64
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = tx.CopyOffer(o.ID, viewerOf(c).user.ID, s.now(), s.today()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "offer.copied", "offer", id, fmt.Sprintf("copy of offer %d", o.ID)))
	})
	if errors.Is(err, db.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/offers/", idString(id))+"?done=copied")
}

// offerTitle is an offer's model and trim names in lang, for mail.
func (s *Server) offerTitle(ctx context.Context, offerID int64, lang string) (string, error) {
	m, t, err := s.store.OfferNames(ctx, offerID, lang)
	if err != nil {
		return "", err
	}
	if t.Value != "" {
		return m.Value + " · " + t.Value, nil
	}
	return m.Value, nil
}

// notifyOfferFollowers tells the followers of an offer of a change in tx:
// an entry in each one's notification list, and a mail now for those who
// chose immediate mail (the digest carries it for those who chose it).
// mailData gives the mail's figures in a follower's language.
func (s *Server) notifyOfferFollowers(ctx context.Context, tx *db.Tx, offerID int64, kind, detail string, mailData func(loc *i18n.Locale) []any) error {
	people, err := tx.OfferFollowers(offerID)
	if err != nil {
		return err
	}
	for _, f := range people {
		if err := tx.NotifyOffer(f.UserID, kind, offerID, detail, f.Notify == "digest", s.now()); err != nil {
			return err
		}
		if f.Notify != "immediate" {
			continue
		}
		title, err := s.offerTitle(ctx, offerID, f.Lang)
		if err != nil {
			return err
		}
		loc := s.catalog.Locale(f.Lang)
		data := []any{"Title", title, "Changes", offerChangesText(loc, detail)}
		if mailData != nil {
			data = append(data, mailData(loc)...)
		}
		err = s.sendMail(tx, recipient{Email: f.Email, Name: f.Name, Lang: f.Lang}, mailSpec{
			Kind: kind, Link: s.absURL(i18n.HrefLang(f.Lang, "/offers/", idString(offerID))), Data: data,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// offerChangesText names a new version's changes (detail's comma-separated
// codes) in a locale, as one sentence; "" for none.
func offerChangesText(loc *i18n.Locale, detail string) string {
	if detail == "" {
		return ""
	}
	var parts []string
	for _, code := range strings.Split(detail, ",") {
		parts = append(parts, loc.T("offers.change."+code))
	}
	return strings.Join(parts, "; ")
}

// offerNotificationText is an offer notification's sentence in a locale: what
// happened, with a new version's changes.
func offerNotificationText(loc *i18n.Locale, kind, detail string) string {
	text := loc.T("notify.kind." + kind)
	if ch := offerChangesText(loc, detail); ch != "" {
		text += " (" + ch + ")"
	}
	return text
}

// versionMailData are the figures of a new version for its followers'
// mail: the old and new unit price and end of validity.
func versionMailData(old, cur db.OfferTerms) func(loc *i18n.Locale) []any {
	return func(loc *i18n.Locale) []any {
		return []any{"OldPrice", loc.Money(moneyVM(old.Price)), "NewPrice", loc.Money(moneyVM(cur.Price)),
			"OldUntil", loc.Date(old.ValidUntil), "NewUntil", loc.Date(cur.ValidUntil)}
	}
}

// expiryBatch bounds the offers one run of NotifyExpiredOffers handles.
const expiryBatch = 200

// NotifyExpiredOffers tells the followers of every published offer whose
// validity ended before today (in Moscow) and whose followers were not yet
// told, once per offer, and returns how many offers it handled. Expiry
// itself needs no job (the lists read it from the date); this only sends
// the news, so it runs at start and every few minutes.
func (s *Server) NotifyExpiredOffers(ctx context.Context) (int, error) {
	done := 0
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		ids, err := tx.ExpiredUntold(s.today(), expiryBatch)
		if err != nil {
			return err
		}
		for _, id := range ids {
			terms, err := tx.OfferTermsByID(id)
			if err != nil {
				return err
			}
			until := func(loc *i18n.Locale) []any { return []any{"Until", loc.Date(terms.ValidUntil)} }
			if err := s.notifyOfferFollowers(ctx, tx, id, "offer_expired", "", until); err != nil {
				return err
			}
			if err := tx.MarkExpiryTold(id, s.now()); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return done, nil
}

// mailStaffInterest tells staff of a new expression of interest, in tx:
// the offer's creator while they are active staff, else every active
// staff member and admin, each in their language, with a link to the
// list of requests.
func (s *Server) mailStaffInterest(ctx context.Context, tx *db.Tx, offerID int64, person db.User, qty int64, msg string) error {
	staff, err := tx.OfferStaff(offerID)
	if err != nil {
		return err
	}
	for _, u := range staff {
		title, err := s.offerTitle(ctx, offerID, u.Lang)
		if err != nil {
			return err
		}
		loc := s.catalog.Locale(u.Lang)
		message := msg
		if message == "" {
			message = loc.T("offers.interest.no_message")
		}
		company := person.Company
		if company == "" {
			company = "—"
		}
		err = s.sendMail(tx, recipientOf(u), mailSpec{
			Kind: "offer_interest",
			Link: s.absURL(i18n.HrefLang(u.Lang, "/staff/offers/requests")),
			Data: []any{"Person", person.FullName, "Company", company, "Email", person.Email, "Offer", title,
				"OfferID", strconv.FormatInt(offerID, 10), "Quantity", loc.Int(int(qty)), "Message", message},
		})
		if err != nil {
			return err
		}
	}
	return nil
}
