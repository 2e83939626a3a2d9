package synth

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/reportfile"
)

// TestPublicFacts: --public writes a register that reads without an error,
// holds every accident filed as serious, rounds users to three
// significant figures, links only under .example, and is the same for the
// same seed; it is refused inside the output directory.
func TestPublicFacts(t *testing.T) {
	tmp := t.TempDir()
	var regs [][]byte
	for i := range 2 {
		reg := filepath.Join(tmp, strconv.Itoa(i), "public.csv")
		sum, err := Generate(context.Background(), Config{Seed: 5, From: 2023, To: 2024, Scale: 0.01, Layout: "export", PublicFacts: reg},
			filepath.Join(tmp, strconv.Itoa(i), "out"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(reg)
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, b)
		r := reportfile.ReadRegister(reg, b)
		if r.Problem != nil || len(r.Rejected) != 0 || len(r.Warnings) != 0 {
			t.Fatalf("register: %+v", r)
		}
		if len(r.Facts) == 0 || int64(len(r.Facts)) != sum.ReportedSerious {
			t.Errorf("%d public facts, %d accidents filed as serious", len(r.Facts), sum.ReportedSerious)
		}
		for _, f := range r.Facts {
			if digits := strings.TrimRight(strconv.FormatInt(f.AffectedUsers, 10), "0"); len(digits) > 3 {
				t.Errorf("row %d: users %d not rounded to three figures", f.Row, f.AffectedUsers)
			}
			if !strings.HasPrefix(f.SourceURL, "https://www.mic.example/") {
				t.Errorf("row %d: source %s", f.Row, f.SourceURL)
			}
		}
	}
	if !bytes.Equal(regs[0], regs[1]) {
		t.Error("the same seed wrote two registers")
	}
	out := filepath.Join(tmp, "inside")
	_, err := Generate(context.Background(), Config{Seed: 5, From: 2024, To: 2024, Scale: 0.01, PublicFacts: filepath.Join(out, "p.csv")}, out)
	if err == nil || !strings.Contains(err.Error(), "inside --out") {
		t.Errorf("a register inside --out: %v", err)
	}
}
