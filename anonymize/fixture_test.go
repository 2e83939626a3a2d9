package anonymize

// Test fixtures: a generator of accident rows for many operators of very
// different sizes, and a stand-in for analytics that builds StatTables with
// contributions straight from deid_accident.

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

type fxOperator struct {
	id, name, contactName, contact, partner, vendor, site string
	weight                                                float64
	services, equipment                                   []string
	prefs                                                 []string // prefectures it serves; nil = nationwide
}

type fxAccident struct {
	op                            int
	no                            int
	at                            time.Time
	minutes                       int64
	users                         int64
	prefs                         []string
	nationwide                    bool
	service, cause, equipment     string
	impact, form                  string
	other, cyber                  bool
	disaster, summary, prevention string
	critical                      int
}

type fxSpec struct {
	operators int
	perYear   int
	years     []int
	seed      uint64
	skew      float64 // Zipf exponent of operator sizes
	// partial, when n > 0, adds a fiscal year after the last of years that
	// has only begun: n accidents in its first quarter from the first ops
	// operators, as when a build runs before every operator has reported.
	partial struct{ n, ops int }
}

var fxProfiles = []struct {
	services, equipment []string
}{
	{[]string{"voice_mobile", "data_mobile"}, []string{"radio_base", "router", "server", "switch_transit", "power"}},
	{[]string{"voice_fixed", "ftth", "isp"}, []string{"switch_local", "fibre", "router", "remote_unit", "power"}},
	{[]string{"catv", "isp", "voice_050"}, []string{"fibre", "remote_unit", "router", "power", "hvac"}},
	{[]string{"isp", "email_paid", "free_internet", "enterprise"}, []string{"server", "router", "fibre", "other"}},
	{[]string{"dsl", "isp", "other"}, []string{"dslam", "router", "fibre", "satellite_cable"}},
}

var fxCauses = []struct {
	code string
	w    float64
}{
	{"hw_failure", 30}, {"sw_bug", 15}, {"capacity", 5}, {"work_error", 8}, {"config_error", 10}, {"procedure", 4},
	{"other_operator", 6}, {"natural_disaster", 7}, {"power_outage", 5}, {"third_party_damage", 6}, {"cyber_attack", 1}, {"unknown", 3},
}

func fxOperators(rng *rand.Rand, n int, skew float64) []fxOperator {
	ops := make([]fxOperator, n)
	for i := range ops {
		p := fxProfiles[i%len(fxProfiles)]
		o := fxOperator{
			id:          fmt.Sprintf("R-%05d", 1000+i*7),
			name:        fmt.Sprintf("テスト通信%03d株式会社", i),
			contactName: fmt.Sprintf("担当%03d", i),
			contact:     fmt.Sprintf("noc%03d@op%03d.example.jp 03-5%03d-%04d", i, i, i, 1000+i),
			partner:     fmt.Sprintf("卸元%03d", (i+1)%n),
			vendor:      fmt.Sprintf("VendorModel-%03d", i),
			site:        fmt.Sprintf("第%03dビル", i),
			weight:      1 / math.Pow(float64(i+1), skew),
			services:    p.services,
			equipment:   p.equipment,
		}
		if i >= 4 {
			// Regional operators serve one bureau area.
			region := kensho.Regions.Codes[rng.IntN(11)].Code
			for _, pc := range kensho.Prefectures.Codes {
				if pc.Attr["region"] == region {
					o.prefs = append(o.prefs, pc.Code)
				}
			}
		}
		ops[i] = o
	}
	return ops
}

