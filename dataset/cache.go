package dataset

import (
	"errors"
	"sync"
)

// cache holds the pieces of a dataset that are open — mapped files,
// inflated chunks — up to a number of files and a number of bytes, and
// closes the least recently used unpinned ones beyond that. A piece in use
// is pinned and never closed under its user; when every piece is pinned the
// cache goes over its bounds until some are released.
//
// A piece is loaded once even when several goroutines ask for it at the
// same time: the first loads it, the others wait for it.
type cache[V any] struct {
	mu       sync.Mutex
	maxFiles int
	maxBytes int64
	files    int
	bytes    int64
	entries  map[int]*entry[V]
	lru      entry[V] // sentinel: lru.next is the most recently used
	closed   bool
	opens    int // loads that succeeded, for tests and benchmarks
}

// entry is one piece in the cache.
type entry[V any] struct {
	c          *cache[V]
	key        int
	val        V
	files      int   // descriptors and mappings it holds
	bytes      int64 // memory it holds
	close      func() error
	pins       int
	ready      chan struct{} // closed once loaded (or failed)
	err        error
	prev, next *entry[V]
}

// loaded is what a load function returns: the value, what it holds, and how
// to release it (nil when nothing needs releasing).
type loaded[V any] struct {
	val   V
	files int
	bytes int64
	close func() error
}

func newCache[V any](maxFiles int, maxBytes int64) *cache[V] {
	c := &cache[V]{maxFiles: maxFiles, maxBytes: maxBytes, entries: map[int]*entry[V]{}}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// get returns the piece key, pinned, loading it with load if it is not in
// the cache. files says how many descriptors load will hold, so that room is
// made before it runs. The caller must call release on the entry once.
func (c *cache[V]) get(key int, files int, load func() (loaded[V], error)) (*entry[V], error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if e, ok := c.entries[key]; ok {
		e.pins++
		c.touch(e)
		c.mu.Unlock()
		<-e.ready
		if e.err != nil {
			e.release()
			return nil, e.err
		}
		return e, nil
	}
	e := &entry[V]{c: c, key: key, files: files, pins: 1, ready: make(chan struct{})}
	c.entries[key] = e
	c.files += files
	c.pushFront(e)
	victims := c.evict()
	c.mu.Unlock()
	closeAll(victims)

	l, err := load()

	c.mu.Lock()
	if err != nil {
		e.err = err
		c.files -= e.files
		e.files = 0
		delete(c.entries, key)
		c.unlink(e)
		c.mu.Unlock()
		close(e.ready)
		return nil, err
	}
	e.val, e.close = l.val, l.close
	c.files += l.files - e.files
	e.files, e.bytes = l.files, l.bytes
	c.bytes += l.bytes
	c.opens++
	victims = c.evict()
	late := c.closed // Close ran while loading: nothing is left to close this
	c.mu.Unlock()
	close(e.ready)
	closeAll(victims)
	if late {
		e.release()
		return nil, ErrClosed
	}
	return e, nil
}

// release unpins e; an unpinned entry may be closed to make room.
//
// release panics if e is released more often than it was pinned.
func (e *entry[V]) release() {
	c := e.c
	c.mu.Lock()
	if e.pins <= 0 {
		c.mu.Unlock()
		panic("dataset: Block released twice")
	}
	e.pins--
	var victims []*entry[V]
	switch {
	case e.pins == 0 && (c.closed || e.err != nil) && e.prev == nil:
		// Unlinked by Close or by a failed load: the last user closes it.
		victims = []*entry[V]{e}
	case e.pins == 0:
		victims = c.evict()
	}
	c.mu.Unlock()
	closeAll(victims)
}

// evict unlinks unpinned entries, least recently used first, until the
// cache is within its bounds, and returns them to be closed once the lock
// is released. It must be called with c.mu held.
func (c *cache[V]) evict() []*entry[V] {
	var victims []*entry[V]
	for e := c.lru.prev; e != &c.lru && (c.files > c.maxFiles || c.bytes > c.maxBytes); {
		prev := e.prev
		if e.pins == 0 {
			c.drop(e)
			victims = append(victims, e)
		}
		e = prev
	}
	return victims
}

// drop removes e from the cache. It must be called with c.mu held.
func (c *cache[V]) drop(e *entry[V]) {
	delete(c.entries, e.key)
	c.unlink(e)
	c.files -= e.files
	c.bytes -= e.bytes
}

func (c *cache[V]) pushFront(e *entry[V]) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

func (c *cache[V]) unlink(e *entry[V]) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

func (c *cache[V]) touch(e *entry[V]) {
	if c.lru.next != e && e.prev != nil {
		c.unlink(e)
		c.pushFront(e)
	}
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

// stats returns the files and bytes held and the loads so far.
func (c *cache[V]) stats() (files int, bytes int64, opens int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.files, c.bytes, c.opens
}

// closeCache closes every unpinned piece and marks the cache closed; pinned
// pieces are closed when their last user releases them.
func (c *cache[V]) closeCache() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	var victims []*entry[V]
	for e := c.lru.next; e != &c.lru; {
		next := e.next
		c.drop(e)
		if e.pins == 0 {
			victims = append(victims, e)
		}
		e = next
	}
	c.mu.Unlock()
	return closeAll(victims)
}
