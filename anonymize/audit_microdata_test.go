package anonymize

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/duck"
)

// TestAuditCatchesAlteredMicrodata: a released value that is not the
// record's own fails the audit, in the integer fiscal year and in a text
// field, and so does a released record without a source.
func TestAuditCatchesAlteredMicrodata(t *testing.T) {
	ctx := context.Background()
	db, _, _ := fxDB(t, fxSpec{operators: 40, perYear: 1500, years: []int{2024}, seed: 35, skew: 0.8})
	tables := buildTables(t, db, reportSpecs[:3])
	cfg := DefaultConfig()
	p, err := Protect(ctx, db, tables, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE released AS SELECT * FROM microdata_release"); err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, f := range microdataFields[1:] {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM released WHERE %s <> '*'", duck.QuoteIdent(f.Name))).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			text = f.Name
			break
		}
	}
	if text == "" {
		t.Fatal("every text field of the microdata is generalized away")
	}
	for col, changed := range map[string]string{
		"fiscal_year": "fiscal_year - 1",
		text:          duck.QuoteIdent(text) + " || 'x'",
	} {
		q := duck.QuoteIdent(col)
		view := fmt.Sprintf(`CREATE OR REPLACE VIEW microdata_release AS SELECT * REPLACE (
			CASE WHEN record_id = (SELECT min(record_id) FROM released WHERE CAST(%s AS VARCHAR) <> '*') THEN %s ELSE %s END AS %s)
			FROM released`, q, changed, q, q)
		if _, err := db.Exec(view); err != nil {
			t.Fatal(err)
		}
		res, err := runAudit(ctx, db, cfg, tables, p.Tables)
		if err != nil {
			t.Fatal(err)
		}
		if want := "microdata column " + col + ": 1 values differ"; !strings.Contains(strings.Join(res.failures, "\n"), want) {
			t.Errorf("%s changed: the audit missed it; failures: %v", col, res.failures)
		}
	}
	// A released record that no accident is the source of.
	if _, err := db.Exec(`CREATE OR REPLACE VIEW microdata_release AS SELECT * REPLACE (
		CASE WHEN record_id = 1 THEN -1 ELSE record_key END AS record_key) FROM released`); err != nil {
		t.Fatal(err)
	}
	res, err := runAudit(ctx, db, cfg, tables, p.Tables)
	if err != nil {
		t.Fatal(err)
	}
	if want := "1 records without a source"; !strings.Contains(strings.Join(res.failures, "\n"), want) {
		t.Errorf("a record without a source: the audit missed it; failures: %v", res.failures)
	}
}
