package synth

import "github.com/kensho-jp/kensho"

// codeIndex indexes the root package's code lists by exact code. The root's
// CodeList.Get normalizes its argument on every call (it accepts labels in
// any width), which is most of the generator's time at millions of rows;
// synth only ever passes exact codes, so it looks them up here. Read-only
// after init.
var codeIndex = func() map[*kensho.CodeList]map[string]kensho.Code {
	m := map[*kensho.CodeList]map[string]kensho.Code{}
	for _, l := range []*kensho.CodeList{kensho.Forms, kensho.ReportTypes, kensho.Impacts, kensho.Services,
		kensho.CauseGroups, kensho.Causes, kensho.EquipmentCodes, kensho.Prefectures} {
		m[l] = map[string]kensho.Code{}
		for _, c := range l.Codes {
			m[l][c.Code] = c
		}
	}
	return m
}()

// code returns the entry of an exact code; it panics on an unknown one,
// which is a bug in synth.
func code(l *kensho.CodeList, c string) kensho.Code {
	e, ok := codeIndex[l][c]
	if !ok {
		panic("synth: " + l.Name + " has no code " + c)
	}
	return e
}

func labelJa(l *kensho.CodeList, c string) string { return code(l, c).Text.Ja }

func causeGroupOf(cause string) string { return code(kensho.Causes, cause).Attr["group"] }

// meetsSerious is kensho.MeetsSeriousCriteria with a cheap necessary
// condition first: an accident can only meet the criteria if it meets some
// rule of kensho.SeriousRules, of any era. Most accidents meet none, so the
// root's full check (which normalizes the service code on every call) runs
// rarely.
func meetsSerious(a kensho.Accident) bool {
	cat := code(kensho.Services, a.Service).Attr["category"]
	possible := false
	for _, r := range kensho.SeriousRules {
		if a.DurationMin >= r.MinMinutes && a.AffectedUsers >= r.MinUsers &&
			(r.Category == "" || r.Category == cat) && (r.Impact == "" || r.Impact == a.Impact) &&
			(r.Equipment == "" || r.Equipment == a.Equipment) {
			possible = true
			break
		}
	}
	return possible && kensho.MeetsSeriousCriteria(a)
}
