package site

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// downloadsView is the data page: the files, the tables and the columns of
// the record-level data.
type downloadsView struct {
	Explorer *explorerView
	Files    []fileRow
	Tables   []tableRow
	Micro    []dictFile
	Rows     string
	DictHref string
	SumsHref string
}

type fileRow struct {
	Href, Name, Format, Size, SHA, What string
}

type tableRow struct {
	Name, Title, PageHref, PageLabel, CSVHref string
}

type dictRow struct {
	Name, Type, Meaning, Codes string
}

func (r *renderer) writeDownloadsPage(lang string) error {
	p := r.newPage(lang, "downloads", "downloads", T(lang, "page.downloads"), T(lang, "lead.downloads"))
	dv := &downloadsView{
		Rows:     fixed(float64(extractRows(r.rel)), 0, true),
		DictHref: p.Root + "data/dictionary.csv",
		SumsHref: p.Root + "data/SHA256SUMS",
	}
	files := append([]dataFile{}, r.data...)
	sortFiles(files)
	var dist []map[string]any
	for _, f := range files {
		fr := fileRow{Href: p.Root + "data/" + f.Path, Name: f.Path, Format: f.Format, What: f.What.In(lang)}
		if f.SHA256 != "" {
			fr.Size, fr.SHA = humanBytes(f.Size), f.SHA256
		}
		if strings.HasPrefix(f.Path, "tables/") {
			continue // listed with their pages below
		}
		dv.Files = append(dv.Files, fr)
		if f.SHA256 != "" {
			dist = append(dist, map[string]any{"@type": "DataDownload", "name": f.What.In(lang), "encodingFormat": mediaType(f.Path), "contentUrl": r.siteURL(p, "data/"+f.Path), "contentSize": strconv.FormatInt(f.Size, 10)})
		}
	}
	for _, t := range r.ordered {
		dv.Tables = append(dv.Tables, tableRow{
			Name: t.Name, Title: t.Title.In(lang), CSVHref: p.Root + "data/tables/" + t.Name + ".csv",
			PageHref: p.LangRoot + pageFile(topicSlug(t.Page)) + "#" + t.Name, PageLabel: T(lang, "page."+t.Page),
		})
		dist = append(dist, map[string]any{"@type": "DataDownload", "name": t.Title.In(lang), "encodingFormat": "text/csv", "contentUrl": r.siteURL(p, "data/tables/"+t.Name+".csv")})
	}
	for _, e := range r.rel.Extracts {
		f := dictFile{Lang: lang, ID: "micro-" + e.Name, Name: ExtractFile(e.Name), What: e.Title.In(lang)}
		for _, c := range e.Columns {
			f.Columns = append(f.Columns, dictRow{Name: c.Name, Type: c.Type, Meaning: c.Title.In(lang), Codes: codeLabels(c.Codes, lang)})
		}
		dv.Micro = append(dv.Micro, f)
	}
	dv.Explorer = r.explorer(p)
	p.Downloads = dv
	p.Operators = r.operatorsView(p)
	p.JSONLD = r.jsonLD(p, T(lang, "site.title"), T(lang, "site.subtitle"), dist)
	return r.emit(p, "downloads")
}

func mediaType(p string) string {
	switch {
	case strings.HasSuffix(p, ".csv"):
		return "text/csv"
	case strings.HasSuffix(p, ".parquet"):
		return "application/vnd.apache.parquet"
	case strings.HasSuffix(p, ".xlsx"):
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case strings.HasSuffix(p, ".json"):
		return "application/json"
	}
	return "text/plain"
}

// codeLabels lists a code list for a reader: full = 省令, simplified = 告示.
func codeLabels(list, lang string) string { return codesIn(codesOf(list, false), lang) }

// dictFile is one file of the data dictionary page and its columns.
type dictFile struct {
	Lang, ID, Name, What string
	Columns              []dictRow
}

