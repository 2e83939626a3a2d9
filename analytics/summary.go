package analytics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kensho-jp/kensho"
)

// Summarize writes the committee's summary of latestYear — the number of
// accidents, the largest changes from the previous year, the clear trends
// and the serious accidents — in Japanese and English, from protected
// tables. It reads only cells with Status kensho.Published, so it never
// states, or lets a reader work out, a figure that anonymize suppressed: a
// sentence whose figures are not all published is left out. Changes are
// differences of two published figures, which any reader can take.
func Summarize(tables []kensho.StatTable, latestYear int) kensho.Text {
	s := summarizer{byName: map[string]*kensho.StatTable{}, year: strconv.Itoa(latestYear), prev: strconv.Itoa(latestYear - 1)}
	for i := range tables {
		s.byName[tables[i].Name] = &tables[i]
	}
	s.partial = s.isPartial(latestYear)
	var ja, en []string
	for _, part := range []func() (string, string){s.total, s.changes, s.trends, s.serious} {
		if j, e := part(); j != "" {
			ja, en = append(ja, j), append(en, e)
		}
	}
	if len(ja) == 0 {
		return kensho.Text{
			Ja: fmt.Sprintf("%d年度について公表できる集計値はありません。", latestYear),
			En: fmt.Sprintf("No figure for fiscal year %d can be published.", latestYear),
		}
	}
	return kensho.Text{Ja: strings.Join(ja, "\n\n"), En: strings.Join(en, "\n\n")}
}

type summarizer struct {
	byName     map[string]*kensho.StatTable
	year, prev string
	// partial: the year lacks data for some quarter, so its figures will
	// still grow.
	partial bool
}

// isPartial reports whether year is covered by the tables by fiscal year
// but not by the seasonality table, which covers only the complete years.
func (s *summarizer) isPartial(year int) bool {
	all, complete := s.byName["accidents_by_year"], s.byName["seasonality_by_quarter"]
	return all != nil && complete != nil && slices.Contains(all.FiscalYears, year) && !slices.Contains(complete.FiscalYears, year)
}

// published returns the value of a measure at a key, when the table, the
// row and a published cell exist.
func (s *summarizer) published(table, measure string, key ...string) (float64, bool) {
	t := s.byName[table]
	if t == nil {
		return 0, false
	}
	mi := slices.IndexFunc(t.Measures, func(m kensho.Measure) bool { return m.Name == measure })
	if mi < 0 {
		return 0, false
	}
	for _, r := range t.Rows {
		if slices.Equal(r.Key, key) {
			if c := r.Cells[mi]; c.Status == kensho.Published {
				return c.Value, true
			}
			return 0, false
		}
	}
	return 0, false
}

// fyJa and fyEn name a fiscal year.
func fyJa(y string) string { return y + "年度" }
func fyEn(y string) string { return "fiscal year " + y }

