// Package site renders the public, bilingual (日本語 / English) statistics
// site from a *kensho.Release: pages for the overview, causes, services,
// equipment, regions, impact, serious accidents, natural disasters, trends,
// one annual report per fiscal year, downloads, methodology, the changes
// since the previous release and about; an accessible table and a CSV under
// every chart; and the downloads in data/ (every table as CSV, all of them
// in one XLSX and in one Parquet file, each figure with e-Stat's marks p and
// r in all three, the list of revised figures, the data dictionary, a
// Frictionless Data Package and SHA256SUMS).
//
// site only renders what the disclosure control released. It never imports
// database/sql and never reads a database (an in-memory DuckDB serves only
// to encode data/tables.parquet from the cells it is given); it refuses a
// cell that has not been through the disclosure control. No page loads
// anything from another host: ECharts, embedded in kensho, is copied into the site,
// every link is relative, and the pages read fine without JavaScript (the
// tables are the content; the charts are an enhancement).
package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho"
)

// Options tune Render.
type Options struct {
	// EChartsJS is the path of an echarts.min.js to serve instead of the
	// copy embedded in kensho (see echarts.go); "" serves the embedded one.
	EChartsJS string
	// BaseURL is the site's public address (https://example.jp/stats/).
	// When set, the schema.org descriptions, datapackage.json and the Atom
	// feeds carry absolute URLs and every page names its canonical address;
	// "" keeps every link relative, and the site works from any address.
	BaseURL string
	// Publisher names who publishes the statistics, and Contact how to
	// reach them (an address or a URL, shown as text); every page shows
	// both, and the citation example names the publisher. A zero
	// Publisher is the committee whose statistics these are (ui
	// "site.owner"); a zero Contact is not shown.
	Publisher, Contact kensho.Text
	// Synthetic says the release was built from synthetic data (a demo):
	// every page says so, so that no figure is taken for a real one.
	Synthetic bool
	// Records writes the record-level files, data/microdata_<name>.csv
	// and .parquet per extract, into dataDir (anonymize.ExportExtracts).
	// Render runs it while it renders the pages, which do not need those
	// files, and waits for it before it hashes the downloads; a failed
	// render cancels its context. Nil means the caller has written them.
	Records func(ctx context.Context, dataDir string) error
	// CheckBundle is the directory of the browser check's WebAssembly
	// bundle (internal/wasmbundle); "" searches upward from the working
	// directory for bin/check, and builds the check page without the
	// in-browser check when there is none (Stats.CheckOffline).
	CheckBundle string
}

// Stats describes a rendered site.
type Stats struct {
	Pages int   // HTML pages, both languages
	Files int   // every file written, downloads and assets included
	Bytes int64 // their total size
	// CheckOffline: no check bundle was found, so the check page tells
	// operators to run kensho check instead of checking in the browser.
	CheckOffline bool
	// Weights is what a browser downloads for each page (HTML, scripts and
	// CSS, each gzip-compressed as a web server would send it), by path,
	// sorted by path.
	Weights []PageWeight
}

// PageWeight is the gzip-compressed weight of one page with its scripts and CSS.
type PageWeight struct {
	Path      string
	GzipBytes int64
}

// Weight returns the weight of the page at path ("index.html"), or -1.
func (s *Stats) Weight(path string) int64 {
	for _, w := range s.Weights {
		if w.Path == path {
			return w.GzipBytes
		}
	}
	return -1
}

// OverviewWeightTarget is the most the overview page may weigh (HTML,
// scripts and CSS, gzip).
const OverviewWeightTarget = 500 << 10

// MarkerFile marks a directory as a site made by kensho, so that Publish
// may replace it and nothing else.
const MarkerFile = ".kensho-site"

// ExtractFile is the base name of a microdata extract's files in data/,
// written by anonymize.ExportExtracts through Options.Records (or by the
// caller before Render): microdata_<name>.csv and .parquet.
func ExtractFile(name string) string { return "microdata_" + name }

// isExtractFile reports whether a path below data/ is an extract's file.
func isExtractFile(p string) bool { return strings.HasPrefix(p, "microdata_") }

// topicPages are the pages that show tables, in the order of the annual
// verification report.
var topicPages = []string{"overview", "causes", "services", "equipment", "regions", "impact", "serious", "disasters", "trends"}

// navPages are the pages of the navigation, in its order: the topics, the
// cases already public (beside them, as the serious accidents' own
// figures), then the reports, the data, the methodology, the changes since
// the previous release and the site.
func navPages() []string {
	return append(append([]string{}, topicPages...), "public-cases", "report", "downloads", "methodology", changesSlug, "about")
}

