package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// renderer holds the state of one Render.
type renderer struct {
	ctx     context.Context
	rel     *kensho.Release
	dir     string
	echarts string
	base    string // the site's address, ending in /; "" for relative links only
	marks   timeMarks
	ordered []*kensho.StatTable // page order, then release order
	byPage  map[string][]*kensho.StatTable
	idx     map[string]*index
	tmpl    map[string]*template.Template
	written map[string]int64    // path below dir -> size
	hashes  map[string]fileHash // path below data/ -> its hash, once hashed
	pages   map[string][]string // HTML page -> the scripts and styles it loads
	data    []dataFile          // files under data/, for the downloads page and datapackage.json
	dict    []dictEntry         // every column of every download
	long    []longColumn        // the columns of tables.parquet
	revised []revisedFigure     // the figures revised since the previous release, in page order
	// awaitRecords waits until the record-level files are written (see
	// Options.Records) and says whether they were.
	awaitRecords func() error
	checkBundle  string                 // the browser check's WebAssembly bundle (Options.CheckBundle)
	words        map[string]template.JS // by language: the words of assets/tools.js
	// publisher, contact and synthetic are what every page says of the
	// release beyond its figures (Options).
	publisher, contact kensho.Text
	synthetic          bool
}

func newRenderer(ctx context.Context, rel *kensho.Release, dir, echarts, base string, opt Options) (*renderer, error) {
	r := &renderer{
		ctx: ctx, rel: rel, dir: dir, echarts: echarts, base: base, marks: newTimeMarks(rel),
		publisher: opt.Publisher, contact: opt.Contact, synthetic: opt.Synthetic,
		byPage: map[string][]*kensho.StatTable{}, idx: map[string]*index{},
		written: map[string]int64{}, pages: map[string][]string{}, hashes: map[string]fileHash{},
	}
	for _, p := range topicPages {
		for i := range rel.Tables {
			t := &rel.Tables[i]
			if t.Page == p {
				r.ordered = append(r.ordered, t)
				r.byPage[p] = append(r.byPage[p], t)
				r.idx[t.Name] = newIndex(t)
			}
		}
	}
	r.revised = revisedFigures(rel, r.ordered)
	var err error
	if r.long, err = longColumns(r.ordered); err != nil {
		return nil, err
	}
	if r.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	r.words = map[string]template.JS{}
	for _, lang := range langs {
		b, err := json.Marshal(map[string]string{"explore": T(lang, "tools.explore"), "png": T(lang, "tools.png"), "svg": T(lang, "tools.svg")})
		if err != nil {
			return nil, err
		}
		r.words[lang] = template.JS(b) // json.Marshal escapes <, > and &
	}
	return r, nil
}

// run writes the site, in this order. The pages, the tables' downloads and
// the marker need nothing from the record-level files, so they are written
// while those are exported; the descriptor and the downloads pages list
// every file's hash, so they wait for them; SHA256SUMS comes last.
func (r *renderer) run() error {
	for _, step := range []func() error{
		r.writeAssets,
		r.writeTables,
		r.writeForms,
		r.writeCheckAssets,
		inEachLang(r.writeCheckPage),
		r.writeExplorer,
		inEachLang(r.writePages),
		inEachLang(r.writeFeed),
		r.writeMarker,
		r.awaitRecords,
		r.describeData,
		inEachLang(r.writeDownloadsPage),
		inEachLang(r.writeDictionaryPage),
		r.writeSums,
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// inEachLang runs write for every language of the site.
func inEachLang(write func(lang string) error) func() error {
	return func() error {
		for _, lang := range langs {
			if err := write(lang); err != nil {
				return err
			}
		}
		return nil
	}
}

func (r *renderer) writeMarker() error {
	return r.write(MarkerFile, []byte("This directory was made by kensho site; kensho may replace it.\n"))
}

// write writes one file below dir.
func (r *renderer) write(rel string, b []byte) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return err
	}
	r.written[rel] = int64(len(b))
	delete(r.hashes, strings.TrimPrefix(rel, "data/")) // a file written again is hashed again
	return nil
}

