package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kensho-jp/kensho/reportfile"
)

// File statuses in a Report. ingest_file stores loaded and rejected; a
// skipped file was already loaded (same SHA-256) and nothing changed.
const (
	StatusLoaded   = "loaded"
	StatusRejected = "rejected"
	StatusSkipped  = "skipped"
)

// Report is what a load did, file by file. It marshals to the JSON that
// `kensho ingest --json` prints; in it and in every FileReport,
// RowsRead = RowsLoaded + RowsQuarantined.
type Report struct {
	Files           []FileReport `json:"files"`
	RowsRead        int          `json:"rows_read"`
	RowsLoaded      int          `json:"rows_loaded"`
	RowsQuarantined int          `json:"rows_quarantined"`
	// Errors lists the errors: each of a quarantined row's errors, and
	// the one reason of each rejected file (row 0 unless it is the
	// header's). Files in load order, then by row and column. Of a file
	// it lists the first MaxListedErrors; FileReport.Errors counts them
	// all, and the table quarantine_error holds them all.
	Errors []Error `json:"errors"`

	// errorTable is the table that holds every error (default
	// quarantine_error), for the summary's last word on a long list.
	errorTable string
}

// MaxListedErrors is how many errors of one file a Report lists: a file
// of a million rows with errors would otherwise make a report of
// gigabytes (and hold it in memory).
const MaxListedErrors = 1000

// FileReport is one file's outcome.
type FileReport struct {
	Path            string `json:"path"`
	SHA256          string `json:"sha256"`
	Status          string `json:"status"`
	RowsRead        int    `json:"rows_read"`
	RowsLoaded      int    `json:"rows_loaded"`
	RowsQuarantined int    `json:"rows_quarantined"`
	Warnings        int    `json:"warnings"`
	// Errors counts the file's errors; ErrorsListed are in Report.Errors
	// (the first MaxListedErrors), all are in the table quarantine_error.
	Errors       int `json:"errors"`
	ErrorsListed int `json:"errors_listed"`

	format, encoding, sheet string
	note                    reportfile.Message   // why rejected or skipped
	fileWarnings            []reportfile.Problem // warnings about the file as a whole
}

// Error is one error in a user's file: where it is, what it holds, and
// what to do, in Japanese and English.
type Error = reportfile.Error

// Rejected reports whether any file was rejected as a whole (the command
// then exits 1).
func (r *Report) Rejected() bool {
	for _, f := range r.Files {
		if f.Status == StatusRejected {
			return true
		}
	}
	return false
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// maxTextErrors is how many errors per file the human summary shows; the
// JSON report lists more, and the quarantine_error table holds them all.
const maxTextErrors = 10

// WriteText writes the human summary: per file what was read, loaded,
// quarantined and warned about, and its first errors.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	next := 0
	warnings := 0
	for _, f := range r.Files {
		warnings += f.Warnings
		ew.printf("%s\n", reportfile.Heading(f.Path, f.format, f.encoding, f.sheet))
		switch f.Status {
		case StatusRejected:
			ew.printf("  rejected: %s\n            %s\n", f.note.Ja, f.note.En)
		case StatusSkipped:
			ew.printf("  skipped: %s\n           %s\n", f.note.Ja, f.note.En)
		default:
			ew.printf("  %s: %s rows read, %s loaded, %s quarantined, %s warnings\n", f.Status,
				reportfile.Thousands(int64(f.RowsRead)), reportfile.Thousands(int64(f.RowsLoaded)),
				reportfile.Thousands(int64(f.RowsQuarantined)), reportfile.Thousands(int64(f.Warnings)))
		}
		for _, p := range f.fileWarnings {
			ew.printf("  warning [%s] %s\n    %s\n", p.Code, p.Msg.Ja, p.Msg.En)
		}
		errs := r.Errors[next : next+f.ErrorsListed]
		next += f.ErrorsListed
		if f.Status == StatusRejected {
			continue // its one error is the rejection above
		}
		for i, e := range errs {
			if i == maxTextErrors {
				more := "kensho ingest --json lists them all"
				if r.errorTable != "" {
					more = "all are in the table " + r.errorTable + " of the database"
				} else if f.Errors > f.ErrorsListed {
					more = fmt.Sprintf("kensho ingest --json lists the first %s; all are in the table quarantine_error of the database",
						reportfile.Thousands(int64(f.ErrorsListed)))
				}
				ew.printf("  ... and %s more errors (%s)\n", reportfile.Thousands(int64(f.Errors-i)), more)
				break
			}
			col := e.Column
			if col == "" {
				col = "-"
			}
			ew.printf("  row %d, %s = %q [%s]\n    %s\n    %s\n", e.Row, col, reportfile.Shown(e.Value), e.Code, e.MessageJa, e.MessageEn)
		}
	}
	ew.printf("total: %d files, %s rows read, %s loaded, %s quarantined, %s warnings\n", len(r.Files),
		reportfile.Thousands(int64(r.RowsRead)), reportfile.Thousands(int64(r.RowsLoaded)), reportfile.Thousands(int64(r.RowsQuarantined)),
		reportfile.Thousands(int64(warnings)))
	return ew.err
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

// progress draws a one-line bar of files done, only on a terminal.
type progress struct {
	w     io.Writer
	total int
}

// newProgress returns nil (no bar) unless w is a terminal and there is
// more than one file to show progress over.
func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	if !ok || total < 2 {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progress{w: w, total: total}
}

const barWidth = 30

func (p *progress) show(done int, path string) {
	if p == nil {
		return
	}
	n := barWidth * done / p.total
	name := path
	if r := []rune(name); len(r) > 40 {
		name = "…" + string(r[len(r)-39:])
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d %s", strings.Repeat("=", n), strings.Repeat(" ", barWidth-n), done, p.total, name)
}

func (p *progress) finish() {
	if p == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
