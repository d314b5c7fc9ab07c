package main

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// apiScript times NumPy's side of the archive and fill workloads.
//
//go:embed api_bench.py
var apiScript string

// apiNumpy runs one workload of apiScript and returns its result.
func (b *bench) apiNumpy(workload string, args any) (numpyResult, error) {
	var res numpyResult
	err := b.runScript("api_bench.py", apiScript, workload, args, &res)
	return res, err
}

// apiCommand returns the command that runs one workload of apiScript.
func (b *bench) apiCommand(workload string, args any) (*exec.Cmd, error) {
	return b.scriptCommand("api_bench.py", apiScript, workload, args)
}

// Members of the archive workload: many small arrays, as an archive of
// per-trial results holds.
const (
	archiveMembers = 4000
	memberLen      = 16
)

// archive measures reading every member of a 4000-member .npz archive into
// memory, against NumPy's for k in z.files: z[k].
func (b *bench) archive() error {
	path := b.path("many.npz")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	// Stored and unaligned, as np.savez writes it.
	z := header.NewNPZWriter(f, header.NPZOptions{})
	item := make([]byte, memberLen*8)
	for i := range archiveMembers {
		w, err := z.Create(fmt.Sprintf("trial%04d", i), header.Header{DType: layout.Float64, Shape: []int{memberLen}})
		if err != nil {
			return err
		}
		w.Write(item)
	}
	if err := z.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	defer os.Remove(path)
	want := float64(archiveMembers * memberLen)

	g := b.group(fmt.Sprintf("read all %d members of an .npz of (%d,) float64 arrays", archiveMembers, memberLen))
	var n float64
	g.ref("ndmap OpenArchive, LoadMember per key", b.rounds(b.cfg.rounds, 1, func() {
		z, err := array.OpenArchive(path, mmap.ReadOnly)
		if err != nil {
			panic(err)
		}
		n = 0
		for _, key := range z.Keys() {
			data, _, err := array.LoadMember[float64](z, key)
			if err != nil {
				panic(err)
			}
			n += float64(len(data))
		}
		z.Close()
	}), checkNote(n, want))
	buf := make([]float64, memberLen)
	g.add("ndmap OpenArchive, OpenMember + CopyTo + Close per key", b.rounds(b.cfg.rounds, 1, func() {
		z, err := array.OpenArchive(path, mmap.ReadOnly)
		if err != nil {
			panic(err)
		}
		for _, key := range z.Keys() {
			a, err := array.OpenMember[float64](z, key)
			if err != nil {
				panic(err)
			}
			a.CopyTo(buf)
			a.Close()
		}
		z.Close()
	}), "maps each member")
	if b.numpyVer == "" {
		g.skipped("NumPy for k in z.files: z[k]", "NumPy not available")
	} else if res, err := b.apiNumpy("members", map[string]any{"path": path, "rounds": b.cfg.rounds}); err != nil {
		g.skipped("NumPy for k in z.files: z[k]", err.Error())
	} else {
		g.add("NumPy for k in z.files: z[k]", res.NS, checkNote(res.Check, want))
	}
	g.add("archive/zip + header.ReadStream per member", b.rounds(b.cfg.rounds, 1, func() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			panic(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				panic(err)
			}
			h, rest, err := header.ReadStream(rc)
			if err != nil {
				panic(err)
			}
			if _, err := io.ReadFull(rest, make([]byte, h.DataSize())); err != nil {
				panic(err)
			}
			rc.Close()
		}
		zr.Close()
	}), "")
	if np := g.find("NumPy for k in z.files: z[k]"); np != nil {
		ours := g.refRow().median()
		b.target(fmt.Sprintf("reading a %d-member archive within 2× NumPy", archiveMembers), ours <= 2*np.median(),
			"%s against NumPy's %s", duration(ours), duration(np.median()))
	}
	return nil
}

// fillArgs is what the parent gives a child of the fill workload.
type fillArgs struct {
	Path  string `json:"path"`
	Rows  int    `json:"rows"`
	Cols  int    `json:"cols"`
	Block int    `json:"block"`
}

// Variants of the Go child of the fill workload.
const (
	childFill      = "fill"       // the documented recipe: fill, Flush, Advise(DontNeed) each block
	childFillAsync = "fill-async" // fill, Advise(DontNeed) each block, leaving the writing to the kernel
	childFillPlain = "fill-plain" // fill each block, Close at the end
)

// isFillChild reports whether variant is a child of the fill workload.
func isFillChild(variant string) bool {
	return variant == childFill || variant == childFillAsync || variant == childFillPlain
}

