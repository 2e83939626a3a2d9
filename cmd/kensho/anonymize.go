package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
)

var anonymizeCmd = &command{
	Name:    "anonymize",
	Summary: "de-identify, protect and audit the statistics, and write the release database",
	Usage:   "kensho anonymize --db PATH [--config FILE] [--report DIR] [--release-version V] [--release-date YYYY-MM-DD]",
	Help: `
Runs the disclosure control on a restricted database that 'kensho ingest'
filled: de-identifies the accidents (deid_accident), computes the report's
tables, decides every cell (too few operators or one or two dominant ones:
suppressed; then secondary suppression over all tables and years so that no
suppressed cell can be recomputed), builds the record-level microdata, and
audits the result independently — every cell recomputed from the records,
every suppressed cell bounded by linear programming as the public and as
each operator, every published string scanned for operators' names,
numbers, mail addresses and phone numbers.

Only if every check passes does it write the release database beside --db
(kensho.duckdb → kensho.release.duckdb), in one rename; 'kensho site' renders
it. If a check fails, nothing is written, the previous release stays as it
was, the reasons are printed and the command exits 1.

The internal risk report (parameters, counts by rule, audit ratios,
microdata costs, fiscal years left out whole and the rule each failed) is
written to --report DIR as <db>.risk.json, with the
public summary for the methodology page as <db>.risk-public.md. It is for
the people who run kensho: never put it inside a published site.

秘匿処理と独立監査を行い、すべての確認に合格した場合に限り公表用データベースを書き出します。
監査に失敗した場合は何も書き出さず、理由を表示して終了コード1で終了します。`,
	Examples: `  # After 'kensho ingest --db kensho.duckdb data/'
  kensho anonymize --db kensho.duckdb

  # Stricter parameters, the risk report in a directory of its own
  kensho anonymize --db kensho.duckdb --config sdc.json --report reports/`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var c anonymizeConfig
		fs.StringVar(&c.DB, "db", "kensho.duckdb", "the restricted database `PATH`")
		fs.StringVar(&c.ConfigFile, "config", "", "disclosure-control configuration `FILE` (JSON); default: safe defaults")
		fs.StringVar(&c.ReportDir, "report", "", "`DIR` for the internal risk report (default: beside --db)")
		fs.StringVar(&c.Version, "release-version", "", "release `VERSION` recorded in the release and cited on the site (default: the latest fiscal quarter in the data, e.g. FY2024Q4)")
		fs.StringVar(&c.Date, "release-date", "", "release date `YYYY-MM-DD` (default: $SOURCE_DATE_EPOCH, else the last day of the latest quarter in the data)")
		fs.BoolVar(&c.Verbose, "verbose", false, "print the time each step took")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("anonymize: unexpected argument %q", args[0])
			}
			if c.Date != "" {
				if _, err := time.Parse("2006-01-02", c.Date); err != nil {
					return usagef("anonymize: --release-date %q is not a date YYYY-MM-DD", c.Date)
				}
			}
			return runAnonymize(ctx, c, stdout, stderr)
		}
	},
}

type anonymizeConfig struct {
	DB, ConfigFile, ReportDir, Version, Date string
	Verbose                                  bool
}

