// Command kensho is the kensho pipeline: it ingests operators' quarterly
// accident reports, anonymizes them, computes the verification report's
// statistics and renders the public site.
//
//	kensho build --in data --out public
//
// main only sets up signals and exit codes; run holds the logic so tests can
// call it directly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	code := report(err, os.Stderr)
	if f := os.Getenv("KENSHO_TEST_PEAK_FILE"); f != "" {
		// Tests measure a command's memory in a subprocess.
		os.WriteFile(f, []byte(strconv.FormatInt(peakRSS(), 10)), 0o644)
	}
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one `kensho <name>` subcommand.
type command struct {
	Name     string
	Summary  string // one line, for `kensho help`
	Usage    string // the synopsis, e.g. "kensho ingest [--db PATH] FILE_OR_DIR..."
	Help     string // what it does, in full sentences
	Examples string // shell lines with comments
	// Flags defines the command's flags on fs and returns the function that
	// runs it with the remaining arguments.
	Flags func(fs *flag.FlagSet) func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands in the order the pipeline runs them; the order of the stages
// themselves is written once, in build.go.
func commands() []*command {
	return []*command{buildCmd, ingestCmd, anonymizeCmd, statsCmd, siteCmd, releasesCmd, serveCmd, synthCmd, checkCmd, templateCmd, feedbackCmd}
}

// usageError is a mistake in the command line: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// silentError has already been reported to the user (for example as a
// per-file summary); it only sets the exit code.
type silentError struct{ err error }

func (e silentError) Error() string { return e.err.Error() }
func (e silentError) Unwrap() error { return e.err }

func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "kensho: %s\nRun 'kensho help' for usage.\n", ue.msg)
		return exitUsage
	}
	var se silentError
	if !errors.As(err, &se) {
		fmt.Fprintf(stderr, "kensho: %v\n", err)
	}
	return exitFailure
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printOverview(stderr)
		return usageError{"no command given"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			printOverview(stdout)
			return nil
		}
		c := lookup(rest[0])
		if c == nil {
			return usagef("unknown command %q", rest[0])
		}
		printHelp(stdout, c)
		return nil
	case "version", "--version":
		fmt.Fprintln(stdout, "kensho", version())
		return nil
	}
	c := lookup(name)
	if c == nil {
		return usagef("unknown command %q", name)
	}
	fs := flag.NewFlagSet("kensho "+c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runFn := c.Flags(fs)
	args, err := parseArgs(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout, c)
			return nil
		}
		return usagef("%s: %v", c.Name, err)
	}
	return runFn(ctx, args, stdout, stderr)
}

// parseArgs parses the flags of a command wherever they stand — before,
// between or after its arguments, as git, go and docker read theirs — and
// returns the arguments in their order. Go's flag package alone stops at
// the first argument and would leave a later --out unread. Everything after
// "--" is an argument, and "-" alone is one (standard input).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue // --flag=value
		}
		// A flag that takes a value takes the next argument with it, even
		// one that looks like a flag, as the flag package does.
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `kensho publishes statistics of Japan's telecom accidents (電気通信事故) from
operators' quarterly reports, with operator-level disclosure control.

Usage:
  kensho <command> [flags] [arguments]

Flags may come before or after the arguments; everything after -- is an
argument.

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprint(w, `
Run 'kensho help <command>' for a command's flags and examples.
Exit status: 0 ok, 1 failure, 2 usage error.
`)
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.Usage, strings.TrimSpace(c.Help))
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	c.Flags(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names) // deterministic help text
	if len(names) > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		for _, n := range names {
			f := fs.Lookup(n)
			arg, usage := flag.UnquoteUsage(f)
			head := "  --" + n
			if arg != "" {
				head += " " + arg
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(w, "%s\n      %s%s\n", head, usage, def)
		}
	}
	if c.Examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(c.Examples, "\n"))
	}
}
