package mmap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/mmap"
)

// childEnv, when set to "path off n", makes the test binary a child process
// that maps that region of the file read-only, checks it against the file
// read with os.ReadFile, writes it to stdout and exits.
const childEnv = "NDMAP_MMAP_TEST_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(child(spec))
	}
	os.Exit(m.Run())
}

func child(spec string) int {
	f := strings.Fields(spec)
	off, _ := strconv.ParseInt(f[1], 10, 64)
	n, _ := strconv.ParseInt(f[2], 10, 64)
	m, err := mmap.OpenRegion(f[0], mmap.ReadOnly, off, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer m.Close()
	// Read the file as well, to see what a process without a mapping sees.
	file, err := os.ReadFile(f[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if !bytes.Equal(file[off:off+n], m.Bytes()) {
		fmt.Fprintln(os.Stderr, "the file and its mapping differ")
		return 1
	}
	os.Stdout.Write(m.Bytes())
	return 0
}

// readInChild returns the bytes [off, off+n) of path as another process,
// which both maps and reads the file itself, sees them.
func readInChild(t *testing.T, path string, off, n int64) []byte {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	// A race-enabled child would sleep a second at exit; it need not.
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d", childEnv, path, off, n),
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v: %s", err, stderr.Bytes())
	}
	return out
}

var page = os.Getpagesize()

// pattern returns n bytes that differ from page to page and within a page.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// writeFile writes data to a new file in a temporary directory.
func writeFile(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.bin")
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustClose(t testing.TB, m *mmap.Map) {
	t.Helper()
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	data := pattern(3*page + 100)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	if !bytes.Equal(m.Bytes(), data) {
		t.Errorf("Bytes() differs from the file")
	}
	if m.Len() != len(data) || m.Offset() != 0 || m.Mode() != mmap.ReadOnly {
		t.Errorf("Len, Offset, Mode = %d, %d, %v; want %d, 0, ReadOnly", m.Len(), m.Offset(), m.Mode(), len(data))
	}
	if n, err := m.WriteAt([]byte{1}, 0); n != 0 || !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("WriteAt on ReadOnly = %d, %v; want 0, ErrReadOnly", n, err)
	}
	if err := m.Flush(); err != nil {
		t.Errorf("Flush on ReadOnly: %v", err)
	}
	if err := m.Resize(10); !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("Resize on ReadOnly = %v; want ErrReadOnly", err)
	}
}

func TestCopyOnWrite(t *testing.T) {
	data := pattern(2*page + 5)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.CopyOnWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	other, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, other)

	b := m.Bytes()
	b[0] = ^data[0]
	b[page+1] = ^data[page+1]
	if n, err := m.WriteAt([]byte("private"), int64(2*page-3)); n != 7 || err != nil {
		t.Fatalf("WriteAt = %d, %v; want 7, nil", n, err)
	}
	if err := m.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}

	want := bytes.Clone(data)
	want[0], want[page+1] = ^data[0], ^data[page+1]
	copy(want[2*page-3:], "private")
	if !bytes.Equal(m.Bytes(), want) {
		t.Errorf("the map does not hold its own writes")
	}
	if !bytes.Equal(readFile(t, path), data) {
		t.Errorf("a copy-on-write write reached the file")
	}
	if !bytes.Equal(other.Bytes(), data) {
		t.Errorf("a copy-on-write write reached another mapping")
	}
	if got := readInChild(t, path, 0, int64(len(data))); !bytes.Equal(got, data) {
		t.Errorf("a copy-on-write write reached another process")
	}
	if err := m.Resize(10); !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("Resize on CopyOnWrite = %v; want ErrReadOnly", err)
	}
}

