package analytics

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

// codedColumns are the columns of deid_accident that hold a code of a code
// list (kensho.ListByName) and that the tables count by.
var codedColumns = []string{
	"form", "report_type", "impact", "service", "service_category", "cause_group", "cause",
	"eu_root_cause", "equipment", "equipment_class", "region", "duration_band", "users_band",
}

// codedColumn is a coded column and the ENUM type of its code list.
type codedColumn struct {
	Column string
	Enum   string
}

func coded() []codedColumn {
	out := make([]codedColumn, len(codedColumns))
	for i, c := range codedColumns {
		l := kensho.ListByName(c)
		q := make([]string, len(l.Codes))
		for j, code := range l.CodeStrings() {
			q[j] = duck.QuoteString(code)
		}
		out[i] = codedColumn{Column: c, Enum: "ENUM(" + strings.Join(q, ", ") + ")"}
	}
	return out
}

var (
	templates   = map[string]*template.Template{}
	templatesMu sync.Mutex
)

// render executes the embedded query template sql/<name>.sql.
func render(name string, data any) string {
	templatesMu.Lock()
	t := templates[name]
	if t == nil {
		t = template.Must(template.New(name).Parse(sqlText(name)))
		templates[name] = t
	}
	templatesMu.Unlock()
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		panic("analytics: sql/" + name + ".sql: " + err.Error())
	}
	return b.String()
}

// stageSeq numbers the private databases, so that two Computes on the same
// DuckDB instance never share one.
var stageSeq atomic.Int64

// stage is the private in-memory database that holds the accidents the
// tables count (prepare.sql).
type stage struct {
	db    *sql.DB
	alias string
	// Accidents is the qualified name of the prepared table.
	Accidents string
}

// prepare copies deid_accident into a private in-memory database with its
// codes as ENUMs, and fails when a coded column holds a value outside its
// code list. The caller closes the stage.
func prepare(ctx context.Context, db *sql.DB) (*stage, error) {
	s := &stage{db: db, alias: fmt.Sprintf("kensho_stats_%d", stageSeq.Add(1))}
	s.Accidents = s.alias + ".accident"
	// READ_WRITE: the restricted database may be open read-only; this
	// database is Compute's own.
	if _, err := db.ExecContext(ctx, "ATTACH ':memory:' AS "+duck.QuoteIdent(s.alias)+" (READ_WRITE)"); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	data := map[string]any{"Accidents": s.Accidents, "Coded": coded()}
	if _, err := db.ExecContext(ctx, render("prepare", data)); err != nil {
		s.close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if err := s.checkCodes(ctx, data); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// checkCodes fails, naming the column and the values, when a coded column
// holds a value outside its code list: ingest stores codes only, so this is
// a broken contract, and a table would silently lose the accident.
func (s *stage) checkCodes(ctx context.Context, data map[string]any) error {
	cols := coded()
	counts := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := s.db.QueryRowContext(ctx, render("coded_nulls", data)).Scan(dest...); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	var bad []string
	for i, c := range cols {
		if counts[i] == 0 {
			continue
		}
		rows, err := s.db.QueryContext(ctx, render("unknown_codes", c))
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		var vals []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("prepare: %w", err)
			}
			vals = append(vals, fmt.Sprintf("%q", v))
		}
		rows.Close()
		bad = append(bad, fmt.Sprintf("%d accidents have deid_accident.%s outside codes/%s.csv (%s)",
			counts[i], c.Column, kensho.ListByName(c.Column).Name, strings.Join(vals, ", ")))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s; ingest stores only codes of the code lists, so re-run ingest and anonymize with the current lists", strings.Join(bad, "; "))
	}
	return nil
}

// close detaches the private database, even when ctx is already done.
func (s *stage) close() error {
	_, err := s.db.ExecContext(context.Background(), "DETACH "+duck.QuoteIdent(s.alias))
	return err
}
