package kensho

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// SeriousRule is one alternative of the serious-accident criteria
// (重大な事故, 施行規則 第58条): an accident of the category (or of the
// impact and equipment) that lasts at least MinMinutes and affects at least
// MinUsers is serious. Rules are grouped by the date they took effect.
type SeriousRule struct {
	EffectiveFrom time.Time
	Category      string // service category; "" = any
	Impact        string // "" = any
	Equipment     string // "" = any
	MinMinutes    int64
	MinUsers      int64
}

// SeriousRules holds every rule from codes/serious_criteria.csv.
var SeriousRules = mustSeriousRules()

// ReportingThresholds: quarterly reporting applies when affected users or
// duration reach these (either one), by effective date.
var ReportingThresholds = mustReportingThresholds()

// ReportingThreshold is the quarterly-reporting threshold in force from a date.
type ReportingThreshold struct {
	EffectiveFrom time.Time
	MinMinutes    int64
	MinUsers      int64
}

// SeriesBreak is a change of definition that breaks a time series; every
// chart that crosses it marks it.
type SeriesBreak struct {
	FiscalYear int
	Date       time.Time
	Text       Text
}

// SeriesBreaks lists the breaks from codes/series_breaks.csv.
var SeriesBreaks = mustSeriesBreaks()

// DegradationCountedFrom is the first fiscal year in which a degradation
// (品質低下) counts as an accident.
const DegradationCountedFrom = 2008

func mustDate(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, JST)
	if err != nil {
		panic("kensho: bad date " + s)
	}
	return t
}

func mustInt(s string) int64 {
	if s == "" {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic("kensho: bad number " + s)
	}
	return v
}

func mustSeriousRules() []SeriousRule {
	rows, _, err := readTable("serious_criteria")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	out := make([]SeriousRule, len(rows))
	for i, r := range rows {
		out[i] = SeriousRule{
			EffectiveFrom: mustDate(r["effective_from"]), Category: r["category"], Impact: r["impact"],
			Equipment: r["equipment"], MinMinutes: mustInt(r["min_minutes"]), MinUsers: mustInt(r["min_users"]),
		}
	}
	// Newest rule set first, so the first set in force wins.
	sort.SliceStable(out, func(i, j int) bool { return out[i].EffectiveFrom.After(out[j].EffectiveFrom) })
	return out
}

func mustReportingThresholds() []ReportingThreshold {
	rows, _, err := readTable("reporting_thresholds")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	out := make([]ReportingThreshold, len(rows))
	for i, r := range rows {
		out[i] = ReportingThreshold{mustDate(r["effective_from"]), mustInt(r["min_minutes"]), mustInt(r["min_users"])}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].EffectiveFrom.After(out[j].EffectiveFrom) })
	return out
}

func mustSeriesBreaks() []SeriesBreak {
	rows, _, err := readTable("series_breaks")
	if err != nil {
		panic("kensho: " + err.Error())
	}
	out := make([]SeriesBreak, len(rows))
	for i, r := range rows {
		out[i] = SeriesBreak{int(mustInt(r["fiscal_year"])), mustDate(r["date"]), Text{r["label_ja"], r["label_en"]}}
	}
	return out
}

// Accident holds the fields the thresholds are judged on.
type Accident struct {
	OccurredAt    time.Time
	Service       string
	Impact        string
	Equipment     string
	DurationMin   int64
	AffectedUsers int64
}

// BelowReportingThreshold reports whether an accident is below both
// quarterly-reporting thresholds (it loads with a warning).
func BelowReportingThreshold(a Accident) bool {
	for _, t := range ReportingThresholds {
		if !a.OccurredAt.Before(t.EffectiveFrom) {
			return a.AffectedUsers < t.MinUsers && a.DurationMin < t.MinMinutes
		}
	}
	return false
}

// MeetsSeriousCriteria reports whether the accident meets the criteria in
// force on the day it occurred (施行規則 第58条; before 2015-04-01 one rule
// for all services).
func MeetsSeriousCriteria(a Accident) bool {
	var from time.Time
	found := false
	for _, r := range SeriousRules {
		if a.OccurredAt.Before(r.EffectiveFrom) {
			continue
		}
		if found && !r.EffectiveFrom.Equal(from) {
			break // only the newest rule set in force applies
		}
		found, from = true, r.EffectiveFrom
		if r.Category != "" && r.Category != ServiceCategoryOf(a.Service) {
			continue
		}
		if r.Impact != "" && r.Impact != a.Impact {
			continue
		}
		if r.Equipment != "" && r.Equipment != a.Equipment {
			continue
		}
		if a.DurationMin >= r.MinMinutes && a.AffectedUsers >= r.MinUsers {
			return true
		}
	}
	return false
}

// CriteriaEra names the rule set in force at t ("1985-04-01", "2015-04-01"),
// for splitting series at a rule change.
func CriteriaEra(t time.Time) string {
	for _, r := range SeriousRules {
		if !t.Before(r.EffectiveFrom) {
			return r.EffectiveFrom.Format("2006-01-02")
		}
	}
	return ""
}

// SeriousRulesInForce returns the rules in force on t, for the methodology page.
func SeriousRulesInForce(t time.Time) []SeriousRule {
	era := CriteriaEra(t)
	var out []SeriousRule
	for _, r := range SeriousRules {
		if r.EffectiveFrom.Format("2006-01-02") == era {
			out = append(out, r)
		}
	}
	return out
}

func (r SeriousRule) String() string {
	return fmt.Sprintf("%s category=%q impact=%q equipment=%q ≥%dmin ≥%d users",
		r.EffectiveFrom.Format("2006-01-02"), r.Category, r.Impact, r.Equipment, r.MinMinutes, r.MinUsers)
}