func TestReadWrite(t *testing.T) {
	data := pattern(4*page + 17)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	other, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, other)

	want := bytes.Clone(data)
	m.Bytes()[3] = 'x'
	want[3] = 'x'
	if n, err := m.WriteAt([]byte("shared"), int64(3*page-2)); n != 6 || err != nil {
		t.Fatalf("WriteAt = %d, %v; want 6, nil", n, err)
	}
	copy(want[3*page-2:], "shared")
	if err := m.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if !bytes.Equal(readFile(t, path), want) {
		t.Errorf("the file does not hold the writes after Flush")
	}
	if !bytes.Equal(other.Bytes(), want) {
		t.Errorf("another mapping does not see the writes")
	}
	if got := readInChild(t, path, 0, int64(len(data))); !bytes.Equal(got, want) {
		t.Errorf("another process does not see the writes")
	}
	// The child maps a region at an odd offset too.
	if got := readInChild(t, path, int64(3*page-5), 20); !bytes.Equal(got, want[3*page-5:3*page+15]) {
		t.Errorf("child region = %q, want %q", got, want[3*page-5:3*page+15])
	}
}

func TestRegions(t *testing.T) {
	p := int64(page)
	size := 5*p + 123
	if size < 2*65536+300 {
		size = 2*65536 + 300 // cross Windows's allocation granularity too
	}
	data := pattern(int(size))
	path := writeFile(t, data)
	regions := []struct{ off, n int64 }{
		{0, 0}, {0, 1}, {1, 1}, {0, size}, {1, size - 1}, {size - 1, 1}, {size, 0},
		{p - 1, 2}, {p - 3, p + 7}, {p, p}, {2 * p, 1}, {5, 3*p + 11}, {p + 1, 2*p - 2},
		{65535, 3}, {65536, 1}, {65537, p}, {3 * p / 2, 5},
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, r := range regions {
		for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.CopyOnWrite} {
			want := data[r.off : r.off+r.n]
			m, err := mmap.OpenRegion(path, mode, r.off, r.n)
			if err != nil {
				t.Errorf("OpenRegion(%d, %d, %v): %v", r.off, r.n, mode, err)
				continue
			}
			if !bytes.Equal(m.Bytes(), want) || m.Len() != int(r.n) || m.Offset() != r.off {
				t.Errorf("OpenRegion(%d, %d, %v): Bytes, Len, Offset = %d bytes (equal: %v), %d, %d",
					r.off, r.n, mode, len(m.Bytes()), bytes.Equal(m.Bytes(), want), m.Len(), m.Offset())
			}
			got := make([]byte, r.n)
			if n, err := m.ReadAt(got, 0); n != int(r.n) || (err != nil && !(r.n == 0 && err == io.EOF)) || !bytes.Equal(got, want) {
				t.Errorf("OpenRegion(%d, %d, %v).ReadAt = %d, %v", r.off, r.n, mode, n, err)
			}
			mustClose(t, m)

			m, err = mmap.MapRegion(f, mode, r.off, r.n)
			if err != nil {
				t.Errorf("MapRegion(%d, %d, %v): %v", r.off, r.n, mode, err)
				continue
			}
			if !bytes.Equal(m.Bytes(), want) {
				t.Errorf("MapRegion(%d, %d, %v): Bytes differ from the file", r.off, r.n, mode)
			}
			mustClose(t, m)
		}
	}
	// MapRegion leaves the file open.
	if _, err := f.Stat(); err != nil {
		t.Errorf("Close of a MapRegion map closed the caller's file: %v", err)
	}

	bad := []struct{ off, n int64 }{{-1, 1}, {0, -1}, {size + 1, 0}, {size, 1}, {0, size + 1}, {size - 1, 2}, {1, 1 << 62}}
	for _, r := range bad {
		if m, err := mmap.OpenRegion(path, mmap.ReadOnly, r.off, r.n); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("OpenRegion(%d, %d) = %v, %v; want ErrRange", r.off, r.n, m, err)
		}
	}
}

// TestRegionFarIntoFile maps a few bytes near the end of a sparse 3 GiB
// file, which must work on 32-bit systems too.
func TestRegionFarIntoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sparse.bin")
	const size = 3 << 30
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("tail"), size-7); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.MapRegion(f, mmap.ReadOnly, size-9, 9)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	if got, want := m.Bytes(), []byte("\x00\x00tail\x00\x00\x00"); !bytes.Equal(got, want) {
		t.Errorf("Bytes() = %q, want %q", got, want)
	}
}

