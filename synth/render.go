package synth

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// Cell values handed to a sheet writer. A CSV writer formats them in the
// file's style; an XLSX writer stores numbers and serial dates natively.
type (
	// count is an integer a person types (users, minutes): it may take
	// thousands separators or full-width digits in the operator's style.
	count int64
	// plainInt is an integer written as is (fiscal year, quarter).
	plainInt int64
	// excelDate is a date-time an XLSX stores as a serial number.
	excelDate time.Time
)

// columnsFor returns the columns of a file in the spec's order, without the
// optional columns the style drops (継続時間(分); 報告区分 when the file has
// no serious accident in it).
func columnsFor(st style, hasSerious bool) []kensho.InputColumn {
	var out []kensho.InputColumn
	for _, c := range kensho.InputColumns {
		switch c.Field {
		case "duration_min":
			if !st.durCol {
				continue
			}
		case "report_type":
			if !st.typeCol && !hasSerious {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// headerText is the header as the operator's template prints it.
func headerText(c kensho.InputColumn, st style) string {
	if st.fwParen {
		return fullWidthParens(c.HeaderJa)
	}
	return c.HeaderJa
}

func fullWidthParens(s string) string {
	return strings.NewReplacer("(", "（", ")", "）").Replace(s)
}

// reportNo is the operator's own number for an accident (事業者整理番号),
// in the operator's pattern; unique per operator across years and forms.
func reportNo(a *accident) string {
	op := a.op
	simp := a.form == formSimplified
	switch op.style.reportNo {
	case 0:
		if simp {
			return fmt.Sprintf("%d-K%05d", a.fy, a.seq)
		}
		return fmt.Sprintf("%d-%04d", a.fy, a.seq)
	case 1:
		era, y := eraOf(kensho.FiscalQuarter{Year: a.fy, Quarter: 1}.Start())
		letter := map[string]string{"令和": "R", "平成": "H"}[era]
		if simp {
			return fmt.Sprintf("%s%d-S%04d", letter, y, a.seq)
		}
		return fmt.Sprintf("%s%d-%03d", letter, y, a.seq)
	case 2:
		prefix := strings.ToUpper(op.domain[:2])
		if simp {
			return fmt.Sprintf("%sK%02d%05d", prefix, a.fy%100, a.seq)
		}
		return fmt.Sprintf("%s%02d%05d", prefix, a.fy%100, a.seq)
	default:
		if simp {
			return fmt.Sprintf("告示%d第%d号", a.fy, a.seq)
		}
		return fmt.Sprintf("事故%d第%d号", a.fy, a.seq)
	}
}

// render returns the cells of an accident's row for the given columns.
func render(a *accident, cols []kensho.InputColumn, st style, xlsx bool) []any {
	op := a.op
	simp := a.form == formSimplified
	out := make([]any, len(cols))
	for i, c := range cols {
		var v any = ""
		switch c.Field {
		case "operator_name":
			v = op.name
		case "operator_id":
			v = op.id
		case "contact_name":
			v = op.contactFor(a.fy)
		case "contact":
			switch st.contact {
			case 0:
				v = op.phone
			case 1:
				v = op.mail
			default:
				v = op.phone + " / " + op.mail
			}
		case "report_no":
			v = reportNo(a)
		case "fiscal_year":
			if st.eraYear && a.fy >= 2020 {
				_, y := eraOf(kensho.FiscalQuarter{Year: a.fy, Quarter: 2}.Start())
				v = fmt.Sprintf("令和%d", y)
			} else {
				v = plainInt(a.fy)
			}
		case "quarter":
			v = plainInt(a.quarter)
		case "form":
			v = labelJa(kensho.Forms, formCodes[a.form])
		case "report_type":
			if a.reportType == "serious" || st.typeFill {
				v = labelJa(kensho.ReportTypes, a.reportType)
			}
		case "occurred_at":
			v = dateValue(a.occurred, st, xlsx)
		case "recovered_at":
			v = dateValue(a.recovered(), st, xlsx)
		case "duration_min":
			v = count(a.duration)
		case "impact":
			v = labelJa(kensho.Impacts, a.impact)
		case "service":
			v = codeText(kensho.Services, a.service, st.codeSvc, st)
		case "affected_users":
			v = count(a.users)
		case "prefectures":
			v = prefText(a, st)
		case "site_location":
			if !simp {
				v = a.site
			}
		case "cause_group":
			v = labelJa(kensho.CauseGroups, causeGroupOf(a.cause))
		case "cause":
			v = codeText(kensho.Causes, a.cause, st.codeCaus, st)
		case "equipment":
			v = codeText(kensho.EquipmentCodes, a.equipment, st.codeEq, st)
		case "vendor_model":
			if !simp {
				v = a.model
			}
		case "other_operator_origin":
			v = boolText(a.otherOrigin, st)
		case "partner_operator":
			if !simp {
				v = a.partner
			}
		case "critical_infra_users":
			if !simp && a.critical >= 0 {
				v = count(a.critical)
			}
		case "disaster_name":
			if !simp {
				v = a.disaster
			}
		case "cyber_attack":
			v = boolText(a.cyber, st)
		case "summary":
			if !simp {
				v = a.summary
			}
		case "prevention":
			if !simp {
				v = a.prevention
			}
		}
		out[i] = v
	}
	return out
}

func codeText(l *kensho.CodeList, c string, asCode bool, st style) string {
	if asCode {
		return c
	}
	label := labelJa(l, c)
	if st.fwParen {
		return fullWidthParens(label)
	}
	return label
}

func boolText(b bool, st style) string {
	pairs := [numBools][2]string{{"いいえ", "はい"}, {"無", "有"}, {"0", "1"}, {"no", "yes"}}
	if b {
		return pairs[st.boolean][1]
	}
	return pairs[st.boolean][0]
}

func prefText(a *accident, st style) string {
	if a.nationwide {
		return kensho.Nationwide
	}
	names := make([]string, len(a.prefs))
	for i, p := range a.prefs {
		c := code(kensho.Prefectures, p)
		if st.prefFull {
			names[i] = c.Text.Ja
		} else {
			names[i] = c.Attr["short_ja"]
		}
	}
	return strings.Join(names, st.prefSep)
}

// dateValue writes a date-time in the style's format. Era dates are only
// written from 令和2 on (no operator form writes 令和元年 with a digit, and
// earlier eras are not in use on current forms); serial numbers only in
// XLSX.
func dateValue(t time.Time, st style, xlsx bool) any {
	switch st.date {
	case dateHyphen:
		return t.Format("2006-01-02 15:04")
	case dateISO:
		return t.Format("2006-01-02T15:04:05-07:00")
	case dateEra:
		if era, y := eraOf(t); era == "令和" && y >= 2 {
			return fmt.Sprintf("令和%d年%d月%d日 %d時%02d分", y, int(t.Month()), t.Day(), t.Hour(), t.Minute())
		}
	case dateSerial:
		if xlsx {
			return excelDate(t)
		}
	}
	return t.Format("2006/01/02 15:04")
}

// excelSerial is the Excel serial number of a JST wall-clock time (days
// since 1899-12-30, the fraction for the time of day).
func excelSerial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	minutes := wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Minutes()
	return minutes / 1440
}

// text formats a cell value for CSV (or for a text cell in XLSX).
func text(v any, st style) string {
	switch v := v.(type) {
	case string:
		return v
	case plainInt:
		return strconv.FormatInt(int64(v), 10)
	case count:
		s := strconv.FormatInt(int64(v), 10)
		if st.thousand {
			s = thousands(s)
		}
		if st.fwDigits {
			s = toFullWidth(s)
		}
		return s
	case excelDate:
		return time.Time(v).Format("2006/01/02 15:04")
	}
	panic(fmt.Sprintf("synth: unexpected cell %T", v))
}

func thousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// toFullWidth turns ASCII digits and commas into their full-width forms.
func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r - '0' + '０'
		case r == ',':
			return '，'
		}
		return r
	}, s)
}
