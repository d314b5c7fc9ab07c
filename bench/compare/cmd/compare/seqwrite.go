package main

import (
	"bufio"
	"fmt"
	"os"
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
		timed := func(write func() error) ([]float64, string) {
			var samples []float64
			note := ""
			for range rounds {
				os.Remove(path)
				var err error
				samples = append(samples, perOp(1, func() { err = write() }))
				if err != nil {
					return nil, "**" + err.Error() + "**"
				}
				if n := check(); n != "" {
					note = n
				}
			}
			os.Remove(path)
			return samples, note
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
		s, n := timed(byFile(array.Preallocate()))
		ref := g.ref("ndmap Create(Preallocate) + WriteValues (through the file), Close", s, n)
		s, n = timed(byFile())
		g.add("ndmap Create (sparse) + WriteValues, Close", s, n)
		s, n = timed(byMap(array.Preallocate()))
		g.add("ndmap Create(Preallocate), copy into Contiguous() (through the map), Close", s, n)
		s, n = timed(byMap())
		g.add("ndmap Create (sparse), copy into Contiguous(), Close", s, n)
		s, n = timed(plainWrite)
		plain := g.add("plain os.File, buffered writes, fsync", s, n)
		var numpy *row
		if b.numpyVer == "" {
			g.skipped("NumPy open_memmap", "NumPy not available")
		} else if res, err := b.numpy("create", map[string]any{"path": path, "frames": frames, "rounds": rounds}); err != nil {
			g.skipped("NumPy open_memmap", err.Error())
		} else {
			numpy = g.add("NumPy open_memmap(mode='w+'), a[k] = k, flush", res.NS, checkNote(res.Check, want))
		}
		os.Remove(path)
		if len(ref.samples) > 0 && len(plain.samples) > 0 {
			r := plain.median() / ref.median()
			b.target(fmt.Sprintf("fill in order, %s: ndmap ≥ 0.9× plain buffered writes + fsync", size(total)), r >= 0.9, "%.2f×", r)
		}
		if numpy != nil && len(ref.samples) > 0 {
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
	rounds := b.cfg.costlyRound
	timed := func(checked bool, write func() error) ([]float64, string) {
		var samples []float64
		note := ""
		for range rounds {
			os.Remove(path)
			if err := array.Save(path, array.FromSlice([]float32{}, 0, frameSide, frameSide)); err != nil {
				return nil, "**" + err.Error() + "**"
			}
			var err error
			samples = append(samples, perOp(1, func() { err = write() }))
			if err != nil {
				return nil, "**" + err.Error() + "**"
			}
			if checked {
				got, shape, err := array.Load[float32](path)
				if err != nil {
					note = "**" + err.Error() + "**"
					continue
				}
				s := 0.0
				for k := range shape[0] {
					s += float64(got[k*frameElems])
				}
				if n := checkNote(s, want); n != "" {
					note = n
				}
			}
		}
		os.Remove(path)
		return samples, note
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
	timed(false, plain(mmap.SyncData))

	g := b.group(fmt.Sprintf("append %s to a .npy in 1 MiB batches, each synced", size(total)))
	s, n := timed(true, appender(func(*array.Appender) {}))
	ref := g.ref("ndmap Appender (default): each batch fdatasync'ed, then the header counts it", s, n)
	s, n = timed(true, appender(func(a *array.Appender) { a.SetGroupCommit(1, 0) }))
	g.add("ndmap Appender, SetGroupCommit(1, 0): rows synced, header rewritten and synced (2 syncs)", s, n)
	s, n = timed(true, appender(func(a *array.Appender) { a.SetGroupCommit(16, 0) }))
	g.add("ndmap Appender, SetGroupCommit(16, 0): a commit every 16 batches", s, n)
	s, n = timed(true, appender(func(a *array.Appender) { a.SetGroupCommit(0, 50*time.Millisecond) }))
	g.add("ndmap Appender, SetGroupCommit(0, 50ms): a commit every 50 ms", s, n)
	s, n = timed(true, appender(func(a *array.Appender) { a.SetSync(false) }))
	g.add("ndmap Appender, SetSync(false): one sync at Close", s, n)
	s, _ = timed(false, plain(mmap.SyncData))
	fair := g.add("plain os.File writes of the same batches, fdatasync after each (no header)", s, "")
	s, _ = timed(false, plain(nil))
	g.add("plain os.File writes of the same batches, one fsync at the end (no header, not crash-safe)", s, "")
	if len(ref.samples) > 0 && len(fair.samples) > 0 {
		r := fair.median() / ref.median()
		b.target(fmt.Sprintf("append %s synced per batch: ndmap ≥ 0.8× plain writes + fdatasync per batch", size(total)), r >= 0.8, "%.2f×", r)
	}
	return nil
}
