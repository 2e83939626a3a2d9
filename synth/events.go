package synth

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// event is a storm, a snowfall or an earthquake: a spell of days over a set
// of prefectures during which the operators there have extra accidents,
// caused by the weather or by the power cuts it brings, sharing one 災害名.
// An event of the list of named disasters (codes/disasters.csv) keeps the
// list's days and areas; operators write its official name or, now and
// then, one of its aliases (the typhoon's number, a short name).
type event struct {
	kind     string // typhoon, rain, snow, quake
	name     string // 災害名, "" when the event got no public name
	aliases  []string
	start    time.Time
	days     int
	area     area // prefecture -> how hard it was hit (0..1)
	strength float64
}

// aliasShare is the share of an event's reports that name it by an alias.
const aliasShare = 0.15

// reportedName is the 災害名 one operator writes for the event.
func (e *event) reportedName(r *rng) string {
	if len(e.aliases) > 0 && r.chance(aliasShare) {
		return e.aliases[r.intn(len(e.aliases))]
	}
	return e.name
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

// listCovers reports whether fiscal year fy lies within the years of the
// list of named disasters. Such a year's earthquakes and named storms are
// the list's; the generator draws only the unnamed ones. Beyond the list,
// every event is drawn, and named after the agency's patterns.
func listCovers(fy int) bool {
	n := len(kensho.NamedDisasters)
	return n > 0 && kensho.NamedDisasters[0].FiscalYear() <= fy && fy <= kensho.NamedDisasters[n-1].FiscalYear()
}

// eventKinds maps the kinds of the list to the generator's.
var eventKinds = map[string]string{"typhoon": "typhoon", "heavy_rain": "rain", "earthquake": "quake"}

// listedEvents are the disasters of the list that began in fiscal year fy,
// over the prefectures of their regions: their hardest-hit prefectures
// fully, the rest partly.
func listedEvents(r *rng, fy int) []*event {
	var evs []*event
	for _, d := range kensho.NamedDisasters {
		if d.FiscalYear() != fy {
			continue
		}
		kind := eventKinds[d.Kind]
		var codes []string
		for _, rg := range d.Regions {
			codes = append(codes, regionPrefs(rg)...)
		}
		hard := map[string]bool{}
		for _, p := range d.Prefectures {
			hard[p] = true
		}
		a := newArea(codes, func(c string) float64 {
			switch {
			case hard[c]:
				return 1
			case kind == "quake":
				return 0.35
			}
			return 0.3 + 0.4*r.float()
		})
		strength := map[string]float64{"typhoon": typhoonStrength, "rain": rainStrength, "quake": quakeStrength}[kind]
		var aliases []string
		if s := kensho.Disasters.Get(d.Code).Attr["aliases"]; s != "" {
			aliases = strings.Split(s, "|")
		}
		evs = append(evs, &event{kind: kind, name: d.Text.Ja, aliases: aliases, start: d.Start,
			days: int(d.End.Sub(d.Start).Hours()/24) + 1, area: a, strength: strength * r.logNormal(1, 0.4)})
	}
	return evs
}

// yearEvents draws the year's storms, snowfalls and earthquake.
func yearEvents(seed int64, fy int) []*event {
	r := newRNG(seed, tagEvents, uint64(fy))
	var evs []*event
	listed := map[string]int{} // events of the list, by kind
	if listCovers(fy) {
		evs = listedEvents(r, fy)
		for _, e := range evs {
			listed[e.kind]++
		}
	}
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

	// The listed storms count towards the year's usual number.
	for range max(r.poisson(typhoonsPerYear)-int64(listed["typhoon"]), 0) {
		start := pickW(r, []weighted[int]{{0, 0.25}, {1, 0.35}, {2, 0.1}, {4, 0.15}, {5, 0.05}, {6, 0.1}})
		length := 1 + r.intn(4)
		var codes []string
		for i := start; i < start+length && i < len(typhoonTrack); i++ {
			codes = append(codes, regionPrefs(typhoonTrack[i])...)
		}
		evs = append(evs, &event{kind: "typhoon", start: dayIn(r, fy, pickW(r, typhoonMonths)), days: 1 + r.intn(3),
			area: subset(codes, 0.8), strength: typhoonStrength * r.logNormal(1, 0.6)})
	}
	for range max(r.poisson(heavyRainsPerYear)-int64(listed["rain"]), 0) {
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
	if !listCovers(fy) && r.chance(quakeProbability) {
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

// nameEvents gives the drawn typhoons their number of the calendar year
// (rising with the date, as the JMA numbers them) and names the larger
// heavy rains after their month, once per month, as operators name such
// events; the events of the list keep their names (and their numbers are
// not given again). Drawn earthquakes are named when drawn. Drawn events
// are synthetic: a name that happens to match a real disaster of that year
// does not describe it, and none is on the list, so the pipeline counts
// them as "other named disaster".
func nameEvents(r *rng, evs []*event) {
	lastNo := map[int]int{}
	taken := map[string]bool{} // names and aliases of the listed events
	for _, e := range evs {
		if e.name != "" {
			taken[e.name] = true
			for _, a := range e.aliases {
				taken[a] = true
			}
		}
	}
	for _, e := range evs {
		switch {
		case e.name != "":
			if e.kind == "typhoon" {
				lastNo[e.start.Year()] = max(lastNo[e.start.Year()], typhoonNumber(e))
			}
		case e.kind == "typhoon":
			y := e.start.Year()
			base := map[time.Month]int{7: 4, 8: 8, 9: 12, 10: 17}[e.start.Month()]
			no := max(base+r.intn(4), lastNo[y]+1+r.intn(2))
			for taken[fmt.Sprintf("%s年台風第%d号", eraYearText(e.start), no)] || taken[fmt.Sprintf("台風第%d号", no)] {
				no++
			}
			lastNo[y] = no
			e.name = fmt.Sprintf("%s年台風第%d号", eraYearText(e.start), no)
		case e.kind == "rain":
			key := fmt.Sprintf("%s年%d月", eraYearText(e.start), int(e.start.Month()))
			if !taken[key+"豪雨"] && (e.strength > rainStrength || r.chance(0.4)) {
				taken[key+"豪雨"] = true
				e.name = key + "豪雨"
			}
		}
	}
}

// typhoonNumber is the number of a listed typhoon, read from its code
// (typhoon_<year>_<number>), or 0.
func typhoonNumber(e *event) int {
	for _, d := range kensho.NamedDisasters {
		if d.Text.Ja == e.name {
			var y, no int
			if _, err := fmt.Sscanf(d.Code, "typhoon_%d_%d", &y, &no); err == nil {
				return no
			}
		}
	}
	return 0
}