var tableName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// Render writes the whole site into dir (a fresh staging directory made by
// the caller): everything but the record-level files, which opt.Records
// (or the caller, before) writes, and data/SHA256SUMS last, covering every
// file under data/.
func Render(ctx context.Context, rel *kensho.Release, dir string, opt Options) (*Stats, error) {
	if rel == nil {
		return nil, errors.New("site: no release to render")
	}
	if err := checkRelease(rel); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if err := checkTables(rel); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if err := checkRevision(rel); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if opt.Records == nil {
		if err := checkRecords(rel, dir); err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
	}
	js, err := FindECharts(opt.EChartsJS)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	base, err := checkBaseURL(opt.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bundle, err := FindCheckBundle(opt.CheckBundle)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	r, err := newRenderer(ctx, rel, dir, js, base, opt)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	r.checkBundle = bundle
	var recErr error
	recDone := make(chan struct{})
	go func() {
		defer close(recDone)
		if opt.Records != nil {
			recErr = opt.Records(ctx, filepath.Join(dir, "data"))
		}
		if recErr == nil {
			recErr = checkRecords(rel, dir)
		}
		if recErr != nil {
			cancel() // stop rendering what will not be published
		}
	}()
	r.awaitRecords = func() error { <-recDone; return recErr }
	err = r.run()
	cancel() // a failed render stops the export
	if rerr := r.awaitRecords(); rerr != nil && (err == nil || errors.Is(err, context.Canceled)) {
		err = rerr // the export failed first; rendering only stopped for it
	}
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	return r.stats()
}

// checkRecords makes sure the record-level files are there before the
// downloads are hashed and listed.
func checkRecords(rel *kensho.Release, dir string) error {
	for _, e := range rel.Extracts {
		for _, f := range []string{ExtractFile(e.Name) + ".csv", ExtractFile(e.Name) + ".parquet"} {
			if _, err := os.Stat(filepath.Join(dir, "data", f)); err != nil {
				return fmt.Errorf("data/%s is missing from %s; the record-level files are written by anonymize.ExportExtracts (Options.Records) before the site is complete: %w", f, dir, err)
			}
		}
	}
	return nil
}

// checkTables refuses tables the site cannot place: an unknown page or
// chart kind, a name that is not a safe file name, a name used twice.
func checkTables(rel *kensho.Release) error {
	seen := map[string]bool{}
	for _, t := range rel.Tables {
		if !tableName.MatchString(t.Name) {
			return fmt.Errorf("table %q: the name must be lower-case letters, digits and _ (it is a file name)", t.Name)
		}
		if seen[t.Name] {
			return fmt.Errorf("table %s appears twice in the release", t.Name)
		}
		seen[t.Name] = true
		if pageIndex(t.Page) < 0 {
			return fmt.Errorf("table %s: page %q is not one of %s", t.Name, t.Page, strings.Join(topicPages, ", "))
		}
		switch t.Chart {
		case "bar", "line", "table":
		default:
			return fmt.Errorf("table %s: chart %q is not bar, line or table", t.Name, t.Chart)
		}
		if len(t.Measures) == 0 {
			return fmt.Errorf("table %s has no measure", t.Name)
		}
		cols := map[string]bool{}
		for _, c := range tableCSVHead(&t) {
			if cols[c] {
				return fmt.Errorf("table %s: two columns of its CSV are named %s (a measure's marks are <measure>_mark, a dimension's labels <dim>_ja and <dim>_en); rename the measure or the dimension", t.Name, c)
			}
			cols[c] = true
		}
	}
	return nil
}

func pageIndex(p string) int {
	for i, q := range topicPages {
		if q == p {
			return i
		}
	}
	return -1
}

// CheckOut reports whether out may receive a site: it does not exist, is an
// empty directory, or holds a site made by kensho. Call it before any work
// so that a mistyped --out fails at once.
func CheckOut(out string) error {
	if out == "" {
		return errors.New("no output directory given (--out)")
	}
	fi, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output %s exists and is not a directory; choose another --out. 出力先 %s はディレクトリではありません", out, out)
	}
	if _, err := os.Stat(filepath.Join(out, MarkerFile)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	if len(entries) == 0 {
		return nil
	}
	return fmt.Errorf("output %s exists and was not made by kensho (no %s in it), so it is not replaced; choose another --out or remove it. "+
		"出力先 %s は kensho が作成したものではないため置き換えません。別の --out を指定するか削除してください", out, MarkerFile, out)
}

// sortedPaths returns the keys of m sorted (deterministic output order).
func sortedPaths[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
