package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// A lazySource is an array that is not one view of one mapping — a shard
// set, a Zarr array, a file's values read through a scale — read a
// selection at a time into memory.
type lazySource interface {
	// dtype is the dtype of the bytes read.
	dtype() layout.DType
	// shape is the shape of the whole array.
	shape() []int
	// read copies the items selected by sels, one per axis, into dst in
	// C order, as bytes of dtype().
	read(dst []byte, sels []array.Sel) error
}

// An axisSel is what a view keeps of one axis of its source: positions
// start, start+step, ... (n of them), or the single position start, the
// axis dropped.
type axisSel struct {
	drop           bool
	start, step, n int
}

// A lazyView is a selection of a lazySource, built up by the index
// brackets of a target as Items.Slice builds a view of a mapping.
type lazyView struct {
	src  lazySource
	axes []axisSel // one per axis of src
}

func newLazyView(src lazySource) *lazyView {
	v := &lazyView{src: src}
	for _, n := range src.shape() {
		v.axes = append(v.axes, axisSel{step: 1, n: n})
	}
	return v
}

func (v *lazyView) dtype() layout.DType { return v.src.dtype() }

// shape returns the lengths of the axes the view keeps.
func (v *lazyView) shape() []int {
	shape := []int{}
	for _, a := range v.axes {
		if !a.drop {
			shape = append(shape, a.n)
		}
	}
	return shape
}

func (v *lazyView) size() int { return count(v.shape()) }

// whole reports whether the view is the whole of its source, in order.
func (v *lazyView) whole() bool {
	shape := v.src.shape()
	for k, a := range v.axes {
		if a.drop || a.start != 0 || a.step != 1 || a.n != shape[k] {
			return false
		}
	}
	return true
}

// index applies one bracket of NumPy basic indexing to the view.
func (v *lazyView) index(expr string) error {
	sels, err := indexSels(expr, v.shape())
	if err != nil {
		return err
	}
	j := 0
	for k := range v.axes {
		a := &v.axes[k]
		if a.drop {
			continue
		}
		if j == len(sels) {
			break
		}
		r := resolveSel(sels[j], a.n)
		j++
		if r.drop {
			*a = axisSel{drop: true, start: a.start + r.start*a.step}
			continue
		}
		*a = axisSel{start: a.start + r.start*a.step, step: a.step * r.step, n: r.n}
	}
	return nil
}

// apply applies the steps of a target to the view: index brackets only,
// since the items of a lazy source are not records.
func (v *lazyView) apply(t target) error {
	for _, s := range t.steps {
		if s.isField {
			return fmt.Errorf("%s: no field %q: the items are %s, not records", t.text, s.field, v.dtype())
		}
		if err := v.index(s.index); err != nil {
			return fmt.Errorf("%s: %w", t.text, err)
		}
	}
	return nil
}

// resolveSel returns the positions sel selects of an axis of length n,
// as Python's slice.indices gives them.
func resolveSel(sel array.Sel, n int) axisSel {
	if i, ok := sel.Position(); ok {
		if i < 0 {
			i += n
		}
		return axisSel{drop: true, start: i}
	}
	parts := strings.Split(sel.String(), ":")
	bound := func(k int) (int, bool) {
		if k >= len(parts) || parts[k] == "" {
			return 0, false
		}
		x, err := strconv.Atoi(parts[k])
		return x, err == nil
	}
	step := 1
	if s, ok := bound(2); ok {
		step = s
	}
	clamp := func(x, lo, hi int) int { return max(lo, min(x, hi)) }
	var start, stop int
	if step > 0 {
		start, stop = 0, n
		if s, ok := bound(0); ok {
			if s < 0 {
				s += n
			}
			start = clamp(s, 0, n)
		}
		if s, ok := bound(1); ok {
			if s < 0 {
				s += n
			}
			stop = clamp(s, 0, n)
		}
		return axisSel{start: start, step: step, n: max(0, (stop-start+step-1)/step)}
	}
	start, stop = n-1, -1
	if s, ok := bound(0); ok {
		if s < 0 {
			s += n
		}
		start = clamp(s, -1, n-1)
	}
	if s, ok := bound(1); ok {
		if s < 0 {
			s += n
		}
		stop = clamp(s, -1, n-1)
	}
	return axisSel{start: start, step: step, n: max(0, (start-stop-step-1)/(-step))}
}

