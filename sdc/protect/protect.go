// Package protect decides what a release may show: every column of the
// disclosure model (sdc/model) gets a status — published, suppressed (X) or,
// for a microdata class, withheld — such that no reader can narrow any
// figure the rules protect below its protection, whatever it combines.
//
// Primary suppression applies the rules (sdc/rules) to every figure. Then,
// per component of the model, rounds: each suppressed figure is bounded by
// linear and integer programming over everything published, for a reader
// outside and for every operator with its own accidents known; a figure
// whose interval falls short gets a partner — the cheapest published figure
// whose constraint holds the bound where it is — until every figure passes.
// Suppressing more only widens intervals, so a figure that passed stays
// passed. Partners chosen one shortfall at a time are often more than the
// pattern needs: once every figure passes, each partner is published again
// on trial, the most valuable first, and stays published when every figure
// still passes (lighten). Last, where an extract may star fields, the
// starred classes that release hidden records are published where the
// whole pattern still passes (star), and the final pattern is asked once
// more.
//
// protect chooses a pattern; it does not vouch for it. The audit
// (sdc/audit) bounds every figure again, exactly, and the build publishes
// nothing unless the audit passes.
package protect

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// Input is what protect works on.
type Input struct {
	Model *model.Model
	Data  []*model.Data // per component
	Rules rules.Config
	// Quantile holds each quantile figure's value (NaN when not
	// applicable); it is published when its count is.
	Quantile []float64
	// MaxDurationMin bounds every accident's duration per fiscal year, a
	// fact every reader knows (the time from the start of the year to the
	// release).
	MaxDurationMin map[int]float64
	// Forced gives columns whose status is fixed beforehand: a figure an
	// earlier release hid or published keeps its status (anonymize decides
	// which: those unchanged since, and hidden ones changed by less than
	// that release's protections). A primary figure is hidden whatever the
	// earlier release did. A forced hidden column is never published again
	// (by lighten, or as a known zero); a forced published one is chosen as
	// a partner only when no other figure can be (a reader still has its
	// earlier value), and lighten may publish it again.
	Forced map[int]model.Status
	// Workers is how many components are protected at once (0: 2).
	Workers int
}

// Result is the pattern protect chose.
type Result struct {
	Pattern *model.Pattern
	// Truth and Req per column ID.
	Truth []model.Truth
	Req   []rules.Requirement
	// Primary marks the columns a rule suppressed; the others suppressed
	// are partners (secondary).
	Primary []bool
	// Rounds, Programmes: the work done.
	Rounds, Programmes int
	// Witnesses per component: the whole points of the final programme
	// that answered protect's questions. The audit may check them on its
	// own programme and credit what they show (a point is a certificate:
	// it holds or it does not, whoever found it).
	Witnesses [][][]float64
}

