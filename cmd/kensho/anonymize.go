package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// anonymizeCmd is a placeholder until the anonymize stage lands; its owner replaces this file.
var anonymizeCmd = &command{
	Name:    "anonymize",
	Summary: "(not built yet)",
	Usage:   "kensho anonymize",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("anonymize is not built yet")
		}
	},
}
