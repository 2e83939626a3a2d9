package ingest

import (
	"strconv"
	"time"

	"github.com/kensho-jp/kensho/reportfile"
)

// Rows go from Go to DuckDB as newline-delimited JSON in temporary files,
// read back with read_ndjson in one set-based INSERT per table. JSON keeps
// what CSV cannot: NULL apart from "", line breaks inside cells, lists and
// maps. The appenders below write it without reflection.

const hexDigits = "0123456789abcdef"

// needsEscape marks the bytes a JSON string cannot hold as they are.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// appendString appends s as a JSON string. s must be valid UTF-8: every
// reader guarantees it (CSV text is validated or decoded, XLSX cells are
// checked), so bytes of multi-byte characters are copied as they are.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	i := 0
	for i < len(s) {
		// Skip eight bytes at a time while none needs escaping.
		for i+8 <= len(s) && !wordNeedsEscape(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// wordNeedsEscape reports whether any of 8 bytes is below 0x20, '"' or
// '\\' (bit tricks: a byte b is zero iff (b-1) & ^b has its top bit set).
func wordNeedsEscape(s string) bool {
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	hasZero := func(x uint64) uint64 { return (x - lsb) & ^x & msb }
	// Bytes ≥ 0x80 have the top bit set in w and are masked out by ^w;
	// a byte < 0x20 underflows when 0x20 is taken from it.
	below := (w - 0x20*lsb) & ^w & msb
	return below|hasZero(w^('"'*lsb))|hasZero(w^('\\'*lsb)) != 0
}

// jsonObject writes one JSON object, field by field. With short set, the
// n-th key is written "c<n>" whatever its name: a valid row's line then
// carries 34 short keys instead of the column names, which makes the
// temporary file a third smaller. names records the names given, to check
// them against the table.
type jsonObject struct {
	b     []byte
	first bool
	short bool
	n     int
	names *[]string
}

func (o *jsonObject) begin(dst []byte) {
	o.b = append(dst, '{')
	o.first = true
	o.n = 0
}

func (o *jsonObject) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	if o.short && o.n < len(shortKeys) {
		o.b = append(o.b, shortKeys[o.n]...)
	} else {
		o.b = append(o.b, '"')
		o.b = append(o.b, k...)
		o.b = append(o.b, '"', ':')
	}
	o.n++
	if o.names != nil {
		*o.names = append(*o.names, k)
	}
}

// shortKeys are "c0":, "c1":, ... ready to append.
var shortKeys = func() []string {
	out := make([]string, 64)
	for i := range out {
		out[i] = `"c` + strconv.Itoa(i) + `":`
	}
	return out
}()

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
}

// optStr writes "" as null.
func (o *jsonObject) optStr(k, v string) {
	o.key(k)
	if v == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = appendString(o.b, v)
}

func (o *jsonObject) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObject) optInt(k string, v int64, ok bool) {
	if !ok {
		o.key(k)
		o.b = append(o.b, "null"...)
		return
	}
	o.int(k, v)
}

func (o *jsonObject) bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// timestamp writes the wall clock of t (a JST time) as a naive DuckDB
// TIMESTAMP, YYYY-MM-DD hh:mm:ss[.ffffff].
func (o *jsonObject) timestamp(k string, t time.Time) {
	o.key(k)
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	o.b = append(o.b, '"')
	o.b = appendPadded(o.b, y, 4)
	o.b = append(o.b, '-')
	o.b = appendPadded(o.b, int(mo), 2)
	o.b = append(o.b, '-')
	o.b = appendPadded(o.b, d, 2)
	o.b = append(o.b, ' ')
	o.b = appendPadded(o.b, h, 2)
	o.b = append(o.b, ':')
	o.b = appendPadded(o.b, mi, 2)
	o.b = append(o.b, ':')
	o.b = appendPadded(o.b, sec, 2)
	if us := t.Nanosecond() / 1000; us > 0 {
		o.b = append(o.b, '.')
		o.b = appendPadded(o.b, us, 6)
	}
	o.b = append(o.b, '"')
}

