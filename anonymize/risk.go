package anonymize

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/audit"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/protect"
	"github.com/kensho-jp/kensho/sdc/rules"
)

// RiskReport is the disclosure-risk report of one run. The internal JSON
// (WriteJSON) holds parameters, counts and audit ratios and is never
// published; Public is the summary for the methodology page, without
// parameter values or intervals.
type RiskReport struct {
	Parameters Config        `json:"parameters"`
	Tables     []TableRisk   `json:"tables"`
	Overall    OverallRisk   `json:"overall"`
	Extracts   []ExtractRisk `json:"extracts"`
	Model      ModelSummary  `json:"model"`
	Audit      AuditSummary  `json:"audit"`
	// WithheldYears are the fiscal years left out of the release whole
	// (WithholdUnsafeYears), never null.
	WithheldYears []WithheldYear `json:"withheld_fiscal_years"`
}

// TableRisk counts one table's additive cells by outcome, and what the
// suppression cost.
type TableRisk struct {
	Name            string         `json:"name"`
	Cells           int            `json:"cells"`
	ZeroCells       int            `json:"zero_cells"`
	PrimaryByRule   map[string]int `json:"primary_by_rule"`
	Secondary       int            `json:"secondary"`
	Suppressed      int            `json:"suppressed"`
	ShareSuppressed float64        `json:"share_suppressed"`
	// ValueSuppressed is the share of the table's value (its cells' sum,
	// per magnitude) that lies in suppressed cells.
	ValueSuppressed map[kensho.Magnitude]float64 `json:"value_suppressed"`
	DerivedCells    int                          `json:"derived_cells"`
	DerivedHidden   int                          `json:"derived_suppressed"`
	// MinAuditRatio is the least ratio, over the table's primary cells, of
	// the interval the audit found to the protection required (≥ 1 passes;
	// 2 means at least 2), outside readers and operators together.
	MinAuditRatio *float64 `json:"min_audit_ratio,omitempty"`
}

// OverallRisk sums the tables.
type OverallRisk struct {
	Cells           int                          `json:"cells"`
	PrimaryByRule   map[string]int               `json:"primary_by_rule"`
	Secondary       int                          `json:"secondary"`
	Suppressed      int                          `json:"suppressed"`
	ShareSuppressed float64                      `json:"share_suppressed"`
	ValueSuppressed map[kensho.Magnitude]float64 `json:"value_suppressed"`
	// TotalsKept is the share of the yearly totals (a year, a form and
	// year) published.
	TotalsKept float64 `json:"totals_kept"`
}

// ExtractRisk describes one microdata extract and what protecting it cost
// researchers.
type ExtractRisk struct {
	Name          string  `json:"name"`
	Records       int     `json:"records"`
	Released      int     `json:"released"`
	Withheld      int     `json:"withheld"`
	ShareWithheld float64 `json:"share_withheld"`
	// Starred of the released records have their Star fields starred.
	Starred      int     `json:"starred"`
	ShareStarred float64 `json:"share_starred"`
	Classes      int     `json:"classes"`
	// ClassesReleased and ClassesWithheld count non-empty classes.
	ClassesReleased int `json:"classes_released"`
	ClassesWithheld int `json:"classes_withheld"`
	// Fields: each field's share of records released with it (at its
	// published level, not starred) and the total variation distance
	// between its published and its true distribution.
	Fields []FieldUtility `json:"fields"`
	// Pairs: the same distance for the crossings researchers make.
	Pairs []PairUtility `json:"pairs,omitempty"`
}

// FieldUtility is what one field of an extract keeps.
type FieldUtility struct {
	Field         string  `json:"field"`
	Level         int     `json:"level"` // 0: the published dimension itself
	ShareReleased float64 `json:"share_released"`
	TV            float64 `json:"total_variation"`
}

// PairUtility is the distance between the published and the true joint
// distribution of two fields.
type PairUtility struct {
	Fields [2]string `json:"fields"`
	TV     float64   `json:"total_variation"`
}

// utilityPairs are the crossings a researcher makes, measured when an
// extract holds both fields.
var utilityPairs = [][2]string{
	{"cause_group", "service_category"},
	{"duration_band", "users_band"},
	{"equipment_class", "cause_group"},
}

