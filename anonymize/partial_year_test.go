package anonymize

// A fiscal year that has only begun when the pipeline runs: a few accidents
// in its first quarter, from the operators that reported first. The
// microdata tells how many records each fiscal year holds (released plus
// withheld), so when those records come from too few operators the year
// cannot be published in any form; Protect must say so itself, and must
// never hand the audit a pattern the audit then rejects.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/analytics"
)

// TestPartialYearOneOperator: 40 accidents of FY2025 from one operator
// after two full years. No suppression can hide the year (its count is
// one operator's, and the year is published as a dimension value), so
// Protect refuses with a message naming the year; the build withholds such
// a year before it gets here (WithholdUnsafeYears).
func TestPartialYearOneOperator(t *testing.T) {
	needFull(t)
	spec := fxSpec{operators: 30, perYear: 400, years: []int{2023, 2024}, seed: 51, skew: 1.1}
	spec.partial.n, spec.partial.ops = 40, 1
	db, _, _ := fxDB(t, spec)
	specs := append([]tableSpec(nil), reportSpecs...)
	for i := range specs {
		specs[i].perYearOnly = true // no all-years total to link FY2025 to the full years
	}
	_, err := protectFx(context.Background(), db, buildTables(t, db, specs), nil, DefaultConfig())
	var audit *AuditError
	if errors.As(err, &audit) {
		t.Fatalf("Protect left the audit to find what it should have: %v", err)
	}
	if err == nil || !strings.Contains(err.Error(), "FY2025") {
		t.Fatalf("Protect: got %v, want a refusal naming FY2025", err)
	}
}

// TestPropertyPartialYear: on random data ending in a partial year, Protect
// either passes its audit with every published cell within the rules, or
// refuses naming the year — and refuses exactly
// when some fiscal year's accident count fails the primary rules, which no
// suppression can then hide. Half the cases protect the tables analytics
// really builds.
func TestPropertyPartialYear(t *testing.T) {
	needFull(t)
	rng := rand.New(rand.NewPCG(2025, 6))
	n := 4
	if !fullRun() {
		n = 1 // the fixture's tables; the analytics tables (odd cases) with KENSHO_FULL=1
	}
	for i := 0; i < n; i++ {
		spec := fxSpec{operators: 15 + rng.IntN(30), perYear: 200 + rng.IntN(300), years: []int{2023, 2024},
			seed: 60 + uint64(i), skew: 0.8 + rng.Float64()*0.6}
		spec.partial.n = 10 + rng.IntN(150)
		spec.partial.ops = []int{1, 2, 3, 5, spec.operators}[rng.IntN(5)]
		useAnalytics, perYearOnly := i%2 == 1, rng.IntN(2) == 0
		t.Run(fmt.Sprintf("seed%d_%dops_%d", spec.seed, spec.partial.ops, spec.partial.n), func(t *testing.T) {
			db, _, _ := fxDB(t, spec)
			var tables []kensho.StatTable
			if useAnalytics {
				res, err := analytics.Compute(context.Background(), db, analytics.Config{})
				if err != nil {
					t.Fatal(err)
				}
				tables = res.Tables
			} else {
				specs := append([]tableSpec(nil), reportSpecs...)
				for i := range specs {
					specs[i].perYearOnly = perYearOnly
				}
				tables = buildTables(t, db, specs)
			}
			cfg := DefaultConfig()
			p, err := protectFx(context.Background(), db, tables, nil, cfg)
			unsafeYear := firstUnsafeYear(t, db, cfg)
			switch {
			case err == nil:
				if unsafeYear != "" {
					t.Fatalf("FY%s's accident count fails the primary rules, yet Protect passed", unsafeYear)
				}
				checkPublishedCells(t, cfg, tables, p.Tables)
			default:
				var audit *AuditError
				if errors.As(err, &audit) {
					t.Fatalf("Protect left the audit to find what it should have: %v", err)
				}
				if unsafeYear == "" {
					t.Fatalf("every fiscal year's accident count is safe, yet Protect refused: %v", err)
				}
				if !strings.Contains(err.Error(), "FY"+unsafeYear) {
					t.Errorf("the refusal does not name FY%s: %v", unsafeYear, err)
				}
			}
		})
	}
}

// firstUnsafeYear returns the first fiscal year whose accident count fails
// the primary rules, counted straight from deid_accident, or "".
func firstUnsafeYear(t *testing.T, db *sql.DB, cfg Config) string {
	t.Helper()
	rows, err := db.Query(`SELECT CAST(fiscal_year AS VARCHAR), count(*) FROM deid_accident GROUP BY fiscal_year, op_key ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byYear := map[string][]float64{}
	var years []string
	for rows.Next() {
		var y string
		var n float64
		if err := rows.Scan(&y, &n); err != nil {
			t.Fatal(err)
		}
		if byYear[y] == nil {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], n)
	}
	for _, y := range years {
		v := byYear[y]
		x := 0.0
		for _, n := range v {
			x += n
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(v)))
		v = append(v, 0, 0)
		if len(v)-2 < cfg.MinOperators || x-v[0]-v[1] < cfg.P/100*v[0] {
			return y
		}
	}
	return ""
}
