package ingest

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"text/template"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

//go:embed sql/schema.sql
var schemaSQL string

// codedColumns are the columns of accident stored as the ENUM of their
// code list (kensho.ListByName).
var codedColumns = []string{"form", "report_type", "impact", "service", "cause_group", "cause", "equipment"}

// createTables creates the tables ingest owns when missing, and brings
// the coded columns of accident and accident_history to this version's
// code lists: a database written while a list was shorter, or with text
// columns by an earlier kensho, is altered in one transaction. A stored
// code that a list no longer has stops the load with the column named.
func createTables(ctx context.Context, db *sql.DB) error {
	t, err := template.New("schema").Funcs(template.FuncMap{"enum": kensho.SQLEnumOf}).Parse(schemaSQL)
	if err != nil {
		return fmt.Errorf("ingest: sql/schema.sql: %w", err)
	}
	var q bytes.Buffer
	if err := t.Execute(&q, nil); err != nil {
		return fmt.Errorf("ingest: sql/schema.sql: %w", err)
	}
	if _, err := db.ExecContext(ctx, q.String()); err != nil {
		return fmt.Errorf("ingest: create tables: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer tx.Rollback()
	altered := false
	for _, table := range []string{"accident", "accident_history"} {
		for _, col := range codedColumns {
			var typ string
			err := tx.QueryRowContext(ctx, `SELECT data_type FROM duckdb_columns()
				WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 AND column_name = $2`,
				table, col).Scan(&typ)
			if err == sql.ErrNoRows {
				// A table of another shape: newLoadSteps names its columns.
				continue
			}
			if err != nil {
				return fmt.Errorf("ingest: %s.%s: %w", table, col, err)
			}
			want := kensho.ListByName(col).SQLEnum()
			if typ == want {
				continue
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s ALTER %s TYPE %s", table, col, want)); err != nil {
				if !duck.IsConversionError(err) {
					return fmt.Errorf("ingest: %s.%s: %w", table, col, err)
				}
				return fmt.Errorf("ingest: %s.%s holds a code that is not in this version's codes/%s.csv, so it cannot become %s "+
					"(%w); load into a new --db, or correct the code in the earlier database", table, col, kensho.ListByName(col).Name, want, err)
			}
			altered = true
		}
	}
	if !altered {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	return nil
}
