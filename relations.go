package kensho

// This file declares, once, which combinations of codes no accident can
// have (Relations); which coarse dimensions are derived from finer ones is
// codes/hierarchy.csv (Rollups). A reader of the published code lists knows every
// one of these, so the disclosure model must hold every one of them; the
// model (package sdc/model) reads them from here and nowhere else, and
// de-identification derives the coarse columns from the same attributes.

// RollupOf returns the rollup that derives the coarse dimension dim from a
// finer one (codes/hierarchy.csv), if any.
func RollupOf(dim string) (Rollup, bool) {
	for _, r := range Rollups {
		if r.Dim == dim {
			return r, true
		}
	}
	return Rollup{}, false
}

// Relation is a rule of the code lists that excludes combinations of codes
// of two dimensions: Allowed reports whether an accident can have code a in
// dimension A and code b in dimension B. Every relation is a structural zero
// of the published tables.
type Relation struct {
	// Name is the code list and the attribute column that state the rule
	// (equipment.simplified_form), as a reader of the published lists
	// finds it.
	Name    string
	A, B    string
	Allowed func(a, b string) bool
	// Text states the rule for the methodology page.
	Text Text
}

// Relations lists the structural zeros the code lists imply.
var Relations = []Relation{
	{
		Name: "equipment.simplified_form",
		A:    "form", B: "equipment",
		Allowed: func(form, equipment string) bool {
			return form != "simplified" || SimplifiedFormEquipment(equipment)
		},
		Text: Text{
			Ja: "告示様式(簡易な様式)で報告できる故障設備は、無線基地局、遠隔収容装置、DSLAMだけです(故障設備の一覧の simplified_form 列)。",
			En: "The simplified form (告示) reports only the equipment marked simplified_form in the equipment code list: mobile base stations, remote line units and DSLAMs.",
		},
	},
	{
		Name: "eu_root_causes.third_party",
		A:    "eu_root_cause", B: "third_party",
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
