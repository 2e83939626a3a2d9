package anonymize

// Secondary suppression. Each round propagates what single equations reveal
// (the Gaussian elimination of GaussSuppression restricted to one unknown per
// equation, which is where almost every exact disclosure comes from), then
// solves, per linked component of unknown cells, the interval of every
// suppressed cell by linear programming, for the outsider and for each
// operator with its own contributions known. A cell that fails gets one more
// suppressed partner from an equation it is in (a sibling with enough value
// to hide it, never a national or yearly total when anything else will do),
// and the round repeats. Suppressing more only widens intervals, so a cell
// that passed stays passed.

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/kensho-jp/kensho"
)

// failure is a suppressed cell whose interval does not meet its protection.
type failure struct {
	cell int
	kind string  // "exact", "lower", "upper": the side that falls short
	need float64 // how much more the interval must widen
	rel  int     // the equation that revealed it exactly, or -1
	// insider: the shortfall is against operator op, who knows its own
	// contribution to every cell.
	insider bool
	op      int32
	// capped: the microdata's own upper bound on the cell, released plus
	// withheld records that may be in it, is below what the protection
	// needs; only withholding more records of its years can lift it.
	capped bool
	comp   []int // the component's unknown cells
	// cands: for a cell the equations of its component determine, the
	// published cells its value is computed from (any one of them,
	// suppressed, breaks that derivation).
	cands []int
}

// engine runs secondary suppression on one magnitude's system.
type engine struct {
	cfg Config
	s   *psystem
	// contribOf returns the per-operator contributions of a hidden cell.
	contribOf func(ids []int) error
	// bounds, when set, are the microdata's bounds on cells.
	bounds   boundsSource
	verified map[int]bool
	// passedA: cells verified before the microdata existed; a component of
	// them whose microdata bounds cannot bind needs no new programme.
	passedA map[int]bool
	lps     int
}

// boundsSource gives the microdata's bounds on a cell: for the outsider and
// per operator (lo, hi), so an insider can add its own records' knowledge.
type boundsSource interface {
	cellBounds(c *pcell) cellBound
}

type cellBound struct {
	lo, hi float64
	perOp  map[int32][2]float64 // operator -> (lo, hi) of its own records
}

func newEngine(cfg Config, s *psystem) *engine {
	return &engine{cfg: cfg, s: s, verified: map[int]bool{}, passedA: map[int]bool{}}
}

// markPrimary applies the primary rules to every table cell.
func (e *engine) markPrimary() {
	for _, c := range e.s.cells {
		if c.kind != kindTable {
			continue
		}
		c.primary, c.rule, c.protect = primaryRule(e.cfg, c.value, c.contrib)
	}
}

// run repeats rounds until every suppressed cell passes. repair is asked
// first (the microdata phase drops records); when it does nothing, a partner
// cell is suppressed.
func (e *engine) run(ctx context.Context, repair func([]failure) (bool, error)) error {
	for round := 0; ; round++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		fails, err := e.round()
		if err != nil {
			return err
		}
		if len(fails) == 0 {
			return nil
		}
		if repair != nil {
			for i := range fails {
				fails[i].capped = e.capped(fails[i])
			}
			done, err := repair(fails)
			if err != nil {
				return err
			}
			if done {
				continue
			}
			for _, f := range fails {
				if f.capped {
					return e.cappedError(f)
				}
			}
		}
		added := false
		fresh := map[int]bool{}
		for _, f := range fails {
			if f.rel >= 0 && e.relHas(f.rel, fresh) {
				continue // a partner added this round already joined the equation
			}
			if e.anySuppressed(f.cands) {
				continue // a partner added this round already broke the derivation
			}
			if e.s.cells[f.cell].suppressed() {
				if id := e.addPartner(f); id >= 0 {
					fresh[id], added = true, true
				}
			}
		}
		if !added {
			f := fails[0]
			who := ""
			if f.insider {
				who = " against an operator"
			}
			return fmt.Errorf("%s: cell %s cannot be protected (%s%s): no cell left to suppress beside it", e.s.mag, e.s.cells[f.cell].conds.readable(), f.kind, who)
		}
	}
}

