package model

import (
	"fmt"
	"slices"
)

// Clique is a set of dimensions whose joint counts are unknowns of the
// model: its atoms are the combinations of the blocks its dimensions make
// of each group's values, less the combinations a relation excludes.
type Clique struct {
	Index int
	Dims  []*Dim // sorted by name
	// Parts holds, per group present, the blocks the clique's dimensions
	// of that group make (their common refinement).
	Parts []Partition
	Atoms []Atom
	radix []int
	atom  map[int]int // mixed-radix key of the blocks → atom index
}

// Partition is one group's partition inside a clique.
type Partition struct {
	Group *Group
	// Block maps a value of the group to its block, −1 for a value outside
	// the component (a fiscal year modelled elsewhere).
	Block  []int
	Blocks [][]int // the values of each block
}

// Atom is one cell of a clique's cross-classification: a block per part.
type Atom struct {
	Blocks []int
}

// partition computes the common refinement of dims (all of group g),
// restricted to the active values.
func partition(g *Group, dims []*Dim, active func(int) bool) Partition {
	p := Partition{Group: g, Block: make([]int, len(g.Values))}
	seen := map[string]int{}
	for v := range g.Values {
		if !active(v) {
			p.Block[v] = -1
			continue
		}
		key := make([]byte, 0, 8*len(dims))
		for _, d := range dims {
			key = append(key, byte(d.Of[v]), byte(d.Of[v]>>8), ',')
		}
		b, ok := seen[string(key)]
		if !ok {
			b = len(p.Blocks)
			seen[string(key)] = b
			p.Blocks = append(p.Blocks, nil)
		}
		p.Block[v] = b
		p.Blocks[b] = append(p.Blocks[b], v)
	}
	return p
}

