package ingest

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Rows go from the validator to DuckDB in temporary NDJSON files, one kind
// of row per file: valid rows (in parts), quarantined rows, their errors,
// and warnings.
//
// A file of a load with few rows does not get temporary files of its own:
// on the benchmark machine creating a file cost about 0.3 ms and DuckDB's
// read of one about as much, more than the few hundred rows of an
// operator's quarterly submission cost to load. Its lines are kept in
// memory, and appended whole to the spool's current segment of their kind
// when the file is done. Every line carries its file's index in the load
// ("f", written with the line). A segment holds files in the order they
// were done; the statements that load a group read its segments and keep
// the lines of the group's files by that index (a segment shared with the
// next group is read by both). A file whose lines of a kind outgrow memory
// writes them to a file of its own instead (a part), which DuckDB reads in
// parallel.

// Kinds of temporary NDJSON files.
const (
	kindAccident        = "accident"
	kindQuarantineRow   = "quarantine_row"
	kindQuarantineError = "quarantine_error"
	kindWarning         = "warning"
)

// ndjsonMemory is how many bytes of one kind a file keeps in memory: less
// goes to the spool when the file is done, more to a part of its own.
const ndjsonMemory = 1 << 20

// segmentSize is the size at which a segment is closed and the next begun.
// A group reads every segment that holds one of its files, and the last
// may also hold files read ahead for the next group: small segments keep
// what two groups both read small (the 496 files of a fiscal year: 5%
// more bytes read than the files' own lines), and a file costs little.
const segmentSize = 1 << 20

// spool holds the segments of a load, in the load's temporary directory.
// The preparing goroutine appends to them, the loading goroutine seals the
// segments it is about to read and releases the files it loaded.
type spool struct {
	dir string

	mu   sync.Mutex
	cur  map[string]*segment // by kind: the segment being appended to
	next int
}

// segment is one spool file.
type segment struct {
	path   string
	f      *os.File
	size   int
	refs   int  // files whose lines are in it and not yet loaded or given up
	sealed bool // closed: nothing more is appended, DuckDB may read it
}

func newSpool(dir string) *spool {
	return &spool{dir: dir, cur: map[string]*segment{}}
}

// file starts the temporary file of one kind of the index-th file of the
// load; its own part, if it needs one, is named prefix + kind.
func (sp *spool) file(index int, prefix, kind string) *ndjsonFile {
	return &ndjsonFile{spool: sp, index: index, kind: kind, path: filepath.Join(sp.dir, prefix+kind+".ndjson")}
}

// appendLines appends lines (whole NDJSON lines) to the current segment
// of kind and returns the segment.
func (sp *spool) appendLines(kind string, lines []byte) (*segment, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	seg := sp.cur[kind]
	if seg == nil {
		seg = &segment{path: filepath.Join(sp.dir, "spool-"+kind+"-"+strconv.Itoa(sp.next)+".ndjson")}
		sp.next++
		// The rows hold operator names: owner-only, like the database.
		f, err := os.OpenFile(seg.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		seg.f = f
		sp.cur[kind] = seg
	}
	if _, err := seg.f.Write(lines); err != nil {
		sp.sealLocked(seg)
		return nil, err
	}
	seg.size += len(lines)
	seg.refs++
	if seg.size >= segmentSize {
		sp.sealLocked(seg)
	}
	return seg, nil
}

// seal closes segments so that DuckDB can read them whole.
func (sp *spool) seal(segs []*segment) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var first error
	for _, seg := range segs {
		if err := sp.sealLocked(seg); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (sp *spool) sealLocked(seg *segment) error {
	if seg.sealed {
		return nil
	}
	seg.sealed = true
	for kind, c := range sp.cur {
		if c == seg {
			delete(sp.cur, kind)
		}
	}
	err := seg.f.Close()
	seg.f = nil
	if seg.refs == 0 {
		os.Remove(seg.path)
	}
	return err
}

// release notes that a file's lines in seg are no longer needed; the last
// file of a sealed segment removes it.
func (sp *spool) release(seg *segment) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	seg.refs--
	if seg.refs == 0 && seg.sealed {
		os.Remove(seg.path)
	}
}

// ndjsonFile is the lines of one kind of one file of the load: in memory,
// then in the spool (seg) or in a part of its own (path, created when its
// lines outgrow memory).
type ndjsonFile struct {
	spool *spool
	index int
	kind  string
	path  string

	buf     []byte
	lines   int
	f       *os.File
	created bool
	seg     *segment
	err     error
}

func (n *ndjsonFile) write(line []byte) error {
	n.lines++
	return n.writeRun(line)
}

// writeRun writes lines already counted.
func (n *ndjsonFile) writeRun(b []byte) error {
	if n.err != nil {
		return n.err
	}
	if len(n.buf)+len(b) <= ndjsonMemory {
		n.buf = append(n.buf, b...)
		return nil
	}
	if err := n.flush(); err != nil {
		return err
	}
	if len(b) >= ndjsonMemory {
		_, n.err = n.f.Write(b)
		return n.err
	}
	n.buf = append(n.buf, b...)
	return nil
}

// flush writes what is buffered to the file's own part, creating it first.
func (n *ndjsonFile) flush() error {
	if n.err != nil {
		return n.err
	}
	if !n.created {
		// The rows hold operator names: owner-only, like the database.
		n.f, n.err = os.OpenFile(n.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if n.err != nil {
			return n.err
		}
		n.created = true
	}
	if len(n.buf) > 0 {
		_, n.err = n.f.Write(n.buf)
		n.buf = n.buf[:0]
	}
	return n.err
}

// close puts the lines where DuckDB will read them: what stayed in memory
// goes to the spool, the rest of a part is written out.
func (n *ndjsonFile) close() error {
	switch {
	case n.created:
		n.flush()
		if err := n.f.Close(); n.err == nil {
			n.err = err
		}
		n.f = nil
	case n.lines > 0 && n.seg == nil && n.err == nil:
		n.seg, n.err = n.spool.appendLines(n.kind, n.buf)
	}
	n.buf = nil
	return n.err
}

// source is where DuckDB reads the lines: the file's part, or the spool
// segment, and the index the lines carry.
func (n *ndjsonFile) source() (path string, index int, seg *segment) {
	if n.seg != nil {
		return n.seg.path, n.index, n.seg
	}
	return n.path, n.index, nil
}

// remove deletes the file's part, or gives up its lines in the spool.
func (n *ndjsonFile) remove() {
	n.buf = nil
	if n.f != nil {
		n.f.Close()
		n.f = nil
	}
	if n.created {
		os.Remove(n.path)
		n.created = false
	}
	if n.seg != nil {
		n.spool.release(n.seg)
		n.seg = nil
	}
}
