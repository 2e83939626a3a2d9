package anonymize

// The audit's linear programmes, solved with gonum's lp.Simplex (a dense
// textbook simplex, independent of the tableau code that suppression uses).

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// aStandard is a programme in gonum's standard form: minimize cᵀz subject to
// A z = b, z ≥ 0, where z = (v − lo)/scale followed by one slack per upper
// bound that the equations do not already imply. The audit's own tableau
// (tab) keeps its last basis, so each bound starts where the last ended.
type aStandard struct {
	a     *mat.Dense
	b     []float64
	n     int
	lo    []float64
	hi    []float64
	scale float64
	tab   *aTab
	// what rebuilding b for other bounds needs
	rows    [][]float64
	rhs     []float64
	implied []float64
	slack   []int
	keep    []int
	signs   []float64
	// gonum's verdicts on this programme's primary bounds
	judged, disagreed, unconfirmed int
}

var errAuditInfeasible = errors.New("the published values admit no solution")

// impliedUpper bounds each variable from above using the equations and the
// lower bounds alone (never another upper bound, so dropping an upper bound
// it implies is sound).
func impliedUpper(rows [][]float64, rhs, lo []float64) []float64 {
	out := make([]float64, len(lo))
	for i := range out {
		out[i] = math.Inf(1)
	}
	for r, row := range rows {
		// Σ a_j v_j = rhs. For a_i > 0 every other term with a_j < 0 is
		// unbounded below, and for a_i < 0 every term with a_j > 0 is
		// unbounded above; only rows without such terms bound v_i.
		pos, neg := 0, 0
		for _, a := range row {
			if a > 0 {
				pos++
			} else if a < 0 {
				neg++
			}
		}
		for i, a := range row {
			if a == 0 || (a > 0 && neg > 0) || (a < 0 && pos > 0) {
				continue
			}
			rest := 0.0
			for j, b := range row {
				if j != i {
					rest += b * lo[j]
				}
			}
			out[i] = math.Min(out[i], (rhs[r]-rest)/a)
		}
	}
	return out
}

// auditStandardForm shifts, scales and adds slacks, then keeps a set of
// linearly independent equations (Gaussian elimination with partial
// pivoting), since gonum needs full row rank.
func auditStandardForm(rows [][]float64, rhs, lo, hiIn []float64) (*aStandard, error) {
	n := len(lo)
	hi := append([]float64(nil), hiIn...)
	implied := impliedUpper(rows, rhs, lo)
	for i := range hi {
		if !math.IsInf(hi[i], 1) && implied[i] <= hi[i]+1e-9*math.Max(1, math.Abs(hi[i])) {
			hi[i] = math.Inf(1) // the equations already keep it below
		}
	}
	scale := 1.0
	for _, v := range rhs {
		scale = math.Max(scale, math.Abs(v))
	}
	for i := range lo {
		scale = math.Max(scale, math.Abs(lo[i]))
		if !math.IsInf(hi[i], 1) {
			scale = math.Max(scale, math.Abs(hi[i]))
		}
	}
	s := &aStandard{n: n, lo: lo, hi: hi, scale: scale, rows: rows, rhs: rhs, implied: implied}
	for i := range hi {
		if !math.IsInf(hi[i], 1) {
			if hi[i] < lo[i]-1e-9*scale {
				return nil, errAuditInfeasible
			}
			s.slack = append(s.slack, i)
		}
	}
	width := n + len(s.slack)
	all := s.fullRows(width)
	b := s.fullRHS(lo, hi)
	// Independent rows: reduce each against the rows kept so far.
	type kept struct {
		red   []float64
		rhs   float64
		pivot int
	}
	var basis []kept
	for r := range all {
		red := append([]float64(nil), all[r]...)
		rb := b[r]
		for _, k := range basis {
			f := red[k.pivot] / k.red[k.pivot]
			if f == 0 {
				continue
			}
			for j := range red {
				red[j] -= f * k.red[j]
			}
			rb -= f * k.rhs
		}
		p, best := -1, 1e-9
		for j, v := range red {
			if math.Abs(v) > best {
				p, best = j, math.Abs(v)
			}
		}
		if p < 0 {
			if math.Abs(rb) > 1e-7 {
				return nil, errAuditInfeasible
			}
			continue
		}
		basis = append(basis, kept{red, rb, p})
		s.keep = append(s.keep, r)
	}
	if len(s.keep) > 0 {
		s.a = mat.NewDense(len(s.keep), width, nil)
		for i, r := range s.keep {
			sign := 1.0
			if b[r] < 0 { // the Phase I below starts from b ≥ 0
				sign = -1
			}
			row := append([]float64(nil), all[r]...)
			for j := range row {
				row[j] *= sign
			}
			s.a.SetRow(i, row)
			s.signs = append(s.signs, sign)
			s.b = append(s.b, sign*b[r])
		}
	}
	return s, nil
}

