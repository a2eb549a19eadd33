package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limit is a token bucket: burst attempts at once, refilled at every.
type limit struct {
	every time.Duration
	burst int
}

// Limits of the forms that attackers hammer, per client address and per
// account (email).
var (
	loginPerIP      = limit{every: 6 * time.Second, burst: 20}
	registerPerIP   = limit{every: time.Minute, burst: 5}
	resetPerIP      = limit{every: time.Minute, burst: 5}
	resetPerAccount = limit{every: 5 * time.Minute, burst: 3}
	formPerAccount  = limit{every: 2 * time.Second, burst: 20}
	// Inquiry drafts, steps' uploads, messages and submissions.
	inquiryPerAccount = limit{every: 10 * time.Second, burst: 30}
	inquiryPerIP      = limit{every: 2 * time.Second, burst: 60}
	maxLimiterMemory  = 100000
)

// Account lockout: this many failed logins within the window lock the
// account for lockFor.
const (
	lockAfter  = 10
	lockWindow = 15 * time.Minute
	lockFor    = 15 * time.Minute
)

// limiters keeps a token bucket per key (action and client address or
// account), forgetting idle ones.
type limiters struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiters(now func() time.Time) *limiters {
	return &limiters{now: now, buckets: map[string]*bucket{}}
}

// allow takes one token from the bucket of key under l.
func (ls *limiters) allow(key string, l limit) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := ls.now()
	if len(ls.buckets) >= maxLimiterMemory {
		for k, b := range ls.buckets {
			if now.Sub(b.seen) > time.Hour {
				delete(ls.buckets, k)
			}
		}
		if len(ls.buckets) >= maxLimiterMemory {
			// Still full of live keys: forget them all rather than grow.
			ls.buckets = map[string]*bucket{}
		}
	}
	b, ok := ls.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		ls.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}
