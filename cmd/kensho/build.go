package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/ingest"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

var buildCmd = &command{
	Name:    "build",
	Summary: "run the whole pipeline: ingest, anonymize, analytics, protect, site",
	Usage:   "kensho build [--in] PATH... --out DIR [--public FILE]... [--db PATH] [--config FILE] [--release-version V] [--release-date YYYY-MM-DD] [--base-url URL] [--publisher JA|EN] [--contact JA|EN] [--synthetic]",
	Help: `
Runs every stage in order — ingest → anonymize (de-identify) → analytics →
anonymize (protect and audit) → site — printing one line per stage and a
summary at the end.

The site is rendered into a temporary directory beside --out and replaces
--out with one rename only after the disclosure audit has passed, so a bad
file, a failed audit or a crash never leaves a half-published site. An --out
that exists and was not made by kensho is refused, not overwritten.

The restricted database (--db) holds operator names and free text; it is
created readable by its owner only and may not lie inside --out. Nothing in
--out comes from it except what the disclosure control released.

--public gives the register of public facts (docs/public-facts.md): a CSV
of the accidents the ministry or the operators have already published.
Each entry is matched to the report it describes (same operator, day and
service; users within 1 % and duration within 5 minutes of the published
figures); the disclosure control then treats those accidents as known to
every reader, and the site lists them on its public-cases page. A register
with an error stops the build before anything is published; entries that
match no report, or several, are counted on the deidentify line and listed
in the table public_fact_match of --db. The register is an input of each
build: a build without --public has no public facts.

The same inputs, configuration, version and date give a byte-identical
--out. The release date defaults to $SOURCE_DATE_EPOCH, else to the last
day of the latest fiscal quarter in the data — never to the clock.`,
	Examples: `  # Build the public site from the sample data (the two lines do the same)
  kensho build --in data --out public
  kensho build data --out public

  # Two directories of submissions, a stricter configuration, a named release
  kensho build --in 2024q1 --in 2024q2 --out public --config sdc.json --release-version 2025.1

  # With the register of accidents already published
  kensho build --in data --public public-facts.csv --out public

  # Who publishes it, and whom to ask (Japanese|English)
  kensho build --in data --out public --publisher '総務省 電気通信事故検証会議|Telecom Accident Verification Committee, MIC' \
      --contact 'jiko-toukei@example.go.jp'`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var cfg buildConfig
		fs.Var((*stringList)(&cfg.In), "in", "a file or directory of quarterly reports (repeatable; arguments after the flags count too)")
		fs.StringVar(&cfg.Out, "out", "", "the site `DIR` to create or replace")
		fs.Var((*stringList)(&cfg.Public), "public", "the register of public facts, a CSV `FILE` (repeatable; docs/public-facts.md)")
		fs.StringVar(&cfg.DB, "db", "kensho.duckdb", "the restricted database `PATH`")
		fs.StringVar(&cfg.ConfigFile, "config", "", "disclosure-control configuration `FILE` (JSON); default: safe defaults")
		fs.StringVar(&cfg.Version, "release-version", "", "release version shown on the site and in its citation (default: the latest fiscal quarter in the data, e.g. FY2024Q4)")
		cfg.Site.flags(fs)
		fs.StringVar(&cfg.Date, "release-date", "", "release date `YYYY-MM-DD` shown on the site")
		fs.StringVar(&cfg.MemoryLimit, "memory-limit", "", "memory budget of the build, e.g. 4GB: DuckDB gets 3/4 and spills to --temp-dir beyond it, Go's heap the rest (at most 1GiB); default: DuckDB's own limit, 80% of RAM")
		fs.StringVar(&cfg.TempDir, "temp-dir", "", "where DuckDB spills (default: beside --db)")
		fs.StringVar(&cfg.EChartsJS, "echarts", "", "`PATH` of an echarts.min.js to serve instead of the ECharts built into kensho")
		fs.StringVar(&cfg.CheckBundle, "check-bundle", "", "`DIR` of the check page's WebAssembly bundle (default: bin/check found upward from here; make build writes it)")
		fs.StringVar(&cfg.BaseURL, "base-url", "", "the site's public `URL` (https://example.jp/stats/): schema.org descriptions, datapackage.json and the Atom feeds then carry absolute URLs; default: relative links only")
		fs.BoolVar(&cfg.JSON, "json", false, "print the summary as one JSON object on stdout: rows, accidents, withheld_fiscal_years, cells, stage times")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			cfg.In = append(cfg.In, args...)
			return runBuild(ctx, cfg, stdout, stderr)
		}
	},
}