// ModelSummary describes the disclosure model.
type ModelSummary struct {
	Components  int      `json:"components"`
	Cliques     int      `json:"cliques"`
	Atoms       int      `json:"atoms"`
	Columns     int      `json:"columns"`
	StructZeros int      `json:"structural_zero_cells"`
	Quantiles   int      `json:"quantiles"`
	Relations   []string `json:"relations"`
	Rounds      int      `json:"protect_rounds"`
	Programmes  int      `json:"protect_programmes"`
}

// AuditSummary is what the audit did and found.
type AuditSummary struct {
	Passed          bool     `json:"passed"`
	Failures        []string `json:"failures,omitempty"`
	Hidden          int      `json:"hidden_checked"`
	Primary         int      `json:"primary_checked"`
	Insiders        int      `json:"insider_operators"`
	Programmes      int      `json:"programmes"`
	MinRatio        *float64 `json:"min_ratio,omitempty"`
	MinInsiderRatio *float64 `json:"min_insider_ratio,omitempty"`
	// MinBoundRatio is the smallest ratio of the intervals the audit
	// proves no outsider gets out of (min_ratio is that of the intervals
	// whole points show; an exact attacker's lies between the two).
	MinBoundRatio *float64 `json:"min_bound_ratio,omitempty"`
	// ExactSolver names the integer solver the audit asked where its own
	// search left an extreme open ("cbc 2.10.8"); empty when none was
	// installed (min_ratio may then sit below min_bound_ratio).
	ExactSolver string `json:"exact_solver,omitempty"`
	// ExactQuestions is how many extremes the audit asked it;
	// ExactFailures how many of them it failed on (each left as kensho's
	// own search had it), ExactError the first failure's message.
	ExactQuestions int    `json:"exact_questions,omitempty"`
	ExactFailures  int    `json:"exact_failures,omitempty"`
	ExactError     string `json:"exact_error,omitempty"`
	// Lowest are the primary figures with the smallest outsider ratios
	// and those with the smallest insider ratios (up to lowestShown each),
	// with their true values: where to look when the independent attacker
	// (internal/attack) reports another minimum. Internal only.
	Lowest []LowFigure `json:"lowest,omitempty"`
	// seconds the audit took; kept out of the JSON, which must be
	// byte-identical from run to run.
	seconds float64
}

