package anonymize

import (
	"github.com/kensho-jp/kensho/sdc/rules"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Config holds the disclosure-control parameters. The zero value is not
// valid; start from DefaultConfig. The file format is JSON (package doc).
type Config struct {
	// MinOperators is the least number of distinct operators a non-zero
	// cell or a microdata class must have. Never below 3.
	MinOperators int `json:"min_operators"`
	// P is the p of the p%-rule: a cell is unsafe when
	// X − x1 − x2 < P/100 · x1 for its two largest operators x1 ≥ x2.
	P float64 `json:"p"`
	// Dominance lists optional (n,k) rules: unsafe when the n largest
	// operators hold more than k% of the cell.
	Dominance []NKRule `json:"dominance"`
	// ProtectionLevel is the half-width, in % of the cell's value, that the
	// interval of a cell suppressed for having too few operators must reach
	// on each side (the safety range of τ-ARGUS's frequency rule).
	ProtectionLevel float64 `json:"protection_level"`
	// Microdata bounds the record-level file.
	Microdata MicrodataConfig `json:"microdata"`
}

// NKRule is an (n,k) dominance rule.
type NKRule struct {
	N int     `json:"n"`
	K float64 `json:"k"`
}

// MicrodataConfig holds the microdata's caps. An extract's classes pass
// the rules of table cells (min_operators, p, dominance), so the record
// rules of earlier versions (max_share, max_starred_pct) no longer act:
// they are still read and checked so that older configuration files load.
type MicrodataConfig struct {
	// MaxShare (not used; see above) was the largest share of a class's
	// records one operator may hold. Never above 0.5.
	MaxShare float64 `json:"max_share"`
	// MaxStarredPct (not used; see above) capped the records (%) that may
	// carry a value replaced by "*".
	MaxStarredPct float64 `json:"max_starred_pct"`
	// MaxDroppedPct is the share of an extract's records (%) its design
	// is meant to withhold at most. The rules come first: an extract that
	// must withhold more is still protected, and the build says so
	// (RiskReport.OverDropCap), so that its design can be revisited.
	MaxDroppedPct float64 `json:"max_dropped_pct"`
}

// DefaultConfig returns the safe defaults.
func DefaultConfig() Config {
	return Config{
		MinOperators:    3,
		P:               10,
		Dominance:       []NKRule{},
		ProtectionLevel: 10,
		Microdata: MicrodataConfig{
			MaxShare:      0.5,
			MaxStarredPct: 5,
			MaxDroppedPct: 2,
		},
	}
}

// LoadConfig reads a JSON configuration file; path "" returns the defaults.
// Keys left out keep their defaults; unknown keys and unsafe values are
// errors.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	if path == "" {
		return cfg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	cfg, err = parseConfig(b)
	if err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

func parseConfig(b []byte) (Config, error) {
	cfg := DefaultConfig()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return cfg, errors.New("trailing data after the JSON object")
	}
	return cfg, cfg.Validate()
}

// Validate rejects parameters that are unsafe or meaningless.
func (c Config) Validate() error {
	var errs []error
	if c.MinOperators < 3 {
		errs = append(errs, fmt.Errorf("min_operators %d is below 3, which is never accepted / min_operators は 3 以上にしてください", c.MinOperators))
	}
	if !(c.P > 0 && c.P <= 100) {
		errs = append(errs, fmt.Errorf("p %g must be above 0 and at most 100 / p は 0 より大きく 100 以下にしてください", c.P))
	}
	for i, r := range c.Dominance {
		if r.N < 1 || !(r.K > 0 && r.K <= 100) {
			errs = append(errs, fmt.Errorf("dominance[%d] (n=%d, k=%g): n must be ≥ 1 and 0 < k ≤ 100", i, r.N, r.K))
		}
	}
	if !(c.ProtectionLevel >= 0 && c.ProtectionLevel <= 100) {
		errs = append(errs, fmt.Errorf("protection_level %g must lie in [0, 100]", c.ProtectionLevel))
	}
	m := c.Microdata
	if !(m.MaxShare > 0 && m.MaxShare <= 0.5) {
		errs = append(errs, fmt.Errorf("microdata.max_share %g must be above 0 and at most 0.5 / max_share は 0.5 以下にしてください", m.MaxShare))
	}
	if !(m.MaxStarredPct >= 0 && m.MaxStarredPct <= 100) {
		errs = append(errs, fmt.Errorf("microdata.max_starred_pct %g must lie in [0, 100]", m.MaxStarredPct))
	}
	if !(m.MaxDroppedPct >= 0 && m.MaxDroppedPct <= 100) {
		errs = append(errs, fmt.Errorf("microdata.max_dropped_pct %g must lie in [0, 100]", m.MaxDroppedPct))
	}
	return errors.Join(errs...)
}

// rules returns the primary rules' parameters.
func (c Config) rules() rules.Config {
	r := rules.Config{MinOperators: c.MinOperators, P: c.P, ProtectionLevel: c.ProtectionLevel}
	for _, d := range c.Dominance {
		r.Dominance = append(r.Dominance, rules.NK{N: d.N, K: d.K})
	}
	return r
}
