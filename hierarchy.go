package kensho

import "fmt"

// Rollup is one level of a code hierarchy: the coarse dimension Dim groups
// the codes of the finer dimension Base, and the column Column of Base's
// code list names, for each of its codes, the code of Dim's list it
// belongs to. codes/equipment.csv's column ministry_class, for instance,
// names a code of codes/ministry_equipment_classes.csv, the list of the
// dimension ministry_equipment_class.
type Rollup struct {
	Dim    string // the coarse dimension (equipment_class)
	Base   string // the finer dimension it groups (equipment)
	Column string // the column of Base's code list that names each code's Dim (class)
}

// Rollups are the code hierarchies, in the order of codes/hierarchy.csv:
// the one place that says which coded dimension rolls up into which and
// through which column. Lists are resolved with ListByName. Every value of
// a referencing column is checked, when the package loads, to be a code of
// the list it points to.
var Rollups = mustRollups()

// Parent returns the code of r.Dim that code (of r.Base) belongs to.
func (r Rollup) Parent(code string) string { return ListByName(r.Base).Get(code).Attr[r.Column] }

func mustRollups() []Rollup {
	rows, _, err := readTable("hierarchy")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	out := make([]Rollup, 0, len(rows))
	for _, row := range rows {
		r := Rollup{Dim: row["dimension"], Base: row["base"], Column: row["column"]}
		if err := r.check(); err != nil {
			panic("kensho: codes/hierarchy.csv: " + err.Error())
		}
		out = append(out, r)
	}
	return out
}

// check makes sure every code of r.Base names a code of r.Dim's list.
func (r Rollup) check() error {
	coarse, base := ListByName(r.Dim), ListByName(r.Base)
	if coarse == nil || base == nil {
		return fmt.Errorf("%s → %s: both must be coded dimensions (ListByName)", r.Base, r.Dim)
	}
	for _, c := range base.Codes {
		v, ok := c.Attr[r.Column]
		if !ok {
			return fmt.Errorf("codes/%s.csv has no column %s", base.Name, r.Column)
		}
		if !coarse.Has(v) {
			return fmt.Errorf("codes/%s.csv: %s's %s %q is not a code of codes/%s.csv", base.Name, c.Code, r.Column, v, coarse.Name)
		}
	}
	return nil
}
