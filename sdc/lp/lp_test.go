package lp

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	glp "gonum.org/v1/gonum/optimize/convex/lp"
)

func TestSmallLP(t *testing.T) {
	// max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6, x,y ≥ 0 → x=1.6, y=1.2, 2.8
	var p Problem
	x := p.AddVar(0, Inf)
	y := p.AddVar(0, Inf)
	p.AddRow([]Term{{x, 1}, {y, 2}}, math.Inf(-1), 4)
	p.AddRow([]Term{{x, 3}, {y, 1}}, math.Inf(-1), 6)
	s := NewSolver(&p)
	st, v, err := s.Maximize([]Term{{x, 1}, {y, 1}})
	if err != nil || st != Optimal || math.Abs(v-2.8) > 1e-9 {
		t.Fatalf("got %v %v %v, want optimal 2.8", st, v, err)
	}
	// Now minimize x with x + y ≥ 1 added through bounds only: x ≤ 0.5.
	s.SetBounds(x, 0, 0.5)
	st, v, err = s.Maximize([]Term{{x, 1}, {y, 1}})
	if err != nil || st != Optimal || math.Abs(v-(0.5+1.75)) > 1e-9 {
		t.Fatalf("after bound change got %v %v %v, want 2.25", st, v, err)
	}
}

func TestInfeasibleAndUnbounded(t *testing.T) {
	var p Problem
	x := p.AddVar(0, Inf)
	p.AddRow([]Term{{x, 1}}, 2, 2)
	p.AddRow([]Term{{x, 1}}, math.Inf(-1), 1)
	if st, _, _ := NewSolver(&p).Maximize([]Term{{x, 1}}); st != Infeasible {
		t.Fatalf("got %v, want infeasible", st)
	}
	var q Problem
	a := q.AddVar(0, Inf)
	b := q.AddVar(0, Inf)
	q.AddRow([]Term{{a, 1}, {b, -1}}, 0, 0)
	if st, _, _ := NewSolver(&q).Maximize([]Term{{a, 1}}); st != Unbounded {
		t.Fatalf("got %v, want unbounded", st)
	}
}

// TestAgainstGonum compares random bounded LPs with gonum's dense simplex
// (a different implementation) on the standard form it takes.
func TestAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 300; trial++ {
		n := 3 + rng.IntN(8)
		m := 1 + rng.IntN(6)
		// Equality rows A x = b with b from a random nonnegative point, so
		// the problem is feasible; upper bounds by extra rows in gonum.
		A := make([][]float64, m)
		point := make([]float64, n)
		for j := range point {
			point[j] = float64(rng.IntN(5))
		}
		var p Problem
		ub := make([]float64, n)
		for j := 0; j < n; j++ {
			ub[j] = Inf
			if rng.IntN(3) == 0 {
				ub[j] = point[j] + float64(rng.IntN(3))
			}
			p.AddVar(0, ub[j])
		}
		b := make([]float64, m)
		for i := range A {
			A[i] = make([]float64, n)
			var terms []Term
			for j := 0; j < n; j++ {
				if rng.IntN(2) == 0 {
					A[i][j] = float64(rng.IntN(5) - 1)
					if A[i][j] != 0 {
						terms = append(terms, Term{j, A[i][j]})
					}
				}
				b[i] += A[i][j] * point[j]
			}
			p.AddRow(terms, b[i], b[i])
		}
		c := make([]float64, n)
		var obj []Term
		for j := range c {
			c[j] = float64(rng.IntN(7) - 3)
			if c[j] != 0 {
				obj = append(obj, Term{j, c[j]})
			}
		}
		st, got, err := NewSolver(&p).Maximize(obj)
		if err != nil {
			t.Fatal(err)
		}
		// gonum: min −c x s.t. [A 0; I_ub I] [x s] = [b; ub], x, s ≥ 0.
		var ubIdx []int
		for j, u := range ub {
			if !math.IsInf(u, 1) {
				ubIdx = append(ubIdx, j)
			}
		}
		cols := n + len(ubIdx)
		rows := m + len(ubIdx)
		if rows > cols {
			continue // gonum needs at least as many variables as rows
		}
		G := mat.NewDense(rows, cols, nil)
		h := make([]float64, rows)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				G.Set(i, j, A[i][j])
			}
			h[i] = b[i]
		}
		for k, j := range ubIdx {
			G.Set(m+k, j, 1)
			G.Set(m+k, n+k, 1)
			h[m+k] = ub[j]
		}
		cg := make([]float64, cols)
		for j := range c {
			cg[j] = -c[j]
		}
		want, _, gerr := glp.Simplex(cg, G, h, 1e-10, nil)
		switch {
		case gerr == glp.ErrUnbounded:
			if st != Unbounded {
				t.Fatalf("trial %d: got %v %v, gonum says unbounded", trial, st, got)
			}
		case gerr == glp.ErrSingular || gerr == glp.ErrZeroColumn || gerr == glp.ErrZeroRow || gerr == glp.ErrInfeasible:
			continue // gonum declines the shape; nothing to compare
		case gerr != nil:
			t.Fatalf("trial %d: gonum: %v", trial, gerr)
		default:
			if st != Optimal || math.Abs(got-(-want)) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("trial %d: got %v %v, gonum %v", trial, st, got, -want)
			}
		}
	}
}

