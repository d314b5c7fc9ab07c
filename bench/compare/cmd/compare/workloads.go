package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
	"github.com/sbinet/npyio"
)

// Sinks keep the compiler from discarding the results of timed code.
var (
	viewSink array.View[float32]
	sumSink  float64
)

// randomFrames returns n frame numbers below frames, the same for a seed.
func randomFrames(seed uint64, n, frames int) []int {
	rng := rand.New(rand.NewPCG(seed, 0x6e646d6170))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(frames)
	}
	return idx
}

// perOp times fn and returns nanoseconds per operation, for n operations.
func perOp(n int, fn func()) float64 {
	t := time.Now()
	fn()
	return float64(time.Since(t).Nanoseconds()) / float64(n)
}

// allocsPerOp returns the heap allocations per operation of fn, which runs
// n operations.
func allocsPerOp(n int, fn func()) float64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n)
}

// checkNote returns "" when got is want, and a warning otherwise.
func checkNote(got, want float64) string {
	if got == want {
		return ""
	}
	return fmt.Sprintf("**values differ: got %v, want %v**", got, want)
}

// numpyRow adds NumPy's row to g from the script's result, or a skipped row.
func (b *bench) numpyRow(g *group, reader, workload string, args any, want float64, checked bool) {
	if b.numpyVer == "" {
		g.skipped(reader, "NumPy not available")
		return
	}
	res, err := b.numpy(workload, args)
	if err != nil {
		g.skipped(reader, err.Error())
		return
	}
	note := ""
	if checked {
		note = checkNote(res.Check, want)
	}
	g.add(reader, res.NS, note)
}

// open measures opening a .npy file, from 1 MiB to a 64 GiB sparse file.
func (b *bench) open() error {
	const iters = 1000
	var ndmapNs []float64
	for _, sz := range b.cfg.openSizes {
		n := sz / 4
		if n > math.MaxInt32 && math.MaxInt == math.MaxInt32 {
			continue
		}
		path := b.path(fmt.Sprintf("open-%d.npy", sz))
		if _, err := writeNPY(path, layout.Float32, []int{int(n)}, nil); err != nil {
			return err
		}
		g := b.group("open " + size(sz) + " .npy (sparse)")
		openClose := func() {
			for range iters {
				a, err := array.Open[float32](path, mmap.ReadOnly)
				if err != nil || int64(a.Len()) != n {
					panic(fmt.Sprintf("Open(%s) = %v", path, err))
				}
				a.Close()
			}
		}
		allocs := allocsPerOp(iters, openClose)
		// A turn is a round of iters opens; every reader takes its turn in
		// each round, so that the machine's busy moments fall on all alike.
		turnOf := func(reader, note string, iters int, fn func()) *turn {
			return &turn{reader: reader, note: note, warm: true, round: func() (float64, float64, string) {
				return perOp(iters, func() {
					for range iters {
						fn()
					}
				}), -1, ""
			}}
		}
		ref := &turn{reader: "ndmap array.Open + Close", ref: true, warm: true, note: fmt.Sprintf("%.0f allocs/op", allocs),
			round: func() (float64, float64, string) { return perOp(iters, openClose), -1, "" }}
		turns := []*turn{
			ref,
			b.numpyTurn("NumPy np.load(mmap_mode='r')", "open", map[string]any{"path": path, "iters": iters}, 0, false),
			turnOf("pread: os.Open + header.Read + Close", "reads the header only", iters, func() {
				f, err := os.Open(path)
				if err != nil {
					panic(err)
				}
				st, _ := f.Stat()
				if _, err := header.Read(f, st.Size()); err != nil {
					panic(err)
				}
				f.Close()
			}),
		}
		if sz <= 1<<20 {
			turns = append(turns, turnOf("npyio Read (whole array)", "reads every element", 20, func() {
				f, err := os.Open(path)
				if err != nil {
					panic(err)
				}
				var data []float32
				if err := npyio.Read(bufio.NewReaderSize(f, 1<<20), &data); err != nil || int64(len(data)) != n {
					panic(fmt.Sprintf("npyio.Read = %d, %v", len(data), err))
				}
				f.Close()
			}))
		} else {
			turns = append(turns, &turn{reader: "npyio Read (whole array)", skip: "reads the whole array; not an open"})
		}
		takeTurns(g, b.cfg.rounds, turns)
		ndmapNs = append(ndmapNs, g.refRow().median())
		os.Remove(path)
	}
	if len(ndmapNs) > 0 {
		worst := slicesMax(ndmapNs)
		b.target("open under 1 ms", worst < 1e6, "slowest median %s", duration(worst))
		spread := worst / slicesMin(ndmapNs)
		b.target("open flat in file size (1 MiB to 64 GiB within 1.5×)", spread <= 1.5, "slowest ÷ fastest median: %.2f", spread)
	}
	return nil
}