func fxGenerate(spec fxSpec) ([]fxOperator, []fxAccident) {
	rng := rand.New(rand.NewPCG(spec.seed, 42))
	ops := fxOperators(rng, spec.operators, spec.skew)
	cum := make([]float64, len(ops))
	total := 0.0
	for i, o := range ops {
		total += o.weight
		cum[i] = total
	}
	causeTotal := 0.0
	for _, c := range fxCauses {
		causeTotal += c.w
	}
	var out []fxAccident
	nos := make([]int, len(ops))
	// draw adds one accident of fiscal year fy, by one of the first among
	// operators, within span of the year's start.
	draw := func(fy, among int, span time.Duration) {
		start := kensho.FiscalQuarter{Year: fy, Quarter: 1}.Start()
		disasters := []string{fmt.Sprintf("%d年台風第%d号", fy, 7+fy%5), fmt.Sprintf("%d年豪雨", fy)}
		r := rng.Float64() * cum[among-1]
		op := sort.SearchFloat64s(cum[:among], r)
		if op >= among {
			op = among - 1
		}
		o := ops[op]
		nos[op]++
		a := fxAccident{op: op, no: nos[op]}
		a.at = start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Minute)
		a.minutes = int64(math.Max(1, math.Round(math.Exp(rng.NormFloat64()*1.2+4.6))))
		a.users = int64(math.Max(0, math.Round(math.Exp(rng.NormFloat64()*2+8.5))))
		a.service = o.services[rng.IntN(len(o.services))]
		a.equipment = o.equipment[rng.IntN(len(o.equipment))]
		if rng.Float64() < 0.1 {
			a.equipment = kensho.EquipmentCodes.Codes[rng.IntN(len(kensho.EquipmentCodes.Codes))].Code
		}
		c := rng.Float64() * causeTotal
		for _, x := range fxCauses {
			if c < x.w {
				a.cause = x.code
				break
			}
			c -= x.w
		}
		if a.cause == "" {
			a.cause = "unknown"
		}
		a.impact, a.form = "outage", "full"
		if rng.Float64() < 0.2 {
			a.impact = "degradation"
		}
		if kensho.SimplifiedFormEquipment(a.equipment) && rng.Float64() < 0.3 {
			a.form = "simplified"
		}
		a.other = a.cause == "other_operator" || rng.Float64() < 0.02
		a.cyber = a.cause == "cyber_attack"
		if a.cause == "natural_disaster" && rng.Float64() < 0.6 {
			a.disaster = disasters[rng.IntN(len(disasters))]
		}
		switch {
		case o.prefs == nil && rng.Float64() < 0.25:
			a.nationwide = true
		case o.prefs == nil:
			n := 1 + rng.IntN(3)
			for j := 0; j < n; j++ {
				a.prefs = append(a.prefs, kensho.Prefectures.Codes[rng.IntN(47)].Code)
			}
		default:
			a.prefs = []string{o.prefs[rng.IntN(len(o.prefs))]}
		}
		sort.Strings(a.prefs)
		a.prefs = dedupe(a.prefs)
		a.summary = fmt.Sprintf("%sの%sで障害が発生した。", o.site, o.vendor)
		a.prevention = "監視を強化する。"
		out = append(out, a)
	}
	for _, fy := range spec.years {
		for k := 0; k < spec.perYear; k++ {
			draw(fy, len(ops), 364*24*time.Hour)
		}
	}
	if spec.partial.n > 0 {
		fy := spec.years[len(spec.years)-1] + 1
		for k := 0; k < spec.partial.n; k++ {
			draw(fy, min(spec.partial.ops, len(ops)), 90*24*time.Hour)
		}
	}
	return ops, out
}

