package model

import (
	"fmt"
	"slices"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// Part is one operator's accidents in an atom: how many, and their summed
// affected users and users × minutes (kept whole, so sums are exact).
type Part struct {
	Op      int32
	N       int64
	Users   int64
	UserMin int64
}

// PublicRecord is an accident already public (the ministry's list of
// serious accidents, an operator's own notice): every reader knows its
// operator and the dimensions its source states.
type PublicRecord struct {
	Key  int64 // deid_accident.record_key
	Op   int32
	Year int
	// Codes holds the code of every base dimension of the model.
	Codes map[string]string
	// Known lists the base dimensions the public source states.
	Known   []string
	Users   int64
	UserMin int64
	atoms   []int // per clique of its component: the atom it is in
}

// Data is the truth a component's model is evaluated on: the accidents
// that are not public, as parts per clique atom and operator, and the
// public ones one by one.
type Data struct {
	Comp   *Component
	Parts  [][][]Part // [clique][atom], parts sorted by operator
	Public []*PublicRecord
	// Earlier holds, per column ID, the figure as earlier releases had
	// it (the rules check its change; see rules.Earlier).
	Earlier map[int][]rules.Earlier
}

// Need is an aggregate the model needs: the component's accidents that are
// not public, counted by Dims (and fiscal year) and operator, with their
// users and users × minutes.
type Need struct {
	Comp   *Component
	Clique int
	Dims   []string // dimension names, the clique's, without fiscal_year
}

// Needs lists what to load, one per clique of every component.
func (m *Model) Needs() []Need {
	var out []Need
	for _, c := range m.Components {
		for i, cl := range c.Cliques {
			var dims []string
			for _, d := range cl.Dims {
				if d.Name != "fiscal_year" {
					dims = append(dims, d.Name)
				}
			}
			out = append(out, Need{Comp: c, Clique: i, Dims: dims})
		}
	}
	return out
}

// BaseDims lists the base dimensions (groups) of the model, the columns a
// public record must give.
func (m *Model) BaseDims() []string {
	out := make([]string, len(m.reg.Groups))
	for i, g := range m.reg.Groups {
		out[i] = g.Name
	}
	return out
}

// NewData makes an empty truth for component c.
func (c *Component) NewData() *Data {
	d := &Data{Comp: c, Parts: make([][][]Part, len(c.Cliques))}
	for i, cl := range c.Cliques {
		d.Parts[i] = make([][]Part, len(cl.Atoms))
	}
	return d
}

// Add records one aggregate row of a Need: the codes of its Dims in
// order, the fiscal year, the operator and its sums.
func (d *Data) Add(n Need, year int, codes []string, p Part) error {
	cl := d.Comp.Cliques[n.Clique]
	vals := make([]int, len(d.Comp.model.reg.Groups))
	for i := range vals {
		vals[i] = -1
	}
	fy := d.Comp.model.reg.MustDim("fiscal_year")
	vals[fy.Group.Index] = fy.Value(fmt.Sprint(year))
	if err := d.Comp.model.setValues(vals, n.Dims, codes); err != nil {
		return err
	}
	a := cl.AtomOf(vals)
	if a < 0 {
		return fmt.Errorf("model: accidents with %v = %v in FY%d fall outside the model (a relation of the code lists excludes them)", n.Dims, codes, year)
	}
	parts := d.Parts[n.Clique][a]
	i, found := slices.BinarySearchFunc(parts, p.Op, func(x Part, op int32) int { return int(x.Op - op) })
	if found {
		parts[i].N += p.N
		parts[i].Users += p.Users
		parts[i].UserMin += p.UserMin
	} else {
		parts = slices.Insert(parts, i, p)
	}
	d.Parts[n.Clique][a] = parts
	return nil
}

// setValues writes into vals (per group) a value of each group consistent
// with every given code: for a coarse code, the first finer value in its
// block that the other codes of the group allow.
func (m *Model) setValues(vals []int, dims, codes []string) error {
	byGroup := map[*Group][]int{}
	for i, name := range dims {
		d, err := m.reg.Dim(name)
		if err != nil {
			return err
		}
		byGroup[d.Group] = append(byGroup[d.Group], i)
	}
	for g, idx := range byGroup {
		found := false
		for v := range g.Values {
			ok := true
			for _, i := range idx {
				d := m.reg.MustDim(dims[i])
				if d.Values[d.Of[v]] != codes[i] {
					ok = false
					break
				}
			}
			if ok {
				vals[g.Index], found = v, true
				break
			}
		}
		if !found {
			return fmt.Errorf("model: no value of %s has the codes %v", g.Name, codes)
		}
	}
	return nil
}

// AddPublic records a public accident of the component.
func (d *Data) AddPublic(r *PublicRecord) error {
	m := d.Comp.model
	vals := make([]int, len(m.reg.Groups))
	for _, g := range m.reg.Groups {
		code, ok := r.Codes[g.Name]
		if !ok {
			return fmt.Errorf("model: public record %d lacks %s", r.Key, g.Name)
		}
		v, ok := g.index[code]
		if !ok {
			return fmt.Errorf("model: public record %d has %s %q, not a value of the model", r.Key, g.Name, code)
		}
		vals[g.Index] = v
	}
	r.atoms = make([]int, len(d.Comp.Cliques))
	for i, cl := range d.Comp.Cliques {
		if r.atoms[i] = cl.AtomOf(vals); r.atoms[i] < 0 {
			return fmt.Errorf("model: public record %d falls outside clique %s", r.Key, dimNames(cl.Dims))
		}
	}
	d.Public = append(d.Public, r)
	return nil
}

// knows reports whether the public record's source states group g.
func (r *PublicRecord) knows(g *Group) bool { return slices.Contains(r.Known, g.Name) }

// Truth is a column's true value and each operator's part of it, split
// into what is public and what is not.
type Truth struct {
	Value   float64
	Contrib []kensho.Contribution // per operator, sorted, zeros left out
	// Public is the part of Value made of public records, per operator.
	Public []kensho.Contribution
	// Earlier: the figure in earlier releases.
	Earlier []rules.Earlier
}

// Figure is what the rules read of a column of magnitude mag.
func (t Truth) Figure(mag kensho.Magnitude) rules.Figure {
	return rules.Figure{Mag: mag, Value: t.Value, Contrib: t.Contrib, Public: t.Public, Earlier: t.Earlier}
}

// Truth evaluates a column on the data.
func (d *Data) Truth(col *Column) Truth {
	per := map[int32]float64{}
	pub := map[int32]float64{}
	val := func(n, users, um int64) float64 {
		switch col.Mag {
		case kensho.MagAccidents:
			return float64(n)
		case kensho.MagAffectedUsers:
			return float64(users)
		}
		return float64(um) / 60
	}
	for _, a := range col.Atoms {
		for _, p := range d.Parts[col.Clique][a] {
			per[p.Op] += val(p.N, p.Users, p.UserMin)
		}
	}
	for _, r := range d.Public {
		if slices.Contains(col.Atoms, r.atoms[col.Clique]) {
			v := val(1, r.Users, r.UserMin)
			per[r.Op] += v
			pub[r.Op] += v
		}
	}
	t := Truth{Contrib: Contribs(per), Public: Contribs(pub), Earlier: d.Earlier[col.ID]}
	// Sum in operator order: the same float sum every time.
	for _, c := range t.Contrib {
		t.Value += c.Value
	}
	return t
}

// Contribs lists the non-zero values of m by operator, sorted.
func Contribs(m map[int32]float64) []kensho.Contribution {
	var out []kensho.Contribution
	for op, v := range m {
		if v != 0 {
			out = append(out, kensho.Contribution{Op: op, Value: v})
		}
	}
	slices.SortFunc(out, func(a, b kensho.Contribution) int { return int(a.Op - b.Op) })
	return out
}

// Operators lists every operator with accidents in the component.
func (d *Data) Operators() []int32 {
	seen := map[int32]bool{}
	for _, atoms := range d.Parts {
		for _, parts := range atoms {
			for _, p := range parts {
				seen[p.Op] = true
			}
		}
	}
	for _, r := range d.Public {
		seen[r.Op] = true
	}
	out := make([]int32, 0, len(seen))
	for op := range seen {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}
