// Command wasmbundle builds the site's browser check (cmd/kensho-check-wasm,
// package reportfile compiled to WebAssembly) and packs it so that the page
// works from file:// as well as from a web server: a page opened from a file
// cannot fetch anything, so the WebAssembly travels inside a script, gzip-
// compressed and base64-encoded, which the page decompresses with the
// browser's own DecompressionStream. It writes into -out:
//
//	kensho-check.js         the packed WebAssembly (sets self.kenshoCheckWasm)
//	wasm_exec.js            Go's support script for WebAssembly, from GOROOT
//	wasm_exec.LICENSE.txt   the Go licence that travels with it
//
// and prints the sizes: the WebAssembly, compressed and not, and the
// script as a web server would send it. make build and make test run it
// (make wasm); kensho site and kensho build copy the files into the site.
//
//	go run ./internal/wasmbundle -out bin/check
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Files is what the bundle directory holds.
const (
	PayloadFile  = "kensho-check.js"
	ExecFile     = "wasm_exec.js"
	LicenseFile  = "wasm_exec.LICENSE.txt"
	wasmPackage  = "github.com/kensho-jp/kensho/cmd/kensho-check-wasm"
	payloadFront = "/* kensho check for the browser: package reportfile compiled to WebAssembly (cmd/kensho-check-wasm),\n" +
		"   gzip-compressed and base64-encoded by internal/wasmbundle. */\nself.kenshoCheckWasm = \""
)

func main() {
	out := flag.String("out", "bin/check", "the `DIR` to write the bundle into")
	flag.Parse()
	if err := build(context.Background(), *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wasmbundle:", err)
		os.Exit(1)
	}
}

func build(ctx context.Context, out string, stdout io.Writer) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kensho-wasm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	wasmPath := filepath.Join(tmp, "kensho-check.wasm")
	// -trimpath and -buildvcs=false: the same sources give the same bytes,
	// so the site stays reproducible.
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", wasmPath, wasmPackage)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("GOOS=js GOARCH=wasm go build %s: %v\n%s", wasmPackage, err, b)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.Write(wasm)
	if err := zw.Close(); err != nil {
		return err
	}
	var js bytes.Buffer
	js.WriteString(payloadFront)
	js.WriteString(base64.StdEncoding.EncodeToString(gz.Bytes()))
	js.WriteString("\";\n")
	if err := writeFile(filepath.Join(out, PayloadFile), js.Bytes()); err != nil {
		return err
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(goroot))
	execJS, err := readFirst(filepath.Join(root, "lib", "wasm", ExecFile), filepath.Join(root, "misc", "wasm", ExecFile))
	if err != nil {
		return err
	}
	license, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		return err
	}
	version, _ := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	header := "wasm_exec.js is part of Go (" + strings.TrimSpace(string(version)) + "), https://go.dev, copied unchanged\n" +
		"from $GOROOT/lib/wasm. It is distributed under this licence:\n\n"
	if err := writeFile(filepath.Join(out, ExecFile), execJS); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, LicenseFile), append([]byte(header), license...)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "check page payload: WebAssembly %s bytes, %s gzip; %s %s bytes, %s as a server gzips it; in %s\n",
		thousands(len(wasm)), thousands(gz.Len()), PayloadFile, thousands(js.Len()), thousands(gzipSize(js.Bytes())), out)
	return nil
}

// writeFile replaces path in one rename: a site rendered meanwhile (tests
// build the bundle while others render) reads the old file or the new.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func readFirst(paths ...string) ([]byte, error) {
	var first error
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			return b, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// gzipSize is the size of b gzip-compressed at the default level, as a web
// server sends it.
func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
