package reduce

import (
	"context"
	"fmt"
	"sync"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
)

// A reduction walks a view chunk by chunk and, inside a chunk, block by
// block, each block being a run of elements in C order held in a plain
// slice: the mapping itself when the chunk lies in memory one element after
// another in native byte order, otherwise a per-worker buffer that
// View.CopyTo gathers into. A walker then cuts each block into slabs whose
// elements all go to one cell of the result or to a row of cells, and hands
// them to the kernels of an accumulator.

// plan is how a reduction walks a view.
type plan[T array.Element] struct {
	work  array.View[T] // the view walked: v with axes merged where its layout allows
	red   []bool        // for each axis of work: reduced (or kept)
	out   []int         // shape of the result, as NumPy gives it
	cells int           // elements of the result
	count int           // values that go into each cell
	empty bool          // the view has no element

	split    int  // axis of work the chunks are cut along
	disjoint bool // the split axis is kept: chunks fill disjoint ranges of cells
	perPos   int  // when disjoint: cells per position of the split axis

	// A reduction of a dataset has no work view: it walks the blocks of
	// ds, each chunk of them reduced on a plan of its own.
	ds    dataset.Dataset[T]
	dsRed []bool // for each axis of ds: reduced (or kept)
}

// newPlan works out how to reduce v over the axes cfg names.
//
// It panics if an axis is out of range or named twice.
func newPlan[T array.Element](v array.View[T], cfg *config) *plan[T] {
	shape := v.Shape()
	red := reducedAxes(shape, cfg, "view")
	p := outPlan[T](shape, red)
	if p.empty {
		return p
	}

	// Drop axes of length one, whose kind makes no difference, then
	// merge neighbouring axes of the same kind. The merged view is the
	// cheapest to walk: few axes, long rows, and for a whole C-ordered
	// file one axis, cut into chunks of any size.
	var dims []int
	var kinds []bool
	for k, n := range shape {
		if n != 1 {
			dims = append(dims, n)
			kinds = append(kinds, red[k])
		}
	}
	if len(dims) == 0 {
		dims, kinds = []int{1}, []bool{true}
	}
	gdims, gkinds := group(dims, kinds)
	switch w, err := v.Reshape(gdims...); {
	case err == nil:
		p.work, p.red = w, gkinds
	default:
		if w, err := v.Reshape(dims...); err == nil {
			p.work, p.red = w, kinds
		} else {
			p.work, p.red = v, red
		}
	}
	p.chooseSplit(cfg)
	return p
}

// reducedAxes returns, for each axis of shape, whether cfg reduces over
// it; what names the array in the panic's message.
//
// It panics if an axis is out of range or named twice.
func reducedAxes(shape []int, cfg *config, what string) []bool {
	nd := len(shape)
	red := make([]bool, nd)
	if !cfg.axesSet {
		for k := range red {
			red[k] = true
		}
	}
	for _, a := range cfg.axes {
		k := a
		if k < 0 {
			k += nd
		}
		if k < 0 || k >= nd {
			panic(fmt.Sprintf("reduce: axis %d out of range for a %d-d %s", a, nd, what))
		}
		if red[k] {
			panic(fmt.Sprintf("reduce: axis %d given twice", a))
		}
		red[k] = true
	}
	return red
}

// outPlan returns the plan of a reduction of an array of shape over the
// axes red marks, with the shape and size of its result.
func outPlan[T array.Element](shape []int, red []bool) *plan[T] {
	p := &plan[T]{cells: 1, count: 1, out: []int{}}
	size := 1
	for k, n := range shape {
		size *= n
		if red[k] {
			p.count *= n
		} else {
			p.out = append(p.out, n)
			p.cells *= n
		}
	}
	p.empty = size == 0
	return p
}

// group merges neighbouring dimensions of the same kind.
func group(dims []int, kinds []bool) ([]int, []bool) {
	var gd []int
	var gk []bool
	for k, n := range dims {
		if len(gd) > 0 && gk[len(gk)-1] == kinds[k] {
			gd[len(gd)-1] *= n
			continue
		}
		gd = append(gd, n)
		gk = append(gk, kinds[k])
	}
	return gd, gk
}

