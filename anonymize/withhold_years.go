package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// A fiscal year whose accident count itself fails the primary rules — a
// year that has only begun, reported so far by one or two operators, or a
// year one operator dominates — cannot be published in any form: the
// microdata and the other years' totals tell how many records it holds,
// so no suppression pattern can hide its count (Protect would refuse it
// with a CappedError). Such a year is left out of the release whole,
// before any table is computed, and published once it passes the rules.

// WithheldYear is a fiscal year left out of a release, and the primary
// rule its accident count failed.
type WithheldYear struct {
	FiscalYear int    `json:"fiscal_year"`
	Rule       string `json:"rule"` // min_operators, p_percent or dominance
}

// WithholdUnsafeYears removes from deid_accident every fiscal year whose
// accident count fails the primary rules of cfg, and returns them in year
// order. It runs after Deidentify and before the tables are computed.
func WithholdUnsafeYears(ctx context.Context, db *sql.DB, cfg Config) ([]WithheldYear, error) {
	rows, err := db.QueryContext(ctx, `SELECT fiscal_year, op_key, count(*)::DOUBLE
		FROM deid_accident GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		return nil, fmt.Errorf("withhold years: %w", err)
	}
	type year struct {
		total   float64
		contrib []kensho.Contribution
	}
	var order []int
	years := map[int]*year{}
	for rows.Next() {
		var fy int
		var op int32
		var n float64
		if err := rows.Scan(&fy, &op, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("withhold years: %w", err)
		}
		y, ok := years[fy]
		if !ok {
			y = &year{}
			years[fy] = y
			order = append(order, fy)
		}
		y.total += n
		y.contrib = append(y.contrib, kensho.Contribution{Op: op, Value: n})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("withhold years: %w", err)
	}
	var out []WithheldYear
	var list []string
	for _, fy := range order {
		y := years[fy]
		if r := rules.Check(cfg.rules(), rules.Figure{Mag: kensho.MagAccidents, Value: y.total, Contrib: y.contrib}); r.Primary {
			out = append(out, WithheldYear{FiscalYear: fy, Rule: r.Rule})
			list = append(list, fmt.Sprint(fy))
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	// The audit checks deid_accident against accident less these years.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("withhold years: %w", err)
	}
	defer tx.Rollback()
	in := "(" + strings.Join(list, ", ") + ")"
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS " + withheldYearTable + " (fiscal_year INTEGER NOT NULL, rule VARCHAR NOT NULL)",
		"DELETE FROM deid_accident WHERE fiscal_year IN " + in,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("withhold years: %w", err)
		}
	}
	for _, w := range out {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+withheldYearTable+" VALUES (?, ?)", w.FiscalYear, w.Rule); err != nil {
			return nil, fmt.Errorf("withhold years: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("withhold years: %w", err)
	}
	return out, nil
}

// withheldYearTable lists the fiscal years left out of deid_accident;
// Deidentify empties it, since it makes deid_accident anew.
const withheldYearTable = "deid_withheld_year"

// withheldYears reads the years WithholdUnsafeYears left out of
// deid_accident, in year order; none when it left none out or never ran.
func withheldYears(ctx context.Context, db *sql.DB) ([]WithheldYear, error) {
	out := []WithheldYear{}
	exists, err := tableExists(ctx, db, withheldYearTable)
	if err != nil {
		return nil, fmt.Errorf("withheld years: %w", err)
	}
	if !exists {
		return out, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT fiscal_year, rule FROM "+withheldYearTable+" ORDER BY fiscal_year")
	if err != nil {
		return nil, fmt.Errorf("withheld years: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w WithheldYear
		if err := rows.Scan(&w.FiscalYear, &w.Rule); err != nil {
			return nil, fmt.Errorf("withheld years: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