// writeDictionaryPage writes the data dictionary as a page: every column
// of every download, by file, in the page's language (dictionary.csv holds
// the same in both).
func (r *renderer) writeDictionaryPage(lang string) error {
	p := r.newPage(lang, "dictionary", "dictionary", T(lang, "page.dictionary"), T(lang, "lead.dictionary"))
	what := map[string]string{}
	for _, f := range r.data {
		what[f.Path] = f.What.In(lang)
	}
	what[sheetFile(contentsSheet)] = contentsWhat.In(lang)
	for i, s := range r.tableSheets() {
		what[sheetFile(s)] = r.ordered[i].Title.In(lang)
	}
	byFile := map[string]int{}
	for _, e := range r.dict {
		i, ok := byFile[e.File]
		if !ok {
			i = len(p.Dict)
			byFile[e.File] = i
			p.Dict = append(p.Dict, dictFile{Lang: lang, ID: "file-" + strings.NewReplacer("/", "-", ".", "-", "#", "-").Replace(e.File), Name: e.File, What: what[e.File]})
		}
		p.Dict[i].Columns = append(p.Dict[i].Columns, dictRow{Name: e.Column, Type: e.Type, Meaning: e.Meaning.In(lang), Codes: codesIn(e.Codes, lang)})
	}
	p.JSONLD = r.jsonLD(p, T(lang, "site.title")+" — "+p.Title, p.Lead, nil)
	return r.emit(p, "dictionary")
}

// methodView is what the methodology page (and the serious page) shows of
// the shared vocabulary: thresholds, criteria, bands, codes, breaks.
type methodView struct {
	Lang       string
	Serious    []seriousEra
	Thresholds []thresholdRow
	Duration   []bandRow
	Users      []bandRow
	Causes     []causeRow
	Equipment  *equipmentView
	Regions    []regionRow
	Breaks     []breakRow
	Risk       template.HTML
}

type seriousEra struct {
	From  string
	Rules []seriousRow
}

type seriousRow struct {
	Scope, Minutes, Users string
}

type thresholdRow struct{ From, Minutes, Users string }

type bandRow struct{ Code, Label string }

type causeRow struct{ Group, Code, Label, EU string }

// equipmentView maps each kind of equipment to the classes it rolls up
// into (codes/hierarchy.csv), and says what the ministry's classes hold.
type equipmentView struct {
	Heads    []string // one per rollup of equipment
	Rows     []equipmentRow
	Ministry []termRow // the ministry's classes and what each holds
}

type termRow struct{ Term, Meaning string }

type equipmentRow struct {
	Code, Label string
	Classes     []string
}

type regionRow struct{ Label, Bureau, Prefectures string }

type breakRow struct{ Year, Text string }

// duration formats minutes as hours where whole: 2時間, 2 h, 90分.
func duration(min int64, lang string) string {
	if min%60 == 0 {
		if lang == "en" {
			return strconv.FormatInt(min/60, 10) + " h"
		}
		return strconv.FormatInt(min/60, 10) + "時間"
	}
	if lang == "en" {
		return strconv.FormatInt(min, 10) + " min"
	}
	return strconv.FormatInt(min, 10) + "分"
}

func users(n int64, lang string) string {
	s := fixed(float64(n), 0, true)
	if lang == "en" {
		if n == 0 {
			return "any number of users"
		}
		return s + " users"
	}
	if n == 0 {
		return "利用者数を問わない"
	}
	return s + "人"
}

// criteria lists the serious-accident rules, newest rule set first.
func criteria(lang string) []seriousEra {
	var out []seriousEra
	for _, rule := range kensho.SeriousRules {
		from := rule.EffectiveFrom.Format("2006-01-02")
		if len(out) == 0 || out[len(out)-1].From != from {
			out = append(out, seriousEra{From: from})
		}
		var scope []string
		if rule.Category != "" {
			scope = append(scope, kensho.ServiceCategories.Label(rule.Category, lang))
		}
		if rule.Equipment != "" {
			scope = append(scope, kensho.EquipmentCodes.Label(rule.Equipment, lang))
		}
		if rule.Impact != "" {
			scope = append(scope, kensho.Impacts.Label(rule.Impact, lang))
		}
		if len(scope) == 0 {
			scope = append(scope, kensho.Text{Ja: "すべての役務", En: "every service"}.In(lang))
		}
		e := &out[len(out)-1]
		e.Rules = append(e.Rules, seriousRow{Scope: strings.Join(scope, " / "), Minutes: duration(rule.MinMinutes, lang), Users: users(rule.MinUsers, lang)})
	}
	return out
}

