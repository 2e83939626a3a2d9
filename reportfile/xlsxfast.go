package reportfile

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads XLSX worksheets without excelize. excelize decodes
// sheets through encoding/xml, token by token, which costs ~5 µs a cell:
// a hundred-thousand-row report would take half a minute. The sheet XML
// of a report is plain (rows of cells holding a value or an inline
// string), so a byte scanner reads it some thirty times faster. It gives
// the raw values excelize gives with RawCellValue; openXLSX falls back to
// excelize for anything this reader does not understand.

// errNotPlain means the workbook has a structure the fast reader does not
// handle; excelize reads it instead.
var errNotPlain = errors.New("not a plain workbook")

// fastWorkbook is an opened workbook: the chosen sheet and the shared strings.
type fastWorkbook struct {
	sheet  string
	part   *zip.File
	shared []string
}

// openFastWorkbook finds the sheet named 報告 (else the first) and reads
// the shared strings.
func openFastWorkbook(data []byte) (*fastWorkbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	readPart := func(name string) ([]byte, error) {
		f, ok := files[strings.ToLower(strings.TrimPrefix(name, "/"))]
		if !ok {
			return nil, fmt.Errorf("%w: no part %s", errNotPlain, name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	readRels := func(name string) ([]rel, error) {
		b, err := readPart(name)
		if err != nil {
			return nil, err
		}
		var rs struct {
			Rels []rel `xml:"Relationship"`
		}
		if err := xml.Unmarshal(b, &rs); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errNotPlain, name, err)
		}
		return rs.Rels, nil
	}
	// resolve turns a relationship target into a part name.
	resolve := func(base, target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(target, "/")
		}
		return path.Clean(path.Join(path.Dir(base), target))
	}

	workbookPart := "xl/workbook.xml"
	if rels, err := readRels("_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				workbookPart = resolve("", r.Target)
			}
		}
	}
	b, err := readPart(workbookPart)
	if err != nil {
		return nil, err
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(b, &wb); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errNotPlain, workbookPart, err)
	}
	if len(wb.Sheets) == 0 {
		return nil, fmt.Errorf("%w: no sheet", errNotPlain)
	}
	relsPart := path.Join(path.Dir(workbookPart), "_rels", path.Base(workbookPart)+".rels")
	rels, err := readRels(relsPart)
	if err != nil {
		return nil, err
	}
	target := map[string]string{}
	sharedPart := ""
	for _, r := range rels {
		target[r.ID] = resolve(workbookPart, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sharedPart = resolve(workbookPart, r.Target)
		}
	}
	chosen := wb.Sheets[0]
	for _, s := range wb.Sheets {
		if s.Name == reportSheet {
			chosen = s
			break
		}
	}
	part, ok := files[strings.ToLower(target[chosen.ID])]
	if !ok {
		return nil, fmt.Errorf("%w: sheet %s has no part", errNotPlain, chosen.Name)
	}
	w := &fastWorkbook{sheet: chosen.Name, part: part}
	if sharedPart != "" {
		b, err := readPart(sharedPart)
		if err != nil {
			return nil, err
		}
		if w.shared, err = parseSharedStrings(b); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// xmlTag is one tag found by the scanner.
// Its names and attributes are slices of the scanned bytes, not copies:
// a row of fifty cells has some two hundred tags.
type xmlTag struct {
	name  []byte // local name, prefix dropped
	qname []byte // as written, for finding the end tag
	attrs []byte // raw attribute text
	end   bool   // </name>
	empty bool   // <name/>
	next  int    // offset just after the tag
}

// nextTag scans the first tag at or after i: more is false when b has no
// more tag, ok false when the tag is broken.
func nextTag(b []byte, i int) (t xmlTag, more, ok bool) {
	lt := bytes.IndexByte(b[i:], '<')
	if lt < 0 {
		return xmlTag{}, false, true
	}
	t, ok = scanTag(b, i+lt)
	return t, ok, ok
}

// scanTag reads the tag starting at b[i] == '<'. Comments, processing
// instructions and declarations come back with an empty name.
func scanTag(b []byte, i int) (xmlTag, bool) {
	var t xmlTag
	if i >= len(b) || b[i] != '<' {
		return t, false
	}
	if bytes.HasPrefix(b[i:], []byte("<!--")) {
		e := bytes.Index(b[i+4:], []byte("-->"))
		if e < 0 {
			return t, false
		}
		t.next = i + 4 + e + 3
		return t, true
	}
	if bytes.HasPrefix(b[i:], []byte("<![CDATA[")) {
		return t, false // only text holds CDATA; see textUntil
	}
	e := bytes.IndexByte(b[i:], '>')
	if e < 0 {
		return t, false
	}
	body := b[i+1 : i+e]
	t.next = i + e + 1
	if len(body) > 0 && (body[0] == '?' || body[0] == '!') {
		return t, true
	}
	if len(body) > 0 && body[0] == '/' {
		t.end = true
		body = body[1:]
	}
	if n := len(body); n > 0 && body[n-1] == '/' {
		t.empty = true
		body = body[:n-1]
	}
	n := 0
	for n < len(body) && body[n] != ' ' && body[n] != '\t' && body[n] != '\r' && body[n] != '\n' {
		n++
	}
	t.qname = body[:n]
	t.name = t.qname
	if c := bytes.IndexByte(t.name, ':'); c >= 0 {
		t.name = t.name[c+1:]
	}
	t.attrs = body[n:]
	return t, true
}

// attr returns the value of attribute name (no prefix) in raw attribute
// text, entities decoded (a slice of attrs when it has none).
func attr(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		attrs = trimXMLSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 || eq+1 >= len(attrs) {
			return nil
		}
		key := attrs[:eq]
		for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		rest := trimXMLSpace(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if c := bytes.IndexByte(key, ':'); c >= 0 {
			key = key[c+1:]
		}
		if string(key) == name {
			v := rest[1 : 1+end]
			if bytes.IndexByte(v, '&') >= 0 {
				return []byte(unescapeXML(string(v)))
			}
			return v
		}
		attrs = rest[end+2:]
	}
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimXMLSpace drops the XML white space that b starts with.
func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// unescapeXML decodes the five entities and character references.
func unescapeXML(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		semi := strings.IndexByte(s, ';')
		if semi < 0 || semi > 12 {
			b.WriteByte('&')
			s = s[1:]
			continue
		}
		ent := s[1:semi]
		switch ent {
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "amp":
			b.WriteByte('&')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			var r uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"), strings.HasPrefix(ent, "#X"):
				r, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				r, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				err = errNotPlain
			}
			if err != nil || !utf8.ValidRune(rune(r)) {
				b.WriteString(s[:semi+1])
			} else {
				b.WriteRune(rune(r))
			}
		}
		s = s[semi+1:]
	}
}

