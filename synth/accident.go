package synth

import (
	"math"
	"sort"
	"time"

	"github.com/kensho-jp/kensho"
)

// accident is one generated accident, in codes; render turns it into the
// cells of a row in an operator's style.
type accident struct {
	op          *operator
	fy, quarter int
	form        int // formFull, formSimplified
	serious     bool
	reportType  string // quarterly, serious
	seq         int    // the operator's running number of the form in the fiscal year
	occurred    time.Time
	duration    int64 // minutes
	impact      string
	service     string
	users       int64
	prefs       []string // JIS codes, sorted; empty when nationwide
	nationwide  bool
	site        string
	cause       string
	equipment   string
	model       string
	otherOrigin bool
	partner     string
	critical    int64 // -1: not given
	disaster    string
	cyber       bool
	summary     string
	prevention  string
}

func (a *accident) recovered() time.Time {
	return a.occurred.Add(time.Duration(a.duration) * time.Minute)
}

func (a *accident) thresholds() kensho.Accident {
	return kensho.Accident{OccurredAt: a.occurred, Service: a.service, Impact: a.impact, Equipment: a.equipment,
		DurationMin: a.duration, AffectedUsers: a.users}
}

// yearPlan holds what is decided once a fiscal year: its events, its
// serious accidents, and the background rates that, with the events, give
// the target volume and cause mix.
type yearPlan struct {
	fy       int
	events   []*event
	serious  []seriousPlan
	volume   [2]float64 // expected reports by form at the configured scale
	bgFactor [2]float64 // background share of the volume
	bgCause  [2][]weighted[string]
}

// seriousPlan is a serious accident decided for the year.
type seriousPlan struct {
	op  int
	day time.Time
	idx int
}

type generator struct {
	seed  int64
	scale float64
	pop   *population
}

func (g *generator) plan(fy int) *yearPlan {
	p := &yearPlan{fy: fy, events: yearEvents(g.seed, fy)}
	for f := range 2 {
		p.volume[f] = annualVolume(fy, f) * g.scale
	}
	p.serious = g.planSerious(fy)

	// Expected accidents the events bring, by form and cause.
	evCause := [2]map[string]float64{{}, {}}
	evTotal := [2]float64{}
	for _, ev := range p.events {
		for _, op := range g.pop.ops {
			cov := ev.coverage(op)
			if cov <= 0 {
				continue
			}
			for f := range 2 {
				n := g.eventExpected(p, ev, op, f, cov)
				evTotal[f] += n
				for _, c := range ev.causes() {
					evCause[f][c.V] += n * c.W
				}
			}
		}
	}
	// The background makes up the rest of the volume and the cause mix.
	for f := range 2 {
		T := p.volume[f]
		B := math.Max(T-evTotal[f], 0.3*T)
		if f == formFull {
			B = math.Max(B-float64(len(p.serious)), 0.3*T)
		}
		p.bgFactor[f] = B / T
		total := 0.0
		for _, c := range causeTarget[f] {
			total += c
		}
		for _, c := range kensho.Causes.Codes {
			want := causeTarget[f][c.Code] / total * T
			w := math.Max(want-evCause[f][c.Code], 0.05*want)
			p.bgCause[f] = append(p.bgCause[f], weighted[string]{c.Code, w})
		}
	}
	return p
}

// eventLambda is the expected number of an operator's accidents of a form
// that an event brings (beyond the first, for an earthquake hit).
func (g *generator) eventLambda(p *yearPlan, ev *event, op *operator, f int, cov float64) float64 {
	return p.volume[f] * op.share[f] * ev.strength * cov
}

// quakeHit is the chance that an earthquake causes at least one accident
// of the form at an operator with a share cov of its area in the zone. It
// does not depend on the scale: a large earthquake hits every operator
// there, which is what makes it visible at any scale — a national carrier
// too, in a prefecture of one per cent of its users (the Noto earthquake).
func quakeHit(op *operator, f int, cov float64) float64 {
	if op.share[f] == 0 || cov < 0.01 {
		return 0
	}
	return math.Min(1, 0.3+1.5*cov)
}

func (g *generator) eventExpected(p *yearPlan, ev *event, op *operator, f int, cov float64) float64 {
	l := g.eventLambda(p, ev, op, f, cov)
	if ev.kind == "quake" {
		return quakeHit(op, f, cov) * (1 + l)
	}
	return l
}