// LowFigure is one of the audit's lowest figures.
type LowFigure struct {
	// Figure names a table cell as the attacker does (table/keys/measure);
	// an extract's class by the model's label (extract and class number).
	Figure string  `json:"figure"`
	Value  float64 `json:"value"`
	Rule   string  `json:"rule"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	Ratio  float64 `json:"ratio"`
	// BoundLo, BoundHi and BoundRatio: the interval no outsider gets out
	// of (audit.Figure); equal to lo and hi when the search settled them.
	BoundLo      float64  `json:"bound_lo"`
	BoundHi      float64  `json:"bound_hi"`
	BoundRatio   float64  `json:"bound_ratio"`
	InsiderRatio *float64 `json:"insider_ratio,omitempty"`
}

// lowestShown is how many figures Lowest lists for each reader.
const lowestShown = 10

// lowestFigures picks the audit's lowest primary figures.
func lowestFigures(a *audit.Result, in []kensho.StatTable) []LowFigure {
	var prim []audit.Figure
	for _, f := range a.Figures {
		if f.Primary {
			prim = append(prim, f)
		}
	}
	byTable := map[string]kensho.StatTable{}
	for _, t := range in {
		byTable[t.Name] = t
	}
	name := func(col *model.Column) string {
		for _, r := range col.Refs {
			t, ok := byTable[r.Table]
			if !ok || r.Row >= len(t.Rows) || r.Measure >= len(t.Measures) {
				continue
			}
			return t.Name + "/" + strings.Join(t.Rows[r.Row].Key, "/") + "/" + t.Measures[r.Measure].Name
		}
		return col.Label()
	}
	seen := map[int]bool{}
	var out []LowFigure
	pick := func(less func(x, y audit.Figure) int) {
		slices.SortStableFunc(prim, less)
		for i := 0; i < len(prim) && i < lowestShown; i++ {
			f := prim[i]
			if seen[f.Column.ID] {
				continue
			}
			seen[f.Column.ID] = true
			out = append(out, LowFigure{Figure: name(f.Column), Value: f.Value, Rule: f.Rule, Lo: f.Lo, Hi: f.Hi,
				Ratio: f.Ratio, BoundLo: f.BoundLo, BoundHi: f.BoundHi, BoundRatio: f.BoundRatio, InsiderRatio: finitePtr(f.InsiderRatio)})
		}
	}
	pick(func(x, y audit.Figure) int { return cmp.Compare(x.Ratio, y.Ratio) })
	pick(func(x, y audit.Figure) int { return cmp.Compare(x.InsiderRatio, y.InsiderRatio) })
	return out
}

func finitePtr(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	v = math.Round(v*1e9) / 1e9 // a stable figure, not the last float bit
	return &v
}

// newRiskReport assembles the report.
func newRiskReport(cfg Config, m *model.Model, data []*model.Data, in, out []kensho.StatTable, pr *protect.Result, a *audit.Result, ds derivedStats, infos []kensho.ExtractInfo) *RiskReport {
	r := &RiskReport{Parameters: cfg, WithheldYears: []WithheldYear{}}
	idx := m.Index()
	minRatio := map[string]float64{}
	for _, f := range a.Figures {
		if !f.Primary {
			continue
		}
		for _, ref := range f.Column.Refs {
			if ref.Table == "" {
				continue
			}
			v, ok := minRatio[ref.Table]
			if !ok {
				v = math.Inf(1)
			}
			minRatio[ref.Table] = math.Min(v, math.Min(f.Ratio, f.InsiderRatio))
		}
	}
	r.Overall = OverallRisk{PrimaryByRule: map[string]int{}, ValueSuppressed: map[kensho.Magnitude]float64{}}
	allValue := map[kensho.Magnitude]float64{}
	hidValue := map[kensho.Magnitude]float64{}
	totals, totalsKept := 0, 0
	for ti, t := range in {
		tr := TableRisk{Name: t.Name, PrimaryByRule: map[string]int{}, ValueSuppressed: map[kensho.Magnitude]float64{},
			DerivedCells: ds.published[t.Name] + ds.suppressed[t.Name] + ds.notApplicable[t.Name], DerivedHidden: ds.suppressed[t.Name]}
		tv, th := map[kensho.Magnitude]float64{}, map[kensho.Magnitude]float64{}
		for ri, row := range t.Rows {
			for mi, c := range row.Cells {
				ms := t.Measures[mi]
				if !ms.Additive() {
					continue
				}
				tr.Cells++
				if c.Value == 0 {
					tr.ZeroCells++
				}
				col := idx[model.Ref{Table: t.Name, Row: ri, Measure: mi}]
				hidden := out[ti].Rows[ri].Cells[mi].Status == kensho.Suppressed
				tv[ms.Magnitude] += c.Value
				if hidden {
					tr.Suppressed++
					th[ms.Magnitude] += c.Value
					if col != nil && pr.Primary[col.ID] {
						tr.PrimaryByRule[pr.Req[col.ID].Rule]++
					} else {
						tr.Secondary++
					}
				}
				if onlyYearAndForm(t, row) {
					totals++
					if !hidden {
						totalsKept++
					}
				}
			}
		}
		if tr.Cells > 0 {
			tr.ShareSuppressed = round4(float64(tr.Suppressed) / float64(tr.Cells))
		}
		for mag, v := range tv {
			if v > 0 {
				tr.ValueSuppressed[mag] = round4(th[mag] / v)
			}
			allValue[mag] += v
			hidValue[mag] += th[mag]
		}
		if v, ok := minRatio[t.Name]; ok {
			tr.MinAuditRatio = finitePtr(v)
		}
		r.Tables = append(r.Tables, tr)
		r.Overall.Cells += tr.Cells
		r.Overall.Suppressed += tr.Suppressed
		r.Overall.Secondary += tr.Secondary
		for k, v := range tr.PrimaryByRule {
			r.Overall.PrimaryByRule[k] += v
		}
	}
	if r.Overall.Cells > 0 {
		r.Overall.ShareSuppressed = round4(float64(r.Overall.Suppressed) / float64(r.Overall.Cells))
	}
	for mag, v := range allValue {
		if v > 0 {
			r.Overall.ValueSuppressed[mag] = round4(hidValue[mag] / v)
		}
	}
	if totals > 0 {
		r.Overall.TotalsKept = round4(float64(totalsKept) / float64(totals))
	}
	r.Extracts = extractRisks(m, pr, infos)
	r.Model = ModelSummary{Columns: len(m.Columns), StructZeros: len(m.Empty), Quantiles: len(m.Quantiles),
		Components: len(m.Components), Rounds: pr.Rounds, Programmes: pr.Programmes}
	for _, c := range m.Components {
		n, at := c.Size()
		r.Model.Cliques += n
		r.Model.Atoms += at
	}
	for _, t := range m.RelationTexts() {
		r.Model.Relations = append(r.Model.Relations, t.En)
	}
	r.Audit = AuditSummary{Passed: a.Passed(), Failures: a.Failures, Hidden: len(a.Figures), Insiders: a.Insiders,
		Programmes: a.Programmes, MinRatio: finitePtr(a.MinRatio), MinInsiderRatio: finitePtr(a.MinInsiderRatio),
		MinBoundRatio: finitePtr(a.MinBoundRatio),
		Lowest:        lowestFigures(a, in)}
	for _, f := range a.Figures {
		if f.Primary {
			r.Audit.Primary++
		}
	}
	return r
}

// onlyYearAndForm reports whether a row is a yearly total: no key but the
// fiscal year and the form.
func onlyYearAndForm(t kensho.StatTable, row kensho.Row) bool {
	if len(t.Filter) > 0 {
		return false
	}
	for i, d := range t.Dims {
		if d.Name != "fiscal_year" && d.Name != "form" && row.Key[i] != kensho.Total {
			return false
		}
	}
	return true
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// OverDropCap names the extracts that withhold a larger share of their
// records than microdata.max_dropped_pct, with that share ("failure
// 3.5%"), in the report's order: the rules made them, and the build says
// so.
func (r *RiskReport) OverDropCap() []string {
	var out []string
	for _, e := range r.Extracts {
		if 100*e.ShareWithheld > r.Parameters.Microdata.MaxDroppedPct {
			out = append(out, e.Name+" "+pct(e.ShareWithheld))
		}
	}
	return out
}

// extractRisks measures each extract from the model's truth: records
// released and withheld, and how far the published distributions of its
// fields, and of the pairs researchers cross, lie from the true ones.
func extractRisks(m *model.Model, pr *protect.Result, infos []kensho.ExtractInfo) []ExtractRisk {
	idx := m.Index()
	var out []ExtractRisk
	for _, info := range infos {
		er := ExtractRisk{Name: info.Name, Released: info.Rows, Withheld: info.Withheld, Starred: info.Starred, Records: info.Rows + info.Withheld}
		if er.Records > 0 {
			er.ShareWithheld = round4(float64(er.Withheld) / float64(er.Records))
			er.ShareStarred = round4(float64(er.Starred) / float64(er.Records))
		}
		// The extract's fields and classes, as the model holds them.
		var fields []string
		var classes [][]string
		for _, c := range info.Columns[1:] {
			fields = append(fields, c.Name)
		}
		e := kensho.Extract{Name: info.Name}
		for _, f := range fields {
			e.Fields = append(e.Fields, kensho.Dim{Name: f})
		}
		classes, err := m.ExtractClasses(e)
		if err != nil {
			continue
		}
		type cls struct {
			vals              []string
			n                 float64
			released, starred bool
		}
		// The classes released starred: the hidden ones of a group whose
		// starred class is published.
		starredClass := map[int]bool{}
		if len(info.Star) > 0 {
			e.Star = info.Star
			_, members, err := m.StarClasses(e)
			if err != nil {
				continue
			}
			for si, ms := range members {
				if col := idx[model.Ref{Extract: info.Name, Class: si, Star: true}]; col != nil && pr.Pattern.Status[col.ID] == model.Published {
					for _, ci := range ms {
						starredClass[ci] = true
					}
				}
			}
		}
		var cs []cls
		for ci, vals := range classes {
			col := idx[model.Ref{Extract: info.Name, Class: ci}]
			if col == nil {
				continue
			}
			n := pr.Truth[col.ID].Value
			if n == 0 {
				continue
			}
			rel := pr.Pattern.Status[col.ID] == model.Published
			cs = append(cs, cls{vals, n, rel, !rel && starredClass[ci]})
			er.Classes++
			if rel {
				er.ClassesReleased++
			} else {
				er.ClassesWithheld++
			}
		}
		hasStar := func(pos []int) bool {
			for _, p := range pos {
				if slices.Contains(info.Star, fields[p]) {
					return true
				}
			}
			return false
		}
		// tv measures the fields at pos over the records that show them
		// all: a starred record shows none of its Star fields.
		tv := func(pos []int) float64 {
			all, pub := map[string]float64{}, map[string]float64{}
			var nAll, nPub float64
			starHides := hasStar(pos)
			for _, c := range cs {
				k := ""
				for _, p := range pos {
					k += c.vals[p] + "\x1f"
				}
				all[k] += c.n
				nAll += c.n
				if c.released || (c.starred && !starHides) {
					pub[k] += c.n
					nPub += c.n
				}
			}
			if nAll == 0 || nPub == 0 {
				return 1
			}
			d := 0.0
			for k, v := range all {
				d += math.Abs(v/nAll - pub[k]/nPub)
			}
			return round4(d / 2)
		}
		for i, f := range fields {
			if f == "fiscal_year" {
				continue
			}
			share := 0.0
			if er.Records > 0 {
				shown := er.Released
				if hasStar([]int{i}) {
					shown -= er.Starred
				}
				share = round4(float64(shown) / float64(er.Records))
			}
			er.Fields = append(er.Fields, FieldUtility{Field: f, ShareReleased: share, TV: tv([]int{i})})
		}
		for _, p := range utilityPairs {
			a, b := slices.Index(fields, p[0]), slices.Index(fields, p[1])
			if a >= 0 && b >= 0 {
				er.Pairs = append(er.Pairs, PairUtility{Fields: p, TV: tv([]int{a, b})})
			}
		}
		out = append(out, er)
	}
	return out
}

// WriteJSON writes the internal report.
func (r *RiskReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// pct writes a share as a percentage with one decimal.
func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

// Public is the methodology page's summary of the disclosure control, in
// Markdown, ja and en: no parameter values, no interval, nothing about one
// cell; the figures are the report's own, so both places say the same.
func (r *RiskReport) Public() kensho.Text {
	var ja, en strings.Builder
	o := r.Overall
	fmt.Fprintf(&ja, "この公表では、表のセル %d のうち %d(%s)を秘匿しました。", o.Cells, o.Suppressed, pct(o.ShareSuppressed))
	fmt.Fprintf(&en, "This release withholds %d of its %d table cells (%s).", o.Suppressed, o.Cells, pct(o.ShareSuppressed))
	if v, ok := o.ValueSuppressed[kensho.MagAccidents]; ok {
		fmt.Fprintf(&ja, "秘匿したセルの事故件数は、表の事故件数の合計の %s にあたります。", pct(v))
		fmt.Fprintf(&en, " The withheld cells hold %s of the accidents counted in the tables.", pct(v))
	}
	fmt.Fprintf(&ja, "年度と様式の合計は %s を公表しています。", pct(o.TotalsKept))
	fmt.Fprintf(&en, " %s of the totals by fiscal year and form are published.", pct(o.TotalsKept))
	// Years left out whole are named, never the rule they failed (it
	// would tell how few operators reported them).
	for _, w := range r.WithheldYears {
		fmt.Fprintf(&ja, "FY%d(%d年度)は、年度全体の事故件数が基準を満たさないため、まるごと公表を見送りました。", w.FiscalYear, w.FiscalYear)
		fmt.Fprintf(&en, " FY%d is withheld whole: its accident count as a whole fails the rules.", w.FiscalYear)
	}
	ja.WriteString("\n\n")
	en.WriteString("\n\n")
	ja.WriteString("| 表 | セル | 秘匿 | 割合 | 件数の秘匿割合 |\n|---|---:|---:|---:|---:|\n")
	en.WriteString("| table | cells | withheld | share | share of accidents withheld |\n|---|---:|---:|---:|---:|\n")
	for _, t := range r.Tables {
		acc := "—"
		if v, ok := t.ValueSuppressed[kensho.MagAccidents]; ok {
			acc = pct(v)
		}
		fmt.Fprintf(&ja, "| %s | %d | %d | %s | %s |\n", t.Name, t.Cells, t.Suppressed, pct(t.ShareSuppressed), acc)
		fmt.Fprintf(&en, "| %s | %d | %d | %s | %s |\n", t.Name, t.Cells, t.Suppressed, pct(t.ShareSuppressed), acc)
	}
	if len(r.Extracts) > 0 {
		ja.WriteString("\nレコード単位のデータ(抽出ファイル)は次のとおりです。「保留」は規則を満たさない組み合わせのため公表しなかったレコード、「うち `*`」は公表したレコードのうち、組み合わせが規則を満たさないため一部の項目を「`*`」(秘匿)として公表したもの、「項目ごと」は各項目を値のまま(「`*`」でなく)公表したレコードの割合と、公表したレコードの分布と全レコードの分布の差(全変動距離、0 は同じ、1 は重ならない)です。\n\n")
		en.WriteString("\nThe record-level extracts: \"withheld\" are records of combinations that failed the rules; \"of them starred\" are published records of such combinations released with some fields starred (`*`) instead; \"per field\" gives the share of records published with the field's value (not starred) and the total variation distance between the distribution of the published records and that of all records (0 the same, 1 disjoint).\n\n")
		ja.WriteString("| 抽出 | レコード | 公表 | うち `*` | 保留 | 項目ごとの公表割合、分布の差 |\n|---|---:|---:|---:|---:|---|\n")
		en.WriteString("| extract | records | published | of them starred | withheld | per field: share published, distance |\n|---|---:|---:|---:|---:|---|\n")
		for _, e := range r.Extracts {
			var fs []string
			for _, f := range e.Fields {
				fs = append(fs, fmt.Sprintf("%s %s, %.3f", f.Field, pct(f.ShareReleased), f.TV))
			}
			for _, p := range e.Pairs {
				fs = append(fs, fmt.Sprintf("%s×%s %.3f", p.Fields[0], p.Fields[1], p.TV))
			}
			fmt.Fprintf(&ja, "| %s | %d | %d | %d(%s) | %d(%s) | %s |\n", e.Name, e.Records, e.Released, e.Starred, pct(e.ShareStarred), e.Withheld, pct(e.ShareWithheld), strings.Join(fs, "、"))
			fmt.Fprintf(&en, "| %s | %d | %d | %d (%s) | %d (%s) | %s |\n", e.Name, e.Records, e.Released, e.Starred, pct(e.ShareStarred), e.Withheld, pct(e.ShareWithheld), strings.Join(fs, "; "))
		}
	}
	if r.Audit.MinRatio != nil {
		fmt.Fprintf(&ja, "\n秘匿監査では、秘匿したセルのうち規則で保護するものすべてについて、公表したすべての数値から読者が到達できる区間を整数計画で求め、必要な保護幅との比の最小値は %.2f(事業者自身の事故を知る読者については %s)でした(1 以上で保護されており、2 は「2 以上」を表します)。\n",
			*r.Audit.MinRatio, ratioText(r.Audit.MinInsiderRatio))
		fmt.Fprintf(&en, "\nThe audit bounded every protected withheld cell by integer programming over everything published: the smallest ratio of a reader's interval to the protection required is %.2f (%s for an operator that knows its own accidents); 1 or more is protected, 2 means at least 2.\n",
			*r.Audit.MinRatio, ratioText(r.Audit.MinInsiderRatio))
		if b := r.Audit.MinBoundRatio; b != nil && *r.Audit.MinRatio < rules.RatioCap {
			// min_ratio is what whole points reach (every reader is left at
			// least that); min_bound_ratio what the audit proves a reader who
			// solves exactly gets to. The true minimum lies between.
			if *b-*r.Audit.MinRatio < 0.005 {
				ja.WriteString("この値は、読者が式を厳密に解いて到達できる限界として監査が証明した値と一致しており、厳密です。\n")
				en.WriteString("It is exact: the audit also proves that a reader who solves the equations exactly gets no further.\n")
			} else {
				fmt.Fprintf(&ja, "この値は、区間の両端を整数解で確かめた下限(どの読者にも少なくともこの幅が残る)です。読者が式を厳密に解いて到達できる限界として監査が証明した区間では最小値は %.2f で、真の最小値はこの二つの間にあります。\n", *b)
				fmt.Fprintf(&en, "That is a floor, each end backed by a whole-number solution: every reader is left at least that much. The intervals the audit proves a reader who solves the equations exactly can reach give a smallest ratio of %.2f; the true smallest ratio lies between the two.\n", *b)
			}
		}
	}
	return kensho.Text{Ja: ja.String(), En: en.String()}
}

func ratioText(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *v)
}
