package lp

import (
	"compress/gzip"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/kensho-jp/kensho/internal/testenv"
)

// TestCBCAgreesWithBranchAndBound: on small mixed programmes (ranged,
// one-sided and equality rows, free and fixed variables, a free row)
// CBC's optimum equals this package's branch and bound's, and its point
// holds every row and bound and is whole where it must be.
func TestCBCAgreesWithBranchAndBound(t *testing.T) {
	c := FindCBC()
	if c == nil {
		testenv.Missing(t, "cbc", testenv.CBCHint)
	}
	rng := rand.New(rand.NewPCG(5, 23))
	optimal, infeasible := 0, 0
	for trial := 0; trial < 100; trial++ {
		n := 3 + rng.IntN(4)
		var p Problem
		integer := make([]bool, n)
		for j := 0; j < n; j++ {
			switch rng.IntN(5) {
			case 0:
				p.AddVar(1, 1) // fixed
			case 1:
				p.AddVar(math.Inf(-1), 6) // no lower bound
			default:
				p.AddVar(0, float64(2+rng.IntN(4)))
			}
			integer[j] = rng.IntN(3) > 0
		}
		for i := 0; i < 2+rng.IntN(3); i++ {
			var terms []Term
			for j := 0; j < n; j++ {
				if a := float64(rng.IntN(7)-3) * (1 + 0.25*float64(rng.IntN(2))); a != 0 {
					terms = append(terms, Term{j, a})
				}
			}
			hi := float64(rng.IntN(12)) + 0.5
			lo := hi - float64(rng.IntN(6))
			switch rng.IntN(4) {
			case 0:
				lo = math.Inf(-1)
			case 1:
				hi = math.Inf(1)
			case 2:
				lo = hi
			}
			p.AddRow(terms, lo, hi)
		}
		p.AddRow([]Term{{0, 1}, {1, 1}}, math.Inf(-1), math.Inf(1)) // free: constrains nothing
		var obj []Term
		for j := 0; j < n; j++ {
			obj = append(obj, Term{j, float64(rng.IntN(5) - 2)})
		}
		own, err := NewSolver(&p).MaximizeInteger(obj, IntOptions{Integer: integer, Target: math.Inf(1)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.MaximizeInteger(context.Background(), &p, integer, obj)
		if err != nil {
			t.Fatal(err)
		}
		if own.Status == Infeasible || own.Status == Unbounded {
			if got.Status != own.Status && !(own.Status == Unbounded && got.Status == Infeasible) {
				// CBC may report an unbounded programme as infeasible
				// or unbounded; an infeasible one must be infeasible.
				t.Fatalf("trial %d: branch and bound %v, cbc %v", trial, own.Status, got.Status)
			}
			infeasible++
			continue
		}
		if own.Status != Optimal {
			t.Fatalf("trial %d: branch and bound %v", trial, own.Status)
		}
		if got.Status != Optimal || !got.Found || math.Abs(got.Best-own.Best) > 1e-6*math.Max(1, math.Abs(own.Best)) {
			t.Fatalf("trial %d: branch and bound %v, cbc %+v", trial, own.Best, got)
		}
		v := 0.0
		for _, tm := range obj {
			v += tm.Coef * got.Point[tm.Var]
		}
		if math.Abs(v-own.Best) > 1e-6*math.Max(1, math.Abs(own.Best)) {
			t.Fatalf("trial %d: cbc's point has objective %v, says %v", trial, v, got.Best)
		}
		for j, x := range got.Point {
			if x < p.Lower[j]-1e-6 || x > p.Upper[j]+1e-6 || (integer[j] && math.Abs(x-math.Round(x)) > 1e-6) {
				t.Fatalf("trial %d: cbc's x%d = %v outside [%v, %v] (whole %v)", trial, j, x, p.Lower[j], p.Upper[j], integer[j])
			}
		}
		for i, r := range p.Rows {
			a := 0.0
			for _, tm := range r.Terms {
				a += tm.Coef * got.Point[tm.Var]
			}
			if a < r.Lo-1e-6 || a > r.Hi+1e-6 {
				t.Fatalf("trial %d: cbc's point breaks row %d: %v not in [%v, %v]", trial, i, a, r.Lo, r.Hi)
			}
		}
		optimal++
	}
	t.Logf("%d optimal, %d infeasible or unbounded", optimal, infeasible)
	if optimal < 20 {
		t.Fatalf("only %d trials with an optimum: the test shows little", optimal)
	}
}

// TestReadSolution reads cbc's solution files of each status, as cbc
// 2.10 writes them; a line that is not a column is an error, not a zero.
func TestReadSolution(t *testing.T) {
	dir := t.TempDir()
	read := func(text string, n int) (IntResult, error) {
		path := dir + "/s.txt"
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return readSolution(path, n, IntResult{Bound: math.Inf(1), Best: math.Inf(-1)})
	}
	res, err := read("Optimal - objective value -7.00000000\n      0 x0                     2                       0\n** 1 x1   3 -1\n", 2)
	if err != nil || res.Status != Optimal || !res.Found || res.Best != 7 || res.Bound != 7 || res.Point[0] != 2 || res.Point[1] != 3 {
		t.Fatalf("optimal: %+v %v", res, err)
	}
	res, err = read("Stopped on nodes - objective value -5.00000000\n      0 x0  1  0\n      1 x1  2  0\n", 2)
	if err != nil || res.Status != IterationLimit || !res.Found || res.Best != 5 || !math.IsInf(res.Bound, 1) {
		t.Fatalf("stopped: %+v %v", res, err)
	}
	res, err = read("Stopped on time - objective value 1e+50\n", 2)
	if err != nil || res.Status != IterationLimit || res.Found {
		t.Fatalf("stopped, no point: %+v %v", res, err)
	}
	res, err = read("Infeasible - objective value 0.00000000\n", 2)
	if err != nil || res.Status != Infeasible || res.Found {
		t.Fatalf("infeasible: %+v %v", res, err)
	}
	if _, err = read("Optimal - objective value 0\n      7 x7  1  0\n", 2); err == nil {
		t.Fatal("a column beyond the programme was read")
	}
	if _, err = read("Something else\n", 2); err == nil {
		t.Fatal("an unknown status was read")
	}
}

// TestMPSRoundTrip: what writeMPS writes, ReadMPS reads back — bounds
// (free, fixed, infinite), row kinds (equality, one-sided, ranged), the
// integer markers and the objective; a row free on both sides is left out.
func TestMPSRoundTrip(t *testing.T) {
	var p Problem
	p.AddVar(0, 3)
	p.AddVar(math.Inf(-1), 6.5)
	p.AddVar(2, 2)
	p.AddVar(0, math.Inf(1))
	p.AddRow([]Term{{0, 1}, {1, -2.25}}, 1, 1)
	p.AddRow([]Term{{1, 1}, {2, 1}}, math.Inf(-1), 7)
	p.AddRow([]Term{{0, 1}, {3, 1e-3}}, -4, math.Inf(1))
	p.AddRow([]Term{{2, 3}, {3, 1}}, math.Inf(-1), math.Inf(1))
	p.AddRow([]Term{{0, 1}, {2, 1}, {3, 1}}, 0.5, 1e8+0.5)
	integer := []bool{true, false, true, true}
	obj := []Term{{0, 1}, {3, -2}}
	path := filepath.Join(t.TempDir(), "p.mps")
	if err := writeMPS(path, &p, integer, obj); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	q, qint, qobj, err := ReadMPS(f)
	if err != nil {
		t.Fatal(err)
	}
	want := p
	want.Rows = slices.Delete(slices.Clone(p.Rows), 3, 4)
	if !reflect.DeepEqual(q.Lower, want.Lower) || !reflect.DeepEqual(q.Upper, want.Upper) || !reflect.DeepEqual(q.Rows, want.Rows) {
		t.Errorf("read back\n%+v\nwant\n%+v", *q, want)
	}
	if !slices.Equal(qint, integer) || !reflect.DeepEqual(qobj, obj) {
		t.Errorf("integer %v objective %v, want %v %v", qint, qobj, integer, obj)
	}
}

// TestCBCAssertionIsRetried: testdata/cbc-assertion.mps.gz is a question
// the audit asked on a small two-year build (2,060 unknowns); cbc 2.10.8
// under -primalT 1e-9 stops on an assertion in its simplex
// (ClpNonLinearCost: lowerValue <= upperValue). MaximizeInteger tries it
// again without presolve and gets the optimum, 5,017,154.8.
func TestCBCAssertionIsRetried(t *testing.T) {
	c := FindCBC()
	if c == nil {
		testenv.Missing(t, "cbc", testenv.CBCHint)
	}
	f, err := os.Open("testdata/cbc-assertion.mps.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	p, integer, obj, err := ReadMPS(z)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.MaximizeInteger(context.Background(), p, integer, obj)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Optimal || !res.Found || math.Abs(res.Best-5017154.8) > 1e-3 {
		t.Fatalf("%v found %v best %v, want the optimum 5017154.8", res.Status, res.Found, res.Best)
	}
}
