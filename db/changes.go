package db

import "sync/atomic"

// changesSize is the size of the change-counter file: one page.
const changesSize = 4096

// changes holds the counters shared by every process that has the
// database open (see openChanges).
type changes struct {
	// auth moves on after every committed change to sessions, accounts or
	// notifications (the tables the per-request session read joins), made
	// by any instance through its writer connection. Nil when this
	// platform cannot share it: then nothing is kept on its strength.
	auth *atomic.Uint64
}

// authVersion is the current auth counter, and whether there is one.
func (c *changes) authVersion() (uint64, bool) {
	if c.auth == nil {
		return 0, false
	}
	return c.auth.Load(), true
}

// authChanged moves the auth counter on.
func (c *changes) authChanged() {
	if c.auth != nil {
		c.auth.Add(1)
	}
}
