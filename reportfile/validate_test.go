package reportfile

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
)

// TestMessagesComplete makes every code's templates expand (no missing
// placeholder) and say something in both languages.
func TestMessagesComplete(t *testing.T) {
	args := []string{"file", "f.csv", "detail", "d", "detail_ja", "d", "detail_en", "d", "row", "2", "cols_ja", "c",
		"cols_en", "c", "col_ja", "列", "col_en", "col", "first", "A", "second", "B", "value", "v", "choices_ja", "x",
		"choices_en", "x", "group", "g", "fy", "2024", "q", "1", "start_ja", "s", "end_ja", "e", "start_en", "s",
		"end_en", "e", "occurred", "o", "computed", "1", "unknown", "u", "operator", "o", "report_no", "r",
		"n", "3", "width", "2", "users", "1", "minutes", "1", "min_users", "1", "min_minutes", "1", "col", "c",
		"part", "p", "size", "1 GiB", "limit", "128 MiB", "advice", "a", "errors", "10001", "valid", "5", "date", "2024-01-01"}
	codes := messageCodes()
	if !sort.StringsAreSorted(codes) || len(codes) < 25 {
		t.Fatalf("codes %v", codes)
	}
	for _, c := range codes {
		m := newMessage(c, args...)
		if m.Ja == "" || m.En == "" || strings.Contains(m.Ja+m.En, "{") {
			t.Errorf("%s: %+v", c, m)
		}
	}
}

// TestSeriousTable compares the table lookup with kensho.MeetsSeriousCriteria
// on every code combination around every threshold and rule-set date.
func TestSeriousTable(t *testing.T) {
	var minutes, users []int64
	var dates []time.Time
	for _, r := range kensho.SeriousRules {
		minutes = append(minutes, r.MinMinutes-1, r.MinMinutes, r.MinMinutes+1)
		users = append(users, max(r.MinUsers-1, 0), r.MinUsers, r.MinUsers+1)
		dates = append(dates, r.EffectiveFrom.Add(-time.Minute), r.EffectiveFrom, r.EffectiveFrom.AddDate(1, 0, 0))
	}
	dates = append(dates, time.Date(1970, 1, 1, 0, 0, 0, 0, kensho.JST))
	n := 0
	for s, svc := range kensho.Services.Codes {
		for i, imp := range kensho.Impacts.Codes {
			for e, eq := range kensho.EquipmentCodes.Codes {
				for _, d := range dates {
					for _, m := range minutes {
						for _, u := range users {
							a := kensho.Accident{OccurredAt: d, Service: svc.Code, Impact: imp.Code, Equipment: eq.Code,
								DurationMin: max(m, 0), AffectedUsers: u}
							if got, want := meetsSerious(s, i, e, a), kensho.MeetsSeriousCriteria(a); got != want {
								t.Fatalf("%+v: table %v, kensho %v", a, got, want)
							}
							n++
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no case")
	}
}
