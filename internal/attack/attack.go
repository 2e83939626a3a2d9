// Package attack is kensho's independent attacker: it reads only what a
// release publishes (the table CSVs, the record-level extracts and the code
// lists under data/), builds its own model of the accidents behind them,
// and bounds every withheld figure by linear and integer programming — as
// a reader outside, and as an operator that adds what it knows of its own
// accidents.
//
// It must never import a kensho package: it checks the disclosure control
// (anonymize, sdc/*) and shares no code, model or relation with it. Every
// relation it uses is derived from the published files (a test enforces the
// imports). The solver is HiGHS through SciPy, run as a python3 subprocess.
package attack

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
)

// Attacker holds the model of every fiscal year of a release.
type Attacker struct {
	Pub    *Publication
	Years  []string
	Models map[string]*yearModel
	// Zeros are the structural zeros derived from the code lists.
	Zeros []zeroRule
	// Parallel is how many years are solved at once.
	Parallel int
	// TimeLimit bounds each integer programme (seconds); the solver's dual
	// bound is used, so a stopped search still gives a valid interval.
	TimeLimit float64
}

// New builds the attacker's model of a publication.
func New(pub *Publication) (*Attacker, error) {
	a := &Attacker{Pub: pub, Models: map[string]*yearModel{}, Parallel: 2, TimeLimit: 20}
	a.Zeros = pub.Codes.implications(pub.boolDims())
	byYear := map[string][]*Figure{}
	for _, f := range append(pub.figures(), pub.Probes...) {
		if f.Year != "" {
			byYear[f.Year] = append(byYear[f.Year], f)
		}
	}
	for y := range byYear {
		a.Years = append(a.Years, y)
	}
	sort.Strings(a.Years)
	for _, y := range a.Years {
		m, err := pub.buildYear(y, byYear[y], a.Zeros)
		if err != nil {
			return nil, fmt.Errorf("attack: fiscal year %s: %w", y, err)
		}
		a.Models[y] = m
	}
	return a, nil
}

// Bound is the attacker's interval for one withheld figure.
type Bound struct {
	Fig *Figure
	Interval
}

// View is what a reader knows beyond the publication: nothing (the
// outsider, nil) or one operator's own accidents.
type View struct {
	Name    string
	Records []OwnRecord
}

// OwnRecord is one of an operator's own accidents with the published
// fields (fiscal_year, form, cause, service, equipment, region, ...), its
// affected users and user-hours.
type OwnRecord struct {
	Fields map[string]string
	Mags   map[string]float64
}

