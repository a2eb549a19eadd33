package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadSpec is one run of the load generator: conns workers, each with its
// own keep-alive connection, ask for urls round-robin for warmup and then
// for duration, which is the measured window.
type loadSpec struct {
	conns    int
	warmup   time.Duration
	duration time.Duration
	urls     []string
	// header is sent with every request. The transport never asks for
	// compression itself, so an Accept-Encoding here is what the server
	// sees and its body is counted as it crossed the wire.
	header http.Header
	// workerHeader, when set, adds headers per worker (worker w takes
	// workerHeader[w % len]): a session cookie of its own, say.
	workerHeader []http.Header
}

// loadResult is what a load run measured in its window.
type loadResult struct {
	window   time.Duration
	requests int    // requests started in the window
	errors   int    // of those, the ones that failed or did not answer 200
	firstErr string // the first failure, in the window or the warm-up
	bytes    int64  // body bytes read in the window, as sent
	// conns is the connections the run meant to open, dials those it did,
	// warm-up included: more dials than conns means connections broke.
	conns, dials int64
	// warmupErrors counts failures during warm-up, which are not measured
	// but tell why a connection was opened again.
	warmupErrors int
	lat          []time.Duration // sorted
}

// merge adds the figures of another run of the same target, so a target
// measured in interleaved rounds reports as one.
func (r loadResult) merge(o loadResult) loadResult {
	r.window += o.window
	r.requests += o.requests
	r.errors += o.errors
	if r.firstErr == "" {
		r.firstErr = o.firstErr
	}
	r.bytes += o.bytes
	r.conns += o.conns
	r.dials += o.dials
	r.warmupErrors += o.warmupErrors
	r.lat = append(slices.Clip(r.lat), o.lat...)
	slices.Sort(r.lat)
	return r
}

// perSecond is the request rate over the window.
func (r loadResult) perSecond() float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(r.requests) / r.window.Seconds()
}

// percentile is the nearest-rank latency below which a share p (0–1] of
// the window's requests finished.
func (r loadResult) percentile(p float64) time.Duration {
	return percentile(r.lat, p)
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// ms is a duration in milliseconds, for reports.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// latencyCap is how many latencies a worker's slice holds before it grows;
// enough for a worker answering every 100 µs for 3 s, so recording does not
// allocate while measuring.
const latencyCap = 32 << 10

// runLoad runs spec against its URLs and returns what it measured. Each
// worker has its own http.Transport limited to one connection, so a run
// keeps exactly spec.conns connections open (dials says how many were
// really made).
func runLoad(ctx context.Context, spec loadSpec) (loadResult, error) {
	if spec.conns < 1 || spec.duration <= 0 || len(spec.urls) == 0 {
		return loadResult{}, fmt.Errorf("loadgen: bad spec: %d conns, %s, %d urls", spec.conns, spec.duration, len(spec.urls))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var dials atomic.Int64
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	type workerResult struct {
		requests, errors int
		warmupErrors     int
		firstErr         string
		bytes            int64
		lat              []time.Duration
	}
	results := make([]workerResult, spec.conns)

	// Requests are built before the clock starts; a request may be sent
	// again once the previous response's body is closed.
	reqs := make([][]*http.Request, spec.conns)
	for w := range reqs {
		reqs[w] = make([]*http.Request, len(spec.urls))
		for i, u := range spec.urls {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return loadResult{}, fmt.Errorf("loadgen: %w", err)
			}
			for k, vs := range spec.header {
				req.Header[k] = slices.Clone(vs)
			}
			if len(spec.workerHeader) > 0 {
				for k, vs := range spec.workerHeader[w%len(spec.workerHeader)] {
					req.Header[k] = slices.Clone(vs)
				}
			}
			reqs[w][i] = req
		}
	}

	start := time.Now()
	from := start.Add(spec.warmup)
	end := from.Add(spec.duration)
	var wg sync.WaitGroup
	for w := range spec.conns {
		wg.Go(func() {
			tr := &http.Transport{
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					dials.Add(1)
					return dialer.DialContext(ctx, network, addr)
				},
				MaxIdleConns:          1,
				MaxIdleConnsPerHost:   1,
				MaxConnsPerHost:       1,
				IdleConnTimeout:       time.Minute,
				ResponseHeaderTimeout: 10 * time.Second,
				DisableCompression:    true,
			}
			defer tr.CloseIdleConnections()
			client := &http.Client{
				Transport:     tr,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			res := workerResult{lat: make([]time.Duration, 0, latencyCap)}
			mine := reqs[w]
			// Workers start at different URLs so they do not march in step.
			for i := w; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				var n int64
				resp, err := client.Do(mine[i%len(mine)])
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: %s", resp.Request.URL.Path, resp.Status)
					}
				}
				d := time.Since(t0)
				if err != nil && res.firstErr == "" {
					res.firstErr = err.Error()
				}
				if t0.Before(from) {
					if err != nil {
						res.warmupErrors++
					}
					continue
				}
				res.requests++
				res.bytes += n
				res.lat = append(res.lat, d)
				if err != nil {
					res.errors++
				}
			}
			results[w] = res
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return loadResult{}, err
	}

	out := loadResult{window: spec.duration, conns: int64(spec.conns), dials: dials.Load()}
	n := 0
	for _, r := range results {
		n += len(r.lat)
	}
	out.lat = make([]time.Duration, 0, n)
	for _, r := range results {
		out.requests += r.requests
		out.errors += r.errors
		out.warmupErrors += r.warmupErrors
		out.bytes += r.bytes
		out.lat = append(out.lat, r.lat...)
		if out.firstErr == "" {
			out.firstErr = r.firstErr
		}
	}
	slices.Sort(out.lat)
	return out, nil
}

