package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ndmap/ndmap/layout"
)

func runShow(args []string, stdout *bufio.Writer, _ io.Writer) error {
	fs := newFlagSet("show", "[--json] [--scaled] [raw flags] TARGET")
	jsonOut := fs.Bool("json", false, "print one JSON object {\"dtype\", \"shape\", \"data\"} instead of text")
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
		return showLazy(w, withNote(t.text, note), v, *jsonOut)
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
			return writeJSON(w, u)
		}
		fmt.Fprintf(w, "%s  %s, shape %s\n", t.text, u.DType(), layout.FormatShape(u.Shape()))
		fmt.Fprintln(w, formatItems(u))
		return nil
	})
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
