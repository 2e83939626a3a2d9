package anonymize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kensho-jp/kensho"
)

// Protected is the outcome of Protect: tables whose every cell has a status,
// with suppressed values removed and contributions stripped, the microdata's
// description, and the disclosure-risk report.
type Protected struct {
	Tables    []kensho.StatTable
	Risk      *RiskReport
	Microdata kensho.MicrodataInfo
	// Timings lists how long each step took (for benchmarks and --verbose;
	// never written to a file that must be reproducible).
	Timings []Lap
	// passed is set only when the independent audit found nothing.
	passed bool
	// mdColumns spell out the published fields from microdata_release_packed's
	// pk, for the release database's view.
	mdColumns []string
}

// Passed reports whether the independent audit passed. Publish refuses a
// Protected that did not.
func (p *Protected) Passed() bool { return p != nil && p.passed }

// magnitudes in the order they are processed.
var magnitudes = []kensho.Magnitude{kensho.MagAccidents, kensho.MagAffectedUsers, kensho.MagUserHours}

// AuditError is returned by Protect when the independent audit fails: the
// reasons, sorted. Nothing may be published.
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

// Protect decides every cell's status (primary rules per operator, then
// secondary suppression over all tables and years), builds the microdata in
// the restricted database (view microdata_release), and runs the
// independent audit. On an *AuditError the returned Protected carries the
// risk report for diagnosis and must not be published (Publish refuses it);
// on any other error it is nil. A *CappedError means a fiscal year's
// figures cannot be published in any form.
func Protect(ctx context.Context, db *sql.DB, tables []kensho.StatTable, cfg Config) (*Protected, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	if err := checkTableShapes(tables); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock := newStopwatch()
	cat, err := newCatalog(ctx, db, tables)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	var engines []*engine
	for _, mag := range magnitudes {
		if !usesMagnitude(tables, mag) {
			continue
		}
		s, err := buildSystem(cat, tables, mag)
		if err != nil {
			return nil, fmt.Errorf("protect: %w", err)
		}
		e := newEngine(cfg, s)
		e.contribOf = contribLoader(ctx, db, s)
		e.markPrimary()
		if err := e.run(ctx, nil); err != nil {
			return nil, fmt.Errorf("protect: %w", err)
		}
		for id := range e.verified {
			e.passedA[id] = true
		}
		engines = append(engines, e)
		clock.lap("tables " + string(mag))
	}
	// The microdata, then the tables again with what the microdata tells.
	// A level abandoned for withholding too much leaves no trace in the
	// tables: partners it added are taken back.
	var before [][]bool
	for _, e := range engines {
		flags := make([]bool, len(e.s.cells))
		for i, c := range e.s.cells {
			flags[i] = c.secondary
		}
		before = append(before, flags)
	}
	coding, err := newCoding(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	defer dropScratch(ctx, db)
	var md *microdata
	var steps []LadderStep
	for level := 0; ; {
		for k, e := range engines {
			for i, c := range e.s.cells {
				c.secondary = before[k][i]
			}
		}
		md, err = buildMicrodata(ctx, db, cfg, coding, level)
		if err != nil {
			return nil, fmt.Errorf("protect: %w", err)
		}
		clock.lap("microdata")
		steps = append(steps, md.steps...)
		md.steps = steps
		for _, e := range engines {
			e.bounds = &mdBounds{md: md, mag: e.s.mag}
			e.verified = map[int]bool{}
			err := e.run(ctx, func(f []failure) (bool, error) { return md.repair(e.s, f), nil })
			if err != nil {
				return nil, fmt.Errorf("protect: %w", err)
			}
		}
		clock.lap("tables with microdata")
		_, _, _, dc, dl := md.counts()
		over := float64(dc+dl) > cfg.Microdata.MaxDroppedPct/100*float64(md.total)
		if over && md.level < len(microdataLadder) {
			md.steps[len(md.steps)-1].Chosen = false
			level = md.level + 1
			continue
		}
		break
	}
	mdColumns, err := md.write(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock.lap("microdata write")
	out, derived, err := applyStatuses(tables, engines)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	p := &Protected{Tables: out, Microdata: microdataInfo(md), mdColumns: mdColumns}
	p.Risk = newRiskReport(cfg, tables, out, engines, md, derived)
	if p.Risk.WithheldYears, err = withheldYears(ctx, db); err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	clock.lap("statuses and report")
	audit, err := runAudit(ctx, db, cfg, tables, out)
	if err != nil {
		return nil, fmt.Errorf("protect: audit: %w", err)
	}
	audit.summary.seconds = clock.lap("audit")
	p.Timings = append(clock.laps, audit.laps...)
	p.Risk.setAudit(audit)
	if len(audit.failures) > 0 {
		return p, &AuditError{Reasons: audit.failures}
	}
	p.passed = true
	return p, nil
}

func usesMagnitude(tables []kensho.StatTable, mag kensho.Magnitude) bool {
	for _, t := range tables {
		for _, m := range t.Measures {
			if m.Magnitude == mag {
				return true
			}
		}
	}
	return false
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

// derivedStats counts derived cells by outcome, per table.
type derivedStats struct {
	published, suppressed, notApplicable map[string]int
}

// applyStatuses copies the tables with every cell's status set, suppressed
// and not-applicable values zeroed, and contributions and dependencies
// stripped.
func applyStatuses(tables []kensho.StatTable, engines []*engine) ([]kensho.StatTable, derivedStats, error) {
	status := map[kensho.CellRef]kensho.CellStatus{}
	for _, e := range engines {
		for _, c := range e.s.cells {
			for _, r := range c.refs {
				if c.suppressed() {
					status[r] = kensho.Suppressed
				} else {
					status[r] = kensho.Published
				}
			}
		}
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
		nt.Dims = append([]kensho.Dim(nil), t.Dims...)
		nt.Measures = append([]kensho.Measure(nil), t.Measures...)
		nt.FiscalYears = append([]int(nil), t.FiscalYears...)
		nt.Rows = make([]kensho.Row, len(t.Rows))
		for ri, row := range t.Rows {
			nr := kensho.Row{Key: append([]string(nil), row.Key...), Cells: make([]kensho.Cell, len(row.Cells))}
			for mi, c := range row.Cells {
				ref := kensho.CellRef{Table: t.Name, Row: ri, Measure: mi}
				nc := kensho.Cell{Value: c.Value}
				if t.Measures[mi].Additive() {
					st, ok := status[ref]
					if !ok {
						st = kensho.Published // a structural zero, outside the model
						if c.Value != 0 {
							errs = append(errs, fmt.Errorf("%s: no status decided", refString(ref)))
						}
					}
					nc.Status = st
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

// derivedStatus publishes a derived cell only when every additive cell it is
// computed from is published.
func derivedStatus(tables map[string]*kensho.StatTable, status map[kensho.CellRef]kensho.CellStatus, ref kensho.CellRef, c kensho.Cell) (kensho.CellStatus, error) {
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
		st, ok := status[d]
		if !ok {
			st = kensho.Published // structural zero
		}
		if st != kensho.Published {
			return kensho.Suppressed, nil
		}
	}
	return kensho.Published, nil
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

// microdataInfo describes the released file for the data dictionary.
func microdataInfo(md *microdata) kensho.MicrodataInfo {
	released, _, _, _, _ := md.counts()
	info := kensho.MicrodataInfo{Rows: released}
	info.Columns = append(info.Columns, kensho.FieldSchema{Name: "record_id", Type: "integer",
		Title: kensho.Text{Ja: "レコード番号 (公表項目で並べ替えた後に付番。意味を持たない)", En: "record number (assigned after sorting by the published fields; carries no meaning)"}})
	for _, f := range microdataFields {
		info.Columns = append(info.Columns, kensho.FieldSchema{Name: f.Name, Type: f.Type, Title: f.Title, Codes: f.Codes})
	}
	return info
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
	for i := range s.laps {
		if s.laps[i].Step == step {
			s.laps[i].Seconds += d
			return d
		}
	}
	s.laps = append(s.laps, Lap{step, d})
	return d
}
