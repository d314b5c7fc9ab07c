package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// zarrManifest is what zarr-python read from each store of
// testdata/zarr (see its gen.py).
type zarrManifest struct {
	Arrays []struct {
		Path   string            `json:"path"`
		DType  string            `json:"dtype"`
		Shape  []int             `json:"shape"`
		Chunks []int             `json:"chunks"`
		Attrs  map[string]any    `json:"attrs"`
		Values []json.RawMessage `json:"values"`
		Error  string            `json:"error"`
	} `json:"arrays"`
}

// sameOutput checks that two targets print the same under show, show
// --json and stats (with and without an axis): a lazy view (a shard set,
// a Zarr array) against the .npy file convert made of it, read through
// the mapping. The first line of show names the target and is left out.
func sameOutput(t *testing.T, got, want string, nd int) {
	t.Helper()
	body := func(s string) string { _, b, _ := strings.Cut(s, "\n"); return b }
	if g, w := body(ok(t, "show", got)), body(ok(t, "show", want)); g != w {
		t.Errorf("show %s:\n%s\nshow %s:\n%s", got, g, want, w)
	}
	if g, w := ok(t, "show", "--json", got), ok(t, "show", "--json", want); g != w {
		t.Errorf("show --json %s:\n%s\nshow --json %s:\n%s", got, g, want, w)
	}
	args := [][]string{{"stats", "--json"}}
	for k := range nd {
		args = append(args, []string{"stats", "--json", "--axis", strconv.Itoa(k)})
	}
	for _, a := range args {
		r := ndmap(t, append(a, got)...)
		w := ndmap(t, append(a, want)...)
		// The statistics of a file come from a pass over its view and
		// those of a set or store from a pass over their blocks: the
		// same sums, added in another order, may differ in the last bit.
		if r.code != w.code || !closeJSON(r.stdout, w.stdout) {
			t.Errorf("%q %s: exit %d\n%s%s\n%q %s: exit %d\n%s", a, got, r.code, r.stdout, r.stderr, a, want, w.code, w.stdout)
		}
	}
}

// closeJSON reports whether the JSON texts a and b hold the same values,
// numbers equal to within 1e-12 of their size (of 1, for numbers near 0,
// such as the mean of values that cancel).
func closeJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return closeValues(x, y)
}

func closeValues(x, y any) bool {
	switch x := x.(type) {
	case float64:
		y, ok := y.(float64)
		return ok && (x == y || math.Abs(x-y) <= 1e-12*max(math.Abs(x), math.Abs(y), 1))
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !closeValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !closeValues(v, y[k]) {
				return false
			}
		}
		return true
	}
	return x == y
}

// Every store zarr-python wrote shows the values zarr-python read, and
// selections of it print as the same selections of the .npy file convert
// makes of it; stores whose codec cannot be read are refused naming it.
func TestZarrFixtures(t *testing.T) {
	var m zarrManifest
	readJSON(t, "zarr/manifest.json", &m)
	dir := t.TempDir()
	for i, a := range m.Arrays {
		store := td("zarr/" + a.Path)
		t.Run(a.Path, func(t *testing.T) {
			if a.Error != "" {
				for _, args := range [][]string{{"show", store}, {"stats", store}, {"convert", store, filepath.Join(dir, "x.npy")}} {
					r := ndmap(t, args...)
					checkInputError(t, r, args, filepath.FromSlash(a.Path))
					if !strings.Contains(r.stderr, a.Error) {
						t.Errorf("%q: the error does not name %s:\n%s", args, a.Error, r.stderr)
					}
				}
				if out := ok(t, "info", store); !strings.Contains(out, a.Error+": not supported") {
					t.Errorf("info %s does not say %s is not supported:\n%s", a.Path, a.Error, out)
				}
				return
			}
			compareJSON(t, []string{store}, "'"+a.DType+"'", a.Shape, map[string]json.RawMessage{"": mustJSON(t, a.Values)})
			info := ok(t, "info", store)
			for _, w := range []string{"Zarr v2 array", "chunks     " + layout.FormatShape(a.Chunks), "shape      " + layout.FormatShape(a.Shape)} {
				if !strings.Contains(info, w) {
					t.Errorf("info %s does not say %q:\n%s", a.Path, w, info)
				}
			}
			if len(a.Attrs) > 0 {
				b, _ := json.Marshal(a.Attrs)
				if !strings.Contains(info, string(b)) {
					t.Errorf("info %s does not give the attributes %s:\n%s", a.Path, b, info)
				}
			}
			npy := filepath.Join(dir, fmt.Sprintf("z%d.npy", i))
			ok(t, "convert", store, npy)
			sameOutput(t, store, npy, len(a.Shape))
			for _, sel := range selections(a.Shape) {
				sameOutput(t, store+sel, npy+sel, 0)
			}
		})
	}
	out := ok(t, "info", td("zarr/stores/group.zarr"))
	for _, w := range []string{"Zarr v2 group", "x: <i8, shape (8,)", "sub/y: <f8, shape (3, 2)", `"title":"run 7"`} {
		if !strings.Contains(out, w) {
			t.Errorf("info of a group does not say %q:\n%s", w, out)
		}
	}
	args := []string{"show", td("zarr/stores/group.zarr")}
	r := ndmap(t, args...)
	checkInputError(t, r, args, "group.zarr")
	if !strings.Contains(r.stderr, "sub") || !strings.Contains(r.stderr, "x") {
		t.Errorf("show of a group does not name its arrays: %s", r.stderr)
	}
	if got, want := ok(t, "show", "--json", td("zarr/stores/group.zarr/sub/y")), ok(t, "show", "--json", filepath.Join(td("zarr/stores/group.zarr"), "sub", "y")); got != want {
		t.Errorf("an array of a group by its path: %s, want %s", got, want)
	}
}

