package mmap_test

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/ndmap/ndmap/mmap"
)

// within fails the test if fn does not return within a generous time: the
// calls it makes used to wait for each other forever.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return: deadlock", what)
	}
}

// mappedAfter reports, on Linux, whether the file is still mapped.
func mappedAfter(t *testing.T, path string) bool {
	t.Helper()
	if runtime.GOOS != "linux" {
		return false
	}
	return mappingsOf(t, path) != 0
}

// TestGuardClose closes a map from inside its own Guard callback, which
// used to deadlock: Guard held the read lock while Close waited for the
// write lock.
func TestGuardClose(t *testing.T) {
	data := pattern(2 * page)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "Guard(func { Close })", func() {
		err = m.Guard(func(b []byte) error {
			if err := m.Close(); err != nil {
				return err
			}
			// Closed for every new call, but b stays mapped until fn returns.
			if m.Bytes() != nil {
				t.Errorf("Bytes() inside Guard after Close = non-nil, want nil")
			}
			if _, err := m.ReadAt(make([]byte, 1), 0); !errors.Is(err, mmap.ErrClosed) {
				t.Errorf("ReadAt inside Guard after Close = %v, want ErrClosed", err)
			}
			if !bytes.Equal(b, data) {
				t.Errorf("Guard's slice changed after Close")
			}
			return nil
		})
	})
	if err != nil {
		t.Errorf("Guard = %v, want nil", err)
	}
	if mappedAfter(t, path) {
		t.Errorf("the file is still mapped after Guard returned")
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if err := m.Guard(func([]byte) error { return nil }); !errors.Is(err, mmap.ErrClosed) {
		t.Errorf("Guard after Close = %v, want ErrClosed", err)
	}
}

// TestGuardCloseConcurrent closes a map from another goroutine while a
// Guard callback runs: Close returns at once, and the callback's slice
// stays valid to its end.
func TestGuardCloseConcurrent(t *testing.T) {
	data := pattern(2 * page)
	path := writeFile(t, data)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	inside, closed := make(chan struct{}), make(chan struct{})
	guardErr := make(chan error, 1)
	go func() {
		guardErr <- m.Guard(func(b []byte) error {
			close(inside)
			<-closed
			if !bytes.Equal(b, data) {
				return errors.New("slice changed after Close")
			}
			return nil
		})
	}()
	<-inside
	within(t, "Close during Guard", func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close during Guard = %v", err)
		}
	})
	if !mappedAfter(t, path) && runtime.GOOS == "linux" {
		t.Errorf("Close unmapped the file while a Guard callback was using it")
	}
	close(closed)
	if err := <-guardErr; err != nil {
		t.Errorf("Guard = %v", err)
	}
	if mappedAfter(t, path) {
		t.Errorf("the file is still mapped after the last Guard returned")
	}
}

// TestGuardResize checks that Resize refuses to move the mapping under a
// Guard callback, from inside it, rather than wait for it forever.
func TestGuardResize(t *testing.T) {
	path := writeFile(t, pattern(page))
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, m)
	within(t, "Guard(func { Resize })", func() {
		err = m.Guard(func([]byte) error { return m.Resize(int64(2 * page)) })
	})
	if !errors.Is(err, mmap.ErrBusy) {
		t.Errorf("Resize inside Guard = %v, want ErrBusy", err)
	}
	if m.Len() != page {
		t.Errorf("Len() = %d after a refused Resize, want %d", m.Len(), page)
	}
	if err := m.Resize(int64(2 * page)); err != nil {
		t.Errorf("Resize after Guard = %v", err)
	}
}
