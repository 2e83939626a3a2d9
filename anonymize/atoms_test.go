package anonymize

// The suppression and the audit reason over equations between cells (the
// linked-table model). This test attacks the published tables with the
// finest model instead: one unknown ≥ 0 per combination of every value of
// every dimension the tables use, and one equation per published cell. On
// tables whose cells are all such combinations' sums, the finest model is
// what an attacker can do at most with the tables alone; every suppressed
// cell must still meet its protection there.

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/kensho-jp/kensho"
)

func TestAtomLevelAttack(t *testing.T) {
	specs := []tableSpec{
		{name: "by_cause_group", dims: []string{"fiscal_year", "cause_group"}, mags: allMags},
		{name: "by_cause", dims: []string{"fiscal_year", "cause"}, mags: allMags},
		{name: "by_service", dims: []string{"fiscal_year", "service"}, mags: allMags},
		{name: "serious_by_category", dims: []string{"fiscal_year", "service_category"}, filter: map[string]string{"meets_serious": "true"}, mags: allMags},
	}
	for _, seed := range []uint64{51, 52} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 300, years: []int{2023, 2024}, seed: seed, skew: 1.2})
			tables := buildTables(t, db, specs)
			p, err := Protect(context.Background(), db, tables, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			years := domainOf(t, db, "fiscal_year")
			causes := kensho.Causes.CodeStrings()
			services := kensho.Services.CodeStrings()
			type atom struct{ fy, cause, service, serious string }
			var atoms []atom
			for _, y := range years {
				for _, c := range causes {
					for _, s := range services {
						for _, m := range []string{"false", "true"} {
							atoms = append(atoms, atom{y, c, s, m})
						}
					}
				}
			}
			value := func(a atom, dim string) string {
				switch dim {
				case "fiscal_year":
					return a.fy
				case "cause":
					return a.cause
				case "cause_group":
					return kensho.CauseGroupOf(a.cause)
				case "service":
					return a.service
				case "service_category":
					return kensho.ServiceCategoryOf(a.service)
				case "meets_serious":
					return a.serious
				}
				panic(dim)
			}
			checked := 0
			defer func() {
				if checked == 0 {
					t.Error("no suppressed cell to attack; the test proves nothing")
				}
			}()
			for mi, mag := range allMags {
				var rows [][]float64
				var rhs []float64
				type target struct {
					row   []float64
					x     float64
					need  float64
					prim  bool
					where string
				}
				var targets []target
				for ti, tb := range p.Tables {
					for ri, r := range tb.Rows {
						c := r.Cells[mi]
						in := tables[ti].Rows[ri].Cells[mi]
						row := make([]float64, len(atoms))
						for ai, a := range atoms {
							ok := true
							for d, v := range tb.Filter {
								ok = ok && value(a, d) == v
							}
							for di, d := range tb.Dims {
								ok = ok && (r.Key[di] == kensho.Total || value(a, d.Name) == r.Key[di])
							}
							if ok {
								row[ai] = 1
							}
						}
						if c.Status == kensho.Published {
							rows, rhs = append(rows, row), append(rhs, c.Value)
							continue
						}
						unsafe, _, need := primaryRule(DefaultConfig(), in.Value, in.Contrib)
						targets = append(targets, target{row, in.Value, need, unsafe, fmt.Sprintf("%s %v %s", tb.Name, r.Key, mag)})
					}
				}
				if len(targets) == 0 {
					continue
				}
				// The cell's sum is one more variable: v − Σ atoms = 0.
				n := len(atoms)
				for _, tg := range targets {
					var ext [][]float64
					for _, r := range rows {
						ext = append(ext, append(append([]float64(nil), r...), 0))
					}
					def := append(append([]float64(nil), tg.row...), -1)
					for i := range def[:n] {
						def[i] = -def[i]
					}
					def[n] = 1
					ext = append(ext, def)
					b := append(append([]float64(nil), rhs...), 0)
					lo := make([]float64, n+1)
					hi := make([]float64, n+1)
					for i := range hi {
						hi[i] = math.Inf(1)
					}
					std, err := auditStandardForm(ext, b, lo, hi)
					if err != nil {
						t.Fatalf("%s: %v", tg.where, err)
					}
					l, _, err1 := std.extreme(n, false, false)
					h, _, err2 := std.extreme(n, true, false)
					if err1 != nil || err2 != nil {
						t.Fatalf("%s: %v %v", tg.where, err1, err2)
					}
					checked++
					tol := 1e-6 * math.Max(1, tg.x)
					if h-l <= tol {
						t.Errorf("%s: the finest model determines the suppressed cell exactly (%g)", tg.where, tg.x)
						continue
					}
					if tg.prim && (h-tg.x < tg.need-tol || tg.x-l < math.Min(tg.need, tg.x)-tol) {
						t.Errorf("%s: the finest model narrows %g to [%g, %g], inside ±%g", tg.where, tg.x, l, h, tg.need)
					}
				}
			}
		})
	}
}