func (r *renderer) stats() (*Stats, error) {
	st := &Stats{CheckOffline: r.checkBundle == ""}
	// Count what is on disk under data/ too (the microdata came from the caller).
	err := filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st.Files++
		st.Bytes += fi.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	gz := map[string]int64{}
	var sizer gzipSizer
	gzipOf := func(rel string) (int64, error) {
		if n, ok := gz[rel]; ok {
			return n, nil
		}
		b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(rel)))
		if err != nil {
			return 0, err
		}
		n := sizer.size(b)
		gz[rel] = n
		return n, nil
	}
	for _, p := range sortedPaths(r.pages) {
		st.Pages++
		total, err := gzipOf(p)
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		for _, a := range r.pages[p] {
			n, err := gzipOf(a)
			if err != nil {
				return nil, fmt.Errorf("site: %w", err)
			}
			total += n
		}
		st.Weights = append(st.Weights, PageWeight{Path: p, GzipBytes: total})
	}
	return st, nil
}

// gzipSizer measures the size of files compressed as a web server would
// send them. It keeps one compressor for every file: each new one
// allocates about a megabyte.
type gzipSizer struct {
	w *gzip.Writer
	n byteCounter
}

func (g *gzipSizer) size(b []byte) int64 {
	g.n = 0
	if g.w == nil {
		g.w, _ = gzip.NewWriterLevel(&g.n, gzip.DefaultCompression)
	} else {
		g.w.Reset(&g.n)
	}
	g.w.Write(b)
	g.w.Close()
	return int64(g.n)
}

// byteCounter counts what is written to it and keeps nothing.
type byteCounter int64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

// pageFile is the file of a page slug below a language root.
func pageFile(slug string) string {
	if slug == "" {
		return "index.html"
	}
	return slug + "/index.html"
}

// page is what every template gets.
type page struct {
	Lang, OtherLang string
	Key             string // page key: overview, causes, ..., report, downloads
	File            string // path below the site root
	Root            string // relative path from the page to the site root
	LangRoot        string // relative path from the page to its language root
	Title           string
	Lead            string
	SwitchHref      string
	FeedHref        string // the Atom feed of releases in the page's language
	Canonical       string // the page's absolute address, when the site's is known
	Nav             []navItem
	JSONLD          template.JS
	Words           template.JS // the words assets/tools.js shows, in the page's language
	HasCharts       bool
	// NoBrowserCheck: the site was built without the check page's
	// WebAssembly; the operators' sections do not offer it.
	NoBrowserCheck bool

	Headline  *headlineView
	Summary   template.HTML
	YoY       *yoyView
	Sections  []sectionView
	Groups    []groupView
	Years     []yearLink
	Partial   string
	Downloads *downloadsView
	Operators *operatorsView
	Check     *checkView
	// CSP, Styles and Scripts are what a page needs beyond the site's own
	// (the check page: its policy, its stylesheet and its scripts).
	CSP     string
	Styles  []string
	Scripts []string
	Method  *methodView
	About   *aboutView
	// Changes is the page of changes since the previous release.
	Changes *changesView
	// PublicCases is the public-cases page.
	PublicCases *publicCasesView
	Dict        []dictFile
	Release     *kensho.Release
	// Publisher and Contact in the page's language ("" when not set), and
	// whether the release was built from synthetic data.
	Publisher, Contact string
	Synthetic          bool
	// ScreenOnlyLead: the lead speaks of the screen (how to print); paper
	// leaves it out.
	ScreenOnlyLead bool
}

// T is the fixed text key in the page's language.
func (p *page) T(key string) string { return T(p.Lang, key) }

// Tf formats the fixed text key in the page's language.
func (p *page) Tf(key string, args ...any) string { return Tf(p.Lang, key, args...) }

type navItem struct {
	Href, Label string
	Current     bool
}

type yearLink struct {
	Href, Label string
	Partial     bool
}

// sectionView is one table of a page: its chart and table.
type sectionView struct {
	Lang        string
	ID          string
	Title       string
	Description string
	Level       int
	Chart       *chartView
	Table       *tableView
	TableHref   string
	FullOpen    bool // the full table shown as is (annual report), not folded
}

// groupView is one topic of an annual report.
type groupView struct {
	ID, Title string
	Sections  []sectionView
}

