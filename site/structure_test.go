package site_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// doc is a parsed page of the shared site.
type doc struct {
	path string // below the site root
	root *html.Node
}

func parsePage(t *testing.T, dir, rel string) doc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc{rel, n}
}

func pages(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, f := range siteFiles(t, dir) {
		if strings.HasSuffix(f, ".html") {
			out = append(out, f)
		}
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, c string) bool {
	v, _ := attr(n, "class")
	for _, f := range strings.Fields(v) {
		if f == c {
			return true
		}
	}
	return false
}

// walk calls fn on every element below n.
func walk(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func find(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(e *html.Node) {
		if pred(e) {
			out = append(out, e)
		}
	})
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

// resolve turns a local href of page p into a path below the site root
// and the fragment; ok is false for a URL with a scheme or a host.
func resolve(p, href string) (file, frag string, local bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "//") {
		return "", "", false
	}
	if u.Path == "" {
		return p, u.Fragment, true
	}
	return path.Clean(path.Join(path.Dir(p), u.Path)), u.Fragment, true
}

func TestEveryPageInBothLanguages(t *testing.T) {
	fixtureOnly(t)
	var want []string
	for _, slug := range []string{"", "causes/", "services/", "equipment/", "regions/", "impact/", "serious/", "disasters/", "trends/",
		"public-cases/", "report/", "downloads/", "methodology/", "changes/", "about/", "check/", "dictionary/"} {
		want = append(want, slug+"index.html")
	}
	for _, y := range fixtureYears {
		want = append(want, "report/"+strconv.Itoa(y)+"/index.html")
	}
	for _, lang := range []string{"", "en/"} {
		for _, w := range want {
			if _, err := os.Stat(filepath.Join(siteDir, lang+w)); err != nil {
				t.Errorf("missing page %s%s", lang, w)
			}
		}
	}
	if got, want := siteStats.Pages, 2*len(want); got != want {
		t.Errorf("Stats.Pages = %d, want %d", got, want)
	}
}

// TestStructure checks every page: ids unique; every chart has its table
// and a CSV of the same shape; every table has a caption and scoped
// headings; every local link resolves; nothing is loaded from another host.
func TestStructure(t *testing.T) {
	ids := map[string]map[string]bool{} // page -> ids
	docs := map[string]doc{}
	for _, p := range pages(t, siteDir) {
		d := parsePage(t, siteDir, p)
		docs[p] = d
		ids[p] = map[string]bool{}
		walk(d.root, func(n *html.Node) {
			if id, ok := attr(n, "id"); ok {
				if ids[p][id] {
					t.Errorf("%s: duplicate id %q", p, id)
				}
				ids[p][id] = true
			}
		})
	}
	charts := 0
	for _, p := range pages(t, siteDir) {
		d := docs[p]
		if lang, _ := attr(find(d.root, func(n *html.Node) bool { return n.DataAtom == atom.Html })[0], "lang"); lang != wantLang(p) {
			t.Errorf("%s: lang %q, want %q", p, lang, wantLang(p))
		}
		// Nothing from another host, every local reference resolves.
		walk(d.root, func(n *html.Node) {
			for _, key := range []string{"src", "href"} {
				v, ok := attr(n, key)
				if !ok {
					continue
				}
				file, frag, local := resolve(p, v)
				if !local {
					// Links, never loads: the licence, and the public
					// sources of the public cases (rel="external").
					rel, _ := attr(n, "rel")
					source := strings.HasSuffix(p, "public-cases/index.html") && strings.Contains(rel, "external")
					if n.DataAtom != atom.A || !(strings.HasPrefix(v, "https://creativecommons.org/") || source) {
						t.Errorf("%s: <%s %s=%q> points to another host", p, n.Data, key, v)
					}
					continue
				}
				if n.DataAtom == atom.Link && key == "href" && strings.HasPrefix(file, "..") {
					t.Errorf("%s: %q leaves the site", p, v)
				}
				if _, err := os.Stat(filepath.Join(siteDir, filepath.FromSlash(file))); err != nil {
					t.Errorf("%s: %s=%q does not resolve to a file (%s)", p, key, v, file)
					continue
				}
				if frag != "" && strings.HasSuffix(file, ".html") && !ids[file][frag] {
					t.Errorf("%s: %q: no id %q in %s", p, v, frag, file)
				}
			}
		})
		// Every chart: its table and its CSV, of the same shape.
		for _, c := range find(d.root, func(n *html.Node) bool { return n.DataAtom == atom.Div && hasClass(n, "chart") }) {
			charts++
			id, _ := attr(c, "id")
			fig := c.Parent
			for fig != nil && fig.DataAtom != atom.Figure {
				fig = fig.Parent
			}
			if fig == nil {
				t.Errorf("%s: chart %s is not in a figure", p, id)
				continue
			}
			if _, hidden := attr(c, "hidden"); !hidden {
				t.Errorf("%s: chart %s is not hidden until its script draws it", p, id)
			}
			opt, ok := attr(c, "data-option")
			if !ok || !ids[p][opt] {
				t.Errorf("%s: chart %s has no option script", p, id)
			}
			tables := find(fig, func(n *html.Node) bool { return n.DataAtom == atom.Table })
			if len(tables) != 1 {
				t.Errorf("%s: chart %s has %d tables, want 1", p, id, len(tables))
				continue
			}
			var csvHref string
			for _, a := range find(fig, func(n *html.Node) bool { return n.DataAtom == atom.A }) {
				if h, _ := attr(a, "href"); (strings.HasPrefix(h, "charts/") || strings.Contains(h, "/charts/")) && strings.HasSuffix(h, ".csv") {
					csvHref = h
				}
			}
			if csvHref == "" {
				t.Errorf("%s: chart %s has no CSV link", p, id)
				continue
			}
			file, _, _ := resolve(p, csvHref)
			checkShape(t, p, id, tables[0], file)
			checkAria(t, p, id, d, opt)
			checkWithheld(t, p, id, tableRows(tables[0]), d, opt)
		}
		// Every table: a caption, scoped headings.
		for _, tb := range find(d.root, func(n *html.Node) bool { return n.DataAtom == atom.Table }) {
			id, _ := attr(tb, "id")
			if len(find(tb, func(n *html.Node) bool { return n.DataAtom == atom.Caption })) != 1 {
				t.Errorf("%s: table %s has no caption", p, id)
			}
			for _, th := range find(tb, func(n *html.Node) bool { return n.DataAtom == atom.Th }) {
				if s, _ := attr(th, "scope"); s != "col" && s != "row" && s != "colgroup" {
					t.Errorf("%s: table %s: <th>%s</th> has scope %q", p, id, text(th), s)
				}
			}
		}
		// The language switch leads to the same page in the other language, and back.
		sw := find(d.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "lang-switch" })
		if len(sw) != 1 {
			t.Errorf("%s: %d language switches", p, len(sw))
			continue
		}
		href, _ := attr(sw[0], "href")
		other, _, _ := resolve(p, href)
		if want := otherLang(p); other != want {
			t.Errorf("%s: language switch to %s, want %s", p, other, want)
		}
	}
	if charts < 20 && *external == "" {
		t.Errorf("only %d charts in the site", charts)
	}
}

