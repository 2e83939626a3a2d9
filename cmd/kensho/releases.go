package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
)

var releasesCmd = &command{
	Name:    "releases",
	Summary: "list the releases archived in the restricted database",
	Usage:   "kensho releases [--db PATH] [--json]",
	Help: `
Lists every release a build published from this restricted database,
oldest first: its version, its date, whether the build replaced the site
with it, how many input files it was built from, and how many figures of
the disclosure model (table cells and microdata classes) it had and hid.

The archive only grows. Each release keeps every figure with its status,
its true value and each operator's part, so that the next release is
protected together with every earlier one: a figure whose value changed
since an earlier release that published it is shown only when the change
itself passes the disclosure rules (it is never one operator's correction),
and a figure that did not change keeps the status it had. A release
archived but never marked published was archived by a build that stopped
before it replaced the site; it still counts as published when the next
release is protected. The archive lives in --db and nothing of it leaves
it but what the next release publishes.`,
	Examples: `  kensho releases --db kensho.duckdb
  kensho releases --db kensho.duckdb --json`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		db := fs.String("db", "kensho.duckdb", "the restricted database `PATH`")
		asJSON := fs.Bool("json", false, "print the list as JSON")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("releases: unexpected argument %q", args[0])
			}
			if _, err := os.Stat(*db); err != nil {
				return fmt.Errorf("releases: no database at %s; give the --db a build used", *db)
			}
			return runReleases(ctx, *db, *asJSON, stdout)
		}
	},
}

func runReleases(ctx context.Context, dbPath string, asJSON bool, stdout io.Writer) error {
	db, err := duck.Open(ctx, dbPath, duck.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := anonymize.ListReleases(ctx, db)
	if err != nil {
		return err
	}
	if asJSON {
		type entry struct {
			Version   string `json:"version"`
			Date      string `json:"date"`
			Published bool   `json:"published"`
			Inputs    int    `json:"input_files"`
			Figures   int    `json:"figures"`
			Hidden    int    `json:"hidden"`
		}
		out := make([]entry, len(list))
		for i, r := range list {
			out[i] = entry{r.Version, r.Date, r.Published, r.Inputs, r.Figures, r.Hidden}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(list) == 0 {
		fmt.Fprintf(stdout, "no release archived in %s yet: kensho build archives each release it publishes\n", dbPath)
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tDATE\tPUBLISHED\tINPUT FILES\tFIGURES\tHIDDEN")
	for _, r := range list {
		pub := "yes"
		if !r.Published {
			pub = "not marked (the build stopped before the site)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\n", r.Version, r.Date, pub, r.Inputs, r.Figures, r.Hidden)
	}
	return w.Flush()
}
