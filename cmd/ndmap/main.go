package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ndmap/ndmap/header"
)

// Exit codes.
const (
	exitOK    = 0
	exitInput = 1 // bad input: a file that cannot be read, an index out of range
	exitUsage = 2 // the command line itself is wrong
)

const usageText = `usage:
  ndmap info [--verify] [raw flags] FILE...
  ndmap show [--json [--max-elements N]] [--scaled] [raw flags] TARGET
  ndmap stats [--axis N] [--workers N] [--json] [--scaled] [raw flags] TARGET
  ndmap convert [--compress] [--to FORMAT] [--rate N] [raw flags] IN OUT
  ndmap verify FILE...
  ndmap refs [--chunk-rows N] [raw flags] FILE|FOLDER|PATTERN

TARGET is file.npy, file.npy[INDEX], archive.npz:member or
archive.npz:member[INDEX]; a file of another format (MRC, NIfTI, FITS,
TIFF, ENVI, SpikeGLX, WAV; file.fits:HDU for a FITS extension); a folder
or quoted pattern of files read as one array along the first axis (a
shard set); or a Zarr v2 store folder. INDEX is NumPy's: [2], [-1, ::2],
['field']. OUT is file.npy, file.npz, file.raw (.bin, .dat), folder/, or
file.mrc (.mrcs), file.nii (file.img + .hdr), file.fits (.fit), file.wav.
Flags:
  --json               print one JSON object instead of text (show, stats)
  --max-elements N     print JSON of more than a million elements (show; 0: no limit)
  --axis N             statistics per index of axis N (stats)
  --scaled             values through the format's scale, as float64 (show, stats)
  --compress           deflate the members of an .npz OUT (convert)
  --to FORMAT          OUT's format whatever its name: npy, npz, raw, mrc,
                       nifti, fits, envi (data file + .hdr), wav (convert)
  --rate N             sample rate of a WAV OUT, frames a second (convert)
  --verify             check the CRC-32 of every .npz member (info)
  --chunk-rows N       positions of the first axis per chunk (refs)
  --format NAME        read files as this format, not as sniffed (all but verify)
  --max-header-len N   read .npy headers longer than NumPy's limit (all)
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

// run executes one command line and returns the exit code. Standard output
// is buffered and flushed at the end: if it cannot be written (a full disk,
// a closed descriptor), the command exits 1 with a message, whatever it
// printed. A panic that escapes a command (a fault on a file that shrank
// while mapped, a bug) is turned into exit 1 with a one-line message rather
// than a trace.
func run(args []string, stdout, stderr io.Writer) (code int) {
	rec := &outputWriter{w: stdout}
	out := bufio.NewWriter(rec)
	defer func() {
		if r := recover(); r != nil {
			out.Flush()
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
		err = runInfo(rest, out, stderr)
	case "show":
		err = runShow(rest, out, stderr)
	case "stats":
		err = runStats(rest, out, stderr)
	case "convert":
		err = runConvert(rest, out, stderr)
	case "verify":
		err = runVerify(rest, out, stderr)
	case "refs":
		err = runRefs(rest, out, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(out, usageText)
	default:
		err = usagef("unknown command %q", cmd)
	}
	// When the output fails, that is what went wrong: an error the command
	// returned then is most likely the write's own, come back through it.
	out.Flush()
	if rec.err != nil {
		err = fmt.Errorf("writing the output: %w", rec.err)
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
	}
	fmt.Fprint(stderr, errorLine(err))
	return exitInput
}

// errorLine is the line that reports err on standard error.
func errorLine(err error) string {
	msg := oneLine(err.Error())
	if errors.Is(err, header.ErrTooLong) {
		msg += " (--max-header-len raises the limit)"
	}
	return "ndmap: " + msg + "\n"
}

// outputWriter keeps the first error of writing to w. On Unix a write to a
// closed pipe on standard output never comes back with EPIPE: the runtime
// ends the program with SIGPIPE, silently, as other tools end.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	o.err = err
	return n, err
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
			return append(pos, rest...), checkFormatFlag()
		}
		if len(rest) == 0 {
			return pos, checkFormatFlag()
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
