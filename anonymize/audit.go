package anonymize

// The independent audit (issue item 6). It trusts nothing the suppression
// code computed: it recomputes every cell of every table from deid_accident
// with its own SQL, re-applies the primary rules with its own code, rebuilds
// the linked model on its own (audit_model.go), bounds every suppressed cell
// with gonum's simplex (audit_lp.go) for the outsider and for every operator
// as an insider, re-checks every microdata class from microdata_release and
// deid_accident (audit_microdata.go), and scans every published string for
// the identifiers held in the restricted database (audit_strings.go). It
// shares no helper with protect*.go; only the code lists of the root package
// and the DuckDB opener are common ground.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/kensho-jp/kensho"
)

type auditResult struct {
	summary       AuditSummary
	failures      []string
	tableMinRatio map[string]float64
	laps          []Lap
}

// auditor holds one audit run.
type auditor struct {
	ctx   context.Context
	db    *sql.DB
	cfg   Config
	in    []kensho.StatTable
	out   []kensho.StatTable
	res   *auditResult
	fails []string
	// truth[ref]: the audit's own value and per-operator contributions of
	// every additive cell.
	truth map[kensho.CellRef]*auditTruth
	micro *auditMicro
}

type auditTruth struct {
	value   float64
	contrib map[int32]float64
}

func (a *auditor) failf(format string, args ...any) {
	a.fails = append(a.fails, fmt.Sprintf(format, args...))
}

// runAudit audits the protected tables out (computed from in) and the
// microdata in the restricted database.
func runAudit(ctx context.Context, db *sql.DB, cfg Config, in, out []kensho.StatTable) (*auditResult, error) {
	a := &auditor{ctx: ctx, db: db, cfg: cfg, in: in, out: out,
		res: &auditResult{tableMinRatio: map[string]float64{}}, truth: map[kensho.CellRef]*auditTruth{}}
	t0 := time.Now()
	// The microdata is checked while the cells are recomputed: the two read
	// different things and each leaves DuckDB's threads idle at times. The
	// microdata's findings are collected apart and joined after.
	md := *a
	md.fails = nil
	var micro *auditMicro
	var microErr error
	var microSeconds float64
	done := make(chan struct{}, 1)
	go func() {
		start := time.Now()
		micro, microErr = md.auditMicrodata()
		microSeconds = time.Since(start).Seconds()
		done <- struct{}{}
	}()
	if err := a.checkDeid(); err != nil {
		<-done
		return nil, err
	}
	if err := a.recompute(); err != nil {
		<-done
		return nil, err
	}
	a.checkCells()
	t1 := time.Now()
	<-done
	if microErr != nil {
		return nil, microErr
	}
	a.fails = append(a.fails, md.fails...)
	a.micro = micro
	t2 := time.Now()
	for _, mag := range []kensho.Magnitude{kensho.MagAccidents, kensho.MagAffectedUsers, kensho.MagUserHours} {
		if err := a.auditIntervals(mag); err != nil {
			return nil, err
		}
	}
	t3 := time.Now()
	a.res.laps = []Lap{{"audit: recompute cells", t1.Sub(t0).Seconds()}, {"audit: microdata", microSeconds}, {"audit: intervals", t3.Sub(t2).Seconds()}}
	ids, err := loadIdentifiers(ctx, db)
	if err != nil {
		return nil, err
	}
	a.res.summary.IdentifiersChecked = len(ids.needles)
	a.res.summary.IdentifiersSkipped = ids.skipped
	var strs []labelled
	for _, t := range out {
		strs = append(strs, tableStrings(t)...)
	}
	mstr, err := microdataStrings(ctx, db)
	if err != nil {
		return nil, err
	}
	strs = append(strs, mstr...)
	for _, f := range ids.scan(strs) {
		a.failf("%s", f)
	}
	sort.Strings(a.fails) // deterministic report
	a.res.failures = a.fails
	a.res.summary.Failures = a.fails
	a.res.summary.Passed = len(a.fails) == 0
	return a.res, nil
}

// checkDeid verifies that deid_accident still mirrors accident one to one:
// same rows, one op_key per operator, same magnitudes.
func (a *auditor) checkDeid() error {
	var nAcc, nDeid, nOps, nKeys int
	var uAcc, uDeid float64
	// Fiscal years withheld whole (WithholdUnsafeYears) are not in deid_accident.
	withheld, err := tableExists(a.ctx, a.db, withheldYearTable)
	if err != nil {
		return fmt.Errorf("deid_accident against accident: %w", err)
	}
	acc := "accident"
	if withheld {
		acc = "(SELECT * FROM accident WHERE fiscal_year NOT IN (SELECT fiscal_year FROM " + withheldYearTable + "))"
	}
	err = a.db.QueryRowContext(a.ctx, `SELECT
		(SELECT count(*) FROM `+acc+`), (SELECT count(*) FROM deid_accident),
		(SELECT count(DISTINCT operator_id) FROM `+acc+`), (SELECT count(DISTINCT op_key) FROM deid_accident),
		(SELECT coalesce(sum(affected_users), 0)::DOUBLE FROM `+acc+`), (SELECT coalesce(sum(affected_users), 0)::DOUBLE FROM deid_accident)`).
		Scan(&nAcc, &nDeid, &nOps, &nKeys, &uAcc, &uDeid)
	if err != nil {
		return fmt.Errorf("deid_accident against accident: %w", err)
	}
	if nAcc != nDeid || nOps != nKeys || uAcc != uDeid {
		a.failf("deid_accident does not mirror accident (rows %d/%d, operators %d/%d, users %g/%g); run Deidentify again",
			nDeid, nAcc, nKeys, nOps, uDeid, uAcc)
	}
	return nil
}