func TestTooLarge32(t *testing.T) {
	if strconv.IntSize != 32 {
		t.Skip("address space is 64-bit")
	}
	path := filepath.Join(t.TempDir(), "big.bin")
	const size = 3 << 30
	if err := os.WriteFile(path, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		m, err := mmap.Open(path, mode)
		if !errors.Is(err, mmap.ErrTooLarge) || m != nil {
			t.Errorf("Open(3 GiB, %v) = %v, %v; want nil, ErrTooLarge", mode, m, err)
		}
		m, err = mmap.OpenRegion(path, mode, 1, size-1)
		if !errors.Is(err, mmap.ErrTooLarge) || m != nil {
			t.Errorf("OpenRegion(1, 3 GiB-1, %v) = %v, %v; want nil, ErrTooLarge", mode, m, err)
		}
	}
	if _, err := mmap.Create(filepath.Join(t.TempDir(), "new.bin"), size); !errors.Is(err, mmap.ErrTooLarge) {
		t.Errorf("Create(3 GiB) = %v; want ErrTooLarge", err)
	}
	m, err := mmap.Create(filepath.Join(t.TempDir(), "grow.bin"), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	if err := m.Resize(size); !errors.Is(err, mmap.ErrTooLarge) {
		t.Errorf("Resize(3 GiB) = %v; want ErrTooLarge", err)
	}
	if m.Len() != 10 {
		t.Errorf("Len() after failed Resize = %d, want 10", m.Len())
	}
}

func TestEmpty(t *testing.T) {
	path := writeFile(t, nil)
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		m, err := mmap.Open(path, mode)
		if err != nil {
			t.Fatalf("Open(empty, %v): %v", mode, err)
		}
		if b := m.Bytes(); b == nil || len(b) != 0 || m.Len() != 0 {
			t.Errorf("Open(empty, %v): Bytes() = %#v, Len() = %d", mode, b, m.Len())
		}
		if n, err := m.ReadAt(make([]byte, 1), 0); n != 0 || err != io.EOF {
			t.Errorf("ReadAt on empty = %d, %v; want 0, EOF", n, err)
		}
		if err := m.Flush(); err != nil {
			t.Errorf("Flush on empty: %v", err)
		}
		if err := m.FlushRange(0, 0); err != nil {
			t.Errorf("FlushRange(0, 0) on empty: %v", err)
		}
		if err := m.Advise(mmap.WillNeed, 0, 0); err != nil {
			t.Errorf("Advise on empty: %v", err)
		}
		if err := m.Guard(func(b []byte) error {
			if len(b) != 0 {
				return fmt.Errorf("len %d", len(b))
			}
			return nil
		}); err != nil {
			t.Errorf("Guard on empty: %v", err)
		}
		mustClose(t, m)
	}
	m, err := mmap.Create(filepath.Join(t.TempDir(), "empty.bin"), 0)
	if err != nil {
		t.Fatalf("Create(0): %v", err)
	}
	mustClose(t, m)
}

func TestCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.bin")
	if err := os.WriteFile(path, []byte("old content that must go"), 0o666); err != nil {
		t.Fatal(err)
	}
	size := 3*page + 9
	m, err := mmap.Create(path, int64(size))
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != size || m.Mode() != mmap.ReadWrite {
		t.Errorf("Len, Mode = %d, %v; want %d, ReadWrite", m.Len(), m.Mode(), size)
	}
	if !bytes.Equal(m.Bytes(), make([]byte, size)) {
		t.Errorf("a new file does not read as zeros")
	}
	copy(m.Bytes()[page-2:], "new")
	mustClose(t, m)
	want := make([]byte, size)
	copy(want[page-2:], "new")
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("file after Create, write, Close differs (len %d)", len(got))
	}
	if _, err := mmap.Create(filepath.Join(t.TempDir(), "no", "such", "dir"), 1); !errors.As(err, new(*fs.PathError)) {
		t.Errorf("Create in a missing directory = %v; want a *fs.PathError", err)
	}
}

