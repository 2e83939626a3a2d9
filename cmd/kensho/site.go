package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/site"
)

var siteCmd = &command{
	Name:    "site",
	Summary: "render the public bilingual site from the release database",
	Usage:   "kensho site [--db PATH] --out DIR [--base-url URL] [--echarts PATH] [--check-bundle DIR] [--publisher JA|EN] [--contact JA|EN] [--synthetic]",
	Help: `
Renders the static bilingual (日本語 / English) site from the release
database that 'kensho anonymize' wrote beside --db (kensho.duckdb →
kensho.release.duckdb): the overview, causes, services, equipment, regions,
impact, serious accidents, natural disasters and trends pages, an annual
report per fiscal year (printable on A4), the data, methodology and about
pages, and the downloads in DIR/data/ (record-level CSV and Parquet, every
table as CSV, all tables in tables.xlsx and in tables.parquet (one row per
cell), dictionary.csv, datapackage.json, SHA256SUMS), and an Atom feed of
releases per language (feed.xml, en/feed.xml).

Every link is relative, so the site works from any address and from
file://. Give the site's public address with --base-url for the places
that want absolute URLs: the schema.org descriptions in each page, the
id and home of datapackage.json, and the feeds.

The site reads only the release database, which holds nothing but what
passed the disclosure control; the restricted database is never opened.
It is rendered into a temporary directory beside DIR and replaces DIR with
one rename at the end, so DIR is never half-written. A DIR that exists and
was not made by kensho is refused, not overwritten.

ECharts is built into kensho (the file npm installs for the version that
package-lock.json pins) and is copied into the site: no page loads anything
from another host, and the site works from file:// and from any sub-path.
--echarts serves another echarts.min.js instead.

The page check/ (報告ファイルの事前チェック) lets an operator check a report
file in the browser with the rules of kensho check: package reportfile
compiled to WebAssembly, which 'make build' packs into bin/check
(internal/wasmbundle) and the site copies; the file never leaves the
reader's computer.

The command prints the weight of the overview page and of the check page
(HTML, scripts and CSS, gzip).`,
	Examples: `  # Render the site after 'kensho anonymize --db kensho.duckdb'
  kensho site --db kensho.duckdb --out public

  # ECharts from another place
  kensho site --db kensho.duckdb --out public --echarts /opt/echarts/dist/echarts.min.js`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var cfg siteConfig
		fs.StringVar(&cfg.DB, "db", "kensho.duckdb", "the restricted database `PATH`; the release database beside it is read")
		fs.StringVar(&cfg.Out, "out", "", "the site `DIR` to create or replace")
		fs.StringVar(&cfg.BaseURL, "base-url", "", "the site's public `URL` (https://example.jp/stats/): schema.org descriptions, datapackage.json and the Atom feeds then carry absolute URLs; default: relative links only")
		fs.StringVar(&cfg.EChartsJS, "echarts", "", "`PATH` of an echarts.min.js to serve instead of the ECharts built into kensho")
		fs.StringVar(&cfg.CheckBundle, "check-bundle", "", "`DIR` of the check page's WebAssembly bundle (default: bin/check found upward from here; make build writes it)")
		cfg.Site.flags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("site: unexpected argument %q (the output directory is --out DIR)", args[0])
			}
			if cfg.Out == "" {
				return usagef("site: --out DIR is required")
			}
			if err := site.CheckBaseURL(cfg.BaseURL); err != nil {
				return usagef("site: --base-url: %v", err)
			}
			return runSite(ctx, cfg, stdout, stderr)
		}
	},
}

type siteConfig struct {
	DB          string
	Out         string
	EChartsJS   string
	CheckBundle string
	BaseURL     string
	Site        siteOptions
}

// siteOptions are what the site says of itself beyond the release: who
// publishes it, whom to ask, and whether its data are synthetic.
type siteOptions struct {
	Publisher, Contact string
	Synthetic          bool
}

