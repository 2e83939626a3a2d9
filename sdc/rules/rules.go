// Package rules holds kensho's disclosure rules as pure functions of a
// figure's value and its operators' contributions: whether the figure may
// be published (the primary rules) and, when it may not, how far a
// reader's interval for it must reach on each side (its protection), for
// a reader outside and for each operator that knows its own part.
//
// The unit protected is the operator. What is already public (the
// ministry's list of serious accidents) is known to every reader, so the
// rules apply to the rest of a figure. Counts are whole numbers and every
// operator in a published count has at least one accident, which a reader
// knows: the p%-rule for counts accounts for it (the (n, 1, 1) case).
//
// The package decides nothing about a publication as a whole; protect and
// audit call it, and the independent attacker in the test suite checks the
// outcome with code of its own.
package rules

import (
	"math"
	"slices"

	"github.com/kensho-jp/kensho"
)

// Config are the rules' parameters (anonymize.Config holds them in its
// JSON file).
type Config struct {
	MinOperators    int
	P               float64
	Dominance       []NK
	ProtectionLevel float64
}

// NK is an (n, k) dominance rule: unsafe when the n largest operators hold
// more than k% of the figure.
type NK struct {
	N int
	K float64
}

// Rule names, in the order they are tried.
const (
	MinOperators = "min_operators"
	PPercent     = "p_percent"
	Dominance    = "dominance"
	// Revision: the figure itself may be published, but not beside what
	// an earlier release published of it (see Earlier).
	Revision = "revision"
)

// Figure is what the rules read: the figure's magnitude, its true value,
// each operator's part of it (sorted by operator, zeros left out), the
// public part of each operator's contribution, and the figure as every
// earlier release had it.
type Figure struct {
	Mag     kensho.Magnitude
	Value   float64
	Contrib []kensho.Contribution
	Public  []kensho.Contribution
	Earlier []Earlier
}

// Earlier is a figure as an earlier release had it: whether that release
// published it, its true value then, each operator's part then (operators
// numbered as in the figure's Contrib) and the public part then, and the
// requirement it had then.
//
// A reader holds every release. Where an earlier release published the
// figure, the change between the two is a figure of its own: its parts are
// each operator's change (a correction, a late report), and the rules
// apply to it as to any figure, on the operators' changes in absolute
// value, so that one operator's correction is never shown by a difference
// (and a change that nets out to nothing still is one for an operator who
// knows its own part). Where an earlier release withheld the figure under
// a rule, publishing it now shows the earlier value within the change: the
// figure keeps the earlier protection while the change is smaller than it.
type Earlier struct {
	Published bool
	Value     float64
	Contrib   []kensho.Contribution
	Public    []kensho.Contribution
	Req       Requirement
}

// change is the figure of the change from e to f: each operator's change
// in absolute value, its public part likewise. changed is false when no
// operator's part differs.
func change(f Figure, e Earlier) (c Figure, changed bool) {
	diff := func(now, then []kensho.Contribution) []kensho.Contribution {
		d := map[int32]float64{}
		for _, x := range now {
			d[x.Op] += x.Value
		}
		for _, x := range then {
			d[x.Op] -= x.Value
		}
		var out []kensho.Contribution
		for op, v := range d {
			if math.Abs(v) > 1e-9*math.Max(1, math.Abs(f.Value)) {
				out = append(out, kensho.Contribution{Op: op, Value: math.Abs(v)})
			}
		}
		slices.SortFunc(out, func(a, b kensho.Contribution) int { return int(a.Op - b.Op) })
		return out
	}
	c = Figure{Mag: f.Mag, Contrib: diff(f.Contrib, e.Contrib), Public: diff(f.Public, e.Public)}
	for _, x := range c.Contrib {
		c.Value += x.Value
	}
	return c, len(c.Contrib) > 0
}

// inherits reports whether a figure an earlier release withheld under a
// rule still needs that protection: its change since is smaller than the
// protection, so the value published now would show the earlier one.
func inherits(f Figure, e Earlier) bool {
	if e.Published || !e.Req.Primary {
		return false
	}
	return math.Abs(f.Value-e.Value) < math.Max(e.Req.Upper, e.Req.Lower)
}

// unknown returns what readers do not already know of the figure: the value
// less its public part, and each operator's part less its public part.
func (f Figure) unknown() (float64, []kensho.Contribution) {
	if len(f.Public) == 0 {
		return f.Value, f.Contrib
	}
	pub := map[int32]float64{}
	total := 0.0
	for _, c := range f.Public {
		pub[c.Op] += c.Value
		total += c.Value
	}
	var out []kensho.Contribution
	for _, c := range f.Contrib {
		if v := c.Value - pub[c.Op]; v > 1e-9 {
			out = append(out, kensho.Contribution{Op: c.Op, Value: v})
		}
	}
	return math.Max(0, f.Value-total), out
}

// Requirement is a figure's verdict: whether a primary rule forbids
// publishing it, which, and the protection the outsider's interval needs.
type Requirement struct {
	Primary bool
	Rule    string
	// Upper and Lower: the reader's interval must reach Value+Upper and
	// Value−Lower.
	Upper, Lower float64
}

