package array

import (
	"fmt"
	"strconv"
)

// geom is the part of a view that does not depend on the element type: the
// bytes it may touch, where its first element is, its shape and its strides.
// It is a small value; methods return new values and never modify shared
// slices in place.
type geom struct {
	data     []byte // exactly the bytes the view addresses (nil when it has no element)
	origin   int    // offset of data[0] from the start of the file's data
	base     int    // offset in data of the element whose indices are all zero
	shape    []int
	strides  []int // in bytes; may be negative or zero
	itemsize int
}

// newGeom returns the geometry of an array of the given shape and strides
// whose element at index zero is at byte base of data, which holds the whole
// of the array's data (data[0] at offset origin of the file's data).
func newGeom(data []byte, origin, base int, shape, strides []int, itemsize int) geom {
	g := geom{data: data, origin: origin, base: base, shape: shape, strides: strides, itemsize: itemsize}
	return g.trim()
}

// trim cuts data down to the span the view can address, keeping origin and
// base consistent.
func (g geom) trim() geom {
	lo, hi, empty := g.span()
	if empty {
		g.origin += g.base
		g.data, g.base = g.data[:0:0], 0
		return g
	}
	g.data = g.data[lo:hi:hi]
	g.origin += lo
	g.base -= lo
	return g
}

// span returns the byte range [lo, hi) of data that the view addresses, or
// empty when some axis has length zero.
func (g geom) span() (lo, hi int, empty bool) {
	lo, hi = g.base, g.base+g.itemsize
	for k, n := range g.shape {
		if n == 0 {
			return 0, 0, true
		}
		if d := (n - 1) * g.strides[k]; d < 0 {
			lo += d
		} else {
			hi += d
		}
	}
	return lo, hi, false
}

// len returns the number of elements.
func (g geom) len() int {
	n := 1
	for _, d := range g.shape {
		n *= d
	}
	return n
}

// offset returns the byte offset in data of the element at idx.
func (g *geom) offset(idx []int) int {
	if len(idx) != len(g.shape) {
		panicRank(len(idx), len(g.shape))
	}
	shape, strides := g.shape[:len(idx)], g.strides[:len(idx)]
	off := g.base
	for k, i := range idx {
		if uint(i) >= uint(shape[k]) {
			panicIndex(i, k, shape[k])
		}
		off += i * strides[k]
	}
	return off
}

// index drops the first axis, keeping position i of it.
func (g geom) index(i int) geom {
	if len(g.shape) == 0 {
		panic("array: Index of a 0-d view")
	}
	if uint(i) >= uint(g.shape[0]) {
		panicIndex(i, 0, g.shape[0])
	}
	g.base += i * g.strides[0]
	g.shape, g.strides = g.shape[1:], g.strides[1:]
	return g.trim()
}

// isC reports whether the elements are laid out one after another in C
// order with no gaps.
func (g geom) isC() bool {
	want := g.itemsize
	for k := len(g.shape) - 1; k >= 0; k-- {
		if g.shape[k] == 1 {
			continue
		}
		if g.shape[k] == 0 {
			return true
		}
		if g.strides[k] != want {
			return false
		}
		want *= g.shape[k]
	}
	return true
}

// permute reorders the axes: axis k of the result is axis axes[k] of g.
func (g geom) permute(axes []int) geom {
	if len(axes) != len(g.shape) {
		panic(fmt.Sprintf("array: Permute got %d axes for a %d-d view", len(axes), len(g.shape)))
	}
	shape := make([]int, len(axes))
	strides := make([]int, len(axes))
	seen := make([]bool, len(axes))
	for k, a := range axes {
		if a < 0 || a >= len(axes) || seen[a] {
			panic("array: Permute axes " + fmt.Sprint(axes) + " are not a permutation of 0.." + strconv.Itoa(len(axes)-1))
		}
		seen[a] = true
		shape[k], strides[k] = g.shape[a], g.strides[a]
	}
	g.shape, g.strides = shape, strides
	return g
}

// transpose reverses the order of the axes.
func (g geom) transpose() geom {
	n := len(g.shape)
	shape := make([]int, n)
	strides := make([]int, n)
	for k := range n {
		shape[k], strides[k] = g.shape[n-1-k], g.strides[n-1-k]
	}
	g.shape, g.strides = shape, strides
	return g
}

