package kensho

// This file declares, once, how the dimensions of published data relate to
// one another: which coarse dimensions are derived from finer ones through
// the code lists (Hierarchies), and which combinations of codes no accident
// can have (Relations). A reader of the published code lists knows every
// one of these, so the disclosure model must hold every one of them; the
// model (package sdc/model) reads them from here and nowhere else, and
// de-identification derives the coarse columns from the same attributes.

// Hierarchy derives a coarse dimension from a finer one: the code of Dim
// for an accident is the attribute Attr of its Base code.
type Hierarchy struct {
	Dim  string // the coarse dimension, a column of deid_accident: cause_group
	Base string // the finer dimension: cause
	Attr string // the column of Base's code list holding Dim's code: group
}

// Hierarchies lists every coarse dimension published beside a finer one.
var Hierarchies = []Hierarchy{
	{Dim: "cause_group", Base: "cause", Attr: "group"},
	{Dim: "eu_root_cause", Base: "cause", Attr: "eu_root_cause"},
	{Dim: "service_category", Base: "service", Attr: "category"},
	{Dim: "equipment_class", Base: "equipment", Attr: "class"},
}

// HierarchyOf returns the hierarchy that derives dim, if any.
func HierarchyOf(dim string) (Hierarchy, bool) {
	for _, h := range Hierarchies {
		if h.Dim == dim {
			return h, true
		}
	}
	return Hierarchy{}, false
}

// DerivedCode returns the code of the coarse dimension h.Dim for the base
// code.
func (h Hierarchy) DerivedCode(base string) string {
	return ListByName(h.Base).Get(base).Attr[h.Attr]
}

// Relation is a rule of the code lists that excludes combinations of codes
// of two dimensions: Allowed reports whether an accident can have code a in
// dimension A and code b in dimension B. Every relation is a structural zero
// of the published tables.
type Relation struct {
	A, B    string
	Allowed func(a, b string) bool
	// Text states the rule for the methodology page.
	Text Text
}

// Relations lists the structural zeros the code lists imply.
var Relations = []Relation{
	{
		A: "form", B: "equipment",
		Allowed: func(form, equipment string) bool {
			return form != "simplified" || SimplifiedFormEquipment(equipment)
		},
		Text: Text{
			Ja: "告示様式(簡易な様式)で報告できる故障設備は、無線基地局、遠隔収容装置、DSLAMだけです(故障設備の一覧の simplified_form 列)。",
			En: "The simplified form (告示) reports only the equipment marked simplified_form in the equipment code list: mobile base stations, remote line units and DSLAMs.",
		},
	},
	{
		A: "eu_root_cause", B: "third_party",
		Allowed: func(eu, thirdParty string) bool {
			return thirdParty == "true" || !EURootCauseImpliesThirdParty(eu)
		},
		Text: Text{
			Ja: "EUの根本原因区分が「第三者の障害」の事故は、必ず「第三者の障害に起因」に該当します(EUの根本原因区分の一覧の third_party 列)。",
			En: "An accident whose EU root cause is third-party failure is always flagged as a third-party failure (the third_party column of the EU root-cause list).",
		},
	},
}

// EURootCauseImpliesThirdParty reports whether every accident of the EU
// root-cause category eu counts as a third-party failure; de-identification
// sets the third_party flag from the same column.
func EURootCauseImpliesThirdParty(eu string) bool {
	return EURootCauses.Get(eu).Attr["third_party"] == "true"
}
