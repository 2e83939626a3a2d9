package site

import (
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// describe writes what a screen reader says for a chart, from its data, in
// the page's language: what it shows, the range of its values, the latest
// one, and what is withheld (X is read as "withheld", never as a letter).
// ECharts' own description reads every value of every series and knows no
// X; this one is a few sentences a listener can follow.
func describe(s *chartShape, p plot, lang string) string {
	ms := s.t.Measures[s.measure]
	dec := ms.Decimals
	en := lang == "en"
	var b strings.Builder
	sentence := func(ja, e string) {
		if en {
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString(e)
			return
		}
		b.WriteString(ja)
	}
	val := func(v float64) string { return quantity(v, dec, ms.Unit, lang) }

	// What is shown.
	kind := map[bool]kensho.Text{
		false: {Ja: "棒グラフ", En: "Bar chart"},
		true:  {Ja: "積み上げ棒グラフ", En: "Stacked bar chart"},
	}[s.stacked()]
	if s.t.Chart == "line" {
		kind = kensho.Text{Ja: "折れ線グラフ", En: "Line chart"}
	}
	n := len(s.xKeys)
	first, last := s.xLabel(s.xKeys[0], lang, false), s.xLabel(s.xKeys[n-1], lang, false)
	over := kensho.Text{
		Ja: s.xTitle("ja") + "別(" + strconv.Itoa(n) + "項目)",
		En: "by " + s.xTitle("en") + " (" + strconv.Itoa(n) + ")",
	}
	if s.yearAxis() {
		over = kensho.Text{Ja: first + "から" + last + "まで", En: "from " + first + " to " + last}
	}
	split := kensho.Text{}
	if s.series >= 0 {
		split = kensho.Text{Ja: "を" + dimTitle(s.t.Dims[s.series], "ja") + "別に", En: ", by " + dimTitle(s.t.Dims[s.series], "en")}
	}
	scope := strings.Join(s.scope(lang), listSep(lang))
	if scope != "" {
		scope = kensho.Text{Ja: "(" + scope + ")", En: " (" + scope + ")"}.In(lang)
	}
	sentence("「"+s.t.Title.Ja+"」の"+kind.Ja+"です。"+over.Ja+"の"+measureTitle(ms, "ja")+split.Ja+"示します"+scope+"。",
		kind.En+" of “"+s.t.Title.In("en")+"”: "+measureTitle(ms, "en")+" "+over.En+split.En+scope+".")
	if p.nothing != "" {
		sentence(T("ja", "chart.nothing."+p.nothing), T("en", "chart.nothing."+p.nothing))
		return b.String()
	}

	// The range and the latest value: of each category's whole (its total
	// when the chart stacks parts), or of every point of a line chart.
	type point struct {
		label string
		v     float64
	}
	var pts []point
	latest, latestSaid := "", false
	for j, x := range s.xKeys {
		c, whole := s.whole(x)
		label := s.xLabel(x, lang, false)
		if whole && c.Status == kensho.Published {
			pts = append(pts, point{label, published(c, dec)})
		}
		if j == n-1 && whole && s.yearAxis() {
			latestSaid = true
			if c.Status == kensho.Published {
				latest = val(published(c, dec))
			} else {
				latest = T(lang, "chart.withheld")
			}
		}
	}
	if s.t.Chart == "line" && s.series >= 0 {
		pts = pts[:0]
		for _, ps := range p.series {
			for j, v := range ps.values {
				if f, ok := v.(float64); ok {
					pts = append(pts, point{s.xLabel(s.xKeys[j], lang, false) + "・" + ps.name, f})
				}
			}
		}
	}
	if len(pts) > 0 {
		lo, hi := pts[0], pts[0]
		for _, pt := range pts[1:] {
			if pt.v < lo.v {
				lo = pt
			}
			if pt.v > hi.v {
				hi = pt
			}
		}
		what := kensho.Text{Ja: "値", En: "Values"}
		if s.stacked() {
			what = kensho.Text{Ja: "合計", En: "Totals"}
		}
		sentence(what.Ja+"は最小が"+lo.label+"の"+val(lo.v)+"、最大が"+hi.label+"の"+val(hi.v)+"です。",
			what.En+" range from "+val(lo.v)+" ("+lo.label+") to "+val(hi.v)+" ("+hi.label+").")
	}
	if latestSaid {
		sentence("最新の"+last+"は"+latest+"です。", "Latest, "+last+": "+latest+".")
	}

	// What is withheld.
	var none, totals, parts []string
	for j, k := range p.slots {
		if j >= n {
			break // the bar of the withheld parts together
		}
		label := s.xLabel(s.xKeys[j], lang, false)
		switch k {
		case slotWithheld:
			none = append(none, label)
		case slotTotal:
			totals = append(totals, label)
		}
		for _, ps := range p.series {
			if j < len(ps.says) && ps.says[j] == symSuppressed && k == slotDrawn {
				parts = append(parts, label+" "+ps.name)
			}
		}
	}
	if len(none) > 0 {
		sentence("秘匿(X)のため描いていないもの: "+list(none, "ja")+"。", "Withheld (X), not drawn: "+list(none, "en")+".")
	}
	if len(totals) > 0 {
		sentence("内訳の一部が秘匿(X)のため合計だけを描いたもの: "+list(totals, "ja")+"。",
			"Part of the breakdown withheld (X), the total alone drawn: "+list(totals, "en")+".")
	}
	if len(parts) > 0 {
		sentence("秘匿(X)の値: "+list(parts, "ja")+"。", "Withheld (X): "+list(parts, "en")+".")
	}
	if p.extra == fillRest {
		sentence("「"+fillLabel(fillRest, "ja")+"」は秘匿した値の合計です。", "“"+fillLabel(fillRest, "en")+"” is the withheld values together.")
	}
	return b.String()
}

// whole is the cell that stands for category x as a whole: the total of
// the parts a stacked chart stacks (when the table has it), or the one value
// of a chart of one series. ok is false when there is none.
func (s *chartShape) whole(x []string) (kensho.Cell, bool) {
	switch {
	case s.series < 0:
		return s.cell(x, ""), true
	case s.stackedParts():
		return s.cell(x, kensho.Total), true
	}
	return kensho.Cell{}, false
}

// quantity is a value with its unit, as a sentence says it: 3,552件,
// 3,552 accidents.
func quantity(v float64, decimals int, unit kensho.Text, lang string) string {
	n := fixed(v, decimals, true)
	u := unit.In(lang)
	switch {
	case u == "":
		return n
	case lang == "ja" || u == "%":
		return n + u
	}
	return n + " " + u
}

// list joins labels for a sentence, naming at most eight.
func list(labels []string, lang string) string {
	const most = 8
	if len(labels) <= most {
		return strings.Join(labels, listSep(lang))
	}
	more := strconv.Itoa(len(labels) - most)
	return strings.Join(labels[:most], listSep(lang)) + kensho.Text{Ja: "ほか" + more + "項目", En: " and " + more + " more"}.In(lang)
}
