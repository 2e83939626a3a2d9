package site

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// index finds the rows of a table by their full key.
type index struct {
	t    *kensho.StatTable
	rows map[string]int
	dim  map[string]int // dimension name -> position
}

func newIndex(t *kensho.StatTable) *index {
	ix := &index{t: t, rows: make(map[string]int, len(t.Rows)), dim: map[string]int{}}
	for i, r := range t.Rows {
		ix.rows[joinKey(r.Key)] = i
	}
	for i, d := range t.Dims {
		ix.dim[d.Name] = i
	}
	return ix
}

func joinKey(k []string) string { return strings.Join(k, "\x1f") }

// cell returns the cell of measure m at key, or a not-applicable cell when
// the table has no such row (nothing is invented for a missing row).
func (ix *index) cell(key []string, m int) kensho.Cell {
	if i, ok := ix.rows[joinKey(key)]; ok {
		return ix.t.Rows[i].Cells[m]
	}
	return kensho.Cell{Status: kensho.NotApplicable}
}

// matches reports whether row r agrees with every fixed key.
func (ix *index) matches(r kensho.Row, fixed map[int]string) bool {
	for d, k := range fixed {
		if r.Key[d] != k {
			return false
		}
	}
	return true
}

// hasKey reports whether some row matching fixed has key k in dimension d.
func (ix *index) hasKey(d int, k string, fixed map[int]string) bool {
	for _, r := range ix.t.Rows {
		if r.Key[d] == k && ix.matches(r, fixed) {
			return true
		}
	}
	return false
}

