package attack

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
)

// A reader who holds two releases and takes a fiscal year as unchanged
// between them reads both releases' figures of that year as constraints on
// the same accidents. Where the year's data did change, that reading is
// wrong (the change is what checkChanges attacks); where they did not, it
// is sound, and whatever the two patterns publish differently adds up:
// a cell one release shows and the other hides, a microdata class one
// publishes and the other leaves out. kensho keeps an unchanged figure's
// status (docs/disclosure-model.md §6), so the union should be either
// release; attackUnchangedYears checks that it is, or attacks the union.

// unchangedYears are the fiscal years whose accidents are the same in two
// builds' truths: the same operators (by registration number, which
// survives builds), the same fields, users and durations.
func unchangedYears(ta, tb map[string][]truthRow, ida, idb map[int]string) []string {
	key := func(r truthRow, ids map[int]string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s|%g|%g|%v", ids[r.op], r.users, r.minutes, r.public)
		for _, c := range truthColumns {
			b.WriteString("|" + r.fields[c])
		}
		return b.String()
	}
	var out []string
	for y, ra := range ta {
		rb := tb[y]
		if len(ra) != len(rb) {
			continue
		}
		ka, kb := make([]string, len(ra)), make([]string, len(rb))
		for i := range ra {
			ka[i], kb[i] = key(ra[i], ida), key(rb[i], idb)
		}
		sort.Strings(ka)
		sort.Strings(kb)
		if slices.Equal(ka, kb) {
			out = append(out, y)
		}
	}
	sort.Strings(out)
	return out
}

// unionOfYear is the later publication with what the earlier one shows of
// fiscal year y added: a cell the later hides and the earlier shows takes
// the earlier value, and each microdata record of y is there as often as
// the release that has it more often has it. differs counts what the union
// adds; a cell both show with different values is an error (the year is
// unchanged, so both print the same figure).
func unionOfYear(pa, pb *Publication, y string) (u *Publication, differs int, err error) {
	u = &Publication{Dir: pb.Dir, Codes: pb.Codes, Public: pb.Public, Created: pb.Created}
	earlier := map[string]*Table{}
	for _, t := range pa.Tables {
		earlier[t.Name] = t
	}
	for _, t := range pb.Tables {
		nt := &Table{Name: t.Name, Keys: t.Keys, Measures: t.Measures}
		fy := slices.Index(t.Keys, "fiscal_year")
		ta := earlier[t.Name]
		rowsA := map[string]Row{}
		if ta != nil && slices.Equal(ta.Keys, t.Keys) && slices.Equal(ta.Measures, t.Measures) {
			for _, r := range ta.Rows {
				rowsA[strings.Join(r.Key, "\x00")] = r
			}
		}
		for _, r := range t.Rows {
			nr := Row{Key: r.Key, Values: slices.Clone(r.Values)}
			if ra, ok := rowsA[strings.Join(r.Key, "\x00")]; ok && fy >= 0 && r.Key[fy] == y {
				for i, v := range r.Values {
					va := ra.Values[i]
					_, pubA := parseValue(va)
					_, pubB := parseValue(v)
					switch {
					case pubA && !pubB && v == Suppressed:
						nr.Values[i] = va
						differs++
					case pubA && pubB && va != v:
						return nil, 0, fmt.Errorf("%s %v %s: %s in one release, %s in the other, of a year whose data did not change",
							t.Name, r.Key, t.Measures[i], va, v)
					}
				}
			}
			nt.Rows = append(nt.Rows, nr)
		}
		u.Tables = append(u.Tables, nt)
	}
	extractA := map[string]*Extract{}
	for _, e := range pa.Extracts {
		extractA[e.Name] = e
	}
	for _, e := range pb.Extracts {
		ne := &Extract{Name: e.Name, Fields: e.Fields}
		fy := slices.Index(e.Fields, "fiscal_year")
		count := func(x *Extract) map[string]int {
			n := map[string]int{}
			if x == nil || !slices.Equal(x.Fields, e.Fields) {
				return n
			}
			for _, r := range x.Records {
				if fy >= 0 && r[fy] == y {
					n[strings.Join(r, "\x00")]++
				}
			}
			return n
		}
		na, nb := count(extractA[e.Name]), count(e)
		for _, r := range e.Records {
			if fy < 0 || r[fy] != y {
				ne.Records = append(ne.Records, r)
			}
		}
		classes := make([]string, 0, len(na)+len(nb))
		for k := range nb {
			classes = append(classes, k)
		}
		for k := range na {
			if _, ok := nb[k]; !ok {
				classes = append(classes, k)
			}
		}
		sort.Strings(classes)
		union := map[string]int{}
		for _, k := range classes {
			if !starred(strings.Split(k, "\x00")) {
				union[k] = max(na[k], nb[k])
			}
		}
		// A starred class gives its group's count (its records and the
		// group's unstarred ones): the union's starred class is that count
		// less the union's unstarred classes of the group.
		groupCount := func(n map[string]int, star string) int {
			g := n[star]
			for k, c := range n {
				if inGroup(k, star) {
					g += c
				}
			}
			return g
		}
		for _, k := range classes {
			if !starred(strings.Split(k, "\x00")) {
				continue
			}
			ga, gb := groupCount(na, k), groupCount(nb, k)
			if na[k] > 0 && nb[k] > 0 && ga != gb {
				return nil, 0, fmt.Errorf("%s: the starred group %q counts %d in one release and %d in the other", e.Name, k, ga, gb)
			}
			g := max(ga, gb)
			if na[k] == 0 {
				g = gb
			} else if nb[k] == 0 {
				g = ga
			}
			n := g
			for k2, c := range union {
				if inGroup(k2, k) {
					n -= c
				}
			}
			if n < 0 {
				return nil, 0, fmt.Errorf("%s: the starred group %q counts %d, fewer than the union's unstarred records of it", e.Name, k, g)
			}
			union[k] = n
		}
		for _, k := range classes {
			n := union[k]
			if n != nb[k] {
				differs += max(n-nb[k], nb[k]-n)
			}
			for range n {
				ne.Records = append(ne.Records, strings.Split(k, "\x00"))
			}
		}
		u.Extracts = append(u.Extracts, ne)
	}
	return u, differs, nil
}

