package db

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestPipelineStats checks the pipeline's figures on three proposals
// whose moves are timed by hand: counts, volumes and investment per
// currency by stage, and the days their stays took.
func TestPipelineStats(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n float64) time.Time { return t0.Add(time.Duration(n * 24 * float64(time.Hour))) }
	type move struct {
		to string
		at float64
	}
	props := []struct {
		in      ProposalInput
		created float64
		moves   []move
	}{
		// New 0–10, Qualification 10–15, NDA signed since 15.
		{ProposalInput{VolumePerYear: 10000, InvestMin: 100, InvestMax: 200, Currency: "RUB"}, 0, []move{{"qualification", 10}, {"nda_signed", 15}}},
		// New 2–6, Qualification since 6.
		{ProposalInput{VolumePerYear: 5000, InvestMin: 10, InvestMax: 20, Currency: "USD"}, 2, []move{{"qualification", 6}}},
		// New 4–5, Qualification 5–20, Declined since 20 (final).
		{ProposalInput{VolumePerYear: 3000, InvestMin: 50, InvestMax: 70, Currency: "RUB"}, 4, []move{{"qualification", 5}, {"declined", 20}}},
		// New since 28, no investment named.
		{ProposalInput{VolumePerYear: 0, Currency: "EUR"}, 28, nil},
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		for i, pr := range props {
			in := pr.in
			in.Kind, in.Market, in.Visibility = "distribution", "ru", "public"
			in.Title = L10n{"П", "P", "پ"}
			in.Title.EN += string(rune('A' + i))
			id, err := tx.CreateProposal(in, p.staff, day(pr.created))
			if err != nil {
				return err
			}
			for _, m := range pr.moves {
				cur, err := tx.ProposalByID(id)
				if err != nil {
					return err
				}
				if _, err := tx.MoveStage(StageMove{ProposalID: id, FromStage: cur.Stage, Version: cur.Version, ToStage: m.to, Actor: p.staff, At: day(m.at)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.PipelineStats(ctx, day(30))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Stages) != len(AllStages) {
		t.Fatalf("%d stages", len(ps.Stages))
	}
	days := func(x float64) sql.NullFloat64 { return sql.NullFloat64{Float64: x, Valid: true} }
	want := map[string]StageStats{
		// Stays in New: 10, 4 and 1 days ended; the fourth proposal has been
		// there 2 days.
		"new": {Count: 1, Volume: 0, Done: 3, AvgDaysDone: days(5), Open: 1, AvgDaysOpen: days(2)},
		// Qualification: 5 and 15 days ended; one there for 24 days.
		"qualification": {Count: 1, Volume: 5000, Investment: []StageInvestment{{"USD", 1, 10, 20}},
			Done: 2, AvgDaysDone: days(10), Open: 1, AvgDaysOpen: days(24)},
		"nda_signed": {Count: 1, Volume: 10000, Investment: []StageInvestment{{"RUB", 1, 100, 200}}, Open: 1, AvgDaysOpen: days(15)},
		// Declined is final: its stay is not an open one.
		"declined": {Count: 1, Volume: 3000, Investment: []StageInvestment{{"RUB", 1, 50, 70}}},
	}
	for _, st := range ps.Stages {
		w := want[st.Stage]
		if st.Count != w.Count || st.Volume != w.Volume || st.Done != w.Done || st.Open != w.Open ||
			st.AvgDaysDone != w.AvgDaysDone || st.AvgDaysOpen != w.AvgDaysOpen || len(st.Investment) != len(w.Investment) {
			t.Errorf("stage %s = %+v, want %+v", st.Stage, st, w)
			continue
		}
		for i := range w.Investment {
			if st.Investment[i] != w.Investment[i] {
				t.Errorf("stage %s investment %d = %+v, want %+v", st.Stage, i, st.Investment[i], w.Investment[i])
			}
		}
	}

	// Two proposals in one stage and currency add up; different currencies
	// stay apart.
	err = s.Tx(ctx, func(tx *Tx) error {
		for _, in := range []ProposalInput{
			{VolumePerYear: 700, InvestMin: 1, InvestMax: 2, Currency: "USD"},
			{VolumePerYear: 300, InvestMin: 5, InvestMax: 9, Currency: "USD"},
			{VolumePerYear: 1, InvestMin: 1000, InvestMax: 1000, Currency: "CNY"},
		} {
			in.Kind, in.Market, in.Visibility, in.Title = "assembly", "az", "public", L10n{"x", "x", "x"}
			if _, err := tx.CreateProposal(in, p.staff, day(29)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err = s.PipelineStats(ctx, day(30))
	if err != nil {
		t.Fatal(err)
	}
	n := ps.Stages[0]
	if n.Stage != "new" || n.Count != 4 || n.Volume != 1001 || len(n.Investment) != 2 ||
		n.Investment[0] != (StageInvestment{"CNY", 1, 1000, 1000}) || n.Investment[1] != (StageInvestment{"USD", 2, 6, 11}) {
		t.Errorf("new after three more: %+v", n)
	}
	// Open stays in New: 2 days and three of 1 day: 1.25, rounded 1.3.
	if n.Open != 4 || n.AvgDaysOpen != days(1.3) {
		t.Errorf("open in new: %d, %v", n.Open, n.AvgDaysOpen)
	}
}

// TestInquiryMonths counts inquiries by the month they were submitted in
// and those that became proposals.
func TestInquiryMonths(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	submits := []struct {
		at     time.Time
		accept bool
	}{
		{time.Date(2025, 5, 31, 23, 0, 0, 0, time.UTC), true}, // before the 12 months
		{time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), false},  // the first month's first hour
		{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), false},
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		// A draft never submitted is not counted.
		if _, err := tx.CreateInquiryDraft(p.partner.ID, "", time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
		for _, sub := range submits {
			id, err := tx.CreateInquiryDraft(p.partner.ID, "", sub.at)
			if err != nil {
				return err
			}
			if _, _, err := tx.SubmitInquiry(id, p.partner, sub.at); err != nil {
				return err
			}
			if sub.accept {
				if _, err := tx.AcceptInquiry(id, L10n{"И", "I", "ا"}, "NDA", p.staff, sub.at.Add(time.Hour)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.PipelineStats(ctx, time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Inquiries) != InquiryMonths || ps.Inquiries[0].Month != "2025-06" || ps.Inquiries[11].Month != "2026-05" {
		t.Fatalf("months: %+v", ps.Inquiries)
	}
	want := map[string][2]int{"2025-06": {1, 0}, "2026-03": {3, 2}, "2026-05": {1, 0}}
	// Two of three in March: 66.7 %.
	rates := map[string]sql.NullFloat64{"2025-06": {Float64: 0, Valid: true}, "2026-03": {Float64: 66.7, Valid: true}, "2026-05": {Float64: 0, Valid: true}}
	for _, m := range ps.Inquiries {
		w := want[m.Month]
		if m.Received != w[0] || m.Converted != w[1] || m.Rate != rates[m.Month] {
			t.Errorf("%s: %d received, %d converted (%v); want %d, %d (%v)", m.Month, m.Received, m.Converted, m.Rate, w[0], w[1], rates[m.Month])
		}
	}
}