// TestIntegerAgainstEnumeration checks branch and bound against brute
// force on small integer programmes.
func TestIntegerAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 200; trial++ {
		n := 2 + rng.IntN(3)
		var p Problem
		for j := 0; j < n; j++ {
			p.AddVar(0, 4)
		}
		rows := 1 + rng.IntN(3)
		type row struct {
			a      []float64
			lo, hi float64
		}
		var rs []row
		for i := 0; i < rows; i++ {
			a := make([]float64, n)
			var terms []Term
			for j := range a {
				a[j] = float64(rng.IntN(5) - 1)
				if a[j] != 0 {
					terms = append(terms, Term{j, a[j]})
				}
			}
			hi := float64(rng.IntN(9)) + 0.5*float64(rng.IntN(2))
			lo := hi - float64(rng.IntN(4))
			p.AddRow(terms, lo, hi)
			rs = append(rs, row{a, lo, hi})
		}
		var obj []Term
		c := make([]float64, n)
		for j := range c {
			c[j] = float64(rng.IntN(5) - 2)
			if c[j] != 0 {
				obj = append(obj, Term{j, c[j]})
			}
		}
		// Brute force.
		best, found := math.Inf(-1), false
		x := make([]float64, n)
		var rec func(k int)
		rec = func(k int) {
			if k == n {
				for _, r := range rs {
					v := 0.0
					for j := range x {
						v += r.a[j] * x[j]
					}
					if v < r.lo-1e-9 || v > r.hi+1e-9 {
						return
					}
				}
				v := 0.0
				for j := range x {
					v += c[j] * x[j]
				}
				found = true
				best = math.Max(best, v)
				return
			}
			for v := 0; v <= 4; v++ {
				x[k] = float64(v)
				rec(k + 1)
			}
		}
		rec(0)
		integer := make([]bool, n)
		for j := range integer {
			integer[j] = true
		}
		res, err := NewSolver(&p).MaximizeInteger(obj, IntOptions{Integer: integer, Target: math.Inf(1), IntegralObjective: true})
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			if res.Status != Infeasible || res.Found {
				t.Fatalf("trial %d: brute force finds nothing, got %+v", trial, res)
			}
			continue
		}
		if res.Status != Optimal || !res.Found || math.Abs(res.Best-best) > 1e-9 {
			t.Fatalf("trial %d: brute force %v, got %+v", trial, best, res)
		}
		// With a target: reachable exactly when best ≥ target.
		target := best + float64(rng.IntN(3)) - 1
		r2, err := NewSolver(&p).MaximizeInteger(obj, IntOptions{Integer: integer, Target: target, IntegralObjective: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r2.Found && r2.Best >= target-1e-9, best >= target; got != want {
			t.Fatalf("trial %d: target %v reachable=%v, want %v (best %v) %+v", trial, target, got, want, best, r2)
		}
	}
}

// TestWarmStartMatchesFresh changes bounds and objectives on a solver many
// times and compares every optimum with a solver built afresh.
func TestWarmStartMatchesFresh(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	for trial := 0; trial < 60; trial++ {
		n, m := 6+rng.IntN(20), 3+rng.IntN(10)
		var p Problem
		point := make([]float64, n)
		for j := 0; j < n; j++ {
			point[j] = float64(rng.IntN(6))
			p.AddVar(0, Inf)
		}
		for i := 0; i < m; i++ {
			var terms []Term
			v := 0.0
			for j := 0; j < n; j++ {
				if rng.IntN(3) == 0 {
					terms = append(terms, Term{j, 1})
					v += point[j]
				}
			}
			if rng.IntN(2) == 0 {
				p.AddRow(terms, v, v)
			} else {
				p.AddRow(terms, v-1, v+2)
			}
		}
		warm := NewSolver(&p)
		for round := 0; round < 15; round++ {
			j := rng.IntN(n)
			lo := math.Max(0, point[j]-float64(rng.IntN(3)))
			hi := point[j] + float64(rng.IntN(3))
			if rng.IntN(3) == 0 {
				hi = Inf
			}
			p.Lower[j], p.Upper[j] = lo, hi
			warm.SetBounds(j, lo, hi)
			var obj []Term
			for k := 0; k < n; k++ {
				if c := float64(rng.IntN(5) - 2); c != 0 {
					obj = append(obj, Term{k, c})
				}
			}
			st1, v1, err1 := warm.Maximize(obj)
			st2, v2, err2 := NewSolver(&p).Maximize(obj)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if st1 != st2 || (st1 == Optimal && math.Abs(v1-v2) > 1e-7*math.Max(1, math.Abs(v2))) {
				t.Fatalf("trial %d round %d: warm %v %v, fresh %v %v", trial, round, st1, v1, st2, v2)
			}
			if st1 == Optimal {
				if viol := warm.MaxViolation(); viol > 1e-6 {
					t.Fatalf("trial %d round %d: warm solution violates by %g", trial, round, viol)
				}
			}
		}
	}
}
