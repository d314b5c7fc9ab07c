package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// rawFlags are the flags that describe a file without a .npy header.
type rawFlags struct {
	dtype   string
	shape   string
	record  string
	offset  int64
	fortran bool
}

func (r *rawFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.dtype, "dtype", "", "dtype of a raw file's items: '<f8', 'float32', a descr list, or 'name:<i4,value:<f8' for records")
	fs.StringVar(&r.shape, "shape", "", "shape of a raw file, e.g. 100,-1 (one -1 is taken from the file's size; default: 1-d over the rest of the file)")
	fs.Int64Var(&r.offset, "offset", 0, "byte offset of a raw file's data (with --header-record: 0 means right after the record)")
	fs.StringVar(&r.record, "header-record", "", "record at the start of a raw file whose fields give the axes in order, e.g. 'rows:<i4,cols:<i4'")
	fs.BoolVar(&r.fortran, "fortran", false, "a raw file's data is in Fortran (column-major) order")
	fs.IntVar(&maxHeaderLen, "max-header-len", header.DefaultMaxHeaderLen, "longest .npy header text to read, in characters (NumPy's limit by default)")
	fs.StringVar(&formatFlag, "format", "", "read files as this format ("+formatList()+") instead of telling it from their first bytes and name")
}

// set reports whether any flag says the file is raw.
func (r *rawFlags) set() bool { return r.dtype != "" || r.record != "" || r.shape != "" }

// describer checks the flags and returns the header.Describer they give.
// Mistakes are usage errors: the syntax of each flag is checked here, and
// what the description means by header's Validate, so that Describe never
// sees a description it would refuse.
func (r *rawFlags) describer() (header.Describer, error) {
	if r.dtype == "" {
		return nil, usagef("a raw file needs --dtype")
	}
	if formatFlag != "" {
		return nil, usagef("--format and the raw flags exclude each other: a raw file has no format")
	}
	dt, err := parseDType(r.dtype)
	if err != nil {
		return nil, usagef("--dtype %q: %v", r.dtype, err)
	}
	var d interface {
		header.Describer
		Validate() error
	}
	if r.record != "" {
		if r.shape != "" {
			return nil, usagef("--shape and --header-record exclude each other: the record gives the shape")
		}
		rec, err := parseRecord(r.record)
		if err != nil {
			return nil, usagef("--header-record %q: %v", r.record, err)
		}
		var axes []string
		for _, f := range rec.Fields {
			axes = append(axes, f.Name)
		}
		d = header.Record{Header: rec, Shape: axes, DType: dt, DataOffset: r.offset, FortranOrder: r.fortran}
	} else {
		shape, err := parseShape(r.shape)
		if err != nil {
			return nil, usagef("--shape %q: %v", r.shape, err)
		}
		d = header.Raw{Offset: r.offset, DType: dt, Shape: shape, FortranOrder: r.fortran}
	}
	if err := d.Validate(); err != nil {
		return nil, usagef("%v", err)
	}
	return d, nil
}

// parseDType reads a dtype given on the command line: a type string NumPy's
// dtype() accepts ('<f8', 'float32', 'M8[ns]'), a descr list
// ("[('x', '<i4'), ('y', '<f8')]"), or fields written name:type,name:type.
func parseDType(s string) (layout.DType, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "["), strings.HasPrefix(s, "'"), strings.HasPrefix(s, `"`):
		return layout.ParseDescr(s)
	case strings.Contains(s, ":"):
		return parseRecord(s)
	}
	return layout.ParseTypeString(s)
}

// parseRecord reads packed record fields written name:type,name:type.
func parseRecord(s string) (layout.DType, error) {
	var fields []layout.Field
	off := 0
	for _, part := range strings.Split(s, ",") {
		name, typ, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || name == "" {
			return layout.DType{}, fmt.Errorf("field %q is not written name:type", part)
		}
		dt, err := layout.ParseTypeString(strings.TrimSpace(typ))
		if err != nil {
			return layout.DType{}, err
		}
		fields = append(fields, layout.Field{Name: strings.TrimSpace(name), Offset: off, Type: dt})
		off += dt.Size
	}
	return layout.StructOf(fields, off)
}

// parseShape reads "100,-1", "(100, -1)" or "" (nil: 1-d over the file).
// "()" is the shape of a 0-d array. Which dimensions make sense is
// header.Raw's to say.
func parseShape(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "("), ")"))
	shape := []int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue // "(3,)" as Python writes a 1-tuple
		}
		d, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", part)
		}
		shape = append(shape, d)
	}
	return shape, nil
}

// A target names an array and a part of it: file.npy, archive.npz:member,
// each optionally followed by bracket groups applied in turn, as NumPy
// applies a[2]['time'][::-1].
type target struct {
	text   string // as given, for messages
	path   string
	member string // the .npz member, or ""
	steps  []step
}

