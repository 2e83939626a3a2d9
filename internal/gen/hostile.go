package gen

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// Workbooks that test how a reader bounds its memory. They are written
// straight as ZIP archives (not through excelize): a few megabytes on disk
// for parts of many gigabytes.

// SharedStringsBomb writes a workbook whose xl/sharedStrings.xml holds n
// one-letter strings (17 bytes each: a billion bytes for n = 63,161,283),
// compressed about a thousandfold, and whose sheet has the report's header
// and one row. The archive is valid: the part inflates to the size and
// checksum it declares.
func SharedStringsBomb(w io.Writer, n int64) error {
	const si = "<si><t>x</t></si>"
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + strconv.FormatInt(n, 10) +
		`" uniqueCount="` + strconv.FormatInt(n, 10) + `">`
	tail := `</sst>`
	// A deflate stream may be cut into pieces compressed apart, each
	// ending on a byte boundary (a flush) and referring to nothing before
	// it: the compressed chunk of a million strings, repeated, inflates
	// to the strings repeated.
	const perChunk = 1 << 16
	chunk := []byte(strings.Repeat(si, perChunk))
	deflate := func(b []byte, last bool) ([]byte, error) {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(b); err != nil {
			return nil, err
		}
		if last {
			err = fw.Close()
		} else {
			err = fw.Flush()
		}
		return buf.Bytes(), err
	}
	cHead, err := deflate([]byte(head), false)
	if err != nil {
		return err
	}
	cChunk, err := deflate(chunk, false)
	if err != nil {
		return err
	}
	chunks, rest := n/perChunk, n%perChunk
	cRest, err := deflate([]byte(strings.Repeat(si, int(rest))+tail), true)
	if err != nil {
		return err
	}
	crc := crc32.Update(0, crc32.IEEETable, []byte(head))
	for range chunks {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(strings.Repeat(si, int(rest))+tail))

	zw := zip.NewWriter(w)
	if err := writeSkeleton(zw, true, sheetXML(func(b *strings.Builder) {
		writeHeaderAndRows(b, 1)
	})); err != nil {
		return err
	}
	fh := &zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(cHead)) + uint64(chunks)*uint64(len(cChunk)) + uint64(len(cRest)),
		UncompressedSize64: uint64(len(head)) + uint64(n)*uint64(len(si)) + uint64(len(tail))}
	pw, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	if _, err := pw.Write(cHead); err != nil {
		return err
	}
	for range chunks {
		if _, err := pw.Write(cChunk); err != nil {
			return err
		}
	}
	if _, err := pw.Write(cRest); err != nil {
		return err
	}
	return zw.Close()
}

// StrayCellWorkbook writes a workbook with the report's header, valid rows
// (from Rows, seed 1), and then stray rows that hold one cell each, a 0 in
// a column right of the header: the shape of a sheet where a value was
// filled down far below the reports.
func StrayCellWorkbook(w io.Writer, valid, stray int) error {
	zw := zip.NewWriter(w)
	col := columnName(len(Header()) + 2)
	err := writeSkeleton(zw, false, sheetXML(func(b *strings.Builder) {
		writeHeaderAndRows(b, valid)
		for r := valid + 2; r < valid+2+stray; r++ {
			n := strconv.Itoa(r)
			b.WriteString(`<row r="` + n + `"><c r="` + col + n + `"><v>0</v></c></row>`)
		}
	}))
	if err != nil {
		return err
	}
	return zw.Close()
}

// sheetXML is a worksheet whose rows body writes.
func sheetXML(body func(*strings.Builder)) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	body(&b)
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

// writeHeaderAndRows writes the header as row 1 and n valid rows after it,
// every cell an inline string.
func writeHeaderAndRows(b *strings.Builder, n int) {
	writeRow(b, 1, Header())
	r := 2
	Rows(n, 1, func(cells []string) error {
		writeRow(b, r, cells)
		r++
		return nil
	})
}

// writeRow writes row r of a sheet, every cell an inline string.
func writeRow(b *strings.Builder, r int, cells []string) {
	b.WriteString(`<row r="` + strconv.Itoa(r) + `">`)
	for i, c := range cells {
		if c == "" {
			continue
		}
		b.WriteString(`<c r="` + columnName(i) + strconv.Itoa(r) + `" t="inlineStr"><is><t xml:space="preserve">`)
		xmlEscape(b, c)
		b.WriteString(`</t></is></c>`)
	}
	b.WriteString(`</row>`)
}

func xmlEscape(b *strings.Builder, s string) {
	for _, c := range s {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(c)
		}
	}
}

// columnName names a 0-based column as a spreadsheet does (A, ..., AA).
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// writeSkeleton writes the parts of a one-sheet workbook, the sheet given,
// with a relationship to shared strings when shared is set.
func writeSkeleton(zw *zip.Writer, shared bool, sheet string) error {
	return writeWorkbook(zw, shared, func(w io.Writer) error {
		_, err := io.WriteString(w, sheet)
		return err
	})
}

// writeWorkbook writes the parts of a one-sheet workbook, the sheet
// written by sheet, with a relationship to shared strings when shared is
// set.
func writeWorkbook(zw *zip.Writer, shared bool, sheet func(io.Writer) error) error {
	sharedType, sharedRel := "", ""
	if shared {
		sharedType = `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		sharedRel = `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			sharedType + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="報告" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			sharedRel + `</Relationships>`},
	}
	for _, p := range parts {
		pw, err := zw.Create(p.name)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return err
		}
	}
	pw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	return sheet(pw)
}

// CSVToXLSX writes the rows of a CSV (UTF-8) as a workbook: one sheet,
// every cell an inline string holding the CSV's text, so that both files
// hold the same rows. It streams: a sheet of a million rows is written in
// bounded memory.
func CSVToXLSX(w io.Writer, r io.Reader) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	br := bufio.NewReaderSize(r, 1<<20)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	err := writeWorkbook(zw, false, func(pw io.Writer) error {
		bw := bufio.NewWriterSize(pw, 1<<20)
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; ; r++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			writeRow(&b, r, rec)
			if b.Len() > 1<<20 {
				bw.WriteString(b.String())
				b.Reset()
			}
		}
		b.WriteString(`</sheetData></worksheet>`)
		bw.WriteString(b.String())
		return bw.Flush()
	})
	if err != nil {
		return err
	}
	return zw.Close()
}
