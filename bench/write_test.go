package bench

import (
	"bufio"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// fillBytes is the size of the files the writing benchmarks make.
const fillBytes = 64 << 20

// BenchmarkFillInOrder compares making a 64 MiB .npy and filling it in
// order, 1 MiB at a time, then closing it (which syncs it): with buffered
// writes and an fsync ("plain"), against array.Create and WriteValues,
// which writes through the file, with and without Preallocate, and against
// a fill through the mapping.
func BenchmarkFillInOrder(b *testing.B) {
	path := filepath.Join(b.TempDir(), "f.npy")
	n := fillBytes / 8
	block := make([]float64, 1<<17)
	fill := func(off int) []float64 {
		for i := range block {
			block[i] = float64(off + i)
		}
		return block
	}
	var plainNs float64
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(fillBytes)
		b.ReportAllocs()
		buf := make([]byte, 8*len(block))
		for b.Loop() {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			w := bufio.NewWriterSize(f, len(buf))
			header.Write(w, header.Header{DType: layout.Float64, Shape: []int{n}})
			for off := 0; off < n; off += len(block) {
				for i, x := range fill(off) {
					binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
				}
				w.Write(buf)
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			os.Remove(path)
		}
		plainNs = nsPerOp(b)
	})
	for _, tc := range []struct {
		name  string
		opts  []array.Option
		byMap bool
	}{
		{"WriteValues", nil, false},
		{"WriteValues-Preallocate", []array.Option{array.Preallocate()}, false},
		{"map", nil, true},
		{"map-Preallocate", []array.Option{array.Preallocate()}, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(fillBytes)
			b.ReportAllocs()
			for b.Loop() {
				a, err := array.Create[float64](path, []int{n}, tc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				var dst []float64
				if tc.byMap {
					if dst, err = a.Contiguous(); err != nil {
						b.Fatal(err)
					}
				}
				for off := 0; off < n; off += len(block) {
					if tc.byMap {
						copy(dst[off:], fill(off))
					} else if err := array.WriteValues(a, off, fill(off)); err != nil {
						b.Fatal(err)
					}
				}
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
				os.Remove(path)
			}
			reportFaster(b, plainNs)
		})
	}
}

// BenchmarkAppendSync compares appending 64 MiB in 1 MiB batches, each
// synced: plain writes with an fdatasync after each batch ("plain"),
// against an Appender with its default sync per batch and with a group
// commit every 16 batches.
func BenchmarkAppendSync(b *testing.B) {
	path := filepath.Join(b.TempDir(), "a.npy")
	batch := make([]float64, 1<<17)
	raw := make([]byte, 8*len(batch))
	empty := func(b *testing.B) {
		if err := array.Save(path, array.FromSlice([]float64{}, 0, len(batch))); err != nil {
			b.Fatal(err)
		}
	}
	var plainNs float64
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(fillBytes)
		for b.Loop() {
			empty(b)
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				b.Fatal(err)
			}
			for range fillBytes / len(raw) {
				if _, err := f.Write(raw); err != nil {
					b.Fatal(err)
				}
				if err := mmap.SyncData(f); err != nil {
					b.Fatal(err)
				}
			}
			f.Close()
		}
		plainNs = nsPerOp(b)
	})
	for _, tc := range []struct {
		name  string
		group int
	}{{"Appender", 0}, {"Appender-GroupCommit16", 16}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(fillBytes)
			for b.Loop() {
				empty(b)
				a, err := array.OpenAppender(path)
				if err != nil {
					b.Fatal(err)
				}
				a.SetGroupCommit(tc.group, 0)
				for range fillBytes / len(raw) {
					if err := array.Append(a, batch); err != nil {
						b.Fatal(err)
					}
				}
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
			}
			reportFaster(b, plainNs)
		})
	}
}
