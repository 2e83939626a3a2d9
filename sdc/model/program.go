package model

import (
	"fmt"
	"math"
	"strconv"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/lp"
)

// Status is what a reader sees of a column.
type Status uint8

const (
	// Published: the value is shown (rounded to the column's step).
	Published Status = iota
	// Suppressed: shown as X. Zero cells are never suppressed, so the
	// reader knows a suppressed count is at least 1.
	Suppressed
	// Withheld: a microdata class left out; the reader cannot tell it from
	// an empty class.
	Withheld
)

// Pattern is what one release shows of a component: a status per column
// (by Column.ID) and the published values.
type Pattern struct {
	Status []Status
	Value  []float64
	// Quantiles: the published value of each quantile figure (by index in
	// Model.Quantiles); NaN when not published.
	Quantile []float64
	// MaxDurationMin bounds any accident's duration in a fiscal year, a
	// fact every reader knows: from the start of the year to the release.
	MaxDurationMin map[int]float64
}

// Program is a component's linear programme under a pattern: the
// unknowns a reader has and every constraint the publication and the code
// lists put on them.
type Program struct {
	Comp *Component
	LP   lp.Problem
	// Integer marks the count and placement variables.
	Integer []bool
	// N[clique][atom] is the variable of the non-public accidents of an
	// atom, −1 when a published zero fixes it at 0.
	N [][]int
	// P[r][clique][atom]: whether public record r lies in the atom (−1:
	// it cannot).
	P [][][]int
	// U, H: users and user-hours of the non-public accidents per magnitude
	// class.
	U, H []int
	// support rows per magnitude class, with the unit support value of
	// every atom for each row (to shift them for an insider).
	support []supportRow
	data    *Data
	pattern *Pattern
}

type supportRow struct {
	row   int
	class int
	wu    float64 // direction on users
	wh    float64 // direction on user-hours
	h     map[int]float64
}

// NewProgram builds the programme of component c for pattern pat, with
// the data's public records as placement unknowns.
func NewProgram(c *Component, d *Data, pat *Pattern) (*Program, error) {
	pr := &Program{Comp: c, data: d, pattern: pat}
	dead := c.deadAtoms(pat)
	pr.N = make([][]int, len(c.Cliques))
	for ci, cl := range c.Cliques {
		pr.N[ci] = make([]int, len(cl.Atoms))
		for a := range cl.Atoms {
			if dead[ci][a] {
				pr.N[ci][a] = -1
				continue
			}
			pr.N[ci][a] = pr.addVar(0, lp.Inf, true)
		}
	}
	// Public records: a placement per clique among the live atoms that
	// agree with what its source states.
	pr.P = make([][][]int, len(d.Public))
	for ri, r := range d.Public {
		pr.P[ri] = make([][]int, len(c.Cliques))
		for ci, cl := range c.Cliques {
			pr.P[ri][ci] = make([]int, len(cl.Atoms))
			var terms []lp.Term
			for a, at := range cl.Atoms {
				pr.P[ri][ci][a] = -1
				if dead[ci][a] || !r.compatible(cl, at) {
					continue
				}
				v := pr.addVar(0, 1, true)
				pr.P[ri][ci][a] = v
				terms = append(terms, lp.Term{Var: v, Coef: 1})
			}
			if len(terms) == 0 {
				return nil, fmt.Errorf("model: public record %d has no place in clique %s: the data contradict the publication", r.Key, dimNames(cl.Dims))
			}
			pr.LP.AddRow(terms, 1, 1)
		}
	}
	// Separators: both cliques' counts agree, for the non-public accidents
	// and for every public record's placement.
	for _, s := range c.Separators {
		pr.agree(s, pr.N)
		for ri := range d.Public {
			pr.agree(s, pr.P[ri])
		}
	}
	if c.Mag != nil {
		pr.U = make([]int, c.Mag.Classes)
		pr.H = make([]int, c.Mag.Classes)
		for k := range pr.U {
			pr.U[k] = pr.addVar(0, lp.Inf, false)
			pr.H[k] = pr.addVar(0, lp.Inf, false)
		}
		if err := pr.addSupport(); err != nil {
			return nil, err
		}
	}
	for _, col := range c.Columns {
		st, v := pat.Status[col.ID], pat.Value[col.ID]
		terms := pr.Terms(col)
		switch {
		case st == Published && col.Step > 0:
			pr.LP.AddRow(terms, v-col.Step/2, v+col.Step/2)
		case st == Published:
			if len(terms) == 0 {
				if v != 0 {
					return nil, fmt.Errorf("model: %s is published as %v but a published zero or a relation forces it to 0", col.Label(), v)
				}
				continue
			}
			pr.LP.AddRow(terms, v, v)
		case st == Suppressed && col.Mag == kensho.MagAccidents:
			if len(terms) > 0 {
				pr.LP.AddRow(terms, 1, lp.Inf) // zeros are never suppressed
			}
		}
	}
	for _, q := range c.Quantiles {
		v := pat.Quantile[q.Index]
		if math.IsNaN(v) || pat.Status[q.Count.ID] != Published {
			continue
		}
		pr.addQuantile(q, pat.Value[q.Count.ID], v)
	}
	return pr, nil
}