// capped reports whether the microdata alone keeps f's cell below what its
// protection needs above. No suppression in the tables widens that bound.
func (e *engine) capped(f failure) bool {
	if e.bounds == nil || f.kind != "upper" {
		return false
	}
	hi, need := e.upperCap(f)
	return hi < e.s.cells[f.cell].value+protectMargin*need
}

// upperCap returns the microdata's upper bound on f's cell, for the outsider
// or f's insider, and the protection the cell needs against them.
func (e *engine) upperCap(f failure) (hi, need float64) {
	c := e.s.cells[f.cell]
	b := e.bounds.cellBounds(c)
	hi, need = b.hi, c.protect
	if f.insider {
		if !math.IsInf(b.hi, 1) {
			hi = math.Min(hi, b.hi-b.perOp[f.op][1]+contribOf(c.contrib, f.op))
		}
		need = insiderProtection(e.cfg, c.value, c.contrib, c.rule, f.op)
	}
	return hi, need
}

// cappedError explains a cell the microdata caps when repair has nothing
// left to withhold: every record of the cell's fiscal years may then be in
// it, so the cap is the number of records those years hold (released plus
// withheld), which the attacker knows. Adding partners would only suppress
// more for nothing.
func (e *engine) cappedError(f failure) error {
	c := e.s.cells[f.cell]
	hi, need := e.upperCap(f)
	err := &CappedError{Magnitude: e.s.mag, Cell: c.conds.readable(), Insider: f.insider, Cap: hi, Needed: c.value + need}
	err.YearsJa, err.YearsEn = yearsText(c.conds)
	if len(c.refs) > 0 {
		err.Table = c.refs[0].Table
	}
	return err
}

// CappedError is returned by Protect when a cell cannot be protected because
// the microdata's count of records per fiscal year (released plus withheld)
// already bounds it: that fiscal year's figures come from too few operators,
// or one dominates them, and no suppression pattern can hide them. Nothing
// may be published.
type CappedError struct {
	Magnitude        kensho.Magnitude
	Cell, Table      string
	YearsJa, YearsEn string
	Insider          bool
	Cap, Needed      float64 // the microdata's bound on the cell, and what its protection needs
}

func (e *CappedError) Error() string {
	who := ""
	if e.Insider {
		who = " against an operator that knows its own figures"
	}
	return fmt.Sprintf("%s: cell %s (table %s) cannot be protected%s, so nothing is published: the microdata shows how many records there are in %s "+
		"(released plus withheld), which keeps the cell at most %.6g where its protection needs %.6g; "+
		"the cell holds nearly all of them and has too few operators, or one dominates it. "+
		"Publish %s once more operators have reported, or build without its reports. / "+
		"%sの事故は報告した事業者が少ないか一つの事業者に偏っており、マイクロデータの件数から値が分かるため秘匿できず、公表しません。"+
		"より多くの事業者の報告がそろってから公表するか、%sの報告を除いて実行してください。",
		e.Magnitude, e.Cell, e.Table, who, e.YearsEn, e.Cap, e.Needed, e.YearsEn, e.YearsJa, e.YearsJa)
}

// yearsText names the fiscal years a cell covers, in Japanese and English.
func yearsText(cs conds) (ja, en string) {
	if v, ok := cs.get("fiscal_year"); ok {
		return v + "年度", "FY" + v
	}
	if v, ok := cs.get("criteria_era"); ok {
		return "基準 " + v + " の年度", "the fiscal years under the criteria of " + v
	}
	return "全年度", "all fiscal years"
}

// contribOf returns op's contribution to a cell.
func contribOf(contrib []kensho.Contribution, op int32) float64 {
	for _, k := range contrib {
		if k.Op == op {
			return k.Value
		}
	}
	return 0
}

