package array

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// copyFixture copies a fixture into a temporary directory, for tests that write.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(fixture(name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func iota64(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

// pyRange lists the positions a[start:stop:step] selects on an axis of
// length n, written the plain way Python's documentation explains it.
func pyRange(n int, s Sel) []int {
	step := s.step
	if step == 0 {
		step = 1
	}
	norm := func(v int) int {
		if v < 0 {
			v += n
		}
		return v
	}
	var out []int
	if step > 0 {
		start, stop := 0, n
		if s.hasStart {
			start = min(max(norm(s.start), 0), n)
		}
		if s.hasStop {
			stop = min(max(norm(s.stop), 0), n)
		}
		for i := start; i < stop; i += step {
			out = append(out, i)
		}
	} else {
		start, stop := n-1, -1
		if s.hasStart {
			start = min(max(norm(s.start), -1), n-1)
		}
		if s.hasStop {
			stop = min(max(norm(s.stop), -1), n-1)
		}
		for i := start; i > stop; i += step {
			out = append(out, i)
		}
	}
	return out
}

func TestSliceMatchesPython(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 8} {
		data := iota64(n)
		v := FromSlice(data)
		bounds := []int{-10, -n - 1, -n, -3, -1, 0, 1, 2, n - 1, n, n + 3}
		steps := []int{1, 2, 3, -1, -2, -5}
		var sels []Sel
		for _, st := range steps {
			sels = append(sels, All.By(st))
			for _, a := range bounds {
				sels = append(sels, From(a).By(st), To(a).By(st))
				for _, b := range bounds {
					sels = append(sels, Range(a, b).By(st))
				}
			}
		}
		for _, s := range sels {
			want := []float64{}
			for _, i := range pyRange(n, s) {
				want = append(want, data[i])
			}
			sv := v.Slice(s)
			got := make([]float64, sv.Size())
			sv.CopyTo(got)
			if !cmp.Equal(got, want) {
				t.Errorf("n=%d a[%v] = %v, want %v", n, s, got, want)
			}
		}
	}
}

