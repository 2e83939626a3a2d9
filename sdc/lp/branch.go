package lp

import (
	"math"
)

// Maximize solves max Σ terms over the constraints and the variables'
// current bounds, warm-started from the current basis. The value is in the
// problem's units; it is meaningful only when the status is Optimal.
func (s *Solver) Maximize(terms []Term) (Status, float64, error) {
	s.SetObjective(terms)
	st, err := s.Solve()
	if err != nil || st != Optimal {
		return st, 0, err
	}
	return st, s.objectiveOf(terms), nil
}

// objectiveOf evaluates terms at the current values, problem's units.
func (s *Solver) objectiveOf(terms []Term) float64 {
	v := 0.0
	for _, t := range terms {
		v += t.Coef * s.Value(t.Var)
	}
	return v
}

// IntResult is the outcome of an integer maximization.
type IntResult struct {
	// Status is Optimal when the search finished (Best is the integer
	// optimum, or the target was reached), Infeasible when no integer
	// point exists, IterationLimit when the node budget ran out (Best and
	// Bound then bracket the optimum).
	Status Status
	// Found reports whether an integer point was found; Best is its
	// objective and Point its values (structural variables, problem units).
	Found bool
	Best  float64
	Point []float64
	// Bound is an upper bound on the integer optimum (the LP optimum at
	// the root, tightened as the search closes nodes).
	Bound float64
	Nodes int
}

// IntOptions tune MaximizeInteger.
type IntOptions struct {
	// Integer marks the structural variables that must take whole values.
	Integer []bool
	// Target, unless +Inf, stops the search as soon as an integer point
	// reaches it (the question is then only whether the target is
	// reachable), and prunes every node whose relaxation cannot reach it.
	// Use math.Inf(1) for the integer optimum itself.
	Target float64
	// IntegralObjective: the objective takes whole values at every integer
	// point (whole coefficients on integer variables only), so an LP
	// bound can be rounded down.
	IntegralObjective bool
	// MaxNodes bounds the search (0: 20000).
	MaxNodes int
}

// intTol: a value this close to a whole number counts as whole.
const intTol = 1e-6

