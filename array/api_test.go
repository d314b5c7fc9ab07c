package array

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// manyKeys writes an archive of n small members k0000, k0001, ..., stored or
// compressed, and returns its path.
func manyKeys(t testing.TB, n int, opts ...Option) string {
	t.Helper()
	members := map[string]Data{}
	for i := range n {
		members[fmt.Sprintf("k%04d", i)] = FromSlice([]int32{int32(i), int32(2 * i)})
	}
	path := filepath.Join(t.TempDir(), "many.npz")
	if err := SaveArchive(path, members, opts...); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestArchive(t *testing.T) {
	for _, compress := range []bool{false, true} {
		var opts []Option
		if compress {
			opts = append(opts, Compress())
		}
		path := manyKeys(t, 300, opts...)
		z, err := OpenArchive(path, mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		keys := z.Keys()
		if len(keys) != 300 || keys[0] != "k0000" || keys[299] != "k0299" {
			t.Fatalf("compress=%v: Keys = %d keys from %q", compress, len(keys), keys[0])
		}
		for i, key := range keys {
			data, shape, err := LoadMember[int32](z, key)
			if err != nil || !cmp.Equal(data, []int32{int32(i), int32(2 * i)}) || !cmp.Equal(shape, []int{2}) {
				t.Fatalf("compress=%v: LoadMember(%q) = %v %v, %v", compress, key, data, shape, err)
			}
		}
		// A missing key names a few keys and how many there are.
		_, err = OpenMemberFile(z, "nope")
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), `"nope"`) ||
			!strings.Contains(err.Error(), "k0000, k0001, k0002, k0003, k0004, ... (300 keys)") {
			t.Errorf("missing key: %v", err)
		}
		// The wrong type says so.
		if _, err := OpenMember[float64](z, "k0001"); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "k0001") {
			t.Errorf("OpenMember[float64] of int32: %v", err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := OpenMemberFile(z, "k0000"); !errors.Is(err, ErrClosed) {
			t.Errorf("OpenMemberFile after Close: %v", err)
		}
	}
	if _, err := OpenArchive(fixture("npz/savez.npz"), mmap.ReadWrite); err == nil || !strings.Contains(err.Error(), "CopyOnWrite") {
		t.Errorf("ReadWrite archive: %v", err)
	}
	if _, err := OpenArchive(fixture("npy/frames.npy"), mmap.ReadOnly); !errors.Is(err, header.ErrFormat) {
		t.Errorf("a .npy file opened as an archive: %v", err)
	}
	// np.load's lookup: the name as stored first, then with ".npy".
	z, err := OpenArchive(fixture("npz/descriptors.npz"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if _, err := OpenMemberFile(z, "notes.txt"); err == nil || !strings.Contains(err.Error(), "not a .npy") {
		t.Errorf("non-npy member: %v", err)
	}
}

// A member mapped CopyOnWrite may be written; the archive is left as it was.
func TestArchiveCopyOnWrite(t *testing.T) {
	path := copyFixture(t, "npz/savez.npz")
	before, _ := os.ReadFile(path)
	z, err := OpenArchive(path, mmap.CopyOnWrite)
	if err != nil {
		t.Fatal(err)
	}
	x, err := OpenMember[float32](z, "x")
	if err != nil {
		t.Fatal(err)
	}
	z.Close()
	if err := x.Set(42, 0, 0); err != nil || x.At(0, 0) != 42 {
		t.Errorf("Set on a CopyOnWrite member: %v, At = %v", err, x.At(0, 0))
	}
	x.Close()
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a CopyOnWrite write reached the archive")
	}
}

// Members open and the archive closes from several goroutines at once; run
// with -race.
func TestArchiveConcurrent(t *testing.T) {
	path := manyKeys(t, 50)
	z, err := OpenArchive(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				f, err := OpenMemberFile(z, fmt.Sprintf("k%04d", (i+g)%50))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				v, _ := As[int32](f.Items())
				if v.At(0) != int32((i+g)%50) {
					t.Errorf("member %d reads %d", (i+g)%50, v.At(0))
				}
				f.Close()
			}
		}()
	}
	z.Close()
	wg.Wait()
}

