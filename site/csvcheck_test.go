package site_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/site"
)

// plainNumber is a cell a spreadsheet reads as a number, never a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// formulaCells lists every cell of every CSV file below dir that a
// spreadsheet would run as a formula: one that begins with =, +, -, @, a
// tab or a carriage return and is not a plain number (OWASP's rule).
func formulaCells(t *testing.T, dir string) (cells []string, files int) {
	t.Helper()
	for _, f := range siteFiles(t, dir) {
		if !strings.HasSuffix(f, ".csv") {
			continue
		}
		files++
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for i, rec := range recs {
			for j, c := range rec {
				if c != "" && strings.IndexByte("=+-@\t\r", c[0]) >= 0 && !plainNumber.MatchString(c) {
					cells = append(cells, fmt.Sprintf("%s: record %d field %d: %q", f, i+1, j+1, c))
				}
			}
		}
	}
	return cells, files
}

// TestNoFormulaInCSV reads every CSV file of the site — tables, charts,
// dictionary, record-level data — and fails on any cell a spreadsheet
// would run as a formula.
func TestNoFormulaInCSV(t *testing.T) {
	cells, files := formulaCells(t, siteDir)
	if files < 10 {
		t.Fatalf("only %d CSV files in the site", files)
	}
	for _, c := range cells {
		t.Error(c)
	}
	if *external != "" {
		return
	}
	// A site whose table keys and titles an attacker wrote: they reach the
	// CSV files, neutralised.
	rel := fixture()
	hostile := `=HYPERLINK("http://evil.example/","x")`
	rel.Tables = append(rel.Tables, kensho.StatTable{Name: "hostile", Page: "overview", Chart: "bar",
		Title:    kensho.Text{Ja: "@title", En: "+title"},
		Dims:     []kensho.Dim{{Name: "place", Title: kensho.Text{Ja: "-dim", En: "-dim"}}},
		Measures: []kensho.Measure{{Name: "change", Title: kensho.Text{Ja: "=m", En: "=m"}, Decimals: 1}},
		Rows: []kensho.Row{
			{Key: []string{hostile}, Cells: []kensho.Cell{{Value: -3.2, Status: kensho.Published}}},
			{Key: []string{"\t=1+1"}, Cells: []kensho.Cell{{Value: 4, Status: kensho.Published}}},
		}})
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := renderFixture(context.Background(), rel, dir, site.Options{EChartsJS: echartsOrStandIn(t)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range first(formulaCells(t, dir)) {
		t.Errorf("hostile site: %s", c)
	}
	for _, f := range []string{"data/tables/hostile.csv", "charts/overview/hostile.csv", "en/charts/overview/hostile.csv", "data/dictionary.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("'-dim")) && !bytes.Contains(b, []byte("'=HYPERLINK")) {
			t.Errorf("%s holds neither hostile text, neutralised:\n%s", f, b)
		}
		if bytes.Contains(b, []byte("-3.2")) && bytes.Contains(b, []byte("'-3.2")) {
			t.Errorf("%s: a negative number was neutralised", f)
		}
	}
}

func first[A, B any](a A, _ B) A { return a }
