package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

// proposalPeople are the accounts of a proposals test.
type proposalPeople struct {
	staff, investor, partner, outsider User
}

func newProposalsStore(t *testing.T) (*Store, proposalPeople) {
	t.Helper()
	s := newAccountsStore(t)
	var p proposalPeople
	err := s.Tx(context.Background(), func(tx *Tx) error {
		for _, u := range []struct {
			dst         *User
			email, role string
		}{{&p.staff, "staff@example.com", "staff"}, {&p.investor, "inv@example.com", "investor"},
			{&p.partner, "partner@example.com", "partner"}, {&p.outsider, "out@example.com", "partner"}} {
			id, err := tx.CreateUser(NewUser{Email: u.email, PasswordHash: "x", FullName: u.role + " person", Company: u.role + " LLC",
				Role: u.role, Status: "active", Lang: "en", Now: time.Now()})
			if err != nil {
				return err
			}
			if *u.dst, err = tx.UserByID(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

func viewerOf(u User) Viewer { return Viewer{ID: u.ID, Role: u.Role} }

// TestLoadDemoProposals loads once, with the demo people taking part and
// every timeline verifying.
func TestLoadDemoProposals(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	loaded, err := s.LoadDemoProposals(ctx, p.staff, p.investor, p.partner, time.Now())
	if err != nil || !loaded {
		t.Fatalf("LoadDemoProposals = %v, %v", loaded, err)
	}
	if again, err := s.LoadDemoProposals(ctx, p.staff, p.investor, p.partner, time.Now()); err != nil || again {
		t.Errorf("second load = %v, %v; want false", again, err)
	}
	all, _, err := s.ListVisibleProposals(ctx, viewerOf(p.staff), 1, 100)
	if err != nil || len(all) < 3 || len(all) > 5 {
		t.Fatalf("staff see %d demo proposals (%v), want 3–5", len(all), err)
	}
	for _, pr := range all {
		check, err := s.VerifyTimeline(ctx, viewerOf(p.staff), pr.ID)
		if err != nil || !check.OK || check.Entries == 0 {
			t.Errorf("proposal %d: %+v %v", pr.ID, check, err)
		}
	}
	mine, _, _ := s.ListVisibleProposals(ctx, viewerOf(p.investor), 1, 100)
	var part int
	for _, pr := range mine {
		if pr.Participant {
			part++
		}
	}
	if part == 0 {
		t.Error("the demo investor takes part in no proposal")
	}
}

// TestProposalScoping: a proposal is found only for its participants and
// staff; the list shows public teasers to everyone, members-only ones to
// members, private ones to participants.
func TestProposalScoping(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	ids := map[string]int64{}
	err := s.Tx(ctx, func(tx *Tx) error {
		for _, vis := range ProposalVisibilities {
			id, err := tx.CreateProposal(ProposalInput{Kind: "assembly", Market: "ru", Visibility: vis, Currency: "RUB",
				Title: L10n{RU: vis, EN: vis, FA: vis}, NDAText: "nda"}, p.staff, time.Now())
			if err != nil {
				return err
			}
			ids[vis] = id
			if err := tx.AddParticipant(id, p.investor.ID, "Inv", time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		v      Viewer
		listed int
		found  bool
	}{
		{"visitor", Viewer{}, 1, false},
		{"outsider", viewerOf(p.outsider), 2, false},
		{"participant", viewerOf(p.investor), 3, true},
		{"staff", viewerOf(p.staff), 3, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list, total, err := s.ListVisibleProposals(ctx, c.v, 1, 100)
			if err != nil || len(list) != c.listed || total != c.listed {
				t.Errorf("lists %d, want %d (%v)", len(list), c.listed, err)
			}
			_, err = s.ProposalFor(ctx, c.v, ids["private"])
			if (err == nil) != c.found {
				t.Errorf("ProposalFor private: %v, want found %v", err, c.found)
			}
			events, _ := s.Timeline(ctx, c.v, ids["private"])
			if (len(events) > 0) != c.found {
				t.Errorf("timeline has %d entries, want found %v", len(events), c.found)
			}
		})
	}
}

// TestVerifyChainNamesFirstBrokenEntry changes, removes and reorders
// entries of a chain.
func TestVerifyChainNamesFirstBrokenEntry(t *testing.T) {
	var events []Event
	prev := GenesisHash
	at := time.Date(2026, 11, 1, 9, 0, 0, 123456000, time.UTC)
	for i := 1; i <= 5; i++ {
		e := Event{ProposalID: 7, Seq: int64(i), Kind: "note", At: at.Add(time.Duration(i) * time.Hour), ActorName: "Резa Карими", Note: "заметка <b>&", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		events = append(events, e)
	}
	if c := VerifyChain(events); !c.OK || c.Entries != 5 {
		t.Fatalf("intact chain: %+v", c)
	}
	changed := append([]Event(nil), events...)
	changed[2].Note = "edited"
	removed := append(append([]Event(nil), events[:1]...), events[2:]...)
	for i := range removed {
		removed[i].Seq = int64(i + 1)
	}
	cases := []struct {
		name   string
		events []Event
		seq    int64
		reason string
	}{
		{"changed note", changed, 3, "hash"},
		{"removed entry", removed, 2, "prev"},
		{"gap", append(append([]Event(nil), events[:2]...), events[3:]...), 4, "seq"},
	}
	for _, c := range cases {
		if got := VerifyChain(c.events); got.OK || got.BrokenSeq != c.seq || got.Reason != c.reason {
			t.Errorf("%s: %+v, want entry %d by %s", c.name, got, c.seq, c.reason)
		}
	}
	// The canonical JSON is what the documented recipe rebuilds: fixed
	// order, no HTML escaping, no whitespace.
	want := `{"proposal_id":7,"seq":1,"kind":"note","at":"2026-11-01T10:00:00.123456Z","actor":"Резa Карими","from":"","to":"","note":"заметка <b>&","prev":"` + GenesisHash + `"}`
	if got := string(events[0].Canonical().CanonicalJSON()); got != want {
		t.Errorf("canonical JSON:\n got %s\nwant %s", got, want)
	}
}

// TestBoardFollowsMoves: the board kept in memory changes with the next
// committed move, and a stale move is a conflict.
func TestBoardFollowsMoves(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.CreateProposal(ProposalInput{Kind: "financing", Market: "om", Visibility: "public", Currency: "USD",
			Title: L10n{EN: "Leasing"}, NDAText: "nda"}, p.staff, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(stage string) int {
		cols, err := s.Board(ctx, viewerOf(p.staff), BoardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if c.Stage == stage {
				return c.Count
			}
		}
		return -1
	}
	if count("new") != 1 {
		t.Fatal("new proposal not on the board")
	}
	move := StageMove{ProposalID: id, FromStage: "new", Version: 1, ToStage: "qualification", Note: "ok", Actor: p.staff, At: time.Now()}
	if err := s.Tx(ctx, func(tx *Tx) error { _, err := tx.MoveStage(move); return err }); err != nil {
		t.Fatal(err)
	}
	if count("new") != 0 || count("qualification") != 1 {
		t.Error("the board did not follow the move")
	}
	if err := s.Tx(ctx, func(tx *Tx) error { _, err := tx.MoveStage(move); return err }); !isErr(err, ErrConflict) {
		t.Errorf("stale move: %v, want ErrConflict", err)
	}
	if _, err := s.Board(ctx, viewerOf(p.investor), BoardFilter{}); !isErr(err, ErrNotFound) {
		t.Errorf("board for an investor: %v, want ErrNotFound", err)
	}
}

func isErr(err, target error) bool { return err != nil && errors.Is(err, target) }

// TestNDANewVersionClosesTheGate: a changed NDA text is a new version,
// which participants must accept again before details open; an edit
// against a stale version is a conflict.
func TestNDANewVersionClosesTheGate(t *testing.T) {
	s, p := newProposalsStore(t)
	ctx := context.Background()
	in := ProposalInput{Kind: "joint_venture", Market: "ru", Visibility: "private", Currency: "EUR", Title: L10n{EN: "JV"}, NDAText: "first text"}
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		if id, err = tx.CreateProposal(in, p.staff, time.Now()); err != nil {
			return err
		}
		if err := tx.AddParticipant(id, p.investor.ID, "Inv", time.Now()); err != nil {
			return err
		}
		return tx.AcceptNDA(id, p.investor.ID, "h", "192.0.2.1", "ua", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	if pr, _ := s.ProposalFor(ctx, viewerOf(p.investor), id); !pr.NDAAccepted || pr.NDAVersion != 1 {
		t.Fatalf("after accepting: %+v", pr)
	}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.AcceptNDA(id, p.outsider.ID, "h", "", "", time.Now()) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("an outsider accepting: %v, want ErrNotFound", err)
	}
	in.NDAText = "second text"
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.UpdateProposal(id, 1, in, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	pr, _ := s.ProposalFor(ctx, viewerOf(p.investor), id)
	if pr.NDAAccepted || pr.NDAVersion != 2 {
		t.Errorf("after a new NDA text: accepted %v version %d, want false 2", pr.NDAAccepted, pr.NDAVersion)
	}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.UpdateProposal(id, 1, in, time.Now()) }); !errors.Is(err, ErrConflict) {
		t.Errorf("stale edit: %v, want ErrConflict", err)
	}
	if docs, _ := s.Documents(ctx, viewerOf(p.investor), id); docs != nil {
		t.Errorf("documents past a closed gate: %v", docs)
	}
}
