package anonymize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/sdc/audit"
	"github.com/kensho-jp/kensho/sdc/lp"
	"github.com/kensho-jp/kensho/sdc/model"
	"github.com/kensho-jp/kensho/sdc/protect"
)

// Protected is the outcome of Protect: tables whose every cell has a
// status, with suppressed values removed and contributions stripped, the
// extracts' descriptions, and the disclosure-risk report.
type Protected struct {
	Tables   []kensho.StatTable
	Extracts []kensho.ExtractInfo
	Risk     *RiskReport
	// Timings lists how long each step took (for benchmarks and --verbose;
	// never written to a file that must be reproducible).
	Timings []Lap
	// Revision compares the release with the latest earlier one in the
	// archive (nil when there is none); revised cells carry Revised.
	Revision *kensho.Revision
	// passed is set only when the audit found nothing.
	passed bool
	// archive is what Archive writes (restricted: never published).
	archive *archivePayload
}

// Passed reports whether the audit passed. Publish refuses a Protected
// that did not.
func (p *Protected) Passed() bool { return p != nil && p.passed }

// AuditError is returned by Protect when the audit fails: the reasons,
// sorted. Nothing may be published.
type AuditError struct {
	Reasons []string
}

func (e *AuditError) Error() string {
	msg := fmt.Sprintf("disclosure audit failed; nothing is published / 秘匿監査に失敗したため公表しません (%d):", len(e.Reasons))
	for i, r := range e.Reasons {
		if i == 20 {
			msg += fmt.Sprintf("\n  ... and %d more", len(e.Reasons)-20)
			break
		}
		msg += "\n  " + r
	}
	return msg
}

// Options are the facts of the release Protect needs beyond the data.
type Options struct {
	// ReleaseDate is when the release is published: every reader knows
	// that no accident of a fiscal year lasted longer than from the start
	// of the year to it, which bounds user-hours in the model.
	ReleaseDate time.Time
	// Workers: components worked on at once (0: 2).
	Workers int
	// Version names the release: the archive's other releases are the
	// earlier ones every reader holds (releases.go).
	Version string
}