// planSerious decides the year's serious accidents: how many, at which
// operators (large ones, weighted by the square root of their users) and
// on which days.
func (g *generator) planSerious(fy int) []seriousPlan {
	r := newRNG(g.seed, tagSerious, uint64(fy))
	var ws []float64
	for _, op := range g.pop.ops {
		w := 0.0
		if op.users >= 300_000 && op.share[formFull] > 0 {
			w = math.Sqrt(float64(op.users))
		}
		ws = append(ws, w)
	}
	n := r.poisson(seriousPerYear * math.Max(g.scale, 1))
	start := kensho.FiscalQuarter{Year: fy, Quarter: 1}.Start()
	days := int(kensho.FiscalQuarter{Year: fy + 1, Quarter: 1}.Start().Sub(start).Hours() / 24)
	var out []seriousPlan
	for i := range n {
		op := r.pick(ws)
		if op < 0 {
			break
		}
		out = append(out, seriousPlan{op: op, day: start.AddDate(0, 0, r.intn(days)), idx: int(i)})
	}
	return out
}

// source says where an accident comes from; part of its stream key.
const (
	srcBackground = iota
	srcEvent
	srcSerious
)

// pending is an accident decided but not yet drawn in detail.
type pending struct {
	day   time.Time
	src   int
	ev    *event
	evIdx int // index of the event in the year
	idx   int // index within its source
}

// quarterAccidents generates an operator's accidents of one form in one
// quarter, in order of their day, and passes each to emit. Memory does not
// grow with the number of accidents: background days come from a sorted
// stream, and only the few event and serious accidents are listed.
func (g *generator) quarterAccidents(p *yearPlan, q int, op *operator, f int, emit func(*accident) error) error {
	if op.share[f] == 0 {
		return nil
	}
	fq := kensho.FiscalQuarter{Year: p.fy, Quarter: q}
	qStart, qEnd := fq.Start(), fq.End()

	// Listed accidents: events and serious ones falling in this quarter.
	var listed []pending
	for ei, ev := range p.events {
		cov := ev.coverage(op)
		if cov <= 0 {
			continue
		}
		r := newRNG(g.seed, tagEventAcc, uint64(p.fy), uint64(ei), uint64(op.index), uint64(f))
		l := g.eventLambda(p, ev, op, f, cov)
		var n int64
		if ev.kind == "quake" {
			if r.chance(quakeHit(op, f, cov)) {
				n = 1 + r.poisson(l)
			}
		} else {
			n = r.poisson(l)
		}
		for i := range n {
			d := 0
			if ev.kind == "quake" {
				d = pickW(r, []weighted[int]{{0, 0.7}, {1, 0.2}, {2, 0.1}})
			} else {
				d = r.intn(ev.days)
			}
			day := ev.start.AddDate(0, 0, d)
			if !day.Before(qStart) && day.Before(qEnd) {
				listed = append(listed, pending{day: day, src: srcEvent, ev: ev, evIdx: ei, idx: int(i)})
			}
		}
	}
	if f == formFull {
		for _, s := range p.serious {
			if s.op == op.index && !s.day.Before(qStart) && s.day.Before(qEnd) {
				listed = append(listed, pending{day: s.day, src: srcSerious, idx: s.idx})
			}
		}
	}
	// By day, then source and index, for determinism.
	sort.SliceStable(listed, func(i, j int) bool {
		a, b := listed[i], listed[j]
		if !a.day.Equal(b.day) {
			return a.day.Before(b.day)
		}
		if a.src != b.src {
			return a.src < b.src
		}
		if a.evIdx != b.evIdx {
			return a.evIdx < b.evIdx
		}
		return a.idx < b.idx
	})

	// Background accidents: a Poisson count, with their days drawn as
	// sorted order statistics, so they stream in day order.
	months, cdf := quarterCDF(fq)
	br := newRNG(g.seed, tagBackground, uint64(p.fy), uint64(q), uint64(op.index), uint64(f))
	lambda := p.volume[f] * p.bgFactor[f] * op.share[f] * quarterShare(q)
	n := br.poisson(lambda)
	bg := sortedUniforms{r: br, left: n, top: 1}
	nextBG := func(i int) (pending, bool) {
		u, ok := bg.next()
		if !ok {
			return pending{}, false
		}
		return pending{day: dayAt(months, cdf, u), src: srcBackground, idx: i}, true
	}

	bi := 0
	cur, have := nextBG(bi)
	li := 0
	for have || li < len(listed) {
		var pd pending
		if have && (li >= len(listed) || !listed[li].day.Before(cur.day)) {
			pd = cur
			bi++
			cur, have = nextBG(bi)
		} else {
			pd = listed[li]
			li++
		}
		a := g.draw(p, q, op, f, pd)
		if err := emit(a); err != nil {
			return err
		}
	}
	return nil
}

