package web

import (
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// memo keeps results of public catalogue queries for the current content
// version, so pages for logged-in people (which the page cache never
// keeps) do not query the catalogue again until staff publish.
type memo struct {
	mu  sync.Mutex
	max int
	at  int64
	m   map[string]any
	// flight computes a missing value once, however many ask for it at
	// the same time (after a publish, every page is missing at once).
	flight singleflight.Group
}

func newMemo(max int) *memo { return &memo{max: max, m: map[string]any{}} }

// memoized returns the value kept under key for version, or computes,
// keeps and returns it. Of the callers that miss the same key at once, one
// computes and the others wait for its value; should it fail (its request
// may have gone), each of them computes its own. Errors are not kept.
func memoized[T any](m *memo, version int64, key string, compute func() (T, error)) (T, error) {
	m.mu.Lock()
	if m.at == version {
		if v, ok := m.m[key]; ok {
			m.mu.Unlock()
			return v.(T), nil
		}
	}
	m.mu.Unlock()
	leader := false
	v, err, _ := m.flight.Do(strconv.FormatInt(version, 10)+" "+key, func() (any, error) {
		leader = true
		v, err := compute()
		if err != nil {
			return v, err
		}
		m.keep(version, key, v)
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

// keep stores v under key for version, unless it was computed under an
// older version than the memo holds.
func (m *memo) keep(version int64, key string, v any) {
	if m.max <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if version < m.at {
		return // computed under an older version: do not keep it
	}
	if version > m.at || len(m.m) >= m.max {
		m.m = map[string]any{}
		m.at = version
	}
	m.m[key] = v
}
