package rules

import (
	"math"
	"testing"

	"github.com/kensho-jp/kensho"
)

func fig(mag kensho.Magnitude, parts ...float64) Figure {
	f := Figure{Mag: mag}
	for i, p := range parts {
		f.Contrib = append(f.Contrib, kensho.Contribution{Op: int32(i + 1), Value: p})
		f.Value += p
	}
	return f
}

var cfg = Config{MinOperators: 3, P: 10, ProtectionLevel: 10}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		f       Figure
		primary bool
		rule    string
		upper   float64
	}{
		{"two operators", fig(kensho.MagAccidents, 5, 4), true, MinOperators, 0.9},
		{"(n,1,1): the third reads the others exactly", fig(kensho.MagAccidents, 3, 1, 1), true, PPercent, 0.3},
		{"1+1+1: everyone reads everyone", fig(kensho.MagAccidents, 1, 1, 1), true, PPercent, 0.1},
		{"1+1+1+1 is safe", fig(kensho.MagAccidents, 1, 1, 1, 1), false, "", 0},
		{"(2,1,1) fails", fig(kensho.MagAccidents, 2, 1, 1), true, PPercent, 0.2},
		{"(2,2,1,1) is safe", fig(kensho.MagAccidents, 2, 2, 1, 1), false, "", 0},
		{"users: the standard p% rule", fig(kensho.MagAffectedUsers, 100, 50, 11), false, "", 0},
		{"users: dominated", fig(kensho.MagAffectedUsers, 1000, 50, 40), true, PPercent, 60},
		{"empty", fig(kensho.MagAccidents), false, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(cfg, tc.f)
			if r.Primary != tc.primary || r.Rule != tc.rule || math.Abs(r.Upper-tc.upper) > 1e-9 {
				t.Errorf("got %+v, want primary %v rule %q upper %v", r, tc.primary, tc.rule, tc.upper)
			}
		})
	}
}

func TestPublicPartIsKnown(t *testing.T) {
	// Five operators, but four of them only through public accidents: what
	// readers do not know comes from one operator.
	f := fig(kensho.MagAccidents, 5, 1, 1, 1, 1)
	f.Public = []kensho.Contribution{{Op: 2, Value: 1}, {Op: 3, Value: 1}, {Op: 4, Value: 1}, {Op: 5, Value: 1}}
	if r := Check(cfg, f); !r.Primary || r.Rule != MinOperators {
		t.Errorf("got %+v, want primary by min_operators", r)
	}
	// A cell of public accidents only is safe.
	g := fig(kensho.MagAccidents, 1, 1)
	g.Public = g.Contrib
	if r := Check(cfg, g); r.Primary {
		t.Errorf("public-only cell: got %+v, want safe", r)
	}
}

func TestCountProtectionIsSymmetric(t *testing.T) {
	// A zero may be suppressed as a partner, so a suppressed count can be
	// read down to zero: a count of one is protected on both sides.
	r := Check(cfg, fig(kensho.MagAccidents, 1))
	if r.Upper <= 0 || r.Lower != r.Upper {
		t.Errorf("a count of one: protection %v above and %v below, want the same, positive", r.Upper, r.Lower)
	}
}

func TestInsider(t *testing.T) {
	f := fig(kensho.MagAffectedUsers, 1000, 50, 40)
	req := Check(cfg, f)
	if u, _ := Insider(cfg, f, req, 1); u != 0 {
		t.Errorf("largest operator against the others: %v", u)
	}
	if u, _ := Insider(cfg, f, req, 2); math.Abs(u-(100-40)) > 1e-9 {
		t.Errorf("second operator against the largest: got %v, want 60", u)
	}
	single := fig(kensho.MagAccidents, 4)
	if u, l := Insider(cfg, single, Check(cfg, single), 1); u != 0 || l != 0 {
		t.Errorf("an operator alone in a cell needs no protection against itself: %v %v", u, l)
	}
}

func TestRatio(t *testing.T) {
	if r := Ratio(10, 8, 12, 1, 1); r != RatioCap {
		t.Errorf("wide interval: %v", r)
	}
	if r := Ratio(10, 10, 11, 2, 1); r != 0 {
		t.Errorf("pinned from below: %v", r)
	}
	if r := Ratio(10, 9, 11.5, 2, 1); r != 0.75 {
		t.Errorf("short above: %v", r)
	}
}

