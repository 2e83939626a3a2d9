package attack

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Bands: magnitudes are bounded per accident by the users and duration
// bands (the magnitudes' clique then holds both bands). Off
// (KENSHO_ATTACK_BANDS=0) the programmes are several times smaller and
// the intervals of magnitudes may be wider, never narrower.
var Bands = os.Getenv("KENSHO_ATTACK_BANDS") != "0"

// magScale is the unit of the magnitude variables (thousands of users or
// user-hours), so that a programme's coefficients stay within a few orders
// of magnitude of each other: HiGHS gives up on rows of 1 and 1e8.
const magScale = 1000

// target is a withheld figure of a component with its linear form.
type target struct {
	fig *Figure
	idx []int
}

// yearModel is a component with the figures it holds.
type yearModel struct {
	*component
	targets []target
	// byKey finds a figure's linear form by its selection (for the
	// figures that span years).
	forms map[string][]int
}

// selKey is a canonical name of a selection and magnitude.
func selKey(sel map[string]string, mag string) string {
	ks := make([]string, 0, len(sel))
	for k, v := range sel {
		if v != Total {
			ks = append(ks, k+"="+v)
		}
	}
	sort.Strings(ks)
	return mag + "|" + strings.Join(ks, ",")
}

// buildYear builds the model of one fiscal year from its figures, the
// extracts' records of the year and the code lists' structural zeros.
func (p *Publication) buildYear(year string, figs []*Figure, zr []zeroRule) (*yearModel, error) {
	dom, err := p.domains(year, figs)
	if err != nil {
		return nil, err
	}
	qs := p.quantiles(year)
	if l := p.Codes.list(durationBand); len(qs) > 0 && l != nil && dom[durationBand] == nil {
		dom[durationBand] = l.codes
	}
	c := &component{year: year, dimIdx: map[string]int{}, magC: -1, magOff: map[string]int{}}
	names := make([]string, 0, len(dom))
	for d := range dom {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		dm := &dimension{name: d, codes: dom[d], idx: map[string]int{}}
		for i, x := range dom[d] {
			dm.idx[x] = i
		}
		c.dimIdx[d] = len(c.dims)
		c.dims = append(c.dims, dm)
	}
	baseSet := func(cols []string) []int {
		m := map[int]bool{}
		for _, col := range cols {
			b, _ := p.Codes.base(col)
			if d, ok := c.dimIdx[b]; ok {
				m[d] = true
			}
		}
		return keys(m)
	}
	// The hyperedges: every figure's dimensions, every extract's fields,
	// the magnitudes with the bands that bound them, each structural zero.
	var edges [][]int
	seenEdge := map[string]bool{}
	addEdge := func(e []int) {
		k := fmt.Sprint(e)
		if len(e) > 0 && !seenEdge[k] {
			seenEdge[k] = true
			edges = append(edges, e)
		}
	}
	var magCols []string
	mags := map[string]bool{}
	for _, f := range figs {
		cols := make([]string, 0, len(f.sel))
		for k := range f.sel {
			cols = append(cols, k)
		}
		addEdge(baseSet(cols))
		if m := f.magnitude(); m != "" {
			magCols = append(magCols, cols...)
			mags[m] = true
		}
	}
	for _, e := range p.Extracts {
		var cols []string
		for _, f := range e.Fields {
			if f != "fiscal_year" {
				cols = append(cols, f)
			}
		}
		if hasRecord(e, year) {
			addEdge(baseSet(cols))
		}
	}
	for _, q := range qs {
		cols := []string{durationBand}
		for k := range q.sel {
			cols = append(cols, k)
		}
		addEdge(baseSet(cols))
	}
	if len(mags) > 0 {
		if Bands {
			magCols = append(magCols, "users_band", "duration_band")
		}
		addEdge(baseSet(magCols))
	}
	var rules []zeroRule
	for _, r := range zr {
		a, okA := c.dimIdx[r.A]
		b, okB := c.dimIdx[r.B]
		if okA && okB {
			rules = append(rules, r)
			addEdge(keys(map[int]bool{a: true, b: true}))
		}
	}
	size := make([]int, len(c.dims))
	for i, d := range c.dims {
		size[i] = len(d.codes)
	}
	for _, cl := range triangulate(len(c.dims), size, names, edges) {
		q := &clique{dims: cl, size: 1, off: c.nvar}
		for _, d := range cl {
			q.radix = append(q.radix, size[d])
			q.size *= size[d]
		}
		c.cliques = append(c.cliques, q)
		c.nvar += q.size
	}
	if len(c.cliques) == 0 {
		q := &clique{size: 1, off: 0}
		c.cliques = append(c.cliques, q)
		c.nvar = 1
	}
	for i := 0; i < c.nvar; i++ {
		c.lb = append(c.lb, 0)
		c.ub = append(c.ub, math.Inf(1))
		c.integer = append(c.integer, true)
	}
	// Structural zeros.
	for _, q := range c.cliques {
		for _, r := range rules {
			pa, pb := q.has(c.dimIdx[r.A]), q.has(c.dimIdx[r.B])
			if pa < 0 || pb < 0 {
				continue
			}
			da, db := c.dims[c.dimIdx[r.A]], c.dims[c.dimIdx[r.B]]
			for a := 0; a < q.size; a++ {
				if r.SetA[da.codes[q.code(a, pa)]] && r.SetB[db.codes[q.code(a, pb)]] && c.ub[q.off+a] != 0 {
					c.ub[q.off+a] = 0
					c.zeros++
				}
			}
		}
	}
	// The cliques agree on their separators.
	cls := make([][]int, len(c.cliques))
	for i, q := range c.cliques {
		cls[i] = q.dims
	}
	for _, e := range junctionTree(cls) {
		sep := intersect(cls[e[0]], cls[e[1]])
		cells := [][]int{{}}
		for _, d := range sep {
			var next [][]int
			for _, prefix := range cells {
				for code := range c.dims[d].codes {
					next = append(next, append(append([]int{}, prefix...), code))
				}
			}
			cells = next
		}
		for _, cell := range cells {
			s := spec{}
			for i, d := range sep {
				s[d] = map[int]bool{cell[i]: true}
			}
			a := c.atoms(e[0], s)
			b := c.atoms(e[1], s)
			r := lrow{lo: 0, hi: 0}
			for _, x := range a {
				r.idx = append(r.idx, c.cliques[e[0]].off+x)
				r.coef = append(r.coef, 1)
			}
			for _, x := range b {
				r.idx = append(r.idx, c.cliques[e[1]].off+x)
				r.coef = append(r.coef, -1)
			}
			c.rows = append(c.rows, r)
		}
	}
	ym := &yearModel{component: c, forms: map[string][]int{}}
	if len(mags) > 0 {
		if err := ym.addMagnitudes(p, baseSet(magCols), figs, mags); err != nil {
			return nil, err
		}
	}
	// Every figure: published ones are constraints, withheld ones targets.
	for _, f := range figs {
		s, ok, err := c.specOf(p.Codes, f.sel)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.ID(), err)
		}
		if !ok {
			if f.Published && f.Value != 0 {
				return nil, fmt.Errorf("%s: published %g for a combination the year cannot hold", f.ID(), f.Value)
			}
			continue
		}
		idx, err := c.linear(s, f.magnitude())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.ID(), err)
		}
		ym.forms[selKey(f.sel, f.magnitude())] = idx
		if !f.Published {
			ym.targets = append(ym.targets, target{fig: f, idx: idx})
			continue
		}
		h, sc := roundedHalf[f.Measure], 1.0
		if f.magnitude() != "" {
			sc = magScale
		}
		c.rows = append(c.rows, lrow{idx: idx, coef: ones(len(idx)), lo: (f.Value - h) / sc, hi: (f.Value + h) / sc})
	}
	if err := ym.addQuantiles(p, qs); err != nil {
		return nil, err
	}
	ym.addPublic(p)
	if err := ym.addExtracts(p); err != nil {
		return nil, err
	}
	return ym, nil
}

