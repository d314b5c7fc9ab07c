package dataset

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ndmap/ndmap/array"
)

// mappingsIn counts the mappings of files in dir that this process holds,
// or returns -1 where /proc does not tell: anywhere but Linux (a Windows
// program run under Wine finds the host's file, which names its own paths).
func mappingsIn(dir string) int {
	if runtime.GOOS != "linux" {
		return -1
	}
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return -1
	}
	return strings.Count(string(b), dir+string(os.PathSeparator))
}

// Readers hit, miss and evict while Close comes along: every Frame reads
// the right values or fails with ErrClosed, and once the last block is
// released nothing of the set stays mapped.
func TestSetConcurrentClose(t *testing.T) {
	dir := t.TempDir()
	lens := make([]int, 24)
	for i := range lens {
		lens[i] = 2
	}
	_, all := writeShards(t, dir, lens, 3)
	for _, bound := range []int{2, 100} {
		s, err := OpenShards[float32](dir, MaxMapped(bound))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		started := make(chan struct{}, 6)
		for g := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; ; r++ {
					if r == 20 {
						started <- struct{}{}
					}
					i := (r*5 + g*11) % s.Len()
					b, err := s.Frame(i)
					if errors.Is(err, ErrClosed) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					if got := make([]float32, 3); b.CopyTo(got) != 3 || !slices.Equal(got, all[3*i:3*i+3]) {
						t.Errorf("Frame(%d) = %v, want %v", i, got, all[3*i:3*i+3])
					}
					runtime.Gosched()
					b.Release()
				}
			}()
		}
		for range 6 {
			<-started
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
		wg.Wait()
		if mapped, _ := s.mapped(); mapped != 0 {
			t.Errorf("MaxMapped(%d): %d files counted mapped after Close", bound, mapped)
		}
		if n := mappingsIn(dir); n > 0 {
			t.Errorf("MaxMapped(%d): %d mappings of the shards left after Close and the last Release", bound, n)
		}
	}
}

// A block held across Close stays readable, and its Release unmaps it.
func TestSetReleaseAfterClose(t *testing.T) {
	dir := t.TempDir()
	_, all := writeShards(t, dir, []int{1, 1, 1}, 4)
	s, err := OpenShards[float32](dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Frame(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Frame(2); err != nil {
		t.Fatal(err) // left unreleased: Close unmaps it
	}
	s.Close()
	if _, err := s.Frame(0); !errors.Is(err, ErrClosed) {
		t.Errorf("Frame after Close = %v, want ErrClosed", err)
	}
	if got := slices.Collect(b.Values()); !slices.Equal(got, all[4:8]) {
		t.Errorf("a block held across Close reads %v, want %v", got, all[4:8])
	}
	if n := mappingsIn(dir); n >= 0 && n != 2 {
		t.Errorf("%d mappings with two blocks held across Close, want 2", n)
	}
	b.Release()
	if n := mappingsIn(dir); n >= 0 && n != 1 {
		t.Errorf("%d mappings after one of the two was released, want 1", n)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("a second Release did not panic")
			}
		}()
		b.Release()
	}()
}

// CopyTo of one row takes a path of its own: it must agree with Frame, and
// panic as the general path does.
func TestShardsCopyRow(t *testing.T) {
	dir := t.TempDir()
	_, all := writeShards(t, dir, []int{2, 3, 0, 1}, 2)
	s, err := OpenShards[float32](dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, i := range []int{0, 1, 2, 4, 5, -1, -6} {
		row := i
		if row < 0 {
			row += s.Len()
		}
		dst := make([]float32, 3)
		n, err := s.CopyTo(dst, array.Idx(i))
		if err != nil || n != 2 || !slices.Equal(dst, append(slices.Clone(all[2*row:2*row+2]), 0)) {
			t.Errorf("CopyTo(Idx(%d)) = %d, %v, %v; want row %d: %v", i, n, err, dst, row, all[2*row:2*row+2])
		}
	}
	for _, c := range []struct {
		i   int
		dst int
	}{{6, 2}, {-7, 2}, {0, 1}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "dataset: ") {
					t.Errorf("CopyTo(%d elements, Idx(%d)) panicked with %v, want a dataset: panic", c.dst, c.i, r)
				}
			}()
			s.CopyTo(make([]float32, c.dst), array.Idx(c.i))
		}()
	}
}

// A shard mapped before the set had a typed view still gives Frames, the
// view being made on first use and kept.
func TestSetTypedAfterRead(t *testing.T) {
	dir := t.TempDir()
	_, all := writeShards(t, dir, []int{2, 2}, 3)
	set, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	sh, err := set.Shard(1)
	if err != nil {
		t.Fatal(err)
	}
	sh.Release()
	s, err := Typed[float32](set)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, i := range []int{3, 0} {
			b, err := s.Frame(i)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Collect(b.Values()); !slices.Equal(got, all[3*i:3*i+3]) {
				t.Errorf("Frame(%d) = %v, want %v", i, got, all[3*i:3*i+3])
			}
			b.Release()
		}
	}
	if _, maps := set.mapped(); maps != 2 {
		t.Errorf("%d mappings made for 2 shards", maps)
	}
}
