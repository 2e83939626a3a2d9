package model

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
)

// TestImplicationNamesAreTheCodeLists: each implication is named by the
// published code list that states it, so the removal test (which reads
// the names from the published lists, internal/attack) and the model mean
// the same rule: a relation's name is a yes/no column of a list in codes/,
// a rollup's is a row of codes/hierarchy.csv.
func TestImplicationNamesAreTheCodeLists(t *testing.T) {
	read := func(name string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join("..", "..", "codes", name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	var want []string
	for _, r := range read("hierarchy")[1:] {
		want = append(want, "hierarchy:"+r[0])
	}
	for _, r := range kensho.Relations {
		list, col, ok := strings.Cut(r.Name, ".")
		if !ok {
			t.Errorf("relation %s–%s is named %q, not <list>.<column>", r.A, r.B, r.Name)
			continue
		}
		recs := read(list)
		ci := slices.Index(recs[0], col)
		if ci < 0 {
			t.Errorf("relation %s: codes/%s.csv has no column %s", r.Name, list, col)
			continue
		}
		for _, rec := range recs[1:] {
			if v := rec[ci]; v != "true" && v != "false" {
				t.Errorf("relation %s: code %s has %q, not true/false: a reader cannot read it as a rule", r.Name, rec[0], v)
			}
		}
		want = append(want, r.Name)
	}
	if got := Implications(); !slices.Equal(got, want) {
		t.Errorf("Implications() = %v, want %v", got, want)
	}
}

// TestOmit: the removal knob refuses a name that is no implication, and an
// omitted rollup makes the coarse dimension a group of its own.
func TestOmit(t *testing.T) {
	defer func(o string) { omit = o }(omit)
	omit = "hierarchy:no_such_dimension"
	if _, err := Build(nil, nil, Options{Years: []int{2024}}); err == nil || !strings.Contains(err.Error(), "not an implication") {
		t.Errorf("Build with an unknown omission: %v, want a refusal", err)
	}
	omit = "hierarchy:cause_group"
	r := NewRegistry(map[string][]string{"fiscal_year": {"2024"}})
	cg, cause := r.MustDim("cause_group"), r.MustDim("cause")
	if cg.Group == cause.Group || cg.Group.Name != "cause_group" {
		t.Errorf("with the rollup left out, cause_group is in group %s, cause in %s: want two groups", cg.Group.Name, cause.Group.Name)
	}
	omit = ""
	r = NewRegistry(map[string][]string{"fiscal_year": {"2024"}})
	if cg, cause := r.MustDim("cause_group"), r.MustDim("cause"); cg.Group != cause.Group {
		t.Errorf("cause_group is in group %s, not cause's", cg.Group.Name)
	}
}
