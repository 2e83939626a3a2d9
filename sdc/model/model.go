// Package model is kensho's disclosure model: one description of
// everything a release publishes about the accidents, derived from the table
// definitions and the code lists, that the protection (sdc/protect) and the
// audit (sdc/audit) both work on.
//
// The unknowns are the accidents' joint counts over every published
// dimension, per fiscal year, held as the counts of the cliques of a
// junction tree (graph.go). Every published cell of every table and every
// class of every microdata extract is a column: a sum of atoms of one
// clique, or of the magnitude classes (affected users, user-hours). The
// code lists add what a reader of them knows: coarse codes derived from
// fine ones (kensho.Hierarchies), combinations no accident can have
// (kensho.Relations), band limits of users and durations, and the rank
// constraints a published median puts on the duration bands. Two cells that
// count the same accidents are one column, whatever tables show them.
//
// The package is pure Go and reads no database: the caller gives it the
// tables and extracts, asks which aggregates it needs (Needs), and hands
// them in. It must never decide what is published (that is protect's) nor
// judge whether a publication is safe (that is audit's).
package model

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// Ref locates a figure in the publication: a table cell (Table, Row,
// Measure), an extract class (Extract, Class: in ExtractClasses' order) or
// a starred class of an extract (Extract, Class: in StarClasses' order,
// Star).
type Ref struct {
	Table   string
	Row     int
	Measure int
	Extract string
	Class   int
	Star    bool
}

func (r Ref) String() string {
	if r.Star {
		return fmt.Sprintf("extract %s starred class %d", r.Extract, r.Class)
	}
	if r.Extract != "" {
		return fmt.Sprintf("extract %s class %d", r.Extract, r.Class)
	}
	return fmt.Sprintf("%s row %d measure %d", r.Table, r.Row, r.Measure)
}

// Column is one published (or withheld) figure: a magnitude summed over the
// accidents of a condition.
type Column struct {
	ID   int
	Cond Cond
	Mag  kensho.Magnitude
	// Step is the rounding of the published value: the truth lies within
	// Step/2 of it (0: exact).
	Step float64
	// Refs are the places the figure appears, in the order met.
	Refs  []Ref
	Years []int
	// Extract is set when only microdata extracts publish the figure:
	// withheld, the reader cannot tell it from an empty class.
	Extract bool
	// Optional is set when only starred classes publish the figure (the
	// count of a group of an extract's classes): it is published where
	// that helps and is safe, and otherwise simply not published. It is
	// nobody's secret — the secrets are the classes it sums, each a
	// figure of its own — so, not published, it is not protected.
	Optional bool
	// Members are the extract classes (column IDs) a starred class of the
	// column's conditions holds the hidden records of.
	Members []int
	Comp    *Component
	Clique  int   // the clique whose atoms it sums (counts)
	Atoms   []int // atoms of Clique (counts and, in the magnitude clique, magnitudes)
	Classes []int // magnitude classes it sums (magnitudes)
}

// Label writes the column's conditions for a message.
func (c *Column) Label() string {
	if len(c.Refs) > 0 {
		return c.Refs[0].String() + " (" + string(c.Mag) + ")"
	}
	return string(c.Mag)
}

// QuantileFigure is a published quantile of a per-accident quantity over
// a cell's accidents.
type QuantileFigure struct {
	Index int     // in Model.Quantiles
	Count *Column // the cell's accidents
	Cond  Cond
	P     float64
	Band  string // the banded dimension (duration_band)
	Of    string // the quantity (duration_min)
	Ref   Ref
	// Decimals of the published value.
	Decimals int
	Comp     *Component
	// BandCells[b] are the atoms of Comp's clique that hold the cell's
	// accidents in band b.
	Clique    int
	BandAtoms [][]int
}

// Model is the disclosure model of one release.
type Model struct {
	reg       *Registry
	relations []relation
	Columns   []*Column
	byKey     map[string]*Column
	// Empty lists the cells no accident can satisfy (structural zeros):
	// always 0, published as such.
	Empty      []Ref
	Quantiles  []*QuantileFigure
	Components []*Component
	years      []int
	byYear     map[int]*Component
}

