package anonymize

// This file holds the protect side's view of the linear model (package doc,
// "The attacker model"): dimensions and their domains, cells as sets of
// conditions, and the parent/children relations between cells. The audit
// builds the same model on its own in audit_model.go.

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// nullValue stands for SQL NULL in a domain (no disaster named).
const nullValue = "\x00null"

// nonDims are deid_accident columns that are values or internal keys, never
// dimensions of a table.
var nonDims = map[string]bool{
	"record_key": true, "op_key": true, "occurred_at": true, "recovered_at": true,
	"duration_min": true, "affected_users": true, "user_hours": true,
}

// coarseOf maps a coarse dimension to the finer one it groups and the code
// list attribute that gives the grouping. criteria_era is added from the data
// when it is a function of fiscal_year.
var coarseOf = map[string]struct{ base, attr string }{
	"cause_group":      {"cause", "group"},
	"eu_root_cause":    {"cause", "eu_root_cause"},
	"service_category": {"service", "category"},
	"equipment_class":  {"equipment", "class"},
}

// dimSpec is one dimension of the model.
type dimSpec struct {
	name   string
	domain []string // every value the attacker knows of, in a fixed order
	// base and derive are set for a coarse dimension: derive maps each value
	// of base to this dimension's value.
	base   string
	derive map[string]string
	coarse []string // coarse dimensions derived from this one, sorted
}

// catalog is the set of dimensions the tables use.
type catalog struct {
	dims map[string]*dimSpec
}

// cond is one condition dim=value of a cell.
type cond struct{ dim, val string }

// conds is a cell: conditions sorted by dimension, at most one per dimension.
type conds []cond

func (cs conds) key() string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('\x1e')
		}
		b.WriteString(c.dim)
		b.WriteByte('=')
		b.WriteString(c.val)
	}
	return b.String()
}

// readable writes the cell for a message: "fiscal_year=2025, quarter=1",
// or "the grand total".
func (cs conds) readable() string {
	if len(cs) == 0 {
		return "the grand total"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.dim + "=" + c.val
	}
	return strings.Join(parts, ", ")
}

func (cs conds) get(dim string) (string, bool) {
	for _, c := range cs {
		if c.dim == dim {
			return c.val, true
		}
	}
	return "", false
}

func (cs conds) without(dim string) conds {
	out := make(conds, 0, len(cs))
	for _, c := range cs {
		if c.dim != dim {
			out = append(out, c)
		}
	}
	return out
}

func (cs conds) with(dim, val string) conds {
	out := make(conds, 0, len(cs)+1)
	out = append(out, cs.without(dim)...)
	out = append(out, cond{dim, val})
	sort.Slice(out, func(i, j int) bool { return out[i].dim < out[j].dim }) // canonical order
	return out
}

// onlyYear reports whether the cell is a national or yearly total: no
// condition but the fiscal year.
func (cs conds) onlyYear() bool {
	for _, c := range cs {
		if c.dim != "fiscal_year" {
			return false
		}
	}
	return true
}

// deidColumns returns deid_accident's columns and their DuckDB types.
func deidColumns(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_name = 'deid_accident' ORDER BY ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, err
		}
		out[n] = t
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("deid_accident does not exist; run Deidentify first")
	}
	return out, rows.Err()
}

// newCatalog builds the dimensions the tables use, with their domains: a
// code list when the dimension has one, true/false for a flag, otherwise the
// distinct values of the data (NULL included).
func newCatalog(ctx context.Context, db *sql.DB, tables []kensho.StatTable) (*catalog, error) {
	cols, err := deidColumns(ctx, db)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, t := range tables {
		for _, d := range t.Dims {
			used[d.Name] = true
		}
		for d := range t.Filter {
			used[d] = true
		}
	}
	// A coarse dimension needs its base for the hierarchy, and the base of
	// criteria_era is fiscal_year.
	for d := range used {
		if c, ok := coarseOf[d]; ok {
			used[c.base] = true
		}
	}
	if used["criteria_era"] {
		used["fiscal_year"] = true
	}
	cat := &catalog{dims: map[string]*dimSpec{}}
	names := make([]string, 0, len(used))
	for d := range used {
		names = append(names, d)
	}
	sort.Strings(names) // deterministic order of queries
	for _, d := range names {
		typ, ok := cols[d]
		if !ok || nonDims[d] {
			return nil, fmt.Errorf("table dimension %q is not a dimension column of deid_accident", d)
		}
		spec := &dimSpec{name: d}
		switch {
		case typ == "BOOLEAN":
			spec.domain = []string{"false", "true"}
		case kensho.ListByName(d) != nil && (typ == "VARCHAR" || strings.HasPrefix(typ, "ENUM(")):
			// Codes stored as text or as the ENUM of their list: the
			// attacker knows the whole list, present in the data or not.
			spec.domain = kensho.ListByName(d).CodeStrings()
			if d == "disaster" {
				// Most reports name no disaster: NULL is a value of its own.
				spec.domain = append(spec.domain, nullValue)
			}
		default:
			vals, err := distinctValues(ctx, db, d)
			if err != nil {
				return nil, err
			}
			if d == "quarter" {
				vals = mergeValues(vals, []string{"1", "2", "3", "4"})
			}
			spec.domain = vals
		}
		cat.dims[d] = spec
	}
	for d, c := range coarseOf {
		spec, ok := cat.dims[d]
		if !ok {
			continue
		}
		spec.base = c.base
		spec.derive = map[string]string{}
		for _, code := range kensho.ListByName(c.base).Codes {
			spec.derive[code.Code] = code.Attr[c.attr]
		}
	}
	if era, ok := cat.dims["criteria_era"]; ok && eraFollowsYear(cat.dims["fiscal_year"].domain) {
		era.base = "fiscal_year"
		era.derive = map[string]string{}
		for _, y := range cat.dims["fiscal_year"].domain {
			fy, _ := strconv.Atoi(y)
			era.derive[y] = kensho.CriteriaEra(kensho.FiscalQuarter{Year: fy, Quarter: 1}.Start())
		}
	}
	for _, spec := range cat.dims {
		if spec.base != "" {
			b := cat.dims[spec.base]
			b.coarse = append(b.coarse, spec.name)
			sort.Strings(b.coarse)
		}
	}
	return cat, nil
}

