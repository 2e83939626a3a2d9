package anonymize

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/sdc/audit"
	"github.com/kensho-jp/kensho/sdc/lp"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/protect"
)

// protectedFx is one protection of the 1,500-accident fixture that the
// tests of partners and starred classes share (one protection, not two:
// about a minute of make test).
type protectedFx struct {
	db   *sql.DB
	m    *model.Model
	data []*model.Data
	in   protect.Input
	res  *protect.Result
}

// TestProtectedFixture protects the fixture once and runs on it, in
// order, the partner test (which leaves the pattern as it is) and the
// starred classes' test (which settles the stars of the pattern).
func TestProtectedFixture(t *testing.T) {
	db, _, _ := fxDB(t, fxSpec{operators: 8, perYear: 1500, years: []int{2024}, seed: 7, skew: 0.6})
	tables, m, data := modelOfFx(t, db)
	fx := &protectedFx{db: db, m: m, data: data}
	fx.in = protect.Input{Model: m, Data: data, Rules: DefaultConfig().rules(), Quantile: quantileValues(m, tables)}
	var err error
	if fx.res, err = protect.Protect(context.Background(), fx.in); err != nil {
		t.Fatal(err)
	}
	t.Run("WithheldClassIsNotPinned", func(t *testing.T) { withheldClassIsNotPinned(t, fx) })
	t.Run("StarredClasses", func(t *testing.T) { starredClasses(t, fx) })
}

// A withheld microdata class of accidents is a partner like a table
// cell: pinned by the tables, its count would be published while its
// records are not — and one an earlier release withheld, and that has not
// changed since (the history forces it), would complete what that release
// hid. The audit fails either, naming which, and protect chooses partners
// so that none is pinned: the classes it withholds on its own, and those
// it is told are forced. (The sample's attack, session 14, found five
// when_where classes the tables pinned while the audit let withheld
// classes no rule needs be pinned.) About a minute: a second protection
// of 1,500 accidents.
func withheldClassIsNotPinned(t *testing.T, fx *protectedFx) {
	ctx := context.Background()
	m, data, in, first := fx.m, fx.data, fx.in, fx.res
	withheld := 0
	for _, col := range m.Columns {
		if col.Comp != nil && col.Extract && !col.Optional && first.Pattern.Status[col.ID] == model.Withheld && !first.Primary[col.ID] && first.Truth[col.ID].Value > 0 {
			withheld++
		}
	}
	if a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: first.Pattern}); err != nil {
		t.Fatal(err)
	} else if !a.Passed() {
		t.Errorf("protect's own pattern (%d classes withheld as partners) fails the audit: %q", withheld, a.Failures)
	}
	// A class this release publishes, as if an earlier release had
	// withheld it with the same value: kept withheld without more, the
	// tables pin it. The first such class in the model's order.
	forced := map[int]model.Status{}
	pat := *first.Pattern
	pat.Status = slices.Clone(first.Pattern.Status)
	tried := 0
	for _, col := range m.Columns {
		if col.Comp == nil || !col.Extract || col.Optional || pat.Status[col.ID] != model.Published || first.Truth[col.ID].Value == 0 || tried == 300 {
			continue
		}
		tried++
		pat.Status[col.ID] = model.Withheld
		if pinnedAt(t, col, data[col.Comp.Index], &pat, first.Truth[col.ID].Value) {
			forced[col.ID] = model.Withheld
			break
		}
		pat.Status[col.ID] = model.Published
	}
	if len(forced) == 0 {
		t.Fatalf("none of %d published classes is pinned when withheld on its own: the fixture shows nothing", tried)
	}
	a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: &pat, Forced: forcedHidden(forced)})
	if err != nil {
		t.Fatal(err)
	}
	pinnedAs := func(a *audit.Result, what string) {
		t.Helper()
		pinned := 0
		for _, f := range a.Failures {
			if strings.Contains(f, "("+what+") is pinned exactly") {
				pinned++
			} else {
				t.Errorf("unexpected failure: %s", f)
			}
		}
		if pinned == 0 {
			t.Fatalf("the audit lets %v be pinned (%s)", forced, what)
		}
	}
	pinnedAs(a, "hidden as an earlier release hid it")
	// Without the history it is a partner of this release, pinned all
	// the same.
	if a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: &pat}); err != nil {
		t.Fatal(err)
	} else {
		pinnedAs(a, "a partner")
	}
	t.Logf("%d published classes tried; %s pinned when withheld", tried, m.Columns[slices.Collect(maps.Keys(forced))[0]].Label())

	in.Forced = forced
	second, err := protect.Protect(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for id := range forced {
		if second.Pattern.Status[id] != model.Withheld {
			t.Errorf("%s: forced withheld, now %v", m.Columns[id].Label(), second.Pattern.Status[id])
		}
	}
	a, err = audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: second.Pattern, Forced: forcedHidden(forced)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Failures {
		t.Error(f)
	}
}

// pinnedAt reports whether no whole point of the programme moves the
// column one unit from its value.
func pinnedAt(t *testing.T, col *model.Column, data *model.Data, pat *model.Pattern, v float64) bool {
	t.Helper()
	pr, err := model.NewProgram(col.Comp, data, pat)
	if err != nil {
		t.Fatal(err)
	}
	b := pr.NewBounder()
	hi, _, st1, err := b.Extreme(col, true, v+1)
	if err != nil {
		t.Fatal(err)
	}
	lo, _, st2, err := b.Extreme(col, false, v-1)
	if err != nil {
		t.Fatal(err)
	}
	return st1 == lp.Optimal && st2 == lp.Optimal && hi-lo < 1e-6
}
