package reportfile

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/japanese"
)

// Encodings as stored in ingest_file.encoding.
const (
	encUTF8  = "utf-8"
	encCP932 = "cp932"
	encXLSX  = "xlsx"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeCSV decides the encoding of a CSV file and returns its text as
// UTF-8: valid UTF-8 (with or without BOM) is UTF-8; otherwise a file that
// decodes cleanly as Shift_JIS/CP932 is CP932; anything else is rejected
// with where each reading broke, never guessed.
func decodeCSV(file string, data []byte) (string, string, *Problem) {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return "", "", &Problem{Code: CodeBadEncoding, Msg: newMessage(CodeBadEncoding, "file", file,
			"detail_ja", "UTF-16 で保存されています", "detail_en", "it is saved as UTF-16")}
	}
	if validUTF8(data) {
		data = bytes.TrimPrefix(data, bomUTF8)
		return bytesToString(data), encUTF8, nil
	}
	text, bad := decodeCP932(data)
	if bad < 0 {
		return text, encCP932, nil
	}
	u := firstInvalidUTF8(data)
	lu, ls := lineOf(data, u), lineOf(data, bad)
	return "", "", &Problem{Code: CodeBadEncoding, Msg: newMessage(CodeBadEncoding, "file", file,
		"detail_ja", "UTF-8 としては "+strconv.Itoa(lu)+" 行目、Shift_JIS としては "+strconv.Itoa(ls)+" 行目に読めないバイトがあります",
		"detail_en", "bytes on line "+strconv.Itoa(lu)+" are not UTF-8 and bytes on line "+strconv.Itoa(ls)+" are not Shift_JIS")}
}

// bytesToString views b as a string without copying. The caller must not
// change b afterwards; a file is read into a buffer that is never written
// again, and cells are substrings of this text, so a large file is not
// held twice.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// validUTF8 is utf8.Valid on every core: the pieces start at the first
// byte of a character, so each is valid on its own iff the whole is.
func validUTF8(b []byte) bool {
	n := runtime.GOMAXPROCS(0)
	if n == 1 || len(b) < 1<<20 {
		return utf8.Valid(b)
	}
	var wg sync.WaitGroup
	ok := make([]bool, n)
	start := 0
	for i := range n {
		end := len(b) * (i + 1) / n
		for end < len(b) && !utf8.RuneStart(b[end]) && end-len(b)*(i+1)/n < utf8.UTFMax {
			end++
		}
		if i == n-1 {
			end = len(b)
		}
		wg.Add(1)
		go func(i int, piece []byte) {
			defer wg.Done()
			ok[i] = utf8.Valid(piece)
		}(i, b[start:end])
		start = end
	}
	wg.Wait()
	for _, v := range ok {
		if !v {
			return false
		}
	}
	return true
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// lineOf returns the 1-based line of byte offset off.
func lineOf(b []byte, off int) int {
	if off < 0 {
		return 0
	}
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}

// cp932Chunk is the size of the pieces decoded in parallel. A piece ends
// just after a '\n', which in Shift_JIS is never part of a two-byte
// character, so pieces decode independently.
const cp932Chunk = 4 << 20

// decodeCP932 decodes Shift_JIS/CP932 to UTF-8. It returns the text and -1,
// or the offset of the first byte that is not Shift_JIS. The pieces are
// measured, then decoded straight into one buffer, both on every core.
func decodeCP932(data []byte) (string, int) {
	type piece struct {
		start, end int
		n, bad     int // decoded length; first bad byte or -1
		at         int // where the piece goes in the output
	}
	var pieces []*piece
	for start := 0; start < len(data); {
		end := start + cp932Chunk
		if end >= len(data) {
			end = len(data)
		} else if nl := bytes.IndexByte(data[end:], '\n'); nl >= 0 {
			end += nl + 1
		} else {
			end = len(data)
		}
		pieces = append(pieces, &piece{start: start, end: end})
		start = end
	}
	each := func(fn func(p *piece)) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, p := range pieces {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				fn(p)
			}()
		}
		wg.Wait()
	}
	each(func(p *piece) { p.n, p.bad = decodeSJIS(nil, data[p.start:p.end]) })
	total := 0
	for _, p := range pieces {
		if p.bad >= 0 {
			return "", p.start + p.bad
		}
		p.at = total
		total += p.n
	}
	buf := newBuffer(total)
	each(func(p *piece) { decodeSJIS(buf[p.at:p.at+p.n], data[p.start:p.end]) })
	return bytesToString(buf), -1
}

