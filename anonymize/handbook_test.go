package anonymize

// Golden tests that reproduce the worked examples of the ESSnet Handbook on
// Statistical Disclosure Control (chapter 4), with both the suppression
// code and the independent audit.

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

func contribs(v ...float64) []kensho.Contribution {
	out := make([]kensho.Contribution, len(v))
	for i, x := range v {
		out[i] = kensho.Contribution{Op: int32(i + 1), Value: x}
	}
	return out
}

func contribMap(v ...float64) map[int32]float64 {
	out := map[int32]float64{}
	for i, x := range v {
		out[int32(i+1)] = x
	}
	return out
}

// TestHandbookRules: a cell of 330 from 300, 20 and 10 is unsafe under the
// (1,85) dominance rule, with an upper protection level of 352.94; a cell
// of 110,000 from 52,000, 50,000 and 8,000 is safe under the p%-rule with
// p = 10.
func TestHandbookRules(t *testing.T) {
	nk := DefaultConfig()
	nk.P = 1 // the (1,85) example alone: with p = 1 the p%-rule passes this cell
	nk.Dominance = []NKRule{{N: 1, K: 85}}
	tests := []struct {
		name       string
		cfg        Config
		contrib    []float64
		wantUnsafe bool
		wantRule   string
		wantUpper  float64 // X + protection
	}{
		{"(1,85): 330 from 300/20/10", nk, []float64{300, 20, 10}, true, ruleDominance, 352.94},
		{"p=10: 110,000 from 52,000/50,000/8,000", DefaultConfig(), []float64{52000, 50000, 8000}, false, "", 110000},
		{"p=10: 105,000 from 52,000/50,000/3,000", DefaultConfig(), []float64{52000, 50000, 3000}, true, rulePPercent, 105000 + 2200},
		{"p=10: 330 from 300/20/10", DefaultConfig(), []float64{300, 20, 10}, true, rulePPercent, 350},
		{"two operators: the protection level (10% of 100) exceeds the p%-rule (6)", DefaultConfig(), []float64{60, 40}, true, ruleMinOperators, 110},
		{"zero is safe", DefaultConfig(), []float64{0, 0}, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := 0.0
			for _, v := range tt.contrib {
				x += v
			}
			unsafe, rule, protect := primaryRule(tt.cfg, x, contribs(tt.contrib...))
			aUnsafe, aRule, aProtect := auditRules(tt.cfg, x, contribMap(tt.contrib...))
			type verdict struct {
				Unsafe bool
				Rule   string
				Upper  float64
			}
			want := verdict{tt.wantUnsafe, tt.wantRule, tt.wantUpper}
			round := cmpopts.EquateApprox(0, 0.005)
			if diff := cmp.Diff(want, verdict{unsafe, rule, x + protect}, round); diff != "" {
				t.Errorf("protect (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, verdict{aUnsafe, aRule, x + aProtect}, round); diff != "" {
				t.Errorf("audit (-want +got):\n%s", diff)
			}
		})
	}
}

// handbook2x2 is the table of the Handbook's audit example: row totals 7
// and 3, column totals 6 and 4, every inner cell suppressed; the cell (1,1)
// lies in [3, 6].
var handbook2x2 = struct {
	rows [][]float64 // a b c d
	rhs  []float64
}{
	rows: [][]float64{{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}},
	rhs:  []float64{7, 3, 6, 4},
}

