package lp

import (
	"math"
)

// The simplex. Every variable j (structural, or the logical of a row, whose
// value is the row's activity) has bounds lo[j] ≤ x[j] ≤ hi[j]; the rows
// are A·x − r = 0. A basis holds one variable per row; the others rest on a
// bound. Phase 1 maximizes minus the total infeasibility of the basic
// variables from whatever basis the solver holds (so a warm start after a
// bound change costs a few pivots); phase 2 maximizes the objective.

// Solve maximizes the objective over the constraints from the current
// basis. On Optimal the values are a vertex of the feasible set.
func (s *Solver) Solve() (Status, error) {
	start := s.iters
	degenerate := 0
	// Drift the factors cannot recover from is met once by a cold start
	// from the slack basis (the bounds stay); a second time it is an error.
	restarted := false
	// Progress in phase 2 is checked every 50 pivots on the objective
	// itself: steps that each "improve" on reduced costs at the edge of
	// the tolerance (columns 1 to 10⁶ apart) can return to where they
	// began. A window without a gain turns to Bland's rule for the rest of
	// the solve; a second one, under Bland's rule, ends it: the columns
	// still priced attractive move the objective by less than its
	// rounding, so the vertex is optimal within the tolerance (two
	// columns were seen trading one place for ever under Bland's rule,
	// the objective 8.8·10¹² and unchanged to the last digit).
	forceBland, stalled, lastObj, sinceCheck := false, false, math.Inf(-1), 0
	restart := func(err error) error {
		if restarted {
			return err
		}
		restarted = true
		s.Reset()
		degenerate = 0
		start = s.iters
		forceBland, stalled, lastObj, sinceCheck = false, false, math.Inf(-1), 0
		return nil
	}
	// A solve that has not ended within a few times the pivots a cold one
	// takes is taken to cycle: it starts once more from the slack basis,
	// as a fresh solver would (for a warm start, a path from another
	// basis).
	stall := 4*(s.n+s.m) + 1000
	for {
		if !restarted && s.iters-start > min(stall, s.MaxIter) {
			restart(nil)
		}
		if s.iters-start > s.MaxIter {
			return IterationLimit, nil
		}
		if s.sinceInv >= refactorEvery || s.lu.etaNonzeros() > 20*s.m+1000 {
			if err := s.reinvert(); err != nil {
				if err := restart(err); err != nil {
					return IterationLimit, err
				}
				continue
			}
		}
		phase1 := s.infeasibilityCosts(s.alpha) // alpha as scratch: the basic costs
		if !phase1 {
			for i, v := range s.basis {
				if v < s.n {
					s.alpha[i] = s.cost[v]
				} else {
					s.alpha[i] = 0
				}
			}
		}
		s.dualValues(s.alpha)
		bland := forceBland || degenerate > 40
		q, dir := s.price(phase1, bland)
		if stalled && !phase1 {
			q = -1
		}
		if q < 0 && s.sinceInv > 0 && s.drift() > driftTol {
			// The updated values no longer satisfy the rows: recompute
			// them from a fresh factorization before trusting the end.
			if err := s.reinvert(); err != nil {
				if err := restart(err); err != nil {
					return IterationLimit, err
				}
			}
			continue
		}
		if q < 0 {
			if phase1 {
				return Infeasible, nil
			}
			return Optimal, nil
		}
		s.column(q, s.alpha)
		t, leave, leaveBound := s.ratio(q, dir, phase1, bland)
		if leave == -2 {
			if phase1 {
				// Cannot happen in exact arithmetic (a variable moving
				// toward feasibility stops at its violated bound): the
				// factors have drifted. Refactorize and go on.
				if s.sinceInv == 0 {
					if err := restart(ErrNumeric); err != nil {
						return IterationLimit, err
					}
					continue
				}
				if err := s.reinvert(); err != nil {
					if err := restart(err); err != nil {
						return IterationLimit, err
					}
				}
				continue
			}
			if s.sinceInv > 0 {
				// An unbounded ray is a claim that every target is
				// reached: made only on fresh factors, where no drift
				// can have shrunk a blocking pivot below pivTol.
				if err := s.reinvert(); err != nil {
					if err := restart(err); err != nil {
						return IterationLimit, err
					}
				}
				continue
			}
			return Unbounded, nil
		}
		if t <= 1e-12 {
			degenerate++
		} else {
			degenerate = 0
		}
		s.step(q, dir, t, leave, leaveBound)
		s.iters++
		if phase1 {
			lastObj, sinceCheck = math.Inf(-1), 0
		} else if sinceCheck++; sinceCheck == 50 {
			obj := s.Objective()
			if obj <= lastObj+1e-9*math.Max(1, math.Abs(lastObj)) {
				stalled = forceBland
				forceBland = true
			}
			lastObj, sinceCheck = obj, 0
		}
	}
}

