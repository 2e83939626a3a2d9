package anonymize

// The audit's own construction of the linked model (package doc, "The
// attacker model") and its interval audit of every suppressed cell.

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

const auditNull = "\x00NULL"

// auditCoarse: the coarse dimensions the audit knows, with the finer one
// each groups and the code-list attribute that says how.
var auditCoarse = []struct{ dim, base, attr string }{
	{"cause_group", "cause", "group"},
	{"eu_root_cause", "cause", "eu_root_cause"},
	{"service_category", "service", "category"},
	{"equipment_class", "equipment", "class"},
}

type aDim struct {
	values []string
	base   string
	group  map[string]string
	coarse []string
}

type aCond struct{ d, v string }

type aCell struct {
	conds      []aCond
	id         string
	kind       byte // 't' a table's cell, 'z' a row a table leaves out (zero), 'h' hidden
	value      float64
	contrib    map[int32]float64
	refs       []kensho.CellRef
	suppressed bool
	primary    bool
	rule       string
	need       float64
}

func (c *aCell) open() bool { return c.kind == 'h' || c.suppressed }

type aModel struct {
	mag   kensho.Magnitude
	dims  map[string]*aDim
	cells []*aCell
	at    map[string]int
	eqs   [][]int // eqs[i][0] is the parent, the rest its children
	eqsOf [][]int
	done  map[string]bool
	wait  map[string][]string
	zeros map[string]bool
}

func aID(cs []aCond) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.d + "\x02" + c.v
	}
	return strings.Join(parts, "\x03")
}

func aSort(cs []aCond) { sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d }) }

// auditDimensions reads the dimensions the tables use and their domains.
func (a *auditor) auditDimensions() (map[string]*aDim, error) {
	types := map[string]string{}
	rows, err := a.db.QueryContext(a.ctx, "DESCRIBE deid_accident")
	if err != nil {
		return nil, err
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		types[vals[0].String] = vals[1].String
	}
	rows.Close()
	need := map[string]bool{}
	for _, t := range a.out {
		for _, d := range t.Dims {
			need[d.Name] = true
		}
		for d := range t.Filter {
			need[d] = true
		}
	}
	for _, c := range auditCoarse {
		if need[c.dim] {
			need[c.base] = true
		}
	}
	if need["criteria_era"] {
		need["fiscal_year"] = true
	}
	dims := map[string]*aDim{}
	for d := range need {
		typ, ok := types[d]
		if !ok {
			return nil, fmt.Errorf("audit: dimension %q is not a column of deid_accident", d)
		}
		ad := &aDim{}
		if typ == "BOOLEAN" {
			ad.values = []string{"true", "false"}
		} else if l := kensho.ListByName(d); l != nil && (typ == "VARCHAR" || strings.HasPrefix(typ, "ENUM(")) {
			// A coded column, as text or as the ENUM of its list: every
			// code of the list is a value, whether the data has it or not.
			ad.values = l.CodeStrings()
			if d == "disaster" {
				// Most reports name no disaster: NULL is a value of its own.
				ad.values = append(ad.values, auditNull)
			}
		} else {
			r, err := a.db.QueryContext(a.ctx, fmt.Sprintf("SELECT DISTINCT CAST(%s AS VARCHAR) FROM deid_accident", duck.QuoteIdent(d)))
			if err != nil {
				return nil, err
			}
			for r.Next() {
				var v sql.NullString
				if err := r.Scan(&v); err != nil {
					r.Close()
					return nil, err
				}
				if v.Valid {
					ad.values = append(ad.values, v.String)
				} else {
					ad.values = append(ad.values, auditNull)
				}
			}
			r.Close()
			if d == "quarter" {
				for _, q := range []string{"1", "2", "3", "4"} {
					if !auditHas(ad.values, q) {
						ad.values = append(ad.values, q)
					}
				}
			}
			sort.Strings(ad.values) // deterministic order
		}
		dims[d] = ad
	}
	for _, c := range auditCoarse {
		ad, ok := dims[c.dim]
		if !ok {
			continue
		}
		ad.base, ad.group = c.base, map[string]string{}
		for _, code := range kensho.ListByName(c.base).Codes {
			ad.group[code.Code] = code.Attr[c.attr]
		}
	}
	if era, ok := dims["criteria_era"]; ok {
		fixed := true
		group := map[string]string{}
		for _, y := range dims["fiscal_year"].values {
			fy, err := strconv.Atoi(y)
			if err != nil {
				fixed = false
				break
			}
			q1 := kensho.FiscalQuarter{Year: fy, Quarter: 1}
			e1 := kensho.CriteriaEra(q1.Start())
			if e1 != kensho.CriteriaEra(kensho.FiscalQuarter{Year: fy, Quarter: 4}.End().Add(-time.Nanosecond)) {
				fixed = false
				break
			}
			group[y] = e1
		}
		if fixed {
			era.base, era.group = "fiscal_year", group
		}
	}
	for name, ad := range dims {
		if ad.base != "" {
			dims[ad.base].coarse = append(dims[ad.base].coarse, name)
		}
	}
	for _, ad := range dims {
		sort.Strings(ad.coarse)
	}
	return dims, nil
}