// unescapeOOXML decodes Excel's _xHHHH_ escapes of characters XML cannot
// hold (_x000D_ is a carriage return; _x005F_ a literal underscore).
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(v))
		s = s[i+7:]
	}
}

// textUntil returns the text of b from i up to the tag that closes qname,
// with entities and CDATA decoded, and the offset after that end tag.
// Tags inside (rich text runs) are dropped, and so is the text of
// phonetic runs (rPh), as Excel shows the cell.
func textUntil(b []byte, i int, qname []byte) (string, int, bool) {
	// The common cases: plain text, then this element's end tag; and an
	// inline string's one run of plain text, <t>text</t></is>.
	if text, next, ok := plainText(b, i, qname); ok {
		return string(text), next, true
	}
	if j, ok := hasTag(b, i, "t"); ok {
		if text, next, ok := plainText(b, j, []byte("t")); ok {
			if end, ok := hasEndTag(b, next, qname); ok {
				return string(text), end, true
			}
		}
	}
	var out []byte
	skip := 0
	for i < len(b) {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return "", 0, false
		}
		if skip == 0 {
			out = append(out, unescapeXML(string(b[i:i+lt]))...)
		}
		i += lt
		if bytes.HasPrefix(b[i:], []byte("<![CDATA[")) {
			e := bytes.Index(b[i:], []byte("]]>"))
			if e < 0 {
				return "", 0, false
			}
			if skip == 0 {
				out = append(out, b[i+9:i+e]...)
			}
			i += e + 3
			continue
		}
		t, ok := scanTag(b, i)
		if !ok {
			return "", 0, false
		}
		i = t.next
		switch {
		case t.end && bytes.Equal(t.qname, qname) && skip == 0:
			return string(out), i, true
		case string(t.name) == "rPh" && !t.end && !t.empty:
			skip++
		case string(t.name) == "rPh" && t.end:
			skip--
		}
	}
	return "", 0, false
}

