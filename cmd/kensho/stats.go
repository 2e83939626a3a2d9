package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

var statsCmd = &command{
	Name:    "stats",
	Summary: "compute the report's tables and write them, protected, as CSV",
	Usage:   "kensho stats --db PATH --out DIR [--config FILE]",
	Help: `
Computes every table of the annual verification report from the restricted
database (after 'kensho ingest'), applies the disclosure control and its
audit, and writes each table as DIR/<table>.csv — the same files the site
publishes under data/tables/. Suppressed cells are written X; true zeros 0.
If the audit fails nothing is written and the command exits 1.

It writes CSV for review only: it does not touch the release database or
the site ('kensho anonymize' and 'kensho site' do).`,
	Examples: `  kensho ingest --db kensho.duckdb data/
  kensho stats --db kensho.duckdb --out review/tables`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		db := fs.String("db", "kensho.duckdb", "the restricted database `PATH`")
		out := fs.String("out", "", "the `DIR` to write the CSV files into")
		config := fs.String("config", "", "disclosure-control configuration `FILE` (JSON)")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("stats: unexpected argument %q", args[0])
			}
			if *out == "" {
				return usagef("stats: --out DIR is required")
			}
			return runStats(ctx, *db, *out, *config, stdout)
		}
	},
}

func runStats(ctx context.Context, dbPath, out, configFile string, stdout io.Writer) error {
	cfg, err := anonymize.LoadConfig(configFile)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("stats: no database at %s; run 'kensho ingest --db %s FILES' first", dbPath, dbPath)
	}
	db, err := duck.Open(ctx, dbPath, duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := anonymize.Deidentify(ctx, db, cfg.MinOperators); err != nil {
		return err
	}
	res, err := analytics.Compute(ctx, db, analytics.Config{})
	if err != nil {
		return err
	}
	date, err := anonymizeReleaseDate(ctx, "", db)
	if err != nil {
		return err
	}
	p, err := anonymize.Protect(ctx, db, res.Tables, analytics.Extracts(), cfg, anonymize.Options{ReleaseDate: releaseTime(date)})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	for i := range p.Tables {
		t := &p.Tables[i]
		b, err := site.TableCSV(t, res.PartialYears...)
		if err != nil {
			return fmt.Errorf("stats: %s: %w", t.Name, err)
		}
		if err := os.WriteFile(filepath.Join(out, t.Name+".csv"), b, 0o644); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
	}
	fmt.Fprintf(stdout, "kensho stats: %d tables written to %s\n", len(p.Tables), out)
	return nil
}
