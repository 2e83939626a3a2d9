package main

import "testing"

func TestSplitMemory(t *testing.T) {
	for _, tc := range []struct {
		in     string
		duckDB string
		goHeap int64
		bad    bool
	}{
		{in: ""},
		{in: "4GB", duckDB: "3000000000B", goHeap: 1_000_000_000},
		{in: "8GiB", duckDB: "7516192768B", goHeap: 1 << 30}, // the Go share is capped at 1 GiB
		{in: "1 gb", duckDB: "750000000B", goHeap: 250_000_000},
		{in: "3.5GB", duckDB: "2625000000B", goHeap: 875_000_000},
		{in: "100MB", bad: true}, // too little
		{in: "3 apples", bad: true},
		{in: "GB", bad: true},
		{in: "-3GB", bad: true},
	} {
		m, err := splitMemory(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error, got %+v", tc.in, m)
			}
			continue
		}
		if err != nil || m.duckDB != tc.duckDB || m.goHeap != tc.goHeap {
			t.Errorf("%q: got %+v, %v; want DuckDB %s, Go %d", tc.in, m, err, tc.duckDB, tc.goHeap)
		}
	}
}
