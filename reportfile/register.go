package reportfile

import (
	"bytes"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// The register of public facts (docs/public-facts.md): a CSV listing the
// accidents the regulator or the operators have already published, one
// row per published case. It is read here, beside the report files, so
// that it is decoded, split and checked by the very same helpers (the
// encoding detection, RFC 4180 splitting, numbers, dates, code lists and
// the one table of messages) and stays free of the database.

// Register column positions, resolved once by name.
var (
	rOperatorName  = registerField("operator_name")
	rOperatorID    = registerField("operator_id")
	rOccurredOn    = registerField("occurred_on")
	rService       = registerField("service")
	rAffectedUsers = registerField("affected_users")
	rDurationMin   = registerField("duration_min")
	rCause         = registerField("cause")
	rSourceURL     = registerField("source_url")
)

func registerField(name string) int {
	for i, c := range kensho.PublicFactColumns {
		if c.Field == name {
			return i
		}
	}
	panic("reportfile: kensho.PublicFactColumns has no field " + name)
}

var registerIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range kensho.PublicFactColumns {
		for _, h := range append([]string{c.Field, c.HeaderJa}, c.Aliases...) {
			m[kensho.NormalizeKey(h)] = i
		}
	}
	return m
}()

// PublicFact is one valid row of the register: an accident as its public
// source describes it.
type PublicFact struct {
	Row           int // spreadsheet row of the file
	OperatorName  string
	OperatorID    string    // "" when not given
	OccurredOn    time.Time // midnight JST of the day it began
	Service       string    // code
	AffectedUsers int64
	DurationMin   int64
	Cause         string // code
	SourceURL     string
}

// RegisterRow is a row of the register with errors: the whole row as read
// and every error it has, in the order of its columns.
type RegisterRow struct {
	Row  int
	Raw  [][2]string // header as written (made unique) -> cell, non-empty cells past the header left out
	Errs []Problem
}

// Register is what ReadRegister found in one register file.
type Register struct {
	File     string
	Encoding string   // "utf-8" or "cp932"; "" when the file was rejected before decoding
	Problem  *Problem // the file rejected as a whole; nil when its rows were read
	RowsRead int      // non-blank rows after the header
	Facts    []PublicFact
	Rejected []RegisterRow // rows with errors; RowsRead = len(Facts) + len(Rejected)
	Warnings []Problem     // about the file's columns (row 0)
}

// ReadRegister reads and checks a register of public facts, the whole
// bytes data of the file name: a CSV in UTF-8 (with or without BOM) or
// CP932, the first non-blank row its header. Every error of every row is
// collected; a file that cannot be read as such a CSV is rejected whole.
func ReadRegister(name string, data []byte) *Register {
	reg := &Register{File: name}
	if bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) {
		reg.Problem = &Problem{Code: CodeRegisterNotCSV, Msg: newMessage(CodeRegisterNotCSV, "file", name)}
		return reg
	}
	text, enc, p := decodeCSV(name, data)
	if p != nil {
		reg.Problem = p
		return reg
	}
	reg.Encoding = enc
	sc := &csvScanner{text: text}
	var lay *registerLayout
	for {
		rec, row, broken, ok := sc.next()
		if !ok {
			break
		}
		cells, unclosed := splitRecord(rec, nil)
		if blankRow(cells) {
			continue
		}
		if lay == nil {
			lay, p = newRegisterLayout(name, row, cells)
			if p != nil {
				reg.Problem = p
				return reg
			}
			reg.Warnings = lay.warnings
			continue
		}
		reg.RowsRead++
		f, errs := lay.row(row, cells)
		if broken || unclosed >= 0 {
			errs = append(errs, Problem{Row: row, Col: max(unclosed, 0), Code: CodeUnclosedQuote, Msg: newMessage(CodeUnclosedQuote)})
		}
		if len(cells) > len(lay.fieldAt) && !blankRow(cells[len(lay.fieldAt):]) {
			errs = append(errs, Problem{Row: row, Col: len(lay.fieldAt), Code: CodeTooManyCells,
				Msg: newMessage(CodeTooManyCells, "n", strconv.Itoa(len(cells)), "width", strconv.Itoa(len(lay.fieldAt)))})
		}
		if len(errs) > 0 {
			sort.SliceStable(errs, func(i, j int) bool { return errs[i].Col < errs[j].Col }) // the file's column order
			reg.Rejected = append(reg.Rejected, RegisterRow{Row: row, Raw: lay.raw(cells), Errs: errs})
			continue
		}
		reg.Facts = append(reg.Facts, f)
	}
	if lay == nil {
		reg.Problem = &Problem{Code: CodeRegisterMissingColumn, Msg: newMessage(CodeRegisterMissingColumn, "file", name, "row", "1",
			"cols_ja", registerRequired("ja"), "cols_en", registerRequired("en"))}
	}
	return reg
}