// propagate finds what equations with a single unknown reveal. It returns
// the values of hidden cells that become known and the suppressed cells that
// are revealed exactly (with the equation that reveals them).
func (e *engine) propagate() (map[int]float64, []failure) {
	s := e.s
	known := map[int]float64{}
	isKnown := func(id int) bool {
		c := s.cells[id]
		if !c.unknown() {
			return true
		}
		_, ok := known[id]
		return ok
	}
	val := func(id int) float64 {
		if v, ok := known[id]; ok {
			return v
		}
		return s.cells[id].value
	}
	var fails []failure
	failed := map[int]bool{}
	queue := make([]int, 0, len(s.rels))
	for r := range s.rels {
		queue = append(queue, r)
	}
	inQueue := make([]bool, len(s.rels))
	for i := range inQueue {
		inQueue[i] = true
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		inQueue[r] = false
		rel := s.rels[r]
		unknownID, nUnknown := -1, 0
		for _, id := range append([]int{rel.parent}, rel.children...) {
			if !isKnown(id) && !failed[id] {
				unknownID = id
				nUnknown++
			}
		}
		if nUnknown != 1 {
			continue
		}
		// A member already revealed (failed) is known to the attacker too,
		// but we do not chain through it: it will be fixed this round.
		chained := false
		for _, id := range append([]int{rel.parent}, rel.children...) {
			if failed[id] {
				chained = true
			}
		}
		if chained {
			continue
		}
		c := s.cells[unknownID]
		if c.suppressed() {
			failed[unknownID] = true
			fails = append(fails, failure{cell: unknownID, kind: "exact", need: math.Max(c.protect, 1e-9), rel: r})
			continue
		}
		v := 0.0
		if unknownID == rel.parent {
			for _, id := range rel.children {
				v += val(id)
			}
		} else {
			v = val(rel.parent)
			for _, id := range rel.children {
				if id != unknownID {
					v -= val(id)
				}
			}
		}
		known[unknownID] = math.Max(0, v)
		for _, r2 := range s.relsOf[unknownID] {
			if !inQueue[r2] {
				inQueue[r2] = true
				queue = append(queue, r2)
			}
		}
	}
	return known, fails
}

// components groups the remaining unknown cells by the equations that link
// them; only components holding a suppressed cell are returned, each sorted.
func (e *engine) components(known map[int]float64, failed map[int]bool) [][]int {
	s := e.s
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	open := func(id int) bool {
		c := s.cells[id]
		if !c.unknown() || failed[id] {
			return false
		}
		_, k := known[id]
		return !k
	}
	for _, rel := range s.rels {
		first := -1
		for _, id := range append([]int{rel.parent}, rel.children...) {
			if !open(id) {
				continue
			}
			if first < 0 {
				first = find(id)
				continue
			}
			a, b := find(first), find(id)
			if a != b {
				if a < b {
					parent[b] = a
				} else {
					parent[a] = b
				}
			}
		}
	}
	groups := map[int][]int{}
	hasSuppressed := map[int]bool{}
	for id := range parent {
		if !open(id) {
			continue
		}
		r := find(id)
		groups[r] = append(groups[r], id)
		if s.cells[id].suppressed() {
			hasSuppressed[r] = true
		}
	}
	// Suppressed cells in no equation at all are their own component.
	for id, c := range s.cells {
		if c.suppressed() && !failed[id] {
			if _, ok := parent[id]; !ok {
				groups[id] = []int{id}
				hasSuppressed[id] = true
			}
		}
	}
	var out [][]int
	for r, g := range groups {
		if hasSuppressed[r] {
			sort.Ints(g)
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] }) // deterministic order
	return out
}

