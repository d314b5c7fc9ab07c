package header

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/layout"
)

type npzArray struct {
	key  string
	h    Header
	data []byte
}

// npzArrays returns arrays of several dtypes, shapes and sizes, with data
// bytes that differ from member to member.
func npzArrays(t *testing.T) []npzArray {
	t.Helper()
	rec, err := layout.ParseDescr("[('x', '<i4'), ('y', '>f8'), ('s', '|S3')]")
	if err != nil {
		t.Fatal(err)
	}
	be, err := layout.ParseTypeString(">i4")
	if err != nil {
		t.Fatal(err)
	}
	hs := []struct {
		key string
		h   Header
	}{
		{"a", Header{DType: layout.Float64, Shape: []int{5}}},
		{"b", Header{DType: be, Shape: []int{2, 3}}},
		{"rec", Header{DType: rec, Shape: []int{3}}},
		{"zero_d", Header{DType: layout.Uint8}},
		{"empty", Header{DType: layout.Int16, Shape: []int{3, 0}}},
		{"odd", Header{DType: layout.Uint8, Shape: []int{7}}},
		{"fortran", Header{DType: layout.Float32, Shape: []int{2, 3}, FortranOrder: true}},
		{"big", Header{DType: layout.Uint16, Shape: []int{100000}}},
	}
	var out []npzArray
	for i, x := range hs {
		data := make([]byte, x.h.DataSize())
		for j := range data {
			data[j] = byte(i*31 + j*7 + j/251)
		}
		out = append(out, npzArray{x.key, x.h, data})
	}
	return out
}

func writeNPZ(t *testing.T, opts NPZOptions, arrays []npzArray) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := NewNPZWriter(&buf, opts)
	for _, a := range arrays {
		w, err := z.Create(a.key, a.h)
		if err != nil {
			t.Fatalf("Create(%q): %v", a.key, err)
		}
		// Several writes, to exercise the member's byte count.
		for p := a.data; len(p) > 0; {
			n := min(len(p), 1000)
			if _, err := w.Write(p[:n]); err != nil {
				t.Fatalf("Write to %q: %v", a.key, err)
			}
			p = p[n:]
		}
	}
	if err := z.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

var npzOptionTests = []NPZOptions{
	{},
	{Compress: true},
	{Compress: true, Level: 1},
	{Align: 64},
	{Align: 4096},
	{Align: 8},
}

// What NPZWriter writes, ReadArchive lists with the same headers, in the
// same order, and Member.Open gives back the same bytes.
func TestNPZWriterRoundTrip(t *testing.T) {
	arrays := npzArrays(t)
	for _, opts := range npzOptionTests {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			b := writeNPZ(t, opts, arrays)
			arch, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("ReadArchive: %v", err)
			}
			if len(arch.Members) != len(arrays) {
				t.Fatalf("%d members, want %d", len(arch.Members), len(arrays))
			}
			for i, a := range arrays {
				m := arch.Members[i]
				if m.Name != a.key+".npy" {
					t.Errorf("member %d is %q, want %q", i, m.Name, a.key+".npy")
				}
				wantMethod := zip.Store
				if opts.Compress {
					wantMethod = zip.Deflate
				}
				if m.Method != wantMethod {
					t.Errorf("%s: method %d, want %d", m.Name, m.Method, wantMethod)
				}
				got := *m.Header
				want := a.h
				want.Version, want.DataOffset = V1, got.DataOffset
				if !cmp.Equal(got, want, emptyShape) {
					t.Errorf("%s: header %+v, want %+v", m.Name, got, want)
				}
				if opts.Align > 1 && !opts.Compress && m.DataOffset%int64(opts.Align) != 0 {
					t.Errorf("%s: data at byte %d, not a multiple of %d", m.Name, m.DataOffset, opts.Align)
				}
				if opts.Align <= 1 {
					// Unpadded members hold exactly the header NumPy writes.
					enc, err := Encode(a.h)
					if err != nil {
						t.Fatal(err)
					}
					if got.DataOffset != int64(len(enc)) {
						t.Errorf("%s: header is %d bytes, want %d", m.Name, got.DataOffset, len(enc))
					}
				}
				rc, err := m.Open()
				if err != nil {
					t.Fatal(err)
				}
				all, err := io.ReadAll(rc)
				if err != nil {
					t.Fatalf("%s: reading: %v", m.Name, err)
				}
				if !bytes.Equal(all[got.DataOffset:], a.data) {
					t.Errorf("%s: data differs", m.Name)
				}
			}
		})
	}
}

// An archive with no members is the 22-byte end record np.savez writes for
// no arrays.
func TestNPZWriterEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := NewNPZWriter(&buf, NPZOptions{}).Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 22 {
		t.Errorf("empty archive is %d bytes, want 22", buf.Len())
	}
}