// rangeSel returns the Sel of n positions from first by step, all of
// them within the axis.
func rangeSel(first, step, n int) array.Sel {
	switch {
	case n <= 0:
		return array.Range(0, 0)
	case step > 0:
		return array.Range(first, first+(n-1)*step+1).By(step)
	}
	last := first + (n-1)*step
	if last == 0 {
		return array.From(first).By(step) // a stop of -1 would count from the end
	}
	return array.Range(first, last-1).By(step)
}

// A span is a part of one kept axis of a view: the position lo alone,
// the axis dropped, or n positions from lo.
type span struct {
	lo, n int
	drop  bool
}

// read reads part of the view: one span per leading kept axis, the
// other kept axes whole. The bytes are the items in C order, in memory of
// their own.
func (v *lazyView) read(spans []span) ([]byte, int, error) {
	return v.readInto(nil, spans)
}

// readInto is read into buf, when it is big enough.
func (v *lazyView) readInto(buf []byte, spans []span) ([]byte, int, error) {
	sels := make([]array.Sel, len(v.axes))
	shape := []int{}
	j := 0
	for k, a := range v.axes {
		switch {
		case a.drop:
			sels[k] = array.Idx(a.start)
			continue
		case j < len(spans) && spans[j].drop:
			sels[k] = array.Idx(a.start + spans[j].lo*a.step)
		case j < len(spans):
			sels[k] = rangeSel(a.start+spans[j].lo*a.step, a.step, spans[j].n)
			shape = append(shape, spans[j].n)
		default:
			sels[k] = rangeSel(a.start, a.step, a.n)
			shape = append(shape, a.n)
		}
		j++
	}
	n := count(shape)
	b := buf
	if need := n * v.dtype().Size; cap(b) >= need {
		b = b[:need]
	} else {
		b = make([]byte, need)
	}
	if err := v.src.read(b, sels); err != nil {
		return nil, 0, err
	}
	return b, n, nil
}

// node reads the items of the view that show prints: all of them, or
// with summarise those within edgeItems of the ends of every axis.
func (v *lazyView) node(summarise bool) (node, error) {
	shape := v.shape()
	size := v.dtype().Size
	if !summarise {
		b, _, err := v.read(nil)
		if err != nil {
			return node{}, err
		}
		return gatherBytes(b, shape, size), nil
	}
	nd := len(shape)
	var rec func(spans []span) (node, error)
	rec = func(spans []span) (node, error) {
		j := len(spans)
		n := shape[j]
		out := node{gap: -1}
		runs := []span{{lo: 0, n: n}}
		if n > 2*edgeItems {
			runs = []span{{lo: 0, n: edgeItems}, {lo: n - edgeItems, n: edgeItems}}
			out.gap = edgeItems
		}
		for _, r := range runs {
			if j == nd-1 {
				// The last axis: one read per run of items.
				b, k, err := v.read(append(spans, r))
				if err != nil {
					return node{}, err
				}
				for i := range k {
					out.kids = append(out.kids, node{item: b[i*size : (i+1)*size], gap: -1})
				}
				continue
			}
			for i := r.lo; i < r.lo+r.n; i++ {
				kid, err := rec(append(spans[:j:j], span{lo: i, drop: true}))
				if err != nil {
					return node{}, err
				}
				out.kids = append(out.kids, kid)
			}
		}
		return out, nil
	}
	if nd == 0 {
		b, _, err := v.read(nil)
		if err != nil {
			return node{}, err
		}
		return node{item: b, gap: -1}, nil
	}
	return rec(nil)
}