// longestMinutes is the longest an accident of the fiscal year can have
// lasted as every reader knows: from the year's start (1 April, JST) to the
// end of the day the release was made; −1 when the release has no date.
func (p *Publication) longestMinutes(year string) float64 {
	y, err := strconv.Atoi(year)
	if err != nil || p.Created.IsZero() {
		return -1
	}
	jst := time.FixedZone("JST", 9*3600)
	start := time.Date(y, time.April, 1, 0, 0, 0, 0, jst)
	end := p.Created.In(jst)
	end = time.Date(end.Year(), end.Month(), end.Day()+1, 0, 0, 0, 0, jst)
	if !end.After(start) {
		return -1
	}
	return math.Ceil(end.Sub(start).Minutes())
}

// hasRecord reports whether the extract has a record of the year.
func hasRecord(e *Extract, year string) bool {
	fy := indexOf(e.Fields, "fiscal_year")
	for _, r := range e.Records {
		if fy < 0 || r[fy] == year {
			return true
		}
	}
	return false
}

func starred(r []string) bool {
	for _, v := range r {
		if v == "*" {
			return true
		}
	}
	return false
}

// addExtracts adds each extract's classes of the year. A class present
// without a star is an exact count (a class that fails the rules is left
// out whole or starred). A record with starred fields stands for a class
// left out, and the rule is that a group's hidden records (those agreeing
// on every field not starred) are starred all together or not at all: so
// the group's count is every record the file has of it, starred or not.
func (ym *yearModel) addExtracts(p *Publication) error {
	c := ym.component
	for _, e := range p.Extracts {
		fy := indexOf(e.Fields, "fiscal_year")
		classes := map[string]int{}
		sels := map[string]map[string]string{}
		for _, r := range e.Records {
			if fy >= 0 && r[fy] != c.year {
				continue
			}
			sel := map[string]string{}
			for i, f := range e.Fields {
				if i != fy && r[i] != "*" {
					sel[f] = r[i]
				}
			}
			k := selKey(sel, "")
			if starred(r) {
				k = "*" + k
			}
			classes[k]++
			sels[k] = sel
		}
		// A starred group counts its unstarred records too.
		for k, sel := range sels {
			if !strings.HasPrefix(k, "*") {
				continue
			}
			for k2, sel2 := range sels {
				if !strings.HasPrefix(k2, "*") && within(sel2, sel) {
					classes[k] += classes[k2]
				}
			}
		}
		ks := make([]string, 0, len(classes))
		for k := range classes {
			ks = append(ks, k)
		}
		sort.Strings(ks) // deterministic row order
		for _, k := range ks {
			s, ok, err := c.specOf(p.Codes, sels[k])
			if err != nil {
				return fmt.Errorf("%s: %w", e.Name, err)
			}
			if !ok {
				return fmt.Errorf("%s: year %s: class %s cannot occur", e.Name, c.year, k)
			}
			idx, err := c.linear(s, "")
			if err != nil {
				return fmt.Errorf("%s: %w", e.Name, err)
			}
			n := float64(classes[k])
			c.rows = append(c.rows, lrow{idx: idx, coef: ones(len(idx)), lo: n, hi: n})
		}
	}
	return nil
}

