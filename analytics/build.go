package analytics

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// sqlText returns the embedded query sql/<name>.sql; a missing file is a
// programming error.
func sqlText(name string) string {
	b, err := sqlFiles.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("analytics: no query sql/" + name + ".sql")
	}
	return string(b)
}

// flagDims are the boolean columns of deid_accident; as keys and filters
// they are the text 'true' or 'false'.
var flagDims = map[string]bool{
	"third_party": true, "meets_serious": true, "other_operator_origin": true,
	"cyber_attack": true, "below_threshold": true, "critical_infra": true,
}

// builder builds the tables in order; derived measures read the tables built
// before them.
type builder struct {
	db     *sql.DB
	cal    *calendar
	latest int
	tables []kensho.StatTable
	rows   map[string]map[string]int // table name -> joined key -> row index
}

// opSums are the additive magnitudes of one cell, or of one operator's part
// of it.
type opSums struct {
	op        int32
	accidents int64
	users     int64
	userHours float64
}

func (s opSums) of(m kensho.Magnitude) float64 {
	switch m {
	case kensho.MagAccidents:
		return float64(s.accidents)
	case kensho.MagAffectedUsers:
		return float64(s.users)
	case kensho.MagUserHours:
		return s.userHours
	}
	panic("analytics: unknown magnitude " + string(m))
}

// cellData is what a table's query returned for one cell: the row with
// op_key NULL (the cell itself, with any derived column) and one row per
// operator with accidents in the cell.
type cellData struct {
	total    opSums
	hasTotal bool
	extra    map[string]sql.NullFloat64
	contrib  []opSums
}

func joinKey(k []string) string { return strings.Join(k, "\x1f") }

// build runs one table's query, lays out its rows and cells, and derives
// its derived measures.
func (b *builder) build(ctx context.Context, s tableSpec) error {
	domains := make([][]string, len(s.dims))
	for i, d := range s.dims {
		domains[i] = b.domain(s, d)
	}
	data := map[string]*cellData{}
	var seen [][]string // per dimension, the keys the query returned
	if s.query != "" {
		var err error
		if data, seen, err = b.query(ctx, s, domains); err != nil {
			return err
		}
	}
	for i, d := range s.dims {
		if domains[i] == nil { // a dimension without a code list: its keys come from the data
			domains[i] = seen[i]
			if d.margin {
				domains[i] = append(domains[i], kensho.Total)
			}
		}
	}
	t := kensho.StatTable{
		Name: s.name, Title: s.title, Description: s.desc, Page: s.page, Chart: s.chart,
		Filter: maps.Clone(s.filter),
	}
	for _, d := range s.dims {
		t.Dims = append(t.Dims, kensho.Dim{Name: d.name, Title: dimTitles[d.name]})
	}
	accIdx := -1
	for i, m := range s.measures {
		t.Measures = append(t.Measures, m.Measure)
		if m.Magnitude == kensho.MagAccidents {
			accIdx = i
		}
	}
	switch {
	case s.years != nil:
		t.FiscalYears = s.years(b)
	case s.latestOnly:
		t.FiscalYears = []int{b.latest}
	default:
		t.FiscalYears = slices.Clone(b.cal.years)
	}

	index := map[string]int{}
	for _, key := range product(domains) {
		if s.keep != nil && !s.keep(key) {
			continue
		}
		cd := data[joinKey(key)]
		if s.sparse && cd == nil {
			continue
		}
		r := len(t.Rows)
		row := kensho.Row{Key: key, Cells: make([]kensho.Cell, len(s.measures))}
		for i, m := range s.measures {
			switch {
			case m.Additive():
				row.Cells[i] = additiveCell(cd, m.Magnitude)
			case m.column != "":
				if accIdx < 0 {
					panic("analytics: table " + s.name + ": a derived column needs an accidents measure")
				}
				row.Cells[i] = kensho.Cell{Status: kensho.NotApplicable}
				if cd != nil && cd.total.accidents > 0 && cd.extra[m.column].Valid {
					row.Cells[i] = kensho.Cell{Value: cd.extra[m.column].Float64,
						DependsOn: []kensho.CellRef{{Table: s.name, Row: r, Measure: accIdx}}}
				}
			default:
				row.Cells[i] = kensho.Cell{Status: kensho.NotApplicable} // filled by derive
			}
		}
		index[joinKey(key)] = r
		t.Rows = append(t.Rows, row)
	}
	b.rows[s.name] = index
	b.tables = append(b.tables, t)
	if s.derive != nil {
		return s.derive(b, &b.tables[len(b.tables)-1])
	}
	return nil
}

