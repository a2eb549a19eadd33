package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
	"github.com/ikco/partner-portal/web/media"
)

// publishRounds is how many publishes BenchmarkPublishVisible times in
// each of its iterations.
const publishRounds = 20

// BenchmarkPublishVisible measures, through the real server, the time from
// a staff member's publish (POST …/publish) to the change being on the
// public model page a visitor gets, with the page cache warm before each
// publish. Reported: median and slowest of publishRounds publishes.
func BenchmarkPublishVisible(b *testing.B) {
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	path := filepath.Join(b.TempDir(), "portal.db")
	const email, password = "bench-staff@example.com", "a long benchmark passphrase"
	modelID := prepareBenchPublishDB(ctx, b, path, email, password)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs syncLog
	args := []string{"portal", "-addr", addr, "-db", path, "-log-level", "warn"}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &logs, &logs) }()
	base := "http://" + addr
	waitFor(b, base+"/readyz", done, &logs)

	jar, _ := cookiejar.New(nil)
	staff := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	visitor := &http.Client{}
	defer staff.CloseIdleConnections()
	defer visitor.CloseIdleConnections()
	tok := csrfOf(b, staff, base+"/en/login")
	res, err := staff.PostForm(base+"/en/login", url.Values{"csrf": {tok}, "email": {email}, "password": {password}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %v %v\n%s", err, res, &logs)
	}
	res.Body.Close()

	// A second store on the same file writes the drafts: saving a draft
	// changes nothing public, so it need not go through the server.
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	store, err := db.NewStore(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	editor := fmt.Sprintf("%s/en/staff/catalogue/%d", base, modelID)
	public := base + "/ru/models/rira"
	var lat []time.Duration
	round := 0
	for b.Loop() {
		for range publishRounds {
			round++
			marker := fmt.Sprintf("Проверка публикации %d", round)
			draft, err := store.Draft(ctx, modelID)
			if err != nil {
				b.Fatal(err)
			}
			snap := draft.Snapshot
			snap.Tagline["ru"] = marker
			if err := store.Tx(ctx, func(tx *db.Tx) error {
				_, err := tx.SaveDraft(modelID, draft.DraftRev, snap, "saved", "", db.Actor{Email: email}, time.Now())
				return err
			}); err != nil {
				b.Fatal(err)
			}
			// Warm the cache with the page as it is.
			if body := get(b, visitor, public); strings.Contains(body, marker) {
				b.Fatal("draft visible before publishing")
			}
			tok := csrfOf(b, staff, editor)
			start := time.Now()
			res, err := staff.PostForm(editor+"/publish", url.Values{"csrf": {tok}})
			if err != nil || res.StatusCode != http.StatusSeeOther {
				b.Fatalf("publish: %v %v", err, res)
			}
			res.Body.Close()
			for !strings.Contains(get(b, visitor, public), marker) {
				if time.Since(start) > 10*time.Second {
					b.Fatal("published change not visible after 10 s")
				}
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-visible-p50")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "ms-visible-max")
	cancel()
	<-done
}

// prepareBenchPublishDB builds a database with the demo catalogue and a
// staff account, and returns the id of the model the benchmark edits.
func prepareBenchPublishDB(ctx context.Context, b *testing.B, path, email, password string) int64 {
	b.Helper()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	if _, err := store.LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.CreateUser(db.NewUser{Email: email, PasswordHash: hash, FullName: "Bench Staff", Role: "staff", Status: "active", Lang: "ru", Now: time.Now()})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	var id int64
	if err := d.Read.QueryRowContext(ctx, `SELECT id FROM models WHERE slug = 'rira'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

func csrfOf(b *testing.B, c *http.Client, u string) string {
	b.Helper()
	m := csrfField.FindStringSubmatch(get(b, c, u))
	if m == nil {
		b.Fatalf("%s: no CSRF token", u)
	}
	return m[1]
}

func get(b *testing.B, c *http.Client, u string) string {
	b.Helper()
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return string(body)
}

func waitFor(b *testing.B, u string, done <-chan error, logs *syncLog) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			b.Fatalf("run ended: %v\n%s", err, logs)
		case <-time.After(5 * time.Millisecond):
		}
	}
	b.Fatalf("%s not ready\n%s", u, logs)
}

type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// BenchmarkPhotoUpload12MP runs a 12-megapixel JPEG (4000 × 3000, made
// here) through the upload pipeline: type check, decode, three widths,
// re-encode, write. Reported: time per photo; and, from one run of its
// own watched by a sampler (which stops the world to read the heap, so it
// is kept out of the timed runs), the peak of the heap in use over the
// heap before, and the bytes allocated for the photo.
func BenchmarkPhotoUpload12MP(b *testing.B) {
	data := photo12MP(b)
	dir := b.TempDir()
	peak, alloc := photoMemory(b, data, dir)
	n := 0
	start := time.Now()
	for b.Loop() {
		if _, err := media.ProcessPhoto(data, dir); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(n), "ms/photo")
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(alloc)/(1<<20), "MB-alloc/photo")
	b.ReportMetric(float64(len(data))/(1<<20), "MB-input")
}

// photoMemory processes data once while sampling the heap every
// millisecond; it returns the peak of HeapInuse above where it started,
// and the bytes allocated.
func photoMemory(b *testing.B, data []byte, dir string) (peak, alloc uint64) {
	b.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var top atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > top.Load() {
					top.Store(m.HeapInuse)
				}
			}
		}
	}()
	if _, err := media.ProcessPhoto(data, dir); err != nil {
		b.Fatal(err)
	}
	close(stop)
	<-sampled
	runtime.ReadMemStats(&after)
	return top.Load() - min(top.Load(), before.HeapInuse), after.TotalAlloc - before.TotalAlloc
}

// photo12MP encodes a 4000 × 3000 JPEG with detail, as a camera's would be.
func photo12MP(b *testing.B) []byte {
	b.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for y := range 3000 {
		for x := range 4000 {
			img.Y[y*img.YStride+x] = uint8((x*x + y*3) ^ (x * y >> 5))
		}
	}
	for i := range img.Cb {
		img.Cb[i] = uint8(i * 7)
		img.Cr[i] = uint8(i * 13)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
