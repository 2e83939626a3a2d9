package anonymize

import (
	"math"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/model"
)

// buildModel derives the disclosure model of a release from its tables and
// the microdata extracts.
func buildModel(tables []kensho.StatTable, extracts []kensho.Extract, years []int) (*model.Model, error) {
	return model.Build(tables, extracts, model.Options{Years: years,
		Domains: map[string][]string{"disaster": tableKeys(tables, "disaster")}})
}

// tableKeys lists, in first appearance, the keys the tables give a
// dimension without a code list.
func tableKeys(tables []kensho.StatTable, dim string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tables {
		for i, d := range t.Dims {
			if d.Name != dim {
				continue
			}
			for _, r := range t.Rows {
				if k := r.Key[i]; k != kensho.Total && !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// quantileValues reads each quantile figure's value from its table (NaN
// when the cell has none).
func quantileValues(m *model.Model, tables []kensho.StatTable) []float64 {
	byName := map[string]*kensho.StatTable{}
	for i := range tables {
		byName[tables[i].Name] = &tables[i]
	}
	out := make([]float64, len(m.Quantiles))
	for i, q := range m.Quantiles {
		c := byName[q.Ref.Table].Rows[q.Ref.Row].Cells[q.Ref.Measure]
		out[i] = math.NaN()
		if c.Status != kensho.NotApplicable {
			out[i] = c.Value
		}
	}
	return out
}
