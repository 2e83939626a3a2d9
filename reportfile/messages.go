package reportfile

import (
	"sort"
	"strings"
)

// Codes of the errors and warnings a report file can have. ingest stores
// them in quarantine_error.code and ingest_warning.code, and they are in
// the JSON of kensho ingest and kensho check, so they are part of the
// contract: never rename one.
const (
	// A file rejected as a whole.
	CodeUnreadable      = "unreadable"
	CodeBadEncoding     = "bad_encoding"
	CodeNotSpreadsheet  = "not_spreadsheet"
	CodeNoHeader        = "no_header"
	CodeMissingColumn   = "missing_column"
	CodeDuplicateColumn = "duplicate_column"
	CodePartTooLarge    = "part_too_large"
	CodeTooManyErrors   = "too_many_errors"
	CodeInternalError   = "internal_error"

	// A row quarantined.
	CodeMissingValue            = "missing_value"
	CodeBadInteger              = "bad_integer"
	CodeNegative                = "negative"
	CodeBadFiscalYear           = "bad_fiscal_year"
	CodeBadQuarter              = "bad_quarter"
	CodeUnknownCode             = "unknown_code"
	CodeCauseNotInGroup         = "cause_not_in_group"
	CodeBadDatetime             = "bad_datetime"
	CodeOutsideQuarter          = "outside_quarter"
	CodeRecoveredBeforeOccurred = "recovered_before_occurred"
	CodeDurationMismatch        = "duration_mismatch"
	CodeBadBool                 = "bad_bool"
	CodeUnknownPrefecture       = "unknown_prefecture"
	CodeNationwideMixed         = "nationwide_mixed"
	CodeSimplifiedEquipment     = "simplified_equipment"
	CodeDuplicateKey            = "duplicate_key"
	CodeTooManyCells            = "too_many_cells"
	CodeUnclosedQuote           = "unclosed_quote"

	// Warnings: the row (or file) loads.
	CodeBelowThreshold     = "below_threshold"
	CodeSeriousAsQuarterly = "serious_as_quarterly"
	CodeUnknownColumn      = "unknown_column"
	CodeUnknownDisaster    = "unknown_disaster"

	// The register of public facts (register.go, docs/public-facts.md).
	CodeRegisterNotCSV        = "register_not_csv"
	CodeRegisterMissingColumn = "register_missing_column"
	CodeRegisterUnknownColumn = "register_unknown_column"
	CodeBadDate               = "bad_date"
	CodeBadURL                = "bad_url"
)

