// Package audit checks a release's pattern on the disclosure model before
// anything is published, and fails closed. It takes the statuses protect
// chose and nothing else of protect's work: it evaluates every figure on
// the data again, applies the rules again, and bounds every hidden figure
// exactly — whole numbers for counts, by branch and bound — for a reader
// outside and for each operator that knows its own accidents. Protect's
// whole points may be given as hints: a point is a certificate, checked
// here on the audit's own programme before it shows anything.
//
// Its figure of merit is the ratio of the interval a reader reaches to the
// protection the rules require (below 1 a figure is disclosed), reported
// exactly up to 2 and as "at least 2" above. The attacker in the test suite,
// which shares no code with this package or protect and solves with
// another solver (HiGHS), must find the same smallest ratio from the
// published files alone.
package audit

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/kensho-jp/kensho/sdc/lp"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// Input is what the audit reads.
type Input struct {
	Model   *model.Model
	Data    []*model.Data
	Rules   rules.Config
	Pattern *model.Pattern
	// Workers: components audited at once (0: 2).
	Workers int
	// Hints per component (may be nil): whole points protect found. Each
	// is checked on the audit's own programme before it counts, as a
	// point the audit found itself is; one that does not hold is dropped.
	Hints [][][]float64
	// Forced marks the hidden figures an earlier release hid too (their
	// status fixed by the history): each must not be pinned, a withheld
	// class as much as a suppressed cell, since its value would complete
	// what that release hid.
	Forced map[int]bool
	// Exact (may be nil) is an integer solver of long standing (lp.CBC)
	// asked where the audit's own search leaves a side's extreme open
	// (model.Bounder's Exact). Its point counts once it holds on the
	// audit's programme; its bound only when it proved its optimum.
	Exact model.ExactSolver
}

// Figure is the audit's verdict on one hidden figure.
type Figure struct {
	Column  *model.Column
	Value   float64
	Primary bool
	Rule    string
	// Lo and Hi: the outsider's interval (capped where the ratio reached
	// its cap); Ratio the outsider's ratio.
	Lo, Hi float64
	Ratio  float64
	// BoundLo and BoundHi: the interval no outsider gets out of (what
	// branch and bound proves, capped as Lo and Hi are), and its ratio.
	// [Lo, Hi] is what whole points show a reader cannot narrow; the
	// truth lies between the two, and an exact attacker's interval too.
	// Equal when the search settled both sides.
	BoundLo, BoundHi float64
	BoundRatio       float64
	// InsiderRatio is the smallest over the operators (+Inf when no
	// operator needs protection from it).
	InsiderRatio float64
}

// Result is what the audit found.
type Result struct {
	Figures []Figure
	// MinRatio and MinInsiderRatio: the smallest ratios over all primary
	// figures (+Inf when there is none). MinBoundRatio is the smallest of
	// their BoundRatio: no outsider narrows a figure more than it says,
	// and MinRatio shows none can narrow one below it.
	MinRatio, MinInsiderRatio, MinBoundRatio float64
	// Failures are the reasons the release must not be published, sorted.
	Failures   []string
	Programmes int
	Insiders   int
}

