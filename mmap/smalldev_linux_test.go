package mmap_test

import (
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// smallDevice mounts a tmpfs of size bytes on a new temporary directory,
// so that a full device can be reached without filling a shared disk, and
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
