package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

// The reduction workloads: package reduce against NumPy and plain Go loops
// on the same files, warm unless they say cold.

// reduceScript times NumPy's side of the reduction workloads.
//
//go:embed reduce_bench.py
var reduceScript string

// reduceNumPy runs one workload of reduceScript.
func (b *bench) reduceNumPy(workload string, args any) (numpyResult, error) {
	var res numpyResult
	err := b.runScript("reduce_bench.py", reduceScript, workload, args, &res)
	return res, err
}

// reduceNumPyRow adds NumPy's row of a reduction workload to g, checking
// its value against want within a relative tol.
func (b *bench) reduceNumPyRow(g *group, reader, workload string, args any, want, tol float64) *row {
	if b.numpyVer == "" {
		g.skipped(reader, "NumPy not available")
		return nil
	}
	res, err := b.reduceNumPy(workload, args)
	if err != nil {
		g.skipped(reader, err.Error())
		return nil
	}
	return g.add(reader, res.NS, nearNote(res.Check, want, tol))
}

// nearNote returns "" when got is want within a relative tol, and a
// warning otherwise.
func nearNote(got, want, tol float64) string {
	if math.Abs(got-want) <= tol*max(1, math.Abs(want)) {
		return ""
	}
	return fmt.Sprintf("**values differ: got %v, want %v**", got, want)
}

// warmRounds runs fn once untimed, then rounds times, and returns the
// nanoseconds of the timed rounds and the note on the last value.
func warmRounds(rounds int, fn func() float64, want, tol float64) ([]float64, string) {
	var samples []float64
	var got float64
	for r := range rounds + 1 {
		t := time.Now()
		got = fn()
		if r > 0 {
			samples = append(samples, float64(time.Since(t).Nanoseconds()))
		}
	}
	return samples, nearNote(got, want, tol)
}

// gbps formats the rate of reading n bytes in ns nanoseconds.
func gbps(n int64, ns float64) string { return fmt.Sprintf("%.1f GB/s", float64(n)/ns) }

// reduceWorkers are 1, 2 and GOMAXPROCS, without repeats.
func reduceWorkers() []int {
	counts := []int{1}
	for _, w := range []int{2, runtime.GOMAXPROCS(0)} {
		if w > counts[len(counts)-1] {
			counts = append(counts, w)
		}
	}
	return counts
}

// plainSum adds xs on workers goroutines, each with eight accumulators:
// the plain parallel loop, and with one worker the plain loop.
func plainSum(xs []float64, workers int) float64 {
	part := (len(xs) + workers - 1) / workers
	sums := make([]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := xs[min(w*part, len(xs)):min((w+1)*part, len(xs))]
			var s0, s1, s2, s3, s4, s5, s6, s7 float64
			for len(s) >= 8 {
				s0 += s[0]
				s1 += s[1]
				s2 += s[2]
				s3 += s[3]
				s4 += s[4]
				s5 += s[5]
				s6 += s[6]
				s7 += s[7]
				s = s[8:]
			}
			for _, x := range s {
				s0 += x
			}
			sums[w] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
		}()
	}
	wg.Wait()
	t := 0.0
	for _, s := range sums {
		t += s
	}
	return t
}

// gridSum is the sum of the first n elements of the grid file.
func gridSum(n int64) float64 {
	q, r := n/1021, n%1021
	return float64(q)*(1020*1021/2) + float64(r*(r-1)/2)
}

