package array

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/ndmap/ndmap/internal/osfile"
)

// Every function that makes a file by its path (the Create and Save
// functions) makes it apart from its name and gives it the name only once
// it is what the function promises — a complete file for Save, a .npy file
// of the full shape for Create — so that a killed process or a failure
// leaves either the old file or the new one at the path, never part of
// one. On Linux the file is made unnamed (O_TMPFILE) and linked into place,
// so a killed process leaves nothing behind; elsewhere, and on file
// systems without unnamed files, it is made under a name that starts with
// the target's and ends in ".tmp" and random letters, in the same
// directory, and renamed into place.

// tmpMarker is in the names of the files being made, to recognise them.
const tmpMarker = ".tmp"

// target is where a new file goes.
type target struct {
	path string      // as the caller gave it, for messages
	real string      // the path with symbolic links followed: the name the file takes
	mode fs.FileMode // of the file being replaced, for the new one to keep
	old  bool        // a file exists at real
}

// resolveTarget follows path through symbolic links, as opening it would,
// to the name the new file takes: the file a link points to is replaced,
// and the link stays, as np.save writes through a link. A link to nothing
// makes the file it names. The new file keeps the mode of the one it
// replaces; a new one gets 0666 less the umask, as os.Create gives. A path
// that names something other than a regular file (a directory, a named
// pipe, a device) is refused: replacing it would not write to it.
func resolveTarget(path string) (target, error) {
	t := target{path: path, real: path}
	for range 255 {
		st, err := os.Lstat(t.real)
		if errors.Is(err, fs.ErrNotExist) {
			return t, nil
		}
		if err != nil {
			return t, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			if err := osfile.Check(path, st); err != nil {
				return t, err
			}
			t.mode, t.old = st.Mode(), true
			return t, nil
		}
		dest, err := os.Readlink(t.real)
		if err != nil {
			return t, err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(t.real), dest)
		}
		t.real = dest
	}
	return t, &fs.PathError{Op: "open", Path: path, Err: errors.New("too many levels of symbolic links")}
}

// newFile is a file being made for a target.
type newFile struct {
	*os.File
	t    target
	name string // its temporary name, or "" while it is unnamed
}

// createNew makes the file for t, empty and open for reading and writing.
func createNew(t target) (*newFile, error) {
	perm := fs.FileMode(0o666) // less the umask, as os.Create gives
	f, err := openUnnamed(filepath.Dir(t.real), t.path, perm)
	n := &newFile{File: f, t: t}
	if f == nil {
		if err != nil {
			return nil, err
		}
		if n.File, n.name, err = openTempName(t.real, perm); err != nil {
			return nil, err
		}
	}
	if t.old && runtime.GOOS != "windows" {
		// The mode of the file replaced, exactly: the umask applies to new
		// files only.
		if err := n.Chmod(t.mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
			n.abort()
			return nil, err
		}
	}
	return n, nil
}

// openTempName creates a new file beside path under a name of its own.
func openTempName(path string, perm fs.FileMode) (*os.File, string, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		var r [6]byte
		rand.Read(r[:])
		name := filepath.Join(dir, "."+base+tmpMarker+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, name, err
		}
	}
	return nil, "", fmt.Errorf("array: cannot create a temporary file beside %s", path)
}

// commit gives the file its target's name, replacing what was there, and
// leaves it open.
func (n *newFile) commit() error {
	if n.name == "" {
		err := linkUnnamed(n.File, n.t.real)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		// A link cannot replace a file: link under a name of its own, then
		// rename over the target.
		name, err := linkTempName(n.File, n.t.real)
		if err != nil {
			return err
		}
		n.name = name
	}
	if runtime.GOOS == "windows" {
		return n.renameClosed()
	}
	if err := os.Rename(n.name, n.t.real); err != nil {
		return err
	}
	n.name = ""
	return nil
}

// renameClosed renames the file into place closed, then opens it again:
// Windows renames no file that is open, as Go opens files without
// FILE_SHARE_DELETE.
func (n *newFile) renameClosed() error {
	if err := n.File.Close(); err != nil {
		return err
	}
	if err := os.Rename(n.name, n.t.real); err != nil {
		return err
	}
	n.name = ""
	f, err := os.OpenFile(n.t.real, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	n.File = f
	return nil
}

// linkTempName links an unnamed file under a new temporary name beside
// path and returns the name.
func linkTempName(f *os.File, path string) (string, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		var r [6]byte
		rand.Read(r[:])
		name := filepath.Join(dir, "."+base+tmpMarker+hex.EncodeToString(r[:]))
		err := linkUnnamed(f, name)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", fmt.Errorf("array: cannot link a temporary file beside %s", path)
}

// abort closes the file and removes it if it has a name of its own.
func (n *newFile) abort() {
	n.Close()
	if n.name != "" {
		os.Remove(n.name)
	}
}

// Write writes to the file, and names the target, not the file's own
// temporary name, in its errors.
func (n *newFile) Write(p []byte) (int, error) {
	k, err := n.File.Write(p)
	return k, n.named(err)
}

// named returns err, from an operation on the file, naming the target.
func (n *newFile) named(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path != n.t.path {
		return &fs.PathError{Op: pe.Op, Path: n.t.path, Err: pe.Err}
	}
	return err
}

// syncDir makes a rename in dir durable where the system allows it; it is
// best effort, as Windows cannot sync a directory.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
