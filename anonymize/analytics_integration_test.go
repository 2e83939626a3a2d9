package anonymize

import (
	"context"
	"testing"

	"github.com/kensho-jp/kensho/analytics"
)

// TestProtectAnalyticsTables runs the disclosure control on the tables the
// analytics stage really builds.
func TestProtectAnalyticsTables(t *testing.T) {
	db, ops, _ := fxDB(t, fxSpec{operators: 40, perYear: 600, years: []int{2024}, seed: 41, skew: 1.0})
	res, err := analytics.Compute(context.Background(), db, analytics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p, files := buildOutputs(t, db, res.Tables, DefaultConfig(), t.TempDir())
	checkPublishedCells(t, DefaultConfig(), res.Tables, p.Tables)
	checkMicrodataClasses(t, db, DefaultConfig())
	checkNoIdentifiers(t, files, operatorStrings(ops))
	t.Logf("%d tables, %d cells, %d suppressed (%.1f%%), audit min ratio %v, insider %v, %d components, %d LPs, %d insider LPs",
		len(p.Tables), p.Risk.Overall.Cells, p.Risk.Overall.Suppressed, 100*p.Risk.Overall.ShareSuppressed,
		deref(p.Risk.Audit.MinRatio), deref(p.Risk.Audit.MinInsiderRatio), p.Risk.Audit.Components, p.Risk.Audit.LinearProgrammes, p.Risk.Audit.InsiderProgrammes)
	for _, l := range p.Timings {
		t.Logf("%-28s %6.2f s", l.Step, l.Seconds)
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}