// chooseSplit picks the axis to cut chunks along. Axis 0 keeps each chunk
// in one piece of the file; it is taken when it gives enough chunks to
// keep every worker busy. Otherwise a reduced axis (whose chunks each give
// a partial result for every cell, merged in order) or the first kept axis
// (whose chunks fill their own cells) with more positions is taken.
func (p *plan[T]) chooseSplit(cfg *config) {
	dims := p.work.Shape()
	total := p.work.Size() * itemSize[T]()
	target := max(1, min(4*cfg.workers, (total+cfg.chunkBytes-1)/cfg.chunkBytes))
	firstKept := -1
	for k, r := range p.red {
		if !r {
			firstKept = k
			break
		}
	}
	ok := func(k int) bool { return k == 0 || k == firstKept || p.red[k] }
	best := 0
	switch {
	case dims[0] >= target:
		// Axis 0 gives enough chunks. When it is reduced each chunk
		// makes a partial result of every cell; if those are large and
		// a kept axis can be split instead, split that.
		if p.red[0] && p.cells*16 > cfg.chunkBytes && firstKept > 0 && dims[firstKept] >= target {
			best = firstKept
		}
	default:
		for k := range dims {
			if ok(k) && dims[k] > dims[best] {
				best = k
			}
		}
	}
	p.split = best
	if !p.red[best] {
		p.disjoint = true
		p.perPos = p.cells / dims[best]
	}
}

// walker cuts the blocks of one chunk into slabs for an accumulator. The
// axes of the chunk, with axes of length one dropped and neighbours of the
// same kind merged, are groups of alternating kind; the last two decide
// the kind of slab:
//
//   - last group kept (outer): a slab is m rows of the last group's L
//     elements that go, element by element, to the same L cells — for the
//     mean frame of (N, H*W), m frames onto the H*W cells;
//   - last group reduced (inner): a slab is m runs of L elements, run i
//     going to cell c+i — for the mean of each row of (N, C), m rows.
//
// A block that starts or ends inside a row or run gives a partial slab.
type walker struct {
	outer  bool
	L, K   int    // sizes of the last group and the one before it
	up     []int  // sizes of the groups before those two, outermost first
	upKept []bool // and their kinds
	base   int    // cell of the chunk's first cell in the accumulator
}

func newWalker(shape []int, red []bool, base int) *walker {
	var dims []int
	var kinds []bool
	for k, n := range shape {
		if n != 1 {
			dims = append(dims, n)
			kinds = append(kinds, red[k])
		}
	}
	gd, gk := group(dims, kinds)
	// Make at least two groups, the last two of either kind, with groups
	// of one element where the chunk has none of a kind.
	switch {
	case len(gd) == 0:
		gd, gk = []int{1, 1}, []bool{false, true}
	case len(gd) == 1:
		gd, gk = []int{1, gd[0]}, []bool{!gk[0], gk[0]}
	}
	n := len(gd)
	w := &walker{outer: !gk[n-1], L: gd[n-1], K: gd[n-2], up: gd[:n-2], base: base}
	for _, r := range gk[:n-2] {
		w.upKept = append(w.upKept, !r)
	}
	return w
}

// prefix returns the number, among the kept cells of the groups before the
// last two, of upper index t.
func (w *walker) prefix(t int) int {
	cell, mult := 0, 1
	for k := len(w.up) - 1; k >= 0; k-- {
		d := t % w.up[k]
		t /= w.up[k]
		if w.upKept[k] {
			cell += d * mult
			mult *= w.up[k]
		}
	}
	return cell
}