// Protect chooses the statuses.
func Protect(ctx context.Context, in Input) (*Result, error) {
	m := in.Model
	res := &Result{
		Pattern: &model.Pattern{Status: make([]model.Status, len(m.Columns)), Value: make([]float64, len(m.Columns)),
			Quantile: in.Quantile, MaxDurationMin: in.MaxDurationMin},
		Truth:   make([]model.Truth, len(m.Columns)),
		Req:     make([]rules.Requirement, len(m.Columns)),
		Primary: make([]bool, len(m.Columns)),
	}
	for _, col := range m.Columns {
		if col.Comp == nil {
			continue
		}
		t := in.Data[col.Comp.Index].Truth(col)
		res.Truth[col.ID] = t
		res.Pattern.Value[col.ID] = t.Value
		r := rules.Check(in.Rules, t.Figure(col.Mag))
		res.Req[col.ID] = r
		fails := r.Primary && (t.Value != 0 || r.Rule == rules.Revision)
		if col.Optional {
			// Not published until star finds it safe (and useful).
			res.Pattern.Status[col.ID] = hidden(col)
		}
		if fails {
			res.Pattern.Status[col.ID] = hidden(col)
			// An optional figure that fails a rule is simply not
			// published: it protects nothing of its own.
			res.Primary[col.ID] = !col.Optional
		}
		// A figure an earlier release hid keeps hidden; one it published
		// stays published unless a rule forbids it now.
		if st, ok := in.Forced[col.ID]; ok && (st != model.Published || !fails) {
			res.Pattern.Status[col.ID] = st
		}
	}
	type outcome struct {
		rounds, programmes int
		witnesses          [][]float64
		err                error
	}
	outs := make([]outcome, len(m.Components))
	// Components share no column: each call writes only its own
	// columns' statuses.
	m.EachComponent(in.Workers, func(ci int, c *model.Component) {
		r, p, w, err := protectComponent(ctx, in, res, c)
		outs[ci] = outcome{r, p, w, err}
	})
	res.Witnesses = make([][][]float64, len(m.Components))
	for ci, o := range outs {
		if o.err != nil {
			return nil, fmt.Errorf("protect %s: %w", m.Components[ci].YearLabel(), o.err)
		}
		res.Rounds = max(res.Rounds, o.rounds)
		res.Programmes += o.programmes
		res.Witnesses[ci] = o.witnesses
	}
	return res, nil
}

// hidden is how a column is kept from readers: an X in a table, or a class
// left out of an extract.
func hidden(col *model.Column) model.Status {
	if col.Extract {
		return model.Withheld
	}
	return model.Suppressed
}

// shortfall is a suppressed column whose interval falls short on one side,
// for one reader.
type shortfall struct {
	col   *model.Column
	upper bool
	op    int32       // 0: the outsider
	reach model.Reach // the answer, with the rows holding the bound
}

