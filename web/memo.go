package web

import (
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// memo keeps results of public catalogue queries and rendered shared
// content, each under the stamp it was made under (the content version, or
// a model's stamp for what shows one model alone), so pages for logged-in
// people (which the page cache never keeps) do not query the catalogue
// again until a publish retires what they show.
type memo struct {
	mu  sync.Mutex
	max int
	m   map[string]memoEntry
	// flight computes a missing value once, however many ask for it at
	// the same time (after a publish, every page is missing at once).
	flight singleflight.Group
}

type memoEntry struct {
	v     any
	stamp int64
}

func newMemo(max int) *memo { return &memo{max: max, m: map[string]memoEntry{}} }

// memoized returns the value kept under key if it was made under stamp, or
// computes, keeps and returns it. The caller reads stamp before anything
// compute reads, so a publish meanwhile leaves the value stamped older. Of
// the callers that miss the same key at once, one computes and the others
// wait for its value; should it fail (its request may have gone), each of
// them computes its own. Errors are not kept.
func memoized[T any](m *memo, stamp int64, key string, compute func() (T, error)) (T, error) {
	m.mu.Lock()
	if e, ok := m.m[key]; ok && e.stamp == stamp {
		m.mu.Unlock()
		return e.v.(T), nil
	}
	m.mu.Unlock()
	leader := false
	v, err, _ := m.flight.Do(strconv.FormatInt(stamp, 10)+" "+key, func() (any, error) {
		leader = true
		v, err := compute()
		if err != nil {
			return v, err
		}
		m.keep(stamp, key, v)
		return v, nil
	})
	if err != nil {
		if !leader {
			return compute()
		}
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// keep stores v under key for stamp, unless a value made under a newer
// stamp is kept there already.
func (m *memo) keep(stamp int64, key string, v any) {
	if m.max <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.m[key]
	switch {
	case ok && old.stamp > stamp:
		return // computed under an older stamp: do not keep it
	case !ok && len(m.m) >= m.max:
		// Full: start afresh. What a publish retired is replaced when it
		// is next asked for, and dropped here when it never is.
		m.m = map[string]memoEntry{}
	}
	m.m[key] = memoEntry{v: v, stamp: stamp}
}
