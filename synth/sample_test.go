package synth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleDir is the committed sample and sampleRegister its register of
// public facts; makefile records how both are made.
const (
	sampleDir      = "../data"
	sampleRegister = "../register/public-facts.csv"
	makefile       = "../Makefile"
)

// sampleConfig reads the synth flags of the Makefile's data target, so the
// test regenerates exactly what `make data` does.
func sampleConfig(t *testing.T) Config {
	t.Helper()
	b, err := os.ReadFile(makefile)
	if err != nil {
		t.Fatal(err)
	}
	var line string
	inData := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "data:") {
			inData = true
			continue
		}
		if inData && strings.Contains(l, "cmd/kensho synth") {
			line = l
			break
		}
	}
	if line == "" {
		t.Fatal("no synth command in the Makefile's data target")
	}
	args := strings.Fields(line[strings.Index(line, "synth")+len("synth"):])
	var cfg Config
	var out string
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.Int64Var(&cfg.Seed, "seed", 1, "")
	fs.IntVar(&cfg.From, "from", DefaultFrom, "")
	fs.IntVar(&cfg.To, "to", DefaultTo, "")
	fs.Float64Var(&cfg.Scale, "scale", 1, "")
	fs.IntVar(&cfg.Operators, "operators", 0, "")
	fs.StringVar(&cfg.Format, "format", "csv", "")
	fs.StringVar(&cfg.Layout, "layout", "operator", "")
	fs.Float64Var(&cfg.Errors, "errors", 0, "")
	fs.Float64Var(&cfg.Corrections, "corrections", 0, "")
	fs.StringVar(&cfg.PublicFacts, "public", "", "")
	fs.StringVar(&out, "out", "", "")
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Makefile data target: %v", err)
	}
	if out != "data" {
		t.Fatalf("Makefile data target writes to %q, want data", out)
	}
	if cfg.PublicFacts != "register/public-facts.csv" {
		t.Fatalf("Makefile data target writes its register to %q, want register/public-facts.csv", cfg.PublicFacts)
	}
	return cfg
}

// The committed sample meets the requirements, is valid row by row,
// and is exactly what `make data` regenerates.
func TestSample(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sampleDir, "README.md")); err != nil {
		t.Skip("no sample in ../data")
	}
	cfg := sampleConfig(t)
	reg := filepath.Join(t.TempDir(), "public-facts.csv")
	cfg.PublicFacts = reg
	dir, sum := generate(t, cfg)

	// The register too, byte for byte.
	a, err := os.ReadFile(sampleRegister)
	if err != nil {
		t.Fatalf("the sample's register: %v (regenerate with make data)", err)
	}
	if b, err := os.ReadFile(reg); err != nil {
		t.Fatal(err)
	} else if !bytes.Equal(a, b) {
		t.Error("register/public-facts.csv differs from what make data writes: regenerate with make data")
	}

	// Byte-identical to the committed files, and no file missing or extra.
	var committed []string
	err = filepath.WalkDir(sampleDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if base := filepath.Base(p); !d.IsDir() && base != "README.md" && !strings.HasPrefix(base, ".") {
			rel, _ := filepath.Rel(sampleDir, p)
			committed = append(committed, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(committed, "\n") != strings.Join(sum.Files, "\n") {
		t.Fatalf("data/ holds %d files, make data writes %d: regenerate with make data", len(committed), len(sum.Files))
	}
	var size int64
	for _, rel := range sum.Files {
		a, err := os.ReadFile(filepath.Join(sampleDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("data/%s differs from what make data writes: regenerate with make data", rel)
		}
		size += int64(len(a))
	}
	if size > 20<<20 {
		t.Errorf("sample is %d bytes, want at most 20 MB", size)
	}

	cur, invalid, corrections := loadValid(t, sampleDir)
	if len(invalid) > 0 {
		t.Errorf("%d invalid rows in the sample", len(invalid))
	}
	if corrections == 0 {
		t.Error("the sample has no corrections")
	}
	years := map[int]bool{}
	ops := map[string]bool{}
	forms := map[string]bool{}
	for _, p := range cur {
		years[p.fy] = true
		ops[p.operatorID] = true
		forms[p.form] = true
	}
	if len(years) < 6 || len(ops) < 100 || len(forms) != 2 {
		t.Errorf("sample has %d fiscal years, %d operators, forms %v; want ≥ 6, ≥ 100, both", len(years), len(ops), forms)
	}
}

// TestDemoCommandIsDocumented: data/README.md shows the synth command
// make run generates its demo with (the Makefile's DEMO_SYNTH and DEMO_IN),
// so the two cannot drift apart.
func TestDemoCommandIsDocumented(t *testing.T) {
	b, err := os.ReadFile(makefile)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if name, val, ok := strings.Cut(l, ":="); ok && strings.HasPrefix(l, "DEMO_") {
			vars[strings.TrimSpace(name)] = strings.TrimSpace(val)
		}
	}
	synth, in := vars["DEMO_SYNTH"], vars["DEMO_IN"]
	if synth == "" || in == "" {
		t.Fatalf("the Makefile sets no DEMO_SYNTH or DEMO_IN (%q, %q)", synth, in)
	}
	want := strings.Join(strings.Fields("kensho synth "+synth+" --public "+in+"/public-facts.csv --out "+in+"/reports"), " ")
	doc, err := os.ReadFile(filepath.Join(sampleDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.ReplaceAll(string(doc), "\\\n", " ")), " ")
	if !strings.Contains(text, want) {
		t.Errorf("data/README.md does not show make run's demo command:\n%s", want)
	}
}