// count formats a whole number with thousands separators.
func count(v float64) string {
	n := int64(math.Round(v))
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// accidentsEn is "1 accident" or "n accidents".
func accidentsEn(v float64) string {
	if v == 1 {
		return "1 accident"
	}
	return count(v) + " accidents"
}

// pct formats a percentage with one decimal and a sign.
func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func signedPct(v float64) string {
	if v > 0 {
		return "+" + pct(v)
	}
	return pct(v)
}

// total states the year's accidents and the change from the previous year.
func (s *summarizer) total() (string, string) {
	cur, ok := s.published("accidents_by_year", "accidents", s.year, kensho.Total, kensho.Total)
	if !ok {
		return "", ""
	}
	ja := fmt.Sprintf("%sに報告された電気通信事故は%s件でした", fyJa(s.year), count(cur))
	en := fmt.Sprintf("Operators reported %s in %s", strings.Replace(accidentsEn(cur), "accident", "telecom accident", 1), fyEn(s.year))
	if s.partial {
		ja = fmt.Sprintf("%s(集計途中:四半期のデータがそろっていません)に報告された電気通信事故は%s件でした", fyJa(s.year), count(cur))
		en = fmt.Sprintf("So far, operators reported %s in %s, for which not every quarter has data yet", strings.Replace(accidentsEn(cur), "accident", "telecom accident", 1), fyEn(s.year))
	}
	if prev, ok := s.published("accidents_by_year", "accidents", s.prev, kensho.Total, kensho.Total); ok {
		switch d := cur - prev; {
		case d > 0:
			ja += fmt.Sprintf("(前年度%s件から%s件増)", count(prev), count(d))
			en += fmt.Sprintf(", %s more than the %s of the previous year", count(d), count(prev))
		case d < 0:
			ja += fmt.Sprintf("(前年度%s件から%s件減)", count(prev), count(-d))
			en += fmt.Sprintf(", %s fewer than the %s of the previous year", count(-d), count(prev))
		default:
			ja += "(前年度と同数)"
			en += ", as many as in the previous year"
		}
	}
	return ja + "。", en + "."
}

// change is the change of one category's accidents from the previous year.
type change struct {
	label      kensho.Text
	prev, cur  float64
	tableOrder int // for a stable order among equal changes
}

// changes names the largest changes from the previous year among cause
// groups, services and causes (both forms), whose two figures are published.
func (s *summarizer) changes() (string, string) {
	var all []change
	order := 0
	for _, tc := range []struct{ table, dim string }{
		{"accidents_by_year_cause_group", "cause_group"},
		{"accidents_by_year_service", "service"},
		{"accidents_by_year_cause", "cause"},
	} {
		l := kensho.ListByName(tc.dim)
		for _, code := range l.CodeStrings() {
			order++
			cur, ok1 := s.published(tc.table, "accidents", s.year, kensho.Total, code)
			prev, ok2 := s.published(tc.table, "accidents", s.prev, kensho.Total, code)
			if !ok1 || !ok2 || cur == prev {
				continue
			}
			label := l.Get(code).Text
			if tc.dim == "cause_group" {
				label.En += " causes" // "equipment causes": a group, not a kind of equipment
			}
			all = append(all, change{label: label, prev: prev, cur: cur, tableOrder: order})
		}
	}
	if len(all) == 0 {
		return "", ""
	}
	// Largest absolute change first; ties in the order of the tables and
	// their code lists, so the summary is the same on every run.
	slices.SortStableFunc(all, func(a, b change) int {
		return cmp.Or(cmp.Compare(math.Abs(b.cur-b.prev), math.Abs(a.cur-a.prev)), cmp.Compare(a.tableOrder, b.tableOrder))
	})
	all = all[:min(3, len(all))]
	var ja, en []string
	for _, c := range all {
		d := c.cur - c.prev
		if d > 0 {
			ja = append(ja, fmt.Sprintf("%s(%s件から%s件、%s件増)", c.label.Ja, count(c.prev), count(c.cur), count(d)))
			en = append(en, fmt.Sprintf("%s (up %s, from %s to %s)", c.label.In("en"), count(d), count(c.prev), count(c.cur)))
		} else {
			ja = append(ja, fmt.Sprintf("%s(%s件から%s件、%s件減)", c.label.Ja, count(c.prev), count(c.cur), count(-d)))
			en = append(en, fmt.Sprintf("%s (down %s, from %s to %s)", c.label.In("en"), count(-d), count(c.prev), count(c.cur)))
		}
	}
	return "前年度からの増減が大きかったのは、" + strings.Join(ja, "、") + "です。",
		"The largest changes from the previous year: " + strings.Join(en, "; ") + "."
}

// trends lists the causes, cause groups and all accidents whose estimated
// trend is clearly rising or falling (both forms), with the rate per year
// and its 95% interval.
func (s *summarizer) trends() (string, string) {
	t := s.byName["trend_by_cause"]
	if t == nil {
		return "", ""
	}
	var rising, falling [][2]string
	anyFlag := false
	for _, r := range t.Rows {
		if r.Key[0] != s.year || r.Key[1] != kensho.Total {
			continue
		}
		key := r.Key
		flag, ok := s.published("trend_by_cause", "trend_flag", key...)
		if !ok {
			continue
		}
		anyFlag = true
		rate, ok1 := s.published("trend_by_cause", "trend_pct_per_year", key...)
		lo, ok2 := s.published("trend_by_cause", "trend_ci_low_pct", key...)
		hi, ok3 := s.published("trend_by_cause", "trend_ci_high_pct", key...)
		from, ok4 := s.published("trend_by_cause", "fit_first_year", key...)
		to, ok5 := s.published("trend_by_cause", "fit_last_year", key...)
		if flag == 0 || !(ok1 && ok2 && ok3 && ok4 && ok5) {
			continue
		}
		var label kensho.Text
		switch {
		case key[2] == kensho.Total:
			label = kensho.Text{Ja: "事故全体", En: "all accidents"}
		case key[3] == kensho.Total:
			g := kensho.CauseGroups.Get(key[2]).Text
			label = kensho.Text{Ja: g.Ja + "(大分類)", En: g.In("en") + " causes"}
		default:
			label = kensho.Causes.Get(key[3]).Text
		}
		years := fmt.Sprintf("%d–%d", int(from), int(to))
		item := [2]string{
			fmt.Sprintf("%s(年%s%%、95%%信頼区間 %s%%〜%s%%、%s年度)", label.Ja, signedPct(rate), signedPct(lo), signedPct(hi), years),
			fmt.Sprintf("%s (%s%% a year, 95%% interval %s%% to %s%%, fiscal years %s)", label.In("en"), signedPct(rate), signedPct(lo), signedPct(hi), years),
		}
		if flag > 0 {
			rising = append(rising, item)
		} else {
			falling = append(falling, item)
		}
	}
	if !anyFlag {
		return "", ""
	}
	if len(rising) == 0 && len(falling) == 0 {
		return "年度に対する件数の傾向(準ポアソン回帰)に、明確な増加・減少が推定された発生要因はありません。",
			"No cause shows a clear rising or falling trend in the yearly counts (quasi-Poisson regression)."
	}
	var ja, en []string
	list := func(items [][2]string, i int, sep string) string {
		var out []string
		for _, it := range items {
			out = append(out, it[i])
		}
		return strings.Join(out, sep)
	}
	if len(rising) > 0 {
		ja = append(ja, "明確な増加傾向が推定されたのは"+list(rising, 0, "、")+"です。")
		en = append(en, "A clear rising trend: "+list(rising, 1, "; ")+".")
	}
	if len(falling) > 0 {
		ja = append(ja, "明確な減少傾向が推定されたのは"+list(falling, 0, "、")+"です。")
		en = append(en, "A clear falling trend: "+list(falling, 1, "; ")+".")
	}
	return strings.Join(ja, ""), strings.Join(en, " ")
}

// serious states how many serious accidents were reported in the year,
// when the release publishes that count (nothing when it is withheld).
func (s *summarizer) serious() (string, string) {
	n, ok := s.published("serious_by_year_category", "accidents", s.year, kensho.Total)
	if !ok {
		return "", ""
	}
	ja := fmt.Sprintf("重大な事故は%s件でした。", count(n))
	en := fmt.Sprintf("%s accidents were reported as serious accidents.", count(n))
	if n == 1 {
		en = "1 accident was reported as a serious accident."
	}
	return ja, en
}
