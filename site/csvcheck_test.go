package site_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/sitecheck"
	"github.com/kensho-jp/kensho/site"
)

// TestNoFormulaInCSV reads every CSV file of the site — tables, charts,
// dictionary, record-level data — and fails on any cell a spreadsheet
// would run as a formula.
func TestNoFormulaInCSV(t *testing.T) {
	cells, files, err := sitecheck.FormulaCells(siteDir)
	if err != nil {
		t.Fatal(err)
	}
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
	if _, err := renderFixture(context.Background(), rel, dir, site.Options{}); err != nil {
		t.Fatal(err)
	}
	cells, _, err = sitecheck.FormulaCells(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cells {
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
