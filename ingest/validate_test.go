package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
	"github.com/kensho-jp/kensho/reportfile"
)

var ignoreMessages = cmpopts.IgnoreFields(Error{}, "MessageJa", "MessageEn")

// baseRow is a valid row (no error, no warning) in Japanese headers.
var baseRow = map[string]string{
	"報告事業者名": "株式会社テスト通信", "登録・届出番号": "T-0001", "報告担当者": "田中 一郎",
	"連絡先": "ichiro@test.example.jp", "事業者整理番号": "T-1", "報告年度": "2024", "四半期": "1",
	"様式": "省令", "報告区分": "四半期", "発生日時": "2024/05/10 10:00", "復旧日時": "2024/05/10 11:30",
	"継続時間(分)": "90", "事故の態様": "停止", "役務区分": "FTTHアクセス", "影響利用者数": "40,000",
	"影響範囲": "大阪府", "発生場所": "北区 局舎", "発生要因(大分類)": "設備要因",
	"発生要因(小分類)": "ハードウェア故障(自然故障)", "故障設備": "ルータ・伝送装置", "設備メーカー・機種": "ベンダー X-1",
	"他事業者設備起因": "いいえ", "卸元・接続先事業者名": "", "重要インフラ事業者数": "0", "災害名": "",
	"サイバー攻撃": "いいえ", "事故概要": "概要", "再発防止策": "対策",
}

