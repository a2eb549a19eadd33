package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(dayFormat, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCopyWindow(t *testing.T) {
	today := day("2026-11-27")
	cases := []struct {
		name, from, until, wantFrom, wantUntil string
	}{
		{"current: starts today, same end", "2026-11-01", "2027-02-01", "2026-11-27", "2027-02-01"},
		{"starts today: unchanged", "2026-11-27", "2026-12-31", "2026-11-27", "2026-12-31"},
		{"future: unchanged", "2027-01-01", "2027-03-31", "2027-01-01", "2027-03-31"},
		{"expired: as long again from today", "2026-09-01", "2026-10-31", "2026-11-27", "2027-01-26"},
		{"expired one-day window", "2026-10-01", "2026-10-01", "2026-11-27", "2026-11-27"},
		{"ends today: starts today, same end", "2026-11-01", "2026-11-27", "2026-11-27", "2026-11-27"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, u := copyWindow(day(c.from), day(c.until), today)
			if Day(f) != c.wantFrom || Day(u) != c.wantUntil {
				t.Errorf("copyWindow(%s, %s) = %s, %s; want %s, %s", c.from, c.until, Day(f), Day(u), c.wantFrom, c.wantUntil)
			}
		})
	}
}

func TestVersionChanges(t *testing.T) {
	rub := func(minor int64) Money { return Money{Minor: minor, Currency: "RUB"} }
	until := day("2027-01-31")
	cases := []struct {
		name     string
		old, cur OfferTerms
		want     []string
	}{
		{"nothing", OfferTerms{Price: rub(100), ValidUntil: until}, OfferTerms{Price: rub(100), ValidUntil: until}, nil},
		{"cheaper", OfferTerms{Price: rub(100), ValidUntil: until}, OfferTerms{Price: rub(90), ValidUntil: until}, []string{"price_down"}},
		{"dearer and longer", OfferTerms{Price: rub(100), ValidUntil: until}, OfferTerms{Price: rub(110), ValidUntil: until.AddDate(0, 1, 0)},
			[]string{"price_up", "extended"}},
		{"shorter is not extended", OfferTerms{Price: rub(100), ValidUntil: until}, OfferTerms{Price: rub(100), ValidUntil: until.AddDate(0, 0, -1)}, nil},
		// Same currency: the unit price decides, whatever the rate did.
		{"same dollars, other rate", OfferTerms{Price: Money{Minor: 2000000, Currency: "USD"}, RubMinor: 185026000, ValidUntil: until},
			OfferTerms{Price: Money{Minor: 2000000, Currency: "USD"}, RubMinor: 200000000, ValidUntil: until}, nil},
		// Another currency: the rubles at issue decide.
		{"dollars to rubles, cheaper", OfferTerms{Price: Money{Minor: 2000000, Currency: "USD"}, RubMinor: 185026000, ValidUntil: until},
			OfferTerms{Price: rub(180000000), RubMinor: 180000000, ValidUntil: until}, []string{"price_down"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := VersionChanges(c.old, c.cur)
			if len(got) != len(c.want) {
				t.Fatalf("VersionChanges = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("VersionChanges = %v, want %v", got, c.want)
				}
			}
		})
	}
}