// Passed reports whether nothing failed.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// Run audits every component.
func Run(ctx context.Context, in Input) (*Result, error) {
	m := in.Model
	res := &Result{MinRatio: math.Inf(1), MinInsiderRatio: math.Inf(1), MinBoundRatio: math.Inf(1)}
	// The published values must be the truth: the rest of the audit
	// reasons on them.
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		t := in.Data[col.Comp.Index].Truth(col)
		st := in.Pattern.Status[col.ID]
		if st == model.Published && math.Abs(in.Pattern.Value[col.ID]-t.Value) > 1e-6*math.Max(1, t.Value) {
			res.Failures = append(res.Failures, fmt.Sprintf("%s is published as %v but is %v", col.Label(), in.Pattern.Value[col.ID], t.Value))
		}
		r := rules.Check(in.Rules, t.Figure(col.Mag))
		if st == model.Published && r.Primary && (t.Value != 0 || r.Rule == rules.Revision) {
			res.Failures = append(res.Failures, fmt.Sprintf("%s is published but fails the %s rule", col.Label(), r.Rule))
		}
	}
	type out struct {
		figs       []Figure
		fails      []string
		programmes int
		insiders   int
		err        error
	}
	outs := make([]out, len(m.Components))
	m.EachComponent(in.Workers, func(ci int, c *model.Component) {
		o := &outs[ci]
		o.figs, o.fails, o.programmes, o.insiders, o.err = auditComponent(ctx, in, c)
	})
	for ci, o := range outs {
		if o.err != nil {
			return nil, fmt.Errorf("audit %s: %w", m.Components[ci].YearLabel(), o.err)
		}
		res.Figures = append(res.Figures, o.figs...)
		res.Failures = append(res.Failures, o.fails...)
		res.Programmes += o.programmes
		res.Insiders += o.insiders
	}
	for _, f := range res.Figures {
		if f.Primary {
			res.MinRatio = math.Min(res.MinRatio, f.Ratio)
			res.MinBoundRatio = math.Min(res.MinBoundRatio, f.BoundRatio)
			res.MinInsiderRatio = math.Min(res.MinInsiderRatio, f.InsiderRatio)
		}
	}
	slices.Sort(res.Failures)
	return res, nil
}

// auditComponent bounds every hidden figure of one component.
func auditComponent(ctx context.Context, in Input, c *model.Component) (figs []Figure, fails []string, programmes, insiders int, err error) {
	data := in.Data[c.Index]
	// The audit's own copy of the pattern: the programme may not change
	// the caller's.
	pat := &model.Pattern{Status: slices.Clone(in.Pattern.Status), Value: in.Pattern.Value,
		Quantile: in.Pattern.Quantile, MaxDurationMin: in.Pattern.MaxDurationMin}
	var hidden []*model.Column
	for _, col := range c.Columns {
		// An optional figure not published (a starred class not given) is
		// no figure: the classes it sums are, each bounded here.
		if pat.Status[col.ID] != model.Published && !col.Optional {
			hidden = append(hidden, col)
		}
	}
	if len(hidden) == 0 {
		return nil, nil, 0, 0, nil
	}
	pr, err := model.NewProgram(c, data, pat)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	b := pr.NewBounder()
	b.Exact = in.Exact
	defer func() { programmes = b.Programmes }()
	var pool [][]float64 // whole points found so far
	if c.Index < len(in.Hints) {
		for _, w := range in.Hints[c.Index] {
			if b.Holds(w) {
				pool = append(pool, w)
			}
		}
	}
	truth := map[int]model.Truth{}
	reqs := map[int]rules.Requirement{}
	for _, col := range hidden {
		t := data.Truth(col)
		truth[col.ID] = t
		reqs[col.ID] = rules.Check(in.Rules, t.Figure(col.Mag))
	}
	// Outsider.
	for _, col := range hidden {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, 0, err
		}
		t, req := truth[col.ID], reqs[col.ID]
		f := Figure{Column: col, Value: t.Value, Primary: req.Primary && (t.Value != 0 || req.Rule == rules.Revision), Rule: req.Rule, InsiderRatio: math.Inf(1)}
		if !f.Primary {
			// A partner must not be pinned: its interval has some width.
			if pat.Status[col.ID] == model.Withheld && t.Value == 0 {
				figs = append(figs, f)
				continue
			}
			// The points already found (protect's among them, which hold
			// on this programme) answer first: protect's reader knows
			// more (an empty class), so its points are this reader's too,
			// but this search need not find them again.
			d := 1 + col.Step/2
			up, err := extent(b, &pool, nil, col, true, t.Value+d)
			if err != nil {
				return nil, nil, 0, 0, err
			}
			down, err := extent(b, &pool, nil, col, false, t.Value-d)
			if err != nil {
				return nil, nil, 0, 0, err
			}
			hi, st, lo, st2 := up.Reached, up.Status, down.Reached, down.Status
			f.Lo, f.Hi, f.Ratio = lo, hi, math.Inf(1)
			if st != lp.Optimal || st2 != lp.Optimal {
				fails = append(fails, fmt.Sprintf("%s %s: the audit could not bound it (%v, %v)", c.YearLabel(), col.Label(), st, st2))
			} else if hi-lo < 1e-6 {
				if os.Getenv("KENSHO_DEBUG") != "" {
					v, frac, n := b.DebugFractional(col)
					fmt.Printf("audit: %s pinned; relaxation max %v (truth %v), %d of %d fractional; status %v\n", col.Label(), v, t.Value, frac, n, pat.Status[col.ID])
				}
				what := "a partner"
				if in.Forced[col.ID] {
					what = "hidden as an earlier release hid it"
				}
				fails = append(fails, fmt.Sprintf("%s %s (%s) is pinned exactly at %v", c.YearLabel(), col.Label(), what, t.Value))
			}
			figs = append(figs, f)
			continue
		}
		if d := os.Getenv("KENSHO_DEBUG_FIGURE"); d != "" && col.Label() == d {
			debugFigure(b, col, t.Value)
		}
		iv, failure, err := bound(b, &pool, nil, col, t.Value, req.Upper, req.Lower)
		if err != nil {
			return nil, nil, 0, 0, err
		}
		f.Lo, f.Hi, f.Ratio = iv.lo, iv.hi, iv.ratio
		f.BoundLo, f.BoundHi, f.BoundRatio = iv.boundLo, iv.boundHi, iv.boundRatio
		if failure != "" {
			fails = append(fails, fmt.Sprintf("%s %s: %s", c.YearLabel(), col.Label(), failure))
		}
		figs = append(figs, f)
	}
	// Insiders: every operator with accidents in the component.
	for _, op := range data.Operators() {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, 0, err
		}
		in1 := pr.Insider(op)
		applied := false
		for i := range figs {
			f := &figs[i]
			if !f.Primary {
				continue
			}
			t := truth[f.Column.ID]
			up, lo := rules.Insider(in.Rules, t.Figure(f.Column.Mag), reqs[f.Column.ID], op)
			if up <= 0 && lo <= 0 {
				continue
			}
			if !applied {
				b.SetInsider(in1)
				applied = true
				insiders++
			}
			iv, failure, err := bound(b, &pool, in1, f.Column, t.Value, up, lo)
			if err != nil {
				return nil, nil, 0, 0, err
			}
			f.InsiderRatio = math.Min(f.InsiderRatio, iv.ratio)
			if failure != "" {
				fails = append(fails, fmt.Sprintf("%s %s, against an operator that knows its own accidents: %s", c.YearLabel(), f.Column.Label(), failure))
			}
		}
		if applied {
			b.SetInsider(nil)
		}
	}
	return figs, fails, programmes, insiders, nil
}

