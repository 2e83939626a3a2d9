package anonymize

import (
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// auditMicro is the audit's view of the released microdata.
type auditMicro struct {
	cols    []string // published columns, in file order
	classes []auditClass
	// withheld[year][op]: records withheld from the file.
	withheld map[string]map[int32]int
}

type auditClass struct {
	vals []string
	ops  map[int32]int
	n    int
}

// auditMicrodata checks every released class against the rules, every
// released value against the record it came from, and the record ids; and
// loads what the interval audit needs.
func (a *auditor) auditMicrodata() (*auditMicro, error) {
	rows, err := a.db.QueryContext(a.ctx, "DESCRIBE microdata_release")
	if err != nil {
		return nil, fmt.Errorf("audit: microdata_release: %w", err)
	}
	var cols []string
	hasKey, hasID := false, false
	names, _ := rows.Columns()
	for rows.Next() {
		vals := make([]sql.NullString, len(names))
		dest := make([]any, len(names))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		switch n := vals[0].String; n {
		case "record_key":
			hasKey = true
		case "record_id":
			hasID = true
		default:
			cols = append(cols, n)
		}
	}
	rows.Close()
	if !hasKey || !hasID {
		a.failf("microdata_release lacks record_key or record_id")
		return &auditMicro{}, nil
	}
	deidCols := map[string]bool{}
	r2, err := a.db.QueryContext(a.ctx, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'deid_accident'")
	if err != nil {
		return nil, err
	}
	for r2.Next() {
		var n string
		if err := r2.Scan(&n); err != nil {
			r2.Close()
			return nil, err
		}
		deidCols[n] = true
	}
	r2.Close()
	for _, c := range cols {
		if !deidCols[c] || c == "op_key" || c == "record_key" {
			a.failf("microdata column %q is not a published field of deid_accident", c)
		}
	}
	if a.fails != nil && len(cols) == 0 {
		return &auditMicro{}, nil
	}
	// One pass over the microdata joined in full with deid_accident: every
	// value released must be the record's own value, or "*" (the number
	// that differ, summed; counted per column only when there are any, for
	// the message); every record released must have a source (orphans);
	// and the records withheld are counted by fiscal year and operator,
	// for the interval audit.
	differs := make([]string, len(cols))
	for i, c := range cols {
		q := duck.QuoteIdent(c)
		differs[i] = fmt.Sprintf("(CAST(m.%s AS VARCHAR) IS DISTINCT FROM '*' AND CAST(m.%s AS VARCHAR) IS DISTINCT FROM CAST(d.%s AS VARCHAR))", q, q, q)
	}
	qs, err := render("audit_records.sql", map[string]string{"Differs": strings.Join(differs, "::INTEGER + ") + "::INTEGER"})
	if err != nil {
		return nil, err
	}
	wr, err := a.db.QueryContext(a.ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("audit: microdata values: %w", err)
	}
	withheld := map[string]map[int32]int{}
	var total, orphans int64
	for wr.Next() {
		var y sql.NullString
		var op sql.NullInt32
		var n, bad, orphan int64
		if err := wr.Scan(&y, &op, &n, &bad, &orphan); err != nil {
			wr.Close()
			return nil, err
		}
		total += bad
		orphans += orphan
		if n > 0 {
			if withheld[y.String] == nil {
				withheld[y.String] = map[int32]int{}
			}
			withheld[y.String][op.Int32] += int(n)
		}
	}
	if err := wr.Err(); err != nil {
		wr.Close()
		return nil, fmt.Errorf("audit: microdata values: %w", err)
	}
	wr.Close()
	if total > 0 {
		bad := make([]int, len(cols))
		dest := make([]any, len(cols))
		checks := make([]string, len(cols))
		for i, d := range differs {
			checks[i] = "count(*) FILTER (WHERE " + d + ")"
			dest[i] = &bad[i]
		}
		if err := a.db.QueryRowContext(a.ctx, "SELECT "+strings.Join(checks, ", ")+" FROM microdata_release m JOIN deid_accident d USING (record_key)").Scan(dest...); err != nil {
			return nil, fmt.Errorf("audit: microdata values: %w", err)
		}
		for i, c := range cols {
			if bad[i] > 0 {
				a.failf("microdata column %s: %d values differ from the records they describe", c, bad[i])
			}
		}
	}
	// Record ids are 1..n and say nothing but the order of the published
	// values: identical rows have consecutive ids, and distinct rows follow
	// the order of the code lists ("*" last).
	var n, distinct, minID, maxID int
	err = a.db.QueryRowContext(a.ctx, `SELECT count(*), count(DISTINCT record_id), coalesce(min(record_id), 1), coalesce(max(record_id), 0)
		FROM microdata_release`).Scan(&n, &distinct, &minID, &maxID)
	if err != nil {
		return nil, fmt.Errorf("audit: microdata ids: %w", err)
	}
	if distinct != n || (n > 0 && (minID != 1 || maxID != n)) || orphans > 0 {
		a.failf("microdata record ids are not 1..%d (%d distinct, %d records without a source)", n, distinct, orphans)
	}
	if err := a.auditRecordOrder(cols); err != nil {
		return nil, err
	}
	// The classes.
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = fmt.Sprintf("CAST(m.%s AS VARCHAR)", duck.QuoteIdent(c))
	}
	qs, err = render("audit_microdata.sql", map[string]string{"Cols": strings.Join(sel, ", ")})
	if err != nil {
		return nil, err
	}
	mr, err := a.db.QueryContext(a.ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("audit: microdata classes: %w", err)
	}
	am := &auditMicro{cols: cols, withheld: map[string]map[int32]int{}}
	index := map[string]int{}
	vals := make([]sql.NullString, len(cols))
	var op int32
	var cnt int
	dest := make([]any, 0, len(cols)+2)
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	dest = append(dest, &op, &cnt)
	for mr.Next() {
		if err := mr.Scan(dest...); err != nil {
			mr.Close()
			return nil, err
		}
		v := make([]string, len(cols))
		for i := range vals {
			if vals[i].Valid {
				v[i] = vals[i].String
			} else {
				v[i] = auditNull
			}
		}
		k := strings.Join(v, "\x1f")
		i, ok := index[k]
		if !ok {
			i = len(am.classes)
			index[k] = i
			am.classes = append(am.classes, auditClass{vals: v, ops: map[int32]int{}})
		}
		am.classes[i].ops[op] += cnt
		am.classes[i].n += cnt
	}
	if err := mr.Err(); err != nil {
		mr.Close()
		return nil, err
	}
	mr.Close()
	a.res.summary.MicrodataClasses = len(am.classes)
	for _, c := range am.classes {
		top := 0
		for _, x := range c.ops {
			top = max(top, x)
		}
		if len(c.ops) < a.cfg.MinOperators || float64(top) > a.cfg.Microdata.MaxShare*float64(c.n)+1e-9 {
			a.failf("microdata class of %d records has %d operators and a largest share of %.3f", c.n, len(c.ops), float64(top)/float64(c.n))
		}
	}
	am.withheld = withheld
	return am, nil
}

type auditBound struct {
	lo, hi float64
	perOp  map[int32][2]float64
}

// auditLimits gives the range of a magnitude for one record from its
// published bands.
func auditLimits(mag kensho.Magnitude, users, duration string) (float64, float64) {
	band := func(l *kensho.CodeList, attr, code string) (float64, float64, bool) {
		for i, c := range l.Codes {
			if c.Code != code {
				continue
			}
			lo, _ := strconv.ParseFloat(c.Attr[attr], 64)
			if i == len(l.Codes)-1 {
				return lo, math.Inf(1), true
			}
			next, _ := strconv.ParseFloat(l.Codes[i+1].Attr[attr], 64)
			return lo, next - 1, true
		}
		return 0, math.Inf(1), false
	}
	switch mag {
	case kensho.MagAccidents:
		return 1, 1
	case kensho.MagAffectedUsers:
		lo, hi, _ := band(kensho.UsersBands, "min_users", users)
		return lo, hi
	default:
		ul, uh, ok1 := band(kensho.UsersBands, "min_users", users)
		dl, dh, ok2 := band(kensho.DurationBands, "min_minutes", duration)
		if !ok1 || !ok2 {
			return 0, math.Inf(1)
		}
		return ul * dl / 60, uh * dh / 60
	}
}

// bounds: what the microdata says about a cell: exact matches from below,
// possible matches (including "*" and withheld records of its years) from
// above, overall and per operator.
func (am *auditMicro) bounds(cs []aCond, mag kensho.Magnitude) auditBound {
	b := auditBound{perOp: map[int32][2]float64{}}
	colOf := map[string]int{}
	for i, c := range am.cols {
		colOf[c] = i
	}
	type check struct {
		col   int
		allow map[string]bool
	}
	var checks []check
	exactable := true
	var years map[string]bool
	for _, c := range cs {
		if i, ok := colOf[c.d]; ok {
			checks = append(checks, check{i, map[string]bool{c.v: true}})
			if c.d == "fiscal_year" {
				years = map[string]bool{c.v: true}
			}
			continue
		}
		if c.d == "criteria_era" {
			y, ok := auditEraYears(c.v)
			i, has := colOf["fiscal_year"]
			if ok && has {
				checks = append(checks, check{i, y})
				years = y
			} else {
				exactable = false
			}
			continue
		}
		exactable = false
		// The published coarse fields that c's dimension narrows.
		var baseVals []string
		base := c.d
		for _, co := range auditCoarse {
			if co.dim == c.d {
				base = co.base
				for _, code := range kensho.ListByName(co.base).Codes {
					if code.Attr[co.attr] == c.v {
						baseVals = append(baseVals, code.Code)
					}
				}
			}
		}
		if base == c.d {
			baseVals = []string{c.v}
		}
		for _, co := range auditCoarse {
			i, ok := colOf[co.dim]
			if !ok || co.base != base {
				continue
			}
			allow := map[string]bool{}
			for _, code := range kensho.ListByName(co.base).Codes {
				if auditHas(baseVals, code.Code) {
					allow[code.Attr[co.attr]] = true
				}
			}
			checks = append(checks, check{i, allow})
		}
	}
	add := func(op int32, lo, hi float64) {
		p := b.perOp[op]
		p[0] += lo
		p[1] += hi
		b.perOp[op] = p
		b.lo += lo
		b.hi += hi
	}
	ui, di := -1, -1
	if i, ok := colOf["users_band"]; ok {
		ui = i
	}
	if i, ok := colOf["duration_band"]; ok {
		di = i
	}
	for _, cl := range am.classes {
		exact, possible := exactable, true
		for _, ch := range checks {
			v := cl.vals[ch.col]
			if ch.allow[v] {
				continue
			}
			exact = false
			if v != "*" {
				possible = false
				break
			}
		}
		if !possible {
			continue
		}
		u, d := "*", "*"
		if ui >= 0 {
			u = cl.vals[ui]
		}
		if di >= 0 {
			d = cl.vals[di]
		}
		lo, hi := auditLimits(mag, u, d)
		if !exact {
			lo = 0
		}
		for _, op := range sortedOps(cl.ops) {
			n := cl.ops[op]
			add(op, lo*float64(n), hi*float64(n))
		}
	}
	ys := make([]string, 0, len(am.withheld))
	for y := range am.withheld {
		ys = append(ys, y)
	}
	sort.Strings(ys) // fixed order of a float sum
	for _, y := range ys {
		byOp := am.withheld[y]
		if years != nil && !years[y] {
			continue
		}
		for _, op := range sortedOps(byOp) {
			n := byOp[op]
			if mag == kensho.MagAccidents {
				add(op, 0, float64(n))
			} else {
				add(op, 0, math.Inf(1))
			}
		}
	}
	return b
}

// auditEraYears lists the fiscal years in which the rule set era applied,
// when every era starts and ends with a fiscal year.
func auditEraYears(era string) (map[string]bool, bool) {
	out := map[string]bool{}
	for y := 1985; y <= 2100; y++ {
		first := kensho.CriteriaEra(kensho.FiscalQuarter{Year: y, Quarter: 1}.Start())
		last := kensho.CriteriaEra(kensho.FiscalQuarter{Year: y, Quarter: 4}.End().Add(-time.Nanosecond))
		if first != last {
			return nil, false
		}
		if first == era {
			out[strconv.Itoa(y)] = true
		}
	}
	return out, true
}

// auditRecordOrder checks that the rows of each distinct published tuple
// carry consecutive ids and that the tuples follow one another in the order
// of their values.
func (a *auditor) auditRecordOrder(cols []string) error {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = fmt.Sprintf("CAST(%s AS VARCHAR)", duck.QuoteIdent(c))
	}
	rows, err := a.db.QueryContext(a.ctx, "SELECT "+strings.Join(sel, ", ")+", min(record_id), max(record_id), count(*) FROM microdata_release GROUP BY ALL")
	if err != nil {
		return fmt.Errorf("audit: microdata order: %w", err)
	}
	defer rows.Close()
	type tuple struct {
		vals   []string
		lo, hi int64
		n      int64
	}
	var ts []tuple
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		var t tuple
		dest := make([]any, 0, len(cols)+3)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		dest = append(dest, &t.lo, &t.hi, &t.n)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for _, v := range vals {
			if v.Valid {
				t.vals = append(t.vals, v.String)
			} else {
				t.vals = append(t.vals, auditNull)
			}
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].lo < ts[j].lo })
	rank := func(col, v string) (float64, string) {
		switch {
		case v == "*":
			return math.Inf(1), ""
		case v == auditNull:
			return math.Inf(-1), ""
		case kensho.ListByName(col) != nil:
			for i, c := range kensho.ListByName(col).Codes {
				if c.Code == v {
					return float64(i), ""
				}
			}
		case v == "false":
			return 0, ""
		case v == "true":
			return 1, ""
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f, ""
		}
		return 0, v
	}
	less := func(x, y []string) bool {
		for i := range x {
			rx, sx := rank(cols[i], x[i])
			ry, sy := rank(cols[i], y[i])
			if rx != ry {
				return rx < ry
			}
			if sx != sy {
				return sx < sy
			}
		}
		return false
	}
	for i, t := range ts {
		if t.hi-t.lo+1 != t.n || (i > 0 && (t.lo != ts[i-1].hi+1 || !less(ts[i-1].vals, t.vals))) {
			a.failf("microdata record ids are not assigned in the order of the published values (at id %d)", t.lo)
			break
		}
	}
	return nil
}

// sortedOps lists the operators of a count map in order (fixed order of a
// float sum).
func sortedOps(m map[int32]int) []int32 {
	out := make([]int32, 0, len(m))
	for op := range m {
		out = append(out, op)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
