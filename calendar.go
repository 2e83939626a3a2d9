package kensho

import (
	"fmt"
	"time"
)

// JST is Japan Standard Time (UTC+9, no daylight saving). A fixed zone, so
// the pipeline needs no time-zone database.
var JST = time.FixedZone("JST", 9*60*60)

// FiscalQuarter is a quarter of a Japanese fiscal year (1 April – 31 March):
// Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec, Q4 = Jan–Mar of the next
// calendar year.
type FiscalQuarter struct {
	Year    int // fiscal year (2024 = 1 April 2024 – 31 March 2025)
	Quarter int // 1..4
}

func (q FiscalQuarter) String() string { return fmt.Sprintf("FY%dQ%d", q.Year, q.Quarter) }

// Start is the first instant of the quarter in JST.
func (q FiscalQuarter) Start() time.Time {
	m := time.Month(4 + 3*(q.Quarter-1))
	y := q.Year
	if q.Quarter == 4 {
		m, y = time.January, q.Year+1
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, JST)
}

// End is the first instant after the quarter.
func (q FiscalQuarter) End() time.Time { return q.Start().AddDate(0, 3, 0) }

// Contains reports whether t (any zone) falls inside the quarter.
func (q FiscalQuarter) Contains(t time.Time) bool {
	return !t.Before(q.Start()) && t.Before(q.End())
}

// Era is a Japanese era (元号) and the day it began.
type Era struct {
	Name  string
	Start time.Time
}

// Eras lists the eras from codes/eras.csv, oldest first.
var Eras = mustEras()

func mustEras() []Era {
	rows, _, err := readTable("eras")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	out := make([]Era, len(rows))
	for i, r := range rows {
		t, err := time.ParseInLocation("2006-01-02", r["start"], JST)
		if err != nil {
			panic("kensho: eras: " + err.Error())
		}
		out[i] = Era{Name: r["name"], Start: t}
	}
	return out
}

// EraYear converts a year of a named era (令和, 6) to the Gregorian year
// (2024). 元年 is year 1.
func EraYear(era string, year int) (int, bool) {
	for _, e := range Eras {
		if e.Name == era && year >= 1 {
			return e.Start.Year() + year - 1, true
		}
	}
	return 0, false
}