// plainText returns the text at b[i:] when it has no markup and no entity
// and is followed by the end tag of qname, and the offset after that tag.
func plainText(b []byte, i int, qname []byte) ([]byte, int, bool) {
	lt := bytes.IndexByte(b[i:], '<')
	if lt < 0 {
		return nil, 0, false
	}
	end, ok := hasEndTag(b, i+lt, qname)
	if !ok {
		return nil, 0, false
	}
	text := b[i : i+lt]
	if bytes.IndexByte(text, '&') >= 0 {
		return nil, 0, false
	}
	return text, end, true
}

// hasEndTag reports whether b[i:] starts with </qname>, and the offset
// after it.
func hasEndTag(b []byte, i int, qname []byte) (int, bool) {
	n := len(qname)
	if e := b[i:]; len(e) >= n+3 && e[0] == '<' && e[1] == '/' && bytes.Equal(e[2:2+n], qname) && e[2+n] == '>' {
		return i + n + 3, true
	}
	return 0, false
}

// hasTag reports whether b[i:] starts with the start tag <qname> or
// <qname xml:space="preserve"> (how Excel writes text runs), and the
// offset after it.
func hasTag(b []byte, i int, qname string) (int, bool) {
	e := b[i:]
	n := len(qname)
	if len(e) < n+2 || e[0] != '<' || string(e[1:1+n]) != qname {
		return 0, false
	}
	switch rest := e[1+n:]; {
	case rest[0] == '>':
		return i + n + 2, true
	case bytes.HasPrefix(rest, []byte(` xml:space="preserve">`)):
		return i + n + 1 + len(` xml:space="preserve">`), true
	}
	return 0, false
}

// parseSharedStrings reads xl/sharedStrings.xml: the text of each <si>.
// The strings are views of b where they need no decoding (b is not changed
// afterwards), and the list is made at its size: the part may hold up to
// MaxSharedStrings bytes of short strings, which are held while the whole
// sheet is read.
func parseSharedStrings(b []byte) ([]string, error) {
	text := bytesToString(b)
	out := make([]string, 0, bytes.Count(b, []byte("<si")))
	for i := 0; i < len(b); {
		t, more, ok := nextTag(b, i)
		if !ok {
			return nil, fmt.Errorf("%w: shared strings", errNotPlain)
		}
		if !more {
			break
		}
		i = t.next
		if string(t.name) != "si" || t.end {
			continue
		}
		if t.empty {
			out = append(out, "")
			continue
		}
		if p, next, ok := plainText(b, i, t.qname); ok && !bytes.Contains(p, []byte("_x")) {
			out = append(out, text[i:i+len(p)])
			i = next
			continue
		}
		s, next, ok := textUntil(b, i, t.qname)
		if !ok {
			return nil, fmt.Errorf("%w: shared strings", errNotPlain)
		}
		out = append(out, unescapeOOXML(s))
		i = next
	}
	return out, nil
}