// additiveCell is a cell of magnitude m: its value and its contributions
// per operator, sorted by op_key, zeros left out. A key without accidents is
// a zero cell without contributions.
func additiveCell(cd *cellData, m kensho.Magnitude) kensho.Cell {
	if cd == nil {
		return kensho.Cell{}
	}
	c := kensho.Cell{Value: cd.total.of(m)}
	for _, o := range cd.contrib {
		if v := o.of(m); v != 0 {
			c.Contrib = append(c.Contrib, kensho.Contribution{Op: o.op, Value: v})
		}
	}
	// Sorted by operator, as the contract requires (and for determinism).
	slices.SortFunc(c.Contrib, func(a, b kensho.Contribution) int { return cmp.Compare(a.Op, b.Op) })
	return c
}

// domain lists the keys of a dimension in publication order: fiscal years
// ascending, quarters 1–4, codes in code-list order, the total last — except
// the form, whose total comes first (total, full, simplified). It returns
// nil for a dimension without a code list (disaster), whose keys the data
// give.
func (b *builder) domain(s tableSpec, d dimSpec) []string {
	var keys []string
	switch {
	case d.name == "fiscal_year" && s.latestOnly:
		keys = []string{strconv.Itoa(b.latest)}
	case d.name == "fiscal_year":
		for _, y := range b.cal.years {
			keys = append(keys, strconv.Itoa(y))
		}
	case d.name == "quarter":
		keys = []string{"1", "2", "3", "4"}
	case d.name == "form":
		keys = kensho.Forms.CodeStrings()
		if d.margin {
			return append([]string{kensho.Total}, keys...)
		}
		return keys
	case flagDims[d.name]:
		keys = []string{"true", "false"}
	default:
		l := kensho.ListByName(d.name)
		if l == nil {
			return nil
		}
		keys = l.CodeStrings()
	}
	if d.margin {
		keys = append(keys, kensho.Total)
	}
	return keys
}