// interval is a figure's interval for one reader: [lo, hi] reached by
// whole points, [boundLo, boundHi] proved (see Figure), with their ratios.
type interval struct {
	lo, hi, ratio                float64
	boundLo, boundHi, boundRatio float64
}

// bound computes a figure's interval up to twice its protection on each
// side and the ratio; failure says why it falls short (or that the bound
// could not be settled, which fails closed). A point already found that
// reaches the cap (and that the reader's knowledge admits) settles a side
// without solving.
func bound(b *model.Bounder, pool *[][]float64, in *model.Insider, col *model.Column, x, upper, lower float64) (iv interval, failure string, err error) {
	iv = interval{lo: x, hi: x, boundLo: x, boundHi: x}
	side := func(up bool, need float64) (model.Extent, string, error) {
		limit := x + rules.RatioCap*need
		if !up {
			limit = x - rules.RatioCap*need
		}
		e, err := extent(b, pool, in, col, up, limit)
		if err != nil {
			return e, "", err
		}
		if e.Status != lp.Optimal {
			return e, fmt.Sprintf("a bound could not be settled (%v)", e.Status), nil
		}
		return e, "", nil
	}
	if upper > 0 {
		e, f, err := side(true, upper)
		if err != nil || f != "" {
			return interval{}, f, err
		}
		iv.hi, iv.boundHi = e.Reached, e.Bound
	}
	if lower > 0 {
		e, f, err := side(false, lower)
		if err != nil || f != "" {
			return interval{}, f, err
		}
		iv.lo, iv.boundLo = e.Reached, e.Bound
	}
	iv.ratio = rules.Ratio(x, iv.lo, iv.hi, upper, lower)
	iv.boundRatio = rules.Ratio(x, iv.boundLo, iv.boundHi, upper, lower)
	if iv.ratio < 1-1e-9 {
		failure = fmt.Sprintf("a reader narrows it to [%v, %v] around %v; it needs %v above and %v below", iv.lo, iv.hi, x, upper, lower)
	}
	return iv, failure, nil
}

