package kensho

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMatchDisaster(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, JST)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, occurred, want string
		ok                   bool
	}{
		{"令和元年東日本台風", "2019-10-12 21:00", "typhoon_2019_19", true},
		{"令和元年 東日本台風", "2019-10-13 03:00", "typhoon_2019_19", true}, // spaces fold
		{"台風１９号", "2019-10-14 08:00", "typhoon_2019_19", true},      // full-width digits fold
		{"Typhoon Hagibis (East Japan Typhoon, No. 19, 2019)", "2019-10-12 21:00", "typhoon_2019_19", true},
		{"typhoon_2019_19", "2019-10-20 00:00", "typhoon_2019_19", true}, // the code, in the aftermath
		{"台風第21号", "2018-09-04 14:00", "typhoon_2018_21", true},          // the number of that year...
		{"台風第21号", "2017-10-22 23:00", "typhoon_2017_21", true},          // ...and of another
		{"台風第21号", "2016-09-20 10:00", "", false},                        // a 21st typhoon not on the list
		{"令和元年東日本台風", "2019-12-01 10:00", "", false},                     // long after it
		{"令和元年東日本台風", "2019-10-11 00:00", "typhoon_2019_19", true},       // the day before
		{"令和元年東日本台風", "2019-10-10 23:59", "", false},                     // two days before
		{"令和6年能登半島地震", "2024-01-01 16:10", "quake_2024_noto", true},
		{"平成28年熊本地震", "2016-04-16 01:25", "quake_2016_kumamoto", true},
		{"=HYPERLINK(\"http://evil.example/\",\"x\")", "2019-10-12 21:00", "", false},
		{"", "2019-10-12 21:00", "", false},
		{"other", "2019-10-12 21:00", "", false}, // the code of the rest is no disaster
	}
	for _, tt := range tests {
		got, ok := MatchDisaster(tt.name, at(tt.occurred))
		if got != tt.want || ok != tt.ok {
			t.Errorf("MatchDisaster(%q, %s) = %q, %v; want %q, %v", tt.name, tt.occurred, got, ok, tt.want, tt.ok)
		}
	}
}

// The list follows the agency's naming: a name that begins with an era year
// begins with the era year of the disaster's first day, and a typhoon's
// number agrees with its code; no two disasters share a name or alias
// within overlapping matching windows (a report would match either).
func TestDisasterList(t *testing.T) {
	if len(NamedDisasters) == 0 || Disasters.Codes[len(Disasters.Codes)-1].Code != OtherDisaster {
		t.Fatalf("the list has %d disasters and ends with %q", len(NamedDisasters), Disasters.Codes[len(Disasters.Codes)-1].Code)
	}
	for _, d := range NamedDisasters {
		if d.Text.Ja == "" || d.Text.En == "" {
			t.Errorf("%s: a name is missing", d.Code)
		}
		for _, e := range Eras {
			if !strings.HasPrefix(d.Text.Ja, e.Name) {
				continue
			}
			era, y := "", 0
			for _, f := range Eras {
				if !d.Start.Before(f.Start) {
					era, y = f.Name, d.Start.Year()-f.Start.Year()+1
				}
			}
			year := strconv.Itoa(y)
			if y == 1 {
				year = "元"
			}
			if !strings.HasPrefix(d.Text.Ja, era+year+"年") {
				t.Errorf("%s: %s does not begin with %s%s年, the era year of %s", d.Code, d.Text.Ja, era, year, d.Start.Format("2006-01-02"))
			}
		}
		if d.Kind == "typhoon" {
			parts := strings.Split(d.Code, "_") // typhoon_<year>_<number>
			no, _ := strconv.Atoi(parts[len(parts)-1])
			if parts[1] != strconv.Itoa(d.Start.Year()) || !strings.Contains(d.Text.En, "No. "+strconv.Itoa(no)+",") {
				t.Errorf("%s: the code and the English name %q disagree on the year or the number", d.Code, d.Text.En)
			}
		}
		if got, ok := MatchDisaster(d.Text.Ja, d.Start.Add(12*time.Hour)); !ok || got != d.Code {
			t.Errorf("%s: its own name on its first day matches %q, %v", d.Code, got, ok)
		}
		if fy := d.FiscalYear(); d.Start.Before((FiscalQuarter{Year: fy, Quarter: 1}).Start()) || !d.Start.Before((FiscalQuarter{Year: fy, Quarter: 4}).End()) {
			t.Errorf("%s: fiscal year %d", d.Code, d.FiscalYear())
		}
	}
	for name, idx := range disasterNames {
		for i := range idx {
			for j := i + 1; j < len(idx); j++ {
				a, b := NamedDisasters[idx[i]], NamedDisasters[idx[j]]
				if !b.Start.AddDate(0, 0, -disasterLead).After(a.End.AddDate(0, 0, disasterAftermath)) {
					t.Errorf("%s and %s share the name %q and their matching windows overlap", a.Code, b.Code, name)
				}
			}
		}
	}
}

func TestDisasterOf(t *testing.T) {
	d, ok := DisasterOf("typhoon_2019_19")
	if !ok || d.Text.Ja != "令和元年東日本台風" || d.FiscalYear() != 2019 || d.Regions[0] != "kanto" {
		t.Errorf("DisasterOf(typhoon_2019_19) = %+v, %v", d, ok)
	}
	for _, code := range []string{OtherDisaster, "no_such_disaster", Total} {
		if _, ok := DisasterOf(code); ok {
			t.Errorf("DisasterOf(%q) is a disaster", code)
		}
	}
}