// lpFor builds the linear programme of one component: its unknown cells as
// variables, every equation touching them with the known cells moved to the
// right-hand side.
func (e *engine) lpFor(comp []int, known map[int]float64) (*lpModel, map[int]int) {
	s := e.s
	col := make(map[int]int, len(comp))
	for i, id := range comp {
		col[id] = i
	}
	seen := map[int]bool{}
	m := &lpModel{n: len(comp), lo: make([]float64, len(comp)), hi: make([]float64, len(comp))}
	for i := range m.hi {
		m.hi[i] = math.Inf(1)
	}
	for _, id := range comp {
		for _, r := range s.relsOf[id] {
			if seen[r] {
				continue
			}
			seen[r] = true
			rel := s.rels[r]
			row := make([]float64, len(comp))
			rhs := 0.0
			term := func(id int, coef float64) {
				if j, ok := col[id]; ok {
					row[j] += coef
					return
				}
				v, ok := known[id]
				if !ok {
					v = s.cells[id].value // published, or revealed this round
				}
				rhs -= coef * v
			}
			term(rel.parent, 1)
			for _, ch := range rel.children {
				term(ch, -1)
			}
			m.a = append(m.a, row)
			m.b = append(m.b, rhs)
		}
	}
	if e.bounds != nil {
		for i, id := range comp {
			b := e.bounds.cellBounds(s.cells[id])
			m.lo[i], m.hi[i] = b.lo, b.hi
		}
	}
	return m, col
}

// round checks every suppressed cell not yet verified.
func (e *engine) round() ([]failure, error) {
	s := e.s
	known, fails := e.propagate()
	if len(fails) > 0 {
		// Fix what single equations reveal before solving any programme:
		// the components change with every partner.
		return fails, nil
	}
	for _, comp := range e.components(known, nil) {
		todo := false
		for _, id := range comp {
			if s.cells[id].suppressed() && !e.verified[id] {
				todo = true
			}
		}
		if !todo {
			continue
		}
		cf, err := e.checkComponent(comp, known)
		if err != nil {
			return nil, err
		}
		fails = append(fails, cf...)
	}
	return fails, nil
}

// protectMargin: suppression asks this much more than the protection.
const protectMargin = 1.01

type interval struct {
	lo, hi   float64
	xlo, xhi []float64 // points reaching the bounds, or the targets
}

// checkComponent checks the component's suppressed cells for the outsider
// and, once they all pass, for every operator with a contribution to one of
// its unknown cells. A bound is pursued only until it meets the protection
// (the audit computes the full intervals).
func (e *engine) checkComponent(comp []int, known map[int]float64) ([]failure, error) {
	s := e.s
	m, col := e.lpFor(comp, known)
	if e.bounds != nil && e.phaseAVerified(comp) && !e.boundsMatter(m, comp) {
		for _, id := range comp {
			if s.cells[id].suppressed() {
				e.verified[id] = true
			}
		}
		return nil, nil
	}
	tb, err := newTableau(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.mag, err)
	}
	var fails []failure
	ivs := map[int]*interval{}
	for _, id := range comp {
		c := s.cells[id]
		if !c.suppressed() || e.verified[id] {
			continue
		}
		iv, f, err := e.check(tb, col[id], c, id, c.protect, comp)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", s.mag, c.key, err)
		}
		ivs[id] = iv
		if f != nil {
			fails = append(fails, *f)
		}
	}
	if len(fails) > 0 {
		e.derivations(comp, known, col, fails)
		return fails, nil
	}
	// The insiders: only primary cells carry a protection against them.
	var targets []int
	for id := range ivs {
		if s.cells[id].primary {
			targets = append(targets, id)
		}
	}
	sort.Ints(targets) // deterministic order
	if len(targets) > 0 {
		ops, own, err := e.componentOps(comp)
		if err != nil {
			return nil, err
		}
		truth := make([]float64, len(comp))
		for i, id := range comp {
			c := s.cells[id]
			if c.kind == kindHidden {
				for _, k := range c.contrib {
					truth[i] += k.Value
				}
			} else {
				truth[i] = c.value
			}
		}
		scratch := &tableau{} // one insider's copy of the tableau at a time
		for _, op := range ops {
			f, err := e.checkInsider(op, own[op], comp, col, m, tb, scratch, targets, ivs, truth)
			if err != nil {
				return nil, err
			}
			if f != nil {
				fails = append(fails, *f)
				break // one partner at a time; the next round re-checks
			}
		}
	}
	if len(fails) == 0 {
		for id := range ivs {
			e.verified[id] = true
		}
	}
	return fails, nil
}

