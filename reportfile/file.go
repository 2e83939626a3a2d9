package reportfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
)

// Formats of a report file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// File is a report file's bytes with its format decided and, for a CSV,
// its text decoded. Open makes one; Check reads its rows.
type File struct {
	Name     string // the path, as messages name the file
	Format   string // FormatCSV or FormatXLSX
	Encoding string // "utf-8", "cp932" or "xlsx"; "" for a CSV that is neither
	Sheet    string // the worksheet read, once Check has opened a workbook

	data    []byte
	text    string
	problem *Problem // the CSV's bytes are neither UTF-8 nor CP932
}

// Open decides how to read data, the whole bytes of the file name: a ZIP
// or OLE container, or a name ending in .xlsx, is a workbook; anything
// else is CSV text, decoded here from UTF-8 or CP932 (for a large file
// the costly step, which a caller may overlap with other work on the
// bytes). data must not change afterwards: cells are read from it
// without copies.
func Open(name string, data []byte) *File {
	f := &File{Name: name, data: data}
	if bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		f.Format, f.Encoding = FormatXLSX, encXLSX
		return f
	}
	f.Format = FormatCSV
	f.text, f.Encoding, f.problem = decodeCSV(name, data)
	// A CSV is read from its text: bytes decoded from CP932 are not
	// needed any more (a file of a million rows holds 300 MB of them).
	f.data = nil
	return f
}

// Heading is a summary's line for a file: its path, and how it was read
// ("csv, cp932", "xlsx, sheet 報告") when that is known.
func Heading(path, format, encoding, sheet string) string {
	kind := format
	if encoding != "" && encoding != format {
		kind += ", " + encoding
	}
	if sheet != "" {
		kind += ", sheet " + sheet
	}
	if kind == "" {
		return path
	}
	return path + " (" + kind + ")"
}

// Encoder writes a valid row as the caller stores it (ingest: one line
// of NDJSON), appending to dst. It runs on every core at once, and must
// not keep a.
type Encoder func(dst []byte, a *Accident, row int) []byte

// Sink receives what Check finds in a file, in file order, on one
// goroutine.
type Sink interface {
	// Valid takes n consecutive valid rows: the lines the Encoder wrote
	// for them (lines is reused once Valid returns), longest being the
	// longest one's length. A batch of rows comes in one call unless a
	// duplicate key splits it.
	Valid(lines []byte, n, longest int)
	// Quarantine takes a row with errors.
	Quarantine(q *QuarantinedRow)
	// Warning takes a warning about a valid row, or about a column of
	// the file (row 0).
	Warning(p *Problem)
}

// Progress is how far Check has read a file.
type Progress struct {
	Rows int // non-blank rows read so far
	// Fraction of the file read so far, from 0 to 1 (of a CSV's text, of
	// a workbook's sheet); -1 when not known (a workbook read by
	// excelize).
	Fraction float64
}

// Options say what Check does with the rows.
type Options struct {
	Encode Encoder // nil: valid rows are only counted
	// Progress, if set, is called after each batch of rows, in file
	// order, on the goroutine that calls the sink.
	Progress func(Progress)
	// NewSink returns the sink of the rows. It is called before the
	// first row, and again when a workbook the fast reader cannot finish
	// is read again from its start with excelize: the rows given to the
	// previous sink are then to be forgotten.
	NewSink func() (Sink, error)
}

// Result is what Check found in a file.
type Result struct {
	// Problem is why the file was rejected as a whole, nil when its rows
	// were read. A file rejected part way (a damaged workbook) may have
	// given rows to the sink: they are to be forgotten.
	Problem *Problem

	RowsRead        int // non-blank rows after the header
	RowsValid       int
	RowsQuarantined int
	Warnings        int       // warnings given to the sink
	FileWarnings    []Problem // warnings about the file's columns (row 0)
	Keys            *Keys     // the key of every valid row
}

// QuarantinedRow is a row with errors: the whole row as read, and every
// error in the order of the file's columns.
type QuarantinedRow struct {
	Row   int
	Errs  []Problem
	cells []string
	lay   *layout
}

// Raw returns the row's cells by column key (the header as written, made
// unique; see layout), leaving out empty cells past the header's width.
func (q *QuarantinedRow) Raw() [][2]string {
	var raw [][2]string
	for i, c := range q.cells {
		if i >= len(q.lay.headers) && trimCell(c) == "" {
			continue
		}
		raw = append(raw, [2]string{q.lay.key(i), c})
	}
	return raw
}

