package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// truth is one cell as the records give it: per magnitude, the value and
// the contributions per op_key.
type truth struct {
	value   map[kensho.Magnitude]float64
	contrib map[kensho.Magnitude][]kensho.Contribution
}

// recompute sums every magnitude over the deid_accident rows that match the
// table's Filter and each row's keys, per op_key, with a query built only
// from those (never from the table's own SQL): the keys become a VALUES
// list joined to deid_accident, a Total key matching every row. Keys and
// filter values are compared as text, as the contract says.
func recompute(t *testing.T, db *sql.DB, tb *kensho.StatTable) []truth {
	t.Helper()
	var values []string
	for i, r := range tb.Rows {
		v := []string{fmt.Sprint(i)}
		for _, k := range r.Key {
			v = append(v, duck.QuoteString(k))
		}
		values = append(values, "("+strings.Join(v, ", ")+")")
	}
	cols := []string{"cell"}
	var on []string
	for i, d := range tb.Dims {
		k := fmt.Sprintf("k%d", i)
		cols = append(cols, k)
		on = append(on, fmt.Sprintf("(c.%s = 'total' OR d.%s::VARCHAR = c.%s)", k, duck.QuoteIdent(d.Name), k))
	}
	for _, f := range slices.Sorted(maps.Keys(tb.Filter)) { // sorted: a stable query text
		on = append(on, fmt.Sprintf("d.%s::VARCHAR = %s", duck.QuoteIdent(f), duck.QuoteString(tb.Filter[f])))
	}
	// User-hours as the contract defines them: Σ users × minutes / 60,
	// summed exactly in integers and rounded once; naive_uh is the plain
	// floating-point sum of deid_accident.user_hours, for comparison.
	q := `SELECT c.cell, d.op_key, count(*)::DOUBLE, sum(d.affected_users)::DOUBLE,
		sum(d.affected_users::HUGEINT * d.duration_min)::DOUBLE / 60, sum(d.user_hours)
	FROM (VALUES ` + strings.Join(values, ", ") + `) c(` + strings.Join(cols, ", ") + `)
	JOIN deid_accident d ON ` + strings.Join(on, " AND ") + `
	GROUP BY GROUPING SETS ((c.cell, d.op_key), (c.cell))
	ORDER BY c.cell, d.op_key NULLS FIRST`
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", tb.Name, err)
	}
	defer rows.Close()
	out := make([]truth, len(tb.Rows))
	for i := range out {
		out[i] = truth{value: map[kensho.Magnitude]float64{}, contrib: map[kensho.Magnitude][]kensho.Contribution{}}
	}
	mags := []kensho.Magnitude{kensho.MagAccidents, kensho.MagAffectedUsers, kensho.MagUserHours}
	for rows.Next() {
		var cell int
		var op sql.NullInt32
		var v [3]float64
		var naive float64
		if err := rows.Scan(&cell, &op, &v[0], &v[1], &v[2], &naive); err != nil {
			t.Fatal(err)
		}
		if math.Abs(v[2]-naive) > 1e-9*math.Max(1, v[2]) {
			t.Errorf("%s row %d: user-hours %v differ from the sum of deid_accident.user_hours %v", tb.Name, cell, v[2], naive)
		}
		for i, m := range mags {
			if !op.Valid {
				out[cell].value[m] = v[i]
			} else if v[i] != 0 {
				out[cell].contrib[m] = append(out[cell].contrib[m], kensho.Contribution{Op: op.Int32, Value: v[i]})
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAdditiveCellsMatchRecords checks the contract's additive-cell rule on
// random data: every additive cell of every table equals the sum of its
// magnitude over the deid_accident rows its Filter and keys select, and its
// contributions are that sum per op_key, sorted, without zeros. anonymize's
// audit checks the same; a mismatch there fails the whole build.
func TestAdditiveCellsMatchRecords(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 500, 9, 2022, 2024, "property")
	mustDeidentify(t, db)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	columns := map[string]bool{}
	rows, err := db.Query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'deid_accident' ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		columns[c] = true
	}
	rows.Close()

	cells := 0
	for ti := range res.Tables {
		tb := &res.Tables[ti]
		for _, d := range tb.Dims {
			if !columns[d.Name] {
				t.Errorf("%s: dimension %s is not a column of deid_accident", tb.Name, d.Name)
			}
		}
		for f := range tb.Filter {
			if !columns[f] {
				t.Errorf("%s: filter %s is not a column of deid_accident", tb.Name, f)
			}
		}
		truths := recompute(t, db, tb)
		for ri, row := range tb.Rows {
			for mi, ms := range tb.Measures {
				c := row.Cells[mi]
				if !ms.Additive() {
					continue
				}
				cells++
				want, wantContrib := truths[ri].value[ms.Magnitude], truths[ri].contrib[ms.Magnitude]
				if c.Value != want {
					t.Errorf("%s row %d %v %s = %v, records give %v", tb.Name, ri, row.Key, ms.Name, c.Value, want)
				}
				if diff := cmp.Diff(wantContrib, c.Contrib); diff != "" {
					t.Errorf("%s row %d %v %s contributions (-records +table):\n%s", tb.Name, ri, row.Key, ms.Name, diff)
				}
				if c.Status != kensho.Unprotected || len(c.DependsOn) != 0 {
					t.Errorf("%s row %d %v %s: an additive cell leaves analytics unprotected, without dependencies", tb.Name, ri, row.Key, ms.Name)
				}
			}
		}
	}
	if cells < 1000 {
		t.Errorf("only %d additive cells checked", cells)
	}
}

// TestDerivedCellsDependOnAdditiveCells: every derived cell with a value
// lists the additive cells it comes from, and every reference names an
// additive cell of a table in the result.
func TestDerivedCellsDependOnAdditiveCells(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 400, 8, 2019, 2024, "derived")
	mustDeidentify(t, db)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*kensho.StatTable{}
	for i := range res.Tables {
		byName[res.Tables[i].Name] = &res.Tables[i]
	}
	derived := 0
	for _, tb := range res.Tables {
		for ri, row := range tb.Rows {
			for mi, ms := range tb.Measures {
				c := row.Cells[mi]
				if ms.Additive() {
					continue
				}
				if c.Status == kensho.NotApplicable {
					if len(c.DependsOn) != 0 || c.Value != 0 {
						t.Errorf("%s row %d %s: a not-applicable cell has a value or dependencies", tb.Name, ri, ms.Name)
					}
					continue
				}
				derived++
				if c.Status != kensho.Unprotected || len(c.DependsOn) == 0 || len(c.Contrib) != 0 {
					t.Errorf("%s row %d %v %s: derived cell %+v", tb.Name, ri, row.Key, ms.Name, c)
				}
				for _, ref := range c.DependsOn {
					dt := byName[ref.Table]
					if dt == nil || ref.Row < 0 || ref.Row >= len(dt.Rows) || ref.Measure < 0 || ref.Measure >= len(dt.Measures) ||
						!dt.Measures[ref.Measure].Additive() {
						t.Errorf("%s row %d %s depends on %+v, which is not an additive cell", tb.Name, ri, ms.Name, ref)
					}
				}
			}
		}
	}
	if derived < 100 {
		t.Errorf("only %d derived cells", derived)
	}
}

