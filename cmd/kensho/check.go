package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho/reportfile"
)

var checkCmd = &command{
	Name:    "check",
	Summary: "check report files before sending them, with the rules of ingest; writes nothing",
	Usage:   "kensho check [--json] [--max-errors N] FILE_OR_DIR...",
	Help: `
Check reads quarterly accident report files as kensho ingest does and
reports every mistake, without a database and without writing anything: an
operator runs it before sending a file. The parsing, rules, codes and
messages are ingest's own (package reportfile), so a file that checks clean
loads without a quarantined row, and every error names the row as Excel
numbers it, the column as written in the file, the value, and what to do,
in Japanese and English. A directory is searched for .csv and .xlsx files,
in name order.

It also warns of what will matter at the ministry: a row below the quarterly
reporting threshold (below_threshold), a 四半期 row that meets the
serious-accident criteria (serious_as_quarterly), and a column that is not in
the report format (unknown_column). A report number used twice in the same
file is an error (duplicate_key): ingest loads only the first such row.

The counts of each file are complete; the errors and warnings listed are the
first N of each (--max-errors), so a large file full of mistakes is checked
in bounded memory. --json prints one JSON object (files, each with its
counts by code and lists, and totals). The blank report form to fill in is
made by kensho template.

Exit status: 0 when every row of every file is valid (warnings allowed); 1
when any row has an error or a file cannot be read.`,
	Examples: `  # Check one quarter's report before sending it
  kensho check 2024Q1_報告.xlsx

  # Check every report file of a folder, every error as JSON
  kensho check --json --max-errors 0 reports/ > check.json`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		asJSON := fs.Bool("json", false, "print one JSON object with every file's counts and listed errors")
		limit := fs.Int("max-errors", -1, "list at most `N` errors and N warnings per file (default 10, with --json 1000; 0 lists all); counts are always complete")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) == 0 {
				return usagef("check: no FILE_OR_DIR given")
			}
			n := *limit
			switch {
			case n < -1:
				return usagef("check: --max-errors must be 0 or more")
			case n == -1 && *asJSON:
				n = 1000
			case n == -1:
				n = 10
			}
			return runCheck(ctx, args, *asJSON, n, stdout)
		}
	},
}

// checkTotals adds up the files of a check.
type checkTotals struct {
	Files          int `json:"files"`
	FilesValid     int `json:"files_valid"`
	FilesInvalid   int `json:"files_invalid"`
	FilesRejected  int `json:"files_rejected"`
	RowsRead       int `json:"rows_read"`
	RowsValid      int `json:"rows_valid"`
	RowsWithErrors int `json:"rows_with_errors"`
	Errors         int `json:"errors"`
	Warnings       int `json:"warnings"`
}

func (t *checkTotals) add(c *reportfile.FileCheck) {
	t.Files++
	switch c.Status {
	case reportfile.StatusValid:
		t.FilesValid++
	case reportfile.StatusInvalid:
		t.FilesInvalid++
	default:
		t.FilesRejected++
	}
	t.RowsRead += c.RowsRead
	t.RowsValid += c.RowsValid
	t.RowsWithErrors += c.RowsWithErrors
	t.Errors += c.Errors
	t.Warnings += c.Warnings
}

