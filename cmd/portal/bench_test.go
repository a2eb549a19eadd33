package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ikco/partner-portal/db"
)

// Sizes of the generated catalogue the benchmark serves.
const (
	benchModels        = 1000
	benchTrimsPerModel = 4
	benchConns         = 64
	benchModelPages    = 50
	benchRounds        = 6
)

// benchWindow is how long each target is measured: PORTAL_BENCH_SECONDS,
// or 3 s.
func benchWindow(b *testing.B) time.Duration {
	v := os.Getenv("PORTAL_BENCH_SECONDS")
	if v == "" {
		return 3 * time.Second
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || s <= 0 {
		b.Fatalf("PORTAL_BENCH_SECONDS=%q: want a positive number of seconds", v)
	}
	return time.Duration(s * float64(time.Second))
}

// publicPagesFigures is what one round of BenchmarkPublicPages measured.
type publicPagesFigures struct {
	build time.Duration // generating the database
	ready time.Duration // from calling run to /readyz answering 200

	catalogue, model, ceiling loadResult
	// The same three while staff publish a change every second.
	pubCatalogue, pubModel, pubCeiling loadResult
	publishes                          int

	htmlBytes, cssBytes, jsBytes int64
	assets                       []string

	// others is the share of the machine's CPU time that other programs
	// took while the loads ran (-1 where unknown): they skew every figure.
	others float64
}

// BenchmarkPublicPages starts the real portal over a generated catalogue
// of 1,000 models and measures, side by side and under the same load of
// 64 keep-alive connections: the catalogue page, 50 model pages
// round-robin, and a ceiling (plain net/http answering the catalogue's
// gzip bytes from memory). It also reports how long the portal takes to be
// ready and what the catalogue page weighs with its CSS and JS.
func BenchmarkPublicPages(b *testing.B) {
	window := benchWindow(b)
	var f publicPagesFigures
	for b.Loop() {
		f = measurePublicPages(b, window)
	}

	for _, m := range []struct {
		name string
		r    loadResult
	}{{"catalogue", f.catalogue}, {"model", f.model}, {"ceiling", f.ceiling}} {
		b.ReportMetric(m.r.perSecond(), m.name+"-req/s")
		b.ReportMetric(ms(m.r.percentile(0.50)), m.name+"-p50-ms")
		b.ReportMetric(ms(m.r.percentile(0.99)), m.name+"-p99-ms")
	}
	b.ReportMetric(ratio(f.catalogue, f.ceiling), "a/c")
	b.ReportMetric(ratio(f.model, f.ceiling), "b/c")
	b.ReportMetric(ratio(f.pubCatalogue, f.pubCeiling), "a/c-publishing")
	b.ReportMetric(ratio(f.pubModel, f.pubCeiling), "b/c-publishing")
	b.ReportMetric(ms(f.pubCatalogue.percentile(0.99)), "catalogue-p99-ms-publishing")
	b.ReportMetric(ms(f.pubModel.percentile(0.99)), "model-p99-ms-publishing")
	b.ReportMetric(ms(f.ready), "ready-ms")
	b.ReportMetric(float64(f.htmlBytes+f.cssBytes+f.jsBytes)/1024, "page-KB")
	b.ReportMetric(float64(f.jsBytes)/1024, "js-KB")
	b.ReportMetric(float64(f.catalogue.errors+f.model.errors+f.ceiling.errors), "errors")
	if f.others >= 0 {
		b.ReportMetric(100*f.others, "others-cpu-%")
	}
	printFigures(os.Stdout, f)
}

func ratio(a, c loadResult) float64 {
	if c.perSecond() == 0 {
		return 0
	}
	return a.perSecond() / c.perSecond()
}

// measurePublicPages does one whole round: build the database, start the
// portal, run the three loads one after another, weigh the page, stop.
func measurePublicPages(b *testing.B, window time.Duration) publicPagesFigures {
	b.Helper()
	var f publicPagesFigures
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()

	path := filepath.Join(b.TempDir(), "portal.db")
	t0 := time.Now()
	buildBenchDB(ctx, b, path)
	f.build = time.Since(t0)

	addr := freeLoopbackAddr(b)
	logs := &syncBuffer{}
	args := []string{"portal", "-addr", addr, "-db", path, "-log-level", "warn"}
	// The portal sees an empty environment, so PORTAL_* of the machine
	// running the benchmark change nothing.
	getenv := func(string) string { return "" }
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(ctx, args, getenv, strings.NewReader(""), logs, logs) }()
	base := "http://" + addr
	f.ready = waitReady(b, base+"/readyz", start, done, logs)

	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	page := fetchGzip(ctx, b, client, base+"/ru/catalogue")
	f.htmlBytes = int64(len(page.body))

	ceilingURL := startCeiling(b, page)

	modelURLs := make([]string, benchModelPages)
	step := benchModels / benchModelPages
	for i := range modelURLs {
		// LoadGenerated names its models model-0001 … model-1000.
		modelURLs[i] = fmt.Sprintf("%s/ru/models/model-%04d", base, 1+i*step)
	}
	// Every URL must answer before it is measured.
	for _, u := range modelURLs {
		fetchGzip(ctx, b, client, u)
	}
	fetchGzip(ctx, b, client, ceilingURL)

	// The three targets are measured in interleaved rounds (a b c a b c …)
	// so that whatever else the machine does weighs on each alike. The first
	// round warms the caches; later ones only open their connections.
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	targets := []struct {
		name string
		dst  *loadResult
		urls []string
	}{
		{"catalogue", &f.catalogue, []string{base + "/ru/catalogue"}},
		{"model", &f.model, modelURLs},
		{"ceiling", &f.ceiling, []string{ceilingURL}},
	}
	cpu0, cpuOK := readCPUTicks()
	for round := range benchRounds {
		warmup := 100 * time.Millisecond
		if round == 0 {
			warmup = window / 6
		}
		for _, t := range targets {
			res, err := runLoad(ctx, loadSpec{
				conns:    benchConns,
				warmup:   warmup,
				duration: window / benchRounds,
				urls:     t.urls,
				header:   gz,
			})
			if err != nil {
				b.Fatalf("%s: %v", t.name, err)
			}
			*t.dst = t.dst.merge(res)
		}
	}
	f.others = -1
	if cpu1, ok := readCPUTicks(); ok && cpuOK {
		f.others = cpu1.othersShare(cpu0)
	}
	for _, t := range targets {
		if r := *t.dst; r.errors > 0 {
			b.Errorf("%s: %d of %d requests failed, first: %s", t.name, r.errors, r.requests, r.firstErr)
		}
	}

	// Again, while a staff member publishes a change every second: each
	// publish retires the published model's page (model-0001, one of the
	// 50) and the pages listing models, which must be made again.
	stopPub := startPublisher(ctx, b, base, path)
	pubTargets := []struct {
		name string
		dst  *loadResult
		urls []string
	}{
		{"catalogue", &f.pubCatalogue, []string{base + "/ru/catalogue"}},
		{"model", &f.pubModel, modelURLs},
		{"ceiling", &f.pubCeiling, []string{ceilingURL}},
	}
	for range benchRounds {
		for _, t := range pubTargets {
			res, err := runLoad(ctx, loadSpec{conns: benchConns, warmup: 100 * time.Millisecond, duration: window / benchRounds, urls: t.urls, header: gz})
			if err != nil {
				b.Fatalf("%s while publishing: %v", t.name, err)
			}
			*t.dst = t.dst.merge(res)
		}
	}
	f.publishes = stopPub()

	f.cssBytes, f.jsBytes, f.assets = weighAssets(ctx, b, client, base+"/ru/catalogue", page.html())

	client.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			b.Fatalf("run: %v\n%s", err, logs)
		}
	case <-time.After(30 * time.Second):
		b.Fatalf("run did not return 30 s after its context ended\n%s", logs)
	}
	if logs.String() != "" {
		b.Logf("portal log (warn and above):\n%s", logs)
	}
	return f
}

