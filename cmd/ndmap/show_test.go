package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ndmap/ndmap/layout"
)

var showTests = []struct {
	target string
	want   string
}{
	{"npy/frames.npy[2]", `float32, shape (4, 3)
[[ 9.   9.5 10. ]
 [10.5 11.  11.5]
 [12.  12.5 13. ]
 [13.5 14.  14.5]]
`},
	{"npy/frames.npy[-1, 1:3, ::-1]", `float32, shape (2, 3)
[[23.5 23.  22.5]
 [25.  24.5 24. ]]
`},
	{"npy/frames.npy[..., 0][::2]", `float32, shape (3, 4)
[[-3.  -1.5  0.   1.5]
 [ 9.  10.5 12.  13.5]
 [21.  22.5 24.  25.5]]
`},
	{"npy/db.npy['time']", `int64, shape (4,)
[1600000000 1600000060 1600000120 1600000180]
`},
	{"npy/db.npy['value'][::-1]", `float32, shape (4,)
[ 1.0e+10      nan -2.5e-01  1.5e+00]
`},
	{`npy/db.npy[1]`, `{name: S12, time: int64, value: float32}, shape ()
(b'beta', 1600000060, -0.25)
`},
	{`npy/struct_nested.npy["meta"]['a']`, `int16, shape (2,)
[ -1 300]
`},
	{"npy/struct_nested.npy['meta']['b'][1]", `uint8, shape (2, 2)
[[254 255]
 [  0   1]]
`},
	{"npz/savez.npz:arr_1", `float64, shape (2, 2)
[[ 1.5  nan]
 [-inf  0.1]]
`},
	{"npz/savez_compressed.npz:y.npy[::-1]", `bool, shape (3,)
[ True False  True]
`},
	{"npy/f8_0d.npy", `float64, shape ()
3.25
`},
	{"npy/i2_3x0.npy", `int16, shape (3, 0)
[]
`},
	{"npy/U3_be.npy", `>U3, shape (5,)
['a' 'été' '' 'α' 'xyz']
`},
	{"npy/m8_10s.npy", `timedelta64[10s], shape (5,)
[    0     1    -3  1000 'NaT']
`},
}

func TestShow(t *testing.T) {
	for _, tt := range showTests {
		t.Run(tt.target, func(t *testing.T) {
			target := td(tt.target)
			got := ok(t, "show", target)
			want := target + "  " + tt.want
			if got != want {
				t.Errorf("show %s:\n%s\nwant:\n%s", target, got, want)
			}
		})
	}
}

// Flags may follow the target as well as precede it.
func TestFlagsAfterArguments(t *testing.T) {
	a := ok(t, "show", "--json", td("npy/frames.npy[1]"))
	b := ok(t, "show", td("npy/frames.npy[1]"), "--json")
	if a != b || !strings.HasPrefix(a, "{") {
		t.Errorf("flags before and after differ:\n%s\n%s", a, b)
	}
	c := ok(t, "info", td("raw/frames.f32"), "--dtype", "<f4", "--shape=-1,4,3")
	if !strings.Contains(c, "(5, 4, 3)") {
		t.Errorf("info with flags last:\n%s", c)
	}
}

// Summarising: over 1000 items, three at each end of every axis.
func TestShowSummary(t *testing.T) {
	dir := t.TempDir()
	// A raw file of 2000 float64 values 0, 1.5, 3, ...
	buf := new(bytes.Buffer)
	for i := range 2000 {
		var b [8]byte
		bits := math.Float64bits(float64(i) * 1.5)
		for k := range 8 {
			b[k] = byte(bits >> (8 * k))
		}
		buf.Write(b[:])
	}
	path := dir + "/big.f8"
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ok(t, "show", "--dtype", "<f8", path)
	want := path + `  float64, shape (2000,)
[0.0000e+00 1.5000e+00 3.0000e+00 ... 2.9955e+03 2.9970e+03 2.9985e+03]
`
	if got != want {
		t.Errorf("show:\n%s\nwant:\n%s", got, want)
	}
	got = ok(t, "show", "--dtype", "<f8", "--shape", "20,100", path+"[:, 1:]")
	want = path + `[:, 1:]  float64, shape (20, 99)
[[1.5000e+00 3.0000e+00 4.5000e+00 ... 1.4550e+02 1.4700e+02 1.4850e+02]
 [1.5150e+02 1.5300e+02 1.5450e+02 ... 2.9550e+02 2.9700e+02 2.9850e+02]
 [3.0150e+02 3.0300e+02 3.0450e+02 ... 4.4550e+02 4.4700e+02 4.4850e+02]
 ...
 [2.5515e+03 2.5530e+03 2.5545e+03 ... 2.6955e+03 2.6970e+03 2.6985e+03]
 [2.7015e+03 2.7030e+03 2.7045e+03 ... 2.8455e+03 2.8470e+03 2.8485e+03]
 [2.8515e+03 2.8530e+03 2.8545e+03 ... 2.9955e+03 2.9970e+03 2.9985e+03]]
`
	if got != want {
		t.Errorf("show:\n%s\nwant:\n%s", got, want)
	}
}

