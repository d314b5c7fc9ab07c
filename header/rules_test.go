package header

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/layout"
)

// npyBytes returns a .npy file of the given version whose header dict is
// text, taken byte for byte, padded as NumPy pads it, followed by n data
// bytes.
func npyBytes(major byte, text string, n int) []byte {
	lenSize := 4
	if major == 1 {
		lenSize = 2
	}
	hlen := len(text) + 1
	hlen += (64 - (8+lenSize+hlen)%64) % 64
	b := append([]byte(magic), major, 0)
	if lenSize == 2 {
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	}
	b = append(b, text...)
	b = append(b, bytes.Repeat([]byte(" "), hlen-len(text)-1)...)
	b = append(b, '\n')
	return append(b, make([]byte, n)...)
}

// dict is a header dict with the given descr and shape, C order.
func dict(descr, shape string) string {
	return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }"
}

// numpyRules lists every check NumPy applies when np.load reads a .npy file
// (numpy/lib/format.py, NumPy 1.24: read_magic, _check_version,
// _read_array_header with _filter_header and ast.literal_eval,
// descr_to_dtype and the numpy.dtype constructor it calls, and read_array),
// each with a file that exercises it and what ndmap does with that file.
//
// numpy says whether np.load reads the file, which TestNumPyRules checks
// against NumPy itself; err is what [NPY.Describe] returns: nil when it
// reads the file, else an error wrapping the given one. A file NumPy
// refuses is refused. Where ndmap refuses a file NumPy reads, why says why;
// those files are not written by NumPy (or, for long doubles and objects,
// cannot be mapped).
var numpyRules = []struct {
	rule  string
	file  []byte
	numpy bool
	err   error
	why   string
}{
	// read_magic and _check_version.
	{"read_magic: the magic string is \\x93NUMPY", append([]byte("\x93NUMPZ"), npyBytes(1, dict("'<f8'", "(4,)"), 32)[6:]...), false, ErrFormat, ""},
	{"read_magic: the magic string and version take 8 bytes", []byte("\x93NUMPY\x01"), false, ErrFormat, ""},
	{"_check_version: 1.0 is a version", npyBytes(1, dict("'<f8'", "(4,)"), 32), true, nil, ""},
	{"_check_version: 2.0 is a version", npyBytes(2, dict("'<f8'", "(4,)"), 32), true, nil, ""},
	{"_check_version: 3.0 is a version", npyBytes(3, dict("'<f8'", "(4,)"), 32), true, nil, ""},
	{"_check_version: 4.0 is not", npyBytes(4, dict("'<f8'", "(4,)"), 32), false, ErrFormat, ""},
	{"_check_version: 1.1 is not", func() []byte { b := npyBytes(1, dict("'<f8'", "(4,)"), 32); b[7] = 1; return b }(), false, ErrFormat, ""},

	// _read_array_header: the length and the text.
	{"_read_array_header: the header length is all there", npyBytes(2, dict("'<f8'", "(4,)"), 0)[:10], false, ErrFormat, ""},
	{"_read_array_header: the header is as long as its length says", npyBytes(1, dict("'<f8'", "(4,)"), 0)[:60], false, ErrFormat, ""},
	{"_read_array_header: 1.0 and 2.0 headers are latin1", npyBytes(1, dict("[('\xe9', '<f8')]", "(4,)"), 32), true, nil, ""},
	{"_read_array_header: 3.0 headers are UTF-8", npyBytes(3, dict("[('\u03b1', '<f8')]", "(4,)"), 32), true, nil, ""},
	{"_read_array_header: 3.0 headers that are not UTF-8 are refused", npyBytes(3, dict("[('\xe9', '<f8')]", "(4,)"), 32), false, ErrFormat, ""},
	{"_read_array_header: at most 10000 characters", npyBytes(2, dict("'<f8'", "(4,)")+strings.Repeat(" ", 9900), 32), true, nil, ""},
	{"_read_array_header: more than 10000 characters are refused", npyBytes(2, dict("'<f8'", "(4,)")+strings.Repeat(" ", 10000), 32), false, ErrTooLong, ""},
	{"_read_array_header: characters are counted, not bytes", npyBytes(3, dict("[('"+strings.Repeat("\u03b1", 4950)+"', '<f8')]", "(4,)"), 32), true, nil, ""},

	// _filter_header: the Python 2 long suffix, in 1.0 and 2.0 only.
	{"_filter_header: L after an integer in 1.0", npyBytes(1, dict("'<f8'", "(4L,)"), 32), true, nil, ""},
	{"_filter_header: L after an integer in 2.0", npyBytes(2, dict("'<f8'", "(4L,)"), 32), true, nil, ""},
	{"_filter_header: not in 3.0", npyBytes(3, dict("'<f8'", "(4L,)"), 32), false, ErrFormat, ""},
	{"_filter_header: L after spaces", npyBytes(1, dict("'<f8'", "(4 L,)"), 32), true, nil, ""},
	{"_filter_header: not l", npyBytes(1, dict("'<f8'", "(4l,)"), 32), false, ErrFormat, ""},
	{"_filter_header: not LL", npyBytes(1, dict("'<f8'", "(4LL,)"), 32), false, ErrFormat, ""},
	{"_filter_header: not after a newline", npyBytes(1, dict("'<f8'", "(4\nL,)"), 32), false, ErrFormat, ""},
	{"_filter_header: in sub-array shapes too", npyBytes(1, dict("[('a', '<f8', (2L,))]", "(2,)"), 32), true, nil, ""},

	// ast.literal_eval: Python literals, nothing else.
	{"literal_eval: a Python literal", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), ", 32), false, ErrFormat, ""},
	{"literal_eval: no expressions", npyBytes(1, dict("'<f8'", "(2*2,)"), 32), false, ErrFormat, ""},
	{"literal_eval: no names", npyBytes(1, dict("'<f8'", "(n,)"), 32), false, ErrFormat, ""},
	{"literal_eval: hexadecimal integers", npyBytes(1, dict("'<f8'", "(0x4,)"), 32), true, nil, ""},
	{"literal_eval: octal integers", npyBytes(1, dict("'<f8'", "(0o4,)"), 32), true, nil, ""},
	{"literal_eval: binary integers", npyBytes(1, dict("'<f8'", "(0b100,)"), 32), true, nil, ""},
	{"literal_eval: underscores in integers", npyBytes(1, dict("'<f8'", "(1_0,)"), 80), true, nil, ""},
	{"literal_eval: no leading zeros", npyBytes(1, dict("'<f8'", "(04,)"), 32), false, ErrFormat, ""},
	{"literal_eval: one sign", npyBytes(1, dict("'<f8'", "(+4,)"), 32), true, nil, ""},
	{"literal_eval: not two", npyBytes(1, dict("'<f8'", "(--4,)"), 32), false, ErrFormat, ""},
	{"literal_eval: double quotes", npyBytes(1, `{"descr": "<f8", "fortran_order": False, "shape": (4,), }`, 32), true, nil, ""},
	{"literal_eval: the u prefix", npyBytes(1, dict("u'<f8'", "(4,)"), 32), true, nil, ""},
	{"literal_eval: no b prefix", npyBytes(1, dict("b'<f8'", "(4,)"), 32), false, ErrFormat, ""},
	{"literal_eval: adjacent strings join", npyBytes(1, dict("'<f' '8'", "(4,)"), 32), true, nil, ""},
	{"literal_eval: comments", npyBytes(1, dict("'<f8'", "(4,)")+" # a comment", 32), true, nil, ""},
	{"literal_eval: lines inside brackets", npyBytes(1, "{'descr': '<f8',\n 'fortran_order': False,\r\n 'shape': (4,)}", 32), true, nil, ""},
	{"literal_eval: a leading newline", npyBytes(1, "\n"+dict("'<f8'", "(4,)"), 32), true, nil, ""},
	{"literal_eval: form feeds are spaces", npyBytes(1, dict("'<f8'", "(4,)")+"\f", 32), true, nil, ""},
	{"literal_eval: vertical tabs are not", npyBytes(1, dict("'<f8'", "(4,)")+"\v", 32), false, ErrFormat, ""},
	{"literal_eval: no-break spaces are not", npyBytes(1, dict("'<f8'", "(4,)")+"\xa0", 32), false, ErrFormat, ""},
	{"literal_eval: no unpacking", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), **{}}", 32), false, ErrFormat, ""},

	// _read_array_header: the dict.
	{"_read_array_header: the header is a dict", npyBytes(1, "[('descr', '<f8'), ('fortran_order', False), ('shape', (4,))]", 32), false, ErrFormat, ""},
	{"_read_array_header: no key missing", npyBytes(1, "{'descr': '<f8', 'shape': (4,), }", 32), false, ErrFormat, ""},
	{"_read_array_header: no other key", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': 1}", 32), false, ErrFormat, ""},
	{"_read_array_header: a repeated key, the last wins", npyBytes(1, "{'descr': '|O', 'fortran_order': False, 'shape': (4,), 'descr': '<i8'}", 32), true, nil, ""},
	{"_read_array_header: shape is a tuple", npyBytes(1, dict("'<f8'", "[4]"), 32), false, ErrFormat, ""},
	{"_read_array_header: not an int", npyBytes(1, dict("'<f8'", "4"), 32), false, ErrFormat, ""},
	{"_read_array_header: of ints", npyBytes(1, dict("'<f8'", "(4.0,)"), 32), false, ErrFormat, ""},
	{"_read_array_header: bools are ints, but not dimensions", npyBytes(1, dict("'<f8'", "(True,)"), 32), false, ErrFormat, ""},
	{"_read_array_header: the empty tuple, one item", npyBytes(1, dict("'<f8'", "()"), 8), true, nil, ""},
	{"_read_array_header: zero dimensions", npyBytes(1, dict("'<f8'", "(3, 0)"), 0), true, nil, ""},
	{"read_array: negative dimensions", npyBytes(1, dict("'<f8'", "(-4,)"), 32), true, ErrFormat, negative},
	{"read_array: with a space after the sign", npyBytes(1, dict("'<f8'", "(- 4,)"), 32), true, ErrFormat, negative},
	{"_read_array_header: fortran_order is a bool", npyBytes(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (4,), }", 32), false, ErrFormat, ""},
	{"_read_array_header: True", npyBytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32), true, nil, ""},

	// descr_to_dtype: a string goes to numpy.dtype.
	{"dtype: a type code", npyBytes(1, dict("'>i4'", "(4,)"), 16), true, nil, ""},
	{"dtype: a one-letter code with an order", npyBytes(1, dict("'>d'", "(4,)"), 32), true, nil, ""},
	{"dtype: a name", npyBytes(1, dict("'float64'", "(4,)"), 32), true, nil, ""},
	{"dtype: no order before a name", npyBytes(1, dict("'>float64'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: but before datetime64", npyBytes(1, dict("'>datetime64[us]'", "(4,)"), 32), true, nil, ""},
	{"dtype: a size with leading zeros", npyBytes(1, dict("'f08'", "(4,)"), 32), true, nil, ""},
	{"dtype: a size with a sign", npyBytes(1, dict("'<f+8'", "(4,)"), 32), true, ErrFormat, "no writer writes it; the size is digits"},
	{"dtype: no unknown type", npyBytes(1, dict("'<f3'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: no spaces", npyBytes(1, dict("' f8'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: not empty", npyBytes(1, dict("''", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: S, U and V alone have size 0", npyBytes(1, dict("'|S'", "(4,)"), 0), true, nil, ""},
	{"dtype: M alone is the generic datetime64", npyBytes(1, dict("'M'", "(4,)"), 32), true, nil, ""},
	{"dtype: M with a unit needs the itemsize", npyBytes(1, dict("'>m[us]'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: M4 is no type", npyBytes(1, dict("'<M4[us]'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: a unit and multiplier", npyBytes(1, dict("'<M8[25us]'", "(4,)"), 32), true, nil, ""},
	{"dtype: the generic unit spelled out", npyBytes(1, dict("'<M8[generic]'", "(4,)"), 32), true, nil, ""},
	{"dtype: no empty unit", npyBytes(1, dict("'<M8[]'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: no unknown unit", npyBytes(1, dict("'<m8[B]'", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: a zero multiplier", npyBytes(1, dict("'<M8[0us]'", "(4,)"), 32), true, ErrFormat, "a count of zero units is no time; NumPy never writes it"},
	{"dtype: a unit divided", npyBytes(1, dict("'<M8[us/2]'", "(4,)"), 32), true, ErrFormat, "a legacy spelling NumPy writes as <M8[500ns]"},
	{"dtype: long double", npyBytes(1, dict("'<f16'", "(4,)"), 64), true, layout.ErrUnsupported, "its layout depends on the platform that wrote it"},
	{"dtype: a size that depends on the platform", npyBytes(1, dict("'l'", "(4,)"), 32), true, layout.ErrUnsupported, "the file does not say which platform wrote it"},
	{"descr_to_dtype: a tuple is a sub-array of the whole", npyBytes(1, dict("('<f8', (2,))", "(2,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: of shape () is its format", npyBytes(1, dict("('<f8', ())", "(4,)"), 32), true, ErrFormat, "NumPy writes the format itself; a tuple descr cannot be mapped as NumPy reads it"},
	{"descr_to_dtype: no other literal", npyBytes(1, dict("None", "(4,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: no dict", npyBytes(1, dict("{'a': '<f8'}", "(4,)"), 32), false, ErrFormat, ""},

	// descr_to_dtype: a list of fields.
	{"descr_to_dtype: fields of two", npyBytes(1, dict("[('a', '<f8')]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: or three", npyBytes(1, dict("[('a', '<f8', (2,))]", "(2,)"), 32), true, nil, ""},
	{"descr_to_dtype: not one", npyBytes(1, dict("[('a',)]", "(4,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: not four", npyBytes(1, dict("[('a', '<f8', 2, 3)]", "(4,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: a field may be a list", npyBytes(1, dict("[['a', '<f8']]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: no fields", npyBytes(1, dict("[]", "(4,)"), 0), true, nil, ""},
	{"descr_to_dtype: unnamed void is padding", npyBytes(1, dict("[('', '|V4'), ('a', '<i4')]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: an unnamed sub-array is padding", npyBytes(1, dict("[('', '<i2', (2,)), ('a', '<i4')]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: an unnamed number is a field", npyBytes(1, dict("[('', '<f8')]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: an unnamed record is a field", npyBytes(1, dict("[('', [('x', '<f8')])]", "(4,)"), 32), true, nil, ""},
	{"dtype: names are unique", npyBytes(1, dict("[('a', '<f8'), ('a', '<i8')]", "(2,)"), 32), false, ErrFormat, ""},
	{"dtype: unnamed fields too", npyBytes(1, dict("[('', '<i4'), ('', '<i4')]", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: names are strings", npyBytes(1, dict("[(1, '<f8')]", "(4,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: a (title, name) pair", npyBytes(1, dict("[(('T', 'a'), '<f8')]", "(4,)"), 32), true, nil, ""},
	{"descr_to_dtype: a pair, not three", npyBytes(1, dict("[(('T', 'a', 'b'), '<f8')]", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: a title of None is none", npyBytes(1, dict("[((None, 'a'), '<f8')]", "(4,)"), 32), true, nil, ""},
	{"dtype: titles are unique among names and titles", npyBytes(1, dict("[('a', '<f8'), (('a', 'b'), '<i8')]", "(2,)"), 32), false, ErrFormat, ""},
	{"dtype: a title that is not a string", npyBytes(1, dict("[((1, 'a'), '<f8')]", "(4,)"), 32), true, ErrFormat, "a title is text; NumPy writes no other"},
	{"dtype: an empty title", npyBytes(1, dict("[(('', 'a'), '<f8')]", "(4,)"), 32), true, ErrFormat, "an empty title cannot be told from no title"},
	{"descr_to_dtype: a titled void without a name", npyBytes(1, dict("[(('T', ''), '|V8')]", "(4,)"), 32), true, ErrFormat, "written back, it would be read as padding"},
	{"descr_to_dtype: a sub-array shape may be an int", npyBytes(1, dict("[('a', '<f8', 2)]", "(2,)"), 32), true, nil, ""},
	{"descr_to_dtype: or a list", npyBytes(1, dict("[('a', '<f8', [2])]", "(2,)"), 32), true, nil, ""},
	{"descr_to_dtype: 1 is a scalar", npyBytes(1, dict("[('a', '<f8', 1)]", "(4,)"), 32), true, nil, ""},
	{"dtype: no negative sub-array dimension", npyBytes(1, dict("[('a', '<f8', (-1,))]", "(4,)"), 32), false, ErrFormat, ""},
	{"dtype: no bool sub-array dimension", npyBytes(1, dict("[('a', '<f8', (True,))]", "(4,)"), 32), false, ErrFormat, ""},
	{"descr_to_dtype: a sub-array of sub-arrays", npyBytes(1, dict("[('c', ('<f8', (5,)), (2,))]", "(1,)"), 80), true, nil, ""},
	{"descr_to_dtype: of records", npyBytes(1, dict("[('c', ([('x', '<i2')], (3,)), (2,))]", "(1,)"), 12), true, nil, ""},
	{"descr_to_dtype: a sub-array format is a pair", npyBytes(1, dict("[('c', ['<f8', (5,)])]", "(1,)"), 40), false, ErrFormat, ""},
	{"descr_to_dtype: whose third item is ignored", npyBytes(1, dict("[('c', ('<f8', (5,), 1))]", "(1,)"), 40), true, ErrFormat, "a mistake in the file; no writer writes it"},

	// read_array.
	{"read_array: no objects", npyBytes(1, dict("'|O'", "(4,)"), 32), false, layout.ErrUnsupported, ""},
	{"read_array: not in records either", npyBytes(1, dict("[('a', '<f8'), ('o', '|O')]", "(2,)"), 32), false, layout.ErrUnsupported, ""},
	{"read_array: the data is all there", npyBytes(1, dict("'<f8'", "(4,)"), 31), false, ErrFormat, ""},
	{"read_array: bytes after it are ignored", npyBytes(1, dict("'<f8'", "(4,)"), 100), true, nil, ""},
	{"read_array: Fortran order", npyBytes(1, "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }", 12), true, nil, ""},
}

// negative is why ndmap refuses a negative dimension.
const negative = "NumPy reads it only from a file on disk, where numpy.fromfile reads every item and " +
	"the negative dimension is then inferred; with mmap_mode, from a stream or from an .npz member " +
	"NumPy refuses it"

// TestNumPyRuleTable reads each file of numpyRules as the table says.
func TestNumPyRuleTable(t *testing.T) {
	for _, r := range numpyRules {
		if !r.numpy && r.err == nil {
			t.Errorf("%s: NumPy refuses the file, and the table has ndmap read it", r.rule)
		}
		if r.numpy && r.err != nil && r.why == "" {
			t.Errorf("%s: ndmap refuses what NumPy reads, and the table does not say why", r.rule)
		}
		h, err := Read(bytes.NewReader(r.file), int64(len(r.file)))
		switch {
		case r.err == nil && err != nil:
			t.Errorf("%s: Read = %v, want the header", r.rule, err)
		case r.err != nil && !errors.Is(err, r.err):
			t.Errorf("%s: Read = %+v, %v, want an error wrapping %v", r.rule, h, err, r.err)
		case err != nil && (!strings.HasPrefix(err.Error(), "header: ") || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s: error %q is not one line starting with the package name", r.rule, err)
		}
	}
}

// numpyLoad loads each file with np.load as NumPy 1.24 reads it by default
// and prints, for each, the outcome: the descr NumPy would write and the
// shape, or the exception.
const numpyLoad = `
import json, sys, warnings
import numpy as np
from numpy.lib import format
warnings.simplefilter("ignore")
out = []
for p in sys.argv[1:]:
    try:
        a = np.load(p)
        out.append({"ok": True, "descr": repr(format.dtype_to_descr(a.dtype)), "shape": list(a.shape)})
    except Exception as e:
        out.append({"ok": False, "error": "%s: %s" % (type(e).__name__, str(e)[:200])})
json.dump(out, sys.stdout)
`

// TestNumPyRules loads each file of numpyRules with NumPy: NumPy reads it or
// refuses it as the table says, and where both read it they agree on the
// dtype and shape.
func TestNumPyRules(t *testing.T) {
	py := requireNumPy(t)
	dir := t.TempDir()
	var paths []string
	for i, r := range numpyRules {
		p := filepath.Join(dir, fmt.Sprintf("rule%03d.npy", i))
		if err := os.WriteFile(p, r.file, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	got := runPython[[]struct {
		OK    bool
		Descr string
		Shape []int
		Error string
	}](t, py, numpyLoad, paths...)
	if len(got) != len(numpyRules) {
		t.Fatalf("NumPy reported %d files, want %d", len(got), len(numpyRules))
	}
	for i, r := range numpyRules {
		g := got[i]
		if g.OK != r.numpy {
			t.Errorf("%s: NumPy reads it: %v (%s), the table says %v", r.rule, g.OK, g.Error, r.numpy)
			continue
		}
		if !g.OK || r.err != nil {
			continue
		}
		h, err := Read(bytes.NewReader(r.file), int64(len(r.file)))
		if err != nil {
			continue // TestNumPyRuleTable reports it
		}
		shape := h.Shape
		if shape == nil {
			shape = []int{}
		}
		if d := mustDescr(t, h.DType); d != g.Descr || fmt.Sprint(shape) != fmt.Sprint(g.Shape) {
			t.Errorf("%s: we read %s %v, NumPy %s %v", r.rule, d, shape, g.Descr, g.Shape)
		}
	}
}

// runPython runs a script with the arguments and decodes the JSON it prints.
func runPython[T any](t *testing.T, py, script string, args ...string) T {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	var v T
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("python printed %.200q: %v", out, err)
	}
	return v
}

// typeStrings returns spellings of one dtype to try: every name and code
// NumPy or this module knows (and a few neither knows), with each byte
// order and each of a few suffixes.
func typeStrings() []string {
	bases := []string{
		"bool", "bool_", "bool8", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"byte", "ubyte", "short", "ushort", "intc", "uintc", "longlong", "ulonglong", "float16", "float32",
		"float64", "half", "single", "double", "float", "complex64", "complex128", "csingle", "cdouble",
		"complex", "bytes", "bytes_", "string_", "str", "str_", "unicode", "void", "datetime64",
		"timedelta64", "ulong", "long", "int", "uint", "float_", "complex_", "object", "object_", "unicode_",
		"Float64", "int128", "a", "S", "U", "V", "M", "m", "b", "?", "c", "e", "f", "d", "g", "F", "D", "G",
		"h", "H", "i", "I", "l", "L", "q", "Q", "p", "P", "B", "O", "u", "x", "",
	}
	var out []string
	for _, b := range bases {
		for _, o := range []string{"", "<", ">", "=", "|"} {
			for _, s := range []string{"", "0", "1", "2", "3", "4", "8", "12", "16", "04", "+8", " ", "[us]", "8[us]", "8[2D]", "8[generic]", "8[0s]", "8[]", "4[us]"} {
				out = append(out, o+b+s)
			}
		}
	}
	return out
}

// numpyTypeStrings prints, for each argument, the descr NumPy writes for the
// dtype np.load would read from a header with that descr, or null.
const numpyTypeStrings = `
import json, sys, warnings
from numpy.lib import format
warnings.simplefilter("ignore")
out = []
for s in sys.argv[1:]:
    try:
        out.append(repr(format.dtype_to_descr(format.descr_to_dtype(s))))
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
`

// TestNumPyTypeStrings tries many spellings of a dtype in a descr: those
// ndmap reads NumPy reads too, as the same dtype. Those only NumPy reads are
// counted by the reason ndmap refuses them.
func TestNumPyTypeStrings(t *testing.T) {
	py := requireNumPy(t)
	strs := typeStrings()
	got := runPython[[]*string](t, py, numpyTypeStrings, strs...)
	if len(got) != len(strs) {
		t.Fatalf("NumPy reported %d strings, want %d", len(got), len(strs))
	}
	refused := map[string]int{}
	for i, s := range strs {
		d, err := layout.ParseDescr(pylitQuote(s))
		switch {
		case err == nil && got[i] == nil && numpy1Names[strings.TrimLeft(s, "<>=|")]:
			// NumPy 2 dropped the name; NumPy 1 reads it as ndmap does.
		case err == nil && got[i] == nil:
			t.Errorf("%q: we read %v, NumPy refuses it", s, d)
		case err == nil && mustDescr(t, d) != *got[i]:
			t.Errorf("%q: we read %s, NumPy %s", s, mustDescr(t, d), *got[i])
		case err != nil && got[i] != nil:
			switch {
			case errors.Is(err, layout.ErrUnsupported):
				refused["unsupported: "+*got[i]]++
			case strings.Contains(s, "+"), strings.Contains(s, "[0s]"):
				refused["documented: "+s]++
			default:
				t.Errorf("%q: NumPy reads %s, we refuse it: %v", s, *got[i], err)
			}
		}
	}
	t.Logf("NumPy reads, ndmap refuses: %v", refused)
}

// numpy1Names are names of dtypes that NumPy 1 reads and NumPy 2 does not.
var numpy1Names = map[string]bool{
	"bool8": true, "float_": true, "complex_": true, "string_": true, "unicode": true, "unicode_": true,
	"bytes0": true, "str0": true, "void0": true,
}

// pylitQuote quotes s as a Python string literal; the spellings tried hold
// no quotes or backslashes.
func pylitQuote(s string) string { return "'" + s + "'" }
