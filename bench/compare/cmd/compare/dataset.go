package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Geometry of the shard workload: one (1, 128, 128) float32 frame per
// file, and the same frames in one .npy file.
const (
	shardSide  = 128
	shardElems = shardSide * shardSide
	shardBytes = shardElems * 4
)

// shardSizes returns the number of shards and of frames read per warm and
// per cold round.
func (b *bench) shardSizes() (shards, warm, cold int) {
	if b.cfg.quick {
		return 2000, 2000, 100
	}
	return 20000, 5000, 300
}

// shardFiles writes the shard files and the one .npy file of the same
// frames, on first use, and returns the folder, the shard paths and the
// .npy path. Every file is synced, so that its pages can be evicted.
func (b *bench) shardFiles() (string, []string, string, error) {
	n, _, _ := b.shardSizes()
	dir := b.path("shards")
	npy := b.path("shard_frames.npy")
	paths := make([]string, n)
	for k := range paths {
		paths[k] = filepath.Join(dir, fmt.Sprintf("frame_%d.npy", k))
	}
	if _, err := os.Stat(npy); err == nil {
		return dir, paths, npy, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, "", err
	}
	hdr, err := header.Encode(header.Header{DType: layout.Float32, Shape: []int{1, shardSide, shardSide}})
	if err != nil {
		return "", nil, "", err
	}
	buf := make([]byte, len(hdr)+shardBytes)
	copy(buf, hdr)
	put := func(chunk []byte, k, j0 int) {
		for j := range len(chunk) / 4 {
			putFloat32(chunk[4*j:], frameValue(k, j0+j))
		}
	}
	for k, p := range paths {
		put(buf[len(hdr):], k, 0)
		f, err := os.Create(p)
		if err != nil {
			return "", nil, "", err
		}
		_, err = f.Write(buf)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", nil, "", err
		}
	}
	_, err = writeNPY(npy, layout.Float32, []int{n, shardSide, shardSide}, func(chunk []byte, first int64) {
		for i := 0; i < len(chunk)/4; {
			e := int(first) + i
			k, j := e/shardElems, e%shardElems
			m := min(shardElems-j, len(chunk)/4-i)
			put(chunk[4*i:4*(i+m)], k, j)
			i += m
		}
	})
	return dir, paths, npy, err
}

func putFloat32(b []byte, x float32) { binary.NativeEndian.PutUint32(b, math.Float32bits(x)) }

// frameReader reads frame k into buf.
type frameReader func(k int, buf []float32) error

// timeFrames reads the frames idx one after another and returns
// nanoseconds per frame and the sum of their first elements.
func timeFrames(idx []int, buf []float32, read frameReader) (float64, float64, error) {
	var s float64
	var err error
	ns := perOp(len(idx), func() {
		for _, k := range idx {
			if err = read(k, buf); err != nil {
				return
			}
			s += float64(buf[0])
		}
	})
	return ns, s, err
}

// npyFrame reads frame k of a, advising WillNeed first if advise is set.
func npyFrame(a *array.Array[float32], advise bool) frameReader {
	return func(k int, buf []float32) error {
		f := a.Index(k)
		if advise {
			f.Advise(mmap.WillNeed)
		}
		f.CopyTo(buf)
		return nil
	}
}

// shardFrame reads frame k of s with Frame, advising WillNeed first if
// advise is set.
func shardFrame(s *dataset.Shards[float32], advise bool) frameReader {
	return func(k int, buf []float32) error {
		f, err := s.Frame(k)
		if err != nil {
			return err
		}
		if advise {
			f.Advise(mmap.WillNeed)
		}
		f.CopyTo(buf)
		f.Release()
		return nil
	}
}

// preadShard reads frame k from its own file: open, ReadAt, close.
func preadShard(paths []string, off int64, bbuf []byte) frameReader {
	return func(k int, buf []float32) error {
		f, err := os.Open(paths[k])
		if err != nil {
			return err
		}
		_, err = f.ReadAt(bbuf, off)
		f.Close()
		buf[0] = math.Float32frombits(binary.NativeEndian.Uint32(bbuf))
		return err
	}
}

