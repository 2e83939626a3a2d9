package model

import (
	"cmp"
	"math"
	"slices"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/lp"
)

// Bounder answers how far a reader can narrow columns of one programme.
// Each block has two solvers, made when first needed: one over the
// unknowns themselves, warm-started from question to question (the
// relaxation's bounds, and the rows that hold them), and one over the
// deviations from the truth (whole points that reach a target by the
// smallest exchange of accidents).
type Bounder struct {
	Pr *Program
	// Programmes counts the linear programmes solved (branch-and-bound
	// nodes included).
	Programmes int
	// Quick: a target no small whole move from the truth reaches is
	// answered "not reached" without branch and bound on the whole
	// programme. Protection sets it: a no costs a partner that may not
	// have been needed, never safety. The audit leaves it off.
	Quick bool
	// Exact, when set, is an integer solver of long standing (lp.CBC) that
	// ExtremeFrom asks where its own search leaves a gap between what whole
	// points reach and what its bound proves. Its point counts only once
	// settled and checked on this programme, as every witness is; its
	// bound only when it proved its optimum.
	Exact ExactSolver
	// SearchNodes, when positive, replaces the node budgets of
	// ExtremeFrom's own searches (searchNodes for its branch and bound,
	// nearNodes for each small move). Only tests set it: low, it leaves
	// the gaps Exact is asked to close.
	SearchNodes int
	std         []*lp.Solver
	dev         []*devSolver
	insider     *Insider
}

// ExactSolver maximizes Σ terms over a programme, the marked variables
// whole (lp.CBC's MaximizeInteger).
type ExactSolver func(p *lp.Problem, integer []bool, terms []lp.Term) (lp.IntResult, error)

// currentBlock is block blk's programme as the bounder holds it now: the
// rows and bounds of the present pattern, the insider's knowledge applied.
func (b *Bounder) currentBlock(blk int) *lp.Problem {
	s := b.solver(blk)
	src := &b.Pr.blocks[blk].prob
	p := &lp.Problem{Lower: make([]float64, len(src.Lower)), Upper: make([]float64, len(src.Upper)), Rows: make([]lp.Row, len(src.Rows))}
	for j := range src.Lower {
		p.Lower[j], p.Upper[j] = s.Bounds(j)
	}
	for i, r := range src.Rows {
		lo, hi := s.RowBounds(i)
		p.Rows[i] = lp.Row{Terms: r.Terms, Lo: lo, Hi: hi}
	}
	return p
}

// devSolver is a block's programme in the deviations p, q ≥ 0 from the
// true point x*: x = x* + p − q, variable 2k is p and 2k+1 is q of the
// block's variable k.
type devSolver struct {
	s       *lp.Solver
	xs      []float64 // x* of the block's variables
	at      []float64 // each local row's value at x*
	integer []bool
}

// NewBounder prepares the programme's solvers.
func (pr *Program) NewBounder() *Bounder {
	return &Bounder{Pr: pr, std: make([]*lp.Solver, len(pr.blocks)), dev: make([]*devSolver, len(pr.blocks))}
}

func (b *Bounder) solver(blk int) *lp.Solver {
	if b.std[blk] == nil {
		b.std[blk] = lp.NewSolver(&b.Pr.blocks[blk].prob)
		if b.insider != nil {
			b.insider.apply(b, blk, false)
		}
	}
	return b.std[blk]
}

func (b *Bounder) devSolverOf(blk int) *devSolver {
	if b.dev[blk] != nil {
		return b.dev[blk]
	}
	pr := b.Pr
	bl := pr.blocks[blk]
	d := &devSolver{xs: make([]float64, len(bl.vars))}
	var prob lp.Problem
	for k, v := range bl.vars {
		x := pr.truth[v]
		d.xs[k] = x
		prob.AddVar(0, math.Max(0, pr.LP.Upper[v]-x)) // p: up
		prob.AddVar(0, math.Max(0, x-pr.LP.Lower[v])) // q: down
		d.integer = append(d.integer, bl.integer[k], bl.integer[k])
	}
	for _, r := range bl.prob.Rows {
		terms := make([]lp.Term, 0, 2*len(r.Terms))
		at := 0.0
		for _, t := range r.Terms {
			terms = append(terms, lp.Term{Var: 2 * t.Var, Coef: t.Coef}, lp.Term{Var: 2*t.Var + 1, Coef: -t.Coef})
			at += t.Coef * d.xs[t.Var]
		}
		d.at = append(d.at, at)
		prob.AddRow(terms, r.Lo-at, r.Hi-at)
	}
	d.s = lp.NewSolver(&prob)
	b.dev[blk] = d
	if b.insider != nil {
		b.insider.apply(b, blk, false)
	}
	return d
}

