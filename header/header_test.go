package header

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/layout"
)

const testdata = "../testdata"

// manifest is what testdata/gen.py recorded NumPy saying about each fixture.
type manifest struct {
	NPY []struct {
		File         string
		Member       string
		Method       uint16
		Raw          bool
		Descr        string
		Shape        []int
		FortranOrder bool `json:"fortran_order"`
		Version      []byte
		Offset       int64
		NumpyHeader  bool `json:"numpy_header"`
		// ForcedVersion: the version was asked for, not NumPy's own choice.
		ForcedVersion bool `json:"forced_version"`
	}
	Raw []struct {
		File    string
		Kind    string
		Offset  int64
		Descr   string
		Request []int
		Shape   []int
		Header  string
		Fields  []string
	}
	Bad []struct {
		File   string
		Reader string
		Error  string
	}
	Archives []struct {
		File    string
		Members []struct {
			Member string
			Key    string
			NumPy  string
			Ndmap  string
		}
	}
}

func loadManifest(t testing.TB) *manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := new(manifest)
	if err := json.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDescr(t testing.TB, d layout.DType) string {
	t.Helper()
	s, err := d.Descr()
	if err != nil {
		t.Fatalf("Descr(%v): %v", d, err)
	}
	return s
}

var emptyShape = cmpopts.EquateEmpty()

// bigHeaders reads every fixture, including the one whose header NumPy
// itself refuses by default.
var bigHeaders = NPY{MaxHeaderLen: 1 << 20}

func TestReadFixtures(t *testing.T) {
	m := loadManifest(t)
	archives := map[string]*Archive{}
	n := 0
	for _, e := range m.NPY {
		name := e.File
		if e.Member != "" {
			name += ":" + e.Member
		}
		t.Run(name, func(t *testing.T) {
			b := readFile(t, e.File)
			var h *Header
			if e.Member == "" {
				var err error
				h, err = bigHeaders.Describe(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatalf("Describe(%s): %v", e.File, err)
				}
			} else {
				a := archives[e.File]
				if a == nil {
					var err error
					a, err = bigHeaders.ReadArchive(bytes.NewReader(b), int64(len(b)))
					if err != nil {
						t.Fatalf("ReadArchive(%s): %v", e.File, err)
					}
					archives[e.File] = a
				}
				mem, ok := a.Lookup(e.Member)
				if !ok {
					t.Fatalf("Lookup(%q) found nothing", e.Member)
				}
				if mem.Method != e.Method {
					t.Errorf("%s: Method = %d, want %d", e.Member, mem.Method, e.Method)
				}
				if e.Raw {
					if mem.Header != nil {
						t.Errorf("%s: Header = %+v, want nil for a raw member", e.Member, mem.Header)
					}
					return
				}
				if key := strings.TrimSuffix(e.Member, ".npy"); key != e.Member {
					if m2, ok := a.Lookup(key); !ok || m2 != mem {
						t.Errorf("Lookup(%q) = %v, %v; want the member %q", key, m2, ok, e.Member)
					}
				}
				h = mem.Header
				if h == nil {
					t.Fatalf("%s: Header is nil", e.Member)
				}
				// The manifest gives where the data lies in the archive
				// for stored members, in the inflated member otherwise.
				if mem.Method == zip.Store {
					c := *h
					c.DataOffset = mem.DataOffset
					h = &c
				}
			}
			n++
			got := struct {
				Descr   string
				Shape   []int
				Fortran bool
				Version Version
				Offset  int64
			}{mustDescr(t, h.DType), h.Shape, h.FortranOrder, h.Version, h.DataOffset}
			want := got
			want.Descr, want.Shape, want.Fortran = e.Descr, e.Shape, e.FortranOrder
			want.Version, want.Offset = Version{e.Version[0], e.Version[1]}, e.Offset
			if diff := cmp.Diff(want, got, emptyShape); diff != "" {
				t.Errorf("header of %s differs from NumPy's (-numpy +ours):\n%s", name, diff)
			}
			if h.DataSize() > int64(len(b))-h.DataOffset {
				t.Errorf("DataSize() = %d, more than the %d bytes after the header", h.DataSize(), int64(len(b))-h.DataOffset)
			}
		})
	}
	if n < 40 {
		t.Errorf("only %d arrays checked; the manifest should list more", n)
	}
}