// buildBenchDB makes a migrated database with the generated catalogue.
func buildBenchDB(ctx context.Context, b *testing.B, path string) {
	b.Helper()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	if err := store.LoadGenerated(ctx, benchModels, benchTrimsPerModel); err != nil {
		b.Fatal(err)
	}
	if err := d.Close(); err != nil {
		b.Fatal(err)
	}
}

// freeLoopbackAddr finds a loopback port nobody listens on. Another
// process could take it before run listens; on a test machine that is
// rare enough.
func freeLoopbackAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		b.Fatal(err)
	}
	return addr
}

// waitReady polls url every millisecond until it answers 200 and returns
// the time since start.
func waitReady(b *testing.B, url string, start time.Time, done <-chan error, logs *syncBuffer) time.Duration {
	b.Helper()
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	deadline := start.Add(30 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		select {
		case err := <-done:
			b.Fatalf("run returned before it was ready: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s not ready after 30 s (last: %v)\n%s", url, err, logs)
		}
		time.Sleep(time.Millisecond)
	}
}

// fetched is one response as it came over the wire.
type fetched struct {
	body            []byte // as sent: gzip when Content-Encoding says so
	ctype, encoding string
	header          http.Header // as sent, less what net/http writes itself
}

// html is the body decompressed.
func (p fetched) html() []byte {
	if p.encoding != "gzip" {
		return p.body
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.body))
	if err != nil {
		return nil
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	return out
}

