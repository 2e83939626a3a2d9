package site

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/kensho-jp/kensho"
)

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"12", "12"},
		{"-3.2", "-3.2"},
		{"+4", "+4"},
		{"0.50", "0.50"},
		{"X", "X"},
		{"令和元年東日本台風", "令和元年東日本台風"},
		{`=HYPERLINK("http://evil.example/","x")`, `'=HYPERLINK("http://evil.example/","x")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"-", "'-"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-Inf", "'-Inf"},
		{"1=1", "1=1"},
	}
	for _, tt := range tests {
		if got := csvSafe(tt.in); got != tt.want {
			t.Errorf("csvSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A table whose keys carry no code list is written as its keys are: those
// that look like formulas are neutralised, numbers are not.
func TestTableCSVNeutralisesFormulas(t *testing.T) {
	tab := kensho.StatTable{Name: "t", Page: "overview", Chart: "table",
		Dims:     []kensho.Dim{{Name: "place"}},
		Measures: []kensho.Measure{{Name: "change", Decimals: 1}},
		Rows: []kensho.Row{
			{Key: []string{`=HYPERLINK("http://evil.example/","x")`}, Cells: []kensho.Cell{{Value: -3.2, Status: kensho.Published}}},
			{Key: []string{`"><img src=x onerror=alert(2)>`}, Cells: []kensho.Cell{{Status: kensho.Suppressed}}},
			{Key: []string{"@x"}, Cells: []kensho.Cell{{Status: kensho.NotApplicable}}},
		}}
	b, err := TableCSV(&tab)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"place", "change", "change_mark"}, {`'=HYPERLINK("http://evil.example/","x")`, "-3.2", ""}, {`"><img src=x onerror=alert(2)>`, "X", ""}, {"'@x", "", ""}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if len(recs[i]) != len(want[i]) {
			t.Errorf("record %d has %d cells, want %d: %q", i, len(recs[i]), len(want[i]), recs[i])
			continue
		}
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("record %d cell %d = %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
}
