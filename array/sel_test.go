package array

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// pySlice is Python's rule for range(n)[start:stop:step], in exact integers:
// the first position and the length, with nil for an omitted bound.
func pySlice(n int, start, stop *int, step int) (first, count *big.Int) {
	N, st := big.NewInt(int64(n)), big.NewInt(int64(step))
	var lower, upper *big.Int
	if step > 0 {
		lower, upper = big.NewInt(0), new(big.Int).Set(N)
	} else {
		lower, upper = big.NewInt(-1), new(big.Int).Sub(N, big.NewInt(1))
	}
	clip := func(p *int, def *big.Int) *big.Int {
		if p == nil {
			return new(big.Int).Set(def)
		}
		v := big.NewInt(int64(*p))
		if v.Sign() < 0 {
			v.Add(v, N)
			if v.Cmp(lower) < 0 {
				v.Set(lower)
			}
		} else if v.Cmp(upper) > 0 {
			v.Set(upper)
		}
		return v
	}
	var s, e *big.Int
	if step > 0 {
		s, e = clip(start, lower), clip(stop, upper)
	} else {
		s, e = clip(start, upper), clip(stop, lower)
	}
	// len(range(s, e, step)) = max(0, ceil((e - s) / step)).
	d := new(big.Int).Sub(e, s)
	count = new(big.Int)
	if step > 0 {
		d.Add(d, st).Sub(d, big.NewInt(1))
		count.Div(d, st) // d >= 0 when there is anything; Div floors
	} else {
		neg := new(big.Int).Neg(st)
		d.Neg(d).Add(d, neg).Sub(d, big.NewInt(1))
		count.Div(d, neg)
	}
	if count.Sign() < 0 {
		count.SetInt64(0)
	}
	return s, count
}

// sliceCase is one slice of range(n); a nil bound is omitted.
type sliceCase struct {
	N     int  `json:"n"`
	Start *int `json:"start"`
	Stop  *int `json:"stop"`
	Step  int  `json:"step"`
}

func (c sliceCase) sel() Sel {
	s := All
	switch {
	case c.Start != nil && c.Stop != nil:
		s = Range(*c.Start, *c.Stop)
	case c.Start != nil:
		s = From(*c.Start)
	case c.Stop != nil:
		s = To(*c.Stop)
	}
	return s.By(c.Step)
}

// sliceCases returns slices whose lengths, bounds and steps reach the ends
// of the int range, with random ones among them.
func sliceCases() []sliceCase {
	const maxI, minI = math.MaxInt, math.MinInt
	lengths := []int{0, 1, 2, 3, 7, 1 << 20, maxI / 2, maxI - 1, maxI}
	r := rand.New(rand.NewPCG(14, 2))
	var cases []sliceCase
	for _, n := range lengths {
		bounds := []int{minI, minI + 1, -n - 1, -n, -n + 1, -2, -1, 0, 1, 2, n - 1, n, n + 1, maxI - 1, maxI}
		steps := []int{minI, minI + 1, -maxI, -n - 1, -n, -n + 1, -3, -2, -1, 1, 2, 3, n - 1, n, n + 1, maxI - 1, maxI}
		for range 4 {
			k := int(r.Uint64N(uint64(n) + 1))
			bounds = append(bounds, int(r.Uint64()), k, -k)
			steps = append(steps, int(r.Uint64()), 1+r.IntN(max(n, 1)), -1-r.IntN(max(n, 1)))
		}
		opt := append([]*int{nil}, ptrs(bounds)...)
		for _, step := range steps {
			if step == 0 {
				continue
			}
			for _, a := range opt {
				for _, b := range opt {
					cases = append(cases, sliceCase{N: n, Start: a, Stop: b, Step: step})
				}
			}
		}
	}
	return cases
}