// protectComponent runs the rounds for one component. The programme is
// built once: a partner only changes its row's bounds, and the solvers and
// the witnesses found so far carry over to the next round.
func protectComponent(ctx context.Context, in Input, res *Result, c *model.Component) (rounds, programmes int, final [][]float64, err error) {
	data := in.Data[c.Index]
	ops := data.Operators()
	pr, err := model.NewProgram(c, data, res.Pattern, model.EmptyClassesKnown())
	if err != nil {
		return 0, 0, nil, err
	}
	// Questions are answered quickly (no branch and bound beyond a small
	// move from the truth) until a shortfall finds no partner: then the
	// component is asked again exactly.
	quick := true
	b := pr.NewBounder()
	b.Quick = quick
	var pool witnesses
	// What passed stays passed: suppressing more only removes constraints.
	done := answers{}
	lightened := false
	starredDone := false
	// besideOf: the classes each published starred class was starred
	// beside (hidden with it).
	var besideOf map[int][]int
	fresh := true // the programme is built from the current pattern
	defer func() { programmes += b.Programmes }()
	for rounds = 1; ; rounds++ {
		if err := ctx.Err(); err != nil {
			return rounds, programmes, nil, err
		}
		if os.Getenv("KENSHO_DEBUG") != "" {
			fmt.Println("round", rounds, c.YearLabel(), pr.Describe(), "blocks", pr.BlockSizes(), "witnesses", len(pool), "programmes", b.Programmes)
		}
		fails, err := check(ctx, in, res, c, b, ops, &pool, done, false, lightened)
		if err != nil {
			return rounds, programmes, nil, err
		}
		if len(fails) == 0 {
			if fresh && !lightened {
				lightened = true
				if err := lighten(ctx, in, res, c, b, ops, &pool, done); err != nil {
					return rounds, programmes, nil, err
				}
				// Now the partners too are asked (none may be pinned),
				// and the final pattern afresh.
				fresh = false
				continue
			}
			if fresh && !starredDone {
				// The pattern is whole: now the starred classes that
				// release hidden records, each kept only where the
				// whole pattern still passes; then afresh once more.
				starredDone = true
				var err error
				besideOf, err = star(ctx, in, res, c, b, ops, &pool, done)
				if err != nil {
					return rounds, programmes, nil, err
				}
				if len(besideOf) > 0 {
					fresh = false
					continue
				}
			}
			if fresh {
				return rounds, programmes, pool, nil
			}
			// Some of what a reader knows follows from the pattern as a
			// whole (the users cap is the year's published total): the
			// last round is asked again on the programme built afresh
			// from the final pattern, as the audit will build it.
			programmes += b.Programmes
			if pr, err = model.NewProgram(c, data, res.Pattern, model.EmptyClassesKnown()); err != nil {
				return rounds, programmes, nil, err
			}
			b = pr.NewBounder()
			b.Quick = quick
			pool, done, fresh = nil, answers{}, true
			continue
		}
		fresh = false
		added := map[int]bool{}
		exact := false
		for _, f := range fails {
			id, covered := partner(res, pr, f, added, in.Forced)
			if id < 0 && !covered && len(in.Forced) > 0 {
				// Only figures an earlier release published are left:
				// one is hidden now (its earlier value stays public, but
				// the model of this release is no longer tied to it).
				id, covered = partner(res, pr, f, added, nil)
			}
			if covered {
				continue // a partner chosen this round for another shortfall lifts this bound too
			}
			if id < 0 && quick {
				exact = true // perhaps no shortfall at all: ask again exactly
				break
			}
			if id < 0 {
				debugShortfall(pr, f, res)
				who := "a reader outside"
				if f.op != 0 {
					who = "an operator that knows its own accidents"
				}
				return rounds, programmes, nil, fmt.Errorf("%s (value %v, %s side) cannot be protected against %s: no published figure is left to suppress beside it",
					f.col.Label(), res.Truth[f.col.ID].Value, map[bool]string{true: "upper", false: "lower"}[f.upper], who)
			}
			if os.Getenv("KENSHO_DEBUG") != "" {
				fmt.Printf("partner %s (value %v) for %s\n", c.ModelColumn(id).Label(), res.Truth[id].Value, f.col.Label())
			}
			added[id] = true
		}
		if exact {
			quick, b.Quick = false, false
			continue
		}
		ids := make([]int, 0, len(added))
		for id := range added {
			ids = append(ids, id)
		}
		slices.Sort(ids) // deterministic order of the changes
		for _, id := range ids {
			pr.SetStatus(id, hidden(c.ModelColumn(id)), b)
		}
		// A starred class hidden as a partner gives back the classes it
		// was starred beside: published again, as they were before it (or
		// its group's records would all be withheld). Publishing adds
		// constraints, so only the answers whose witnesses still hold
		// stay answered; the next round asks the rest.
		var back []int
		for _, id := range ids {
			back = append(back, besideOf[id]...)
			delete(besideOf, id)
		}
		if len(back) > 0 {
			rows, vars := changes(pr, func() {
				for _, id := range back {
					pr.SetStatus(id, model.Published, b)
				}
			})
			pool = keepHolding(b, pool, done, rows, vars)
		}
	}
}

// keepHolding drops the witnesses that no longer hold after a change of
// the programme's rows and variables, and the answers they carried.
func keepHolding(b *model.Bounder, pool witnesses, done answers, rows, vars []int) witnesses {
	var kept witnesses
	index := make([]int, len(pool))
	for i, w := range pool {
		index[i] = -1
		if b.HoldsAfter(w, rows, vars) {
			index[i] = len(kept)
			kept = append(kept, w)
		}
	}
	for q, i := range done {
		if i >= 0 && index[i] >= 0 {
			done[q] = index[i]
		} else {
			delete(done, q) // its witness is gone, or it had none
		}
	}
	return kept
}