// shards measures reading random frames of a folder of one-frame shards
// against the same frames of one .npy file, warm and cold.
func (b *bench) shards() error {
	n, warmN, coldN := b.shardSizes()
	t0 := time.Now()
	dir, paths, npy, err := b.shardFiles()
	if err != nil {
		return err
	}
	b.note("shards: %d one-frame .npy files (%s each, %s in all) and one .npy file of the same frames, written in %v", n, size(shardBytes), size(int64(n)*shardBytes), time.Since(t0).Round(time.Second))
	t0 = time.Now()
	probe, err := dataset.OpenSet(dir)
	if err != nil {
		return err
	}
	scan := time.Since(t0)
	probe.Close()
	b.note("shards: dataset.OpenSet read the headers of %d files in %v (%s a file), leaving none open", n, scan.Round(time.Millisecond), duration(float64(scan.Nanoseconds())/float64(n)))
	shardOff := int64(0)
	if h, err := readHeaderOf(paths[0]); err == nil {
		shardOff = h.DataOffset
	}

	// Warm: every file read once, untimed, first.
	if err := readThrough(npy); err != nil {
		return err
	}
	for _, p := range paths {
		if err := readThrough(p); err != nil {
			return err
		}
	}
	idx := randomFrames(7, warmN, n)
	want := frameCheck(idx)
	buf := make([]float32, shardElems)
	bbuf := make([]byte, shardBytes)
	a, err := array.Open[float32](npy, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	fdsBefore := countEntries("/proc/self/fd")
	sDef, err := dataset.OpenShards[float32](dir)
	if err != nil {
		return err
	}
	defer sDef.Close()
	sFew, err := dataset.OpenShards[float32](dir, dataset.MaxMapped(shardFewMapped))
	if err != nil {
		return err
	}
	defer sFew.Close()
	type reader struct {
		name, note string
		read       frameReader
		samples    []float64
		check      float64
	}
	readers := []*reader{
		{name: "ndmap one .npy: Index(i).CopyTo", read: npyFrame(a, false)},
		{name: "ndmap shard set, default options: Frame(i).CopyTo", read: shardFrame(sDef, false), note: "every shard stays mapped after its first read, without a descriptor"},
		{name: "ndmap shard set, default options: CopyTo(buf, Idx(i))", read: func(k int, buf []float32) error {
			_, err := sDef.CopyTo(buf, array.Idx(k))
			return err
		}},
		{name: fmt.Sprintf("ndmap shard set, MaxMapped(%d): Frame(i).CopyTo", shardFewMapped), read: shardFrame(sFew, false), note: "most frames open and map their file"},
		{name: "pread: os.Open + ReadAt + Close of the frame's file", read: preadShard(paths, shardOff, bbuf), note: "bytes, not decoded"},
	}
	for r := range b.cfg.rounds + 1 {
		for _, rd := range readers {
			ns, s, err := timeFrames(idx, buf, rd.read)
			if err != nil {
				return err
			}
			if r > 0 {
				rd.samples, rd.check = append(rd.samples, ns), s
			}
		}
	}
	g := b.group(fmt.Sprintf("random frame of %d one-frame shards (128×128 float32), warm (%d frames a round)", n, len(idx)))
	for i, rd := range readers {
		note := join(checkNote(rd.check, want), rd.note)
		if i == 0 {
			g.ref(rd.name, rd.samples, note)
		} else {
			g.add(rd.name, rd.samples, note)
		}
	}
	if fds, maps := countEntries("/proc/self/fd"), countMappings(dir); fds >= 0 && maps >= 0 {
		b.note("shards: after the warm rounds %d files of the folder were mapped and %d descriptors open (%d before the sets were opened)", maps, fds, fdsBefore)
	}
	ref := g.refRow().median()
	def := g.rows[1].median() / ref
	b.target("shard frame within 1.5× of one .npy, warm, default options", def <= 1.5, "shards ÷ .npy: %.2f", def)
	sDef.Close()
	sFew.Close()
	a.Close()

	if !canEvict {
		g := b.group("random frame of one-frame shards, cold")
		g.skipped("all readers", "evicting files from the page cache needs Linux")
		return nil
	}
	// Cold: before each reader's turn, the files of the round's frames
	// (and the whole .npy) are evicted, after every mapping is closed.
	type coldReader struct {
		name    string
		open    func() (frameReader, func(), error)
		samples []float64
		bad     string
	}
	coldReaders := []*coldReader{
		{name: "ndmap one .npy: Advise(WillNeed) on the frame, then CopyTo", open: func() (frameReader, func(), error) {
			a, err := array.Open[float32](npy, mmap.ReadOnly)
			if err != nil {
				return nil, nil, err
			}
			return npyFrame(a, true), func() { a.Close() }, nil
		}},
		{name: "ndmap shard set: Frame(i), Advise(WillNeed), CopyTo", open: func() (frameReader, func(), error) {
			s, err := dataset.OpenShards[float32](dir)
			if err != nil {
				return nil, nil, err
			}
			return shardFrame(s, true), func() { s.Close() }, nil
		}},
		{name: "ndmap shard set: Frame(i).CopyTo, page faults", open: func() (frameReader, func(), error) {
			s, err := dataset.OpenShards[float32](dir)
			if err != nil {
				return nil, nil, err
			}
			return shardFrame(s, false), func() { s.Close() }, nil
		}},
		{name: "ndmap one .npy: Index(i).CopyTo, page faults", open: func() (frameReader, func(), error) {
			a, err := array.Open[float32](npy, mmap.ReadOnly)
			if err != nil {
				return nil, nil, err
			}
			return npyFrame(a, false), func() { a.Close() }, nil
		}},
		{name: "pread: os.Open + ReadAt + Close of the frame's file", open: func() (frameReader, func(), error) {
			return preadShard(paths, shardOff, bbuf), func() {}, nil
		}},
	}
	for r := range b.cfg.rounds {
		idx := randomFrames(uint64(200+r), coldN, n)
		for _, rd := range coldReaders {
			if err := evict(npy); err != nil {
				return err
			}
			for _, k := range idx {
				if err := evict(paths[k]); err != nil {
					return err
				}
			}
			read, done, err := rd.open()
			if err != nil {
				return err
			}
			ns, s, err := timeFrames(idx, buf, read)
			done()
			if err != nil {
				return err
			}
			rd.samples = append(rd.samples, ns)
			if n := checkNote(s, frameCheck(idx)); n != "" {
				rd.bad = n
			}
		}
	}
	g = b.group(fmt.Sprintf("random frame of %d one-frame shards, cold (%d frames a round)", n, coldN))
	for i, rd := range coldReaders {
		note := rd.bad
		if i == 4 {
			note = join(note, "bytes, not decoded")
		}
		if i == 0 {
			g.ref(rd.name, rd.samples, note)
		} else {
			g.add(rd.name, rd.samples, note)
		}
	}
	cold := g.rows[1].median() / g.refRow().median()
	b.target("shard frame within 1.5× of one .npy, cold (both with Advise(WillNeed))", cold <= 1.5, "shards ÷ .npy: %.2f", cold)
	return nil
}

// shardFewMapped is the bound on mappings of the row that shows what a
// frame costs when its file is not mapped.
const shardFewMapped = 128

// countEntries returns the number of entries in the folder dir, or -1 if it
// cannot be read (/proc/self/fd outside Linux).
func countEntries(dir string) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return -1
	}
	return len(ents)
}

