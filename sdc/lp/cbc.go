package lp

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	args := []string{model, "-sec", secs, "-maxNodes", strconv.Itoa(max(1, c.MaxNodes)),
		"-threads", "1", "-primalT", "1e-9", "-integerT", "1e-9"}
	// cbc 2.10.8 stops on an assertion in its simplex (ClpNonLinearCost:
	// lowerValue <= upperValue) on some programmes its presolve has
	// tightened under a small primal tolerance; the same programme
	// without presolve solves. So a failed solve is tried once more so.
	for _, extra := range [][]string{nil, {"-presolve", "off"}} {
		cmd := exec.CommandContext(ctx, c.Path, append(append(slices.Clone(args), extra...), "-solve", "-solu", sol)...)
		var out []byte
		if out, err = cmd.CombinedOutput(); err == nil {
			return readSolution(sol, len(p.Lower), res)
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		err = fmt.Errorf("cbc %s: %v: %s", c.Path, err, lastLines(string(out), 3))
	}
	return res, err
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