func dedupe(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// fxLoad writes the accidents into the accident table (created from
// testdata/accident_schema.sql) through a CSV file.
func fxLoad(tb testing.TB, db *sql.DB, ops []fxOperator, acc []fxAccident) {
	tb.Helper()
	ddl, err := os.ReadFile("testdata/accident_schema.sql")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(string(ddl)); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "accident.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(f)
	ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05") }
	b := func(v bool) string { return strconv.FormatBool(v) }
	for i, a := range acc {
		o := ops[a.op]
		q := fiscalQuarterOf(a.at)
		end := a.at.Add(time.Duration(a.minutes) * time.Minute)
		ka := kensho.Accident{OccurredAt: a.at, Service: a.service, Impact: a.impact, Equipment: a.equipment, DurationMin: a.minutes, AffectedUsers: a.users}
		crit := ""
		if a.critical > 0 {
			crit = strconv.Itoa(a.critical)
		}
		w.Write([]string{o.id, strconv.Itoa(a.no), o.name, o.contactName, o.contact, strconv.Itoa(q.Year), strconv.Itoa(q.Quarter),
			a.form, "quarterly", ts(a.at), ts(end), strconv.FormatInt(a.minutes, 10), a.impact, a.service,
			strconv.FormatInt(a.users, 10), strings.Join(a.prefs, ";"), b(a.nationwide), o.site, kensho.CauseGroupOf(a.cause), a.cause,
			a.equipment, o.vendor, b(a.other), o.partner, crit, a.disaster, b(a.cyber), a.summary, a.prevention,
			b(kensho.BelowReportingThreshold(ka)), b(kensho.MeetsSeriousCriteria(ka)), strconv.Itoa(i + 2)})
	}
	w.Flush()
	f.Close()
	_, err = db.Exec(`INSERT INTO accident SELECT
		c0, c1, c2, c3, c4, c5::INTEGER, c6::INTEGER, c7, c8, c9::TIMESTAMP, c10::TIMESTAMP, c11::INTEGER, NULL, c12, c13, c14::BIGINT,
		CASE WHEN coalesce(c15, '') = '' THEN []::VARCHAR[] ELSE string_split(c15, ';') END, c16::BOOLEAN, c17, c18, c19, c20, c21, c22::BOOLEAN, c23,
		nullif(c24, '')::INTEGER, nullif(c25, ''), c26::BOOLEAN, c27, c28, NULL, c29::BOOLEAN, c30::BOOLEAN, 'sha', 'fixture.csv', c31::INTEGER,
		TIMESTAMP '2025-06-01 00:00:00'
		FROM read_csv(` + duck.QuoteString(path) + `, header = false, all_varchar = true, names = ['c0','c1','c2','c3','c4','c5','c6','c7','c8','c9','c10','c11','c12','c13','c14','c15','c16','c17','c18','c19','c20','c21','c22','c23','c24','c25','c26','c27','c28','c29','c30','c31'])`)
	if err != nil {
		tb.Fatal(err)
	}
}

// tableSpec describes a table the stand-in analytics builds.
type tableSpec struct {
	name         string
	dims         []string
	filter       map[string]string
	mags         []kensho.Magnitude
	derived      bool // add users per accident, derived from two cells
	omitZeroRows bool
	// perYearOnly leaves out the rows that add up all fiscal years, as the
	// report's year-by-year tables do.
	perYearOnly bool
}

var allMags = []kensho.Magnitude{kensho.MagAccidents, kensho.MagAffectedUsers, kensho.MagUserHours}

// reportSpecs resembles the tables of the verification report. Users
// and user-hours are published by cause and for serious accidents only,
// as analytics does: a magnitude by every dimension would cross them all
// in one clique of the model (it refuses one of over 5 million atoms).
var reportSpecs = []tableSpec{
	{name: "by_cause_group", dims: []string{"fiscal_year", "cause_group"}, mags: allMags, derived: true},
	{name: "by_cause", dims: []string{"fiscal_year", "cause"}, mags: allMags},
	{name: "by_service", dims: []string{"fiscal_year", "service"}, mags: []kensho.Magnitude{kensho.MagAccidents}},
	{name: "serious_by_category", dims: []string{"fiscal_year", "service_category"}, filter: map[string]string{"meets_serious": "true"}, mags: allMags},
	{name: "by_equipment_class", dims: []string{"fiscal_year", "equipment_class"}, mags: []kensho.Magnitude{kensho.MagAccidents}},
	{name: "by_region", dims: []string{"fiscal_year", "region"}, mags: []kensho.Magnitude{kensho.MagAccidents}},
	{name: "duration_users", dims: []string{"fiscal_year", "duration_band", "users_band"}, mags: []kensho.Magnitude{kensho.MagAccidents}},
	{name: "disasters", dims: []string{"fiscal_year", "disaster"}, mags: []kensho.Magnitude{kensho.MagAccidents}, omitZeroRows: true},
}

// domainOf lists the values a test table shows for a dimension.
func domainOf(tb testing.TB, db *sql.DB, dim string) []string {
	if l := kensho.ListByName(dim); l != nil {
		return l.CodeStrings()
	}
	switch dim {
	case "meets_serious", "cyber_attack", "other_operator_origin", "third_party", "critical_infra", "below_threshold":
		return []string{"false", "true"}
	}
	rows, err := db.Query(fmt.Sprintf("SELECT DISTINCT CAST(%s AS VARCHAR) v FROM deid_accident WHERE %s IS NOT NULL ORDER BY v", duck.QuoteIdent(dim), duck.QuoteIdent(dim)))
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		out = append(out, v)
	}
	return out
}

