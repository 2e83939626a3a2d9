package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"hash/maphash"
	"runtime"
	"strconv"
	"strings"
)

// readError is a reader failing part way through a file (a damaged
// workbook); the file is then rejected whole.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// fileWriter receives a file's validated batches in order and writes what
// the database will load: accidents, quarantined rows and their errors,
// and warnings. It also keeps (operator_id, report_no)
// unique within the file: the first row with a key loads, later ones are
// quarantined.
type fileWriter struct {
	file string
	lay  *layout

	// The valid rows are written to one part per core, a batch to each in
	// turn: DuckDB reads the parts of a file in parallel, but one small
	// file (a few MB) on one thread. acc is the part being written.
	accParts              []*ndjsonFile
	nextPart              int
	acc, qrow, qerr, warn *ndjsonFile
	maxLine               int

	seen        keySet
	blankWarned map[int]bool // columns without header already warned about

	read, loaded, quarantined, warnings int
	errs                                []Error
	fileWarnings                        []problem
	buf                                 []byte
}

// newFileWriter starts the temporary files of the index-th file of a load
// (see ndjsonFile); rows is the number of rows expected (an estimate, to
// size the key set).
func newFileWriter(sp *spool, index int, file string, lay *layout, rows int) *fileWriter {
	w := &fileWriter{file: file, lay: lay, seen: newKeySet(rows), blankWarned: map[int]bool{}}
	prefix := strconv.Itoa(index) + "-"
	w.qrow = sp.file(index, prefix, kindQuarantineRow)
	w.qerr = sp.file(index, prefix, kindQuarantineError)
	w.warn = sp.file(index, prefix, kindWarning)
	w.accParts = make([]*ndjsonFile, min(max(runtime.GOMAXPROCS(0), 1), 8))
	for i := range w.accParts {
		w.accParts[i] = sp.file(index, prefix+strconv.Itoa(i)+"-", kindAccident)
	}
	w.acc = w.accParts[0]
	// Unknown columns: one warning each for the file, before any row.
	for _, c := range lay.unknown {
		w.fileWarning(c, lay.headers[c])
	}
	return w
}

func (w *fileWriter) files() []*ndjsonFile {
	return append([]*ndjsonFile{w.qrow, w.qerr, w.warn}, w.accParts...)
}

// fileWarning warns once that column c is not in the report format.
func (w *fileWriter) fileWarning(c int, header string) {
	name := header
	if trimCell(name) == "" {
		name = w.lay.key(c)
	}
	p := problem{row: 0, col: c, column: strings.Clone(header), value: "", code: CodeUnknownColumn,
		msg: newMessage(CodeUnknownColumn, "col", name)}
	w.fileWarnings = append(w.fileWarnings, p)
	w.writeProblem(w.warn, p)
	w.warnings++
}

func (w *fileWriter) writeProblem(dst *ndjsonFile, p problem) {
	var o jsonObject
	o.begin(w.buf[:0])
	o.int("source_row", int64(p.row))
	o.str("column_header", p.column)
	o.str("value", p.value)
	o.str("code", p.code)
	o.str("message_ja", p.msg.Ja)
	o.str("message_en", p.msg.En)
	w.buf = o.end()
	w.line(dst, w.buf)
}

// line writes one line, remembering the longest for read_ndjson.
func (w *fileWriter) line(dst *ndjsonFile, b []byte) {
	if len(b) > w.maxLine {
		w.maxLine = len(b)
	}
	// A write error surfaces at close (the file keeps it).
	_ = dst.write(b)
}

// batch takes one validated batch, in file order.
func (w *fileWriter) batch(b *batchOut) error {
	defer putBuf(b.acc)
	w.acc = w.accParts[w.nextPart]
	w.nextPart = (w.nextPart + 1) % len(w.accParts)
	// Valid rows' lines are written in runs: one write per batch unless
	// a duplicate key breaks the run.
	runStart, start, next := 0, 0, 0
	flush := func() {
		if start > runStart {
			_ = w.acc.writeRun(b.acc[runStart:start])
		}
	}
	for i := range b.results {
		r := &b.results[i]
		w.read++
		for _, c := range r.blankHeaderCols {
			if !w.blankWarned[c] {
				w.blankWarned[c] = true
				w.fileWarning(c, "")
			}
		}
		if len(r.errs) == 0 {
			end := b.ends[next]
			next++
			if n := end - start; n > w.maxLine {
				w.maxLine = n
			}
			if first, dup := w.seen.add(r.keyHash, r.operatorID, r.reportNo, r.row); dup {
				flush()
				runStart = end
				start = end
				r.errs = []problem{w.duplicate(r, first)}
			} else {
				start = end
				w.acc.lines++
				for _, p := range r.warns {
					w.writeProblem(w.warn, p)
					w.warnings++
				}
				w.loaded++
				continue
			}
		}
		w.quarantine(r)
	}
	flush()
	return nil
}

