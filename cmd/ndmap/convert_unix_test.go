//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// convert honours the umask for new files and keeps the mode of a file it
// replaces, as np.save does.
func TestConvertModes(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	out := filepath.Join(dir, "o.npy")
	ok(t, "convert", td("npy/f8_1d.npy"), out)
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o640 {
		t.Errorf("new output has mode %v, want 0640 (0666 less the umask 027)", st.Mode().Perm())
	}
	os.Chmod(out, 0o604)
	ok(t, "convert", td("npy/f8_1d.npy"), out)
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o604 {
		t.Errorf("replaced output has mode %v, want 0604 as before", st.Mode().Perm())
	}
	folder := filepath.Join(dir, "f") + "/"
	ok(t, "convert", td("npz/savez.npz"), folder)
	ents, _ := os.ReadDir(folder)
	for _, e := range ents {
		if st, _ := os.Stat(filepath.Join(folder, e.Name())); st.Mode().Perm() != 0o640 {
			t.Errorf("%s has mode %v, want 0640", e.Name(), st.Mode().Perm())
		}
	}
}

// A disk without room for the output stops convert before it writes, with
// exit 1, and leaves nothing on it.
func TestConvertFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(64<<10)); err != nil {
		t.Skipf("cannot mount a small tmpfs: %v", err)
	}
	defer unix.Unmount(dir, unix.MNT_DETACH)
	in := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(in, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	r := ndmap(t, "convert", "--dtype", "<f8", in, filepath.Join(dir, "o.npy"))
	if r.code != exitInput || !strings.Contains(r.stderr, "no space left") {
		t.Errorf("convert to a full disk: exit %d, %q", r.code, r.stderr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the full disk holds %d files", len(ents))
	}
}