// keysOf lists the distinct keys of dimension d among the rows matching
// fixed, in row order (publication order), leaving out Total when skipTotal.
// Fiscal years and quarters are sorted numerically so that an axis is in
// time order whatever the row order.
func (ix *index) keysOf(d int, fixed map[int]string, skipTotal bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range ix.t.Rows {
		k := r.Key[d]
		if seen[k] || (skipTotal && k == kensho.Total) || !ix.matches(r, fixed) {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	if n := ix.t.Dims[d].Name; n == "fiscal_year" || n == "quarter" {
		sortNumericKeys(out)
	}
	return out
}

// sortNumericKeys sorts decimal keys numerically, Total last (time order).
func sortNumericKeys(keys []string) {
	sort.SliceStable(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		if errA != nil || errB != nil {
			return errA == nil && errB != nil
		}
		return a < b
	})
}

// chartShape is what a chart draws of a table: the x axis (one dimension,
// or fiscal year and quarter together), at most one series dimension, one
// measure, and every other dimension fixed to one key. The CSV and the HTML
// table under a chart have exactly this shape.
type chartShape struct {
	t       *kensho.StatTable
	ix      *index
	x       []int          // dimensions of the x axis
	series  int            // series dimension, -1 for one series
	fixed   map[int]string // every other dimension -> its key
	byUser  map[int]bool   // fixed by the caller (the report's year), not by the chart
	xKeys   [][]string     // per category, the key of each x dimension
	sKeys   []string       // series keys; one "" when there is no series dimension
	measure int
}

// newChartShape chooses the chart of table t restricted to fixed (dimension
// name -> key). It reports false when the table cannot be drawn: nothing
// left for an axis, or a dimension that has no margin to fix it at.
func newChartShape(t *kensho.StatTable, ix *index, fixedByName map[string]string) (*chartShape, bool) {
	if len(t.Measures) == 0 {
		return nil, false
	}
	s := &chartShape{t: t, ix: ix, series: -1, fixed: map[int]string{}, byUser: map[int]bool{}}
	for name, k := range fixedByName {
		d, ok := ix.dim[name]
		if !ok {
			return nil, false
		}
		s.fixed[d], s.byUser[d] = k, true
	}
	var free []int
	for d := range t.Dims {
		if _, ok := s.fixed[d]; !ok {
			free = append(free, d)
		}
	}
	// Charts show both forms together; the forms apart are in the full table.
	if d, ok := ix.dim["form"]; ok && !s.byUser[d] {
		if !ix.hasKey(d, kensho.Total, s.fixed) {
			return nil, false
		}
		s.fixed[d] = kensho.Total
		free = remove(free, d)
	}
	fy, hasFY := ix.dim["fiscal_year"]
	q, hasQ := ix.dim["quarter"]
	hasFY = hasFY && contains(free, fy)
	hasQ = hasQ && contains(free, q)
	switch {
	case hasFY && hasQ:
		s.x = []int{fy, q} // one axis of quarters in time order, never beside yearly series
	case hasFY:
		s.x = []int{fy}
	case len(free) > 0:
		s.x = []int{free[0]}
	default:
		return nil, false
	}
	for _, d := range s.x {
		free = remove(free, d)
	}
	if len(free) > 0 {
		s.series, free = free[0], free[1:]
	}
	for _, d := range free {
		if !ix.hasKey(d, kensho.Total, s.fixed) {
			return nil, false
		}
		s.fixed[d] = kensho.Total
	}
	if s.series >= 0 {
		s.sKeys = ix.keysOf(s.series, s.fixed, true)
		if len(s.sKeys) == 0 {
			// Only a margin: one series at Total.
			s.fixed[s.series] = kensho.Total
			s.series = -1
		}
	}
	if s.series < 0 {
		s.sKeys = []string{""}
	}
	s.xKeys = s.categories()
	if len(s.xKeys) == 0 {
		return nil, false
	}
	return s, true
}

// categories lists the x categories present among the rows, in time order
// for fiscal years and quarters, margins left out.
func (s *chartShape) categories() [][]string {
	seen := map[string]bool{}
	var out [][]string
	for _, r := range s.t.Rows {
		if !s.ix.matches(r, s.fixed) {
			continue
		}
		k := make([]string, len(s.x))
		skip := false
		for i, d := range s.x {
			k[i] = r.Key[d]
			skip = skip || k[i] == kensho.Total
		}
		if skip || seen[joinKey(k)] {
			continue
		}
		seen[joinKey(k)] = true
		out = append(out, k)
	}
	if s.t.Dims[s.x[0]].Name == "fiscal_year" {
		// Time order, whatever the row order.
		sort.SliceStable(out, func(i, j int) bool {
			for c := range out[i] {
				a, _ := strconv.Atoi(out[i][c])
				b, _ := strconv.Atoi(out[j][c])
				if a != b {
					return a < b
				}
			}
			return false
		})
	}
	return out
}

// key builds the full key of category x and series k.
func (s *chartShape) key(x []string, series string) []string {
	key := make([]string, len(s.t.Dims))
	for d, k := range s.fixed {
		key[d] = k
	}
	for i, d := range s.x {
		key[d] = x[i]
	}
	if s.series >= 0 {
		key[s.series] = series
	}
	return key
}

// cell is the value drawn for category x of series k.
func (s *chartShape) cell(x []string, series string) kensho.Cell {
	return s.ix.cell(s.key(x, series), s.measure)
}

// yearAxis reports whether the x axis runs over fiscal years.
func (s *chartShape) yearAxis() bool { return s.t.Dims[s.x[0]].Name == "fiscal_year" }

// years returns the fiscal year of each category (0 when not a year axis).
func (s *chartShape) years() []int {
	out := make([]int, len(s.xKeys))
	if !s.yearAxis() {
		return out
	}
	for i, k := range s.xKeys {
		out[i], _ = strconv.Atoi(k[0])
	}
	return out
}

// xLabel is a category as an axis label (compact) or as a row heading.
func (s *chartShape) xLabel(x []string, lang string, compact bool) string {
	if len(s.x) == 2 {
		if compact {
			return x[0] + " Q" + x[1]
		}
		return fiscalYearLabel(x[0], lang) + " " + quarterLabel(x[1], lang)
	}
	if compact && s.yearAxis() {
		return x[0]
	}
	return keyLabel(s.t.Dims[s.x[0]].Name, x[0], lang)
}

// seriesLabel is the name of a series.
func (s *chartShape) seriesLabel(k, lang string) string {
	if s.series < 0 {
		return measureTitle(s.t.Measures[s.measure], lang)
	}
	return keyLabel(s.t.Dims[s.series].Name, k, lang)
}

// xTitle names the x axis.
func (s *chartShape) xTitle(lang string) string {
	if len(s.x) == 2 {
		return kensho.Text{Ja: "年度・四半期", En: "fiscal year and quarter"}.In(lang)
	}
	return dimTitle(s.t.Dims[s.x[0]], lang)
}

// scope describes the keys the chart holds fixed, for its caption: the
// forms together, the report's year, margins of other dimensions.
func (s *chartShape) scope(lang string) []string {
	var out []string
	for d := range s.t.Dims { // dimension order, for a stable caption
		k, ok := s.fixed[d]
		if !ok {
			continue
		}
		name := s.t.Dims[d].Name
		switch {
		case s.byUser[d]:
			out = append(out, keyLabel(name, k, lang))
		case name == "form" && k == kensho.Total:
			out = append(out, T(lang, "chart.total"))
		case k == kensho.Total:
			out = append(out, dimTitle(s.t.Dims[d], lang)+" "+kensho.TotalLabel.In(lang))
		default:
			out = append(out, keyLabel(name, k, lang))
		}
	}
	return out
}

func remove(xs []int, v int) []int {
	out := xs[:0:0]
	for _, x := range xs {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
