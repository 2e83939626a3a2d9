package synth

import (
	"bytes"
	"context"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func generate(t *testing.T, cfg Config) (string, *Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := Generate(context.Background(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

// Every row synth writes without Errors passes every rule of the contract,
// in every format and layout, and the summary agrees with what is in the
// files.
func TestRowsAreValid(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"csv submissions", Config{Seed: 1, From: 2019, To: 2020, Scale: 0.01, Format: "csv", Layout: "operator"}},
		{"cp932 exports", Config{Seed: 2, From: 2014, To: 2015, Scale: 0.01, Format: "cp932", Layout: "export"}},
		{"xlsx submissions", Config{Seed: 3, From: 2021, To: 2021, Scale: 0.01, Format: "xlsx", Layout: "operator", Corrections: 0.05}},
		{"xlsx exports", Config{Seed: 4, From: 2022, To: 2022, Scale: 0.005, Format: "xlsx", Layout: "export"}},
		{"the sample's mix", Config{Seed: 5, From: 2014, To: 2016, Scale: 0.02, Format: "mixed", Layout: "mixed", Corrections: 0.03}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, sum := generate(t, tt.cfg)
			cur, invalid, corrections := loadValid(t, dir)
			for i, r := range invalid {
				if i < 5 {
					_, errs := validate(r)
					t.Errorf("%s row %d: %v", r.file, r.row, errs)
				}
			}
			if len(invalid) > 0 {
				t.Fatalf("%d invalid rows, want 0", len(invalid))
			}
			if got, want := int64(len(cur)), sum.Accidents; got != want {
				t.Errorf("accidents in files = %d, summary says %d", got, want)
			}
			if got, want := int64(corrections), sum.Corrections; got != want {
				t.Errorf("corrections in files = %d, summary says %d", got, want)
			}
			if tt.cfg.Corrections > 0 && corrections == 0 {
				t.Errorf("no corrections written")
			}
			for _, p := range cur {
				f := p.raw.fields
				if p.form == "simplified" {
					for _, fl := range []string{"site_location", "vendor_model", "partner_operator", "critical_infra_users", "disaster_name", "summary", "prevention"} {
						if f[fl] != "" {
							t.Errorf("%s row %d: simplified form fills %s = %q", p.raw.file, p.raw.row, fl, f[fl])
						}
					}
				}
				if p.cyber != (p.cause == "cyber_attack") {
					t.Errorf("%s row %d: cyber_attack %v with cause %s", p.raw.file, p.raw.row, p.cyber, p.cause)
				}
			}
		})
	}
}

// The sample's mix has every format the contract allows: UTF-8 CSV with and
// without BOM, CP932 CSV, XLSX with a title block (some with the report on
// a second sheet named 報告).
func TestMixedFormats(t *testing.T) {
	dir, sum := generate(t, Config{Seed: 20261124, From: 2015, To: 2016, Scale: 0.02, Format: "mixed", Layout: "mixed"})
	kinds := map[string]int{}
	for _, rel := range sum.Files {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(rel, ".xlsx"):
			kinds["xlsx"]++
		case bytes.HasPrefix(b, []byte("\uFEFF")):
			kinds["utf-8 bom"]++
		case utf8.Valid(b):
			kinds["utf-8"]++
		default:
			kinds["cp932"]++
		}
	}
	for _, k := range []string{"xlsx", "utf-8 bom", "utf-8", "cp932"} {
		if kinds[k] == 0 {
			t.Errorf("no %s file among %v", k, kinds)
		}
	}
	rows, err := readFile(filepath.Join(dir, firstWith(sum.Files, ".xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].row < 3 {
		t.Errorf("XLSX data starts on row %d; want a title block above the header", rows[0].row)
	}
}

func firstWith(files []string, suffix string) string {
	for _, f := range files {
		if strings.HasSuffix(f, suffix) {
			return f
		}
	}
	return ""
}

// The same config gives byte-identical files (XLSX included); another seed
// gives other files.
func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 42, From: 2023, To: 2024, Scale: 0.01, Format: "mixed", Layout: "mixed", Corrections: 0.05, Errors: 0.02}
	a, sa := generate(t, cfg)
	b, sb := generate(t, cfg)
	if diff := cmp.Diff(sa, sb); diff != "" {
		t.Fatalf("summaries differ (-first +second):\n%s", diff)
	}
	for _, rel := range sa.Files {
		x, err := os.ReadFile(filepath.Join(a, rel))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
	}
	cfg.Seed = 43
	_, sc := generate(t, cfg)
	if cmp.Equal(sa.RowsByYearForm, sc.RowsByYearForm) && cmp.Equal(sa.Files, sc.Files) {
		t.Errorf("seeds 42 and 43 gave the same output")
	}
}