func TestSliceAndIndex2D(t *testing.T) {
	data := iota64(4 * 5)
	v := FromSlice(data, 4, 5)
	tests := []struct {
		name string
		view View[float64]
		want []float64
	}{
		{"a[:, 3]", v.Slice(All, Idx(3)), []float64{3, 8, 13, 18}},
		{"a[-1]", v.Slice(Idx(-1)), []float64{15, 16, 17, 18, 19}},
		{"a[1]", v.Index(1), []float64{5, 6, 7, 8, 9}},
		{"a[::2, ::-2]", v.Slice(All.By(2), All.By(-2)), []float64{4, 2, 0, 14, 12, 10}},
		{"a[1:3, 1:4]", v.Slice(Range(1, 3), Range(1, 4)), []float64{6, 7, 8, 11, 12, 13}},
		{"a.T[1]", v.T().Index(1), []float64{1, 6, 11, 16}},
		{"a[2:2]", v.Slice(Range(2, 2)), []float64{}},
		{"a[1, 2] as 0-d", v.Slice(Idx(1), Idx(2)), []float64{7}},
	}
	for _, tt := range tests {
		got := make([]float64, tt.view.Size())
		tt.view.CopyTo(got)
		if !cmp.Equal(got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
		var it []float64
		for x := range tt.view.Values() {
			it = append(it, x)
		}
		if len(it) != len(tt.want) || (len(it) > 0 && !cmp.Equal(it, tt.want)) {
			t.Errorf("%s Values() = %v, want %v", tt.name, it, tt.want)
		}
	}
	if got := v.Slice(Idx(1), Idx(2)).At(); got != 7 {
		t.Errorf("0-d At() = %v, want 7", got)
	}
}

func TestParseIndex(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"7", "[7]", false},
		{"[:, 3]", "[: 3]", false},
		{"[2:10:2, ::-1]", "[2:10:2 ::-1]", false},
		{"-1, 1:", "[-1 1:]", false},
		{"[]", "[]", false},
		{"[1:2:0]", "", true},
		{"[a]", "", true},
		{"[1,,2]", "", true},
		{"[1:2:3:4]", "", true},
		{"[1", "", true},
	}
	for _, tt := range tests {
		sels, err := ParseIndex(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("ParseIndex(%q) = %v, want an error", tt.in, sels)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseIndex(%q): %v", tt.in, err)
			continue
		}
		if got := fmt.Sprint(sels); got != tt.want && !(tt.want == "[]" && sels == nil) {
			t.Errorf("ParseIndex(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestReshape(t *testing.T) {
	v := FromSlice(iota64(24), 2, 3, 4)
	r, err := v.Reshape(6, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.At(5, 3); got != 23 {
		t.Errorf("reshape (6, 4) At(5, 3) = %v, want 23", got)
	}
	// A transposed view is not C-ordered: only some reshapes work.
	tr := v.T() // shape (4, 3, 2)
	if _, err := tr.Reshape(24); !errors.Is(err, ErrLayout) {
		t.Errorf("reshape of a transpose to 1-d: err = %v, want ErrLayout", err)
	}
	// Splitting one axis of a transposed view needs no copy.
	sp, err := tr.Reshape(2, 2, 3, 2)
	if err != nil {
		t.Fatalf("split an axis of a transpose: %v", err)
	}
	for i := range 4 {
		for j := range 3 {
			for k := range 2 {
				if got, want := sp.At(i/2, i%2, j, k), tr.At(i, j, k); got != want {
					t.Fatalf("split At(%d,%d,%d,%d) = %v, want %v", i/2, i%2, j, k, got, want)
				}
			}
		}
	}
	// Every other column merges (a uniform stride); the first three do not.
	half := FromSlice(iota64(8), 2, 4).Slice(All, All.By(2))
	if m, err := half.Reshape(4); err != nil || m.At(3) != 6 {
		t.Errorf("merge of every other column: %v", err)
	}
	three := FromSlice(iota64(8), 2, 4).Slice(All, To(3))
	if _, err := three.Reshape(6); !errors.Is(err, ErrLayout) {
		t.Errorf("merge of a strided view: err = %v, want ErrLayout", err)
	}
	rows := FromSlice(iota64(8), 4, 2).Slice(All.By(2)) // rows 0 and 2: (2, 2), strides (32, 8)
	flat, err := rows.Slice(All, Idx(1)).Reshape(2, 1)
	if err != nil || flat.At(1, 0) != 5 {
		t.Errorf("reshape of a column = %v, %v", flat.At(1, 0), err)
	}
	if _, err := FromSlice([]float64{}, 0, 3).Reshape(3, 0, 5); err != nil {
		t.Errorf("reshape of an empty view: %v", err)
	}
}

func TestPanics(t *testing.T) {
	v := FromSlice(iota64(6), 2, 3)
	tests := []struct {
		name string
		fn   func()
		msg  string
	}{
		{"At out of range", func() { v.At(2, 0) }, "index 2 out of range for axis 0 of length 2"},
		{"At negative", func() { v.At(0, -1) }, "index -1 out of range for axis 1 of length 3"},
		{"At wrong rank", func() { v.At(1) }, "1 indices for a 2-d view"},
		{"Index out of range", func() { v.Index(5) }, "index 5 out of range"},
		{"Idx out of range", func() { v.Slice(Idx(-3)) }, "index -3 out of range"},
		{"too many sels", func() { v.Slice(All, All, All) }, "3 selections for a 2-d view"},
		{"Permute", func() { v.Permute(0, 0) }, "not a permutation"},
		{"Reshape count", func() { v.Reshape(4) }, "cannot Reshape 6 elements"},
		{"CopyTo short", func() { v.CopyTo(make([]float64, 5)) }, "destination holds 5"},
		{"By zero", func() { All.By(0) }, "step is zero"},
		{"Text of numbers", func() {
			f, _ := OpenFile(fixture("npy/f8_1d.npy"), mmap.ReadOnly)
			defer f.Close()
			f.Items().Text(0)
		}, "not a string"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), tt.msg) {
					t.Errorf("%s: panic %v, want one containing %q", tt.name, r, tt.msg)
				}
			}()
			tt.fn()
		}()
	}
}