// countMappings returns the number of distinct files under dir this process
// has mapped, or -1 where /proc/self/maps does not tell.
func countMappings(dir string) int {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return -1
	}
	files := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, dir+string(os.PathSeparator)); i >= 0 {
			files[line[i:]] = true
		}
	}
	return len(files)
}

// readHeaderOf reads the header of the .npy file at path.
func readHeaderOf(path string) (*header.Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return header.Read(f, fi.Size())
}

// zarr measures reading a random chunk of an uncompressed Zarr store of
// one-frame chunks against the same frame of the .npy file it was written
// from, warm and cold.
func (b *bench) zarr() error {
	path, _, err := b.frames()
	if err != nil {
		return err
	}
	a, err := array.Open[float32](path, mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	store := b.path("frames.zarr")
	if _, err := os.Stat(store); err != nil {
		t0 := time.Now()
		if err := dataset.WriteZarr(store, a.View, dataset.ZarrOptions{Chunks: []int{1, frameSide, frameSide}}); err != nil {
			return err
		}
		el := time.Since(t0)
		b.note("zarr: dataset.WriteZarr wrote the %s frame file as %d uncompressed (1, 256, 256) chunks in %v (%s/s), each chunk synced and renamed into place",
			size(int64(b.cfg.frames)*frameBytes), b.cfg.frames, el.Round(time.Millisecond), size(int64(float64(int64(b.cfg.frames)*frameBytes)/el.Seconds())))
	}
	if err := readThrough(path); err != nil {
		return err
	}
	z, err := dataset.OpenZarr[float32](store)
	if err != nil {
		return err
	}
	defer z.Close()
	zFew, err := dataset.OpenZarr[float32](store, dataset.MaxMapped(shardFewMapped))
	if err != nil {
		return err
	}
	defer zFew.Close()
	chunk := func(z *dataset.Zarr[float32], advise bool) frameReader {
		return func(k int, buf []float32) error {
			c, err := z.Chunk(k, 0, 0)
			if err != nil {
				return err
			}
			if advise {
				c.Advise(mmap.WillNeed)
			}
			c.CopyTo(buf)
			c.Release()
			return nil
		}
	}
	for k := range b.cfg.frames { // warm every chunk
		if _, err := z.CopyTo(make([]float32, 1), array.Idx(k), array.Idx(0), array.Idx(0)); err != nil {
			return err
		}
	}
	idx := randomFrames(9, b.cfg.warmFrames, b.cfg.frames)
	want := frameCheck(idx)
	buf := make([]float32, frameElems)
	type reader struct {
		name, note string
		read       frameReader
		samples    []float64
		check      float64
	}
	readers := []*reader{
		{name: "ndmap .npy: Index(i).CopyTo", read: npyFrame(a, false)},
		{name: "ndmap Zarr, default options: Chunk(i, 0, 0).CopyTo", read: chunk(z, false), note: "every chunk stays mapped after its first read"},
		{name: fmt.Sprintf("ndmap Zarr, MaxMapped(%d): Chunk(i, 0, 0).CopyTo", shardFewMapped), read: chunk(zFew, false), note: "most chunks open and map their file"},
	}
	for r := range b.cfg.rounds + 1 {
		for _, rd := range readers {
			ns, s, err := timeFrames(idx, buf, rd.read)
			if err != nil {
				return err
			}
			if r > 0 {
				rd.samples, rd.check = append(rd.samples, ns), s
			}
		}
	}
	g := b.group(fmt.Sprintf("random chunk of an uncompressed Zarr store of (1, 256, 256) float32 chunks, warm (%d chunks a round)", len(idx)))
	for i, rd := range readers {
		if i == 0 {
			g.ref(rd.name, rd.samples, join(checkNote(rd.check, want), rd.note))
		} else {
			g.add(rd.name, rd.samples, join(checkNote(rd.check, want), rd.note))
		}
	}
	ratio := g.rows[1].median() / g.refRow().median()
	b.target("random Zarr chunk at the speed of the same bytes in a .npy, warm (within 1.1×)", ratio <= 1.1, "Zarr ÷ .npy: %.2f", ratio)
	z.Close()
	zFew.Close()
	a.Close()

	if !canEvict {
		return nil
	}
	var npySamples, zarrSamples []float64
	var bad string
	for r := range b.cfg.rounds {
		idx := randomFrames(uint64(300+r), b.cfg.coldFrames, b.cfg.frames)
		for turn := range 2 {
			if err := evict(path); err != nil {
				return err
			}
			for _, k := range idx {
				if err := evict(filepath.Join(store, fmt.Sprintf("%d.0.0", k))); err != nil {
					return err
				}
			}
			var ns, s float64
			if turn == 0 {
				a, err := array.Open[float32](path, mmap.ReadOnly)
				if err != nil {
					return err
				}
				ns, s, err = timeFrames(idx, buf, npyFrame(a, true))
				a.Close()
				npySamples = append(npySamples, ns)
			} else {
				z, err := dataset.OpenZarr[float32](store)
				if err != nil {
					return err
				}
				ns, s, err = timeFrames(idx, buf, chunk(z, true))
				z.Close()
				zarrSamples = append(zarrSamples, ns)
			}
			if n := checkNote(s, frameCheck(idx)); n != "" {
				bad = n
			}
		}
	}
	g = b.group(fmt.Sprintf("random chunk of an uncompressed Zarr store, cold (%d chunks a round)", b.cfg.coldFrames))
	g.ref("ndmap .npy: Advise(WillNeed) on the frame, then CopyTo", npySamples, bad)
	g.add("ndmap Zarr: Chunk(i, 0, 0), Advise(WillNeed), CopyTo", zarrSamples, bad)
	ratio = g.rows[1].median() / g.refRow().median()
	b.target("random Zarr chunk at the speed of the same bytes in a .npy, cold (within 1.1×)", ratio <= 1.1, "Zarr ÷ .npy: %.2f", ratio)
	return nil
}
