//go:build js && wasm

// Command kensho-check-wasm is kensho check for the browser: the site's
// page 報告ファイルの事前チェック (check/index.html) loads it as
// WebAssembly and runs package reportfile, the code kensho check and
// kensho ingest run, on a file the reader chooses. The file never leaves
// the page: this program reads only the bytes it is given and makes no
// request.
//
// It defines one function, kenshoCheck(name, bytes, limit, onProgress),
// which returns a Promise of the file's check as the JSON of one file of
// kensho check --json (reportfile.FileCheck). onProgress(rows, fraction)
// is called as the rows are read (fraction -1 when not known). When it is
// ready it sets kenshoCheckReady and dispatches the event
// kensho-check-ready on window.
//
// Build it with internal/wasmbundle (make wasm), which also packs it for
// the site.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"
	"time"

	"github.com/kensho-jp/kensho/reportfile"
)

// progressEvery is how often the page hears of the progress, and so how
// often the check gives the browser a moment to draw it.
const progressEvery = 150 * time.Millisecond

func main() {
	js.Global().Set("kenshoCheck", js.FuncOf(check))
	js.Global().Set("kenshoCheckReady", true)
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("kensho-check-ready"))
	select {} // serve calls until the page goes away
}

// check starts a check and returns its Promise.
func check(_ js.Value, args []js.Value) any {
	if len(args) < 4 {
		return js.Global().Get("Promise").Call("reject", "kenshoCheck(name, bytes, limit, onProgress)")
	}
	name, data, limit, onProgress := args[0].String(), args[1], args[2].Int(), args[3]
	var run js.Func
	run = js.FuncOf(func(_ js.Value, p []js.Value) any {
		resolve, reject := p[0], p[1]
		run.Release()
		// A function called from JavaScript must return before anything
		// waits: the check runs on its own goroutine.
		go func() {
			b := make([]byte, data.Get("length").Int())
			js.CopyBytesToGo(b, data)
			last := time.Now()
			c, err := reportfile.CheckBytes(context.Background(), name, b, limit, func(pr reportfile.Progress) {
				if time.Since(last) < progressEvery {
					return
				}
				last = time.Now()
				onProgress.Invoke(pr.Rows, pr.Fraction)
				// Let the browser draw: the runtime returns to the
				// event loop once every goroutine waits.
				time.Sleep(time.Millisecond)
			})
			if err != nil {
				reject.Invoke(err.Error())
				return
			}
			out, err := json.Marshal(c)
			if err != nil {
				reject.Invoke(err.Error())
				return
			}
			resolve.Invoke(string(out))
		}()
		return nil
	})
	return js.Global().Get("Promise").New(run)
}