// Options are the facts of the release the model needs beyond tables.
type Options struct {
	// Years are the fiscal years modelled (those with data).
	Years []int
	// Domains gives the values of dimensions without a code list that
	// tables use: disaster (the names published, without Null, which is
	// added).
	Domains map[string][]string
}

// Build derives the model of a release from its tables and extracts.
func Build(tables []kensho.StatTable, extracts []kensho.Extract, opt Options) (*Model, error) {
	if err := checkOmit(); err != nil {
		return nil, err
	}
	domains := map[string][]string{"fiscal_year": YearStrings(opt.Years)}
	for k, v := range opt.Domains {
		domains[k] = append([]string{Null}, v...)
	}
	m := &Model{reg: NewRegistry(domains), byKey: map[string]*Column{}, years: slices.Clone(opt.Years), byYear: map[int]*Component{}}
	// Register every dimension first, in a fixed order, so that groups and
	// their indexes do not depend on the order cells are met.
	names := map[string]bool{"fiscal_year": true}
	for _, t := range tables {
		for _, d := range t.Dims {
			names[d.Name] = true
		}
		for d := range t.Filter {
			names[d] = true
		}
		for _, ms := range t.Measures {
			if ms.Quantile != nil {
				band, _, _, ok := kensho.BandOf(ms.Quantile.Of)
				if !ok {
					return nil, fmt.Errorf("model: table %s: quantile of %s, which has no bands", t.Name, ms.Quantile.Of)
				}
				names[band] = true
			}
			if ms.Magnitude == kensho.MagAffectedUsers || ms.Magnitude == kensho.MagUserHours {
				names["users_band"], names["duration_band"] = true, true
			}
		}
	}
	for _, e := range extracts {
		for _, f := range e.FieldNames() {
			names[f] = true
		}
	}
	for _, n := range sortedNames(names) {
		if _, err := m.reg.Dim(n); err != nil {
			return nil, err
		}
	}
	var err error
	if m.relations, err = m.reg.relations(); err != nil {
		return nil, err
	}
	m.relations = append(m.relations, m.sparseRelations(tables)...)
	for _, t := range tables {
		if err := m.addTable(t); err != nil {
			return nil, fmt.Errorf("model: table %s: %w", t.Name, err)
		}
	}
	for _, e := range extracts {
		if err := m.addExtract(e); err != nil {
			return nil, fmt.Errorf("model: extract %s: %w", e.Name, err)
		}
	}
	for _, c := range m.Columns {
		c.Extract, c.Optional = true, true
		for _, r := range c.Refs {
			if r.Extract == "" {
				c.Extract = false // a table shows it: withheld, it is an X
			}
			if !r.Star {
				c.Optional = false
			}
		}
	}
	if err := m.components(); err != nil {
		return nil, err
	}
	return m, nil
}

// sparseRelations: a table whose rows list only the keys that occur
// (named disasters, which have no code list) tells the reader that every
// combination of a key with a fiscal year it does not list counts zero. The
// model holds that as a relation between the two dimensions.
func (m *Model) sparseRelations(tables []kensho.StatTable) []relation {
	var out []relation
	fy := m.reg.MustDim("fiscal_year")
	for _, t := range tables {
		yi, si := -1, -1
		for i, d := range t.Dims {
			switch {
			case d.Name == "fiscal_year":
				yi = i
			case m.reg.domains[d.Name] != nil:
				si = i
			}
		}
		if yi < 0 || si < 0 {
			continue
		}
		d := m.reg.MustDim(t.Dims[si].Name)
		rel := relation{a: d.Group, b: fy.Group, dimA: d, dimB: fy, allowed: make([][]bool, len(d.Group.Values)),
			text: kensho.Text{
				Ja: "表「" + t.Title.Ja + "」は事故のある組み合わせだけを掲げるため、掲げない年度の件数は0です。",
				En: "The table \"" + t.Title.En + "\" lists only the combinations that occur, so a fiscal year it does not list counts zero.",
			}}
		for i := range rel.allowed {
			rel.allowed[i] = make([]bool, len(fy.Group.Values))
			if d.Group.Values[i] == Null {
				for j := range rel.allowed[i] {
					rel.allowed[i][j] = true // accidents without the key: any year
				}
			}
		}
		for _, r := range t.Rows {
			if r.Key[yi] == kensho.Total || r.Key[si] == kensho.Total {
				continue
			}
			a, b := d.Value(r.Key[si]), fy.Value(r.Key[yi])
			if a >= 0 && b >= 0 {
				rel.allowed[a][b] = true
			}
		}
		out = append(out, rel)
	}
	return out
}