// setVarBounds copies a variable's bounds from the programme (and the
// insider's knowledge, when set) to the solvers made so far.
func (b *Bounder) setVarBounds(v int) {
	pr := b.Pr
	blk, l := pr.varBlock[v], pr.varLocal[v]
	lo, hi := pr.LP.Lower[v], pr.LP.Upper[v]
	if b.insider != nil {
		if x, ok := b.insider.nLower[v]; ok {
			lo = math.Min(x, hi)
		}
		if x, ok := b.insider.pFixed[v]; ok {
			lo, hi = x, x
		}
	}
	if s := b.std[blk]; s != nil {
		s.SetBounds(l, lo, hi)
	}
	if d := b.dev[blk]; d != nil {
		x := d.xs[l]
		d.s.SetBounds(2*l, 0, math.Max(0, hi-x))
		d.s.SetBounds(2*l+1, 0, math.Max(0, x-lo))
	}
}

// setRowBounds changes a row's bounds in the solvers made so far.
func (b *Bounder) setRowBounds(r int, lo, hi float64) {
	blk, l := b.Pr.rowBlock[r], b.Pr.rowLocal[r]
	if blk < 0 {
		return
	}
	if s := b.std[blk]; s != nil {
		s.SetRowBounds(l, lo, hi)
	}
	if d := b.dev[blk]; d != nil {
		d.s.SetRowBounds(l, lo-d.at[l], hi-d.at[l])
	}
}

// SetInsider gives the reader operator op's knowledge of its own
// accidents (nil: an outsider).
func (b *Bounder) SetInsider(in *Insider) {
	if b.insider != nil {
		for blk := range b.std {
			b.insider.apply(b, blk, true)
		}
	}
	b.insider = in
	if in != nil {
		for blk := range b.std {
			in.apply(b, blk, false)
		}
	}
}

// Reach is the answer to "can the column be as large as (or as small as)
// target": Ok, and a point of the unknowns that shows it (Witness: the
// values of the column's blocks, NaN elsewhere), or the best bound found
// (Bound) when it cannot.
type Reach struct {
	Ok      bool
	Witness []float64
	Bound   float64
	// Binding are the rows (of the whole programme) that held the
	// relaxation's optimum, when the target was out of reach: the
	// publications to lift to widen it.
	Binding []int
	Status  lp.Status
}

// byBlock splits a linear function by block, with local variables and
// the sign for the direction.
func (b *Bounder) byBlock(terms []lp.Term, sign float64) map[int][]lp.Term {
	out := map[int][]lp.Term{}
	for _, t := range terms {
		blk := b.Pr.varBlock[t.Var]
		out[blk] = append(out[blk], lp.Term{Var: b.Pr.varLocal[t.Var], Coef: sign * t.Coef})
	}
	return out
}