func TestOpenTyped(t *testing.T) {
	a, err := Open[float32](fixture("npy/frames.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.Shape(); !cmp.Equal(got, []int{5, 4, 3}) {
		t.Fatalf("shape %v", got)
	}
	all := make([]float32, a.Size())
	a.CopyTo(all)
	frame := a.Index(2)
	for i := range 4 {
		for j := range 3 {
			if got, want := frame.At(i, j), all[2*12+i*3+j]; got != want {
				t.Errorf("frame 2 At(%d, %d) = %v, want %v", i, j, got, want)
			}
		}
	}
	c, err := frame.Contiguous()
	if err != nil {
		t.Fatalf("Contiguous of a frame: %v", err)
	}
	if !cmp.Equal(c, all[24:36]) {
		t.Errorf("Contiguous = %v, want %v", c, all[24:36])
	}
	if _, err := a.Slice(All, All, Idx(0)).Contiguous(); !errors.Is(err, ErrLayout) {
		t.Errorf("Contiguous of a column: %v, want ErrLayout", err)
	}
	if n := testing.AllocsPerRun(100, func() { frame = a.Index(3) }); n != 0 {
		t.Errorf("Index allocates %v times", n)
	}
	// The wrong Go type is refused, naming both.
	_, err = Open[float64](fixture("npy/frames.npy"), mmap.ReadOnly)
	if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "float64") || !strings.Contains(err.Error(), "frames.npy") {
		t.Errorf("Open[float64] of float32 data: %v", err)
	}
	// Records need field views.
	if _, err := Open[int64](fixture("npy/db.npy"), mmap.ReadOnly); !errors.Is(err, ErrType) {
		t.Errorf("Open[int64] of records: %v, want ErrType", err)
	}
}

