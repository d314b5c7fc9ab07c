package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes.
const (
	exitOK    = 0
	exitInput = 1 // bad input: a file that cannot be read, an index out of range
	exitUsage = 2 // the command line itself is wrong
)

const usageText = `usage:
  ndmap info [raw flags] FILE...
  ndmap show [--json] [raw flags] TARGET
  ndmap stats [--axis N] [--workers N] [--json] [raw flags] TARGET
  ndmap convert [raw flags] IN OUT

TARGET is file.npy, file.npy[INDEX], archive.npz:member or
archive.npz:member[INDEX]; INDEX is NumPy's: [2], [-1, ::2], ['field'].
Raw flags describe files without a .npy header:
  --dtype '<f8' --shape 100,-1 --offset 128 [--fortran]
  --header-record 'rows:<i4,cols:<i4' --dtype '<f8' [--offset DATA]
Run 'ndmap COMMAND -h' for the flags of one command.
`

// usageError is a mistake on the command line: exit 2 with the usage text.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code. A panic that
// escapes a command (a fault on a file that shrank while mapped, a bug) is
// turned into exit 1 with a one-line message rather than a trace.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "ndmap: %s\n", oneLine(fmt.Sprint(r)))
			code = exitInput
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "info":
		err = runInfo(rest, stdout, stderr)
	case "show":
		err = runShow(rest, stdout, stderr)
	case "stats":
		err = runStats(rest, stdout, stderr)
	case "convert":
		err = runConvert(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	default:
		err = usagef("unknown command %q", cmd)
	}
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ndmap: %s\n%s", oneLine(ue.msg), usageText)
		return exitUsage
	default:
		msg := oneLine(err.Error())
		if strings.Contains(msg, "MaxHeaderLen") {
			msg += " (--max-header-len raises the limit)"
		}
		fmt.Fprintf(stderr, "ndmap: %s\n", msg)
		return exitInput
	}
}

// oneLine keeps an error message on one line, as the exit-1 contract asks.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// parseFlags parses args with fs, letting flags come before, between or
// after the positional arguments, and returns the positional ones. A lone
// "--" ends the flags: everything after it is positional.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return nil, err
			}
			return nil, usagef("%s", err)
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a flag set that reports errors to run rather than
// printing them, and prints its synopsis and defaults on -h.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ndmap %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
