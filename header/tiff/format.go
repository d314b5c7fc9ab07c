package tiff

import (
	"bytes"

	"github.com/ndmap/ndmap/header"
)

func init() {
	header.RegisterFormat(header.Format{
		Name:       "tiff",
		Extensions: []string{".tif", ".tiff", ".btf", ".tf8"},
		Match:      match,
		Describer:  func(string) (header.Describer, error) { return Describer{}, nil },
	})
}

// match claims files that start with a TIFF or BigTIFF header in either
// byte order.
func match(_ string, head []byte) bool {
	for _, magic := range [][]byte{[]byte("II*\x00"), []byte("MM\x00*"), []byte("II+\x00"), []byte("MM\x00+")} {
		if bytes.HasPrefix(head, magic) {
			return true
		}
	}
	return false
}