// walk hands xs, the elements of the chunk from C-order position off on,
// to a as slabs.
func walk[E any](w *walker, off int, xs []E, a acc[E], sc *scratch) {
	for len(xs) > 0 {
		r, j := off/w.L, off%w.L
		t, k := r/w.K, r%w.K
		pre := w.prefix(t)
		var n int
		switch {
		case w.outer && (j > 0 || len(xs) < w.L):
			n = min(w.L-j, len(xs))
			a.outer(sc, w.base+pre*w.L+j, xs[:n], 1, n)
		case w.outer:
			m := min(w.K-k, len(xs)/w.L)
			n = m * w.L
			a.outer(sc, w.base+pre*w.L, xs[:n], m, w.L)
		case j > 0 || len(xs) < w.L:
			n = min(w.L-j, len(xs))
			a.inner(sc, w.base+pre*w.K+k, xs[:n], 1, n)
		default:
			m := min(w.K-k, len(xs)/w.L)
			n = m * w.L
			a.inner(sc, w.base+pre*w.K+k, xs[:n], m, w.L)
		}
		off += n
		xs = xs[n:]
	}
}

// acc is the state of a reduction for a range of cells, and the kernels
// that fold slabs of elements of type E into it. Every kernel merges into
// what the cells already hold, since a cell may get many slabs.
type acc[E any] interface {
	// reset makes the state that of n cells with no values.
	reset(n int)
	// outer folds m rows of L elements, row after row in xs, into cells
	// c to c+L-1.
	outer(sc *scratch, c int, xs []E, m, L int)
	// inner folds m runs of L elements into cells c to c+m-1.
	inner(sc *scratch, c int, xs []E, m, L int)
	// merge folds o, the state of a later part of the same cells or of
	// some of them, into the state: cell j of o into cell to[j], or into
	// cell j when to is nil.
	merge(o acc[E], to []int)
}

// cellAt returns the cell that cell j of a partial state merges into.
func cellAt(to []int, j int) int {
	if to == nil {
		return j
	}
	return to[j]
}

// scratch is a worker's space for kernels.
type scratch struct {
	f [3][]float64
	i [2][]int64
}

// floats returns scratch slice k of n float64s, not cleared.
func (sc *scratch) floats(k, n int) []float64 {
	if cap(sc.f[k]) < n {
		sc.f[k] = make([]float64, n)
	}
	return sc.f[k][:n]
}

// ints returns scratch slice k of n int64s, not cleared.
func (sc *scratch) ints(k, n int) []int64 {
	if cap(sc.i[k]) < n {
		sc.i[k] = make([]int64, n)
	}
	return sc.i[k][:n]
}

// blockElems is how many elements a block gathered into a worker's buffer
// holds: enough that a call of CopyTo costs little beside the copy, few
// enough that the block stays in the processor's cache for the kernels.
const blockElems = 16 << 10

// worker is a worker's buffers for gathering and converting blocks.
type worker[T array.Element, E any] struct {
	sc   scratch
	tbuf []T
	ebuf []E
}

// source turns the chunks of a view into blocks of E: the elements as they
// are when E has T's layout (conv nil), or converted by conv (float16 to
// float32).
type source[T array.Element, E any] struct {
	conv func(dst []E, src []T)
}

// blocks calls fn with the elements of v in C order, a block at a time,
// each with the C-order position of its first element.
func (s source[T, E]) blocks(v array.View[T], wk *worker[T, E], fn func(off int, xs []E)) {
	if xs, err := v.Contiguous(); err == nil {
		if s.conv == nil {
			fn(0, cast[E](xs))
			return
		}
		if wk.ebuf == nil {
			wk.ebuf = make([]E, blockElems)
		}
		for off := 0; off < len(xs); off += blockElems {
			part := xs[off:min(off+blockElems, len(xs))]
			s.conv(wk.ebuf, part)
			fn(off, wk.ebuf[:len(part)])
		}
		return
	}
	if wk.tbuf == nil {
		wk.tbuf = make([]T, blockElems)
		if s.conv != nil {
			wk.ebuf = make([]E, blockElems)
		}
	}
	pieces(v, 0, blockElems, func(p array.View[T], off int) {
		n := p.CopyTo(wk.tbuf)
		if s.conv == nil {
			fn(off, cast[E](wk.tbuf[:n]))
			return
		}
		s.conv(wk.ebuf, wk.tbuf[:n])
		fn(off, wk.ebuf[:n])
	})
}

