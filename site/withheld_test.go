package site

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kensho-jp/kensho"
)

// secret is the value of every withheld cell below; it must never be drawn.
const secret = 987654

func pub(v float64) kensho.Cell { return kensho.Cell{Value: v, Status: kensho.Published} }

var withheld = kensho.Cell{Value: secret, Status: kensho.Suppressed}

func TestBreakdownOf(t *testing.T) {
	na := kensho.Cell{Status: kensho.NotApplicable}
	tests := []struct {
		name     string
		parts    []kensho.Cell
		total    kensho.Cell
		decimals int
		want     breakdown
	}{
		{"all published", []kensho.Cell{pub(1), pub(2)}, pub(3), 0, breakdown{published: 2}},
		{"total withheld", []kensho.Cell{pub(1), withheld, withheld}, withheld, 0, breakdown{}},
		{"every part withheld", []kensho.Cell{withheld, withheld}, pub(7), 0, breakdown{fill: fillTotal, value: 7}},
		{"two withheld beside published", []kensho.Cell{pub(10), withheld, pub(30), withheld}, pub(100), 0, breakdown{fill: fillRest, value: 60, published: 2}},
		// The rest of one withheld part would be that part: the total is drawn alone.
		{"one withheld", []kensho.Cell{pub(10), withheld, pub(30)}, pub(100), 0, breakdown{fill: fillTotal, value: 100, published: 2}},
		// A rest of zero would tell that each withheld part is zero.
		{"rest zero", []kensho.Cell{pub(5), withheld, withheld}, pub(5), 0, breakdown{fill: fillTotal, value: 5, published: 1}},
		{"a part without value", []kensho.Cell{pub(5), withheld, withheld, na}, pub(9), 0, breakdown{fill: fillTotal, value: 9, published: 1}},
		// The rest is computed from the figures as published, not from the exact values.
		{"rounded", []kensho.Cell{pub(1.04), withheld, withheld, pub(2.04)}, pub(10.04), 1, breakdown{fill: fillRest, value: 7, published: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := breakdownOf(tt.parts, tt.total, tt.decimals)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(breakdown{})); diff != "" {
				t.Errorf("breakdownOf (-want +got):\n%s", diff)
			}
		})
	}
}

// withheldTable is accidents by fiscal year and cause group, one year for
// each way a breakdown can be withheld.
func withheldTable(chart string) *kensho.StatTable {
	groups := []string{"equipment", "human", "external", "unknown"}
	t := &kensho.StatTable{Name: "withheld", Chart: chart, Page: "overview",
		Title: kensho.Text{Ja: "事故件数", En: "accidents"},
		Dims:  []kensho.Dim{{Name: "fiscal_year"}, {Name: "cause_group"}},
		Measures: []kensho.Measure{{Name: "accidents", Title: kensho.Text{Ja: "事故件数", En: "accidents"},
			Unit: kensho.Text{Ja: "件", En: "accidents"}, Magnitude: kensho.MagAccidents}},
	}
	for _, y := range []struct {
		year  int
		parts []kensho.Cell
		total kensho.Cell
	}{
		{2019, []kensho.Cell{pub(10), pub(20), pub(30), pub(40)}, pub(100)},
		{2020, []kensho.Cell{withheld, withheld, withheld, withheld}, pub(104)},        // the total alone
		{2021, []kensho.Cell{pub(11), withheld, pub(33), withheld}, pub(110)},          // the total alone; of one year, the rest: 66
		{2022, []kensho.Cell{pub(12), withheld, pub(34), pub(45)}, pub(120)},           // the total alone
		{2023, []kensho.Cell{withheld, withheld, withheld, withheld}, withheld},        // nothing to draw: marked X
		{2024, []kensho.Cell{pub(1200), withheld, pub(2345), withheld}, pub(3545 + 7)}, // the total alone
	} {
		ys := strconv.Itoa(y.year)
		for i, g := range groups {
			t.Rows = append(t.Rows, kensho.Row{Key: []string{ys, g}, Cells: []kensho.Cell{y.parts[i]}})
		}
		t.Rows = append(t.Rows, kensho.Row{Key: []string{ys, kensho.Total}, Cells: []kensho.Cell{y.total}})
	}
	return t
}

