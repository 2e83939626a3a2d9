package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/kensho-jp/kensho"
)

// The page 報告ファイルの事前チェック (check/index.html): an operator chooses
// or drops a report file and the page checks it in the browser with the
// rules of kensho check, package reportfile compiled to WebAssembly
// (cmd/kensho-check-wasm, packed by internal/wasmbundle). The file never
// leaves the page: the page's Content-Security-Policy allows no
// connection, and only this page loads the WebAssembly.

// The files of the check bundle (internal/wasmbundle) and where the site
// serves them.
const (
	checkPayload = "kensho-check.js"
	checkExec    = "wasm_exec.js"
	checkLicense = "wasm_exec.LICENSE.txt"
	checkAssets  = "assets/check/"
	// CheckPageSlug is the check page below each language root.
	CheckPageSlug = "check"
	// checkLimit is how many errors and warnings of a file the page lists
	// (the counts are always complete): a table of ten thousand rows still
	// scrolls, and kensho check --max-errors 0 lists them all.
	checkLimit = 10000
)

// CheckCSP is the check page's Content-Security-Policy: its own scripts
// and WebAssembly, and no connection of any kind.
const CheckCSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'none'; worker-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'"

// CheckBundleHint says how to give a site the check page's bundle.
const CheckBundleHint = "run 'make build' (or 'go run ./internal/wasmbundle -out bin/check' at the repository root), or pass its directory with --check-bundle"

// FindCheckBundle returns the directory of the check bundle: the given
// one (an error if it lacks a file of the bundle), or the first bin/check
// upward from the working directory that holds it, or "" when there is
// none (a binary installed with go install, run outside the repository):
// the site is then built with a check page that tells operators to use
// kensho check, and Render's Stats say so.
func FindCheckBundle(dir string) (string, error) {
	has := func(d string) bool {
		for _, f := range []string{checkPayload, checkExec, checkLicense} {
			if _, err := os.Stat(filepath.Join(d, f)); err != nil {
				return false
			}
		}
		return true
	}
	if dir != "" {
		if !has(dir) {
			return "", fmt.Errorf("check bundle: %s lacks %s, %s or %s; %s", dir, checkPayload, checkExec, checkLicense, CheckBundleHint)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("check bundle: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if p := filepath.Join(d, "bin", "check"); has(p) {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
}

// writeCheckAssets copies the bundle (when the build has one) and the
// page's own script and style.
func (r *renderer) writeCheckAssets() error {
	if r.checkBundle == "" {
		return nil
	}
	for _, f := range []string{checkPayload, checkExec, checkLicense} {
		b, err := os.ReadFile(filepath.Join(r.checkBundle, f))
		if err != nil {
			return fmt.Errorf("check bundle: %w", err)
		}
		if err := r.write(checkAssets+f, b); err != nil {
			return err
		}
	}
	for _, f := range []string{"check.js", "check.css"} {
		b, err := assetFS.ReadFile("assets/" + f)
		if err != nil {
			return err
		}
		if err := r.write(checkAssets+f, b); err != nil {
			return err
		}
	}
	return nil
}

// checkView is the check page's content.
type checkView struct {
	// Offline: the site was built without the WebAssembly bundle; the
	// page says to use kensho check and lists the report forms.
	Offline bool
	Limit   int
	Forms   []formLink
	Text    template.JS // the script's messages in the page's language, as JSON
}

// checkText are the messages the page's script shows.
var checkText = map[string]kensho.Text{
	"title": {Ja: "報告ファイルの事前チェック", En: "Check a report file before sending"},
	"lead": {Ja: "四半期報告のファイル(CSV または Excel)を、送る前にこのページでチェックできます。ファイルはこのコンピュータから外に出ません。",
		En: "Check a quarterly report file (CSV or Excel) on this page before you send it. The file never leaves your computer."},
	"preparing":    {Ja: "チェックの準備をしています…", En: "Getting the checker ready…"},
	"ready":        {Ja: "ファイルを選ぶか、ここにドロップしてください。", En: "Choose a file, or drop it here."},
	"unsupported":  {Ja: "このブラウザではチェックを実行できません(WebAssembly と DecompressionStream が必要です)。新しいブラウザを使うか、kensho check を使ってください。", En: "This browser cannot run the check (it needs WebAssembly and DecompressionStream). Use a recent browser, or kensho check."},
	"failed":       {Ja: "チェックを開始できませんでした: ", En: "The checker did not start: "},
	"reading":      {Ja: "{file} を読んでいます…", En: "Reading {file}…"},
	"checking":     {Ja: "{file} をチェックしています: {rows} 行", En: "Checking {file}: {rows} rows"},
	"done":         {Ja: "{n} 個のファイルをチェックしました。", En: "Checked {n} file(s)."},
	"unreadable":   {Ja: "{file} を読めませんでした({detail})。ファイルを閉じてから、もう一度選んでください。", En: "Could not read {file} ({detail}); close it in other programs and choose it again."},
	"status_valid": {Ja: "誤りはありません。このまま送れます。", En: "No errors: the file is ready to send."},
	"status_invalid": {Ja: "誤りのある行があります。下の表を見て直してください。誤りのある行は読み込まれません。",
		En: "Some rows have errors; fix them (see the table below). A row with an error is not loaded."},
	"status_rejected": {Ja: "このファイルは読み込めません。", En: "This file cannot be read."},
	"rows_read":       {Ja: "読んだ行", En: "rows read"},
	"rows_valid":      {Ja: "誤りのない行", En: "valid rows"},
	"rows_errors":     {Ja: "誤りのある行", En: "rows with errors"},
	"errors":          {Ja: "誤り", En: "errors"},
	"warnings":        {Ja: "警告", En: "warnings"},
	"format":          {Ja: "形式", En: "format"},
	"error":           {Ja: "誤り", En: "error"},
	"warning":         {Ja: "警告", En: "warning"},
	"all":             {Ja: "すべてのコード", En: "every code"},
	"truncated":       {Ja: "{file} の誤りと警告は最初の {limit} 件ずつを表示しています(誤り {errors} 件、警告 {warnings} 件)。すべてを見るには kensho check --max-errors 0 を使ってください。", En: "For {file} the first {limit} errors and warnings are listed (of {errors} errors and {warnings} warnings); kensho check --max-errors 0 lists them all."},
	"csv_name":        {Ja: "チェック結果.csv", En: "check-results.csv"},
	"csv_header":      {Ja: "ファイル,種類,行,列,値,コード,内容", En: "file,kind,row,column,value,code,message"},
}

func (r *renderer) writeCheckPage(lang string) error {
	p := r.newPage(lang, "check", CheckPageSlug, checkText["title"].In(lang), checkText["lead"].In(lang))
	texts := map[string]string{}
	for k, v := range checkText {
		texts[k] = v.In(lang)
	}
	js, err := json.Marshal(texts) // map keys are sorted: the page is deterministic
	if err != nil {
		return err
	}
	p.Check = &checkView{Limit: checkLimit, Forms: r.operatorsView(p).Forms, Text: template.JS(js)}
	p.CSP = CheckCSP
	if r.checkBundle == "" {
		p.Check.Offline = true
		return r.emit(p, "check")
	}
	p.Styles = []string{checkAssets + "check.css"}
	p.Scripts = []string{checkAssets + checkExec, checkAssets + checkPayload, checkAssets + "check.js"}
	return r.emit(p, "check")
}
