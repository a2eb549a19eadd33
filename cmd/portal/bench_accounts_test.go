package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
)

// benchPassword is the password of every account the login benchmark makes.
const benchPassword = "benchmark passphrase 2026"

// BenchmarkLogins measures, against the real server on loopback: logins
// per second and their latency with argon2id; the server's peak memory
// during a flood of 200 concurrent login attempts (hashes are bounded, so
// it must stay flat); and the catalogue page for logged-in people (session
// lookup on every request) at 64 connections.
func BenchmarkLogins(b *testing.B) {
	for range b.N {
		f := measureLogins(b, benchWindow(b))
		b.ReportMetric(f.logins.perSecond(), "logins/s")
		b.ReportMetric(ms(f.logins.percentile(0.50)), "login-p50-ms")
		b.ReportMetric(ms(f.logins.percentile(0.99)), "login-p99-ms")
		b.ReportMetric(float64(f.floodPeak)/(1<<20), "flood-peak-rss-MiB")
		b.ReportMetric(float64(f.floodBase)/(1<<20), "before-flood-rss-MiB")
		b.ReportMetric(ms(f.flood.percentile(0.99)), "flood-p99-ms")
		b.ReportMetric(f.member.perSecond(), "member-catalogue-req/s")
		b.ReportMetric(ms(f.member.percentile(0.99)), "member-catalogue-p99-ms")
		b.ReportMetric(float64(f.logins.errors+f.flood.errors+f.member.errors), "errors")
		printLoginFigures(os.Stdout, f)
	}
}

type loginFigures struct {
	logins, flood, member loadResult
	floodBase, floodPeak  uint64
	floodAttempts         int
}

func measureLogins(b *testing.B, window time.Duration) loginFigures {
	b.Helper()
	var f loginFigures
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()

	const accounts = 300
	path := filepath.Join(b.TempDir(), "portal.db")
	buildBenchDB(ctx, b, path)
	addAccounts(ctx, b, path, accounts)

	// The server runs as a process of its own, so its memory is measured
	// apart from the load generator's.
	bin := filepath.Join(b.TempDir(), "portal")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeLoopbackAddr(b)
	logs := &syncBuffer{}
	// The load comes from one address; the server believes the
	// X-Forwarded-For of loopback, as behind a reverse proxy, so each
	// simulated client has its own address and per-IP limits see many.
	cmd := exec.CommandContext(ctx, bin, "-addr", addr, "-db", path, "-log-level", "warn", "-trusted-proxies", "127.0.0.1/32")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-done
	}()
	base := "http://" + addr
	waitReady(b, base+"/readyz", time.Now(), done, logs)
	pid := cmd.Process.Pid

	var ipSeq atomic.Int64
	nextIP := func() string {
		n := ipSeq.Add(1)
		return fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)
	}

	// (1) Logins per second: 8 clients log in again and again, each
	// attempt a full login (form, token, POST) as a browser makes it.
	var next atomic.Int64
	f.logins = loginLoad(ctx, b, base, 8, window, func() (string, string) {
		i := next.Add(1) % accounts
		return fmt.Sprintf("bench%03d@example.com", i), nextIP()
	})

	// (2) A flood: 200 login attempts at once, half with wrong passwords.
	// Sample the server's resident memory while they run; the kernel's
	// high-water mark (VmHWM) catches peaks between samples.
	f.floodBase = procStatus(b, pid, "VmRSS")
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := procStatus(b, pid, "VmRSS"); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	f.flood = loginFlood(ctx, b, base, 200, func(i int) (string, string, string) {
		pw := benchPassword
		if i%2 == 1 {
			pw = "wrong passphrase " + strconv.Itoa(i)
		}
		return fmt.Sprintf("bench%03d@example.com", (i*7)%accounts), pw, nextIP()
	})
	close(stop)
	<-sampled
	f.floodPeak = max(peak.Load(), procStatus(b, pid, "VmHWM"))
	f.floodAttempts = 200

	// (3) The catalogue for 64 logged-in people, each on a connection
	// of its own with its own session.
	var headers []http.Header
	for i := range 64 {
		cookie := loginCookie(ctx, b, base, fmt.Sprintf("bench%03d@example.com", 100+i), benchPassword, nextIP())
		headers = append(headers, http.Header{"Cookie": {cookie}})
	}
	r, err := runLoad(ctx, loadSpec{conns: 64, warmup: 500 * time.Millisecond, duration: window,
		urls: []string{base + "/ru/catalogue"}, header: http.Header{"Accept-Encoding": {"gzip"}}, workerHeader: headers})
	if err != nil {
		b.Fatal(err)
	}
	f.member = r
	return f
}