// sjis maps Shift_JIS/CP932 to UTF-8, built once from
// golang.org/x/text/encoding/japanese.ShiftJIS (the authority on the
// mapping): x/text decodes byte by byte through a generic transformer,
// which for a large file costs more than the rest of the load. An entry
// holds the UTF-8 bytes of the character in its low three bytes and their
// count in the top byte; 0 means the sequence is not Shift_JIS.
type sjisMap struct {
	single [256]uint32     // one-byte characters
	lead   [256]bool       // bytes that start a two-byte character
	double [0x10000]uint32 // lead<<8 | trail
}

var sjisTable = sync.OnceValue(func() *sjisMap {
	m := &sjisMap{}
	pack := func(in []byte) uint32 {
		out, err := japanese.ShiftJIS.NewDecoder().Bytes(in)
		if err != nil {
			return 0
		}
		r, n := utf8.DecodeRune(out)
		if r == utf8.RuneError || n != len(out) || n > 3 {
			return 0
		}
		v := uint32(n) << 24
		for i, b := range out {
			v |= uint32(b) << (8 * i)
		}
		return v
	}
	for b := 0; b < 256; b++ {
		// WHATWG Shift_JIS, which x/text follows: these start a pair.
		m.lead[b] = b >= 0x81 && b <= 0x9F || b >= 0xE0 && b <= 0xFC
		if !m.lead[b] {
			m.single[b] = pack([]byte{byte(b)})
		}
	}
	for lead := 0; lead < 256; lead++ {
		if !m.lead[lead] {
			continue
		}
		for trail := 0x40; trail <= 0xFC; trail++ {
			if trail != 0x7F {
				m.double[lead<<8|trail] = pack([]byte{byte(lead), byte(trail)})
			}
		}
	}
	return m
})

// decodeSJIS decodes Shift_JIS/CP932 into dst, which must have room for
// the whole text; with dst nil it only measures. It returns the length of
// the UTF-8 text, and the offset of the first byte that is not Shift_JIS
// or -1.
func decodeSJIS(dst, in []byte) (int, int) {
	m := sjisTable()
	j := 0
	put := func(v uint32) {
		n := int(v >> 24)
		if dst != nil {
			dst[j] = byte(v)
			if n > 1 {
				dst[j+1] = byte(v >> 8)
			}
			if n > 2 {
				dst[j+2] = byte(v >> 16)
			}
		}
		j += n
	}
	for i := 0; i < len(in); {
		c := in[i]
		if c < 0x80 {
			k := i + 1
			for k < len(in) && in[k] < 0x80 {
				k++
			}
			if dst != nil {
				copy(dst[j:], in[i:k])
			}
			j += k - i
			i = k
			continue
		}
		if m.lead[c] {
			if i+1 < len(in) {
				if v := m.double[int(c)<<8|int(in[i+1])]; v != 0 {
					put(v)
					i += 2
					continue
				}
			}
			return j, i
		}
		v := m.single[c]
		if v == 0 {
			return j, i
		}
		put(v)
		i++
	}
	return j, -1
}

// csvScanner cuts CSV text (RFC 4180: comma, double quotes, CRLF or LF)
// into records, counting every record, blank ones too, as a spreadsheet
// numbers its rows. A quoted field may hold line breaks.
type csvScanner struct {
	text string
	pos  int
	row  int // row number of the last record returned
}

