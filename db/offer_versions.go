package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FollowsVersion is the version of the offers a person follows: it moves
// on with each committed follow or unfollow of theirs, so a page listing
// their follows is kept until it moves (or the content version does).
func (s *Store) FollowsVersion(userID int64) int64 {
	return s.db.changes.load(idBucket(slotFollows, followBuckets, userID))
}

// copyWindow is the validity window of a copy made today: the source's
// window, moved to start today when it began earlier, and keeping its
// length when it would otherwise end before it starts (an expired
// offer's copy is valid as long as the original was).
func copyWindow(from, until, today time.Time) (time.Time, time.Time) {
	if !from.Before(today) {
		return from, until
	}
	if until.Before(today) {
		return today, today.Add(until.Sub(from))
	}
	return today, until
}

// CopyOffer makes a new draft from an offer, in any status: its target,
// price and currency, tiers, minimum order, Incoterms term and place, lead
// time, price list, texts in every language and demo mark, with the
// validity window of copyWindow. The frozen price in rubles and rate, the
// publication and the price-change mark are not copied: they are fixed
// when the copy is published. A copy of a published or archived offer is
// marked to replace it when published; staff may untick that in the
// editor. It returns the new draft's id.
func (t *Tx) CopyOffer(srcID, by int64, now, today time.Time) (int64, error) {
	var model int64
	var trim, media sql.NullInt64
	var status, from, until string
	var price, moq int64
	var currency, incoterm, place string
	var lead int
	var demo bool
	err := t.tx.QueryRowContext(t.ctx, `SELECT model_id, trim_id, status, price_minor, currency, moq, incoterm, place, lead_days,
		valid_from, valid_until, pricelist_media_id, demo FROM offers WHERE id = ?`, srcID).
		Scan(&model, &trim, &status, &price, &currency, &moq, &incoterm, &place, &lead, &from, &until, &media, &demo)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: offer %d: %w", srcID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: copy offer %d: %w", srcID, err)
	}
	f, _ := time.Parse(dayFormat, from)
	u, _ := time.Parse(dayFormat, until)
	f, u = copyWindow(f, u, today)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO offers(model_id, trim_id, price_minor, currency, moq, incoterm, place, lead_days,
		valid_from, valid_until, pricelist_media_id, demo, created_by, created_at, updated_at, copied_from, replaces)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		model, nullInt(trim), price, currency, moq, incoterm, place, lead, Day(f), Day(u), nullInt(media), demo, nullID(by),
		fmtTime(now), fmtTime(now), srcID, status != "draft")
	if err != nil {
		return 0, fmt.Errorf("store: copy offer %d: %w", srcID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: copy offer %d: %w", srcID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_tiers(offer_id, min_qty, price_minor)
		SELECT ?, min_qty, price_minor FROM offer_tiers WHERE offer_id = ?`, id, srcID); err != nil {
		return 0, fmt.Errorf("store: copy offer %d tiers: %w", srcID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_texts(offer_id, lang, warranty, after_sales, notes)
		SELECT ?, lang, warranty, after_sales, notes FROM offer_texts WHERE offer_id = ?`, id, srcID); err != nil {
		return 0, fmt.Errorf("store: copy offer %d texts: %w", srcID, err)
	}
	return id, nil
}

// OfferTerms are the figures of an offer that followers are told about
// when a newer version replaces it.
type OfferTerms struct {
	ID         int64
	Status     string
	Price      Money
	RubMinor   int64
	ValidUntil time.Time
	CopiedFrom int64
	Replaces   bool
	ReplacedBy int64
}

