package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// childArgs is what the parent gives a child of the peak RSS workload on
// its standard input.
type childArgs struct {
	Path   string `json:"path"`
	Frames []int  `json:"frames"`
}

// Variants of the Go child process.
const (
	childNdmap    = "ndmap"          // Index(i).CopyTo for each frame
	childRandom   = "ndmap-random"   // the same after Advise(Random) on the array
	childDontNeed = "ndmap-dontneed" // the same, then Advise(DontNeed) on the frame
	childWillNeed = "ndmap-willneed" // Advise(WillNeed) on the frame, then CopyTo
	childPread    = "pread"          // ReadAt into one buffer
	childIdle     = "idle"           // open the file, read nothing
)

// runChild reads the frames it is given and prints the time per frame as
// the NumPy script does; its parent reads its peak RSS.
func runChild(variant string) error {
	var args childArgs
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		return err
	}
	var ns float64
	n := max(len(args.Frames), 1)
	switch variant {
	case childNdmap, childRandom, childDontNeed, childWillNeed, childIdle:
		a, err := array.Open[float32](args.Path, mmap.ReadOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		if variant == childRandom {
			if err := a.Advise(mmap.Random); err != nil {
				return err
			}
		}
		buf := make([]float32, frameElems)
		ns = perOp(n, func() {
			for _, k := range args.Frames {
				f := a.Index(k)
				if variant == childWillNeed {
					f.Advise(mmap.WillNeed)
				}
				f.CopyTo(buf)
				if variant == childDontNeed {
					f.Advise(mmap.DontNeed)
				}
			}
		})
	case childPread:
		f, err := os.Open(args.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		a, err := array.OpenFile(args.Path, mmap.ReadOnly)
		if err != nil {
			return err
		}
		off := a.Header().DataOffset
		a.Close()
		buf := make([]byte, frameBytes)
		ns = perOp(n, func() {
			for _, k := range args.Frames {
				if _, err := f.ReadAt(buf, off+int64(k)*frameBytes); err != nil {
					panic(err)
				}
			}
		})
	default:
		return fmt.Errorf("unknown child %q", variant)
	}
	return json.NewEncoder(os.Stdout).Encode(numpyResult{NS: []float64{ns}, HWM: peakRSS()})
}

// peakRSS returns VmHWM of /proc/self/status: the peak RSS of this process
// since it was exec'd, in bytes, or -1.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(v, &kb)
			return kb * 1024
		}
	}
	return -1
}

// child runs one child process and returns its peak RSS in bytes and its
// time per frame. The peak is the VmHWM the child reports of itself. The
// rusage Maxrss of the child is no use on Linux: a child started with vfork
// (as os/exec does) and exec carries its parent's peak RSS over, so every
// child of a big runner looks as big as the runner.
func (b *bench) child(cmd *exec.Cmd) (int64, float64, error) {
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", cmd.Args, err)
	}
	var res numpyResult
	if err := json.Unmarshal(out, &res); err != nil || len(res.NS) != 1 {
		return 0, 0, fmt.Errorf("%s printed %q", cmd.Args, out)
	}
	if res.HWM > 0 {
		return res.HWM, res.NS[0], nil
	}
	return maxRSS(cmd.ProcessState), res.NS[0], nil
}

// rss measures the peak resident set size of a process that reads random
// frames of a sparse file twice the size of RAM.
func (b *bench) rss() error {
	title := fmt.Sprintf("peak RSS, %d random frames of a sparse file twice the size of RAM", b.cfg.rssFrames)
	mi, err := meminfo()
	if err != nil || mi["MemTotal"] == 0 || math.MaxInt == math.MaxInt32 {
		b.group(title).skipped("all readers", "needs /proc/meminfo and a 64-bit address space")
		return nil
	}
	frames := int((2*mi["MemTotal"] + frameBytes - 1) / frameBytes)
	path := b.path("big.npy")
	off, err := writeNPY(path, layout.Float32, []int{frames, frameSide, frameSide}, nil)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	idx := randomFrames(7, b.cfg.rssFrames, frames)
	page := int64(os.Getpagesize())
	var touched int64
	for _, k := range slices.Compact(slices.Sorted(slices.Values(idx))) {
		lo := off + int64(k)*frameBytes
		touched += ((lo+frameBytes-1)/page - lo/page + 1) * page
	}
	args := childArgs{Path: path, Frames: idx}
	exe, err := os.Executable()
	if err != nil {
		return err
	}

	type reader struct {
		name    string
		variant string // of the Go child; "" for Python
		idle    bool
		rss, ns []float64
	}
	readers := []*reader{
		{name: "ndmap Index(i).CopyTo", variant: childNdmap},
		{name: "ndmap, Advise(WillNeed) on each frame first", variant: childWillNeed},
		{name: "ndmap, Advise(Random) on the array first", variant: childRandom},
		{name: "ndmap, Advise(DontNeed) after each frame", variant: childDontNeed},
		{name: "pread ReadAt", variant: childPread},
		{name: "ndmap idle: open, read nothing", variant: childIdle, idle: true},
	}
	if b.numpyVer != "" {
		readers = append(readers,
			&reader{name: "NumPy memmap np.copyto(buf, a[i])"},
			&reader{name: "NumPy idle: import, np.load, read nothing", idle: true})
	}
	for range b.cfg.rssRounds {
		for _, rd := range readers {
			if canEvict {
				if err := evict(path); err != nil {
					return err
				}
			}
			a := args
			if rd.idle {
				a.Frames = []int{}
			}
			var cmd *exec.Cmd
			if rd.variant != "" {
				in, err := json.Marshal(a)
				if err != nil {
					return err
				}
				cmd = exec.Command(exe, "-child", rd.variant)
				cmd.Stdin = bytes.NewReader(in)
				cmd.Stderr = os.Stderr
			} else if cmd, err = b.numpyCommand("rss", a); err != nil {
				return err
			}
			rss, ns, err := b.child(cmd)
			if err != nil {
				return err
			}
			rd.rss = append(rd.rss, float64(rss))
			rd.ns = append(rd.ns, ns)
		}
	}
	g := b.group(title)
	g.bytes = true
	for i, rd := range readers {
		note := ""
		if !rd.idle {
			note = fmt.Sprintf("%s a frame", duration(slicesMedian(rd.ns)))
		}
		if i == 0 {
			g.ref(rd.name, rd.rss, note)
		} else {
			g.add(rd.name, rd.rss, note)
		}
	}
	if b.numpyVer == "" {
		g.skipped("NumPy memmap", "NumPy not available")
	}
	b.note("Peak RSS: the file is %s of holes (%d frames, twice MemTotal); the %d frames read (%d distinct) span %s of pages; each child starts with the file evicted.",
		size(int64(frames)*frameBytes), frames, len(idx), len(slices.Compact(slices.Sorted(slices.Values(idx)))), size(touched))
	// The array package documents Advise(WillNeed) on each frame as the way
	// to read random frames; the target is judged on that reader, and the
	// plain one is shown beside it.
	peak := g.refRow().median()
	advised := slicesMedian(readers[1].rss)
	limit := float64(touched + 64<<20)
	b.target("peak RSS at most the frames touched + 64 MiB", advised <= limit,
		"%s with Advise(WillNeed) on each frame, %s without advice, against %s + 64 MiB", size(int64(advised)), size(int64(peak)), size(touched))
	return nil
}
