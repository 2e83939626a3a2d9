package model

import (
	"math"
	"testing"
)

// TestUnitSupportOpenBands: one accident's support in the directions the
// programme bounds users and user-hours by, with bands open above. The
// users below of the top users band (1,000,000 and more) is −1,000,000
// whatever the cap: without a cap it was 0·∞ = NaN, and the class's
// "users at least its accidents times the band's floor" was dropped (a
// reader of the sample's FY2024 external users total, 1,624,941, read
// that at most one external accident had a million users; the audit let
// ten through).
func TestUnitSupportOpenBands(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name               string
		ulo, uhi, dlo, dhi float64
		wu, wh             float64
		want               float64
	}{
		{"users below, top band, no cap", 1e6, inf, 1440, inf, -1, 0, -1e6},
		{"users above, top band, no cap", 1e6, inf, 1440, inf, 1, 0, inf},
		{"users above, capped", 1e6, 2e6, 60, 119, 1, 0, 2e6},
		{"user-hours below at the band's shortest, no users cap", 1e6, inf, 1440, inf, 1440, -60, 0},
		{"user-hours above at the longest, closed bands", 500, 4999, 60, 119, -119, 60, 0},
		{"user-hours above, open duration", 500, 4999, 1440, inf, -1439, 60, inf},
	} {
		if got := unitSupport(c.ulo, c.uhi, c.dlo, c.dhi, c.wu, c.wh); got != c.want {
			t.Errorf("%s: unitSupport = %v, want %v", c.name, got, c.want)
		}
	}
}