// readError is a reader failing part way through a file (a damaged
// workbook); the file is then rejected whole.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// Check reads the header of f and validates every row on every core,
// giving the rows to a sink in file order. It returns an error only when
// ctx ends or the sink fails; a file that cannot be read is a Result
// with a Problem.
func (f *File) Check(ctx context.Context, opt Options) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = &Result{Problem: (&InternalError{Value: r, Stack: debug.Stack()}).Problem(f.Name)}, nil
		}
	}()
	if f.problem != nil {
		return &Result{Problem: f.problem}, nil
	}
	// A workbook the fast XLSX scanner cannot finish is read again,
	// from the start, with excelize.
	for slow := false; ; slow = true {
		var lay *layout
		var src rowSource
		var xs *xlsxSource
		var fp *Problem
		rowsHint := 1024
		if f.Format == FormatXLSX {
			lay, xs, f.Sheet, fp = openXLSX(f.Name, f.data, slow)
			if xs != nil {
				defer xs.close()
				src = xs
			}
		} else {
			var cs *csvSource
			lay, cs, fp = openCSV(f.Name, f.text)
			src = cs
			if cs != nil {
				rowsHint = cs.rowsHint()
			}
		}
		if fp != nil {
			return &Result{Problem: fp}, nil
		}
		sink, err := opt.NewSink()
		if err != nil {
			return nil, err
		}
		st := newFileState(f.Name, lay, sink, rowsHint)
		if opt.Progress != nil {
			ps := &progressSource{rowSource: src}
			src = ps
			st.progress = func() {
				p := Progress{Rows: st.res.RowsRead, Fraction: -1}
				if total := ps.total.Load(); total > 0 {
					p.Fraction = float64(ps.done.Load()) / float64(total)
				} else if total == 0 {
					p.Fraction = 1
				}
				opt.Progress(p)
			}
		}
		err = validateAll(ctx, src, func() *validator {
			v := newValidator(f.Name, lay)
			v.xlsx = xs
			v.encode = opt.Encode
			return v
		}, st.batch)
		var re *readError
		var tl *TooLargeError
		var ie *InternalError
		switch {
		case err == nil:
			return &st.res, nil
		case errors.As(err, &ie):
			return &Result{Problem: ie.Problem(f.Name)}, nil
		case errors.Is(err, errTooManyErrors):
			return &Result{Problem: st.tooManyErrors()}, nil
		case errors.As(err, &tl):
			return &Result{Problem: tl.problem(f.Name)}, nil
		case errors.As(err, &re) && xs != nil && xs.fast != nil && errors.Is(err, errNotPlain):
			continue
		case errors.As(err, &re):
			// The workbook broke off in the middle: reject it whole
			// rather than keep part of it.
			m := newMessage(CodeNotSpreadsheet, "file", f.Name, "detail_ja", "途中で読めなくなりました: "+re.err.Error(),
				"detail_en", "reading stopped part way: "+re.err.Error())
			return &Result{Problem: &Problem{Code: CodeNotSpreadsheet, Msg: m}}, nil
		default:
			return nil, err
		}
	}
}

// fileState follows a file's rows in order: it counts them, keeps keys
// unique within the file (the first row with a key is valid, later ones
// are quarantined) and warns once of each column without a header that
// holds values.
type fileState struct {
	file        string
	lay         *layout
	sink        Sink
	res         Result
	blankWarned map[int]bool // columns without header already warned about
	errs        errorStats
	progress    func() // reports how far the file is read, or nil
}

// progressSource notes, on the reader's goroutine, how far its source
// has read, for the sink's goroutine to report.
type progressSource struct {
	rowSource
	done, total atomic.Int64
}

func (p *progressSource) next(dst []rawRow, n int) ([]rawRow, error) {
	dst, err := p.rowSource.next(dst, n)
	done, total := p.rowSource.progress()
	p.done.Store(done)
	p.total.Store(total)
	return dst, err
}

func newFileState(file string, lay *layout, sink Sink, rowsHint int) *fileState {
	st := &fileState{file: file, lay: lay, sink: sink, blankWarned: map[int]bool{}}
	st.res.Keys = newKeys(rowsHint)
	// Unknown columns: one warning each for the file, before any row.
	for _, c := range lay.unknown {
		st.fileWarning(c, lay.headers[c])
	}
	return st
}

