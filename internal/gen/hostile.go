package gen

import (
	"archive/zip"
	"bytes"
	"compress/flate"
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
	row := func(r int, cells []string) {
		b.WriteString(`<row r="` + strconv.Itoa(r) + `">`)
		for i, c := range cells {
			if c == "" {
				continue
			}
			b.WriteString(`<c r="` + columnName(i) + strconv.Itoa(r) + `" t="inlineStr"><is><t>`)
			xmlEscape(b, c)
			b.WriteString(`</t></is></c>`)
		}
		b.WriteString(`</row>`)
	}
	row(1, Header())
	r := 2
	Rows(n, 1, func(cells []string) error {
		row(r, cells)
		r++
		return nil
	})
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
		{"xl/worksheets/sheet1.xml", sheet},
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
	return nil
}
