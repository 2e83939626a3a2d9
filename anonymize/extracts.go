package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/sdc/model"
)

// querier is a *sql.DB or *sql.Conn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// tableExists reports whether the restricted database (its main schema,
// not an attached release) holds table name.
func tableExists(ctx context.Context, q querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?`, name).Scan(&ok)
	return ok, err
}

// extractTable is the restricted database's table of an extract's
// released records.
func extractTable(name string) string { return "extract_" + name }

// classKeySQL is the SQL text of a record's class in an extract: its
// fields' codes joined by the unit separator.
func classKeySQL(e kensho.Extract) string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.FieldNames() {
		parts[i] = "coalesce(CAST(" + duck.QuoteIdent(f) + " AS VARCHAR), '')"
	}
	return "concat_ws(chr(31), " + strings.Join(parts, ", ") + ")"
}

// releasedClasses lists, for an extract, the keys of its released classes
// (published and not empty) and the withheld records per fiscal year.
func releasedClasses(m *model.Model, e kensho.Extract, pat *model.Pattern) (keys []string, err error) {
	classes, err := m.ExtractClasses(e)
	if err != nil {
		return nil, err
	}
	idx := m.Index()
	for ci, vals := range classes {
		col := idx[model.Ref{Extract: e.Name, Class: ci}]
		if col == nil || pat.Status[col.ID] != model.Published || pat.Value[col.ID] == 0 {
			continue
		}
		keys = append(keys, strings.Join(vals, "\x1f"))
	}
	return keys, nil
}

// writeExtracts writes each extract's released records into the
// restricted database (extract_<name>: record_id, then the fields),
// numbered after sorting by the fields: records of one class are
// identical, so the number carries nothing. It returns what the site says
// of each.
func writeExtracts(ctx context.Context, db *sql.DB, m *model.Model, extracts []kensho.Extract, pat *model.Pattern) ([]kensho.ExtractInfo, error) {
	var infos []kensho.ExtractInfo
	for _, e := range extracts {
		keys, err := releasedClasses(m, e, pat)
		if err != nil {
			return nil, err
		}
		cols := make([]string, len(e.Fields))
		for i, f := range e.FieldNames() {
			if f == "fiscal_year" {
				cols[i] = "fiscal_year"
			} else {
				cols[i] = "CAST(" + duck.QuoteIdent(f) + " AS VARCHAR) AS " + duck.QuoteIdent(f)
			}
		}
		order := strings.Join(e.FieldNames(), ", ")
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		stmts := []string{
			"CREATE OR REPLACE TEMP TABLE anon_released (k VARCHAR)",
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("extract %s: %w", e.Name, err)
			}
		}
		for len(keys) > 0 { // in batches: one statement per 500 classes
			n := min(len(keys), 500)
			lits := make([]string, n)
			for i, k := range keys[:n] {
				lits[i] = "(" + duck.QuoteString(k) + ")"
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO anon_released VALUES "+strings.Join(lits, ", ")); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("extract %s: %w", e.Name, err)
			}
			keys = keys[n:]
		}
		q := fmt.Sprintf(`CREATE OR REPLACE TABLE %s AS
			SELECT row_number() OVER (ORDER BY %s)::BIGINT AS record_id, %s
			FROM deid_accident WHERE %s IN (SELECT k FROM anon_released)
			ORDER BY record_id`, duck.QuoteIdent(extractTable(e.Name)), order, strings.Join(cols, ", "), classKeySQL(e))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("extract %s: %w", e.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "DROP TABLE anon_released"); err != nil {
			tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		info := kensho.ExtractInfo{Name: e.Name, Title: e.Title, Description: e.Description}
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT d.fiscal_year, count(*)::INTEGER,
			(SELECT count(*) FROM %s x WHERE x.fiscal_year = d.fiscal_year)::INTEGER
			FROM deid_accident d GROUP BY d.fiscal_year ORDER BY d.fiscal_year`, duck.QuoteIdent(extractTable(e.Name))))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var y kensho.YearCount
			var all int
			if err := rows.Scan(&y.FiscalYear, &all, &y.Released); err != nil {
				rows.Close()
				return nil, err
			}
			y.Withheld = all - y.Released
			info.Rows += y.Released
			info.Withheld += y.Withheld
			info.ByYear = append(info.ByYear, y)
		}
		rows.Close()
		info.Columns = append(info.Columns, kensho.FieldSchema{Name: "record_id", Type: "integer",
			Title: kensho.Text{Ja: "レコード番号(項目で並べ替えた後に付番。意味を持たない)", En: "record number (assigned after sorting by the fields; carries no meaning)"}})
		for _, f := range e.Fields {
			fs := kensho.FieldSchema{Name: f.Name, Type: "string", Title: f.Title}
			if f.Name == "fiscal_year" {
				fs.Type = "integer"
			} else if kensho.ListByName(f.Name) != nil {
				fs.Codes = f.Name
			}
			info.Columns = append(info.Columns, fs)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// checkExtracts reads the written records back and checks each class
// against the pattern: a released class holds exactly its accidents, and
// no record belongs to a class the pattern withholds.
func checkExtracts(ctx context.Context, db *sql.DB, m *model.Model, extracts []kensho.Extract, pat *model.Pattern) ([]string, error) {
	var fails []string
	idx := m.Index()
	for _, e := range extracts {
		classes, err := m.ExtractClasses(e)
		if err != nil {
			return nil, err
		}
		byKey := map[string]int{}
		for ci, vals := range classes {
			byKey[strings.Join(vals, "\x1f")] = ci
		}
		parts := make([]string, len(e.Fields))
		for i, f := range e.FieldNames() {
			parts[i] = "coalesce(CAST(" + duck.QuoteIdent(f) + " AS VARCHAR), '')"
		}
		rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT concat_ws(chr(31), %s), count(*) FROM %s GROUP BY ALL ORDER BY ALL",
			strings.Join(parts, ", "), duck.QuoteIdent(extractTable(e.Name))))
		if err != nil {
			return nil, err
		}
		seen := map[int]float64{}
		for rows.Next() {
			var k string
			var n float64
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, err
			}
			ci, ok := byKey[k]
			col := idx[model.Ref{Extract: e.Name, Class: ci}]
			switch {
			case !ok || col == nil:
				fails = append(fails, fmt.Sprintf("extract %s holds records of class %q, which is not one of its classes", e.Name, k))
			case pat.Status[col.ID] != model.Published:
				fails = append(fails, fmt.Sprintf("extract %s holds %v records of class %q, which is withheld", e.Name, n, k))
			default:
				seen[col.ID] = n
			}
		}
		rows.Close()
		for ci := range classes {
			col := idx[model.Ref{Extract: e.Name, Class: ci}]
			if col == nil || pat.Status[col.ID] != model.Published {
				continue
			}
			if v := pat.Value[col.ID]; math.Abs(seen[col.ID]-v) > 0.5 {
				fails = append(fails, fmt.Sprintf("extract %s class %d holds %v records, the class counts %v", e.Name, ci, seen[col.ID], v))
			}
		}
	}
	slices.Sort(fails)
	return fails, nil
}
