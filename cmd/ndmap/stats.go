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
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/reduce"
)

func runStats(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stats", "[--axis N] [--workers N] [--json] [raw flags] TARGET")
	axis := fs.Int("axis", math.MinInt, "give statistics per index of this axis (negative counts from the end)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "read the array with this many goroutines")
	jsonOut := fs.Bool("json", false, "print one JSON object instead of text")
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
	f, err := openTarget(t, &raw)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	return f.Guard(func() error {
		u, err := t.apply(f.Items())
		if err != nil {
			return err
		}
		ax := -1
		if *axis != math.MinInt {
			nd := u.NDim()
			ax = *axis
			if ax < 0 {
				ax += nd
			}
			if ax < 0 || ax >= nd {
				return fmt.Errorf("%s: axis %d is out of bounds for an array of %d dimensions", t.text, *axis, nd)
			}
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
			writeStatsJSON(w, u, ax, s)
		} else {
			writeStatsText(w, t.text, u, ax, s)
		}
		return nil
	})
}

// computeStats returns the statistics of the items of u: over all of them
// (axis < 0), or one set per index of axis. NaNs are counted apart and left
// out, as NumPy's nanmin, nanmax, nanmean and nanstd leave them out;
// infinities take part in min and max and make the mean infinite (or NaN
// when both signs occur) and the standard deviation NaN, as they do in
// NumPy.
func computeStats(u array.Items, axis int, p *progress, opts ...reduce.Option) (reduce.Summary, error) {
	if axis >= 0 {
		// Per index of axis: reduce over every other axis.
		var others []int
		for k := range u.NDim() {
			if k != axis {
				others = append(others, k)
			}
		}
		opts = append(opts, reduce.Axis(others...))
	}
	opts = append(opts, reduce.Progress(p.update))
	dt := u.DType()
	switch {
	case dt.Kind == layout.Bool:
		return describe[bool](u, opts)
	case dt.Kind == layout.Int && dt.Size == 1:
		return describe[int8](u, opts)
	case dt.Kind == layout.Int && dt.Size == 2:
		return describe[int16](u, opts)
	case dt.Kind == layout.Int && dt.Size == 4:
		return describe[int32](u, opts)
	case dt.Kind == layout.Int && dt.Size == 8:
		return describe[int64](u, opts)
	case dt.Kind == layout.Uint && dt.Size == 1:
		return describe[uint8](u, opts)
	case dt.Kind == layout.Uint && dt.Size == 2:
		return describe[uint16](u, opts)
	case dt.Kind == layout.Uint && dt.Size == 4:
		return describe[uint32](u, opts)
	case dt.Kind == layout.Uint && dt.Size == 8:
		return describe[uint64](u, opts)
	case dt.Kind == layout.Float && dt.Size == 2:
		return describe[layout.Float16](u, opts)
	case dt.Kind == layout.Float && dt.Size == 4:
		return describe[float32](u, opts)
	case dt.Kind == layout.Float && dt.Size == 8:
		return describe[float64](u, opts)
	case dt.Kind == layout.Struct:
		return reduce.Summary{}, fmt.Errorf("the items are records (%s); pick a numeric field, e.g. ['%s']", dt, firstField(dt))
	}
	return reduce.Summary{}, fmt.Errorf("statistics need numbers (bool, integers, floats), not %s", dt)
}

func describe[T array.Element](u array.Items, opts []reduce.Option) (reduce.Summary, error) {
	v, err := array.As[T](u)
	if err != nil {
		return reduce.Summary{}, err
	}
	return reduce.Describe(context.Background(), v, opts...)
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

func writeStatsText(w *bufio.Writer, label string, u array.Items, axis int, s reduce.Summary) {
	fmt.Fprintf(w, "%s  %s, shape %s", label, u.DType(), shapeText(u.Shape()))
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
func writeStatsJSON(w *bufio.Writer, u array.Items, axis int, s reduce.Summary) {
	fmt.Fprintf(w, `{"dtype": %s, "shape": [`, jsonString(descrText(u.DType())))
	for i, d := range u.Shape() {
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