// messageTemplates is the one table of what each code tells the user, in
// Japanese and English. A message says what is wrong and what to do.
// Placeholders in braces are filled by newMessage; {col} is the column's
// Japanese header in the Japanese message and its English alias in the
// English one.
var messageTemplates = map[string]struct{ ja, en string }{
	CodeUnreadable: {
		"{file} を読めません({detail})。ファイルの場所と権限を確認してください。",
		"cannot read {file} ({detail}); check the path and its permissions."},
	CodeBadEncoding: {
		"{file} は UTF-8 としても Shift_JIS(CP932)としても読めません({detail_ja})。「CSV UTF-8」か「CSV(コンマ区切り)」で保存し直してください。",
		"{file} is neither UTF-8 nor Shift_JIS (CP932) ({detail_en}); save it again as \"CSV UTF-8\" or \"CSV (Comma delimited)\"."},
	CodeNotSpreadsheet: {
		"{file} は表計算ファイルとして開けません({detail_ja})。xlsx か CSV で保存し直してください。",
		"{file} cannot be opened as a spreadsheet ({detail_en}); save it again as XLSX or CSV."},
	CodeNoHeader: {
		"{file} に見出し行がありません(空のファイルです)。報告様式の見出し行と報告を入れてください。",
		"{file} has no header row (it is empty); it needs the report format's header row and the reports."},
	CodeMissingColumn: {
		"{file} の見出し({row}行目)に必須の列がありません: {cols_ja}。見出しを報告様式に合わせてください。",
		"{file}: the header (row {row}) lacks required columns: {cols_en}; make the header follow the report format."},
	CodeDuplicateColumn: {
		"{file} の見出し({row}行目)に {col} が2回あります({first}列目と{second}列目)。どちらか一方を消してください。",
		"{file}: the header (row {row}) has {col} twice (columns {first} and {second}); delete one of them."},

	CodePartTooLarge: {
		"{file} の {part} は展開すると {size} になり、上限 {limit} を超えるため、ファイル全体を読みませんでした。{advice}。",
		"{file}: its part {part} is {size} once uncompressed, over the limit of {limit}, so the file was not read; {advice}."},
	CodeInternalError: {
		"{file} を確かめている途中で kensho の内部エラーが起きました({detail})。このファイルは取り込んでいません(ほかのファイルには影響しません)。ファイルを添えて kensho の保守担当に知らせてください。",
		"kensho failed on {file} with an internal error ({detail}); this file was not loaded (the other files are not affected). Please report it to kensho's maintainers with the file."},
	CodeTooManyErrors: {
		"{file} は {row} 行目までに {errors} 行に誤りがあり、誤りのない行({valid} 行)より多いため、ファイル全体を取り込みませんでした。{detail_ja}ファイルを直してから、もう一度取り込んでください。",
		"{file}: by row {row}, {errors} rows had errors, more than the {valid} rows without, so no row of the file was loaded. {detail_en}Fix the file and load it again."},

	CodeMissingValue: {
		"{col} が空です。必須の項目なので値を入力してください。",
		"{col} is empty; it is required, fill it in."},
	CodeBadInteger: {
		"{col} {value} は整数ではありません。30000 や 30,000 のように数字で書いてください。",
		"{col} {value} is not a whole number; write it in digits, e.g. 30000 or 30,000."},
	CodeNegative: {
		"{col} {value} が負の数です。0 以上の数を書いてください。",
		"{col} {value} is negative; it must be 0 or more."},
	CodeBadFiscalYear: {
		"{col} {value} は年度として読めません。2024 や 令和6 のように書いてください。",
		"{col} {value} is not a fiscal year; write it as 2024 or 令和6."},
	CodeBadQuarter: {
		"{col} {value} は四半期として読めません。1〜4 のいずれかを書いてください(1 = 4〜6月、2 = 7〜9月、3 = 10〜12月、4 = 1〜3月)。",
		"{col} {value} is not a quarter; write 1 to 4 (1 = Apr-Jun, 2 = Jul-Sep, 3 = Oct-Dec, 4 = Jan-Mar)."},
	CodeUnknownCode: {
		"{col} {value} は区分の一覧にありません。次のいずれかを書いてください: {choices_ja}。",
		"{col} {value} is not in the code list; write one of: {choices_en}."},
	CodeCauseNotInGroup: {
		"{col} {value} は発生要因(大分類) {group} に属しません。{group} の小分類は {choices_ja} です。大分類か小分類を確認してください。",
		"{col} {value} does not belong to cause_group {group}, whose causes are: {choices_en}; check the group or the cause."},
	CodeBadDatetime: {
		"{col} {value} は日時として読めません。2024/05/03 14:20、2024-05-03T14:20:00+09:00、令和6年5月3日 14時20分 のように日付と時刻を書いてください。",
		"{col} {value} is not a date and time; write the date and the time, e.g. 2024/05/03 14:20, 2024-05-03T14:20:00+09:00 or 令和6年5月3日 14時20分."},
	CodeOutsideQuarter: {
		"{col} {value} は報告年度{fy}・第{q}四半期({start_ja}〜{end_ja})の外です。四半期か発生日時を確認してください。",
		"{col} {value} is outside FY{fy} Q{q} ({start_en} to {end_en}); check the quarter or the date."},
	CodeRecoveredBeforeOccurred: {
		"{col} {value} が発生日時 {occurred} より前です。復旧日時と発生日時を確認してください。",
		"{col} {value} is before occurred_at {occurred}; check both dates."},
	CodeDurationMismatch: {
		"{col} {value} 分が、発生日時から復旧日時までの {computed} 分と合いません(許される差は1分まで)。継続時間か日時を確認してください。",
		"{col} {value} min does not match the {computed} min from occurred_at to recovered_at (1 minute tolerance); check the duration or the dates."},
	CodeBadBool: {
		"{col} {value} は はい/いいえ として読めません。はい・いいえ(有・無、yes・no、1・0)のいずれかを書いてください。",
		"{col} {value} is not yes or no; write はい/いいえ, 有/無, yes/no, true/false or 1/0."},
	CodeUnknownPrefecture: {
		"{col} {value} のうち {unknown} は都道府県名として読めません。東京都 や 東京 のように書き、複数なら「、」で区切ってください。全国なら 全国 と書いてください。",
		"{col} {value}: {unknown} is not a prefecture; write names such as 東京都, 東京 or Tokyo separated by 、 or commas, or 全国 for nationwide."},
	CodeNationwideMixed: {
		"{col} {value} に 全国 と都道府県名が混ざっています。全国 だけか、都道府県名だけを書いてください。",
		"{col} {value} mixes 全国 (nationwide) with prefectures; write either 全国 alone or the prefectures."},
	CodeSimplifiedEquipment: {
		"様式が告示(簡易様式)のとき、{col} は {choices_ja} のいずれかです。{value} は使えません。様式か故障設備を確認してください。",
		"on the simplified form (告示) {col} must be one of {choices_en}; {value} is not allowed. Check the form or the equipment."},
	CodeDuplicateKey: {
		"登録・届出番号 {operator} と事業者整理番号 {report_no} の組が {first} 行目と重複しています。1つの事故は1ファイルに1行だけ書いてください。",
		"operator_id {operator} with report_no {report_no} repeats row {first}; an accident takes one row per file."},
	CodeTooManyCells: {
		"この行には見出し({width}列)より多い {n} 個の値があります。余分な区切り文字(,)がないか確認してください。",
		"this row has {n} values, more than the {width} columns of the header; check for stray commas."},
	CodeUnclosedQuote: {
		"引用符(\")が閉じられていません。値の中の \" は \"\" と書いてください。この行は1行目だけを読みました。",
		"a quote (\") is never closed; write a quote inside a value as \"\". Only this row's first line was read."},

	CodeRegisterNotCSV: {
		"{file} は表計算ブックです。公表事実の台帳は CSV で渡してください(Excel なら「CSV UTF-8」で保存)。",
		"{file} is a workbook; give the register of public facts as CSV (in Excel, save it as \"CSV UTF-8\")."},
	CodeRegisterMissingColumn: {
		"{file} の見出し({row}行目)に公表事実の台帳の必須の列がありません: {cols_ja}。docs/public-facts.md の見出しに合わせてください。",
		"{file}: the header (row {row}) lacks required columns of the register of public facts: {cols_en}; make it follow docs/public-facts.md."},
	CodeRegisterUnknownColumn: {
		"見出し {col} は公表事実の台帳にない列です。値は読み込みますが照合にも公表にも使いません。見出しの書き誤りでないか確認してください。",
		"column {col} is not a column of the register of public facts; it is kept but used neither to match nor to publish. Check the header for a typo."},
	CodeBadDate: {
		"{col} {value} は日付として読めません。2024/05/03 や 令和6年5月3日 のように書いてください。",
		"{col} {value} is not a date; write it as 2024/05/03, 2024-05-03 or 令和6年5月3日."},
	CodeBadURL: {
		"{col} {value} は公表資料の URL として使えません。http:// か https:// で始まる、空白を含まないアドレスを書いてください。",
		"{col} {value} is not the address of a public source; write an address that starts with http:// or https:// and has no spaces."},

	CodeBelowThreshold: {
		"影響利用者数 {users}・継続時間 {minutes} 分は四半期報告の基準({min_users} 人以上または {min_minutes} 分以上)を下回ります。読み込みましたが、報告が必要か確認してください。",
		"affected_users {users} and a duration of {minutes} min are below the quarterly reporting threshold ({min_users} users or {min_minutes} min); loaded, but check whether it needs reporting."},
	CodeSeriousAsQuarterly: {
		"報告区分は四半期ですが、重大な事故の基準(施行規則第58条)を満たします(影響利用者数 {users}・継続時間 {minutes} 分)。読み込みましたが、重大な事故として報告すべきだったか確認してください。",
		"reported as quarterly but meets the serious-accident criteria (Art. 58) with {users} users for {minutes} min; loaded, but check whether it should have been reported as a serious accident."},
	CodeUnknownColumn: {
		"見出し {col} は報告様式にない列です。値は extra に残しましたが、集計には使いません。見出しの書き誤りでないか確認してください。",
		"column {col} is not in the report format; its values are kept in extra but not used. Check the header for a typo."},
	CodeUnknownDisaster: {
		"災害名 {value} は、発生日 {date} の時期の災害として災害の一覧(codes/disasters.csv)にありません。読み込みましたが、公表する統計では「その他の災害」に数えます。気象庁の名称(例: 令和元年東日本台風)か台風の番号(例: 令和元年台風第19号)で書かれているか、発生日時が正しいか確認してください。",
		"disaster_name {value} is not a disaster of the list (codes/disasters.csv) around the accident's date, {date}; loaded, but the published statistics count it as \"other named disaster\". Check that it is the Japan Meteorological Agency's name (e.g. 令和元年東日本台風) or the typhoon's number (e.g. 令和元年台風第19号), and that occurred_at is right."},
}