func runAnonymize(ctx context.Context, c anonymizeConfig, stdout, stderr io.Writer) error {
	cfg, err := anonymize.LoadConfig(c.ConfigFile)
	if err != nil {
		return err
	}
	reportDir := c.ReportDir
	if reportDir == "" {
		reportDir = filepath.Dir(c.DB)
	}
	if _, err := os.Stat(filepath.Join(reportDir, "index.html")); err == nil {
		return usagef("anonymize: --report %s looks like a published site (it holds index.html); the risk report is internal, choose another directory", reportDir)
	}
	if _, err := os.Stat(c.DB); err != nil {
		return fmt.Errorf("anonymize: no database at %s; run 'kensho ingest --db %s FILES' first / データベースがありません", c.DB, c.DB)
	}
	db, err := duck.Open(ctx, c.DB, duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	lap := func(step string) {
		if c.Verbose {
			fmt.Fprintf(stderr, "  %-24s %6.2f s\n", step, time.Since(start).Seconds())
		}
		start = time.Now()
	}

	if err := anonymize.Deidentify(ctx, db, cfg.MinOperators); err != nil {
		return err
	}
	if _, err := withholdYears(ctx, db, cfg, stderr); err != nil {
		return err
	}
	var accidents int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM deid_accident").Scan(&accidents); err != nil {
		return fmt.Errorf("anonymize: %w", err)
	}
	if accidents == 0 {
		return errors.New("anonymize: the database holds no accident, so there is nothing to publish; run 'kensho ingest' first")
	}
	fmt.Fprintf(stdout, "anonymize: %d accidents de-identified\n", accidents)
	lap("de-identify")

	res, err := analytics.Compute(ctx, db, analytics.Config{})
	if err != nil {
		return err
	}
	lap("analytics")

	date, err := anonymizeReleaseDate(ctx, c.Date, db)
	if err != nil {
		return err
	}
	release, err := releaseVersion(ctx, c.Version, db)
	if err != nil {
		return err
	}
	p, err := anonymize.Protect(ctx, db, res.Tables, analytics.Extracts(), cfg, anonymize.Options{ReleaseDate: releaseTime(date), Version: release})
	var auditErr *anonymize.AuditError
	if errors.As(err, &auditErr) && p != nil {
		if werr := writeRiskReport(reportDir, c.DB, p.Risk); werr != nil {
			fmt.Fprintf(stderr, "kensho: %v\n", werr)
		}
		fmt.Fprintf(stderr, "kensho: %v\n", err)
		fmt.Fprintf(stderr, "kensho: nothing was published; the previous release, if any, is unchanged. The risk report is in %s.\n", reportDir)
		return silentError{err}
	}
	if err != nil {
		return err
	}
	if c.Verbose {
		for _, l := range p.Timings {
			fmt.Fprintf(stderr, "    %-26s %6.2f s\n", l.Step, l.Seconds)
		}
	}
	lap("protect and audit")

	rel := newRelease(res, p, release, date)
	if err := addPublicCases(ctx, db, rel); err != nil {
		return err
	}
	releasePath := anonymize.ReleasePath(c.DB)
	if err := anonymize.Publish(ctx, db, releasePath, rel, p); err != nil {
		if errors.As(err, &auditErr) {
			fmt.Fprintf(stderr, "kensho: %v\n", err)
			fmt.Fprintln(stderr, "kensho: nothing was published; the previous release, if any, is unchanged.")
			return silentError{err}
		}
		return err
	}
	// The release database is what the site is rendered from: archived
	// now, and marked published (kensho site reads only the release
	// database and cannot tell the archive it went out).
	if err := anonymize.Archive(ctx, db, release, date, p); err != nil {
		return err
	}
	if err := anonymize.MarkPublished(ctx, db, p); err != nil {
		return err
	}
	lap("publish")
	if err := writeRiskReport(reportDir, c.DB, p.Risk); err != nil {
		return err
	}

	r := p.Risk
	fmt.Fprintf(stdout, "anonymize: %d tables, %d cells; %d suppressed (%.1f%%), %.1f%% of national and yearly totals kept\n",
		len(r.Tables), r.Overall.Cells, r.Overall.Suppressed, 100*r.Overall.ShareSuppressed, 100*r.Overall.TotalsKept)
	for _, e := range r.Extracts {
		fmt.Fprintf(stdout, "anonymize: extract %s: %d of %d records released (%d withheld, %.1f%%)\n",
			e.Name, e.Released, e.Records, e.Withheld, 100*e.ShareWithheld)
	}
	if over := r.OverDropCap(); len(over) > 0 {
		fmt.Fprintf(stdout, "anonymize: withheld records above microdata.max_dropped_pct (%g%%), as the rules required: %s\n",
			r.Parameters.Microdata.MaxDroppedPct, strings.Join(over, ", "))
	}
	fmt.Fprintf(stdout, "anonymize: audit passed: minimum interval ratio %s (insiders %s), %d hidden figures bounded in %d components\n",
		ratioText(r.Audit.MinRatio), ratioText(r.Audit.MinInsiderRatio), r.Audit.Hidden, r.Model.Components)
	if a := r.Audit; a.ExactFailures > 0 {
		fmt.Fprintf(stdout, "anonymize: the audit's exact solver (%s) failed on %d of its %d questions, which kept kensho's own bounds (first: %s)\n",
			a.ExactSolver, a.ExactFailures, a.ExactQuestions, a.ExactError)
	}
	fmt.Fprintf(stdout, "anonymize: release written to %s; risk report in %s\n", releasePath, reportDir)
	return nil
}

