package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// A build's --memory-limit is the budget of the whole process: DuckDB
// gets three quarters of it (beyond that it spills to --temp-dir) and the
// Go heap the rest, at most goShareMax, as a soft limit (the collector
// runs more often near it; nothing fails). An explicit GOMEMLIMIT in the
// environment wins over the Go share.
const goShareMax = 1 << 30

// memoryBudget is a --memory-limit divided between DuckDB and Go.
type memoryBudget struct {
	duckDB string // DuckDB's memory_limit, in bytes ("" = DuckDB's default)
	goHeap int64  // Go's soft limit in bytes (0 = Go's default)
}

// splitMemory parses a size such as 3GB, 3.5GiB or 800MB (units as
// DuckDB reads them: KB, MB, GB, TB are powers of 1000, KiB, MiB, GiB,
// TiB of 1024) and divides it.
func splitMemory(limit string) (memoryBudget, error) {
	if limit == "" {
		return memoryBudget{}, nil
	}
	total, err := parseSize(limit)
	if err != nil {
		return memoryBudget{}, err
	}
	if total < 256<<20 {
		return memoryBudget{}, fmt.Errorf("--memory-limit %s is below 256MB, too little to build anything", limit)
	}
	goHeap := min(total/4, goShareMax)
	return memoryBudget{duckDB: strconv.FormatInt(total-goHeap, 10) + "B", goHeap: goHeap}, nil
}

// apply sets Go's soft memory limit, unless GOMEMLIMIT is set.
func (m memoryBudget) apply() {
	if m.goHeap > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(m.goHeap)
	}
}

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	n, err := strconv.ParseFloat(t[:i], 64)
	unit, ok := sizeUnits[strings.TrimSpace(t[i:])]
	if err != nil || !ok || n <= 0 {
		return 0, fmt.Errorf("--memory-limit %q is not a size like 3GB, 3.5GiB or 800MB", s)
	}
	return int64(n * unit), nil
}
