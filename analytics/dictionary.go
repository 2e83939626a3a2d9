package analytics

import (
	"slices"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// TableDoc documents one published table for the data dictionary: what it
// counts, and every column of its CSV file in order.
type TableDoc struct {
	Name        string      `json:"name"`
	File        string      `json:"file"` // below the site's data/ directory
	Title       kensho.Text `json:"title"`
	Description kensho.Text `json:"description"`
	Page        string      `json:"page"`
	// Scope says which accidents the table counts (its Filter) in words;
	// empty when it counts them all.
	Scope   kensho.Text `json:"scope"`
	Columns []ColumnDoc `json:"columns"`
}

// ColumnDoc documents one column of a table's CSV file. A coded key column
// is followed by its labels in Japanese (<name>_ja) and English (<name>_en).
type ColumnDoc struct {
	Name string `json:"name"` // the CSV header, English snake_case
	Type string `json:"type"` // string, integer or number
	// Role is key (a dimension), label (the name of a key), count (an
	// additive measure: a sum over accidents) or derived (computed from
	// counts: a median, a change, a trend).
	Role    string      `json:"role"`
	Meaning kensho.Text `json:"meaning"`
	Unit    kensho.Text `json:"unit"` // measures only
	// Codes names the code list of a coded key (kensho.ListByName), or
	// "flag" for true/false; Values lists every key value of the table
	// with its labels, the total included.
	Codes  string    `json:"codes,omitempty"`
	Values []CodeDoc `json:"values,omitempty"`
}

// CodeDoc is one value of a key column and its labels.
type CodeDoc struct {
	Code  string      `json:"code"`
	Label kensho.Text `json:"label"`
}

// keyLabel is the label of a key of a labelled dimension.
func keyLabel(dim, key string) kensho.Text {
	l, _ := kensho.KeyLabel(dim, key)
	return l
}

// filterScope describes the filters tables use.
var filterScope = map[string]kensho.Text{
	"meets_serious=true": {Ja: "重大な事故の基準(施行規則第58条)を満たす事故だけを数えます。", En: "Only accidents that met the serious-accident criteria (Article 58) count."},
}

// measureMeaning defines each measure beyond its title.
var measureMeaning = map[string]kensho.Text{
	"accidents":           {Ja: "事故の件数", En: "number of accidents"},
	"affected_users":      {Ja: "影響利用者数の合計(事故ごとの影響利用者数の和。複数の事故で同じ利用者を重ねて数えることがあります)", En: "affected users summed over accidents (a user affected by several accidents counts each time)"},
	"user_hours":          {Ja: "利用者時間の合計(事故ごとの影響利用者数×継続時間(時間)の和)", En: "user-hours summed over accidents (affected users times duration in hours, per accident)"},
	"median_duration_min": {Ja: "継続時間(発生から復旧まで)の中央値(線形補間)", En: "median duration from occurrence to recovery (linear interpolation)"},
	"p90_duration_min":    {Ja: "継続時間の90パーセンタイル(線形補間、Rの type 7)", En: "90th percentile of the duration (linear interpolation, R's type 7)"},
	"mean_per_year":       {Ja: "完全な年度(四半期のすべてにデータがある年度)の件数の平均", En: "mean of the yearly counts over the complete fiscal years (with data in all four quarters)"},
	"share_pct":           {Ja: "完全な年度の件数に占める四半期の割合(季節性がなければ25%)", En: "the quarter's share of the accidents of the complete fiscal years (25 % without seasonality)"},
	"years_used":          {Ja: "平均と割合に使った完全な年度の数", En: "number of complete fiscal years the mean and share use"},
	"change":              {Ja: "前年度の件数との差", En: "accidents minus those of the previous fiscal year"},
	"change_pct":          {Ja: "前年度の件数に対する増減の割合(前年度が0件なら値なし)", En: "the change as a percentage of the previous year's accidents (none when those were 0)"},
	"trend_pct_per_year":  {Ja: "準ポアソン対数線形回帰による年あたりの増減率 100×(exp(傾き)−1)", En: "rate of change per year from a quasi-Poisson log-linear regression, 100 × (exp(slope) − 1)"},
	"trend_ci_low_pct":    {Ja: "年あたりの増減率の95%信頼区間の下限", En: "lower limit of the 95 % confidence interval of the rate per year"},
	"trend_ci_high_pct":   {Ja: "年あたりの増減率の95%信頼区間の上限", En: "upper limit of the 95 % confidence interval of the rate per year"},
	"trend_flag":          {Ja: "1 = 増加(信頼区間が0%より上)、−1 = 減少(0%より下)、0 = 明確な傾向なし", En: "1 = rising (interval above 0 %), −1 = falling (below 0 %), 0 = no clear trend"},
	"fit_first_year":      {Ja: "傾向の推定に使った最初の年度", En: "first fiscal year the trend is estimated from"},
	"fit_last_year":       {Ja: "傾向の推定に使った最後の年度(集計途中の年度は使いません)", En: "last fiscal year the trend is estimated from (a partial year is not used)"},
	"fit_years":           {Ja: "傾向の推定に使った年度の数(" + strconv.Itoa(minTrendYears) + "以上)", En: "number of fiscal years the trend is estimated from (at least " + strconv.Itoa(minTrendYears) + ")"},
	"dispersion":          {Ja: "分散パラメータ(ピアソンのカイ二乗統計量÷(年度数−2)、1未満は1)", En: "dispersion (Pearson's chi-square divided by the number of years minus 2, at least 1)"},
}

// Dictionary documents every column of every table's CSV file, for the data
// dictionary: name, type, meaning, unit, and the codes of each key with
// their labels. It depends only on the tables, so it documents protected
// tables as well as Compute's.
func Dictionary(tables []kensho.StatTable) []TableDoc {
	out := make([]TableDoc, 0, len(tables))
	for _, t := range tables {
		d := TableDoc{Name: t.Name, File: "tables/" + t.Name + ".csv", Title: t.Title, Description: t.Description, Page: t.Page}
		for _, f := range sortedFilter(t.Filter) {
			s, ok := filterScope[f[0]+"="+f[1]]
			if !ok {
				s = kensho.Text{Ja: f[0] + " = " + f[1] + " の事故だけを数えます。", En: "Only accidents with " + f[0] + " = " + f[1] + " count."}
			}
			d.Scope = join(d.Scope, s)
		}
		for i, dim := range t.Dims {
			d.Columns = append(d.Columns, keyColumns(t, i, dim)...)
		}
		for _, m := range t.Measures {
			c := ColumnDoc{Name: m.Name, Type: "number", Role: "derived", Unit: m.Unit}
			if m.Decimals == 0 {
				c.Type = "integer"
			}
			if m.Additive() {
				c.Role = "count"
			}
			c.Meaning = m.Title
			if def, ok := measureMeaning[m.Name]; ok {
				c.Meaning = def
			}
			d.Columns = append(d.Columns, c)
		}
		out = append(out, d)
	}
	return out
}

func sortedFilter(f map[string]string) [][2]string {
	var out [][2]string
	for k, v := range f {
		out = append(out, [2]string{k, v})
	}
	// Sorted: a map has no order, the dictionary must.
	slices.SortFunc(out, func(a, b [2]string) int {
		if a[0] < b[0] {
			return -1
		}
		if a[0] > b[0] {
			return 1
		}
		return 0
	})
	return out
}

// keyColumns documents dimension i of t: the key column and, for a coded
// key, its two label columns.
func keyColumns(t kensho.StatTable, i int, dim kensho.Dim) []ColumnDoc {
	var keys []string
	seen := map[string]bool{}
	for _, r := range t.Rows {
		if k := r.Key[i]; !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	hasTotal := seen[kensho.Total]
	title := dim.Title
	if title.Ja == "" {
		title = kensho.Text{Ja: dim.Name, En: dim.Name}
	}
	key := ColumnDoc{Name: dim.Name, Type: "string", Role: "key"}
	switch dim.Name {
	case "fiscal_year":
		key.Meaning = kensho.Text{Ja: "年度(4月1日から翌年3月31日まで、日本時間)", En: "fiscal year (1 April to 31 March, Japan time)"}
	case "quarter":
		key.Meaning = kensho.Text{Ja: "年度の四半期(1 = 4〜6月、2 = 7〜9月、3 = 10〜12月、4 = 翌年1〜3月)", En: "quarter of the fiscal year (1 = April–June, 2 = July–September, 3 = October–December, 4 = January–March)"}
	case "disaster":
		key.Meaning = kensho.Text{Ja: "災害(災害の一覧のコード。一覧にない災害は other)", En: "named disaster (a code of the list of named disasters; other for one not on it)"}
	default:
		key.Meaning = kensho.Text{Ja: title.Ja + "のコード", En: title.En + ", as a code"}
	}
	if (dim.Name == "fiscal_year" || dim.Name == "quarter") && !hasTotal {
		key.Type = "integer"
	}
	if hasTotal {
		key.Meaning = join(key.Meaning, kensho.Text{Ja: "(total は合計)", En: "(total for all)"})
	}
	if !kensho.Labelled(dim.Name) {
		for _, k := range keys {
			if k == kensho.Total {
				key.Values = append(key.Values, CodeDoc{Code: k, Label: kensho.TotalLabel})
			}
		}
		return []ColumnDoc{key}
	}
	if kensho.IsFlagColumn(dim.Name) {
		key.Codes = "flag"
	} else {
		key.Codes = dim.Name
	}
	for _, k := range keys {
		key.Values = append(key.Values, CodeDoc{Code: k, Label: keyLabel(dim.Name, k)})
	}
	return []ColumnDoc{
		key,
		{Name: dim.Name + "_ja", Type: "string", Role: "label", Meaning: kensho.Text{Ja: title.Ja + "(日本語の名称)", En: title.En + ", Japanese label"}},
		{Name: dim.Name + "_en", Type: "string", Role: "label", Meaning: kensho.Text{Ja: title.Ja + "(英語の名称)", En: title.En + ", English label"}},
	}
}

// CSVHeader returns the header of a table's CSV file as Dictionary
// documents it: every key with its labels, then every measure.
func CSVHeader(t kensho.StatTable) []string {
	var h []string
	for _, c := range Dictionary([]kensho.StatTable{t})[0].Columns {
		h = append(h, c.Name)
	}
	return h
}

// CSVKeys returns the key and label cells of a row in CSVHeader's order.
func CSVKeys(t kensho.StatTable, r kensho.Row) []string {
	var out []string
	for i, d := range t.Dims {
		out = append(out, r.Key[i])
		if kensho.Labelled(d.Name) {
			l := keyLabel(d.Name, r.Key[i])
			out = append(out, l.Ja, l.In("en"))
		}
	}
	return out
}
