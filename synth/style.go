package synth

// style is how one operator fills in the form: the file format it saves,
// how it writes dates, codes, booleans, numbers and prefectures. Every
// choice is valid under the input contract; operators differ in them
// because the form leaves them free, and ingest must read them all.
type style struct {
	format   string // csv, cp932 or xlsx: what the operator saves (used when Format is "mixed")
	bom      bool   // UTF-8 CSV with a byte-order mark
	crlf     bool
	date     int  // one of the date* constants
	eraYear  bool // 報告年度 as 令和N (from FY2020, when the era has a year 2)
	codeSvc  bool // 役務区分 as the spec's code instead of the Japanese label
	codeCaus bool // 発生要因(小分類) as code
	codeEq   bool // 故障設備 as code
	fwParen  bool // Japanese labels and headers with full-width brackets （）
	boolean  int  // one of the bool* constants
	prefFull bool // 東京都 (else 東京)
	prefSep  string
	thousand bool // 30,000
	fwDigits bool // numbers in full-width digits (what an IME gives)
	durCol   bool // writes 継続時間(分)
	typeCol  bool // keeps the 報告区分 column even when every row is quarterly
	typeFill bool // writes 四半期 rather than leaving 報告区分 empty
	critZero bool // writes 0 for 重要インフラ事業者数 rather than leaving it empty
	reportNo int  // report-number pattern
	contact  int  // 0 phone, 1 mail, 2 both
	notes    bool // XLSX with a 記入要領 sheet before the 報告 sheet
	textNums bool // XLSX numbers stored as text
}

const (
	dateSlash  = iota // 2024/05/03 14:20
	dateHyphen        // 2024-05-03 14:20
	dateISO           // 2024-05-03T14:20:00+09:00
	dateEra           // 令和6年5月3日 14時20分 (only for dates in 令和 2 or later, else slash)
	dateSerial        // an Excel serial number (XLSX only, else slash)
)

const (
	boolHai = iota // はい/いいえ
	boolAri        // 有/無
	boolOne        // 1/0
	boolYes        // yes/no
	numBools
)

// newStyle draws an operator's habits. Large operators lean to XLSX (their
// reporting is done from templates with a title block), small ones to CSV
// saved by Excel in CP932.
func newStyle(r *rng, op *operator) style {
	s := style{}
	big := op.users >= 1_000_000
	switch {
	case big:
		s.format = pickW(r, []weighted[string]{{"xlsx", 0.6}, {"csv", 0.25}, {"cp932", 0.15}})
	default:
		s.format = pickW(r, []weighted[string]{{"xlsx", 0.3}, {"csv", 0.25}, {"cp932", 0.45}})
	}
	s.bom = r.chance(0.5)
	s.crlf = s.format == "cp932" || r.chance(0.5)
	s.date = pickW(r, []weighted[int]{{dateSlash, 0.45}, {dateHyphen, 0.25}, {dateISO, 0.08}, {dateEra, 0.12}, {dateSerial, 0.10}})
	if s.format == "xlsx" && r.chance(0.4) {
		s.date = dateSerial
	}
	s.eraYear = s.date == dateEra || r.chance(0.1)
	s.codeSvc = r.chance(0.3)
	s.codeCaus = r.chance(0.3)
	s.codeEq = r.chance(0.3)
	s.fwParen = r.chance(0.25)
	s.boolean = r.intn(numBools)
	s.prefFull = r.chance(0.7)
	s.prefSep = pickString(r, []string{"、", "、", ",", "／", ";", "・"})
	s.thousand = r.chance(0.35)
	s.fwDigits = r.chance(0.06)
	s.durCol = r.chance(0.7)
	s.typeCol = r.chance(0.8)
	s.typeFill = r.chance(0.6)
	s.critZero = r.chance(0.4)
	s.reportNo = r.intn(4)
	s.contact = r.intn(3)
	s.notes = s.format == "xlsx" && r.chance(0.25)
	s.textNums = r.chance(0.2)
	return s
}

// exportStyle is how the regulator's consolidated export writes every row:
// one uniform style, all columns, labels in Japanese.
var exportStyle = style{
	format: "csv", bom: true, crlf: true, date: dateHyphen, boolean: boolHai, prefFull: true, prefSep: "、",
	durCol: true, typeCol: true, typeFill: true, reportNo: -1, contact: 2,
}
