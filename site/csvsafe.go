package site

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// A spreadsheet opening a CSV file runs a cell that begins with =, +, -, @,
// a tab or a carriage return as a formula (CSV injection). Every CSV file
// the site publishes goes through csvWriter, which neutralises such a cell
// as OWASP recommends — a single quote before it, so the cell reads as the
// text it is — unless the cell is a plain number (-3.2 stays -3.2).

// formulaStart holds the characters a spreadsheet reads as the start of a
// formula.
const formulaStart = "=+-@\t\r"

// plainNumber is a number as the site writes one.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// csvSafe returns s as a CSV cell no spreadsheet runs as a formula.
func csvSafe(s string) string {
	if s == "" || strings.IndexByte(formulaStart, s[0]) < 0 || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

// csvWriter is encoding/csv's writer with every cell made safe (csvSafe).
type csvWriter struct {
	w   *csv.Writer
	rec []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell made safe.
func (c *csvWriter) Write(rec []string) error {
	c.rec = c.rec[:0]
	for _, s := range rec {
		c.rec = append(c.rec, csvSafe(s))
	}
	return c.w.Write(c.rec)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