// Every archive lists exactly the members NumPy's zipfile sees.
func TestArchiveMembers(t *testing.T) {
	m := loadManifest(t)
	want := map[string][]string{}
	for _, e := range m.NPY {
		if e.Member != "" {
			want[e.File] = append(want[e.File], e.Member)
		}
	}
	want["npz/empty.npz"] = nil
	for _, e := range m.Archives {
		want[e.File] = nil
		for _, mem := range e.Members {
			want[e.File] = append(want[e.File], mem.Member)
		}
	}
	for file, names := range want {
		b := readFile(t, file)
		a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("ReadArchive(%s): %v", file, err)
			continue
		}
		var got []string
		for _, mem := range a.Members {
			got = append(got, mem.Name)
		}
		if diff := cmp.Diff(names, got, emptyShape); diff != "" {
			t.Errorf("ReadArchive(%s) members (-want +got):\n%s", file, diff)
		}
	}
}

// An archive with members that cannot be read lists them, each with the
// reason, and reads the others, as np.load does; a member with a wrong
// checksum is found out when its bytes are read in full.
func TestArchiveOutcomes(t *testing.T) {
	m := loadManifest(t)
	if len(m.Archives) < 4 {
		t.Fatalf("the manifest lists %d archives with unreadable members, want 4", len(m.Archives))
	}
	for _, e := range m.Archives {
		b := readFile(t, e.File)
		a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("ReadArchive(%s): %v, want a listing", e.File, err)
			continue
		}
		for _, w := range e.Members {
			mem, ok := a.Lookup(w.Key)
			if !ok {
				t.Errorf("%s: no member %q", e.File, w.Key)
				continue
			}
			verr := mem.Verify()
			var is error
			switch w.Ndmap {
			case "unsupported":
				is = layout.ErrUnsupported
			case "too_long":
				is = ErrTooLong
			case "checksum", "":
				if mem.Err != nil || mem.Header == nil {
					t.Errorf("%s: %s: Err = %v, header %v; want it listed and read", e.File, w.Member, mem.Err, mem.Header)
				}
				if w.Ndmap == "checksum" && !errors.Is(verr, ErrChecksum) {
					t.Errorf("%s: %s: Verify = %v, want ErrChecksum (NumPy: %s)", e.File, w.Member, verr, w.NumPy)
				}
				if w.Ndmap == "" && (verr != nil || w.NumPy != "ok") {
					t.Errorf("%s: %s: Verify = %v (NumPy: %s), want both to read it", e.File, w.Member, verr, w.NumPy)
				}
				continue
			default:
				t.Fatalf("unknown outcome %q", w.Ndmap)
			}
			if !errors.Is(mem.Err, is) || mem.Header != nil || !strings.Contains(mem.Err.Error(), w.Member) {
				t.Errorf("%s: %s: Err = %v, want one naming the member and wrapping %v", e.File, w.Member, mem.Err, is)
			}
			// The bytes of a member whose header is refused are sound.
			if verr != nil {
				t.Errorf("%s: %s: Verify = %v", e.File, w.Member, verr)
			}
		}
	}
}