// conditions of a table row: the filter and every key but a total.
func rowConds(t kensho.StatTable, r kensho.Row) map[string]string {
	conds := map[string]string{}
	for k, v := range t.Filter {
		conds[k] = v
	}
	for i, d := range t.Dims {
		if r.Key[i] != kensho.Total {
			conds[d.Name] = r.Key[i]
		}
	}
	return conds
}

func (m *Model) column(conds map[string]string, mag kensho.Magnitude, step float64, ref Ref) (*Column, error) {
	c, err := m.cond(conds)
	if err != nil {
		return nil, err
	}
	if c.Empty {
		m.Empty = append(m.Empty, ref)
		return nil, nil
	}
	key := string(mag) + "|" + c.Key()
	col := m.byKey[key]
	if col == nil {
		col = &Column{ID: len(m.Columns), Cond: c, Mag: mag, Step: step}
		col.Years = m.yearsOf(c)
		m.Columns = append(m.Columns, col)
		m.byKey[key] = col
	} else if step < col.Step {
		col.Step = step // the most precise publication binds
	}
	col.Refs = append(col.Refs, ref)
	return col, nil
}

func (m *Model) yearsOf(c Cond) []int {
	g := m.reg.Group("fiscal_year")
	s := c.Set(g.Index)
	var out []int
	for i, y := range m.years {
		if s == nil || s.Has(i) {
			out = append(out, y)
		}
	}
	return out
}

// Shown is what readers see of the column when its truth is v: v itself,
// or, for a figure published rounded (Step > 0), v rounded as the site
// prints it (strconv's correctly rounded decimal, site/format.go). A
// reader knows the truth lies within Step/2 of what it sees — not of the
// truth, which it does not see: the row of a published figure is centred
// here.
func (c *Column) Shown(v float64) float64 { return shown(v, c.Step) }

// shown is v as printed to the rounding step (a power of ten; 0: exact).
func shown(v, step float64) float64 {
	if step <= 0 {
		return v
	}
	d := max(0, int(math.Round(-math.Log10(step))))
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
	if err != nil {
		return v // unreachable: FormatFloat writes a number
	}
	return r
}

// roundingStep is the step a value published with d decimals is rounded to.
func roundingStep(d int) float64 {
	step := 1.0
	for i := 0; i < d; i++ {
		step /= 10
	}
	return step
}

func (m *Model) addTable(t kensho.StatTable) error {
	accIdx := -1
	for i, ms := range t.Measures {
		if ms.Magnitude == kensho.MagAccidents {
			accIdx = i
		}
	}
	for ri, r := range t.Rows {
		conds := rowConds(t, r)
		var count *Column
		for mi, ms := range t.Measures {
			if !ms.Additive() {
				continue
			}
			step := 0.0
			if ms.Magnitude == kensho.MagUserHours {
				step = roundingStep(ms.Decimals) // user-hours are fractions, published rounded
			}
			col, err := m.column(conds, ms.Magnitude, step, Ref{Table: t.Name, Row: ri, Measure: mi})
			if err != nil {
				return err
			}
			if mi == accIdx {
				count = col
			}
		}
		for mi, ms := range t.Measures {
			if ms.Quantile == nil {
				continue
			}
			if count == nil {
				if accIdx < 0 {
					return fmt.Errorf("measure %s is a quantile but the table counts no accidents", ms.Name)
				}
				continue // an empty cell: its quantile is not applicable
			}
			band, _, _, _ := kensho.BandOf(ms.Quantile.Of)
			m.Quantiles = append(m.Quantiles, &QuantileFigure{Index: len(m.Quantiles), Count: count, Cond: count.Cond, P: ms.Quantile.P,
				Band: band, Of: ms.Quantile.Of, Ref: Ref{Table: t.Name, Row: ri, Measure: mi}, Decimals: ms.Decimals})
		}
	}
	return nil
}