func TestResize(t *testing.T) {
	data := pattern(2*page + 3)
	for _, off := range []int64{0, 5, int64(page) + 1} {
		path := writeFile(t, data)
		m, err := mmap.OpenRegion(path, mmap.ReadWrite, off, int64(len(data))-off)
		if err != nil {
			t.Fatal(err)
		}
		want := bytes.Clone(data[off:])
		for _, n := range []int{len(want) + 5*page + 7, 10, 0, 1, 3*page - 1, page} {
			if err := m.Resize(int64(n)); err != nil {
				t.Fatalf("off %d: Resize(%d): %v", off, n, err)
			}
			if n > len(want) {
				want = append(want, make([]byte, n-len(want))...)
			} else {
				want = want[:n]
			}
			if m.Len() != n || !bytes.Equal(m.Bytes(), want) {
				t.Errorf("off %d: after Resize(%d): Len() = %d, content kept: %v", off, n, m.Len(), bytes.Equal(m.Bytes(), want))
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != off+int64(n) {
				t.Errorf("off %d: after Resize(%d): file size %d, want %d", off, n, fi.Size(), off+int64(n))
			}
			// The new bytes are writable and reach the file.
			if n > 0 {
				m.Bytes()[n-1] = 0xAB
				want[n-1] = 0xAB
			}
			if err := m.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path)[off:]; !bytes.Equal(got, want) {
				t.Errorf("off %d: after Resize(%d): file content differs", off, n)
			}
		}
		if err := m.Resize(-1); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("Resize(-1) = %v; want ErrRange", err)
		}
		mustClose(t, m)
	}
}

func TestAdvise(t *testing.T) {
	data := pattern(4*page + 1)
	path := writeFile(t, data)
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		m, err := mmap.OpenRegion(path, mode, 3, int64(len(data))-3)
		if err != nil {
			t.Fatal(err)
		}
		if mode != mmap.ReadOnly {
			m.Bytes()[page] = 'w'
		}
		for _, a := range []mmap.Advice{mmap.Normal, mmap.Sequential, mmap.Random, mmap.WillNeed, mmap.DontNeed} {
			for _, r := range []struct{ off, n int64 }{{0, int64(m.Len())}, {1, 1}, {int64(page) - 5, 10}, {int64(m.Len()) - 1, 1}, {7, 0}} {
				if err := m.Advise(a, r.off, r.n); err != nil {
					t.Errorf("%v: Advise(%v, %d, %d): %v", mode, a, r.off, r.n, err)
				}
			}
		}
		if mode != mmap.ReadOnly && m.Bytes()[page] != 'w' {
			t.Errorf("%v: a write was lost after DontNeed", mode)
		}
		if err := m.Advise(mmap.Advice(99), 0, 1); err == nil {
			t.Errorf("Advise(99) succeeded")
		}
		for _, r := range []struct{ off, n int64 }{{-1, 1}, {0, -1}, {0, int64(m.Len()) + 1}, {int64(m.Len()), 1}} {
			if err := m.Advise(mmap.Normal, r.off, r.n); !errors.Is(err, mmap.ErrRange) {
				t.Errorf("Advise(Normal, %d, %d) = %v; want ErrRange", r.off, r.n, err)
			}
		}
		mustClose(t, m)
	}
}

func TestFlushRange(t *testing.T) {
	data := pattern(5*page + 3)
	path := writeFile(t, data)
	m, err := mmap.OpenRegion(path, mmap.ReadWrite, 7, int64(len(data))-7)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	want := bytes.Clone(data)
	for _, r := range []struct{ off, n int64 }{{0, 1}, {1, 3}, {int64(page) - 9, 20}, {int64(2*page + 1), int64(2*page + 5)}, {int64(m.Len()) - 1, 1}, {11, 0}} {
		for i := r.off; i < r.off+r.n; i++ {
			m.Bytes()[i]++
			want[7+i]++
		}
		if err := m.FlushRange(r.off, r.n); err != nil {
			t.Errorf("FlushRange(%d, %d): %v", r.off, r.n, err)
		}
		if !bytes.Equal(readFile(t, path), want) {
			t.Errorf("after FlushRange(%d, %d) the file differs", r.off, r.n)
		}
	}
	for _, r := range []struct{ off, n int64 }{{-1, 1}, {0, -1}, {0, int64(m.Len()) + 1}, {int64(m.Len()) + 1, 0}} {
		if err := m.FlushRange(r.off, r.n); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("FlushRange(%d, %d) = %v; want ErrRange", r.off, r.n, err)
		}
	}
}