func (o *siteOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.Publisher, "publisher", "", "who publishes the statistics, shown on every page and in the citation: `JA|EN` (Japanese|English, or one text for both; default: the Telecom Accident Verification Committee's statistics)")
	fs.StringVar(&o.Contact, "contact", "", "whom to ask about the statistics, shown on every page: `JA|EN` (an address or a URL, as text)")
	fs.BoolVar(&o.Synthetic, "synthetic", false, "the reports are synthetic (kensho synth, the sample in data/): every page says the figures are not real statistics")
}

// apply adds what the flags say of the site to opt.
func (o siteOptions) apply(opt site.Options) site.Options {
	opt.Publisher, opt.Contact, opt.Synthetic = bilingual(o.Publisher), bilingual(o.Contact), o.Synthetic
	return opt
}

// bilingual reads "日本語|English" (or one text for both languages).
func bilingual(s string) kensho.Text {
	ja, en, ok := strings.Cut(s, "|")
	if !ok {
		en = ja
	}
	return kensho.Text{Ja: strings.TrimSpace(ja), En: strings.TrimSpace(en)}
}

func runSite(ctx context.Context, cfg siteConfig, stdout, stderr io.Writer) error {
	if err := site.CheckOut(cfg.Out); err != nil {
		return err
	}
	if _, err := site.FindCheckBundle(cfg.CheckBundle); err != nil {
		return err
	}
	if _, err := site.FindECharts(cfg.EChartsJS); err != nil {
		return err
	}
	if inside(cfg.DB, cfg.Out) {
		return fmt.Errorf("site: the database %s lies inside the output directory %s, which is replaced and published; keep it outside. "+
			"データベースを出力先の外に置いてください", cfg.DB, cfg.Out)
	}
	relPath := anonymize.ReleasePath(cfg.DB)
	if _, err := os.Stat(relPath); err != nil {
		return fmt.Errorf("site: no release database at %s; run 'kensho anonymize --db %s' (or 'kensho build') first. "+
			"公開用データベースがありません。先に kensho anonymize を実行してください", relPath, cfg.DB)
	}
	rel, err := anonymize.LoadRelease(ctx, relPath)
	if err != nil {
		return err
	}
	cleanStaging(cfg.Out, stderr)
	staging, err := newStaging(cfg.Out)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	defer staging.close()
	st, err := site.Render(ctx, rel, staging.dir, cfg.Site.apply(site.Options{EChartsJS: cfg.EChartsJS, CheckBundle: cfg.CheckBundle, BaseURL: cfg.BaseURL, Records: exportRecords(cfg.DB)}))
	if err != nil {
		return err
	}
	if err := staging.publish(cfg.Out, nil); err != nil {
		return err
	}
	w := st.Weight("index.html")
	fmt.Fprintf(stdout, "kensho: %d pages, %d files, %.1f MB in %s; the overview weighs %.0f KB gzip (HTML, scripts, CSS; target %d KB); %s\n",
		st.Pages, st.Files, float64(st.Bytes)/1e6, cfg.Out, float64(w)/1024, site.OverviewWeightTarget>>10, checkPageNote(st))
	return nil
}

// checkPageNote says what the check page weighs, or that it was built
// without its in-browser check and how to add it.
func checkPageNote(st *site.Stats) string {
	if st.CheckOffline {
		return "the check page has no in-browser check (bin/check not found: " + site.CheckBundleHint + "); it tells operators to run kensho check"
	}
	return fmt.Sprintf("the check page with its WebAssembly weighs %.1f MB gzip", float64(st.Weight(site.CheckPageSlug+"/index.html"))/1e6)
}

// exportRecords writes the record-level files of the release beside db
// into the site's data directory; site.Render runs it while it renders.
func exportRecords(db string) func(context.Context, string) error {
	return func(ctx context.Context, dataDir string) error {
		return anonymize.ExportExtracts(ctx, anonymize.ReleasePath(db), dataDir)
	}
}

// inside reports whether path lies inside dir.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
