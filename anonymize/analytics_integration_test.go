package anonymize

import (
	"context"
	"fmt"
	"testing"

	"github.com/kensho-jp/kensho/analytics"
)

// TestProtectAnalyticsTables runs the disclosure control on the tables the
// analytics stage really builds, on random data, and checks the same
// properties as TestPropertyRandomData.
func TestProtectAnalyticsTables(t *testing.T) {
	cases := []fxSpec{
		{operators: 40, perYear: 600, years: []int{2022, 2023, 2024}, seed: 41, skew: 1.0},
		{operators: 15, perYear: 250, years: []int{2014, 2015}, seed: 42, skew: 1.5},
	}
	if !fullRun() {
		// Every table analytics builds with the three extracts costs
		// minutes of CPU per fiscal year in protect and the audit: this
		// test runs with KENSHO_FULL=1 (make property); make test builds
		// the real tables end to end in cmd/kensho's tests.
		t.Skip("KENSHO_FULL=1 runs the analytics tables with their extracts (make property)")
	}
	for _, spec := range cases {
		t.Run(fmt.Sprintf("seed%d", spec.seed), func(t *testing.T) {
			db, ops, _ := fxDB(t, spec)
			res, err := analytics.Compute(context.Background(), db, analytics.Config{})
			if err != nil {
				t.Fatal(err)
			}
			extracts := analytics.Extracts()
			p, files := buildOutputs(t, db, res.Tables, extracts, DefaultConfig(), t.TempDir())
			checkPublishedCells(t, DefaultConfig(), res.Tables, p.Tables)
			checkExtractClasses(t, db, DefaultConfig(), extracts)
			checkNoIdentifiers(t, files, operatorStrings(ops))
			a := p.Risk.Audit
			if !a.Passed || (a.MinRatio != nil && *a.MinRatio < 1) || (a.MinInsiderRatio != nil && *a.MinInsiderRatio < 1) {
				t.Errorf("audit: passed %v, min ratio %v, insider %v", a.Passed, deref(a.MinRatio), deref(a.MinInsiderRatio))
			}
			t.Logf("%d tables, %d cells, %d suppressed (%.1f%%), audit min ratio %v, insider %v, %d hidden figures, %d programmes",
				len(p.Tables), p.Risk.Overall.Cells, p.Risk.Overall.Suppressed, 100*p.Risk.Overall.ShareSuppressed,
				deref(a.MinRatio), deref(a.MinInsiderRatio), a.Hidden, a.Programmes)
		})
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}
