package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// palette: Paul Tol's colour-blind-safe "muted" scheme with its light
// grey last, so neighbouring series differ for every reader.
var palette = []string{
	"#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
	"#CC6677", "#882255", "#AA4499", "#6699CC", "#661100", "#888888",
}

// chartView is one chart: the ECharts option (drawn by assets/site.js when
// JavaScript runs) and the table with the same numbers, which is the
// content when it does not.
type chartView struct {
	Lang       string
	ID         string
	Option     template.JS
	Height     int
	Table      tableView
	CSVHref    string
	TableHref  string
	Full       *tableView
	FullOpen   bool // the full table shown as is (annual report), not folded
	Horizontal bool
	// Legend names the series in their colours; it wraps below the chart.
	Legend []legendItem
	// Nothing, when set, is why there is no chart: the sentence shown in
	// its place, above the table.
	Nothing string
}

// legendItem is one series of a chart's legend.
type legendItem struct {
	Name, Color string
	Hatched     bool
}

// chartOption builds the ECharts option of a chart with go-echarts and
// returns it as JSON. Only options are built here; no go-echarts renderer or
// asset host is ever used, so the page loads ECharts from the site itself.
func chartOption(s *chartShape, p plot, m timeMarks, lang string) (template.JS, int, bool, error) {
	ms := s.t.Measures[s.measure]
	labels := p.labels
	horizontal := s.t.Chart == "bar" && !s.yearAxis()

	global := []charts.GlobalOpts{
		charts.WithAnimation(false), // no motion: faster, calmer, and still frames for print and tests
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Trigger: "axis"}),
		// The legend is HTML below the chart (it wraps on a phone); ECharts
		// keeps one, hidden, for the series it toggles.
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "36", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
	}
	valueAxisName := ms.Unit.In(lang)
	if horizontal {
		global = append(global,
			charts.WithXAxisOpts(opts.XAxis{Type: "value"}), // the unit is in the caption: a name here would crowd the last tick
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)}}),
		)
	} else {
		global = append(global,
			charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: "", AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), HideOverlap: opts.Bool(true)}}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: valueAxisName, AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)}}),
		)
	}

	var built map[string]any
	switch s.t.Chart {
	case "bar":
		c := charts.NewBar()
		c.SetGlobalOptions(global...)
		c.SetXAxis(labels)
		for _, ps := range p.series {
			data := make([]opts.BarData, len(ps.values))
			for j, v := range ps.values {
				data[j] = opts.BarData{Value: v}
			}
			c.AddSeries(ps.name, data, charts.WithBarChartOpts(opts.BarChart{Stack: stackName(s.stacked()), BarWidth: ""}))
		}
		if horizontal {
			c.XYReversal()
		}
		c.Validate()
		built = c.JSON()
	case "line":
		c := charts.NewLine()
		c.SetGlobalOptions(global...)
		c.SetXAxis(labels)
		for _, ps := range p.series {
			data := make([]opts.LineData, len(ps.values))
			for j, v := range ps.values {
				data[j] = opts.LineData{Value: v}
			}
			c.AddSeries(ps.name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
		}
		c.Validate()
		built = c.JSON()
	default:
		return "", 0, false, fmt.Errorf("table %s: chart %q is not bar, line or table", s.t.Name, s.t.Chart)
	}
	// Round-trip through plain JSON values to set what go-echarts has no
	// field for (aria description, marks, label widths).
	raw, err := json.Marshal(built)
	if err != nil {
		return "", 0, false, fmt.Errorf("table %s: chart option: %w", s.t.Name, err)
	}
	var option map[string]any
	if err := json.Unmarshal(raw, &option); err != nil {
		return "", 0, false, fmt.Errorf("table %s: chart option: %w", s.t.Name, err)
	}
	if err := markCells(option, p); err != nil {
		return "", 0, false, fmt.Errorf("table %s: chart option: %w", s.t.Name, err)
	}
	addMarks(option, s, p, m, lang, horizontal)
	option["aria"] = map[string]any{"enabled": true, "label": map[string]any{"enabled": true, "description": describe(s, p, lang)}}
	delete(option, "toolbox") // no toolbox: its icons and save-as-image add weight and nothing for readers
	if horizontal {
		if axes, ok := option["yAxis"].([]any); ok && len(axes) > 0 {
			if ax, ok := axes[0].(map[string]any); ok {
				// Long Japanese labels wrap instead of crowding the bars out
				// (assets/site.js narrows them on a phone).
				ax["axisLabel"] = map[string]any{"show": true, "width": 180, "overflow": "break"}
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // <, > and & as \u003c...: the JSON cannot close its script element
	if err := enc.Encode(option); err != nil {
		return "", 0, false, fmt.Errorf("table %s: chart option: %w", s.t.Name, err)
	}
	height := 340
	if horizontal {
		height = 28*len(labels) + 70
		if s.series >= 0 {
			height += 20
		}
		if height < 200 {
			height = 200
		}
	}
	return template.JS(bytes.TrimSpace(buf.Bytes())), height, horizontal, nil
}

// legendOf lists the series of a chart in the colours ECharts draws them;
// nil for a chart of one series, which its caption names.
func legendOf(s *chartShape, p plot) []legendItem {
	if s.series < 0 {
		return nil
	}
	var out []legendItem
	for i, ps := range p.series {
		it := legendItem{Name: ps.name, Color: palette[i%len(palette)]}
		if ps.fill != fillNone {
			it.Color, it.Hatched = fillStyle(ps.fill)["color"].(string), true
		}
		out = append(out, it)
	}
	return out
}

// markCells sets what go-echarts has no field for on the series' data:
// cellText, which assets/site.js shows in the tooltip where no number is
// drawn for a cell (X as in the table, not ECharts' "-"), and the style of
// the bars that stand in for withheld parts.
func markCells(option map[string]any, p plot) error {
	series, ok := option["series"].([]any)
	if !ok || len(series) != len(p.series) {
		return fmt.Errorf("%d series built for %d planned", len(series), len(p.series))
	}
	for i, ps := range p.series {
		sm, ok := series[i].(map[string]any)
		if !ok {
			return fmt.Errorf("series %d is not an object", i)
		}
		items, ok := sm["data"].([]any)
		if !ok || len(items) != len(ps.values) {
			return fmt.Errorf("series %d: %d points built for %d planned", i, len(items), len(ps.values))
		}
		for j, say := range ps.says {
			item, ok := items[j].(map[string]any)
			if !ok {
				return fmt.Errorf("series %d point %d is not an object", i, j)
			}
			if say != "" {
				item["cellText"] = say
			}
			if p.extra != fillNone && j == len(items)-1 {
				item["itemStyle"] = fillStyle(p.extra)
			}
		}
		if ps.fill != fillNone {
			sm["itemStyle"] = fillStyle(ps.fill)
		}
	}
	return nil
}

func stackName(stacked bool) string {
	if stacked {
		return "total"
	}
	return ""
}

// addMarks draws on the first series what is not a value: a band marked X
// over each category nothing may be drawn for (withheld), a grey band over
// the partial years, and a dashed line between the years on either side of
// a series break, labelled where it does not cover a bar.
func addMarks(option map[string]any, s *chartShape, p plot, m timeMarks, lang string, horizontal bool) {
	series, _ := option["series"].([]any)
	if len(series) == 0 {
		return
	}
	first, _ := series[0].(map[string]any)
	axis := "xAxis"
	if horizontal {
		axis = "yAxis"
	}
	var areas []any
	for i, k := range p.slots {
		if k != slotWithheld {
			continue
		}
		areas = append(areas, []any{
			map[string]any{
				axis: p.labels[i], "name": symSuppressed,
				"itemStyle": map[string]any{"color": "rgba(89,97,109,0.10)", "borderColor": "rgba(89,97,109,0.45)", "borderWidth": 1, "borderType": "dashed"},
				"label": map[string]any{"show": true, "position": map[bool]string{false: "insideBottom", true: "insideLeft"}[horizontal],
					"formatter": symSuppressed, "color": "#1b1f24", "fontWeight": "bold", "fontSize": 13},
			},
			map[string]any{axis: p.labels[i]},
		})
	}
	years := s.years()
	if s.yearAxis() && !horizontal {
		for i := 0; i < len(years); i++ {
			if !m.partial[years[i]] {
				continue
			}
			j := i
			for j+1 < len(years) && years[j+1] == years[i] {
				j++
			}
			areas = append(areas, []any{
				map[string]any{axis: p.labels[i], "name": T(lang, "mark.partial"),
					"itemStyle": map[string]any{"color": "rgba(120,120,120,0.12)"},
					"label":     map[string]any{"show": true, "position": "insideTop", "color": "#1b1f24"}},
				map[string]any{axis: p.labels[j]},
			})
			i = j
		}
		var lines []any
		for _, b := range breaksIn(years) {
			for i, y := range years {
				if y == b.FiscalYear && i > 0 {
					// Between the last category before the break and the first from it.
					// ECharts puts a line on a category's middle; assets/site.js
					// moves it to the boundary "between" names.
					lines = append(lines, map[string]any{axis: p.labels[i], "between": []string{p.labels[i-1], p.labels[i]},
						"name": T(lang, "mark.break") + " " + fiscalYearLabel(strconv.Itoa(b.FiscalYear), lang)})
					break
				}
			}
		}
		if len(lines) > 0 {
			first["markLine"] = map[string]any{
				"silent": true, "symbol": []string{"none", "none"}, "data": lines,
				"lineStyle": map[string]any{"color": "#1b1f24", "type": "dashed", "width": 1.5},
				"label": map[string]any{"show": true, "formatter": "{b}", "position": "end", "color": "#1b1f24",
					"backgroundColor": "#ffffff", "padding": []int{2, 4}, "borderRadius": 2, "fontSize": 11},
			}
		}
	}
	if len(areas) > 0 {
		first["markArea"] = map[string]any{"silent": true, "data": areas}
	}
}
