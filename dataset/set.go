package dataset

import (
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Set is a shard set: files holding arrays of one dtype and one trailing
// shape, seen as one array along the first axis, in the order of their
// names. Its typed views are [Shards].
//
// Opening a set reads the header of every file once and closes the file
// again; files are mapped only when one of their rows is read, hold no
// descriptor once mapped, and stay mapped up to the bound of [MaxMapped].
// The methods of a Set may be called from several goroutines at once,
// Append and Close included.
type Set struct {
	tab    atomic.Pointer[table]
	mu     sync.Mutex // serialises Append
	opts   options
	cache  *cache[shardFile]
	closed atomic.Bool
	// typer makes the typed view of a shard as it is mapped, for the
	// first Shards made of the set, so that a Frame finds it ready.
	typer atomic.Pointer[func(*array.File) (any, error)]
}

// table is what the headers say: it is replaced, never changed in place,
// when a shard is appended, so a reader holds one consistent table.
type table struct {
	paths  []string
	hdrs   []header.Header
	descs  []header.Describer
	starts []int // starts[k] is the first row of shard k; starts[len(paths)] is the length
	dtype  layout.DType
	trail  []int
}

// shardFile is a mapped shard and its typed view.
type shardFile struct {
	f     *array.File
	typed any // an array.View[T], made as the file was mapped, or nil
	// later holds the view of a file mapped before the set had a typer,
	// made on first use; nil otherwise.
	later *atomic.Value
}

// scanWorkers is how many files are read at once while scanning headers:
// enough to hide the latency of opening small files, few enough to keep
// the descriptors in use low.
const scanWorkers = 8

// ShardFiles returns the files a shard set named name is made of, in
// natural order ([NaturalCompare]): the files matching name if it is a
// pattern of [filepath.Match] (it holds *, ? or [) — names starting with a
// dot only if the pattern's last element does — the files in name if it
// is a folder, or name itself. In a folder, names starting with a dot are
// skipped and, unless a [Describer] is given, so are files whose extension
// is not that of a registered format (header.Formats), so that a README
// beside the data does no harm.
func ShardFiles(name string, opts ...Option) ([]string, error) {
	o := makeOptions(opts)
	var paths []string
	switch fi, err := os.Stat(name); {
	case strings.ContainsAny(name, "*?["):
		if paths, err = filepath.Glob(name); err != nil {
			return nil, fmt.Errorf("dataset: pattern %q: %w", name, err)
		}
		// A matching folder is not a shard, and a name starting with a
		// dot is hidden, as the shell's patterns have it.
		paths = slices.DeleteFunc(paths, func(p string) bool {
			if strings.HasPrefix(filepath.Base(p), ".") && !strings.HasPrefix(filepath.Base(name), ".") {
				return true
			}
			fi, err := os.Stat(p)
			return err == nil && fi.IsDir()
		})
	case err != nil:
		return nil, fmt.Errorf("dataset: %w", err)
	case fi.IsDir():
		ents, err := os.ReadDir(name)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		exts := map[string]bool{}
		for _, f := range header.Formats() {
			for _, e := range f.Extensions {
				exts[e] = true
			}
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasPrefix(n, ".") || e.IsDir() {
				continue
			}
			if o.describer == nil && !exts[strings.ToLower(filepath.Ext(n))] {
				continue
			}
			paths = append(paths, filepath.Join(name, n))
		}
	default:
		paths = []string{name}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoFiles, name)
	}
	slices.SortFunc(paths, NaturalCompare)
	return paths, nil
}

// OpenSet opens the shard set named name: a folder, a pattern or one file,
// as [ShardFiles] finds them.
func OpenSet(name string, opts ...Option) (*Set, error) {
	paths, err := ShardFiles(name, opts...)
	if err != nil {
		return nil, err
	}
	return OpenSetFiles(paths, opts...)
}