func (s *aStandard) fullRows(width int) [][]float64 {
	var all [][]float64
	for _, row := range s.rows {
		x := make([]float64, width)
		copy(x, row)
		all = append(all, x)
	}
	for k, i := range s.slack {
		x := make([]float64, width)
		x[i], x[s.n+k] = 1, 1
		all = append(all, x)
	}
	return all
}

// fullRHS is the right-hand side of every row (equations, then upper
// bounds) for bounds lo and hi, scaled.
func (s *aStandard) fullRHS(lo, hi []float64) []float64 {
	var b []float64
	for r, row := range s.rows {
		v := s.rhs[r]
		for j, c := range row {
			v -= c * lo[j]
		}
		b = append(b, v/s.scale)
	}
	for _, i := range s.slack {
		b = append(b, (hi[i]-lo[i])/s.scale)
	}
	return b
}

// rebase returns the programme for tighter bounds (an insider's), sharing
// A and starting from this programme's basis when it stays feasible; nil
// when the bounds need another form (an upper bound this form dropped as
// implied now binds, or one it has none for).
func (s *aStandard) rebase(lo, hi []float64) *aStandard {
	for i := range hi {
		bounded := false
		for _, j := range s.slack {
			bounded = bounded || j == i
		}
		if bounded != !math.IsInf(s.hi[i], 1) || (!bounded && !math.IsInf(hi[i], 1) && hi[i] < s.implied[i]) {
			return nil
		}
		if bounded && math.IsInf(hi[i], 1) {
			return nil
		}
	}
	c := *s
	c.lo, c.hi = lo, hi
	c.judged, c.disagreed, c.unconfirmed = 0, 0, 0
	if s.a == nil {
		return &c
	}
	full := s.fullRHS(lo, hi)
	c.b = make([]float64, len(s.keep))
	for i, r := range s.keep {
		c.b[i] = s.signs[i] * full[r]
	}
	c.tab = nil
	if s.tab != nil {
		c.tab = s.tab.rebased(c.b)
	}
	return &c
}

// safeSimplex calls gonum's simplex, turning its panic on an infeasible
// starting basis (a rounding matter) into an error.
func safeSimplex(c []float64, a mat.Matrix, b []float64, basis []int) (obj float64, z []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("simplex: %v", r)
		}
	}()
	return lp.Simplex(c, a, b, 1e-10, basis)
}

// reach moves towards the greatest (max) or least value of variable t and
// stops once it reaches target. It returns whether it did, the value where
// it stopped (the bound itself when not reached) and the point there (nil
// when unbounded above). With judge, a bound found optimal is re-solved by
// gonum's simplex from the optimal basis, and a point that stops early is
// checked to satisfy every equation.
func (s *aStandard) reach(t int, max bool, target float64, judge bool) (bool, float64, []float64, error) {
	met := func(v float64) bool {
		if max {
			return v >= target
		}
		return v <= target
	}
	if s.a == nil {
		if max {
			return met(s.hi[t]), s.hi[t], nil, nil
		}
		return met(s.lo[t]), s.lo[t], append([]float64(nil), s.lo...), nil
	}
	if s.tab == nil {
		m, _ := s.a.Dims()
		rows := make([][]float64, m)
		for i := range rows {
			rows[i] = mat.Row(nil, i, s.a)
		}
		tab, err := aPhaseOne(rows, s.b)
		if err != nil {
			return false, 0, nil, err
		}
		s.tab = tab
	}
	_, width := s.a.Dims()
	c := make([]float64, width)
	if max {
		c[t] = -1
	} else {
		c[t] = 1
	}
	value := func() float64 { return s.lo[t] + s.scale*s.tab.valueOf(t) }
	unbounded, err := s.tab.advance(c, func() bool { return met(value()) })
	if err != nil {
		return false, 0, nil, err
	}
	if unbounded {
		if max {
			return true, math.Inf(1), nil, nil
		}
		return false, 0, nil, errors.New("a cell is unbounded below")
	}
	z := s.tab.point()
	reached := met(value())
	if judge {
		s.judged++
		if reached {
			if !s.satisfies(z) {
				s.unconfirmed++
			}
		} else {
			obj := 0.0
			for j := range c {
				obj += c[j] * z[j]
			}
			gobj, gz, gerr := safeSimplex(c, s.a, s.b, append([]int(nil), s.tab.basis...))
			switch {
			case gerr != nil:
				s.unconfirmed++
			case gobj < obj-1e-7*math.Max(1, math.Abs(obj)):
				s.disagreed++
				z = gz
			}
		}
	}
	x := make([]float64, s.n)
	for i := range x {
		x[i] = s.lo[i] + s.scale*z[i]
	}
	v := x[t]
	return met(v), v, x, nil
}