// format prints the view as NumPy's print does, as formatItems prints a
// view of a mapping.
func (v *lazyView) format() (string, error) {
	if v.size() == 0 {
		return "[]", nil
	}
	root, err := v.node(v.size() > printThreshold)
	if err != nil {
		return "", err
	}
	return formatNode(root, v.dtype(), len(v.shape())), nil
}

// writeJSON writes the view as show --json writes a view of a mapping,
// reading one position of the first axis at a time.
func (v *lazyView) writeJSON(w *bufio.Writer) error {
	dt, shape := v.dtype(), v.shape()
	w.WriteString(`{"dtype": `)
	w.WriteString(jsonString(descrText(dt)))
	w.WriteString(`, "shape": [`)
	for i, d := range shape {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(strconv.Itoa(d))
	}
	w.WriteString(`], "data": `)
	var buf []byte
	if len(shape) == 0 {
		b, _, err := v.read(nil)
		if err != nil {
			return err
		}
		w.Write(appendJSONItem(buf, dt, b))
	} else {
		w.WriteByte('[')
		for i := range shape[0] {
			b, _, err := v.read([]span{{lo: i, drop: true}})
			if err != nil {
				return err
			}
			buf = buf[:0]
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONBlock(buf, dt, shape[1:], b)
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	}
	_, err := w.WriteString("}\n")
	return err
}

// slabItems is how many items a walk over a lazy view reads at a time.
const slabItems = 1 << 16

// slabs cuts the whole view, in C order, into pieces of about slabItems
// items that one read each gives: a span per leading kept axis (single
// positions, then at most one run of positions), the other axes whole.
func (v *lazyView) slabs() [][]span {
	shape := v.shape()
	if count(shape) == 0 {
		return nil
	}
	var out [][]span
	var rec func(spans []span)
	rec = func(spans []span) {
		j := len(spans)
		if count(shape[j:]) <= slabItems {
			out = append(out, spans)
			return
		}
		n, inner := shape[j], count(shape[j+1:])
		if inner <= slabItems {
			rows := slabItems / inner
			for i := 0; i < n; i += rows {
				out = append(out, append(spans[:j:j], span{lo: i, n: min(rows, n-i)}))
			}
			return
		}
		for i := range n {
			rec(append(spans[:j:j], span{lo: i, drop: true}))
		}
	}
	rec(nil)
	return out
}

// reader returns the view's items in C order as a stream of bytes, for
// convert: a goroutine reads the view's slabs into a pipe.
func (v *lazyView) reader() io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		var buf []byte
		for _, spans := range v.slabs() {
			b, _, err := v.readInto(buf, spans)
			if err == nil {
				_, err = pw.Write(b)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			buf = b
		}
		pw.Close()
	}()
	return pr
}

// lazyBlocks is a lazy view seen as a dataset whose blocks are its slabs,
// each read into memory when asked for, so that package reduce can pass
// over it. A pass asks only for the dataset's shape and blocks: the
// methods that select elements (CopyTo, Values) are not provided.
type lazyBlocks[T array.Element] struct {
	dataset.Dataset[T] // nil: CopyTo and Values are not used
	v                  *lazyView
	spans              [][]span
}

func newLazyBlocks[T array.Element](v *lazyView) *lazyBlocks[T] {
	return &lazyBlocks[T]{v: v, spans: v.slabs()}
}

func (l *lazyBlocks[T]) DType() layout.DType { return l.v.dtype() }
func (l *lazyBlocks[T]) Shape() []int        { return l.v.shape() }
func (l *lazyBlocks[T]) NumBlocks() int      { return len(l.spans) }
func (l *lazyBlocks[T]) Close() error        { return nil }

