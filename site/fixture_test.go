package site_test

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"
)

// leakSentinel is the value every suppressed cell of the fixture carries.
// It must appear in no file of the rendered site.
const leakSentinel = 987654.321

// fixtureYears are the fiscal years of the fixture: they cross the 2015
// series break, and the last one is partial (two quarters).
var fixtureYears = []int{2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024}

const fixturePartial = 2024

// fixture builds a realistic release: several years, tables on every page,
// suppressed cells, zeros, not-applicable cells, a partial year and a
// series break.
func fixture() *kensho.Release {
	rng := rand.New(rand.NewPCG(20261124, 1))
	rel := &kensho.Release{
		Version:      "2025.1-test",
		BuildDate:    "2025-03-31",
		FiscalYears:  fixtureYears,
		LatestYear:   fixturePartial,
		PartialYears: []int{fixturePartial},
		Summary: kensho.Text{
			Ja: "## 2023年度の概要\n\n2023年度の事故は前年度から**増加**しました。\n\n- 設備要因が最も多い\n- 重大な事故は横ばい <script>alert(1)</script>\n",
			En: "## FY2023 at a glance\n\nAccidents **rose** on the previous year.\n\n- Equipment causes remain the largest group\n- Serious accidents were flat <script>alert(1)</script>\n",
		},
		Risk: kensho.Text{
			Ja: "公表したすべてのセルは監査を通過しました。\n\n- 秘匿したセルの推定可能範囲は十分に広い\n- 個票データの各組み合わせは複数の事業者から来ています\n\n" +
				"### 今回の処理\n\n| 表 | セル | 秘匿 | 割合 |\n|---|---:|---:|---:|\n| accidents_by_year | 108 | 15 | 13.9% |\n| accidents_by_year_cause | 468 | 164 | 35.0% |\n",
			En: "Every published cell passed the audit.\n\n- Withheld cells cannot be estimated closely\n- Every combination in the record-level data comes from several operators\n\n" +
				"### This release\n\n| table | cells | suppressed | share |\n|---|---:|---:|---:|\n| accidents_by_year | 108 | 15 | 13.9% |\n| accidents_by_year_cause | 468 | 164 | 35.0% |\n",
		},
		Extracts: []kensho.ExtractInfo{{Name: fixtureExtract, Title: kensho.Text{Ja: "個票データ", En: "record-level data"},
			Rows: len(microRows()), Columns: microColumns}},
		PublicRegister: true,
		PublicCases: []kensho.PublicCase{
			{OccurredOn: "2022-07-02", FiscalYear: 2022, Service: "voice_mobile", AffectedUsers: 39150000, DurationMin: 3666, Cause: "config_error",
				Sources: []string{"https://www.soumu.go.jp/menu_news/s-news/01kiban05_02000300.html", "https://news.example/outage/20220702"}},
			{OccurredOn: "2023-04-10", FiscalYear: 2023, Service: "free_internet", AffectedUsers: 1000000, DurationMin: 45, Cause: "sw_bug",
				Sources: []string{"https://news.example/outage/20230410?a=1&b=<2>"}},
		},
	}
	accidents := kensho.Measure{Name: "accidents", Title: kensho.Text{Ja: "事故件数", En: "accidents"}, Unit: kensho.Text{Ja: "件", En: "accidents"}, Magnitude: kensho.MagAccidents}
	fy := kensho.Dim{Name: "fiscal_year", Title: kensho.Text{Ja: "年度", En: "fiscal year"}}
	form := kensho.Dim{Name: "form", Title: kensho.Text{Ja: "様式", En: "form"}}
	dim := func(name, ja, en string) kensho.Dim {
		return kensho.Dim{Name: name, Title: kensho.Text{Ja: ja, En: en}}
	}

	add := func(t kensho.StatTable) { rel.Tables = append(rel.Tables, t) }

	// Tables over fiscal years × form × a coded dimension, with margins.
	byYear := func(name, page, chart string, d kensho.Dim, codes []string, title kensho.Text, scale int, suppress func(y int, form, code string) bool) kensho.StatTable {
		t := kensho.StatTable{Name: name, Page: page, Chart: chart, Title: title,
			Description: kensho.Text{Ja: title.Ja + "を年度ごとに示します。", En: title.En + ", by fiscal year."},
			Dims:        []kensho.Dim{fy, form, d}, Measures: []kensho.Measure{accidents}, FiscalYears: fixtureYears}
		for _, y := range fixtureYears {
			vals := map[string]map[string]float64{"full": {}, "simplified": {}}
			for _, f := range []string{"full", "simplified"} {
				for i, c := range codes {
					v := float64(rng.IntN(scale/(i+1)+1) + (scale / (2 * (i + 1))))
					if y == fixturePartial {
						v = float64(int(v) / 2)
					}
					if f == "simplified" && i == len(codes)-1 {
						v = 0 // a true zero
					}
					vals[f][c] = v
				}
			}
			for _, f := range []string{"full", "simplified", kensho.Total} {
				var sum float64
				for _, c := range codes {
					v := vals["full"][c] + vals["simplified"][c]
					if f != kensho.Total {
						v = vals[f][c]
					}
					sum += v
					t.Rows = append(t.Rows, cellRow([]string{strconv.Itoa(y), f, c}, v, suppress != nil && suppress(y, f, c)))
				}
				t.Rows = append(t.Rows, cellRow([]string{strconv.Itoa(y), f, kensho.Total}, sum, false))
			}
		}
		return t
	}
	never := func(int, string, string) bool { return false }

	// overview
	add(byYear("accidents_by_year", "overview", "bar", dim("report_type", "報告区分", "report type"), []string{"quarterly", "serious"},
		kensho.Text{Ja: "年度別の事故件数(報告区分別)", En: "Accidents per fiscal year, by report type"}, 400,
		func(y int, f, c string) bool {
			// FY2022: every part of both forms together is withheld, the total published.
			return (c == "serious" && f == "simplified" && y%3 == 0) || (y == 2022 && f == kensho.Total)
		}))
	add(quarterTable(rng, fy, form, accidents))
	add(byYear("accidents_by_year_cause_group", "overview", "bar", dim("cause_group", "発生要因(大分類)", "cause group"), kensho.CauseGroups.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(発生要因の大分類別)", En: "Accidents per fiscal year, by cause group"}, 200, never))
	// causes
	add(byYear("accidents_by_year_cause", "causes", "bar", dim("cause", "発生要因", "cause"), kensho.Causes.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(発生要因別)", En: "Accidents per fiscal year, by cause"}, 120,
		func(y int, f, c string) bool {
			// FY2021: two causes of both forms together withheld beside published ones.
			return (c == "cyber_attack" && f != kensho.Total && y >= 2020) || (y == 2021 && f == kensho.Total && (c == "cyber_attack" || c == "unknown"))
		}))
	add(withFlag(simpleByYear(rng, "eu_root_cause_by_year", "causes", "line", fy, dim("eu_root_cause", "EUの根本原因区分", "EU root cause"), kensho.EURootCauses.CodeStrings(), accidents,
		kensho.Text{Ja: "EUの根本原因区分別の事故件数", En: "Accidents by the EU's root-cause category"}), dim("third_party", "第三者の障害に起因", "third-party failure"), []string{"true", "false"}))
	add(crossTable(rng, "cause_by_service", "causes", dim("cause", "発生要因", "cause"), kensho.Causes.CodeStrings(), dim("service", "役務", "service"), kensho.Services.CodeStrings()[:5], accidents,
		kensho.Text{Ja: "発生要因と役務のクロス表(2024年度)", En: "Causes by service, FY2024"}))
	// services, equipment, regions
	add(byYear("accidents_by_year_service", "services", "bar", dim("service", "役務", "service"), kensho.Services.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(役務別)", En: "Accidents per fiscal year, by service"}, 90, never))
	add(byYear("accidents_by_year_equipment_class", "equipment", "bar", dim("equipment_class", "設備の区分", "equipment class"), kensho.EquipmentClasses.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(故障設備の区分別)", En: "Accidents per fiscal year, by equipment class"}, 100, never))
	add(byYear("accidents_by_year_region", "regions", "bar", dim("region", "地域", "region"), kensho.Regions.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(地域別)", En: "Accidents per fiscal year, by region"}, 60,
		func(y int, f, c string) bool { return c == "okinawa" && y%2 == 1 }))
	// impact
	add(byYear("accidents_by_year_duration_band", "impact", "bar", dim("duration_band", "継続時間", "duration"), kensho.DurationBands.CodeStrings(),
		kensho.Text{Ja: "年度別の事故件数(継続時間別)", En: "Accidents per fiscal year, by duration"}, 150, never))
	add(userHours(rng, fy))
	add(percentiles(fy))
	// serious
	// As analytics builds it: the accidents reported as serious, by year and
	// service category (the overview's key figure and the summary read it).
	serious := simpleByYear(rng, "serious_by_year_category", "serious", "bar", fy, dim("service_category", "役務の区分", "service category"), kensho.ServiceCategories.CodeStrings(), accidents,
		kensho.Text{Ja: "重大な事故の件数", En: "Serious accidents"})
	serious.Filter = map[string]string{"report_type": "serious"}
	add(serious)
	// disasters
	add(disasters(accidents))
	// trends
	add(trendTable())
	add(seasonality())

	// The previous release published three figures otherwise, listed here
	// out of the site's order (disasters come after impact, which comes
	// after the overview): one in a table without a chart, one of a form
	// apart, one of the partial year (marked p and r in its CSV).
	rel.Revision = &kensho.Revision{Previous: fixturePrevious, PreviousDate: "2024-12-20", NowSuppressed: 3, NowPublished: 1}
	revise(rel, "accidents_by_disaster", []string{"quake_2024_noto", "2023"}, 1, +5000)
	revise(rel, "accidents_by_year", []string{"2023", "full", "quarterly"}, 0, -3)
	revise(rel, "user_hours_by_year_cause_group", []string{strconv.Itoa(fixturePartial), kensho.CauseGroups.Codes[0].Code}, 0, -12.5)
	return rel
}

// fixturePrevious is the version of the release before the fixture's.
const fixturePrevious = "2024.4-test"

// revise marks a published figure of the fixture revised: the previous
// release published it with its value plus delta.
func revise(rel *kensho.Release, table string, key []string, measure int, delta float64) {
	t := rel.Table(table)
	for i, r := range t.Rows {
		if strings.Join(r.Key, "/") != strings.Join(key, "/") {
			continue
		}
		c := &t.Rows[i].Cells[measure]
		if c.Status != kensho.Published {
			panic("fixture: a revised figure must be published: " + table + " " + strings.Join(key, "/"))
		}
		c.Revised = true
		rel.Revision.Revised = append(rel.Revision.Revised, kensho.RevisedCell{Table: table, Row: i, Measure: measure, Previous: c.Value + delta})
		return
	}
	panic("fixture: no row " + strings.Join(key, "/") + " in " + table)
}

// firstRelease is the fixture as the first release kensho archived: no
// previous release, no figure revised.
func firstRelease() *kensho.Release {
	rel := fixture()
	rel.Revision = nil
	for ti := range rel.Tables {
		for ri := range rel.Tables[ti].Rows {
			for ci := range rel.Tables[ti].Rows[ri].Cells {
				rel.Tables[ti].Rows[ri].Cells[ci].Revised = false
			}
		}
	}
	return rel
}

func cellRow(key []string, v float64, suppressed bool) kensho.Row {
	c := kensho.Cell{Value: v, Status: kensho.Published}
	if suppressed {
		c = kensho.Cell{Value: leakSentinel, Status: kensho.Suppressed}
	}
	return kensho.Row{Key: key, Cells: []kensho.Cell{c}}
}

func quarterTable(rng *rand.Rand, fy, form kensho.Dim, m kensho.Measure) kensho.StatTable {
	t := kensho.StatTable{Name: "accidents_by_quarter", Page: "overview", Chart: "line",
		Title:       kensho.Text{Ja: "四半期別の事故件数", En: "Accidents per quarter"},
		Description: kensho.Text{Ja: "四半期ごとの件数です。年度の件数とは別の軸で示します。", En: "Accidents per fiscal quarter, on an axis of its own."},
		Dims:        []kensho.Dim{fy, {Name: "quarter", Title: kensho.Text{Ja: "四半期", En: "quarter"}}, form},
		Measures:    []kensho.Measure{m}, FiscalYears: fixtureYears}
	for _, y := range fixtureYears {
		quarters := 4
		if y == fixturePartial {
			quarters = 2
		}
		var yf, ys float64
		for q := 1; q <= quarters; q++ {
			full, simp := float64(60+rng.IntN(60)), float64(rng.IntN(25))
			yf, ys = yf+full, ys+simp
			key := []string{strconv.Itoa(y), strconv.Itoa(q)}
			t.Rows = append(t.Rows,
				cellRow(append(key[:2:2], "full"), full, false),
				cellRow(append(key[:2:2], "simplified"), simp, false),
				cellRow(append(key[:2:2], kensho.Total), full+simp, false))
		}
		// The quarter margin is the year.
		key := []string{strconv.Itoa(y), kensho.Total}
		t.Rows = append(t.Rows,
			cellRow(append(key[:2:2], "full"), yf, false),
			cellRow(append(key[:2:2], "simplified"), ys, false),
			cellRow(append(key[:2:2], kensho.Total), yf+ys, false))
	}
	return t
}

func simpleByYear(rng *rand.Rand, name, page, chart string, fy, d kensho.Dim, codes []string, m kensho.Measure, title kensho.Text) kensho.StatTable {
	t := kensho.StatTable{Name: name, Page: page, Chart: chart, Title: title, Dims: []kensho.Dim{fy, d}, Measures: []kensho.Measure{m}, FiscalYears: fixtureYears}
	for _, y := range fixtureYears {
		var sum float64
		for i, c := range codes {
			v := float64(rng.IntN(40/(i+1)+2) + 3)
			sum += v
			t.Rows = append(t.Rows, cellRow([]string{strconv.Itoa(y), c}, v, i == 2 && y == 2019))
		}
		t.Rows = append(t.Rows, cellRow([]string{strconv.Itoa(y), kensho.Total}, sum, false))
	}
	return t
}

// withFlag splits every row of t over one more dimension: the first key
// gets two thirds of the value, the second the rest, and Total the whole.
func withFlag(t kensho.StatTable, d kensho.Dim, keys []string) kensho.StatTable {
	rows := t.Rows
	t.Rows = nil
	t.Dims = append(t.Dims, d)
	for _, r := range rows {
		c := r.Cells[0]
		for i, k := range append(append([]string{}, keys...), kensho.Total) {
			cc := c
			if c.Status == kensho.Published && k != kensho.Total {
				third := float64(int(c.Value) / 3)
				cc.Value = c.Value - third
				if i == 1 {
					cc.Value = third
				}
			}
			t.Rows = append(t.Rows, kensho.Row{Key: append(append([]string{}, r.Key...), k), Cells: []kensho.Cell{cc}})
		}
	}
	return t
}

func crossTable(rng *rand.Rand, name, page string, a kensho.Dim, aCodes []string, b kensho.Dim, bCodes []string, m kensho.Measure, title kensho.Text) kensho.StatTable {
	fy := kensho.Dim{Name: "fiscal_year", Title: kensho.Text{Ja: "年度", En: "fiscal year"}}
	t := kensho.StatTable{Name: name, Page: page, Chart: "table", Title: title, Dims: []kensho.Dim{fy, a, b}, Measures: []kensho.Measure{m}, FiscalYears: []int{fixturePartial}}
	for i, x := range append(append([]string{}, aCodes...), kensho.Total) {
		for j, y := range append(append([]string{}, bCodes...), kensho.Total) {
			v := float64(rng.IntN(30))
			t.Rows = append(t.Rows, cellRow([]string{strconv.Itoa(fixturePartial), x, y}, v, (i+j)%7 == 3 && x != kensho.Total && y != kensho.Total))
		}
	}
	return t
}

func userHours(rng *rand.Rand, fy kensho.Dim) kensho.StatTable {
	t := kensho.StatTable{Name: "user_hours_by_year_cause_group", Page: "impact", Chart: "bar",
		Title: kensho.Text{Ja: "利用者時間と影響利用者数(発生要因の大分類別)", En: "User-hours and affected users, by cause group"},
		Dims:  []kensho.Dim{fy, {Name: "cause_group", Title: kensho.Text{Ja: "発生要因(大分類)", En: "cause group"}}},
		Measures: []kensho.Measure{
			{Name: "user_hours", Title: kensho.Text{Ja: "利用者時間", En: "user-hours"}, Unit: kensho.Text{Ja: "千人時", En: "thousand user-hours"}, Magnitude: kensho.MagUserHours, Decimals: 1},
			{Name: "affected_users", Title: kensho.Text{Ja: "影響利用者数", En: "affected users"}, Unit: kensho.Text{Ja: "千人", En: "thousand"}, Magnitude: kensho.MagAffectedUsers},
		},
		FiscalYears: fixtureYears}
	for _, y := range fixtureYears {
		var uh, au float64
		for _, c := range kensho.CauseGroups.CodeStrings() {
			a, b := float64(rng.IntN(90000))/10, float64(rng.IntN(20000))
			uh += a
			au += b
			t.Rows = append(t.Rows, kensho.Row{Key: []string{strconv.Itoa(y), c}, Cells: []kensho.Cell{{Value: a, Status: kensho.Published}, {Value: b, Status: kensho.Published}}})
		}
		t.Rows = append(t.Rows, kensho.Row{Key: []string{strconv.Itoa(y), kensho.Total}, Cells: []kensho.Cell{{Value: uh, Status: kensho.Published}, {Value: au, Status: kensho.Published}}})
	}
	return t
}

func percentiles(fy kensho.Dim) kensho.StatTable {
	t := kensho.StatTable{Name: "duration_percentiles", Page: "impact", Chart: "line",
		Title: kensho.Text{Ja: "継続時間の分位点", En: "Duration percentiles"},
		Dims:  []kensho.Dim{fy},
		Measures: []kensho.Measure{
			{Name: "p50", Title: kensho.Text{Ja: "中央値", En: "median"}, Unit: kensho.Text{Ja: "分", En: "min"}},
			{Name: "p90", Title: kensho.Text{Ja: "90パーセンタイル", En: "90th percentile"}, Unit: kensho.Text{Ja: "分", En: "min"}},
		},
		FiscalYears: fixtureYears}
	for i, y := range fixtureYears {
		c := []kensho.Cell{{Value: float64(150 + 7*i), Status: kensho.Published}, {Value: float64(600 + 31*i), Status: kensho.Published}}
		if y == fixturePartial {
			c[1] = kensho.Cell{Status: kensho.NotApplicable}
		}
		t.Rows = append(t.Rows, kensho.Row{Key: []string{strconv.Itoa(y)}, Cells: c})
	}
	return t
}

func disasters(m kensho.Measure) kensho.StatTable {
	users := kensho.Measure{Name: "affected_users", Title: kensho.Text{Ja: "影響利用者数(延べ)", En: "affected users"}, Unit: kensho.Text{Ja: "人", En: "users"}, Magnitude: kensho.MagAffectedUsers}
	uh := kensho.Measure{Name: "user_hours", Title: kensho.Text{Ja: "利用者時間", En: "user-hours"}, Unit: kensho.Text{Ja: "人時", En: "user-hours"}, Magnitude: kensho.MagUserHours}
	t := kensho.StatTable{Name: "accidents_by_disaster", Page: "disasters", Chart: "table",
		Title:    kensho.Text{Ja: "災害別の事故件数", En: "Accidents per named disaster"},
		Dims:     []kensho.Dim{{Name: "disaster", Title: kensho.Text{Ja: "災害", En: "disaster"}}, {Name: "fiscal_year", Title: kensho.Text{Ja: "年度", En: "fiscal year"}}},
		Measures: []kensho.Measure{m, users, uh}, FiscalYears: []int{2016, 2019, 2023}}
	for i, d := range []struct {
		name  string
		years []int
	}{{"quake_2016_kumamoto", []int{2016}}, {"typhoon_2019_19", []int{2019}}, {"quake_2024_noto", []int{2023, 2024}}, {kensho.OtherDisaster, []int{2019}}} {
		var a, u, h float64
		for j, y := range d.years {
			ca, cu := float64(12+9*i+j), float64(40000*(i+1)+1000*j)
			a, u, h = a+ca, u+cu, h+cu*3
			t.Rows = append(t.Rows, kensho.Row{Key: []string{d.name, strconv.Itoa(y)}, Cells: []kensho.Cell{
				{Value: ca, Status: kensho.Published}, {Value: cu, Status: kensho.Published}, {Value: cu * 3, Status: kensho.Published}}})
		}
		t.Rows = append(t.Rows, kensho.Row{Key: []string{d.name, kensho.Total}, Cells: []kensho.Cell{
			{Value: a, Status: kensho.Published}, {Value: u, Status: kensho.Published}, {Value: h, Status: kensho.Published}}})
	}
	return t
}

func trendTable() kensho.StatTable {
	pct := kensho.Text{Ja: "%/年", En: "% per year"}
	t := kensho.StatTable{Name: "trend_by_cause_group", Page: "trends", Chart: "table",
		Title:       kensho.Text{Ja: "発生要因別の前年度比と傾向(95%信頼区間)", En: "Year-over-year change and trend by cause group (95% confidence interval)"},
		Description: kensho.Text{Ja: "信頼区間が0を含まない場合に傾向ありとします。", En: "A trend is flagged when its interval excludes zero."},
		Dims: []kensho.Dim{{Name: "fiscal_year", Title: kensho.Text{Ja: "年度", En: "fiscal year"}}, {Name: "form", Title: kensho.Text{Ja: "様式", En: "form"}},
			{Name: "cause_group", Title: kensho.Text{Ja: "発生要因(大分類)", En: "cause group"}}},
		Measures: []kensho.Measure{
			{Name: "accidents", Title: kensho.Text{Ja: "事故件数", En: "accidents"}, Unit: kensho.Text{Ja: "件", En: "accidents"}, Magnitude: kensho.MagAccidents},
			{Name: "change", Title: kensho.Text{Ja: "前年度からの増減", En: "change"}, Unit: kensho.Text{Ja: "件", En: "accidents"}},
			{Name: "change_pct", Title: kensho.Text{Ja: "前年度からの増減率", En: "change"}, Unit: kensho.Text{Ja: "%", En: "%"}, Decimals: 1},
			{Name: "trend_pct_per_year", Title: kensho.Text{Ja: "傾向", En: "trend"}, Unit: pct, Decimals: 1},
			{Name: "trend_ci_low_pct", Title: kensho.Text{Ja: "下限", En: "lower limit"}, Unit: pct, Decimals: 1},
			{Name: "trend_ci_high_pct", Title: kensho.Text{Ja: "上限", En: "upper limit"}, Unit: pct, Decimals: 1},
			{Name: "trend_flag", Title: kensho.Text{Ja: "傾向の判定(1 増加、−1 減少、0 なし)", En: "trend flag (1 rising, −1 falling, 0 none)"}},
		},
		FiscalYears: fixtureYears}
	for yi, y := range fixtureYears {
		for _, f := range []string{"full", "simplified", kensho.Total} {
			for i, c := range append(kensho.CauseGroups.CodeStrings(), kensho.Total) {
				s := float64(i*3) - 2.5 + float64(yi)/10
				cells := []kensho.Cell{
					{Value: float64(100 + 10*i + yi), Status: kensho.Published},
					{Value: float64(yi%5 - 2), Status: kensho.Published},
					{Value: float64(yi%5-2) * 1.3, Status: kensho.Published},
					{Value: s, Status: kensho.Published}, {Value: s - 2, Status: kensho.Published}, {Value: s + 2, Status: kensho.Published},
					{Value: 0, Status: kensho.Published},
				}
				if s-2 > 0 {
					cells[6].Value = 1
				}
				if c == "unknown" || y == fixturePartial || yi == 0 {
					for j := 1; j < len(cells); j++ {
						cells[j] = kensho.Cell{Status: kensho.NotApplicable}
					}
				}
				t.Rows = append(t.Rows, kensho.Row{Key: []string{strconv.Itoa(y), f, c}, Cells: cells})
			}
		}
	}
	return t
}

func seasonality() kensho.StatTable {
	t := kensho.StatTable{Name: "seasonality_by_quarter", Page: "trends", Chart: "bar",
		Title: kensho.Text{Ja: "四半期別の季節性", En: "Seasonality by quarter"},
		Dims: []kensho.Dim{{Name: "quarter", Title: kensho.Text{Ja: "四半期", En: "quarter"}}, {Name: "form", Title: kensho.Text{Ja: "様式", En: "form"}},
			{Name: "cause_group", Title: kensho.Text{Ja: "発生要因(大分類)", En: "cause group"}}},
		Measures: []kensho.Measure{
			{Name: "mean_per_year", Title: kensho.Text{Ja: "年度平均の事故件数", En: "mean accidents per year"}, Unit: kensho.Text{Ja: "件", En: "accidents"}, Decimals: 1},
			{Name: "share_pct", Title: kensho.Text{Ja: "年度の件数に占める割合", En: "share of the year"}, Unit: kensho.Text{Ja: "%", En: "%"}, Decimals: 1},
		},
		FiscalYears: fixtureYears[:len(fixtureYears)-1]}
	for q, v := range []float64{22.4, 31.9, 24.1, 21.6, 100} {
		qk := strconv.Itoa(q + 1)
		if q == 4 {
			qk = kensho.Total
		}
		for _, f := range []string{"full", "simplified", kensho.Total} {
			for i, c := range append(kensho.CauseGroups.CodeStrings(), kensho.Total) {
				t.Rows = append(t.Rows, kensho.Row{Key: []string{qk, f, c}, Cells: []kensho.Cell{
					{Value: v * float64(4-i%4) / 3, Status: kensho.Published}, {Value: v, Status: kensho.Published}}})
			}
		}
	}
	return t
}

// The fixture's one microdata extract and its files.
const fixtureExtract = "fixture"

var (
	microCSV     = site.ExtractFile(fixtureExtract) + ".csv"
	microParquet = site.ExtractFile(fixtureExtract) + ".parquet"
)

// microColumns describe the fixture's record-level file.
var microColumns = []kensho.FieldSchema{
	{Name: "fiscal_year", Type: "integer", Title: kensho.Text{Ja: "年度", En: "fiscal year"}},
	{Name: "quarter", Type: "integer", Title: kensho.Text{Ja: "四半期", En: "quarter"}},
	{Name: "form", Type: "string", Title: kensho.Text{Ja: "様式", En: "form"}, Codes: "form"},
	{Name: "impact", Type: "string", Title: kensho.Text{Ja: "事故の態様", En: "impact"}, Codes: "impact"},
	{Name: "service", Type: "string", Title: kensho.Text{Ja: "役務", En: "service"}, Codes: "service"},
	{Name: "cause_group", Type: "string", Title: kensho.Text{Ja: "発生要因(大分類)", En: "cause group"}, Codes: "cause_group"},
	{Name: "region", Type: "string", Title: kensho.Text{Ja: "地域", En: "region"}, Codes: "region"},
	{Name: "duration_band", Type: "string", Title: kensho.Text{Ja: "継続時間", En: "duration"}, Codes: "duration_band"},
	{Name: "serious", Type: "boolean", Title: kensho.Text{Ja: "重大な事故", En: "serious accident"}},
}

// microRows are the fixture's records, in the column order of microColumns.
func microRows() [][]string {
	rng := rand.New(rand.NewPCG(7, 7))
	pick := func(l *kensho.CodeList) string { return l.Codes[rng.IntN(len(l.Codes))].Code }
	var out [][]string
	for i := 0; i < 240; i++ {
		y := fixtureYears[rng.IntN(len(fixtureYears))]
		q := 1 + rng.IntN(4)
		if y == fixturePartial {
			q = 1 + rng.IntN(2)
		}
		region := pick(kensho.Regions)
		if i%17 == 0 {
			region = "" // a generalized-away value: empty in CSV, NULL in Parquet
		}
		out = append(out, []string{strconv.Itoa(y), strconv.Itoa(q), pick(kensho.Forms), pick(kensho.Impacts), pick(kensho.Services),
			pick(kensho.CauseGroups), region, pick(kensho.DurationBands), strconv.FormatBool(rng.IntN(10) == 0)})
	}
	return out
}