func TestReadAt(t *testing.T) {
	data := pattern(2*page + 10)
	path := writeFile(t, data)
	m, err := mmap.OpenRegion(path, mmap.ReadOnly, 10, int64(2*page))
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	size := 2 * page
	region := data[10:]
	tests := []struct {
		off     int64
		len     int
		n       int
		err     error
		errText string
	}{
		{0, 0, 0, nil, ""},
		{0, 5, 5, nil, ""},
		{int64(page) - 2, 5, 5, nil, ""},
		{0, size, size, nil, ""},
		{1, size, size - 1, io.EOF, ""},
		{int64(size) - 3, 10, 3, io.EOF, ""},
		{int64(size), 1, 0, io.EOF, ""},
		{int64(size), 0, 0, nil, ""},
		{int64(size) + 100, 1, 0, io.EOF, ""},
		{-1, 1, 0, mmap.ErrRange, "negative offset"},
	}
	for _, tt := range tests {
		p := make([]byte, tt.len)
		n, err := m.ReadAt(p, tt.off)
		if n != tt.n || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) || !strings.Contains(fmt.Sprint(err), tt.errText) {
			t.Errorf("ReadAt(%d bytes, %d) = %d, %v; want %d, %v", tt.len, tt.off, n, err, tt.n, tt.err)
			continue
		}
		if tt.off >= 0 && !bytes.Equal(p[:n], region[min(int(tt.off), size):][:n]) {
			t.Errorf("ReadAt(%d bytes, %d) read the wrong bytes", tt.len, tt.off)
		}
	}
	var _ io.ReaderAt = m
	var _ io.WriterAt = m
}

func TestWriteAt(t *testing.T) {
	data := pattern(2 * page)
	size := len(data)
	tests := []struct {
		off int64
		len int
		n   int
		err error
	}{
		{0, 0, 0, nil},
		{0, 5, 5, nil},
		{int64(page) - 2, 5, 5, nil},
		{0, size, size, nil},
		{int64(size) - 3, 10, 3, io.ErrShortWrite},
		{int64(size), 1, 0, io.ErrShortWrite},
		{int64(size), 0, 0, nil},
		{int64(size) + 7, 2, 0, io.ErrShortWrite},
		{-1, 1, 0, mmap.ErrRange},
	}
	for _, mode := range []mmap.Mode{mmap.ReadWrite, mmap.CopyOnWrite} {
		for _, tt := range tests {
			path := writeFile(t, data)
			m, err := mmap.Open(path, mode)
			if err != nil {
				t.Fatal(err)
			}
			p := bytes.Repeat([]byte{0xEE}, tt.len)
			n, err := m.WriteAt(p, tt.off)
			if n != tt.n || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("%v: WriteAt(%d bytes, %d) = %d, %v; want %d, %v", mode, tt.len, tt.off, n, err, tt.n, tt.err)
			}
			want := bytes.Clone(data)
			if tt.off >= 0 && tt.off < int64(size) {
				copy(want[tt.off:], p[:n])
			}
			if !bytes.Equal(m.Bytes(), want) {
				t.Errorf("%v: WriteAt(%d bytes, %d) wrote the wrong bytes", mode, tt.len, tt.off)
			}
			mustClose(t, m)
		}
	}
}

