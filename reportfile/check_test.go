package reportfile

import (
	"bytes"
	"context"
	"testing"

	"github.com/kensho-jp/kensho/internal/gen"
)

// TestCheckProgress: the progress of a CSV and of a workbook rises to the
// whole file, counting every row, and the listing stops at the limit
// while the counts go on.
func TestCheckProgress(t *testing.T) {
	const rows = 20000
	var csvFile, xlsxFile bytes.Buffer
	if err := gen.WriteCSV(&csvFile, rows, 3); err != nil {
		t.Fatal(err)
	}
	if err := gen.WriteXLSX(&xlsxFile, rows, 3); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"p.csv": csvFile.Bytes(), "p.xlsx": xlsxFile.Bytes()} {
		var got []Progress
		c, err := CheckBytes(context.Background(), name, data, 5, func(p Progress) { got = append(got, p) })
		if err != nil {
			t.Fatal(err)
		}
		if c.RowsRead != rows || len(got) < rows/batchSize {
			t.Fatalf("%s: %d rows read, %d progress reports", name, c.RowsRead, len(got))
		}
		for i := 1; i < len(got); i++ {
			if got[i].Rows < got[i-1].Rows || got[i].Fraction < got[i-1].Fraction {
				t.Fatalf("%s: progress went back: %+v after %+v", name, got[i], got[i-1])
			}
		}
		if last := got[len(got)-1]; last.Rows != rows || last.Fraction < 0.99 || last.Fraction > 1 {
			t.Errorf("%s: last progress %+v", name, last)
		}
	}
}

// TestCheckListsAtMostTheLimit: a file full of errors lists the first
// ones and counts them all.
func TestCheckListsAtMostTheLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("報告事業者名,登録・届出番号,事業者整理番号,報告年度\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("x,y,,1900\n")
	}
	c, err := CheckBytes(context.Background(), "bad.csv", b.Bytes(), 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusRejected {
		// The header lacks required columns: the file is rejected whole.
		t.Fatalf("status %s", c.Status)
	}
	var full bytes.Buffer
	if err := WriteTemplateCSV(&full, LangJa); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i++ {
		full.WriteString("\r\n" + string(bytes.Repeat([]byte{','}, 27)) + "x")
	}
	c, err = CheckBytes(context.Background(), "bad.csv", full.Bytes(), 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.RowsWithErrors != 3000 || len(c.ErrorList) != 7 || c.Errors < 3000*10 || c.ErrorsByCode[CodeMissingValue] < 3000 {
		t.Errorf("%d rows with errors, %d listed of %d: %v", c.RowsWithErrors, len(c.ErrorList), c.Errors, c.ErrorsByCode)
	}
}
