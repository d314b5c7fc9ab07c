package tiff_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/ndmap/ndmap/header/tiff"
)

// BenchmarkRead reads the structure of stacks of many small pages, which
// for plain pages means every IFD, against reading the file's bytes once.
func BenchmarkRead(b *testing.B) {
	for _, n := range []int{100, 10000} {
		file := build(false, binary.LittleEndian, pagesOf(n, gray(8, 8, 16, 1), 128), false)
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tiff.Read(bytes.NewReader(file), int64(len(file))); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("pages=%d/copy", n), func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			buf := make([]byte, len(file))
			for b.Loop() {
				bytes.NewReader(file).ReadAt(buf, 0)
			}
		})
	}
}
