package anonymize

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/kensho-jp/kensho"
)

// RiskReport is the disclosure-risk report of one run. The internal JSON
// (WriteJSON) holds parameters, counts and audit ratios and is never
// published; Public is the summary for the methodology page, without
// parameter values or intervals.
type RiskReport struct {
	Parameters Config        `json:"parameters"`
	Tables     []TableRisk   `json:"tables"`
	Overall    OverallRisk   `json:"overall"`
	Utility    []UtilityRisk `json:"utility"`
	Microdata  MicrodataRisk `json:"microdata"`
	Audit      AuditSummary  `json:"audit"`
	// WithheldYears are the fiscal years left out of the release whole
	// (WithholdUnsafeYears), never null.
	WithheldYears []WithheldYear `json:"withheld_fiscal_years"`
	derived       map[string]int // derived cells suppressed, per table
}

// TableRisk counts one table's additive cells by outcome.
type TableRisk struct {
	Name            string         `json:"name"`
	Cells           int            `json:"cells"`
	ZeroCells       int            `json:"zero_cells"`
	PrimaryByRule   map[string]int `json:"primary_by_rule"`
	Secondary       int            `json:"secondary"`
	Suppressed      int            `json:"suppressed"`
	ShareSuppressed float64        `json:"share_suppressed"`
	DerivedCells    int            `json:"derived_cells"`
	DerivedHidden   int            `json:"derived_suppressed"`
	// MinAuditRatio is the least ratio, over the table's primary cells, of
	// the interval the audit found to the protection required (≥ 1 passes);
	// absent when the table has no primary cell.
	MinAuditRatio *float64 `json:"min_audit_ratio,omitempty"`
}

// OverallRisk sums the tables.
type OverallRisk struct {
	Cells           int            `json:"cells"`
	PrimaryByRule   map[string]int `json:"primary_by_rule"`
	Secondary       int            `json:"secondary"`
	Suppressed      int            `json:"suppressed"`
	ShareSuppressed float64        `json:"share_suppressed"`
	TotalsKept      float64        `json:"totals_kept"` // share of national and yearly totals published
}

// UtilityRisk: how much of one magnitude's value the published cells keep.
type UtilityRisk struct {
	Magnitude kensho.Magnitude `json:"magnitude"`
	// ValueShareKept is Σ published values / Σ all values over the tables'
	// cells of this magnitude.
	ValueShareKept float64 `json:"value_share_kept"`
	TotalsKept     float64 `json:"totals_kept"`
}

// MicrodataRisk describes the microdata and what each step cost.
type MicrodataRisk struct {
	Fields                 []string     `json:"fields"`
	GeneralizedAway        []string     `json:"generalized_away"`
	Ladder                 []LadderStep `json:"ladder"`
	Records                int          `json:"records"`
	Released               int          `json:"released"`
	StarredRecords         int          `json:"starred_records"`
	StarredValues          int          `json:"values_suppressed"`
	DroppedByClassRules    int          `json:"records_dropped_class_rules"`
	DroppedToProtectTables int          `json:"records_dropped_to_protect_tables"`
	Classes                int          `json:"classes"`
	ClassSizeHistogram     []HistBin    `json:"class_size_histogram"`
	OperatorsHistogram     []HistBin    `json:"operators_per_class_histogram"`
	MinClassSize           int          `json:"min_class_size"`
	MinOperatorsPerClass   int          `json:"min_operators_per_class"`
	LargestShare           float64      `json:"largest_operator_share"`
}

// AuditSummary is what the independent audit did and found.
type AuditSummary struct {
	Passed            bool     `json:"passed"`
	Failures          []string `json:"failures,omitempty"`
	CellsRecomputed   int      `json:"cells_recomputed"`
	PublishedChecked  int      `json:"published_checked"`
	SuppressedChecked int      `json:"suppressed_checked"`
	Components        int      `json:"components"`
	LinearProgrammes  int      `json:"linear_programmes"`
	InsiderOperators  int      `json:"insider_operators"`
	InsiderProgrammes int      `json:"insider_programmes"`
	MinRatio          *float64 `json:"min_ratio,omitempty"`
	MinInsiderRatio   *float64 `json:"min_insider_ratio,omitempty"`
	// GonumJudged counts the primary bounds gonum's simplex re-solved from
	// the audit's optimal basis; GonumDisagreed those where it found a
	// better optimum (then used); GonumUnconfirmed those it could not
	// solve (the audit's own optimum stands).
	GonumJudged        int `json:"gonum_judged"`
	GonumDisagreed     int `json:"gonum_disagreed"`
	GonumUnconfirmed   int `json:"gonum_unconfirmed"`
	MicrodataClasses   int `json:"microdata_classes"`
	IdentifiersChecked int `json:"identifiers_checked"`
	// IdentifiersSkipped: values too short to tell from ordinary words or
	// counts (fewer than 3 letters or digits, or a number of fewer than 8
	// digits); the canary tests cover the rest.
	IdentifiersSkipped int `json:"identifiers_skipped"`
	// seconds the audit took; kept out of the JSON, which must be
	// byte-identical from run to run.
	seconds float64
}

