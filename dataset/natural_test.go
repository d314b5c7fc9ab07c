package dataset

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var naturalTests = []struct {
	a, b string
	want int
}{
	{"x_9", "x_10", -1},
	{"x_10", "x_9", +1},
	{"x_10", "x_10", 0},
	{"x_7", "x_07", -1},
	{"x_07", "x_7", +1},
	{"x_007", "x_8", -1},
	{"a", "b", -1},
	{"a1", "a", +1},
	{"", "a", -1},
	{"seg2/x_1", "seg10/x_0", -1},
	{"x_99999999999999999999999", "x_100000000000000000000000", -1}, // beyond int64
	{"x1y2", "x1y10", -1},
	{"x01y2", "x1y10", -1}, // a later number decides before leading zeros do
	{"x.npy", "x_1.npy", -1},
}

func TestNaturalCompare(t *testing.T) {
	for _, tt := range naturalTests {
		if got := NaturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("NaturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNaturalSort(t *testing.T) {
	names := []string{"x_10.npy", "x_2.npy", "x_1.npy", "x_0.npy", "x_100.npy", "x_9.npy", "x_01.npy"}
	slices.SortFunc(names, NaturalCompare)
	want := []string{"x_0.npy", "x_1.npy", "x_01.npy", "x_2.npy", "x_9.npy", "x_10.npy", "x_100.npy"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sorted names differ (-want +got):\n%s", diff)
	}
}