// ExtractClasses enumerates the classes of an extract in its file order:
// every combination of its fields' codes (fiscal years ascending, codes in
// list order).
func (m *Model) ExtractClasses(e kensho.Extract) ([][]string, error) {
	var domains [][]string
	for _, f := range e.FieldNames() {
		d, err := m.reg.Dim(f)
		if err != nil {
			return nil, err
		}
		if f == "fiscal_year" {
			domains = append(domains, YearStrings(m.years))
		} else {
			domains = append(domains, d.Values)
		}
	}
	var out [][]string
	var rec func(i int, cur []string)
	rec = func(i int, cur []string) {
		if i == len(domains) {
			out = append(out, slices.Clone(cur))
			return
		}
		for _, v := range domains[i] {
			rec(i+1, append(cur, v))
		}
	}
	rec(0, nil)
	return out, nil
}

func (m *Model) addExtract(e kensho.Extract) error {
	if len(e.Fields) == 0 || e.Fields[0].Name != "fiscal_year" {
		return fmt.Errorf("the first field must be fiscal_year")
	}
	classes, err := m.ExtractClasses(e)
	if err != nil {
		return err
	}
	cols := make([]*Column, len(classes))
	for ci, vals := range classes {
		conds := map[string]string{}
		for i, f := range e.FieldNames() {
			conds[f] = vals[i]
		}
		if cols[ci], err = m.column(conds, kensho.MagAccidents, 0, Ref{Extract: e.Name, Class: ci}); err != nil {
			return err
		}
	}
	if len(e.Star) == 0 {
		return nil
	}
	stars, members, err := m.StarClasses(e)
	if err != nil {
		return err
	}
	for si, vals := range stars {
		conds := map[string]string{}
		for i, f := range e.FieldNames() {
			if vals[i] != Starred {
				conds[f] = vals[i]
			}
		}
		col, err := m.column(conds, kensho.MagAccidents, 0, Ref{Extract: e.Name, Class: si, Star: true})
		if err != nil {
			return err
		}
		if col == nil {
			continue
		}
		for _, ci := range members[si] {
			if cols[ci] != nil && !slices.Contains(col.Members, cols[ci].ID) {
				col.Members = append(col.Members, cols[ci].ID)
			}
		}
	}
	return nil
}

// Starred is the value of a starred field in a starred class.
const Starred = "*"

// StarClasses enumerates the starred classes of an extract with Star
// fields, in file order: every combination of the other fields' codes,
// with Starred in the Star fields. members[i] lists the classes
// (indexes in ExtractClasses) whose hidden records starred class i holds:
// those that agree with it on every other field.
func (m *Model) StarClasses(e kensho.Extract) (stars [][]string, members [][]int, err error) {
	for _, f := range e.Star {
		if f == "fiscal_year" || !slices.Contains(e.FieldNames(), f) {
			return nil, nil, fmt.Errorf("extract %s: star field %s is not one of its fields (nor fiscal_year)", e.Name, f)
		}
	}
	classes, err := m.ExtractClasses(e)
	if err != nil {
		return nil, nil, err
	}
	names := e.FieldNames()
	byKey := map[string]int{}
	for ci, vals := range classes {
		star := slices.Clone(vals)
		for i, f := range names {
			if slices.Contains(e.Star, f) {
				star[i] = Starred
			}
		}
		k := strings.Join(star, "\x1f")
		si, ok := byKey[k]
		if !ok {
			si = len(stars)
			byKey[k] = si
			stars = append(stars, star)
			members = append(members, nil)
		}
		members[si] = append(members[si], ci)
	}
	return stars, members, nil
}

// Column returns the column of a table cell or extract class, nil for a
// structural zero or a derived measure.
func (m *Model) ColumnOf(ref Ref) *Column {
	// Small models: a scan is fine, and callers index once.
	for _, c := range m.Columns {
		for _, r := range c.Refs {
			if r == ref {
				return c
			}
		}
	}
	return nil
}