// pieces cuts v into views of at most limit elements that follow each
// other in C order, and calls fn with each and the C-order position of its
// first element: whole positions of axis 0 where they fit, otherwise the
// positions one at a time, cut the same way.
func pieces[T array.Element](v array.View[T], off, limit int, fn func(p array.View[T], off int)) {
	size := v.Size()
	if size == 0 {
		return
	}
	if size <= limit || v.NDim() == 0 {
		fn(v, off)
		return
	}
	n := v.Len()
	inner := size / n
	if inner <= limit {
		rows := limit / inner
		for i := 0; i < n; i += rows {
			fn(v.Slice(array.Range(i, min(i+rows, n))), off+i*inner)
		}
		return
	}
	for i := range n {
		pieces(v.Index(i), off+i*inner, limit, fn)
	}
}

// maxChunkBytes bounds the chunks a reduction makes larger than asked.
const maxChunkBytes = 64 << 20

// accPool keeps the partial accumulators of merged chunks for the chunks
// still to come, so that a pass makes about as many as it has workers.
type accPool[E any] struct {
	mu   sync.Mutex
	free []acc[E]
	make func() acc[E]
}

// get returns an accumulator reset to cells cells.
func (p *accPool[E]) get(cells int) acc[E] {
	p.mu.Lock()
	var a acc[E]
	if n := len(p.free); n > 0 {
		a, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if a == nil {
		a = p.make()
	}
	a.reset(cells)
	return a
}

// put gives back an accumulator that has been merged.
func (p *accPool[E]) put(a acc[E]) {
	p.mu.Lock()
	p.free = append(p.free, a)
	p.mu.Unlock()
}

// run reduces the view of p into an accumulator made by newAcc, on the
// pool of workers cfg describes, and returns it.
func run[T array.Element, E any](ctx context.Context, p *plan[T], cfg *config, src source[T, E], newAcc func() acc[E]) (acc[E], error) {
	if p.ds != nil {
		return runBlocks(ctx, p, cfg, src, newAcc)
	}
	total := newAcc()
	total.reset(p.cells)
	if p.empty {
		return total, ctx.Err()
	}
	chunkBytes := cfg.chunkBytes
	if !p.disjoint {
		// Each chunk makes a partial result of every cell, merged in
		// order: make the chunks hold at least 128 values per cell, so
		// that merging costs little beside reading.
		chunkBytes = max(chunkBytes, min(maxChunkBytes, 128*p.cells*itemSize[T]()))
	}
	sp := newSplit(p.work, p.split, chunkBytes)
	workers := make([]*worker[T, E], min(cfg.workers, sp.n))
	pool := accPool[E]{make: newAcc}
	type partial struct{ a acc[E] }
	if cfg.readAhead && sp.n > 1 {
		defer readAhead(p.work)()
	}
	drop := newDropper(cfg.drop, sp)
	err := schedule(ctx, cfg, sp.n, hooksFor(sp, p.work), func(ctx context.Context, i, w int) (partial, error) {
		wk := workers[w]
		if wk == nil {
			wk = new(worker[T, E])
			workers[w] = wk
		}
		c := chunkOf(sp, p.work, i)
		var a acc[E]
		base := 0
		if p.disjoint {
			a, base = total, c.Lo*p.perPos
		} else {
			a = pool.get(p.cells)
		}
		wl := newWalker(c.View.Shape(), p.red, base)
		src.blocks(c.View, wk, func(off int, xs []E) { walk(wl, off, xs, a, &wk.sc) })
		if p.disjoint {
			return partial{}, ctx.Err()
		}
		return partial{a}, ctx.Err()
	}, func(i int, r partial) (int64, error) {
		c := chunkOf(sp, p.work, i)
		dropMerged(drop, sp, p.work, i)
		if r.a != nil {
			total.merge(r.a, nil)
			pool.put(r.a)
		}
		return int64(c.View.Size()), nil
	})
	return total, err
}
