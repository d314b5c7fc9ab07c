package array

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/pylit"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// The fixtures and the values NumPy reads from them are written by
// testdata/gen.py; manifest.json describes the encoding.
type manifestEntry struct {
	File         string                     `json:"file"`
	Member       string                     `json:"member"`
	Descr        string                     `json:"descr"`
	Shape        []int                      `json:"shape"`
	FortranOrder bool                       `json:"fortran_order"`
	Offset       int64                      `json:"offset"`
	Raw          bool                       `json:"raw"`
	Kind         string                     `json:"kind"`    // raw files: "fixed" or "record"
	Request      []int                      `json:"request"` // raw fixed: the shape asked for
	Header       string                     `json:"header"`  // raw record: the header record's descr
	Fields       []string                   `json:"fields"`  // raw record: the fields giving the axes
	Values       map[string]json.RawMessage `json:"values"`
}

type manifest struct {
	NPY []manifestEntry `json:"npy"`
	Raw []manifestEntry `json:"raw"`
	Bad []struct {
		File   string `json:"file"`
		Reader string `json:"reader"`
		Error  string `json:"error"`
	} `json:"bad"`
}

func readManifest(t testing.TB) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func fixture(name string) string { return filepath.Join("..", "testdata", name) }

// openEntry opens a manifest entry's array in the given mode.
func openEntry(t *testing.T, e manifestEntry, mode mmap.Mode) *File {
	t.Helper()
	path := fixture(e.File)
	var f *File
	var err error
	switch {
	case e.Member != "":
		f, err = openMemberAt(path, e.Member, mode)
	case e.Kind == "fixed":
		dt, derr := layout.ParseDescr(e.Descr)
		if derr != nil {
			t.Fatal(derr)
		}
		f, err = OpenRawFile(path, mode, header.Raw{Offset: e.Offset, DType: dt, Shape: e.Request})
	case e.Kind == "record":
		dt, derr := layout.ParseDescr(e.Descr)
		if derr != nil {
			t.Fatal(derr)
		}
		hdt, derr := layout.ParseDescr(e.Header)
		if derr != nil {
			t.Fatal(derr)
		}
		f, err = OpenRawFile(path, mode, header.Record{Header: hdt, Shape: e.Fields, DType: dt, DataOffset: e.Offset})
	default:
		f, err = OpenFile(path, mode, MaxHeaderLen(1<<20))
	}
	if err != nil {
		t.Fatalf("open %s %s: %v", e.File, e.Member, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// leafValues reads every element of u, a view of a leaf (non-record) dtype,
// in C order, encoded as the manifest encodes values.
func leafValues(t *testing.T, u Items) []any {
	t.Helper()
	var out []any
	add := func(x any) { out = append(out, x) }
	floatStr := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	dt := u.DType()
	switch dt.Kind {
	case layout.Bool:
		for x := range mustAs[bool](t, u).Values() {
			add(x)
		}
	case layout.Int, layout.Datetime, layout.Timedelta:
		switch dt.Size {
		case 1:
			for x := range mustAs[int8](t, u).Values() {
				add(int64(x))
			}
		case 2:
			for x := range mustAs[int16](t, u).Values() {
				add(int64(x))
			}
		case 4:
			for x := range mustAs[int32](t, u).Values() {
				add(int64(x))
			}
		case 8:
			for x := range mustAs[int64](t, u).Values() {
				add(x)
			}
		}
	case layout.Uint:
		switch dt.Size {
		case 1:
			for x := range mustAs[uint8](t, u).Values() {
				add(int64(x))
			}
		case 2:
			for x := range mustAs[uint16](t, u).Values() {
				add(int64(x))
			}
		case 4:
			for x := range mustAs[uint32](t, u).Values() {
				add(int64(x))
			}
		case 8:
			for x := range mustAs[uint64](t, u).Values() {
				add(strconv.FormatUint(x, 10))
			}
		}
	case layout.Float:
		switch dt.Size {
		case 2:
			for x := range mustAs[layout.Float16](t, u).Values() {
				add(floatStr(float64(x.Float32())))
			}
		case 4:
			for x := range mustAs[float32](t, u).Values() {
				add(floatStr(float64(x)))
			}
		case 8:
			for x := range mustAs[float64](t, u).Values() {
				add(floatStr(x))
			}
		}
	case layout.Complex:
		switch dt.Size {
		case 8:
			for x := range mustAs[complex64](t, u).Values() {
				add([2]string{floatStr(float64(real(x))), floatStr(float64(imag(x)))})
			}
		case 16:
			for x := range mustAs[complex128](t, u).Values() {
				add([2]string{floatStr(real(x)), floatStr(imag(x))})
			}
		}
	case layout.Bytes, layout.Unicode:
		for i := range u.Size() {
			add(u.Text(unravel(i, u.Shape())...))
		}
	case layout.Void:
		for b := range u.Values() {
			add(hex.EncodeToString(b))
		}
	default:
		t.Fatalf("no reader for a %s leaf", dt)
	}
	return out
}

func mustAs[T Element](t *testing.T, u Items) View[T] {
	t.Helper()
	v, err := As[T](u)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// unravel returns the indices of the i-th element in C order of shape.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		idx[k] = i % shape[k]
		i /= shape[k]
	}
	return idx
}

// wantValues decodes the manifest's values of one leaf into the encoding
// leafValues uses.
func wantValues(t *testing.T, dt layout.DType, raw json.RawMessage) []any {
	t.Helper()
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatal(err)
	}
	canon := func(s string) string {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad float %q in manifest", s)
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	out := make([]any, len(items))
	for i, r := range items {
		switch dt.Kind {
		case layout.Bool:
			var b bool
			json.Unmarshal(r, &b)
			out[i] = b
		case layout.Int, layout.Datetime, layout.Timedelta:
			var n int64
			if err := json.Unmarshal(r, &n); err != nil {
				t.Fatal(err)
			}
			out[i] = n
		case layout.Uint:
			var n uint64
			if err := json.Unmarshal(r, &n); err != nil {
				t.Fatal(err)
			}
			if dt.Size == 8 {
				out[i] = strconv.FormatUint(n, 10)
			} else {
				out[i] = int64(n)
			}
		case layout.Float:
			var s string
			json.Unmarshal(r, &s)
			out[i] = canon(s)
		case layout.Complex:
			var p [2]string
			json.Unmarshal(r, &p)
			out[i] = [2]string{canon(p[0]), canon(p[1])}
		case layout.Bytes:
			var s string
			json.Unmarshal(r, &s)
			b := make([]byte, 0, len(s))
			for _, c := range s { // latin1: one code point per byte
				b = append(b, byte(c))
			}
			out[i] = string(b)
		case layout.Unicode:
			out[i] = jsonStringWTF8(t, r)
		case layout.Void:
			var s string
			json.Unmarshal(r, &s)
			out[i] = s
		default:
			t.Fatalf("no decoder for %s", dt)
		}
	}
	return out
}

// jsonStringWTF8 decodes a JSON string as encoding/json does, except that
// the escape of a lone surrogate (the manifest's "\ud805") gives the code
// point in WTF-8, as Items.Text returns it, rather than U+FFFD.
func jsonStringWTF8(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	s := string(raw)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		t.Fatalf("%s is not a JSON string", raw)
	}
	s = s[1 : len(s)-1]
	hex4 := func(s string) rune {
		n, err := strconv.ParseUint(s, 16, 16)
		if err != nil {
			t.Fatalf("bad escape in %s", raw)
		}
		return rune(n)
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b = append(b, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'u':
			r := hex4(s[i+1 : i+5])
			i += 4
			if 0xd800 <= r && r < 0xdc00 && strings.HasPrefix(s[i+1:], "\\u") {
				if lo := hex4(s[i+3 : i+7]); 0xdc00 <= lo && lo < 0xe000 {
					r = utf16.DecodeRune(r, lo)
					i += 6
				}
			}
			b = pylit.AppendRune(b, r)
		default:
			var one string
			if err := json.Unmarshal([]byte(`"\\`+string(c)+`"`), &one); err != nil {
				t.Fatalf("bad escape in %s", raw)
			}
			b = append(b, one...)
		}
	}
	return string(b)
}

// leafOf returns the view of one leaf field path ("" for the items themselves).
func leafOf(t *testing.T, u Items, path string) Items {
	t.Helper()
	if path == "" {
		return u
	}
	fu, err := u.Field(path)
	if err != nil {
		t.Fatal(err)
	}
	return fu
}

func equalValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFixtureValues reads every array NumPy wrote into testdata and compares
// every field's values with what NumPy read.
func TestFixtureValues(t *testing.T) {
	m := readManifest(t)
	entries := append(append([]manifestEntry(nil), m.NPY...), m.Raw...)
	for _, e := range entries {
		if e.Raw || e.Values == nil {
			continue
		}
		t.Run(strings.TrimSuffix(e.File+":"+e.Member, ":"), func(t *testing.T) {
			f := openEntry(t, e, mmap.ReadOnly)
			u := f.Items()
			if got := u.Shape(); !equalInts(got, e.Shape) {
				t.Fatalf("shape %v, NumPy says %v", got, e.Shape)
			}
			for path, raw := range e.Values {
				leaf := leafOf(t, u, path)
				got := leafValues(t, leaf)
				want := wantValues(t, leaf.DType(), raw)
				if !equalValues(got, want) {
					t.Errorf("field %q:\n got %v\nwant %v", path, got, want)
				}
			}
		})
	}
}

// TestFixtureStrided reads every non-record fixture through views with
// negative strides (every axis reversed) and with steps of two.
func TestFixtureStrided(t *testing.T) {
	m := readManifest(t)
	for _, e := range m.NPY {
		if e.Raw || e.Values == nil {
			continue
		}
		raw, ok := e.Values[""]
		if !ok || len(e.Shape) == 0 {
			continue
		}
		t.Run(strings.TrimSuffix(e.File+":"+e.Member, ":"), func(t *testing.T) {
			f := openEntry(t, e, mmap.ReadOnly)
			u := f.Items()
			sels := make([]Sel, len(e.Shape))
			for k := range sels {
				sels[k] = All.By(-1)
			}
			got := leafValues(t, u.Slice(sels...))
			want := wantValues(t, u.DType(), raw)
			// Reversing every axis of a C-ordered listing reverses the listing.
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
			if !equalValues(got, want) {
				t.Errorf("reversed:\n got %v\nwant %v", got, want)
			}

			// Every other position of every axis, from the second: a[1::2, 1::2, ...].
			for k := range sels {
				sels[k] = From(1).By(2)
			}
			got = leafValues(t, u.Slice(sels...))
			all := wantValues(t, u.DType(), raw)
			want = want[:0]
			for i, x := range all {
				odd := true
				for _, j := range unravel(i, e.Shape) {
					odd = odd && j%2 == 1
				}
				if odd {
					want = append(want, x)
				}
			}
			if !equalValues(got, want) {
				t.Errorf("a[1::2, ...]:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameCopy checks that CopyTo gathers what Values yields, for the items of
// u seen as T, through the view and through it reversed.
func sameCopy[T Element](t *testing.T, u Items) {
	t.Helper()
	for _, v := range []View[T]{mustAs[T](t, u), mustAs[T](t, u.T())} {
		var want []T
		for x := range v.Values() {
			want = append(want, x)
		}
		got := make([]T, v.Size())
		v.CopyTo(got)
		for i := range got {
			// Compare bits: NaN is not equal to itself.
			if !bytes.Equal(bytesOf(&got[i]), bytesOf(&want[i])) {
				t.Fatalf("CopyTo element %d = %v, Values gives %v", i, got[i], want[i])
			}
		}
	}
}

// TestFixtureCopyTo gathers every numeric leaf of every fixture with CopyTo,
// which reads rows at once (aligned, unaligned, byte-swapped), and compares
// it with Values, which reads element by element.
func TestFixtureCopyTo(t *testing.T) {
	m := readManifest(t)
	for _, e := range append(append([]manifestEntry(nil), m.NPY...), m.Raw...) {
		if e.Raw || e.Values == nil {
			continue
		}
		t.Run(strings.TrimSuffix(e.File+":"+e.Member, ":"), func(t *testing.T) {
			u := openEntry(t, e, mmap.ReadOnly).Items()
			for path := range e.Values {
				leaf := leafOf(t, u, path)
				dt := leaf.DType()
				switch {
				case dt.Kind == layout.Bool:
					sameCopy[bool](t, leaf)
				case dt.Kind == layout.Complex && dt.Size == 8:
					sameCopy[complex64](t, leaf)
				case dt.Kind == layout.Complex && dt.Size == 16:
					sameCopy[complex128](t, leaf)
				case dt.Kind == layout.Float && dt.Size == 4:
					sameCopy[float32](t, leaf)
				case dt.Kind == layout.Float && dt.Size == 8:
					sameCopy[float64](t, leaf)
				case dt.Kind == layout.Float && dt.Size == 2:
					sameCopy[layout.Float16](t, leaf)
				case dt.Kind == layout.Int || dt.Kind == layout.Datetime || dt.Kind == layout.Timedelta:
					switch dt.Size {
					case 1:
						sameCopy[int8](t, leaf)
					case 2:
						sameCopy[int16](t, leaf)
					case 4:
						sameCopy[int32](t, leaf)
					case 8:
						sameCopy[int64](t, leaf)
					}
				case dt.Kind == layout.Uint:
					switch dt.Size {
					case 1:
						sameCopy[uint8](t, leaf)
					case 2:
						sameCopy[uint16](t, leaf)
					case 4:
						sameCopy[uint32](t, leaf)
					case 8:
						sameCopy[uint64](t, leaf)
					}
				}
			}
		})
	}
}

// openMember opens one array of the archive at path, keeping only the member.
func openMemberAt(path, key string, mode mmap.Mode, opts ...Option) (*File, error) {
	z, err := OpenArchive(path, mode, opts...)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	return OpenMemberFile(z, key)
}
