package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func newTestDB(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestMigrateAppliesOnceAndPragmas(t *testing.T) {
	ctx := context.Background()
	d := newTestDB(t)
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	n, err := Migrate(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || n == 0 {
		t.Fatalf("first Migrate applied %d, want %d", n, len(ms))
	}
	if n, err := Migrate(ctx, d); err != nil || n != 0 {
		t.Fatalf("second Migrate applied %d (%v), want 0", n, err)
	}
	checks := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "10000"},
	}
	for _, c := range checks {
		for name, pool := range map[string]*sql.DB{"writer": d.Write, "reader": d.Read} {
			var got string
			if err := pool.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", name, c.pragma, got, c.want)
			}
		}
	}
	// Readers cannot write: every write goes through the one writer.
	if _, err := d.Read.ExecContext(ctx, `UPDATE content_version SET version = 9`); err == nil {
		t.Error("a reader connection wrote")
	}
	if d.Write.Stats().MaxOpenConnections != 1 {
		t.Errorf("writer pool allows %d connections", d.Write.Stats().MaxOpenConnections)
	}
}
