package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kensho-jp/kensho/reportfile"
)

var templateCmd = &command{
	Name:    "template",
	Summary: "write the blank report form (XLSX with dropdowns, or CSV) for operators",
	Usage:   "kensho template [--lang ja|en] --out FILE.xlsx|FILE.csv",
	Help: `
Template writes the blank quarterly accident report form that an operator
fills in and sends. An .xlsx workbook has the sheet 報告 with the header row
of the report format (Japanese headers, or with --lang en the English
aliases; both are read), a dropdown from the code list on every coded column
(様式, 報告区分, 事故の態様, 役務区分, 発生要因, 故障設備, the yes/no columns,
and the prefectures), an input message with each column's rule, date and
number formats, and a second sheet with every code list. A .csv file has the
header row alone, UTF-8 with a byte-order mark so that Excel opens it as it
is.

Fill in one row per accident below the header, save (as .xlsx, or as CSV
UTF-8 or CSV), and run kensho check on the file before sending it. The same
forms are on the public site's downloads page.`,
	Examples: `  # The workbook, in Japanese
  kensho template --out 報告様式.xlsx

  # The English workbook, and a CSV with the header row
  kensho template --lang en --out report-form.xlsx
  kensho template --out 報告様式.csv`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		lang := fs.String("lang", "ja", "the language of the headers and hints: `ja` or en")
		out := fs.String("out", "", "the `FILE` to write: .xlsx for the workbook, .csv for the header row")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) > 0 {
				return usagef("template: unexpected argument %q", args[0])
			}
			if *out == "" {
				return usagef("template: --out FILE.xlsx or --out FILE.csv is required")
			}
			if *lang != reportfile.LangJa && *lang != reportfile.LangEn {
				return usagef("template: --lang must be ja or en")
			}
			var write func(io.Writer, string) error
			switch strings.ToLower(filepath.Ext(*out)) {
			case ".xlsx":
				write = reportfile.WriteTemplateXLSX
			case ".csv":
				write = reportfile.WriteTemplateCSV
			default:
				return usagef("template: --out must end in .xlsx or .csv")
			}
			if err := writeFileAtomic(*out, 0o644, func(w io.Writer) error { return write(w, *lang) }); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s\n", *out)
			return nil
		}
	},
}

// writeFileAtomic writes path, with permissions perm, through a temporary
// file beside it, so that a failure leaves no half-written file.
func writeFileAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