func auditHas(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// canon turns conditions into a cell; false when no accident can meet them.
func (m *aModel) canon(in map[string]string) ([]aCond, bool) {
	var cs []aCond
	for d, v := range in {
		ad := m.dims[d]
		if ad == nil || !auditHas(ad.values, v) {
			return nil, false
		}
		cs = append(cs, aCond{d, v})
	}
	aSort(cs)
	return m.reduce(cs)
}

// reduce drops coarse conditions implied by their base and checks that the
// coarse conditions on a base can hold together.
func (m *aModel) reduce(cs []aCond) ([]aCond, bool) {
	byDim := map[string]string{}
	for _, c := range cs {
		byDim[c.d] = c.v
	}
	var out []aCond
	for _, c := range cs {
		ad := m.dims[c.d]
		if ad.base == "" {
			out = append(out, c)
			continue
		}
		if bv, ok := byDim[ad.base]; ok {
			if ad.group[bv] != c.v {
				return nil, false
			}
			continue
		}
		if len(m.allowed(cs, ad.base)) == 0 {
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

// allowed lists the values of base that every coarse condition in cs admits.
func (m *aModel) allowed(cs []aCond, base string) []string {
	var out []string
	for _, u := range m.dims[base].values {
		ok := true
		for _, c := range cs {
			if ad := m.dims[c.d]; ad.base == base && ad.group[u] != c.v {
				ok = false
			}
		}
		if ok {
			out = append(out, u)
		}
	}
	return out
}

func aWithout(cs []aCond, d string) []aCond {
	var out []aCond
	for _, c := range cs {
		if c.d != d {
			out = append(out, c)
		}
	}
	return out
}

func aWith(cs []aCond, d, v string) []aCond {
	out := append(aWithout(cs, d), aCond{d, v})
	aSort(out)
	return out
}

// split returns the cells whose sum is p, along dimension d.
func (m *aModel) split(p []aCond, d string) [][]aCond {
	ad := m.dims[d]
	var out [][]aCond
	if ad.base != "" {
		vals := m.allowed(p, ad.base)
		for _, g := range ad.values {
			for _, u := range vals {
				if ad.group[u] == g {
					out = append(out, aWith(p, d, g))
					break
				}
			}
		}
		return out
	}
	var keep []aCond
	for _, c := range p {
		if m.dims[c.d].base != d {
			keep = append(keep, c)
		}
	}
	for _, u := range m.allowed(p, d) {
		out = append(out, aWith(keep, d, u))
	}
	return out
}

type aLink struct {
	p []aCond
	d string
}

// links lists the parents of a cell: remove one condition, or widen a value
// to the coarse group it belongs to.
func (m *aModel) links(cs []aCond) []aLink {
	var out []aLink
	for _, c := range cs {
		rest := aWithout(cs, c.d)
		out = append(out, aLink{rest, c.d})
		for _, cd := range m.dims[c.d].coarse {
			out = append(out, aLink{aWith(rest, cd, m.dims[cd].group[c.v]), c.d})
		}
	}
	return out
}

func (m *aModel) add(cs []aCond, kind byte) int {
	i := len(m.cells)
	c := &aCell{conds: cs, id: aID(cs), kind: kind}
	m.cells = append(m.cells, c)
	m.at[c.id] = i
	m.eqsOf = append(m.eqsOf, nil)
	for _, l := range m.links(cs) {
		pid := aID(l.p)
		if j, ok := m.at[pid]; ok {
			m.equation(j, l.d)
		} else if !auditHas(m.wait[pid], l.d) {
			m.wait[pid] = append(m.wait[pid], l.d)
		}
	}
	for _, d := range m.wait[c.id] {
		m.equation(i, d)
	}
	delete(m.wait, c.id)
	return i
}

func (m *aModel) equation(parent int, d string) {
	key := m.cells[parent].id + "\x04" + d
	if m.done[key] {
		return
	}
	m.done[key] = true
	eq := []int{parent}
	for _, ch := range m.split(m.cells[parent].conds, d) {
		id := aID(ch)
		j, ok := m.at[id]
		if !ok {
			kind := byte('h')
			if m.zeros[id] {
				kind = 'z'
			}
			j = m.add(ch, kind)
		}
		eq = append(eq, j)
	}
	n := len(m.eqs)
	m.eqs = append(m.eqs, eq)
	for _, j := range eq {
		m.eqsOf[j] = append(m.eqsOf[j], n)
	}
}

// buildModel builds the model of one magnitude from the protected tables
// and the audit's own values.
func (a *auditor) buildModel(mag kensho.Magnitude, dims map[string]*aDim) (*aModel, error) {
	m := &aModel{mag: mag, dims: dims, at: map[string]int{}, done: map[string]bool{}, wait: map[string][]string{}, zeros: map[string]bool{}}
	conds := func(t kensho.StatTable, row kensho.Row) map[string]string {
		c := map[string]string{}
		for d, v := range t.Filter {
			c[d] = v
		}
		for i, d := range t.Dims {
			if k := row.Key[i]; k != kensho.Total {
				if f, ok := c[d.Name]; ok && f != k {
					c[d.Name] = "\x00impossible"
				} else {
					c[d.Name] = k
				}
			}
		}
		return c
	}
	// Rows a table leaves out while its rows add up to the margin.
	for _, t := range a.out {
		for mi, meas := range t.Measures {
			if meas.Magnitude != mag {
				continue
			}
			for di, dim := range t.Dims {
				if _, f := t.Filter[dim.Name]; f {
					continue
				}
				type grp struct {
					margin int
					shown  []string
					sum    float64
				}
				groups := map[string]*grp{}
				for ri, row := range t.Rows {
					parts := append([]string{}, row.Key...)
					parts[di] = ""
					g := groups[strings.Join(parts, "\x1f")]
					if g == nil {
						g = &grp{margin: -1}
						groups[strings.Join(parts, "\x1f")] = g
					}
					if row.Key[di] == kensho.Total {
						g.margin = ri
					} else {
						g.shown = append(g.shown, row.Key[di])
						g.sum += a.truth[kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}].value
					}
				}
				for _, g := range groups {
					if g.margin < 0 || !auditEqual(g.sum, a.truth[kensho.CellRef{Table: t.Name, Row: g.margin, Measure: mi}].value) {
						continue
					}
					c := conds(t, t.Rows[g.margin])
					for _, v := range dims[dim.Name].values {
						if auditHas(g.shown, v) {
							continue
						}
						c[dim.Name] = v
						if cs, ok := m.canon(c); ok {
							m.zeros[aID(cs)] = true
						}
					}
				}
			}
		}
	}
	status := map[kensho.CellRef]kensho.CellStatus{}
	for _, t := range a.out {
		for ri, row := range t.Rows {
			for mi, c := range row.Cells {
				status[kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}] = c.Status
			}
		}
	}
	var table []int
	for _, t := range a.out {
		for mi, meas := range t.Measures {
			if meas.Magnitude != mag {
				continue
			}
			for ri, row := range t.Rows {
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				cs, ok := m.canon(conds(t, row))
				if !ok {
					continue // no accident can be in it; its value was checked against the data
				}
				id := aID(cs)
				j, exists := m.at[id]
				if !exists {
					j = len(m.cells)
					m.cells = append(m.cells, &aCell{conds: cs, id: id, kind: 't', value: a.truth[ref].value, contrib: a.truth[ref].contrib})
					m.at[id] = j
					m.eqsOf = append(m.eqsOf, nil)
					table = append(table, j)
				}
				c := m.cells[j]
				c.refs = append(c.refs, ref)
				if status[ref] == kensho.Suppressed {
					c.suppressed = true
				}
			}
		}
	}
	// Two tables showing the same cell must agree on publishing it.
	for _, j := range table {
		c := m.cells[j]
		for _, r := range c.refs {
			if (status[r] == kensho.Suppressed) != c.suppressed {
				a.failf("%s: %s shows the same cell and publishes it while another suppresses it", mag, auditRef(r))
			}
		}
		if c.suppressed {
			c.primary, c.rule, c.need = auditRules(a.cfg, c.value, c.contrib)
		}
	}
	// The closure: equations among the tables' cells, adding what they need.
	for _, j := range table {
		for _, l := range m.links(m.cells[j].conds) {
			pid := aID(l.p)
			if p, ok := m.at[pid]; ok {
				m.equation(p, l.d)
			} else if !auditHas(m.wait[pid], l.d) {
				m.wait[pid] = append(m.wait[pid], l.d)
			}
		}
	}
	for _, j := range table {
		for _, d := range m.wait[m.cells[j].id] {
			m.equation(j, d)
		}
	}
	if len(m.cells) > 4_000_000 {
		return nil, fmt.Errorf("audit: the model of %s exceeds 4,000,000 cells", mag)
	}
	return m, nil
}

// auditIntervals bounds every suppressed cell of one magnitude.
func (a *auditor) auditIntervals(mag kensho.Magnitude) error {
	uses := false
	for _, t := range a.out {
		for _, m := range t.Measures {
			if m.Magnitude == mag {
				uses = true
			}
		}
	}
	if !uses {
		return nil
	}
	dims, err := a.auditDimensions()
	if err != nil {
		return err
	}
	m, err := a.buildModel(mag, dims)
	if err != nil {
		return err
	}
	// Equations whose cells are all known must hold, or the model is wrong.
	for _, eq := range m.eqs {
		sum, known := 0.0, true
		for k, j := range eq {
			c := m.cells[j]
			if c.kind == 'h' {
				known = false
				break
			}
			if k == 0 {
				sum += c.value
			} else {
				sum -= c.value
			}
		}
		if known && math.Abs(sum) > 1e-6*math.Max(1, m.cells[eq[0]].value) {
			a.failf("%s: cell %s does not equal the sum of its parts (off by %g)", mag, m.cells[eq[0]].id, sum)
		}
	}
	known := a.auditPropagate(m)
	comps := a.auditComponents(m, known)
	// The insiders' view needs every operator's share of the hidden cells
	// of each component with a primary suppression: fetched here for all
	// components at once (one scan of deid_accident per set of
	// dimensions), not component by component.
	var hidden []int
	for _, comp := range comps {
		if !slices.ContainsFunc(comp, func(j int) bool { return m.cells[j].suppressed && m.cells[j].primary }) {
			continue
		}
		for _, j := range comp {
			if m.cells[j].kind == 'h' && m.cells[j].contrib == nil {
				hidden = append(hidden, j)
			}
		}
	}
	if err := a.hiddenContributions(m, hidden); err != nil {
		return err
	}
	for _, comp := range comps {
		if err := a.auditComponent(m, comp, known); err != nil {
			return err
		}
	}
	return nil
}

// auditPropagate solves every equation left with one unknown, again and
// again; a suppressed cell solved this way is disclosed exactly.
func (a *auditor) auditPropagate(m *aModel) map[int]float64 {
	known := map[int]float64{}
	isOpen := func(j int) bool {
		if !m.cells[j].open() {
			return false
		}
		_, k := known[j]
		return !k
	}
	value := func(j int) float64 {
		if v, ok := known[j]; ok {
			return v
		}
		return m.cells[j].value
	}
	work := make([]int, len(m.eqs))
	for i := range work {
		work[i] = i
	}
	queued := make([]bool, len(m.eqs))
	for i := range queued {
		queued[i] = true
	}
	for len(work) > 0 {
		e := work[len(work)-1]
		work = work[:len(work)-1]
		queued[e] = false
		eq := m.eqs[e]
		free := -1
		n := 0
		for _, j := range eq {
			if isOpen(j) {
				free, n = j, n+1
			}
		}
		if n != 1 {
			continue
		}
		v := 0.0
		for k, j := range eq {
			if j == free {
				continue
			}
			if k == 0 {
				v += value(j)
			} else {
				v -= value(j)
			}
		}
		if free == eq[0] {
			v = -v // the parent is the sum of its children
		}
		known[free] = math.Max(0, v)
		c := m.cells[free]
		if c.suppressed {
			a.res.summary.SuppressedChecked++
			a.failf("%s: suppressed cell %s (%s) can be recomputed exactly from one equation", m.mag, c.id, auditRefs(c.refs))
		}
		for _, e2 := range m.eqsOf[free] {
			if !queued[e2] {
				queued[e2] = true
				work = append(work, e2)
			}
		}
	}
	return known
}

func auditRefs(refs []kensho.CellRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = auditRef(r)
	}
	return strings.Join(parts, ", ")
}

// auditComponents groups the open cells linked by equations; only groups
// with a suppressed cell are returned.
func (a *auditor) auditComponents(m *aModel, known map[int]float64) [][]int {
	root := make([]int, len(m.cells))
	for i := range root {
		root[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for root[x] != x {
			root[x] = root[root[x]]
			x = root[x]
		}
		return x
	}
	open := func(j int) bool {
		_, k := known[j]
		return m.cells[j].open() && !k
	}
	for _, eq := range m.eqs {
		first := -1
		for _, j := range eq {
			if !open(j) {
				continue
			}
			if first < 0 {
				first = j
			} else if ra, rb := find(first), find(j); ra != rb {
				root[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	groups := map[int][]int{}
	for j := range m.cells {
		if open(j) {
			groups[find(j)] = append(groups[find(j)], j)
		}
	}
	var out [][]int
	for _, g := range groups {
		for _, j := range g {
			if m.cells[j].suppressed {
				out = append(out, g)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] }) // deterministic order
	return out
}
