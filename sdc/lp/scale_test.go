package lp

import (
	"math"
	"math/rand/v2"
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
