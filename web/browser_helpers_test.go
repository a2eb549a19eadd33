package web

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one test's browser, so a hung page fails the test
// instead of the whole run.
const browserTimeout = 2 * time.Minute

// browserNames are the executables tried, in order, on PATH.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome"}

// newBrowser starts a headless chromium of the test's own and the full
// portal with the demo data behind an httptest server. It returns the
// browser's context and the portal's base URL. The browser's console and
// network are watched: an uncaught exception, a console error, a CSP
// violation or a failed request fails the test (see allowHTTPError).
//
// It skips in -short mode, and when no chromium is installed, except when
// CI=true: there a missing browser is a failure.
func newBrowser(t *testing.T) (context.Context, string) {
	t.Helper()
	ctx, base, _ := newBrowserServer(t)
	return ctx, base
}

// newBrowserServer is newBrowser that also returns the portal behind the
// browser, for tests that set up accounts or read the store.
func newBrowserServer(t *testing.T) (context.Context, string, *testServer) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	ts := newTestServer(t)
	ctx, base := newBrowserFor(t, ts)
	return ctx, base, ts
}

// newBrowserFor is newBrowser over a test server the test has prepared
// (accounts, proposals) before the browser starts.
func newBrowserFor(t *testing.T, ts *testServer) (context.Context, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	execPath := ""
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			execPath = p
			break
		}
	}
	if execPath == "" {
		msg := fmt.Sprintf("browser test: none of %s on PATH (make browser-deps installs Debian's chromium)",
			strings.Join(browserNames, ", "))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)

	// Only the flags we chose: the defaults of chromedp add more.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	base, cancelBase := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// Cleanups run last-registered first: close the tab and the browser,
	// then wait for the process, then drop the deadline.
	t.Cleanup(cancelBase)
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelCtx)

	w := &pageWatch{allowed: map[string]bool{}}
	// The first Run starts the browser; Listen then sees every event after.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", execPath, err)
	}
	if err := chromedp.Listen(ctx, w.record); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.report(t) })
	return context.WithValue(ctx, pageWatchKey{}, w), srv.URL
}

type pageWatchKey struct{}

// pageWatch collects what went wrong in the pages while they loaded and
// ran: exceptions, console errors, CSP violations, failed requests.
type pageWatch struct {
	mu       sync.Mutex
	problems []string
	// allowed are URLs whose HTTP error status is the point of the test.
	allowed map[string]bool
}

// record runs in chromedp's event loop: it only notes, and returns fast.
func (w *pageWatch) record(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p = fmt.Sprintf("JS exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Description != "" {
				args = append(args, a.Description)
			} else {
				args = append(args, string(a.Value))
			}
		}
		p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError {
			return
		}
		if e.Source == log.EntrySourceNetwork && w.isAllowed(e.URL) {
			return
		}
		// CSP violations arrive here, with the source "security".
		p = fmt.Sprintf("console %s error (%s): %s", e.Source, e.URL, e.Text)
	case *network.EventResponseReceived:
		r := ev.Response
		if r.Status < 400 || w.isAllowed(r.URL) {
			return
		}
		p = fmt.Sprintf("HTTP %d for %s (%s)", r.Status, r.URL, ev.Type)
	case *network.EventLoadingFailed:
		// A request canceled because the page went on is not a failure.
		if ev.Canceled && ev.BlockedReason == "" {
			return
		}
		p = fmt.Sprintf("request failed (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason)
	default:
		return
	}
	w.mu.Lock()
	w.problems = append(w.problems, p)
	w.mu.Unlock()
}

func (w *pageWatch) isAllowed(url string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.allowed[url]
}

// take returns the problems noted so far and forgets them.
func (w *pageWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

// report fails the test with every problem noted since the last report.
func (w *pageWatch) report(t testing.TB) {
	t.Helper()
	for _, p := range w.take() {
		t.Errorf("browser: %s", p)
	}
}

func watchOf(t testing.TB, ctx context.Context) *pageWatch {
	t.Helper()
	w, ok := ctx.Value(pageWatchKey{}).(*pageWatch)
	if !ok {
		t.Fatal("context does not come from newBrowser")
	}
	return w
}

// checkConsole fails the test with the exceptions, console errors, CSP
// violations and failed requests of the pages since the last check.
func checkConsole(t testing.TB, ctx context.Context) {
	t.Helper()
	watchOf(t, ctx).report(t)
}

// allowHTTPError lets url answer with an error status, for a test that
// opens an error page on purpose.
func allowHTTPError(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	w := watchOf(t, ctx)
	w.mu.Lock()
	w.allowed[url] = true
	w.mu.Unlock()
}

// axeSource is web/testdata/axe.min.js, read once.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	return string(b), err
})

// axeRun runs the WCAG 2.1 A/AA and best-practice rules on the document and
// returns the violations, trimmed to what a failure message needs.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || '',
	help: v.help,
	count: v.nodes.length,
	targets: v.nodes.slice(0, 4).map(n => n.target.join(' ')),
	summary: (v.nodes[0] && v.nodes[0].failureSummary || '').split('\n').slice(0, 3).join(' '),
})))`

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Count   int      `json:"count"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

// runAxe checks the current page with axe-core and fails the test on any
// violation; name says which page in the message. It also reports the
// console problems of the page so far.
func runAxe(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	checkConsole(t, ctx)
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	// Runtime.evaluate is not subject to the page's CSP (script-src 'self'),
	// so the script goes in as text; the check below proves it did.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === 'object'`))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			t.Fatalf("%s: injecting axe: %v", name, err)
		}
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === 'object' && typeof axe.run === 'function'`)); err != nil || !ok {
			t.Fatalf("%s: axe did not load into the page (%v)", name, err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v", name, err)
	}
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s [%s] %s: %d node(s): %s", v.ID, v.Impact, v.Help, v.Count, strings.Join(v.Targets, " | "))
		if v.Summary != "" {
			fmt.Fprintf(&b, "\n    %s", v.Summary)
		}
	}
	t.Errorf("%s: %d accessibility violation(s):%s", name, len(vs), b.String())
}

// screenshot saves a full-page PNG of the current page as
// testout/screenshots/<name>.png in the repository, for people to look at.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	// A full-page capture does not scroll, so lazy images below the fold
	// would stay blank: load them first, as a reader scrolling down would.
	const loadImages = `Promise.all(Array.from(document.images, img => {
		img.loading = 'eager';
		return img.decode().catch(() => {});
	}))`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](loadImages, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("screenshot %s: loading images: %v", name, err)
	}
	checkConsole(t, ctx)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "testout", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the nearest directory above the working directory that
// holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// visit opens url, waits for the page's load event and checks the
// document's status.
func visit(t testing.TB, ctx context.Context, url string, wantStatus int64) {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if res.Status != wantStatus {
		t.Fatalf("open %s: status %d, want %d", url, res.Status, wantStatus)
	}
}

// clickAndWait clicks the first element sel matches and waits until the
// page it leads to has loaded.
func clickAndWait(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	if res == nil || res.Status != 200 {
		status := int64(0)
		if res != nil {
			status = res.Status
		}
		t.Fatalf("click %s: page status %d, want 200", sel, status)
	}
}

// location is the current page's URL.
func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// browserLogin logs in through the login form after dropping the cookies
// of whoever was logged in before.
func browserLogin(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, base+"/en/login", 200)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#login-email"), email),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "main form button[type=submit]")
}
