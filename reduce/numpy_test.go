package reduce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// requireNumPy returns a Python interpreter that can import numpy: $PYTHON,
// else python3 in /usr/bin or on the PATH. Without one the test is skipped,
// or fails when CI=true, where NumPy must be present.
func requireNumPy(t *testing.T) string {
	t.Helper()
	for _, py := range []string{os.Getenv("PYTHON"), "/usr/bin/python3", "python3"} {
		if py != "" && exec.Command(py, "-c", "import numpy").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("NumPy is required when CI=true: no python3 here can import numpy")
	}
	t.Skip("no python3 with numpy; set PYTHON to one")
	return ""
}

// numpyReduce runs each job on stdin with NumPy and prints, for each, the
// result's dtype, shape and values (as strings, complex as "re im"), the
// sum of the absolute values of each cell (a scale for the tolerance), or
// the error NumPy raised.
const numpyReduce = `
import json, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
ops = {
    "sum": np.sum, "mean": np.mean, "nansum": np.nansum, "nanmean": np.nanmean,
    "min": np.min, "max": np.max, "nanmin": np.nanmin, "nanmax": np.nanmax,
    "countnan": lambda a, axis: np.isnan(a).sum(axis=axis),
}
def fmt(x):
    if isinstance(x, (complex, np.complexfloating)):
        return repr(float(x.real)) + " " + repr(float(x.imag))
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return repr(float(x))
out = []
arrays = {}
for job in json.load(sys.stdin):
    a = arrays.get(job["path"])
    if a is None:
        a = arrays[job["path"]] = np.load(job["path"], mmap_mode="r")
    axis = job["axis"]
    if axis is not None:
        axis = tuple(axis)
    op = job["op"]
    try:
        if op in ("var", "std", "nanvar", "nanstd"):
            r = getattr(np, op)(a, axis=axis, ddof=job["ddof"])
            if a.dtype == np.float16:
                # NumPy takes the deviations of float16 values from a
                # float16 mean in float16: compare with the variance of
                # the same values in float32, rounded once to float16.
                v = getattr(np, op)(a.astype(np.float32), axis=axis, ddof=job["ddof"])
                r = np.asarray(v).astype(np.float16)
        else:
            r = ops[op](a, axis=axis)
        r = np.asarray(r)
        scale = np.nansum(np.abs(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)), axis=axis)
        out.append({"dtype": r.dtype.str, "shape": list(r.shape), "vals": [fmt(x) for x in r.ravel()],
                    "scale": [repr(float(x)) for x in np.asarray(scale, dtype=np.float64).ravel()]})
    except Exception as e:
        out.append({"err": type(e).__name__ + ": " + str(e)})
json.dump(out, sys.stdout)
`

type npJob struct {
	Path string `json:"path"`
	Axis []int  `json:"axis"`
	Op   string `json:"op"`
	DDof int    `json:"ddof"`
}

type npResult struct {
	DType string   `json:"dtype"`
	Shape []int    `json:"shape"`
	Vals  []string `json:"vals"`
	Scale []string `json:"scale"`
	Err   string   `json:"err"`
}

// numpyData is a file of one dtype for the comparison with NumPy.
type numpyData struct {
	name  string
	dt    layout.DType
	shape []int
	tol   float64 // relative to the sum of absolute values
}

var numpyFiles = []numpyData{
	{"f8", layout.Float64, []int{40, 7, 3}, 1e-13},
	{"f8-big", withOrder(layout.Float64, layout.BigEndian), []int{40, 7, 3}, 1e-13},
	{"f4", layout.Float32, []int{40, 7, 3}, 2e-6},
	{"f4-big", withOrder(layout.Float32, layout.BigEndian), []int{40, 7, 3}, 2e-6},
	{"f2", layout.Half, []int{40, 7, 3}, 2e-3},
	{"i1", layout.Int8, []int{40, 7, 3}, 1e-15},
	{"i2", layout.Int16, []int{40, 7, 3}, 1e-15},
	{"i4-big", withOrder(layout.Int32, layout.BigEndian), []int{40, 7, 3}, 1e-15},
	{"i8", layout.Int64, []int{40, 7, 3}, 1e-15},
	{"u1", layout.Uint8, []int{40, 7, 3}, 1e-15},
	{"u2-big", withOrder(layout.Uint16, layout.BigEndian), []int{40, 7, 3}, 1e-15},
	{"u4", layout.Uint32, []int{40, 7, 3}, 1e-15},
	{"u8", layout.Uint64, []int{40, 7, 3}, 1e-15},
	{"b1", layout.Bool8, []int{40, 7, 3}, 1e-15},
	{"c8", layout.Complex64, []int{40, 7, 3}, 2e-6},
	{"c16-big", withOrder(layout.Complex128, layout.BigEndian), []int{40, 7, 3}, 1e-13},
	{"f8-empty", layout.Float64, []int{0, 3}, 0},
	{"i2-empty", layout.Int16, []int{3, 0}, 0},
}

