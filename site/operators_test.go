package site_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kensho-jp/kensho/reportfile"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestReportForms: the data page of each language has the section for
// reporting operators, linking the four blank forms, which are kensho
// template's own bytes, and explaining kensho check.
func TestReportForms(t *testing.T) {
	want := map[string]func(*bytes.Buffer) error{
		"forms/report-form-ja.xlsx": func(b *bytes.Buffer) error { return reportfile.WriteTemplateXLSX(b, "ja") },
		"forms/report-form-en.xlsx": func(b *bytes.Buffer) error { return reportfile.WriteTemplateXLSX(b, "en") },
		"forms/report-form-ja.csv":  func(b *bytes.Buffer) error { return reportfile.WriteTemplateCSV(b, "ja") },
		"forms/report-form-en.csv":  func(b *bytes.Buffer) error { return reportfile.WriteTemplateCSV(b, "en") },
	}
	for path, write := range want {
		got, err := os.ReadFile(filepath.Join(siteDir, filepath.FromSlash(path)))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%s is not kensho template's form", path)
		}
	}
	for _, page := range []string{"downloads/index.html", "en/downloads/index.html"} {
		d := parsePage(t, siteDir, page)
		sec := find(d.root, func(n *html.Node) bool {
			id, _ := attr(n, "id")
			return n.DataAtom == atom.Section && id == "operators"
		})
		if len(sec) != 1 {
			t.Fatalf("%s: %d sections #operators", page, len(sec))
		}
		linked := map[string]bool{}
		for _, a := range find(sec[0], func(n *html.Node) bool { return n.DataAtom == atom.A }) {
			href, _ := attr(a, "href")
			file, _, _ := resolve(page, href)
			linked[file] = true
		}
		for path := range want {
			if !linked[path] {
				t.Errorf("%s: no link to %s", page, path)
			}
		}
		if !strings.Contains(text(sec[0]), "kensho check") {
			t.Errorf("%s: the section does not explain kensho check", page)
		}
	}
}
