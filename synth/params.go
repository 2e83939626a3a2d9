package synth

// The calibration of the generator. Every number here is either a published
// figure (with its source) or an assumption (marked so), chosen to look like
// what operators really submit. data/README.md repeats them in prose.

// publishedVolume is the number of quarterly reports a fiscal year by form,
// as published in the annual verification report (電気通信事故に関する
// 検証報告, 総務省) and cited in the issue: FY2012 8,201 full-form (省令) and
// 48,030 simplified-form (告示) reports; FY2015 6,188 and 54,022.
var publishedVolume = []struct {
	fy   int
	n    [2]float64 // formFull, formSimplified
	note string
}{
	{2012, [2]float64{8201, 48030}, "published"},
	{2015, [2]float64{6188, 54022}, "published"},
}

// annualVolume is the expected number of reports of a form in a fiscal year
// at --scale 1: the published figure for a published year, linear
// interpolation between published years, and the nearest published year
// held flat outside them (an assumption: the issue gives 6,000–9,000
// full-form and about 50,000 simplified-form reports a year as the range).
func annualVolume(fy, form int) float64 {
	pv := publishedVolume
	if fy <= pv[0].fy {
		return pv[0].n[form]
	}
	for i := 1; i < len(pv); i++ {
		if fy <= pv[i].fy {
			a, b := pv[i-1], pv[i]
			t := float64(fy-a.fy) / float64(b.fy-a.fy)
			return a.n[form] + t*(b.n[form]-a.n[form])
		}
	}
	return pv[len(pv)-1].n[form]
}

// seriousPerYear is the expected number of accidents a year that meet the
// serious-accident criteria (重大な事故): 8 in FY2015 and 10 in FY2022 by the
// verification reports cited in the issue. It does not shrink below the
// national rate when --scale is below 1: a smaller sample of a year still
// has that year's handful of serious accidents, which the committee's
// tables need; above 1 it grows with the scale.
const seriousPerYear = 9.0

// seriousReportedShare is the share of accidents meeting the criteria that
// the operator files as 重大 (the rest arrive as 四半期 rows, which the
// committee counts); an assumption.
const seriousReportedShare = 0.75

// causeTarget is the expected mix of causes by form. Full form: the group
// shares are FY2012's published ones (設備要因 ~48%, 外的要因 ~47%, 人為要因
// ~5%); the split within a group is an assumption. Simplified form (base
// stations, remote units, DSLAMs): an assumption — power cuts, disasters and
// leased-circuit failures of other operators weigh more on outdoor access
// equipment. Weights need not sum to 1.
var causeTarget = [2]map[string]float64{
	formFull: {
		"hw_failure": 31, "sw_bug": 11, "capacity": 6,
		"work_error": 2.2, "config_error": 2.0, "procedure": 0.8,
		"other_operator": 9, "natural_disaster": 15, "power_outage": 13, "third_party_damage": 9.5, "cyber_attack": 0.5,
		"unknown": 0.4,
	},
	formSimplified: {
		"hw_failure": 38, "sw_bug": 3, "capacity": 1,
		"work_error": 1, "config_error": 0.6, "procedure": 0.4,
		"other_operator": 12, "natural_disaster": 17, "power_outage": 20, "third_party_damage": 6,
		"unknown": 1,
	},
}

// monthWeight is the background rate of accidents by calendar month
// (index 1..12), an assumption: a little more in summer (heat, lightning).
// Storms and snow come on top, as events.
var monthWeight = [13]float64{0, 1.0, 0.95, 1.0, 1.0, 1.0, 1.05, 1.1, 1.15, 1.05, 1.0, 0.95, 1.0}

// lightningMonth multiplies the background share of natural_disaster
// (lightning, local storms) by month; normalized to mean 1 over the year so
// the yearly mix is unchanged (an assumption).
var lightningMonth = [13]float64{0, 0.5, 0.5, 0.6, 0.7, 0.8, 1.0, 2.0, 2.3, 1.6, 0.9, 0.6, 0.5}

// Event climatology (assumptions after the Japan Meteorological Agency's
// normals: about three typhoon landfalls and eleven approaches a year,
// mostly August–September; the rainy season's heavy rain in June–July;
// heavy snow on the Sea of Japan side in January–February), and a large
// earthquake in about one year in three.
const (
	typhoonsPerYear   = 3.5
	heavyRainsPerYear = 1.8
	snowsPerYear      = 1.8
	quakeProbability  = 0.35
	// strength: the share of an affected operator's annual volume that one
	// event brings in the part of its area the event covers.
	typhoonStrength = 0.08
	rainStrength    = 0.06
	snowStrength    = 0.15
	quakeStrength   = 0.25
)

var (
	typhoonMonths = []weighted[int]{{7, 0.15}, {8, 0.3}, {9, 0.4}, {10, 0.15}}
	rainMonths    = []weighted[int]{{6, 0.2}, {7, 0.45}, {8, 0.2}, {9, 0.15}}
	snowMonths    = []weighted[int]{{12, 0.15}, {1, 0.45}, {2, 0.4}}
)