// Opening a member gives exactly the bytes np.save wrote, checksummed, and a
// stored member's data sits at its DataOffset in the archive.
func TestMemberOpen(t *testing.T) {
	for _, file := range []string{"npz/savez.npz", "npz/savez_compressed.npz", "npz/descriptors.npz"} {
		b := readFile(t, file)
		a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("ReadArchive(%s): %v", file, err)
		}
		for _, mem := range a.Members {
			rc, err := mem.Open()
			if err != nil {
				t.Fatalf("%s: Open(%s): %v", file, mem.Name, err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: reading %s: %v", file, mem.Name, err)
			}
			if int64(len(data)) != mem.UncompressedSize {
				t.Errorf("%s: %s is %d bytes, want %d", file, mem.Name, len(data), mem.UncompressedSize)
			}
			if mem.Header == nil {
				if mem.Name == "notes.txt" && string(data) != "not an array\n" {
					t.Errorf("%s: notes.txt = %q", file, data)
				}
				continue
			}
			h, err := Read(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("%s: Read(%s): %v", file, mem.Name, err)
			}
			if h.DataOffset != mem.Header.DataOffset {
				t.Errorf("%s: %s data at %d in the member, listing says %d", file, mem.Name, h.DataOffset, mem.Header.DataOffset)
			}
			switch mem.Method {
			case zip.Store:
				if mem.DataOffset != mem.Offset+h.DataOffset {
					t.Errorf("%s: %s data at %d in the archive, want %d", file, mem.Name, mem.DataOffset, mem.Offset+h.DataOffset)
				}
				n := h.DataSize()
				if !bytes.Equal(b[mem.DataOffset:mem.DataOffset+n], data[h.DataOffset:h.DataOffset+n]) {
					t.Errorf("%s: %s: bytes at DataOffset are not the array data", file, mem.Name)
				}
			case zip.Deflate:
				if mem.DataOffset != 0 {
					t.Errorf("%s: deflated %s has DataOffset %d, want 0", file, mem.Name, mem.DataOffset)
				}
			}
		}
	}
}

// A corrupted stored member fails its checksum when read through Open.
func TestMemberChecksum(t *testing.T) {
	b := readFile(t, "npz/savez.npz")
	a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	mem, _ := a.Lookup("x")
	bad := bytes.Clone(b)
	bad[mem.DataOffset] ^= 0xff
	a, err = ReadArchive(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Fatal(err)
	}
	mem, _ = a.Lookup("x")
	rc, err := mem.Open()
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	if !errors.Is(err, ErrFormat) || !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), `member "x.npy"`) {
		t.Errorf("reading a corrupted member: err = %v, want ErrFormat and ErrChecksum naming x.npy", err)
	}
	if err := mem.Verify(); !errors.Is(err, ErrChecksum) {
		t.Errorf("Verify of a corrupted member = %v, want ErrChecksum", err)
	}
	start := mem.Offset
	if err := mem.VerifyBytes(bad[start : start+mem.CompressedSize]); !errors.Is(err, ErrChecksum) {
		t.Errorf("VerifyBytes of a corrupted member = %v, want ErrChecksum", err)
	}
	if err := mem.VerifyBytes(b[start : start+mem.CompressedSize]); err != nil {
		t.Errorf("VerifyBytes of the intact bytes = %v", err)
	}
	if err := mem.VerifyBytes(b[start : start+mem.CompressedSize-1]); !errors.Is(err, ErrFormat) || errors.Is(err, ErrChecksum) {
		t.Errorf("VerifyBytes of too few bytes = %v, want ErrFormat", err)
	}
}

// badWant is what each bad fixture must give beyond its kind of error: the
// offset of the problem and words of the message.
var badWant = map[string]struct {
	offset int64
	msg    string
}{
	"bad/bad_magic.npy":          {5, "bad magic number"},
	"bad/truncated_magic.npy":    {4, "truncated magic string"},
	"bad/truncated_length.npy":   {8, "truncated header length"},
	"bad/truncated_header.npy":   {10, "truncated header: 118 bytes promised, 30 in the file"},
	"bad/not_dict.npy":           {10, "header is a list, not a dict"},
	"bad/wrong_key.npy":          {51, "unexpected key 'shapes'"},
	"bad/extra_key.npy":          {66, "unexpected key 'x'"},
	"bad/missing_key.npy":        {10, "no 'fortran_order' key"},
	"bad/shape_list.npy":         {60, "shape is a list, not a tuple"},
	"bad/shape_float.npy":        {62, "floating-point"},
	"bad/fortran_not_bool.npy":   {44, "fortran_order is 0, not True or False"},
	"bad/negative_dim.npy":       {61, "negative dimension -1"},
	"bad/count_overflow.npy":     {60, "more items than int64 can count"},
	"bad/size_overflow.npy":      {60, "more bytes than a file can hold"},
	"bad/short_data.npy":         {128, "data is 32 bytes, but shape (100,) of 8-byte items needs 800"},
	"bad/version_1_1.npy":        {6, "unsupported .npy version 1.1"},
	"bad/version_4_0.npy":        {6, "unsupported .npy version 4.0"},
	"bad/header_too_long.npy":    {8, "more than the limit of 10000"},
	"bad/not_zip.npz":            {0, "not a valid .npz (zip) archive"},
	"bad/truncated.npz":          {0, "not a valid .npz (zip) archive"},
	"bad/long_suffix_v3.npy":     {64, "unexpected 'L' in integer"},
	"bad/m_without_itemsize.npy": {23, `"m[us]" has a unit but no itemsize`},
	"bad/order_before_name.npy":  {21, `byte order ">" before the type name "float64"`},
}

