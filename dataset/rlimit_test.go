//go:build unix

package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// writeTinyShards writes n .npy files of one (1, 4) int16 row each, quickly:
// header and data in one write, without the temporary file and sync of
// array.Save.
func writeTinyShards(t testing.TB, dir string, n int) {
	t.Helper()
	dt, _ := layout.For[int16]()
	hdr, err := header.Encode(header.Header{DType: dt, Shape: []int{1, 4}})
	if err != nil {
		t.Fatal(err)
	}
	for k := range n {
		b := append([]byte(nil), hdr...)
		for j := range 4 {
			v := uint16(int16(k*4 + j))
			b = append(b, byte(v), byte(v>>8))
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s_%d.npy", k)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A folder of 20,000 shards opens and reads through under a limit of open
// files far below their number.
func TestSetManyShardsUnderFileLimit(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	dir := t.TempDir()
	writeTinyShards(t, dir, n)

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip("getrlimit:", err)
	}
	low := old
	low.Cur = 256
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip("setrlimit:", err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)

	start := time.Now()
	s, err := OpenShards[int16](dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("scanned the headers of %d shards in %v", n, time.Since(start))
	if s.Len() != n || s.NumShards() != n {
		t.Fatalf("Len() = %d, NumShards() = %d, want %d", s.Len(), s.NumShards(), n)
	}
	if s.ShardPath(10) != filepath.Join(dir, "s_10.npy") {
		t.Errorf("shard 10 is %s, want s_10.npy (natural order)", s.ShardPath(10))
	}
	var sum, want int64
	for x, err := range s.Values() {
		if err != nil {
			t.Fatal(err)
		}
		sum += int64(x)
	}
	for v := range 4 * n {
		want += int64(int16(v))
	}
	if sum != want {
		t.Errorf("sum of all values = %d, want %d", sum, want)
	}
	if open, opens := s.openFiles(); open > DefaultMaxOpen || opens != n {
		t.Errorf("%d files open, %d opened; want at most %d open and each of %d opened once", open, opens, DefaultMaxOpen, n)
	}
}
