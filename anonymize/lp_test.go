package anonymize

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// TestSolversAgree checks the suppression's tableau and the audit's solver
// against gonum's simplex (from scratch) on random linked systems with a
// known solution, redundant equations and bounds.
func TestSolversAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for trial := 0; trial < 60; trial++ {
		n := 2 + rng.IntN(9)
		m := 1 + rng.IntN(n)
		truth := make([]float64, n)
		for i := range truth {
			truth[i] = float64(rng.IntN(20))
		}
		var rows [][]float64
		var rhs []float64
		for r := 0; r < m; r++ {
			row := make([]float64, n)
			for j := range row {
				if rng.Float64() < 0.4 {
					row[j] = float64(1 - 2*rng.IntN(2))
				}
			}
			v := 0.0
			for j := range row {
				v += row[j] * truth[j]
			}
			rows, rhs = append(rows, row), append(rhs, v)
		}
		// A redundant equation: the sum of the first two.
		if m >= 2 {
			row := make([]float64, n)
			for j := range row {
				row[j] = rows[0][j] + rows[1][j]
			}
			rows, rhs = append(rows, row), append(rhs, rhs[0]+rhs[1])
		}
		lo := make([]float64, n)
		hi := make([]float64, n)
		for i := range lo {
			hi[i] = math.Inf(1)
			if rng.Float64() < 0.3 {
				lo[i] = truth[i] * rng.Float64()
			}
			if rng.Float64() < 0.3 {
				hi[i] = truth[i] + 5*rng.Float64()
			}
		}
		tb, err := newTableau(&lpModel{n: n, a: rows, b: rhs, lo: lo, hi: hi})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		std, err := auditStandardForm(rows, rhs, lo, hi)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		for v := 0; v < n; v++ {
			for _, max := range []bool{false, true} {
				p, _, err1 := tb.bound(v, max)
				a, _, err2 := std.extreme(v, max, false)
				g, err3 := gonumBound(rows, rhs, lo, hi, v, max)
				if err := errors.Join(err1, err2, err3); err != nil {
					t.Fatalf("trial %d var %d max %v: %v", trial, v, max, err)
				}
				if !close(p, g) || !close(a, g) {
					t.Errorf("trial %d var %d max %v: tableau %g, audit %g, gonum %g", trial, v, max, p, a, g)
				}
			}
		}
	}
}

func close(a, b float64) bool {
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return math.IsInf(a, 1) && math.IsInf(b, 1)
	}
	return math.Abs(a-b) <= 1e-7*math.Max(1, math.Abs(b))
}

// gonumBound solves the bound with gonum's simplex from scratch, through
// gonum's own conversion of the general form (x free, bounds as
// inequalities).
func gonumBound(rows [][]float64, rhs, lo, hi []float64, v int, max bool) (float64, error) {
	n := len(lo)
	var g [][]float64
	var h []float64
	for i := 0; i < n; i++ {
		row := make([]float64, n)
		row[i] = -1
		g, h = append(g, row), append(h, -lo[i])
		if !math.IsInf(hi[i], 1) {
			row := make([]float64, n)
			row[i] = 1
			g, h = append(g, row), append(h, hi[i])
		}
	}
	c := make([]float64, n)
	if max {
		c[v] = -1
	} else {
		c[v] = 1
	}
	// Keep independent equations: gonum needs full row rank.
	var a [][]float64
	var b []float64
	var basis [][]float64
	for r, row := range rows {
		red := append([]float64(nil), row...)
		for _, k := range basis {
			p := 0
			for j := range k {
				if math.Abs(k[j]) > math.Abs(k[p]) {
					p = j
				}
			}
			f := red[p] / k[p]
			for j := range red {
				red[j] -= f * k[j]
			}
		}
		big := 0.0
		for _, x := range red {
			big = math.Max(big, math.Abs(x))
		}
		if big > 1e-9 {
			basis = append(basis, red)
			a, b = append(a, row), append(b, rhs[r])
		}
	}
	var aMat *mat.Dense
	if len(a) > 0 {
		aMat = mat.NewDense(len(a), n, nil)
		for i, row := range a {
			aMat.SetRow(i, row)
		}
	}
	gMat := mat.NewDense(len(g), n, nil)
	for i, row := range g {
		gMat.SetRow(i, row)
	}
	var cNew []float64
	var aNew *mat.Dense
	var bNew []float64
	if aMat != nil {
		cNew, aNew, bNew = lp.Convert(c, gMat, h, aMat, b)
	} else {
		cNew, aNew, bNew = lp.Convert(c, gMat, h, nil, nil)
	}
	obj, _, err := lp.Simplex(cNew, aNew, bNew, 1e-10, nil)
	if errors.Is(err, lp.ErrUnbounded) && max {
		return math.Inf(1), nil
	}
	if err != nil {
		return 0, err
	}
	if max {
		return -obj, nil
	}
	return obj, nil
}
