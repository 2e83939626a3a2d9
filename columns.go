package kensho

import "strings"

// InputColumn is one column of the quarterly report (the input contract).
type InputColumn struct {
	No       string // number in the spec (1..27, 8b)
	Field    string // English alias, also the column name in DuckDB
	HeaderJa string // Japanese header as printed on the form
	Type     string // text, int, code, datetime, bool, list
	Required bool
	// SimplifiedMayBeEmpty: the simplified form (告示) may leave it empty.
	SimplifiedMayBeEmpty bool
	// Identifier: names or contacts an operator, or is free text; never
	// published in any form.
	Identifier bool
	Rule       string // the rule, for the data dictionary
	// HintJa and HintEn tell the person filling in the form what to
	// write (the report template's input messages); at most 255
	// characters, Excel's limit.
	HintJa, HintEn string
}

// InputColumns lists the columns of the report in the order of the spec.
var InputColumns = mustColumns()

var columnIndex = map[string]int{}

func mustColumns() []InputColumn {
	rows, _, err := readTable("columns")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	cols := make([]InputColumn, len(rows))
	for i, r := range rows {
		cols[i] = InputColumn{
			No: r["no"], Field: r["field"], HeaderJa: r["header_ja"], Type: r["type"],
			Required: r["required"] == "true", SimplifiedMayBeEmpty: r["simplified_may_be_empty"] == "true",
			Identifier: r["identifier"] == "true", Rule: r["rule_en"],
			HintJa: r["hint_ja"], HintEn: r["hint_en"],
		}
		for _, key := range []string{cols[i].Field, cols[i].HeaderJa} {
			columnIndex[NormalizeKey(key)] = i
		}
	}
	return cols
}

// ColumnByHeader finds a column by its Japanese header or English alias,
// ignoring surrounding spaces, case and full-width/half-width differences.
// Brackets are compared folded too: 継続時間（分） matches 継続時間(分).
func ColumnByHeader(h string) (InputColumn, bool) {
	i, ok := columnIndex[NormalizeKey(h)]
	if !ok {
		return InputColumn{}, false
	}
	return InputColumns[i], true
}

// ParseBool reads the booleans the spec accepts: はい/いいえ, 有/無,
// yes/no, true/false, 1/0 (any width and case).
func ParseBool(s string) (value, ok bool) {
	switch NormalizeKey(s) {
	case "はい", "有", "yes", "true", "1", "あり", "y":
		return true, true
	case "いいえ", "無", "no", "false", "0", "なし", "n":
		return false, true
	}
	return false, false
}

// SplitPrefectures splits an 影響範囲 value on 、 , ; / (and their
// full-width forms) and returns the non-empty parts, trimmed.
func SplitPrefectures(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '、', ',', '，', ';', '；', '/', '／', '・':
			return true
		}
		return false
	})
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(strings.Trim(p, "\u3000")); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ColumnByField returns the column with the given English field name.
func ColumnByField(field string) (InputColumn, bool) {
	for _, c := range InputColumns {
		if c.Field == field {
			return c, true
		}
	}
	return InputColumn{}, false
}
