package array_test

// On Windows a mapped file cannot be truncated, deleted or replaced; the
// writers that would do so must fail with an error and leave the file, and
// its directory, as they were. CI runs these under Wine, which keeps the
// same rules.

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/mmap"
)

// TestWriteOverMappedFile saves and creates over a file that is mapped.
func TestWriteOverMappedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npy")
	old := []int64{1, 2, 3, 4}
	if err := array.Save(path, array.FromSlice(old, len(old))); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite} {
		a, err := array.Open[int64](path, mode)
		if err != nil {
			t.Fatal(err)
		}
		// Save's rename over the target is refused while it is mapped.
		if err := array.Save(path, array.FromSlice([]int64{9}, 1)); err == nil {
			t.Errorf("%v: Save over a mapped file succeeded", mode)
		}
		// Create truncates the file, which is refused too.
		if c, err := array.Create[int64](path, []int{2}); err == nil {
			c.Close()
			t.Errorf("%v: Create over a mapped file succeeded", mode)
		}
		if got := slices.Collect(a.Values()); !slices.Equal(got, old) {
			t.Errorf("%v: the mapped array reads %v, want %v", mode, got, old)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if got, _, err := array.Load[int64](path); err != nil || !slices.Equal(got, old) {
			t.Errorf("%v: after the refused writes Load = %v, %v; want %v", mode, got, err, old)
		}
		if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy"}) {
			t.Errorf("%v: the directory holds %v, want a.npy only", mode, names)
		}
	}
	// Unmapped, the file is replaced: MoveFileEx with MOVEFILE_REPLACE_EXISTING.
	if err := array.Save(path, array.FromSlice([]int64{9}, 1)); err != nil {
		t.Fatalf("Save over a file no longer mapped: %v", err)
	}
	if got, _, err := array.Load[int64](path); err != nil || !slices.Equal(got, []int64{9}) {
		t.Errorf("after Save Load = %v, %v; want [9]", got, err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy"}) {
		t.Errorf("the directory holds %v, want a.npy only", names)
	}
}

// TestAppendToMappedFile grows a file that is mapped: Windows lets a
// mapped file grow, only not shrink, so the append succeeds, and the open
// array keeps the rows it had.
func TestAppendToMappedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.npy")
	if err := array.Save(path, array.FromSlice([]int64{1, 2, 3, 4}, 2, 2)); err != nil {
		t.Fatal(err)
	}
	a, err := array.Open[int64](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	app, err := array.OpenAppender(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]int64, 2*40000) // past the mapped pages and a 64 KiB granule
	for i := range rows {
		rows[i] = int64(i)
	}
	if err := array.Append(app, rows); err != nil {
		t.Errorf("Append to a mapped file: %v", err)
	}
	if err := app.Close(); err != nil {
		t.Errorf("Close of the Appender: %v", err)
	}
	if got := slices.Collect(a.Values()); !slices.Equal(got, []int64{1, 2, 3, 4}) || a.Len() != 2 {
		t.Errorf("the mapped array reads %v (%d rows) after the append", got, a.Len())
	}
	got, shape, err := array.Load[int64](path)
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]int64{1, 2, 3, 4}, rows...); !slices.Equal(got, want) || !slices.Equal(shape, []int{40002, 2}) {
		t.Errorf("Load after the append: shape %v, equal: %v", shape, slices.Equal(got, want))
	}
}