// satisfies checks a point of the standard form against every equation
// and sign.
func (s *aStandard) satisfies(z []float64) bool {
	m, width := s.a.Dims()
	for i := 0; i < m; i++ {
		v := 0.0
		for j := 0; j < width; j++ {
			v += s.a.At(i, j) * z[j]
		}
		if math.Abs(v-s.b[i]) > 1e-7*math.Max(1, math.Abs(s.b[i])) {
			return false
		}
	}
	for _, v := range z {
		if v < -1e-9 {
			return false
		}
	}
	return true
}

// auditComponent bounds every suppressed cell of one component, as an
// outsider and as each operator that contributes to one of its cells.
//
// Primary cells get both bounds by linear programming, pursued until the
// interval reaches auditRatioCap times the protection. A secondary cell
// needs only not to be a single point: two solutions found for other cells
// that differ on it prove that, else it gets its own programmes. An insider
// knows more (its own contributions, its own records), so its feasible set
// is smaller; the segment from the true values to the outsider's extreme
// point, cut where it leaves the insider's set, is a feasible point of the
// insider's programme, and when it already reaches the protection no
// programme is solved (the ratio reported is then a lower bound).
func (a *auditor) auditComponent(m *aModel, comp []int, known map[int]float64) error {
	a.res.summary.Components++
	col := map[int]int{}
	for i, j := range comp {
		col[j] = i
	}
	seen := map[int]bool{}
	var rows [][]float64
	var rhs []float64
	for _, j := range comp {
		for _, e := range m.eqsOf[j] {
			if seen[e] {
				continue
			}
			seen[e] = true
			row := make([]float64, len(comp))
			v := 0.0
			for k, c := range m.eqs[e] {
				coef := -1.0
				if k == 0 {
					coef = 1
				}
				if i, ok := col[c]; ok {
					row[i] += coef
				} else if kv, ok := known[c]; ok {
					v -= coef * kv
				} else {
					v -= coef * m.cells[c].value
				}
			}
			rows = append(rows, row)
			rhs = append(rhs, v)
		}
	}
	lo := make([]float64, len(comp))
	hi := make([]float64, len(comp))
	perOp := make([]map[int32][2]float64, len(comp))
	for i, j := range comp {
		b := a.micro.bounds(m.cells[j].conds, m.mag)
		lo[i], hi[i], perOp[i] = b.lo, b.hi, b.perOp
	}
	std, err := auditStandardForm(rows, rhs, lo, hi)
	if err != nil {
		a.failf("%s: a component of %d unknown cells has no solution: %v", m.mag, len(comp), err)
		return nil
	}
	type result struct {
		lo, hi   float64
		xlo, xhi []float64
	}
	res := map[int]result{}
	var targets, secondary []int
	var points [][]float64
	for i, j := range comp {
		c := m.cells[j]
		if !c.suppressed {
			continue
		}
		a.res.summary.SuppressedChecked++
		if !c.primary {
			secondary = append(secondary, j)
			continue
		}
		targets = append(targets, j)
		a.res.summary.LinearProgrammes += 2
		x := c.value
		_, h, xh, err1 := std.reach(i, true, x+auditRatioCap*c.need, true)
		_, l, xl, err2 := std.reach(i, false, x-math.Min(auditRatioCap*c.need, x), true)
		if err := errors.Join(err1, err2); err != nil {
			a.failf("%s: suppressed cell %s (%s): the interval could not be computed: %v", m.mag, c.id, auditRefs(c.refs), err)
			continue
		}
		res[j] = result{l, h, xl, xh}
		points = append(points, xl)
		if xh != nil {
			points = append(points, xh)
		}
		a.judgeInterval(m.mag, c, l, h, c.need, false)
	}
	for _, j := range secondary {
		i := col[j]
		c := m.cells[j]
		moved := false
		for _, p := range points[min(1, len(points)):] {
			if math.Abs(p[i]-points[0][i]) > 1e-6*math.Max(1, c.value) {
				moved = true
				break
			}
		}
		if moved {
			continue
		}
		a.res.summary.LinearProgrammes += 2
		tol := 1e-6 * math.Max(1, c.value)
		up, h, xh, err1 := std.reach(i, true, c.value+2*tol, false)
		down, l, xl, err2 := std.reach(i, false, c.value-2*tol, false)
		if err := errors.Join(err1, err2); err != nil {
			a.failf("%s: suppressed cell %s (%s): the interval could not be computed: %v", m.mag, c.id, auditRefs(c.refs), err)
			continue
		}
		points = append(points, xl)
		if xh != nil {
			points = append(points, xh)
		}
		if !up && !down {
			a.judgeInterval(m.mag, c, l, h, 0, false)
		}
	}
	a.res.summary.GonumJudged += std.judged
	a.res.summary.GonumDisagreed += std.disagreed
	a.res.summary.GonumUnconfirmed += std.unconfirmed
	if len(targets) == 0 {
		return nil
	}
	// Insiders: every operator with a contribution to an unknown cell.
	// auditIntervals has fetched the hidden cells' shares for every
	// component; any still missing are fetched here.
	var hidden []int
	for _, j := range comp {
		if m.cells[j].kind == 'h' && m.cells[j].contrib == nil {
			hidden = append(hidden, j)
		}
	}
	if err := a.hiddenContributions(m, hidden); err != nil {
		return err
	}
	truth := make([]float64, len(comp))
	ops := map[int32]bool{}
	for i, j := range comp {
		c := m.cells[j]
		if c.kind == 'h' {
			truth[i] = sumByOperator(c.contrib)
		} else {
			truth[i] = c.value
		}
		for op, v := range c.contrib {
			if v > 0 {
				ops[op] = true
			}
		}
	}
	opList := make([]int32, 0, len(ops))
	for op := range ops {
		opList = append(opList, op)
	}
	sort.Slice(opList, func(i, j int) bool { return opList[i] < opList[j] }) // deterministic order
	for _, op := range opList {
		a.res.summary.InsiderOperators++
		ilo := make([]float64, len(comp))
		ihi := make([]float64, len(comp))
		for i, j := range comp {
			own := m.cells[j].contrib[op]
			mine := perOp[i][op]
			ilo[i] = math.Max(lo[i], own+(lo[i]-mine[0]))
			ihi[i] = hi[i]
			if !math.IsInf(hi[i], 1) {
				ihi[i] = math.Min(hi[i], own+(hi[i]-mine[1]))
			}
		}
		// reach: how far towards x the insider can go from the truth.
		reach := func(x []float64) float64 {
			if x == nil {
				return 0
			}
			lambda := 1.0
			for i, v := range x {
				t := truth[i]
				if v < ilo[i] && t > v {
					lambda = math.Min(lambda, (t-ilo[i])/(t-v))
				}
				if v > ihi[i] && v > t {
					lambda = math.Min(lambda, (ihi[i]-t)/(v-t))
				}
			}
			return math.Max(0, lambda)
		}
		var istd *aStandard
		for _, j := range targets {
			c := m.cells[j]
			need := auditInsiderNeed(a.cfg, c.value, c.contrib, c.rule, op)
			r, ok := res[j]
			if need <= 0 || !ok {
				continue
			}
			x := c.value
			l := x - reach(r.xlo)*(x-r.lo)
			h := math.Inf(1)
			if !math.IsInf(r.hi, 1) {
				h = x + reach(r.xhi)*(r.hi-x)
			}
			if h-x < need || x-l < math.Min(need, x) {
				if istd == nil {
					if istd = std.rebase(ilo, ihi); istd == nil {
						if istd, err = auditStandardForm(rows, rhs, ilo, ihi); err != nil {
							a.failf("%s: operator %d's knowledge leaves no solution: %v", m.mag, op, err)
							break
						}
					}
				}
				a.res.summary.InsiderProgrammes += 2
				var err1, err2 error
				_, h, _, err1 = istd.reach(col[j], true, x+auditRatioCap*need, false)
				_, l, _, err2 = istd.reach(col[j], false, x-math.Min(auditRatioCap*need, x), false)
				if err := errors.Join(err1, err2); err != nil {
					a.failf("%s: suppressed cell %s against an operator: the interval could not be computed: %v", m.mag, c.id, err)
					continue
				}
			}
			a.judgeInterval(m.mag, c, l, h, need, true)
		}
	}
	return nil
}

