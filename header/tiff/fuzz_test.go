package tiff_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/tiff"
	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that Read never panics, that its errors are format
// errors, and that a series it returns is consistent: one axis letter per
// dimension, and data that lies inside the file.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, testdata, "*.tif") {
		f.Add(b)
	}
	for _, c := range craftedCases() {
		f.Add(c.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := tiff.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, header.ErrFormat) {
				t.Fatalf("Read error %v is not a format error", err)
			}
			return
		}
		h := s.Header()
		if len(s.Axes) != len(s.Shape) || h.DataSize() < 0 || h.DataOffset < 0 || h.DataOffset+h.DataSize() > int64(len(b)) || s.DType.Size == 0 {
			t.Fatalf("Read = %+v for a %d-byte file", s, len(b))
		}
	})
}