func sortedBlocks(m map[int][]lp.Term) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Reach asks whether the column can reach target: at least target when
// upper, at most target otherwise; counts are whole numbers.
func (b *Bounder) Reach(col *Column, upper bool, target float64) (Reach, error) {
	sign := 1.0
	if !upper {
		sign, target = -1, -target
	}
	parts := b.byBlock(b.Pr.Terms(col), sign)
	integral := col.Mag == kensho.MagAccidents
	r := Reach{Witness: make([]float64, len(b.Pr.LP.Lower))}
	for i := range r.Witness {
		r.Witness[i] = math.NaN()
	}
	if len(parts) == 0 {
		r.Ok, r.Bound = 0 >= target, 0
		return r, nil
	}
	blocks := sortedBlocks(parts)
	if len(blocks) == 1 {
		// One block: first the smallest whole move from the truth that
		// reaches the target (a few pivots from a feasible start: the
		// usual answer is yes), then the relaxation (a no, and the rows
		// that hold it), then branch and bound on the whole programme.
		blk := blocks[0]
		ok, w, nodes, err := b.reachNear(blk, col, upper, sign*target)
		b.Programmes += nodes
		if err != nil {
			return r, err
		}
		if ok {
			r.Ok, r.Witness, r.Bound = true, w, sign*target
			return r, nil
		}
		s := b.solver(blk)
		st, v, err := s.Maximize(parts[blk])
		b.Programmes++
		if err != nil {
			return r, err
		}
		r.Status = st
		if st == lp.Unbounded {
			// The programme holds a whole point (the truth, which every
			// reader's knowledge admits) and its data are rational: an
			// unbounded relaxation makes the integer programme unbounded
			// too (Meyer 1974), so any target is reached — as the
			// audit's ExtremeFrom and the several-block case below take
			// it. (Before, branch and bound answered "unbounded" here and
			// the question read as a shortfall that no partner could
			// lift: protect suppressed until nothing was left.)
			r.Ok, r.Bound, r.Witness = true, sign*math.Inf(1), nil
			return r, nil
		}
		if !b.Quick && st == lp.Optimal && v >= target-1e-6*math.Max(1, math.Abs(target)) {
			// The relaxation reaches it but no whole point near the truth
			// was found: decide by branch and bound on the whole programme.
			res, err := s.MaximizeInteger(parts[blk], lp.IntOptions{Integer: b.Pr.blocks[blk].integer, Target: target, IntegralObjective: integral, MaxNodes: searchNodes})
			b.Programmes += res.Nodes
			if err != nil {
				return r, err
			}
			r.Status = res.Status
			if res.Found && Reaches(res.Best, target) {
				if w, val := b.blockPoint(blk, res.Point, parts[blk]); w != nil && Reaches(val, target) {
					r.Ok, r.Witness, r.Bound = true, w, sign*val
					return r, nil
				}
			}
			r.Bound = sign * math.Min(res.Bound, target)
		} else if st == lp.Optimal {
			r.Bound = sign * math.Min(v, target)
		}
		b.bindingRows(blk, parts[blk], &r)
		return r, nil
	}
	// Several blocks: the maximum of a sum of independent parts is the
	// sum of their maxima.
	total := 0.0
	for _, blk := range blocks {
		s := b.solver(blk)
		res, err := s.MaximizeInteger(parts[blk], lp.IntOptions{Integer: b.Pr.blocks[blk].integer, Target: math.Inf(1), IntegralObjective: integral, MaxNodes: searchNodes})
		b.Programmes += res.Nodes
		if err != nil {
			return r, err
		}
		r.Status = res.Status
		switch {
		case res.Status == lp.Unbounded:
			r.Ok, r.Bound, r.Witness = true, sign*math.Inf(1), nil
			return r, nil
		case res.Status == lp.IterationLimit:
			// Unknown: the caller treats the answer as a shortfall.
			r.Bound = sign * res.Bound
			return r, nil
		case res.Found:
			w, val := b.blockPoint(blk, res.Point, parts[blk])
			if w == nil {
				total = math.Inf(-1) // nothing shown: not reached
				continue
			}
			total += val
			for k := range res.Point {
				v := b.Pr.blocks[blk].vars[k]
				r.Witness[v] = w[v]
			}
		default:
			total = math.Inf(-1)
		}
	}
	if Reaches(total, target) {
		r.Ok, r.Bound = true, sign*total
		return r, nil
	}
	if !math.IsInf(total, -1) {
		r.Bound = sign * total
	}
	for _, blk := range blocks {
		b.bindingRows(blk, parts[blk], &r)
	}
	return r, nil
}

// bindingRows adds the rows that bind the relaxation's optimum of the
// objective in block blk.
func (b *Bounder) bindingRows(blk int, obj []lp.Term, r *Reach) {
	s := b.solver(blk)
	if st, _, err := s.Maximize(obj); err != nil || st != lp.Optimal {
		return
	}
	for gi := range b.Pr.LP.Rows {
		if b.Pr.rowBlock[gi] == blk && math.Abs(s.RowDual(b.Pr.rowLocal[gi])) > 1e-9 {
			r.Binding = append(r.Binding, gi)
		}
	}
}

// Extreme is the exact largest (upper) or smallest value of the column a
// reader can reach, integer-aware, pursued no further than limit (a bound
// at or beyond limit is reported as limit). The relaxation gives a bound;
// whole points near the truth are then sought at targets walking down from
// it — each whole step for a count, halving the gap for a magnitude — and
// a target no whole point reaches is settled by the branch and bound of
// the search, which either finds one or proves there is none. Witness
// returns the point that reaches the value (NaN outside its block), nil
// when the value is the truth's own.
func (b *Bounder) Extreme(col *Column, upper bool, limit float64) (float64, []float64, lp.Status, error) {
	e, err := b.ExtremeFrom(col, upper, limit, math.NaN())
	return e.Reached, e.Witness, e.Status, err
}

