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
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/layout"
)

// statsJSON is one object of stats --json.
type statsJSON struct {
	Count int64 `json:"count"`
	NaN   int64 `json:"nan"`
	Min   any   `json:"min"`
	Max   any   `json:"max"`
	Mean  any   `json:"mean"`
	Std   any   `json:"std"`
}

// want computes what NumPy's nanmin, nanmax, nanmean and nanstd give, in
// two plain passes.
func wantStats(xs []float64) statsJSON {
	var s statsJSON
	var vals []float64
	for _, x := range xs {
		if math.IsNaN(x) {
			s.NaN++
			continue
		}
		vals = append(vals, x)
	}
	s.Count = int64(len(vals))
	if len(vals) == 0 {
		return s
	}
	mn, mx, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, x := range vals {
		mn, mx, sum = min(mn, x), max(mx, x), sum+x
	}
	mean := sum / float64(len(vals))
	ss := 0.0
	for _, x := range vals {
		ss += (x - mean) * (x - mean)
	}
	s.Min, s.Max, s.Mean, s.Std = mn, mx, mean, math.Sqrt(ss/float64(len(vals)))
	return s
}

// jsonFloat reads a statistic of stats --json: a number, or "nan", "inf",
// "-inf".
func jsonFloat(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("statistic %q", x)
		}
		return f
	}
	t.Fatalf("statistic %v (%T)", v, v)
	return 0
}

func near(a, b float64) bool {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.IsNaN(a) && math.IsNaN(b)
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b
	}
	return math.Abs(a-b) <= 1e-12*max(1, math.Abs(b))
}

func checkStats(t *testing.T, label string, got, want statsJSON) {
	t.Helper()
	if got.Count != want.Count || got.NaN != want.NaN {
		t.Errorf("%s: count %d nan %d, want %d and %d", label, got.Count, got.NaN, want.Count, want.NaN)
	}
	if want.Count == 0 {
		if got.Min != nil || got.Max != nil || got.Mean != nil || got.Std != nil {
			t.Errorf("%s: statistics of nothing are %v, want null", label, got)
		}
		return
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{{"min", got.Min, want.Min}, {"max", got.Max, want.Max}, {"mean", got.Mean, want.Mean}, {"std", got.Std, want.Std}} {
		if g, w := jsonFloat(t, c.got), c.want.(float64); !near(g, w) {
			t.Errorf("%s: %s %v, want %v", label, c.name, g, w)
		}
	}
}

// manifestNumbers reads the manifest's values of a numeric field as float64.
func manifestNumbers(t *testing.T, raw json.RawMessage) []float64 {
	var vs []any
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case float64:
			xs[i] = x
		case bool:
			if x {
				xs[i] = 1
			}
		case string:
			f, err := strconv.ParseFloat(x, 64)
			if err != nil {
				t.Fatal(err)
			}
			xs[i] = f
		}
	}
	return xs
}

// Every numeric fixture, and every numeric field of the record ones.
func TestStatsManifest(t *testing.T) {
	m := readManifest(t)
	for _, e := range m.NPY {
		if e.Raw || strings.Contains(e.File, "fields_3445") {
			continue
		}
		dt, err := layout.ParseDescr(e.Descr)
		if err != nil {
			t.Fatal(err)
		}
		for path, raw := range e.Values {
			lt := leafType(t, dt, path)
			switch lt.Kind {
			case layout.Bool, layout.Int, layout.Uint, layout.Float:
			default:
				continue
			}
			target := fixtureTarget(e.File, e.Member)
			if path != "" {
				if strings.Contains(path, ".") {
					continue // sub-fields are reached with several brackets; see TestStatsSelections
				}
				target += "['" + path + "']"
			}
			t.Run(target, func(t *testing.T) {
				var got statsJSON
				if err := json.Unmarshal([]byte(ok(t, "stats", "--json", target)), &got); err != nil {
					t.Fatal(err)
				}
				checkStats(t, target, got, wantStats(manifestNumbers(t, raw)))
			})
		}
	}
}

