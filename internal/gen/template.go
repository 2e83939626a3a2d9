package gen

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
)

// FilledRow is what FillTemplate wrote in one row, for a test to compare
// with what was loaded.
type FilledRow struct {
	Row        int
	ReportNo   string
	OccurredAt time.Time
	Choices    map[string]string // field -> the dropdown label chosen
}

// FillTemplate fills in the report template (kensho template's workbook)
// as a person would in Excel: every coded cell gets a label its dropdown
// offers, read from the sheet the dropdown points at, taking each label
// of each list in turn; dates are Excel dates, numbers are numbers, and
// text is typed into the text-formatted cells. A cause is taken with the
// group written beside it in the code list, and the simplified form only
// with an equipment its input message allows. It returns the filled
// workbook and what each row holds; there are as many rows as the
// longest list has labels.
func FillTemplate(template []byte) ([]byte, []FilledRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	const sheet = "報告"
	header, err := f.GetRows(sheet)
	if err != nil || len(header) == 0 {
		return nil, nil, fmt.Errorf("template: sheet %s: %v", sheet, err)
	}
	colOf := map[string]int{} // field -> 1-based column
	for i, h := range header[0] {
		c, ok := kensho.ColumnByHeader(h)
		if !ok {
			return nil, nil, fmt.Errorf("template: header %q is no column", h)
		}
		colOf[c.Field] = i + 1
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		return nil, nil, err
	}
	// The choices of each dropdown, and for a cause its group's label.
	choices := map[string][]string{}
	codeOf := map[string]map[string]string{} // field -> label -> code (the code column of the list)
	groupOf := map[string]string{}
	longest := 0
	for _, dv := range dvs {
		if dv.Type != "list" {
			continue
		}
		col, _, err := excelize.CellNameToCoordinates(strings.SplitN(dv.Sqref, ":", 2)[0])
		if err != nil {
			return nil, nil, err
		}
		field := ""
		for k, v := range colOf {
			if v == col {
				field = k
			}
		}
		labels, codes, groups, err := listSource(f, dv.Formula1)
		if err != nil {
			return nil, nil, fmt.Errorf("template: dropdown of %s: %w", field, err)
		}
		choices[field] = labels
		codeOf[field] = map[string]string{}
		for i, l := range labels {
			if codes != nil {
				codeOf[field][l] = codes[i]
			}
			if groups != nil {
				groupOf[l] = groups[i]
			}
		}
		longest = max(longest, len(labels))
	}
	for _, field := range []string{"form", "report_type", "impact", "service", "cause_group", "cause", "equipment",
		"other_operator_origin", "cyber_attack", "prefectures", "quarter"} {
		if len(choices[field]) == 0 {
			return nil, nil, fmt.Errorf("template: no dropdown on %s", field)
		}
	}
	set := func(row int, field string, v any) error {
		c, ok := colOf[field]
		if !ok {
			return fmt.Errorf("template: no column %s", field)
		}
		cell, err := excelize.CoordinatesToCellName(c, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	pick := func(field string, i int) string { l := choices[field]; return l[i%len(l)] }
	var out []FilledRow
	for i := 0; i < longest; i++ {
		row := 2 + i
		fr := FilledRow{Row: row, ReportNo: fmt.Sprintf("%04d", i+1), Choices: map[string]string{}}
		for _, field := range []string{"report_type", "impact", "service", "cause", "equipment",
			"other_operator_origin", "cyber_attack", "prefectures", "quarter"} {
			fr.Choices[field] = pick(field, i)
		}
		fr.Choices["cause_group"] = groupOf[fr.Choices["cause"]]
		// The simplified form, when this row's equipment allows it.
		forms := choices["form"]
		fr.Choices["form"] = forms[0]
		if eq := codeOf["equipment"][fr.Choices["equipment"]]; kensho.SimplifiedFormEquipment(eq) && i%2 == 1 {
			fr.Choices["form"] = forms[1]
		}
		q, _ := strconv.Atoi(fr.Choices["quarter"])
		fq := kensho.FiscalQuarter{Year: 2024, Quarter: q}
		fr.OccurredAt = fq.Start().Add(time.Duration(24+i) * time.Hour).Add(17 * time.Minute)
		values := map[string]any{
			"operator_name": "株式会社テンプレート通信", "operator_id": "T-0900", "contact_name": "記入 太郎",
			"contact": "03-1234-5678", "report_no": fr.ReportNo, "fiscal_year": 2024,
			"occurred_at": fr.OccurredAt, "recovered_at": fr.OccurredAt.Add(150 * time.Minute), "duration_min": 150,
			"affected_users": 45000 + i, "site_location": "千代田区", "vendor_model": "X-1", "partner_operator": "",
			"critical_infra_users": i % 3, "disaster_name": "", "summary": "概要", "prevention": "対策",
		}
		for field, label := range fr.Choices {
			values[field] = label
		}
		if values["quarter"], err = strconv.Atoi(fr.Choices["quarter"]); err != nil {
			return nil, nil, err
		}
		for field, v := range values {
			if s, ok := v.(string); ok && s == "" {
				continue
			}
			if err := set(row, field, v); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, fr)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), out, nil
}

// listSource reads the labels a dropdown offers: an inline list ("1,2")
// or a range of another sheet ('区分一覧'!$A$3:$A$14), with the code
// written two columns to the right of each label and, where the list has
// one, the group three columns to the right.
func listSource(f *excelize.File, formula string) (labels, codes, groups []string, err error) {
	if strings.HasPrefix(formula, `"`) {
		return strings.Split(strings.Trim(formula, `"`), ","), nil, nil, nil
	}
	sheet, rng, ok := strings.Cut(formula, "!")
	if !ok {
		return nil, nil, nil, fmt.Errorf("list source %q", formula)
	}
	sheet = strings.ReplaceAll(strings.Trim(sheet, "'"), "''", "'")
	from, to, _ := strings.Cut(strings.ReplaceAll(rng, "$", ""), ":")
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		return nil, nil, nil, err
	}
	_, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		return nil, nil, nil, err
	}
	get := func(c, r int) string {
		cell, _ := excelize.CoordinatesToCellName(c, r)
		v, _ := f.GetCellValue(sheet, cell)
		return v
	}
	hasGroup := get(c1+3, r1) != ""
	for r := r1; r <= r2; r++ {
		labels = append(labels, get(c1, r))
		codes = append(codes, get(c1+2, r))
		if hasGroup {
			groups = append(groups, get(c1+3, r))
		}
	}
	if !hasGroup {
		groups = nil
	}
	return labels, codes, groups, nil
}
