package site

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// The public-cases page and data/public_cases.csv: the accidents of the
// release that the ministry or their operator had already published, as
// the register of public facts states them (docs/public-facts.md), each
// with a link to its source. The disclosure control treats them as known
// to every reader; the site publishes them as they are. It never names
// an operator: the sources do.

// PublicCasesFile is the CSV of the public cases below data/.
const PublicCasesFile = "public_cases.csv"

// publicCasesView is the public-cases page.
type publicCasesView struct {
	Lang     string
	Register bool // the release was built with a register
	Cases    []publicCaseRow
	CSVHref  string
	Method   string // the methodology's section on what readers know
}

type publicCaseRow struct {
	Date, Year, Service, Users, Duration, Cause string
	Sources                                     []string
}

func (r *renderer) writePublicCasesPage(lang string) error {
	p := r.newPage(lang, "public-cases", "public-cases", T(lang, "page.public-cases"), T(lang, "lead.public-cases"))
	v := &publicCasesView{Lang: lang, Register: r.rel.PublicRegister, CSVHref: p.Root + "data/" + PublicCasesFile,
		Method: p.LangRoot + pageFile("methodology") + "#anonymization"}
	for _, c := range r.rel.PublicCases {
		v.Cases = append(v.Cases, publicCaseRow{
			Date: dayLabel(c.OccurredOn, lang), Year: fiscalYearLabel(strconv.Itoa(c.FiscalYear), lang),
			Service: kensho.Services.Label(c.Service, lang), Users: fixed(float64(c.AffectedUsers), 0, true),
			Duration: durationLabel(c.DurationMin, lang), Cause: kensho.Causes.Label(c.Cause, lang), Sources: c.Sources,
		})
	}
	p.PublicCases = v
	return r.emit(p, "publiccases")
}

// dayLabel writes a YYYY-MM-DD day as a reader of lang does.
func dayLabel(day, lang string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	if lang == "ja" {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 January 2006")
}

// durationLabel writes minutes as hours and minutes (2時間30分, 2 h 30 min).
func durationLabel(min int64, lang string) string {
	hours, mins, sep := "時間", "分", ""
	if lang != "ja" {
		hours, mins, sep = " h", " min", " "
	}
	h, m := min/60, min%60
	var parts []string
	if h > 0 {
		parts = append(parts, strconv.FormatInt(h, 10)+hours)
	}
	if m > 0 || h == 0 {
		parts = append(parts, strconv.FormatInt(m, 10)+mins)
	}
	return strings.Join(parts, sep)
}

// publicCasesColumns are the columns of data/public_cases.csv.
var publicCasesColumns = []struct {
	name, typ, codes string
	meaning          kensho.Text
}{
	{"occurred_on", "string", "", kensho.Text{Ja: "事故が発生した日(YYYY-MM-DD、日本時間)。公表資料のとおり", En: "day the accident began (YYYY-MM-DD, JST), as the source states it"}},
	{"fiscal_year", "integer", "", kensho.Text{Ja: "年度", En: "fiscal year"}},
	{"service", "string", "service", kensho.Text{Ja: "役務(公表資料のとおり)", En: "service, as the source states it"}},
	{"affected_users", "integer", "", kensho.Text{Ja: "影響利用者数(公表資料のとおり。概数のことがある)", En: "affected users as the source states them (may be rounded)"}},
	{"duration_min", "integer", "", kensho.Text{Ja: "継続時間(分、公表資料のとおり)", En: "duration in minutes, as the source states it"}},
	{"cause", "string", "cause", kensho.Text{Ja: "発生要因(公表資料のとおり)", En: "cause, as the source states it"}},
	{"source_urls", "string", "", kensho.Text{Ja: "公表資料の URL(複数あれば空白区切り)", En: "addresses of the public sources (separated by spaces when several)"}},
}

// publicCasesCSV writes the public cases, one row per accident, in the
// order they began.
func publicCasesCSV(cases []kensho.PublicCase) []byte {
	var b bytes.Buffer
	w := newCSVWriter(&b)
	head := make([]string, len(publicCasesColumns))
	for i, c := range publicCasesColumns {
		head[i] = c.name
	}
	w.Write(head)
	for _, c := range cases {
		w.Write([]string{c.OccurredOn, strconv.Itoa(c.FiscalYear), c.Service, strconv.FormatInt(c.AffectedUsers, 10),
			strconv.FormatInt(c.DurationMin, 10), c.Cause, strings.Join(c.Sources, " ")})
	}
	w.Flush()
	return b.Bytes()
}

// publicCasesDictionary documents data/public_cases.csv.
func publicCasesDictionary() []dictEntry {
	var out []dictEntry
	for _, c := range publicCasesColumns {
		e := dictEntry{File: PublicCasesFile, Column: c.name, Type: c.typ, Meaning: c.meaning}
		if c.codes != "" {
			e.Codes = codesOf(c.codes, false)
		}
		out = append(out, e)
	}
	return out
}