// drawn builds the chart of tb restricted to fixed and reads its option
// back: the series as ECharts gets them and, by series name, each point as
// the chart draws it (a number, or "-" for nothing) followed by what the
// tooltip says where that is not the number; and the table under the chart.
func drawn(t *testing.T, tb *kensho.StatTable, fixed map[string]string, lang string) (labels []string, series []map[string]any, points map[string][]string, tv tableView, p plot) {
	t.Helper()
	s, ok := newChartShape(tb, newIndex(tb), fixed)
	if !ok {
		t.Fatal("no chart")
	}
	p = s.plot(lang)
	js, _, _, err := chartOption(s, p, timeMarks{partial: map[int]bool{}}, lang)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), strconv.Itoa(secret)) {
		t.Errorf("the option holds the value of a withheld cell:\n%s", js)
	}
	var opt struct {
		Series []map[string]any `json:"series"`
	}
	if err := json.Unmarshal([]byte(js), &opt); err != nil {
		t.Fatal(err)
	}
	points = map[string][]string{}
	for _, se := range opt.Series {
		name, _ := se["name"].(string)
		data, _ := se["data"].([]any)
		for _, d := range data {
			item, _ := d.(map[string]any)
			v := "-"
			if f, ok := item["value"].(float64); ok {
				v = strconv.FormatFloat(f, 'f', -1, 64)
			}
			if say, ok := item["cellText"].(string); ok {
				v += " " + say
			}
			points[name] = append(points[name], v)
		}
	}
	return p.labels, opt.Series, points, chartTable(s, p, timeMarks{partial: map[int]bool{}}, "t", lang), p
}

// hatched reports whether an option object has a hatched itemStyle (a
// stand-in for withheld parts).
func hatched(v any) bool {
	m, _ := v.(map[string]any)
	style, _ := m["itemStyle"].(map[string]any)
	return style["decal"] != nil
}