// runFillChild writes the file it is given a block of rows at a time and
// prints its time and its peak RSS.
func runFillChild(variant string) error {
	var args fillArgs
	if err := json.NewDecoder(os.Stdin).Decode(&args); err != nil {
		return err
	}
	ns := perOp(1, func() {
		a, err := array.Create[float32](args.Path, []int{args.Rows, args.Cols})
		if err != nil {
			panic(err)
		}
		buf := make([]float32, args.Block*args.Cols)
		for i := 0; i < args.Rows; i += args.Block {
			part := a.Slice(array.Range(i, min(i+args.Block, args.Rows)))
			for r := range part.Len() {
				row := buf[r*args.Cols : (r+1)*args.Cols]
				for c := range row {
					row[c] = float32(i + r)
				}
			}
			if _, err := part.CopyFrom(buf); err != nil {
				panic(err)
			}
			if variant == childFill {
				if err := part.Flush(); err != nil {
					panic(err)
				}
			}
			if variant != childFillPlain {
				part.Advise(mmap.DontNeed)
			}
		}
		if err := a.Close(); err != nil {
			panic(err)
		}
	})
	return json.NewEncoder(os.Stdout).Encode(numpyResult{NS: []float64{ns}, HWM: peakRSS()})
}

// fill measures the peak RSS and time of writing a file of 4 GiB (256 MiB
// with -quick) a block of rows at a time, each process on a fresh file.
func (b *bench) fill() error {
	const cols, block = 1024, 4096 // 4 KiB rows, 16 MiB blocks
	total := int64(4 << 30)
	if b.cfg.quick {
		total = 256 << 20
	}
	if math.MaxInt == math.MaxInt32 {
		b.group("fill").skipped("all writers", "needs a 64-bit address space")
		return nil
	}
	args := fillArgs{Path: b.path("fill.npy"), Rows: int(total / (cols * 4)), Cols: cols, Block: block}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	type writer struct {
		name    string
		variant string // of the Go child; "" for NumPy
		rss, ns []float64
		note    string
	}
	writers := []*writer{
		{name: "ndmap Create; per block CopyFrom, Flush, Advise(DontNeed); Close", variant: childFill},
		{name: "ndmap Create; per block CopyFrom, Advise(DontNeed); Close", variant: childFillAsync},
		{name: "ndmap Create; per block CopyFrom; Close", variant: childFillPlain},
	}
	if b.numpyVer != "" {
		writers = append(writers, &writer{name: "NumPy open_memmap(mode='w+'); per block a[i:j] = ...; flush"})
	}
	// The check: rows are filled with their own number.
	check := func() string {
		a, err := array.Open[float32](args.Path, mmap.ReadOnly)
		if err != nil {
			return "**" + err.Error() + "**"
		}
		defer a.Close()
		for _, i := range []int{0, 1, args.Rows / 2, args.Rows - 1} {
			if a.At(i, cols-1) != float32(i) {
				return fmt.Sprintf("**row %d holds %v**", i, a.At(i, cols-1))
			}
		}
		return ""
	}
	for range max(1, b.cfg.rssRounds) {
		for _, w := range writers {
			os.Remove(args.Path)
			var cmd *exec.Cmd
			if w.variant != "" {
				in, err := json.Marshal(args)
				if err != nil {
					return err
				}
				cmd = exec.Command(exe, "-child", w.variant)
				cmd.Stdin = bytes.NewReader(in)
				cmd.Stderr = os.Stderr
			} else if cmd, err = b.apiCommand("fill", args); err != nil {
				return err
			}
			rss, ns, err := b.child(cmd)
			if err != nil {
				return err
			}
			w.rss = append(w.rss, float64(rss))
			w.ns = append(w.ns, ns)
			if n := check(); n != "" {
				w.note = n
			}
		}
	}
	os.Remove(args.Path)

	title := fmt.Sprintf("write a (%d, %d) float32 .npy (%s) in blocks of %d rows", args.Rows, cols, size(total), block)
	gr := b.group("peak RSS: " + title)
	gr.bytes = true
	gt := b.group("time: " + title)
	for i, w := range writers {
		if i == 0 {
			gr.ref(w.name, w.rss, w.note)
			gt.ref(w.name, w.ns, w.note)
			continue
		}
		gr.add(w.name, w.rss, w.note)
		gt.add(w.name, w.ns, w.note)
	}
	if b.numpyVer == "" {
		gr.skipped("NumPy open_memmap", "NumPy not available")
	}
	peak := gr.refRow().median()
	b.target(fmt.Sprintf("peak RSS of the bounded-memory recipe writing %s under 128 MiB", size(total)), peak < 128<<20,
		"%s (blocks of %s)", size(int64(peak)), size(block*cols*4))
	return nil
}
