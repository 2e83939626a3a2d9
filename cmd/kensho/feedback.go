package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/feedback"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/site"
)

var feedbackCmd = &command{
	Name:    "feedback",
	Summary: "write one operator's private feedback report (its accidents beside the published national figures)",
	Usage:   "kensho feedback --db PATH --operator ID --out DIR [--year FY]",
	Help: `
Feedback writes a private report for one reporting operator, in Japanese
and English (feedback.ja.html, feedback.en.html in DIR): its own accidents
of a fiscal year by cause, service, equipment, duration and affected users,
beside the national figures, with its share of each; its accidents over the
years beside the national ones; its rows of the year that were quarantined,
with every error (and whether a later file corrected them); the warnings on
its rows; and the files they came from.

The operator's own figures come from the restricted database (--db), the
national ones only from the release database beside it (what 'kensho
anonymize' or 'kensho build' published): a national value that the
disclosure control withheld is shown as a dash, never computed, so the
report holds no figure derived from another operator's unpublished data.
The report is static HTML with its styles inside, printable, and loads
nothing from anywhere. It names the operator: send it to that operator
only. DIR may not lie inside a site made by kensho.`,
	Examples: `  # The report of operator T-0001 for the latest fiscal year of the release
  kensho feedback --db kensho.duckdb --operator T-0001 --out feedback/T-0001

  # For an earlier year
  kensho feedback --db kensho.duckdb --operator T-0001 --year 2023 --out feedback/T-0001-2023`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		db := fs.String("db", "kensho.duckdb", "the restricted database `PATH`; the release database beside it is read")
		op := fs.String("operator", "", "the operator's 登録・届出番号 (operator_id) `ID`")
		out := fs.String("out", "", "the `DIR` to write the report into (created when missing)")
		year := fs.Int("year", 0, "the fiscal `FY` (default: the latest year of the release)")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("feedback: unexpected argument %q", args[0])
			}
			if *op == "" || *out == "" {
				return usagef("feedback: --operator ID and --out DIR are required")
			}
			return runFeedback(ctx, *db, *op, *out, *year, stdout)
		}
	},
}

func runFeedback(ctx context.Context, dbPath, operator, out string, year int, stdout io.Writer) error {
	if dir, err := insideSite(out); err != nil {
		return err
	} else if dir != "" {
		return fmt.Errorf("feedback: %s lies inside the site %s; a private report must never be published. "+
			"出力先 %s は公開サイト %s の中にあります。別の --out を指定してください", out, dir, out, dir)
	}
	relPath := anonymize.ReleasePath(dbPath)
	if _, err := os.Stat(relPath); err != nil {
		return fmt.Errorf("feedback: no release database at %s; run 'kensho anonymize --db %s' (or 'kensho build') first", relPath, dbPath)
	}
	rel, err := anonymize.LoadRelease(ctx, relPath)
	if err != nil {
		return err
	}
	db, err := duck.Open(ctx, dbPath, duck.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := feedback.Build(ctx, db, rel, feedback.Config{Operator: operator, Year: year})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	for _, lang := range feedback.Langs {
		var b bytes.Buffer
		if err := r.WriteHTML(&b, lang); err != nil {
			return err
		}
		path := filepath.Join(out, feedback.FileName(lang))
		if err := writeFileAtomic(path, 0o600, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}

// insideSite returns the directory of a site made by kensho (one holding
// site.MarkerFile) that path is or lies in, following symbolic links of
// the part of path that exists; "" when there is none.
func insideSite(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	// Resolve the longest existing prefix: a link into a site counts.
	rest := ""
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			p = filepath.Join(real, rest)
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
	for d := p; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, site.MarkerFile)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
}