// Message is a message in both languages.
type Message struct{ Ja, En string }

// newMessage fills the templates of code. args are placeholder/value pairs;
// "col" is given as a column (header as written, Japanese header, English
// alias) through colArgs.
func newMessage(code string, args ...string) Message {
	t, ok := messageTemplates[code]
	if !ok {
		panic("reportfile: no message for code " + code)
	}
	ja, en := map[string]string{}, map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		k, v := args[i], args[i+1]
		switch {
		case strings.HasSuffix(k, "_ja"):
			ja[strings.TrimSuffix(k, "_ja")] = v
			ja[k] = v
		case strings.HasSuffix(k, "_en"):
			en[strings.TrimSuffix(k, "_en")] = v
			en[k] = v
		default:
			ja[k], en[k] = v, v
		}
	}
	return Message{Ja: expand(t.ja, ja, code), En: expand(t.en, en, code)}
}

// expand replaces {name} by vars[name]; a missing name is a programming
// error.
func expand(tmpl string, vars map[string]string, code string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			panic("reportfile: unclosed placeholder in message " + code)
		}
		name := tmpl[i+1 : i+j]
		v, ok := vars[name]
		if !ok {
			panic("reportfile: message " + code + " lacks {" + name + "}")
		}
		b.WriteString(tmpl[:i])
		b.WriteString(v)
		tmpl = tmpl[i+j+1:]
	}
}

// messageCodes returns every code with a message, sorted (for tests and
// documentation).
func messageCodes() []string {
	out := make([]string, 0, len(messageTemplates))
	for c := range messageTemplates {
		out = append(out, c)
	}
	sort.Strings(out) // deterministic order
	return out
}

// Shown quotes a cell value for a message: trimmed, at most 60 characters,
// and (空) / (empty) never needed because empty values have their own code.
func Shown(v string) string {
	v = strings.TrimSpace(v)
	r := []rune(v)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return v
}