// Extent is how far a reader can take a column on one side: Reached is
// a value a whole point (Witness; nil when it is the truth's own or not
// known) shows a reader cannot exclude; Bound a value no reader goes
// beyond (the relaxation's, tightened by branch and bound). Both are
// capped at the limit asked for. Reached = Bound when the search settled
// the extreme; between them lie values neither shown reachable nor shown
// out of reach.
type Extent struct {
	Reached, Bound float64
	Witness        []float64
	Status         lp.Status
}

// ExtremeFrom is Extreme when a whole point reaching from is already known
// (NaN: none beyond the truth): the search starts there. A magnitude's
// search stops within 0.2 % of the way from the truth to the limit (a
// ratio to the protection required known to 0.004), or a unit; the value
// returned is always one a witness reaches; the extent's Bound is one no
// whole point of the programme passes.
func (b *Bounder) ExtremeFrom(col *Column, upper bool, limit, from float64) (Extent, error) {
	sign := 1.0
	if !upper {
		sign = -1
	}
	parts := b.byBlock(b.Pr.Terms(col), sign)
	blocks := sortedBlocks(parts)
	x := 0.0
	for _, t := range b.Pr.Terms(col) {
		x += t.Coef * b.Pr.truth[t.Var]
	}
	if len(blocks) != 1 {
		v, bound, st, err := b.sumOfMaxima(col, parts, blocks, sign*limit)
		return Extent{Reached: sign * v, Bound: sign * bound, Status: st}, err
	}
	blk := blocks[0]
	lim := sign * limit // in the maximizing direction
	// near: a small whole move from the truth that reaches t.
	near := func(t float64) (bool, []float64, error) {
		ok, w, nodes, err := b.reachNear(blk, col, upper, sign*t)
		b.Programmes += nodes
		return ok, w, err
	}
	// The limit first: few pivots from the truth, and usually yes.
	if ok, w, err := near(lim); err != nil || ok {
		return Extent{Reached: sign * lim, Bound: sign * lim, Witness: w, Status: lp.Optimal}, err
	}
	// One branch and bound for the largest whole value (stopping at the
	// limit): its best point is reached; its bound, when the search ends
	// within its budget, is exact.
	integral := col.Mag == kensho.MagAccidents
	res, err := b.solver(blk).MaximizeInteger(parts[blk], lp.IntOptions{Integer: b.Pr.blocks[blk].integer,
		Target: lim, IntegralObjective: integral, MaxNodes: cmp.Or(b.SearchNodes, searchNodes)})
	b.Programmes += res.Nodes
	if err != nil {
		return Extent{Status: res.Status}, err
	}
	if res.Status == lp.Unbounded {
		return Extent{Reached: sign * lim, Bound: sign * lim, Status: lp.Optimal}, nil
	}
	if math.IsInf(res.Bound, 1) {
		// The search stopped before its root was solved (the simplex's
		// iteration limit, from the basis the last question left): the
		// relaxation alone, asked again, still bounds every reader.
		// (National seed 11's lowest figure: the cap reported where the
		// relaxation gives 2,746, the attacker's own bound.)
		s := b.solver(blk)
		st, v, err := s.Maximize(parts[blk])
		if err == nil && st != lp.Optimal {
			s.Reset()
			st, v, err = s.Maximize(parts[blk])
		}
		b.Programmes++
		if err != nil {
			return Extent{Status: st}, err
		}
		if st == lp.Optimal {
			res.Bound = v
		}
	}
	lo, hi := sign*x, math.Min(lim, res.Bound)
	if !math.IsNaN(from) {
		lo = math.Max(lo, math.Min(sign*from, hi))
	}
	var best []float64
	if res.Found && res.Best > lo {
		if w, val := b.blockPoint(blk, res.Point, parts[blk]); w != nil && val > lo {
			lo, best = math.Min(val, lim), w
		}
	}
	// Between what is reached and the bound, a few small moves from the
	// truth: to a whole number for a count, within 0.2 % of the way to
	// the limit (a ratio known to 0.004) or a unit for a magnitude.
	precision := math.Max(0.5, 0.002*(lim-sign*x))
	if integral {
		hi = math.Floor(hi + 1e-6)
		precision = 0.5
	}
	// What no reader passes: the search's bound (a probe below that no
	// small move reaches proves nothing, so the probes leave it).
	bound := math.Max(hi, lo)
	for probes := 0; hi-lo > precision && probes < 12; probes++ {
		mid := (lo + hi) / 2
		if integral {
			mid = math.Ceil(mid)
		}
		ok, w, err := near(mid)
		if err != nil {
			return Extent{Status: lp.Optimal}, err
		}
		if ok {
			lo, best = mid, w
		} else if integral {
			hi = mid - 1
		} else {
			hi = mid
		}
	}
	if b.Exact != nil && bound-lo > precision {
		var err error
		if lo, bound, best, err = b.exact(blk, parts[blk], lim, lo, bound, best, integral); err != nil {
			return Extent{Status: lp.Optimal}, err
		}
	}
	return Extent{Reached: sign * lo, Bound: sign * bound, Witness: best, Status: lp.Optimal}, nil
}

