package array_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// smallDevice mounts a tmpfs of size bytes on a new temporary directory,
// so that a full device is reached without filling a shared disk, and
// skips the test where mounting is not allowed.
func smallDevice(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("cannot mount a small tmpfs: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// allocatedBytes returns the bytes the file at path has on its device.
func allocatedBytes(t *testing.T, path string) (int64, bool) {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return s.Blocks * 512, true
}
