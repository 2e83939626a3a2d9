package anonymize

// Property tests on random data with many operators of very different
// sizes: every published cell and microdata class meets the rules, the audit
// finds no suppressed cell recoverable, and no raw identifier reaches any
// output. The checks here are written a third time, as plainly as possible,
// so they do not lean on either the suppression or the audit code.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho"
)

// buildOutputs runs the whole stage and returns every output file it wrote.
func buildOutputs(t testing.TB, db *sql.DB, tables []kensho.StatTable, extracts []kensho.Extract, cfg Config, dir string) (*Protected, []string) {
	t.Helper()
	ctx := context.Background()
	p, err := protectFx(ctx, db, tables, extracts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rel := &kensho.Release{Version: "test", BuildDate: "2026-01-01", Tables: p.Tables, Risk: p.Risk.Public(), Extracts: p.Extracts,
		Summary: kensho.Text{Ja: "要約", En: "summary"}}
	releasePath := filepath.Join(dir, "kensho.release.duckdb")
	if err := Publish(ctx, db, releasePath, rel, p); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadRelease(ctx, releasePath)
	if err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(dir, "site")
	if err := ExportExtracts(ctx, releasePath, site); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(loaded)
	if err != nil {
		t.Fatal(err)
	}
	files := []string{releasePath, filepath.Join(dir, "release.json"), filepath.Join(dir, "risk.json"), filepath.Join(dir, "risk.ja.md"), filepath.Join(dir, "risk.en.md")}
	var risk bytes.Buffer
	if err := p.Risk.WriteJSON(&risk); err != nil {
		t.Fatal(err)
	}
	for path, b := range map[string][]byte{files[1]: js, files[2]: risk.Bytes(), files[3]: []byte(rel.Risk.Ja), files[4]: []byte(rel.Risk.En)} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range p.Extracts {
		for _, ext := range []string{".csv", ".parquet"} {
			files = append(files, filepath.Join(site, ExtractFile(e.Name)+ext))
		}
	}
	return p, files
}

func TestPropertyRandomData(t *testing.T) {
	needFull(t)
	cases := []fxSpec{
		{operators: 25, perYear: 300, years: []int{2023, 2024}, seed: 11, skew: 1.3},
		{operators: 60, perYear: 500, years: []int{2024}, seed: 12, skew: 0.8},
		{operators: 12, perYear: 150, years: []int{2021, 2022, 2023}, seed: 13, skew: 1.6},
		{operators: 40, perYear: 400, years: []int{2014, 2015}, seed: 14, skew: 1.1}, // crosses the 2015 rule change
	}
	if !fullRun() {
		cases = cases[:1]
	}
	for _, spec := range cases {
		t.Run(fmt.Sprintf("seed%d", spec.seed), func(t *testing.T) {
			db, ops, _ := fxDB(t, spec)
			rng := rand.New(rand.NewPCG(spec.seed, 1))
			specs := append([]tableSpec(nil), reportSpecs...)
			rng.Shuffle(len(specs), func(i, j int) { specs[i], specs[j] = specs[j], specs[i] })
			tables := buildTables(t, db, specs)
			cfg := DefaultConfig()
			if spec.seed%2 == 0 {
				cfg.P = 15
				cfg.Dominance = []NKRule{{N: 2, K: 90}}
			}
			p, files := buildOutputs(t, db, tables, nil, cfg, t.TempDir())
			checkPublishedCells(t, cfg, tables, p.Tables)
			checkNoIdentifiers(t, files, operatorStrings(ops))
			a := p.Risk.Audit
			if !a.Passed || (a.MinRatio != nil && *a.MinRatio < 1) || (a.MinInsiderRatio != nil && *a.MinInsiderRatio < 1) {
				t.Errorf("audit: passed %v, min ratio %v, insider %v", a.Passed, a.MinRatio, a.MinInsiderRatio)
			}
		})
	}
}

// checkPublishedCells: every published non-zero additive cell has at least
// MinOperators operators and passes the p%-rule and the (n,k) rules, every
// cell not published carries no value, and a derived cell is published only
// with all it depends on.
func checkPublishedCells(t *testing.T, cfg Config, in, out []kensho.StatTable) {
	t.Helper()
	status := map[kensho.CellRef]kensho.CellStatus{}
	for _, tb := range out {
		for ri, r := range tb.Rows {
			for mi, c := range r.Cells {
				status[kensho.CellRef{Table: tb.Name, Row: ri, Measure: mi}] = c.Status
			}
		}
	}
	for ti, tb := range out {
		for ri, r := range tb.Rows {
			for mi, c := range r.Cells {
				src := in[ti].Rows[ri].Cells[mi]
				where := fmt.Sprintf("%s row %v measure %s", tb.Name, r.Key, tb.Measures[mi].Name)
				if c.Status != kensho.Published {
					if c.Value != 0 {
						t.Errorf("%s: not published but holds %g", where, c.Value)
					}
					continue
				}
				if !tb.Measures[mi].Additive() {
					for _, d := range src.DependsOn {
						if status[d] != kensho.Published {
							t.Errorf("%s: derived cell published although %v is not", where, d)
						}
					}
					continue
				}
				if c.Value != src.Value {
					t.Errorf("%s: published %g, computed %g", where, c.Value, src.Value)
				}
				if src.Value == 0 {
					continue
				}
				var v []float64
				for _, k := range src.Contrib {
					if k.Value > 0 {
						v = append(v, k.Value)
					}
				}
				sort.Sort(sort.Reverse(sort.Float64Slice(v)))
				v = append(v, 0, 0)
				if len(v)-2 < cfg.MinOperators {
					t.Errorf("%s: published with %d operators", where, len(v)-2)
				}
				if src.Value-v[0]-v[1] < cfg.P/100*v[0] {
					t.Errorf("%s: published although it fails the p%%-rule", where)
				}
				for _, nk := range cfg.Dominance {
					s := 0.0
					for i := 0; i < nk.N && i < len(v); i++ {
						s += v[i]
					}
					if s > nk.K/100*src.Value {
						t.Errorf("%s: published although it fails the (%d,%g) rule", where, nk.N, nk.K)
					}
				}
			}
		}
	}
}

// checkExtractClasses: every class of identical values released in an
// extract holds every record of its class and has enough operators.
func checkExtractClasses(t *testing.T, db *sql.DB, cfg Config, extracts []kensho.Extract) {
	t.Helper()
	for _, e := range extracts {
		var cols []string
		for _, f := range e.FieldNames() {
			if f == "fiscal_year" {
				cols = append(cols, f)
			} else {
				cols = append(cols, fmt.Sprintf("CAST(%q AS VARCHAR) AS %q", f, f))
			}
		}
		fields := strings.Join(e.FieldNames(), ", ")
		q := fmt.Sprintf(`WITH d AS (SELECT op_key, %s FROM deid_accident),
			k AS (SELECT %s, count(DISTINCT op_key) AS ops, count(*) AS n FROM d GROUP BY ALL),
			x AS (SELECT %s, count(*) AS n FROM %s GROUP BY ALL)
			SELECT count(*) FILTER (WHERE k.ops < $1 OR k.n <> x.n), count(*) FROM x JOIN k USING (%s)`,
			strings.Join(cols, ", "), fields, fields, "extract_"+e.Name, fields)
		var bad, classes int
		if err := db.QueryRow(q, cfg.MinOperators).Scan(&bad, &classes); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("extract %s: %d of %d released classes break the rules or miss records", e.Name, bad, classes)
		}
	}
}

// operatorStrings lists what must never be published of the fixture's
// operators.
func operatorStrings(ops []fxOperator) []string {
	var out []string
	for _, o := range ops {
		out = append(out, o.id, o.name, strings.TrimSuffix(o.name, "株式会社"), o.contactName, o.contact, o.partner, o.vendor, o.site)
		out = append(out, strings.Fields(o.contact)...)
	}
	return out
}

// checkNoIdentifiers scans every byte of every output file.
func checkNoIdentifiers(t *testing.T, files []string, ids []string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if id != "" && bytes.Contains(b, []byte(id)) {
				t.Errorf("%s contains the identifier %q", filepath.Base(f), id)
			}
		}
	}
}