// A step is one bracket group: a field name or an index.
type step struct {
	field   string
	isField bool
	index   string // the text inside the brackets
}

// parseTarget splits a TARGET into the file, the member and the bracket
// groups. A path that exists as given is taken whole, so that file names
// containing '[' or ':' still work.
func parseTarget(s string) (target, error) {
	t := target{text: s}
	if s == "" {
		return t, usagef("empty target")
	}
	if exists(s) {
		t.path = s
		return t, nil
	}
	// The file part ends at the first '[' after which the name exists, or
	// at the end for a pattern whose own brackets are character classes.
	cut := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '[' {
			continue
		}
		if cut < 0 && i < len(s) {
			cut = i
		}
		if p, _ := splitMember(s[:i]); exists(p) || globMatches(p) {
			cut = i
			break
		}
	}
	file := s
	if cut >= 0 {
		file = s[:cut]
		steps, err := parseSteps(s[cut:])
		if err != nil {
			return t, usagef("target %q: %v", s, err)
		}
		t.steps = steps
	}
	t.path, t.member = splitMember(file)
	return t, nil
}

// splitMember splits "archive.npz:member" when the part before the last
// colon is a file or ends in .npz (so "C:\x.npy" stays whole).
func splitMember(s string) (path, member string) {
	if exists(s) {
		return s, ""
	}
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return s, ""
	}
	if p := s[:i]; exists(p) || strings.HasSuffix(strings.ToLower(p), ".npz") {
		return p, s[i+1:]
	}
	return s, ""
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// parseSteps reads bracket groups: [2], [1:3, ::-1], ['time'], ["name"].
func parseSteps(s string) ([]step, error) {
	var steps []step
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return steps, nil
		}
		if s[0] != '[' {
			return nil, fmt.Errorf("expected '[' at %q", s)
		}
		end, quoted := -1, byte(0)
		for i := 1; i < len(s) && end < 0; i++ {
			switch c := s[i]; {
			case quoted != 0 && c == '\\':
				i++
			case quoted != 0:
				if c == quoted {
					quoted = 0
				}
			case c == '\'' || c == '"':
				quoted = c
			case c == ']':
				end = i
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("missing ']' in %q", s)
		}
		inner := strings.TrimSpace(s[1:end])
		if n := len(inner); n >= 2 && (inner[0] == '\'' || inner[0] == '"') {
			if inner[n-1] != inner[0] {
				return nil, fmt.Errorf("field name %s is not quoted properly", inner)
			}
			steps = append(steps, step{field: unquote(inner[1 : n-1]), isField: true})
		} else {
			steps = append(steps, step{index: inner})
		}
		s = s[end+1:]
	}
}

// unquote removes the backslash escapes of a quoted field name.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Kinds of file, told apart by their first bytes.
const (
	kindNPY = iota
	kindNPZ
	kindFormat // another registered format: see formatOf
)

// sniff tells a .npy file from an .npz archive and from the files of the
// other registered formats: as --format says when it is given; by the name
// when it ends in .npy or .npz (so that a file named .npz that is not a zip
// is refused as an archive, not read as something else); otherwise by the
// magic bytes, then the name, as header.Sniff chooses.
func sniff(path string) (int, error) {
	switch formatFlag {
	case "":
	case "npy":
		return kindNPY, nil
	case "npz":
		return kindNPZ, nil
	default:
		return kindFormat, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npz":
		return kindNPZ, nil
	case ".npy":
		return kindNPY, nil
	}
	head, err := readHead(path)
	if err != nil {
		return 0, err
	}
	if strings.HasPrefix(string(head), "PK\x03\x04") {
		return kindNPZ, nil
	}
	f, err := header.Sniff(path, head)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%s: not a .npy file, an .npz archive or a file of another known format (%s); describe a raw file with --dtype and --shape", path, formatList())
	case f.Name == "npy":
		return kindNPY, nil
	}
	return kindFormat, nil
}

// readHead returns the first header.SniffLen bytes of the file at path, or
// all of a shorter file.
func readHead(path string) ([]byte, error) {
	f, err := osfile.Open(path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, header.SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return head[:n], nil
}

// openTarget opens the array a target names, before its steps are applied:
// a raw file when raw flags are given, a member of an .npz archive, a .npy
// file, or the only array of an archive.
func openTarget(t target, raw *rawFlags) (*array.File, error) {
	if st, err := os.Stat(t.path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", t.path)
	}
	if raw != nil && raw.set() {
		if t.member != "" {
			return nil, usagef("raw flags describe a whole file, not the member %q", t.member)
		}
		d, err := raw.describer()
		if err != nil {
			return nil, err
		}
		return array.OpenRawFile(t.path, mmap.ReadOnly, d)
	}
	kind, err := sniff(t.path)
	if err != nil && t.member == "" {
		return nil, err
	}
	if kind == kindFormat {
		d, _, err := formatDescriber(t.path, t.member)
		if err != nil {
			return nil, err
		}
		return array.OpenRawFile(t.path, mmap.ReadOnly, d)
	}
	if t.member != "" {
		return openMember(t.path, t.member)
	}
	if kind == kindNPY {
		// sniff has decided (--format npy included): array must not
		// choose another format by the file's bytes.
		return array.OpenFile(t.path, mmap.ReadOnly, append(openOpts(), array.Format("npy"))...)
	}
	arch, err := readArchive(t.path)
	if err != nil {
		return nil, err
	}
	names := arrayMembers(arch)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: an archive with no arrays", t.path)
	}
	if len(names) != 1 {
		return nil, fmt.Errorf("%s: an archive of %d arrays (%s): name one as %s:NAME", t.path, len(names), strings.Join(names, ", "), t.path)
	}
	return openMember(t.path, names[0])
}

