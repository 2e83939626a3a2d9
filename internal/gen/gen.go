// Package gen writes quarterly accident reports that follow the input
// contract (docs/report-format.md), for ingest's benchmarks and tests: any
// number of valid rows, in UTF-8 or CP932 CSV or in XLSX with a title block.
// It is a test helper: it must never be used to make data that is published.
package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/kensho-jp/kensho"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
)

// Header is the header row the generator writes: every column of the
// report, Japanese headers, spec order.
func Header() []string {
	h := make([]string, len(kensho.InputColumns))
	for i, c := range kensho.InputColumns {
		h[i] = c.HeaderJa
	}
	return h
}

// Rows calls emit with n valid rows (cells in header order), deterministic
// for a seed. The slice passed to emit is reused between calls.
func Rows(n int, seed uint64, emit func([]string) error) error {
	r := rand.New(rand.NewPCG(seed, 0x6b656e73686f))
	cells := make([]string, len(kensho.InputColumns))
	services := kensho.Services.Codes
	causes := kensho.Causes.Codes
	prefs := kensho.Prefectures.Codes
	var simplifiedEquipment, equipment []kensho.Code
	for _, c := range kensho.EquipmentCodes.Codes {
		equipment = append(equipment, c)
		if kensho.SimplifiedFormEquipment(c.Code) {
			simplifiedEquipment = append(simplifiedEquipment, c)
		}
	}
	summaries := []string{
		"伝送装置のハードウェア故障により、当該装置を経由する通信が利用できない状態となった。",
		"設定変更作業の誤りにより、一部の利用者で通信速度が低下した。予備系に切り替えて復旧した。",
		"台風の影響による商用電源の停電で、基地局が停波した。",
	}
	for i := 0; i < n; i++ {
		op := r.IntN(40)
		fy := 2019 + r.IntN(6)
		q := 1 + r.IntN(4)
		fq := kensho.FiscalQuarter{Year: fy, Quarter: q}
		span := int(fq.End().Sub(fq.Start()) / time.Minute)
		occ := fq.Start().Add(time.Duration(r.IntN(span-3000)) * time.Minute)
		dur := 120 + r.IntN(2000)
		rec := occ.Add(time.Duration(dur) * time.Minute)
		simplified := r.IntN(5) == 0
		eq := equipment[r.IntN(len(equipment))]
		if simplified {
			eq = simplifiedEquipment[r.IntN(len(simplifiedEquipment))]
		}
		cause := causes[r.IntN(len(causes))]
		svc := services[r.IntN(len(services))]
		impact := kensho.Impacts.Codes[r.IntN(2)]
		users := 30000 + r.IntN(200000)
		var area string
		switch k := r.IntN(10); {
		case k == 0:
			area = kensho.Nationwide
		case k < 6:
			area = prefs[r.IntN(len(prefs))].Text.Ja
		default:
			area = prefs[r.IntN(len(prefs))].Text.Ja + "、" + prefs[r.IntN(len(prefs))].Attr["short_ja"]
		}
		form := kensho.Forms.Get("full").Text.Ja
		if simplified {
			form = kensho.Forms.Get("simplified").Text.Ja
		}
		cells[0] = fmt.Sprintf("株式会社テレコム%02d", op)
		cells[1] = fmt.Sprintf("第%03d号-%d", 100+op, op)
		cells[2] = "山田 太郎"
		cells[3] = "03-1234-5678"
		cells[4] = fmt.Sprintf("R%d-%07d", fy, i)
		cells[5] = strconv.Itoa(fy)
		cells[6] = strconv.Itoa(q)
		cells[7] = form
		cells[8] = kensho.ReportTypes.Get("quarterly").Text.Ja
		if kensho.MeetsSeriousCriteria(kensho.Accident{OccurredAt: occ, Service: svc.Code, Impact: impact.Code,
			Equipment: eq.Code, DurationMin: int64(dur), AffectedUsers: int64(users)}) {
			cells[8] = kensho.ReportTypes.Get("serious").Text.Ja
		}
		cells[9] = occ.Format("2006/01/02 15:04")
		cells[10] = rec.Format("2006/01/02 15:04")
		cells[11] = strconv.Itoa(dur)
		cells[12] = impact.Text.Ja
		cells[13] = svc.Text.Ja
		cells[14] = thousands(users)
		cells[15] = area
		cells[16] = "東京都千代田区 第二ビル"
		cells[17] = kensho.CauseGroups.Get(cause.Attr["group"]).Text.Ja
		cells[18] = cause.Text.Ja
		cells[19] = eq.Text.Ja
		cells[20] = "ベンダーA XR-100"
		cells[21] = "いいえ"
		cells[22] = ""
		cells[23] = strconv.Itoa(r.IntN(3))
		cells[24] = ""
		cells[25] = "いいえ"
		cells[26] = summaries[r.IntN(len(summaries))]
		cells[27] = "監視を強化し、手順書を改訂した。"
		if simplified {
			cells[16], cells[20], cells[22], cells[23], cells[24], cells[26], cells[27] = "", "", "", "", "", "", ""
		}
		if err := emit(cells); err != nil {
			return err
		}
	}
	return nil
}

// thousands formats n with comma separators (30,000), as Excel users type it.
func thousands(n int) string {
	s := strconv.Itoa(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// WriteCSV writes a header and n rows as UTF-8 CSV (CRLF, as Excel does).
func WriteCSV(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(Header()); err != nil {
		return err
	}
	if err := Rows(n, seed, cw.Write); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteCP932CSV writes the same file as WriteCSV encoded in Shift_JIS/CP932.
func WriteCP932CSV(w io.Writer, n int, seed uint64) error {
	enc := japanese.ShiftJIS.NewEncoder().Writer(w)
	return WriteCSV(enc, n, seed)
}

// WriteXLSX writes an XLSX workbook whose sheet 報告 holds a two-row title
// block, a blank row, then the header and n rows.
func WriteXLSX(w io.Writer, n int, seed uint64) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "報告"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("報告")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"電気通信事故 四半期報告"}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{"報告事業者", "株式会社テレコム"}); err != nil {
		return err
	}
	hdr := Header()
	row := make([]any, len(hdr))
	for i, h := range hdr {
		row[i] = h
	}
	if err := sw.SetRow("A4", row); err != nil {
		return err
	}
	// Dates and numbers go in as Excel values (serial dates with a date
	// format), as a workbook typed by hand holds them.
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	if err != nil {
		return err
	}
	rowNo := 5
	err = Rows(n, seed, func(cells []string) error {
		for i, c := range cells {
			row[i] = c
			switch kensho.InputColumns[i].Type {
			case "datetime":
				t, err := time.ParseInLocation("2006/01/02 15:04", c, time.UTC)
				if err != nil {
					return err
				}
				row[i] = excelize.Cell{StyleID: dateStyle, Value: t}
			case "int":
				if v, err := strconv.Atoi(strings.ReplaceAll(c, ",", "")); err == nil {
					row[i] = v
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, rowNo)
		rowNo++
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