// markedX lists the categories a chart marks X (withheld, nothing drawn).
func markedX(series []map[string]any) []string {
	var out []string
	for _, se := range series {
		ma, _ := se["markArea"].(map[string]any)
		data, _ := ma["data"].([]any)
		for _, d := range data {
			pair, _ := d.([]any)
			from, _ := pair[0].(map[string]any)
			if from["name"] != symSuppressed {
				continue
			}
			for _, axis := range []string{"xAxis", "yAxis"} {
				if v, ok := from[axis].(string); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// TestPlotWithheldParts: a stacked chart draws the published parts only
// where all of them are published; where one is withheld it draws the
// published total alone, hatched, under a series of its own named in both
// languages, and where the total is withheld too it draws nothing and marks
// the year X. The tooltip says X for each withheld part, never its value.
func TestPlotWithheldParts(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			_, series, got, tv, p := drawn(t, withheldTable("bar"), nil, lang)
			label := func(k string) string { return keyLabel("cause_group", k, lang) }
			total := T(lang, "chart.totalonly")
			//           2019  2020     2021     2022     2023   2024
			want := map[string][]string{
				label("equipment"): {"10", "- X", "- 11", "- 12", "- X", "- 1,200"},
				label("human"):     {"20", "- X", "- X", "- X", "- X", "- X"},
				label("external"):  {"30", "- X", "- 33", "- 34", "- X", "- 2,345"},
				label("unknown"):   {"40", "- X", "- X", "- 45", "- X", "- X"},
				total:              {"-", "104", "110", "120", "-", "3552"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("points (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]slot{slotDrawn, slotTotal, slotTotal, slotTotal, slotWithheld, slotTotal}, p.slots); diff != "" {
				t.Errorf("slots (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"2023"}, markedX(series)); diff != "" {
				t.Errorf("marked X (-want +got):\n%s", diff)
			}
			// The legend lists the stand-in after the parts, in the stack, in grey.
			var names []string
			for _, se := range series {
				names = append(names, se["name"].(string))
				if se["stack"] == nil {
					t.Errorf("series %s is not stacked", se["name"])
				}
			}
			if diff := cmp.Diff([]string{label("equipment"), label("human"), label("external"), label("unknown"), total}, names); diff != "" {
				t.Errorf("legend (-want +got):\n%s", diff)
			}
			for i, se := range series {
				if hatched(se) != (i >= 4) {
					t.Errorf("series %s: hatched %v", se["name"], hatched(se))
				}
			}
			// The table beside: the total column, X for each withheld part,
			// and a note for the stand-in and the mark.
			head := tv.Head[0]
			if got := head[len(head)-1].Text; got != kensho.TotalLabel.In(lang) {
				t.Errorf("last column %q, want the total", got)
			}
			var rows []string
			for _, r := range tv.Rows {
				var cells []string
				for _, c := range r.Cells {
					cells = append(cells, c.Text)
				}
				rows = append(rows, strings.Join(cells, " "))
			}
			wantRows := []string{"10 20 30 40 100", "X X X X 104", "11 X 33 X 110", "12 X 34 45 120", "X X X X X", "1,200 X 2,345 X 3,552"}
			if diff := cmp.Diff(wantRows, rows); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{fillNote(fillTotal, lang), T(lang, "note.withheldslot")}, tv.Notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
			if !strings.Contains(tv.Notes[0], total) {
				t.Errorf("the note does not name the series: %q", tv.Notes)
			}
		})
	}
}

// TestPlotWithheldBars: a one-series chart of the parts of one year marks
// each withheld bar X, adds a bar for the withheld parts together when it
// may, and draws nothing when no part is published; its table holds the
// total.
func TestPlotWithheldBars(t *testing.T) {
	rest := T("en", "chart.rest")
	tests := []struct {
		year    string
		labels  []string
		points  []string
		marked  []string
		nothing string
	}{
		{"2019", nil, []string{"10", "20", "30", "40"}, nil, ""},
		{"2020", nil, []string{"- X", "- X", "- X", "- X"}, []string{"equipment", "human", "external", "unknown"}, "withheld"},
		{"2021", []string{rest}, []string{"11", "- X", "33", "- X", "66"}, []string{"human", "unknown"}, ""},
		// One withheld bar beside published ones: the bars stay, no rest.
		{"2022", nil, []string{"12", "- X", "34", "45"}, []string{"human"}, ""},
		{"2023", nil, []string{"- X", "- X", "- X", "- X"}, []string{"equipment", "human", "external", "unknown"}, "withheld"},
	}
	for _, tt := range tests {
		t.Run(tt.year, func(t *testing.T) {
			labels, series, got, tv, p := drawn(t, withheldTable("bar"), map[string]string{"fiscal_year": tt.year}, "en")
			if len(series) != 1 {
				t.Fatalf("%d series, want 1", len(series))
			}
			wantLabels := append([]string{"equipment", "human", "external", "unknown"}, tt.labels...)
			for i, k := range wantLabels[:4] {
				wantLabels[i] = keyLabel("cause_group", k, "en")
			}
			if diff := cmp.Diff(wantLabels, labels); diff != "" {
				t.Errorf("categories (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.points, got[series[0]["name"].(string)]); diff != "" {
				t.Errorf("points (-want +got):\n%s", diff)
			}
			var marked []string
			for _, k := range tt.marked {
				marked = append(marked, keyLabel("cause_group", k, "en"))
			}
			if diff := cmp.Diff(marked, markedX(series)); diff != "" {
				t.Errorf("marked X (-want +got):\n%s", diff)
			}
			if p.nothing != tt.nothing {
				t.Errorf("nothing = %q, want %q", p.nothing, tt.nothing)
			}
			data := series[0]["data"].([]any)
			if last := data[len(data)-1]; hatched(last) != (len(tt.labels) > 0) {
				t.Errorf("the last bar: %v", last)
			}
			if n := len(tv.Rows); n != 5 || tv.Rows[n-1].Heads[0].Text != kensho.TotalLabel.En {
				t.Errorf("the table has %d rows and ends with %+v, want the parts and the total", n, tv.Rows[n-1].Heads)
			}
		})
	}
}

// TestPlotWithheldLine: a line chart does not stack, so nothing stands in
// for a withheld point; the tooltip still says X, and a year with no point
// at all is marked X.
func TestPlotWithheldLine(t *testing.T) {
	_, series, got, tv, _ := drawn(t, withheldTable("line"), nil, "en")
	if len(series) != 4 {
		t.Errorf("%d series, want the 4 parts", len(series))
	}
	if diff := cmp.Diff([]string{"20", "- X", "- X", "- X", "- X", "- X"}, got[keyLabel("cause_group", "human", "en")]); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2020", "2023"}, markedX(series)); diff != "" {
		t.Errorf("marked X (-want +got):\n%s", diff)
	}
	if len(tv.Head[0]) != 5 || !cmp.Equal(tv.Notes, []string{T("en", "note.withheldslot")}) {
		t.Errorf("the table of a line chart has %d columns and notes %q, want the parts alone and the note of the mark", len(tv.Head[0]), tv.Notes)
	}
}

// TestDescribe: the screen reader's description of a chart says what it
// shows, the range, the latest year and what is withheld, in words, in the
// page's language, and no value of a withheld cell.
func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		lang  string
		fixed map[string]string
		want  []string
	}{
		{"ja", nil, []string{"「事故件数」の積み上げ棒グラフです。", "2019年度から2024年度まで", "合計は最小が2019年度の100件、最大が2024年度の3,552件です。",
			"最新の2024年度は3,552件です。", "秘匿(X)のため描いていないもの: 2023年度。", "内訳の一部が秘匿(X)のため合計だけを描いたもの: 2020年度、2021年度、2022年度、2024年度。"}},
		{"en", nil, []string{"Stacked bar chart of “accidents”", "from FY2019 to FY2024", "Totals range from 100 accidents (FY2019) to 3,552 accidents (FY2024).",
			"Latest, FY2024: 3,552 accidents.", "Withheld (X), not drawn: FY2023.", "the total alone drawn: FY2020, FY2021, FY2022, FY2024."}},
		{"en", map[string]string{"fiscal_year": "2021"}, []string{"Bar chart of “accidents”", "Bar chart of “accidents”: accidents by cause_group (4) (FY2021).", "Values range from 11 accidents (equipment) to 33 accidents (external).",
			"Withheld (X), not drawn: human, unknown.", "withheld values together"}},
		{"en", map[string]string{"fiscal_year": "2023"}, []string{"There is no chart"}},
	} {
		tb := withheldTable("bar")
		s, _ := newChartShape(tb, newIndex(tb), tt.fixed)
		got := describe(s, s.plot(tt.lang), tt.lang)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %v: the description\n%s\nlacks %q", tt.lang, tt.fixed, got, w)
			}
		}
		for _, bad := range []string{"NaN", "series count", strconv.Itoa(secret), "987,654", "undefined"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s %v: the description says %q:\n%s", tt.lang, tt.fixed, bad, got)
			}
		}
	}
}

