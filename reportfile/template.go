package reportfile

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
)

// This file writes the blank report form an operator fills in: a workbook
// whose sheet 報告 has the header row of the input contract, a dropdown
// from the code list on every coded column, an input message with each
// column's rule, date and number formats, and a second sheet with the code
// lists; and a CSV with the header row. Everything in it comes from the
// root vocabulary (codes/*.csv), so a value chosen from a dropdown is one
// the rules accept (template_test.go checks every one).

// Template languages.
const (
	LangJa = "ja"
	LangEn = "en"
)

// lastRow is the last row the validations cover: the whole sheet.
const lastRow = 1048576

// templateText is the fixed text of the workbook, by language.
var templateText = map[string]struct {
	codeSheet, choice, otherLang, code, group, required, optional, listTitle, listMsg, numberMsg,
	yearMsg, yes, no, nationwide, title string
}{
	LangJa: {
		codeSheet: "区分一覧", choice: "選択肢", otherLang: "English", code: "コード", group: "発生要因(大分類)",
		required: "必須", optional: "任意", listTitle: "一覧にない値です",
		listMsg:   "一覧から選んでください(区分一覧のシートに一覧があります)。",
		numberMsg: "0 以上の整数を入力してください。", yearMsg: "2024 のように西暦4桁で入力してください。",
		yes: "はい", no: "いいえ", nationwide: "全国", title: "電気通信事故 四半期報告",
	},
	LangEn: {
		codeSheet: "Code lists", choice: "choice", otherLang: "日本語", code: "code", group: "cause_group",
		required: "required", optional: "optional", listTitle: "Not in the list",
		listMsg:   "Choose a value from the list (the sheet Code lists has every list).",
		numberMsg: "Enter a whole number, 0 or more.", yearMsg: "Enter the fiscal year as four digits, e.g. 2024.",
		yes: "yes", no: "no", nationwide: "全国", title: "Telecom accidents: quarterly report",
	},
}

// choice is one entry of a dropdown: the label in the template's
// language, the other language's, and the code (and, for a cause, its group).
type choice struct{ label, other, code, group string }

// templateList is the dropdown of one column.
type templateList struct {
	field   string
	choices []choice
	free    bool // other values may be typed (a list of prefectures)
}

// templateLists gives the dropdowns of the form, in the order of the code
// sheet: every coded field, the two yes/no fields, and the prefectures.
func templateLists(lang string) []templateList {
	tt := templateText[lang]
	other := LangEn
	if lang == LangEn {
		other = LangJa
	}
	fromList := func(field string, l *kensho.CodeList) templateList {
		t := templateList{field: field}
		for _, c := range l.Codes {
			ch := choice{label: c.Text.In(lang), other: c.Text.In(other), code: c.Code}
			if l == kensho.Causes {
				ch.group = kensho.CauseGroups.Label(kensho.CauseGroupOf(c.Code), lang)
			}
			t.choices = append(t.choices, ch)
		}
		return t
	}
	var out []templateList
	for _, c := range kensho.InputColumns {
		switch c.Type {
		case "code":
			out = append(out, fromList(c.Field, codeLists[mustField(c.Field)]))
		case "bool":
			yes := choice{label: tt.yes, other: templateText[other].yes, code: "true"}
			no := choice{label: tt.no, other: templateText[other].no, code: "false"}
			out = append(out, templateList{field: c.Field, choices: []choice{yes, no}})
		case "list":
			t := fromList(c.Field, kensho.Prefectures)
			nw := choice{label: kensho.Nationwide, other: kensho.Nationwide, code: "nationwide"}
			if lang == LangEn {
				nw.other = "nationwide"
			}
			t.choices = append([]choice{nw}, t.choices...)
			t.free = true
			out = append(out, t)
		}
	}
	return out
}

// templateHeader is a column's header in the template's language: the
// Japanese header, or the English alias (both are read).
func templateHeader(c kensho.InputColumn, lang string) string {
	if lang == LangEn {
		return c.Field
	}
	return c.HeaderJa
}

// checkLang refuses a language the template is not written in.
func checkLang(lang string) error {
	if _, ok := templateText[lang]; !ok {
		return fmt.Errorf("template: language %q; use ja or en", lang)
	}
	return nil
}