// selections returns index brackets to try on an array of a shape:
// single positions, reversed and stepped ranges, and an ellipsis.
func selections(shape []int) []string {
	switch len(shape) {
	case 0:
		return []string{"[...]"}
	case 1:
		return []string{"[-1]", "[::-1]", "[1::3]", "[5:1:-2]", "[100:]"}
	}
	return []string{"[-1]", "[::-2]", "[1:, -1]", "[..., 1]", "[:, ::-2]", "[0][1:]", "[1:][::-1]"}
}

// shardSet writes a folder of .npy shards of uneven lengths, each of rows
// of the given trailing shape, and returns the folder and all the values
// in order.
func shardSet(t *testing.T, dir string, lengths []int, trailing ...int) (string, []float32) {
	t.Helper()
	folder := filepath.Join(dir, "shards")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	row := count(trailing)
	var all []float32
	for k, n := range lengths {
		data := make([]float32, n*row)
		for i := range data {
			data[i] = float32(1000*k + i)
		}
		all = append(all, data...)
		// Natural order: x_10 after x_9, whatever the bytes say.
		path := filepath.Join(folder, fmt.Sprintf("x_%d.npy", k))
		if err := array.Save(path, array.FromSlice(data, append([]int{n}, trailing...)...)); err != nil {
			t.Fatal(err)
		}
	}
	return folder, all
}

// A folder of shards, or a pattern, reads as the one array convert makes
// of it: values, selections across files, statistics per axis, and
// printing summarised as NumPy summarises.
func TestShardSet(t *testing.T) {
	dir := t.TempDir()
	lengths := []int{3, 4, 2, 5, 3, 3, 4, 3, 3, 3, 2, 1, 40}
	folder, all := shardSet(t, dir, lengths, 4, 5)
	total := 0
	for _, n := range lengths {
		total += n
	}
	j := showJSON(t, folder)
	if j.DType != "<f4" || !sameShape(j.Shape, []int{total, 4, 5}) {
		t.Fatalf("show --json: %s %v", j.DType, j.Shape)
	}
	got := map[string][]any{}
	flatten(j.Data, 3, float64DType, got)
	for i, x := range all {
		if !sameNumber(got[""][i], mustJSON(t, x)) {
			t.Fatalf("value %d: %v, want %v", i, got[""][i], x)
		}
	}
	npy := filepath.Join(dir, "all.npy")
	ok(t, "convert", folder, npy)
	if out := ok(t, "show", folder); !strings.Contains(out, "...") {
		t.Errorf("show of %d items is not summarised:\n%s", total*20, out)
	}
	sameOutput(t, folder, npy, 3)
	for _, sel := range append(selections([]int{total, 4, 5}), "[5:9, 1, ::2]", "[::-7, 0, 0]", "[3:7]", "[-1, -1]", "[2:60:5, :, 1:]") {
		sameOutput(t, folder+sel, npy+sel, 0)
	}
	// A pattern, with a character class, and an index after it.
	for _, pat := range []string{"x_1*.npy", "x_[0-2].npy"} {
		target := filepath.Join(folder, pat)
		var parts []string
		matches, _ := filepath.Glob(target)
		for _, m := range matches {
			parts = append(parts, strings.TrimSuffix(filepath.Base(m), ".npy"))
		}
		out := ok(t, "info", target)
		if !strings.Contains(out, fmt.Sprintf("shard set of %d files", len(matches))) {
			t.Errorf("info %s:\n%s", pat, out)
		}
		sameOutput(t, target+"[-1]", filepath.Join(folder, natLast(parts)+".npy")+"[-1]", 0)
	}
	// info lists the files of a long set by its ends.
	out := ok(t, "info", folder)
	for _, w := range []string{"shard set of 13 files", "shape   (76, 4, 5)", "x_0.npy: rows 0:3", "x_12.npy: rows 36:76", "... 3 more"} {
		if !strings.Contains(out, w) {
			t.Errorf("info does not say %q:\n%s", w, out)
		}
	}
	// convert to an archive and to a folder: one array, named after the
	// folder.
	ok(t, "convert", folder, filepath.Join(dir, "all.npz"))
	sameOutput(t, filepath.Join(dir, "all.npz")+":shards", npy, 0)
	ok(t, "convert", folder, filepath.Join(dir, "out")+string(filepath.Separator))
	sameOutput(t, filepath.Join(dir, "out", "shards.npy"), npy, 0)
}

