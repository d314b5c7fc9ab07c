package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseZarray checks that no .zarray makes the parser panic, and that
// what it accepts describes chunks whose sizes, counts and keys can be
// worked out without overflow. It is seeded with every .zarray of the
// fixtures and the table of TestParseZarray.
func FuzzParseZarray(f *testing.F) {
	filepath.WalkDir(filepath.Join("..", "testdata", "zarr"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == ".zarray" {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	for _, tt := range zarrayTests {
		f.Add([]byte(tt.json))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseZarray(".zarray", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "dataset: ") {
				t.Errorf("error without the package prefix: %v", err)
			}
			return
		}
		n := 1
		grid := m.gridShape()
		for k, g := range grid {
			if g < 0 || (m.Shape[k] > 0 && g == 0) {
				t.Fatalf("grid %v for shape %v chunks %v", grid, m.Shape, m.Chunks)
			}
			n *= g
		}
		idx := make([]int, len(grid))
		if key := m.ChunkKey(idx...); key == "" {
			t.Fatalf("empty chunk key")
		}
		_ = m.checkCodecs("x")
		_, _ = fillValue[float64]("x", m)
		_, _ = fillValue[int32]("x", m)
		_, _ = fillValue[complex64]("x", m)
	})
}