// infeasibilityCosts fills cb with the phase-1 costs of the basic
// variables (+1 below the lower bound, −1 above the upper) and reports
// whether any basic variable is infeasible.
func (s *Solver) infeasibilityCosts(cb []float64) bool {
	any := false
	for i, v := range s.basis {
		x := s.x[v]
		switch {
		case !math.IsInf(s.lo[v], -1) && x < s.lo[v]-tol(s.lo[v]):
			cb[i], any = 1, true
		case !math.IsInf(s.hi[v], 1) && x > s.hi[v]+tol(s.hi[v]):
			cb[i], any = -1, true
		default:
			cb[i] = 0
		}
	}
	return any
}

func tol(bound float64) float64 {
	// Plain comparisons: math.Max's NaN and signed-zero cases cost more
	// than the rest of this function, which runs for every basic variable
	// at every pivot.
	if bound < 0 {
		bound = -bound
	}
	if bound < 1 {
		return feasTol
	}
	return feasTol * bound
}

// dualValues sets y = cbᵀ·B⁻¹.
func (s *Solver) dualValues(cb []float64) {
	copy(s.y, cb)
	s.lu.btran(s.y)
}

// price chooses the entering variable: the nonbasic variable whose reduced
// cost improves the objective most (Dantzig), or with bland the first such
// variable (Bland's rule, which cannot cycle). dir is +1 to increase it, −1
// to decrease it; q is −1 when none improves. Partial pricing: the
// variables are scanned in segments from where the last scan found its
// choice, and the scan stops at the end of the first segment that offers
// one; a full cycle finding none proves optimality.
func (s *Solver) price(phase1, bland bool) (q int, dir float64) {
	q, best := -1, 0.0
	total := s.n + s.m
	seg, start := max(64, total/8), s.priceStart
	if bland {
		seg, start = total, 0 // Bland's rule: the smallest index, so a full scan from 0
	}
	for k := 0; k < total; k++ {
		j := (start + k) % total
		if k > 0 && k%seg == 0 && q >= 0 {
			break
		}
		if s.pos[j] >= 0 {
			continue
		}
		dj := -s.dotY(j)
		if j < s.n && !phase1 {
			dj += s.cost[j]
		}
		var score, dr float64
		switch {
		case dj > optTol && (math.IsInf(s.hi[j], 1) || s.x[j] < s.hi[j]-tol(s.hi[j])):
			score, dr = dj, 1
		case dj < -optTol && (math.IsInf(s.lo[j], -1) || s.x[j] > s.lo[j]+tol(s.lo[j])):
			score, dr = -dj, -1
		default:
			continue
		}
		if bland {
			return j, dr
		}
		if score > best {
			q, best, dir = j, score, dr
		}
	}
	if q >= 0 {
		s.priceStart = q
	}
	return q, dir
}

// dotY is y·a_j.
func (s *Solver) dotY(j int) float64 {
	v := 0.0
	for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
		v += s.y[s.colRow[k]] * s.colVal[k]
	}
	return v
}

// column sets out = B⁻¹·a_q.
func (s *Solver) column(q int, out []float64) {
	for i := range out {
		out[i] = 0
	}
	for k := s.colStart[q]; k < s.colStart[q+1]; k++ {
		out[s.colRow[k]] = s.colVal[k]
	}
	s.lu.ftran(out)
}

