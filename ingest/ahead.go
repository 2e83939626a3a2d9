package ingest

import (
	"context"
	"runtime"

	"github.com/kensho-jp/kensho/reportfile"
)

// Files are read and validated ahead of the database, on other goroutines.
// A file of an operator's quarter is one batch, validated on one core, so
// several small files are prepared at once, one per core; a large file is
// prepared alone (its batches are spread over the cores), so that two
// large files are never in memory together. Prepared files are taken in
// the order of the load.

// prepareAhead is how many bytes of input files may be read and validated
// ahead of the database: enough for the next group while one loads, and a
// bound on the temporary files that wait (a file larger than this is read
// one ahead, as it would be alone).
const prepareAhead = 64 << 20

// prepareAlone is the size from which a file is prepared alone.
const prepareAlone = 16 << 20

// readAhead prepares the targets of a load, in order.
type readAhead struct {
	ready chan chan *preparedFile // one future per target, in order
	fut   chan *preparedFile      // the next future, taken from ready
	room  *backlog
}

// startReadAhead prepares targets with prepare until ctx ends.
func startReadAhead(ctx context.Context, targets []reportfile.Target, prepare func(int, reportfile.Target) *preparedFile) *readAhead {
	workers := max(runtime.GOMAXPROCS(0), 1)
	r := &readAhead{
		ready: make(chan chan *preparedFile, 4*workers),
		room:  newBacklog(prepareAhead, backlogUnit),
	}
	cores := newBacklog(int64(workers), 1)
	go func() {
		defer close(r.ready)
		for i, t := range targets {
			if !r.room.acquire(ctx, t.Size) {
				return
			}
			n := int64(1)
			if t.Size >= prepareAlone {
				n = int64(workers)
			}
			if !cores.acquire(ctx, n) {
				r.room.release(t.Size)
				return
			}
			fut := make(chan *preparedFile, 1)
			go func() {
				defer cores.release(n)
				p := prepare(i, t)
				p.size = t.Size
				fut <- p
			}()
			select {
			case r.ready <- fut:
			case <-ctx.Done():
				(<-fut).discard()
				return
			}
		}
	}()
	return r
}

// next returns the next prepared file; when block is false and it is not
// ready yet, nil. ok is false when every file was taken.
func (r *readAhead) next(block bool) (p *preparedFile, ok bool) {
	if r.fut == nil {
		if block {
			if r.fut, ok = <-r.ready; !ok {
				return nil, false
			}
		} else {
			select {
			case r.fut, ok = <-r.ready:
				if !ok {
					return nil, false
				}
			default:
				return nil, true
			}
		}
	}
	if block {
		p = <-r.fut
	} else {
		select {
		case p = <-r.fut:
		default:
			return nil, true
		}
	}
	r.fut = nil
	r.room.release(p.size)
	return p, true
}

// drain discards every file still prepared or being prepared (after the
// context of startReadAhead ended).
func (r *readAhead) drain() {
	if r.fut != nil {
		(<-r.fut).discard()
		r.fut = nil
	}
	for fut := range r.ready {
		(<-fut).discard()
	}
}

// backlog is a counting semaphore: acquire waits for room.
type backlog struct {
	tokens chan struct{}
	unit   int64
}

// backlogUnit is the bytes of a token of the read-ahead backlog: a small
// file holds one.
const backlogUnit = 64 << 10

// newBacklog makes room for size, in tokens of unit.
func newBacklog(size, unit int64) *backlog {
	n := max(int(size/unit), 1)
	b := &backlog{tokens: make(chan struct{}, n), unit: unit}
	for range n {
		b.tokens <- struct{}{}
	}
	return b
}

// units is how many tokens size takes (at most all of them).
func (b *backlog) units(size int64) int {
	return min(int((size+b.unit-1)/b.unit), cap(b.tokens))
}

// acquire takes room for size; false when ctx ended first (then it holds
// nothing).
func (b *backlog) acquire(ctx context.Context, size int64) bool {
	n := b.units(size)
	for i := range n {
		select {
		case <-b.tokens:
		case <-ctx.Done():
			b.put(i)
			return false
		}
	}
	return true
}

// release gives back the room of size.
func (b *backlog) release(size int64) {
	b.put(b.units(size))
}

func (b *backlog) put(n int) {
	for range n {
		b.tokens <- struct{}{}
	}
}