type buildConfig struct {
	In          []string
	Public      []string
	Out         string
	DB          string
	ConfigFile  string
	Version     string
	Date        string
	MemoryLimit string
	TempDir     string
	EChartsJS   string
	CheckBundle string
	BaseURL     string
	JSON        bool
	Site        siteOptions
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// buildSummary is what a build reports at the end (and with --json).
type buildSummary struct {
	RowsRead        int   `json:"rows_read"`
	RowsLoaded      int   `json:"rows_loaded"`
	RowsQuarantined int   `json:"rows_quarantined"`
	Accidents       int64 `json:"accidents"`
	// WithheldYears are the fiscal years left out of this release because
	// their accident count fails the disclosure rules (never null).
	WithheldYears []anonymize.WithheldYear `json:"withheld_fiscal_years"`
	// PublicFacts is how the register of public facts matched the
	// reports; absent without --public.
	PublicFacts   *anonymize.PublicFactMatches `json:"public_facts,omitempty"`
	Tables        int                          `json:"tables"`
	Cells         int                          `json:"cells"`
	Suppressed    int                          `json:"suppressed"`
	MicrodataRows int                          `json:"microdata_rows"`
	Pages         int                          `json:"pages"`
	Out           string                       `json:"out"`
	Stages        []stageTiming                `json:"stages"`
	Seconds       float64                      `json:"seconds"`
}

type stageTiming struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	// PeakRSS is the process's peak resident memory at the end of the
	// stage (so far, not the stage's own), where the kernel tells.
	PeakRSS int64 `json:"peak_rss_bytes,omitempty"`
}

func (c *buildConfig) validate() error {
	if c.Out == "" {
		return usagef("build: --out DIR is required")
	}
	if len(c.In) == 0 {
		return usagef("build: give at least one --in PATH")
	}
	if c.DB == "" {
		return usagef("build: --db must not be empty")
	}
	inside, err := isInside(c.DB, c.Out)
	if err != nil {
		return err
	}
	if inside {
		return usagef("build: --db %s lies inside --out %s; the restricted database must never be published", c.DB, c.Out)
	}
	for _, p := range c.Public {
		inside, err := isInside(p, c.Out)
		if err != nil {
			return err
		}
		if inside {
			return usagef("build: --public %s lies inside --out %s; the register names operators and the site directory is replaced whole", p, c.Out)
		}
	}
	// A --check-bundle that lacks the bundle is an error before the
	// other stages run (none found is not: see site.FindCheckBundle).
	if _, err := site.FindCheckBundle(c.CheckBundle); err != nil {
		return err
	}
	if c.Date != "" {
		if _, err := time.Parse("2006-01-02", c.Date); err != nil {
			return usagef("build: --release-date %q is not YYYY-MM-DD", c.Date)
		}
	}
	if _, err := splitMemory(c.MemoryLimit); err != nil {
		return usagef("build: %v", err)
	}
	if err := site.CheckBaseURL(c.BaseURL); err != nil {
		return usagef("build: --base-url: %v", err)
	}
	return nil
}

// isInside reports whether path is dir or lies below it.
func isInside(path, dir string) (bool, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(d, p)
	if err != nil {
		return false, nil
	}
	return rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..", nil
}

// The stages of a build, in the order data flows. This list is the one place
// the order is written.
func buildStages() []buildStage {
	return []buildStage{
		{"ingest", (*builder).ingest},
		{"deidentify", (*builder).deidentify},
		{"analytics", (*builder).analytics},
		{"protect", (*builder).protect},
		{"site", (*builder).site},
	}
}