func TestClosed(t *testing.T) {
	path := writeFile(t, pattern(100))
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if b := m.Bytes(); b != nil {
		t.Errorf("Bytes() after Close = %v, want nil", b)
	}
	if m.Len() != 0 {
		t.Errorf("Len() after Close = %d, want 0", m.Len())
	}
	calls := map[string]error{
		"Flush":      m.Flush(),
		"FlushRange": m.FlushRange(0, 1),
		"Advise":     m.Advise(mmap.Normal, 0, 1),
		"Resize":     m.Resize(10),
		"Guard":      m.Guard(func([]byte) error { return nil }),
	}
	_, calls["ReadAt"] = m.ReadAt(make([]byte, 1), 0)
	_, calls["WriteAt"] = m.WriteAt(make([]byte, 1), 0)
	for name, err := range calls {
		if !errors.Is(err, mmap.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := mmap.Open(missing, mmap.ReadOnly)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "mmap: ") {
		t.Errorf("Open(missing) = %v; want an mmap: error wrapping a *fs.PathError for ErrNotExist", err)
	}
	if _, err := mmap.Open(writeFile(t, []byte("x")), mmap.Mode(7)); err == nil {
		t.Errorf("Open with Mode(7) succeeded")
	}
	// A file opened read-only cannot be mapped ReadWrite; the OS error is kept.
	path := writeFile(t, pattern(10))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = mmap.MapRegion(f, mmap.ReadWrite, 0, 10)
	var se *os.SyscallError
	if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "mmap: ") {
		t.Errorf("MapRegion(read-only file, ReadWrite) = %v; want an mmap: error wrapping an *os.SyscallError", err)
	}
	if got, want := fmt.Sprint(mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite, mmap.Mode(9)), "ReadOnly ReadWrite CopyOnWrite Mode(9)"; got != want {
		t.Errorf("Mode names = %q, want %q", got, want)
	}
	if got, want := fmt.Sprint(mmap.Normal, mmap.Sequential, mmap.Random, mmap.WillNeed, mmap.DontNeed, mmap.Advice(-1)), "Normal Sequential Random WillNeed DontNeed Advice(-1)"; got != want {
		t.Errorf("Advice names = %q, want %q", got, want)
	}
}

// TestFault truncates a file under its map: touching the lost pages must
// give a *FaultError with the right offset, and the test must go on.
func TestFault(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not let a mapped file shrink")
	}
	data := pattern(4 * page)
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		path := writeFile(t, data)
		const off = 3 // the region starts inside the first page
		m, err := mmap.OpenRegion(path, mode, off, int64(len(data)-off))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}

		k := int64(2*page + 5)
		n, err := m.ReadAt(make([]byte, 1), k)
		var fe *mmap.FaultError
		// The whole file is lost: the first byte lost is the map's first.
		if n != 0 || !errors.Is(err, mmap.ErrFault) || !errors.As(err, &fe) || fe.Offset != 0 || fe.Path != path {
			t.Errorf("%v: ReadAt(1 byte, %d) after truncation = %d, %v; want 0, a fault from 0", mode, k, n, err)
		}
		// A long read stops at the first lost page, which is the first one.
		p := make([]byte, 3*page)
		n, err = m.ReadAt(p, 10)
		if n != 0 || !errors.As(err, &fe) || fe.Offset != 0 {
			t.Errorf("%v: ReadAt(%d bytes, 10) after truncation = %d, %v; want 0 and a fault from 0", mode, len(p), n, err)
		}
		if mode != mmap.ReadOnly {
			n, err := m.WriteAt([]byte("abc"), k)
			if n != 0 || !errors.As(err, &fe) || fe.Offset != 0 {
				t.Errorf("%v: WriteAt(3 bytes, %d) after truncation = %d, %v; want 0 and a fault from 0", mode, k, n, err)
			}
		}
		mustClose(t, m)

		// Shrunk to a page and a half: the bytes up to the end of the second
		// page read (as zeros past the end), the rest are lost, from the
		// start of the third page, even to code that touches the last page
		// first, as a large copy may.
		path = writeFile(t, data)
		m, err = mmap.OpenRegion(path, mode, off, int64(len(data)-off))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, int64(page+page/2)); err != nil {
			t.Fatal(err)
		}
		first := int64(2*page - off)
		err = m.Guard(func(b []byte) error {
			var sum byte
			for i := len(b) - 1; i >= 0; i-- {
				sum += b[i]
			}
			return fmt.Errorf("not reached: sum %d", sum)
		})
		if !errors.As(err, &fe) || fe.Offset != first || !strings.Contains(err.Error(), "memory fault at byte "+strconv.FormatInt(first, 10)) {
			t.Errorf("%v: Guard reading backwards after truncation = %v; want a fault at %d", mode, err, first)
		}
		buf := make([]byte, len(data))
		n, err = m.ReadAt(buf, 0)
		if n != int(first) || !errors.As(err, &fe) || fe.Offset != first {
			t.Errorf("%v: ReadAt of everything after truncation = %d, %v; want %d bytes and a fault at %d", mode, n, err, first, first)
		}
		mustClose(t, m)
	}
}

