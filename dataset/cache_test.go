package dataset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
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

// A load that panics gives its descriptor back, takes back the room made
// for it, and lets the next get of its key load it again; a goroutine
// waiting for it meanwhile gets an error, not a hang.
func TestCacheLoadPanics(t *testing.T) {
	b := &budget{limit: 100}
	c := newCache[int](options{cacheBytes: 1 << 20, budget: b})
	defer c.closeCache()
	started, waiting := make(chan struct{}), make(chan error)
	go func() {
		<-started
		e, err := c.get(7, 1, true, func() (loaded[int], error) { return loaded[int]{val: 2, maps: 1}, nil })
		if err == nil {
			e.release()
		}
		waiting <- err
	}()
	func() {
		defer func() {
			if r := recover(); r != "describer bug" {
				t.Errorf("get recovered %v, want the load's panic", r)
			}
		}()
		c.get(7, 1, true, func() (loaded[int], error) {
			close(started)
			time.Sleep(10 * time.Millisecond) // let the other goroutine find the entry loading
			panic("describer bug")
		})
	}()
	select {
	case err := <-waiting:
		if err != nil && !errors.Is(err, errLoadPanicked) {
			t.Errorf("a get waiting for the panicked load = %v, want nil or errLoadPanicked", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a get waiting for the panicked load hangs")
	}
	if n := len(descriptors); n != 0 {
		t.Errorf("%d descriptors taken after the panic, want 0", n)
	}
	e, err := c.get(7, 1, true, func() (loaded[int], error) { return loaded[int]{val: 1, maps: 1}, nil })
	if err != nil {
		t.Fatalf("get after the panic: %v", err)
	}
	if e.val != 1 && e.val != 2 {
		t.Errorf("get after the panic = %d, want 1 (or 2, loaded by the waiter)", e.val)
	}
	e.release()
	if maps, _, _ := c.stats(); maps != 1 || b.total.Load() != 1 {
		t.Errorf("%d mappings counted in the cache, %d in the budget; want 1 and 1", maps, b.total.Load())
	}
}

// panicky describes .npy files, and panics while armed.
type panicky struct{ armed *atomic.Bool }

func (p panicky) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	if p.armed.Load() {
		panic("dataset test: describer armed")
	}
	return header.NPY{}.Describe(r, size)
}

// A Describer that panics as a shard is mapped leaves the set as it was:
// the same Frame, asked again, reads the shard.
func TestSetDescriberPanics(t *testing.T) {
	dir := t.TempDir()
	paths, all := writeShards(t, dir, []int{2, 2}, 3)
	var armed atomic.Bool
	s, err := OpenShardFiles[float32](paths, Describer(panicky{&armed}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	armed.Store(true)
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("Frame(2) with a panicking Describer did not panic")
			}
		}()
		s.Frame(2)
	}()
	armed.Store(false)
	if n := len(descriptors); n != 0 {
		t.Errorf("%d descriptors taken after the panic, want 0", n)
	}
	b, err := s.Frame(2)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if got := slices.Collect(b.Values()); !slices.Equal(got, all[6:9]) {
		t.Errorf("Frame(2) after the panic = %v, want %v", got, all[6:9])
	}
}