// Block reads slab k. Its view has every axis of the view, of length one
// where the slab takes a single position, so that its Origin places it.
func (l *lazyBlocks[T]) Block(k int) (dataset.Block[T], error) {
	spans := l.spans[k]
	b, n, err := l.v.readInto(nil, spans)
	if err != nil {
		return dataset.Block[T]{}, err
	}
	dt := l.v.dtype()
	if !dt.IsNativeOrder() {
		swapItems(b, dt)
	}
	items := make([]T, n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(items))), len(b)), b)
	shape := l.v.shape()
	origin := make([]int, len(shape))
	for j, s := range spans {
		origin[j] = s.lo
		shape[j] = s.n
		if s.drop {
			shape[j] = 1
		}
	}
	return dataset.Block[T]{View: array.FromSlice(items, shape...), Origin: origin}, nil
}

// floatConv returns the function that reads one item of dt as a float64,
// for the dtypes stats takes.
func floatConv(dt layout.DType) (func([]byte) float64, error) {
	switch dt.Kind {
	case layout.Bool:
		return func(b []byte) float64 {
			if b[0] != 0 {
				return 1
			}
			return 0
		}, nil
	case layout.Int:
		return func(b []byte) float64 { return float64(dt.Int(b)) }, nil
	case layout.Uint:
		return func(b []byte) float64 { return float64(dt.Uint(b)) }, nil
	case layout.Float:
		return dt.Float, nil
	case layout.Struct:
		return nil, fmt.Errorf("the items are records (%s); pick a numeric field, e.g. ['%s']", dt, firstField(dt))
	}
	return nil, fmt.Errorf("statistics need numbers (bool, integers, floats), not %s", dt)
}

// itemsSource reads a view of a mapping, for a scaledSource to read
// through. Reads run inside the file's guard, so that a file cut short
// under the mapping is an error, not a crash.
type itemsSource struct {
	f *array.File
	u array.Items
}

func (s itemsSource) dtype() layout.DType { return s.u.DType() }
func (s itemsSource) shape() []int        { return s.u.Shape() }
func (s itemsSource) read(dst []byte, sels []array.Sel) error {
	return s.f.Guard(func() error {
		s.u.Slice(sels...).CopyTo(dst)
		return nil
	})
}

// scaledSource reads the numbers of another source as the float64 values
// they stand for, through a scale per item or per index of one axis.
type scaledSource struct {
	in lazySource
	sc scaling
}

var float64DType = layout.DType{Kind: layout.Float, Order: nativeOrder(), Size: 8}

func nativeOrder() layout.ByteOrder {
	if (layout.DType{Kind: layout.Float, Order: layout.LittleEndian, Size: 8}).IsNativeOrder() {
		return layout.LittleEndian
	}
	return layout.BigEndian
}

func (s scaledSource) dtype() layout.DType { return float64DType }
func (s scaledSource) shape() []int        { return s.in.shape() }

func (s scaledSource) read(dst []byte, sels []array.Sel) error {
	dt := s.in.dtype()
	conv, err := floatConv(dt)
	if err != nil {
		return err
	}
	shape := dataset.SelShape(s.in.shape(), sels...)
	n := count(shape)
	raw := make([]byte, n*dt.Size)
	if err := s.in.read(raw, sels); err != nil {
		return err
	}
	// Where the scale changes along an axis, the position of each item
	// along it: the axis's place in the block read, and the positions the
	// selection takes of it.
	scale := func(int) header.Scale { return s.sc.scales[0] }
	if s.sc.axis >= 0 {
		r := resolveSel(sels[s.sc.axis], s.in.shape()[s.sc.axis])
		if r.drop {
			one := s.sc.scales[r.start]
			scale = func(int) header.Scale { return one }
		} else {
			j := 0
			for k := range s.sc.axis {
				if _, ok := sels[k].Position(); !ok {
					j++
				}
			}
			inner := count(shape[j+1:])
			scale = func(i int) header.Scale { return s.sc.scales[r.start+(i/inner)%r.n*r.step] }
		}
	}
	for i := range n {
		x := scale(i).Apply(conv(raw[i*dt.Size : (i+1)*dt.Size]))
		binary.NativeEndian.PutUint64(dst[i*8:], math.Float64bits(x))
	}
	return nil
}