// runCheck checks the files one at a time and prints each as soon as it
// is checked, so that only one file's lists are held at once.
func runCheck(ctx context.Context, paths []string, asJSON bool, limit int, stdout io.Writer) error {
	ew := &errWriter{w: stdout}
	var tot checkTotals
	if asJSON {
		ew.printf("{\n  \"files\": [")
	}
	for i, t := range reportfile.Targets(paths) {
		var c *reportfile.FileCheck
		if t.Err != nil {
			c = reportfile.RejectedCheck(t.Path, reportfile.Unreadable(t.Path, t.Err), limit)
		} else {
			var err error
			if c, err = reportfile.CheckPath(ctx, t.Path, limit); err != nil {
				return err
			}
		}
		tot.add(c)
		if asJSON {
			b, err := json.MarshalIndent(c, "    ", "  ")
			if err != nil {
				return err
			}
			if i > 0 {
				ew.printf(",")
			}
			ew.printf("\n    %s", b)
		} else {
			writeFileCheck(ew, c)
		}
	}
	if asJSON {
		b, err := json.MarshalIndent(tot, "  ", "  ")
		if err != nil {
			return err
		}
		if tot.Files > 0 {
			ew.printf("\n  ")
		}
		ew.printf("],\n  \"totals\": %s\n}\n", b)
	} else {
		ew.printf("total: %s (%d valid, %d with errors, %d rejected), %s rows read, %s valid, %s with errors; %s, %s\n",
			plural(tot.Files, "file", "files"), tot.FilesValid, tot.FilesInvalid, tot.FilesRejected,
			reportfile.Thousands(int64(tot.RowsRead)), reportfile.Thousands(int64(tot.RowsValid)),
			reportfile.Thousands(int64(tot.RowsWithErrors)), plural(tot.Errors, "error", "errors"),
			plural(tot.Warnings, "warning", "warnings"))
	}
	if ew.err != nil {
		return ew.err
	}
	if tot.Files == 0 {
		return fmt.Errorf("check: no .csv or .xlsx file in %s", strings.Join(paths, ", "))
	}
	if tot.FilesValid < tot.Files {
		return silentError{errors.New("a file has errors")}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return reportfile.Thousands(int64(n)) + " " + many
}

// writeFileCheck prints one file's result for a person.
func writeFileCheck(ew *errWriter, c *reportfile.FileCheck) {
	ew.printf("%s\n", reportfile.Heading(c.Path, c.Format, c.Encoding, c.Sheet))
	if c.Status == reportfile.StatusRejected {
		e := c.ErrorList[0]
		ew.printf("  rejected [%s]: %s\n    %s\n", e.Code, e.MessageJa, e.MessageEn)
		return
	}
	ew.printf("  %s: %s rows read, %s valid, %s with errors; %s, %s\n", c.Status,
		reportfile.Thousands(int64(c.RowsRead)), reportfile.Thousands(int64(c.RowsValid)),
		reportfile.Thousands(int64(c.RowsWithErrors)), plural(c.Errors, "error", "errors"),
		plural(c.Warnings, "warning", "warnings"))
	writeFindings(ew, "error", c.Errors, c.ErrorsByCode, c.ErrorList)
	writeFindings(ew, "warning", c.Warnings, c.WarningsByCode, c.WarningList)
}

// writeFindings prints the counts by code when there are several codes,
// the findings listed, and how many are not.
func writeFindings(ew *errWriter, kind string, total int, counts map[string]int, listed []reportfile.Error) {
	if len(counts) > 1 {
		ew.printf("  %ss by code: %s\n", kind, byCode(counts))
	}
	prefix := ""
	if kind == "warning" {
		prefix = "warning: "
	}
	for _, e := range listed {
		writeFinding(ew, prefix, e)
	}
	if n := total - len(listed); n > 0 {
		ew.printf("  ... %s not listed (kensho check --max-errors 0 lists them all)\n", plural(n, kind, kind+"s"))
	}
}

func writeFinding(ew *errWriter, kind string, e reportfile.Error) {
	col := e.Column
	if col == "" {
		col = "-"
	}
	where := fmt.Sprintf("row %d, %s = %q", e.Row, col, reportfile.Shown(e.Value))
	if e.Row == 0 {
		where = "column " + col
	}
	ew.printf("  %s%s [%s]\n    %s\n    %s\n", kind, where, e.Code, e.MessageJa, e.MessageEn)
}

// byCode lists counts by code, largest first, then by code.
func byCode(m map[string]int) string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { // deterministic output
		if m[codes[i]] != m[codes[j]] {
			return m[codes[i]] > m[codes[j]]
		}
		return codes[i] < codes[j]
	})
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %s", c, reportfile.Thousands(int64(m[c])))
	}
	return strings.Join(parts, ", ")
}

// errWriter keeps the first write error so that printing code stays plain.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
