// Package cdpwait waits, in a chromedp browser, until a page's JavaScript
// condition holds: for the browser tests and benchmarks, which wait for
// work the page does after it has loaded (the check page's WebAssembly).
package cdpwait

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// Until polls the JavaScript expression cond every 100 ms until it is
// true, for at most d.
func Until(ctx context.Context, cond string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s still false after %v", cond, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
