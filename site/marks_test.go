package site

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kensho-jp/kensho"
)

// TestTableCSVPartialYears: TableCSV marks p the figures of the partial
// years it is given (none when it is given none), r a revised published
// figure, and neither a cell without a figure; a withheld figure is never
// marked r.
func TestTableCSVPartialYears(t *testing.T) {
	pub := func(v float64, revised bool) kensho.Cell {
		return kensho.Cell{Value: v, Status: kensho.Published, Revised: revised}
	}
	tab := kensho.StatTable{Name: "t", Page: "overview", Chart: "table",
		Dims:     []kensho.Dim{{Name: "fiscal_year"}},
		Measures: []kensho.Measure{{Name: "accidents"}, {Name: "change", Decimals: 1}},
		Rows: []kensho.Row{
			{Key: []string{"2023"}, Cells: []kensho.Cell{pub(10, true), pub(1.5, false)}},
			{Key: []string{"2024"}, Cells: []kensho.Cell{pub(4, true), {Status: kensho.NotApplicable}}},
			{Key: []string{"2025"}, Cells: []kensho.Cell{{Value: 3, Status: kensho.Suppressed, Revised: true}, {Status: kensho.NotApplicable, Revised: true}}},
			{Key: []string{kensho.Total}, Cells: []kensho.Cell{pub(17, false), {Status: kensho.NotApplicable}}},
		}}
	tests := []struct {
		name    string
		partial []int
		want    string
	}{
		{"no partial year", nil, "fiscal_year,accidents,accidents_mark,change,change_mark\n" +
			"2023,10,r,1.5,\n2024,4,r,,\n2025,X,,,\ntotal,17,,,\n"},
		{"two partial years", []int{2024, 2025}, "fiscal_year,accidents,accidents_mark,change,change_mark\n" +
			"2023,10,r,1.5,\n2024,4,p r,,\n2025,X,p,,\ntotal,17,,,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := TableCSV(&tab, tt.partial...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("TableCSV (-want +got):\n%s", diff)
			}
		})
	}

	// A table without fiscal years has no p, whatever the partial years.
	noYears := kensho.StatTable{Name: "q", Page: "trends", Chart: "table", Dims: []kensho.Dim{{Name: "quarter"}},
		Measures: []kensho.Measure{{Name: "share_pct", Decimals: 1}},
		Rows:     []kensho.Row{{Key: []string{"2024"}, Cells: []kensho.Cell{pub(25, false)}}}}
	b, err := TableCSV(&noYears, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); strings.Contains(got, ",p") {
		t.Errorf("a table without fiscal years is marked p:\n%s", got)
	}
}

// TestMarkColumnsClash: a measure whose marks column would be named like
// another column of the table's CSV is refused.
func TestMarkColumnsClash(t *testing.T) {
	rel := &kensho.Release{Tables: []kensho.StatTable{{Name: "t", Page: "overview", Chart: "table",
		Dims:     []kensho.Dim{{Name: "fiscal_year"}},
		Measures: []kensho.Measure{{Name: "accidents"}, {Name: "accidents_mark"}}}}}
	if err := checkTables(rel); err == nil || !strings.Contains(err.Error(), "accidents_mark") {
		t.Errorf("checkTables = %v, want the clash of accidents_mark named", err)
	}
}