func (r *renderer) newPage(lang, key, slug, title, lead string) *page {
	file := langPrefix(lang) + pageFile(slug)
	depth := strings.Count(file, "/")
	root := strings.Repeat("../", depth)
	other := "en"
	if lang == "en" {
		other = "ja"
	}
	p := &page{
		Lang: lang, OtherLang: other, Key: key, File: file, Root: root,
		LangRoot: root + langPrefix(lang), Title: title, Lead: lead,
		SwitchHref: root + langPrefix(other) + pageFile(slug), Release: r.rel,
		FeedHref: root + langPrefix(lang) + feedFile, NoBrowserCheck: r.checkBundle == "",
		Publisher: r.publisherText().In(lang), Contact: r.contact.In(lang), Synthetic: r.synthetic,
	}
	if r.base != "" {
		p.Canonical = r.base + strings.TrimSuffix(file, "index.html")
	}
	p.Words = r.words[lang]
	for _, k := range navPages() {
		s := k
		if k == "overview" {
			s = ""
		}
		p.Nav = append(p.Nav, navItem{Href: p.LangRoot + pageFile(s), Label: T(lang, "page."+k), Current: k == key})
	}
	return p
}

// emit renders a page with the template of its kind and records what it loads.
func (r *renderer) emit(p *page, kind string) error {
	t, ok := r.tmpl[kind]
	if !ok {
		return fmt.Errorf("no template %s", kind)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("page %s: %w", p.File, err)
	}
	assets := []string{"assets/style.css", "assets/tools.css", "assets/dark.css"}
	if p.HasCharts {
		assets = append(assets, "assets/echarts.min.js", "assets/site.js")
	}
	assets = append(assets, "assets/tools.js")
	if p.Downloads != nil {
		assets = append(assets, "assets/explore.js")
	}
	assets = append(append(assets, p.Styles...), p.Scripts...)
	r.pages[p.File] = assets
	return r.write(p.File, buf.Bytes())
}

func (r *renderer) writePages(lang string) error {
	for _, key := range topicPages {
		slug := key
		if key == "overview" {
			slug = ""
		}
		p := r.newPage(lang, key, slug, T(lang, "page."+key), T(lang, "lead."+key))
		for _, t := range r.byPage[key] {
			sec, err := r.section(p, t, nil, "charts/"+key+"/", 2)
			if err != nil {
				return err
			}
			p.Sections = append(p.Sections, sec)
		}
		switch key {
		case "overview":
			p.Headline = r.overviewHeadline(lang, p.LangRoot)
		case "serious":
			p.Method = &methodView{Lang: lang, Serious: criteria(lang)}
		case "trends":
			p.Summary = markdown(r.rel.Summary.In(lang), 3)
			p.YoY = r.yoy(lang)
			for i := range p.YoY.Tables {
				linkChanges(&p.YoY.Tables[i], p.LangRoot)
			}
		}
		p.JSONLD = r.datasetJSONLD(p, r.byPage[key])
		if err := r.emit(p, "topic"); err != nil {
			return err
		}
	}
	if err := r.writePublicCasesPage(lang); err != nil {
		return err
	}
	if err := r.writeReports(lang); err != nil {
		return err
	}
	if err := r.writeMethodology(lang); err != nil {
		return err
	}
	if err := r.writeChanges(lang); err != nil {
		return err
	}
	return r.writeAbout(lang)
}