// Opening an archive where a .npy file is expected says what to do.
func TestArchiveHint(t *testing.T) {
	path := fixture("npz/savez.npz")
	for name, open := range map[string]func() error{
		"Open":     func() error { _, err := Open[float32](path, mmap.ReadOnly); return err },
		"OpenFile": func() error { _, err := OpenFile(path, mmap.ReadOnly); return err },
		"Load":     func() error { _, _, err := Load[float32](path); return err },
	} {
		err := open()
		if !errors.Is(err, header.ErrFormat) || !strings.Contains(err.Error(), "OpenArchive") ||
			!strings.Contains(err.Error(), "keys: x, y") || !strings.Contains(err.Error(), "savez.npz") {
			t.Errorf("%s of an archive: %v", name, err)
		}
	}
}

// Errors keep one package prefix, and those about a path are
// *fs.PathError, as the os package's.
func TestErrorPrefix(t *testing.T) {
	_, err := OpenFile(filepath.Join(t.TempDir(), "missing.npy"), mmap.ReadOnly)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || strings.Count(err.Error(), ":") > 2 {
		t.Errorf("missing file: %v", err)
	}
	_, err = OpenFile(fixture("bad/bad_magic.npy"), mmap.ReadOnly)
	if !errors.As(err, &pe) || !errors.Is(err, header.ErrFormat) || strings.Contains(err.Error(), "array:") ||
		strings.Count(err.Error(), "header:") != 1 || !strings.HasPrefix(err.Error(), "open ") {
		t.Errorf("bad magic: %v", err)
	}
	_, err = Open[int64](fixture("npy/frames.npy"), mmap.ReadOnly)
	if !errors.Is(err, ErrType) || !errors.Is(err, layout.ErrMismatch) || strings.Contains(err.Error(), "layout:") {
		t.Errorf("type mismatch: %v", err)
	}
}

