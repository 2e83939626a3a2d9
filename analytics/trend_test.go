package analytics

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestFitPoissonMatchesR checks the IRLS fit against published and R
// results.
//
// Belgian AIDS cases 1981–1993 (Wood, Generalized Additive Models: An
// Introduction with R, 2nd ed., 2017, §3.3.2, model glm(y ~ t, poisson)):
// intercept 3.140590, slope 0.202121 (s.e. 0.007771), residual deviance
// 80.686 on 11 degrees of freedom. R 4.2.2 gives the digits below and, for
// family = quasipoisson, dispersion 6.7473982539 and slope s.e.
// 0.020187028300; qt(0.975, 11) = 2.20098516009.
func TestFitPoissonMatchesR(t *testing.T) {
	aids := []float64{12, 14, 33, 50, 67, 74, 123, 141, 165, 204, 253, 246, 240}
	x := make([]float64, len(aids))
	for i := range x {
		x[i] = float64(i + 1)
	}
	f, ok := fitPoisson(x, aids)
	if !ok {
		t.Fatal("no fit")
	}
	near := cmpopts.EquateApprox(1e-8, 0)
	want := poissonFit{Intercept: 3.140589535947, Slope: 0.202121203385, SlopeSE: 0.0077714886961, Deviance: 80.6864855268}
	got := f
	got.Pearson, got.Iterations = 0, 0
	if diff := cmp.Diff(want, got, near); diff != "" {
		t.Errorf("Poisson fit (-R +got):\n%s", diff)
	}
	e, ok := estimateTrend(x, aids)
	if !ok {
		t.Fatal("no trend")
	}
	wantE := trendEstimate{
		Slope: 0.202121203385, SE: 0.020187028300, Dispersion: 6.7473982539,
		Low:  0.202121203385 - 2.20098516009*0.020187028300,
		High: 0.202121203385 + 2.20098516009*0.020187028300,
		Flag: 1,
	}
	if diff := cmp.Diff(wantE, e, near); diff != "" {
		t.Errorf("quasi-Poisson trend (-R +got):\n%s", diff)
	}
}

// TestEstimateTrend covers yearly counts like the report's: a rising series
// (R 4.2.2, glm(c2 ~ x, quasipoisson) with x = 2015:2024: slope
// 0.0880746299244, s.e. 0.0194072819416, dispersion 1.41689285172,
// qt(0.975, 8) = 2.3060041352), a fit that is exact (counts 10, 20, 40:
// slope log 2, Pearson χ² 0 so the dispersion is held at 1, and the Poisson
// variance of the slope is Σμ / (Σμ Σμx² − (Σμx)²) = 70 / (70·180 − 100²)
// with μ = 10, 20, 40 at x = 0, 1, 2; t with 1 degree of freedom is
// 12.7062047362), a falling series, and the cases without a finite estimate.
func TestEstimateTrend(t *testing.T) {
	years := func(from, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(from + i)
		}
		return out
	}
	seExact := math.Sqrt(70.0 / (70*180 - 100*100))
	tests := []struct {
		name   string
		x, y   []float64
		want   trendEstimate
		wantOK bool
	}{
		{"rising", years(2015, 10), []float64{30, 41, 28, 35, 52, 47, 61, 44, 70, 66},
			trendEstimate{Slope: 0.0880746299244, SE: 0.0194072819416, Dispersion: 1.41689285172,
				Low: 0.0880746299244 - 2.3060041352*0.0194072819416, High: 0.0880746299244 + 2.3060041352*0.0194072819416, Flag: 1}, true},
		{"exact doubling, three years", []float64{0, 1, 2}, []float64{10, 20, 40},
			trendEstimate{Slope: math.Ln2, SE: seExact, Dispersion: 1,
				Low: math.Ln2 - 12.7062047362*seExact, High: math.Ln2 + 12.7062047362*seExact, Flag: 0}, true},
		{"two years are too few", []float64{2023, 2024}, []float64{5, 9}, trendEstimate{}, false},
		{"all zero", years(2020, 4), []float64{0, 0, 0, 0}, trendEstimate{}, false},
		{"only in the last year: no finite slope", years(2020, 4), []float64{0, 0, 0, 7}, trendEstimate{}, false},
		{"only in the first year: no finite slope", years(2020, 4), []float64{3, 0, 0, 0}, trendEstimate{}, false},
		{"only in a middle year: flat", years(2020, 3), []float64{0, 4, 0}, trendEstimate{Slope: 0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := estimateTrend(tt.x, tt.y)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if tt.name == "only in a middle year: flat" {
				// The slope is 0; the interval is wide and the flag 0.
				if math.Abs(got.Slope) > 1e-9 || got.Flag != 0 {
					t.Errorf("got %+v", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-8, 1e-12)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// A steady fall is flagged falling.
	fall, ok := estimateTrend(years(2016, 8), []float64{90, 80, 71, 60, 55, 47, 40, 36})
	if !ok || fall.Flag != -1 || fall.High >= 0 {
		t.Errorf("falling series: %+v %v", fall, ok)
	}
}

func TestSegmentStart(t *testing.T) {
	// Series breaks are data (codes/series_breaks.csv): FY2008 and FY2015.
	for _, tt := range []struct{ year, want int }{{2005, 0}, {2008, 2008}, {2014, 2008}, {2015, 2015}, {2030, 2015}} {
		if got := segmentStart(tt.year); got != tt.want {
			t.Errorf("segmentStart(%d) = %d, want %d", tt.year, got, tt.want)
		}
	}
}
