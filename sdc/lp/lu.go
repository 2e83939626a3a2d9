package lp

import (
	"math"
	"slices"
)

// The basis is kept factorized: B = L·U by sparse Gaussian elimination
// with Markowitz pivoting (the elimination order that keeps the fewest new
// nonzeros, among pivots not too small for stability), then one eta vector
// per simplex pivot (the product form of the update) until the next
// refactorization. The disclosure model's bases are sparse (coefficients
// 0 and ±1 on a few rows each), so both solves cost about their nonzeros.

type entry struct {
	i int
	v float64
}

// factor is the LU factorization of a basis with its updates.
type factor struct {
	m int
	// Pivot k eliminated row prow[k] with column pcol[k] (a basis
	// position): L holds the multipliers of the other rows, U the pivot
	// row's remaining entries by position, upiv the pivot value.
	prow, pcol []int
	lcol       [][]entry // per pivot: (row, multiplier)
	urow       [][]entry // per pivot: (position, value), pivot excluded
	upiv       []float64
	ucol       [][]entry // per position: (pivot index k, value) of U above the diagonal
	kOfCol     []int     // position → pivot index
	// etas of the updates since the factorization: position r and the
	// column α that entered there.
	etaPos []int
	etaCol [][]entry
	etaPiv []float64
	work   []float64
}

// factorize computes L·U of the m×m matrix whose column j is cols[j]
// (entries by row). When the matrix is singular it returns nil and the
// columns and rows left without a pivot (as many of each), so that the
// caller can repair the basis.
//
// Pivots are taken in the order that creates the least fill: first
// columns with a single active entry (no elimination at all — most of a
// simplex basis, whose slack columns are unit vectors), then rows with a
// single active entry, then, in what is left (the bump), by Markowitz's
// count among entries at least a tenth of their column's largest.
func factorize(m int, in [][]entry) (*factor, []int, []int) {
	f := &factor{m: m, kOfCol: make([]int, m), ucol: make([][]entry, m), work: make([]float64, m)}
	cols := make([][]entry, m)
	rows := make([][]int, m) // column pattern of each row (may hold retired columns)
	for j, c := range in {
		for _, e := range c {
			if e.v == 0 {
				continue
			}
			dup := false
			for k := range cols[j] {
				if cols[j][k].i == e.i {
					cols[j][k].v += e.v
					dup = true
				}
			}
			if !dup {
				cols[j] = append(cols[j], e)
				rows[e.i] = append(rows[e.i], j)
			}
		}
	}
	activeRow := make([]bool, m)
	activeCol := make([]bool, m)
	colCount := make([]int, m)
	rowCount := make([]int, m)
	for i := 0; i < m; i++ {
		activeRow[i], activeCol[i] = true, true
		colCount[i] = len(cols[i])
		rowCount[i] = len(rows[i])
	}
	// val returns the active value at (i, j), and its index in cols[j].
	val := func(i, j int) (float64, int) {
		for k, e := range cols[j] {
			if e.i == i {
				return e.v, k
			}
		}
		return 0, -1
	}
	pivot := func(r, c int) {
		piv, _ := val(r, c)
		k := len(f.prow)
		f.prow = append(f.prow, r)
		f.pcol = append(f.pcol, c)
		f.upiv = append(f.upiv, piv)
		f.kOfCol[c] = k
		// U row: the pivot row's other active entries.
		var ur []entry
		for _, j := range rows[r] {
			if !activeCol[j] || j == c {
				continue
			}
			if v, _ := val(r, j); v != 0 {
				ur = append(ur, entry{j, v})
			}
		}
		slices.SortFunc(ur, func(a, b entry) int { return a.i - b.i }) // deterministic
		f.urow = append(f.urow, ur)
		// L column: multipliers of the column's other active rows.
		var lc []entry
		for _, e := range cols[c] {
			if e.i != r && activeRow[e.i] && e.v != 0 {
				lc = append(lc, entry{e.i, e.v / piv})
			}
		}
		slices.SortFunc(lc, func(a, b entry) int { return a.i - b.i })
		f.lcol = append(f.lcol, lc)
		activeRow[r], activeCol[c] = false, false
		for _, j := range rows[r] {
			if activeCol[j] {
				colCount[j]--
			}
		}
		for _, e := range cols[c] {
			if activeRow[e.i] {
				rowCount[e.i]--
			}
		}
		// Eliminate: row i −= l_i · row r over the U row's columns.
		for _, l := range lc {
			for _, u := range ur {
				v, at := val(l.i, u.i)
				nv := v - l.v*u.v
				switch {
				case at >= 0 && math.Abs(nv) < 1e-14:
					cols[u.i][at].v = 0 // cancelled: an explicit zero, skipped
				case at >= 0:
					cols[u.i][at].v = nv
				default:
					cols[u.i] = append(cols[u.i], entry{l.i, nv})
					rows[l.i] = append(rows[l.i], u.i)
					colCount[u.i]++
					rowCount[l.i]++
				}
			}
		}
	}
	// activeEntries lists column j's active nonzeros.
	activeMax := func(j int) float64 {
		mx := 0.0
		for _, e := range cols[j] {
			if activeRow[e.i] {
				mx = math.Max(mx, math.Abs(e.v))
			}
		}
		return mx
	}
	done := 0
	// Column singletons, then row singletons, as long as there are any.
	for progress := true; progress; {
		progress = false
		for j := 0; j < m; j++ {
			if !activeCol[j] || colCount[j] != 1 {
				continue
			}
			for _, e := range cols[j] {
				if activeRow[e.i] && math.Abs(e.v) > 1e-11 {
					pivot(e.i, j)
					done++
					progress = true
					break
				}
			}
		}
		for i := 0; i < m; i++ {
			if !activeRow[i] || rowCount[i] != 1 {
				continue
			}
			for _, j := range rows[i] {
				if !activeCol[j] {
					continue
				}
				v, _ := val(i, j)
				if v != 0 && math.Abs(v) >= 0.1*activeMax(j) && math.Abs(v) > 1e-11 {
					pivot(i, j)
					done++
					progress = true
				}
				break
			}
		}
	}
	// The bump, by Markowitz.
	for ; done < m; done++ {
		bestR, bestC := -1, -1
		bestScore := math.MaxInt
		bestAbs := 0.0
		for j := 0; j < m; j++ {
			if !activeCol[j] {
				continue
			}
			cmax := activeMax(j)
			for _, e := range cols[j] {
				if !activeRow[e.i] || math.Abs(e.v) < 0.1*cmax || math.Abs(e.v) < 1e-11 {
					continue
				}
				score := (rowCount[e.i] - 1) * (colCount[j] - 1)
				if score < bestScore || (score == bestScore && math.Abs(e.v) > bestAbs) {
					bestR, bestC, bestScore, bestAbs = e.i, j, score, math.Abs(e.v)
				}
			}
		}
		if bestR < 0 {
			var cs, rs []int
			for j := 0; j < m; j++ {
				if activeCol[j] {
					cs = append(cs, j)
				}
				if activeRow[j] {
					rs = append(rs, j)
				}
			}
			return nil, cs, rs
		}
		pivot(bestR, bestC)
	}
	for k, ur := range f.urow {
		for _, u := range ur {
			f.ucol[u.i] = append(f.ucol[u.i], entry{k, u.v})
		}
	}
	return f, nil, nil
}

