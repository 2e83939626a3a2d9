package site

import (
	"maps"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// headlineView is the block of key figures of a year.
type headlineView struct {
	Heading string
	Note    string
	Items   []headlineItem
	Empty   string
}

type headlineItem struct {
	Label  string
	Value  string
	Unit   string
	Change string
	Trend  string // up, down, flat, none: for styling only; the text says it
	Href   string
}

// headlineSpec picks a key figure: the first table, in page order, that is
// over fiscal years, counts exactly the accidents of filter (all of them
// when nil) and has a measure of the magnitude (and the dimensions of
// keys); every other dimension at its margin.
//
// The serious accidents are those reported as serious accidents
// (serious_by_year_category, the table of report_type serious), the count
// the generated summary gives, so that the key figures and the summary
// never disagree.
type headlineSpec struct {
	label     string
	magnitude kensho.Magnitude
	filter    map[string]string
	keys      map[string]string
}

var headlineSpecs = []headlineSpec{
	{"headline.accidents", kensho.MagAccidents, nil, nil},
	{"headline.serious", kensho.MagAccidents, map[string]string{"report_type": "serious"}, nil},
	{"headline.users", kensho.MagAffectedUsers, nil, nil},
	{"headline.userhours", kensho.MagUserHours, nil, nil},
}

// figure locates one key figure.
type figure struct {
	t       *kensho.StatTable
	ix      *index
	measure int
	keys    map[string]string
}

func (r *renderer) findFigure(spec headlineSpec) (figure, bool) {
	// A table whose first measure is the magnitude is the table about it;
	// only without one does another table's second measure serve.
	for _, firstOnly := range []bool{true, false} {
		if f, ok := r.findFigureIn(spec, firstOnly); ok {
			return f, true
		}
	}
	return figure{}, false
}

func (r *renderer) findFigureIn(spec headlineSpec, firstOnly bool) (figure, bool) {
	for _, t := range r.ordered {
		ix := r.idx[t.Name]
		if _, ok := ix.dim["fiscal_year"]; !ok || !maps.Equal(t.Filter, spec.filter) {
			continue
		}
		m := -1
		for i, ms := range t.Measures {
			if ms.Magnitude == spec.magnitude && (i == 0 || !firstOnly) {
				m = i
				break
			}
		}
		if m < 0 {
			continue
		}
		ok := true
		for d := range spec.keys {
			if _, has := ix.dim[d]; !has {
				ok = false
			}
		}
		if !ok {
			continue
		}
		return figure{t: t, ix: ix, measure: m, keys: spec.keys}, true
	}
	return figure{}, false
}

// at returns the figure's cell in year y.
func (f figure) at(y int) kensho.Cell {
	key := make([]string, len(f.t.Dims))
	for i, d := range f.t.Dims {
		switch {
		case d.Name == "fiscal_year":
			key[i] = strconv.Itoa(y)
		case f.keys[d.Name] != "":
			key[i] = f.keys[d.Name]
		default:
			key[i] = kensho.Total
		}
	}
	return f.ix.cell(key, f.measure)
}

// headline builds the key figures of year y and their change on the year
// before. A partial year is not compared: the change would mislead.
func (r *renderer) headline(lang string, y int, langRoot string) *headlineView {
	ys := strconv.Itoa(y)
	hv := &headlineView{Heading: Tf(lang, "headline.heading", fiscalYearLabel(ys, lang))}
	for _, spec := range headlineSpecs {
		f, ok := r.findFigure(spec)
		if !ok {
			continue
		}
		c := f.at(y)
		if c.Status == kensho.NotApplicable {
			continue
		}
		ms := f.t.Measures[f.measure]
		slug := f.t.Page
		if slug == "overview" {
			slug = ""
		}
		it := headlineItem{
			Label: T(lang, spec.label), Value: htmlCell(c, ms.Decimals), Unit: ms.Unit.In(lang),
			Trend: "none", Href: langRoot + pageFile(slug) + "#" + f.t.Name,
		}
		prev := f.at(y - 1)
		switch {
		case r.marks.partial[y]:
			it.Change = T(lang, "headline.partial")
		case r.marks.partial[y-1] && prev.Status == kensho.Published:
			it.Change = T(lang, "headline.prevpartial")
		case c.Status != kensho.Published || prev.Status != kensho.Published:
			it.Change = T(lang, "headline.nochange")
		default:
			// From the figures as printed: the change tells a reader nothing
			// the two figures do not (a rounded figure's truth stays unseen).
			cur, was := published(c, ms.Decimals), published(prev, ms.Decimals)
			diff := cur - was
			pct := "…"
			if was != 0 {
				pct = signed(diff/was*100, 1) + "%"
			}
			it.Change = Tf(lang, "headline.change", signed(diff, ms.Decimals), pct)
			switch d := fixed(diff, ms.Decimals, false); {
			case d == fixed(0, ms.Decimals, false):
				it.Trend = "flat"
			case diff > 0:
				it.Trend = "up"
			default:
				it.Trend = "down"
			}
		}
		hv.Items = append(hv.Items, it)
	}
	if len(hv.Items) == 0 {
		hv.Empty = T(lang, "headline.none")
	}
	return hv
}

// overviewHeadline shows the latest fiscal year, or, when it is partial,
// the latest complete one (a partial year's figures would read as a fall),
// saying so.
func (r *renderer) overviewHeadline(lang, langRoot string) *headlineView {
	y := r.rel.LatestYear
	if !r.marks.partial[y] {
		return r.headline(lang, y, langRoot)
	}
	for i := len(r.rel.FiscalYears) - 1; i >= 0; i-- {
		if c := r.rel.FiscalYears[i]; !r.marks.partial[c] {
			hv := r.headline(lang, c, langRoot)
			ys := fiscalYearLabel(strconv.Itoa(y), lang)
			hv.Note = Tf(lang, "headline.latest", ys, ys)
			return hv
		}
	}
	return r.headline(lang, y, langRoot)
}

// yoyView compares the last complete year with the one before, for each
// table of the overview that runs over fiscal years.
type yoyView struct {
	Heading string
	Tables  []tableView
	Empty   string
}

// comparedYears returns the last complete fiscal year and the year before
// it, when both have data and neither is partial.
func (r *renderer) comparedYears() (cur, prev int, ok bool) {
	have := map[int]bool{}
	for _, y := range r.rel.FiscalYears {
		have[y] = true
	}
	for i := len(r.rel.FiscalYears) - 1; i >= 0; i-- {
		y := r.rel.FiscalYears[i]
		if r.marks.partial[y] {
			continue
		}
		if have[y-1] && !r.marks.partial[y-1] {
			return y, y - 1, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

func (r *renderer) yoy(lang string) *yoyView {
	cur, prev, ok := r.comparedYears()
	if !ok {
		return &yoyView{Empty: T(lang, "yoy.none")}
	}
	cs, ps := strconv.Itoa(cur), strconv.Itoa(prev)
	v := &yoyView{Heading: Tf(lang, "yoy.heading", fiscalYearLabel(cs, lang), fiscalYearLabel(ps, lang))}
	for _, t := range r.byPage["overview"] {
		ix := r.idx[t.Name]
		if _, ok := ix.dim["fiscal_year"]; !ok {
			continue
		}
		if _, ok := ix.dim["quarter"]; ok {
			continue // quarters are compared in the seasonality table, not here
		}
		s, ok := newChartShape(t, ix, nil)
		if !ok {
			continue
		}
		v.Tables = append(v.Tables, yoyTable(s, cs, ps, lang))
	}
	if len(v.Tables) == 0 {
		v.Empty = T(lang, "yoy.none")
	}
	return v
}

// yoyTable lists, for each series of a chart and its total, the two years'
// figures, the change and the change in per cent. Only published figures
// are compared; anything else shows as its symbol.
func yoyTable(s *chartShape, cur, prev, lang string) tableView {
	ms := s.t.Measures[s.measure]
	tv := tableView{Lang: lang, ID: "yoy-" + s.t.Name, Caption: s.t.Title.In(lang) + " — " + measureTitle(ms, lang)}
	head := []thView{{Text: dimTitleOr(s, lang), Scope: "col"}}
	for _, h := range []string{fiscalYearLabel(prev, lang), fiscalYearLabel(cur, lang), T(lang, "yoy.change"), T(lang, "yoy.pct")} {
		head = append(head, thView{Text: h, Scope: "col", Num: true})
	}
	tv.Head = [][]thView{head}
	keys := append([]string{}, s.sKeys...)
	if s.series >= 0 {
		keys = append(keys, kensho.Total)
	}
	var sym symbols
	for _, k := range keys {
		label := s.seriesLabel(k, lang)
		if s.series >= 0 && k == kensho.Total {
			label = kensho.TotalLabel.In(lang)
		}
		pc, cc := s.cell([]string{prev}, k), s.cell([]string{cur}, k)
		row := rowView{Heads: []thView{{Text: label, Scope: "row"}}}
		row.Cells = append(row.Cells, sym.add(pc, ms.Decimals), sym.add(cc, ms.Decimals))
		if pc.Status == kensho.Published && cc.Status == kensho.Published {
			was := published(pc, ms.Decimals) // from the figures as printed, as a reader would
			d := published(cc, ms.Decimals) - was
			row.Cells = append(row.Cells, tdView{Text: signed(d, ms.Decimals), Class: "num"})
			if was != 0 {
				row.Cells = append(row.Cells, tdView{Text: signed(d/was*100, 1), Class: "num"})
			} else {
				row.Cells = append(row.Cells, sym.add(kensho.Cell{Status: kensho.NotApplicable}, 0))
			}
		} else {
			na := kensho.Cell{Status: kensho.NotApplicable}
			if pc.Status == kensho.Suppressed || cc.Status == kensho.Suppressed {
				na.Status = kensho.Suppressed // a change of a withheld figure is withheld too
			}
			row.Cells = append(row.Cells, sym.add(na, 0), sym.add(na, 0))
		}
		tv.Rows = append(tv.Rows, row)
	}
	sym.finish(&tv, lang)
	return tv
}

func dimTitleOr(s *chartShape, lang string) string {
	if s.series >= 0 {
		return dimTitle(s.t.Dims[s.series], lang)
	}
	return ""
}