// lighten takes back the partners the pattern turns out not to need (table
// cells and microdata classes), the most valuable first (the reverse of
// the order partners are chosen in): each is published again on trial,
// and kept published when every question still has a yes. The answers whose witnesses still hold on the
// programme with the figure published stay answered (a whole point that
// holds is proof, whoever found it), so a trial asks only what the
// figure's row took away. Partners are chosen one shortfall at a time, and
// a later partner often protects what an earlier one was chosen for; this
// pass takes back what the order of choice left over (it is not a joint
// least-cost choice).
func lighten(ctx context.Context, in Input, res *Result, c *model.Component, b *model.Bounder, ops []int32, pool *witnesses, done answers) error {
	pr := b.Pr
	var cands []*model.Column
	for _, col := range c.Columns {
		if st, ok := in.Forced[col.ID]; ok && st != model.Published {
			continue // hidden as an earlier release hid it
		}
		if col.Optional {
			continue // starred classes are tried once the pattern is whole (star)
		}
		if st := res.Pattern.Status[col.ID]; st != model.Published && !res.Primary[col.ID] && !pr.KnownZero(col) {
			cands = append(cands, col)
		}
	}
	costOf := func(col *model.Column) float64 { return cost(col, res.Truth[col.ID].Value) }
	slices.SortStableFunc(cands, func(x, y *model.Column) int {
		if cx, cy := costOf(x), costOf(y); cx != cy {
			if cx > cy {
				return -1
			}
			return 1
		}
		return x.ID - y.ID
	})
	for _, col := range cands {
		if err := ctx.Err(); err != nil {
			return err
		}
		label := fmt.Sprintf("%s cost %.1f dims %v", col.Label(), costOf(col), col.Cond.Dims)
		if _, err := try(ctx, in, res, c, b, ops, pool, done, label, map[int]model.Status{col.ID: model.Published}, false); err != nil {
			return err
		}
	}
	return nil
}

// try applies a change of statuses and keeps it when every figure still
// passes (and, with pinned, no partner is pinned); otherwise it restores
// the statuses before. The answers whose witnesses still hold on the
// changed programme stay answered.
func try(ctx context.Context, in Input, res *Result, c *model.Component, b *model.Bounder, ops []int32, pool *witnesses, done answers, label string, change map[int]model.Status, pinned bool) (bool, error) {
	pr := b.Pr
	before := map[int]model.Status{}
	for id := range change {
		before[id] = res.Pattern.Status[id]
	}
	rows, vars := changes(pr, func() {
		for _, id := range sortedIDs(change) {
			pr.SetStatus(id, change[id], b)
		}
	})
	// The witnesses that still hold, and the answers they carry.
	var trial witnesses
	index := make([]int, len(*pool))
	for i, w := range *pool {
		index[i] = -1
		if b.HoldsAfter(w, rows, vars) {
			index[i] = len(trial)
			trial = append(trial, w)
		}
	}
	kept := answers{}
	for q, i := range done {
		if i >= 0 && index[i] >= 0 {
			kept[q] = index[i]
		}
	}
	fails, err := check(ctx, in, res, c, b, ops, &trial, kept, true, pinned)
	if err != nil {
		return false, err
	}
	if os.Getenv("KENSHO_DEBUG") != "" {
		first := ""
		if len(fails) > 0 {
			first = fmt.Sprintf("; %s (operator %d)", fails[0].col.Label(), fails[0].op)
		}
		fmt.Printf("try %s %s: %v (%d fails, %d of %d witnesses, %d of %d answers kept%s)\n", c.YearLabel(), label, len(fails) == 0, len(fails), len(trial), len(*pool), len(kept), len(done), first)
	}
	if len(fails) > 0 {
		for _, id := range sortedIDs(before) {
			pr.SetStatus(id, before[id], b)
		}
		return false, nil
	}
	*pool = trial
	clear(done)
	for q, i := range kept {
		done[q] = i
	}
	return true, nil
}