// TestCopyAndReplaceOffer copies a published offer, checks what the copy
// holds and what it does not, and publishes it: the original is archived,
// marked replaced, and its followers follow the copy.
func TestCopyAndReplaceOffer(t *testing.T) {
	ctx := context.Background()
	s := loadDemoStore(t)
	var modelID, trimID, userID int64
	if err := s.db.Read.QueryRow(`SELECT m.id, t.id FROM models m JOIN trims t ON t.model_id = m.id WHERE m.slug = 'rira' ORDER BY t.id LIMIT 1`).Scan(&modelID, &trimID); err != nil {
		t.Fatal(err)
	}
	now := offersToday.Add(9 * time.Hour)
	in := OfferInput{ModelID: modelID, TrimID: trimID, Price: Money{Minor: 2_000_000, Currency: "USD"},
		Tiers: []Tier{{MinQty: 200, PriceMinor: 1_900_000}, {MinQty: 500, PriceMinor: 1_850_000}}, MOQ: 50, Incoterm: "DAP", Place: "Moscow",
		LeadDays: 45, ValidFrom: offersToday.AddDate(0, 0, -20), ValidUntil: offersToday.AddDate(0, 1, 0), Demo: true,
		Texts: map[string]OfferTexts{"ru": {Warranty: "3 года", AfterSales: "Склад в Москве", Notes: "Примечание"},
			"en": {Warranty: "3 years", AfterSales: "Warehouse in Moscow", Notes: "Note"}, "fa": {Warranty: "۳ سال"}}}
	var src, draft, cp int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		if userID, err = tx.CreateUser(NewUser{Email: "f@example.com", FullName: "F", Role: "investor", Status: "active", Lang: "ru", Now: now}); err != nil {
			return err
		}
		if src, err = tx.CreateOffer(in, 0, now); err != nil {
			return err
		}
		rate := RateRow{Currency: "USD", Value: "92.5130", Nominal: 1, Date: offersToday, Source: "cbr"}
		if err := tx.PublishOffer(src, Frozen{RubMinor: 185_026_000, Rate: rate}, now); err != nil {
			return err
		}
		if draft, err = tx.CreateOffer(in, 0, now); err != nil {
			return err
		}
		return tx.FollowOffer(userID, src, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := s.FollowsVersion(userID); v != 1 {
		t.Errorf("follows version after a follow = %d, want 1", v)
	}
	later := now.Add(time.Hour)
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		cp, err = tx.CopyOffer(src, 0, later, offersToday)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.OfferByID(ctx, "ru", cp)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != "draft" || c.CopiedFrom != src || !c.Replaces || c.RubMinor != 0 || c.Rate.Value != "" || !c.PublishedAt.IsZero() || c.HasPrev {
		t.Errorf("copy: status %s from %d replaces %v rub %d rate %q published %v prev %v", c.Status, c.CopiedFrom, c.Replaces, c.RubMinor, c.Rate.Value, c.PublishedAt, c.HasPrev)
	}
	if c.ModelID != modelID || c.TrimID != trimID || c.Price != in.Price || c.MOQ != 50 || c.Incoterm != "DAP" || c.Place != "Moscow" || c.LeadDays != 45 || !c.Demo {
		t.Errorf("copy's terms: %+v", c.OfferInput)
	}
	if Day(c.ValidFrom) != Day(offersToday) || Day(c.ValidUntil) != Day(in.ValidUntil) {
		t.Errorf("copy's window %s – %s, want %s – %s", Day(c.ValidFrom), Day(c.ValidUntil), Day(offersToday), Day(in.ValidUntil))
	}
	if len(c.Tiers) != 2 || c.Tiers[0] != in.Tiers[0] || c.Tiers[1] != in.Tiers[1] {
		t.Errorf("copy's tiers %v", c.Tiers)
	}
	for _, l := range Langs {
		if c.Texts[l] != in.Texts[l] {
			t.Errorf("copy's %s texts %+v, want %+v", l, c.Texts[l], in.Texts[l])
		}
	}
	// A draft's copy replaces nothing.
	var dcp int64
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		dcp, err = tx.CopyOffer(draft, 0, later, offersToday)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := s.OfferByID(ctx, "en", dcp); d.Replaces || d.CopiedFrom != draft {
		t.Errorf("a draft's copy: replaces %v from %d", d.Replaces, d.CopiedFrom)
	}
	if err := s.Tx(ctx, func(tx *Tx) error { _, err := tx.CopyOffer(999999, 0, later, offersToday); return err }); !errors.Is(err, ErrNotFound) {
		t.Errorf("copying no offer: %v", err)
	}
	// Until the copy is published the original is as it was.
	if o, _ := s.OfferByID(ctx, "en", src); o.Status != "published" || o.ReplacedBy != 0 {
		t.Errorf("original before publishing the copy: %s, replaced by %d", o.Status, o.ReplacedBy)
	}
	var old OfferTerms
	var replaced bool
	err = s.Tx(ctx, func(tx *Tx) error {
		if err := tx.PublishOffer(cp, Frozen{RubMinor: 180_000_000, Rate: RateRow{Currency: "USD", Value: "90", Nominal: 1, Date: offersToday, Source: "manual"}}, later); err != nil {
			return err
		}
		var err error
		old, replaced, err = tx.ReplaceOffer(cp, later)
		return err
	})
	if err != nil || !replaced || old.ID != src || old.Status != "published" || old.Price != in.Price {
		t.Fatalf("replace: %v %v %+v", err, replaced, old)
	}
	o, _ := s.OfferByID(ctx, "en", src)
	if o.Status != "archived" || o.ReplacedBy != cp {
		t.Errorf("original after: %s, replaced by %d", o.Status, o.ReplacedBy)
	}
	// Search finds the new version, not the archived original.
	for id, want := range map[int64]int{src: 0, cp: 1} {
		var n int
		if err := s.db.Read.QueryRow(`SELECT count(*) FROM search_docs WHERE kind = 'offer' AND ref_id = ?`, id).Scan(&n); err != nil || (n > 0) != (want > 0) {
			t.Errorf("search documents of offer %d: %d %v, want %d", id, n, err, want)
		}
	}
	ids, err := s.FollowedOfferIDs(ctx, userID)
	if err != nil || len(ids) != 1 || ids[0] != cp {
		t.Errorf("follows after the replacement: %v %v, want [%d]", ids, err, cp)
	}
	if v := s.FollowsVersion(userID); v != 2 {
		t.Errorf("follows version after the replacement = %d, want 2", v)
	}
	if p, _ := s.OfferByID(ctx, "en", cp); !p.HasPrev || p.PrevOfferID != src || p.PriceChange != -1 {
		t.Errorf("the copy's price mark: prev %v %d change %d", p.HasPrev, p.PrevOfferID, p.PriceChange)
	}
	// A second copy of the original, published after the first: the
	// original stays replaced by the first, whose followers stay.
	var cp2 int64
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		if cp2, err = tx.CopyOffer(src, 0, later, offersToday); err != nil {
			return err
		}
		if err := tx.PublishOffer(cp2, Frozen{RubMinor: 170_000_000, Rate: RateRow{Currency: "USD", Value: "85", Nominal: 1, Date: offersToday, Source: "manual"}}, later); err != nil {
			return err
		}
		_, replaced, err = tx.ReplaceOffer(cp2, later)
		return err
	})
	if err != nil || replaced {
		t.Errorf("a second replacement: %v %v", replaced, err)
	}
	if o, _ := s.OfferByID(ctx, "en", src); o.ReplacedBy != cp {
		t.Errorf("original replaced by %d, want %d", o.ReplacedBy, cp)
	}
	if ids, _ := s.FollowedOfferIDs(ctx, userID); len(ids) != 1 || ids[0] != cp {
		t.Errorf("follows after a second copy: %v", ids)
	}
}