// registerRequired lists the required columns for a message.
func registerRequired(lang string) string {
	var out []string
	for _, c := range kensho.PublicFactColumns {
		if !c.Required {
			continue
		}
		if lang == "ja" {
			out = append(out, c.HeaderJa)
		} else {
			out = append(out, c.Field+" ("+c.HeaderJa+")")
		}
	}
	if lang == "ja" {
		return strings.Join(out, "、")
	}
	return strings.Join(out, ", ")
}

// registerLayout maps the register file's columns to kensho.PublicFactColumns.
type registerLayout struct {
	headers  []string
	keys     []string
	fieldAt  []int // file column -> kensho.PublicFactColumns index, or -1
	colOf    []int // kensho.PublicFactColumns index -> file column, or -1
	warnings []Problem
}

func newRegisterLayout(file string, headerRow int, cells []string) (*registerLayout, *Problem) {
	l := &registerLayout{colOf: make([]int, len(kensho.PublicFactColumns))}
	for i := range l.colOf {
		l.colOf[i] = -1
	}
	l.headers, l.keys = headerKeys(cells)
	for i, h := range l.headers {
		f, ok := registerIndex[kensho.NormalizeKey(h)]
		if !ok {
			l.fieldAt = append(l.fieldAt, -1)
			if trimCell(h) != "" {
				l.warnings = append(l.warnings, Problem{Col: i, Column: h, Value: h, Code: CodeRegisterUnknownColumn,
					Msg: newMessage(CodeRegisterUnknownColumn, "col_ja", h, "col_en", h)})
			}
			continue
		}
		c := kensho.PublicFactColumns[f]
		if prev := l.colOf[f]; prev >= 0 {
			return nil, &Problem{Row: headerRow, Column: h, Value: h, Code: CodeDuplicateColumn,
				Msg: newMessage(CodeDuplicateColumn, "file", file, "row", strconv.Itoa(headerRow),
					"col_ja", c.HeaderJa, "col_en", c.Field, "first", columnLetter(prev), "second", columnLetter(i))}
		}
		l.colOf[f] = i
		l.fieldAt = append(l.fieldAt, f)
	}
	var missJa, missEn []string
	for f, c := range kensho.PublicFactColumns {
		if c.Required && l.colOf[f] < 0 {
			missJa = append(missJa, c.HeaderJa)
			missEn = append(missEn, c.Field+" ("+c.HeaderJa+")")
		}
	}
	if len(missJa) > 0 {
		return nil, &Problem{Row: headerRow, Code: CodeRegisterMissingColumn,
			Msg: newMessage(CodeRegisterMissingColumn, "file", file, "row", strconv.Itoa(headerRow),
				"cols_ja", strings.Join(missJa, "、"), "cols_en", strings.Join(missEn, ", "))}
	}
	return l, nil
}