// TestFaultPartial checks that a read across the new end of a shrunk file
// returns the bytes before it.
func TestFaultPartial(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not let a mapped file shrink")
	}
	data := pattern(4 * page)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	if err := os.Truncate(path, int64(2*page)); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 2*page)
	n, err := m.ReadAt(p, int64(page+7))
	var fe *mmap.FaultError
	if n != page-7 || !errors.As(err, &fe) || fe.Offset < int64(2*page) || fe.Offset >= int64(3*page) {
		t.Fatalf("ReadAt across the end = %d, %v; want %d and a fault in page 2", n, err, page-7)
	}
	if !bytes.Equal(p[:n], data[page+7:2*page]) {
		t.Errorf("the bytes before the fault are wrong")
	}
}

// TestGuardPanics checks that Guard passes on panics that are not faults in
// the map.
func TestGuardPanics(t *testing.T) {
	path := writeFile(t, pattern(page))
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	var nilMap map[string]*int
	tests := []struct {
		name string
		fn   func([]byte) error
		want string
	}{
		{"value", func([]byte) error { panic("boom") }, "boom"},
		{"index", func(b []byte) error { i := len(b); return fmt.Errorf("%d", b[i]) }, "index out of range"},
		{"nil", func([]byte) error { return fmt.Errorf("%d", *nilMap["x"]) }, "nil pointer dereference"},
	}
	for _, tt := range tests {
		got := func() (r any) {
			defer func() { r = recover() }()
			m.Guard(tt.fn)
			return nil
		}()
		if !strings.Contains(fmt.Sprint(got), tt.want) {
			t.Errorf("%s: Guard panicked with %v, want %q", tt.name, got, tt.want)
		}
	}
	// Guard passes fn's error through, and restores the fault setting.
	sentinel := errors.New("from fn")
	if err := m.Guard(func([]byte) error { return sentinel }); err != sentinel {
		t.Errorf("Guard = %v, want fn's error", err)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// mappingsOf counts the mappings of path in this process.
func mappingsOf(t *testing.T, path string) int {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(maps), path+"\n")
}

func TestNoLeaks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	path := writeFile(t, pattern(3*page))
	before := openFDs(t)
	for i := range 2000 {
		m, err := mmap.Open(path, mmap.Mode(i%3))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		// Failing calls must not leak either.
		if _, err := mmap.OpenRegion(path, mmap.ReadOnly, 1, int64(4*page)); err == nil {
			t.Fatal("OpenRegion past the end succeeded")
		}
	}
	if after := openFDs(t); after != before {
		t.Errorf("open file descriptors: %d before 2000 Open/Close, %d after", before, after)
	}
	if n := mappingsOf(t, path); n != 0 {
		t.Errorf("%d mappings of the file left after 2000 Open/Close", n)
	}
}

// TestCleanup drops maps without closing them: the garbage collector must
// release their files.
func TestCleanup(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	path := writeFile(t, pattern(page))
	before := openFDs(t)
	// Held until counted, so that no collection releases some before.
	// ReadWrite maps, which hold their descriptors.
	held := make([]*mmap.Map, 0, 100)
	for range 100 {
		m, err := mmap.Open(path, mmap.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, m)
	}
	if mid := openFDs(t); mid < before+100 {
		t.Fatalf("%d descriptors open with 100 maps, %d before", mid, before)
	}
	if n := mappingsOf(t, path); n != 100 {
		t.Fatalf("%d mappings of the file with 100 maps", n)
	}
	runtime.KeepAlive(held)
	held = nil
	after, mapped := 0, 0
	for range 50 {
		runtime.GC()
		after, mapped = openFDs(t), mappingsOf(t, path)
		if after == before && mapped == 0 {
			return
		}
	}
	t.Errorf("after dropping 100 maps: %d open file descriptors (%d before), %d mappings left", after, before, mapped)
}