func newRiskReport(cfg Config, in, out []kensho.StatTable, engines []*engine, md *microdata, ds derivedStats) *RiskReport {
	r := &RiskReport{Parameters: cfg}
	type cellInfo struct {
		c *pcell
	}
	info := map[kensho.CellRef]*pcell{}
	for _, e := range engines {
		for _, c := range e.s.cells {
			for _, ref := range c.refs {
				info[ref] = c
			}
		}
	}
	r.Overall.PrimaryByRule = map[string]int{}
	totals, totalsKept := 0, 0
	for ti, t := range out {
		tr := TableRisk{Name: t.Name, PrimaryByRule: map[string]int{}}
		for ri, row := range t.Rows {
			for mi, m := range t.Measures {
				if !m.Additive() {
					continue
				}
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				tr.Cells++
				if in[ti].Rows[ri].Cells[mi].Value == 0 {
					tr.ZeroCells++
				}
				c := info[ref]
				if c != nil && c.total {
					totals++
					if !c.suppressed() {
						totalsKept++
					}
				}
				if row.Cells[mi].Status != kensho.Suppressed {
					continue
				}
				tr.Suppressed++
				switch {
				case c != nil && c.primary:
					tr.PrimaryByRule[c.rule]++
				default:
					tr.Secondary++
				}
			}
		}
		tr.DerivedCells = ds.published[t.Name] + ds.suppressed[t.Name] + ds.notApplicable[t.Name]
		tr.DerivedHidden = ds.suppressed[t.Name]
		if tr.Cells > 0 {
			tr.ShareSuppressed = float64(tr.Suppressed) / float64(tr.Cells)
		}
		r.Overall.Cells += tr.Cells
		r.Overall.Suppressed += tr.Suppressed
		r.Overall.Secondary += tr.Secondary
		for k, v := range tr.PrimaryByRule {
			r.Overall.PrimaryByRule[k] += v
		}
		r.Tables = append(r.Tables, tr)
	}
	if r.Overall.Cells > 0 {
		r.Overall.ShareSuppressed = float64(r.Overall.Suppressed) / float64(r.Overall.Cells)
	}
	r.Overall.TotalsKept = ratioOr1(totalsKept, totals)
	for _, e := range engines {
		all, kept := 0.0, 0.0
		nt, kt := 0, 0
		for _, c := range e.s.cells {
			for range c.refs {
				all += c.value
				if !c.suppressed() {
					kept += c.value
				}
				if c.total {
					nt++
					if !c.suppressed() {
						kt++
					}
				}
			}
		}
		u := UtilityRisk{Magnitude: e.s.mag, ValueShareKept: 1, TotalsKept: ratioOr1(kt, nt)}
		if all > 0 {
			u.ValueShareKept = kept / all
		}
		r.Utility = append(r.Utility, u)
	}
	mr := &r.Microdata
	gen := md.generalized(md.level)
	for _, f := range microdataFields {
		if gen[f.Name] {
			mr.GeneralizedAway = append(mr.GeneralizedAway, f.Name)
		} else {
			mr.Fields = append(mr.Fields, f.Name)
		}
	}
	mr.Ladder = md.steps
	mr.Records = md.total
	mr.Released, mr.StarredRecords, mr.StarredValues, mr.DroppedByClassRules, mr.DroppedToProtectTables = md.counts()
	sizes, ops, largest := md.classStats()
	mr.Classes = len(sizes)
	mr.ClassSizeHistogram = histogram(sizes, []int{1, 2, 3, 5, 10, 20, 50, 100})
	mr.OperatorsHistogram = histogram(ops, []int{1, 2, 3, 4, 5, 10, 20})
	mr.MinClassSize, mr.MinOperatorsPerClass = minInt(sizes), minInt(ops)
	mr.LargestShare = largest
	r.derived = ds.suppressed
	return r
}