// reshape gives the same elements, in C order, a new shape without moving
// them, when the strides allow it. It follows the rule NumPy uses to reshape
// without a copy: axes are grouped so that each group of old axes that is
// contiguous within itself maps onto a group of new axes.
func (g geom) reshape(shape []int) (geom, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("array: Reshape to negative dimension in %v", shape))
		}
		n *= d
	}
	if n != g.len() {
		panic(fmt.Sprintf("array: cannot Reshape %d elements of shape %v into shape %v", g.len(), g.shape, shape))
	}
	shape = append([]int(nil), shape...)
	strides := make([]int, len(shape))
	if n == 0 || len(shape) == 0 {
		// Nothing is addressed (or one element): any strides do.
		s := g.itemsize
		for k := len(shape) - 1; k >= 0; k-- {
			strides[k] = s
			s *= max(shape[k], 1)
		}
		g.shape, g.strides = shape, strides
		return g, true
	}
	// Drop length-1 axes of the old view: they never constrain the layout.
	var oshape, ostrides []int
	for k, d := range g.shape {
		if d != 1 {
			oshape = append(oshape, d)
			ostrides = append(ostrides, g.strides[k])
		}
	}
	oi, oj := 0, 1
	ni, nj := 0, 1
	for ni < len(shape) && oi < len(oshape) {
		np, op := shape[ni], oshape[oi]
		for np != op {
			if np < op {
				np *= shape[nj]
				nj++
			} else {
				op *= oshape[oj]
				oj++
			}
		}
		// The old axes oi..oj-1 must be contiguous among themselves.
		for k := oi; k < oj-1; k++ {
			if ostrides[k] != oshape[k+1]*ostrides[k+1] {
				return geom{}, false
			}
		}
		strides[nj-1] = ostrides[oj-1]
		for k := nj - 1; k > ni; k-- {
			strides[k-1] = strides[k] * shape[k]
		}
		ni, nj = nj, nj+1
		oi, oj = oj, oj+1
	}
	// Trailing new axes of length 1.
	for k := ni; k < len(shape); k++ {
		strides[k] = g.itemsize
	}
	g.shape, g.strides = shape, strides
	return g, true
}

// rowWalk visits the rows of a view in C order. A row is a run of elements
// a fixed stride apart: the last axis, merged with the axes before it for
// as long as each continues the one after it (so a C-contiguous view is one
// row, and a copy of it one copy).
type rowWalk struct {
	off       int // byte offset of the current row's first element
	n, stride int // elements in each row and the bytes between them

	shape, strides []int // the axes outside the rows
	// The current row's position along them: in idx, and for views of
	// more axes than idx holds, the rest in more. (A slice of idx itself
	// would make every walk escape to the heap.)
	idx  [16]int
	more []int
}

// startRows sets w to the first row of g and reports whether g has any
// element.
func (g *geom) startRows(w *rowWalk) bool {
	if g.len() == 0 {
		return false
	}
	w.off, w.n, w.stride = g.base, 1, g.itemsize
	k := len(g.shape) - 1
	for ; k >= 0; k-- {
		switch {
		case g.shape[k] == 1:
		case w.n == 1:
			w.n, w.stride = g.shape[k], g.strides[k]
		case g.strides[k] == w.n*w.stride:
			w.n *= g.shape[k]
		default:
			goto outer
		}
	}
outer:
	w.shape, w.strides = g.shape[:k+1], g.strides[:k+1]
	if k+1 > len(w.idx) {
		w.more = make([]int, k+1-len(w.idx))
	}
	return true
}

// next moves w to the following row and reports whether there is one.
func (w *rowWalk) next() bool {
	for k := len(w.shape) - 1; k >= 0; k-- {
		var i *int
		if k < len(w.idx) {
			i = &w.idx[k]
		} else {
			i = &w.more[k-len(w.idx)]
		}
		*i++
		w.off += w.strides[k]
		if *i < w.shape[k] {
			return true
		}
		w.off -= *i * w.strides[k]
		*i = 0
	}
	return false
}

// The panics are kept out of line so that the methods that check indices
// stay small enough to inline.
//
//go:noinline
func panicIndex(i, axis, n int) {
	panic(fmt.Sprintf("array: index %d out of range for axis %d of length %d", i, axis, n))
}

//go:noinline
func panicRank(got, want int) {
	panic(fmt.Sprintf("array: %d indices for a %d-d view", got, want))
}