// check pursues cell c's bounds until they meet protect: a primary cell
// must reach protect on each side (down to zero at most), any suppressed
// cell must be able to move at all.
func (e *engine) check(tb *tableau, v int, c *pcell, id int, protect float64, comp []int) (*interval, *failure, error) {
	x := c.value
	tol := 1e-7 * math.Max(1, x)
	up, down := tol, tol
	if c.primary && protect > 0 {
		// A margin of 1% over the protection, so that rounding in either
		// solver never turns a pass here into a failure in the audit.
		up, down = protectMargin*protect, math.Min(protectMargin*protect, x)
	}
	e.lps += 2
	okHi, hi, xhi, err := tb.reach(v, true, x+up)
	if err != nil {
		return nil, nil, err
	}
	okLo, lo, xlo, err := tb.reach(v, false, x-down)
	if err != nil {
		return nil, nil, err
	}
	iv := &interval{lo: lo, hi: hi, xlo: xlo, xhi: xhi}
	if !c.primary || protect <= 0 {
		if !okHi && !okLo {
			return iv, &failure{cell: id, kind: "exact", need: 1e-9, rel: -1, comp: comp}, nil
		}
		return iv, nil, nil
	}
	if !okHi {
		return iv, &failure{cell: id, kind: "upper", need: x + up - hi, rel: -1, comp: comp}, nil
	}
	if !okLo {
		return iv, &failure{cell: id, kind: "lower", need: lo - (x - down), rel: -1, comp: comp}, nil
	}
	return iv, nil, nil
}

// phaseAVerified: every suppressed cell of the component passed before the
// microdata existed.
func (e *engine) phaseAVerified(comp []int) bool {
	for _, id := range comp {
		if e.s.cells[id].suppressed() && !e.passedA[id] {
			return false
		}
	}
	return true
}

// boundsMatter reports whether a microdata bound of the programme may cut
// the set the equations allow, for the outsider or for any insider; when
// none can, the component's cells keep the intervals they passed with. It
// may say yes when the answer is no (a programme is then solved for
// nothing), never the reverse:
//   - a lower bound above zero may bind (and gives an insider a lower bound
//     above its own contribution);
//   - an upper bound binds nobody when, less any one operator's records
//     that may be in the cell, it still reaches what a single equation
//     with every other cell at zero allows: an insider's own bound is at
//     least that, and the equations already keep it below. An upper bound
//     where no single equation gives one may bind.
func (e *engine) boundsMatter(m *lpModel, comp []int) bool {
	implied := rowBounds(m, nil)
	for i, id := range comp {
		if m.lo[i] > 0 {
			return true
		}
		if math.IsInf(m.hi[i], 1) {
			continue
		}
		own := 0.0 // the most records of one operator that may be in the cell
		for _, b := range e.bounds.cellBounds(e.s.cells[id]).perOp {
			own = math.Max(own, b[1])
		}
		if math.IsInf(implied[i], 1) || m.hi[i]-own < implied[i]-1e-9*math.Max(1, implied[i]) {
			return true
		}
	}
	return false
}

// insiderBoxBinds reports whether an insider's bounds lo ≤ v ≤ hi may cut
// the set the equations allow it (v ≥ its own contributions), as
// boundsMatter does for the outsider.
func insiderBoxBinds(m *lpModel, lo, hi []float64, own map[int]float64) bool {
	mine := make([]float64, m.n)
	for i := range mine {
		mine[i] = own[i]
		if lo[i] > mine[i]+1e-9*math.Max(1, mine[i]) {
			return true
		}
	}
	implied := rowBounds(m, mine)
	for i := range hi {
		if math.IsInf(hi[i], 1) {
			continue
		}
		if math.IsInf(implied[i], 1) || hi[i] < implied[i]-1e-9*math.Max(1, implied[i]) {
			return true
		}
	}
	return false
}

