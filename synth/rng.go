package synth

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// rng is a deterministic random source. Every draw is derived here from the
// raw 64-bit output of PCG (a specified algorithm whose output Go keeps
// stable), never from math/rand's convenience methods, whose algorithms may
// change between Go releases: the same seed must give the same bytes on the
// next toolchain too.
type rng struct{ src *rand.PCG }

// splitmix64 is a fast, well-mixing finalizer used to turn a seed and a path
// of keys into independent stream seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream tags keep the sub-streams of one seed apart.
const (
	tagPopulation uint64 = iota + 1
	_
	tagEvents
	tagSerious
	tagBackground
	tagEventAcc
	_
	tagRow
	tagCorrection
	tagError
)

// newRNG returns the stream for seed and a path of keys (a tag first, then
// fiscal year, quarter, operator, ...). Streams for different paths are
// independent, so an accident's content does not depend on the order in
// which files are written or on the layout.
func newRNG(seed int64, keys ...uint64) *rng {
	h := splitmix64(uint64(seed))
	for _, k := range keys {
		h = splitmix64(h ^ splitmix64(k+0x632be59bd9b4e019))
	}
	return &rng{rand.NewPCG(h, splitmix64(h^0xda942042e4dd58b5))}
}

func (r *rng) u64() uint64 { return r.src.Uint64() }

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 { return float64(r.u64()>>11) / (1 << 53) }

// open returns a uniform number in (0, 1), safe for logarithms.
func (r *rng) open() float64 { return (float64(r.u64()>>11) + 0.5) / (1 << 53) }

// intn returns a uniform integer in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("synth: intn of a non-positive bound")
	}
	hi, _ := bits.Mul64(r.u64(), uint64(n))
	return int(hi)
}

// rangeInt returns a uniform integer in [lo, hi].
func (r *rng) rangeInt(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// norm returns a standard normal draw (Box–Muller; one value per call, so
// the number of draws consumed never depends on hidden state).
func (r *rng) norm() float64 {
	u1, u2 := r.open(), r.float()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// logNormal returns a draw whose median is median and whose logarithm has
// standard deviation sigma.
func (r *rng) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*r.norm())
}

// pareto returns a Pareto draw with scale xmin and tail index alpha.
func (r *rng) pareto(xmin, alpha float64) float64 {
	return xmin * math.Pow(r.open(), -1/alpha)
}

// poisson returns a Poisson draw. Knuth's product method below λ = 30, a
// rounded normal approximation above (the relative error there is far
// below the spread of the calibration targets).
func (r *rng) poisson(lambda float64) int64 {
	switch {
	case lambda <= 0:
		return 0
	case lambda < 30:
		l := math.Exp(-lambda)
		var k int64
		p := 1.0
		for {
			p *= r.float()
			if p <= l {
				return k
			}
			k++
		}
	default:
		v := math.Round(lambda + math.Sqrt(lambda)*r.norm())
		if v < 0 {
			return 0
		}
		return int64(v)
	}
}

// pick returns an index drawn with the given non-negative weights; -1 when
// all weights are zero.
func (r *rng) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return -1
	}
	x := r.float() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	for i := len(weights) - 1; i >= 0; i-- {
		if weights[i] > 0 {
			return i
		}
	}
	return -1
}

// pickString picks one of the options uniformly.
func pickString(r *rng, options []string) string { return options[r.intn(len(options))] }

// weighted is a value with a weight, for small hand-written distributions.
type weighted[T any] struct {
	V T
	W float64
}

// pickW draws from a small weighted table.
func pickW[T any](r *rng, table []weighted[T]) T {
	ws := make([]float64, len(table))
	for i, e := range table {
		ws[i] = e.W
	}
	return table[r.pick(ws)].V
}