// ratioText prints an audit ratio; ratios are pursued up to a cap, so the
// cap reads "at least".
func ratioText(p *float64) string {
	if p == nil {
		return "n/a (no primary cell)"
	}
	if *p >= 2 {
		return "≥ 2"
	}
	return strconv.FormatFloat(*p, 'f', 3, 64)
}

// writeRiskReport writes the internal JSON report and the public Markdown
// beside each other, atomically each.
func writeRiskReport(dir, dbPath string, r *anonymize.RiskReport) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("risk report: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(dbPath), ".duckdb")
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		return fmt.Errorf("risk report: %w", err)
	}
	pub := r.Public()
	for name, b := range map[string][]byte{
		base + ".risk.json":      js.Bytes(),
		base + ".risk-public.md": []byte(pub.Ja + "\n\n---\n\n" + pub.En),
	} {
		path := filepath.Join(dir, name)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return fmt.Errorf("risk report: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("risk report: %w", err)
		}
	}
	return nil
}

// anonymizeReleaseDate: the flag, else $SOURCE_DATE_EPOCH, else the last day
// of the latest fiscal quarter with data — never the clock.
// releaseVersion is the version a reader cites: the one given, else the
// latest fiscal quarter of the release's data (FY2024Q4), which names what
// the release covers and does not depend on the clock or on the software.
// A second release of the same quarter (corrections) is given a version of
// its own (--release-version FY2024Q4.2).
func releaseVersion(ctx context.Context, flagVersion string, db *sql.DB) (string, error) {
	if flagVersion != "" {
		return flagVersion, nil
	}
	var fy, q int
	if err := db.QueryRowContext(ctx, "SELECT fiscal_year, quarter FROM deid_accident ORDER BY fiscal_year DESC, quarter DESC LIMIT 1").Scan(&fy, &q); err != nil {
		return "", fmt.Errorf("release version: %w", err)
	}
	return kensho.FiscalQuarter{Year: fy, Quarter: q}.String(), nil
}

func anonymizeReleaseDate(ctx context.Context, flagDate string, db *sql.DB) (string, error) {
	if flagDate != "" {
		return flagDate, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		return time.Unix(sec, 0).In(kensho.JST).Format("2006-01-02"), nil
	}
	var fy, q int
	if err := db.QueryRowContext(ctx, "SELECT fiscal_year, quarter FROM deid_accident ORDER BY fiscal_year DESC, quarter DESC LIMIT 1").Scan(&fy, &q); err != nil {
		return "", fmt.Errorf("release date: %w", err)
	}
	return kensho.FiscalQuarter{Year: fy, Quarter: q}.End().AddDate(0, 0, -1).Format("2006-01-02"), nil
}

// releaseTime reads a release date (YYYY-MM-DD) as the end of that day in
// Japan: every accident of the release ended before it.
func releaseTime(date string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", date, kensho.JST)
	if err != nil {
		return time.Time{}
	}
	return t.AddDate(0, 0, 1)
}

// withholdYears leaves out of the release every fiscal year whose accident
// count fails the primary rules (a year just begun, or one operator's), and
// says so: its data stays in the restricted database and is published once
// the year passes the rules.
func withholdYears(ctx context.Context, db *sql.DB, cfg anonymize.Config, stderr io.Writer) ([]anonymize.WithheldYear, error) {
	years, err := anonymize.WithholdUnsafeYears(ctx, db, cfg)
	if err != nil {
		return nil, err
	}
	for _, y := range years {
		fmt.Fprintf(stderr, "kensho: FY%d is left out of this release: its accidents come from too few operators, or one dominates (%s); "+
			"it will be published once it passes the disclosure rules. "+
			"FY%d は報告した事業者が少ないか一社の比重が大きいため、今回は公表しません。\n", y.FiscalYear, y.Rule, y.FiscalYear)
	}
	return years, nil
}