// readArchive lists the members of the .npz archive at path.
func readArchive(path string) (*header.Archive, error) {
	arch, err := npyReader().OpenArchive(path)
	if err != nil {
		return nil, err
	}
	// The listing is all that is wanted: members are opened through array.
	if err := arch.Close(); err != nil {
		return nil, err
	}
	return arch, nil
}

// arrayMembers returns the names of the .npy members of an archive,
// without ".npy", as np.load's NpzFile lists them.
func arrayMembers(a *header.Archive) []string {
	var names []string
	for _, m := range a.Members {
		if m.Header != nil {
			names = append(names, strings.TrimSuffix(m.Name, ".npy"))
		}
	}
	return names
}

// apply applies the target's steps to u in turn.
func (t target) apply(u array.Items) (array.Items, error) {
	for _, s := range t.steps {
		var err error
		if s.isField {
			if u.DType().Kind != layout.Struct {
				return u, fmt.Errorf("%s: no field %q: the items are %s, not records", t.text, s.field, u.DType())
			}
			u, err = u.Field(s.field)
		} else {
			u, err = applyIndex(u, s.index)
		}
		if err != nil {
			return u, fmt.Errorf("%s: %w", t.text, err)
		}
	}
	return u, nil
}

// applyIndex applies one bracket of NumPy basic indexing to u.
func applyIndex(u array.Items, expr string) (array.Items, error) {
	sels, err := indexSels(expr, u.Shape())
	if err != nil {
		return u, err
	}
	return u.Slice(sels...), nil
}

// indexSels reads one bracket of NumPy basic indexing into one Sel per
// leading axis of an array of the given shape, checking what Slice would
// panic on: too many entries and positions out of range. An Ellipsis
// ("...") stands for as many ':' as are needed.
func indexSels(expr string, shape []int) ([]array.Sel, error) {
	parts := strings.Split(expr, ",")
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	if n := len(parts); n > 1 && strings.TrimSpace(parts[n-1]) == "" {
		parts = parts[:n-1] // a[1,] is a[1]
	}
	var entries []string
	ellipsis := false
	for _, p := range parts {
		p = strings.TrimSpace(p)
		switch p {
		case "...":
			if ellipsis {
				return nil, fmt.Errorf("index [%s]: only one '...' is allowed", expr)
			}
			ellipsis = true
		case "None", "np.newaxis", "newaxis":
			return nil, fmt.Errorf("index [%s]: new axes are not supported", expr)
		}
		entries = append(entries, p)
	}
	nd := len(shape)
	if ellipsis {
		var out []string
		for _, p := range entries {
			if p == "..." {
				for range nd - (len(entries) - 1) {
					out = append(out, ":")
				}
				continue
			}
			out = append(out, p)
		}
		entries = out
	}
	if len(entries) > nd {
		return nil, fmt.Errorf("index [%s]: too many indices for an array of %d dimensions", expr, nd)
	}
	sels, err := array.ParseIndex(strings.Join(entries, ","))
	if err != nil && len(entries) > 0 {
		return nil, err
	}
	for k, sel := range sels {
		i, ok := sel.Position()
		if !ok {
			continue
		}
		if i < -shape[k] || i >= shape[k] {
			return nil, fmt.Errorf("index %d is out of bounds for axis %d with size %d", i, k, shape[k])
		}
	}
	return sels, nil
}

// maxHeaderLen is the longest .npy header text the command reads, set by
// --max-header-len: NumPy's own default cap unless raised. NumPy writes
// longer headers for records of thousands of fields, and refuses to read
// them back unless asked to, as this command does.
var maxHeaderLen = header.DefaultMaxHeaderLen

func npyReader() header.NPY { return header.NPY{MaxHeaderLen: maxHeaderLen} }

func openOpts() []array.Option { return []array.Option{array.MaxHeaderLen(maxHeaderLen)} }

// openMember opens the array key of the .npz archive at path; the member
// stays open when the archive is closed.
func openMember(path, key string) (*array.File, error) {
	z, err := array.OpenArchive(path, mmap.ReadOnly, openOpts()...)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	return array.OpenMemberFile(z, key)
}
