package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestInquiryReferencesAndSubmitOnce(t *testing.T) {
	s := openDemoStore(t)
	ctx := context.Background()
	var u User
	err := s.Tx(ctx, func(tx *Tx) error {
		id, err := tx.CreateUser(NewUser{Email: "p@example.com", FullName: "P", Role: "partner", Status: "active", Lang: "ru", Now: time.Now()})
		if err != nil {
			return err
		}
		u, err = tx.UserByID(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	submit := func(at time.Time) (int64, string) {
		var id int64
		var ref string
		err := s.Tx(ctx, func(tx *Tx) error {
			var err error
			if id, err = tx.CreateInquiryDraft(u.ID, "", at); err != nil {
				return err
			}
			ref, _, err = tx.SubmitInquiry(id, u, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id, ref
	}
	dec := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	cases := []struct {
		at   time.Time
		want string
	}{{dec, "JV-2026-000001"}, {dec, "JV-2026-000002"}, {dec.Add(2 * time.Hour), "JV-2027-000001"}}
	var first int64
	for i, c := range cases {
		id, ref := submit(c.at)
		if ref != c.want {
			t.Errorf("submission %d: %s, want %s", i, ref, c.want)
		}
		if i == 0 {
			first = id
		}
	}
	// Submitting again changes nothing and returns the same reference.
	err = s.Tx(ctx, func(tx *Tx) error {
		ref, again, err := tx.SubmitInquiry(first, u, time.Now())
		if ref != "JV-2026-000001" || again {
			t.Errorf("second submit: %s, first %t", ref, again)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A submitted inquiry is not edited, unless staff asked for information.
	err = s.Tx(ctx, func(tx *Tx) error { return tx.SaveInquiry(Inquiry{ID: first, Company: "Changed"}, time.Now()) })
	if !errors.Is(err, ErrNotEditable) {
		t.Errorf("editing a submitted inquiry: %v", err)
	}
	if n, err := s.CountInquiries(ctx); n != 3 || err != nil {
		t.Errorf("%d submitted, %v", n, err)
	}
}