// inGroup reports whether the unstarred record key k lies in the group of
// the starred record key star: equal in every field star does not star.
func inGroup(k, star string) bool {
	a, b := strings.Split(k, "\x00"), strings.Split(star, "\x00")
	if len(a) != len(b) || starred(a) {
		return false
	}
	for i := range a {
		if b[i] != "*" && a[i] != b[i] {
			return false
		}
	}
	return true
}

// attackUnchangedYears reads each fiscal year that two releases hold
// unchanged as one reader with both: where the union of the two adds
// nothing to the later release, that release's own attack stands; where it
// adds, the union is attacked (outsider) and must narrow nothing.
func attackUnchangedYears(t *testing.T, va, vb string, pa, pb *Publication, ta, tb map[string][]truthRow, ida, idb map[int]string, dbB string) (years, attacked int) {
	t.Helper()
	for _, y := range unchangedYears(ta, tb, ida, idb) {
		years++
		u, differs, err := unionOfYear(pa, pb, y)
		if err != nil {
			t.Errorf("%s and %s, FY%s: %v", va, vb, y, err)
			continue
		}
		if differs == 0 {
			t.Logf("%s and %s, FY%s unchanged: the two publish the same of it (the later release's attack covers the union)", va, vb, y)
			continue
		}
		attacked++
		t.Logf("%s and %s, FY%s unchanged: the union shows %d figures or records the later release does not; attacking it", va, vb, y, differs)
		res := attackReleaseWith(t, "", dbB, defaultRules, attackOpts{outsiderOnly: true, pub: u, years: []string{y}})
		reportFailures(t, res)
	}
	return years, attacked
}

