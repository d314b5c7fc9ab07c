package layout

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// m32 is the largest shape entry an int holds on every platform.
const m32 = math.MaxInt32

var shapeTests = []struct {
	shape    []int
	itemsize int
	count    int64
	bytes    int64
	c, f     []int
	err      error
}{
	{shape: []int{}, itemsize: 8, count: 1, bytes: 8, c: []int{}, f: []int{}},
	{shape: nil, itemsize: 8, count: 1, bytes: 8, c: []int{}, f: []int{}},
	{shape: []int{5}, itemsize: 4, count: 5, bytes: 20, c: []int{4}, f: []int{4}},
	{shape: []int{2, 3}, itemsize: 8, count: 6, bytes: 48, c: []int{24, 8}, f: []int{8, 16}},
	{shape: []int{2, 3, 4}, itemsize: 2, count: 24, bytes: 48, c: []int{24, 8, 2}, f: []int{2, 4, 12}},
	{shape: []int{0}, itemsize: 1, count: 0, bytes: 0, c: []int{1}, f: []int{1}},
	// NumPy counts an empty axis as 1 when it computes strides.
	{shape: []int{2, 0, 3}, itemsize: 8, count: 0, bytes: 0, c: []int{24, 24, 8}, f: []int{8, 16, 16}},
	{shape: []int{3, 0}, itemsize: 2, count: 0, bytes: 0, c: []int{2, 2}, f: []int{2, 6}},
	{shape: []int{4}, itemsize: 0, count: 4, bytes: 0, c: []int{0}, f: []int{0}},
	{shape: []int{m32, m32}, itemsize: 1, count: m32 * m32, bytes: m32 * m32},
	{shape: []int{m32, m32}, itemsize: 2, count: m32 * m32, bytes: 2 * m32 * m32},
	{shape: []int{m32, m32}, itemsize: 4, count: m32 * m32, err: ErrOverflow},
	{shape: []int{m32, m32, 4}, itemsize: 1, err: ErrOverflow},
	{shape: []int{0, m32, m32, 4}, itemsize: 1, err: ErrOverflow},
	{shape: []int{3, -1}, itemsize: 1, err: ErrShape},
	{shape: []int{3}, itemsize: -1, count: 3, err: ErrShape},
}

func TestCountByteSize(t *testing.T) {
	for _, tt := range shapeTests {
		if tt.shape == nil && tt.err == nil && tt.count == 0 {
			continue
		}
		n, err := Count(tt.shape)
		wantCountErr := tt.err
		if tt.count != 0 && tt.err != nil {
			wantCountErr = nil // only the byte size fails
		}
		if !errors.Is(err, wantCountErr) || (err == nil) != (wantCountErr == nil) || err == nil && n != tt.count {
			t.Errorf("Count(%v) = %d, %v, want %d, %v", tt.shape, n, err, tt.count, wantCountErr)
		}
		b, err := ByteSize(tt.shape, tt.itemsize)
		if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) || err == nil && b != tt.bytes {
			t.Errorf("ByteSize(%v, %d) = %d, %v, want %d, %v", tt.shape, tt.itemsize, b, err, tt.bytes, tt.err)
		}
	}
}

func TestStrides(t *testing.T) {
	for _, tt := range shapeTests {
		if tt.c == nil {
			continue
		}
		if got := CStrides(tt.shape, tt.itemsize); !cmp.Equal(got, tt.c) {
			t.Errorf("CStrides(%v, %d) = %v, want %v", tt.shape, tt.itemsize, got, tt.c)
		}
		if got := FortranStrides(tt.shape, tt.itemsize); !cmp.Equal(got, tt.f) {
			t.Errorf("FortranStrides(%v, %d) = %v, want %v", tt.shape, tt.itemsize, got, tt.f)
		}
	}
	// The total size need not fit in an int, only the strides.
	big := math.MaxInt/4 + 1
	if got := CStrides([]int{4, big}, 1); !cmp.Equal(got, []int{big, 1}) {
		t.Errorf("CStrides([4 %d], 1) = %v", big, got)
	}
}

func TestStridesPanic(t *testing.T) {
	tests := []struct {
		shape    []int
		itemsize int
	}{
		{[]int{2, -1}, 1},
		{[]int{2}, -1},
		{[]int{2, math.MaxInt/2 + 1, 1}, 2},
	}
	for _, tt := range tests {
		for name, fn := range map[string]func([]int, int) []int{"CStrides": CStrides, "FortranStrides": FortranStrides} {
			func() {
				defer func() {
					if _, ok := recover().(StrideError); !ok {
						t.Errorf("%s(%v, %d) did not panic with a StrideError", name, tt.shape, tt.itemsize)
					}
				}()
				fn(tt.shape, tt.itemsize)
			}()
		}
	}
}
