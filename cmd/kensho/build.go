package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// buildCmd is a placeholder until the build stage lands; its owner replaces this file.
var buildCmd = &command{
	Name:    "build",
	Summary: "(not built yet)",
	Usage:   "kensho build",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("build is not built yet")
		}
	},
}
