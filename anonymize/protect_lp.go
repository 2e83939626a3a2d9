package anonymize

// A dense two-phase tableau simplex for the small linear programmes of
// secondary suppression. Phase I runs once per component; each interval
// bound (min and max of one cell) is a Phase II run from that feasible
// tableau, which is what makes checking every suppressed cell affordable.
// The audit deliberately does not use this code: it solves its programmes
// with gonum's lp.Simplex (audit_lp.go).

import (
	"errors"
	"math"
)

// lpModel: the cells v of a component with A v = b and lo ≤ v ≤ hi.
type lpModel struct {
	n  int
	a  [][]float64
	b  []float64
	lo []float64
	hi []float64 // +Inf: no upper bound
}

var errInfeasible = errors.New("the published values admit no solution (the tables are inconsistent)")

const lpTol = 1e-9

type tableau struct {
	rows, cols int // cols excludes the right-hand side
	nStruct    int
	artStart   int
	t          []float64 // rows × (cols+1), row-major; the last column is the right-hand side
	basis      []int
	dead       []bool // redundant equations
	scale      float64
	lo, hi     []float64
	// The columns that formed the first basis (an artificial per equation,
	// a slack per upper bound) hold the basis inverse ever after; sign is
	// how each equation was turned to make its right-hand side ≥ 0. With
	// them a new right-hand side is one product (rebase).
	identity []int
	sign     []float64
	a        [][]float64
	bounded  []int
	nz       []int // scratch: the pivot row's non-zero columns
}

func (tb *tableau) at(r, c int) float64 { return tb.t[r*(tb.cols+1)+c] }
func (tb *tableau) rhs(r int) float64   { return tb.t[r*(tb.cols+1)+tb.cols] }

// newTableau shifts every variable to its lower bound, adds a slack row per
// finite upper bound and an artificial per equation, and runs Phase I.
func newTableau(m *lpModel) (*tableau, error) {
	n := m.n
	scale := 1.0
	for _, v := range m.b {
		scale = math.Max(scale, math.Abs(v))
	}
	for i := 0; i < n; i++ {
		scale = math.Max(scale, math.Abs(m.lo[i]))
		if !math.IsInf(m.hi[i], 1) {
			scale = math.Max(scale, math.Abs(m.hi[i]))
		}
	}
	var bounded []int
	for i := 0; i < n; i++ {
		if !math.IsInf(m.hi[i], 1) {
			if m.hi[i] < m.lo[i]-lpTol*scale {
				return nil, errInfeasible
			}
			bounded = append(bounded, i)
		}
	}
	mEq, k := len(m.a), len(bounded)
	rows := mEq + k
	cols := n + k + mEq
	tb := &tableau{rows: rows, cols: cols, nStruct: n, artStart: n + k, scale: scale, lo: m.lo, hi: m.hi,
		t: make([]float64, rows*(cols+1)), basis: make([]int, rows), dead: make([]bool, rows),
		identity: make([]int, rows), sign: make([]float64, rows), a: m.a, bounded: bounded}
	w := cols + 1
	for r, row := range m.a {
		rhs := m.b[r]
		for j, a := range row {
			rhs -= a * m.lo[j]
		}
		rhs /= scale
		sign := 1.0
		if rhs < 0 {
			sign = -1
		}
		for j, a := range row {
			tb.t[r*w+j] = sign * a
		}
		tb.t[r*w+n+k+r] = 1
		tb.t[r*w+cols] = sign * rhs
		tb.basis[r] = n + k + r
		tb.identity[r], tb.sign[r] = n+k+r, sign
	}
	for i, j := range bounded {
		r := mEq + i
		tb.t[r*w+j] = 1
		tb.t[r*w+n+i] = 1
		tb.t[r*w+cols] = (m.hi[j] - m.lo[j]) / scale
		tb.basis[r] = n + i
		tb.identity[r], tb.sign[r] = n+i, 1
	}
	// Phase I: minimize the sum of the artificials.
	cost := make([]float64, cols)
	for j := tb.artStart; j < cols; j++ {
		cost[j] = 1
	}
	obj, _, err := tb.optimize(cost, true, nil)
	if err != nil {
		return nil, err
	}
	if obj > 1e-7 {
		return nil, errInfeasible
	}
	// Drive the artificials out of the basis; a row where none can leave is
	// a redundant equation.
	for r := 0; r < rows; r++ {
		if tb.basis[r] < tb.artStart {
			continue
		}
		pivot := -1
		for j := 0; j < tb.artStart; j++ {
			if math.Abs(tb.at(r, j)) > 1e-9 {
				pivot = j
				break
			}
		}
		if pivot < 0 {
			tb.dead[r] = true
			continue
		}
		tb.pivot(r, pivot)
	}
	return tb, nil
}

