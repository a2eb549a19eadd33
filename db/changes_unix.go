//go:build unix

package db

import (
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// openChanges maps the change counters kept beside the database file at
// path+"-changes", creating the file when missing. Every process that
// opens the database maps the same 16 KiB (MAP_SHARED), so a counter one
// instance moves on is seen by every other at its next atomic load, with
// no query: the same machinery SQLite's own WAL index (-shm) relies on,
// and the same limit: the instances run on one machine, as WAL requires.
func openChanges(path string) (*changes, error) {
	f, err := os.OpenFile(path+"-changes", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("db: change counters: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("db: change counters: %w", err)
	}
	if st.Size() < changesSize {
		if err := f.Truncate(changesSize); err != nil {
			return nil, fmt.Errorf("db: change counters: %w", err)
		}
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, changesSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("db: map change counters: %w", err)
	}
	// The file stays mapped for the life of the process, even after the
	// database is closed: a request still finishing could load the
	// counter after an unmap and crash the process; 16 KiB are cheap.
	return &changes{
		// The mapping starts on a page boundary, so every counter is
		// aligned for atomic access.
		slots:  (*[changesSlots]atomic.Uint64)(unsafe.Pointer(&mem[0])),
		shared: true,
	}, nil
}
