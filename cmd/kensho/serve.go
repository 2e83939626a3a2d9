package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// serveCmd is a placeholder until the serve stage lands; its owner replaces this file.
var serveCmd = &command{
	Name:    "serve",
	Summary: "(not built yet)",
	Usage:   "kensho serve",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("serve is not built yet")
		}
	},
}
