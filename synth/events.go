package synth

import (
	"fmt"
	"sort"
	"time"

	"github.com/kensho-jp/kensho"
)

// event is a storm, a snowfall or an earthquake: a spell of days over a set
// of prefectures during which the operators there have extra accidents,
// caused by the weather or by the power cuts it brings, sharing one 災害名.
type event struct {
	kind     string // typhoon, rain, snow, quake
	name     string // 災害名, "" when the event got no public name
	start    time.Time
	days     int
	area     area // prefecture -> how hard it was hit (0..1)
	strength float64
}

// eventCauses is the cause mix of the accidents an event brings.
func (e *event) causes() []weighted[string] {
	if e.kind == "quake" {
		return []weighted[string]{{"natural_disaster", 0.55}, {"power_outage", 0.45}}
	}
	return []weighted[string]{{"natural_disaster", 0.6}, {"power_outage", 0.4}}
}

// coverage is the share of an operator's area (by population) the event
// covers, weighted by how hard each prefecture was hit.
func (e *event) coverage(op *operator) float64 {
	s := 0.0
	for i, c := range e.area.codes {
		s += op.area.weight(c) * e.area.weights[i]
	}
	return s / op.area.total
}

// eraOf returns the era and era year of a day, from the root package's era
// table.
func eraOf(t time.Time) (string, int) {
	name, year := "", 0
	for _, e := range kensho.Eras {
		if !t.Before(e.Start) {
			name, year = e.Name, t.Year()-e.Start.Year()+1
		}
	}
	return name, year
}

// eraYearText is "令和6" or "令和元" (as disaster names write the first year).
func eraYearText(t time.Time) string {
	name, y := eraOf(t)
	if y == 1 {
		return name + "元"
	}
	return fmt.Sprintf("%s%d", name, y)
}

// dayIn returns a uniformly drawn day of month m in the fiscal year fy
// (January–March belong to calendar year fy+1).
func dayIn(r *rng, fy, m int) time.Time {
	y := fy
	if m < 4 {
		y = fy + 1
	}
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, kensho.JST)
	days := first.AddDate(0, 1, 0).Sub(first).Hours() / 24
	return first.AddDate(0, 0, r.intn(int(days)))
}

// yearEvents draws the year's storms, snowfalls and earthquake.
func yearEvents(seed int64, fy int) []*event {
	r := newRNG(seed, tagEvents, uint64(fy))
	var evs []*event
	subset := func(codes []string, keep float64) area {
		var out []string
		for _, c := range codes {
			if r.chance(keep) {
				out = append(out, c)
			}
		}
		if len(out) == 0 {
			out = []string{codes[r.intn(len(codes))]}
		}
		return newArea(out, func(string) float64 { return 0.5 + 0.5*r.float() })
	}

	for range r.poisson(typhoonsPerYear) {
		start := pickW(r, []weighted[int]{{0, 0.25}, {1, 0.35}, {2, 0.1}, {4, 0.15}, {5, 0.05}, {6, 0.1}})
		length := 1 + r.intn(4)
		var codes []string
		for i := start; i < start+length && i < len(typhoonTrack); i++ {
			codes = append(codes, regionPrefs(typhoonTrack[i])...)
		}
		evs = append(evs, &event{kind: "typhoon", start: dayIn(r, fy, pickW(r, typhoonMonths)), days: 1 + r.intn(3),
			area: subset(codes, 0.8), strength: typhoonStrength * r.logNormal(1, 0.6)})
	}
	for range r.poisson(heavyRainsPerYear) {
		i := r.intn(len(rainRegions))
		codes := regionPrefs(rainRegions[i])
		if r.chance(0.4) && i+1 < len(rainRegions) {
			codes = append(codes, regionPrefs(rainRegions[i+1])...)
		}
		evs = append(evs, &event{kind: "rain", start: dayIn(r, fy, pickW(r, rainMonths)), days: 2 + r.intn(3),
			area: subset(codes, 0.6), strength: rainStrength * r.logNormal(1, 0.6)})
	}
	for range r.poisson(snowsPerYear) {
		codes := regionPrefs(snowRegions[r.intn(len(snowRegions))])
		evs = append(evs, &event{kind: "snow", start: dayIn(r, fy, pickW(r, snowMonths)), days: 1 + r.intn(3),
			area: subset(codes, 0.7), strength: snowStrength * r.logNormal(1, 0.5)})
	}
	if r.chance(quakeProbability) {
		// The epicentre: any prefecture alike (earthquakes do not follow
		// people).
		all := allPrefs()
		epi := all[r.intn(len(all))]
		rg := regionOfPref(epi)
		a := newArea(regionPrefs(rg), func(c string) float64 {
			if c == epi {
				return 1
			}
			return 0.35
		})
		day := dayIn(r, fy, 1+r.intn(12))
		evs = append(evs, &event{kind: "quake", start: day, days: 3, area: a,
			strength: quakeStrength * r.logNormal(1, 0.4),
			name:     eraYearText(day) + "年" + labelJa(kensho.Prefectures, epi) + pickString(r, quakePlaces(epi)) + "地震"})
	}
	// Chronological order; ties by kind, for determinism.
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].start.Equal(evs[j].start) {
			return evs[i].start.Before(evs[j].start)
		}
		return evs[i].kind < evs[j].kind
	})
	nameEvents(r, evs)
	return evs
}

// quakePlaces are the parts of a prefecture an earthquake is named after;
// "沖" (offshore) only for prefectures with a coast.
func quakePlaces(pref string) []string {
	switch pref {
	case "09", "10", "11", "19", "20", "21", "25", "29": // landlocked
		return []string{"北部", "南部", "東部", "西部", "中部"}
	}
	return []string{"北部", "南部", "東部", "西部", "中部", "沖"}
}

// nameEvents gives typhoons their number of the calendar year (rising with
// the date, as the JMA numbers them) and names the larger heavy rains after
// their month, once per month. Earthquakes are named when drawn. Events are
// synthetic: a name that happens to match a real disaster of that year
// does not describe it.
func nameEvents(r *rng, evs []*event) {
	lastNo := map[int]int{}
	rainNamed := map[string]bool{}
	for _, e := range evs {
		switch e.kind {
		case "typhoon":
			y := e.start.Year()
			base := map[time.Month]int{7: 4, 8: 8, 9: 12, 10: 17}[e.start.Month()]
			no := max(base+r.intn(4), lastNo[y]+1+r.intn(2))
			lastNo[y] = no
			e.name = fmt.Sprintf("%s年台風第%d号", eraYearText(e.start), no)
		case "rain":
			key := fmt.Sprintf("%s年%d月", eraYearText(e.start), int(e.start.Month()))
			if !rainNamed[key] && (e.strength > rainStrength || r.chance(0.4)) {
				rainNamed[key] = true
				e.name = key + "豪雨"
			}
		}
	}
}
