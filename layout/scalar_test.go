package layout

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func mustType(t *testing.T, s string) DType {
	t.Helper()
	d, err := ParseTypeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var scalarTests = []struct {
	typ  string
	in   []byte
	want any // int64, uint64, float64, complex128 or string
}{
	{"i1", []byte{0xff}, int64(-1)},
	{"<i2", []byte{0xfe, 0xff}, int64(-2)},
	{">i2", []byte{0xff, 0xfe}, int64(-2)},
	{"<i4", []byte{0, 0, 0, 0x80}, int64(math.MinInt32)},
	{">i8", []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, int64(math.MaxInt64)},
	{"<M8[s]", []byte{0, 0, 0, 0, 0, 0, 0, 0x80}, int64(math.MinInt64)},
	{">m8[10s]", []byte{0, 0, 0, 0, 0, 0, 0x01, 0x00}, int64(256)},
	{"u1", []byte{0xff}, uint64(255)},
	{"b1", []byte{1}, uint64(1)},
	{">u4", []byte{0xde, 0xad, 0xbe, 0xef}, uint64(0xdeadbeef)},
	{"<u8", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint64(math.MaxUint64)},
	{"<f2", []byte{0x00, 0x3c}, 1.0},
	{">f2", []byte{0xc0, 0x00}, -2.0},
	{"<f2", []byte{0x01, 0x00}, math.Ldexp(1, -24)},
	{"<f4", []byte{0x00, 0x00, 0xc0, 0x3f}, 1.5},
	{">f8", []byte{0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}, 0.1},
	{"<c8", []byte{0, 0, 0xc0, 0x3f, 0, 0, 0x80, 0xbe}, complex(1.5, -0.25)},
	{">c16", []byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0}, complex(1, -2)},
	{"S5", []byte("ab\x00c\x00"), "ab\x00c"},
	{"S3", []byte("\x00\x00\x00"), ""},
	{"<U3", []byte{'a', 0, 0, 0, 0xe9, 0, 0, 0, 0, 0, 0, 0}, "aé"},
	{">U2", []byte{0, 0, 0x03, 0xb1, 0, 0, 0xd8, 0}, "α\xed\xa0\x80"}, // a lone surrogate in WTF-8
	{"<U3", []byte{0x05, 0xd8, 0, 0, 'b', 0, 0, 0, 0xff, 0xdf, 0, 0}, "\xed\xa0\x85b\xed\xbf\xbf"},
	{"<U1", []byte{0, 0, 0x11, 0}, "\uFFFD"},
	{"<U1", []byte{0xff, 0xff, 0xff, 0xff}, "\uFFFD"},
}

func TestScalars(t *testing.T) {
	for _, tt := range scalarTests {
		d := mustType(t, tt.typ)
		var got any
		switch tt.want.(type) {
		case int64:
			got = d.Int(tt.in)
		case uint64:
			got = d.Uint(tt.in)
		case float64:
			got = d.Float(tt.in)
		case complex128:
			got = d.Complex(tt.in)
		case string:
			got = d.Text(tt.in)
		}
		if got != tt.want {
			t.Errorf("%s of % x = %v, want %v", tt.typ, tt.in, got, tt.want)
		}
	}
}

// TestPutText writes strings into S and U items and reads them back.
func TestPutText(t *testing.T) {
	for _, tt := range []struct {
		typ, in string
		want    []byte // nil: an error
		back    string
	}{
		{"S3", "ab", []byte("ab\x00"), "ab"},
		{"S3", "abc", []byte("abc"), "abc"},
		{"S3", "abcd", nil, ""},
		{"S2", "\xff", []byte{0xff, 0}, "\xff"},
		{"<U2", "é", []byte{0xe9, 0, 0, 0, 0, 0, 0, 0}, "é"},
		{">U2", "a\xed\xa0\x85", []byte{0, 0, 0, 'a', 0, 0, 0xd8, 0x05}, "a\xed\xa0\x85"},
		{"<U1", "\xff", []byte{0xfd, 0xff, 0, 0}, "\uFFFD"},
		{"<U1", "ab", nil, ""},
		{"<U0", "", []byte{}, ""},
	} {
		d := mustType(t, tt.typ)
		b := make([]byte, d.Size)
		for i := range b {
			b[i] = 0xee
		}
		ok := d.PutText(b, tt.in)
		switch {
		case tt.want == nil:
			if ok || bytes.Count(b, []byte{0xee}) != len(b) {
				t.Errorf("%s.PutText(%q) = %v, % x; want false and b untouched", tt.typ, tt.in, ok, b)
			}
		case !ok || string(b) != string(tt.want) || d.Text(b) != tt.back:
			t.Errorf("%s.PutText(%q) = %v, % x reading back %q; want % x reading back %q", tt.typ, tt.in, ok, b, d.Text(b), tt.want, tt.back)
		}
	}
}

// TestScalarPanics checks that a method for the wrong kind, or too few
// bytes, panics with a message naming the dtype.
func TestScalarPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"Int of a float", func() { Float64.Int(make([]byte, 8)) }},
		{"Uint of an int", func() { Int32.Uint(make([]byte, 4)) }},
		{"Float of a complex", func() { Complex64.Float(make([]byte, 8)) }},
		{"Complex of a float", func() { Float64.Complex(make([]byte, 16)) }},
		{"Text of an int", func() { Int8.Text(make([]byte, 1)) }},
		{"PutText of a float", func() { Float32.PutText(make([]byte, 4), "") }},
		{"PutText short", func() { mustType(t, "<U2").PutText(make([]byte, 4), "") }},
		{"short", func() { Int64.Int(make([]byte, 4)) }},
	}
	for _, tt := range tests {
		got := func() (r any) {
			defer func() { r = recover() }()
			tt.fn()
			return nil
		}()
		if s := fmt.Sprint(got); got == nil || !strings.HasPrefix(s, "layout: DType.") {
			t.Errorf("%s: panic %v, want one naming the method and dtype", tt.name, got)
		}
	}
}

func TestFormatShape(t *testing.T) {
	for _, tt := range []struct {
		in   []int
		want string
	}{
		{nil, "()"},
		{[]int{}, "()"},
		{[]int{3}, "(3,)"},
		{[]int{2, 3}, "(2, 3)"},
		{[]int{0, 10, 1}, "(0, 10, 1)"},
	} {
		if got := FormatShape(tt.in); got != tt.want {
			t.Errorf("FormatShape(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOnePrefix checks that errors about nested fields say "layout: " once,
// at the start, with the field's path after it.
func TestOnePrefix(t *testing.T) {
	inner := DType{Kind: Int, Order: LittleEndian, Size: 3}
	mid := DType{Kind: Struct, Order: NotApplicable, Size: 3, Fields: []Field{{Name: "b", Type: inner}}}
	d := DType{Kind: Struct, Order: NotApplicable, Size: 3, Fields: []Field{{Name: "a", Type: mid}}}
	_, err := d.Descr()
	if !errors.Is(err, ErrDescr) || strings.Count(err.Error(), "layout: ") != 1 ||
		!strings.HasPrefix(err.Error(), "layout: ") || !strings.Contains(err.Error(), `field "a.b"`) {
		t.Errorf("Descr() of a bad nested field = %v, want one layout: error naming a.b", err)
	}
	_, err = ParseDescr("[('a', [('b', '<i3')])]")
	if !errors.Is(err, ErrDescr) || strings.Count(err.Error(), "layout: ") != 1 {
		t.Errorf("ParseDescr of a bad nested field = %v, want one layout: prefix", err)
	}
}