// newClique enumerates the atoms of dims, dropping those the relations
// exclude.
func newClique(index int, dims []*Dim, rels []relation, active func(g *Group, v int) bool) (*Clique, error) {
	c := &Clique{Index: index, Dims: dims, atom: map[int]int{}}
	byGroup := map[*Group][]*Dim{}
	var groups []*Group
	for _, d := range dims {
		if byGroup[d.Group] == nil {
			groups = append(groups, d.Group)
		}
		byGroup[d.Group] = append(byGroup[d.Group], d)
	}
	slices.SortFunc(groups, func(a, b *Group) int { return a.Index - b.Index }) // deterministic part order
	size := 1
	for _, g := range groups {
		p := partition(g, byGroup[g], func(v int) bool { return active(g, v) })
		c.Parts = append(c.Parts, p)
		c.radix = append(c.radix, len(p.Blocks))
		size *= len(p.Blocks)
		if size > 5_000_000 {
			return nil, fmt.Errorf("model: the clique %s has more than 5 million atoms; publish fewer crossings", dimNames(dims))
		}
	}
	// Relations between two parts of this clique.
	type relPart struct {
		rel  relation
		a, b int // part indexes
	}
	var rps []relPart
	for _, r := range rels {
		pa, pb := c.partOf(r.a), c.partOf(r.b)
		if pa >= 0 && pb >= 0 {
			rps = append(rps, relPart{r, pa, pb})
		}
	}
	blocks := make([]int, len(c.Parts))
	for k := 0; k < size; k++ {
		rem := k
		for i := len(c.Parts) - 1; i >= 0; i-- {
			blocks[i] = rem % c.radix[i]
			rem /= c.radix[i]
		}
		ok := true
		for _, rp := range rps {
			if !blocksAllowed(rp.rel, c.Parts[rp.a].Blocks[blocks[rp.a]], c.Parts[rp.b].Blocks[blocks[rp.b]]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		c.atom[k] = len(c.Atoms)
		c.Atoms = append(c.Atoms, Atom{Blocks: slices.Clone(blocks)})
	}
	return c, nil
}

// blocksAllowed reports whether some value of block a and some value of
// block b may go together.
func blocksAllowed(r relation, a, b []int) bool {
	for _, i := range a {
		for _, j := range b {
			if r.allowed[i][j] {
				return true
			}
		}
	}
	return false
}

func (c *Clique) partOf(g *Group) int {
	for i, p := range c.Parts {
		if p.Group == g {
			return i
		}
	}
	return -1
}

// HasDim reports whether the clique holds the dimension.
func (c *Clique) HasDim(name string) bool {
	for _, d := range c.Dims {
		if d.Name == name {
			return true
		}
	}
	return false
}

// AtomOf returns the atom that holds the accidents with the given values
// of the groups (indexed by group index; every part's group must be set),
// or −1 when the combination is excluded or outside the component.
func (c *Clique) AtomOf(values []int) int {
	k := 0
	for i, p := range c.Parts {
		v := values[p.Group.Index]
		if v < 0 || p.Block[v] < 0 {
			return -1
		}
		k = k*c.radix[i] + p.Block[v]
	}
	if a, ok := c.atom[k]; ok {
		return a
	}
	return -1
}

// atomsOf lists the atoms whose accidents satisfy cond. Every part's block
// must lie inside or outside the condition's set for its group; a clique
// too coarse to tell is an error of the model's construction.
func (c *Clique) atomsOf(cond Cond) ([]int, error) {
	// For each part: which blocks are in the condition.
	in := make([][]bool, len(c.Parts))
	for i, p := range c.Parts {
		var s Set
		if g := p.Group.Index; g < len(cond.raw) {
			s = cond.raw[g]
		}
		in[i] = make([]bool, len(p.Blocks))
		for b, vals := range p.Blocks {
			n := 0
			for _, v := range vals {
				if s == nil || s.Has(v) {
					n++
				}
			}
			switch n {
			case len(vals):
				in[i][b] = true
			case 0:
			default:
				return nil, fmt.Errorf("model: clique %s cannot express a condition on %s", dimNames(c.Dims), p.Group.Name)
			}
		}
	}
	// The conditions as written name only the clique's own dimensions;
	// atoms a relation excludes are not atoms at all.
	var out []int
	for a, at := range c.Atoms {
		ok := true
		for i, b := range at.Blocks {
			if !in[i][b] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

func dimNames(dims []*Dim) string {
	s := "{"
	for i, d := range dims {
		if i > 0 {
			s += ", "
		}
		s += d.Name
	}
	return s + "}"
}

// Separator is the shared part of two adjacent cliques: the blocks their
// common dimensions make. Proj maps each clique's atoms to the separator's
// cells, which both cliques' counts must agree on.
type Separator struct {
	A, B         int // clique indexes
	Dims         []*Dim
	Cells        int
	ProjA, ProjB []int // atom of A (of B) → separator cell
}

// newSeparator projects two cliques onto their common dimensions.
func newSeparator(a, b *Clique, dims []*Dim, active func(g *Group, v int) bool) *Separator {
	s := &Separator{A: a.Index, B: b.Index, Dims: dims}
	byGroup := map[*Group][]*Dim{}
	var groups []*Group
	for _, d := range dims {
		if byGroup[d.Group] == nil {
			groups = append(groups, d.Group)
		}
		byGroup[d.Group] = append(byGroup[d.Group], d)
	}
	slices.SortFunc(groups, func(x, y *Group) int { return x.Index - y.Index }) // deterministic
	var parts []Partition
	radix := []int{}
	for _, g := range groups {
		p := partition(g, byGroup[g], func(v int) bool { return active(g, v) })
		parts = append(parts, p)
		radix = append(radix, len(p.Blocks))
	}
	cells := map[int]int{}
	project := func(c *Clique) []int {
		out := make([]int, len(c.Atoms))
		for ai, at := range c.Atoms {
			k := 0
			for pi, p := range parts {
				// A representative value of the atom's block for this group.
				cp := c.partOf(p.Group)
				v := c.Parts[cp].Blocks[at.Blocks[cp]][0]
				k = k*radix[pi] + p.Block[v]
			}
			id, ok := cells[k]
			if !ok {
				id = len(cells)
				cells[k] = id
			}
			out[ai] = id
		}
		return out
	}
	s.ProjA = project(a)
	s.ProjB = project(b)
	s.Cells = len(cells)
	return s
}
