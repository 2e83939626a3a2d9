package reportfile

import (
	"context"
)

// Statuses of a checked file.
const (
	StatusValid    = "valid"    // every row is valid (warnings allowed)
	StatusInvalid  = "invalid"  // some rows have errors; the others would load
	StatusRejected = "rejected" // the file cannot be read as a whole
)

// FileCheck is what kensho check and the site's check page report about
// one file: counts that are always complete, and the first errors and
// warnings, as many as the limit it was made with (so that a large file
// full of mistakes is checked in bounded memory).
type FileCheck struct {
	Path     string `json:"path"`
	Format   string `json:"format"`   // csv or xlsx; "" when unreadable
	Encoding string `json:"encoding"` // utf-8, cp932 or xlsx; "" when not known
	Sheet    string `json:"sheet"`    // the worksheet read, for a workbook
	Status   string `json:"status"`   // StatusValid, StatusInvalid or StatusRejected

	RowsRead       int `json:"rows_read"` // non-blank rows after the header
	RowsValid      int `json:"rows_valid"`
	RowsWithErrors int `json:"rows_with_errors"`
	// Errors counts every error: each of a row's errors, or the one
	// reason a file is rejected. Warnings counts every warning.
	Errors         int            `json:"errors"`
	Warnings       int            `json:"warnings"`
	ErrorsByCode   map[string]int `json:"errors_by_code"`
	WarningsByCode map[string]int `json:"warnings_by_code"`
	// ErrorList and WarningList hold the first errors and warnings in
	// file order, at most Limit of each (Limit 0: all of them).
	Limit       int     `json:"limit"`
	ErrorList   []Error `json:"error_list"`
	WarningList []Error `json:"warning_list"`
}

// OK reports whether every row of the file is valid.
func (c *FileCheck) OK() bool { return c.Status == StatusValid }

// CheckPath reads the file at path and checks it (see CheckBytes); a
// path that cannot be read is a rejected file.
func CheckPath(ctx context.Context, path string, limit int) (*FileCheck, error) {
	data, err := ReadFile(path)
	if err != nil {
		return RejectedCheck(path, Unreadable(path, err), limit), nil
	}
	return CheckBytes(ctx, path, data, limit, nil)
}

// CheckBytes checks a file's bytes with the rules ingest applies, row by
// row, and lists at most limit errors and limit warnings (0: all). It
// writes nothing, and reports how far it has read to progress (nil:
// not at all). It returns an error only when ctx ends.
func CheckBytes(ctx context.Context, name string, data []byte, limit int, progress func(Progress)) (*FileCheck, error) {
	f := Open(name, data)
	var c *FileCheck
	res, err := f.Check(ctx, Options{Progress: progress, NewSink: func() (Sink, error) {
		// A workbook read again from its start begins a new list.
		c = newFileCheck(name, limit)
		return c, nil
	}})
	if err != nil {
		return nil, err
	}
	if c == nil || res.Problem != nil {
		c = newFileCheck(name, limit)
	}
	c.Format, c.Encoding, c.Sheet = f.Format, f.Encoding, f.Sheet
	if res.Problem != nil {
		c.reject(res.Problem)
		return c, nil
	}
	c.RowsRead, c.RowsValid, c.RowsWithErrors = res.RowsRead, res.RowsValid, res.RowsQuarantined
	c.Status = StatusValid
	if res.RowsQuarantined > 0 {
		c.Status = StatusInvalid
	}
	return c, nil
}

// RejectedCheck is the check of a file that was not read: p says why
// (Unreadable).
func RejectedCheck(path string, p *Problem, limit int) *FileCheck {
	c := newFileCheck(path, limit)
	c.reject(p)
	return c
}

func newFileCheck(path string, limit int) *FileCheck {
	return &FileCheck{Path: path, Limit: limit, ErrorsByCode: map[string]int{}, WarningsByCode: map[string]int{},
		ErrorList: []Error{}, WarningList: []Error{}}
}

// reject records why the file cannot be read as a whole.
func (c *FileCheck) reject(p *Problem) {
	c.Status = StatusRejected
	c.Errors = 1
	c.ErrorsByCode = map[string]int{p.Code: 1}
	c.ErrorList = []Error{p.ErrorIn(c.Path)}
}

// Valid does nothing: a FileCheck counts rows from the Result.
func (c *FileCheck) Valid([]byte, int, int) {}

// Quarantine counts a row's errors and lists the first ones.
func (c *FileCheck) Quarantine(q *QuarantinedRow) {
	for i := range q.Errs {
		p := &q.Errs[i]
		c.Errors++
		c.ErrorsByCode[p.Code]++
		if c.Limit == 0 || len(c.ErrorList) < c.Limit {
			c.ErrorList = append(c.ErrorList, p.ErrorIn(c.Path))
		}
	}
}

// Warning counts a warning and lists the first ones.
func (c *FileCheck) Warning(p *Problem) {
	c.Warnings++
	c.WarningsByCode[p.Code]++
	if c.Limit == 0 || len(c.WarningList) < c.Limit {
		c.WarningList = append(c.WarningList, p.ErrorIn(c.Path))
	}
}
