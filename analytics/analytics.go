// Package analytics computes every statistic of the annual verification
// report (電気通信事故に関する検証報告) from the de-identified accidents of
// the restricted database (deid_accident): counts by fiscal year, quarter,
// cause, service, equipment, region, duration and users band, user-hours,
// serious accidents by the 第58条 criteria, the EU's root-cause categories,
// accidents per named disaster, seasonality, year-over-year changes and
// count-model trends, and a short summary of the latest year.
//
// Every table leaves this package as a kensho.StatTable whose additive cells
// carry their per-operator contributions, so that anonymize can protect them
// (docs/contract.md, "analytics → anonymize"). This package must never
// publish anything itself: its tables are unprotected until anonymize has
// decided every cell, Summarize reads only cells anonymize published, and
// nothing here writes outside the restricted database or names an operator.
//
// The definitions — fiscal year and quarter, bands, user-hours, the
// serious-accident criteria and series breaks, the EU mapping — are those of
// the root package and docs/report-format.md; this package only counts with
// them. Each table's SQL is one embedded file in sql/.
package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"github.com/kensho-jp/kensho"
)

// Config chooses what Compute reports.
type Config struct {
	// LatestYear is the fiscal year of the cross tables and the summary;
	// 0 means the latest fiscal year in the data. Tables by fiscal year
	// always cover every year in the data.
	LatestYear int
}

// Result is every table of the report, unprotected, with the calendar facts
// the site needs.
type Result struct {
	Tables      []kensho.StatTable
	FiscalYears []int // ascending
	LatestYear  int
	// PartialYears are the fiscal years without data in all four quarters.
	PartialYears []int
}

// queryWorkers is how many table queries run at once.
const queryWorkers = 2

// Compute builds every table from deid_accident in db (built by
// anonymize.Deidentify). It fails when the table is missing or empty, when
// an accident's declared fiscal year and quarter disagree with when it
// occurred, or when a column holds a code outside the code lists: the
// report is never built from data that breaks the contract.
func Compute(ctx context.Context, db *sql.DB, cfg Config) (*Result, error) {
	cal, err := readCalendar(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	latest := cfg.LatestYear
	if latest == 0 {
		latest = cal.years[len(cal.years)-1]
	}
	if !slices.Contains(cal.years, latest) {
		return nil, fmt.Errorf("analytics: latest year %d has no accidents in deid_accident (years with data: %v)", latest, cal.years)
	}
	b := &builder{db: db, cal: cal, latest: latest, rows: map[string]map[string]int{}}
	all := specs()
	// The queries run concurrently (DuckDB counts one table while Go adds up
	// another's parts); the tables are then built in order, so the result
	// does not depend on which query finished first.
	counts := make([]*counted, len(all))
	errs := make([]error, len(all))
	sem := make(chan struct{}, queryWorkers)
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			counts[i], errs[i] = b.count(ctx, s)
		}()
	}
	wg.Wait()
	for i, s := range all {
		if errs[i] != nil {
			return nil, fmt.Errorf("analytics: table %s: %w", s.name, errs[i])
		}
		if err := b.build(s, counts[i]); err != nil {
			return nil, fmt.Errorf("analytics: table %s: %w", s.name, err)
		}
	}
	return &Result{
		Tables:       b.tables,
		FiscalYears:  slices.Clone(cal.years),
		LatestYear:   latest,
		PartialYears: cal.partialYears(),
	}, nil
}
