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
}

// chartOption builds the ECharts option of a chart with go-echarts and
// returns it as JSON. Only options are built here; no go-echarts renderer or
// asset host is ever used, so the page loads ECharts from the site itself.
func chartOption(s *chartShape, p plot, m timeMarks, lang string) (template.JS, int, bool, error) {
	ms := s.t.Measures[s.measure]
	labels := p.labels
	horizontal := s.t.Chart == "bar" && !s.yearAxis()
	stacked := s.series >= 0 && s.t.Chart == "bar"

	global := []charts.GlobalOpts{
		charts.WithAnimation(false), // no motion: faster, calmer, and still frames for print and tests
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(s.series >= 0), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "36", Bottom: gridBottom(s), ContainLabel: opts.Bool(true)}),
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

	marks := markOptions(s, m, labels, lang, horizontal)
	var built map[string]any
	switch s.t.Chart {
	case "bar":
		c := charts.NewBar()
		c.SetGlobalOptions(global...)
		c.SetXAxis(labels)
		for i, ps := range p.series {
			data := make([]opts.BarData, len(ps.values))
			for j, v := range ps.values {
				data[j] = opts.BarData{Value: v}
			}
			so := []charts.SeriesOpts{charts.WithBarChartOpts(opts.BarChart{Stack: stackName(stacked), BarWidth: ""})}
			if i == 0 {
				so = append(so, marks...)
			}
			c.AddSeries(ps.name, data, so...)
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
		for i, ps := range p.series {
			data := make([]opts.LineData, len(ps.values))
			for j, v := range ps.values {
				data[j] = opts.LineData{Value: v}
			}
			so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)})}
			if i == 0 {
				so = append(so, marks...)
			}
			c.AddSeries(ps.name, data, so...)
		}
		c.Validate()
		built = c.JSON()
	default:
		return "", 0, false, fmt.Errorf("table %s: chart %q is not bar, line or table", s.t.Name, s.t.Chart)
	}
	// Round-trip through plain JSON values to set what go-echarts has no
	// field for (aria data templates, label widths).
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
	option["aria"] = ariaOption(s.t.Title.In(lang), lang)
	delete(option, "toolbox") // no toolbox: its icons and save-as-image add weight and nothing for readers
	if horizontal {
		if axes, ok := option["yAxis"].([]any); ok && len(axes) > 0 {
			if ax, ok := axes[0].(map[string]any); ok {
				// Long Japanese labels wrap instead of crowding the bars out.
				ax["axisLabel"] = map[string]any{"show": true, "width": 150, "overflow": "break"}
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
		height = 28*len(labels) + 90
		if s.series >= 0 {
			height += 30
		}
		if height < 220 {
			height = 220
		}
	}
	return template.JS(bytes.TrimSpace(buf.Bytes())), height, horizontal, nil
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

func gridBottom(s *chartShape) string {
	if s.series >= 0 {
		return "40"
	}
	return "8"
}

func stackName(stacked bool) string {
	if stacked {
		return "total"
	}
	return ""
}

// markOptions marks the series breaks (a line before the first category of
// the year) and the partial years (a shaded band) on a chart over years.
func markOptions(s *chartShape, m timeMarks, labels []string, lang string, horizontal bool) []charts.SeriesOpts {
	if !s.yearAxis() || horizontal {
		return nil
	}
	years := s.years()
	var out []charts.SeriesOpts
	var lines []opts.MarkLineNameXAxisItem
	for _, b := range breaksIn(years) {
		for i, y := range years {
			if y == b.FiscalYear {
				lines = append(lines, opts.MarkLineNameXAxisItem{Name: T(lang, "mark.break") + " " + strconv.Itoa(b.FiscalYear), XAxis: labels[i]})
				break
			}
		}
	}
	if len(lines) > 0 {
		out = append(out,
			charts.WithMarkLineNameXAxisItemOpts(lines...),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop", Color: "#444"},
				LineStyle: &opts.LineStyle{Color: "#444", Type: "dashed", Width: 1.5},
			}),
		)
	}
	var areas [][]opts.MarkAreaData
	for i := 0; i < len(years); i++ {
		if !m.partial[years[i]] {
			continue
		}
		j := i
		for j+1 < len(years) && years[j+1] == years[i] {
			j++
		}
		areas = append(areas, []opts.MarkAreaData{
			{Name: T(lang, "mark.partial"), XAxis: labels[i]},
			{XAxis: labels[j]},
		})
		i = j
	}
	if len(areas) > 0 {
		out = append(out,
			charts.WithMarkAreaData(areas...),
			charts.WithMarkAreaStyleOpts(opts.MarkAreaStyle{
				ItemStyle: &opts.ItemStyle{Color: "rgba(120,120,120,0.12)"},
				Label:     &opts.Label{Show: opts.Bool(true), Position: "insideTop", Color: "#444"},
			}),
		)
	}
	return out
}

// ariaOption turns on ECharts' generated description for screen readers,
// in the page's language (ECharts ships only English and Chinese words).
func ariaOption(title, lang string) map[string]any {
	if lang == "en" {
		return map[string]any{
			"enabled": true,
			"label": map[string]any{
				"enabled": true,
				"general": map[string]any{"withTitle": "This is a chart about \"{title}\".", "withoutTitle": "This is a chart about \"" + title + "\"."},
			},
		}
	}
	return map[string]any{
		"enabled": true,
		"label": map[string]any{
			"enabled": true,
			"general": map[string]any{"withTitle": "「{title}」のグラフです。", "withoutTitle": "「" + title + "」のグラフです。"},
			"series": map[string]any{
				"maxCount": 12,
				"single":   map[string]any{"prefix": "", "withName": "系列「{seriesName}」。", "withoutName": ""},
				"multiple": map[string]any{
					"prefix": "{seriesCount}系列あります。", "withName": "系列「{seriesName}」。", "withoutName": "",
					"separator": map[string]any{"middle": "", "end": ""},
				},
			},
			"data": map[string]any{
				"maxCount": 20, "allData": "数値は", "partialData": "最初の{displayCnt}項目は",
				"withName": "{name}が{value}", "withoutName": "{value}",
				"separator": map[string]any{"middle": "、", "end": "です。"},
			},
		},
	}
}