func TestPercentile(t *testing.T) {
	lat := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{0.01, 1},
		{0.5, 5},
		{0.9, 9},
		{0.99, 10},
		{1, 10},
	} {
		t.Run(fmt.Sprint(tc.p), func(t *testing.T) {
			if got := percentile(lat, tc.p); got != tc.want {
				t.Errorf("percentile(1…10, %v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

// TestRunLoadCountsConnectionsAndErrors runs the generator for a few
// milliseconds against a server that fails one of its two URLs: every
// request is counted, the failures as errors, over exactly one connection
// per worker.
func TestRunLoadCountsConnectionsAndErrors(t *testing.T) {
	var gotEncoding atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotEncoding.Store(r.Header.Get("Accept-Encoding"))
		if r.URL.Path == "/bad" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()

	res, err := runLoad(t.Context(), loadSpec{
		conns:    3,
		warmup:   5 * time.Millisecond,
		duration: 20 * time.Millisecond,
		urls:     []string{srv.URL + "/ok", srv.URL + "/bad"},
		header:   http.Header{"Accept-Encoding": {"gzip"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.requests == 0 {
		t.Fatal("no requests in the window")
	}
	if res.errors == 0 || res.errors == res.requests {
		t.Errorf("errors = %d of %d requests, want some but not all", res.errors, res.requests)
	}
	if res.firstErr == "" {
		t.Error("firstErr is empty though requests failed")
	}
	if len(res.lat) != res.requests {
		t.Errorf("%d latencies for %d requests", len(res.lat), res.requests)
	}
	if res.conns != 3 {
		t.Errorf("conns = %d, want 3", res.conns)
	}
	if res.dials != 3 {
		t.Errorf("dials = %d, want 3 (one keep-alive connection per worker)", res.dials)
	}
	if res.bytes == 0 {
		t.Error("no body bytes counted")
	}
	if got, _ := gotEncoding.Load().(string); got != "gzip" {
		t.Errorf("server saw Accept-Encoding %q, want gzip", got)
	}
}

func TestLoadResultMerge(t *testing.T) {
	a := loadResult{window: time.Second, requests: 3, errors: 1, firstErr: "a", bytes: 30, conns: 2, dials: 2, lat: []time.Duration{1, 5, 9}}
	b := loadResult{window: time.Second, requests: 2, errors: 0, bytes: 20, conns: 2, dials: 3, warmupErrors: 1, firstErr: "b", lat: []time.Duration{2, 7}}
	got := a.merge(b)
	want := loadResult{window: 2 * time.Second, requests: 5, errors: 1, firstErr: "a", bytes: 50, conns: 4, dials: 5, warmupErrors: 1, lat: []time.Duration{1, 2, 5, 7, 9}}
	if got.window != want.window || got.requests != want.requests || got.errors != want.errors ||
		got.firstErr != want.firstErr || got.bytes != want.bytes || got.conns != want.conns ||
		got.dials != want.dials || got.warmupErrors != want.warmupErrors || !slices.Equal(got.lat, want.lat) {
		t.Errorf("merge:\n got %+v\nwant %+v", got, want)
	}
	if got.perSecond() != 2.5 {
		t.Errorf("perSecond = %v, want 2.5", got.perSecond())
	}
	if !slices.Equal(a.lat, []time.Duration{1, 5, 9}) {
		t.Errorf("merge changed its receiver's latencies: %v", a.lat)
	}
}