// earlier is a figure of an earlier release with the given parts (by
// operator 1, 2, …) and status.
func earlierFig(published bool, req Requirement, parts ...float64) Earlier {
	f := fig(kensho.MagAccidents, parts...)
	return Earlier{Published: published, Value: f.Value, Contrib: f.Contrib, Req: req}
}

func TestRevision(t *testing.T) {
	// Ten operators with 10 accidents each: safe on its own.
	now := func(parts ...float64) Figure { return fig(kensho.MagAccidents, parts...) }
	ten := []float64{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}
	for _, tc := range []struct {
		name    string
		f       Figure
		e       Earlier
		primary bool
		upper   float64
	}{
		{"unchanged", now(ten...), earlierFig(true, Requirement{}, ten...), false, 0},
		{"one operator's correction shows in the difference", now(12, 10, 10, 10, 10, 10, 10, 10, 10, 10), earlierFig(true, Requirement{}, ten...), true, 0.2},
		{"two operators' corrections", now(12, 9, 10, 10, 10, 10, 10, 10, 10, 10), earlierFig(true, Requirement{}, ten...), true, 0.3},
		{"four operators' changes", now(12, 12, 12, 12, 10, 10, 10, 10, 10, 10), earlierFig(true, Requirement{}, ten...), false, 0},
		// Withheld before (and not a rule's: a partner): nothing to inherit.
		{"a partner before", now(12, 10, 10, 10, 10, 10, 10, 10, 10, 10), earlierFig(false, Requirement{}, ten...), false, 0},
		// Withheld before under a rule needing 5 either side: now 1 more
		// would show it within 1.
		{"a primary before, changed by less than its protection", now(11, 10, 10, 10, 10, 10, 10, 10, 10, 10),
			earlierFig(false, Requirement{Primary: true, Rule: PPercent, Upper: 5, Lower: 5}, ten...), true, 5},
		{"a primary before, changed by more", now(20, 20, 10, 10, 10, 10, 10, 10, 10, 10),
			earlierFig(false, Requirement{Primary: true, Rule: PPercent, Upper: 5, Lower: 5}, ten...), false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			f.Earlier = []Earlier{tc.e}
			r := Check(cfg, f)
			if r.Primary != tc.primary || math.Abs(r.Upper-tc.upper) > 1e-9 {
				t.Errorf("got %+v, want primary %v upper %v", r, tc.primary, tc.upper)
			}
			if r.Primary && r.Rule != Revision {
				t.Errorf("rule %q, want %q (the figure alone is safe)", r.Rule, Revision)
			}
		})
	}
}

func TestRevisionToZero(t *testing.T) {
	// One operator's only accident moved elsewhere by its correction: the
	// figure is 0 now, and publishing the 0 would show the correction.
	f := fig(kensho.MagAccidents)
	f.Earlier = []Earlier{earlierFig(true, Requirement{}, 1)}
	if r := Check(cfg, f); !r.Primary || r.Rule != Revision {
		t.Errorf("got %+v, want a revision requirement", r)
	}
}

func TestRevisionInsider(t *testing.T) {
	// Operators 1 and 2 correct by +5 and −5: the total does not move, but
	// operator 1 knows its own +5 and so reads operator 2's −5.
	f := fig(kensho.MagAccidents, 15, 5, 10, 10)
	f.Earlier = []Earlier{earlierFig(true, Requirement{}, 10, 10, 10, 10)}
	r := Check(cfg, f)
	if !r.Primary {
		t.Fatalf("got %+v, want primary", r)
	}
	up, _ := Insider(cfg, f, r, 1)
	if up < cfg.P/100*5-1e-9 {
		t.Errorf("operator 1 needs %v above, want at least p%% of operator 2's change (%v)", up, cfg.P/100*5)
	}
	// An operator that changed nothing knows no more of the change than a
	// reader outside: two operators changed, so the protection level on
	// the whole change (10% of 5 + 5).
	if up, lo := Insider(cfg, f, r, 3); math.Abs(up-1) > 1e-9 || math.Abs(lo-1) > 1e-9 {
		t.Errorf("operator 3: %v, %v; want 1, 1", up, lo)
	}
}
