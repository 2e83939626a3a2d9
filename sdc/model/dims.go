package model

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// Null stands for an empty value (SQL NULL) of a dimension without a code
// list, such as an accident that names no disaster.
const Null = ""

// Group is a variable of the joint classification of accidents: a base
// dimension (cause, service, form, ...) whose values are the finest codes
// any publication distinguishes. Every dimension a publication names is a
// partition of one group's values.
type Group struct {
	Index  int
	Name   string
	Values []string
	index  map[string]int
}

// Dim is a dimension a publication names: a partition of its group's
// values. A base dimension partitions its group into single values; a
// coarse one (cause_group) into the blocks its code list defines.
type Dim struct {
	Name   string
	Group  *Group
	Values []string
	// Of maps each value of the group to the index of its value here.
	Of    []int
	index map[string]int
}

// Value returns the index of code v, or −1.
func (d *Dim) Value(v string) int {
	if i, ok := d.index[v]; ok {
		return i
	}
	return -1
}

// Refines reports whether every block of d lies inside a block of e (d is
// as fine as e or finer); both must partition the same group.
func (d *Dim) Refines(e *Dim) bool {
	if d.Group != e.Group {
		return false
	}
	img := make([]int, len(d.Values))
	for i := range img {
		img[i] = -1
	}
	for b, v := range d.Of {
		w := e.Of[b]
		if img[v] >= 0 && img[v] != w {
			return false
		}
		img[v] = w
	}
	return true
}

// Registry knows every group and dimension of a model. Its groups are
// made on demand, in the order dimensions are first asked for, which the
// caller keeps deterministic.
type Registry struct {
	Groups []*Group
	groups map[string]*Group
	dims   map[string]*Dim
	// domains fixes the values of groups without a code list.
	domains map[string][]string
}

// NewRegistry makes a registry. domains gives the values of the base
// dimensions that have no code list: fiscal_year (the years modelled) and
// disaster (the names published, and Null). Quarters, true/false flags and
// every coded dimension take their values from the vocabulary.
func NewRegistry(domains map[string][]string) *Registry {
	return &Registry{groups: map[string]*Group{}, dims: map[string]*Dim{}, domains: domains}
}

// Dim returns the dimension named name (a column of deid_accident).
func (r *Registry) Dim(name string) (*Dim, error) {
	if d, ok := r.dims[name]; ok {
		return d, nil
	}
	var d *Dim
	if h, ok := rollupOf(name); ok {
		g, err := r.group(h.Base)
		if err != nil {
			return nil, err
		}
		l := kensho.ListByName(name)
		if l == nil {
			return nil, fmt.Errorf("model: coarse dimension %s has no code list", name)
		}
		d = &Dim{Name: name, Group: g, Values: l.CodeStrings(), Of: make([]int, len(g.Values))}
		d.index = indexOf(d.Values)
		for b, v := range g.Values {
			i, ok := d.index[h.Parent(v)]
			if !ok {
				return nil, fmt.Errorf("model: %s %s maps to %s %q, which is not in its list", h.Base, v, name, h.Parent(v))
			}
			d.Of[b] = i
		}
	} else {
		g, err := r.group(name)
		if err != nil {
			return nil, err
		}
		d = &Dim{Name: name, Group: g, Values: g.Values, Of: make([]int, len(g.Values)), index: g.index}
		for b := range d.Of {
			d.Of[b] = b
		}
	}
	r.dims[name] = d
	return d, nil
}

// MustDim is Dim for names the caller knows exist.
func (r *Registry) MustDim(name string) *Dim {
	d, err := r.Dim(name)
	if err != nil {
		panic(err)
	}
	return d
}

// group returns the group of a base dimension, making it on first use.
func (r *Registry) group(name string) (*Group, error) {
	if g, ok := r.groups[name]; ok {
		return g, nil
	}
	var vals []string
	switch {
	case r.domains[name] != nil:
		vals = slices.Clone(r.domains[name])
	case name == "quarter":
		vals = []string{"1", "2", "3", "4"}
	case kensho.IsFlagColumn(name):
		vals = []string{"false", "true"}
	case kensho.ListByName(name) != nil:
		vals = kensho.ListByName(name).CodeStrings()
	default:
		return nil, fmt.Errorf("model: dimension %s has no known values (give them in the domains)", name)
	}
	g := &Group{Index: len(r.Groups), Name: name, Values: vals, index: indexOf(vals)}
	r.Groups = append(r.Groups, g)
	r.groups[name] = g
	return g, nil
}

// Group returns a group by name, nil when no dimension of it was used.
func (r *Registry) Group(name string) *Group { return r.groups[name] }

func indexOf(vals []string) map[string]int {
	m := make(map[string]int, len(vals))
	for i, v := range vals {
		m[v] = i
	}
	return m
}

// YearStrings are fiscal years as the values of the fiscal_year group.
func YearStrings(years []int) []string {
	out := make([]string, len(years))
	for i, y := range years {
		out[i] = strconv.Itoa(y)
	}
	return out
}
