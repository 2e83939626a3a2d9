package reportfile

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/kensho-jp/kensho"
)

// rawRow is one row as a reader found it: CSV rows arrive as record text
// and are split by the workers, XLSX rows as cells.
type rawRow struct {
	row    int
	rec    string
	cells  []string
	split  bool // cells are set
	broken bool // a CSV quote that never closes
	// unclosed is the cell where that quote opened, when split.
	unclosed int
	// xml is an XLSX row not yet read into cells (see xlsxSource.rowCells).
	xml []byte
}

// rowSource yields the data rows of a file after its header, in order.
type rowSource interface {
	// next appends up to n rows to dst; it returns dst unchanged at the end.
	next(dst []rawRow, n int) ([]rawRow, error)
	// progress says how many of the file's bytes next has read, of how
	// many (total -1 when not known).
	progress() (done, total int64)
}

// batchSize rows are validated together: large enough that handing a
// batch between goroutines costs nothing, small enough to keep memory flat.
const batchSize = 2048

// batchOut is a validated batch: every non-blank row's result, and the
// valid rows already written as JSON lines (ends[i] closes the i-th valid
// row's line in acc).
type batchOut struct {
	results []rowResult
	acc     []byte
	ends    []int
	err     error
}

// validateAll reads src, validates its rows on every core and hands the
// batches to sink in file order (the order matters: the first of two rows
// with one key wins, and outputs are deterministic).
func validateAll(ctx context.Context, src rowSource, newV func() *validator, sink func(*batchOut) error) error {
	// Most files are one batch (an operator's quarter is a few hundred
	// rows): validated here, without handing rows between goroutines.
	first, err := safeNext(src, make([]rawRow, 0, 256))
	if err != nil {
		return err
	}
	if len(first) < batchSize {
		if len(first) > 0 {
			b := safeBatch(newV(), first)
			if b.err != nil {
				return b.err
			}
			if err := sink(b); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		rows []rawRow
		out  chan *batchOut
	}
	jobs := make(chan job, workers)
	order := make(chan chan *batchOut, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		for rows := first; ; {
			if len(rows) == 0 {
				return
			}
			// The job goes out before its place in the order, so that
			// every result the sink waits for is being computed.
			j := job{rows: rows, out: make(chan *batchOut, 1)}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
			var err error
			if rows, err = safeNext(src, make([]rawRow, 0, batchSize)); err != nil {
				readErr = err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := newV()
			for j := range jobs {
				j.out <- safeBatch(v, j.rows)
			}
		}()
	}
	var sinkErr error
	for ch := range order {
		b := <-ch
		if sinkErr == nil {
			if sinkErr = b.err; sinkErr == nil {
				sinkErr = sink(b)
			}
			if sinkErr != nil {
				cancel()
			}
		}
	}
	wg.Wait()
	if sinkErr != nil {
		return sinkErr
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// InternalError is a panic of a reader or of the validator on a file: a
// bug of kensho's, which costs that file and not the others.
type InternalError struct {
	Value any
	Stack []byte // of the goroutine that panicked
}

func (e *InternalError) Error() string { return fmt.Sprint("internal error: ", e.Value) }

// Problem is the error of file that e stopped reading.
func (e *InternalError) Problem(file string) *Problem {
	return &Problem{Code: CodeInternalError, Msg: newMessage(CodeInternalError, "file", file, "detail", fmt.Sprint(e.Value))}
}

// safeNext is src.next(dst, batchSize), a panic returned as an error.
func safeNext(src rowSource, dst []rawRow) (rows []rawRow, err error) {
	defer func() {
		if r := recover(); r != nil {
			rows, err = nil, &InternalError{Value: r, Stack: debug.Stack()}
		}
	}()
	return src.next(dst, batchSize)
}

// safeBatch is v.batch(rows), a panic returned as the batch's error.
func safeBatch(v *validator, rows []rawRow) (b *batchOut) {
	defer func() {
		if r := recover(); r != nil {
			b = &batchOut{err: &InternalError{Value: r, Stack: debug.Stack()}}
		}
	}()
	return v.batch(rows)
}

// bufPool recycles the JSON buffers of batches: a million-row file would
// otherwise allocate (and zero) its whole JSON once more.
var bufPool sync.Pool

func getBuf(capacity int) []byte {
	if b, ok := bufPool.Get().(*[]byte); ok && cap(*b) >= capacity {
		return (*b)[:0]
	}
	return make([]byte, 0, capacity)
}

func putBuf(b []byte) {
	bufPool.Put(&b)
}

// jsonLineGuess is about the length of a valid row's JSON line.
const jsonLineGuess = 768

// batch validates rows; blank rows are skipped (they are no accident).
func (v *validator) batch(rows []rawRow) *batchOut {
	// A validator's first batch (a small file's only one) guesses the
	// size of its JSON from its rows rather than growing it from nothing.
	out := &batchOut{results: make([]rowResult, 0, len(rows)), acc: getBuf(max(v.accCap, len(rows)*jsonLineGuess))}
	for i := range rows {
		r := &rows[i]
		cells := r.cells
		unclosed := r.unclosed
		if r.xml != nil {
			c, err := v.xlsx.rowCells(r.row, r.xml)
			if err != nil {
				out.err = err
				return out
			}
			r.cells, r.split, r.xml = c, true, nil
			cells = c
		} else if !r.split {
			// The worker's own slice; cells of rows kept are copied below.
			v.cellBuf, unclosed = splitRecord(r.rec, v.cellBuf[:0])
			cells = v.cellBuf
		}
		if blankRow(cells) {
			continue
		}
		var res rowResult
		if r.broken {
			res = v.unclosedQuote(r.row, cells, unclosed)
		} else {
			res = v.row(r.row, cells, &v.scratch)
		}
		res.rec = r.rec
		if len(res.errs) == 0 {
			if v.encode != nil {
				out.acc = v.encode(out.acc, &v.scratch, res.row)
			}
			out.ends = append(out.ends, len(out.acc))
			if r.split {
				res.cells = cells
			}
		} else if r.split {
			res.cells = cells
		} else {
			res.cells = append([]string(nil), cells...)
		}
		out.results = append(out.results, res)
	}
	// The next batch's buffer starts a little larger than this one needed.
	if n := len(out.acc) + len(out.acc)/8; n > v.accCap {
		v.accCap = n
	}
	return out
}

// unclosedQuote quarantines a CSV row whose quote never closes; its cells
// are the first line only, so no other check would mean anything.
func (v *validator) unclosedQuote(rowNo int, cells []string, at int) rowResult {
	if at < 0 {
		at = len(cells) - 1
	}
	value := ""
	if at >= 0 && at < len(cells) {
		value = cells[at]
	}
	return rowResult{row: rowNo, cells: cells, errs: []Problem{{
		Row: rowNo, Col: at, Column: v.lay.header(at), Value: value, Code: CodeUnclosedQuote,
		Msg: newMessage(CodeUnclosedQuote),
	}}}
}

// csvSource yields the data rows of a CSV text after its header.
type csvSource struct {
	sc      *csvScanner
	pending []rawRow // rows read while looking for the header
}

// openCSV finds the header of a CSV text and returns the layout and the
// rows after it.
func openCSV(file, text string) (*layout, *csvSource, *Problem) {
	sc := &csvScanner{text: text}
	var rows []rawRow
	var cells [][]string
	nonBlank := 0
	for nonBlank < maxHeaderSearch {
		rec, row, broken, ok := sc.next()
		if !ok {
			break
		}
		c, unclosed := splitRecord(rec, nil)
		rows = append(rows, rawRow{row: row, rec: rec, cells: c, split: true, broken: broken, unclosed: unclosed})
		cells = append(cells, c)
		if !blankRow(c) {
			nonBlank++
		}
		if countKnown(c) >= minHeaderMatches {
			break // the header; no need to look further
		}
	}
	h := findHeader(cells)
	if h < 0 {
		return nil, nil, &Problem{Code: CodeNoHeader, Msg: newMessage(CodeNoHeader, "file", file)}
	}
	lay, p := newLayout(file, rows[h].row, cells[h])
	if p != nil {
		return nil, nil, p
	}
	return lay, &csvSource{sc: sc, pending: rows[h+1:]}, nil
}

func (s *csvSource) progress() (done, total int64) {
	return int64(min(s.sc.pos, len(s.sc.text))), int64(len(s.sc.text))
}

// rowsHint estimates how many rows the text holds from the length of the
// rows read so far (used to size memory, never to count).
func (s *csvSource) rowsHint() int {
	read := s.sc.pos
	rows := s.sc.row
	if read <= 0 || rows == 0 {
		return 1024
	}
	est := int(int64(len(s.sc.text)) * int64(rows) / int64(read))
	return min(max(est, 1024), 1<<24)
}

func (s *csvSource) next(dst []rawRow, n int) ([]rawRow, error) {
	for len(dst) < n && len(s.pending) > 0 {
		dst = append(dst, s.pending[0])
		s.pending = s.pending[1:]
	}
	for len(dst) < n {
		rec, row, broken, ok := s.sc.next()
		if !ok {
			break
		}
		dst = append(dst, rawRow{row: row, rec: rec, broken: broken})
	}
	return dst, nil
}

// countKnown counts the cells that are known headers.
func countKnown(cells []string) int {
	n := 0
	for _, c := range cells {
		if _, ok := kensho.ColumnByHeader(c); ok {
			n++
		}
	}
	return n
}
