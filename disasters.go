package kensho

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The named disasters (codes/disasters.csv): the natural disasters an
// operator may name in 災害名, each with its official Japanese name (the
// Japan Meteorological Agency's name where it gave one, else the typhoon's
// number), an English name, its kind, the days it lasted and the bureau
// areas it hit. The 災害名 an operator types is free text and is never
// published: MatchDisaster turns it into one of these codes, or into
// OtherDisaster, so the published tables and the English pages name a
// disaster from this list only.
//
// The list grows as disasters are named (the agency names one weeks or
// months after it, so reports often arrive under the typhoon's number
// first): the aliases catch the names operators use meanwhile, and a
// release matches every report again with the list it is built with.

// OtherDisaster is the code of a 災害名 that matches no disaster of the
// list: "other named disaster" in the tables.
const OtherDisaster = "other"

// Disasters is the code list of named disasters, oldest first, with
// OtherDisaster last.
var Disasters = mustList("disasters")

// Disaster is one named disaster of the list.
type Disaster struct {
	Code string
	Text Text
	Kind string // typhoon, heavy_rain, earthquake
	// Start and End are the first and last day of the disaster (JST).
	Start, End time.Time
	// Regions are the bureau areas it hit (codes/regions.csv), and
	// Prefectures (JIS codes) those of them it hit hardest.
	Regions, Prefectures []string
}

// FiscalYear is the fiscal year (April to March) in which the disaster
// began; Start is a day in JST.
func (d Disaster) FiscalYear() int {
	if d.Start.Month() < time.April {
		return d.Start.Year() - 1
	}
	return d.Start.Year()
}

// NamedDisasters lists the disasters of the list (OtherDisaster left out),
// in list order.
var NamedDisasters = mustDisasters()

// Matching window: a report names a disaster when the accident occurred
// from the day before it began (a storm arrives before its named days) to
// disasterAftermath days after it ended (power cuts and damaged lines keep
// failing for days after a storm or an earthquake).
const (
	disasterLead      = 1
	disasterAftermath = 14
)

// disasterNames maps a normalized name (official name in either language,
// code, or alias) to the disasters that carry it.
var disasterNames = func() map[string][]int {
	m := map[string][]int{}
	for i, d := range NamedDisasters {
		c := Disasters.Get(d.Code)
		keys := []string{d.Code, d.Text.Ja, d.Text.En}
		if a := c.Attr["aliases"]; a != "" {
			keys = append(keys, strings.Split(a, "|")...)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			n := NormalizeKey(k)
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			m[n] = append(m[n], i)
		}
	}
	return m
}()

// MatchDisaster finds the disaster an operator's 災害名 names: a name or
// alias of the list (compared as NormalizeKey folds them) whose days, with
// the matching window around them, hold the accident's start. ok is false
// when nothing matches; the report then counts under OtherDisaster.
func MatchDisaster(name string, occurred time.Time) (code string, ok bool) {
	idx := disasterNames[NormalizeKey(name)]
	if len(idx) == 0 {
		return "", false
	}
	day := occurred.In(JST)
	for _, i := range idx {
		d := NamedDisasters[i]
		from := d.Start.AddDate(0, 0, -disasterLead)
		until := d.End.AddDate(0, 0, disasterAftermath+1) // the first instant after the window
		if !day.Before(from) && day.Before(until) {
			return d.Code, true
		}
	}
	return "", false
}

// DisasterOf returns the disaster of a code of the list; ok is false for
// OtherDisaster and for a code not on the list.
func DisasterOf(code string) (d Disaster, ok bool) {
	if !Disasters.Has(code) || code == OtherDisaster {
		return Disaster{}, false
	}
	return NamedDisasters[slices.IndexFunc(Disasters.Codes, func(c Code) bool { return c.Code == code })], true
}

func mustDisasters() []Disaster {
	var out []Disaster
	for i, c := range Disasters.Codes {
		if c.Code == OtherDisaster {
			if i != len(Disasters.Codes)-1 {
				panic("kensho: disasters: " + OtherDisaster + " must be the last code")
			}
			continue
		}
		d := Disaster{Code: c.Code, Text: c.Text, Kind: c.Attr["kind"],
			Start: mustDate(c.Attr["start"]), End: mustDate(c.Attr["end"]),
			Regions: strings.Fields(c.Attr["regions"]), Prefectures: strings.Fields(c.Attr["prefectures"])}
		switch d.Kind {
		case "typhoon", "heavy_rain", "earthquake":
		default:
			panic(fmt.Sprintf("kensho: disasters: %s has kind %q; want typhoon, heavy_rain or earthquake", d.Code, d.Kind))
		}
		if d.End.Before(d.Start) {
			panic("kensho: disasters: " + d.Code + " ends before it starts")
		}
		if len(d.Regions) == 0 {
			panic("kensho: disasters: " + d.Code + " has no region")
		}
		for _, r := range d.Regions {
			if !Regions.Has(r) || r == "multi" || r == "national" {
				panic("kensho: disasters: " + d.Code + " has unknown region " + r)
			}
		}
		for _, p := range d.Prefectures {
			if !Prefectures.Has(p) || !slices.Contains(d.Regions, Prefectures.Get(p).Attr["region"]) {
				panic("kensho: disasters: " + d.Code + ": prefecture " + p + " is unknown or outside its regions")
			}
		}
		if len(out) > 0 && d.Start.Before(out[len(out)-1].Start) {
			panic("kensho: disasters: " + d.Code + " is out of date order")
		}
		out = append(out, d)
	}
	return out
}
