package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchIngestSmall runs the ingest half of make bench on small inputs,
// so that the suite cannot rot unnoticed: every measurement is printed
// with a positive time and rate, and the UTF-8 rows with their ratios.
func TestBenchIngestSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads files")
	}
	var out bytes.Buffer
	sizes := ingestSizes{utf8: 2000, cp932: 1500, xlsx: 600, shapeScale: 0.01}
	if err := benchIngest(context.Background(), t.TempDir(), sizes, 1, &out); err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (DuckDB read_csv|kensho ingest \((UTF-8|CP932, \d+ files|XLSX, \d+ files|UTF-8, FY2024, \d+ (per-operator|export) files)\)).*\| (\d+) \| ([0-9.]+)s \| (\d+)k \|([^|]*)\|`)
	rows := row.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 6 {
		t.Fatalf("want 6 measurements, got %d:\n%s", len(rows), out.String())
	}
	for _, r := range rows {
		n, _ := strconv.Atoi(r[4])
		secs, _ := strconv.ParseFloat(r[5], 64)
		if n <= 0 || secs <= 0 {
			t.Errorf("%s: %d rows in %gs", r[1], n, secs)
		}
		if strings.Contains(r[1], "UTF-8") {
			ratio, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(r[7]), "×"), 64)
			if err != nil || ratio <= 0 {
				t.Errorf("%s: ratio %q", r[1], r[7])
			}
		}
	}
}