// star publishes the starred classes that release hidden records where
// the whole pattern still passes, the most records first: each on its
// own; or, where it would hold one hidden class only and so give that
// class away, beside the smallest class published in its group; or else
// beside every class of its group (its count then tells only the
// group's). Those classes' records lose the starred fields, and the hidden
// ones' records are released rather than withheld. It returns the
// starred classes it published, each with the classes hidden beside it.
func star(ctx context.Context, in Input, res *Result, c *model.Component, b *model.Bounder, ops []int32, pool *witnesses, done answers) (map[int][]int, error) {
	pr := b.Pr
	if os.Getenv("KENSHO_STAR") == "off" {
		return nil, nil // to measure what starring gives (BENCHMARKS.md)
	}
	var cands []*model.Column
	for _, col := range c.Columns {
		if !col.Optional || res.Pattern.Status[col.ID] == model.Published || res.Req[col.ID].Primary || !holdsHidden(res, col) {
			continue
		}
		if st, ok := in.Forced[col.ID]; ok && st != model.Published {
			continue // not given by an earlier release
		}
		cands = append(cands, col)
	}
	gain := func(col *model.Column) float64 { return res.Pattern.Starred(col) }
	slices.SortStableFunc(cands, func(x, y *model.Column) int {
		if d := cmp.Compare(gain(y), gain(x)); d != 0 {
			return d
		}
		return x.ID - y.ID
	})
	// Each trial asks the whole pattern again: the largest gains only.
	for i, col := range cands {
		if i == maxStarTrials || gain(col) < minStarGain {
			cands = cands[:i]
			break
		}
	}
	published := map[int][]int{}
	for _, col := range cands {
		if err := ctx.Err(); err != nil {
			return published, err
		}
		if !holdsHidden(res, col) {
			continue
		}
		var beside []int // published classes of the group, smallest first
		for _, id := range col.Members {
			if res.Pattern.Status[id] != model.Published || res.Truth[id].Value == 0 || pr.KnownZero(c.ModelColumn(id)) {
				continue
			}
			if _, ok := in.Forced[id]; ok {
				continue
			}
			beside = append(beside, id)
		}
		slices.SortStableFunc(beside, func(x, y int) int { return cmp.Compare(res.Truth[x].Value, res.Truth[y].Value) })
		tries := [][]int{nil}
		if len(beside) > 0 {
			tries = append(tries, beside[:1])
		}
		if len(beside) > 1 {
			tries = append(tries, beside)
		}
		for _, ids := range tries {
			change := map[int]model.Status{col.ID: model.Published}
			for _, id := range ids {
				change[id] = hidden(c.ModelColumn(id))
			}
			ok, err := try(ctx, in, res, c, b, ops, pool, done, fmt.Sprintf("%s starred beside %d classes", col.Label(), len(ids)), change, true)
			if err != nil {
				return published, err
			}
			if ok {
				published[col.ID] = ids
				break
			}
		}
	}
	return published, nil
}

// The starred classes protect tries per component: at most maxStarTrials,
// those that would release the most hidden records, and none that would
// release fewer than minStarGain (each trial asks the whole pattern again;
// BENCHMARKS.md, session 16, has what the bounds cost and save).
const (
	maxStarTrials = 40
	minStarGain   = 3
)

// sortedIDs lists a status change's columns in order.
func sortedIDs(m map[int]model.Status) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// holdsHidden reports whether a starred class would hold a record: one of
// the classes whose hidden records it holds is hidden and not empty.
func holdsHidden(res *Result, col *model.Column) bool {
	for _, id := range col.Members {
		if res.Pattern.Status[id] != model.Published && res.Truth[id].Value > 0 {
			return true
		}
	}
	return false
}