// OfferTermsByID reads an offer's terms in the transaction.
func (t *Tx) OfferTermsByID(id int64) (OfferTerms, error) {
	ot := OfferTerms{ID: id}
	var rub, copied, replacedBy sql.NullInt64
	var until string
	err := t.tx.QueryRowContext(t.ctx, `SELECT status, price_minor, currency, rub_minor, valid_until, copied_from, replaces, replaced_by FROM offers WHERE id = ?`, id).
		Scan(&ot.Status, &ot.Price.Minor, &ot.Price.Currency, &rub, &until, &copied, &ot.Replaces, &replacedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return ot, fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ot, fmt.Errorf("store: offer %d: %w", id, err)
	}
	ot.RubMinor, ot.CopiedFrom, ot.ReplacedBy = rub.Int64, copied.Int64, replacedBy.Int64
	ot.ValidUntil, _ = time.Parse(dayFormat, until)
	return ot, nil
}

// VersionChanges names what a newer version changed for followers of the
// old one: price_up or price_down (in the offer's currency when both
// share one, else in rubles at issue) and extended (a later end of
// validity).
func VersionChanges(old, cur OfferTerms) []string {
	var out []string
	a, b := old.Price.Minor, cur.Price.Minor
	if old.Price.Currency != cur.Price.Currency {
		a, b = old.RubMinor, cur.RubMinor
	}
	switch {
	case b > a:
		out = append(out, "price_up")
	case b < a:
		out = append(out, "price_down")
	}
	if cur.ValidUntil.After(old.ValidUntil) {
		out = append(out, "extended")
	}
	return out
}

// ReplaceOffer carries out what publishing a copy marked "replaces" does:
// the offer it was copied from, when published, moves to the archive; it
// is marked replaced by newID; and its followers follow newID instead. It
// returns the replaced offer's terms as they were, and false when newID
// replaces nothing: it is no copy, its box was unticked, or another
// version replaced the original first.
func (t *Tx) ReplaceOffer(newID int64, now time.Time) (OfferTerms, bool, error) {
	cur, err := t.OfferTermsByID(newID)
	if err != nil {
		return OfferTerms{}, false, err
	}
	if !cur.Replaces || cur.CopiedFrom == 0 {
		return OfferTerms{}, false, nil
	}
	old, err := t.OfferTermsByID(cur.CopiedFrom)
	if err != nil {
		return OfferTerms{}, false, err
	}
	if old.Status == "draft" || old.ReplacedBy != 0 {
		return OfferTerms{}, false, nil
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE offers SET status = 'archived', replaced_by = ?, updated_at = ? WHERE id = ?`,
		newID, fmtTime(now), old.ID); err != nil {
		return old, false, fmt.Errorf("store: replace offer %d: %w", old.ID, err)
	}
	// Archived, the original is no longer to be found.
	if err := t.indexOffer(old.ID); err != nil {
		return old, false, err
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT user_id FROM offer_follows WHERE offer_id = ?`, old.ID)
	if err != nil {
		return old, false, fmt.Errorf("store: followers of %d: %w", old.ID, err)
	}
	var uids []int64
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return old, false, err
		}
		uids = append(uids, uid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return old, false, err
	}
	// A follow keeps its date: the followed list stays in the order the
	// person made it.
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO offer_follows(user_id, offer_id, created_at)
		SELECT user_id, ?, created_at FROM offer_follows WHERE offer_id = ? ON CONFLICT DO NOTHING`, newID, old.ID); err != nil {
		return old, false, fmt.Errorf("store: move followers of %d: %w", old.ID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM offer_follows WHERE offer_id = ?`, old.ID); err != nil {
		return old, false, fmt.Errorf("store: move followers of %d: %w", old.ID, err)
	}
	t.followsChanged = append(t.followsChanged, uids...)
	return old, true, t.ContentChanged()
}

// Follower is a person following an offer, with how they want to be told.
type Follower struct {
	UserID int64
	Name   string
	Email  string
	Lang   string
	Notify string // immediate, digest, none
}

