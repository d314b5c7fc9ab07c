package mmap_test

// Behaviour only Windows has: a mapped file is locked against truncation,
// deletion and replacement, offsets and sizes above 4 GiB travel as the high
// and low DWORDs of CreateFileMapping and MapViewOfFile, and views start on
// the 64 KiB allocation granularity rather than on a page.
//
// CI runs these under Wine, whose file locking and mappings follow Windows's
// rules on a Linux file system; see TestRegionAbove4GiB for where the two
// differ.

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/ndmap/ndmap/mmap"
)

// granularity is Windows's allocation granularity, the alignment of a view.
const granularity = 64 << 10

// TestMappedFileIsLocked checks that what Windows refuses for a mapped file
// comes back as an error, and leaves the file and every map of it intact.
func TestMappedFileIsLocked(t *testing.T) {
	data := pattern(3 * granularity)
	path := writeFile(t, data)
	other := filepath.Join(filepath.Dir(path), "other.bin")
	if err := os.WriteFile(other, []byte("other"), 0o666); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)

	if err := os.Truncate(path, 10); err == nil {
		t.Errorf("os.Truncate of a mapped file succeeded")
	}
	if err := os.Remove(path); err == nil {
		t.Fatalf("os.Remove of a mapped file succeeded")
	}
	if err := os.Rename(other, path); err == nil {
		t.Fatalf("os.Rename over a mapped file succeeded")
	}
	if c, err := mmap.Create(path, 10); err == nil {
		c.Close()
		t.Fatalf("mmap.Create over a mapped file succeeded")
	}

	// A second map of the file cannot shrink it either; it keeps its old
	// length and bytes.
	m2, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m2)
	if err := m2.Resize(100); err == nil {
		t.Errorf("Resize(100) of a file mapped elsewhere succeeded")
	}
	if m2.Len() != len(data) || !bytes.Equal(m2.Bytes(), data) {
		t.Errorf("after a failed Resize: Len() = %d, bytes kept: %v", m2.Len(), bytes.Equal(m2.Bytes(), data))
	}

	// Growing is allowed while the file is mapped elsewhere.
	n := len(data) + granularity + 5
	if err := m2.Resize(int64(n)); err != nil {
		t.Fatalf("Resize(%d) of a file mapped elsewhere: %v", n, err)
	}
	m2.Bytes()[n-1] = 'z'
	m2.Bytes()[1] = 'y'
	if err := m2.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := m.Bytes()[1]; got != 'y' {
		t.Errorf("the first map reads %q after the second grew and wrote, want 'y'", got)
	}
	want := append(bytes.Clone(data), make([]byte, n-len(data))...)
	want[1], want[n-1] = 'y', 'z'
	if !bytes.Equal(readFile(t, path), want) {
		t.Errorf("the file does not hold the grown map's bytes")
	}

	// With both maps closed, everything refused above works.
	mustClose(t, m)
	mustClose(t, m2)
	if err := os.Rename(other, path); err != nil {
		t.Errorf("os.Rename over a file no longer mapped: %v", err)
	}
	if err := os.Remove(path); err != nil {
		t.Errorf("os.Remove of a file no longer mapped: %v", err)
	}
}

// underWine reports whether the test runs under Wine, whose ntdll.dll has
// functions of its own.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// setSparse marks f sparse, so that a file of gigabytes costs only the
// pages written; NTFS without it would fill the gap with zeros on disk.
func setSparse(t *testing.T, f *os.File) {
	t.Helper()
	var n uint32
	if err := windows.DeviceIoControl(windows.Handle(f.Fd()), windows.FSCTL_SET_SPARSE, nil, 0, nil, 0, &n, nil); err != nil {
		t.Skipf("the file system has no sparse files (FSCTL_SET_SPARSE: %v)", err)
	}
}

