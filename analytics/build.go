package analytics

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
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

// builder builds the tables in order; derived measures read the tables built
// before them.
type builder struct {
	db     *sql.DB
	cal    *calendar
	latest int
	tables []kensho.StatTable
	rows   map[string]map[string]int // table name -> joined key -> row index
}

// opSums are the additive magnitudes of one operator's part of a cell, or
// of the whole cell. User-hours are kept as integer user-minutes, which add
// up exactly, and divided by 60 once.
type opSums struct {
	op          int32
	accidents   int64
	users       int64
	userMinutes int64
}

func (s opSums) of(m kensho.Magnitude) float64 {
	switch m {
	case kensho.MagAccidents:
		return float64(s.accidents)
	case kensho.MagAffectedUsers:
		return float64(s.users)
	case kensho.MagUserHours:
		return float64(s.userMinutes) / 60
	}
	panic("analytics: unknown magnitude " + string(m))
}

// add adds b's sums to a, failing on an overflow rather than wrapping.
func (a *opSums) add(b opSums) error {
	n, u, m := a.accidents+b.accidents, a.users+b.users, a.userMinutes+b.userMinutes
	// The parts are never negative, so an overflow shows as a sum below
	// either term.
	if n < a.accidents || u < a.users || m < a.userMinutes {
		return errors.New("a sum overflows 64 bits")
	}
	a.accidents, a.users, a.userMinutes = n, u, m
	return nil
}

// cellData is one cell as the query's parts give it: the sum of its
// operators' parts, each operator's part, and any derived column the query
// computed for the cell (a median).
type cellData struct {
	total opSums
	parts []opSums // one per operator, in op_key order
	extra map[string]sql.NullFloat64
	// accidents the derived columns were computed from, to check against
	// the parts (-1 when the query gave no derived row).
	extraAccidents int64
}

// keySep separates the keys of a row in a map key; no code or name holds it.
const keySep = '\x1f'

func joinKey(k []string) string { return strings.Join(k, string(keySep)) }

// counted is what a table's query gave: its cells, and the keys found for
// a dimension without a code list.
type counted struct {
	data map[string]*cellData
	seen [][]string
}

// count runs a table's query and adds its parts up into cells; it reads
// only the database and the calendar, so tables are counted concurrently.
func (b *builder) count(ctx context.Context, s tableSpec) (*counted, error) {
	c := &counted{data: map[string]*cellData{}, seen: make([][]string, len(s.dims))}
	if s.query == "" {
		return c, nil
	}
	domains := make([][]string, len(s.dims))
	for i, d := range s.dims {
		domains[i] = b.domain(s, d)
	}
	var err error
	c.data, c.seen, err = b.query(ctx, s, domains)
	return c, err
}