// Protect decides the status of every table cell and every class of the
// microdata extracts on the disclosure model (sdc/model), with the rules
// of cfg: primary suppression, then secondary suppression until every
// hidden figure is protected against a reader outside and against every
// operator (sdc/protect); then the audit bounds every hidden figure again,
// exactly (sdc/audit). It builds the extracts' records in the restricted
// database (extract_<name>). On an *AuditError the returned Protected
// carries the risk report for diagnosis and must not be published (Publish
// refuses it); on any other error it is nil.
func Protect(ctx context.Context, db *sql.DB, tables []kensho.StatTable, extracts []kensho.Extract, cfg Config, opt Options) (*Protected, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	if err := checkTableShapes(tables); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock := newStopwatch()
	years, err := modelYears(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	m, err := buildModel(tables, extracts, years)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	pub, err := loadPublicFacts(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	data, err := loadModelData(ctx, db, m, pub)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	// Every cell analytics computed is the model's column on the data
	// (Xᵀy): the model describes what is published, or nothing is.
	if err := checkModelAgrees(m, data, tables); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	// Every earlier release: the figures' changes since are checked by
	// the rules, and what did not change keeps its status.
	hist, err := loadHistory(ctx, db, opt.Version)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	keys, err := operatorKeys(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	ids := identities(m)
	forced := hist.earlier(m, ids, data, keys)
	clock.lap("model")
	q := quantileValues(m, tables)
	maxDur := maxDurations(years, opt.ReleaseDate)
	pr, err := protect.Protect(ctx, protect.Input{Model: m, Data: data, Rules: cfg.rules(), Quantile: q,
		MaxDurationMin: maxDur, Workers: opt.Workers, Forced: forced})
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	settleStars(m, pr.Pattern)
	clock.lap("protect")
	out, ds, err := applyPattern(tables, m, pr.Pattern)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	infos, err := writeExtracts(ctx, db, m, extracts, pr.Pattern)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock.lap("extracts")
	var asked exactLog
	exact, exactName := exactSolver(ctx, &asked)
	a, err := audit.Run(ctx, audit.Input{Model: m, Data: data, Rules: cfg.rules(), Pattern: pr.Pattern, Workers: opt.Workers, Hints: pr.Witnesses,
		Forced: forcedHidden(forced), Exact: exact})
	if err != nil {
		return nil, fmt.Errorf("protect: audit: %w", err)
	}
	// The extracts' files must hold exactly the released classes.
	if fails, err := checkExtracts(ctx, db, m, extracts, pr.Pattern); err != nil {
		return nil, fmt.Errorf("protect: audit: %w", err)
	} else {
		a.Failures = append(a.Failures, fails...)
	}
	a.Failures = append(a.Failures, checkForced(m, pr, forced, hist)...)
	slices.Sort(a.Failures)
	auditSeconds := clock.lap("audit")
	p := &Protected{Tables: out, Extracts: infos}
	p.Revision = markRevised(m, ids, pr.Pattern, p.Tables, hist)
	p.archive = newArchivePayload(m, ids, pr.Pattern, pr.Truth, pr.Req, keys, hist)
	p.Risk = newRiskReport(cfg, m, data, tables, out, pr, a, ds, infos)
	p.Risk.Audit.seconds = auditSeconds
	p.Risk.Audit.ExactSolver, p.Risk.Audit.ExactQuestions = exactName, int(asked.questions.Load())
	p.Risk.Audit.ExactFailures, p.Risk.Audit.ExactError = asked.failed()
	if p.Risk.WithheldYears, err = withheldYears(ctx, db); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock.lap("report")
	p.Timings = clock.laps
	if len(a.Failures) > 0 {
		return p, &AuditError{Reasons: a.Failures}
	}
	p.passed = true
	return p, nil
}

// exactSolver is the integer solver the audit asks where its own search
// leaves an extreme open: CBC when the cbc program is installed (Debian's
// coinor-cbc; KENSHO_CBC names another path, KENSHO_CBC=off none), and its
// name for the risk report; log counts the questions. Without it the audit
// is as sound — what it says is reached, whole points reach — but it may
// credit a reader with less than an exact solver finds (min_ratio below
// min_bound_ratio). A question CBC fails on (it stops on an internal
// assertion on some near-degenerate programmes) is answered "nothing
// found, nothing proved": the extreme stays as kensho's own search left
// it, as sound as without CBC, and the failure is counted and reported.
func exactSolver(ctx context.Context, log *exactLog) (model.ExactSolver, string) {
	c := lp.FindCBC()
	if c == nil {
		return nil, ""
	}
	return func(p *lp.Problem, integer []bool, terms []lp.Term) (lp.IntResult, error) {
		log.questions.Add(1)
		res, err := c.MaximizeInteger(ctx, p, integer, terms)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			log.fail(err)
			return lp.IntResult{Status: lp.IterationLimit, Best: math.Inf(-1), Bound: math.Inf(1)}, nil
		}
		return res, nil
	}, c.Version()
}

// exactLog counts the exact solver's questions and failures, from the
// audit's workers at once.
type exactLog struct {
	questions atomic.Int64
	mu        sync.Mutex
	failures  int
	first     string
}

func (l *exactLog) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == 0 {
		l.first = err.Error()
	}
	l.failures++
}

// failed is how many questions failed and the first failure's message.
func (l *exactLog) failed() (int, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures, l.first
}

// forcedHidden is the set of figures the history keeps hidden.
func forcedHidden(forced map[int]model.Status) map[int]bool {
	out := map[int]bool{}
	for id, st := range forced {
		if st != model.Published {
			out[id] = true
		}
	}
	return out
}

// modelYears lists the fiscal years deid_accident holds.
func modelYears(ctx context.Context, db *sql.DB) ([]int, error) {
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT fiscal_year FROM deid_accident ORDER BY 1")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	if len(out) == 0 && rows.Err() == nil {
		return nil, errors.New("deid_accident holds no accident")
	}
	return out, rows.Err()
}

// maxDurations is, per fiscal year, the longest any of its accidents can
// have lasted as a reader knows: from the start of the year to the
// release. Without a release date, no limit.
func maxDurations(years []int, release time.Time) map[int]float64 {
	if release.IsZero() {
		return nil
	}
	out := map[int]float64{}
	for _, y := range years {
		start := kensho.FiscalQuarter{Year: y, Quarter: 1}.Start()
		if d := release.Sub(start).Minutes(); d > 0 {
			out[y] = math.Ceil(d)
		}
	}
	return out
}

// checkModelAgrees compares every additive cell with the model's column
// evaluated on the data.
func checkModelAgrees(m *model.Model, data []*model.Data, tables []kensho.StatTable) error {
	idx := m.Index()
	var errs []error
	for _, t := range tables {
		for ri, r := range t.Rows {
			for mi, c := range r.Cells {
				if !t.Measures[mi].Additive() {
					continue
				}
				col := idx[model.Ref{Table: t.Name, Row: ri, Measure: mi}]
				var v float64
				if col != nil && col.Comp != nil {
					v = data[col.Comp.Index].Truth(col).Value
				}
				if math.Abs(v-c.Value) > 1e-6*math.Max(1, math.Abs(c.Value)) {
					errs = append(errs, fmt.Errorf("%s row %v %s: the table says %v, the disclosure model %v",
						t.Name, r.Key, t.Measures[mi].Name, c.Value, v))
				}
			}
		}
		if len(errs) > 20 {
			break
		}
	}
	return errors.Join(errs...)
}

// derivedStats counts derived cells by outcome, per table.
type derivedStats struct {
	published, suppressed, notApplicable map[string]int
}

