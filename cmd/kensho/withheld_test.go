package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/synth"
)

// TestBuildWithholdsPartialYear: data that ends in a fiscal year only one
// operator has reported yet. The build publishes the full years, leaves
// that year out of the release, and says which year and why in its JSON
// summary, on its stage line and in the risk report, and which year (not
// why) on the methodology page.
func TestBuildWithholdsPartialYear(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a build")
	}
	var all bytes.Buffer
	// WriteRows goes on past To: its rows after the full years are FY2025's.
	if _, err := synth.WriteRows(context.Background(), synth.Config{Seed: 11, From: 2024, To: 2024, Scale: 0.03}, 4000, &all); err != nil {
		t.Fatal(err)
	}
	recs, col := readReports(t, &all)
	keep := [][]string{recs[0]}
	partial, operator := 0, ""
	for _, r := range recs[1:] {
		if r[col["fiscal_year"]] != "2025" {
			keep = append(keep, r)
			continue
		}
		if operator == "" {
			operator = r[col["operator_id"]]
		}
		if r[col["operator_id"]] == operator && partial < 30 {
			keep = append(keep, r)
			partial++
		}
	}
	if partial == 0 || len(keep) < 1000 {
		t.Fatalf("the generated data has %d rows, %d of FY2025", len(keep)-1, partial)
	}
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(keep)
	if err := os.WriteFile(filepath.Join(in, "reports.csv"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out, db := filepath.Join(tmp, "public"), filepath.Join(tmp, "k.duckdb")
	stdout, stderr, err := runKensho(t, "build", "--in", in, "--out", out, "--db", db, "--release-version", "test", "--json")
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
	var sum struct {
		RowsLoaded    int `json:"rows_loaded"`
		Accidents     int `json:"accidents"`
		WithheldYears []struct {
			FiscalYear int    `json:"fiscal_year"`
			Rule       string `json:"rule"`
		} `json:"withheld_fiscal_years"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(sum.WithheldYears) != 1 || sum.WithheldYears[0].FiscalYear != 2025 || sum.WithheldYears[0].Rule != "min_operators" {
		t.Errorf("withheld_fiscal_years = %+v, want FY2025 by min_operators", sum.WithheldYears)
	}
	if sum.Accidents != sum.RowsLoaded-partial {
		t.Errorf("%d accidents published of %d loaded, want all but FY2025's %d", sum.Accidents, sum.RowsLoaded, partial)
	}
	if !strings.Contains(stderr, "FY2025 withheld (min_operators)") || !strings.Contains(stderr, "FY2025 は") {
		t.Errorf("the build's output does not say FY2025 is withheld:\n%s", stderr)
	}
	// The risk report lists the year with its rule; the public summary and
	// the methodology page name the year only.
	riskJSON, err := os.ReadFile(filepath.Join(tmp, "k.risk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var risk struct {
		WithheldYears []anonymize.WithheldYear `json:"withheld_fiscal_years"`
	}
	if err := json.Unmarshal(riskJSON, &risk); err != nil {
		t.Fatal(err)
	}
	if len(risk.WithheldYears) != 1 || risk.WithheldYears[0] != (anonymize.WithheldYear{FiscalYear: 2025, Rule: "min_operators"}) {
		t.Errorf("risk report withheld_fiscal_years = %+v, want FY2025 by min_operators", risk.WithheldYears)
	}
	for _, page := range []string{filepath.Join(tmp, "k.risk-public.md"), filepath.Join(out, "methodology", "index.html"), filepath.Join(out, "en", "methodology", "index.html")} {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("FY2025")) || bytes.Contains(b, []byte("min_operators")) {
			t.Errorf("%s does not name FY2025 as withheld, or names the rule it failed", page)
		}
	}
	rel, err := duck.Open(context.Background(), anonymize.ReleasePath(db), duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rel.Close()
	var tables []string
	rows, err := rel.Query("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'extract_%' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("the release holds no microdata extract")
	}
	for _, name := range tables {
		var n int
		if err := rel.QueryRow("SELECT count(*) FROM " + name + " WHERE fiscal_year::VARCHAR = '2025'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("extract %s holds %d FY2025 records", name, n)
		}
	}
}

// readReports reads a report CSV: its records (header first) and the
// column of each field the header names.
func readReports(t *testing.T, r io.Reader) ([][]string, map[string]int) {
	t.Helper()
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		if c, ok := kensho.ColumnByHeader(h); ok {
			col[c.Field] = i
		}
	}
	return recs, col
}
