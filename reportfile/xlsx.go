package reportfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts a legacy .xls workbook or an encrypted .xlsx.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// reportSheet is the sheet the spec names; without it the first sheet is read.
const reportSheet = "報告"

// xlsxSource yields the rows of a worksheet after its header, read by the
// fast scanner (xlsxfast.go) or, for workbooks it does not handle, by
// excelize.
type xlsxSource struct {
	fast    *sheetScanner
	closeFn func() error
	f       *excelize.File
	rows    *excelize.Rows
	row     int // sheet row of the last row read
	lay     *layout
	kinds   []cellKind // file column -> how to read its raw value
	pending []rawRow
	// How much of the sheet's XML the fast scanner has read, of how much.
	partRead countingReader
	partSize int64
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// progress is how much of the sheet has been read; excelize does not say.
func (s *xlsxSource) progress() (done, total int64) {
	if s.fast == nil {
		return 0, -1
	}
	return s.partRead.n, s.partSize
}

// cellKind says how a raw XLSX value of a column becomes text.
type cellKind uint8

const (
	kindText     cellKind = iota
	kindInt               // integral numbers may be stored as 30000.0 or 3E+4
	kindDateTime          // numbers are Excel serial date-times
)

// openXLSX opens a workbook, picks the sheet 報告 (else the first), finds
// the header row below any title block and returns the layout and rows.
// It uses the fast scanner unless slow is set or the workbook is not plain.
func openXLSX(file string, data []byte, slow bool) (*layout, *xlsxSource, string, *Problem) {
	notSheet := func(ja, en string) *Problem {
		return &Problem{Code: CodeNotSpreadsheet, Msg: newMessage(CodeNotSpreadsheet, "file", file,
			"detail_ja", ja, "detail_en", en)}
	}
	if bytes.HasPrefix(data, oleMagic) {
		return nil, nil, "", notSheet("古い Excel 形式(.xls)か、パスワードで保護されています",
			"it is a legacy .xls workbook or is password-protected")
	}
	if p := checkParts(file, data); p != nil {
		return nil, nil, "", p
	}
	var src *xlsxSource
	var sheet string
	if !slow {
		if wb, err := openFastWorkbook(data); err == nil {
			rc, err := wb.part.Open()
			if err == nil {
				sheet = wb.sheet
				src = &xlsxSource{closeFn: rc.Close, partSize: int64(min(wb.part.UncompressedSize64, 1<<62))}
				src.fast = newSheetScanner(&src.partRead, wb.part.Name, wb.shared, src.partSize)
				src.partRead.r = rc
			}
		}
	}
	if src == nil {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxWorkbook})
		if err != nil {
			return nil, nil, "", notSheet("xlsx として開けません: "+err.Error(), "not an XLSX workbook: "+err.Error())
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, nil, "", notSheet("シートがありません", "it has no sheet")
		}
		sheet = sheets[0]
		for _, s := range sheets {
			if s == reportSheet {
				sheet = s
				break
			}
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			f.Close()
			return nil, nil, "", notSheet("シート "+sheet+" を読めません: "+err.Error(), "cannot read sheet "+sheet+": "+err.Error())
		}
		src = &xlsxSource{f: f, rows: rows}
	}
	var prefix []rawRow
	var cells [][]string
	nonBlank := 0
	for nonBlank < maxHeaderSearch {
		c, ok, err := src.read()
		if err != nil {
			src.close()
			if tl := (*TooLargeError)(nil); errors.As(err, &tl) {
				return nil, nil, "", tl.problem(file)
			}
			if src.fast != nil && errors.Is(err, errNotPlain) {
				return openXLSX(file, data, true)
			}
			return nil, nil, "", notSheet("シート "+sheet+" を読めません: "+err.Error(), "cannot read sheet "+sheet+": "+err.Error())
		}
		if !ok {
			break
		}
		prefix = append(prefix, rawRow{row: src.row, cells: c, split: true})
		cells = append(cells, c)
		if !blankRow(c) {
			nonBlank++
		}
		if countKnown(c) >= minHeaderMatches {
			break
		}
	}
	h := findHeader(cells)
	if h < 0 {
		src.close()
		return nil, nil, "", &Problem{Code: CodeNoHeader, Msg: newMessage(CodeNoHeader, "file", file)}
	}
	lay, p := newLayout(file, prefix[h].row, cells[h])
	if p != nil {
		src.close()
		return nil, nil, "", p
	}
	src.lay = lay
	src.kinds = make([]cellKind, len(lay.headers))
	for c, f := range lay.fieldAt {
		if f < 0 {
			continue
		}
		switch kensho.InputColumns[f].Type {
		case "int":
			src.kinds[c] = kindInt
		case "datetime":
			src.kinds[c] = kindDateTime
		}
	}
	src.pending = prefix[h+1:]
	for i := range src.pending {
		src.normalize(src.pending[i].cells)
	}
	return lay, src, sheet, nil
}