// TestRegionAbove4GiB maps regions of a sparse file of over 4 GiB at offsets
// whose high DWORD is not zero, and around the 4 GiB boundary. The bytes at
// the same offsets less 4 GiB differ, so a lost or wrong high DWORD maps the
// wrong bytes or fails. Under Wine the file is an ordinary sparse Linux
// file; real NTFS sparse files are not exercised there.
func TestRegionAbove4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a sparse file of over 4 GiB")
	}
	const high = 1 << 32
	size := int64(high + 3*granularity)
	path := filepath.Join(t.TempDir(), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	setSparse(t, f)
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	regions := []struct {
		name   string
		off, n int64
	}{
		{"above 4 GiB, unaligned", high + granularity + 100, 300},
		{"at 4 GiB", high, 1},
		{"across 4 GiB", high - 50, 100},
		{"to the end", size - granularity - 7, granularity + 7},
	}
	// Every region's bytes differ from those 4 GiB lower.
	want := func(off, n int64) []byte {
		return pattern(int(off - high + 3*granularity + n))[off-high+3*granularity:]
	}
	for _, r := range regions {
		start := max(r.off, high)
		if _, err := f.WriteAt(want(start, r.off+r.n-start), start); err != nil {
			t.Fatal(err)
		}
		if r.off < high {
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xEE}, int(high-r.off)), r.off); err != nil {
				t.Fatal(err)
			}
		}
		low := start - high
		if _, err := f.WriteAt(bytes.Repeat([]byte("low!"), int(r.n)), low); err != nil {
			t.Fatal(err)
		}
	}
	fileBytes := func(off, n int64) []byte {
		b := make([]byte, n)
		if _, err := f.ReadAt(b, off); err != nil {
			t.Fatal(err)
		}
		return b
	}

	for _, r := range regions {
		expect := fileBytes(r.off, r.n)
		for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.CopyOnWrite, mmap.ReadWrite} {
			m, err := mmap.OpenRegion(path, mode, r.off, r.n)
			if err != nil {
				t.Errorf("%s: OpenRegion(%d, %d, %v): %v", r.name, r.off, r.n, mode, err)
				continue
			}
			if !bytes.Equal(m.Bytes(), expect) {
				t.Errorf("%s: OpenRegion(%d, %d, %v) maps the wrong bytes: %.16q..., want %.16q...", r.name, r.off, r.n, mode, m.Bytes(), expect)
			}
			if mode == mmap.ReadWrite {
				// A write lands at the offset above 4 GiB, not 4 GiB lower.
				b := m.Bytes()
				b[len(b)-1] ^= 0xFF
				if err := m.FlushRange(int64(len(b)-1), 1); err != nil {
					t.Errorf("%s: FlushRange: %v", r.name, err)
				}
				if got := fileBytes(r.off+r.n-1, 1)[0]; got != b[len(b)-1] {
					t.Errorf("%s: the write through the map did not reach offset %d", r.name, r.off+r.n-1)
				}
				b[len(b)-1] ^= 0xFF
			}
			mustClose(t, m)
		}
	}

	// Resize above 4 GiB: the mapping object's size needs its high DWORD.
	r := regions[0]
	m, err := mmap.MapRegion(f, mmap.ReadWrite, r.off, r.n)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	expect := fileBytes(r.off, r.n)
	grown := size - r.off + 2*granularity
	if err := m.Resize(grown); err != nil {
		t.Fatalf("Resize(%d) above 4 GiB: %v", grown, err)
	}
	if !bytes.Equal(m.Bytes()[:r.n], expect) {
		t.Errorf("Resize above 4 GiB lost the region's bytes")
	}
	m.Bytes()[grown-1] = 'E'
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != r.off+grown {
		t.Fatalf("after Resize the file is %d bytes, want %d", fi.Size(), r.off+grown)
	}
	if got := fileBytes(r.off+grown-1, 1)[0]; got != 'E' {
		t.Errorf("the last byte of the grown map reads %q in the file, want 'E'", got)
	}
}

