package analytics

import (
	"slices"
	"strconv"

	"github.com/kensho-jp/kensho"
)

// measureIndex maps a table's measure names to their column.
func measureIndex(t *kensho.StatTable) map[string]int {
	m := make(map[string]int, len(t.Measures))
	for i, ms := range t.Measures {
		m[ms.Name] = i
	}
	return m
}

// derivedCell is a computed value that depends on the given additive cells.
func derivedCell(v float64, deps []kensho.CellRef) kensho.Cell {
	return kensho.Cell{Value: v, DependsOn: slices.Clone(deps)}
}

// segmentStart is the first fiscal year of the series segment that holds
// year y: the latest series break at or before y (kensho.SeriesBreaks), or 0
// when no break precedes it.
func segmentStart(y int) int {
	start := 0
	for _, br := range kensho.SeriesBreaks {
		if br.FiscalYear <= y && br.FiscalYear > start {
			start = br.FiscalYear
		}
	}
	return start
}

// fitYears are the fiscal years a trend as of year y is estimated from: the
// complete years (data in all four quarters) of y's segment up to y. A
// partial year would read as a fall in accidents.
func (b *builder) fitYears(y int) []int {
	var out []int
	start := segmentStart(y)
	for _, fy := range b.cal.years {
		if fy >= start && fy <= y && b.cal.complete(fy) {
			out = append(out, fy)
		}
	}
	return out
}

// deriveTrend fills the change from the previous year and the trend of
// every row of trend_by_cause from the table's own accident counts: each
// year's row holds the trend as the report of that year would have seen it.
func deriveTrend(b *builder, t *kensho.StatTable) error {
	m := measureIndex(t)
	acc := m["accidents"]
	for r := range t.Rows {
		row := &t.Rows[r]
		fy, err := strconv.Atoi(row.Key[0])
		if err != nil {
			panic("analytics: trend_by_cause: fiscal year key " + row.Key[0])
		}
		// Year-over-year change, when the previous year has data.
		if b.cal.has(fy - 1) {
			pk := slices.Clone(row.Key)
			pk[0] = strconv.Itoa(fy - 1)
			if p, ok := b.rowOf(t.Name, pk); ok {
				cur, prev := row.Cells[acc].Value, t.Rows[p].Cells[acc].Value
				deps := []kensho.CellRef{{Table: t.Name, Row: p, Measure: acc}, {Table: t.Name, Row: r, Measure: acc}}
				row.Cells[m["change"]] = derivedCell(cur-prev, deps)
				if prev > 0 {
					row.Cells[m["change_pct"]] = derivedCell(100*(cur-prev)/prev, deps)
				}
			}
		}
		// Trend over the complete years of the segment, up to this year.
		years := b.fitYears(fy)
		if len(years) < minTrendYears {
			continue
		}
		xs := make([]float64, len(years))
		ys := make([]float64, len(years))
		deps := make([]kensho.CellRef, len(years))
		for i, y := range years {
			k := slices.Clone(row.Key)
			k[0] = strconv.Itoa(y)
			p, ok := b.rowOf(t.Name, k)
			if !ok {
				panic("analytics: trend_by_cause has no row " + joinKey(k))
			}
			xs[i], ys[i] = float64(y), t.Rows[p].Cells[acc].Value
			deps[i] = kensho.CellRef{Table: t.Name, Row: p, Measure: acc}
		}
		e, ok := estimateTrend(xs, ys)
		if !ok {
			continue
		}
		for name, v := range map[string]float64{
			"trend_pct_per_year": pctPerYear(e.Slope),
			"trend_ci_low_pct":   pctPerYear(e.Low),
			"trend_ci_high_pct":  pctPerYear(e.High),
			"trend_flag":         float64(e.Flag),
			"fit_first_year":     float64(years[0]),
			"fit_last_year":      float64(years[len(years)-1]),
			"fit_years":          float64(len(years)),
			"dispersion":         e.Dispersion,
		} {
			row.Cells[m[name]] = derivedCell(v, deps)
		}
	}
	return nil
}

// deriveSeasonality fills seasonality_by_quarter from
// accidents_by_quarter_cause_group over the complete fiscal years: the mean
// per year of each quarter, and its share of the years' accidents.
func deriveSeasonality(b *builder, t *kensho.StatTable) error {
	const src = "accidents_by_quarter_cause_group"
	s := b.table(src)
	sAcc := measureIndex(s)["accidents"]
	m := measureIndex(t)
	years := b.completeYears()
	if len(years) == 0 {
		return nil // no complete year: every cell stays not applicable
	}
	cell := func(y int, q, form, group string) (float64, kensho.CellRef) {
		k := []string{strconv.Itoa(y), q, form, group}
		r, ok := b.rowOf(src, k)
		if !ok {
			panic("analytics: " + src + " has no row " + joinKey(k))
		}
		return s.Rows[r].Cells[sAcc].Value, kensho.CellRef{Table: src, Row: r, Measure: sAcc}
	}
	for r := range t.Rows {
		row := &t.Rows[r]
		q, form, group := row.Key[0], row.Key[1], row.Key[2]
		var sum, total float64
		var deps, shareDeps []kensho.CellRef
		for _, y := range years {
			v, ref := cell(y, q, form, group)
			sum += v
			deps = append(deps, ref)
			tv, tref := cell(y, kensho.Total, form, group)
			total += tv
			shareDeps = append(shareDeps, tref)
		}
		row.Cells[m["mean_per_year"]] = derivedCell(sum/float64(len(years)), deps)
		row.Cells[m["years_used"]] = derivedCell(float64(len(years)), deps)
		if total > 0 {
			if q != kensho.Total {
				shareDeps = append(slices.Clone(deps), shareDeps...)
			}
			row.Cells[m["share_pct"]] = derivedCell(100*sum/total, shareDeps)
		}
	}
	return nil
}
