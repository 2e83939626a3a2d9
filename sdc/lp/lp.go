// Package lp solves the linear and integer programmes of kensho's
// disclosure model: bound a linear function of the model's unknowns over
// everything that is published, for the outsider and for each operator.
//
// The programmes are small to medium (hundreds to a few thousand variables
// and rows per component of the model), sparse, and solved many times with
// only the objective or a few bounds changed. So the solver is a bounded
// revised simplex with a dense basis inverse, warm-started from the last
// basis, with a branch and bound on top for integer variables. It is written
// here rather than bound from C (CBC, GLPK) so that the kensho binary stays
// self-contained (go install, no system libraries) and keeps its basis from
// question to question; the independent attacker in the test suite checks it
// against HiGHS. Where its branch and bound leaves an integer extreme open,
// the audit may ask COIN-OR's CBC, run as a program when installed (CBC).
//
// This package knows nothing of cells, tables or operators; it must never
// import the model or anything that reads data.
package lp

import (
	"errors"
	"fmt"
	"math"
)

// Inf is an absent bound.
var Inf = math.Inf(1)

// Term is one coefficient of a row or an objective.
type Term struct {
	Var  int
	Coef float64
}

// Row is a linear constraint Lo ≤ Σ coef·x ≤ Hi (Lo == Hi for an
// equality; ±Inf for a one-sided constraint).
type Row struct {
	Terms  []Term
	Lo, Hi float64
}

// Problem is a linear programme over variables with bounds.
type Problem struct {
	Lower, Upper []float64 // one per variable; Upper may be Inf, Lower -Inf
	Rows         []Row
}

// AddVar adds a variable with bounds and returns its index.
func (p *Problem) AddVar(lo, hi float64) int {
	p.Lower = append(p.Lower, lo)
	p.Upper = append(p.Upper, hi)
	return len(p.Lower) - 1
}

// AddRow adds a constraint and returns its index.
func (p *Problem) AddRow(terms []Term, lo, hi float64) int {
	p.Rows = append(p.Rows, Row{Terms: terms, Lo: lo, Hi: hi})
	return len(p.Rows) - 1
}

// Status is the outcome of a solve.
type Status int

const (
	Optimal Status = iota
	Infeasible
	Unbounded
	// IterationLimit: the solver gave up; the caller must treat the bound
	// as unknown (and fail closed).
	IterationLimit
)

func (s Status) String() string {
	switch s {
	case Optimal:
		return "optimal"
	case Infeasible:
		return "infeasible"
	case Unbounded:
		return "unbounded"
	}
	return "iteration limit"
}

// ErrNumeric is returned when the basis cannot be inverted or the
// solution drifts away from the constraints beyond repair.
var ErrNumeric = errors.New("lp: numerical trouble")

const (
	// feasTol: a variable this far outside a bound is infeasible (relative
	// to the bound's magnitude, scaled problem).
	feasTol = 1e-7
	// optTol: a reduced cost this large is attractive.
	optTol = 1e-9
	// pivTol: a pivot element smaller than this is not used.
	pivTol = 1e-9
	// refactorEvery: pivots between reinversions of the basis.
	refactorEvery = 120
)

// Solver holds a problem in solvable form and the current basis; it is
// reused across solves that change only the objective and the bounds.
type Solver struct {
	n, m int // structural variables, rows
	// Columns of [A −I], compressed: col j holds (row, coef) pairs.
	colStart []int
	colRow   []int
	colVal   []float64
	// Scaling: x_internal = x / colScale[j]; row i multiplied by rowScale[i].
	colScale []float64
	rowScale []float64
	// colMax is each structural's largest coefficient in the problem's
	// units: how far a row moves when it moves by one.
	colMax   []float64
	lo, hi   []float64 // bounds of all n+m variables, internal units
	x        []float64 // values of all variables
	basis    []int     // basic variable of each row position
	pos      []int     // position of a variable in the basis, -1 if nonbasic
	lu       *factor   // the basis, factorized, with its updates
	cost     []float64 // objective on structurals, internal units
	sinceInv int
	// MaxIter bounds the pivots of one Solve.
	MaxIter int
	iters   int
	// work arrays
	alpha, y, d []float64
	// priceStart is where partial pricing resumes.
	priceStart int
}

