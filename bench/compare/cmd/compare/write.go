package main

import (
	"bufio"
	"fmt"
	"os"
	"unsafe"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// batchBytes is the size of one append: 1 MiB, four frame rows of 256 KiB.
const batchBytes = 1 << 20

// write measures making a new (N, 256, 256) float32 file as big as the frame
// file, filled frame by frame, and appending the same bytes to a .npy in
// 1 MiB batches. Every round writes a fresh file and removes it.
func (b *bench) write() error {
	frames := b.cfg.frames
	total := int64(frames) * frameBytes
	path := b.path("write.npy")
	frame := make([]float32, frameElems)
	fillFrame := func(k int) {
		for i := range frame {
			frame[i] = float32(k)
		}
	}
	// The check is the sum of the first element of every frame: 0+1+...+(N-1).
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
	rounds := b.cfg.costlyRound
	// timeFresh times rounds of write, each on a fresh file: before each, the
	// last file is removed and prepare (untimed, may be nil) runs; after
	// each, the file is checked when checked is set.
	timeFresh := func(prepare, write func(), checked bool) ([]float64, string) {
		var samples []float64
		note := ""
		for range rounds {
			os.Remove(path)
			if prepare != nil {
				prepare()
			}
			samples = append(samples, perOp(1, write))
			if checked {
				if n := check(); n != "" {
					note = n
				}
			}
		}
		return samples, note
	}

	g := b.group(fmt.Sprintf("create and fill a (%d, 256, 256) float32 .npy (%s), then close", frames, size(total)))
	samples, note := timeFresh(nil, func() {
		a, err := array.Create[float32](path, []int{frames, 256, 256})
		if err != nil {
			panic(err)
		}
		for k := range frames {
			dst, err := a.Index(k).Contiguous()
			if err != nil {
				panic(err)
			}
			for i := range dst {
				dst[i] = float32(k)
			}
		}
		if err := a.Close(); err != nil {
			panic(err)
		}
	}, true)
	g.ref("ndmap Create, fill each frame through Contiguous(), Close (msync)", samples, note)

	if b.numpyVer == "" {
		g.skipped("NumPy open_memmap", "NumPy not available")
	} else {
		os.Remove(path)
		res, err := b.numpy("create", map[string]any{"path": path, "frames": frames, "rounds": rounds})
		if err != nil {
			g.skipped("NumPy open_memmap", err.Error())
		} else {
			g.add("NumPy open_memmap(mode='w+'), a[k] = k, flush", res.NS, checkNote(res.Check, want))
		}
	}

	samples, note = timeFresh(nil, func() {
		f, err := os.Create(path)
		if err != nil {
			panic(err)
		}
		w := bufio.NewWriterSize(f, batchBytes)
		if _, err := header.Write(w, header.Header{DType: layout.Float32, Shape: []int{frames, 256, 256}}); err != nil {
			panic(err)
		}
		for k := range frames {
			fillFrame(k)
			w.Write(floatBytes(frame))
		}
		if err := w.Flush(); err != nil {
			panic(err)
		}
		if err := f.Sync(); err != nil {
			panic(err)
		}
		f.Close()
	}, true)
	g.add("plain os.File, buffered writes, fsync", samples, note)
	os.Remove(path)

	// Appending, in 1 MiB batches (four frames), to a .npy that starts empty.
	g = b.group(fmt.Sprintf("append %s to a .npy in 1 MiB batches", size(total)))
	empty := func() {
		a, err := array.Create[float32](path, []int{0, 256, 256})
		if err != nil {
			panic(err)
		}
		a.Close()
	}
	batch := make([]float32, 0, batchBytes/4)
	appendRounds := func(sync bool) ([]float64, string) {
		return timeFresh(empty, func() {
			app, err := array.OpenAppender(path)
			if err != nil {
				panic(err)
			}
			app.SetSync(sync)
			for k := 0; k < frames; k += 4 {
				batch = batch[:0]
				for j := k; j < min(k+4, frames); j++ {
					fillFrame(j)
					batch = append(batch, frame...)
				}
				if err := array.Append(app, batch); err != nil {
					panic(err)
				}
			}
			if err := app.Close(); err != nil {
				panic(err)
			}
		}, true)
	}
	s, n := appendRounds(true)
	g.ref("ndmap Appender, each batch synced before the header counts it", s, n)
	s, n = appendRounds(false)
	g.add("ndmap Appender, SetSync(false): safe against a killed process only", s, n)
	samples, _ = timeFresh(nil, func() {
		f, err := os.Create(path)
		if err != nil {
			panic(err)
		}
		for k := 0; k < frames; k += 4 {
			for j := k; j < min(k+4, frames); j++ {
				fillFrame(j)
				if _, err := f.Write(floatBytes(frame)); err != nil {
					panic(err)
				}
			}
		}
		if err := f.Sync(); err != nil {
			panic(err)
		}
		f.Close()
	}, false)
	g.add("plain os.File writes of the same batches, one fsync at the end (no header, not crash-safe)", samples, "")
	g.skipped("NumPy", "NumPy has no append to a .npy file")
	os.Remove(path)
	return nil
}

// floatBytes returns the memory of s as bytes, in native order (little
// endian on the machines this runs on, as the header says).
func floatBytes(s []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*4)
}
