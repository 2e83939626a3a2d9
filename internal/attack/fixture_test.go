package attack

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// A small release written by the test itself: a few accidents of one
// fiscal year, published as kensho's tables are (same files, columns and
// margins), with the cells the test chooses withheld, and the restricted
// database (deid_accident) they came from. Each reproduces one leak found in
// the old anonymize (issue 14) on a handful of accidents, so CI checks the
// attacker finds it without a build.

type fxAccident struct {
	op                     int
	form, cause, equipment string
	users, minutes         float64
	otherOp                bool
}

type fxTable struct {
	name     string
	keys     []string // fiscal_year first
	measures []string
	// fields gives the accident's code for a key column.
}

var fxTables = []fxTable{
	{"accidents_by_year_cause", []string{"fiscal_year", "form", "cause"}, []string{"accidents"}},
	{"accidents_latest_cause_equipment", []string{"fiscal_year", "cause", "equipment"}, []string{"accidents"}},
	{"user_hours_by_year_cause_group", []string{"fiscal_year", "form", "cause_group"}, []string{"user_hours", "affected_users", "accidents"}},
	{"eu_root_cause_by_year", []string{"fiscal_year", "form", "eu_root_cause", "third_party"}, []string{"accidents", "user_hours"}},
}

// fxRelease writes the release and the database; hide says which figures
// are withheld (table/keys/measure, keys joined by "/").
// more are tables beyond fxTables (a quantile measure is computed as
// kensho computes it, R's type 7, printed to 0.1).
func fxRelease(t *testing.T, accs []fxAccident, hide func(id string) bool, editCodes func(dir string), more ...fxTable) (out, dbPath string) {
	t.Helper()
	out = t.TempDir()
	data := filepath.Join(out, "data")
	codesDir := filepath.Join(data, "codes")
	if err := os.MkdirAll(filepath.Join(data, "tables"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(codesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The repository's code lists, as the site publishes them.
	src, _ := filepath.Glob("../../codes/*.csv")
	if len(src) == 0 {
		t.Fatal("no code lists in ../../codes")
	}
	for _, f := range src {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(codesDir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if editCodes != nil {
		editCodes(codesDir)
	}
	codes, err := loadCodes(codesDir)
	if err != nil {
		t.Fatal(err)
	}
	attr := func(list, code, col string) string { return codes.list(list).attr[code][col] }
	fields := func(a fxAccident) map[string]string {
		eu := attr("cause", a.cause, "eu_root_cause")
		tp := attr("eu_root_cause", eu, "third_party") == "true" || a.otherOp
		band := ""
		for code, b := range codes.bands(durationBand, "min_minutes") {
			if a.minutes >= b.lo && (b.hi < 0 || a.minutes <= b.hi) {
				band = code
			}
		}
		return map[string]string{"fiscal_year": "2024", "form": a.form, "cause": a.cause, "equipment": a.equipment,
			"cause_group": attr("cause", a.cause, "group"), "eu_root_cause": eu, "third_party": fmt.Sprint(tp),
			durationBand: band}
	}
	type res struct {
		Path   string `json:"path"`
		Name   string `json:"name"`
		Schema struct {
			PrimaryKey []string `json:"primaryKey"`
		} `json:"schema"`
	}
	var resources []res
	for _, tb := range append(slices.Clone(fxTables), more...) {
		// Every combination of the codes that occur, and the totals.
		vals := make([][]string, len(tb.keys))
		for i, k := range tb.keys {
			seen := map[string]bool{}
			for _, a := range accs {
				seen[fields(a)[k]] = true
			}
			for v := range seen {
				vals[i] = append(vals[i], v)
			}
			sort.Strings(vals[i])
			if k != "fiscal_year" {
				vals[i] = append(vals[i], Total)
			}
		}
		keys := [][]string{{}}
		for _, vs := range vals {
			var next [][]string
			for _, k := range keys {
				for _, v := range vs {
					next = append(next, append(append([]string{}, k...), v))
				}
			}
			keys = next
		}
		f, err := os.Create(filepath.Join(data, "tables", tb.name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write(append(append([]string{}, tb.keys...), tb.measures...))
		for _, k := range keys {
			row := append([]string{}, k...)
			for _, m := range tb.measures {
				sum := 0.0
				var minutes []float64
				for _, a := range accs {
					fa := fields(a)
					ok := true
					for i, col := range tb.keys {
						if k[i] != Total && fa[col] != k[i] {
							ok = false
						}
					}
					if ok {
						sum += map[string]float64{"accidents": 1, "user_hours": a.users * a.minutes / 60, "affected_users": a.users}[m]
						minutes = append(minutes, a.minutes)
					}
				}
				v := fmt.Sprintf("%.0f", sum)
				if p, ok := quantileOf(m); ok {
					v = ""
					if len(minutes) > 0 {
						sort.Float64s(minutes)
						h := float64(len(minutes)-1) * p
						j := int(math.Floor(h))
						q := minutes[j]
						if j+1 < len(minutes) {
							q += (h - float64(j)) * (minutes[j+1] - minutes[j])
						}
						v = fmt.Sprintf("%.1f", q)
					}
				}
				if hide(tb.name + "/" + strings.Join(k, "/") + "/" + m) {
					v = Suppressed
				}
				row = append(row, v)
			}
			w.Write(row)
		}
		w.Flush()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		r := res{Path: "tables/" + tb.name + ".csv", Name: "tables." + tb.name}
		r.Schema.PrimaryKey = tb.keys
		resources = append(resources, r)
	}
	b, _ := json.Marshal(map[string]any{"resources": resources})
	if err := os.WriteFile(filepath.Join(data, "datapackage.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The restricted database.
	dbPath = filepath.Join(out, "fx.duckdb")
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmt := `CREATE TABLE deid_accident (record_key INTEGER, op_key INTEGER, affected_users BIGINT, duration_min BIGINT, ` +
		strings.Join(truthColumns, " VARCHAR, ") + ` VARCHAR)`
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
	for i, a := range accs {
		fa := fields(a)
		vals := []any{i + 1, a.op, a.users, a.minutes}
		for _, c := range truthColumns {
			if v, ok := fa[c]; ok {
				vals = append(vals, v)
			} else {
				vals = append(vals, nil)
			}
		}
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
		if _, err := db.Exec("INSERT INTO deid_accident VALUES ("+ph+")", vals...); err != nil {
			t.Fatal(err)
		}
	}
	return out, dbPath
}

// mustAttacker loads a release and builds the attacker's model of it.
func mustAttacker(t *testing.T, out string) *Attacker {
	t.Helper()
	pub, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(pub)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func boundOf(t *testing.T, out, id string, integer bool) Interval {
	t.Helper()
	a := mustAttacker(t, out)
	bs, err := a.Bounds(context.Background(), nil, integer, func(f *Figure) bool { return f.ID() == id })
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 {
		t.Fatalf("%s: %d bounds, want 1", id, len(bs))
	}
	return bs[0].Interval
}

func needPython(t *testing.T) {
	t.Helper()
	if _, err := Python(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// The simplified form carries only access equipment (equipment.csv,
// simplified_form): the old release's FY2024 leak in small.
func formsEquipmentFixture() ([]fxAccident, func(string) bool) {
	var accs []fxAccident
	add := func(n, op int, form, eq string) {
		for i := 0; i < n; i++ {
			accs = append(accs, fxAccident{op: op, form: form, cause: "other_operator", equipment: eq, users: 100, minutes: 150})
		}
	}
	add(10, 1, "simplified", "radio_base")
	add(10, 2, "simplified", "radio_base")
	add(3, 3, "simplified", "dslam")
	add(2, 4, "simplified", "dslam")
	add(9, 5, "simplified", "remote_unit") // two operators: 9 + 6
	add(6, 6, "simplified", "remote_unit")
	add(7, 7, "full", "fibre")
	add(7, 8, "full", "fibre")
	add(6, 9, "full", "fibre")
	hidden := map[string]bool{
		"accidents_latest_cause_equipment/2024/other_operator/remote_unit/accidents": true,
		"accidents_latest_cause_equipment/2024/other_operator/fibre/accidents":       true,
		"accidents_latest_cause_equipment/2024/total/remote_unit/accidents":          true,
		"accidents_latest_cause_equipment/2024/total/fibre/accidents":                true,
	}
	return accs, func(id string) bool { return hidden[id] }
}

func TestStructuralZeroFromCodeLists(t *testing.T) {
	needPython(t)
	const id = "accidents_latest_cause_equipment/2024/other_operator/remote_unit/accidents"
	accs, hide := formsEquipmentFixture()
	out, _ := fxRelease(t, accs, hide, nil)
	got := boundOf(t, out, id, false)
	// simplified 40 − radio_base 20 − dslam 5 = 15, the truth.
	if got.Lo != 15 {
		t.Errorf("%s: lower bound %g, want 15 (simplified form ⇒ access equipment)", id, got.Lo)
	}
	// Without the attribute in the published code list the reader cannot
	// tell: the constraint comes from the code list, not from the attacker.
	out, _ = fxRelease(t, accs, hide, func(dir string) {
		p := filepath.Join(dir, "equipment.csv")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.ReplaceAll(string(b), ",false,", ",true,")), 0o644)
	})
	if got := boundOf(t, out, id, false); got.Lo != 0 {
		t.Errorf("%s without simplified_form: lower bound %g, want 0", id, got.Lo)
	}
}

// User-hours by cause group and by EU root-cause category cut the same
// accidents two ways: malicious_action = external − natural − third-party
// failure, within the roundings. The old release's FY2017 leak in small.
func TestTwoPartitionsOfUserHours(t *testing.T) {
	needPython(t)
	var accs []fxAccident
	add := func(op int, cause string, users, minutes float64) {
		accs = append(accs, fxAccident{op: op, form: "full", cause: cause, equipment: "router", users: users, minutes: minutes})
	}
	add(1, "cyber_attack", 4021, 240) // 16084 user-hours, one operator
	for op := 2; op <= 5; op++ {
		add(op, "natural_disaster", float64(1000*op), 130)
		add(op+4, "power_outage", float64(700*op), 125)
		add(op+8, "hw_failure", float64(900*op), 200)
	}
	const id = "eu_root_cause_by_year/2024/full/malicious_action/total/user_hours"
	hide := func(s string) bool {
		return strings.Contains(s, "/malicious_action/") || strings.Contains(s, "/cyber_attack/")
	}
	out, db := fxRelease(t, accs, hide, nil)
	got := boundOf(t, out, id, false)
	if got.Lo < 16084-2 || got.Hi > 16084+2 || got.Lo > 16084 || got.Hi < 16084 {
		t.Errorf("%s: [%g, %g], want within ±2 of 16084", id, got.Lo, got.Hi)
	}
	// The harness sees the same and calls it a failure of the protection.
	res := attackRelease(t, out, db, defaultRules)
	found := false
	for _, f := range res.Failures {
		if strings.Contains(f, "outsider: "+id) {
			found = true
		}
	}
	if !found || res.MinRatio != 0 {
		t.Errorf("harness: min ratio %g, failures %q: want the malicious_action user-hours narrowed", res.MinRatio, res.Failures)
	}
}

// The harness on a release that withholds the 2-operator remote-unit cell:
// the outsider and each of its two operators read it.
func TestHarnessFindsInsiders(t *testing.T) {
	needPython(t)
	accs, hide := formsEquipmentFixture()
	out, db := fxRelease(t, accs, hide, nil)
	res := attackRelease(t, out, db, defaultRules)
	want := []string{
		"outsider: accidents_latest_cause_equipment/2024/other_operator/remote_unit/accidents",
		"operator 5 (own 9): accidents_latest_cause_equipment/2024/other_operator/remote_unit/accidents",
		"operator 6 (own 6): accidents_latest_cause_equipment/2024/other_operator/remote_unit/accidents",
	}
	for _, w := range want {
		ok := false
		for _, f := range res.Failures {
			if strings.HasPrefix(f, w) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("no failure %q among %q", w, res.Failures)
		}
	}
	if res.Insiders < 2 {
		t.Errorf("%d insiders attacked, want the remote-unit cell's two operators", res.Insiders)
	}
}

// The public cases a release lists (data/public_cases.csv) are known to
// every reader: a withheld cell holds at least the public accidents that
// agree with it — here one public cyber attack of 2,000 users (rounded as
// a source would print it) for 150 minutes.
func TestPublicCasesAreKnown(t *testing.T) {
	needPython(t)
	var accs []fxAccident
	add := func(op int, cause string, users float64) {
		accs = append(accs, fxAccident{op: op, form: "full", cause: cause, equipment: "router", users: users, minutes: 150})
	}
	add(1, "cyber_attack", 2040)
	add(2, "cyber_attack", 900)
	for op := 3; op <= 7; op++ {
		add(op, "hw_failure", 1000)
	}
	for op := 3; op <= 6; op++ {
		add(op, "power_outage", 1200)
	}
	const id = "accidents_by_year_cause/2024/full/cyber_attack/accidents"
	// Only accidents_by_year_cause is shown, with cyber attacks and
	// hardware failures withheld: 7 accidents between them.
	hide := func(s string) bool {
		return !strings.HasPrefix(s, "accidents_by_year_cause/") || strings.Contains(s, "/cyber_attack/") || strings.Contains(s, "/hw_failure/")
	}
	out, _ := fxRelease(t, accs, hide, nil)
	if got := boundOf(t, out, id, false); got.Lo != 0 {
		t.Fatalf("%s without public cases: lower bound %g, want 0", id, got.Lo)
	}
	csvText := "occurred_on,fiscal_year,service,affected_users,duration_min,cause,source_urls\n" +
		"2024-06-01,2024,ftth,2000,150,cyber_attack,https://www.mic.example/press/1.html\n"
	if err := os.WriteFile(filepath.Join(out, "data", "public_cases.csv"), []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	pub, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.Public) != 1 || pub.Public[0].UsersLo != 1500 || pub.Public[0].UsersHi != 2500 {
		t.Fatalf("public cases read as %+v, want one of 2,000 users ± 500 (three zeros: rounded to the thousand)", pub.Public)
	}
	if got := boundOf(t, out, id, false); got.Lo != 1 {
		t.Errorf("%s with the public case: lower bound %g, want 1", id, got.Lo)
	}
}

// A published median says how many of a row's accidents lie on each side
// of it: five equipment failures with a median of 50 minutes put three of
// them under an hour, which the durations table withholds.
func TestQuantilesAreRead(t *testing.T) {
	needPython(t)
	var accs []fxAccident
	for i, m := range []float64{30, 40, 50, 200, 300} {
		accs = append(accs, fxAccident{op: i + 1, form: "full", cause: "hw_failure", equipment: "router", users: 1000, minutes: m})
	}
	durations := fxTable{"accidents_by_year_duration_band", []string{"fiscal_year", "form", durationBand}, []string{"accidents"}}
	quantiles := fxTable{"duration_by_year_cause_group", []string{"fiscal_year", "form", "cause_group"},
		[]string{"median_duration_min", "p90_duration_min", "accidents"}}
	const id = "accidents_by_year_duration_band/2024/full/<1h/accidents"
	hide := func(s string) bool {
		return strings.HasPrefix(s, "accidents_by_year_duration_band/") && strings.Contains(s, "h/") && !strings.Contains(s, "/2-6h/")
	}
	out, _ := fxRelease(t, accs, hide, nil, durations)
	// Without the quantiles: under an hour and 1–2 h hold 3 between them.
	if got := boundOf(t, out, id, true); got.Lo != 0 || got.Hi != 3 {
		t.Fatalf("%s without quantiles: [%g, %g], want [0, 3]", id, got.Lo, got.Hi)
	}
	out, _ = fxRelease(t, accs, hide, nil, durations, quantiles)
	if got := boundOf(t, out, id, true); got.Lo != 3 || got.Hi != 3 {
		t.Errorf("%s with a median of 50.0 over 5 accidents: [%g, %g], want [3, 3]", id, got.Lo, got.Hi)
	}
}
