// Package synth generates synthetic quarterly accident reports — the files
// telecom operators submit and the regulator exports — for kensho's demo,
// tests and benchmarks, in exactly the input contract of
// docs/report-format.md.
//
// The reports are realistic stand-ins for confidential ones: a heavy-tailed
// population of fictional operators, each with its home region, its services
// and its own equipment models; volumes, cause mix, affected users and
// durations calibrated to published figures of the annual verification
// report (params.go says which number comes from where); typhoons, heavy
// rain, snow and the occasional earthquake that hits many operators at
// once; a handful of serious accidents a year; free text that names
// operators, buildings and models so that anonymization has something real
// to remove. Operators write dates, codes, numbers and booleans in the
// different ways the contract allows.
//
// Output is deterministic: the same Config gives byte-identical files,
// XLSX included. Generation streams: beyond the population, only one file's
// corrections, the year's few events and serious accidents, and the list of
// files written are held in memory, whatever the scale.
//
// synth must never produce a real operator's name, a real person's name or
// contact, or a real vendor's model, and without Errors it must never write
// a row that breaks a rule of the input contract.
package synth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
)

// Config says what to generate.
type Config struct {
	Seed int64
	// From and To are the fiscal years to generate, inclusive (default
	// DefaultFrom..DefaultTo). From may not be before FY2008, when the
	// report as specified (degradations included) began.
	From, To int
	// Scale multiplies the national volume (1 = about 57,000 reports a
	// year; default 1).
	Scale float64
	// Operators is the size of the population (0 = the default, about 160;
	// see DefaultOperators). It changes how the volume is split, not the
	// volume.
	Operators int
	// Format is "csv" (UTF-8), "cp932", "xlsx", or "mixed": each operator
	// saves in its own format, the regulator's exports are CP932 before
	// FY2016 and UTF-8 after. Default "csv".
	Format string
	// Layout is "operator" (one file per operator, quarter and form, as
	// submitted), "export" (one consolidated file per quarter, as the
	// regulator exports), or "mixed" (exports for every year but the last,
	// submissions for the last). Default "operator".
	Layout string
	// Errors is the share of rows with a realistic mistake (see
	// ErrorKinds); 0 = none, and then every row is valid.
	Errors float64
	// Corrections is the share of accidents re-reported in a later file
	// (訂正報告) with a changed value; 0 = none.
	Corrections float64
	// PublicFacts, when set, is the path of a register of public facts
	// to write for the data (docs/public-facts.md, public.go): every
	// accident filed as serious, as the ministry would announce it. It
	// must lie outside the output directory, where it would be read as a
	// report.
	PublicFacts string
}

// Defaults of Config.
const (
	DefaultFrom = 2015
	DefaultTo   = 2024
)

// Formats and layouts.
var (
	Formats = []string{"csv", "cp932", "xlsx", "mixed"}
	Layouts = []string{"operator", "export", "mixed"}
)