// Per-index statistics of one axis, against the manifest's values.
func TestStatsAxis(t *testing.T) {
	m := readManifest(t)
	for _, c := range []struct {
		file string
		axis int
	}{
		{"npy/channels.npy", 1}, {"npy/channels.npy", 0}, {"npy/channels.npy", -1},
		{"npy/frames.npy", 1}, {"npy/f4_fortran_2x3x4.npy", 2}, {"npy/i2_3x0.npy", 0},
	} {
		var xs []float64
		var shape []int
		for _, e := range m.NPY {
			if e.File == c.file {
				xs, shape = manifestNumbers(t, e.Values[""]), e.Shape
			}
		}
		ax := c.axis
		if ax < 0 {
			ax += len(shape)
		}
		inner := count(shape[ax+1:])
		groups := make([][]float64, shape[ax])
		for i, x := range xs {
			g := (i / inner) % shape[ax]
			groups[g] = append(groups[g], x)
		}
		out := ok(t, "stats", "--json", "--axis", strconv.Itoa(c.axis), td(c.file))
		var got struct {
			Axis  int         `json:"axis"`
			Stats []statsJSON `json:"stats"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Axis != ax || len(got.Stats) != len(groups) {
			t.Fatalf("%s axis %d: axis %d with %d entries, want %d with %d", c.file, c.axis, got.Axis, len(got.Stats), ax, len(groups))
		}
		for i, g := range groups {
			checkStats(t, c.file+" index "+strconv.Itoa(i), got.Stats[i], wantStats(g))
		}
	}
}

func TestStatsSelections(t *testing.T) {
	for _, c := range []struct {
		target string
		want   []float64
	}{
		{"npy/struct_nested.npy['meta']['b']", []float64{250, 251, 252, 253, 254, 255, 0, 1}},
		{"npy/frames.npy[2, 1:3, ::2]", []float64{10.5, 11.5, 12, 13}},
		{"npy/db.npy['value'][:2]", []float64{1.5, -0.25}},
	} {
		var got statsJSON
		if err := json.Unmarshal([]byte(ok(t, "stats", "--json", td(c.target))), &got); err != nil {
			t.Fatal(err)
		}
		checkStats(t, c.target, got, wantStats(c.want))
	}
}

// The text form: a readable table.
func TestStatsText(t *testing.T) {
	got := ok(t, "stats", td("npy/channels.npy"), "--axis", "1")
	want := td("npy/channels.npy") + `  float64, shape (10, 8), per index of axis 1
index  count  nan  min     max    mean         std
0      10     0    -4      5      0.5          2.872281323
1      10     0    -3.875  5.125  0.625        2.872281323
2      10     0    -3.75   5.25   0.75         2.872281323
3      9      1    -3.625  5.375  1.041666667  2.98142397
4      10     0    -3.5    5.5    1            2.872281323
5      10     0    -3.375  5.625  1.125        2.872281323
6      10     0    -3.25   5.75   1.25         2.872281323
7      10     0    -inf    4.875  -inf         nan
`
	if got != want {
		t.Errorf("stats:\n%s\nwant:\n%s", got, want)
	}
}

// Statistics of a NumPy array against NumPy itself, over a file large
// enough to be read in many chunks.
func TestStatsAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	if testing.Short() {
		t.Skip("-short")
	}
	path := t.TempDir() + "/big.npy"
	python(t, `import numpy as np, sys
a = np.sin(np.arange(300000, dtype='<f4').reshape(1000, 300)) * 1000
a[5, 7] = np.nan
np.save(sys.argv[1], a.astype('>f4'))`, path)
	want := python(t, `import numpy as np, sys, json
a = np.load(sys.argv[1]).astype('f8')
print(json.dumps([dict(count=int(np.count_nonzero(~np.isnan(c))), nan=int(np.isnan(c).sum()), min=float(np.nanmin(c)), max=float(np.nanmax(c)), mean=float(np.nanmean(c)), std=float(np.nanstd(c))) for c in [a] + list(a.T)]))`, path)
	var w []statsJSON
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	var whole statsJSON
	json.Unmarshal([]byte(ok(t, "stats", "--json", path)), &whole)
	checkStatsNear(t, "whole", whole, w[0])
	var per struct{ Stats []statsJSON }
	json.Unmarshal([]byte(ok(t, "stats", "--json", "--axis", "1", path)), &per)
	if len(per.Stats) != 300 {
		t.Fatalf("%d entries, want 300", len(per.Stats))
	}
	for i, s := range per.Stats {
		checkStatsNear(t, "column "+strconv.Itoa(i), s, w[i+1])
	}
}

// checkStatsNear compares with NumPy, whose pairwise sums round
// differently from the streaming ones.
func checkStatsNear(t *testing.T, label string, got, want statsJSON) {
	t.Helper()
	if got.Count != want.Count || got.NaN != want.NaN {
		t.Errorf("%s: count %d nan %d, want %d and %d", label, got.Count, got.NaN, want.Count, want.NaN)
	}
	for _, c := range []struct {
		name      string
		got, want any
		tol       float64
	}{{"min", got.Min, want.Min, 0}, {"max", got.Max, want.Max, 0}, {"mean", got.Mean, want.Mean, 1e-9}, {"std", got.Std, want.Std, 1e-9}} {
		g, w := jsonFloat(t, c.got), jsonFloat(t, c.want)
		if math.Abs(g-w) > c.tol*max(1, math.Abs(w)) {
			t.Errorf("%s: %s %v, NumPy %v", label, c.name, g, w)
		}
	}
}

// The answer does not depend on --workers, bit for bit; a bad count is a
// usage error.
func TestStatsWorkers(t *testing.T) {
	for _, target := range []string{td("npy/channels.npy"), td("npy/frames.npy")} {
		for _, axis := range []string{"", "0", "-1"} {
			args := []string{"stats", "--json", target}
			if axis != "" {
				args = append(args, "--axis", axis)
			}
			one := ok(t, append(args, "--workers", "1")...)
			for _, w := range []string{"2", "7"} {
				if got := ok(t, append(args, "--workers", w)...); got != one {
					t.Errorf("%q --workers %s:\n%s\n--workers 1:\n%s", args, w, got, one)
				}
			}
		}
	}
	for _, bad := range []string{"0", "-3", "x"} {
		if r := ndmap(t, "stats", "--workers", bad, td("npy/channels.npy")); r.code != exitUsage {
			t.Errorf("stats --workers %s: exit %d, want %d", bad, r.code, exitUsage)
		}
	}
}

// The statistics of a shard set of uneven files, and of a Zarr store of
// the same values (edge chunks included), are those of the one .npy file
// holding them, in text and JSON, with or without an axis, whatever the
// number of workers; and the number of workers changes no digit.
func TestStatsDatasetMatchesFile(t *testing.T) {
	dir := t.TempDir()
	lengths := []int{5, 1, 9, 3, 14}
	trailing := []int{3, 4}
	var all []float64
	for k, n := range lengths {
		data := make([]float64, n*12)
		for i := range data {
			switch j := len(all) + i; {
			case j%29 == 3:
				data[i] = math.NaN()
			default:
				data[i] = float64(j%41)*0.37 - 5 + 100*float64(k)
			}
		}
		all = append(all, data...)
	}
	total := len(all) / 12
	for _, c := range []struct {
		name string
		conv func(x float64) any
	}{
		{"f8", func(x float64) any { return x }},
		{"f4", func(x float64) any { return float32(x) }},
		{"i2", func(x float64) any {
			if x != x {
				return int16(-7)
			}
			return int16(math.Mod(x, 3000))
		}},
	} {
		folder := filepath.Join(dir, c.name)
		os.MkdirAll(folder, 0o755)
		start := 0
		for k, n := range lengths {
			saveAs(t, filepath.Join(folder, fmt.Sprintf("s_%d.npy", k)), "", all[start*12:(start+n)*12], c.conv, append([]int{n}, trailing...))
			start += n
		}
		npy := filepath.Join(dir, c.name+".npy")
		store := filepath.Join(dir, c.name+".zarr")
		saveAs(t, npy, store, all, c.conv, append([]int{total}, trailing...))
		for _, target := range []string{folder, filepath.Join(folder, "s_*.npy"), store} {
			for _, axis := range []string{"", "0", "1", "-1"} {
				var first string
				for _, workers := range []string{"1", "2", "8"} {
					args := []string{"stats", "--json", "--workers", workers}
					if axis != "" {
						args = append(args, "--axis", axis)
					}
					got := ok(t, append(args, target)...)
					want := ok(t, append(args, npy)...)
					if !closeJSON(got, want) {
						t.Errorf("%q %s:\n%s\nof %s:\n%s", args, target, got, npy, want)
					}
					if first == "" {
						first = got
					} else if got != first {
						t.Errorf("%q %s:\n%s\nwith one worker:\n%s", args, target, got, first)
					}
					if axis == "1" {
						text := strings.SplitN(ok(t, "stats", "--axis", "1", "--workers", workers, target), "\n", 2)[1]
						want := strings.SplitN(ok(t, "stats", "--axis", "1", npy), "\n", 2)[1]
						if text != want {
							t.Errorf("stats --axis 1 %s:\n%s\nof %s:\n%s", target, text, npy, want)
						}
					}
				}
			}
		}
	}
}

// saveAs saves xs, each converted by conv, as a .npy file of shape, and
// as a Zarr store of chunks (4, 3, 3) if store is not "".
func saveAs(t *testing.T, path, store string, xs []float64, conv func(float64) any, shape []int) {
	t.Helper()
	switch conv(0).(type) {
	case float64:
		saveBoth(t, path, store, array.FromSlice(xs, shape...))
	case float32:
		ys := make([]float32, len(xs))
		for i, x := range xs {
			ys[i] = conv(x).(float32)
		}
		saveBoth(t, path, store, array.FromSlice(ys, shape...))
	case int16:
		ys := make([]int16, len(xs))
		for i, x := range xs {
			ys[i] = conv(x).(int16)
		}
		saveBoth(t, path, store, array.FromSlice(ys, shape...))
	}
}

func saveBoth[T array.Element](t *testing.T, path, store string, v array.View[T]) {
	t.Helper()
	if err := array.Save(path, v); err != nil {
		t.Fatal(err)
	}
	if store == "" {
		return
	}
	if err := dataset.WriteZarr(store, v, dataset.ZarrOptions{Chunks: []int{4, 3, 3}}); err != nil {
		t.Fatal(err)
	}
}