// published holds the targets of the issue.
var published = map[YearForm]float64{
	{2012, "full"}: 8201, {2012, "simplified"}: 48030,
	{2015, "full"}: 6188, {2015, "simplified"}: 54022,
}

// At --scale 1 the generated distributions are near the published ones:
// volumes by year and form, the full form's cause-group shares, the share
// of accidents under 500 users, the number of reporting operators, and a
// handful of serious accidents a year. Counted from the files, not from the
// generator's own summary.
func TestDistributions(t *testing.T) {
	years := []int{2012, 2015}
	if testing.Short() {
		years = []int{2015}
	}
	for _, fy := range years {
		t.Run(time.Date(fy, 4, 1, 0, 0, 0, 0, time.UTC).Format("FY2006"), func(t *testing.T) {
			t.Parallel()
			dir, _ := generate(t, Config{Seed: 7, From: fy, To: fy, Scale: 1, Layout: "export"})
			cur, invalid, _ := loadValid(t, dir)
			if len(invalid) > 0 {
				t.Fatalf("%d invalid rows", len(invalid))
			}
			count := map[string]int{}
			ops := map[string]map[string]bool{"full": {}, "simplified": {}}
			groups := map[string]int{}
			under500, serious := 0, 0
			for _, p := range cur {
				count[p.form]++
				ops[p.form][p.operatorID] = true
				if p.form == "full" {
					groups[p.causeGroup]++
				}
				if p.users < 500 {
					under500++
				}
				if kensho.MeetsSeriousCriteria(p.thresholds()) {
					serious++
				}
			}
			for _, form := range []string{"full", "simplified"} {
				want, ok := published[YearForm{fy, form}]
				if !ok {
					want = annualVolume(fy, formIndex(form))
				}
				if got := float64(count[form]); math.Abs(got-want)/want > 0.06 {
					t.Errorf("%s reports = %.0f, want %.0f ± 6%%", form, got, want)
				}
			}
			if count["full"] < 6000 || count["full"] > 9000 {
				t.Errorf("full-form reports = %d, want 6,000–9,000", count["full"])
			}
			share := func(g string) float64 { return float64(groups[g]) / float64(count["full"]) }
			for g, want := range map[string]float64{"equipment": 0.48, "external": 0.47, "human": 0.05} {
				if got := share(g); math.Abs(got-want) > 0.03 {
					t.Errorf("full form %s share = %.3f, want %.2f ± 0.03", g, got, want)
				}
			}
			if got := float64(under500) / float64(len(cur)); got < 0.85 || got > 0.91 {
				t.Errorf("share under 500 users = %.3f, want 0.88 ± 0.03", got)
			}
			if n := len(ops["full"]); n < 105 || n > 140 {
				t.Errorf("full-form reporting operators = %d, want about 120 (105–140)", n)
			}
			if n := len(ops["simplified"]); n < 30 || n > 40 {
				t.Errorf("simplified-form reporting operators = %d, want about 35 (30–40)", n)
			}
			if serious < 2 || serious > 20 {
				t.Errorf("accidents meeting the serious criteria = %d, want a handful (2–20)", serious)
			}
		})
	}
}

func formIndex(code string) int {
	if code == "simplified" {
		return formSimplified
	}
	return formFull
}