// section builds the view of table t on page p, restricted to fixed (the
// annual report's year), writing its chart's CSV below csvDir.
func (r *renderer) section(p *page, t *kensho.StatTable, fixed map[string]string, csvDir string, level int) (sectionView, error) {
	ix := r.idx[t.Name]
	sec := sectionView{
		Lang: p.Lang, ID: t.Name, Title: t.Title.In(p.Lang), Description: t.Description.In(p.Lang), Level: level,
		TableHref: p.Root + "data/tables/" + t.Name + ".csv", FullOpen: fixed != nil,
	}
	if t.Chart != "table" {
		if s, ok := newChartShape(t, ix, fixed); ok {
			pl := s.plot(p.Lang)
			opt, height, horizontal, err := chartOption(s, pl, r.marks, p.Lang)
			if err != nil {
				return sec, err
			}
			csvPath := langPrefix(p.Lang) + csvDir + t.Name + ".csv"
			if err := r.write(csvPath, chartCSV(s, p.Lang)); err != nil {
				return sec, err
			}
			cv := &chartView{
				Lang: p.Lang, ID: "chart-" + t.Name, Option: opt, Height: height, Horizontal: horizontal, Legend: legendOf(s, pl),
				Table: chartTable(s, pl, r.marks, t.Name+"-table", p.Lang), CSVHref: p.Root + csvPath, TableHref: sec.TableHref, FullOpen: sec.FullOpen,
			}
			if pl.nothing != "" {
				// Nothing to draw: a sentence says why, and the table stays.
				cv.Nothing, cv.Option, cv.Legend = T(p.Lang, "chart.nothing."+pl.nothing), "", nil
			}
			cv.Table.Lang = p.Lang
			linkChanges(&cv.Table, p.LangRoot)
			if needsFull(s) {
				full := fullTable(t, ix, fixed, r.marks, t.Name+"-full", p.Lang)
				full.Lang = p.Lang
				linkChanges(&full, p.LangRoot)
				cv.Full = &full
			}
			sec.Chart = cv
			p.HasCharts = p.HasCharts || cv.Nothing == ""
			return sec, nil
		}
	}
	note := ""
	if fixed == nil {
		// A table over many years shows one year on its page (all years
		// together when the table has that margin); the annual reports and
		// the CSV hold the rest.
		if fixed, note = r.pageScope(t, p.Lang); fixed == nil {
			fixed = map[string]string{}
		}
	}
	tv := fullTable(t, ix, fixed, r.marks, t.Name+"-table", p.Lang)
	if note != "" {
		tv.Notes = append(tv.Notes, note)
	}
	linkChanges(&tv, p.LangRoot)
	sec.Table = &tv
	return sec, nil
}

// pageScope picks what a table without a chart shows on its topic page:
// over more than one fiscal year, the margin over years when the table has
// one, else the latest complete year with data; with too many measures to
// set the forms side by side, both forms together. The annual reports and
// the CSV hold the rest.
func (r *renderer) pageScope(t *kensho.StatTable, lang string) (map[string]string, string) {
	ix := r.idx[t.Name]
	fixed := map[string]string{}
	if d, ok := ix.dim["fiscal_year"]; ok {
		if years := ix.keysOf(d, nil, true); len(years) > 1 {
			switch {
			case ix.hasKey(d, kensho.Total, nil):
				fixed["fiscal_year"] = kensho.Total
			default:
				fixed["fiscal_year"] = years[len(years)-1]
				for i := len(years) - 1; i >= 0; i-- {
					if y, _ := strconv.Atoi(years[i]); !r.marks.partial[y] {
						fixed["fiscal_year"] = years[i]
						break
					}
				}
			}
		}
	}
	if d, ok := ix.dim["form"]; ok && len(t.Measures) > maxFormMeasures && ix.hasKey(d, kensho.Total, nil) {
		fixed["form"] = kensho.Total
	}
	if len(fixed) == 0 {
		return nil, ""
	}
	return fixed, T(lang, "note.years")
}