// WithDefaults fills in the defaults of the zero fields and checks the
// config, returning every problem at once.
func (c Config) WithDefaults() (Config, error) {
	if c.From == 0 && c.To == 0 {
		c.From, c.To = DefaultFrom, DefaultTo
	}
	if c.From == 0 {
		c.From = c.To
	}
	if c.To == 0 {
		c.To = c.From
	}
	if c.Scale == 0 {
		c.Scale = 1
	}
	if c.Format == "" {
		c.Format = "csv"
	}
	if c.Layout == "" {
		c.Layout = "operator"
	}
	var errs []error
	if c.From < kensho.DegradationCountedFrom || c.To > 2100 || c.To < c.From {
		errs = append(errs, fmt.Errorf("fiscal years %d..%d: want %d <= from <= to <= 2100", c.From, c.To, kensho.DegradationCountedFrom))
	}
	if !(c.Scale > 0 && c.Scale <= 1000) {
		errs = append(errs, fmt.Errorf("scale %g: want 0 < scale <= 1000", c.Scale))
	}
	if c.Operators < 0 || c.Operators > 100000 {
		errs = append(errs, fmt.Errorf("operators %d: want 0 (default) to 100000", c.Operators))
	}
	if !contains(Formats, c.Format) {
		errs = append(errs, fmt.Errorf("format %q: want one of %s", c.Format, strings.Join(Formats, ", ")))
	}
	if !contains(Layouts, c.Layout) {
		errs = append(errs, fmt.Errorf("layout %q: want one of %s", c.Layout, strings.Join(Layouts, ", ")))
	}
	if !(c.Errors >= 0 && c.Errors <= 1) {
		errs = append(errs, fmt.Errorf("errors %g: want a share between 0 and 1", c.Errors))
	}
	if !(c.Corrections >= 0 && c.Corrections <= 1) {
		errs = append(errs, fmt.Errorf("corrections %g: want a share between 0 and 1", c.Corrections))
	}
	return c, errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// layoutFor is the layout of a fiscal year.
func (c Config) layoutFor(fy int) string {
	if c.Layout == "mixed" {
		if fy == c.To {
			return "operator"
		}
		return "export"
	}
	return c.Layout
}

// YearForm keys the counts of a Summary: a fiscal year and a form code
// (full, simplified).
type YearForm struct {
	FiscalYear int
	Form       string
}

// Summary is what Generate wrote. Every count but Rows, Corrections and
// ErrorRows is over valid accidents, in their final (corrected) version —
// what ingest should end up with.
type Summary struct {
	Files       []string // paths relative to the output directory, slash-separated, sorted
	Rows        int64    // data rows written: Accidents + ErrorRows + Corrections
	Accidents   int64    // valid accidents
	Corrections int64    // rows that re-report an earlier accident
	ErrorRows   int64    // rows with an injected mistake
	// ErrorsByKind counts injected mistakes by kind (ErrorKinds).
	ErrorsByKind        map[string]int64
	RowsByYearForm      map[YearForm]int64 // valid accidents by fiscal year and form
	OperatorsByYearForm map[YearForm]int   // operators with a valid accident, by fiscal year and form
	Operators           int                // operators with at least one valid accident
	// CauseGroups counts valid accidents by form code and cause group code.
	CauseGroups      map[string]map[string]int64
	UnderFiveHundred int64 // valid accidents affecting fewer than 500 users
	MeetsSerious     int64 // valid accidents meeting kensho.MeetsSeriousCriteria
	ReportedSerious  int64 // of those, filed with 報告区分 重大
	// Disasters maps each 災害名 to the number of operators that reported it.
	Disasters map[string]int
}

func newSummary() *Summary {
	return &Summary{
		ErrorsByKind: map[string]int64{}, RowsByYearForm: map[YearForm]int64{}, OperatorsByYearForm: map[YearForm]int{},
		CauseGroups: map[string]map[string]int64{"full": {}, "simplified": {}}, Disasters: map[string]int{},
	}
}

// tally accumulates a Summary; the operator sets are bounded by the
// population size.
type tally struct {
	sum        *Summary
	opsYF      map[YearForm]map[int]bool
	ops        map[int]bool
	disasterOp map[string]map[int]bool
}

func newTally() *tally {
	return &tally{sum: newSummary(), opsYF: map[YearForm]map[int]bool{}, ops: map[int]bool{}, disasterOp: map[string]map[int]bool{}}
}

func (t *tally) add(a *accident, errKind string) {
	s := t.sum
	s.Rows++
	if errKind != "" {
		s.ErrorRows++
		s.ErrorsByKind[errKind]++
		return
	}
	s.Accidents++
	yf := YearForm{a.fy, formCodes[a.form]}
	s.RowsByYearForm[yf]++
	if t.opsYF[yf] == nil {
		t.opsYF[yf] = map[int]bool{}
	}
	t.opsYF[yf][a.op.index] = true
	t.ops[a.op.index] = true
	s.CauseGroups[yf.Form][causeGroupOf(a.cause)]++
	if a.users < 500 {
		s.UnderFiveHundred++
	}
	if meetsSerious(a.thresholds()) {
		s.MeetsSerious++
		if a.reportType == "serious" {
			s.ReportedSerious++
		}
	}
	if a.disaster != "" {
		if t.disasterOp[a.disaster] == nil {
			t.disasterOp[a.disaster] = map[int]bool{}
		}
		t.disasterOp[a.disaster][a.op.index] = true
	}
}

func (t *tally) finish() *Summary {
	s := t.sum
	for yf, ops := range t.opsYF {
		s.OperatorsByYearForm[yf] = len(ops)
	}
	for d, ops := range t.disasterOp {
		s.Disasters[d] = len(ops)
	}
	s.Operators = len(t.ops)
	sort.Strings(s.Files) // deterministic listing
	return s
}

// run is one generation: the generator, the tally and the per-operator
// running numbers of the current fiscal year.
type run struct {
	ctx   context.Context
	cfg   Config
	g     *generator
	t     *tally
	seq   [][2]int
	out   string
	nrows int64
	// public are the accidents of the register of public facts
	// (Config.PublicFacts).
	public []publicFact
}

func newRun(ctx context.Context, cfg Config, out string) *run {
	pop := newPopulation(cfg.Seed, cfg.Operators)
	return &run{ctx: ctx, cfg: cfg, out: out, t: newTally(), seq: make([][2]int, len(pop.ops)),
		g: &generator{seed: cfg.Seed, scale: cfg.Scale, pop: pop}}
}

func (r *run) startYear() {
	for i := range r.seq {
		r.seq[i] = [2]int{}
	}
}

// process numbers an accident, renders its row, injects a mistake if drawn,
// tallies it, and returns its cells and, if drawn, its later correction.
func (r *run) process(a *accident, cols []kensho.InputColumn, st style, xlsx bool) ([]any, *accident) {
	r.seq[a.op.index][a.form]++
	a.seq = r.seq[a.op.index][a.form]
	keys := []uint64{uint64(a.fy), uint64(a.op.index), uint64(a.form), uint64(a.seq)}
	cells := render(a, cols, st, xlsx)
	kind := ""
	if r.cfg.Errors > 0 {
		er := newRNG(r.cfg.Seed, append([]uint64{tagError}, keys...)...)
		if er.chance(r.cfg.Errors) {
			kind = injectError(er, a, cols, cells, st)
		}
	}
	var corr *accident
	if r.cfg.Corrections > 0 && kind == "" {
		cr := newRNG(r.cfg.Seed, append([]uint64{tagCorrection}, keys...)...)
		if cr.chance(r.cfg.Corrections) {
			corr = correct(cr, a)
		}
	}
	final := a
	if corr != nil {
		final = corr
	}
	r.t.add(final, kind)
	if kind == "" {
		r.notePublic(final)
	}
	r.nrows++
	return cells, corr
}

// checkCtx polls the context every few thousand rows.
func (r *run) checkCtx() error {
	if r.nrows%4096 == 0 {
		return r.ctx.Err()
	}
	return nil
}

// Generate writes the reports of cfg into outDir and returns what it wrote.
// Files go under outDir/FY<year>/; Generate never overwrites a file (remove
// an earlier output first), and a file appears under its name only when
// complete.
func Generate(ctx context.Context, cfg Config, outDir string) (*Summary, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if outDir == "" {
		return nil, errors.New("synth: no output directory")
	}
	if cfg.PublicFacts != "" {
		if rel, err := filepath.Rel(outDir, cfg.PublicFacts); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("synth: the register of public facts %s lies inside --out %s, where it would be read as a report; write it elsewhere", cfg.PublicFacts, outDir)
		}
	}
	r := newRun(ctx, cfg, outDir)
	for fy := cfg.From; fy <= cfg.To; fy++ {
		p := r.g.plan(fy)
		r.startYear()
		for q := 1; q <= 4; q++ {
			var err error
			if cfg.layoutFor(fy) == "export" {
				err = r.writeExport(p, q)
			} else {
				err = r.writeSubmissions(p, q)
			}
			if err != nil {
				return nil, fmt.Errorf("synth: %w", err)
			}
		}
	}
	if cfg.PublicFacts != "" {
		if err := r.writePublicFacts(cfg.PublicFacts); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return r.t.finish(), nil
}

// formatFor is the file format of an operator's submission or of an export.
func (r *run) formatFor(op *operator, fy int) string {
	if r.cfg.Format != "mixed" {
		return r.cfg.Format
	}
	if op != nil {
		return op.style.format
	}
	if fy < 2016 {
		return "cp932"
	}
	return "csv"
}

// open creates a sheet at rel (relative to the output directory), failing
// if a file is already there.
func (r *run) open(rel, format string, st style, tb titleBlock) (sheet, error) {
	final := filepath.Join(r.out, filepath.FromSlash(rel))
	if _, err := os.Lstat(final); err == nil {
		return nil, fmt.Errorf("%s already exists: remove the earlier output or choose an empty --out directory / 既に存在します。以前の出力を削除するか、空のディレクトリを指定してください", final)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, err
	}
	r.t.sum.Files = append(r.t.sum.Files, rel)
	if format == "xlsx" {
		return newXLSXSheet(final, st, tb)
	}
	f, err := os.OpenFile(final+".part", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	s, err := newCSVSheet(f, st, format == "cp932")
	if err != nil {
		f.Close()
		os.Remove(final + ".part")
		return nil, err
	}
	s.f, s.path, s.final = f, final+".part", final
	return s, nil
}

func ext(format string) string {
	if format == "xlsx" {
		return ".xlsx"
	}
	return ".csv"
}

func headers(cols []kensho.InputColumn, st style) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = headerText(c, st)
	}
	return out
}