// ftran overwrites x (indexed by row) with B⁻¹·x (indexed by position).
func (f *factor) ftran(x []float64) {
	// L⁻¹, in pivot order.
	for k, lc := range f.lcol {
		if v := x[f.prow[k]]; v != 0 {
			for _, l := range lc {
				x[l.i] -= l.v * v
			}
		}
	}
	// U⁻¹, in reverse pivot order, into work indexed by position.
	z := f.work
	for k := f.m - 1; k >= 0; k-- {
		v := x[f.prow[k]]
		for _, u := range f.urow[k] {
			v -= u.v * z[u.i]
		}
		z[f.pcol[k]] = v / f.upiv[k]
	}
	copy(x, z)
	// The updates since.
	for e, r := range f.etaPos {
		if v := x[r]; v != 0 {
			v /= f.etaPiv[e]
			x[r] = v
			for _, a := range f.etaCol[e] {
				x[a.i] -= a.v * v
			}
		}
	}
}

// btran overwrites c (indexed by position) with cᵀ·B⁻¹ (indexed by row).
func (f *factor) btran(c []float64) {
	for e := len(f.etaPos) - 1; e >= 0; e-- {
		r := f.etaPos[e]
		v := c[r]
		for _, a := range f.etaCol[e] {
			v -= a.v * c[a.i]
		}
		c[r] = v / f.etaPiv[e]
	}
	// Uᵀ⁻¹ in pivot order: w[prow k] = (c[pcol k] − Σ_{j<k} U[j][pcol k]·w[prow j]) / piv.
	w := f.work
	for k := 0; k < f.m; k++ {
		col := f.pcol[k]
		v := c[col]
		for _, u := range f.ucol[col] {
			v -= u.v * w[f.prow[u.i]]
		}
		w[f.prow[k]] = v / f.upiv[k]
	}
	// Lᵀ⁻¹ in reverse pivot order.
	for k := f.m - 1; k >= 0; k-- {
		v := w[f.prow[k]]
		for _, l := range f.lcol[k] {
			v -= l.v * w[l.i]
		}
		w[f.prow[k]] = v
	}
	copy(c, w)
}

// update records that the column alpha (= B⁻¹·a, by position) entered the
// basis at position r.
func (f *factor) update(r int, alpha []float64) {
	var col []entry
	for i, a := range alpha {
		if i != r && a != 0 {
			col = append(col, entry{i, a})
		}
	}
	f.etaPos = append(f.etaPos, r)
	f.etaCol = append(f.etaCol, col)
	f.etaPiv = append(f.etaPiv, alpha[r])
}

// etaNonzeros is the size of the update file, to decide when to refactor.
func (f *factor) etaNonzeros() int {
	n := 0
	for _, c := range f.etaCol {
		n += len(c) + 1
	}
	return n
}