type buildStage struct {
	Name string
	Run  func(*builder, context.Context) (string, error) // returns the progress line's detail
}

// builder carries the values that flow from stage to stage.
type builder struct {
	cfg      buildConfig
	sdc      anonymize.Config
	db       *sql.DB
	stderr   io.Writer
	summary  buildSummary
	computed *analytics.Result
	release  *kensho.Release
	// protected is the release the archive holds, until the site is out.
	protected *anonymize.Protected
	staging   *staging
}

func runBuild(ctx context.Context, cfg buildConfig, stdout, stderr io.Writer) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	sdc, err := anonymize.LoadConfig(cfg.ConfigFile)
	if err != nil {
		return err
	}
	if err := site.CheckOut(cfg.Out); err != nil {
		return err
	}
	cleanStaging(cfg.Out, stderr)
	tempDir := cfg.TempDir
	if tempDir == "" {
		tempDir = cfg.DB + ".tmp"
	}
	mem, err := splitMemory(cfg.MemoryLimit)
	if err != nil {
		return err
	}
	mem.apply()
	db, err := duck.Open(ctx, cfg.DB, duck.Options{MemoryLimit: mem.duckDB, TempDir: tempDir})
	if err != nil {
		return err
	}
	defer db.Close()

	b := &builder{cfg: cfg, sdc: sdc, db: db, stderr: stderr}
	b.summary.WithheldYears = []anonymize.WithheldYear{}
	defer b.cleanup()
	start := time.Now()
	for _, st := range buildStages() {
		testPause(st.Name)
		t0 := time.Now()
		detail, err := st.Run(b, ctx)
		if err != nil {
			fmt.Fprintf(stderr, "%-10s failed\n", st.Name)
			return err
		}
		d := time.Since(t0)
		b.summary.Stages = append(b.summary.Stages, stageTiming{st.Name, d.Seconds(), peakRSS()})
		fmt.Fprintf(stderr, "%-10s %6.1fs  %s\n", st.Name, d.Seconds(), detail)
	}
	b.summary.Seconds = time.Since(start).Seconds()
	b.summary.Out = cfg.Out
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(b.summary)
	}
	s := b.summary
	fmt.Fprintf(stdout, "kensho: %d rows read, %d loaded, %d quarantined; %d tables (%d of %d cells suppressed), %d microdata records, %d pages in %s (%.1fs)\n",
		s.RowsRead, s.RowsLoaded, s.RowsQuarantined, s.Tables, s.Suppressed, s.Cells, s.MicrodataRows, s.Pages, s.Out, s.Seconds)
	return nil
}

func (b *builder) cleanup() {
	b.staging.close()
}

func (b *builder) ingest(ctx context.Context) (string, error) {
	rep, err := ingest.Load(ctx, b.db, b.cfg.In, ingest.Config{
		Progress: b.stderr,
		// The crash test kills the build inside a file's transaction.
		BeforeCommit: func(string) { testPause("ingest-file") },
	})
	if err != nil {
		return "", err
	}
	// The load's Go memory (files in flight, the run's key set) goes back
	// to the system before DuckDB's heavy stages, so the two do not add up.
	debug.FreeOSMemory()
	b.summary.RowsRead, b.summary.RowsLoaded, b.summary.RowsQuarantined = rep.RowsRead, rep.RowsLoaded, rep.RowsQuarantined
	if rep.Rejected() {
		rep.WriteText(b.stderr)
		return "", errors.New("a file was rejected whole, so nothing was published; fix or remove it (see above) and run again. " +
			"ファイル全体が取り込めなかったため公開を中止しました。上の内容を確認してください。")
	}
	pub, err := ingest.LoadPublicFacts(ctx, b.db, b.cfg.Public, nil)
	if err != nil {
		return "", err
	}
	if !pub.Clean() {
		pub.WriteText(b.stderr)
		return "", errors.New("the register of public facts has errors (see above), so nothing was published: a public fact left out would make the protection assume readers know less than they do; fix the register and run again. " +
			"公表事実の台帳に誤りがあるため公開を中止しました。上の内容を確認して台帳を直してください。")
	}
	line := fmt.Sprintf("%d rows read, %d loaded, %d quarantined", rep.RowsRead, rep.RowsLoaded, rep.RowsQuarantined)
	if len(b.cfg.Public) > 0 {
		line += fmt.Sprintf("; register of public facts: %d entries", pub.RowsLoaded)
	}
	return line, nil
}

