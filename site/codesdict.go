package site

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"

	"github.com/kensho-jp/kensho"
)

// codeColumn is what a column of a published code list (data/codes/*.csv)
// means. Most columns mean the same in every list that has them (code,
// label_ja, label_en); the few that differ by list are keyed "file:column".
type codeColumn struct {
	typ    string
	ja, en string
}

var codeColumns = map[string]codeColumn{
	"code":     {"string", "コード(表の列の値)", "code (the value in the tables' columns)"},
	"label_ja": {"string", "表記(日本語)", "label in Japanese"},
	"label_en": {"string", "表記(英語)", "label in English"},
	"short_ja": {"string", "短い表記(日本語)", "short label in Japanese"},
	"basis_ja": {"string", "この区分に含まれるもの(日本語)", "what the class holds, in Japanese"},
	"basis_en": {"string", "この区分に含まれるもの(英語)", "what the class holds, in English"},

	"causes.csv:group":                        {"string", "原因区分(cause_groups.csv のコード)", "cause group (a code of cause_groups.csv)"},
	"causes.csv:eu_root_cause":                {"string", "EU の根本原因区分(eu_root_causes.csv のコード)", "EU root-cause category (a code of eu_root_causes.csv)"},
	"eu_root_causes.csv:third_party":          {"boolean", "この区分の事故はすべて第三者要因(third_party = true)", "every accident of this category has third_party = true"},
	"equipment.csv:class":                     {"string", "設備区分(equipment_classes.csv のコード)", "equipment class (a code of equipment_classes.csv)"},
	"equipment.csv:simplified_form":           {"boolean", "告示様式(簡易様式)で報告される設備か。false の設備は簡易様式の報告に現れない", "reported on the simplified form; equipment marked false never appears in a simplified-form report"},
	"equipment.csv:ministry_class":            {"string", "総務省統計の故障設備区分(ministry_equipment_classes.csv のコード)", "the ministry's class of failed equipment (a code of ministry_equipment_classes.csv)"},
	"services.csv:category":                   {"string", "役務区分(service_categories.csv のコード)", "service category (a code of service_categories.csv)"},
	"prefectures.csv:region":                  {"string", "総合通信局の管轄区域(regions.csv のコード)", "bureau area (a code of regions.csv)"},
	"regions.csv:bureau_ja":                   {"string", "総合通信局の名称(日本語)", "name of the regional bureau, in Japanese"},
	"duration_bands.csv:min_minutes":          {"integer", "この区分の最小継続時間(分)", "shortest duration of the band, in minutes"},
	"users_bands.csv:min_users":               {"integer", "この区分の最小影響利用者数", "fewest affected users of the band"},
	"eras.csv:name":                           {"string", "元号", "Japanese era name"},
	"eras.csv:start":                          {"string", "元号の始まる日(YYYY-MM-DD)", "first day of the era (YYYY-MM-DD)"},
	"hierarchy.csv:dimension":                 {"string", "集約先の次元(粗い分類)", "the coarser dimension codes roll up into"},
	"hierarchy.csv:base":                      {"string", "集約元の次元(細かい分類)", "the finer dimension whose codes roll up"},
	"hierarchy.csv:column":                    {"string", "集約元の一覧で集約先のコードを示す列", "column of the finer dimension's list that names the coarser code"},
	"disasters.csv:kind":                      {"string", "災害の種類(typhoon, heavy_rain, earthquake)", "kind of disaster (typhoon, heavy_rain, earthquake)"},
	"disasters.csv:start":                     {"string", "災害の初日(YYYY-MM-DD、日本時間)", "first day of the disaster (YYYY-MM-DD, JST)"},
	"disasters.csv:end":                       {"string", "災害の最終日(YYYY-MM-DD、日本時間)", "last day of the disaster (YYYY-MM-DD, JST)"},
	"disasters.csv:regions":                   {"string", "被害のあった総合通信局の区域(regions.csv のコード、空白区切り)", "bureau areas hit (codes of regions.csv, separated by spaces)"},
	"disasters.csv:prefectures":               {"string", "被害の大きかった都道府県(JIS コード、空白区切り)", "prefectures hit hardest (JIS codes, separated by spaces)"},
	"disasters.csv:aliases":                   {"string", "報告で使われる別名(| 区切り)", "other names used in reports (separated by |)"},
	"reporting_thresholds.csv:effective_from": {"string", "この基準の適用開始日(YYYY-MM-DD)", "first day the threshold applies (YYYY-MM-DD)"},
	"reporting_thresholds.csv:min_minutes":    {"integer", "報告対象となる最小継続時間(分)", "shortest duration that must be reported, in minutes"},
	"reporting_thresholds.csv:min_users":      {"integer", "報告対象となる最小影響利用者数", "fewest affected users that must be reported"},
	"serious_criteria.csv:effective_from":     {"string", "この基準の適用開始日(YYYY-MM-DD)", "first day the criterion applies (YYYY-MM-DD)"},
	"serious_criteria.csv:category":           {"string", "基準の役務区分(空欄はすべて)", "service category of the criterion (empty: any)"},
	"serious_criteria.csv:impact":             {"string", "基準の影響(空欄はすべて)", "impact of the criterion (empty: any)"},
	"serious_criteria.csv:equipment":          {"string", "基準の設備(空欄はすべて)", "equipment of the criterion (empty: any)"},
	"serious_criteria.csv:min_minutes":        {"integer", "重大な事故となる最小継続時間(分)", "shortest duration that makes an accident serious, in minutes"},
	"serious_criteria.csv:min_users":          {"integer", "重大な事故となる最小影響利用者数", "fewest affected users that make an accident serious"},
	"series_breaks.csv:fiscal_year":           {"integer", "系列の断絶がある年度", "fiscal year of the break in the series"},
	"series_breaks.csv:date":                  {"string", "断絶の日(YYYY-MM-DD)", "day of the break (YYYY-MM-DD)"},
	"columns.csv:no":                          {"integer", "報告様式の列番号", "column number on the report form"},
	"columns.csv:field":                       {"string", "列のフィールド名", "field name of the column"},
	"columns.csv:header_ja":                   {"string", "報告様式の見出し(日本語)", "heading on the report form, in Japanese"},
	"columns.csv:type":                        {"string", "値の型", "type of the value"},
	"columns.csv:required":                    {"boolean", "必須の列か", "whether the column is required"},
	"columns.csv:simplified_may_be_empty":     {"boolean", "簡易様式で空欄でよいか", "whether a simplified-form report may leave it empty"},
	"columns.csv:identifier":                  {"boolean", "事業者や事故を特定する列か(公開しない)", "whether it identifies an operator or accident (never published)"},
	"columns.csv:rule_en":                     {"string", "公開時の扱い(英語)", "how the column is treated in publication, in English"},
	"columns.csv:hint_ja":                     {"string", "記入の手引き(日本語)", "how to fill it in, in Japanese"},
	"columns.csv:hint_en":                     {"string", "記入の手引き(英語)", "how to fill it in, in English"},
}

// codesDictionary documents every column of every code list published
// under data/codes/, in the order of the files and their headers. A column
// without a meaning above is an error: a code list changed and this table
// did not.
func codesDictionary() ([]dictEntry, error) {
	names, err := codeFiles()
	if err != nil {
		return nil, err
	}
	var out []dictEntry
	for _, n := range names {
		b, err := fs.ReadFile(kensho.CodeFiles(), n)
		if err != nil {
			return nil, fmt.Errorf("code list %s: %w", n, err)
		}
		head, err := csv.NewReader(bytes.NewReader(b)).Read()
		if err != nil {
			return nil, fmt.Errorf("code list %s: header: %w", n, err)
		}
		for _, c := range head {
			m, ok := codeColumns[n+":"+c]
			if !ok {
				m, ok = codeColumns[c]
			}
			if !ok {
				return nil, fmt.Errorf("code list %s: column %q has no meaning in site/codesdict.go; add one", n, c)
			}
			out = append(out, dictEntry{File: "codes/" + n, Column: c, Type: m.typ, Meaning: kensho.Text{Ja: m.ja, En: m.en}})
		}
	}
	return out, nil
}
