//go:build unix

package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
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

// A folder of 20,000 shards opens and reads through under a limit of 1,024
// open files with the default options, holds few descriptors while it does,
// and keeps every shard mapped once read, so that a second pass maps
// nothing again.
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
	low.Cur = 1024
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip("setrlimit:", err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)

	before := openFDs(t)
	var most atomic.Int64
	stop := watchFDs(t, &most)
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
	var want int64
	for v := range 4 * n {
		want += int64(int16(v))
	}
	for pass := range 2 {
		var sum int64
		for x, err := range s.Values() {
			if err != nil {
				t.Fatal(err)
			}
			sum += int64(x)
		}
		if sum != want {
			t.Errorf("pass %d: sum of all values = %d, want %d", pass, sum, want)
		}
	}
	stop()
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after two passes, %d before", after, before)
	}
	if peak := most.Load(); peak > int64(before+maxDescriptors) {
		t.Errorf("up to %d descriptors open while reading, want at most %d", peak, before+maxDescriptors)
	}
	mapped, maps := s.mapped()
	if defaultMaxMapped() < n {
		t.Logf("the system allows %d mappings: %d shards do not all stay mapped", defaultMaxMapped(), n)
		return
	}
	if mapped != n || maps != n {
		t.Errorf("after two passes %d shards mapped, %d mappings made; want each of %d mapped once and kept", mapped, maps, n)
	}
}

// openFDs returns the number of descriptors the process has open, or
// skips the test where /proc does not tell it.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("counting descriptors:", err)
	}
	return len(ents)
}

// watchFDs records the most descriptors seen open in most until stop is
// called.
func watchFDs(t *testing.T, most *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
				// ReadDir's own descriptor is among them.
				if n := int64(len(ents) - 1); n > most.Load() {
					most.Store(n)
				}
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}