// Two datasets share a budget of 8 mappings. The first maps 8 files and goes
// idle; the second, reading its 2 files over and over, maps each once, taking
// the room from the first, and its releases take no lock. The first keeps
// the rest: it gives back only what the second needs.
func TestBudgetShared(t *testing.T) {
	b := &budget{limit: 8}
	dirA, dirB := t.TempDir(), t.TempDir()
	_, valsA := writeShards(t, dirA, []int{1, 1, 1, 1, 1, 1, 1, 1}, 1)
	_, valsB := writeShards(t, dirB, []int{1, 1}, 1)
	open := func(dir string) *Shards[float32] {
		s, err := OpenShards[float32](dir, func(o *options) { o.budget = b })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, s := open(dirA), open(dirB)
	read := func(s *Shards[float32], i int, vals []float32) {
		t.Helper()
		blk, err := s.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := blk.At(0), vals[i]; got != want {
			t.Errorf("Frame(%d).At(0) = %v, want %v", i, got, want)
		}
		blk.Release()
	}
	for i := range 8 {
		read(a, i, valsA)
	}
	for r := range 200 {
		read(s, r%2, valsB)
	}
	am, aopens := a.mapped()
	sm, sopens := s.mapped()
	if sm != 2 || sopens != 2 {
		t.Errorf("the second dataset holds %d mapped after mapping %d times for 200 reads of 2 files; want 2 and 2", sm, sopens)
	}
	if am != 6 || aopens != 8 {
		t.Errorf("the idle dataset holds %d mapped of the %d it mapped; want 6 of 8", am, aopens)
	}
	if n := b.total.Load(); n != 8 {
		t.Errorf("the budget counts %d mappings, want 8", n)
	}
	if s.cache.over.Load() {
		t.Errorf("the second dataset is marked over its bounds: its releases take the lock")
	}
}

// A dataset over its share whose blocks are all held keeps them; it gives
// back what is over as it releases them, down to what the budget allows.
func TestBudgetPinned(t *testing.T) {
	b := &budget{limit: 8}
	a := newCache[int](options{budget: b})
	defer a.closeCache()
	s := newCache[int](options{budget: b})
	defer s.closeCache()
	closed := 0
	load := func() (loaded[int], error) {
		return loaded[int]{val: 1, maps: 1, close: func() error { closed++; return nil }}, nil
	}
	var held []*entry[int]
	for k := range 8 {
		e, err := a.get(k, 1, false, load)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, e)
	}
	for k := range 2 {
		e, err := s.get(k, 1, false, load)
		if err != nil {
			t.Fatal(err)
		}
		e.release()
	}
	if am, _, _ := a.stats(); am != 8 || closed != 0 {
		t.Errorf("with every block held, the first dataset holds %d and %d were closed; want 8 and 0", am, closed)
	}
	for _, e := range held {
		e.release()
	}
	am, _, _ := a.stats()
	sm, _, _ := s.stats()
	if am != 6 || sm != 2 || closed != 2 || b.total.Load() != 8 {
		t.Errorf("after the releases the datasets hold %d and %d (budget %d), %d closed; want 6, 2 (8), 2 closed",
			am, sm, b.total.Load(), closed)
	}
}

// A set or Zarr array dropped without Close gives back the mappings it held
// in the budget, and unmaps them, once it is collected.
func TestBudgetDroppedWithoutClose(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "set"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeShards(t, filepath.Join(dir, "set"), []int{1, 1, 1, 1}, 2)
	data := make([]float32, 4*6)
	if err := WriteZarr(filepath.Join(dir, "z.zarr"), array.FromSlice(data, 4, 6), ZarrOptions{Chunks: []int{2, 3}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func(b *budget) // opens the dataset, reads 4 blocks, drops it
	}{
		{"Set", func(b *budget) {
			s, err := OpenShards[float32](filepath.Join(dir, "set"), func(o *options) { o.budget = b })
			if err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				blk, err := s.Frame(i)
				if err != nil {
					t.Fatal(err)
				}
				blk.Release()
			}
		}},
		{"Zarr", func(b *budget) {
			z, err := OpenZarr[float32](filepath.Join(dir, "z.zarr"), func(o *options) { o.budget = b })
			if err != nil {
				t.Fatal(err)
			}
			for k := range 4 {
				blk, err := z.Block(k)
				if err != nil {
					t.Fatal(err)
				}
				blk.Release()
			}
		}},
	} {
		b := &budget{limit: 100}
		c.read(b)
		if n := b.total.Load(); n != 4 {
			t.Fatalf("%s: the budget counts %d mappings after 4 blocks were read, want 4", c.name, n)
		}
		for i := 0; i < 100 && (b.total.Load() != 0 || b.n.Load() != 0); i++ {
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
		if n, caches := b.total.Load(), b.n.Load(); n != 0 || caches != 0 {
			t.Errorf("%s dropped without Close: the budget counts %d mappings of %d datasets, want 0 of 0", c.name, n, caches)
		}
	}
	if n := mappingsIn(dir); n > 0 {
		t.Errorf("%d mappings of the dropped datasets' files left", n)
	}
}

// A loop body over Set.Slices that panics leaves its shard released: Close
// then unmaps every shard.
func TestSetSlicesBodyPanics(t *testing.T) {
	dir := t.TempDir()
	writeShards(t, dir, []int{2, 2}, 3)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != "body" {
				t.Errorf("Slices recovered %v, want the loop body's panic", r)
			}
		}()
		for range s.Slices(array.All) {
			panic("body")
		}
	}()
	s.Close()
	if n := mappingsIn(dir); n > 0 {
		t.Errorf("%d shards left mapped after a loop body panicked and Close", n)
	}
}