// sheetScanner streams the rows of a worksheet part.
type sheetScanner struct {
	r      io.Reader
	buf    []byte
	pos    int // start of unread bytes in buf
	eof    bool
	part   string // the part's name, for messages
	shared []string
	// generalOnly turns plainCell off (tests compare the two paths).
	generalOnly bool
	inData      bool
	done        bool
	lastRow     int
}

// newSheetScanner reads the worksheet part named part from r; size is
// its size as the archive declares it (0 if unknown). The buffer is the
// part's size when that is smaller than 1 MiB: an operator's sheet is a
// few kilobytes, and a megabyte cleared for each of them showed in the
// profile of a load of thousands.
func newSheetScanner(r io.Reader, part string, shared []string, size int64) *sheetScanner {
	n := 1 << 20
	if size > 0 && size < int64(n) {
		n = int(size) + 1 // one more byte, so that the read meets the end
	}
	return &sheetScanner{r: r, part: part, shared: shared, buf: make([]byte, 0, n)}
}

// fill reads more of the part, keeping the unread bytes.
func (s *sheetScanner) fill() error {
	if s.eof {
		return io.ErrUnexpectedEOF
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.pos = 0
	}
	if free := cap(s.buf) - len(s.buf); free == 0 || free < 1<<19 && free < cap(s.buf)/2 {
		// The unread bytes are one row that does not fit yet.
		if len(s.buf) > MaxRowXML {
			return s.rowTooLarge()
		}
		nb := make([]byte, len(s.buf), min(2*cap(s.buf)+1<<20, MaxRowXML+1<<20))
		copy(nb, s.buf)
		s.buf = nb
	}
	// The buffer is filled whole: a row longer than it is searched again
	// after each fill, and a decompressor's reads are small.
	n, err := io.ReadFull(s.r, s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.eof = true
		return nil
	}
	return err
}

// rowTooLarge is the error of a row longer than MaxRowXML.
func (s *sheetScanner) rowTooLarge() error {
	return &TooLargeError{Part: s.part + " (one row)", Limit: MaxRowXML}
}

// next returns the next row: its sheet row number and raw cell values
// (indexed by column, empty where the sheet has no cell). ok is false at
// the end of the sheet.
func (s *sheetScanner) next() (int, []string, bool, error) {
	row, body, ok, err := s.nextXML()
	if !ok || err != nil || body == nil {
		return row, nil, ok, err
	}
	cells, err := s.cells(body)
	if err != nil {
		return 0, nil, false, fmt.Errorf("row %d: %w", row, err)
	}
	return row, cells, true, nil
}

// nextXML returns the next row's number and the XML inside it (a copy;
// nil for an empty row), leaving the cells to be read by whoever has a
// core free.
func (s *sheetScanner) nextXML() (int, []byte, bool, error) {
	for !s.done {
		lt := bytes.IndexByte(s.buf[s.pos:], '<')
		if lt < 0 {
			s.pos = len(s.buf)
			if s.eof {
				return 0, nil, false, fmt.Errorf("%w: the sheet ends before its data", errNotPlain)
			}
			if err := s.fill(); err != nil {
				return 0, nil, false, err
			}
			continue
		}
		start := s.pos + lt
		t, ok := scanTag(s.buf, start)
		if !ok {
			if s.eof {
				return 0, nil, false, fmt.Errorf("%w: broken tag", errNotPlain)
			}
			s.pos = start
			if err := s.fill(); err != nil {
				return 0, nil, false, err
			}
			continue
		}
		switch {
		case string(t.name) == "sheetData" && !t.end:
			s.inData = !t.empty
			s.done = t.empty
			s.pos = t.next
		case string(t.name) == "sheetData" && t.end:
			s.done = true
			s.pos = t.next
		case s.inData && string(t.name) == "row" && !t.end:
			row := s.lastRow + 1
			if r := attr(t.attrs, "r"); len(r) > 0 {
				v, err := strconv.Atoi(string(r))
				if err != nil || v < 1 {
					return 0, nil, false, fmt.Errorf("%w: row number %q", errNotPlain, r)
				}
				row = v
			}
			if t.empty {
				s.pos = t.next
				s.lastRow = row
				return row, nil, true, nil
			}
			// The whole row must be in the buffer.
			endTag := []byte("</" + string(t.qname) + ">")
			e := bytes.Index(s.buf[t.next:], endTag)
			if e < 0 {
				if s.eof {
					return 0, nil, false, fmt.Errorf("%w: row %d never ends", errNotPlain, row)
				}
				s.pos = start
				if err := s.fill(); err != nil {
					return 0, nil, false, err
				}
				continue
			}
			if t.next+e+len(endTag)-start > MaxRowXML {
				return 0, nil, false, s.rowTooLarge()
			}
			body := bytes.Clone(s.buf[t.next : t.next+e])
			s.pos = t.next + e + len(endTag)
			s.lastRow = row
			if body == nil {
				body = []byte{}
			}
			return row, body, true, nil
		default:
			s.pos = t.next
		}
	}
	return 0, nil, false, nil
}