// OpenSetFiles opens the files at paths, in that order, as one shard set.
// Each file's header is read once, several files at a time, and the file is
// closed again: opening 20,000 shards reads 20,000 headers and leaves no
// file open. Every file must hold an array of at least one axis, of the
// first file's dtype and with its trailing shape; files of length zero are
// allowed.
func OpenSetFiles(paths []string, opts ...Option) (*Set, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: empty list of paths", ErrNoFiles)
	}
	o := makeOptions(opts)
	hdrs, descs, err := scanHeaders(paths, o.describer)
	if err != nil {
		return nil, err
	}
	if len(hdrs[0].Shape) == 0 {
		return nil, fmt.Errorf("dataset: %s holds a 0-d array; shards need a first axis", paths[0])
	}
	t := &table{dtype: hdrs[0].DType, trail: slices.Clone(hdrs[0].Shape[1:]), starts: []int{0}}
	for k := range paths {
		if t, err = t.with(paths[k], hdrs[k], descs[k]); err != nil {
			return nil, err
		}
	}
	s := &Set{opts: o, cache: newCache[shardFile](o)}
	s.tab.Store(t)
	// A set dropped without Close gives back its share of the budget: the
	// budget holds its cache, which holds nothing of the set.
	runtime.AddCleanup(s, (*cache[shardFile]).closeDropped, s.cache)
	return s, nil
}

// with returns t with the shard at path appended, or an error if it does
// not fit. It appends to t's slices: tables before it keep their lengths.
func (t *table) with(path string, h header.Header, d header.Describer) (*table, error) {
	if len(h.Shape) == 0 {
		return nil, fmt.Errorf("dataset: %s holds a 0-d array; shards need a first axis", path)
	}
	if !h.DType.Equal(t.dtype) {
		return nil, fmt.Errorf("%w: %s holds %s, the set %s", ErrMismatch, path, h.DType.TypeString(), t.dtype.TypeString())
	}
	if !slices.Equal(h.Shape[1:], t.trail) {
		return nil, fmt.Errorf("%w: %s has shape %v, whose trailing axes differ from the set's %v", ErrMismatch, path, h.Shape, t.trail)
	}
	end := t.starts[len(t.starts)-1] + h.Shape[0]
	if end < 0 {
		return nil, fmt.Errorf("dataset: %s: the set would have more than MaxInt rows", path)
	}
	return &table{
		paths:  append(t.paths, path),
		hdrs:   append(t.hdrs, h),
		descs:  append(t.descs, d),
		starts: append(t.starts, end),
		dtype:  t.dtype,
		trail:  t.trail,
	}, nil
}