// fetchGzip GETs url asking for gzip and fails the benchmark unless it
// answers 200.
func fetchGzip(ctx context.Context, b *testing.B, client *http.Client, url string) fetched {
	b.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s", url, resp.Status)
	}
	header := resp.Header.Clone()
	// net/http writes these itself.
	for _, k := range []string{"Date", "Content-Length", "Transfer-Encoding"} {
		header.Del(k)
	}
	return fetched{body: body, ctype: resp.Header.Get("Content-Type"), encoding: resp.Header.Get("Content-Encoding"), header: header}
}

// startCeiling serves page's bytes from memory with plain net/http on a
// loopback port of its own, until the benchmark ends, and returns its URL.
// "The same bytes" are the whole response as (a) sent it: its headers
// (security headers, ETag, Vary …) as well as its body, so the ratio
// measures what the portal does to make the response, not what it says.
func startCeiling(b *testing.B, page fetched) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, v := range page.header {
				h[k] = v
			}
			h["Content-Length"] = []string{strconv.Itoa(len(page.body))}
			_, _ = w.Write(page.body)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String() + "/ru/catalogue"
}

// weighAssets fetches every stylesheet and script the page links, asking
// for gzip, and adds up their bytes as sent.
func weighAssets(ctx context.Context, b *testing.B, client *http.Client, pageURL string, html []byte) (css, js int64, assets []string) {
	b.Helper()
	base, err := url.Parse(pageURL)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(html))
	if err != nil {
		b.Fatal(err)
	}
	fetch := func(ref string) int64 {
		u, err := base.Parse(ref)
		if err != nil {
			b.Fatalf("asset link %q: %v", ref, err)
		}
		n := int64(len(fetchGzip(ctx, b, client, u.String()).body))
		assets = append(assets, fmt.Sprintf("%s %.1f KB", u.Path, float64(n)/1024))
		return n
	}
	doc.Find("link[rel][href]").Each(func(_ int, s *goquery.Selection) {
		rel, _ := s.Attr("rel")
		for _, r := range strings.Fields(rel) {
			if strings.EqualFold(r, "stylesheet") {
				href, _ := s.Attr("href")
				css += fetch(href)
				return
			}
		}
	})
	doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		js += fetch(src)
	})
	return css, js, assets
}