func (r *renderer) method(lang string) *methodView {
	m := &methodView{Lang: lang, Serious: criteria(lang), Risk: markdown(r.rel.Risk.In(lang), 3)}
	for _, t := range kensho.ReportingThresholds {
		m.Thresholds = append(m.Thresholds, thresholdRow{From: t.EffectiveFrom.Format("2006-01-02"), Minutes: duration(t.MinMinutes, lang), Users: users(t.MinUsers, lang)})
	}
	for _, c := range kensho.DurationBands.Codes {
		m.Duration = append(m.Duration, bandRow{c.Code, c.Text.In(lang)})
	}
	for _, c := range kensho.UsersBands.Codes {
		m.Users = append(m.Users, bandRow{c.Code, c.Text.In(lang)})
	}
	for _, c := range kensho.Causes.Codes {
		m.Causes = append(m.Causes, causeRow{
			Group: kensho.CauseGroups.Label(c.Attr["group"], lang), Code: c.Code, Label: c.Text.In(lang),
			EU: kensho.EURootCauses.Label(c.Attr["eu_root_cause"], lang),
		})
	}
	m.Equipment = equipmentClasses(lang)
	for _, reg := range kensho.Regions.Codes {
		var prefs []string
		for _, p := range kensho.Prefectures.Codes {
			if p.Attr["region"] == reg.Code {
				prefs = append(prefs, p.Text.In(lang))
			}
		}
		bureau := reg.Attr["bureau_ja"]
		if lang == "en" && bureau != "" {
			bureau = reg.Text.En + " Bureau of Telecommunications"
		}
		m.Regions = append(m.Regions, regionRow{Label: reg.Text.In(lang), Bureau: bureau, Prefectures: strings.Join(prefs, listSep(lang))})
	}
	for _, b := range kensho.SeriesBreaks {
		m.Breaks = append(m.Breaks, breakRow{Year: fiscalYearLabel(strconv.Itoa(b.FiscalYear), lang), Text: b.Text.In(lang)})
	}
	return m
}

// equipmentClasses lays out the hierarchies of the equipment code list as
// codes/hierarchy.csv declares them.
func equipmentClasses(lang string) *equipmentView {
	var ups []kensho.Rollup
	for _, r := range kensho.Rollups {
		if r.Base == "equipment" {
			ups = append(ups, r)
		}
	}
	v := &equipmentView{}
	for _, r := range ups {
		v.Heads = append(v.Heads, T(lang, "class."+r.Dim))
	}
	for _, c := range kensho.EquipmentCodes.Codes {
		row := equipmentRow{Code: c.Code, Label: c.Text.In(lang)}
		for _, r := range ups {
			row.Classes = append(row.Classes, kensho.ListByName(r.Dim).Label(r.Parent(c.Code), lang))
		}
		v.Rows = append(v.Rows, row)
	}
	for _, c := range kensho.MinistryEquipmentClasses.Codes {
		v.Ministry = append(v.Ministry, termRow{Term: c.Text.In(lang), Meaning: kensho.Text{Ja: c.Attr["basis_ja"], En: c.Attr["basis_en"]}.In(lang)})
	}
	return v
}

func (r *renderer) writeMethodology(lang string) error {
	p := r.newPage(lang, "methodology", "methodology", T(lang, "page.methodology"), T(lang, "lead.methodology"))
	p.Method = r.method(lang)
	return r.emit(p, "methodology")
}

// aboutView is the about page: version, date, the releases and what each
// changed.
type aboutView struct {
	Version, BuildDate string
	Releases           []releaseView
	Years              string
}

type releaseView struct {
	ID, Version, Date string
	Changes           template.HTML
}

func (r *renderer) writeAbout(lang string) error {
	p := r.newPage(lang, "about", "about", T(lang, "page.about"), T(lang, "lead.about"))
	av := &aboutView{Version: r.rel.Version, BuildDate: r.rel.BuildDate}
	for _, n := range releaseNotes(r.rel) {
		av.Releases = append(av.Releases, releaseView{ID: releaseAnchor(n.Version), Version: n.Version, Date: n.Date, Changes: markdown(n.Changes.In(lang), 3)})
	}
	if n := len(r.rel.FiscalYears); n > 0 {
		av.Years = fiscalYearLabel(strconv.Itoa(r.rel.FiscalYears[0]), lang) + "–" + fiscalYearLabel(strconv.Itoa(r.rel.FiscalYears[n-1]), lang)
	}
	p.About = av
	return r.emit(p, "about")
}

// extractRows is the number of records over every extract.
func extractRows(rel *kensho.Release) int {
	n := 0
	for _, e := range rel.Extracts {
		n += e.Rows
	}
	return n
}