// TestConcurrent reads from several goroutines while the map is closed.
func TestConcurrent(t *testing.T) {
	data := pattern(8 * page)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := make([]byte, page)
			for i := 0; ; i++ {
				off := int64((g + i) % 8 * page)
				n, err := m.ReadAt(p, off)
				if errors.Is(err, mmap.ErrClosed) {
					return
				}
				if err != nil || n != page || !bytes.Equal(p, data[off:off+int64(page)]) {
					errs <- fmt.Errorf("ReadAt(%d) = %d, %v", off, n, err)
					return
				}
			}
		}()
	}
	for range 200 {
		_ = m.Len()
		runtime.Gosched()
	}
	mustClose(t, m)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRegionBytesCapacity(t *testing.T) {
	data := pattern(2 * page)
	path := writeFile(t, data)
	m, err := mmap.OpenRegion(path, mmap.ReadOnly, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	b := m.Bytes()
	if diff := cmp.Diff(data[1:11], b); diff != "" || cap(b) != 10 {
		t.Errorf("Bytes() (cap %d) differs (-want +got):\n%s", cap(b), diff)
	}
}

// TestNoDescriptor checks that ReadOnly and CopyOnWrite maps hold no
// descriptor, that a mapping outlives the descriptor it was made from, and
// that a ReadWrite map keeps its own for Flush and Resize.
func TestNoDescriptor(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	data := pattern(3 * page)
	path := writeFile(t, data)
	before := openFDs(t)
	var maps []*mmap.Map
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.CopyOnWrite} {
		m, err := mmap.Open(path, mode)
		if err != nil {
			t.Fatal(err)
		}
		r, err := mmap.OpenRegion(path, mode, 5, int64(2*page))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		g, err := mmap.MapRegion(f, mode, int64(page+1), int64(page))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		maps = append(maps, m, r, g)
	}
	if n := openFDs(t); n != before {
		t.Errorf("%d descriptors open with 6 ReadOnly and CopyOnWrite maps, %d before", n, before)
	}
	if n := mappingsOf(t, path); n != 6 {
		t.Errorf("%d mappings of the file, want 6", n)
	}
	// Drop the page cache's copy where allowed, so that the reads below go
	// to the file through mappings whose descriptors are closed.
	for _, m := range maps {
		m.Advise(mmap.DontNeed, 0, int64(m.Len()))
	}
	for i, m := range maps {
		off := m.Offset()
		if !bytes.Equal(m.Bytes(), data[off:off+int64(m.Len())]) {
			t.Errorf("map %d (%v at %d): bytes differ from the file's", i, m.Mode(), off)
		}
		p := make([]byte, 10)
		if n, err := m.ReadAt(p, 7); n != 10 || err != nil || !bytes.Equal(p, data[off+7:off+17]) {
			t.Errorf("map %d: ReadAt(10, 7) = %d, %v, %q", i, n, err, p)
		}
		if err := m.Flush(); err != nil {
			t.Errorf("map %d: Flush = %v, want nil (nothing to write)", i, err)
		}
		if err := m.Resize(10); !errors.Is(err, mmap.ErrReadOnly) {
			t.Errorf("map %d: Resize = %v, want ErrReadOnly", i, err)
		}
	}
	// A copy-on-write map stays writable, privately.
	maps[3].Bytes()[0] = 'x'
	if maps[0].Bytes()[0] != data[0] {
		t.Errorf("a write to a CopyOnWrite map reached the file")
	}
	for _, m := range maps {
		mustClose(t, m)
	}
	if n := mappingsOf(t, path); n != 0 {
		t.Errorf("%d mappings left after Close", n)
	}

	w, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if n := openFDs(t); n != before+1 {
		t.Errorf("%d descriptors open with a ReadWrite map, want %d", n, before+1)
	}
	if err := w.Resize(int64(4 * page)); err != nil {
		t.Errorf("Resize of a ReadWrite map: %v", err)
	}
	mustClose(t, w)
	if n := openFDs(t); n != before {
		t.Errorf("%d descriptors open after Close, %d before", n, before)
	}
}