// ratio finds how far the entering variable q can move in direction dir:
// the step t, the basis position of the variable that leaves (−1 when q
// only moves to its other bound, −2 when nothing limits the step) and the
// bound the leaving variable ends on. It uses Harris's two passes: the
// largest step allowed with a small tolerance, then among the variables
// that limit the step within it the one with the largest pivot.
func (s *Solver) ratio(q int, dir float64, phase1, bland bool) (float64, int, float64) {
	// Pass 1: the tolerant bound on the step.
	tMax := math.Inf(1)
	if !math.IsInf(s.lo[q], -1) && !math.IsInf(s.hi[q], 1) {
		tMax = s.hi[q] - s.lo[q]
	}
	limit := func(i int, relaxed bool) (float64, float64, bool) {
		a := s.alpha[i]
		if math.Abs(a) < pivTol {
			return 0, 0, false
		}
		v := s.basis[i]
		x := s.x[v]
		rate := -dir * a // change of x per unit step
		lo, hi := s.lo[v], s.hi[v]
		slack := 0.0
		if relaxed {
			slack = tol(math.Max(math.Abs(lo), math.Abs(hi)))
			if math.IsInf(slack, 0) {
				slack = feasTol
			}
		}
		if phase1 {
			switch {
			case !math.IsInf(lo, -1) && x < lo-tol(lo): // below: stops on reaching lo
				if rate > 0 {
					return (lo - x + slack) / rate, lo, true
				}
				return 0, 0, false
			case !math.IsInf(hi, 1) && x > hi+tol(hi):
				if rate < 0 {
					return (x - hi + slack) / -rate, hi, true
				}
				return 0, 0, false
			}
		}
		if rate > 0 {
			if math.IsInf(hi, 1) {
				return 0, 0, false
			}
			return nonneg(hi-x+slack) / rate, hi, true
		}
		if math.IsInf(lo, -1) {
			return 0, 0, false
		}
		return nonneg(x-lo+slack) / -rate, lo, true
	}
	bound := tMax
	for i := range s.basis {
		if t, _, ok := limit(i, true); ok && t < bound {
			bound = t
		}
	}
	if math.IsInf(bound, 1) {
		return 0, -2, 0
	}
	// Pass 2: among the limits within bound, the largest pivot.
	leave, leaveBound, bestPiv, step := -1, 0.0, 0.0, tMax
	for i := range s.basis {
		t, b, ok := limit(i, false)
		if !ok || t > bound {
			continue
		}
		piv := math.Abs(s.alpha[i])
		better := piv > bestPiv
		if bland && leave >= 0 {
			better = s.basis[i] < s.basis[leave] // smallest index among ties
		}
		if leave < 0 || better {
			leave, leaveBound, bestPiv, step = i, b, piv, t
		}
	}
	if leave < 0 {
		return tMax, -1, 0 // the entering variable reaches its other bound
	}
	if step > tMax {
		return tMax, -1, 0
	}
	return step, leave, leaveBound
}

// step moves q by dir·t, updates the basic variables and, when a basic
// variable leaves, the basis and its inverse.
func (s *Solver) step(q int, dir, t float64, leave int, leaveBound float64) {
	if t > 0 {
		s.x[q] += dir * t
		for i, v := range s.basis {
			if a := s.alpha[i]; a != 0 {
				s.x[v] -= dir * a * t
			}
		}
	}
	if leave < 0 {
		// A bound flip: land exactly on the bound.
		if dir > 0 {
			s.x[q] = s.hi[q]
		} else {
			s.x[q] = s.lo[q]
		}
		return
	}
	out := s.basis[leave]
	s.x[out] = leaveBound
	s.pos[out] = -1
	s.basis[leave] = q
	s.pos[q] = leave
	s.pivotInverse(leave)
	s.sinceInv++
}

// pivotInverse records the basis change at position r, with s.alpha =
// B⁻¹·a_q of the entering column.
func (s *Solver) pivotInverse(r int) { s.lu.update(r, s.alpha) }