// procStatus reads a memory figure (VmRSS, VmHWM) of process pid, in bytes.
func procStatus(b *testing.B, pid int, field string) uint64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// addAccounts adds n active investor accounts with benchPassword; one hash
// serves them all, as hashing here is setup, not the measured part.
func addAccounts(ctx context.Context, b *testing.B, path string, n int) {
	b.Helper()
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	store, err := db.NewStore(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	hash, err := web.HashPassword(benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	err = store.Tx(ctx, func(tx *db.Tx) error {
		for i := range n {
			if _, err := tx.CreateUser(db.NewUser{Email: fmt.Sprintf("bench%03d@example.com", i), PasswordHash: hash,
				FullName: "Bench " + strconv.Itoa(i), Company: "Bench LLC", Role: "investor", Status: "active", Lang: "ru", Now: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// loginForm opens the login page as a new visitor from ip and returns its
// session cookie and CSRF token.
func loginForm(ctx context.Context, client *http.Client, base, ip string) (cookie, token string, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/en/login", nil)
	req.Header.Set("X-Forwarded-For", ip)
	res, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil || len(res.Cookies()) == 0 {
		return "", "", fmt.Errorf("login form: %s, no token or cookie", res.Status)
	}
	c := res.Cookies()[0]
	return c.Name + "=" + c.Value, string(m[1]), nil
}

// postLogin submits the login form and returns the response.
func postLogin(ctx context.Context, client *http.Client, base, cookie, token, email, password, ip string) (*http.Response, error) {
	form := url.Values{"csrf": {token}, "email": {email}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/en/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	req.Header.Set("X-Forwarded-For", ip)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res, nil
}

func noRedirects() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       2 * time.Minute,
	}
}

// loginCookie logs in and returns the session cookie.
func loginCookie(ctx context.Context, b *testing.B, base, email, password, ip string) string {
	b.Helper()
	client := noRedirects()
	defer client.CloseIdleConnections()
	cookie, token, err := loginForm(ctx, client, base, ip)
	if err != nil {
		b.Fatal(err)
	}
	res, err := postLogin(ctx, client, base, cookie, token, email, password, ip)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login %s: %v %v", email, res.Status, err)
	}
	c := res.Cookies()[0]
	return c.Name + "=" + c.Value
}

// loginLoad runs workers that log in one after another for window and
// measures the POSTs (the argon2id check and the session rotation).
func loginLoad(ctx context.Context, b *testing.B, base string, workers int, window time.Duration, who func() (email, ip string)) loadResult {
	b.Helper()
	client := noRedirects()
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	var res loadResult
	end := time.Now().Add(window)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			for time.Now().Before(end) {
				email, ip := who()
				cookie, token, err := loginForm(ctx, client, base, ip)
				if err != nil {
					errs++
					continue
				}
				t0 := time.Now()
				r, err := postLogin(ctx, client, base, cookie, token, email, benchPassword, ip)
				lat = append(lat, time.Since(t0))
				if err != nil || r.StatusCode != http.StatusSeeOther {
					errs++
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.requests += len(lat)
			res.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.window = window
	slices.Sort(res.lat)
	return res
}

// loginFlood fires n login attempts at once (forms fetched first) and
// measures each POST; a right password answers 303, a wrong one 422.
func loginFlood(ctx context.Context, b *testing.B, base string, n int, attempt func(i int) (email, password, ip string)) loadResult {
	b.Helper()
	client := noRedirects()
	defer client.CloseIdleConnections()
	type prepared struct{ email, password, ip, cookie, token string }
	preps := make([]prepared, n)
	for i := range n {
		email, pw, ip := attempt(i)
		cookie, token, err := loginForm(ctx, client, base, ip)
		if err != nil {
			b.Fatal(err)
		}
		preps[i] = prepared{email, pw, ip, cookie, token}
	}
	var res loadResult
	lat := make([]time.Duration, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			p := preps[i]
			s := time.Now()
			r, err := postLogin(ctx, client, base, p.cookie, p.token, p.email, p.password, p.ip)
			lat[i] = time.Since(s)
			want := http.StatusSeeOther
			if p.password != benchPassword {
				want = http.StatusUnprocessableEntity
			}
			if err != nil || r.StatusCode != want {
				errs.Add(1)
			}
		}()
	}
	t0 := time.Now()
	close(gate)
	wg.Wait()
	res.window = time.Since(t0)
	res.requests = n
	res.errors = int(errs.Load())
	res.lat = lat
	slices.Sort(res.lat)
	return res
}

func printLoginFigures(w io.Writer, f loginFigures) {
	fmt.Fprintf(w, "\nlogins (argon2id m=19 MiB t=2 p=1, real server, 8 clients):\n")
	fmt.Fprintf(w, "  %.1f logins/s, p50 %.0f ms, p99 %.0f ms, %d errors\n",
		f.logins.perSecond(), ms(f.logins.percentile(0.5)), ms(f.logins.percentile(0.99)), f.logins.errors)
	fmt.Fprintf(w, "flood of %d concurrent login attempts (half wrong passwords):\n", f.floodAttempts)
	fmt.Fprintf(w, "  all answered in %.2f s, p99 %.0f ms, %d unexpected answers; server resident memory %.1f MiB before, peak %.1f MiB\n",
		f.flood.window.Seconds(), ms(f.flood.percentile(0.99)), f.flood.errors, float64(f.floodBase)/(1<<20), float64(f.floodPeak)/(1<<20))
	fmt.Fprintf(w, "catalogue for 64 logged-in people (session lookup each request), 64 connections:\n")
	fmt.Fprintf(w, "  %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors\n",
		f.member.perSecond(), ms(f.member.percentile(0.5)), ms(f.member.percentile(0.99)), f.member.errors)
}