// Durations and affected users are heavy-tailed: minutes to days, a few
// users to millions; the population is heavy-tailed too.
func TestTails(t *testing.T) {
	dir, _ := generate(t, Config{Seed: 11, From: 2018, To: 2019, Scale: 0.3, Layout: "export"})
	cur, _, _ := loadValid(t, dir)
	var durs, users []int64
	for _, p := range cur {
		durs = append(durs, p.duration)
		users = append(users, p.users)
	}
	q := func(xs []int64, f float64) int64 {
		s := append([]int64(nil), xs...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[int(f*float64(len(s)-1))]
	}
	if lo, hi := q(durs, 0.01), q(durs, 0.999); lo > 60 || hi < 24*60 {
		t.Errorf("duration 1st percentile %d min, 99.9th %d min; want minutes to days", lo, hi)
	}
	if hi := q(users, 1); hi < 1_000_000 {
		t.Errorf("largest accident affects %d users; want a tail into millions", hi)
	}
}

// Storms cluster in July–October, snow in January–February in the snowy
// regions, and an earthquake hits many operators in one region on one day
// under one 災害名.
func TestSeasonsAndEvents(t *testing.T) {
	dir, _ := generate(t, Config{Seed: 20261124, From: 2013, To: 2024, Scale: 0.04, Layout: "export"})
	cur, _, _ := loadValid(t, dir)
	natural := map[time.Month]int{}
	snowy := map[string]bool{"hokkaido": true, "tohoku": true, "hokuriku": true, "shinetsu": true}
	snowNatural := map[time.Month]int{}
	type quake struct {
		ops  map[string]bool
		days map[string]int
		regs map[string]bool
		n    int
	}
	quakes := map[string]*quake{}
	for _, p := range cur {
		m := p.occurred.Month()
		if p.cause == "natural_disaster" {
			natural[m]++
			if len(p.prefs) > 0 && snowy[regionOf(p.prefs)] {
				snowNatural[m]++
			}
		}
		switch {
		case strings.Contains(p.disaster, "台風"):
			if m < 7 || m > 10 {
				t.Errorf("typhoon %s in month %d", p.disaster, m)
			}
		case strings.HasSuffix(p.disaster, "豪雨"):
			if m < 6 || m > 9 {
				t.Errorf("heavy rain %s in month %d", p.disaster, m)
			}
		case strings.HasSuffix(p.disaster, "地震"):
			qk := quakes[p.disaster]
			if qk == nil {
				qk = &quake{ops: map[string]bool{}, days: map[string]int{}, regs: map[string]bool{}}
				quakes[p.disaster] = qk
			}
			qk.n++
			qk.ops[p.operatorID] = true
			qk.days[p.occurred.Format("2006-01-02")]++
			for _, pr := range p.prefs {
				qk.regs[kensho.Prefectures.Get(pr).Attr["region"]] = true
			}
		}
	}
	perDay := func(c map[time.Month]int, months ...time.Month) float64 {
		n, d := 0, 0
		for _, m := range months {
			n += c[m]
			d += daysIn[m]
		}
		return float64(n) / float64(d)
	}
	storm := perDay(natural, 7, 8, 9, 10)
	calm := perDay(natural, 11, 12, 3, 4, 5)
	if storm < 2*calm {
		t.Errorf("natural-disaster accidents per day: Jul–Oct %.2f, Nov–Dec/Mar–May %.2f; want a clear storm season", storm, calm)
	}
	if w, s := perDay(snowNatural, 1, 2), perDay(snowNatural, 3, 4, 5, 11); w < 1.5*s {
		t.Errorf("natural-disaster accidents per day in snowy regions: Jan–Feb %.2f, Mar–May/Nov %.2f; want a snow season", w, s)
	}
	if len(quakes) == 0 {
		t.Fatal("no earthquake in twelve years")
	}
	for name, qk := range quakes {
		top := 0
		for _, n := range qk.days {
			top = max(top, n)
		}
		if len(qk.ops) < 5 || len(qk.regs) != 1 || float64(top) < 0.4*float64(qk.n) {
			t.Errorf("%s: %d operators, regions %v, %d of %d accidents on its main day; want many operators, one region, one day",
				name, len(qk.ops), qk.regs, top, qk.n)
		}
	}
}

// --errors gives exactly the summary's number of invalid rows, with every
// kind of mistake.
func TestErrors(t *testing.T) {
	dir, sum := generate(t, Config{Seed: 9, From: 2022, To: 2022, Scale: 0.05, Format: "mixed", Layout: "operator", Errors: 0.05})
	_, invalid, _ := loadValid(t, dir)
	if got, want := int64(len(invalid)), sum.ErrorRows; got != want || want == 0 {
		t.Errorf("invalid rows = %d, summary says %d mistakes (want equal and > 0)", got, want)
	}
	for _, k := range ErrorKinds {
		if sum.ErrorsByKind[k] == 0 {
			t.Errorf("no mistake of kind %s", k)
		}
	}
	if r := float64(sum.ErrorRows) / float64(sum.Rows); math.Abs(r-0.05) > 0.015 {
		t.Errorf("mistake rate = %.3f, want 0.05", r)
	}
}

// Free text and equipment details carry what anonymization must remove:
// operator names in summaries, building names, models that only one
// operator runs. Operators offer only what they really can: no cable
// operator reports a base station.
func TestIdentifyingDetails(t *testing.T) {
	cfg := Config{Seed: 3, From: 2020, To: 2021, Scale: 0.1, Layout: "export"}
	dir, _ := generate(t, cfg)
	cur, _, _ := loadValid(t, dir)
	pop := newPopulation(cfg.Seed, 0)
	kindOf := map[string]string{}
	for _, op := range pop.ops {
		kindOf[op.id] = op.kind.code
	}
	modelOps := map[string]map[string]bool{}
	nameInSummary, sites := 0, 0
	for _, p := range cur {
		f := p.raw.fields
		if kindOf[p.operatorID] == "cable" && p.equipment == "radio_base" {
			t.Errorf("cable operator %s reports a base station", f["operator_name"])
		}
		if strings.Contains(f["summary"], f["operator_name"]) {
			nameInSummary++
		}
		if f["site_location"] != "" {
			sites++
		}
		if m := f["vendor_model"]; m != "" {
			if modelOps[m] == nil {
				modelOps[m] = map[string]bool{}
			}
			modelOps[m][p.operatorID] = true
		}
	}
	unique := 0
	for _, ops := range modelOps {
		if len(ops) == 1 {
			unique++
		}
	}
	if nameInSummary == 0 || sites == 0 || unique == 0 {
		t.Errorf("summaries naming their operator %d, site locations %d, models used by one operator %d; want all > 0", nameInSummary, sites, unique)
	}
}

// Operator, vendor and person names are fictional: none carries a real
// carrier's or maker's name.
func TestNamesAreFictional(t *testing.T) {
	real := []string{"NTT", "ドコモ", "docomo", "KDDI", "au", "ソフトバンク", "SoftBank", "楽天", "Rakuten", "J:COM",
		"ジェイコム", "イッツ", "オプテージ", "OPTAGE", "QTNet", "Cisco", "シスコ", "Juniper", "Huawei", "Ericsson", "Nokia",
		"NEC", "富士通", "日立", "Fujitsu", "Hitachi", "IIJ", "ニフティ", "BIGLOBE", "ビッグローブ", "So-net", "OCN", "ぷらら"}
	pop := newPopulation(1, 0)
	var names []string
	for _, op := range pop.ops {
		names = append(names, op.name, op.mail)
		for _, ms := range op.models {
			names = append(names, ms...)
		}
	}
	for _, n := range names {
		for _, r := range real {
			if strings.Contains(strings.ToLower(n), strings.ToLower(r)) && !fictionalFalsePositive(n, r) {
				t.Errorf("%q contains the real name %q", n, r)
			}
		}
	}
	for _, op := range pop.ops {
		if !strings.HasSuffix(op.mail, ".example") {
			t.Errorf("%s: mail %s not under the reserved .example domain", op.name, op.mail)
		}
	}
	if got := len(pop.ops); got != DefaultOperators() {
		t.Errorf("default population = %d, want %d", got, DefaultOperators())
	}
}

// "au" is a common substring of romanized words (e.g. "kaede"); only flag
// it as a whole word.
func fictionalFalsePositive(name, realName string) bool {
	if realName != "au" {
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		if w == "au" {
			return false
		}
	}
	return true
}

// --operators resizes the population and still splits the same volume.
func TestOperators(t *testing.T) {
	for _, n := range []int{1, 12, 40, 400} {
		got := 0
		for _, c := range kindCounts(n) {
			got += c
		}
		if got != n {
			t.Errorf("kindCounts(%d) sums to %d", n, got)
		}
	}
	var buf bytes.Buffer
	cfg := Config{Seed: 1, From: 2020, To: 2020, Scale: 0.05, Operators: 400}
	n, err := WriteRows(context.Background(), cfg, 0, &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.05 * (annualVolume(2020, formFull) + annualVolume(2020, formSimplified))
	if math.Abs(float64(n)-want)/want > 0.1 {
		t.Errorf("400 operators wrote %d rows, want about %.0f", n, want)
	}
}

// WriteRows writes exactly n rows, past cfg.To when it must, all valid.
func TestWriteRows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rows.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Seed: 5, From: 2024, To: 2024, Scale: 0.01}
	n, err := WriteRows(context.Background(), cfg, 1500, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if n != 1500 {
		t.Errorf("WriteRows returned %d, want 1500", n)
	}
	cur, invalid, _ := loadValid(t, dir)
	if len(cur) != 1500 || len(invalid) != 0 {
		t.Errorf("file has %d valid and %d invalid rows, want 1500 and 0", len(cur), len(invalid))
	}
	if last := cur[len(cur)-1].fy; last <= 2024 {
		t.Errorf("last row in FY%d; 1,500 rows at scale 0.01 need years past FY2024", last)
	}
}

// A small fixed output, reviewed like code: any change to what synth writes
// shows up as a diff (regenerate with go test ./synth -update).
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	cfg := Config{Seed: 20261124, From: 2019, To: 2019, Scale: 0.01, Errors: 0.05}
	if _, err := WriteRows(context.Background(), cfg, 40, &buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "writerows.golden.csv")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("WriteRows output differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{From: 2005, To: 2010}, "fiscal years"},
		{Config{From: 2020, To: 2019}, "fiscal years"},
		{Config{Scale: -1}, "scale"},
		{Config{Format: "ods"}, "format"},
		{Config{Layout: "flat"}, "layout"},
		{Config{Errors: 2}, "errors"},
		{Config{Corrections: -0.1}, "corrections"},
		{Config{Operators: -3}, "operators"},
	}
	for _, tt := range tests {
		_, err := Generate(context.Background(), tt.cfg, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Generate(%+v) = %v, want an error about %s", tt.cfg, err, tt.want)
		}
	}
}