// reduceSum measures the sum of the warm (rows, 64) float64 file.
func (b *bench) reduceSum() error {
	path, _, err := b.grid()
	if err != nil {
		return err
	}
	if err := readThrough(path); err != nil {
		return err
	}
	n := int64(b.cfg.rows) * width
	want := gridSum(n)
	a, err := array.Open[float64](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	data, err := a.Contiguous()
	if err != nil {
		return err
	}
	procs := runtime.GOMAXPROCS(0)
	ctx := context.Background()
	sum := func(opts ...reduce.Option) func() float64 {
		return func() float64 {
			r, err := reduce.Sum(ctx, a.View, opts...)
			if err != nil {
				panic(err)
			}
			return r.Float64()
		}
	}
	g := b.group(fmt.Sprintf("sum of a %s (%d, 64) float64 file, warm", size(n*8), b.cfg.rows))
	rounds := b.cfg.rounds
	s, note := warmRounds(rounds, sum(), want, 0)
	ref := g.ref(fmt.Sprintf("ndmap reduce.Sum, %d workers", procs), s, join(note, gbps(n*8, slicesMedian(s))))
	s, note = warmRounds(rounds, sum(reduce.Workers(1)), want, 0)
	one := g.add("ndmap reduce.Sum, 1 worker", s, join(note, gbps(n*8, slicesMedian(s))))
	s, note = warmRounds(rounds, func() float64 { return plainSum(data, procs) }, want, 0)
	plainPar := g.add(fmt.Sprintf("plain loop over the mapped slice, %d goroutines", procs), s, join(note, gbps(n*8, slicesMedian(s))))
	s, note = warmRounds(rounds, func() float64 { return plainSum(data, 1) }, want, 0)
	g.add("plain loop over the mapped slice, 1 goroutine", s, join(note, gbps(n*8, slicesMedian(s))))
	np := b.reduceNumPyRow(g, "NumPy a.sum()", "sum", map[string]any{"path": path, "rounds": rounds}, want, 0)
	if np != nil {
		np.note = join(np.note, gbps(n*8, np.median()))
		b.target("reduce.Sum, all cores, at least 1.3× NumPy a.sum()", np.median() >= 1.3*ref.median(),
			"NumPy ÷ ndmap: %.2f", np.median()/ref.median())
		b.target("reduce.Sum, 1 worker, at least NumPy's speed", np.median() >= one.median(),
			"NumPy ÷ ndmap: %.2f", np.median()/one.median())
	}
	b.target("reduce.Sum, all cores, at least 0.7× the plain parallel loop", plainPar.median() >= 0.7*ref.median(),
		"plain ÷ ndmap: %.2f", plainPar.median()/ref.median())
	return nil
}

// reduceChildArgs is what the parent gives a child of the cold workload.
type reduceChildArgs struct {
	Path   string `json:"path"`
	Rounds int    `json:"rounds"`
}

// Variants of the child of the cold workload.
const (
	childReduceMean  = "reduce-mean"          // reduce.Mean with DropPages
	childReduceKeep  = "reduce-mean-keep"     // reduce.Mean without
	childReduceWill  = "reduce-mean-prefetch" // with DropPages and Prefetch
	childReduceNoSeq = "reduce-mean-noahead"  // with DropPages, without ReadAhead
	childReducePage  = "reduce-pread"         // pread 8 MiB at a time, sum
)

// isReduceChild reports whether variant is a child of the cold workload.
func isReduceChild(variant string) bool { return strings.HasPrefix(variant, "reduce-") }

// runReduceChild evicts the file, reads it and takes its mean, rounds
// times, and prints the times, the last mean and its own peak RSS.
func runReduceChild(variant string) error {
	var args reduceChildArgs
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		return err
	}
	var res numpyResult
	for range args.Rounds {
		if err := evict(args.Path); err != nil {
			return err
		}
		t := time.Now()
		switch variant {
		case childReduceMean, childReduceKeep, childReduceWill, childReduceNoSeq:
			a, err := array.Open[float64](args.Path, mmap.ReadOnly)
			if err != nil {
				return err
			}
			m, err := reduce.Mean(context.Background(), a.View,
				reduce.DropPages(variant != childReduceKeep),
				reduce.Prefetch(variant == childReduceWill),
				reduce.ReadAhead(variant != childReduceNoSeq))
			a.Close()
			if err != nil {
				return err
			}
			res.Check = m.Float64()
		case childReducePage:
			f, err := array.OpenFile(args.Path, mmap.ReadOnly)
			if err != nil {
				return err
			}
			h := f.Header()
			off, n := h.DataOffset, h.Count()
			f.Close()
			osf, err := os.Open(args.Path)
			if err != nil {
				return err
			}
			buf := make([]byte, 8<<20)
			var s float64
			for pos := int64(0); pos < n*8; {
				k, err := osf.ReadAt(buf[:min(int64(len(buf)), n*8-pos)], off+pos)
				if k == 0 {
					osf.Close()
					return err
				}
				for i := 0; i+8 <= k; i += 8 {
					s += math.Float64frombits(binary.NativeEndian.Uint64(buf[i:]))
				}
				pos += int64(k)
			}
			osf.Close()
			res.Check = s / float64(n)
		default:
			return fmt.Errorf("unknown child %q", variant)
		}
		res.NS = append(res.NS, float64(time.Since(t).Nanoseconds()))
	}
	res.HWM = peakRSS()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// reduceCold measures the mean of the grid file read from the disk, in a
// child process of its own so that its peak RSS is its own.
func (b *bench) reduceCold() error {
	path, _, err := b.grid()
	if err != nil {
		return err
	}
	n := int64(b.cfg.rows) * width
	title := fmt.Sprintf("mean of a %s float64 file, cold (evicted before each round)", size(n*8))
	if !canEvict {
		b.group(title).skipped("all readers", "evicting one file from the page cache needs Linux")
		return nil
	}
	want := gridSum(n) / float64(n)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// The readers take turns, a round each, so that other programs' use
	// of the disk falls on all of them alike.
	readers := []struct {
		variant, name string
		ns            []float64
		hwm           int64
		note          string
	}{
		{variant: childReduceMean, name: "ndmap reduce.Mean, DropPages"},
		{variant: childReducePage, name: "plain sequential pread, 8 MiB at a time"},
		{variant: childReduceKeep, name: "ndmap reduce.Mean, pages kept"},
		{variant: childReduceWill, name: "ndmap reduce.Mean, DropPages + Prefetch (WillNeed per chunk)"},
		{variant: childReduceNoSeq, name: "ndmap reduce.Mean, DropPages, ReadAhead off (no advice)"},
		{name: "NumPy a.mean() on a fresh memmap"},
	}
	in, err := json.Marshal(reduceChildArgs{Path: path, Rounds: 1})
	if err != nil {
		return err
	}
	for r := range b.cfg.rounds {
		for k := range readers {
			// Each round starts with the next reader, so that none is
			// always the first after the others.
			rd := &readers[(r+k)%len(readers)]
			var res numpyResult
			if rd.variant == "" {
				if b.numpyVer == "" {
					continue
				}
				if res, err = b.reduceNumPy("cold_mean", reduceChildArgs{Path: path, Rounds: 1}); err != nil {
					return err
				}
			} else {
				cmd := exec.Command(exe, "-child", rd.variant)
				cmd.Stdin = bytes.NewReader(in)
				cmd.Stderr = os.Stderr
				out, err := cmd.Output()
				if err != nil {
					return fmt.Errorf("%s: %w", rd.variant, err)
				}
				if err := json.Unmarshal(out, &res); err != nil {
					return fmt.Errorf("%s printed %q", rd.variant, out)
				}
			}
			rd.ns = append(rd.ns, res.NS...)
			rd.hwm = max(rd.hwm, res.HWM)
			if n := nearNote(res.Check, want, 1e-9); n != "" {
				rd.note = n
			}
		}
	}
	g := b.group(title)
	peak := b.group(fmt.Sprintf("peak RSS of the cold mean of the %s file", size(n*8)))
	peak.bytes = true
	for i, rd := range readers {
		if len(rd.ns) == 0 {
			g.skipped(rd.name, "NumPy not available")
			continue
		}
		note := join(rd.note, gbps(n*8, slicesMedian(rd.ns)))
		if i == 0 {
			g.ref(rd.name, rd.ns, note)
			peak.ref(rd.name, []float64{float64(rd.hwm)}, "")
		} else {
			g.add(rd.name, rd.ns, note)
			peak.add(rd.name, []float64{float64(rd.hwm)}, "")
		}
	}
	refTime, preadTime, refRSS := slicesMedian(readers[0].ns), slicesMedian(readers[1].ns), float64(readers[0].hwm)
	mi, _ := meminfo()
	b.note("Cold mean: the file (%s) is smaller than this machine's RAM (%s), and a file that the page cache could not hold would take many times that on disk; instead each round, in a child process, evicts the file with posix_fadvise(POSIX_FADV_DONTNEED) after closing every mapping of it, so that every page comes from the disk.",
		size(n*8), size(mi["MemTotal"]))
	b.target("cold reduce.Mean at least 0.9× a plain sequential pread", preadTime >= 0.9*refTime,
		"pread ÷ ndmap: %.2f", preadTime/refTime)
	b.target("cold reduce.Mean peak RSS under 256 MiB", refRSS < 256<<20, "%s", size(int64(refRSS)))
	return nil
}

// channelValue is element e (in C order) of the (N, 64) int16 file.
func channelValue(e int64) int16 { return int16(e*7919%4001 - 2000 + e%64*10) }

// reduceChannels measures the mean and standard deviation of each channel
// of a (N, 64) int16 file.
func (b *bench) reduceChannels() error {
	const channels = 64
	bytesWanted := int64(2 << 30)
	if b.cfg.quick {
		bytesWanted = 64 << 20
	}
	rows := int(bytesWanted / 2 / channels)
	path := b.path("channels.npy")
	if _, err := writeNPY(path, layout.Int16, []int{rows, channels}, func(chunk []byte, first int64) {
		for i := range len(chunk) / 2 {
			binary.NativeEndian.PutUint16(chunk[2*i:], uint16(channelValue(first+int64(i))))
		}
	}); err != nil {
		return err
	}
	defer os.Remove(path)
	if err := readThrough(path); err != nil {
		return err
	}
	a, err := array.Open[int16](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	data, err := a.Contiguous()
	if err != nil {
		return err
	}
	// The plain loop: exact sums of values and squares per channel.
	plain := func() float64 {
		var s, q [channels]int64
		for r := 0; r+channels <= len(data); r += channels {
			row := data[r : r+channels]
			for c, x := range row {
				s[c] += int64(x)
				q[c] += int64(x) * int64(x)
			}
		}
		n := float64(rows)
		mean := float64(s[0]) / n
		return mean + math.Sqrt(float64(q[0])/n-mean*mean)
	}
	want := plain()
	ctx := context.Background()
	describe := func(opts ...reduce.Option) func() float64 {
		return func() float64 {
			s, err := reduce.Describe(ctx, a.View, append(opts, reduce.Axis(0))...)
			if err != nil {
				panic(err)
			}
			return s.Mean[0] + math.Sqrt(s.Var[0])
		}
	}
	total := int64(rows) * channels * 2
	g := b.group(fmt.Sprintf("per-channel mean and std of a %s (%d, 64) int16 file, warm", size(total), rows))
	rounds := b.cfg.costlyRound
	procs := runtime.GOMAXPROCS(0)
	s, note := warmRounds(rounds, describe(), want, 1e-9)
	ref := g.ref(fmt.Sprintf("ndmap reduce.Describe(Axis(0)), %d workers", procs), s, join(note, gbps(total, slicesMedian(s))))
	s, note = warmRounds(rounds, describe(reduce.Workers(1)), want, 1e-9)
	g.add("ndmap reduce.Describe(Axis(0)), 1 worker", s, join(note, gbps(total, slicesMedian(s))))
	s, note = warmRounds(rounds, func() float64 {
		m, err1 := reduce.Mean(ctx, a.View, reduce.Axis(0))
		sd, err2 := reduce.Std(ctx, a.View, reduce.Axis(0))
		if err1 != nil || err2 != nil {
			panic(fmt.Sprint(err1, err2))
		}
		return m.Float64s()[0] + sd.Float64s()[0]
	}, want, 1e-9)
	g.add(fmt.Sprintf("ndmap reduce.Mean + reduce.Std (two passes), %d workers", procs), s, join(note, gbps(total, slicesMedian(s))))
	s, note = warmRounds(rounds, plain, want, 0)
	g.add("plain loop over the mapped slice, 1 goroutine", s, join(note, gbps(total, slicesMedian(s))))
	np := b.reduceNumPyRow(g, "NumPy a.mean(axis=0) + a.std(axis=0)", "channels", map[string]any{"path": path, "rounds": rounds}, want, 1e-9)
	if np != nil {
		np.note = join(np.note, gbps(total, np.median()))
		b.target("per-channel mean+std at least 2× NumPy's a.mean(axis=0) + a.std(axis=0)", np.median() >= 2*ref.median(),
			"NumPy ÷ ndmap: %.2f", np.median()/ref.median())
	}
	return nil
}

// reduceFrame measures the mean frame of the (N, 256, 256) float32 file.
func (b *bench) reduceFrame() error {
	path, _, err := b.frames()
	if err != nil {
		return err
	}
	if err := readThrough(path); err != nil {
		return err
	}
	frames := b.cfg.frames
	var want float64
	for k := range frames {
		want += float64(frameValue(k, 0))
	}
	want /= float64(frames)
	a, err := array.Open[float32](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	data, err := a.Contiguous()
	if err != nil {
		return err
	}
	ctx := context.Background()
	mean := func(opts ...reduce.Option) func() float64 {
		return func() float64 {
			m, err := reduce.Mean(ctx, a.View, append(opts, reduce.Axis(0))...)
			if err != nil {
				panic(err)
			}
			return m.Float64s()[0]
		}
	}
	total := int64(frames) * frameBytes
	g := b.group(fmt.Sprintf("mean frame of a %s (%d, 256, 256) float32 file, warm", size(total), frames))
	rounds := b.cfg.rounds
	procs := runtime.GOMAXPROCS(0)
	s, note := warmRounds(rounds, mean(), want, 1e-6)
	ref := g.ref(fmt.Sprintf("ndmap reduce.Mean(Axis(0)), %d workers", procs), s, join(note, gbps(total, slicesMedian(s))))
	s, note = warmRounds(rounds, mean(reduce.Workers(1)), want, 1e-6)
	g.add("ndmap reduce.Mean(Axis(0)), 1 worker", s, join(note, gbps(total, slicesMedian(s))))
	acc := make([]float64, frameElems)
	s, note = warmRounds(rounds, func() float64 {
		clear(acc)
		for k := range frames {
			frame := data[k*frameElems : (k+1)*frameElems]
			for j, x := range frame {
				acc[j] += float64(x)
			}
		}
		return acc[0] / float64(frames)
	}, want, 1e-6)
	g.add("plain loop over the mapped slice into a float64 frame, 1 goroutine", s, join(note, gbps(total, slicesMedian(s))))
	np := b.reduceNumPyRow(g, "NumPy a.mean(axis=0)", "frame", map[string]any{"path": path, "rounds": rounds}, want, 1e-6)
	if np != nil {
		np.note = join(np.note, gbps(total, np.median()))
		b.target("mean frame at least 1.5× NumPy's a.mean(axis=0)", np.median() >= 1.5*ref.median(),
			"NumPy ÷ ndmap: %.2f", np.median()/ref.median())
	}
	return nil
}

// reduceScaling measures reduce.Sum of sparse float64 files of growing
// size with 1, 2 and GOMAXPROCS workers. The files are holes: their pages
// are zeros the kernel makes on the first, untimed, pass, and the timed
// passes read them from memory.
func (b *bench) reduceScaling() error {
	sizes := []int64{1 << 30, 4 << 30, 16 << 30}
	if b.cfg.quick {
		sizes = []int64{64 << 20, 256 << 20}
	}
	if math.MaxInt == math.MaxInt32 {
		b.group("reduce.Sum scaling").skipped("all readers", "needs a 64-bit address space")
		return nil
	}
	ctx := context.Background()
	for _, sz := range sizes {
		path := b.path(fmt.Sprintf("sparse-%d.npy", sz))
		if _, err := writeNPY(path, layout.Float64, []int{int(sz / 8)}, nil); err != nil {
			return err
		}
		a, err := array.Open[float64](path, mmap.ReadOnly)
		if err != nil {
			return err
		}
		g := b.group(fmt.Sprintf("scaling: sum of a %s sparse float64 file, warm", size(sz)))
		rounds := b.cfg.costlyRound
		for i, w := range reduceWorkers() {
			s, note := warmRounds(rounds, func() float64 {
				r, err := reduce.Sum(ctx, a.View, reduce.Workers(w))
				if err != nil {
					panic(err)
				}
				return r.Float64()
			}, 0, 0)
			name := fmt.Sprintf("ndmap reduce.Sum, %d worker", w)
			if w > 1 {
				name += "s"
			}
			if i == 0 {
				g.ref(name, s, join(note, gbps(sz, slicesMedian(s))))
			} else {
				g.add(name, s, join(note, gbps(sz, slicesMedian(s))))
			}
		}
		a.Close()
		if np := b.reduceNumPyRow(g, "NumPy a.sum()", "sum", map[string]any{"path": path, "rounds": rounds}, 0, 0); np != nil {
			np.note = join(np.note, gbps(sz, np.median()))
		}
		if canEvict {
			evict(path)
		}
		os.Remove(path)
	}
	b.note("Scaling: the files are sparse (holes that cost no disk); the first pass, untimed, has the kernel fill the page cache with zero pages, and the timed passes read those. The ref row of each size is one worker: \"÷ ndmap\" above 1 means slower than one worker. %s on %d cores: GOMAXPROCS is %d.",
		b.facts.cpu, b.facts.cores, runtime.GOMAXPROCS(0))
	return nil
}
