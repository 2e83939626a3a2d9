package model

import (
	"slices"
	"testing"

	"github.com/kensho-jp/kensho"
)

// TestStarredClassesAreGroupCounts: an extract with a Star field has, for
// each combination of its other fields, a starred class whose column is
// the group's count and lists the group's classes as members. Published
// by no table, it is optional; where a table shows the same count, it is
// that table's cell (and no longer optional).
func TestStarredClassesAreGroupCounts(t *testing.T) {
	e := kensho.Extract{Name: "x", Fields: []kensho.Dim{{Name: "fiscal_year"}, {Name: "form"}, {Name: "service_category"}},
		Star: []string{"service_category"}}
	m, err := Build(nil, []kensho.Extract{e}, Options{Years: []int{2024}})
	if err != nil {
		t.Fatal(err)
	}
	classes, err := m.ExtractClasses(e)
	if err != nil {
		t.Fatal(err)
	}
	stars, members, err := m.StarClasses(e)
	if err != nil {
		t.Fatal(err)
	}
	forms := m.Registry().Group("form").Values
	if len(stars) != len(forms) {
		t.Fatalf("%d starred classes, want one per form (%d)", len(stars), len(forms))
	}
	idx := m.Index()
	seen := 0
	for si, star := range stars {
		if star[2] != Starred || star[0] != "2024" {
			t.Errorf("starred class %d is %v: want the year, a form and %q", si, star, Starred)
		}
		col := idx[Ref{Extract: "x", Class: si, Star: true}]
		if col == nil {
			continue // a form no accident of the year can have
		}
		seen++
		if !col.Optional || !col.Extract {
			t.Errorf("%s: optional %v, extract %v; want both", col.Label(), col.Optional, col.Extract)
		}
		var want []int
		for _, ci := range members[si] {
			if classes[ci][1] != star[1] {
				t.Errorf("starred class %v holds class %v of another form", star, classes[ci])
			}
			if c := idx[Ref{Extract: "x", Class: ci}]; c != nil {
				want = append(want, c.ID)
			}
		}
		if !slices.Equal(col.Members, want) {
			t.Errorf("%s: members %v, want %v", col.Label(), col.Members, want)
		}
	}

	if seen == 0 {
		t.Fatal("no starred class has a column")
	}

	// A table of accidents by form shows the same counts.
	tab := kensho.StatTable{Name: "by_form", Dims: []kensho.Dim{{Name: "fiscal_year"}, {Name: "form"}},
		Measures: []kensho.Measure{{Name: "accidents", Magnitude: kensho.MagAccidents}}}
	for _, f := range forms {
		if f != Null {
			tab.Rows = append(tab.Rows, kensho.Row{Key: []string{"2024", f}, Cells: make([]kensho.Cell, 1)})
		}
	}
	m, err = Build([]kensho.StatTable{tab}, []kensho.Extract{e}, Options{Years: []int{2024}})
	if err != nil {
		t.Fatal(err)
	}
	for ref, col := range m.Index() {
		if ref.Star && col.Optional {
			t.Errorf("%s is also a table's cell, yet optional", col.Label())
		}
	}

	bad := e
	bad.Star = []string{"region"}
	if _, err := Build(nil, []kensho.Extract{bad}, Options{Years: []int{2024}}); err == nil {
		t.Error("a Star field the extract does not have: no error")
	}
}
