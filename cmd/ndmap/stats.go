package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"text/tabwriter"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/reduce"
)

func runStats(args []string, stdout *bufio.Writer, stderr io.Writer) error {
	fs := newFlagSet("stats", "[--axis N] [--workers N] [--json] [--scaled] [raw flags] TARGET")
	axis := fs.Int("axis", math.MinInt, "give statistics per index of this axis (negative counts from the end)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "read the array with this many goroutines")
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
	if *workers < 1 {
		return usagef("--workers must be at least 1, not %d", *workers)
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
		return statsLazy(w, stderr, withNote(t.text, note), v, *axis, *workers, *jsonOut)
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
		s, err := computeStats(u, ax, p,
			reduce.Workers(*workers),
			// Each worker reads inside the file's guard: a file cut
			// short under the mapping is an error, not a crash.
			reduce.Guard(f.Guard),
			// One pass: let each chunk's pages go once read, so that
			// memory stays bounded whatever the size of the file.
			reduce.DropPages(true))
		p.finish()
		if err != nil {
			return fmt.Errorf("%s: %w", t.text, err)
		}
		if *jsonOut {
			writeStatsJSON(w, u.DType(), u.Shape(), ax, s)
		} else {
			writeStatsText(w, t.text, u.DType(), u.Shape(), ax, s)
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

// statsOptions returns the options of a Describe that gives stats' numbers
// of an array of nd axes: over every axis (axis < 0), or per index of axis,
// reducing over every other axis; progress goes to p.
func statsOptions(nd, axis int, p *progress, opts ...reduce.Option) []reduce.Option {
	if axis >= 0 {
		var others []int
		for k := range nd {
			if k != axis {
				others = append(others, k)
			}
		}
		opts = append(opts, reduce.Axis(others...))
	}
	return append(opts, reduce.Progress(p.update))
}

// computeStats returns the statistics of the items of u: over all of them
// (axis < 0), or one set per index of axis. NaNs are counted apart and left
// out, as NumPy's nanmin, nanmax, nanmean and nanstd leave them out;
// infinities take part in min and max and make the mean infinite (or NaN
// when both signs occur) and the standard deviation NaN, as they do in
// NumPy.
func computeStats(u array.Items, axis int, p *progress, opts ...reduce.Option) (reduce.Summary, error) {
	num, err := statsType(u.DType())
	if err != nil {
		return reduce.Summary{}, err
	}
	return num.items(u, statsOptions(u.NDim(), axis, p, opts...))
}

// numeric computes stats' numbers of elements of one Go type, the one
// statsType chooses for a dtype, from any of the sources stats reads.
type numeric interface {
	items(u array.Items, opts []reduce.Option) (reduce.Summary, error)
	set(s *dataset.Set, opts []reduce.Option) (reduce.Summary, error)
	lazy(v *lazyView, opts []reduce.Option) (reduce.Summary, error)
}

type numericOf[T array.Element] struct{}

func (numericOf[T]) items(u array.Items, opts []reduce.Option) (reduce.Summary, error) {
	v, err := array.As[T](u)
	if err != nil {
		return reduce.Summary{}, err
	}
	return reduce.Describe(context.Background(), v, opts...)
}

func (numericOf[T]) set(s *dataset.Set, opts []reduce.Option) (reduce.Summary, error) {
	d, err := dataset.Typed[T](s)
	if err != nil {
		return reduce.Summary{}, err
	}
	return reduce.Over(d).Describe(context.Background(), opts...)
}

func (numericOf[T]) lazy(v *lazyView, opts []reduce.Option) (reduce.Summary, error) {
	return reduce.Over[T](newLazyBlocks[T](v)).Describe(context.Background(), opts...)
}

// statsType returns how stats reads items of dt, or why it cannot: the
// statistics are of numbers (bools, integers, floats).
func statsType(dt layout.DType) (numeric, error) {
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Bool:
		return numericOf[bool]{}, nil
	case k == layout.Int && n == 1:
		return numericOf[int8]{}, nil
	case k == layout.Int && n == 2:
		return numericOf[int16]{}, nil
	case k == layout.Int && n == 4:
		return numericOf[int32]{}, nil
	case k == layout.Int && n == 8:
		return numericOf[int64]{}, nil
	case k == layout.Uint && n == 1:
		return numericOf[uint8]{}, nil
	case k == layout.Uint && n == 2:
		return numericOf[uint16]{}, nil
	case k == layout.Uint && n == 4:
		return numericOf[uint32]{}, nil
	case k == layout.Uint && n == 8:
		return numericOf[uint64]{}, nil
	case k == layout.Float && n == 2:
		return numericOf[layout.Float16]{}, nil
	case k == layout.Float && n == 4:
		return numericOf[float32]{}, nil
	case k == layout.Float && n == 8:
		return numericOf[float64]{}, nil
	case k == layout.Struct:
		return nil, fmt.Errorf("the items are records (%s); pick a numeric field, e.g. ['%s']", dt, firstField(dt))
	}
	return nil, fmt.Errorf("statistics need numbers (bool, integers, floats), not %s", dt)
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

// cellStats returns min, max, mean and the population standard deviation
// (NumPy's default, ddof=0) of cell j; ok is false when it has no values.
func cellStats(s reduce.Summary, j int) (mn, mx, mean, std float64, ok bool) {
	if s.Count[j] == 0 {
		return 0, 0, 0, 0, false
	}
	return s.Min[j], s.Max[j], s.Mean[j], math.Sqrt(s.Var[j]), true
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

func writeStatsText(w *bufio.Writer, label string, dt layout.DType, shape []int, axis int, s reduce.Summary) {
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
	for i := range s.Count {
		if axis >= 0 {
			fmt.Fprintf(tw, "%d\t", i)
		}
		fmt.Fprintf(tw, "%d\t%d\t", s.Count[i], s.NaN[i])
		if mn, mx, mean, std, ok := cellStats(s, i); ok {
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
func writeStatsJSON(w *bufio.Writer, dt layout.DType, shape []int, axis int, s reduce.Summary) {
	fmt.Fprintf(w, `{"dtype": %s, "shape": [`, jsonString(descrText(dt)))
	for i, d := range shape {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(strconv.Itoa(d))
	}
	w.WriteString("], ")
	one := func(j int) string {
		out := fmt.Sprintf(`"count": %d, "nan": %d, `, s.Count[j], s.NaN[j])
		if mn, mx, mean, std, ok := cellStats(s, j); ok {
			return out + fmt.Sprintf(`"min": %s, "max": %s, "mean": %s, "std": %s`,
				floatJSON(mn, 64), floatJSON(mx, 64), floatJSON(mean, 64), floatJSON(std, 64))
		}
		return out + `"min": null, "max": null, "mean": null, "std": null`
	}
	if axis < 0 {
		w.WriteString(one(0) + "}\n")
		return
	}
	fmt.Fprintf(w, `"axis": %d, "stats": [`, axis)
	for i := range s.Count {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString("{" + one(i) + "}")
	}
	w.WriteString("]}\n")
}
