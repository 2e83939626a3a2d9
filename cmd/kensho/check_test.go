package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/reportfile"
)

// checkOutput is what kensho check --json prints.
type checkOutput struct {
	Files  []reportfile.FileCheck `json:"files"`
	Totals checkTotals            `json:"totals"`
}

// runCheckJSON runs kensho check --json --max-errors 0 on paths.
func runCheckJSON(t *testing.T, paths ...string) (checkOutput, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"check", "--json", "--max-errors", "0"}, paths...), &out, &errOut)
	var got checkOutput
	if jerr := json.Unmarshal(out.Bytes(), &got); jerr != nil {
		t.Fatalf("check --json printed no JSON (%v): %s\nstderr: %s", jerr, out.String(), errOut.String())
	}
	return got, err
}

// TestCheckMatchesIngest: over ingest's own fixtures, kensho check reports
// exactly the errors kensho ingest reports (every field, messages
// included, in the same order), the same counts per file, and the same
// warnings ingest stores in ingest_warning.
func TestCheckMatchesIngest(t *testing.T) {
	fixtures := "../../ingest/testdata"
	db, err := duck.Open(context.Background(), filepath.Join(t.TempDir(), "k.duckdb"), duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := ingest.Load(context.Background(), db, []string{fixtures}, ingest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := runCheckJSON(t, fixtures)
	var se silentError
	if !errors.As(err, &se) {
		t.Fatalf("check of files with errors returned %v, want exit status 1", err)
	}
	if len(got.Files) != len(rep.Files) || len(got.Files) < 8 {
		t.Fatalf("check read %d files, ingest %d", len(got.Files), len(rep.Files))
	}
	var checkErrs []reportfile.Error
	for i, c := range got.Files {
		f := rep.Files[i]
		if c.Path != f.Path {
			t.Fatalf("file %d: check %s, ingest %s", i, c.Path, f.Path)
		}
		checkErrs = append(checkErrs, c.ErrorList...)
		wantStatus := map[string]string{ingest.StatusRejected: reportfile.StatusRejected}[f.Status]
		if wantStatus == "" {
			wantStatus = reportfile.StatusValid
			if f.RowsQuarantined > 0 {
				wantStatus = reportfile.StatusInvalid
			}
		}
		if c.Status != wantStatus || c.RowsRead != f.RowsRead || c.RowsValid != f.RowsLoaded ||
			c.RowsWithErrors != f.RowsQuarantined || c.Warnings != f.Warnings || len(c.ErrorList) != c.Errors {
			t.Errorf("%s: check %s %d read/%d valid/%d with errors/%d warnings; ingest %s %d/%d/%d/%d", c.Path,
				c.Status, c.RowsRead, c.RowsValid, c.RowsWithErrors, c.Warnings,
				f.Status, f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.Warnings)
		}
		// The warnings ingest stored for this file; DuckDB keeps no
		// insertion order during a load, so both sides are sorted.
		rows, err := db.Query(`SELECT source_row, column_header, value, code, message_ja, message_en
			FROM ingest_warning WHERE source_file = ?`, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		var stored []reportfile.Error
		for rows.Next() {
			e := reportfile.Error{File: f.Path}
			if err := rows.Scan(&e.Row, &e.Column, &e.Value, &e.Code, &e.MessageJa, &e.MessageEn); err != nil {
				t.Fatal(err)
			}
			stored = append(stored, e)
		}
		rows.Close()
		sortFindings(stored)
		sortFindings(c.WarningList)
		if diff := cmp.Diff(stored, c.WarningList, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: warnings (-ingest +check):\n%s", c.Path, diff)
		}
	}
	if diff := cmp.Diff(rep.Errors, checkErrs); diff != "" {
		t.Errorf("errors (-ingest +check):\n%s", diff)
	}
	if len(checkErrs) < 20 {
		t.Errorf("only %d errors: the fixtures should hold every kind", len(checkErrs))
	}
}

// sortFindings orders findings by row, column and code.
func sortFindings(es []reportfile.Error) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Code < b.Code
	})
}

// TestCheckExitAndLimit: a valid file exits 0; the text output lists at
// most --max-errors errors of a file and says how many it left out, while
// its counts stay complete.
func TestCheckExitAndLimit(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check", "../../ingest/testdata/utf8.csv"}, &out, &out); err != nil {
		t.Fatalf("valid file: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "valid: 6 rows read, 6 valid, 0 with errors") {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	err := run(context.Background(), []string{"check", "--max-errors", "3", "../../ingest/testdata/mistakes.csv"}, &out, &out)
	if report(err, &bytes.Buffer{}) != exitFailure {
		t.Errorf("file with errors: %v, want exit status 1", err)
	}
	if n := strings.Count(out.String(), "\n  row "); n != 3 {
		t.Errorf("%d errors listed, want 3:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "21 errors") || !strings.Contains(out.String(), "18 errors not listed") {
		t.Errorf("counts or the note of what is not listed are missing:\n%s", out.String())
	}
	got, _ := runCheckJSON(t, "../../ingest/testdata/mistakes.csv", "no-such-file.csv")
	if got.Totals.Files != 2 || got.Totals.FilesRejected != 1 || got.Files[1].ErrorList[0].Code != reportfile.CodeUnreadable {
		t.Errorf("totals %+v, second file %+v", got.Totals, got.Files[1])
	}
	err = run(context.Background(), []string{"check", "--max-errors", "-2", "x.csv"}, &out, &out)
	if report(err, &bytes.Buffer{}) != exitUsage {
		t.Errorf("--max-errors -2: %v, want a usage error", err)
	}
}
