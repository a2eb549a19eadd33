package db

import (
	"context"
	"testing"
	"time"
)

func newAccountsStore(t *testing.T) *Store {
	t.Helper()
	d := newTestDB(t)
	if _, err := Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPendingUsersAndCounts(t *testing.T) {
	s := newAccountsStore(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	type acct struct {
		email, status string
		at            time.Time
	}
	accts := []acct{
		{"late@example.com", "pending", base.Add(2 * time.Hour)},
		{"early@example.com", "pending", base},
		{"active@example.com", "active", base.Add(time.Hour)},
		{"new@example.com", "unconfirmed", base.Add(3 * time.Hour)},
		{"off@example.com", "disabled", base},
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		for _, a := range accts {
			if _, err := tx.CreateUser(NewUser{Email: a.email, PasswordHash: "x", FullName: a.email, Role: "investor", Status: a.status, Lang: "ru", Now: a.at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	users, total, err := s.PendingUsers(ctx, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(users) != 2 || users[0].Email != "early@example.com" || users[1].Email != "late@example.com" {
		t.Errorf("pending: total %d, %+v; want early then late", total, users)
	}
	second, total, err := s.PendingUsers(ctx, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(second) != 1 || second[0].Email != "late@example.com" {
		t.Errorf("second page of one: %d, %+v", total, second)
	}
	counts, err := s.CountUsersByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"unconfirmed": 1, "pending": 2, "active": 1, "rejected": 0, "disabled": 1}
	for st, n := range want {
		if counts[st] != n {
			t.Errorf("count of %s = %d, want %d", st, counts[st], n)
		}
	}
}

func TestListAuditFilters(t *testing.T) {
	s := newAccountsStore(t)
	ctx := context.Background()
	day := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	entries := []AuditEntry{
		{At: day.Add(8 * time.Hour), ActorEmail: "ivanov@example.ru", Action: "login.ok", TargetType: "user", TargetID: 0},
		{At: day.Add(9 * time.Hour), ActorEmail: "staff@ikco.example", Action: "user.approved", TargetType: "user", TargetID: 7},
		{At: day.Add(33 * time.Hour), ActorEmail: "staff@ikco.example", Action: "user.rejected", TargetType: "user", TargetID: 8, Detail: "no documents"},
		{At: day.Add(-time.Hour), ActorEmail: "", Action: "login.failed", Detail: "unknown email"},
		{At: day.Add(34 * time.Hour), ActorEmail: "a_b@example.com", Action: "login.ok"},
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		for _, e := range entries {
			if err := tx.Audit(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    AuditFilter
		want []string // actions, newest first
	}{
		{"all, newest first", AuditFilter{}, []string{"login.ok", "user.rejected", "user.approved", "login.ok", "login.failed"}},
		{"action", AuditFilter{Action: "login.ok"}, []string{"login.ok", "login.ok"}},
		{"actor folded", AuditFilter{Actor: "STAFF@"}, []string{"user.rejected", "user.approved"}},
		{"actor underscore is literal", AuditFilter{Actor: "a_b"}, []string{"login.ok"}},
		{"actor underscore matches no other char", AuditFilter{Actor: "v_n"}, nil},
		{"one day", AuditFilter{From: day, Until: day.AddDate(0, 0, 1)}, []string{"user.approved", "login.ok"}},
		{"from", AuditFilter{From: day.AddDate(0, 0, 1)}, []string{"login.ok", "user.rejected"}},
		{"until", AuditFilter{Until: day}, []string{"login.failed"}},
		{"target", AuditFilter{TargetType: "user", TargetID: 8}, []string{"user.rejected"}},
		{"action and actor", AuditFilter{Action: "user.approved", Actor: "ivanov"}, nil},
		{"page 2 of 2 per page", AuditFilter{Page: 2, PerPage: 2}, []string{"user.approved", "login.ok"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, total, err := s.ListAudit(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Action)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
			if tc.f.Page < 2 && total != len(tc.want) {
				t.Errorf("total %d, want %d", total, len(tc.want))
			}
		})
	}
	rows, _, err := s.ListAudit(ctx, AuditFilter{Action: "user.rejected"})
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; r.ID == 0 || !r.At.Equal(day.Add(33*time.Hour)) || r.TargetID != 8 || r.Detail != "no documents" || r.ActorEmail != "staff@ikco.example" {
		t.Errorf("row read back as %+v", r)
	}
	actions, err := s.AuditActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 4 || actions[0] != "login.failed" || actions[3] != "user.rejected" {
		t.Errorf("actions %v", actions)
	}
}