// within reports whether selection a agrees with every condition of b.
func within(a, b map[string]string) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// addMagnitudes adds, per atom of the clique holding every magnitude
// figure and the bands, one variable per magnitude, bounded by the atom's
// count times what one accident of its bands can have: affected users
// within the users band, user-hours within users × minutes / 60. An
// unbounded band is bounded by the year's published total, which no
// single accident exceeds.
func (ym *yearModel) addMagnitudes(p *Publication, magDims []int, figs []*Figure, mags map[string]bool) error {
	c := ym.component
	best := -1
	for i, q := range c.cliques {
		if subset(magDims, q.dims) && (best < 0 || q.size < c.cliques[best].size) {
			best = i
		}
	}
	if best < 0 {
		return fmt.Errorf("year %s: no clique holds the magnitudes", c.year)
	}
	c.magC = best
	q := c.cliques[best]
	users := p.Codes.bands("users_band", "min_users")
	minutes := p.Codes.bands("duration_band", "min_minutes")
	ub, db := -1, -1
	if d, ok := c.dimIdx["users_band"]; ok {
		ub = q.has(d)
	}
	if d, ok := c.dimIdx["duration_band"]; ok {
		db = q.has(d)
	}
	// The year's total of each magnitude, where published.
	total := map[string]float64{}
	for _, f := range figs {
		m := f.magnitude()
		if m == "" || !f.Published {
			continue
		}
		all := true
		for _, v := range f.sel {
			if v != Total {
				all = false
			}
		}
		if all {
			total[m] = f.Value + roundedHalf[f.Measure]
		}
	}
	// No accident of the year lasted longer than from the year's start to
	// the end of the release's day: the top duration band ends there.
	longest := p.longestMinutes(c.year)
	ms := make([]string, 0, len(mags))
	for m := range mags {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	for _, m := range ms {
		c.magOff[m] = c.nvar
		for a := 0; a < q.size; a++ {
			u := band{lo: 0, hi: -1}
			if ub >= 0 && users != nil {
				u = users[c.dims[q.dims[ub]].codes[q.code(a, ub)]]
			}
			d := band{lo: 0, hi: longest}
			if db >= 0 && minutes != nil {
				d = minutes[c.dims[q.dims[db]].codes[q.code(a, db)]]
				if d.hi < 0 {
					d.hi = longest
				}
			}
			per := u
			if m == "user_hours" {
				per = band{lo: u.lo * d.lo / 60, hi: -1}
				if u.hi >= 0 && d.hi >= 0 {
					per.hi = u.hi * d.hi / 60
				}
			}
			// The year's total caps every accident (and keeps the
			// coefficients within the solver's reach).
			if t, ok := total[m]; ok && (per.hi < 0 || per.hi > t) {
				per.hi = t
			}
			v := c.nvar
			c.nvar++
			c.lb = append(c.lb, 0)
			c.ub = append(c.ub, math.Inf(1))
			c.integer = append(c.integer, false)
			n := q.off + a
			if c.ub[n] == 0 {
				c.ub[v] = 0
				continue
			}
			if per.lo > 0 {
				c.rows = append(c.rows, lrow{idx: []int{v, n}, coef: []float64{1, -per.lo / magScale}, lo: 0, hi: math.Inf(1)})
			}
			if per.hi >= 0 {
				c.rows = append(c.rows, lrow{idx: []int{v, n}, coef: []float64{1, -per.hi / magScale}, lo: math.Inf(-1), hi: 0})
			}
		}
	}
	// Each accident's user-hours are its users times its duration: over
	// a cell, user-hours lie between its users times the duration band's
	// shortest and longest minutes (over 60) — tighter than the two
	// magnitudes bounded apart when the users are known better than their
	// band.
	uo, okU := c.magOff["affected_users"]
	ho, okH := c.magOff["user_hours"]
	if !okU || !okH || db < 0 || minutes == nil {
		return nil
	}
	for a := 0; a < q.size; a++ {
		if c.ub[q.off+a] == 0 {
			continue
		}
		// The top band's longest duration (the release's date) is left
		// to the caps above: a row with it would set 60 beside a million.
		d := minutes[c.dims[q.dims[db]].codes[q.code(a, db)]]
		u, h := uo+a, ho+a
		if d.lo > 0 {
			c.rows = append(c.rows, lrow{idx: []int{h, u}, coef: []float64{60, -d.lo}, lo: 0, hi: math.Inf(1)})
		}
		if d.hi >= 0 {
			c.rows = append(c.rows, lrow{idx: []int{h, u}, coef: []float64{60, -d.hi}, lo: math.Inf(-1), hi: 0})
		}
	}
	return nil
}
