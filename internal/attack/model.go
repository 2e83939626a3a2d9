package attack

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// The attacker's model of one fiscal year (a component): the accidents'
// joint counts over every published dimension, held as the counts of the
// maximal cliques of a triangulation of the dimensions' interaction graph
// (each publication's dimensions are one hyperedge), with adjacent cliques
// of the junction tree agreeing on their separators. Bounds on clique
// tables that agree on separators are bounds on the joint table, and, as
// a transport between two tables is integral, whole-number clique tables
// glue into a whole-number joint: the decomposition loses nothing, for the
// linear and for the integer programme.

// noDisaster is the disaster code of an accident without a published
// disaster name.
const noDisaster = "(none)"

// roundedHalf is the half-width of a published magnitude's rounding: the
// tables print user-hours rounded to whole user-hours (docs: "User-hours are
// published rounded"); counts and affected users are exact.
var roundedHalf = map[string]float64{"user_hours": 0.5}

// additive are the measures that are sums over accidents: "accidents" a
// count, the others magnitudes.
var additive = map[string]bool{"accidents": true, "user_hours": true, "affected_users": true}

// tableFilters are the rows a table counts, as its published description
// says (serious_by_year_category: "serious accidents").
var tableFilters = map[string]map[string]string{
	"serious_by_year_category": {"report_type": "serious"},
}

type dimension struct {
	name  string
	codes []string
	idx   map[string]int
}

// spec selects accidents: per dimension (index into the component's dims)
// the allowed codes; a dimension left out is unconstrained.
type spec map[int]map[int]bool

func (s spec) dims() []int {
	out := make([]int, 0, len(s))
	for d := range s {
		out = append(out, d)
	}
	sort.Ints(out)
	return out
}

type clique struct {
	dims  []int // indices into component.dims, ascending
	radix []int
	size  int
	off   int // first count variable
}

// code returns the code index of dimension position p of atom a.
func (c *clique) code(a, p int) int {
	for i := len(c.dims) - 1; i > p; i-- {
		a /= c.radix[i]
	}
	return a % c.radix[p]
}

func (c *clique) has(d int) int {
	for p, x := range c.dims {
		if x == d {
			return p
		}
	}
	return -1
}

type lrow struct {
	idx    []int
	coef   []float64
	lo, hi float64
}

type component struct {
	year    string
	dims    []*dimension
	dimIdx  map[string]int
	cliques []*clique
	magC    int            // the clique holding the magnitudes, -1 if none
	magOff  map[string]int // magnitude → its first variable (per atom of magC)
	nvar    int
	lb, ub  []float64
	integer []bool
	rows    []lrow
	zeros   int // structural-zero atoms
}

// Figure is one published or withheld additive figure of a table or an
// extract's class.
type Figure struct {
	Table     string
	Row       int
	Measure   string
	Year      string   // "" when it spans years
	Key       []string // the row's keys as printed
	Value     float64  // when Published
	Published bool
	// keys by published dimension (fiscal_year left out) and the filter.
	sel map[string]string
}

// ID names the figure: table/keys/measure.
func (f *Figure) ID() string {
	return f.Table + "/" + strings.Join(f.Key, "/") + "/" + f.Measure
}

func (f *Figure) magnitude() string {
	if f.Measure == "accidents" {
		return ""
	}
	return f.Measure
}

