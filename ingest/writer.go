package ingest

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/kensho-jp/kensho/reportfile"
)

// ndjsonFile is one temporary NDJSON file being written.
type ndjsonFile struct {
	path  string
	f     *os.File
	w     *bufio.Writer
	lines int
}

func createNDJSON(dir, name string) (*ndjsonFile, error) {
	path := filepath.Join(dir, name)
	// The rows hold operator names: owner-only, like the database.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &ndjsonFile{path: path, f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (n *ndjsonFile) write(line []byte) error {
	n.lines++
	_, err := n.w.Write(line)
	return err
}

// writeRun writes lines already counted.
func (n *ndjsonFile) writeRun(b []byte) error {
	_, err := n.w.Write(b)
	return err
}

func (n *ndjsonFile) close() error {
	if n.f == nil {
		return nil
	}
	err := n.w.Flush()
	if cerr := n.f.Close(); err == nil {
		err = cerr
	}
	n.f = nil
	return err
}

// fileWriter is the sink of a file's rows (reportfile.Sink): it writes
// what the database will load, accidents, quarantined rows and their
// errors, and warnings.
type fileWriter struct {
	file string

	// The valid rows are written to one part per core, a batch to each in
	// turn: DuckDB reads the parts of a file in parallel, but one small
	// file (a few MB) on one thread. acc is the part being written.
	accParts              []*ndjsonFile
	nextPart              int
	acc, qrow, qerr, warn *ndjsonFile
	maxLine               int

	errs []Error
	buf  []byte
}

// newFileWriter creates the files of one load.
func newFileWriter(dir, file string) (*fileWriter, error) {
	w := &fileWriter{file: file}
	w.accParts = make([]*ndjsonFile, min(max(runtime.GOMAXPROCS(0), 1), 8))
	type named struct {
		dst  **ndjsonFile
		name string
	}
	files := []named{{&w.qrow, "quarantine_row.ndjson"}, {&w.qerr, "quarantine_error.ndjson"}, {&w.warn, "warning.ndjson"}}
	for i := range w.accParts {
		files = append(files, named{&w.accParts[i], fmt.Sprintf("accident-%d.ndjson", i)})
	}
	for _, f := range files {
		n, err := createNDJSON(dir, f.name)
		if err != nil {
			w.remove()
			return nil, err
		}
		*f.dst = n
	}
	w.acc = w.accParts[0]
	return w, nil
}

func (w *fileWriter) files() []*ndjsonFile {
	return append([]*ndjsonFile{w.qrow, w.qerr, w.warn}, w.accParts...)
}

// accidentParts returns the parts that hold rows, and how many rows.
func (w *fileWriter) accidentParts() ([]string, int) {
	var paths []string
	lines := 0
	for _, n := range w.accParts {
		if n != nil && n.lines > 0 {
			paths = append(paths, n.path)
			lines += n.lines
		}
	}
	return paths, lines
}

// Warning writes a warning about a row or a column.
func (w *fileWriter) Warning(p *reportfile.Problem) {
	w.writeProblem(w.warn, p)
}

func (w *fileWriter) writeProblem(dst *ndjsonFile, p *reportfile.Problem) {
	var o jsonObject
	o.begin(w.buf[:0])
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
	// A write error surfaces at close (bufio keeps it).
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
	o.int("source_row", int64(q.Row))
	o.strMap("raw", q.Raw(), false)
	w.buf = o.end()
	w.line(w.qrow, w.buf)
	for i := range q.Errs {
		p := &q.Errs[i]
		w.writeProblem(w.qerr, p)
		w.errs = append(w.errs, p.ErrorIn(w.file))
	}
}

// close flushes every file.
func (w *fileWriter) close() error {
	var first error
	for _, n := range w.files() {
		if n == nil {
			continue
		}
		if err := n.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// remove closes and deletes the files.
func (w *fileWriter) remove() {
	w.close()
	for _, n := range w.files() {
		if n != nil {
			os.Remove(n.path)
		}
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

// overlaps reports whether a key of s may already be loaded. Keys are
// compared by hash: a collision only runs the steps for nothing.
func (k *runKeys) overlaps(s *reportfile.Keys) bool {
	if k.before {
		return true
	}
	if len(k.hashes) == 0 {
		return false
	}
	for h := range s.Hashes() {
		if _, ok := k.hashes[h]; ok {
			return true
		}
	}
	return false
}

// add records the keys of a file that committed.
func (k *runKeys) add(s *reportfile.Keys) {
	if k.before {
		return
	}
	for h := range s.Hashes() {
		k.hashes[h] = struct{}{}
	}
}
