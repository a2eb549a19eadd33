//go:build !unix

package db

import "sync/atomic"

// openChanges has no memory shared between processes here: the counters
// serve this process alone, and sessions are not kept (see changes).
func openChanges(string) (*changes, error) {
	return &changes{slots: new([changesSlots]atomic.Uint64)}, nil
}