func (tb *tableau) clone() *tableau { return tb.cloneInto(nil) }

// cloneInto copies the tableau into dst, reusing its memory, or into a new
// one when dst is nil.
func (tb *tableau) cloneInto(dst *tableau) *tableau {
	if dst == nil {
		dst = &tableau{}
	}
	t, basis, nz := dst.t[:0], dst.basis[:0], dst.nz[:0]
	*dst = *tb
	dst.t = append(t, tb.t...)
	dst.basis = append(basis, tb.basis...)
	dst.nz = nz
	return dst
}

func (tb *tableau) pivot(r, c int) {
	w := tb.cols + 1
	row := tb.t[r*w : (r+1)*w]
	p := row[c]
	// The pivot row is mostly zeros: only its non-zero entries change the
	// other rows (the same operations, in the same order, as a dense pass).
	tb.nz = tb.nz[:0]
	for j := range row {
		row[j] /= p
		if row[j] != 0 {
			tb.nz = append(tb.nz, j)
		}
	}
	for i := 0; i < tb.rows; i++ {
		if i == r {
			continue
		}
		f := tb.t[i*w+c]
		if f == 0 {
			continue
		}
		other := tb.t[i*w : (i+1)*w]
		for _, j := range tb.nz {
			other[j] -= f * row[j]
		}
		other[c] = 0
	}
	tb.basis[r] = c
}

// optimize minimizes cost·x over the tableau's feasible set, starting from
// its basis. allowArt lets artificial columns stay in play (Phase I only).
// It returns the objective and whether the programme is unbounded.
func (tb *tableau) optimize(cost []float64, allowArt bool, stop func() bool) (float64, bool, error) {
	limit := tb.cols
	if !allowArt {
		limit = tb.artStart
	}
	d := make([]float64, tb.cols)
	copy(d, cost)
	for r := 0; r < tb.rows; r++ {
		cb := cost[tb.basis[r]]
		if cb == 0 || tb.dead[r] {
			continue
		}
		for j := 0; j < tb.cols; j++ {
			d[j] -= cb * tb.at(r, j)
		}
	}
	w := tb.cols + 1
	degenerate := 0
	maxIter := 50 * (tb.rows + tb.cols + 10)
	for iter := 0; ; iter++ {
		if iter > maxIter {
			return 0, false, errors.New("simplex did not converge")
		}
		if stop != nil && stop() {
			break
		}
		// Entering column: most negative reduced cost; Bland's rule (the
		// first negative) after a run of degenerate pivots, against cycling.
		enter := -1
		best := -lpTol
		for j := 0; j < limit; j++ {
			if d[j] < best {
				enter, best = j, d[j]
				if degenerate > 20 {
					break
				}
			}
		}
		if enter < 0 {
			break
		}
		leave := -1
		ratio := math.Inf(1)
		for r := 0; r < tb.rows; r++ {
			if tb.dead[r] {
				continue
			}
			a := tb.t[r*w+enter]
			if a <= lpTol {
				continue
			}
			q := tb.t[r*w+tb.cols] / a
			if q < ratio-1e-12 || (q <= ratio+1e-12 && leave >= 0 && tb.basis[r] < tb.basis[leave]) {
				leave, ratio = r, q
			}
		}
		if leave < 0 {
			return math.Inf(-1), true, nil
		}
		if ratio <= 1e-12 {
			degenerate++
		} else {
			degenerate = 0
		}
		tb.pivot(leave, enter)
		f := d[enter]
		for j := 0; j < tb.cols; j++ {
			d[j] -= f * tb.t[leave*w+j]
		}
		d[enter] = 0
	}
	obj := 0.0
	for r := 0; r < tb.rows; r++ {
		if !tb.dead[r] {
			obj += cost[tb.basis[r]] * tb.rhs(r)
		}
	}
	return obj, false, nil
}