func (pr *Program) addVar(lo, hi float64, integer bool) int {
	pr.Integer = append(pr.Integer, integer)
	return pr.LP.AddVar(lo, hi)
}

// agree adds the separator rows for one population's variables.
func (pr *Program) agree(s *Separator, vars [][]int) {
	rows := make([][]lp.Term, s.Cells)
	for a, cell := range s.ProjA {
		if v := vars[s.A][a]; v >= 0 {
			rows[cell] = append(rows[cell], lp.Term{Var: v, Coef: 1})
		}
	}
	for b, cell := range s.ProjB {
		if v := vars[s.B][b]; v >= 0 {
			rows[cell] = append(rows[cell], lp.Term{Var: v, Coef: -1})
		}
	}
	for _, terms := range rows {
		if len(terms) > 0 {
			pr.LP.AddRow(terms, 0, 0)
		}
	}
}

// compatible reports whether an atom agrees with what a public record's
// source states.
func (r *PublicRecord) compatible(cl *Clique, at Atom) bool {
	for i, p := range cl.Parts {
		if !r.knows(p.Group) {
			continue
		}
		if at.Blocks[i] != p.Block[p.Group.index[r.Codes[p.Group.Name]]] {
			return false
		}
	}
	return true
}

// deadAtoms marks the atoms a published zero count fixes at 0 (what
// GaussSuppression calls reducing exact zeros), and propagates through the
// separators: a separator cell whose atoms on one side are all dead kills
// its atoms on the other.
func (c *Component) deadAtoms(pat *Pattern) [][]bool {
	dead := make([][]bool, len(c.Cliques))
	for i, cl := range c.Cliques {
		dead[i] = make([]bool, len(cl.Atoms))
	}
	for _, col := range c.Columns {
		if col.Mag != kensho.MagAccidents || pat.Status[col.ID] != Published || pat.Value[col.ID] != 0 {
			continue
		}
		for _, a := range col.Atoms {
			dead[col.Clique][a] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, s := range c.Separators {
			liveA := make([]bool, s.Cells)
			liveB := make([]bool, s.Cells)
			for a, cell := range s.ProjA {
				if !dead[s.A][a] {
					liveA[cell] = true
				}
			}
			for b, cell := range s.ProjB {
				if !dead[s.B][b] {
					liveB[cell] = true
				}
			}
			for a, cell := range s.ProjA {
				if !liveB[cell] && !dead[s.A][a] {
					dead[s.A][a], changed = true, true
				}
			}
			for b, cell := range s.ProjB {
				if !liveA[cell] && !dead[s.B][b] {
					dead[s.B][b], changed = true, true
				}
			}
		}
	}
	return dead
}

// Terms is a column as a linear function of the programme's variables.
func (pr *Program) Terms(col *Column) []lp.Term {
	var terms []lp.Term
	if col.Mag == kensho.MagAccidents {
		for _, a := range col.Atoms {
			if v := pr.N[col.Clique][a]; v >= 0 {
				terms = append(terms, lp.Term{Var: v, Coef: 1})
			}
			for ri := range pr.P {
				if v := pr.P[ri][col.Clique][a]; v >= 0 {
					terms = append(terms, lp.Term{Var: v, Coef: 1})
				}
			}
		}
		return terms
	}
	mag := pr.U
	if col.Mag == kensho.MagUserHours {
		mag = pr.H
	}
	for _, k := range col.Classes {
		terms = append(terms, lp.Term{Var: mag[k], Coef: 1})
	}
	for ri, r := range pr.data.Public {
		w := float64(r.Users)
		if col.Mag == kensho.MagUserHours {
			w = float64(r.UserMin) / 60
		}
		if w == 0 {
			continue
		}
		for _, a := range col.Atoms {
			if v := pr.P[ri][col.Clique][a]; v >= 0 {
				terms = append(terms, lp.Term{Var: v, Coef: w})
			}
		}
	}
	return terms
}

// unitSupport is the support function of one accident of an atom with the
// given bands in direction (wu, wh): the largest wu·users + wh·user-hours
// such an accident can have.
func unitSupport(ulo, uhi, dlo, dhi, wu, wh float64) float64 {
	best := math.Inf(-1)
	for _, u := range []float64{ulo, uhi} {
		for _, d := range []float64{dlo, dhi} {
			best = math.Max(best, wu*u+wh*u*d/60)
		}
	}
	return best
}

// addSupport bounds each magnitude class's users U and user-hours H by its
// counts per band: (U, H) lies in the sum over its atoms of n_a copies of
// the set of (users, user-hours) one accident of the atom's bands can
// have. A sum of polygons is the polygon whose edges are theirs, so the
// constraints are the support inequalities in the directions of every
// edge: users above and below, and user-hours against users at each
// duration band's limits.
func (pr *Program) addSupport() error {
	c := pr.Comp
	ulo, uhi := kensho.BandLimits("affected_users")
	dlo, dhi := kensho.BandLimits("duration_min")
	// Caps known to every reader: no accident has more users than the
	// largest published users figure of the year, nor lasts longer than
	// from the start of its year to the release.
	capUsers := 0.0
	for _, col := range c.Columns {
		if col.Mag == kensho.MagAffectedUsers && pr.pattern.Status[col.ID] == Published {
			capUsers = math.Max(capUsers, pr.pattern.Value[col.ID])
		}
	}
	capDur := math.Inf(1)
	if len(pr.pattern.MaxDurationMin) > 0 {
		capDur = 0
		for _, y := range c.Years {
			v, ok := pr.pattern.MaxDurationMin[y]
			if !ok {
				capDur = math.Inf(1) // a year without a known limit: none
				break
			}
			capDur = math.Max(capDur, v)
		}
	}
	type dir struct{ wu, wh float64 }
	dirs := []dir{{1, 0}, {-1, 0}}
	for b := range dlo {
		dirs = append(dirs, dir{dlo[b], -60})
		if !math.IsInf(dhi[b], 1) {
			dirs = append(dirs, dir{-(dhi[b] - 1), 60}) // whole minutes: at most dhi − 1
		}
	}
	dirs = append(dirs, dir{-capDur, 60})
	atomsOf := make([][]int, c.Mag.Classes)
	for a, k := range c.Mag.ClassOf {
		atomsOf[k] = append(atomsOf[k], a)
	}
	for k, atoms := range atomsOf {
		for _, w := range dirs {
			if math.IsInf(w.wu, 0) {
				continue
			}
			terms := []lp.Term{{Var: pr.U[k], Coef: w.wu}, {Var: pr.H[k], Coef: w.wh}}
			h := map[int]float64{}
			finite := true
			for _, a := range atoms {
				ub, db := c.Mag.UsersBand[a], c.Mag.DurBand[a]
				uh, dh := uhi[ub]-1, dhi[db]-1
				if math.IsInf(uhi[ub], 1) {
					uh = capUsers
					if capUsers == 0 {
						uh = math.Inf(1)
					}
				}
				if math.IsInf(dhi[db], 1) {
					dh = capDur
				}
				s := unitSupport(ulo[ub], uh, dlo[db], dh, w.wu, w.wh)
				if math.IsInf(s, 1) || math.IsNaN(s) {
					finite = false
					break
				}
				h[a] = s
				if v := pr.N[c.Mag.Clique][a]; v >= 0 && s != 0 {
					terms = append(terms, lp.Term{Var: v, Coef: -s})
				}
			}
			if !finite {
				continue // no bound in this direction
			}
			row := pr.LP.AddRow(terms, math.Inf(-1), 0)
			pr.support = append(pr.support, supportRow{row: row, class: k, wu: w.wu, wh: w.wh, h: h})
		}
	}
	return nil
}

// addQuantile holds what a published quantile of the durations tells: at
// least ⌊h⌋+1 of the cell's n accidents last no longer than the value and
// at least n − ⌈h⌉ no shorter (h = (n−1)·p, R's type 7), read on the
// duration bands and widened by the value's rounding.
func (pr *Program) addQuantile(q *QuantileFigure, n, v float64) {
	lo, hi := kensho.BandLimits(q.Of)
	half := roundingStep(q.Decimals) / 2
	vlo, vhi := v-half, v+half
	h := (n - 1) * q.P
	below := math.Floor(h+1e-9) + 1
	above := n - math.Ceil(h-1e-9)
	var tBelow, tAbove []lp.Term
	for b, atoms := range q.BandAtoms {
		for _, a := range atoms {
			vars := []int{pr.N[q.Clique][a]}
			for ri := range pr.P {
				vars = append(vars, pr.P[ri][q.Clique][a])
			}
			for _, x := range vars {
				if x < 0 {
					continue
				}
				if lo[b] <= vhi {
					tBelow = append(tBelow, lp.Term{Var: x, Coef: 1})
				}
				if math.IsInf(hi[b], 1) || hi[b]-1 >= vlo {
					tAbove = append(tAbove, lp.Term{Var: x, Coef: 1})
				}
			}
		}
	}
	pr.LP.AddRow(tBelow, below, lp.Inf)
	pr.LP.AddRow(tAbove, above, lp.Inf)
}

// Insider is what one operator knows beyond the publication: its own
// accidents, public or not.
type Insider struct {
	Op int32
	// lower bounds of N, fixed placements and support shifts, computed once.
	nLower  map[int]float64
	pFixed  map[int]float64 // placement variable → 0 or 1
	support map[int]float64 // support row → new upper bound
}

// Insider computes what operator op knows, as changes to the programme's
// bounds.
func (pr *Program) Insider(op int32) *Insider {
	in := &Insider{Op: op, nLower: map[int]float64{}, pFixed: map[int]float64{}, support: map[int]float64{}}
	c := pr.Comp
	for ci := range c.Cliques {
		for a, parts := range pr.data.Parts[ci] {
			for _, p := range parts {
				if p.Op == op && pr.N[ci][a] >= 0 {
					in.nLower[pr.N[ci][a]] = float64(p.N)
				}
			}
		}
	}
	for ri, r := range pr.data.Public {
		if r.Op != op {
			continue
		}
		for ci := range c.Cliques {
			for a, v := range pr.P[ri][ci] {
				if v < 0 {
					continue
				}
				if a == r.atoms[ci] {
					in.pFixed[v] = 1
				} else {
					in.pFixed[v] = 0
				}
			}
		}
	}
	if c.Mag != nil {
		// Its own users and user-hours per class, and its own counts.
		ownU := make([]float64, c.Mag.Classes)
		ownH := make([]float64, c.Mag.Classes)
		ownN := map[int]float64{}
		for a, parts := range pr.data.Parts[c.Mag.Clique] {
			for _, p := range parts {
				if p.Op == op {
					k := c.Mag.ClassOf[a]
					ownU[k] += float64(p.Users)
					ownH[k] += float64(p.UserMin) / 60
					ownN[a] = float64(p.N)
				}
			}
		}
		for _, s := range pr.support {
			// The others' part must lie in the others' polygon:
			// w·(U−ownU, H−ownH) ≤ Σ (n−own)·h  ⇔  w·(U,H) − Σ n·h ≤ w·own − Σ own·h.
			rhs := s.wu*ownU[s.class] + s.wh*ownH[s.class]
			for a, h := range s.h {
				rhs -= ownN[a] * h
			}
			if rhs != 0 {
				in.support[s.row] = rhs
			}
		}
	}
	return in
}

// Apply sets the insider's knowledge on a solver of this programme; Undo
// takes it back.
func (in *Insider) Apply(s *lp.Solver) {
	for v, lo := range in.nLower {
		_, hi := s.Bounds(v)
		s.SetBounds(v, lo, hi)
	}
	for v, x := range in.pFixed {
		s.SetBounds(v, x, x)
	}
	for r, hi := range in.support {
		lo, _ := s.RowBounds(r)
		s.SetRowBounds(r, lo, hi)
	}
}

// Undo restores the outsider's bounds.
func (in *Insider) Undo(s *lp.Solver, pr *Program) {
	for v := range in.nLower {
		s.SetBounds(v, pr.LP.Lower[v], pr.LP.Upper[v])
	}
	for v := range in.pFixed {
		s.SetBounds(v, pr.LP.Lower[v], pr.LP.Upper[v])
	}
	for r := range in.support {
		s.SetRowBounds(r, pr.LP.Rows[r].Lo, pr.LP.Rows[r].Hi)
	}
}

// Describe summarizes the programme for reports: variables and rows.
func (pr *Program) Describe() string {
	return strconv.Itoa(len(pr.LP.Lower)) + " unknowns, " + strconv.Itoa(len(pr.LP.Rows)) + " constraints"
}
