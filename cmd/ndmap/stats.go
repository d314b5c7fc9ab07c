package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

func runStats(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("stats", "[--axis N] [--json] [--scaled] [raw flags] TARGET")
	axis := fs.Int("axis", math.MinInt, "give statistics per index of this axis (negative counts from the end)")
	jsonOut := fs.Bool("json", false, "print one JSON object instead of text")
	scaled := fs.Bool("scaled", false, "summarise the values the stored numbers stand for, through the format's scale (FITS, NIfTI, SpikeGLX, ENVI)")
	var raw rawFlags
	raw.register(fs)
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("stats takes one TARGET, not %d", len(pos))
	}
	t, err := parseTarget(pos[0])
	if err != nil {
		return err
	}
	w := stdout
	if v, note, done, ok, err := openLazy(t, &raw, *scaled); ok {
		if err != nil {
			return err
		}
		defer done()
		return statsLazy(w, stderr, withNote(t.text, note), v, *axis, *jsonOut)
	}
	f, err := openTarget(t, &raw)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Guard(func() error {
		u, err := t.apply(f.Items())
		if err != nil {
			return err
		}
		ax, err := statsAxis(t.text, *axis, u.NDim())
		if err != nil {
			return err
		}
		p := newProgress(stderr, "stats", int64(u.Size()))
		accs, err := computeStats(u, ax, p)
		p.finish()
		if err != nil {
			return fmt.Errorf("%s: %w", t.text, err)
		}
		if *jsonOut {
			writeStatsJSON(w, u.DType(), u.Shape(), ax, accs)
		} else {
			writeStatsText(w, t.text, u.DType(), u.Shape(), ax, accs)
		}
		return nil
	})
}

// statsAxis checks --axis against an array of nd axes and returns it
// counted from the start, or -1 for statistics of the whole array.
func statsAxis(label string, axis, nd int) (int, error) {
	if axis == math.MinInt {
		return -1, nil
	}
	ax := axis
	if ax < 0 {
		ax += nd
	}
	if ax < 0 || ax >= nd {
		return 0, fmt.Errorf("%s: axis %d is out of bounds for an array of %d dimensions", label, axis, nd)
	}
	return ax, nil
}

// acc accumulates the statistics of a stream of values. NaNs are counted
// apart and left out, as NumPy's nanmin, nanmax, nanmean and nanstd leave
// them out; infinities take part in min and max and make the mean infinite
// (or NaN when both signs occur) and the standard deviation NaN, as they do
// in NumPy. Mean and variance are kept over the finite values and merged
// chunk by chunk with Chan's formula, which stays accurate over long
// streams.
type acc struct {
	n, nan, posInf, negInf int64
	min, max               float64
	mean, m2               float64 // over the finite values
}

func newAcc() acc { return acc{min: math.Inf(1), max: math.Inf(-1)} }

// add adds a chunk of values.
func (a *acc) add(xs []float64) {
	var n, nan, posInf, negInf int64
	mn, mx, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, x := range xs {
		if x != x {
			nan++
			continue
		}
		n++
		if x < mn {
			mn = x
		}
		if x > mx {
			mx = x
		}
		if x-x != 0 { // an infinity
			if x > 0 {
				posInf++
			} else {
				negInf++
			}
			continue
		}
		sum += x
	}
	a.nan += nan
	a.min, a.max = min(a.min, mn), max(a.max, mx)
	finite := n - posInf - negInf
	if finite > 0 {
		mean := sum / float64(finite)
		m2 := 0.0
		for _, x := range xs {
			if x-x == 0 { // finite: NaN and infinities give NaN
				d := x - mean
				m2 += d * d
			}
		}
		na, nb := float64(a.n-a.posInf-a.negInf), float64(finite)
		delta := mean - a.mean
		a.mean += delta * nb / (na + nb)
		a.m2 += m2 + delta*delta*na*nb/(na+nb)
	}
	a.n += n
	a.posInf += posInf
	a.negInf += negInf
}

