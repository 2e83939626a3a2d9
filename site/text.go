package site

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"

	"github.com/kensho-jp/kensho"
)

// langs are the languages of the site: Japanese at the root, English under
// en/. The order is the order of the language switch.
var langs = []string{"ja", "en"}

// langPrefix is the directory of a language below the site root.
func langPrefix(lang string) string {
	if lang == "ja" {
		return ""
	}
	return lang + "/"
}

// ui holds the fixed words of the site, by key, in both languages. Figures
// never appear here: they come from the release.
var ui = map[string]kensho.Text{
	"site.title":    {Ja: "電気通信事故統計", En: "Telecom accident statistics"},
	"site.subtitle": {Ja: "四半期報告事故と重大な事故の公表統計", En: "Official statistics of Japan's reportable telecom accidents"},
	"site.owner":    {Ja: "電気通信事故検証会議 統計", En: "Statistics of the Telecom Accident Verification Committee"},
	"skip":          {Ja: "本文へ移動", En: "Skip to content"},
	"nav.label":     {Ja: "サイト内の主なページ", En: "Main pages"},
	"nav.menu":      {Ja: "メニュー", En: "Menu"},
	"lang.label":    {Ja: "English", En: "日本語"},
	"lang.switch":   {Ja: "English version of this page", En: "このページの日本語版"},
	"toc":           {Ja: "目次", En: "Contents"},

	"page.overview":     {Ja: "概要", En: "Overview"},
	"page.causes":       {Ja: "発生要因", En: "Causes"},
	"page.services":     {Ja: "役務", En: "Services"},
	"page.equipment":    {Ja: "故障設備", En: "Equipment"},
	"page.regions":      {Ja: "地域", En: "Regions"},
	"page.impact":       {Ja: "影響", En: "Impact"},
	"page.serious":      {Ja: "重大な事故", En: "Serious accidents"},
	"page.disasters":    {Ja: "自然災害", En: "Natural disasters"},
	"page.trends":       {Ja: "動向", En: "Trends"},
	"page.report":       {Ja: "年度報告", En: "Annual reports"},
	"page.downloads":    {Ja: "データ", En: "Data"},
	"page.methodology":  {Ja: "方法", En: "Methodology"},
	"page.about":        {Ja: "このサイトについて", En: "About"},
	"page.dictionary":   {Ja: "データ辞書", En: "Data dictionary"},
	"page.public-cases": {Ja: "公表済みの事例", En: "Public cases"},
	"page.changes":      {Ja: "前回からの変更", En: "Changes"},

	"lead.overview":     {Ja: "電気通信事業者が四半期ごとに報告した事故と重大な事故の件数、原因、影響を年度ごとにまとめた統計です。", En: "Accidents that telecom operators reported each quarter, and serious accidents, by fiscal year (April to March): how many, why, and with what impact."},
	"lead.causes":       {Ja: "事故の発生要因(設備要因・人為要因・外的要因)の内訳と、EUの年次報告の根本原因区分による集計です。", En: "Accidents by cause (equipment, human, external), and by the root-cause categories of the EU's annual incident reports."},
	"lead.services":     {Ja: "事故の影響を受けた電気通信役務ごとの件数です。", En: "Accidents by the telecom service they affected."},
	"lead.equipment":    {Ja: "故障した設備の種類ごとの件数です。事業者の特定につながる詳細は公表しません。", En: "Accidents by the kind of equipment that failed. Details that could point to an operator are not published."},
	"lead.regions":      {Ja: "影響範囲を総合通信局の管轄区域ごとにまとめた件数です。複数の区域にまたがる事故は「複数地域」、全国に及ぶ事故は「全国」に計上します。", En: "Accidents by the area of the regional bureau of telecommunications they affected. An accident across several areas counts as \"several regions\", a nationwide one as \"nationwide\"."},
	"lead.impact":       {Ja: "事故の継続時間、影響利用者数、利用者時間(影響利用者数×継続時間)の分布です。", En: "How long accidents lasted, how many users they affected, and user-hours (users × duration in hours, the EU's severity measure)."},
	"lead.serious":      {Ja: "重大な事故(電気通信事業法施行規則第58条)の件数を役務の区分ごとに示します。基準は下の表のとおりです。", En: "Serious accidents (Article 58 of the Ordinance for Enforcement of the Telecommunications Business Act) by service category. The criteria are listed below."},
	"lead.disasters":    {Ja: "地震・台風・大雨などの自然災害による事故です。災害は気象庁の名称または台風の番号で示し、災害の一覧にない災害名は「その他の災害」にまとめます。", En: "Accidents caused by earthquakes, typhoons, heavy rain and other natural disasters. Each disaster is named as the Japan Meteorological Agency names it (or by the typhoon's number); a name not on the list of named disasters counts as \"other named disaster\"."},
	"lead.public-cases": {Ja: "総務省や事業者がすでに公表している事故(重大な事故の公表、事業者の障害のお知らせ)を、公表資料のとおりに一覧にします。", En: "Accidents the ministry or their operators have already made public (the announcements of serious accidents, operators' outage notices), listed as the sources state them."},
	"lead.trends":       {Ja: "検証会議向けの前年度比較、傾向の推定(信頼区間つき)と自動生成の要約です。系列の断絶は各グラフに示します。", En: "For the verification committee: year-over-year changes, estimated trends with confidence intervals, and the generated summary. Breaks in a series are marked on every chart."},
	"lead.report":       {Ja: "年度ごとの統計表とグラフを、検証報告の順にまとめたページです。A4で印刷できます。", En: "Every table and chart of a fiscal year, in the order of the annual verification report. Each page prints on A4."},
	"lead.downloads":    {Ja: "公表しているすべての統計表、個票データ(匿名化済み)とデータ辞書をダウンロードできます。", En: "Every published table, the anonymized record-level data and the data dictionary, for download."},
	"lead.methodology":  {Ja: "用語の定義、報告と重大な事故の基準、匿名化の方法と公表データの開示リスクについて説明します。", En: "Definitions, reporting and serious-accident thresholds, how the data are anonymized, and the disclosure risk of what is published."},
	"lead.dictionary":   {Ja: "ダウンロードできるすべてのファイルのすべての列の意味、型とコードです。同じ内容を dictionary.csv でも提供しています。", En: "What every column of every download means, its type and its codes. The same is in dictionary.csv."},
	"lead.about":        {Ja: "出典、利用条件、版と変更履歴です。", En: "Sources, licence, version and changelog."},
	"lead.changes":      {Ja: "この版の数値を前回の公表と比べ、値を訂正した数値(r)と、秘匿(X)になった数値・新たに公表した数値の数を示します。", En: "How the figures of this release compare with the previous release's: the figures revised (r), and how many are now withheld (X) or now published."},

	"headline.heading":     {Ja: "%sの主な数値", En: "Key figures, %s"},
	"headline.latest":      {Ja: "%sは集計途中のため、4四半期分がそろった最新の年度の数値を示します。%sの途中経過は下の表とグラフにあります。", En: "%s is partial, so these are the figures of the latest complete year. The partial figures of %s are in the tables and charts below."},
	"headline.accidents":   {Ja: "事故件数", En: "Accidents"},
	"headline.serious":     {Ja: "うち重大な事故", En: "of which serious accidents"},
	"headline.users":       {Ja: "影響利用者数(延べ)", En: "Affected users (sum)"},
	"headline.userhours":   {Ja: "利用者時間", En: "User-hours"},
	"headline.change":      {Ja: "前年度から %s(%s)", En: "%s (%s) on the previous year"},
	"headline.nochange":    {Ja: "前年度と比較できません", En: "No comparison with the previous year"},
	"headline.partial":     {Ja: "集計途中の年度のため、前年度とは比較しません", En: "A partial year: not compared with the previous year"},
	"headline.prevpartial": {Ja: "前年度が集計途中のため比較しません", En: "The previous year is partial: no comparison"},
	"headline.none":        {Ja: "この年度に公表できる主な数値はありません。", En: "No key figure of this year can be published."},

	"chart.csv":       {Ja: "このグラフのCSV", En: "CSV of this chart"},
	"table.csv":       {Ja: "表全体のCSV", En: "CSV of the whole table"},
	"table.full":      {Ja: "すべての数値(様式・指標別)", En: "All figures (by form and measure)"},
	"table.chartnote": {Ja: "グラフと同じ数値", En: "The figures of the chart"},
	"chart.total":     {Ja: "省令・告示の合計", En: "both forms"},
	"chart.alt":       {Ja: "グラフの数値は下の表のとおりです。", En: "The chart's figures are in the table below."},
	"chart.totalonly": {Ja: "合計(内訳は秘匿)", En: "total (breakdown withheld)"},
	"chart.rest":      {Ja: "秘匿した内訳の計", En: "withheld parts combined"},
	"chart.withheld":  {Ja: "秘匿(X)", En: "withheld (X)"},
	"chart.legend":    {Ja: "凡例", En: "Legend"},
	"chart.nothing.withheld": {Ja: "グラフに描ける数値はありません。数値が秘匿(X)か、内訳が秘匿で合計だけが公表されています。数値は下の表のとおりです。",
		En: "There is no chart: the figures are withheld (X), or only the total of a withheld breakdown is published. The figures are in the table below."},
	"chart.nothing.zero": {Ja: "グラフに描ける数値はありません。数値はすべて0か、数値なし(…)です。数値は下の表のとおりです。",
		En: "There is no chart: every figure is zero or not applicable (…). The figures are in the table below."},
	"note.withheldslot": {Ja: "X: 秘匿した値です。グラフには棒を描かず、その位置に X と示します。", En: "X: withheld; the chart draws nothing there and marks the place X."},
	"note.totalonly":    {Ja: "「%s」: 内訳が秘匿(X)を含むため、グラフには公表した合計だけを示します。", En: "“%s”: the breakdown includes withheld figures (X), so the chart shows the published total alone."},
	"note.rest":         {Ja: "「%s」: 合計から公表した内訳を差し引いた値で、秘匿(X)した2つ以上の内訳をまとめたものです。個々の内訳の値ではありません。", En: "“%s”: the total less the published parts, i.e. two or more withheld parts (X) together, never the value of any one of them."},
	"legend.heading":    {Ja: "表の記号", En: "Symbols"},
	"legend.X":          {Ja: "X 秘匿(個別の事業者が特定されるおそれがあるため非表示)", En: "X withheld (it could reveal an individual operator)"},
	"legend.zero":       {Ja: "- 該当なし(0)", En: "- nil (zero)"},
	"legend.na":         {Ja: "… 数値なし(算出できない)", En: "… not applicable (cannot be computed)"},
	"legend.r":          {Ja: "r 訂正(前回の公表と値が異なる数値)", En: "r revised (the previous release published another value)"},
	"note.revised":      {Ja: "訂正した数値(r)の前回の値を見る", En: "See the previous values of the revised figures (r)"},
	"note.partial":      {Ja: "集計途中: 4四半期分の報告がそろっていない年度(%s)です。他の年度と単純に比較できません。", En: "Partial: not all four quarters have data for %s; do not compare it directly with other years."},
	"note.break":        {Ja: "系列の断絶(%s): %s。この前後の数値は定義が異なります。", En: "Series break (%s): %s. Figures before and after it are defined differently."},
	"note.years":        {Ja: "ほかの年度と様式別の数値は、年度報告と表全体のCSVにあります。", En: "The figures of other years and of each form are in the annual reports and the CSV of the whole table."},
	"mark.partial":      {Ja: "集計途中", En: "partial"},
	"mark.break":        {Ja: "断絶", En: "break"},
	"mark.revised":      {Ja: "訂正", En: "revised"},
	"mark.provisional":  {Ja: "速報値(集計途中の年度)", En: "provisional (a fiscal year still open)"},
	"mark.revisedlong":  {Ja: "訂正値(前回公表から改訂)", En: "revised since the previous release"},
	"report.partial":    {Ja: "この年度は集計途中です。4四半期分の報告がそろっていないため、数値は確定値ではありません。", En: "This fiscal year is partial: not all four quarters have data, so its figures are not final."},
	"report.heading":    {Ja: "%s 電気通信事故の統計", En: "Telecom accident statistics, %s"},
	"report.years":      {Ja: "年度を選んでください。", En: "Choose a fiscal year."},
	"report.release":    {Ja: "版", En: "Release"},
	"report.published":  {Ja: "公表日", En: "Published"},
	"report.print":      {Ja: "ブラウザの印刷機能でA4に印刷できます。", En: "Print it from your browser; it is laid out for A4."},
	"report.nodata":     {Ja: "この年度に公表できる表はありません。", En: "No table can be published for this year."},
	"summary.heading":   {Ja: "要約", En: "Summary"},
	"yoy.heading":       {Ja: "前年度比較(%sと%s)", En: "Year-over-year change (%s against %s)"},
	"yoy.none":          {Ja: "比較できる2つの完全な年度がまだありません。", En: "There are not yet two complete years to compare."},
	"yoy.change":        {Ja: "増減", En: "change"},
	"yoy.pct":           {Ja: "増減率(%)", En: "change (%)"},
	"footer.version":    {Ja: "版 %s(%s 公表)", En: "Release %s, published %s"},
	"footer.publisher":  {Ja: "公表", En: "Published by"},
	"footer.contact":    {Ja: "問い合わせ先", En: "Contact"},
	"synthetic.notice":  {Ja: "このサイトは合成データ(架空の事故報告)から作ったデモです。数値は実際の電気通信事故の統計ではありません。", En: "This site is a demo built from synthetic data (fictional accident reports). Its figures are not statistics of real telecom accidents."},
	"footer.licence":    {Ja: "クリエイティブ・コモンズ 表示 4.0 国際(CC BY 4.0)", En: "Creative Commons Attribution 4.0 International (CC BY 4.0)"},
	"download.file":     {Ja: "ファイル", En: "File"},
	"download.format":   {Ja: "形式", En: "Format"},
	"download.size":     {Ja: "サイズ", En: "Size"},
	"download.what":     {Ja: "内容", En: "Contents"},
	"download.sha":      {Ja: "SHA-256", En: "SHA-256"},
	"download.tables":   {Ja: "統計表", En: "Statistical tables"},
	"download.files":    {Ja: "ファイル一覧", En: "Files"},
	"download.micro":    {Ja: "個票データの項目", En: "Columns of the record-level data"},
	"download.rows":     {Ja: "個票データは %s 件です。", En: "The record-level data hold %s records."},
	"dict.name":         {Ja: "列名", En: "Column"},
	"dict.type":         {Ja: "型", En: "Type"},
	"dict.meaning":      {Ja: "意味", En: "Meaning"},
	"dict.codes":        {Ja: "コード", En: "Codes"},
	"dict.table":        {Ja: "表", En: "Table"},
	"dict.title":        {Ja: "表題", En: "Title"},
	"dict.page":         {Ja: "ページ", En: "Page"},
	"file.microcsv":     {Ja: "個票データ「%s」(匿名化済み, CSV)", En: "Record-level data: %s (anonymized), CSV"},
	"file.microparq":    {Ja: "個票データ「%s」(匿名化済み, Parquet)", En: "Record-level data: %s (anonymized), Parquet"},
	"file.xlsx":         {Ja: "全統計表(Excel, 表ごとに1シート)", En: "Every table (Excel, one sheet per table)"},
	"file.tablesparq":   {Ja: "全統計表(Parquet, 1セル1行の縦長形式)", En: "Every table (Parquet, long format: one row per cell)"},
	"file.dictionary":   {Ja: "データ辞書(全ファイルの全列)", En: "Data dictionary (every column of every file)"},
	"file.publiccases":  {Ja: "公表済みの事例(公表資料のとおり)", En: "Public cases (as their sources state them)"},
	"file.revisions":    {Ja: "前回の公表から訂正した数値(前回の値と今回の値)", En: "Figures revised since the previous release (the previous value and the value now)"},
	"file.datapackage":  {Ja: "Frictionless Data Package v2 の記述", En: "Frictionless Data Package v2 descriptor"},
	"file.sums":         {Ja: "全ファイルのSHA-256", En: "SHA-256 of every file"},
	"file.table":        {Ja: "統計表 %s", En: "Table %s"},
	"file.codes":        {Ja: "コード表 %s(階層と属性を含む)", En: "Code list %s (with its rollups and attributes)"},
	"feed.title":        {Ja: "公表の履歴(Atom)", En: "Releases (Atom)"},

	"anchor.section":  {Ja: "このグラフと表へのリンク", En: "Link to this chart and table"},
	"anchor.table":    {Ja: "この表へのリンク", En: "Link to this table"},
	"tools.explore":   {Ja: "この表を探す", En: "Explore this table"},
	"tools.png":       {Ja: "PNGで保存", En: "Save as PNG"},
	"tools.svg":       {Ja: "SVGで保存", En: "Save as SVG"},
	"explore.heading": {Ja: "表を探す", En: "Table explorer"},
	"explore.table":   {Ja: "表", En: "Table"},
	"explore.all":     {Ja: "すべて", En: "all"},
	"explore.rows":    {Ja: "{rows} 行", En: "{rows} rows"}, // the script fills {rows}, {shown}
	"explore.shown":   {Ja: "{rows} 行のうち最初の {shown} 行を表示しています。CSVにはすべての行があります。", En: "Showing the first {shown} of {rows} rows; the CSV holds them all."},
	"explore.empty":   {Ja: "条件に合う行はありません。", En: "No row matches."},
	"explore.loading": {Ja: "読み込み中…", En: "Loading…"},
	"explore.csv":     {Ja: "絞り込んだ表のCSV", En: "CSV of the filtered table"},
	"explore.reset":   {Ja: "条件を消す", En: "Clear the filters"},

	"changes.title":         {Ja: "前回の公表からの変更", En: "Changes since the previous release"},
	"changes.compare":       {Ja: "前回の公表との比較", En: "Compared with the previous release"},
	"changes.first":         {Ja: "この版は、kensho が保存した最初の公表です。比べる前回の公表がないため、変更はありません。", En: "This is the first release kensho archived: there is no previous release to compare it with, so nothing has changed."},
	"changes.against":       {Ja: "この版(%s、%s公表)の数値を、前回の版(%s、%s公表)の数値と比べています。", En: "The figures of this release (%s, published %s) are compared with those of the previous release (%s, published %s)."},
	"changes.revised":       {Ja: "訂正した数値(r)", En: "Figures revised (r)"},
	"changes.nowsuppressed": {Ja: "前回は公表し、今回は秘匿(X)とした数値", En: "Figures published then and withheld (X) now"},
	"changes.nowpublished":  {Ja: "前回は秘匿(X)とし、今回は公表した数値", En: "Figures withheld (X) then and published now"},
	"changes.rules": {Ja: "数値を訂正するのは、その変更が、公表するほかのすべての数値と同じ秘匿の基準を満たす場合だけで、訂正から個別の事業者の訂正内容が分かることはありません。変更から個別の事業者の訂正が分かるおそれのある数値は、訂正せずに秘匿(X)とします。",
		En: "A figure is revised only when its change passes the same disclosure rules as any published figure, so a revision never shows one operator's correction. A figure whose change would show one is withheld (X) instead."},
	"changes.list":     {Ja: "訂正した数値", En: "Revised figures"},
	"changes.none":     {Ja: "前回の公表から値を訂正した数値はありません。", En: "No figure has been revised since the previous release."},
	"changes.caption":  {Ja: "訂正した数値の前回の値と今回の値(表の順)", En: "Revised figures: the previous value and the value now, in the order of the tables"},
	"changes.key":      {Ja: "区分", En: "Row"},
	"changes.measure":  {Ja: "指標", En: "Measure"},
	"changes.previous": {Ja: "前回の値", En: "Previous value"},
	"changes.value":    {Ja: "今回の値", En: "Value now"},
	"changes.csv":      {Ja: "訂正した数値の一覧(CSV)", En: "The revised figures as CSV"},

	"class.equipment_class":          {Ja: "設備区分", En: "Equipment class"},
	"class.ministry_equipment_class": {Ja: "総務省の設備区分", En: "The ministry's class"},
}

