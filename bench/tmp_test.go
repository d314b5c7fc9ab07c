package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

func evictFile(t *testing.T, path string) {
	f, _ := os.Open(path)
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	f.Close()
}

func TestTmpCold(t *testing.T) {
	path := "/tmp/rx/f64.npy"
	type cfg struct {
		pf, drop, seq bool
		w             int
		chunk         int
	}
	cfgs := []cfg{{true, true, false, 2, 4 << 20}, {false, true, true, 2, 4 << 20}, {true, true, true, 2, 4 << 20}, {false, false, true, 2, 4 << 20}, {true, true, false, 2, 16 << 20}, {false, true, true, 1, 4 << 20}}
	res := map[int][]float64{}
	var pread []float64
	for round := 0; round < 3; round++ {
		for i, c := range cfgs {
			evictFile(t, path)
			a, err := array.Open[float64](path, mmap.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			if c.seq {
				a.File.Advise(mmap.Sequential)
			}
			st := time.Now()
			reduce.Mean(context.Background(), a.View, reduce.Workers(c.w), reduce.Prefetch(c.pf), reduce.DropPages(c.drop), reduce.ChunkBytes(c.chunk))
			d := time.Since(st)
			a.Close()
			res[i] = append(res[i], float64(1<<30)/d.Seconds()/1e9)
		}
		evictFile(t, path)
		f, _ := os.Open(path)
		buf := make([]byte, 8<<20)
		st := time.Now()
		for off := int64(0); ; off += int64(len(buf)) {
			n, _ := f.ReadAt(buf, off)
			if n == 0 {
				break
			}
		}
		pread = append(pread, float64(1<<30)/time.Since(st).Seconds()/1e9)
		f.Close()
	}
	for i, c := range cfgs {
		fmt.Printf("%+v: %.2f GB/s (all %.2f)\n", c, median(res[i]), res[i])
	}
	fmt.Printf("pread: %.2f (all %.2f)\n", median(pread), pread)
}

func median(x []float64) float64 { s := slices.Sorted(slices.Values(x)); return s[len(s)/2] }