func wantLang(p string) string {
	if strings.HasPrefix(p, "en/") {
		return "en"
	}
	return "ja"
}

func otherLang(p string) string {
	if strings.HasPrefix(p, "en/") {
		return strings.TrimPrefix(p, "en/")
	}
	return "en/" + p
}

// checkShape compares a chart's HTML table with its CSV: same number of
// rows and columns, same values cell for cell (X for suppressed, empty for
// not applicable; the table shows zero as -).
func checkShape(t *testing.T, page, id string, table *html.Node, csvFile string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(siteDir, filepath.FromSlash(csvFile)))
	if err != nil {
		t.Errorf("%s: chart %s: %v", page, id, err)
		return
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Errorf("%s: chart %s: %s: %v", page, id, csvFile, err)
		return
	}
	rows := tableRows(table)
	if len(rows) != len(recs) {
		t.Errorf("%s: chart %s: table has %d rows, CSV %s has %d", page, id, len(rows), csvFile, len(recs))
		return
	}
	for i := range rows {
		if len(rows[i]) != len(recs[i]) {
			t.Errorf("%s: chart %s row %d: table has %d cells, CSV has %d", page, id, i, len(rows[i]), len(recs[i]))
			return
		}
		if i == 0 {
			continue
		}
		for j := 1; j < len(rows[i]); j++ {
			h, c := rows[i][j], recs[i][j]
			want := strings.ReplaceAll(h, ",", "")
			switch h {
			case "-":
				want = strings.TrimRight(strings.TrimRight(c, "0"), ".")
				if want != "0" && want != "" {
					t.Errorf("%s: chart %s row %d col %d: table shows zero, CSV %q", page, id, i, j, c)
				}
				continue
			case "…":
				want = ""
			}
			if want != c {
				t.Errorf("%s: chart %s row %d col %d: table %q, CSV %q", page, id, i, j, h, c)
			}
		}
	}
}

