package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

// Kinds of target that are not one file, told apart by what the path is.
const (
	dsNone  = iota // a file, or a member of one
	dsSet          // a shard set: a folder of files, or a pattern
	dsZarr         // a Zarr v2 array: a folder holding .zarray
	dsGroup        // a Zarr v2 group: a folder holding .zgroup
)

// datasetKind tells what a path names. A folder is a Zarr array when it
// holds .zarray, a Zarr group when it holds .zgroup, and otherwise a shard
// set of the files in it; a name that is not a file but holds a pattern's
// *, ? or [ is a shard set of the files it matches.
func datasetKind(path string) int {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		if exists(filepath.Join(path, ".zarray")) {
			return dsZarr
		}
		if exists(filepath.Join(path, ".zgroup")) {
			return dsGroup
		}
		return dsSet
	case err != nil && isGlob(path):
		return dsSet
	}
	return dsNone
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// globMatches reports whether p is a pattern that matches some file.
func globMatches(p string) bool {
	if !isGlob(p) {
		return false
	}
	m, err := filepath.Glob(p)
	return err == nil && len(m) > 0
}

// openSet opens the shard set path names. Raw flags describe every file
// of the set; --format does not apply, since each file's format is told
// apart by its own first bytes and name.
func openSet(path string, raw *rawFlags) (*dataset.Set, error) {
	var opts []dataset.Option
	if formatFlag != "" {
		return nil, usagef("--format names the format of one file; the files of a shard set are each told apart by their first bytes and name")
	}
	if raw != nil && raw.set() {
		d, err := raw.describer()
		if err != nil {
			return nil, err
		}
		opts = append(opts, dataset.Describer(d))
	}
	s, err := dataset.OpenSet(path, opts...)
	if errors.Is(err, dataset.ErrMismatch) {
		return nil, fmt.Errorf("%w (a folder of unrelated arrays, such as one written by convert from an .npz archive, is read one file at a time: name the file)", err)
	}
	return s, err
}

// setSource reads the rows of a shard set, or a field of its records, a
// file at a time through Set.Slices.
type setSource struct {
	set    *dataset.Set
	fields []string
	dt     layout.DType
	sub    []int // axes added by sub-array fields
	drop   bool  // let the pages of each part go once copied: a single pass
}

// dropPages makes every read let the pages it read go, as a pass over
// the whole set wants, so that memory stays bounded.
func (s *setSource) dropPages() { s.drop = true }

func newSetSource(set *dataset.Set, label string, fields []string) (*setSource, error) {
	s := &setSource{set: set, fields: fields, dt: set.DType()}
	for _, name := range fields {
		if s.dt.Kind != layout.Struct {
			return nil, fmt.Errorf("%s: no field %q: the items are %s, not records", label, name, s.dt)
		}
		f, ok := s.dt.Field(name)
		if !ok {
			return nil, fmt.Errorf("%s: no field %q in %s", label, name, s.dt)
		}
		s.dt = f.Type
		s.sub = append(s.sub, f.Shape...)
	}
	return s, nil
}

func (s *setSource) dtype() layout.DType { return s.dt }
func (s *setSource) shape() []int        { return append(s.set.Shape(), s.sub...) }