// build lays out one table's rows and cells from what its query counted,
// and derives its derived measures from the tables built before it.
func (b *builder) build(s tableSpec, c *counted) error {
	domains := make([][]string, len(s.dims))
	for i, d := range s.dims {
		domains[i] = b.domain(s, d)
		if domains[i] == nil { // a dimension without a code list: its keys come from the data
			domains[i] = c.seen[i]
			if d.margin {
				domains[i] = append(domains[i], kensho.Total)
			}
		}
	}
	data := c.data
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
				if cd != nil && cd.total.accidents > 0 && cd.extra != nil && cd.extra[m.column].Valid {
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
// per operator, in op_key order, zeros left out. A key without accidents is
// a zero cell without contributions.
func additiveCell(cd *cellData, m kensho.Magnitude) kensho.Cell {
	if cd == nil {
		return kensho.Cell{}
	}
	c := kensho.Cell{Value: cd.total.of(m)}
	for _, p := range cd.parts {
		if v := p.of(m); v != 0 {
			c.Contrib = append(c.Contrib, kensho.Contribution{Op: p.op, Value: v})
		}
	}
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
	case kensho.IsFlagColumn(d.name):
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

// maxCellOps bounds the cells × operators a table may have; the parts are
// added up in a dense array of that size (32 bytes each). Ten years of
// national data need well under a million.
const maxCellOps = 50_000_000

// maxDims is the most dimensions a table has.
const maxDims = 4

// part is one row of a table's query: one operator's accidents with one
// combination of the finest keys, the keys as positions in their domains.
type part struct {
	key  [maxDims]int32
	sums opSums
}

// query runs the table's query and adds its parts up into cells. A row with
// op_key is one operator's accidents with one combination of the finest
// keys; it counts in its own cell and in every margin above it (each margin
// dimension either kept or Total), and the operator's sum in a cell is its
// contribution. A row without op_key carries derived columns of one cell,
// margins included (a median).
//
// Every key must be one the table lays out (a code of the column's code
// list): anything else breaks the contract with ingest and is an error, never
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
	nd := len(s.dims)
	if nd > maxDims {
		panic(fmt.Sprintf("analytics: table %s has %d dimensions, more than %d", s.name, nd, maxDims))
	}
	dimCol := map[string]int{}
	for i, d := range s.dims {
		dimCol[d.name] = i
	}
	position := make([]map[string]int32, nd) // key -> position in its domain
	sparseDim := -1
	for i, dom := range domains {
		position[i] = map[string]int32{}
		if dom == nil {
			sparseDim = i
			continue
		}
		for k, key := range dom {
			position[i][key] = int32(k)
		}
	}
	var (
		keyNull                      = make([]sql.NullString, nd)
		key                          = make([]string, nd)
		op, accidents, users, minute sql.NullInt64
		extra                        = map[string]*sql.NullFloat64{}
		dest                         = make([]any, len(cols))
		data                         = map[string]*cellData{}
		parts                        []part
		sparseKeys                   []string               // by position of first appearance
		firstOrder                   = map[string]float64{} // sparse key -> minimum of orderBy
		found                        = 0
		ops                          = map[int32]bool{}
	)
	for i, c := range cols {
		switch c {
		case "op_key":
			dest[i] = &op
		case "accidents":
			dest[i] = &accidents
		case "affected_users":
			dest[i] = &users
		case "user_minutes":
			dest[i] = &minute
		default:
			if d, ok := dimCol[c]; ok {
				dest[i] = &keyNull[d]
				found++
				continue
			}
			v := new(sql.NullFloat64)
			extra[c], dest[i] = v, v
		}
	}
	if found != nd || !slices.Contains(cols, "accidents") || !slices.Contains(cols, "op_key") {
		panic(fmt.Sprintf("analytics: sql/%s.sql must return every dimension, op_key and accidents (has %v)", s.query, cols))
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
		}
		if !op.Valid {
			// A cell's derived columns; its keys may be margins.
			cd := &cellData{extra: map[string]sql.NullFloat64{}, extraAccidents: accidents.Int64}
			for c, v := range extra {
				cd.extra[c] = *v
			}
			data[joinKey(key)] = cd
			continue
		}
		p := part{sums: opSums{op: int32(op.Int64), accidents: accidents.Int64, users: users.Int64, userMinutes: minute.Int64}}
		for i, k := range key {
			pos, ok := position[i][k]
			switch {
			case ok && k != kensho.Total:
			case i == sparseDim && k != kensho.Total:
				pos = int32(len(sparseKeys))
				position[i][k] = pos
				sparseKeys = append(sparseKeys, k)
				firstOrder[k] = math.Inf(1)
			default:
				return nil, nil, fmt.Errorf("deid_accident.%s holds %q, which is not a code of %s; re-run ingest and anonymize with the current code lists",
					s.dims[i].name, k, codeSource(s.dims[i].name))
			}
			p.key[i] = pos
		}
		if sparseDim >= 0 && s.orderBy != "" {
			if v := extra[s.orderBy]; v.Valid && v.Float64 < firstOrder[key[sparseDim]] {
				firstOrder[key[sparseDim]] = v.Float64
			}
		}
		ops[p.sums.op] = true
		parts = append(parts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	// The keys of a dimension without a code list: first occurrence
	// first, then by key (the name), a stable order; and their positions.
	seen := make([][]string, nd)
	full := slices.Clone(domains)
	if sparseDim >= 0 {
		order := slices.Clone(sparseKeys)
		slices.SortFunc(order, func(a, c string) int {
			return cmp.Or(cmp.Compare(firstOrder[a], firstOrder[c]), cmp.Compare(a, c))
		})
		seen[sparseDim] = order
		remap := make([]int32, len(sparseKeys))
		for newPos, k := range order {
			remap[position[sparseDim][k]] = int32(newPos)
		}
		for i := range parts {
			parts[i].key[sparseDim] = remap[parts[i].key[sparseDim]]
		}
		full[sparseDim] = order
		if s.dims[sparseDim].margin {
			full[sparseDim] = append(slices.Clone(order), kensho.Total)
		}
	}

	// Cells are numbered in mixed radix over the domains; operators by
	// their rank among the table's operators.
	stride := make([]int, nd)
	nCells := 1
	for i := nd - 1; i >= 0; i-- {
		stride[i] = nCells
		nCells *= len(full[i])
	}
	opList := slices.Sorted(maps.Keys(ops)) // op_key order: contributions are sorted by it
	opRank := make(map[int32]int, len(opList))
	for r, o := range opList {
		opRank[o] = r
	}
	if nCells*len(opList) > maxCellOps {
		return nil, nil, fmt.Errorf("%d cells × %d operators is more than this table can hold (%d)", nCells, len(opList), maxCellOps)
	}
	var margins []int // dimensions with a Total, and its position
	var totalPos []int
	for i, d := range s.dims {
		if d.margin {
			margins = append(margins, i)
			totalPos = append(totalPos, slices.Index(full[i], kensho.Total))
		}
	}
	acc := make([]opSums, nCells*len(opList))
	for _, p := range parts {
		base := 0
		for i := range nd {
			base += int(p.key[i]) * stride[i]
		}
		r := opRank[p.sums.op]
		// The part counts in its cell and in every margin above it: each
		// subset of the margin dimensions set to Total.
		for mask := 0; mask < 1<<len(margins); mask++ {
			c := base
			for j, d := range margins {
				if mask&(1<<j) != 0 {
					c += (totalPos[j] - int(p.key[d])) * stride[d]
				}
			}
			if err := acc[c*len(opList)+r].add(p.sums); err != nil {
				return nil, nil, err
			}
		}
	}
	for c := 0; c < nCells; c++ {
		var cd *cellData
		for r, o := range opList {
			a := acc[c*len(opList)+r]
			if a.accidents == 0 {
				continue
			}
			if cd == nil {
				for i := range key {
					key[i] = full[i][c/stride[i]%len(full[i])]
				}
				jk := joinKey(key)
				if cd = data[jk]; cd == nil {
					cd = &cellData{extraAccidents: -1}
					data[jk] = cd
				}
			}
			a.op = o
			cd.parts = append(cd.parts, a)
			if err := cd.total.add(a); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, jk := range slices.Sorted(maps.Keys(data)) { // sorted: the first error is always the same
		if cd := data[jk]; cd.extraAccidents >= 0 && cd.extraAccidents != cd.total.accidents {
			return nil, nil, fmt.Errorf("sql/%s.sql: cell %q: %d accidents in its derived row, %d in its parts",
				s.query, strings.ReplaceAll(jk, string(keySep), ","), cd.extraAccidents, cd.total.accidents)
		}
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
	case kensho.IsFlagColumn(dim):
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