// NewSolver prepares p. The problem is copied; p may be changed after.
func NewSolver(p *Problem) *Solver {
	n, m := len(p.Lower), len(p.Rows)
	s := &Solver{n: n, m: m, MaxIter: 50000}
	// Column-wise copy of A.
	count := make([]int, n+m+1)
	for _, r := range p.Rows {
		for _, t := range r.Terms {
			if t.Var < 0 || t.Var >= n {
				panic(fmt.Sprintf("lp: row refers to variable %d of %d", t.Var, n))
			}
			count[t.Var+1]++
		}
	}
	for i := 0; i < m; i++ {
		count[n+i+1]++
	}
	for j := 1; j <= n+m; j++ {
		count[j] += count[j-1]
	}
	s.colStart = append([]int(nil), count...)
	s.colRow = make([]int, count[n+m])
	s.colVal = make([]float64, count[n+m])
	fill := append([]int(nil), count[:n+m]...)
	for i, r := range p.Rows {
		for _, t := range r.Terms {
			k := fill[t.Var]
			s.colRow[k], s.colVal[k] = i, t.Coef
			fill[t.Var]++
		}
	}
	for i := 0; i < m; i++ {
		k := fill[n+i]
		s.colRow[k], s.colVal[k] = i, -1
	}
	s.scale()
	s.colMax = make([]float64, n)
	for j := 0; j < n; j++ {
		for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
			s.colMax[j] = math.Max(s.colMax[j], math.Abs(s.colVal[k]/(s.rowScale[s.colRow[k]]*s.colScale[j])))
		}
	}
	s.lo = make([]float64, n+m)
	s.hi = make([]float64, n+m)
	for j := 0; j < n; j++ {
		s.lo[j] = p.Lower[j] / s.colScale[j]
		s.hi[j] = p.Upper[j] / s.colScale[j]
	}
	for i, r := range p.Rows {
		s.lo[n+i] = r.Lo * s.rowScale[i]
		s.hi[n+i] = r.Hi * s.rowScale[i]
	}
	s.x = make([]float64, n+m)
	s.basis = make([]int, m)
	s.pos = make([]int, n+m)
	s.cost = make([]float64, n)
	for j := range s.pos {
		s.pos[j] = -1
	}
	for j := 0; j < n; j++ {
		s.x[j] = s.restingValue(j)
	}
	// Start from the slack basis: B = −I.
	for i := 0; i < m; i++ {
		s.basis[i] = n + i
		s.pos[n+i] = i
	}
	s.alpha = make([]float64, m)
	s.y = make([]float64, m)
	s.d = make([]float64, n+m)
	if err := s.reinvert(); err != nil {
		panic("lp: the slack basis cannot be singular")
	}
	return s
}

// scale equilibrates rows and columns by powers of two (exact in floating
// point) so that the largest coefficient of each is near 1.
func (s *Solver) scale() {
	n, m := s.n, s.m
	s.colScale = make([]float64, n)
	s.rowScale = make([]float64, m)
	for i := range s.rowScale {
		s.rowScale[i] = 1
	}
	for j := range s.colScale {
		s.colScale[j] = 1
	}
	// Geometric passes first (each row and column scaled by
	// 1/√(largest·smallest)): a row whose coefficients span 1 to 10¹² —
	// a support row of the magnitudes — scaled by its largest alone would
	// leave its small terms far below the tolerance. Then the largest
	// coefficient of each row and column is brought near 1.
	for pass := 0; pass < 6; pass++ {
		geometric := pass < 4
		rmax := make([]float64, m)
		rmin := make([]float64, m)
		for i := range rmin {
			rmin[i] = math.Inf(1)
		}
		for j := 0; j < n; j++ {
			for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
				v := math.Abs(s.colVal[k] * s.rowScale[s.colRow[k]] * s.colScale[j])
				if v == 0 {
					continue
				}
				rmax[s.colRow[k]] = math.Max(rmax[s.colRow[k]], v)
				rmin[s.colRow[k]] = math.Min(rmin[s.colRow[k]], v)
			}
		}
		for i := range rmax {
			if rmax[i] > 0 {
				if geometric {
					s.rowScale[i] *= pow2(1 / math.Sqrt(rmax[i]*rmin[i]))
				} else {
					s.rowScale[i] *= pow2(1 / rmax[i])
				}
			}
		}
		for j := 0; j < n; j++ {
			cmax, cmin := 0.0, math.Inf(1)
			for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
				v := math.Abs(s.colVal[k] * s.rowScale[s.colRow[k]] * s.colScale[j])
				if v == 0 {
					continue
				}
				cmax, cmin = math.Max(cmax, v), math.Min(cmin, v)
			}
			if cmax > 0 {
				if geometric {
					s.colScale[j] *= pow2(1 / math.Sqrt(cmax*cmin))
				} else {
					s.colScale[j] *= pow2(1 / cmax)
				}
			}
		}
	}
	for j := 0; j < n; j++ {
		for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
			s.colVal[k] *= s.rowScale[s.colRow[k]] * s.colScale[j]
		}
	}
	// The logical of row i stays −1: its value is the scaled row activity.
}