// Index maps every ref to its column.
func (m *Model) Index() map[Ref]*Column {
	out := map[Ref]*Column{}
	for _, c := range m.Columns {
		for _, r := range c.Refs {
			out[r] = c
		}
	}
	return out
}

// Registry exposes the model's dimensions.
func (m *Model) Registry() *Registry { return m.reg }

// RelationTexts lists the rules of the code lists the model holds, for
// the methodology page.
func (m *Model) RelationTexts() []kensho.Text {
	var out []kensho.Text
	for _, r := range m.relations {
		out = append(out, r.text)
	}
	return out
}

// components groups the fiscal years a figure spans together (a disaster
// over two years, say) and builds each component's cliques.
func (m *Model) components() error {
	parent := map[int]int{}
	find := func(y int) int {
		for parent[y] != y {
			y = parent[y]
		}
		return y
	}
	for _, y := range m.years {
		parent[y] = y
	}
	for _, c := range m.Columns {
		for _, y := range c.Years[1:] {
			if a, b := find(c.Years[0]), find(y); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	byRoot := map[int][]int{}
	for _, y := range m.years {
		byRoot[find(y)] = append(byRoot[find(y)], y)
	}
	roots := make([]int, 0, len(byRoot))
	for r := range byRoot {
		roots = append(roots, r)
	}
	sort.Ints(roots) // components in year order
	for _, r := range roots {
		comp := &Component{Index: len(m.Components), Years: byRoot[r], model: m}
		m.Components = append(m.Components, comp)
		for _, y := range comp.Years {
			m.byYear[y] = comp
		}
	}
	for _, c := range m.Columns {
		if len(c.Years) == 0 {
			continue // a year the release does not hold
		}
		comp := m.byYear[c.Years[0]]
		c.Comp = comp
		comp.Columns = append(comp.Columns, c)
	}
	for _, q := range m.Quantiles {
		q.Comp = q.Count.Comp
		if q.Comp != nil {
			q.Comp.Quantiles = append(q.Comp.Quantiles, q)
		}
	}
	for _, comp := range m.Components {
		if err := comp.build(); err != nil {
			return fmt.Errorf("model: fiscal years %v: %w", comp.Years, err)
		}
	}
	return nil
}

// ComponentOf returns the component that holds fiscal year y.
func (m *Model) ComponentOf(y int) *Component { return m.byYear[y] }

// YearLabel writes a component's years for a message.
func (c *Component) YearLabel() string {
	s := ""
	for i, y := range c.Years {
		if i > 0 {
			s += ", "
		}
		s += "FY" + strconv.Itoa(y)
	}
	return s
}

// Identity names a column across releases: its magnitude, its fiscal
// years and, for every other group its conditions name, the codes it
// allows, spelled out and sorted. Groups the conditions do not name are
// left out even where the code lists narrow them (the disasters of a
// year): what they allow follows from the rest, and their domains may
// differ between releases. The same figure in two releases has the same
// identity however the model numbers its columns.
func (m *Model) Identity(col *Column) string {
	var b strings.Builder
	b.WriteString(string(col.Mag))
	years := make([]string, len(col.Years))
	for i, y := range col.Years {
		years[i] = strconv.Itoa(y)
	}
	b.WriteString("|fiscal_year=" + strings.Join(years, ","))
	if col.Cond.Empty {
		return b.String() + "|empty"
	}
	for g, s := range col.Cond.Sets {
		if s == nil || g >= len(m.reg.Groups) || g >= len(col.Cond.raw) || col.Cond.raw[g] == nil {
			continue
		}
		grp := m.reg.Groups[g]
		if grp.Name == "fiscal_year" {
			continue
		}
		var codes []string
		for v, code := range grp.Values {
			if s.Has(v) {
				codes = append(codes, code)
			}
		}
		slices.Sort(codes)
		b.WriteString("|" + grp.Name + "=" + strings.Join(codes, ","))
	}
	return b.String()
}