func ptrs(vs []int) []*int {
	out := make([]*int, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// Slice lengths and first positions follow Python's rule exactly for every
// length, bound and step in the int range: no overflow at the ends.
func TestSliceOverflowProperty(t *testing.T) {
	cases := sliceCases()
	for _, c := range cases {
		wantFirst, wantCount := pySlice(c.N, c.Start, c.Stop, c.Step)
		first, count, step := c.sel().resolve(c.N)
		if !wantCount.IsInt64() || int64(count) != wantCount.Int64() {
			t.Fatalf("range(%d)[%v] has %d positions, want %v", c.N, c.sel(), count, wantCount)
		}
		if count > 0 && int64(first) != wantFirst.Int64() {
			t.Fatalf("range(%d)[%v] starts at %d, want %v", c.N, c.sel(), first, wantFirst)
		}
		if count > 1 && step != c.Step {
			t.Fatalf("range(%d)[%v] has step %d, want %d", c.N, c.sel(), step, c.Step)
		}
	}
	t.Logf("%d slices", len(cases))
}

// The views made with extreme steps are the ones Python's slices select.
func TestSliceExtremeSteps(t *testing.T) {
	data := iota64(8)
	v := FromSlice(data, 2, 4)
	for _, tc := range []struct {
		sel   Sel
		shape []int
		want  []float64
	}{
		{Range(0, 2).By(math.MaxInt), []int{1, 4}, []float64{0, 1, 2, 3}},
		{Range(1, -3).By(-math.MaxInt), []int{1, 4}, []float64{4, 5, 6, 7}},
		{All.By(math.MaxInt), []int{1, 4}, []float64{0, 1, 2, 3}},
		{All.By(math.MinInt), []int{1, 4}, []float64{4, 5, 6, 7}},
		{From(math.MinInt).By(math.MaxInt), []int{1, 4}, []float64{0, 1, 2, 3}},
		{Range(math.MaxInt, math.MinInt).By(math.MinInt), []int{1, 4}, []float64{4, 5, 6, 7}},
		{Range(math.MinInt, math.MaxInt).By(math.MinInt), []int{0, 4}, []float64{}},
	} {
		s := v.Slice(tc.sel)
		if got := s.Shape(); !slicesEqual(got, tc.shape) {
			t.Errorf("a[%v].Shape() = %v, want %v", tc.sel, got, tc.shape)
			continue
		}
		if s.Size() != len(tc.want) {
			t.Errorf("a[%v].Size() = %d, want %d", tc.sel, s.Size(), len(tc.want))
		}
		var got []float64
		for x := range s.Values() {
			got = append(got, x)
		}
		if len(got) != len(tc.want) {
			t.Errorf("a[%v].Values() = %v, want %v", tc.sel, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("a[%v].Values() = %v, want %v", tc.sel, got, tc.want)
				break
			}
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The big-integer reference agrees with Python itself on a sample of the
// cases, extreme ones included.
func TestSliceReferenceMatchesPython(t *testing.T) {
	const py = "/usr/bin/python3"
	if runtime.GOOS == "windows" {
		t.Skip("no Python for Windows programs")
	}
	if _, err := os.Stat(py); err != nil {
		if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
			t.Fatal("python3 is required when CI=true")
		}
		t.Skip("no /usr/bin/python3")
	}
	if math.MaxInt != math.MaxInt64 {
		t.Skip("the sample is of 64-bit ints")
	}
	all := sliceCases()
	r := rand.New(rand.NewPCG(19, 14))
	var sample []sliceCase
	for range 3000 {
		sample = append(sample, all[r.IntN(len(all))])
	}
	in, err := json.Marshal(sample)
	if err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys
out = []
for c in json.load(sys.stdin):
    r = range(c["n"])[c["start"]:c["stop"]:c["step"]]
    out.append([len(r), r[0] if len(r) else 0])
json.dump(out, sys.stdout)
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var got [][2]int64
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, c := range sample {
		first, count := pySlice(c.N, c.Start, c.Stop, c.Step)
		if count.Int64() != got[i][0] || (got[i][0] > 0 && first.Int64() != got[i][1]) {
			t.Errorf("range(%d)[%v]: reference gives %v from %v, Python %d from %d", c.N, c.sel(), count, first, got[i][0], got[i][1])
		}
	}
}