func (s *setSource) read(dst []byte, sels []array.Sel) error {
	// A part keeps the first axis unless sels[0] is a single row.
	rest := append([]array.Sel{array.All}, sels[1:]...)
	if _, ok := sels[0].Position(); ok {
		rest = rest[1:]
	}
	off := 0
	for part, err := range s.set.Slices(sels[0]) {
		if err != nil {
			return err
		}
		err := part.File.Guard(func() error {
			u := part.Items()
			for _, name := range s.fields {
				var err error
				if u, err = u.Field(name); err != nil {
					return err
				}
			}
			u = u.Slice(rest...)
			off += u.CopyTo(dst[off:])
			if s.drop {
				_ = u.Advise(mmap.DontNeed) // a hint: its errors change nothing
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// zarrSource reads a Zarr v2 array through dataset.Zarr, whatever its
// element type: the elements are copied out as Go values and their bytes
// put back in the array's byte order.
type zarrSource struct {
	dt    layout.DType
	shp   []int
	copy  func(dst []byte, sels []array.Sel) error
	close func() error
	// describe computes stats' numbers of the whole array, a pass over
	// its chunks.
	describe func(opts []reduce.Option) (reduce.Summary, error)
}

func (z *zarrSource) dtype() layout.DType                     { return z.dt }
func (z *zarrSource) shape() []int                            { return z.shp }
func (z *zarrSource) read(dst []byte, sels []array.Sel) error { return z.copy(dst, sels) }

// openZarr opens the Zarr array in the folder dir.
func openZarr(dir string) (*zarrSource, error) {
	m, err := dataset.ReadZarrMeta(dir)
	if err != nil {
		return nil, err
	}
	dt := m.DType
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Bool:
		return openZarrOf[bool](dir, m)
	case k == layout.Int && n == 1:
		return openZarrOf[int8](dir, m)
	case k == layout.Int && n == 2:
		return openZarrOf[int16](dir, m)
	case k == layout.Int && n == 4:
		return openZarrOf[int32](dir, m)
	case (k == layout.Int || k == layout.Datetime || k == layout.Timedelta) && n == 8:
		return openZarrOf[int64](dir, m)
	case k == layout.Uint && n == 1:
		return openZarrOf[uint8](dir, m)
	case k == layout.Uint && n == 2:
		return openZarrOf[uint16](dir, m)
	case k == layout.Uint && n == 4:
		return openZarrOf[uint32](dir, m)
	case k == layout.Uint && n == 8:
		return openZarrOf[uint64](dir, m)
	case k == layout.Float && n == 2:
		return openZarrOf[layout.Float16](dir, m)
	case k == layout.Float && n == 4:
		return openZarrOf[float32](dir, m)
	case k == layout.Float && n == 8:
		return openZarrOf[float64](dir, m)
	case k == layout.Complex && n == 8:
		return openZarrOf[complex64](dir, m)
	case k == layout.Complex && n == 16:
		return openZarrOf[complex128](dir, m)
	}
	return nil, fmt.Errorf("%s: a Zarr array of %s items, which are read only as numbers, bools and datetimes", dir, dt)
}

func openZarrOf[T array.Element](dir string, m *dataset.ZarrMeta) (*zarrSource, error) {
	z, err := dataset.OpenZarr[T](dir)
	if err != nil {
		return nil, err
	}
	dt := m.DType
	src := &zarrSource{dt: dt, shp: z.Shape(), close: z.Close}
	src.describe = func(opts []reduce.Option) (reduce.Summary, error) {
		return reduce.Over(z).Describe(context.Background(), opts...)
	}
	src.copy = func(dst []byte, sels []array.Sel) error {
		n := len(dst) / dt.Size
		if n == 0 {
			return nil
		}
		// A buffer of each read's own: stats reads from several
		// goroutines at once.
		buf := make([]T, n)
		if _, err := z.CopyTo(buf, sels...); err != nil {
			return err
		}
		copy(dst, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(buf))), n*dt.Size))
		if !dt.IsNativeOrder() {
			swapItems(dst, dt)
		}
		return nil
	}
	return src, nil
}

// swapItems reverses the bytes of each number of items of dt in b: of
// each half of a complex number.
func swapItems(b []byte, dt layout.DType) {
	w := dt.Size
	if dt.Kind == layout.Complex {
		w /= 2
	}
	if w < 2 {
		return
	}
	for i := 0; i+w <= len(b); i += w {
		for l, r := i, i+w-1; l < r; l, r = l+1, r-1 {
			b[l], b[r] = b[r], b[l]
		}
	}
}

// openLazy opens the target as a lazy view when it is not one view of one
// mapping: a shard set, a Zarr array, or (with scaled) a file whose values
// are read through its format's scale. ok is false for every other target,
// which show and stats open with openTarget. note says what the values
// are, when they are not the stored numbers.
func openLazy(t target, raw *rawFlags, scaled bool) (v *lazyView, note string, done func() error, ok bool, err error) {
	none := func() error { return nil }
	kind := datasetKind(t.path)
	if kind != dsNone && t.member != "" {
		return nil, "", none, true, fmt.Errorf("%s: a folder or pattern has no member %q", t.path, t.member)
	}
	if kind != dsNone && scaled {
		return nil, "", none, true, fmt.Errorf("%s: --scaled applies to a file of a format that stores a scale, not to a shard set or a Zarr array", t.path)
	}
	switch kind {
	case dsGroup:
		return nil, "", none, true, groupError(t.path)
	case dsZarr:
		if raw.set() || formatFlag != "" {
			return nil, "", none, true, usagef("raw flags and --format describe files, not the Zarr array %s", t.path)
		}
		z, err := openZarr(t.path)
		if err != nil {
			return nil, "", none, true, err
		}
		v := newLazyView(z)
		if err := v.apply(t); err != nil {
			z.close()
			return nil, "", none, true, err
		}
		return v, "", z.close, true, nil
	case dsSet:
		set, err := openSet(t.path, raw)
		if err != nil {
			return nil, "", none, true, err
		}
		var fields []string
		var index target = t
		index.steps = nil
		for _, s := range t.steps {
			if s.isField {
				fields = append(fields, s.field)
			} else {
				index.steps = append(index.steps, s)
			}
		}
		src, err := newSetSource(set, t.text, fields)
		if err != nil {
			set.Close()
			return nil, "", none, true, err
		}
		v := newLazyView(src)
		if err := v.apply(index); err != nil {
			set.Close()
			return nil, "", none, true, err
		}
		return v, "", set.Close, true, nil
	}
	if !scaled {
		return nil, "", none, false, nil
	}
	if raw.set() {
		return nil, "", none, true, fmt.Errorf("%s: a raw file %w", t.path, errNoScale)
	}
	if k, err := sniff(t.path); err != nil {
		return nil, "", none, true, err
	} else if k != kindFormat {
		return nil, "", none, true, fmt.Errorf("%s: a NumPy file %w", t.path, errNoScale)
	}
	f, err := openTarget(t, raw)
	if err != nil {
		return nil, "", none, true, err
	}
	u := f.Items()
	sc, err := formatScaling(t.path, t.member, u.Shape())
	if err == nil && sc.axis >= 0 && (sc.axis >= u.NDim() || len(sc.scales) != u.Shape()[sc.axis]) {
		err = fmt.Errorf("%s: %d scales for an axis of %d", t.path, len(sc.scales), u.Shape()[sc.axis])
	}
	if err == nil {
		_, err = floatConv(u.DType())
	}
	if err != nil {
		f.Close()
		return nil, "", none, true, err
	}
	v = newLazyView(scaledSource{in: itemsSource{f: f, u: u}, sc: sc})
	if err := v.apply(t); err != nil {
		f.Close()
		return nil, "", none, true, err
	}
	return v, sc.text, f.Close, true, nil
}

// groupError names the arrays of a Zarr group, for a command that needs
// one array.
func groupError(path string) error {
	g, err := dataset.OpenGroup(path)
	if err != nil {
		return err
	}
	names := append(append([]string{}, g.Arrays...), g.Groups...)
	return fmt.Errorf("%s: a Zarr group (%s): name one of its arrays, as %s", path, strings.Join(names, ", "), filepath.Join(path, "NAME"))
}

// withNote adds to a target's label what its values are, when they are
// not the stored numbers.
func withNote(label, note string) string {
	if note == "" {
		return label
	}
	return label + " (" + note + ")"
}

// showLazy prints a lazy view as show prints a view of a mapping.
func showLazy(w *bufio.Writer, label string, v *lazyView, jsonOut bool, maxElems int64) error {
	if jsonOut {
		n := max(1, dtypeValues(v.dtype()))
		for _, d := range v.shape() {
			n = mulSat(n, int64(d))
		}
		if err := checkJSONElements(label, n, maxElems); err != nil {
			return err
		}
		return v.writeJSON(w)
	}
	s, err := v.format()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  %s, shape %s\n", label, v.dtype(), layout.FormatShape(v.shape()))
	fmt.Fprintln(w, s)
	return nil
}

// datasetSources lists the array a shard set or a Zarr array gives
// convert; ok is false for a target that is neither.
func datasetSources(in string, raw *rawFlags) (srcs []source, done func() error, ok bool, err error) {
	none := func() error { return nil }
	switch datasetKind(in) {
	case dsGroup:
		return nil, none, true, groupError(in)
	case dsZarr:
		if raw.set() || formatFlag != "" {
			return nil, none, true, usagef("raw flags and --format describe files, not the Zarr array %s", in)
		}
		z, err := openZarr(in)
		if err != nil {
			return nil, none, true, err
		}
		v := newLazyView(z)
		h := header.Header{DType: z.dt, Shape: z.shp}
		open := func() (io.ReadCloser, error) { return v.reader(), nil }
		return []source{{key: datasetKey(in), h: h, open: open}}, z.close, true, nil
	case dsSet:
		set, err := openSet(in, raw)
		if err != nil {
			return nil, none, true, err
		}
		h := header.Header{DType: set.DType(), Shape: set.Shape()}
		return []source{{key: datasetKey(in), h: h, open: func() (io.ReadCloser, error) { return setData(set) }}}, set.Close, true, nil
	}
	return nil, none, false, nil
}

// setData streams the data bytes of a whole shard set, in C order, as
// Set.WriteNPY writes them after its header.
func setData(set *dataset.Set) (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := set.WriteNPY(pw)
		pw.CloseWithError(err)
	}()
	if _, r, err := header.ReadStream(pr); err != nil {
		pr.Close()
		return nil, err
	} else {
		return struct {
			io.Reader
			io.Closer
		}{r, pr}, nil
	}
}