// applyPattern copies the tables with every cell's status set from the
// pattern, suppressed and not-applicable values zeroed, and contributions
// and dependencies stripped. A derived cell is published only when every
// cell it is computed from is.
func applyPattern(tables []kensho.StatTable, m *model.Model, pat *model.Pattern) ([]kensho.StatTable, derivedStats, error) {
	idx := m.Index()
	status := func(ref kensho.CellRef) kensho.CellStatus {
		col := idx[model.Ref{Table: ref.Table, Row: ref.Row, Measure: ref.Measure}]
		if col == nil || pat.Status[col.ID] == model.Published {
			return kensho.Published // a structural zero, or published
		}
		return kensho.Suppressed
	}
	byName := map[string]*kensho.StatTable{}
	for i := range tables {
		byName[tables[i].Name] = &tables[i]
	}
	ds := derivedStats{map[string]int{}, map[string]int{}, map[string]int{}}
	var errs []error
	out := make([]kensho.StatTable, len(tables))
	for ti, t := range tables {
		nt := t
		nt.Filter = copyMap(t.Filter)
		nt.Dims = slices.Clone(t.Dims)
		nt.Measures = slices.Clone(t.Measures)
		nt.FiscalYears = slices.Clone(t.FiscalYears)
		nt.Rows = make([]kensho.Row, len(t.Rows))
		for ri, row := range t.Rows {
			nr := kensho.Row{Key: slices.Clone(row.Key), Cells: make([]kensho.Cell, len(row.Cells))}
			for mi, c := range row.Cells {
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				nc := kensho.Cell{Value: c.Value}
				if t.Measures[mi].Additive() {
					nc.Status = status(ref)
				} else {
					st, err := derivedStatus(byName, status, ref, c)
					if err != nil {
						errs = append(errs, err)
					}
					nc.Status = st
					switch st {
					case kensho.Published:
						ds.published[t.Name]++
					case kensho.Suppressed:
						ds.suppressed[t.Name]++
					default:
						ds.notApplicable[t.Name]++
					}
				}
				if nc.Status != kensho.Published {
					nc.Value = 0
				}
				if math.IsNaN(nc.Value) || math.IsInf(nc.Value, 0) {
					errs = append(errs, fmt.Errorf("%s: published value is not a finite number", refString(ref)))
				}
				nr.Cells[mi] = nc
			}
			nt.Rows[ri] = nr
		}
		out[ti] = nt
	}
	return out, ds, errors.Join(errs...)
}

// derivedStatus publishes a derived cell only when every additive cell it
// is computed from is published.
func derivedStatus(tables map[string]*kensho.StatTable, status func(kensho.CellRef) kensho.CellStatus, ref kensho.CellRef, c kensho.Cell) (kensho.CellStatus, error) {
	switch c.Status {
	case kensho.NotApplicable:
		return kensho.NotApplicable, nil
	case kensho.Unprotected:
	default:
		return kensho.Suppressed, fmt.Errorf("%s: a derived cell arrives with status %d; analytics must leave it Unprotected or NotApplicable", refString(ref), c.Status)
	}
	if len(c.DependsOn) == 0 {
		return kensho.Suppressed, fmt.Errorf("%s: a derived cell lists no cell it depends on", refString(ref))
	}
	for _, d := range c.DependsOn {
		t := tables[d.Table]
		if t == nil || d.Row < 0 || d.Row >= len(t.Rows) || d.Measure < 0 || d.Measure >= len(t.Measures) || !t.Measures[d.Measure].Additive() {
			return kensho.Suppressed, fmt.Errorf("%s: depends on %s, which is not an additive cell", refString(ref), refString(d))
		}
		if status(d) != kensho.Published {
			return kensho.Suppressed, nil
		}
	}
	return kensho.Published, nil
}

func refString(r kensho.CellRef) string {
	return r.Table + " row " + strconv.Itoa(r.Row) + " measure " + strconv.Itoa(r.Measure)
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func checkTableShapes(tables []kensho.StatTable) error {
	names := map[string]bool{}
	var errs []error
	for _, t := range tables {
		if t.Name == "" || names[t.Name] {
			errs = append(errs, fmt.Errorf("table name %q is empty or repeated", t.Name))
		}
		names[t.Name] = true
		for ri, r := range t.Rows {
			if len(r.Key) != len(t.Dims) || len(r.Cells) != len(t.Measures) {
				errs = append(errs, fmt.Errorf("table %s row %d: %d keys and %d cells for %d dims and %d measures",
					t.Name, ri, len(r.Key), len(r.Cells), len(t.Dims), len(t.Measures)))
			}
		}
		for _, m := range t.Measures {
			switch m.Magnitude {
			case "", kensho.MagAccidents, kensho.MagAffectedUsers, kensho.MagUserHours:
			default:
				errs = append(errs, fmt.Errorf("table %s measure %s: unknown magnitude %q", t.Name, m.Name, m.Magnitude))
			}
		}
	}
	return errors.Join(errs...)
}

// Lap is the duration of one step of Protect.
type Lap struct {
	Step    string
	Seconds float64
}

type stopwatch struct {
	last time.Time
	laps []Lap
}

func newStopwatch() *stopwatch { return &stopwatch{last: time.Now()} }

func (s *stopwatch) lap(step string) float64 {
	now := time.Now()
	d := now.Sub(s.last).Seconds()
	s.last = now
	s.laps = append(s.laps, Lap{step, d})
	return d
}
