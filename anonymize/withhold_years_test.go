package anonymize

import (
	"context"
	"testing"

	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// TestWithholdUnsafeYears: the partial year that Protect must refuse (40
// accidents of FY2025 from one operator) is left out whole before the
// tables are computed, and the rest is then published with its audit
// passed; full years with many operators stay.
func TestWithholdUnsafeYears(t *testing.T) {
	ctx := context.Background()
	spec := fxSpec{operators: 30, perYear: 400, years: []int{2024}, seed: 51, skew: 1.1}
	spec.partial.n, spec.partial.ops = 40, 1
	db, _, _ := fxDB(t, spec)
	got, err := WithholdUnsafeYears(ctx, db, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].FiscalYear != 2025 || got[0].Rule != rules.MinOperators {
		t.Fatalf("withheld %+v, want FY2025 by min_operators", got)
	}
	var left, fy2025 int
	if err := db.QueryRow("SELECT count(*), count(*) FILTER (fiscal_year = 2025) FROM deid_accident").Scan(&left, &fy2025); err != nil {
		t.Fatal(err)
	}
	if fy2025 != 0 || left != 400 {
		t.Errorf("deid_accident holds %d rows (%d of FY2025), want the 400 of the full year", left, fy2025)
	}
	res, err := analytics.Compute(ctx, db, analytics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := protectFx(ctx, db, res.Tables, nil, DefaultConfig()); err != nil {
		t.Fatalf("Protect after withholding FY2025: %v", err)
	}
	// Nothing more to withhold the second time.
	if again, err := WithholdUnsafeYears(ctx, db, DefaultConfig()); err != nil || len(again) != 0 {
		t.Errorf("second run withheld %+v, %v; want nothing", again, err)
	}
}
