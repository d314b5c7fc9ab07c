//go:build linux || darwin

package mmap_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ndmap/ndmap/mmap"
)

func allocated(st fs.FileInfo) (int64, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return s.Blocks * 512, true
}

// Reserving more than the device has left is an error at once, and the
// file keeps its size; a sparse file of that size is made without
// complaint, to fault when written.
func TestPreallocateFull(t *testing.T) {
	dir := smallDevice(t, 8<<20)
	f, err := os.Create(filepath.Join(dir, "full"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = mmap.Preallocate(f, 64<<20)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("Preallocate: %v", err)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Preallocate(64 MiB) on an 8 MiB device = %v, want ENOSPC", err)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("file is %d bytes after a failed Preallocate, want 0", st.Size())
	}
	if err := f.Truncate(64 << 20); err != nil {
		t.Errorf("a sparse file of 64 MiB on an 8 MiB device: %v", err)
	}
}