// extent is how far reader in (nil: the outsider) takes col on one side,
// up to limit. A whole point already found that reaches the limit (and
// that the reader admits) settles it without solving; otherwise the
// search starts from the farthest such point, and the point it finds
// joins the pool.
func extent(b *model.Bounder, pool *[][]float64, in *model.Insider, col *model.Column, up bool, limit float64) (model.Extent, error) {
	from := math.NaN()
	for _, p := range *pool {
		v, ok := valueAt(b.Pr, col, p)
		if !ok || (in != nil && !in.Admits(b.Pr, p)) {
			continue
		}
		if (up && v >= limit-1e-9) || (!up && v <= limit+1e-9) {
			return model.Extent{Reached: limit, Bound: limit, Status: lp.Optimal}, nil
		}
		if math.IsNaN(from) || (up && v > from) || (!up && v < from) {
			from = v
		}
	}
	e, err := b.ExtremeFrom(col, up, limit, from)
	if err == nil && e.Status == lp.Optimal && e.Witness != nil {
		*pool = append(*pool, e.Witness)
	}
	return e, err
}

// valueAt evaluates a column at a point; ok is false when the point does
// not cover the column's block.
func valueAt(pr *model.Program, col *model.Column, p []float64) (float64, bool) {
	v := 0.0
	for _, t := range pr.Terms(col) {
		x := p[t.Var]
		if math.IsNaN(x) {
			return 0, false
		}
		v += t.Coef * x
	}
	return v, true
}

// debugFigure prints the rows that hold a figure's relaxation on each side
// (KENSHO_DEBUG_FIGURE names it by its label: "<table> row <r> measure <m>
// (<magnitude>)").
func debugFigure(b *model.Bounder, col *model.Column, v float64) {
	for _, upper := range []bool{true, false} {
		target := v + 1e9
		if !upper {
			target = v - 1e9
		}
		r, err := b.Reach(col, upper, target)
		fmt.Printf("audit: %s = %v, upper %v: bound %v, status %v, err %v, %d binding rows\n", col.Label(), v, upper, r.Bound, r.Status, err, len(r.Binding))
		for _, row := range r.Binding {
			fmt.Printf("  %s\n", b.Pr.DescribeRow(row))
		}
		// Each publication left out in turn: which of them hold the bound.
		groups := map[string][]int{}
		var names []string
		for _, c := range b.Pr.Comp.Columns {
			if len(c.Refs) == 0 || c.ID == col.ID {
				continue
			}
			g := c.Refs[0].Table
			if c.Refs[0].Extract != "" {
				g = "extract " + c.Refs[0].Extract
			}
			if groups[g] == nil {
				names = append(names, g)
			}
			groups[g] = append(groups[g], c.ID)
		}
		slices.Sort(names)
		for _, g := range names {
			restore := b.FreeColumns(groups[g])
			r, err := b.Reach(col, upper, target)
			restore()
			fmt.Printf("  without %s: bound %v (%v, %v)\n", g, r.Bound, r.Status, err)
		}
		if base := os.Getenv("KENSHO_DEBUG_WITHOUT"); base != "" {
			// Pairs: the named publication and each other one.
			for _, g := range names {
				restore := b.FreeColumns(append(slices.Clone(groups[base]), groups[g]...))
				r, err := b.Reach(col, upper, target)
				restore()
				fmt.Printf("  without %s and %s: bound %v (%v, %v)\n", base, g, r.Bound, r.Status, err)
			}
		}
	}
}