// datasetKey names the array of a folder or a pattern, as a member of an
// .npz archive or a file of a folder: the folder's name, or the pattern's
// file name without its wildcards and extension.
func datasetKey(path string) string {
	base := filepath.Base(filepath.Clean(path))
	if isGlob(base) {
		base = strings.TrimSuffix(base, filepath.Ext(base))
		base = strings.Map(func(r rune) rune {
			if strings.ContainsRune("*?[]", r) {
				return -1
			}
			return r
		}, base)
		base = strings.Trim(base, "_-. ")
	}
	base = strings.TrimSuffix(base, ".zarr")
	if base == "" || base == "." || base == ".." || base == string(filepath.Separator) {
		return "arr_0"
	}
	return base
}

// infoDataset describes a shard set or a Zarr array or group; ok is false
// for a path that is none of them. d, from raw flags, describes the files
// of a set.
func infoDataset(w *bufio.Writer, path string, raw *rawFlags) (ok bool, err error) {
	switch datasetKind(path) {
	case dsZarr:
		return true, infoZarr(w, path)
	case dsGroup:
		return true, infoGroup(w, path)
	case dsSet:
		return true, infoSet(w, path, raw)
	}
	return false, nil
}

func infoSet(w *bufio.Writer, path string, raw *rawFlags) error {
	set, err := openSet(path, raw)
	if errors.Is(err, dataset.ErrMismatch) {
		// A folder of unrelated arrays — one written by convert from an
		// .npz archive, say — is described a file at a time.
		files, ferr := dataset.ShardFiles(path)
		if ferr != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d files that are not one shard set: %s\n", path, len(files), oneLine(err.Error()))
		var last error
		for _, f := range files {
			fmt.Fprintln(w)
			if err := info(w, f, nil, false); err != nil {
				last = err
				fmt.Fprintf(w, "%s: %s\n", f, oneLine(err.Error()))
			}
		}
		return last
	}
	if err != nil {
		return err
	}
	defer set.Close()
	n := set.NumShards()
	fmt.Fprintf(w, "%s: shard set of %d %s along the first axis\n", path, n, plural(n, "file", "files"))
	dt := set.DType()
	descr, err := dt.Descr()
	if err != nil {
		descr = dt.TypeString()
	}
	size, _ := layout.ByteSize(set.Shape(), dt.Size)
	writeMetaRows(w, "  ", []metaRow{
		{"descr", descr},
		{"dtype", dtypeText(dt)},
		{"shape", layout.FormatShape(set.Shape())},
		{"bytes", fmt.Sprintf("%d (%d %s of %d %s)", size, count(set.Shape()), plural(count(set.Shape()), "item", "items"), dt.Size, plural(dt.Size, "byte", "bytes"))},
	})
	// A long set is listed by its first and last files.
	const ends = 5
	for k := range n {
		if n > 2*ends+2 && k == ends {
			fmt.Fprintf(w, "    ... %d more\n", n-2*ends)
		}
		if n > 2*ends+2 && k >= ends && k < n-ends {
			continue
		}
		lo, hi := set.ShardRange(k)
		h := set.ShardHeader(k)
		order := ""
		if h.FortranOrder {
			order = ", Fortran order"
		}
		key := ""
		if k == 0 {
			key = "shards"
		}
		fmt.Fprintf(w, "  %-7s %s: rows %d:%d, offset %d%s\n", key, set.ShardPath(k), lo, hi, h.DataOffset, order)
	}
	return nil
}

