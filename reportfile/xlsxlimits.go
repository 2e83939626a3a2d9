package reportfile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
)

// An XLSX workbook is a ZIP archive of XML parts, and a few megabytes of
// it can inflate to gigabytes: a "zip bomb", or a sheet filled far beyond
// its data. Reading a workbook must not take more memory than these
// limits allow, whatever it holds, so every part is checked before
// anything is read, by the size the archive declares for it (archive/zip
// refuses to inflate a part beyond its declared size, so the declaration
// cannot lie to a reader). A workbook over a limit is rejected whole,
// with a message naming the part and the limit.
const (
	// MaxSharedStrings bounds the shared strings (xl/sharedStrings.xml),
	// which are held in memory while the sheet is read: about 200,000
	// rows of reports whose free text is all different.
	MaxSharedStrings = 128 << 20
	// MaxWorksheet bounds a worksheet part. It is read as a stream, but
	// read whole: a full sheet of 1,048,576 report rows is 1.3-2.5 GiB.
	MaxWorksheet = 3 << 30
	// MaxOtherPart bounds any other part (workbook, styles, images...).
	MaxOtherPart = 64 << 20
	// MaxWorkbook bounds all the parts together.
	MaxWorkbook = 4 << 30
	// MaxRowXML bounds one row of a worksheet, held whole while its
	// cells are read.
	MaxRowXML = 64 << 20
)

// TooLargeError is a workbook part (or a row of a worksheet) larger than
// its limit once uncompressed.
type TooLargeError struct {
	Part  string // the part's name in the archive ("" for the whole workbook)
	Size  int64  // as declared; 0 when only known to be over the limit
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s uncompressed", e.Part, sizeText(e.Limit))
}

func (e *TooLargeError) problem(file string) *Problem {
	// A size that rounds to the limit is given in bytes.
	size, sizeJa := "more than "+sizeText(e.Limit), sizeText(e.Limit)+" 超"
	switch {
	case e.Size <= 0:
	case sizeText(e.Size) == sizeText(e.Limit):
		size, sizeJa = Thousands(e.Size)+" bytes", Thousands(e.Size)+" バイト"
	default:
		size, sizeJa = sizeText(e.Size), sizeText(e.Size)
	}
	advice, adviceJa := "check that the sheet holds only the reports (nothing far below or to the right of them), or save it as CSV (UTF-8)",
		"シートに報告以外のもの(報告のはるか下や右に入力されたもの)がないか確かめるか、CSV(UTF-8)で保存してください"
	if strings.HasSuffix(strings.ToLower(e.Part), "sharedstrings.xml") {
		advice, adviceJa = "save the sheet as CSV (UTF-8), which has no such limit",
			"CSV(UTF-8)で保存してください(CSV にはこの上限はありません)"
	}
	part, partJa := e.Part, e.Part
	if part == "" {
		part, partJa = "all parts together", "全体"
	}
	return &Problem{Code: CodePartTooLarge, Msg: newMessage(CodePartTooLarge, "file", file,
		"part_ja", partJa, "part_en", part, "size_ja", sizeJa, "size_en", size, "limit", sizeText(e.Limit),
		"advice_ja", adviceJa, "advice_en", advice)}
}

// checkParts checks the declared size of every part of a workbook; nil
// when all are within their limits, or when data is no ZIP archive (the
// readers then say why it cannot be read).
func checkParts(file string, data []byte) *Problem {
	if !bytes.HasPrefix(data, zipMagic) {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var total uint64
	for _, f := range zr.File {
		limit := uint64(MaxOtherPart)
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		switch {
		case strings.HasSuffix(name, "sharedstrings.xml"):
			limit = MaxSharedStrings
		case strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml"):
			limit = MaxWorksheet
		}
		if f.UncompressedSize64 > limit {
			return (&TooLargeError{Part: f.Name, Size: int64(min(f.UncompressedSize64, 1<<62)), Limit: int64(limit)}).problem(file)
		}
		total += f.UncompressedSize64
		if total > MaxWorkbook {
			return (&TooLargeError{Limit: MaxWorkbook}).problem(file)
		}
	}
	return nil
}

// sizeText writes a size in binary units, as the limits are set.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<30))) + " GiB"
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
