package anonymize

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// querier is a *sql.DB or *sql.Conn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// render executes the SQL template sql/<name>.
func render(name string, data any) (string, error) {
	b, err := sqlFiles.ReadFile("sql/" + name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Parse(string(b))
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// tableExists reports whether the restricted database (its main schema,
// not an attached release) holds table name.
func tableExists(ctx context.Context, q querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?`, name).Scan(&ok)
	return ok, err
}

// magnitudeSQL is the SQL aggregate of a magnitude over deid_accident d.
// User-hours are summed as integer user-minutes and divided once, so the
// sum does not depend on the order DuckDB adds the rows in.
func magnitudeSQL(mag kensho.Magnitude, alias string) (string, error) {
	p := ""
	if alias != "" {
		p = alias + "."
	}
	switch mag {
	case kensho.MagAccidents:
		return "count(*)::DOUBLE", nil
	case kensho.MagAffectedUsers:
		return "sum(" + p + "affected_users)::DOUBLE", nil
	case kensho.MagUserHours:
		return "(sum(" + p + "affected_users::HUGEINT * " + p + "duration_min) / 60)::DOUBLE", nil
	}
	return "", fmt.Errorf("unknown magnitude %q", mag)
}

// magnitudeOfSums is magnitudeSQL over the per-group sums of
// cell_contrib.sql (n, users, minutes): the same value, since each is the
// exact integer sum regrouped.
func magnitudeOfSums(mag kensho.Magnitude) (string, error) {
	switch mag {
	case kensho.MagAccidents:
		return "sum(g.n)::DOUBLE", nil
	case kensho.MagAffectedUsers:
		return "sum(g.users)::DOUBLE", nil
	case kensho.MagUserHours:
		return "(sum(g.minutes) / 60)::DOUBLE", nil
	}
	return "", fmt.Errorf("unknown magnitude %q", mag)
}

// sqlText renders a value of the model as a VARCHAR literal (NULL for the
// null value).
func sqlText(v string) string {
	if v == nullValue {
		return "CAST(NULL AS VARCHAR)"
	}
	return duck.QuoteString(v)
}

// cellContributions returns, for each cell, the per-operator sums of mag
// over the accidents that meet its conditions, sorted by operator.
func cellContributions(ctx context.Context, q querier, mag kensho.Magnitude, cells []conds) ([][]kensho.Contribution, error) {
	agg, err := magnitudeOfSums(mag)
	if err != nil {
		return nil, err
	}
	out := make([][]kensho.Contribution, len(cells))
	// Cells with the same dimensions share a query.
	groups := map[string][]int{}
	var sigs []string
	for i, cs := range cells {
		dims := make([]string, len(cs))
		for j, c := range cs {
			dims[j] = c.dim
		}
		sig := strings.Join(dims, ",")
		if _, ok := groups[sig]; !ok {
			sigs = append(sigs, sig)
		}
		groups[sig] = append(groups[sig], i)
	}
	sort.Strings(sigs) // deterministic order of queries
	for _, sig := range sigs {
		idx := groups[sig]
		if sig == "" {
			a, _ := magnitudeSQL(mag, "")
			qs, err := render("cell_contrib_all.sql", map[string]string{"Agg": a})
			if err != nil {
				return nil, err
			}
			res, err := scanContrib(ctx, q, qs)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				out[i] = res[0]
			}
			continue
		}
		dims := strings.Split(sig, ",")
		type col struct{ Name, Alias string }
		cols := make([]col, len(dims))
		on := make([]string, len(dims))
		for j, d := range dims {
			cols[j] = col{duck.QuoteIdent(d), fmt.Sprintf("v%d", j)}
			on[j] = fmt.Sprintf("CAST(g.v%d AS VARCHAR) IS NOT DISTINCT FROM k.v%d", j, j)
		}
		for start := 0; start < len(idx); start += 2000 {
			chunk := idx[start:min(start+2000, len(idx))]
			vals := make([]string, len(chunk))
			for n, i := range chunk {
				parts := []string{fmt.Sprint(n)}
				for _, c := range cells[i] {
					parts = append(parts, sqlText(c.val))
				}
				vals[n] = "(" + strings.Join(parts, ", ") + ")"
			}
			qs, err := render("cell_contrib.sql", map[string]any{
				"Agg": agg, "Values": strings.Join(vals, ", "), "Cols": cols, "On": strings.Join(on, " AND "),
			})
			if err != nil {
				return nil, err
			}
			res, err := scanContrib(ctx, q, qs)
			if err != nil {
				return nil, err
			}
			for n, i := range chunk {
				out[i] = res[n]
			}
		}
	}
	return out, nil
}

func scanContrib(ctx context.Context, q querier, qs string) (map[int][]kensho.Contribution, error) {
	rows, err := q.QueryContext(ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("cell contributions: %w", err)
	}
	defer rows.Close()
	res := map[int][]kensho.Contribution{}
	for rows.Next() {
		var id int
		var op int32
		var v float64
		if err := rows.Scan(&id, &op, &v); err != nil {
			return nil, err
		}
		res[id] = append(res[id], kensho.Contribution{Op: op, Value: v})
	}
	return res, rows.Err()
}