// Descriptions of raw files that cannot be right are errors naming the
// field, never panics.
func TestRawDescriptionErrors(t *testing.T) {
	frames := fixture("raw/frames.f32") // 240 bytes
	rec, err := layout.ParseDescr("[('rows', '<i4'), ('cols', '<i4'), ('name', '|S4'), ('pos', '<f4', (2,))]")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		d    header.Describer
		want string
	}{
		{"no dtype", header.Raw{}, "header.Raw.DType is not set"},
		{"negative offset", header.Raw{DType: layout.Float32, Offset: -1}, "header.Raw.Offset is -1"},
		{"two -1", header.Raw{DType: layout.Float32, Shape: []int{-1, -1}}, "more than one -1"},
		{"below -1", header.Raw{DType: layout.Float32, Shape: []int{-2, 3}}, "negative dimension"},
		{"-1 over nothing", header.Raw{DType: layout.Float32, Shape: []int{-1, 0}}, "hold no bytes"},
		{"rows", header.Raw{DType: layout.Float64, Shape: []int{-1, 7}}, "not a whole number of 56-byte rows"},
		{"inner axis", header.Raw{DType: layout.Float32, Shape: []int{7, -1}}, "28-byte slices along axis 1"},
		{"pointer", &header.Raw{DType: layout.Float32, Offset: -5}, "header.Raw.Offset is -5"},
		{"not a record", header.Record{Header: layout.Int32, DType: layout.Float32}, "header.Record.Header is int32, not a record"},
		{"no field", header.Record{Header: rec, Shape: []string{"rows", "depth"}, DType: layout.Float32}, `header.Record.Shape[1]: no field "depth"`},
		{"text field", header.Record{Header: rec, Shape: []string{"name"}, DType: layout.Float32}, `field "name" is S4, not a number`},
		{"sub-array field", header.Record{Header: rec, Shape: []string{"pos"}, DType: layout.Float32}, `field "pos" is not a scalar`},
		{"negative data offset", header.Record{Header: rec, DataOffset: -8, DType: layout.Float32}, "header.Record.DataOffset is -8"},
		{"record without dtype", header.Record{Header: rec}, "header.Record.DType is not set"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", tt.name, r)
				}
			}()
			f, err := OpenRawFile(frames, mmap.ReadOnly, tt.d)
			if err == nil {
				f.Close()
				t.Errorf("%s: opened", tt.name)
				return
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "frames.f32") {
				t.Errorf("%s: %v, want it to say %q", tt.name, err, tt.want)
			}
		}()
	}
	// Typed, the dtype comes from T and the byte order from the description.
	a, err := OpenRaw[int32](frames, mmap.ReadOnly, header.Raw{DType: layout.DType{Order: layout.BigEndian}, Shape: []int{-1, 4, 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if dt := a.Header().DType; dt.Kind != layout.Int || dt.Size != 4 || dt.Order != layout.BigEndian || !cmp.Equal(a.Shape(), []int{5, 4, 3}) {
		t.Errorf("typed raw: dtype %v, shape %v", dt, a.Shape())
	}
	// Creating takes the same checks.
	if _, err := CreateRawFile(filepath.Join(t.TempDir(), "x"), header.Raw{DType: layout.Int8, Offset: -3}, []int{2}); err == nil || !strings.Contains(err.Error(), "header.Raw.Offset") {
		t.Errorf("CreateRawFile with a negative offset: %v", err)
	}
	if _, err := CreateRaw[int8](filepath.Join(t.TempDir(), "x"), header.Raw{Shape: []int{3}}, []int{2}); err == nil || !strings.Contains(err.Error(), "does not agree") {
		t.Errorf("CreateRaw with a shape that disagrees: %v", err)
	}
}

// Save writes any view, strided or not, typed or not, atomically.
func TestSaveViews(t *testing.T) {
	dir := t.TempDir()
	m := FromSlice(iota64(60), 3, 4, 5)
	for name, d := range map[string]Data{
		"T":       m.T(),
		"column":  m.Slice(All, Idx(2), Idx(-1)),
		"reverse": m.Slice(All.By(-1), Range(1, 3)),
		"items":   m.items().Slice(Idx(1)),
	} {
		path := filepath.Join(dir, name+".npy")
		if err := Save(path, d); err != nil {
			t.Fatal(err)
		}
		u := d.items()
		want := make([]float64, u.Size())
		v, _ := As[float64](u)
		v.CopyTo(want)
		got, shape, err := Load[float64](path)
		if err != nil || !cmp.Equal(got, want) || !cmp.Equal(shape, u.Shape()) {
			t.Errorf("%s: Load = %v %v, %v; want %v %v", name, got, shape, err, want, u.Shape())
		}
	}
	// Records keep their dtype.
	db, err := OpenFile(fixture("npy/db.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, "db.npy")
	if err := Save(path, db.Items().Slice(All.By(2))); err != nil {
		t.Fatal(err)
	}
	g, err := OpenFile(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !g.Header().DType.Equal(db.Header().DType) || g.Items().Len() != 2 {
		t.Errorf("saved records: %v", g.Items())
	}
	names, _ := g.Items().Field("name")
	if names.Text(1) != "gamma" {
		t.Errorf("saved record 1 is %q", names.Text(1))
	}
}

func TestStrided(t *testing.T) {
	m := FromSlice(iota64(20), 4, 5)
	tests := []struct {
		name    string
		v       View[float64]
		off     int
		strides []int
	}{
		{"whole", m, 0, []int{5, 1}},
		{"block", m.Slice(Range(1, 3), Range(1, 4)), 0, []int{5, 1}},
		{"T", m.T(), 0, []int{1, 5}},
		{"reversed", m.Slice(All.By(-1), All.By(-2)), 19, []int{-5, -2}},
		{"column", m.Slice(All, Idx(3)), 0, []int{5}},
		{"one row", m.Slice(Range(2, 3)), 0, []int{5, 1}},
		{"0-d", m.Slice(Idx(2), Idx(2)), 0, []int{}},
	}
	for _, tt := range tests {
		data, off, strides, err := tt.v.Strided()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if off != tt.off || !cmp.Equal(strides, tt.strides) {
			t.Errorf("%s: offset %d strides %v, want %d %v", tt.name, off, strides, tt.off, tt.strides)
		}
		// Every element is where the strides say.
		want := make([]float64, tt.v.Size())
		tt.v.CopyTo(want)
		i := 0
		var walk func(k, at int)
		walk = func(k, at int) {
			if k == len(strides) {
				if data[at] != want[i] {
					t.Errorf("%s: element %d is %v, want %v", tt.name, i, data[at], want[i])
				}
				i++
				return
			}
			for j := range tt.v.Shape()[k] {
				walk(k+1, at+j*strides[k])
			}
		}
		walk(0, off)
	}
	be, err := Open[int32](fixture("npy/i4_be_2x3.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	if _, _, _, err := be.Strided(); !errors.Is(err, ErrLayout) {
		t.Errorf("Strided of big-endian data: %v", err)
	}
	if _, _, _, err := FromSlice([]bool{true}).Strided(); !errors.Is(err, ErrLayout) {
		t.Errorf("Strided of bools: %v", err)
	}
	// Elements at an odd address, or an odd number of bytes apart, are not
	// a []T.
	buf := sliceBytes(make([]int32, 8))
	if _, _, _, err := bytesView[int32](buf[1:29], layout.Int32, []int{7}, nil).Strided(); !errors.Is(err, ErrLayout) {
		t.Errorf("Strided at an odd address: %v", err)
	}
	if _, _, _, err := bytesView[int16](buf, layout.Int16, []int{3}, []int{7}).Strided(); !errors.Is(err, ErrLayout) {
		t.Errorf("Strided of 7-byte steps: %v", err)
	}
	// Steps of 6 bytes are 3 int16 elements.
	if _, _, s, err := bytesView[int16](buf, layout.Int16, []int{4}, []int{6}).Strided(); err != nil || !cmp.Equal(s, []int{3}) {
		t.Errorf("6-byte steps of int16: %v %v", s, err)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		s    fmt.Stringer
		want string
	}{
		{"0-d", FromSlice([]float64{1.5}, []int{}...), "array(1.5, dtype=float64, shape=())"},
		{"1-d", FromSlice([]int16{1, -2, 3}), "array([1, -2, 3], dtype=int16, shape=(3,))"},
		{"long", FromSlice(iota64(100)), "array([0, 1, 2, ..., 97, 98, 99], dtype=float64, shape=(100,))"},
		{"six", FromSlice([]uint8{1, 2, 3, 4, 5, 6}), "array([1, 2, 3, 4, 5, 6], dtype=uint8, shape=(6,))"},
		{"2-d", FromSlice([]bool{true, false, false, true}, 2, 2), "array([[true, false], [false, true]], dtype=bool, shape=(2, 2))"},
		{"empty", FromSlice([]float32{}, 0, 3), "array([], dtype=float32, shape=(0, 3))"},
		{"summarised 2-d", FromSlice(iota64(80), 10, 8).Slice(All, Range(0, 2)), "array([[0, 1], [8, 9], [16, 17], ..., [56, 57], [64, 65], [72, 73]], dtype=float64, shape=(10, 2))"},
		{"complex", FromSlice([]complex64{1 + 2i}), "array([(1+2i)], dtype=complex64, shape=(1,))"},
		{"half", FromSlice([]layout.Float16{layout.Float16FromFloat32(0.5)}), "array([0.5], dtype=float16, shape=(1,))"},
		{"special", FromSlice([]float64{math.NaN(), math.Inf(-1)}), "array([NaN, -Inf], dtype=float64, shape=(2,))"},
		{"zero View", View[float32]{}, "array(<nil>, dtype=invalid, shape=())"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%s: String() = %s\nwant %s", tt.name, got, tt.want)
		}
	}
	f, err := OpenFile(fixture("npy/U3_be.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Items()); !strings.HasPrefix(got, `array(["`) || !strings.Contains(got, "dtype=>U3") {
		t.Errorf("unicode items: %s", got)
	}
	v := f.Items()
	f.Close()
	if got := v.String(); got != "array(<closed>, dtype=>U3, shape=(5,))" {
		t.Errorf("closed: %s", got)
	}
}

// Flush of a view writes only that view's pages, and after Close it says so.
func TestFlushView(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.npy")
	a, err := Create[float64](path, []int{4096, 16})
	if err != nil {
		t.Fatal(err)
	}
	part := a.Slice(Range(1000, 2000))
	if err := part.Fill(3); err != nil {
		t.Fatal(err)
	}
	if err := part.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := part.Advise(mmap.DontNeed); err != nil {
		t.Fatal(err)
	}
	if got := part.At(999, 15); got != 3 {
		t.Errorf("after DontNeed, At = %v", got)
	}
	// The Array's own view methods act on the whole array.
	if err := a.Advise(mmap.Sequential); err != nil {
		t.Error(err)
	}
	if err := a.Flush(); err != nil {
		t.Error(err)
	}
	if err := FromSlice(iota64(3)).Flush(); err != nil {
		t.Errorf("Flush of memory: %v", err)
	}
	a.Close()
	if err := part.Flush(); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close: %v", err)
	}
	if err := part.Advise(mmap.WillNeed); !errors.Is(err, ErrClosed) {
		t.Errorf("Advise after Close: %v", err)
	}
}
