package lp

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBadlyScaledRowsHold: rows shaped like the magnitude support rows of
// sdc/model — a class's users U bounded by its counts N_a times what one
// accident of each atom can have, from a few thousand to 10¹² — with the
// class's users published within ±0.5. Every whole point the branch and
// bound reports must hold every row to within a millionth of the row's
// largest term at that point: a point 200,000 users outside a row of
// 400,000 was once reported (a row scaled by its largest coefficient
// alone leaves its small terms below the tolerance), and protect took it
// as proof that a cell could move.
func TestBadlyScaledRowsHold(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for trial := 0; trial < 300; trial++ {
		atoms := 3 + rng.IntN(6)
		var p Problem
		n := make([]int, atoms)
		for a := range n {
			n[a] = p.AddVar(0, float64(1+rng.IntN(4)))
		}
		u := p.AddVar(0, Inf)
		hi := make([]float64, atoms)
		lo := make([]float64, atoms)
		for a := range hi {
			lo[a] = math.Pow(10, 4+3*rng.Float64())
			hi[a] = lo[a] * math.Pow(10, 1+7*rng.Float64()) // up to 10¹²
		}
		up := []Term{{u, 1}}
		down := []Term{{u, 1}}
		count := []Term{}
		for a := range n {
			up = append(up, Term{n[a], -hi[a]})
			down = append(down, Term{n[a], -lo[a]})
			count = append(count, Term{n[a], 1})
		}
		p.AddRow(up, math.Inf(-1), 0)
		p.AddRow(down, 0, Inf)
		k := float64(1 + rng.IntN(3))
		p.AddRow(count, k, k)
		u0 := math.Round(k * lo[rng.IntN(atoms)] * (1 + rng.Float64()))
		p.AddRow([]Term{{u, 1}}, u0-0.5, u0+0.5)
		integer := make([]bool, len(p.Lower))
		for _, v := range n {
			integer[v] = true
		}
		s := NewSolver(&p)
		for probe := 0; probe < 4; probe++ {
			obj := []Term{{n[rng.IntN(atoms)], float64(1 - 2*rng.IntN(2))}}
			res, err := s.MaximizeInteger(obj, IntOptions{Integer: integer, Target: math.Inf(1), IntegralObjective: true})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Found {
				continue
			}
			for i, r := range p.Rows {
				act, scale := 0.0, 1.0
				for _, tm := range r.Terms {
					x := res.Point[tm.Var]
					if integer[tm.Var] {
						x = math.Round(x)
					}
					act += tm.Coef * x
					scale = math.Max(scale, math.Abs(tm.Coef*x))
				}
				if viol := math.Max(r.Lo-act, act-r.Hi); viol > 1e-6*scale {
					t.Fatalf("trial %d probe %d: row %d holds %v outside [%v, %v] (largest term %v)", trial, probe, i, act, r.Lo, r.Hi, scale)
				}
			}
		}
	}
}

