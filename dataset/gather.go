package dataset

import (
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/array"
)

// axisSel is a selection resolved against one axis: count positions from
// first, step apart. drop is set for a single position ([array.Idx]), whose
// axis the result does not have.
type axisSel struct {
	first, count, step int
	drop               bool
}

// resolveSels resolves one Sel per leading axis of shape (the rest whole),
// as array's View.Slice does.
//
// resolveSels panics if there are more Sels than axes or an Idx is out of
// range.
func resolveSels(shape []int, sels []array.Sel) []axisSel {
	if len(sels) > len(shape) {
		panic(fmt.Sprintf("dataset: %d selections for a %d-d dataset", len(sels), len(shape)))
	}
	out := make([]axisSel, len(shape))
	for k, n := range shape {
		if k >= len(sels) {
			out[k] = axisSel{first: 0, count: n, step: 1}
			continue
		}
		out[k] = resolveSel(sels[k], n)
	}
	return out
}

// resolveSel resolves s on an axis of length n as Python's slice.indices
// does. array.Sel keeps its bounds to itself; its String, NumPy's index
// syntax, is how they are read here.
func resolveSel(s array.Sel, n int) axisSel {
	if i, ok := s.Position(); ok {
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			panic(fmt.Sprintf("dataset: index %s out of range for an axis of length %d", s, n))
		}
		return axisSel{first: i, count: 1, step: 1, drop: true}
	}
	f := strings.Split(s.String(), ":")
	num := func(k int) (int, bool) {
		if k >= len(f) || f[k] == "" {
			return 0, false
		}
		v, err := strconv.Atoi(f[k])
		if err != nil {
			panic(fmt.Sprintf("dataset: selection %q: %v", s, err))
		}
		return v, true
	}
	step, ok := num(2)
	if !ok {
		step = 1
	}
	lo, hi := 0, n
	if step < 0 {
		lo, hi = -1, n-1
	}
	clip := func(v int) int {
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	start, stop := lo, hi
	if step < 0 {
		start, stop = hi, lo
	}
	if v, ok := num(0); ok {
		start = clip(v)
	}
	if v, ok := num(1); ok {
		stop = clip(v)
	}
	count := 0
	switch {
	case step > 0 && stop > start:
		count = (stop - start + step - 1) / step
	case step < 0 && start > stop:
		count = (start - stop - step - 1) / -step
	}
	if count == 0 {
		start = 0
	}
	return axisSel{first: start, count: count, step: step}
}

// resultShape returns the shape of a selection: the counts of the axes not
// dropped.
func resultShape(axes []axisSel) []int {
	shape := []int{}
	for _, a := range axes {
		if !a.drop {
			shape = append(shape, a.count)
		}
	}
	return shape
}

func selSize(axes []axisSel) int {
	n := 1
	for _, a := range axes {
		n *= a.count
	}
	return n
}

// grid is how a dataset is cut into blocks: along each axis into
// consecutive ranges, the blocks being the products of the ranges, numbered
// in C order.
type grid interface {
	// blocksAlong returns the number of ranges along axis k.
	blocksAlong(k int) int
	// blockAt returns the range along axis k that holds position i, and its
	// extent [lo, hi).
	blockAt(k, i int) (b, lo, hi int)
}

// segment is the part of a selection along one axis that falls in one block:
// result positions [j0, j0+n), starting at position local of the block.
type segment struct {
	block, j0, n, local int
}

// segments cuts the selection a along axis k into its parts per block.
func segments(g grid, k int, a axisSel) []segment {
	var segs []segment
	for j := 0; j < a.count; {
		i := a.first + j*a.step
		b, lo, hi := g.blockAt(k, i)
		var n int
		if a.step > 0 {
			n = (hi-1-i)/a.step + 1
		} else {
			n = (i-lo)/(-a.step) + 1
		}
		n = min(n, a.count-j)
		segs = append(segs, segment{block: b, j0: j, n: n, local: i - lo})
		j += n
	}
	return segs
}

// gatherer copies selections of a dataset into memory block by block.
type gatherer[T array.Element] struct {
	g     grid
	block func(k int) (Block[T], error)
}

