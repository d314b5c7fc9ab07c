package array

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
	"github.com/ndmap/ndmap/mmap"
)

// Archive is an open .npz archive, as np.load returns for one: its listing is
// read once, and each array is then opened by key with [OpenMember] or
// [OpenMemberFile] without reading anything else again.
//
// A member opened from an Archive stays open after the Archive is closed,
// until it is closed itself. The methods of an Archive, and the functions
// that open its members, may be called from several goroutines at once;
// after Close they return an error wrapping [ErrClosed].
type Archive struct {
	path   string
	mode   mmap.Mode
	opts   options
	file   *sharedFile
	list   *header.Archive
	byName map[string]*header.Member
	closed atomic.Bool
}

// OpenArchive opens the .npz archive at path, as np.load does, and reads its
// listing: the name, size and .npy header of every member. Members are later
// mapped in the given mode, which may be ReadOnly or CopyOnWrite: writing
// into an archive in place would leave its checksums wrong, so ReadWrite is
// refused.
func OpenArchive(path string, mode mmap.Mode, opts ...Option) (*Archive, error) {
	if mode == mmap.ReadWrite {
		return nil, fmt.Errorf("array: %s: an archive cannot be opened ReadWrite, which would leave its checksums wrong; use CopyOnWrite", path)
	}
	o := makeOptions(opts)
	osf, err := openOS(path, mode)
	if err != nil {
		return nil, err
	}
	size, err := osfile.Size(osf)
	if err != nil {
		osf.Close()
		return nil, err
	}
	list, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.ReadArchive(osf, size)
	if err != nil {
		osf.Close()
		return nil, pathError("open", path, err)
	}
	z := &Archive{path: path, mode: mode, opts: o, file: newShared(osf), list: list,
		byName: make(map[string]*header.Member, len(list.Members))}
	for _, m := range list.Members {
		z.byName[m.Name] = m
	}
	return z, nil
}

// memberKey returns the key np.load gives a member: its name without ".npy".
func memberKey(name string) string { return strings.TrimSuffix(name, ".npy") }

// Keys returns the keys of the archive's members in archive order, as
// np.load(...).files gives them: "x" for the member x.npy, "dir/x" for
// dir/x.npy. Members that are not .npy files keep their whole name. A name
// written twice is listed once, where its last file is: that is the one
// np.load reads, and OpenMember too. Members that cannot be read are
// listed; opening one gives the reason.
func (z *Archive) Keys() []string {
	keys := make([]string, len(z.list.Members))
	for i, m := range z.list.Members {
		keys[i] = memberKey(m.Name)
	}
	return keys
}

// Close closes the archive. Members opened from it stay open. Closing twice
// does nothing.
func (z *Archive) Close() error {
	if z.closed.Swap(true) {
		return nil
	}
	return z.file.release()
}

// lookup finds the member of key as np.load does: the name itself, then
// the name with ".npy" added. A missing key's error lists the keys there are.
func (z *Archive) lookup(key string) (*header.Member, error) {
	if m, ok := z.byName[key]; ok {
		return m, nil
	}
	if m, ok := z.byName[key+".npy"]; ok {
		return m, nil
	}
	return nil, &detailError{
		msg:  fmt.Sprintf("array: %s: no key %q; the archive holds %s", z.path, key, listKeys(z.Keys())),
		errs: []error{fs.ErrNotExist},
	}
}

// listKeys writes up to five keys, then how many there are in all.
func listKeys(keys []string) string {
	const few = 5
	switch {
	case len(keys) == 0:
		return "no keys"
	case len(keys) <= few:
		return strings.Join(keys, ", ")
	}
	return strings.Join(keys[:few], ", ") + ", ... (" + strconv.Itoa(len(keys)) + " keys)"
}

// OpenMemberFile opens the array of the archive z named key, of any dtype.
// A stored member (np.savez) is mapped in place in the archive's mode; its
// data is usually not aligned, so typed reads take the slower exact path,
// unless the archive was written with aligned members, as [SaveArchive]
// writes them. Mapping reads nothing, so the member's CRC-32 is checked
// only with [VerifyChecksum]. A deflated member (np.savez_compressed) is
// inflated into memory, up to 1 GiB unless [MaxInflated] says otherwise,
// and its CRC-32 checked. Options given here add to those given to
// [OpenArchive].
//
// A key that is not in the archive gives an error wrapping fs.ErrNotExist
// that lists the keys. A member that cannot be read (an object array, a
// long double, a header over the limit, a damaged member: see
// [header.Member].Err) gives an error wrapping its reason; the other
// members of the archive open as usual, as np.load reads them.
func OpenMemberFile(z *Archive, key string, opts ...Option) (*File, error) {
	return openMember(z, key, false, opts)
}