func TestNPZWriterErrors(t *testing.T) {
	h := Header{DType: layout.Float64, Shape: []int{2}}

	t.Run("short", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{})
		w, err := z.Create("a", h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(make([]byte, 15))
		if _, err := z.Create("b", h); !errors.Is(err, ErrMemberSize) {
			t.Errorf("Create after a short member: %v, want ErrMemberSize", err)
		}
		if err := z.Close(); !errors.Is(err, ErrMemberSize) {
			t.Errorf("Close after a short member: %v, want ErrMemberSize", err)
		}
	})
	t.Run("short last", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{Compress: true})
		if _, err := z.Create("a", h); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); !errors.Is(err, ErrMemberSize) {
			t.Errorf("Close: %v, want ErrMemberSize", err)
		}
		if err := z.Close(); !errors.Is(err, ErrMemberSize) {
			t.Errorf("second Close: %v, want ErrMemberSize", err)
		}
	})
	t.Run("long", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{})
		w, err := z.Create("a", h)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.Write(make([]byte, 17)); n != 0 || !errors.Is(err, ErrMemberSize) {
			t.Errorf("Write of 17 bytes into 16 = %d, %v; want 0, ErrMemberSize", n, err)
		}
		w.Write(make([]byte, 16))
		if err := z.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if _, err := w.Write([]byte{1}); err == nil {
			t.Error("Write after Close succeeded")
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{})
		w, _ := z.Create("a", h)
		w.Write(make([]byte, 16))
		if _, err := z.Create("a", h); err == nil {
			t.Error("second member \"a\" accepted")
		}
		if err := z.Close(); err != nil {
			t.Errorf("Close after a refused duplicate: %v", err)
		}
	})
	t.Run("bad header", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{})
		if _, err := z.Create("a", Header{DType: layout.Float64, Shape: []int{-1}}); err == nil {
			t.Error("negative dimension accepted")
		}
		if err := z.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		z := NewNPZWriter(io.Discard, NPZOptions{})
		z.Close()
		if _, err := z.Create("a", h); err == nil {
			t.Error("Create after Close succeeded")
		}
	})
	for _, opts := range []NPZOptions{{Align: 3}, {Align: -1}, {Align: 8192}, {Level: 10}, {Level: -2}} {
		t.Run(fmt.Sprintf("panic %+v", opts), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewNPZWriter(%+v) did not panic", opts)
				}
			}()
			NewNPZWriter(io.Discard, opts)
		})
	}
}

// Alignment padding that would take a version 1.0 header past 65535 bytes
// makes it version 2.0, unless 1.0 was asked for.
func TestNPZWriterAlignLongHeader(t *testing.T) {
	var h Header
	for extra := 0; ; extra++ {
		fields := make([]layout.Field, 0, 3441)
		for i := range 3440 {
			fields = append(fields, layout.Field{Name: fmt.Sprintf("f%05d", i), Offset: i, Type: layout.Uint8})
		}
		fields = append(fields, layout.Field{Name: fmt.Sprintf("%0*d", extra+10, 0), Offset: 3440, Type: layout.Uint8})
		dt, err := layout.StructOf(fields, 3441)
		if err != nil {
			t.Fatal(err)
		}
		h = Header{DType: dt, Shape: []int{1}}
		b, err := Encode(h)
		if err != nil {
			t.Fatal(err)
		}
		if b[6] == 1 && len(b) > 65535+10-64 {
			break
		}
	}
	var buf bytes.Buffer
	z := NewNPZWriter(&buf, NPZOptions{Align: 4096})
	w, err := z.Create("r", h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, h.DataSize()))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	arch, err := NPY{MaxHeaderLen: 1 << 20}.ReadArchive(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := arch.Members[0].Header
	if got.Version != V2 || arch.Members[0].DataOffset%4096 != 0 {
		t.Errorf("version %s, data at %d; want 2.0 at a multiple of 4096", got.Version, arch.Members[0].DataOffset)
	}

	h.Version = V1
	z = NewNPZWriter(io.Discard, NPZOptions{Align: 4096})
	if _, err := z.Create("r", h); !errors.Is(err, ErrVersion) {
		t.Errorf("version 1.0 forced: %v, want ErrVersion", err)
	}
}

// numpyNPZCheck loads every member of each archive with np.load and checks
// the zip with Python's zipfile, CRCs included; it prints, per archive, the
// members' names, dtypes, shapes, orders and data bytes in hex.
const numpyNPZCheck = `
import json, sys, zipfile
import numpy as np
out = []
for p in sys.argv[1:]:
    with zipfile.ZipFile(p) as zf:
        assert zf.testzip() is None, p
    res = []
    with np.load(p) as z:
        for k in z.files:
            a = z[k]
            res.append({'key': k, 'descr': a.dtype.str if a.dtype.names is None else repr(a.dtype.descr),
                        'shape': list(a.shape), 'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                        'data': a.tobytes(order='F' if a.flags.f_contiguous and not a.flags.c_contiguous else 'C').hex()})
    out.append(res)
json.dump(out, sys.stdout)
`

