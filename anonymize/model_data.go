package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/sdc/model"
)

// loadModelData reads the truth the disclosure model needs from
// deid_accident: for every clique of every component, the accidents that
// are not public counted by the clique's dimensions, fiscal year and
// operator (one query per distinct set of dimensions, all years at once),
// and the public accidents one by one with every base dimension.
func loadModelData(ctx context.Context, db *sql.DB, m *model.Model, public publicFacts) ([]*model.Data, error) {
	data := make([]*model.Data, len(m.Components))
	for i, c := range m.Components {
		data[i] = c.NewData()
	}
	byDims := map[string][]model.Need{}
	var order []string
	for _, n := range m.Needs() {
		k := strings.Join(n.Dims, ",")
		if _, ok := byDims[k]; !ok {
			order = append(order, k)
		}
		byDims[k] = append(byDims[k], n)
	}
	notPublic := public.notPublicSQL()
	for _, k := range order { // in the order the model listed them: deterministic
		needs := byDims[k]
		dims := needs[0].Dims
		cols := make([]string, len(dims))
		for i, d := range dims {
			cols[i] = "coalesce(CAST(" + duck.QuoteIdent(d) + " AS VARCHAR), '')"
		}
		sel := ""
		if len(cols) > 0 {
			sel = strings.Join(cols, ", ") + ", "
		}
		q := fmt.Sprintf(`SELECT fiscal_year, %sop_key, count(*)::BIGINT, sum(affected_users)::BIGINT,
			sum(affected_users::HUGEINT * duration_min)::BIGINT
			FROM deid_accident WHERE %s GROUP BY ALL ORDER BY ALL`, sel, notPublic)
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("model data (%s): %w", k, err)
		}
		byComp := map[*model.Component]model.Need{}
		for _, n := range needs {
			byComp[n.Comp] = n
		}
		vals := make([]string, len(dims))
		dest := make([]any, 0, len(dims)+5)
		var year int
		var p model.Part
		dest = append(dest, &year)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		dest = append(dest, &p.Op, &p.N, &p.Users, &p.UserMin)
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			c := m.ComponentOf(year)
			if c == nil {
				continue // a year the release leaves out
			}
			n, ok := byComp[c]
			if !ok {
				continue
			}
			if err := data[c.Index].Add(n, year, vals, p); err != nil {
				rows.Close()
				return nil, err
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	recs, err := public.records(ctx, db, m.BaseDims())
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		c := m.ComponentOf(r.Year)
		if c == nil {
			continue
		}
		if err := data[c.Index].AddPublic(r); err != nil {
			return nil, err
		}
	}
	return data, nil
}
