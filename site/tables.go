package site

import (
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// tableView is an accessible HTML table: a caption, column headings with
// scope, row headings with scope, and a legend of the symbols it uses.
type tableView struct {
	Lang    string
	ID      string
	Caption string
	Scope   string // what the table holds fixed, under the caption
	Head    [][]thView
	Rows    []rowView
	Legend  []string
	Notes   []string
	// ChangesHref links a table that shows revised figures to the page of
	// changes since the previous release (linkChanges); "" for none.
	ChangesHref string
	revised     bool // some cell shows the mark r
}

// wideColumns is the number of columns from which a table is wide: on
// paper its column headings turn sideways to fit the page.
const wideColumns = 12

// Wide reports whether the table has wideColumns columns or more.
func (tv tableView) Wide() bool {
	n := 0
	if len(tv.Rows) > 0 {
		n = len(tv.Rows[0].Heads) + len(tv.Rows[0].Cells)
	}
	return n >= wideColumns
}

type thView struct {
	Text    string
	Tag     string // a short marker after the text (集計途中, partial)
	Colspan int
	Rowspan int
	Scope   string // col, colgroup, row
	Num     bool
}

type rowView struct {
	Heads []thView
	Cells []tdView
	Break bool // the first row after a series break
}

type tdView struct {
	Text  string
	Class string // num, zero, x, na
	// Revised: the figure was revised since the previous release; it is
	// followed by the mark r. Only a published figure is.
	Revised bool
}

// symbols collects which symbols a table uses, for its legend.
type symbols struct{ x, zero, na, r bool }

func (s *symbols) add(c kensho.Cell, decimals int) tdView {
	td := tdView{Text: htmlCell(c, decimals), Class: "num"}
	if c.Revised && c.Status == kensho.Published {
		s.r, td.Revised = true, true
	}
	switch kindOf(c, decimals) {
	case kindSuppressed:
		s.x, td.Class = true, "num x"
	case kindZero:
		s.zero, td.Class = true, "num zero"
	case kindNA:
		s.na, td.Class = true, "num na"
	}
	return td
}

func (s symbols) legend(lang string) []string {
	var out []string
	if s.x {
		out = append(out, T(lang, "legend.X"))
	}
	if s.zero {
		out = append(out, T(lang, "legend.zero"))
	}
	if s.na {
		out = append(out, T(lang, "legend.na"))
	}
	if s.r {
		out = append(out, T(lang, "legend.r"))
	}
	return out
}

// finish gives a table the legend of the symbols it uses.
func (s symbols) finish(tv *tableView, lang string) {
	tv.Legend = s.legend(lang)
	tv.revised = s.r
}

// linkChanges links a table that shows revised figures to the page of
// changes, whose address below the page's language root is langRoot-relative.
func linkChanges(tv *tableView, langRoot string) {
	if tv != nil && tv.revised {
		tv.ChangesHref = langRoot + pageFile(changesSlug)
	}
}

// timeMarks are the partial years and series breaks a table or chart
// over fiscal years must show.
type timeMarks struct {
	partial map[int]bool
}

func newTimeMarks(rel *kensho.Release) timeMarks {
	m := timeMarks{partial: map[int]bool{}}
	for _, y := range rel.PartialYears {
		m.partial[y] = true
	}
	return m
}

// breaksIn returns the series breaks that fall inside a run of years: a
// break in year B matters when the years include one before B and one from B.
func breaksIn(years []int) []kensho.SeriesBreak {
	lo, hi, ok := yearRange(years)
	if !ok {
		return nil
	}
	var out []kensho.SeriesBreak
	for _, b := range kensho.SeriesBreaks {
		if lo < b.FiscalYear && b.FiscalYear <= hi {
			out = append(out, b)
		}
	}
	return out
}

func yearRange(years []int) (lo, hi int, ok bool) {
	for _, y := range years {
		if y == 0 {
			continue
		}
		if !ok || y < lo {
			lo = y
		}
		if !ok || y > hi {
			hi = y
		}
		ok = true
	}
	return lo, hi, ok
}

// notes explains the partial years and breaks among years.
func (m timeMarks) notes(years []int, lang string) []string {
	var out []string
	var partial []string
	seen := map[int]bool{}
	for _, y := range years {
		if m.partial[y] && !seen[y] {
			seen[y] = true
			partial = append(partial, fiscalYearLabel(strconv.Itoa(y), lang))
		}
	}
	if len(partial) > 0 {
		out = append(out, Tf(lang, "note.partial", strings.Join(partial, listSep(lang))))
	}
	for _, b := range breaksIn(years) {
		out = append(out, Tf(lang, "note.break", fiscalYearLabel(strconv.Itoa(b.FiscalYear), lang), b.Text.In(lang)))
	}
	return out
}

// yearHead is a row heading for a fiscal year, tagged when partial.
func (m timeMarks) yearHead(text string, year int, lang string) thView {
	th := thView{Text: text, Scope: "row"}
	if m.partial[year] {
		th.Tag = T(lang, "mark.partial")
	}
	return th
}

// chartGrid is the numbers of a chart laid out as a table: one row per
// category and one column per series; a single series over fiscal years and
// quarters reads as years by quarters. The HTML table and the CSV under the
// chart are both this grid.
type chartGrid struct {
	corner string
	cols   []string
	rows   []gridRow
}

type gridRow struct {
	label   string // as a row heading
	compact string // as in the CSV and on the axis
	year    int
	cells   []kensho.Cell
}

func (s *chartShape) grid(lang string) chartGrid {
	g := chartGrid{corner: s.xTitle(lang)}
	years := s.years()
	if len(s.x) == 2 && s.series < 0 {
		g.corner = dimTitle(s.t.Dims[s.x[0]], lang)
		var quarters []string
		seenQ := map[string]bool{}
		for _, x := range s.xKeys {
			if !seenQ[x[1]] {
				seenQ[x[1]] = true
				quarters = append(quarters, x[1])
			}
		}
		sortNumericKeys(quarters)
		for _, q := range quarters {
			g.cols = append(g.cols, quarterLabel(q, lang))
		}
		for i, x := range s.xKeys {
			if i > 0 && s.xKeys[i-1][0] == x[0] {
				continue
			}
			row := gridRow{label: fiscalYearLabel(x[0], lang), compact: x[0], year: years[i]}
			for _, q := range quarters {
				row.cells = append(row.cells, s.cell([]string{x[0], q}, ""))
			}
			g.rows = append(g.rows, row)
		}
		return g
	}
	// The total beside its parts: what a stacked bar reaches, and what the
	// chart draws where parts are withheld.
	keys := s.sKeys
	if s.stackedParts() {
		keys = append(keys[:len(keys):len(keys)], kensho.Total)
	}
	for _, k := range keys {
		g.cols = append(g.cols, s.seriesLabel(k, lang))
	}
	for i, x := range s.xKeys {
		row := gridRow{label: s.xLabel(x, lang, false), compact: s.xLabel(x, lang, true), year: years[i]}
		for _, k := range keys {
			row.cells = append(row.cells, s.cell(x, k))
		}
		g.rows = append(g.rows, row)
	}
	if s.barParts() {
		total := kensho.TotalLabel.In(lang)
		g.rows = append(g.rows, gridRow{label: total, compact: total, cells: []kensho.Cell{s.cell([]string{kensho.Total}, "")}})
	}
	return g
}

// chartTable is the table under a chart: the same numbers in the same
// shape as the chart's CSV.
func chartTable(s *chartShape, p plot, m timeMarks, id, lang string) tableView {
	tv := tableView{Lang: lang, ID: id, Caption: s.t.Title.In(lang) + " — " + measureTitle(s.t.Measures[s.measure], lang)}
	tv.Scope = strings.Join(s.scope(lang), listSep(lang))
	g := s.grid(lang)
	head := []thView{{Text: g.corner, Scope: "col"}}
	for _, c := range g.cols {
		head = append(head, thView{Text: c, Scope: "col", Num: true})
	}
	tv.Head = [][]thView{head}
	years := s.years()
	breaks := map[int]bool{}
	for _, b := range breaksIn(years) {
		breaks[b.FiscalYear] = true
	}
	var sym symbols
	dec := s.t.Measures[s.measure].Decimals
	prevYear := 0
	for _, gr := range g.rows {
		row := rowView{Heads: []thView{m.yearHead(gr.label, gr.year, lang)}}
		row.Break = breaks[gr.year] && gr.year != prevYear
		prevYear = gr.year
		for _, c := range gr.cells {
			row.Cells = append(row.Cells, sym.add(c, dec))
		}
		tv.Rows = append(tv.Rows, row)
	}
	sym.finish(&tv, lang)
	tv.Notes = m.notes(years, lang)
	if p.nothing == "" {
		for _, f := range p.fills() {
			tv.Notes = append(tv.Notes, fillNote(f, lang))
		}
		if p.has(slotWithheld) {
			tv.Notes = append(tv.Notes, T(lang, "note.withheldslot"))
		}
	}
	return tv
}

// fullTable shows every figure of a table restricted to fixed: every
// dimension left as row headings, except the form, which becomes columns
// under each measure so that the forms sit side by side.
func fullTable(t *kensho.StatTable, ix *index, fixedByName map[string]string, m timeMarks, id, lang string) tableView {
	fixed := map[int]string{}
	for name, k := range fixedByName {
		if d, ok := ix.dim[name]; ok {
			fixed[d] = k
		}
	}
	var free []int
	for d := range t.Dims {
		if _, isFixed := fixed[d]; !isFixed {
			free = append(free, d)
		}
	}
	// The column dimension: the form, so that the forms sit side by side;
	// else, for a single measure over two or more dimensions, the last one
	// (a cross table reads as a grid), unless it has too many keys to fit.
	col := -1
	formDim, hasForm := ix.dim["form"]
	switch {
	case hasForm && contains(free, formDim) && len(t.Measures) <= maxFormMeasures:
		col = formDim
	case hasForm && contains(free, formDim):
		// Too many measures to repeat for each form: the form stays a row heading.
	case len(t.Measures) == 1 && len(free) >= 2:
		if last := free[len(free)-1]; len(ix.keysOf(last, fixed, false)) <= maxPivotColumns {
			col = last
		}
	}
	var rowDims []int
	for _, d := range free {
		if d != col {
			rowDims = append(rowDims, d)
		}
	}
	colKeys := []string{""}
	if col >= 0 {
		colKeys = ix.keysOf(col, fixed, false)
		if t.Dims[col].Name == "form" {
			// The margin first: both forms together, then each form.
			colKeys = totalFirst(colKeys)
		}
	}
	tv := tableView{Lang: lang, ID: id, Caption: t.Title.In(lang)}
	var scope []string
	for d := range t.Dims { // dimension order, for a stable caption
		if k, ok := fixed[d]; ok {
			scope = append(scope, keyLabel(t.Dims[d].Name, k, lang))
		}
	}
	tv.Scope = strings.Join(scope, listSep(lang))

	// Headings.
	nHead := 1
	if col >= 0 && len(t.Measures) > 1 {
		nHead = 2
	}
	first := []thView{}
	for _, d := range rowDims {
		first = append(first, thView{Text: dimTitle(t.Dims[d], lang), Scope: "col", Rowspan: nHead})
	}
	if len(rowDims) == 0 {
		first = append(first, thView{Text: "", Scope: "col", Rowspan: nHead})
	}
	var second []thView
	for _, ms := range t.Measures {
		if col < 0 {
			first = append(first, thView{Text: measureTitle(ms, lang), Scope: "col", Num: true})
			continue
		}
		if nHead == 2 {
			first = append(first, thView{Text: measureTitle(ms, lang), Scope: "colgroup", Colspan: len(colKeys), Num: true})
			for _, ck := range colKeys {
				second = append(second, thView{Text: keyLabel(t.Dims[col].Name, ck, lang), Scope: "col", Num: true})
			}
		} else {
			for _, ck := range colKeys {
				first = append(first, thView{Text: keyLabel(t.Dims[col].Name, ck, lang), Scope: "col", Num: true})
			}
		}
	}
	tv.Head = [][]thView{first}
	if second != nil {
		tv.Head = append(tv.Head, second)
	}
	if col >= 0 && len(t.Measures) == 1 {
		tv.Caption += " — " + measureTitle(t.Measures[0], lang)
	}

	// Rows: each distinct key of the row dimensions, in row order.
	var years []int
	fyDim, hasFY := ix.dim["fiscal_year"]
	seen := map[string]bool{}
	var rowKeys [][]string
	for _, r := range t.Rows {
		if !ix.matches(r, fixed) {
			continue
		}
		k := make([]string, len(rowDims))
		for i, d := range rowDims {
			k[i] = r.Key[d]
		}
		if seen[joinKey(k)] {
			continue
		}
		seen[joinKey(k)] = true
		rowKeys = append(rowKeys, k)
	}
	breakYears := map[int]bool{}
	if hasFY && contains(rowDims, fyDim) {
		for _, r := range rowKeys {
			for i, d := range rowDims {
				if d == fyDim {
					y, _ := strconv.Atoi(r[i])
					years = append(years, y)
				}
			}
		}
		for _, b := range breaksIn(years) {
			breakYears[b.FiscalYear] = true
		}
	}
	var sym symbols
	prevYear := 0
	for _, rk := range rowKeys {
		var row rowView
		year := 0
		for i, d := range rowDims {
			th := thView{Text: keyLabel(t.Dims[d].Name, rk[i], lang), Scope: "row"}
			if d == fyDim && hasFY {
				year, _ = strconv.Atoi(rk[i])
				th = m.yearHead(th.Text, year, lang)
			}
			row.Heads = append(row.Heads, th)
		}
		if len(rowDims) == 0 {
			row.Heads = []thView{{Text: tv.Scope, Scope: "row"}}
		}
		if breakYears[year] && year != prevYear {
			row.Break = true
		}
		prevYear = year
		for mi, ms := range t.Measures {
			for _, ck := range colKeys {
				key := make([]string, len(t.Dims))
				for d, k := range fixed {
					key[d] = k
				}
				for i, d := range rowDims {
					key[d] = rk[i]
				}
				if col >= 0 {
					key[col] = ck
				}
				row.Cells = append(row.Cells, sym.add(ix.cell(key, mi), ms.Decimals))
			}
		}
		tv.Rows = append(tv.Rows, row)
	}
	sym.finish(&tv, lang)
	if y, ok := fixedByName["fiscal_year"]; ok {
		n, _ := strconv.Atoi(y)
		years = append(years, n)
	}
	tv.Notes = m.notes(years, lang)
	return tv
}

// maxPivotColumns is the most keys a dimension may have to be spread
// over columns in a full table; maxFormMeasures the most measures a table
// may have for its forms to sit side by side under each.
const (
	maxPivotColumns = 14
	maxFormMeasures = 3
)

// totalFirst moves Total to the front, keeping the order of the rest.
func totalFirst(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k == kensho.Total {
			out = append(out, k)
		}
	}
	for _, k := range keys {
		if k != kensho.Total {
			out = append(out, k)
		}
	}
	return out
}

// needsFull reports whether the full table holds figures the chart does
// not: the forms apart, other measures, or a dimension the chart holds at
// its margin.
func needsFull(s *chartShape) bool {
	if len(s.t.Measures) > 1 {
		return true
	}
	for d := range s.fixed {
		if !s.byUser[d] {
			return true
		}
	}
	return false
}