// submittedAt is when a quarter's report was filed (the XLSX document
// date): 10 to 40 days after the quarter, at 10:00 JST — fixed for a seed.
func submittedAt(fq kensho.FiscalQuarter, key uint64) time.Time {
	return fq.End().AddDate(0, 0, 10+int(splitmix64(key)%31)).Add(10 * time.Hour)
}

// writeSubmissions writes one file per operator and form for quarter q,
// each followed by its corrections file if any of its rows is re-reported.
func (r *run) writeSubmissions(p *yearPlan, q int) error {
	fq := kensho.FiscalQuarter{Year: p.fy, Quarter: q}
	for _, op := range r.g.pop.ops {
		for f := range 2 {
			format := r.formatFor(op, p.fy)
			st := op.style
			hasSerious := false
			if f == formFull {
				for _, s := range p.serious {
					hasSerious = hasSerious || (s.op == op.index && fq.Contains(s.day))
				}
			}
			cols := columnsFor(st, hasSerious)
			base := fmt.Sprintf("FY%d/Q%d/%s_FY%dQ%d_%s", p.fy, q, op.id, p.fy, q, formCodes[f])
			tb := operatorTitle(op, fq, f, false, uint64(op.index)<<8|uint64(q)<<2|uint64(f))
			var sh sheet
			var corrs []*accident
			emit := func(a *accident) error {
				if sh == nil {
					var err error
					if sh, err = r.open(base+ext(format), format, st, tb); err != nil {
						return err
					}
					if err := sh.header(headers(cols, st)); err != nil {
						return err
					}
				}
				cells, corr := r.process(a, cols, st, format == "xlsx")
				if corr != nil {
					corrs = append(corrs, corr)
				}
				if err := sh.row(cells); err != nil {
					return err
				}
				return r.checkCtx()
			}
			if err := r.g.quarterAccidents(p, q, op, f, emit); err != nil {
				if sh != nil {
					sh.abort()
				}
				return err
			}
			if sh != nil {
				if err := sh.close(); err != nil {
					return err
				}
			}
			if len(corrs) > 0 {
				tb := operatorTitle(op, fq, f, true, uint64(op.index)<<8|uint64(q)<<2|uint64(f)|1<<40)
				if err := r.writeCorrections(base+"_teisei"+ext(format), format, st, tb, corrs); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// writeExport writes the regulator's consolidated file for quarter q:
// every operator, both forms, in one uniform style; then a corrections file
// with the quarter's re-reported rows, if any.
func (r *run) writeExport(p *yearPlan, q int) error {
	fq := kensho.FiscalQuarter{Year: p.fy, Quarter: q}
	format := r.formatFor(nil, p.fy)
	st := exportStyle
	cols := columnsFor(st, true)
	base := fmt.Sprintf("FY%d/FY%dQ%d_export", p.fy, p.fy, q)
	tb := exportTitle(fq, false)
	sh, err := r.open(base+ext(format), format, st, tb)
	if err != nil {
		return err
	}
	if err := sh.header(headers(cols, st)); err != nil {
		sh.abort()
		return err
	}
	var corrs []*accident
	emit := func(a *accident) error {
		cells, corr := r.process(a, cols, st, format == "xlsx")
		if corr != nil {
			corrs = append(corrs, corr)
		}
		if err := sh.row(cells); err != nil {
			return err
		}
		return r.checkCtx()
	}
	for _, op := range r.g.pop.ops {
		for f := range 2 {
			if err := r.g.quarterAccidents(p, q, op, f, emit); err != nil {
				sh.abort()
				return err
			}
		}
	}
	if err := sh.close(); err != nil {
		return err
	}
	if len(corrs) > 0 {
		return r.writeCorrections(base+"_teisei"+ext(format), format, st, exportTitle(fq, true), corrs)
	}
	return nil
}

func (r *run) writeCorrections(rel, format string, st style, tb titleBlock, corrs []*accident) error {
	hasSerious := false
	for _, a := range corrs {
		hasSerious = hasSerious || a.reportType == "serious"
	}
	cols := columnsFor(st, hasSerious)
	sh, err := r.open(rel, format, st, tb)
	if err != nil {
		return err
	}
	if err := sh.header(headers(cols, st)); err != nil {
		sh.abort()
		return err
	}
	for _, a := range corrs {
		if err := sh.row(render(a, cols, st, format == "xlsx")); err != nil {
			sh.abort()
			return err
		}
		r.t.sum.Rows++
		r.t.sum.Corrections++
	}
	return sh.close()
}

func quarterText(fq kensho.FiscalQuarter) string {
	end := fq.End().AddDate(0, 0, -1)
	return fmt.Sprintf("%d年度 第%d四半期（%s～%s）", fq.Year, fq.Quarter, fq.Start().Format("2006年1月2日"), end.Format("2006年1月2日"))
}

// operatorTitle is the title block of an operator's XLSX submission.
func operatorTitle(op *operator, fq kensho.FiscalQuarter, f int, correction bool, key uint64) titleBlock {
	title := "電気通信事故 四半期報告書（" + labelJa(kensho.Forms, formCodes[f]) + "様式）"
	if correction {
		title += " 訂正報告"
	}
	at := submittedAt(fq, key)
	if correction {
		at = at.AddDate(0, 1, 0)
	}
	return titleBlock{
		lines: [][]string{
			{title},
			{"事業者名：" + op.name},
			{"登録・届出番号：" + op.id},
			{"対象期間：" + quarterText(fq)},
			{"作成日：" + at.Format("2006年1月2日")},
		},
		created: at,
		author:  op.contactFor(fq.Year),
	}
}

// exportTitle is the title block of the regulator's XLSX export.
func exportTitle(fq kensho.FiscalQuarter, correction bool) titleBlock {
	title := "電気通信事故 四半期報告 集計データ"
	if correction {
		title += "（訂正分）"
	}
	at := fq.End().AddDate(0, 2, 0).Add(9 * time.Hour)
	if correction {
		at = at.AddDate(0, 1, 0)
	}
	return titleBlock{
		lines:   [][]string{{title}, {"対象期間：" + quarterText(fq)}, {"出力日：" + at.Format("2006年1月2日")}},
		created: at,
		author:  "電気通信事故報告システム",
	}
}

// WriteRows streams one UTF-8 CSV of the regulator's export style to w: a
// header and the first n rows of cfg's consolidated stream (every operator,
// both forms, quarter by quarter from cfg.From), continuing past cfg.To
// into later fiscal years until n rows are written; n <= 0 writes all rows
// of cfg.From..cfg.To. cfg.Format, cfg.Layout and cfg.Corrections are
// ignored (a key repeated within one file would not be a correction).
// It returns the number of data rows written. Memory stays bounded for any
// n, so it serves ingest benchmarks at millions of rows.
func WriteRows(ctx context.Context, cfg Config, n int64, w io.Writer) (int64, error) {
	cfg.Format, cfg.Layout, cfg.Corrections = "csv", "export", 0
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return 0, fmt.Errorf("synth: %w", err)
	}
	r := newRun(ctx, cfg, "")
	st := exportStyle
	st.bom = false
	cols := columnsFor(st, true)
	sh, err := newCSVSheet(w, st, false)
	if err != nil {
		return 0, fmt.Errorf("synth: %w", err)
	}
	if err := sh.header(headers(cols, st)); err != nil {
		return 0, fmt.Errorf("synth: %w", err)
	}
	errDone := errors.New("done")
	for fy := cfg.From; n > 0 || fy <= cfg.To; fy++ {
		if fy > 2100 {
			break
		}
		p := r.g.plan(fy)
		r.startYear()
		for q := 1; q <= 4; q++ {
			for _, op := range r.g.pop.ops {
				for f := range 2 {
					err := r.g.quarterAccidents(p, q, op, f, func(a *accident) error {
						if n > 0 && r.nrows >= n {
							return errDone
						}
						cells, _ := r.process(a, cols, st, false)
						if err := sh.row(cells); err != nil {
							return err
						}
						return r.checkCtx()
					})
					if errors.Is(err, errDone) {
						return r.nrows, sh.flush()
					}
					if err != nil {
						return r.nrows, fmt.Errorf("synth: %w", err)
					}
				}
			}
		}
	}
	if err := sh.flush(); err != nil {
		return r.nrows, fmt.Errorf("synth: %w", err)
	}
	return r.nrows, nil
}