// solution returns the values of the structural variables (unshifted).
func (tb *tableau) solution() []float64 {
	x := make([]float64, tb.nStruct)
	for r, b := range tb.basis {
		if b < tb.nStruct && !tb.dead[r] {
			x[b] = tb.rhs(r)
		}
	}
	for i := range x {
		x[i] = tb.lo[i] + tb.scale*x[i]
	}
	return x
}

// value is the current value of structural variable v (unshifted).
func (tb *tableau) value(v int) float64 {
	w := tb.cols + 1
	for r, b := range tb.basis {
		if b == v && !tb.dead[r] {
			return tb.lo[v] + tb.scale*tb.t[r*w+tb.cols]
		}
	}
	return tb.lo[v]
}

// reach moves the tableau towards the greatest (max) or least value of v
// and stops as soon as v reaches target. The tableau changes in place and
// stays a feasible basis, so the next call starts from where this one
// ended. It returns whether v reached target, v's value when it stopped
// (its bound, when not reached) and the point there (nil when v is
// unbounded).
func (tb *tableau) reach(v int, max bool, target float64) (bool, float64, []float64, error) {
	cost := make([]float64, tb.cols)
	met := func(x float64) bool {
		if max {
			return x >= target
		}
		return x <= target
	}
	if max {
		cost[v] = -1
	} else {
		cost[v] = 1
	}
	_, unbounded, err := tb.optimize(cost, false, func() bool { return met(tb.value(v)) })
	if err != nil {
		return false, 0, nil, err
	}
	if unbounded {
		if max {
			return true, math.Inf(1), nil, nil
		}
		return false, 0, nil, errors.New("a cell is unbounded below")
	}
	x := tb.value(v)
	return met(x), x, tb.solution(), nil
}

// rebase returns a copy of the tableau for new bounds (lo ≤ v ≤ hi, with
// the same variables bounded above), keeping the basis when it stays
// feasible; ok is false when it does not, and a new Phase I is needed. The
// right-hand side of the first system changes by Δc, so the current one by
// B⁻¹Δc, and B⁻¹ sits in the columns of the first basis. The copy reuses
// into's memory when into is not nil.
func (tb *tableau) rebase(lo, hi []float64, into *tableau) (*tableau, bool) {
	w := tb.cols + 1
	mEq := len(tb.a)
	delta := make([]float64, tb.rows)
	for r, row := range tb.a {
		d := 0.0
		for j, a := range row {
			d += a * (tb.lo[j] - lo[j])
		}
		delta[r] = tb.sign[r] * d / tb.scale
	}
	for i, j := range tb.bounded {
		if math.IsInf(hi[j], 1) {
			return nil, false
		}
		delta[mEq+i] = ((hi[j] - lo[j]) - (tb.hi[j] - tb.lo[j])) / tb.scale
	}
	rhs := make([]float64, tb.rows)
	for r := 0; r < tb.rows; r++ {
		if tb.dead[r] {
			continue
		}
		v := tb.t[r*w+tb.cols]
		for k, d := range delta {
			if d != 0 {
				v += tb.t[r*w+tb.identity[k]] * d
			}
		}
		if v < -1e-9 {
			return nil, false
		}
		rhs[r] = math.Max(0, v)
	}
	c := tb.cloneInto(into)
	c.lo, c.hi = lo, hi
	for r := 0; r < tb.rows; r++ {
		if !tb.dead[r] {
			c.t[r*w+tb.cols] = rhs[r]
		}
	}
	return c, true
}

// bound returns the least (max false) or greatest (max true) value of
// variable v, and the solution reaching it.
func (tb *tableau) bound(v int, max bool) (float64, []float64, error) {
	c := tb.clone()
	cost := make([]float64, c.cols)
	if max {
		cost[v] = -1
	} else {
		cost[v] = 1
	}
	_, unbounded, err := c.optimize(cost, false, nil)
	if err != nil {
		return 0, nil, err
	}
	if unbounded {
		return math.Inf(1), nil, nil
	}
	x := c.solution()
	return x[v], x, nil
}
