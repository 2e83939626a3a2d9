package synth

import (
	"strings"

	"github.com/kensho-jp/kensho"
)

// The mistakes --errors injects. Each makes the row invalid under the
// input contract (ingest must quarantine it), and each is one that people
// filling in the form by hand really make.
const (
	ErrCodeTypo      = "code_typo"      // a mistyped code label (設備要員, 無線基地曲, hw_falure)
	ErrSwappedDates  = "swapped_dates"  // 発生日時 and 復旧日時 entered the wrong way round
	ErrWrongQuarter  = "wrong_quarter"  // 四半期 not the quarter 発生日時 falls in
	ErrCauseMismatch = "cause_mismatch" // 小分類 from another 大分類
	ErrFullWidthUnit = "fullwidth_unit" // a number typed in full-width digits with its unit (１２０分, １，２００人)
	ErrMissingValue  = "missing_value"  // a required cell left empty
	ErrBadPrefecture = "bad_prefecture" // a city written where a prefecture belongs
)

// ErrorKinds lists the kinds of injected mistakes.
var ErrorKinds = []string{ErrCodeTypo, ErrSwappedDates, ErrWrongQuarter, ErrCauseMismatch, ErrFullWidthUnit, ErrMissingValue, ErrBadPrefecture}

// typoRunes maps characters to the wrong ones an IME conversion or a
// slipped key gives.
var typoRunes = map[rune]rune{
	'因': '員', '障': '陣', '局': '曲', '設': '説', '備': '偏', '線': '綿', '故': '古', '害': '外',
	'停': '亭', '電': '伝', '源': '元', '為': '偽', '然': '燃', '基': '期', '装': '荘', '置': '地',
	'交': '校', '換': '喚', '路': '露', '作': '昨', '業': '行', '誤': '語', '定': '帝', '他': '多',
}

// injectError applies one mistake of a kind drawn from those the row's
// columns allow, and returns the kind.
func injectError(r *rng, a *accident, cols []kensho.InputColumn, cells []any, st style) string {
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Field] = i
	}
	kind := ErrorKinds[r.intn(len(ErrorKinds))]
	switch kind {
	case ErrCodeTypo:
		fields := []string{"cause_group", "cause", "equipment", "service"}
		f := fields[r.intn(len(fields))]
		i := idx[f]
		cells[i] = typo(r, text(cells[i], st), kensho.ListByName(f))
	case ErrSwappedDates:
		o, rc := idx["occurred_at"], idx["recovered_at"]
		cells[o], cells[rc] = cells[rc], cells[o]
	case ErrWrongQuarter:
		cells[idx["quarter"]] = plainInt(a.quarter%4 + 1)
	case ErrCauseMismatch:
		group := causeGroupOf(a.cause)
		var others []string
		for _, c := range kensho.Causes.Codes {
			if c.Attr["group"] != group {
				others = append(others, c.Code)
			}
		}
		cells[idx["cause"]] = codeText(kensho.Causes, others[r.intn(len(others))], st.codeCaus, st)
	case ErrFullWidthUnit:
		if i, ok := idx["duration_min"]; ok && r.chance(0.5) {
			cells[i] = toFullWidth(text(plainInt(a.duration), st)) + "分"
		} else {
			cells[idx["affected_users"]] = toFullWidth(thousands(text(plainInt(a.users), st))) + "人"
		}
	case ErrMissingValue:
		fields := []string{"affected_users", "prefectures", "occurred_at", "impact"}
		cells[idx[fields[r.intn(len(fields))]]] = ""
	case ErrBadPrefecture:
		p := a.op.home
		if len(a.prefs) > 0 {
			p = a.prefs[0]
		}
		cells[idx["prefectures"]] = pickString(r, prefCities[p])
	}
	return kind
}

// typo mistypes a code or label so that it matches nothing in the list.
func typo(r *rng, s string, l *kensho.CodeList) string {
	rs := []rune(s)
	var cand []int
	for i, c := range rs {
		if _, ok := typoRunes[c]; ok {
			cand = append(cand, i)
		}
	}
	var out string
	switch {
	case len(cand) > 0:
		i := cand[r.intn(len(cand))]
		rs[i] = typoRunes[rs[i]]
		out = string(rs)
	case len(rs) > 3 && strings.Contains(s, "_"):
		i := 1 + r.intn(len(rs)-2)
		out = string(rs[:i]) + string(rs[i+1:])
	default:
		out = s + "等"
	}
	if _, ok := l.Lookup(out); ok {
		out = s + "等"
	}
	return out
}