// sortedUniforms yields n uniform numbers in [0, 1) in ascending order
// without storing them: the largest of k uniforms is U^(1/k), and the rest
// are uniforms below it (the classic sequential order-statistics method),
// produced from the top and mirrored.
type sortedUniforms struct {
	r    *rng
	left int64
	top  float64
}

func (s *sortedUniforms) next() (float64, bool) {
	if s.left <= 0 {
		return 0, false
	}
	s.top *= math.Pow(s.r.open(), 1/float64(s.left))
	s.left--
	return 1 - s.top, true
}

// quarterCDF returns the first day of each month of the quarter and the
// cumulative share of the quarter's background accidents up to the end of
// each month.
func quarterCDF(fq kensho.FiscalQuarter) ([3]time.Time, [3]float64) {
	var months [3]time.Time
	var cdf [3]float64
	total := 0.0
	for i := range 3 {
		months[i] = fq.Start().AddDate(0, i, 0)
		w := monthWeight[months[i].Month()] * monthDays(months[i])
		total += w
		cdf[i] = total
	}
	for i := range cdf {
		cdf[i] /= total
	}
	return months, cdf
}

func monthDays(first time.Time) float64 { return first.AddDate(0, 1, 0).Sub(first).Hours() / 24 }

func dayAt(months [3]time.Time, cdf [3]float64, u float64) time.Time {
	lo := 0.0
	for i := range 3 {
		if u < cdf[i] || i == 2 {
			frac := (u - lo) / (cdf[i] - lo)
			d := int(frac * monthDays(months[i]))
			d = min(max(d, 0), int(monthDays(months[i]))-1)
			return months[i].AddDate(0, 0, d)
		}
		lo = cdf[i]
	}
	return months[2]
}

// quarterShare is the share of a year's background accidents in quarter q
// (by monthWeight and the length of the months; leap years ignored).
func quarterShare(q int) float64 {
	year := 0.0
	for m := 1; m <= 12; m++ {
		year += monthWeight[m] * float64(daysIn[m])
	}
	s := 0.0
	for i := range 3 {
		m := (3+3*(q-1)+i)%12 + 1
		s += monthWeight[m] * float64(daysIn[m])
	}
	return s / year
}

var daysIn = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// draw fills in one accident.
func (g *generator) draw(p *yearPlan, q int, op *operator, f int, pd pending) *accident {
	r := newRNG(g.seed, tagRow, uint64(p.fy), uint64(q), uint64(op.index), uint64(f), uint64(pd.src), uint64(pd.evIdx), uint64(pd.idx))
	a := &accident{op: op, fy: p.fy, quarter: q, form: f, reportType: "quarterly", critical: -1}
	if pd.src == srcSerious {
		g.drawSerious(r, a, pd.day)
		return a
	}
	month := pd.day.Month()

	// Cause.
	switch pd.src {
	case srcEvent:
		a.cause = pickW(r, pd.ev.causes())
	default:
		cs := p.bgCause[f]
		lm := make([]weighted[string], len(cs))
		copy(lm, cs)
		for i := range lm {
			if lm[i].V == "natural_disaster" {
				lm[i].W *= lightningMonth[month] / lightningMean
			}
		}
		a.cause = pickW(r, lm)
	}
	a.cyber = a.cause == "cyber_attack"
	a.otherOrigin = a.cause == "other_operator"

	// Service and equipment.
	if f == formSimplified {
		a.equipment = pickW(r, op.simplified)
		switch a.equipment {
		case "radio_base":
			if op.kind.code == "mno" {
				a.service = pickW(r, []weighted[string]{{"voice_mobile", 0.35}, {"data_mobile", 0.65}})
			} else {
				a.service = "data_mobile"
			}
		case "remote_unit":
			a.service = "voice_fixed"
		default:
			a.service = "dsl"
		}
	} else {
		a.service = pickW(r, op.services)
		a.equipment = chooseEquipment(r, op, a.service, a.cause)
	}

	// Impact.
	deg, ok := degradationShare[a.cause]
	if !ok {
		deg = defaultDegradation
	}
	a.impact = "outage"
	if r.chance(deg) {
		a.impact = "degradation"
	}

	// Users and duration.
	a.users = drawUsers(r, op, f, a.equipment)
	disaster := pd.src == srcEvent || a.cause == "natural_disaster" || a.cause == "power_outage"
	a.duration = drawDuration(r, a.users, disaster)
	minute := timeOfDay(r, a.cause)
	a.occurred = pd.day.Add(time.Duration(minute) * time.Minute)
	avoidSerious(r, a)

	// Where.
	var within area
	if pd.src == srcEvent {
		within = newArea(op.area.codes, func(c string) float64 { return op.area.weight(c) * pd.ev.area.weight(c) })
		if within.total == 0 {
			within = op.area
		}
	} else {
		within = op.area
	}
	a.prefs, a.nationwide = drawPrefectures(r, op, within, f, a.users)
	if pd.src == srcEvent && f == formFull && pd.ev.name != "" {
		a.disaster = pd.ev.reportedName(r)
	}

	if f == formFull {
		g.fillFullForm(r, a)
	}
	return a
}

