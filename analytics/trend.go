package analytics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// minTrendYears is the fewest fiscal years a trend is estimated from: a
// line through two points has no residual to judge it by.
const minTrendYears = 3

// poissonFit is a log-linear Poisson regression of counts on one covariate,
// log E[y] = Intercept + Slope·x, fitted by iteratively reweighted least
// squares as R's glm(y ~ x, family = poisson) does.
type poissonFit struct {
	Intercept, Slope float64
	// SlopeSE is the standard error of the slope with dispersion 1.
	SlopeSE float64
	// Pearson is Pearson's chi-square, Σ (y−μ)²/μ (as R computes it, see
	// fitPoisson); Deviance the residual deviance.
	Pearson, Deviance float64
	Iterations        int
}

// fitPoisson fits the regression. It reports false when no finite
// estimate exists — fewer than two points, no count above zero, or every
// count at the smallest or at the largest x (the likelihood then grows
// without bound as the slope does) — or when the iteration does not
// converge.
func fitPoisson(x, y []float64) (poissonFit, bool) {
	n := len(x)
	if n < 2 || len(y) != n {
		return poissonFit{}, false
	}
	// A finite estimate exists iff the count-weighted mean of x lies
	// strictly inside the range of x.
	minX, maxX := x[0], x[0]
	var sy, sxy, meanX float64
	for i := range x {
		if y[i] < 0 || math.IsNaN(y[i]) {
			return poissonFit{}, false
		}
		minX, maxX = math.Min(minX, x[i]), math.Max(maxX, x[i])
		sy += y[i]
		sxy += x[i] * y[i]
		meanX += x[i] / float64(n)
	}
	if sy == 0 || sxy/sy <= minX || sxy/sy >= maxX {
		return poissonFit{}, false
	}
	// Centring x keeps the two estimates nearly uncorrelated; the slope
	// and its standard error do not change.
	xc := make([]float64, n)
	for i := range x {
		xc[i] = x[i] - meanX
	}
	mu := make([]float64, n)
	eta := make([]float64, n)
	for i := range y {
		mu[i] = y[i] + 0.1 // R's starting values for the Poisson family
		eta[i] = math.Log(mu[i])
	}
	dev := deviance(y, mu)
	var a, b, varB float64
	w := make([]float64, n)           // the working weights of the last step
	const maxIter, epsilon = 25, 1e-8 // R's glm.control defaults
	for it := 1; it <= maxIter; it++ {
		var s0, s1, s2, t0, t1 float64
		for i := range y {
			w[i] = mu[i]
			z := eta[i] + (y[i]-mu[i])/mu[i]
			s0 += w[i]
			s1 += w[i] * xc[i]
			s2 += w[i] * xc[i] * xc[i]
			t0 += w[i] * z
			t1 += w[i] * xc[i] * z
		}
		det := s0*s2 - s1*s1
		if det <= 0 || math.IsNaN(det) {
			return poissonFit{}, false
		}
		a = (s2*t0 - s1*t1) / det
		b = (s0*t1 - s1*t0) / det
		// The covariance is that of the last weighted least-squares step,
		// as in R's summary.glm.
		varB = s0 / det
		for i := range y {
			eta[i] = a + b*xc[i]
			mu[i] = math.Exp(eta[i])
		}
		devNew := deviance(y, mu)
		if math.IsNaN(devNew) || math.IsInf(devNew, 0) {
			return poissonFit{}, false
		}
		if math.Abs(devNew-dev)/(math.Abs(devNew)+0.1) < epsilon {
			// Pearson's χ² as R's summary.glm computes it: the working
			// weights of the last step times the squared working
			// residuals at the fitted values.
			var pearson float64
			for i := range y {
				r := (y[i] - mu[i]) / mu[i]
				pearson += w[i] * r * r
			}
			return poissonFit{
				Intercept: a - b*meanX, Slope: b, SlopeSE: math.Sqrt(varB),
				Pearson: pearson, Deviance: devNew, Iterations: it,
			}, true
		}
		dev = devNew
	}
	return poissonFit{}, false
}

// deviance is the Poisson residual deviance 2 Σ (y log(y/μ) − (y − μ)).
func deviance(y, mu []float64) float64 {
	var d float64
	for i := range y {
		if y[i] > 0 {
			d += y[i] * math.Log(y[i]/mu[i])
		}
		d -= y[i] - mu[i]
	}
	return 2 * d
}

// trendEstimate is what the trend table publishes of a fit.
type trendEstimate struct {
	Slope      float64 // on the log scale, per year
	SE         float64 // with the dispersion
	Dispersion float64 // Pearson χ² / (n − 2), at least 1
	Low, High  float64 // 95% confidence limits of the slope
	Flag       int     // 1 rising, −1 falling, 0 no clear trend
}

// pctPerYear converts a slope on the log scale to a rate of change in per
// cent per year.
func pctPerYear(slope float64) float64 { return 100 * math.Expm1(slope) }

// estimateTrend fits a quasi-Poisson log-linear trend to yearly counts:
// the Poisson fit, with the standard error scaled by the square root of the
// dispersion (Pearson χ² over the n − 2 residual degrees of freedom, as R's
// quasipoisson family, but never below 1: a handful of years that vary less
// than a Poisson count would do is no ground for a narrower interval), and
// a 95% interval from Student's t with n − 2 degrees of freedom. The flag is
// rising when the whole interval lies above zero, falling when below.
func estimateTrend(years, counts []float64) (trendEstimate, bool) {
	n := len(years)
	if n < minTrendYears {
		return trendEstimate{}, false
	}
	f, ok := fitPoisson(years, counts)
	if !ok {
		return trendEstimate{}, false
	}
	df := float64(n - 2)
	phi := math.Max(1, f.Pearson/df)
	se := f.SlopeSE * math.Sqrt(phi)
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
	e := trendEstimate{Slope: f.Slope, SE: se, Dispersion: phi, Low: f.Slope - q*se, High: f.Slope + q*se}
	switch {
	case e.Low > 0:
		e.Flag = 1
	case e.High < 0:
		e.Flag = -1
	}
	return e, true
}
