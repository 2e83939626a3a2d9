package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/anonymize"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/synth"
)

// TestBuildStopsOnBadRegister: a register of public facts with an error
// stops the build before anything is published, and says where and what
// in both languages; the rows stay in the restricted database.
func TestBuildStopsOnBadRegister(t *testing.T) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	if _, err := synth.Generate(context.Background(), synth.Config{Seed: 3, From: 2024, To: 2024, Scale: 0.005, Layout: "export"}, in); err != nil {
		t.Fatal(err)
	}
	reg := filepath.Join(tmp, "public.csv")
	text := "事業者名,発生日,役務区分,影響利用者数,継続時間(分),発生要因(小分類),出典URL\n" +
		"A社,2024/05/03,ftth,約13万,150,sw_bug,https://www.soumu.go.jp/x\n"
	if err := os.WriteFile(reg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, db := filepath.Join(tmp, "site"), filepath.Join(tmp, "k.duckdb")
	_, stderr, err := runKensho(t, "build", "--in", in, "--public", reg, "--out", out, "--db", db)
	if err == nil {
		t.Fatal("build passed with a bad register")
	}
	for _, want := range []string{"公表事実の台帳に誤りがある", "register of public facts has errors", "public.csv", `row 2, 影響利用者数 = "約13万" [bad_integer]`,
		"影響利用者数 約13万 は整数ではありません", "is not a whole number"} {
		if !strings.Contains(err.Error()+stderr, want) {
			t.Errorf("build output lacks %q:\n%v\n%s", want, err, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out exists after a failed build: %v", err)
	}
	rdb, err := duck.Open(context.Background(), db, duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var raw string
	if err := rdb.QueryRow(`SELECT raw['影響利用者数'] FROM public_fact_quarantine_row WHERE source_row = 2`).Scan(&raw); err != nil || raw != "約13万" {
		t.Errorf("quarantined row: %q %v", raw, err)
	}
}

// TestBuildWithPublicFacts builds synthetic data with the register kensho
// synth writes for it: every entry matches its accident, deid_accident
// carries public_fact for exactly those, the audit passes, and the site
// lists the cases in both languages.
func TestBuildWithPublicFacts(t *testing.T) {
	needFull(t)
	tmp := t.TempDir()
	in, reg := filepath.Join(tmp, "in"), filepath.Join(tmp, "public.csv")
	if _, err := synth.Generate(context.Background(), synth.Config{Seed: 11, From: 2024, To: 2024, Scale: 0.03, Layout: "export", PublicFacts: reg}, in); err != nil {
		t.Fatal(err)
	}
	out, db := filepath.Join(tmp, "site"), filepath.Join(tmp, "k.duckdb")
	stdout, stderr, err := runKensho(t, "build", "--in", in, "--public", reg, "--out", out, "--db", db, "--release-version", "test", "--json")
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
	var sum buildSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	p := sum.PublicFacts
	if p == nil || p.Entries == 0 || p.Matched != p.Entries || p.Unmatched+p.Ambiguous != 0 {
		t.Fatalf("public facts %+v", p)
	}
	if !strings.Contains(stderr, "public facts: ") || !strings.Contains(stderr, "audit passed") {
		t.Errorf("stage lines:\n%s", stderr)
	}
	rdb, err := duck.Open(context.Background(), db, duck.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var public int
	if err := rdb.QueryRow(`SELECT count(*) FROM deid_accident WHERE public_fact IS NOT NULL`).Scan(&public); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	if public != p.Matched {
		t.Errorf("%d accidents of deid_accident are public, the register matched %d", public, p.Matched)
	}
	rel, err := anonymize.LoadRelease(context.Background(), anonymize.ReleasePath(db))
	if err != nil {
		t.Fatal(err)
	}
	if !rel.PublicRegister || len(rel.PublicCases) != public {
		t.Errorf("release: register %v, %d public cases, want %d", rel.PublicRegister, len(rel.PublicCases), public)
	}
	csv, err := os.ReadFile(filepath.Join(out, "data", "public_cases.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(csv), "https://www.mic.example/"); n != public {
		t.Errorf("public_cases.csv lists %d sources, want %d", n, public)
	}
	// synth's register lists every accident filed as serious, so every
	// count of serious accidents is made of public facts only: none may be
	// withheld (not as a rule's figure, not as a partner).
	serious, err := os.ReadFile(filepath.Join(out, "data", "tables", "serious_by_year_category.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(serious), ",X") {
		t.Errorf("serious_by_year_category withholds a count of public facts:\n%s", serious)
	}
	for _, page := range []string{"public-cases/index.html", "en/public-cases/index.html"} {
		b, err := os.ReadFile(filepath.Join(out, page))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), `rel="external noopener"`); n != public {
			t.Errorf("%s links %d sources, want %d", page, n, public)
		}
	}
}