func (b *builder) deidentify(ctx context.Context) (string, error) {
	if err := anonymize.Deidentify(ctx, b.db, b.sdc.MinOperators); err != nil {
		return "", err
	}
	withheld, err := withholdYears(ctx, b.db, b.sdc, b.stderr)
	if err != nil {
		return "", err
	}
	if withheld != nil {
		b.summary.WithheldYears = withheld
	}
	if err := b.db.QueryRowContext(ctx, "SELECT count(*) FROM deid_accident").Scan(&b.summary.Accidents); err != nil {
		return "", fmt.Errorf("deidentify: %w", err)
	}
	if b.summary.Accidents == 0 {
		return "", errors.New("deidentify: no accident was loaded, so there is nothing to publish; check --in")
	}
	line := fmt.Sprintf("%d accidents", b.summary.Accidents)
	for _, y := range b.summary.WithheldYears {
		line += fmt.Sprintf("; FY%d withheld (%s)", y.FiscalYear, y.Rule)
	}
	pub, err := anonymize.LoadPublicFactMatches(ctx, b.db)
	if err != nil {
		return "", fmt.Errorf("deidentify: %w", err)
	}
	if pub != nil {
		b.summary.PublicFacts = pub
		line += "; " + pub.Line()
	}
	return line, nil
}

func (b *builder) analytics(ctx context.Context) (string, error) {
	res, err := analytics.Compute(ctx, b.db, analytics.Config{})
	if err != nil {
		return "", err
	}
	b.computed = res
	cells := 0
	for _, t := range res.Tables {
		for _, r := range t.Rows {
			cells += len(r.Cells)
		}
	}
	b.summary.Tables, b.summary.Cells = len(res.Tables), cells
	return fmt.Sprintf("%d tables, %d cells, FY%d–FY%d", len(res.Tables), cells, res.FiscalYears[0], res.LatestYear), nil
}

func (b *builder) protect(ctx context.Context) (string, error) {
	date, err := anonymizeReleaseDate(ctx, b.cfg.Date, b.db)
	if err != nil {
		return "", err
	}
	release, err := releaseVersion(ctx, b.cfg.Version, b.db)
	if err != nil {
		return "", err
	}
	p, err := anonymize.Protect(ctx, b.db, b.computed.Tables, analytics.Extracts(), b.sdc, anonymize.Options{ReleaseDate: releaseTime(date), Version: release})
	var auditErr *anonymize.AuditError
	if errors.As(err, &auditErr) && p != nil {
		// Fail closed, but keep the reasons where the operator of the
		// pipeline can read them.
		if werr := writeRiskReport(filepath.Dir(b.cfg.DB), b.cfg.DB, p.Risk); werr != nil {
			fmt.Fprintf(b.stderr, "kensho: %v\n", werr)
		}
		return "", fmt.Errorf("%w\nnothing was published; the previous site, if any, is unchanged", err)
	}
	if err != nil {
		return "", err
	}
	b.release = newRelease(b.computed, p, release, date)
	if err := addPublicCases(ctx, b.db, b.release); err != nil {
		return "", err
	}
	if err := anonymize.Publish(ctx, b.db, anonymize.ReleasePath(b.cfg.DB), b.release, p); err != nil {
		return "", err
	}
	// Archived before the site goes out, so a build that stops after
	// replacing the site never leaves a release the next one does not
	// know; MarkPublished records that it went out.
	if err := anonymize.Archive(ctx, b.db, release, date, p); err != nil {
		return "", err
	}
	b.protected = p
	// The internal risk report goes beside the restricted database, never
	// into --out.
	if err := writeRiskReport(filepath.Dir(b.cfg.DB), b.cfg.DB, p.Risk); err != nil {
		return "", err
	}
	suppressed := 0
	for _, t := range p.Tables {
		for _, r := range t.Rows {
			for _, c := range r.Cells {
				if c.Status == kensho.Suppressed {
					suppressed++
				}
			}
		}
	}
	rows, starred, withheld := 0, 0, 0
	for _, e := range p.Extracts {
		rows += e.Rows
		starred += e.Starred
		withheld += e.Withheld
	}
	b.summary.Suppressed, b.summary.MicrodataRows = suppressed, rows
	msg := fmt.Sprintf("%d cells suppressed, %d microdata records in %d extracts (%d with a field starred; %d withheld), audit passed", suppressed, rows, len(p.Extracts), starred, withheld)
	if a := p.Risk.Audit; a.ExactFailures > 0 {
		msg += fmt.Sprintf("; the audit's exact solver (%s) failed on %d of its %d questions, which kept kensho's own bounds (first: %s)",
			a.ExactSolver, a.ExactFailures, a.ExactQuestions, a.ExactError)
	}
	if over := p.Risk.OverDropCap(); len(over) > 0 {
		msg += fmt.Sprintf("; withheld records above microdata.max_dropped_pct (%g%%), as the rules required: %s",
			p.Risk.Parameters.Microdata.MaxDroppedPct, strings.Join(over, ", "))
	}
	return msg, nil
}

