package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// statsCmd is a placeholder until the stats stage lands; its owner replaces this file.
var statsCmd = &command{
	Name:    "stats",
	Summary: "(not built yet)",
	Usage:   "kensho stats",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("stats is not built yet")
		}
	},
}
