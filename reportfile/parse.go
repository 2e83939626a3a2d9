package reportfile

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"golang.org/x/text/width"
)

// This file reads single cell values as the spec writes them. Every
// function here takes text from a user's file and must accept anything
// without panicking (they are fuzzed).

// trimCell removes the spaces a spreadsheet user cannot see: ASCII and
// ideographic spaces, tabs, no-break spaces and line breaks around a value.
func trimCell(s string) string {
	// Most cells have nothing to trim: look at both ends before decoding.
	if n := len(s); n == 0 || !mayBeSpace(s[0]) && !mayBeSpace(s[n-1]) {
		return s
	}
	return strings.TrimFunc(s, isSpace)
}

// mayBeSpace reports whether byte b can belong to a character isSpace
// accepts: an ASCII space, or a byte of U+3000 (E3 80 80) or U+00A0 (C2 A0).
func mayBeSpace(b byte) bool {
	switch b {
	case ' ', '\t', '\r', '\n', '\v', '\f', 0xE3, 0x80, 0xC2, 0xA0:
		return true
	}
	return false
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\u3000', '\u00a0', '\v', '\f':
		return true
	}
	return false
}

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldNumber folds full-width digits and signs to ASCII and the minus
// signs people type (−, －, ー is not one) to '-'.
func foldNumber(s string) string {
	if isASCII(s) {
		return s
	}
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u2212', '\u2010', '\u2011', '\u2012', '\u2013', '\ufe63':
			return '-'
		}
		return r
	}, s)
}

