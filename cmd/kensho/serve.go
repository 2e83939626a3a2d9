package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/kensho-jp/kensho/site"
)

var serveCmd = &command{
	Name:    "serve",
	Summary: "serve a rendered site on this machine, to look at it in a browser",
	Usage:   "kensho serve DIR [--addr 127.0.0.1:8080]",
	Help: `
Serves the site in DIR (made by 'kensho site' or 'kensho build') as static
files over HTTP until interrupted (Ctrl-C). It listens on the loopback
address only unless --addr says otherwise, answers a directory with its
index.html, lists no directory, hides dot files, and sends a
Content-Security-Policy that allows nothing from another host.

The site needs no server: public/index.html opens from the file system too.
This command is for a look in a browser and for the browser tests; for
public hosting copy DIR to any static web server.`,
	Examples: `  # Look at the site built by 'make run'
  kensho serve public

  # Another port
  kensho serve public --addr 127.0.0.1:9000`,
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		addr := fs.String("addr", "127.0.0.1:8080", "the `HOST:PORT` to listen on (loopback by default)")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			if len(args) != 1 {
				return usagef("serve: give one site directory, e.g. kensho serve public")
			}
			return runServe(ctx, args[0], *addr, stdout)
		}
	},
}

func runServe(ctx context.Context, dir, addr string, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("serve %s: no index.html there; render a site first with 'kensho build' or 'kensho site'. "+
			"%s にサイトがありません", dir, dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: site.Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "kensho: serving %s at http://%s/ (Ctrl-C to stop)\n", dir, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
