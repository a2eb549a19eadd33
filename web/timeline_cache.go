package web

import (
	"sync"
)

// timelineCacheMax bounds the rendered timelines kept in memory.
const timelineCacheMax = 2000

// timelineCache keeps each proposal's rendered shared timeline per
// language, under the proposals version it was made at. The timeline is
// the same for every participant; it is served only inside a page whose
// access was decided by a viewer-scoped query, and never to staff, whose
// timeline carries internal notes.
type timelineCache struct {
	mu sync.Mutex
	m  map[timelineKey]timelineEntry
}

type timelineKey struct {
	id   int64
	lang string
}

type timelineEntry struct {
	version  int64
	html     []byte
	lastOpen string
}

func (tc *timelineCache) get(id int64, lang string, version int64) (timelineEntry, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	e, ok := tc.m[timelineKey{id, lang}]
	return e, ok && e.version == version
}

func (tc *timelineCache) put(id int64, lang string, e timelineEntry) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.m == nil || len(tc.m) >= timelineCacheMax {
		tc.m = map[timelineKey]timelineEntry{}
	}
	tc.m[timelineKey{id, lang}] = e
}
