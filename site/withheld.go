package site

import (
	"strconv"

	"github.com/kensho-jp/kensho"
)

// A bar chart draws the parts of a total: the series stacked in a bar, or
// the bars of a one-series chart over a coded dimension. When the
// disclosure control withheld some parts (X) but published their total,
// the published parts alone would draw an empty or a short bar where a
// total was published. The chart then draws what may be drawn in place of
// the withheld parts — never the value of one withheld cell.
type fill uint8

const (
	fillNone fill = iota
	// fillRest is the withheld parts together: the total less the
	// published parts, drawn only over two or more withheld parts, so that
	// no single one can be read from it.
	fillRest
	// fillTotal is the total alone, in place of every part (the parts that
	// were published stay in the tooltip and the table).
	fillTotal
)

// breakdown is how the parts of one total are drawn.
type breakdown struct {
	fill      fill
	value     float64 // the bar drawn for fill, at the measure's precision
	published int     // parts published
}

// breakdownOf decides how parts with a published total are drawn. The rest
// is computed from the figures as published (rounded to the measure's
// decimals), so it is exactly what a reader can compute from the table.
// With one withheld part the rest would be that part, so the total is
// drawn alone; so it is when a part has no value or the rest is not above
// zero (a rest of zero would tell that every withheld part is zero).
func breakdownOf(parts []kensho.Cell, total kensho.Cell, decimals int) breakdown {
	var b breakdown
	if total.Status != kensho.Published {
		return b // nothing published to fall back on: the parts are drawn as they are
	}
	withheld, other := 0, 0
	sum := 0.0
	for _, c := range parts {
		switch c.Status {
		case kensho.Published:
			b.published++
			sum += published(c, decimals)
		case kensho.Suppressed:
			withheld++
		default:
			other++
		}
	}
	if withheld == 0 {
		return b
	}
	whole := published(total, decimals)
	if rest := rounded(whole-sum, decimals); b.published > 0 && withheld >= 2 && other == 0 && rest > 0 {
		b.fill, b.value = fillRest, rest
		return b
	}
	b.fill, b.value = fillTotal, whole
	return b
}

// published is a published cell at the precision it is published with.
func published(c kensho.Cell, decimals int) float64 { return rounded(c.Value, decimals) }

func rounded(v float64, decimals int) float64 {
	r, _ := strconv.ParseFloat(fixed(v, decimals, false), 64)
	return r
}

// plot is what a chart draws: its categories and its series, the parts
// first, then the series that stand in for withheld parts.
type plot struct {
	labels []string
	series []plotSeries
	// extra is the fill of a category added after the parts of a
	// one-series chart (fillNone when there is none).
	extra fill
}

// plotSeries is one series: per category, the value drawn (a number, or
// "-", ECharts' empty value) and what the tooltip says where no number is
// drawn for a cell (X, …, or a published part that gave way to the total).
type plotSeries struct {
	name   string
	values []any
	says   []string
	fill   fill
}

func newPlotSeries(name string, n int, f fill) plotSeries {
	ps := plotSeries{name: name, values: make([]any, n), says: make([]string, n), fill: f}
	for i := range ps.values {
		ps.values[i] = "-"
	}
	return ps
}

// fills lists the fills the plot draws, in the order of their notes.
func (p plot) fills() []fill {
	var out []fill
	for _, f := range []fill{fillTotal, fillRest} {
		used := p.extra == f
		for _, ps := range p.series {
			used = used || ps.fill == f
		}
		if used {
			out = append(out, f)
		}
	}
	return out
}

// fillLabel names what a fill draws, in the legend or on the axis.
func fillLabel(f fill, lang string) string {
	if f == fillRest {
		return T(lang, "chart.rest")
	}
	return T(lang, "chart.totalonly")
}

// fillNote explains a fill under the chart's table.
func fillNote(f fill, lang string) string {
	if f == fillRest {
		return Tf(lang, "note.rest", fillLabel(f, lang))
	}
	return Tf(lang, "note.totalonly", fillLabel(f, lang))
}

