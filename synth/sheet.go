package synth

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// sheet is one file being written, row by row.
type sheet interface {
	header(cells []string) error
	row(cells []any) error
	close() error // finish the file; the file is complete only after close
	abort()       // drop a file that will not be completed
}

// titleBlock is what a template prints above the header in an XLSX:
// the form's title and the operator's name block. The header row is found
// below it by ingest.
type titleBlock struct {
	lines [][]string
	// created is the document's fixed creation time (docProps), so the
	// bytes do not depend on when the file was generated.
	created time.Time
	author  string
}

// csvSheet writes RFC 4180 CSV in UTF-8 (with or without BOM) or CP932.
type csvSheet struct {
	f     *os.File
	path  string
	buf   *bufio.Writer
	enc   io.WriteCloser // CP932 transformer, or nil
	w     *csv.Writer
	st    style
	final string
}

func newCSVSheet(w io.Writer, st style, cp932 bool) (*csvSheet, error) {
	s := &csvSheet{st: st, buf: bufio.NewWriterSize(w, 64<<10)}
	var out io.Writer = s.buf
	if cp932 {
		s.enc = transform.NewWriter(s.buf, japanese.ShiftJIS.NewEncoder())
		out = s.enc
	} else if st.bom {
		if _, err := s.buf.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
	}
	s.w = csv.NewWriter(out)
	s.w.UseCRLF = st.crlf
	return s, nil
}

func (s *csvSheet) header(cells []string) error { return s.w.Write(cells) }

func (s *csvSheet) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = text(c, s.st)
	}
	return s.w.Write(rec)
}

func (s *csvSheet) flush() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	if s.enc != nil {
		if err := s.enc.Close(); err != nil {
			return err
		}
	}
	return s.buf.Flush()
}

func (s *csvSheet) close() error {
	if err := s.flush(); err != nil {
		s.abort()
		return err
	}
	if s.f == nil {
		return nil
	}
	if err := s.f.Close(); err != nil {
		os.Remove(s.path)
		return err
	}
	return os.Rename(s.path, s.final)
}

func (s *csvSheet) abort() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.path)
	}
}

// xlsxSheet streams an XLSX through excelize's StreamWriter, which spills
// to a temporary file beyond 16 MB, so memory stays bounded.
type xlsxSheet struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	st     style
	rowNo  int
	path   string
	dateID int
	final  string
}

// reportSheet is the sheet name the input contract looks for first.
const reportSheet = "報告"

func newXLSXSheet(final string, st style, tb titleBlock) (*xlsxSheet, error) {
	f := excelize.NewFile()
	s := &xlsxSheet{f: f, st: st, final: final, path: final + ".part"}
	if st.notes {
		// A 記入要領 (instructions) sheet comes first; the report is the
		// sheet named 報告.
		if err := f.SetSheetName("Sheet1", "記入要領"); err != nil {
			return nil, err
		}
		for i, line := range []string{"記入要領", "1. 一件の事故を一行に記入してください。", "2. 日時は日本時間で記入してください。", "3. 様式は省令または告示を記入してください。"} {
			if err := f.SetCellStr("記入要領", fmt.Sprintf("A%d", i+1), line); err != nil {
				return nil, err
			}
		}
		if _, err := f.NewSheet(reportSheet); err != nil {
			return nil, err
		}
	} else if err := f.SetSheetName("Sheet1", reportSheet); err != nil {
		return nil, err
	}
	created := tb.created.UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: tb.author, LastModifiedBy: tb.author, Created: created, Modified: created,
		Title: "電気通信事故報告", Language: "ja-JP",
	}); err != nil {
		return nil, err
	}
	fmtCode := "yyyy/m/d h:mm"
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
	if err != nil {
		return nil, err
	}
	s.dateID = id
	sw, err := f.NewStreamWriter(reportSheet)
	if err != nil {
		return nil, err
	}
	s.sw = sw
	// Column widths must precede every row in a stream.
	if err := sw.SetColWidth(1, len(kensho.InputColumns), 16); err != nil {
		return nil, err
	}
	for _, line := range tb.lines {
		vals := make([]any, len(line))
		for i, v := range line {
			vals[i] = v
		}
		if err := s.put(vals); err != nil {
			return nil, err
		}
	}
	if len(tb.lines) > 0 {
		if err := s.put(nil); err != nil { // a blank row between the title block and the header
			return nil, err
		}
	}
	return s, nil
}

func (s *xlsxSheet) put(vals []any) error {
	s.rowNo++
	if len(vals) == 0 {
		return nil
	}
	cell, err := excelize.CoordinatesToCellName(1, s.rowNo)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, vals)
}

func (s *xlsxSheet) header(cells []string) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	return s.put(vals)
}

func (s *xlsxSheet) row(cells []any) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case excelDate:
			vals[i] = excelize.Cell{StyleID: s.dateID, Value: excelSerial(time.Time(v))}
		case count:
			if s.st.textNums {
				vals[i] = text(v, s.st)
			} else {
				vals[i] = int64(v)
			}
		case plainInt:
			vals[i] = int64(v)
		case string:
			if v == "" {
				vals[i] = nil
			} else {
				vals[i] = v
			}
		default:
			vals[i] = text(v, s.st)
		}
	}
	return s.put(vals)
}

func (s *xlsxSheet) close() error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return err
	}
	out, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	// excelize's WriteTo builds the whole archive in a memory buffer; a
	// zip writer of our own makes it write straight to the file instead,
	// so a large XLSX does not need its size in memory.
	bw := bufio.NewWriterSize(out, 64<<10)
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(bw) })
	if _, err := s.f.WriteToBuffer(); err != nil {
		out.Close()
		os.Remove(s.path)
		return err
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		os.Remove(s.path)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(s.path)
		return err
	}
	return os.Rename(s.path, s.final)
}

func (s *xlsxSheet) abort() {
	s.f.Close()
	os.Remove(s.path)
}