func TestHandbook2x2Solvers(t *testing.T) {
	inf := math.Inf(1)
	lo := []float64{0, 0, 0, 0}
	hi := []float64{inf, inf, inf, inf}
	want := [][2]float64{{3, 6}, {1, 4}, {0, 3}, {0, 3}}

	m := &lpModel{n: 4, a: handbook2x2.rows, b: handbook2x2.rhs, lo: lo, hi: hi}
	tb, err := newTableau(m)
	if err != nil {
		t.Fatal(err)
	}
	std, err := auditStandardForm(handbook2x2.rows, handbook2x2.rhs, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	for v, w := range want {
		pl, _, err1 := tb.bound(v, false)
		ph, _, err2 := tb.bound(v, true)
		al, _, err3 := std.extreme(v, false, true)
		ah, _, err4 := std.extreme(v, true, true)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := [][2]float64{{pl, ph}, {al, ah}}
		if diff := cmp.Diff([][2]float64{w, w}, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("cell %d (-want +got, protect then audit):\n%s", v, diff)
		}
	}
	if std.disagreed != 0 || std.unconfirmed != 0 {
		t.Errorf("gonum disagreed %d times and could not confirm %d times", std.disagreed, std.unconfirmed)
	}
}

// TestHandbook2x2Model builds the 2×2 table from data, suppresses its four
// inner cells, and checks that both linked models (the suppression's and
// the audit's) give the cell (1,1) the interval [3, 6].
func TestHandbook2x2Model(t *testing.T) {
	ctx := context.Background()
	db := duck.MustOpenMemory(t)
	// form × impact with counts a=4, b=3, c=2, d=1: margins 7, 3 | 6, 4.
	if _, err := db.Exec(`CREATE TABLE deid_accident AS
		SELECT i AS record_key, (i % 5)::INTEGER AS op_key, 2024 AS fiscal_year, f AS form, m AS impact,
		       1::BIGINT AS affected_users, 60 AS duration_min, 1.0::DOUBLE AS user_hours
		FROM (SELECT row_number() OVER () AS i, f, m FROM (VALUES
			('full','outage'),('full','outage'),('full','outage'),('full','outage'),
			('full','degradation'),('full','degradation'),('full','degradation'),
			('simplified','outage'),('simplified','outage'),
			('simplified','degradation')) v(f, m))`); err != nil {
		t.Fatal(err)
	}
	tables := buildTables(t, db, []tableSpec{{name: "t", dims: []string{"form", "impact"}, mags: []kensho.Magnitude{kensho.MagAccidents}}})
	inner := func(key []string) bool { return key[0] != kensho.Total && key[1] != kensho.Total }

	// The suppression side.
	cat, err := newCatalog(ctx, db, tables)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSystem(cat, tables, kensho.MagAccidents)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(DefaultConfig(), s)
	target := -1
	for id, c := range s.cells {
		if c.kind == kindTable && len(c.conds) == 2 {
			c.secondary = true
			if v, _ := c.conds.get("form"); v == "full" {
				if w, _ := c.conds.get("impact"); w == "outage" {
					target = id
				}
			}
		}
	}
	known, fails := e.propagate()
	if len(fails) != 0 {
		t.Fatalf("propagation reveals %d cells", len(fails))
	}
	comps := e.components(known, nil)
	if len(comps) != 1 || len(comps[0]) != 4 {
		t.Fatalf("components = %v, want one of the four inner cells", comps)
	}
	m, col := e.lpFor(comps[0], known)
	tb, err := newTableau(m)
	if err != nil {
		t.Fatal(err)
	}
	lo, _, err1 := tb.bound(col[target], false)
	hi, _, err2 := tb.bound(col[target], true)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if diff := cmp.Diff([2]float64{3, 6}, [2]float64{lo, hi}, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("suppression side (-want +got):\n%s", diff)
	}

	// The audit side, from the protected table.
	out := tables[0]
	out.Rows = nil
	for _, r := range tables[0].Rows {
		st := kensho.Published
		if inner(r.Key) {
			st = kensho.Suppressed
		}
		out.Rows = append(out.Rows, kensho.Row{Key: r.Key, Cells: []kensho.Cell{{Value: r.Cells[0].Value, Status: st}}})
	}
	a := &auditor{ctx: ctx, db: db, cfg: DefaultConfig(), out: []kensho.StatTable{out}, in: tables,
		res: &auditResult{tableMinRatio: map[string]float64{}}, truth: map[kensho.CellRef]*auditTruth{}}
	if err := a.recompute(); err != nil {
		t.Fatal(err)
	}
	dims, err := a.auditDimensions()
	if err != nil {
		t.Fatal(err)
	}
	am, err := a.buildModel(kensho.MagAccidents, dims)
	if err != nil {
		t.Fatal(err)
	}
	aknown := a.auditPropagate(am)
	acomps := a.auditComponents(am, aknown)
	if len(acomps) != 1 || len(acomps[0]) != 4 {
		t.Fatalf("audit components = %v, want one of four cells", acomps)
	}
	var rows [][]float64
	var rhs []float64
	col2 := map[int]int{}
	for i, j := range acomps[0] {
		col2[j] = i
	}
	for _, eq := range am.eqs {
		row := make([]float64, 4)
		v, touches := 0.0, false
		for k, j := range eq {
			coef := -1.0
			if k == 0 {
				coef = 1
			}
			if i, ok := col2[j]; ok {
				row[i] += coef
				touches = true
			} else {
				v -= coef * am.cells[j].value
			}
		}
		if touches {
			rows, rhs = append(rows, row), append(rhs, v)
		}
	}
	inf := math.Inf(1)
	std, err := auditStandardForm(rows, rhs, make([]float64, 4), []float64{inf, inf, inf, inf})
	if err != nil {
		t.Fatal(err)
	}
	atarget := -1
	for i, j := range acomps[0] {
		if aID(am.cells[j].conds) == aID([]aCond{{"form", "full"}, {"impact", "outage"}}) {
			atarget = i
		}
	}
	alo, _, err1 := std.extreme(atarget, false, true)
	ahi, _, err2 := std.extreme(atarget, true, true)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if diff := cmp.Diff([2]float64{3, 6}, [2]float64{alo, ahi}, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("audit side (-want +got):\n%s", diff)
	}
}
