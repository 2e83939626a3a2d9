package ingest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

func columnType(t *testing.T, db *sql.DB, table, col string) string {
	t.Helper()
	var typ string
	if err := db.QueryRow(`SELECT data_type FROM duckdb_columns() WHERE table_name = $1 AND column_name = $2`, table, col).Scan(&typ); err != nil {
		t.Fatal(err)
	}
	return typ
}

// asText turns the coded columns back into text, as an earlier kensho
// wrote them.
func asText(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, table := range []string{"accident", "accident_history"} {
		for _, col := range codedColumns {
			if _, err := db.Exec("ALTER TABLE " + table + " ALTER " + col + " TYPE VARCHAR"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCodedColumnsAreEnums(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustLoad(t, db, "testdata/utf8.csv")
	for _, table := range []string{"accident", "accident_history"} {
		for _, col := range codedColumns {
			if got, want := columnType(t, db, table, col), kensho.ListByName(col).SQLEnum(); got != want {
				t.Errorf("%s.%s is %s, want %s", table, col, got, want)
			}
		}
	}
}

// A database whose coded columns are text (an earlier kensho) is brought
// to ENUMs by the next load, its rows unchanged.
func TestTextColumnsBecomeEnums(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustLoad(t, db, "testdata/utf8.csv")
	before := queryInt(t, db, "SELECT count(*) FROM accident")
	var services string
	if err := db.QueryRow("SELECT string_agg(service, ',' ORDER BY report_no) FROM accident").Scan(&services); err != nil {
		t.Fatal(err)
	}
	asText(t, db)
	mustLoad(t, db, "testdata/cp932.csv")
	if got, want := columnType(t, db, "accident", "service"), kensho.Services.SQLEnum(); got != want {
		t.Errorf("accident.service is %s after the load, want %s", got, want)
	}
	if got, want := columnType(t, db, "accident_history", "cause"), kensho.Causes.SQLEnum(); got != want {
		t.Errorf("accident_history.cause is %s after the load, want %s", got, want)
	}
	var after string
	if err := db.QueryRow("SELECT string_agg(service, ',' ORDER BY report_no) FROM accident WHERE source_file LIKE '%utf8.csv'").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != services || queryInt(t, db, "SELECT count(*) FROM accident WHERE source_file LIKE '%utf8.csv'") != before {
		t.Errorf("the rows of the first load changed: services %q, want %q", after, services)
	}
}

// A stored code that this version's list lacks stops the load before
// anything is written, naming the table, column and code list.
func TestUnknownStoredCodeStopsTheLoad(t *testing.T) {
	db := duck.MustOpenMemory(t)
	mustLoad(t, db, "testdata/utf8.csv")
	asText(t, db)
	if _, err := db.Exec("UPDATE accident SET service = 'telegraph' WHERE rowid = (SELECT min(rowid) FROM accident)"); err != nil {
		t.Fatal(err)
	}
	files := queryInt(t, db, "SELECT count(*) FROM ingest_file")
	_, err := Load(context.Background(), db, []string{"testdata/cp932.csv"}, Config{Now: fixedNow})
	if err == nil || !strings.Contains(err.Error(), "accident.service") || !strings.Contains(err.Error(), "services.csv") ||
		!strings.Contains(err.Error(), "--db") {
		t.Fatalf("err = %v", err)
	}
	if got := columnType(t, db, "accident", "form"); got != "VARCHAR" {
		t.Errorf("accident.form is %s after the failed load, want it left as text", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM ingest_file"); got != files {
		t.Errorf("ingest_file has %d rows after the failed load, want %d", got, files)
	}
}