// fileWarning warns once that column c is not in the report format.
func (st *fileState) fileWarning(c int, header string) {
	name := header
	if trimCell(name) == "" {
		name = st.lay.key(c)
	}
	p := Problem{Row: 0, Col: c, Column: strings.Clone(header), Value: "", Code: CodeUnknownColumn,
		Msg: newMessage(CodeUnknownColumn, "col", name)}
	st.res.FileWarnings = append(st.res.FileWarnings, p)
	st.sink.Warning(&p)
	st.res.Warnings++
}

// batch takes one validated batch, in file order.
func (st *fileState) batch(b *batchOut) error {
	defer putBuf(b.acc)
	// Valid rows' lines go out in runs: one call per batch unless a
	// duplicate key breaks the run.
	runStart, start, next, runRows, longest := 0, 0, 0, 0, 0
	flush := func() {
		if runRows > 0 {
			st.sink.Valid(b.acc[runStart:start], runRows, longest)
		}
		runRows, longest = 0, 0
	}
	for i := range b.results {
		r := &b.results[i]
		st.res.RowsRead++
		for _, c := range r.blankHeaderCols {
			if !st.blankWarned[c] {
				st.blankWarned[c] = true
				st.fileWarning(c, "")
			}
		}
		if len(r.errs) == 0 {
			end := b.ends[next]
			next++
			if first, dup := st.res.Keys.add(r.keyHash, r.operatorID, r.reportNo, r.row); dup {
				flush()
				runStart = end
				start = end
				r.errs = []Problem{st.duplicate(r, first)}
			} else {
				longest = max(longest, end-start)
				start = end
				runRows++
				for j := range r.warns {
					st.sink.Warning(&r.warns[j])
					st.res.Warnings++
				}
				st.res.RowsValid++
				continue
			}
		}
		st.res.RowsQuarantined++
		st.sink.Quarantine(&QuarantinedRow{Row: r.row, Errs: r.errs, cells: r.cells, lay: st.lay})
		st.errs.note(r)
		if st.res.RowsQuarantined > MaxQuarantinedRows && st.res.RowsQuarantined > st.res.RowsValid {
			st.errs.lastRow = r.row
			return errTooManyErrors
		}
	}
	flush()
	if st.progress != nil {
		st.progress()
	}
	return nil
}

// MaxQuarantinedRows is how many rows of a file may have errors before
// the file is taken for broken rather than for a few mistakes: once more
// rows than this, and more than the rows without errors, have errors, the
// file is rejected whole (a report with rows of another format, or a value
// filled down far below the reports). Reading stops there, so that such a
// file costs neither the time nor the space of a million quarantined rows.
const MaxQuarantinedRows = 10_000

var errTooManyErrors = errors.New("too many rows with errors")

// errorStats sums up a file's rows with errors, to say what is wrong with
// a file that has too many.
type errorStats struct {
	byError  map[[2]string]int // rows by their first error's code and column
	firstMsg map[[2]string]Message
	single   map[int]int       // rows holding one non-blank cell, by its column
	example  map[int][2]string // the first such row of each column: row, value
	lastRow  int
}

func (e *errorStats) note(r *rowResult) {
	if e.byError == nil {
		e.byError, e.firstMsg = map[[2]string]int{}, map[[2]string]Message{}
		e.single, e.example = map[int]int{}, map[int][2]string{}
	}
	if len(r.errs) > 0 {
		k := [2]string{r.errs[0].Code, r.errs[0].Column}
		if e.byError[k] == 0 {
			e.firstMsg[k] = r.errs[0].Msg
		}
		e.byError[k]++
	}
	cells := r.cells
	if cells == nil {
		cells, _ = splitRecord(r.rec, nil)
	}
	col := -1
	for i, c := range cells {
		if trimCell(c) != "" {
			if col >= 0 {
				return
			}
			col = i
		}
	}
	if col >= 0 {
		if e.single[col] == 0 {
			e.example[col] = [2]string{Thousands(int64(r.row)), Shown(cells[col])}
		}
		e.single[col]++
	}
}