// OfferFollowers lists the active people who follow an offer.
func (t *Tx) OfferFollowers(offerID int64) ([]Follower, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT u.id, u.full_name, u.email, u.lang,
		COALESCE((SELECT notify FROM user_prefs WHERE user_id = u.id), 'immediate')
		FROM offer_follows f JOIN users u ON u.id = f.user_id
		WHERE f.offer_id = ? AND u.status = 'active' ORDER BY f.created_at, u.id`, offerID)
	if err != nil {
		return nil, fmt.Errorf("store: followers of %d: %w", offerID, err)
	}
	defer rows.Close()
	var out []Follower
	for rows.Next() {
		var f Follower
		if err := rows.Scan(&f.UserID, &f.Name, &f.Email, &f.Lang, &f.Notify); err != nil {
			return nil, fmt.Errorf("store: followers of %d: %w", offerID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// NotifyOffer adds an entry about an offer to a person's notification
// list; forDigest as for Notify.
func (t *Tx) NotifyOffer(userID int64, kind string, offerID int64, detail string, forDigest bool, now time.Time) error {
	var digested any = fmtTime(now)
	if forDigest {
		digested = nil
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO notifications(user_id, kind, offer_id, detail, created_at, digested_at) VALUES (?, ?, ?, ?, ?, ?)`,
		userID, kind, offerID, detail, fmtTime(now), digested)
	if err != nil {
		return fmt.Errorf("store: notify %d of offer %d: %w", userID, offerID, err)
	}
	return nil
}

// ExpiredUntold lists the published offers whose validity ended before
// today and whose followers were not yet told, oldest end first.
func (t *Tx) ExpiredUntold(today time.Time, limit int) ([]int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id FROM offers WHERE status = 'published' AND expiry_told_at IS NULL AND valid_until < ?
		ORDER BY valid_until, id LIMIT ?`, Day(today), limit)
	if err != nil {
		return nil, fmt.Errorf("store: expired offers: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: expired offers: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MarkExpiryTold records that an offer's followers were told it expired.
func (t *Tx) MarkExpiryTold(id int64, now time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE offers SET expiry_told_at = ? WHERE id = ?`, fmtTime(now), id); err != nil {
		return fmt.Errorf("store: offer %d expiry told: %w", id, err)
	}
	return nil
}

// OfferStaff returns who hears of interest in an offer: the staff member
// who created it, while their account is active staff or admin; else
// every active staff and admin account.
func (t *Tx) OfferStaff(offerID int64) ([]User, error) {
	list, err := t.users(`SELECT `+userCols+` FROM users WHERE status = 'active' AND role IN ('staff','admin')
		AND id = (SELECT created_by FROM offers WHERE id = ?)`, offerID)
	if err != nil || len(list) > 0 {
		return list, err
	}
	return t.users(`SELECT ` + userCols + ` FROM users WHERE status = 'active' AND role IN ('staff','admin') ORDER BY id`)
}

func (t *Tx) users(q string, args ...any) ([]User, error) {
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// OfferNames returns an offer's model name and, for a trim's offer, the
// trim's name, in lang (falling back as texts do).
func (s *Store) OfferNames(ctx context.Context, id int64, lang string) (Text, Text, error) {
	var model int64
	var trim sql.NullInt64
	err := s.db.Read.QueryRowContext(ctx, `SELECT model_id, trim_id FROM offers WHERE id = ?`, id).Scan(&model, &trim)
	if errors.Is(err, sql.ErrNoRows) {
		return Text{}, Text{}, fmt.Errorf("store: offer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Text{}, Text{}, fmt.Errorf("store: offer %d: %w", id, err)
	}
	mn, err := s.loadTexts(ctx, "model_texts", "model_id", "name", []int64{model})
	if err != nil {
		return Text{}, Text{}, err
	}
	if !trim.Valid {
		return mn.pick(model, lang), Text{}, nil
	}
	tn, err := s.loadTexts(ctx, "trim_texts", "trim_id", "name", []int64{trim.Int64})
	if err != nil {
		return Text{}, Text{}, err
	}
	return mn.pick(model, lang), tn.pick(trim.Int64, lang), nil
}