// TestNotificationsAboutOffers: entries about offers are listed with the
// offer's names as their title, counted unread, and carried by the digest.
func TestNotificationsAboutOffers(t *testing.T) {
	ctx := context.Background()
	s := loadDemoStore(t)
	var offerID, userID int64
	now := offersToday.Add(9 * time.Hour)
	err := s.Tx(ctx, func(tx *Tx) error {
		var modelID, trimID int64
		if err := tx.tx.QueryRow(`SELECT m.id, t.id FROM models m JOIN trims t ON t.model_id = m.id WHERE m.slug = 'rira' ORDER BY t.id LIMIT 1`).Scan(&modelID, &trimID); err != nil {
			return err
		}
		var err error
		if userID, err = tx.CreateUser(NewUser{Email: "n@example.com", FullName: "N", Role: "partner", Status: "active", Lang: "en", Now: now}); err != nil {
			return err
		}
		if err := tx.SetNotifyPref(userID, "digest"); err != nil {
			return err
		}
		if offerID, err = tx.CreateOffer(OfferInput{ModelID: modelID, TrimID: trimID, Price: Money{Minor: 100, Currency: "RUB"}, MOQ: 1,
			Incoterm: "EXW", Place: "Tehran", ValidFrom: offersToday, ValidUntil: offersToday}, 0, now); err != nil {
			return err
		}
		return tx.NotifyOffer(userID, "offer_version", offerID, "price_down,extended", true, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Notifications(ctx, userID, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("notifications: %v %v", list, err)
	}
	n := list[0]
	if n.OfferID != offerID || n.ProposalID != 0 || n.Kind != "offer_version" || n.Detail != "price_down,extended" || !n.ReadAt.IsZero() {
		t.Errorf("notification %+v", n)
	}
	for _, l := range Langs {
		var model, trim string
		if err := s.db.Read.QueryRow(`SELECT mt.name, tt.name FROM offers o JOIN model_texts mt ON mt.model_id = o.model_id AND mt.lang = ?
			JOIN trim_texts tt ON tt.trim_id = o.trim_id AND tt.lang = ? WHERE o.id = ?`, l, l, offerID).Scan(&model, &trim); err != nil {
			t.Fatal(err)
		}
		if got, want := n.Title.In(l).Value, model+" · "+trim; got != want || model == "" {
			t.Errorf("title in %s = %q, want %q", l, got, want)
		}
	}
	if unread, _ := s.UnreadCount(ctx, userID); unread != 1 {
		t.Errorf("unread %d, want 1", unread)
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		users, err := tx.DigestUsers()
		if err != nil || len(users) != 1 || users[0].ID != userID {
			t.Errorf("digest users %v %v", users, err)
		}
		items, err := tx.TakeDigest(userID, now.Add(time.Hour), now.Add(time.Hour))
		if err != nil || len(items) != 1 || items[0].OfferID != offerID {
			t.Errorf("digest %v %v", items, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// An entry is about a proposal or an offer, never both or neither.
	err = s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.tx.Exec(`INSERT INTO notifications(user_id, kind, detail, created_at) VALUES (?, 'offer_expired', '', ?)`, userID, fmtTime(now))
		return err
	})
	if err == nil {
		t.Error("a notification about nothing was stored")
	}
}
