package dataset

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// cache holds the pieces of a dataset that are open — mapped files,
// inflated chunks — up to a number of mappings, a number of mapped bytes
// and a number of bytes of memory, and closes unpinned ones beyond that,
// those not used lately first. A piece in use is pinned and never closed
// under its user; when every piece is pinned the cache goes over its
// bounds until some are released.
//
// A hit — the piece is loaded — takes no lock: it finds the entry in an
// array indexed by key and pins it with an atomic add, and its release is
// an atomic add too. A random read over tens of thousands of mapped files
// thus touches the few cache lines of one entry, not a map, a lock and the
// neighbours in a list. Recency is kept as in the clock algorithm: a hit
// sets the entry's reference bit, and eviction, under the lock, passes over
// an entry whose bit is set once, clearing it.
//
// A piece is loaded once even when several goroutines ask for it at the
// same time: the first loads it, the others wait for it.
type cache[V any] struct {
	lim    limits
	budget *budget // the budget its mappings count in, or nil under MaxMapped

	dense  atomic.Pointer[[]atomic.Pointer[entry[V]]] // entries of keys below denseKeys
	sparse sync.Map                                   // int -> *entry[V], for keys from denseKeys on

	closed atomic.Bool
	over   atomic.Bool // the last eviction left the cache over its bounds

	mu       sync.Mutex // serialises loads' bookkeeping, eviction and Close
	maps     int
	mapBytes int64
	bytes    int64
	ring     []*entry[V] // the loaded entries, in the clock's circle
	hand     int
	opens    int // loads that succeeded, for tests and benchmarks
}

// limits are the bounds of a cache.
type limits struct {
	maps     int   // mappings
	mapBytes int64 // bytes mapped: address space, bounded on 32-bit systems
	bytes    int64 // bytes of memory
}

// denseKeys bounds the keys kept in the array: a key beyond, which only the
// chunks of a Zarr array of more than a million chunks have, is looked up
// in a sync.Map.
const denseKeys = 1 << 20

// entry is one piece in the cache.
type entry[V any] struct {
	// pins is the number of users, or -1 once the entry is dead: evicted
	// or closed, never to be pinned again. Pinning and eviction race on
	// it with compare-and-swap; exactly one wins.
	pins   atomic.Int32
	ref    atomic.Bool // used since the clock last passed
	done   atomic.Bool // loaded, or failed: val and err are set
	orphan atomic.Bool // out of the cache: the last release closes it
	val    V
	err    error

	c        *cache[V]
	key      int
	maps     int   // mappings it holds
	mapBytes int64 // bytes mapped
	bytes    int64 // memory it holds
	close    func() error
	ready    chan struct{} // closed once loaded (or failed)
	slot     int           // index in c.ring, or -1
}

// loaded is what a load function returns: the value, what it holds, and how
// to release it (nil when nothing needs releasing).
type loaded[V any] struct {
	val      V
	maps     int
	mapBytes int64
	bytes    int64
	close    func() error
}

func newCache[V any](o options) *cache[V] {
	c := &cache[V]{lim: limits{maps: o.maxMapped, mapBytes: maxMapBytes, bytes: o.cacheBytes}}
	c.dense.Store(new([]atomic.Pointer[entry[V]]))
	if c.lim.maps == 0 {
		c.budget = o.budget
		if c.budget == nil {
			c.budget = processBudget()
		}
		c.lim.maps = c.budget.limit
		c.budget.join(c)
	}
	return c
}

// lookup returns the entry of key, if there is one; it may be dead.
func (c *cache[V]) lookup(key int) *entry[V] {
	if d := *c.dense.Load(); key < len(d) {
		return d[key].Load()
	}
	if key >= denseKeys {
		if e, ok := c.sparse.Load(key); ok {
			return e.(*entry[V])
		}
	}
	return nil
}

