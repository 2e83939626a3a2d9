package lp

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CBC is COIN-OR's branch and cut (Debian's coinor-cbc), run as a
// program: an integer solver of long standing, with the cuts and primal
// heuristics this package's depth-first branch and bound lacks. kensho's
// own search stays the default everywhere; the audit asks CBC only where
// that search leaves a gap between what whole points reach and what it
// proves (sdc/model's Bounder.Exact), and only when cbc is installed.
// Every point CBC returns is checked by the caller on its own programme.
type CBC struct {
	// Path is the cbc program.
	Path string
	// MaxNodes bounds each solve's search (cbc's -maxNodes); with one
	// thread it keeps the answers the same from run to run. TimeLimit
	// (-sec) is a safety net for a node that takes long. Either ends the
	// solve with the best point found and nothing proved.
	MaxNodes  int
	TimeLimit time.Duration
}

// FindCBC returns CBC when the cbc program is on the PATH (or at
// KENSHO_CBC, a path), nil otherwise; KENSHO_CBC=off is none.
func FindCBC() *CBC {
	path := os.Getenv("KENSHO_CBC")
	switch path {
	case "off":
		return nil
	case "":
		p, err := exec.LookPath("cbc")
		if err != nil {
			return nil
		}
		path = p
	}
	return &CBC{Path: path, MaxNodes: 20000, TimeLimit: 120 * time.Second}
}

// Version is the version cbc prints ("cbc 2.10.8"), for the record of
// which solver an audit used.
func (c *CBC) Version() string {
	out, _ := exec.Command(c.Path, "-quit").CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Version:"); ok {
			return "cbc " + strings.TrimSpace(v)
		}
	}
	return "cbc"
}

// MaximizeInteger solves max Σ terms over p, the marked variables whole.
// The result reads as the branch and bound's: Status Optimal with Found
// and Bound = Best when CBC proved the optimum; IterationLimit, with the
// best point found if any and Bound +Inf (nothing proved), when its node
// or time budget ran out; Infeasible or Unbounded. The point is CBC's,
// within its tolerances: the caller checks it.
func (c *CBC) MaximizeInteger(ctx context.Context, p *Problem, integer []bool, terms []Term) (IntResult, error) {
	res := IntResult{Bound: math.Inf(1), Best: math.Inf(-1)}
	dir, err := os.MkdirTemp("", "kensho-cbc-")
	if err != nil {
		return res, fmt.Errorf("cbc: %w", err)
	}
	defer os.RemoveAll(dir)
	model, sol := filepath.Join(dir, "model.mps"), filepath.Join(dir, "solution.txt")
	if err := writeMPS(model, p, integer, terms); err != nil {
		return res, fmt.Errorf("cbc: %w", err)
	}
	secs := strconv.Itoa(max(1, int(c.TimeLimit.Seconds())))
	cmd := exec.CommandContext(ctx, c.Path, model, "-sec", secs, "-maxNodes", strconv.Itoa(max(1, c.MaxNodes)),
		"-threads", "1", "-primalT", "1e-9", "-integerT", "1e-9", "-solve", "-solu", sol)
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return res, fmt.Errorf("cbc %s: %v: %s", c.Path, err, lastLines(string(out), 5))
	}
	return readSolution(sol, len(p.Lower), res)
}

