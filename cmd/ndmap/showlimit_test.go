package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// writeHeaderOnly writes a .npy file of dtype descr and shape whose data
// takes no bytes: items of size zero, which a file of 128 bytes can claim
// 2^62 of.
func writeHeaderOnly(t *testing.T, descr string, shape []int) string {
	t.Helper()
	dt, err := layout.ParseDescr(descr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := header.Encode(header.Header{DType: dt, Shape: shape})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "z.npy")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runWithin runs ndmap and fails the test if it has not finished in time.
func runWithin(t *testing.T, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- ndmap(t, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("ndmap %s has not finished after 10s", strings.Join(args, " "))
		return result{}
	}
}

// An array of 2^62 (2^30 on 32-bit platforms) zero-size items prints summarised, as NumPy prints it,
// and its JSON, which would never end, is refused with exit 1 saying how
// many elements there are and how to ask for them.
func TestShowZeroSizeItems(t *testing.T) {
	n := math.MaxInt/2 + 1 // 2^62, or 2^30 on 32-bit platforms
	for _, descr := range []string{"'|V0'", "'|S0'", "[('a', '<f8', (0,))]"} {
		path := writeHeaderOnly(t, descr, []int{n})
		r := runWithin(t, "show", path)
		if r.code != exitOK || !strings.Contains(r.stdout, "...") || len(r.stdout) > 1000 {
			t.Errorf("show %s: exit %d, %d bytes:\n%.300s", descr, r.code, len(r.stdout), r.stdout)
		}
		r = runWithin(t, "show", "--json", path)
		if r.code != exitInput || !strings.Contains(r.stderr, strconv.Itoa(n)+" elements") || !strings.Contains(r.stderr, "--max-elements") || r.stdout != "" {
			t.Errorf("show --json %s: exit %d, %q, %d bytes out", descr, r.code, r.stderr, len(r.stdout))
		}
	}
}

// JSON of more elements than --max-elements (a million by default) needs
// the flag; records count the values of their fields.
func TestShowJSONLimit(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "s.npy")
	if err := array.Save(small, array.FromSlice(make([]float64, 20), 4, 5)); err != nil {
		t.Fatal(err)
	}
	if r := ndmap(t, "show", "--json", "--max-elements", "19", small); r.code != exitInput || !strings.Contains(r.stderr, "20 elements") {
		t.Errorf("20 elements with --max-elements 19: exit %d, %q", r.code, r.stderr)
	}
	for _, limit := range []string{"20", "0"} {
		if r := ndmap(t, "show", "--json", "--max-elements", limit, small); r.code != exitOK {
			t.Errorf("20 elements with --max-elements %s: exit %d, %q", limit, r.code, r.stderr)
		}
	}
	if r := ndmap(t, "show", "--json", "--max-elements", "5", small+"[0]"); r.code != exitOK {
		t.Errorf("an index of 5 elements with --max-elements 5: exit %d, %q", r.code, r.stderr)
	}
	big := writeHeaderOnly(t, "'|V0'", []int{defaultMaxElements + 1})
	if r := ndmap(t, "show", "--json", big); r.code != exitInput || !strings.Contains(r.stderr, "1000001 elements") {
		t.Errorf("a million and one elements: exit %d, %q", r.code, r.stderr)
	}
	rec := writeHeaderOnly(t, "[('a', '|V0', (3, 4)), ('b', '|V0')]", []int{100000})
	if r := ndmap(t, "show", "--json", rec); r.code != exitInput || !strings.Contains(r.stderr, "1300000 elements") {
		t.Errorf("100000 records of 13 values: exit %d, %q", r.code, r.stderr)
	}
}

// A sub-array field of more than 1000 elements prints summarised too, so
// that the output of a record stays bounded.
func TestShowSubArraySummary(t *testing.T) {
	path := writeHeaderOnly(t, "[('a', '|V0', (5000,))]", []int{2})
	r := runWithin(t, "show", path)
	if r.code != exitOK || strings.Count(r.stdout, "...") != 2 || len(r.stdout) > 500 {
		t.Errorf("show of records with a (5000,) field: exit %d:\n%.500s", r.code, r.stdout)
	}
}

// A shard set or a Zarr array, read lazily, is held to --max-elements as a
// file is.
func TestShowJSONLimitLazy(t *testing.T) {
	folder, _ := shardSet(t, t.TempDir(), []int{2, 3}, 4) // (5, 4): 20 elements
	zarr := td("zarr/stores/null_c.zarr")                 // (5, 7): 35 elements
	for _, tt := range []struct {
		target string
		n      int
	}{{folder, 20}, {zarr, 35}} {
		limit := strconv.Itoa(tt.n)
		if r := ndmap(t, "show", "--json", "--max-elements", strconv.Itoa(tt.n-1), tt.target); r.code != exitInput || !strings.Contains(r.stderr, limit+" elements") || !strings.Contains(r.stderr, "--max-elements "+limit) || r.stdout != "" {
			t.Errorf("show --json --max-elements %d %s: exit %d, %q, %d bytes out", tt.n-1, tt.target, r.code, r.stderr, len(r.stdout))
		}
		for _, l := range []string{limit, "0"} {
			if r := ndmap(t, "show", "--json", "--max-elements", l, tt.target); r.code != exitOK {
				t.Errorf("show --json --max-elements %s %s: exit %d, %q", l, tt.target, r.code, r.stderr)
			}
		}
		if r := ndmap(t, "show", "--json", "--max-elements", "4", tt.target+"[0, :4]"); r.code != exitOK {
			t.Errorf("show --json --max-elements 4 %s[0, :4]: exit %d, %q", tt.target, r.code, r.stderr)
		}
	}
}
