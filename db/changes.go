package db

import (
	"hash/fnv"
	"sync/atomic"
)

// changesSize is the size of the change-counter file: four pages,
// changesSlots counters.
const (
	changesSize  = 16 << 10
	changesSlots = changesSize / 8
)

// The counters' places in the page. Each only ever grows. Families keyed
// by a slug or an id share a range of buckets: two keys in one bucket
// retire each other's kept pages now and then, which costs a page made
// again, never a stale one.
const (
	slotAuth      = 0  // sessions, accounts, notifications (see writerConnector)
	slotContent   = 8  // every change of public content
	slotShared    = 9  // changes of content every model's page shows
	slotProposals = 10 // any proposal
	slotInquiries = 11 // submitted inquiries
	slotSearch    = 12 // the search index and who may find what
	slotShipments = 13 // shipments and markets

	slotFollows     = 256 // 256 buckets: one person's follows, by user id
	followBuckets   = 256
	slotProposal    = 512 // 512 buckets: one proposal, by id
	proposalBuckets = 512
	slotModels      = 1024 // 1024 buckets: one model's page, by slug
	modelBuckets    = 1024
)

// The page holds every counter (a negative constant would not compile).
const _ uint = changesSlots - (slotModels + modelBuckets)

// changes holds the counters behind everything kept in memory: what was
// made while a counter stood is served again only while it still stands.
// On unix every process that opens the database maps the same page (see
// openChanges), so a change committed through any instance retires what
// every instance keeps, as if there were one.
type changes struct {
	slots *[changesSlots]atomic.Uint64
	// shared tells whether other processes see the counters. Without
	// it, sessions are not kept (they must end everywhere at once); the
	// other counters still serve this process.
	shared bool
}

func (c *changes) load(slot int) int64 { return int64(c.slots[slot].Load()) }

func (c *changes) add(slot int) { c.slots[slot].Add(1) }

// authVersion is the current auth counter, and whether it is shared with
// every other instance.
func (c *changes) authVersion() (uint64, bool) {
	if !c.shared {
		return 0, false
	}
	return c.slots[slotAuth].Load(), true
}

// authChanged moves the auth counter on.
func (c *changes) authChanged() { c.add(slotAuth) }

// bucket is key's place in a family of n buckets.
func bucket(first, n int, key string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return first + int(h.Sum32()%uint32(n))
}

func idBucket(first, n int, id int64) int {
	return first + int(uint64(id)%uint64(n))
}
