package web

import "sync"

// memo keeps results of public catalogue queries for the current content
// version, so pages for logged-in people (which the page cache never
// keeps) do not query the catalogue again until staff publish.
type memo struct {
	mu  sync.Mutex
	max int
	at  int64
	m   map[string]any
}

func newMemo(max int) *memo { return &memo{max: max, m: map[string]any{}} }

// memoized returns the value kept under key for version, or computes,
// keeps and returns it. Errors are not kept.
func memoized[T any](m *memo, version int64, key string, compute func() (T, error)) (T, error) {
	m.mu.Lock()
	if m.at == version {
		if v, ok := m.m[key]; ok {
			m.mu.Unlock()
			return v.(T), nil
		}
	}
	m.mu.Unlock()
	v, err := compute()
	if err != nil || m.max <= 0 {
		return v, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case version > m.at || len(m.m) >= m.max:
		m.m = map[string]any{}
		m.at = version
	case version < m.at:
		return v, nil // computed under an older version: do not keep it
	}
	m.m[key] = v
	return v, nil
}
