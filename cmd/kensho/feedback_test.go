package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/feedback"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// feedbackDB ingests the synthetic sample and ingest's file of mistakes
// (operator M-0009, FY2024) and anonymizes it, once per test binary: a
// restricted database (opened read-only) and its release.
func feedbackDB(t *testing.T) (string, *sql.DB, *kensho.Release) {
	t.Helper()
	feedbackOnce.Do(func() { feedbackFix.path, feedbackFix.db, feedbackFix.rel, feedbackFix.err = makeFeedbackDB(t) })
	if feedbackFix.err != nil {
		t.Fatal(feedbackFix.err)
	}
	return feedbackFix.path, feedbackFix.db, feedbackFix.rel
}

var (
	feedbackOnce sync.Once
	feedbackFix  struct {
		path string
		db   *sql.DB
		rel  *kensho.Release
		err  error
	}
)

func makeFeedbackDB(t *testing.T) (string, *sql.DB, *kensho.Release, error) {
	dir, err := os.MkdirTemp("", "kensho-feedback-")
	if err != nil {
		return "", nil, nil, err
	}
	path := filepath.Join(dir, "kensho.duckdb")
	if _, stderr, err := runKensho(t, "ingest", "--db", path, testInput(t), "../../ingest/testdata/mistakes.csv"); err != nil {
		return "", nil, nil, fmt.Errorf("ingest: %v\n%s", err, stderr)
	}
	if _, stderr, err := runKensho(t, "anonymize", "--db", path, "--report", filepath.Join(dir, "reports"), "--release-version", "test"); err != nil {
		return "", nil, nil, fmt.Errorf("anonymize: %v\n%s", err, stderr)
	}
	rel, err := anonymize.LoadRelease(context.Background(), anonymize.ReleasePath(path))
	if err != nil {
		return "", nil, nil, err
	}
	db, err := duck.Open(context.Background(), path, duck.Options{ReadOnly: true})
	if err != nil {
		return "", nil, nil, err
	}
	feedbackCleanup = func() { db.Close(); os.RemoveAll(dir) }
	return path, db, rel, nil
}

// feedbackCleanup removes the feedback database (TestMain calls it).
var feedbackCleanup = func() {}

// TestFeedbackFigures: for every operator of the latest year, every number
// in its report (both languages) is accounted for: the operator's own
// figure, recomputed here from the restricted database; a national figure
// equal to a cell of the release whose status is Published; a share of
// those two; or a fiscal year. A national cell the release withheld shows
// no number, also where the operator itself contributed to it.
func TestFeedbackFigures(t *testing.T) {
	_, db, rel := feedbackDB(t)
	year := rel.LatestYear
	ops := queryStrings(t, db, "SELECT DISTINCT operator_id FROM accident WHERE fiscal_year = ? ORDER BY 1", year)
	if len(ops) < 10 {
		t.Fatalf("only %d operators in FY%d", len(ops), year)
	}
	checker := newFigureChecker(t, db, rel)
	withheldOwn := 0 // cells where the operator contributed and the release withheld the national value
	for _, op := range ops {
		r, err := feedback.Build(context.Background(), db, rel, feedback.Config{Operator: op})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range feedback.Langs {
			var b bytes.Buffer
			if err := r.WriteHTML(&b, lang); err != nil {
				t.Fatal(err)
			}
			withheldOwn += checker.check(op, year, lang, b.Bytes())
		}
	}
	if withheldOwn == 0 {
		t.Error("no report shows a withheld national cell that its operator contributed to: the test proves little")
	}
	if checker.national == 0 || checker.shares == 0 || checker.own == 0 {
		t.Errorf("checked %d own, %d national, %d shares", checker.own, checker.national, checker.shares)
	}

	// A release without some of the tables (the table set may change):
	// the report loses those comparisons only.
	thin := *rel
	thin.Tables = nil
	for _, tb := range rel.Tables {
		if tb.Name != "accidents_by_year_cause" && tb.Name != "user_hours_by_year_cause_group" {
			thin.Tables = append(thin.Tables, tb)
		}
	}
	r, err := feedback.Build(context.Background(), db, &thin, feedback.Config{Operator: ops[0]})
	if err != nil {
		t.Fatalf("a release without two tables: %v", err)
	}
	var b bytes.Buffer
	if err := r.WriteHTML(&b, "en"); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"accidents_by_year_cause\"", "user_hours_by_year_cause_group"} {
		if strings.Contains(b.String(), `data-table="`+absent) {
			t.Errorf("a figure from the absent table %s", absent)
		}
	}
	if !strings.Contains(b.String(), "The release has no such table") || !strings.Contains(b.String(), `data-table="accidents_by_year_service"`) {
		t.Error("the report of a thinner release does not say what is missing, or lost the other tables")
	}
	checker.check(ops[0], year, "en", b.Bytes())
}

