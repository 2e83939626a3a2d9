package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// ingestCmd is a placeholder until the ingest stage lands; its owner replaces this file.
var ingestCmd = &command{
	Name:    "ingest",
	Summary: "(not built yet)",
	Usage:   "kensho ingest",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("ingest is not built yet")
		}
	},
}