// lightningMean normalizes lightningMonth to mean 1.
var lightningMean = func() float64 {
	s := 0.0
	for m := 1; m <= 12; m++ {
		s += lightningMonth[m]
	}
	return s / 12
}()

// chooseEquipment picks the failed equipment of a full-form accident: where
// failures of the service happen, restricted to what the cause can act on
// and to what the operator runs (another operator's failure may be on
// equipment the reporting operator does not own).
func chooseEquipment(r *rng, op *operator, service, cause string) string {
	base := equipmentByService[service]
	compat := causeEquipment[cause]
	filter := func(useCompat bool) []weighted[string] {
		var out []weighted[string]
		for _, e := range base {
			if cause != "other_operator" && !op.owns[e.V] {
				continue
			}
			if useCompat && compat != nil {
				ok := false
				for _, c := range compat {
					ok = ok || c == e.V
				}
				if !ok {
					continue
				}
			}
			out = append(out, e)
		}
		return out
	}
	if c := filter(true); len(c) > 0 {
		return pickW(r, c)
	}
	if c := filter(false); len(c) > 0 {
		return pickW(r, c)
	}
	return "other"
}

// drawUsers draws the affected users from the distribution of the failed
// equipment, capped by the operator's subscribers.
func drawUsers(r *rng, op *operator, f int, equipment string) int64 {
	key := equipment
	if f == formSimplified {
		key = "s:" + equipment
	}
	d, ok := usersByEquipment[key]
	if !ok {
		d = usersByEquipment["other"]
	}
	var u float64
	switch equipment {
	case "switch_transit", "router", "server", "satellite_cable":
		if f == formFull && r.chance(coreTailShare) {
			u = r.pareto(coreTailMin, coreTailAlpha)
			break
		}
		u = r.logNormal(d.median, d.sigma)
	default:
		u = r.logNormal(d.median, d.sigma)
	}
	n := int64(math.Max(1, math.Round(u)))
	return min(n, op.users)
}

// drawDuration draws the duration in minutes.
func drawDuration(r *rng, users int64, disaster bool) int64 {
	var d float64
	switch {
	case users >= 30000:
		d = r.logNormal(largeMedian, largeSigma)
	case disaster:
		d = 120 + r.logNormal(disasterMedian, disasterSigma)
	case r.chance(belowThresholdShare):
		d = float64(r.rangeInt(15, 119))
	default:
		d = 120 + r.logNormal(excessMedian, excessSigma)
	}
	return min(max(int64(math.Round(d)), 1), maxDuration)
}

// timeOfDay draws the minute of the day an accident starts: works and
// configuration changes mostly in the night maintenance window, everything
// else at any hour.
func timeOfDay(r *rng, cause string) int {
	switch cause {
	case "work_error", "config_error", "procedure":
		if r.chance(0.6) {
			return r.rangeInt(0, 6*60-1)
		}
		return r.rangeInt(8*60, 20*60)
	}
	return r.intn(24 * 60)
}

// avoidSerious shortens an ordinary accident that would meet the
// serious-accident criteria: serious accidents are decided per year
// (planSerious), so that there is only a handful of them, as in reality.
func avoidSerious(r *rng, a *accident) {
	for meetsSerious(a.thresholds()) && a.duration > 1 {
		a.duration = max(1, a.duration/2-int64(r.intn(5)))
	}
}