// changes runs f and lists the rows and variables of the programme whose
// bounds it changed.
func changes(pr *model.Program, f func()) (rows, vars []int) {
	lower, upper := slices.Clone(pr.LP.Lower), slices.Clone(pr.LP.Upper)
	bounds := make([][2]float64, len(pr.LP.Rows))
	for r, row := range pr.LP.Rows {
		bounds[r] = [2]float64{row.Lo, row.Hi}
	}
	f()
	for v := range lower {
		if pr.LP.Lower[v] != lower[v] || pr.LP.Upper[v] != upper[v] {
			vars = append(vars, v)
		}
	}
	for r, row := range pr.LP.Rows {
		if row.Lo != bounds[r][0] || row.Hi != bounds[r][1] {
			rows = append(rows, r)
		}
	}
	return rows, vars
}

// witnesses are whole points of the programme found so far: each shows
// some columns reaching some values, and stays a valid point as more is
// suppressed (suppressing only removes constraints).
type witnesses [][]float64

// find returns the index of a witness that reaches the target (and that
// insider in, when set, admits), −1 when none does.
func (w witnesses) find(pr *model.Program, col *model.Column, target float64, upper bool, in *model.Insider) int {
	for i, p := range w {
		if v, known := value(pr, col, p); known && beyond(v, target, upper) && (in == nil || in.Admits(pr, p)) {
			return i
		}
	}
	return -1
}

// answers are the questions answered yes, each with the witness in the
// pool that shows it (−1: an answer without a point, such as a figure no
// reader can bound). A witness that no longer holds takes its answers
// with it.
type answers map[question]int

func (a answers) has(q question) bool {
	_, ok := a[q]
	return ok
}

// value evaluates a column at a point; known is false when the point does
// not cover the column's block.
func value(pr *model.Program, col *model.Column, p []float64) (float64, bool) {
	v := 0.0
	for _, t := range pr.Terms(col) {
		x := p[t.Var]
		if math.IsNaN(x) {
			return 0, false
		}
		v += t.Coef * x
	}
	return v, true
}

func beyond(v, target float64, upper bool) bool {
	if upper {
		return model.Reaches(v, target)
	}
	return model.Reaches(-v, -target)
}

// ask answers one question: can the column reach the target (for insider
// in, when set)? A witness already found answers it when it can;
// otherwise the bounder does, and its witness joins the pool.
// The answer's int is the witness's index in the pool (−1: none).
func ask(b *model.Bounder, pool *witnesses, col *model.Column, upper bool, target float64, in *model.Insider) (model.Reach, int, error) {
	if i := pool.find(b.Pr, col, target, upper, in); i >= 0 {
		return model.Reach{Ok: true, Witness: (*pool)[i]}, i, nil
	}
	r, err := b.Reach(col, upper, target)
	if err == nil && r.Ok && r.Witness != nil {
		*pool = append(*pool, r.Witness)
		return r, len(*pool) - 1, nil
	}
	return r, -1, err
}

// question is one side of one hidden column for one reader (op 0: the
// outsider).
type question struct {
	col   int
	upper bool
	op    int32
}