// TestTableShape: names are unique file names, pages and charts are the
// site's, every dimension has a title, and every table with a form has the
// rows total, full, simplified in that order under each other key.
func TestTableShape(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	genAccidents(t, db, 200, 6, 2023, 2024, "shape")
	mustDeidentify(t, db)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"overview", "causes", "services", "equipment", "regions", "impact", "serious", "disasters", "trends"}
	seen := map[string]bool{}
	for _, tb := range res.Tables {
		if seen[tb.Name] {
			t.Errorf("table %s twice", tb.Name)
		}
		seen[tb.Name] = true
		if !slices.Contains(pages, tb.Page) || !slices.Contains([]string{"bar", "line", "table"}, tb.Chart) {
			t.Errorf("%s: page %q chart %q", tb.Name, tb.Page, tb.Chart)
		}
		if tb.Title.Ja == "" || tb.Title.En == "" || tb.Description.Ja == "" || tb.Description.En == "" {
			t.Errorf("%s: a title or description is missing", tb.Name)
		}
		form := -1
		for i, d := range tb.Dims {
			if d.Title.Ja == "" || d.Title.En == "" {
				t.Errorf("%s: dimension %s has no title", tb.Name, d.Name)
			}
			if d.Name == "form" {
				form = i
			}
		}
		for _, m := range tb.Measures {
			if m.Title.Ja == "" || m.Title.En == "" {
				t.Errorf("%s: measure %s has no title", tb.Name, m.Name)
			}
		}
		if len(tb.Rows) == 0 {
			t.Errorf("%s has no rows", tb.Name)
		}
		if form < 0 {
			continue
		}
		// Rows with the same keys but the form, in order.
		groups := map[string][]string{}
		var order []string
		for _, r := range tb.Rows {
			k := slices.Clone(r.Key)
			k[form] = ""
			jk := joinKey(k)
			if _, ok := groups[jk]; !ok {
				order = append(order, jk)
			}
			groups[jk] = append(groups[jk], r.Key[form])
		}
		for _, jk := range order {
			if diff := cmp.Diff([]string{kensho.Total, "full", "simplified"}, groups[jk]); diff != "" {
				t.Errorf("%s: forms of %q (-want +got):\n%s", tb.Name, jk, diff)
				break
			}
		}
	}
}