// jsonOutput is what show --json prints.
type jsonOutput struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Data  any    `json:"data"`
}

func showJSON(t *testing.T, args ...string) jsonOutput {
	t.Helper()
	out := ok(t, append([]string{"show", "--json"}, args...)...)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var j jsonOutput
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("show --json %q: %v\n%s", args, err, out)
	}
	if dec.More() {
		t.Fatalf("show --json %q: more than one JSON value", args)
	}
	return j
}

// flatten collects the leaves of data, an array nested as shape says, per
// field path in C order, sub-array axes trailing: the manifest's layout.
func flatten(data any, nd int, dt layout.DType, into map[string][]any) {
	if nd > 0 {
		for _, x := range data.([]any) {
			flatten(x, nd-1, dt, into)
		}
		return
	}
	flattenItem(data, dt, "", into)
}

func flattenItem(x any, dt layout.DType, path string, into map[string][]any) {
	if dt.Kind != layout.Struct {
		if dt.Kind == layout.Complex {
			into[path] = append(into[path], x)
			return
		}
		into[path] = append(into[path], x)
		return
	}
	obj := x.(map[string]any)
	for _, f := range dt.Fields {
		p := f.Name
		if path != "" {
			p = path + "." + f.Name
		}
		var walk func(v any, nd int)
		walk = func(v any, nd int) {
			if nd == 0 {
				flattenItem(v, f.Type, p, into)
				return
			}
			for _, e := range v.([]any) {
				walk(e, nd-1)
			}
		}
		walk(obj[f.Name], len(f.Shape))
	}
}

// leafType returns the dtype of the leaves at a manifest path.
func leafType(t *testing.T, dt layout.DType, path string) layout.DType {
	if path == "" {
		return dt
	}
	f, ok := dt.Field(path)
	if !ok {
		t.Fatalf("no field %q in %s", path, dt)
	}
	return f.Type
}

// sameValue compares one leaf of show --json with the manifest's encoding
// of it (gen.py's docstring).
func sameValue(dt layout.DType, got any, want json.RawMessage) bool {
	switch dt.Kind {
	case layout.Float:
		var w string
		if json.Unmarshal(want, &w) != nil {
			return false
		}
		return sameFloat(dt, got, w)
	case layout.Complex:
		var w [2]string
		g, ok := got.([]any)
		if json.Unmarshal(want, &w) != nil || !ok || len(g) != 2 {
			return false
		}
		half := layout.DType{Kind: layout.Float, Order: dt.Order, Size: dt.Size / 2}
		return sameFloat(half, g[0], w[0]) && sameFloat(half, g[1], w[1])
	case layout.Int, layout.Uint, layout.Datetime, layout.Timedelta:
		g, ok := got.(json.Number)
		return ok && string(g) == strings.TrimSpace(string(want))
	}
	// bool, strings, void: the same JSON value.
	var w any
	if json.Unmarshal(want, &w) != nil {
		return false
	}
	return cmp.Equal(got, w)
}

func sameFloat(dt layout.DType, got any, want string) bool {
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		return false
	}
	var g float64
	switch v := got.(type) {
	case json.Number:
		if g, err = strconv.ParseFloat(string(v), 64); err != nil {
			return false
		}
	case string:
		if v != "nan" && v != "inf" && v != "-inf" {
			return false
		}
		g, _ = strconv.ParseFloat(v, 64)
	default:
		return false
	}
	if math.IsNaN(w) || math.IsNaN(g) {
		return math.IsNaN(w) && math.IsNaN(g)
	}
	if dt.Size <= 4 {
		return float32(g) == float32(w)
	}
	return g == w
}

