package anonymize

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/analytics"
	"github.com/kensho-jp/kensho/sdc/audit"
	"github.com/kensho-jp/kensho/sdc/model"
)

// Local suppression: a hidden class of an extract with Star fields is
// released with those fields starred where its group's count may be
// published. Protect publishes such groups, the writer stars exactly their
// hidden records, the audit passes, and a starred group protect did not
// publish, whose hidden records are one class (its count less the
// published classes is that class, give or take the empty ones), fails
// the audit. On TestProtectedFixture's protection.
func starredClasses(t *testing.T, fx *protectedFx) {
	ctx := context.Background()
	db, m, data, in, res := fx.db, fx.m, fx.data, fx.in, fx.res
	extracts := analytics.Extracts()
	settleStars(m, res.Pattern)
	idx := m.Index()
	// Per extract with Star fields: the records its published starred
	// classes hold; and one starred class not published whose hidden
	// records are one class.
	stars := map[string]float64{}
	published := 0
	var lone *model.Column
	for _, e := range extracts {
		if len(e.Star) == 0 {
			continue
		}
		_, members, err := m.StarClasses(e)
		if err != nil {
			t.Fatal(err)
		}
		for si, ms := range members {
			col := idx[model.Ref{Extract: e.Name, Class: si, Star: true}]
			if col == nil {
				continue
			}
			if res.Pattern.Status[col.ID] == model.Published {
				if n := res.Pattern.Starred(col); n > 0 {
					published++
					stars[e.Name] += n
				}
				continue
			}
			if !col.Optional || lone != nil || res.Req[col.ID].Primary {
				continue
			}
			hiddenClasses := 0
			for _, ci := range ms {
				if c := idx[model.Ref{Extract: e.Name, Class: ci}]; c != nil && res.Pattern.Status[c.ID] != model.Published && res.Truth[c.ID].Value > 0 {
					hiddenClasses++
				}
			}
			if hiddenClasses == 1 {
				lone = col
			}
		}
	}
	if published == 0 {
		t.Fatal("protect starred no group: the fixture shows nothing")
	}
	t.Logf("%d starred groups published, records starred per extract %v", published, stars)

	a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: res.Pattern})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Failures {
		t.Errorf("protect's pattern with starred classes: %s", f)
	}

	// The records: every starred one in a published group, as many as its
	// hidden classes hold; checkExtracts agrees.
	infos, err := writeExtracts(ctx, db, m, extracts, res.Pattern)
	if err != nil {
		t.Fatal(err)
	}
	for i, info := range infos {
		e := extracts[i]
		if float64(info.Starred) != stars[e.Name] {
			t.Errorf("%s: %d records starred, the pattern's starred classes hold %v", e.Name, info.Starred, stars[e.Name])
		}
		if len(e.Star) == 0 {
			continue
		}
		// A record starred on one star field is starred on all of them.
		var starOn []string
		for _, f := range e.Star {
			starOn = append(starOn, f+" = '*'")
		}
		var n, whole int
		q := fmt.Sprintf("SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s) FROM %s",
			strings.Join(starOn, " OR "), strings.Join(starOn, " AND "), extractTable(e.Name))
		if err := db.QueryRowContext(ctx, q).Scan(&n, &whole); err != nil {
			t.Fatal(err)
		}
		if float64(n) != stars[e.Name] {
			t.Errorf("%s: the file stars %d records, want %v", e.Name, n, stars[e.Name])
		}
		if whole != n {
			t.Errorf("%s: %d records have some of the star fields %v starred, and only %d all of them", e.Name, n, e.Star, whole)
		}
	}
	if fails, err := checkExtracts(ctx, db, m, extracts, res.Pattern); err != nil {
		t.Fatal(err)
	} else if len(fails) > 0 {
		t.Errorf("checkExtracts: %q", fails)
	}

	// A group whose hidden records are one class, starred: its count less
	// the published classes is that class.
	if lone == nil {
		t.Fatal("no unpublished starred group hides exactly one class: the fixture cannot show the audit fail")
	}
	pat := *res.Pattern
	pat.Status = slices.Clone(res.Pattern.Status)
	col := lone
	pat.Status[col.ID] = model.Published
	a, err = audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: in.Rules, Pattern: &pat})
	if err != nil {
		t.Fatal(err)
	}
	if a.Passed() {
		t.Fatalf("%s published, hiding one class, passes the audit", col.Label())
	}
	t.Logf("%s published: %d failures, first %s", col.Label(), len(a.Failures), a.Failures[0])
}