func TestByteSwappedAndUnaligned(t *testing.T) {
	a, err := Open[int32](fixture("npy/i4_be_2x3.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.At(1, 2); got != 2 {
		t.Errorf("big-endian At(1, 2) = %d, want 2", got)
	}
	if _, err := a.Contiguous(); !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), "byte order") {
		t.Errorf("Contiguous of big-endian data: %v", err)
	}
	// A packed record's float32 field sits at odd offsets.
	f, err := OpenFile(fixture("npy/db.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	val, err := Field[int64](f.Items(), "time")
	if err != nil {
		t.Fatal(err)
	}
	// int64 needs 8-byte alignment on 64-bit machines, 4 on 386.
	if _, align := sizeAlign[int64](); val.acc.fast != (12%align == 0) {
		t.Errorf("int64 field at offset 12 of 24-byte records, alignment %d: read in place = %v", align, val.acc.fast)
	}
	if got := val.At(1); got != 1600000060 {
		t.Errorf("time[1] = %d, want 1600000060", got)
	}
	if _, err := val.Contiguous(); !errors.Is(err, ErrLayout) {
		t.Errorf("Contiguous of a field: %v", err)
	}
}

func TestModes(t *testing.T) {
	path := copyFixture(t, "npy/f8_1d.npy")
	orig, _ := os.ReadFile(path)

	ro, err := Open[float64](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.Set(42, 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Set on ReadOnly: %v, want ErrReadOnly", err)
	}
	if err := ro.Fill(1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Fill on ReadOnly: %v, want ErrReadOnly", err)
	}
	if _, err := ro.CopyFrom(make([]float64, 8)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CopyFrom on ReadOnly: %v, want ErrReadOnly", err)
	}
	ro.Close()

	cow, err := Open[float64](path, mmap.CopyOnWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := cow.Set(42, 0); err != nil {
		t.Fatal(err)
	}
	if got := cow.At(0); got != 42 {
		t.Errorf("CopyOnWrite At(0) after Set = %v", got)
	}
	cow.Close()
	if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
		t.Errorf("a CopyOnWrite write reached the file")
	}

	rw, err := Open[float64](path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Slice(From(6)).CopyFrom([]float64{7, 8}); err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	back, err := Open[float64](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if got := []float64{back.At(6), back.At(7)}; !cmp.Equal(got, []float64{7, 8}) {
		t.Errorf("after ReadWrite CopyFrom: %v", got)
	}
}

func TestClosed(t *testing.T) {
	a, err := Open[float64](fixture("npy/f8_1d.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	v := a.Slice(From(1))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for name, fn := range map[string]func(){
		"At":         func() { v.At(0) },
		"CopyTo":     func() { v.CopyTo(make([]float64, 7)) },
		"Contiguous": func() { v.Contiguous() },
		"Values": func() {
			for range v.Values() {
			}
		},
	} {
		func() {
			defer func() {
				r := recover()
				err, _ := r.(error)
				if !errors.Is(err, ErrClosed) {
					t.Errorf("%s after Close: panic %v, want ErrClosed", name, r)
				}
			}()
			fn()
		}()
	}
	if err := a.Flush(); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close: %v", err)
	}
}

// TestViewKeepsMapping drops every reference to the array but a view, forces
// collections, and reads through the view.
func TestViewKeepsMapping(t *testing.T) {
	v := func() View[float32] {
		a, err := Open[float32](fixture("npy/frames.npy"), mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		return a.Index(4)
	}()
	want := v.At(3, 2)
	for range 3 {
		runtime.GC()
	}
	if got := v.At(3, 2); got != want {
		t.Errorf("after GC At = %v, want %v", got, want)
	}
}

func TestBoolBytes(t *testing.T) {
	// A b1 file whose bytes are 0, 1, 2 and 255: NumPy reads nonzero as True.
	var buf bytes.Buffer
	if _, err := header.Write(&buf, header.Header{DType: layout.Bool8, Shape: []int{4}}); err != nil {
		t.Fatal(err)
	}
	buf.Write([]byte{0, 1, 2, 255})
	path := filepath.Join(t.TempDir(), "b.npy")
	os.WriteFile(path, buf.Bytes(), 0o644)
	a, err := Open[bool](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var got []bool
	for x := range a.Values() {
		got = append(got, x)
		if x && !(x == true) {
			t.Fatal("invalid bool")
		}
	}
	if !cmp.Equal(got, []bool{false, true, true, true}) {
		t.Errorf("bools = %v", got)
	}
	if _, err := a.Contiguous(); !errors.Is(err, ErrLayout) {
		t.Errorf("Contiguous of bools: %v, want ErrLayout", err)
	}
}

func TestRecords(t *testing.T) {
	path := copyFixture(t, "npy/db.npy")
	f, err := OpenFile(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	u := f.Items()
	names, err := u.Field("name")
	if err != nil {
		t.Fatal(err)
	}
	times, err := Field[int64](u, "time")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Field[float64](u, "value"); !errors.Is(err, ErrType) || !strings.Contains(err.Error(), `"value"`) {
		t.Errorf("Field[float64] of a float32 field: %v", err)
	}
	if _, err := u.Field("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("missing field: %v", err)
	}
	first := names.Text(0)
	if err := names.SetText("renamed", 1); err != nil {
		t.Fatal(err)
	}
	if err := names.SetText("far too long a name", 1); err == nil {
		t.Error("SetText longer than S12 succeeded")
	}
	if err := times.Set(-5, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.Items().Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	g, err := OpenFile(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	names2, _ := g.Items().Field("name")
	times2, _ := Field[int64](g.Items(), "time")
	if got := []string{names2.Text(0), names2.Text(1)}; !cmp.Equal(got, []string{first, "renamed"}) {
		t.Errorf("names after update = %v", got)
	}
	if got := times2.At(2); got != -5 {
		t.Errorf("time[2] after update = %d", got)
	}
}

func TestOverlay(t *testing.T) {
	// NumPy's align=True record (a u1, b f8, c i2) is laid out as Go lays
	// out this struct: a at 0, b at 8, c at 16, itemsize 24.
	f, err := OpenFile(fixture("npy/struct_aligned.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type rec struct {
		A uint8   `npy:"a"`
		B float64 `npy:"b"`
		C int16   `npy:"c"`
	}
	recs, err := Overlay[rec](f.Items())
	if reflect.TypeFor[rec]().Field(1).Offset != 8 {
		// 386 aligns float64 to 4 bytes: Go's layout is not NumPy's.
		if !errors.Is(err, layout.ErrMismatch) {
			t.Errorf("Overlay with float64 at byte 4: %v, want ErrMismatch", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Overlay of an aligned record: %v", err)
	}
	bs, err := Field[float64](f.Items(), "b")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Field[int16](f.Items(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	for i := range recs {
		if recs[i].B != bs.At(i) || recs[i].C != cs.At(i) {
			t.Errorf("record %d: overlay %+v, field views b=%v c=%v", i, recs[i], bs.At(i), cs.At(i))
		}
	}

	p, err := OpenFile(fixture("npy/db.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	type dbRec struct {
		Name  [12]byte `npy:"name"`
		Time  int64    `npy:"time"`
		Value float32  `npy:"value"`
	}
	if _, err := Overlay[dbRec](p.Items()); !errors.Is(err, layout.ErrMismatch) || !strings.Contains(err.Error(), `"time"`) {
		t.Errorf("Overlay of packed records: %v, want a mismatch naming field \"time\"", err)
	}
}

func TestMember(t *testing.T) {
	for _, name := range []string{"npz/savez.npz", "npz/savez_compressed.npz"} {
		f, err := openMemberAt(fixture(name), "x", mmap.ReadOnly)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h := f.Header(); h.DataSize() != int64(len(f.data)) {
			t.Errorf("%s: data %d bytes, header says %d", name, len(f.data), h.DataSize())
		}
		f.Close()
	}
	if _, err := openMemberAt(fixture("npz/savez.npz"), "nope", mmap.ReadOnly); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("missing member: %v", err)
	}
	if _, err := openMemberAt(fixture("npz/savez.npz"), "x", mmap.ReadWrite); err == nil {
		t.Error("ReadWrite of an npz member succeeded")
	}
	if _, err := openMemberAt(fixture("npz/descriptors.npz"), "notes.txt", mmap.ReadOnly); err == nil || !strings.Contains(err.Error(), "not a .npy") {
		t.Errorf("non-npy member: %v", err)
	}
	if _, err := openMemberAt(fixture("npz/savez_compressed.npz"), "x", mmap.ReadOnly, MaxInflated(10)); err == nil || !strings.Contains(err.Error(), "MaxInflated") {
		t.Errorf("inflate cap: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	m := readManifest(t)
	for _, b := range m.Bad {
		var err error
		if b.Reader == "npz" {
			_, err = openMemberAt(fixture(b.File), "a", mmap.ReadOnly)
		} else {
			_, err = OpenFile(fixture(b.File), mmap.ReadOnly)
		}
		if err == nil {
			t.Errorf("%s opened without error", b.File)
			continue
		}
		if !strings.Contains(err.Error(), filepath.Base(b.File)) {
			t.Errorf("%s: error %q does not name the file", b.File, err)
		}
		if b.Error == "format" && !errors.Is(err, header.ErrFormat) {
			t.Errorf("%s: %v, want header.ErrFormat", b.File, err)
		}
	}
	// A file shorter than its header says is refused in every mode, never extended.
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		p := copyFixture(t, "bad/short_data.npy")
		before, _ := os.Stat(p)
		if _, err := OpenFile(p, mode); err == nil {
			t.Errorf("mode %v: short file opened", mode)
		}
		after, _ := os.Stat(p)
		if before.Size() != after.Size() {
			t.Errorf("mode %v: file size changed from %d to %d", mode, before.Size(), after.Size())
		}
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing.npy"), mmap.ReadOnly); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	_ = io.EOF
}

func TestSelPosition(t *testing.T) {
	if i, ok := Idx(-2).Position(); i != -2 || !ok {
		t.Errorf("Idx(-2).Position() = %d, %v", i, ok)
	}
	if _, ok := Range(1, 3).Position(); ok {
		t.Error("Range(1, 3).Position() reports a single position")
	}
}

// TestManyAxes walks a view whose rows cannot be merged across more axes
// than the walker keeps on the stack.
func TestManyAxes(t *testing.T) {
	shape := make([]int, 20)
	for k := range shape {
		shape[k] = 2
	}
	v := FromSlice(iota64(1<<20), shape...).T() // strides grow along the axes: no two merge
	got := make([]float64, v.Size())
	v.CopyTo(got)
	idx := make([]int, len(shape))
	for i, x := range got {
		r := i
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k] = r % 2
			r /= 2
		}
		if want := v.At(idx...); x != want {
			t.Fatalf("element %d (%v) = %v, want %v", i, idx, x, want)
		}
	}
	i := 0
	for x := range v.Values() {
		if x != got[i] {
			t.Fatalf("Values element %d = %v, want %v", i, x, got[i])
		}
		i++
	}
}

func TestNoAllocations(t *testing.T) {
	v := FromSlice(iota64(4*64*64), 4, 64, 64).Slice(All, All.By(2), All.By(-3))
	dst := make([]float64, v.Size())
	s := 0.0
	for name, fn := range map[string]func(){
		"Index":  func() { _ = v.Index(1) },
		"CopyTo": func() { v.CopyTo(dst) },
		"Values": func() {
			for x := range v.Values() {
				s += x
			}
		},
		"At":  func() { s += v.At(1, 2, 3) },
		"At3": func() { s += v.At3(1, 2, 3) },
	} {
		if n := testing.AllocsPerRun(20, fn); n != 0 {
			t.Errorf("%s allocates %v times", name, n)
		}
	}
}

// atN calls At1, At2 or At3, as the number of indices says.
func atN[T Element](v *View[T], idx []int) T {
	switch len(idx) {
	case 1:
		return v.At1(idx[0])
	case 2:
		return v.At2(idx[0], idx[1])
	case 3:
		return v.At3(idx[0], idx[1], idx[2])
	}
	panic(fmt.Sprintf("atN: %d indices", len(idx)))
}

// checkAtN compares At1, At2 and At3 with At at every element of v, for
// views of one, two and three axes.
func checkAtN[T Element](t *testing.T, name string, v View[T]) {
	t.Helper()
	idx := make([]int, v.NDim())
	for range v.Size() {
		// NaN is not NaN: both NaN is a match.
		if got, want := atN(&v, idx), v.At(idx...); got != want && (got == got || want == want) {
			t.Errorf("%s: At%d%v = %v, At = %v", name, len(idx), idx, got, want)
		}
		for k := len(idx) - 1; k >= 0; k-- {
			if idx[k]++; idx[k] < v.g.shape[k] {
				break
			}
			idx[k] = 0
		}
	}
}

func TestAtFixed(t *testing.T) {
	v := FromSlice(iota64(4*5*6), 4, 5, 6)
	checkAtN(t, "3-d", v)
	checkAtN(t, "strided", v.Slice(All.By(-1), Range(1, 4), All.By(2)))
	checkAtN(t, "transposed", v.T())
	checkAtN(t, "frame", v.Index(2))
	checkAtN(t, "frame, reversed", v.Index(3).Slice(All.By(-2), All.By(-1)))
	checkAtN(t, "column", v.Index(1).Slice(All, Idx(3)))
	checkAtN(t, "row", v.Index(1).Index(4))
	checkAtN(t, "broadcast", FromSlice(iota64(3), 3).Slice(All.By(-1)))
	s16 := make([]int16, 2*3*4)
	for i := range s16 {
		s16[i] = int16(i - 7)
	}
	checkAtN(t, "int16", FromSlice(s16, 2, 3, 4).Permute(2, 0, 1))
	c := make([]complex128, 12)
	for i := range c {
		c[i] = complex(float64(i), -float64(i))
	}
	checkAtN(t, "complex128", FromSlice(c, 3, 4).Slice(All.By(2)))

	// Mapped files, in native order: a .npy file and its column.
	f8, err := Open[float64](fixture("npy/f8_1d.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f8.Close()
	checkAtN(t, "mapped 1-d", f8.View)
	f4, err := Open[float32](fixture("npy/f4_fortran_2x3x4.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f4.Close()
	checkAtN(t, "mapped Fortran 3-d", f4.View)
	checkAtN(t, "mapped Fortran frame", f4.Index(1))
	checkAtN(t, "mapped Fortran column", f4.Index(0).Slice(All, Idx(2)))
}

// TestAtFixedNotInPlace checks that At1, At2 and At3 refuse views whose
// elements cannot be read in place, with an error wrapping ErrLayout that
// says why, for every rank, while At reads them.
func TestAtFixedNotInPlace(t *testing.T) {
	be, err := Open[int32](fixture("npy/i4_be_2x3.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	f, err := OpenFile(fixture("npy/db.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tm, err := Field[int64](f.Items(), "time")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	header.Write(&buf, header.Header{DType: layout.Bool8, Shape: []int{2, 2}})
	buf.Write([]byte{0, 1, 2, 255})
	path := filepath.Join(t.TempDir(), "b.npy")
	os.WriteFile(path, buf.Bytes(), 0o644)
	b, err := Open[bool](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.At(1, 1) != true || b.At(0, 0) != false {
		t.Errorf("bools: At(1, 1) = %v, At(0, 0) = %v", b.At(1, 1), b.At(0, 0))
	}

	type atTest struct {
		name string
		fn   func()
		msg  string
	}
	tests := []atTest{
		{"big-endian At2", func() { be.At2(1, 2) }, "At2 reads elements in place, and these are not in native byte order; use At"},
		{"big-endian At1", func() { r := be.Index(1); r.At1(0) }, "At1 reads elements in place, and these are not in native byte order"},
		{"big-endian At3", func() { v, _ := be.Reshape(1, 2, 3); v.At3(0, 1, 2) }, "At3 reads elements in place, and these are not in native byte order"},
		{"unaligned field", func() { tm.At1(0) }, "these are not aligned for int64"},
		{"bools", func() { b.At2(1, 1) }, "these are bools"},
	}
	if _, _, _, err := tm.Strided(); err == nil {
		// Where int64 needs only 4-byte alignment (386), the field at
		// byte 12 of 24 is aligned and read in place.
		tests = slices.DeleteFunc(tests, func(tt atTest) bool { return tt.name == "unaligned field" })
		if tm.At1(1) != tm.At(1) {
			t.Errorf("aligned field: At1(1) = %v, At(1) = %v", tm.At1(1), tm.At(1))
		}
	}
	for _, tt := range tests {
		r := recoverFrom(tt.fn)
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: panic %v, want an error wrapping ErrLayout containing %q", tt.name, r, tt.msg)
		}
	}
}

// recoverFrom calls fn and returns what it panicked with, or nil.
func recoverFrom(fn func()) (r any) {
	defer func() { r = recover() }()
	fn()
	return nil
}

func TestAtFixedPanics(t *testing.T) {
	v := FromSlice(iota64(6), 2, 3)
	v3 := FromSlice(iota64(24), 2, 3, 4)
	a, err := Open[float64](fixture("npy/f8_1d.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	empty := FromSlice([]float64{}, 2, 0)
	var zero View[float64]
	tests := []struct {
		name   string
		fn     func()
		msg    string
		closed bool
	}{
		{"At2 out of range", func() { v.At2(2, 0) }, "index 2 out of range for axis 0 of length 2", false},
		{"At2 negative", func() { v.At2(0, -1) }, "index -1 out of range for axis 1 of length 3", false},
		{"At2 empty", func() { empty.At2(0, 0) }, "index 0 out of range for axis 1 of length 0", false},
		{"At1 out of range", func() { r := v.Index(1); r.At1(3) }, "index 3 out of range for axis 0 of length 3", false},
		{"At3 out of range", func() { v3.At3(1, 2, 4) }, "index 4 out of range for axis 2 of length 4", false},
		{"At3 negative", func() { v3.At3(-1, 0, 0) }, "index -1 out of range for axis 0 of length 2", false},
		{"At1 wrong rank", func() { v.At1(1) }, "1 indices for a 2-d view", false},
		{"At2 wrong rank", func() { v3.At2(0, 0) }, "2 indices for a 3-d view", false},
		{"At3 wrong rank", func() { v.At3(0, 0, 0) }, "3 indices for a 2-d view", false},
		{"At1 zero view", func() { zero.At1(0) }, "1 indices for a 0-d view", false},
		{"At1 closed", func() { a.At1(0) }, "file is closed", true},
		{"At2 closed", func() { r, _ := a.Reshape(1, a.Len()); r.At2(0, 0) }, "file is closed", true},
	}
	for _, tt := range tests {
		r := recoverFrom(tt.fn)
		if r == nil || !strings.Contains(fmt.Sprint(r), tt.msg) {
			t.Errorf("%s: panic %v, want one containing %q", tt.name, r, tt.msg)
		}
		if err, _ := r.(error); errors.Is(err, ErrClosed) != tt.closed {
			t.Errorf("%s: panic %v wraps ErrClosed: %v, want %v", tt.name, r, !tt.closed, tt.closed)
		}
	}
	// The message does not depend on what happens between the panic and
	// its printing: a deferred Close leaves it as it was.
	b, err := Open[float64](fixture("npy/f8_1d.npy"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	r := recoverFrom(func() { b.At1(b.Len()) })
	b.Close()
	if msg := fmt.Sprint(r); !strings.Contains(msg, "out of range") {
		t.Errorf("At1 past the end, then Close: panic %q, want index out of range", msg)
	}
}

// TestUnalignedRows reads fields of packed records, at odd offsets and in
// both byte orders, through CopyTo, whose row loops handle 2-, 4- and
// 8-byte scalars four at a time, and compares them with At, element by
// element.
func TestUnalignedRows(t *testing.T) {
	for _, order := range []string{"<", ">"} {
		descr := "[('pad', 'S1'), ('h', '" + order + "i2'), ('i', '" + order + "i4'), ('q', '" + order + "i8'), ('f', '" + order + "f4'), ('d', '" + order + "f8'), ('c', '" + order + "c8'), ('z', '" + order + "c16')]"
		dt, err := layout.ParseDescr(descr)
		if err != nil {
			t.Fatal(err)
		}
		const n = 23
		data := make([]byte, n*dt.Size)
		bo := layout.ByteOrder(order[0]).Binary()
		for r := range n {
			rec := data[r*dt.Size:]
			for _, f := range dt.Fields {
				b := rec[f.Offset:]
				switch f.Type.Size {
				case 2:
					bo.PutUint16(b, uint16(1000+r))
				case 4:
					bo.PutUint32(b, uint32(100000+r))
				case 8:
					bo.PutUint64(b, uint64(1e10)+uint64(r))
				case 16:
					bo.PutUint64(b, uint64(r))
					bo.PutUint64(b[8:], uint64(2*r))
				}
			}
		}
		var buf bytes.Buffer
		header.Write(&buf, header.Header{DType: dt, Shape: []int{n}})
		buf.Write(data)
		path := filepath.Join(t.TempDir(), "rec.npy")
		os.WriteFile(path, buf.Bytes(), 0o644)
		f, err := OpenFile(path, mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if q, err := Field[int64](f.Items(), "q"); err != nil || q.At(5) != 1e10+5 {
			t.Errorf("%s: q[5] = %v, %v; want %d", order, q.At(5), err, int64(1e10+5))
		}
		sels := []Sel{All, All.By(-1), All.By(3), Range(2, 7), Range(5, 6), All.By(-4)}
		check := func(name string, v interface {
			Size() int
		}, copyTo func() []any, at func(i int) any) {
			got := copyTo()
			for i := range v.Size() {
				if got[i] != at(i) {
					t.Errorf("%s%s: CopyTo[%d] = %v, At = %v", order, name, i, got[i], at(i))
				}
			}
		}
		for _, s := range sels {
			name := fmt.Sprintf(" %v", s)
			fieldCheck[int16](t, f, "h", s, name, check)
			fieldCheck[int32](t, f, "i", s, name, check)
			fieldCheck[int64](t, f, "q", s, name, check)
			fieldCheck[float32](t, f, "f", s, name, check)
			fieldCheck[float64](t, f, "d", s, name, check)
			fieldCheck[complex64](t, f, "c", s, name, check)
			fieldCheck[complex128](t, f, "z", s, name, check)
		}
	}
}

func fieldCheck[T Element](t *testing.T, f *File, field string, s Sel, name string,
	check func(string, interface{ Size() int }, func() []any, func(int) any)) {
	t.Helper()
	v, err := Field[T](f.Items().Slice(s), field)
	if err != nil {
		t.Fatal(err)
	}
	check(field+name, v, func() []any {
		dst := make([]T, v.Size())
		v.CopyTo(dst)
		out := make([]any, len(dst))
		for i, x := range dst {
			out[i] = x
		}
		return out
	}, func(i int) any { return v.At(i) })
}