// check bounds every hidden column of the component and lists those that
// fall short: primary ones against their protection (outside and for each
// operator), partners against being pinned exactly. done holds the
// questions already answered yes. With first, it stops at the first
// shortfall (a trial needs only to know whether there is one). Partners
// are asked not to be pinned only with pinned: a partner chosen early is
// often freed by one chosen later, and lighten publishes again one that
// the tables pin (its value is no secret), so asking early chains partners
// of partners the final pattern does not need.
func check(ctx context.Context, in Input, res *Result, c *model.Component, b *model.Bounder, ops []int32, pool *witnesses, done answers, first, pinned bool) ([]shortfall, error) {
	var fails []shortfall
	type side struct {
		col   *model.Column
		upper bool
	}
	var primary []*model.Column
	for _, col := range c.Columns {
		st := res.Pattern.Status[col.ID]
		if st == model.Published {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if col.Optional {
			continue // not published, it is no figure (a starred class not given)
		}
		x := res.Truth[col.ID].Value
		req := res.Req[col.ID]
		if !res.Primary[col.ID] {
			if st == model.Withheld && x == 0 {
				// An empty class withheld hides no record: nothing
				// to pin.
				continue
			}
			// A partner must not be pinned exactly: one side is enough.
			// A withheld class of accidents is asked as a table cell
			// is: pinned by the tables, its count would be published
			// while its records are not (and one an earlier release
			// withheld would give that release's readers a value it
			// hid).
			if done.has(question{col.ID, true, 0}) {
				continue
			}
			if _, ok := in.Forced[col.ID]; !ok && b.Pr.KnownZero(col) {
				// Every reader knows it is 0 (its class has no
				// accident): hidden, it protects nothing and misleads.
				// Publishing it adds no constraint a reader lacks.
				b.Pr.SetStatus(col.ID, model.Published, b)
				continue
			}
			if !pinned {
				continue // asked once the primary figures pass and lighten has run
			}
			d := unit(col, x)
			up, wi, err := ask(b, pool, col, true, x+d, nil)
			if err != nil {
				return nil, err
			}
			if !up.Ok {
				var down model.Reach
				down, wi, err = ask(b, pool, col, false, x-d, nil)
				if err != nil {
					return nil, err
				}
				if !down.Ok {
					fails = append(fails, shortfall{col: col, upper: true, reach: up})
					if first {
						return fails, nil
					}
					continue
				}
			}
			done[question{col.ID, true, 0}] = wi
			continue
		}
		primary = append(primary, col)
		for _, upper := range []bool{true, false} {
			need := req.Upper
			if !upper {
				need = req.Lower
			}
			if need <= 0 {
				continue
			}
			if done.has(question{col.ID, upper, 0}) {
				continue
			}
			r, wi, err := ask(b, pool, col, upper, target(col, x, need, upper), nil)
			if err != nil {
				return nil, err
			}
			if !r.Ok {
				fails = append(fails, shortfall{col: col, upper: upper, reach: r})
				if first {
					return fails, nil
				}
				continue
			}
			done[question{col.ID, upper, 0}] = wi
		}
	}
	if len(fails) > 0 {
		return fails, nil // partners first; insiders once the outsider is satisfied
	}
	// Insiders: an operator's own accidents are lower bounds on the atoms,
	// its public accidents' places are known. A witness it admits answers
	// for it too. Every side of every primary column is asked whatever the
	// outsider needs of it (as the audit asks): an insider's requirement
	// may be on a side where the outsider's is none.
	var sides []side
	for _, col := range primary {
		sides = append(sides, side{col, true}, side{col, false})
	}
	for _, op := range ops {
		in1 := b.Pr.Insider(op)
		applied := false
		for _, s := range sides {
			col := s.col
			t := res.Truth[col.ID]
			up, lo := rules.Insider(in.Rules, t.Figure(col.Mag), res.Req[col.ID], op)
			need := up
			if !s.upper {
				need = lo
			}
			if need <= 0 || done.has(question{col.ID, s.upper, op}) {
				continue
			}
			tg := target(col, t.Value, need, s.upper)
			if i := pool.find(b.Pr, col, tg, s.upper, in1); i >= 0 {
				done[question{col.ID, s.upper, op}] = i
				continue
			}
			if !applied {
				b.SetInsider(in1)
				applied = true
			}
			r, err := b.Reach(col, s.upper, tg)
			if err != nil {
				return nil, err
			}
			if !r.Ok {
				fails = append(fails, shortfall{col: col, upper: s.upper, op: op, reach: r})
				if first {
					b.SetInsider(nil)
					return fails, nil
				}
				continue
			}
			wi := -1
			if r.Witness != nil {
				*pool = append(*pool, r.Witness)
				wi = len(*pool) - 1
			}
			done[question{col.ID, s.upper, op}] = wi
		}
		if applied {
			b.SetInsider(nil)
		}
	}
	return fails, nil
}

// target is the value a reader's interval must reach on one side: value ±
// need, and for a count the whole number beyond.
func target(col *model.Column, x, need float64, upper bool) float64 {
	if upper {
		t := x + need
		if col.Mag == kensho.MagAccidents {
			t = math.Ceil(t - 1e-9)
		}
		return t
	}
	t := x - need
	if col.Mag == kensho.MagAccidents {
		t = math.Floor(t + 1e-9)
	}
	return t
}

// unit is how far a partner's interval must reach to count as not pinned:
// one accident, one user, one user-hour (beyond the rounding).
func unit(col *model.Column, x float64) float64 {
	return 1 + col.Step/2
}

// partner chooses the published column to suppress for a shortfall,
// searching outward until one is found: among the columns whose
// constraint binds the bound; then among those sharing atoms with the
// short column or with a suppressed column whose "at least one" binds it;
// then in the short column's clique; then anywhere in the component. At
// each step the cheapest wins (a small figure in the body of a table
// before a total). covered reports that a column chosen this round for
// another shortfall already binds it.
func partner(res *Result, pr *model.Program, f shortfall, taken map[int]bool, forced map[int]model.Status) (id int, covered bool) {
	rowCol := pr.RowColumn()
	best, bestCost := -1, math.Inf(1)
	consider := func(id int) {
		if id < 0 {
			return
		}
		if taken[id] {
			covered = true
			return
		}
		if res.Pattern.Status[id] != model.Published {
			return
		}
		col := pr.Comp.ModelColumn(id)
		if pr.KnownZero(col) {
			return // known to every reader: hiding it widens nothing
		}
		if allPublic(res.Truth[id]) {
			return // made of public facts only: the ministry has printed it
		}
		if _, ok := forced[id]; ok {
			return // an earlier release published it: hiding it now hides little (asked last)
		}
		c := cost(col, res.Truth[id].Value)
		if col.Optional {
			c = math.Max(res.Pattern.Starred(col), 0.5) // hidden, its records are withheld
		}
		if c < bestCost || (c == bestCost && id < best) {
			best, bestCost = id, c
		}
	}
	near := []*model.Column{f.col}
	for _, r := range f.reach.Binding {
		if r < len(rowCol) && rowCol[r] >= 0 {
			consider(rowCol[r])
			if res.Pattern.Status[rowCol[r]] != model.Published {
				near = append(near, pr.Comp.ModelColumn(rowCol[r]))
			}
		}
	}
	steps := []func(*model.Column) bool{
		func(other *model.Column) bool {
			for _, n := range near {
				if other.Clique == n.Clique && other.Mag == n.Mag && overlaps(other.Atoms, n.Atoms) {
					return true
				}
			}
			return false
		},
		func(other *model.Column) bool { return other.Clique == f.col.Clique },
		func(*model.Column) bool { return true },
	}
	for _, inStep := range steps {
		if covered {
			return -1, true
		}
		if best >= 0 {
			return best, false
		}
		for _, other := range pr.Comp.Columns {
			if inStep(other) {
				consider(other.ID)
			}
		}
	}
	if covered {
		return -1, true
	}
	return best, false
}

// allPublic reports whether a figure is made of public facts only (the
// register's accidents): such a figure is published as it is, never
// withheld as a partner, since readers have it from its sources.
func allPublic(t model.Truth) bool {
	pub := 0.0
	for _, c := range t.Public {
		pub += c.Value
	}
	return t.Value > 0 && pub >= t.Value-1e-9
}

// cost ranks the published columns as partners: a figure's value (a zero
// as half an accident: hiding it costs readers little, but it is not
// free), ten times over for a year or form total, which readers look at
// first.
func cost(col *model.Column, v float64) float64 {
	c := math.Max(v, 0.5)
	if col.Mag != kensho.MagAccidents {
		c = 1 + math.Log1p(v) // magnitudes: the scale, not the size
	}
	dims := 0
	for _, d := range col.Cond.Dims {
		if d != "fiscal_year" && d != "form" {
			dims++
		}
	}
	if dims == 0 {
		c *= 10
	}
	return c
}

func overlaps(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