// parseInt reads an integer: ASCII or full-width digits, an optional sign,
// and thousands separators (30,000 / 30，000) in groups of three. The
// value is trimmed first.
func parseInt(s string) (int64, bool) {
	s = foldNumber(trimCell(s))
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	// Thousands separators, if any, must stand every three digits from
	// the right: 30,000 and 1,234,567 but not 3,0000.
	commas := strings.IndexByte(s, ',') >= 0
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ',' {
			if i == 0 || (len(s)-i-1)%4 != 3 {
				return 0, false
			}
			continue
		}
		if commas && (len(s)-i-1)%4 == 3 {
			return 0, false // a digit where a separator belongs
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxInt64-9)/10 {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// Fiscal years before the first reporting rule set (1985) are not years of
// this regime; a two-digit year is a typo, not a guess to make.
const (
	minFiscalYear = 1985
	maxFiscalYear = 2200
)

// parseFiscalYear reads a fiscal year: 2024, 2024年度, FY2024, 令和6,
// 令和6年度, 令和元年度 (any width).
func parseFiscalYear(s string) (int, bool) {
	k := kensho.NormalizeKey(s)
	k = strings.TrimSuffix(k, "年度")
	k = strings.TrimSuffix(k, "年")
	k = strings.TrimPrefix(k, "fy")
	year := 0
	if v, ok := parseInt(k); ok {
		year = int(v)
	} else if y, ok := eraYear(k); ok {
		year = y
	} else {
		return 0, false
	}
	if year < minFiscalYear || year > maxFiscalYear {
		return 0, false
	}
	return year, true
}

// eraYear reads 令和6 or 令和元 (the whole string) as a Gregorian year.
func eraYear(s string) (int, bool) {
	for _, e := range kensho.Eras {
		rest, ok := strings.CutPrefix(s, e.Name)
		if !ok {
			continue
		}
		n := 0
		if rest == "元" {
			n = 1
		} else {
			v, ok := parseInt(rest)
			if !ok || v < 1 || v > 100 || strings.ContainsAny(rest, "+-,") {
				return 0, false
			}
			n = int(v)
		}
		return kensho.EraYear(e.Name, n)
	}
	return 0, false
}

// parseQuarter reads 1..4, also written 第1四半期, Q1 or 1Q.
func parseQuarter(s string) (int, bool) {
	k := kensho.NormalizeKey(s)
	k = strings.TrimPrefix(k, "第")
	k = strings.TrimSuffix(k, "四半期")
	k = strings.TrimPrefix(k, "q")
	k = strings.TrimSuffix(k, "q")
	if len(k) == 1 && k[0] >= '1' && k[0] <= '4' {
		return int(k[0] - '0'), true
	}
	return 0, false
}

// parseDateTime reads a date and time in Japan time. It accepts
//
//	2024/05/03 14:20, 2024-05-03 14:20:00, 2024.5.3 14:20,
//	2024-05-03T14:20:00+09:00 (any offset, converted to JST), ...Z,
//	2024年5月3日 14時20分, 令和6年5月3日 14時20分 (any era of kensho.Eras),
//
// in any width. A date without a time is not accepted: the hour matters to
// every rule. (XLSX serial numbers are turned into text by xlsxCell first.)
func parseDateTime(s string) (time.Time, bool) {
	s = trimCell(s)
	if t, ok := fastDateTime(s); ok {
		return t, true
	}
	if !isASCII(s) {
		s = width.Fold.String(s)
	}
	return slowDateTime(s)
}

// fastDateTime reads the one layout that nearly every file uses,
// YYYY/MM/DD HH:MM (or with '-'), without allocating.
func fastDateTime(s string) (time.Time, bool) {
	if len(s) != 16 || s[10] != ' ' || s[13] != ':' || (s[4] != '/' && s[4] != '-') || s[7] != s[4] {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	h, ok4 := digits(s[11:13])
	mi, ok5 := digits(s[14:16])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return time.Time{}, false
	}
	return civil(y, mo, d, h, mi, 0, 0)
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// civil builds a JST time, refusing dates that time.Date would normalize
// (31 April, 25:00).
func civil(y, mo, d, h, mi, sec, nsec int) (time.Time, bool) {
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, kensho.JST)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts after
// 1 March 1900 (its phantom 29 February 1900 makes 1899-12-30 the epoch).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, kensho.JST)

// excelSerial reads an Excel serial date-time (45415.5972222): days since
// 1899-12-30, the fraction being the time of day.
func excelSerial(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return time.Time{}, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	// 61 is 1 March 1900, the first day the epoch holds; 2958466 is
	// 10000-01-01.
	if err != nil || math.IsNaN(v) || v < 61 || v >= 2958466 {
		return time.Time{}, false
	}
	days := math.Floor(v)
	// Excel stores times as binary fractions; round to the second.
	secs := math.Round((v - days) * 86400)
	return excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// slowDateTime reads every other accepted layout. s is width-folded.
func slowDateTime(s string) (time.Time, bool) {
	year := -1
	// An era name first: 令和6年5月3日, 令和元年5月3日, 令和6/5/3.
	for _, e := range kensho.Eras {
		rest, ok := strings.CutPrefix(s, e.Name)
		if !ok {
			continue
		}
		n, used := 0, 0
		if strings.HasPrefix(rest, "元") {
			n, used = 1, len("元")
		} else {
			for used < len(rest) && rest[used] >= '0' && rest[used] <= '9' && used < 3 {
				n = n*10 + int(rest[used]-'0')
				used++
			}
		}
		if used == 0 || n < 1 {
			return time.Time{}, false
		}
		y, ok := kensho.EraYear(e.Name, n)
		if !ok {
			return time.Time{}, false
		}
		year, s = y, rest[used:]
		break
	}
	p := dtScanner{s: s}
	if year < 0 {
		var ok bool
		if year, ok = p.number(4, 4); !ok {
			return time.Time{}, false
		}
	}
	if !p.sep("年", "/", "-", ".") {
		return time.Time{}, false
	}
	mo, ok := p.number(1, 2)
	if !ok || !p.sep("月", "/", "-", ".") {
		return time.Time{}, false
	}
	d, ok := p.number(1, 2)
	if !ok {
		return time.Time{}, false
	}
	// 日 may run straight into the time (3日14時20分); digits alone may not.
	closed := p.sep("日")
	// Optional weekday in brackets: 2024/5/3(金) 14:20.
	closed = p.weekday() || closed
	if !p.sep("T") && !p.spaces() && !closed {
		return time.Time{}, false
	}
	p.spaces()
	h, ok := p.number(1, 2)
	if !ok || !p.sep("時", ":") {
		return time.Time{}, false
	}
	mi, ok := p.number(1, 2)
	if !ok {
		return time.Time{}, false
	}
	p.sep("分")
	sec, nsec := 0, 0
	if p.sep(":") {
		if sec, ok = p.number(1, 2); !ok {
			return time.Time{}, false
		}
		if p.sep(".") {
			frac, n := 0, 0
			for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				if n < 9 {
					frac = frac*10 + int(p.s[p.i]-'0')
					n++
				}
				p.i++
			}
			if n == 0 {
				return time.Time{}, false
			}
			for ; n < 9; n++ {
				frac *= 10
			}
			nsec = frac
		}
	} else if sec, ok = p.number(1, 2); ok {
		if !p.sep("秒") {
			return time.Time{}, false
		}
	}
	p.spaces()
	t, ok := civil(year, mo, d, h, mi, sec, nsec)
	if !ok {
		return time.Time{}, false
	}
	// A zone: Z, +09:00, +0900, JST.
	rest := p.s[p.i:]
	switch {
	case rest == "":
		return t, true
	case rest == "Z" || rest == "z" || rest == "UTC":
		return shiftZone(t, 0), true
	case rest == "JST":
		return t, true
	case rest[0] == '+' || rest[0] == '-':
		sign := 1
		if rest[0] == '-' {
			sign = -1
		}
		z := strings.Replace(rest[1:], ":", "", 1)
		if len(z) != 4 && len(z) != 2 {
			return time.Time{}, false
		}
		oh, ok1 := digits(z[:2])
		om := 0
		ok2 := true
		if len(z) == 4 {
			om, ok2 = digits(z[2:])
		}
		if !ok1 || !ok2 || oh > 14 || om > 59 {
			return time.Time{}, false
		}
		return shiftZone(t, sign*(oh*3600+om*60)), true
	}
	return time.Time{}, false
}

// shiftZone reads the wall clock of t as being at offset seconds east of
// UTC and returns the same instant in JST.
func shiftZone(t time.Time, offset int) time.Time {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(),
		time.FixedZone("", offset))
	return wall.In(kensho.JST)
}

// dtScanner walks a date-time string.
type dtScanner struct {
	s string
	i int
}

func (p *dtScanner) number(minDigits, maxDigits int) (int, bool) {
	v, n := 0, 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' && n < maxDigits {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n >= minDigits
}

func (p *dtScanner) sep(opts ...string) bool {
	for _, o := range opts {
		if strings.HasPrefix(p.s[p.i:], o) {
			p.i += len(o)
			return true
		}
	}
	return false
}

func (p *dtScanner) spaces() bool {
	j := p.i
	for p.i < len(p.s) {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		if !isSpace(r) {
			break
		}
		p.i += n
	}
	return p.i > j
}

// weekday skips (金), （金）, (Fri) and reports whether there was one.
func (p *dtScanner) weekday() bool {
	save := p.i
	p.spaces()
	if !p.sep("(") {
		p.i = save
		return false
	}
	end := strings.IndexByte(p.s[p.i:], ')')
	if end < 0 || end > 9 {
		p.i = save
		return false
	}
	p.i += end + 1
	return true
}

// prefectureList is an 影響範囲 value read: sorted distinct JIS codes, or
// nationwide; unknown holds the parts that are no prefecture.
type prefectureList struct {
	codes      []string
	nationwide bool
	unknown    []string
	mixed      bool // 全国 together with prefectures
}

var nationwideKey = kensho.NormalizeKey(kensho.Nationwide)

// parsePrefectures reads 東京都、神奈川 / Tokyo, Kanagawa / 13;14 / 全国.
func parsePrefectures(s string) prefectureList {
	var out prefectureList
	seen := map[string]bool{}
	for _, part := range kensho.SplitPrefectures(s) {
		if kensho.NormalizeKey(part) == nationwideKey {
			out.nationwide = true
			continue
		}
		c, ok := kensho.Prefectures.Lookup(part)
		if !ok {
			out.unknown = append(out.unknown, part)
			continue
		}
		if !seen[c.Code] {
			seen[c.Code] = true
			out.codes = append(out.codes, c.Code)
		}
	}
	sort.Strings(out.codes) // JIS order: the contract stores them sorted
	if out.nationwide && len(out.codes) > 0 {
		out.mixed = true
	}
	return out
}

// ParseFiscalYear reads a 報告年度 value as the rules do (2024, 令和6年度,
// FY2024, in any width), for a program that reads raw rows back.
func ParseFiscalYear(s string) (int, bool) { return parseFiscalYear(s) }
