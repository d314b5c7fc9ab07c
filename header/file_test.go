package header

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/layout"
)

// TestDescribeFile reads headers by path: errors name the file once, after
// one "header: " prefix, and wrap *fs.PathError where the OS failed.
func TestDescribeFile(t *testing.T) {
	h, err := DescribeFile("../testdata/npy/frames.npy", NPY{})
	if err != nil || layout.FormatShape(h.Shape) != "(5, 4, 3)" {
		t.Fatalf("DescribeFile(frames.npy) = %+v, %v", h, err)
	}
	h, err = DescribeFile("../testdata/raw/frames.f32", Raw{DType: layout.Float32, Shape: []int{-1, 4, 3}})
	if err != nil || h.Shape[0] != 5 {
		t.Fatalf("DescribeFile(frames.f32) = %+v, %v", h, err)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.npy")
	if err := os.WriteFile(bad, []byte("\x93NUMPY\x09\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		d    Describer
		is   error
		msg  string
	}{
		{"missing", filepath.Join(dir, "missing.npy"), NPY{}, fs.ErrNotExist, "missing.npy"},
		{"directory", dir, NPY{}, nil, "is a directory"},
		{"bad version", bad, NPY{}, ErrFormat, bad + ": unsupported .npy version 9.0"},
		{"bad description", bad, Raw{Offset: -1, DType: layout.Uint8}, ErrDescription, "Raw.Offset -1"},
		{"short raw", bad, Raw{DType: layout.Float64, Shape: []int{2}}, ErrFormat, bad + ": data is 8 bytes"},
	}
	for _, tt := range tests {
		_, err := DescribeFile(tt.path, tt.d)
		if err == nil || tt.is != nil && !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) ||
			!strings.HasPrefix(err.Error(), "header: ") || strings.Count(err.Error(), "header: ") != 1 {
			t.Errorf("%s: DescribeFile = %v, want an error with %q", tt.name, err, tt.msg)
		}
		var pe *fs.PathError
		if (tt.name == "missing" || tt.name == "directory") && !errors.As(err, &pe) {
			t.Errorf("%s: DescribeFile = %v, want a *fs.PathError", tt.name, err)
		}
	}
}

// TestOpenArchive opens an archive by path; its members open without the
// reader being passed back, until the archive is closed.
func TestOpenArchive(t *testing.T) {
	a, err := OpenArchive("../testdata/npz/savez_compressed.npz")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range a.Members {
		if m.Method != zip.Deflate || m.DataOffset != 0 {
			t.Errorf("%s: method %d, DataOffset %d; want deflated with no data offset", m.Name, m.Method, m.DataOffset)
		}
		rc, err := m.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || int64(len(b)) != m.UncompressedSize {
			t.Errorf("%s: read %d bytes, %v; want %d", m.Name, len(b), err, m.UncompressedSize)
		}
	}
	if err := a.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := a.Members[0].Open(); err == nil {
		t.Errorf("Open after Close succeeded")
	} else if _, err := a.Members[0].Open(); err == nil || !strings.HasPrefix(err.Error(), "header: ") {
		t.Errorf("Open after Close = %v, want a header: error", err)
	}

	_, err = OpenArchive("../testdata/npy/frames.npy")
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Path != "../testdata/npy/frames.npy" || strings.Count(err.Error(), "zip: ") != 0 {
		t.Errorf("OpenArchive(a .npy file) = %v, want a *FormatError naming the file, without zip's prefix", err)
	}
}

// TestEncodeSize writes headers of a given length, as an appender rewrites
// a header in place.
func TestEncodeSize(t *testing.T) {
	h := Header{DType: layout.Float32, Shape: []int{3, 4}}
	enc, err := Encode(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{len(enc), 80, 4096} {
		h.Shape[0] = 1000
		b, err := EncodeSize(h, size)
		full := append(bytes.Clone(b), make([]byte, h.DataSize())...)
		if err != nil || len(b) != size || b[len(b)-1] != '\n' {
			t.Fatalf("EncodeSize(%d) = %d bytes, %v", size, len(b), err)
		}
		got, err := Read(bytes.NewReader(full), int64(len(full)))
		if err != nil || got.Shape[0] != 1000 || got.DataOffset != int64(size) || got.Version != V1 {
			t.Errorf("EncodeSize(%d) reads back as %+v, %v", size, got, err)
		}
	}
	if _, err := EncodeSize(h, 40); !errors.Is(err, ErrNoRoom) {
		t.Errorf("EncodeSize(40) = %v, want ErrNoRoom", err)
	}
	// A version 2.0 header keeps its 4-byte length.
	h.Version = V2
	b, err := EncodeSize(h, 128)
	if err != nil || b[6] != 2 || len(b) != 128 {
		t.Errorf("EncodeSize of version 2.0 = % x, %v", b[:8], err)
	}
	// A header NumPy would pad by a whole 64 bytes is byte for byte NumPy's
	// from Encode, and as short as it can be from EncodeSize.
	for n := 1; n < 200; n++ {
		name := strings.Repeat("x", n)
		dt, err := layout.StructOf([]layout.Field{{Name: name, Type: layout.Uint8}}, 1)
		if err != nil {
			t.Fatal(err)
		}
		h := Header{DType: dt, Shape: []int{1}}
		enc, err := Encode(h)
		if err != nil {
			t.Fatal(err)
		}
		if pad := len(enc) - len(bytes.TrimRight(enc[:len(enc)-1], " ")) - 1; pad < 1 || pad > 64+growthDigits {
			t.Fatalf("Encode of a %d-byte name padded by %d", n, pad)
		}
	}
}

// TestOnePrefix checks that errors carried up from the layout package, the
// zip reader or the inflater read "header: ..." once.
func TestOnePrefix(t *testing.T) {
	npy := func(descr string) []byte {
		text := "{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,), }"
		text += strings.Repeat(" ", 117-len(text)) + "\n"
		return append([]byte("\x93NUMPY\x01\x00\x76\x00"), append([]byte(text), make([]byte, 16)...)...)
	}
	for _, tt := range []struct {
		name   string
		in     []byte
		is     error
		not    error
		substr string
	}{
		{"bad descr", npy("'<q9'"), ErrFormat, nil, `bad descr: unknown type "q9"`},
		{"object dtype", npy("'|O'"), layout.ErrUnsupported, ErrFormat, "cannot map dtype '|O' at byte 22: Python objects"},
	} {
		_, err := Read(bytes.NewReader(tt.in), int64(len(tt.in)))
		if !errors.Is(err, tt.is) || tt.not != nil && errors.Is(err, tt.not) || !strings.Contains(err.Error(), tt.substr) ||
			strings.Count(err.Error(), "header: ") != 1 || strings.Contains(err.Error(), "layout: ") {
			t.Errorf("%s: Read = %v, want one header: prefix and %q", tt.name, err, tt.substr)
		}
	}
	// A corrupt deflated member, found while its header is inflated.
	var buf bytes.Buffer
	z := NewNPZWriter(&buf, NPZOptions{Compress: true})
	w, err := z.Create("a", Header{DType: layout.Uint8, Shape: []int{1000}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 1000))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	a, err := ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		b[a.Members[0].Offset+int64(i)] = 0xff
	}
	a, err = ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	err = a.Members[0].Err
	if !errors.Is(err, ErrFormat) || strings.Count(err.Error(), "header: ") != 1 || strings.Contains(err.Error(), "flate: ") ||
		!strings.Contains(err.Error(), `member "a.npy"`) {
		t.Errorf("ReadArchive of a corrupt deflated member = %v, want one header: error naming a.npy", err)
	}
}

// TestTooLong checks that a header over the cap can be told from other
// format errors without reading the message.
func TestTooLong(t *testing.T) {
	b := readFile(t, "npy/fields_3445.npy")
	_, err := Read(bytes.NewReader(b), int64(len(b)))
	if !errors.Is(err, ErrTooLong) || !errors.Is(err, ErrFormat) {
		t.Errorf("Read(fields_3445.npy) = %v, want ErrTooLong and ErrFormat", err)
	}
	if _, err := (NPY{MaxHeaderLen: 1 << 20}).Describe(bytes.NewReader(b), int64(len(b))); err != nil {
		t.Errorf("with the cap raised: %v", err)
	}
}

// TestOpenArchiveMemberErrors checks that the errors of members of an
// archive opened by path name the file once.
func TestOpenArchiveMemberErrors(t *testing.T) {
	for _, tt := range []struct {
		file, key string
		verify    bool // the error comes from reading the bytes
		is        error
	}{
		{"../testdata/npz/partial.npz", "obj", false, layout.ErrUnsupported},
		{"../testdata/npz/partial_compressed.npz", "wide", false, ErrTooLong},
		{"../testdata/npz/crc_stored.npz", "x", true, ErrChecksum},
		{"../testdata/npz/crc_deflated.npz", "x", true, ErrChecksum},
	} {
		a, err := OpenArchive(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := a.Lookup(tt.key)
		err = m.Err
		if tt.verify {
			err = m.Verify()
		}
		if !errors.Is(err, tt.is) || strings.Count(err.Error(), tt.file) != 1 || strings.Count(err.Error(), "header: ") != 1 {
			t.Errorf("%s:%s: %v, want an error wrapping %v that names the file once", tt.file, tt.key, err, tt.is)
		}
		a.Close()
	}
}
