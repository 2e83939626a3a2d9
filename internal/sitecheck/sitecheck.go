// Package sitecheck looks at a built site as its readers do: in headless
// chromium at a phone's and a desktop's width, on paper (chromium's PDF),
// to a screen reader, and in a spreadsheet. It reads only the files of the
// site and what the browser shows of them, and imports nothing of the
// package that renders the site, so that it cannot share a mistake with it.
// It serves the tests of site and of the kensho command; it is not used at
// run time.
package sitecheck

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's chromium, or "" when it is not
// installed.
func Chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Options are chromium's flags for a test: headless, no sandbox (tests
// run as root in CI), nothing fetched from the network on the side, its own
// profile in profileDir.
func Options(exe, profileDir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profileDir),
	)
}

// Browser is a headless chromium looking at a site served from a
// directory on the loopback interface.
type Browser struct {
	ctx    context.Context
	cancel []context.CancelFunc
	srv    *httptest.Server
	// URL is the address of the site's root, with a trailing slash.
	URL string
}

// Open starts chromium (exe) on a site directory, with its own profile in
// profileDir.
func Open(exe, dir, profileDir string) (*Browser, error) {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	opts := append(Options(exe, profileDir), chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(1366, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{ctx: ctx, cancel: []context.CancelFunc{cancel, cancelA}, srv: srv, URL: srv.URL + "/"}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.Close()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	return b, nil
}

// Close stops the browser and the server.
func (b *Browser) Close() {
	for _, c := range b.cancel {
		c()
	}
	b.srv.Close()
}

// Visit opens a page (a path below the site root) in a window width
// pixels wide, and waits until its charts are drawn.
func (b *Browser) Visit(path string, width int) error {
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second) // a shared machine can be slow
	defer cancel()
	mobile := width < 600
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(int64(width), 900, func(p *emulation.SetDeviceMetricsOverrideParams, t *emulation.SetTouchEmulationEnabledParams) {
			p.Mobile, t.Enabled = mobile, mobile
		}),
		chromedp.Navigate(b.URL+path),
	)
	if err != nil {
		return fmt.Errorf("open %s at %d px: %w", path, width, err)
	}
	for range 60 {
		ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](chartsReady))
		if err != nil {
			return err
		}
		if ready {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s at %d px: the charts were not drawn in time", path, width)
}

// chartsReady: every chart of the page has its canvas.
const chartsReady = `document.readyState === 'complete' &&
  [...document.querySelectorAll('div.chart[data-option]')].every(el => !el.hidden && el.querySelector('canvas'))`

// PaperWidth is the width of an A4 page's text in CSS pixels: 210 mm less
// the stylesheet's margins of 13 mm on either side.
const PaperWidth = (210 - 2*13) * 96 * 10 / 254 // 695 px

// VisitPaper opens a page laid out as it prints (print media, the width of
// an A4 page's text), so that Problems tells what paper would lose: a table
// wider than the page is cut off at its edge.
func (b *Browser) VisitPaper(path string) error {
	if err := b.media("print"); err != nil {
		return err
	}
	return b.Visit(path, int(PaperWidth))
}

// Screen ends VisitPaper's print media.
func (b *Browser) Screen() error { return b.media("") }

func (b *Browser) media(m string) error {
	_, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
	})
	return err
}

// Problems runs the reader's checks on the open page (see layoutJS).
func (b *Browser) Problems() ([]string, error) {
	return chromedp.Run(b.ctx, chromedp.Evaluate[[]string](layoutJS))
}

// Screenshot takes the whole open page as PNG.
func (b *Browser) Screenshot() ([]byte, error) {
	return chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
}

// PrintPDF prints the open page as chromium's print preview would, on the
// paper its CSS asks for, without chromium's own header and footer.
func (b *Browser) PrintPDF() ([]byte, error) {
	yes, no := true, false
	res, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) (page.PrintToPDFResult, error) {
		return cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, DisplayHeaderFooter: &no})
	})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// WritePNG writes a screenshot of a page at a width to file.
func (b *Browser) WritePNG(path string, width int, file string) error {
	if err := b.Visit(path, width); err != nil {
		return err
	}
	png, err := b.Screenshot()
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}

// layoutJS checks the open page as a reader would see it, and returns what
// is wrong:
//   - the page is wider than the window (something overflows it);
//   - a box's text is wider than the box, outside a scroll container;
//   - a numeric cell of a table lies beyond the window and no ancestor
//     scrolls sideways to reach it;
//   - a category of a bar chart shows no bar and no mark: neither a value
//     drawn there, nor a band marked X over it (withheld), nor zero or
//     "…" in every series there;
//   - a chart's description (its aria-label) reads "NaN", "undefined" or
//     ECharts' "series count".
const layoutJS = `(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const short = s => (s || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  if (document.documentElement.scrollWidth > vw + 1) {
    out.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + vw + ' px window');
  }
  const scrolls = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && a.scrollWidth > a.clientWidth) return true;
    }
    return false;
  };
  const shown = el => {
    if (el.closest('.visually-hidden, [hidden], script, style, .chart')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    if (s.overflowX !== 'visible' || s.display === 'inline' || s.display === 'contents') continue;
    if (el.scrollWidth > el.clientWidth + 1 && !scrolls(el)) {
      out.push('text overflows ' + name(el) + ' (' + el.scrollWidth + ' px in ' + el.clientWidth + '): ' + short(el.textContent));
    }
  }
  for (const td of document.querySelectorAll('td.num, th.num')) {
    if (!shown(td)) continue;
    const r = td.getBoundingClientRect();
    if (r.right > vw + 1 && !scrolls(td)) {
      out.push('a number of table ' + name(td.closest('table')) + ' is off-screen (' + Math.round(r.right) + ' px of ' + vw + ') with nothing to scroll: ' + short(td.textContent));
    }
  }
  for (const el of document.querySelectorAll('div.chart[data-option]')) {
    const chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) { out.push(el.id + ': not drawn'); continue; }
    const label = el.getAttribute('aria-label') || '';
    if (!label) out.push(el.id + ': no description');
    for (const bad of ['NaN', 'undefined', 'series count', 'seriesCount']) {
      if (label.includes(bad)) out.push(el.id + ': the description reads "' + bad + '": ' + short(label));
    }
    const o = chart.getOption();
    const bars = (o.series || []).filter(s => s.type === 'bar');
    if (!bars.length) continue;
    const horizontal = o.yAxis && o.yAxis[0] && o.yAxis[0].type === 'category';
    const axis = horizontal ? o.yAxis[0] : o.xAxis[0];
    const cats = (axis.data || []).map(d => (d !== null && typeof d === 'object') ? d.value : d);
    const marked = new Set();
    for (const s of o.series || []) {
      for (const pair of ((s.markArea || {}).data || [])) {
        const from = pair[0] || {};
        if (from.name === 'X') marked.add(String(horizontal ? from.yAxis : from.xAxis));
      }
    }
    cats.forEach((cat, i) => {
      // Nothing drawn is right only where every series is zero (-) or has
      // no value (…) there.
      let drawn = false, nil = true;
      for (const s of bars) {
        const d = (s.data || [])[i];
        const v = (d !== null && typeof d === 'object') ? d.value : d;
        if (typeof v === 'number') drawn = true;
        if (!(d && typeof d === 'object' && (d.cellText === '…' || d.cellText === '-'))) nil = false;
      }
      if (!drawn && !nil && !marked.has(String(cat))) {
        out.push(el.id + ': ' + cat + ' has no bar and no withheld mark');
      }
    });
  }
  return out;
})()`
