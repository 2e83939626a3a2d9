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

// aMinimize minimizes c over the feasible set from a copy of the Phase I
// tableau; it returns z, the optimal basis, and whether c is unbounded below.
func (tb *aTab) aMinimize(c []float64) (float64, []float64, []int, bool, error) {
	w := tb.copyTab()
	cost := make([]float64, w.n+w.m)
	copy(cost, c)
	obj, unbounded, err := w.run(cost, w.n)
	if err != nil || unbounded {
		return obj, nil, nil, unbounded, err
	}
	z := make([]float64, w.n)
	for i, b := range w.basis {
		z[b] = w.t[i][w.n+w.m]
	}
	return obj, z, w.basis, false, nil
}