// compareJSON checks show --json of one fixture against the manifest.
func compareJSON(t *testing.T, args []string, descr string, shape []int, values map[string]json.RawMessage) {
	t.Helper()
	dt, err := layout.ParseDescr(descr)
	if err != nil {
		t.Fatalf("manifest descr %s: %v", descr, err)
	}
	j := showJSON(t, args...)
	wantDescr, _ := dt.Descr()
	if n := len(wantDescr); wantDescr[0] == '\'' {
		wantDescr = wantDescr[1 : n-1]
	}
	if j.DType != wantDescr {
		t.Errorf("%q: dtype %q, want %q", args, j.DType, wantDescr)
	}
	if !cmp.Equal(j.Shape, shape, cmp.Comparer(func(a, b []int) bool { return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b)) })) {
		t.Errorf("%q: shape %v, want %v", args, j.Shape, shape)
	}
	got := map[string][]any{}
	if count(shape) > 0 {
		flatten(j.Data, len(shape), dt, got)
	}
	for path, raw := range values {
		var want []json.RawMessage
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		g := got[path]
		if len(g) != len(want) {
			t.Errorf("%q field %q: %d values, want %d", args, path, len(g), len(want))
			continue
		}
		lt := leafType(t, dt, path)
		for i := range want {
			if !sameValue(lt, g[i], want[i]) {
				t.Errorf("%q field %q [%d]: %v, want %s", args, path, i, g[i], want[i])
			}
		}
	}
}

func TestShowJSONManifest(t *testing.T) {
	m := readManifest(t)
	for _, e := range m.NPY {
		if e.Raw {
			continue
		}
		name := e.File
		if e.Member != "" {
			name += ":" + e.Member
		}
		t.Run(name, func(t *testing.T) {
			// NumPy itself needs max_header_size raised for the header of
			// thousands of fields.
			compareJSON(t, []string{"--max-header-len", "100000", fixtureTarget(e.File, e.Member)}, e.Descr, e.Shape, e.Values)
		})
	}
	for _, e := range m.Raw {
		t.Run(e.File, func(t *testing.T) {
			compareJSON(t, append(rawArgs(t, e.Kind, e.Descr, e.Header, e.Request, e.Offset), td(e.File)), e.Descr, e.Shape, e.Values)
		})
	}
}

// rawArgs returns the flags that describe a raw fixture of the manifest.
func rawArgs(t *testing.T, kind, descr, hdr string, request []int, offset int64) []string {
	args := []string{"--dtype", descr, "--offset", strconv.FormatInt(offset, 10)}
	if kind == "record" {
		h, err := layout.ParseDescr(hdr)
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, f := range h.Fields {
			fields = append(fields, f.Name+":"+f.Type.TypeString())
		}
		return append(args, "--header-record", strings.Join(fields, ","))
	}
	if request != nil {
		var dims []string
		for _, d := range request {
			dims = append(dims, strconv.Itoa(d))
		}
		args = append(args, "--shape", strings.Join(dims, ","))
	}
	return args
}

// JSON of selections: the values NumPy gives for the same index.
func TestShowJSONIndex(t *testing.T) {
	tests := []struct {
		target string
		want   string
	}{
		{"npy/db.npy['value'][::-1]", `{"dtype": "<f4", "shape": [4], "data": [1e+10, "nan", -0.25, 1.5]}`},
		{"npy/db.npy[0]", `{"dtype": "[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]", "shape": [], "data": {"name": "alpha", "time": 1600000000, "value": 1.5}}`},
		{"npy/c8_be.npy[1:]", `{"dtype": ">c8", "shape": [2], "data": [[-0.5, -0.25], ["inf", "nan"]]}`},
		{"npy/f4_fortran_2x3x4.npy[1, :, 0]", `{"dtype": "<f4", "shape": [3], "data": [6.5, 10.5, 14.5]}`},
		{"npy/V4.npy[-1]", `{"dtype": "|V4", "shape": [], "data": "fffe0000"}`},
	}
	for _, tt := range tests {
		got := strings.TrimSpace(ok(t, "show", "--json", td(tt.target)))
		if got != tt.want {
			t.Errorf("show --json %s:\n%s\nwant:\n%s", tt.target, got, tt.want)
		}
	}
}

// haveNumPy reports whether NumPy can be run; under CI it must be.
func haveNumPy(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		// CI runs the tests as Windows programs too, under Wine, which has
		// no Python: NumPy is required of the Unix run alone.
		if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
			t.Fatalf("CI=true but /usr/bin/python3 cannot import numpy: %v", err)
		}
		t.Skip("no /usr/bin/python3 with NumPy")
	}
}

func python(t *testing.T, code string, args ...string) string {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", append([]string{"-c", code}, args...)...).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	return string(out)
}

// pythonEach runs code once for every input, in one Python process (whose
// start, with NumPy's import, costs more than the work): code reads the
// variable x, a JSON value, and prints. It returns what each printed.
func pythonEach(t *testing.T, code string, inputs []any) []string {
	t.Helper()
	driver := `import contextlib, io, json, sys
import numpy as np
code = compile(sys.argv[1], "case", "exec")
out = []
for x in json.load(sys.stdin):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {"np": np, "json": json, "x": x})
    out.append(buf.getvalue())
json.dump(out, sys.stdout)`
	in, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", driver, code)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	var res []string
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(inputs) {
		t.Fatalf("python printed %d results for %d inputs: %v", len(res), len(inputs), err)
	}
	return res
}