// rowBounds returns, for each variable, the least upper bound a single
// equation gives it when every other variable of the equation is at its
// lower bound lo (zero when lo is nil): only equations whose coefficients
// all have the variable's sign bound it. +Inf where none does.
func rowBounds(m *lpModel, lo []float64) []float64 {
	out := make([]float64, m.n)
	for i := range out {
		out[i] = math.Inf(1)
	}
	for r, row := range m.a {
		pos, neg := 0, 0
		rest := m.b[r]
		for j, a := range row {
			if a > 0 {
				pos++
			} else if a < 0 {
				neg++
			}
			if lo != nil {
				rest -= a * lo[j]
			}
		}
		for i, a := range row {
			if a == 0 || (a > 0 && neg > 0) || (a < 0 && pos > 0) {
				continue
			}
			own := 0.0
			if lo != nil {
				own = a * lo[i]
			}
			out[i] = math.Min(out[i], (rest+own)/a)
		}
	}
	return out
}

// componentOps lists the operators contributing to the component's unknown
// cells, with their contribution to each cell (by column).
func (e *engine) componentOps(comp []int) ([]int32, map[int32]map[int]float64, error) {
	s := e.s
	var hidden []int
	for _, id := range comp {
		if s.cells[id].kind == kindHidden && s.cells[id].contrib == nil {
			hidden = append(hidden, id)
		}
	}
	if len(hidden) > 0 && e.contribOf != nil {
		if err := e.contribOf(hidden); err != nil {
			return nil, nil, err
		}
	}
	own := map[int32]map[int]float64{}
	for i, id := range comp {
		for _, k := range s.cells[id].contrib {
			if k.Value <= 0 {
				continue
			}
			if own[k.Op] == nil {
				own[k.Op] = map[int]float64{}
			}
			own[k.Op][i] = k.Value
		}
	}
	ops := make([]int32, 0, len(own))
	for op := range own {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i] < ops[j] }) // deterministic order
	return ops, own, nil
}

// checkInsider checks every target against operator op, who knows its own
// contribution to each cell (and its own records in the microdata).
func (e *engine) checkInsider(op int32, own map[int]float64, comp []int, col map[int]int, m *lpModel, outsider, scratch *tableau,
	targets []int, ivs map[int]*interval, truth []float64) (*failure, error) {
	s := e.s
	need := map[int]float64{}
	for _, id := range targets {
		c := s.cells[id]
		if u := insiderProtection(e.cfg, c.value, c.contrib, c.rule, op); u > 0 {
			need[id] = u
		}
	}
	if len(need) == 0 {
		return nil, nil
	}
	lo := make([]float64, m.n)
	hi := make([]float64, m.n)
	for i, id := range comp {
		lo[i], hi[i] = own[i], math.Inf(1)
		if e.bounds != nil {
			b := e.bounds.cellBounds(s.cells[id])
			mine := b.perOp[op]
			lo[i] = own[i] + (b.lo - mine[0])
			if !math.IsInf(b.hi, 1) {
				hi[i] = own[i] + (b.hi - mine[1])
			}
		}
		lo[i] = math.Max(lo[i], m.lo[i])
		hi[i] = math.Min(hi[i], m.hi[i])
	}
	if e.bounds != nil && e.phaseAVerified(comp) && !insiderBoxBinds(m, lo, hi, own) {
		return nil, nil // the set this insider can tell is the one it could before the microdata
	}
	// The segment from the true values towards the outsider's point stays
	// feasible for the insider up to the first of its bounds it crosses;
	// when that already reaches the protection, no programme is needed.
	reach := func(x []float64) float64 {
		if x == nil {
			return 0
		}
		lambda := 1.0
		for i, v := range x {
			t := truth[i]
			if v < lo[i] && t > v {
				lambda = math.Min(lambda, (t-lo[i])/(t-v))
			}
			if v > hi[i] && v > t {
				lambda = math.Min(lambda, (hi[i]-t)/(v-t))
			}
		}
		return math.Max(0, lambda)
	}
	var tb *tableau
	for _, id := range targets {
		u, ok := need[id]
		if !ok {
			continue
		}
		iv := ivs[id]
		c := s.cells[id]
		x := c.value
		upOK := math.IsInf(iv.hi, 1) || reach(iv.xhi)*(iv.hi-x) >= protectMargin*u
		downOK := reach(iv.xlo)*(x-iv.lo) >= math.Min(protectMargin*u, x)
		if upOK && downOK {
			continue
		}
		if tb == nil {
			var ok bool
			if tb, ok = outsider.rebase(lo, hi, scratch); !ok {
				mm := *m
				mm.lo, mm.hi = lo, hi
				var err error
				if tb, err = newTableau(&mm); err != nil {
					return nil, fmt.Errorf("%s insider: %w", s.mag, err)
				}
			}
		}
		_, f, err := e.check(tb, col[id], c, id, u, comp)
		if err != nil {
			return nil, err
		}
		if f != nil {
			f.insider, f.op = true, op
			return f, nil
		}
	}
	return nil, nil
}