// fillStyle draws a fill in grey with a hatch, apart from every colour of
// the palette, so that it never reads as one more part.
func fillStyle(f fill) map[string]any {
	color := "#D9D9D9"
	if f == fillTotal {
		color = "#B3B3B3"
	}
	return map[string]any{
		"color": color,
		"decal": map[string]any{
			"symbol": "rect", "symbolSize": 1, "dashArrayX": []int{1, 0}, "dashArrayY": []int{2, 5},
			"rotation": -0.785, "color": "rgba(0,0,0,0.3)",
		},
	}
}

// stackedParts reports whether the chart stacks the parts of a total it
// can fall back on: a bar chart with a series dimension that has a margin.
func (s *chartShape) stackedParts() bool {
	return s.t.Chart == "bar" && s.series >= 0 && s.ix.hasKey(s.series, kensho.Total, s.fixed)
}

// barParts reports whether a one-series bar chart draws the parts of a
// total: its axis is one coded dimension (not time) that has a margin.
func (s *chartShape) barParts() bool {
	return s.t.Chart == "bar" && s.series < 0 && len(s.x) == 1 && !s.yearAxis() &&
		s.ix.hasKey(s.x[0], kensho.Total, s.fixed)
}

// plot builds what the chart draws.
func (s *chartShape) plot(lang string) plot {
	dec := s.t.Measures[s.measure].Decimals
	n := len(s.xKeys)
	p := plot{}
	for _, x := range s.xKeys {
		p.labels = append(p.labels, s.xLabel(x, lang, true))
	}
	cells := make([][]kensho.Cell, len(s.sKeys)) // by series, then category
	for i, k := range s.sKeys {
		cells[i] = make([]kensho.Cell, n)
		ps := newPlotSeries(s.seriesLabel(k, lang), n, fillNone)
		for j, x := range s.xKeys {
			c := s.cell(x, k)
			cells[i][j] = c
			ps.values[j] = chartValue(c, dec)
			if c.Status != kensho.Published {
				ps.says[j] = htmlCell(c, dec)
			}
		}
		p.series = append(p.series, ps)
	}
	switch {
	case s.stackedParts():
		rest := newPlotSeries(fillLabel(fillRest, lang), n, fillRest)
		total := newPlotSeries(fillLabel(fillTotal, lang), n, fillTotal)
		parts := make([]kensho.Cell, len(s.sKeys))
		for j, x := range s.xKeys {
			for i := range s.sKeys {
				parts[i] = cells[i][j]
			}
			b := breakdownOf(parts, s.cell(x, kensho.Total), dec)
			switch b.fill {
			case fillRest:
				rest.values[j] = b.value
			case fillTotal:
				total.values[j] = b.value
				for i := range p.series {
					// The published parts give way to the total; the tooltip still says them.
					if c := cells[i][j]; c.Status == kensho.Published {
						p.series[i].values[j], p.series[i].says[j] = "-", htmlCell(c, dec)
					}
				}
			}
		}
		for _, fs := range []plotSeries{rest, total} {
			if fs.used() {
				p.series = append(p.series, fs)
			}
		}
	case s.barParts():
		b := breakdownOf(cells[0], s.cell([]string{kensho.Total}, ""), dec)
		if b.fill == fillTotal && b.published > 0 {
			break // the published bars stay: the total is no bar of this chart
		}
		if b.fill != fillNone {
			p.extra = b.fill
			p.labels = append(p.labels, fillLabel(b.fill, lang))
			p.series[0].values = append(p.series[0].values, b.value)
			p.series[0].says = append(p.series[0].says, "")
		}
	}
	return p
}

// used reports whether a series draws anything.
func (ps plotSeries) used() bool {
	for _, v := range ps.values {
		if v != "-" {
			return true
		}
	}
	return false
}