// Printing matches NumPy's print() for every fixture, and selections of
// them, character for character.
func TestShowAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	m := readManifest(t)
	type tc struct{ target, expr string }
	var cases []tc
	for _, e := range m.NPY {
		if e.Raw || strings.Contains(e.File, "fields_3445") {
			continue
		}
		if e.Member != "" {
			cases = append(cases, tc{fixtureTarget(e.File, e.Member), "np.load(" + strconv.Quote(td(e.File)) + ")[" + strconv.Quote(e.Member) + "]"})
			continue
		}
		cases = append(cases, tc{td(e.File), "np.load(" + strconv.Quote(td(e.File)) + ")"})
	}
	for _, sel := range []string{"[2]", "[::-1, 1]", "[1:, ::2, -1]", "[..., 1:]", "[1, 2, 0]", "[-1, -1, -1]"} {
		cases = append(cases, tc{td("npy/frames.npy") + sel, "np.load(" + strconv.Quote(td("npy/frames.npy")) + ")" + sel})
	}
	cases = append(cases,
		tc{td("npy/channels.npy") + "[:, 3]", "np.load(" + strconv.Quote(td("npy/channels.npy")) + ")[:, 3]"},
		tc{td("npy/db.npy") + "['value']", "np.load(" + strconv.Quote(td("npy/db.npy")) + ")['value']"},
		tc{td("npy/struct_nested.npy") + "['grid']", "np.load(" + strconv.Quote(td("npy/struct_nested.npy")) + ")['grid']"})
	exprs := make([]any, len(cases))
	for i, c := range cases {
		exprs[i] = c.expr
	}
	prints := pythonEach(t, "print(eval(x))", exprs)
	for i, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			out := ok(t, "show", c.target)
			_, got, _ := strings.Cut(out, "\n")
			if want := prints[i]; got != want {
				t.Errorf("show %s:\n%s\nNumPy prints:\n%s", c.target, got, want)
			}
		})
	}
}

// JSON output equals what Python's json module makes of NumPy's values,
// for arrays of plain numbers.
func TestShowJSONAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	code := `file, idx = x
a = np.load(file)[tuple(eval(idx))] if idx else np.load(file)
print(json.dumps(a.tolist()))`
	cases := []struct{ file, idx, sel string }{
		{"npy/frames.npy", "(1,)", "[1]"},
		{"npy/i4_be_2x3.npy", "", ""},
		{"npy/channels.npy", "(slice(None, None, 2), 1)", "[::2, 1]"},
		{"npy/b1.npy", "", ""},
		{"npy/noncontiguous.npy", "", ""},
	}
	inputs := make([]any, len(cases))
	for i, c := range cases {
		inputs[i] = []string{td(c.file), c.idx}
	}
	wants := pythonEach(t, code, inputs)
	for i, c := range cases {
		want := wants[i]
		var w, g any
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatalf("%s: NumPy's JSON: %v", c.file, err)
		}
		j := showJSON(t, td(c.file)+c.sel)
		b, _ := json.Marshal(j.Data)
		json.Unmarshal(b, &g)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("show --json %s%s differs from NumPy (-numpy +ndmap):\n%s", c.file, c.sel, diff)
		}
	}
}

// Strings keep every code point NumPy's str holds, lone surrogates too:
// show --json writes them as Python's json module does, byte for byte.
func TestShowJSONStringsAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	// Python's json writes a lone surrogate as its escape only with
	// ensure_ascii, which escapes everything else too: escape them alone.
	code := `s = json.dumps(np.load(x).tolist(), ensure_ascii=False)
print("".join("\\u%04x" % ord(c) if 0xd800 <= ord(c) < 0xe000 else c for c in s), end="")`
	files := []string{"npy/U_surrogate.npy", "npy/U3_le.npy", "npy/U3_be.npy"}
	inputs := make([]any, len(files))
	for i, f := range files {
		inputs[i] = td(f)
	}
	wants := pythonEach(t, code, inputs)
	for i, f := range files {
		out := ok(t, "show", "--json", td(f))
		_, data, _ := strings.Cut(out, `"data": `)
		data = strings.TrimSuffix(data, "}\n")
		if data != wants[i] {
			t.Errorf("show --json %s: data %s, Python's json writes %s", f, data, wants[i])
		}
	}
	if want := `\ud805`; !strings.Contains(wants[0], want) {
		t.Errorf("the fixture's first string %s lacks %s", wants[0], want)
	}
}