// NumPy and Python's zipfile read every kind of archive NPZWriter writes,
// with the members in order and the same bytes.
func TestNPZWriterNumPy(t *testing.T) {
	py := requireNumPy(t)
	arrays := npzArrays(t)
	dir := t.TempDir()
	var paths []string
	for i, opts := range npzOptionTests {
		p := filepath.Join(dir, fmt.Sprintf("z%d.npz", i))
		if err := os.WriteFile(p, writeNPZ(t, opts, arrays), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command(py, append([]string{"-c", numpyNPZCheck}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("NumPy could not load our archives: %v\n%s", err, stderr.Bytes())
	}
	var got [][]struct {
		Key, Descr, Data string
		Shape            []int
		Fortran          bool
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, opts := range npzOptionTests {
		if len(got[i]) != len(arrays) {
			t.Fatalf("%+v: NumPy lists %d members, want %d", opts, len(got[i]), len(arrays))
		}
		for j, a := range arrays {
			g := got[i][j]
			want := a.h.DType.TypeString()
			if a.h.DType.Kind == layout.Struct {
				want, _ = a.h.DType.Descr()
			}
			if g.Key != a.key || g.Descr != want || !cmp.Equal(g.Shape, a.h.Shape, emptyShape) ||
				g.Fortran != a.h.FortranOrder || g.Data != fmt.Sprintf("%x", a.data) {
				t.Errorf("%+v: member %d: NumPy read %s %s %v fortran=%v, want %s %s %v fortran=%v (or data differs)",
					opts, j, g.Key, g.Descr, g.Shape, g.Fortran, a.key, want, a.h.Shape, a.h.FortranOrder)
			}
		}
	}
}

// sparseSink keeps the non-zero 64 KiB blocks written to it, so that an
// archive of gigabytes of zeros costs little memory, and reads back as
// an io.ReaderAt.
type sparseSink struct {
	blocks map[int64][]byte
	n      int64
}

const sinkBlock = 1 << 16

var zeroBlock = make([]byte, sinkBlock)

func (s *sparseSink) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		bi, bo := s.n/sinkBlock, int(s.n%sinkBlock)
		k := min(len(p), sinkBlock-bo)
		if !bytes.Equal(p[:k], zeroBlock[:k]) || s.blocks[bi] != nil {
			b := s.blocks[bi]
			if b == nil {
				b = make([]byte, sinkBlock)
				s.blocks[bi] = b
			}
			copy(b[bo:], p[:k])
		}
		s.n += int64(k)
		p = p[k:]
	}
	return n, nil
}

func (s *sparseSink) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < s.n {
		bi, bo := off/sinkBlock, int(off%sinkBlock)
		k := min(len(p)-n, sinkBlock-bo, int(s.n-off))
		if b := s.blocks[bi]; b != nil {
			copy(p[n:n+k], b[bo:])
		} else {
			clear(p[n : n+k])
		}
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// A stored member of more than 4 GiB, after another member, makes a zip64
// archive: its size and the next member's offset need 64 bits.
func TestNPZWriterZip64(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 4 GiB through the zip writer")
	}
	big := Header{DType: layout.Uint8, Shape: []int{1<<16 + 1, 1<<16 + 1}} // 4 GiB and 128 KiB
	small := Header{DType: layout.Int32, Shape: []int{3}}
	s := &sparseSink{blocks: map[int64][]byte{}}
	z := NewNPZWriter(s, NPZOptions{Align: 64})
	w, err := z.Create("small", small)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0})
	if w, err = z.Create("big", big); err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for left := big.DataSize(); left > 0; {
		k := min(left, int64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			t.Fatal(err)
		}
		left -= k
	}
	if w, err = z.Create("after", small); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0})
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	arch, err := ReadArchive(s, s.n)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range arch.Members {
		names = append(names, m.Name)
		if m.DataOffset%64 != 0 {
			t.Errorf("%s: data at %d, not 64-aligned", m.Name, m.DataOffset)
		}
	}
	if want := []string{"small.npy", "big.npy", "after.npy"}; !cmp.Equal(names, want) {
		t.Fatalf("members %v, want %v", names, want)
	}
	bm := arch.Members[1]
	if got, want := bm.UncompressedSize, bm.Header.DataOffset+big.DataSize(); got != want || got < 1<<32 {
		t.Errorf("big member is %d bytes, want %d", got, want)
	}
	after := arch.Members[2]
	if after.Offset <= 1<<32 {
		t.Errorf("last member at %d, want past 4 GiB", after.Offset)
	}
	p := make([]byte, 12)
	s.ReadAt(p, after.DataOffset)
	if !bytes.Equal(p, []byte{4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0}) {
		t.Errorf("last member's data %v", p)
	}
}