func ratioOr1(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func minInt(v []int) int {
	if len(v) == 0 {
		return 0
	}
	m := v[0]
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

func finitePtr(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// setAudit records the audit's findings, per table and overall.
func (r *RiskReport) setAudit(a *auditResult) {
	r.Audit = a.summary
	for i := range r.Tables {
		if v, ok := a.tableMinRatio[r.Tables[i].Name]; ok {
			r.Tables[i].MinAuditRatio = finitePtr(v)
		}
	}
}

// WriteJSON writes the internal report (indented, deterministic).
func (r *RiskReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Public returns the disclosure-control section of the methodology page in
// Markdown: the method, the kinds of rules, and how much was suppressed —
// never parameter values or intervals.
func (r *RiskReport) Public() kensho.Text {
	var ja, en strings.Builder
	pct := func(f float64) string { return fmt.Sprintf("%.1f", 100*f) }
	fmt.Fprintf(&ja, "## 秘匿処理\n\n")
	fmt.Fprintf(&en, "## Disclosure control\n\n")
	ja.WriteString("事業者は、公表される数値から自社が特定されないことを前提に報告しています。本サイトの数値とミクロデータは、すべて次の処理を経ています。保護の単位は事故ではなく**事業者**です。\n\n")
	en.WriteString("Operators report on the promise that no published figure reveals them. Every number and record on this site has passed through the following steps. The unit protected is the **operator**, not the accident.\n\n")
	ja.WriteString("1. **識別情報の削除**: 事業者名、登録番号、連絡先、接続先事業者、発生場所、機種、事故概要、再発防止策は公表しません。事業者の仮名も公表しません。災害は災害の一覧(気象庁の名称・台風の番号)のコードとして公表し、報告に書かれた災害名そのものは公表しません。\n")
	en.WriteString("1. **De-identification**: operator names, registration numbers, contacts, partner operators, site locations, equipment models, summaries and prevention texts are never published, nor is any pseudonym of an operator. A disaster is published as a code of the list of named disasters (the Japan Meteorological Agency's names and typhoon numbers); the name an operator typed never is.\n")
	ja.WriteString("2. **一般化**: 日時は四半期・年度に、影響範囲は総合通信局の区域・複数地域・全国に、継続時間と利用者数は区分に、役務・原因・設備はより粗い区分にまとめます。\n")
	en.WriteString("2. **Generalization**: dates become quarters and fiscal years, the area affected becomes a bureau area, several regions or nationwide, duration and users become bands, and services, causes and equipment become coarser groups.\n")
	ja.WriteString("3. **一次秘匿**: 集計表のすべてのセル (合計を含む) について、寄与する事業者が少なすぎる場合、または1〜2の事業者が大部分を占める場合 (p%ルール) に秘匿します。件数、影響利用者数、利用者・時間のそれぞれで判定します。\n")
	en.WriteString("3. **Primary suppression**: every cell of every table, totals included, is suppressed when too few operators contribute to it or when one or two operators account for nearly all of it (the p% rule), for counts, affected users and user-hours alike.\n")
	ja.WriteString("4. **二次秘匿**: 秘匿したセルが、公表したすべての表・すべての年度の数値やミクロデータから計算し直せない (一定の幅より狭く推定できない) よう、追加のセルを秘匿します。\n")
	en.WriteString("4. **Secondary suppression**: further cells are suppressed so that no suppressed cell can be recomputed, exactly or within a safety range, from everything published — all tables, all years and the microdata together.\n")
	ja.WriteString("5. **ミクロデータ**: 公表項目が同じレコードの組ごとに、複数の事業者が含まれ、どの事業者も半数を超えない場合に限り公表します。項目の一般化、項目値の「*」への置換、レコードの非公表の順に適用します。\n")
	en.WriteString("5. **Microdata**: a record is released only when the records sharing its published values come from several operators and no operator holds more than half of them; fields are generalized first, then single values replaced by \"*\", then records withheld.\n")
	ja.WriteString("6. **独立監査**: 公表前に、上記とは独立した手続で、すべてのセルを元データから再計算して規則を確認し、秘匿セルごとに線形計画法で推定可能な範囲を求め (自社の数値を知る事業者の立場からも)、公表する文字列に事業者の識別情報が含まれないことを確認します。いずれかの確認に失敗した場合は何も公表しません。\n\n")
	en.WriteString("6. **Independent audit**: before anything is written, an independent procedure recomputes every cell from the source data and re-checks the rules, bounds every suppressed cell by linear programming (also as an operator who knows its own figures), and checks that no published string contains an operator's identifiers. If any check fails, nothing is published.\n\n")
	ja.WriteString("秘匿したセルは「X」と表示します (一次秘匿と二次秘匿は区別しません)。真のゼロは「-」(CSV では 0) です。\n\n")
	en.WriteString("Suppressed cells are shown as \"X\" (primary and secondary suppression are not told apart). True zeros are shown as \"-\" (0 in CSV).\n\n")
	o := r.Overall
	fmt.Fprintf(&ja, "### 今回の処理\n\n- 集計表 %d 表のセル %d のうち %d セル (%s%%) を秘匿しました。\n", len(r.Tables), o.Cells, o.Suppressed, pct(o.ShareSuppressed))
	fmt.Fprintf(&en, "### This release\n\n- Of %d cells in %d tables, %d (%s%%) are suppressed.\n", o.Cells, len(r.Tables), o.Suppressed, pct(o.ShareSuppressed))
	fmt.Fprintf(&ja, "- 全国・年度の合計セルの %s%% を公表しています。\n", pct(o.TotalsKept))
	fmt.Fprintf(&en, "- %s%% of the national and yearly totals are published.\n", pct(o.TotalsKept))
	m := r.Microdata
	fmt.Fprintf(&ja, "- ミクロデータ: %d 件のうち %d 件を公表し、%d 件の項目値を「*」に置き換え、%d 件を公表していません。\n",
		m.Records, m.Released, m.StarredValues, m.DroppedByClassRules+m.DroppedToProtectTables)
	fmt.Fprintf(&en, "- Microdata: %d of %d records are released; %d values are replaced by \"*\" and %d records are withheld.\n",
		m.Released, m.Records, m.StarredValues, m.DroppedByClassRules+m.DroppedToProtectTables)
	if len(m.GeneralizedAway) > 0 {
		fmt.Fprintf(&ja, "- ミクロデータで全件「*」とした項目: %s\n", strings.Join(m.GeneralizedAway, ", "))
		fmt.Fprintf(&en, "- Fields shown as \"*\" for every record of the microdata: %s\n", strings.Join(m.GeneralizedAway, ", "))
	}
	if len(r.WithheldYears) > 0 {
		// The years only: which rule a year failed would tell how few
		// operators have reported it.
		years := make([]string, len(r.WithheldYears))
		for i, w := range r.WithheldYears {
			years[i] = fmt.Sprintf("FY%d", w.FiscalYear)
		}
		fmt.Fprintf(&ja, "- %s は、年度の事故件数そのものが一次秘匿の規則を満たさないため (報告が始まったばかりの年度など)、この公表には含めていません。規則を満たした時点で公表します。\n",
			strings.Join(years, "、"))
		fmt.Fprintf(&en, "- %s is left out of this release: its accident count itself fails the primary rules (as in a year whose reports have only begun); it is published once it passes them.\n",
			strings.Join(years, ", "))
	}
	names := make([]string, 0, len(r.Tables))
	byName := map[string]TableRisk{}
	for _, t := range r.Tables {
		names = append(names, t.Name)
		byName[t.Name] = t
	}
	sort.Strings(names) // deterministic order
	ja.WriteString("\n| 表 | セル | 秘匿 | 割合 |\n|---|---:|---:|---:|\n")
	en.WriteString("\n| table | cells | suppressed | share |\n|---|---:|---:|---:|\n")
	for _, n := range names {
		t := byName[n]
		fmt.Fprintf(&ja, "| %s | %d | %d | %s%% |\n", n, t.Cells, t.Suppressed, pct(t.ShareSuppressed))
		fmt.Fprintf(&en, "| %s | %d | %d | %s%% |\n", n, t.Cells, t.Suppressed, pct(t.ShareSuppressed))
	}
	return kensho.Text{Ja: ja.String(), En: en.String()}
}