// TestUnionOfYear: the union takes what either release shows of the year,
// and nothing of another year; equal cells shown differently are an error.
func TestUnionOfYear(t *testing.T) {
	table := func(vals ...string) *Table {
		return &Table{Name: "accidents_by_year_cause", Keys: []string{"fiscal_year", "cause"}, Measures: []string{"accidents"},
			Rows: []Row{{Key: []string{"2022", "fire"}, Values: []string{vals[0]}}, {Key: []string{"2023", "fire"}, Values: []string{vals[1]}},
				{Key: []string{"2023", "flood"}, Values: []string{vals[2]}}}}
	}
	extract := func(recs ...string) *Extract {
		e := &Extract{Name: "when_where", Fields: []string{"fiscal_year", "quarter"}}
		for _, r := range recs {
			e.Records = append(e.Records, strings.Split(r, "/"))
		}
		return e
	}
	pa := &Publication{Tables: []*Table{table("4", "7", "X")}, Extracts: []*Extract{extract("2022/1", "2023/1", "2023/1", "2023/2")}}
	pb := &Publication{Tables: []*Table{table("X", "X", "5")}, Extracts: []*Extract{extract("2023/1", "2023/3")}}
	u, differs, err := unionOfYear(pa, pb, "2023")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range u.Tables[0].Rows {
		got = append(got, r.Values[0])
	}
	// 2022 stays as the later release shows it; 2023 fire from the earlier.
	if want := []string{"X", "7", "5"}; !slices.Equal(got, want) {
		t.Errorf("cells %v, want %v", got, want)
	}
	var recs []string
	for _, r := range u.Extracts[0].Records {
		recs = append(recs, strings.Join(r, "/"))
	}
	sort.Strings(recs)
	if want := []string{"2023/1", "2023/1", "2023/2", "2023/3"}; !slices.Equal(recs, want) {
		t.Errorf("records %v, want %v", recs, want)
	}
	if differs != 3 { // one cell, one more 2023/1, one 2023/2
		t.Errorf("differs %d, want 3", differs)
	}
	if _, _, err := unionOfYear(&Publication{Tables: []*Table{table("4", "7", "6")}}, pb, "2023"); err == nil {
		t.Error("a cell shown as 6 and 5 in a year that did not change: no error")
	}
}

// TestUnionOfStarredYear: two releases star different classes of one
// group of an unchanged year. The union shows every class either shows
// unstarred, and stars what is left of the group's count; a group counted
// differently by the two is an error.
func TestUnionOfStarredYear(t *testing.T) {
	rec := func(n int, vals ...string) [][]string {
		var out [][]string
		for range n {
			out = append(out, append([]string{"2023"}, vals...))
		}
		return out
	}
	extract := func(parts ...[][]string) *Publication {
		e := &Extract{Name: "failure", Fields: []string{"fiscal_year", "cause", "service"}}
		for _, p := range parts {
			e.Records = append(e.Records, p...)
		}
		return &Publication{Extracts: []*Extract{e}}
	}
	// The group "fire" counts 10: voice 5, data 3, video 2.
	pa := extract(rec(5, "fire", "voice"), rec(5, "fire", "*"), rec(4, "flood", "voice"))
	pb := extract(rec(3, "fire", "data"), rec(7, "fire", "*"), rec(4, "flood", "voice"))
	u, differs, err := unionOfYear(pa, pb, "2023")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range u.Extracts[0].Records {
		got[strings.Join(r[1:], "/")]++
	}
	want := map[string]int{"fire/voice": 5, "fire/data": 3, "fire/*": 2, "flood/voice": 4}
	if !maps.Equal(got, want) {
		t.Errorf("union %v, want %v", got, want)
	}
	if differs != 10 { // 5 voice more, 5 starred fewer
		t.Errorf("differs %d, want 10", differs)
	}
	pb = extract(rec(3, "fire", "data"), rec(8, "fire", "*"))
	if _, _, err := unionOfYear(pa, pb, "2023"); err == nil {
		t.Error("a group counted 10 and 11 in a year that did not change: no error")
	}
}

