package main

import (
	"context"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

// The Zarr sum workload: the sum of a large uncompressed Zarr store by a
// parallel pass of package reduce over its chunks, against Dask's threaded
// scheduler reading the same store, and both against the same values in
// one .npy file (ndmap's reduce.Sum and NumPy's a.sum() over the mapping).

// zarrScript times Dask's and NumPy's side of the workload.
//
//go:embed zarr_bench.py
var zarrScript string

// zarrSumSizes returns the shape of the float64 array and the rows of a
// chunk: (65536, 8192) in chunks of (512, 8192), 4 GiB in 128 chunks of
// 32 MiB; with -quick (2048, 8192) in chunks of (128, 8192), 128 MiB in
// 16 chunks of 8 MiB.
func (b *bench) zarrSumSizes() (rows, cols, chunkRows int) {
	if b.cfg.quick {
		return 2048, 8192, 128
	}
	return 65536, 8192, 512
}

// zarrResult is what zarr_bench.py prints.
type zarrResult struct {
	NS      []float64 `json:"ns"`
	Check   float64   `json:"check"`
	Version string    `json:"version"`
	Missing string    `json:"missing"`
}

// zarrPython runs one workload of zarrScript.
func (b *bench) zarrPython(workload string, args any) (zarrResult, error) {
	var res zarrResult
	err := b.runScript("zarr_bench.py", zarrScript, workload, args, &res)
	return res, err
}

// zarrPythonTurn is a turn of a workload of zarrScript: one call of the
// script, which runs one untimed round and one timed, is one round. A
// missing module skips the reader.
func (b *bench) zarrPythonTurn(reader, workload string, args map[string]any, want float64, versions map[string]string) *turn {
	t := &turn{reader: reader}
	t.round = func() (float64, float64, string) {
		res, err := b.zarrPython(workload, args)
		switch {
		case err != nil:
			t.skip = "Python failed: " + err.Error()
			return 0, -1, ""
		case res.Missing != "":
			t.skip = fmt.Sprintf("%s not installed (Debian: python3-dask, python3-zarr)", res.Missing)
			return 0, -1, ""
		case len(res.NS) == 0:
			t.skip = "no result"
			return 0, -1, ""
		}
		versions[workload] = res.Version
		return res.NS[0], -1, nearNote(res.Check, want, 1e-12)
	}
	return t
}

// zarrSumFiles writes the .npy file and the Zarr store of the same values,
// on first use, and reads both once so that they are in the page cache.
func (b *bench) zarrSumFiles() (npy, store string, err error) {
	rows, cols, chunkRows := b.zarrSumSizes()
	npy, store = b.path("zarrsum.npy"), b.path("zarrsum.zarr")
	if _, err := os.Stat(filepath.Join(store, ".zarray")); err != nil {
		if _, err := writeNPY(npy, layout.Float64, []int{rows, cols}, func(chunk []byte, first int64) {
			for i := range len(chunk) / 8 {
				binary.NativeEndian.PutUint64(chunk[8*i:], math.Float64bits(float64((first+int64(i))%1021)))
			}
		}); err != nil {
			return "", "", err
		}
		a, err := array.Open[float64](npy, mmap.ReadOnly)
		if err != nil {
			return "", "", err
		}
		t0 := time.Now()
		err = dataset.WriteZarr(store, a.View, dataset.ZarrOptions{Chunks: []int{chunkRows, cols}})
		a.Close()
		if err != nil {
			return "", "", err
		}
		el := time.Since(t0)
		n := int64(rows) * int64(cols) * 8
		b.note("zarr-sum: dataset.WriteZarr wrote the %s store as %d uncompressed (%d, %d) chunks in %v (%s/s)",
			size(n), rows/chunkRows, chunkRows, cols, el.Round(time.Millisecond), size(int64(float64(n)/el.Seconds())))
	}
	if err := readThrough(npy); err != nil {
		return "", "", err
	}
	chunks, err := os.ReadDir(store)
	if err != nil {
		return "", "", err
	}
	for _, c := range chunks {
		if err := readThrough(filepath.Join(store, c.Name())); err != nil {
			return "", "", err
		}
	}
	return npy, store, nil
}

// zarrSum measures the sum of the warm Zarr store.
func (b *bench) zarrSum() error {
	npy, store, err := b.zarrSumFiles()
	if err != nil {
		return err
	}
	rows, cols, chunkRows := b.zarrSumSizes()
	n := int64(rows) * int64(cols)
	want := gridSum(n)
	procs := runtime.GOMAXPROCS(0)
	ctx := context.Background()

	var got float64
	zarrSum := func(opts ...reduce.Option) func() {
		return func() {
			// Opened in the round, as Dask opens it: only .zarray is read.
			z, err := dataset.OpenZarr[float64](store)
			if err != nil {
				panic(err)
			}
			defer z.Close()
			r, err := reduce.Over(z).Sum(ctx, opts...)
			if err != nil {
				panic(err)
			}
			got = r.Float64()
		}
	}
	a, err := array.Open[float64](npy, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	npySum := func() {
		r, err := reduce.Sum(ctx, a.View)
		if err != nil {
			panic(err)
		}
		got = r.Float64()
	}
	check := func() float64 { return got }
	versions := map[string]string{}
	ref := goTurn(fmt.Sprintf("ndmap reduce.Over(zarr).Sum, %d workers", procs), zarrSum(), check, want)
	ref.ref = true
	turns := []*turn{
		ref,
		goTurn("ndmap reduce.Over(zarr).Sum, 1 worker", zarrSum(reduce.Workers(1)), check, want),
		b.zarrPythonTurn(fmt.Sprintf("Dask da.from_zarr(store).sum().compute(scheduler='threads'), %d threads", procs),
			"dask_sum", map[string]any{"path": store, "rounds": 1, "workers": procs}, want, versions),
		goTurn(fmt.Sprintf("ndmap reduce.Sum of the same values in one .npy, %d workers", procs), npySum, check, want),
		b.zarrPythonTurn("NumPy np.load(.npy, mmap_mode='r').sum()", "numpy_sum", map[string]any{"path": npy, "rounds": 1}, want, versions),
	}
	g := b.group(fmt.Sprintf("sum of a %s uncompressed Zarr store, (%d, %d) float64 in %d chunks of (%d, %d), %s each, warm",
		size(n*8), rows, cols, rows/chunkRows, chunkRows, cols, size(int64(chunkRows)*int64(cols)*8)))
	takeTurns(g, b.cfg.rounds, turns)
	for _, r := range g.rows {
		if r.skip == "" {
			r.note = join(r.note, gbps(n*8, r.median()))
		}
	}
	for _, w := range []string{"dask_sum", "numpy_sum"} {
		if v := versions[w]; v != "" {
			b.note("zarr-sum: %s", v)
		}
	}
	refRow := g.refRow()
	if refRow == nil {
		return nil
	}
	if d := g.find(turns[2].reader); d != nil && d.skip == "" {
		b.target("sum of a Zarr store, all cores, faster than Dask's threaded scheduler on the same store",
			d.median() >= refRow.median(), "Dask ÷ ndmap: %.2f", d.median()/refRow.median())
	}
	if np := g.find(turns[3].reader); np != nil && np.skip == "" {
		b.target("sum of a Zarr store within 1.2× of the same values in one .npy (ndmap, all cores)",
			refRow.median() <= 1.2*np.median(), "Zarr ÷ .npy: %.2f", refRow.median()/np.median())
	}
	return nil
}