// copyTo copies the selection axes into dst in C order and returns the
// number of elements copied.
func (ga gatherer[T]) copyTo(dst []T, axes []axisSel) (int, error) {
	total := selSize(axes)
	if len(dst) < total {
		panic(fmt.Sprintf("dataset: CopyTo destination holds %d elements, selection has %d", len(dst), total))
	}
	if total == 0 {
		return 0, nil
	}
	dst = dst[:total]
	nd := len(axes)
	segs := make([][]segment, nd)
	along := make([]int, nd)
	counts := make([]int, nd)
	for k, a := range axes {
		segs[k] = segments(ga.g, k, a)
		along[k] = ga.g.blocksAlong(k)
		counts[k] = a.count
	}
	// cstride[k]: elements of dst between consecutive result positions of axis k.
	cstride := make([]int, nd)
	s := 1
	for k := nd - 1; k >= 0; k-- {
		cstride[k] = s
		s *= counts[k]
	}
	var (
		tmp     []T
		dstView array.View[T]
		haveDst bool
		at      = make([]int, nd) // which segment of each axis
		ranges  = make([]array.Sel, nd)
		steps   = make([]array.Sel, nd)
		boxSel  = make([]array.Sel, nd)
	)
	for {
		k, off, size, contiguous, seenMulti := 0, 0, 1, true, false
		for ax := range nd {
			sg := segs[ax][at[ax]]
			k = k*along[ax] + sg.block
			off += sg.j0 * cstride[ax]
			size *= sg.n
			// The part is one run of dst when, after its first axis
			// of more than one position, every axis is whole.
			if seenMulti && sg.n != counts[ax] {
				contiguous = false
			}
			if sg.n > 1 {
				seenMulti = true
			}
			a := axes[ax]
			lo, hi := sg.local, sg.local+(sg.n-1)*a.step
			if a.step < 0 {
				lo, hi = hi, lo
			}
			ranges[ax] = array.Range(lo, hi+1)
			steps[ax] = array.All.By(a.step)
			boxSel[ax] = array.Range(sg.j0, sg.j0+sg.n)
		}
		b, err := ga.block(k)
		if err != nil {
			return 0, err
		}
		v := b.View.Slice(ranges...).Slice(steps...)
		if contiguous {
			v.CopyTo(dst[off : off+size])
		} else {
			if cap(tmp) < size {
				tmp = make([]T, size)
			}
			v.CopyTo(tmp[:size])
			if !haveDst {
				dstView, haveDst = memView(dst, counts, false), true
			}
			if _, err := dstView.Slice(boxSel...).CopyFrom(tmp[:size]); err != nil {
				b.Release()
				return 0, err
			}
		}
		b.Release()
		// Next combination of segments, last axis fastest.
		ax := nd - 1
		for ; ax >= 0; ax-- {
			at[ax]++
			if at[ax] < len(segs[ax]) {
				break
			}
			at[ax] = 0
		}
		if ax < 0 {
			return total, nil
		}
	}
}

// valuesBytes bounds the buffer values fills at a time.
const valuesBytes = 1 << 20

// values returns an iterator over the selection in C order, gathered a slab
// of the first axis at a time. A failure is yielded once, with the zero
// value, and ends the iteration.
func (ga gatherer[T]) values(axes []axisSel, itemsize int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		total := selSize(axes)
		if total == 0 {
			return
		}
		if len(axes) == 0 {
			var one [1]T
			if _, err := ga.copyTo(one[:], axes); err != nil {
				yield(one[0], err)
				return
			}
			yield(one[0], nil)
			return
		}
		rowElems := total / axes[0].count
		rows := max(1, valuesBytes/max(1, rowElems*itemsize))
		buf := make([]T, min(rows, axes[0].count)*rowElems)
		slab := append([]axisSel(nil), axes...)
		for j := 0; j < axes[0].count; j += rows {
			n := min(rows, axes[0].count-j)
			slab[0] = axisSel{first: axes[0].first + j*axes[0].step, count: n, step: axes[0].step}
			m, err := ga.copyTo(buf, slab)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, x := range buf[:m] {
				if !yield(x, nil) {
					return
				}
			}
		}
	}
}
