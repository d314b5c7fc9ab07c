package envi_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that Read never panics, that its errors are format
// errors, and that a header it reads either is refused by Encode or
// encodes to text that reads back as the same header.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, testdata, "*.hdr") {
		f.Add(b)
	}
	for _, tt := range readTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := envi.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, header.ErrFormat) {
				t.Fatalf("Read error %v is not a format error", err)
			}
			return
		}
		a := h.Array()
		if a.DataSize() < 0 || a.DataOffset < 0 {
			t.Fatalf("Array() = %+v for a header Read accepted", a)
		}
		if d, err := h.Describe(nil, a.DataOffset+a.DataSize()); err != nil || !cmp.Equal(d, a) {
			t.Fatalf("Describe of a file just big enough = %+v, %v; Array() = %+v", d, err, a)
		}
		if a.DataSize() > 0 {
			if _, err := h.Describe(nil, a.DataOffset+a.DataSize()-1); err == nil {
				t.Fatal("Describe accepted a data file one byte short")
			}
		}
		enc, err := h.Encode()
		if err != nil {
			return
		}
		h2, err := envi.Read(bytes.NewReader(enc), int64(len(enc)))
		if err != nil {
			t.Fatalf("reading back %q: %v", enc, err)
		}
		if diff := cmp.Diff(h, h2, cmpopts.IgnoreFields(envi.Field{}, "Offset")); diff != "" {
			t.Fatalf("round trip through %q (-read +reread):\n%s", enc, diff)
		}
	})
}
