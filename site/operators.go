package site

import (
	"bytes"

	"github.com/kensho-jp/kensho/reportfile"
)

// The part of the site for the operators who report: the blank report
// forms that kensho template writes, under forms/, and on the data page a
// section that links them and explains how to check a file before sending
// it. The forms come from package reportfile, the same code that reads
// the files they become.

// reportForm is one blank form under forms/.
type reportForm struct {
	Path string // below the site root
	Lang string // the language of its headers and hints
	XLSX bool
}

var reportForms = []reportForm{
	{Path: "forms/report-form-ja.xlsx", Lang: reportfile.LangJa, XLSX: true},
	{Path: "forms/report-form-en.xlsx", Lang: reportfile.LangEn, XLSX: true},
	{Path: "forms/report-form-ja.csv", Lang: reportfile.LangJa},
	{Path: "forms/report-form-en.csv", Lang: reportfile.LangEn},
}

// writeForms writes the blank report forms.
func (r *renderer) writeForms() error {
	for _, f := range reportForms {
		var b bytes.Buffer
		write := reportfile.WriteTemplateCSV
		if f.XLSX {
			write = reportfile.WriteTemplateXLSX
		}
		if err := write(&b, f.Lang); err != nil {
			return err
		}
		if err := r.write(f.Path, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// operatorsView is the data page's section for reporting operators.
type operatorsView struct {
	Forms []formLink
}

type formLink struct {
	Href, Name, Lang, Size string
	XLSX                   bool
}

func (r *renderer) operatorsView(p *page) *operatorsView {
	v := &operatorsView{}
	for _, f := range reportForms {
		v.Forms = append(v.Forms, formLink{Href: p.Root + f.Path, Name: f.Path[len("forms/"):], Lang: f.Lang,
			Size: humanBytes(r.written[f.Path]), XLSX: f.XLSX})
	}
	return v
}
