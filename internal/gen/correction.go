package gen

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Correction writes, into dir, a correction of the first UTF-8 CSV of
// quarter that has a summary (事故概要) and five rows: every row again,
// the summary changed.
func Correction(quarter, dir string) error {
	files, err := filepath.Glob(filepath.Join(quarter, "*.csv"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			continue // CP932
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
		if err != nil || len(recs) < 6 {
			continue
		}
		col := slices.Index(recs[0], "事故概要")
		if col < 0 {
			continue
		}
		for _, r := range recs[1:] {
			r[col] += "（訂正）"
		}
		var buf strings.Builder
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(recs); err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".csv") + "_teisei.csv"
		return os.WriteFile(filepath.Join(dir, name), []byte(buf.String()), 0o644)
	}
	return fmt.Errorf("correction: no UTF-8 CSV with 事故概要 and five rows in %s", quarter)
}