// cells reads the <c> elements of one row.
func (s *sheetScanner) cells(b []byte) ([]string, error) {
	out := make([]string, 0, 48)
	col := -1
	for i := 0; i < len(b); {
		if v, c, next, ok := s.plainCell(b, i); ok && !s.generalOnly {
			col, i = c, next
			for len(out) <= col {
				out = append(out, "")
			}
			out[col] = v
			continue
		}
		t, more, ok := nextTag(b, i)
		if !ok {
			return nil, fmt.Errorf("%w: broken cell", errNotPlain)
		}
		if !more {
			break
		}
		i = t.next
		if string(t.name) != "c" || t.end {
			continue
		}
		col++
		if ref := attr(t.attrs, "r"); len(ref) > 0 {
			c, ok := refColumn(ref)
			if !ok {
				return nil, fmt.Errorf("%w: cell reference %q", errNotPlain, ref)
			}
			col = c
		}
		if t.empty {
			continue
		}
		endC := endCellTag
		if string(t.qname) != "c" {
			endC = []byte("</" + string(t.qname) + ">")
		}
		e := bytes.Index(b[i:], endC)
		if e < 0 {
			return nil, fmt.Errorf("%w: cell never ends", errNotPlain)
		}
		body := b[i : i+e]
		i += e + len(endC)
		v, err := s.value(attr(t.attrs, "t"), body)
		if err != nil {
			return nil, err
		}
		if col >= 16384 {
			return nil, fmt.Errorf("%w: column past XFD", errNotPlain)
		}
		for len(out) <= col {
			out = append(out, "")
		}
		out[col] = v
	}
	return out, nil
}

var endCellTag = []byte("</c>")

