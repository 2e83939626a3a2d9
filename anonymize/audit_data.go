package anonymize

import (
	"database/sql"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// recompute fills a.truth with every additive cell of every table, from
// deid_accident: the audit's own query per table sums the records per
// operator and combination of keys, and the margins are added up here
// from those sums (a GROUPING SETS over so few rows costs DuckDB far more
// than the sums themselves). Two tables are read at a time, which keeps
// DuckDB busy while Go adds up.
func (a *auditor) recompute() error {
	results := make([]map[kensho.CellRef]*auditTruth, len(a.out))
	errs := make([]error, len(a.out))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for ti, t := range a.out {
		if k := len(t.Dims); k > 8 {
			return fmt.Errorf("audit: table %s has %d dimensions; at most 8 are supported", t.Name, k)
		}
		var keys, text strings.Builder
		for i, d := range t.Dims {
			fmt.Fprintf(&keys, "%s AS k%d, ", duck.QuoteIdent(d.Name), i)
			fmt.Fprintf(&text, "CAST(k%d AS VARCHAR) AS k%d, ", i, i)
		}
		where := []string{"TRUE"}
		for _, d := range auditSortedKeys(t.Filter) {
			where = append(where, fmt.Sprintf("CAST(%s AS VARCHAR) = %s", duck.QuoteIdent(d), duck.QuoteString(t.Filter[d])))
		}
		qs, err := render("audit_table.sql", map[string]string{"Keys": keys.String(), "Text": text.String(), "Where": strings.Join(where, " AND ")})
		if err != nil {
			return err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[ti], errs[ti] = a.scanTable(t, qs)
		}()
	}
	wg.Wait()
	for ti, t := range a.out {
		if errs[ti] != nil {
			return fmt.Errorf("audit: table %s: %w", t.Name, errs[ti])
		}
		for ri := range t.Rows {
			for mi, m := range t.Measures {
				if !m.Additive() {
					continue
				}
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				tr := results[ti][ref]
				if tr == nil {
					tr = &auditTruth{contrib: map[int32]float64{}}
				}
				tr.value = sumByOperator(tr.contrib)
				a.truth[ref] = tr
			}
		}
	}
	return nil
}

// auditSums are the exact sums of one cell for one operator.
type auditSums struct {
	n, users, minutes big.Int
}

// scanTable reads the per-operator sums of every combination of keys and
// adds each into every cell it belongs to: for each subset of the
// dimensions, the cell that keeps those keys and totals the others. A NULL
// key counts in the margins of its dimension, never in a row of its own.
func (a *auditor) scanTable(t kensho.StatTable, qs string) (map[kensho.CellRef]*auditTruth, error) {
	rows, err := a.db.QueryContext(a.ctx, qs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	k := len(t.Dims)
	// Keys are numbered per dimension as the query returns them; 0 is Total.
	codes := make([]map[string]uint64, k)
	for i := range codes {
		codes[i] = map[string]uint64{}
	}
	type part struct {
		key  []uint64 // 0: NULL
		op   int32
		sums auditSums
	}
	var parts []part
	keys := make([]sql.NullString, k)
	var op int32
	var n int64
	var users, minutes any // HUGEINT, a *big.Int
	dest := make([]any, 0, k+4)
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	dest = append(dest, &op, &n, &users, &minutes)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		p := part{key: make([]uint64, k), op: op}
		for i, v := range keys {
			if !v.Valid {
				continue
			}
			c, ok := codes[i][v.String]
			if !ok {
				c = uint64(len(codes[i]) + 1)
				codes[i][v.String] = c
			}
			p.key[i] = c
		}
		u, ok1 := users.(*big.Int)
		m, ok2 := minutes.(*big.Int)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("sums of types %T and %T, not HUGEINT", users, minutes)
		}
		p.sums.n.SetInt64(n)
		p.sums.users.Set(u)
		p.sums.minutes.Set(m)
		parts = append(parts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A cell is the mixed-radix number of its key codes.
	radix := make([]uint64, k)
	for i := range radix {
		radix[i] = uint64(len(codes[i]) + 1)
	}
	cells := map[uint64]map[int32]*auditSums{}
	out := map[kensho.CellRef]*auditTruth{}
	for _, p := range parts {
	masks:
		for mask := 0; mask < 1<<k; mask++ {
			var cell uint64
			for i := k - 1; i >= 0; i-- {
				c := uint64(0)
				if mask&(1<<i) != 0 {
					if p.key[i] == 0 {
						continue masks // a NULL value: in the margins, never a row of its own
					}
					c = p.key[i]
				}
				cell = cell*radix[i] + c
			}
			byOp := cells[cell]
			if byOp == nil {
				byOp = map[int32]*auditSums{}
				cells[cell] = byOp
			}
			s := byOp[p.op]
			if s == nil {
				s = &auditSums{}
				byOp[p.op] = s
			}
			s.n.Add(&s.n, &p.sums.n)
			s.users.Add(&s.users, &p.sums.users)
			s.minutes.Add(&s.minutes, &p.sums.minutes)
		}
	}
	for ri, row := range t.Rows {
		var cell uint64
		found := true
		for i := k - 1; i >= 0; i-- {
			c := uint64(0)
			if row.Key[i] != kensho.Total {
				c, found = codes[i][row.Key[i]]
				if !found {
					break // no record has this key
				}
			}
			cell = cell*radix[i] + c
		}
		if !found {
			continue
		}
		for op, s := range cells[cell] {
			mags := [3]float64{hugeToFloat(&s.n), hugeToFloat(&s.users), hugeToFloat(&s.minutes) / 60}
			for mi, m := range t.Measures {
				k := auditMagnitudeIndex(m.Magnitude)
				if k < 0 {
					continue
				}
				v := mags[k]
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				tr := out[ref]
				if tr == nil {
					tr = &auditTruth{contrib: map[int32]float64{}}
					out[ref] = tr
				}
				if v != 0 {
					tr.contrib[op] += v
				}
			}
		}
	}
	return out, nil
}

// auditMagnitudeIndex is the position of a magnitude in the audit's
// queries (accidents, affected users, user-hours), or -1.
func auditMagnitudeIndex(m kensho.Magnitude) int {
	switch m {
	case kensho.MagAccidents:
		return 0
	case kensho.MagAffectedUsers:
		return 1
	case kensho.MagUserHours:
		return 2
	}
	return -1
}

// hugeToFloat converts an exact sum to the nearest float64, as DuckDB casts
// a HUGEINT below 2^64 to DOUBLE.
func hugeToFloat(x *big.Int) float64 {
	if x.IsUint64() {
		return float64(x.Uint64())
	}
	f, _ := new(big.Float).SetInt(x).Float64()
	return f
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