// TestYoYFromPrintedFigures: the year-on-year change is the difference of
// the two figures as printed — what a reader computes from them — not of
// their unrounded values, which would tell a rounded figure's hidden
// fraction.
func TestYoYFromPrintedFigures(t *testing.T) {
	tb := &kensho.StatTable{Name: "uh", Chart: "line", Page: "overview",
		Title: kensho.Text{Ja: "利用者時間", En: "user-hours"},
		Dims:  []kensho.Dim{{Name: "fiscal_year"}},
		Measures: []kensho.Measure{{Name: "user_hours", Title: kensho.Text{Ja: "利用者時間", En: "user-hours"},
			Unit: kensho.Text{Ja: "利用者時間", En: "user-hours"}, Magnitude: kensho.MagUserHours}},
		Rows: []kensho.Row{
			{Key: []string{"2023"}, Cells: []kensho.Cell{pub(100.4)}}, // printed 100
			{Key: []string{"2024"}, Cells: []kensho.Cell{pub(201.6)}}, // printed 202
		},
	}
	s, ok := newChartShape(tb, newIndex(tb), nil)
	if !ok {
		t.Fatal("no chart")
	}
	tv := yoyTable(s, "2024", "2023", "en")
	if len(tv.Rows) != 1 || len(tv.Rows[0].Cells) != 4 {
		t.Fatalf("rows %+v", tv.Rows)
	}
	var got []string
	for _, c := range tv.Rows[0].Cells {
		got = append(got, c.Text)
	}
	if want := []string{"100", "202", "+102", "+102.0"}; !slices.Equal(got, want) {
		t.Errorf("year on year %q, want %q", got, want)
	}
}
