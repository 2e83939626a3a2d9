package analytics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// calendar is what deid_accident holds in time: the fiscal years with
// accidents and, per year, the quarters with accidents.
type calendar struct {
	years    []int // ascending
	quarters map[int][4]bool
}

// complete reports whether year y has accidents in all four quarters.
func (c *calendar) complete(y int) bool {
	q, ok := c.quarters[y]
	return ok && q[0] && q[1] && q[2] && q[3]
}

func (c *calendar) partialYears() []int {
	out := []int{}
	for _, y := range c.years {
		if !c.complete(y) {
			out = append(out, y)
		}
	}
	return out
}

// has reports whether year y has accidents.
func (c *calendar) has(y int) bool {
	_, ok := c.quarters[y]
	return ok
}

// readCalendar reads the fiscal quarters of deid_accident and checks each
// against kensho's fiscal calendar (1 April – 31 March, Japan time): every
// accident must have occurred inside the quarter it is declared in, or the
// tables by year and quarter would count it in the wrong place.
func readCalendar(ctx context.Context, db *sql.DB) (*calendar, error) {
	rows, err := db.QueryContext(ctx, sqlText("calendar"))
	if err != nil {
		if strings.Contains(err.Error(), "deid_accident") {
			return nil, fmt.Errorf("read deid_accident: %w; run ingest and anonymize (kensho build) before the statistics", err)
		}
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	defer rows.Close()
	cal := &calendar{quarters: map[int][4]bool{}}
	var bad []string
	for rows.Next() {
		var (
			year, quarter int
			n             int64
			first, last   time.Time
		)
		if err := rows.Scan(&year, &quarter, &n, &first, &last); err != nil {
			return nil, fmt.Errorf("read calendar: %w", err)
		}
		if quarter < 1 || quarter > 4 {
			bad = append(bad, fmt.Sprintf("%d accidents of fiscal year %d have quarter %d (must be 1-4)", n, year, quarter))
			continue
		}
		fq := kensho.FiscalQuarter{Year: year, Quarter: quarter}
		// Timestamps are naive Japan time (docs/contract.md).
		first, last = inJST(first), inJST(last)
		if !fq.Contains(first) || !fq.Contains(last) {
			bad = append(bad, fmt.Sprintf("accidents declared in %s occurred from %s to %s, outside %s – %s JST",
				fq, first.Format("2006-01-02 15:04"), last.Format("2006-01-02 15:04"),
				fq.Start().Format("2006-01-02"), fq.End().Add(-time.Minute).Format("2006-01-02 15:04")))
		}
		if !cal.has(year) {
			cal.years = append(cal.years, year) // rows come ordered by year
		}
		q := cal.quarters[year]
		q[quarter-1] = true
		cal.quarters[year] = q
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("deid_accident breaks the fiscal calendar: %s; ingest checks this, so re-run ingest and anonymize", strings.Join(bad, "; "))
	}
	if len(cal.years) == 0 {
		return nil, errors.New("deid_accident has no accidents; load reports with kensho ingest and run kensho anonymize first")
	}
	return cal, nil
}

// inJST reads the wall clock of a naive timestamp as Japan time.
func inJST(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), kensho.JST)
}