// store sets the entry of key, or removes it when e is nil. It must be
// called with c.mu held.
func (c *cache[V]) store(key int, e *entry[V]) {
	if key >= denseKeys {
		if e == nil {
			c.sparse.Delete(key)
		} else {
			c.sparse.Store(key, e)
		}
		return
	}
	d := *c.dense.Load()
	if key >= len(d) {
		if e == nil {
			return
		}
		// Readers of the old array find what it held, or nothing, and
		// then take the lock; entries are never moved, only added.
		grown := make([]atomic.Pointer[entry[V]], min(denseKeys, max(key+1, 2*len(d), 64)))
		for k := range d {
			grown[k].Store(d[k].Load())
		}
		c.dense.Store(&grown)
		d = grown
	}
	d[key].Store(e)
}

// tryPin pins e unless it is dead.
func (e *entry[V]) tryPin() bool {
	for {
		n := e.pins.Load()
		if n < 0 {
			return false
		}
		if e.pins.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// get returns the piece key, pinned, loading it with load if it is not in
// the cache. maps says how many mappings load will make, so that room is
// made before it runs, and fd whether it opens a file. The caller must call
// release on the entry once.
func (c *cache[V]) get(key int, maps int, fd bool, load func() (loaded[V], error)) (*entry[V], error) {
	if e := c.lookup(key); e != nil && e.tryPin() {
		return c.hit(e)
	}
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if e := c.lookup(key); e != nil && e.tryPin() {
		// Loaded, or being loaded, meanwhile.
		c.mu.Unlock()
		return c.hit(e)
	}
	e := &entry[V]{c: c, key: key, maps: maps, ready: make(chan struct{}), slot: -1}
	e.pins.Store(1)
	c.store(key, e)
	c.account(maps, 0, 0)
	victims := c.evict()
	c.mu.Unlock()
	closeAll(victims)
	c.reclaim()

	l, err := c.load(e, fd, load)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	c.account(-maps, 0, 0) // the room made for it
	e.maps = 0
	e.val, e.close = l.val, l.close
	c.opens++
	// Close ran while loading, and emptied the index: nothing is left to
	// close this but its users.
	late := c.closed.Load()
	if late {
		e.orphan.Store(true)
	} else {
		e.maps, e.mapBytes, e.bytes = l.maps, l.mapBytes, l.bytes
		c.account(e.maps, e.mapBytes, e.bytes)
		e.slot = len(c.ring)
		c.ring = append(c.ring, e)
		victims = c.evict()
	}
	e.done.Store(true)
	c.mu.Unlock()
	close(e.ready)
	closeAll(victims)
	c.reclaim()
	if late {
		e.release()
		return nil, ErrClosed
	}
	return e, nil
}

// load runs load for the new entry e, holding a descriptor if fd. If load
// fails, or panics — a Describer is the caller's code — e is failed: it
// leaves the index, so that the next get loads it afresh, and those
// waiting for it get the error. A panic goes on up once the descriptor and
// the room made for e are given back.
func (c *cache[V]) load(e *entry[V], fd bool, load func() (loaded[V], error)) (l loaded[V], err error) {
	if fd {
		descriptors <- struct{}{}
		defer func() { <-descriptors }()
	}
	returned := false
	defer func() {
		if !returned {
			c.fail(e, errLoadPanicked)
		} else if err != nil {
			c.fail(e, err)
		}
	}()
	l, err = load()
	returned = true
	return l, err
}

// fail ends the load of e with err.
func (c *cache[V]) fail(e *entry[V], err error) {
	c.mu.Lock()
	c.account(-e.maps, 0, 0) // the room made for it
	e.maps = 0
	if c.lookup(e.key) == e {
		c.store(e.key, nil)
	}
	e.err = err
	e.done.Store(true)
	c.mu.Unlock()
	close(e.ready)
}

// errLoadPanicked is what those waiting for a piece get when its load
// panicked in the goroutine that ran it.
var errLoadPanicked = errors.New("dataset: loading the file panicked")

// hit finishes getting a pinned entry found in the cache.
func (c *cache[V]) hit(e *entry[V]) (*entry[V], error) {
	if !e.done.Load() {
		<-e.ready
	}
	if e.err != nil {
		e.release()
		return nil, e.err
	}
	if c.closed.Load() {
		e.release()
		return nil, ErrClosed
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	return e, nil
}

// release unpins e; an unpinned entry may be closed to make room.
//
// release panics if e is released more often than it was pinned.
func (e *entry[V]) release() {
	n := e.pins.Add(-1)
	if n > 0 {
		return
	}
	if n < 0 {
		panic("dataset: Block released twice")
	}
	if e.orphan.Load() {
		// Out of the cache (closed) while pinned: the last user closes it.
		// Close, setting orphan, races with this release to claim it.
		if e.pins.CompareAndSwap(0, -1) {
			closeAll([]*entry[V]{e})
		}
		return
	}
	if c := e.c; c.over.Load() {
		c.mu.Lock()
		victims := c.evict()
		c.mu.Unlock()
		closeAll(victims)
	}
}

// account adds to what the cache holds. It must be called with c.mu held.
func (c *cache[V]) account(maps int, mapBytes, bytes int64) {
	c.maps += maps
	c.mapBytes += mapBytes
	c.bytes += bytes
	if c.budget != nil && maps != 0 {
		c.budget.total.Add(int64(maps))
	}
}

// overBounds reports whether the cache holds more than its bounds allow:
// its own, and under a budget that is over, its share of it. It must be
// called with c.mu held.
func (c *cache[V]) overBounds() bool {
	return c.maps > c.lim.maps || c.mapBytes > c.lim.mapBytes || c.bytes > c.lim.bytes ||
		c.budget != nil && c.maps > c.budget.share() && c.budget.over()
}

// reclaim makes the other caches of c's budget give back mappings while
// the budget is over. It must be called without c.mu held.
func (c *cache[V]) reclaim() {
	if c.budget != nil && c.budget.over() {
		c.budget.reclaim(c)
	}
}

// trim evicts what the cache holds beyond its bounds, for another cache of
// its budget: it takes c.mu as a load of c would, and claims only unpinned
// entries, so that its hits and releases go on without a lock.
func (c *cache[V]) trim() {
	c.mu.Lock()
	var victims []*entry[V]
	if !c.closed.Load() {
		victims = c.evict()
	}
	c.mu.Unlock()
	closeAll(victims)
}

// evict unlinks unpinned entries, those whose reference bit is clear
// first, until the cache is within its bounds, and returns them to be
// closed once the lock is released. It must be called with c.mu held.
func (c *cache[V]) evict() []*entry[V] {
	var victims []*entry[V]
	// Two turns of the clock: the first may only clear reference bits.
	for steps := 2 * len(c.ring); steps > 0 && len(c.ring) > 0 && c.overBounds(); steps-- {
		if c.hand >= len(c.ring) {
			c.hand = 0
		}
		e := c.ring[c.hand]
		if e.ref.Load() {
			e.ref.Store(false)
			c.hand++
			continue
		}
		if !e.pins.CompareAndSwap(0, -1) {
			c.hand++
			continue
		}
		// The last entry of the ring takes e's place, under the hand.
		c.unlink(e)
		victims = append(victims, e)
	}
	c.over.Store(c.overBounds())
	return victims
}

// unlink removes a loaded entry from the cache. It must be called with c.mu
// held.
func (c *cache[V]) unlink(e *entry[V]) {
	last := c.ring[len(c.ring)-1]
	c.ring[e.slot], last.slot = last, e.slot
	c.ring[len(c.ring)-1] = nil
	c.ring = c.ring[:len(c.ring)-1]
	e.slot = -1
	if c.lookup(e.key) == e {
		c.store(e.key, nil)
	}
	c.account(-e.maps, -e.mapBytes, -e.bytes)
}

func closeAll[V any](victims []*entry[V]) error {
	var errs []error
	for _, e := range victims {
		if e.close != nil {
			errs = append(errs, e.close())
		}
	}
	return errors.Join(errs...)
}

// stats returns the mappings and bytes held and the loads so far.
func (c *cache[V]) stats() (maps int, bytes int64, opens int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maps, c.bytes, c.opens
}

// closeCache closes every unpinned piece and marks the cache closed; pinned
// pieces are closed when their last user releases them.
func (c *cache[V]) closeCache() error {
	c.mu.Lock()
	if c.closed.Swap(true) {
		c.mu.Unlock()
		return nil
	}
	var victims []*entry[V]
	for len(c.ring) > 0 {
		e := c.ring[len(c.ring)-1]
		c.unlink(e)
		// A release racing with this one sees orphan, or its unpin comes
		// before the swap below: one of the two closes e.
		e.orphan.Store(true)
		if e.pins.CompareAndSwap(0, -1) {
			victims = append(victims, e)
		}
	}
	c.dense.Store(new([]atomic.Pointer[entry[V]]))
	c.sparse.Clear()
	c.mu.Unlock()
	if c.budget != nil {
		c.budget.leave(c)
	}
	return closeAll(victims)
}

// closeDropped closes the cache of a dataset that was dropped without
// Close, as its cleanup. Errors closing the files have nobody to go to.
func (c *cache[V]) closeDropped() { c.closeCache() }

// budget bounds the mappings of several caches together: those of every
// dataset opened without MaxMapped share the process's, since the limit on
// mappings (vm.max_map_count on Linux) is the process's, not a dataset's.
//
// Each cache is entitled to an equal share of the limit. While the total
// is within the limit, a cache may hold more than its share; once it is
// over, caches holding more than their share give back mappings, those not
// used lately first, until it is within again. A cache that needs room
// takes it from the others, under their locks, so that a dataset that
// filled the budget and went idle — and so never evicts on its own — does
// not leave a second one remapping on every read.
type budget struct {
	limit int
	total atomic.Int64 // mappings held, or made room for, by its caches
	n     atomic.Int64 // len(caches)
	turn  atomic.Uint64

	mu     sync.Mutex // guards caches; never held with a cache's mu
	caches []trimmer  // the open caches under the budget
}

// trimmer is a cache of any value type, as a budget sees it.
type trimmer interface{ trim() }

// processBudget is the budget of every dataset opened without MaxMapped.
var processBudget = sync.OnceValue(func() *budget { return &budget{limit: defaultMaxMapped()} })

func (b *budget) over() bool { return b.total.Load() > int64(b.limit) }

// share is what each cache may keep when the budget is over.
func (b *budget) share() int { return b.limit / int(max(1, b.n.Load())) }

func (b *budget) join(c trimmer) {
	b.mu.Lock()
	b.caches = append(b.caches, c)
	b.n.Store(int64(len(b.caches)))
	b.mu.Unlock()
}

func (b *budget) leave(c trimmer) {
	b.mu.Lock()
	if i := slices.Index(b.caches, c); i >= 0 {
		b.caches = slices.Delete(b.caches, i, i+1)
	}
	b.n.Store(int64(len(b.caches)))
	b.mu.Unlock()
}

// reclaim trims the caches other than from, one at a time, until the
// budget is within its limit or every cache has been asked.
func (b *budget) reclaim(from trimmer) {
	b.mu.Lock()
	cs := slices.Clone(b.caches)
	b.mu.Unlock()
	if len(cs) == 0 {
		return
	}
	// Begin where the last reclaim began, plus one, so that of several
	// caches over their share the same one is not always the first to
	// give back.
	start := int(b.turn.Add(1) % uint64(len(cs)))
	for i := range cs {
		if !b.over() {
			return
		}
		if c := cs[(start+i)%len(cs)]; c != from {
			c.trim()
		}
	}
}

// descriptors bounds the files this package holds open at once, in all
// datasets together: a file is open only while its header is read or it is
// mapped or inflated, and never afterwards.
var descriptors = make(chan struct{}, maxDescriptors)

// maxDescriptors is the size of descriptors: far below the common limit
// of 1,024 open files, and more than the files a pass reads at once.
const maxDescriptors = 32