func infoZarr(w *bufio.Writer, path string) error {
	m, err := dataset.ReadZarrMeta(path)
	if err != nil {
		return err
	}
	attrs, err := dataset.ReadAttrs(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: Zarr v2 array\n", path)
	descr, err := m.DType.Descr()
	if err != nil {
		descr = m.DType.TypeString()
	}
	order := "C"
	if m.FortranOrder {
		order = "Fortran"
	}
	grid := 1
	for k := range m.Shape {
		grid *= (m.Shape[k] + m.Chunks[k] - 1) / max(m.Chunks[k], 1)
	}
	size, _ := layout.ByteSize(m.Shape, m.DType.Size)
	rows := []metaRow{
		{"descr", descr},
		{"dtype", dtypeText(m.DType)},
		{"shape", layout.FormatShape(m.Shape)},
		{"chunks", fmt.Sprintf("%s, %d of them, keys joined with %q", layout.FormatShape(m.Chunks), grid, m.Separator)},
		{"order", order + " (within each chunk)"},
		{"compressor", codecText(m.Compressor, "none: chunks are mapped in place")},
		{"fill value", string(m.FillValue)},
		{"bytes", fmt.Sprintf("%d (%d %s of %d %s)", size, count(m.Shape), plural(count(m.Shape), "item", "items"), m.DType.Size, plural(m.DType.Size, "byte", "bytes"))},
	}
	for _, f := range m.Filters {
		rows = append(rows, metaRow{"filter", codecText(f, "")})
	}
	if len(attrs) > 0 {
		b, _ := json.Marshal(attrs)
		rows = append(rows, metaRow{"attrs", string(b)})
	}
	writeMetaRows(w, "  ", rows)
	return nil
}

// codecText describes a Zarr codec and whether it can be read.
func codecText(c dataset.Codec, none string) string {
	switch c.ID {
	case "":
		return none
	case "zlib", "gzip":
		return fmt.Sprintf("%s, level %d: chunks are inflated as they are read", c.ID, c.Level(1))
	}
	return c.ID + ": not supported, the data cannot be read"
}

func infoGroup(w *bufio.Writer, path string) error {
	fmt.Fprintf(w, "%s: Zarr v2 group\n", path)
	return listGroup(w, path, "")
}

// listGroup lists the arrays of a group and of the groups in it, each
// with its dtype and shape.
func listGroup(w *bufio.Writer, root, rel string) error {
	g, err := dataset.OpenGroup(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	if len(g.Attrs) > 0 {
		b, _ := json.Marshal(g.Attrs)
		fmt.Fprintf(w, "  %s attrs %s\n", slashDir(rel), b)
	}
	for _, a := range g.Arrays {
		name := filepath.ToSlash(filepath.Join(rel, a))
		m, err := dataset.ReadZarrMeta(filepath.Join(root, rel, a))
		if err != nil {
			fmt.Fprintf(w, "  %s: %s\n", name, oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(w, "  %s: %s, shape %s, chunks %s, %s\n", name, descrText(m.DType), layout.FormatShape(m.Shape), layout.FormatShape(m.Chunks), codecText(m.Compressor, "uncompressed"))
	}
	for _, sub := range g.Groups {
		if err := listGroup(w, root, filepath.Join(rel, sub)); err != nil {
			return err
		}
	}
	return nil
}

func slashDir(rel string) string {
	if rel == "" {
		return "/"
	}
	return filepath.ToSlash(rel) + "/"
}

// fileDescriber is the Describer of a file named on the command line:
// the raw flags', its format's, a stored .npz member's, or .npy's.
func fileDescriber(path, member string, raw *rawFlags) (header.Describer, error) {
	if raw.set() {
		if member != "" {
			return nil, usagef("raw flags describe a whole file, not the member %q", member)
		}
		return raw.describer()
	}
	kind, err := sniff(path)
	if err != nil {
		return nil, err
	}
	switch {
	case kind == kindFormat:
		d, _, err := formatDescriber(path, member)
		return d, err
	case kind == kindNPZ || member != "":
		return memberDescriber(path, member)
	}
	return npyReader(), nil
}

// memberDescriber describes a stored member of an .npz archive as the raw
// bytes it is in the archive.
func memberDescriber(path, member string) (header.Describer, error) {
	arch, err := npyReader().OpenArchive(path)
	if err != nil {
		return nil, err
	}
	defer arch.Close()
	if member == "" {
		names := arrayMembers(arch)
		if len(names) != 1 {
			return nil, fmt.Errorf("%s: an archive of %d arrays (%s): name one as %s:NAME", path, len(names), strings.Join(names, ", "), path)
		}
		member = names[0]
	}
	m, ok := arch.Lookup(member)
	if !ok {
		return nil, fmt.Errorf("%s: no member %q", path, member)
	}
	if m.Err != nil {
		return nil, m.Err
	}
	if m.Header == nil {
		return nil, fmt.Errorf("%s: member %q is not a .npy array", path, m.Name)
	}
	if m.Method != 0 {
		return nil, fmt.Errorf("%s: member %q is compressed; its bytes are not in the file to refer to (convert it to .npy first)", path, m.Name)
	}
	h := m.Header
	return header.Raw{Offset: m.DataOffset, DType: h.DType, Shape: h.Shape, FortranOrder: h.FortranOrder}, nil
}

// statsLazy prints the statistics of a lazy view as stats prints those
// of a view of a mapping: a whole shard set or Zarr array by a pass over
// its files or chunks, a selection of one, or a file's scaled values, by a
// pass over the slabs the view reads.
func statsLazy(w *bufio.Writer, stderr io.Writer, label string, v *lazyView, axis, workers int, jsonOut bool) error {
	ax, err := statsAxis(label, axis, len(v.shape()))
	if err != nil {
		return err
	}
	num, err := statsType(v.dtype())
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	p := newProgress(stderr, "stats", int64(v.size()))
	// One pass: the pages of the files read are let go once read, so that
	// memory stays bounded whatever the size of the data.
	opts := statsOptions(len(v.shape()), ax, p, reduce.Workers(workers), reduce.DropPages(true))
	var s reduce.Summary
	switch src := v.src.(type) {
	case *zarrSource:
		if v.whole() {
			s, err = src.describe(opts)
			break
		}
		s, err = num.lazy(v, opts)
	case *setSource:
		if v.whole() && len(src.fields) == 0 {
			s, err = num.set(src.set, opts)
			break
		}
		src.dropPages()
		s, err = num.lazy(v, opts)
	default:
		s, err = num.lazy(v, opts)
	}
	p.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	if jsonOut {
		writeStatsJSON(w, v.dtype(), v.shape(), ax, s)
	} else {
		writeStatsText(w, label, v.dtype(), v.shape(), ax, s)
	}
	return nil
}
