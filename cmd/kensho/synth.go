package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho/synth"
)

var synthCmd = &command{
	Name:    "synth",
	Summary: "generate synthetic quarterly reports (sample data, tests, benchmarks)",
	Usage:   "kensho synth [--seed N] [--from FY] [--to FY] [--scale X] [--operators N] [--format csv|cp932|xlsx|mixed] [--layout operator|export|mixed] [--errors RATE] [--corrections RATE] [--public FILE] --out DIR",
	Help: `
Synth writes synthetic quarterly accident reports in exactly the input
contract (docs/report-format.md): per-operator quarterly submissions and/or
the regulator's consolidated per-quarter exports, with Japanese headers and,
in XLSX, a title block above the header. Every operator, person, vendor and
model in them is fictional; volumes, causes, affected users, durations,
seasons, disasters and serious accidents are calibrated to published figures
(see synth/params.go and data/README.md).

The same flags give byte-identical files. Files are written under
DIR/FY<year>/; an existing file is never overwritten. Generation streams, so
--scale 10 (ten times the national volume) runs in bounded memory.

Without --errors every row is valid. --errors RATE gives that share of rows a
realistic mistake (a mistyped code, swapped dates, a number typed in
full-width with its unit, ...) for ingest demos and tests. --corrections RATE
re-reports that share of accidents in a later file (..._teisei) with a
changed value.

--public FILE also writes a register of public facts for the data
(docs/public-facts.md): every accident filed as serious, as the ministry
would announce it (operator name, day, service, users rounded to three
significant figures, minutes, cause, a link under the reserved .example
domain). It is as synthetic as the reports; give it to kensho build
--public. FILE must lie outside --out.`,
	Examples: `  # the sample in data/ (what 'make data' runs)
  kensho synth --seed 20261124 --from 2013 --to 2024 --scale 0.06 --format mixed --layout mixed --corrections 0.005 --out data

  # ten years at ten times the national volume, one CSV per quarter
  kensho synth --scale 10 --layout export --out /tmp/big

  # two years with the register of their serious accidents, then a build that uses it
  kensho synth --from 2023 --to 2024 --scale 0.05 --public /tmp/s/public-facts.csv --out /tmp/s/reports
  kensho build --in /tmp/s/reports --public /tmp/s/public-facts.csv --out /tmp/s/site

  # a small set with mistakes, for trying ingest's quarantine
  kensho synth --from 2024 --to 2024 --scale 0.01 --errors 0.05 --out /tmp/bad`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var cfg synth.Config
		var out string
		fs.Int64Var(&cfg.Seed, "seed", 1, "random `seed`; the same seed and flags give byte-identical files")
		fs.IntVar(&cfg.From, "from", synth.DefaultFrom, "first fiscal `year` (FY2008 or later)")
		fs.IntVar(&cfg.To, "to", synth.DefaultTo, "last fiscal `year`")
		fs.Float64Var(&cfg.Scale, "scale", 1, "volume relative to the national one (1 = about 57,000 reports a year)")
		fs.IntVar(&cfg.Operators, "operators", 0, fmt.Sprintf("`number` of operators (0 = the default population of %d)", synth.DefaultOperators()))
		fs.StringVar(&cfg.Format, "format", "csv", "file `format`: "+strings.Join(synth.Formats, ", ")+" (mixed: each operator its own)")
		fs.StringVar(&cfg.Layout, "layout", "operator", "`layout`: "+strings.Join(synth.Layouts, ", ")+" (mixed: exports, then the last year as submissions)")
		fs.Float64Var(&cfg.Errors, "errors", 0, "share of rows with a realistic mistake (0 to 1)")
		fs.Float64Var(&cfg.Corrections, "corrections", 0, "share of accidents re-reported in a later file (0 to 1)")
		fs.StringVar(&out, "out", "", "output `directory` (required)")
		fs.StringVar(&cfg.PublicFacts, "public", "", "also write a register of public facts (the serious accidents, as announced) to `FILE`, outside --out")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if out == "" {
				return usagef("synth: --out DIR is required")
			}
			if len(args) > 0 {
				return usagef("synth: unexpected arguments %q", args)
			}
			if _, err := cfg.WithDefaults(); err != nil {
				return usagef("%v", err)
			}
			sum, err := synth.Generate(ctx, cfg, out)
			if err != nil {
				return err
			}
			printSynthSummary(stdout, out, sum)
			return nil
		}
	},
}

func printSynthSummary(w io.Writer, out string, s *synth.Summary) {
	fmt.Fprintf(w, "wrote %d files to %s: %d rows (%d accidents, %d corrections, %d rows with mistakes), %d operators\n",
		len(s.Files), out, s.Rows, s.Accidents, s.Corrections, s.ErrorRows, s.Operators)
	var yfs []synth.YearForm
	for yf := range s.RowsByYearForm {
		yfs = append(yfs, yf)
	}
	// By year, then form: deterministic output.
	sort.Slice(yfs, func(i, j int) bool {
		if yfs[i].FiscalYear != yfs[j].FiscalYear {
			return yfs[i].FiscalYear < yfs[j].FiscalYear
		}
		return yfs[i].Form < yfs[j].Form
	})
	fmt.Fprintln(w, "fiscal year  form        accidents  operators")
	for _, yf := range yfs {
		fmt.Fprintf(w, "FY%d       %-10s  %9d  %9d\n", yf.FiscalYear, yf.Form, s.RowsByYearForm[yf], s.OperatorsByYearForm[yf])
	}
	if s.Accidents > 0 {
		fmt.Fprintf(w, "under 500 users: %.1f%%; meeting the serious criteria: %d (%d filed as 重大)\n",
			100*float64(s.UnderFiveHundred)/float64(s.Accidents), s.MeetsSerious, s.ReportedSerious)
	}
	for _, form := range []string{"full", "simplified"} {
		groups := s.CauseGroups[form]
		total := int64(0)
		for _, n := range groups {
			total += n
		}
		if total == 0 {
			continue
		}
		fmt.Fprintf(w, "causes (%s):", form)
		for _, g := range []string{"equipment", "human", "external", "unknown"} {
			fmt.Fprintf(w, " %s %.1f%%", g, 100*float64(groups[g])/float64(total))
		}
		fmt.Fprintln(w)
	}
	if len(s.ErrorsByKind) > 0 {
		var kinds []string
		for k := range s.ErrorsByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds) // deterministic output
		fmt.Fprint(w, "mistakes:")
		for _, k := range kinds {
			fmt.Fprintf(w, " %s %d", k, s.ErrorsByKind[k])
		}
		fmt.Fprintln(w)
	}
}
