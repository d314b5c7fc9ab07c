package array_test

import (
	"bufio"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
)

// writeSizes are the file sizes the writing benchmarks use; the gigabyte
// runs only without -short.
func writeSizes(b *testing.B) []struct {
	name string
	n    int
} {
	s := []struct {
		name string
		n    int
	}{{"64MiB", 64 << 20}}
	if !testing.Short() {
		s = append(s, struct {
			name string
			n    int
		}{"1GiB", 1 << 30})
	}
	return s
}

// Creating a .npy file, filling it through the mapping and closing it
// (which flushes it to the device), against writing the same bytes with
// buffered writes and a sync.
func BenchmarkCreateFill(b *testing.B) {
	for _, sz := range writeSizes(b) {
		path := filepath.Join(b.TempDir(), "c.npy")
		n := sz.n / 8
		b.Run(sz.name+"/Create", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				a, err := array.Create[float64](path, []int{n})
				if err != nil {
					b.Fatal(err)
				}
				s, err := a.Contiguous()
				if err != nil {
					b.Fatal(err)
				}
				for i := range s {
					s[i] = float64(i)
				}
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
				os.Remove(path)
			}
		})
		b.Run(sz.name+"/Write", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			buf := make([]byte, 1<<20)
			for b.Loop() {
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				w := bufio.NewWriterSize(f, 1<<20)
				for off := 0; off < n; off += len(buf) / 8 {
					for i := range len(buf) / 8 {
						binary.NativeEndian.PutUint64(buf[8*i:], math.Float64bits(float64(off+i)))
					}
					w.Write(buf)
				}
				w.Flush()
				f.Sync()
				f.Close()
				os.Remove(path)
			}
		})
	}
}

// Appending in 1 MiB batches, with and without a sync per batch, against
// plain writes of the same batches to the end of a file.
func BenchmarkAppend(b *testing.B) {
	const batch = 1 << 20
	for _, sz := range writeSizes(b) {
		path := filepath.Join(b.TempDir(), "a.npy")
		rows := make([]float64, batch/8)
		raw := make([]byte, batch)
		for i := range rows {
			rows[i] = float64(i)
			binary.NativeEndian.PutUint64(raw[8*i:], math.Float64bits(rows[i]))
		}
		for _, sync := range []bool{true, false} {
			name := sz.name + "/Append"
			if !sync {
				name += "NoSync"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(sz.n))
				for b.Loop() {
					if err := array.Save(path, array.FromSlice([]float64{}, 0, batch/8)); err != nil {
						b.Fatal(err)
					}
					a, err := array.OpenAppender(path)
					if err != nil {
						b.Fatal(err)
					}
					a.SetSync(sync)
					for range sz.n / batch {
						if err := array.Append(a, rows); err != nil {
							b.Fatal(err)
						}
					}
					if err := a.Close(); err != nil {
						b.Fatal(err)
					}
					os.Remove(path)
				}
			})
		}
		b.Run(sz.name+"/Write", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				for range sz.n / batch {
					f.Write(raw)
				}
				f.Sync()
				f.Close()
				os.Remove(path)
			}
		})
	}
}
