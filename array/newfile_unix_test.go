//go:build unix

package array_test

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
)

// The made file keeps the mode of the one it replaces, writes through a
// symbolic link to the file it names, and a new one has 0666 less the umask.
func TestMakersKeepModeAndLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes and links")
	}
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	for _, m := range makers {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			fresh := filepath.Join(dir, "new.npy")
			if err := m.make(fresh, 5); err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o640 {
				t.Errorf("new file has mode %v, want 0640 (0666 less the umask 027)", st.Mode().Perm())
			}

			kept := filepath.Join(dir, "kept.npy")
			if err := os.WriteFile(kept, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(kept, 0o604); err != nil { // not one the umask gives
				t.Fatal(err)
			}
			if err := m.make(kept, 6); err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(kept); st.Mode().Perm() != 0o604 {
				t.Errorf("replaced file has mode %v, want 0604 as before", st.Mode().Perm())
			}
			if n, err := loadSeq(kept, m.raw); err != nil || n != 6 {
				t.Errorf("replaced file: %d values, %v", n, err)
			}

			// A link, a link to a link in another directory, a link to nothing.
			sub := filepath.Join(dir, "sub")
			os.Mkdir(sub, 0o755)
			real := filepath.Join(sub, "real.npy")
			os.WriteFile(real, []byte("old"), 0o644)
			link1 := filepath.Join(dir, "link1.npy")
			link2 := filepath.Join(dir, "link2.npy")
			os.Symlink("sub/real.npy", link1)
			os.Symlink(link1, link2)
			if err := m.make(link2, 7); err != nil {
				t.Fatal(err)
			}
			for _, l := range []string{link1, link2} {
				if st, err := os.Lstat(l); err != nil || st.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("%s is no longer a link", filepath.Base(l))
				}
			}
			if n, err := loadSeq(real, m.raw); err != nil || n != 7 {
				t.Errorf("the linked file: %d values, %v", n, err)
			}
			dangling := filepath.Join(dir, "dangling.npy")
			os.Symlink("sub/later.npy", dangling)
			if err := m.make(dangling, 2); err != nil {
				t.Fatal(err)
			}
			if n, err := loadSeq(filepath.Join(sub, "later.npy"), m.raw); err != nil || n != 2 {
				t.Errorf("the file a dangling link names: %d values, %v", n, err)
			}
			if names := dirNames(t, sub); !slices.Equal(names, []string{"later.npy", "real.npy"}) {
				t.Errorf("sub holds %v", names)
			}
		})
	}
}

// A path naming a directory or a named pipe is refused: replacing it would
// not write to it.
func TestMakersRefuseSpecialTargets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub.npy")
	os.Mkdir(sub, 0o755)
	for _, m := range makers {
		for _, p := range []string{fifo, sub} {
			err := m.make(p, 3)
			if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s(%s) = %v, want a refusal", m.name, filepath.Base(p), err)
			}
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the named pipe is gone: %v", err)
	}
}

// Create of more bytes than int64 holds names the size it would have had,
// not an overflowed one.
func TestCreateTooLargeMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	_, err := array.Create[uint8](path, []int{math.MaxInt})
	want := strconv.FormatUint(uint64(math.MaxInt)+128, 10) + " bytes"
	if err == nil || strings.Contains(err.Error(), "-") || !strings.Contains(err.Error(), want) {
		t.Errorf("Create[uint8](MaxInt) = %v, want the size 128+MaxInt", err)
	}
}

// Save's errors from the device name the file being saved, not a
// temporary one, nor "memory", what the data came from.
func TestSaveErrorNamesTarget(t *testing.T) {
	dir := smallDevice(t, 256<<10)
	path := filepath.Join(dir, "big.npy")
	err := array.Save(path, array.FromSlice(make([]float64, 1<<16)))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path || pe.Op != "write" || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Save to a full device = %v, want write %s: no space left on device", err, path)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("the device holds %v after a failed Save", names)
	}
}

// With Preallocate, Create on a device without room for the file fails at
// once with ENOSPC and leaves nothing; without it, the sparse file is made.
func TestCreatePreallocate(t *testing.T) {
	dir := t.TempDir()
	a, err := array.Create[float64](filepath.Join(dir, "p.npy"), []int{1 << 17}, array.Preallocate())
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if used, ok := allocatedBytes(t, filepath.Join(dir, "p.npy")); ok && used < 1<<20 {
		t.Errorf("a preallocated 1 MiB array has %d bytes on the device", used)
	}
	a.Close()

	small := smallDevice(t, 4<<20)
	path := filepath.Join(small, "big.npy")
	_, err = array.Create[float64](path, []int{1 << 20}, array.Preallocate())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Create of 8 MiB on a 4 MiB device with Preallocate = %v, want ENOSPC", err)
	}
	if names := dirNames(t, small); len(names) != 0 {
		t.Errorf("the device holds %v after a failed Create", names)
	}
	_, err = array.CreateRaw[float64](path, header.Raw{Offset: 100}, []int{1 << 20}, array.Preallocate())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("CreateRaw of 8 MiB on a 4 MiB device with Preallocate = %v, want ENOSPC", err)
	}
	err = array.SaveFunc(path, 8<<20, func(w io.Writer) error {
		t.Error("SaveFunc wrote although the space could not be reserved")
		return nil
	}, array.Preallocate())
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("SaveFunc of 8 MiB on a 4 MiB device with Preallocate = %v, want ENOSPC", err)
	}
	b, err := array.Create[float64](path, []int{1 << 20})
	if err != nil {
		t.Fatalf("Create of a sparse 8 MiB file on a 4 MiB device: %v", err)
	}
	b.Close()
}
