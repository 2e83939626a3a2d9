package anonymize

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
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

// release is what an extract publishes of its classes under a pattern:
// the keys of the classes released as they are (published, not empty),
// and the keys of the classes whose records are released starred (hidden
// classes of a group whose starred class is published).
type release struct {
	plain, starred []string
}

// extractRelease reads an extract's release off the pattern.
func extractRelease(m *model.Model, e kensho.Extract, pat *model.Pattern) (release, error) {
	var out release
	classes, err := m.ExtractClasses(e)
	if err != nil {
		return out, err
	}
	idx := m.Index()
	for ci, vals := range classes {
		col := idx[model.Ref{Extract: e.Name, Class: ci}]
		if col == nil || pat.Status[col.ID] != model.Published || pat.Value[col.ID] == 0 {
			continue
		}
		out.plain = append(out.plain, strings.Join(vals, "\x1f"))
	}
	if len(e.Star) == 0 {
		return out, nil
	}
	_, members, err := m.StarClasses(e)
	if err != nil {
		return out, err
	}
	for si, ms := range members {
		col := idx[model.Ref{Extract: e.Name, Class: si, Star: true}]
		if col == nil || pat.Status[col.ID] != model.Published {
			continue
		}
		for _, ci := range ms {
			c := idx[model.Ref{Extract: e.Name, Class: ci}]
			if c != nil && pat.Status[c.ID] != model.Published && pat.Value[c.ID] > 0 {
				out.starred = append(out.starred, strings.Join(classes[ci], "\x1f"))
			}
		}
	}
	return out, nil
}

// settleStars takes back the optional starred classes protect published
// that hold no record: a file without them cannot say they were
// published, so the pattern (and the audit) must not either. Fewer
// published figures only widen what a reader can reach.
func settleStars(m *model.Model, pat *model.Pattern) {
	for _, col := range m.Columns {
		if col.Optional && pat.Status[col.ID] == model.Published && pat.Starred(col) < 0.5 {
			pat.Status[col.ID] = model.Withheld
		}
	}
}

