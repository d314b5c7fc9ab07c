package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

func runShow(args []string, stdout *bufio.Writer, _ io.Writer) error {
	fs := newFlagSet("show", "[--json [--max-elements N]] [--scaled] [raw flags] TARGET")
	jsonOut := fs.Bool("json", false, "print one JSON object {\"dtype\", \"shape\", \"data\"} instead of text")
	maxElems := fs.Int64("max-elements", defaultMaxElements, "the most elements --json prints; 0 for no limit")
	scaled := fs.Bool("scaled", false, "print the values the stored numbers stand for, through the format's scale (FITS, NIfTI, SpikeGLX, ENVI), as float64")
	var raw rawFlags
	raw.register(fs)
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("show takes one TARGET, not %d", len(pos))
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
		return showLazy(w, withNote(t.text, note), v, *jsonOut, *maxElems)
	}
	if !*jsonOut && !raw.set() && t.member == "" && len(t.steps) == 0 {
		if kind, err := sniff(t.path); err == nil && kind == kindNPZ {
			return showArchive(w, t.path)
		}
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
		if *jsonOut {
			if err := checkJSONElements(t.text, jsonElements(u), *maxElems); err != nil {
				return err
			}
			return writeJSON(w, u)
		}
		fmt.Fprintf(w, "%s  %s, shape %s\n", t.text, u.DType(), layout.FormatShape(u.Shape()))
		fmt.Fprintln(w, formatItems(u))
		return nil
	})
}

// checkJSONElements refuses JSON of n elements when --max-elements is
// smaller.
func checkJSONElements(label string, n, maxElems int64) error {
	if maxElems > 0 && n > maxElems {
		return fmt.Errorf("%s: %s elements are more than --json prints unless asked (%d): pass --max-elements %s (or 0 for no limit) to print them, or index a part of the array",
			label, elementCount(n), maxElems, elementCount(n))
	}
	return nil
}

// defaultMaxElements is how many elements show --json prints unless
// --max-elements says otherwise: some megabytes of JSON, enough for any
// array a person reads and few enough that a mistyped target cannot run
// for hours (an array of zero-size items may claim 2^62 of them).
const defaultMaxElements = 1_000_000

// jsonElements returns how many values the JSON output of u holds: one per
// item, or for records one per value of each field, sub-arrays counted
// element by element (at least one per item, for its brackets). It
// saturates at math.MaxInt64 rather than overflow.
func jsonElements(u array.Items) int64 {
	return mulSat(int64(u.Size()), max(1, dtypeValues(u.DType())))
}

// dtypeValues returns how many JSON values one item of dt is.
func dtypeValues(dt layout.DType) int64 {
	if dt.Kind != layout.Struct {
		return 1
	}
	var n int64
	for _, f := range dt.Fields {
		k := dtypeValues(f.Type)
		for _, d := range f.Shape {
			k = mulSat(k, int64(d))
		}
		n = addSat(n, k)
	}
	return n
}

func mulSat(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// elementCount writes n, or "more than 9223372036854775806" when it
// saturated.
func elementCount(n int64) string {
	if n == math.MaxInt64 {
		return "more than " + strconv.FormatInt(n-1, 10)
	}
	return strconv.FormatInt(n, 10)
}

// showArchive prints every array of an .npz archive, one after another.
func showArchive(w *bufio.Writer, path string) error {
	arch, err := readArchive(path)
	if err != nil {
		return err
	}
	names := arrayMembers(arch)
	if len(names) == 0 {
		fmt.Fprintf(w, "%s: no arrays\n", path)
		return nil
	}
	for i, name := range names {
		if i > 0 {
			fmt.Fprintln(w)
		}
		err := func() error {
			f, err := openMember(path, name)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Guard(func() error {
				u := f.Items()
				fmt.Fprintf(w, "%s:%s  %s, shape %s\n", path, name, u.DType(), layout.FormatShape(u.Shape()))
				fmt.Fprintln(w, formatItems(u))
				return nil
			})
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// descrText returns the dtype as the JSON output and info name it: NumPy's
// descr, without the quotes of a simple type string ("<f4", "|S5") and as
// the Python literal for records. Records NumPy could not write fall back
// to the dtype's readable form.
func descrText(dt layout.DType) string {
	d, err := dt.Descr()
	if err != nil {
		return dt.String()
	}
	if n := len(d); n >= 2 && d[0] == '\'' && d[n-1] == '\'' {
		return d[1 : n-1]
	}
	return d
}
