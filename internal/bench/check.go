package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/kensho-jp/kensho/internal/cdpwait"
	"github.com/kensho-jp/kensho/synth"
)

// benchCheck times the check of the ingest comparison's file (the held
// 1M-row UTF-8 CSV) three ways, alternately: kensho check on every core,
// kensho check on one core (as the browser has), and the site's check
// page in headless chromium (package reportfile as WebAssembly, the file
// chosen from disk and checked in the page). It prints the WebAssembly's
// size as the site serves it beside them.
func benchCheck(ctx context.Context, work, bin, csvPath string, repeats int, out io.Writer) error {
	bundle := filepath.Join(filepath.Dir(bin), "check", "kensho-check.js")
	payload, err := os.ReadFile(bundle)
	if err != nil {
		return fmt.Errorf("the check page's bundle (make wasm): %w", err)
	}
	// A small site, for its check page.
	in := filepath.Join(work, "check-input")
	if _, err := ensureDir(in, func() error {
		_, err := synth.Generate(ctx, synth.Config{Seed: 4, From: 2023, To: 2024, Scale: 0.02, Format: "csv", Layout: "export"}, in)
		return err
	}); err != nil {
		return err
	}
	siteDir := filepath.Join(work, "check-site")
	cmd := exec.CommandContext(ctx, bin, "build", "--in", in, "--out", siteDir, "--db", freshDB(work, "check"),
		"--release-date", "2025-06-30", "--check-bundle", filepath.Dir(bundle))
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build the check page: %w", err)
	}
	exe, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("the browser check needs Debian's chromium: %w", err)
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(filepath.Join(work, "chromium")))...)
	defer cancelA()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	var cli, cli1, page []time.Duration
	var cliRSS, cli1RSS int64
	var pageRows int
	for range max(repeats, 1) {
		d, rss, err := timeCheckCLI(ctx, bin, csvPath, "")
		if err != nil {
			return err
		}
		cli, cliRSS = append(cli, d), max(cliRSS, rss)
		d, rss, err = timeCheckCLI(ctx, bin, csvPath, "1")
		if err != nil {
			return err
		}
		cli1, cli1RSS = append(cli1, d), max(cli1RSS, rss)
		d, rows, err := timeCheckPage(bctx, filepath.Join(siteDir, "check", "index.html"), csvPath)
		if err != nil {
			return err
		}
		page, pageRows = append(page, d), rows
	}
	mid := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	fi, err := os.Stat(csvPath)
	if err != nil {
		return err
	}
	c, c1, p := mid(cli), mid(cli1), mid(page)
	fmt.Fprintf(out, "\n## Checking a file (`kensho check` and the site's check page)\n\n")
	fmt.Fprintf(out, "The check page's WebAssembly as the site serves it: %s (%.2f MB; %.2f MB as a server gzips it).\n\n",
		filepath.Base(bundle), float64(len(payload))/1e6, float64(gzipLen(payload))/1e6)
	fmt.Fprintf(out, "| check of %s (%d rows, %.0f MB) | runs | time (median) | ratio | peak RSS |\n|---|---:|---:|---:|---:|\n",
		filepath.Base(csvPath), pageRows, float64(fi.Size())/1e6)
	fmt.Fprintf(out, "| kensho check --json, every core | %d | %s | 1.00× | %.2f GB |\n", len(cli), secs(c), float64(cliRSS)/(1<<30))
	fmt.Fprintf(out, "| kensho check --json, GOMAXPROCS=1 | %d | %s | %.2f× | %.2f GB |\n", len(cli1), secs(c1), c1.Seconds()/c.Seconds(), float64(cli1RSS)/(1<<30))
	fmt.Fprintf(out, "| check page in headless chromium (file chosen to result shown) | %d | %s | %.2f× | |\n", len(page), secs(p), p.Seconds()/c.Seconds())
	return nil
}

// timeCheckCLI runs kensho check --json on a file; procs sets GOMAXPROCS.
func timeCheckCLI(ctx context.Context, bin, path, procs string) (time.Duration, int64, error) {
	cmd := exec.CommandContext(ctx, bin, "check", "--json", path)
	if procs != "" {
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs)
	}
	cmd.Stdout = io.Discard
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		return 0, 0, fmt.Errorf("kensho check: %w", err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // Linux reports KiB
	}
	return d, rss, nil
}

// timeCheckPage opens the check page from file://, chooses the file and
// returns the time the page measured from the choice to the result, and
// the rows it read.
func timeCheckPage(ctx context.Context, page, path string) (time.Duration, int, error) {
	page, err := filepath.Abs(page)
	if err != nil {
		return 0, 0, err
	}
	if path, err = filepath.Abs(path); err != nil {
		return 0, 0, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page)); err != nil {
		return 0, 0, err
	}
	if err := cdpwait.Until(ctx, `window.kenshoCheckReady === true && !document.getElementById('check-file').disabled`, time.Minute); err != nil {
		return 0, 0, err
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("check-file"), []string{path})); err != nil {
		return 0, 0, err
	}
	if err := cdpwait.Until(ctx, `document.querySelector('#check-results .check-file[data-ms]') !== null`, 15*time.Minute); err != nil {
		return 0, 0, err
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const s = document.querySelector('#check-results .check-file');
		const d = s.querySelector('dd[data-count="rows_read"]'); return [s.dataset.ms, s.dataset.status, d ? d.textContent : ''] })()`))
	if err != nil {
		return 0, 0, err
	}
	ms, _ := strconv.Atoi(res[0])
	rows, _ := strconv.Atoi(string(bytes.ReplaceAll([]byte(res[2]), []byte(","), nil)))
	if res[1] == "rejected" || rows == 0 {
		return 0, 0, fmt.Errorf("the check page read %q rows (%s)", res[2], res[1])
	}
	return time.Duration(ms) * time.Millisecond, rows, nil
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}