// T returns the fixed text key in lang; a missing key is a programming
// error caught by the tests (it renders as the key itself).
func T(lang, key string) string {
	t, ok := ui[key]
	if !ok {
		return key
	}
	return t.In(lang)
}

// Tf formats the fixed text key in lang with args.
func Tf(lang, key string, args ...any) string { return fmt.Sprintf(T(lang, key), args...) }

// properName marks a name written in Japanese on a page of another
// language (a publisher, a place) with lang="ja", so that a screen reader
// reads it in Japanese; elsewhere it is the escaped text.
func properName(lang, s string) template.HTML {
	esc := template.HTMLEscapeString(s)
	if lang == "ja" || !hasJapanese(s) {
		return template.HTML(esc)
	}
	return template.HTML(`<span lang="ja">` + esc + `</span>`)
}

// hasJapanese reports whether s holds a kana, a kanji or a full-width form.
func hasJapanese(s string) bool {
	for _, r := range s {
		if isJapanese(r) {
			return true
		}
	}
	return false
}

// marked is text of a page in lang with every run of Japanese in it (a
// term given in the original, 省令) marked lang="ja" on a page of another
// language, so that a screen reader reads it in Japanese.
func marked(lang, s string) template.HTML {
	if lang == "ja" || !hasJapanese(s) {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isJapanese(rs[i]) {
			b.WriteString(template.HTMLEscapeString(string(rs[i])))
			i++
			continue
		}
		// A run: Japanese, and digits between Japanese (令和6年).
		j := i + 1
		for j < len(rs) {
			k := j
			for k < len(rs) && unicode.IsDigit(rs[k]) {
				k++
			}
			if k < len(rs) && isJapanese(rs[k]) {
				j = k + 1
				continue
			}
			break
		}
		b.WriteString(`<span lang="ja">` + template.HTMLEscapeString(string(rs[i:j])) + `</span>`)
		i = j
	}
	return template.HTML(b.String())
}

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