func (b *builder) site(ctx context.Context) (string, error) {
	staging, err := newStaging(b.cfg.Out)
	if err != nil {
		return "", fmt.Errorf("site: %w", err)
	}
	b.staging = staging
	st, err := site.Render(ctx, b.release, staging.dir, b.cfg.Site.apply(site.Options{EChartsJS: b.cfg.EChartsJS, CheckBundle: b.cfg.CheckBundle, BaseURL: b.cfg.BaseURL, Records: exportRecords(b.cfg.DB)}))
	if err != nil {
		return "", err
	}
	testPause("publish")
	// The crash test kills the build while it removes the old site.
	paused := false
	if err := staging.publish(b.cfg.Out, func(string) {
		if !paused {
			paused = true
			testPause("remove-old-site")
		}
	}); err != nil {
		return "", err
	}
	if err := anonymize.MarkPublished(ctx, b.db, b.protected); err != nil {
		return "", fmt.Errorf("site: published, but %w; run the build again to record it", err)
	}
	b.summary.Pages = st.Pages
	return fmt.Sprintf("%d pages, %.1f MB; %s", st.Pages, float64(st.Bytes)/1e6, checkPageNote(st)), nil
}

// newRelease assembles what the site may show from the protected tables;
// the summary is built from published cells only.
func newRelease(res *analytics.Result, p *anonymize.Protected, version, date string) *kensho.Release {
	return &kensho.Release{
		Version:      version,
		BuildDate:    date,
		FiscalYears:  res.FiscalYears,
		LatestYear:   res.LatestYear,
		PartialYears: res.PartialYears,
		Tables:       p.Tables,
		Summary:      analytics.Summarize(p.Tables, res.LatestYear),
		Risk:         p.Risk.Public(),
		Extracts:     p.Extracts,
		Revision:     p.Revision,
	}
}

// addPublicCases gives the release the public cases of the register of
// public facts (the site's public-cases page).
func addPublicCases(ctx context.Context, db *sql.DB, rel *kensho.Release) error {
	registered, cases, err := anonymize.PublicCases(ctx, db)
	if err != nil {
		return err
	}
	rel.PublicRegister, rel.PublicCases = registered, cases
	return nil
}

// testPause lets the crash-safety test stop the process at a named point:
// with KENSHO_TEST_PAUSE=<point> the build writes <point> to
// KENSHO_TEST_PAUSE_FILE and sleeps until killed.
func testPause(point string) {
	if os.Getenv("KENSHO_TEST_PAUSE") != point {
		return
	}
	if f := os.Getenv("KENSHO_TEST_PAUSE_FILE"); f != "" {
		os.WriteFile(f, []byte(point), 0o644)
	}
	time.Sleep(time.Hour)
}