// buildTables computes the tables from deid_accident with per-operator
// contributions, as analytics does.
func buildTables(tb testing.TB, db *sql.DB, specs []tableSpec) []kensho.StatTable {
	tb.Helper()
	var out []kensho.StatTable
	for _, sp := range specs {
		t := kensho.StatTable{Name: sp.name, Title: kensho.Text{Ja: sp.name, En: sp.name}, Page: "overview", Chart: "table", Filter: sp.filter}
		for _, d := range sp.dims {
			t.Dims = append(t.Dims, kensho.Dim{Name: d, Title: kensho.Text{Ja: d, En: d}})
		}
		for _, m := range sp.mags {
			t.Measures = append(t.Measures, kensho.Measure{Name: string(m), Title: kensho.Text{Ja: string(m), En: string(m)}, Magnitude: m})
		}
		if sp.derived {
			t.Measures = append(t.Measures, kensho.Measure{Name: "users_per_accident", Title: kensho.Text{Ja: "1件あたり利用者数", En: "users per accident"}, Decimals: 1})
		}
		domains := make([][]string, len(sp.dims))
		for i, d := range sp.dims {
			domains[i] = domainOf(tb, db, d)
			if !sp.perYearOnly || d != "fiscal_year" {
				domains[i] = append(domains[i], kensho.Total)
			}
		}
		// Every combination, in code-list order with Total last.
		var keys [][]string
		var rec func(i int, cur []string)
		rec = func(i int, cur []string) {
			if i == len(domains) {
				keys = append(keys, append([]string(nil), cur...))
				return
			}
			for _, v := range domains[i] {
				rec(i+1, append(cur, v))
			}
		}
		rec(0, nil)
		type acc struct {
			by map[int32][3]float64
		}
		cells := map[string]*acc{}
		k := len(sp.dims)
		var sets []string
		for mask := 0; mask < 1<<k; mask++ {
			var s []string
			for i := 0; i < k; i++ {
				if mask&(1<<i) != 0 {
					s = append(s, sp.dims[i])
				}
			}
			sets = append(sets, "("+strings.Join(append(s, "op_key"), ",")+")")
		}
		var sel []string
		for _, d := range sp.dims {
			sel = append(sel, fmt.Sprintf("GROUPING(%s), CAST(%s AS VARCHAR)", d, d))
		}
		where := "TRUE"
		for _, d := range sortedFilterKeys(sp.filter) {
			where += fmt.Sprintf(" AND CAST(%s AS VARCHAR) = '%s'", d, sp.filter[d])
		}
		q := fmt.Sprintf(`SELECT %s, op_key, count(*)::DOUBLE, sum(affected_users)::DOUBLE, (sum(affected_users::HUGEINT * duration_min) / 60)::DOUBLE
			FROM deid_accident WHERE %s GROUP BY GROUPING SETS (%s)`, strings.Join(sel, ", "), where, strings.Join(sets, ", "))
		rows, err := db.Query(q)
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			g := make([]int, k)
			v := make([]sql.NullString, k)
			dest := []any{}
			for i := 0; i < k; i++ {
				dest = append(dest, &g[i], &v[i])
			}
			var op int32
			var m [3]float64
			dest = append(dest, &op, &m[0], &m[1], &m[2])
			if err := rows.Scan(dest...); err != nil {
				tb.Fatal(err)
			}
			key := make([]string, k)
			skip := false
			for i := 0; i < k; i++ {
				switch {
				case g[i] == 1:
					key[i] = kensho.Total
				case v[i].Valid:
					key[i] = v[i].String
				default:
					skip = true
				}
			}
			if skip {
				continue
			}
			ks := strings.Join(key, "|")
			a := cells[ks]
			if a == nil {
				a = &acc{by: map[int32][3]float64{}}
				cells[ks] = a
			}
			x := a.by[op]
			for j := range m {
				x[j] += m[j]
			}
			a.by[op] = x
		}
		rows.Close()
		for _, key := range keys {
			a := cells[strings.Join(key, "|")]
			if a == nil && sp.omitZeroRows {
				total := false
				for _, kk := range key {
					total = total || kk == kensho.Total
				}
				if !total {
					continue
				}
			}
			row := kensho.Row{Key: key}
			for _, m := range sp.mags {
				j := map[kensho.Magnitude]int{kensho.MagAccidents: 0, kensho.MagAffectedUsers: 1, kensho.MagUserHours: 2}[m]
				c := kensho.Cell{}
				if a != nil {
					ops := make([]int32, 0, len(a.by))
					for op := range a.by {
						ops = append(ops, op)
					}
					sort.Slice(ops, func(x, y int) bool { return ops[x] < ops[y] }) // sums in a fixed order
					for _, op := range ops {
						c.Value += a.by[op][j]
					}
					for _, op := range ops {
						if a.by[op][j] != 0 || m == kensho.MagAccidents {
							c.Contrib = append(c.Contrib, kensho.Contribution{Op: op, Value: a.by[op][j]})
						}
					}
				}
				row.Cells = append(row.Cells, c)
			}
			if sp.derived {
				ri := len(t.Rows)
				c := kensho.Cell{Status: kensho.NotApplicable}
				if row.Cells[0].Value > 0 {
					c = kensho.Cell{Value: row.Cells[1].Value / row.Cells[0].Value,
						DependsOn: []kensho.CellRef{{Table: sp.name, Row: ri, Measure: 0}, {Table: sp.name, Row: ri, Measure: 1}}}
				}
				row.Cells = append(row.Cells, c)
			}
			t.Rows = append(t.Rows, row)
		}
		for _, y := range domainOf(tb, db, "fiscal_year") {
			fy, _ := strconv.Atoi(y)
			t.FiscalYears = append(t.FiscalYears, fy)
		}
		out = append(out, t)
	}
	return out
}

func sortedFilterKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fxDB builds a restricted database with the fixture, de-identified.
func fxDB(tb testing.TB, spec fxSpec) (*sql.DB, []fxOperator, []fxAccident) {
	tb.Helper()
	db := duck.MustOpenMemory(tb)
	ops, acc := fxGenerate(spec)
	fxLoad(tb, db, ops, acc)
	if err := Deidentify(context.Background(), db, 3); err != nil {
		tb.Fatal(err)
	}
	return db, ops, acc
}

// fiscalQuarterOf is the fiscal quarter in which t falls, read in JST.
// fullRun reports whether the property tests run at full size
// (KENSHO_FULL=1, as make property does); by default, in make test and
// CI, each runs its first case only.
func fullRun() bool { return os.Getenv("KENSHO_FULL") == "1" }

// needFull skips a test whose protection and audit take minutes of CPU
// on the new model unless KENSHO_FULL=1 (make property).
func needFull(t *testing.T) {
	t.Helper()
	if !fullRun() {
		t.Skip("minutes of CPU in protect and the audit; KENSHO_FULL=1 (make property) runs it")
	}
}

// protectFx runs Protect as a build would on the fixture, released at
// the end of FY2025's first half.
func protectFx(ctx context.Context, db *sql.DB, tables []kensho.StatTable, extracts []kensho.Extract, cfg Config) (*Protected, error) {
	return Protect(ctx, db, tables, extracts, cfg, Options{ReleaseDate: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)})
}

func fiscalQuarterOf(t time.Time) kensho.FiscalQuarter {
	t = t.In(kensho.JST)
	if t.Month() < time.April {
		return kensho.FiscalQuarter{Year: t.Year() - 1, Quarter: 4}
	}
	return kensho.FiscalQuarter{Year: t.Year(), Quarter: int(t.Month()-time.April)/3 + 1}
}