// Affected users (assumptions calibrated to the published FY2011 figure
// that 88% of reported accidents affected fewer than 500 users, with a tail
// to tens of millions): lognormal by where the failure sits, with a Pareto
// tail for core equipment.
var usersByEquipment = map[string]struct{ median, sigma float64 }{
	// simplified form: one base station, line unit or DSLAM
	"s:radio_base":  {110, 1.05},
	"s:remote_unit": {180, 1.0},
	"s:dslam":       {90, 1.0},
	// full form, edge equipment
	"radio_base": {90, 1.7}, "remote_unit": {120, 1.6}, "dslam": {80, 1.5}, "fibre": {70, 1.8},
	"power": {60, 1.7}, "hvac": {60, 1.6}, "other": {60, 1.8}, "switch_local": {150, 1.8},
	// full form, core equipment
	"switch_transit": {900, 2.0}, "router": {700, 2.1}, "server": {900, 2.2}, "satellite_cable": {400, 1.8},
}

const (
	coreTailShare = 0.05 // share of core-equipment accidents drawn from the Pareto tail
	coreTailMin   = 20000
	coreTailAlpha = 0.6
)

// Durations in minutes (assumptions; the reporting rule makes most small
// accidents last at least two hours, since that is why they are reported):
// an accident under 30,000 users lasts 120 min plus a lognormal excess,
// except a small share that operators report although below both
// thresholds; a large one is short (a long one would be serious).
const (
	belowThresholdShare = 0.08  // small accidents reported although under 2 h
	excessMedian        = 150.0 // minutes beyond 2 h, median
	excessSigma         = 1.3
	largeMedian         = 35.0 // minutes, accidents of 30,000 users or more
	largeSigma          = 0.8
	disasterMedian      = 500.0 // minutes beyond 2 h for storms, quakes, power cuts
	disasterSigma       = 1.1
	maxDuration         = 14 * 24 * 60
)

// degradationShare is the share of accidents that degrade rather than stop
// a service, by cause (an assumption; congestion mostly degrades).
var degradationShare = map[string]float64{"capacity": 0.7, "sw_bug": 0.3, "cyber_attack": 0.5}

const defaultDegradation = 0.12

// equipmentByService is where failures happen for each service on the full
// form (relative weights, an assumption).
var equipmentByService = map[string][]weighted[string]{
	"voice_fixed":   {{"switch_local", 3}, {"switch_transit", 1.5}, {"router", 2}, {"fibre", 2.5}, {"remote_unit", 1.5}, {"server", 1}, {"power", 1.5}, {"hvac", 0.3}, {"other", 0.5}},
	"voice_mobile":  {{"radio_base", 4}, {"switch_local", 1}, {"switch_transit", 0.5}, {"router", 1.5}, {"fibre", 2}, {"server", 1}, {"power", 1.5}, {"hvac", 0.3}, {"satellite_cable", 0.2}, {"other", 0.5}},
	"voice_050":     {{"server", 3}, {"router", 2}, {"switch_transit", 1}, {"power", 0.5}, {"other", 0.5}},
	"data_mobile":   {{"radio_base", 4}, {"router", 2}, {"fibre", 2}, {"server", 1.5}, {"power", 1.5}, {"hvac", 0.3}, {"satellite_cable", 0.2}, {"other", 0.5}},
	"ftth":          {{"fibre", 3}, {"router", 2.5}, {"remote_unit", 0.5}, {"server", 1.5}, {"power", 1}, {"hvac", 0.2}, {"other", 0.5}},
	"dsl":           {{"dslam", 3}, {"router", 1.5}, {"fibre", 1}, {"server", 1}, {"power", 0.5}},
	"catv":          {{"fibre", 4}, {"router", 2}, {"server", 1}, {"power", 1.5}, {"other", 1.5}},
	"isp":           {{"router", 3}, {"server", 3.5}, {"fibre", 1}, {"power", 0.5}, {"hvac", 0.2}, {"other", 0.3}},
	"enterprise":    {{"router", 3.5}, {"fibre", 3}, {"server", 0.7}, {"power", 0.7}, {"satellite_cable", 0.2}, {"other", 0.3}},
	"email_paid":    {{"server", 5}, {"router", 0.5}, {"other", 0.2}},
	"free_internet": {{"server", 5}, {"router", 0.7}, {"other", 0.3}},
	"other":         {{"other", 1}, {"server", 1}, {"router", 1}},
}

// causeEquipment: equipment on which a cause can plausibly act.
var causeEquipment = map[string][]string{
	"sw_bug":             {"switch_local", "switch_transit", "router", "server", "radio_base", "remote_unit", "dslam", "other"},
	"capacity":           {"switch_local", "switch_transit", "router", "server", "radio_base", "other"},
	"config_error":       {"switch_local", "switch_transit", "router", "server", "radio_base", "remote_unit", "dslam", "other"},
	"other_operator":     {"fibre", "router", "power", "satellite_cable", "other", "switch_transit"},
	"natural_disaster":   {"fibre", "radio_base", "power", "remote_unit", "satellite_cable", "dslam", "other"},
	"power_outage":       {"power", "radio_base", "remote_unit", "dslam", "router", "other"},
	"third_party_damage": {"fibre", "radio_base", "power", "other"},
	"cyber_attack":       {"server", "router"},
}