// exact asks the exact solver for the largest whole value of obj over
// block blk, capped at lim (a row), where the bounder's own search left
// [lo, bound] open. A point it returns moves lo once it holds on this
// programme (settled and checked as any witness); a proved optimum moves
// bound, rounded outward by the solver's tolerance.
func (b *Bounder) exact(blk int, obj []lp.Term, lim, lo, bound float64, best []float64, integral bool) (float64, float64, []float64, error) {
	p := b.currentBlock(blk)
	p.Rows = append(p.Rows, lp.Row{Terms: obj, Lo: math.Inf(-1), Hi: lim})
	res, err := b.Exact(p, b.Pr.blocks[blk].integer, obj)
	b.Programmes++
	if err != nil {
		return lo, bound, best, err
	}
	if res.Found {
		if w, val := b.blockPoint(blk, res.Point, obj); w != nil && val > lo {
			lo, best = math.Min(val, lim), w
		}
	}
	if res.Status == lp.Optimal && res.Found && res.Bound < bound {
		v := res.Bound
		if integral {
			v = math.Floor(v + 1e-6)
		} else {
			v += 1e-6 * math.Max(1, math.Abs(v))
		}
		bound = math.Max(lo, math.Min(bound, v))
	}
	return lo, bound, best, nil
}

// sumOfMaxima bounds a column spread over several blocks: the largest sum
// of independent parts is the sum of their largest values. It returns the
// sum reached and the sum of the blocks' bounds, both capped at limit.
func (b *Bounder) sumOfMaxima(col *Column, parts map[int][]lp.Term, blocks []int, limit float64) (float64, float64, lp.Status, error) {
	total, bound := 0.0, 0.0
	for _, blk := range blocks {
		res, err := b.solver(blk).MaximizeInteger(parts[blk], lp.IntOptions{Integer: b.Pr.blocks[blk].integer,
			Target: math.Inf(1), IntegralObjective: col.Mag == kensho.MagAccidents, MaxNodes: searchNodes})
		b.Programmes += res.Nodes
		if err != nil {
			return 0, 0, res.Status, err
		}
		switch {
		case res.Status == lp.Unbounded:
			return limit, limit, lp.Optimal, nil
		case !res.Found:
			return 0, 0, res.Status, nil
		}
		bound += res.Bound
		// A search out of nodes still has a whole point: its value is
		// reached, perhaps not the largest. A point that does not hold
		// shows only what the truth does in this block.
		if w, val := b.blockPoint(blk, res.Point, parts[blk]); w != nil {
			total += val
			continue
		}
		for _, t := range parts[blk] {
			total += t.Coef * b.Pr.truth[b.Pr.blocks[blk].vars[t.Var]]
		}
	}
	return math.Min(total, limit), math.Min(math.Max(bound, total), limit), lp.Optimal, nil
}

// Admits reports whether a witness of the outsider's programme (its
// column's blocks; NaN elsewhere) is also consistent with what insider in
// knows, so the insider's interval reaches at least as far.
func (in *Insider) Admits(pr *Program, point []float64) bool {
	if point == nil {
		return false
	}
	for _, e := range in.nLowerList {
		if x := point[e.i]; !math.IsNaN(x) && x < e.v-1e-9 {
			return false
		}
	}
	for _, e := range in.pFixedList {
		if x := point[e.i]; !math.IsNaN(x) && math.Abs(x-e.v) > 1e-9 {
			return false
		}
	}
	for _, e := range in.supportList {
		act := 0.0
		for _, t := range pr.LP.Rows[e.i].Terms {
			act += t.Coef * point[t.Var]
		}
		if !math.IsNaN(act) && act > e.v+1e-6*math.Max(1, math.Abs(e.v)) {
			return false
		}
	}
	return true
}

