package anonymize

import (
	"math"
	"sort"

	"github.com/kensho-jp/kensho"
)

// Primary rules (Handbook §4.2): a non-zero cell is unsafe when it has fewer
// than MinOperators operators, fails the p%-rule, or fails an (n,k) rule. The
// protection level is how far the attacker's interval must reach on each side
// of the true value (Handbook §4.2.2: for the p%-rule p/100·x1 − (X − x1 − x2),
// for the (n,k) rule 100/k·(x1+…+xn) − X).

const (
	ruleMinOperators = "min_operators"
	rulePPercent     = "p_percent"
	ruleDominance    = "dominance"
)

// sortedShares returns the positive contributions, largest first.
func sortedShares(contrib []kensho.Contribution) []float64 {
	out := make([]float64, 0, len(contrib))
	for _, c := range contrib {
		if c.Value > 0 {
			out = append(out, c.Value)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	return out
}

// primaryRule decides whether a cell of value x with the given contributions
// is unsafe, by which rule (the first that fails, in the order min_operators,
// p_percent, dominance), and the protection it needs.
func primaryRule(cfg Config, x float64, contrib []kensho.Contribution) (unsafe bool, rule string, protect float64) {
	if x == 0 {
		return false, "", 0 // a zero cell is safe
	}
	sh := sortedShares(contrib)
	x1, x2 := at(sh, 0), at(sh, 1)
	if len(sh) < cfg.MinOperators {
		unsafe, rule = true, ruleMinOperators
		protect = cfg.ProtectionLevel / 100 * x
	}
	if p := cfg.P / 100 * x1; x-x1-x2 < p {
		if !unsafe {
			unsafe, rule = true, rulePPercent
		}
		protect = math.Max(protect, p-(x-x1-x2))
	}
	for _, r := range cfg.Dominance {
		top := 0.0
		for i := 0; i < r.N && i < len(sh); i++ {
			top += sh[i]
		}
		if top > r.K/100*x {
			if !unsafe {
				unsafe, rule = true, ruleDominance
			}
			protect = math.Max(protect, 100/r.K*top-x)
		}
	}
	return unsafe, rule, protect
}

// insiderProtection is the protection a primary cell needs against operator
// op, who knows its own contribution: the p%-rule for the largest of the
// others, and the protection level on what op does not know when the cell
// has too few operators.
func insiderProtection(cfg Config, x float64, contrib []kensho.Contribution, rule string, op int32) float64 {
	own := 0.0
	others := make([]kensho.Contribution, 0, len(contrib))
	for _, c := range contrib {
		if c.Op == op {
			own = c.Value
		} else {
			others = append(others, c)
		}
	}
	rest := x - own
	if rest <= relTol*math.Max(1, x) {
		return 0 // the operator is the cell
	}
	sh := sortedShares(others)
	x1 := at(sh, 0)
	protect := math.Max(0, cfg.P/100*x1-(rest-x1))
	if rule == ruleMinOperators {
		protect = math.Max(protect, cfg.ProtectionLevel/100*rest)
	}
	return protect
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return 0
}
