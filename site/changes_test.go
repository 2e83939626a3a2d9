package site_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"
)

// readCSVRecords reads a whole CSV file of the site in dir.
func readCSVRecords(t *testing.T, dir, rel string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(readFileIn(t, dir, rel))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return recs
}

// readFileIn returns a file of the site in dir.
func readFileIn(t *testing.T, dir, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// byID is the element of a page with the given id; there must be one.
func byID(t *testing.T, d doc, id string) *html.Node {
	t.Helper()
	ns := find(d.root, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(ns) != 1 {
		t.Fatalf("%s: %d elements with id %q, want 1", d.path, len(ns), id)
	}
	return ns[0]
}

func isElement(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.DataAtom == a }
}

// revisedOf is the fixture's revised figure of a table.
func revisedOf(t *testing.T, rel *kensho.Release, table string) (kensho.RevisedCell, kensho.Cell, int) {
	t.Helper()
	for _, rc := range rel.Revision.Revised {
		if rc.Table == table {
			tb := rel.Table(table)
			return rc, tb.Rows[rc.Row].Cells[rc.Measure], tb.Measures[rc.Measure].Decimals
		}
	}
	t.Fatalf("the fixture revises no figure of %s", table)
	return kensho.RevisedCell{}, kensho.Cell{}, 0
}

func plain(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// TestTableCSVMarks: after every measure a table's CSV has the measure's
// marks, as e-Stat prints them: p for the partial year, r for a figure
// revised since the previous release, "p r" for both.
func TestTableCSVMarks(t *testing.T) {
	fixtureOnly(t)
	recs := readCSVRecords(t, siteDir, "data/tables/user_hours_by_year_cause_group.csv")
	wantHead := []string{"fiscal_year", "cause_group", "cause_group_ja", "cause_group_en", "user_hours", "user_hours_mark", "affected_users", "affected_users_mark"}
	if diff := cmp.Diff(wantHead, recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	marks := map[string][2]string{} // fiscal_year/cause_group -> the two marks
	for _, r := range recs[1:] {
		marks[r[0]+"/"+r[1]] = [2]string{r[5], r[7]}
	}
	for key, want := range map[string][2]string{
		"2024/equipment": {"p r", "p"}, // the partial year, user-hours revised
		"2024/human":     {"p", "p"},
		"2024/total":     {"p", "p"},
		"2023/equipment": {"", ""},
		"2012/total":     {"", ""},
	} {
		if got := marks[key]; got != want {
			t.Errorf("%s: marks %q, want %q", key, got, want)
		}
	}

	// A withheld figure of the partial year is provisional, never revised;
	// a revised figure of a complete year is r alone.
	for _, c := range []struct {
		table, key, want string
	}{
		{"accidents_by_year", "2023,full,quarterly", "r"},
		{"accidents_by_year", "2013,simplified,serious", ""}, // withheld
		{"accidents_by_year_cause", "2024,full,cyber_attack", "p"},
	} {
		recs := readCSVRecords(t, siteDir, "data/tables/"+c.table+".csv")
		col := -1
		for i, h := range recs[0] {
			if h == "accidents_mark" {
				col = i
			}
		}
		found := false
		for _, r := range recs[1:] {
			if codesOf(recs[0], r) == c.key {
				found = true
				if r[col] != c.want {
					t.Errorf("%s %s: accidents_mark %q, want %q", c.table, c.key, r[col], c.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no row %s", c.table, c.key)
		}
	}
	// Of a row's figures, only the revised one is marked.
	recs = readCSVRecords(t, siteDir, "data/tables/accidents_by_disaster.csv")
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	found := false
	for _, r := range recs[1:] {
		if r[col["disaster"]] != "quake_2024_noto" || r[col["fiscal_year"]] != "2023" {
			continue
		}
		found = true
		var got []string
		for _, h := range []string{"accidents", "accidents_mark", "affected_users", "affected_users_mark", "user_hours", "user_hours_mark"} {
			got = append(got, r[col[h]])
		}
		if diff := cmp.Diff([]string{"30", "", "120000", "r", "360000", ""}, got); diff != "" {
			t.Errorf("accidents_by_disaster quake_2024_noto 2023: figures and marks (-want +got):\n%s", diff)
		}
	}
	if !found {
		t.Error("accidents_by_disaster: no row quake_2024_noto 2023")
	}
}

// codesOf joins the codes of a row of a table's CSV, leaving out the
// label and measure columns.
func codesOf(head, rec []string) string {
	var keys []string
	for i, h := range head {
		switch {
		case strings.HasSuffix(h, "_ja"), strings.HasSuffix(h, "_en"), strings.HasSuffix(h, "_mark"), h == "accidents":
		default:
			keys = append(keys, rec[i])
		}
	}
	return strings.Join(keys, ",")
}

// TestDataPackageMarks: datapackage.json declares every marks column as a
// string with the four values as its enum, "" a value of its own, and
// describes the marks in both languages; and it declares revisions.csv.
func TestDataPackageMarks(t *testing.T) {
	type field struct {
		Name, Type, Title, Description string
		Constraints                    *struct{ Enum []string }
		MissingValues                  *[]any `json:"missingValues"`
	}
	var dp struct {
		Resources []struct {
			Path   string
			Schema *struct {
				Fields     []field
				PrimaryKey []string `json:"primaryKey"`
			}
		}
	}
	if err := json.Unmarshal(readSite(t, "data/datapackage.json"), &dp); err != nil {
		t.Fatal(err)
	}
	marks, revisions := 0, false
	for _, r := range dp.Resources {
		if r.Path == site.RevisionsFile {
			revisions = true
			head := readCSVRecords(t, siteDir, "data/"+site.RevisionsFile)[0]
			var names []string
			for _, f := range r.Schema.Fields {
				names = append(names, f.Name)
			}
			if diff := cmp.Diff(head, names); diff != "" {
				t.Errorf("%s: fields (-header +schema):\n%s", r.Path, diff)
			}
			if diff := cmp.Diff([]string{"table_name", "key", "measure"}, r.Schema.PrimaryKey); diff != "" {
				t.Errorf("%s: primary key (-want +got):\n%s", r.Path, diff)
			}
			continue
		}
		if !strings.HasPrefix(r.Path, "tables/") {
			continue
		}
		for i, f := range r.Schema.Fields {
			measure, ok := strings.CutSuffix(f.Name, "_mark")
			if !ok {
				continue
			}
			marks++
			if i == 0 || r.Schema.Fields[i-1].Name != measure {
				t.Errorf("%s: %s does not follow its measure", r.Path, f.Name)
			}
			if f.Type != "string" || f.Constraints == nil || !cmp.Equal(f.Constraints.Enum, []string{"", "p", "r", "p r"}) {
				t.Errorf("%s: %s is %s with constraints %+v, want a string with the enum \"\", p, r, \"p r\"", r.Path, f.Name, f.Type, f.Constraints)
			}
			if f.MissingValues == nil || len(*f.MissingValues) != 0 {
				t.Errorf("%s: %s: missingValues %v, want [] (\"\" is a value of the column)", r.Path, f.Name, f.MissingValues)
			}
			for _, w := range []string{"p = 速報値(集計途中の年度)", "r = 訂正値(前回公表から改訂)", "p = provisional (a fiscal year still open)", "r = revised since the previous release"} {
				if !strings.Contains(f.Description, w) {
					t.Errorf("%s: %s: the description %q does not say %q", r.Path, f.Name, f.Description, w)
				}
			}
		}
	}
	if !revisions {
		t.Errorf("datapackage.json does not declare %s", site.RevisionsFile)
	}
	if *external == "" && marks < len(fixture().Tables) {
		t.Errorf("only %d marks columns declared", marks)
	}
}

// TestChangesPage: the page of changes names the previous release, counts
// the figures revised, withheld now and published now, and lists the
// revised figures in the site's order with both values, each linked to
// its table; revisions.csv lists the same; the tables mark each revised
// figure r and link to the page.
func TestChangesPage(t *testing.T) {
	fixtureOnly(t)
	// The fixture's figures are random but for the disaster's: the
	// previous and current values of the others come from the release.
	rel := fixture()
	values := func(table string) (string, string) {
		rc, c, dec := revisedOf(t, rel, table)
		return plain(rc.Previous, dec), plain(c.Value, dec)
	}
	yearPrev, yearNow := values("accidents_by_year")
	uhPrev, uhNow := values("user_hours_by_year_cause_group")
	for _, tc := range []struct {
		page    string
		against string
		counts  []string
		rows    [][]string
		hrefs   []string
	}{
		{"changes/index.html", "この版(2025.1-test、2025年3月31日公表)の数値を、前回の版(2024.4-test、2024年12月20日公表)の数値と比べています。",
			[]string{"訂正した数値(r)", "3", "前回は公表し、今回は秘匿(X)とした数値", "3", "前回は秘匿(X)とし、今回は公表した数値", "1"},
			[][]string{
				{"表", "区分", "指標", "前回の値", "今回の値"},
				{"年度別の事故件数(報告区分別)", "2023年度 / 省令 / 四半期", "事故件数(件)", yearPrev, yearNow},
				{"利用者時間と影響利用者数(発生要因の大分類別)", "2024年度 / 設備要因", "利用者時間(千人時)", uhPrev, uhNow},
				{"災害別の事故件数", "令和6年能登半島地震 / 2023年度", "影響利用者数(延べ)(人)", "125000", "120000"},
			},
			[]string{"index.html#accidents_by_year", "impact/index.html#user_hours_by_year_cause_group", "disasters/index.html#accidents_by_disaster"}},
		{"en/changes/index.html", "The figures of this release (2025.1-test, published 31 March 2025) are compared with those of the previous release (2024.4-test, published 20 December 2024).",
			[]string{"Figures revised (r)", "3", "Figures published then and withheld (X) now", "3", "Figures withheld (X) then and published now", "1"},
			[][]string{
				{"Table", "Row", "Measure", "Previous value", "Value now"},
				{"Accidents per fiscal year, by report type", "FY2023 / full form / quarterly", "accidents", yearPrev, yearNow},
				{"User-hours and affected users, by cause group", "FY2024 / equipment", "user-hours (thousand user-hours)", uhPrev, uhNow},
				{"Accidents per named disaster", "2024 Noto Peninsula earthquake / FY2023", "affected users", "125000", "120000"},
			},
			[]string{"en/index.html#accidents_by_year", "en/impact/index.html#user_hours_by_year_cause_group", "en/disasters/index.html#accidents_by_disaster"}},
	} {
		d := parsePage(t, siteDir, tc.page)
		sec := byID(t, d, "comparison")
		if got := text(find(sec, isElement(atom.P))[0]); got != tc.against {
			t.Errorf("%s: %q, want %q", tc.page, got, tc.against)
		}
		var counts []string
		for _, n := range find(sec, func(n *html.Node) bool { return n.DataAtom == atom.Dt || n.DataAtom == atom.Dd }) {
			counts = append(counts, text(n))
		}
		if diff := cmp.Diff(tc.counts, counts); diff != "" {
			t.Errorf("%s: counts (-want +got):\n%s", tc.page, diff)
		}
		if !strings.Contains(text(sec), map[bool]string{true: "同じ秘匿の基準", false: "same disclosure rules"}[tc.page == "changes/index.html"]) {
			t.Errorf("%s: the page does not say how a figure comes to be revised", tc.page)
		}
		table := byID(t, d, "revised-table")
		rows := tableRows(table)
		for _, r := range rows[1:] { // the figures as the CSV writes them
			r[3], r[4] = strings.ReplaceAll(r[3], ",", ""), strings.ReplaceAll(r[4], ",", "")
		}
		if diff := cmp.Diff(tc.rows, rows); diff != "" {
			t.Errorf("%s: revised figures (-want +got):\n%s", tc.page, diff)
		}
		var hrefs []string
		for _, a := range find(table, isElement(atom.A)) {
			h, _ := attr(a, "href")
			file, frag, _ := resolve(tc.page, h)
			hrefs = append(hrefs, file+"#"+frag)
		}
		if diff := cmp.Diff(tc.hrefs, hrefs); diff != "" {
			t.Errorf("%s: links to the tables (-want +got):\n%s", tc.page, diff)
		}
		csvLink := find(byID(t, d, "revised"), func(n *html.Node) bool {
			h, _ := attr(n, "href")
			return n.DataAtom == atom.A && strings.HasSuffix(h, "data/"+site.RevisionsFile)
		})
		if len(csvLink) != 1 {
			t.Errorf("%s: no link to data/%s", tc.page, site.RevisionsFile)
		}
		nav := find(d.root, func(n *html.Node) bool { c, _ := attr(n, "aria-current"); return n.DataAtom == atom.A && c == "page" })
		if len(nav) == 0 || text(nav[0]) != map[bool]string{true: "前回からの変更", false: "Changes"}[tc.page == "changes/index.html"] {
			t.Errorf("%s: the navigation does not mark the page current", tc.page)
		}
	}

	recs := readCSVRecords(t, siteDir, "data/"+site.RevisionsFile)
	want := [][]string{
		{"table_name", "key", "key_ja", "key_en", "measure", "previous_value", "value"},
		{"accidents_by_year", "fiscal_year=2023;form=full;report_type=quarterly", "2023年度 / 省令 / 四半期", "FY2023 / full form / quarterly", "accidents", yearPrev, yearNow},
		{"user_hours_by_year_cause_group", "fiscal_year=2024;cause_group=equipment", "2024年度 / 設備要因", "FY2024 / equipment", "user_hours", uhPrev, uhNow},
		{"accidents_by_disaster", "disaster=quake_2024_noto;fiscal_year=2023", "令和6年能登半島地震 / 2023年度", "2024 Noto Peninsula earthquake / FY2023", "affected_users", "125000", "120000"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("%s (-want +got):\n%s", site.RevisionsFile, diff)
	}

	// The tables mark the revised figures and link to the page.
	for _, c := range []struct{ page, table, figure, note string }{
		{"index.html", "accidents_by_year-full", "訂正", "changes/index.html"},
		{"en/impact/index.html", "user_hours_by_year_cause_group-table", "revised", "en/changes/index.html"},
		{"en/report/2023/index.html", "accidents_by_disaster-table", "revised", "en/changes/index.html"},
	} {
		d := parsePage(t, siteDir, c.page)
		table := byID(t, d, c.table)
		marks := find(table, func(n *html.Node) bool { return n.DataAtom == atom.Sup && hasClass(n, "mark") })
		if len(marks) != 1 {
			t.Errorf("%s: %s has %d marks r, want 1", c.page, c.table, len(marks))
			continue
		}
		if title, _ := attr(marks[0], "title"); title != c.figure || !strings.HasPrefix(text(marks[0]), "r") {
			t.Errorf("%s: %s: the mark reads %q titled %q", c.page, c.table, text(marks[0]), title)
		}
		wrap := table.Parent.NextSibling
		for wrap != nil && wrap.Type != html.ElementNode {
			wrap = wrap.NextSibling
		}
		var links []string
		if wrap != nil && hasClass(wrap, "table-notes") {
			for _, a := range find(wrap, isElement(atom.A)) {
				h, _ := attr(a, "href")
				file, _, _ := resolve(c.page, h)
				links = append(links, file)
			}
		}
		if !cmp.Equal(links, []string{c.note}) {
			t.Errorf("%s: %s: the notes link to %v, want the changes page %s", c.page, c.table, links, c.note)
		}
	}
	// A table without a revised figure has neither.
	d := parsePage(t, siteDir, "causes/index.html")
	if n := len(find(d.root, func(n *html.Node) bool { return hasClass(n, "mark") || hasClass(n, "revised-note") })); n != 0 {
		t.Errorf("causes/index.html: %d marks or notes of revised figures, want none", n)
	}
}

// TestChangesPageFirstRelease: without a previous release the page says
// there is nothing to compare, in both languages; no figure is marked r,
// and revisions.csv holds its header alone.
func TestChangesPageFirstRelease(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := renderFixture(context.Background(), firstRelease(), dir, site.Options{}); err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]string{
		"changes/index.html":    "この版は、kensho が保存した最初の公表です。比べる前回の公表がないため、変更はありません。",
		"en/changes/index.html": "This is the first release kensho archived: there is no previous release to compare it with, so nothing has changed.",
	} {
		d := parsePage(t, dir, page)
		sec := byID(t, d, "comparison")
		if got := text(find(sec, isElement(atom.P))[0]); got != want {
			t.Errorf("%s: %q, want %q", page, got, want)
		}
		if n := len(find(d.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "revised" || n.DataAtom == atom.Dl })); n != 0 {
			t.Errorf("%s: lists revised figures or counts without a previous release", page)
		}
	}
	for _, p := range pages(t, dir) {
		if b := readFileIn(t, dir, p); bytes.Contains(b, []byte(`class="mark"`)) || bytes.Contains(b, []byte("revised-note")) {
			t.Errorf("%s marks a figure revised in the first release", p)
		}
	}
	if got := string(readFileIn(t, dir, "data/"+site.RevisionsFile)); got != "table_name,key,key_ja,key_en,measure,previous_value,value\n" {
		t.Errorf("%s of the first release:\n%s", site.RevisionsFile, got)
	}
	recs := readCSVRecords(t, dir, "data/tables/user_hours_by_year_cause_group.csv")
	for _, r := range recs[1:] {
		if r[0] == "2024" && r[1] == "equipment" && r[5] != "p" {
			t.Errorf("first release: FY2024 equipment user_hours_mark %q, want p", r[5])
		}
	}
}

// TestRenderRefusesBadRevision: a revision the site cannot show as it is
// stops the render before anything is written.
func TestRenderRefusesBadRevision(t *testing.T) {
	tests := []struct {
		name   string
		change func(*kensho.Release)
		want   string
	}{
		{"a withheld figure listed as revised", func(r *kensho.Release) {
			rc := r.Revision.Revised[0]
			r.Table(rc.Table).Rows[rc.Row].Cells[rc.Measure].Status = kensho.Suppressed
		}, "not published"},
		{"a figure marked revised but not listed", func(r *kensho.Release) { r.Revision.Revised = r.Revision.Revised[1:] }, "does not list it"},
		{"a figure marked revised without a previous release", func(r *kensho.Release) { r.Revision = nil }, "does not list it"},
		{"a listed figure not marked revised", func(r *kensho.Release) {
			rc := r.Revision.Revised[0]
			r.Table(rc.Table).Rows[rc.Row].Cells[rc.Measure].Revised = false
		}, "not marked revised"},
		{"an unknown table", func(r *kensho.Release) { r.Revision.Revised[0].Table = "nowhere" }, "no such table"},
		{"a cell out of the table", func(r *kensho.Release) { r.Revision.Revised[0].Measure = 9 }, "no such cell"},
		{"a figure listed twice", func(r *kensho.Release) {
			r.Revision.Revised = append(r.Revision.Revised, r.Revision.Revised[0])
		}, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rel := fixture()
			tt.change(rel)
			dir := filepath.Join(t.TempDir(), "site")
			_, err := site.Render(context.Background(), rel, dir, site.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render = %v, want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Render wrote into %s despite the refusal (%v)", dir, err)
			}
		})
	}
}