// TestUnchangedYears: operators are matched by registration number, not
// by a build's op_key; one accident's users changed makes its year changed.
func TestUnchangedYears(t *testing.T) {
	row := func(y string, op int, users float64) truthRow {
		return truthRow{fields: map[string]string{"fiscal_year": y, "cause": "fire"}, op: op, users: users, minutes: 150}
	}
	ta := map[string][]truthRow{"2022": {row("2022", 1, 100), row("2022", 2, 50)}, "2023": {row("2023", 1, 10)}}
	tb := map[string][]truthRow{"2022": {row("2022", 7, 50), row("2022", 8, 100)}, "2023": {row("2023", 8, 11)}}
	ida, idb := map[int]string{1: "A", 2: "B"}, map[int]string{7: "B", 8: "A"}
	if got := unchangedYears(ta, tb, ida, idb); !slices.Equal(got, []string{"2022"}) {
		t.Errorf("unchanged %v, want [2022]", got)
	}
	idb = map[int]string{7: "A", 8: "B"} // the same accidents, other operators
	if got := unchangedYears(ta, tb, ida, idb); len(got) != 0 {
		t.Errorf("unchanged %v, want none", got)
	}
}

// TestUnionOfUnchangedYearIsAttacked: two releases of the same data, each
// hiding a rectangle of cause × equipment cells round a two-operator cell
// (each alone keeps it from every outsider), read as one: what one hides
// the other shows, and the cell follows from its row's total.
func TestUnionOfUnchangedYearIsAttacked(t *testing.T) {
	needPython(t)
	var accs []fxAccident
	cell := func(cause, eq string, ops ...int) {
		for _, op := range ops {
			for range 3 {
				accs = append(accs, fxAccident{op: op, form: "full", cause: cause, equipment: eq, users: 100, minutes: 150})
			}
		}
	}
	cell("hw_failure", "router", 1, 2) // 6 accidents of two operators
	for i, c := range []string{"hw_failure", "sw_bug", "capacity"} {
		for j, e := range []string{"router", "fibre", "server"} {
			if i+j > 0 {
				cell(c, e, 3+i, 6+j, 9+i+j)
			}
		}
	}
	const target = "accidents_latest_cause_equipment/2024/hw_failure/router/accidents"
	hider := func(cells ...string) func(string) bool {
		return func(id string) bool {
			for _, c := range cells {
				if id == "accidents_latest_cause_equipment/2024/"+c+"/accidents" {
					return true
				}
			}
			return false
		}
	}
	outA, dbA := fxRelease(t, accs, hider("hw_failure/router", "hw_failure/fibre", "sw_bug/router", "sw_bug/fibre"), nil)
	outB, dbB := fxRelease(t, accs, hider("hw_failure/router", "hw_failure/server", "capacity/router", "capacity/server"), nil)
	for _, r := range []struct{ out, db string }{{outA, dbA}, {outB, dbB}} {
		res := attackReleaseWith(t, r.out, r.db, defaultRules, attackOpts{outsiderOnly: true})
		if len(res.Failures) > 0 || res.MinRatio < 1 {
			t.Fatalf("one release alone is narrowed (min ratio %g): %q", res.MinRatio, res.Failures)
		}
	}
	pa, err := Load(outA)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := Load(outB)
	if err != nil {
		t.Fatal(err)
	}
	u, differs, err := unionOfYear(pa, pb, "2024")
	if err != nil {
		t.Fatal(err)
	}
	if differs != 3 {
		t.Errorf("the union adds %d cells to the later release, want 3", differs)
	}
	res := attackReleaseWith(t, "", dbB, defaultRules, attackOpts{outsiderOnly: true, pub: u, years: []string{"2024"}})
	found := false
	for _, f := range res.Failures {
		found = found || strings.HasPrefix(f, "outsider: "+target+" = 6 ")
	}
	if !found {
		t.Errorf("the two releases read as one: %s not narrowed (failures %q)", target, res.Failures)
	}
}