// eraFollowsYear reports whether the serious-accident rule set is the same
// throughout each fiscal year, so criteria_era is a function of fiscal_year.
func eraFollowsYear(years []string) bool {
	for _, y := range years {
		fy, err := strconv.Atoi(y)
		if err != nil {
			return false
		}
		start := kensho.FiscalQuarter{Year: fy, Quarter: 1}.Start()
		last := kensho.FiscalQuarter{Year: fy, Quarter: 4}.End().Add(-time.Nanosecond)
		if kensho.CriteriaEra(start) != kensho.CriteriaEra(last) {
			return false
		}
	}
	return true
}

func distinctValues(ctx context.Context, db querier, col string) ([]string, error) {
	q := fmt.Sprintf(`SELECT DISTINCT CAST(%s AS VARCHAR) AS v FROM deid_accident ORDER BY v NULLS LAST`, duck.QuoteIdent(col))
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if v.Valid {
			out = append(out, v.String)
		} else {
			out = append(out, nullValue)
		}
	}
	return out, rows.Err()
}

func mergeValues(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range append(append([]string{}, a...), b...) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out) // deterministic domain order
	return out
}

// normalize turns a filter plus row keys into a cell. ok is false when no
// accident can satisfy the conditions (a cause outside the cause group the
// row also names, a value outside the domain): such a cell is a structural
// zero.
func (c *catalog) normalize(m map[string]string) (conds, bool, error) {
	out := make(conds, 0, len(m))
	for d, v := range m {
		spec, ok := c.dims[d]
		if !ok {
			return nil, false, fmt.Errorf("unknown dimension %q", d)
		}
		if !contains(spec.domain, v) {
			return nil, false, nil
		}
		out = append(out, cond{d, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dim < out[j].dim }) // canonical order
	cs, ok := c.simplify(out)
	return cs, ok, nil
}

// simplify drops coarse conditions implied by a base condition and reports
// whether the conditions can be met together.
func (c *catalog) simplify(cs conds) (conds, bool) {
	out := make(conds, 0, len(cs))
	for _, x := range cs {
		spec := c.dims[x.dim]
		if spec.base != "" {
			if bv, ok := cs.get(spec.base); ok {
				if spec.derive[bv] != x.val {
					return nil, false
				}
				continue // implied by the base condition
			}
			if len(c.baseValues(cs, spec.base)) == 0 {
				return nil, false
			}
		}
		out = append(out, x)
	}
	return out, true
}

// baseValues returns the values of base consistent with every coarse
// condition on it in cs.
func (c *catalog) baseValues(cs conds, base string) []string {
	var out []string
	for _, u := range c.dims[base].domain {
		ok := true
		for _, x := range cs {
			spec := c.dims[x.dim]
			if spec.base == base && spec.derive[u] != x.val {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, u)
		}
	}
	return out
}

// children splits parent along dim: the cells whose sum the parent is.
func (c *catalog) children(parent conds, dim string) []conds {
	spec := c.dims[dim]
	var out []conds
	if spec.base == "" {
		// A base dimension: every value allowed by the parent's coarse
		// conditions on it; those conditions become implied and drop out.
		rest := make(conds, 0, len(parent))
		for _, x := range parent {
			if c.dims[x.dim].base != dim {
				rest = append(rest, x)
			}
		}
		for _, u := range c.baseValues(parent, dim) {
			out = append(out, rest.with(dim, u))
		}
		return out
	}
	// A coarse dimension without its base in the parent.
	allowed := c.baseValues(parent, spec.base)
	for _, g := range spec.domain {
		for _, u := range allowed {
			if spec.derive[u] == g {
				out = append(out, parent.with(dim, g))
				break
			}
		}
	}
	return out
}

// parentLink is a possible parent of a cell and the dimension along which
// the parent splits into the cell and its siblings.
type parentLink struct {
	parent conds
	dim    string
}

// parents lists every cell of which cs is one child: drop a condition, or
// replace a base condition by the coarse group it belongs to.
func (c *catalog) parents(cs conds) []parentLink {
	var out []parentLink
	for _, x := range cs {
		p := cs.without(x.dim)
		out = append(out, parentLink{p, x.dim})
		spec := c.dims[x.dim]
		for _, cd := range spec.coarse {
			g := c.dims[cd].derive[x.val]
			out = append(out, parentLink{p.with(cd, g), x.dim})
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
