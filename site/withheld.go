package site

import (
	"strconv"

	"github.com/kensho-jp/kensho"
)

// No withheld value may look like a zero, a drop or a trend. A chart
// therefore draws each category (a year, a cause) in one of these ways:
//
//   - every part it stacks is published: the parts, in the order of the
//     series, so that the stacks of all categories line up;
//   - some part is withheld (X) but the total is published: the total
//     alone, as one hatched bar under its own name — never the published
//     parts with a gap where the withheld one was, which would move the
//     parts above it and shorten the bar;
//   - nothing published can stand for it (the total is withheld too, or
//     the one value is): no bar, and a hatched band marked X over the
//     category, so that the slot reads as withheld, not as zero.
//
// A one-series bar chart of the parts of a total (the causes of one year)
// marks its withheld bars so, and adds a bar for the withheld parts
// together when it may (fillRest). A chart with nothing left to draw is
// replaced by a sentence saying why.

// slot is how a category of a chart is drawn.
type slot uint8

const (
	slotDrawn    slot = iota // the values as published
	slotTotal                // the published total alone, hatched: some part is withheld
	slotWithheld             // nothing may be drawn: marked X
	slotEmpty                // nothing to draw: no value exists (…)
)

// fill is a bar that stands in for withheld parts, drawn in grey with a
// hatch so that it never reads as one more part.
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
		return b // nothing published to fall back on
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
	// slots says how each category is drawn (the extra one included).
	slots []slot
	// extra is the fill of a category added after the parts of a
	// one-series chart (fillNone when there is none).
	extra fill
	// nothing is why the chart draws nothing ("" when it draws something):
	// withheld, or zero.
	nothing string
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

// has reports whether some category is drawn as k.
func (p plot) has(k slot) bool {
	for _, s := range p.slots {
		if s == k {
			return true
		}
	}
	return false
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

// hatch is the pattern of whatever stands for withheld figures.
func hatch(color string) map[string]any {
	return map[string]any{
		"symbol": "rect", "symbolSize": 1, "dashArrayX": []int{1, 0}, "dashArrayY": []int{2, 5},
		"rotation": -0.785, "color": color,
	}
}

// fillStyle draws a fill in grey with a hatch, apart from every colour of
// the palette, so that it never reads as one more part.
func fillStyle(f fill) map[string]any {
	color := "#D9D9D9"
	if f == fillTotal {
		color = "#B3B3B3"
	}
	return map[string]any{"color": color, "decal": hatch("rgba(0,0,0,0.3)")}
}

// stackedParts reports whether the chart stacks the parts of a total it
// can fall back on: a bar chart with a series dimension that has a margin.
func (s *chartShape) stackedParts() bool {
	return s.stacked() && s.ix.hasKey(s.series, kensho.Total, s.fixed)
}

// stacked reports whether the chart stacks its series.
func (s *chartShape) stacked() bool { return s.t.Chart == "bar" && s.series >= 0 }

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
	p := plot{slots: make([]slot, n)}
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
	total := newPlotSeries(fillLabel(fillTotal, lang), n, fillTotal)
	for j, x := range s.xKeys {
		withheld, drawn := false, false
		for i := range s.sKeys {
			withheld = withheld || cells[i][j].Status == kensho.Suppressed
			drawn = drawn || cells[i][j].Status == kensho.Published
		}
		switch {
		case s.stacked() && withheld:
			// A stack with a withheld part: the published total alone, or nothing.
			p.slots[j] = slotWithheld
			if c := s.cell(x, kensho.Total); s.stackedParts() && c.Status == kensho.Published {
				p.slots[j], total.values[j] = slotTotal, chartValue(c, dec)
			}
			for i := range p.series {
				if c := cells[i][j]; c.Status == kensho.Published {
					// The published parts give way; the tooltip still says them.
					p.series[i].values[j], p.series[i].says[j] = "-", htmlCell(c, dec)
				}
			}
		case drawn:
			p.slots[j] = slotDrawn
		case withheld:
			p.slots[j] = slotWithheld
		default:
			p.slots[j] = slotEmpty
		}
	}
	if total.used() {
		p.series = append(p.series, total)
	}
	if s.barParts() {
		if b := breakdownOf(cells[0], s.cell([]string{kensho.Total}, ""), dec); b.fill == fillRest {
			// The published bars stay; the withheld ones together beside them.
			p.extra = b.fill
			p.labels = append(p.labels, fillLabel(b.fill, lang))
			p.slots = append(p.slots, slotDrawn)
			p.series[0].values = append(p.series[0].values, b.value)
			p.series[0].says = append(p.series[0].says, "")
		}
	}
	p.nothing = p.emptiness()
	return p
}

// emptiness says why a plot draws nothing: "withheld" when a figure is
// withheld, "zero" when every figure is zero or has no value; "" when it
// draws a bar or a point above zero.
func (p plot) emptiness() string {
	for _, ps := range p.series {
		for _, v := range ps.values {
			if f, ok := v.(float64); ok && f != 0 {
				return ""
			}
		}
	}
	if p.has(slotWithheld) || p.has(slotTotal) {
		return "withheld"
	}
	for _, ps := range p.series {
		for _, say := range ps.says {
			if say == symSuppressed {
				return "withheld"
			}
		}
	}
	return "zero"
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
