package web

import "sync"

// boardCacheMax bounds the rendered boards kept in memory.
const boardCacheMax = 256

// boardCache keeps the board's rendered columns. Their forms carry
// standIn instead of a CSRF token, replaced with the viewer's own token in
// each response; standIn is random per process, so it never occurs in
// content.
type boardCache struct {
	standIn string
	mu      sync.Mutex
	m       map[boardKey][]byte
}

type boardKey struct {
	lang    string
	q       boardQuery
	version int64
	slot    int64
}

func newBoardCache() *boardCache {
	return &boardCache{standIn: "csrf-stand-in-" + randomToken(24)}
}

func (bc *boardCache) get(k boardKey) ([]byte, bool) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	b, ok := bc.m[k]
	return b, ok
}

func (bc *boardCache) put(k boardKey, b []byte) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.m == nil || len(bc.m) >= boardCacheMax {
		bc.m = map[boardKey][]byte{}
	}
	bc.m[k] = b
}
