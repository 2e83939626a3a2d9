package reportfile

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/gen"
	"github.com/xuri/excelize/v2"
)

func template(t *testing.T, lang string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, lang); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestTemplateFilledIsValid fills in each template with every label of
// every dropdown and checks the file: no error, every row read.
func TestTemplateFilledIsValid(t *testing.T) {
	for _, lang := range []string{LangJa, LangEn} {
		t.Run(lang, func(t *testing.T) {
			filled, rows, err := gen.FillTemplate(template(t, lang))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) < len(kensho.Prefectures.Codes) {
				t.Fatalf("only %d rows filled", len(rows))
			}
			c, err := CheckBytes(context.Background(), "filled.xlsx", filled, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != StatusValid || c.RowsRead != len(rows) || c.Errors != 0 {
				t.Fatalf("%s: %d rows read of %d, %d errors: %+v", c.Status, c.RowsRead, len(rows), c.Errors, c.ErrorList)
			}
		})
	}
}

// TestTemplateWorkbook checks the form itself: the header of the
// contract in the right language, a dropdown on every coded column, an
// input message within Excel's limits on every column, a second sheet of
// code lists, and the same bytes every time.
func TestTemplateWorkbook(t *testing.T) {
	for _, lang := range []string{LangJa, LangEn} {
		t.Run(lang, func(t *testing.T) {
			data := template(t, lang)
			if again := template(t, lang); !bytes.Equal(data, again) {
				t.Error("two writes differ")
			}
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[0] != reportSheet {
				t.Fatalf("sheets %v", sheets)
			}
			rows, err := f.GetRows(reportSheet)
			if err != nil || len(rows) != 1 {
				t.Fatalf("rows %v, %v", rows, err)
			}
			for i, c := range kensho.InputColumns {
				if want := templateHeader(c, lang); i >= len(rows[0]) || rows[0][i] != want {
					t.Errorf("column %d: header %v, want %s", i, rows[0], want)
				}
			}
			dvs, err := f.GetDataValidations(reportSheet)
			if err != nil {
				t.Fatal(err)
			}
			byCol := map[string]*excelize.DataValidation{}
			for _, dv := range dvs {
				byCol[strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")] = dv
			}
			for i, c := range kensho.InputColumns {
				dv := byCol[columnLetter(i)]
				if dv == nil || dv.Prompt == nil || *dv.Prompt == "" || dv.PromptTitle == nil {
					t.Errorf("%s: no input message", c.Field)
					continue
				}
				if n := utf8.RuneCountInString(*dv.Prompt); n > 255 || utf8.RuneCountInString(*dv.PromptTitle) > 32 {
					t.Errorf("%s: input message of %d characters", c.Field, n)
				}
				if (c.Type == "code" || c.Type == "bool" || c.Type == "list") && dv.Type != "list" {
					t.Errorf("%s: %s validation, want a dropdown", c.Field, dv.Type)
				}
			}
			if dv := byCol[columnLetter(mustField("equipment"))]; !strings.Contains(*dv.Prompt, kensho.EquipmentCodes.Get("dslam").Text.In(lang)) {
				t.Errorf("equipment's message does not say what the simplified form allows: %s", *dv.Prompt)
			}
			codes, err := f.GetRows(templateText[lang].codeSheet)
			if err != nil || len(codes) < 2+len(kensho.Prefectures.Codes) {
				t.Fatalf("code sheet: %d rows, %v", len(codes), err)
			}
		})
	}
}

// TestTemplateCSV: the CSV form is the header row, read as a valid empty
// report.
func TestTemplateCSV(t *testing.T) {
	for _, lang := range []string{LangJa, LangEn} {
		var b bytes.Buffer
		if err := WriteTemplateCSV(&b, lang); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), bomUTF8) || !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			t.Errorf("%s: no BOM or CRLF: %q", lang, b.String())
		}
		c, err := CheckBytes(context.Background(), "form.csv", b.Bytes(), 0, nil)
		if err != nil || c.Status != StatusValid || c.Warnings != 0 {
			t.Errorf("%s: %+v, %v", lang, c, err)
		}
		if n := strings.Count(b.String(), ","); n != len(kensho.InputColumns)-1 {
			t.Errorf("%s: %d commas", lang, n)
		}
	}
	if err := WriteTemplateCSV(&bytes.Buffer{}, "fr"); err == nil {
		t.Error("language fr accepted")
	}
}