// next returns the next record without its line break, its row number,
// and broken when a quote opened in it is never closed; a broken record
// is its first line only, and scanning goes on from the next line.
func (s *csvScanner) next() (rec string, row int, broken bool, ok bool) {
	text := s.text
	if s.pos >= len(text) {
		return "", 0, false, false
	}
	s.row++
	start := s.pos
	lineEnd := len(text)
	if nl := strings.IndexByte(text[start:], '\n'); nl >= 0 {
		lineEnd = start + nl
	}
	if strings.IndexByte(text[start:lineEnd], '"') < 0 {
		s.pos = lineEnd + 1
		return trimCR(text[start:lineEnd]), s.row, false, true
	}
	// The line has a quote. Jump from quote to quote: a quote opens a
	// quoted cell only at the start of a cell (after a comma or at the
	// start of the record); elsewhere it is a character like any other.
	i := start
	for {
		q := strings.IndexByte(text[i:lineEnd], '"')
		if q < 0 {
			s.pos = lineEnd + 1
			return trimCR(text[start:lineEnd]), s.row, false, true
		}
		q += i
		if q != start && text[q-1] != ',' {
			i = q + 1 // a quote inside an unquoted cell
			continue
		}
		// A quoted cell: find its closing quote, past "" and line breaks.
		j := q + 1
		for {
			k := strings.IndexByte(text[j:], '"')
			if k < 0 {
				s.pos = firstLineEnd(text, start) + 1
				return trimCR(text[start:firstLineEnd(text, start)]), s.row, true, true
			}
			j += k
			if j+1 < len(text) && text[j+1] == '"' {
				j += 2
				continue
			}
			break
		}
		// Text after the closing quote runs to the next comma or line
		// end; the record's line end may now lie further on.
		i = j + 1
		if i > lineEnd {
			lineEnd = len(text)
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				lineEnd = i + nl
			}
		}
		if i > len(text) {
			i = len(text)
		}
		if i >= lineEnd {
			s.pos = lineEnd + 1
			return trimCR(text[start:lineEnd]), s.row, false, true
		}
	}
}

// firstLineEnd is the end of the line that starts at start.
func firstLineEnd(text string, start int) int {
	if nl := strings.IndexByte(text[start:], '\n'); nl >= 0 {
		return start + nl
	}
	return len(text)
}

func trimCR(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\r' {
		return s[:n-1]
	}
	return s
}

// splitRecord splits one record into cells, appending to dst. Unquoted
// cells are substrings of rec. A quote inside an unquoted cell is kept as
// written, text after a closing quote is kept, and a quote that never
// closes runs to the end of the record; unclosed is the index of the cell
// where that happened, else -1.
func splitRecord(rec string, dst []string) (cells []string, unclosed int) {
	unclosed = -1
	if strings.IndexByte(rec, '"') < 0 {
		for {
			i := strings.IndexByte(rec, ',')
			if i < 0 {
				return append(dst, rec), unclosed
			}
			dst = append(dst, rec[:i])
			rec = rec[i+1:]
		}
	}
	for {
		if len(rec) == 0 || rec[0] != '"' {
			i := strings.IndexByte(rec, ',')
			if i < 0 {
				return append(dst, rec), unclosed
			}
			dst = append(dst, rec[:i])
			rec = rec[i+1:]
			continue
		}
		// A quoted cell.
		var b []byte
		j := 1
		start := 1
		for {
			k := strings.IndexByte(rec[j:], '"')
			if k < 0 {
				unclosed = len(dst)
				if b == nil {
					return append(dst, rec[start:]), unclosed
				}
				b = append(b, rec[start:]...)
				return append(dst, string(b)), unclosed
			}
			j += k
			if j+1 < len(rec) && rec[j+1] == '"' {
				b = append(b, rec[start:j+1]...)
				j += 2
				start = j
				continue
			}
			break
		}
		// rec[j] is the closing quote.
		rest := rec[j+1:]
		end := strings.IndexByte(rest, ',')
		tail := rest
		if end >= 0 {
			tail = rest[:end]
		}
		var cell string
		if b == nil && tail == "" {
			cell = rec[start:j]
		} else {
			b = append(b, rec[start:j]...)
			b = append(b, tail...)
			cell = string(b)
		}
		dst = append(dst, cell)
		if end < 0 {
			return dst, unclosed
		}
		rec = rest[end+1:]
	}
}
