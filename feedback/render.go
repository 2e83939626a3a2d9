package feedback

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/reportfile"
)

//go:embed templates/report.html
var templateFS embed.FS

// Languages of the report, and the file of each (FileName).
var Langs = []string{"ja", "en"}

// FileName is the report's file in lang, inside the output directory.
func FileName(lang string) string { return "feedback." + lang + ".html" }

// text is the report's fixed text.
var text = map[string]kensho.Text{
	"private":     {Ja: "関係者限り — この報告には貴社の識別情報が含まれます。公表しないでください。", En: "Private — this report holds your identifiers. Do not publish it."},
	"title":       {Ja: "電気通信事故の報告 フィードバック", En: "Telecom accident reports: feedback"},
	"operator_id": {Ja: "登録・届出番号", En: "operator_id"},
	"release":     {Ja: "全国の値は公表データ(版 %s、%s)から", En: "National figures from the published release (version %s, %s)"},
	"other":       {Ja: "English", En: "日本語"},
	"summary":     {Ja: "%d年度の概要", En: "FY%d at a glance"},
	"measure":     {Ja: "指標", En: "measure"},
	"own":         {Ja: "貴社", En: "yours"},
	"national":    {Ja: "全国(公表値)", En: "national (published)"},
	"share":       {Ja: "全国に占める割合", En: "your share"},
	"year":        {Ja: "年度", En: "fiscal year"},
	"breakdowns":  {Ja: "%d年度の事故件数の内訳", En: "Your accidents of FY%d in detail"},
	"trend":       {Ja: "年度ごとの事故件数", En: "Accidents by fiscal year"},
	"not_pub":     {Ja: "—", En: "—"},
	"absent":      {Ja: "この表は今回の公表データにないため、全国との比較はありません。", En: "The release has no such table this time, so there is no national comparison."},
	"withheld":    {Ja: "%d年度の全国の値は公表されていないため、全国との比較はありません。", En: "FY%d is not in the release, so there is no national comparison."},
	"quarantine":  {Ja: "%d年度の読み込めなかった行", En: "Rows of FY%d that did not load"},
	"q_none":      {Ja: "ありません。", En: "None."},
	"q_lead":      {Ja: "次の行は誤りがあったため読み込んでいません(隔離)。直した行を同じ事業者整理番号で報告し直すと置き換わります。", En: "These rows had errors and were not loaded (quarantined). Report a corrected row with the same report number and it takes their place."},
	"q_corrected": {Ja: "後のファイルで訂正済み", En: "corrected by a later file"},
	"file":        {Ja: "ファイル", En: "file"},
	"row":         {Ja: "行", En: "row"},
	"report_no":   {Ja: "事業者整理番号", En: "report_no"},
	"column":      {Ja: "列", En: "column"},
	"value":       {Ja: "値", En: "value"},
	"message":     {Ja: "内容", En: "message"},
	"code":        {Ja: "コード", En: "code"},
	"warnings":    {Ja: "%d年度の警告", En: "Warnings of FY%d"},
	"w_lead":      {Ja: "次の行は読み込みましたが、確認をお願いします。", En: "These rows loaded, but please check them."},
	"files":       {Ja: "%d年度の事故を読み込んだファイル", En: "Files your FY%d accidents came from"},
	"loaded_at":   {Ja: "読み込み日時", En: "loaded"},
	"rows":        {Ja: "事故件数", En: "accidents"},
	"notes":       {Ja: "読み方", En: "How to read this report"},
	"note_pub":    {Ja: "全国の値は、公表した統計表の値だけです。「—」は公表していない値(他の事業者を特定できないよう秘匿した値、または値のないもの)で、ここでも示しません。", En: "National figures are only those of the published tables. A dash is a value that was not published (withheld so that no other operator can be identified, or not applicable), and this report does not show it either."},
	"note_share":  {Ja: "割合は、貴社の値を公表された全国の値で割ったものです。全国の値は公表時点のもので、その後に読み込んだ報告や訂正は含みません。", En: "A share is your figure over the published national one. National figures are those of the release; reports and corrections loaded after it are not in them."},
	"note_own":    {Ja: "貴社の値は、読み込み済みの貴社の報告(訂正後の最新の版)から数えています。", En: "Your figures count your reports as loaded, in their latest corrected version."},
}

func tr(lang, key string) string { return text[key].In(lang) }

// view is what the template gets.
type view struct {
	Lang, Other, OtherHref string
	R                      *Report
	T                      func(key string) string
	Tf                     func(key string, args ...any) string
}

var funcs = template.FuncMap{
	"label": func(t kensho.Text, lang string) string { return t.In(lang) },
	"num":   formatNumber,
	"share": func(c Comparison) string {
		s, ok := c.Share()
		if !ok {
			return ""
		}
		return formatNumber(s, 1) + "%"
	},
	"hasShare": func(c Comparison) bool { _, ok := c.Share(); return ok },
	"nkey":     func(n National) string { return strings.Join(n.Key, "|") },
	"msg": func(e reportfile.Error, lang string) string {
		if lang == "en" {
			return e.MessageEn
		}
		return e.MessageJa
	},
	"shown": reportfile.Shown,
	"head":  func(v view, first string) headView { return headView{First: first, T: v.T} },
	"cells": func(c Comparison, dim string, year int, v view) cellsView {
		return cellsView{C: c, Dim: dim, Year: year, NotPub: v.T("not_pub")}
	},
}

// headView is a comparison table's header row.
type headView struct {
	First string
	T     func(string) string
}

// cellsView is a comparison's cells: own, national, share.
type cellsView struct {
	C      Comparison
	Dim    string
	Year   int
	NotPub string
}

var reportTemplate = template.Must(template.New("report.html").Funcs(funcs).ParseFS(templateFS, "templates/report.html"))

// WriteHTML writes the report in lang ("ja" or "en"). The other
// language's file is linked as FileName(other) beside it.
func (r *Report) WriteHTML(w io.Writer, lang string) error {
	other := "en"
	if lang == "en" {
		other = "ja"
	} else if lang != "ja" {
		return fmt.Errorf("feedback: language %q", lang)
	}
	v := view{Lang: lang, Other: other, OtherHref: FileName(other), R: r,
		T:  func(key string) string { return tr(lang, key) },
		Tf: func(key string, args ...any) string { return fmt.Sprintf(tr(lang, key), args...) },
	}
	return reportTemplate.Execute(w, v)
}

// formatNumber writes v with thousands separators and the given decimals.
func formatNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return s
	}
	out := reportfile.Thousands(n)
	if frac != "" {
		out += "." + frac
	}
	if v < 0 && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}