// query runs the table's query and gathers its rows by cell. Every key must
// be one the table lays out (a code of the column's code list): a code
// outside the lists breaks the contract with ingest and is an error, never
// silently dropped. For a dimension without a code list it returns the keys
// found, ordered by the spec's orderBy column, then by key.
func (b *builder) query(ctx context.Context, s tableSpec, domains [][]string) (map[string]*cellData, [][]string, error) {
	var args []any
	if s.latestOnly {
		args = append(args, sql.Named("latest", b.latest))
	}
	rows, err := b.db.QueryContext(ctx, sqlText(s.query), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	dimCol := map[string]int{}
	for i, d := range s.dims {
		dimCol[d.name] = i
	}
	allowed := make([]map[string]bool, len(s.dims))
	for i, dom := range domains {
		if dom != nil {
			allowed[i] = map[string]bool{}
			for _, k := range dom {
				allowed[i][k] = true
			}
		}
	}
	var (
		key                   = make([]string, len(s.dims))
		keyNull               = make([]sql.NullString, len(s.dims))
		op, accidents, users  sql.NullInt64
		userHours             sql.NullFloat64
		extra                 = map[string]*sql.NullFloat64{}
		dest                  = make([]any, len(cols))
		data                  = map[string]*cellData{}
		firstOrder            = map[string]float64{} // sparse key -> minimum of orderBy
		sparseDim             = -1
		haveAccidents         bool
		sparseKeys            = map[string]bool{}
	)
	for i, c := range cols {
		switch c {
		case "op_key":
			dest[i] = &op
		case "accidents":
			dest[i], haveAccidents = &accidents, true
		case "affected_users":
			dest[i] = &users
		case "user_hours":
			dest[i] = &userHours
		default:
			if d, ok := dimCol[c]; ok {
				dest[i] = &keyNull[d]
				continue
			}
			v := new(sql.NullFloat64)
			extra[c], dest[i] = v, v
		}
	}
	if !haveAccidents || len(dimCol) != len(s.dims) {
		return nil, nil, fmt.Errorf("query sql/%s.sql must return every dimension and accidents (has %v)", s.query, cols)
	}
	for i := range s.dims {
		if allowed[i] == nil {
			sparseDim = i
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		for i, k := range keyNull {
			if !k.Valid {
				return nil, nil, fmt.Errorf("deid_accident.%s is empty (NULL) for some accidents; re-run anonymize", s.dims[i].name)
			}
			key[i] = k.String
			if allowed[i] != nil && !allowed[i][k.String] {
				return nil, nil, fmt.Errorf("deid_accident.%s holds %q, which is not a code of %s; re-run ingest and anonymize with the current code lists",
					s.dims[i].name, k.String, codeSource(s.dims[i].name))
			}
		}
		if sparseDim >= 0 && key[sparseDim] == kensho.Total && !s.dims[sparseDim].margin {
			return nil, nil, fmt.Errorf("deid_accident.%s holds %q, which is the key of a margin", s.dims[sparseDim].name, kensho.Total)
		}
		if sparseDim >= 0 {
			sparseKeys[key[sparseDim]] = true
		}
		jk := joinKey(key)
		cd := data[jk]
		if cd == nil {
			cd = &cellData{}
			data[jk] = cd
		}
		sums := opSums{accidents: accidents.Int64, users: users.Int64, userHours: userHours.Float64}
		if !op.Valid {
			cd.total, cd.hasTotal = sums, true
			cd.extra = map[string]sql.NullFloat64{}
			for c, v := range extra {
				cd.extra[c] = *v
			}
			if sparseDim >= 0 && s.orderBy != "" && key[sparseDim] != kensho.Total {
				k := key[sparseDim]
				if v := extra[s.orderBy]; v.Valid {
					if f, ok := firstOrder[k]; !ok || v.Float64 < f {
						firstOrder[k] = v.Float64
					}
				}
			}
			continue
		}
		sums.op = int32(op.Int64)
		cd.contrib = append(cd.contrib, sums)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// The cell and the sum of its operators' parts must agree; anything else
	// is a broken query, and anonymize would protect the wrong figures.
	for _, jk := range slices.Sorted(maps.Keys(data)) { // sorted: the first error is always the same
		cd := data[jk]
		var n, u int64
		var uh float64
		for _, o := range cd.contrib {
			n, u, uh = n+o.accidents, u+o.users, uh+o.userHours
		}
		if !cd.hasTotal || n != cd.total.accidents || u != cd.total.users ||
			math.Abs(uh-cd.total.userHours) > 1e-9*math.Max(1, math.Abs(cd.total.userHours)) {
			return nil, nil, fmt.Errorf("query sql/%s.sql: cell %q does not equal the sum of its operators' parts", s.query, strings.ReplaceAll(jk, "\x1f", ","))
		}
	}
	seen := make([][]string, len(s.dims))
	if sparseDim >= 0 {
		delete(sparseKeys, kensho.Total)
		seen[sparseDim] = slices.Sorted(maps.Keys(sparseKeys))
		// First occurrence first, then by key (the name): a stable order.
		slices.SortStableFunc(seen[sparseDim], func(a, c string) int {
			fa, okA := firstOrder[a]
			fc, okC := firstOrder[c]
			if !okA {
				fa = math.Inf(1)
			}
			if !okC {
				fc = math.Inf(1)
			}
			return cmp.Or(cmp.Compare(fa, fc), cmp.Compare(a, c))
		})
	}
	return data, seen, nil
}

// codeSource names where a dimension's codes are defined, for messages.
func codeSource(dim string) string {
	switch {
	case dim == "fiscal_year":
		return "the fiscal years with data"
	case dim == "quarter":
		return "the quarters 1-4"
	case flagDims[dim]:
		return "true/false"
	}
	if l := kensho.ListByName(dim); l != nil {
		return "codes/" + l.Name + ".csv"
	}
	return dim
}

// product lists every combination of keys, the first dimension varying
// slowest.
func product(domains [][]string) [][]string {
	out := [][]string{{}}
	for _, dom := range domains {
		var next [][]string
		for _, prefix := range out {
			for _, k := range dom {
				next = append(next, append(slices.Clone(prefix), k))
			}
		}
		out = next
	}
	return out
}

// table returns the table built under name.
func (b *builder) table(name string) *kensho.StatTable {
	for i := range b.tables {
		if b.tables[i].Name == name {
			return &b.tables[i]
		}
	}
	panic("analytics: table " + name + " is not built yet")
}

// rowOf finds the row of a table by its key.
func (b *builder) rowOf(table string, key []string) (int, bool) {
	r, ok := b.rows[table][joinKey(key)]
	return r, ok
}

// completeYears lists the years with data in all four quarters.
func (b *builder) completeYears() []int {
	out := []int{}
	for _, y := range b.cal.years {
		if b.cal.complete(y) {
			out = append(out, y)
		}
	}
	return out
}
