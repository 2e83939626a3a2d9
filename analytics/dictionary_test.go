package analytics

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
)

func TestDictionary(t *testing.T) {
	db := mustFixtureDB(t)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	docs := Dictionary(res.Tables)
	if len(docs) != len(res.Tables) {
		t.Fatalf("%d docs for %d tables", len(docs), len(res.Tables))
	}
	for i, d := range docs {
		tb := res.Tables[i]
		if d.Name != tb.Name || d.File != "tables/"+tb.Name+".csv" || d.Page != tb.Page {
			t.Errorf("%s: doc %+v", tb.Name, d)
		}
		// Every dimension is a key, a coded one followed by its labels;
		// then every measure, with its unit.
		var wantCols []string
		for _, dim := range tb.Dims {
			wantCols = append(wantCols, dim.Name)
			if kensho.Labelled(dim.Name) {
				wantCols = append(wantCols, dim.Name+"_ja", dim.Name+"_en")
			}
		}
		for _, m := range tb.Measures {
			wantCols = append(wantCols, m.Name)
		}
		var gotCols []string
		for _, c := range d.Columns {
			gotCols = append(gotCols, c.Name)
			if c.Meaning.Ja == "" || c.Meaning.En == "" || !slices.Contains([]string{"string", "integer", "number"}, c.Type) {
				t.Errorf("%s.%s: %+v", tb.Name, c.Name, c)
			}
			switch c.Role {
			case "count", "derived":
				if c.Name != "trend_flag" && c.Name != "dispersion" && (c.Unit.Ja == "" || c.Unit.En == "") {
					t.Errorf("%s.%s has no unit", tb.Name, c.Name)
				}
			case "key":
				if c.Codes != "" {
					// Every key value of the table is listed with labels.
					di := slices.IndexFunc(tb.Dims, func(x kensho.Dim) bool { return x.Name == c.Name })
					for _, r := range tb.Rows {
						if !slices.ContainsFunc(c.Values, func(v CodeDoc) bool {
							return v.Code == r.Key[di] && v.Label.Ja != "" && v.Label.En != ""
						}) {
							t.Errorf("%s.%s: key %q is not documented", tb.Name, c.Name, r.Key[di])
							break
						}
					}
				}
			case "label":
			default:
				t.Errorf("%s.%s: role %q", tb.Name, c.Name, c.Role)
			}
		}
		if diff := cmp.Diff(wantCols, gotCols); diff != "" {
			t.Errorf("%s columns (-want +got):\n%s", tb.Name, diff)
		}
		if diff := cmp.Diff(wantCols, CSVHeader(tb)); diff != "" {
			t.Errorf("%s CSV header (-want +got):\n%s", tb.Name, diff)
		}
		if got := CSVKeys(tb, tb.Rows[0]); len(got) != len(wantCols)-len(tb.Measures) {
			t.Errorf("%s: CSV keys %v", tb.Name, got)
		}
	}
	serious := docs[slices.IndexFunc(docs, func(d TableDoc) bool { return d.Name == "serious_by_year_category" })]
	if serious.Scope.Ja == "" || serious.Scope.En == "" {
		t.Error("the serious table does not say it counts only accidents meeting the criteria")
	}
	eu := findTable(res.Tables, "eu_root_cause_by_year")
	if got := CSVKeys(*eu, eu.Rows[0]); !slices.Equal(got, []string{"2021", "total", "合計", "total", "system_failure", "システム障害", "system failure", "true", "該当", "yes"}) {
		t.Errorf("eu_root_cause_by_year first row keys: %q", got)
	}

	// The whole dictionary, for review.
	got, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/dictionary.golden.json"
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
		t.Errorf("dictionary (-want +got):\n%s", diff)
	}
}
