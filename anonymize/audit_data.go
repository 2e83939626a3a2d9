package anonymize

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// recompute fills a.truth with every additive cell of every table, from
// deid_accident, by the audit's own grouping-sets query per table.
func (a *auditor) recompute() error {
	for _, t := range a.out {
		k := len(t.Dims)
		if k > 8 {
			return fmt.Errorf("audit: table %s has %d dimensions; at most 8 are supported", t.Name, k)
		}
		var groupings, keys, keyCols strings.Builder
		cols := make([]string, k)
		for i, d := range t.Dims {
			cols[i] = fmt.Sprintf("k%d", i)
			fmt.Fprintf(&keys, "CAST(%s AS VARCHAR) AS k%d, ", duck.QuoteIdent(d.Name), i)
			fmt.Fprintf(&groupings, "GROUPING(k%d) AS g%d, ", i, i)
			fmt.Fprintf(&keyCols, "k%d, ", i)
		}
		sets := make([]string, 0, 1<<k)
		for mask := 0; mask < 1<<k; mask++ {
			var s []string
			for i := 0; i < k; i++ {
				if mask&(1<<i) != 0 {
					s = append(s, cols[i])
				}
			}
			s = append(s, "op_key")
			sets = append(sets, "("+strings.Join(s, ", ")+")")
		}
		where := []string{"TRUE"}
		for _, d := range auditSortedKeys(t.Filter) {
			where = append(where, fmt.Sprintf("CAST(%s AS VARCHAR) = %s", duck.QuoteIdent(d), duck.QuoteString(t.Filter[d])))
		}
		qs, err := render("audit_table.sql", map[string]string{
			"Groupings": groupings.String(), "Keys": keys.String(), "KeyCols": keyCols.String(),
			"Where": strings.Join(where, " AND "), "Sets": strings.Join(sets, ", "),
		})
		if err != nil {
			return err
		}
		rowOf := map[string]int{}
		for ri, row := range t.Rows {
			rowOf[strings.Join(row.Key, "\x1f")] = ri
		}
		if err := a.scanTable(t, qs, rowOf); err != nil {
			return fmt.Errorf("audit: table %s: %w", t.Name, err)
		}
		for ri := range t.Rows {
			for mi, m := range t.Measures {
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				if !m.Additive() {
					continue
				}
				if a.truth[ref] == nil {
					a.truth[ref] = &auditTruth{contrib: map[int32]float64{}}
				}
				a.truth[ref].value = sumByOperator(a.truth[ref].contrib)
			}
		}
	}
	return nil
}

func (a *auditor) scanTable(t kensho.StatTable, qs string, rowOf map[string]int) error {
	rows, err := a.db.QueryContext(a.ctx, qs)
	if err != nil {
		return err
	}
	defer rows.Close()
	k := len(t.Dims)
	g := make([]int, k)
	keys := make([]sql.NullString, k)
	var op int32
	var mags [3]float64
	dest := make([]any, 0, 2*k+4)
	for i := range g {
		dest = append(dest, &g[i])
	}
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	dest = append(dest, &op, &mags[0], &mags[1], &mags[2])
	key := make([]string, k)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		skip := false
		for i := range key {
			switch {
			case g[i] == 1:
				key[i] = kensho.Total
			case keys[i].Valid:
				key[i] = keys[i].String
			default:
				skip = true // a NULL value: in the margins, never a row of its own
			}
		}
		if skip {
			continue
		}
		ri, ok := rowOf[strings.Join(key, "\x1f")]
		if !ok {
			continue
		}
		for mi, m := range t.Measures {
			var v float64
			switch m.Magnitude {
			case kensho.MagAccidents:
				v = mags[0]
			case kensho.MagAffectedUsers:
				v = mags[1]
			case kensho.MagUserHours:
				v = mags[2]
			default:
				continue
			}
			ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
			tr := a.truth[ref]
			if tr == nil {
				tr = &auditTruth{contrib: map[int32]float64{}}
				a.truth[ref] = tr
			}
			if v != 0 {
				tr.contrib[op] += v
			}
		}
	}
	return rows.Err()
}

func auditSortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out) // deterministic SQL
	return out
}

// sumByOperator adds the parts in operator order, so the sum does not
// depend on the order the query returned them in.
func sumByOperator(parts map[int32]float64) float64 {
	ops := make([]int32, 0, len(parts))
	for op := range parts {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i] < ops[j] }) // fixed order of a float sum
	sum := 0.0
	for _, op := range ops {
		sum += parts[op]
	}
	return sum
}
