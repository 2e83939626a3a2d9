package analytics

import (
	"fmt"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// tableSpec defines one published table: the query that counts it, its keys
// and measures, where and how the site shows it, and its words.
type tableSpec struct {
	name  string
	page  string // overview, causes, services, equipment, regions, impact, serious, disasters, trends
	chart string // bar, line, table
	title kensho.Text
	desc  kensho.Text
	// query names the file sql/<query>.sql that counts the table's
	// additive measures per cell and per operator; "" when every measure
	// is derived from other tables.
	query  string
	filter map[string]string
	dims   []dimSpec
	// measures in column order; additive ones carry a Magnitude.
	measures []measureSpec
	// latestOnly: the fiscal_year dimension holds the latest year only
	// (the cross tables).
	latestOnly bool
	// sparse: rows only for the keys that occur (a year has few of the
	// named disasters), not every combination of codes.
	sparse bool
	// orderBy: for a sparse dimension, the query column whose minimum
	// orders its keys (first occurrence), ties by key.
	orderBy string
	// keep, when set, drops combinations of keys that cannot occur (a
	// cause outside its group).
	keep func(key []string) bool
	// derive fills the derived measures once the additive cells are built.
	derive func(b *builder, t *kensho.StatTable) error
	// years returns the fiscal years the table covers; nil: every year
	// with data (one year for latestOnly).
	years func(b *builder) []int
}

// dimSpec is a key column of a table. margin: the table has Total rows for
// it (a form total, a total over causes, ...).
type dimSpec struct {
	name   string
	margin bool
}

// measureSpec is a value column. column, when set, is a query column that
// holds a derived value of the cell (a median), read from the cell's rows;
// it depends on the row's accidents cell.
type measureSpec struct {
	kensho.Measure
	column string
}

// Units.
var (
	unitAccidents = kensho.Text{Ja: "件", En: "accidents"}
	unitUsers     = kensho.Text{Ja: "人", En: "users"}
	unitUserHours = kensho.Text{Ja: "人時", En: "user-hours"}
	unitMinutes   = kensho.Text{Ja: "分", En: "minutes"}
	unitPercent   = kensho.Text{Ja: "%", En: "%"}
	unitPctYear   = kensho.Text{Ja: "%/年", En: "% per year"}
	unitYear      = kensho.Text{Ja: "年度", En: "fiscal year"}
	unitYears     = kensho.Text{Ja: "年度分", En: "fiscal years"}
)

// The additive measures.
var (
	mAccidents = measureSpec{Measure: kensho.Measure{Name: "accidents",
		Title: kensho.Text{Ja: "事故件数", En: "accidents"}, Unit: unitAccidents, Magnitude: kensho.MagAccidents}}
	mUsers = measureSpec{Measure: kensho.Measure{Name: "affected_users",
		Title: kensho.Text{Ja: "影響利用者数(延べ)", En: "affected users (sum over accidents)"}, Unit: unitUsers, Magnitude: kensho.MagAffectedUsers}}
	mUserHours = measureSpec{Measure: kensho.Measure{Name: "user_hours",
		Title: kensho.Text{Ja: "利用者時間", En: "user-hours"}, Unit: unitUserHours, Magnitude: kensho.MagUserHours}}
)

// dimTitles names every dimension a table may have.
var dimTitles = map[string]kensho.Text{
	"fiscal_year":              {Ja: "年度", En: "fiscal year"},
	"quarter":                  {Ja: "四半期", En: "quarter"},
	"form":                     {Ja: "様式", En: "form"},
	"report_type":              {Ja: "報告区分", En: "report type"},
	"impact":                   {Ja: "事故の態様", En: "impact"},
	"cause_group":              {Ja: "発生要因(大分類)", En: "cause group"},
	"cause":                    {Ja: "発生要因", En: "cause"},
	"service":                  {Ja: "役務区分", En: "service"},
	"service_category":         {Ja: "第58条の役務区分", En: "service category (Article 58)"},
	"equipment":                {Ja: "故障設備", En: "failed equipment"},
	"equipment_class":          {Ja: "設備区分", En: "equipment class"},
	"ministry_equipment_class": {Ja: "総務省の設備区分", En: "equipment class (ministry's)"},
	"region":                   {Ja: "地域(総合通信局の管轄)", En: "region (regional bureau area)"},
	"duration_band":            {Ja: "継続時間", En: "duration"},
	"users_band":               {Ja: "影響利用者数の階級", En: "affected users (band)"},
	"eu_root_cause":            {Ja: "EUの根本原因区分", En: "EU root-cause category"},
	"third_party":              {Ja: "第三者の障害に起因", En: "third-party failure"},
	"disaster":                 {Ja: "災害", En: "named disaster"},
}

// Sentences that several descriptions share.
var (
	noteYear = kensho.Text{
		Ja: "年度は4月1日から翌年3月31日まで(日本時間)で、事故は発生した日時の年度・四半期に数えます。",
		En: "Fiscal years run from 1 April to 31 March (Japan time); an accident counts in the fiscal year and quarter in which it began.",
	}
	noteForm = kensho.Text{
		Ja: "様式は省令様式と告示様式(簡易な様式)の別で、合計は両方の計です。",
		En: "Form is the full form (省令) or the simplified form (告示); the total counts both.",
	}
	noteAccidents = kensho.Text{Ja: "単位は件。", En: "Unit: accidents."}
)

func join(parts ...kensho.Text) kensho.Text {
	var t kensho.Text
	for _, p := range parts {
		if t.En != "" {
			t.En += " " // Japanese sentences join without a space
		}
		t.Ja += p.Ja
		t.En += p.En
	}
	return t
}

// byYear is a table of accidents per fiscal year, form and one dimension.
func byYear(name, page, dim string, title, what kensho.Text) tableSpec {
	return tableSpec{
		name: name, page: page, chart: "bar", query: name,
		title:    title,
		desc:     join(what, noteYear, noteForm, noteAccidents),
		dims:     []dimSpec{{"fiscal_year", false}, {"form", true}, {dim, true}},
		measures: []measureSpec{mAccidents},
	}
}

// specs lists every table in publication order. Tables a derived measure
// reads come before it.
func specs() []tableSpec {
	breaks := seriesBreaksText()
	return []tableSpec{
		{
			name: "accidents_by_year", page: "overview", chart: "bar", query: "accidents_by_year",
			title: kensho.Text{Ja: "年度別の事故件数", En: "Accidents by fiscal year"},
			desc: join(kensho.Text{
				Ja: "電気通信事業者が報告した電気通信事故の件数を年度別に示します。報告区分は四半期ごとの報告(四半期報告事故)と重大な事故の報告(重大)の別です。",
				En: "The number of telecom accidents reported by operators, by fiscal year. Report type separates accidents reported in the quarterly reports from those reported as serious accidents.",
			}, noteYear, noteForm, noteAccidents),
			dims:     []dimSpec{{"fiscal_year", false}, {"form", true}, {"report_type", true}},
			measures: []measureSpec{mAccidents},
		},
		{
			name: "accidents_by_quarter", page: "overview", chart: "bar", query: "accidents_by_quarter",
			title: kensho.Text{Ja: "四半期別の事故件数", En: "Accidents by quarter"},
			desc: join(kensho.Text{
				Ja: "事故件数を年度の四半期別に示します。第1四半期は4〜6月、第2四半期は7〜9月、第3四半期は10〜12月、第4四半期は翌年1〜3月です。四半期をまたいで続いた事故は発生した四半期に数えます。四半期の合計は年度の計です。",
				En: "Accidents by quarter of the fiscal year: Q1 is April–June, Q2 July–September, Q3 October–December, Q4 January–March of the next calendar year. An accident that lasted into the next quarter counts in the quarter in which it began. The quarter total is the fiscal year.",
			}, noteYear, noteForm, noteAccidents),
			dims:     []dimSpec{{"fiscal_year", false}, {"quarter", true}, {"form", true}},
			measures: []measureSpec{mAccidents},
		},
		byYear("accidents_by_year_cause_group", "causes", "cause_group",
			kensho.Text{Ja: "発生要因(大分類)別の事故件数", En: "Accidents by cause group"},
			kensho.Text{
				Ja: "事故件数を発生要因の大分類(設備要因、人為要因、外的要因、不明)別に示します。",
				En: "Accidents by cause group: equipment, human, external, unknown.",
			}),
		byYear("accidents_by_year_cause", "causes", "cause",
			kensho.Text{Ja: "発生要因別の事故件数", En: "Accidents by cause"},
			kensho.Text{
				Ja: "事故件数を報告された発生要因(小分類)別に示します。",
				En: "Accidents by the cause the operator reported.",
			}),
		byYear("accidents_by_year_service", "services", "service",
			kensho.Text{Ja: "役務別の事故件数", En: "Accidents by service"},
			kensho.Text{
				Ja: "事故件数を影響を受けた役務(電気通信サービス)の区分別に示します。",
				En: "Accidents by the service they affected.",
			}),
		byYear("accidents_by_year_equipment", "equipment", "equipment",
			kensho.Text{Ja: "故障設備別の事故件数", En: "Accidents by failed equipment"},
			kensho.Text{
				Ja: "事故件数を故障した設備の種類別に示します。",
				En: "Accidents by the kind of equipment that failed.",
			}),
		byYear("accidents_by_year_equipment_class", "equipment", "equipment_class",
			kensho.Text{Ja: "設備区分別の事故件数", En: "Accidents by equipment class"},
			kensho.Text{
				Ja: "事故件数を故障設備の大まかな区分(交換、伝送、アクセス、サーバ、電源・空調、その他)別に示します。",
				En: "Accidents by the broad class of the failed equipment (switching, transmission, access, servers, power and air conditioning, other).",
			}),
		byYear("accidents_by_year_ministry_equipment_class", "equipment", "ministry_equipment_class",
			kensho.Text{Ja: "総務省の設備区分別の事故件数", En: "Accidents by the ministry's equipment class"},
			kensho.Text{
				Ja: "事故件数を、総務省の事故発生状況の故障設備の区分(伝送路設備、伝送交換設備、無線基地局・遠隔収容装置・DSLAM、サーバ設備、電源設備、その他)別に示し、総務省の数値と並べて比べられるようにしています。故障設備との対応は方法の説明のページにあります。",
				En: "Accidents by the classes of failed equipment in the ministry's accident statistics (transmission lines, switching and transmission equipment, base stations with remote line units and DSLAMs, servers, power supply, other), so that the figures can be set beside the ministry's. The methodology page maps each kind of equipment to its class.",
			}),
		byYear("accidents_by_year_region", "regions", "region",
			kensho.Text{Ja: "地域別の事故件数", En: "Accidents by region"},
			kensho.Text{
				Ja: "事故件数を影響範囲の地域別に示します。地域は総合通信局の管轄区域で、影響範囲が複数の区域にわたる事故は「複数地域」、全国に及ぶ事故は「全国」です。",
				En: "Accidents by the region they affected: the area of a regional telecommunications bureau; an accident over several areas counts as several regions, a nationwide one as nationwide.",
			}),
		byYear("accidents_by_year_impact", "impact", "impact",
			kensho.Text{Ja: "事故の態様別の事故件数", En: "Accidents by impact"},
			kensho.Text{
				Ja: "事故件数を役務の停止と品質低下の別に示します。品質低下は2008年度から事故として数えています。",
				En: "Accidents by impact: outage or degradation. Degradations count as accidents from fiscal year 2008.",
			}),
		byYear("accidents_by_year_duration_band", "impact", "duration_band",
			kensho.Text{Ja: "継続時間別の事故件数", En: "Accidents by duration"},
			kensho.Text{
				Ja: "事故件数を継続時間(発生から復旧まで)の階級別に示します。階級の下限を含みます。",
				En: "Accidents by duration (from occurrence to recovery), in bands that include their lower bound.",
			}),
		byYear("accidents_by_year_users_band", "impact", "users_band",
			kensho.Text{Ja: "影響利用者数別の事故件数", En: "Accidents by affected users"},
			kensho.Text{
				Ja: "事故件数を影響利用者数の階級別に示します。階級の下限を含みます。",
				En: "Accidents by the number of users they affected, in bands that include their lower bound.",
			}),
		{
			name: "user_hours_by_year_cause_group", page: "impact", chart: "bar", query: "user_hours_by_year_cause_group",
			title: kensho.Text{Ja: "発生要因(大分類)別の利用者時間", En: "User-hours by cause group"},
			desc: join(kensho.Text{
				Ja: "事故の影響の大きさを、影響利用者数と継続時間(時間)の積の合計(利用者時間、EUの年次報告と同じ尺度)で示します。あわせて影響利用者数の延べ人数(事故ごとの影響利用者数の合計)と事故件数を示します。単位は人時、人、件。",
				En: "The size of accidents as user-hours — affected users times duration in hours, summed over accidents, the measure of the EU's annual incident reports — with the affected users summed over accidents and the number of accidents. Units: user-hours, users, accidents.",
			}, noteYear, noteForm),
			dims:     []dimSpec{{"fiscal_year", false}, {"form", true}, {"cause_group", true}},
			measures: []measureSpec{mUserHours, mUsers, mAccidents},
		},
		{
			name: "duration_by_year_cause_group", page: "impact", chart: "line", query: "duration_by_year_cause_group",
			title: kensho.Text{Ja: "発生要因(大分類)別の継続時間(中央値・90パーセンタイル)", En: "Duration by cause group: median and 90th percentile"},
			desc: join(kensho.Text{
				Ja: "事故の継続時間(発生から復旧まで、分)の中央値と90パーセンタイルを示します。分位点は線形補間(Rの type 7)で求めます。事故が0件の区分は値がありません。",
				En: "The median and the 90th percentile of the duration of accidents (occurrence to recovery, in minutes). Quantiles are interpolated linearly between ordered durations (R's type 7). A group without accidents has no value.",
			}, noteYear, noteForm),
			dims: []dimSpec{{"fiscal_year", false}, {"form", true}, {"cause_group", true}},
			measures: []measureSpec{
				{Measure: kensho.Measure{Name: "median_duration_min", Title: kensho.Text{Ja: "継続時間の中央値", En: "median duration"}, Unit: unitMinutes, Decimals: 1,
					Quantile: &kensho.Quantile{Of: "duration_min", P: 0.5}}, column: "median_duration_min"},
				{Measure: kensho.Measure{Name: "p90_duration_min", Title: kensho.Text{Ja: "継続時間の90パーセンタイル", En: "90th percentile of duration"}, Unit: unitMinutes, Decimals: 1,
					Quantile: &kensho.Quantile{Of: "duration_min", P: 0.9}}, column: "p90_duration_min"},
				mAccidents,
			},
		},
		{
			name: "accidents_latest_cause_service", page: "causes", chart: "table", query: "accidents_latest_cause_service",
			title: kensho.Text{Ja: "発生要因と役務の組み合わせ別の事故件数(最新年度)", En: "Accidents by cause and service, latest fiscal year"},
			desc: join(kensho.Text{
				Ja: "最新年度の事故件数を発生要因と役務の組み合わせ別に示します(両様式の計)。",
				En: "Accidents of the latest fiscal year by cause and by service together (both forms).",
			}, noteYear, noteAccidents),
			dims:       []dimSpec{{"fiscal_year", false}, {"cause", true}, {"service", true}},
			measures:   []measureSpec{mAccidents},
			latestOnly: true,
		},
		{
			name: "accidents_latest_cause_equipment", page: "causes", chart: "table", query: "accidents_latest_cause_equipment",
			title: kensho.Text{Ja: "発生要因と故障設備の組み合わせ別の事故件数(最新年度)", En: "Accidents by cause and failed equipment, latest fiscal year"},
			desc: join(kensho.Text{
				Ja: "最新年度の事故件数を発生要因と故障設備の組み合わせ別に示します(両様式の計)。",
				En: "Accidents of the latest fiscal year by cause and by failed equipment together (both forms).",
			}, noteYear, noteAccidents),
			dims:       []dimSpec{{"fiscal_year", false}, {"cause", true}, {"equipment", true}},
			measures:   []measureSpec{mAccidents},
			latestOnly: true,
		},
		{
			name: "serious_by_year_category", page: "serious", chart: "bar", query: "serious_by_year_category",
			title: kensho.Text{Ja: "重大な事故の件数", En: "Serious accidents"},
			desc: join(kensho.Text{
				Ja: "重大な事故(電気通信事業法第28条により報告され、総務省が公表する事故)の件数を、電気通信事業法施行規則第58条の役務区分別に示します。重大な事故は総務省が個別に公表していますが、この表も他の表と同じ秘匿処理を受けるため、値が X(秘匿)となることがあります。2015年4月1日に重大な事故の基準が役務区分別に改められ、それより前は全役務に一つの基準でした(基準は方法の説明のページを参照)。",
				En: "Serious accidents — those reported under Article 28 of the Telecommunications Business Act, which the ministry announces — by the service category of Article 58 of the Ordinance for Enforcement of the Act. The ministry announces each serious accident, but this table goes through the same disclosure control as every other table, so a value may be withheld (X). On 1 April 2015 the criteria were set per service category; before, one rule held for every service (the methodology page lists the criteria).",
			}, noteYear, noteAccidents),
			filter:   map[string]string{"report_type": "serious"},
			dims:     []dimSpec{{"fiscal_year", false}, {"service_category", true}},
			measures: []measureSpec{mAccidents},
		},
		{
			name: "eu_root_cause_by_year", page: "causes", chart: "bar", query: "eu_root_cause_by_year",
			title: kensho.Text{Ja: "EUの根本原因区分別の事故件数と利用者時間", En: "Accidents and user-hours by EU root-cause category"},
			desc: join(kensho.Text{
				Ja: "事故を欧州連合(EU)の電気通信インシデント年次報告の根本原因区分(システム障害、人為的ミス、自然現象、悪意ある行為、第三者の障害)に対応させて数え、EUの数値と並べて比べられるようにしています。「第三者の障害に起因」は、EUと同じく根本原因とは別の区分で、第三者の障害(他事業者の設備故障、商用電源の停電、第三者による設備損壊)または他事業者の設備に起因する事故を「該当」とします。単位は件、人時。",
				En: "Accidents mapped to the root-cause categories of the European Union's annual telecom incident reports (system failure, human error, natural phenomenon, malicious action, third-party failure), so that the figures can be set beside the EU's. As in the EU's reports, third-party failure is also a flag of its own: \"yes\" for an accident caused by a third party (another operator's failure, a power cut, damage by a third party) or that began in another operator's equipment. Units: accidents, user-hours.",
			}, noteYear, noteForm),
			dims:     []dimSpec{{"fiscal_year", false}, {"form", true}, {"eu_root_cause", true}, {"third_party", true}},
			measures: []measureSpec{mAccidents, mUserHours},
		},
		{
			name: "accidents_by_disaster", page: "disasters", chart: "table", query: "accidents_by_disaster",
			title: kensho.Text{Ja: "災害別の事故件数", En: "Accidents per named disaster"},
			desc: join(kensho.Text{
				Ja: "報告に災害名が記載された事故を災害ごとに数えます。災害は災害の一覧(気象庁の名称または台風の番号、発生の古い順)のものだけを示し、一覧にない災害名は「その他の災害」にまとめます。報告に書かれた災害名そのものは公表しません。年度をまたぐ災害は年度ごとに示します(すべての年度の合計は示しません。秘匿処理を年度ごとに行うためです)。単位は件。",
				En: "Accidents whose report names a natural disaster, per disaster and fiscal year. Disasters come from the list of named disasters (the Japan Meteorological Agency's name or the typhoon's number, oldest first); a name not on the list counts as \"other named disaster\", and no name as an operator typed it is published. A disaster whose accidents fall in two fiscal years is shown in each; there is no total over the years, so that the disclosure control works one fiscal year at a time. Unit: accidents.",
			}, noteYear),
			dims:     []dimSpec{{"disaster", false}, {"fiscal_year", false}},
			measures: []measureSpec{mAccidents},
			sparse:   true,
		},
		{
			name: "accidents_by_quarter_cause_group", page: "trends", chart: "bar", query: "accidents_by_quarter_cause_group",
			title: kensho.Text{Ja: "四半期・発生要因(大分類)別の事故件数", En: "Accidents by quarter and cause group"},
			desc: join(kensho.Text{
				Ja: "事故件数を年度の四半期と発生要因の大分類別に示します。季節性の表はこの表から求めます。",
				En: "Accidents by quarter of the fiscal year and cause group; the seasonality table is computed from it.",
			}, noteYear, noteForm, noteAccidents),
			dims:     []dimSpec{{"fiscal_year", false}, {"quarter", true}, {"form", true}, {"cause_group", true}},
			measures: []measureSpec{mAccidents},
		},
		{
			name: "seasonality_by_quarter", page: "trends", chart: "bar",
			title: kensho.Text{Ja: "四半期別の季節性", En: "Seasonality by quarter"},
			desc: join(kensho.Text{
				Ja: "四半期のすべてにデータがある年度(完全な年度)について、四半期ごとの年度平均の事故件数と、年度の件数に占める四半期の割合(%)を示します。割合は季節性がなければ25%です。使った年度の数も示します。",
				En: "Over the fiscal years with data in all four quarters (complete years): the mean number of accidents per year in each quarter, and the quarter's share of the year's accidents in per cent (25 % each without seasonality), with the number of years used.",
			}, noteForm),
			dims: []dimSpec{{"quarter", true}, {"form", true}, {"cause_group", true}},
			measures: []measureSpec{
				{Measure: kensho.Measure{Name: "mean_per_year", Title: kensho.Text{Ja: "年度平均の事故件数", En: "mean accidents per year"}, Unit: unitAccidents, Decimals: 1}},
				{Measure: kensho.Measure{Name: "share_pct", Title: kensho.Text{Ja: "年度の件数に占める割合", En: "share of the year's accidents"}, Unit: unitPercent, Decimals: 1}},
				{Measure: kensho.Measure{Name: "years_used", Title: kensho.Text{Ja: "使った年度の数", En: "fiscal years used"}, Unit: unitYears}},
			},
			derive: deriveSeasonality,
			years:  func(b *builder) []int { return b.completeYears() },
		},
		{
			name: "trend_by_cause", page: "trends", chart: "table", query: "trend_by_cause",
			title: kensho.Text{Ja: "発生要因別の前年度比と傾向", En: "Year-over-year change and trend by cause"},
			desc: join(kensho.Text{
				Ja: "発生要因(小分類)と大分類、全体の事故件数について、前年度からの増減と、年度に対する対数線形の準ポアソン回帰で推定した傾向(年あたりの増減率、95%信頼区間)を示します。各年度の行は、その年度までの完全な年度(四半期のすべてにデータがある年度)を使い、系列の断絶(" + breaks.Ja + ")をまたがない最新の区間で推定します。使った最初と最後の年度と年度数を示します。" + strconv.Itoa(minTrendYears) + "年度未満、または件数がすべて0などで推定できない場合は値がありません。傾向の判定は、信頼区間の下限が0%を上回れば1(増加)、上限が0%を下回れば−1(減少)、それ以外は0(明確な傾向なし)です。信頼区間は、分散パラメータ(ピアソンのカイ二乗統計量÷(年度数−2)、1未満は1)で標準誤差を補正し、自由度(年度数−2)のt分布の分位点で求めます。",
				En: "For each cause, each cause group and all accidents: the change from the previous fiscal year, and the trend estimated by a log-linear quasi-Poisson regression of the yearly counts on the fiscal year, as a rate of change per year with its 95 % confidence interval. The trend in each year's row uses the complete fiscal years (with data in all four quarters) up to that year, within the latest segment not crossing a break in the series (" + breaks.En + "); the first and last years used and their number are shown. With fewer than " + strconv.Itoa(minTrendYears) + " years, or when no finite estimate exists (all counts zero, for instance), there is no value. The trend flag is 1 (rising) when the whole interval lies above 0 %, −1 (falling) when it lies below 0 %, and 0 (no clear trend) otherwise. The interval scales the standard error by the dispersion (Pearson's chi-square divided by the number of years minus 2, at least 1) and uses Student's t quantile with the number of years minus 2 degrees of freedom.",
			}, noteYear, noteForm),
			dims: []dimSpec{{"fiscal_year", false}, {"form", true}, {"cause_group", true}, {"cause", true}},
			keep: causeInGroup(2, 3),
			measures: []measureSpec{
				mAccidents,
				{Measure: kensho.Measure{Name: "change", Title: kensho.Text{Ja: "前年度からの増減", En: "change from the previous year"}, Unit: unitAccidents}},
				{Measure: kensho.Measure{Name: "change_pct", Title: kensho.Text{Ja: "前年度からの増減率", En: "change from the previous year"}, Unit: unitPercent, Decimals: 1}},
				{Measure: kensho.Measure{Name: "trend_pct_per_year", Title: kensho.Text{Ja: "傾向(年あたりの増減率)", En: "trend (rate of change per year)"}, Unit: unitPctYear, Decimals: 1}},
				{Measure: kensho.Measure{Name: "trend_ci_low_pct", Title: kensho.Text{Ja: "傾向の95%信頼区間の下限", En: "trend, lower 95% confidence limit"}, Unit: unitPctYear, Decimals: 1}},
				{Measure: kensho.Measure{Name: "trend_ci_high_pct", Title: kensho.Text{Ja: "傾向の95%信頼区間の上限", En: "trend, upper 95% confidence limit"}, Unit: unitPctYear, Decimals: 1}},
				{Measure: kensho.Measure{Name: "trend_flag", Title: kensho.Text{Ja: "傾向の判定(1 増加、−1 減少、0 明確な傾向なし)", En: "trend flag (1 rising, −1 falling, 0 no clear trend)"}}},
				{Measure: kensho.Measure{Name: "fit_first_year", Title: kensho.Text{Ja: "推定に使った最初の年度", En: "first fiscal year of the fit"}, Unit: unitYear}},
				{Measure: kensho.Measure{Name: "fit_last_year", Title: kensho.Text{Ja: "推定に使った最後の年度", En: "last fiscal year of the fit"}, Unit: unitYear}},
				{Measure: kensho.Measure{Name: "fit_years", Title: kensho.Text{Ja: "推定に使った年度の数", En: "fiscal years in the fit"}, Unit: unitYears}},
				{Measure: kensho.Measure{Name: "dispersion", Title: kensho.Text{Ja: "分散パラメータ", En: "dispersion"}, Decimals: 2}},
			},
			derive: deriveTrend,
		},
	}
}

// seriesBreaksText lists the series breaks (kensho.SeriesBreaks) for a
// description.
func seriesBreaksText() kensho.Text {
	var t kensho.Text
	for i, b := range kensho.SeriesBreaks {
		if i > 0 {
			t.Ja += "、"
			t.En += "; "
		}
		t.Ja += fmt.Sprintf("%d年度:%s", b.FiscalYear, b.Text.Ja)
		t.En += fmt.Sprintf("fiscal year %d: %s", b.FiscalYear, b.Text.En)
	}
	return t
}

// causeInGroup keeps the keys where the cause (dimension c) belongs to the
// cause group (dimension g): a cause within its group, the group's total,
// and the grand total.
func causeInGroup(g, c int) func(key []string) bool {
	return func(key []string) bool {
		group, cause := key[g], key[c]
		switch {
		case cause == kensho.Total:
			return true
		case group == kensho.Total:
			return false
		}
		return kensho.CauseGroupOf(cause) == group
	}
}
