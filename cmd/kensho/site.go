package main

import (
	"context"
	"errors"
	"flag"
	"io"
)

// siteCmd is a placeholder until the site stage lands; its owner replaces this file.
var siteCmd = &command{
	Name:    "site",
	Summary: "(not built yet)",
	Usage:   "kensho site",
	Flags: func(fs *flag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		return func(context.Context, []string, io.Writer, io.Writer) error {
			return errors.New("site is not built yet")
		}
	},
}