func withOrder(dt layout.DType, o layout.ByteOrder) layout.DType {
	dt.Order = o
	return dt
}

var numpyAxes = [][]int{nil, {0}, {1}, {2}, {0, 2}, {}}

// Every reduction agrees with NumPy's: the dtype of the result, its shape,
// its values (NaN where NumPy gives NaN), and the error where NumPy raises
// one.
func TestNumPyReductions(t *testing.T) {
	py := requireNumPy(t)
	ctx := context.Background()
	dir := t.TempDir()
	var jobs []npJob
	type check func(t *testing.T, job npJob, want npResult)
	var checks []check
	ops := []string{"sum", "mean", "nansum", "nanmean", "var", "std", "nanvar", "nanstd", "min", "max", "nanmin", "nanmax", "countnan"}
	for fi, f := range numpyFiles {
		path := fmt.Sprintf("%s/%s.npy", dir, f.name)
		var run check
		switch f.dt.Kind {
		case layout.Float:
			switch f.dt.Size {
			case 2:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) layout.Float16 { return layout.Float16FromFloat64(special(r, 10)) })
			case 4:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) float32 { return float32(special(r, 1000)) })
			default:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) float64 { return special(r, 1e6) })
			}
		case layout.Complex:
			if f.dt.Size == 8 {
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) complex64 { return complex64(complex(special(r, 100), special(r, 100))) })
			} else {
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) complex128 { return complex(special(r, 100), special(r, 100)) })
			}
		case layout.Bool:
			run = writeNumPyFile(t, path, f, func(r *rand.Rand) bool { return r.IntN(3) == 0 })
		case layout.Int:
			switch f.dt.Size {
			case 1:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) int8 { return int8(r.Uint32()) })
			case 2:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) int16 { return int16(r.Uint32()) })
			case 4:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) int32 { return int32(r.Uint32()) })
			default:
				// Large enough that some sums wrap around, as NumPy's do.
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) int64 { return int64(r.Uint64()) >> 2 })
			}
		default:
			switch f.dt.Size {
			case 1:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) uint8 { return uint8(r.Uint32()) })
			case 2:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) uint16 { return uint16(r.Uint32()) })
			case 4:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) uint32 { return r.Uint32() })
			default:
				run = writeNumPyFile(t, path, f, func(r *rand.Rand) uint64 { return r.Uint64() >> 1 })
			}
		}
		_ = fi
		for _, axes := range numpyAxes {
			if slices.ContainsFunc(axes, func(a int) bool { return a >= len(f.shape) }) {
				continue
			}
			for _, op := range ops {
				ddofs := []int{0}
				if strings.HasSuffix(op, "var") || strings.HasSuffix(op, "std") {
					ddofs = []int{0, 1}
				}
				for _, ddof := range ddofs {
					jobs = append(jobs, npJob{Path: path, Axis: axes, Op: op, DDof: ddof})
					checks = append(checks, run)
				}
			}
		}
	}
	in, _ := json.Marshal(jobs)
	cmd := exec.Command(py, "-c", numpyReduce)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("numpy: %v", err)
	}
	var results []npResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	for i, job := range jobs {
		checks[i](t, job, results[i])
	}
	_ = ctx
}

// special returns a value of magnitude up to scale, sometimes NaN or an
// infinity.
func special(r *rand.Rand, scale float64) float64 {
	switch x := r.Float64(); {
	case x < 0.04:
		return math.NaN()
	case x < 0.05:
		return math.Inf(1)
	case x < 0.06:
		return math.Inf(-1)
	}
	return (r.Float64() - 0.4) * scale
}