func TestBadFixtures(t *testing.T) {
	m := loadManifest(t)
	for _, e := range m.Bad {
		t.Run(e.File, func(t *testing.T) {
			b := readFile(t, e.File)
			var err error
			switch e.Reader {
			case "npy":
				_, err = Read(bytes.NewReader(b), int64(len(b)))
			case "npz":
				_, err = ReadArchive(bytes.NewReader(b), int64(len(b)))
			default:
				t.Fatalf("unknown reader %q", e.Reader)
			}
			if err == nil {
				t.Fatalf("reading %s: no error, want a %s error", e.File, e.Error)
			}
			if !strings.HasPrefix(err.Error(), "header: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			switch e.Error {
			case "format":
				var fe *FormatError
				if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) {
					t.Fatalf("reading %s: %v (%T), want a *FormatError", e.File, err, err)
				}
				w, ok := badWant[e.File]
				if !ok {
					t.Fatalf("no expectation for %s: %v", e.File, err)
				}
				if math.MaxInt == math.MaxInt32 && strings.Contains(e.File, "overflow") {
					// The dimension alone is already too large for int.
					w.offset, w.msg = 61, "too large for this platform"
				}
				if fe.Offset != w.offset || !strings.Contains(fe.Msg, w.msg) {
					t.Errorf("reading %s: %q at %d, want %q at %d", e.File, fe.Msg, fe.Offset, w.msg, w.offset)
				}
			case "unsupported":
				if !errors.Is(err, layout.ErrUnsupported) || errors.Is(err, ErrFormat) {
					t.Errorf("reading %s: %v, want layout.ErrUnsupported and not ErrFormat", e.File, err)
				}
			default:
				t.Fatalf("unknown error kind %q", e.Error)
			}
		})
	}
}

// NumPy's default limit refuses the header of 3445 fields; raising it reads
// the file.
func TestMaxHeaderLen(t *testing.T) {
	b := readFile(t, "npy/fields_3445.npy")
	_, err := Read(bytes.NewReader(b), int64(len(b)))
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Offset != 8 {
		t.Fatalf("Read(fields_3445.npy) = %v, want a format error at byte 8", err)
	}
	h, err := NPY{MaxHeaderLen: 75900}.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("with MaxHeaderLen 75900: %v", err)
	}
	if len(h.DType.Fields) != 3445 {
		t.Errorf("got %d fields, want 3445", len(h.DType.Fields))
	}
	if _, err := (NPY{MaxHeaderLen: 75000}).Describe(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrFormat) {
		t.Errorf("with MaxHeaderLen 75000: err = %v, want ErrFormat", err)
	}
}