// Generate never overwrites: a second run into the same directory fails
// and names the file.
func TestNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Seed: 1, From: 2024, To: 2024, Scale: 0.005, Layout: "export"}
	if _, err := Generate(context.Background(), cfg, dir); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(context.Background(), cfg, dir)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Generate = %v, want an 'already exists' error", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := WriteRows(ctx, Config{Seed: 1, Scale: 1}, 0, io.Discard)
	if err == nil {
		t.Error("WriteRows with a cancelled context succeeded")
	}
}

// BenchmarkWriteRows measures the streaming generator; run with -benchmem:
// allocations per row stay flat as n grows (the memory bound).
func BenchmarkWriteRows(b *testing.B) {
	cfg := Config{Seed: 1, From: 2015, To: 2024, Scale: 2}
	const n = 100_000
	for b.Loop() {
		if _, err := WriteRows(context.Background(), cfg, n, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkXLSXSubmissions measures the per-operator XLSX path.
func BenchmarkXLSXSubmissions(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		if _, err := Generate(context.Background(), Config{Seed: 1, From: 2024, To: 2024, Scale: 0.2, Format: "xlsx"}, dir); err != nil {
			b.Fatal(err)
		}
	}
}

// regionOf is the bureau area of prefectures that all lie in one, else
// "multi" (deidentify's rule, for prefectures only).
func regionOf(prefs []string) string {
	region := ""
	for _, p := range prefs {
		r := kensho.Prefectures.Get(p).Attr["region"]
		if region != "" && r != region {
			return "multi"
		}
		region = r
	}
	return region
}