// RowColumn maps the programme's rows back to the published columns that
// made them (−1 for a row of the code lists or a separator).
func (pr *Program) RowColumn() []int { return pr.rowCol }

// DebugFractional solves the relaxation of max column and counts the
// integer variables left fractional (a diagnostic).
func (b *Bounder) DebugFractional(col *Column) (float64, int, int) {
	parts := b.byBlock(b.Pr.Terms(col), 1)
	frac, n := 0, 0
	total := 0.0
	for blk, terms := range parts {
		s := b.solver(blk)
		_, v, _ := s.Maximize(terms)
		total += v
		for k := range b.Pr.blocks[blk].vars {
			if b.Pr.blocks[blk].integer[k] {
				n++
				x := s.Value(k)
				if math.Abs(x-math.Round(x)) > 1e-6 {
					frac++
				}
			}
		}
	}
	return total, frac, n
}

// reachNear looks for a whole point reaching the target by a small move
// from the truth: the block's programme in deviations from the true point
// starts at no move, which satisfies every constraint but the target, so
// the simplex needs few pivots, and the point it finds is an exchange of a
// few accidents between atoms — whole in the tables' transport structure,
// so the branch and bound seldom has to branch. The column's row carries
// the target for the time of the question.
// Node budgets of the integer searches. A search that runs out answers
// "not reached": protection then suppresses more and the audit reports
// only what a witness backs, so a budget costs utility, never safety.
const (
	nearNodes   = 200
	searchNodes = 2000
)

func (b *Bounder) reachNear(blk int, col *Column, upper bool, target float64) (bool, []float64, int, error) {
	pr := b.Pr
	d := b.devSolverOf(blk)
	r, ok := pr.rowOf[col.ID]
	if !ok || pr.rowBlock[r] != blk {
		return false, nil, 0, nil
	}
	l := pr.rowLocal[r]
	lo, hi := d.s.RowBounds(l)
	if col.Mag == kensho.MagAccidents {
		// A count is whole: ask for the whole number, which keeps the
		// relaxation's point whole too.
		if upper {
			target = math.Ceil(target - 1e-9)
		} else {
			target = math.Floor(target + 1e-9)
		}
	}
	if upper {
		d.s.SetRowBounds(l, math.Max(lo, target-d.at[l]), hi)
	} else {
		d.s.SetRowBounds(l, lo, math.Min(hi, target-d.at[l]))
	}
	defer d.s.SetRowBounds(l, lo, hi)
	d.s.Reset()
	res, err := d.s.MaximizeInteger(nil, lp.IntOptions{Integer: d.integer, Target: math.Inf(-1), IntegralObjective: true, MaxNodes: cmp.Or(b.SearchNodes, nearNodes)})
	if err != nil || !res.Found {
		return false, nil, res.Nodes, err
	}
	w := make([]float64, len(pr.LP.Lower))
	for i := range w {
		w[i] = math.NaN()
	}
	for k, v := range pr.blocks[blk].vars {
		w[v] = d.xs[k] + res.Point[2*k] - res.Point[2*k+1]
	}
	sign := 1.0
	if !upper {
		sign = -1
	}
	obj := pr.Terms(col)
	if !b.settle(w, obj, sign) || !Reaches(sign*value(obj, w), sign*target) {
		return false, nil, res.Nodes, nil
	}
	return true, w, res.Nodes, nil
}

// Reaches reports whether v reaches target from below, within the
// solver's arithmetic: a relative 1e-9, far below a unit for any figure
// kensho publishes (a relative 1e-6 would credit 15 user-hours that are
// not there on a figure of 15 million).
func Reaches(v, target float64) bool {
	return v >= target-1e-9*math.Max(1, math.Abs(target))
}

// blockPoint turns a solver's point of block blk, found maximizing obj
// (local terms), into a witness of the whole programme (NaN outside the
// block), settled, and obj's value there; nil when it does not hold.
func (b *Bounder) blockPoint(blk int, point []float64, obj []lp.Term) ([]float64, float64) {
	vars := b.Pr.blocks[blk].vars
	w := make([]float64, len(b.Pr.LP.Lower))
	for i := range w {
		w[i] = math.NaN()
	}
	for k, v := range point {
		w[vars[k]] = v
	}
	global := make([]lp.Term, len(obj))
	for i, t := range obj {
		global[i] = lp.Term{Var: vars[t.Var], Coef: t.Coef}
	}
	if !b.settle(w, global, 1) {
		return nil, 0
	}
	return w, value(global, w)
}

