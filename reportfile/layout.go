package reportfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// Field positions in kensho.InputColumns, resolved once by name so that
// the order of codes/columns.csv may change.
var (
	fOperatorName        = mustField("operator_name")
	fOperatorID          = mustField("operator_id")
	fContactName         = mustField("contact_name")
	fContact             = mustField("contact")
	fReportNo            = mustField("report_no")
	fFiscalYear          = mustField("fiscal_year")
	fQuarter             = mustField("quarter")
	fForm                = mustField("form")
	fReportType          = mustField("report_type")
	fOccurredAt          = mustField("occurred_at")
	fRecoveredAt         = mustField("recovered_at")
	fDurationMin         = mustField("duration_min")
	fImpact              = mustField("impact")
	fService             = mustField("service")
	fAffectedUsers       = mustField("affected_users")
	fPrefectures         = mustField("prefectures")
	fSiteLocation        = mustField("site_location")
	fCauseGroup          = mustField("cause_group")
	fCause               = mustField("cause")
	fEquipment           = mustField("equipment")
	fVendorModel         = mustField("vendor_model")
	fOtherOperatorOrigin = mustField("other_operator_origin")
	fPartnerOperator     = mustField("partner_operator")
	fCriticalInfraUsers  = mustField("critical_infra_users")
	fDisasterName        = mustField("disaster_name")
	fCyberAttack         = mustField("cyber_attack")
	fSummary             = mustField("summary")
	fPrevention          = mustField("prevention")
)

func mustField(name string) int {
	for i, c := range kensho.InputColumns {
		if c.Field == name {
			return i
		}
	}
	panic("reportfile: kensho.InputColumns has no field " + name)
}

// minHeaderMatches is how many known headers a row needs to be taken for
// the header row when title rows come first. Three, because a title block
// may by chance hold one or two words that are also headers (報告事業者名).
const minHeaderMatches = 3

// maxHeaderSearch bounds how many non-empty rows are searched for the header.
const maxHeaderSearch = 50

// findHeader returns the index in rows of the header row: the first row
// with minHeaderMatches known headers among the first maxHeaderSearch
// non-empty rows, else the first non-empty row (whose missing columns are
// then reported); -1 if every row is empty.
func findHeader(rows [][]string) int {
	first := -1
	seen := 0
	for i, r := range rows {
		if blankRow(r) {
			continue
		}
		if first < 0 {
			first = i
		}
		if countKnown(r) >= minHeaderMatches {
			return i
		}
		if seen++; seen >= maxHeaderSearch {
			break
		}
	}
	return first
}

// blankRow reports whether every cell is empty or spaces.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if c != "" && trimCell(c) != "" {
			return false
		}
	}
	return true
}

// layout maps the columns of one file to the fields of the report.
type layout struct {
	headerRow int      // the header's row number as a spreadsheet user counts it
	headers   []string // file column -> header as written
	keys      []string // file column -> key in raw and extra maps (unique)
	fieldAt   []int    // file column -> field index, or -1
	colOf     []int    // field index -> file column, or -1
	unknown   []int    // file columns with a header that is no field
}

// columnLetter names a 0-based column as a spreadsheet does (A, B, ..., AA).
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// newLayout reads the header row. It rejects the file when a required
// column is missing or a column appears twice.
func newLayout(file string, headerRow int, cells []string) (*layout, *Problem) {
	l := &layout{headerRow: headerRow, colOf: make([]int, len(kensho.InputColumns))}
	for i := range l.colOf {
		l.colOf[i] = -1
	}
	l.headers, l.keys = headerKeys(cells)
	for i, h := range l.headers {
		c, ok := kensho.ColumnByHeader(h)
		if !ok {
			l.fieldAt = append(l.fieldAt, -1)
			if trimCell(h) != "" {
				l.unknown = append(l.unknown, i)
			}
			continue
		}
		f := mustField(c.Field)
		if prev := l.colOf[f]; prev >= 0 {
			return nil, &Problem{Row: headerRow, Column: h, Value: h, Code: CodeDuplicateColumn,
				Msg: newMessage(CodeDuplicateColumn, "file", file, "row", strconv.Itoa(headerRow),
					"col_ja", c.HeaderJa, "col_en", c.Field,
					"first", columnLetter(prev), "second", columnLetter(i))}
		}
		l.colOf[f] = i
		l.fieldAt = append(l.fieldAt, f)
	}
	var missJa, missEn []string
	for f, c := range kensho.InputColumns {
		if c.Required && l.colOf[f] < 0 {
			missJa = append(missJa, c.HeaderJa)
			missEn = append(missEn, fmt.Sprintf("%s (%s)", c.Field, c.HeaderJa))
		}
	}
	if len(missJa) > 0 {
		return nil, &Problem{Row: headerRow, Code: CodeMissingColumn,
			Msg: newMessage(CodeMissingColumn, "file", file, "row", strconv.Itoa(headerRow),
				"cols_ja", strings.Join(missJa, "、"), "cols_en", strings.Join(missEn, ", "))}
	}
	return l, nil
}

// headerKeys returns a header row's headers as written, up to its last
// non-empty cell, and the key of each column in the raw and extra maps:
// the header trimmed, made unique by its column letter ("(C)" when
// empty).
func headerKeys(cells []string) (headers, keys []string) {
	width := len(cells)
	for width > 0 && trimCell(cells[width-1]) == "" {
		width--
	}
	used := map[string]bool{}
	for i, h := range cells[:width] {
		key := strings.TrimSpace(h)
		if key == "" {
			key = "(" + columnLetter(i) + ")"
		}
		if used[key] {
			key += " (" + columnLetter(i) + ")"
		}
		used[key] = true
		headers, keys = append(headers, h), append(keys, key)
	}
	return headers, keys
}

// key returns the raw-map key of file column i, also past the header's
// width (a row with too many cells).
func (l *layout) key(i int) string {
	if i < len(l.keys) {
		return l.keys[i]
	}
	return "(" + columnLetter(i) + ")"
}

// header returns the header as written of file column i ("" past the width).
func (l *layout) header(i int) string {
	if i >= 0 && i < len(l.headers) {
		return l.headers[i]
	}
	return ""
}
