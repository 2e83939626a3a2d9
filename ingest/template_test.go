package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/kensho-jp/kensho/reportfile"
	"github.com/xuri/excelize/v2"
)

// filledTemplate writes kensho template's workbook in lang and fills it
// in as a person would (gen.FillTemplate).
func filledTemplate(t *testing.T, lang string) ([]byte, []gen.FilledRow) {
	t.Helper()
	var b bytes.Buffer
	if err := reportfile.WriteTemplateXLSX(&b, lang); err != nil {
		t.Fatal(err)
	}
	filled, rows, err := gen.FillTemplate(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return filled, rows
}

// loadFilled loads one filled-in file into a fresh database and checks
// that every row loaded, with the values chosen.
func loadFilled(t *testing.T, path string, rows []gen.FilledRow) {
	t.Helper()
	db, err := duck.Open(context.Background(), filepath.Join(t.TempDir(), "k.duckdb"), duck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep := mustLoad(t, db, path)
	if len(rep.Errors) != 0 || rep.RowsLoaded != len(rows) || rep.Files[0].Status != StatusLoaded {
		t.Fatalf("%s: %d of %d rows loaded, errors %+v", path, rep.RowsLoaded, len(rows), rep.Errors)
	}
	for _, r := range rows {
		var occurred time.Time
		var service, cause, form string
		err := db.QueryRow(`SELECT occurred_at, service, cause, form FROM accident WHERE report_no = ?`, r.ReportNo).
			Scan(&occurred, &service, &cause, &form)
		if err != nil {
			t.Fatalf("%s: report_no %s: %v", path, r.ReportNo, err)
		}
		want := map[string]string{"service": lookup(t, kensho.Services, r.Choices["service"]),
			"cause": lookup(t, kensho.Causes, r.Choices["cause"]), "form": lookup(t, kensho.Forms, r.Choices["form"])}
		got := map[string]string{"service": service, "cause": cause, "form": form}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s row %d: loaded %v, chose %v", path, r.Row, got, want)
		}
		if w := r.OccurredAt.Format("2006-01-02 15:04"); occurred.Format("2006-01-02 15:04") != w {
			t.Errorf("%s row %d: occurred_at %v, typed %s", path, r.Row, occurred, w)
		}
	}
}

func lookup(t *testing.T, l *kensho.CodeList, label string) string {
	t.Helper()
	c, ok := l.Lookup(label)
	if !ok {
		t.Fatalf("%s has no %q", l.Name, label)
	}
	return c.Code
}

// TestTemplateRoundTrip: kensho template's workbook, filled in with every
// dropdown label, Excel dates and numbers, loads without an error and
// with the values chosen, in both languages.
func TestTemplateRoundTrip(t *testing.T) {
	for _, lang := range []string{reportfile.LangJa, reportfile.LangEn} {
		t.Run(lang, func(t *testing.T) {
			filled, rows := filledTemplate(t, lang)
			path := filepath.Join(t.TempDir(), "filled.xlsx")
			if err := os.WriteFile(path, filled, 0o600); err != nil {
				t.Fatal(err)
			}
			loadFilled(t, path, rows)
		})
	}
}

// TestTemplateLibreOffice: the filled-in workbook saved again by
// LibreOffice, as XLSX and as CSV UTF-8, still loads without an error;
// and the blank form saved again by LibreOffice keeps its dropdowns.
// It needs LibreOffice (Debian: apt-get install libreoffice-calc-nogui,
// some 200 MB), which CI does not install: it skips without soffice.
func TestTemplateLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("no soffice (LibreOffice) on PATH")
	}
	for _, lang := range []string{reportfile.LangJa, reportfile.LangEn} {
		t.Run(lang, func(t *testing.T) {
			filled, rows := filledTemplate(t, lang)
			dir := t.TempDir()
			in := filepath.Join(dir, "in", "filled.xlsx")
			if err := os.MkdirAll(filepath.Dir(in), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(in, filled, 0o600); err != nil {
				t.Fatal(err)
			}
			var blank bytes.Buffer
			if err := reportfile.WriteTemplateXLSX(&blank, lang); err != nil {
				t.Fatal(err)
			}
			form := filepath.Join(dir, "in", "form.xlsx")
			if err := os.WriteFile(form, blank.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			profile := "file://" + filepath.Join(dir, "profile")
			for _, conv := range []struct{ to, ext string }{
				{"xlsx:Calc MS Excel 2007 XML", "xlsx"},
				// Comma, double quote, UTF-8 (76), from line 1.
				{"csv:Text - txt - csv (StarCalc):44,34,76,1", "csv"},
			} {
				out := filepath.Join(dir, conv.ext)
				cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
					"--convert-to", conv.to, "--outdir", out, in, form)
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("soffice --convert-to %s: %v\n%s", conv.to, err, b)
				}
				loadFilled(t, filepath.Join(out, "filled."+conv.ext), rows)
			}
			f, err := excelize.OpenFile(filepath.Join(dir, "xlsx", "form.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			dvs, err := f.GetDataValidations("報告")
			if err != nil {
				t.Fatal(err)
			}
			lists := 0
			for _, dv := range dvs {
				if dv.Type == "list" {
					lists++
				}
			}
			if lists < 11 {
				t.Errorf("the form saved by LibreOffice has %d dropdowns, want 11", lists)
			}
		})
	}
}