// TestCopyOnWriteStaysPrivate checks, beside a ReadWrite map of the same
// file, that a copy-on-write map's changes reach neither the file nor the
// other map, and that a page it has written no longer follows the file.
func TestCopyOnWriteStaysPrivate(t *testing.T) {
	data := pattern(2*granularity + 10)
	path := writeFile(t, data)
	cow, err := mmap.OpenRegion(path, mmap.CopyOnWrite, granularity+3, granularity)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, cow)
	rw, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, rw)

	cow.Bytes()[0] = 'c'
	if err := cow.Flush(); err != nil {
		t.Errorf("Flush of a copy-on-write map: %v", err)
	}
	if err := cow.FlushRange(0, 1); err != nil {
		t.Errorf("FlushRange of a copy-on-write map: %v", err)
	}
	// The page the copy-on-write map wrote is its own now: a later write to
	// the file beside it is not seen there.
	rw.Bytes()[granularity+4] = 'w'
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := cow.Bytes()[1]; got != data[granularity+4] {
		t.Errorf("a written copy-on-write page follows the file: reads %q, want %q", got, data[granularity+4])
	}
	if got := rw.Bytes()[granularity+3]; got != data[granularity+3] {
		t.Errorf("the ReadWrite map sees the copy-on-write map's byte %q", got)
	}
	want := bytes.Clone(data)
	want[granularity+4] = 'w'
	mustClose(t, cow)
	if !bytes.Equal(readFile(t, path), want) {
		t.Errorf("the file holds a copy-on-write change after Close")
	}
	if got := readInChild(t, path, 0, int64(len(data))); !bytes.Equal(got, want) {
		t.Errorf("another process sees a copy-on-write change")
	}
}

// TestCopyOnWriteReadOnlyFile maps a file with the read-only attribute,
// which a ReadWrite map may not open but a CopyOnWrite map may, since it
// needs only read access.
func TestCopyOnWriteReadOnlyFile(t *testing.T) {
	data := pattern(granularity + 1)
	path := writeFile(t, data)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o666) })
	if m, err := mmap.Open(path, mmap.ReadWrite); err == nil {
		m.Close()
		if underWine() {
			// Wine keeps the attribute as the Unix permission bits, which
			// do not stop root, as CI runs.
			t.Log("mmap.Open(ReadWrite) of a read-only file succeeded; under Wine as root it may")
		} else {
			t.Errorf("mmap.Open(ReadWrite) of a read-only file succeeded")
		}
	}
	m, err := mmap.Open(path, mmap.CopyOnWrite)
	if err != nil {
		t.Fatalf("mmap.Open(CopyOnWrite) of a read-only file: %v", err)
	}
	m.Bytes()[granularity] = ^data[granularity]
	if m.Bytes()[granularity] != ^data[granularity] {
		t.Errorf("the copy-on-write map does not hold its write")
	}
	mustClose(t, m)
	if !bytes.Equal(readFile(t, path), data) {
		t.Errorf("a copy-on-write write reached a read-only file")
	}
}

// TestFlushRangeGranularity flushes ranges of a region that starts inside a
// 64 KiB granule: the flushed pages are found from the view's start, not the
// region's, and ranges may cross pages and granules.
func TestFlushRangeGranularity(t *testing.T) {
	data := pattern(5 * granularity)
	path := writeFile(t, data)
	const off = granularity + 4000
	m, err := mmap.OpenRegion(path, mmap.ReadWrite, off, 3*granularity)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	want := bytes.Clone(data)
	ranges := []struct{ off, n int64 }{
		{0, 1},                                // inside the first, partial page
		{90, 200},                             // across a page boundary
		{granularity - 4001, 2},               // across a granule boundary
		{granularity - 4000, 2 * granularity}, // many granules
		{3*granularity - 1, 1},                // the last byte
	}
	for _, r := range ranges {
		b := m.Bytes()
		for i := r.off; i < r.off+r.n; i++ {
			b[i] ^= 0x5A
			want[off+i] ^= 0x5A
		}
		if err := m.FlushRange(r.off, r.n); err != nil {
			t.Errorf("FlushRange(%d, %d): %v", r.off, r.n, err)
		}
		if !bytes.Equal(readFile(t, path), want) {
			t.Errorf("after FlushRange(%d, %d) the file differs", r.off, r.n)
		}
	}
	if got := readInChild(t, path, off-5, 3*granularity+5); !bytes.Equal(got, want[off-5:off+3*granularity]) {
		t.Errorf("another process does not see the flushed ranges")
	}
}
