package db

import (
	"context"
	"testing"
)

// TestVersionsAreSharedByInstances: every version that stamps what an
// instance keeps in memory moves on, in the other instance too, after a
// commit that changes what it stamps; and only the stamps of what changed
// move.
func TestVersionsAreSharedByInstances(t *testing.T) {
	a, b, _ := twoInstances(t)
	ctx := context.Background()

	// Two slugs in different buckets, two proposals and two people too.
	slugX, slugY := "tara", "rira"
	if bucket(slotModels, modelBuckets, slugX) == bucket(slotModels, modelBuckets, slugY) {
		t.Fatal("pick slugs in different buckets")
	}
	type stamps struct {
		content, x, y, proposals, p7, p8, inquiries, search, shipments, f3, f4 int64
	}
	read := func(s *Store) stamps {
		return stamps{s.ContentVersion(), s.ModelStamp(slugX), s.ModelStamp(slugY), s.ProposalsVersion(), s.ProposalVersion(7), s.ProposalVersion(8),
			s.InquiriesVersion(), s.SearchVersion(), s.ShipmentsVersion(), s.FollowsVersion(3), s.FollowsVersion(4)}
	}
	for _, step := range []struct {
		name   string
		change func(tx *Tx) error
		moved  func(before, after stamps) bool
	}{
		{"a model published", func(tx *Tx) error { return tx.ModelChanged(slugX) },
			func(x, y stamps) bool {
				return y.content > x.content && y.x > x.x && y.y == x.y && y.proposals == x.proposals
			}},
		{"shared content changed", func(tx *Tx) error { return tx.ContentChanged() },
			func(x, y stamps) bool { return y.content > x.content && y.x > x.x && y.y > x.y }},
		{"a proposal changed", func(tx *Tx) error {
			tx.proposalsChanged, tx.changedProposals = true, []int64{7}
			return nil
		}, func(x, y stamps) bool {
			return y.proposals > x.proposals && y.p7 > x.p7 && y.p8 == x.p8 && y.search > x.search && y.content == x.content
		}},
		{"an inquiry changed", func(tx *Tx) error { tx.inquiriesChanged = true; return nil },
			func(x, y stamps) bool { return y.inquiries > x.inquiries && y.proposals == x.proposals }},
		{"access to search changed", func(tx *Tx) error { tx.searchChanged = true; return nil },
			func(x, y stamps) bool { return y.search > x.search && y.inquiries == x.inquiries }},
		{"shipments changed", func(tx *Tx) error { tx.shipmentsChanged = true; return nil },
			func(x, y stamps) bool { return y.shipments > x.shipments && y.search == x.search }},
		{"a person's follows changed", func(tx *Tx) error { tx.followsChanged = []int64{3}; return nil },
			func(x, y stamps) bool { return y.f3 > x.f3 && y.f4 == x.f4 && y.shipments == x.shipments }},
	} {
		before := read(a)
		if err := b.Tx(ctx, step.change); err != nil {
			t.Fatal(err)
		}
		after := read(a)
		if !step.moved(before, after) {
			t.Errorf("%s through the other instance: stamps %+v → %+v", step.name, before, after)
		}
		if mine := read(b); mine != after {
			t.Errorf("%s: the instances disagree: %+v and %+v", step.name, after, mine)
		}
	}
}
