package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strconv"

	"github.com/kensho-jp/kensho/reportfile"
)

// fileWriter is the sink of a file's rows (reportfile.Sink): it writes
// what the database will load, accidents, quarantined rows and their
// errors, and warnings.
type fileWriter struct {
	file  string
	index int // of the file in the load: every line carries it ("f")

	// The valid rows are written to one part per core, a batch to each in
	// turn: DuckDB reads the parts of a file in parallel, but one small
	// file (a few MB) on one thread. acc is the part being written.
	accParts              []*ndjsonFile
	nextPart              int
	acc, qrow, qerr, warn *ndjsonFile
	maxLine               int

	errs     []Error // the first MaxListedErrors
	errCount int     // all of them
	buf      []byte
}

// newFileWriter starts the temporary files of the index-th file of a load
// (see ndjsonFile).
func newFileWriter(sp *spool, index int, file string) *fileWriter {
	w := &fileWriter{file: file, index: index}
	prefix := strconv.Itoa(index) + "-"
	w.qrow = sp.file(index, prefix, kindQuarantineRow)
	w.qerr = sp.file(index, prefix, kindQuarantineError)
	w.warn = sp.file(index, prefix, kindWarning)
	w.accParts = make([]*ndjsonFile, min(max(runtime.GOMAXPROCS(0), 1), 8))
	for i := range w.accParts {
		w.accParts[i] = sp.file(index, prefix+strconv.Itoa(i)+"-", kindAccident)
	}
	w.acc = w.accParts[0]
	return w
}

func (w *fileWriter) files() []*ndjsonFile {
	return append([]*ndjsonFile{w.qrow, w.qerr, w.warn}, w.accParts...)
}

// Warning writes a warning about a row or a column.
func (w *fileWriter) Warning(p *reportfile.Problem) {
	w.writeProblem(w.warn, p)
}

func (w *fileWriter) writeProblem(dst *ndjsonFile, p *reportfile.Problem) {
	var o jsonObject
	o.begin(w.buf[:0])
	o.int("f", int64(w.index))
	o.int("source_row", int64(p.Row))
	o.str("column_header", p.Column)
	o.str("value", p.Value)
	o.str("code", p.Code)
	o.str("message_ja", p.Msg.Ja)
	o.str("message_en", p.Msg.En)
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

// Valid writes a run of valid rows' lines (appendAccident's), each batch
// to the next part.
func (w *fileWriter) Valid(lines []byte, n, longest int) {
	w.acc = w.accParts[w.nextPart]
	w.nextPart = (w.nextPart + 1) % len(w.accParts)
	w.maxLine = max(w.maxLine, longest)
	_ = w.acc.writeRun(lines)
	w.acc.lines += n
}

// Quarantine writes a row with errors: the whole row as read, and each error.
func (w *fileWriter) Quarantine(q *reportfile.QuarantinedRow) {
	var o jsonObject
	o.begin(w.buf[:0])
	o.int("f", int64(w.index))
	o.int("source_row", int64(q.Row))
	o.strMap("raw", q.Raw(), false)
	w.buf = o.end()
	w.line(w.qrow, w.buf)
	for i := range q.Errs {
		p := &q.Errs[i]
		w.writeProblem(w.qerr, p)
		// Every error goes to the database; the report lists the first.
		w.errCount++
		if len(w.errs) < MaxListedErrors {
			w.errs = append(w.errs, p.ErrorIn(w.file))
		}
	}
}

// close puts every file where DuckDB will read it.
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

// overlaps reports whether a key of hashes may already be loaded. Keys are
// compared by hash: a collision only runs the steps for nothing.
func (k *runKeys) overlaps(hashes []uint64) bool {
	if k.before {
		return true
	}
	if len(k.hashes) == 0 {
		return false
	}
	for _, h := range hashes {
		if _, ok := k.hashes[h]; ok {
			return true
		}
	}
	return false
}

// add records the keys of a file that committed.
func (k *runKeys) add(hashes []uint64) {
	if k.before {
		return
	}
	for _, h := range hashes {
		k.hashes[h] = struct{}{}
	}
}