// appendPadded appends v ≥ 0 with at least width digits.
func appendPadded(dst []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	i--
	buf[i] = byte('0' + v)
	return append(dst, buf[i:]...)
}

func (o *jsonObject) strList(k string, vs []string) {
	o.key(k)
	o.b = append(o.b, '[')
	for i, v := range vs {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendString(o.b, v)
	}
	o.b = append(o.b, ']')
}

// strMap writes key/value pairs as an object (a DuckDB MAP); when empty,
// null or {} as nullIfEmpty says.
func (o *jsonObject) strMap(k string, kv [][2]string, nullIfEmpty bool) {
	o.key(k)
	if len(kv) == 0 && nullIfEmpty {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '{')
	for i, p := range kv {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendString(o.b, p[0])
		o.b = append(o.b, ':')
		o.b = appendString(o.b, p[1])
	}
	o.b = append(o.b, '}')
}

func (o *jsonObject) end() []byte {
	return append(o.b, '}', '\n')
}

// accidentEncoder writes a valid row of the index-th file of a load as one
// line: first the file's index, "f" (see spool.go), then the columns of the
// accident table (docs/contract.md) but the provenance columns the INSERT
// adds.
func accidentEncoder(index int) reportfile.Encoder {
	prefix := []byte(`{"f":` + strconv.Itoa(index) + `,`)
	return func(dst []byte, a *reportfile.Accident, row int) []byte {
		o := jsonObject{short: true}
		o.begin(dst)
		o.b = append(o.b[:len(o.b)-1], prefix...) // the prefix opens the object
		return accidentObject(&o, a, row)
	}
}

// accidentFields are the keys of a valid row's line in order, by name.
var accidentFields = func() []string {
	var names []string
	o := jsonObject{names: &names}
	o.begin(nil)
	accidentObject(&o, &reportfile.Accident{}, 0)
	return names
}()

func accidentObject(o *jsonObject, a *reportfile.Accident, row int) []byte {
	o.str("operator_id", a.OperatorID)
	o.str("report_no", a.ReportNo)
	o.str("operator_name", a.OperatorName)
	o.optStr("contact_name", a.ContactName)
	o.optStr("contact", a.Contact)
	o.int("fiscal_year", int64(a.FiscalYear))
	o.int("quarter", int64(a.Quarter))
	o.str("form", a.Form)
	o.str("report_type", a.ReportType)
	o.timestamp("occurred_at", a.OccurredAt)
	o.timestamp("recovered_at", a.RecoveredAt)
	o.int("duration_min", a.DurationMin)
	o.optInt("duration_min_reported", a.DurationReported, a.HasDurationReported)
	o.str("impact", a.Impact)
	o.str("service", a.Service)
	o.int("affected_users", a.AffectedUsers)
	o.strList("prefectures", a.Prefectures)
	o.bool("nationwide", a.Nationwide)
	o.optStr("site_location", a.SiteLocation)
	o.str("cause_group", a.CauseGroup)
	o.str("cause", a.Cause)
	o.str("equipment", a.Equipment)
	o.optStr("vendor_model", a.VendorModel)
	o.bool("other_operator_origin", a.OtherOperatorOrigin)
	o.optStr("partner_operator", a.PartnerOperator)
	o.optInt("critical_infra_users", a.CriticalInfraUsers, a.HasCriticalInfraUsers)
	o.optStr("disaster_name", a.DisasterName)
	o.bool("cyber_attack", a.CyberAttack)
	o.optStr("summary", a.Summary)
	o.optStr("prevention", a.Prevention)
	o.strMap("extra", a.Extra, true)
	o.bool("below_threshold", a.BelowThreshold)
	o.bool("meets_serious", a.MeetsSerious)
	o.int("source_row", int64(row))
	return o.end()
}
