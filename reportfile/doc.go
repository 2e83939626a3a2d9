// Package reportfile reads an operator's quarterly accident report file
// and checks every row against the input contract
// (docs/report-format.md): CSV in UTF-8 or Shift_JIS/CP932 split as RFC
// 4180, XLSX read by a byte scanner over the worksheet XML (excelize for
// workbooks it does not handle), the header row found below any title
// block and matched to the fields by header or alias, and every row
// validated into an accident or its errors and warnings, each with file,
// row, column, value, code and a message in Japanese and English.
//
// It is its own package, apart from ingest, because three programs must
// run the very same rules: ingest, which loads the rows into the
// restricted database; kensho check, which an operator runs before
// sending a file; and the site's check page, this package compiled to
// WebAssembly and run in the reader's browser. So reportfile must never
// depend on the database or on cgo (DuckDB), nor on any stage of the
// pipeline: it uses only the root vocabulary (code lists, fiscal
// calendar, thresholds) and pure Go libraries. deps_test.go holds it to
// that with go list. It never writes anything; what becomes of the rows
// is its caller's (a Sink).
//
// Reading a file takes bounded memory, whatever the file holds: a workbook
// part larger than its limit (xlsxlimits.go) rejects the file before
// anything is read, and so does a file with more than MaxQuarantinedRows
// rows with errors, once they outnumber its valid rows; a panic on a file
// is its InternalError, not the end of the process.
//
// How: csv.go decodes and splits CSV text; xlsx.go, xlsxfast.go and
// xlsxlimits.go read workbooks; layout.go finds the header and maps columns to fields;
// parse.go reads single values; validate.go checks a row; pipeline.go
// validates batches of rows on every core and hands them back in file
// order; file.go runs a whole file (keys unique within it, warnings about
// its columns) into a Sink; messages.go is the one table of codes and
// their messages. register.go reads the other input, the register of
// public facts (docs/public-facts.md), with the same helpers and messages.
package reportfile
