package model

import "testing"

// A rounded figure is read as the site prints it: strconv's correctly
// rounded fixed notation (ties to even on the exact binary value).
func TestShown(t *testing.T) {
	tests := []struct{ v, step, want float64 }{
		{365424134.51666665, 1, 365424135},
		{365424134.4, 1, 365424134},
		{2.5, 1, 2},
		{3.5, 1, 4},
		{157.25, 0.1, 157.2},
		{157.26, 0.1, 157.3},
		{1234.5678, 0, 1234.5678}, // exact: as it is
	}
	for _, tt := range tests {
		if got := shown(tt.v, tt.step); got != tt.want {
			t.Errorf("shown(%v, %v) = %v, want %v", tt.v, tt.step, got, tt.want)
		}
	}
	c := &Column{Step: 1}
	if got := c.Shown(10.5); got != 10 {
		t.Errorf("Column.Shown(10.5) = %v, want 10", got)
	}
}