// figureChecker checks the numbers of reports.
type figureChecker struct {
	t                     *testing.T
	db                    *sql.DB
	rel                   *kensho.Release
	labels                map[string]bool // every label a table row may have, in both languages
	own, national, shares int
	owned                 map[string]float64 // own figures already computed (both languages show them)
}

func newFigureChecker(t *testing.T, db *sql.DB, rel *kensho.Release) *figureChecker {
	c := &figureChecker{t: t, db: db, rel: rel, labels: map[string]bool{}, owned: map[string]float64{}}
	for _, l := range []*kensho.CodeList{kensho.Causes, kensho.Services, kensho.EquipmentCodes, kensho.DurationBands, kensho.UsersBands} {
		for _, code := range l.Codes {
			c.labels[code.Text.Ja], c.labels[code.Text.En] = true, true
		}
	}
	return c
}

var numberRE = regexp.MustCompile(`\d[\d,]*(\.\d+)?`)

// check verifies one report and returns how many withheld national cells
// it has where the operator's own figure is not zero.
func (c *figureChecker) check(op string, year int, lang string, page []byte) int {
	t := c.t
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	years := map[string]bool{strconv.Itoa(year): true}
	for _, y := range c.rel.FiscalYears {
		years[strconv.Itoa(y)] = true
	}
	for _, y := range queryStrings(t, c.db, "SELECT DISTINCT fiscal_year::VARCHAR FROM accident WHERE operator_id = ?", op) {
		years[y] = true
	}
	withheld := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Style || n.DataAtom == atom.Title:
				return
			case attrOf(n, "data-own") != "":
				return // the operator's own rows, files and warnings, checked below
			case hasClassAttr(n, "meta"):
				return // operator_id, release version and date
			case attrOf(n, "data-kind") != "":
				c.checkFigure(op, year, lang, n)
				return
			case n.DataAtom == atom.Th && attrOf(n, "scope") == "row":
				label := textOf(n)
				if !c.labels[label] && label != kensho.TotalLabel.In(lang) && !years[strings.Trim(label, "FY年度")] &&
					label != "事故件数" && label != "accidents" && !strings.HasPrefix(label, "影響利用者数") &&
					!strings.HasPrefix(label, "affected users") && label != "利用者時間" && label != "user-hours" {
					t.Errorf("%s %s: row label %q is no code, year or measure", op, lang, label)
				}
				if tr := n.Parent; tr != nil && withheldCell(tr) {
					withheld++
				}
				return
			}
		}
		if n.Type == html.TextNode {
			for _, m := range numberRE.FindAllString(n.Data, -1) {
				if !years[m] {
					t.Errorf("%s %s: the number %s in %q is not a figure this test can account for", op, lang, m, strings.TrimSpace(n.Data))
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return withheld
}

// withheldCell reports whether a row shows a non-zero own figure beside a
// national cell with no value.
func withheldCell(tr *html.Node) bool {
	var tds []*html.Node
	for td := tr.FirstChild; td != nil; td = td.NextSibling {
		if td.DataAtom == atom.Td {
			tds = append(tds, td)
		}
	}
	return len(tds) >= 2 && attrOf(tds[0], "data-kind") == "own" && textOf(tds[0]) != "0" &&
		hasClassAttr(tds[1], "not-published")
}

// checkFigure verifies one figure against its source.
func (c *figureChecker) checkFigure(op string, year int, lang string, n *html.Node) {
	t := c.t
	got := textOf(n)
	switch attrOf(n, "data-kind") {
	case "own":
		c.own++
		want := c.ownFigure(op, year, attrOf(n, "data-measure"), attrOf(n, "data-dim"), attrOf(n, "data-key"))
		if parsed, ok := parseFigure(got); !ok || !near(parsed, want, got) {
			t.Errorf("%s %s: own %s %s=%s shows %s, the restricted database has %g", op, lang,
				attrOf(n, "data-measure"), attrOf(n, "data-dim"), attrOf(n, "data-key"), got, want)
		}
	case "national":
		c.national++
		v, ok := c.published(attrOf(n, "data-table"), attrOf(n, "data-measure"), strings.Split(attrOf(n, "data-cell"), "|"))
		if !ok {
			t.Errorf("%s %s: national %s %s is not a published cell of the release", op, lang, attrOf(n, "data-table"), attrOf(n, "data-cell"))
			return
		}
		if parsed, ok := parseFigure(got); !ok || !near(parsed, v, got) {
			t.Errorf("%s %s: national %s %s shows %s, the release published %g", op, lang, attrOf(n, "data-table"), attrOf(n, "data-cell"), got, v)
		}
	case "share":
		c.shares++
		var own, nat *html.Node
		for td := n.Parent.FirstChild; td != nil; td = td.NextSibling {
			switch attrOf(td, "data-kind") {
			case "own":
				own = td
			case "national":
				nat = td
			}
		}
		if own == nil || nat == nil {
			t.Errorf("%s %s: a share without its own and national figures", op, lang)
			return
		}
		o := c.ownFigure(op, year, attrOf(own, "data-measure"), attrOf(own, "data-dim"), attrOf(own, "data-key"))
		v, ok := c.published(attrOf(nat, "data-table"), attrOf(nat, "data-measure"), strings.Split(attrOf(nat, "data-cell"), "|"))
		want := fmt.Sprintf("%.1f%%", 100*o/v)
		if !ok || strings.ReplaceAll(got, ",", "") != want {
			t.Errorf("%s %s: share %s, want %s (%g of %g)", op, lang, got, want, o, v)
		}
	default:
		t.Errorf("%s %s: unknown figure kind %q", op, lang, attrOf(n, "data-kind"))
	}
}

// ownFigure recomputes one of the operator's figures from the restricted
// database.
func (c *figureChecker) ownFigure(op string, year int, measure, dim, key string) float64 {
	k := strings.Join([]string{op, strconv.Itoa(year), measure, dim, key}, "|")
	if v, ok := c.owned[k]; ok {
		return v
	}
	v := c.computeOwn(op, year, measure, dim, key)
	c.owned[k] = v
	return v
}

func (c *figureChecker) computeOwn(op string, year int, measure, dim, key string) float64 {
	t := c.t
	where := "operator_id = ? AND fiscal_year = ?"
	args := []any{op, year}
	switch dim {
	case "":
	case "fiscal_year":
		y, err := strconv.Atoi(key)
		if err != nil {
			t.Fatalf("year %q", key)
		}
		args[1] = y
	case "cause", "service", "equipment":
		if key != kensho.Total {
			where += " AND " + dim + " = ?"
			args = append(args, key)
		}
	case "duration_band", "users_band":
		rows, err := c.db.Query("SELECT duration_min, affected_users FROM accident WHERE "+where, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0.0
		for rows.Next() {
			var d, u int64
			if err := rows.Scan(&d, &u); err != nil {
				t.Fatal(err)
			}
			b := kensho.DurationBand(d)
			if dim == "users_band" {
				b = kensho.UsersBand(u)
			}
			if key == kensho.Total || b == key {
				n++
			}
		}
		return n
	default:
		t.Fatalf("unknown dimension %q", dim)
	}
	expr := map[string]string{"accidents": "count(*)", "affected_users": "coalesce(sum(affected_users), 0)",
		"user_hours": "coalesce(sum(affected_users * duration_min / 60.0), 0)"}[measure]
	var v float64
	if err := c.db.QueryRow("SELECT ("+expr+")::DOUBLE FROM accident WHERE "+where, args...).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// published finds a Published cell of the release.
func (c *figureChecker) published(table, measure string, key []string) (float64, bool) {
	tb := c.rel.Table(table)
	if tb == nil {
		return 0, false
	}
	for mi, m := range tb.Measures {
		if m.Name != measure {
			continue
		}
		for _, r := range tb.Rows {
			if strings.Join(r.Key, "|") == strings.Join(key, "|") {
				return r.Cells[mi].Value, r.Cells[mi].Status == kensho.Published
			}
		}
	}
	return 0, false
}

// parseFigure reads a figure as the report writes it (1,234 or 12.5).
func parseFigure(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return v, err == nil
}

// near: v is want rounded to the decimals shown.
func near(v, want float64, shown string) bool {
	dec := 0
	if i := strings.IndexByte(shown, '.'); i >= 0 {
		dec = len(shown) - i - 1
	}
	return math.Abs(v-want) <= 0.5*math.Pow(10, -float64(dec))+1e-9
}

// TestFeedbackCommand runs the command for the operator of ingest's
// mistakes: both files, owner-only, with the operator's quarantined rows
// and every error of theirs and nobody else's; and it refuses to write
// into a site.
func TestFeedbackCommand(t *testing.T) {
	path, db, _ := feedbackDB(t)
	out := filepath.Join(t.TempDir(), "fb")
	if _, stderr, err := runKensho(t, "feedback", "--db", path, "--operator", "M-0009", "--year", "2024", "--out", out); err != nil {
		t.Fatalf("feedback: %v\n%s", err, stderr)
	}
	var wantErrors int
	if err := db.QueryRow(`SELECT count(*) FROM quarantine_error e JOIN quarantine_row q USING (file_sha256, source_row)
		WHERE q.source_file LIKE '%mistakes.csv'`).Scan(&wantErrors); err != nil {
		t.Fatal(err)
	}
	for _, lang := range feedback.Langs {
		p := filepath.Join(out, feedback.FileName(lang))
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want owner-only", p, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(p)
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var q *html.Node
		var visit func(*html.Node)
		visit = func(n *html.Node) {
			if attrOf(n, "id") == "quarantine" {
				q = n
			}
			if n.DataAtom == atom.Script || n.DataAtom == atom.Img || n.DataAtom == atom.Link {
				t.Errorf("%s: <%s> in a report that must load nothing", p, n.Data)
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				visit(ch)
			}
		}
		visit(doc)
		if q == nil {
			t.Fatalf("%s: no quarantine section", p)
		}
		codes := 0
		var count func(*html.Node)
		count = func(n *html.Node) {
			if n.DataAtom == atom.Code {
				codes++
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				count(ch)
			}
		}
		count(q)
		if codes != wantErrors || wantErrors < 15 {
			t.Errorf("%s: %d errors listed, the database has %d for M-0009's file", p, codes, wantErrors)
		}
		if !strings.Contains(string(b), `content="default-src 'none'`) {
			t.Errorf("%s: no Content-Security-Policy that forbids requests", p)
		}
	}

	// Never into a site.
	siteDir := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(siteDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(siteDir, site.MarkerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runKensho(t, "feedback", "--db", path, "--operator", "M-0009", "--out", filepath.Join(siteDir, "private", "fb"))
	if err == nil || !strings.Contains(err.Error(), "inside the site") {
		t.Errorf("feedback into a site: %v", err)
	}
	if _, err := os.Stat(filepath.Join(siteDir, "private")); err == nil {
		t.Error("feedback created a directory inside the site")
	}
	// An operator with no accident.
	if _, _, err := runKensho(t, "feedback", "--db", path, "--operator", "NO-SUCH", "--out", out); err == nil ||
		!strings.Contains(err.Error(), "no accident") {
		t.Errorf("unknown operator: %v", err)
	}
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClassAttr(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attrOf(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			f(ch)
		}
	}
	f(n)
	return strings.TrimSpace(b.String())
}
