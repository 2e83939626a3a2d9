package model

import (
	"fmt"
	"slices"

	"github.com/kensho-jp/kensho"
)

// Component is a set of fiscal years that no published figure spans
// outside: its unknowns and constraints are independent of other
// components'. Usually one fiscal year.
type Component struct {
	Index      int
	Years      []int
	Columns    []*Column
	Quantiles  []*QuantileFigure
	Cliques    []*Clique
	Separators []*Separator
	// Mag describes the magnitude unknowns, nil when the component
	// publishes no magnitude.
	Mag     *MagSpace
	model   *Model
	yearSet map[string]bool
}

// MagSpace holds affected users and user-hours. They are unknowns per
// class — the cross of the dimensions the magnitude columns use — of the
// magnitude clique, which also holds both bands: a class's users and
// user-hours are bounded by its counts per band (each accident's users lie
// in its users band, its user-hours between its users times the limits of
// its duration band).
type MagSpace struct {
	Clique  int
	ClassOf []int // atom of the clique → class
	Classes int
	// UsersBand and DurBand give each atom's band indexes.
	UsersBand, DurBand []int
}

func (c *Component) active(g *Group, v int) bool {
	if g.Name != "fiscal_year" {
		return true
	}
	if c.yearSet == nil {
		c.yearSet = map[string]bool{}
		for _, s := range YearStrings(c.Years) {
			c.yearSet[s] = true
		}
	}
	return c.yearSet[g.Values[v]]
}

// build decomposes the component and places every column.
func (c *Component) build() error {
	m := c.model
	h := &hypergraph{reg: m.reg}
	magDims := map[string]bool{}
	for _, col := range c.Columns {
		h.add(append(slices.Clone(col.Cond.Dims), "fiscal_year")...)
		if col.Mag != kensho.MagAccidents {
			for _, d := range col.Cond.Dims {
				magDims[d] = true
			}
		}
	}
	var magEdge []string
	if len(magDims) > 0 {
		magEdge = append(sortedNames(magDims), "users_band", "duration_band", "fiscal_year")
		h.add(magEdge...)
	}
	for _, q := range c.Quantiles {
		h.add(append(slices.Clone(q.Cond.Dims), q.Band, "fiscal_year")...)
	}
	h.close(m.relations)
	weight := func(dims []string) float64 {
		byGroup := map[*Group][]*Dim{}
		for _, n := range dims {
			d := m.reg.MustDim(n)
			byGroup[d.Group] = append(byGroup[d.Group], d)
		}
		w := 1.0
		for g, ds := range byGroup {
			w *= float64(len(partition(g, ds, func(v int) bool { return c.active(g, v) }).Blocks))
		}
		return w
	}
	cliques := h.triangulate(weight)
	for i, names := range cliques {
		dims := make([]*Dim, len(names))
		for k, n := range names {
			dims[k] = m.reg.MustDim(n)
		}
		cl, err := newClique(i, dims, m.relations, c.active)
		if err != nil {
			return err
		}
		c.Cliques = append(c.Cliques, cl)
	}
	for _, e := range junctionTree(cliques) {
		var dims []*Dim
		for _, n := range intersect(cliques[e[0]], cliques[e[1]]) {
			dims = append(dims, m.reg.MustDim(n))
		}
		c.Separators = append(c.Separators, newSeparator(c.Cliques[e[0]], c.Cliques[e[1]], dims, c.active))
	}
	// Place the columns: each in the smallest clique that holds its
	// dimensions (magnitudes in the magnitude clique).
	smallest := func(dims []string) int {
		best := -1
		for i, cl := range cliques {
			if subset(dims, cl) && (best < 0 || len(c.Cliques[i].Atoms) < len(c.Cliques[best].Atoms)) {
				best = i
			}
		}
		return best
	}
	if magEdge != nil {
		mi := smallest(magEdge)
		if mi < 0 {
			return fmt.Errorf("no clique holds the magnitudes' dimensions %v", magEdge)
		}
		if err := c.buildMag(mi, sortedNames(magDims)); err != nil {
			return err
		}
	}
	for _, col := range c.Columns {
		dims := append(slices.Clone(col.Cond.Dims), "fiscal_year")
		ci := smallest(dims)
		if col.Mag != kensho.MagAccidents {
			ci = c.Mag.Clique
		}
		if ci < 0 {
			return fmt.Errorf("no clique holds %v (%s)", dims, col.Label())
		}
		atoms, err := c.Cliques[ci].atomsOf(col.Cond)
		if err != nil {
			return fmt.Errorf("%s: %w", col.Label(), err)
		}
		col.Clique, col.Atoms = ci, atoms
		if col.Mag != kensho.MagAccidents {
			seen := map[int]bool{}
			for _, a := range atoms {
				seen[c.Mag.ClassOf[a]] = true
			}
			col.Classes = sortedInts(seen)
			// A magnitude column must be a union of whole classes.
			for _, k := range col.Classes {
				for a, ka := range c.Mag.ClassOf {
					if ka == k && !slices.Contains(atoms, a) {
						return fmt.Errorf("%s cuts a magnitude class", col.Label())
					}
				}
			}
		}
	}
	for _, q := range c.Quantiles {
		dims := append(slices.Clone(q.Cond.Dims), q.Band, "fiscal_year")
		ci := smallest(dims)
		if ci < 0 {
			return fmt.Errorf("no clique holds the quantile's %v", dims)
		}
		cl := c.Cliques[ci]
		atoms, err := cl.atomsOf(q.Cond)
		if err != nil {
			return err
		}
		band := m.reg.MustDim(q.Band)
		part := cl.partOf(band.Group)
		q.Clique = ci
		q.BandAtoms = make([][]int, len(band.Values))
		for _, a := range atoms {
			v := cl.Parts[part].Blocks[cl.Atoms[a].Blocks[part]][0]
			b := band.Of[v]
			q.BandAtoms[b] = append(q.BandAtoms[b], a)
		}
	}
	return nil
}

