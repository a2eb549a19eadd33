package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcPercent is the portal's GOGC when the environment sets none. What the
// portal keeps in memory (pages, sessions, search results) is a few
// megabytes, and each request leaves about ten kilobytes of garbage: at
// Go's default of 100 a busy server collected 25 times a second, and the
// collections' pauses and assists set the tail of every page's latency.
// At 400 it collected about 8 times a second, serving more requests.
const gcPercent = 400

// gcLimitFloor is the least soft memory limit the portal sets: below it
// the heap grows as gcPercent lets it.
const gcLimitFloor = 128 << 20

// memoryLimit is the soft memory limit for a live heap of live bytes.
// With gcPercent alone a heap briefly full of password hashes (19 MiB
// each, two at a time) would be let grow to five times that before the
// next collection; the limit keeps the heap near the floor then, and at
// twice the live heap it is never so tight that the collector must run
// back to back to stay under it: a large live heap gets Go's default
// growth, a small one the room gcPercent gives it.
func memoryLimit(live uint64) int64 {
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(gcLimitFloor, 2*int64(live))
}

// tuneGC sets the portal's garbage collection policy, unless GOGC or
// GOMEMLIMIT is set (then the operator's choice stands), and moves the
// soft memory limit with the live heap every interval until ctx ends, when
// it puts Go's defaults back.
func tuneGC(ctx context.Context, getenv func(string) string, every time.Duration) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	prevPercent := debug.SetGCPercent(gcPercent)
	prevLimit := debug.SetMemoryLimit(-1)
	defer func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(memoryLimit(sample[0].Value.Uint64()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
