package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho/internal/cdpwait"

	"github.com/kensho-jp/kensho/reportfile"
	"github.com/kensho-jp/kensho/site"
)

// checkFixtures are the files the check page is given: ingest's own
// fixtures (mistakes of every kind, files that cannot be read) and clean
// files of the sample data, a CSV and a workbook.
func checkFixtures(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"../ingest/testdata/*.csv", "../ingest/testdata/*.xlsx"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	for _, clean := range []string{"../data/FY2024/Q1/00-4538_FY2024Q1_full.csv", "../data/FY2024/Q1/03-9526_FY2024Q1_full.xlsx"} {
		if _, err := os.Stat(clean); err != nil {
			t.Fatalf("the clean sample file: %v", err)
		}
		out = append(out, clean)
	}
	sort.Strings(out) // the order the files are given and listed
	for i, p := range out {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = abs
	}
	if len(out) < 10 {
		t.Fatalf("only %d fixtures", len(out))
	}
	return out
}

// kenshoCheckJSON runs the command kensho check --json on the files.
func kenshoCheckJSON(t *testing.T, files []string) []reportfile.FileCheck {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "../cmd/kensho", "check", "--json", "--max-errors", "0"}, files...)...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != 1 {
		t.Fatalf("kensho check: %v\n%s", err, ee.Stderr)
	} else if err != nil && !ok {
		t.Fatalf("kensho check: %v", err)
	}
	var got struct {
		Files []reportfile.FileCheck `json:"files"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("kensho check --json: %v\n%s", err, out)
	}
	return got.Files
}

// finding is a row of the page's table, or what kensho check says it must be.
type finding struct {
	File, Kind, Row, Column, Value, Code, Message string
}

// requestLog records every request chromium makes once armed.
type requestLog struct {
	mu    sync.Mutex
	armed bool
	urls  []string
}

func (r *requestLog) listen(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok {
		r.mu.Lock()
		if r.armed {
			r.urls = append(r.urls, e.Request.URL)
		}
		r.mu.Unlock()
	}
}

func (r *requestLog) arm() {
	r.mu.Lock()
	r.armed, r.urls = true, nil
	r.mu.Unlock()
}

func (r *requestLog) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	u := r.urls
	r.armed, r.urls = false, nil
	return u
}

// TestCheckPage opens the check page of the built site in headless
// chromium, from file:// in Japanese and from a web server under a
// subpath in English, gives it ingest's fixtures and clean sample files,
// and reads the table: exactly the errors and warnings kensho check --json
// reports, message for message in the page's language, and the same
// counts, with no request of any kind once the page has loaded. It also
// filters by code, downloads the CSV, and looks at phone width.
func TestCheckPage(t *testing.T) {
	exe := chromiumPath(t)
	files := checkFixtures(t)
	checks := kenshoCheckJSON(t, files)
	if len(checks) != len(files) {
		t.Fatalf("kensho check reported %d files of %d", len(checks), len(files))
	}
	want := map[string][]finding{}
	wantCounts := map[string]map[string]int{}
	errorsTotal := 0
	for _, c := range checks {
		name := filepath.Base(c.Path)
		for _, lang := range []string{"ja", "en"} {
			add := func(kind string, e reportfile.Error) {
				row := "—"
				if e.Row > 0 {
					row = fmt.Sprint(e.Row)
				}
				msg := e.MessageJa
				if lang == "en" {
					msg = e.MessageEn
				}
				// The page names a file as the browser gives it: its base name.
				msg = strings.ReplaceAll(msg, c.Path, name)
				want[lang] = append(want[lang], finding{name, kind, row, e.Column, e.Value, e.Code, msg})
			}
			for _, e := range c.ErrorList {
				add("error", e)
			}
			for _, e := range c.WarningList {
				add("warning", e)
			}
		}
		errorsTotal += c.Errors
		if c.Status != reportfile.StatusRejected {
			wantCounts[name] = map[string]int{"rows_read": c.RowsRead, "rows_valid": c.RowsValid,
				"rows_errors": c.RowsWithErrors, "errors": c.Errors, "warnings": c.Warnings}
		}
	}
	if errorsTotal < 25 {
		t.Fatalf("kensho check found only %d errors in the fixtures", errorsTotal)
	}

	mux := http.NewServeMux()
	mux.Handle("/sub/", http.StripPrefix("/sub", site.Handler(siteDir)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	downloads := t.TempDir()
	reqs := &requestLog{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(reqs.listen))
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ lang, url string }{
		{"ja", "file://" + filepath.Join(siteDir, "check", "index.html")},
		{"en", srv.URL + "/sub/en/check/index.html"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(c.url)); err != nil {
				t.Fatal(err)
			}
			// While the page loads it may fetch its own files (the browser
			// asks for the favicon once the page is up); once the checker is
			// ready and the page is quiet, nothing more may be requested.
			reqs.arm()
			if err := cdpwait.Until(ctx, `window.kenshoCheckReady === true && !document.getElementById('check-file').disabled`, 60*time.Second); err != nil {
				t.Fatalf("the checker did not become ready: %v (status %q)", err, evalString(ctx, `document.getElementById('check-status').textContent`))
			}
			for {
				time.Sleep(500 * time.Millisecond)
				loading := reqs.take()
				for _, u := range loading {
					if !strings.HasPrefix(u, "file://"+siteDir+"/") && !strings.HasPrefix(u, srv.URL+"/sub/") {
						t.Errorf("while loading, a request outside the site: %s", u)
					}
				}
				reqs.arm()
				if len(loading) == 0 {
					break
				}
			}
			if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("check-file"), files)); err != nil {
				t.Fatal(err)
			}
			done := fmt.Sprintf(`document.querySelectorAll('#check-results .check-file').length === %d && !document.getElementById('check-file').disabled`, len(files))
			if err := cdpwait.Until(ctx, done, 120*time.Second); err != nil {
				t.Fatalf("the check did not finish: %v (status %q)", err, evalString(ctx, `document.getElementById('check-status').textContent`))
			}
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#check-table tbody tr')).map(tr =>
				[tr.getAttribute('data-kind')].concat(Array.from(tr.cells).map(td => td.textContent)))`))
			if err != nil {
				t.Fatal(err)
			}
			var got []finding
			for _, r := range rows {
				// kind, then the cells: file, kind label, row, column, value, code, message
				got = append(got, finding{r[1], r[0], r[3], r[4], r[5], r[6], r[7]})
			}
			if diff := cmp.Diff(want[c.lang], got); diff != "" {
				t.Errorf("the page's table differs from kensho check --json (-check +page):\n%s", diff)
			}
			counts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]map[string]int](`Object.fromEntries(Array.from(document.querySelectorAll('#check-results .check-file'))
				.filter(s => s.dataset.status !== 'rejected').map(s => [s.dataset.file,
				Object.fromEntries(Array.from(s.querySelectorAll('dd[data-count]')).map(d => [d.dataset.count, Number(d.textContent.replace(/,/g, ''))]))]))`))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantCounts, counts); diff != "" {
				t.Errorf("the page's counts differ from kensho check --json (-check +page):\n%s", diff)
			}

			// Filter by one code: only its rows remain.
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("check-filter"), reportfile.CodeBadDatetime)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('check-filter').dispatchEvent(new Event('change'))`)); err != nil {
				t.Fatal(err)
			}
			shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#check-table tbody tr')).filter(tr => !tr.hidden).map(tr => tr.dataset.code)`))
			if err != nil {
				t.Fatal(err)
			}
			if len(shown) < 2 || strings.Count(strings.Join(shown, " "), reportfile.CodeBadDatetime) != len(shown) {
				t.Errorf("filtered by %s, the table shows %v", reportfile.CodeBadDatetime, shown)
			}
			// The CSV of what is shown.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("check-download"))); err != nil {
				t.Fatal(err)
			}
			csv := waitDownload(t, downloads, map[string]string{"ja": "チェック結果.csv", "en": "check-results.csv"}[c.lang])
			if lines := strings.Split(strings.TrimSpace(csv), "\r\n"); len(lines) != 1+len(shown) || !strings.HasPrefix(csv, "\ufeff") {
				t.Errorf("the CSV has %d lines for %d rows shown:\n%s", len(lines), len(shown), csv)
			}

			// At phone width nothing runs off the side.
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: 375, Height: 812, DeviceScaleFactor: 1, Mobile: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('check-filter').value = ''; document.getElementById('check-filter').dispatchEvent(new Event('change'))`)); err != nil {
				t.Fatal(err)
			}
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if overflow > 0 {
				t.Errorf("at phone width the page is %d px wider than the screen", overflow)
			}
			if err := os.MkdirAll(artifacts, 0o755); err == nil {
				if img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
					os.WriteFile(filepath.Join(artifacts, "check-phone-"+c.lang+".png"), img, 0o644)
				}
			}
			if _, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}

			for _, u := range reqs.take() {
				// The CSV is handed over as a blob: URL, which is the
				// page's own memory, not a request anywhere.
				if !strings.HasPrefix(u, "blob:") {
					t.Errorf("a request after the page loaded: %s", u)
				}
			}
		})
	}
}

func evalString(ctx context.Context, expr string) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return s
}

// waitDownload waits for a downloaded file and returns it, removing it.
func waitDownload(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	for i := 0; i < 100; i++ {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			os.Remove(p)
			return string(b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no download %s", name)
	return ""
}

// TestCheckPageCSP: the server sends the check page a policy that lets it
// run WebAssembly and connect nowhere, and every other page the site's
// usual one; the page carries the same policy itself for file://.
func TestCheckPageCSP(t *testing.T) {
	h := site.Handler(siteDir)
	for _, c := range []struct {
		path  string
		check bool
	}{{"/check/", true}, {"/en/check/", true}, {"/check/index.html", true}, {"/", false}, {"/downloads/", false}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		csp := rec.Header().Get("Content-Security-Policy")
		isCheck := strings.Contains(csp, "'wasm-unsafe-eval'") && strings.Contains(csp, "connect-src 'none'")
		// (A path ending in index.html is redirected to its directory.)
		if rec.Code != 200 && rec.Code != 301 || isCheck != c.check {
			t.Errorf("%s: %d, Content-Security-Policy %q", c.path, rec.Code, csp)
		}
	}
	for _, p := range []string{"check/index.html", "en/check/index.html"} {
		if !strings.Contains(string(readSite(t, p)), `<meta http-equiv="Content-Security-Policy" content="`+strings.ReplaceAll(site.CheckCSP, "'", "&#39;")+`">`) {
			t.Errorf("%s does not carry its policy", p)
		}
	}
}
