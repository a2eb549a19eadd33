package main

import (
	"context"
	"math"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, gcLimitFloor},
		{7 << 20, gcLimitFloor},              // the portal at rest: the floor
		{64 << 20, gcLimitFloor},             // exactly half the floor
		{200 << 20, 400 << 20},               // a large live heap: twice it
		{math.MaxUint64, math.MaxInt64},      // no overflow
		{math.MaxInt64/2 + 1, math.MaxInt64}, // the first value that would overflow
	} {
		if got := memoryLimit(tc.live); got != tc.want {
			t.Errorf("memoryLimit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}

// TestTuneGC: with no GOGC or GOMEMLIMIT the portal sets its own policy
// while it runs and puts the previous one back when it stops; with either
// set it changes nothing.
func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	beforeLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(before); debug.SetMemoryLimit(beforeLimit) })

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { tuneGC(ctx, func(string) string { return "" }, 10*time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) == math.MaxInt64 {
		if time.Now().After(deadline) {
			t.Fatal("no memory limit was set")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got < gcLimitFloor {
		t.Errorf("memory limit %d, want at least %d", got, gcLimitFloor)
	}
	if got := debug.SetGCPercent(-1); got != gcPercent {
		t.Errorf("GC percent while running %d, want %d", got, gcPercent)
	}
	debug.SetGCPercent(gcPercent) // SetGCPercent(-1) turned it off: put it back
	cancel()
	<-done
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after stopping %d, want 100 back", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after stopping %d, want none", got)
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		getenv := func(k string) string {
			if k == env {
				return "200"
			}
			return ""
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		tuneGC(ctx, getenv, time.Millisecond)
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("%s set: GC percent %d, want it left at 100", env, got)
		}
		if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
			t.Errorf("%s set: memory limit %d, want it left alone", env, got)
		}
	}
}