// value is Σ coef·x of terms at point w.
func value(terms []lp.Term, w []float64) float64 {
	v := 0.0
	for _, t := range terms {
		v += t.Coef * w[t.Var]
	}
	return v
}

// settle makes a witness whole and exact, and checks it: the integer
// unknowns of its blocks (those not NaN) are rounded to whole numbers, then
// every bound and every row of those blocks — with the insider's
// knowledge, when one is set — must hold within witnessTol.
//
// A solver's point holds its rows within a tolerance relative to the
// row's terms, and the support rows of the magnitudes have coefficients up
// to 10¹³ (a year's users times the minutes to the release): a point can
// then be whole in its counts and yet dozens of users off a published
// total. Such a point is polished: with its counts fixed, the users and
// user-hours are solved again on their own, where every row is a sum of
// them against a constant (well scaled), maximizing sign·obj, the
// direction the point was sought in. A point that still does not hold
// shows nothing, and the answer falls back to the search.
func (b *Bounder) settle(w []float64, obj []lp.Term, sign float64) bool {
	pr := b.Pr
	for v, x := range w {
		if !math.IsNaN(x) && pr.Integer[v] {
			w[v] = math.Round(x)
		}
	}
	if b.holds(w) {
		return true
	}
	return b.polish(w, obj, sign) && b.holds(w)
}

// bounds are variable v's bounds with the insider's knowledge.
func (b *Bounder) bounds(v int) (float64, float64) {
	pr := b.Pr
	lo, hi := pr.LP.Lower[v], pr.LP.Upper[v]
	if in := b.insider; in != nil {
		if l, ok := in.nLower[v]; ok {
			lo = math.Min(l, hi)
		}
		if f, ok := in.pFixed[v]; ok {
			lo, hi = f, f
		}
	}
	return lo, hi
}

// rowHi is row r's upper bound with the insider's knowledge.
func (b *Bounder) rowHi(r int) float64 {
	if in := b.insider; in != nil {
		if h, ok := in.support[r]; ok {
			return h
		}
	}
	return b.Pr.LP.Rows[r].Hi
}

// Holds reports whether a point found elsewhere (NaN outside its blocks)
// is a whole point of this programme: counts whole, every bound and row
// of its blocks held, with the insider's knowledge when one is set.
func (b *Bounder) Holds(w []float64) bool {
	if len(w) != len(b.Pr.LP.Lower) {
		return false
	}
	for v, x := range w {
		if !math.IsNaN(x) && b.Pr.Integer[v] && x != math.Round(x) {
			return false
		}
	}
	return b.holds(w)
}

// HoldsAfter reports whether a whole point of the programme as it was
// still holds now that the rows and variables listed have new bounds
// (the only ones that changed).
func (b *Bounder) HoldsAfter(w []float64, rows, vars []int) bool {
	for _, v := range vars {
		if !b.varHolds(w, v) {
			return false
		}
	}
	for _, r := range rows {
		if !b.rowHolds(w, r) {
			return false
		}
	}
	return true
}

// holds checks a whole witness against every bound and row of its blocks.
func (b *Bounder) holds(w []float64) bool {
	for v := range w {
		if !b.varHolds(w, v) {
			return false
		}
	}
	for r := range b.Pr.LP.Rows {
		if !b.rowHolds(w, r) {
			return false
		}
	}
	return true
}

// varHolds checks variable v's bounds at w (true outside w's blocks).
func (b *Bounder) varHolds(w []float64, v int) bool {
	x := w[v]
	if math.IsNaN(x) {
		return true
	}
	lo, hi := b.bounds(v)
	return x >= lo-witnessTol && x <= hi+witnessTol
}

// rowHolds checks row r at w, within witnessTol and witnessRel of the
// row's largest term (true outside w's blocks).
func (b *Bounder) rowHolds(w []float64, r int) bool {
	row := b.Pr.LP.Rows[r]
	act, scale := 0.0, 0.0
	for _, t := range row.Terms {
		x := w[t.Var]
		if math.IsNaN(x) {
			return true
		}
		act += t.Coef * x
		scale = math.Max(scale, math.Abs(t.Coef*x))
	}
	tol := witnessTol + witnessRel*scale
	return act >= row.Lo-tol && act <= b.rowHi(r)+tol
}