// chartCSV writes a chart's numbers in the chart's shape: one row per
// category, one column per series, labels in the page's language. It
// starts with a byte-order mark so that Excel reads the Japanese labels.
func chartCSV(s *chartShape, lang string) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := newCSVWriter(&buf)
	g := s.grid(lang)
	w.Write(append([]string{g.corner}, g.cols...))
	dec := s.t.Measures[s.measure].Decimals
	for _, gr := range g.rows {
		row := []string{gr.compact}
		for _, c := range gr.cells {
			row = append(row, csvCell(c, dec))
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// writeReports writes the annual report of each fiscal year and their index.
func (r *renderer) writeReports(lang string) error {
	idx := r.newPage(lang, "report", "report", T(lang, "page.report"), T(lang, "lead.report"))
	years := append([]int{}, r.rel.FiscalYears...)
	sort.Sort(sort.Reverse(sort.IntSlice(years))) // newest first
	for _, y := range years {
		ys := strconv.Itoa(y)
		idx.Years = append(idx.Years, yearLink{Href: idx.LangRoot + pageFile("report/"+ys), Label: fiscalYearLabel(ys, lang), Partial: r.marks.partial[y]})
	}
	if err := r.emit(idx, "reports"); err != nil {
		return err
	}
	for _, y := range r.rel.FiscalYears {
		ys := strconv.Itoa(y)
		p := r.newPage(lang, "report", "report/"+ys, Tf(lang, "report.heading", fiscalYearLabel(ys, lang)), T(lang, "report.print"))
		p.ScreenOnlyLead = true
		if r.marks.partial[y] {
			p.Partial = T(lang, "report.partial")
		}
		p.Headline = r.headline(lang, y, p.LangRoot)
		if y == r.rel.LatestYear {
			p.Summary = markdown(r.rel.Summary.In(lang), 3)
		}
		for _, key := range topicPages {
			g := groupView{ID: "topic-" + key, Title: T(lang, "page."+key)}
			for _, t := range r.byPage[key] {
				fixed, ok := r.reportScope(t, y)
				if !ok {
					continue
				}
				sec, err := r.section(p, t, fixed, "charts/report/"+ys+"/", 3)
				if err != nil {
					return err
				}
				g.Sections = append(g.Sections, sec)
			}
			if len(g.Sections) > 0 {
				p.Groups = append(p.Groups, g)
			}
		}
		if err := r.emit(p, "report"); err != nil {
			return err
		}
	}
	return nil
}

// reportScope says whether table t belongs to the report of year y, and
// what it holds fixed there: a table over fiscal years is cut to the year;
// a table without years (a cross table of the latest year, a trend) goes to
// the report of the last year it covers.
func (r *renderer) reportScope(t *kensho.StatTable, y int) (map[string]string, bool) {
	ix := r.idx[t.Name]
	ys := strconv.Itoa(y)
	if d, ok := ix.dim["fiscal_year"]; ok {
		if !ix.hasKey(d, ys, nil) {
			return nil, false
		}
		return map[string]string{"fiscal_year": ys}, true
	}
	last := r.rel.LatestYear
	if n := len(t.FiscalYears); n > 0 {
		last = t.FiscalYears[n-1]
	}
	return map[string]string{}, last == y
}

// datasetJSONLD describes the tables of a page as a schema.org Dataset.
func (r *renderer) datasetJSONLD(p *page, tables []*kensho.StatTable) template.JS {
	var dist []map[string]any
	for _, t := range tables {
		dist = append(dist, map[string]any{
			"@type": "DataDownload", "name": t.Title.In(p.Lang), "encodingFormat": "text/csv",
			"contentUrl": r.siteURL(p, "data/tables/"+t.Name+".csv"),
		})
	}
	return r.jsonLD(p, T(p.Lang, "site.title")+" — "+p.Title, p.Lead, dist)
}

// jsonLD describes page p as a schema.org Dataset with its downloads.
func (r *renderer) jsonLD(p *page, name, desc string, dist []map[string]any) template.JS {
	rel, lang := r.rel, p.Lang
	d := map[string]any{
		"@context": "https://schema.org", "@type": "Dataset",
		"name": name, "description": desc, "inLanguage": lang,
		"license":             "https://creativecommons.org/licenses/by/4.0/",
		"isAccessibleForFree": true,
		"version":             rel.Version,
		"datePublished":       rel.BuildDate,
		"spatialCoverage":     map[string]any{"@type": "Place", "name": kensho.Text{Ja: "日本", En: "Japan"}.In(lang)},
		"keywords":            kensho.Text{Ja: "電気通信事故, 重大な事故, 通信障害, 統計", En: "telecom accidents, serious accidents, network outages, statistics"}.In(lang),
	}
	if n := len(rel.FiscalYears); n > 0 {
		// Fiscal years run from 1 April to 31 March.
		d["temporalCoverage"] = fmt.Sprintf("%d-04-01/%d-03-31", rel.FiscalYears[0], rel.FiscalYears[n-1]+1)
	}
	if len(dist) > 0 {
		d["distribution"] = dist
	}
	if p.Canonical != "" {
		d["url"] = p.Canonical
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // the JSON cannot close its script element
	enc.Encode(d)
	return template.JS(bytes.TrimSpace(buf.Bytes()))
}

// assetPath is the path of an asset below the site root.
func assetPath(name string) string { return path.Join("assets", name) }

// publisherText is who publishes the site: the configured publisher, else
// the committee whose statistics these are.
func (r *renderer) publisherText() kensho.Text {
	if r.publisher.Ja == "" && r.publisher.En == "" {
		return ui["site.owner"]
	}
	return r.publisher
}