// drawPrefectures draws the 影響範囲: one prefecture for a small accident,
// several or the whole country for a large one, within where the operator
// serves.
func drawPrefectures(r *rng, op *operator, within area, f int, users int64) ([]string, bool) {
	first := within.pick(r)
	set := map[string]bool{first: true}
	switch {
	case f == formSimplified || users < 5000:
	case users < 100_000:
		same := regionPrefs(regionOfPref(first))
		for _, c := range same {
			if c != first && op.area.has(c) && r.chance(0.25) {
				set[c] = true
			}
		}
	default:
		if op.national && users >= 300_000 && r.chance(0.5) {
			return nil, true
		}
		k := 2 + r.intn(6)
		for range k {
			set[op.area.pick(r)] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out) // deterministic order of prefectures
	return out, false
}

// drawSerious fills in a serious accident: a large operator's service down
// for long enough, over enough users, to meet the criteria in force.
func (g *generator) drawSerious(r *rng, a *accident, day time.Time) {
	op := a.op
	a.serious = true
	if r.chance(seriousReportedShare) {
		a.reportType = "serious"
	}
	a.cause = pickW(r, []weighted[string]{
		{"sw_bug", 0.25}, {"hw_failure", 0.2}, {"capacity", 0.1}, {"config_error", 0.2}, {"work_error", 0.1},
		{"procedure", 0.05}, {"other_operator", 0.03}, {"natural_disaster", 0.03}, {"power_outage", 0.02}, {"cyber_attack", 0.02},
	})
	a.cyber = a.cause == "cyber_attack"
	a.otherOrigin = a.cause == "other_operator"
	a.service = pickW(r, op.services)
	a.equipment = chooseEquipment(r, op, a.service, a.cause)
	a.impact = "outage"
	if r.chance(0.25) {
		a.impact = "degradation"
	}
	a.occurred = day.Add(time.Duration(timeOfDay(r, a.cause)) * time.Minute)

	// A rule of the set in force for the service's category that the
	// operator is large enough to meet.
	cat := kensho.ServiceCategoryOf(a.service)
	var rules []kensho.SeriousRule
	for _, rule := range kensho.SeriousRulesInForce(a.occurred) {
		if (rule.Category == "" || rule.Category == cat) && rule.Impact == "" && rule.Equipment == "" && rule.MinUsers <= op.users {
			rules = append(rules, rule)
		}
	}
	if len(rules) == 0 {
		rules = kensho.SeriousRulesInForce(a.occurred)[:1]
	}
	rule := rules[r.intn(len(rules))]
	minUsers := max(rule.MinUsers, 30000)
	// Users: above the rule's minimum by a heavy-tailed factor (an
	// assumption), within the operator's subscribers.
	a.users = min(op.users, int64(float64(minUsers)*r.pareto(1, 1.2)*r.logNormal(1.5, 0.5)))
	a.users = max(a.users, min(minUsers, op.users))
	a.duration = min(int64(float64(rule.MinMinutes)*(1+r.logNormal(0.8, 0.9))), maxDuration)
	for !meetsSerious(a.thresholds()) && a.duration < maxDuration {
		a.duration = min(a.duration*2+60, maxDuration)
		a.users = min(op.users, a.users*2)
	}
	if op.national && r.chance(0.5) {
		a.nationwide = true
	} else {
		a.prefs, a.nationwide = drawPrefectures(r, op, op.area, formFull, a.users)
	}
	g.fillFullForm(r, a)
}

// fillFullForm adds what the full form asks beyond the simplified one:
// site, model, partner, critical-infrastructure users, summary, prevention.
func (g *generator) fillFullForm(r *rng, a *accident) {
	op := a.op
	city := pickString(r, prefCities[a.mainPref(r)])
	a.site = siteName(r, op, a.equipment, city)
	if ms := op.models[a.equipment]; len(ms) > 0 && !a.otherOrigin && r.chance(0.75) {
		a.model = ms[r.intn(len(ms))]
	}
	if a.otherOrigin {
		a.partner = g.pop.partnerName(r, op)
	}
	switch {
	case a.users >= 30000 && r.chance(0.5):
		a.critical = int64(math.Min(60, math.Round(r.logNormal(3, 1))))
	case a.users >= 30000 || op.style.critZero:
		a.critical = 0
	}
	a.summary = summaryText(r, a, city)
	a.prevention = preventionText(r, a)
}

// mainPref is the prefecture a full-form accident's building stands in.
func (a *accident) mainPref(r *rng) string {
	if len(a.prefs) > 0 {
		return a.prefs[r.intn(len(a.prefs))]
	}
	return a.op.home
}