// buildMag sets up the magnitude classes of clique ci: its atoms grouped
// by the dimensions magnitude columns use.
func (c *Component) buildMag(ci int, dims []string) error {
	m := c.model
	cl := c.Cliques[ci]
	ms := &MagSpace{Clique: ci, ClassOf: make([]int, len(cl.Atoms)), UsersBand: make([]int, len(cl.Atoms)), DurBand: make([]int, len(cl.Atoms))}
	ub, db := m.reg.MustDim("users_band"), m.reg.MustDim("duration_band")
	up, dp := cl.partOf(ub.Group), cl.partOf(db.Group)
	var ds []*Dim
	for _, n := range dims {
		ds = append(ds, m.reg.MustDim(n))
	}
	keys := map[string]int{}
	for a, at := range cl.Atoms {
		key := ""
		for _, d := range ds {
			p := cl.partOf(d.Group)
			v := cl.Parts[p].Blocks[at.Blocks[p]][0]
			key += fmt.Sprint(d.Of[v], ",")
		}
		k, ok := keys[key]
		if !ok {
			k = len(keys)
			keys[key] = k
		}
		ms.ClassOf[a] = k
		ms.UsersBand[a] = ub.Of[cl.Parts[up].Blocks[at.Blocks[up]][0]]
		ms.DurBand[a] = db.Of[cl.Parts[dp].Blocks[at.Blocks[dp]][0]]
	}
	ms.Classes = len(keys)
	c.Mag = ms
	return nil
}

func sortedInts(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Size describes the component for reports: atoms over all cliques.
func (c *Component) Size() (cliques, atoms int) {
	for _, cl := range c.Cliques {
		atoms += len(cl.Atoms)
	}
	return len(c.Cliques), atoms
}

// ModelColumn returns a column of the model by ID.
func (c *Component) ModelColumn(id int) *Column { return c.model.Columns[id] }
