package anonymize

// The audit's simplex: a dense tableau over gonum's standard form (minimize
// cᵀz, A z = b, z ≥ 0, A of full row rank), with a first feasible basis found
// once per programme and every bound solved from it. gonum's lp.Simplex, a
// dense revised simplex that refactorizes and estimates a condition number
// at every pivot, took minutes on a few hundred suppressed cells; it stays
// in the audit as the judge of every primary cell's bounds: it is started
// from this solver's optimal basis and only confirms optimality (or pivots
// on, and its answer is taken).

import (
	"errors"
	"math"
)

type aTab struct {
	m, n  int         // equations; columns of A (artificials follow them)
	t     [][]float64 // m rows of n+m coefficients and the right-hand side
	basis []int
}

const aEps = 1e-10

// aPhaseOne finds a basic feasible solution of A z = b, z ≥ 0, b ≥ 0.
func aPhaseOne(a [][]float64, b []float64) (*aTab, error) {
	m := len(a)
	n := 0
	if m > 0 {
		n = len(a[0])
	}
	tb := &aTab{m: m, n: n, t: make([][]float64, m), basis: make([]int, m)}
	for i := range a {
		row := make([]float64, n+m+1)
		copy(row, a[i])
		row[n+i] = 1
		row[n+m] = b[i]
		tb.t[i] = row
		tb.basis[i] = n + i
	}
	cost := make([]float64, n+m)
	for j := n; j < n+m; j++ {
		cost[j] = 1
	}
	obj, unbounded, err := tb.run(cost, n+m)
	if err != nil {
		return nil, err
	}
	if unbounded || obj > 1e-8 {
		return nil, errAuditInfeasible
	}
	// Artificials still basic (at zero) leave for any structural column.
	for i := 0; i < m; i++ {
		if tb.basis[i] < n {
			continue
		}
		for j := 0; j < n; j++ {
			if math.Abs(tb.t[i][j]) > 1e-9 {
				tb.pivot(i, j)
				break
			}
		}
		if tb.basis[i] >= n {
			return nil, errors.New("redundant equation left after elimination")
		}
	}
	return tb, nil
}

func (tb *aTab) copyTab() *aTab {
	c := &aTab{m: tb.m, n: tb.n, t: make([][]float64, tb.m), basis: append([]int(nil), tb.basis...)}
	for i, r := range tb.t {
		c.t[i] = append([]float64(nil), r...)
	}
	return c
}

func (tb *aTab) pivot(r, c int) {
	pr := tb.t[r]
	inv := 1 / pr[c]
	for j := range pr {
		pr[j] *= inv
	}
	pr[c] = 1
	for i, row := range tb.t {
		if i == r || row[c] == 0 {
			continue
		}
		f := row[c]
		for j, v := range pr {
			if v != 0 {
				row[j] -= f * v
			}
		}
		row[c] = 0
	}
	tb.basis[r] = c
}

// run minimizes cost over columns [0, cols) from the current basis with
// Bland's rule (smallest index enters, smallest basic index leaves on ties),
// which cannot cycle.
func (tb *aTab) run(cost []float64, cols int) (float64, bool, error) {
	rhs := tb.n + tb.m
	red := make([]float64, cols)
	price := func() {
		copy(red, cost[:cols])
		for i, row := range tb.t {
			cb := cost[tb.basis[i]]
			if cb == 0 {
				continue
			}
			for j := 0; j < cols; j++ {
				red[j] -= cb * row[j]
			}
		}
	}
	price()
	for iter := 0; ; iter++ {
		if iter > 100*(tb.m+cols+10) {
			return 0, false, errors.New("simplex: no convergence")
		}
		enter := -1
		for j := 0; j < cols; j++ {
			if red[j] < -aEps {
				enter = j
				break
			}
		}
		if enter < 0 {
			break
		}
		leave := tb.leaving(enter, rhs)
		if leave < 0 {
			return math.Inf(-1), true, nil
		}
		tb.pivot(leave, enter)
		f := red[enter]
		if f != 0 {
			for j := 0; j < cols; j++ {
				red[j] -= f * tb.t[leave][j]
			}
		}
		red[enter] = 0
	}
	obj := 0.0
	for i, row := range tb.t {
		obj += cost[tb.basis[i]] * row[rhs]
	}
	return obj, false, nil
}

// leaving is the ratio test: the row that leaves the basis when column
// enter enters, ties broken by the smallest basic index (Bland), or -1
// when the column is unbounded.
func (tb *aTab) leaving(enter, rhs int) int {
	leave := -1
	best := math.Inf(1)
	for i, row := range tb.t {
		if row[enter] <= aEps {
			continue
		}
		q := row[rhs] / row[enter]
		if leave < 0 || q < best-1e-12 || (q <= best+1e-12 && tb.basis[i] < tb.basis[leave]) {
			leave, best = i, q
		}
	}
	return leave
}

// valueOf is the current value of column j (zero when not basic).
func (tb *aTab) valueOf(j int) float64 {
	for i, b := range tb.basis {
		if b == j {
			return tb.t[i][tb.n+tb.m]
		}
	}
	return 0
}

// point is the current basic solution over the columns of A.
func (tb *aTab) point() []float64 {
	z := make([]float64, tb.n)
	for i, b := range tb.basis {
		if b < tb.n {
			z[b] = tb.t[i][tb.n+tb.m]
		}
	}
	return z
}

// advance minimizes c over the columns of A in place, from the current
// basis, stopping early when stop says so; it reports unboundedness.
func (tb *aTab) advance(c []float64, stop func() bool) (bool, error) {
	if stop() {
		return false, nil
	}
	cost := make([]float64, tb.n+tb.m)
	copy(cost, c)
	rhs := tb.n + tb.m
	red := make([]float64, tb.n)
	copy(red, c)
	for i, row := range tb.t {
		cb := cost[tb.basis[i]]
		if cb == 0 {
			continue
		}
		for j := 0; j < tb.n; j++ {
			red[j] -= cb * row[j]
		}
	}
	for iter := 0; ; iter++ {
		if iter > 100*(tb.m+tb.n+10) {
			return false, errors.New("simplex: no convergence")
		}
		enter := -1
		for j := 0; j < tb.n; j++ {
			if red[j] < -aEps {
				enter = j
				break
			}
		}
		if enter < 0 {
			return false, nil
		}
		leave := tb.leaving(enter, rhs)
		if leave < 0 {
			return true, nil
		}
		tb.pivot(leave, enter)
		f := red[enter]
		for j := 0; j < tb.n; j++ {
			red[j] -= f * tb.t[leave][j]
		}
		red[enter] = 0
		if stop() {
			return false, nil
		}
	}
}

// rebased is a copy of the tableau for a new right-hand side b of the same
// equations, when the current basis stays feasible for it; nil otherwise.
// The artificial columns hold the inverse of the basis.
func (tb *aTab) rebased(b []float64) *aTab {
	c := tb.copyTab()
	rhs := tb.n + tb.m
	for i, row := range c.t {
		v := 0.0
		for k, bk := range b {
			v += tb.t[i][tb.n+k] * bk
		}
		if v < -1e-9 {
			return nil
		}
		row[rhs] = math.Max(0, v)
	}
	return c
}