// auditRatioCap: a bound is pursued until its interval reaches this
// multiple of the protection; a ratio reported at the cap means "at least".
const auditRatioCap = 2

// judgeInterval records the ratio of the interval to the protection and
// fails the cell when it falls short.
func (a *auditor) judgeInterval(mag kensho.Magnitude, c *aCell, lo, hi, need float64, insider bool) {
	x := c.value
	tol := 1e-6 * math.Max(1, x)
	who := "the public"
	if insider {
		who = "an operator knowing its own figures"
	}
	if hi-lo <= tol {
		a.failf("%s: suppressed cell %s (%s) is determined exactly by %s", mag, c.id, auditRefs(c.refs), who)
		return
	}
	if !c.primary || need <= 0 {
		return
	}
	down := math.Min(need, x)
	ratio := math.Min(math.Min((hi-x)/need, (x-lo)/math.Max(down, 1e-300)), auditRatioCap)
	if insider {
		a.res.summary.MinInsiderRatio = minPtr(a.res.summary.MinInsiderRatio, ratio)
	} else {
		a.res.summary.MinRatio = minPtr(a.res.summary.MinRatio, ratio)
	}
	for _, r := range c.refs {
		if old, ok := a.res.tableMinRatio[r.Table]; !ok || ratio < old {
			a.res.tableMinRatio[r.Table] = ratio
		}
	}
	if ratio < 1-1e-6 {
		a.failf("%s: suppressed cell %s (%s): %s can narrow it to [%.6g, %.6g], inside the protection of ±%.6g around %.6g (ratio %.4f)",
			mag, c.id, auditRefs(c.refs), who, lo, hi, need, x, ratio)
	}
}