// csvCell quotes a value for CSV when it needs it.
func csvCell(v string) string {
	if strings.ContainsAny(v, ",\"\r\n") && !strings.HasPrefix(v, "\"") {
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return v
}

// validCSV writes a CSV with every column (Japanese headers, spec order)
// and one row per override set, each baseRow with the overrides applied.
// A value that starts with a quote is written as is (to break it).
func validCSV(t *testing.T, rows []map[string]string) string {
	t.Helper()
	var b strings.Builder
	hdr := make([]string, len(kensho.InputColumns))
	for i, c := range kensho.InputColumns {
		hdr[i] = c.HeaderJa
	}
	b.WriteString(strings.Join(hdr, ",") + "\n")
	for _, over := range rows {
		for k := range over {
			if _, ok := baseRow[k]; !ok {
				t.Fatalf("no column %s", k)
			}
		}
		cells := make([]string, len(hdr))
		for i, h := range hdr {
			v, ok := over[h]
			if !ok {
				v = baseRow[h]
			}
			cells[i] = csvCell(v)
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return b.String()
}

// want is an error expected at a row and column (header as written).
type want struct {
	row    int
	column string
	code   string
}

// TestRules has, for every validation rule of the spec, a file that obeys
// it and one that breaks it; each bad file must give exactly the expected
// errors (code, row, column), each good file none. Warnings are checked
// the same way. All files load in one run.
func TestRules(t *testing.T) {
	type ruleCase struct {
		name  string
		rows  []map[string]string // one row each (row 2, 3, ...)
		raw   string              // a whole file instead of rows
		errs  []want
		warns []want
	}
	cases := []ruleCase{
		{name: "required_good", rows: []map[string]string{{}}},
		{name: "required_bad", rows: []map[string]string{{"報告事業者名": " ", "事業者整理番号": ""}},
			errs: []want{{2, "報告事業者名", reportfile.CodeMissingValue}, {2, "事業者整理番号", reportfile.CodeMissingValue}}},
		{name: "integer_good", rows: []map[string]string{{"影響利用者数": "３０，０００"}}},
		{name: "integer_bad", rows: []map[string]string{{"影響利用者数": "3万"}},
			errs: []want{{2, "影響利用者数", reportfile.CodeBadInteger}}},
		{name: "integer_separator_bad", rows: []map[string]string{{"影響利用者数": "3,0000"}},
			errs: []want{{2, "影響利用者数", reportfile.CodeBadInteger}}},
		{name: "negative_good", rows: []map[string]string{{"重要インフラ事業者数": "0"}}},
		{name: "negative_bad", rows: []map[string]string{{"重要インフラ事業者数": "-1"}},
			errs: []want{{2, "重要インフラ事業者数", reportfile.CodeNegative}}},
		{name: "fiscal_year_good", rows: []map[string]string{{"報告年度": "令和6年度"}}},
		{name: "fiscal_year_bad", rows: []map[string]string{{"報告年度": "24"}},
			errs: []want{{2, "報告年度", reportfile.CodeBadFiscalYear}}},
		{name: "quarter_good", rows: []map[string]string{{"四半期": "第１四半期"}}},
		{name: "quarter_bad", rows: []map[string]string{{"四半期": "0"}},
			errs: []want{{2, "四半期", reportfile.CodeBadQuarter}}},
		{name: "code_good", rows: []map[string]string{{"役務区分": "fibre access", "事故の態様": "outage", "様式": "full"}}},
		{name: "code_bad", rows: []map[string]string{{"役務区分": "光"}},
			errs: []want{{2, "役務区分", reportfile.CodeUnknownCode}}},
		{name: "report_type_default", rows: []map[string]string{{"報告区分": ""}}},
		{name: "report_type_bad", rows: []map[string]string{{"報告区分": "臨時"}},
			errs: []want{{2, "報告区分", reportfile.CodeUnknownCode}}},
		{name: "cause_group_good", rows: []map[string]string{{"発生要因(大分類)": "人為要因", "発生要因(小分類)": "設定誤り"}}},
		{name: "cause_group_bad", rows: []map[string]string{{"発生要因(大分類)": "外的要因", "発生要因(小分類)": "設定誤り"}},
			errs: []want{{2, "発生要因(小分類)", reportfile.CodeCauseNotInGroup}}},
		{name: "datetime_good", rows: []map[string]string{{"発生日時": "令和6年5月10日 10時00分", "復旧日時": "2024-05-10T02:30:00Z"}}},
		{name: "datetime_bad", rows: []map[string]string{{"発生日時": "2024/05/10"}},
			errs: []want{{2, "発生日時", reportfile.CodeBadDatetime}}},
		{name: "quarter_range_good", rows: []map[string]string{{"発生日時": "2024/06/30 23:59", "復旧日時": "2024/07/01 01:29"}}},
		{name: "quarter_range_bad", rows: []map[string]string{{"発生日時": "2024/07/01 00:00", "復旧日時": "2024/07/01 01:30"}},
			errs: []want{{2, "発生日時", reportfile.CodeOutsideQuarter}}},
		{name: "recovered_good", rows: []map[string]string{{"復旧日時": "2024/05/10 10:00", "継続時間(分)": "0"}}},
		{name: "recovered_bad", rows: []map[string]string{{"復旧日時": "2024/05/10 09:59", "継続時間(分)": ""}},
			errs: []want{{2, "復旧日時", reportfile.CodeRecoveredBeforeOccurred}}},
		{name: "duration_good", rows: []map[string]string{{"継続時間(分)": "91"}}},
		{name: "duration_bad", rows: []map[string]string{{"継続時間(分)": "92"}},
			errs: []want{{2, "継続時間(分)", reportfile.CodeDurationMismatch}}},
		{name: "bool_good", rows: []map[string]string{{"他事業者設備起因": "有", "サイバー攻撃": "FALSE"}}},
		{name: "bool_bad", rows: []map[string]string{{"サイバー攻撃": "△"}},
			errs: []want{{2, "サイバー攻撃", reportfile.CodeBadBool}}},
		{name: "prefecture_good", rows: []map[string]string{{"影響範囲": "Tokyo, 大阪、13"}}},
		{name: "prefecture_bad", rows: []map[string]string{{"影響範囲": "東京都、ニューヨーク"}},
			errs: []want{{2, "影響範囲", reportfile.CodeUnknownPrefecture}}},
		{name: "nationwide_good", rows: []map[string]string{{"影響範囲": "全国"}}},
		{name: "nationwide_bad", rows: []map[string]string{{"影響範囲": "全国/東京"}},
			errs: []want{{2, "影響範囲", reportfile.CodeNationwideMixed}}},
		{name: "simplified_good", rows: []map[string]string{{"様式": "告示", "故障設備": "DSLAM", "発生場所": "", "設備メーカー・機種": "", "事故概要": "", "再発防止策": ""}}},
		{name: "simplified_bad", rows: []map[string]string{{"様式": "告示", "故障設備": "サーバ(認証・DNS・メール等)"}},
			errs: []want{{2, "故障設備", reportfile.CodeSimplifiedEquipment}}},
		{name: "key_good", rows: []map[string]string{{"事業者整理番号": "K-1"}, {"事業者整理番号": "K-2"}}},
		{name: "key_bad", rows: []map[string]string{{"事業者整理番号": "K-1"}, {"事業者整理番号": "Ｋ－１"}},
			errs: []want{{3, "事業者整理番号", reportfile.CodeDuplicateKey}}},
		{name: "cells_good", raw: strings.TrimSuffix(validCSV(t, []map[string]string{{}}), "\n") + ",,\n"},
		{name: "cells_bad", raw: strings.TrimSuffix(validCSV(t, []map[string]string{{}}), "\n") + ",x\n",
			errs: []want{{2, "", reportfile.CodeTooManyCells}}},
		{name: "threshold_good", rows: []map[string]string{{"影響利用者数": "29,999", "復旧日時": "2024/05/10 12:00", "継続時間(分)": "120"}}},
		{name: "threshold_bad", rows: []map[string]string{{"影響利用者数": "29,999", "復旧日時": "2024/05/10 11:59", "継続時間(分)": "119"}},
			warns: []want{{2, "影響利用者数", reportfile.CodeBelowThreshold}}},
		{name: "serious_good", rows: []map[string]string{{"報告区分": "重大", "復旧日時": "2024/05/10 12:00", "継続時間(分)": "120"}}},
		{name: "serious_bad", rows: []map[string]string{{"報告区分": "四半期", "復旧日時": "2024/05/10 12:00", "継続時間(分)": "120"}},
			warns: []want{{2, "報告区分", reportfile.CodeSeriousAsQuarterly}}},
		{name: "columns_good", raw: "operator_name,operator_id,report_no,fiscal_year,quarter,form,occurred_at,recovered_at,impact,service,affected_users,prefectures,cause_group,cause,equipment,other_operator_origin,cyber_attack\n" +
			"株式会社テスト通信,T-0001,C-1,2024,1,full,2024-05-10 10:00,2024-05-10 11:30,outage,ftth,40000,27,equipment,hw_failure,router,no,no\n"},
		{name: "columns_unknown", raw: "備考," + strings.TrimSuffix(validCSV(t, nil), "\n") + "\n自由記述," +
			strings.SplitN(validCSV(t, []map[string]string{{}}), "\n", 3)[1] + "\n",
			warns: []want{{0, "備考", reportfile.CodeUnknownColumn}}},
	}
	dir := t.TempDir()
	var paths []string
	for i, c := range cases {
		text := c.raw
		if text == "" {
			// Each file its own operator, so no case corrects another.
			for _, r := range c.rows {
				r["登録・届出番号"] = fmt.Sprintf("T-%03d", i)
			}
			text = validCSV(t, c.rows)
		}
		p := filepath.Join(dir, c.name+".csv")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	db := duck.MustOpenMemory(t)
	rep := mustLoad(t, db, paths...)
	gotErrs := map[string][]want{}
	for _, e := range rep.Errors {
		gotErrs[e.File] = append(gotErrs[e.File], want{e.Row, e.Column, e.Code})
		if e.MessageJa == "" || e.MessageEn == "" {
			t.Errorf("%s row %d: empty message", e.File, e.Row)
		}
	}
	gotWarns := map[string][]want{}
	rows, err := db.Query(`SELECT source_file, source_row, column_header, code FROM ingest_warning
		ORDER BY source_file, source_row, code`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f string
		var w want
		if err := rows.Scan(&f, &w.row, &w.column, &w.code); err != nil {
			t.Fatal(err)
		}
		gotWarns[f] = append(gotWarns[f], w)
	}
	rows.Close()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := rep.Files[i]
			if f.Status != StatusLoaded {
				t.Fatalf("status %s", f.Status)
			}
			if diff := cmp.Diff(c.errs, gotErrs[paths[i]], cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.warns, gotWarns[paths[i]], cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			quarantined := map[int]bool{}
			for _, e := range c.errs {
				quarantined[e.row] = true
			}
			if f.RowsQuarantined != len(quarantined) {
				t.Errorf("%d rows quarantined, want %d", f.RowsQuarantined, len(quarantined))
			}
		})
	}
}
