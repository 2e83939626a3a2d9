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
// bound that the equations do not already imply.
type aStandard struct {
	a     *mat.Dense
	b     []float64
	n     int
	lo    []float64
	hi    []float64
	scale float64
	tab   *aTab
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
			if a == 0 {
				continue
			}
			if (a > 0 && neg > 0) || (a < 0 && pos > 0) {
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
	var slack []int
	for i := range hi {
		if !math.IsInf(hi[i], 1) {
			if hi[i] < lo[i]-1e-9*scale {
				return nil, errAuditInfeasible
			}
			slack = append(slack, i)
		}
	}
	width := n + len(slack)
	var all [][]float64
	var b []float64
	for r, row := range rows {
		x := make([]float64, width)
		v := rhs[r]
		for j, c := range row {
			x[j] = c
			v -= c * lo[j]
		}
		all = append(all, x)
		b = append(b, v/scale)
	}
	for k, i := range slack {
		x := make([]float64, width)
		x[i], x[n+k] = 1, 1
		all = append(all, x)
		b = append(b, (hi[i]-lo[i])/scale)
	}
	// Independent rows: reduce each against the rows kept so far.
	type kept struct {
		red   []float64
		rhs   float64
		pivot int
	}
	var basis []kept
	var keepRows []int
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
		keepRows = append(keepRows, r)
	}
	s := &aStandard{n: n, lo: lo, hi: hi, scale: scale}
	if len(keepRows) > 0 {
		s.a = mat.NewDense(len(keepRows), width, nil)
		for i, r := range keepRows {
			row := all[r]
			v := b[r]
			if v < 0 { // gonum's Phase I below starts from b ≥ 0
				row = append([]float64(nil), row...)
				for j := range row {
					row[j] = -row[j]
				}
				v = -v
			}
			s.a.SetRow(i, row)
			s.b = append(s.b, v)
		}
	}
	return s, nil
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

// extreme returns the least (max false) or greatest value of variable t and
// a solution reaching it; +Inf when unbounded above. With judge, gonum's
// simplex, started from the optimal basis found, confirms the optimum.
func (s *aStandard) extreme(t int, max, judge bool) (float64, []float64, error) {
	if s.a == nil {
		x := append([]float64(nil), s.lo...)
		if max {
			return s.hi[t], nil, nil
		}
		return s.lo[t], x, nil
	}
	if s.tab == nil {
		m, _ := s.a.Dims()
		rows := make([][]float64, m)
		for i := range rows {
			rows[i] = mat.Row(nil, i, s.a)
		}
		tab, err := aPhaseOne(rows, s.b)
		if err != nil {
			return 0, nil, err
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
	obj, z, basis, unbounded, err := s.tab.aMinimize(c)
	if err != nil {
		return 0, nil, err
	}
	if unbounded {
		if max {
			return math.Inf(1), nil, nil
		}
		return 0, nil, errors.New("a cell is unbounded below")
	}
	if judge {
		s.judged++
		gobj, gz, gerr := safeSimplex(c, s.a, s.b, basis)
		switch {
		case gerr != nil:
			s.unconfirmed++
		case gobj < obj-1e-7*math.Max(1, math.Abs(obj)):
			s.disagreed++
			z = gz
		}
	}
	x := make([]float64, s.n)
	for i := range x {
		x[i] = s.lo[i] + s.scale*z[i]
	}
	return x[t], x, nil
}

// auditComponent bounds every suppressed cell of one component, as an
// outsider and as each operator that contributes to one of its cells.
//
// Primary cells get both bounds by linear programming. A secondary cell
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
		l, xl, err1 := std.extreme(i, false, true)
		h, xh, err2 := std.extreme(i, true, true)
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
		l, xl, err1 := std.extreme(i, false, false)
		h, xh, err2 := std.extreme(i, true, false)
		if err := errors.Join(err1, err2); err != nil {
			a.failf("%s: suppressed cell %s (%s): the interval could not be computed: %v", m.mag, c.id, auditRefs(c.refs), err)
			continue
		}
		points = append(points, xl)
		if xh != nil {
			points = append(points, xh)
		}
		a.judgeInterval(m.mag, c, l, h, 0, false)
	}
	a.res.summary.GonumJudged += std.judged
	a.res.summary.GonumDisagreed += std.disagreed
	a.res.summary.GonumUnconfirmed += std.unconfirmed
	if len(targets) == 0 {
		return nil
	}
	// Insiders: every operator with a contribution to an unknown cell.
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
			for _, v := range c.contrib {
				truth[i] += v
			}
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
					if istd, err = auditStandardForm(rows, rhs, ilo, ihi); err != nil {
						a.failf("%s: operator %d's knowledge leaves no solution: %v", m.mag, op, err)
						break
					}
				}
				a.res.summary.InsiderProgrammes += 2
				var err1, err2 error
				l, _, err1 = istd.extreme(col[j], false, false)
				h, _, err2 = istd.extreme(col[j], true, false)
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
	ratio := math.Min((hi-x)/need, (x-lo)/math.Max(down, 1e-300))
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
			var x float64
			switch m.mag {
			case kensho.MagAccidents:
				x = v[0]
			case kensho.MagAffectedUsers:
				x = v[1]
			default:
				x = v[2]
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
