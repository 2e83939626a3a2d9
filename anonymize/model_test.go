package anonymize

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kensho-jp/kensho/sdc/audit"
	"github.com/kensho-jp/kensho/sdc/protect"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/sdc/model"
)

// TestModelRecomputesEveryCell builds the disclosure model of the tables
// analytics really computes, loads its truth from deid_accident, and checks
// that every additive cell of every table is the model's column evaluated
// on the atoms (Xᵀy), contributions included: the model describes what
// is published, cell for cell.
func TestModelRecomputesEveryCell(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 500, years: []int{2022, 2023, 2024}, seed: 7, skew: 1.2})
	tables, m, data := modelOfFx(t, db)
	idx := m.Index()
	checked := 0
	for _, tb := range tables {
		for ri, r := range tb.Rows {
			for mi, c := range r.Cells {
				if !tb.Measures[mi].Additive() {
					continue
				}
				col := idx[model.Ref{Table: tb.Name, Row: ri, Measure: mi}]
				if col == nil {
					if c.Value != 0 {
						t.Errorf("%s row %v %s = %v, but the model holds it as a structural zero", tb.Name, r.Key, tb.Measures[mi].Name, c.Value)
					}
					continue
				}
				tr := data[col.Comp.Index].Truth(col)
				if math.Abs(tr.Value-c.Value) > 1e-6*math.Max(1, c.Value) {
					t.Errorf("%s row %v %s: table %v, model %v", tb.Name, r.Key, tb.Measures[mi].Name, c.Value, tr.Value)
				}
				if !sameContrib(tr.Contrib, c.Contrib) {
					t.Errorf("%s row %v %s: contributions differ: table %v, model %v", tb.Name, r.Key, tb.Measures[mi].Name, c.Contrib, tr.Contrib)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d cells checked", checked)
	}
}

func sameContrib(a, b []kensho.Contribution) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Op != b[i].Op || math.Abs(a[i].Value-b[i].Value) > 1e-6*math.Max(1, math.Abs(a[i].Value)) {
			return false
		}
	}
	return true
}

func TestProtectOnModel(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 500, years: []int{2024}, seed: 7, skew: 1.2})
	ctx := context.Background()
	tables, m, data := modelOfFx(t, db)
	q := quantileValues(m, tables)
	start := time.Now()
	out, err := protect.Protect(ctx, protect.Input{Model: m, Data: data, Rules: DefaultConfig().rules(), Quantile: q})
	if err != nil {
		t.Fatal(err)
	}
	sup, prim, wh := 0, 0, 0
	for id, st := range out.Pattern.Status {
		switch st {
		case model.Suppressed:
			sup++
		case model.Withheld:
			wh++
		}
		if out.Primary[id] {
			prim++
		}
	}
	t.Logf("%d columns: %d primary, %d suppressed, %d withheld; %d rounds, %d programmes, %v", len(m.Columns), prim, sup, wh, out.Rounds, out.Programmes, time.Since(start))
	start = time.Now()
	a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: DefaultConfig().rules(), Pattern: out.Pattern})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("audit: passed %v, min ratio %v, insider %v, %d programmes, %d insiders, %v", a.Passed(), a.MinRatio, a.MinInsiderRatio, a.Programmes, a.Insiders, time.Since(start))
	for i, f := range a.Failures {
		if i < 10 {
			t.Error(f)
		}
	}
	// Protect's whole points are certificates the audit may credit: each
	// must hold on a programme built afresh from the final pattern, and a
	// point moved off the publication must not.
	hints := 0
	for _, c := range m.Components {
		pat := *out.Pattern
		pat.Status = slices.Clone(out.Pattern.Status)
		pr, err := model.NewProgram(c, data[c.Index], &pat)
		if err != nil {
			t.Fatal(err)
		}
		b := pr.NewBounder()
		for _, w := range out.Witnesses[c.Index] {
			hints++
			if !b.Holds(w) {
				t.Fatalf("%s: a witness of protect does not hold on the final programme", c.YearLabel())
			}
			moved := slices.Clone(w)
			for v, x := range moved {
				if !math.IsNaN(x) {
					moved[v] = x + 7
				}
			}
			if b.Holds(moved) {
				t.Fatalf("%s: a point 7 accidents off every atom holds", c.YearLabel())
			}
		}
	}
	if hints == 0 {
		t.Fatal("protect returned no witness")
	}
	t.Logf("%d witnesses of protect hold on the audit's programme", hints)
}