// checkCells compares every published additive cell with the audit's own
// value and primary rules, checks that nothing suppressed carries a value,
// and that derived cells follow their dependencies.
func (a *auditor) checkCells() {
	if len(a.in) != len(a.out) {
		a.failf("protected tables: %d tables for %d inputs", len(a.out), len(a.in))
		return
	}
	status := map[kensho.CellRef]kensho.CellStatus{}
	for _, t := range a.out {
		for ri, row := range t.Rows {
			for mi, c := range row.Cells {
				status[kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}] = c.Status
			}
		}
	}
	for ti, t := range a.out {
		src := a.in[ti]
		if t.Name != src.Name || len(t.Rows) != len(src.Rows) {
			a.failf("table %s: the protected table does not match its input", t.Name)
			continue
		}
		for ri, row := range t.Rows {
			for mi, c := range row.Cells {
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				if c.Contrib != nil || c.DependsOn != nil {
					a.failf("%s: contributions or dependencies left on a protected cell", auditRef(ref))
				}
				switch c.Status {
				case kensho.Published, kensho.Suppressed, kensho.NotApplicable:
				default:
					a.failf("%s: status %d is not a publishable status", auditRef(ref), c.Status)
					continue
				}
				if c.Status != kensho.Published && c.Value != 0 {
					a.failf("%s: a cell that is not published still carries its value", auditRef(ref))
				}
				if !t.Measures[mi].Additive() {
					if c.Status == kensho.Published {
						for _, d := range src.Rows[ri].Cells[mi].DependsOn {
							if status[d] != kensho.Published {
								a.failf("%s: a derived cell is published although %s is not", auditRef(ref), auditRef(d))
							}
						}
					}
					continue
				}
				tr := a.truth[ref]
				a.res.summary.CellsRecomputed++
				if c.Status == kensho.NotApplicable {
					a.failf("%s: an additive cell is marked not applicable", auditRef(ref))
					continue
				}
				if c.Status != kensho.Published {
					continue
				}
				a.res.summary.PublishedChecked++
				if !auditEqual(c.Value, tr.value) {
					a.failf("%s: published %g but the data give %g", auditRef(ref), c.Value, tr.value)
				}
				if unsafe, rule, _ := auditRules(a.cfg, tr.value, tr.contrib); unsafe {
					a.failf("%s: published although it fails the %s rule", auditRef(ref), rule)
				}
			}
		}
	}
}

func auditRef(r kensho.CellRef) string {
	return fmt.Sprintf("%s[row %d, measure %d]", r.Table, r.Row, r.Measure)
}

func auditEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// auditRules is the audit's own statement of the primary rules: too few
// operators, the p%-rule, the (n,k) rules. It returns the protection a
// suppressed cell needs on each side.
func auditRules(cfg Config, x float64, contrib map[int32]float64) (bool, string, float64) {
	if x == 0 {
		return false, "", 0
	}
	var v []float64
	for _, c := range contrib {
		if c > 0 {
			v = append(v, c)
		}
	}
	sort.Float64s(v)
	top := func(i int) float64 { // i-th largest, from 0
		if i < len(v) {
			return v[len(v)-1-i]
		}
		return 0
	}
	unsafe, rule, need := false, "", 0.0
	if len(v) < cfg.MinOperators {
		unsafe, rule, need = true, "min_operators", x*cfg.ProtectionLevel/100
	}
	if rest := x - top(0) - top(1); rest < top(0)*cfg.P/100 {
		if !unsafe {
			unsafe, rule = true, "p_percent"
		}
		need = math.Max(need, top(0)*cfg.P/100-rest)
	}
	for _, r := range cfg.Dominance {
		s := 0.0
		for i := 0; i < r.N; i++ {
			s += top(i)
		}
		if s > x*r.K/100 {
			if !unsafe {
				unsafe, rule = true, "dominance"
			}
			need = math.Max(need, s*100/r.K-x)
		}
	}
	return unsafe, rule, need
}

// auditInsiderNeed: the protection a primary cell needs against operator op.
func auditInsiderNeed(cfg Config, x float64, contrib map[int32]float64, rule string, op int32) float64 {
	rest := x - contrib[op]
	if rest <= 1e-9*math.Max(1, x) {
		return 0
	}
	largest := 0.0
	for o, c := range contrib {
		if o != op && c > largest {
			largest = c
		}
	}
	need := math.Max(0, largest*cfg.P/100-(rest-largest))
	if rule == "min_operators" {
		need = math.Max(need, rest*cfg.ProtectionLevel/100)
	}
	return need
}
