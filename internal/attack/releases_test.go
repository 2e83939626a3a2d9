package attack

import (
	"cmp"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestAttackReleaseChanges: a reader holds every release. Three releases
// are built as TestThreeReleases (cmd/kensho) builds them — FY2022 and half
// of FY2023, then the whole of FY2023 with one operator's corrections of
// FY2022, then another operator's — with the kensho of this checkout (a
// subprocess), the restricted database copied after each build for its
// truth. Each release is attacked by the outsider; then, for every figure
// of two releases, the change between them is a figure of its own (each
// operator's change in absolute value, docs/disclosure-model.md §3): where
// both publish it the change is exact and must pass the rules; where one
// withholds it, the attacker's interval of the withheld value gives the
// change's interval, which must reach the change's protection. (Where the
// earlier release withheld it, the change is known as well as the earlier
// value, which that release's attack checks.)
//
// Without assumptions on what changed, a sound reader learns nothing of
// one release's data from another's (the corrected data differ), so the
// changes are what there is to attack — and, for a fiscal year two
// releases hold unchanged (FY2023 in the last two), the reader who takes
// it as unchanged and reads both releases' figures of it as one
// (unchanged_test.go). KENSHO_ATTACK_FULL=1 (make attack):
// three builds and three attacks take several minutes.
func TestAttackReleaseChanges(t *testing.T) {
	if os.Getenv("KENSHO_ATTACK_FULL") != "1" {
		t.Skip("set KENSHO_ATTACK_FULL=1 (make attack)")
	}
	needPython(t)
	dir := t.TempDir()
	bin := buildKensho(t, dir)
	run := func(name string, args ...string) { t.Helper(); runKensho(t, name, args...) }
	scale := cmp.Or(os.Getenv("KENSHO_ATTACK_SCALE"), "0.03")
	gen := func(name, fy, corrections string) string {
		out := filepath.Join(dir, name)
		run(bin, "synth", "--seed", "5", "--from", fy, "--to", fy, "--scale", scale, "--format", "csv", "--layout", "operator",
			"--corrections", corrections, "--out", out)
		return out
	}
	fy22, fy23 := gen("fy22", "2022", "0"), gen("fy23", "2023", "0")
	corrs, _ := filepath.Glob(filepath.Join(gen("fy22c", "2022", "0.01"), "FY2022", "*", "*_teisei.csv"))
	sort.Strings(corrs)
	operator := func(p string) string { return strings.SplitN(filepath.Base(p), "_", 2)[0] }
	var picked []string
	for _, c := range corrs {
		if len(picked) == 0 || (len(picked) == 1 && operator(c) != operator(picked[0])) {
			picked = append(picked, c)
		}
	}
	if len(picked) < 2 {
		t.Fatalf("want correction files of two operators, got %v", corrs)
	}
	corrDir := func(i int) string {
		d := filepath.Join(dir, fmt.Sprint("corr", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(picked[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, filepath.Base(picked[i])), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	c1, c2 := corrDir(0), corrDir(1)
	db := filepath.Join(dir, "kensho.duckdb")
	builds := []struct {
		version string
		in      []string
	}{
		{"2023.1", []string{fy22, filepath.Join(fy23, "FY2023", "Q1"), filepath.Join(fy23, "FY2023", "Q2")}},
		{"2024.1", []string{fy22, fy23, c1}},
		{"2024.2", []string{fy22, fy23, c1, c2}},
	}
	type release struct {
		version string
		res     harnessResult
		ids     map[int]string // op_key → operator_id in this build
		db      string         // the copy of the database after this build
	}
	var rels []release
	for _, b := range builds {
		out := filepath.Join(dir, "public-"+b.version)
		args := []string{"build", "--out", out, "--db", db, "--release-version", b.version}
		for _, in := range b.in {
			args = append(args, "--in", in)
		}
		run(bin, args...)
		// The truth of this release: a copy of the database as it was.
		snap := filepath.Join(dir, "truth-"+b.version+".duckdb")
		raw, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(snap, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if risk, err := os.ReadFile(riskPath(db)); err == nil {
			// The audit's ratios, which the attack logs beside its own.
			if err := os.WriteFile(riskPath(snap), risk, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r := release{version: b.version, ids: operatorIDs(t, snap), db: snap}
		t.Run("release"+b.version, func(t *testing.T) {
			r.res = attackReleaseWith(t, out, snap, defaultRules, attackOpts{outsiderOnly: true})
			reportFailures(t, r.res)
		})
		if r.res.Pub == nil {
			t.Fatalf("release %s: the attack did not finish", b.version)
		}
		rels = append(rels, r)
	}
	for i := range rels {
		for j := i + 1; j < len(rels); j++ {
			a, b := rels[i], rels[j]
			t.Run(a.version+"-"+b.version, func(t *testing.T) {
				checkChanges(t, a.version, b.version, a.res.Pub, b.res.Pub, b.res.Outsider,
					a.res.Truth, b.res.Truth, a.ids, b.ids)
			})
		}
	}
	// A reader who takes a year as unchanged between two releases, where
	// it is.
	years := 0
	for i := range rels {
		for j := i + 1; j < len(rels); j++ {
			a, b := rels[i], rels[j]
			t.Run("unchanged-"+a.version+"-"+b.version, func(t *testing.T) {
				n, attacked := attackUnchangedYears(t, a.version, b.version, a.res.Pub, b.res.Pub, a.res.Truth, b.res.Truth, a.ids, b.ids, b.db)
				t.Logf("%s and %s: %d fiscal years unchanged, %d of them read differently (attacked as one)", a.version, b.version, n, attacked)
				years += n
			})
		}
	}
	if years == 0 {
		t.Error("no fiscal year is unchanged between two releases: the reader who takes a year as unchanged is not exercised")
	}
}

// operatorIDs maps a build's op_key to the operator's registration number,
// which stays the same across builds.
func operatorIDs(t *testing.T, dbPath string) map[int]string {
	t.Helper()
	db, err := sql.Open("duckdb", dbPath+"?access_mode=READ_ONLY&autoinstall_known_extensions=false&autoload_known_extensions=false")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT op_key, operator_id FROM deid_operator")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var k int
		var id string
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		out[k] = id
	}
	return out
}

// checkChanges checks the change of every figure two releases both have
// where the earlier one published it; ib are the later release's
// intervals.
func checkChanges(t *testing.T, va, vb string, pa, pb *Publication, ib map[string]Interval,
	ta, tb map[string][]truthRow, ida, idb map[int]string) {
	t.Helper()
	figsA := map[string]*Figure{}
	for _, f := range pa.figures() {
		if f.Year != "" {
			figsA[f.ID()] = f
		}
	}
	checked, exact, bounded, failures := 0, 0, 0, 0
	minRatio := float64(ratioCap)
	for _, fb := range pb.figures() {
		fa := figsA[fb.ID()]
		if fa == nil || fb.Year == "" {
			continue
		}
		xa, _, _, ua := truthParts(fa, ta)
		xb, _, _, ub := truthParts(fb, tb)
		// Each operator's change of what readers do not know, in absolute
		// value: the change's own figure.
		delta := map[string]float64{}
		for op, v := range ub {
			delta[idb[op]] += v
		}
		for op, v := range ua {
			delta[ida[op]] -= v
		}
		parts := map[int]float64{}
		total, n := 0.0, 0
		for _, v := range delta {
			if math.Abs(v) > 1e-9 {
				parts[n] = math.Abs(v)
				total += math.Abs(v)
				n++
			}
		}
		if n == 0 {
			continue
		}
		primary, rule, req := requirement(defaultRules, fb.Measure, total, parts)
		if !primary {
			continue
		}
		checked++
		c := xb - xa
		var iv Interval
		switch {
		case fa.Published && fb.Published:
			exact++
			failures++
			t.Errorf("%s → %s: %s published in both, its change %+g comes from %d operator(s) and fails %s (needs ±%.4g)", va, vb, fb.ID(), c, n, rule, req)
			continue
		case fa.Published:
			ivb, ok := ib[fb.ID()]
			if !ok {
				continue // not bounded (a figure the attacker's model leaves out)
			}
			iv = Interval{Lo: ivb.Lo - fa.Value, Hi: ivb.Hi - fa.Value}
		default:
			// Withheld by the earlier release: the reader knows the change
			// only as well as the earlier value, which that release's own
			// attack checked against its protection (§3: the change rule
			// holds where an earlier release published the figure).
			continue
		}
		bounded++
		r := ratio(iv, c, req)
		minRatio = math.Min(minRatio, r)
		if r < 1-1e-9 {
			failures++
			t.Errorf("%s → %s: %s changed by %+g (%d operator(s), %s): the reader's interval of the change [%g, %g] needs ±%.4g: ratio %.3f",
				va, vb, fb.ID(), c, n, rule, iv.Lo, iv.Hi, req, r)
		}
	}
	t.Logf("%s → %s: %d figures whose change fails the rules on its own; %d bounded by the attacker (min ratio %.4f), %d published in both; %d failures",
		va, vb, checked, bounded, minRatio, exact, failures)
	if checked == 0 {
		t.Errorf("%s → %s: no change that needs protection: the data do not exercise the check", va, vb)
	}
}
