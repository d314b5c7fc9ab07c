package array

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// An archive with members that cannot be read opens, lists every member,
// and opens the others, as np.load does; each unreadable member gives its
// reason.
func TestArchivePartial(t *testing.T) {
	for _, file := range []string{"npz/partial.npz", "npz/partial_compressed.npz"} {
		z, err := OpenArchive(fixture(file), mmap.ReadOnly)
		if err != nil {
			t.Fatalf("OpenArchive(%s): %v", file, err)
		}
		if got := z.Keys(); !cmp.Equal(got, []string{"ok", "obj", "longdouble", "wide", "after"}) {
			t.Errorf("%s: Keys = %q", file, got)
		}
		for _, load := range []bool{false, true} {
			var data []int32
			if load {
				data, _, err = LoadMember[int32](z, "ok")
			} else {
				var a *Array[int32]
				if a, err = OpenMember[int32](z, "ok"); err == nil {
					data = make([]int32, a.Size())
					a.CopyTo(data)
					a.Close()
				}
			}
			if err != nil || !cmp.Equal(data, []int32{0, 3, 6, 9, 12}) {
				t.Errorf("%s: ok = %v, %v", file, data, err)
			}
		}
		for _, tt := range []struct {
			key string
			is  error
		}{
			{"obj", layout.ErrUnsupported},
			{"longdouble", layout.ErrUnsupported},
			{"wide", header.ErrTooLong},
		} {
			_, err := OpenMemberFile(z, tt.key)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), filepath.FromSlash(file)) || !strings.Contains(err.Error(), tt.key+".npy") {
				t.Errorf("%s: OpenMemberFile(%q) = %v, want an error wrapping %v naming the file and member", file, tt.key, err, tt.is)
			}
			if _, _, err := LoadMember[uint8](z, tt.key); !errors.Is(err, tt.is) {
				t.Errorf("%s: LoadMember(%q) = %v, want %v", file, tt.key, err, tt.is)
			}
		}
		z.Close()
		// With the limit raised, the wide member is read.
		z, err = OpenArchive(fixture(file), mmap.ReadOnly, MaxHeaderLen(1<<20))
		if err != nil {
			t.Fatal(err)
		}
		if f, err := OpenMemberFile(z, "wide"); err != nil || len(f.Header().DType.Fields) != 1000 {
			t.Errorf("%s: wide with MaxHeaderLen: %v", file, err)
		} else {
			f.Close()
		}
		z.Close()
	}
}

// Every read of a member's whole bytes checks its CRC-32; a stored member
// mapped in place is checked only when asked.
func TestArchiveChecksums(t *testing.T) {
	for _, file := range []string{"npz/crc_stored.npz", "npz/crc_deflated.npz"} {
		z, err := OpenArchive(fixture(file), mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadMember[uint16](z, "x"); !errors.Is(err, header.ErrChecksum) || !strings.Contains(err.Error(), filepath.FromSlash(file)) {
			t.Errorf("%s: LoadMember(x) = %v, want ErrChecksum", file, err)
		}
		if _, err := OpenMember[uint16](z, "x", VerifyChecksum()); !errors.Is(err, header.ErrChecksum) {
			t.Errorf("%s: OpenMember(x, VerifyChecksum()) = %v, want ErrChecksum", file, err)
		}
		a, err := OpenMember[uint16](z, "x")
		if strings.Contains(file, "stored") {
			if err != nil {
				t.Errorf("%s: mapping x without VerifyChecksum: %v", file, err)
			} else {
				a.Close()
			}
		} else if !errors.Is(err, header.ErrChecksum) {
			t.Errorf("%s: inflating x = %v, want ErrChecksum", file, err)
		}
		for _, opts := range [][]Option{nil, {VerifyChecksum()}} {
			b, err := OpenMember[bool](z, "y", opts...)
			if err != nil {
				t.Errorf("%s: y: %v", file, err)
				continue
			}
			b.Close()
		}
		if data, _, err := LoadMember[bool](z, "y"); err != nil || !cmp.Equal(data, []bool{true, false}) {
			t.Errorf("%s: LoadMember(y) = %v, %v", file, data, err)
		}
		z.Close()
	}
	// Checked through the mapping, the intact members of other archives
	// pass too.
	for _, file := range []string{"npz/savez.npz", "npz/descriptors.npz", "npz/slash.npz"} {
		z, err := OpenArchive(fixture(file), mmap.ReadOnly, VerifyChecksum())
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range z.Keys() {
			if key == "notes.txt" {
				continue
			}
			f, err := OpenMemberFile(z, key)
			if err != nil {
				t.Errorf("%s:%s: %v", file, key, err)
				continue
			}
			f.Close()
		}
		z.Close()
	}
}

// A member whose bytes change after the listing fails its check when
// verified through its mapping, and when loaded.
func TestArchiveChecksumAfterListing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.npz")
	b, err := os.ReadFile(fixture("npz/savez.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	z, err := OpenArchive(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The last byte of the archive's first member, x.npy, is its data.
	zr, err := header.ReadArchive(f, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	m := zr.Members[0]
	if _, err := f.WriteAt([]byte{b[m.Offset+m.CompressedSize-1] ^ 1}, m.Offset+m.CompressedSize-1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	key := strings.TrimSuffix(m.Name, ".npy")
	if _, err := OpenMemberFile(z, key, VerifyChecksum()); !errors.Is(err, header.ErrChecksum) {
		t.Errorf("verified through the mapping: %v, want ErrChecksum", err)
	}
	if _, _, err := LoadMember[float32](z, key); !errors.Is(err, header.ErrChecksum) {
		t.Errorf("loaded: %v, want ErrChecksum", err)
	}
}

// Of a name written twice the last is read; names with a slash are keys.
func TestArchiveNames(t *testing.T) {
	z, err := OpenArchive(fixture("npz/duplicate.npz"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if got := z.Keys(); !cmp.Equal(got, []string{"b", "a"}) {
		t.Errorf("Keys = %q, want each name once, the last a in its place", got)
	}
	if data, _, err := LoadMember[float32](z, "a"); err != nil || !cmp.Equal(data, []float32{-7.5}) {
		t.Errorf("LoadMember(a) = %v, %v; want the last a", data, err)
	}
	z.Close()
	z, err = OpenArchive(fixture("npz/slash.npz"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if data, _, err := LoadMember[int16](z, "dir/x"); err != nil || !cmp.Equal(data, []int16{0, 1, 2}) {
		t.Errorf("LoadMember(dir/x) = %v, %v", data, err)
	}
}

// Text keeps a lone surrogate as its WTF-8 bytes and SetText writes it back.
func TestTextSurrogate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.npy")
	b, err := os.ReadFile(fixture("npy/U_surrogate.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := f.Items()
	if got := u.Text(0); got != "a\xed\xa0\x85b" {
		t.Errorf("Text(0) = %q, want a, U+D805 in WTF-8, b", got)
	}
	for i := range u.Len() {
		before := string(u.Bytes(i))
		if err := u.SetText(u.Text(i), i); err != nil || string(u.Bytes(i)) != before {
			t.Errorf("SetText(Text(%d)) = %v, changed % x to % x", i, err, before, u.Bytes(i))
		}
	}
	if err := u.SetText("abcd", 0); err == nil || !strings.HasPrefix(err.Error(), "array: ") {
		t.Errorf("SetText of 4 code points into U3: %v", err)
	}
}