// writeExtracts writes each extract's released records into the
// restricted database (extract_<name>: record_id, then the fields),
// numbered after sorting by the fields as published: records of one class
// are identical, so the number carries nothing. It returns what the site
// says of each.
func writeExtracts(ctx context.Context, db *sql.DB, m *model.Model, extracts []kensho.Extract, pat *model.Pattern) ([]kensho.ExtractInfo, error) {
	var infos []kensho.ExtractInfo
	for _, e := range extracts {
		rel, err := extractRelease(m, e, pat)
		if err != nil {
			return nil, err
		}
		cols := make([]string, len(e.Fields))
		for i, f := range e.FieldNames() {
			switch {
			case f == "fiscal_year":
				cols[i] = "fiscal_year"
			case slices.Contains(e.Star, f):
				cols[i] = "CASE WHEN a.star THEN '*' ELSE CAST(" + duck.QuoteIdent(f) + " AS VARCHAR) END AS " + duck.QuoteIdent(f)
			default:
				cols[i] = "CAST(" + duck.QuoteIdent(f) + " AS VARCHAR) AS " + duck.QuoteIdent(f)
			}
		}
		order := strings.Join(e.FieldNames(), ", ")
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE anon_released (k VARCHAR, star BOOLEAN)"); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("extract %s: %w", e.Name, err)
		}
		for _, part := range []struct {
			keys []string
			star bool
		}{{rel.plain, false}, {rel.starred, true}} {
			keys := part.keys
			for len(keys) > 0 { // in batches: one statement per 500 classes
				n := min(len(keys), 500)
				lits := make([]string, n)
				for i, k := range keys[:n] {
					lits[i] = "(" + duck.QuoteString(k) + ", " + strconv.FormatBool(part.star) + ")"
				}
				if _, err := tx.ExecContext(ctx, "INSERT INTO anon_released VALUES "+strings.Join(lits, ", ")); err != nil {
					tx.Rollback()
					return nil, fmt.Errorf("extract %s: %w", e.Name, err)
				}
				keys = keys[n:]
			}
		}
		q := fmt.Sprintf(`CREATE OR REPLACE TABLE %s AS
			WITH r AS (SELECT %s FROM deid_accident JOIN anon_released a ON %s = a.k)
			SELECT row_number() OVER (ORDER BY %s)::BIGINT AS record_id, *
			FROM r ORDER BY record_id`, duck.QuoteIdent(extractTable(e.Name)), strings.Join(cols, ", "), classKeySQL(e), order)
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
		info := kensho.ExtractInfo{Name: e.Name, Title: e.Title, Description: e.Description, Star: e.Star}
		starred := "0"
		for _, f := range e.Star {
			starred = "(SELECT count(*) FROM " + duck.QuoteIdent(extractTable(e.Name)) + " x WHERE x.fiscal_year = d.fiscal_year AND x." + duck.QuoteIdent(f) + " = '*')"
		}
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT d.fiscal_year, count(*)::INTEGER,
			(SELECT count(*) FROM %s x WHERE x.fiscal_year = d.fiscal_year)::INTEGER, %s::INTEGER
			FROM deid_accident d GROUP BY d.fiscal_year ORDER BY d.fiscal_year`, duck.QuoteIdent(extractTable(e.Name)), starred))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var y kensho.YearCount
			var all int
			if err := rows.Scan(&y.FiscalYear, &all, &y.Released, &y.Starred); err != nil {
				rows.Close()
				return nil, err
			}
			y.Withheld = all - y.Released
			info.Rows += y.Released
			info.Starred += y.Starred
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
// against the pattern: a released class holds exactly its accidents, no
// record belongs to a class the pattern withholds, and a starred class
// holds exactly the records of its group's hidden classes, and only where
// the pattern publishes it.
func checkExtracts(ctx context.Context, db *sql.DB, m *model.Model, extracts []kensho.Extract, pat *model.Pattern) ([]string, error) {
	var fails []string
	idx := m.Index()
	for _, e := range extracts {
		classes, err := m.ExtractClasses(e)
		if err != nil {
			return nil, err
		}
		byKey := map[string]model.Ref{}
		for ci, vals := range classes {
			byKey[strings.Join(vals, "\x1f")] = model.Ref{Extract: e.Name, Class: ci}
		}
		var stars [][]string
		if len(e.Star) > 0 {
			if stars, _, err = m.StarClasses(e); err != nil {
				return nil, err
			}
			for si, vals := range stars {
				byKey[strings.Join(vals, "\x1f")] = model.Ref{Extract: e.Name, Class: si, Star: true}
			}
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
		seen := map[model.Ref]float64{}
		for rows.Next() {
			var k string
			var n float64
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, err
			}
			ref, ok := byKey[k]
			col := idx[ref]
			switch {
			case !ok || col == nil:
				fails = append(fails, fmt.Sprintf("extract %s holds records of class %q, which is not one of its classes", e.Name, k))
			case pat.Status[col.ID] != model.Published:
				fails = append(fails, fmt.Sprintf("extract %s holds %v records of class %q, which is withheld", e.Name, n, k))
			default:
				seen[ref] = n
			}
		}
		rows.Close()
		for ci := range classes {
			ref := model.Ref{Extract: e.Name, Class: ci}
			col := idx[ref]
			if col == nil || pat.Status[col.ID] != model.Published {
				continue
			}
			if v := pat.Value[col.ID]; math.Abs(seen[ref]-v) > 0.5 {
				fails = append(fails, fmt.Sprintf("extract %s class %d holds %v records, the class counts %v", e.Name, ci, seen[ref], v))
			}
		}
		for si := range stars {
			ref := model.Ref{Extract: e.Name, Class: si, Star: true}
			col := idx[ref]
			if col == nil || pat.Status[col.ID] != model.Published {
				continue
			}
			if v := pat.Starred(col); math.Abs(seen[ref]-v) > 0.5 {
				fails = append(fails, fmt.Sprintf("extract %s starred class %d holds %v records, its group's hidden classes count %v", e.Name, si, seen[ref], v))
			}
		}
	}
	slices.Sort(fails)
	return fails, nil
}
