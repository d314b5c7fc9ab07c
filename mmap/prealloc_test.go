package mmap_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/mmap"
)

// Preallocate extends a file to the size asked and leaves a longer one as
// long as it is; the reserved bytes read as zeros through a map.
func TestPreallocate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		have, size int64
		want       int64
	}{
		{"empty file", 0, 1 << 20, 1 << 20},
		{"shorter file", 100, 3 << 20, 3 << 20},
		{"longer file", 5 << 20, 1 << 20, 5 << 20},
		{"nothing", 10, 0, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "p"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(tc.have); err != nil {
				t.Fatal(err)
			}
			err = mmap.Preallocate(f, tc.size)
			if errors.Is(err, errors.ErrUnsupported) {
				t.Skipf("Preallocate: %v", err)
			}
			if err != nil {
				t.Fatalf("Preallocate(%d) = %v", tc.size, err)
			}
			st, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() != tc.want {
				t.Errorf("size after Preallocate(%d) = %d, want %d", tc.size, st.Size(), tc.want)
			}
			if used, ok := allocated(st); ok && used < tc.size {
				t.Errorf("%d bytes allocated after Preallocate(%d)", used, tc.size)
			}
			m, err := mmap.MapRegion(f, mmap.ReadOnly, 0, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			for i, c := range m.Bytes() {
				if c != 0 {
					t.Fatalf("byte %d is %d, want 0", i, c)
				}
			}
		})
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "n"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := mmap.Preallocate(f, -1); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("Preallocate(-1) = %v, want ErrRange", err)
	}
	if err := mmap.SyncData(f); err != nil {
		t.Errorf("SyncData = %v", err)
	}
}