func (w *fileWriter) duplicate(r *rowResult, first int) problem {
	if r.cells == nil {
		r.cells, _ = splitRecord(r.rec, nil)
	}
	c := w.lay.colOf[fReportNo]
	cell := ""
	if c >= 0 && c < len(r.cells) {
		cell = r.cells[c]
	}
	return problem{row: r.row, col: c, column: w.lay.header(c), value: cell, code: CodeDuplicateKey,
		msg: newMessage(CodeDuplicateKey, "operator", shown(r.operatorID), "report_no", shown(r.reportNo),
			"first", strconv.Itoa(first))}
}

// quarantine writes a row with errors: the whole row as read, and each error.
func (w *fileWriter) quarantine(r *rowResult) {
	w.quarantined++
	var raw [][2]string
	for i, c := range r.cells {
		if i >= len(w.lay.headers) && trimCell(c) == "" {
			continue
		}
		raw = append(raw, [2]string{w.lay.key(i), c})
	}
	var o jsonObject
	o.begin(w.buf[:0])
	o.int("source_row", int64(r.row))
	o.strMap("raw", raw, false)
	w.buf = o.end()
	w.line(w.qrow, w.buf)
	for _, p := range r.errs {
		w.writeProblem(w.qerr, p)
		// Cells are substrings of the file's text: copy what the report
		// keeps, so that it does not hold the whole file in memory.
		w.errs = append(w.errs, Error{File: w.file, Row: p.row, Column: strings.Clone(p.column),
			Value: strings.Clone(p.value), Code: p.code, MessageJa: p.msg.Ja, MessageEn: p.msg.En})
	}
}

// close writes every file out.
func (w *fileWriter) close() error {
	var first error
	for _, n := range w.files() {
		if err := n.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// remove deletes the files.
func (w *fileWriter) remove() {
	for _, n := range w.files() {
		n.remove()
	}
}

// keySet remembers the (operator_id, report_no) of every row loaded from
// a file and the row that had it. It keys a map by a 64-bit hash, which
// for a million rows is much faster than keying it by the strings (the
// workers compute the hashes in parallel, see keyHash), and compares the
// strings on a hit, so a collision is never taken for a duplicate.
type keySet struct {
	byHash   map[uint64]int32
	entries  []keyEntry
	collided map[[2]string]int // keys whose hash another key had first
}

type keyEntry struct {
	operatorID, reportNo string
	row                  int
}

// newKeySet sizes the set for about rows keys.
func newKeySet(rows int) keySet {
	return keySet{byHash: make(map[uint64]int32, rows), entries: make([]keyEntry, 0, rows),
		collided: map[[2]string]int{}}
}

// keySeed seeds keyHash for the process: hashes only index a map of
// this run, so any seed will do.
var keySeed = maphash.MakeSeed()

// keyHash hashes an accident's key.
func keyHash(operatorID, reportNo string) uint64 {
	var h maphash.Hash
	h.SetSeed(keySeed)
	h.WriteString(operatorID)
	h.WriteByte(0)
	h.WriteString(reportNo)
	return h.Sum64()
}

// add records a key with its hash; if it was there, it returns the first
// row with it.
func (k *keySet) add(sum uint64, operatorID, reportNo string, row int) (int, bool) {
	i, ok := k.byHash[sum]
	if !ok {
		k.byHash[sum] = int32(len(k.entries))
		k.entries = append(k.entries, keyEntry{operatorID, reportNo, row})
		return 0, false
	}
	if e := k.entries[i]; e.operatorID == operatorID && e.reportNo == reportNo {
		return e.row, true
	}
	exact := [2]string{operatorID, reportNo}
	if first, ok := k.collided[exact]; ok {
		return first, true
	}
	k.collided[exact] = row
	return 0, false
}

// runKeys remembers the keys a load has committed, to tell whether a
// file's rows can replace accidents already in the database: only then do
// the history and supersede steps run, which scan the whole table. When
// the table held rows before the load began, every file may correct one
// and the steps always run.
type runKeys struct {
	before bool
	hashes map[uint64]struct{}
}

func newRunKeys(ctx context.Context, conn *sql.Conn, steps *loadSteps) (*runKeys, error) {
	before, err := steps.hasAccidents(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return &runKeys{before: before, hashes: map[uint64]struct{}{}}, nil
}

// overlaps reports whether a key of s may already be loaded. Keys are
// compared by hash: a collision only runs the steps for nothing.
func (k *runKeys) overlaps(s *keySet) bool {
	if k.before {
		return true
	}
	if len(k.hashes) == 0 {
		return false
	}
	for h := range s.byHash {
		if _, ok := k.hashes[h]; ok {
			return true
		}
	}
	return false
}

// add records the keys of a file that committed.
func (k *runKeys) add(s *keySet) {
	if k.before {
		return
	}
	for h := range s.byHash {
		k.hashes[h] = struct{}{}
	}
}
