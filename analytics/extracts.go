package analytics

import "github.com/kensho-jp/kensho"

// Extracts lists the record-level microdata extracts, each a few fields
// a researcher crosses together. They are separate files with separate
// record numbers, not one file split in three: a record of one cannot be
// matched to a record of another, so together they publish only each
// extract's own cross-classification, which the disclosure control
// protects as it protects a table.
func Extracts() []kensho.Extract {
	return []kensho.Extract{
		{
			Name:  "failure",
			Title: kensho.Text{Ja: "何が故障したか(発生要因・役務区分・設備区分)", En: "What failed: cause group, service category, equipment class"},
			Description: kensho.Text{
				Ja: "事故1件を1レコードとし、年度、様式、事故の態様、発生要因(大分類)、役務の区分(第58条)、故障設備の区分を収めます。公表基準を満たさない組み合わせの記録は、発生要因(大分類)と役務の区分をともに「*」(秘匿)として収めることがあります。",
				En: "One record per accident: fiscal year, form, impact, cause group, service category (Article 58) and equipment class. A record of a combination that fails the disclosure rules may have its cause group and service category both starred (*).",
			},
			Fields: fields("fiscal_year", "form", "impact", "cause_group", "service_category", "equipment_class"),
			// A hidden class is released with its cause group and
			// service category starred where that is safe, rather than
			// withheld. Both, not one: a class hidden to keep a cause
			// group's count (of a form) from being pinned cannot be
			// starred on its service alone (its group would sum to that
			// count), nor one hidden for a service's count on its cause
			// alone; starred on both, it pools with the hidden classes of
			// every cause and service of its form, impact and equipment
			// class (BENCHMARKS.md, session 17: national seed 7 withheld
			// 3.0 % with the service starred, 0.0 % with both).
			Star: []string{"cause_group", "service_category"},
		},
		{
			Name:  "when_where",
			Title: kensho.Text{Ja: "いつ、どこで(四半期・地域)", En: "When and where: quarter and region"},
			Description: kensho.Text{
				Ja: "事故1件を1レコードとし、年度、様式、四半期、地域(総合通信局の管轄区域・複数地域・全国)を収めます。公表基準を満たさない組み合わせの記録は、地域を「*」(秘匿)として収めることがあります。",
				En: "One record per accident: fiscal year, form, quarter and region (bureau area, several regions, nationwide). A record of a combination that fails the disclosure rules may have its region starred (*).",
			},
			Fields: fields("fiscal_year", "form", "quarter", "region"),
			Star:   []string{"region"},
		},
		{
			Name:  "size",
			Title: kensho.Text{Ja: "どれだけの規模か(継続時間・影響利用者数)", En: "How large: duration and affected users"},
			Description: kensho.Text{
				Ja: "事故1件を1レコードとし、年度、様式、発生要因(大分類)、継続時間の階級、影響利用者数の階級を収めます。公表基準を満たさない組み合わせの記録は、影響利用者数の階級を「*」(秘匿)として収めることがあります。",
				En: "One record per accident: fiscal year, form, cause group, duration band and affected-users band. A record of a combination that fails the disclosure rules may have its affected-users band starred (*).",
			},
			Fields: fields("fiscal_year", "form", "cause_group", "duration_band", "users_band"),
			Star:   []string{"users_band"},
		},
	}
}

// fields names an extract's fields with their titles.
func fields(names ...string) []kensho.Dim {
	out := make([]kensho.Dim, len(names))
	for i, n := range names {
		out[i] = kensho.Dim{Name: n, Title: dimTitles[n]}
	}
	return out
}
