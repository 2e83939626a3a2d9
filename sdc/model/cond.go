package model

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// Set is a set of a group's values, as bits.
type Set []uint64

func fullSet(n int) Set {
	s := make(Set, (n+63)/64)
	for i := 0; i < n; i++ {
		s[i/64] |= 1 << (i % 64)
	}
	return s
}

// Has reports whether value i is in the set.
func (s Set) Has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s Set) add(i int) { s[i/64] |= 1 << (i % 64) }

func (s Set) and(t Set) Set {
	out := make(Set, len(s))
	for i := range s {
		out[i] = s[i] & t[i]
	}
	return out
}

func (s Set) equal(t Set) bool { return slices.Equal(s, t) }

// Count is the number of values in the set.
func (s Set) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Cond is a set of accidents described by conditions on dimensions: for
// each group, the values an accident in it may have. It is the identity of
// a published figure: two cells with equal conditions count the same
// accidents, whatever tables they appear in.
type Cond struct {
	// Sets holds, per group index, the allowed values (nil: any).
	Sets []Set
	// Dims are the dimensions the conditions are written with, sorted;
	// they decide which part of the model can express the cell.
	Dims []string
	// Empty: no accident can satisfy the conditions (a structural zero).
	Empty bool
	key   string
	// raw are the sets as written, before the relations narrowed them:
	// what a clique holding Dims can always express.
	raw []Set
}

// Key is the canonical identity of the condition (after the structural
// relations are applied).
func (c Cond) Key() string { return c.key }

// Set returns the allowed values of group g (nil: any).
func (c Cond) Set(g int) Set {
	if g < len(c.Sets) {
		return c.Sets[g]
	}
	return nil
}

// relation is a kensho.Relation lifted to two groups: allowed[i][j] for
// values i of group A and j of group B.
type relation struct {
	a, b    *Group
	dimA    *Dim
	dimB    *Dim
	allowed [][]bool
	text    kensho.Text
}

// relations returns the code lists' relations whose dimensions' groups are
// both in use, lifted to their groups.
func (r *Registry) relations() ([]relation, error) {
	var out []relation
	for _, kr := range kensho.Relations {
		if omitted(kr.Name) {
			continue
		}
		if r.groups[baseOf(kr.A)] == nil || r.groups[baseOf(kr.B)] == nil {
			continue // a group no publication uses cannot be narrowed by it
		}
		da, err := r.Dim(kr.A)
		if err != nil {
			return nil, err
		}
		db, err := r.Dim(kr.B)
		if err != nil {
			return nil, err
		}
		rel := relation{a: da.Group, b: db.Group, dimA: da, dimB: db, text: kr.Text}
		rel.allowed = make([][]bool, len(da.Group.Values))
		for i := range rel.allowed {
			rel.allowed[i] = make([]bool, len(db.Group.Values))
			for j := range rel.allowed[i] {
				rel.allowed[i][j] = kr.Allowed(da.Values[da.Of[i]], db.Values[db.Of[j]])
			}
		}
		out = append(out, rel)
	}
	return out, nil
}

// baseOf is the base dimension (group name) of a dimension name.
func baseOf(dim string) string {
	if h, ok := rollupOf(dim); ok {
		return h.Base
	}
	return dim
}

// cond builds the canonical condition of conjunction dim=value. A value
// outside a dimension's domain makes the condition empty.
func (m *Model) cond(conds map[string]string) (Cond, error) {
	c := Cond{Sets: make([]Set, len(m.reg.Groups))}
	for name, v := range conds {
		d, err := m.reg.Dim(name)
		if err != nil {
			return Cond{}, err
		}
		if d.Group.Index >= len(c.Sets) {
			return Cond{}, fmt.Errorf("model: dimension %s was not registered before conditions were built", name)
		}
		c.Dims = append(c.Dims, name)
		vi := d.Value(v)
		set := make(Set, (len(d.Group.Values)+63)/64)
		if vi >= 0 {
			for b, w := range d.Of {
				if w == vi {
					set.add(b)
				}
			}
		}
		g := d.Group.Index
		if c.Sets[g] == nil {
			c.Sets[g] = set
		} else {
			c.Sets[g] = c.Sets[g].and(set)
		}
	}
	slices.Sort(c.Dims)
	c.raw = slices.Clone(c.Sets)
	m.propagate(&c)
	c.key = c.makeKey()
	return c, nil
}

// propagate removes from each set the values that no allowed combination
// of a relation supports (arc consistency), so that conditions naming the
// same accidents get the same sets; a set that empties makes the
// condition empty.
func (m *Model) propagate(c *Cond) {
	for changed := true; changed; {
		changed = false
		for _, rel := range m.relations {
			ga, gb := rel.a.Index, rel.b.Index
			sa, sb := c.Sets[ga], c.Sets[gb]
			if sa == nil && sb == nil {
				continue
			}
			if sa == nil {
				sa = fullSet(len(rel.a.Values))
			}
			if sb == nil {
				sb = fullSet(len(rel.b.Values))
			}
			na, nb := make(Set, len(sa)), make(Set, len(sb))
			for i := range rel.a.Values {
				if !sa.Has(i) {
					continue
				}
				for j := range rel.b.Values {
					if sb.Has(j) && rel.allowed[i][j] {
						na.add(i)
						nb.add(j)
					}
				}
			}
			if !na.equal(sa) {
				c.Sets[ga], changed = na, true
			} else if c.Sets[ga] != nil {
				c.Sets[ga] = na
			}
			if !nb.equal(sb) {
				c.Sets[gb], changed = nb, true
			} else if c.Sets[gb] != nil {
				c.Sets[gb] = nb
			}
		}
	}
	for g, s := range c.Sets {
		if s == nil {
			continue
		}
		if s.Count() == 0 {
			c.Empty = true
		}
		if s.Count() == len(m.reg.Groups[g].Values) {
			c.Sets[g] = nil // every value: no condition
		}
	}
}

func (c Cond) makeKey() string {
	if c.Empty {
		return "empty"
	}
	var b strings.Builder
	for g, s := range c.Sets {
		if s == nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(g))
		b.WriteByte(':')
		for _, w := range s {
			b.WriteString(strconv.FormatUint(w, 16))
			b.WriteByte('.')
		}
	}
	return b.String()
}
