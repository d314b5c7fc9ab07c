package bench

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// archiveMembers is the number of members of the archive benchmarks: as
// many small arrays as a user's archive of per-trial results holds.
const archiveMembers = 4000

// writeArchive writes an .npz archive of archiveMembers float64 arrays of
// shape (16,), stored as np.savez stores them (unaligned), and returns its
// path.
func writeArchive(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "many.npz")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	z := header.NewNPZWriter(f, header.NPZOptions{})
	item := make([]byte, 16*8)
	for i := range archiveMembers {
		w, err := z.Create(fmt.Sprintf("trial%04d", i), header.Header{DType: layout.Float64, Shape: []int{16}})
		if err != nil {
			b.Fatal(err)
		}
		w.Write(item)
	}
	if err := z.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkArchive compares opening an archive of 4000 small members and
// reading every member into memory: with archive/zip and header.ReadStream
// (the plain way), against array.OpenArchive with LoadMember per key, and
// with OpenMember, CopyTo and Close per key. One operation reads the whole
// archive.
func BenchmarkArchive(b *testing.B) {
	path := writeArchive(b)
	var zipNs float64
	b.Run("zip", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			zr, err := zip.OpenReader(path)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					b.Fatal(err)
				}
				h, rest, err := header.ReadStream(rc)
				if err != nil {
					b.Fatal(err)
				}
				data := make([]byte, h.DataSize())
				if _, err := io.ReadFull(rest, data); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
			zr.Close()
		}
		zipNs = nsPerOp(b)
	})
	b.Run("LoadMember", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			z, err := array.OpenArchive(path, mmap.ReadOnly)
			if err != nil {
				b.Fatal(err)
			}
			for _, key := range z.Keys() {
				if data, _, err := array.LoadMember[float64](z, key); err != nil || len(data) != 16 {
					b.Fatal(key, err)
				}
			}
			z.Close()
		}
		reportFaster(b, zipNs)
	})
	b.Run("OpenMember", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]float64, 16)
		for b.Loop() {
			z, err := array.OpenArchive(path, mmap.ReadOnly)
			if err != nil {
				b.Fatal(err)
			}
			for _, key := range z.Keys() {
				a, err := array.OpenMember[float64](z, key)
				if err != nil {
					b.Fatal(err)
				}
				a.CopyTo(buf)
				a.Close()
			}
			z.Close()
		}
		reportFaster(b, zipNs)
	})
}