// result returns min, max, mean and the population standard deviation
// (NumPy's default, ddof=0); ok is false when there are no values.
func (a *acc) result() (mn, mx, mean, std float64, ok bool) {
	if a.n == 0 {
		return 0, 0, 0, 0, false
	}
	mean = a.mean
	std = math.Sqrt(a.m2 / float64(a.n-a.posInf-a.negInf))
	switch {
	case a.posInf > 0 && a.negInf > 0:
		mean, std = math.NaN(), math.NaN()
	case a.posInf > 0:
		mean, std = math.Inf(1), math.NaN()
	case a.negInf > 0:
		mean, std = math.Inf(-1), math.NaN()
	}
	return a.min, a.max, mean, std, true
}

// statsChunk is how many items are copied out of the mapping at a time:
// memory stays bounded whatever the size of the array.
const statsChunk = 1 << 16

// computeStats walks the items of u in C order, a chunk at a time, and
// returns one acc for the whole array (axis < 0) or one per index of axis.
func computeStats(u array.Items, axis int, p *progress) ([]acc, error) {
	shape := u.Shape()
	groups, inner := 1, 1
	if axis >= 0 {
		groups = shape[axis]
		inner = count(shape[axis+1:])
	}
	accs := make([]acc, groups)
	for i := range accs {
		accs[i] = newAcc()
	}
	var done int64
	feed := func(base int, xs []float64) {
		if axis < 0 {
			accs[0].add(xs)
		} else {
			// Items of one index of the axis come in runs of inner.
			for j := 0; j < len(xs); {
				p := base + j
				end := min(len(xs), j+inner-p%inner)
				accs[(p/inner)%groups].add(xs[j:end])
				j = end
			}
		}
		done += int64(len(xs))
		p.update(done)
	}
	dt := u.DType()
	var err error
	switch {
	case dt.Kind == layout.Bool:
		err = walkChunks(u, func(b bool) float64 {
			if b {
				return 1
			}
			return 0
		}, feed)
	case dt.Kind == layout.Int && dt.Size == 1:
		err = walkChunks(u, func(x int8) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Int && dt.Size == 2:
		err = walkChunks(u, func(x int16) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Int && dt.Size == 4:
		err = walkChunks(u, func(x int32) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Int && dt.Size == 8:
		err = walkChunks(u, func(x int64) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Uint && dt.Size == 1:
		err = walkChunks(u, func(x uint8) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Uint && dt.Size == 2:
		err = walkChunks(u, func(x uint16) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Uint && dt.Size == 4:
		err = walkChunks(u, func(x uint32) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Uint && dt.Size == 8:
		err = walkChunks(u, func(x uint64) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Float && dt.Size == 2:
		err = walkChunks(u, func(x layout.Float16) float64 { return x.Float64() }, feed)
	case dt.Kind == layout.Float && dt.Size == 4:
		err = walkChunks(u, func(x float32) float64 { return float64(x) }, feed)
	case dt.Kind == layout.Float && dt.Size == 8:
		err = walkChunks(u, func(x float64) float64 { return x }, feed)
	case dt.Kind == layout.Struct:
		return nil, fmt.Errorf("the items are records (%s); pick a numeric field, e.g. ['%s']", dt, firstField(dt))
	default:
		return nil, fmt.Errorf("statistics need numbers (bool, integers, floats), not %s", dt)
	}
	return accs, err
}

// firstField names a numeric field of a record, for the error message
// that suggests one.
func firstField(dt layout.DType) string {
	for _, f := range dt.Fields {
		switch f.Type.Kind {
		case layout.Bool, layout.Int, layout.Uint, layout.Float:
			return f.Name
		}
	}
	return "name"
}

// walkChunks copies the items of u out in C order, through one reused
// buffer, and hands them to fn as float64s with the flat position of the
// first. Axes are split until a piece fits the buffer, so even one huge
// row is read a chunk at a time.
func walkChunks[T array.Element](u array.Items, conv func(T) float64, fn func(base int, xs []float64)) error {
	v, err := array.As[T](u)
	if err != nil {
		return err
	}
	buf := make([]T, statsChunk)
	xs := make([]float64, statsChunk)
	// When the items lie one after another, each chunk's pages are read
	// once: read ahead, and let the kernel drop them after use, so that
	// not even the page cache mapped into the process grows with the file.
	// (Advice is a hint; its errors change nothing.)
	contiguous := isCContiguous(v.Shape(), v.Strides(), u.DType().Size)
	if contiguous {
		_ = v.Advise(mmap.Sequential)
	}
	emit := func(part array.View[T], base int) {
		n := part.CopyTo(buf)
		if contiguous {
			_ = part.Advise(mmap.DontNeed)
		}
		for i, x := range buf[:n] {
			xs[i] = conv(x)
		}
		fn(base, xs[:n])
	}
	var walk func(v array.View[T], base int)
	walk = func(v array.View[T], base int) {
		size := v.Size()
		switch {
		case size == 0:
			return
		case size <= statsChunk:
			emit(v, base)
			return
		}
		n := v.Len()
		inner := size / n
		if inner <= statsChunk {
			rows := statsChunk / inner
			for i := 0; i < n; i += rows {
				emit(v.Slice(array.Range(i, min(i+rows, n))), base+i*inner)
			}
			return
		}
		for i := range n {
			walk(v.Index(i), base+i*inner)
		}
	}
	walk(v, 0)
	return nil
}

// isCContiguous reports whether strides walk a shape in C order with no
// gaps.
func isCContiguous(shape, strides []int, size int) bool {
	want := size
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] != 1 && strides[k] != want {
			return false
		}
		want *= shape[k]
	}
	return true
}

// statFloat writes a statistic for people: up to 10 significant digits.
func statFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

func writeStatsText(w *bufio.Writer, label string, dt layout.DType, shape []int, axis int, accs []acc) {
	fmt.Fprintf(w, "%s  %s, shape %s", label, dt, layout.FormatShape(shape))
	if axis >= 0 {
		fmt.Fprintf(w, ", per index of axis %d", axis)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if axis >= 0 {
		fmt.Fprint(tw, "index\t")
	}
	fmt.Fprintln(tw, "count\tnan\tmin\tmax\tmean\tstd")
	for i, a := range accs {
		if axis >= 0 {
			fmt.Fprintf(tw, "%d\t", i)
		}
		fmt.Fprintf(tw, "%d\t%d\t", a.n, a.nan)
		if mn, mx, mean, std, ok := a.result(); ok {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", statFloat(mn), statFloat(mx), statFloat(mean), statFloat(std))
		} else {
			fmt.Fprintln(tw, "-\t-\t-\t-")
		}
	}
	tw.Flush()
}

// writeStatsJSON writes {"dtype", "shape", "count", "nan", "min", "max",
// "mean", "std"}, or with an axis {"dtype", "shape", "axis", "stats":
// [...]} holding one such object per index. Statistics of no values are
// null; NaN and the infinities are the strings "nan", "inf" and "-inf".
func writeStatsJSON(w *bufio.Writer, dt layout.DType, shape []int, axis int, accs []acc) {
	fmt.Fprintf(w, `{"dtype": %s, "shape": [`, jsonString(descrText(dt)))
	for i, d := range shape {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(strconv.Itoa(d))
	}
	w.WriteString("], ")
	one := func(a acc) string {
		s := fmt.Sprintf(`"count": %d, "nan": %d, `, a.n, a.nan)
		if mn, mx, mean, std, ok := a.result(); ok {
			return s + fmt.Sprintf(`"min": %s, "max": %s, "mean": %s, "std": %s`,
				floatJSON(mn, 64), floatJSON(mx, 64), floatJSON(mean, 64), floatJSON(std, 64))
		}
		return s + `"min": null, "max": null, "mean": null, "std": null`
	}
	if axis < 0 {
		w.WriteString(one(accs[0]) + "}\n")
		return
	}
	fmt.Fprintf(w, `"axis": %d, "stats": [`, axis)
	for i, a := range accs {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString("{" + one(a) + "}")
	}
	w.WriteString("]}\n")
}