// plainCell reads the cell at b[i:] when it has the shape Excel and
// kensho's generators write, <c r="AB12" s="3" t="s"><v>7</v></c> or
// <c r="AB12" t="inlineStr"><is><t>text</t></is></c> (s and t optional,
// <t xml:space="preserve"> too), and its text needs no decoding: by
// prefixes, without the general tag scanner, which took a third of the
// time of reading a workbook. It returns the value, the cell's column and
// the offset after it; ok is false for any other cell, which the general
// path then reads.
func (s *sheetScanner) plainCell(b []byte, i int) (v string, col, next int, ok bool) {
	const open = `<c r="`
	if len(b)-i < len(open)+4 || string(b[i:i+len(open)]) != open {
		return "", 0, 0, false
	}
	i += len(open)
	q := bytes.IndexByte(b[i:], '"')
	if q < 0 {
		return "", 0, 0, false
	}
	col, ok = refColumn(b[i : i+q])
	if !ok {
		return "", 0, 0, false
	}
	i += q + 1
	var typ []byte
	// Attributes s="…" and t="…", in either order; anything else is
	// left to the general path.
	for i < len(b) && b[i] == ' ' {
		if len(b)-i < 4 || b[i+2] != '=' || b[i+3] != '"' || b[i+1] != 's' && b[i+1] != 't' {
			return "", 0, 0, false
		}
		q := bytes.IndexByte(b[i+4:], '"')
		if q < 0 {
			return "", 0, 0, false
		}
		if b[i+1] == 't' {
			typ = b[i+4 : i+4+q]
		}
		i += 4 + q + 1
	}
	if i >= len(b) || b[i] != '>' {
		return "", 0, 0, false
	}
	i++
	var text []byte
	var close string
	switch string(typ) {
	case "inlineStr":
		switch rest := b[i:]; {
		case bytes.HasPrefix(rest, []byte("<is><t>")):
			i += len("<is><t>")
		case bytes.HasPrefix(rest, []byte(`<is><t xml:space="preserve">`)):
			i += len(`<is><t xml:space="preserve">`)
		default:
			return "", 0, 0, false
		}
		close = "</t></is></c>"
	case "", "n", "s", "str":
		if !bytes.HasPrefix(b[i:], []byte("<v>")) {
			return "", 0, 0, false
		}
		i += len("<v>")
		close = "</v></c>"
	default:
		return "", 0, 0, false
	}
	lt := bytes.IndexByte(b[i:], '<')
	if lt < 0 || !bytes.HasPrefix(b[i+lt:], []byte(close)) {
		return "", 0, 0, false
	}
	text = b[i : i+lt]
	if bytes.IndexByte(text, '&') >= 0 || bytes.Contains(text, []byte("_x")) || col >= 16384 {
		return "", 0, 0, false
	}
	next = i + lt + len(close)
	if string(typ) == "s" {
		n, err := strconv.Atoi(string(text))
		if err != nil || n < 0 || n >= len(s.shared) {
			return "", 0, 0, false
		}
		return s.shared[n], col, next, true
	}
	return string(text), col, next, true
}

// value reads a cell's children: <v>, <is>, <f> (the cached <v> counts).
func (s *sheetScanner) value(typ []byte, b []byte) (string, error) {
	for i := 0; i < len(b); {
		t, more, ok := nextTag(b, i)
		if !ok {
			return "", fmt.Errorf("%w: broken value", errNotPlain)
		}
		if !more {
			break
		}
		i = t.next
		if t.end || t.empty {
			continue
		}
		switch string(t.name) {
		case "v":
			text, _, ok := textUntil(b, i, t.qname)
			if !ok {
				return "", fmt.Errorf("%w: broken value", errNotPlain)
			}
			if string(typ) == "s" {
				n, err := strconv.Atoi(strings.TrimSpace(text))
				if err != nil || n < 0 || n >= len(s.shared) {
					return "", fmt.Errorf("%w: shared string %q", errNotPlain, text)
				}
				return s.shared[n], nil
			}
			if string(typ) == "str" || string(typ) == "inlineStr" {
				return unescapeOOXML(text), nil
			}
			return text, nil
		case "is":
			text, _, ok := textUntil(b, i, t.qname)
			if !ok {
				return "", fmt.Errorf("%w: broken inline string", errNotPlain)
			}
			return unescapeOOXML(text), nil
		case "f":
			_, next, ok := textUntil(b, i, t.qname)
			if !ok {
				return "", fmt.Errorf("%w: broken formula", errNotPlain)
			}
			i = next
		}
	}
	return "", nil
}

// refColumn reads the column of a cell reference (AB12 -> 27).
func refColumn(ref []byte) (int, bool) {
	col := 0
	n := 0
	for n < len(ref) && ref[n] >= 'A' && ref[n] <= 'Z' {
		col = col*26 + int(ref[n]-'A'+1)
		n++
		if col > 16384 {
			return 0, false
		}
	}
	if n == 0 {
		return 0, false
	}
	return col - 1, true
}