// Check applies the primary rules to a figure, and to its change since
// every earlier release (see Earlier).
func Check(cfg Config, f Figure) Requirement {
	r := check(cfg, f)
	merge := func(o Requirement) {
		if !o.Primary {
			return
		}
		if !r.Primary {
			r.Primary, r.Rule = true, Revision
		}
		r.Upper, r.Lower = math.Max(r.Upper, o.Upper), math.Max(r.Lower, o.Lower)
	}
	for _, e := range f.Earlier {
		c, changed := change(f, e)
		switch {
		case !changed:
		case e.Published:
			merge(check(cfg, c))
		case inherits(f, e):
			merge(e.Req)
		}
	}
	return r
}

// check applies the primary rules to a figure alone.
func check(cfg Config, f Figure) Requirement {
	x, contrib := f.unknown()
	if x <= 0 {
		return Requirement{} // nothing unknown: an empty cell, or public facts only
	}
	sh := shares(contrib)
	x1, x2 := at(sh, 0), at(sh, 1)
	var r Requirement
	mark := func(rule string, protect float64) {
		if !r.Primary {
			r.Primary, r.Rule = true, rule
		}
		r.Upper = math.Max(r.Upper, protect)
	}
	if len(sh) < cfg.MinOperators {
		mark(MinOperators, cfg.ProtectionLevel/100*x)
	}
	// The p%-rule: the second largest operator, knowing its own part,
	// must not estimate the largest within p%. For a published count it
	// also knows that the figure has at least MinOperators operators, each
	// with at least one accident, so the rest (X − x1 − x2) is at least one
	// more accident it can subtract: the (n, 1, 1) case, where it would
	// read the others exactly.
	slack := 0.0
	if f.Mag == kensho.MagAccidents {
		slack = 1
	}
	if p := cfg.P / 100 * x1; x-x1-x2-slack < p {
		mark(PPercent, p-math.Max(0, x-x1-x2-slack))
	}
	for _, d := range cfg.Dominance {
		top := 0.0
		for i := 0; i < d.N && i < len(sh); i++ {
			top += sh[i]
		}
		if top > d.K/100*x {
			mark(Dominance, 100/d.K*top-x)
		}
	}
	if r.Primary {
		r.Lower = lowerOf(f.Mag, x, r.Upper)
	}
	return r
}

// lowerOf is the protection below the value: the same as above (a zero
// may be suppressed as a partner, so a suppressed count can be read down
// to zero like any figure).
func lowerOf(mag kensho.Magnitude, x, upper float64) float64 {
	return upper
}

// Insider is the protection a primary figure needs against operator op,
// who knows its own part: the p%-rule for the largest of the others, and,
// for a figure of too few operators, the protection level on what op does
// not know. A figure op holds alone needs nothing against op.
func Insider(cfg Config, f Figure, req Requirement, op int32) (upper, lower float64) {
	if !req.Primary {
		return 0, 0
	}
	if len(f.Earlier) == 0 {
		return insider(cfg, f, req, op)
	}
	// The figure's own requirement, and each change's, against op.
	upper, lower = insider(cfg, f, check(cfg, f), op)
	for _, e := range f.Earlier {
		var u, l float64
		c, changed := change(f, e)
		switch {
		case !changed:
			continue
		case e.Published:
			u, l = insider(cfg, c, check(cfg, c), op)
		case inherits(f, e):
			u, l = insider(cfg, Figure{Mag: f.Mag, Value: e.Value, Contrib: e.Contrib, Public: e.Public}, e.Req, op)
		}
		upper, lower = math.Max(upper, u), math.Max(lower, l)
	}
	return upper, lower
}

func insider(cfg Config, f Figure, req Requirement, op int32) (upper, lower float64) {
	if !req.Primary {
		return 0, 0
	}
	x, contrib := f.unknown()
	own := 0.0
	var others []kensho.Contribution
	for _, c := range contrib {
		if c.Op == op {
			own = c.Value
		} else {
			others = append(others, c)
		}
	}
	rest := x - own
	if rest <= 1e-9*math.Max(1, x) {
		return 0, 0
	}
	sh := shares(others)
	x1 := at(sh, 0)
	upper = math.Max(0, cfg.P/100*x1-(rest-x1))
	if req.Rule == MinOperators {
		upper = math.Max(upper, cfg.ProtectionLevel/100*rest)
	}
	return upper, lowerOf(f.Mag, rest, upper)
}

// shares returns the positive contributions, largest first.
func shares(contrib []kensho.Contribution) []float64 {
	out := make([]float64, 0, len(contrib))
	for _, c := range contrib {
		if c.Value > 0 {
			out = append(out, c.Value)
		}
	}
	slices.SortFunc(out, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	return out
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// Ratio is how well an interval [lo, hi] around value meets a protection
// (upper, lower): the smaller of (hi − value)/upper and (value − lo)/lower
// over the sides that need any, capped at 2 ("at least 2"); +Inf when no
// side needs protection. Below 1 the figure is disclosed.
func Ratio(value, lo, hi, upper, lower float64) float64 {
	r := math.Inf(1)
	if upper > 0 {
		r = math.Min(r, (hi-value)/upper)
	}
	if lower > 0 {
		r = math.Min(r, (value-lo)/lower)
	}
	return math.Min(r, RatioCap)
}

// RatioCap: ratios at or above it are reported as it.
const RatioCap = 2