// TestWarmBoundedNeverUnbounded: programmes shaped like sdc/model's
// magnitude classes — counts per atom (one per users band × duration band),
// users U and user-hours H per class held by support rows whose
// coefficients run from 1 to 10⁶ (the floor of the top users band) and
// beyond, every variable bounded through them — solved warm, again and
// again, as protect and the audit do (an insider's lower bounds on counts
// set and taken back, one objective after another). A bounded programme is
// never "unbounded": that answer is a claim that every target is reached,
// and protect once took such a claim from factors that had drifted (an
// insider's user-hours, bounded at 3.92·10⁷, read as unbounded), so the
// audit failed closed on a pattern protect had passed. Each warm answer
// must match a fresh solver's; on the solver before session 18 a warm
// solve ran to its iteration limit (trial 354).
func TestWarmBoundedNeverUnbounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 29))
	type atom struct{ v, ub, db int }
	for trial := 0; trial < 400; trial++ {
		var p Problem
		classes := 2 + rng.IntN(8)
		capUsers := math.Pow(10, 6+2*rng.Float64())
		capDur := 60 * 24 * float64(30+rng.IntN(300))
		ulo := []float64{30000, 100000, 1000000}
		uhi := []float64{99999, 999999, capUsers}
		dlo := []float64{120, 1440}
		dhi := []float64{1439, capDur}
		// Support rows: users above and below, user-hours against users
		// at each duration band's limits.
		dirs := [][2]float64{{1, 0}, {-1, 0}, {-capDur, 60}}
		for db := range dlo {
			dirs = append(dirs, [2]float64{dlo[db], -60}, [2]float64{-dhi[db], 60})
		}
		var ns, us, hs []int
		var total []Term
		for k := 0; k < classes; k++ {
			u, h := p.AddVar(0, Inf), p.AddVar(0, Inf)
			us, hs = append(us, u), append(hs, h)
			var atoms []atom
			for ub := range ulo {
				for db := range dlo {
					if rng.IntN(3) == 0 && !(ub == len(ulo)-1 && db == len(dlo)-1 && len(atoms) == 0) {
						continue // not every band pair in every class (but one at least)
					}
					a := p.AddVar(0, Inf)
					atoms = append(atoms, atom{a, ub, db})
					ns = append(ns, a)
					total = append(total, Term{a, 1})
				}
			}
			for _, w := range dirs {
				terms := []Term{{u, w[0]}, {h, w[1]}}
				for _, a := range atoms {
					best := math.Inf(-1)
					for _, d := range []float64{dlo[a.db], dhi[a.db]} {
						for _, x := range []float64{ulo[a.ub], uhi[a.ub]} {
							best = math.Max(best, x*(w[0]+w[1]*d/60))
						}
					}
					if best != 0 {
						terms = append(terms, Term{a.v, -best})
					}
				}
				p.AddRow(terms, math.Inf(-1), 0)
			}
		}
		// The year's count is published, and a few classes' users.
		count := float64(5 + rng.IntN(40))
		p.AddRow(total, count, count)
		for k := range us {
			if rng.IntN(2) == 0 {
				v := math.Round(float64(1+rng.IntN(3)) * 1.2e6 * (1 + rng.Float64()))
				p.AddRow([]Term{{us[k], 1}}, v-0.5, v+0.5)
			}
		}
		warm := NewSolver(&p)
		for round := 0; round < 60; round++ {
			// An insider's lower bounds on a few counts, set or taken back.
			for j := 0; j < 2; j++ {
				v := ns[rng.IntN(len(ns))]
				lo := 0.0
				if rng.IntN(2) == 0 {
					lo = float64(rng.IntN(2))
				}
				p.Lower[v] = lo
				warm.SetBounds(v, lo, p.Upper[v])
			}
			var obj []Term
			for _, v := range append(slices.Clone(us), hs...) {
				if c := float64(rng.IntN(3) - 1); c != 0 {
					obj = append(obj, Term{v, c})
				}
			}
			st1, v1, err1 := warm.Maximize(obj)
			fresh := NewSolver(&p)
			st2, v2, err2 := fresh.Maximize(obj)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if st1 == Unbounded || st2 == Unbounded {
				t.Fatalf("trial %d round %d: warm %v, fresh %v on a bounded programme", trial, round, st1, st2)
			}
			// Equal within the solver's relative tolerance of the terms
			// summed (up to 10¹⁴ user-hours that may cancel to 0), and
			// within a user: a count 10⁻⁷ outside its bound (the
			// feasibility tolerance) is 0.1 users at 10⁶ per accident.
			scale := 1e7
			for _, tm := range obj {
				scale += math.Abs(tm.Coef*fresh.Value(tm.Var)) + math.Abs(tm.Coef*warm.Value(tm.Var))
			}
			if st1 != st2 || (st1 == Optimal && math.Abs(v1-v2) > 1e-7*scale) {
				t.Fatalf("trial %d round %d: warm %v %v, fresh %v %v", trial, round, st1, v1, st2, v2)
			}
		}
	}
}