// natLast returns the last of names in natural order.
func natLast(names []string) string {
	last := names[0]
	for _, n := range names[1:] {
		a, _ := strconv.Atoi(strings.TrimPrefix(n, "x_"))
		b, _ := strconv.Atoi(strings.TrimPrefix(last, "x_"))
		if a > b {
			last = n
		}
	}
	return last
}

// Shards of records are read a field at a time, sub-array fields adding
// their axes; raw shards are described by the raw flags.
func TestShardSetRecordsAndRaw(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "rec")
	os.MkdirAll(folder, 0o755)
	src := td("npy/struct_nested.npy")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		os.WriteFile(filepath.Join(folder, fmt.Sprintf("r%d.npy", k)), b, 0o644)
	}
	j := showJSON(t, src)
	n := j.Shape[0]
	one := map[string]json.RawMessage{}
	for _, f := range []string{"['grid']", "['meta']['a']"} {
		whole := showJSON(t, folder+f)
		part := showJSON(t, src+f)
		if whole.Shape[0] != 3*n || !sameShape(whole.Shape[1:], part.Shape[1:]) {
			t.Errorf("%s: shape %v, one file's %v", f, whole.Shape, part.Shape)
		}
		got, _ := json.Marshal(whole.Data.([]any)[2*n:])
		want, _ := json.Marshal(part.Data)
		if string(got) != string(want) {
			t.Errorf("%s of the last file: %s, want %s", f, got, want)
		}
		one[f] = want
	}
	if got := showJSON(t, folder+"['grid'][-1]"); mustRaw(got.Data) == nil {
		t.Errorf("no data")
	}
	args := []string{"show", folder + "['nope']"}
	checkInputError(t, ndmap(t, args...), args, "rec")

	// Raw shards: the shape's -1 is each file's length.
	raw := filepath.Join(dir, "raw")
	os.MkdirAll(raw, 0o755)
	var want []int16
	for k, n := range []int{4, 2, 3} {
		data := make([]int16, 3*n)
		for i := range data {
			data[i] = int16(100*k - i)
		}
		want = append(want, data...)
		if err := array.SaveRaw(filepath.Join(raw, fmt.Sprintf("seg%d.bin", k)), array.FromSlice(data)); err != nil {
			t.Fatal(err)
		}
	}
	r := showJSON(t, "--dtype", "<i2", "--shape", "-1,3", raw)
	got, _ := json.Marshal(r.Data)
	var flat []int16
	for _, row := range r.Data.([]any) {
		for _, x := range row.([]any) {
			v, _ := strconv.Atoi(string(x.(json.Number)))
			flat = append(flat, int16(v))
		}
	}
	if fmt.Sprint(flat) != fmt.Sprint(want) || !sameShape(r.Shape, []int{9, 3}) {
		t.Errorf("raw shards: %v %s, want %v", r.Shape, got, want)
	}
	if out := ok(t, "info", "--dtype", "<i2", "--shape", "-1,3", raw); !strings.Contains(out, "shard set of 3 files") {
		t.Errorf("info of raw shards:\n%s", out)
	}
}

// A folder of unrelated arrays — what convert makes of an .npz archive —
// is not a shard set: info describes each file, and the other commands
// say to name one.
func TestFolderOfArrays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "savez") + string(filepath.Separator)
	ok(t, "convert", td("npz/savez.npz"), dir)
	out := ok(t, "info", dir)
	if !strings.Contains(out, "not one shard set") || strings.Count(out, ".npy version") < 2 {
		t.Errorf("info of a folder of unrelated arrays:\n%s", out)
	}
	for _, args := range [][]string{{"show", dir}, {"stats", dir}, {"refs", dir}} {
		r := ndmap(t, args...)
		checkInputError(t, r, args, "savez")
		if !strings.Contains(r.stderr, "name the file") {
			t.Errorf("%q: %s", args, r.stderr)
		}
	}
	// An empty folder and a pattern that matches nothing are errors too.
	empty := t.TempDir()
	for _, args := range [][]string{{"show", empty}, {"info", filepath.Join(empty, "*.npy")}} {
		checkInputError(t, ndmap(t, args...), args, filepath.Base(empty))
	}
}
