package anonymize

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/internal/testenv"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/lp"
	"github.com/kensho-jp/kensho/sdc/model"
)

// TestExactSolverClosesGapsSoundly: the bounder asks its exact solver
// (CBC) only where its own search leaves a side open, and takes from it
// only what holds. With its own branch and bound cut to one node, gaps
// open on a fixture with half its table cells withheld (a few gaps on
// the first fixture: which shows them moves with the model's rows and so
// the solver's paths; its sides without a gap never reach the solver);
// CBC must
// close some of them and may only move reached up and bound down, never
// past what the bounder's full search shows whole points reach (bound)
// nor past what it proves (reached). A solver whose points are moved off
// the publication, and which proves nothing, must change nothing.
func TestExactSolverClosesGapsSoundly(t *testing.T) {
	c := lp.FindCBC()
	if c == nil {
		testenv.Missing(t, "cbc", testenv.CBCHint)
	}
	ctx := context.Background()
	exact := func(p *lp.Problem, integer []bool, terms []lp.Term) (lp.IntResult, error) {
		return c.MaximizeInteger(ctx, p, integer, terms)
	}
	asked := 0
	offPublication := func(p *lp.Problem, integer []bool, terms []lp.Term) (lp.IntResult, error) {
		asked++
		res, err := exact(p, integer, terms)
		for j := range res.Point {
			res.Point[j] += 7
		}
		res.Status, res.Bound = lp.IterationLimit, math.Inf(1)
		return res, err
	}
	checked, gaps, closed := 0, 0, 0
	// Half the table cells withheld: the first fixture (seed), and in it
	// the first half (by column number modulo 2), on which the weakened
	// search leaves a gap CBC closes and the bad solver is asked. Gaps are
	// rare and move with the programme's rows (the solver's paths): seed
	// 1's first half shows three (session 17; a third of the cells, as
	// before, showed none once the users floor of the open top band was
	// kept), and the next fixtures are there for when the rows change
	// again.
	for seed := uint64(1); seed <= 3 && (gaps == 0 || closed == 0 || asked == 0); seed++ {
		db, _, _ := fxDB(t, fxSpec{operators: 30, perYear: 500, years: []int{2024}, seed: seed, skew: 1.2})
		tables, m, data := modelOfFx(t, db)
		for half := 0; half < 2 && (gaps == 0 || closed == 0 || asked == 0); half++ {
			pat := publishAll(m, tables, data)
			for _, col := range m.Columns {
				if !col.Extract && col.ID%2 == half {
					pat.Status[col.ID] = model.Suppressed
				}
			}
			for _, comp := range m.Components {
				pr, err := model.NewProgram(comp, data[comp.Index], pat)
				if err != nil {
					t.Fatal(err)
				}
				full := pr.NewBounder()
				weak := pr.NewBounder()
				weak.SearchNodes = 1
				withExact := pr.NewBounder()
				withExact.SearchNodes, withExact.Exact = 1, exact
				withBad := pr.NewBounder()
				withBad.SearchNodes, withBad.Exact = 1, offPublication
				for _, col := range comp.Columns {
					if pat.Status[col.ID] != model.Suppressed || col.Mag != kensho.MagAccidents || len(pr.Terms(col)) == 0 {
						continue
					}
					x := data[comp.Index].Truth(col).Value
					for _, up := range []bool{true, false} {
						limit := math.Max(0, x-(x/2+3))
						if up {
							limit = x + x/2 + 3
						}
						ext := func(b *model.Bounder) model.Extent {
							e, err := b.ExtremeFrom(col, up, limit, math.NaN())
							if err != nil || e.Status != lp.Optimal {
								t.Fatalf("%s (upper %v): %v %v", col.Label(), up, e.Status, err)
							}
							return e
						}
						ew := ext(weak)
						checked++
						if ew.Reached == ew.Bound {
							continue
						}
						gaps++
						ef, ee, eb := ext(full), ext(withExact), ext(withBad)
						if ee.Reached == ee.Bound {
							closed++
						}
						// dir turns every comparison into the maximizing direction.
						dir := 1.0
						if !up {
							dir = -1
						}
						if eb.Reached != ew.Reached || eb.Bound != ew.Bound {
							t.Errorf("%s (upper %v): a solver off the publication moved [%v, %v] to [%v, %v]", col.Label(), up, ew.Reached, ew.Bound, eb.Reached, eb.Bound)
						}
						if dir*ee.Reached < dir*ew.Reached || dir*ee.Bound > dir*ew.Bound || dir*ee.Reached > dir*ee.Bound {
							t.Errorf("%s (upper %v): own search reached %v, bound %v; with CBC %v, %v", col.Label(), up, ew.Reached, ew.Bound, ee.Reached, ee.Bound)
						}
						if dir*ee.Bound < dir*ef.Reached || dir*ee.Reached > dir*ef.Bound {
							t.Errorf("%s (upper %v): with CBC [%v reached, %v bound] contradicts the full search's [%v, %v]", col.Label(), up, ee.Reached, ee.Bound, ef.Reached, ef.Bound)
						}
						if ee.Witness != nil && !withExact.Holds(ee.Witness) {
							t.Errorf("%s (upper %v): CBC's witness does not hold", col.Label(), up)
						}
					}
				}
			}
		}
	}
	t.Logf("%d sides of withheld counts: the weakened search left %d open, CBC closed %d; the solver off the publication was asked %d times", checked, gaps, closed, asked)
	if gaps == 0 || closed == 0 || asked == 0 {
		t.Fatalf("the fixture shows nothing: %d gaps, %d closed, %d asked", gaps, closed, asked)
	}
}

// TestExactSolverFailureKeepsOwnBounds: a question the exact solver fails
// on (here a cbc that exits 1) is answered "nothing found, nothing
// proved" — the audit keeps its own search's extreme — and is counted with
// its message for the risk report, not raised.
func TestExactSolverFailureKeepsOwnBounds(t *testing.T) {
	t.Setenv("KENSHO_CBC", "/bin/false")
	var log exactLog
	solve, name := exactSolver(context.Background(), &log)
	if solve == nil || name == "" {
		t.Fatalf("no solver for KENSHO_CBC=/bin/false (%q)", name)
	}
	var p lp.Problem
	p.AddVar(0, 4)
	res, err := solve(&p, []bool{true}, []lp.Term{{Var: 0, Coef: 1}})
	if err != nil {
		t.Fatalf("a failed question raised %v", err)
	}
	if res.Found || res.Status != lp.IterationLimit || !math.IsInf(res.Bound, 1) {
		t.Fatalf("a failed question answered %+v", res)
	}
	if n, msg := log.failed(); n != 1 || log.questions.Load() != 1 || !strings.Contains(msg, "/bin/false") {
		t.Fatalf("failures %d of %d, message %q", n, log.questions.Load(), msg)
	}
}
