//go:build unix

package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every command refuses a named pipe, a socket, a character device or a
// directory given as its input, at once and with exit 1, rather than
// waiting for a writer that never comes.
func TestSpecialFileInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "f.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	fifoNoExt := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(fifoNoExt, 0o644); err != nil {
		t.Fatal(err)
	}
	fifoNPZ := filepath.Join(dir, "f.npz")
	if err := syscall.Mkfifo(fifoNPZ, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.npy")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	inputs := map[string]string{
		fifo: "named pipe", fifoNoExt: "named pipe", fifoNPZ: "named pipe",
		sock: "socket", "/dev/null": "character device", "/dev/zero": "character device",
	}
	out := filepath.Join(dir, "out.npy")
	for in, kind := range inputs {
		for _, args := range [][]string{
			{"info", in},
			{"show", in},
			{"show", "--json", in},
			{"show", "--dtype", "<f8", in},
			{"stats", in},
			{"convert", in, out},
			{"convert", "--dtype", "u1", in, out},
		} {
			args = append([]string{}, args...)
			done := make(chan result, 1)
			go func() { done <- ndmap(t, args...) }()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("ndmap %s has not returned after 5s", strings.Join(args, " "))
			}
			if r.code != exitInput || !strings.Contains(r.stderr, kind) || !strings.Contains(r.stderr, "not a regular file") {
				t.Errorf("ndmap %s: exit %d, %q; want exit 1 saying it is a %s", strings.Join(args, " "), r.code, r.stderr, kind)
			}
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("convert left %s", out)
	}
}
