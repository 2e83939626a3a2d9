package model

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// The decomposition. What is published about a component's accidents
// constrains their joint cross-classification over every dimension, far
// too many cells to hold. Each published figure is a sum over a few
// dimensions (a hyperedge); the hyperedges are made chordal by adding edges
// (triangulation), and the maximal cliques joined by their shared
// dimensions form a junction tree. Counts held per clique and required to
// agree on the separators describe exactly the joint tables that are
// consistent with the publications: consistent clique tables of a junction
// tree always glue into a joint table (with whole numbers too, cell by cell
// as a transport between two tables), and every published figure is a sum
// within one clique. So bounds computed on the cliques are the bounds of the
// joint, with no relation between figures written by hand.

// hypergraph collects the dimension sets that must each lie within a
// clique.
type hypergraph struct {
	reg   *Registry
	edges [][]string
}

func (h *hypergraph) add(dims ...string) {
	e := slices.Clone(dims)
	slices.Sort(e)
	e = slices.Compact(e)
	h.edges = append(h.edges, e)
}

// close extends every hyperedge with the coarser dimensions in use of the
// groups it touches (a clique that holds cause holds cause_group for
// free), links dimensions of one group neither of which refines the other
// (their cross has structural zeros), and adds a hyperedge per relation
// over the finest dimensions in use of its two groups.
func (h *hypergraph) close(rels []relation) {
	used := map[string]*Dim{}
	for _, e := range h.edges {
		for _, n := range e {
			used[n] = h.reg.MustDim(n)
		}
	}
	names := sortedNames(used)
	coarser := func(d *Dim) []string {
		var out []string
		for _, n := range names {
			if e := used[n]; e != d && d.Refines(e) {
				out = append(out, n)
			}
		}
		return out
	}
	for i, e := range h.edges {
		ext := slices.Clone(e)
		for _, n := range e {
			ext = append(ext, coarser(used[n])...)
		}
		slices.Sort(ext)
		h.edges[i] = slices.Compact(ext)
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			da, db := used[a], used[b]
			if da.Group == db.Group && !da.Refines(db) && !db.Refines(da) {
				h.add(append([]string{a, b}, append(coarser(da), coarser(db)...)...)...)
			}
		}
	}
	finest := func(g *Group) []string {
		var out []string
		for _, n := range names {
			d := used[n]
			if d.Group != g {
				continue
			}
			minimal := true
			for _, m := range names {
				if e := used[m]; e != d && e.Group == g && e.Refines(d) && !d.Refines(e) {
					minimal = false
				}
			}
			if minimal {
				out = append(out, n)
			}
		}
		return out
	}
	for _, r := range rels {
		fa, fb := finest(r.a), finest(r.b)
		if len(fa) == 0 || len(fb) == 0 {
			continue
		}
		e := append(slices.Clone(fa), fb...)
		for _, n := range append(slices.Clone(fa), fb...) {
			e = append(e, coarser(used[n])...)
		}
		h.add(e...)
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// triangulate eliminates the dimensions greedily, each time the one whose
// elimination clique has the fewest atoms (ties by name), and returns the
// maximal cliques as sorted dimension-name lists.
func (h *hypergraph) triangulate(weight func([]string) float64) [][]string {
	adj := map[string]map[string]bool{}
	for _, e := range h.edges {
		for _, a := range e {
			if adj[a] == nil {
				adj[a] = map[string]bool{}
			}
			for _, b := range e {
				if a != b {
					adj[a][b] = true
				}
			}
		}
	}
	var cliques [][]string
	for len(adj) > 0 {
		best, bestW := "", math.Inf(1)
		for _, v := range sortedNames(adj) { // sorted: ties go to the first name
			c := append([]string{v}, sortedNames(adj[v])...)
			if w := weight(c); w < bestW {
				best, bestW = v, w
			}
		}
		nb := sortedNames(adj[best])
		c := append([]string{best}, nb...)
		slices.Sort(c)
		cliques = append(cliques, c)
		for _, a := range nb {
			for _, b := range nb {
				if a != b {
					adj[a][b] = true
				}
			}
			delete(adj[a], best)
		}
		delete(adj, best)
	}
	// Keep the maximal ones.
	var out [][]string
	for i, c := range cliques {
		maximal := true
		for j, d := range cliques {
			if i != j && subset(c, d) && (len(c) < len(d) || j < i) {
				maximal = false
				break
			}
		}
		if maximal {
			out = append(out, c)
		}
	}
	// Larger cliques first, then by names: a deterministic order.
	slices.SortFunc(out, func(a, b []string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(strings.Join(a, ","), strings.Join(b, ","))
	})
	return out
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// junctionTree joins cliques by a maximum spanning tree on the number of
// shared dimensions (Kruskal, ties by clique order): for the maximal
// cliques of a chordal graph such a tree has the running-intersection
// property.
func junctionTree(cliques [][]string) [][2]int {
	type cand struct{ a, b, w int }
	var cands []cand
	for i := range cliques {
		for j := i + 1; j < len(cliques); j++ {
			cands = append(cands, cand{i, j, len(intersect(cliques[i], cliques[j]))})
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(y.w, x.w) })
	parent := make([]int, len(cliques))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var edges [][2]int
	for _, c := range cands {
		if ra, rb := find(c.a), find(c.b); ra != rb {
			parent[ra] = rb
			edges = append(edges, [2]int{c.a, c.b})
		}
	}
	return edges
}
