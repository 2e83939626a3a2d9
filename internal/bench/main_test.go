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
// with a positive time and rate, every kensho row with its ratio, and the
// UTF-8, CP932 and XLSX rows with a peak memory; the increment reads less
// than a new database.
func TestBenchIngestSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads files")
	}
	var out bytes.Buffer
	sizes := ingestSizes{utf8: 2000, shapeScale: 0.01, nationalScale: 0.01}
	if err := benchIngest(context.Background(), t.TempDir(), kenshoBinary(t), sizes, 1, &out); err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (DuckDB read_csv|kensho ingest \((UTF-8|CP932, the same rows|XLSX, the same rows|UTF-8, FY2024, \d+ (per-operator|export) files|10 FY at scale 0.01, \d+ (per-operator files: UTF-8, CP932, XLSX|export files))\)|kensho ingest of every file of the 10 FY and a correction, new database|the same files on a database of FY2015 to FY2024 Q3: a quarter's increment \(\d+ new files, \d+ skipped\)).*\| (\d+) \| ([0-9.]+)s \| (\d+)k \|([^|]*)\|[^|]*\|(.*)$`)
	rows := row.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 10 {
		t.Fatalf("want 10 measurements, got %d:\n%s", len(rows), out.String())
	}
	t.Log(out.String())
	// The increment reads only the new quarter and the correction.
	if scratch, incr := rows[8][5], rows[9][5]; len(incr) >= len(scratch) && incr >= scratch {
		t.Errorf("reports read: new database %s, increment %s", scratch, incr)
	}
	for _, r := range rows {
		n, _ := strconv.Atoi(r[5])
		secs, _ := strconv.ParseFloat(r[6], 64)
		if n <= 0 || secs <= 0 {
			t.Errorf("%s: %d rows in %gs", r[1], n, secs)
		}
		if r[1] != "DuckDB read_csv" {
			f := strings.Fields(r[8])
			var ratio float64
			var err error
			if len(f) > 0 {
				ratio, err = strconv.ParseFloat(strings.TrimSuffix(f[0], "×"), 64)
			}
			if len(f) == 0 || err != nil || ratio <= 0 {
				t.Errorf("%s: ratio %q", r[1], r[8])
			}
		}
		if strings.HasSuffix(r[2], "same rows") || r[2] == "UTF-8" {
			if !regexp.MustCompile(`^ [0-9.]+ GB \|$`).MatchString(r[9]) {
				t.Errorf("%s: peak %q", r[1], r[9])
			}
		}
	}
}
