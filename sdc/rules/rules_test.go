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