func (l *registerLayout) raw(cells []string) [][2]string {
	var raw [][2]string
	for i, c := range cells {
		if i >= len(l.keys) {
			if trimCell(c) != "" {
				raw = append(raw, [2]string{"(" + columnLetter(i) + ")", c})
			}
			continue
		}
		raw = append(raw, [2]string{l.keys[i], c})
	}
	return raw
}

// row checks one row of the register.
func (l *registerLayout) row(rowNo int, cells []string) (PublicFact, []Problem) {
	f := PublicFact{Row: rowNo}
	var errs []Problem
	cell := func(field int) (string, int) {
		i := l.colOf[field]
		if i < 0 || i >= len(cells) {
			return "", i
		}
		return trimCell(cells[i]), i
	}
	fail := func(field, col int, value, code string, args ...string) {
		c := kensho.PublicFactColumns[field]
		errs = append(errs, Problem{Row: rowNo, Col: col, Column: l.headerOr(col, c.HeaderJa), Value: value, Code: code,
			Msg: newMessage(code, append([]string{"col_ja", c.HeaderJa, "col_en", c.Field, "value", Shown(value)}, args...)...)})
	}
	get := func(field int) (string, int, bool) {
		v, col := cell(field)
		if v == "" {
			if kensho.PublicFactColumns[field].Required {
				fail(field, col, "", CodeMissingValue)
			}
			return "", col, false
		}
		return v, col, true
	}
	if v, _, ok := get(rOperatorName); ok {
		f.OperatorName = kensho.NormalizeText(v)
	}
	if v, _, ok := get(rOperatorID); ok {
		f.OperatorID = normalizeKeyText(v)
	}
	if v, col, ok := get(rOccurredOn); ok {
		if t, ok := parseDate(v); ok {
			f.OccurredOn = t
		} else {
			fail(rOccurredOn, col, v, CodeBadDate)
		}
	}
	for _, x := range []struct {
		field int
		list  *kensho.CodeList
		dst   *string
	}{{rService, kensho.Services, &f.Service}, {rCause, kensho.Causes, &f.Cause}} {
		if v, col, ok := get(x.field); ok {
			if c, ok := x.list.Lookup(v); ok {
				*x.dst = c.Code
			} else {
				fail(x.field, col, v, CodeUnknownCode, "choices_ja", choices(x.list, "ja", nil), "choices_en", choices(x.list, "en", nil))
			}
		}
	}
	for _, x := range []struct {
		field int
		dst   *int64
	}{{rAffectedUsers, &f.AffectedUsers}, {rDurationMin, &f.DurationMin}} {
		if v, col, ok := get(x.field); ok {
			n, ok := parseInt(v)
			switch {
			case !ok:
				fail(x.field, col, v, CodeBadInteger)
			case n < 0:
				fail(x.field, col, v, CodeNegative)
			default:
				*x.dst = n
			}
		}
	}
	if v, col, ok := get(rSourceURL); ok {
		if u, ok := publicURL(v); ok {
			f.SourceURL = u
		} else {
			fail(rSourceURL, col, v, CodeBadURL)
		}
	}
	return f, errs
}

func (l *registerLayout) headerOr(col int, def string) string {
	if col >= 0 && col < len(l.headers) {
		return l.headers[col]
	}
	return def
}

// parseDate reads a day in any form parseDateTime accepts, with or
// without a time of day (the time, if any, is dropped).
func parseDate(s string) (time.Time, bool) {
	t, ok := parseDateTime(s)
	if !ok {
		for _, midnight := range []string{" 00:00", " 0時0分"} {
			if t, ok = parseDateTime(s + midnight); ok {
				break
			}
		}
	}
	if !ok {
		return time.Time{}, false
	}
	y, m, d := t.In(kensho.JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, kensho.JST), true
}

// publicURL accepts an absolute http or https address with a host and no
// spaces, and returns it as written.
func publicURL(s string) (string, bool) {
	if strings.ContainsAny(s, " \t\r\n\"<>") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	return s, true
}
