package attack

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// solve.py runs HiGHS through SciPy (scipy.optimize.milp), the solver of
// good standing this machine's packages offer (Debian python3-scipy);
// kensho's own solver is Go, so the attacker shares nothing with it.
//
//go:embed solve.py
var solvePy []byte

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// Python finds a python3 with SciPy: $KENSHO_PYTHON, else python3 on the
// PATH, else /usr/bin/python3 (Debian's, where python3-scipy installs).
func Python() (string, error) {
	pythonOnce.Do(func() {
		var cands []string
		if p := os.Getenv("KENSHO_PYTHON"); p != "" {
			cands = append(cands, p)
		}
		if p, err := exec.LookPath("python3"); err == nil {
			cands = append(cands, p)
		}
		cands = append(cands, "/usr/bin/python3")
		for _, p := range cands {
			if err := exec.Command(p, "-c", "import scipy.optimize; scipy.optimize.milp").Run(); err == nil {
				pythonPath = p
				return
			}
		}
		pythonErr = errors.New("no python3 with SciPy ≥ 1.9 found (apt-get install python3-scipy, or set KENSHO_PYTHON)")
	})
	return pythonPath, pythonErr
}

// Interval is the smallest and largest value of a figure a reader can
// reach.
type Interval struct {
	Lo, Hi float64
	// Unsolved: the solver gave no bound on a side, left open.
	Unsolved bool
}

type scenario struct {
	RaiseI     []int       `json:"raise_i,omitempty"`
	RaiseV     []float64   `json:"raise_v,omitempty"`
	Objectives []objective `json:"objectives"`
}

type objective struct {
	I []int     `json:"i"`
	A []float64 `json:"a"`
}

type jrow struct {
	I  []int     `json:"i"`
	A  []float64 `json:"a"`
	Lo *float64  `json:"lo"`
	Hi *float64  `json:"hi"`
}

type programme struct {
	N           int        `json:"n"`
	LB          []*float64 `json:"lb"`
	UB          []*float64 `json:"ub"`
	Integrality []int      `json:"integrality"`
	Integer     bool       `json:"integer"`
	TimeLimit   float64    `json:"time_limit"`
	Rows        []jrow     `json:"rows"`
	Scenarios   []scenario `json:"scenarios"`
}

func finite(x float64) *float64 {
	if math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// solve bounds every objective of every scenario on the component.
func (c *component) solve(ctx context.Context, scs []scenario, integer bool, timeLimit float64) ([][]Interval, error) {
	py, err := Python()
	if err != nil {
		return nil, err
	}
	p := programme{N: c.nvar, Integer: integer, TimeLimit: timeLimit, Scenarios: scs}
	for i := 0; i < c.nvar; i++ {
		p.LB = append(p.LB, finite(c.lb[i]))
		p.UB = append(p.UB, finite(c.ub[i]))
		in := 0
		if c.integer[i] {
			in = 1
		}
		p.Integrality = append(p.Integrality, in)
	}
	for _, r := range c.rows {
		p.Rows = append(p.Rows, jrow{I: r.idx, A: r.coef, Lo: finite(r.lo), Hi: finite(r.hi)})
	}
	in, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	if d := os.Getenv("KENSHO_ATTACK_DUMP"); d != "" {
		os.WriteFile(filepath.Join(d, "prog-"+c.year+".json"), in, 0o600)
	}
	dir, err := os.MkdirTemp("", "kensho-attack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "solve.py")
	if err := os.WriteFile(script, solvePy, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Stdin = bytes.NewReader(in)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("year %s: solver: %w: %s", c.year, err, stderr.String())
	}
	var res struct {
		Scenarios [][][2]*float64 `json:"scenarios"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("year %s: solver output: %w", c.year, err)
	}
	if len(res.Scenarios) != len(scs) {
		return nil, fmt.Errorf("year %s: solver answered %d scenarios of %d", c.year, len(res.Scenarios), len(scs))
	}
	all := make([][]Interval, len(scs))
	for s, r := range res.Scenarios {
		if len(r) != len(scs[s].Objectives) {
			return nil, fmt.Errorf("year %s: solver answered %d objectives of %d", c.year, len(r), len(scs[s].Objectives))
		}
		for _, pair := range r {
			// A side the solver could not bound stays open: the attacker
			// claims nothing there (Unsolved counts them).
			iv := Interval{Lo: 0, Hi: math.Inf(1)}
			if pair[0] != nil {
				iv.Lo = *pair[0]
			} else {
				iv.Unsolved = true
			}
			if pair[1] != nil {
				iv.Hi = *pair[1]
			} else {
				iv.Unsolved = true
			}
			all[s] = append(all[s], iv)
		}
	}
	return all, nil
}