// printFigures writes the round's figures as a table for people.
func printFigures(w io.Writer, f publicPagesFigures) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\npublic pages: %d models × %d trims, %d connections, %s measured per target in %d interleaved rounds, %d CPUs\n",
		benchModels, benchTrimsPerModel, benchConns, f.catalogue.window, benchRounds, runtime.GOMAXPROCS(0))
	fmt.Fprintln(tw, "target\treq/s\tp50 ms\tp99 ms\trequests\terrors\tredials\tKB/resp\t")
	for _, row := range []struct {
		name string
		r    loadResult
	}{{"(a) /ru/catalogue", f.catalogue}, {"(b) /ru/models/… ×50", f.model}, {"(c) ceiling", f.ceiling}} {
		perResp := 0.0
		if row.r.requests > 0 {
			perResp = float64(row.r.bytes) / float64(row.r.requests) / 1024
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%d\t%d\t%d\t%.1f\t\n", row.name, row.r.perSecond(),
			ms(row.r.percentile(0.5)), ms(row.r.percentile(0.99)), row.r.requests, row.r.errors, row.r.dials-row.r.conns, perResp)
	}
	_ = tw.Flush()
	for _, row := range []struct {
		name string
		r    loadResult
	}{{"catalogue", f.catalogue}, {"model", f.model}, {"ceiling", f.ceiling}} {
		if row.r.warmupErrors > 0 || row.r.dials > row.r.conns {
			fmt.Fprintf(w, "note: %s: %d of %d connections opened again, %d failures in warm-up",
				row.name, row.r.dials-row.r.conns, row.r.conns, row.r.warmupErrors)
			if row.r.firstErr != "" {
				fmt.Fprintf(w, "; first failure: %s", row.r.firstErr)
			}
			fmt.Fprintln(w)
		}
	}
	if f.others >= 0 {
		fmt.Fprintf(w, "other programs took %.0f%% of the machine's CPU during the loads (above a few %%, every figure is skewed)\n", 100*f.others)
	}
	fmt.Fprintf(w, "ratios: a/c %.2f  b/c %.2f\n", ratio(f.catalogue, f.ceiling), ratio(f.model, f.ceiling))
	fmt.Fprintf(w, "while staff published a change every second (%d publishes): a/c %.2f  b/c %.2f, p99 (a) %.2f ms (b) %.2f ms (c) %.2f ms\n",
		f.publishes, ratio(f.pubCatalogue, f.pubCeiling), ratio(f.pubModel, f.pubCeiling),
		ms(f.pubCatalogue.percentile(0.99)), ms(f.pubModel.percentile(0.99)), ms(f.pubCeiling.percentile(0.99)))
	fmt.Fprintf(w, "ready to serve: %.1f ms (database generated in %s)\n", ms(f.ready), f.build.Round(time.Millisecond))
	fmt.Fprintf(w, "catalogue page weight (gzip, as sent): HTML %.1f KB + CSS %.1f KB + JS %.1f KB = %.1f KB\n",
		float64(f.htmlBytes)/1024, float64(f.cssBytes)/1024, float64(f.jsBytes)/1024,
		float64(f.htmlBytes+f.cssBytes+f.jsBytes)/1024)
	for _, a := range f.assets {
		fmt.Fprintf(w, "  %s\n", a)
	}
}

// cpuTicks are CPU clock ticks from Linux's /proc: the whole machine's,
// busy and in all, and this process's.
type cpuTicks struct{ busy, total, self float64 }

// readCPUTicks reads the ticks; ok is false where /proc does not tell them.
func readCPUTicks() (t cpuTicks, ok bool) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return t, false
	}
	line, _, _ := strings.Cut(string(stat), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return t, false
	}
	// user nice system idle iowait irq softirq steal
	var v [8]float64
	for i := range v {
		if v[i], err = strconv.ParseFloat(f[i+1], 64); err != nil {
			return t, false
		}
	}
	// Interrupt time is left out of busy: on loopback it is mostly the
	// benchmark's own packets, which the process's own times do not hold.
	t.busy = v[0] + v[1] + v[2] + v[7]
	t.total = t.busy + v[3] + v[4] + v[5] + v[6]
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return t, false
	}
	// The fields after the command's closing parenthesis start with the
	// state (field 3); utime and stime are fields 14 and 15.
	_, rest, found := strings.Cut(string(self), ") ")
	sf := strings.Fields(rest)
	if !found || len(sf) < 13 {
		return t, false
	}
	ut, err1 := strconv.ParseFloat(sf[11], 64)
	st, err2 := strconv.ParseFloat(sf[12], 64)
	if err1 != nil || err2 != nil {
		return t, false
	}
	t.self = ut + st
	return t, true
}

// othersShare is the share of all CPU time between before and t that
// went to other programs.
func (t cpuTicks) othersShare(before cpuTicks) float64 {
	total := t.total - before.total
	if total <= 0 {
		return -1
	}
	return max(0, (t.busy-before.busy)-(t.self-before.self)) / total
}

// openBenchStore opens and migrates the database at path for a
// benchmark's setup; the caller closes it.
func openBenchStore(ctx context.Context, b *testing.B, path string) (*db.DB, *db.Store) {
	b.Helper()
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx, d); err != nil {
		d.Close()
		b.Fatal(err)
	}
	store, err := db.NewStore(ctx, d)
	if err != nil {
		d.Close()
		b.Fatal(err)
	}
	return d, store
}