// tableRows is the text of every heading and cell of a table, by row,
// without the mark r after a revised figure (see figureText).
func tableRows(table *html.Node) [][]string {
	var rows [][]string
	for _, tr := range find(table, func(n *html.Node) bool { return n.DataAtom == atom.Tr }) {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Th || c.DataAtom == atom.Td {
				cells = append(cells, figureText(c))
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

// figureText is the text of a table's cell without the mark of a revised
// figure (<sup class="mark">), so that it reads as the CSV has it.
func figureText(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Sup && hasClass(n, "mark") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.TrimSpace(b.String())
}

// chartSeries is a series of a chart's option as the checks read it.
type chartSeries struct {
	Name      string         `json:"name"`
	Stack     string         `json:"stack"`
	ItemStyle map[string]any `json:"itemStyle"`
	Data      []struct {
		Value    any    `json:"value"`
		CellText string `json:"cellText"`
	} `json:"data"`
}

// standIn reports whether a series stands in for withheld parts (hatched).
func (cs chartSeries) standIn() bool { return cs.ItemStyle["decal"] != nil }

// drawnAt is the number drawn at category i, and whether there is one.
func (cs chartSeries) drawnAt(i int) (float64, bool) {
	if i >= len(cs.Data) {
		return 0, false
	}
	v, ok := cs.Data[i].Value.(float64)
	return v, ok
}

// tableNumber reads a figure of a table: false for X and ….
func tableNumber(s string) (float64, bool) {
	if s == "-" {
		return 0, true
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return v, err == nil
}

// checkWithheld checks a chart against its table: no number is drawn for
// a cell the table shows as X, and the tooltip says X there; where the
// table publishes the total of the parts a bar chart draws, the chart is
// not empty there, and a bar that stands in for withheld parts makes the
// stack reach that total.
func checkWithheld(t *testing.T, page, id string, rows [][]string, d doc, optID string) {
	t.Helper()
	s := find(d.root, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == optID })
	if len(s) != 1 || len(rows) < 2 {
		return
	}
	var opt struct {
		Series []chartSeries `json:"series"`
	}
	if err := json.Unmarshal([]byte(text(s[0])), &opt); err != nil {
		t.Errorf("%s: chart %s: option: %v", page, id, err)
		return
	}
	var parts []chartSeries
	stacked := false
	for _, cs := range opt.Series {
		stacked = stacked || cs.Stack != ""
		if !cs.standIn() {
			parts = append(parts, cs)
		}
	}
	totals := map[string]bool{kensho.TotalLabel.Ja: true, kensho.TotalLabel.En: true}
	head, body := rows[0], rows[1:]
	totalCol := stacked && totals[head[len(head)-1]]
	totalRow := !stacked && len(parts) == 1 && totals[body[len(body)-1][0]]
	if totalRow {
		body = body[:len(body)-1]
	}
	if len(head)-1 != len(parts)+btoi(totalCol) || len(body) > len(parts[0].Data) {
		return // a chart laid out otherwise (years by quarters)
	}
	for i, row := range body {
		for j, cs := range parts {
			if row[j+1] != "X" {
				continue
			}
			if v, ok := cs.drawnAt(i); ok {
				t.Errorf("%s: chart %s: %s at %s is X in the table but drawn as %v", page, id, cs.Name, row[0], v)
			}
			if cs.Data[i].CellText != "X" {
				t.Errorf("%s: chart %s: %s at %s is X in the table, the tooltip says %q", page, id, cs.Name, row[0], cs.Data[i].CellText)
			}
		}
		if !totalCol {
			continue
		}
		total, ok := tableNumber(row[len(row)-1])
		sum, filled := 0.0, false
		for _, cs := range opt.Series {
			v, drawn := cs.drawnAt(i)
			sum += v
			filled = filled || drawn && cs.standIn()
		}
		switch {
		case ok && total > 0 && sum == 0:
			t.Errorf("%s: chart %s: %s draws nothing where the table publishes a total of %s", page, id, row[0], row[len(row)-1])
		case filled && (!ok || math.Abs(sum-total) > 1e-6*math.Max(1, total)):
			t.Errorf("%s: chart %s: %s stacks to %v with a stand-in for withheld parts; the table's total is %s", page, id, row[0], sum, row[len(row)-1])
		}
	}
	if totalRow {
		total, ok := tableNumber(rows[len(rows)-1][1])
		sum := 0.0
		for i := range parts[0].Data {
			v, _ := parts[0].drawnAt(i)
			sum += v
		}
		if ok && total > 0 && sum == 0 {
			t.Errorf("%s: chart %s draws nothing where the table publishes a total of %s", page, id, rows[len(rows)-1][1])
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkAria checks that a chart's option turns ECharts' aria on and draws
// as many categories as its table has rows.
func checkAria(t *testing.T, page, id string, d doc, optID string) {
	t.Helper()
	s := find(d.root, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == optID })
	if len(s) != 1 {
		return
	}
	var opt struct {
		Aria struct {
			Enabled bool `json:"enabled"`
		} `json:"aria"`
		Series []struct {
			Data []json.RawMessage `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(text(s[0])), &opt); err != nil {
		t.Errorf("%s: chart %s: option: %v", page, id, err)
		return
	}
	if !opt.Aria.Enabled {
		t.Errorf("%s: chart %s: aria is off", page, id)
	}
	if len(opt.Series) == 0 || len(opt.Series[0].Data) == 0 {
		t.Errorf("%s: chart %s: no data", page, id)
	}
}

// TestNoRemoteInAssets checks the stylesheet and scripts load nothing from
// another host.
func TestNoRemoteInAssets(t *testing.T) {
	css := string(readSite(t, "assets/style.css"))
	if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
		t.Errorf("style.css loads a resource (url( or @import)")
	}
	for _, f := range []string{"site.js", "tools.js", "explore.js"} {
		js := string(readSite(t, "assets/"+f))
		for _, bad := range []string{"http:", "https:", "//cdn", "fetch(", "XMLHttpRequest", "import("} {
			if strings.Contains(js, bad) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
	for _, f := range []string{"tools.css", "dark.css"} {
		if css := string(readSite(t, "assets/"+f)); strings.Contains(css, "url(") || strings.Contains(css, "@import") {
			t.Errorf("%s loads a resource (url( or @import)", f)
		}
	}
}

// TestNoSuppressedValueLeaks: every suppressed cell of the fixture carries
// a sentinel value; it must not appear anywhere in the site.
func TestNoSuppressedValueLeaks(t *testing.T) {
	fixtureOnly(t)
	for _, f := range siteFiles(t, siteDir) {
		if f == "assets/echarts.min.js" || strings.HasPrefix(f, "data/microdata") {
			continue
		}
		b := readSite(t, f)
		for _, s := range []string{"987654", "987,654"} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains the value of a suppressed cell (%s)", f, s)
			}
		}
	}
}

func TestSymbolsAndLegend(t *testing.T) {
	fixtureOnly(t)
	tests := []struct {
		page string
		want []string
	}{
		{"index.html", []string{`<td class="num x">X</td>`, `<td class="num zero">-</td>`, "X 秘匿", "- 該当なし(0)"}},
		{"en/index.html", []string{`<td class="num x">X</td>`, "X withheld", "- nil (zero)", "Series break (FY2015)", `<span class="tag">partial</span>`}},
		{"en/impact/index.html", []string{`<td class="num na">…</td>`, "… not applicable"}},
		{"trends/index.html", []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<strong>増加</strong>"}},
	}
	for _, tt := range tests {
		got := string(readSite(t, tt.page))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s does not contain %q", tt.page, w)
			}
		}
		if strings.Contains(got, "<script>alert") {
			t.Errorf("%s: release text reached the page unescaped", tt.page)
		}
	}
}

func TestWeight(t *testing.T) {
	fixtureOnly(t)
	w := siteStats.Weight("index.html")
	t.Logf("overview weight (HTML + scripts + CSS, gzip): %d bytes (%.1f KB); target %d KB", w, float64(w)/1024, site.OverviewWeightTarget>>10)
	if w <= 0 || w > site.OverviewWeightTarget {
		t.Errorf("overview weighs %d bytes gzip, want ≤ %d", w, site.OverviewWeightTarget)
	}
	for _, pw := range siteStats.Weights {
		if pw.GzipBytes > site.OverviewWeightTarget {
			t.Logf("note: %s weighs %d bytes gzip", pw.Path, pw.GzipBytes)
		}
	}
}

// rawTableLine is a Markdown table row left as text: "| a | b |" or "|---|".
var rawTableLine = regexp.MustCompile(`^\s*\|.*\|\s*$`)

// TestNoRawMarkdown: no page shows a Markdown table as text (every Markdown
// text of the site goes through goldmark with its table extension), and
// the risk summary's table is a table on the methodology page.
func TestNoRawMarkdown(t *testing.T) {
	for _, p := range pages(t, siteDir) {
		d := parsePage(t, siteDir, p)
		var lines []string
		var visit func(*html.Node)
		visit = func(n *html.Node) {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Pre, atom.Code:
				return
			}
			if n.Type == html.TextNode {
				lines = append(lines, strings.Split(n.Data, "\n")...)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				visit(c)
			}
		}
		visit(d.root)
		for _, l := range lines {
			if rawTableLine.MatchString(l) {
				t.Errorf("%s shows a Markdown table line as text: %q", p, strings.TrimSpace(l))
			}
		}
	}
	fixtureOnly(t)
	for _, p := range []string{"methodology/index.html", "en/methodology/index.html"} {
		risk := find(parsePage(t, siteDir, p).root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "risk" })
		if len(risk) != 1 || len(find(risk[0], func(n *html.Node) bool { return n.DataAtom == atom.Table })) != 1 {
			t.Errorf("%s: the risk summary's table is not a table", p)
		}
	}
}
