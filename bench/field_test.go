package bench

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// BenchmarkFieldUnaligned compares copying the int64 field "time", at byte
// 12 of packed 24-byte records and so not aligned for int64, out of a warm
// file: a loop over the mapped bytes with encoding/binary, against
// array.Field's CopyTo, with the file little-endian (native on most
// machines) and big-endian (every value swapped). 4096 records stay in
// cache; 4 Mi records (96 MiB) do not, and are skipped under -short.
func BenchmarkFieldUnaligned(b *testing.B) {
	for _, order := range []layout.ByteOrder{layout.LittleEndian, layout.BigEndian} {
		for _, n := range []int{1 << 12, 1 << 22} {
			name := fmt.Sprintf("%s/records=%d", map[layout.ByteOrder]string{layout.LittleEndian: "little", layout.BigEndian: "big"}[order], n)
			b.Run(name, func(b *testing.B) { benchField(b, order, n) })
		}
	}
}

func benchField(b *testing.B, order layout.ByteOrder, n int) {
	o := string(order)
	dt, err := layout.ParseDescr("[('name', '|S12'), ('time', '" + o + "i8'), ('value', '" + o + "f4')]")
	if err != nil {
		b.Fatal(err)
	}
	bo := order.Binary()
	path := writeNPY(b, dt, []int{n}, func(dst []byte, i int) {
		clear(dst)
		bo.PutUint64(dst[12:], uint64(i))
	})
	f, err := array.OpenFile(path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	tv, err := array.Field[int64](f.Items(), "time")
	if err != nil {
		b.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	raw := m.Bytes()[f.Header().DataOffset:]
	dst := make([]int64, n)
	check := func(b *testing.B) {
		if dst[0] != 0 || dst[n-1] != int64(n-1) {
			b.Fatalf("time ends = %d, %d, want 0, %d", dst[0], dst[n-1], n-1)
		}
		clear(dst)
	}
	var loopNs float64
	b.Run("loop", func(b *testing.B) {
		b.SetBytes(int64(n) * 8)
		b.ReportAllocs()
		for b.Loop() {
			// Concrete byte orders: a binary.ByteOrder interface would
			// cost a call per element.
			if order == layout.LittleEndian {
				for i := range dst {
					dst[i] = int64(binary.LittleEndian.Uint64(raw[24*i+12:]))
				}
			} else {
				for i := range dst {
					dst[i] = int64(binary.BigEndian.Uint64(raw[24*i+12:]))
				}
			}
			check(b)
		}
		loopNs = nsPerOp(b)
	})
	b.Run("CopyTo", func(b *testing.B) {
		b.SetBytes(int64(n) * 8)
		b.ReportAllocs()
		for b.Loop() {
			tv.CopyTo(dst)
			check(b)
		}
		reportFaster(b, loopNs)
	})
}

// BenchmarkArrayOpen compares opening a .npy file with array.Open and
// closing it, for sparse files of 1 MiB, 1 GiB and 64 GiB, against reading
// its header with os.Open and header.Read: the open should cost the same at
// every size. (The files are holes: they cost no disk.)
func BenchmarkArrayOpen(b *testing.B) {
	for _, size := range []int64{1 << 20, 1 << 30, 64 << 30} {
		if size/4 > int64(^uint(0)>>1) {
			continue
		}
		b.Run(fmt.Sprintf("size=%dMiB", size>>20), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "sparse.npy")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			off, err := header.Write(f, header.Header{DType: layout.Float32, Shape: []int{int(size / 4)}})
			if err == nil {
				err = f.Truncate(off + size)
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
			var headerNs float64
			b.Run("header", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					st, _ := f.Stat()
					if _, err := header.Read(f, st.Size()); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}
				headerNs = nsPerOp(b)
			})
			b.Run("Open", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a, err := array.Open[float32](path, mmap.ReadOnly)
					if err != nil {
						b.Fatal(err)
					}
					a.Close()
				}
				reportFaster(b, headerNs)
			})
		})
	}
}