func minPtr(p *float64, v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return p
	}
	if p == nil || v < *p {
		return &v
	}
	return p
}

// hiddenContributions fills the per-operator values of hidden cells from
// deid_accident, one query per set of dimensions.
func (a *auditor) hiddenContributions(m *aModel, cells []int) error {
	bySig := map[string][]int{}
	for _, j := range cells {
		dims := make([]string, len(m.cells[j].conds))
		for i, c := range m.cells[j].conds {
			dims[i] = c.d
		}
		sig := strings.Join(dims, ",")
		bySig[sig] = append(bySig[sig], j)
	}
	sigs := make([]string, 0, len(bySig))
	for s := range bySig {
		sigs = append(sigs, s)
	}
	sort.Strings(sigs) // deterministic order
	for _, sig := range sigs {
		list := bySig[sig]
		for _, j := range list {
			m.cells[j].contrib = map[int32]float64{}
		}
		var dims []string
		if sig != "" {
			dims = strings.Split(sig, ",")
		}
		values := make([]string, len(list))
		for n, j := range list {
			parts := []string{fmt.Sprint(n)}
			for _, c := range m.cells[j].conds {
				if c.v == auditNull {
					parts = append(parts, "CAST(NULL AS VARCHAR)")
				} else {
					parts = append(parts, "'"+strings.ReplaceAll(c.v, "'", "''")+"'")
				}
			}
			values[n] = "(" + strings.Join(parts, ", ") + ")"
		}
		aliases := ""
		on := []string{"TRUE"}
		for i, d := range dims {
			aliases += fmt.Sprintf(", c%d", i)
			on = append(on, fmt.Sprintf(`CAST(d."%s" AS VARCHAR) IS NOT DISTINCT FROM k.c%d`, strings.ReplaceAll(d, `"`, `""`), i))
		}
		qs, err := render("audit_cells.sql", map[string]string{"Values": strings.Join(values, ", "), "Aliases": aliases, "On": strings.Join(on, " AND ")})
		if err != nil {
			return err
		}
		rows, err := a.db.QueryContext(a.ctx, qs)
		if err != nil {
			return fmt.Errorf("audit: hidden cells: %w", err)
		}
		for rows.Next() {
			var id int
			var op int32
			var v [3]float64
			if err := rows.Scan(&id, &op, &v[0], &v[1], &v[2]); err != nil {
				rows.Close()
				return err
			}
			x := v[2]
			if k := auditMagnitudeIndex(m.mag); k >= 0 {
				x = v[k]
			}
			if x != 0 {
				m.cells[list[id]].contrib[op] = x
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
	}
	return nil
}

// extreme runs to the bound itself: the least (max false) or greatest value
// of variable t, and a point reaching it.
func (s *aStandard) extreme(t int, max, judge bool) (float64, []float64, error) {
	target := math.Inf(-1)
	if max {
		target = math.Inf(1)
	}
	_, v, x, err := s.reach(t, max, target, judge)
	return v, x, err
}