// modelOfFx computes the analytics of a fixture database and builds the
// disclosure model with its data, as Protect does.
func modelOfFx(t *testing.T, db *sql.DB) ([]kensho.StatTable, *model.Model, []*model.Data) {
	t.Helper()
	ctx := context.Background()
	res, err := analytics.Compute(ctx, db, analytics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := buildModel(res.Tables, analytics.Extracts(), res.FiscalYears)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := loadPublicFacts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	data, err := loadModelData(ctx, db, m, pub)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tables, m, data
}

// publishAll is the pattern that publishes every figure of m at its truth.
func publishAll(m *model.Model, tables []kensho.StatTable, data []*model.Data) *model.Pattern {
	pat := &model.Pattern{Status: make([]model.Status, len(m.Columns)), Value: make([]float64, len(m.Columns)),
		Quantile: quantileValues(m, tables)}
	for _, col := range m.Columns {
		if col.Comp != nil {
			pat.Value[col.ID] = data[col.Comp.Index].Truth(col).Value
		}
	}
	return pat
}

// TestEmptyClassIsNotAKnownZero: a microdata class without a record is
// absent from the file exactly as a withheld class is, so the audit's
// programme (the real reader's) must leave its atoms free, while
// protection's (model.EmptyClassesKnown, a stronger reader) fixes them at
// 0 as it does a table's published zero. Both read a table's zero alike.
func TestEmptyClassIsNotAKnownZero(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 500, years: []int{2024}, seed: 7, skew: 1.2})
	tables, m, data := modelOfFx(t, db)
	pat := publishAll(m, tables, data)
	empty, freed, tableZeros := 0, 0, 0
	for _, c := range m.Components {
		reader, err := model.NewProgram(c, data[c.Index], pat)
		if err != nil {
			t.Fatal(err)
		}
		strong, err := model.NewProgram(c, data[c.Index], pat, model.EmptyClassesKnown())
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range c.Columns {
			if col.Mag != kensho.MagAccidents || pat.Value[col.ID] != 0 || len(reader.Terms(col)) == 0 {
				continue
			}
			if !col.Extract {
				tableZeros++
				if !reader.KnownZero(col) || !strong.KnownZero(col) {
					t.Errorf("%s: a published zero in a table is not read as one", col.Label())
				}
				continue
			}
			empty++
			if !strong.KnownZero(col) {
				t.Errorf("%s: protection's reader does not take the empty class for a zero", col.Label())
			}
			if !reader.KnownZero(col) {
				freed++
			}
		}
	}
	t.Logf("%d empty classes, %d of them not known to be empty by the real reader; %d zeros in tables", empty, freed, tableZeros)
	if empty == 0 || freed == 0 || tableZeros == 0 {
		t.Fatalf("the fixture shows nothing: %d empty classes, %d freed, %d table zeros", empty, freed, tableZeros)
	}
}

// TestRoundedFigureIsReadAsPrinted: a figure published rounded (user-hours
// to the unit) tells a reader that the truth lies within half a unit of the
// number printed — so the model's row for it is centred on that number, as
// the table CSV prints it, not on the truth the reader never sees.
func TestRoundedFigureIsReadAsPrinted(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 500, years: []int{2024}, seed: 7, skew: 1.2})
	tables, m, data := modelOfFx(t, db)
	pat := publishAll(m, tables, data)
	// What each rounded cell prints, read from the tables as the site
	// writes them (strconv's fixed notation with the measure's decimals).
	printed := map[model.Ref]string{}
	for _, tb := range tables {
		for ri, r := range tb.Rows {
			for mi, ms := range tb.Measures {
				if ms.Magnitude == kensho.MagUserHours && mi < len(r.Cells) {
					printed[model.Ref{Table: tb.Name, Row: ri, Measure: mi}] = strconv.FormatFloat(r.Cells[mi].Value, 'f', ms.Decimals, 64)
				}
			}
		}
	}
	checked, offCentre := 0, 0
	for _, c := range m.Components {
		pr, err := model.NewProgram(c, data[c.Index], pat)
		if err != nil {
			t.Fatal(err)
		}
		for r, id := range pr.RowColumn() {
			if id < 0 {
				continue
			}
			col := m.Columns[id]
			if col.Step == 0 || col.Mag != kensho.MagUserHours {
				continue
			}
			var p string
			for _, ref := range col.Refs {
				if s, ok := printed[ref]; ok {
					p = s
					break
				}
			}
			if p == "" {
				continue
			}
			shown, err := strconv.ParseFloat(p, 64)
			if err != nil {
				t.Fatal(err)
			}
			row := pr.LP.Rows[r]
			if row.Lo != shown-col.Step/2 || row.Hi != shown+col.Step/2 {
				t.Errorf("%s prints %s but its row is [%v, %v]", col.Label(), p, row.Lo, row.Hi)
			}
			checked++
			if v := pat.Value[id]; shown != v {
				offCentre++
			}
		}
	}
	t.Logf("%d rounded figures, %d of them printed other than their truth", checked, offCentre)
	if checked == 0 || offCentre == 0 {
		t.Fatalf("the fixture shows nothing: %d rounded figures, %d printed other than their truth", checked, offCentre)
	}
}