// read returns the next sheet row's raw cells and sets s.row to its sheet
// row number.
func (s *xlsxSource) read() ([]string, bool, error) {
	if s.fast != nil {
		row, cells, ok, err := s.fast.next()
		if ok {
			s.row = row
		}
		return cells, ok, err
	}
	// excelize returns the rows a sheet skips as empty rows.
	if !s.rows.Next() {
		return nil, false, s.rows.Error()
	}
	s.row++
	c, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	return c, true, err
}

func (s *xlsxSource) next(dst []rawRow, n int) ([]rawRow, error) {
	for len(dst) < n && len(s.pending) > 0 {
		dst = append(dst, s.pending[0])
		s.pending = s.pending[1:]
	}
	for len(dst) < n {
		if s.fast != nil {
			// The workers read the cells (rowCells).
			row, body, ok, err := s.fast.nextXML()
			if err != nil {
				return dst, &readError{err}
			}
			if !ok {
				break
			}
			dst = append(dst, rawRow{row: row, xml: body, split: body == nil})
			continue
		}
		c, ok, err := s.read()
		if err != nil {
			return dst, &readError{err}
		}
		if !ok {
			break
		}
		s.normalize(c)
		dst = append(dst, rawRow{row: s.row, cells: c, split: true})
	}
	return dst, nil
}

// rowCells reads the cells of a row's XML (on a worker).
func (s *xlsxSource) rowCells(row int, body []byte) ([]string, error) {
	cells, err := s.fast.cells(body)
	if err != nil {
		return nil, &readError{fmt.Errorf("row %d: %w", row, err)}
	}
	s.normalize(cells)
	return cells, nil
}

// normalize turns raw values into the text a user sees in the cell, for
// the columns where the raw value differs: serial numbers of date-time
// columns become dates, integral floats of integer columns integers.
// Cells are made valid UTF-8 (the JSON writer relies on it).
func (s *xlsxSource) normalize(cells []string) {
	for i, c := range cells {
		if !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
			cells[i] = c
		}
		if i < len(s.kinds) && s.kinds[i] != kindText {
			cells[i] = xlsxCell(s.kinds[i], c)
		}
	}
}

func (s *xlsxSource) close() {
	if s.closeFn != nil {
		s.closeFn()
	}
	if s.rows != nil {
		s.rows.Close()
	}
	if s.f != nil {
		s.f.Close()
	}
}

// xlsxCell reads one raw XLSX value of a column of the given kind.
func xlsxCell(kind cellKind, raw string) string {
	switch kind {
	case kindDateTime:
		if t, ok := excelSerial(raw); ok {
			if t.Second() == 0 && t.Nanosecond() == 0 {
				return t.Format("2006/01/02 15:04")
			}
			return t.Format("2006/01/02 15:04:05")
		}
	case kindInt:
		if !strings.ContainsAny(raw, ".eE") {
			return raw
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err == nil && v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
	}
	return raw
}
