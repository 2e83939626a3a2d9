package kensho

// This file names the keys of statistical tables for people: the _ja and
// _en label columns that follow each coded key in a table's CSV file, and
// the data dictionary the site publishes. Codes stay the keys; labels are
// only shown.

// flagColumns are the true/false columns of deid_accident that a table may
// use as a dimension or filter; as keys they are the text "true"/"false".
var flagColumns = map[string]bool{
	"third_party": true, "meets_serious": true, "other_operator_origin": true,
	"cyber_attack": true, "below_threshold": true, "critical_infra": true,
}

// FlagLabels label the keys of a true/false dimension.
var FlagLabels = map[string]Text{
	"true":  {Ja: "該当", En: "yes"},
	"false": {Ja: "非該当", En: "no"},
}

// IsFlagColumn reports whether a dimension is a true/false column.
func IsFlagColumn(dim string) bool { return flagColumns[dim] }

// Labelled reports whether a dimension's keys carry labels: a table's CSV
// follows such a key column with <dim>_ja and <dim>_en.
func Labelled(dim string) bool { return IsFlagColumn(dim) || ListByName(dim) != nil }

// KeyLabel returns the labels of key in dimension dim: the code list's
// labels (ListByName), yes/no for a true/false dimension, 合計/total for
// Total. ok is false when the dimension's keys carry no labels (fiscal
// year, quarter, disaster name) or the key is not one of its codes.
func KeyLabel(dim, key string) (label Text, ok bool) {
	if !Labelled(dim) {
		return Text{}, false
	}
	if key == Total {
		return TotalLabel, true
	}
	if IsFlagColumn(dim) {
		l, ok := FlagLabels[key]
		return l, ok
	}
	l := ListByName(dim)
	if !l.Has(key) {
		return Text{}, false
	}
	c := l.Get(key)
	return Text{Ja: c.Text.Ja, En: c.Text.In("en")}, true
}