// figures lists the additive figures of every table.
func (p *Publication) figures() []*Figure {
	var out []*Figure
	for _, t := range p.Tables {
		fy := -1
		for i, k := range t.Keys {
			if k == "fiscal_year" {
				fy = i
			}
		}
		for ri, r := range t.Rows {
			for mi, m := range t.Measures {
				if !additive[m] || r.Values[mi] == "" {
					continue
				}
				f := &Figure{Table: t.Name, Row: ri, Measure: m, Key: r.Key, sel: map[string]string{}}
				for i, k := range t.Keys {
					if i == fy {
						continue
					}
					f.sel[k] = r.Key[i]
				}
				for k, v := range tableFilters[t.Name] {
					f.sel[k] = v
				}
				if fy >= 0 && r.Key[fy] != Total {
					f.Year = r.Key[fy]
				}
				f.Value, f.Published = parseValue(r.Values[mi])
				if fy < 0 {
					continue // a table without years holds derived figures only
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// boolDims are the published yes/no dimensions (values true/false).
func (p *Publication) boolDims() map[string]bool {
	seen := map[string]map[string]bool{}
	add := func(d, v string) {
		if v == Total || v == "*" || v == "" {
			return
		}
		if seen[d] == nil {
			seen[d] = map[string]bool{}
		}
		seen[d][v] = true
	}
	for _, t := range p.Tables {
		for _, r := range t.Rows {
			for i, k := range t.Keys {
				add(k, r.Key[i])
			}
		}
	}
	for _, e := range p.Extracts {
		for _, r := range e.Records {
			for i, f := range e.Fields {
				add(f, r[i])
			}
		}
	}
	out := map[string]bool{}
	for d, vs := range seen {
		ok := len(vs) > 0
		for v := range vs {
			if v != "true" && v != "false" {
				ok = false
			}
		}
		if ok {
			out[d] = true
		}
	}
	return out
}

// domains returns, for the fiscal year, every base dimension a figure or
// an extract of the year uses, with its codes.
func (p *Publication) domains(year string, figs []*Figure) (map[string][]string, error) {
	seen := map[string]map[string]bool{}
	note := func(col, v string) {
		if v == Total || v == "*" || v == "" {
			return
		}
		if seen[col] == nil {
			seen[col] = map[string]bool{}
		}
		seen[col][v] = true
	}
	for _, f := range figs {
		for k, v := range f.sel {
			note(k, v)
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
		}
	}
	for _, e := range p.Extracts {
		fy := indexOf(e.Fields, "fiscal_year")
		for _, r := range e.Records {
			if fy >= 0 && r[fy] != year {
				continue
			}
			for i, f := range e.Fields {
				if i != fy {
					note(f, r[i])
				}
			}
		}
	}
	out := map[string][]string{}
	for col, vals := range seen {
		base, _ := p.Codes.base(col)
		if l := p.Codes.list(base); l != nil {
			out[base] = l.codes
			continue
		}
		if col != base {
			return nil, fmt.Errorf("dimension %s: no code list for its base %s", col, base)
		}
		var codes []string
		for v := range vals {
			codes = append(codes, v)
		}
		if col == "disaster" {
			// The disaster table lists only the disasters that occurred:
			// every other combination is a published zero, and most
			// accidents have no disaster name.
			codes = append(codes, noDisaster)
		}
		sort.Strings(codes)
		if prev, ok := out[base]; ok {
			codes = union(prev, codes)
		}
		out[base] = codes
	}
	return out, nil
}

func union(a, b []string) []string {
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		m[x] = true
	}
	out := make([]string, 0, len(m))
	for x := range m {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

// specOf turns published keys into a selection on the component's base
// dimensions; ok is false when a key names a code the year cannot hold
// (a disaster of another year: the figure is a structural zero).
func (c *component) specOf(codes *Codes, sel map[string]string) (spec, bool, error) {
	s := spec{}
	for _, col := range sortedKeys(sel) {
		v := sel[col]
		if v == Total || v == "*" {
			continue
		}
		base, m := codes.base(col)
		d, ok := c.dimIdx[base]
		if !ok {
			return nil, false, fmt.Errorf("year %s: dimension %s not in the model", c.year, base)
		}
		vals := []string{v}
		if m != nil {
			vals = m[v]
		}
		set := map[int]bool{}
		for _, x := range vals {
			if i, ok := c.dims[d].idx[x]; ok {
				set[i] = true
			}
		}
		if prev, ok := s[d]; ok {
			for i := range set {
				if !prev[i] {
					delete(set, i)
				}
			}
		}
		s[d] = set
		if len(set) == 0 {
			return s, false, nil
		}
	}
	return s, true, nil
}

// cliqueFor returns the smallest clique holding every dimension of s.
func (c *component) cliqueFor(s spec) int {
	best := -1
	for i, q := range c.cliques {
		ok := true
		for d := range s {
			if q.has(d) < 0 {
				ok = false
				break
			}
		}
		if ok && (best < 0 || q.size < c.cliques[best].size) {
			best = i
		}
	}
	return best
}

// atoms lists the atoms of clique qi that s selects.
func (c *component) atoms(qi int, s spec) []int {
	q := c.cliques[qi]
	pos := map[int]int{}
	for d := range s {
		pos[d] = q.has(d)
	}
	var out []int
	for a := 0; a < q.size; a++ {
		ok := true
		for d, set := range s {
			if !set[q.code(a, pos[d])] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, a)
		}
	}
	return out
}

// linear returns the figure's linear form over the variables: its count
// atoms, or its magnitude's variables on the magnitude clique.
func (c *component) linear(s spec, mag string) ([]int, error) {
	if mag == "" {
		qi := c.cliqueFor(s)
		if qi < 0 {
			return nil, fmt.Errorf("year %s: no clique holds %v", c.year, s.dims())
		}
		at := c.atoms(qi, s)
		for i := range at {
			at[i] += c.cliques[qi].off
		}
		return at, nil
	}
	off, ok := c.magOff[mag]
	if !ok {
		return nil, fmt.Errorf("year %s: magnitude %s not in the model", c.year, mag)
	}
	for d := range s {
		if c.cliques[c.magC].has(d) < 0 {
			return nil, fmt.Errorf("year %s: the magnitude clique lacks %s", c.year, c.dims[d].name)
		}
	}
	at := c.atoms(c.magC, s)
	for i := range at {
		at[i] += off
	}
	return at, nil
}

func ones(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// triangulate returns the maximal cliques of a triangulation of the graph
// whose edges join the dimensions of each hyperedge, by greedy min-fill
// elimination (ties: the smaller clique, then the name, for determinism).
func triangulate(n int, size []int, names []string, edges [][]int) [][]int {
	adj := make([]map[int]bool, n)
	for i := range adj {
		adj[i] = map[int]bool{}
	}
	for _, e := range edges {
		for _, a := range e {
			for _, b := range e {
				if a != b {
					adj[a][b] = true
				}
			}
		}
	}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	var cands [][]int
	for left := n; left > 0; left-- {
		best, bestFill, bestW := -1, 0, 0.0
		for v := 0; v < n; v++ {
			if !alive[v] {
				continue
			}
			nb := keys(adj[v])
			fill := 0
			for i, a := range nb {
				for _, b := range nb[i+1:] {
					if !adj[a][b] {
						fill++
					}
				}
			}
			w := math.Log(float64(size[v]))
			for _, a := range nb {
				w += math.Log(float64(size[a]))
			}
			if best < 0 || fill < bestFill || (fill == bestFill && (w < bestW-1e-9 || (math.Abs(w-bestW) <= 1e-9 && names[v] < names[best]))) {
				best, bestFill, bestW = v, fill, w
			}
		}
		nb := keys(adj[best])
		for _, a := range nb {
			for _, b := range nb {
				if a != b {
					adj[a][b] = true
				}
			}
		}
		cl := append([]int{best}, nb...)
		sort.Ints(cl)
		cands = append(cands, cl)
		for _, a := range nb {
			delete(adj[a], best)
		}
		alive[best] = false
	}
	var out [][]int
	for i, c := range cands {
		maximal := true
		for j, d := range cands {
			if i != j && subset(c, d) && (len(c) < len(d) || j < i) {
				maximal = false
				break
			}
		}
		if maximal {
			out = append(out, c)
		}
	}
	return out
}

func keys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func subset(a, b []int) bool {
	m := map[int]bool{}
	for _, x := range b {
		m[x] = true
	}
	for _, x := range a {
		if !m[x] {
			return false
		}
	}
	return true
}

func intersect(a, b []int) []int {
	m := map[int]bool{}
	for _, x := range b {
		m[x] = true
	}
	var out []int
	for _, x := range a {
		if m[x] {
			out = append(out, x)
		}
	}
	return out
}

// junctionTree joins the cliques by a maximum spanning tree on separator
// size (Kruskal; ties by index for determinism); cliques of separate parts
// of the graph join on an empty separator (their totals agree).
func junctionTree(cl [][]int) [][2]int {
	type edge struct{ a, b, w int }
	var es []edge
	for i := range cl {
		for j := i + 1; j < len(cl); j++ {
			es = append(es, edge{i, j, len(intersect(cl[i], cl[j]))})
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].w > es[j].w })
	parent := make([]int, len(cl))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		if parent[x] != x {
			parent[x] = find(parent[x])
		}
		return parent[x]
	}
	var out [][2]int
	for _, e := range es {
		ra, rb := find(e.a), find(e.b)
		if ra != rb {
			parent[ra] = rb
			out = append(out, [2]int{e.a, e.b})
		}
	}
	return out
}
