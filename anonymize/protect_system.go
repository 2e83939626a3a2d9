package anonymize

import (
	"fmt"
	"math"
	"sort"

	"github.com/kensho-jp/kensho"
)

// cellKind says where a cell of the model comes from.
type cellKind uint8

const (
	kindTable  cellKind = iota // a cell some table shows
	kindZero                   // a row a table leaves out while its rows add up to its margin: a published zero
	kindHidden                 // a cell no table shows: unknown to the attacker, ≥ 0
)

// pcell is one cell of the protect side's model for one magnitude.
type pcell struct {
	conds   conds
	key     string
	kind    cellKind
	value   float64
	contrib []kensho.Contribution
	refs    []kensho.CellRef
	total   bool // national or yearly total, kept where possible

	primary   bool
	rule      string  // the primary rule that failed
	protect   float64 // required half-width of the interval (primary cells)
	secondary bool
}

func (c *pcell) suppressed() bool { return c.primary || c.secondary }

// unknown: the attacker does not see the cell's value.
func (c *pcell) unknown() bool { return c.kind == kindHidden || c.suppressed() }

// relation: cells[parent] = Σ cells[children].
type relation struct {
	parent   int
	children []int
}

// psystem is the linked system of one magnitude over all tables and years.
type psystem struct {
	mag    kensho.Magnitude
	cat    *catalog
	cells  []*pcell
	byKey  map[string]int
	rels   []relation
	relsOf [][]int

	// closure state
	queue    []int
	pending  map[string][]string // parent key -> dims along which it would split into known cells
	relSeen  map[string]bool
	zeroKeys map[string]bool
}

// maxModelCells bounds the closure; a model this large means the tables
// cross far more dimensions than the report has.
const maxModelCells = 4_000_000

// relTol is the relative tolerance for sums of float magnitudes.
const relTol = 1e-9

func nearlyEqual(a, b float64) bool {
	return math.Abs(a-b) <= relTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// buildSystem builds the model of magnitude mag from every additive cell of
// that magnitude in tables.
func buildSystem(cat *catalog, tables []kensho.StatTable, mag kensho.Magnitude) (*psystem, error) {
	s := &psystem{
		mag: mag, cat: cat, byKey: map[string]int{},
		pending: map[string][]string{}, relSeen: map[string]bool{}, zeroKeys: map[string]bool{},
	}
	type tcell struct {
		cs  conds
		ref kensho.CellRef
		c   *kensho.Cell
	}
	var tcells []tcell
	for ti := range tables {
		t := &tables[ti]
		for mi, m := range t.Measures {
			if m.Magnitude != mag {
				continue
			}
			for ri := range t.Rows {
				row := &t.Rows[ri]
				if len(row.Key) != len(t.Dims) || mi >= len(row.Cells) {
					return nil, fmt.Errorf("table %s row %d: %d keys and %d cells for %d dims and %d measures",
						t.Name, ri, len(row.Key), len(row.Cells), len(t.Dims), len(t.Measures))
				}
				cell := &row.Cells[mi]
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				if err := checkAdditiveCell(t.Name, ri, m.Name, cell); err != nil {
					return nil, err
				}
				cs, ok, err := cat.normalize(rowConditions(t, row))
				if err != nil {
					return nil, fmt.Errorf("table %s: %w", t.Name, err)
				}
				if !ok {
					if cell.Value != 0 {
						return nil, fmt.Errorf("table %s row %d %s: the keys admit no accident but the cell holds %g", t.Name, ri, m.Name, cell.Value)
					}
					continue // a structural zero: published, outside the model
				}
				tcells = append(tcells, tcell{cs, ref, cell})
			}
		}
	}
	if err := s.findOmittedZeros(tables); err != nil {
		return nil, err
	}
	// Table cells first, in table order; identical cells merge.
	for _, tc := range tcells {
		k := tc.cs.key()
		if id, ok := s.byKey[k]; ok {
			c := s.cells[id]
			if !nearlyEqual(c.value, tc.c.Value) {
				return nil, fmt.Errorf("%s and %s are the same cell but hold %g and %g", refString(c.refs[0]), refString(tc.ref), c.value, tc.c.Value)
			}
			c.refs = append(c.refs, tc.ref)
			continue
		}
		id := s.addCell(tc.cs, kindTable)
		c := s.cells[id]
		c.value, c.contrib, c.refs = tc.c.Value, tc.c.Contrib, []kensho.CellRef{tc.ref}
		c.total = tc.cs.onlyYear()
	}
	for i := 0; i < len(s.queue); i++ {
		if len(s.cells) > maxModelCells {
			return nil, fmt.Errorf("the linked model of %s exceeds %d cells", mag, maxModelCells)
		}
		id := s.queue[i]
		c := s.cells[id]
		for _, pl := range cat.parents(c.conds) {
			if pid, ok := s.byKey[pl.parent.key()]; ok {
				s.addRelation(pid, pl.dim)
			}
		}
		for _, dim := range s.pending[c.key] {
			s.addRelation(id, dim)
		}
	}
	s.queue, s.pending, s.relSeen = nil, nil, nil
	return s, s.checkConsistency()
}

func rowConditions(t *kensho.StatTable, row *kensho.Row) map[string]string {
	m := make(map[string]string, len(t.Filter)+len(t.Dims))
	for d, v := range t.Filter {
		m[d] = v
	}
	for i, d := range t.Dims {
		if row.Key[i] != kensho.Total {
			if f, ok := m[d.Name]; ok && f != row.Key[i] {
				m[d.Name] = "\x00conflict" // outside every domain: a structural zero
				continue
			}
			m[d.Name] = row.Key[i]
		}
	}
	return m
}

func checkAdditiveCell(table string, row int, measure string, c *kensho.Cell) error {
	if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) || c.Value < 0 {
		return fmt.Errorf("table %s row %d %s: additive value %g is not a finite number ≥ 0", table, row, measure, c.Value)
	}
	if c.Status != kensho.Unprotected {
		return fmt.Errorf("table %s row %d %s: an additive cell arrives with status %d; analytics must leave it Unprotected", table, row, measure, c.Status)
	}
	sum := 0.0
	for i, k := range c.Contrib {
		if k.Value < 0 {
			return fmt.Errorf("table %s row %d %s: negative contribution", table, row, measure)
		}
		if i > 0 && c.Contrib[i-1].Op >= k.Op {
			return fmt.Errorf("table %s row %d %s: contributions are not sorted by operator, or repeat one", table, row, measure)
		}
		sum += k.Value
	}
	if !nearlyEqual(sum, c.Value) {
		return fmt.Errorf("table %s row %d %s: contributions add up to %g, the cell holds %g", table, row, measure, sum, c.Value)
	}
	return nil
}