// scanHeaders reads the header of each file with d, or with the describer
// of the format header.Sniff finds, several files at a time. Each file is
// opened, read and closed before the next is opened by the same worker. The
// error of the first failing file in paths order is returned.
func scanHeaders(paths []string, d header.Describer) ([]header.Header, []header.Describer, error) {
	hdrs := make([]header.Header, len(paths))
	descs := make([]header.Describer, len(paths))
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(scanWorkers, len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(paths) {
					return
				}
				var h *header.Header
				h, descs[k], errs[k] = readHeader(paths[k], d)
				if h != nil {
					hdrs[k] = *h
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return hdrs, descs, nil
}

// readHeader reads the header of the file at path with d, or with the
// describer of its sniffed format when d is nil.
func readHeader(path string, d header.Describer) (*header.Header, header.Describer, error) {
	descriptors <- struct{}{}
	defer func() { <-descriptors }()
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("dataset: %s is not a regular file", path)
	}
	var r io.ReaderAt = f
	if d == nil {
		head := make([]byte, min(fi.Size(), header.SniffLen))
		if _, err := f.ReadAt(head, 0); err != nil {
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
		format, err := header.Sniff(path, head)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
		if d, err = format.Describer(path); err != nil {
			return nil, nil, fmt.Errorf("dataset: %s: %w", path, err)
		}
		// The header is almost always within the bytes just read.
		r = headReader{f: f, head: head}
	}
	h, err := d.Describe(r, fi.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	return h, d, nil
}

// headReader reads from the leading bytes of a file already in memory when
// it can, and from the file otherwise.
type headReader struct {
	f    *os.File
	head []byte
}

func (r headReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= 0 && off <= int64(len(r.head)) && int64(len(p)) <= int64(len(r.head))-off {
		return copy(p, r.head[off:]), nil
	}
	return r.f.ReadAt(p, off)
}

// DType returns the dtype of the set's items.
func (s *Set) DType() layout.DType { return s.tab.Load().dtype }

// Shape returns the shape of the whole set: the total length, then the
// trailing shape the shards share.
func (s *Set) Shape() []int {
	t := s.tab.Load()
	return append([]int{t.length()}, t.trail...)
}

// Len returns the total length of the first axis.
func (s *Set) Len() int { return s.tab.Load().length() }

func (t *table) length() int { return t.starts[len(t.starts)-1] }

// NumShards returns the number of files.
func (s *Set) NumShards() int { return len(s.tab.Load().paths) }

// ShardPath returns the path of shard k.
//
// ShardPath panics if k is out of range.
func (s *Set) ShardPath(k int) string { return s.tab.Load().paths[k] }

// ShardHeader returns what the header of shard k said when it was scanned.
//
// ShardHeader panics if k is out of range.
func (s *Set) ShardHeader(k int) header.Header { return s.tab.Load().hdrs[k] }

// ShardRange returns the rows of the set that shard k holds: [start, end).
//
// ShardRange panics if k is out of range.
func (s *Set) ShardRange(k int) (start, end int) {
	t := s.tab.Load()
	return t.starts[k], t.starts[k+1]
}

// Locate returns the shard that holds row i of the set and the row's index
// within it.
//
// Locate panics if i is out of range.
func (s *Set) Locate(i int) (k, j int) {
	t := s.tab.Load()
	k, lo, _ := t.blockAt(0, i)
	return k, i - lo
}

// blocksAlong and blockAt make a table the grid of its set: one block per
// shard along the first axis, whole along the others.
func (t *table) blocksAlong(k int) int {
	if k == 0 {
		return len(t.paths)
	}
	return 1
}

func (t *table) blockAt(k, i int) (b, lo, hi int) {
	if k > 0 {
		return 0, 0, t.trail[k-1]
	}
	if i < 0 || i >= t.length() {
		panic(fmt.Sprintf("dataset: row %d out of range for a set of length %d", i, t.length()))
	}
	// Most sets have shards of one length: guess as if they all had the
	// first one's, which saves the cache misses of a binary search over
	// tens of thousands of starts.
	if n := t.starts[1]; n > 0 {
		if b = min(i/n, len(t.paths)-1); t.starts[b] <= i && i < t.starts[b+1] {
			return b, t.starts[b], t.starts[b+1]
		}
	}
	// The shard whose end is the first beyond i; shards of length zero
	// end where they start and are passed over.
	b = sort.Search(len(t.paths), func(k int) bool { return t.starts[k+1] > i })
	return b, t.starts[b], t.starts[b+1]
}

// Shard is one file of a [Set], mapped and held open until Release.
type Shard struct {
	// File is the shard's file, mapped read-only.
	File *array.File
	// Start is the row of the set that the file's first row is.
	Start int

	rel releaser
}

// Release lets the set close the shard's file when it needs room. Views of
// the file must not be used afterwards.
//
// Release panics if it is called twice on copies of the same Shard.
func (sh Shard) Release() { sh.rel.release() }

// Shard maps shard k, if it is not mapped already, and returns it held open
// until its Release. The file's header is read again and must say what it
// said when the set was opened: otherwise the error wraps [ErrMismatch].
//
// Shard panics if k is out of range.
func (s *Set) Shard(k int) (Shard, error) {
	t := s.tab.Load()
	e, err := s.pin(t, k)
	if err != nil {
		return Shard{}, err
	}
	return Shard{File: e.val.f, Start: t.starts[k], rel: e}, nil
}

// ShardSlice is the part of a selection of rows of a [Set] that lies in one
// shard: rows of the shard, Len of them, that are positions Offset to
// Offset+Len of the selection. [Set.Slices] holds the shard open while the
// loop body runs.
type ShardSlice struct {
	File        *array.File // the shard's file, mapped read-only
	Start       int         // the row of the set that the file's first row is
	Offset, Len int

	lo, hi, step int // rows lo..hi of the shard, step apart (walked backwards for a negative step)
	drop         bool
}

// Items returns the selected rows of the shard's file, of any dtype, as a
// view of its mapping; without the first axis when the selection was a
// single row ([array.Idx]).
func (p ShardSlice) Items() array.Items {
	u := p.File.Items().Slice(array.Range(p.lo, p.hi+1)).Slice(array.All.By(p.step))
	if p.drop {
		u = u.Index(0)
	}
	return u
}

// Slices returns an iterator over the parts of the rows sel selects (as
// [array.View.Slice] takes a Sel for the first axis), one part per shard
// they touch, in the order of the selection. Each part's shard is held
// open while the loop body runs and released when it returns; it must not
// be kept. An error opening a shard is yielded once and ends the loop.
// This is how rows of any dtype are read across the files of a set, one
// [array.Items] view at a time.
//
// Slices panics if sel is an [array.Idx] out of range.
func (s *Set) Slices(sel array.Sel) iter.Seq2[ShardSlice, error] {
	t := s.tab.Load()
	a := resolveSel(sel, t.length())
	return func(yield func(ShardSlice, error) bool) {
		for _, sg := range segments(t, 0, a) {
			e, err := s.pin(t, sg.block)
			if err != nil {
				yield(ShardSlice{}, err)
				return
			}
			lo, hi := sg.local, sg.local+(sg.n-1)*a.step
			if a.step < 0 {
				lo, hi = hi, lo
			}
			p := ShardSlice{
				File: e.val.f, Start: t.starts[sg.block],
				Offset: sg.j0, Len: sg.n, lo: lo, hi: hi, step: a.step, drop: a.drop,
			}
			// A loop body that panics must not leave the shard pinned.
			more := func() bool {
				defer e.release()
				return yield(p, nil)
			}()
			if !more {
				return
			}
		}
	}
}

// pin returns shard k of t, mapped and pinned.
func (s *Set) pin(t *table, k int) (*entry[shardFile], error) {
	if k < 0 || k >= len(t.paths) {
		panic(fmt.Sprintf("dataset: shard %d out of range for a set of %d", k, len(t.paths)))
	}
	e, err := s.cache.get(k, 1, true, func() (loaded[shardFile], error) {
		f, err := openMapped(t.paths[k], t.descs[k])
		if err != nil {
			return loaded[shardFile]{}, fmt.Errorf("dataset: shard %d: %w", k, err)
		}
		h := f.Header()
		if !sameHeader(h, t.hdrs[k]) {
			f.Close()
			return loaded[shardFile]{}, fmt.Errorf("%w: %s changed since the set was opened: shape %v at byte %d, was %v at byte %d",
				ErrMismatch, t.paths[k], h.Shape, h.DataOffset, t.hdrs[k].Shape, t.hdrs[k].DataOffset)
		}
		sf := shardFile{f: f}
		if typer := s.typer.Load(); typer == nil {
			sf.later = new(atomic.Value)
		} else if sf.typed, err = (*typer)(f); err != nil {
			f.Close()
			return loaded[shardFile]{}, fmt.Errorf("dataset: %w", err)
		}
		return loaded[shardFile]{val: sf, maps: 1, mapBytes: h.DataOffset + h.DataSize(), close: f.Close}, nil
	})
	if err == ErrClosed {
		err = fmt.Errorf("%w: shard set of %s", ErrClosed, t.paths[0])
	}
	return e, err
}

func sameHeader(a, b header.Header) bool {
	return a.DataOffset == b.DataOffset && a.FortranOrder == b.FortranOrder &&
		slices.Equal(a.Shape, b.Shape) && a.DType.Equal(b.DType)
}

// Append adds the file at path to the end of the set, after reading its
// header: its dtype and trailing shape must be the set's. Reads running
// meanwhile see the set before or after the append, never between.
func (s *Set) Append(path string) error {
	if s.closed.Load() {
		return fmt.Errorf("%w: shard set", ErrClosed)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, d, err := readHeader(path, s.opts.describer)
	if err != nil {
		return err
	}
	t, err := s.tab.Load().with(path, *h, d)
	if err != nil {
		return err
	}
	s.tab.Store(t)
	return nil
}

// WriteNPY writes the whole set to w as one .npy file: the header of its
// dtype and shape, then every shard's items in C order, one shard at a time.
// It returns the number of bytes written.
func (s *Set) WriteNPY(w io.Writer) (int64, error) {
	t := s.tab.Load()
	n, err := header.Write(w, header.Header{DType: t.dtype, Shape: append([]int{t.length()}, t.trail...)})
	if err != nil {
		return n, fmt.Errorf("dataset: %w", err)
	}
	for k := range t.paths {
		e, err := s.pin(t, k)
		if err != nil {
			return n, err
		}
		m, err := writeRawItems(w, e.val.f.Items())
		e.release()
		n += m
		if err != nil {
			return n, fmt.Errorf("dataset: %w", err)
		}
	}
	return n, nil
}

// Close closes the files the set holds open. Shards and blocks not yet
// released stay valid; their files are closed when they are released.
// Closing twice is harmless.
func (s *Set) Close() error {
	s.closed.Store(true)
	return s.cache.closeCache()
}

// mapped returns how many files the set holds mapped and how many times
// it has mapped one, for tests.
func (s *Set) mapped() (mapped, maps int) {
	mapped, _, maps = s.cache.stats()
	return mapped, maps
}

// Shards is a typed view of a shard set: its elements as values of T, read
// in place. It is a [Dataset] whose blocks are the files.
type Shards[T array.Element] struct {
	*Set
}

// OpenShards opens the shard set named name, as [OpenSet] does, as elements
// of T. T must match the dtype as it does for [array.Open].
func OpenShards[T array.Element](name string, opts ...Option) (*Shards[T], error) {
	s, err := OpenSet(name, opts...)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](s)
}

// OpenShardFiles opens the files at paths as one shard set, as
// [OpenSetFiles] does, as elements of T.
func OpenShardFiles[T array.Element](paths []string, opts ...Option) (*Shards[T], error) {
	s, err := OpenSetFiles(paths, opts...)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](s)
}

func typedOrClose[T array.Element](s *Set) (*Shards[T], error) {
	sh, err := Typed[T](s)
	if err != nil {
		s.Close()
		return nil, err
	}
	return sh, nil
}

// Typed returns the set s as elements of T. T must match the dtype in kind
// and size; byte order may differ. Closing the result closes s.
func Typed[T array.Element](s *Set) (*Shards[T], error) {
	t := s.tab.Load()
	if err := matchType[T]("shard set "+t.paths[0], t.dtype); err != nil {
		return nil, err
	}
	typer := func(f *array.File) (any, error) { return typedView[T](f) }
	s.typer.CompareAndSwap(nil, &typer)
	return &Shards[T]{Set: s}, nil
}

// NumBlocks returns the number of shards.
func (s *Shards[T]) NumBlocks() int { return s.NumShards() }

// Block returns the whole of shard k as a block, mapped in place.
//
// Block panics if k is out of range.
func (s *Shards[T]) Block(k int) (Block[T], error) {
	t := s.tab.Load()
	e, v, err := s.view(t, k)
	if err != nil {
		return Block[T]{}, err
	}
	origin := make([]int, 1+len(t.trail))
	origin[0] = t.starts[k]
	return Block[T]{View: v, Origin: origin, rel: e}, nil
}

// view returns shard k of t pinned, and its typed view.
func (s *Shards[T]) view(t *table, k int) (*entry[shardFile], array.View[T], error) {
	e, err := s.pin(t, k)
	if err != nil {
		return nil, array.View[T]{}, err
	}
	v, ok := e.val.typed.(array.View[T])
	if !ok && e.val.later != nil {
		v, ok = e.val.later.Load().(array.View[T])
	}
	if !ok {
		// Mapped before Typed, or for another Shards of another T.
		if v, err = typedView[T](e.val.f); err == nil && e.val.later != nil {
			e.val.later.CompareAndSwap(nil, v)
		}
	}
	if err != nil {
		e.release()
		return nil, array.View[T]{}, fmt.Errorf("dataset: %w", err)
	}
	return e, v, nil
}

// Frame returns row i of the set — frame i of a stack of frames — as a
// block whose view is the row in its file's mapping: no copy is made. It
// must be released after use.
//
// Frame panics if i is out of range.
func (s *Shards[T]) Frame(i int) (Block[T], error) {
	t := s.tab.Load()
	k, lo, _ := t.blockAt(0, i)
	e, v, err := s.view(t, k)
	if err != nil {
		return Block[T]{}, err
	}
	origin := make([]int, 1+len(t.trail))
	origin[0] = i
	return Block[T]{View: v.Index(i - lo), Origin: origin, rel: e}, nil
}

func (s *Shards[T]) gatherer(t *table) gatherer[T] {
	return gatherer[T]{g: t, block: func(k int) (Block[T], error) {
		e, v, err := s.view(t, k)
		return Block[T]{View: v, rel: e}, err
	}}
}

// CopyTo copies the elements selected by one Sel per leading axis (the rest
// whole, as [array.View.Slice] takes them) into dst in C order, reading
// each shard the selection touches, and returns how many it copied. Rows
// within one shard are copied straight from its mapping.
//
// CopyTo panics if dst is shorter than the selection, or under the
// conditions of [array.View.Slice].
func (s *Shards[T]) CopyTo(dst []T, sels ...array.Sel) (int, error) {
	t := s.tab.Load()
	if len(sels) == 1 {
		if i, ok := sels[0].Position(); ok {
			// One row, the commonest selection: straight from its shard,
			// without the gatherer's bookkeeping.
			return s.copyRow(t, dst, i)
		}
	}
	return s.gatherer(t).copyTo(dst, resolveSels(append([]int{t.length()}, t.trail...), sels))
}

// copyRow copies row at of t, counted from the end if negative, into dst.
func (s *Shards[T]) copyRow(t *table, dst []T, at int) (int, error) {
	i := at
	if i < 0 {
		i += t.length()
	}
	if i < 0 || i >= t.length() {
		panic(fmt.Sprintf("dataset: index %d out of range for an axis of length %d", at, t.length()))
	}
	n := 1
	for _, d := range t.trail {
		n *= d
	}
	if len(dst) < n {
		panic(fmt.Sprintf("dataset: CopyTo destination holds %d elements, selection has %d", len(dst), n))
	}
	k, lo, _ := t.blockAt(0, i)
	e, v, err := s.view(t, k)
	if err != nil {
		return 0, err
	}
	n = v.Index(i - lo).CopyTo(dst)
	e.release()
	return n, nil
}

// Values returns an iterator over the selected elements (as CopyTo takes
// them) in C order. An error reading a shard is yielded once, with a zero
// value, and ends the iteration.
//
// Values panics under the conditions of [array.View.Slice].
func (s *Shards[T]) Values(sels ...array.Sel) iter.Seq2[T, error] {
	t := s.tab.Load()
	axes := resolveSels(append([]int{t.length()}, t.trail...), sels)
	return s.gatherer(t).values(axes, itemSize[T]())
}

// SelShape returns the shape of the selection sels of a dataset of the
// given shape: what CopyTo fills.
func SelShape(shape []int, sels ...array.Sel) []int {
	return resultShape(resolveSels(shape, sels))
}