// writeNumPyFile writes f's file with values from gen and returns the
// check of one job on it.
func writeNumPyFile[T array.Element](t *testing.T, path string, f numpyData, gen func(*rand.Rand) T) func(*testing.T, npJob, npResult) {
	var seed uint64
	for _, c := range f.name {
		seed = seed*31 + uint64(c)
	}
	r := rand.New(rand.NewPCG(seed, 11))
	n := 1
	for _, d := range f.shape {
		n *= d
	}
	data := make([]T, n)
	for i := range data {
		data[i] = gen(r)
	}
	// A column of NaNs (floats) for the all-NaN cells of the NaN
	// reductions.
	if len(f.shape) == 3 && f.dt.Kind == layout.Float {
		var nan T
		switch p := any(&nan).(type) {
		case *float64:
			*p = math.NaN()
		case *float32:
			*p = float32(math.NaN())
		case *layout.Float16:
			*p = 0x7e00
		}
		for i := 0; i < n; i += f.shape[1] * f.shape[2] {
			data[i+2] = nan
		}
	}
	v := fileViewAt(t, path, f.dt, data, f.shape...)
	return func(t *testing.T, job npJob, want npResult) {
		t.Helper()
		name := fmt.Sprintf("%s %s axis=%v ddof=%d", f.name, job.Op, job.Axis, job.DDof)
		var opts []Option
		if job.Axis != nil {
			opts = append(opts, Axis(job.Axis...))
		}
		opts = append(opts, DDof(job.DDof), Workers(3), ChunkBytes(100))
		fn := map[string]func(context.Context, array.View[T], ...Option) (Result, error){
			"sum": Sum[T], "mean": Mean[T], "nansum": NaNSum[T], "nanmean": NaNMean[T],
			"var": Var[T], "std": Std[T], "nanvar": NaNVar[T], "nanstd": NaNStd[T],
			"min": Min[T], "max": Max[T], "nanmin": NaNMin[T], "nanmax": NaNMax[T], "countnan": CountNaN[T],
		}[job.Op]
		got, err := fn(context.Background(), v, opts...)
		if want.Err != "" {
			if !errors.Is(err, ErrEmpty) {
				t.Errorf("%s: %v, NumPy raised %s", name, err, want.Err)
			}
			return
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if got.DType().TypeString() != want.DType || !slices.Equal(got.Shape(), want.Shape) {
			t.Errorf("%s: %s %v, NumPy %s %v", name, got.DType().TypeString(), got.Shape(), want.DType, want.Shape)
			return
		}
		compareValues(t, name, got, want, f.tol)
	}
}

// compareValues checks the values of got against NumPy's strings.
func compareValues(t *testing.T, name string, got Result, want npResult, tol float64) {
	t.Helper()
	gotC := got.Complex128s()
	for j, s := range want.Vals {
		re, im, _ := strings.Cut(s, " ")
		var w complex128
		switch k := got.DType().Kind; {
		case k == layout.Int || k == layout.Uint:
			// Integers must match exactly, wrap-around included.
			if g := intString(got, j); g != s {
				t.Errorf("%s: value %d = %s, NumPy %s", name, j, g, s)
				return
			}
			continue
		default:
			r, err1 := strconv.ParseFloat(re, 64)
			i := 0.0
			var err2 error
			if im != "" {
				i, err2 = strconv.ParseFloat(im, 64)
			}
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: NumPy value %q", name, s)
			}
			w = complex(r, i)
		}
		g := gotC[j]
		sc, _ := strconv.ParseFloat(want.Scale[j], 64)
		scale := 0.0
		for _, x := range []float64{sc, math.Abs(real(w)), math.Abs(imag(w))} {
			if x == x {
				scale = max(scale, x)
			}
		}
		if strings.Contains(name, "var") || strings.Contains(name, "std") {
			scale = max(math.Abs(real(w)), 1e-300)
			tol = max(tol, 1e-12)
		}
		if !near(real(g), real(w), tol, scale) || !near(imag(g), imag(w), tol, scale) {
			t.Errorf("%s: value %d = %v, NumPy %v", name, j, g, w)
			return
		}
	}
}

// intString formats integer value j of r as Python prints it.
func intString(r Result, j int) string {
	return fmt.Sprint(reflect.ValueOf(r.vals).Index(j).Interface())
}
