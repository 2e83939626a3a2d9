package model

import (
	"fmt"
	"math"
)

// DescribeRow says what row r of the programme states: a column's row
// (its label, status and value), a support row of the magnitudes, a
// quantile's row, or a row of the code lists and separators. For
// diagnosis (KENSHO_DEBUG_FIGURE in the audit).
func (pr *Program) DescribeRow(r int) string {
	row := pr.LP.Rows[r]
	if id := pr.rowCol[r]; id >= 0 {
		col := pr.Comp.ModelColumn(id)
		return fmt.Sprintf("%s (dims %v): status %d, value %v, row [%v, %v]", col.Label(), col.Cond.Dims, pr.pattern.Status[id], pr.pattern.Value[id], row.Lo, row.Hi)
	}
	for _, s := range pr.support {
		if s.row == r {
			return fmt.Sprintf("support of magnitude class %d in direction (users %v, user-hours %v), row [%v, %v]", s.class, s.wu, s.wh, row.Lo, row.Hi)
		}
	}
	for q, rs := range pr.quantRows {
		if rs[0] == r || rs[1] == r {
			return fmt.Sprintf("quantile %d, row [%v, %v]", q, row.Lo, row.Hi)
		}
	}
	return fmt.Sprintf("separator, public record or code-list row of %d terms, [%v, %v]", len(row.Terms), row.Lo, row.Hi)
}

// FreeColumns lifts the rows of the given columns in the solvers (as if
// they were not published) and returns a function that puts them back.
// For diagnosis: which publication holds a bound.
func (b *Bounder) FreeColumns(ids []int) (restore func()) {
	type saved struct {
		r      int
		lo, hi float64
	}
	var back []saved
	for _, id := range ids {
		r, ok := b.Pr.rowOf[id]
		if !ok {
			continue
		}
		row := b.Pr.LP.Rows[r]
		back = append(back, saved{r, row.Lo, row.Hi})
		b.setRowBounds(r, math.Inf(-1), math.Inf(1))
	}
	return func() {
		for _, s := range back {
			b.setRowBounds(s.r, s.lo, s.hi)
		}
	}
}
