package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// failWriter takes n bytes, then fails every write.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	k := w.n
	w.n = 0
	return k, errDiskFull
}

// bigRaw writes a raw file of n float64 values and returns its path.
func bigRaw(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, 0, 8*n)
	for i := range n {
		bits := math.Float64bits(float64(i) / 3)
		for k := range 8 {
			b = append(b, byte(bits>>(8*k)))
		}
	}
	path := filepath.Join(t.TempDir(), "big.f8")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeCommands are command lines that print something, and what they
// print first.
func writeCommands(t *testing.T) [][]string {
	big := bigRaw(t, 50000)
	return [][]string{
		{"info", td("npy/frames.npy"), td("npz/savez.npz")},
		{"info", "--dtype", "<f8", big},
		{"show", td("npy/frames.npy")},
		{"show", td("npz/savez.npz")},
		{"show", "--json", td("npy/db.npy")},
		{"show", "--json", "--dtype", "<f8", big},
		{"stats", td("npy/frames.npy")},
		{"stats", "--json", "--axis", "1", td("npy/frames.npy")},
		{"help"},
		{"show", "-h"},
		{"convert", "-h"},
	}
}

// TestWriteErrors checks that every command that cannot write its output
// exits 1 with one line saying so, whether the output fails at once or
// after some of it is written.
func TestWriteErrors(t *testing.T) {
	for _, args := range writeCommands(t) {
		size := len(ok(t, args...))
		for _, room := range []int{0, size / 2, size - 1} {
			var stderr bytes.Buffer
			code := run(args, &failWriter{n: room}, &stderr)
			msg := stderr.String()
			if code != 1 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "ndmap: writing the output: ") || !strings.Contains(msg, "disk full") {
				t.Errorf("ndmap %q to a writer that fails after %d bytes: exit %d, stderr %q; want exit 1 and one line about the output", args, room, code, msg)
			}
		}
	}
}

// TestWriteJSONStops checks that the JSON writer returns the first write
// error and stops there, rather than walk the whole array.
func TestWriteJSONStops(t *testing.T) {
	w := &countingFailWriter{failWriter: failWriter{n: 10}}
	var stderr bytes.Buffer
	code := run([]string{"show", "--json", "--dtype", "<f8", bigRaw(t, 200000)}, w, &stderr)
	if code != 1 || w.calls > 2 {
		t.Errorf("show --json to a failing writer: exit %d after %d writes, stderr %q; want exit 1 after the first failure", code, w.calls, stderr.String())
	}
}

type countingFailWriter struct {
	failWriter
	calls int
}

func (w *countingFailWriter) Write(p []byte) (int, error) {
	w.calls++
	return w.failWriter.Write(p)
}

// TestDevFull runs the command as a process whose standard output is
// /dev/full, which fails every write with ENOSPC.
func TestDevFull(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/dev/full is Linux's")
	}
	for _, args := range writeCommands(t) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip(err)
		}
		cmd := ndmapCommand(t, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = full, &stderr
		err = cmd.Run()
		full.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "no space left on device") ||
			strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("ndmap %q > /dev/full: %v, stderr %q; want exit 1 and one line about the output", args, err, stderr.String())
		}
	}
}

// TestClosedPipe runs the command into a pipe that is closed early, as by
// `ndmap show ... | head`: ndmap ends as other Unix tools do, killed by
// SIGPIPE without a word on standard error.
func TestClosedPipe(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no SIGPIPE")
	}
	cmd := ndmapCommand(t, "show", "--json", "--dtype", "<f8", bigRaw(t, 200000))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 100)
	if _, err := io.ReadFull(out, head); err != nil {
		t.Fatal(err)
	}
	out.Close()
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || stderr.Len() != 0 {
		t.Fatalf("ndmap into a closed pipe: %v, stderr %q; want killed by SIGPIPE, silently", err, stderr.String())
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGPIPE {
		t.Errorf("ndmap into a closed pipe: %v; want killed by SIGPIPE", err)
	}
}

// TestUsageListsEveryFlag checks that the top-level usage text names every
// flag of every command.
func TestUsageListsEveryFlag(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, cmd := range []string{"info", "show", "stats", "convert", "verify", "refs"} {
		help := ok(t, cmd, "-h")
		names := flagLine.FindAllStringSubmatch(help, -1)
		if len(names) == 0 {
			t.Fatalf("ndmap %s -h lists no flags:\n%s", cmd, help)
		}
		for _, m := range names {
			if !strings.Contains(usageText, "--"+m[1]) {
				t.Errorf("the usage text does not mention --%s, a flag of %s", m[1], cmd)
			}
		}
	}
}