// Bounds bounds the withheld figures that keep selects (nil: all) for a
// view (nil: the outsider), by linear programming or, with integer,
// integer programming.
func (a *Attacker) Bounds(ctx context.Context, v *View, integer bool, keep func(*Figure) bool) ([]Bound, error) {
	all, err := a.BoundsViews(ctx, []*View{v}, integer, func(_ int, f *Figure) bool { return keep == nil || keep(f) })
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// BoundsViews bounds, for each view, the withheld figures keep selects
// for it: one solver process per fiscal year serves every view.
func (a *Attacker) BoundsViews(ctx context.Context, views []*View, integer bool, keep func(view int, f *Figure) bool) ([][]Bound, error) {
	type job struct {
		year  string
		views []int
		tgs   [][]target
	}
	var jobs []job
	for _, y := range a.Years {
		j := job{year: y}
		for vi := range views {
			var tg []target
			for _, t := range a.Models[y].targets {
				if keep(vi, t.fig) {
					tg = append(tg, t)
				}
			}
			if len(tg) > 0 {
				j.views = append(j.views, vi)
				j.tgs = append(j.tgs, tg)
			}
		}
		if len(j.views) > 0 {
			jobs = append(jobs, j)
		}
	}
	results := make([][][]Bound, len(jobs))
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, max(1, a.Parallel))
	var wg sync.WaitGroup
	for ji, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			m := a.Models[j.year]
			scs := make([]scenario, len(j.views))
			for k, vi := range j.views {
				if v := views[vi]; v != nil {
					scs[k].RaiseI, scs[k].RaiseV = m.own(a.Pub.Codes, v.Records)
				}
				for _, t := range j.tgs[k] {
					scs[k].Objectives = append(scs[k].Objectives, objective{I: t.idx, A: ones(len(t.idx))})
				}
			}
			res, err := m.solve(ctx, scs, integer, a.TimeLimit)
			if err != nil {
				errs[ji] = err
				return
			}
			results[ji] = make([][]Bound, len(j.views))
			for k := range j.views {
				for i, t := range j.tgs[k] {
					iv := res[k][i]
					if t.fig.magnitude() != "" {
						iv.Lo, iv.Hi = iv.Lo*magScale, iv.Hi*magScale
					}
					if t.fig.Measure == "accidents" {
						// A count is whole: its bounds round inward.
						iv.Lo, iv.Hi = math.Ceil(iv.Lo-1e-6), math.Floor(iv.Hi+1e-6)
					}
					results[ji][k] = append(results[ji][k], Bound{Fig: t.fig, Interval: iv})
				}
			}
		}()
	}
	wg.Wait()
	out := make([][]Bound, len(views))
	for ji, j := range jobs {
		if errs[ji] != nil {
			return nil, errs[ji]
		}
		for k, vi := range j.views {
			out[vi] = append(out[vi], results[ji][k]...)
		}
	}
	return out, nil
}

// own returns the lower bounds an operator's own accidents put on the
// variables: its count in every atom, its magnitudes in every atom of the
// magnitude clique.
func (m *yearModel) own(codes *Codes, recs []OwnRecord) ([]int, []float64) {
	c := m.component
	low := map[int]float64{}
	for _, r := range recs {
		if r.Fields["fiscal_year"] != c.year {
			continue
		}
		sel := map[string]string{}
		for k, v := range r.Fields {
			if k == "fiscal_year" {
				continue
			}
			b, _ := codes.base(k)
			if _, ok := c.dimIdx[b]; !ok {
				continue
			}
			if k == "disaster" && v == "" {
				v = noDisaster
			}
			sel[k] = v
		}
		s, ok, err := c.specOf(codes, sel)
		if err != nil || !ok {
			continue // a record the year's model cannot place adds nothing
		}
		for qi, q := range c.cliques {
			a := 0
			for p, d := range q.dims {
				code := -1
				for x := range s[d] {
					code = x
				}
				if code < 0 {
					a = -1
					break
				}
				a = a*q.radix[p] + code
			}
			if a < 0 {
				continue
			}
			low[q.off+a]++
			if qi == c.magC {
				for mag, off := range c.magOff {
					low[off+a] += r.Mags[mag] / magScale
				}
			}
		}
	}
	idx := make([]int, 0, len(low))
	for i := range low {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	vals := make([]float64, len(idx))
	for k, i := range idx {
		vals[k] = low[i]
	}
	return idx, vals
}

// Summary describes the model for a report.
func (a *Attacker) Summary() string {
	vars, rows, cliques, zeros, targets := 0, 0, 0, 0, 0
	for _, m := range a.Models {
		vars += m.nvar
		rows += len(m.rows)
		cliques += len(m.cliques)
		zeros += m.zeros
		targets += len(m.targets)
	}
	return "fiscal years " + strconv.Itoa(len(a.Years)) + ", cliques " + strconv.Itoa(cliques) +
		", variables " + strconv.Itoa(vars) + ", rows " + strconv.Itoa(rows) +
		", structural-zero atoms " + strconv.Itoa(zeros) + ", structural rules " + strconv.Itoa(len(a.Zeros)) +
		", withheld figures " + strconv.Itoa(targets)
}

// Sel returns the figure's published keys by dimension (fiscal_year left
// out, a table's filter included; "total" for a margin).
func (f *Figure) Sel() map[string]string { return f.sel }