// addPartner suppresses one more published cell to protect f's cell. It
// returns the cell, or -1 when there is none. Among the cells of the equations f's cell is
// in, it prefers, in order: not a national or yearly total; enough value to
// hide the shortfall; opening as few new equations as possible (a cell
// whose other equations already hold an unknown closes a rectangle instead
// of starting a chain, as in τ-ARGUS's hypercube method); an inner cell
// rather than a margin; the smallest value (τ-ARGUS's default cost).
func (e *engine) addPartner(f failure) int {
	s := e.s
	target := s.cells[f.cell]
	// An equation that reveals the cell exactly needs a partner of its own;
	// otherwise any equation the cell is in may give it room.
	rels := s.relsOf[f.cell]
	if f.rel >= 0 {
		rels = []int{f.rel}
	}
	opened := func(id int) int {
		n := 0
		for _, r := range s.relsOf[id] {
			rel := s.rels[r]
			unknown := 0
			for _, m := range append([]int{rel.parent}, rel.children...) {
				if m != id && s.cells[m].unknown() {
					unknown++
				}
			}
			if unknown == 0 {
				n++
			}
		}
		return n
	}
	try := func(rels []int, only []int) int {
		best, bestScore := -1, [6]float64{}
		var pool []int
		for _, r := range rels {
			rel := s.rels[r]
			pool = append(pool, rel.parent)
			pool = append(pool, rel.children...)
		}
		if only != nil {
			pool = only
		}
		for _, id := range pool {
			{
				c := s.cells[id]
				if c.kind != kindTable || c.suppressed() || c.value <= 0 {
					continue
				}
				capacity := c.value
				if f.insider {
					capacity -= contribOf(c.contrib, f.op)
					if capacity <= 0 {
						continue
					}
				}
				score := [6]float64{b2f(c.total), b2f(capacity < f.need), float64(opened(id)),
					b2f(len(c.conds) < len(target.conds)), c.value, float64(id)}
				if best < 0 || lessScore(score[:], bestScore[:]) {
					best, bestScore = id, score
				}
			}
		}
		if best >= 0 {
			s.cells[best].secondary = true
		}
		return best
	}
	if len(f.cands) > 0 {
		if id := try(nil, f.cands); id >= 0 {
			return id
		}
	}
	if id := try(rels, nil); id >= 0 {
		return id
	}
	// Nothing beside the cell itself: widen to the equations of its component.
	var more []int
	for _, id := range f.comp {
		more = append(more, s.relsOf[id]...)
	}
	return try(more, nil)
}

