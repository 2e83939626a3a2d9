package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"

	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
)

var ingestCmd = &command{
	Name:    "ingest",
	Summary: "load operators' quarterly report files (CSV, XLSX) into the database",
	Usage:   "kensho ingest [--db PATH] [--json] FILE_OR_DIR...",
	Help: `
Ingest reads operators' quarterly accident reports and loads them into the
restricted database. Files are CSV (UTF-8 with or without BOM, or
Shift_JIS/CP932 as Japanese Excel writes it; the encoding is detected) or
XLSX (the sheet 報告, else the first; title rows above the header are
skipped). A directory is searched for .csv and .xlsx files, in name order.

Every row is checked against every rule of the report format. A row with an
error is not loaded: it goes to quarantine with all its errors, each naming
the row as Excel numbers it, the column as written in the file, the value,
and what to do, in Japanese and English. The other rows load. A file that
cannot be read at all (unknown encoding, not a spreadsheet, a required
column missing) is rejected whole, and the other files still load.

A row whose 登録・届出番号 and 事業者整理番号 were loaded before replaces the
earlier version (a correction); the earlier one is kept in accident_history.
A file already loaded (same bytes) changes nothing. Each file loads whole or
not at all: small files share a transaction, and if it fails each is loaded
again on its own, so that a file the database refuses is rejected (with the
database's reason) and the others load.

A file is rejected whole, before it is read, when a part of an XLSX workbook
is larger than its limit once uncompressed (shared strings 128 MiB, a
worksheet 3 GiB, any other part 64 MiB, all parts 4 GiB, one row of a sheet
64 MiB), and as soon as more than 10,000 of its rows, and more than the rows
without, have errors: reading any file takes bounded memory.

The summary lists per file the rows read, loaded, quarantined and warned
about, and the first 10 errors; --json prints one JSON object with the first
1,000 errors of each file and every file's count instead. The table
quarantine_error of the database holds every error. Exit status: 0 when the load ran, even with quarantined rows; 1
when a file was rejected whole or the database failed.`,
	Examples: `  # Load one operator's quarter
  kensho ingest reports/2024Q1_operatorA.xlsx

  # Load every file of a directory into a chosen database
  kensho ingest --db .build/kensho.duckdb data/

  # Every error as JSON, e.g. to send back to the operators
  kensho ingest --json data/ > ingest.json`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		db := fs.String("db", "kensho.duckdb", "the restricted DuckDB database `PATH` (created when missing)")
		asJSON := fs.Bool("json", false, "print one JSON object with every file and every error")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) == 0 {
				return usagef("ingest: no FILE_OR_DIR given")
			}
			return runIngest(ctx, *db, *asJSON, args, stdout, stderr)
		}
	},
}

func runIngest(ctx context.Context, dbPath string, asJSON bool, paths []string, stdout, stderr io.Writer) error {
	db, err := duck.Open(ctx, dbPath, duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var progress io.Writer
	if f, ok := stderr.(*os.File); ok {
		progress = f // ingest draws the bar only if it is a terminal
	}
	rep, err := ingest.Load(ctx, db, paths, ingest.Config{Progress: progress})
	if err != nil {
		return err
	}
	if err := duck.Restrict(dbPath); err != nil {
		return err
	}
	if asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Rejected() {
		return silentError{errors.New("a file was rejected")}
	}
	return nil
}