func refString(r kensho.CellRef) string {
	return fmt.Sprintf("table %s row %d measure %d", r.Table, r.Row, r.Measure)
}

// findOmittedZeros marks the rows a table leaves out along a dimension whose
// shown rows add up to the margin: the reader knows those rows are zero.
func (s *psystem) findOmittedZeros(tables []kensho.StatTable) error {
	for ti := range tables {
		t := &tables[ti]
		for mi, m := range t.Measures {
			if m.Magnitude != s.mag {
				continue
			}
			for di, d := range t.Dims {
				// Group rows by their keys on the other dimensions.
				type group struct {
					margin *kensho.Row
					listed map[string]bool
					sum    float64
				}
				groups := map[string]*group{}
				var order []string
				for ri := range t.Rows {
					row := &t.Rows[ri]
					other := ""
					for k, v := range row.Key {
						if k != di {
							other += v + "\x1f"
						}
					}
					g := groups[other]
					if g == nil {
						g = &group{listed: map[string]bool{}}
						groups[other] = g
						order = append(order, other)
					}
					if row.Key[di] == kensho.Total {
						g.margin = row
					} else {
						g.listed[row.Key[di]] = true
						g.sum += row.Cells[mi].Value
					}
				}
				for _, o := range order {
					g := groups[o]
					if g.margin == nil || !nearlyEqual(g.sum, g.margin.Cells[mi].Value) {
						continue
					}
					base := rowConditions(t, g.margin)
					if _, filtered := t.Filter[d.Name]; filtered {
						continue
					}
					for _, v := range s.cat.dims[d.Name].domain {
						if g.listed[v] {
							continue
						}
						base[d.Name] = v
						cs, ok, err := s.cat.normalize(base)
						if err != nil {
							return err
						}
						if ok {
							s.zeroKeys[cs.key()] = true
						}
					}
				}
			}
		}
	}
	return nil
}

func (s *psystem) addCell(cs conds, kind cellKind) int {
	id := len(s.cells)
	c := &pcell{conds: cs, key: cs.key(), kind: kind}
	s.cells = append(s.cells, c)
	s.byKey[c.key] = id
	s.relsOf = append(s.relsOf, nil)
	for _, pl := range s.cat.parents(cs) {
		pk := pl.parent.key()
		if !contains(s.pending[pk], pl.dim) {
			s.pending[pk] = append(s.pending[pk], pl.dim)
		}
	}
	s.queue = append(s.queue, id)
	return id
}

func (s *psystem) addRelation(pid int, dim string) {
	rk := s.cells[pid].key + "\x1d" + dim
	if s.relSeen[rk] {
		return
	}
	s.relSeen[rk] = true
	var ids []int
	for _, ch := range s.cat.children(s.cells[pid].conds, dim) {
		k := ch.key()
		id, ok := s.byKey[k]
		if !ok {
			kind := kindHidden
			if s.zeroKeys[k] {
				kind = kindZero
			}
			id = s.addCell(ch, kind)
		}
		ids = append(ids, id)
	}
	r := len(s.rels)
	s.rels = append(s.rels, relation{parent: pid, children: ids})
	s.relsOf[pid] = append(s.relsOf[pid], r)
	for _, id := range ids {
		s.relsOf[id] = append(s.relsOf[id], r)
	}
}

// checkConsistency verifies every relation whose cells are all known: the
// tables must add up, or the model (and analytics) is wrong.
func (s *psystem) checkConsistency() error {
	var errs []string
	for _, r := range s.rels {
		p := s.cells[r.parent]
		if p.kind == kindHidden {
			continue
		}
		sum, known := 0.0, true
		for _, id := range r.children {
			c := s.cells[id]
			if c.kind == kindHidden {
				known = false
				break
			}
			sum += c.value
		}
		if known && !nearlyEqual(sum, p.value) {
			errs = append(errs, fmt.Sprintf("%s: %s holds %g but its parts add up to %g", s.mag, p.key, p.value, sum))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs) // deterministic message
		if len(errs) > 10 {
			errs = append(errs[:10], fmt.Sprintf("... and %d more", len(errs)-10))
		}
		return fmt.Errorf("tables do not add up:\n  %s", joinLines(errs))
	}
	return nil
}

func joinLines(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "\n  "
		}
		out += x
	}
	return out
}
