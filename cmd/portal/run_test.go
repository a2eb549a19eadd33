package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigFlagsAndEnvironment(t *testing.T) {
	var stderr bytes.Buffer
	c, err := parseConfig([]string{"-addr", "127.0.0.1:9000", "-demo", "1"}, envOf(map[string]string{
		"PORTAL_DB": "/tmp/x/portal.db", "PORTAL_ADDR": "127.0.0.1:9100", "PORTAL_IDLE_TIMEOUT": "10m",
	}), &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" {
		t.Errorf("environment does not override the flag: %q", c.Addr)
	}
	if !c.Demo || c.DBPath != "/tmp/x/portal.db" || c.IdleTimeout != 10*time.Minute || c.SessionLifetime != 12*time.Hour {
		t.Errorf("config %+v", c)
	}
	if c.KeyFile != "/tmp/x/session.keys" || c.BaseURL != "http://127.0.0.1:9100" {
		t.Errorf("derived settings: key file %q, base URL %q", c.KeyFile, c.BaseURL)
	}
	if _, err := parseConfig(nil, envOf(map[string]string{"PORTAL_IDLE_TIMEOUT": "soon", "PORTAL_TRUSTED_PROXIES": "nope"}), &stderr); err == nil {
		t.Error("bad durations and CIDRs accepted")
	}
}

func TestHelpExplainsEverySetting(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"portal", "--help"}, envOf(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(stderr.String(), s.env) || !strings.Contains(stderr.String(), "-"+s.flag) {
			t.Errorf("--help does not explain %s / %s", s.flag, s.env)
		}
	}
}

func TestSessionKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "session.keys")
	k1, err := loadSessionKeys("", path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	again, _ := loadSessionKeys("", path)
	if len(k1) != 1 || !bytes.Equal(k1[0], again[0]) {
		t.Fatal("key file not reused")
	}
	if err := rotateKeys(path, io.Discard); err != nil {
		t.Fatal(err)
	}
	rotated, _ := loadSessionKeys("", path)
	if len(rotated) != 2 || bytes.Equal(rotated[0], k1[0]) || !bytes.Equal(rotated[1], k1[0]) {
		t.Errorf("rotation: %d keys, old key not kept second", len(rotated))
	}
	if _, err := loadSessionKeys("not base64!", path); err == nil {
		t.Error("bad key accepted")
	}
}

func TestUserCreateFromStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	var stdout, stderr bytes.Buffer
	args := []string{"portal", "user", "create", "--email", "Admin@Example.com", "--role", "admin", "--db", path}
	if err := run(context.Background(), args, envOf(nil), strings.NewReader("a long enough passphrase\n"), &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "created admin account") {
		t.Errorf("stdout %q", stdout.String())
	}
	if err := run(context.Background(), args, envOf(nil), strings.NewReader("a long enough passphrase\n"), &stdout, &stderr); err == nil {
		t.Error("a second account with the same email was created")
	}
	weak := []string{"portal", "user", "create", "--email", "b@example.com", "--role", "staff", "--db", path}
	if err := run(context.Background(), weak, envOf(nil), strings.NewReader("short\n"), &stdout, &stderr); err == nil {
		t.Error("a short password was accepted")
	}
	bad := []string{"portal", "user", "create", "--email", "c@example.com", "--role", "emperor", "--db", path}
	if err := run(context.Background(), bad, envOf(nil), strings.NewReader("a long enough passphrase\n"), &stdout, &stderr); err == nil {
		t.Error("an unknown role was accepted")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	store, err := db.NewStore(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.UserByEmail(ctx, "admin@example.com")
	if err != nil || u.Role != "admin" || u.Status != "active" || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("created user %+v, %v", u, err)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestRunServesAndShutsDownGracefully starts the real program with the
// demo data, asks it for pages, then ends it as SIGTERM would.
func TestRunServesAndShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"portal", "-addr", addr, "-db", filepath.Join(dir, "data", "portal.db"), "-demo", "1"},
			envOf(nil), strings.NewReader(""), io.Discard, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("not ready in time:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range []string{"/healthz", "/ru/", "/en/catalogue", "/fa/models/rira", "/en/login", "/en/offers"} {
		res, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
		if p == "/en/login" && !strings.Contains(string(body), "admin@demo.example") {
			t.Error("demo mode does not show the demo logins")
		}
		// The demo offers are there, and a visitor learns only how many.
		if p == "/en/offers" && !strings.Contains(string(body), "5 current offers.") {
			t.Errorf("demo offers: the visitor's page does not count 5 current offers")
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "data", "session.keys")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	for _, want := range []string{"msg=listening", "msg=\"shutting down\"", "msg=stopped", "path=/en/catalogue"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("log lacks %s", want)
		}
	}
}
