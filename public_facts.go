package kensho

// PublicFactColumn is one column of the register of public facts
// (docs/public-facts.md), the list of accidents already published.
type PublicFactColumn struct {
	Field    string   // English alias, also the column name in DuckDB
	HeaderJa string   // Japanese header
	Aliases  []string // other headers accepted
	Type     string   // text, date, code, int, url
	Required bool
	RuleJa   string // what to write, for docs and the template
	RuleEn   string
}

// PublicFactColumns is the one table of the register's columns, in the
// order of docs/public-facts.md: reportfile reads by it, synth writes by
// it.
var PublicFactColumns = []PublicFactColumn{
	{Field: "operator_name", HeaderJa: "事業者名", Aliases: []string{"報告事業者名"}, Type: "text", Required: true,
		RuleJa: "公表資料に書かれた事業者名。照合に使い、kensho は公表しない", RuleEn: "the operator as the source names it; used to match, never published by kensho"},
	{Field: "operator_id", HeaderJa: "登録・届出番号", Type: "text",
		RuleJa: "分かれば報告と同じ登録・届出番号。あれば事業者名より優先して照合する", RuleEn: "the operator's registration number as in the reports, if known; matched before the name"},
	{Field: "occurred_on", HeaderJa: "発生日", Aliases: []string{"発生日時"}, Type: "date", Required: true,
		RuleJa: "事故が発生した日(日本時間)。2024/05/03、令和6年5月3日。時刻があってもよい(日付だけを使う)", RuleEn: "the day the accident began (Japan time): 2024/05/03, 令和6年5月3日; a time may follow (only the date is used)"},
	{Field: "service", HeaderJa: "役務区分", Type: "code", Required: true,
		RuleJa: "報告様式の役務区分(コードまたは名称)", RuleEn: "a service of the report format (code or label)"},
	{Field: "affected_users", HeaderJa: "影響利用者数", Type: "int", Required: true,
		RuleJa: "公表された影響利用者数(0 以上の整数)", RuleEn: "the affected users as published (a whole number, 0 or more)"},
	{Field: "duration_min", HeaderJa: "継続時間(分)", Type: "int", Required: true,
		RuleJa: "公表された継続時間を分で(2時間30分なら 150)", RuleEn: "the published duration in minutes (2 h 30 min is 150)"},
	{Field: "cause", HeaderJa: "発生要因(小分類)", Aliases: []string{"発生要因"}, Type: "code", Required: true,
		RuleJa: "報告様式の発生要因(小分類)。公表資料にない場合は 不明", RuleEn: "a cause of the report format; unknown (不明) when the source gives none"},
	{Field: "source_url", HeaderJa: "出典URL", Aliases: []string{"出典"}, Type: "url", Required: true,
		RuleJa: "公表資料の URL(http:// または https://)。サイトの公表事例のページからリンクする", RuleEn: "the address of the public source (http:// or https://); the site's public-cases page links to it"},
}
