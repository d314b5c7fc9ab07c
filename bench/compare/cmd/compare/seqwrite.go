package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// fillSizes are the frame counts of the files fillOrder writes: 64 MiB,
// and 4 GiB unless the run is quick.
func (b *bench) fillSizes() []int {
	if b.cfg.quick {
		return []int{256}
	}
	return []int{256, 16384}
}

// fillOrder measures making a new (N, 256, 256) float32 .npy file and
// filling it in order, 1 MiB (four frames) at a time, then closing it so
// that it is on the device: through the file with WriteValues, as the
// package doc recommends, with and without its space preallocated, and
// through the mapping, against plain buffered writes with an fsync and
// NumPy's open_memmap. Every round writes a fresh file and removes it.
func (b *bench) fillOrder() error {
	path := b.path("fill.npy")
	block := make([]float32, 4*frameElems)
	// Frame k holds the value k; the check is the sum of every frame's
	// first element.
	fillBlock := func(k, n int) []float32 {
		s := block[:(n-k)*frameElems]
		for j := k; j < n; j++ {
			f := s[(j-k)*frameElems : (j-k+1)*frameElems]
			for i := range f {
				f[i] = float32(j)
			}
		}
		return s
	}
	for _, frames := range b.fillSizes() {
		total := int64(frames) * frameBytes
		// Small files are quick and noisy on a shared machine: more rounds.
		rounds := max(b.cfg.rounds, 7)
		if frames > 256 {
			rounds = b.cfg.costlyRound
		}
		want := float64(frames) * float64(frames-1) / 2
		check := func() string {
			a, err := array.Open[float32](path, mmap.ReadOnly)
			if err != nil {
				return "**" + err.Error() + "**"
			}
			defer a.Close()
			s := 0.0
			for k := range a.Len() {
				s += float64(a.At(k, 0, 0))
			}
			return checkNote(s, want)
		}
		shape := []int{frames, frameSide, frameSide}
		byFile := func(opts ...array.Option) func() error {
			return func() error {
				a, err := array.Create[float32](path, shape, opts...)
				if err != nil {
					return err
				}
				for k := 0; k < frames; k += 4 {
					n := min(k+4, frames)
					if err := array.WriteValues(a, k*frameElems, fillBlock(k, n)); err != nil {
						a.Close()
						return err
					}
				}
				return a.Close()
			}
		}
		byMap := func(opts ...array.Option) func() error {
			return func() error {
				a, err := array.Create[float32](path, shape, opts...)
				if err != nil {
					return err
				}
				dst, err := a.Contiguous()
				if err != nil {
					a.Close()
					return err
				}
				for k := 0; k < frames; k += 4 {
					n := min(k+4, frames)
					copy(dst[k*frameElems:], fillBlock(k, n))
				}
				return a.Close()
			}
		}

		plainWrite := func() error {
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			w := bufio.NewWriterSize(f, batchBytes)
			if _, err := header.Write(w, header.Header{DType: layout.Float32, Shape: shape}); err != nil {
				return err
			}
			for k := 0; k < frames; k += 4 {
				if _, err := w.Write(floatBytes(fillBlock(k, min(k+4, frames)))); err != nil {
					return err
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return f.Sync()
		}
		// One untimed round first, so that the first row timed does not
		// pay for warming up the file system and the page cache.
		if err := plainWrite(); err != nil {
			return err
		}
		os.Remove(path)

		g := b.group(fmt.Sprintf("create and fill in order a (%d, 256, 256) float32 .npy (%s), 1 MiB at a time, then close", frames, size(total)))
		rs := interleaved(rounds, func() { os.Remove(path) }, []checked{
			{byFile(array.Preallocate()), check}, {byFile(), check},
			{byMap(array.Preallocate()), check}, {byMap(), check}, {plainWrite, check},
		})
		ref := addResult(g, "ndmap Create(Preallocate) + WriteValues (through the file), Close", rs[0], true)
		addResult(g, "ndmap Create (sparse) + WriteValues, Close", rs[1], false)
		addResult(g, "ndmap Create(Preallocate), copy into Contiguous() (through the map), Close", rs[2], false)
		addResult(g, "ndmap Create (sparse), copy into Contiguous(), Close", rs[3], false)
		plain := addResult(g, "plain os.File, buffered writes, fsync", rs[4], false)
		var numpy *row
		if b.numpyVer == "" {
			g.skipped("NumPy open_memmap", "NumPy not available")
		} else if res, err := b.numpy("create", map[string]any{"path": path, "frames": frames, "rounds": rounds}); err != nil {
			g.skipped("NumPy open_memmap", err.Error())
		} else {
			numpy = g.add("NumPy open_memmap(mode='w+'), a[k] = k, flush", res.NS, checkNote(res.Check, want))
		}
		os.Remove(path)
		if ref != nil && plain != nil {
			r := plain.median() / ref.median()
			b.target(fmt.Sprintf("fill in order, %s: ndmap ≥ 0.9× plain buffered writes + fsync", size(total)), r >= 0.9, "%.2f×", r)
		}
		if numpy != nil && ref != nil {
			r := numpy.median() / ref.median()
			b.target(fmt.Sprintf("fill in order, %s: ndmap ≥ 1.0× NumPy open_memmap", size(total)), r >= 1.0, "%.2f×", r)
		}
	}
	return nil
}

// appendSync measures appending the bytes of the frame file to a .npy in
// 1 MiB batches with the Appender's sync settings, against plain writes of
// the same batches with an fdatasync after each, the fair comparison for
// an append that is synced per batch.
func (b *bench) appendSync() error {
	frames := b.cfg.frames
	total := int64(frames) * frameBytes
	path := b.path("append.npy")
	batch := make([]float32, 4*frameElems)
	fillBatch := func(k int) []float32 {
		n := min(k+4, frames)
		s := batch[:(n-k)*frameElems]
		for j := k; j < n; j++ {
			f := s[(j-k)*frameElems : (j-k+1)*frameElems]
			for i := range f {
				f[i] = float32(j)
			}
		}
		return s
	}
	want := float64(frames) * float64(frames-1) / 2
	// Syncs on a shared disk vary: more rounds than the costly workloads.
	rounds := b.cfg.costlyRound + 2
	check := func() string {
		got, shape, err := array.Load[float32](path)
		if err != nil {
			return "**" + err.Error() + "**"
		}
		s := 0.0
		for k := range shape[0] {
			s += float64(got[k*frameElems])
		}
		return checkNote(s, want)
	}
	appender := func(set func(*array.Appender)) func() error {
		return func() error {
			a, err := array.OpenAppender(path)
			if err != nil {
				return err
			}
			set(a)
			for k := 0; k < frames; k += 4 {
				if err := array.Append(a, fillBatch(k)); err != nil {
					a.Close()
					return err
				}
			}
			return a.Close()
		}
	}
	plain := func(sync func(*os.File) error) func() error {
		return func() error {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			for k := 0; k < frames; k += 4 {
				if _, err := f.Write(floatBytes(fillBatch(k))); err != nil {
					return err
				}
				if sync != nil {
					if err := sync(f); err != nil {
						return err
					}
				}
			}
			return f.Sync()
		}
	}

	// One untimed round first, as for fillOrder.
	fresh0 := func() error {
		os.Remove(path)
		return array.Save(path, array.FromSlice([]float32{}, 0, frameSide, frameSide))
	}
	if err := fresh0(); err != nil {
		return err
	}
	if err := plain(mmap.SyncData)(); err != nil {
		return err
	}

	g := b.group(fmt.Sprintf("append %s to a .npy in 1 MiB batches, each synced", size(total)))
	fresh := func() {
		os.Remove(path)
		if err := array.Save(path, array.FromSlice([]float32{}, 0, frameSide, frameSide)); err != nil {
			panic(err)
		}
	}
	rs := interleaved(rounds, fresh, []checked{
		{appender(func(*array.Appender) {}), check},
		{appender(func(a *array.Appender) { a.SetGroupCommit(1, 0) }), check},
		{appender(func(a *array.Appender) { a.SetGroupCommit(16, 0) }), check},
		{appender(func(a *array.Appender) { a.SetGroupCommit(0, 50*time.Millisecond) }), check},
		{appender(func(a *array.Appender) { a.SetSync(false) }), check},
		{plain(mmap.SyncData), nil}, // no header to load
		{plain(nil), nil},
	})
	os.Remove(path)
	ref := addResult(g, "ndmap Appender (default): each batch fdatasync'ed, then the header counts it", rs[0], true)
	addResult(g, "ndmap Appender, SetGroupCommit(1, 0): rows synced, header rewritten and synced (2 syncs)", rs[1], false)
	addResult(g, "ndmap Appender, SetGroupCommit(16, 0): a commit every 16 batches", rs[2], false)
	addResult(g, "ndmap Appender, SetGroupCommit(0, 50ms): a commit every 50 ms", rs[3], false)
	addResult(g, "ndmap Appender, SetSync(false): one sync at Close", rs[4], false)
	fair := addResult(g, "plain os.File writes of the same batches, fdatasync after each (no header)", rs[5], false)
	addResult(g, "plain os.File writes of the same batches, one fsync at the end (no header, not crash-safe)", rs[6], false)
	if ref != nil && fair != nil {
		r := fair.median() / ref.median()
		b.target(fmt.Sprintf("append %s synced per batch: ndmap ≥ 0.8× plain writes + fdatasync per batch", size(total)), r >= 0.8, "%.2f×", r)
	}
	return nil
}

// result is one row's rounds of an interleaved measurement.
type result struct {
	samples []float64
	note    string
}

// checked is a write to time and the check of what it wrote, or nil.
type checked struct {
	write func() error
	check func() string
}

// interleaved times rounds of each of writes, one round of each in turn, so
// that a disturbance from other programs on the shared machine falls on
// every row alike rather than on whichever row ran at the time. Before each
// write prepare runs, untimed; after it its check, and its note is kept.
func interleaved(rounds int, prepare func(), writes []checked) []result {
	out := make([]result, len(writes))
	for range rounds {
		for i, w := range writes {
			if out[i].note != "" && strings.HasPrefix(out[i].note, "**") && out[i].samples == nil {
				continue
			}
			prepare()
			var err error
			out[i].samples = append(out[i].samples, perOp(1, func() { err = w.write() }))
			if err != nil {
				out[i] = result{note: "**" + err.Error() + "**"}
				continue
			}
			if w.check == nil {
				continue
			}
			if n := w.check(); n != "" {
				out[i].note = n
			}
		}
	}
	return out
}

// addResult adds r to g as a row, or as a row skipped with its error when
// it has no samples, and returns the row or nil.
func addResult(g *group, reader string, r result, isRef bool) *row {
	if len(r.samples) == 0 {
		g.skipped(reader, r.note)
		return nil
	}
	if isRef {
		return g.ref(reader, r.samples, r.note)
	}
	return g.add(reader, r.samples, r.note)
}
