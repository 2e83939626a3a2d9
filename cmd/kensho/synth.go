package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// synthCmd is a placeholder until the synth stage lands; its owner replaces this file.
var synthCmd = &command{
	Name:    "synth",
	Summary: "(not built yet)",
	Usage:   "kensho synth",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("synth is not built yet")
		}
	},
}