// Encode gives back, byte for byte, every header NumPy 1.24 wrote.
func TestEncodeFixtures(t *testing.T) {
	m := loadManifest(t)
	n := 0
	for _, e := range m.NPY {
		if e.Raw || !e.NumpyHeader {
			continue
		}
		b := readFile(t, e.File)
		if e.Member != "" {
			a, err := bigHeaders.ReadArchive(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			mem, _ := a.Lookup(e.Member)
			rc, err := mem.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err = io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
		}
		h, err := bigHeaders.Describe(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s %s: %v", e.File, e.Member, err)
		}
		want := b[:h.DataOffset]
		versions := []Version{{}, h.Version}
		if e.ForcedVersion {
			versions = versions[1:]
		}
		for _, v := range versions {
			hv := *h
			hv.Version = v
			got, err := Encode(hv)
			if err != nil {
				t.Errorf("Encode(%s %s, version %s): %v", e.File, e.Member, v, err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Encode(%s %s, version %s) =\n%q\nNumPy wrote\n%q", e.File, e.Member, v, got, want)
			}
		}
		n++
	}
	if n < 40 {
		t.Errorf("only %d headers compared", n)
	}
}

func TestEncodeVersion(t *testing.T) {
	utf := mustRead(t, "npy/field_utf8.npy")
	many := mustRead(t, "npy/fields_3445.npy")
	f8 := mustRead(t, "npy/write_array_v2.npy")
	tests := []struct {
		name string
		h    *Header
		v    Version
		want Version // zero: an error wrapping ErrVersion
	}{
		{"utf8 name as 1.0", utf, V1, Version{}},
		{"utf8 name as 2.0", utf, V2, Version{}},
		{"utf8 name as 3.0", utf, V3, V3},
		{"utf8 name chosen", utf, Version{}, V3},
		{"3445 fields as 1.0", many, V1, Version{}},
		{"3445 fields chosen", many, Version{}, V2},
		{"3445 fields as 3.0", many, V3, V3},
		{"f8 as 1.0", f8, V1, V1},
		{"f8 as 2.0", f8, V2, V2},
		{"f8 as 3.0", f8, V3, V3},
		{"f8 as 1.1", f8, Version{1, 1}, Version{}},
		{"f8 as 4.0", f8, Version{4, 0}, Version{}},
	}
	for _, tt := range tests {
		h := *tt.h
		h.Version = tt.v
		b, err := Encode(h)
		if tt.want.IsZero() {
			if !errors.Is(err, ErrVersion) {
				t.Errorf("%s: Encode err = %v, want ErrVersion", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Encode: %v", tt.name, err)
			continue
		}
		if got := (Version{b[6], b[7]}); got != tt.want {
			t.Errorf("%s: version %s, want %s", tt.name, got, tt.want)
		}
		if len(b)%64 != 0 {
			t.Errorf("%s: header is %d bytes, not a multiple of 64", tt.name, len(b))
		}
	}
}

func mustRead(t testing.TB, name string) *Header {
	t.Helper()
	b := readFile(t, name)
	h, err := bigHeaders.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return h
}

func TestEncodeErrors(t *testing.T) {
	if _, err := Encode(Header{DType: layout.Float64, Shape: []int{-1}}); err == nil {
		t.Error("Encode with a negative dimension: no error")
	}
	if _, err := Encode(Header{Shape: []int{1}}); err == nil {
		t.Error("Encode with the zero DType: no error")
	}
	var buf bytes.Buffer
	n, err := Write(&buf, Header{DType: layout.Float64, Shape: []int{2, 3}})
	if err != nil || n != 128 || int64(buf.Len()) != n {
		t.Errorf("Write = %d, %v; wrote %d bytes, want 128", n, err, buf.Len())
	}
}

// Headers with an odd shape or no data: Count, DataSize and the edge cases
// of Read on hand-made input.
func TestReadEdges(t *testing.T) {
	mk := func(text string, data int) []byte {
		b := []byte("\x93NUMPY\x01\x00")
		b = append(b, byte(len(text)), byte(len(text)>>8))
		b = append(b, text...)
		return append(b, make([]byte, data)...)
	}
	tests := []struct {
		name  string
		in    []byte
		shape []int
		count int64
		err   string
	}{
		{"no padding or newline", mk("{'descr':'<f8','fortran_order':False,'shape':(2,)}", 16), []int{2}, 2, ""},
		{"double quotes, CRLF", mk("{\"descr\": \"<i2\", \"fortran_order\": True, \"shape\": (3, 1), }\r\n", 6), []int{3, 1}, 3, ""},
		{"duplicate key, last wins", mk("{'descr': '<f8', 'fortran_order': False, 'shape': (100,), 'shape': (1,)}\n", 8), []int{1}, 1, ""},
		{"trailing data", mk("{'descr': '|u1', 'fortran_order': False, 'shape': (), }\n", 100), nil, 1, ""},
		{"empty file", nil, nil, 0, "truncated magic string"},
		{"key not a string", mk("{'descr': '<f8', 'fortran_order': False, 1: (2,)}\n", 16), nil, 0, "unexpected key 1"},
		{"syntax", mk("{'descr': '<f8', 'fortran_order': False, 'shape': (2,}\n", 16), nil, 0, "not a Python literal"},
		{"bad descr", mk("{'descr': '<q9', 'fortran_order': False, 'shape': (2,)}\n", 16), nil, 0, "bad descr"},
		{"huge dimension", mk("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}\n", 16), nil, 0, "too large"},
	}
	for _, tt := range tests {
		h, err := Read(bytes.NewReader(tt.in), int64(len(tt.in)))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrFormat) {
				t.Errorf("%s: Read err = %v, want a format error containing %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Read: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.shape, h.Shape, emptyShape); diff != "" || h.Count() != tt.count {
			t.Errorf("%s: shape %v count %d, want %v count %d", tt.name, h.Shape, h.Count(), tt.shape, tt.count)
		}
	}
}

// A dimension that does not fit in int is an error on 32-bit platforms only.
func TestDimensionFitsInt(t *testing.T) {
	text := "{'descr': '|u1', 'fortran_order': False, 'shape': (3000000000, 0), }\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(text)), 0)
	b = append(b, text...)
	h, err := Read(bytes.NewReader(b), int64(len(b)))
	if math.MaxInt == math.MaxInt32 {
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "too large for this platform") {
			t.Errorf("Read = %v, want a dimension too large for this platform", err)
		}
		return
	}
	if err != nil || int64(h.Shape[0]) != 3000000000 {
		t.Errorf("Read = %+v, %v; want shape (3000000000, 0)", h, err)
	}
}

func TestRawFixtures(t *testing.T) {
	m := loadManifest(t)
	for _, e := range m.Raw {
		b := readFile(t, e.File)
		dt, err := layout.ParseDescr(e.Descr)
		if err != nil {
			t.Fatalf("%s: ParseDescr(%s): %v", e.File, e.Descr, err)
		}
		var d Describer
		switch e.Kind {
		case "fixed":
			d = Raw{Offset: e.Offset, DType: dt, Shape: e.Request}
		case "record":
			hdr, err := layout.ParseDescr(e.Header)
			if err != nil {
				t.Fatalf("%s: ParseDescr(%s): %v", e.File, e.Header, err)
			}
			off := int64(0)
			if e.Offset != int64(hdr.Size) {
				off = e.Offset
			}
			d = Record{Header: hdr, Shape: e.Fields, DType: dt, DataOffset: off}
		}
		h, err := d.Describe(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("%s: Describe: %v", e.File, err)
			continue
		}
		want := &Header{DType: dt, Shape: e.Shape, DataOffset: e.Offset}
		if diff := cmp.Diff(want, h, cmp.Comparer(layout.DType.Equal)); diff != "" {
			t.Errorf("%s: Describe (-want +got):\n%s", e.File, diff)
		}
	}
}

func TestRawErrors(t *testing.T) {
	rec, err := layout.ParseDescr("[('rows', '<i4'), ('cols', '<i4'), ('scale', '<f8')]")
	if err != nil {
		t.Fatal(err)
	}
	half, err := layout.ParseDescr("[('n', '<f2')]")
	if err != nil {
		t.Fatal(err)
	}
	be, err := layout.ParseDescr("[('rows', '>u2'), ('cols', '>i2')]")
	if err != nil {
		t.Fatal(err)
	}
	le := func(vals ...int32) []byte {
		var b []byte
		for _, v := range vals {
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		}
		return b
	}
	f64 := func(b []byte, bits uint64) []byte {
		for i := 0; i < 8; i++ {
			b = append(b, byte(bits>>(8*i)))
		}
		return b
	}
	tests := []struct {
		name string
		d    Describer
		in   []byte
		want []int
		err  string
	}{
		{"whole items", Raw{DType: layout.Float64}, make([]byte, 24), []int{3}, ""},
		{"empty file", Raw{DType: layout.Float64}, nil, []int{0}, ""},
		{"-1 inner", Raw{Offset: 4, DType: layout.Int16, Shape: []int{2, -1}}, make([]byte, 16), []int{2, 3}, ""},
		{"partial item", Raw{DType: layout.Float64}, make([]byte, 20), nil, "not a whole number of 8-byte items"},
		{"partial row", Raw{DType: layout.Int16, Shape: []int{-1, 3}}, make([]byte, 8), nil, "not a whole number of 6-byte rows"},
		{"partial step", Raw{DType: layout.Int16, Shape: []int{2, -1}}, make([]byte, 6), nil, "not a whole number of 4-byte steps along axis 1"},
		{"too short", Raw{DType: layout.Float64, Shape: []int{2, 2}}, make([]byte, 24), nil, "data is 24 bytes, but shape (2, 2) of 8-byte items needs 32"},
		{"offset past end", Raw{Offset: 9, DType: layout.Uint8}, make([]byte, 8), nil, "past the end"},
		{"record", Record{Header: rec, Shape: []string{"rows", "cols"}, DType: layout.Uint8}, append(f64(le(2, 3), 0), make([]byte, 6)...), []int{2, 3}, ""},
		{"float dim", Record{Header: rec, Shape: []string{"scale"}, DType: layout.Uint8}, append(f64(le(2, 3), 0x4010000000000000), make([]byte, 4)...), []int{4}, ""},
		{"fractional dim", Record{Header: rec, Shape: []string{"scale"}, DType: layout.Uint8}, f64(le(2, 3), 0x3ff8000000000000), nil, "not a whole number"},
		{"negative dim", Record{Header: rec, Shape: []string{"rows", "cols"}, DType: layout.Uint8}, f64(le(-2, 3), 0), nil, `"rows" is negative: -2`},
		{"short record", Record{Header: rec, Shape: []string{"rows"}, DType: layout.Uint8}, le(2, 3), nil, "too short for its 16-byte header record"},
		{"half-float dim", Record{Header: half, Shape: []string{"n"}, DType: layout.Uint8}, []byte{0, 0x42, 1, 2, 3}, []int{3}, ""},
		{"half-float NaN", Record{Header: half, Shape: []string{"n"}, DType: layout.Uint8}, []byte{1, 0x7e, 1, 2, 3}, nil, "not a whole number"},
		{"big-endian dims", Record{Header: be, Shape: []string{"rows", "cols"}, DType: layout.Uint8}, []byte{0, 1, 0, 2, 0, 0, 9, 9}, []int{1, 2}, ""},
		{"short data", Record{Header: rec, Shape: []string{"rows", "cols"}, DType: layout.Uint8}, f64(le(2, 3), 0), nil, "needs 6"},
	}
	for _, tt := range tests {
		h, err := tt.d.Describe(bytes.NewReader(tt.in), int64(len(tt.in)))
		if tt.err != "" {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want a format error containing %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !cmp.Equal(h.Shape, tt.want) {
			t.Errorf("%s: shape %v, want %v", tt.name, h.Shape, tt.want)
		}
	}
}

// Descriptions that describe no file are refused by Validate and Describe
// with an error naming the field, not a panic.
func TestRawValidate(t *testing.T) {
	rec, err := layout.ParseDescr("[('rows', '<i4'), ('name', '|S4'), ('pair', '<i4', (2,))]")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		d    interface {
			Describer
			Validate() error
		}
		msg string
	}{
		{"negative offset", Raw{Offset: -1, DType: layout.Uint8}, "header: Raw.Offset -1 is negative"},
		{"two -1", Raw{DType: layout.Uint8, Shape: []int{-1, -1, 3}}, "header: Raw.Shape [-1 -1 3] has more than one -1"},
		{"below -1", Raw{DType: layout.Uint8, Shape: []int{-2}}, "header: Raw.Shape [-2] has a negative dimension"},
		{"zero dtype", Raw{Shape: []int{2}}, "header: Raw.DType is the zero DType"},
		{"-1 of nothing", Raw{DType: layout.DType{Kind: layout.Void, Order: layout.NotApplicable}, Shape: []int{-1}}, "Raw.DType V0 has no bytes"},
		{"nil shape of nothing", Raw{DType: layout.DType{Kind: layout.Bytes, Order: layout.NotApplicable}}, "Raw.DType S0 has no bytes"},
		{"not a struct", Record{Header: layout.Int32, Shape: []string{"rows"}, DType: layout.Uint8}, "header: Record.Header int32 is not a record"},
		{"no such field", Record{Header: rec, Shape: []string{"cols"}, DType: layout.Uint8}, `Record.Shape names "cols", which is not a field`},
		{"not a number", Record{Header: rec, Shape: []string{"name"}, DType: layout.Uint8}, `field "name" of Record.Header, which is S4`},
		{"sub-array", Record{Header: rec, Shape: []string{"pair"}, DType: layout.Uint8}, `field "pair" of Record.Header, which is not one number`},
		{"negative data offset", Record{Header: rec, DataOffset: -4, DType: layout.Uint8}, "header: Record.DataOffset -4 is negative"},
		{"zero record dtype", Record{Header: rec, Shape: []string{"rows"}}, "header: Record.DType is the zero DType"},
	}
	for _, tt := range tests {
		err := tt.d.Validate()
		if !errors.Is(err, ErrDescription) || !strings.Contains(err.Error(), tt.msg) || strings.Count(err.Error(), "header: ") != 1 {
			t.Errorf("%s: Validate() = %v, want ErrDescription with %q", tt.name, err, tt.msg)
		}
		h, err2 := tt.d.Describe(bytes.NewReader(make([]byte, 64)), 64)
		if h != nil || err2 == nil || err2.Error() != err.Error() {
			t.Errorf("%s: Describe = %v, %v, want Validate's error", tt.name, h, err2)
		}
	}
	for _, d := range []interface{ Validate() error }{
		Raw{DType: layout.Uint8},
		Raw{DType: layout.Float64, Shape: []int{2, -1}},
		Raw{DType: layout.DType{Kind: layout.Void, Order: layout.NotApplicable}, Shape: []int{3}},
		Record{Header: rec, Shape: []string{"rows"}, DType: layout.Uint8},
	} {
		if err := d.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", d, err)
		}
	}
}

// An archive with more than 65535 members has a zip64 end of central
// directory; the member after them is still found, with its data offset.
func TestArchiveZip64(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 6 MB archive")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 1 << 16 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprint(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	npy := readFile(t, "npy/channels.npy")
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "channels.npy", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(npy)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("ReadArchive: %v", err)
	}
	if len(a.Members) != 1<<16+1 {
		t.Fatalf("%d members, want %d", len(a.Members), 1<<16+1)
	}
	m, ok := a.Lookup("channels")
	if !ok || m.Header == nil {
		t.Fatalf("Lookup(channels) = %v, %v", m, ok)
	}
	if got := b[m.DataOffset : m.DataOffset+m.Header.DataSize()]; !bytes.Equal(got, npy[128:]) {
		t.Error("the bytes at DataOffset are not the array data")
	}
}

// A broken .npy member is reported with the member's name and the offset
// of the problem in the archive.
func TestArchiveBadMember(t *testing.T) {
	b := bytes.Clone(readFile(t, "npz/savez.npz"))
	a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := a.Lookup("y")
	b[m.Offset+6] = 9 // the major version
	a, err = ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("ReadArchive with one bad member: %v", err)
	}
	m, _ = a.Lookup("y")
	var fe *FormatError
	if !errors.As(m.Err, &fe) || m.Header != nil || fe.Offset != m.Offset+6 || !strings.Contains(fe.Msg, `member "y.npy": unsupported .npy version 9.0`) {
		t.Errorf("member y.Err = %v, want version 9.0 of y.npy at byte %d", m.Err, m.Offset+6)
	}
	if x, _ := a.Lookup("x"); x.Err != nil || x.Header == nil {
		t.Errorf("member x = %+v, want it read", x)
	}
}