// MaximizeInteger solves max Σ terms with the marked variables integer, by
// depth-first branch and bound on the LP relaxation, every node warm-started
// from its parent's basis. Bounds changed during the search are restored
// before it returns.
func (s *Solver) MaximizeInteger(terms []Term, opt IntOptions) (IntResult, error) {
	if opt.MaxNodes == 0 {
		opt.MaxNodes = 20000
	}
	s.SetObjective(terms)
	res := IntResult{Best: math.Inf(-1), Bound: math.Inf(1)}
	type change struct {
		v      int
		lo, hi float64 // internal units, to restore
	}
	var trail []change
	restore := func(to int) {
		for len(trail) > to {
			c := trail[len(trail)-1]
			trail = trail[:len(trail)-1]
			s.lo[c.v], s.hi[c.v] = c.lo, c.hi
			s.reseat(c.v)
		}
	}
	defer restore(0)
	roundDown := func(v float64) float64 {
		if opt.IntegralObjective {
			return math.Floor(v + intTol)
		}
		return v
	}
	reached := func() bool {
		return res.Found && !math.IsInf(opt.Target, 1) && res.Best >= opt.Target-intTol
	}
	// The search: each frame is a node to branch from.
	type frame struct {
		mark   int  // trail length before the node's own change
		v      int  // branching variable
		upper  bool // which side is being explored now
		second bool // whether the other side is still to do
		val    float64
	}
	var stack []frame
	solveNode := func() (Status, float64, error) {
		st, err := s.Solve()
		if err != nil || st != Optimal {
			return st, 0, err
		}
		return st, s.objectiveOf(terms), nil
	}
	st, v, err := solveNode()
	res.Nodes = 1
	if err != nil {
		return res, err
	}
	switch st {
	case Infeasible:
		res.Status = Infeasible
		return res, nil
	case Unbounded:
		res.Status, res.Bound = Unbounded, math.Inf(1)
		return res, nil
	case IterationLimit:
		res.Status = IterationLimit
		return res, nil
	}
	res.Bound = roundDown(v)
	// explore handles the node just solved with value v; it returns the
	// branching variable, or −1 when the node is closed (pruned, integer
	// or infeasible).
	explore := func(st Status, v float64) int {
		if st != Optimal {
			return -1
		}
		if res.Found && roundDown(v) <= res.Best+intTol {
			return -1 // cannot beat the incumbent
		}
		if !math.IsInf(opt.Target, 1) && roundDown(v) < opt.Target-intTol {
			return -1 // cannot reach the target
		}
		j := s.fractional(opt.Integer)
		if j < 0 {
			val := s.objectiveOf(terms)
			if !res.Found || val > res.Best {
				res.Found, res.Best = true, val
				res.Point = res.Point[:0]
				for k := 0; k < s.n; k++ {
					res.Point = append(res.Point, s.Value(k))
				}
			}
			return -1
		}
		return j
	}
	if j := explore(st, v); j >= 0 {
		val := s.Value(j)
		up := val-math.Floor(val) >= 0.5
		stack = append(stack, frame{mark: len(trail), v: j, upper: up, second: true, val: val})
	}
	for len(stack) > 0 {
		if reached() {
			break
		}
		if res.Nodes >= opt.MaxNodes {
			res.Status = IterationLimit
			return res, nil
		}
		f := &stack[len(stack)-1]
		restore(f.mark)
		// Apply the side to explore, remembering the value to branch on.
		trail = append(trail, change{f.v, s.lo[f.v], s.hi[f.v]})
		// The value is not whole (fractional): its floor and ceiling
		// differ, even for a value 10⁻⁷ from a whole number.
		if f.upper {
			s.lo[f.v] = math.Ceil(f.val) / s.colScale[f.v]
		} else {
			s.hi[f.v] = math.Floor(f.val) / s.colScale[f.v]
		}
		s.reseat(f.v)
		mark := len(trail)
		if f.second {
			f.second = false
			f.upper = !f.upper
		} else {
			stack = stack[:len(stack)-1]
		}
		st, v, err := solveNode()
		res.Nodes++
		if err != nil {
			return res, err
		}
		if st == IterationLimit {
			res.Status = IterationLimit
			return res, nil
		}
		if j := explore(st, v); j >= 0 {
			val := s.Value(j)
			up := val-math.Floor(val) >= 0.5
			stack = append(stack, frame{mark: mark, v: j, upper: up, second: true, val: val})
		}
	}
	res.Status = Optimal
	switch {
	case reached() && !math.IsInf(opt.Target, 1):
		// Stopped at the target: Best is a lower bound, Bound the root's.
	case res.Found:
		// Every node closed: the incumbent is the integer optimum.
		res.Bound = res.Best
	case math.IsInf(opt.Target, 1):
		res.Status = Infeasible
	default:
		// No integer point reaches the target.
		res.Bound = math.Min(res.Bound, opt.Target)
	}
	return res, nil
}

// fractional returns the integer variable to branch on, or −1 when all
// are whole: the one nearest a whole value (but not at it), which the
// search first rounds to that value — a dive that keeps the relaxation
// near its optimum and finds whole points in few nodes. A value within
// intTol of a whole number is whole only if rounding it moves no row by
// more than wholeMove: a count with a coefficient of 10¹³ users, 10⁻⁷
// from zero, carries a million users, and is branched on like any other.
func (s *Solver) fractional(integer []bool) int {
	best, j := math.Inf(1), -1
	for k := 0; k < s.n; k++ {
		if k >= len(integer) || !integer[k] {
			continue
		}
		v := s.Value(k)
		f := math.Abs(v - math.Round(v))
		if f == 0 || (f <= intTol && f*s.colMax[k] <= wholeMove) {
			continue
		}
		if f < best {
			best, j = f, k
		}
	}
	return j
}

// wholeMove is how far rounding a value within intTol of a whole number may
// move a row (in the problem's units) for the value to count as whole.
const wholeMove = 1e-4