// writeMPS writes min −Σ terms subject to p in free MPS (CBC minimizes).
// Rows free on both sides are left out; every variable gets both bounds
// (some readers take a whole variable without an upper bound for 0/1).
func writeMPS(path string, p *Problem, integer []bool, terms []Term) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	type entry struct {
		row  int
		coef float64
	}
	cols := make([][]entry, len(p.Lower))
	written := make([]bool, len(p.Rows))
	fmt.Fprintln(w, "NAME kensho FREE")
	fmt.Fprintln(w, "ROWS")
	fmt.Fprintln(w, " N obj")
	for i, r := range p.Rows {
		switch {
		case math.IsInf(r.Lo, -1) && math.IsInf(r.Hi, 1):
			continue
		case r.Lo == r.Hi:
			fmt.Fprintf(w, " E r%d\n", i)
		case math.IsInf(r.Lo, -1):
			fmt.Fprintf(w, " L r%d\n", i)
		default:
			fmt.Fprintf(w, " G r%d\n", i)
		}
		written[i] = true
		for _, t := range r.Terms {
			cols[t.Var] = append(cols[t.Var], entry{i, t.Coef})
		}
	}
	obj := make([]float64, len(p.Lower))
	for _, t := range terms {
		obj[t.Var] -= t.Coef
	}
	fmt.Fprintln(w, "COLUMNS")
	inInt := false
	for j := range p.Lower {
		if integer[j] != inInt {
			if integer[j] {
				fmt.Fprintln(w, " MARKER 'MARKER' 'INTORG'")
			} else {
				fmt.Fprintln(w, " MARKER 'MARKER' 'INTEND'")
			}
			inInt = integer[j]
		}
		fmt.Fprintf(w, " x%d obj %s\n", j, num(obj[j]))
		for _, e := range cols[j] {
			fmt.Fprintf(w, " x%d r%d %s\n", j, e.row, num(e.coef))
		}
	}
	if inInt {
		fmt.Fprintln(w, " MARKER 'MARKER' 'INTEND'")
	}
	fmt.Fprintln(w, "RHS")
	for i, r := range p.Rows {
		if !written[i] {
			continue
		}
		rhs := r.Lo
		if math.IsInf(r.Lo, -1) {
			rhs = r.Hi
		}
		fmt.Fprintf(w, " rhs r%d %s\n", i, num(rhs))
	}
	ranges := false // an empty RANGES section trips CBC's reader
	for i, r := range p.Rows {
		if written[i] && !math.IsInf(r.Lo, -1) && !math.IsInf(r.Hi, 1) && r.Lo != r.Hi {
			if !ranges {
				fmt.Fprintln(w, "RANGES")
				ranges = true
			}
			fmt.Fprintf(w, " rng r%d %s\n", i, num(r.Hi-r.Lo))
		}
	}
	fmt.Fprintln(w, "BOUNDS")
	for j := range p.Lower {
		lo, hi := p.Lower[j], p.Upper[j]
		if lo == hi {
			fmt.Fprintf(w, " FX bnd x%d %s\n", j, num(lo))
			continue
		}
		if math.IsInf(lo, -1) {
			fmt.Fprintf(w, " LO bnd x%d -1e30\n", j) // CBC's minus infinity
		} else {
			fmt.Fprintf(w, " LO bnd x%d %s\n", j, num(lo))
		}
		if math.IsInf(hi, 1) {
			fmt.Fprintf(w, " UP bnd x%d 1e30\n", j)
		} else {
			fmt.Fprintf(w, " UP bnd x%d %s\n", j, num(hi))
		}
	}
	fmt.Fprintln(w, "ENDATA")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readSolution reads cbc's solution file: a status line ("Optimal -
// objective value -12", "Stopped on nodes - objective value …",
// "Infeasible - …"), then one line per column ("index name value
// reduced-cost", an infeasible one marked "**").
func readSolution(path string, n int, res IntResult) (IntResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("cbc wrote no solution: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	if !sc.Scan() {
		return res, fmt.Errorf("cbc: empty solution file %s", path)
	}
	status := sc.Text()
	switch {
	case strings.HasPrefix(status, "Optimal"):
		res.Status = Optimal
	case strings.Contains(status, "nfeasible"):
		res.Status = Infeasible
		return res, nil
	case strings.Contains(status, "nbounded"):
		res.Status = Unbounded
		return res, nil
	case strings.HasPrefix(status, "Stopped"):
		res.Status = IterationLimit
	default:
		return res, fmt.Errorf("cbc: unknown status %q", status)
	}
	point := make([]float64, n)
	seen := false
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[0] == "**" {
			fields = fields[1:]
		}
		if len(fields) < 3 {
			continue
		}
		j, err1 := strconv.Atoi(fields[0])
		v, err2 := strconv.ParseFloat(fields[2], 64)
		if err1 != nil || err2 != nil || j < 0 || j >= n {
			return res, fmt.Errorf("cbc: unreadable solution line %q", sc.Text())
		}
		point[j] = v
		seen = true
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("cbc: %w", err)
	}
	if !seen {
		return res, nil // stopped before any whole point
	}
	if i := strings.LastIndex(status, "objective value"); i >= 0 {
		if v, err := strconv.ParseFloat(strings.TrimSpace(status[i+len("objective value"):]), 64); err == nil {
			res.Best = -v // the file's objective is min −Σ terms
		}
	}
	res.Found, res.Point = true, point
	if res.Status == Optimal {
		res.Bound = res.Best
	}
	return res, nil
}

// lastLines is the end of a program's output, for an error message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