// WriteTemplateCSV writes the CSV form: the header row alone, UTF-8 with
// a byte-order mark and CRLF, as Excel writes "CSV UTF-8".
func WriteTemplateCSV(w io.Writer, lang string) error {
	if err := checkLang(lang); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.Write(bomUTF8)
	for i, c := range kensho.InputColumns {
		if i > 0 {
			bw.WriteByte(',')
		}
		h := templateHeader(c, lang)
		if strings.ContainsAny(h, ",\"\r\n") {
			h = `"` + strings.ReplaceAll(h, `"`, `""`) + `"`
		}
		bw.WriteString(h)
	}
	bw.WriteString("\r\n")
	return bw.Flush()
}

// WriteTemplateXLSX writes the workbook form in lang (LangJa or LangEn).
// Its bytes depend only on lang and the code lists.
func WriteTemplateXLSX(w io.Writer, lang string) error {
	if err := checkLang(lang); err != nil {
		return err
	}
	f, err := templateWorkbook(lang)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

func templateWorkbook(lang string) (*excelize.File, error) {
	tt := templateText[lang]
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", reportSheet); err != nil {
		f.Close()
		return nil, err
	}
	err := buildTemplate(f, lang, tt.codeSheet)
	if err == nil {
		err = f.SetDocProps(&excelize.DocProperties{Title: tt.title, Creator: "kensho", LastModifiedBy: "kensho",
			Language: map[string]string{LangJa: "ja-JP", LangEn: "en-US"}[lang]})
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func buildTemplate(f *excelize.File, lang, codeSheet string) error {
	tt := templateText[lang]
	if _, err := f.NewSheet(codeSheet); err != nil {
		return err
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			panic("reportfile: template style: " + err.Error()) // a fixed style: a programming error
		}
		return id
	}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	headStyle := func(fill string) int {
		return style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	}
	requiredHead, optionalHead := headStyle("FFF2CC"), headStyle("EDEDED")
	textFmt := "@"
	dateFmt := "yyyy/mm/dd hh:mm"
	numFmt := "#,##0"
	yearFmt := "0"
	colStyles := map[string]int{
		"text": style(&excelize.Style{CustomNumFmt: &textFmt}), "datetime": style(&excelize.Style{CustomNumFmt: &dateFmt}),
		"int": style(&excelize.Style{CustomNumFmt: &numFmt}), "year": style(&excelize.Style{CustomNumFmt: &yearFmt}),
	}

	// The code sheet: one block of columns per list.
	lists := templateLists(lang)
	source := map[string]string{} // field -> the range its dropdown lists
	col := 1
	for _, l := range lists {
		c, _ := kensho.ColumnByField(l.field)
		heads := []string{tt.choice, tt.otherLang, tt.code}
		if l.choices[0].group != "" {
			heads = append(heads, tt.group)
		}
		if err := setRow(f, codeSheet, col, 1, []any{templateHeader(c, lang)}); err != nil {
			return err
		}
		if err := setRow(f, codeSheet, col, 2, toAny(heads)); err != nil {
			return err
		}
		for i, ch := range l.choices {
			row := []any{ch.label, ch.other, ch.code}
			if ch.group != "" {
				row = append(row, ch.group)
			}
			if err := setRow(f, codeSheet, col, 3+i, row); err != nil {
				return err
			}
		}
		first, last := cellName(col, 3), cellName(col, 2+len(l.choices))
		source[l.field] = quoteSheet(codeSheet) + "!" + absolute(first) + ":" + absolute(last)
		a, b := columnLetter(col-1), columnLetter(col+len(heads)-1)
		if err := f.SetColWidth(codeSheet, a, b, 18); err != nil {
			return err
		}
		if err := f.SetColWidth(codeSheet, a, a, 30); err != nil {
			return err
		}
		if err := f.SetCellStyle(codeSheet, cellName(col, 1), cellName(col+len(heads)-1, 2), optionalHead); err != nil {
			return err
		}
		col += len(heads) + 1
	}
	if err := f.SetPanes(codeSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	// The report sheet: the header, and for each column its format, its
	// width and a validation with its input message.
	for i, c := range kensho.InputColumns {
		letter := columnLetter(i)
		head := letter + "1"
		if err := f.SetCellStr(reportSheet, head, templateHeader(c, lang)); err != nil {
			return err
		}
		hs := optionalHead
		if c.Required {
			hs = requiredHead
		}
		if err := f.SetCellStyle(reportSheet, head, head, hs); err != nil {
			return err
		}
		width, kind := 16.0, c.Type
		switch c.Type {
		case "datetime":
			width = 17
		case "int":
			if c.Field == "fiscal_year" {
				kind = "year"
			}
			width = 12
		case "code", "list":
			width, kind = 24, "text"
		case "bool":
			width, kind = 12, "text"
		case "text":
			if c.Field == "summary" || c.Field == "prevention" {
				width = 40
			}
		}
		if err := f.SetColWidth(reportSheet, letter, letter, width); err != nil {
			return err
		}
		if id, ok := colStyles[kind]; ok {
			if err := f.SetColStyle(reportSheet, letter, id); err != nil {
				return err
			}
			if err := f.SetCellStyle(reportSheet, head, head, hs); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(!c.Required)
		dv.Sqref = letter + "2:" + letter + strconv.Itoa(lastRow)
		need := tt.optional
		if c.Required {
			need = tt.required
		}
		dv.SetInput(truncateRunes(templateHeader(c, lang)+" ("+need+")", 32), truncateRunes(columnHint(c, lang), 255))
		switch {
		case source[c.Field] != "":
			dv.SetSqrefDropList(source[c.Field])
			if !isFree(lists, c.Field) {
				dv.SetError(excelize.DataValidationErrorStyleStop, tt.listTitle, tt.listMsg)
			}
		case c.Field == "quarter":
			if err := dv.SetDropList([]string{"1", "2", "3", "4"}); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, tt.listTitle, tt.listMsg)
		case c.Field == "fiscal_year":
			if err := dv.SetRange(minFiscalYear, maxFiscalYear, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
			// A warning, not a stop: 令和6 is read too.
			dv.SetError(excelize.DataValidationErrorStyleWarning, templateHeader(c, lang), tt.yearMsg)
		case c.Type == "int":
			if err := dv.SetRange(0, maxInt32, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, templateHeader(c, lang), tt.numberMsg)
		}
		if err := f.AddDataValidation(reportSheet, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(reportSheet, 1, 32); err != nil {
		return err
	}
	return f.SetPanes(reportSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// columnHint is a column's input message: its hint, and for equipment
// which codes the simplified form allows (from the code list, so that the
// relation is written once).
func columnHint(c kensho.InputColumn, lang string) string {
	hint := c.HintJa
	if lang == LangEn {
		hint = c.HintEn
	}
	if c.Field == "equipment" {
		in := func(e kensho.Code) bool { return simplifiedOK[e.Code] }
		if lang == LangEn {
			var labels []string
			for _, e := range kensho.EquipmentCodes.Codes {
				if in(e) {
					labels = append(labels, e.Text.En)
				}
			}
			hint += " On the simplified form (告示) only: " + strings.Join(labels, ", ") + "."
		} else {
			hint += "告示(簡易な様式)では " + choices(kensho.EquipmentCodes, "ja", in) + " のいずれか。"
		}
	}
	return hint
}

func isFree(lists []templateList, field string) bool {
	for _, l := range lists {
		if l.field == field {
			return l.free
		}
	}
	return false
}

func setRow(f *excelize.File, sheet string, col, row int, values []any) error {
	return f.SetSheetRow(sheet, cellName(col, row), &values)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// cellName names a cell from its 1-based column and row (C5).
func cellName(col, row int) string { return columnLetter(col-1) + strconv.Itoa(row) }

// absolute makes a cell reference absolute (C5 -> $C$5).
func absolute(ref string) string {
	i := strings.IndexAny(ref, "0123456789")
	return "$" + ref[:i] + "$" + ref[i:]
}

// quoteSheet quotes a sheet name for a formula.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// truncateRunes cuts s to at most n characters (Excel's limits on input
// messages count characters).
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
