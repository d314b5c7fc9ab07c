// Package arraytest reads fixtures through the array package for the
// external tests of the format packages, so that they check the bytes a
// mapping hands out, not only the header. It is the one place those tests
// use array; internal tests of a format cannot import it (array imports the
// formats) and decode bytes with reftest instead.
package arraytest

import (
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/mmap"
)

// OpenData maps the file at path as d describes it and returns its header
// and the array's bytes in C order.
func OpenData(t testing.TB, path string, d header.Describer) (header.Header, []byte) {
	t.Helper()
	f, err := array.OpenRawFile(path, mmap.ReadOnly, d)
	if err != nil {
		t.Fatalf("array.OpenRawFile(%s): %v", path, err)
	}
	defer f.Close()
	it := f.Items()
	b := make([]byte, it.Size()*it.DType().Size)
	it.CopyTo(b)
	return f.Header(), b
}