// tooManyErrors is the problem of a file with too many rows with errors.
func (st *fileState) tooManyErrors() *Problem {
	e := &st.errs
	quarantined := st.res.RowsQuarantined
	detailJa, detailEn := "", ""
	// The column most rows with one cell have it in; ties go to the
	// leftmost column, so that the message is the same every time.
	best := -1
	for col, n := range e.single {
		if best < 0 || n > e.single[best] || n == e.single[best] && col < best {
			best = col
		}
	}
	if best >= 0 && 2*e.single[best] > quarantined {
		name := columnLetter(best)
		if h := trimCell(st.lay.header(best)); h != "" {
			name += " (" + h + ")"
		}
		ex := e.example[best]
		n := Thousands(int64(e.single[best]))
		detailJa = fmt.Sprintf("誤りのある行のうち %s 行は、値が %s 列に一つあるだけです(例: %s 行目の「%s」)。報告の下に入力や数式が残っていないか確かめてください。",
			n, name, ex[0], ex[1])
		detailEn = fmt.Sprintf("%s of them hold a single value, in column %s (e.g. row %s: %q): is something typed or filled down below the reports? ",
			n, name, ex[0], ex[1])
	} else {
		var top [2]string
		for k, n := range e.byError {
			if n > e.byError[top] || n == e.byError[top] && (k[0] < top[0] || k[0] == top[0] && k[1] < top[1]) {
				top = k
			}
		}
		if n := e.byError[top]; n > 0 {
			m := e.firstMsg[top]
			detailJa = fmt.Sprintf("最も多い誤り(%s 行): %s ", Thousands(int64(n)), m.Ja)
			detailEn = fmt.Sprintf("The commonest error (%s rows): %s ", Thousands(int64(n)), m.En)
		}
	}
	return &Problem{Row: e.lastRow, Code: CodeTooManyErrors, Msg: newMessage(CodeTooManyErrors, "file", st.file,
		"row", Thousands(int64(e.lastRow)), "errors", Thousands(int64(quarantined)), "valid", Thousands(int64(st.res.RowsValid)),
		"detail_ja", detailJa, "detail_en", detailEn)}
}

func (st *fileState) duplicate(r *rowResult, first int) Problem {
	if r.cells == nil {
		r.cells, _ = splitRecord(r.rec, nil)
	}
	c := st.lay.colOf[fReportNo]
	cell := ""
	if c >= 0 && c < len(r.cells) {
		cell = r.cells[c]
	}
	return Problem{Row: r.row, Col: c, Column: st.lay.header(c), Value: cell, Code: CodeDuplicateKey,
		Msg: newMessage(CodeDuplicateKey, "operator", Shown(r.operatorID), "report_no", Shown(r.reportNo),
			"first", strconv.Itoa(first))}
}

// Error is one error in a user's file: where it is, what it holds, and
// what to do, in Japanese and English.
type Error struct {
	File      string `json:"file"`
	Row       int    `json:"row"`
	Column    string `json:"column"`
	Value     string `json:"value"`
	Code      string `json:"code"`
	MessageJa string `json:"message_ja"`
	MessageEn string `json:"message_en"`
}

// ErrorIn returns p as an Error in file, its strings copied (so that it
// does not keep the file's text in memory).
func (p *Problem) ErrorIn(file string) Error {
	return Error{File: file, Row: p.Row, Column: strings.Clone(p.Column), Value: strings.Clone(p.Value),
		Code: p.Code, MessageJa: p.Msg.Ja, MessageEn: p.Msg.En}
}

// Unreadable is the problem of a path that cannot be read at all.
func Unreadable(path string, err error) *Problem {
	detail := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		detail = pe.Err.Error()
	}
	return &Problem{Code: CodeUnreadable, Msg: newMessage(CodeUnreadable, "file", path, "detail", detail)}
}

// Target is a file to read, or a path given that cannot be.
type Target struct {
	Path string
	Size int64 // as the directory listed it (0 if unknown)
	Err  error
}

// Targets lists the report files of paths: files as given, directories
// walked for .csv and .xlsx (WalkDir visits names in lexical order, so
// the order is deterministic). Editor lock files (~$name.xlsx) and hidden
// files are not reports.
func Targets(paths []string) []Target {
	var out []Target
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, Target{Path: p, Err: err})
			continue
		}
		if !fi.IsDir() {
			out = append(out, Target{Path: p, Size: fi.Size()})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, Target{Path: path, Err: err})
				return nil
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".csv", ".xlsx":
				t := Target{Path: path}
				if fi, err := d.Info(); err == nil {
					t.Size = fi.Size()
				}
				out = append(out, t)
			}
			return nil
		})
		if err != nil {
			out = append(out, Target{Path: p, Err: err})
		}
	}
	return out
}
