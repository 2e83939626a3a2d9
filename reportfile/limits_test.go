package reportfile

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/gen"
)

// declaredZip is a ZIP archive whose parts declare the given uncompressed
// sizes and hold a few bytes: only the declaration is tested, which is all
// checkParts reads (archive/zip would refuse to inflate a part past it).
func declaredZip(t *testing.T, sizes map[string]uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, size := range sizes {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CompressedSize64: 1, UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf is a ZIP archive of the parts given, deflated.
func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWorkbookPartLimits: a workbook is rejected whole, before anything is
// read, when a part declares more than its limit once uncompressed, or all
// parts together more than MaxWorkbook; at the limits it is read.
func TestWorkbookPartLimits(t *testing.T) {
	const sheet, shared, styles = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"
	for _, tc := range []struct {
		name  string
		sizes map[string]uint64
		words []string // in both messages; none when within the limits
	}{
		{"at the limits", map[string]uint64{sheet: MaxWorksheet, shared: MaxSharedStrings, styles: MaxOtherPart}, nil},
		{"shared strings", map[string]uint64{sheet: 100, shared: MaxSharedStrings + 1}, []string{shared, "128 MiB"}},
		{"worksheet", map[string]uint64{sheet: MaxWorksheet + 1}, []string{sheet, "3 GiB"}},
		{"another part", map[string]uint64{sheet: 100, styles: MaxOtherPart + 1}, []string{styles, "64 MiB"}},
		{"all together", map[string]uint64{sheet: MaxWorksheet, "xl/worksheets/sheet2.xml": MaxWorksheet},
			[]string{"4 GiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := checkParts("big.xlsx", declaredZip(t, tc.sizes))
			if tc.words == nil {
				if p != nil {
					t.Fatalf("rejected: %s", p.Msg.En)
				}
				return
			}
			if p == nil || p.Code != CodePartTooLarge {
				t.Fatalf("problem %+v, want %s", p, CodePartTooLarge)
			}
			for _, w := range append(tc.words, "big.xlsx") {
				if !strings.Contains(p.Msg.Ja, w) || !strings.Contains(p.Msg.En, w) {
					t.Errorf("the messages do not say %q:\n%s\n%s", w, p.Msg.Ja, p.Msg.En)
				}
			}
		})
	}
}

// TestWorkbookTooLargeIsRejected: through Check, a shared-strings bomb
// and a worksheet row larger than MaxRowXML reject the file with
// part_too_large, and read nothing (no row reaches the sink).
func TestWorkbookTooLargeIsRejected(t *testing.T) {
	var bomb bytes.Buffer
	if err := gen.SharedStringsBomb(&bomb, MaxSharedStrings/17+1); err != nil {
		t.Fatal(err)
	}
	long := zipOf(t, map[string]string{
		"xl/workbook.xml": `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="報告" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` +
			strings.Repeat("x", MaxRowXML+1) + `</t></is></c></row></sheetData></worksheet>`,
	})
	for name, data := range map[string][]byte{"bomb.xlsx": bomb.Bytes(), "long.xlsx": long} {
		t.Run(name, func(t *testing.T) {
			sink := &countSink{}
			res, err := Open(name, data).Check(context.Background(), Options{NewSink: func() (Sink, error) { return sink, nil }})
			if err != nil {
				t.Fatal(err)
			}
			if res.Problem == nil || res.Problem.Code != CodePartTooLarge || !strings.Contains(res.Problem.Msg.En, name) {
				t.Fatalf("result %+v", res.Problem)
			}
			if sink.rows != 0 {
				t.Errorf("%d rows read from a file too large to read", sink.rows)
			}
			t.Log(res.Problem.Msg.En)
		})
	}
}

// countSink counts the rows it is given.
type countSink struct{ rows int }

func (s *countSink) Valid(_ []byte, n, _ int)   { s.rows += n }
func (s *countSink) Quarantine(*QuarantinedRow) { s.rows++ }
func (s *countSink) Warning(*Problem)           {}
func (s *countSink) reset() (Sink, error)       { *s = countSink{}; return s, nil }
func (s *countSink) options() Options           { return Options{NewSink: s.reset} }
func (s *countSink) check(f *File) (*Result, error) {
	return f.Check(context.Background(), s.options())
}

// rowsCSV writes n rows of gen.Rows as a CSV, the service of the rows bad
// says are bad replaced by a code that is none.
func rowsCSV(t *testing.T, n int, bad func(i int) bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(gen.Header())
	i := 0
	gen.Rows(n, 3, func(cells []string) error {
		if bad(i) {
			cells[13] = "伝書鳩"
		}
		i++
		return w.Write(cells)
	})
	w.Flush()
	return buf.Bytes()
}

// TestTooManyErrors: a file is rejected whole once more than
// MaxQuarantinedRows rows, and more than the valid rows, have errors (the
// message says how many and which error most of them have); a file with
// as many errors among more valid rows loads them.
func TestTooManyErrors(t *testing.T) {
	sink := &countSink{}
	n := MaxQuarantinedRows + 1
	broken := rowsCSV(t, 5+n, func(i int) bool { return i >= 5 })
	res, err := sink.check(Open("broken.csv", broken))
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem == nil || res.Problem.Code != CodeTooManyErrors {
		t.Fatalf("problem %+v", res.Problem)
	}
	for _, w := range []string{"broken.csv", "10,001", "伝書鳩"} {
		if !strings.Contains(res.Problem.Msg.Ja, w) || !strings.Contains(res.Problem.Msg.En, w) {
			t.Errorf("the messages do not say %q:\n%s\n%s", w, res.Problem.Msg.Ja, res.Problem.Msg.En)
		}
	}
	if !strings.Contains(res.Problem.Msg.En, "The commonest error (10,001 rows)") {
		t.Errorf("no commonest error in %s", res.Problem.Msg.En)
	}

	// As many errors, every other row: more valid rows than errors.
	mixed := rowsCSV(t, 2*n+1, func(i int) bool { return i%2 == 1 })
	res, err = sink.check(Open("mixed.csv", mixed))
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem != nil || res.RowsQuarantined != n || res.RowsValid != n+1 || sink.rows != 2*n+1 {
		t.Fatalf("problem %v, %d quarantined, %d valid, %d rows to the sink", res.Problem, res.RowsQuarantined, res.RowsValid, sink.rows)
	}
}

// panicSource panics when asked for rows.
type panicSource struct{}

func (panicSource) next([]rawRow, int) ([]rawRow, error) { panic("reader on purpose") }
func (panicSource) progress() (done, total int64)        { return 0, 0 }

// rowsSource yields rows, then no more.
type rowsSource struct{ rows []rawRow }

func (s *rowsSource) next(dst []rawRow, n int) ([]rawRow, error) {
	k := min(n, len(s.rows))
	dst = append(dst, s.rows[:k]...)
	s.rows = s.rows[k:]
	return dst, nil
}

func (s *rowsSource) progress() (done, total int64) { return 0, 0 }

// TestPanicIsAnInternalError: a panic of the reader or of a validator, on
// one batch or on many, comes back from validateAll as an InternalError
// (Check turns it into the file's problem) instead of ending the process.
func TestPanicIsAnInternalError(t *testing.T) {
	lay, p := newLayout("p.xlsx", 1, gen.Header())
	if p != nil {
		t.Fatal(p.Msg.En)
	}
	// A worksheet row whose cells a validator without a workbook reads:
	// a nil pointer, as a bug would be.
	broken := func(n int) rowSource {
		rows := make([]rawRow, n)
		for i := range rows {
			rows[i] = rawRow{row: i + 2, xml: []byte(`<c r="A2"><v>1</v></c>`)}
		}
		return &rowsSource{rows: rows}
	}
	for name, src := range map[string]rowSource{
		"reader": panicSource{}, "one batch": broken(3), "many batches": broken(3 * batchSize),
	} {
		t.Run(name, func(t *testing.T) {
			err := validateAll(context.Background(), src, func() *validator { return newValidator("p.xlsx", lay) },
				func(*batchOut) error { return nil })
			var ie *InternalError
			if !errors.As(err, &ie) || len(ie.Stack) == 0 {
				t.Fatalf("err = %v, want an InternalError with its stack", err)
			}
		})
	}
}