// reinvert factorizes the basis afresh and recomputes the basic
// variables, which removes the drift of many updates. A basis that has
// become singular (the updates' rounding can make one) is repaired: each
// column left without a pivot gives its place to the logical of a row
// left without one, which then rests on a bound.
func (s *Solver) reinvert() error {
	for attempt := 0; attempt < 3; attempt++ {
		cols := make([][]entry, s.m)
		for i, v := range s.basis {
			for k := s.colStart[v]; k < s.colStart[v+1]; k++ {
				cols[i] = append(cols[i], entry{s.colRow[k], s.colVal[k]})
			}
		}
		f, badCols, badRows := factorize(s.m, cols)
		if f != nil {
			s.lu = f
			s.sinceInv = 0
			s.computeBasics()
			return nil
		}
		for k, pos := range badCols {
			out := s.basis[pos]
			in := s.n + badRows[k]
			s.pos[out] = -1
			s.x[out] = s.clampNonbasic(out)
			s.basis[pos] = in
			s.pos[in] = pos
		}
	}
	return ErrNumeric
}

// computeBasics sets x_B = −B⁻¹·N·x_N.
func (s *Solver) computeBasics() {
	rhs := make([]float64, s.m)
	for j := 0; j < s.n+s.m; j++ {
		if s.pos[j] >= 0 || s.x[j] == 0 {
			continue
		}
		for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
			rhs[s.colRow[k]] -= s.colVal[k] * s.x[j]
		}
	}
	s.lu.ftran(rhs)
	for i, v := range s.basis {
		s.x[v] = rhs[i]
	}
}

// driftTol is how far (in scaled units, where each row's largest
// coefficient is about 1) the rows may be from holding at the values the
// updates left before Solve refactorizes to end: far above the rounding of
// a few thousand updates, far below anything a solution may carry.
const driftTol = 1e-7

// drift is the largest amount by which the values break A·x − r = 0 (in
// scaled units): the updates' accumulated error, which a solution must not
// carry. (In the branch and bound of sdc/model, points 200,000 users off a
// row were reported optimal before this check.)
func (s *Solver) drift() float64 {
	act := make([]float64, s.m)
	for j := 0; j < s.n; j++ {
		x := s.x[j]
		if x == 0 {
			continue
		}
		for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
			act[s.colRow[k]] += s.colVal[k] * x
		}
	}
	worst := 0.0
	for i := 0; i < s.m; i++ {
		worst = math.Max(worst, math.Abs(act[i]-s.x[s.n+i]))
	}
	return worst
}

// Refresh reinverts the basis and recomputes the values; callers use it
// before trusting a solution to the last digit.
func (s *Solver) Refresh() error { return s.reinvert() }

// MaxViolation is the largest violation of a bound or a row by the
// current values, in the problem's units (a check of the solution).
func (s *Solver) MaxViolation() float64 {
	worst := 0.0
	for j := 0; j < s.n+s.m; j++ {
		var scale float64
		if j < s.n {
			scale = s.colScale[j]
		} else {
			scale = 1 / s.rowScale[j-s.n]
		}
		x := s.x[j]
		if v := (s.lo[j] - x) * scale; v > worst {
			worst = v
		}
		if v := (x - s.hi[j]) * scale; v > worst {
			worst = v
		}
	}
	// Row activities recomputed from the structurals.
	act := make([]float64, s.m)
	for j := 0; j < s.n; j++ {
		for k := s.colStart[j]; k < s.colStart[j+1]; k++ {
			act[s.colRow[k]] += s.colVal[k] * s.x[j]
		}
	}
	for i := 0; i < s.m; i++ {
		if v := math.Abs(act[i]-s.x[s.n+i]) / s.rowScale[i]; v > worst {
			worst = v
		}
	}
	return worst
}

// nonneg is max(0, v) for the values of the ratio test (never NaN).
func nonneg(v float64) float64 {
	if v < 0 {
		return 0
	}
	return v
}