// pow2 rounds v to the nearest power of two.
func pow2(v float64) float64 {
	_, e := math.Frexp(v)
	return math.Ldexp(1, e-1)
}

// restingValue is where a nonbasic variable sits: its lower bound, else its
// upper bound, else zero (free).
func (s *Solver) restingValue(j int) float64 {
	switch {
	case !math.IsInf(s.lo[j], -1):
		return s.lo[j]
	case !math.IsInf(s.hi[j], 1):
		return s.hi[j]
	}
	return 0
}

// NumVars is the number of structural variables.
func (s *Solver) NumVars() int { return s.n }

// SetBounds changes the bounds of structural variable j (in the problem's
// units). The basis is kept; the next Solve restores feasibility from it.
func (s *Solver) SetBounds(j int, lo, hi float64) {
	s.lo[j], s.hi[j] = lo/s.colScale[j], hi/s.colScale[j]
	s.reseat(j)
}

// Bounds returns the bounds of structural variable j in the problem's units.
func (s *Solver) Bounds(j int) (lo, hi float64) {
	return s.lo[j] * s.colScale[j], s.hi[j] * s.colScale[j]
}

// SetRowBounds changes the range of row i.
func (s *Solver) SetRowBounds(i int, lo, hi float64) {
	v := s.n + i
	s.lo[v], s.hi[v] = lo*s.rowScale[i], hi*s.rowScale[i]
	s.reseat(v)
}

// reseat moves a nonbasic variable onto its (changed) bound and the basic
// variables with it, so that the rows keep holding.
func (s *Solver) reseat(j int) {
	if s.pos[j] >= 0 {
		return
	}
	delta := s.clampNonbasic(j) - s.x[j]
	if delta == 0 {
		return
	}
	s.x[j] += delta
	col := make([]float64, s.m)
	for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
		col[s.colRow[k]] = s.colVal[k]
	}
	s.lu.ftran(col)
	for i, b := range s.basis {
		if c := col[i]; c != 0 {
			s.x[b] -= c * delta
		}
	}
}

// RowBounds returns the range of row i in the problem's units.
func (s *Solver) RowBounds(i int) (lo, hi float64) {
	return s.lo[s.n+i] / s.rowScale[i], s.hi[s.n+i] / s.rowScale[i]
}

// clampNonbasic keeps a nonbasic variable at the bound it was resting on.
func (s *Solver) clampNonbasic(j int) float64 {
	x := s.x[j]
	switch {
	case math.IsInf(s.lo[j], -1) && math.IsInf(s.hi[j], 1):
		return 0
	case math.IsInf(s.hi[j], 1):
		return s.lo[j]
	case math.IsInf(s.lo[j], -1):
		return s.hi[j]
	}
	// Two finite bounds: stay on the nearer one.
	if math.Abs(x-s.hi[j]) < math.Abs(x-s.lo[j]) {
		return s.hi[j]
	}
	return s.lo[j]
}

// SetObjective sets the function to maximize (in the problem's units).
func (s *Solver) SetObjective(terms []Term) {
	for j := range s.cost {
		s.cost[j] = 0
	}
	for _, t := range terms {
		s.cost[t.Var] += t.Coef * s.colScale[t.Var]
	}
}

// Value returns structural variable j in the problem's units.
func (s *Solver) Value(j int) float64 { return s.x[j] * s.colScale[j] }

// Objective returns the current value of the objective, problem's units.
func (s *Solver) Objective() float64 {
	v := 0.0
	for j, c := range s.cost {
		if c != 0 {
			v += c * s.x[j]
		}
	}
	return v
}

// Iterations is the number of pivots since the solver was made.
func (s *Solver) Iterations() int { return s.iters }

// RowDual is the rate at which the optimum of the last Solve changes per
// unit of row i's activity bound, in the problem's units; zero for a row
// that does not bind.
func (s *Solver) RowDual(i int) float64 {
	v := s.n + i
	if s.pos[v] >= 0 {
		return 0 // basic: the row does not bind
	}
	return s.y[i] * s.rowScale[i]
}

// Reset returns to the slack basis with every structural variable on its
// resting bound (its lower bound where finite): the start of a fresh
// solver, without copying the problem again.
func (s *Solver) Reset() {
	for j := range s.pos {
		s.pos[j] = -1
	}
	for i := 0; i < s.m; i++ {
		s.basis[i] = s.n + i
		s.pos[s.n+i] = i
	}
	for j := 0; j < s.n; j++ {
		s.x[j] = s.restingValue(j)
	}
	if err := s.reinvert(); err != nil {
		panic("lp: the slack basis cannot be singular")
	}
}