// openMember opens a member, mapping a stored one unless inMemory asks for
// its bytes to be read instead, as loading one member does more quickly.
func openMember(z *Archive, key string, inMemory bool, opts []Option) (*File, error) {
	o := z.opts
	for _, opt := range opts {
		opt(&o)
	}
	if z.closed.Load() {
		return nil, fmt.Errorf("%w: %s", ErrClosed, z.path)
	}
	mem, err := z.lookup(key)
	if err != nil {
		return nil, err
	}
	if mem.Err != nil {
		return nil, pathError("open", z.path, mem.Err)
	}
	if mem.Header == nil {
		return nil, fmt.Errorf("array: %s: member %q is not a .npy array", z.path, mem.Name)
	}
	f := &File{path: z.path, member: mem.Name, hdr: *mem.Header, writable: z.mode != mmap.ReadOnly}
	if !z.file.acquire() {
		return nil, fmt.Errorf("%w: %s", ErrClosed, z.path)
	}
	if mem.Method != zip.Store {
		defer z.file.release()
		f.data, err = inflate(f.name(), mem, o)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	// A stored member's data lies in the archive as it is: its header says
	// where, as for a .npy file.
	f.hdr.DataOffset = storedData(mem)
	if inMemory {
		defer z.file.release()
		f.data, err = readStored(f.name(), z.file.f, mem)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	if o.verify {
		if err := verifyMapped(f.name(), z.file.f, mem); err != nil {
			z.file.release()
			return nil, err
		}
	}
	m, err := mmap.MapRegion(z.file.f, z.mode, storedData(mem), f.hdr.DataSize())
	if err != nil {
		z.file.release()
		return nil, err
	}
	f.m, f.os, f.data = m, z.file, m.Bytes()
	return f, nil
}

// OpenMember opens the array of the archive z named key as an array of T;
// see [OpenMemberFile]. T must match the member's dtype as for [Open].
func OpenMember[T Element](z *Archive, key string, opts ...Option) (*Array[T], error) {
	return typedOrClose[T](OpenMemberFile(z, key, opts...))
}

// LoadMember reads the array of the archive z named key into memory, as
// np.load(path)[key] does, and returns its elements in C order with its
// shape; see [Load].
func LoadMember[T Element](z *Archive, key string, opts ...Option) ([]T, []int, error) {
	a, err := typedOrClose[T](openMember(z, key, true, opts))
	if err != nil {
		return nil, nil, err
	}
	return readAll(a)
}

// The functions below are the only ones that know how header.Member
// locates a member's data, so that a change there is made here alone.

// storedData returns the offset in the archive of a stored member's array data.
func storedData(mem *header.Member) int64 { return mem.DataOffset }

// readStored reads the whole of a stored member, header and all, checks its
// CRC-32, and returns its array data.
func readStored(name string, f *os.File, mem *header.Member) ([]byte, error) {
	buf := make([]byte, mem.UncompressedSize)
	if _, err := f.ReadAt(buf, mem.Offset); err != nil {
		return nil, pathError("read", name, err)
	}
	if err := mem.VerifyBytes(buf); err != nil {
		return nil, pathError("read", name, err)
	}
	start := mem.DataOffset - mem.Offset
	return buf[start : start+mem.Header.DataSize()], nil
}

// verifyMapped checks the CRC-32 of a stored member through a mapping of
// all of it, which is unmapped again: a fault on its pages (the file
// shrank) is an error, not a crash.
func verifyMapped(name string, f *os.File, mem *header.Member) error {
	m, err := mmap.MapRegion(f, mmap.ReadOnly, mem.Offset, mem.UncompressedSize)
	if err != nil {
		return err
	}
	defer m.Close()
	m.Advise(mmap.Sequential, 0, int64(m.Len()))
	err = m.Guard(func(b []byte) error { return mem.VerifyBytes(b) })
	if err != nil {
		return pathError("read", name, err)
	}
	return nil
}

// inflate returns the array data of a deflated member, checked against the
// header the listing read from the start of the same member. The member is
// inflated to its end, which checks its size and CRC-32.
func inflate(name string, mem *header.Member, o options) ([]byte, error) {
	hdr := mem.Header // offsets relative to the start of the inflated member
	if mem.UncompressedSize > o.maxInflated {
		return nil, fmt.Errorf("array: %s inflates to %d bytes, over the limit of %d (see MaxInflated)", name, mem.UncompressedSize, o.maxInflated)
	}
	end := hdr.DataOffset + hdr.DataSize()
	if end > mem.UncompressedSize {
		return nil, fmt.Errorf("array: %s: data needs %d bytes, member has %d", name, end, mem.UncompressedSize)
	}
	rc, err := mem.Open()
	if err != nil {
		return nil, pathError("open", name, err)
	}
	defer rc.Close()
	buf := make([]byte, mem.UncompressedSize)
	if _, err := io.ReadFull(rc, buf); err != nil {
		return nil, pathError("read", name, err)
	}
	// The checksum is compared when the reader comes to the end.
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("array: %s: more than the %d bytes the archive says", name, mem.UncompressedSize)
		}
		return nil, pathError("read", name, err)
	}
	h2, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.Describe(bytes.NewReader(buf), int64(len(buf)))
	if err != nil || h2.DataOffset != hdr.DataOffset {
		return nil, fmt.Errorf("array: %s: header changed while inflating", name)
	}
	return buf[hdr.DataOffset:end], nil
}
