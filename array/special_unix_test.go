//go:build unix

package array_test

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// specialFiles makes a named pipe, a socket, a directory and a symbolic
// link to the pipe, each named as a .npy file, and adds /dev/null, and
// returns them by the kind the error must name.
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"a named pipe":       filepath.Join(dir, "fifo.npy"),
		"a socket":           filepath.Join(dir, "sock.npy"),
		"a directory":        filepath.Join(dir, "dir.npy"),
		"a character device": "/dev/null",
	}
	if err := syscall.Mkfifo(files["a named pipe"], 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", files["a socket"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if err := os.Mkdir(files["a directory"], 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.npy")
	if err := os.Symlink(files["a named pipe"], link); err != nil {
		t.Fatal(err)
	}
	files["a named pipe (through a link)"] = link
	return files
}

// within fails the test if fn has not returned after a few seconds: a
// named pipe opened for reading blocks until a writer comes.
func within(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s has not returned after 5s", what)
		return nil
	}
}

// Every function that opens a file by its path refuses what is not a
// regular file, before reading it, with an error that says what it is.
func TestOpenSpecialFiles(t *testing.T) {
	opens := []struct {
		name string
		open func(path string) error
	}{
		{"OpenFile", func(p string) error { f, err := array.OpenFile(p, mmap.ReadOnly); closeIf(f); return err }},
		{"Open ReadWrite", func(p string) error { a, err := array.Open[float64](p, mmap.ReadWrite); closeIf(a); return err }},
		{"OpenRawFile", func(p string) error {
			f, err := array.OpenRawFile(p, mmap.ReadOnly, header.Raw{DType: layout.Uint8})
			closeIf(f)
			return err
		}},
		{"OpenArchive", func(p string) error { z, err := array.OpenArchive(p, mmap.ReadOnly); closeIf(z); return err }},
		{"OpenAppender", func(p string) error { a, err := array.OpenAppender(p); closeIf(a); return err }},
		{"Load", func(p string) error { _, _, err := array.Load[float64](p); return err }},
		{"header.DescribeFile", func(p string) error { _, err := header.DescribeFile(p, header.NPY{}); return err }},
		{"header.OpenArchive", func(p string) error { z, err := header.OpenArchive(p); closeIf(z); return err }},
		{"mmap.Open", func(p string) error { m, err := mmap.Open(p, mmap.ReadOnly); closeIf(m); return err }},
		{"mmap.OpenRegion", func(p string) error { m, err := mmap.OpenRegion(p, mmap.ReadOnly, 0, 0); closeIf(m); return err }},
	}
	for kind, path := range specialFiles(t) {
		for _, o := range opens {
			err := within(t, o.name+"("+kind+")", func() error { return o.open(path) })
			if err == nil {
				t.Errorf("%s(%s) succeeded", o.name, kind)
				continue
			}
			want := strings.TrimSuffix(kind, " (through a link)")
			if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "is "+want) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s(%s) = %v, want an error matching fs.ErrInvalid that says %q", o.name, kind, err, want)
			}
		}
	}
}

func closeIf[C interface{ Close() error }](c C) {
	if any(c) != nil {
		defer func() { recover() }() // a typed nil
		c.Close()
	}
}