// rounds times rounds of iters calls of fn, after one untimed round, and
// returns nanoseconds per call for each round.
func (b *bench) rounds(rounds, iters int, fn func()) []float64 {
	var out []float64
	for r := range rounds + 1 {
		ns := perOp(iters, func() {
			for range iters {
				fn()
			}
		})
		if r > 0 {
			out = append(out, ns)
		}
	}
	return out
}

// view measures making a zero-copy view of one frame.
func (b *bench) view() error {
	path, _, err := b.frames()
	if err != nil {
		return err
	}
	a, err := array.Open[float32](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	idx := randomFrames(1, 1024, b.cfg.frames)
	const iters = 1_000_000
	loop := func() {
		for i := range iters {
			viewSink = a.Index(idx[i%len(idx)])
		}
	}
	allocs := allocsPerOp(iters, loop)
	var samples []float64
	for range b.cfg.rounds {
		samples = append(samples, perOp(iters, loop))
	}
	g := b.group("frame view of a (N, 256, 256) float32 file")
	g.ref("ndmap Index", samples, fmt.Sprintf("%.2f allocs/op", allocs))
	b.numpyRow(g, "NumPy a[i]", "view", map[string]any{"path": path, "frames": randomFrames(2, 20000, b.cfg.frames), "rounds": b.cfg.rounds}, frameSide, true)
	g.skipped("pread", "copies: no zero-copy view")
	g.skipped("npyio", "copies: no zero-copy view")
	med := slicesMedian(samples)
	b.target("frame view under 100 ns, zero allocations", med < 100 && allocs == 0, "%s, %.2f allocs/op", duration(med), allocs)
	return nil
}

// frameCheck is the sum of the first elements of the frames idx.
func frameCheck(idx []int) float64 {
	var s float64
	for _, k := range idx {
		s += float64(frameValue(k, 0))
	}
	return s
}

// copyFrames copies the frames idx out of a into buf, one after another,
// and returns nanoseconds per frame and the sum of their first elements.
// With advise, each frame's range is advised WillNeed first; with ahead, the
// next frame's is, while the current one is copied.
func copyFrames(a *array.Array[float32], idx []int, buf []float32, advise, ahead bool) (float64, float64) {
	var s float64
	ns := perOp(len(idx), func() {
		if ahead && len(idx) > 0 {
			a.Index(idx[0]).Advise(mmap.WillNeed)
		}
		for n, k := range idx {
			f := a.Index(k)
			switch {
			case ahead && n+1 < len(idx):
				a.Index(idx[n+1]).Advise(mmap.WillNeed)
			case advise:
				f.Advise(mmap.WillNeed)
			}
			f.CopyTo(buf)
			s += float64(buf[0])
		}
	})
	return ns, s
}

// preadFrames reads the frames idx from f with ReadAt into buf, as bytes (a
// lower bound for pread: the bytes are not even turned into float32), and
// returns nanoseconds per frame and the sum of their first elements.
func preadFrames(f *os.File, off int64, idx []int, buf []byte) (float64, float64) {
	var s float64
	ns := perOp(len(idx), func() {
		for _, k := range idx {
			if _, err := f.ReadAt(buf, off+int64(k)*frameBytes); err != nil {
				panic(err)
			}
			s += float64(math.Float32frombits(binary.NativeEndian.Uint32(buf)))
		}
	})
	return ns, s
}

// warmFrames measures copying random frames out of a file in the page cache.
func (b *bench) warmFrames() error {
	path, off, err := b.frames()
	if err != nil {
		return err
	}
	if err := readThrough(path); err != nil {
		return err
	}
	idx := randomFrames(3, b.cfg.warmFrames, b.cfg.frames)
	want := frameCheck(idx)
	g := b.group(fmt.Sprintf("random frame copy-out, warm (%s file, %d frames a round)", size(int64(b.cfg.frames)*frameBytes), len(idx)))

	a, err := array.Open[float32](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	buf := make([]float32, frameElems)
	var samples []float64
	var got float64
	for r := range b.cfg.rounds + 1 {
		ns, s := copyFrames(a, idx, buf, false, false)
		if r > 0 {
			samples, got = append(samples, ns), s
		}
	}
	g.ref("ndmap Index(i).CopyTo", samples, checkNote(got, want))

	rounds := make([][]int, b.cfg.rounds+1)
	for r := range rounds {
		rounds[r] = idx
	}
	b.numpyRow(g, "NumPy np.copyto(buf, a[i])", "frames", map[string]any{"path": path, "rounds": rounds, "cold": false}, want, true)

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bbuf := make([]byte, frameBytes)
	samples = nil
	for r := range b.cfg.rounds + 1 {
		ns, s := preadFrames(f, off, idx, bbuf)
		if r > 0 {
			samples, got = append(samples, ns), s
		}
	}
	g.add("pread ReadAt (bytes, not decoded)", samples, checkNote(got, want))
	g.skipped("npyio", "reads whole arrays only: every frame would read the whole file")

	if np := g.find("NumPy np.copyto(buf, a[i])"); np != nil {
		ratio := np.median() / g.refRow().median()
		b.target("warm frame copy-out no slower than NumPy", ratio >= 1, "NumPy ÷ ndmap: %.2f", ratio)
	}
	return nil
}

// coldFrames measures reading random frames of a file evicted from the page
// cache before each round.
func (b *bench) coldFrames() error {
	title := fmt.Sprintf("random frames, cold (%d frames a round)", b.cfg.coldFrames)
	if !canEvict {
		g := b.group(title)
		g.skipped("all readers", "evicting one file from the page cache needs Linux")
		return nil
	}
	path, off, err := b.frames()
	if err != nil {
		return err
	}
	rounds := make([][]int, b.cfg.rounds)
	for r := range rounds {
		rounds[r] = randomFrames(uint64(100+r), b.cfg.coldFrames, b.cfg.frames)
	}
	if err := evict(path); err != nil {
		return err
	}

	type reader struct {
		name           string
		advise, ahead  bool
		random         bool
		pread          bool
		samples, check []float64
	}
	readers := []*reader{
		{name: "ndmap, page faults only"},
		{name: "ndmap, Advise(WillNeed) on the frame, then CopyTo", advise: true},
		{name: "ndmap, Advise(WillNeed) on the next frame while copying this one", ahead: true},
		{name: "ndmap, Advise(Random) on the array, then page faults", random: true},
		{name: "pread ReadAt (bytes, not decoded)", pread: true},
	}
	buf := make([]float32, frameElems)
	bbuf := make([]byte, frameBytes)
	// Readers take turns within each round, so that a noisy moment of the
	// shared machine does not fall on one reader only.
	for _, idx := range rounds {
		for _, rd := range readers {
			if err := evict(path); err != nil {
				return err
			}
			var ns, s float64
			if rd.pread {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				ns, s = preadFrames(f, off, idx, bbuf)
				f.Close()
			} else {
				a, err := array.Open[float32](path, mmap.ReadOnly)
				if err != nil {
					return err
				}
				if rd.random {
					if err := a.Advise(mmap.Random); err != nil {
						return err
					}
				}
				ns, s = copyFrames(a, idx, buf, rd.advise, rd.ahead)
				a.Close()
			}
			rd.samples = append(rd.samples, ns)
			rd.check = append(rd.check, s)
		}
	}
	g := b.group(title)
	for i, rd := range readers {
		note := ""
		for r, idx := range rounds {
			if n := checkNote(rd.check[r], frameCheck(idx)); n != "" {
				note = n
			}
		}
		if i == 1 {
			g.ref(rd.name, rd.samples, note)
		} else {
			g.add(rd.name, rd.samples, note)
		}
	}
	want := frameCheck(rounds[len(rounds)-1]) // the script reports the last round's
	b.numpyRow(g, "NumPy np.copyto(buf, a[i]), page faults", "frames", map[string]any{"path": path, "rounds": rounds, "cold": true}, want, true)
	g.skipped("npyio", "reads whole arrays only")

	if np := g.find("NumPy np.copyto(buf, a[i]), page faults"); np != nil {
		best := g.refRow()
		for _, rd := range g.rows[:len(readers)] {
			if rd.median() < best.median() {
				best = rd
			}
		}
		ratio := best.median() / np.median()
		b.target("cold random frames at most half NumPy's time", ratio <= 0.5,
			"ndmap ÷ NumPy: %.2f with Advise(WillNeed) on the frame, %.2f at best (%s)", g.refRow().median()/np.median(), ratio, best.name())
	}
	return nil
}

func (r *row) name() string { return r.reader }

// columnCheck is the sum of column of the grid file.
func (b *bench) columnCheck() float64 {
	var s float64
	for r := range int64(b.cfg.rows) {
		s += gridValue(r*width + column)
	}
	return s
}

// preadChunks reads the file's data from off to off+n through f with ReadAt,
// 1 MiB (a whole number of items of isize bytes) at a time, and calls fn
// with each chunk and the number of its first item.
func preadChunks(f *os.File, off, n int64, isize int, buf []byte, fn func(chunk []byte, first int64)) {
	step := int64(len(buf) / isize * isize)
	for done := int64(0); done < n; done += step {
		m := min(step, n-done)
		if _, err := f.ReadAt(buf[:m], off+done); err != nil && err != io.EOF {
			panic(err)
		}
		fn(buf[:m], done/int64(isize))
	}
}

// column measures gathering one column of a (rows, 64) float64 file.
func (b *bench) column() error {
	path, off, err := b.grid()
	if err != nil {
		return err
	}
	if err := readThrough(path); err != nil {
		return err
	}
	rows := b.cfg.rows
	want := b.columnCheck()
	g := b.group(fmt.Sprintf("column 7 of a (%d, 64) float64 file, warm", rows))
	a, err := array.Open[float64](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	dst := make([]float64, rows)
	total := func() float64 {
		var s float64
		for _, x := range dst {
			s += x
		}
		clear(dst)
		return s
	}
	data, err := a.Contiguous()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	col := a.Slice(array.All, array.Idx(column))
	copyTo := goTurn("ndmap Slice(All, Idx(7)).CopyTo", func() { col.CopyTo(dst) }, total, want)
	copyTo.ref = true
	takeTurns(g, b.cfg.rounds, []*turn{
		copyTo,
		goTurn("ndmap Slice(All, Idx(7)).Values", func() {
			i := 0
			for x := range col.Values() {
				dst[i] = x
				i++
			}
		}, total, want),
		goTurn("plain strided loop over Contiguous()", func() {
			for r := range dst {
				dst[r] = data[r*width+column]
			}
		}, total, want),
		b.numpyTurn("NumPy np.copyto(buf, a[:, 7])", "column", map[string]any{"path": path, "column": column}, want, true),
		goTurn("pread 1 MiB chunks, decode column", func() {
			preadChunks(f, off, int64(rows)*width*8, width*8, buf, func(chunk []byte, first int64) {
				for i := range len(chunk) / (width * 8) {
					dst[first+int64(i)] = math.Float64frombits(binary.NativeEndian.Uint64(chunk[i*width*8+column*8:]))
				}
			})
		}, total, want),
	})
	s, note := timeChecked(b.cfg.costlyRound, func() {
		data := npyioRead(path)
		for r := range dst {
			dst[r] = data[r*width+column]
		}
	}, total, want)
	g.add("npyio Read whole array, take column", s, join(note, "reads all 64 columns"))

	if np := g.find("NumPy np.copyto(buf, a[:, 7])"); np != nil {
		ratio := np.median() / g.refRow().median()
		b.target("column no slower than NumPy", ratio >= 1, "NumPy ÷ ndmap: %.2f%s", ratio, cpuRatio("NumPy ÷ ndmap", np, g.refRow()))
	}
	return nil
}

// npyioRead reads the whole float64 file with npyio, through a buffer (npyio
// reads element by element).
func npyioRead(path string) []float64 {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var data []float64
	if err := npyio.Read(bufio.NewReaderSize(f, 1<<20), &data); err != nil {
		panic(err)
	}
	return data
}

// sum measures adding up every element of the (rows, 64) float64 file.
func (b *bench) sum() error {
	path, off, err := b.grid()
	if err != nil {
		return err
	}
	if err := readThrough(path); err != nil {
		return err
	}
	rows := b.cfg.rows
	n := int64(rows) * width
	var want float64
	for e := range n {
		want += gridValue(e)
	}
	g := b.group(fmt.Sprintf("sum of a (%d, 64) float64 file, warm", rows))
	a, err := array.Open[float64](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	// sumTurn is a turn whose round is one sum, checked against want.
	sumTurn := func(reader string, fn func() float64) *turn {
		var t float64
		return goTurn(reader, func() { t = fn() }, func() float64 { return t }, want)
	}
	loop := func(s []float64) float64 {
		var t float64
		for _, x := range s {
			t += x
		}
		return t
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	heap := make([]float64, n)
	buf := make([]byte, 1<<20)
	preadChunks(f, off, n*8, 8, buf, func(chunk []byte, first int64) {
		for i := range len(chunk) / 8 {
			heap[first+int64(i)] = math.Float64frombits(binary.NativeEndian.Uint64(chunk[8*i:]))
		}
	})
	contiguous := func() []float64 {
		data, err := a.Contiguous()
		if err != nil {
			panic(err)
		}
		return data
	}
	plain := sumTurn("plain slice loop over a []float64 in memory", func() float64 { return loop(heap) })
	plain.note = "data read beforehand, untimed"
	ref := sumTurn("ndmap Contiguous(), pairwise slice loop, 8 accumulators", func() float64 { return pairwiseSum(contiguous()) })
	ref.ref = true
	takeTurns(g, b.cfg.rounds, []*turn{
		plain,
		ref,
		sumTurn("ndmap Contiguous(), slice loop, one accumulator", func() float64 { return loop(contiguous()) }),
		sumTurn("ndmap Values() iterator", func() float64 {
			var t float64
			for x := range a.Values() {
				t += x
			}
			return t
		}),
		sumTurn("ndmap At(r, c)", func() float64 {
			var t float64
			for r := range rows {
				for c := range width {
					t += a.At(r, c)
				}
			}
			return t
		}),
		sumTurn("ndmap At2(r, c)", func() float64 {
			var t float64
			for r := range rows {
				for c := range width {
					t += a.At2(r, c)
				}
			}
			return t
		}),
		b.numpyTurn("NumPy a.sum()", "sum", map[string]any{"path": path}, want, true),
		sumTurn("pread 1 MiB chunks, decode, sum", func() float64 {
			var t float64
			preadChunks(f, off, n*8, 8, buf, func(chunk []byte, first int64) {
				for i := range len(chunk) / 8 {
					t += math.Float64frombits(binary.NativeEndian.Uint64(chunk[8*i:]))
				}
			})
			return t
		}),
	})
	heap = nil
	runtime.GC()
	values, at, at2 := g.find("ndmap Values() iterator"), g.find("ndmap At(r, c)"), g.find("ndmap At2(r, c)")
	plainRow := g.find(plain.reader)
	s, note := timeChecked(b.cfg.costlyRound, func() { sumSink = loop(npyioRead(path)) }, func() float64 { return sumSink }, want)
	g.add("npyio Read whole array, sum", s, note)

	best := min(values.median(), at.median(), at2.median())
	b.target("element-path sum at least half the speed of a plain slice loop", best <= 2*plainRow.median(),
		"plain ÷ element path: %.2f with Values, %.2f with At, %.2f with At2", plainRow.median()/values.median(), plainRow.median()/at.median(), plainRow.median()/at2.median())
	perElem := at2.median() / float64(n)
	cpuNote := ""
	if c := at2.cpuMedian(); c > 0 {
		cpuNote = fmt.Sprintf("; by CPU time of the timing thread %.2f ns", c/float64(n))
	}
	b.target("At2 at most 3 ns an element", perElem <= 3, "%.2f ns (At: %.2f ns)%s", perElem, at.median()/float64(n), cpuNote)
	if np := g.find("NumPy a.sum()"); np != nil {
		ratio := np.median() / g.refRow().median()
		b.target("sum no slower than NumPy", ratio >= 1, "NumPy ÷ ndmap: %.2f%s", ratio, cpuRatio("NumPy ÷ ndmap", np, g.refRow()))
	}
	return nil
}

// pairwiseSum adds up s as NumPy's a.sum() does: eight independent
// accumulators over blocks of 128 elements, so that the additions overlap
// instead of waiting for one another, and the block sums added pairwise
// (a binary counter of partial sums), so that rounding errors grow with
// the logarithm of len(s), not with len(s).
func pairwiseSum(s []float64) float64 {
	const block = 128
	var partial [64]float64 // partial[k] sums 2^k blocks
	var blocks uint64
	for len(s) >= block {
		x := sum8(s[:block])
		s = s[block:]
		k := 0
		for m := blocks; m&1 == 1; m >>= 1 {
			x = partial[k] + x
			k++
		}
		partial[k] = x
		blocks++
	}
	t := sum8(s)
	for k := 0; blocks != 0; k, blocks = k+1, blocks>>1 {
		if blocks&1 == 1 {
			t = partial[k] + t
		}
	}
	return t
}

// sum8 adds up s with eight accumulators.
func sum8(s []float64) float64 {
	var r0, r1, r2, r3, r4, r5, r6, r7 float64
	for len(s) >= 8 {
		w := s[:8:8]
		r0 += w[0]
		r1 += w[1]
		r2 += w[2]
		r3 += w[3]
		r4 += w[4]
		r5 += w[5]
		r6 += w[6]
		r7 += w[7]
		s = s[8:]
	}
	t := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
	for _, x := range s {
		t += x
	}
	return t
}

// field measures copying one field out of a file of records.
func (b *bench) field() error {
	path, off, dt, err := b.recordFile()
	if err != nil {
		return err
	}
	defer os.Remove(path)
	if err := readThrough(path); err != nil {
		return err
	}
	file, err := array.OpenFile(path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer file.Close()
	n := b.cfg.records
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	raw := m.Bytes()[off:]

	// value: a float32 at byte 20 of each 24-byte record.
	var wantValue float64
	for i := range n {
		wantValue += float64(i % 1021)
	}
	g := b.group(fmt.Sprintf("field value (f4 at byte 20 of 24) of %d records, warm", n))
	values := make([]float32, n)
	sumValues := func() float64 {
		var s float64
		for _, x := range values {
			s += float64(x)
		}
		clear(values)
		return s
	}
	v, err := array.Field[float32](file.Items(), "value")
	if err != nil {
		return err
	}
	ref := goTurn("ndmap Field[float32](\"value\").CopyTo", func() { v.CopyTo(values) }, sumValues, wantValue)
	ref.ref = true
	takeTurns(g, b.cfg.rounds, []*turn{
		ref,
		b.numpyTurn("NumPy np.copyto(buf, a['value'])", "field", map[string]any{"path": path, "field": "value"}, wantValue, true),
		goTurn("pread 1 MiB chunks, decode field", func() {
			preadChunks(f, off, int64(n)*int64(dt.Size), dt.Size, buf, func(chunk []byte, first int64) {
				for i := range len(chunk) / 24 {
					values[first+int64(i)] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[24*i+20:]))
				}
			})
		}, sumValues, wantValue),
		goTurn("plain loop over the mapped bytes (mmap.Map, binary.LittleEndian)", func() {
			for i := range values {
				values[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[24*i+20:]))
			}
		}, sumValues, wantValue),
	})
	g.skipped("npyio", "structured dtypes are not supported")
	if np := g.find("NumPy np.copyto(buf, a['value'])"); np != nil {
		b.note("Field value: NumPy ÷ ndmap %.2f%s.", np.median()/g.refRow().median(), cpuRatio("NumPy ÷ ndmap", np, g.refRow()))
	}

	// time: an int64 at byte 12, so not aligned for int64.
	wantTime := float64(n) * float64(n-1) / 2
	g = b.group(fmt.Sprintf("field time (i8 at byte 12 of 24, unaligned) of %d records, warm", n))
	times := make([]int64, n)
	sumTimes := func() float64 {
		var s int64
		for _, x := range times {
			s += x
		}
		clear(times)
		return float64(s)
	}
	tv, err := array.Field[int64](file.Items(), "time")
	if err != nil {
		return err
	}
	ref = goTurn("ndmap Field[int64](\"time\").CopyTo", func() { tv.CopyTo(times) }, sumTimes, wantTime)
	ref.ref = true
	takeTurns(g, b.cfg.rounds, []*turn{
		ref,
		b.numpyTurn("NumPy np.copyto(buf, a['time'])", "field", map[string]any{"path": path, "field": "time"}, wantTime, true),
		goTurn("pread 1 MiB chunks, decode field", func() {
			preadChunks(f, off, int64(n)*int64(dt.Size), dt.Size, buf, func(chunk []byte, first int64) {
				for i := range len(chunk) / 24 {
					times[first+int64(i)] = int64(binary.LittleEndian.Uint64(chunk[24*i+12:]))
				}
			})
		}, sumTimes, wantTime),
		goTurn("plain loop over the mapped bytes (mmap.Map, binary.LittleEndian)", func() {
			for i := range times {
				times[i] = int64(binary.LittleEndian.Uint64(raw[24*i+12:]))
			}
		}, sumTimes, wantTime),
	})
	g.skipped("npyio", "structured dtypes are not supported")
	if np := g.find("NumPy np.copyto(buf, a['time'])"); np != nil {
		b.note("Field time: NumPy ÷ ndmap %.2f%s.", np.median()/g.refRow().median(), cpuRatio("NumPy ÷ ndmap", np, g.refRow()))
	}

	// time again, read as big-endian: the same bytes seen through a dtype
	// of the other byte order, so that every value is byte-swapped as well
	// as unaligned.
	var wantSwapped int64
	for i := range n {
		wantSwapped += int64(bits.ReverseBytes64(uint64(i)))
	}
	g = b.group(fmt.Sprintf("field time read as big-endian ('>i8' at byte 12 of 24, unaligned, swapped) of %d records, warm", n))
	bigDescr := [][2]string{{"name", "|S12"}, {"time", ">i8"}, {"value", ">f4"}}
	bdt, err := layout.ParseDescr("[('name', '|S12'), ('time', '>i8'), ('value', '>f4')]")
	if err != nil {
		return err
	}
	bfile, err := array.OpenRawFile(path, mmap.ReadOnly, header.Raw{Offset: off, DType: bdt, Shape: []int{n}})
	if err != nil {
		return err
	}
	defer bfile.Close()
	bv, err := array.Field[int64](bfile.Items(), "time")
	if err != nil {
		return err
	}
	ref = goTurn("ndmap Field[int64](\"time\").CopyTo", func() { bv.CopyTo(times) }, sumTimes, float64(wantSwapped))
	ref.ref = true
	takeTurns(g, b.cfg.rounds, []*turn{
		ref,
		b.numpyTurn("NumPy np.copyto(buf, a['time'])", "field", map[string]any{"path": path, "field": "time", "descr": bigDescr}, float64(wantSwapped), true),
		goTurn("plain loop over the mapped bytes (mmap.Map, binary.BigEndian)", func() {
			for i := range times {
				times[i] = int64(binary.BigEndian.Uint64(raw[24*i+12:]))
			}
		}, sumTimes, float64(wantSwapped)),
	})
	g.skipped("npyio", "structured dtypes are not supported")
	if np := g.find("NumPy np.copyto(buf, a['time'])"); np != nil {
		b.note("Field time, big-endian: NumPy ÷ ndmap %.2f%s.", np.median()/g.refRow().median(), cpuRatio("NumPy ÷ ndmap", np, g.refRow()))
	}
	return nil
}

// timeChecked times rounds of fn after an untimed one, checking the result
// with check after each.
func timeChecked(rounds int, fn func(), check func() float64, want float64) ([]float64, string) {
	var samples []float64
	note := ""
	for r := range rounds + 1 {
		ns := perOp(1, fn)
		if n := checkNote(check(), want); n != "" {
			note = n
		}
		if r > 0 {
			samples = append(samples, ns)
		}
	}
	return samples, note
}

func slicesMedian(s []float64) float64 { return (&row{samples: s}).median() }
func slicesMin(s []float64) float64    { return (&row{samples: s}).min() }
func slicesMax(s []float64) float64    { return (&row{samples: s}).max() }

// join joins two notes.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