// derivations finds, for every failure that says a cell cannot move at
// all, the published cells the equations compute it from: Gaussian
// elimination of the component's equations, carrying the combination of
// equations along, gives each determined cell as Σλ·(equation); the
// published cells with a non-zero weight in that sum are the candidates
// (GaussSuppression's reasoning). A cell pinned by bounds rather than by
// the equations gets none, and the usual choice applies.
func (e *engine) derivations(comp []int, known map[int]float64, col map[int]int, fails []failure) {
	want := false
	for _, f := range fails {
		if f.kind == "exact" {
			want = true
		}
	}
	if !want {
		return
	}
	s := e.s
	// The equations touching the component, as in lpFor.
	var rels []int
	seen := map[int]bool{}
	for _, id := range comp {
		for _, r := range s.relsOf[id] {
			if !seen[r] {
				seen[r] = true
				rels = append(rels, r)
			}
		}
	}
	m, n := len(rels), len(comp)
	// Rows [A | I]: A over the component's cells, I records the combination.
	rows := make([][]float64, m)
	for i, r := range rels {
		row := make([]float64, n+m)
		rel := s.rels[r]
		if j, ok := col[rel.parent]; ok {
			row[j] += 1
		}
		for _, ch := range rel.children {
			if j, ok := col[ch]; ok {
				row[j] -= 1
			}
		}
		row[n+i] = 1
		rows[i] = row
	}
	pivotRow := map[int]int{} // column -> row
	next := 0
	for c := 0; c < n && next < m; c++ {
		best, bi := 1e-9, -1
		for i := next; i < m; i++ {
			if v := math.Abs(rows[i][c]); v > best {
				best, bi = v, i
			}
		}
		if bi < 0 {
			continue
		}
		rows[next], rows[bi] = rows[bi], rows[next]
		p := rows[next][c]
		for j := range rows[next] {
			rows[next][j] /= p
		}
		for i := 0; i < m; i++ {
			if i == next || rows[i][c] == 0 {
				continue
			}
			f := rows[i][c]
			for j, v := range rows[next] {
				if v != 0 {
					rows[i][j] -= f * v
				}
			}
		}
		pivotRow[c] = next
		next++
	}
	for k := range fails {
		f := &fails[k]
		if f.kind != "exact" {
			continue
		}
		r, ok := pivotRow[col[f.cell]]
		if !ok {
			continue
		}
		row := rows[r]
		free := false
		for j := 0; j < n; j++ {
			if j != col[f.cell] && math.Abs(row[j]) > 1e-9 {
				free = true
				break
			}
		}
		if free {
			continue // not determined by the equations alone
		}
		weight := map[int]float64{}
		for i, ri := range rels {
			lambda := row[n+i]
			if math.Abs(lambda) < 1e-12 {
				continue
			}
			rel := s.rels[ri]
			weight[rel.parent] += lambda
			for _, ch := range rel.children {
				weight[ch] -= lambda
			}
		}
		var cands []int
		for id, w := range weight {
			if _, in := col[id]; !in && math.Abs(w) > 1e-9 && s.cells[id].kind == kindTable {
				cands = append(cands, id)
			}
		}
		sort.Ints(cands) // deterministic order
		f.cands = cands
	}
}

// anySuppressed reports whether one of the cells is suppressed.
func (e *engine) anySuppressed(ids []int) bool {
	for _, id := range ids {
		if e.s.cells[id].suppressed() {
			return true
		}
	}
	return false
}

// relHas reports whether equation r holds one of the cells.
func (e *engine) relHas(r int, cells map[int]bool) bool {
	rel := e.s.rels[r]
	for _, m := range append([]int{rel.parent}, rel.children...) {
		if cells[m] {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func lessScore(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// contribLoader returns a function that fills the contributions of hidden
// cells from deid_accident.
func contribLoader(ctx context.Context, q querier, s *psystem) func([]int) error {
	return func(ids []int) error {
		cs := make([]conds, len(ids))
		for i, id := range ids {
			cs[i] = s.cells[id].conds
		}
		res, err := cellContributions(ctx, q, s.mag, cs)
		if err != nil {
			return err
		}
		for i, id := range ids {
			s.cells[id].contrib = res[i]
			if s.cells[id].contrib == nil {
				s.cells[id].contrib = []kensho.Contribution{}
			}
		}
		return nil
	}
}
