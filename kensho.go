// Package kensho is the shared vocabulary of the kensho pipeline: the code
// lists of the quarterly accident report (services, causes, equipment,
// regions), the fiscal calendar, the reporting and serious-accident
// thresholds, the published bands, and the plain types that carry
// statistical tables from one stage to the next.
//
// Every stage imports this package and none owns it. The code lists and
// thresholds are data (the CSV files under codes/, embedded at build time),
// not code, so that a new release of the report form changes a table, not a
// function. This package does no I/O beyond reading its embedded tables and
// must never import database/sql or any stage.
//
// The input contract these tables follow is ../shared/spec/report-format.md,
// copied into docs/report-format.md.
package kensho

// Text is a string in both languages of the site.
type Text struct {
	Ja string `json:"ja"`
	En string `json:"en"`
}

// In returns the text in lang ("ja" or "en"), falling back to Japanese.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Ja
}

// Total is the key of a margin: a cell whose key for a dimension is Total
// counts every value of that dimension.
const Total = "total"