// polish solves the continuous unknowns of witness w again with its whole
// ones fixed, maximizing sign·obj; false when that programme has no point
// (or no continuous unknown to move).
func (b *Bounder) polish(w []float64, obj []lp.Term, sign float64) bool {
	pr := b.Pr
	local := map[int]int{}
	var prob lp.Problem
	for v, x := range w {
		if math.IsNaN(x) || pr.Integer[v] {
			continue
		}
		lo, hi := b.bounds(v)
		local[v] = prob.AddVar(lo, hi)
	}
	if len(local) == 0 {
		return false
	}
rows:
	for r, row := range pr.LP.Rows {
		fixed := 0.0
		var terms []lp.Term
		for _, t := range row.Terms {
			x := w[t.Var]
			if math.IsNaN(x) {
				continue rows
			}
			if j, ok := local[t.Var]; ok {
				terms = append(terms, lp.Term{Var: j, Coef: t.Coef})
			} else {
				fixed += t.Coef * x
			}
		}
		if len(terms) > 0 {
			prob.AddRow(terms, row.Lo-fixed, b.rowHi(r)-fixed)
		}
	}
	var o []lp.Term
	for _, t := range obj {
		if j, ok := local[t.Var]; ok {
			o = append(o, lp.Term{Var: j, Coef: sign * t.Coef})
		}
	}
	s := lp.NewSolver(&prob)
	st, _, err := s.Maximize(o)
	if err == nil && st == lp.Unbounded {
		// Unbounded that way: as far as the point went is enough.
		at := 0.0
		for _, t := range obj {
			if _, ok := local[t.Var]; ok {
				at += sign * t.Coef * w[t.Var]
			}
		}
		prob.AddRow(o, math.Inf(-1), at)
		s = lp.NewSolver(&prob)
		st, _, err = s.Maximize(o)
	}
	if err != nil || st != lp.Optimal {
		return false
	}
	x := make([]float64, len(prob.Lower))
	for j := range x {
		x[j] = s.Value(j)
	}
	refine(&prob, x)
	for v, j := range local {
		w[v] = x[j]
	}
	return true
}

// refine corrects a solution x of p in place by solving once more for its
// change, where every bound is small. The simplex's tolerance is relative
// to a bound (lp's feasTol, 10⁻⁷): on a user-hours total of 2 × 10⁸ that
// admits 20 user-hours, and a polished point then misses a row published
// to ±0.5 (national seed 11: by 0.5 to 2 on six points that exact
// arithmetic, glpsol --exact, finds feasible). Shifted to x, a row's
// bounds are its slack — a few units — and so is the tolerance on them.
// It keeps x where x already holds, or where the correction is no better.
func refine(p *lp.Problem, x []float64) {
	before := miss(p, x)
	if before <= 1e-9 {
		return
	}
	var d lp.Problem
	for j := range p.Lower {
		d.AddVar(p.Lower[j]-x[j], p.Upper[j]-x[j])
	}
	for _, r := range p.Rows {
		act := 0.0
		for _, t := range r.Terms {
			act += t.Coef * x[t.Var]
		}
		d.AddRow(r.Terms, r.Lo-act, r.Hi-act)
	}
	s := lp.NewSolver(&d)
	if st, _, err := s.Maximize(nil); err != nil || st != lp.Optimal {
		return // x stays as it was; the caller's check decides
	}
	y := make([]float64, len(x))
	for j := range x {
		y[j] = x[j] + s.Value(j)
	}
	if miss(p, y) < before {
		copy(x, y)
	}
}

// miss is the largest amount by which x misses a bound or a row of p.
func miss(p *lp.Problem, x []float64) float64 {
	w := 0.0
	for j, v := range x {
		w = math.Max(w, math.Max(p.Lower[j]-v, v-p.Upper[j]))
	}
	for _, r := range p.Rows {
		act := 0.0
		for _, t := range r.Terms {
			act += t.Coef * x[t.Var]
		}
		w = math.Max(w, math.Max(r.Lo-act, act-r.Hi))
	}
	return w
}

// witnessTol is how far a settled witness may break a bound or a row: far
// below any unit kensho publishes (a user, a user-hour at 0.1, an
// accident); witnessRel more in proportion to the row's largest term (the
// solver's own relative tolerance).
const (
	witnessTol = 1e-6
	witnessRel = 1e-9
)
