package site

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// cellKind is how a cell is shown.
type cellKind uint8

const (
	kindNumber cellKind = iota
	kindZero
	kindSuppressed
	kindNA
)

// The symbols of the tables, explained in every table's legend.
const (
	symSuppressed = "X"
	symZero       = "-"
	symNA         = "…"
)

// unprotectedError is returned for a cell that did not go through the
// disclosure control: publishing it could reveal an operator.
type unprotectedError struct {
	Table   string
	Row     int
	Measure string
}

func (e *unprotectedError) Error() string {
	return fmt.Sprintf("table %s row %d measure %s: the cell has not been through the disclosure control (status unprotected); "+
		"nothing was published. 秘匿処理を経ていないセルがあるため公開を中止しました", e.Table, e.Row, e.Measure)
}

// checkRelease refuses a release that holds a cell the disclosure control
// has not decided on, or a status this package does not know.
func checkRelease(rel *kensho.Release) error {
	for _, t := range rel.Tables {
		for i, r := range t.Rows {
			if len(r.Key) != len(t.Dims) {
				return fmt.Errorf("table %s row %d: %d keys for %d dimensions", t.Name, i, len(r.Key), len(t.Dims))
			}
			if len(r.Cells) != len(t.Measures) {
				return fmt.Errorf("table %s row %d: %d cells for %d measures", t.Name, i, len(r.Cells), len(t.Measures))
			}
			for j, c := range r.Cells {
				switch c.Status {
				case kensho.Published, kensho.Suppressed, kensho.NotApplicable:
				case kensho.Unprotected:
					return &unprotectedError{t.Name, i, t.Measures[j].Name}
				default:
					return fmt.Errorf("table %s row %d measure %s: unknown cell status %d", t.Name, i, t.Measures[j].Name, c.Status)
				}
				if c.Status == kensho.Published && (math.IsNaN(c.Value) || math.IsInf(c.Value, 0)) {
					return fmt.Errorf("table %s row %d measure %s: published value %v is not a number", t.Name, i, t.Measures[j].Name, c.Value)
				}
			}
		}
	}
	return nil
}

// kindOf classifies a cell for display. A published value that rounds to
// zero at the measure's precision shows as zero.
func kindOf(c kensho.Cell, decimals int) cellKind {
	switch c.Status {
	case kensho.Suppressed:
		return kindSuppressed
	case kensho.NotApplicable:
		return kindNA
	}
	if fixed(c.Value, decimals, false) == fixed(0, decimals, false) {
		return kindZero
	}
	return kindNumber
}

// fixed formats v with exactly decimals digits after the point, with
// thousands separators when group is set. Negative zero prints as zero.
func fixed(v float64, decimals int, group bool) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		s = s[1:]
	}
	if !group {
		return s
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + frac
}

// htmlCell is a cell as the HTML tables show it: a number with thousands
// separators, - for zero, X for suppressed, … for not applicable.
func htmlCell(c kensho.Cell, decimals int) string {
	switch kindOf(c, decimals) {
	case kindSuppressed:
		return symSuppressed
	case kindNA:
		return symNA
	case kindZero:
		return symZero
	}
	return fixed(c.Value, decimals, true)
}

// csvCell is a cell as the CSV downloads hold it: a plain number (zero as
// 0), X for suppressed, empty for not applicable.
func csvCell(c kensho.Cell, decimals int) string {
	switch c.Status {
	case kensho.Suppressed:
		return symSuppressed
	case kensho.NotApplicable:
		return ""
	}
	return fixed(c.Value, decimals, false)
}

// chartValue is a cell as the chart draws it: the value rounded to the
// measure's precision, or "-" (ECharts' empty value) when there is none.
func chartValue(c kensho.Cell, decimals int) any {
	if c.Status != kensho.Published {
		return "-"
	}
	v, _ := strconv.ParseFloat(fixed(c.Value, decimals, false), 64)
	return v
}

// fiscalYearLabel is a fiscal year as the text shows it: 2024年度, FY2024.
func fiscalYearLabel(year, lang string) string {
	if year == kensho.Total {
		return kensho.Text{Ja: "全年度の計", En: "all fiscal years"}.In(lang)
	}
	if lang == "en" {
		return "FY" + year
	}
	return year + "年度"
}

// quarterLabel is a fiscal quarter: 第1四半期, Q1.
func quarterLabel(q, lang string) string {
	if q == kensho.Total {
		return kensho.TotalLabel.In(lang)
	}
	if lang == "en" {
		return "Q" + q
	}
	return "第" + q + "四半期"
}

// keyLabel is the label of a key of a dimension in lang.
func keyLabel(dim, key, lang string) string {
	switch dim {
	case "fiscal_year":
		return fiscalYearLabel(key, lang)
	case "quarter":
		return quarterLabel(key, lang)
	}
	if l := kensho.ListByName(dim); l != nil {
		return l.Label(key, lang)
	}
	switch key {
	case kensho.Total:
		return kensho.TotalLabel.In(lang)
	case "true":
		return kensho.Text{Ja: "該当", En: "yes"}.In(lang)
	case "false":
		return kensho.Text{Ja: "非該当", En: "no"}.In(lang)
	}
	return key
}

// dimTitle is the heading of a dimension: its own title, else a fixed one.
func dimTitle(d kensho.Dim, lang string) string {
	if s := d.Title.In(lang); s != "" {
		return s
	}
	switch d.Name {
	case "fiscal_year":
		return kensho.Text{Ja: "年度", En: "fiscal year"}.In(lang)
	case "quarter":
		return kensho.Text{Ja: "四半期", En: "quarter"}.In(lang)
	}
	return d.Name
}

// measureTitle is the heading of a measure with its unit, unless the
// title already names it (accidents, not "accidents (accidents)").
func measureTitle(m kensho.Measure, lang string) string {
	t := m.Title.In(lang)
	if t == "" {
		t = m.Name
	}
	if u := m.Unit.In(lang); u != "" && !strings.EqualFold(t, u) && !strings.HasSuffix(strings.ToLower(t), " "+strings.ToLower(u)) {
		if lang == "ja" {
			return t + "(" + u + ")"
		}
		return t + " (" + u + ")"
	}
	return t
}

// signed formats a change with an explicit sign.
func signed(v float64, decimals int) string {
	s := fixed(v, decimals, true)
	if s != fixed(0, decimals, true) && !strings.HasPrefix(s, "-") {
		return "+" + s
	}
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:] // a true minus sign reads better than a hyphen
	}
	return s
}

// humanBytes is a file size for the downloads page.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// listSep joins labels the way each language does.
func listSep(lang string) string {
	if lang == "ja" {
		return "、"
	}
	return ", "
}
