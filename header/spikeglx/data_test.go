package spikeglx_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/mmap"
)

// openData maps the file at path as d describes it and returns its header
// and the array's bytes in C order. It is the one place these tests use
// the array package.
func openData(t *testing.T, path string, d header.Describer) (header.Header, []byte) {
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

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
