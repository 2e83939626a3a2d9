package site_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestKeyFiguresAreTheirTables: each key figure of the overview is the
// cell of the table it links to for its year, every other key at its
// margin; and the summary, which the trends page and the report show,
// states the serious-accident figure the overview shows (the two never
// disagree).
func TestKeyFiguresAreTheirTables(t *testing.T) {
	for _, page := range []string{"index.html", "en/index.html"} {
		d := parsePage(t, siteDir, page)
		heading := find(d.root, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == "headline-h" })
		if len(heading) != 1 {
			t.Fatalf("%s: no key figures", page)
		}
		year := regexp.MustCompile(`(?:FY)?(\d{4})`).FindStringSubmatch(text(heading[0]))[1]
		items := find(d.root, func(n *html.Node) bool { return n.DataAtom == atom.Li && hasClass(n, "figure") })
		if len(items) < 3 {
			t.Fatalf("%s: %d key figures", page, len(items))
		}
		for _, it := range items {
			a := find(it, func(n *html.Node) bool { return n.DataAtom == atom.A })[0]
			href, _ := attr(a, "href")
			table := href[strings.LastIndex(href, "#")+1:]
			value := find(it, func(n *html.Node) bool { return hasClass(n, "figure-value") })[0]
			unit := find(it, func(n *html.Node) bool { return hasClass(n, "figure-unit") })
			shown := strings.TrimSpace(strings.TrimSuffix(text(value), text(unit[0])))
			cells, ok := marginCells(t, table, year)
			if !ok {
				t.Errorf("%s: key figure %q links to %s, which has no row for %s at its margins", page, text(it), table, year)
				continue
			}
			want := strings.ReplaceAll(shown, ",", "")
			if !slices.Contains(cells, want) {
				t.Errorf("%s: key figure %q shows %s; %s holds %v for %s", page, strings.Join(strings.Fields(text(it)), " "), shown, table, cells, year)
			}
			if table == "serious_by_year_category" && page == "index.html" && *external != "" { // the fixture's summary is written by hand
				if sum := readSite(t, "trends/index.html"); want != "X" && !bytes.Contains(sum, []byte("重大な事故は"+groupDigits(want)+"件でした")) {
					t.Errorf("the overview shows %s serious accidents in %s; the summary does not say so", want, year)
				}
			}
		}
	}
}

// marginCells are the measures of table in fiscal year y with every other
// key at its margin (total), as its CSV holds them.
func marginCells(t *testing.T, table, y string) ([]string, bool) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(readSite(t, "data/tables/"+table+".csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	for _, r := range recs[1:] {
		ok := true
		var cells []string
		for i, h := range head {
			switch {
			case strings.HasSuffix(h, "_ja") || strings.HasSuffix(h, "_en"):
			case h == "fiscal_year":
				ok = ok && r[i] == y
			case i > 0 && isMeasure(head, i):
				cells = append(cells, r[i])
			case r[i] != "total":
				ok = false
			}
		}
		if ok {
			return cells, true
		}
	}
	return nil, false
}

// isMeasure reports whether column i follows every key column: a key is
// followed by its labels or another key, the measures come last.
func isMeasure(head []string, i int) bool {
	for _, h := range head[i:] {
		if strings.HasSuffix(h, "_ja") || strings.HasSuffix(h, "_en") {
			return false
		}
	}
	return true
}

func groupDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
